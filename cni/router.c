// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * router.c - the overlay's router (DESIGN.md "The router zone") as the CNI
 * plugin uses it: its gateway becomes the container's (ips[].gateway and a
 * default route), "ipMasq": true turns its masquerade on, and
 * runtimeConfig.portMappings become forwards of the host's ports to the
 * container, owned by the attachment ("cni:NETWORK/CONTAINERID/IFNAME") so
 * that DEL and GC remove them by owner. Everything here is computation on
 * the configuration and results; the calls to ovld are add.c's, del.c's
 * and check.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ovl_abi.h"
#include "cni.h"

#define CONF_ERR(e, ...)                                                                           \
	ovl_cni_error((e), OVL_CNI_E_CONFIG, "invalid network configuration", __VA_ARGS__)

static int vfam(__u8 family)
{
	return family == OVL_AF_INET4 ? 4 : 6;
}

/* ---- runtimeConfig.portMappings ----------------------------------------------- */

static int map_port(json_t *m, size_t i, const char *key, __u16 *port, struct ovl_cni_err *e)
{
	json_t *v = json_object_get(m, key);

	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65535)
		return CONF_ERR(e,
				"runtimeConfig.portMappings[%zu].%s must be a port number from 1 "
				"to 65535",
				i, key);
	*port = (__u16)json_integer_value(v);
	return 0;
}

/* One mapping: {hostPort, containerPort, [protocol], [hostIP]}. Other
 * members (a runtime's own) are ignored: the runtime wrote them, not the
 * user. */
static int parse_map(json_t *m, size_t i, struct ovl_cni_portmap *pm, struct ovl_cni_err *e)
{
	json_t *proto = json_object_get(m, "protocol"), *hip = json_object_get(m, "hostIP");
	const char *s;

	memset(pm, 0, sizeof(*pm));
	if (!json_is_object(m))
		return CONF_ERR(e,
				"runtimeConfig.portMappings[%zu] must be an object {hostPort, "
				"containerPort, protocol, hostIP}",
				i);
	if (map_port(m, i, "hostPort", &pm->host_port, e) ||
	    map_port(m, i, "containerPort", &pm->container_port, e))
		return e->code;
	if (proto && !json_is_null(proto)) {
		s = json_string_value(proto);
		if (!s || (*s && strcasecmp(s, "tcp") && strcasecmp(s, "udp")))
			return CONF_ERR(e,
					"runtimeConfig.portMappings[%zu].protocol must be \"tcp\" "
					"or \"udp\", not %s%s%s",
					i, s ? "\"" : "", s ? s : "a non-string", s ? "\"" : "");
		pm->udp = !strcasecmp(s, "udp");
	}
	if (hip && !json_is_null(hip)) {
		s = json_string_value(hip);
		if (!s || (*s && ovl_ip_parse(s, &pm->host_ip)))
			return CONF_ERR(e,
					"runtimeConfig.portMappings[%zu].hostIP must be an IPv4 or "
					"IPv6 address, not %s%s%s",
					i, s ? "\"" : "", s ? s : "a non-string", s ? "\"" : "");
		if (*s && (ovl_ip_is_multicast(&pm->host_ip) || ovl_ip_is_broadcast(&pm->host_ip)))
			return CONF_ERR(e,
					"runtimeConfig.portMappings[%zu].hostIP: %s is a multicast "
					"or broadcast address",
					i, s);
		/* "" is every address; 0.0.0.0 and :: every one of a family */
		pm->family = *s ? pm->host_ip.family : 0;
		pm->has_host_ip = *s && !ovl_ip_is_unspecified(&pm->host_ip);
	}
	return 0;
}

int ovl_cni_portmaps_parse(struct ovl_netconf *nc, struct ovl_cni_err *e)
{
	json_t *cap = json_object_get(json_object_get(nc->root, "capabilities"), "portMappings");
	json_t *maps = json_object_get(json_object_get(nc->root, "runtimeConfig"), "portMappings");
	json_t *m;
	size_t i;

	if (cap && !json_is_boolean(cap))
		return CONF_ERR(e, "\"capabilities.portMappings\" must be a boolean");
	/* A runtime passes runtimeConfig.portMappings only to a plugin that
	 * asks for them: without the capability, they are another's (a
	 * chained portmap plugin's). */
	if (!json_is_true(cap) || !maps)
		return 0;
	if (!json_is_array(maps))
		return CONF_ERR(e, "runtimeConfig.portMappings must be an array");
	nc->portmaps = calloc(json_array_size(maps) + 1, sizeof(*nc->portmaps));
	if (!nc->portmaps)
		return ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
	json_array_foreach(maps, i, m) {
		struct ovl_cni_portmap *pm = &nc->portmaps[i];

		if (parse_map(m, i, pm, e))
			return e->code;
		for (size_t k = 0; k < i; k++) {
			const struct ovl_cni_portmap *o = &nc->portmaps[k];

			/* the same host port twice, on addresses that overlap */
			if (o->host_port == pm->host_port && o->udp == pm->udp &&
			    (!o->family || !pm->family || o->family == pm->family) &&
			    (!o->has_host_ip || !pm->has_host_ip ||
			     ovl_ip_eq(&o->host_ip, &pm->host_ip)))
				return CONF_ERR(e,
						"runtimeConfig.portMappings[%zu] and [%zu] both "
						"publish %s port %u",
						k, i, pm->udp ? "UDP" : "TCP", pm->host_port);
		}
		nc->n_portmaps = i + 1;
	}
	return 0;
}

