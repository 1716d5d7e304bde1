// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * maps.c - typed access to the maps of ovl_abi.h. Every key is zeroed
 * before its fields are set: the kernel hashes the padding too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "ovld.h"
#include "log.h"

#define MAPFD(d, m) bpf_map__fd((d)->skel->maps.m)

static int ret_errno(int err)
{
	return err ? -errno : 0;
}

int map_vni_put(struct ovld *d, __u32 vni, const struct ovl_vni *v)
{
	return ret_errno(bpf_map_update_elem(MAPFD(d, ovl_vnis), &vni, v, BPF_ANY));
}

int map_vni_del(struct ovld *d, __u32 vni)
{
	int err = ret_errno(bpf_map_delete_elem(MAPFD(d, ovl_vnis), &vni));

	return err == -ENOENT ? 0 : err;
}

/*
 * ovl_fdb holds the local endpoints too (OVL_AF_LOCAL, ovl_abi.h), written
 * and removed by map_ep_put() and map_ep_del() only. The map_fdb_*()
 * functions are about remote MACs: they neither see nor touch a local
 * entry (ovld is the only writer, and single-threaded: nothing comes
 * between the look and the write).
 */
static bool fdb_local(int fd, const struct ovl_mac_key *k)
{
	struct ovl_dest v;

	return !bpf_map_lookup_elem(fd, k, &v) && v.family == OVL_AF_LOCAL;
}

int map_fdb_put(struct ovld *d, __u32 vni, const __u8 mac[6], const struct ovl_dest *dst)
{
	struct ovl_mac_key k;

	map_mac_key(&k, vni, mac);
	if (fdb_local(MAPFD(d, ovl_fdb), &k))
		return -EEXIST; /* a local endpoint has the MAC */
	return ret_errno(bpf_map_update_elem(MAPFD(d, ovl_fdb), &k, dst, BPF_ANY));
}

int map_fdb_get(struct ovld *d, __u32 vni, const __u8 mac[6], struct ovl_dest *dst)
{
	struct ovl_mac_key k;
	int err;

	map_mac_key(&k, vni, mac);
	err = ret_errno(bpf_map_lookup_elem(MAPFD(d, ovl_fdb), &k, dst));
	return !err && dst->family == OVL_AF_LOCAL ? -ENOENT : err;
}

int map_fdb_del(struct ovld *d, __u32 vni, const __u8 mac[6])
{
	struct ovl_mac_key k;

	map_mac_key(&k, vni, mac);
	if (fdb_local(MAPFD(d, ovl_fdb), &k))
		return -ENOENT;
	return ret_errno(bpf_map_delete_elem(MAPFD(d, ovl_fdb), &k));
}

int map_neigh_put(struct ovld *d, __u32 vni, const struct ovl_ip *ip, const __u8 mac[6],
		  __u16 flags)
{
	struct ovl_addr_key k;
	struct ovl_neigh n;

	map_addr_key(&k, vni, ip);
	memset(&n, 0, sizeof(n));
	memcpy(n.mac, mac, 6);
	n.flags = flags;
	return ret_errno(bpf_map_update_elem(MAPFD(d, ovl_neigh), &k, &n, BPF_ANY));
}

int map_neigh_get(struct ovld *d, __u32 vni, const struct ovl_ip *ip, struct ovl_neigh *n)
{
	struct ovl_addr_key k;

	map_addr_key(&k, vni, ip);
	return ret_errno(bpf_map_lookup_elem(MAPFD(d, ovl_neigh), &k, n));
}

int map_neigh_del(struct ovld *d, __u32 vni, const struct ovl_ip *ip)
{
	struct ovl_addr_key k;

	map_addr_key(&k, vni, ip);
	return ret_errno(bpf_map_delete_elem(MAPFD(d, ovl_neigh), &k));
}

int map_peer_put(struct ovld *d, __u32 vni, const struct ovl_ip *ip, __u32 vstat_slot)
{
	struct ovl_addr_key k;
	struct ovl_peer p;

	map_peer_value(&p, vstat_slot);
	map_addr_key(&k, vni, ip);
	return ret_errno(bpf_map_update_elem(MAPFD(d, ovl_peers), &k, &p, BPF_ANY));
}

