// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_flow.c - what a table of single frames cannot show: the UDP source
 * port across flows, the miss rate limit across time, and the per-packet
 * cost of the main paths.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "harness.h"

#define NFLOWS 8

static uint16_t out_u16(const struct h_result *r, size_t off)
{
	uint16_t v;

	if (off + 2 > r->out_len)
		return 0;
	memcpy(&v, r->out + off, 2);
	return ntohs(v);
}

/* A1 -> dmac, IPv4/UDP sport -> 5001, payload seeded by seed. */
static void flow4(struct pkt *p, const char *dmac, const char *dip, uint16_t sport, size_t len,
		  unsigned int seed)
{
	pkt_init(p);
	pkt_eth(p, dmac, A1_MAC, ETH_P_IP);
	pkt_ip4(p, A1_IP4, dip, IPPROTO_UDP);
	pkt_udp(p, sport, 5001, true);
	pkt_pattern(p, len, seed);
	pkt_finish(p);
}

/* R1 -> A1 through the tunnel from VTEP4: IPv4/UDP 40000 -> 5001, a 64-byte
 * payload seeded by seed. */
static void decap4_r1(struct pkt *p, unsigned int seed)
{
	pkt_init(p);
	pkt_eth(p, UL_MAC, VTEP_MAC, ETH_P_IP);
	pkt_ip4(p, VTEP4, LOCAL4, IPPROTO_UDP);
	pkt_udp(p, 51000, VXLAN_PORT, false);
	pkt_vxlan(p, VNI_A);
	pkt_eth(p, A1_MAC, R1_MAC, ETH_P_IP);
	pkt_ip4(p, R1_IP4, A1_IP4, IPPROTO_UDP);
	pkt_udp(p, 40000, 5001, true);
	pkt_pattern(p, 64, seed);
	pkt_finish(p);
}

/* Encapsulate one flow; returns the outer UDP source port, or 0. */
static uint16_t encap_sport(const char *what, const char *dmac, const char *dip, uint16_t sport,
			    size_t len, unsigned int seed, size_t l3len)
{
	static struct pkt p;
	static struct h_result r;
	char w[160];
	uint16_t port;

	flow4(&p, dmac, dip, sport, len, seed);
	snprintf(w, sizeof(w), "%s: run", what);
	if (!ASSERT_OK(h_run(H_TC, H_IF_EP0, &p, NULL, &r), w))
		return 0;
	snprintf(w, sizeof(w), "%s: verdict", what);
	if (!ASSERT_EQ(r.retval, TC_ACT_REDIRECT, w))
		return 0;
	port = out_u16(&r, 14 + l3len);
	snprintf(w, sizeof(w), "%s: source port %u in 49152..65535", what, port);
	ASSERT_TRUE(port >= OVL_SPORT_MIN, w);
	snprintf(w, sizeof(w), "%s: destination port", what);
	ASSERT_EQ(out_u16(&r, 14 + l3len + 2), VXLAN_PORT, w);
	return port;
}

static void sport_entropy(const char *fam, const char *dmac, const char *dip, size_t l3len)
{
	uint16_t ports[NFLOWS], again;
	int distinct = 0;
	char what[160];

	for (int i = 0; i < NFLOWS; i++) {
		snprintf(what, sizeof(what), "%s flow %d", fam, i);
		ports[i] = encap_sport(what, dmac, dip, (uint16_t)(40000 + 7 * i), 64, 1, l3len);
		test_info("%s inner UDP source port %d -> outer UDP source port %u", fam,
			  40000 + 7 * i, ports[i]);
	}
	for (int i = 0; i < NFLOWS; i++) {
		bool seen = false;

		for (int j = 0; j < i; j++)
			seen |= ports[j] == ports[i];
		distinct += !seen;
	}
	snprintf(what, sizeof(what), "%s: %d inner flows give more than one source port", fam,
		 NFLOWS);
	ASSERT_GE(distinct, 2, what);

	/* The same flow with another payload and length: the same port. */
	for (int i = 0; i < NFLOWS; i += 3) {
		snprintf(what, sizeof(what), "%s flow %d again", fam, i);
		again = encap_sport(what, dmac, dip, (uint16_t)(40000 + 7 * i), 200 + i, 99, l3len);
		snprintf(what, sizeof(what), "%s flow %d keeps its source port", fam, i);
		ASSERT_EQ(again, ports[i], what);
	}
}

