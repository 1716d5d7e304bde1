/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * backend.h - how ovld asks "where is MAC M of this network" and "who owns
 * IP A": varpd's provider interface, reduced to what the data path needs.
 *
 * A backend declares what it is (a name, a mode, its properties with their
 * types and help) in lib/backends.c, where ovlctl reads it too, and
 * implements the operations below; the optional ones may be NULL. It is called from ovld's event loop, one call at a time, and must
 * not block.
 *
 * Lifecycle: open() validates the overlay's properties and loads what the
 * backend serves (it fails with a message for the operator and nothing is
 * created). A reload of a reloadable backend is a second open() with the
 * same properties: ovld swaps the new instance in (and closes the old)
 * only once the data path took what it says, so a rejected source, or one
 * the maps have no room for, leaves the old in force. close() frees
 * everything, the fds and timers it registered included.
 *
 * Lookups return 0, -ENOENT for "not known here", -EAGAIN for "I will
 * answer through host->answer()" (the miss path keeps the frame that asked
 * until then, or until OVL_PENDING_MS), or another -errno.
 *
 * The host handle given to open() is ovld's side: the event loop (a
 * backend registers its own fds and timers there, loop.h), and upcalls for
 * what the backend learns on its own (an entry changed or vanished, its
 * source changed and wants a reload, a deferred answer, its health).
 */
#ifndef OVL_BACKEND_H
#define OVL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <linux/types.h>
#include "addr.h"
#include "backends.h"
#include "events.h"

struct ovl_loop;
struct ovl_overlay;

struct ovl_backend_host {
	struct ovl_loop *loop;
	const char *overlay; /* its name, for messages */
	__u32 vni;
	/* Where mac lives, or who owns ip, changed or vanished (OVL_CHANGE_*;
	 * OVL_CHANGE_ALL: anything may have). ovld revalidates what it
	 * cached from the backend. */
	void (*changed)(struct ovl_backend_host *h, enum ovl_change_what what, const __u8 *mac,
			const struct ovl_ip *ip);
	/* The source changed: open it again (a reload). */
	void (*reload)(struct ovl_backend_host *h);
	/* The answer to a lookup that returned -EAGAIN (a->ov is ovld's). */
	void (*answer)(struct ovl_backend_host *h, struct ovl_answer *a);
	/* "" or NULL: fine; else what is wrong, shown in `overlay list`. */
	void (*health)(struct ovl_backend_host *h, const char *error);
	/* This host as the other hosts reach it: its underlay address (IPv4
	 * if it has one) and VXLAN port. -EADDRNOTAVAIL when it has none. */
	int (*local)(struct ovl_backend_host *h, struct ovl_ip *ip, __u16 *port);
	const char *instance;  /* ovld's instance name */
	const char *state_dir; /* where what must outlive a restart goes */
	/* Is owner ("cni:NETWORK/CONTAINERID/IFNAME", ovl-ipam(8)) an
	 * endpoint of this ovld? (The endpoints of state.json are restored
	 * before the loop turns: a backend asks from a callback.) */
	bool (*owner_live)(struct ovl_backend_host *h, const char *owner);
	long long started; /* when ovld started (CLOCK_REALTIME, seconds) */
};

/* The answer of a backend's ipam(): 0 and res (a new reference, or NULL),
 * or -errno and msg. */
typedef void (*ovl_ipam_done_fn)(void *arg, int err, json_t *res, const char *msg);

struct ovl_backend_ops {
	const struct ovl_backend_info *info; /* name, mode, properties (lib/backends.h) */
	bool reloadable;		     /* `ovlctl reload` opens it again */
	int (*open)(json_t *props, struct ovl_backend_host *host, void **priv, char *err,
		    size_t errlen);
	/* MAC -> underlay address and UDP port of the host it lives on. In
	 * OVL_MODE_P2P, any MAC (the all-zero one too) gives the far end. */
	int (*lookup_l2)(void *priv, const __u8 mac[6], struct ovl_ip *ip, __u16 *port);
	/* Overlay IP -> the MAC that owns it (proxy ARP/NDP). */
	int (*lookup_l3)(void *priv, const struct ovl_ip *ip, __u8 mac[6]);
	/* Every underlay address of the network (strict source check).
	 * -EAGAIN: not known yet; ovl_peers keeps what it has until the
	 * backend says the peers changed (OVL_CHANGE_PEERS). */
	int (*foreach_peer)(void *priv, int (*cb)(const struct ovl_ip *ip, void *arg), void *arg);
	void (*close)(void *priv);

