// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_files.c - the hosts.json parser (lib/files.c).
 *
 * Good fixtures are checked field by field; every bad fixture in
 * tests/unit/data has a row in bad_cases[] with the position and reason its
 * error must name. Most bad fixtures share one layout, so positions are easy
 * to check by eye: entry 2's key is at 8:3 and its k-th field at line 9+k,
 * column 5 (entry 1, lines 2-7, has "arp" at 5:5 and "ndp" at 6:5).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "ovl_abi.h"
#include "addr.h"
#include "files.h"
#include "test.h"
#include "test_path.h"

#define ERRLEN 512

static struct ovl_files_table *load_fixture(const char *name, char *path, size_t plen, char *err)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "tests/unit/data/%s.json", name);
	ovl_test_src_path(path, plen, rel);
	return ovl_files_load(path, err, ERRLEN);
}

static bool mac_of(const char *s, __u8 mac[6])
{
	return ASSERT_OK(ovl_mac_parse(s, mac), s);
}

static bool ip_of(const char *s, struct ovl_ip *ip)
{
	return ASSERT_OK(ovl_ip_parse(s, ip), s);
}

/* One entry, fields as canonical text; NULL for an absent optional field. */
struct want {
	const char *mac, *ip;
	int port;
	const char *arp, *ndp, *dhcp;
};

static bool check_entry(const struct ovl_files_entry *e, const struct want *w)
{
	char mac[OVL_MAC_STRLEN], ip[OVL_IP_STRLEN];
	bool ok = true;

	if (!ASSERT_OK_PTR(e, w->mac))
		return false;
	ok &= ASSERT_STREQ(ovl_mac_format(e->mac, mac), w->mac, "mac");
	ok &= ASSERT_STREQ(ovl_ip_format(&e->ip, ip), w->ip, w->mac);
	ok &= ASSERT_EQ(e->port, w->port, w->mac);
	ok &= ASSERT_EQ(e->has_arp, w->arp != NULL, w->mac);
	if (w->arp && e->has_arp) {
		ok &= ASSERT_EQ(e->arp.family, OVL_AF_INET4, w->mac);
		ok &= ASSERT_STREQ(ovl_ip_format(&e->arp, ip), w->arp, w->mac);
	}
	ok &= ASSERT_EQ(e->has_ndp, w->ndp != NULL, w->mac);
	if (w->ndp && e->has_ndp) {
		ok &= ASSERT_EQ(e->ndp.family, OVL_AF_INET6, w->mac);
		ok &= ASSERT_STREQ(ovl_ip_format(&e->ndp, ip), w->ndp, w->mac);
	}
	ok &= ASSERT_EQ(e->has_dhcp_proxy, w->dhcp != NULL, w->mac);
	if (w->dhcp && e->has_dhcp_proxy)
		ok &= ASSERT_STREQ(ovl_mac_format(e->dhcp_proxy, mac), w->dhcp, w->mac);
	return ok;
}

/* The table holds exactly these entries, in this order, each found by its
 * MAC and by its arp and ndp addresses. */
static void check_table(const struct ovl_files_table *t, const struct want *w, size_t n)
{
	if (!ASSERT_EQ(ovl_files_count(t), n, "count"))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct ovl_files_entry *e = ovl_files_entry(t, i);
		struct ovl_ip ip;
		__u8 mac[6];

		if (!check_entry(e, &w[i]))
			continue;
		if (mac_of(w[i].mac, mac))
			ASSERT_TRUE(ovl_files_find_mac(t, mac) == e, w[i].mac);
		if (w[i].arp && ip_of(w[i].arp, &ip))
			ASSERT_TRUE(ovl_files_find_ip(t, &ip) == e, w[i].arp);
		if (w[i].ndp && ip_of(w[i].ndp, &ip))
			ASSERT_TRUE(ovl_files_find_ip(t, &ip) == e, w[i].ndp);
	}
	ASSERT_NULL(ovl_files_entry(t, n), "entry past the end");
}