void test_tc_encap_sport(void)
{
	if (!h_ready())
		return;
	if (!ASSERT_OK(h_reset(), "reset") || !ASSERT_OK(h_load(h_world), "load"))
		return;
	sport_entropy("IPv4", R1_MAC, R1_IP4, 20);
	sport_entropy("IPv6", R2_MAC, R2_IP4, 40);
}

static void arp_req(struct pkt *p, const char *mac, const char *sip, const char *tip)
{
	pkt_init(p);
	pkt_eth(p, "ff:ff:ff:ff:ff:ff", mac, ETH_P_ARP);
	pkt_arp(p, 1, mac, sip, NULL, tip);
	pkt_finish(p);
}

/* Run p from ifc repeat times; expect events miss events and rl drops. */
static void miss_run(const char *what, enum h_if ifc, const struct pkt *p, uint32_t repeat,
		     int events, int rl)
{
	static struct h_result r;
	struct h_run_opts o = { .repeat = repeat };
	char w[160];

	snprintf(w, sizeof(w), "%s: run", what);
	if (!ASSERT_OK(h_run(H_TC, ifc, p, &o, &r), w))
		return;
	snprintf(w, sizeof(w), "%s: verdict", what);
	ASSERT_EQ(r.retval, TC_ACT_SHOT, w);
	snprintf(w, sizeof(w), "%s: events", what);
	ASSERT_EQ(r.nevts, events, w);
	snprintf(w, sizeof(w), "%s: MISS_ARP", what);
	ASSERT_EQ(r.pkts[OVL_STAT_MISS_ARP], events, w);
	snprintf(w, sizeof(w), "%s: DROP_MISS", what);
	ASSERT_EQ(r.pkts[OVL_STAT_DROP(OVL_DROP_MISS)], events, w);
	snprintf(w, sizeof(w), "%s: DROP_MISS_RL", what);
	ASSERT_EQ(r.pkts[OVL_STAT_DROP(OVL_DROP_MISS_RL)], rl, w);
	for (int i = 0; i < r.nevts && i < H_MAX_EVTS; i++) {
		snprintf(w, sizeof(w), "%s: event %d type", what, i);
		ASSERT_EQ(r.evts[i].evt.hdr.type, OVL_EVT_MISS_ARP, w);
	}
}

/*
 * The rate limit is per key (VNI, type, address) and per window: a new
 * window, another address or another VNI each get events again.
 */
void test_tc_miss_window(void)
{
	static struct pkt p;
	struct timespec nap = { .tv_nsec = (long)(OVL_MISS_WINDOW_NS + 20 * 1000 * 1000) };

	if (!h_ready())
		return;
	if (!ASSERT_OK(h_reset(), "reset") || !ASSERT_OK(h_load(h_world), "load"))
		return;

	arp_req(&p, A1_MAC, A1_IP4, "10.23.0.99");
	miss_run("burst", H_IF_EP0, &p, OVL_MISS_BURST + 3, OVL_MISS_BURST, 3);
	miss_run("same key, same window", H_IF_EP0, &p, 1, 0, 1);

	arp_req(&p, A1_MAC, A1_IP4, "10.23.0.98");
	miss_run("another address", H_IF_EP0, &p, 1, 1, 0);

	arp_req(&p, B1_MAC, B1_IP4, "10.23.0.99");
	miss_run("the same address in another VNI", H_IF_EP2, &p, 1, 1, 0);

	nanosleep(&nap, NULL);
	arp_req(&p, A1_MAC, A1_IP4, "10.23.0.99");
	miss_run("next window", H_IF_EP0, &p, OVL_MISS_BURST + 1, OVL_MISS_BURST, 1);
}

/*
 * A full ringbuf (ovld not reading): a miss whose event does not fit is
 * dropped as OVL_DROP_MISS_RB_FULL and never retried, a drop event that
 * does not fit is counted in OVL_STAT_DROP_EVT_LOST, and once ovld reads
 * again events flow again. Misses of ~3 KB frames to a new MAC each (the
 * rate limit is per key) fill the 4 MiB first; spoofed frames' 184-byte
 * drop events then fill what is left.
 */
