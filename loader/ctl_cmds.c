// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ctl_cmds.c - the control commands (lib/ctl.h): one handler each, taking
 * the request's arguments and calling the rooms that do the work. What a
 * command changes of state.json is saved when the turn ends (state.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include "ctl_server.h"
#include "ctl.h"
#include "names.h"
#include "veth.h"
#include "log.h"
#include "router.h"

/* ---- argument helpers ----------------------------------------------------- */

const char *ctl_arg_str(json_t *req, const char *key)
{
	return json_string_value(json_object_get(req, key));
}

int ctl_arg_overlay(struct ovld *d, json_t *req, struct ovl_overlay **ov, char *err, size_t errlen)
{
	const char *name = ctl_arg_str(req, "overlay");

	if (!name)
		FAIL(EINVAL, "missing \"overlay\"");
	*ov = overlay_find(d, name);
	if (!*ov)
		FAIL(ENOENT, "no overlay %s", name);
	return 0;
}

static int ctl_arg_mac(json_t *req, const char *key, __u8 mac[6], char *err, size_t errlen)
{
	const char *s = ctl_arg_str(req, key);

	if (!s)
		FAIL(EINVAL, "missing \"%s\"", key);
	if (ovl_mac_parse(s, mac))
		FAIL(EINVAL, "%s: \"%s\" is not a MAC address", key, s);
	return 0;
}

static int ctl_arg_ip(json_t *req, const char *key, struct ovl_ip *ip, char *err, size_t errlen)
{
	const char *s = ctl_arg_str(req, key);

	if (!s)
		FAIL(EINVAL, "missing \"%s\"", key);
	if (ovl_ip_parse(s, ip))
		FAIL(EINVAL, "%s: \"%s\" is not an IPv4 or IPv6 address", key, s);
	return 0;
}

/* A warning for the operator: logged, and carried in the result's
 * "warnings" array (ovlctl prints it on stderr). The command succeeded. */
static void ctl_warn(json_t *res, const char *msg)
{
	json_t *w = json_object_get(res, "warnings");

	pr_warn("%s", msg);
	if (!json_is_object(res))
		return;
	if (!w) {
		w = json_array();
		json_object_set_new(res, "warnings", w);
	}
	json_array_append_new(w, json_string(msg));
}

/* ---- handlers -------------------------------------------------------------- */

static int h_status(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
		    size_t errlen)
{
	static const char *const maps[] = { OVL_MAP_VNIS,    OVL_MAP_IFACES, OVL_MAP_ENDPOINTS,
					    OVL_MAP_FDB,     OVL_MAP_NEIGH,  OVL_MAP_PEERS,
					    OVL_MAP_MISS_RL, OVL_MAP_RFLOWS, OVL_MAP_NEXTHOPS };
	char a4[OVL_IP_STRLEN] = "", a6[OVL_IP_STRLEN] = "";
	json_t *m = json_object(), *progs, *ovs = json_array();
	__u32 xdp_id = 0;

	(void)c;
	(void)req;
	(void)err;
	(void)errlen;
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		__u32 n = 0, max = 0;

		if (!map_count(d, maps[i], &n, &max))
			json_object_set_new(m, maps[i],
					    json_pack("{s:i, s:i}", "entries", (json_int_t)n, "max",
						      (json_int_t)max));
	}
	progs = dp_programs_json(d, &xdp_id);
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		json_array_append_new(ovs, overlay_json(d, ov));
	if (d->local4.family)
		ovl_ip_format(&d->local4, a4);
	if (d->local6.family)
		ovl_ip_format(&d->local6, a6);
	*res = json_pack(
		"{s:s, s:i, s:s, s:i, s:{s:s, s:i, s:s?, s:s?, s:i, s:s, s:s?, s:i}, s:s, s:s,"
		" s:b, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
		"instance", d->o.instance, "pid", (json_int_t)getpid(), "version", OVL_VERSION,
		"abi", (json_int_t)OVL_ABI_VERSION, "underlay", "ifname", d->o.underlay, "ifindex",
		(json_int_t)d->underlay_ifindex, "local4", a4[0] ? a4 : NULL, "local6",
		a6[0] ? a6 : NULL, "port", (json_int_t)d->o.port, "decap",
		d->decap == OVL_DECAP_TC ? "tc" : "xdp", "xdp_mode",
		d->decap == OVL_DECAP_TC	   ? NULL :
		d->xdp_flags == XDP_FLAGS_SKB_MODE ? "generic" :
						     "native",
		"xdp_prog_id", (json_int_t)xdp_id, "pin_dir", d->pin_dir, "state_dir",
		d->o.state_dir, "adopted", d->adopted, "programs", progs, "maps", m, "overlays",
		ovs, "events", "received", (json_int_t)d->evt_received, "lost",
		(json_int_t)miss_queue_dropped(), "misses_unresolved",
		(json_int_t)d->evt_unresolved, "delivered", (json_int_t)d->evt_delivered,
		"injected", (json_int_t)d->evt_injected, "csum_finished",
		(json_int_t)d->evt_csum_finished, "csum_invalid", (json_int_t)d->evt_csum_invalid);
	if (*res) /* the pins' layout, and what this start migrated (or null) */
		json_object_set_new(*res, "pins_abi", json_integer(d->pins_abi));
	if (*res)
		json_object_set_new(*res, "migrated", pins_status(d));
	if (*res)
		json_object_set_new(*res, "kernel", dp_kernel_json(d));
	return *res ? 0 : -ENOMEM;
}