static void check_fixture(const char *name, const struct want *w, size_t n)
{
	char path[512], err[ERRLEN];
	struct ovl_files_table *t = load_fixture(name, path, sizeof(path), err);

	if (!ASSERT_OK_PTR(t, name)) {
		printf("  %s\n", err);
		return;
	}
	ASSERT_STREQ(err, "", "no message on success");
	check_table(t, w, n);
	ovl_files_free(t);
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The seed's three hosts, with the addresses its post elided filled in. */
void test_files_seed(void)
{
	static const struct want w[] = {
		{ "de:ad:be:ef:00:00", "10.1.0.1", 4789, "10.23.0.1", "fe80::3", NULL },
		{ "de:ad:be:ef:00:01", "10.1.0.2", 4789, "10.23.0.2", "fe80::4",
		  "de:ad:be:ef:00:00" },
		{ "de:ad:be:ef:00:02", "10.1.0.3", 4789, "10.23.0.3", "fe80::5", NULL },
	};
	char path[512], err[ERRLEN];
	struct ovl_files_table *t;
	struct ovl_ip ip;
	__u8 mac[6];

	check_fixture("good_seed", w, ARRAY_SIZE(w));

	t = load_fixture("good_seed", path, sizeof(path), err);
	if (!ASSERT_OK_PTR(t, "load"))
		return;
	if (mac_of("de:ad:be:ef:00:03", mac))
		ASSERT_NULL(ovl_files_find_mac(t, mac), "MAC not in the file");
	if (ip_of("10.23.0.4", &ip))
		ASSERT_NULL(ovl_files_find_ip(t, &ip), "arp address not in the file");
	if (ip_of("fe80::6", &ip))
		ASSERT_NULL(ovl_files_find_ip(t, &ip), "ndp address not in the file");
	/* underlay addresses are not overlay addresses */
	if (ip_of("10.1.0.1", &ip))
		ASSERT_NULL(ovl_files_find_ip(t, &ip), "underlay ip is not indexed");
	ovl_files_free(t);
}

/* examples/hosts.json, the file the README and the demo show, is the seed's. */
void test_files_example(void)
{
	static const struct want w[] = {
		{ "de:ad:be:ef:00:00", "10.1.0.1", 4789, "10.23.0.1", "fe80::3", NULL },
		{ "de:ad:be:ef:00:01", "10.1.0.2", 4789, "10.23.0.2", "fe80::4",
		  "de:ad:be:ef:00:00" },
		{ "de:ad:be:ef:00:02", "10.1.0.3", 4789, "10.23.0.3", "fe80::5", NULL },
	};
	char path[512], err[ERRLEN];
	struct ovl_files_table *t;

	ovl_test_src_path(path, sizeof(path), "examples/hosts.json");
	t = ovl_files_load(path, err, ERRLEN);
	if (!ASSERT_OK_PTR(t, "examples/hosts.json")) {
		printf("  %s\n", err);
		return;
	}
	check_table(t, w, ARRAY_SIZE(w));
	ovl_files_free(t);
}

/* The seed as published: optional addresses given as "" are absent. */
void test_files_seed_elided(void)
{
	static const struct want w[] = {
		{ "de:ad:be:ef:00:00", "10.1.0.1", 4789, NULL, "fe80::3", NULL },
		{ "de:ad:be:ef:00:01", "10.1.0.2", 4789, NULL, "fe80::4", "de:ad:be:ef:00:00" },
		{ "de:ad:be:ef:00:02", "10.1.0.3", 4789, NULL, NULL, NULL },
	};

	check_fixture("good_seed_elided", w, ARRAY_SIZE(w));
}

void test_files_ipv6_underlay(void)
{
	static const struct want w[] = {
		{ "02:00:00:00:01:01", "2001:db8:1::1", 4789, "192.168.7.1", "2001:db8:77::1",
		  NULL },
		{ "02:00:00:00:01:02", "2001:db8:1::2", 8472, NULL, "fe80::2", NULL },
		{ "02:00:00:00:01:03", "192.0.2.3", 65535, "192.168.7.3", NULL, NULL },
	};

	check_fixture("good_ipv6_underlay", w, ARRAY_SIZE(w));
}

void test_files_minimal(void)
{
	static const struct want w[] = {
		{ "02:00:00:00:00:01", "198.51.100.1", 4789, NULL, NULL, NULL },
		{ "02:00:00:00:00:02", "198.51.100.2", 1, NULL, NULL, NULL },
	};

	check_fixture("good_minimal", w, ARRAY_SIZE(w));
}

/* {} is a network without hosts, not an error. */
void test_files_empty_object(void)
{
	char path[512], err[ERRLEN];
	struct ovl_files_table *t = load_fixture("good_empty_object", path, sizeof(path), err);
	__u8 mac[6];

	if (!ASSERT_OK_PTR(t, "load"))
		return;
	ASSERT_EQ(ovl_files_count(t), 0, "count");
	ASSERT_NULL(ovl_files_entry(t, 0), "entry 0");
	if (mac_of("02:00:00:00:00:01", mac))
		ASSERT_NULL(ovl_files_find_mac(t, mac), "find");
	ovl_files_free(t);
}

/* Keys and dhcp-proxy values in any case and with one-digit groups, and a
 * key written with a \u escape, are found by their canonical MAC. */
void test_files_mac_spellings(void)
{
	static const struct want w[] = {
		{ "de:ad:be:ef:00:01", "10.1.0.1", 4789, NULL, NULL, "00:01:02:03:04:05" },
		{ "00:01:02:03:04:05", "10.1.0.2", 4789, "10.23.0.5", NULL, "de:ad:be:ef:00:01" },
		{ "0a:0b:0c:0d:0e:0f", "10.1.0.3", 4789, NULL, NULL, NULL },
	};

	check_fixture("good_mac_spellings", w, ARRAY_SIZE(w));
}

/* find_ip() compares only the address bytes of the family. */
void test_files_find_ip_key(void)
{
	char path[512], err[ERRLEN];
	struct ovl_files_table *t = load_fixture("good_seed", path, sizeof(path), err);
	struct ovl_ip ip;

	if (!ASSERT_OK_PTR(t, "load"))
		return;
	if (ip_of("10.23.0.3", &ip)) {
		memset(ip.addr + 4, 0xa5, sizeof(ip.addr) - 4);
		ASSERT_TRUE(ovl_files_find_ip(t, &ip) == ovl_files_entry(t, 2), "v4, junk after");
		ip.family = 0;
		ASSERT_NULL(ovl_files_find_ip(t, &ip), "family 0");
		ip.family = OVL_AF_INET6;
		ASSERT_NULL(ovl_files_find_ip(t, &ip), "same bytes as IPv6");
	}
	if (ip_of("FE80:0:0::4", &ip))
		ASSERT_TRUE(ovl_files_find_ip(t, &ip) == ovl_files_entry(t, 1), "v6 spelling");
	ovl_files_free(t);
}

/* Every bad fixture: the position and the reason its message must give. */
static const struct bad_case {
	const char *file;
	unsigned int line, col;
	const char *reason;
} bad_cases[] = {
	/* the MAC keys */
	{ "bad_mac_short", 8, 3, "\"de:ad:be:ef:00\": key is not a MAC address" },
	{ "bad_mac_word", 8, 3, "\"host1\": key is not a MAC address" },
	{ "bad_mac_dash", 8, 3, "\"de-ad-be-ef-00-01\": key is not a MAC address" },
	{ "bad_mac_multicast", 8, 3, "\"01:00:5e:00:00:01\": a multicast MAC cannot be a VNIC" },
	{ "bad_mac_broadcast", 8, 3, "\"ff:ff:ff:ff:ff:ff\": a multicast MAC cannot be a VNIC" },
	{ "bad_mac_zero", 8, 3, "\"00:00:00:00:00:00\": the all-zero MAC cannot be a VNIC" },
	{ "bad_dup_mac", 8, 3, "duplicate MAC \"de:ad:be:ef:00:00\" (first at 2:3)" },
	{ "bad_dup_mac_case", 8, 3,
	  "\"DE:AD:BE:EF:00:00\": same MAC as \"de:ad:be:ef:00:00\" at 2:3" },
	{ "bad_dup_mac_short", 8, 3,
	  "\"de:ad:be:ef:0:0\": same MAC as \"de:ad:be:ef:00:00\" at 2:3" },
	/* the entries */
	{ "bad_dup_field", 11, 5, "\"de:ad:be:ef:00:01\": duplicate key \"ip\" (first at 9:5)" },
	{ "bad_unknown_key", 10, 5,
	  "\"de:ad:be:ef:00:01\": unknown key \"prot\" (expected ip, port, arp, ndp, "
	  "dhcp-proxy)" },
	{ "bad_missing_ip", 8, 3, "\"de:ad:be:ef:00:01\": missing \"ip\"" },
	{ "bad_missing_port", 8, 3, "\"de:ad:be:ef:00:01\": missing \"port\"" },
	/* ip */
	{ "bad_ip_number", 9, 5, "\"ip\" is an integer, expected a string" },
	{ "bad_ip_null", 9, 5, "\"ip\" is null, expected a string" },
	{ "bad_ip_empty", 9, 5, "\"ip\" is empty (it is required)" },
	{ "bad_ip_syntax", 9, 5, "\"ip\" \"10.1.0.300\" is not an IPv4 or IPv6 address" },
	{ "bad_ip_prefix", 9, 5, "\"ip\" \"10.1.0.2/24\" is not an IPv4 or IPv6 address" },
	{ "bad_ip_zone", 9, 5, "\"ip\" \"fe80::1%eth0\" is not an IPv4 or IPv6 address" },
	{ "bad_ip_unspecified", 9, 5, "\"ip\" \"::\" is the unspecified address" },
	{ "bad_ip_multicast", 9, 5, "\"ip\" \"239.1.1.1\" is a multicast address" },
	{ "bad_ip_v4mapped", 9, 5, "\"ip\" \"::ffff:10.1.0.2\" is an IPv4-mapped IPv6 address" },
	/* port */
	{ "bad_port_string", 10, 5, "\"port\" is a string, expected an integer 1..65535" },
	{ "bad_port_zero", 10, 5, "\"port\" 0 is out of range 1..65535" },
	{ "bad_port_65536", 10, 5, "\"port\" 65536 is out of range 1..65535" },
	{ "bad_port_negative", 10, 5, "\"port\" -1 is out of range 1..65535" },
	{ "bad_port_fraction", 10, 5, "\"port\" is a real number, expected an integer" },
	{ "bad_port_real", 10, 5, "\"port\" is a real number, expected an integer" },
	{ "bad_port_bool", 10, 5, "\"port\" is a boolean, expected an integer" },
	{ "bad_port_huge", 10, 32, "too big integer" }, /* jansson's, at the number's end */
	/* arp */
	{ "bad_arp_ipv6", 11, 5,
	  "\"arp\" \"fe80::5\" is not an IPv4 address (IPv6 goes in \"ndp\")" },
	{ "bad_arp_syntax", 11, 5, "\"arp\" \"10.23.0\" is not an IPv4 address" },
	{ "bad_arp_type", 11, 5, "\"arp\" is an integer, expected a string" },
	{ "bad_arp_loopback", 11, 5, "\"arp\" \"127.0.0.1\" is a loopback address" },
	{ "bad_arp_multicast", 11, 5, "\"arp\" \"224.0.0.251\" is a multicast address" },
	{ "bad_arp_unspecified", 11, 5, "\"arp\" \"0.0.0.0\" is the unspecified address" },
	{ "bad_arp_broadcast", 11, 5, "\"arp\" \"255.255.255.255\" is the broadcast address" },
	{ "bad_arp_dup", 11, 5,
	  "\"de:ad:be:ef:00:01\": \"arp\" 10.23.0.1 is also claimed by \"de:ad:be:ef:00:00\" at "
	  "5:5 (ambiguous ARP answers)" },
	/* ndp */
	{ "bad_ndp_ipv4", 11, 5,
	  "\"ndp\" \"10.23.0.2\" is not an IPv6 address (IPv4 goes in \"arp\")" },
	{ "bad_ndp_syntax", 11, 5, "\"ndp\" \"fd00::1::2\" is not an IPv6 address" },
	{ "bad_ndp_multicast", 11, 5, "\"ndp\" \"ff02::1\" is a multicast address" },
	{ "bad_ndp_loopback", 11, 5, "\"ndp\" \"::1\" is a loopback address" },
	{ "bad_ndp_unspecified", 11, 5, "\"ndp\" \"::\" is the unspecified address" },
	{ "bad_ndp_v4mapped", 11, 5, "\"ndp\" \"::ffff:10.23.0.2\" is an IPv4-mapped address" },
	{ "bad_ndp_dup", 11, 5, /* written FD00:0:0::1 */
	  "\"ndp\" fd00::1 is also claimed by \"de:ad:be:ef:00:00\" at 6:5 (ambiguous NDP answers)" },
	/* dhcp-proxy */
	{ "bad_dhcp_syntax", 11, 5, "\"dhcp-proxy\" \"de:ad:be:ef:00\" is not a MAC address" },
	{ "bad_dhcp_type", 11, 5, "\"dhcp-proxy\" is an array, expected a string" },
	{ "bad_dhcp_multicast", 11, 5, "\"dhcp-proxy\" \"ff:ff:ff:ff:ff:ff\" is a multicast MAC" },
	{ "bad_dhcp_zero", 11, 5, "\"dhcp-proxy\" \"00:00:00:00:00:00\" is the all-zero MAC" },
	{ "bad_dhcp_unknown", 11, 5, "\"dhcp-proxy\" de:ad:be:ef:00:09 is not a MAC of this file" },
	{ "bad_dhcp_self", 11, 5, "\"dhcp-proxy\" is the entry's own MAC" },
	/* the file as a whole; jansson's own positions and words for syntax */
	{ "bad_empty", 1, 1, "empty file" },
	{ "bad_blank", 1, 1, "empty file" },
	{ "bad_top_array", 1, 1, "top level is an array, expected an object keyed by MAC address" },
	{ "bad_top_string", 1, 19, "'[' or '{' expected" },
	{ "bad_not_json", 1, 2, "'[' or '{' expected near 'de'" },
	{ "bad_comment", 1, 1, "'[' or '{' expected near '/'" },
	{ "bad_truncated", 10, 0, "string or '}' expected near end of file" },
	{ "bad_trailing_comma", 8, 1, "string or '}' expected near '}'" },
	{ "bad_trailing_data", 13, 1, "end of file expected" },
	{ "bad_single_quotes", 8, 3, "string or '}' expected near '''" },
	{ "bad_utf8", 8, 19, "unable to decode byte 0xff" },
};

void test_files_bad_fixtures(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *bc = &bad_cases[i];
		char path[512], err[ERRLEN], prefix[600];
		struct ovl_files_table *t = load_fixture(bc->file, path, sizeof(path), err);

		if (!ASSERT_NULL(t, bc->file)) {
			ovl_files_free(t);
			continue;
		}
		ASSERT_EQ(errno, EINVAL, bc->file);
		snprintf(prefix, sizeof(prefix), "%s:%u:%u: ", path, bc->line, bc->col);
		if (!ASSERT_TRUE(strncmp(err, prefix, strlen(prefix)) == 0, bc->file))
			printf("  want prefix \"%s\"\n  got         \"%s\"\n", prefix, err);
		ASSERT_STRSTR(err, bc->reason, bc->file);
		ASSERT_NULL(strchr(err, '\n'), "one line");
		test_info("%s", err + strlen(path) - strlen(bc->file) - 5);
	}
}