struct rb_tally {
	uint64_t records; /* what the ringbuf must hold */
	uint64_t lost;
};

static void tally(struct rb_tally *t, const struct h_result *r)
{
	uint64_t drops = 0;

	for (int id = OVL_STAT_DROP_FIRST; id < OVL_STAT_MAX; id++)
		if (id != OVL_STAT_DROP(OVL_DROP_MISS))
			drops += r->pkts[id];
	t->records += r->pkts[OVL_STAT_MISS_L2] + drops - r->pkts[OVL_STAT_DROP_EVT_LOST];
	t->lost += r->pkts[OVL_STAT_DROP_EVT_LOST];
}

void test_tc_ringbuf_full(void)
{
	static const struct h_ent drop_events_on[] = {
		E_CFG(LOCAL4, LOCAL6, OVL_CFG_F_DROP_EVENTS),
		E_END,
	};
	struct h_run_opts keep = { .repeat = OVL_MISS_BURST, .keep_events = true };
	struct rb_tally t = { 0 };
	static struct h_result r;
	static struct pkt p;
	char mac[18];
	int i;

	if (!h_ready())
		return;
	if (!ASSERT_OK(h_reset(), "reset") || !ASSERT_OK(h_load(h_world), "load") ||
	    !ASSERT_OK(h_load(drop_events_on), "drop events on"))
		return;

	for (i = 0; i < 4096; i++) {
		snprintf(mac, sizeof(mac), "02:ee:00:00:%02x:%02x", i >> 8, i & 0xff);
		flow4(&p, mac, "10.23.0.88", 40000, 3000, (unsigned int)i);
		if (!ASSERT_OK(h_run(H_TC, H_IF_EP0, &p, &keep, &r), "run"))
			return;
		tally(&t, &r);
		if (r.pkts[OVL_STAT_DROP(OVL_DROP_MISS_RB_FULL)])
			break;
		ASSERT_EQ(r.pkts[OVL_STAT_MISS_L2], OVL_MISS_BURST, "events while there is room");
	}
	if (!ASSERT_LE(i, 4095, "the ringbuf filled up"))
		return;
	test_info("no room for a 3 KB miss event after %llu records",
		  (unsigned long long)t.records);
	ASSERT_EQ(r.pkts[OVL_STAT_MISS_L2] + r.pkts[OVL_STAT_DROP(OVL_DROP_MISS_RB_FULL)],
		  OVL_MISS_BURST, "each frame is either an event or an RB_FULL drop");
	ASSERT_EQ(r.pkts[OVL_STAT_DROP(OVL_DROP_MISS)], r.pkts[OVL_STAT_MISS_L2],
		  "DROP_MISS only for the frames that made an event");

	/* Small drop events until one does not fit either. */
	pkt_init(&p);
	pkt_eth(&p, R1_MAC, UNKNOWN_MAC, ETH_P_IP);
	pkt_ip4(&p, A1_IP4, R1_IP4, IPPROTO_UDP);
	pkt_udp(&p, 1, 2, true);
	pkt_pattern(&p, 200, 3);
	pkt_finish(&p);
	keep.repeat = 1;
	for (i = 0; i < 100 && !t.lost; i++) {
		if (!ASSERT_OK(h_run(H_TC, H_IF_EP0, &p, &keep, &r), "spoofed"))
			return;
		tally(&t, &r);
	}
	if (!ASSERT_EQ(t.lost, 1, "a drop event was lost"))
		return;
	ASSERT_EQ(r.bytes[OVL_STAT_DROP_EVT_LOST], 0, "DROP_EVT_LOST counts no bytes");

	/* Full: a new key gets no event, the drop event is lost as well. */
	flow4(&p, "02:ee:00:01:00:00", "10.23.0.88", 40000, 64, 1);
	if (!ASSERT_OK(h_run(H_TC, H_IF_EP0, &p, &keep, &r), "miss when full"))
		return;
	tally(&t, &r);
	ASSERT_EQ(r.retval, TC_ACT_SHOT, "verdict when full");
	ASSERT_EQ(r.pkts[OVL_STAT_DROP(OVL_DROP_MISS_RB_FULL)], 1, "RB_FULL when full");
	ASSERT_EQ(r.pkts[OVL_STAT_MISS_L2], 0, "no MISS_L2 when full");
	ASSERT_EQ(r.pkts[OVL_STAT_DROP_EVT_LOST], 1, "drop event lost when full");

	ASSERT_EQ(h_events_drain(), t.records, "the ringbuf holds every event that was counted");

	/* Read: the next miss (another key) makes its event again. */
	flow4(&p, "02:ee:00:02:00:00", "10.23.0.88", 40000, 3000, 2);
	if (!ASSERT_OK(h_run(H_TC, H_IF_EP0, &p, NULL, &r), "run after draining"))
		return;
	ASSERT_EQ(r.pkts[OVL_STAT_MISS_L2], 1, "MISS_L2 after draining");
	ASSERT_EQ(r.nevts, 1, "event after draining");
}

