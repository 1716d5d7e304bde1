// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * link.c - see link.h. libnl reports -NLE_* codes: they are printed with
 * nl_geterror() and turned into CNI error 103 here.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include "ovl_abi.h"
#include "netns.h"
#include "link.h"

static int af_of(const struct ovl_ip *ip)
{
	return ip->family == OVL_AF_INET4 ? AF_INET : AF_INET6;
}

static struct nl_addr *nl_addr_of(const struct ovl_ip *ip, unsigned int plen)
{
	struct nl_addr *a = nl_addr_build(af_of(ip), ip->addr, ip->family == OVL_AF_INET4 ? 4 : 16);

	if (a)
		nl_addr_set_prefixlen(a, (int)plen);
	return a;
}

/* An nl_addr back into an ovl_ip; false for other families. */
static bool ip_of(struct nl_addr *a, struct ovl_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (!a)
		return false;
	if (nl_addr_get_family(a) == AF_INET && nl_addr_get_len(a) == 4)
		ip->family = OVL_AF_INET4;
	else if (nl_addr_get_family(a) == AF_INET6 && nl_addr_get_len(a) == 16)
		ip->family = OVL_AF_INET6;
	else
		return false;
	memcpy(ip->addr, nl_addr_get_binary_addr(a), nl_addr_get_len(a));
	return true;
}

/* libnl folds many errnos into "Unspecific failure": keep the kernel's. */
static int last_errno;

static int keep_errno(struct sockaddr_nl *nla, struct nlmsgerr *nlerr, void *arg)
{
	(void)nla;
	(void)arg;
	last_errno = -nlerr->error;
	return NL_STOP; /* libnl then returns its own code for it, as usual */
}

/* The kernel's reason for libnl's err. */
static const char *nl_reason(int err)
{
	return last_errno > 0 ? strerror(last_errno) : nl_geterror(err);
}

static struct nl_sock *route_sock(struct ovl_cni_err *e)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk) {
		ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
		return NULL;
	}
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err) {
		ovl_cni_error(e, OVL_CNI_E_LINK, "netlink", "connect: %s", nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, keep_errno, NULL);
	return sk;
}

/* ---- configure ---------------------------------------------------------------- */

struct configure_req {
	const char *ifname;
	const struct ovl_cni_result *r;
	int iface;
	struct ovl_cni_err *e;
};

static int add_addr(struct nl_sock *sk, int ifindex, const struct ovl_cni_ipcfg *p,
		    const char *ifname, struct ovl_cni_err *e)
{
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_of(&p->addr, p->plen);
	char c[OVL_IP_STRLEN + 4];
	int err;

	if (!addr || !local) {
		rtnl_addr_put(addr);
		nl_addr_put(local);
		return ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
	}
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_family(addr, af_of(&p->addr));
	err = rtnl_addr_set_local(addr, local);
	if (!err && p->addr.family == OVL_AF_INET6)
		rtnl_addr_set_flags(addr, IFA_F_NODAD);
	last_errno = 0;
	if (!err)
		err = rtnl_addr_add(sk, addr, NLM_F_EXCL);
	rtnl_addr_put(addr);
	nl_addr_put(local);
	if (err)
		return ovl_cni_error(e, OVL_CNI_E_LINK, "cannot add an address", "%s on %s: %s",
				     ovl_cni_cidr_format(&p->addr, p->plen, c), ifname,
				     nl_reason(err));
	return 0;
}

/* The gateway a route without "gw" uses: that of the first address of its
 * family that has one (as the reference plugins do), or none (on-link). */
static const struct ovl_ip *default_gw(const struct ovl_cni_result *r, int iface, __u8 family)
{
	for (int i = 0; i < r->n_ips; i++)
		if (r->ips[i].iface == iface && r->ips[i].addr.family == family && r->ips[i].has_gw)
			return &r->ips[i].gw;
	return NULL;
}

