// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovl_xdp.bpf.c - XDP on the underlay NIC: VXLAN decapsulation.
 *
 * Theory of operation
 *
 *   A frame is ours when it is UDP to ovl_config.vxlan_port on one of this
 *   host's underlay addresses (ovl_config.local4/local6), outer IPv4 or
 *   IPv6, not an IPv4 fragment. Everything else is XDP_PASS, untouched and
 *   counted once (OVL_STAT_RX_PASS): the host's own traffic must not notice
 *   the program.
 *
 *   Ours and well formed (RFC 7348 section 5: I flag set, reserved bits
 *   zero, as the Linux vxlan driver also demands) and for a VNI in
 *   ovl_vnis: the inner destination MAC is looked up in ovl_endpoints; a
 *   local endpoint gets the inner frame, outer headers stripped with
 *   bpf_xdp_adjust_head(), by XDP_REDIRECT to its host-side veth. Flooded
 *   ARP requests and neighbour solicitations (a kernel vxlan peer sends
 *   those to every VTEP) go to the endpoint that owns the target address
 *   according to ovl_neigh; on a point-to-point VNI (OVL_VNI_F_DIRECT),
 *   whose far end sends its ARP and NDP through the tunnel, broadcast and
 *   multicast nobody claims go to the VNI's flood_ifindex, the endpoint
 *   ovld picked for them. A VNI not configured here is passed (a kernel
 *   vxlan device may serve it) and counted; everything else of ours that
 *   cannot be delivered is dropped and counted by reason.
 *
 *   A frame from another host's router (the overlay's anycast router MAC as
 *   its inner source) to a local endpoint other than the router pins its
 *   flow in ovl_rflows before it is delivered, so that the endpoint's
 *   replies go back to that host (lib/rflow.h).
 *
 *   With OVL_VNI_F_STRICT_SRC, the outer source address must be in
 *   ovl_peers for that VNI: VXLAN has no authentication, and this is what
 *   keeps an arbitrary underlay host from injecting frames into a tenant.
 *   The peer's entry is looked up first: since ABI 6 it also carries what
 *   unicast needs of the network (lib/rx.h), so ovl_vnis is read only for
 *   broadcast, older entries and refusals.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "lib/compat.h"
#include "ovl_abi.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/verdict.h"
#include "lib/ip6.h"
#include "lib/rflow.h"
#include "lib/rx.h"

/* What xdp_rx() returns for a frame to a shaped endpoint (never a verdict
 * of the helpers' range: they return 0, OVL_HANDLED or -OVL_DROP_*). */
#define OVL_SHAPED_PASS (OVL_HANDLED + 1)

/* Decapsulate and pick the endpoint. Returns OVL_HANDLED with *ifindex set,
 * 0 to pass, OVL_SHAPED_PASS, or -OVL_DROP_*. stat is the counter of a
 * success or a pass. */
static __always_inline int xdp_rx(struct xdp_md *ctx, struct rx_res *res)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	int ret;

	ret = rx_classify(data, data_end, data_end - data, res);
	if (ret != OVL_HANDLED)
		return ret;
	/* A capped endpoint's qdisc is on its host veth's egress, which
	 * XDP_REDIRECT skips: pass the frame, still encapsulated, to
	 * ovl_tc_ul_in behind us (OVL_CFG_F_XDP_DECAP), which decapsulates
	 * it and redirects it through that qdisc. */
	if (res->ep_flags & OVL_EP_F_SHAPED)
		return OVL_SHAPED_PASS;
	if (res->rflow)
		rflow_note(ctx, true, data_end - data, res->hdr_len + ETH_HLEN, res->inner_proto,
			   res->vni, &res->rflow_via);
	if (bpf_xdp_adjust_head(ctx, res->hdr_len))
		return -OVL_DROP_ADJUST;
	return OVL_HANDLED;
}

/* As skb_drop_event(), for XDP; res names the VNI and a refused peer. */
static __always_inline void xdp_drop_event(struct xdp_md *ctx, int reason, const struct rx_res *res,
					   __u32 pkt_len)
{
	struct ovl_evt_buf *b = drop_evt_start(reason, res->vni, ctx->ingress_ifindex, pkt_len,
					       res->peer_family, res->peer_addr);
	__u32 cap;

	if (!b)
		return;
	cap = evt_cap_len(pkt_len, OVL_EVT_DROP_CAP);
	if (!cap || bpf_xdp_load_bytes(ctx, 0, b->pkt, cap))
		cap = 0;
	drop_evt_commit(b, cap);
}

SEC("xdp")
int ovl_xdp_rx(struct xdp_md *ctx)
{
	__u32 pkt_len = ctx->data_end - ctx->data;
	struct rx_res res = {};
	int ret;

	ret = xdp_rx(ctx, &res);
	if (ret < 0) {
		stat_drop(-ret, pkt_len);
		rx_vstat_drop(&res, -ret, pkt_len);
		xdp_drop_event(ctx, -ret, &res, pkt_len);
		return XDP_DROP;
	}
	if (ret == OVL_SHAPED_PASS)
		return XDP_PASS; /* TC counts it */
	stat_add(res.stat, pkt_len);
	if (ret == 0)
		return XDP_PASS;
	rx_vstat_fwd(&res, pkt_len);
	test_note_redirect(res.ifindex, OVL_REDIR_XDP);
	return bpf_redirect(res.ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
