// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_ipam.c - what ovl-ipam takes from its runtime: the network
 * configuration on stdin (cni/ipam/ovl_ipam.c: the enclosing ovl
 * configuration's cniVersion, name, instance, overlay and vni, its own
 * ipam section with ranges, routes and dns, runtimeConfig.ips and the
 * valid attachments), all of which it checks before it asks ovld for
 * anything. The harness never reaches ovld: it parses, and runs VERSION.
 *
 * The input is the configuration. What parses must hold: range sets and
 * routes as many as the configuration has, each route's prefix within its
 * family, and a result with those routes prints and parses back. An error
 * has a code and a message and makes an error JSON.
 *
 * What make fuzz-cov measures: a file, or FILE:FUNCTIONS for part of one.
 * cov: cni/ipam/ovl_ipam.c:ovl_ipam_conf_parse,route_parse,ovl_ipam_conf_free
 */
#include "ovl_abi.h"
#include "addr.h"
#include "log.h"
#include "ovl_ipam.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ovl_log_set_level((enum ovl_log_level)0);
	return 0;
}

static void error_check(int ret, const struct ovl_cni_err *e)
{
	json_t *j;

	FUZZ_CHECK(ret > 0 && ret == e->code && e->msg[0], "ret %d, code %d, \"%s\"", ret, e->code,
		   e->msg);
	j = ovl_cni_error_json(e, "1.1.0");
	FUZZ_CHECK(j && json_integer_value(json_object_get(j, "code")) == e->code,
		   "error JSON of code %d", e->code);
	json_decref(j);
}

/* What parsed is what the configuration says, and ADD's result of it
 * prints and parses back. */
static void conf_check(const struct ovl_ipam_conf *c)
{
	json_t *ipam = json_object_get(c->root, "ipam"), *j;
	struct ovl_cni_result r, again;
	struct ovl_cni_err e = { 0 };
	int ret;

	FUZZ_CHECK(c->nc.version != OVL_CNI_V_NONE, "no version");
	FUZZ_CHECK(c->nc.overlay[0] || c->nc.has_vni, "neither overlay nor vni");
	FUZZ_CHECK(c->nsets >= 1 && (size_t)c->nsets == json_array_size(c->ranges),
		   "%d range sets of %zu", c->nsets, json_array_size(c->ranges));
	FUZZ_CHECK((size_t)c->nroutes == json_array_size(json_object_get(ipam, "routes")),
		   "%d routes of %zu", c->nroutes,
		   json_array_size(json_object_get(ipam, "routes")));
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < c->nroutes; i++) {
		const struct ovl_cni_route *rt = &c->routes[i];

		FUZZ_CHECK(rt->plen <= (rt->dst.family == OVL_AF_INET4 ? 32u : 128u),
			   "route %d: /%u", i, rt->plen);
		r.routes[r.n_routes++] = *rt;
	}
	j = ovl_cni_result_json(&r, c->nc.version);
	FUZZ_CHECK(j, "a result with the routes as JSON");
	memset(&again, 0, sizeof(again));
	ret = ovl_cni_result_parse(j, "result", &again, &e);
	FUZZ_CHECK(!ret && again.n_routes == r.n_routes, "the result does not parse back: %s: %s",
		   e.msg, e.details);
	ovl_cni_result_free(&again);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovl_cni_env env = { .command = "VERSION" };
	struct ovl_cni_err e = { 0 };
	struct ovl_ipam_conf c;
	json_t *out = NULL;
	int ret;

	ret = ovl_ipam_conf_parse((const char *)data, size, &c, &e);
	if (ret)
		error_check(ret, &e);
	else
		conf_check(&c);
	ovl_ipam_conf_free(&c);
	memset(&e, 0, sizeof(e));
	ret = ovl_ipam_run(&env, (const char *)data, size, &out, &e);
	FUZZ_CHECK(!ret && json_is_object(out), "VERSION: %d", ret);
	json_decref(out);
	return 0;
}
