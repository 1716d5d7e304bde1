/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * bench_lib.h - what the make bench tools share: the test frame they send,
 * their option parsing, the stop flag their signals set.
 */
#ifndef OVL_BENCH_LIB_H
#define OVL_BENCH_LIB_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <linux/types.h>

#define BENCH_UDP4_HLEN (14 + 20 + 8) /* Ethernet, IPv4 without options, UDP */

struct bench_udp4 {
	__u8 dst_mac[6], src_mac[6];
	__u8 src_ip[4], dst_ip[4];
	__u16 sport, dport;
	__u16 ip_id;
};

/*
 * Write an Ethernet/IPv4/UDP frame of BENCH_UDP4_HLEN + plen bytes into f:
 * IPv4 with DF, TTL 64 and its header checksum, UDP with its length and,
 * with udp_csum, its checksum (RFC 768; otherwise 0, none), the payload
 * copied from pl (zeros when pl is NULL).
 */
void bench_udp4_frame(__u8 *f, const struct bench_udp4 *h, const void *pl, size_t plen,
		      bool udp_csum);

/* Option values: 0, or -EINVAL after a message naming opt and s (pr_err). */
int bench_opt_u64(const char *opt, const char *s, unsigned long long min, unsigned long long max,
		  unsigned long long *out);
int bench_opt_ip4(const char *opt, const char *s, __u8 out[4]);
int bench_opt_mac(const char *opt, const char *s, __u8 out[6]);

/* Set by SIGINT and SIGTERM once bench_on_signals() ran (no SA_RESTART:
 * a blocking call returns with EINTR, and the tool reports what it has). */
extern volatile sig_atomic_t bench_stop;
void bench_on_signals(void);

/* Nanoseconds on clock clk. */
long long bench_now_ns(clockid_t clk);

#endif /* OVL_BENCH_LIB_H */
