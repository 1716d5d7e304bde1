// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fake_link.c - lib/veth.h over a table in memory, for the ctl harness
 * (tests/fuzz/fuzz_ctl.c), which links it instead of lib/veth.c.
 *
 * A real veth pair costs the kernel a synchronize_net() or two when it is
 * made and deleted: about 6 ms a netlink request here, which made the
 * inputs that create a VNIC or a router zone most of the harness's time.
 * The handlers behind the control socket see the same answers as from
 * the kernel for what they ask (names, ifindexes, kinds, aliases, MACs,
 * MTUs, in which network namespace each end is), and the same errors
 * (-EEXIST, -ENODEV, -EINVAL for a name or MTU the kernel refuses).
 *
 * Each link belongs to the network namespace the caller was in (the inode
 * of /proc/thread-self/ns/net), or that of req->netns_fd; every namespace
 * has its "lo" at ifindex 1. Network namespaces themselves stay real
 * (lib/netns.c): a router zone's is made, mounted and entered.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fake_link.h"
#include "veth.h"

#define MAX_LINKS 256

struct flink {
	bool used;
	ino_t ns;
	int ifindex;
	int peer; /* index into links[] of the other end of a veth, or -1 */
	char name[IFNAMSIZ];
	char alias[256];
	__u8 mac[6];
	int mtu;
};

static struct flink links[MAX_LINKS];
static int next_ifindex = 2;