	/* Optional. */
	/* MAC -> the MAC of the DHCP server its broadcasts go to. */
	int (*lookup_dhcp)(void *priv, const __u8 mac[6], __u8 server[6]);
	/* Is MAC a DHCP server of the network? 0 yes, -ENOENT no. Only such
	 * an endpoint may answer DHCP clients. */
	int (*dhcp_server)(void *priv, const __u8 mac[6]);
	/* MAC -> the overlay IPs it owns; returns how many were written. */
	int (*lookup_addrs)(void *priv, const __u8 mac[6], struct ovl_ip *addrs, int max);
	/* What messages name as the source ("files/config /etc/ovl/a.json"). */
	const char *(*source)(void *priv, char *buf, size_t len);
	/* How many entries the backend holds. */
	size_t (*entries)(void *priv);
	/* A local endpoint came (MAC, the addresses it owns, no EUI-64
	 * link-local): make it known to the other hosts. Return 0 (published,
	 * or will be once the store answers), or -EEXIST (the MAC) or
	 * -EADDRINUSE (an address) with the host that has it in err: refused,
	 * nothing changed. */
	int (*publish)(void *priv, const __u8 mac[6], const struct ovl_ip *addrs, int n, char *err,
		       size_t errlen);
	/* A local endpoint went. */
	void (*withdraw)(void *priv, const __u8 mac[6]);
	/* What `overlay list` and `status` show of the backend's state
	 * (connection, lease, revision...), or NULL. */
	json_t *(*status)(void *priv);
	/* IPAM (ovl-ipam(8)): op "add", "del", "check", "gc" or "list" with
	 * the control request's arguments (lib/ctl.h). Return 0 when done()
	 * will be called, exactly once (perhaps before ipam() returns), or
	 * -errno with err, and done() is not called. */
	int (*ipam)(void *priv, const char *op, json_t *req, ovl_ipam_done_fn done, void *arg,
		    char *err, size_t errlen);
};

extern const struct ovl_backend_ops ovl_backend_files;
extern const struct ovl_backend_ops ovl_backend_direct;
extern const struct ovl_backend_ops ovl_backend_etcd;

struct etcd_kv;
/**
 * ovl_etcd_cache_apply() - tests and fuzzing: the etcd backend's decoding
 * of its keys and values (ovl-etcd(5)), without a cluster. The key-values
 * kvs are applied in order (a delete of kvs[i].key where del[i], else a
 * put) to an empty cache of VNI vni's keys under prefix, as the list's and
 * the watch's replies are; keys and values that are not ovl's are skipped.
 * Return: how many changed what the data path sees, or -EINVAL (prefix too
 * long), -ENOMEM.
 */
int ovl_etcd_cache_apply(const char *prefix, __u32 vni, const struct etcd_kv *kvs, const bool *del,
			 size_t n);

/* ---- backend.c: the registry and ovld's side of the interface ------------ */

/* The backend called name, or NULL. */
const struct ovl_backend_ops *backend_find(const char *name);
/**
 * backend_register() - run one more backend (a test's, a plugin's) beside
 * the built-in ones. It is found by its info->name, which lib/backends.c
 * does not know: ovlctl's help and backend.list do not show it.
 * Return: 0, -EINVAL (a required operation missing), -EEXIST (the name is
 * taken) or -ENOSPC (no slot left).
 */
int backend_register(const struct ovl_backend_ops *ops);

/* The optional operations, with their defaults when a backend has none. */
int backend_lookup_dhcp(const struct ovl_overlay *ov, const __u8 mac[6], __u8 server[6]);
int backend_dhcp_server(const struct ovl_overlay *ov, const __u8 mac[6]);
int backend_lookup_addrs(const struct ovl_overlay *ov, const __u8 mac[6], struct ovl_ip *addrs,
			 int max);
size_t backend_entries(const struct ovl_overlay *ov);
/* " (files/config PATH)", or "" for a backend without a source to name. */
const char *backend_where(const struct ovl_overlay *ov, char *buf, size_t len);

#endif /* OVL_BACKEND_H */
