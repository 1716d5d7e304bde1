// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * add.c - ADD: veth pair (the container's end made directly in CNI_NETNS),
 * IPAM lease, addresses and routes in the container, ovld endpoint; on any
 * failure, everything made so far goes again, in reverse order.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ovl_abi.h"
#include "netns.h"
#include "veth.h"
#include "ipam.h"
#include "link.h"
#include "daemon.h"

int ovl_cni_netns_open(const char *path, int *fd, struct ovl_cni_err *e)
{
	char why[512];

	/* lib checks what it is before setns() would, and never blocks on it. */
	*fd = ovl_netns_open_err(path, why, sizeof(why));
	if (*fd == -ENOENT)
		return ovl_cni_error(e, OVL_CNI_E_NO_CONTAINER,
				     "the container's network namespace does not exist",
				     "CNI_NETNS=%s: %s", path, strerror(ENOENT));
	if (*fd == -EINVAL || *fd == -EISDIR)
		return ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_NETNS is not a network namespace",
				     "CNI_NETNS=%s", why);
	if (*fd < 0)
		return ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_NETNS is not usable", "CNI_NETNS=%s",
				     why);
	return 0;
}

/* Append our interfaces (host end, container end) and the IPAM result to
 * prevResult's, when there is one (ovl after another plugin in a chain). */
static void build_result(const struct ovl_netconf *nc, const struct ovl_cni_result *ipam,
			 const struct ovl_cni_iface *host, const struct ovl_cni_iface *cont,
			 struct ovl_cni_result *out)
{
	const struct ovl_cni_result *prev = nc->has_prev ? &nc->prev : NULL;
	int base = 0, n;

	memset(out, 0, sizeof(*out));
	if (prev) {
		memcpy(out->ifaces, prev->ifaces, sizeof(prev->ifaces[0]) * (size_t)prev->n_ifaces);
		memcpy(out->ips, prev->ips, sizeof(prev->ips[0]) * (size_t)prev->n_ips);
		memcpy(out->routes, prev->routes, sizeof(prev->routes[0]) * (size_t)prev->n_routes);
		out->n_ifaces = base = prev->n_ifaces;
		out->n_ips = prev->n_ips;
		out->n_routes = prev->n_routes;
	}
	/* prevResult and ours together may not exceed the limits: what does
	 * not fit is dropped from prevResult's share first (never ours). */
	if (out->n_ifaces > OVL_CNI_MAX_IFACES - 2)
		out->n_ifaces = base = OVL_CNI_MAX_IFACES - 2;
	out->ifaces[out->n_ifaces++] = *host;
	out->ifaces[out->n_ifaces++] = *cont;
	n = ipam->n_ips;
	if (out->n_ips + n > OVL_CNI_MAX_IPS)
		out->n_ips = OVL_CNI_MAX_IPS - n;
	for (int i = 0; i < n; i++) {
		out->ips[out->n_ips] = ipam->ips[i];
		out->ips[out->n_ips++].iface = base + 1;
	}
	n = ipam->n_routes;
	if (out->n_routes + n > OVL_CNI_MAX_ROUTES)
		out->n_routes = OVL_CNI_MAX_ROUTES - n;
	for (int i = 0; i < n; i++)
		out->routes[out->n_routes++] = ipam->routes[i];
	/* DNS: the IPAM plugin's, else the configuration's, else prevResult's. */
	if (ipam->dns)
		out->dns = json_incref(ipam->dns);
	else if (nc->dns && json_object_size(nc->dns))
		out->dns = json_incref(nc->dns);
	else if (prev && prev->dns)
		out->dns = json_incref(prev->dns);
}

enum {
	MADE_VETH = 1 << 0,
	MADE_LEASE = 1 << 1,
	MADE_ENDPOINT = 1 << 2,
	MADE_FORWARDS = 1 << 3,
};

/* What the overlay's router must have for nc: a gateway, when the
 * configuration asks for masquerade or port mappings. Code 7 otherwise. */
