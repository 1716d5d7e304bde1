// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_cni_result.c - CNI results read and written in each version ovl
 * speaks (cni/result.c), error and VERSION objects, and the invocations
 * that fail before touching anything (cni/plugin.c). JSON is written with
 * ' for ".
 */
#include <errno.h>
#include <stdlib.h>
#include "test.h"
#include "cni.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static json_t *jq(const char *s)
{
	char *d = strdup(s);
	json_error_t e;
	json_t *j;

	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(d, 0, &e);
	if (!j)
		fprintf(stderr, "bad test JSON %s: %s\n", d, e.text);
	free(d);
	return j;
}

static bool json_eq(json_t *got, json_t *want, const char *what)
{
	char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
	char *w = json_dumps(want, JSON_SORT_KEYS | JSON_COMPACT);
	bool ok = ASSERT_STREQ(g, w, what);

	free(g);
	free(w);
	return ok;
}

#define RESULT_110                                                                                 \
	"{'cniVersion': '1.1.0', "                                                                 \
	"'interfaces': [{'name': 'ovc1', 'mac': '02:00:00:00:00:01'}, "                            \
	"{'name': 'eth0', 'mac': '02:00:00:00:00:02', 'mtu': 1450, 'sandbox': '/run/netns/c', "    \
	"'socketPath': '/s', 'pciID': '0000:00:01.0'}], "                                          \
	"'ips': [{'address': '10.0.0.2/24', 'gateway': '10.0.0.1', 'interface': 1}, "              \
	"{'address': 'fd00::2/64', 'interface': 1}], "                                             \
	"'routes': [{'dst': '0.0.0.0/0', 'gw': '10.0.0.1', 'mtu': 1400, 'advmss': 1360, "          \
	"'priority': 10, 'table': 100, 'scope': 0}, {'dst': 'fd01::/64'}], "                       \
	"'dns': {'nameservers': ['10.0.0.1'], 'search': ['example']}}"

void test_cni_result_versions(void)
{
	struct ovl_cni_result r;
	struct ovl_cni_err e;
	json_t *in = jq(RESULT_110), *out = NULL, *want = NULL;

	if (!ASSERT_OK(ovl_cni_result_parse(in, "result", &r, &e), e.details))
		goto out;
	ASSERT_EQ(r.n_ifaces, 2, "interfaces");
	ASSERT_EQ(r.n_ips, 2, "ips");
	ASSERT_EQ(r.n_routes, 2, "routes");
	ASSERT_EQ(r.ifaces[1].mtu, 1450, "mtu");
	ASSERT_EQ(r.ips[0].iface, 1, "interface index");
	ASSERT_EQ(r.ips[0].plen, 24, "prefix length");
	ASSERT_TRUE(r.ips[0].has_gw && !r.ips[1].has_gw, "gateways");
	ASSERT_EQ(r.routes[0].table, 100, "route table");
	ASSERT_EQ(r.routes[1].table, -1, "no table");

	/* 1.1.0 round trip: the same document. */
	out = ovl_cni_result_json(&r, OVL_CNI_V110);
	json_eq(out, in, "1.1.0 round trip");
	json_decref(out);

	/* 1.0.0: no interface mtu/socketPath/pciID, no route extras. */
	out = ovl_cni_result_json(&r, OVL_CNI_V100);
	want = jq("{'cniVersion': '1.0.0', "
		  "'interfaces': [{'name': 'ovc1', 'mac': '02:00:00:00:00:01'}, "
		  "{'name': 'eth0', 'mac': '02:00:00:00:00:02', 'sandbox': '/run/netns/c'}], "
		  "'ips': [{'address': '10.0.0.2/24', 'gateway': '10.0.0.1', 'interface': 1}, "
		  "{'address': 'fd00::2/64', 'interface': 1}], "
		  "'routes': [{'dst': '0.0.0.0/0', 'gw': '10.0.0.1'}, {'dst': 'fd01::/64'}], "
		  "'dns': {'nameservers': ['10.0.0.1'], 'search': ['example']}}");
	json_eq(out, want, "1.0.0");
	json_decref(out);
	json_decref(want);

	/* 0.4.0: ips carry their version. */
	out = ovl_cni_result_json(&r, OVL_CNI_V040);
	want = jq("{'cniVersion': '0.4.0', "
		  "'interfaces': [{'name': 'ovc1', 'mac': '02:00:00:00:00:01'}, "
		  "{'name': 'eth0', 'mac': '02:00:00:00:00:02', 'sandbox': '/run/netns/c'}], "
		  "'ips': [{'version': '4', 'address': '10.0.0.2/24', 'gateway': '10.0.0.1', "
		  "'interface': 1}, {'version': '6', 'address': 'fd00::2/64', 'interface': 1}], "
		  "'routes': [{'dst': '0.0.0.0/0', 'gw': '10.0.0.1'}, {'dst': 'fd01::/64'}], "
		  "'dns': {'nameservers': ['10.0.0.1'], 'search': ['example']}}");
	json_eq(out, want, "0.4.0");
	json_decref(out);
	json_decref(want);
	ovl_cni_result_free(&r);

	/* A 0.4.0 IPAM result (host-local's shape) reads the same; an empty
	 * dns is left out when written. */
	json_decref(in);
	in = jq("{'cniVersion': '0.4.0', 'ips': [{'version': '4', 'address': '10.0.0.5/16', "
		"'gateway': '10.0.0.1'}], 'dns': {}}");
	if (!ASSERT_OK(ovl_cni_result_parse(in, "IPAM result", &r, &e), e.details))
		goto out;
	ASSERT_EQ(r.ips[0].iface, -1, "no interface");
	ASSERT_NULL(r.dns, "empty dns dropped");
	out = ovl_cni_result_json(&r, OVL_CNI_V100);
	want = jq("{'cniVersion': '1.0.0', 'ips': [{'address': '10.0.0.5/16', "
		  "'gateway': '10.0.0.1'}]}");
	json_eq(out, want, "IPAM result as 1.0.0");
	ovl_cni_result_free(&r);
out:
	json_decref(out);
	json_decref(want);
	json_decref(in);
}