/*
 * Walk a hash map, calling fn on the entries of one VNI (the VNI is the
 * first member of every key). Keys are collected first so that fn may
 * delete what it is given without derailing the walk.
 */
static int foreach_vni(int fd, size_t ksz, size_t vsz, bool vni_filter, __u32 vni,
		       int (*fn)(void *key, void *val, void *arg), void *arg)
{
	size_t cap = 1024, n = 0;
	char *keys = malloc(cap * ksz), *val = malloc(vsz), *cur = malloc(ksz);
	bool first = true;
	int err = 0;

	if (!keys || !val || !cur) {
		err = -ENOMEM;
		goto out;
	}
	while (!bpf_map_get_next_key(fd, first ? NULL : cur, cur)) {
		__u32 key_vni;

		first = false;
		memcpy(&key_vni, cur, sizeof(key_vni));
		if (vni_filter && key_vni != vni)
			continue;
		if (n == cap) {
			char *k = realloc(keys, cap * 2 * ksz);

			if (!k) {
				err = -ENOMEM;
				goto out;
			}
			keys = k;
			cap *= 2;
		}
		memcpy(keys + n * ksz, cur, ksz);
		n++;
	}
	for (size_t i = 0; i < n && !err; i++) {
		if (bpf_map_lookup_elem(fd, keys + i * ksz, val))
			continue; /* deleted meanwhile */
		err = fn(keys + i * ksz, val, arg);
	}
out:
	free(keys);
	free(val);
	free(cur);
	return err;
}

/*
 * One page of a hash map, for listings that span several requests: the
 * entries of the hash buckets from *pos on, as many whole buckets as fit
 * in max entries (more only when the first bucket alone holds more), read
 * with BPF_MAP_LOOKUP_BATCH. A bucket index is a cursor that survives
 * deletions between pages (a key would not: get_next_key on a deleted key
 * starts over), and an entry that stays in the map is listed exactly once
 * (an update replaces it within its own bucket). *pos becomes the bucket
 * to start the next page from; *done is set when no bucket is left.
 */
static int page_batch(int fd, size_t ksz, size_t vsz, __u32 *pos, unsigned int max, bool *done,
		      int (*fn)(void *key, void *val, void *arg), void *arg)
{
	unsigned int cap = max ? max : 1, got = 0;
	char *keys = malloc((size_t)cap * ksz), *vals = malloc((size_t)cap * vsz);
	__u32 in = *pos;
	int err = 0;

	*done = false;
	if (!keys || !vals)
		err = -ENOMEM;
	while (!err && !*done && got < cap) {
		__u32 want = cap - got, n = want, out = UINT32_MAX;

		if (bpf_map_lookup_batch(fd, &in, &out, keys, vals, &n, NULL)) {
			err = -errno;
			if (err == -ENOENT) {
				/* The end, with the last n entries; a cursor past
				 * the last bucket fails before counting anything. */
				*done = true;
				if (out == UINT32_MAX)
					n = 0;
			} else if (err == -ENOSPC && got) {
				err = 0;
				break; /* the next bucket does not fit: the page ends */
			} else if (err == -ENOSPC && cap < (1u << 16)) {
				/* One bucket holds more than max: take it whole. */
				char *k = realloc(keys, (size_t)cap * 2 * ksz);

				keys = k ? k : keys;
				k = k ? realloc(vals, (size_t)cap * 2 * vsz) : NULL;
				vals = k ? k : vals;
				err = k ? 0 : -ENOMEM;
				cap *= 2;
				continue;
			} else {
				break;
			}
			err = 0;
		}
		for (__u32 i = 0; i < n && !err; i++)
			err = fn(keys + (size_t)i * ksz, vals + (size_t)i * vsz, arg);
		got += n;
		if (*done)
			break;
		in = out;
		if (n < want || !n)
			break; /* the next bucket does not fit in what is left */
	}
	if (!err)
		*pos = *done ? 0 : in;
	free(keys);
	free(vals);
	return err;
}

