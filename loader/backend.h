/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * backend.h - how ovld asks "where is MAC M of this network" and "who owns
 * IP A", varpd's plugin interface reduced to what the data path needs.
 *
 * Lifecycle: open() validates the overlay's properties and loads what the
 * backend serves (it fails with a message for the operator and nothing is
 * created); the lookups are then called from ovld's event loop, one at a
 * time, and must not block: they answer from memory (the files backend
 * from hash tables). A reload of a reloadable backend is a second open()
 * with the same properties: ovld swaps the new instance in (and closes the
 * old) only once the data path took what it says, so a rejected source,
 * or one the maps have no room for, leaves the old in force. close()
 * frees everything. A backend is never called from two threads.
 *
 * Lookups return 0, -ENOENT for "not known here", or another -errno.
 */
#ifndef OVL_BACKEND_H
#define OVL_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <linux/types.h>
#include "addr.h"

struct ovl_backend_ops {
	const char *name;
	/* Property keys this backend accepts ("files/config"), NULL-ended. */
	const char *const *props;
	int (*open)(json_t *props, void **priv, char *err, size_t errlen);
	/* MAC -> underlay address and UDP port of the host it lives on. */
	int (*lookup_l2)(void *priv, const __u8 mac[6], struct ovl_ip *ip, __u16 *port);
	/* Overlay IP -> the MAC that owns it (proxy ARP/NDP). */
	int (*lookup_l3)(void *priv, const struct ovl_ip *ip, __u8 mac[6]);
	/* MAC -> the MAC of the DHCP server its broadcasts go to. */
	int (*lookup_dhcp)(void *priv, const __u8 mac[6], __u8 server[6]);
	/* Is MAC a DHCP server of the network (the DHCP server of some MAC)?
	 * 0 yes, -ENOENT no. Only such an endpoint may answer DHCP clients. */
	int (*dhcp_server)(void *priv, const __u8 mac[6]);
	/* MAC -> the overlay IPs it owns; returns how many were written. */
	int (*lookup_addrs)(void *priv, const __u8 mac[6], struct ovl_ip *addrs, int max);
	/* Every underlay address of the network (strict source check). */
	int (*foreach_peer)(void *priv, int (*cb)(const struct ovl_ip *ip, void *arg), void *arg);
	/* Its source can change (a file): `reload` opens it again. */
	bool reloadable;
	/* The file to watch for changes, or NULL. */
	const char *(*watch_path)(void *priv);
	/* How many entries the backend holds. */
	size_t (*entries)(void *priv);
	void (*close)(void *priv);
};

extern const struct ovl_backend_ops ovl_backend_files;
extern const struct ovl_backend_ops ovl_backend_direct;

/* The backend called name, or NULL. */
const struct ovl_backend_ops *ovl_backend_find(const char *name);

#endif /* OVL_BACKEND_H */
