/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovl_abi.h - the one contract between the BPF programs and userspace.
 *
 * Every struct that crosses the kernel/user boundary is defined here and
 * nowhere else: map keys and values, the ringbuf event, counter ids, drop
 * reasons and map/program names. tests/unit/test_abi_btf.c compares this
 * header, as gcc lays it out, with the BTF that clang wrote into the BPF
 * objects; a mismatch fails `make test-unit`.
 *
 * Rules (STYLE.md section 3): fixed-width kernel types only, explicit and
 * zeroed padding, byte order visible in the type (__be*), host-order VNIs,
 * no functions, no includes but <linux/types.h> outside BPF.
 *
 * Addresses: a 16-byte field holds either an IPv6 address or an IPv4
 * address in its first four bytes (network order) with the other twelve
 * zero; the `family` field beside it says which (OVL_AF_*).
 */
#ifndef OVL_ABI_H
#define OVL_ABI_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/*
 * The layout version of the pinned maps. Raise it whenever a key, a value,
 * a map's type, size or flags changes; ovld pins a marker of it beside the
 * maps (OVL_PIN_ABI_MARKER) and migrates maps of an older layout instead of
 * refusing them. History: 1 the first slice; 2 ovl_cfg names its owner
 * instance and ABI, ovl_stats has OVL_STAT_SLOTS slots, ovl_vni_stats is new,
 * ovl_ifaces and ovl_endpoints hold 16384 entries. A new map alone changes
 * no layout and keeps the version: ovld creates a map it finds no pin of
 * beside the others (ovl_rflows and ovl_vni_drops came that way, within
 * ABI 2; so did OVL_VSTAT_ENCAP..LOCAL, in slots ovl_vni_stats had free).
 * 3: ovl_fdb holds the local endpoints too (OVL_AF_LOCAL), so that the TC
 * program finds any unicast destination with one lookup; no layout changed,
 * but an ABI 2 program would encapsulate toward such an entry.
 * 4: ovl_iface grew by the endpoint's own addresses (ip4, ip6), so that
 * link protection finds them without a lookup; the migration copies every
 * entry (zero there: looked up in ovl_neigh as before).
 * 5: the forwarding counters of a network (ENCAP, DECAP, LOCAL) go to a
 * per-CPU array, ovl_vni_cnt, at the slot its ovl_vnis entry and its
 * endpoints' ovl_ifaces entries name (vstat_slot, both values grew at
 * their end), instead of the per-CPU hash ovl_vni_stats: one hash lookup
 * fewer per frame. Slot 0 is none: such a frame is counted in ovl_vni_stats
 * as before, and ovld reads the sum of both.
 * 6: an ovl_peers entry carries what decapsulation of unicast needs of its
 * network (struct ovl_peer: OVL_PEER_F_VNI and the counter slot), so that a
 * frame from an allowed peer costs one lookup there instead of ovl_vnis and
 * then ovl_peers. The value grew at its end: migrated entries lack the
 * flag, and the programs read ovl_vnis for them as before, until ovld
 * rewrites them as it restores each overlay.
 * Within ABI 6, ovl_nexthops came as a new map, and ovl_cfg's pad2 became
 * nh_gen: zero, what an older ovld of ABI 6 writes, turns the cache off.
 */
#define OVL_ABI_VERSION 6

/* Program and map names: at most 15 characters (BPF_OBJ_NAME_LEN - 1). */
#define OVL_PROG_XDP	    "ovl_xdp_rx"
#define OVL_PROG_TC	    "ovl_tc_ep_in"
#define OVL_PROG_TCUL	    "ovl_tc_ul_in"
#define OVL_MAP_CONFIG	    "ovl_config"
#define OVL_MAP_VNIS	    "ovl_vnis"
#define OVL_MAP_IFACES	    "ovl_ifaces"
#define OVL_MAP_ENDPOINTS   "ovl_endpoints"
#define OVL_MAP_FDB	    "ovl_fdb"
#define OVL_MAP_NEIGH	    "ovl_neigh"
#define OVL_MAP_PEERS	    "ovl_peers"
#define OVL_MAP_STATS	    "ovl_stats"
#define OVL_MAP_EVENTS	    "ovl_events"
#define OVL_MAP_MISS_RL	    "ovl_miss_rl"
#define OVL_MAP_EVT_SCRATCH "ovl_evt_buf"
#define OVL_MAP_VNI_STATS   "ovl_vni_stats"
#define OVL_MAP_RFLOWS	    "ovl_rflows"
#define OVL_MAP_VNI_DROPS   "ovl_vni_drops"
#define OVL_MAP_VNI_CNT	    "ovl_vni_cnt"
#define OVL_MAP_NEXTHOPS    "ovl_nexthops"

