/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * harness.h - BPF_PROG_TEST_RUN on the real ovl programs, table-driven.
 *
 * The first test that calls h_ready() moves the whole test process into a
 * private network namespace (unshare(CLONE_NEWNET); it vanishes when the
 * process exits, so nothing is ever left behind) and builds the test
 * network there:
 *
 *   ul0 02:00:00:00:01:01 ==veth== ul1      the underlay: 10.99.0.1/24, fd99::1/64
 *     neighbours (permanent): 10.99.0.2, fd99::2 -> 02:00:00:00:02:02 (VTEP)
 *                             10.99.0.3, fd99::3 -> 02:00:00:00:03:03 (VTEP_B)
 *     no neighbour:           10.99.0.4, fd99::4                      (VTEP*_NN)
 *     routes: 10.98.0.0/24 via 10.99.0.2 (known), 10.97.0.0/24 via 10.99.0.254
 *     (unknown); nothing else, so 192.0.2.1 has no route
 *   ep0h..ep6h ==veth== ep0c..ep6c          endpoint host-side veths
 *
 * then opens the skeleton with ovl_test_mode = 1 (the programs record where
 * a redirect was going) and loads it. Nothing is ever transmitted:
 * BPF_PROG_TEST_RUN returns XDP_REDIRECT/TC_ACT_REDIRECT without doing it.
 *
 * Every case starts from empty maps (h_reset()), loads its entries and runs
 * one frame; h_run_cases() checks the verdict, the output bytes, the
 * redirect target, every counter (those not listed must not move), the
 * per-network counters of ovl_vni_stats (see struct h_case), the number
 * of ringbuf events, and ovl_rflows with the number of writes to it.
 */
#ifndef OVL_TEST_HARNESS_H
#define OVL_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include "ovl_abi.h"
#include "pkt.h"
#include "test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the test network ---------------------------------------------------- */

#define UL_MAC	      "02:00:00:00:01:01" /* ul0, the underlay NIC */
#define LOCAL4	      "10.99.0.1"
#define LOCAL6	      "fd99::1"
#define VTEP_MAC      "02:00:00:00:02:02"
#define VTEP4	      "10.99.0.2"
#define VTEP6	      "fd99::2"
#define VTEP_B_MAC    "02:00:00:00:03:03"
#define VTEP4_B	      "10.99.0.3"
#define VTEP6_B	      "fd99::3"
#define VTEP4_NN      "10.99.0.4" /* on link, neighbour unknown */
#define VTEP6_NN      "fd99::4"
#define VTEP4_GW      "10.98.0.7" /* routed via 10.99.0.2 */
#define VTEP4_GWNN    "10.97.0.7" /* routed via 10.99.0.254, unknown */
#define VTEP4_NOROUTE "192.0.2.1"
#define VXLAN_PORT    4789

/* Overlay: tenant A (VNI_A) with local A1, A2 and remotes R*; tenant B
 * (VNI_B, strict source) whose B1 has A1's MAC and address (tenants may
 * overlap); VNI_D is point-to-point to VTEP4_B. */
#define VNI_A	    100
#define VNI_B	    200
#define VNI_D	    300
#define VNI_X	    999 /* not configured */

