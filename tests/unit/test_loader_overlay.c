// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_loader_overlay.c - overlays (loader/overlay.c, vni.c) over the fake
 * data path: what overlay_create() refuses (the checks of its own, not
 * only the control command's), what it writes (ovl_vnis, ovl_peers,
 * ovl_vni_stats), a full ovl_peers, and what overlay_delete() removes.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include "loader_fixture.h"
#include "test.h"

#define HOSTS                                                                                      \
	"{ \"de:ad:be:ef:06:01\": { \"ip\": \"192.0.2.61\", \"port\": 4789 },\n"                   \
	"  \"de:ad:be:ef:06:02\": { \"ip\": \"192.0.2.62\", \"port\": 4789 } }\n"

static int create(struct fx *fx, const char *name, __u32 vni, const char *encap, const char *search,
		  const char *path, char *err, size_t errlen)
{
	json_t *props = path ? json_pack("{s:s}", "files/config", path) : json_object();
	int ret;

	err[0] = '\0';
	ret = overlay_create(&fx->d, name, vni, encap, search, props, err, errlen);
	json_decref(props);
	return ret;
}

void test_loader_overlay_create(void)
{
	char path[PATH_MAX], err[OVL_ERR_MAX];
	struct ovl_overlay *ov;
	struct ovl_vni v;
	struct ovl_peer p;
	struct ovl_stat vs[OVL_VSTAT_MAX];
	struct ovl_ip ip;
	struct fx fx;

	if (!fx_up(&fx) || !fx_write(&fx, "hosts.json", HOSTS, path, sizeof(path)))
		goto out;
	ASSERT_EQ(create(&fx, "bad name", 601, "vxlan", "files", path, err, sizeof(err)), -EINVAL,
		  "bad name");
	ASSERT_STRSTR(err, "bad overlay name", "message");
	ASSERT_EQ(create(&fx, "o1", OVL_VNI_MAX + 1, "vxlan", "files", path, err, sizeof(err)),
		  -ERANGE, "vni out of range");
	ASSERT_STRSTR(err, "vni 16777216 out of range", "message");
	ASSERT_EQ(create(&fx, "o1", 601, "geneve", "files", path, err, sizeof(err)), -EOPNOTSUPP,
		  "encap");
	ASSERT_EQ(create(&fx, "o1", 601, "vxlan", "nosuch", path, err, sizeof(err)), -EINVAL,
		  "backend");
	ASSERT_STRSTR(err, "unknown backend \"nosuch\"", "message");
	ASSERT_EQ(create(&fx, "o1", 601, "vxlan", "files", NULL, err, sizeof(err)), -EINVAL,
		  "no files/config");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_VNIS) + fake_dp_entries(OVL_MAP_PEERS) +
			  fake_dp_entries(OVL_MAP_VNI_STATS),
		  0, "nothing written");
	ASSERT_FALSE(fx.d.state_dirty, "nothing to save");

	if (!ASSERT_OK(create(&fx, "o1", 601, "vxlan", "files", path, err, sizeof(err)), err))
		goto out;
	ASSERT_TRUE(fx.d.state_dirty, "to save");
	if (ASSERT_TRUE(fake_dp_vni(601, &v), "ovl_vnis entry"))
		ASSERT_EQ(v.flags, OVL_VNI_F_STRICT_SRC, "vni flags");
	fx_ip("192.0.2.61", &ip);
	ASSERT_TRUE(fake_dp_peer(601, &ip), "peer 1");
	fx_ip("192.0.2.62", &ip);
	/* ABI 6: the entry stands for the network on the unicast path */
	if (ASSERT_TRUE(fake_dp_peer_get(601, &ip, &p), "peer 2")) {
		ASSERT_EQ(p.flags, OVL_PEER_F_STATIC | OVL_PEER_F_VNI, "peer flags");
		ASSERT_EQ(p.vstat_slot, 1, "counter slot in the peer's entry");
	}
	ASSERT_EQ(fake_dp_entries(OVL_MAP_PEERS), 2, "peers");
	ov = overlay_by_vni(&fx.d, 601);
	if (ASSERT_TRUE(ov != NULL, "overlay o1")) {
		ASSERT_OK(map_vni_stats_read(&fx.d, ov, vs), "ovl_vni_stats entry");
		/* the first overlay's counters: slot 1 of ovl_vni_cnt, named
		 * in its ovl_vnis entry (ABI 5) */
		ASSERT_EQ(ov->vstat_slot, 1, "counter slot");
		ASSERT_EQ(v.vstat_slot, 1, "counter slot in ovl_vnis");
	}

	ASSERT_EQ(create(&fx, "o1", 602, "vxlan", "files", path, err, sizeof(err)), -EEXIST,
		  "same name");
	ASSERT_EQ(create(&fx, "o2", 601, "vxlan", "files", path, err, sizeof(err)), -EEXIST,
		  "same vni");
	ASSERT_STRSTR(err, "vni 601 is already overlay o1", "message");
out:
	fx_down(&fx);
}

