// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_loader_publish.c - ovld's side of a backend that publishes local
 * endpoints (etcd): every endpoint is offered to publish() with the
 * addresses it owns (not its EUI-64 link-local), a refusal refuses the
 * endpoint with the backend's words and leaves nothing behind, an endpoint
 * that goes is withdrawn; what the backend says changed reaches the maps
 * one key at a time (or the peers, without forgetting what misses cached).
 */
#include <errno.h>
#include "loader_fixture.h"
#include "backend.h"
#include "pkt.h"
#include "test.h"

#define VNI    402
#define EP_MAC "02:00:00:00:00:0a"
#define EP_IP  "10.23.4.10"
#define EP_IP6 "fd23::a"

/* The "pub" backend: what it was offered, what it says. */
static struct pub {
	struct ovl_backend_host *host;
	int published, withdrawn;
	__u8 mac[6];
	struct ovl_ip addrs[8];
	int naddrs;
	int refuse; /* 0, or the -errno publish() returns */
	/* where MACs live: one remote MAC, and the peers */
	bool knows_remote;
	struct ovl_ip peers[2];
	int npeers;
} pub;

#define REMOTE_MAC "02:00:00:00:00:31"
#define REMOTE_UL  "192.0.2.31"
#define OTHER_MAC  "02:00:00:00:00:32"
#define OTHER_UL   "192.0.2.32"

static int pub_open(json_t *props, struct ovl_backend_host *host, void **priv, char *err,
		    size_t errlen)
{
	(void)props;
	(void)err;
	(void)errlen;
	pub.host = host;
	*priv = &pub;
	return 0;
}

static int pub_lookup_l2(void *priv, const __u8 mac[6], struct ovl_ip *ip, __u16 *port)
{
	__u8 m[6];

	(void)priv;
	fx_mac(REMOTE_MAC, m);
	if (pub.knows_remote && !memcmp(mac, m, 6)) {
		fx_ip(REMOTE_UL, ip);
		*port = 4789;
		return 0;
	}
	fx_mac(OTHER_MAC, m);
	if (!memcmp(mac, m, 6)) {
		fx_ip(OTHER_UL, ip);
		*port = 4789;
		return 0;
	}
	return -ENOENT;
}

static int pub_lookup_l3(void *priv, const struct ovl_ip *ip, __u8 mac[6])
{
	(void)priv;
	(void)ip;
	(void)mac;
	return -ENOENT;
}

static int pub_foreach_peer(void *priv, int (*cb)(const struct ovl_ip *ip, void *arg), void *arg)
{
	(void)priv;
	for (int i = 0; i < pub.npeers; i++) {
		int ret = cb(&pub.peers[i], arg);

		if (ret)
			return ret;
	}
	return 0;
}

static void pub_close(void *priv)
{
	(void)priv;
	pub.host = NULL;
}

static int pub_publish(void *priv, const __u8 mac[6], const struct ovl_ip *addrs, int n, char *err,
		       size_t errlen)
{
	(void)priv;
	if (pub.refuse) {
		snprintf(err, errlen, "MAC %s is published by host 192.0.2.9:4789 on VNI %d", EP_MAC,
			 VNI);
		return pub.refuse;
	}
	pub.published++;
	memcpy(pub.mac, mac, 6);
	pub.naddrs = n < 8 ? n : 8;
	memcpy(pub.addrs, addrs, (size_t)pub.naddrs * sizeof(*addrs));
	return 0;
}

static void pub_withdraw(void *priv, const __u8 mac[6])
{
	(void)priv;
	pub.withdrawn++;
	memcpy(pub.mac, mac, 6);
}

static const struct ovl_prop pub_props[] = { { NULL } };

static const struct ovl_backend_info pub_info = { "pub", OVL_MODE_DYNAMIC, pub_props,
						  "publishes local endpoints (tests)" };

static const struct ovl_backend_ops pub_ops = {
	.info = &pub_info,
	.open = pub_open,
	.lookup_l2 = pub_lookup_l2,
	.lookup_l3 = pub_lookup_l3,
	.foreach_peer = pub_foreach_peer,
	.close = pub_close,
	.publish = pub_publish,
	.withdraw = pub_withdraw,
};

static bool pub_overlay(struct fx *fx)
{
	char err[OVL_ERR_MAX] = "";
	json_t *props = json_object();
	int ret = backend_register(&pub_ops);

	memset(&pub, 0, sizeof(pub));
	fx_ip(REMOTE_UL, &pub.peers[0]);
	pub.npeers = 1;
	pub.knows_remote = true;
	if (ret != -EEXIST && !ASSERT_OK(ret, "backend_register"))
		return false;
	ret = overlay_create(&fx->d, "p1", VNI, "vxlan", "pub", props, err, sizeof(err));
	json_decref(props);
	return ASSERT_OK(ret, err) && ASSERT_OK_PTR(pub.host, "host handle");
}

static struct ovl_ep *ep_new(void)
{
	struct ovl_ep *ep = calloc(1, sizeof(*ep));

	if (!ASSERT_OK_PTR(ep, "calloc"))
		abort();
	snprintf(ep->id, sizeof(ep->id), "c1/eth0");
	ep->kind = OVL_EP_CNI;
	snprintf(ep->overlay, sizeof(ep->overlay), "p1");
	snprintf(ep->network, sizeof(ep->network), "net-p");
	fx_mac(EP_MAC, ep->mac);
	fx_ip(EP_IP, &ep->addrs[ep->naddrs++]);
	fx_ip(EP_IP6, &ep->addrs[ep->naddrs++]);
	snprintf(ep->host_ifname, sizeof(ep->host_ifname), "vethfake1");
	ep->host_ifindex = 1001;
	ep->peer_netns = true;
	return ep;
}

