// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_vni.c - the per-overlay counters (ovl_vni_stats, ovl_vni_drops):
 * frames of two overlays, VNI_A and VNI_B of h_world, encapsulated,
 * decapsulated, switched locally and dropped, each counted against its own
 * overlay by the right amount (packets, and bytes of the inner frame) and
 * never against the other.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

#define NDROPS (OVL_DROP_MAX - OVL_DROP_BASE)
#define OUTER4 (14 + 20 + 8 + 8) /* outer Ethernet, IPv4, UDP, VXLAN */

/* An IPv4/UDP frame src -> dst with a payload of len bytes. */
static void udp_frame(struct pkt *p, const char *dmac, const char *smac, const char *sip,
		      const char *dip, size_t len)
{
	pkt_eth(p, dmac, smac, ETH_P_IP);
	pkt_ip4(p, sip, dip, IPPROTO_UDP);
	pkt_udp(p, 40000, 5001, true);
	pkt_pattern(p, len, 1);
}

/* VXLAN from src of vni carrying udp_frame(dmac ...). */
static void vxlan_frame(struct pkt *p, const char *src, uint32_t vni, const char *dmac, size_t len)
{
	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IP);
	pkt_ip4(p, src, LOCAL4, IPPROTO_UDP);
	pkt_udp(p, 51000, VXLAN_PORT, false);
	pkt_vxlan(p, vni);
	udp_frame(p, dmac, R1_MAC, R1_IP4, A1_IP4, len);
}

struct vni_want {
	struct ovl_stat vs[OVL_VSTAT_MAX];
	struct ovl_stat vd[NDROPS];
};

/* Run n copies of frame in through prog on ifc, expecting verdict. */
static bool run_n(const char *what, enum h_prog prog, enum h_if ifc, const struct pkt *in, int n,
		  uint32_t verdict)
{
	struct h_result *r = calloc(1, sizeof(*r));
	bool ok = true;

	if (!ASSERT_NEQ(r, NULL, "calloc"))
		return false;
	for (int i = 0; i < n && ok; i++) {
		ok &= ASSERT_OK(h_run(prog, ifc, in, NULL, r), what);
		ok &= ASSERT_EQ(r->retval, verdict, what);
	}
	free(r);
	return ok;
}

static void add(struct ovl_stat *s, int n, uint64_t bytes)
{
	s->packets += (uint64_t)n;
	s->bytes += (uint64_t)n * bytes;
}

static bool check_vni(uint32_t vni, const struct vni_want *w)
{
	struct ovl_stat vs[OVL_VSTAT_MAX], vd[NDROPS];
	char what[96];
	bool ok;

	snprintf(what, sizeof(what), "VNI %u counters", vni);
	ok = ASSERT_OK(h_vni_counters(vni, vs, vd), what);
	for (int i = 0; ok && i < OVL_VSTAT_MAX; i++) {
		snprintf(what, sizeof(what), "VNI %u vstat %d packets", vni, i);
		ok &= ASSERT_EQ(vs[i].packets, w->vs[i].packets, what);
		snprintf(what, sizeof(what), "VNI %u vstat %d bytes", vni, i);
		ok &= ASSERT_EQ(vs[i].bytes, w->vs[i].bytes, what);
	}
	for (int i = 0; ok && i < NDROPS; i++) {
		snprintf(what, sizeof(what), "VNI %u drop reason %d packets", vni,
			 i + OVL_DROP_BASE);
		ok &= ASSERT_EQ(vd[i].packets, w->vd[i].packets, what);
		snprintf(what, sizeof(what), "VNI %u drop reason %d bytes", vni, i + OVL_DROP_BASE);
		ok &= ASSERT_EQ(vd[i].bytes, w->vd[i].bytes, what);
	}
	return ok;
}