#define A1_MAC	    "02:a1:00:00:00:01" /* ep0h, IP-nospoof */
#define A1_IP4	    "10.23.0.1"
#define A1_IP6	    "fd23::1"
#define A1_LL6	    "fe80::a1"
#define A2_MAC	    "02:a1:00:00:00:02" /* ep1h */
#define A2_IP4	    "10.23.0.2"
#define A2_IP6	    "fd23::2"
#define R1_MAC	    "02:b1:00:00:00:01" /* behind VTEP4 */
#define R1_IP4	    "10.23.0.11"
#define R1_IP6	    "fd23::11"
#define R2_MAC	    "02:b1:00:00:00:02" /* behind VTEP6 */
#define R2_IP4	    "10.23.0.12"
#define R3_MAC	    "02:b1:00:00:00:03" /* behind VTEP4_NN */
#define R4_MAC	    "02:b1:00:00:00:04" /* behind VTEP6_NN */
#define R5_MAC	    "02:b1:00:00:00:05" /* behind VTEP4_GW */
#define R6_MAC	    "02:b1:00:00:00:06" /* behind VTEP4_GWNN */
#define R7_MAC	    "02:b1:00:00:00:07" /* behind VTEP4_NOROUTE */
#define R8_MAC	    "02:b1:00:00:00:08" /* behind VTEP6 on port 8472 */
#define B1_MAC	    A1_MAC		/* ep2h, VNI_B */
#define B1_IP4	    A1_IP4
#define B2_MAC	    "02:b0:00:00:00:02" /* ep3h, VNI_B */
#define D1_MAC	    "02:d1:00:00:00:01" /* ep4h, VNI_D */
#define D1_IP4	    "10.30.0.1"
#define UNKNOWN_MAC "02:ee:00:00:00:01"
/* The router of VNI_A (the anycast MAC 02:6f:76 + VNI, ovl_abi.h): not in
 * h_world; the router cases add it on ep6h with h_router_a. */
#define RTR_A_MAC "02:6f:76:00:00:64"
#define RTR_B_MAC "02:6f:76:00:00:c8" /* VNI_B's */

enum h_if {
	H_IF_NONE = 0,
	H_IF_UL,  /* ul0 */
	H_IF_EP0, /* A1 */
	H_IF_EP1, /* A2 */
	H_IF_EP2, /* B1 */
	H_IF_EP3, /* B2 */
	H_IF_EP4, /* D1 */
	H_IF_EP5, /* no ovl_ifaces entry */
	H_IF_EP6, /* the router of VNI_A, with h_router_a */
	H_IF_MAX
};

enum h_prog {
	H_XDP = 1,
	H_TC,	/* ovl_tc_ep_in, on an endpoint's veth */
	H_TCUL, /* ovl_tc_ul_in, decapsulation at TC on the underlay */
	/* Programs that only return a verdict (XDP_PASS, TC_ACT_OK), to
	 * measure what a timed run costs without any program work (h_time). */
	H_EMPTY_XDP,
	H_EMPTY_TC,
};

/* The XDP case c as the TC decapsulation must do it: same classification,
 * same output bytes and counters, TC's verdicts and redirect kinds. */
struct h_case h_case_as_tcul(const struct h_case *c);
/* Run a table of XDP cases through ovl_tc_ul_in. */
void h_run_cases_tcul(const struct h_case *cases, size_t n);

/* Moves into the test network and loads the programs, once. false (with
 * the test marked skipped or failed) when that is impossible. */
bool h_ready(void);
uint32_t h_ifindex(enum h_if i);

/* ---- maps ---------------------------------------------------------------- */

enum h_ent_kind {
	H_E_END = 0,
	H_E_CFG,
	H_E_VNI,
	H_E_IFACE,
	H_E_EP,		/* ovl_endpoints and its local ovl_fdb entry, as ovld writes them */
	H_E_EP_NOFDB,	/* ovl_endpoints only (pins of ABI 2, a full ovl_fdb) */
	H_E_EP_FDBONLY, /* the local ovl_fdb entry only */
	H_E_FDB,
	H_E_NEIGH,
	H_E_PEER,
	H_E_RFLOW,
};