/* Peers that stay through a sync are rewritten where their value is not
 * ABI 6's: as the migration from ABI 5 leaves them, or with another slot. */
void test_loader_overlay_peers_refresh(void)
{
	const struct ovl_peer abi5 = { .flags = OVL_PEER_F_STATIC };
	const struct ovl_peer other = { .flags = OVL_PEER_F_STATIC | OVL_PEER_F_VNI,
					.vstat_slot = 9 };
	char path[PATH_MAX], err[OVL_ERR_MAX];
	struct ovl_ip ip1, ip2;
	struct ovl_peer p;
	struct fx fx;

	if (!fx_up(&fx) || !fx_write(&fx, "hosts.json", HOSTS, path, sizeof(path)) ||
	    !ASSERT_OK(create(&fx, "o6", 606, "vxlan", "files", path, err, sizeof(err)), err))
		goto out;
	fx_ip("192.0.2.61", &ip1);
	fx_ip("192.0.2.62", &ip2);
	ASSERT_OK(fake_dp_peer_set(606, &ip1, &abi5), "peer 1 as ABI 5 had it");
	ASSERT_OK(fake_dp_peer_set(606, &ip2, &other), "peer 2 with another slot");
	if (!ASSERT_OK(overlay_reload(&fx.d, overlay_find(&fx.d, "o6"), err, sizeof(err)), err))
		goto out;
	if (ASSERT_TRUE(fake_dp_peer_get(606, &ip1, &p), "peer 1")) {
		ASSERT_EQ(p.flags, OVL_PEER_F_STATIC | OVL_PEER_F_VNI, "peer 1 flags");
		ASSERT_EQ(p.vstat_slot, 1, "peer 1 slot");
	}
	if (ASSERT_TRUE(fake_dp_peer_get(606, &ip2, &p), "peer 2"))
		ASSERT_EQ(p.vstat_slot, 1, "peer 2 slot");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_PEERS), 2, "peers");
out:
	fx_down(&fx);
}

/* ovl_peers has no room: refused, with nothing left behind. */
void test_loader_overlay_peers_full(void)
{
	char path[PATH_MAX], err[OVL_ERR_MAX];
	struct fx fx;

	if (!fx_up(&fx) || !fx_write(&fx, "hosts.json", HOSTS, path, sizeof(path)))
		goto out;
	ASSERT_OK(fake_dp_set_max(OVL_MAP_PEERS, 1), "peers max 1");
	ASSERT_EQ(create(&fx, "o3", 603, "vxlan", "files", path, err, sizeof(err)), -ENOSPC,
		  "refused");
	ASSERT_STRSTR(err, "ovl_peers is full", "message");
	ASSERT_NULL(overlay_find(&fx.d, "o3"), "not made");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_PEERS), 0, "no peer");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_VNIS), 0, "no ovl_vnis entry");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_VNI_STATS), 0, "its counters removed");
out:
	fx_down(&fx);
}

void test_loader_overlay_delete(void)
{
	char path[PATH_MAX], err[OVL_ERR_MAX];
	struct ovl_dest dst;
	struct ovl_ip ip;
	__u8 mac[6] = { 2, 0, 0, 0, 6, 1 };
	struct fx fx;

	if (!fx_up(&fx) || !fx_write(&fx, "hosts.json", HOSTS, path, sizeof(path)) ||
	    !ASSERT_OK(create(&fx, "o4", 604, "vxlan", "files", path, err, sizeof(err)), err) ||
	    !ASSERT_OK(create(&fx, "o5", 605, "vxlan", "files", path, err, sizeof(err)), err))
		goto out;
	fx_ip("192.0.2.61", &ip);
	ovl_dest_from_ip(&dst, &ip, 4789, 0);
	ASSERT_OK(map_fdb_put(&fx.d, 604, mac, &dst), "fdb 604");
	ASSERT_OK(map_fdb_put(&fx.d, 605, mac, &dst), "fdb 605");
	fx_ip("10.23.6.1", &ip);
	ASSERT_OK(map_neigh_put(&fx.d, 604, &ip, mac, OVL_NEIGH_F_STATIC), "neigh 604");
	fx.d.state_dirty = false;

	ASSERT_EQ(overlay_delete(&fx.d, "nosuch", err, sizeof(err)), -ENOENT, "no such overlay");
	if (!ASSERT_OK(overlay_delete(&fx.d, "o4", err, sizeof(err)), err))
		goto out;
	ASSERT_NULL(overlay_find(&fx.d, "o4"), "gone");
	ASSERT_TRUE(fx.d.state_dirty, "to save");
	ASSERT_FALSE(fake_dp_vni(604, NULL), "ovl_vnis entry removed");
	ASSERT_ERR(map_fdb_get(&fx.d, 604, mac, &dst), "its fdb entries removed");
	ASSERT_OK(map_fdb_get(&fx.d, 605, mac, &dst), "another overlay's kept");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_NEIGH), 0, "its neigh entries removed");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_PEERS), 2, "only o5's peers");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_VNI_STATS), 1, "only o5's counters");
out:
	fx_down(&fx);
}