static int router_needed(const struct ovl_netconf *nc, const struct ovl_cni_overlay *ov,
			 struct ovl_cni_router *rt, struct ovl_cni_err *e)
{
	if (ovl_cni_router_parse(ov->gateways, rt))
		return ovl_cni_error(
			e, OVL_CNI_E_NO_OVERLAY, "bad router",
			"overlay %s: router/gateway \"%s\" is not ADDR/PLEN[,ADDR/PLEN]", ov->name,
			ov->gateways);
	if (rt->n || (!nc->ip_masq && !nc->n_portmaps))
		return 0;
	return ovl_cni_error(e, OVL_CNI_E_CONFIG, "invalid network configuration",
			     "%s needs a router, and overlay %s has none: create it with one "
			     "(ovlctl overlay create %s ... -p router/gateway=ADDR/PLEN)",
			     nc->ip_masq ? "\"ipMasq\": true" : "runtimeConfig.portMappings",
			     ov->name, ov->name);
}

/* 5. masquerade ("ipMasq": true), 6. the forwards of the port mappings. A
 * router that masquerades already is left alone; masquerade is the
 * overlay's, and stays when this ADD is undone (other containers may count
 * on it). */
static int router_setup(struct ovl_cni_daemon *ovld, const struct ovl_netconf *nc,
			const struct ovl_cni_overlay *ov, json_t *fwd_reqs, unsigned int *made,
			struct ovl_cni_err *e)
{
	json_t *req;
	size_t i;
	int errnum, ret;

	if (nc->ip_masq && !ov->masquerade) {
		ret = ovl_cni_daemon_call(ovld,
					  json_pack("{s:s, s:s, s:b}", "cmd", OVL_CMD_ROUTER_SET,
						    "overlay", ov->name, "masquerade", 1),
					  NULL, &errnum, e);
		if (ret)
			return ret;
		pr_info("overlay %s: its router masquerades now (\"ipMasq\": true)", ov->name);
	}
	json_array_foreach(fwd_reqs, i, req) {
		*made |= MADE_FORWARDS;
		ret = ovl_cni_daemon_call(ovld, json_incref(req), NULL, &errnum, e);
		if (ret)
			return ret;
		pr_debug("forward %s %lld -> %s port %lld",
			 json_string_value(json_object_get(req, "proto")),
			 (long long)json_integer_value(json_object_get(req, "port")),
			 json_string_value(json_object_get(req, "to")),
			 (long long)json_integer_value(json_object_get(req, "to_port")));
	}
	return 0;
}