/* One map entry to preload; the fields used depend on the kind. */
struct h_ent {
	enum h_ent_kind kind;
	uint32_t vni;
	uint32_t flags;
	const char *a; /* CFG: local4; IFACE/EP/FDB: MAC; NEIGH/PEER: IP; VNI: direct IP */
	const char *b; /* CFG: local6; IFACE: DHCP MAC; FDB: IP; NEIGH: MAC */
	enum h_if ifc; /* CFG: underlay; IFACE/EP: the veth */
	uint16_t port; /* CFG: VXLAN port; FDB/VNI/RFLOW: destination port */
	/* RFLOW: a = laddr, b = raddr, c = the VTEP; flags the value's */
	const char *c;
	uint16_t lport, rport; /* host order */
	uint8_t proto;
	const char *own4, *own6; /* IFACE: the endpoint's own addresses (ip4, ip6), or NULL */
	uint32_t slot;		 /* VNI/IFACE/PEER: vstat_slot, the ovl_vni_cnt slot (0: none) */
};
/* the ovl_vni_cnt slots h_reset() zeroes: h_ent slots stay below this */
#define H_MAX_SLOT 16

#define E_CFG(l4, l6, fl)                                                                          \
	{                                                                                          \
		.kind = H_E_CFG, .a = (l4), .b = (l6), .flags = (fl), .ifc = H_IF_UL,              \
		.port = VXLAN_PORT                                                                 \
	}
#define E_VNI(v, fl)                                                                               \
	{                                                                                          \
		.kind = H_E_VNI, .vni = (v), .flags = (fl)                                         \
	}
#define E_VNI_DIRECT(v, ip, p)                                                                     \
	{                                                                                          \
		.kind = H_E_VNI, .vni = (v), .flags = OVL_VNI_F_DIRECT, .a = (ip), .port = (p)     \
	}
#define E_IFACE(i, v, fl, mac, dhcp)                                                               \
	{                                                                                          \
		.kind = H_E_IFACE, .ifc = (i), .vni = (v), .flags = (fl), .a = (mac), .b = (dhcp)  \
	}
/* with the own addresses ovld writes beside (ABI 4: checked without a lookup) */
#define E_IFACE_OWN(i, v, fl, mac, o4, o6)                                                         \
	{                                                                                          \
		.kind = H_E_IFACE, .ifc = (i), .vni = (v), .flags = (fl), .a = (mac),              \
		.own4 = (o4), .own6 = (o6)                                                         \
	}
#define E_EP(v, mac, i, fl)                                                                        \
	{                                                                                          \
		.kind = H_E_EP, .vni = (v), .a = (mac), .ifc = (i), .flags = (fl)                  \
	}
#define E_EP_NOFDB(v, mac, i, fl)                                                                  \
	{                                                                                          \
		.kind = H_E_EP_NOFDB, .vni = (v), .a = (mac), .ifc = (i), .flags = (fl)            \
	}
#define E_EP_FDBONLY(v, mac, i, fl)                                                                \
	{                                                                                          \
		.kind = H_E_EP_FDBONLY, .vni = (v), .a = (mac), .ifc = (i), .flags = (fl)          \
	}
#define E_FDB(v, mac, ip, p)                                                                       \
	{                                                                                          \
		.kind = H_E_FDB, .vni = (v), .a = (mac), .b = (ip), .port = (p)                    \
	}
#define E_NEIGH(v, ip, mac, fl)                                                                    \
	{                                                                                          \
		.kind = H_E_NEIGH, .vni = (v), .a = (ip), .b = (mac), .flags = (fl)                \
	}
/* as ovld writes it: OVL_PEER_F_VNI (ABI 6), slot 0 */
#define E_PEER(v, ip)                                                                              \
	{                                                                                          \
		.kind = H_E_PEER, .vni = (v), .a = (ip)                                            \
	}
/* ovl_rflows: {v, proto, laddr, lport, raddr, rport} -> {vtep, port, flags 0} */
#define E_RFLOW(v, pr, la, lp, ra, rp, vtep, p)                                                    \
	{                                                                                          \
		.kind = H_E_RFLOW, .vni = (v), .proto = (pr), .a = (la), .lport = (lp), .b = (ra), \
		.rport = (rp), .c = (vtep), .port = (p)                                            \
	}
