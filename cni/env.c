// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * env.c - the CNI_* variables and CNI_ARGS: present, well-formed, and no
 * CNI_ARGS key ovl does not know unless IgnoreUnknown says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ident.h"
#include "json.h"
#include "cni.h"

bool ovl_cni_container_id_valid(const char *s)
{
	return ovl_name_valid(s, sizeof(((struct ovl_cni_attachment *)0)->container_id) - 1,
			      OVL_NAME_ALNUM_FIRST);
}

int ovl_cni_env_check(const struct ovl_cni_env *env, unsigned int need, struct ovl_cni_err *e)
{
	if ((need & OVL_CNI_NEED_CONTAINER) && !env->container_id)
		return ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_CONTAINERID is not set", NULL);
	if (env->container_id && (need & OVL_CNI_NEED_CONTAINER) &&
	    !ovl_cni_container_id_valid(env->container_id))
		return ovl_cni_error(e, OVL_CNI_E_ENV,
				     "CNI_CONTAINERID is not a valid container ID",
				     "\"%s\": it must start with a letter or digit, go on with "
				     "letters, digits, '_', '.' or '-', and be shorter than 256",
				     env->container_id);
	if ((need & OVL_CNI_NEED_NETNS) && (!env->netns || !*env->netns))
		return ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_NETNS is not set", NULL);
	if (env->netns && *env->netns && env->netns[0] != '/')
		return ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_NETNS is not an absolute path",
				     "\"%s\"", env->netns);
	if ((need & OVL_CNI_NEED_IFNAME) && !env->ifname)
		return ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_IFNAME is not set", NULL);
	if ((need & OVL_CNI_NEED_IFNAME) && !ovl_ifname_valid(env->ifname))
		return ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_IFNAME is not a valid interface name",
				     "\"%s\": 1 to 15 characters, not \".\" or \"..\", without "
				     "'/', ':' or white space",
				     env->ifname);
	if ((need & OVL_CNI_NEED_PATH) && (!env->path || !*env->path))
		return ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_PATH is not set", NULL);
	return 0;
}

/* CNI_ARGS keys others use, accepted and ignored (MAC is ovl's own). */
#define ARGS_KEYS                                                                                  \
	"IgnoreUnknown, IP, K8S_POD_NAMESPACE, K8S_POD_NAME, K8S_POD_UID, "                        \
	"K8S_POD_INFRA_CONTAINER_ID, K8S_POD_NETNS_PATH"

int ovl_cni_args_parse(const char *s, struct ovl_cni_args *a, struct ovl_cni_err *e)
{
	char *copy, *save = NULL, *unknown = NULL;
	bool ignore = false;
	int ret = 0;

	memset(a, 0, sizeof(*a));
	if (!s || !*s)
		return 0;
	copy = strdup(s);
	if (!copy)
		return ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
	for (char *kv = strtok_r(copy, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq || eq == kv) {
			ret = ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_ARGS is malformed",
					    "\"%s\" is not KEY=VALUE (in \"%s\")", kv, s);
			goto out;
		}
		*eq = '\0';
		if (!strcmp(kv, "MAC")) {
			if (ovl_mac_parse(eq + 1, a->mac) || ovl_mac_is_multicast(a->mac) ||
			    ovl_mac_is_zero(a->mac)) {
				ret = ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_ARGS: bad MAC",
						    "MAC=%s is not a unicast MAC address", eq + 1);
				goto out;
			}
			a->has_mac = true;
			continue;
		}
		if (!strcmp(kv, "IgnoreUnknown"))
			ignore = !strcmp(eq + 1, "1") || !strcasecmp(eq + 1, "true");
		if (!ovl_key_listed(kv, ARGS_KEYS) && !unknown)
			unknown = kv;
	}
	if (unknown && !ignore)
		ret = ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_ARGS has a key ovl does not know",
				    "\"%s\" (set IgnoreUnknown=1 to let it pass)", unknown);
out:
	free(copy);
	return ret;
}
