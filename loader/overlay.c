// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * overlay.c - overlays: a VNI and its backend, created, deleted, reloaded;
 * ovld's side of the backend interface (the host handle's upcalls).
 *
 * Entries ovld writes on its own are marked: ovl_neigh entries of local
 * endpoints and of `neigh add`, and ovl_fdb entries of `map add`, carry the
 * STATIC flag and are never aged or revalidated; entries learned from the
 * backend on a miss carry none, and are checked against the backend again
 * whenever it reloads or says one changed (changed ones rewritten,
 * vanished ones removed).
 */
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <time.h>
#include "ovld.h"
#include "backend.h"
#include "events.h"
#include "log.h"
#include "router.h"
#include "ident.h"

/* vxlan/listen_ip and vxlan/listen_port: one underlay address and port per
 * instance, so an overlay may only confirm them (or set an unset family). */
static int check_listen(struct ovld *d, json_t *props, char *err, size_t errlen)
{
	json_t *ipj = json_object_get(props, "vxlan/listen_ip");
	json_t *portj = json_object_get(props, "vxlan/listen_port");
	char buf[OVL_IP_STRLEN];
	struct ovl_ip ip;

	if (portj) {
		long p = ovl_prop_port(portj);

		if (p != d->o.port) {
			snprintf(err, errlen,
				 "vxlan/listen_port %ld: this instance listens on port %u "
				 "(ovld --port)",
				 p, d->o.port);
			return -EINVAL;
		}
	}
	if (!ipj)
		return 0;
	if (!json_is_string(ipj) || ovl_ip_parse(json_string_value(ipj), &ip)) {
		snprintf(err, errlen, "vxlan/listen_ip: not an IPv4 or IPv6 address");
		return -EINVAL;
	}
	if (!ovl_ip_is_local(d, &ip)) {
		snprintf(err, errlen, "vxlan/listen_ip %s is not an address of this host",
			 ovl_ip_format(&ip, buf));
		return -EADDRNOTAVAIL;
	}
	if (ip.family == OVL_AF_INET4 && d->local4.family && !ovl_ip_eq(&ip, &d->local4)) {
		snprintf(err, errlen, "vxlan/listen_ip %s: this instance uses %s",
			 json_string_value(ipj), ovl_ip_format(&d->local4, buf));
		return -EINVAL;
	}
	if (ip.family == OVL_AF_INET6 && d->local6.family && !ovl_ip_eq(&ip, &d->local6)) {
		snprintf(err, errlen, "vxlan/listen_ip %s: this instance uses %s",
			 json_string_value(ipj), ovl_ip_format(&d->local6, buf));
		return -EINVAL;
	}
	if (ip.family == OVL_AF_INET4 && !d->local4.family) {
		d->local4 = ip;
		dp_write_config(d);
	} else if (ip.family == OVL_AF_INET6 && !d->local6.family) {
		d->local6 = ip;
		dp_write_config(d);
	}
	return 0;
}

static void host_init(struct ovld *d, struct ovl_overlay *ov);

