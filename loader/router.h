/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * router.h - the router zone of an overlay (router.c).
 */
#ifndef OVL_ROUTER_H
#define OVL_ROUTER_H

#include <stdbool.h>
#include <jansson.h>
#include "addr.h"

struct ovld;
struct ovl_overlay;
struct ovl_ep;

struct ovl_router {
	bool has4, has6;
	struct ovl_ip gw4, gw6; /* the gateway addresses */
	int plen4, plen6;
	bool masq, host;     /* router/masquerade, router/host */
	bool up;	     /* set up as above */
	bool made;	     /* its namespace was made by this ovld */
	unsigned int slot;   /* the transit link's /30 (router.c) */
	int nsfd;	     /* the router zone's network namespace */
	char nspath[256];    /* where it is bind-mounted */
	char ep_if[16];	     /* host end of ovl0: the router's endpoint */
	char transit_if[16]; /* host end of host0 */
	struct ovl_ep *ep;   /* the endpoint (in d->eps) */
	char error[256];     /* why it is not up, "" when fine */
};

/* The anycast gateway MAC of a VNI (ovl_abi.h, OVL_ROUTER_MAC_B*). */
void router_mac(__u32 vni, __u8 mac[6]);
/* Does an overlay with these properties have a router? */
bool router_wanted(json_t *props);
/* Are the router properties right for ov (NULL: a new overlay called name)? */
int router_props_check(struct ovld *d, struct ovl_overlay *ov, const char *name, json_t *props,
		       char *err, size_t errlen);
/* Bring ov's router in line with its properties: make, change or remove. */
int router_apply(struct ovld *d, struct ovl_overlay *ov, char *err, size_t errlen);
/* Remove ov's router zone, its forwards and its rules. */
void router_remove(struct ovld *d, struct ovl_overlay *ov);
/* Forget ov's router, leaving it in place (ovld stops; the zone routes on). */
void router_release(struct ovl_overlay *ov);
/* Is a inside one of r's gateway subnets? */
bool router_addr_inside(const struct ovl_router *r, const struct ovl_ip *a);
json_t *router_json(struct ovld *d, struct ovl_overlay *ov);
int router_set(struct ovld *d, json_t *req, json_t **res, char *err, size_t errlen);
int router_forward_add(struct ovld *d, json_t *req, json_t **res, char *err, size_t errlen);
int router_forward_del(struct ovld *d, json_t *req, json_t **res, char *err, size_t errlen);
json_t *router_forwards_json(struct ovld *d, const char *overlay);
void router_forwards_restore(struct ovld *d, json_t *arr);
/* Free the forwards (ovld stops; the rules stay). */
void router_forwards_free(struct ovld *d);
/* --cleanup: every router zone of the instance and the host's rules. */
void router_cleanup(struct ovld *d);

#endif /* OVL_ROUTER_H */
