// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * overlay.c - overlays (a VNI and its backend) and local endpoints (the
 * veths behind VNICs and containers), and how both turn into map entries.
 *
 * Entries ovld writes on its own are marked: ovl_neigh entries of local
 * endpoints and of `neigh add`, and ovl_fdb entries of `map add`, carry the
 * STATIC flag and are never aged or revalidated; entries learned from the
 * backend on a miss carry none, and are checked against the backend again
 * whenever it reloads (changed ones rewritten, vanished ones removed).
 */
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/inotify.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "ovld.h"
#include "backend.h"
#include "netns.h"
#include "veth.h"
#include "mark.h"
#include "log.h"
#include "ident.h"

bool ovl_ip_is_local(struct ovld *d, const struct ovl_ip *ip)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if ((d->local4.family && ovl_ip_eq(ip, &d->local4)) ||
	    (d->local6.family && ovl_ip_eq(ip, &d->local6)))
		return true;
	if (getifaddrs(&ifa))
		return false;
	for (i = ifa; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET && ip->family == OVL_AF_INET4)
			found = !memcmp(&((struct sockaddr_in *)i->ifa_addr)->sin_addr, ip->addr,
					4);
		else if (i->ifa_addr->sa_family == AF_INET6 && ip->family == OVL_AF_INET6)
			found = !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, ip->addr,
					16);
	}
	freeifaddrs(ifa);
	return found;
}

struct ovl_overlay *overlay_find(struct ovld *d, const char *name)
{
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		if (!strcmp(ov->name, name))
			return ov;
	return NULL;
}

struct ovl_overlay *overlay_by_vni(struct ovld *d, __u32 vni)
{
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		if (ov->vni == vni)
			return ov;
	return NULL;
}

/* The namespace (VNIC) or network (CNI) that, with the id, names ep. */
static const char *ep_scope(const struct ovl_ep *ep)
{
	return ep->kind == OVL_EP_VNIC ? ep->netns : ep->network;
}

struct ovl_ep *ep_find(struct ovld *d, enum ovl_ep_kind kind, const char *scope, const char *id)
{
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		if (ep->kind == kind && !strcmp(ep->id, id) && !strcmp(ep_scope(ep), scope ?: ""))
			return ep;
	return NULL;
}

const char *ep_label(const struct ovl_ep *ep, char *buf, size_t len)
{
	if (ep->kind == OVL_EP_VNIC)
		snprintf(buf, len, "VNIC %s%s%s", ep->id, ep->netns[0] ? " in namespace " : "",
			 ep->netns);
	else
		snprintf(buf, len, "endpoint %s%s%s", ep->id, ep->network[0] ? " of network " : "",
			 ep->network);
	return buf;
}

struct ovl_ep *ep_by_ifindex(struct ovld *d, int ifindex)
{
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		if (ep->host_ifindex == ifindex)
			return ep;
	return NULL;
}

struct ovl_ep *ep_by_mac(struct ovld *d, __u32 vni, const __u8 mac[6])
{
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		if (ep->vni == vni && !memcmp(ep->mac, mac, 6))
			return ep;
	return NULL;
}

/* A set of underlay addresses (struct ovl_ip_vec), kept by ipset_sort(). */

static int ipset_add(const struct ovl_ip *ip, void *arg)
{
	return ovl_ip_vec_add(arg, ip->family, ip->addr);
}

static int ip_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct ovl_ip));
}

static void ipset_sort(struct ovl_ip_vec *s)
{
	size_t j = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(s->v[0]), ip_cmp);
	for (size_t i = 1; i < s->n; i++)
		if (ip_cmp(&s->v[i], &s->v[j]))
			s->v[++j] = s->v[i];
	s->n = j + 1;
}

/*
 * The ovl_vnis entry of an overlay. A point-to-point overlay (direct) sends
 * every frame to its one destination and takes broadcast and multicast
 * from it; those go to one local endpoint, the oldest of the overlay (the
 * list is newest first), so that a second VNIC does not take them from the
 * first. Rewritten whenever an endpoint comes or goes.
 */
static int overlay_write_vni(struct ovld *d, struct ovl_overlay *ov)
{
	struct ovl_vni v;

	memset(&v, 0, sizeof(v));
	v.flags = OVL_VNI_F_STRICT_SRC;
	if (ov->ops == &ovl_backend_direct) {
		struct ovl_ip ip;
		__u16 port;
		const __u8 any[6] = { 0 };

		v.flags |= OVL_VNI_F_DIRECT;
		ov->ops->lookup_l2(ov->backend, any, &ip, &port);
		ovl_dest_from_ip(&v.direct, &ip, port, OVL_DEST_F_STATIC);
		for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
			if (ep->vni == ov->vni)
				v.flood_ifindex = (__u32)ep->host_ifindex;
	}
	return map_vni_put(d, ov->vni, &v);
}

/*
 * ovl_peers of ov from the backend's view of the network, and its ovl_vnis
 * entry. ovl_peers is one map for every VNI (OVL_MAX_PEERS entries): the
 * room is checked before anything changes, so that an overlay that does not
 * fit is refused with the map as it was (and a reload keeps the previous
 * peers). Then what went away is removed and what is new added; a peer
 * that stays is never missing, not even for a moment.
 */
