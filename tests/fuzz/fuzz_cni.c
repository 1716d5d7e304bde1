// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_cni.c - what the CNI plugin ovl takes from its runtime: the
 * environment (cni/env.c: CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS,
 * CNI_IFNAME, CNI_ARGS, CNI_PATH) and the network configuration on stdin
 * with its prevResult, runtimeConfig (port mappings, bandwidth, MAC) and
 * valid attachments (cni/netconf.c, cni/result.c, cni/bandwidth.c,
 * cni/router.c).
 *
 * The input is the environment, a NUL byte, then stdin (no NUL: all of it
 * is stdin, the environment empty). The environment is lines KEY=VALUE;
 * lines of other keys are ignored.
 *
 * VERSION and unknown commands go through the plugin's dispatcher
 * (ovl_cni_run()), which answers them without a network namespace; for
 * ADD, DEL, CHECK, GC and STATUS the intake runs as they start it, never
 * reaching ovld or the kernel: the environment checked, CNI_ARGS and the
 * configuration parsed, the MAC and the host's interface name chosen, the
 * port mappings made into forward.add requests. What parses must hold: an
 * error has a code and a message and makes an error JSON; the prevResult
 * printed as the configuration's version parses back.
 *
 * What make fuzz-cov measures: a file, or FILE:FUNCTIONS for part of one.
 * cov: cni/env.c
 * cov: cni/netconf.c
 * cov: cni/result.c
 * cov: cni/bandwidth.c
 * cov: cni/router.c
 * cov: cni/plugin.c:cmd_version,ovl_cni_run
 */
#include <errno.h>
#include "addr.h"
#include "cni.h"
#include "ident.h"
#include "log.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ovl_log_set_level((enum ovl_log_level)0);
	return 0;
}

/* env from lines KEY=VALUE of text (cut in place). */
static void env_parse(char *text, struct ovl_cni_env *env)
{
	static const struct {
		const char *key;
		size_t off;
	} vars[] = {
		{ "CNI_COMMAND=", offsetof(struct ovl_cni_env, command) },
		{ "CNI_CONTAINERID=", offsetof(struct ovl_cni_env, container_id) },
		{ "CNI_NETNS=", offsetof(struct ovl_cni_env, netns) },
		{ "CNI_IFNAME=", offsetof(struct ovl_cni_env, ifname) },
		{ "CNI_ARGS=", offsetof(struct ovl_cni_env, args) },
		{ "CNI_PATH=", offsetof(struct ovl_cni_env, path) },
	};
	char *save = NULL;

	memset(env, 0, sizeof(*env));
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			if (!strncmp(l, vars[i].key, strlen(vars[i].key)))
				*(const char **)((char *)env + vars[i].off) =
					l + strlen(vars[i].key);
}

static void error_check(int ret, const struct ovl_cni_err *e, const char *version)
{
	json_t *j;

	FUZZ_CHECK(ret > 0 && ret == e->code && e->msg[0], "ret %d, code %d, \"%s\"", ret, e->code,
		   e->msg);
	j = ovl_cni_error_json(e, version);
	FUZZ_CHECK(j && json_integer_value(json_object_get(j, "code")) == e->code,
		   "error JSON of code %d", e->code);
	json_decref(j);
}

/* The prevResult as the plugin would print it parses back. */
static void prev_check(const struct ovl_netconf *nc)
{
	struct ovl_cni_result again;
	struct ovl_cni_err e = { 0 };
	json_t *j;
	int ret;

	if (!nc->has_prev)
		return;
	j = ovl_cni_result_json(&nc->prev, nc->version);
	FUZZ_CHECK(j, "prevResult as JSON");
	memset(&again, 0, sizeof(again));
	ret = ovl_cni_result_parse(j, "prevResult", &again, &e);
	FUZZ_CHECK(!ret, "prevResult printed does not parse back: %s: %s", e.msg, e.details);
	FUZZ_CHECK(again.n_ips == nc->prev.n_ips && again.n_ifaces == nc->prev.n_ifaces &&
			   again.n_routes == nc->prev.n_routes,
		   "prevResult printed and parsed back differs");
	ovl_cni_result_free(&again);
	json_decref(j);
}