int ovl_cni_add(const struct ovl_cni_env *env, struct ovl_netconf *nc, json_t **out,
		struct ovl_cni_err *e)
{
	char host[OVL_CNI_IFNAME_MAX], other_host[OVL_CNI_IFNAME_MAX], alias[OVL_ALIAS_MAX],
		id[300];
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN], owner[OVL_ALIAS_MAX];
	struct ovl_cni_daemon ovld = { 0 };
	struct ovl_cni_overlay ov;
	struct ovl_cni_router router;
	struct ovl_cni_args args;
	struct ovl_cni_result *ipam_res = NULL, *res = NULL;
	struct ovl_cni_iface host_if = { 0 }, cont_if = { 0 };
	struct ovl_veth_req vreq = { 0 };
	struct ovl_ipam ipam = { 0 };
	struct ovl_cni_err ue;
	const char *mac_from;
	__u8 mac[6], host_mac[6];
	json_t *addrs = NULL, *fwd_reqs = NULL, *req;
	unsigned int made = 0;
	int ns_fd = -1, host_ifindex, errnum, ret;

	ret = ovl_cni_env_check(env,
				OVL_CNI_NEED_CONTAINER | OVL_CNI_NEED_NETNS | OVL_CNI_NEED_IFNAME |
					OVL_CNI_NEED_PATH,
				e);
	if (!ret)
		ret = ovl_cni_args_parse(env->args, &args, e);
	if (ret)
		return ret;
	ovl_cni_host_ifname(nc->instance, nc->name, env->container_id, env->ifname, host);
	/* The mark is what makes the host end ovld's to serve (and DEL's and
	 * GC's to remove): no mark, no attachment. */
	if (ovl_cni_alias_format(nc->instance, nc->name, env->container_id, env->ifname, alias,
				 sizeof(alias)))
		return ovl_cni_error(e, OVL_CNI_E_CONFIG, "invalid network configuration",
				     "instance \"%s\", network \"%s\" and container ID \"%s\" "
				     "together are too long for the host interface's ifalias "
				     "(255 bytes): shorten the network name",
				     nc->instance, nc->name, env->container_id);
	snprintf(id, sizeof(id), "%s/%s", env->container_id, env->ifname);
	mac_from = ovl_cni_choose_mac(nc, &args, env->container_id, env->ifname, mac);

	/* Everything that can be known before changing anything. */
	ret = ovl_cni_daemon_open(&ovld, nc->instance, e);
	if (!ret)
		ret = ovl_cni_daemon_overlay(&ovld, nc, &ov, e);
	if (!ret)
		ret = router_needed(nc, &ov, &router, e);
	if (!ret)
		ret = ovl_ipam_open(&ipam, env, nc, e);
	if (ret)
		goto out;
	ret = ovl_cni_netns_open(env->netns, &ns_fd, e);
	if (ret)
		goto out;
	if (ovl_link_ifindex(host) > 0 ||
	    ovl_cni_host_v1_find(nc, env->container_id, env->ifname, other_host)) {
		char other[256];
		const char *h = ovl_link_ifindex(host) > 0 ? host : other_host;

		ovl_cni_link_alias(h, other, sizeof(other));
		ret = ovl_cni_error(e, OVL_CNI_E_LINK, "the attachment exists already",
				    "host interface %s (%s) is there: an ADD without its DEL?", h,
				    other[0] ? other : "no owner recorded");
		goto out;
	}

	/* 1. The veth pair. */
	vreq.name = env->ifname;
	vreq.mac = mac;
	vreq.mtu = nc->mtu ? nc->mtu : ov.mtu;
	vreq.host_name = host;
	vreq.host_alias = alias;
	vreq.netns_fd = ns_fd;
	ret = ovl_veth_create(&vreq, &host_ifindex);
	if (ret == -EEXIST) {
		ret = ovl_cni_error(e, OVL_CNI_E_LINK, "the interface exists already",
				    "%s exists in %s", env->ifname, env->netns);
		goto out;
	}
	if (ret) {
		ret = ovl_cni_error(e, OVL_CNI_E_LINK, "cannot create the veth pair",
				    "%s in %s, %s here: %s", env->ifname, env->netns, host,
				    strerror(-ret));
		goto out;
	}
	made |= MADE_VETH;
	pr_debug("veth %s (%s, MAC %s %s) / %s, MTU %u", env->ifname, env->netns,
		 ovl_mac_format(mac, m), mac_from, host, vreq.mtu);

	/* 2. The lease. */
	ipam_res = calloc(1, sizeof(*ipam_res));
	res = calloc(1, sizeof(*res));
	if (!ipam_res || !res) {
		ret = ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
		goto undo;
	}
	ret = ovl_ipam_add(&ipam, ipam_res, e);
	if (ret)
		goto undo;
	made |= MADE_LEASE;
	if (ipam_res->n_ips > OVL_CTL_EP_ADDRS) {
		ret = ovl_cni_error(e, OVL_CNI_E_IPAM, "too many addresses",
				    "the IPAM plugin gave %d addresses; ovld keeps at most %d per "
				    "endpoint",
				    ipam_res->n_ips, OVL_CTL_EP_ADDRS);
		goto undo;
	}
	for (int i = 0; i < ipam_res->n_ips; i++)
		ipam_res->ips[i].iface = 0;
	/* The router is the gateway; the forwards go to these addresses. */
	ovl_cni_forward_owner(nc->name, env->container_id, env->ifname, owner, sizeof(owner));
	ret = ovl_cni_router_apply(&router, ov.name, ipam_res, 0, e);
	if (ret)
		goto undo;
	fwd_reqs = ovl_cni_forward_reqs(nc, &router, ov.name, owner, ipam_res, 0, e);
	if (!fwd_reqs) {
		ret = e->code;
		goto undo;
	}

	/* 3. Addresses and routes inside. */
	ret = ovl_cni_link_configure(ns_fd, env->ifname, ipam_res, 0, e);
	if (ret)
		goto undo;

	/* 4. The endpoint: from now on the data path forwards for it. */
	addrs = json_array();
	for (int i = 0; addrs && i < ipam_res->n_ips; i++)
		json_array_append_new(addrs, json_string(ovl_ip_format(&ipam_res->ips[i].addr, a)));
	req = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:s, s:b, s:s}", "cmd",
			OVL_CMD_ENDPOINT_ADD, "id", id, "overlay", ov.name, "host_ifname", host,
			"mac", ovl_mac_format(mac, m), "addrs", addrs, "ifname", env->ifname,
			"netns", env->netns, "peer_netns", 1, "network", nc->name);
	if (req && nc->bandwidth) /* runtimeConfig.bandwidth (bandwidth.c) */
		json_object_set(req, "bandwidth", nc->bandwidth);
	ret = ovl_cni_daemon_call(&ovld, req, NULL, &errnum, e);
	if (ret)
		goto undo;
	made |= MADE_ENDPOINT;
	ret = router_setup(&ovld, nc, &ov, fwd_reqs, &made, e);
	if (ret)
		goto undo;

	/* The result. */
	ret = ovl_link_mac(host, host_mac);
	if (ret) {
		ret = ovl_cni_error(e, OVL_CNI_E_LINK, "cannot read the host interface", "%s: %s",
				    host, strerror(-ret));
		goto undo;
	}
	snprintf(host_if.name, sizeof(host_if.name), "%s", host);
	ovl_mac_format(host_mac, host_if.mac);
	snprintf(cont_if.name, sizeof(cont_if.name), "%s", env->ifname);
	ovl_mac_format(mac, cont_if.mac);
	cont_if.mtu = vreq.mtu;
	snprintf(cont_if.sandbox, sizeof(cont_if.sandbox), "%s", env->netns);
	build_result(nc, ipam_res, &host_if, &cont_if, res);
	*out = ovl_cni_result_json(res, nc->version);
	if (!*out) {
		ret = ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
		goto undo;
	}
	pr_info("ADD %s: %s (MAC %s) on overlay %s (VNI %u), host end %s", id, env->ifname, m,
		ov.name, ov.vni, host);
	ret = 0;
	goto out;

