// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * reconcile.c - the kernel brought back in line with state.json at start.
 *
 * ovld changes the kernel first and saves state.json last, so a crash in
 * between (SIGKILL during `vnic create`, a power cut) leaves the kernel
 * ahead of the state: a VNIC's veth that no state names, and map entries
 * of an endpoint ovld no longer knows. Left there, the veth keeps its name
 * (the same `vnic create` fails "File exists"), and the entries keep
 * forwarding to, and answering ARP for, an endpoint that is not there.
 *
 * After the state is restored (every endpoint it lists re-attached),
 * reconcile() removes
 *   - the veths marked as this instance's VNICs (mark.h) that no endpoint,
 *     restored or kept unrestored, uses: only the mark says a veth is ours,
 *     never its name; the CNI plugin's veths are its runtime's to remove
 *     (DEL, GC), since an ADD may be half-way while ovld starts;
 *   - ovl_ifaces entries of interfaces no endpoint uses, ovl_endpoints
 *     entries and local ovl_fdb entries (OVL_AF_LOCAL) that are no
 *     endpoint's {vni, MAC} -> ifindex, and the static
 *     ovl_neigh entries of the MACs those named (an endpoint's addresses),
 *     unless a known endpoint has that MAC on that VNI. Entries `neigh
 *     add` made for other MACs stay.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "ovld.h"
#include "mark.h"
#include "veth.h"
#include "log.h"

struct known {
	int ifindex;
	__u32 vni;
	__u8 mac[6];
	char host[OVL_IFNAME_MAX];
};

struct rec {
	struct ovld *d;
	struct known *k;
	size_t nk;
	struct ovl_mac_key *stale; /* {vni, MAC} of the entries removed */
	size_t nstale, cap;
	unsigned int veths, ifaces, eps, fdb, neigh;
	bool cleanup; /* --cleanup: every VNIC of the instance goes */
};

/* Every endpoint ovld serves, and those it keeps unrestored in the state. */
static int collect_known(struct ovld *d, struct rec *r)
{
	json_t *un = json_object_get(d->unrestored, "endpoints"), *o;
	size_t n = json_array_size(un), i;

	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		n++;
	r->k = calloc(n ? n : 1, sizeof(*r->k));
	if (!r->k)
		return -ENOMEM;
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next) {
		struct known *k = &r->k[r->nk++];

		k->ifindex = ep->host_ifindex;
		k->vni = ep->vni;
		memcpy(k->mac, ep->mac, 6);
		snprintf(k->host, sizeof(k->host), "%s", ep->host_ifname);
	}
	json_array_foreach(un, i, o) {
		const char *host = json_string_value(json_object_get(o, "host_ifname"));
		const char *mac = json_string_value(json_object_get(o, "mac"));
		struct known *k = &r->k[r->nk];

		if (!host || !mac || ovl_mac_parse(mac, k->mac))
			continue;
		k->ifindex = ovl_link_ifindex(host);
		k->vni = (__u32)json_integer_value(json_object_get(o, "vni"));
		snprintf(k->host, sizeof(k->host), "%s", host);
		r->nk++;
	}
	return 0;
}

static bool known_host(const struct rec *r, const char *name)
{
	for (size_t i = 0; i < r->nk; i++)
		if (!strcmp(r->k[i].host, name))
			return true;
	return false;
}

static bool known_ifindex(const struct rec *r, __u32 ifindex)
{
	for (size_t i = 0; i < r->nk; i++)
		if (r->k[i].ifindex > 0 && (__u32)r->k[i].ifindex == ifindex)
			return true;
	return false;
}

/* A known endpoint with that MAC on that VNI (and ifindex, unless 0). */
static bool known_mac(const struct rec *r, __u32 vni, const __u8 mac[6], __u32 ifindex)
{
	for (size_t i = 0; i < r->nk; i++)
		if (r->k[i].vni == vni && !memcmp(r->k[i].mac, mac, 6) &&
		    (!ifindex || (r->k[i].ifindex > 0 && (__u32)r->k[i].ifindex == ifindex)))
			return true;
	return false;
}

static void add_stale(struct rec *r, __u32 vni, const __u8 mac[6])
{
	if (r->nstale == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct ovl_mac_key *s = realloc(r->stale, cap * sizeof(*s));

		if (!s)
			return;
		r->stale = s;
		r->cap = cap;
	}
	memset(&r->stale[r->nstale], 0, sizeof(r->stale[0]));
	r->stale[r->nstale].vni = vni;
	memcpy(r->stale[r->nstale].mac, mac, 6);
	r->nstale++;
}

static int orphan_veth(const char *name, const struct ovl_link_info *li, void *arg)
{
	char inst[OVL_INSTANCE_MAX + 1], vnic[OVL_IFNAME_MAX], ns[OVL_ALIAS_MAX];
	struct rec *r = arg;
	int err;

	if (strcmp(li->kind, "veth") ||
	    ovl_vnic_alias_parse(li->alias, inst, sizeof(inst), vnic, sizeof(vnic), ns,
				 sizeof(ns)) ||
	    strcmp(inst, r->d->o.instance) || known_host(r, name))
		return 0;
	err = ovl_link_delete(name);
	if (err && err != -ENODEV) {
		pr_warn("remove orphan veth %s (VNIC %s%s%s): %s", name, vnic,
			ns[0] ? " in namespace " : "", ns, strerror(-err));
		return 0;
	}
	pr_info("removed veth %s of VNIC %s%s%s%s", name, vnic, ns[0] ? " in namespace " : "", ns,
		r->cleanup ? "" : ": no state names it (a crash before it was saved)");
	r->veths++;
	return 0;
}