int map_peer_del(struct ovld *d, __u32 vni, const struct ovl_ip *ip)
{
	struct ovl_addr_key k;

	map_addr_key(&k, vni, ip);
	return ret_errno(bpf_map_delete_elem(MAPFD(d, ovl_peers), &k));
}

int map_ep_put(struct ovld *d, const struct ovl_ep *ep)
{
	const struct ovl_overlay *ov;
	__u32 ifindex = (__u32)ep->host_ifindex;
	struct ovl_endpoint e;
	struct ovl_iface ifc;
	struct ovl_dest local;
	struct ovl_mac_key k;
	int err;

	ep_map_values(ep, &ifc, &e);
	ov = overlay_by_vni(d, ep->vni);
	ifc.vstat_slot = ov ? ov->vstat_slot : 0;
	/* Link protection first: a frame from the veth must never meet an
	 * endpoint entry without its iface entry. */
	err = ret_errno(bpf_map_update_elem(MAPFD(d, ovl_ifaces), &ifindex, &ifc, BPF_ANY));
	if (err)
		return err;
	map_mac_key(&k, ep->vni, ep->mac);
	err = ret_errno(bpf_map_update_elem(MAPFD(d, ovl_endpoints), &k, &e, BPF_ANY));
	if (err)
		return err;
	/* The TC path's one lookup (ovl_abi.h, ovl_fdb). Where ovl_fdb is full
	 * it finds the endpoint in ovl_endpoints instead, a lookup later. */
	memset(&local, 0, sizeof(local));
	local.family = OVL_AF_LOCAL;
	memcpy(local.addr, &e, sizeof(e));
	if (bpf_map_update_elem(MAPFD(d, ovl_fdb), &k, &local, BPF_ANY))
		pr_debug("%s: no %s entry for %s (%s): it is found in %s", ep->host_ifname,
			 OVL_MAP_FDB, ep->id, strerror(errno), OVL_MAP_ENDPOINTS);
	return 0;
}

int map_ep_del(struct ovld *d, const struct ovl_ep *ep)
{
	__u32 ifindex = (__u32)ep->host_ifindex;
	struct ovl_dest local;
	struct ovl_endpoint e;
	struct ovl_mac_key k;

	map_mac_key(&k, ep->vni, ep->mac);
	/* Only remove the endpoint entries if they still point at this veth. */
	if (!bpf_map_lookup_elem(MAPFD(d, ovl_fdb), &k, &local) && local.family == OVL_AF_LOCAL) {
		memcpy(&e, local.addr, sizeof(e));
		if (e.ifindex == ifindex)
			bpf_map_delete_elem(MAPFD(d, ovl_fdb), &k);
	}
	if (!bpf_map_lookup_elem(MAPFD(d, ovl_endpoints), &k, &e) && e.ifindex == ifindex)
		bpf_map_delete_elem(MAPFD(d, ovl_endpoints), &k);
	bpf_map_delete_elem(MAPFD(d, ovl_ifaces), &ifindex);
	return 0;
}

int map_count(struct ovld *d, const char *name, __u32 *entries, __u32 *max)
{
	struct bpf_map *m = bpf_object__find_map_by_name(d->skel->obj, name);
	char key[64], prev[64];
	__u32 n = 0;
	int fd;

	if (!m)
		return -ENOENT;
	fd = bpf_map__fd(m);
	*max = bpf_map__max_entries(m);
	if (bpf_map__key_size(m) > sizeof(key))
		return -E2BIG;
	if (!bpf_map_get_next_key(fd, NULL, key)) {
		do {
			n++;
			memcpy(prev, key, sizeof(key));
		} while (!bpf_map_get_next_key(fd, prev, key));
	}
	*entries = n;
	return 0;
}

/* A zeroed entry of size bytes per CPU for vni in the per-CPU hash fd.
 * Return: 1 made, 0 there already, or -errno. */
static int percpu_entry_create(int fd, __u32 vni, size_t size)
{
	int ncpu = libbpf_num_possible_cpus(), err;
	void *zero;

	if (ncpu < 1)
		return -EINVAL;
	zero = calloc((size_t)ncpu, size);
	if (!zero)
		return -ENOMEM;
	err = ret_errno(bpf_map_update_elem(fd, &vni, zero, BPF_NOEXIST));
	free(zero);
	if (err == -EEXIST)
		return 0;
	return err ? err : 1;
}

