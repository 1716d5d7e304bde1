/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pktmodel.h - a topology for the packet fuzzer (pktfuzz.c) and an
 * independent model of what ovl's three BPF programs must do with a frame
 * in it.
 *
 * The topology is what ovld would have put in the maps: this host's
 * underlay addresses and VXLAN port, a few overlays (VNIs), the endpoints
 * on the harness's veths ep0h..ep6h (harness.h) with their MACs,
 * addresses and flags, remote MACs behind the harness's underlay VTEPs,
 * the ovl_neigh entries, the strict overlays' peers and the flows pinned
 * to another host's router. The model reads only the topology and the
 * frame's bytes (offsets from the RFCs, no header structs of bpf/) and
 * says what must come out: the verdict, the drop reason, every counter,
 * the per-overlay counters, the redirect target and how, the output frame
 * byte for byte (with a mask of the bytes that are entropy), the ringbuf
 * event and the ovl_rflows write.
 */
#ifndef OVL_TEST_PKTMODEL_H
#define OVL_TEST_PKTMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "harness.h"

#define T_NEP	    7 /* the harness's endpoint veths, H_IF_EP0..H_IF_EP6 */
#define T_MAX_VNI   3
#define T_MAX_REM   12
#define T_MAX_NEIGH 64
#define T_MAX_PEER  24
#define T_MAX_RFLOW 64

/* How the harness's underlay reaches an address (its routes and
 * neighbours, harness.h). */
enum t_route {
	T_R_OK,	     /* route and neighbour: the outer MACs are known */
	T_R_NEIGH,   /* route, no neighbour: bpf_redirect_neigh() resolves */
	T_R_NOROUTE, /* no route at all */
};

struct t_vtep {
	const char *ip;
	uint8_t family; /* OVL_AF_* */
	uint8_t addr[16];
	enum t_route route;
	uint8_t dmac[6]; /* with T_R_OK: the next hop's MAC */
};

extern struct t_vtep t_vteps[];
extern const int t_nvteps;

struct t_dest {
	int vtep; /* index in t_vteps */
	uint16_t port;
};

struct t_vni {
	uint32_t vni;
	uint32_t flags; /* OVL_VNI_F_* */
	struct t_dest direct;
	enum h_if flood; /* with OVL_VNI_F_DIRECT; H_IF_NONE: none */
	uint32_t slot;	 /* its ovl_vni_cnt slot (ABI 5), 0: none */
};

struct t_ep {
	bool iface; /* an ovl_ifaces entry for the veth */
	bool ep;    /* an ovl_endpoints entry {vni, mac} -> the veth */
	bool fdb;   /* its local ovl_fdb entry (OVL_AF_LOCAL), as ovld writes it */
	uint32_t vni;
	uint32_t ifflags; /* OVL_IF_F_* */
	uint32_t epflags; /* OVL_EP_F_* */
	uint8_t mac[6];
	uint8_t dhcp_mac[6];
	char ip4[24], ip6[48], ll6[48]; /* its addresses, as text */
	/* the own addresses of its ovl_ifaces entry (ABI 4; "" none, else
	 * usually ip4/ip6 as ovld writes them), as text and as bytes */
	char own4s[24], own6s[48];
	uint8_t own4[4], own6[16];
	uint32_t slot; /* the ovl_vni_cnt slot of its iface entry: its VNI's, or 0 */
};

struct t_rem {
	uint32_t vni;
	uint8_t mac[6];
	struct t_dest d;
	char ip4[24], ip6[48];
};

struct t_neigh {
	uint32_t vni;
	uint8_t family;
	uint8_t addr[16];
	uint8_t mac[6];
	uint16_t flags;
};

struct t_peer {
	uint32_t vni;
	uint8_t family;
	uint8_t addr[16];
	bool abi5;     /* its entry as the migration leaves it: no OVL_PEER_F_VNI */
	uint32_t slot; /* otherwise its network's ovl_vni_cnt slot, as ovld writes it */
};

struct t_rflow {
	struct ovl_rflow_key key;
	struct ovl_dest via;
};

struct topo {
	bool has4, has6;
	uint8_t local4[4], local6[16];
	uint16_t port; /* the VXLAN port decap listens on */
	uint32_t cfgflags;
	uint32_t nh_gen; /* ovl_cfg.nh_gen: the next-hop cache, transparent to the model */
	int nvni;
	struct t_vni vnis[T_MAX_VNI];
	struct t_ep eps[T_NEP]; /* eps[i] is on H_IF_EP0 + i */
	int nrem;
	struct t_rem rems[T_MAX_REM];
	int nneigh;
	struct t_neigh neighs[T_MAX_NEIGH];
	int npeer;
	struct t_peer peers[T_MAX_PEER];
	int nrflow;
	struct t_rflow rflows[T_MAX_RFLOW];
};

/* What a program must do with one frame. */
#define M_OUT_MAX (PKT_MAX + 256)

struct m_vstat {
	uint64_t pkts[OVL_VSTAT_MAX];
	uint64_t bytes[OVL_VSTAT_MAX];
};

struct m_out {
	uint32_t verdict;
	uint32_t reason;  /* OVL_DROP_* of a drop (a miss too), 0 otherwise */
	uint32_t stat;	  /* the counter of a success, OVL_STAT_MAX when none */
	const char *rule; /* the rule that decided, for the report */
	uint64_t pkts[OVL_STAT_MAX];
	uint64_t bytes[OVL_STAT_MAX];
	struct m_vstat vs[T_MAX_VNI]; /* by index in topo.vnis */
	enum h_if redir_if;
	uint32_t redir_how; /* OVL_REDIR_*, 0 without a redirect */
	bool out_same;	    /* the output is the input, unchanged */
	uint8_t out[M_OUT_MAX];
	size_t out_len;
	uint8_t mask[M_OUT_MAX]; /* 1: not compared (entropy) */
	/* An IPv6 outer UDP checksum to finish once the masked source port
	 * is known (offset of the UDP header in out, 0: none). */
	size_t udp6_off;
	int nevts; /* 0 or 1 */
	struct ovl_evt evt;
	bool rflow_write;
	struct t_rflow rflow;
};

/* ovl_tc_ep_in on endpoint veth ifc; ovl_xdp_rx (prog H_XDP) or
 * ovl_tc_ul_in (H_TCUL) on the underlay. */
void m_tc(const struct topo *t, enum h_if ifc, const uint8_t *f, size_t len, struct m_out *o);
void m_rx(const struct topo *t, enum h_prog prog, const uint8_t *f, size_t len, struct m_out *o);

/* Parse t_vteps' addresses; once, before anything else. */
void m_init(void);
/* The overlay vni's anycast router MAC (ovl_abi.h). */
void m_router_mac(uint32_t vni, uint8_t mac[6]);
/* Index of vni in t->vnis, or -1. */
int m_vni_idx(const struct topo *t, uint32_t vni);
/* The endpoint whose local ovl_fdb entry {vni, mac} is, or -1. */
int m_fdb_local(const struct topo *t, uint32_t vni, const uint8_t *mac);

#endif /* OVL_TEST_PKTMODEL_H */