/* The version marker pinned beside the maps: an empty pin name that carries
 * the layout version, "ovl_abi_v2". Pins without one are of version 1. */
#define OVL_PIN_ABI_MARKER "ovl_abi_v"

/* Map sizes. */
#define OVL_MAX_VNIS	  4096
#define OVL_MAX_VNI_SLOTS 1024 /* ovl_vni_cnt; see there */
#define OVL_MAX_IFACES	  16384
#define OVL_MAX_ENDPOINTS 16384
#define OVL_MAX_FDB	  262144
#define OVL_MAX_NEIGH	  262144
#define OVL_MAX_PEERS	  16384
#define OVL_MAX_MISS_RL	  16384
#define OVL_MAX_RFLOWS	  65536
#define OVL_MAX_NEXTHOPS  16384
#define OVL_STAT_SLOTS	  128	     /* ovl_stats entries: room for counters to come */
#define OVL_EVENTS_BYTES  (4u << 20) /* ringbuf size, power of two */

#define OVL_VXLAN_PORT	  4789 /* IANA, RFC 7348 section 5 */
#define OVL_VNI_MAX	  0xffffffu
#define OVL_ENCAP4_LEN	  50	 /* outer IPv4 + UDP + VXLAN + inner Ethernet */
#define OVL_ENCAP6_LEN	  70	 /* outer IPv6 + UDP + VXLAN + inner Ethernet */
#define OVL_SPORT_MIN	  49152	 /* UDP source ports from the flow hash: RFC 7348 */
#define OVL_SPORT_MASK	  0x3fff /* 49152..65535 */

/* Address families as stored in maps (not AF_* values). */
#define OVL_AF_INET4 4
#define OVL_AF_INET6 6
/* ovl_fdb only: the MAC is a local endpoint's; the first 8 bytes of the
 * struct ovl_dest's addr hold its struct ovl_endpoint, the rest is zero. */
#define OVL_AF_LOCAL 1

/* ovl_config: array[1], the host's view of the underlay. Written by ovld.
 * (The type is not called ovl_config: vmlinux.h has overlayfs's.) */
#define OVL_OWNER_LEN 32 /* an instance name, NUL-padded (not terminated at 32) */

struct ovl_cfg {
	__u8 local6[16];	/* IPv6 underlay source/listen address, or zero */
	__be32 local4;		/* IPv4 underlay source/listen address, or zero */
	__u32 underlay_ifindex; /* the NIC decap runs on (informational) */
	__be16 vxlan_port;	/* UDP port decap listens on */
	__u16 pad;		/* must be zero */
	__u32 flags;		/* OVL_CFG_F_* */
	/* Since ABI 2: whose data path this is. An attached program tells its
	 * instance through the config map it uses, even with no pin left. */
	__u32 abi_version;	   /* OVL_ABI_VERSION of the ovld that wrote it */
	__u32 nh_gen;		   /* ovl_nexthops entries of this generation are
				    * current; 0: the cache is off (ovl_nexthops) */
	__u8 owner[OVL_OWNER_LEN]; /* the instance name */
};
_Static_assert(sizeof(struct ovl_cfg) == 72, "ovl_config layout");

#define OVL_CFG_F_DROP_EVENTS (1u << 0) /* emit OVL_EVT_DROP (a monitor is listening) */
#define OVL_CFG_F_XDP_DECAP                                                                        \
	(1u << 1) /* XDP decapsulates; TC decap on the underlay runs behind it only for
		   * what XDP passed to an OVL_EP_F_SHAPED endpoint, and counts no
		   * passes (XDP counted them) */

