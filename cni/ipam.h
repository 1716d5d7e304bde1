/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ipam.h - delegation to the IPAM plugin, as the CNI specification
 * describes it: the plugin named by ipam.type is looked up in CNI_PATH and
 * executed with ovl's own environment (CNI_COMMAND set to the verb) and the
 * same configuration on stdin; its result or error comes back on its
 * stdout, its logs go to ovl's stderr.
 *
 * One deviation, taken only after the IPAM plugin refused: when it answers
 * error 1 (incompatible CNI version), ovl asks it for VERSION and delegates
 * again with the configuration's cniVersion lowered to the newest version
 * both speak (Debian 12's host-local stops at 1.0.0, while GC and STATUS
 * need 1.1.0 configurations). STATUS and GC are delegated only to a plugin
 * that speaks 1.1.0; GC then also releases, with DEL, the lease of every
 * attachment it removes.
 */
#ifndef OVL_CNI_IPAM_H
#define OVL_CNI_IPAM_H

#include <limits.h>
#include "cni.h"

struct ovl_ipam {
	const struct ovl_cni_env *env;
	const struct ovl_netconf *nc;
	char path[PATH_MAX];
	const char *in; /* its stdin: nc->raw, or `lowered` */
	size_t in_len;
	char *lowered;		     /* the configuration at a lower cniVersion */
	enum ovl_cni_version speaks; /* the cniVersion of `in` */
	unsigned int supported;	     /* bit per version it listed in VERSION; 0: not asked */
};

/* Find the plugin in CNI_PATH. Code 7 when it is not there. */
int ovl_ipam_open(struct ovl_ipam *ip, const struct ovl_cni_env *env, const struct ovl_netconf *nc,
		  struct ovl_cni_err *e);
void ovl_ipam_close(struct ovl_ipam *ip);

/* ADD: its result (ips, routes, dns) into r. */
int ovl_ipam_add(struct ovl_ipam *ip, struct ovl_cni_result *r, struct ovl_cni_err *e);
/* DEL for an attachment; container_id/ifname NULL: those of the
 * environment (GC passes others, and no CNI_NETNS). */
int ovl_ipam_del(struct ovl_ipam *ip, const char *container_id, const char *ifname,
		 struct ovl_cni_err *e);
int ovl_ipam_check(struct ovl_ipam *ip, struct ovl_cni_err *e);
/* STATUS and GC: delegated when the plugin speaks 1.1.0; *skipped tells. */
int ovl_ipam_status(struct ovl_ipam *ip, bool *skipped, struct ovl_cni_err *e);
int ovl_ipam_gc(struct ovl_ipam *ip, bool *skipped, struct ovl_cni_err *e);

#endif /* OVL_CNI_IPAM_H */