/* Every fixture in the data folder is in a table here. */
void test_files_fixtures_listed(void)
{
	static const char *const good[] = {
		"good_seed",	"good_seed_elided",  "good_ipv6_underlay",
		"good_minimal", "good_empty_object", "good_mac_spellings",
	};
	const struct dirent *de;
	char dir[512];
	size_t seen = 0;
	DIR *d;

	d = opendir(ovl_test_src_path(dir, sizeof(dir), "tests/unit/data"));
	if (!ASSERT_OK_PTR(d, dir))
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		bool found = false;

		if (len < 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(good); i++)
			found |= strncmp(de->d_name, good[i], len - 5) == 0 && !good[i][len - 5];
		for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++)
			found |= strncmp(de->d_name, bad_cases[i].file, len - 5) == 0 &&
				 !bad_cases[i].file[len - 5];
		ASSERT_TRUE(found, de->d_name);
		seen++;
	}
	closedir(d);
	ASSERT_EQ(seen, ARRAY_SIZE(good) + ARRAY_SIZE(bad_cases), "fixtures on disk");
}

void test_files_load_errors(void)
{
	char path[512], err[ERRLEN];
	struct ovl_files_table *t;

	ovl_test_src_path(path, sizeof(path), "tests/unit/data/no_such_file.json");
	t = ovl_files_load(path, err, sizeof(err));
	if (ASSERT_NULL(t, "missing file")) {
		ASSERT_EQ(errno, ENOENT, "errno");
		ASSERT_STRSTR(err, path, "names the file");
		ASSERT_STRSTR(err, strerror(ENOENT), "says why");
	}
	ovl_files_free(t);

	ovl_test_src_path(path, sizeof(path), "tests/unit/data");
	t = ovl_files_load(path, err, sizeof(err));
	if (ASSERT_NULL(t, "a directory"))
		ASSERT_EQ(errno, EISDIR, "errno");
	ovl_files_free(t);

	/* no message buffer, or a tiny one, is fine */
	ovl_test_src_path(path, sizeof(path), "tests/unit/data/bad_unknown_key.json");
	t = ovl_files_load(path, NULL, 0);
	if (ASSERT_NULL(t, "no err buffer"))
		ASSERT_EQ(errno, EINVAL, "errno");
	memset(err, 'x', sizeof(err));
	t = ovl_files_load(path, err, 8);
	if (ASSERT_NULL(t, "tiny err buffer"))
		ASSERT_EQ(strlen(err), 7, "truncated and terminated");
	ASSERT_EQ(err[8], 'x', "nothing written past errlen");
}