static int h_overlay_create(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res,
			    char *err, size_t errlen)
{
	json_t *vni = json_object_get(req, "vni"), *props = json_object_get(req, "props");
	json_t *empty = NULL;
	int ret;

	(void)c;
	if (!json_is_integer(vni) || json_integer_value(vni) < 0 ||
	    json_integer_value(vni) > OVL_VNI_MAX)
		FAIL(EINVAL, "\"vni\" must be an integer 0-%u", OVL_VNI_MAX);
	if (!props)
		props = empty = json_object();
	ret = overlay_create(d, ctl_arg_str(req, "name"), (__u32)json_integer_value(vni),
			     ctl_arg_str(req, "encap") ?: "vxlan", ctl_arg_str(req, "search"),
			     props, err, errlen);
	json_decref(empty);
	if (ret)
		return ret;
	*res = overlay_json(d, overlay_find(d, ctl_arg_str(req, "name")));
	return 0;
}

static int h_overlay_delete(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res,
			    char *err, size_t errlen)
{
	const char *name = ctl_arg_str(req, "name");
	int ret;

	(void)c;
	if (!name)
		FAIL(EINVAL, "missing \"name\"");
	ret = overlay_delete(d, name, err, errlen);
	if (ret)
		return ret;
	*res = json_object();
	return 0;
}

/* "addrs": [IP...] of vnic.create, at most OVL_CTL_EP_ADDRS, into out. */
static int ctl_arg_addrs(json_t *req, struct ovl_ip out[OVL_CTL_EP_ADDRS], int *n, char *err,
			 size_t errlen)
{
	json_t *addrs = json_object_get(req, "addrs"), *a;
	size_t i;

	*n = 0;
	if (addrs && !json_is_array(addrs))
		FAIL(EINVAL, "\"addrs\" must be an array of addresses");
	if (json_array_size(addrs) > OVL_CTL_EP_ADDRS)
		FAIL(E2BIG, "%zu addresses: a VNIC owns at most %d", json_array_size(addrs),
		     OVL_CTL_EP_ADDRS);
	json_array_foreach(addrs, i, a) {
		if (!json_is_string(a))
			FAIL(EINVAL, "addrs[%zu] is not a string", i);
		if (ovl_ip_parse(json_string_value(a), &out[i]))
			FAIL(EINVAL, "addrs[%zu]: \"%s\" is not an IPv4 or IPv6 address%s", i,
			     json_string_value(a),
			     strchr(json_string_value(a), '/') ? " (no prefix length)" : "");
		(*n)++;
	}
	return 0;
}

