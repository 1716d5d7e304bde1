// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_loader_endpoint.c - registering a CNI endpoint (loader/endpoint.c)
 * over the fake data path: its ovl_ifaces, ovl_endpoints and static
 * ovl_neigh entries, the refusals (a MAC or an address that is another
 * endpoint's), unregistering, and state.json; VNICs and the addresses
 * they own (vnic create --ip).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
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
	struct ovl_ip remote, own;
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
		/* its own addresses, checked without ovl_neigh (ABI 4): the
		 * IPAM one, and the link-local one for want of another IPv6 */
		fx_ip(EP_IP, &own);
		ASSERT_MEMEQ(&ifc.ip4, 4, own.addr, 4, "iface ip4");
		fx_ip(EP_LL, &own);
		ASSERT_MEMEQ(ifc.ip6, 16, own.addr, 16, "iface ip6");
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

/* ---- VNICs and the addresses they own (vnic create --ip) ------------------ */

#define VNIC_MAC "02:00:00:00:00:14"
#define VNIC_IP4 "10.23.4.20"
#define VNIC_IP6 "fd00:23::14"
#define VNIC_LL	 "fe80::ff:fe00:14" /* EUI-64 of VNIC_MAC */

/* Refused before any veth is made: no privileges needed. */
void test_loader_endpoint_vnic_addrs_refused(void)
{
	struct ovl_ip addrs[OVL_CTL_EP_ADDRS + 1], taken;
	char err[OVL_ERR_MAX] = "";
	struct ovl_ep *owner = NULL;
	__u8 mac[6];
	struct fx fx;

	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "e1", 401, "hosts.json", HOSTS), "e1"))
		goto out;
	fx_mac(VNIC_MAC, mac);
	for (int i = 0; i <= OVL_CTL_EP_ADDRS; i++) {
		char s[32];

		snprintf(s, sizeof(s), "10.23.4.%d", 100 + i);
		fx_ip(s, &addrs[i]);
	}
	ASSERT_EQ(vnic_create(&fx.d, "v0", "e1", mac, NULL, addrs, OVL_CTL_EP_ADDRS + 1, err,
			      sizeof(err)),
		  -E2BIG, "one address too many");
	ASSERT_STRSTR(err, "8 addresses: a VNIC owns at most 7", "message");

	fx_ip("224.0.0.5", &addrs[1]);
	ASSERT_EQ(vnic_create(&fx.d, "v0", "e1", mac, NULL, addrs, 2, err, sizeof(err)), -EINVAL,
		  "multicast");
	ASSERT_STRSTR(err, "address 224.0.0.5 is a multicast address", "message");
	fx_ip("255.255.255.255", &addrs[1]);
	ASSERT_EQ(vnic_create(&fx.d, "v0", "e1", mac, NULL, addrs, 2, err, sizeof(err)), -EINVAL,
		  "broadcast");
	ASSERT_STRSTR(err, "address 255.255.255.255 is the broadcast address", "message");
	fx_ip("::", &addrs[1]);
	ASSERT_EQ(vnic_create(&fx.d, "v0", "e1", mac, NULL, addrs, 2, err, sizeof(err)), -EINVAL,
		  "unspecified");
	ASSERT_STRSTR(err, "address :: is the unspecified address", "message");

	/* Another endpoint's address: refused, naming the owner. */
	owner = cni_ep("c1/eth0", EP_MAC, EP_IP, 1001);
	if (!ASSERT_OK(ep_register(&fx.d, owner, err, sizeof(err)), err)) {
		free(owner);
		owner = NULL;
		goto out;
	}
	fx_ip(EP_IP, &taken);
	ASSERT_EQ(vnic_create(&fx.d, "v0", "e1", mac, NULL, &taken, 1, err, sizeof(err)),
		  -EADDRINUSE, "another endpoint's address");
	ASSERT_STRSTR(err,
		      "address " EP_IP " on overlay e1 belongs to MAC " EP_MAC
		      " (endpoint c1/eth0 of network net-a)",
		      "message names the owner");
	/* and a static entry of neigh add */
	fx_ip("10.23.4.99", &taken);
	ASSERT_OK(map_neigh_put(&fx.d, 401, &taken, (const __u8 *)"\x02\0\0\0\0\x63",
				OVL_NEIGH_F_STATIC),
		  "neigh add");
	ASSERT_EQ(vnic_create(&fx.d, "v0", "e1", mac, NULL, &taken, 1, err, sizeof(err)),
		  -EADDRINUSE, "a static entry's address");
	ASSERT_STRSTR(err, "belongs to MAC 02:00:00:00:00:63 (a static entry", "message");
	ASSERT_EQ(fake_dp_calls("dp_attach_tc"), 1, "only the owner attached");
	ASSERT_TRUE(fx.d.eps == owner && !owner->next, "no VNIC listed");
out:
	if (owner) {
		ep_unregister(&fx.d, owner);
		free(owner);
	}
	fx_down(&fx);
}

/*
 * A VNIC made with addresses (a real veth: root, in a network namespace of
 * its own): they are in ep->addrs with its link-local one, have static
 * ovl_neigh entries (proxy ARP/NDP), turn link protection by address on,
 * are in vnic.create's result and state.json, and go with the VNIC.
 */
