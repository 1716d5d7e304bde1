// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_addr.c - MAC, IP, VNI and port parsing and canonical printing
 * (lib/addr.c), good and bad inputs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ovl_abi.h"
#include "addr.h"
#include "test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void test_addr_mac_parse(void)
{
	static const struct {
		const char *in, *canon; /* canon NULL: must be rejected */
	} cases[] = {
		{ "de:ad:be:ef:00:01", "de:ad:be:ef:00:01" },
		{ "DE:AD:BE:EF:00:01", "de:ad:be:ef:00:01" },
		{ "De:aD:bE:Ef:0:1", "de:ad:be:ef:00:01" },
		{ "0:1:2:3:4:5", "00:01:02:03:04:05" },
		{ "ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff" },
		{ "00:00:00:00:00:00", "00:00:00:00:00:00" },
		{ "", NULL },
		{ "de:ad:be:ef:00", NULL },
		{ "de:ad:be:ef:00:01:02", NULL },
		{ "de:ad:be:ef:00:01:", NULL },
		{ ":de:ad:be:ef:00:01", NULL },
		{ "de::ad:be:ef:00:01", NULL },
		{ "de:ad:be:ef:00:001", NULL },
		{ "dea:d:be:ef:00:01", NULL },
		{ "de-ad-be-ef-00-01", NULL },
		{ "dead.beef.0001", NULL },
		{ "deadbeef0001", NULL },
		{ "de:ad:be:ef:00:0g", NULL },
		{ " de:ad:be:ef:00:01", NULL },
		{ "de:ad:be:ef:00:01 ", NULL },
		{ "+e:ad:be:ef:00:01", NULL },
	};
	char buf[OVL_MAC_STRLEN];
	__u8 mac[6];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int err = ovl_mac_parse(cases[i].in, mac);

		if (!cases[i].canon) {
			ASSERT_EQ(err, -EINVAL, cases[i].in);
			continue;
		}
		if (ASSERT_OK(err, cases[i].in))
			ASSERT_STREQ(ovl_mac_format(mac, buf), cases[i].canon, cases[i].in);
	}
	ASSERT_EQ(ovl_mac_parse(NULL, mac), -EINVAL, "NULL");
}

void test_addr_mac_kinds(void)
{
	__u8 mac[6];

	if (ASSERT_OK(ovl_mac_parse("00:00:00:00:00:00", mac), "zero")) {
		ASSERT_TRUE(ovl_mac_is_zero(mac), "zero is zero");
		ASSERT_FALSE(ovl_mac_is_multicast(mac), "zero is not multicast");
	}
	if (ASSERT_OK(ovl_mac_parse("01:00:5e:00:00:fb", mac), "mcast")) {
		ASSERT_FALSE(ovl_mac_is_zero(mac), "mcast is not zero");
		ASSERT_TRUE(ovl_mac_is_multicast(mac), "01:00:5e is multicast");
	}
	if (ASSERT_OK(ovl_mac_parse("ff:ff:ff:ff:ff:ff", mac), "bcast"))
		ASSERT_TRUE(ovl_mac_is_multicast(mac), "broadcast is multicast");
	if (ASSERT_OK(ovl_mac_parse("02:00:00:00:00:00", mac), "local")) {
		ASSERT_FALSE(ovl_mac_is_zero(mac), "local is not zero");
		ASSERT_FALSE(ovl_mac_is_multicast(mac), "local is unicast");
	}
}