static ino_t ns_of_fd(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

static ino_t ns_here(void)
{
	struct stat st;

	return stat("/proc/thread-self/ns/net", &st) ? 0 : st.st_ino;
}

/* As the kernel's dev_valid_name(). */
static bool name_ok(const char *name)
{
	if (!name || !*name || strlen(name) >= IFNAMSIZ || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (const char *c = name; *c; c++)
		if (*c == '/' || *c == ':' || *c == ' ' || (*c >= '\t' && *c <= '\r'))
			return false;
	return true;
}

static struct flink *find(ino_t ns, const char *name)
{
	for (int i = 0; i < MAX_LINKS; i++)
		if (links[i].used && links[i].ns == ns && !strcmp(links[i].name, name))
			return &links[i];
	return NULL;
}

static int slot(void)
{
	for (int i = 0; i < MAX_LINKS; i++)
		if (!links[i].used)
			return i;
	return -1;
}

size_t fake_link_count(void)
{
	size_t n = 0;

	for (int i = 0; i < MAX_LINKS; i++)
		n += links[i].used;
	return n;
}

void fake_link_reset(void)
{
	memset(links, 0, sizeof(links));
	next_ifindex = 2;
}

int ovl_nl_errno(int nlerr)
{
	return nlerr < 0 ? -EIO : 0;
}

int ovl_veth_create(const struct ovl_veth_req *req, int *host_ifindex)
{
	ino_t host_ns = ns_here();
	ino_t ep_ns = req->netns_fd >= 0 ? ns_of_fd(req->netns_fd) : host_ns;
	static const __u8 zero[6];
	int h, e;

	if (!name_ok(req->name) || !name_ok(req->host_name) ||
	    (req->mtu && (req->mtu < 68 || req->mtu > 65535)) ||
	    (req->mac && ((req->mac[0] & 1) || !memcmp(req->mac, zero, 6))))
		return -EINVAL;
	if (!host_ns || !ep_ns)
		return -EIO;
	if (!strcmp(req->name, "lo") || !strcmp(req->host_name, "lo") || find(ep_ns, req->name) ||
	    find(host_ns, req->host_name) ||
	    (ep_ns == host_ns && !strcmp(req->name, req->host_name)))
		return -EEXIST;
	h = slot();
	if (h < 0)
		return -ENOMEM;
	links[h].used = true;
	e = slot();
	links[h].used = false;
	if (e < 0)
		return -ENOMEM;

	links[h] = (struct flink){ .used = true,
				   .ns = host_ns,
				   .ifindex = next_ifindex++,
				   .peer = e,
				   .mtu = req->mtu ? (int)req->mtu : 1500 };
	links[e] = (struct flink){ .used = true,
				   .ns = ep_ns,
				   .ifindex = next_ifindex++,
				   .peer = h,
				   .mtu = links[h].mtu };
	snprintf(links[h].name, sizeof(links[h].name), "%s", req->host_name);
	snprintf(links[e].name, sizeof(links[e].name), "%s", req->name);
	if (req->host_alias)
		snprintf(links[h].alias, sizeof(links[h].alias), "%s", req->host_alias);
	for (int i = 0; i < 6; i++) {
		links[h].mac[i] = (__u8)rand();
		links[e].mac[i] = req->mac ? req->mac[i] : (__u8)rand();
	}
	links[h].mac[0] = (links[h].mac[0] & 0xfe) | 0x02;
	if (!req->mac)
		links[e].mac[0] = (links[e].mac[0] & 0xfe) | 0x02;
	*host_ifindex = links[h].ifindex;
	return 0;
}

/* name in the caller's namespace; "lo" is there too, as ifindex 1. */
static const struct flink *lookup(const char *name, struct flink *lo)
{
	if (!name_ok(name))
		return NULL;
	if (!strcmp(name, "lo")) {
		*lo = (struct flink){ .used = true, .ifindex = 1, .peer = -1, .mtu = 65536 };
		snprintf(lo->name, sizeof(lo->name), "lo");
		return lo;
	}
	return find(ns_here(), name);
}

int ovl_link_delete(const char *name)
{
	struct flink *l = name_ok(name) ? find(ns_here(), name) : NULL;

	if (!strcmp(name, "lo"))
		return -EINVAL; /* the kernel's answer for loopback */
	if (!l)
		return -ENODEV;
	if (l->peer >= 0)
		links[l->peer].used = false;
	l->used = false;
	return 0;
}

int ovl_link_ifindex(const char *name)
{
	struct flink lo;
	const struct flink *l = lookup(name, &lo);

	return l ? l->ifindex : -ENODEV;
}

int ovl_link_mtu(const char *name)
{
	struct flink lo;
	const struct flink *l = lookup(name, &lo);

	return l ? l->mtu : -ENODEV;
}

int ovl_link_mac(const char *name, __u8 mac[6])
{
	struct flink lo;
	const struct flink *l = lookup(name, &lo);

	if (!l)
		return -ENODEV;
	memcpy(mac, l->mac, 6);
	return 0;
}

int ovl_link_driver(const char *name, char *buf, size_t len)
{
	struct flink lo;
	const struct flink *l = lookup(name, &lo);

	if (!l)
		return -ENODEV;
	if (l->peer < 0)
		return -EOPNOTSUPP; /* loopback has no ethtool driver info */
	snprintf(buf, len, "veth");
	return 0;
}

int ovl_link_set_tso(const char *name, bool on)
{
	struct flink lo;

	(void)on;
	return lookup(name, &lo) ? 0 : -ENODEV;
}

static void info_of(const struct flink *l, struct ovl_link_info *li)
{
	memset(li, 0, sizeof(*li));
	li->ifindex = l->ifindex;
	snprintf(li->kind, sizeof(li->kind), "%s", l->peer >= 0 ? "veth" : "");
	snprintf(li->alias, sizeof(li->alias), "%s", l->alias);
	li->peer_netns = l->peer >= 0 && links[l->peer].ns != l->ns;
}

int ovl_link_info(const char *name, struct ovl_link_info *li)
{
	struct flink lo;
	const struct flink *l = lookup(name, &lo);

	if (!l)
		return -ENODEV;
	info_of(l, li);
	return 0;
}

int ovl_link_foreach(int (*fn)(const char *name, const struct ovl_link_info *li, void *arg),
		     void *arg)
{
	struct flink lo;
	struct ovl_link_info li;
	ino_t ns = ns_here();
	int err;

	lookup("lo", &lo);
	info_of(&lo, &li);
	err = fn(lo.name, &li, arg);
	for (int i = 0; i < MAX_LINKS && !err; i++) {
		if (!links[i].used || links[i].ns != ns)
			continue;
		info_of(&links[i], &li);
		err = fn(links[i].name, &li, arg);
	}
	return err;
}

int ovl_link_set_alias(const char *name, const char *alias)
{
	struct flink *l = name_ok(name) ? find(ns_here(), name) : NULL;

	if (!l)
		return -ENODEV;
	snprintf(l->alias, sizeof(l->alias), "%s", alias);
	return 0;
}
