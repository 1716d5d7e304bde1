// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * veth.c - see veth.h. libnl's -NLE_* codes are turned into -errno here;
 * their text is logged with nl_geterror().
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include "log.h"
#include "netns.h"
#include "veth.h"

int ovl_nl_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_EXIST:
		return -EEXIST;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV:
		return -ENODEV;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_INVAL:
	case NLE_RANGE:
		return -EINVAL;
	case NLE_BUSY:
		return -EBUSY;
	default:
		return -EIO;
	}
}

static struct nl_sock *route_sock(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		return NULL;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err) {
		pr_err("netlink connect: %s", nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

/* One ethtool request (data starts with its cmd) on name in the caller's
 * netns. Return: 0 or -errno. */
static int ethtool_ioctl(const char *name, void *data)
{
	struct ifreq ifr;
	int fd, err = 0;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = data;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;
	close(fd);
	return err;
}

static int ethtool_set(const char *name, __u32 cmd, bool on)
{
	struct ethtool_value ev = { .cmd = cmd, .data = on };

	return ethtool_ioctl(name, &ev);
}

int ovl_link_driver(const char *name, char *buf, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	int err = ethtool_ioctl(name, &info);

	if (!err)
		snprintf(buf, len, "%.*s", (int)sizeof(info.driver), info.driver);
	return err;
}

int ovl_link_set_tso(const char *name, bool on)
{
	int err = ethtool_set(name, ETHTOOL_STSO, on);

	if (err)
		pr_err("set TSO %s on %s: %s", on ? "on" : "off", name, strerror(-err));
	return err;
}

int ovl_link_ifindex(const char *name)
{
	unsigned int i = if_nametoindex(name);

	return i ? (int)i : -ENODEV;
}

int ovl_link_mtu(const char *name)
{
	struct ifreq ifr;
	int fd, ret;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = ioctl(fd, SIOCGIFMTU, &ifr) ? -errno : ifr.ifr_mtu;
	close(fd);
	return ret;
}

int ovl_link_mac(const char *name, __u8 mac[6])
{
	struct ifreq ifr;
	int fd, ret = 0;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		ret = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return ret;
}

int ovl_link_delete(const char *name)
{
	struct rtnl_link *link;
	struct nl_sock *sk;
	int err;

	sk = route_sock();
	if (!sk)
		return -EIO;
	link = rtnl_link_alloc();
	if (!link) {
		nl_socket_free(sk);
		return -ENOMEM;
	}
	rtnl_link_set_name(link, name);
	err = rtnl_link_delete(sk, link);
	rtnl_link_put(link);
	nl_socket_free(sk);
	if (err) {
		err = ovl_nl_errno(err);
		return err == -EINVAL ? -ENODEV : err;
	}
	return 0;
}

/* Set name up and, when alias is not NULL, its ifalias. */
static int link_up(struct nl_sock *sk, const char *name, const char *alias)
{
	struct rtnl_link *link = NULL, *change;
	int err;

	err = rtnl_link_get_kernel(sk, 0, name, &link);
	if (err) {
		pr_err("find %s: %s", name, nl_geterror(err));
		return ovl_nl_errno(err);
	}
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(link);
		return -ENOMEM;
	}
	rtnl_link_set_flags(change, IFF_UP);
	if (alias)
		rtnl_link_set_ifalias(change, alias);
	err = rtnl_link_change(sk, link, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(link);
	if (err) {
		pr_err("set %s up: %s", name, nl_geterror(err));
		return ovl_nl_errno(err);
	}
	return 0;
}

/* Bring `name` up and set GRO, inside the endpoint's netns. */
struct up_req {
	const char *name;
};

static int link_up_gro(void *arg)
{
	const struct up_req *r = arg;
	struct nl_sock *sk = route_sock();
	int err;

	if (!sk)
		return -EIO;
	err = link_up(sk, r->name, NULL);
	nl_socket_free(sk);
	if (err)
		return err;
	err = ethtool_set(r->name, ETHTOOL_SGRO, true);
	if (err)
		pr_err("set GRO on %s: %s", r->name, strerror(-err));
	return err;
}

/* Mark the host end and move it into the namespace home, from inside the
 * scratch namespace it was made in. */
struct move_req {
	const char *name, *alias;
	int home_fd;
};

static int mark_and_move(void *arg)
{
	const struct move_req *r = arg;
	struct rtnl_link *link = NULL, *change = NULL;
	struct nl_sock *sk = route_sock();
	int err;

	if (!sk)
		return -EIO;
	err = rtnl_link_get_kernel(sk, 0, r->name, &link);
	if (!err) {
		change = rtnl_link_alloc();
		if (!change) {
			err = -NLE_NOMEM;
		} else {
			rtnl_link_set_ifalias(change, r->alias);
			rtnl_link_set_ns_fd(change, r->home_fd);
			err = rtnl_link_change(sk, link, change, 0);
		}
	}
	rtnl_link_put(change);
	rtnl_link_put(link);
	nl_socket_free(sk);
	if (err) {
		pr_err("mark %s and move it home: %s", r->name, nl_geterror(err));
		return ovl_nl_errno(err);
	}
	return 0;
}

int ovl_veth_create(const struct ovl_veth_req *req, int *host_ifindex)
{
	struct rtnl_link *link, *peer;
	struct nl_addr *addr = NULL;
	struct up_req up = { .name = req->name };
	struct move_req mv = { .name = req->host_name, .alias = req->host_alias, .home_fd = -1 };
	int scratch = -1, err, idx;
	struct nl_sock *sk;

	sk = route_sock();
	if (!sk)
		return -EIO;
	link = rtnl_link_veth_alloc();
	if (!link) {
		err = -ENOMEM;
		goto out_sock;
	}
	peer = rtnl_link_veth_get_peer(link);
	rtnl_link_set_name(link, req->name);
	if (req->mac) {
		addr = nl_addr_build(AF_LLC, req->mac, 6);
		if (!addr) {
			err = -ENOMEM;
			goto out_link;
		}
		rtnl_link_set_addr(link, addr);
	}
	if (req->mtu) {
		rtnl_link_set_mtu(link, req->mtu);
		rtnl_link_set_mtu(peer, req->mtu);
	}
	/* The endpoint's end is created directly in its namespace: it never
	 * appears in ours, so a failure cannot leave it behind here. */
	if (req->netns_fd >= 0)
		rtnl_link_set_ns_fd(link, req->netns_fd);
	rtnl_link_set_name(peer, req->host_name);
	if (req->marked_only && req->host_alias) {
		scratch = ovl_netns_scratch();
		mv.home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (scratch < 0 || mv.home_fd < 0) {
			err = scratch < 0 ? scratch : -errno;
			pr_err("scratch namespace for %s: %s", req->host_name, strerror(-err));
			goto out_peer;
		}
		rtnl_link_set_ns_fd(peer, scratch);
	}

	err = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
	if (err) {
		pr_err("create veth %s/%s: %s", req->name, req->host_name, nl_geterror(err));
		err = ovl_nl_errno(err);
		goto out_peer;
	}
	if (scratch >= 0) {
		err = ovl_netns_run(scratch, mark_and_move, &mv);
		if (err)
			goto out_peer; /* the pair goes with the scratch namespace */
	}
	idx = ovl_link_ifindex(req->host_name);
	if (idx < 0) {
		err = idx;
		goto out_del;
	}
	/* Up only once both ends exist (veth_open() wants its peer). The
	 * alias goes on here: the kernel ignores IFLA_IFALIAS on create. */
	err = link_up(sk, req->host_name, scratch >= 0 ? NULL : req->host_alias);
	if (err)
		goto out_del;
	if (req->netns_fd >= 0)
		err = ovl_netns_run(req->netns_fd, link_up_gro, &up);
	else
		err = link_up_gro(&up);
	if (err)
		goto out_del;
	*host_ifindex = idx;
	err = 0;
	goto out_peer;

out_del:
	ovl_link_delete(req->host_name);
out_peer:
	if (scratch >= 0)
		close(scratch);
	if (mv.home_fd >= 0)
		close(mv.home_fd);
	rtnl_link_put(peer);
out_link:
	nl_addr_put(addr);
	rtnl_link_put(link);
out_sock:
	nl_socket_free(sk);
	return err;
}

static void link_info_of(struct rtnl_link *l, struct ovl_link_info *li)
{
	int32_t nsid;

	memset(li, 0, sizeof(*li));
	li->ifindex = rtnl_link_get_ifindex(l);
	snprintf(li->kind, sizeof(li->kind), "%s", rtnl_link_get_type(l) ?: "");
	snprintf(li->alias, sizeof(li->alias), "%s", rtnl_link_get_ifalias(l) ?: "");
	/* The kernel reports a link netns id only when the other end lives
	 * in another namespace (rtnl_fill_link_netnsid()). */
	li->peer_netns = !rtnl_link_get_link_netnsid(l, &nsid);
}

int ovl_link_info(const char *name, struct ovl_link_info *li)
{
	struct rtnl_link *link = NULL;
	struct nl_sock *sk = route_sock();
	int err;

	if (!sk)
		return -EIO;
	err = rtnl_link_get_kernel(sk, 0, name, &link);
	nl_socket_free(sk);
	if (err)
		return ovl_nl_errno(err);
	link_info_of(link, li);
	rtnl_link_put(link);
	return 0;
}

int ovl_link_foreach(int (*fn)(const char *name, const struct ovl_link_info *li, void *arg),
		     void *arg)
{
	struct nl_cache *cache = NULL;
	struct nl_sock *sk = route_sock();
	struct ovl_link_info li;
	int err;

	if (!sk)
		return -EIO;
	err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
	nl_socket_free(sk);
	if (err) {
		pr_err("list interfaces: %s", nl_geterror(err));
		return ovl_nl_errno(err);
	}
	for (struct nl_object *o = nl_cache_get_first(cache); o && !err; o = nl_cache_get_next(o)) {
		link_info_of((struct rtnl_link *)o, &li);
		err = fn(rtnl_link_get_name((struct rtnl_link *)o), &li, arg);
	}
	nl_cache_free(cache);
	return err;
}

int ovl_link_set_alias(const char *name, const char *alias)
{
	struct rtnl_link *link = NULL, *change = NULL;
	struct nl_sock *sk = route_sock();
	int err;

	if (!sk)
		return -EIO;
	err = rtnl_link_get_kernel(sk, 0, name, &link);
	if (!err) {
		change = rtnl_link_alloc();
		if (!change) {
			err = -NLE_NOMEM;
		} else {
			rtnl_link_set_ifalias(change, alias);
			err = rtnl_link_change(sk, link, change, 0);
		}
	}
	rtnl_link_put(change);
	rtnl_link_put(link);
	nl_socket_free(sk);
	if (err) {
		pr_err("set the ifalias of %s: %s", name, nl_geterror(err));
		return ovl_nl_errno(err);
	}
	return 0;
}