void test_addr_ip_parse(void)
{
	static const struct {
		const char *in, *canon; /* canon NULL: must be rejected */
		__u8 family;
	} cases[] = {
		{ "10.1.0.1", "10.1.0.1", OVL_AF_INET4 },
		{ "0.0.0.0", "0.0.0.0", OVL_AF_INET4 },
		{ "255.255.255.255", "255.255.255.255", OVL_AF_INET4 },
		{ "fe80::3", "fe80::3", OVL_AF_INET6 },
		{ "FE80::3", "fe80::3", OVL_AF_INET6 },
		{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", OVL_AF_INET6 },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", OVL_AF_INET6 }, /* RFC 5952 4.2.3 */
		{ "2001:db8::0:1", "2001:db8::1", OVL_AF_INET6 },
		{ "::", "::", OVL_AF_INET6 },
		{ "::1", "::1", OVL_AF_INET6 },
		{ "::ffff:10.1.0.1", "::ffff:10.1.0.1", OVL_AF_INET6 },
		{ "", NULL, 0 },
		{ "10.1.0", NULL, 0 },
		{ "10.1.0.1.2", NULL, 0 },
		{ "10.1.0.256", NULL, 0 },
		{ "10.1.0.-1", NULL, 0 },
		{ "010.1.0.1", NULL, 0 }, /* octal-looking octets are ambiguous */
		{ "10.1.0.1/24", NULL, 0 },
		{ " 10.1.0.1", NULL, 0 },
		{ "10.1.0.1 ", NULL, 0 },
		{ "0x0a.1.0.1", NULL, 0 },
		{ "fe80::1%eth0", NULL, 0 },
		{ "fe80::1/64", NULL, 0 },
		{ "fe80:::1", NULL, 0 },
		{ "1::2::3", NULL, 0 },
		{ "2001:db8:0:0:0:0:0:0:1", NULL, 0 },
		{ "[fe80::1]", NULL, 0 },
		{ "localhost", NULL, 0 },
	};
	char buf[OVL_IP_STRLEN];
	struct ovl_ip ip;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int err;

		memset(&ip, 0xa5, sizeof(ip));
		err = ovl_ip_parse(cases[i].in, &ip);
		if (!cases[i].canon) {
			static const struct ovl_ip zero;

			ASSERT_EQ(err, -EINVAL, cases[i].in);
			ASSERT_MEMEQ(&ip, sizeof(ip), &zero, sizeof(zero), "cleared on error");
			continue;
		}
		if (!ASSERT_OK(err, cases[i].in))
			continue;
		ASSERT_EQ(ip.family, cases[i].family, cases[i].in);
		ASSERT_STREQ(ovl_ip_format(&ip, buf), cases[i].canon, cases[i].in);
		if (ip.family == OVL_AF_INET4) {
			static const __u8 zero[12];

			ASSERT_MEMEQ(ip.addr + 4, 12, zero, 12, "IPv4: bytes 4..15 zero");
		}
	}
	ASSERT_EQ(ovl_ip_parse(NULL, &ip), -EINVAL, "NULL");
}

void test_addr_ip_format_raw(void)
{
	static const __u8 a4[16] = { 192, 0, 2, 1 };
	static const __u8 a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	char buf[OVL_IP_STRLEN];

	ASSERT_STREQ(ovl_ip_format_raw(OVL_AF_INET4, a4, buf), "192.0.2.1", "v4");
	ASSERT_STREQ(ovl_ip_format_raw(OVL_AF_INET6, a6, buf), "2001:db8::1", "v6");
	ASSERT_STREQ(ovl_ip_format_raw(0, a6, buf), "-", "no family");
	ASSERT_STREQ(ovl_ip_format_raw(5, a6, buf), "-", "bad family");
}

void test_addr_ip_compare(void)
{
	struct ovl_ip a, b;

	if (!ASSERT_OK(ovl_ip_parse("2001:db8::1", &a), "a") ||
	    !ASSERT_OK(ovl_ip_parse("2001:DB8:0::1", &b), "b"))
		return;
	ASSERT_TRUE(ovl_ip_eq(&a, &b), "two spellings, one address");
	ASSERT_FALSE(ovl_ip_is_unspecified(&a), "not zero");
	if (ASSERT_OK(ovl_ip_parse("0.0.0.1", &b), "0.0.0.1")) {
		ASSERT_FALSE(ovl_ip_eq(&a, &b), "v6 != v4");
		ASSERT_FALSE(ovl_ip_is_unspecified(&b), "0.0.0.1 is not zero");
	}
	/* the same 16 bytes in two families are different addresses */
	if (ASSERT_OK(ovl_ip_parse("::", &a), "::") &&
	    ASSERT_OK(ovl_ip_parse("0.0.0.0", &b), "0")) {
		ASSERT_TRUE(ovl_ip_is_unspecified(&a), ":: is zero");
		ASSERT_TRUE(ovl_ip_is_unspecified(&b), "0.0.0.0 is zero");
		ASSERT_FALSE(ovl_ip_eq(&a, &b), ":: != 0.0.0.0");
	}
}