void test_cni_result_bad(void)
{
	static const struct {
		const char *json;
		int code;
		const char *text;
	} cases[] = {
		{ "[]", 6, "must be an object" },
		{ "{'cniVersion': '0.3.1'}", 1, "cniVersion 0.3.1" },
		{ "{'ips': {}}", 6, "must be arrays" },
		{ "{'ips': [{'address': '10.0.0.1'}]}", 6, "ips[0].address" },
		{ "{'ips': [{'address': '10.0.0.1/33'}]}", 6, "ips[0].address" },
		{ "{'ips': [{'address': 'x/24'}]}", 6, "ips[0].address" },
		{ "{'ips': [{'address': '10.0.0.1/24', 'gateway': 'fd00::1'}]}", 6,
		  "ips[0].gateway must be an address of the same family" },
		{ "{'ips': [{'address': '10.0.0.1/24', 'version': '6'}]}", 6,
		  "ips[0].version must be \"4\"" },
		{ "{'ips': [{'address': '10.0.0.1/24', 'interface': 0}]}", 6,
		  "ips[0].interface must index the 0 interfaces" },
		{ "{'interfaces': [{'name': 'a'}], 'ips': [{'address': '10.0.0.1/24', "
		  "'interface': 1}]}",
		  6, "must index the 1 interfaces" },
		{ "{'interfaces': [{'mac': '02:00:00:00:00:01'}]}", 6,
		  "interfaces[0] has no name" },
		{ "{'interfaces': [{'name': 1}]}", 6, "interfaces[0].name must be a string" },
		{ "{'interfaces': [{'name': 'a', 'mtu': -1}]}", 6, "mtu must be a non-negative" },
		{ "{'routes': [{'gw': '10.0.0.1'}]}", 6, "routes[0].dst must be a prefix" },
		{ "{'routes': [{'dst': '0.0.0.0/0', 'gw': 'fd00::1'}]}", 6, "routes[0].gw" },
		{ "{'routes': [{'dst': '0.0.0.0/0', 'table': 'main'}]}", 6, "routes[0].table" },
		{ "{'dns': []}", 6, "dns must be an object" },
		{ "{'dns': {'nameservers': [1]}}", 6, "dns.nameservers[0] must be a string" },
	};
	struct ovl_cni_result r;
	struct ovl_cni_err e;
	char what[128], all[sizeof(e.msg) + sizeof(e.details) + 2];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *j = jq(cases[i].json);
		int ret = ovl_cni_result_parse(j, "r", &r, &e);

		snprintf(what, sizeof(what), "case %zu (%s)", i, cases[i].json);
		snprintf(all, sizeof(all), "%s: %s", e.msg, e.details);
		ASSERT_EQ(ret, cases[i].code, what);
		ASSERT_STRSTR(all, cases[i].text, what);
		ovl_cni_result_free(&r);
		json_decref(j);
	}
}