/*
 * ABI 5: a network's forwarding counters go to the ovl_vni_cnt slot that its
 * endpoints' ovl_ifaces entries (encapsulated and local frames) and its
 * ovl_vnis entry (decapsulated ones) name, with no hash lookup; an entry
 * without a slot (0, as migrated from ABI 4) counts in ovl_vni_stats as
 * before. ovld reads the sum of both, as h_vni_counters() does.
 */
static const struct h_ent slot_a[] = {
	{ .kind = H_E_VNI, .vni = VNI_A, .slot = 3 },
	{ .kind = H_E_IFACE,
	  .ifc = H_IF_EP0,
	  .vni = VNI_A,
	  .flags = OVL_IF_F_IP_NOSPOOF,
	  .a = A1_MAC,
	  .slot = 3 },
	E_END,
};

void test_flow_vni_slot(void)
{
	static struct pkt p;
	static struct h_result r;
	struct ovl_stat slot[OVL_VSTAT_MAX], all[OVL_VSTAT_MAX];
	struct ovl_stat drops[OVL_DROP_MAX - OVL_DROP_BASE];

	if (!h_ready())
		return;
	if (!ASSERT_OK(h_reset(), "reset") || !ASSERT_OK(h_load(h_world), "load") ||
	    !ASSERT_OK(h_load(slot_a), "slots"))
		return;
	flow4(&p, R1_MAC, R1_IP4, 40000, 64, 1); /* A1 -> remote R1 */
	ASSERT_OK(h_run(H_TC, H_IF_EP0, &p, NULL, &r), "encap");
	ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "encap verdict");
	flow4(&p, A2_MAC, A2_IP4, 40000, 64, 2); /* A1 -> local A2 */
	ASSERT_OK(h_run(H_TC, H_IF_EP0, &p, NULL, &r), "local");
	ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "local verdict");

	/* R1 -> A1 through the tunnel, at XDP and at TC */
	decap4_r1(&p, 3);
	ASSERT_OK(h_run(H_XDP, H_IF_UL, &p, NULL, &r), "decap (XDP)");
	ASSERT_EQ(r.retval, XDP_REDIRECT, "decap (XDP) verdict");
	ASSERT_OK(h_run(H_TCUL, H_IF_UL, &p, NULL, &r), "decap (TC)");
	ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "decap (TC) verdict");

	/* A2 -> A1: A2's iface entry has no slot */
	pkt_init(&p);
	pkt_eth(&p, A1_MAC, A2_MAC, ETH_P_IP);
	pkt_ip4(&p, A2_IP4, A1_IP4, IPPROTO_UDP);
	pkt_udp(&p, 40000, 5001, true);
	pkt_pattern(&p, 64, 4);
	pkt_finish(&p);
	ASSERT_OK(h_run(H_TC, H_IF_EP1, &p, NULL, &r), "local, no slot");
	ASSERT_EQ(r.retval, TC_ACT_REDIRECT, "local, no slot: verdict");

	if (!ASSERT_OK(h_slot_counters(3, slot), "slot 3") ||
	    !ASSERT_OK(h_vni_counters(VNI_A, all, drops), "VNI_A"))
		return;
	ASSERT_EQ(slot[OVL_VSTAT_ENCAP].packets, 1, "encap in the slot");
	ASSERT_EQ(slot[OVL_VSTAT_LOCAL].packets, 1, "A1's local frame in the slot");
	ASSERT_EQ(slot[OVL_VSTAT_DECAP].packets, 2, "both decaps in the slot");
	ASSERT_EQ(slot[OVL_VSTAT_ENCAP].bytes, p.len, "inner bytes");
	/* the sum: ovl_vni_stats has only A2's local frame */
	ASSERT_EQ(all[OVL_VSTAT_ENCAP].packets, 1, "encap, all");
	ASSERT_EQ(all[OVL_VSTAT_LOCAL].packets, 2, "local, all (A2's in ovl_vni_stats)");
	ASSERT_EQ(all[OVL_VSTAT_DECAP].packets, 2, "decap, all");
}

