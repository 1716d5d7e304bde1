// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_loader_endpoint.c - registering a CNI endpoint (loader/endpoint.c)
 * over the fake data path: its ovl_ifaces, ovl_endpoints and static
 * ovl_neigh entries, the refusals (a MAC or an address that is another
 * endpoint's), unregistering, and state.json.
 */
#include <errno.h>
#include <stdlib.h>
#include "loader_fixture.h"
#include "test.h"

#define HOSTS                                                                                      \
	"{ \"02:00:00:00:00:0a\": { \"ip\": \"" FX_LOCAL4 "\", \"port\": 4789 },\n"                \
	"  \"de:ad:be:ef:04:01\": { \"ip\": \"192.0.2.41\", \"port\": 4789 } }\n"

#define EP_MAC "02:00:00:00:00:0a"
#define EP_IP  "10.23.4.10"
#define EP_LL  "fe80::ff:fe00:a" /* EUI-64 of EP_MAC */

static struct ovl_ep *cni_ep(const char *id, const char *mac, const char *ip, int ifindex)
{
	struct ovl_ep *ep = calloc(1, sizeof(*ep));

	if (!ASSERT_OK_PTR(ep, "calloc"))
		abort();
	snprintf(ep->id, sizeof(ep->id), "%s", id);
	ep->kind = OVL_EP_CNI;
	snprintf(ep->overlay, sizeof(ep->overlay), "e1");
	snprintf(ep->network, sizeof(ep->network), "net-a");
	fx_mac(mac, ep->mac);
	if (ip)
		fx_ip(ip, &ep->addrs[ep->naddrs++]);
	snprintf(ep->host_ifname, sizeof(ep->host_ifname), "vethfake%d", ifindex);
	ep->host_ifindex = ifindex;
	ep->peer_netns = true;
	return ep;
}

static bool neigh_is(struct fx *fx, const char *ip_s, const __u8 mac[6])
{
	struct ovl_neigh n;
	struct ovl_ip ip;

	fx_ip(ip_s, &ip);
	if (!ASSERT_OK(map_neigh_get(&fx->d, 401, &ip, &n), ip_s))
		return false;
	return ASSERT_MEMEQ(n.mac, 6, mac, 6, ip_s) &&
	       ASSERT_EQ(n.flags, OVL_NEIGH_F_STATIC, "static");
}

/* The endpoints state.json lists, or -1. */
static int state_endpoints(struct fx *fx, const char *id)
{
	json_t *root = fx_load_json(fx, "state/state.json");
	json_t *eps = json_object_get(root, "endpoints");
	int n = json_is_array(eps) ? (int)json_array_size(eps) : -1;

	if (n > 0 && id)
		ASSERT_STREQ(json_string_value(json_object_get(json_array_get(eps, 0), "id")), id,
			     "state.json endpoint");
	json_decref(root);
	return n;
}

void test_loader_endpoint_register(void)
{
	struct ovl_ep *ep = NULL, *dup_mac = NULL, *dup_ip = NULL;
	char err[OVL_ERR_MAX] = "";
	struct ovl_endpoint e;
	struct ovl_iface ifc;
	struct ovl_dest dst;
	struct ovl_ip remote;
	struct fx fx;
	int ret;

	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "e1", 401, "hosts.json", HOSTS), "e1"))
		goto out;
	state_flush(&fx.d);
	ep = cni_ep("c1/eth0", EP_MAC, EP_IP, 1001);
	/* A remote entry cached for the MAC is wrong once it is local. */
	fx_ip("192.0.2.41", &remote);
	ovl_dest_from_ip(&dst, &remote, 4789, 0);
	ASSERT_OK(map_fdb_put(&fx.d, 401, ep->mac, &dst), "stale fdb");

	ret = ep_register(&fx.d, ep, err, sizeof(err));
	if (!ASSERT_OK(ret, err)) {
		free(ep);
		ep = NULL;
		goto out;
	}
	ASSERT_EQ(fake_dp_calls("dp_tc_check"), 1, "TC checked");
	ASSERT_EQ(fake_dp_calls("dp_prepare_veth"), 1, "veth prepared");
	ASSERT_EQ(fake_dp_calls("dp_attach_tc"), 1, "TC attached");
	if (ASSERT_TRUE(fake_dp_iface(1001, &ifc), "ovl_ifaces entry")) {
		ASSERT_EQ(ifc.vni, 401, "iface vni");
		ASSERT_MEMEQ(ifc.mac, 6, ep->mac, 6, "iface mac");
		ASSERT_EQ(ifc.flags & OVL_IF_F_IP_NOSPOOF, OVL_IF_F_IP_NOSPOOF,
			  "source addresses enforced");
	}
	if (ASSERT_TRUE(fake_dp_endpoint(401, ep->mac, &e), "ovl_endpoints entry")) {
		ASSERT_EQ(e.ifindex, 1001, "endpoint ifindex");
		ASSERT_EQ(e.flags, OVL_EP_F_PEER_NETNS, "endpoint flags");
	}
	neigh_is(&fx, EP_IP, ep->mac);
	neigh_is(&fx, EP_LL, ep->mac);
	ASSERT_EQ(ep->naddrs, 2, "its address and its link-local one");
	ASSERT_ERR(map_fdb_get(&fx.d, 401, ep->mac, &dst), "stale fdb entry removed");
	ASSERT_TRUE(ep_by_ifindex(&fx.d, 1001) == ep, "listed");

	/* Saved at the turn's end (here by hand). */
	ASSERT_TRUE(fx.d.state_dirty, "state dirty");
	ASSERT_EQ(state_endpoints(&fx, NULL), 0, "not saved yet");
	state_flush(&fx.d);
	ASSERT_FALSE(fx.d.state_dirty, "state saved");
	ASSERT_EQ(state_endpoints(&fx, "c1/eth0"), 1, "state.json endpoints");

	/* Its MAC, or its address, for another endpoint: refused. */
	dup_mac = cni_ep("c2/eth0", EP_MAC, NULL, 1002);
	ASSERT_EQ(ep_register(&fx.d, dup_mac, err, sizeof(err)), -EEXIST, "same MAC");
	ASSERT_STRSTR(err, "MAC 02:00:00:00:00:0a is already endpoint c1/eth0 of network net-a",
		      "message");
	dup_ip = cni_ep("c3/eth0", "02:00:00:00:00:0b", EP_IP, 1003);
	ASSERT_EQ(ep_register(&fx.d, dup_ip, err, sizeof(err)), -EADDRINUSE, "same address");
	ASSERT_STRSTR(err, "address " EP_IP " on overlay e1 belongs to MAC 02:00:00:00:00:0a",
		      "message");
	ASSERT_EQ(fake_dp_calls("dp_attach_tc"), 1, "nothing attached for them");
	ASSERT_FALSE(fake_dp_iface(1002, &ifc) || fake_dp_iface(1003, &ifc), "no entries");
	ASSERT_FALSE(fx.d.state_dirty, "state unchanged");

	ASSERT_OK(ep_unregister(&fx.d, ep), "ep_unregister");
	ASSERT_FALSE(fake_dp_iface(1001, &ifc), "ovl_ifaces entry removed");
	ASSERT_FALSE(fake_dp_endpoint(401, ep->mac, &e), "ovl_endpoints entry removed");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_NEIGH), 0, "ovl_neigh entries removed");
	ASSERT_NULL(fx.d.eps, "not listed");
	ASSERT_TRUE(fx.d.state_dirty, "state dirty");
	state_flush(&fx.d);
	ASSERT_EQ(state_endpoints(&fx, NULL), 0, "state.json: no endpoint");
	free(ep);
	ep = NULL;
out:
	free(dup_mac);
	free(dup_ip);
	fx_down(&fx);
}

/* TC cannot be attached: refused, with nothing left in the maps. */
void test_loader_endpoint_attach_fails(void)
{
	char err[OVL_ERR_MAX] = "";
	struct ovl_ep *ep = NULL;
	struct fx fx;

	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "e1", 401, "hosts.json", HOSTS), "e1"))
		goto out;
	ep = cni_ep("c4/eth0", EP_MAC, EP_IP, 1004);
	fake_dp_fail("dp_attach_tc", -EPERM);
	ASSERT_EQ(ep_register(&fx.d, ep, err, sizeof(err)), -EPERM, "refused");
	ASSERT_STRSTR(err, "set up vethfake1004: Operation not permitted", "message");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_IFACES), 0, "no iface");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_NEIGH), 0, "no neigh");
	ASSERT_NULL(fx.d.eps, "not listed");
out:
	free(ep);
	fx_down(&fx);
}
