// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fake_dp.c - the data path ovld's core talks to in the unit tier, in
 * memory: the seam of "the daemon's map writes go through an interface a
 * unit test can replace" (STYLE.md section 10).
 *
 * What is real: every file of loader/ but the kernel's (see
 * OVLD_CORE_OBJS in loader/module.mk): the event loop, the events, the
 * miss path, overlays and their backends (the files backend reads a real
 * hosts.json, with inotify), endpoints, state.json, the control server on
 * a real socket. What is fake: the functions that dp.c, maps.c, pins.c,
 * xmit.c, caps.c, reconcile.c and cmd.c export and the core calls, all of them
 * defined here, so that test_unit links only when the fake is complete
 * (nothing is stubbed weakly elsewhere):
 *
 *   map_*     tables in memory, one per BPF map, keyed exactly as maps.c
 *             keys the real ones (zeroed keys, the same structs of
 *             ovl_abi.h), with the real max entries: a new key beyond
 *             them fails with -E2BIG as a kernel hash map does
 *             (fake_dp_set_max() lowers a limit to provoke it). The
 *             walks and pages visit slots in order; a slot index is the
 *             page cursor. The values are the real ones (model.c's
 *             ep_map_values(), ovl_dest_from_ip()).
 *   dp_*      the TC check, attach and veth preparation succeed and are
 *             counted; the ringbuf is an eventfd and a list of records
 *             (fake_dp_ring_push()).
 *   xmit_*    every frame is recorded (fake_dp_frame()), nothing is sent.
 *   ovld_cmd() ip and nft for a router zone: nothing is run, all succeed
 *             (the router zone is e2e's: router.sh and the others).
 *   pins_status(), reconcile()   nothing to say, nothing to do.
 *
 * What the kernel side does with the entries (encap, ARP answers in BPF)
 * is the packet tier's (tests/bpf); the real maps.c is exercised there and
 * in e2e.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/eventfd.h>
#include "ovld.h"
#include "fake_dp.h"

/* ---- tables --------------------------------------------------------------- */

struct table {
	const char *name;
	size_t ksz, vsz;
	unsigned int def_max, max;
	unsigned int n;	  /* entries */
	unsigned int cap; /* slots */
	bool *used;
	__u8 *keys, *vals;
};

static struct table tables[] = {
	{ OVL_MAP_VNIS, sizeof(__u32), sizeof(struct ovl_vni), OVL_MAX_VNIS },
	{ OVL_MAP_IFACES, sizeof(__u32), sizeof(struct ovl_iface), OVL_MAX_IFACES },
	{ OVL_MAP_ENDPOINTS, sizeof(struct ovl_mac_key), sizeof(struct ovl_endpoint),
	  OVL_MAX_ENDPOINTS },
	{ OVL_MAP_FDB, sizeof(struct ovl_mac_key), sizeof(struct ovl_dest), OVL_MAX_FDB },
	{ OVL_MAP_NEIGH, sizeof(struct ovl_addr_key), sizeof(struct ovl_neigh), OVL_MAX_NEIGH },
	{ OVL_MAP_PEERS, sizeof(struct ovl_addr_key), sizeof(struct ovl_peer), OVL_MAX_PEERS },
	{ OVL_MAP_VNI_STATS, sizeof(__u32), sizeof(struct ovl_vni_stats), OVL_MAX_VNIS },
	{ OVL_MAP_MISS_RL, sizeof(struct ovl_miss_key), sizeof(struct ovl_miss_rl),
	  OVL_MAX_MISS_RL },
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static struct table *table(const char *name)
{
	for (size_t i = 0; i < NTABLES; i++)
		if (!strcmp(tables[i].name, name))
			return &tables[i];
	return NULL;
}

static int slot_of(const struct table *t, const void *key)
{
	for (unsigned int i = 0; i < t->cap; i++)
		if (t->used[i] && !memcmp(t->keys + i * t->ksz, key, t->ksz))
			return (int)i;
	return -1;
}

static int t_lookup(const struct table *t, const void *key, void *val)
{
	int i = slot_of(t, key);

	if (i < 0)
		return -ENOENT;
	if (val)
		memcpy(val, t->vals + (size_t)i * t->vsz, t->vsz);
	return 0;
}

/* BPF_ANY, or BPF_NOEXIST with noexist. */
static int t_update(struct table *t, const void *key, const void *val, bool noexist)
{
	int i = slot_of(t, key);

	if (i >= 0 && noexist)
		return -EEXIST;
	if (i < 0) {
		if (t->n >= t->max)
			return -E2BIG;
		for (i = 0; i < (int)t->cap && t->used[i]; i++)
			;
		if (i == (int)t->cap) {
			unsigned int cap = t->cap ? t->cap * 2 : 16;
			bool *u = realloc(t->used, cap * sizeof(*u));
			__u8 *k = u ? realloc(t->keys, cap * t->ksz) : NULL;
			__u8 *v = k ? realloc(t->vals, cap * t->vsz) : NULL;

			if (u)
				t->used = u;
			if (k)
				t->keys = k;
			if (!v)
				return -ENOMEM;
			t->vals = v;
			memset(t->used + t->cap, 0, (cap - t->cap) * sizeof(*u));
			t->cap = cap;
		}
		t->used[i] = true;
		t->n++;
		memcpy(t->keys + (size_t)i * t->ksz, key, t->ksz);
	}
	memcpy(t->vals + (size_t)i * t->vsz, val, t->vsz);
	return 0;
}

static int t_delete(struct table *t, const void *key)
{
	int i = slot_of(t, key);

	if (i < 0)
		return -ENOENT;
	t->used[i] = false;
	t->n--;
	return 0;
}

static void t_clear(struct table *t)
{
	free(t->used);
	free(t->keys);
	free(t->vals);
	t->used = NULL;
	t->keys = t->vals = NULL;
	t->n = t->cap = 0;
	t->max = t->def_max;
}

/* The keys of every entry (of one VNI: the first member of every key),
 * collected first so that fn may delete what it is given; fn gets copies,
 * as from the kernel. */
static int t_foreach(struct table *t, bool vni_filter, __u32 vni,
		     int (*fn)(void *key, void *val, void *arg), void *arg)
{
	__u8 *keys = malloc((t->n ? t->n : 1) * t->ksz), *val = malloc(t->vsz);
	unsigned int n = 0;
	int err = 0;

	if (!keys || !val) {
		err = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < t->cap; i++) {
		__u32 key_vni;

		if (!t->used[i])
			continue;
		memcpy(&key_vni, t->keys + (size_t)i * t->ksz, sizeof(key_vni));
		if (vni_filter && key_vni != vni)
			continue;
		memcpy(keys + (size_t)n++ * t->ksz, t->keys + (size_t)i * t->ksz, t->ksz);
	}
	for (unsigned int i = 0; i < n && !err; i++) {
		if (t_lookup(t, keys + (size_t)i * t->ksz, val))
			continue; /* deleted meanwhile */
		err = fn(keys + (size_t)i * t->ksz, val, arg);
	}
out:
	free(keys);
	free(val);
	return err;
}

/* A page: the entries of the slots from *pos on, at most max of them. */
static int t_page(struct table *t, __u32 *pos, unsigned int max, bool *done,
		  int (*fn)(void *key, void *val, void *arg), void *arg)
{
	__u8 key[64], val[sizeof(struct ovl_vni_stats)];
	unsigned int got = 0, i;
	int err = 0;

	if (!max)
		max = 1;
	for (i = *pos; i < t->cap && got < max && !err; i++) {
		if (!t->used[i])
			continue;
		memcpy(key, t->keys + (size_t)i * t->ksz, t->ksz);
		memcpy(val, t->vals + (size_t)i * t->vsz, t->vsz);
		got++;
		err = fn(key, val, arg);
	}
	while (i < t->cap && !t->used[i])
		i++;
	*done = i >= t->cap;
	if (!err)
		*pos = *done ? 0 : i;
	return err;
}

/* ---- calls and failures ----------------------------------------------------- */

#define MAX_FNS 64

static struct {
	const char *fn;
	unsigned int calls;
	int fail;
} fns[MAX_FNS];

/* Count a call of fn; return the failure set for it (0: none). */
static int call(const char *fn)
{
	for (int i = 0; i < MAX_FNS; i++) {
		if (!fns[i].fn)
			fns[i].fn = fn;
		if (!strcmp(fns[i].fn, fn)) {
			fns[i].calls++;
			return fns[i].fail;
		}
	}
	abort(); /* a fake with more functions than MAX_FNS */
}

unsigned int fake_dp_calls(const char *fn)
{
	for (int i = 0; i < MAX_FNS && fns[i].fn; i++)
		if (!strcmp(fns[i].fn, fn))
			return fns[i].calls;
	return 0;
}

void fake_dp_fail(const char *fn, int err)
{
	for (int i = 0; i < MAX_FNS; i++) {
		if (!fns[i].fn)
			fns[i].fn = fn;
		if (!strcmp(fns[i].fn, fn)) {
			fns[i].fail = err;
			return;
		}
	}
	abort();
}

/* ---- frames and the ringbuf --------------------------------------------------- */

static struct fake_frame *frames;
static unsigned int nframes;

struct record {
	struct record *next;
	size_t len;
	__u8 data[];
};

static struct {
	int fd;
	int (*cb)(void *ctx, void *data, size_t size);
	void *ctx;
	struct record *head, **tail;
} ring = { .fd = -1 };

static void ring_drop(void)
{
	while (ring.head) {
		struct record *r = ring.head;

		ring.head = r->next;
		free(r);
	}
	ring.tail = &ring.head;
}

static int record_frame(enum fake_xmit_kind kind, const struct ovl_ip *ip, __u16 port, __u32 vni,
			int ifindex, const __u8 *data, size_t len)
{
	struct fake_frame *f = realloc(frames, (nframes + 1) * sizeof(*f));

	if (!f)
		return -ENOMEM;
	frames = f;
	f += nframes;
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	if (ip)
		f->ip = *ip;
	f->port = port;
	f->vni = vni;
	f->ifindex = ifindex;
	f->len = len;
	f->data = malloc(len ? len : 1);
	if (!f->data)
		return -ENOMEM;
	memcpy(f->data, data, len);
	nframes++;
	return 0;
}

void fake_dp_reset(void)
{
	for (size_t i = 0; i < NTABLES; i++)
		t_clear(&tables[i]);
	for (unsigned int i = 0; i < nframes; i++)
		free(frames[i].data);
	free(frames);
	frames = NULL;
	nframes = 0;
	memset(fns, 0, sizeof(fns));
	ring_drop();
}

unsigned int fake_dp_sent(void)
{
	return nframes;
}

const struct fake_frame *fake_dp_frame(unsigned int i)
{
	return i < nframes ? &frames[i] : NULL;
}

int fake_dp_entries(const char *map)
{
	const struct table *t = table(map);

	return t ? (int)t->n : -1;
}

int fake_dp_set_max(const char *map, unsigned int max)
{
	struct table *t = table(map);

	if (!t)
		return -ENOENT;
	t->max = max;
	return 0;
}

int fake_dp_ring_push(const void *rec, size_t len)
{
	struct record *r = malloc(sizeof(*r) + len);
	__u64 one = 1;

	if (!r)
		return -ENOMEM;
	r->next = NULL;
	r->len = len;
	memcpy(r->data, rec, len);
	if (!ring.tail)
		ring.tail = &ring.head;
	*ring.tail = r;
	ring.tail = &r->next;
	if (ring.fd >= 0 && write(ring.fd, &one, sizeof(one)) != sizeof(one))
		return -errno;
	return 0;
}

bool fake_dp_iface(__u32 ifindex, struct ovl_iface *out)
{
	return !t_lookup(table(OVL_MAP_IFACES), &ifindex, out);
}

bool fake_dp_endpoint(__u32 vni, const __u8 mac[6], struct ovl_endpoint *out)
{
	struct ovl_mac_key k;

	map_mac_key(&k, vni, mac);
	return !t_lookup(table(OVL_MAP_ENDPOINTS), &k, out);
}

bool fake_dp_vni(__u32 vni, struct ovl_vni *out)
{
	return !t_lookup(table(OVL_MAP_VNIS), &vni, out);
}

bool fake_dp_peer(__u32 vni, const struct ovl_ip *ip)
{
	struct ovl_peer p;

	return fake_dp_peer_get(vni, ip, &p);
}

bool fake_dp_peer_get(__u32 vni, const struct ovl_ip *ip, struct ovl_peer *out)
{
	struct ovl_addr_key k;

	map_addr_key(&k, vni, ip);
	return !t_lookup(table(OVL_MAP_PEERS), &k, out);
}

int fake_dp_peer_set(__u32 vni, const struct ovl_ip *ip, const struct ovl_peer *p)
{
	struct ovl_addr_key k;

	map_addr_key(&k, vni, ip);
	return t_update(table(OVL_MAP_PEERS), &k, p, false);
}

/* ---- maps.c ------------------------------------------------------------------ */

#define FAIL_OR(fn)                                                                                \
	do {                                                                                       \
		int ___e = call(fn);                                                               \
		if (___e)                                                                          \
			return ___e;                                                               \
	} while (0)

int map_vni_put(struct ovld *d, __u32 vni, const struct ovl_vni *v)
{
	(void)d;
	FAIL_OR(__func__);
	return t_update(table(OVL_MAP_VNIS), &vni, v, false);
}

int map_vni_del(struct ovld *d, __u32 vni)
{
	int err;

	(void)d;
	FAIL_OR(__func__);
	err = t_delete(table(OVL_MAP_VNIS), &vni);
	return err == -ENOENT ? 0 : err;
}

int map_fdb_put(struct ovld *d, __u32 vni, const __u8 mac[6], const struct ovl_dest *dst)
{
	struct ovl_mac_key k;

	(void)d;
	FAIL_OR(__func__);
	map_mac_key(&k, vni, mac);
	return t_update(table(OVL_MAP_FDB), &k, dst, false);
}

int map_fdb_get(struct ovld *d, __u32 vni, const __u8 mac[6], struct ovl_dest *dst)
{
	struct ovl_mac_key k;

	(void)d;
	FAIL_OR(__func__);
	map_mac_key(&k, vni, mac);
	return t_lookup(table(OVL_MAP_FDB), &k, dst);
}

int map_fdb_del(struct ovld *d, __u32 vni, const __u8 mac[6])
{
	struct ovl_mac_key k;

	(void)d;
	FAIL_OR(__func__);
	map_mac_key(&k, vni, mac);
	return t_delete(table(OVL_MAP_FDB), &k);
}

int map_neigh_put(struct ovld *d, __u32 vni, const struct ovl_ip *ip, const __u8 mac[6],
		  __u16 flags)
{
	struct ovl_addr_key k;
	struct ovl_neigh n;

	(void)d;
	FAIL_OR(__func__);
	map_addr_key(&k, vni, ip);
	memset(&n, 0, sizeof(n));
	memcpy(n.mac, mac, 6);
	n.flags = flags;
	return t_update(table(OVL_MAP_NEIGH), &k, &n, false);
}

int map_neigh_get(struct ovld *d, __u32 vni, const struct ovl_ip *ip, struct ovl_neigh *n)
{
	struct ovl_addr_key k;

	(void)d;
	FAIL_OR(__func__);
	map_addr_key(&k, vni, ip);
	return t_lookup(table(OVL_MAP_NEIGH), &k, n);
}

int map_neigh_del(struct ovld *d, __u32 vni, const struct ovl_ip *ip)
{
	struct ovl_addr_key k;

	(void)d;
	FAIL_OR(__func__);
	map_addr_key(&k, vni, ip);
	return t_delete(table(OVL_MAP_NEIGH), &k);
}

int map_peer_put(struct ovld *d, __u32 vni, const struct ovl_ip *ip, __u32 vstat_slot)
{
	struct ovl_addr_key k;
	struct ovl_peer p;

	(void)d;
	FAIL_OR(__func__);
	map_peer_value(&p, vstat_slot);
	map_addr_key(&k, vni, ip);
	return t_update(table(OVL_MAP_PEERS), &k, &p, false);
}

int map_peer_del(struct ovld *d, __u32 vni, const struct ovl_ip *ip)
{
	struct ovl_addr_key k;

	(void)d;
	FAIL_OR(__func__);
	map_addr_key(&k, vni, ip);
	return t_delete(table(OVL_MAP_PEERS), &k);
}

int map_ep_put(struct ovld *d, const struct ovl_ep *ep)
{
	__u32 ifindex = (__u32)ep->host_ifindex;
	struct ovl_endpoint e;
	struct ovl_iface ifc;
	struct ovl_mac_key k;
	int err;

	(void)d;
	FAIL_OR(__func__);
	ep_map_values(ep, &ifc, &e);
	err = t_update(table(OVL_MAP_IFACES), &ifindex, &ifc, false);
	if (err)
		return err;
	map_mac_key(&k, ep->vni, ep->mac);
	return t_update(table(OVL_MAP_ENDPOINTS), &k, &e, false);
}

int map_ep_del(struct ovld *d, const struct ovl_ep *ep)
{
	__u32 ifindex = (__u32)ep->host_ifindex;
	struct ovl_endpoint e;
	struct ovl_mac_key k;

	(void)d;
	FAIL_OR(__func__);
	map_mac_key(&k, ep->vni, ep->mac);
	if (!t_lookup(table(OVL_MAP_ENDPOINTS), &k, &e) && e.ifindex == ifindex)
		t_delete(table(OVL_MAP_ENDPOINTS), &k);
	t_delete(table(OVL_MAP_IFACES), &ifindex);
	return 0;
}

int map_count(struct ovld *d, const char *name, __u32 *entries, __u32 *max)
{
	const struct table *t = table(name);

	(void)d;
	FAIL_OR(__func__);
	if (!t)
		return -ENOENT;
	*entries = t->n;
	*max = t->max;
	return 0;
}

int map_stats_read(struct ovld *d, struct ovl_stat *out, __u32 n)
{
	(void)d;
	FAIL_OR(__func__);
	memset(out, 0, sizeof(*out) * n);
	return 0;
}

/* One CPU's counters: what the real one sums over every CPU. */
int map_vni_stats_create(struct ovld *d, __u32 vni)
{
	struct ovl_vni_stats zero;
	int err;

	(void)d;
	FAIL_OR(__func__);
	memset(&zero, 0, sizeof(zero));
	err = t_update(table(OVL_MAP_VNI_STATS), &vni, &zero, true);
	if (err == -EEXIST)
		return 0;
	return err ? err : 1;
}

int map_vni_stats_del(struct ovld *d, __u32 vni)
{
	int err;

	(void)d;
	FAIL_OR(__func__);
	err = t_delete(table(OVL_MAP_VNI_STATS), &vni);
	return err == -ENOENT ? 0 : err;
}

/* The lowest slot no other overlay has (the fake has no ovl_vni_cnt: its
 * counters stay in the ovl_vni_stats table). */
__u32 map_vni_slot_pick(struct ovld *d, __u32 vni)
{
	__u32 slot = 1;

	for (bool taken = true; taken && slot <= OVL_MAX_VNI_SLOTS; slot += taken) {
		taken = false;
		for (const struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
			taken |= ov->vni != vni && ov->vstat_slot == slot;
	}
	return slot <= OVL_MAX_VNI_SLOTS ? slot : 0;
}

int map_vni_stats_read(struct ovld *d, const struct ovl_overlay *ov,
		       struct ovl_stat out[OVL_VSTAT_MAX])
{
	struct ovl_vni_stats s;
	int err;

	(void)d;
	memset(out, 0, sizeof(*out) * OVL_VSTAT_MAX);
	FAIL_OR(__func__);
	err = t_lookup(table(OVL_MAP_VNI_STATS), &ov->vni, &s);
	if (!err)
		memcpy(out, s.s, sizeof(*out) * OVL_VSTAT_MAX);
	return err;
}

/* No table of ovl_vni_drops: every reason at zero. */
int map_vni_drops_read(struct ovld *d, __u32 vni, struct ovl_stat out[OVL_VDROPS])
{
	(void)d;
	(void)vni;
	memset(out, 0, sizeof(*out) * OVL_VDROPS);
	FAIL_OR(__func__);
	return 0;
}

/* ---- dp.c ---------------------------------------------------------------------- */

int dp_tc_check(struct ovld *d, int ifindex, const char *ifname, char *err, size_t errlen)
{
	int ret = call(__func__);

	(void)d;
	if (ret)
		snprintf(err, errlen, "%s (ifindex %d): fake_dp_fail", ifname, ifindex);
	return ret;
}

int dp_attach_tc(struct ovld *d, int ifindex, const char *ifname)
{
	(void)d;
	(void)ifindex;
	(void)ifname;
	return call(__func__);
}

int dp_prepare_veth(const char *ifname)
{
	(void)ifname;
	return call(__func__);
}

int dp_write_config(struct ovld *d)
{
	(void)d;
	return call(__func__);
}

int dp_events_open(struct ovld *d, int (*cb)(void *ctx, void *data, size_t size), void *ctx)
{
	int err = call(__func__);

	(void)d;
	if (err)
		return err;
	ring.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ring.fd < 0)
		return -errno;
	ring.cb = cb;
	ring.ctx = ctx;
	if (!ring.tail)
		ring.tail = &ring.head;
	if (ring.head) /* pushed before: readable now */
		return eventfd_write(ring.fd, 1) ? -errno : ring.fd;
	return ring.fd;
}

int dp_events_consume(struct ovld *d)
{
	eventfd_t v;
	int n = 0, err = call(__func__);

	(void)d;
	if (err)
		return err;
	if (ring.fd >= 0)
		eventfd_read(ring.fd, &v);
	while (ring.head && ring.cb) {
		struct record *r = ring.head;

		ring.head = r->next;
		if (!ring.head)
			ring.tail = &ring.head;
		ring.cb(ring.ctx, r->data, r->len);
		free(r);
		n++;
	}
	return n;
}

void dp_events_close(struct ovld *d)
{
	(void)d;
	call(__func__);
	if (ring.fd >= 0)
		close(ring.fd);
	ring.fd = -1;
	ring.cb = NULL;
	ring_drop();
}

json_t *dp_programs_json(struct ovld *d, __u32 *xdp_id)
{
	(void)d;
	call(__func__);
	*xdp_id = 0;
	return json_array();
}

json_t *dp_kernel_json(const struct ovld *d)
{
	(void)d;
	call(__func__);
	return json_pack("{s:s, s:s, s:[]}", "release", "fake", "minimum", "fake", "features");
}

/* ---- pins.c, reconcile.c --------------------------------------------------------- */

json_t *pins_status(const struct ovld *d)
{
	(void)d;
	call(__func__);
	return json_null();
}

void reconcile(struct ovld *d)
{
	(void)d;
	call(__func__);
}

/* ---- cmd.c ----------------------------------------------------------------------- */

int ovld_cmd(int nsfd, const char *input, const char *what, char *err, size_t errlen,
	     const char *const argv[])
{
	(void)nsfd;
	(void)input;
	(void)what;
	(void)err;
	(void)errlen;
	(void)argv;
	return 0;
}

/* ---- xmit.c ---------------------------------------------------------------------- */

int xmit_open(struct ovld *d)
{
	(void)d;
	return call(__func__);
}

void xmit_close(struct ovld *d)
{
	(void)d;
	call(__func__);
}

int xmit_vxlan(struct ovld *d, const struct ovl_ip *ip, __u16 port, __u32 vni, const __u8 *frame,
	       size_t len)
{
	int err = call(__func__);

	(void)d;
	return err ? err : record_frame(FAKE_XMIT_VXLAN, ip, port, vni, 0, frame, len);
}

int xmit_inject(struct ovld *d, int ifindex, const __u8 *frame, size_t len)
{
	int err = call(__func__);

	(void)d;
	return err ? err : record_frame(FAKE_XMIT_INJECT, NULL, 0, 0, ifindex, frame, len);
}

int map_walk(struct ovld *d, const char *map, bool vni_filter, __u32 vni, map_entry_fn fn,
	     void *arg)
{
	(void)d;
	FAIL_OR(__func__);
	return t_foreach(table(map), vni_filter, vni, fn, arg);
}

int map_page(struct ovld *d, const char *map, __u32 *pos, unsigned int max, bool *done,
	     map_entry_fn fn, void *arg)
{
	(void)d;
	FAIL_OR(__func__);
	return t_page(table(map), pos, max, done, fn, arg);
}

int dp_shape(struct ovld *d, const struct ovl_ep *ep, char *err, size_t errlen)
{
	int ret;

	(void)d;
	(void)ep;
	ret = call(__func__);
	if (ret)
		snprintf(err, errlen, "fake dp_shape failed");
	return ret;
}
