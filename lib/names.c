// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * names.c - see names.h. The tables are indexed by the enums of ovl_abi.h;
 * the static asserts catch an enum that grew without its name.
 */
#include <stddef.h>
#include "ovl_abi.h"
#include "names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	const char *desc;
} stats[OVL_STAT_DROP_FIRST] = {
	[OVL_STAT_RX_PASS] = { "rx_pass",
			       "underlay frames that are not ours, passed to the stack" },
	[OVL_STAT_RX_DECAP] = { "rx_decap", "VXLAN frames decapsulated to a local endpoint" },
	[OVL_STAT_RX_DECAP_BCAST] = { "rx_decap_bcast",
				      "flooded ARP/NS delivered to the owner of the address" },
	[OVL_STAT_RX_UNKNOWN_VNI] = { "rx_unknown_vni",
				      "VXLAN for a VNI not configured here (passed)" },
	[OVL_STAT_RX_FRAGMENT] = { "rx_fragment", "fragmented outer IPv4 (passed to the stack)" },
	[OVL_STAT_TX_ENCAP4] = { "tx_encap4", "frames encapsulated toward an IPv4 VTEP" },
	[OVL_STAT_TX_ENCAP6] = { "tx_encap6", "frames encapsulated toward an IPv6 VTEP" },
	[OVL_STAT_TX_LOCAL] = { "tx_local", "frames switched to a local endpoint" },
	[OVL_STAT_ARP_REPLY] = { "arp_reply", "ARP requests answered in BPF" },
	[OVL_STAT_NDP_REPLY] = { "ndp_reply", "neighbour solicitations answered in BPF" },
	[OVL_STAT_DHCP_PROXY] = { "dhcp_proxy", "DHCP broadcasts rewritten to the proxy" },
	[OVL_STAT_MISS_L2] = { "miss_l2", "miss events: unknown destination MAC" },
	[OVL_STAT_MISS_ARP] = { "miss_arp", "miss events: ARP for an unknown address" },
	[OVL_STAT_MISS_NDP] = { "miss_ndp", "miss events: NS for an unknown address" },
	[OVL_STAT_ENCAP_GSO] = { "encap_gso", "GSO packets among the encapsulated" },
	[OVL_STAT_ENCAP6_NOCSUM] = { "encap6_nocsum",
				     "IPv6 encapsulations sent with a zero UDP checksum" },
	[OVL_STAT_NEIGH_RESOLVE] = { "neigh_resolve",
				     "encapsulations whose next hop the kernel had to resolve" },
	[OVL_STAT_DROP_EVT_LOST] = { "drop_evt_lost", "drop events lost to a full ringbuf" },
	[OVL_STAT_ICMP_TOO_BIG] = { "icmp_too_big",
				    "frames too big to encapsulate, answered with ICMP too big" },
	[OVL_STAT_DHCP_REPLY] = { "dhcp_reply",
				  "DHCP server broadcasts rewritten to the client's MAC" },
};

