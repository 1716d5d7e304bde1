/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * fake_dp.h - what the unit tier's fake data path (fake_dp.c) shows a test:
 * the frames ovld sent, the calls it made into the kernel side, the fake
 * maps' sizes and limits, and a ringbuf to feed. The maps themselves are
 * read and written through ovld's own map_*() functions (ovld.h), which
 * the fake implements.
 */
#ifndef OVL_FAKE_DP_H
#define OVL_FAKE_DP_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "ovl_abi.h"
#include "addr.h"

enum fake_xmit_kind {
	FAKE_XMIT_VXLAN = 1, /* xmit_vxlan(): a first frame, to a VTEP */
	FAKE_XMIT_INJECT,    /* xmit_inject(): a reply, into an interface */
};

/* One frame ovld sent. */
struct fake_frame {
	enum fake_xmit_kind kind;
	struct ovl_ip ip; /* VXLAN: the VTEP */
	__u16 port;	  /* VXLAN: its UDP port (host order) */
	__u32 vni;	  /* VXLAN */
	int ifindex;	  /* inject: into where */
	size_t len;
	__u8 *data;
};

/* Empty maps at their real sizes, no frames, no calls, no failures. */
void fake_dp_reset(void);

unsigned int fake_dp_sent(void);
/* The i-th frame sent (0 the first), or NULL. */
const struct fake_frame *fake_dp_frame(unsigned int i);

/* How often a function of the fake was called since the reset
 * ("dp_attach_tc", "xmit_open", "map_fdb_put"...). */
unsigned int fake_dp_calls(const char *fn);
/* Make fn (a dp_*, xmit_* or map_* function of the fake) fail with err
 * from now on; 0 makes it work again. */
void fake_dp_fail(const char *fn, int err);

/* Entries in a map (OVL_MAP_FDB...), or -1 if the fake has no such map. */
int fake_dp_entries(const char *map);
/* Its max entries: a write of a new key beyond them fails with -E2BIG,
 * as the kernel's hash maps do. Return: 0, or -ENOENT (no such map). */
int fake_dp_set_max(const char *map, unsigned int max);

/* The entries of the maps map_ep_put() writes, the ovl_vnis entry, a
 * peer: true (and the value, when out is not NULL) if present. */
bool fake_dp_iface(__u32 ifindex, struct ovl_iface *out);
bool fake_dp_endpoint(__u32 vni, const __u8 mac[6], struct ovl_endpoint *out);
bool fake_dp_vni(__u32 vni, struct ovl_vni *out);
bool fake_dp_peer(__u32 vni, const struct ovl_ip *ip);
/* ip's ovl_peers value on vni: get (false: none), set (as a migration leaves it). */
bool fake_dp_peer_get(__u32 vni, const struct ovl_ip *ip, struct ovl_peer *out);
int fake_dp_peer_set(__u32 vni, const struct ovl_ip *ip, const struct ovl_peer *p);

/* A ringbuf record (struct ovl_evt and the frame): handed to the callback
 * of dp_events_open() by the next dp_events_consume(); the fd it returned
 * becomes readable. Return: 0 or -errno. */
int fake_dp_ring_push(const void *rec, size_t len);

#endif /* OVL_FAKE_DP_H */
