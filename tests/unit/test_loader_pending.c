// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_loader_pending.c - a backend that answers later (-EAGAIN, then
 * host->answer()): the frames that asked wait on the miss path's pending
 * list and go on when the answer comes, or are dropped as unresolved after
 * OVL_PENDING_MS (the loop's clock is moved, not waited for).
 */
#include <errno.h>
#include "loader_fixture.h"
#include "backend.h"
#include "loop.h"
#include "pkt.h"
#include "test.h"

#define PEER "192.0.2.21"

/* The "later" backend: asks are counted, answers come from the test. */
static struct later {
	struct ovl_backend_host *host;
	unsigned int asked_l2, asked_l3;
} later;

static int later_open(json_t *props, struct ovl_backend_host *host, void **priv, char *err,
		      size_t errlen)
{
	(void)props;
	(void)err;
	(void)errlen;
	later.host = host;
	*priv = &later;
	return 0;
}

static int later_lookup_l2(void *priv, const __u8 mac[6], struct ovl_ip *ip, __u16 *port)
{
	(void)priv;
	(void)mac;
	(void)ip;
	(void)port;
	later.asked_l2++;
	return -EAGAIN;
}

static int later_lookup_l3(void *priv, const struct ovl_ip *ip, __u8 mac[6])
{
	(void)priv;
	(void)ip;
	(void)mac;
	later.asked_l3++;
	return -EAGAIN;
}

static int later_foreach_peer(void *priv, int (*cb)(const struct ovl_ip *ip, void *arg), void *arg)
{
	struct ovl_ip ip;

	(void)priv;
	fx_ip(PEER, &ip);
	return cb(&ip, arg);
}

static void later_close(void *priv)
{
	(void)priv;
	later.host = NULL;
}

static const struct ovl_prop later_props[] = { { NULL } };

static const struct ovl_backend_info later_info = { "later", OVL_MODE_DYNAMIC, later_props,
						    "answers every lookup later (tests)" };

static const struct ovl_backend_ops later_ops = {
	.info = &later_info,
	.open = later_open,
	.lookup_l2 = later_lookup_l2,
	.lookup_l3 = later_lookup_l3,
	.foreach_peer = later_foreach_peer,
	.close = later_close,
};

static bool later_overlay(struct fx *fx, const char *name, __u32 vni)
{
	char err[OVL_ERR_MAX] = "";
	json_t *props = json_object();
	int ret = backend_register(&later_ops);

	memset(&later, 0, sizeof(later));
	if (ret != -EEXIST && !ASSERT_OK(ret, "backend_register"))
		return false;
	ret = overlay_create(&fx->d, name, vni, "vxlan", "later", props, err, sizeof(err));
	json_decref(props);
	return ASSERT_OK(ret, err) && ASSERT_OK_PTR(later.host, "host handle");
}

static void frame_to(struct pkt *p, const char *dst, unsigned int seed)
{
	pkt_init(p);
	pkt_eth(p, dst, "02:00:00:00:00:0a", ETH_P_IP);
	pkt_ip4(p, "10.23.0.10", "10.23.0.3", IPPROTO_UDP);
	pkt_udp(p, 40000, 5000, true);
	pkt_pattern(p, 48, seed);
	pkt_finish(p);
}

/* Frame i sent is p, to the answer. */
static bool sent_as(const struct pkt *p, unsigned int i, __u32 vni)
{
	const struct fake_frame *f = fake_dp_frame(i);
	struct ovl_ip ip;

	fx_ip(PEER, &ip);
	if (!ASSERT_OK_PTR(f, "frame sent"))
		return false;
	return ASSERT_EQ(f->kind, FAKE_XMIT_VXLAN, "vxlan") &&
	       ASSERT_MEMEQ(&f->ip, sizeof(f->ip), &ip, sizeof(ip), "to the answer") &&
	       ASSERT_EQ(f->port, 4789, "port") && ASSERT_EQ(f->vni, vni, "vni") &&
	       ASSERT_MEMEQ(f->data, f->len, p->data, p->len, "the frame that waited");
}

void test_loader_pending_answer(void)
{
	struct ovl_answer a = { .type = OVL_EVT_MISS_L2, .port = 4789 };
	struct ovl_overlay *ov;
	struct pkt p1, p2;
	struct ovl_dest dst;
	__u8 mac[6];
	struct fx fx;

	fx_mac("de:ad:be:ef:01:01", mac);
	if (!fx_up(&fx) || !later_overlay(&fx, "p1", 201))
		goto out;
	ov = overlay_find(&fx.d, "p1");
	frame_to(&p1, "de:ad:be:ef:01:01", 1);
	frame_to(&p2, "de:ad:be:ef:01:01", 2);
	fx_miss(&fx, OVL_EVT_MISS_L2, 201, 7, mac, NULL, p1.data, p1.len);
	ASSERT_EQ(miss_pending(), 1, "waits");
	ASSERT_EQ(fake_dp_sent(), 0, "nothing sent yet");
	fx_miss(&fx, OVL_EVT_MISS_L2, 201, 7, mac, NULL, p2.data, p2.len);
	ASSERT_EQ(miss_pending(), 2, "both wait");
	ASSERT_EQ(later.asked_l2, 1, "asked once");
	ASSERT_EQ(ov->lookups, 1, "one lookup");

	memcpy(a.mac, mac, 6);
	fx_ip(PEER, &a.ip);
	later.host->answer(later.host, &a);
	ASSERT_EQ(miss_pending(), 0, "none waits");
	ASSERT_EQ(fake_dp_sent(), 2, "both sent");
	/* in the order they came */
	ASSERT_TRUE(sent_as(&p1, 0, 201), "the first frame first");
	ASSERT_TRUE(sent_as(&p2, 1, 201), "the second frame second");
	if (ASSERT_OK(map_fdb_get(&fx.d, 201, mac, &dst), "fdb entry"))
		ASSERT_EQ(dst.flags, 0, "learned");
	ASSERT_EQ(ov->resolved, 2, "resolved");
	ASSERT_EQ(later.asked_l2, 1, "still asked once");
out:
	fx_down(&fx);
}

void test_loader_pending_expires(void)
{
	struct ovl_answer a = { .type = OVL_EVT_MISS_L2, .port = 4789 };
	struct ovl_overlay *ov;
	struct pkt p;
	__u8 mac[6];
	struct fx fx;

	fx_mac("de:ad:be:ef:01:02", mac);
	if (!fx_up(&fx) || !later_overlay(&fx, "p2", 202))
		goto out;
	ov = overlay_find(&fx.d, "p2");
	frame_to(&p, "de:ad:be:ef:01:02", 3);
	fx_miss(&fx, OVL_EVT_MISS_L2, 202, 7, mac, NULL, p.data, p.len);
	ASSERT_EQ(miss_pending(), 1, "waits");
	loop_run_once(fx.d.loop, 0);
	ASSERT_EQ(miss_pending(), 1, "still waits");

	/* The miss path's tick comes, past the frame's deadline. */
	loop_clock_advance(OVL_PENDING_MS + 1000);
	loop_run_once(fx.d.loop, 0);
	ASSERT_EQ(miss_pending(), 0, "dropped");
	ASSERT_EQ(ov->unresolved, 1, "unresolved");
	ASSERT_EQ(fake_dp_sent(), 0, "nothing sent");

	/* A late answer: nobody asks any more, nothing is cached. */
	memcpy(a.mac, mac, 6);
	fx_ip(PEER, &a.ip);
	later.host->answer(later.host, &a);
	ASSERT_EQ(fake_dp_sent(), 0, "nothing sent");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_FDB), 0, "no entry for a question not asked");
