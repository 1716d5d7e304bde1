// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_loader_miss.c - the miss path (loader/miss.c) over the fake data
 * path: a miss resolved by the files backend fills the fake ovl_fdb or
 * ovl_neigh and sends the first frame, or the ARP reply, itself; an
 * unknown key costs one backend lookup and then none (negative cache).
 * Each test has its own VNI: the negative cache outlives a test.
 */
#include <arpa/inet.h>
#include "loader_fixture.h"
#include "pkt.h"
#include "test.h"

#define HOSTS                                                                                            \
	"{\n"                                                                                            \
	"  \"de:ad:be:ef:00:01\": { \"ip\": \"192.0.2.11\", \"port\": 4789, \"arp\": \"10.23.0.2\" },\n" \
	"  \"de:ad:be:ef:00:02\": { \"ip\": \"192.0.2.12\", \"port\": 8472, \"arp\": \"10.23.0.3\" },\n" \
	"  \"02:00:00:00:00:0a\": { \"ip\": \"" FX_LOCAL4                                                \
	"\", \"port\": 4789, \"arp\": \"10.23.0.10\" }\n"                                                \
	"}\n"

#define LOCAL_MAC  "02:00:00:00:00:0a"
#define EP_IFINDEX 7

/* A UDP frame from the local endpoint to dst. */
static void udp_frame(struct pkt *p, const char *dst, unsigned int seed)
{
	pkt_init(p);
	pkt_eth(p, dst, LOCAL_MAC, ETH_P_IP);
	pkt_ip4(p, "10.23.0.10", "10.23.0.3", IPPROTO_UDP);
	pkt_udp(p, 40000, 5000, true);
	pkt_pattern(p, 64, seed);
	pkt_finish(p);
}

/* The local endpoint asks who has tip. */
static void arp_request(struct pkt *p, const char *tip)
{
	pkt_init(p);
	pkt_eth(p, "ff:ff:ff:ff:ff:ff", LOCAL_MAC, ETH_P_ARP);
	pkt_arp(p, 1, LOCAL_MAC, "10.23.0.10", NULL, tip);
	pkt_finish(p);
}

static bool fdb_is(struct ovld *d, __u32 vni, const __u8 mac[6], const char *ip, __u16 port,
		   __u32 flags)
{
	struct ovl_dest dst, want;
	struct ovl_ip wip;

	fx_ip(ip, &wip);
	ovl_dest_from_ip(&want, &wip, port, flags);
	if (!ASSERT_OK(map_fdb_get(d, vni, mac, &dst), "fdb entry"))
		return false;
	return ASSERT_MEMEQ(&dst, sizeof(dst), &want, sizeof(want), "fdb entry");
}

static bool vxlan_sent(unsigned int i, const char *ip, __u16 port, __u32 vni, const struct pkt *p)
{
	const struct fake_frame *f = fake_dp_frame(i);
	struct ovl_ip wip;
	bool ok = true;

	fx_ip(ip, &wip);
	if (!ASSERT_OK_PTR(f, "frame sent"))
		return false;
	ok &= ASSERT_EQ(f->kind, FAKE_XMIT_VXLAN, "sent by xmit_vxlan");
	ok &= ASSERT_MEMEQ(&f->ip, sizeof(f->ip), &wip, sizeof(wip), "to the VTEP");
	ok &= ASSERT_EQ(f->port, port, "to its port");
	ok &= ASSERT_EQ(f->vni, vni, "in the VNI");
	ok &= ASSERT_MEMEQ(f->data, f->len, p->data, p->len, "the frame as captured");
	return ok;
}

void test_loader_miss_l2(void)
{
	struct ovl_overlay *ov;
	struct fx fx;
	struct pkt p, p2;
	__u8 mac[6];

	fx_mac("de:ad:be:ef:00:02", mac);
	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "m1", 101, "hosts.json", HOSTS), "m1"))
		goto out;
	ov = overlay_find(&fx.d, "m1");
	udp_frame(&p, "de:ad:be:ef:00:02", 1);
	fx_miss(&fx, OVL_EVT_MISS_L2, 101, EP_IFINDEX, mac, NULL, p.data, p.len);

	ASSERT_TRUE(fdb_is(&fx.d, 101, mac, "192.0.2.12", 8472, 0), "learned, not static");
	ASSERT_EQ(fake_dp_sent(), 1, "frames sent");
	ASSERT_TRUE(vxlan_sent(0, "192.0.2.12", 8472, 101, &p), "first frame");
	ASSERT_EQ(ov->lookups, 1, "lookups");
	ASSERT_EQ(ov->resolved, 1, "resolved");
	ASSERT_EQ(fx.d.evt_delivered, 1, "delivered");

	/* Another miss for it (the entry raced the frame): from ovl_fdb. */
	udp_frame(&p2, "de:ad:be:ef:00:02", 2);
	fx_miss(&fx, OVL_EVT_MISS_L2, 101, EP_IFINDEX, mac, NULL, p2.data, p2.len);
	ASSERT_EQ(ov->lookups, 1, "no second lookup");
	ASSERT_EQ(fake_dp_sent(), 2, "frames sent");
	ASSERT_TRUE(vxlan_sent(1, "192.0.2.12", 8472, 101, &p2), "second frame");