static int add_route(struct nl_sock *sk, int ifindex, const struct ovl_cni_route *rt,
		     const struct ovl_ip *gw, const char *ifname, struct ovl_cni_err *e)
{
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = nl_addr_of(&rt->dst, rt->plen), *via = gw ? nl_addr_of(gw, 0) : NULL;
	char d[OVL_IP_STRLEN + 4], g[OVL_IP_STRLEN];
	int err;

	if (!route || !nh || !dst || (gw && !via)) {
		err = ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
		rtnl_route_nh_free(nh);
		goto out;
	}
	if (gw)
		nl_addr_set_prefixlen(via, gw->family == OVL_AF_INET4 ? 32 : 128);
	rtnl_route_set_family(route, (__u8)af_of(&rt->dst));
	rtnl_route_set_dst(route, dst);
	rtnl_route_set_table(route, rt->table >= 0 ? (unsigned int)rt->table : RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_BOOT);
	rtnl_route_set_type(route, RTN_UNICAST);
	if (rt->scope >= 0)
		rtnl_route_set_scope(route, (__u8)rt->scope);
	else
		rtnl_route_set_scope(route, gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	if (rt->priority >= 0)
		rtnl_route_set_priority(route, (unsigned int)rt->priority);
	if (rt->mtu > 0)
		rtnl_route_set_metric(route, RTAX_MTU, (unsigned int)rt->mtu);
	if (rt->advmss > 0)
		rtnl_route_set_metric(route, RTAX_ADVMSS, (unsigned int)rt->advmss);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (gw)
		rtnl_route_nh_set_gateway(nh, via);
	rtnl_route_add_nexthop(route, nh); /* the route owns nh now */
	last_errno = 0;
	err = rtnl_route_add(sk, route, NLM_F_EXCL);
	if (err == -NLE_EXIST) {
		/* Already there (the kernel's own prefix route, say): fine. */
		pr_debug("route %s on %s exists", ovl_cni_cidr_format(&rt->dst, rt->plen, d),
			 ifname);
		err = 0;
	} else if (err) {
		err = ovl_cni_error(e, OVL_CNI_E_LINK, "cannot add a route", "%s%s%s dev %s: %s",
				    ovl_cni_cidr_format(&rt->dst, rt->plen, d), gw ? " via " : "",
				    gw ? ovl_ip_format(gw, g) : "", ifname, nl_reason(err));
	}
out:
	rtnl_route_put(route);
	nl_addr_put(dst);
	nl_addr_put(via);
	return err;
}

static int configure_in_ns(void *arg)
{
	struct configure_req *req = arg;
	const struct ovl_cni_result *r = req->r;
	struct nl_sock *sk = route_sock(req->e);
	int ifindex, ret = 0;

	if (!sk)
		return req->e->code;
	ifindex = (int)if_nametoindex(req->ifname);
	if (!ifindex) {
		ret = ovl_cni_error(req->e, OVL_CNI_E_LINK, "the container interface vanished",
				    "%s: %s", req->ifname, strerror(errno));
		goto out;
	}
	for (int i = 0; i < r->n_ips && !ret; i++)
		if (r->ips[i].iface == req->iface)
			ret = add_addr(sk, ifindex, &r->ips[i], req->ifname, req->e);
	for (int i = 0; i < r->n_routes && !ret; i++) {
		const struct ovl_cni_route *rt = &r->routes[i];
		const struct ovl_ip *gw =
			rt->has_gw ? &rt->gw : default_gw(r, req->iface, rt->dst.family);

		ret = add_route(sk, ifindex, rt, gw, req->ifname, req->e);
	}
out:
	nl_socket_free(sk);
	return ret;
}

int ovl_cni_link_configure(int ns_fd, const char *ifname, const struct ovl_cni_result *r, int iface,
			   struct ovl_cni_err *e)
{
	struct configure_req req = { .ifname = ifname, .r = r, .iface = iface, .e = e };
	int ret = ovl_netns_run(ns_fd, configure_in_ns, &req);

	if (ret < 0)
		return ovl_cni_error(e, OVL_CNI_E_LINK, "cannot enter the container's namespace",
				     "setns: %s", strerror(-ret));
	return ret;
}

/* ---- inspect ------------------------------------------------------------------- */

struct inspect_req {
	const char *ifname;
	struct ovl_cni_live *live;
	struct ovl_cni_err *e;
};

static void collect_addr(struct nl_object *obj, void *arg)
{
	struct ovl_cni_live *live = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct nl_addr *local = rtnl_addr_get_local(a);
	struct ovl_cni_live_addr *x;

	if (rtnl_addr_get_ifindex(a) != live->ifindex || live->n_addrs >= OVL_CNI_LIVE_MAX)
		return;
	x = &live->addrs[live->n_addrs];
	if (!ip_of(local, &x->ip))
		return;
	x->plen = (unsigned int)rtnl_addr_get_prefixlen(a);
	live->n_addrs++;
}

static void collect_route(struct nl_object *obj, void *arg)
{
	struct ovl_cni_live *live = arg;
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct rtnl_nexthop *nh;
	struct ovl_cni_live_route *x;
	struct nl_addr *dst = rtnl_route_get_dst(r);

	if (live->n_routes >= OVL_CNI_LIVE_MAX || rtnl_route_get_nnexthops(r) < 1)
		return;
	nh = rtnl_route_nexthop_n(r, 0);
	if (rtnl_route_nh_get_ifindex(nh) != live->ifindex)
		return;
	x = &live->routes[live->n_routes];
	memset(x, 0, sizeof(*x));
	if (!ip_of(dst, &x->dst)) {
		/* A default route may come without a destination address. */
		if (!dst || nl_addr_get_prefixlen(dst) != 0)
			return;
		x->dst.family = rtnl_route_get_family(r) == AF_INET ? OVL_AF_INET4 : OVL_AF_INET6;
	}
	x->plen = dst ? (unsigned int)nl_addr_get_prefixlen(dst) : 0;
	x->has_gw = ip_of(rtnl_route_nh_get_gateway(nh), &x->gw);
	x->table = rtnl_route_get_table(r);
	x->oif = rtnl_route_nh_get_ifindex(nh);
	live->n_routes++;
}

static int inspect_here(void *arg)
{
	struct inspect_req *req = arg;
	struct ovl_cni_live *live = req->live;
	struct rtnl_link *link = NULL;
	struct nl_cache *cache = NULL;
	struct nl_sock *sk = route_sock(req->e);
	struct nl_addr *mac;
	int err, ret = 0;

	memset(live, 0, sizeof(*live));
	if (!sk)
		return req->e->code;
	err = rtnl_link_get_kernel(sk, 0, req->ifname, &link);
	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV)
		goto out;
	if (err) {
		ret = ovl_cni_error(req->e, OVL_CNI_E_LINK, "netlink", "read link %s: %s",
				    req->ifname, nl_geterror(err));
		goto out;
	}
	live->exists = true;
	live->ifindex = rtnl_link_get_ifindex(link);
	live->mtu = rtnl_link_get_mtu(link);
	live->up = rtnl_link_get_flags(link) & IFF_UP;
	mac = rtnl_link_get_addr(link);
	if (mac && nl_addr_get_len(mac) == 6)
		memcpy(live->mac, nl_addr_get_binary_addr(mac), 6);
	err = rtnl_addr_alloc_cache(sk, &cache);
	if (err) {
		ret = ovl_cni_error(req->e, OVL_CNI_E_LINK, "netlink", "read addresses: %s",
				    nl_geterror(err));
		goto out;
	}
	nl_cache_foreach(cache, collect_addr, live);
	nl_cache_free(cache);
	cache = NULL;
	err = rtnl_route_alloc_cache(sk, AF_UNSPEC, 0, &cache);
	if (err) {
		ret = ovl_cni_error(req->e, OVL_CNI_E_LINK, "netlink", "read routes: %s",
				    nl_geterror(err));
		goto out;
	}
	nl_cache_foreach(cache, collect_route, live);
out:
	nl_cache_free(cache);
	rtnl_link_put(link);
	nl_socket_free(sk);
	return ret;
}