out:
	fx_down(&fx);
}

void test_loader_pending_arp(void)
{
	struct ovl_answer a = { .type = OVL_EVT_MISS_ARP };
	const struct fake_frame *f;
	struct ovl_dest dst;
	struct ovl_neigh n;
	__u8 owner[6];
	struct ovl_ip ip;
	struct pkt req;
	__u8 asker[6];
	struct fx fx;

	fx_mac("02:00:00:00:00:0a", asker);
	fx_ip("10.23.0.7", &ip);
	if (!fx_up(&fx) || !later_overlay(&fx, "p3", 203))
		goto out;
	pkt_init(&req);
	pkt_eth(&req, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", ETH_P_ARP);
	pkt_arp(&req, 1, "02:00:00:00:00:0a", "10.23.0.10", NULL, "10.23.0.7");
	pkt_finish(&req);
	fx_miss(&fx, OVL_EVT_MISS_ARP, 203, 9, asker, &ip, req.data, req.len);
	ASSERT_EQ(miss_pending(), 1, "waits");
	ASSERT_EQ(later.asked_l3, 1, "asked");

	a.ip = ip;
	fx_mac("de:ad:be:ef:01:07", a.mac);
	later.host->answer(later.host, &a);
	ASSERT_EQ(miss_pending(), 0, "answered");
	/* the owner's MAC is asked for too, before the reply goes out, so
	 * that the frame that follows the answer finds ovl_fdb filled */
	ASSERT_EQ(later.asked_l2, 1, "the owner's MAC asked");
	if (ASSERT_OK(map_neigh_get(&fx.d, 203, &ip, &n), "neigh entry"))
		ASSERT_MEMEQ(n.mac, 6, a.mac, 6, "the owner");
	f = fake_dp_frame(0);
	if (ASSERT_OK_PTR(f, "reply") && ASSERT_EQ(f->kind, FAKE_XMIT_INJECT, "injected")) {
		ASSERT_EQ(f->ifindex, 9, "into the asker");
		ASSERT_EQ(f->len > 21 ? f->data[21] : 0, 2, "ARP reply");
		ASSERT_MEMEQ(f->data + 22, 6, a.mac, 6, "sha: the owner");
	}
	/* the answer to that question is learned, though no frame waited */
	memcpy(owner, a.mac, 6);
	memset(&a, 0, sizeof(a));
	a.type = OVL_EVT_MISS_L2;
	a.port = 4789;
	memcpy(a.mac, owner, 6);
	fx_ip(PEER, &a.ip);
	later.host->answer(later.host, &a);
	ASSERT_OK(map_fdb_get(&fx.d, 203, owner, &dst), "the owner's fdb entry");
out:
	fx_down(&fx);
}
