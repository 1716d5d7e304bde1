// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovl_tcul.bpf.c - VXLAN decapsulation at TC ingress of the underlay, the
 * alternative to ovl_xdp.bpf.c that ovld picks for veth underlays.
 *
 * Theory of operation
 *
 *   Classification is rx_classify(), the same as XDP's: what is not ours is
 *   TC_ACT_OK, untouched; VXLAN to us for a local endpoint is stripped of
 *   its outer headers in place and handed to the endpoint. A flow another
 *   host's router started toward the endpoint is pinned first, as XDP does
 *   (lib/rflow.h).
 *
 *   Why a second path: an XDP program sees a frame, not an skb. From a
 *   physical NIC that is all there is, but across a veth the skb of the
 *   sending namespace arrives as it was: possibly a 64 KB GSO packet, with
 *   a checksum still to be filled in (CHECKSUM_PARTIAL). XDP on a veth
 *   makes the sender segment before the wire (it switches TSO off on the
 *   peer) and loses the pending-checksum state, so the container would get
 *   bad TCP checksums unless every frame were finalized first. At TC the skb
 *   keeps both: bpf_skb_adjust_room() removes the outer headers of a GSO
 *   packet as they are (keeping its MSS), the pending checksum still points
 *   at the inner TCP header, and bpf_redirect_peer() puts the packet
 *   straight into the container's namespace, as the kernel's own vxlan
 *   device would deliver it after GRO.
 *
 *   The inner Ethernet header replaces the outer one; skb->protocol is set
 *   to the inner family by the DECAP flags. A non-IP inner frame (ARP)
 *   cannot have its protocol set that way, so it takes bpf_redirect()
 *   through the host-side veth, whose peer sets it from the frame.
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

/*
 * Bytes that must be in the linear area to classify a frame: the outer
 * headers (IPv4 with the most options, UDP, VXLAN) and the inner Ethernet
 * header; and, for a flooded ARP request or NS, its inner ARP or IPv6 and
 * ICMPv6 parts too. A GSO packet from a veth has all its headers there
 * already; pulling more than it needs would copy payload out of its pages.
 */
#define RX_PULL_LEN	  (ETH_HLEN + 60 + 8 + 8 + ETH_HLEN)
#define RX_PULL_LEN_BCAST (ETH_HLEN + 40 + 8 + 8 + ETH_HLEN + 40 + 24)

/* Make the first len bytes (or all of a shorter packet) linear. Returns
 * whether there was more to pull in. */
static __always_inline bool rx_pull(struct __sk_buff *skb, __u32 len)
{
	__u32 head = skb->data_end - skb->data;

	if (head >= len || skb->len <= head)
		return false;
	bpf_skb_pull_data(skb, skb->len < len ? skb->len : len);
	return true;
}

/* rx_classify() on what is linear now. */
static __always_inline int tcul_classify(struct __sk_buff *skb, struct rx_res *res)
{
	void *data, *data_end;

	/* verifier: the compiler must not keep &skb->data from before a pull
	 * as a pointer into the context (it may not be dereferenced) */
	barrier_var(skb);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	return rx_classify(data, data_end, skb->len, res);
}