static int overlay_sync_vni(struct ovld *d, struct ovl_overlay *ov, char *err, size_t errlen)
{
	struct ovl_ip_vec want = { 0 }, have = { 0 }, add = { 0 }, del = { 0 };
	size_t i = 0, j = 0, done = 0;
	__u32 used = 0, max = 0;
	int ret;

	ret = ov->ops->foreach_peer(ov->backend, ipset_add, &want);
	if (!ret)
		ret = map_peers_list(d, ov->vni, &have);
	if (!ret)
		ret = map_count(d, OVL_MAP_PEERS, &used, &max);
	if (ret) {
		snprintf(err, errlen, "read %s: %s", OVL_MAP_PEERS, strerror(-ret));
		goto out;
	}
	ipset_sort(&want);
	ipset_sort(&have);
	while (!ret && (i < want.n || j < have.n)) {
		int c = i == want.n ? 1 : j == have.n ? -1 : ip_cmp(&want.v[i], &have.v[j]);

		if (c < 0)
			ret = ipset_add(&want.v[i++], &add);
		else if (c > 0)
			ret = ipset_add(&have.v[j++], &del);
		else
			i++, j++;
	}
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		goto out;
	}
	if ((size_t)used - del.n + add.n > max) {
		snprintf(err, errlen,
			 "%s is full: overlay %s (vni %u) has %zu peers, %zu of them new, and "
			 "the map has room for %u more (%u entries, shared by every overlay)",
			 OVL_MAP_PEERS, ov->name, ov->vni, want.n, add.n,
			 max - (used < max ? used : max), max);
		ret = -ENOSPC;
		goto out;
	}
	for (i = 0; i < del.n; i++)
		map_peer_del(d, ov->vni, &del.v[i]);
	for (; done < add.n && !ret; done++)
		ret = map_peer_put(d, ov->vni, &add.v[done]);
	if (ret) {
		/* Not the room we counted (another writer?). */
		snprintf(err, errlen, "write %s: %s", OVL_MAP_PEERS, map_strerror(ret));
		done--;
		goto undo;
	}
	ret = overlay_write_vni(d, ov);
	if (ret) {
		snprintf(err, errlen, "write %s: %s", OVL_MAP_VNIS, map_strerror(ret));
		goto undo;
	}
	goto out;
undo:
	/* Back to the peers there were. */
	for (i = 0; i < done; i++)
		map_peer_del(d, ov->vni, &add.v[i]);
	for (i = 0; i < del.n; i++)
		map_peer_put(d, ov->vni, &del.v[i]);
out:
	free(want.v);
	free(have.v);
	free(add.v);
	free(del.v);
	return ret;
}

static void overlay_watch(struct ovld *d, struct ovl_overlay *ov)
{
	const char *path = ov->ops->watch_path ? ov->ops->watch_path(ov->backend) : NULL;
	const char *slash;

	ov->watch_wd = -1;
	if (!path || d->ino_fd < 0)
		return;
	slash = strrchr(path, '/');
	snprintf(ov->watch_dir, sizeof(ov->watch_dir), "%.*s", (int)(slash - path), path);
	if (!ov->watch_dir[0])
		snprintf(ov->watch_dir, sizeof(ov->watch_dir), "/");
	snprintf(ov->watch_file, sizeof(ov->watch_file), "%s", slash + 1);
	/* Watch the directory: editors replace files by rename. */
	ov->watch_wd = inotify_add_watch(d->ino_fd, ov->watch_dir,
					 IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE);
	if (ov->watch_wd < 0)
		pr_warn("watch %s for changes: %s (edits need `ovlctl reload`)", ov->watch_dir,
			strerror(errno));
}

static void overlay_unwatch(struct ovld *d, struct ovl_overlay *ov)
{
	if (ov->watch_wd < 0)
		return;
	/* Other overlays may watch the same directory (same wd). */
	for (struct ovl_overlay *o = d->overlays; o; o = o->next)
		if (o != ov && o->watch_wd == ov->watch_wd)
			return;
	inotify_rm_watch(d->ino_fd, ov->watch_wd);
}

static int check_props(const struct ovl_backend_ops *ops, json_t *props, char *err, size_t errlen)
{
	const char *key;
	json_t *val;

	if (!json_is_object(props)) {
		snprintf(err, errlen, "props must be an object");
		return -EINVAL;
	}
	json_object_foreach(props, key, val) {
		bool known = !strcmp(key, "vxlan/listen_ip") || !strcmp(key, "vxlan/listen_port");

		for (const char *const *p = ops->props; !known && *p; p++)
			known = !strcmp(key, *p);
		if (!known) {
			snprintf(err, errlen, "unknown property \"%s\" for backend %s", key,
				 ops->name);
			return -EINVAL;
		}
		if (!json_is_string(val) && !json_is_integer(val)) {
			snprintf(err, errlen, "property \"%s\": not a string or number", key);
			return -EINVAL;
		}
	}
	return 0;
}

/* vxlan/listen_ip and vxlan/listen_port: one underlay address and port per
 * instance, so an overlay may only confirm them (or set an unset family). */