static int h_vnic_create(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
			 size_t errlen)
{
	const char *name = ctl_arg_str(req, "name"), *ovname = ctl_arg_str(req, "overlay");
	struct ovl_ip addrs[OVL_CTL_EP_ADDRS];
	struct ovl_shape in, out;
	char why[OVL_ERR_MAX];
	bool has_bw;
	__u8 mac[6];
	int ret, n;

	(void)c;
	if (!name || !ovname)
		FAIL(EINVAL, "missing \"name\" or \"overlay\"");
	ret = ctl_arg_mac(req, "mac", mac, err, errlen);
	if (!ret)
		ret = ctl_arg_addrs(req, addrs, &n, err, errlen);
	if (!ret)
		ret = ep_bw_parse_maxbw(req, &in, &out, &has_bw, err, errlen);
	if (ret)
		return ret;
	ret = vnic_create_capped(d, name, ovname, mac, ctl_arg_str(req, "netns"), addrs, n, in.rate,
				 err, errlen);
	if (ret)
		return ret;
	*res = ep_json(ep_find(d, OVL_EP_VNIC, ctl_arg_str(req, "netns"), name));
	if (overlay_mac_unreachable(d, overlay_find(d, ovname), mac, why, sizeof(why)))
		ctl_warn(*res, why);
	return 0;
}

/* vnic.set (name, [netns], maxbw N|0): change a VNIC's cap. */
static int h_vnic_set(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
		      size_t errlen)
{
	const char *name = ctl_arg_str(req, "name"), *netns = ctl_arg_str(req, "netns");
	struct ovl_shape in, out;
	struct ovl_ep *ep;
	bool has_bw;
	int ret;

	(void)c;
	if (!name)
		FAIL(EINVAL, "missing \"name\"");
	ret = ep_bw_parse_maxbw(req, &in, &out, &has_bw, err, errlen);
	if (ret)
		return ret;
	if (!has_bw)
		FAIL(EINVAL, "nothing to set: missing \"maxbw\"");
	ret = vnic_set_maxbw(d, name, netns, in.rate, err, errlen);
	if (ret)
		return ret;
	ep = vnic_lookup(d, name, netns, err, errlen);
	*res = ep ? ep_json(ep) : json_object();
	return 0;
}

static int h_vnic_delete(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
			 size_t errlen)
{
	const char *name = ctl_arg_str(req, "name");
	int ret;

	(void)c;
	if (!name)
		FAIL(EINVAL, "missing \"name\"");
	ret = vnic_delete(d, name, ctl_arg_str(req, "netns"), err, errlen);
	if (ret)
		return ret;
	*res = json_object();
	return 0;
}