undo:
	/* Reverse order; each step's own failure is logged, the first error
	 * is what the runtime gets. */
	pr_warn("ADD %s failed (%s: %s): undoing it", id, e->msg, e->details);
	if (made & MADE_FORWARDS) {
		req = json_pack("{s:s, s:s}", "cmd", OVL_CMD_FORWARD_DEL, "owner", owner);
		if (ovl_cni_daemon_call(&ovld, req, NULL, &errnum, &ue))
			pr_err("undo: forward.del of %s: %s: %s", owner, ue.msg, ue.details);
	}
	if (made & MADE_ENDPOINT) {
		req = json_pack("{s:s, s:s, s:s}", "cmd", OVL_CMD_ENDPOINT_DEL, "id", id, "network",
				nc->name);
		if (ovl_cni_daemon_call(&ovld, req, NULL, &errnum, &ue))
			pr_err("undo: endpoint.del %s: %s: %s", id, ue.msg, ue.details);
	}
	if (made & MADE_LEASE) {
		if (ovl_ipam_del(&ipam, NULL, NULL, &ue))
			pr_err("undo: IPAM DEL: %s: %s", ue.msg, ue.details);
	}
	if (made & MADE_VETH) {
		int err = ovl_link_delete(host);

		if (err && err != -ENODEV)
			pr_err("undo: delete %s: %s", host, strerror(-err));
	}
out:
	if (ipam_res)
		ovl_cni_result_free(ipam_res);
	if (res)
		ovl_cni_result_free(res);
	free(ipam_res);
	free(res);
	json_decref(addrs);
	json_decref(fwd_reqs);
	ovl_ipam_close(&ipam);
	ovl_cni_daemon_close(&ovld);
	if (ns_fd >= 0)
		close(ns_fd);
	return ret;
}