void test_addr_numbers(void)
{
	static const struct {
		const char *in;
		int vni_err;
		unsigned int vni;
		int port_err;
		unsigned int port;
	} cases[] = {
		{ "0", 0, 0, -ERANGE, 0 },
		{ "1", 0, 1, 0, 1 },
		{ "23", 0, 23, 0, 23 },
		{ "4789", 0, 4789, 0, 4789 },
		{ "65535", 0, 65535, 0, 65535 },
		{ "65536", 0, 65536, -ERANGE, 0 },
		{ "16777215", 0, 16777215, -ERANGE, 0 },
		{ "16777216", -ERANGE, 0, -ERANGE, 0 },
		{ "007", 0, 7, 0, 7 }, /* decimal, leading zeros allowed */
		{ "99999999999999999999999", -ERANGE, 0, -ERANGE, 0 },
		{ "", -EINVAL, 0, -EINVAL, 0 },
		{ "-1", -EINVAL, 0, -EINVAL, 0 },
		{ "+1", -EINVAL, 0, -EINVAL, 0 },
		{ " 1", -EINVAL, 0, -EINVAL, 0 },
		{ "1 ", -EINVAL, 0, -EINVAL, 0 },
		{ "0x10", -EINVAL, 0, -EINVAL, 0 },
		{ "1e3", -EINVAL, 0, -EINVAL, 0 },
		{ "12a", -EINVAL, 0, -EINVAL, 0 },
		{ "4789.0", -EINVAL, 0, -EINVAL, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		__u32 vni = 0xdeadbeef;
		__u16 port = 0xbeef;

		ASSERT_EQ(ovl_vni_parse(cases[i].in, &vni), cases[i].vni_err, cases[i].in);
		ASSERT_EQ(vni, cases[i].vni_err ? 0xdeadbeef : cases[i].vni,
			  "vni untouched on error");
		ASSERT_EQ(ovl_port_parse(cases[i].in, &port), cases[i].port_err, cases[i].in);
		ASSERT_EQ(port, cases[i].port_err ? 0xbeef : cases[i].port,
			  "port untouched on error");
	}
}

void test_addr_u64(void)
{
	unsigned long long v = 0;

	ASSERT_OK(ovl_u64_parse("18446744073709551615", 0, ~0ull, &v), "max");
	ASSERT_EQ(v, ~0ull, "max value");
	ASSERT_EQ(ovl_u64_parse("18446744073709551616", 0, ~0ull, &v), -ERANGE, "max + 1");
	ASSERT_EQ(ovl_u64_parse("9", 10, 20, &v), -ERANGE, "below min");
	ASSERT_EQ(ovl_u64_parse("21", 10, 20, &v), -ERANGE, "above max");
	ASSERT_OK(ovl_u64_parse("10", 10, 20, &v), "min");
	ASSERT_EQ(ovl_u64_parse(NULL, 0, 1, &v), -EINVAL, "NULL");
}

/* ovl_ip_vec_add(): grows past its first allocation, and keeps only the
 * bytes of an address's family (an IPv4 address with stray bytes after
 * its four compares equal to a clean one). */
void test_addr_ip_vec(void)
{
	struct ovl_ip_vec vec = { 0 };
	__u8 dirty[16], clean[16] = { 10, 1, 0, 0 };
	struct ovl_ip v6;

	memset(dirty, 0xee, sizeof(dirty));
	memcpy(dirty, clean, 4);
	if (!ASSERT_OK(ovl_ip_parse("fd00::1", &v6), "parse"))
		return;
	for (int i = 0; i < 200; i++) {
		dirty[3] = clean[3] = (__u8)i;
		if (!ASSERT_OK(ovl_ip_vec_add(&vec, OVL_AF_INET4, dirty), "add"))
			goto out;
	}
	if (!ASSERT_OK(ovl_ip_vec_add(&vec, OVL_AF_INET6, v6.addr), "add v6"))
		goto out;
	ASSERT_EQ(vec.n, 201, "entries");
	ASSERT_GE(vec.cap, vec.n, "room");
	ASSERT_EQ(vec.v[199].family, OVL_AF_INET4, "family");
	ASSERT_OK(memcmp(vec.v[199].addr, clean, 16), "only the IPv4 bytes kept");
	ASSERT_TRUE(ovl_ip_eq(&vec.v[200], &v6), "the IPv6 address");
out:
	free(vec.v);
}

void test_addr_ip_classify(void)
{
	static const struct {
		const char *s;
		bool unspec, mcast, bcast, lo, mapped;
	} cases[] = {
		{ "0.0.0.0", true, false, false, false, false },
		{ "::", true, false, false, false, false },
		{ "224.0.0.1", false, true, false, false, false },
		{ "239.255.255.255", false, true, false, false, false },
		{ "ff02::1", false, true, false, false, false },
		{ "255.255.255.255", false, false, true, false, false },
		{ "127.0.0.2", false, false, false, true, false },
		{ "::1", false, false, false, true, false },
		{ "::ffff:10.0.0.1", false, false, false, false, true },
		{ "10.0.0.1", false, false, false, false, false },
		{ "fe80::1", false, false, false, false, false },
	};
	struct ovl_ip ip;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!ASSERT_OK(ovl_ip_parse(cases[i].s, &ip), cases[i].s))
			continue;
		ASSERT_EQ(ovl_ip_is_unspecified(&ip), cases[i].unspec, cases[i].s);
		ASSERT_EQ(ovl_ip_is_multicast(&ip), cases[i].mcast, cases[i].s);
		ASSERT_EQ(ovl_ip_is_broadcast(&ip), cases[i].bcast, cases[i].s);
		ASSERT_EQ(ovl_ip_is_loopback(&ip), cases[i].lo, cases[i].s);
		ASSERT_EQ(ovl_ip_is_v4mapped(&ip), cases[i].mapped, cases[i].s);
		/* what an endpoint may not own: all but the last three */
		ASSERT_EQ(ovl_ip_not_owned_why(&ip) != NULL,
			  cases[i].unspec || cases[i].mcast || cases[i].bcast || cases[i].lo,
			  cases[i].s);
	}
	ASSERT_OK(ovl_ip_parse("ff02::1", &ip), "parse");
	ASSERT_STREQ(ovl_ip_not_owned_why(&ip), "a multicast address", "why");
}