/* Published with its own addresses, withdrawn when it goes. */
void test_loader_publish_endpoint(void)
{
	char err[OVL_ERR_MAX] = "";
	struct ovl_ip ip4, ip6;
	struct ovl_ep *ep = NULL;
	struct fx fx;
	__u8 mac[6];

	if (!fx_up(&fx) || !pub_overlay(&fx))
		goto out;
	ep = ep_new();
	if (!ASSERT_OK(ep_register(&fx.d, ep, err, sizeof(err)), err)) {
		free(ep);
		ep = NULL;
		goto out;
	}
	fx_mac(EP_MAC, mac);
	fx_ip(EP_IP, &ip4);
	fx_ip(EP_IP6, &ip6);
	ASSERT_EQ(pub.published, 1, "published once");
	ASSERT_MEMEQ(pub.mac, 6, mac, 6, "its MAC");
	/* the link-local one every host derives from the MAC is not sent */
	if (ASSERT_EQ(pub.naddrs, 2, "its two addresses, not the link-local")) {
		ASSERT_TRUE(ovl_ip_eq(&pub.addrs[0], &ip4), "IPv4");
		ASSERT_TRUE(ovl_ip_eq(&pub.addrs[1], &ip6), "IPv6");
	}
	ASSERT_EQ(ep->naddrs, 3, "ovld itself keeps the link-local");
	ASSERT_EQ(pub.withdrawn, 0, "not withdrawn");

	ASSERT_OK(ep_unregister(&fx.d, ep), "ep_unregister");
	ASSERT_EQ(pub.withdrawn, 1, "withdrawn");
	ASSERT_MEMEQ(pub.mac, 6, mac, 6, "its MAC withdrawn");
	free(ep);
	ep = NULL;
out:
	fx_down(&fx);
}

/* Another host has it: refused in the backend's words, nothing attached. */
void test_loader_publish_refused(void)
{
	char err[OVL_ERR_MAX] = "";
	struct ovl_ep *ep = NULL;
	struct ovl_iface ifc;
	struct fx fx;

	if (!fx_up(&fx) || !pub_overlay(&fx))
		goto out;
	state_flush(&fx.d);
	pub.refuse = -EEXIST;
	ep = ep_new();
	ASSERT_EQ(ep_register(&fx.d, ep, err, sizeof(err)), -EEXIST, "refused");
	ASSERT_STRSTR(err, "is published by host 192.0.2.9:4789", "the owner named");
	ASSERT_EQ(fake_dp_calls("dp_attach_tc"), 0, "TC not attached");
	ASSERT_FALSE(fake_dp_iface(1001, &ifc), "no ovl_ifaces entry");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_NEIGH), 0, "no ovl_neigh entries");
	ASSERT_NULL(fx.d.eps, "not listed");
	ASSERT_FALSE(fx.d.state_dirty, "state unchanged");
	ASSERT_EQ(pub.withdrawn, 0, "nothing to withdraw");
out:
	free(ep);
	fx_down(&fx);
}

/* A MAC that moved or went is rewritten or removed, the others stay; a
 * change of peers rewrites ovl_peers and leaves the rest alone. */
void test_loader_publish_changes(void)
{
	struct ovl_ip ul, ip, other_ul;
	struct ovl_ip_vec peers = { 0 };
	__u8 remote[6], other[6];
	struct ovl_dest dst;
	struct fx fx;
	__u16 port;

	if (!fx_up(&fx) || !pub_overlay(&fx))
		goto out;
	fx_mac(REMOTE_MAC, remote);
	fx_mac(OTHER_MAC, other);
	fx_ip(REMOTE_UL, &ul);
	fx_ip(OTHER_UL, &other_ul);
	/* both learned by misses */
	ASSERT_OK(learn_l2(&fx.d, overlay_find(&fx.d, "p1"), remote, 0, &ul, 4789), "learn remote");
	ASSERT_OK(learn_l2(&fx.d, overlay_find(&fx.d, "p1"), other, 0, &other_ul, 4789),
		  "learn other");

	/* the remote MAC goes: only its entry is removed */
	pub.knows_remote = false;
	pub.host->changed(pub.host, OVL_CHANGE_L2, remote, NULL);
	ASSERT_ERR(map_fdb_get(&fx.d, VNI, remote, &dst), "the MAC that went is removed");
	if (ASSERT_OK(learn_fdb_get(&fx.d, VNI, other, &ip, &port), "the other stays"))
		ASSERT_TRUE(ovl_ip_eq(&ip, &other_ul), "where it was");

	/* a second host: ovl_peers has both */
	fx_ip(OTHER_UL, &pub.peers[1]);
	pub.npeers = 2;
	pub.host->changed(pub.host, OVL_CHANGE_PEERS, NULL, NULL);
	if (ASSERT_OK(map_peers_list(&fx.d, VNI, &peers), "peers"))
		ASSERT_EQ(peers.n, 2, "two peers");
	free(peers.v);
	memset(&peers, 0, sizeof(peers));
	ASSERT_OK(learn_fdb_get(&fx.d, VNI, other, &ip, &port), "a peer change keeps the fdb");

	/* the first host is gone */
	pub.peers[0] = pub.peers[1];
	pub.npeers = 1;
	pub.host->changed(pub.host, OVL_CHANGE_PEERS, NULL, NULL);
	if (ASSERT_OK(map_peers_list(&fx.d, VNI, &peers), "peers") &&
	    ASSERT_EQ(peers.n, 1, "one peer"))
		ASSERT_TRUE(ovl_ip_eq(&peers.v[0], &other_ul), "the one left");
	free(peers.v);
out:
	fx_down(&fx);
}