void test_cni_result_cidr(void)
{
	char buf[OVL_IP_STRLEN + 4];
	struct ovl_ip ip;
	unsigned int plen;

	ASSERT_OK(ovl_cni_cidr_parse("10.1.2.3/24", &ip, &plen), "v4");
	ASSERT_STREQ(ovl_cni_cidr_format(&ip, plen, buf), "10.1.2.3/24", "v4 back");
	ASSERT_OK(ovl_cni_cidr_parse("FD00:0::1/128", &ip, &plen), "v6");
	ASSERT_STREQ(ovl_cni_cidr_format(&ip, plen, buf), "fd00::1/128", "v6 canonical");
	ASSERT_OK(ovl_cni_cidr_parse("0.0.0.0/0", &ip, &plen), "default");
	ASSERT_EQ(plen, 0, "prefix 0");
	ASSERT_EQ(ovl_cni_cidr_parse("10.1.2.3", &ip, &plen), -EINVAL, "no prefix");
	ASSERT_EQ(ovl_cni_cidr_parse("10.1.2.3/", &ip, &plen), -EINVAL, "empty prefix");
	ASSERT_EQ(ovl_cni_cidr_parse("10.1.2.3/33", &ip, &plen), -EINVAL, "v4 /33");
	ASSERT_EQ(ovl_cni_cidr_parse("fd00::1/129", &ip, &plen), -EINVAL, "v6 /129");
	ASSERT_EQ(ovl_cni_cidr_parse("/24", &ip, &plen), -EINVAL, "no address");
	ASSERT_EQ(ovl_cni_cidr_parse("10.1.2.3/2x", &ip, &plen), -EINVAL, "junk");
}

void test_cni_result_error_and_version(void)
{
	struct ovl_cni_err e;
	json_t *j, *want;

	ASSERT_EQ(ovl_cni_error(&e, 7, "invalid network configuration", "\"mtu\" is %s", "bad"), 7,
		  "returns the code");
	j = ovl_cni_error_json(&e, "1.0.0");
	want = jq("{'cniVersion': '1.0.0', 'code': 7, 'msg': 'invalid network configuration', "
		  "'details': '\\'mtu\\' is bad'}");
	/* (jq turned the escaped ' into ", as the details have it) */
	json_eq(j, want, "error object");
	json_decref(j);
	json_decref(want);

	ovl_cni_error(&e, 100, "ovld is not reachable", NULL);
	ovl_cni_error_prefix(&e, "ADD");
	j = ovl_cni_error_json(&e, "1.1.0");
	want = jq("{'cniVersion': '1.1.0', 'code': 100, 'msg': 'ADD: ovld is not reachable'}");
	json_eq(j, want, "no details, prefixed");
	json_decref(j);
	json_decref(want);

	j = ovl_cni_version_json(OVL_CNI_V100);
	want = jq("{'cniVersion': '1.0.0', 'supportedVersions': ['0.4.0', '1.0.0', '1.1.0']}");
	json_eq(j, want, "VERSION");
	json_decref(j);
	json_decref(want);
	ASSERT_EQ(ovl_cni_version_parse("1.1.0"), OVL_CNI_V110, "1.1.0");
	ASSERT_EQ(ovl_cni_version_parse("1.0"), OVL_CNI_V_NONE, "1.0");
	ASSERT_EQ(ovl_cni_version_parse(NULL), OVL_CNI_V_NONE, "NULL");
}