void test_addr_eui64(void)
{
	const __u8 mac[6] = { 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01 };
	struct ovl_ip ip, want;
	__u8 back[6];

	ovl_ip_eui64_ll(mac, &ip);
	ASSERT_OK(ovl_ip_parse("fe80::dcad:beff:feef:1", &want), "parse");
	ASSERT_TRUE(ovl_ip_eq(&ip, &want), "fe80::dcad:beff:feef:1");
	ASSERT_OK(ovl_ip_eui64_mac(&ip, back), "back");
	ASSERT_MEMEQ(back, 6, mac, 6, "the MAC again");
	ASSERT_OK(ovl_ip_parse("fe80::1", &ip), "parse");
	ASSERT_EQ(ovl_ip_eui64_mac(&ip, back), -ENOENT, "not EUI-64");
	/* from a multicast MAC (group bit): no unicast owner */
	ASSERT_OK(ovl_ip_parse("fe80::300:ff:fe00:1", &ip), "parse");
	ASSERT_EQ(ovl_ip_eui64_mac(&ip, back), -ENOENT, "group MAC");
}

void test_addr_in_prefix(void)
{
	static const struct {
		const char *ip, *net;
		unsigned int plen;
		bool in;
	} cases[] = {
		{ "10.23.0.5", "10.23.0.1", 24, true },	  { "10.23.1.5", "10.23.0.1", 24, false },
		{ "10.23.1.5", "10.23.0.1", 16, true },	  { "10.23.0.129", "10.23.0.1", 25, false },
		{ "10.23.0.127", "10.23.0.1", 25, true }, { "10.23.0.5", "10.23.0.5", 32, true },
		{ "1.2.3.4", "10.23.0.1", 0, true },	  { "fd23::5", "fd23::1", 64, true },
		{ "fd24::5", "fd23::1", 64, false },	  { "fd23::5", "fd23::1", 127, false },
		{ "fd23::5", "10.23.0.1", 0, false }, /* another family */
		{ "10.23.0.5", "10.23.0.1", 33, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ovl_ip a, n;
		char what[96];

		snprintf(what, sizeof(what), "%s in %s/%u", cases[i].ip, cases[i].net,
			 cases[i].plen);
		if (!ASSERT_OK(ovl_ip_parse(cases[i].ip, &a), what) ||
		    !ASSERT_OK(ovl_ip_parse(cases[i].net, &n), what))
			continue;
		ASSERT_EQ(ovl_ip_in_prefix(&a, &n, cases[i].plen), cases[i].in, what);
	}
}