/*
 * What the kernel under the programs can do, probed by the loader before
 * the load and set in the read-only ovl_features: the verifier removes the
 * branches of what is off. Each has another way on kernels without it.
 */
#define OVL_FEAT_KERN_CTX    (1u << 0) /* kfunc bpf_cast_to_kern_ctx (6.2); else probe reads */
#define OVL_FEAT_DECAP_FLAGS (1u << 1) /* BPF_F_ADJ_ROOM_DECAP_L3_* (6.3); else change_proto */

/* A remote VXLAN endpoint (VTEP): where a frame goes. In ovl_fdb, also a
 * local endpoint (family OVL_AF_LOCAL). */
struct ovl_dest {
	__u8 addr[16]; /* underlay address, see the header comment */
	__u8 family;   /* OVL_AF_INET4 or OVL_AF_INET6 (OVL_AF_LOCAL) */
	__u8 pad;      /* must be zero */
	__be16 port;   /* VXLAN UDP destination port */
	__u32 flags;   /* OVL_DEST_F_* */
};
_Static_assert(sizeof(struct ovl_dest) == 24, "ovl_dest layout");

#define OVL_DEST_F_STATIC (1u << 0) /* configured, never aged out */

/* ovl_vnis: hash, vni (host order) -> per-network settings. */
struct ovl_vni {
	__u32 flags;		/* OVL_VNI_F_* */
	__u32 flood_ifindex;	/* with OVL_VNI_F_DIRECT: the local endpoint veth that gets
				 * broadcast/multicast from the tunnel that no ovl_neigh
				 * entry claims; 0: none (dropped) */
	struct ovl_dest direct; /* with OVL_VNI_F_DIRECT: every frame goes here */
	__u32 vstat_slot;	/* since ABI 5: its forwarding counters in ovl_vni_cnt;
				 * 0: in ovl_vni_stats */
};
_Static_assert(sizeof(struct ovl_vni) == 36, "ovl_vni layout");
/* What ABI 4 and older had of it (the value grew at its end). */
#define OVL_VNI_ABI4_SIZE 32

/* OVL_VNI_F_DIRECT: a point-to-point tunnel. Unicast to a MAC not in ovl_fdb,
 * and broadcast and multicast not answered here, go to .direct. */
#define OVL_VNI_F_STRICT_SRC (1u << 0) /* decap only from underlay peers in ovl_peers */
#define OVL_VNI_F_DIRECT     (1u << 1) /* point-to-point: see above */

/* ovl_ifaces: hash, host-side veth ifindex -> the endpoint behind it. */
struct ovl_iface {
	__u32 vni;	  /* host order */
	__u32 flags;	  /* OVL_IF_F_* */
	__u8 mac[6];	  /* the endpoint's own MAC: the only source MAC allowed */
	__u8 dhcp_mac[6]; /* with OVL_IF_F_DHCP_PROXY: DHCP broadcasts go here */
	/* Since ABI 4: the endpoint's own first IPv4 and IPv6 address (the
	 * IPv6 one not link-local where it has such), or zero. With
	 * OVL_IF_F_IP_NOSPOOF a source address equal to one of them passes
	 * without a lookup in ovl_neigh, which holds it as well. */
	__be32 ip4;
	__u8 ip6[16];
	__u32 vstat_slot; /* since ABI 5: the network's slot in ovl_vni_cnt (ovl_vni) */
};
_Static_assert(sizeof(struct ovl_iface) == 44, "ovl_iface layout");
/* What ABI 3 and ABI 4 had of it: the value grew at its end, so a
 * migration copies every entry and leaves the new fields zero. */
#define OVL_IFACE_ABI3_SIZE 20
#define OVL_IFACE_ABI4_SIZE 40

#define OVL_IF_F_IP_NOSPOOF (1u << 0) /* source IPs: ip4/ip6, or mapped to mac in ovl_neigh */
#define OVL_IF_F_DHCP_PROXY (1u << 1) /* rewrite DHCPv4 broadcasts to dhcp_mac */
#define OVL_IF_F_DHCP_SERVER                                                                       \
	(1u << 2) /* the network's DHCP server (some MAC's dhcp-proxy): may send
		   * DHCP server replies; no other endpoint may */