static int check_listen(struct ovld *d, json_t *props, char *err, size_t errlen)
{
	json_t *ipj = json_object_get(props, "vxlan/listen_ip");
	json_t *portj = json_object_get(props, "vxlan/listen_port");
	char buf[OVL_IP_STRLEN];
	struct ovl_ip ip;

	if (portj) {
		long long p = -1;
		char *end;

		if (json_is_integer(portj)) {
			p = json_integer_value(portj);
		} else if (json_is_string(portj)) {
			p = strtoll(json_string_value(portj), &end, 10);
			if (*end || end == json_string_value(portj))
				p = -1;
		}

		if (p != d->o.port) {
			snprintf(err, errlen,
				 "vxlan/listen_port %lld: this instance listens on port %u "
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
	ops = ovl_backend_find(search);
	if (!ops) {
		snprintf(err, errlen, "unknown backend \"%s\" (files or direct)",
			 search ? search : "");
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
	ret = check_props(ops, props, err, errlen);
	if (!ret)
		ret = check_listen(d, props, err, errlen);
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
	ov->watch_wd = -1;
	ret = ops->open(ov->props, &ov->backend, err, errlen);
	if (ret) {
		json_decref(ov->props);
		free(ov);
		return ret;
	}
	/* its counters first: the data path counts from the first frame on */
	made = map_vni_stats_create(d, vni);
	if (made < 0)
		snprintf(err, errlen, "write %s: %s", OVL_MAP_VNI_STATS, strerror(-made));
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
	overlay_watch(d, ov);
	pr_info("overlay %s: vni %u, backend %s, %zu entries", ov->name, vni, search,
		ops->entries(ov->backend));
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
	if (users) {
		snprintf(err, errlen, "overlay %s has %d endpoint%s: delete them first", name,
			 users, users == 1 ? "" : "s");
		return -EBUSY;
	}
	map_vni_del(d, ov->vni);
	map_vni_stats_del(d, ov->vni);
	map_peers_flush(d, ov->vni);
	map_fdb_foreach(d, true, ov->vni, drop_learned_fdb, NULL);
	map_neigh_foreach(d, true, ov->vni, drop_neigh, NULL);
	for (pp = &d->overlays; *pp != ov; pp = &(*pp)->next)
		;
	*pp = ov->next;
	overlay_unwatch(d, ov);
	ov->ops->close(ov->backend);
	json_decref(ov->props);
	pr_info("overlay %s (vni %u) deleted", ov->name, ov->vni);
	free(ov);
	return 0;
}

struct revalidate {
	struct ovl_overlay *ov;
	unsigned int changed, removed;
};

static int revalidate_fdb(struct ovld *d, const struct ovl_mac_key *k, struct ovl_dest *v,
			  void *arg)
{
	struct revalidate *r = arg;
	struct ovl_dest nd;
	struct ovl_ip ip;
	__u16 port;

	if (v->flags & OVL_DEST_F_STATIC)
		return 0;
	if (r->ov->ops->lookup_l2(r->ov->backend, k->mac, &ip, &port) || ovl_ip_is_local(d, &ip)) {
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

	if (n->flags & OVL_NEIGH_F_STATIC)
		return 0;
	memcpy(ip.addr, k->addr, 16);
	if (r->ov->ops->lookup_l3(r->ov->backend, &ip, mac)) {
		map_neigh_del(d, k->vni, &ip);
		r->removed++;
	} else if (memcmp(mac, n->mac, 6)) {
		map_neigh_put(d, k->vni, &ip, mac, 0);
		r->changed++;
	}
	return 0;
}

static int ep_apply_backend(struct ovld *d, struct ovl_ep *ep, struct ovl_overlay *ov, char *err,
			    size_t errlen);

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
		snprintf(err, errlen, "backend %s has nothing to reload", ov->ops->name);
		return 0;
	}
	ret = ov->ops->open(ov->props, &fresh, err, errlen);
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
	miss_forget_negative(ov);
	map_fdb_foreach(d, true, ov->vni, revalidate_fdb, &r);
	map_neigh_foreach(d, true, ov->vni, revalidate_neigh, &r);
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next) {
		char l[OVL_EP_LABEL_MAX];

		if (ep->vni == ov->vni && ep_apply_backend(d, ep, ov, err, errlen))
			pr_err("overlay %s: %s: %s", ov->name, ep_label(ep, l, sizeof(l)), err);
	}
	pr_info("overlay %s: reloaded, %zu entries; %u cached entries changed, %u removed",
		ov->name, ov->ops->entries(ov->backend), r.changed, r.removed);
	return 0;
}

void overlay_on_inotify(struct ovld *d, int wd, const char *name)
{
	char err[OVL_ERR_MAX];

	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next) {
		if (ov->watch_wd != wd || (name && strcmp(name, ov->watch_file)))
			continue;
		if (overlay_reload(d, ov, err, sizeof(err)) == 0) {
			json_t *ev =
				json_pack("{s:s, s:s}", "event", "reload", "overlay", ov->name);

			ctl_broadcast_event(d, ev);
			json_decref(ev);
		}
	}
}

void overlay_map_write(struct ovl_overlay *ov, const char *map, unsigned int max, int err,
		       const char *what)
{
	unsigned int bit = strcmp(map, OVL_MAP_FDB) ? 2 : 1;

	if (!err) {
		if (ov->maps_full & bit) {
			pr_info("overlay %s: %s has room again", ov->name, map);
			ov->maps_full &= ~bit;
			if (!ov->maps_full)
				ov->map_error[0] = '\0';
		}
		return;
	}
	if (err != -E2BIG) {
		pr_warn("overlay %s: write %s entry of %s: %s", ov->name, map, what,
			strerror(-err));
		return;
	}
	ov->map_full++;
	/* Logged once until the map has room again; counted every time. */
	if (!(ov->maps_full & bit))
		pr_err("overlay %s: %s is full (%u entries): %s and what follows are not cached; "
		       "their frames keep going through ovld",
		       ov->name, map, max, what);
	ov->maps_full |= bit;
	snprintf(ov->map_error, sizeof(ov->map_error),
		 "%s is full (%u entries): %llu entries not cached, the last of %s", map, max,
		 ov->map_full, what);
}

static unsigned int endpoint_mtu(struct ovld *d, const struct ovl_overlay *ov);

/* " (files/config PATH)", or "" for a backend without a file. */
static void backend_where(const struct ovl_overlay *ov, char *buf, size_t len)
{
	const char *path = ov->ops->watch_path ? ov->ops->watch_path(ov->backend) : NULL;

	snprintf(buf, len, path ? " (%s/config %s)" : "", ov->ops->name, path);
}

bool overlay_mac_unreachable(struct ovld *d, struct ovl_overlay *ov, const __u8 mac[6], char *buf,
			     size_t len)
{
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN], where[300];
	struct ovl_ip ip;
	__u16 port;

	if (ov->ops == &ovl_backend_direct)
		return false; /* a tunnel: every MAC is behind its far end */
	backend_where(ov, where, sizeof(where));
	if (ov->ops->lookup_l2(ov->backend, mac, &ip, &port)) {
		snprintf(buf, len,
			 "MAC %s is not in the backend of overlay %s%s: no other host can find "
			 "it, so nothing reaches it from them",
			 ovl_mac_format(mac, m), ov->name, where);
		return true;
	}
	if (!ovl_ip_is_local(d, &ip)) {
		snprintf(buf, len,
			 "the backend of overlay %s%s puts MAC %s on %s, not on this host: other "
			 "hosts send its frames there",
			 ov->name, where, ovl_mac_format(mac, m), ovl_ip_format(&ip, a));
		return true;
	}
	return false;
}

