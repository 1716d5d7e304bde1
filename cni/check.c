// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * check.c - CHECK (the live attachment against prevResult, every
 * difference reported) and STATUS (can ovl serve an ADD now?).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "veth.h"
#include "ipam.h"
#include "link.h"
#include "daemon.h"

struct diffs {
	int n;
	char text[2048];
};

static void __attribute__((format(printf, 2, 3))) diff(struct diffs *d, const char *fmt, ...)
{
	size_t used = strlen(d->text);
	va_list ap;

	if (used + 4 >= sizeof(d->text))
		return;
	if (d->n++)
		used += (size_t)snprintf(d->text + used, sizeof(d->text) - used, "; ");
	va_start(ap, fmt);
	vsnprintf(d->text + used, sizeof(d->text) - used, fmt, ap);
	va_end(ap);
}

static bool live_has_addr(const struct ovl_cni_live *l, const struct ovl_cni_ipcfg *p)
{
	for (int i = 0; i < l->n_addrs; i++)
		if (ovl_ip_eq(&l->addrs[i].ip, &p->addr) && l->addrs[i].plen == p->plen)
			return true;
	return false;
}

/* A route of prevResult is there when a route to the same prefix leaves
 * through the interface (with the same gateway, when prevResult names one:
 * a later plugin may have changed routes, which the spec allows). */
static bool live_has_route(const struct ovl_cni_live *l, const struct ovl_cni_route *rt)
{
	for (int i = 0; i < l->n_routes; i++) {
		const struct ovl_cni_live_route *x = &l->routes[i];

		if (x->plen != rt->plen || x->dst.family != rt->dst.family)
			continue;
		if (rt->plen && !ovl_ip_eq(&x->dst, &rt->dst))
			continue;
		if (rt->has_gw && (!x->has_gw || !ovl_ip_eq(&x->gw, &rt->gw)))
			continue;
		return true;
	}
	return false;
}

static bool json_has_string(json_t *arr, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		if (json_is_string(v) && !strcmp(json_string_value(v), s))
			return true;
	}
	return false;
}

/* ovld's view of the endpoint. */
static int check_endpoint(struct ovl_cni_daemon *ovld, const struct ovl_netconf *nc, const char *id,
			  const char *host, const struct ovl_cni_result *prev, int idx,
			  const __u8 mac[6], struct diffs *d, struct ovl_cni_err *e)
{
	struct ovl_cni_overlay ov;
	json_t *list = NULL, *x, *ep = NULL;
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN];
	int errnum, ret;
	size_t i;

	ret = ovl_cni_daemon_overlay(ovld, nc, &ov, e);
	if (ret == OVL_CNI_E_NO_OVERLAY) {
		diff(d, "%s", e->details);
		return 0;
	}
	if (ret)
		return ret;
	ret = ovl_cni_daemon_call(ovld, json_pack("{s:s}", "cmd", OVL_CMD_ENDPOINT_LIST), &list,
				  &errnum, e);
	if (ret)
		return ret;
	json_array_foreach(list, i, x) {
		const char *xid = json_string_value(json_object_get(x, "id"));
		const char *xnet = json_string_value(json_object_get(x, "network"));

		/* ovld keys endpoints by network and id (an endpoint saved by an
		 * older ovld may have no network). */
		if (xid && !strcmp(xid, id) && (!xnet || !strcmp(xnet, nc->name)))
			ep = x;
	}
	if (!ep) {
		diff(d, "ovld instance %s has no endpoint %s", nc->instance, id);
		goto out;
	}
	{
		const char *kind = json_string_value(json_object_get(ep, "kind")) ?: "";
		const char *eov = json_string_value(json_object_get(ep, "overlay")) ?: "";
		const char *emac = json_string_value(json_object_get(ep, "mac")) ?: "";
		const char *ehost = json_string_value(json_object_get(ep, "host_ifname")) ?: "";
		json_t *addrs = json_object_get(ep, "addrs");

		if (strcmp(kind, "cni"))
			diff(d, "endpoint %s is a %s, not a CNI endpoint", id, kind);
		if (strcmp(eov, ov.name))
			diff(d, "endpoint %s is on overlay %s, not %s", id, eov, ov.name);
		if (strcmp(emac, ovl_mac_format(mac, m)))
			diff(d, "ovld has MAC %s for endpoint %s, the interface has %s", emac, id,
			     m);
		if (strcmp(ehost, host))
			diff(d, "ovld has host interface %s for endpoint %s, not %s", ehost, id,
			     host);
		for (int k = 0; k < prev->n_ips; k++)
			if (prev->ips[k].iface == idx &&
			    !json_has_string(addrs, ovl_ip_format(&prev->ips[k].addr, a)))
				diff(d, "ovld does not protect address %s of endpoint %s", a, id);
	}