static __always_inline int tcul_rx(struct __sk_buff *skb, struct rx_res *res)
{
	__u64 flags;
	void *data;
	__u32 to;
	__s32 len;
	int ret;

	rx_pull(skb, RX_PULL_LEN);
	ret = tcul_classify(skb, res);
	/* a flooded ARP/NS whose inner parts were not linear: again, pulled */
	if (ret == -OVL_DROP_BCAST && rx_pull(skb, RX_PULL_LEN_BCAST))
		ret = tcul_classify(skb, res);
	if (ret != OVL_HANDLED)
		return ret;
	/* before the cut: the offsets are the outer frame's; the inner
	 * headers are read with bpf_skb_load_bytes(), linear or not */
	if (res->rflow)
		rflow_note(skb, false, skb->len, res->hdr_len + ETH_HLEN, res->inner_proto,
			   res->vni, &res->rflow_via);
	len = (__s32)res->hdr_len;

	/* Remove outer IP, UDP, VXLAN and the inner Ethernet header right
	 * behind the outer Ethernet header, which then takes the inner's
	 * place. The MSS of a GSO packet stays what the sender chose. The
	 * IP version the frame is then (IPv4 also for what is not IP, whose
	 * protocol the veth sets again from the frame) sets skb->protocol and
	 * the smallest packet the helper accepts after the cut: an IPv4
	 * header's 20 bytes, not an outer IPv6 header's 40 (a 28-byte ARP
	 * behind an IPv6 underlay would be refused). */
	to = res->inner_proto == bpf_htons(ETH_P_IPV6) ? bpf_htons(ETH_P_IPV6) :
							 bpf_htons(ETH_P_IP);
	flags = BPF_F_ADJ_ROOM_FIXED_GSO;
	if (ovl_features & OVL_FEAT_DECAP_FLAGS) {
		flags |= to == bpf_htons(ETH_P_IPV6) ? BPF_F_ADJ_ROOM_DECAP_L3_IPV6 :
						       BPF_F_ADJ_ROOM_DECAP_L3_IPV4;
	} else if (skb->protocol != to) {
		/* Before 6.3, no flag says it: the outer header is turned
		 * into the other version first (the NAT64 helper pops or
		 * pushes the 20 bytes between them at its front; all of it
		 * goes below) */
		if (bpf_skb_change_proto(skb, to, 0))
			return -OVL_DROP_ADJUST;
		len += to == bpf_htons(ETH_P_IPV6) ? 20 : -20;
	}
	if (bpf_skb_adjust_room(skb, -len, BPF_ADJ_ROOM_MAC, flags))
		return -OVL_DROP_ADJUST;
	/* The helper left the head private: the inner Ethernet header goes
	 * straight in (lib/encap.h, encap_store()). */
	data = (void *)(long)skb->data;
	if (data + sizeof(res->inner_eth) <= (void *)(long)skb->data_end) {
		__builtin_memcpy(data, &res->inner_eth, sizeof(res->inner_eth));
		return OVL_HANDLED;
	}
	if (bpf_skb_store_bytes(skb, 0, &res->inner_eth, sizeof(res->inner_eth), 0))
		return -OVL_DROP_ADJUST;
	return OVL_HANDLED;
}

SEC("tc")
int ovl_tc_ul_in(struct __sk_buff *skb)
{
	struct rx_res res = {};
	__u32 len = skb->len;
	int ret;

	ret = tcul_rx(skb, &res);
	if (ret < 0) {
		stat_drop(-ret, len);
		rx_vstat_drop(&res, -ret, len);
		skb_drop_event(skb, -ret, res.vni, skb->ifindex, res.peer_family, res.peer_addr);
		return TC_ACT_SHOT;
	}
	if (ret == 0) {
		const struct ovl_cfg *cfg = config_get();

		if (!cfg || !(cfg->flags & OVL_CFG_F_XDP_DECAP))
			stat_add(res.stat, len);
		return TC_ACT_OK;
	}
	stat_add(res.stat, len);
	rx_vstat_fwd(&res, len);
	/* A shaped endpoint (OVL_EP_F_SHAPED) gets its frames through the
	 * qdisc on its host veth's egress: bpf_redirect(), never _peer(). */
	if ((res.ep_flags & (OVL_EP_F_PEER_NETNS | OVL_EP_F_SHAPED)) == OVL_EP_F_PEER_NETNS &&
	    (res.inner_proto == bpf_htons(ETH_P_IP) || res.inner_proto == bpf_htons(ETH_P_IPV6))) {
		test_note_redirect(res.ifindex, OVL_REDIR_PEER);
		return bpf_redirect_peer(res.ifindex, 0);
	}
	test_note_redirect(res.ifindex, OVL_REDIR_EGRESS);
	return bpf_redirect(res.ifindex, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
