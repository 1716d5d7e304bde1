// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * floor.bpf.c - what the building blocks of ovl's programs cost on this
 * machine, each alone: a program that only returns, a hash map lookup, a
 * per-CPU counter, the clock, the skb helpers. ovl-floor times each with
 * BPF_PROG_TEST_RUN repeat and subtracts the empty program of its type, so
 * make bench can say what a data path figure is made of.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "lib/compat.h"
#include "ovl_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct ovl_mac_key); /* ovl_fdb's and ovl_endpoints' key */
	__type(value, __u64);
} fl_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct ovl_stat);
} fl_stats SEC(".maps");

const volatile __u32 fib_ifindex = 1;
const volatile __be32 fib_src = 0;
const volatile __be32 fib_dst = 0;
int fib_rc; /* the last bpf_fib_lookup() result, for ovl-floor to check */

static __always_inline int lookup(__u32 vni)
{
	struct ovl_mac_key k = { .vni = vni, .mac = { 2, 0, 0, 0, 0, 1 } };

	return bpf_map_lookup_elem(&fl_hash, &k) != NULL;
}

SEC("xdp")
int fl_xdp_empty(struct xdp_md *ctx __attribute__((unused)))
{
	return XDP_PASS;
}

SEC("xdp")
int fl_xdp_hash_hit(struct xdp_md *ctx __attribute__((unused)))
{
	return lookup(1) ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int fl_xdp_hash_miss(struct xdp_md *ctx __attribute__((unused)))
{
	return lookup(2) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int fl_xdp_counter(struct xdp_md *ctx __attribute__((unused)))
{
	__u32 id = 3;
	struct ovl_stat *s = bpf_map_lookup_elem(&fl_stats, &id);

	if (s) {
		s->packets++;
		s->bytes += 64;
	}
	return XDP_PASS;
}

SEC("xdp")
int fl_xdp_ktime(struct xdp_md *ctx __attribute__((unused)))
{
	return bpf_ktime_get_ns() ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int fl_xdp_ktime_coarse(struct xdp_md *ctx __attribute__((unused)))
{
	return bpf_ktime_get_coarse_ns() ? XDP_PASS : XDP_DROP;
}

SEC("tc")
int fl_tc_empty(struct __sk_buff *skb __attribute__((unused)))
{
	return TC_ACT_OK;
}

SEC("tc")
int fl_tc_hash_hit(struct __sk_buff *skb __attribute__((unused)))
{
	return lookup(1) ? TC_ACT_OK : TC_ACT_SHOT;
}

SEC("tc")
int fl_tc_flow_hash(struct __sk_buff *skb)
{
	/* the flow dissector every time: the hash is cleared first */
	bpf_set_hash_invalid(skb);
	return bpf_get_hash_recalc(skb) ? TC_ACT_OK : TC_ACT_SHOT;
}

SEC("tc")
int fl_tc_load_bytes(struct __sk_buff *skb)
{
	struct ethhdr eth;

	return bpf_skb_load_bytes(skb, 0, &eth, sizeof(eth)) ? TC_ACT_SHOT : TC_ACT_OK;
}

SEC("tc")
int fl_tc_adjust_room(struct __sk_buff *skb)
{
	/* grow by an IPv4 VXLAN header and shrink back: two calls */
	if (bpf_skb_adjust_room(skb, OVL_ENCAP4_LEN, BPF_ADJ_ROOM_MAC, 0))
		return TC_ACT_SHOT;
	if (bpf_skb_adjust_room(skb, -(__s32)OVL_ENCAP4_LEN, BPF_ADJ_ROOM_MAC, 0))
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

SEC("tc")
int fl_tc_fib_lookup(struct __sk_buff *skb)
{
	struct bpf_fib_lookup f = {};

	f.family = 2; /* AF_INET */
	f.ifindex = fib_ifindex;
	f.ipv4_src = fib_src;
	f.ipv4_dst = fib_dst;
	fib_rc = bpf_fib_lookup(skb, &f, sizeof(f), BPF_FIB_LOOKUP_OUTPUT);
	return TC_ACT_OK;
}

SEC("tc")
int fl_tc_redirect(struct __sk_buff *skb __attribute__((unused)))
{
	return bpf_redirect(fib_ifindex, 0) == TC_ACT_REDIRECT ? TC_ACT_OK : TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