static int h_endpoint_add(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res,
			  char *err, size_t errlen)
{
	const char *id = ctl_arg_str(req, "id"), *ovname = ctl_arg_str(req, "overlay");
	const char *host = ctl_arg_str(req, "host_ifname"), *netns = ctl_arg_str(req, "netns");
	const char *ifname = ctl_arg_str(req, "ifname");
	const char *network = ctl_arg_str(req, "network");
	json_t *addrs = json_object_get(req, "addrs"), *a, *pn;
	struct ovl_ep *ep;
	size_t i;
	int ret;

	(void)c;
	if (!id || !*id || strlen(id) >= sizeof(ep->id))
		FAIL(EINVAL, "\"id\" missing or longer than %zu", sizeof(ep->id) - 1);
	if (!ovname || !host)
		FAIL(EINVAL, "missing \"overlay\" or \"host_ifname\"");
	if (strlen(host) >= OVL_IFNAME_MAX || (ifname && strlen(ifname) >= OVL_IFNAME_MAX))
		FAIL(EINVAL, "interface name too long");
	if (addrs && !json_is_array(addrs))
		FAIL(EINVAL, "\"addrs\" must be an array of addresses");
	if (network && strlen(network) >= sizeof(ep->network))
		FAIL(EINVAL, "\"network\" longer than %zu", sizeof(ep->network) - 1);
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	ret = ctl_arg_mac(req, "mac", ep->mac, err, errlen);
	if (!ret)
		ret = ep_bw_parse(req, &ep->bw_in, &ep->bw_out, err, errlen);
	if (ret)
		goto fail;
	if ((ep->mac[0] & 1) || ovl_mac_is_zero(ep->mac)) {
		snprintf(err, errlen, "mac must be unicast");
		ret = -EINVAL;
		goto fail;
	}
	json_array_foreach(addrs, i, a) {
		struct ovl_ip ip;

		if (!json_is_string(a) || ovl_ip_parse(json_string_value(a), &ip)) {
			snprintf(err, errlen, "addrs[%zu] is not an IP address", i);
			ret = -EINVAL;
			goto fail;
		}
		if (ep->naddrs == OVL_CTL_EP_ADDRS) {
			snprintf(err, errlen, "at most %d addresses", OVL_CTL_EP_ADDRS);
			ret = -E2BIG;
			goto fail;
		}
		ep->addrs[ep->naddrs++] = ip;
	}
	ep->host_ifindex = ovl_link_ifindex(host);
	if (ep->host_ifindex < 0) {
		snprintf(err, errlen, "no interface %s", host);
		ret = -ENODEV;
		goto fail;
	}
	snprintf(ep->id, sizeof(ep->id), "%s", id);
	ep->kind = OVL_EP_CNI;
	snprintf(ep->overlay, sizeof(ep->overlay), "%s", ovname);
	snprintf(ep->host_ifname, sizeof(ep->host_ifname), "%s", host);
	snprintf(ep->ifname, sizeof(ep->ifname), "%s", ifname ? ifname : "");
	snprintf(ep->netns, sizeof(ep->netns), "%s", netns ? netns : "");
	snprintf(ep->network, sizeof(ep->network), "%s", network ? network : "");
	pn = json_object_get(req, "peer_netns");
	ep->peer_netns = pn ? json_is_true(pn) : true;
	ret = ep_check_link(d, ep, false, err, errlen);
	if (!ret)
		ret = ep_register(d, ep, err, errlen);
	if (ret)
		goto fail;
	*res = ep_json(ep);
	return 0;
fail:
	free(ep);
	return ret;
}

/*
 * A CNI endpoint is (network, id): the same container and ifname may be on
 * two networks (or two runtimes may use one container id), and the DEL of
 * one must never take the other. An endpoint that an older ovld saved
 * without its network matches its id on any network; a request without a
 * network (an older plugin) must name an id that is on one network only.
 */
static int h_endpoint_del(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res,
			  char *err, size_t errlen)
{
	const char *id = ctl_arg_str(req, "id"), *network = ctl_arg_str(req, "network");
	struct ovl_ep *ep = NULL;

	(void)c;
	if (!id)
		FAIL(EINVAL, "missing \"id\"");
	if (network) {
		ep = ep_find(d, OVL_EP_CNI, network, id) ?: ep_find(d, OVL_EP_CNI, "", id);
	} else {
		for (struct ovl_ep *e = d->eps; e; e = e->next) {
			if (e->kind != OVL_EP_CNI || strcmp(e->id, id))
				continue;
			if (ep)
				FAIL(EINVAL,
				     "endpoint %s is on networks %s and %s: the request must "
				     "name its \"network\"",
				     id, ep->network, e->network);
			ep = e;
		}
	}
	if (ep) {
		ep_unregister(d, ep);
		free(ep);
	}
	*res = json_pack("{s:b}", "existed", ep != NULL);
	return 0;
}