void test_files_parse_memory(void)
{
	static const char text[] =
		"{\"02:00:00:00:00:01\": {\"ip\": \"10.0.0.1\", \"port\": 4789}}";
	char err[ERRLEN];
	struct ovl_files_table *t;

	t = ovl_files_parse(text, strlen(text), "inline", err, sizeof(err));
	if (ASSERT_OK_PTR(t, "parse"))
		ASSERT_EQ(ovl_files_count(t), 1, "count");
	ovl_files_free(t);

	/* the length is honoured: no NUL needed, nothing read beyond */
	t = ovl_files_parse(text, strlen(text) - 1, "inline", err, sizeof(err));
	if (ASSERT_NULL(t, "cut by len"))
		ASSERT_STRSTR(err, "inline:1:", "jansson position");

	t = ovl_files_parse(NULL, 0, NULL, err, sizeof(err));
	if (ASSERT_NULL(t, "no buffer"))
		ASSERT_STRSTR(err, "-:1:1: empty file", "default name");
	ovl_files_free(NULL);
}

/* The network's DHCP servers are the MACs some entry names as its
 * dhcp-proxy: they, and no other, may answer DHCP clients. */
void test_files_dhcp_servers(void)
{
	static const char text[] =
		"{\"02:00:00:00:00:01\": {\"ip\": \"10.0.0.1\", \"port\": 4789},\n"
		" \"02:00:00:00:00:02\": {\"ip\": \"10.0.0.2\", \"port\": 4789,"
		" \"dhcp-proxy\": \"02:00:00:00:00:01\"},\n"
		" \"02:00:00:00:00:03\": {\"ip\": \"10.0.0.2\", \"port\": 4789,"
		" \"dhcp-proxy\": \"02:00:00:00:00:01\"},\n"
		" \"02:00:00:00:00:04\": {\"ip\": \"10.0.0.3\", \"port\": 4789,"
		" \"dhcp-proxy\": \"02:00:00:00:00:03\"}}";
	static const struct {
		const char *mac;
		bool server;
	} want[] = {
		{ "02:00:00:00:00:01", true },	/* the proxy of two MACs */
		{ "02:00:00:00:00:02", false }, /* a client only */
		{ "02:00:00:00:00:03", true },	/* a client, and the proxy of another */
		{ "02:00:00:00:00:04", false },
		{ "02:00:00:00:00:05", false }, /* not in the file */
	};
	char err[ERRLEN];
	struct ovl_files_table *t;
	__u8 mac[6];

	t = ovl_files_parse(text, strlen(text), "inline", err, sizeof(err));
	if (!ASSERT_OK_PTR(t, err))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (mac_of(want[i].mac, mac))
			ASSERT_EQ(ovl_files_is_dhcp_server(t, mac), want[i].server, want[i].mac);
	ovl_files_free(t);

	/* the seed's file: de:ad:be:ef:00:00 serves de:ad:be:ef:00:01 */
	{
		char path[512];

		t = load_fixture("good_seed", path, sizeof(path), err);
		if (!ASSERT_OK_PTR(t, err))
			return;
		if (mac_of("de:ad:be:ef:00:00", mac))
			ASSERT_TRUE(ovl_files_is_dhcp_server(t, mac), "seed: the server");
		if (mac_of("de:ad:be:ef:00:01", mac))
			ASSERT_FALSE(ovl_files_is_dhcp_server(t, mac), "seed: its client");
		ovl_files_free(t);
	}
}