/* ovl_cni_run() up to the point where it would touch the system. */
void test_cni_result_run_early(void)
{
	static const char good[] =
		"{\"cniVersion\": \"1.0.0\", \"name\": \"n\", \"type\": \"ovl\", "
		"\"overlay\": \"o\", \"ipam\": {\"type\": \"host-local\"}}";
	static const char v11[] = "{\"cniVersion\": \"1.1.0\"}";
	struct ovl_cni_env env = { .command = "VERSION" };
	struct ovl_cni_err e = { 0 };
	json_t *out = NULL, *want;

	ASSERT_OK(ovl_cni_run(&env, v11, strlen(v11), &out, &e), "VERSION");
	want = ovl_cni_version_json(OVL_CNI_V110);
	json_eq(out, want, "VERSION in the version asked");
	json_decref(out);
	json_decref(want);
	ASSERT_OK(ovl_cni_run(&env, "", 0, &out, &e), "VERSION without stdin");
	ASSERT_STREQ(json_string_value(json_object_get(out, "cniVersion")), "1.1.0", "newest");
	json_decref(out);

	env.command = "FROB";
	ASSERT_EQ(ovl_cni_run(&env, good, strlen(good), &out, &e), 4, "unknown command");
	env.command = NULL;
	ASSERT_EQ(ovl_cni_run(&env, good, strlen(good), &out, &e), 4, "no command");
	env.command = "ADD";
	ASSERT_EQ(ovl_cni_run(&env, good, strlen(good), &out, &e), 4,
		  "ADD without CNI_CONTAINERID");
	ASSERT_STRSTR(e.msg, "CNI_CONTAINERID", "names it");
	env.command = "GC";
	ASSERT_EQ(ovl_cni_run(&env, good, strlen(good), &out, &e), 1, "GC in 1.0.0");
	ASSERT_STRSTR(e.details, "GC needs cniVersion 1.1.0", "says why");
	env.command = "STATUS";
	ASSERT_EQ(ovl_cni_run(&env, good, strlen(good), &out, &e), 1, "STATUS in 1.0.0");
	ASSERT_NULL(out, "nothing to print");
	/* The log level the configuration sets stays set: put it back. */
	ovl_log_set_level(OVL_LOG_INFO);
}

/* An IPAM result (' for "), its ips on interface 0, as ADD has it. */
static bool ipam_result(const char *s, struct ovl_cni_result *r)
{
	struct ovl_cni_err e;
	json_t *j = jq(s);
	bool ok = ASSERT_OK(ovl_cni_result_parse(j, "IPAM result", r, &e), e.details);

	json_decref(j);
	for (int i = 0; ok && i < r->n_ips; i++)
		r->ips[i].iface = 0;
	return ok;
}

/* The router as the container's gateway: ips[].gateway, default routes,
 * and every way the IPAM result can disagree with it. */