json_t *ctl_fdb_json(struct ovl_overlay *ov, const __u8 mac[6], const struct ovl_dest *v)
{
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN];

	return json_pack("{s:s, s:i, s:s, s:s, s:i, s:b}", "overlay", ov->name, "vni",
			 (json_int_t)ov->vni, "mac", ovl_mac_format(mac, m), "ip",
			 ovl_ip_format_raw(v->family, v->addr, a), "port",
			 (json_int_t)ntohs(v->port), "static", !!(v->flags & OVL_DEST_F_STATIC));
}

/* The error of map.add and neigh.add for what the write of key returned. */
static int written(int ret, const char *map, int max, const char *key, char *err, size_t errlen)
{
	if (ret == -E2BIG)
		FAIL(ENOSPC, "%s is full (%d entries, shared by every overlay): %s not added", map,
		     max, key);
	if (ret)
		FAIL(-ret, "write %s: %s", map, strerror(-ret));
	return 0;
}

static int h_map_add(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
		     size_t errlen)
{
	json_t *portj = json_object_get(req, "port");
	struct ovl_overlay *ov;
	struct ovl_dest v;
	struct ovl_ip ip;
	json_int_t port = OVL_VXLAN_PORT;
	__u8 mac[6];
	int ret;

	(void)c;
	if ((ret = ctl_arg_overlay(d, req, &ov, err, errlen)) ||
	    (ret = ctl_arg_mac(req, "mac", mac, err, errlen)) ||
	    (ret = ctl_arg_ip(req, "ip", &ip, err, errlen)))
		return ret;
	if (portj) {
		port = json_is_integer(portj) ? json_integer_value(portj) : -1;
		if (port < 1 || port > 65535)
			FAIL(EINVAL, "port must be 1-65535");
	}
	if (mac[0] & 1)
		FAIL(EINVAL, "forwarding entries are for unicast MACs");
	if (ep_by_mac(d, ov->vni, mac))
		FAIL(EEXIST, "that MAC is a local endpoint of overlay %s", ov->name);
	ovl_dest_from_ip(&v, &ip, (__u16)port, OVL_DEST_F_STATIC);
	ret = written(map_fdb_put(d, ov->vni, mac, &v), OVL_MAP_FDB, OVL_MAX_FDB,
		      ctl_arg_str(req, "mac"), err, errlen);
	if (ret)
		return ret;
	*res = ctl_fdb_json(ov, mac, &v);
	if (!overlay_is_peer(ov, &ip)) {
		char why[OVL_ERR_MAX];

		overlay_peer_warning(ov, &ip, mac, why, sizeof(why));
		ctl_warn(*res, why);
	}
	return 0;
}

/* The reply of map.del and neigh.del to what the delete returned. */
static int deleted(int ret, const char *what, const char *key, const struct ovl_overlay *ov,
		   const char *map, json_t **res, char *err, size_t errlen)
{
	if (ret == -ENOENT)
		FAIL(ENOENT, "no %s entry for %s on overlay %s", what, key, ov->name);
	if (ret)
		FAIL(-ret, "delete from %s: %s", map, strerror(-ret));
	*res = json_object();
	return 0;
}

static int h_map_del(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
		     size_t errlen)
{
	struct ovl_overlay *ov;
	__u8 mac[6];
	int ret;

	(void)c;
	if ((ret = ctl_arg_overlay(d, req, &ov, err, errlen)) ||
	    (ret = ctl_arg_mac(req, "mac", mac, err, errlen)))
		return ret;
	return deleted(map_fdb_del(d, ov->vni, mac), "forwarding", ctl_arg_str(req, "mac"), ov,
		       OVL_MAP_FDB, res, err, errlen);
}

