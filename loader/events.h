/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * events.h - what happens in ovld, told to whoever listens. The parts
 * below (the miss path, overlays, backends) emit; the parts above (the
 * control server's monitors, the miss path's pending frames) subscribe.
 * Nothing below calls up, so the loader's files stay a tree.
 *
 *   OVL_EV_MONITOR  a json_t * event for `ovlctl monitor` ("miss_l2",
 *                   "resolved", "drop", "reload"...)
 *   OVL_EV_ANSWER   a struct ovl_answer *: a backend answered a lookup it
 *                   had deferred (-EAGAIN, backend.h)
 *   OVL_EV_CHANGED  a struct ovl_change *: what a backend says changed,
 *                   after the overlay's cached entries were revalidated
 *
 * Subscribers are called in the order they subscribed; one may
 * unsubscribe itself (or another) from its callback.
 */
#ifndef OVL_EVENTS_H
#define OVL_EVENTS_H

#include <stdbool.h>
#include <linux/types.h>
#include "addr.h"

struct ovld;
struct ovl_overlay;

enum ovl_ev_kind {
	OVL_EV_MONITOR,
	OVL_EV_ANSWER,
	OVL_EV_CHANGED,
	OVL_EV_KINDS,
};

/* A deferred lookup's answer. type is OVL_EVT_MISS_L2 (key: mac; answer:
 * ip, port) or OVL_EVT_MISS_ARP/NDP (key: ip; answer: mac). err: 0, or
 * -ENOENT (nobody has it) or another -errno. */
struct ovl_answer {
	struct ovl_overlay *ov;
	__u16 type;
	int err;
	__u8 mac[6];
	struct ovl_ip ip;
	__u16 port;
};

enum ovl_change_what {
	OVL_CHANGE_ALL,	  /* anything may have changed (a reload) */
	OVL_CHANGE_L2,	  /* where mac lives */
	OVL_CHANGE_L3,	  /* who owns ip */
	OVL_CHANGE_PEERS, /* the underlay hosts of the network */
};

struct ovl_change {
	struct ovl_overlay *ov;
	enum ovl_change_what what;
	__u8 mac[6];
	struct ovl_ip ip;
};

typedef void (*ovl_ev_fn)(struct ovld *d, enum ovl_ev_kind kind, const void *data, void *arg);

int events_subscribe(struct ovld *d, enum ovl_ev_kind kind, ovl_ev_fn fn, void *arg);
void events_unsubscribe(struct ovld *d, enum ovl_ev_kind kind, ovl_ev_fn fn, void *arg);
/* Does anyone listen (so that building the event is worth it)? */
bool events_wanted(const struct ovld *d, enum ovl_ev_kind kind);
void events_emit(struct ovld *d, enum ovl_ev_kind kind, const void *data);
void events_fini(struct ovld *d);

#endif /* OVL_EVENTS_H */