static void verb_intake(const struct ovl_cni_env *env, const char *in, size_t len)
{
	static const char *const gateways[] = { "10.23.0.1/24", "fd23::1/64",
						"10.23.0.1/24,fd23::1/64" };
	const char *cid = env->container_id ? env->container_id : "c0";
	const char *ifname = env->ifname ? env->ifname : "eth0";
	struct ovl_cni_err e = { 0 };
	struct ovl_cni_args args = { 0 };
	struct ovl_netconf nc;
	char host[OVL_CNI_IFNAME_MAX], owner[512];
	__u8 mac[6];
	int ret;

	for (unsigned int need = 0; need < 16; need++) {
		memset(&e, 0, sizeof(e));
		ret = ovl_cni_env_check(env, need, &e);
		if (ret)
			error_check(ret, &e, "1.1.0");
	}
	memset(&e, 0, sizeof(e));
	ret = ovl_cni_args_parse(env->args ? env->args : "", &args, &e);
	if (ret)
		error_check(ret, &e, "1.1.0");
	memset(&e, 0, sizeof(e));
	ret = ovl_netconf_parse(in, len, &nc, &e);
	if (ret) {
		error_check(ret, &e, "1.1.0");
		ovl_netconf_free(&nc);
		return;
	}
	prev_check(&nc);
	(void)ovl_netconf_attachment_valid(&nc, cid, ifname);
	FUZZ_CHECK(ovl_cni_choose_mac(&nc, &args, cid, ifname, mac), "no MAC chosen");
	ovl_cni_host_ifname(nc.instance, nc.name, cid, ifname, host);
	FUZZ_CHECK(ovl_ifname_valid(host), "host interface name \"%s\"", host);
	ovl_cni_forward_owner(nc.name, cid, ifname, owner, sizeof(owner));
	for (size_t i = 0; i < sizeof(gateways) / sizeof(gateways[0]) && nc.has_prev; i++) {
		struct ovl_cni_router rt;
		json_t *reqs;

		FUZZ_CHECK(!ovl_cni_router_parse(gateways[i], &rt), "%s", gateways[i]);
		memset(&e, 0, sizeof(e));
		reqs = ovl_cni_forward_reqs(&nc, &rt, "ov", owner, &nc.prev, 0, &e);
		if (!reqs)
			error_check(e.code, &e, nc.cni_version);
		json_decref(reqs);
		memset(&e, 0, sizeof(e));
		ret = ovl_cni_router_apply(&rt, "ov", &nc.prev, 0, &e);
		if (ret)
			error_check(ret, &e, nc.cni_version);
	}
	ovl_netconf_free(&nc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	struct ovl_cni_env env;
	char *envtext = NULL;
	const char *in = (const char *)data;
	size_t len = size;

	if (nul) {
		envtext = strndup((const char *)data, (size_t)(nul - data));
		if (!envtext)
			abort();
		in = (const char *)nul + 1;
		len = size - (size_t)(nul - data) - 1;
	}
	env_parse(envtext ? envtext : (char[]){ "" }, &env);
	if (env.command && (!strcmp(env.command, "ADD") || !strcmp(env.command, "DEL") ||
			    !strcmp(env.command, "CHECK") || !strcmp(env.command, "GC") ||
			    !strcmp(env.command, "STATUS"))) {
		verb_intake(&env, in, len);
	} else {
		struct ovl_cni_err e = { 0 };
		json_t *out = NULL;
		int ret = ovl_cni_run(&env, in, len, &out, &e);

		if (ret)
			error_check(ret, &e, "1.1.0");
		else
			FUZZ_CHECK(json_is_object(out), "VERSION gave no object");
		json_decref(out);
	}
	free(envtext);
	ovl_log_set_level((enum ovl_log_level)0); /* a configuration's logLevel stays quiet */
	return 0;
}
