// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * vni.c - what an overlay is in the data path's maps: its ovl_vnis entry
 * and its peers in ovl_peers (from the backend's view of the network),
 * what its peers imply (the endpoints' MTU), and the warnings of commands
 * that would make a black hole. Also how a full map is accounted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ovld.h"
#include "backend.h"
#include "veth.h"
#include "log.h"

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
int overlay_write_vni(struct ovld *d, struct ovl_overlay *ov)
{
	struct ovl_vni v;

	memset(&v, 0, sizeof(v));
	v.flags = OVL_VNI_F_STRICT_SRC;
	v.vstat_slot = ov->vstat_slot;
	if (ov->ops->info->mode == OVL_MODE_P2P) {
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

/* The peers that stay, as ABI 6 has them (migrated entries lack
 * OVL_PEER_F_VNI, and cost decapsulation a lookup in ovl_vnis until then).
 * A failure costs only that: logged, not returned. */
static void peers_refresh(struct ovld *d, struct ovl_overlay *ov)
{
	int ret = map_peers_refresh(d, ov->vni, ov->vstat_slot);

	if (ret)
		pr_warn("overlay %s: rewrite its %s entries: %s", ov->name, OVL_MAP_PEERS,
			map_strerror(ret));
}

/*
 * ovl_peers of ov from the backend's view of the network, and its ovl_vnis
 * entry. ovl_peers is one map for every VNI (OVL_MAX_PEERS entries): the
 * room is checked before anything changes, so that an overlay that does not
 * fit is refused with the map as it was (and a reload keeps the previous
 * peers). Then what went away is removed and what is new added; a peer
 * that stays is never missing, not even for a moment.
 */
int overlay_sync_vni(struct ovld *d, struct ovl_overlay *ov, char *err, size_t errlen)
{
	struct ovl_ip_vec want = { 0 }, have = { 0 }, add = { 0 }, del = { 0 };
	size_t i = 0, j = 0, done = 0;
	__u32 used = 0, max = 0;
	int ret;

	ret = ov->ops->foreach_peer(ov->backend, ipset_add, &want);
	if (ret == -EAGAIN) {
		/* not known yet (etcd before its first listing): the peers the
		 * map has stay, so that a restarted ovld drops no VXLAN */
		free(want.v);
		ret = overlay_write_vni(d, ov);
		if (ret)
			snprintf(err, errlen, "write %s: %s", OVL_MAP_VNIS, map_strerror(ret));
		else
			peers_refresh(d, ov);
		return ret;
	}
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
		ret = map_peer_put(d, ov->vni, &add.v[done], ov->vstat_slot);
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
	peers_refresh(d, ov);
	goto out;
undo:
	/* Back to the peers there were. */
	for (i = 0; i < done; i++)
		map_peer_del(d, ov->vni, &add.v[i]);
	for (i = 0; i < del.n; i++)
		map_peer_put(d, ov->vni, &del.v[i], ov->vstat_slot);
out:
	free(want.v);
	free(have.v);
	free(add.v);
	free(del.v);
	return ret;
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

bool overlay_mac_unreachable(struct ovld *d, struct ovl_overlay *ov, const __u8 mac[6], char *buf,
			     size_t len)
{
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN], where[300];
	struct ovl_ip ip;
	__u16 port;

	if (ov->ops->info->mode == OVL_MODE_P2P)
		return false; /* a tunnel: every MAC is behind its far end */
	if (ov->ops->publish)
		return false; /* the backend tells the other hosts itself */
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

static int peer_v6_cb(const struct ovl_ip *ip, void *arg)
{
	if (ip->family == OVL_AF_INET6)
		*(bool *)arg = true;
	return 0;
}

bool overlay_v6_underlay(struct ovld *d, const struct ovl_overlay *ov)
{
	bool v6 = !d->local4.family;

	ov->ops->foreach_peer(ov->backend, peer_v6_cb, &v6);
	return v6;
}

/* MTU for an endpoint of ov: the underlay's minus the outer headers. */
unsigned int endpoint_mtu(struct ovld *d, const struct ovl_overlay *ov)
{
	int mtu = ovl_link_mtu(d->o.underlay);
	bool v6 = overlay_v6_underlay(d, ov);

	if (mtu <= 0)
		mtu = 1500;
	return (unsigned int)mtu - (v6 ? OVL_ENCAP6_LEN : OVL_ENCAP4_LEN);
}