out:
	json_decref(list);
	return 0;
}

/* Is there a forward in list just like the request want? */
static bool has_forward(json_t *list, json_t *want)
{
	static const char *const keys[] = { "proto", "port", "to", "to_port", "owner", "host_ip" };
	json_t *x;
	size_t i;

	json_array_foreach(list, i, x) {
		bool same = true;

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && same; k++) {
			json_t *a = json_object_get(x, keys[k]),
			       *b = json_object_get(want, keys[k]);

			same = (!b && (!a || json_is_null(a))) || (a && b && json_equal(a, b));
		}
		if (same)
			return true;
	}
	return false;
}

/* ovld has the forwards of the port mappings, to prevResult's addresses. */
static int check_forwards(struct ovl_cni_daemon *ovld, const struct ovl_netconf *nc,
			  const struct ovl_cni_env *env, const struct ovl_cni_result *prev, int idx,
			  struct diffs *d, struct ovl_cni_err *e)
{
	char owner[OVL_ALIAS_MAX];
	struct ovl_cni_overlay ov;
	struct ovl_cni_router rt;
	json_t *want, *list = NULL, *x;
	int errnum, ret;
	size_t i;

	if (!nc->n_portmaps)
		return 0;
	ret = ovl_cni_daemon_overlay(ovld, nc, &ov, e);
	if (ret == OVL_CNI_E_NO_OVERLAY)
		return 0; /* check_endpoint() said so */
	if (ret)
		return ret;
	if (ovl_cni_router_parse(ov.gateways, &rt) || !rt.n) {
		diff(d, "overlay %s has no router for the port mappings", ov.name);
		return 0;
	}
	ovl_cni_forward_owner(nc->name, env->container_id, env->ifname, owner, sizeof(owner));
	want = ovl_cni_forward_reqs(nc, &rt, ov.name, owner, prev, idx, e);
	if (!want)
		return e->code;
	ret = ovl_cni_daemon_call(
		ovld, json_pack("{s:s, s:s}", "cmd", OVL_CMD_FORWARD_LIST, "overlay", ov.name),
		&list, &errnum, e);
	if (ret)
		goto out;
	json_array_foreach(want, i, x) {
		const char *to = json_string_value(json_object_get(x, "to"));

		if (!has_forward(list, x))
			diff(d, "ovld has no forward of %s port %lld to %s%s%s:%lld (%s)",
			     json_string_value(json_object_get(x, "proto")),
			     (long long)json_integer_value(json_object_get(x, "port")),
			     strchr(to, ':') ? "[" : "", to, strchr(to, ':') ? "]" : "",
			     (long long)json_integer_value(json_object_get(x, "to_port")), owner);
	}
out:
	json_decref(list);
	json_decref(want);
	return ret;
}