#define E_END                                                                                      \
	{                                                                                          \
		.kind = H_E_END                                                                    \
	}

/* The standard world of the cases (see the macros above). */
extern const struct h_ent h_world[];
/* VNI_A's router on ep6h (OVL_IF_F_ROUTER, MAC RTR_A_MAC): E_ROUTER_A in
 * a list, or h_router_a as extra. */
#define E_ROUTER_A                                                                                 \
	E_IFACE(H_IF_EP6, VNI_A, OVL_IF_F_ROUTER, RTR_A_MAC, NULL),                                \
		E_EP(VNI_A, RTR_A_MAC, H_IF_EP6, 0)
extern const struct h_ent h_router_a[];

/* ovl_rflows holds exactly the entries of want (up to E_END; NULL: none).
 * false, with the difference reported, otherwise. */
bool h_rflows_check(const char *what, const struct h_ent *want);

/* The counters of vni in ovl_vni_stats and ovl_vni_drops (by reason -
 * OVL_DROP_BASE), summed over the CPUs; -errno when it has none. */
/* The counters of ovl_vni_cnt's slot, summed over the CPUs. */
int h_slot_counters(uint32_t slot, struct ovl_stat vs[OVL_VSTAT_MAX]);
int h_vni_counters(uint32_t vni, struct ovl_stat vs[OVL_VSTAT_MAX],
		   struct ovl_stat vd[OVL_DROP_MAX - OVL_DROP_BASE]);

/* Empty every map, the redirect record and the ringbuf. */
int h_reset(void);
/* Consume what the ringbuf holds; returns the number of records. */
int h_events_drain(void);
/* Load entries up to E_END (NULL is no entries). */
int h_load(const struct h_ent *e);

/* ---- running --------------------------------------------------------------- */

#define H_MAX_EVTS 16
#define H_MAX_VNIS 8 /* ovl_vni_stats entries a case may have */

struct h_evt {
	uint32_t size; /* as the ringbuf reported it */
	union {
		struct ovl_evt evt;
		uint8_t raw[sizeof(struct ovl_evt) + OVL_EVT_PKT_MAX];
	};
};

struct h_result {
	int err;	 /* of bpf_prog_test_run_opts() */
	uint32_t retval; /* the verdict */
	uint32_t duration;
	uint8_t out[PKT_MAX + 256];
	uint32_t out_len;
	uint32_t redir_ifindex; /* ovl_test_redir_ifindex after the run */
	uint32_t redir_how;
	uint32_t rflow_writes;	     /* ovl_rflows updates the run made */
	uint64_t pkts[OVL_STAT_MAX]; /* counter deltas over the run */
	uint64_t bytes[OVL_STAT_MAX];
	int nevts;
	struct h_evt evts[H_MAX_EVTS];
	int nvnis; /* ovl_vni_stats entries, and their deltas over the run */
	struct {
		uint32_t vni;
		uint64_t pkts[OVL_VSTAT_MAX];
		uint64_t bytes[OVL_VSTAT_MAX];
	} vstats[H_MAX_VNIS];
	uint64_t t_before, t_after; /* CLOCK_MONOTONIC around the run */
};

struct h_run_opts {
	uint32_t repeat;
	uint16_t gso_segs; /* TC only */
	uint16_t gso_size; /* TC only */
	bool keep_events;  /* leave the records in the ringbuf */
};

/* Run one frame through a program with ctx ifindex ifc; r gets everything. */
int h_run(enum h_prog prog, enum h_if ifc, const struct pkt *in, const struct h_run_opts *o,
	  struct h_result *r);

/* The loaded skeleton (after h_ready()), for a tool that needs a map the
 * helpers here do not reach (tests/fuzz/pktfuzz.c). */
struct ovl *h_skel(void);

/* The fd of a program (H_EMPTY_* are loaded on first use), or -errno. */
int h_prog_fd(enum h_prog prog);

