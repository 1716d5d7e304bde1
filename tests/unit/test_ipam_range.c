// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_ipam_range.c - ovl-ipam's ranges (lib/ipam_range.c): host-local's
 * defaults, the errors naming the field, and the candidate iteration.
 */
#include <errno.h>
#include <string.h>
#include "ipam_range.h"
#include "test.h"

static int parse(const char *txt, struct ovl_ipam_set *sets, char *err, size_t errlen)
{
	json_t *j = json_loads(txt, 0, NULL);
	int n;

	err[0] = '\0';
	n = ovl_ipam_ranges_parse(j, "ipam.ranges", sets, OVL_IPAM_SETS, err, errlen);
	json_decref(j);
	return n;
}

static const char *fmt(const struct ovl_ip *ip)
{
	static char buf[4][OVL_IP_STRLEN];
	static int k;

	return ovl_ip_format(ip, buf[k++ % 4]);
}

void test_ipam_range_defaults(void)
{
	struct ovl_ipam_set s[OVL_IPAM_SETS];
	char err[256];
	struct ovl_ip ip;
	int n = parse("[[{\"subnet\": \"10.23.1.7/24\"}], [{\"subnet\": \"fd23::/120\"}]]", s, err,
		      sizeof(err));

	if (!ASSERT_EQ(n, 2, err))
		return;
	ASSERT_STREQ(fmt(&s[0].r[0].net), "10.23.1.0", "host bits cleared");
	ASSERT_STREQ(fmt(&s[0].r[0].start), "10.23.1.1", "rangeStart default");
	ASSERT_STREQ(fmt(&s[0].r[0].end), "10.23.1.254", "rangeEnd default (v4)");
	ASSERT_STREQ(fmt(&s[0].r[0].gw), "10.23.1.1", "gateway default");
	ASSERT_STREQ(fmt(&s[1].r[0].end), "fd23::ff", "rangeEnd default (v6)");
	ASSERT_EQ(ovl_ipam_set_size(&s[0]), 254, "v4 size");
	ASSERT_EQ(ovl_ipam_set_size(&s[1]), 255, "v6 size");
	ovl_ip_parse("10.23.1.1", &ip);
	ASSERT_EQ(ovl_ipam_set_find(&s[0], &ip), -1, "the gateway is never handed out");
	ovl_ip_parse("10.23.1.2", &ip);
	ASSERT_EQ(ovl_ipam_set_find(&s[0], &ip), 0, ".2 is");
	ovl_ip_parse("10.23.2.2", &ip);
	ASSERT_EQ(ovl_ipam_set_find(&s[0], &ip), -1, "outside");
}

void test_ipam_range_nth(void)
{
	struct ovl_ipam_set s[OVL_IPAM_SETS];
	char err[256];
	struct ovl_ip ip;
	int k = -1;
	int n = parse("[[{\"subnet\": \"10.23.0.0/24\", \"rangeStart\": \"10.23.0.10\", "
		      "\"rangeEnd\": \"10.23.0.12\"}, {\"subnet\": \"10.24.0.0/30\"}]]",
		      s, err, sizeof(err));

	if (!ASSERT_EQ(n, 1, err))
		return;
	ASSERT_EQ(ovl_ipam_set_size(&s[0]), 5, "3 + 2");
	ovl_ipam_set_nth(&s[0], 0, &ip, &k);
	ASSERT_STREQ(fmt(&ip), "10.23.0.10", "first");
	ovl_ipam_set_nth(&s[0], 3, &ip, &k);
	ASSERT_STREQ(fmt(&ip), "10.24.0.1", "into the second range");
	ASSERT_EQ(k, 1, "its range");
	ASSERT_FALSE(ovl_ipam_range_usable(&s[0].r[1], &ip), "the /30's gateway");
	ovl_ipam_set_nth(&s[0], 4, &ip, &k);
	ASSERT_STREQ(fmt(&ip), "10.24.0.2", "last");
	ASSERT_TRUE(ovl_ipam_range_usable(&s[0].r[1], &ip), "usable");
}

void test_ipam_range_errors(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "{}", "ipam.ranges must be a non-empty array" },
		{ "[]", "ipam.ranges must be a non-empty array" },
		{ "[{}]", "ipam.ranges[0] must be a non-empty array" },
		{ "[[{}]]", "ipam.ranges[0][0].subnet is missing" },
		{ "[[{\"subnet\": \"10.0.0.0\"}]]", "has no prefix length" },
		{ "[[{\"subnet\": \"10.0.0.0/33\"}]]", "is not ADDRESS/PREFIXLEN" },
		{ "[[{\"subnet\": \"10.0.0.0/31\"}]]", "too small" },
		{ "[[{\"subnet\": \"10.0.0.0/24\", \"rangeStart\": \"10.0.1.1\"}]]",
		  "ipam.ranges[0][0].rangeStart: 10.0.1.1 is not in the subnet" },
		{ "[[{\"subnet\": \"10.0.0.0/24\", \"rangeStart\": \"10.0.0.9\", "
		  "\"rangeEnd\": \"10.0.0.8\"}]]",
		  "rangeStart is after rangeEnd" },
		{ "[[{\"subnet\": \"10.0.0.0/24\", \"gateway\": 5}]]",
		  "ipam.ranges[0][0].gateway must be a string" },
		{ "[[{\"subnet\": \"10.0.0.0/24\", \"foo\": 1}]]", "unknown key \"foo\"" },
		{ "[[{\"subnet\": \"10.0.0.0/24\"}, {\"subnet\": \"fd00::/64\"}]]",
		  "one address family" },
		{ "[[{\"subnet\": \"10.0.0.0/24\"}], [{\"subnet\": \"10.0.0.0/25\"}]]",
		  "ipam.ranges[0][0] and ipam.ranges[1][0] overlap" },
		{ "[[{\"subnet\": \"10.0.0.0/24\", \"rangeStart\": \"10.0.0.1\", "
		  "\"rangeEnd\": \"10.0.0.1\"}]]",
		  "no address to hand out" },
	};
	struct ovl_ipam_set s[OVL_IPAM_SETS];
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = parse(cases[i].in, s, err, sizeof(err));

		ASSERT_EQ(n, -EINVAL, cases[i].in);
		ASSERT_STRSTR(err, cases[i].want, cases[i].in);
	}
}