int ovl_cni_check(const struct ovl_cni_env *env, struct ovl_netconf *nc, struct ovl_cni_err *e)
{
	char host[OVL_CNI_IFNAME_MAX], v1[OVL_CNI_IFNAME_MAX], alias[256], want_alias[256], id[300];
	char c[OVL_IP_STRLEN + 4];
	char g[OVL_IP_STRLEN];
	const struct ovl_cni_result *prev = &nc->prev;
	struct ovl_cni_live *live = NULL;
	struct ovl_cni_daemon ovld = { 0 };
	struct ovl_ipam ipam = { 0 };
	struct diffs d = { 0 };
	__u8 mac[6];
	int ns_fd = -1, idx = -1, ret, err;

	ret = ovl_cni_env_check(env,
				OVL_CNI_NEED_CONTAINER | OVL_CNI_NEED_NETNS | OVL_CNI_NEED_IFNAME |
					OVL_CNI_NEED_PATH,
				e);
	if (ret)
		return ret;
	if (!nc->has_prev)
		return ovl_cni_error(e, OVL_CNI_E_CONFIG, "invalid network configuration",
				     "CHECK needs \"prevResult\", the result of the ADD");
	snprintf(id, sizeof(id), "%s/%s", env->container_id, env->ifname);
	ovl_cni_host_ifname(nc->instance, nc->name, env->container_id, env->ifname, host);
	if (ovl_link_ifindex(host) < 0 &&
	    ovl_cni_host_v1_find(nc, env->container_id, env->ifname, v1))
		snprintf(host, sizeof(host), "%s", v1);
	for (int i = 0; i < prev->n_ifaces; i++)
		if (!strcmp(prev->ifaces[i].name, env->ifname) &&
		    !strcmp(prev->ifaces[i].sandbox, env->netns))
			idx = i;
	if (idx < 0)
		return ovl_cni_error(e, OVL_CNI_E_CONFIG, "invalid network configuration",
				     "prevResult lists no interface %s in %s", env->ifname,
				     env->netns);
	if (ovl_mac_parse(prev->ifaces[idx].mac, mac))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad prevResult",
				     "interface %s has no MAC address", env->ifname);
	ret = ovl_cni_daemon_open(&ovld, nc->instance, e);
	if (!ret)
		ret = ovl_ipam_open(&ipam, env, nc, e);
	if (!ret)
		ret = ovl_cni_netns_open(env->netns, &ns_fd, e);
	if (ret)
		goto out;
	live = calloc(1, sizeof(*live));
	if (!live) {
		ret = ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
		goto out;
	}

	/* The container's end. */
	ret = ovl_cni_link_inspect(ns_fd, env->ifname, live, e);
	if (ret)
		goto out;
	if (!live->exists) {
		diff(&d, "no interface %s in %s", env->ifname, env->netns);
	} else {
		char m[OVL_MAC_STRLEN];
		unsigned int want_mtu = prev->ifaces[idx].mtu ? prev->ifaces[idx].mtu : nc->mtu;

		if (memcmp(live->mac, mac, 6))
			diff(&d, "%s has MAC %s, prevResult says %s", env->ifname,
			     ovl_mac_format(live->mac, m), prev->ifaces[idx].mac);
		if (!want_mtu) {
			struct ovl_cni_overlay ov;

			if (!ovl_cni_daemon_overlay(&ovld, nc, &ov, e))
				want_mtu = ov.mtu;
		}
		if (want_mtu && live->mtu != want_mtu)
			diff(&d, "%s has MTU %u, not %u", env->ifname, live->mtu, want_mtu);
		if (!live->up)
			diff(&d, "%s is down", env->ifname);
		for (int i = 0; i < prev->n_ips; i++)
			if (prev->ips[i].iface == idx && !live_has_addr(live, &prev->ips[i]))
				diff(&d, "%s lacks address %s", env->ifname,
				     ovl_cni_cidr_format(&prev->ips[i].addr, prev->ips[i].plen, c));
		for (int i = 0; i < prev->n_routes; i++) {
			const struct ovl_cni_route *rt = &prev->routes[i];

			if (!live_has_route(live, rt))
				diff(&d, "no route to %s%s%s via %s",
				     ovl_cni_cidr_format(&rt->dst, rt->plen, c),
				     rt->has_gw ? " gw " : "",
				     rt->has_gw ? ovl_ip_format(&rt->gw, g) : "", env->ifname);
		}
	}

	/* The host's end. */
	err = ovl_cni_link_alias(host, alias, sizeof(alias));
	if (err == -ENODEV) {
		diff(&d, "host interface %s is missing", host);
	} else if (!err) {
		struct ovl_cni_live hl;

		if (!ovl_cni_alias_format(nc->instance, nc->name, env->container_id, env->ifname,
					  want_alias, sizeof(want_alias)) &&
		    strcmp(alias, want_alias))
			diff(&d, "host interface %s belongs to \"%s\"", host, alias);
		if (!ovl_cni_link_inspect(-1, host, &hl, e) && hl.exists && !hl.up)
			diff(&d, "host interface %s is down", host);
	}

	/* ovld, then the IPAM plugin. */
	ret = check_endpoint(&ovld, nc, id, host, prev, idx, mac, &d, e);
	if (!ret)
		ret = check_forwards(&ovld, nc, env, prev, idx, &d, e);
	if (ret)
		goto out;
	if (d.n) {
		ret = ovl_cni_error(
			e, OVL_CNI_E_CHECK,
			d.n == 1 ? "the attachment differs from prevResult" :
				   "the attachment differs from prevResult in several ways",
			"%s", d.text);
		goto out;
	}
	ret = ovl_ipam_check(&ipam, e);