int overlay_create(struct ovld *d, const char *name, __u32 vni, const char *encap,
		   const char *search, json_t *props, char *err, size_t errlen)
{
	const struct ovl_backend_ops *ops;
	struct ovl_overlay *ov;
	int ret, made;

	if (!ovl_name_valid(name, OVL_NAME_MAX - 1, 0)) {
		snprintf(err, errlen,
			 "bad overlay name \"%s\": 1-%d characters of A-Z a-z 0-9 _ . -",
			 name ? name : "", OVL_NAME_MAX - 1);
		return -EINVAL;
	}
	if (vni > OVL_VNI_MAX) {
		snprintf(err, errlen, "vni %u out of range (0-%u)", vni, OVL_VNI_MAX);
		return -ERANGE;
	}
	if (!encap || strcmp(encap, "vxlan")) {
		snprintf(err, errlen, "encapsulation \"%s\" not supported (only vxlan)",
			 encap ? encap : "");
		return -EOPNOTSUPP;
	}
	ops = backend_find(search);
	if (!ops) {
		snprintf(err, errlen, "unknown backend \"%s\" (%s)", search ? search : "",
			 ovl_backend_names());
		return -EINVAL;
	}
	if (overlay_find(d, name)) {
		snprintf(err, errlen, "overlay %s exists", name);
		return -EEXIST;
	}
	if ((ov = overlay_by_vni(d, vni))) {
		snprintf(err, errlen, "vni %u is already overlay %s", vni, ov->name);
		return -EEXIST;
	}
	ret = ovl_props_check(ops->info, props, err, errlen);
	if (!ret)
		ret = check_listen(d, props, err, errlen);
	if (!ret && router_wanted(props) && ops->info->mode == OVL_MODE_P2P) {
		snprintf(err, errlen, "a point-to-point overlay (-s %s) has no router", search);
		ret = -EINVAL;
	}
	if (!ret)
		ret = router_props_check(d, NULL, name, props, err, errlen);
	if (ret)
		return ret;

	ov = calloc(1, sizeof(*ov));
	if (!ov)
		return -ENOMEM;
	snprintf(ov->name, sizeof(ov->name), "%s", name);
	snprintf(ov->search, sizeof(ov->search), "%s", search);
	ov->vni = vni;
	ov->ops = ops;
	ov->port = d->o.port;
	ov->props = json_deep_copy(props);
	host_init(d, ov);
	ret = ops->open(ov->props, &ov->host, &ov->backend, err, errlen);
	if (ret) {
		json_decref(ov->props);
		free(ov);
		return ret;
	}
	/* its counters first: the data path counts from the first frame on */
	made = map_vni_stats_create(d, vni);
	if (made < 0)
		snprintf(err, errlen, "write %s: %s", OVL_MAP_VNI_STATS, strerror(-made));
	else
		ov->vstat_slot = map_vni_slot_pick(d, vni);
	ret = made < 0 ? made : overlay_sync_vni(d, ov, err, errlen);
	if (ret) {
		pr_err("overlay %s (vni %u) not created: %s", name, vni, err);
		if (made == 1)
			map_vni_stats_del(d, vni);
		ops->close(ov->backend);
		json_decref(ov->props);
		free(ov);
		return ret;
	}
	ov->next = d->overlays;
	d->overlays = ov;
	state_changed(d);
	pr_info("overlay %s: vni %u, backend %s, %zu entries", ov->name, vni, search,
		backend_entries(ov));
	if (router_wanted(ov->props)) {
		ret = router_apply(d, ov, err, errlen);
		if (ret && !d->restoring) {
			char e[OVL_ERR_MAX];

			overlay_delete(d, ov->name, e, sizeof(e));
			return ret;
		}
		/* restoring: the overlay stays, overlay list shows why its
		 * router is not up */
	}
	return 0;
}

static int drop_learned_fdb(struct ovld *d, const struct ovl_mac_key *k, struct ovl_dest *v,
			    void *arg)
{
	(void)v;
	(void)arg;
	map_fdb_del(d, k->vni, k->mac);
	return 0;
}

static int drop_neigh(struct ovld *d, const struct ovl_addr_key *k, struct ovl_neigh *n, void *arg)
{
	struct ovl_ip ip = { .family = k->family };

	(void)n;
	(void)arg;
	memcpy(ip.addr, k->addr, 16);
	map_neigh_del(d, k->vni, &ip);
	return 0;
}

int overlay_delete(struct ovld *d, const char *name, char *err, size_t errlen)
{
	struct ovl_overlay *ov = overlay_find(d, name), **pp;
	int users = 0;

	if (!ov) {
		snprintf(err, errlen, "no overlay %s", name);
		return -ENOENT;
	}
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		users += !strcmp(ep->overlay, name);
	if (users && !(users == 1 && ov->router && ov->router->ep)) {
		users -= ov->router && ov->router->ep;
		snprintf(err, errlen, "overlay %s has %d endpoint%s: delete them first", name,
			 users, users == 1 ? "" : "s");
		return -EBUSY;
	}
	router_remove(d, ov);
	/* its peers before its ovl_vnis entry: a peer's entry stands for
	 * the network on the unicast path (ABI 6, ovl_abi.h) */
	map_peers_flush(d, ov->vni);
	map_vni_del(d, ov->vni);
	map_vni_stats_del(d, ov->vni);
	map_fdb_foreach(d, true, ov->vni, drop_learned_fdb, NULL);
	map_neigh_foreach(d, true, ov->vni, drop_neigh, NULL);
	for (pp = &d->overlays; *pp != ov; pp = &(*pp)->next)
		;
	*pp = ov->next;
	ov->ops->close(ov->backend);
	json_decref(ov->props);
	state_changed(d);
	pr_info("overlay %s (vni %u) deleted", ov->name, ov->vni);
	free(ov);
	return 0;
}

struct revalidate {
	struct ovl_overlay *ov;
	const struct ovl_change *only; /* one entry, or NULL: all of them */
	unsigned int changed, removed;
};