/*
 * Time a frame: calls runs of BPF_PROG_TEST_RUN with repeat, every one of
 * which must return want_retval. *ns is the mean of the kernel's
 * per-iteration duration over the calls. Return: 0, -errno, or -EPROTO
 * when a run took another path.
 */
int h_time(enum h_prog prog, enum h_if ifc, const struct pkt *in, uint32_t repeat, uint32_t calls,
	   uint32_t want_retval, double *ns);

/* ---- table-driven cases ------------------------------------------------------ */

enum h_out {
	H_OUT_UNCHANGED = 0, /* output bytes equal the input */
	H_OUT_BYTES,	     /* output equals what .expect builds */
	H_OUT_ANY,	     /* not checked (the case's .check looks) */
};

struct h_stat {
	uint32_t id;   /* enum ovl_stat_id */
	uint32_t pkts; /* 0 ends the list */
	bool no_bytes; /* the counter's bytes do not follow the frame length */
};

/* A per-network counter (ovl_vni_stats) expected to move. */
struct h_vstat {
	uint32_t vni;
	uint32_t id;   /* enum ovl_vstat_id */
	uint32_t pkts; /* 0 ends the list */
};

struct h_case {
	const char *name;
	enum h_prog prog;
	enum h_if ifc; /* ctx ifindex: ingress_ifindex (XDP) / ifindex (TC) */
	const struct h_ent *world;
	const struct h_ent *extra;
	void (*build)(struct pkt *in);
	uint32_t verdict;
	enum h_out out;
	void (*expect)(struct pkt *want, const struct pkt *in, const struct h_result *r);
	enum h_if redir_if; /* with a redirect verdict */
	uint32_t redir_how; /* OVL_REDIR_* */
	struct h_stat stats[6];
	/* ovl_vni_stats (h_load() makes a zeroed entry for every E_VNI, as
	 * ovld does per overlay): with vcheck, or for any verdict but a drop,
	 * every entry's drop counters (PEER_UNKNOWN, DROP) must move as listed
	 * here and no other; test_vni.c checks the forwarding ones. */
	bool vcheck;
	struct h_vstat vstats[3];
	int nevents;
	/* ovl_rflows after the run: exactly these E_RFLOW entries (up to
	 * E_END); NULL: the E_RFLOW entries of world and extra, unchanged.
	 * rflow_writes: the map updates the run must have made. */
	const struct h_ent *rflows;
	uint32_t rflow_writes;
	/* Further assertions; returns false when one failed. */
	bool (*check)(const struct h_case *c, const struct pkt *in, const struct h_result *r);
	struct h_run_opts run;
};

/* Run every case; a failing one names itself and shows a hexdump diff. */
void h_run_cases(const struct h_case *cases, size_t n);
/*
 * Run every case twice with the next-hop cache on (ovl_cfg.nh_gen set, see
 * ovl_nexthops): cold, where an encapsulation that succeeds must fill one
 * entry, then warm, with that entry kept, where it must fill none; both
 * runs must meet the case's expectations unchanged.
 */
void h_run_cases_nh(const struct h_case *cases, size_t n);
/* The ovl_cfg.nh_gen that an E_CFG entry writes: 0 (the cache off) in
 * every test but those that set it. */
extern uint32_t h_nh_gen;
/* Run one case; false when an assertion failed. */
bool h_run_case(const struct h_case *c);

/* Check an event: type, vni, ifindex, reason, mac (NULL: zero), family and
 * addr (NULL: zero), pkt_len and cap_len, the captured bytes against frame,
 * the header length and the timestamp. */
bool h_evt_check(const char *what, const struct h_result *r, int i, uint16_t type, uint32_t vni,
		 enum h_if ifc, uint32_t reason, const char *mac, const char *addr,
		 const struct pkt *frame, uint32_t cap_len);

#endif /* OVL_TEST_HARNESS_H */