/*
 * ABI 6: the ovl_peers entry of an allowed peer (OVL_PEER_F_VNI) stands for
 * its network's ovl_vnis entry on the unicast path: its slot counts the
 * frame, and ovl_vnis is not read. An entry as the migration leaves it
 * (OVL_PEER_F_STATIC only) reads ovl_vnis as ABI 5 did. The slots differ
 * here (ovld keeps them equal) to show which entry was read.
 */
static const struct h_ent peer_vni_a[] = {
	{ .kind = H_E_VNI, .vni = VNI_A, .flags = OVL_VNI_F_STRICT_SRC, .slot = 3 },
	{ .kind = H_E_PEER, .vni = VNI_A, .a = VTEP4, .slot = 5 },
	E_END,
};

static const struct h_ent peer_abi5_a[] = {
	{ .kind = H_E_PEER, .vni = VNI_A, .a = VTEP4, .flags = OVL_PEER_F_STATIC },
	E_END,
};

static void decap_both(const char *what, struct pkt *p, int want_xdp, int want_tc)
{
	static struct h_result r;
	char w[160];

	decap4_r1(p, 5);
	snprintf(w, sizeof(w), "%s: XDP", what);
	ASSERT_OK(h_run(H_XDP, H_IF_UL, p, NULL, &r), w);
	ASSERT_EQ(r.retval, want_xdp, w);
	snprintf(w, sizeof(w), "%s: TC", what);
	ASSERT_OK(h_run(H_TCUL, H_IF_UL, p, NULL, &r), w);
	ASSERT_EQ(r.retval, want_tc, w);
}

/* The frames decapsulated so far were counted in slots 3 and 5 as wanted. */
static void decap_slots(const char *what, uint64_t want3, uint64_t want5)
{
	struct ovl_stat s3[OVL_VSTAT_MAX], s5[OVL_VSTAT_MAX];
	char w[160];

	if (!ASSERT_OK(h_slot_counters(3, s3), "slot 3") ||
	    !ASSERT_OK(h_slot_counters(5, s5), "slot 5"))
		return;
	snprintf(w, sizeof(w), "%s: slot 3 (ovl_vnis)", what);
	ASSERT_EQ(s3[OVL_VSTAT_DECAP].packets, want3, w);
	snprintf(w, sizeof(w), "%s: slot 5 (the peer)", what);
	ASSERT_EQ(s5[OVL_VSTAT_DECAP].packets, want5, w);
}