#define OVL_IF_F_ROUTER                                                                            \
	(1u << 3) /* the overlay's router (its MAC is OVL_ROUTER_MAC): may send router
		   * advertisements and redirects; forwards others' addresses */

/* Key of ovl_endpoints and ovl_fdb: a MAC on a network. */
struct ovl_mac_key {
	__u32 vni; /* host order, 24 bits used */
	__u8 mac[6];
	__u8 pad[2]; /* must be zero */
};
_Static_assert(sizeof(struct ovl_mac_key) == 12, "ovl_mac_key layout");

/* ovl_endpoints: hash, {vni, mac} -> a local endpoint. */
struct ovl_endpoint {
	__u32 ifindex; /* host-side veth */
	__u32 flags;   /* OVL_EP_F_* */
};
_Static_assert(sizeof(struct ovl_endpoint) == 8, "ovl_endpoint layout");

#define OVL_EP_F_PEER_NETNS (1u << 0) /* veth peer in another netns: bpf_redirect_peer works */
#define OVL_EP_F_SHAPED                                                                            \
	(1u << 1) /* a bandwidth cap (qdisc) on the host-side veth: frames for it must
		   * go out through that qdisc (bpf_redirect to egress), never by
		   * XDP_REDIRECT or bpf_redirect_peer, which skip it */

/*
 * The router of an overlay (ovld's router zone, one per overlay per host) is
 * an ordinary local endpoint whose MAC is the same on every host: an anycast
 * gateway, 02:6f:76 ("ov") followed by the VNI's 24 bits. A frame to it is
 * switched to the local router and never encapsulated, except a reply that
 * belongs to a flow another host's router started (ovl_rflows).
 */
#define OVL_ROUTER_MAC_B0 0x02
#define OVL_ROUTER_MAC_B1 0x6f
#define OVL_ROUTER_MAC_B2 0x76

/*
 * ovl_fdb: hash, {vni, mac} -> struct ovl_dest: where a unicast frame goes.
 * A remote MAC's VTEP, or (since ABI 3) a local endpoint, family
 * OVL_AF_LOCAL, whose addr holds the endpoint's struct ovl_endpoint, the
 * same as its ovl_endpoints entry: one lookup for any destination on the
 * TC path. ovld writes the local entry with the endpoint's and removes it
 * with it; a remote entry never replaces it. The TC program looks in
 * ovl_endpoints only when ovl_fdb has nothing (the local entry did not fit,
 * or the pins came from ABI 2): ovl_endpoints stays the record of local
 * endpoints, and the decapsulation paths look only there.
 */

/*
 * ovl_rflows: LRU hash, a flow that the router of another host started
 * toward a local endpoint (a published port or the host itself reaching a
 * container behind a remote host's router) -> where that router is. The
 * decap path notes it when a frame from the router MAC reaches a local
 * endpoint; the endpoint's replies to the router MAC that match it are
 * encapsulated back to that host instead of going to the local router, whose
 * connection tracking has never seen the flow. Seen from the local endpoint:
 * laddr/lport its own address and port, raddr/rport the peer's (for ICMP
 * echo both ports are the identifier). proto is the IP protocol (TCP, UDP,
 * ICMP, ICMPv6).
 */
struct ovl_rflow_key {
	__u32 vni;	/* host order */
	__u8 family;	/* OVL_AF_INET4 or OVL_AF_INET6 */
	__u8 proto;	/* IPPROTO_* */
	__be16 lport;	/* the local endpoint's port */
	__be16 rport;	/* the peer's port */
	__u16 pad;	/* must be zero */
	__u8 laddr[16]; /* the local endpoint's address */
	__u8 raddr[16]; /* the peer's address */
};
_Static_assert(sizeof(struct ovl_rflow_key) == 44, "ovl_rflow_key layout");
/* value: struct ovl_dest, the underlay address and VXLAN port of the host
 * whose router sent the flow's first frame */

