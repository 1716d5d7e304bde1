// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * nexthop.c - the generation of the encapsulation path's next-hop cache.
 *
 * The TC program keeps the kernel's route toward each VTEP, as
 * bpf_fib_lookup() answered it from an endpoint's veth, in ovl_nexthops,
 * stamped with ovl_cfg.nh_gen, and uses it while nh_gen stays the same
 * (ovl_abi.h, bpf/lib/encap.h). Here ovld raises nh_gen:
 *   - at every turn of the loop in which rtnetlink told of a change that
 *     can alter an answer: links (up, down, MTU), addresses, routes and
 *     rules of both families, next-hop objects, neighbours (a MAC that
 *     changed, an entry that went stale or away), a device's forwarding
 *     setting. A lost notice (the socket's buffer overran) raises it too;
 *   - once a second, for what the kernel changes without a notice: a path
 *     MTU learned from an ICMP message lives in the route's exceptions.
 * So an answer is never used after ovld has read the notice of the change
 * that made it wrong, and never more than a second after a change nobody
 * told of. A lookup that raced a change is stamped with the generation it
 * started under, which the notice's raise makes old.
 *
 * At start the map is emptied and the generation is one past the one the
 * pinned ovl_config holds, so that nothing an earlier ovld's programs kept
 * is taken for current. nh_gen is never 0 while ovld runs: that turns the
 * cache off, and is what ovld writes when it ends (the programs go on
 * without it, and nobody would follow the host's routing for them), and
 * what an older ovld of ABI 6, which knows nothing of it, writes.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "ovld.h"
#include "loop.h"
#include "log.h"

#define NH_PERIOD_MS 1000

/* rtnetlink groups the legacy mask of bind() has no RTMGRP_ name for:
 * IPv6 rules, next-hop objects (above its 32 bits), and the devices'
 * forwarding settings (netconf: the lookup refuses a veth without). */
static const unsigned int nh_groups_more[] = { RTNLGRP_IPV6_RULE, RTNLGRP_NEXTHOP,
					       RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV6_NETCONF };

/* The next generation; never 0, which turns the cache off. */
static void nh_next(struct ovld *d)
{
	if (!++d->nh_gen)
		d->nh_gen = 1;
}

static void nh_raise(struct ovld *d)
{
	nh_next(d);
	dp_write_config(d);
}

/* Read the pending notices (none is looked at: any may change a route),
 * then raise the generation once. At most NH_READS per turn: a host whose
 * routes never stop changing does not hold up the rest of the loop (what
 * is left is read at the next turn). */
#define NH_READS 64

static void on_notice(void *arg, uint32_t events)
{
	struct ovld *d = arg;
	char buf[16384];
	bool any = false;

	(void)events;
	for (int i = 0; i < NH_READS; i++) {
		ssize_t n = recv(d->nh_fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n > 0 || (n < 0 && errno == ENOBUFS)) { /* ENOBUFS: notices lost */
			any = true;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	if (any)
		nh_raise(d);
}

static void on_period(void *arg)
{
	struct ovld *d = arg;

	nh_raise(d);
	loop_timer_arm(d->nh_timer, NH_PERIOD_MS);
}

/* Empty ovl_nexthops: it is a cache, what the programs find again. An
 * entry the LRU let go meanwhile is gone already (ENOENT); another error
 * stops it, logged: what is left is of an older generation, unless the
 * generation came round to it again. */
static void nh_flush(struct ovld *d)
{
	int fd = bpf_map__fd(d->skel->maps.ovl_nexthops);
	struct ovl_nh_key k;

	while (!bpf_map_get_next_key(fd, NULL, &k))
		if (bpf_map_delete_elem(fd, &k) && errno != ENOENT) {
			pr_warn("empty %s: %s", OVL_MAP_NEXTHOPS, strerror(errno));
			break;
		}
}

int nh_init(struct ovld *d)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE |
			     RTMGRP_IPV4_RULE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE,
	};
	struct ovl_cfg cfg;
	int rcvbuf = 1 << 20;
	__u32 zero = 0;

	/* Listening first: a change after this is a notice, one before it
	 * is older than every answer the new generation will keep. */
	d->nh_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (d->nh_fd < 0 || bind(d->nh_fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		pr_err("listen for route, neighbour and link changes (rtnetlink): %s",
		       strerror(-err));
		return err;
	}
	setsockopt(d->nh_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	for (size_t i = 0; i < sizeof(nh_groups_more) / sizeof(nh_groups_more[0]); i++)
		if (setsockopt(d->nh_fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &nh_groups_more[i],
			       sizeof(nh_groups_more[i]))) {
			int err = -errno;

			pr_err("listen for rule, next-hop and forwarding changes (rtnetlink group "
			       "%u): %s",
			       nh_groups_more[i], strerror(-err));
			return err;
		}
	d->nh_src = loop_add_fd(d->loop, d->nh_fd, EPOLLIN, on_notice, d);
	d->nh_timer = loop_timer_new(d->loop, on_period, d);
	if (!d->nh_src || !d->nh_timer)
		return -ENOMEM;
	memset(&cfg, 0, sizeof(cfg));
	d->nh_gen = bpf_map_lookup_elem(bpf_map__fd(d->skel->maps.ovl_config), &zero, &cfg) ?
			    0 :
			    cfg.nh_gen;
	nh_flush(d);
	nh_next(d); /* written by dp_write_config(), next in the start-up */
	loop_timer_arm(d->nh_timer, NH_PERIOD_MS);
	return 0;
}

void nh_close(struct ovld *d)
{
	if (d->nh_gen) {
		d->nh_gen = 0;
		dp_write_config(d);
	}
	loop_del_fd(d->nh_src);
	loop_timer_free(d->nh_timer);
	d->nh_src = NULL;
	d->nh_timer = NULL;
	if (d->nh_fd >= 0)
		close(d->nh_fd);
	d->nh_fd = -1;
}
