// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_addr.c - the parsers of short text ovl takes from outside: MACs,
 * IP addresses, CIDRs, VNIs, ports, numbers (lib/addr.c, cni/result.c),
 * names and interface names (lib/ident.c), rates (lib/shape.c), the
 * ifalias marks (lib/mark.c), the router's gateways and forward owners
 * (cni/router.c), --metrics ADDR:PORT (loader/metrics.c).
 *
 * The input up to its first NUL byte is the text, given to every parser;
 * what follows is a second string for the parsers that take two (a
 * forward owner's network).
 *
 * What parses must print canonically and parse back to the same value;
 * the canonical text must be a fixed point.
 *
 * What make fuzz-cov measures: a file, or FILE:FUNCTIONS for part of one.
 * cov: lib/addr.c
 * cov: lib/ident.c
 * cov: lib/mark.c
 * cov: lib/shape.c:ovl_rate_parse,ovl_rate_format
 * cov: cni/result.c:ovl_cni_cidr_parse,ovl_cni_cidr_format
 * cov: cni/router.c:ovl_cni_router_parse,ovl_cni_forward_owner_parse
 * cov: loader/metrics.c:metrics_addr_parse
 */
#include <errno.h>
#include <sys/socket.h>
#include "addr.h"
#include "cni.h"
#include "ident.h"
#include "log.h"
#include "mark.h"
#include "ovld.h"
#include "shape.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ovl_log_set_level((enum ovl_log_level)0);
	return 0;
}

static void mac_check(const char *s)
{
	char txt[OVL_MAC_STRLEN];
	__u8 mac[6], again[6];

	if (ovl_mac_parse(s, mac))
		return;
	ovl_mac_format(mac, txt);
	FUZZ_CHECK(!ovl_mac_parse(txt, again) && !memcmp(mac, again, 6), "MAC \"%s\" -> %s", s,
		   txt);
	(void)ovl_mac_is_zero(mac);
	(void)ovl_mac_is_multicast(mac);
}

static void ip_check(const char *s)
{
	char txt[OVL_IP_STRLEN], txt2[OVL_IP_STRLEN];
	struct ovl_ip ip, again;
	__u8 mac[6];

	if (ovl_ip_parse(s, &ip))
		return;
	FUZZ_CHECK(ip.family == OVL_AF_INET4 || ip.family == OVL_AF_INET6, "family %u", ip.family);
	ovl_ip_format(&ip, txt);
	FUZZ_CHECK(!ovl_ip_parse(txt, &again) && ovl_ip_eq(&ip, &again), "IP \"%s\" -> %s", s, txt);
	FUZZ_CHECK(!strcmp(ovl_ip_format(&again, txt2), txt), "%s -> %s", txt, txt2);
	(void)ovl_ip_not_owned_why(&ip);
	(void)ovl_ip_is_v4mapped(&ip);
	FUZZ_CHECK(ovl_ip_in_prefix(&ip, &ip, ip.family == OVL_AF_INET4 ? 32 : 128), "%s", txt);
	if (!ovl_ip_eui64_mac(&ip, mac)) {
		struct ovl_ip ll;

		ovl_ip_eui64_ll(mac, &ll);
		FUZZ_CHECK(ovl_ip_eq(&ll, &ip), "EUI-64 %s", txt);
	}
}

static void cidr_check(const char *s)
{
	char txt[OVL_IP_STRLEN + 4];
	struct ovl_ip ip, again;
	unsigned int plen, plen2;

	if (ovl_cni_cidr_parse(s, &ip, &plen))
		return;
	ovl_cni_cidr_format(&ip, plen, txt);
	FUZZ_CHECK(!ovl_cni_cidr_parse(txt, &again, &plen2) && ovl_ip_eq(&ip, &again) &&
			   plen == plen2,
		   "CIDR \"%s\" -> %s", s, txt);
}