/* Key of ovl_neigh and ovl_peers: an address on a network. */
struct ovl_addr_key {
	__u32 vni;     /* host order */
	__u8 family;   /* OVL_AF_INET4 or OVL_AF_INET6 */
	__u8 pad[3];   /* must be zero */
	__u8 addr[16]; /* see the header comment */
};
_Static_assert(sizeof(struct ovl_addr_key) == 24, "ovl_addr_key layout");

/* ovl_neigh: hash, {vni, overlay IP} -> the MAC that owns it (proxy ARP/NDP,
 * and the source-address check of link protection). */
struct ovl_neigh {
	__u8 mac[6];
	__u16 flags; /* OVL_NEIGH_F_* */
};
_Static_assert(sizeof(struct ovl_neigh) == 8, "ovl_neigh layout");

#define OVL_NEIGH_F_STATIC (1u << 0)
#define OVL_NEIGH_F_ROUTER (1u << 1) /* NA answers carry the R flag */

/*
 * ovl_peers: hash, {vni, underlay IP} -> struct ovl_peer: the underlay hosts
 * a network takes VXLAN from (the strict source check, OVL_VNI_F_STRICT_SRC).
 * Since ABI 6 an entry with OVL_PEER_F_VNI also stands for its network's
 * ovl_vnis entry on the unicast path: ovld writes it only for a network it
 * has, removes a network's peers before its ovl_vnis entry, and keeps
 * vstat_slot equal to the ovl_vnis entry's. Broadcast still reads ovl_vnis
 * (flags, flood_ifindex).
 */
struct ovl_peer {
	__u32 flags;	  /* OVL_PEER_F_* */
	__u32 vstat_slot; /* with OVL_PEER_F_VNI: the network's ovl_vni_cnt slot */
};
_Static_assert(sizeof(struct ovl_peer) == 8, "ovl_peer layout");
/* What ABI 5 and older had of it (the value grew at its end). */
#define OVL_PEER_ABI5_SIZE 4

#define OVL_PEER_F_STATIC  (1u << 0)
#define OVL_PEER_F_VNI	   (1u << 1) /* since ABI 6: see above */

/*
 * ovl_nexthops: LRU hash, the kernel's route toward a VTEP as
 * bpf_fib_lookup() found it from an endpoint's veth, so that encapsulation
 * asks the FIB once per VTEP and veth instead of once per frame. BPF-owned:
 * the encap path writes an entry after a lookup that succeeded, stamped with
 * ovl_cfg.nh_gen, and uses it while nh_gen is unchanged. ovld raises nh_gen
 * on every notice of a change to the host's routes, rules, next hops,
 * neighbours, links, addresses or forwarding settings, and once a second for what the kernel
 * changes without a notice (a path MTU learned from ICMP): an entry is at
 * most that old. Only a complete answer is kept (a next hop without a
 * neighbour entry is looked up again each time).
 */
struct ovl_nh_key {
	__u32 ifindex; /* the endpoint's host veth the lookup starts from */
	__be16 port;   /* VXLAN destination port (the lookup's dport) */
	__u8 family;   /* OVL_AF_INET4 or OVL_AF_INET6 */
	__u8 pad;      /* must be zero */
	__u8 addr[16]; /* the VTEP, as in struct ovl_dest */
};
_Static_assert(sizeof(struct ovl_nh_key) == 24, "ovl_nh_key layout");

struct ovl_nexthop {
	__u32 gen;     /* ovl_cfg.nh_gen when it was found */
	__u32 ifindex; /* the device the frame leaves by */
	__u32 mtu;     /* the route's MTU, what an outer packet may be */
	__u8 smac[6];  /* outer Ethernet source */
	__u8 dmac[6];  /* outer Ethernet destination: the next hop's */
};
_Static_assert(sizeof(struct ovl_nexthop) == 24, "ovl_nexthop layout");