/* The n counters of vni in the per-CPU hash fd (values of size bytes),
 * summed over the CPUs into out. */
static int percpu_entry_read(int fd, __u32 vni, size_t size, struct ovl_stat *out, int n)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	__u8 *percpu;

	memset(out, 0, sizeof(*out) * (size_t)n);
	if (ncpu < 1)
		return -EINVAL;
	percpu = calloc((size_t)ncpu, size);
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &vni, percpu))
		err = -errno;
	for (int c = 0; !err && c < ncpu; c++) {
		const struct ovl_stat *s = (const struct ovl_stat *)(percpu + (size_t)c * size);

		for (int i = 0; i < n; i++) {
			out[i].packets += s[i].packets;
			out[i].bytes += s[i].bytes;
		}
	}
	free(percpu);
	return err;
}

/*
 * The ovl_vni_stats and ovl_vni_drops entries of a network: BPF only counts
 * into entries ovld made (a forged VNI cannot grow the maps). Made zeroed on
 * every CPU when absent; ones that exist (ovld restarted over its maps) keep
 * their counts.
 * Return: 1 made (ovl_vni_stats), 0 there already, or -errno.
 */
int map_vni_stats_create(struct ovld *d, __u32 vni)
{
	int made, err;

	made = percpu_entry_create(MAPFD(d, ovl_vni_stats), vni, sizeof(struct ovl_vni_stats));
	if (made < 0)
		return made;
	err = percpu_entry_create(MAPFD(d, ovl_vni_drops), vni, sizeof(struct ovl_vni_drops));
	if (err < 0) {
		if (made == 1)
			bpf_map_delete_elem(MAPFD(d, ovl_vni_stats), &vni);
		return err;
	}
	return made;
}

int map_vni_stats_del(struct ovld *d, __u32 vni)
{
	int err = ret_errno(bpf_map_delete_elem(MAPFD(d, ovl_vni_stats), &vni));
	int err2 = ret_errno(bpf_map_delete_elem(MAPFD(d, ovl_vni_drops), &vni));

	if (err == -ENOENT)
		err = 0;
	return err ? err : err2 == -ENOENT ? 0 : err2;
}

/* Mark the slots that ovl_vnis entries of other networks name: those of
 * overlays not restored yet after a restart keep theirs. */
static void slots_pinned(struct ovld *d, __u32 vni, bool *used)
{
	int fd = MAPFD(d, ovl_vnis);
	__u32 key, next;
	struct ovl_vni v;

	for (bool first = true; !bpf_map_get_next_key(fd, first ? NULL : &key, &next);
	     first = false) {
		key = next;
		if (key != vni && !bpf_map_lookup_elem(fd, &key, &v) &&
		    v.vstat_slot <= OVL_MAX_VNI_SLOTS)
			used[v.vstat_slot] = true;
	}
}

/*
 * The ovl_vni_cnt slot of network vni (ovl_abi.h): the one its pinned
 * ovl_vnis entry names when no other overlay has it (a restart: the counts
 * go on), else the lowest one neither an overlay nor a pinned entry has,
 * zeroed first. 0 when none is free or the zeroing fails: the network is
 * then counted in ovl_vni_stats alone.
 */
