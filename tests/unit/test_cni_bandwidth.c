// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_cni_bandwidth.c - runtimeConfig.bandwidth (the CNI bandwidth
 * capability) as ovl's CNI plugin takes it, and the rates of lib/shape.c.
 */
#include <errno.h>
#include <string.h>
#include "cni.h"
#include "shape.h"
#include "test.h"

#define BWCONF(bw)                                                                                 \
	"{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"ovl\", \"overlay\": \"o\", "     \
	"\"ipam\": {\"type\": \"h\"}, \"runtimeConfig\": {\"bandwidth\": " bw "}}"

void test_cni_bandwidth_good(void)
{
	static const struct {
		const char *conf, *want; /* want: the endpoint.add object, or NULL */
	} cases[] = {
		{ BWCONF("{\"ingressRate\": 100000000, \"ingressBurst\": 1000000, "
			 "\"egressRate\": 50000000, \"egressBurst\": 800000}"),
		  "{\"ingress_rate\": 100000000, \"ingress_burst\": 1000000, "
		  "\"egress_rate\": 50000000, \"egress_burst\": 800000}" },
		{ BWCONF("{\"egressRate\": 1000000}"),
		  "{\"ingress_rate\": 0, \"ingress_burst\": 0, \"egress_rate\": 1000000, "
		  "\"egress_burst\": 0}" },
		{ BWCONF("{}"), NULL },
		{ BWCONF("{\"ingressRate\": 0, \"egressRate\": 0}"), NULL },
		{ BWCONF("null"), NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ovl_netconf nc;
		struct ovl_cni_err e;
		json_t *want = cases[i].want ? json_loads(cases[i].want, 0, NULL) : NULL;

		memset(&e, 0, sizeof(e));
		if (!ASSERT_OK(ovl_netconf_parse(cases[i].conf, strlen(cases[i].conf), &nc, &e),
			       cases[i].conf)) {
			printf("  %s: %s\n", e.msg, e.details);
			json_decref(want);
			continue;
		}
		if (want)
			ASSERT_TRUE(nc.bandwidth && json_equal(nc.bandwidth, want), cases[i].conf);
		else
			ASSERT_TRUE(!nc.bandwidth, cases[i].conf);
		json_decref(want);
		ovl_netconf_free(&nc);
	}
}

void test_cni_bandwidth_bad(void)
{
	static const struct {
		const char *conf, *text;
	} cases[] = {
		{ BWCONF("{\"ingressBurst\": 1000000}"),
		  "runtimeConfig.bandwidth.ingressBurst without runtimeConfig.bandwidth.ingressRate" },
		{ BWCONF("{\"egressRate\": 0, \"egressBurst\": 100000}"),
		  "egressBurst without runtimeConfig.bandwidth.egressRate" },
		{ BWCONF("{\"ingressRate\": -1}"),
		  "runtimeConfig.bandwidth.ingressRate\" must be a non-negative integer" },
		{ BWCONF("{\"egressRate\": \"100M\"}"),
		  "runtimeConfig.bandwidth.egressRate\" must be a non-negative integer" },
		{ BWCONF("{\"egressRate\": 1.5}"), "egressRate\" must be" },
		{ BWCONF("{\"ingressRate\": 99999999999999}"),
		  "ingressRate 99999999999999: at most 17179869176" },
		{ BWCONF("{\"ingressRate\": 4}"), "less than one byte per second" },
		{ BWCONF("{\"ingressRate\": 1000000, \"ingressBurst\": 10}"),
		  "ingressBurst 10: from 16384" },
		{ BWCONF("{\"ingresRate\": 1000000}"), "unknown key \"ingresRate\"" },
		{ BWCONF("[]"), "\"runtimeConfig.bandwidth\" must be an object" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ovl_netconf nc;
		struct ovl_cni_err e;
		char all[sizeof(e.msg) + sizeof(e.details) + 2];
		int ret;

		memset(&e, 0, sizeof(e));
		ret = ovl_netconf_parse(cases[i].conf, strlen(cases[i].conf), &nc, &e);
		snprintf(all, sizeof(all), "%s: %s", e.msg, e.details);
		ASSERT_EQ(ret, 7, cases[i].conf);
		ASSERT_STRSTR(all, cases[i].text, cases[i].conf);
		ovl_netconf_free(&nc);
	}
}

void test_shape_rate_parse(void)
{
	static const struct {
		const char *in;
		int ret;
		unsigned long long bps;
	} cases[] = {
		{ "100M", 0, 100000000ull },
		{ "100m", 0, 100000000ull },
		{ "1500k", 0, 1500000ull },
		{ "2G", 0, 2000000000ull },
		{ "8", 0, 8 },
		{ "none", 0, 0 },
		{ "", 0, 0 },
		{ "0", -ERANGE, 0 },
		{ "18G", -ERANGE, 0 },
		{ "17179869176", 0, 17179869176ull },
		{ "1.5G", -EINVAL, 0 },
		{ "100Mbit", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "M", -EINVAL, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long long v = 1;

		ASSERT_EQ(ovl_rate_parse(cases[i].in, &v), cases[i].ret, cases[i].in);
		if (!cases[i].ret)
			ASSERT_EQ(v, cases[i].bps, cases[i].in);
	}
	ASSERT_STREQ(ovl_rate_format(100000000, buf, sizeof(buf)), "100M", "format 100M");
	ASSERT_STREQ(ovl_rate_format(0, buf, sizeof(buf)), "none", "format none");
	/* 10 ms at the rate, at least 64 KiB */
	ASSERT_EQ(ovl_shape_burst_default(1000000), 64 * 1024 * 8, "burst of 1M");
	ASSERT_EQ(ovl_shape_burst_default(100000000), 1000000, "burst of 100M");
	ASSERT_EQ(ovl_shape_burst_default(10000000000ull), 100000000, "burst of 10G");
}
