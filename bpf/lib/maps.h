/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * maps.h - the BPF side of the maps in ovl_abi.h.
 *
 * ovl_xdp.bpf.c and ovl_tc.bpf.c are compiled separately and linked into
 * one object by `bpftool gen object`; the definitions are __weak so that
 * the linker keeps exactly one of each and both programs share it.
 */
#ifndef OVL_BPF_MAPS_H
#define OVL_BPF_MAPS_H

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ovl_cfg);
} ovl_config __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OVL_MAX_VNIS);
	__type(key, __u32);
	__type(value, struct ovl_vni);
} ovl_vnis __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OVL_MAX_IFACES);
	__type(key, __u32);
	__type(value, struct ovl_iface);
} ovl_ifaces __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OVL_MAX_ENDPOINTS);
	__type(key, struct ovl_mac_key);
	__type(value, struct ovl_endpoint);
} ovl_endpoints __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OVL_MAX_FDB);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ovl_mac_key);
	__type(value, struct ovl_dest);
} ovl_fdb __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OVL_MAX_NEIGH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct ovl_addr_key);
	__type(value, struct ovl_neigh);
} ovl_neigh __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OVL_MAX_PEERS);
	__type(key, struct ovl_addr_key);
	__type(value, struct ovl_peer);
} ovl_peers __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OVL_STAT_SLOTS);
	__type(key, __u32);
	__type(value, struct ovl_stat);
} ovl_stats __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, OVL_MAX_VNIS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct ovl_vni_stats);
} ovl_vni_stats __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, OVL_MAX_VNIS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct ovl_vni_drops);
} ovl_vni_drops __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OVL_MAX_VNI_SLOTS + 1); /* slot 0: none */
	__type(key, __u32);
	__type(value, struct ovl_vni_stats);
} ovl_vni_cnt __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, OVL_EVENTS_BYTES);
} ovl_events __weak SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, OVL_MAX_MISS_RL);
	__type(key, struct ovl_miss_key);
	__type(value, struct ovl_miss_rl);
} ovl_miss_rl __weak SEC(".maps");

/* Flows another host's router started toward a local endpoint: written by
 * the decapsulation paths (rflow.h), read by ovl_tc_ep_in. LRU: a flow
 * nobody uses any more ages out under pressure; BPF owns it, ovld only
 * pins it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, OVL_MAX_RFLOWS);
	__type(key, struct ovl_rflow_key);
	__type(value, struct ovl_dest);
} ovl_rflows __weak SEC(".maps");

/* The FIB's answers toward VTEPs (ovl_abi.h): written and read by the
 * encap path; ovld only pins it, flushes it at start and raises
 * ovl_cfg.nh_gen. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, OVL_MAX_NEXTHOPS);
	__type(key, struct ovl_nh_key);
	__type(value, struct ovl_nexthop);
} ovl_nexthops __weak SEC(".maps");

/* Per-CPU scratch space in which an event is built before it is copied into
 * the ringbuf with its real length (bpf_ringbuf_reserve needs a constant). */
struct ovl_evt_buf {
	struct ovl_evt evt;
	__u8 pkt[OVL_EVT_PKT_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ovl_evt_buf);
} ovl_evt_buf __weak SEC(".maps");

/*
 * Test hook. ovl_test_mode is read-only data: ovld loads it as 0 and the
 * verifier removes every branch behind it; tests/bpf loads it as 1 to learn
 * where a TC_ACT_REDIRECT/XDP_REDIRECT verdict was going, which
 * BPF_PROG_TEST_RUN does not report.
 */
const volatile __u32 ovl_test_mode __weak = 0;
const volatile __u32 ovl_abi_version __weak = OVL_ABI_VERSION;
/* OVL_FEAT_*: set by the loader from what it probed in the kernel. */
const volatile __u32 ovl_features __weak = 0;

__u32 ovl_test_redir_ifindex __weak; /* target of the last redirect */
__u32 ovl_test_redir_how __weak;     /* OVL_REDIR_* */
__u32 ovl_test_rflow_writes __weak;  /* ovl_rflows updates (rflow.h) */
__u32 ovl_test_nh_fills __weak;	     /* ovl_nexthops updates (encap.h) */

#endif /* OVL_BPF_MAPS_H */