struct peer_find {
	const struct ovl_ip *ip;
	bool found;
};

static int peer_find_cb(const struct ovl_ip *ip, void *arg)
{
	struct peer_find *f = arg;

	f->found |= ovl_ip_eq(ip, f->ip);
	return 0;
}

bool overlay_is_peer(struct ovl_overlay *ov, const struct ovl_ip *ip)
{
	struct peer_find f = { .ip = ip };

	ov->ops->foreach_peer(ov->backend, peer_find_cb, &f);
	return f.found;
}

void overlay_peer_warning(struct ovl_overlay *ov, const struct ovl_ip *ip, const __u8 mac[6],
			  char *buf, size_t len)
{
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN], where[300];

	backend_where(ov, where, sizeof(where));
	snprintf(buf, len,
		 "%s is not a peer of overlay %s%s: VXLAN from it is dropped (peer_unknown), so "
		 "%s can be sent to but not heard from",
		 ovl_ip_format(ip, a), ov->name, where, ovl_mac_format(mac, m));
}

json_t *overlay_json(struct ovld *d, const struct ovl_overlay *ov)
{
	struct ovl_stat vs[OVL_VSTAT_MAX];
	json_t *o;
	int eps = 0;

	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		eps += ep->vni == ov->vni;
	o = json_pack("{s:s, s:i, s:s, s:s, s:O, s:i, s:i, s:s?, s:I, s:I, s:I, s:I}", "name",
		      ov->name, "vni", (json_int_t)ov->vni, "encap", "vxlan", "search", ov->search,
		      "props", ov->props, "entries", (json_int_t)ov->ops->entries(ov->backend),
		      "endpoints", (json_int_t)eps, "error",
		      ov->error[0]     ? ov->error :
		      ov->map_error[0] ? ov->map_error :
					 NULL,
		      "lookups", (json_int_t)ov->lookups, "resolved", (json_int_t)ov->resolved,
		      "unresolved", (json_int_t)ov->unresolved, "reloads", (json_int_t)ov->reloads);
	/* What an endpoint's MTU should be (the CNI plugin asks for it). */
	if (o)
		json_object_set_new(o, "mtu", json_integer(endpoint_mtu(d, ov)));
	/* What the data path dropped of this network, and how much of it came
	 * from underlay hosts that are no peer of it (the black hole of a
	 * forwarding entry toward a host the backend does not name). */
	if (o && !map_vni_stats_read(d, ov->vni, vs)) {
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
	/* Entries the miss path could not cache: a map was full. */
	if (o)
		json_object_set_new(o, "map_full", json_integer((json_int_t)ov->map_full));
	return o;
}

/* ---- endpoints ----------------------------------------------------------- */

/* fe80::/64 with the modified EUI-64 of mac (RFC 4291 appendix A): the
 * link-local address the kernel gives a new interface by default. */
static void eui64_link_local(const __u8 mac[6], struct ovl_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = OVL_AF_INET6;
	ip->addr[0] = 0xfe;
	ip->addr[1] = 0x80;
	ip->addr[8] = mac[0] ^ 0x02;
	ip->addr[9] = mac[1];
	ip->addr[10] = mac[2];
	ip->addr[11] = 0xff;
	ip->addr[12] = 0xfe;
	ip->addr[13] = mac[3];
	ip->addr[14] = mac[4];
	ip->addr[15] = mac[5];
}

static bool ep_has_addr(const struct ovl_ep *ep, const struct ovl_ip *ip)
{
	for (int i = 0; i < ep->naddrs; i++)
		if (ovl_ip_eq(&ep->addrs[i], ip))
			return true;
	return false;
}

static void ep_add_addr(struct ovl_ep *ep, const struct ovl_ip *ip)
{
	if (ep->naddrs < OVL_EP_ADDRS && !ep_has_addr(ep, ip))
		ep->addrs[ep->naddrs++] = *ip;
}

/*
 * Link protection by IP address needs the addresses: it is enforced when
 * ovld knows one beyond the link-local it derives from the MAC (hosts.json
 * arp/ndp, the CNI plugin's IPAM result). A VNIC nobody gave an address
 * (any VNIC of a direct overlay) is held to its MAC only.
 */
static bool ep_knows_addrs(const struct ovl_ep *ep)
{
	struct ovl_ip ll;

	eui64_link_local(ep->mac, &ll);
	for (int i = 0; i < ep->naddrs; i++)
		if (!ovl_ip_eq(&ep->addrs[i], &ll))
			return true;
	return false;
}

/* What the backend says about a local endpoint: its DHCP proxy, whether it
 * is a DHCP server of the network (only those may answer DHCP clients) and,
 * for a VNIC, the addresses it owns (the seed's arp/ndp fields). Called
 * again on every reload, so all of it follows the backend. Return: 0, or
 * -errno with the map that refused in err. */
static int ep_apply_backend(struct ovld *d, struct ovl_ep *ep, struct ovl_overlay *ov, char *err,
			    size_t errlen)
{
	struct ovl_ip addrs[4];
	__u8 server[6];
	int n, ret;

	ep->dhcp_proxy = !ov->ops->lookup_dhcp(ov->backend, ep->mac, server);
	if (ep->dhcp_proxy)
		memcpy(ep->dhcp_mac, server, 6);
	ep->dhcp_server = !ov->ops->dhcp_server(ov->backend, ep->mac);
	if (ep->kind == OVL_EP_VNIC) {
		n = ov->ops->lookup_addrs(ov->backend, ep->mac, addrs, 4);
		for (int i = 0; i < n; i++)
			ep_add_addr(ep, &addrs[i]);
	}
	for (int i = 0; i < ep->naddrs; i++) {
		ret = map_neigh_put(d, ep->vni, &ep->addrs[i], ep->mac, OVL_NEIGH_F_STATIC);
		if (ret) {
			snprintf(err, errlen, "write %s: %s", OVL_MAP_NEIGH, map_strerror(ret));
			return ret;
		}
	}
	ep->ip_nospoof = ep_knows_addrs(ep);
	ret = map_ep_put(d, ep);
	if (ret)
		snprintf(err, errlen, "write %s and %s: %s", OVL_MAP_IFACES, OVL_MAP_ENDPOINTS,
			 map_strerror(ret));
	return ret;
}

/* Take ep's entries out of ovl_ifaces, ovl_endpoints and ovl_neigh. */
static void ep_maps_del(struct ovld *d, const struct ovl_ep *ep)
{
	struct ovl_neigh n;

	map_ep_del(d, ep);
	for (int i = 0; i < ep->naddrs; i++)
		if (!map_neigh_get(d, ep->vni, &ep->addrs[i], &n) && !memcmp(n.mac, ep->mac, 6))
			map_neigh_del(d, ep->vni, &ep->addrs[i]);
}

static int peer_v6_cb(const struct ovl_ip *ip, void *arg);

struct tso_req {
	const char *ifname;
};

static int tso_off(void *arg)
{
	return ovl_link_set_tso(((struct tso_req *)arg)->ifname, false);
}

/*
 * Toward an IPv6 VTEP the outer UDP checksum is mandatory, and the kernel
 * cannot be told from BPF to fill it per segment of a GSO packet. So the
 * endpoint of a network with IPv6 peers segments before the veth (TSO off
 * on its interface; software GSO stays) and every packet is summed in BPF.
 */
static void ep_fit_offloads(struct ovld *d, struct ovl_ep *ep, struct ovl_overlay *ov)
{
	struct tso_req r = { .ifname = ep->ifname };
	bool v6 = !d->local4.family;
	int fd, err;

	ov->ops->foreach_peer(ov->backend, peer_v6_cb, &v6);
	ep->tso_off = false;
	if (!v6 || !ep->ifname[0])
		return;
	if (!ep->netns[0]) {
		err = tso_off(&r);
	} else {
		fd = ovl_netns_open(ep->netns);
		if (fd < 0) {
			pr_warn("endpoint %s: netns %s: %s; TSO left on", ep->id, ep->netns,
				strerror(-fd));
			return;
		}
		err = ovl_netns_run(fd, tso_off, &r);
		close(fd);
	}
	if (err)
		pr_warn("endpoint %s: TSO off on %s failed (%s): large sends toward IPv6 VTEPs "
			"go out with a zero UDP checksum",
			ep->id, ep->ifname, strerror(-err));
	else
		ep->tso_off = true;
}

/* -EEXIST, and why, when mac is an endpoint of ov already. */
static int mac_in_use(struct ovld *d, const struct ovl_overlay *ov, const __u8 mac[6], char *err,
		      size_t errlen)
{
	struct ovl_ep *other = ep_by_mac(d, ov->vni, mac);
	char m[OVL_MAC_STRLEN], l[OVL_EP_LABEL_MAX];

	if (!other)
		return 0;
	snprintf(err, errlen, "MAC %s is already %s on overlay %s", ovl_mac_format(mac, m),
		 ep_label(other, l, sizeof(l)), ov->name);
	return -EEXIST;
}

/*
 * Is ep->host_ifname a veth that ovl made for this endpoint of this
 * instance? Only such a veth may become an endpoint: TC on any other
 * interface (the underlay, lo, someone else's veth) would hold the host's
 * own traffic to an endpoint's rules and drop it. What tells is the mark in
 * its ifalias (mark.h), and for a container, that its peer is in another
 * namespace. Restoring what state.json lists, an unmarked veth is taken as
 * it is (plugins and ovlds before the marks made those), a VNIC's is
 * marked, and an endpoint saved without its network gets it from the mark.
 */
int ep_check_link(struct ovld *d, struct ovl_ep *ep, bool restoring, char *err, size_t errlen)
{
	char inst[OVL_INSTANCE_MAX + 1], net[sizeof(ep->network)], a[300], b[OVL_IFNAME_MAX];
	char id[sizeof(a) + sizeof(b) + 1], mark[OVL_ALIAS_MAX];
	const char *host = ep->host_ifname;
	struct ovl_link_info li;
	int ret;

	ret = ovl_link_info(host, &li);
	if (ret) {
		snprintf(err, errlen, "host interface %s: %s", host,
			 ret == -ENODEV ? "no such interface" : strerror(-ret));
		return ret;
	}
	if (li.ifindex == d->underlay_ifindex) {
		snprintf(err, errlen,
			 "%s is the underlay of instance %s: only a veth that ovl made for an "
			 "endpoint can be one",
			 host, d->o.instance);
		return -EPERM;
	}
	if (strcmp(li.kind, "veth")) {
		snprintf(err, errlen,
			 "%s is %s%s%snot a veth: only a veth that ovl made for an endpoint can "
			 "be one",
			 host, li.kind[0] ? "a " : "", li.kind, li.kind[0] ? ", " : "");
		return -EPERM;
	}
	if (ep->kind == OVL_EP_VNIC) {
		if (!li.alias[0] && restoring) {
			ovl_vnic_alias_format(d->o.instance, ep->id, ep->netns, mark, sizeof(mark));
			ovl_link_set_alias(host, mark);
			return 0;
		}
		if (ovl_vnic_alias_parse(li.alias, inst, sizeof(inst), b, sizeof(b), a,
					 sizeof(a)) ||
		    strcmp(inst, d->o.instance) || strcmp(b, ep->id)) {
			snprintf(err, errlen, "%s is not the veth of this VNIC (ifalias \"%s\")",
				 host, li.alias);
			return -EPERM;
		}
		return 0;
	}
	if (!li.alias[0] && restoring)
		return 0;
	if (ovl_cni_alias_parse(li.alias, inst, sizeof(inst), net, sizeof(net), a, sizeof(a), b,
				sizeof(b))) {
		if (!ovl_vnic_alias_parse(li.alias, inst, sizeof(inst), b, sizeof(b), a, sizeof(a)))
			snprintf(
				err, errlen,
				"%s is VNIC %s of ovl instance %s (ifalias \"%s\"), not a "
				"container's veth: only a veth that ovl made for an endpoint can be "
				"one",
				host, b, inst, li.alias);
		else
			snprintf(
				err, errlen,
				"%s carries no mark of the ovl CNI plugin (ifalias \"%s\"): only a "
				"veth that ovl made for an endpoint can be one",
				host, li.alias);
		return -EPERM;
	}
	if (strcmp(inst, d->o.instance)) {
		snprintf(err, errlen, "%s belongs to ovl instance %s (ifalias \"%s\"), not %s",
			 host, inst, li.alias, d->o.instance);
		return -EPERM;
	}
	snprintf(id, sizeof(id), "%s/%s", a, b);
	if (strcmp(id, ep->id) || (ep->network[0] && strcmp(net, ep->network))) {
		snprintf(err, errlen,
			 "%s belongs to attachment %s of network %s (ifalias \"%s\"), not to %s "
			 "of network %s",
			 host, id, net, li.alias, ep->id, ep->network[0] ? ep->network : "?");
		return -EPERM;
	}
	if (ep->peer_netns && !li.peer_netns) {
		snprintf(err, errlen,
			 "the peer of %s is in this network namespace, not in a container's", host);
		return -EPERM;
	}
	if (!ep->network[0])
		snprintf(ep->network, sizeof(ep->network), "%s", net);
	return 0;
}

int ep_register(struct ovld *d, struct ovl_ep *ep, char *err, size_t errlen)
{
	struct ovl_overlay *ov = overlay_find(d, ep->overlay);
	char l[OVL_EP_LABEL_MAX];
	struct ovl_neigh n;
	struct ovl_ip ll;
	int ret;

	if (!ov) {
		snprintf(err, errlen, "no overlay %s", ep->overlay);
		return -ENOENT;
	}
	ep->vni = ov->vni;
	if (ep_find(d, ep->kind, ep_scope(ep), ep->id)) {
		snprintf(err, errlen, "%s exists", ep_label(ep, l, sizeof(l)));
		return -EEXIST;
	}
	ret = mac_in_use(d, ov, ep->mac, err, errlen);
	if (ret)
		return ret;
	eui64_link_local(ep->mac, &ll);
	ep_add_addr(ep, &ll);
	for (int i = 0; i < ep->naddrs; i++) {
		char a[OVL_IP_STRLEN], m[OVL_MAC_STRLEN];

		if (!map_neigh_get(d, ep->vni, &ep->addrs[i], &n) &&
		    (n.flags & OVL_NEIGH_F_STATIC) && memcmp(n.mac, ep->mac, 6)) {
			snprintf(err, errlen, "address %s on overlay %s belongs to MAC %s",
				 ovl_ip_format(&ep->addrs[i], a), ov->name,
				 ovl_mac_format(n.mac, m));
			return -EADDRINUSE;
		}
	}
	ret = dp_tc_check(d, ep->host_ifindex, ep->host_ifname, err, errlen);
	if (ret)
		return ret;
	ret = dp_prepare_veth(ep->host_ifname);
	if (!ret)
		ret = dp_attach_tc(d, ep->host_ifindex, ep->host_ifname);
	if (ret) {
		snprintf(err, errlen, "set up %s: %s", ep->host_ifname, strerror(-ret));
		return ret;
	}
	ret = ep_apply_backend(d, ep, ov, err, errlen);
	if (ret) {
		ep_maps_del(d, ep);
		return ret;
	}
	ep_fit_offloads(d, ep, ov);
	map_fdb_del(d, ep->vni, ep->mac); /* a cached remote entry is now wrong */
	ep->next = d->eps;
	d->eps = ep;
	overlay_write_vni(d, ov);
	pr_info("%s: %s on overlay %s (vni %u)", ep_label(ep, l, sizeof(l)), ep->host_ifname,
		ov->name, ov->vni);
	return 0;
}

int ep_unregister(struct ovld *d, struct ovl_ep *ep)
{
	char l[OVL_EP_LABEL_MAX];
	struct ovl_overlay *ov;
	struct ovl_ep **pp;

	ep_maps_del(d, ep);
	for (pp = &d->eps; *pp && *pp != ep; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = ep->next;
	ov = overlay_find(d, ep->overlay);
	if (ov)
		overlay_write_vni(d, ov);
	pr_info("%s removed", ep_label(ep, l, sizeof(l)));
	return 0;
}

json_t *ep_json(const struct ovl_ep *ep)
{
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN];
	json_t *addrs = json_array(), *o;

	for (int i = 0; i < ep->naddrs; i++)
		json_array_append_new(addrs, json_string(ovl_ip_format(&ep->addrs[i], a)));
	o = json_pack("{s:s, s:s, s:s, s:i, s:s, s:o, s:s, s:i, s:s, s:b}", "id", ep->id, "kind",
		      ep->kind == OVL_EP_VNIC ? "vnic" : "cni", "overlay", ep->overlay, "vni",
		      (json_int_t)ep->vni, "mac", ovl_mac_format(ep->mac, m), "addrs", addrs,
		      "host_ifname", ep->host_ifname, "host_ifindex", (json_int_t)ep->host_ifindex,
		      "netns", ep->netns, "peer_netns", ep->peer_netns);
	if (o && ep->ifname[0])
		json_object_set_new(o, ep->kind == OVL_EP_VNIC ? "name" : "ifname",
				    json_string(ep->ifname));
	if (o)
		json_object_set_new(o, "tso", json_boolean(!ep->tso_off));
	if (o && ep->network[0])
		json_object_set_new(o, "network", json_string(ep->network));
	if (o && ep->dhcp_proxy)
		json_object_set_new(o, "dhcp_proxy", json_string(ovl_mac_format(ep->dhcp_mac, m)));
	if (o)
		json_object_set_new(o, "dhcp_server", json_boolean(ep->dhcp_server));
	return o;
}

/* ---- VNICs --------------------------------------------------------------- */

/*
 * Host-side veth name: "ovl" and a hash (FNV-1a 32) of instance, namespace
 * and VNIC name, "<instance>/<netns>/<name>"; a VNIC in the host's own
 * namespace hashes "<instance>/<name>", the name every VNIC had before
 * namespaces told VNICs apart (state.json keeps each VNIC's host name, so
 * older VNICs keep theirs either way).
 */
static void vnic_host_name(struct ovld *d, const char *name, const char *netns, char *out,
			   size_t len)
{
	__u32 h = 2166136261u;

	for (const char *p = d->o.instance; *p; p++)
		h = (h ^ (__u8)*p) * 16777619u;
	h = (h ^ '/') * 16777619u;
	if (netns && *netns) {
		for (const char *p = netns; *p; p++)
			h = (h ^ (__u8)*p) * 16777619u;
		h = (h ^ '/') * 16777619u;
	}
	for (const char *p = name; *p; p++)
		h = (h ^ (__u8)*p) * 16777619u;
	snprintf(out, len, "ovl%08x", h);
}

/* MTU for an endpoint of ov: the underlay's minus the outer headers (IPv6
 * when any peer of the network is IPv6, or the host has only IPv6). */
static int peer_v6_cb(const struct ovl_ip *ip, void *arg)
{
	if (ip->family == OVL_AF_INET6)
		*(bool *)arg = true;
	return 0;
}

static unsigned int endpoint_mtu(struct ovld *d, const struct ovl_overlay *ov)
{
	int mtu = ovl_link_mtu(d->o.underlay);
	bool v6 = !d->local4.family;

	ov->ops->foreach_peer(ov->backend, peer_v6_cb, &v6);
	if (mtu <= 0)
		mtu = 1500;
	return (unsigned int)mtu - (v6 ? OVL_ENCAP6_LEN : OVL_ENCAP4_LEN);
}

/* "namespace NS" or "the host's namespace", for messages. */
static const char *where(const char *netns, char *buf, size_t len)
{
	if (netns && *netns)
		snprintf(buf, len, "namespace %s", netns);
	else
		snprintf(buf, len, "the host's namespace");
	return buf;
}

int vnic_create(struct ovld *d, const char *name, const char *overlay, const __u8 mac[6],
		const char *netns, char *err, size_t errlen)
{
	struct ovl_overlay *ov = overlay_find(d, overlay);
	struct ovl_veth_req req = { .name = name, .mac = mac, .netns_fd = -1 };
	char host[OVL_IFNAME_MAX], alias[OVL_ALIAS_MAX], w[300];
	struct ovl_link_info li;
	struct ovl_ep *ep;
	int ret, ifindex;

	if (!netns)
		netns = "";
	if (!ovl_name_valid(name, OVL_IFNAME_MAX - 1, 0)) {
		snprintf(err, errlen,
			 "bad interface name \"%s\": 1-15 characters of A-Z a-z 0-9 _ . -",
			 name ? name : "");
		return -EINVAL;
	}
	if (strlen(netns) >= sizeof(ep->netns)) {
		snprintf(err, errlen, "network namespace name longer than %zu",
			 sizeof(ep->netns) - 1);
		return -ENAMETOOLONG;
	}
	if (!ov) {
		snprintf(err, errlen, "no overlay %s", overlay);
		return -ENOENT;
	}
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5])) {
		snprintf(err, errlen, "a VNIC needs a unicast MAC");
		return -EINVAL;
	}
	/* A VNIC is its namespace and name, as `ip -n NS link` knows it. */
	ep = ep_find(d, OVL_EP_VNIC, netns, name);
	if (ep) {
		snprintf(err, errlen, "VNIC %s exists in %s (overlay %s, host end %s)", name,
			 where(netns, w, sizeof(w)), ep->overlay, ep->host_ifname);
		return -EEXIST;
	}
	ret = mac_in_use(d, ov, mac, err, errlen);
	if (ret)
		return ret;
	if (*netns) {
		req.netns_fd = ovl_netns_open_err(netns, err, errlen);
		if (req.netns_fd < 0)
			return req.netns_fd;
	} else if (ovl_link_ifindex(name) > 0) {
		snprintf(err, errlen, "interface %s exists in the host's namespace", name);
		return -EEXIST;
	}
	vnic_host_name(d, name, netns, host, sizeof(host));
	if (!ovl_link_info(host, &li)) {
		snprintf(err, errlen, "host interface %s exists already (%s)", host,
			 li.alias[0] ? li.alias : "no owner recorded in its ifalias");
		ret = -EEXIST;
		goto out;
	}
	/* The mark that makes the veth ours (mark.h). */
	ret = ovl_vnic_alias_format(d->o.instance, name, netns, alias, sizeof(alias));
	if (ret) {
		snprintf(err, errlen, "instance and VNIC name too long for an ifalias");
		goto out;
	}
	req.host_name = host;
	req.host_alias = alias;
	req.marked_only = true; /* a crash never leaves an unmarked one (veth.h) */
	req.mtu = endpoint_mtu(d, ov);

	ep = calloc(1, sizeof(*ep));
	if (!ep) {
		ret = -ENOMEM;
		goto out;
	}
	ret = ovl_veth_create(&req, &ifindex);
	if (ret == -EEXIST) {
		snprintf(err, errlen, "interface %s exists in %s", name,
			 where(netns, w, sizeof(w)));
		free(ep);
		goto out;
	}
	if (ret) {
		snprintf(err, errlen, "create veth %s/%s: %s", name, host, strerror(-ret));
		free(ep);
		goto out;
	}
	snprintf(ep->id, sizeof(ep->id), "%s", name);
	ep->kind = OVL_EP_VNIC;
	snprintf(ep->overlay, sizeof(ep->overlay), "%s", ov->name);
	memcpy(ep->mac, mac, 6);
	snprintf(ep->host_ifname, sizeof(ep->host_ifname), "%s", host);
	ep->host_ifindex = ifindex;
	snprintf(ep->ifname, sizeof(ep->ifname), "%s", name);
	snprintf(ep->netns, sizeof(ep->netns), "%s", netns);
	ep->peer_netns = *netns;
	ret = ep_register(d, ep, err, errlen);
	if (ret) {
		ovl_link_delete(host);
		free(ep);
	}