static int h_map_get(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
		     size_t errlen)
{
	struct ovl_overlay *ov;
	struct ovl_dest v;
	__u8 mac[6];
	int ret;

	(void)c;
	if ((ret = ctl_arg_overlay(d, req, &ov, err, errlen)) ||
	    (ret = ctl_arg_mac(req, "mac", mac, err, errlen)))
		return ret;
	if (map_fdb_get(d, ov->vni, mac, &v))
		FAIL(ENOENT, "no forwarding entry for %s on overlay %s", ctl_arg_str(req, "mac"),
		     ov->name);
	*res = ctl_fdb_json(ov, mac, &v);
	return 0;
}

json_t *ctl_neigh_json(struct ovl_overlay *ov, const struct ovl_ip *ip, const struct ovl_neigh *n)
{
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN];

	return json_pack("{s:s, s:i, s:s, s:s, s:b}", "overlay", ov->name, "vni",
			 (json_int_t)ov->vni, "ip", ovl_ip_format(ip, a), "mac",
			 ovl_mac_format(n->mac, m), "static", !!(n->flags & OVL_NEIGH_F_STATIC));
}

static int h_neigh_add(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
		       size_t errlen)
{
	struct ovl_overlay *ov;
	struct ovl_neigh n = { .flags = OVL_NEIGH_F_STATIC };
	struct ovl_ip ip;
	int ret;

	(void)c;
	if ((ret = ctl_arg_overlay(d, req, &ov, err, errlen)) ||
	    (ret = ctl_arg_ip(req, "ip", &ip, err, errlen)) ||
	    (ret = ctl_arg_mac(req, "mac", n.mac, err, errlen)))
		return ret;
	if (n.mac[0] & 1)
		FAIL(EINVAL, "a neighbour entry needs a unicast MAC");
	ret = written(map_neigh_put(d, ov->vni, &ip, n.mac, n.flags), OVL_MAP_NEIGH, OVL_MAX_NEIGH,
		      ctl_arg_str(req, "ip"), err, errlen);
	if (ret)
		return ret;
	*res = ctl_neigh_json(ov, &ip, &n);
	return 0;
}

static int h_neigh_del(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
		       size_t errlen)
{
	struct ovl_overlay *ov;
	struct ovl_ip ip;
	int ret;

	(void)c;
	if ((ret = ctl_arg_overlay(d, req, &ov, err, errlen)) ||
	    (ret = ctl_arg_ip(req, "ip", &ip, err, errlen)))
		return ret;
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		for (int i = 0; ep->vni == ov->vni && i < ep->naddrs; i++)
			if (ovl_ip_eq(&ep->addrs[i], &ip)) {
				char l[OVL_EP_LABEL_MAX];

				FAIL(EBUSY, "%s is an address of %s", ctl_arg_str(req, "ip"),
				     ep_label(ep, l, sizeof(l)));
			}
	return deleted(map_neigh_del(d, ov->vni, &ip), "neighbour", ctl_arg_str(req, "ip"), ov,
		       OVL_MAP_NEIGH, res, err, errlen);
}

static json_t *stat_json(const struct ovl_stat *s)
{
	return json_pack("{s:I, s:I}", "packets", (json_int_t)s->packets, "bytes",
			 (json_int_t)s->bytes);
}

/*
 * The counters of one overlay (ovl_vni_stats, ovl_vni_drops), by the names
 * ovl_vstat_name() and "drop_" ovl_drop_name() give them.
 */
static int stats_overlay(struct ovld *d, json_t *req, json_t **res, char *err, size_t errlen)
{
	struct ovl_stat vs[OVL_VSTAT_MAX], vd[OVL_VDROPS];
	struct ovl_overlay *ov;
	json_t *counters;
	int ret;

	ret = ctl_arg_overlay(d, req, &ov, err, errlen);
	if (ret)
		return ret;
	ret = map_vni_stats_read(d, ov, vs);
	if (ret)
		FAIL(-ret, "read %s of vni %u: %s", OVL_MAP_VNI_STATS, ov->vni, strerror(-ret));
	ret = map_vni_drops_read(d, ov->vni, vd);
	if (ret)
		FAIL(-ret, "read %s of vni %u: %s", OVL_MAP_VNI_DROPS, ov->vni, strerror(-ret));
	counters = json_object();
	for (__u32 i = 0; i < OVL_VSTAT_MAX; i++)
		json_object_set_new(counters, ovl_vstat_name(i), stat_json(&vs[i]));
	for (__u32 i = 0; i < OVL_VDROPS; i++) {
		char name[64];

		snprintf(name, sizeof(name), "drop_%s", ovl_drop_name(OVL_DROP_BASE + i));
		json_object_set_new(counters, name, stat_json(&vd[i]));
	}
	*res = json_pack("{s:s, s:I, s:o}", "overlay", ov->name, "vni", (json_int_t)ov->vni,
			 "counters", counters);
	return 0;
}

