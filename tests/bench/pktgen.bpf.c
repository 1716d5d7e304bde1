// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pktgen.bpf.c - the XDP program behind ovl-pktgen. Userspace runs it with
 * BPF_PROG_TEST_RUN and BPF_F_TEST_XDP_LIVE_FRAMES: each repetition gets a
 * frame, this program turns it into the next frame of the sequence and
 * returns XDP_TX, which the kernel turns into a redirect out of the
 * ingress_ifindex the run was given (net/bpf/test_run.c).
 *
 * Live frames are pages of a page pool that the kernel fills with the
 * template (data_in) only when a page is first allocated. A recycled page
 * keeps whatever was written into it last: by this program in an earlier
 * repetition, or by whoever received the frame (a forwarding host
 * decrements the TTL in place). Only the xdp_buff pointers are reset
 * between repetitions. So every repetition rewrites the whole header
 * (Ethernet, IPv4, UDP: the first PKTGEN_HDR_WORDS * 8 bytes) from
 * .rodata, then the fields that vary by frame.
 *
 * ovl-pktgen also attaches this program to lo (generic XDP) for as long as
 * it runs, only to keep it in the kernel's XDP dispatcher: a test run with
 * repeat > 1 otherwise adds it there and removes it again, each time
 * waiting for an RCU grace period (tens of milliseconds a call). Frames
 * that reach it there, from any device but ifindex, are passed untouched.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define PKTGEN_HDR_WORDS 6  /* 48 bytes: Ethernet, IPv4, UDP and 6 of payload */
#define PKTGEN_SPORT_OFF 34 /* UDP source port: 14 (Ethernet) + 20 (IPv4) */

/* The device the frames leave from: the test run's ingress_ifindex. */
const volatile __u32 ifindex;
/* The frame's first 48 bytes as they go on the wire (set before load). */
const volatile __u64 hdr[PKTGEN_HDR_WORDS];
/* Frame k gets UDP source port sport + k % flows (host order) ... */
const volatile __u32 flows = 1;
const volatile __u32 sport = 9;
/* ... and destination MAC bytes 3-5 set to (dmac_low + k % macs) & 0xffffff. */
const volatile __u32 macs = 1;
const volatile __u32 dmac_low;

/* Frames returned XDP_TX: also k, the frame's number in the sequence. A
 * test run executes on one CPU at a time and ovl-pktgen runs one. */
__u64 sent;

SEC("xdp")
int pktgen_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 *w = data;
	__u8 *b = data;
	__u64 k;

	if (ctx->ingress_ifindex != ifindex)
		return XDP_PASS;
	k = sent;
	if ((void *)(w + PKTGEN_HDR_WORDS) > data_end)
		return XDP_DROP;
#pragma unroll
	for (int i = 0; i < PKTGEN_HDR_WORDS; i++)
		w[i] = hdr[i];
	if (flows > 1) {
		__u16 port = (__u16)(sport + k % flows);

		*(__be16 *)(b + PKTGEN_SPORT_OFF) = bpf_htons(port);
	}
	if (macs > 1) {
		__u32 low = (dmac_low + (__u32)(k % macs)) & 0xffffff;

		b[3] = (__u8)(low >> 16);
		b[4] = (__u8)(low >> 8);
		b[5] = (__u8)low;
	}
	sent = k + 1;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