void test_flow_peer_vni(void)
{
	static struct pkt p;
	__u32 vni = VNI_A;

	if (!h_ready())
		return;
	if (!ASSERT_OK(h_reset(), "reset") || !ASSERT_OK(h_load(h_world), "load") ||
	    !ASSERT_OK(h_load(peer_vni_a), "strict VNI_A, its peer"))
		return;
	decap_both("peer entry of ABI 6", &p, XDP_REDIRECT, TC_ACT_REDIRECT);
	decap_slots("peer entry of ABI 6: ovl_vnis not read", 0, 2);

	/* the unicast path needs nothing else of the network */
	ASSERT_OK(bpf_map_delete_elem(bpf_map__fd(h_skel()->maps.ovl_vnis), &vni), "del vni");
	decap_both("no ovl_vnis entry, peer of ABI 6", &p, XDP_REDIRECT, TC_ACT_REDIRECT);

	/* as migrated from ABI 5: ovl_vnis decides, as it did */
	ASSERT_OK(h_load(peer_abi5_a), "peer of ABI 5");
	decap_both("no ovl_vnis entry, peer of ABI 5", &p, XDP_PASS, TC_ACT_OK);
	ASSERT_OK(h_load(peer_vni_a), "VNI_A again");
	ASSERT_OK(h_load(peer_abi5_a), "peer of ABI 5");
	decap_both("peer of ABI 5", &p, XDP_REDIRECT, TC_ACT_REDIRECT);
	decap_slots("peer of ABI 5: ovl_vnis read", 2, 4);
}

/*
 * Per-packet cost, informational (-v): timing is never a verdict here.
 *
 * BPF_PROG_TEST_RUN's repeat runs the program again on the frame the
 * previous run left behind: after a decap the next run sees the inner
 * frame, after an encap the outer one, after an ARP reply the reply. So
 * the paths that rewrite their frame are timed as many single runs
 * (repeat=1, a fresh frame each). What a timed run costs without any work
 * of ours (the syscall's share inside the timer, bh disabling, the run
 * context: over 100 ns on a VM with a paravirtual clock) is measured the
 * same way on a program that only returns, with the same frame, and
 * subtracted. A single run starts with cold caches, so these figures are
 * an upper bound; the local switch leaves its frame alone and is also
 * timed with repeat (warm caches) for comparison.
 *
 * Lines "bench: NAME VALUE" are what make bench reads.
 */
#define CALLS  20000
#define REPEAT 1000000

static double timed(const char *what, enum h_prog prog, enum h_if ifc, const struct pkt *p,
		    uint32_t repeat, uint32_t calls, uint32_t want)
{
	double ns = 0;
	char w[160];

	snprintf(w, sizeof(w), "%s: every run takes the path", what);
	ASSERT_OK(h_time(prog, ifc, p, repeat, calls, want, &ns), w);
	return ns;
}

/* The cost of p on prog, single runs, less an empty program's on p. */
static void cost(const char *name, const char *what, enum h_prog prog, enum h_if ifc,
		 const struct pkt *p, uint32_t want)
{
	bool xdp = prog == H_XDP;
	double base, ns;

	base = timed("empty program", xdp ? H_EMPTY_XDP : H_EMPTY_TC, ifc, p, 1, CALLS,
		     xdp ? XDP_PASS : TC_ACT_OK);
	ns = timed(what, prog, ifc, p, 1, CALLS, want);
	test_info("%-18s %4zu-byte frame: %4.0f ns/packet (%4.0f per run, %4.0f for an empty "
		  "program)",
		  what, p->len, ns - base, ns, base);
	test_info("bench: %s %.1f", name, ns - base);
}

/*
 * What the kernel's BPF run-time statistics (kernel.bpf_stats_enabled,
 * which make bench reads under load) add to every run they time: the
 * figure they give for a program that only returns. On a VM whose clock
 * is paravirtual that is tens of nanoseconds.
 */
static void stats_overhead(const struct pkt *p)
{
	struct bpf_prog_info a, b;
	uint32_t len = sizeof(a);
	int sfd, fd = h_prog_fd(H_EMPTY_TC);
	double ns;

	sfd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (sfd < 0 || fd < 0) {
		test_info("no BPF run-time statistics: %s", strerror(errno));
		return;
	}
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (!bpf_obj_get_info_by_fd(fd, &a, &len) &&
	    !h_time(H_EMPTY_TC, H_IF_EP0, p, REPEAT, 1, TC_ACT_OK, &ns) &&
	    !bpf_obj_get_info_by_fd(fd, &b, &len) && b.run_cnt > a.run_cnt) {
		ns = (double)(b.run_time_ns - a.run_time_ns) / (double)(b.run_cnt - a.run_cnt);
		test_info("BPF run-time statistics count %.0f ns for a program that only returns",
			  ns);
		test_info("bench: stats_overhead_ns %.1f", ns);
	}
	close(sfd);
}