out:
	if (req.netns_fd >= 0)
		close(req.netns_fd);
	return ret;
}

struct ovl_ep *vnic_lookup(struct ovld *d, const char *name, const char *netns, char *err,
			   size_t errlen)
{
	struct ovl_ep *ep, *found = NULL;
	char w[300];
	int n = 0;

	if (netns) {
		ep = ep_find(d, OVL_EP_VNIC, netns, name);
		if (!ep)
			snprintf(err, errlen, "no VNIC %s in %s", name, where(netns, w, sizeof(w)));
		return ep;
	}
	/* No namespace given: the host's VNIC of that name, as `ip link`
	 * would take it, else the one VNIC of that name wherever it is. */
	ep = ep_find(d, OVL_EP_VNIC, "", name);
	if (ep)
		return ep;
	for (ep = d->eps; ep; ep = ep->next)
		if (ep->kind == OVL_EP_VNIC && !strcmp(ep->id, name) && n++ == 0)
			found = ep;
	if (n == 1)
		return found;
	if (!n) {
		snprintf(err, errlen, "no VNIC %s", name);
		return NULL;
	}
	snprintf(err, errlen, "VNIC %s exists in %d namespaces (", name, n);
	for (ep = d->eps; ep; ep = ep->next)
		if (ep->kind == OVL_EP_VNIC && !strcmp(ep->id, name))
			snprintf(err + strlen(err), errlen - strlen(err), "%s%s",
				 ep == found ? "" : ", ", ep->netns);
	snprintf(err + strlen(err), errlen - strlen(err), "): say which with --netns");
	errno = EEXIST;
	return NULL;
}

int vnic_delete(struct ovld *d, const char *name, const char *netns, char *err, size_t errlen)
{
	struct ovl_ep *ep;
	int ret;

	errno = ENOENT;
	ep = vnic_lookup(d, name, netns, err, errlen);
	if (!ep)
		return errno == EEXIST ? -EINVAL : -ENOENT;
	ep_unregister(d, ep);
	ret = ovl_link_delete(ep->host_ifname);
	if (ret && ret != -ENODEV)
		pr_warn("delete %s: %s", ep->host_ifname, strerror(-ret));
	free(ep);
	return 0;
}