/* A deterministic PRNG for the generated tests (xorshift64*). */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dull;
}

#define BIG_N 100000

static void big_mac(unsigned int i, __u8 mac[6])
{
	const __u8 m[6] = { 0x02, 0, 0, (__u8)(i >> 16), (__u8)(i >> 8), (__u8)i };

	memcpy(mac, m, 6);
}

static void big_arp(unsigned int i, char *buf, size_t n)
{
	snprintf(buf, n, "10.%u.%u.%u", 64 + (i >> 16), (i >> 8) & 255, i & 255);
}

static void big_ndp(unsigned int i, char *buf, size_t n)
{
	snprintf(buf, n, "fd00::%x:%x", (i + 1) >> 16, (i + 1) & 0xffff);
}

static void big_ip(unsigned int i, char *buf, size_t n)
{
	unsigned int host = i % 1000;

	if (host % 4 == 3)
		snprintf(buf, n, "2001:db8::%x", host);
	else
		snprintf(buf, n, "192.168.%u.%u", host >> 8, host & 255);
}

static bool big_write(FILE *f)
{
	char mac[OVL_MAC_STRLEN], ip[64], arp[32], ndp[64];
	__u8 m[6];

	fputs("{\n", f);
	for (unsigned int i = 0; i < BIG_N; i++) {
		big_mac(i, m);
		big_ip(i, ip, sizeof(ip));
		big_arp(i, arp, sizeof(arp));
		big_ndp(i, ndp, sizeof(ndp));
		fprintf(f,
			"  \"%s\": { \"ip\": \"%s\", \"port\": %u, \"arp\": \"%s\", \"ndp\": \"%s\"%s }%s\n",
			ovl_mac_format(m, mac), ip, 4789 + i % 3, arp, ndp,
			i % 10 == 5 ? ", \"dhcp-proxy\": \"02:00:00:00:00:00\"" : "",
			i + 1 < BIG_N ? "," : "");
	}
	fputs("}\n", f);
	return !ferror(f);
}