int ovl_cni_link_inspect(int ns_fd, const char *ifname, struct ovl_cni_live *live,
			 struct ovl_cni_err *e)
{
	struct inspect_req req = { .ifname = ifname, .live = live, .e = e };
	int ret;

	if (ns_fd < 0)
		return inspect_here(&req);
	ret = ovl_netns_run(ns_fd, inspect_here, &req);
	if (ret < 0)
		return ovl_cni_error(e, OVL_CNI_E_LINK, "cannot enter the container's namespace",
				     "setns: %s", strerror(-ret));
	return ret;
}

/* ---- host side ------------------------------------------------------------------ */

int ovl_cni_link_alias(const char *name, char *buf, size_t len)
{
	struct ovl_cni_err e;
	struct rtnl_link *link = NULL;
	struct nl_sock *sk = route_sock(&e);
	int err;

	buf[0] = '\0';
	if (!sk)
		return -EIO;
	err = rtnl_link_get_kernel(sk, 0, name, &link);
	nl_socket_free(sk);
	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV)
		return -ENODEV;
	if (err)
		return -EIO;
	snprintf(buf, len, "%s", rtnl_link_get_ifalias(link) ?: "");
	rtnl_link_put(link);
	return 0;
}

bool ovl_cni_host_v1_find(const struct ovl_netconf *nc, const char *container_id,
			  const char *ifname, char out[OVL_CNI_IFNAME_MAX])
{
	char alias[OVL_ALIAS_MAX], want[OVL_ALIAS_MAX];

	ovl_cni_host_ifname_v1(container_id, ifname, out);
	return !ovl_cni_link_alias(out, alias, sizeof(alias)) &&
	       !ovl_cni_alias_format(nc->instance, nc->name, container_id, ifname, want,
				     sizeof(want)) &&
	       !strcmp(alias, want);
}

int ovl_cni_host_links(int (*fn)(const char *name, const char *alias, void *arg), void *arg)
{
	struct ovl_cni_err e;
	struct nl_cache *cache = NULL;
	struct nl_sock *sk = route_sock(&e);
	struct nl_object *o;
	int err;

	if (!sk)
		return -EIO;
	err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
	nl_socket_free(sk);
	if (err)
		return -EIO;
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		const char *alias = rtnl_link_get_ifalias(l);

		if (alias && !strncmp(alias, OVL_CNI_ALIAS_PREFIX, strlen(OVL_CNI_ALIAS_PREFIX))) {
			err = fn(rtnl_link_get_name(l), alias, arg);
			if (err)
				break;
		}
	}
	nl_cache_free(cache);
	return err;
}
