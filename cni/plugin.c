// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * plugin.c - one invocation: CNI_COMMAND to a verb, the configuration
 * parsed first (it sets the log level and the version of every answer).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cni.h"

/* VERSION: stdin is {"cniVersion": ...} (or empty); answer in that
 * version when ovl speaks it, else in the newest. */
static int cmd_version(const char *in, size_t in_len, json_t **out)
{
	enum ovl_cni_version v = OVL_CNI_V_LATEST;
	json_t *j = in_len ? json_loadb(in, in_len, 0, NULL) : NULL;
	enum ovl_cni_version asked =
		ovl_cni_version_parse(json_string_value(json_object_get(j, "cniVersion")));

	if (asked != OVL_CNI_V_NONE)
		v = asked;
	json_decref(j);
	*out = ovl_cni_version_json(v);
	return 0;
}

int ovl_cni_run(const struct ovl_cni_env *env, const char *in, size_t in_len, json_t **out,
		struct ovl_cni_err *e)
{
	static const struct {
		const char *name;
		enum ovl_cni_version since;
	} verbs[] = {
		{ "ADD", OVL_CNI_V040 }, { "DEL", OVL_CNI_V040 },    { "CHECK", OVL_CNI_V040 },
		{ "GC", OVL_CNI_V110 },	 { "STATUS", OVL_CNI_V110 },
	};
	struct ovl_netconf nc;
	int ret, verb = -1;

	*out = NULL;
	if (!env->command || !*env->command)
		return ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_COMMAND is not set",
				     "one of ADD, DEL, CHECK, GC, STATUS, VERSION");
	if (!strcmp(env->command, "VERSION"))
		return cmd_version(in, in_len, out);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(env->command, verbs[i].name))
			verb = (int)i;
	if (verb < 0)
		return ovl_cni_error(e, OVL_CNI_E_ENV, "unknown CNI_COMMAND",
				     "\"%s\"; ovl knows ADD, DEL, CHECK, GC, STATUS, VERSION",
				     env->command);
	ret = ovl_netconf_parse(in, in_len, &nc, e);
	if (ret) {
		ovl_netconf_free(&nc);
		return ret;
	}
	ovl_log_set_level(nc.log_level);
	if (nc.version < verbs[verb].since) {
		ret = ovl_cni_error(e, OVL_CNI_E_VERSION, "incompatible CNI versions",
				    "%s needs cniVersion %s or later; the configuration has %s",
				    env->command, ovl_cni_version_str(verbs[verb].since),
				    nc.cni_version);
		goto out;
	}
	pr_debug("%s container %s ifname %s netns %s network %s", env->command,
		 env->container_id ?: "-", env->ifname ?: "-", env->netns ?: "-", nc.name);
	switch (verb) {
	case 0:
		ret = ovl_cni_add(env, &nc, out, e);
		break;
	case 1:
		ret = ovl_cni_del(env, &nc, e);
		break;
	case 2:
		ret = ovl_cni_check(env, &nc, e);
		break;
	case 3:
		ret = ovl_cni_gc(env, &nc, e);
		break;
	default:
		ret = ovl_cni_status(env, &nc, e);
		break;
	}
out:
	ovl_netconf_free(&nc);
	return ret;
}