static int revalidate_fdb(struct ovld *d, const struct ovl_mac_key *k, struct ovl_dest *v,
			  void *arg)
{
	struct revalidate *r = arg;
	struct ovl_dest nd;
	struct ovl_ip ip;
	__u16 port;
	int ret;

	if (v->flags & OVL_DEST_F_STATIC)
		return 0;
	if (r->only && (r->only->what != OVL_CHANGE_L2 || memcmp(r->only->mac, k->mac, 6)))
		return 0;
	ret = r->ov->ops->lookup_l2(r->ov->backend, k->mac, &ip, &port);
	if (ret == -EAGAIN)
		return 0; /* it answers later: the entry stays until it says otherwise */
	if (ret || ovl_ip_is_local(d, &ip)) {
		map_fdb_del(d, k->vni, k->mac);
		r->removed++;
		return 0;
	}
	ovl_dest_from_ip(&nd, &ip, port, 0);
	if (memcmp(&nd, v, sizeof(nd))) {
		map_fdb_put(d, k->vni, k->mac, &nd);
		r->changed++;
	}
	return 0;
}

static int revalidate_neigh(struct ovld *d, const struct ovl_addr_key *k, struct ovl_neigh *n,
			    void *arg)
{
	struct revalidate *r = arg;
	struct ovl_ip ip = { .family = k->family };
	__u8 mac[6];
	int ret;

	if (n->flags & OVL_NEIGH_F_STATIC)
		return 0;
	memcpy(ip.addr, k->addr, 16);
	if (r->only && (r->only->what != OVL_CHANGE_L3 || !ovl_ip_eq(&r->only->ip, &ip)))
		return 0;
	ret = r->ov->ops->lookup_l3(r->ov->backend, &ip, mac);
	if (ret == -EAGAIN)
		return 0;
	if (ret) {
		map_neigh_del(d, k->vni, &ip);
		r->removed++;
	} else if (memcmp(mac, n->mac, 6)) {
		map_neigh_put(d, k->vni, &ip, mac, 0);
		r->changed++;
	}
	return 0;
}

/*
 * What ovl cached from the backend, checked against it again: the learned
 * entries of ovl_fdb and ovl_neigh (all of the overlay's, or the one that
 * changed) rewritten or removed, the local endpoints' backend-given state
 * applied again; then whoever caches more (the miss path's negative cache)
 * is told.
 */
static void revalidate(struct ovld *d, struct ovl_overlay *ov, const struct ovl_change *only,
		       struct revalidate *r)
{
	struct ovl_change all = { .ov = ov, .what = OVL_CHANGE_ALL };
	char err[OVL_ERR_MAX];

	r->ov = ov;
	r->only = only;
	if (!only) {
		map_fdb_foreach(d, true, ov->vni, revalidate_fdb, r);
		map_neigh_foreach(d, true, ov->vni, revalidate_neigh, r);
	} else if (only->what == OVL_CHANGE_L2) {
		/* one key: looked up, not walked for (a watch tells one at a time) */
		struct ovl_mac_key k;
		struct ovl_dest v;

		map_mac_key(&k, ov->vni, only->mac);
		if (!map_fdb_get(d, ov->vni, only->mac, &v))
			revalidate_fdb(d, &k, &v, r);
	} else if (only->what == OVL_CHANGE_L3) {
		struct ovl_addr_key k;
		struct ovl_neigh n;

		map_addr_key(&k, ov->vni, &only->ip);
		if (!map_neigh_get(d, ov->vni, &only->ip, &n))
			revalidate_neigh(d, &k, &n, r);
	}
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next) {
		char l[OVL_EP_LABEL_MAX];

		if (ep->vni != ov->vni)
			continue;
		/* what the backend says of a local endpoint: only when it may have changed */
		if (only && (only->what != OVL_CHANGE_L2 || memcmp(only->mac, ep->mac, 6)))
			continue;
		if (ep_apply_backend(d, ep, ov, err, sizeof(err)))
			pr_err("overlay %s: %s: %s", ov->name, ep_label(ep, l, sizeof(l)), err);
	}
	events_emit(d, OVL_EV_CHANGED, only ? only : &all);
}

/*
 * A reload opens the backend afresh with the overlay's properties and
 * swaps the new instance in only once the maps took it (ovl_peers has the
 * room): a rejected file, or one the maps cannot hold, leaves the previous
 * backend, peers, fdb and neigh entries in force, and the reason in
 * ov->error (overlay list, status) and the log.
 */