static void numbers_check(const char *s)
{
	unsigned long long u, bps, again;
	char txt[32];
	__u32 vni;
	__u16 port;

	if (!ovl_vni_parse(s, &vni))
		FUZZ_CHECK(vni <= 0xffffff, "VNI %u", vni);
	if (!ovl_port_parse(s, &port))
		FUZZ_CHECK(port >= 1, "port 0");
	if (!ovl_u64_parse(s, 3, 1000, &u))
		FUZZ_CHECK(u >= 3 && u <= 1000, "%llu", u);
	if (!ovl_rate_parse(s, &bps) && bps) {
		ovl_rate_format(bps, txt, sizeof(txt));
		FUZZ_CHECK(!ovl_rate_parse(txt, &again) && again == bps, "rate \"%s\" -> %s", s,
			   txt);
	}
}

static void names_check(const char *s)
{
	if (ovl_ifname_valid(s))
		FUZZ_CHECK(strlen(s) >= 1 && strlen(s) <= 15 && !strchr(s, '/'), "ifname %s", s);
	if (ovl_name_valid(s, 32, OVL_NAME_ALNUM_FIRST | OVL_NAME_NO_DOT))
		FUZZ_CHECK(strlen(s) <= 32 && !strchr(s, '.'), "name %s", s);
	(void)ovl_name_valid(s, 64, 0);
	(void)ovl_file_name_valid(s);
	(void)ovl_cni_container_id_valid(s);
}

static void marks_check(const char *s)
{
	char inst[64], net[128], cid[256], ifn[32], name[64], ns[256], buf[OVL_ALIAS_MAX];
	char inst2[64], net2[128], cid2[256], ifn2[32], name2[64], ns2[256];

	if (!ovl_cni_alias_parse(s, inst, sizeof(inst), net, sizeof(net), cid, sizeof(cid), ifn,
				 sizeof(ifn)) &&
	    !ovl_cni_alias_format(inst, net, cid, ifn, buf, sizeof(buf))) {
		FUZZ_CHECK(!ovl_cni_alias_parse(buf, inst2, sizeof(inst2), net2, sizeof(net2), cid2,
						sizeof(cid2), ifn2, sizeof(ifn2)),
			   "alias \"%s\" -> %s", s, buf);
		FUZZ_CHECK(!strcmp(inst, inst2) && !strcmp(net, net2) && !strcmp(cid, cid2) &&
				   !strcmp(ifn, ifn2),
			   "alias \"%s\" -> %s", s, buf);
	}
	if (!ovl_vnic_alias_parse(s, inst, sizeof(inst), name, sizeof(name), ns, sizeof(ns)) &&
	    !ovl_vnic_alias_format(inst, name, ns, buf, sizeof(buf))) {
		FUZZ_CHECK(!ovl_vnic_alias_parse(buf, inst2, sizeof(inst2), name2, sizeof(name2),
						 ns2, sizeof(ns2)),
			   "alias \"%s\" -> %s", s, buf);
		FUZZ_CHECK(!strcmp(inst, inst2) && !strcmp(name, name2), "alias \"%s\" -> %s", s,
			   buf);
	}
}

static void others_check(const char *s, const char *s2)
{
	struct ovl_cni_router rt;
	struct sockaddr_storage ss;
	unsigned int len;
	char cid[256], ifn[32];

	if (!ovl_cni_router_parse(s, &rt))
		FUZZ_CHECK(rt.n >= 0 && rt.n <= 2, "%d gateways", rt.n);
	if (!metrics_addr_parse(s, &ss, &len))
		FUZZ_CHECK(len <= sizeof(ss) &&
				   (ss.ss_family == AF_INET || ss.ss_family == AF_INET6),
			   "metrics %s", s);
	(void)ovl_cni_forward_owner_parse(s, s2, cid, sizeof(cid), ifn, sizeof(ifn));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p[2] = { NULL, NULL };
	size_t n = fuzz_split(data, size, p, 2);
	const char *s2 = n > 1 ? p[1] : "net";

	mac_check(p[0]);
	ip_check(p[0]);
	cidr_check(p[0]);
	numbers_check(p[0]);
	names_check(p[0]);
	marks_check(p[0]);
	others_check(p[0], s2);
	free(p[0]);
	free(p[1]);
	return 0;
}
