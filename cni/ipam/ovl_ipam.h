/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovl_ipam.h - ovl-ipam's configuration and its entry point (ovl_ipam.c),
 * apart from main() (main.c) so that tests/fuzz/fuzz_ipam.c can parse
 * configurations without reaching ovld.
 */
#ifndef OVL_CNI_IPAM_H
#define OVL_CNI_IPAM_H

#include "cni.h"
#include "ipam_range.h"

struct ovl_ipam_conf {
	struct ovl_netconf nc; /* name, instance, overlay, vni, cniVersion: what daemon.c reads */
	json_t *root;
	json_t *ranges, *dns, *ips, *valid; /* in root */
	struct ovl_ipam_set sets[OVL_IPAM_SETS];
	int nsets;
	struct ovl_cni_route routes[OVL_CNI_MAX_ROUTES];
	int nroutes;
};

/* The configuration on stdin, all of it checked (ranges, routes) before
 * any command acts. Return: 0, or the CNI error's code with *e set; either
 * way ovl_ipam_conf_free() after. */
int ovl_ipam_conf_parse(const char *in, size_t len, struct ovl_ipam_conf *c, struct ovl_cni_err *e);
void ovl_ipam_conf_free(struct ovl_ipam_conf *c);

/* ADD, DEL, CHECK, GC, STATUS, VERSION: what ovl_cni_main() runs. */
int ovl_ipam_run(const struct ovl_cni_env *env, const char *in, size_t len, json_t **out,
		 struct ovl_cni_err *e);

#endif /* OVL_CNI_IPAM_H */