/*
 * The entries ovld writes for what bpf_perf times (ABIs 4 to 6): VNI_A with
 * strict sources and VTEP4, the frames' sender, as its peer; A1 with its own
 * addresses; the network's counter slot in all three. h_world lacks them
 * (it is the cases' world, where such an entry without them is the older
 * path the cases also cover), and timed alone it times paths that ovld's
 * entries no longer take.
 */
static const struct h_ent perf_as_ovld[] = {
	{ .kind = H_E_VNI, .vni = VNI_A, .flags = OVL_VNI_F_STRICT_SRC, .slot = 3 },
	{ .kind = H_E_IFACE,
	  .ifc = H_IF_EP0,
	  .vni = VNI_A,
	  .flags = OVL_IF_F_IP_NOSPOOF,
	  .a = A1_MAC,
	  .own4 = A1_IP4,
	  .own6 = A1_IP6,
	  .slot = 3 },
	{ .kind = H_E_PEER, .vni = VNI_A, .a = VTEP4, .slot = 3 },
	E_END,
};

/* h_world's ovl_config again, with h_nh_gen as it is now */
static const struct h_ent perf_cfg[] = {
	E_CFG(LOCAL4, LOCAL6, 0),
	E_END,
};

void test_bpf_perf(void)
{
	static struct pkt p;
	double base, ns;

	if (!h_ready())
		return;
	h_nh_gen = 7; /* the next-hop cache on, as ovld has it */
	if (!ASSERT_OK(h_reset(), "reset") || !ASSERT_OK(h_load(h_world), "load") ||
	    !ASSERT_OK(h_load(perf_as_ovld), "as ovld writes them"))
		goto out;

	/* decap v4, 64-byte UDP payload: XDP (NICs) and TC (veth underlays) */
	decap4_r1(&p, 1);
	cost("decap_ns", "decap v4 (XDP)", H_XDP, H_IF_UL, &p, XDP_REDIRECT);
	cost("decap_tc_ns", "decap v4 (TC)", H_TCUL, H_IF_UL, &p, TC_ACT_REDIRECT);

	/* encap v4: the same inner frame the other way */
	flow4(&p, R1_MAC, R1_IP4, 40000, 64, 1);
	cost("encap_ns", "encap v4 (TC)", H_TC, H_IF_EP0, &p, TC_ACT_REDIRECT);
	/* the same with the cache off: bpf_fib_lookup() for every frame */
	h_nh_gen = 0;
	if (ASSERT_OK(h_load(perf_cfg), "cache off"))
		cost("encap_fib_ns", "encap v4, FIB (TC)", H_TC, H_IF_EP0, &p, TC_ACT_REDIRECT);
	h_nh_gen = 7;
	if (!ASSERT_OK(h_load(perf_cfg), "cache on"))
		goto out;

	/* ARP reply */
	pkt_init(&p);
	pkt_eth(&p, "ff:ff:ff:ff:ff:ff", A1_MAC, ETH_P_ARP);
	pkt_arp(&p, 1, A1_MAC, A1_IP4, NULL, R1_IP4);
	pkt_finish(&p);
	cost("arp_ns", "ARP reply (TC)", H_TC, H_IF_EP0, &p, TC_ACT_REDIRECT);

	/* local switch: the frame is left as it is, so repeat works too */
	flow4(&p, A2_MAC, A2_IP4, 40000, 64, 1);
	cost("local_ns", "local switch (TC)", H_TC, H_IF_EP0, &p, TC_ACT_REDIRECT);
	base = timed("empty program, repeat", H_EMPTY_TC, H_IF_EP0, &p, REPEAT, 1, TC_ACT_OK);
	ns = timed("local switch, repeat", H_TC, H_IF_EP0, &p, REPEAT, 1, TC_ACT_REDIRECT);
	test_info("local switch, repeat=%d: %.0f ns/packet (%.0f per run, %.0f for an empty "
		  "program)",
		  REPEAT, ns - base, ns, base);
	test_info("bench: local_repeat_ns %.1f", ns - base);
	stats_overhead(&p);
out:
	h_nh_gen = 0;
}