void test_vni_counters(void)
{
	struct vni_want a = {}, b = {};
	struct pkt *p = calloc(1, sizeof(*p));

	if (!ASSERT_NEQ(p, NULL, "calloc") || !h_ready())
		goto out;
	if (!ASSERT_OK(h_reset(), "reset") || !ASSERT_OK(h_load(h_world), "load world"))
		goto out;

	/* VNI_A: A1 -> R1 behind VTEP4, encapsulated, 3 frames */
	pkt_init(p);
	udp_frame(p, R1_MAC, A1_MAC, A1_IP4, R1_IP4, 100);
	pkt_finish(p);
	if (!run_n("A1 -> R1", H_TC, H_IF_EP0, p, 3, TC_ACT_REDIRECT))
		goto out;
	add(&a.vs[OVL_VSTAT_ENCAP], 3, p->len);

	/* VNI_A: A1 -> A2, switched locally, 2 frames */
	pkt_init(p);
	udp_frame(p, A2_MAC, A1_MAC, A1_IP4, A2_IP4, 200);
	pkt_finish(p);
	if (!run_n("A1 -> A2", H_TC, H_IF_EP0, p, 2, TC_ACT_REDIRECT))
		goto out;
	add(&a.vs[OVL_VSTAT_LOCAL], 2, p->len);

	/* VNI_A: from VTEP4 to A1, decapsulated, 4 frames: the inner bytes */
	pkt_init(p);
	vxlan_frame(p, VTEP4, VNI_A, A1_MAC, 300);
	pkt_finish(p);
	if (!run_n("R1 -> A1", H_XDP, H_IF_UL, p, 4, XDP_REDIRECT))
		goto out;
	add(&a.vs[OVL_VSTAT_DECAP], 4, p->len - OUTER4);

	/* VNI_B: from its peer VTEP4 to B2, decapsulated, 1 frame */
	pkt_init(p);
	vxlan_frame(p, VTEP4, VNI_B, B2_MAC, 64);
	pkt_finish(p);
	if (!run_n("peer -> B2", H_XDP, H_IF_UL, p, 1, XDP_REDIRECT))
		goto out;
	add(&b.vs[OVL_VSTAT_DECAP], 1, p->len - OUTER4);

	/* VNI_B: B1 -> B2, switched locally, 5 frames */
	pkt_init(p);
	udp_frame(p, B2_MAC, B1_MAC, B1_IP4, "10.23.0.9", 50);
	pkt_finish(p);
	if (!run_n("B1 -> B2", H_TC, H_IF_EP2, p, 5, TC_ACT_REDIRECT))
		goto out;
	add(&b.vs[OVL_VSTAT_LOCAL], 5, p->len);

	/* VNI_B drops: VTEP4_B is no peer of VNI_B (2 frames, whole frame) */
	pkt_init(p);
	vxlan_frame(p, VTEP4_B, VNI_B, B2_MAC, 80);
	pkt_finish(p);
	if (!run_n("stranger -> B2", H_XDP, H_IF_UL, p, 2, XDP_DROP))
		goto out;
	add(&b.vs[OVL_VSTAT_DROP], 2, p->len);
	add(&b.vs[OVL_VSTAT_PEER_UNKNOWN], 2, p->len);
	add(&b.vd[OVL_DROP_PEER_UNKNOWN - OVL_DROP_BASE], 2, p->len);

	/* VNI_B drops: B2 sends with a MAC not its own (1 frame) */
	pkt_init(p);
	udp_frame(p, B1_MAC, UNKNOWN_MAC, B1_IP4, "10.23.0.9", 40);
	pkt_finish(p);
	if (!run_n("B2 spoofs", H_TC, H_IF_EP3, p, 1, TC_ACT_SHOT))
		goto out;
	add(&b.vs[OVL_VSTAT_DROP], 1, p->len);
	add(&b.vd[OVL_DROP_SPOOF_MAC - OVL_DROP_BASE], 1, p->len);

	/* A frame of VNI_X (not configured) belongs to no overlay */
	pkt_init(p);
	vxlan_frame(p, VTEP4, VNI_X, A1_MAC, 64);
	pkt_finish(p);
	if (!run_n("VNI_X", H_XDP, H_IF_UL, p, 1, XDP_PASS))
		goto out;

	check_vni(VNI_A, &a);
	check_vni(VNI_B, &b);
out:
	free(p);
}