void test_loader_endpoint_vnic_addrs(void)
{
	struct ovl_ip addrs[3];
	char err[OVL_ERR_MAX] = "";
	json_t *root = NULL, *o, *a;
	struct ovl_ep *ep;
	struct ovl_iface ifc;
	int home, ifindex = 0;
	struct fx fx;
	__u8 mac[6];

	if (geteuid() != 0) {
		test_skip("a veth needs root");
		return;
	}
	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!ASSERT_GE(home, 0, "our network namespace"))
		return;
	if (unshare(CLONE_NEWNET)) {
		test_skip("unshare(CLONE_NEWNET): %s", strerror(errno));
		close(home);
		return;
	}
	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "e1", 401, "hosts.json", HOSTS), "e1"))
		goto out;
	fx_mac(VNIC_MAC, mac);
	fx_ip(VNIC_IP4, &addrs[0]);
	fx_ip(VNIC_IP6, &addrs[1]);
	fx_ip(VNIC_IP4, &addrs[2]); /* twice counts once */
	if (!ASSERT_OK(vnic_create(&fx.d, "v0", "e1", mac, NULL, addrs, 3, err, sizeof(err)), err))
		goto out;
	ep = ep_find(&fx.d, OVL_EP_VNIC, "", "v0");
	if (!ASSERT_OK_PTR(ep, "listed"))
		goto out;
	ifindex = ep->host_ifindex;
	ASSERT_EQ(ep->naddrs, 3, "its two addresses and its link-local one");
	neigh_is(&fx, VNIC_IP4, mac);
	neigh_is(&fx, VNIC_IP6, mac);
	neigh_is(&fx, VNIC_LL, mac);
	ASSERT_TRUE(ep->ip_nospoof, "ip_nospoof");
	if (ASSERT_TRUE(fake_dp_iface((__u32)ifindex, &ifc), "ovl_ifaces entry"))
		ASSERT_EQ(ifc.flags & OVL_IF_F_IP_NOSPOOF, OVL_IF_F_IP_NOSPOOF,
			  "source addresses enforced");

	/* the same MAC's addresses are no clash; another VNIC may not have them */
	fx_mac("02:00:00:00:00:15", mac);
	ASSERT_EQ(vnic_create(&fx.d, "v1", "e1", mac, NULL, &addrs[1], 1, err, sizeof(err)),
		  -EADDRINUSE, "v0's address for v1");
	ASSERT_STRSTR(err, "belongs to MAC " VNIC_MAC " (VNIC v0)", "message names v0");

	state_flush(&fx.d);
	root = fx_load_json(&fx, "state/state.json");
	o = json_array_get(json_object_get(root, "endpoints"), 0);
	a = json_object_get(o, "addrs");
	ASSERT_STREQ(json_string_value(json_object_get(o, "name")), "v0", "state.json VNIC");
	if (ASSERT_EQ(json_array_size(a), 3, "state.json addrs")) {
		ASSERT_STREQ(json_string_value(json_array_get(a, 0)), VNIC_IP4, "first");
		ASSERT_STREQ(json_string_value(json_array_get(a, 1)), VNIC_IP6, "second");
	}

	ASSERT_OK(vnic_delete(&fx.d, "v0", NULL, err, sizeof(err)), err);
	ASSERT_EQ(fake_dp_entries(OVL_MAP_NEIGH), 0, "its ovl_neigh entries went with it");
	ASSERT_FALSE(fake_dp_iface((__u32)ifindex, &ifc), "its ovl_ifaces entry too");
out:
	json_decref(root);
	fx_down(&fx);
	ASSERT_OK(setns(home, CLONE_NEWNET) ? -errno : 0, "back home");
	close(home);
}

/*
 * The own addresses of the iface entry (ABI 4): the first IPv4, and the
 * first IPv6 that is not link-local even when a link-local one comes first;
 * none of a family the endpoint lacks.
 */
void test_loader_endpoint_own_addrs(void)
{
	static const char *const addrs[] = { "fe80::1", "fd00::5", "10.0.0.1", "fd00::6",
					     "10.0.0.2" };
	struct ovl_ep ep = { .vni = 7, .mac = { 2, 0, 0, 0, 0, 1 } };
	struct ovl_ip want4, want6, ll;
	struct ovl_endpoint e;
	struct ovl_iface ifc;
	__u8 zero[16] = { 0 };

	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		fx_ip(addrs[i], &ep.addrs[ep.naddrs++]);
	fx_ip("10.0.0.1", &want4);
	fx_ip("fd00::5", &want6);
	ep_map_values(&ep, &ifc, &e);
	ASSERT_MEMEQ(&ifc.ip4, 4, want4.addr, 4, "the first IPv4");
	ASSERT_MEMEQ(ifc.ip6, 16, want6.addr, 16, "the first IPv6 not link-local");

	ep.naddrs = 0; /* link-local only */
	fx_ip("fe80::1", &ll);
	ep.addrs[ep.naddrs++] = ll;
	ep_map_values(&ep, &ifc, &e);
	ASSERT_EQ(ifc.ip4, 0, "no IPv4");
	ASSERT_MEMEQ(ifc.ip6, 16, ll.addr, 16, "the link-local one");

	ep.naddrs = 0;
	ep_map_values(&ep, &ifc, &e);
	ASSERT_MEMEQ(ifc.ip6, 16, zero, 16, "no IPv6");
}