__u32 map_vni_slot_pick(struct ovld *d, __u32 vni)
{
	static bool used[OVL_MAX_VNI_SLOTS + 1];
	int ncpu = libbpf_num_possible_cpus();
	struct ovl_vni v;
	__u32 slot;
	void *zero;
	int err;

	memset(used, 0, sizeof(used));
	for (const struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		if (ov->vni != vni && ov->vstat_slot <= OVL_MAX_VNI_SLOTS)
			used[ov->vstat_slot] = true;
	if (!bpf_map_lookup_elem(MAPFD(d, ovl_vnis), &vni, &v) && v.vstat_slot &&
	    v.vstat_slot <= OVL_MAX_VNI_SLOTS && !used[v.vstat_slot])
		return v.vstat_slot;
	slots_pinned(d, vni, used);
	for (slot = 1; slot <= OVL_MAX_VNI_SLOTS && used[slot]; slot++)
		;
	if (slot > OVL_MAX_VNI_SLOTS || ncpu < 1)
		return 0;
	zero = calloc((size_t)ncpu, sizeof(struct ovl_vni_stats));
	if (!zero)
		return 0;
	err = ret_errno(bpf_map_update_elem(MAPFD(d, ovl_vni_cnt), &slot, zero, BPF_ANY));
	free(zero);
	if (err) {
		pr_warn("vni %u: zero its slot %u of %s: %s; counted in %s", vni, slot,
			OVL_MAP_VNI_CNT, strerror(-err), OVL_MAP_VNI_STATS);
		return 0;
	}
	return slot;
}

/* An overlay's counters: its ovl_vni_stats entry and its ovl_vni_cnt slot. */
int map_vni_stats_read(struct ovld *d, const struct ovl_overlay *ov,
		       struct ovl_stat out[OVL_VSTAT_MAX])
{
	struct ovl_stat slot[OVL_VSTAT_MAX];
	int err;

	err = percpu_entry_read(MAPFD(d, ovl_vni_stats), ov->vni, sizeof(struct ovl_vni_stats), out,
				OVL_VSTAT_MAX);
	if (err || !ov->vstat_slot)
		return err;
	err = percpu_entry_read(MAPFD(d, ovl_vni_cnt), ov->vstat_slot, sizeof(struct ovl_vni_stats),
				slot, OVL_VSTAT_MAX);
	for (int i = 0; !err && i < OVL_VSTAT_MAX; i++) {
		out[i].packets += slot[i].packets;
		out[i].bytes += slot[i].bytes;
	}
	return err;
}

int map_vni_drops_read(struct ovld *d, __u32 vni, struct ovl_stat out[OVL_VDROPS])
{
	return percpu_entry_read(MAPFD(d, ovl_vni_drops), vni, sizeof(struct ovl_vni_drops), out,
				 OVL_VDROPS);
}

int map_stats_read(struct ovld *d, struct ovl_stat *out, __u32 n)
{
	int ncpu = libbpf_num_possible_cpus(), fd = MAPFD(d, ovl_stats);
	struct ovl_stat *percpu;

	if (ncpu < 1)
		return -EINVAL;
	percpu = calloc((size_t)ncpu, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (__u32 i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		if (bpf_map_lookup_elem(fd, &i, percpu))
			continue;
		for (int c = 0; c < ncpu; c++) {
			out[i].packets += percpu[c].packets;
			out[i].bytes += percpu[c].bytes;
		}
	}
	free(percpu);
	return 0;
}

/* The fd and sizes of the map a walk or page asks for. */
static int walk_map(struct ovld *d, const char *map, size_t *ksz, size_t *vsz)
{
	if (!strcmp(map, OVL_MAP_FDB)) {
		*ksz = sizeof(struct ovl_mac_key);
		*vsz = sizeof(struct ovl_dest);
		return MAPFD(d, ovl_fdb);
	}
	if (!strcmp(map, OVL_MAP_NEIGH)) {
		*ksz = sizeof(struct ovl_addr_key);
		*vsz = sizeof(struct ovl_neigh);
		return MAPFD(d, ovl_neigh);
	}
	if (!strcmp(map, OVL_MAP_PEERS)) {
		*ksz = sizeof(struct ovl_addr_key);
		*vsz = sizeof(__u32);
		return MAPFD(d, ovl_peers);
	}
	return -EINVAL;
}

int map_walk(struct ovld *d, const char *map, bool vni_filter, __u32 vni, map_entry_fn fn,
	     void *arg)
{
	size_t ksz, vsz;
	int fd = walk_map(d, map, &ksz, &vsz);

	return fd < 0 ? fd : foreach_vni(fd, ksz, vsz, vni_filter, vni, fn, arg);
}

int map_page(struct ovld *d, const char *map, __u32 *pos, unsigned int max, bool *done,
	     map_entry_fn fn, void *arg)
{
	size_t ksz, vsz;
	int fd = walk_map(d, map, &ksz, &vsz);

	return fd < 0 ? fd : page_batch(fd, ksz, vsz, pos, max, done, fn, arg);
}