/* ovl_miss_rl: LRU hash, rate limit of miss events per key (BPF-owned). */
struct ovl_miss_key {
	__u32 vni;
	__u8 type;     /* OVL_EVT_MISS_* */
	__u8 pad[3];   /* must be zero */
	__u8 addr[16]; /* MAC (first 6 bytes) or IP asked for */
};
_Static_assert(sizeof(struct ovl_miss_key) == 24, "ovl_miss_key layout");

struct ovl_miss_rl {
	__u64 window_ns; /* start of the current window (bpf_ktime_get_ns) */
	__u32 count;	 /* events sent in this window */
	__u32 pad;
};
_Static_assert(sizeof(struct ovl_miss_rl) == 16, "ovl_miss_rl layout");

#define OVL_MISS_WINDOW_NS (100ull * 1000 * 1000) /* 100 ms */
#define OVL_MISS_BURST	   4			  /* events per key per window */

/* Counters: ovl_stats is a per-CPU array indexed by enum ovl_stat_id. */
struct ovl_stat {
	__u64 packets;
	__u64 bytes;
};
_Static_assert(sizeof(struct ovl_stat) == 16, "ovl_stat layout");

/*
 * ovl_vni_stats: per-CPU hash, vni (host order) -> counters of that network,
 * indexed by enum ovl_vstat_id. ovld creates an overlay's entry when it
 * creates the overlay; BPF only looks entries up (a forged VNI cannot grow
 * the map). Bytes are those of the inner (overlay) Ethernet frame. Since
 * ABI 5 the forwarding counters (ENCAP, DECAP, LOCAL) of a network with a
 * vstat_slot go to ovl_vni_cnt instead; ids 0 and 1 predate them and keep
 * their slots.
 *
 * ovl_vni_cnt: per-CPU array, vstat_slot -> the same struct: the forwarding
 * counters without a hash lookup (the slot comes with the ovl_vnis or
 * ovl_ifaces entry the frame needs anyway). A per-CPU array takes its whole
 * size on every possible CPU, so it has OVL_MAX_VNI_SLOTS slots (128 KiB a
 * CPU), not one per possible network: a network beyond them has no slot and
 * is counted in ovl_vni_stats. ovld gives each network a slot
 * from 1 to OVL_MAX_VNI_SLOTS, zeroes it before, keeps it across restarts (the
 * pinned ovl_vnis entry names it) and reads a network's counters as the sum
 * of its ovl_vni_stats entry and its slot.
 */
#define OVL_VSTAT_SLOTS 8

enum ovl_vstat_id {
	OVL_VSTAT_PEER_UNKNOWN = 0, /* VXLAN refused: the outer source is not a peer */
	OVL_VSTAT_DROP,		    /* every frame of the network dropped, whatever the reason */
	OVL_VSTAT_ENCAP,	    /* encapsulated toward another host (v4 or v6 underlay) */
	OVL_VSTAT_DECAP,	    /* decapsulated and delivered to a local endpoint */
	OVL_VSTAT_LOCAL,	    /* switched from one local endpoint to another */
	OVL_VSTAT_MAX,
};
_Static_assert(OVL_VSTAT_MAX <= OVL_VSTAT_SLOTS, "ovl_vni_stats: raise OVL_VSTAT_SLOTS");

struct ovl_vni_stats {
	struct ovl_stat s[OVL_VSTAT_SLOTS];
};
_Static_assert(sizeof(struct ovl_vni_stats) == 128, "ovl_vni_stats layout");

/*
 * ovl_vni_drops: per-CPU hash, vni (host order) -> the drops of that network
 * by reason, s[reason - OVL_DROP_BASE]; made and removed by ovld beside the
 * ovl_vni_stats entry, looked up only by BPF. Counts exactly the frames
 * OVL_VSTAT_DROP counts (a miss ovld delivers is no drop of the network).
 */
#define OVL_VDROP_SLOTS 32

struct ovl_vni_drops {
	struct ovl_stat s[OVL_VDROP_SLOTS];
};
_Static_assert(sizeof(struct ovl_vni_drops) == 512, "ovl_vni_drops layout");

/*
 * Drop reasons. BPF helpers return 0 (continue), a negative reason (drop) or
 * OVL_HANDLED (a verdict was chosen). Reasons start at 64 so that no -reason
 * can be mistaken for an XDP_* or TC_ACT_* value.
 */