/* The keys of a hash map (a copy: the walk deletes). */
static void *keys_of(int fd, size_t ksz, size_t *n)
{
	size_t cap = 256;
	char *keys = malloc(cap * ksz), cur[64] = { 0 };
	bool first = true;

	*n = 0;
	if (!keys || ksz > sizeof(cur)) {
		free(keys);
		return NULL;
	}
	while (!bpf_map_get_next_key(fd, first ? NULL : cur, cur)) {
		first = false;
		if (*n == cap) {
			char *k = realloc(keys, cap * 2 * ksz);

			if (!k)
				break;
			keys = k;
			cap *= 2;
		}
		memcpy(keys + *n * ksz, cur, ksz);
		(*n)++;
	}
	return keys;
}

static void stale_ifaces(struct rec *r)
{
	int fd = dp_map_fd(r->d, OVL_MAP_IFACES);
	__u32 *keys;
	size_t n;

	keys = fd < 0 ? NULL : keys_of(fd, sizeof(*keys), &n);
	for (size_t i = 0; keys && i < n; i++) {
		struct ovl_iface v;

		if (known_ifindex(r, keys[i]) || bpf_map_lookup_elem(fd, &keys[i], &v))
			continue;
		add_stale(r, v.vni, v.mac);
		if (!bpf_map_delete_elem(fd, &keys[i]))
			r->ifaces++;
	}
	free(keys);
}

static void stale_endpoints(struct rec *r)
{
	int fd = dp_map_fd(r->d, OVL_MAP_ENDPOINTS);
	struct ovl_mac_key *keys;
	size_t n;

	keys = fd < 0 ? NULL : keys_of(fd, sizeof(*keys), &n);
	for (size_t i = 0; keys && i < n; i++) {
		struct ovl_endpoint v;

		if (bpf_map_lookup_elem(fd, &keys[i], &v) ||
		    known_mac(r, keys[i].vni, keys[i].mac, v.ifindex))
			continue;
		add_stale(r, keys[i].vni, keys[i].mac);
		if (!bpf_map_delete_elem(fd, &keys[i]))
			r->eps++;
	}
	free(keys);
}

/* A local endpoint's ovl_fdb entry (OVL_AF_LOCAL) that is no endpoint's. */
static int stale_fdb_local(void *key, void *val, void *arg)
{
	const struct ovl_mac_key *k = key;
	const struct ovl_dest *v = val;
	struct rec *r = arg;
	struct ovl_endpoint e;

	if (v->family != OVL_AF_LOCAL)
		return 0;
	memcpy(&e, v->addr, sizeof(e));
	if (known_mac(r, k->vni, k->mac, e.ifindex))
		return 0;
	add_stale(r, k->vni, k->mac);
	if (!bpf_map_delete_elem(dp_map_fd(r->d, OVL_MAP_FDB), k))
		r->fdb++;
	return 0;
}

static int stale_neigh(struct ovld *d, const struct ovl_addr_key *k, struct ovl_neigh *n, void *arg)
{
	struct ovl_ip ip = { .family = k->family };
	struct rec *r = arg;

	if (!(n->flags & OVL_NEIGH_F_STATIC) || known_mac(r, k->vni, n->mac, 0))
		return 0;
	for (size_t i = 0; i < r->nstale; i++) {
		if (r->stale[i].vni != k->vni || memcmp(r->stale[i].mac, n->mac, 6))
			continue;
		memcpy(ip.addr, k->addr, 16);
		if (!map_neigh_del(d, k->vni, &ip))
			r->neigh++;
		break;
	}
	return 0;
}

/*
 * --cleanup: remove every veth marked as one of this instance's VNICs,
 * whether a state lists it or not (an orphan of a crash, or of a state
 * directory that was removed). Return: how many were removed.
 */
unsigned int reconcile_remove_vnics(struct ovld *d)
{
	struct rec r = { .d = d, .cleanup = true }; /* nothing known: every marked VNIC */

	if (ovl_link_foreach(orphan_veth, &r))
		pr_warn("cannot list the interfaces; VNIC veths of instance %s may remain",
			d->o.instance);
	return r.veths;
}

void reconcile(struct ovld *d)
{
	struct rec r = { .d = d };

	if (collect_known(d, &r)) {
		pr_err("reconcile with the state: out of memory; nothing removed");
		return;
	}
	if (ovl_link_foreach(orphan_veth, &r))
		pr_warn("reconcile: cannot list the interfaces; orphan VNIC veths stay");
	stale_ifaces(&r);
	stale_endpoints(&r);
	map_walk(d, OVL_MAP_FDB, false, 0, stale_fdb_local, &r);
	if (r.nstale)
		map_neigh_foreach(d, false, 0, stale_neigh, &r);
	if (r.veths || r.ifaces || r.eps || r.fdb || r.neigh)
		pr_info("reconciled with the state: removed %u orphan veths, %u %s, %u %s, %u "
			"local %s and %u static %s entries that belonged to no endpoint",
			r.veths, r.ifaces, OVL_MAP_IFACES, r.eps, OVL_MAP_ENDPOINTS, r.fdb,
			OVL_MAP_FDB, r.neigh, OVL_MAP_NEIGH);
	free(r.k);
	free(r.stale);
}