out:
	fx_down(&fx);
}

void test_loader_miss_arp(void)
{
	const struct fake_frame *f;
	struct ovl_overlay *ov;
	struct ovl_neigh n;
	struct ovl_ip ip;
	struct pkt req, want;
	__u8 asker[6], owner[6];
	struct fx fx;

	fx_mac(LOCAL_MAC, asker);
	fx_mac("de:ad:be:ef:00:02", owner);
	fx_ip("10.23.0.3", &ip);
	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "m2", 102, "hosts.json", HOSTS), "m2"))
		goto out;
	ov = overlay_find(&fx.d, "m2");
	arp_request(&req, "10.23.0.3");
	fx_miss(&fx, OVL_EVT_MISS_ARP, 102, EP_IFINDEX, asker, &ip, req.data, req.len);

	if (ASSERT_OK(map_neigh_get(&fx.d, 102, &ip, &n), "neigh entry")) {
		ASSERT_MEMEQ(n.mac, 6, owner, 6, "the owner");
		ASSERT_EQ(n.flags, 0, "learned, not static");
	}
	/* The owner's MAC is resolved too, for the frame after the answer. */
	ASSERT_TRUE(fdb_is(&fx.d, 102, owner, "192.0.2.12", 8472, 0), "owner in ovl_fdb");
	ASSERT_EQ(fake_dp_sent(), 1, "frames sent");
	f = fake_dp_frame(0);
	if (!ASSERT_OK_PTR(f, "reply"))
		goto out;
	ASSERT_EQ(f->kind, FAKE_XMIT_INJECT, "injected");
	ASSERT_EQ(f->ifindex, EP_IFINDEX, "into the asking interface");
	/* RFC 826: a reply (op 2) from the owner, to the asker. */
	pkt_init(&want);
	pkt_eth(&want, LOCAL_MAC, "de:ad:be:ef:00:02", ETH_P_ARP);
	pkt_arp(&want, 2, "de:ad:be:ef:00:02", "10.23.0.3", LOCAL_MAC, "10.23.0.10");
	pkt_finish(&want);
	ASSERT_MEMEQ(f->data, f->len, want.data, want.len, "ARP reply");
	ASSERT_EQ(f->len > 21 ? f->data[21] : 0, 2, "ARP opcode: reply");
	ASSERT_EQ(ov->lookups, 2, "lookups (the address, then the owner's MAC)");
	ASSERT_EQ(fx.d.evt_injected, 1, "injected");
out:
	fx_down(&fx);
}

void test_loader_miss_unknown(void)
{
	struct ovl_overlay *ov;
	struct ovl_ip ip;
	struct pkt p, req;
	__u8 mac[6], asker[6];
	struct fx fx;

	fx_mac("02:99:00:00:00:01", mac);
	fx_mac(LOCAL_MAC, asker);
	fx_ip("10.23.0.99", &ip);
	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "m3", 103, "hosts.json", HOSTS), "m3"))
		goto out;
	ov = overlay_find(&fx.d, "m3");
	udp_frame(&p, "02:99:00:00:00:01", 3);
	fx_miss(&fx, OVL_EVT_MISS_L2, 103, EP_IFINDEX, mac, NULL, p.data, p.len);
	ASSERT_EQ(ov->unresolved, 1, "unresolved");
	ASSERT_EQ(ov->lookups, 1, "lookups");
	ASSERT_EQ(fake_dp_sent(), 0, "nothing sent");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_FDB), 0, "nothing cached");

	/* Negative cache: the next event costs no lookup. */
	fx_miss(&fx, OVL_EVT_MISS_L2, 103, EP_IFINDEX, mac, NULL, p.data, p.len);
	ASSERT_EQ(ov->unresolved, 2, "unresolved again");
	ASSERT_EQ(ov->lookups, 1, "no second lookup");

	/* The same for an address nobody owns. */
	arp_request(&req, "10.23.0.99");
	fx_miss(&fx, OVL_EVT_MISS_ARP, 103, EP_IFINDEX, asker, &ip, req.data, req.len);
	fx_miss(&fx, OVL_EVT_MISS_ARP, 103, EP_IFINDEX, asker, &ip, req.data, req.len);
	ASSERT_EQ(ov->unresolved, 4, "unresolved ARP");
	ASSERT_EQ(ov->lookups, 2, "one lookup for the address");
	ASSERT_EQ(fake_dp_sent(), 0, "nothing sent");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_NEIGH), 0, "nothing cached");