enum ovl_drop {
	OVL_DROP_BASE = 64,
	OVL_DROP_TRUNCATED = OVL_DROP_BASE, /* a header runs past the end */
	OVL_DROP_VXLAN_FLAGS,		    /* I flag clear or reserved bits set */
	OVL_DROP_PEER_UNKNOWN,		    /* strict VNI, outer source not a peer */
	OVL_DROP_NO_ENDPOINT,		    /* decap: inner dst MAC not local */
	OVL_DROP_BCAST,			    /* broadcast/multicast nobody handles */
	OVL_DROP_NO_IFACE,		    /* tc on a veth with no endpoint entry */
	OVL_DROP_SPOOF_MAC,		    /* source MAC is not the endpoint's */
	OVL_DROP_SPOOF_IP,		    /* source IP is not the endpoint's */
	OVL_DROP_SPOOF_ARP,		    /* ARP sender MAC/IP not the endpoint's */
	OVL_DROP_ETHERTYPE,		    /* not IPv4, IPv6 or ARP */
	OVL_DROP_ARP_BAD,		    /* malformed ARP */
	OVL_DROP_NDP_BAD,		    /* malformed neighbour solicitation */
	OVL_DROP_MISS,			    /* unresolved: handed to ovld via a miss event */
	OVL_DROP_MISS_RL,		    /* unresolved, miss event rate-limited */
	OVL_DROP_MISS_RB_FULL,		    /* unresolved, ringbuf full */
	OVL_DROP_NO_LOCAL_ADDR,		    /* no underlay address of the peer's family */
	OVL_DROP_FIB,			    /* no route/neighbour to the peer */
	OVL_DROP_MTU,			    /* encapsulated frame exceeds the underlay MTU */
	OVL_DROP_ADJUST,		    /* bpf_skb_adjust_room/change_tail failed */
	OVL_DROP_HAIRPIN,		    /* destination is the sender itself */
	OVL_DROP_DAD,			    /* DAD/probe for an endpoint's own address */
	OVL_DROP_FWD_DISABLED,		    /* FIB lookup refused: forwarding off on the veth */
	OVL_DROP_SPOOF_ND,    /* NA/NS naming another's address or MAC; RA, redirect */
	OVL_DROP_VLAN,	      /* an 802.1Q/802.1ad tagged frame from an endpoint */
	OVL_DROP_DHCP_SERVER, /* DHCP/DHCPv6 server reply from an endpoint that is not the
			       * network's DHCP server */
	OVL_DROP_IP6_EXTHDR,  /* IPv6 extension headers too many or malformed */
	OVL_DROP_MAX
};
_Static_assert(OVL_DROP_MAX - OVL_DROP_BASE <= OVL_VDROP_SLOTS,
	       "ovl_vni_drops: raise OVL_VDROP_SLOTS (and the ABI)");

