// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * learn.c - what a backend said, into the maps: where a MAC lives (ovl_fdb)
 * and who owns an address (ovl_neigh), written without the STATIC flag so
 * that a reload or a backend's change revalidates them (overlay.c); what
 * it did not know, into a negative cache for OVL_NEG_TTL_NS, so that a
 * burst of misses for one unknown key costs one lookup. A change the
 * backend reports (OVL_EV_CHANGED) forgets the negative entries it may
 * have made wrong: a reload the overlay's, a change the one key's.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include "ovld.h"
#include "backend.h"
#include "events.h"
#include "names.h"

#define NEG_SLOTS      4096
#define OVL_NEG_TTL_NS (2ull * 1000 * 1000 * 1000)

/* Negative cache: direct-mapped by a 64-bit hash of (vni, type, key). */
static struct {
	__u64 key;
	__u64 expires;
	__u32 vni;
} neg[NEG_SLOTS];

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static __u64 neg_hash(__u32 vni, __u16 type, const __u8 *key, size_t len)
{
	__u64 h = 0xcbf29ce484222325ull;

	h = (h ^ vni) * 0x100000001b3ull;
	h = (h ^ type) * 0x100000001b3ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ key[i]) * 0x100000001b3ull;
	return h | 1; /* never 0: 0 marks an empty slot */
}

static bool neg_hit(__u64 h)
{
	unsigned int slot = (unsigned int)(h % NEG_SLOTS);

	return neg[slot].key == h && neg[slot].expires > now_ns();
}

static void neg_add(__u64 h, __u32 vni)
{
	unsigned int slot = (unsigned int)(h % NEG_SLOTS);

	neg[slot].key = h;
	neg[slot].vni = vni;
	neg[slot].expires = now_ns() + OVL_NEG_TTL_NS;
}

static void neg_forget(__u64 h)
{
	unsigned int slot = (unsigned int)(h % NEG_SLOTS);

	if (neg[slot].key == h)
		neg[slot].key = 0;
}

/* OVL_EV_CHANGED: what the backend may now know is no longer "unknown". */
static void on_changed(struct ovld *d, enum ovl_ev_kind kind, const void *data, void *arg)
{
	const struct ovl_change *c = data;
	__u32 vni = c->ov->vni;

	(void)d;
	(void)kind;
	(void)arg;
	if (c->what == OVL_CHANGE_L2) {
		neg_forget(neg_hash(vni, OVL_EVT_MISS_L2, c->mac, 6));
	} else if (c->what == OVL_CHANGE_L3) {
		neg_forget(neg_hash(vni, OVL_EVT_MISS_ARP, c->ip.addr, 16));
		neg_forget(neg_hash(vni, OVL_EVT_MISS_NDP, c->ip.addr, 16));
	} else if (c->what == OVL_CHANGE_ALL) {
		for (unsigned int i = 0; i < NEG_SLOTS; i++)
			if (neg[i].vni == vni)
				neg[i].key = 0;
	}
}

/* What the backend said of mac (err, or where it lives), into ovl_fdb or
 * the negative cache. Return: 0 when it lives elsewhere, or -errno. */
int learn_l2(struct ovld *d, struct ovl_overlay *ov, const __u8 mac[6], int err,
	     const struct ovl_ip *ip, __u16 port)
{
	char m[OVL_MAC_STRLEN];
	struct ovl_dest dst;

	if (!err && ovl_ip_is_local(d, ip))
		err = -ENOENT; /* it lives here but is no endpoint (yet) */
	if (err) {
		neg_add(neg_hash(ov->vni, OVL_EVT_MISS_L2, mac, 6), ov->vni);
		return err;
	}
	ovl_dest_from_ip(&dst, ip, port, 0);
	err = map_fdb_put(d, ov->vni, mac, &dst);
	overlay_map_write(ov, OVL_MAP_FDB, OVL_MAX_FDB, err, ovl_mac_format(mac, m));
	return 0;
}

int learn_fdb_get(struct ovld *d, __u32 vni, const __u8 mac[6], struct ovl_ip *ip, __u16 *port)
{
	struct ovl_dest dst;

	if (map_fdb_get(d, vni, mac, &dst))
		return -ENOENT;
	memset(ip, 0, sizeof(*ip));
	ip->family = dst.family;
	memcpy(ip->addr, dst.addr, 16);
	*port = ntohs(dst.port);
	return 0;
}

/*
 * A link-local address made by modified EUI-64 (RFC 4291 appendix A, the
 * kernel's default) names its MAC: fe80::XXXX:XXff:feXX:XXXX. Such an
 * address is owned by that MAC when the network knows the MAC, even if the
 * backend lists no address for it.
 */
static int eui64_owner(struct ovld *d, struct ovl_overlay *ov, const struct ovl_ip *ip, __u8 mac[6])
{
	struct ovl_ip uip;
	__u16 port;

	if (ovl_ip_eui64_mac(ip, mac))
		return -ENOENT;
	if (ep_by_mac(d, ov->vni, mac))
		return 0;
	return ov->ops->lookup_l2(ov->backend, mac, &uip, &port) ? -ENOENT : 0;
}

/* What the backend said of ip (err, or its owner), into ovl_neigh or the
 * negative cache; an EUI-64 link-local address is its MAC's. Return: 0
 * with the owner in mac, or -errno. */
int learn_l3(struct ovld *d, struct ovl_overlay *ov, const struct ovl_ip *ip, int err, __u8 mac[6])
{
	char a[OVL_IP_STRLEN];

	if (err && eui64_owner(d, ov, ip, mac)) {
		neg_add(neg_hash(ov->vni, OVL_EVT_MISS_ARP, ip->addr, 16), ov->vni);
		neg_add(neg_hash(ov->vni, OVL_EVT_MISS_NDP, ip->addr, 16), ov->vni);
		return err;
	}
	err = map_neigh_put(d, ov->vni, ip, mac, 0);
	overlay_map_write(ov, OVL_MAP_NEIGH, OVL_MAX_NEIGH, err, ovl_ip_format(ip, a));
	return 0;
}

bool learn_unknown(__u32 vni, __u16 type, const __u8 *key)
{
	return neg_hit(neg_hash(vni, type, key, type == OVL_EVT_MISS_L2 ? 6 : 16));
}

int learn_init(struct ovld *d)
{
	return events_subscribe(d, OVL_EV_CHANGED, on_changed, NULL);
}

void learn_fini(struct ovld *d)
{
	events_unsubscribe(d, OVL_EV_CHANGED, on_changed, NULL);
	memset(neg, 0, sizeof(neg));
}