int overlay_reload(struct ovld *d, struct ovl_overlay *ov, char *err, size_t errlen)
{
	struct revalidate r = { .ov = ov };
	void *fresh = NULL, *old;
	int ret;

	if (!ov->ops->reloadable) {
		snprintf(err, errlen, "backend %s has nothing to reload", ov->ops->info->name);
		return 0;
	}
	ret = ov->ops->open(ov->props, &ov->host, &fresh, err, errlen);
	if (!ret) {
		old = ov->backend;
		ov->backend = fresh;
		ret = overlay_sync_vni(d, ov, err, errlen);
		if (ret) {
			ov->backend = old;
			ov->ops->close(fresh);
		} else {
			ov->ops->close(old);
		}
	}
	if (ret) {
		snprintf(ov->error, sizeof(ov->error), "%s", err);
		pr_err("overlay %s: reload rejected, keeping the previous entries: %s", ov->name,
		       err);
		return ret;
	}
	ov->error[0] = '\0';
	ov->reloads++;
	revalidate(d, ov, NULL, &r);
	pr_info("overlay %s: reloaded, %zu entries; %u cached entries changed, %u removed",
		ov->name, backend_entries(ov), r.changed, r.removed);
	return 0;
}

/* ---- the backend's host handle (backend.h) -------------------------------- */

static struct ovl_overlay *host_overlay(struct ovl_backend_host *h)
{
	return (struct ovl_overlay *)((char *)h - offsetof(struct ovl_overlay, host));
}

static void host_health(struct ovl_backend_host *h, const char *error);

static void host_changed(struct ovl_backend_host *h, enum ovl_change_what what, const __u8 *mac,
			 const struct ovl_ip *ip)
{
	struct ovl_overlay *ov = host_overlay(h);
	struct ovl_change c = { .ov = ov, .what = what };
	struct revalidate r = { 0 };

	if (mac)
		memcpy(c.mac, mac, 6);
	if (ip)
		c.ip = *ip;
	if (what == OVL_CHANGE_PEERS || what == OVL_CHANGE_ALL) {
		char err[OVL_ERR_MAX];

		/* the room is checked first: a network that outgrew ovl_peers
		 * keeps its previous peers, and says so */
		if (overlay_sync_vni(ov->d, ov, err, sizeof(err)))
			host_health(h, err);
		if (what == OVL_CHANGE_PEERS) {
			events_emit(ov->d, OVL_EV_CHANGED, &c);
			return;
		}
	}
	revalidate(ov->d, ov, what == OVL_CHANGE_ALL ? NULL : &c, &r);
	if (r.changed || r.removed)
		pr_debug("overlay %s: backend change: %u cached entries changed, %u removed",
			 ov->name, r.changed, r.removed);
}

static void host_reload(struct ovl_backend_host *h)
{
	struct ovl_overlay *ov = host_overlay(h);
	char err[OVL_ERR_MAX];
	json_t *ev;

	if (overlay_reload(ov->d, ov, err, sizeof(err)))
		return;
	ev = json_pack("{s:s, s:s}", "event", "reload", "overlay", ov->name);
	if (ev)
		events_emit(ov->d, OVL_EV_MONITOR, ev);
	json_decref(ev);
}

static void host_answer(struct ovl_backend_host *h, struct ovl_answer *a)
{
	struct ovl_overlay *ov = host_overlay(h);

	a->ov = ov;
	events_emit(ov->d, OVL_EV_ANSWER, a);
}

static void host_health(struct ovl_backend_host *h, const char *error)
{
	struct ovl_overlay *ov = host_overlay(h);

	if (!error)
		error = "";
	if (!strcmp(ov->error, error))
		return;
	if (error[0])
		pr_err("overlay %s: backend %s: %s", ov->name, ov->ops->info->name, error);
	else
		pr_info("overlay %s: backend %s is fine again", ov->name, ov->ops->info->name);
	snprintf(ov->error, sizeof(ov->error), "%s", error);
}

/*
 * The address other hosts reach this one at, for this overlay: its
 * vxlan/listen_ip; else the one address ovld was told (--listen-ip of
 * one family); else the underlay's IPv4 address, or its IPv6 one.
 */
static int host_local(struct ovl_backend_host *h, struct ovl_ip *ip, __u16 *port)
{
	struct ovl_overlay *ov = host_overlay(h);
	const char *li = json_string_value(json_object_get(ov->props, "vxlan/listen_ip"));
	struct ovld *d = ov->d;

	*port = ov->port;
	if (li && !ovl_ip_parse(li, ip))
		return 0;
	if (d->o.listen6.family && !d->o.listen4.family)
		*ip = d->local6;
	else if (d->local4.family)
		*ip = d->local4;
	else if (d->local6.family)
		*ip = d->local6;
	else
		return -EADDRNOTAVAIL;
	return 0;
}

