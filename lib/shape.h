/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * shape.h - bandwidth caps of an endpoint (Crossbow's maxbw, the CNI
 * bandwidth capability): a tbf root qdisc on a veth, toward the container
 * on the host side (frames for the endpoint reach it through that qdisc
 * because its ovl_endpoints entry carries OVL_EP_F_SHAPED) and from the
 * container on the container side, where TCP feels the queue (backpressure,
 * no drops) and a cap holds within a few percent.
 *
 * Rates are bits per second, bursts bits, as dladm and the CNI bandwidth
 * plugin take them; 0 is "none" (rate) or "the default" (burst).
 */
#ifndef OVL_SHAPE_H
#define OVL_SHAPE_H

#include <stddef.h>

/* What tbf can be given through libnl (a rate of int bytes per second). */
#define OVL_SHAPE_RATE_MAX  (2147483647ull * 8)
#define OVL_SHAPE_BURST_MAX (1ull << 33) /* bits: 1 GiB, more than any queue */

/* One direction's cap. */
struct ovl_shape {
	unsigned long long rate;  /* bits/s; 0: no cap */
	unsigned long long burst; /* bits; 0: ovl_shape_burst_default(rate) */
};

/**
 * ovl_rate_parse() - a rate as dladm writes it: digits with an optional
 * K, M or G (powers of 1000, either case), bits per second; "" and "none"
 * are 0 (no cap).
 * Return: 0, or -EINVAL (not a rate), -ERANGE (above OVL_SHAPE_RATE_MAX or
 * zero written as a number, which would stop all traffic).
 */
int ovl_rate_parse(const char *s, unsigned long long *bps);

/* "100M", "1.5G"-free canonical text of a rate (exact: 100000 -> "100K"). */
const char *ovl_rate_format(unsigned long long bps, char *buf, size_t len);

/**
 * ovl_shape_check() - whether a cap is one tbf can do; field names it in
 * the message ("maxbw", "bandwidth.ingressRate").
 * Return: NULL when fine, else a message (static or in buf).
 */
const char *ovl_shape_check(const struct ovl_shape *s, const char *rate_field,
			    const char *burst_field, char *buf, size_t len);

/* The burst when none is given: 10 ms at the rate, at least 64 KiB (one
 * GSO packet: tbf would otherwise cut every one into segments), in bits. */
unsigned long long ovl_shape_burst_default(unsigned long long rate);

/**
 * ovl_shape_apply() - make ifname's root qdisc the cap s (a tbf ovl owns,
 * replacing whatever was the root before), or, with s->rate 0, remove
 * ovl's tbf if it is there (another root qdisc is left alone).
 * @ns_fd: the network namespace of ifname, or -1 for the caller's
 * @err: a one-line message on failure
 * Return: 0 or -errno (-ENODEV: no such interface).
 */
int ovl_shape_apply(int ns_fd, const char *ifname, const struct ovl_shape *s, char *err,
		    size_t errlen);

/**
 * ovl_shape_query() - whether ifname's root qdisc is ovl's tbf, and its
 * rate (bits/s, rounded to bytes) in *rate.
 * Return: 1 (ours), 0 (none or someone else's), -errno.
 */
int ovl_shape_query(int ns_fd, const char *ifname, unsigned long long *rate);

#endif /* OVL_SHAPE_H */