out:
	fx_down(&fx);
}

/* A MAC the backend puts on this host but no endpoint has: not sent. */
void test_loader_miss_local_mac(void)
{
	struct pkt p;
	__u8 mac[6];
	struct fx fx;

	fx_mac(LOCAL_MAC, mac);
	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "m4", 104, "hosts.json", HOSTS), "m4"))
		goto out;
	udp_frame(&p, LOCAL_MAC, 4);
	fx_miss(&fx, OVL_EVT_MISS_L2, 104, EP_IFINDEX, mac, NULL, p.data, p.len);
	ASSERT_EQ(overlay_find(&fx.d, "m4")->unresolved, 1, "unresolved");
	ASSERT_EQ(fake_dp_sent(), 0, "nothing sent");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_FDB), 0, "no entry toward ourselves");
out:
	fx_down(&fx);
}

/* Through the ringbuf: its fd wakes the loop, the callback queues. */
void test_loader_miss_ring(void)
{
	static __u8 rec[sizeof(struct ovl_evt) + PKT_MAX];
	struct pkt p;
	__u8 mac[6];
	struct fx fx;
	size_t n;

	fx_mac("de:ad:be:ef:00:01", mac);
	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "m5", 105, "hosts.json", HOSTS), "m5"))
		goto out;
	udp_frame(&p, "de:ad:be:ef:00:01", 5);
	n = fx_record(rec, sizeof(rec), OVL_EVT_MISS_L2, 105, EP_IFINDEX, mac, NULL, p.data, p.len);
	ASSERT_OK(fake_dp_ring_push(rec, n), "push");
	/* A record that lies about its capture is counted, not read. */
	((struct ovl_evt *)rec)->cap_len = (__u32)n;
	ASSERT_OK(fake_dp_ring_push(rec, n), "push bad");
	ASSERT_TRUE(fx_run_until_ge(&fx, &fx.d.evt_delivered, 1, 1000), "delivered");
	ASSERT_EQ(fx.d.evt_received, 1, "the good record only");
	ASSERT_TRUE(vxlan_sent(0, "192.0.2.11", 4789, 105, &p), "first frame");
out:
	fx_down(&fx);
}

/* ovl_fdb full: the frame still goes, the overlay says why it is slow. */
void test_loader_miss_fdb_full(void)
{
	struct ovl_overlay *ov;
	struct pkt p;
	__u8 mac[6];
	struct fx fx;

	fx_mac("de:ad:be:ef:00:01", mac);
	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "m6", 106, "hosts.json", HOSTS), "m6"))
		goto out;
	ov = overlay_find(&fx.d, "m6");
	ASSERT_OK(fake_dp_set_max(OVL_MAP_FDB, 0), "fdb max 0");
	udp_frame(&p, "de:ad:be:ef:00:01", 6);
	fx_miss(&fx, OVL_EVT_MISS_L2, 106, EP_IFINDEX, mac, NULL, p.data, p.len);
	ASSERT_TRUE(vxlan_sent(0, "192.0.2.11", 4789, 106, &p), "sent anyway");
	ASSERT_EQ(ov->map_full, 1, "map_full");
	ASSERT_STRSTR(ov->map_error, "ovl_fdb is full", "map_error");

	/* Room again: the next miss caches it and clears the error. */
	ASSERT_OK(fake_dp_set_max(OVL_MAP_FDB, 16), "fdb max 16");
	fx_miss(&fx, OVL_EVT_MISS_L2, 106, EP_IFINDEX, mac, NULL, p.data, p.len);
	ASSERT_EQ(ov->lookups, 2, "looked up again: it was not cached");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_FDB), 1, "cached");
	ASSERT_STREQ(ov->map_error, "", "map_error cleared");
out:
	fx_down(&fx);
}