out:
	free(live);
	ovl_ipam_close(&ipam);
	ovl_cni_daemon_close(&ovld);
	if (ns_fd >= 0)
		close(ns_fd);
	return ret;
}

/* ---- STATUS ------------------------------------------------------------------- */

struct count_ctx {
	const struct ovl_netconf *nc;
	int n;
};

static int count_link(const char *name, const char *alias, void *arg)
{
	struct count_ctx *cc = arg;
	char inst[OVL_INSTANCE_MAX + 1], net[128], cid[256], ifn[OVL_CNI_IFNAME_MAX];

	(void)name;
	if (!ovl_cni_alias_parse(alias, inst, sizeof(inst), net, sizeof(net), cid, sizeof(cid), ifn,
				 sizeof(ifn)) &&
	    !strcmp(inst, cc->nc->instance) && !strcmp(net, cc->nc->name))
		cc->n++;
	return 0;
}

int ovl_cni_status(const struct ovl_cni_env *env, struct ovl_netconf *nc, struct ovl_cni_err *e)
{
	struct ovl_cni_daemon ovld = { 0 };
	struct ovl_cni_overlay ov;
	struct ovl_ipam ipam = { 0 };
	struct count_ctx cc = { .nc = nc };
	bool skipped = false;
	int ret;

	ret = ovl_cni_daemon_open(&ovld, nc->instance, e);
	if (ret) {
		/* The data path goes on without ovld for what it knows, but
		 * nothing resolves a new destination: existing containers of
		 * this network, if any, are limited. */
		ovl_cni_host_links(count_link, &cc);
		ret = ovl_cni_error_recode(e, cc.n ? OVL_CNI_E_LIMITED : OVL_CNI_E_NOT_AVAILABLE,
					   cc.n ? "ovld is not running; the network's containers "
						  "cannot reach new destinations" :
						  "ovld is not running");
		goto out;
	}
	ret = ovl_cni_daemon_overlay(&ovld, nc, &ov, e);
	if (ret == OVL_CNI_E_NO_OVERLAY) {
		ret = ovl_cni_error_recode(e, OVL_CNI_E_NOT_AVAILABLE,
					   "the overlay is not configured");
		goto out;
	}
	if (ret) {
		ret = ovl_cni_error_recode(e, OVL_CNI_E_NOT_AVAILABLE, "ovld is not answering");
		goto out;
	}
	if (ov.error[0]) {
		ret = ovl_cni_error(e, OVL_CNI_E_LIMITED, "the overlay's backend is failing",
				    "overlay %s: %s", ov.name, ov.error);
		goto out;
	}
	/* The IPAM plugin answers for itself (when it speaks 1.1.0). */
	if (env->path && *env->path) {
		ret = ovl_ipam_open(&ipam, env, nc, e);
		if (!ret)
			ret = ovl_ipam_status(&ipam, &skipped, e);
		if (ret && ret != OVL_CNI_E_NOT_AVAILABLE && ret != OVL_CNI_E_LIMITED) {
			ovl_cni_error_prefix(e, "the IPAM plugin is not available");
			ret = e->code = OVL_CNI_E_NOT_AVAILABLE;
		}
	}
out:
	ovl_ipam_close(&ipam);
	ovl_cni_daemon_close(&ovld);
	return ret;
}