static int h_stats(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
		   size_t errlen)
{
	struct ovl_stat st[OVL_STAT_MAX];
	json_t *counters;
	int ret;

	(void)c;
	if (ctl_arg_str(req, "overlay"))
		return stats_overlay(d, req, res, err, errlen);
	ret = map_stats_read(d, st, OVL_STAT_MAX);
	if (ret)
		FAIL(-ret, "read %s: %s", OVL_MAP_STATS, strerror(-ret));
	counters = json_object();
	for (__u32 i = 0; i < OVL_STAT_MAX; i++)
		json_object_set_new(counters, ovl_stat_name(i),
				    json_pack("{s:I, s:I}", "packets", (json_int_t)st[i].packets,
					      "bytes", (json_int_t)st[i].bytes));
	*res = json_pack("{s:o}", "counters", counters);
	return 0;
}

static int h_reload(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
		    size_t errlen)
{
	const char *name = ctl_arg_str(req, "overlay");
	json_t *done = json_array();

	(void)c;
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next) {
		int ret;

		if (name && strcmp(name, ov->name))
			continue;
		ret = overlay_reload(d, ov, err, errlen);
		if (ret) {
			json_decref(done);
			return ret;
		}
		json_array_append_new(done, json_string(ov->name));
	}
	if (name && !json_array_size(done)) {
		json_decref(done);
		FAIL(ENOENT, "no overlay %s", name);
	}
	*res = json_pack("{s:o}", "reloaded", done);
	return 0;
}

/* What each backend is and takes (lib/backends.c), and whether this ovld
 * runs it: the list ovlctl and --config check properties against. */
static int h_backend_list(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res,
			  char *err, size_t errlen)
{
	json_t *b;
	size_t i;

	(void)d;
	(void)c;
	(void)req;
	(void)err;
	(void)errlen;
	*res = ovl_backend_infos_json();
	json_array_foreach(json_object_get(*res, "backends"), i, b)
		json_object_set_new(b, "available",
				    json_boolean(backend_find(json_string_value(
							 json_object_get(b, "name"))) != NULL));
	return *res ? 0 : -ENOMEM;
}

static int h_router_list(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
			 size_t errlen)
{
	const char *name = ctl_arg_str(req, "overlay");
	json_t *arr;

	(void)c;
	if (name && !overlay_find(d, name))
		FAIL(ENOENT, "no overlay %s", name);
	arr = json_array();
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		if (ov->router && (!name || !strcmp(name, ov->name)))
			json_array_append_new(arr, router_json(d, ov));
	*res = arr;
	return 0;
}

static int h_router_set(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
			size_t errlen)
{
	(void)c;
	return router_set(d, req, res, err, errlen);
}

static int h_forward_add(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
			 size_t errlen)
{
	(void)c;
	return router_forward_add(d, req, res, err, errlen);
}

static int h_forward_del(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
			 size_t errlen)
{
	(void)c;
	return router_forward_del(d, req, res, err, errlen);
}

static int h_forward_list(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res,
			  char *err, size_t errlen)
{
	const char *name = ctl_arg_str(req, "overlay");

	(void)c;
	if (name && !overlay_find(d, name))
		FAIL(ENOENT, "no overlay %s", name);
	*res = router_forwards_json(d, name);
	return 0;
}