enum ovl_stat_id {
	/* XDP on the underlay */
	OVL_STAT_RX_PASS = 0,	 /* not overlay traffic, passed to the stack */
	OVL_STAT_RX_DECAP,	 /* decapsulated, redirected to an endpoint */
	OVL_STAT_RX_DECAP_BCAST, /* flooded ARP/NS delivered to the target's owner */
	OVL_STAT_RX_UNKNOWN_VNI, /* VXLAN for a VNI not configured here: passed */
	OVL_STAT_RX_FRAGMENT,	 /* fragmented outer IPv4: passed */
	/* TC on endpoint veths */
	OVL_STAT_TX_ENCAP4,	/* encapsulated toward an IPv4 VTEP */
	OVL_STAT_TX_ENCAP6,	/* encapsulated toward an IPv6 VTEP */
	OVL_STAT_TX_LOCAL,	/* switched to a local endpoint */
	OVL_STAT_ARP_REPLY,	/* ARP request answered in BPF */
	OVL_STAT_NDP_REPLY,	/* neighbour solicitation answered in BPF */
	OVL_STAT_DHCP_PROXY,	/* DHCP broadcast rewritten to the proxy MAC */
	OVL_STAT_MISS_L2,	/* miss event: unknown destination MAC */
	OVL_STAT_MISS_ARP,	/* miss event: ARP for an unknown address */
	OVL_STAT_MISS_NDP,	/* miss event: NS for an unknown address */
	OVL_STAT_ENCAP_GSO,	/* of the encapsulated, GSO packets */
	OVL_STAT_ENCAP6_NOCSUM, /* IPv6 GSO encap sent with a zero UDP checksum */
	OVL_STAT_NEIGH_RESOLVE, /* encap handed to bpf_redirect_neigh to resolve */
	OVL_STAT_DROP_EVT_LOST, /* drop events lost to a full ringbuf */
	OVL_STAT_ICMP_TOO_BIG,	/* too big to encapsulate: ICMP/ICMPv6 "too big" sent back */
	OVL_STAT_DHCP_REPLY,	/* DHCP server broadcast rewritten to the client's MAC */
	OVL_STAT_DROP_FIRST,	/* the drop reasons follow */
	OVL_STAT_MAX = OVL_STAT_DROP_FIRST + (OVL_DROP_MAX - OVL_DROP_BASE),
};
_Static_assert(OVL_STAT_MAX <= OVL_STAT_SLOTS, "ovl_stats: raise OVL_STAT_SLOTS (and the ABI)");

/* Counter index of a drop reason. */
#define OVL_STAT_DROP(reason) (OVL_STAT_DROP_FIRST + ((reason)-OVL_DROP_BASE))

/* Returned by BPF helpers that chose a verdict themselves. */
#define OVL_HANDLED 1

/* Ringbuf events. Every record starts with the header; len is the record's
 * length in bytes, so a consumer can skip types it does not know. */
enum ovl_evt_type {
	OVL_EVT_MISS_L2 = 1, /* unicast frame to a MAC not in ovl_fdb/ovl_endpoints */
	OVL_EVT_MISS_ARP,    /* ARP request for an IPv4 address not in ovl_neigh */
	OVL_EVT_MISS_NDP,    /* NS for an IPv6 address not in ovl_neigh */
	OVL_EVT_DROP,	     /* a frame was dropped (only with OVL_CFG_F_DROP_EVENTS) */
};

struct ovl_evt_hdr {
	__u16 type; /* enum ovl_evt_type */
	__u16 len;  /* whole record, header and captured bytes included */
};

struct ovl_evt {
	struct ovl_evt_hdr hdr;
	__u32 vni;     /* host order; 0 when unknown */
	__u32 ifindex; /* where the frame came in (endpoint veth or underlay) */
	__u32 reason;  /* OVL_EVT_DROP: enum ovl_drop; 0 otherwise */
	__u64 ts_ns;   /* bpf_ktime_get_ns() when the frame was seen */
	__u8 mac[6];   /* MISS_L2: destination MAC; otherwise the sender's MAC */
	__u8 family;   /* MISS_ARP/NDP: OVL_AF_* of addr */
	__u8 pad;
	__u8 addr[16]; /* MISS_ARP/NDP: the address asked for */
	__u32 pkt_len; /* length of the frame */
	__u32 cap_len; /* bytes of it that follow the event */
		       /* followed by the first cap_len bytes of the frame, Ethernet header first */
};
_Static_assert(sizeof(struct ovl_evt) == 56, "ovl_evt layout");

/* How a redirect was made; reported to tests only (ovl_test_redir_how). */
#define OVL_REDIR_EGRESS 1 /* bpf_redirect(ifindex, 0): out of that device */
#define OVL_REDIR_PEER	 2 /* bpf_redirect_peer(): into the veth peer's netns */
#define OVL_REDIR_NEIGH	 3 /* bpf_redirect_neigh(): kernel resolves the next hop */
#define OVL_REDIR_XDP	 4 /* XDP_REDIRECT via bpf_redirect() */

#define OVL_EVT_PKT_MAX	 9216 /* a jumbo frame fits: ovld can deliver it itself */
#define OVL_EVT_DROP_CAP 128  /* drop events capture this much */

#endif /* OVL_ABI_H */
