// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * shape.c - see shape.h. libnl's -NLE_* codes become -errno here; their
 * text goes into the caller's message.
 *
 * Why tbf: one qdisc, no classes; it segments a GSO packet bigger than the
 * bucket instead of dropping it; and its queue limit (burst plus 50 ms at
 * the rate) holds a TCP window's worth without adding much delay. The root
 * qdisc ovl makes has handle OVL_SHAPE_HANDLE, which is how a later call
 * (or `tc qdisc show`) tells it from a root qdisc someone else made.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/tbf.h>
#include <linux/pkt_sched.h>
#include "netns.h"
#include "shape.h"
#include "veth.h"

#define OVL_SHAPE_HANDLE 0x0b1a0000u /* "0b1a:" */
#define SHAPE_LATENCY_US 50000ull    /* queue of the tbf: this long at the rate, + burst */

int ovl_rate_parse(const char *s, unsigned long long *bps)
{
	unsigned long long v = 0, mul = 1;
	const char *p = s;

	*bps = 0;
	if (!s || !*s || !strcmp(s, "none"))
		return 0;
	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (~0ull - 9) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	switch (*p) {
	case 'k':
	case 'K':
		mul = 1000;
		p++;
		break;
	case 'm':
	case 'M':
		mul = 1000000;
		p++;
		break;
	case 'g':
	case 'G':
		mul = 1000000000;
		p++;
		break;
	default:
		break;
	}
	if (*p)
		return -EINVAL;
	if (!v || v > OVL_SHAPE_RATE_MAX / mul)
		return -ERANGE;
	*bps = v * mul;
	return 0;
}

const char *ovl_rate_format(unsigned long long bps, char *buf, size_t len)
{
	if (!bps)
		snprintf(buf, len, "none");
	else if (bps % 1000000000 == 0)
		snprintf(buf, len, "%lluG", bps / 1000000000);
	else if (bps % 1000000 == 0)
		snprintf(buf, len, "%lluM", bps / 1000000);
	else if (bps % 1000 == 0)
		snprintf(buf, len, "%lluK", bps / 1000);
	else
		snprintf(buf, len, "%llu", bps);
	return buf;
}

const char *ovl_shape_check(const struct ovl_shape *s, const char *rate_field,
			    const char *burst_field, char *buf, size_t len)
{
	if (!s->rate && s->burst) {
		snprintf(buf, len, "%s without %s: a burst needs a rate", burst_field, rate_field);
		return buf;
	}
	if (s->rate && s->rate < 8) {
		snprintf(buf, len, "%s %llu: less than one byte per second", rate_field, s->rate);
		return buf;
	}
	if (s->rate > OVL_SHAPE_RATE_MAX) {
		snprintf(buf, len, "%s %llu: at most %llu bits/s", rate_field, s->rate,
			 OVL_SHAPE_RATE_MAX);
		return buf;
	}
	if (s->burst && (s->burst < 8ull * 2048 || s->burst > OVL_SHAPE_BURST_MAX)) {
		snprintf(buf, len, "%s %llu: from %u to %llu bits (a frame must fit)", burst_field,
			 s->burst, 8u * 2048, OVL_SHAPE_BURST_MAX);
		return buf;
	}
	return NULL;
}

unsigned long long ovl_shape_burst_default(unsigned long long rate)
{
	unsigned long long b = rate / 100; /* 10 ms */

	return b < 64ull * 1024 * 8 ? 64ull * 1024 * 8 : b;
}

struct shape_call {
	const char *ifname;
	const struct ovl_shape *s; /* NULL: query */
	unsigned long long rate;   /* query's answer */
	char *err;
	size_t errlen;
};

/* The root qdisc of ifindex if it is ovl's tbf (a reference), else NULL. */
static struct rtnl_qdisc *root_ours(struct nl_sock *sk, int ifindex, struct nl_cache **cache)
{
	struct rtnl_qdisc *q;

	*cache = NULL;
	if (rtnl_qdisc_alloc_cache(sk, cache))
		return NULL;
	q = rtnl_qdisc_get_by_parent(*cache, ifindex, TC_H_ROOT);
	if (q && (rtnl_tc_get_handle(TC_CAST(q)) != OVL_SHAPE_HANDLE ||
		  strcmp(rtnl_tc_get_kind(TC_CAST(q)) ?: "", "tbf"))) {
		rtnl_qdisc_put(q);
		q = NULL;
	}
	return q;
}

static int shape_here(void *arg)
{
	struct shape_call *c = arg;
	int ifindex = (int)if_nametoindex(c->ifname), ret = 0, err;
	struct nl_cache *cache = NULL;
	struct rtnl_qdisc *q = NULL, *old;
	struct nl_sock *sk;

	if (!ifindex) {
		snprintf(c->err, c->errlen, "no interface %s", c->ifname);
		return -ENODEV;
	}
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err)
		goto nlerr;
	old = root_ours(sk, ifindex, &cache);
	if (!c->s) { /* query */
		if (old) {
			c->rate = (unsigned long long)rtnl_qdisc_tbf_get_rate(old) * 8;
			rtnl_qdisc_put(old);
			ret = 1;
		}
		goto out;
	}
	if (!c->s->rate) {
		if (old)
			err = rtnl_qdisc_delete(sk, old);
		rtnl_qdisc_put(old);
		if (err)
			goto nlerr;
		goto out;
	}
	rtnl_qdisc_put(old);
	q = rtnl_qdisc_alloc();
	if (!q) {
		ret = -ENOMEM;
		goto out;
	}
	{
		unsigned long long rate = c->s->rate / 8;
		unsigned long long burst = (c->s->burst ?: ovl_shape_burst_default(c->s->rate)) / 8;
		unsigned long long limit = burst + rate * SHAPE_LATENCY_US / 1000000;

		rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
		rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
		rtnl_tc_set_handle(TC_CAST(q), OVL_SHAPE_HANDLE);
		err = rtnl_tc_set_kind(TC_CAST(q), "tbf");
		if (err)
			goto nlerr;
		rtnl_qdisc_tbf_set_limit(q, limit > 0x7fffffff ? 0x7fffffff : (int)limit);
		rtnl_qdisc_tbf_set_rate(q, (int)rate, (int)burst, 0);
	}
	err = rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_REPLACE);
	if (err)
		goto nlerr;
	goto out;
nlerr:
	snprintf(c->err, c->errlen, "%s qdisc of %s: %s", c->s ? "set the root" : "read the root",
		 c->ifname, nl_geterror(err));
	ret = ovl_nl_errno(err);
out:
	rtnl_qdisc_put(q);
	nl_cache_free(cache);
	nl_socket_free(sk);
	return ret;
}

static int shape_call(int ns_fd, struct shape_call *c)
{
	return ns_fd >= 0 ? ovl_netns_run(ns_fd, shape_here, c) : shape_here(c);
}

int ovl_shape_apply(int ns_fd, const char *ifname, const struct ovl_shape *s, char *err,
		    size_t errlen)
{
	char dummy[8];
	struct shape_call c = { .ifname = ifname,
				.s = s,
				.err = err ?: dummy,
				.errlen = err ? errlen : sizeof(dummy) };

	return shape_call(ns_fd, &c);
}

int ovl_shape_query(int ns_fd, const char *ifname, unsigned long long *rate)
{
	char msg[128];
	struct shape_call c = { .ifname = ifname, .err = msg, .errlen = sizeof(msg) };
	int ret = shape_call(ns_fd, &c);

	*rate = c.rate;
	return ret;
}
