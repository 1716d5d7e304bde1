// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bench_lib.c - see bench_lib.h.
 */
#include <errno.h>
#include <string.h>
#include "ovl_abi.h"
#include "addr.h"
#include "frame.h"
#include "log.h"
#include "bench_lib.h"

volatile sig_atomic_t bench_stop;

static void put16(__u8 *p, __u16 v)
{
	p[0] = (__u8)(v >> 8);
	p[1] = (__u8)v;
}

void bench_udp4_frame(__u8 *f, const struct bench_udp4 *h, const void *pl, size_t plen,
		      bool udp_csum)
{
	__u8 *ip = f + 14, *udp = ip + 20, pseudo[12] = { 0 };
	__u16 udp_len = (__u16)(8 + plen), csum;
	__u32 sum;

	memset(f, 0, BENCH_UDP4_HLEN);
	memcpy(f, h->dst_mac, 6);
	memcpy(f + 6, h->src_mac, 6);
	put16(f + 12, 0x0800); /* ETH_P_IP */

	ip[0] = 0x45; /* version 4, 5 words */
	put16(ip + 2, (__u16)(20 + udp_len));
	put16(ip + 4, h->ip_id);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;	       /* TTL */
	ip[9] = 17;	       /* UDP */
	memcpy(ip + 12, h->src_ip, 4);
	memcpy(ip + 16, h->dst_ip, 4);
	put16(ip + 10, ovl_csum_fold(ovl_csum_add(0, ip, 20)));

	put16(udp, h->sport);
	put16(udp + 2, h->dport);
	put16(udp + 4, udp_len);
	if (pl)
		memcpy(udp + 8, pl, plen);
	else
		memset(udp + 8, 0, plen);
	if (!udp_csum)
		return;
	memcpy(pseudo, h->src_ip, 4);
	memcpy(pseudo + 4, h->dst_ip, 4);
	pseudo[9] = 17;
	put16(pseudo + 10, udp_len);
	sum = ovl_csum_add(ovl_csum_add(0, pseudo, sizeof(pseudo)), udp, udp_len);
	csum = ovl_csum_fold(sum);
	put16(udp + 6, csum ? csum : 0xffff); /* 0 means none: all ones instead */
}

int bench_opt_u64(const char *opt, const char *s, unsigned long long min, unsigned long long max,
		  unsigned long long *out)
{
	if (ovl_u64_parse(s, min, max, out)) {
		pr_err("%s: '%s' is not a number from %llu to %llu", opt, s, min, max);
		return -EINVAL;
	}
	return 0;
}

int bench_opt_ip4(const char *opt, const char *s, __u8 out[4])
{
	struct ovl_ip ip;

	if (ovl_ip_parse(s, &ip) || ip.family != OVL_AF_INET4) {
		pr_err("%s: '%s' is not an IPv4 address", opt, s);
		return -EINVAL;
	}
	memcpy(out, ip.addr, 4);
	return 0;
}

int bench_opt_mac(const char *opt, const char *s, __u8 out[6])
{
	if (ovl_mac_parse(s, out)) {
		pr_err("%s: '%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", opt, s);
		return -EINVAL;
	}
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	bench_stop = 1;
}

void bench_on_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

long long bench_now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