/* ---- the gateway --------------------------------------------------------------- */

int ovl_cni_router_parse(const char *gateways, struct ovl_cni_router *rt)
{
	memset(rt, 0, sizeof(*rt));
	for (const char *p = gateways; p && *p;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		char buf[OVL_IP_STRLEN + 8];

		if (rt->n == 2 || n >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (ovl_cni_cidr_parse(buf, &rt->gw[rt->n].addr, &rt->gw[rt->n].plen))
			return -EINVAL;
		if (rt->n && rt->gw[0].addr.family == rt->gw[1].addr.family)
			return -EINVAL;
		rt->n++;
		p = c ? c + 1 : NULL;
	}
	return 0;
}

/* The default route of family in r, or NULL. */
static struct ovl_cni_route *default_route(struct ovl_cni_result *r, __u8 family)
{
	for (int i = 0; i < r->n_routes; i++)
		if (r->routes[i].plen == 0 && r->routes[i].dst.family == family)
			return &r->routes[i];
	return NULL;
}

static int apply_one(const struct ovl_ip *gw, unsigned int plen, const char *overlay,
		     struct ovl_cni_result *r, int iface, struct ovl_cni_err *e)
{
	char g[OVL_IP_STRLEN + 4], a[OVL_IP_STRLEN + 4], x[OVL_IP_STRLEN];
	struct ovl_ip ipam_gw = { 0 }; /* the first IPAM gave, before it is replaced */
	struct ovl_cni_route *rt;
	bool any = false;

	ovl_cni_cidr_format(gw, plen, g);
	for (int i = 0; i < r->n_ips; i++) {
		struct ovl_cni_ipcfg *p = &r->ips[i];

		if (p->iface != iface || p->addr.family != gw->family)
			continue;
		ovl_cni_cidr_format(&p->addr, p->plen, a);
		if (!ovl_ip_in_prefix(&p->addr, gw, plen))
			return CONF_ERR(e,
					"the IPAM plugin gave %s, outside the subnet of overlay "
					"%s's router (gateway %s): give IPAM that subnet",
					a, overlay, g);
		if (ovl_ip_eq(&p->addr, gw))
			return CONF_ERR(e,
					"the IPAM plugin gave %s, the address of overlay %s's "
					"router (gateway %s): exclude it from IPAM's range",
					a, overlay, g);
		if (!ovl_ip_in_prefix(gw, &p->addr, p->plen))
			return CONF_ERR(e,
					"the IPAM plugin gave %s, and overlay %s's router (gateway "
					"%s) is outside that prefix: the container could not "
					"reach it; give IPAM the router's prefix length",
					a, overlay, g);
		if (p->has_gw && !ipam_gw.family)
			ipam_gw = p->gw;
		if (p->has_gw && !ovl_ip_eq(&p->gw, gw))
			pr_debug("router %s replaces IPAM's gateway %s of %s", g,
				 ovl_ip_format(&p->gw, x), a);
		p->has_gw = true;
		p->gw = *gw;
		any = true;
	}
	if (!any)
		return 0;
	rt = default_route(r, gw->family);
	if (rt) {
		/* IPAM's own default route stays, if it goes to the router */
		const struct ovl_ip *via = rt->has_gw ? &rt->gw : ipam_gw.family ? &ipam_gw : NULL;

		if (via && !ovl_ip_eq(via, gw))
			return CONF_ERR(e,
					"the IPAM plugin's default route goes via %s, but overlay "
					"%s's router is %s: leave the default route out of IPAM's "
					"configuration, or make its gateway %s",
					ovl_ip_format(via, x), overlay, g, ovl_ip_format(gw, a));
		return 0;
	}
	if (r->n_routes >= OVL_CNI_MAX_ROUTES)
		return ovl_cni_error(e, OVL_CNI_E_IPAM, "too many routes",
				     "no room for the default route via %s", g);
	rt = &r->routes[r->n_routes++];
	memset(rt, 0, sizeof(*rt));
	rt->dst.family = gw->family;
	rt->has_gw = true;
	rt->gw = *gw;
	rt->mtu = rt->advmss = rt->priority = rt->table = rt->scope = -1;
	return 0;
}

int ovl_cni_router_apply(const struct ovl_cni_router *rt, const char *overlay,
			 struct ovl_cni_result *r, int iface, struct ovl_cni_err *e)
{
	for (int i = 0; i < rt->n; i++)
		if (apply_one(&rt->gw[i].addr, rt->gw[i].plen, overlay, r, iface, e))
			return e->code;
	return 0;
}

/* ---- forwards ----------------------------------------------------------------------- */

void ovl_cni_forward_owner(const char *network, const char *container_id, const char *ifname,
			   char *buf, size_t len)
{
	snprintf(buf, len, "cni:%s/%s/%s", network, container_id, ifname);
}

int ovl_cni_forward_owner_parse(const char *owner, const char *network, char *cid, size_t cidlen,
				char *ifname, size_t iflen)
{
	size_t nl = strlen(network);
	const char *rest, *slash;

	/* neither a network name nor a container id has a '/' */
	if (!owner || strncmp(owner, "cni:", 4) || strncmp(owner + 4, network, nl) ||
	    owner[4 + nl] != '/')
		return -EINVAL;
	rest = owner + 4 + nl + 1;
	slash = strchr(rest, '/');
	if (!slash || slash == rest || !slash[1] || strchr(slash + 1, '/') ||
	    (size_t)(slash - rest) >= cidlen || strlen(slash + 1) >= iflen)
		return -EINVAL;
	snprintf(cid, cidlen, "%.*s", (int)(slash - rest), rest);
	snprintf(ifname, iflen, "%s", slash + 1);
	return 0;
}

static const struct ovl_ip *first_addr(const struct ovl_cni_result *r, int iface, __u8 family)
{
	for (int i = 0; i < r->n_ips; i++)
		if (r->ips[i].iface == iface && r->ips[i].addr.family == family)
			return &r->ips[i].addr;
	return NULL;
}

static bool router_has(const struct ovl_cni_router *rt, __u8 family)
{
	for (int i = 0; i < rt->n; i++)
		if (rt->gw[i].addr.family == family)
			return true;
	return false;
}

json_t *ovl_cni_forward_reqs(const struct ovl_netconf *nc, const struct ovl_cni_router *rt,
			     const char *overlay, const char *owner, const struct ovl_cni_result *r,
			     int iface, struct ovl_cni_err *e)
{
	static const __u8 fams[] = { OVL_AF_INET4, OVL_AF_INET6 };
	json_t *reqs = json_array();
	char a[OVL_IP_STRLEN], h[OVL_IP_STRLEN];

	if (!reqs) {
		ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
		return NULL;
	}
	for (size_t i = 0; i < nc->n_portmaps; i++) {
		const struct ovl_cni_portmap *pm = &nc->portmaps[i];
		int n = 0;

		for (size_t f = 0; f < sizeof(fams); f++) {
			const struct ovl_ip *to = first_addr(r, iface, fams[f]);
			json_t *req;

			if (pm->family && pm->family != fams[f])
				continue;
			if (!to || !router_has(rt, fams[f])) {
				if (!pm->family)
					continue;
				CONF_ERR(e,
					 "runtimeConfig.portMappings[%zu]: hostIP %s is IPv%d, and "
					 "%s",
					 i, ovl_ip_format(&pm->host_ip, h), vfam(fams[f]),
					 !to ? "the container has no address of that family" :
					       "overlay's router has no gateway of that family");
				json_decref(reqs);
				return NULL;
			}
			req = json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:s}", "cmd",
					OVL_CMD_FORWARD_ADD, "overlay", overlay, "proto",
					pm->udp ? "udp" : "tcp", "port", pm->host_port, "to",
					ovl_ip_format(to, a), "to_port", pm->container_port,
					"owner", owner);
			if (req && pm->has_host_ip)
				json_object_set_new(req, "host_ip",
						    json_string(ovl_ip_format(&pm->host_ip, h)));
			if (!req || json_array_append_new(reqs, req)) {
				ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
				json_decref(reqs);
				return NULL;
			}
			n++;
		}
		if (!n) {
			CONF_ERR(e,
				 "runtimeConfig.portMappings[%zu] (%s port %u): the container has "
				 "no address in the subnet of overlay %s's router",
				 i, pm->udp ? "UDP" : "TCP", pm->host_port, overlay);
			json_decref(reqs);
			return NULL;
		}
	}
	return reqs;
}