/* ---- ipam.*: the reply waits for the overlay's etcd (ctl_defer()) ------------ */

static void ipam_done(void *arg, int err, json_t *res, const char *msg)
{
	ctl_deferred_reply((unsigned long long)(uintptr_t)arg, err, res, msg);
}

static int h_ipam(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
		  size_t errlen)
{
	const char *cmd = ctl_arg_str(req, "cmd");
	struct ovl_overlay *ov;
	unsigned long long token;
	int ret;

	(void)res;
	if (!ctl_arg_str(req, "overlay") && !strcmp(cmd, OVL_CMD_IPAM_LIST)) {
		/* the one overlay of the etcd backend */
		ov = NULL;
		for (struct ovl_overlay *o = d->overlays; o; o = o->next) {
			if (!o->ops->ipam)
				continue;
			if (ov)
				FAIL(EINVAL, "overlays %s and %s allocate through etcd: name one",
				     ov->name, o->name);
			ov = o;
		}
		if (!ov)
			FAIL(ENOENT, "no overlay of the etcd backend: ovl-ipam allocates in none");
	} else {
		ret = ctl_arg_overlay(d, req, &ov, err, errlen);
		if (ret)
			return ret;
	}
	if (!ov->ops->ipam)
		FAIL(EOPNOTSUPP, "ovl-ipam allocates through etcd: overlay %s is of the %s backend",
		     ov->name, ov->ops->info->name);
	token = ctl_defer(d, c, CTL_DEFER_MS);
	if (!token)
		return -ENOMEM;
	/* the token travels as the argument: a number, never dereferenced */
	ret = ov->ops->ipam(ov->backend, cmd + strlen("ipam."), req, ipam_done,
			    (void *)(uintptr_t)token, // NOLINT(performance-no-int-to-ptr)
			    err, errlen);
	if (ret) {
		ctl_defer_cancel(c, token);
		return ret;
	}
	return CTL_DEFERRED;
}

const struct ctl_cmd ctl_cmds[] = {
	{ OVL_CMD_IPAM_ADD, h_ipam },
	{ OVL_CMD_IPAM_DEL, h_ipam },
	{ OVL_CMD_IPAM_CHECK, h_ipam },
	{ OVL_CMD_IPAM_GC, h_ipam },
	{ OVL_CMD_IPAM_LIST, h_ipam },
	{ OVL_CMD_ROUTER_LIST, h_router_list },
	{ OVL_CMD_ROUTER_SET, h_router_set },
	{ OVL_CMD_FORWARD_ADD, h_forward_add },
	{ OVL_CMD_FORWARD_DEL, h_forward_del },
	{ OVL_CMD_FORWARD_LIST, h_forward_list },
	{ OVL_CMD_STATUS, h_status },
	{ OVL_CMD_OVERLAY_CREATE, h_overlay_create },
	{ OVL_CMD_OVERLAY_DELETE, h_overlay_delete },
	{ OVL_CMD_VNIC_CREATE, h_vnic_create },
	{ OVL_CMD_VNIC_DELETE, h_vnic_delete },
	{ OVL_CMD_VNIC_SET, h_vnic_set },
	{ OVL_CMD_ENDPOINT_ADD, h_endpoint_add },
	{ OVL_CMD_ENDPOINT_DEL, h_endpoint_del },
	{ OVL_CMD_MAP_ADD, h_map_add },
	{ OVL_CMD_MAP_DEL, h_map_del },
	{ OVL_CMD_MAP_GET, h_map_get },
	{ OVL_CMD_NEIGH_ADD, h_neigh_add },
	{ OVL_CMD_NEIGH_DEL, h_neigh_del },
	{ OVL_CMD_STATS, h_stats },
	{ OVL_CMD_RELOAD, h_reload },
	{ OVL_CMD_BACKEND_LIST, h_backend_list },
	{ NULL, NULL },
};