/* "cni:NETWORK/CONTAINERID/IFNAME": the CNI endpoint (NETWORK,
 * "CONTAINERID/IFNAME") is there. */
static bool host_owner_live(struct ovl_backend_host *h, const char *owner)
{
	struct ovl_overlay *ov = host_overlay(h);
	char net[128];
	const char *slash;

	if (strncmp(owner, "cni:", 4))
		return false;
	owner += 4;
	slash = strchr(owner, '/');
	if (!slash || (size_t)(slash - owner) >= sizeof(net))
		return false;
	memcpy(net, owner, (size_t)(slash - owner));
	net[slash - owner] = '\0';
	return ep_find(ov->d, OVL_EP_CNI, net, slash + 1) != NULL;
}

static void host_init(struct ovld *d, struct ovl_overlay *ov)
{
	ov->d = d;
	ov->host.loop = d->loop;
	ov->host.overlay = ov->name;
	ov->host.vni = ov->vni;
	ov->host.changed = host_changed;
	ov->host.reload = host_reload;
	ov->host.answer = host_answer;
	ov->host.health = host_health;
	ov->host.local = host_local;
	ov->host.instance = d->o.instance;
	ov->host.state_dir = d->o.state_dir;
	ov->host.owner_live = host_owner_live;
	ov->host.started = (long long)time(NULL);
}

json_t *overlay_json(struct ovld *d, const struct ovl_overlay *ov)
{
	struct ovl_stat vs[OVL_VSTAT_MAX];
	json_t *o;
	int eps = 0;

	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		eps += ep->vni == ov->vni && ep->kind != OVL_EP_ROUTER;
	o = json_pack("{s:s, s:i, s:s, s:s, s:O, s:i, s:i, s:s?, s:I, s:I, s:I, s:I}", "name",
		      ov->name, "vni", (json_int_t)ov->vni, "encap", "vxlan", "search", ov->search,
		      "props", ov->props, "entries", (json_int_t)backend_entries(ov), "endpoints",
		      (json_int_t)eps, "error",
		      ov->error[0]     ? ov->error :
		      ov->map_error[0] ? ov->map_error :
					 NULL,
		      "lookups", (json_int_t)ov->lookups, "resolved", (json_int_t)ov->resolved,
		      "unresolved", (json_int_t)ov->unresolved, "reloads", (json_int_t)ov->reloads);
	/* What an endpoint's MTU should be (the CNI plugin asks for it). */
	if (o)
		json_object_set_new(o, "mtu", json_integer(endpoint_mtu(d, ov)));
	if (o)
		json_object_set_new(o, "router", router_json(d, (struct ovl_overlay *)ov));
	/* What the data path dropped of this network, and how much of it came
	 * from underlay hosts that are no peer of it (the black hole of a
	 * forwarding entry toward a host the backend does not name). */
	if (o && !map_vni_stats_read(d, ov, vs)) {
		json_object_set_new(o, "drops",
				    json_integer((json_int_t)vs[OVL_VSTAT_DROP].packets));
		json_object_set_new(o, "peer_unknown",
				    json_integer((json_int_t)vs[OVL_VSTAT_PEER_UNKNOWN].packets));
		json_object_set_new(
			o, "counters",
			json_pack("{s:{s:I, s:I}, s:{s:I, s:I}}", "drops", "packets",
				  (json_int_t)vs[OVL_VSTAT_DROP].packets, "bytes",
				  (json_int_t)vs[OVL_VSTAT_DROP].bytes, "peer_unknown", "packets",
				  (json_int_t)vs[OVL_VSTAT_PEER_UNKNOWN].packets, "bytes",
				  (json_int_t)vs[OVL_VSTAT_PEER_UNKNOWN].bytes));
	}
	/* What the backend says of itself (etcd: connection, lease, revision). */
	if (o && ov->ops->status) {
		json_t *st = ov->ops->status(ov->backend);

		if (st)
			json_object_set_new(o, "backend", st);
	}
	/* Entries the miss path could not cache: a map was full. */
	if (o)
		json_object_set_new(o, "map_full", json_integer((json_int_t)ov->map_full));
	return o;
}

void overlay_free_all(struct ovld *d)
{
	while (d->overlays) {
		struct ovl_overlay *ov = d->overlays;

		d->overlays = ov->next;
		router_release(ov);
		ov->ops->close(ov->backend);
		json_decref(ov->props);
		free(ov);
	}
}