static const struct {
	const char *name;
	const char *desc;
} drops[OVL_DROP_MAX - OVL_DROP_BASE] = {
#define D(r, n, d) [OVL_DROP_##r - OVL_DROP_BASE] = { n, d }
	D(TRUNCATED, "truncated", "a header runs past the end of the frame"),
	D(VXLAN_FLAGS, "vxlan_flags", "VXLAN without the I flag or with reserved bits set"),
	D(PEER_UNKNOWN, "peer_unknown", "VXLAN from an underlay address that is not a peer"),
	D(NO_ENDPOINT, "no_endpoint", "decapsulated frame for a MAC that is not local"),
	D(BCAST, "bcast", "broadcast or multicast that nothing handles"),
	D(NO_IFACE, "no_iface", "frame from a veth that is not an endpoint"),
	D(SPOOF_MAC, "spoof_mac", "source MAC is not the endpoint's"),
	D(SPOOF_IP, "spoof_ip", "source IP is not the endpoint's"),
	D(SPOOF_ARP, "spoof_arp", "ARP sender MAC or IP is not the endpoint's"),
	D(ETHERTYPE, "ethertype", "neither IPv4, IPv6 nor ARP"),
	D(ARP_BAD, "arp_bad", "malformed ARP"),
	D(NDP_BAD, "ndp_bad", "malformed neighbour solicitation"),
	D(MISS, "miss", "unresolved destination, frame handed to ovld"),
	D(MISS_RL, "miss_ratelimit", "unresolved destination, miss event rate-limited"),
	D(MISS_RB_FULL, "miss_ringbuf_full", "unresolved destination, ringbuf full"),
	D(NO_LOCAL_ADDR, "no_local_addr", "no underlay address of the VTEP's family"),
	D(FIB, "fib", "no route or neighbour toward the VTEP"),
	D(MTU, "mtu", "encapsulated frame exceeds the underlay MTU"),
	D(ADJUST, "adjust", "growing or shrinking the frame failed"),
	D(HAIRPIN, "hairpin", "destination is the sender itself"),
	D(DAD, "dad", "duplicate address detection or probe for an own address"),
	D(FWD_DISABLED, "fwd_disabled", "FIB lookup refused: forwarding is off on the veth"),
	D(SPOOF_ND, "spoof_nd",
	  "neighbour discovery naming another's address or MAC, RA, redirect"),
	D(VLAN, "vlan", "802.1Q/802.1ad tagged frame from an endpoint"),
	D(DHCP_SERVER, "dhcp_server",
	  "DHCP server reply from an endpoint that is not the network's DHCP server"),
	D(IP6_EXTHDR, "ip6_exthdr", "too many or malformed IPv6 extension headers"),
#undef D
};

_Static_assert(ARRAY_SIZE(drops) == OVL_DROP_MAX - OVL_DROP_BASE, "a drop reason has no name");

static char drop_stat_names[OVL_DROP_MAX - OVL_DROP_BASE][40];

const char *ovl_drop_name(__u32 reason)
{
	if (reason < OVL_DROP_BASE || reason >= OVL_DROP_MAX || !drops[reason - OVL_DROP_BASE].name)
		return "unknown";
	return drops[reason - OVL_DROP_BASE].name;
}

const char *ovl_stat_name(__u32 id)
{
	__u32 r;

	if (id < OVL_STAT_DROP_FIRST)
		return stats[id].name;
	if (id >= OVL_STAT_MAX)
		return NULL;
	r = id - OVL_STAT_DROP_FIRST;
	if (!drop_stat_names[r][0])
		__builtin_snprintf(drop_stat_names[r], sizeof(drop_stat_names[r]), "drop_%s",
				   ovl_drop_name(r + OVL_DROP_BASE));
	return drop_stat_names[r];
}

static const struct {
	const char *name;
	const char *desc;
} vstats[OVL_VSTAT_MAX] = {
	[OVL_VSTAT_PEER_UNKNOWN] = { "peer_unknown",
				     "VXLAN refused: the outer source is not a peer (of drops)" },
	[OVL_VSTAT_DROP] = { "drops", "frames of the overlay dropped, every reason" },
	[OVL_VSTAT_ENCAP] = { "encap", "frames encapsulated toward another host" },
	[OVL_VSTAT_DECAP] = { "decap", "frames decapsulated to a local endpoint" },
	[OVL_VSTAT_LOCAL] = { "local", "frames switched between local endpoints" },
};

const char *ovl_vstat_name(__u32 id)
{
	return id < OVL_VSTAT_MAX ? vstats[id].name : NULL;
}

const char *ovl_vstat_desc(__u32 id)
{
	return id < OVL_VSTAT_MAX ? vstats[id].desc : NULL;
}

const char *ovl_drop_desc(__u32 reason)
{
	if (reason < OVL_DROP_BASE || reason >= OVL_DROP_MAX)
		return NULL;
	return drops[reason - OVL_DROP_BASE].desc;
}

const char *ovl_stat_desc(__u32 id)
{
	if (id < OVL_STAT_DROP_FIRST)
		return stats[id].desc;
	if (id >= OVL_STAT_MAX)
		return NULL;
	return drops[id - OVL_STAT_DROP_FIRST].desc;
}

const char *ovl_evt_type_name(__u32 type)
{
	switch (type) {
	case OVL_EVT_MISS_L2:
		return "miss_l2";
	case OVL_EVT_MISS_ARP:
		return "miss_arp";
	case OVL_EVT_MISS_NDP:
		return "miss_ndp";
	case OVL_EVT_DROP:
		return "drop";
	default:
		return "unknown";
	}
}