void test_files_100k(void)
{
	char path[] = "/tmp/ovl-test-files-XXXXXX", err[ERRLEN], buf[64];
	struct ovl_files_table *t = NULL;
	struct timespec t0, t1;
	struct ovl_ip ip;
	__u8 mac[6];
	FILE *f;
	long size;
	int fd;

	fd = mkstemp(path);
	if (!ASSERT_GE(fd, 0, "mkstemp"))
		return;
	f = fdopen(fd, "w");
	if (!ASSERT_OK_PTR(f, "fdopen")) {
		close(fd);
		goto out;
	}
	ASSERT_TRUE(big_write(f), "write");
	size = ftell(f);
	if (!ASSERT_OK(fclose(f), "fclose"))
		goto out;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	t = ovl_files_load(path, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!ASSERT_OK_PTR(t, "load")) {
		printf("  %s\n", err);
		goto out;
	}
	test_info("%d entries, %ld bytes: loaded in %.1f ms", BIG_N, size,
		  (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	ASSERT_EQ(ovl_files_count(t), BIG_N, "count");

	for (int n = 0; n < 20000; n++) {
		unsigned int i = (unsigned int)(rnd() % BIG_N);
		const struct ovl_files_entry *e = ovl_files_entry(t, i);

		big_mac(i, mac);
		if (!ASSERT_TRUE(ovl_files_find_mac(t, mac) == e, "find by MAC"))
			break;
		if (!ASSERT_EQ(e->port, 4789 + i % 3, "port") ||
		    !ASSERT_EQ(e->has_dhcp_proxy, i % 10 == 5, "dhcp-proxy"))
			break;
		big_arp(i, buf, sizeof(buf));
		if (!ip_of(buf, &ip) || !ASSERT_TRUE(ovl_files_find_ip(t, &ip) == e, "find by arp"))
			break;
		big_ndp(i, buf, sizeof(buf));
		if (!ip_of(buf, &ip) || !ASSERT_TRUE(ovl_files_find_ip(t, &ip) == e, "find by ndp"))
			break;
		big_ip(i, buf, sizeof(buf));
		if (!ip_of(buf, &ip) || !ASSERT_TRUE(ovl_ip_eq(&e->ip, &ip), "underlay ip"))
			break;
	}
	big_mac(BIG_N, mac);
	ASSERT_NULL(ovl_files_find_mac(t, mac), "MAC one past the last");
	big_mac(0xffffff, mac);
	ASSERT_NULL(ovl_files_find_mac(t, mac), "MAC never written");
	big_arp(BIG_N, buf, sizeof(buf));
	if (ip_of(buf, &ip))
		ASSERT_NULL(ovl_files_find_ip(t, &ip), "arp never written");
out:
	ovl_files_free(t);
	unlink(path);
}

/*
 * Random edits of a good file must never crash the parser (run it under
 * SAN=1), and every error must be one line that starts with the file name
 * and a position inside the text: a semantic error whose key the position
 * index cannot find would show "name: " or "at ?".
 */
void test_files_mutations(void)
{
	static const char alphabet[] = "{}[]\",:\\ \n0aZ.-u\x80\xff";
	char path[512], err[ERRLEN], *base = NULL, *buf = NULL;
	size_t len = 0, failures = 0;
	FILE *f;

	ovl_test_src_path(path, sizeof(path), "tests/unit/data/good_seed.json");
	f = fopen(path, "r");
	if (!ASSERT_OK_PTR(f, "open seed"))
		return;
	base = malloc(4096);
	buf = malloc(4096 + 64);
	if (ASSERT_OK_PTR(base, "malloc") && ASSERT_OK_PTR(buf, "malloc"))
		len = fread(base, 1, 4096, f);
	fclose(f);
	if (!ASSERT_GE(len, 100, "seed size"))
		goto out;

	for (int n = 0; n < 20000 && failures < 5; n++) {
		size_t blen = len, nl = 1;
		int edits = 1 + (int)(rnd() % 3);
		struct ovl_files_table *t;
		unsigned int l, c;

		memcpy(buf, base, len);
		for (int k = 0; k < edits && blen; k++) {
			size_t at = rnd() % blen;
			char ch = alphabet[rnd() % (sizeof(alphabet) - 1)];

			switch (rnd() % 4) {
			case 0: /* replace */
				buf[at] = ch;
				break;
			case 1: /* delete */
				memmove(buf + at, buf + at + 1, blen - at - 1);
				blen--;
				break;
			case 2: /* insert */
				memmove(buf + at + 1, buf + at, blen - at);
				buf[at] = ch;
				blen++;
				break;
			default: /* truncate */
				blen = at + 1;
				break;
			}
		}
		for (size_t i = 0; i < blen; i++)
			nl += buf[i] == '\n';
		t = ovl_files_parse(buf, blen, "fuzz", err, sizeof(err));
		if (t) {
			ASSERT_LE(ovl_files_count(t), 8, "entries");
			ovl_files_free(t);
			continue;
		}
		if (!ASSERT_EQ(errno, EINVAL, "errno") ||
		    !ASSERT_EQ(sscanf(err, "fuzz:%u:%u: ", &l, &c), 2, err) ||
		    !ASSERT_TRUE(l >= 1 && l <= nl, err) ||
		    !ASSERT_NULL(strstr(err, "at ?"), err) ||
		    !ASSERT_NULL(strchr(err, '\n'), "one line")) {
			printf("  input: %.*s\n", (int)blen, buf);
			failures++;
		}
	}
out:
	free(base);
	free(buf);
}