void test_cni_result_router_gateway(void)
{
	static const struct {
		const char *gws, *ipam;
		const char *want; /* the 1.0.0 result's ips and routes, or NULL */
		const char *err;  /* in the details, or NULL */
	} cases[] = {
		/* v4 and v6: gateway replaced (host-local's .1), default routes added */
		{ "10.23.0.254/24,fd23::1/64",
		  "{'ips': [{'address': '10.23.0.5/24', 'gateway': '10.23.0.1'}, "
		  "{'address': 'fd23::5/64'}], 'routes': [{'dst': '10.99.0.0/16'}]}",
		  "{'ips': [{'address': '10.23.0.5/24', 'gateway': '10.23.0.254', 'interface': 0}, "
		  "{'address': 'fd23::5/64', 'gateway': 'fd23::1', 'interface': 0}], "
		  "'routes': [{'dst': '10.99.0.0/16'}, {'dst': '0.0.0.0/0', 'gw': '10.23.0.254'}, "
		  "{'dst': '::/0', 'gw': 'fd23::1'}]}",
		  NULL },
		/* IPv4 router only: the IPv6 address is left as IPAM gave it */
		{ "10.23.0.1/16",
		  "{'ips': [{'address': '10.23.1.5/16'}, {'address': 'fd23::5/64', "
		  "'gateway': 'fd23::9'}]}",
		  "{'ips': [{'address': '10.23.1.5/16', 'gateway': '10.23.0.1', 'interface': 0}, "
		  "{'address': 'fd23::5/64', 'gateway': 'fd23::9', 'interface': 0}], "
		  "'routes': [{'dst': '0.0.0.0/0', 'gw': '10.23.0.1'}]}",
		  NULL },
		/* IPAM's own default route through the router stays, no second one */
		{ "10.23.0.1/24",
		  "{'ips': [{'address': '10.23.0.5/24', 'gateway': '10.23.0.1'}], "
		  "'routes': [{'dst': '0.0.0.0/0'}]}",
		  "{'ips': [{'address': '10.23.0.5/24', 'gateway': '10.23.0.1', 'interface': 0}], "
		  "'routes': [{'dst': '0.0.0.0/0'}]}",
		  NULL },
		{ "10.23.0.1/24",
		  "{'ips': [{'address': '10.23.0.5/24'}], "
		  "'routes': [{'dst': '0.0.0.0/0', 'gw': '10.23.0.1'}]}",
		  "{'ips': [{'address': '10.23.0.5/24', 'gateway': '10.23.0.1', 'interface': 0}], "
		  "'routes': [{'dst': '0.0.0.0/0', 'gw': '10.23.0.1'}]}",
		  NULL },
		/* no router: nothing changes */
		{ "", "{'ips': [{'address': '10.23.0.5/24', 'gateway': '10.23.0.1'}]}",
		  "{'ips': [{'address': '10.23.0.5/24', 'gateway': '10.23.0.1', 'interface': 0}]}",
		  NULL },
		/* IPAM's default route elsewhere */
		{ "10.23.0.254/24",
		  "{'ips': [{'address': '10.23.0.5/24', 'gateway': '10.23.0.1'}], "
		  "'routes': [{'dst': '0.0.0.0/0'}]}",
		  NULL,
		  "the IPAM plugin's default route goes via 10.23.0.1, but overlay o's router is "
		  "10.23.0.254/24: leave the default route out of IPAM's configuration, or make "
		  "its gateway 10.23.0.254" },
		{ "fd23::1/64",
		  "{'ips': [{'address': 'fd23::5/64'}], 'routes': [{'dst': '::/0', 'gw': 'fd23::2'}]}",
		  NULL, "default route goes via fd23::2, but overlay o's router is fd23::1/64" },
		/* addresses the router cannot serve */
		{ "10.23.0.1/24", "{'ips': [{'address': '10.24.0.5/24'}]}", NULL,
		  "the IPAM plugin gave 10.24.0.5/24, outside the subnet of overlay o's router "
		  "(gateway 10.23.0.1/24): give IPAM that subnet" },
		{ "fd23::1/64", "{'ips': [{'address': 'fd24::5/64'}]}", NULL,
		  "gave fd24::5/64, outside the subnet" },
		{ "10.23.0.1/24", "{'ips': [{'address': '10.23.0.1/24'}]}", NULL,
		  "the IPAM plugin gave 10.23.0.1/24, the address of overlay o's router" },
		{ "10.23.0.1/16", "{'ips': [{'address': '10.23.1.5/24'}]}", NULL,
		  "gave 10.23.1.5/24, and overlay o's router (gateway 10.23.0.1/16) is outside "
		  "that prefix" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ovl_cni_result r;
		struct ovl_cni_router rt;
		struct ovl_cni_err e = { 0 };
		char what[64];
		json_t *got, *want;
		int ret;

		snprintf(what, sizeof(what), "case %zu", i);
		if (!ASSERT_OK(ovl_cni_router_parse(cases[i].gws, &rt), what) ||
		    !ipam_result(cases[i].ipam, &r))
			continue;
		ret = ovl_cni_router_apply(&rt, "o", &r, 0, &e);
		if (cases[i].err) {
			ASSERT_EQ(ret, OVL_CNI_E_CONFIG, what);
			ASSERT_STRSTR(e.details, cases[i].err, what);
		} else if (ASSERT_OK(ret, e.details)) {
			got = ovl_cni_result_json(&r, OVL_CNI_V100);
			want = jq(cases[i].want);
			json_object_del(got, "cniVersion");
			json_object_del(got, "interfaces");
			json_eq(got, want, what);
			json_decref(got);
			json_decref(want);
		}
		ovl_cni_result_free(&r);
	}
}

void test_cni_result_router_parse(void)
{
	struct ovl_cni_router rt;
	char a[OVL_IP_STRLEN];

	ASSERT_OK(ovl_cni_router_parse(NULL, &rt), "no property");
	ASSERT_EQ(rt.n, 0, "no router");
	if (ASSERT_OK(ovl_cni_router_parse("10.23.0.1/24,fd23::1/64", &rt), "both") &&
	    ASSERT_EQ(rt.n, 2, "two gateways")) {
		ASSERT_STREQ(ovl_ip_format(&rt.gw[1].addr, a), "fd23::1", "IPv6 gateway");
		ASSERT_EQ(rt.gw[1].plen, 64, "its prefix length");
	}
	ASSERT_EQ(ovl_cni_router_parse("10.23.0.1", &rt), -EINVAL, "no /PLEN");
	ASSERT_EQ(ovl_cni_router_parse("10.23.0.1/24,10.24.0.1/24", &rt), -EINVAL, "two IPv4");
	ASSERT_EQ(ovl_cni_router_parse("10.23.0.1/24,fd23::1/64,x", &rt), -EINVAL, "three");
}

void test_cni_result_forward_owner(void)
{
	char owner[300], cid[256], ifn[16];

	ovl_cni_forward_owner("tenant-a", "c1", "eth0", owner, sizeof(owner));
	ASSERT_STREQ(owner, "cni:tenant-a/c1/eth0", "owner");
	if (ASSERT_OK(ovl_cni_forward_owner_parse(owner, "tenant-a", cid, sizeof(cid), ifn,
						  sizeof(ifn)),
		      "parse")) {
		ASSERT_STREQ(cid, "c1", "container id");
		ASSERT_STREQ(ifn, "eth0", "ifname");
	}
	ASSERT_EQ(ovl_cni_forward_owner_parse(owner, "tenant", cid, sizeof(cid), ifn, sizeof(ifn)),
		  -EINVAL, "another network (a prefix of it)");
	ASSERT_EQ(ovl_cni_forward_owner_parse("cni:tenant-a/c1", "tenant-a", cid, sizeof(cid), ifn,
					      sizeof(ifn)),
		  -EINVAL, "no ifname");
	ASSERT_EQ(ovl_cni_forward_owner_parse("cni:tenant-a/c1/eth0/x", "tenant-a", cid,
					      sizeof(cid), ifn, sizeof(ifn)),
		  -EINVAL, "one / too many");
	ASSERT_EQ(ovl_cni_forward_owner_parse("admin", "tenant-a", cid, sizeof(cid), ifn,
					      sizeof(ifn)),
		  -EINVAL, "not the plugin's");
	ASSERT_EQ(ovl_cni_forward_owner_parse(NULL, "tenant-a", cid, sizeof(cid), ifn, sizeof(ifn)),
		  -EINVAL, "no owner (ovlctl's forward)");
	ASSERT_EQ(ovl_cni_forward_owner_parse("cni:tenant-a/c1/eth0123456789abcdef", "tenant-a",
					      cid, sizeof(cid), ifn, sizeof(ifn)),
		  -EINVAL, "an ifname too long to be one");
}

/* The forward.add requests of the port mappings, per family. */
void test_cni_result_forward_reqs(void)
{
	static const struct {
		const char *maps, *gws, *ipam;
		const char *want; /* the requests, or NULL */
		const char *err;
	} cases[] = {
		/* no hostIP: one per family of the container that the router serves */
		{ "[{'hostPort': 8080, 'containerPort': 80}]", "10.23.0.1/24,fd23::1/64",
		  "{'ips': [{'address': '10.23.0.5/24'}, {'address': '10.23.0.6/24'}, "
		  "{'address': 'fd23::5/64'}]}",
		  "[{'cmd': 'forward.add', 'overlay': 'o', 'proto': 'tcp', 'port': 8080, "
		  "'to': '10.23.0.5', 'to_port': 80, 'owner': 'cni:net/c1/eth0'}, "
		  "{'cmd': 'forward.add', 'overlay': 'o', 'proto': 'tcp', 'port': 8080, "
		  "'to': 'fd23::5', 'to_port': 80, 'owner': 'cni:net/c1/eth0'}]",
		  NULL },
		{ "[{'hostPort': 8080, 'containerPort': 80}]", "10.23.0.1/24",
		  "{'ips': [{'address': '10.23.0.5/24'}, {'address': 'fd23::5/64'}]}",
		  "[{'cmd': 'forward.add', 'overlay': 'o', 'proto': 'tcp', 'port': 8080, "
		  "'to': '10.23.0.5', 'to_port': 80, 'owner': 'cni:net/c1/eth0'}]",
		  NULL },
		/* hostIP: its family alone, and host_ip */
		{ "[{'hostPort': 53, 'containerPort': 5353, 'protocol': 'udp', "
		  "'hostIP': 'fd00::2'}, {'hostPort': 80, 'containerPort': 80, 'hostIP': '0.0.0.0'}]",
		  "10.23.0.1/24,fd23::1/64",
		  "{'ips': [{'address': '10.23.0.5/24'}, {'address': 'fd23::5/64'}]}",
		  "[{'cmd': 'forward.add', 'overlay': 'o', 'proto': 'udp', 'port': 53, "
		  "'to': 'fd23::5', 'to_port': 5353, 'owner': 'cni:net/c1/eth0', "
		  "'host_ip': 'fd00::2'}, {'cmd': 'forward.add', 'overlay': 'o', 'proto': 'tcp', "
		  "'port': 80, 'to': '10.23.0.5', 'to_port': 80, 'owner': 'cni:net/c1/eth0'}]",
		  NULL },
		{ "[]", "10.23.0.1/24", "{'ips': [{'address': '10.23.0.5/24'}]}", "[]", NULL },
		{ "[{'hostPort': 80, 'containerPort': 80, 'hostIP': 'fd00::2'}]", "10.23.0.1/24",
		  "{'ips': [{'address': '10.23.0.5/24'}]}", NULL,
		  "runtimeConfig.portMappings[0]: hostIP fd00::2 is IPv6, and the container has no "
		  "address of that family" },
		{ "[{'hostPort': 80, 'containerPort': 80, 'hostIP': 'fd00::2'}]", "10.23.0.1/24",
		  "{'ips': [{'address': '10.23.0.5/24'}, {'address': 'fd23::5/64'}]}", NULL,
		  "hostIP fd00::2 is IPv6, and overlay's router has no gateway of that family" },
		{ "[{'hostPort': 80, 'containerPort': 80}]", "fd23::1/64",
		  "{'ips': [{'address': '10.23.0.5/24'}]}", NULL,
		  "runtimeConfig.portMappings[0] (TCP port 80): the container has no address in "
		  "the subnet of overlay o's router" },
	};
	char conf[2048];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ovl_netconf nc;
		struct ovl_cni_result r;
		struct ovl_cni_router rt;
		struct ovl_cni_err e = { 0 };
		json_t *got, *want;
		char what[64];

		snprintf(what, sizeof(what), "case %zu", i);
		snprintf(conf, sizeof(conf),
			 "{'cniVersion': '1.0.0', 'name': 'net', 'type': 'ovl', 'overlay': 'o', "
			 "'ipam': {'type': 'host-local'}, 'capabilities': {'portMappings': true}, "
			 "'runtimeConfig': {'portMappings': %s}}",
			 cases[i].maps);
		for (char *p = conf; *p; p++)
			if (*p == '\'')
				*p = '"';
		if (!ASSERT_OK(ovl_netconf_parse(conf, strlen(conf), &nc, &e), e.details)) {
			ovl_netconf_free(&nc);
			continue;
		}
		if (ASSERT_OK(ovl_cni_router_parse(cases[i].gws, &rt), what) &&
		    ipam_result(cases[i].ipam, &r)) {
			got = ovl_cni_forward_reqs(&nc, &rt, "o", "cni:net/c1/eth0", &r, 0, &e);
			if (cases[i].err) {
				ASSERT_NULL(got, what);
				ASSERT_EQ(e.code, OVL_CNI_E_CONFIG, what);
				ASSERT_STRSTR(e.details, cases[i].err, what);
			} else if (ASSERT_OK_PTR(got, e.details)) {
				want = jq(cases[i].want);
				json_eq(got, want, what);
				json_decref(want);
			}
			json_decref(got);
			ovl_cni_result_free(&r);
		}
		ovl_netconf_free(&nc);
	}
}
