// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * walk.c - the typed walks of ovl_fdb, ovl_neigh and ovl_peers (ovld.h),
 * over the raw ones of maps.c (map_walk(), map_page()).
 */
#include <stdlib.h>
#include <string.h>
#include "ovld.h"

struct fdb_walk {
	struct ovld *d;
	int (*fn)(struct ovld *, const struct ovl_mac_key *, struct ovl_dest *, void *);
	void *arg;
};

/* Remote MACs only: the local endpoints' entries (OVL_AF_LOCAL) are
 * map_ep_put()'s. */
static int fdb_walk_one(void *key, void *val, void *arg)
{
	struct fdb_walk *w = arg;

	if (((struct ovl_dest *)val)->family == OVL_AF_LOCAL)
		return 0;
	return w->fn(w->d, key, val, w->arg);
}

struct neigh_walk {
	struct ovld *d;
	int (*fn)(struct ovld *, const struct ovl_addr_key *, struct ovl_neigh *, void *);
	void *arg;
};

static int neigh_walk_one(void *key, void *val, void *arg)
{
	struct neigh_walk *w = arg;

	return w->fn(w->d, key, val, w->arg);
}

int map_fdb_foreach(struct ovld *d, bool vni_filter, __u32 vni,
		    int (*fn)(struct ovld *, const struct ovl_mac_key *, struct ovl_dest *, void *),
		    void *arg)
{
	struct fdb_walk w = { d, fn, arg };

	return map_walk(d, OVL_MAP_FDB, vni_filter, vni, fdb_walk_one, &w);
}

int map_neigh_foreach(struct ovld *d, bool vni_filter, __u32 vni,
		      int (*fn)(struct ovld *, const struct ovl_addr_key *, struct ovl_neigh *,
				void *),
		      void *arg)
{
	struct neigh_walk w = { d, fn, arg };

	return map_walk(d, OVL_MAP_NEIGH, vni_filter, vni, neigh_walk_one, &w);
}

int map_fdb_page(struct ovld *d, __u32 *pos, unsigned int max, bool *done,
		 int (*fn)(struct ovld *, const struct ovl_mac_key *, struct ovl_dest *, void *),
		 void *arg)
{
	struct fdb_walk w = { d, fn, arg };

	return map_page(d, OVL_MAP_FDB, pos, max, done, fdb_walk_one, &w);
}

int map_neigh_page(struct ovld *d, __u32 *pos, unsigned int max, bool *done,
		   int (*fn)(struct ovld *, const struct ovl_addr_key *, struct ovl_neigh *,
			     void *),
		   void *arg)
{
	struct neigh_walk w = { d, fn, arg };

	return map_page(d, OVL_MAP_NEIGH, pos, max, done, neigh_walk_one, &w);
}

struct peer_walk {
	struct ovld *d;
	__u32 vni;
};

static int peer_del_one(void *key, void *val, void *arg)
{
	const struct ovl_addr_key *k = key;
	struct peer_walk *w = arg;
	struct ovl_ip ip = { .family = k->family };

	(void)val;
	memcpy(ip.addr, k->addr, 16);
	map_peer_del(w->d, w->vni, &ip);
	return 0;
}

int map_peers_flush(struct ovld *d, __u32 vni)
{
	struct peer_walk w = { d, vni };

	return map_walk(d, OVL_MAP_PEERS, true, vni, peer_del_one, &w);
}

static int peer_list_one(void *key, void *val, void *arg)
{
	const struct ovl_addr_key *k = key;

	(void)val;
	return ovl_ip_vec_add(arg, k->family, k->addr);
}

struct peer_refresh {
	struct ovld *d;
	__u32 vni;
	struct ovl_peer want; /* map_peer_value() of the network's slot */
	int err;
};

static int peer_refresh_one(void *key, void *val, void *arg)
{
	const struct ovl_addr_key *k = key;
	struct peer_refresh *r = arg;
	struct ovl_ip ip = { .family = k->family };
	int err;

	if (!memcmp(val, &r->want, sizeof(r->want)))
		return 0;
	memcpy(ip.addr, k->addr, 16);
	err = map_peer_put(r->d, r->vni, &ip, r->want.vstat_slot);
	if (err && !r->err)
		r->err = err;
	return 0;
}

int map_peers_refresh(struct ovld *d, __u32 vni, __u32 vstat_slot)
{
	struct peer_refresh r = { .d = d, .vni = vni };
	int err;

	map_peer_value(&r.want, vstat_slot);
	err = map_walk(d, OVL_MAP_PEERS, true, vni, peer_refresh_one, &r);
	return err ? err : r.err;
}

int map_peers_list(struct ovld *d, __u32 vni, struct ovl_ip_vec *out)
{
	int err = map_walk(d, OVL_MAP_PEERS, true, vni, peer_list_one, out);

	if (err) {
		free(out->v);
		memset(out, 0, sizeof(*out));
	}
	return err;
}
