// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_loader_reload.c - a reload of the files backend (loader/overlay.c):
 * learned ovl_fdb and ovl_neigh entries are checked against the new file
 * (vanished ones removed, changed ones rewritten), static ones are left
 * alone, a rejected file keeps everything; and the same through the real
 * inotify watch and the loop.
 */
#include <unistd.h>
#include "loader_fixture.h"
#include "loop.h"
#include "pkt.h"
#include "test.h"

#define A "de:ad:be:ef:02:01"
#define B "de:ad:be:ef:02:02"
#define S "de:ad:be:ef:02:03"

#define HOSTS_V1                                                                                   \
	"{ \"" A "\": { \"ip\": \"192.0.2.11\", \"port\": 4789, \"arp\": \"10.23.1.1\" },\n"       \
	"  \"" B "\": { \"ip\": \"192.0.2.12\", \"port\": 4789, \"arp\": \"10.23.1.2\" },\n"       \
	"  \"" S "\": { \"ip\": \"192.0.2.13\", \"port\": 4789, \"arp\": \"10.23.1.3\" } }\n"

/* A and S gone, B moved to another VTEP and port. */
#define HOSTS_V2                                                                                   \
	"{ \"" B "\": { \"ip\": \"192.0.2.22\", \"port\": 8472, \"arp\": \"10.23.1.2\" } }\n"

static void fx_learn_l2(struct fx *fx, __u32 vni, const char *mac_s)
{
	struct pkt p;
	__u8 mac[6];

	fx_mac(mac_s, mac);
	pkt_init(&p);
	pkt_eth(&p, mac_s, "02:00:00:00:00:0a", ETH_P_IP);
	pkt_ip4(&p, "10.23.1.10", "10.23.1.1", IPPROTO_UDP);
	pkt_udp(&p, 1, 2, true);
	pkt_finish(&p);
	fx_miss(fx, OVL_EVT_MISS_L2, vni, 7, mac, NULL, p.data, p.len);
}

static void fx_learn_l3(struct fx *fx, __u32 vni, const char *ip_s)
{
	struct ovl_ip ip;
	struct pkt p;
	__u8 mac[6];

	fx_mac("02:00:00:00:00:0a", mac);
	fx_ip(ip_s, &ip);
	pkt_init(&p);
	pkt_eth(&p, "ff:ff:ff:ff:ff:ff", "02:00:00:00:00:0a", ETH_P_ARP);
	pkt_arp(&p, 1, "02:00:00:00:00:0a", "10.23.1.10", NULL, ip_s);
	pkt_finish(&p);
	fx_miss(fx, OVL_EVT_MISS_ARP, vni, 7, mac, &ip, p.data, p.len);
}

static bool has_fdb(struct fx *fx, __u32 vni, const char *mac_s, struct ovl_dest *dst)
{
	struct ovl_dest tmp;
	__u8 mac[6];

	fx_mac(mac_s, mac);
	return !map_fdb_get(&fx->d, vni, mac, dst ? dst : &tmp);
}

static bool dest_is(const struct ovl_dest *dst, const char *ip_s, __u16 port, __u32 flags)
{
	struct ovl_dest want;
	struct ovl_ip ip;

	fx_ip(ip_s, &ip);
	ovl_dest_from_ip(&want, &ip, port, flags);
	return ASSERT_MEMEQ(dst, sizeof(*dst), &want, sizeof(want), ip_s);
}

static bool has_neigh(struct fx *fx, __u32 vni, const char *ip_s, struct ovl_neigh *n)
{
	struct ovl_neigh tmp;
	struct ovl_ip ip;

	fx_ip(ip_s, &ip);
	return !map_neigh_get(&fx->d, vni, &ip, n ? n : &tmp);
}

void test_loader_reload_revalidates(void)
{
	char err[OVL_ERR_MAX] = "";
	struct ovl_overlay *ov;
	struct ovl_dest dst, sdst;
	struct ovl_neigh n;
	struct ovl_ip ip, sip;
	__u8 smac[6];
	struct fx fx;

	if (!fx_up(&fx) ||
	    !ASSERT_OK(fx_files_overlay(&fx, "r1", 301, "hosts.json", HOSTS_V1), "r1"))
		goto out;
	ov = overlay_find(&fx.d, "r1");
	fx_learn_l2(&fx, 301, A);
	fx_learn_l2(&fx, 301, B);
	fx_learn_l3(&fx, 301, "10.23.1.1");
	/* S by hand, elsewhere than the file says (map add, neigh add). */
	fx_mac(S, smac);
	fx_ip("192.0.2.99", &sip);
	ovl_dest_from_ip(&sdst, &sip, 4789, OVL_DEST_F_STATIC);
	ASSERT_OK(map_fdb_put(&fx.d, 301, smac, &sdst), "static fdb");
	fx_ip("10.23.1.3", &ip);
	ASSERT_OK(map_neigh_put(&fx.d, 301, &ip, smac, OVL_NEIGH_F_STATIC), "static neigh");
	if (!ASSERT_TRUE(has_fdb(&fx, 301, A, NULL) && has_fdb(&fx, 301, B, NULL) &&
				 has_neigh(&fx, 301, "10.23.1.1", NULL),
			 "learned"))
		goto out;

	if (!fx_write(&fx, "hosts.json", HOSTS_V2, NULL, 0) ||
	    !ASSERT_OK(overlay_reload(&fx.d, ov, err, sizeof(err)), err))
		goto out;
	ASSERT_EQ(ov->reloads, 1, "reloads");
	ASSERT_FALSE(has_fdb(&fx, 301, A, NULL), "vanished MAC removed");
	if (ASSERT_TRUE(has_fdb(&fx, 301, B, &dst), "moved MAC kept"))
		dest_is(&dst, "192.0.2.22", 8472, 0);
	if (ASSERT_TRUE(has_fdb(&fx, 301, S, &dst), "static MAC kept"))
		dest_is(&dst, "192.0.2.99", 4789, OVL_DEST_F_STATIC);
	ASSERT_FALSE(has_neigh(&fx, 301, "10.23.1.1", NULL), "vanished address removed");
	if (ASSERT_TRUE(has_neigh(&fx, 301, "10.23.1.3", &n), "static address kept"))
		ASSERT_MEMEQ(n.mac, 6, smac, 6, "static owner");
	fx_ip("192.0.2.11", &ip);
	ASSERT_FALSE(fake_dp_peer(301, &ip), "old peer gone");
	fx_ip("192.0.2.22", &ip);
	ASSERT_TRUE(fake_dp_peer(301, &ip), "new peer");
out:
	fx_down(&fx);
}

/* A file that does not parse changes nothing and says why. */
void test_loader_reload_rejected(void)
{
	char err[OVL_ERR_MAX] = "";
	struct ovl_overlay *ov;
	struct ovl_dest dst;
	struct fx fx;

	if (!fx_up(&fx) ||
	    !ASSERT_OK(fx_files_overlay(&fx, "r2", 302, "hosts.json", HOSTS_V1), "r2"))
		goto out;
	ov = overlay_find(&fx.d, "r2");
	fx_learn_l2(&fx, 302, A);
	if (!fx_write(&fx, "hosts.json", "{ \"" A "\": ", NULL, 0))
		goto out;
	ASSERT_ERR(overlay_reload(&fx.d, ov, err, sizeof(err)), "reload");
	ASSERT_STRSTR(ov->error, "hosts.json", "the overlay's error names the file");
	ASSERT_EQ(ov->reloads, 0, "reloads");
	if (ASSERT_TRUE(has_fdb(&fx, 302, A, &dst), "entry kept"))
		dest_is(&dst, "192.0.2.11", 4789, 0);
	ASSERT_EQ(backend_entries(ov), 3, "previous backend in force");
out:
	fx_down(&fx);
}

/* The file is replaced: inotify, the loop, the reload. */
void test_loader_reload_inotify(void)
{
	struct ovl_overlay *ov;
	struct ovl_dest dst;
	struct fx fx;

	if (!fx_up(&fx) ||
	    !ASSERT_OK(fx_files_overlay(&fx, "r3", 303, "hosts.json", HOSTS_V1), "r3"))
		goto out;
	ov = overlay_find(&fx.d, "r3");
	fx_learn_l2(&fx, 303, A);
	fx_learn_l2(&fx, 303, B);
	/* Another file of the directory is no reason to reload. */
	if (!fx_write(&fx, "other.json", "{}", NULL, 0))
		goto out;
	loop_run_once(fx.d.loop, 50);
	ASSERT_EQ(ov->reloads, 0, "no reload for another file");
	if (!fx_write(&fx, "hosts.json", HOSTS_V2, NULL, 0))
		goto out;
	if (!ASSERT_TRUE(fx_run_until_ge(&fx, &ov->reloads, 1, 2000), "reloaded"))
		goto out;
	ASSERT_FALSE(has_fdb(&fx, 303, A, NULL), "vanished MAC removed");
	if (ASSERT_TRUE(has_fdb(&fx, 303, B, &dst), "moved MAC kept"))
		dest_is(&dst, "192.0.2.22", 8472, 0);
	/* The new instance watches too. */
	if (fx_write(&fx, "hosts.json", HOSTS_V1, NULL, 0))
		ASSERT_TRUE(fx_run_until_ge(&fx, &ov->reloads, 2, 2000), "reloaded again");
out:
	fx_down(&fx);
}

/* inotify instances of this process (/proc/self/fd). */
static int inotify_fds(void)
{
	char path[64], target[64];
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		n += !strcmp(target, "anon_inode:inotify");
	}
	return n;
}

/* Two overlays whose files share a directory: one inotify instance for
 * both (loop.c), an edit reloads only the overlay of the file edited, a
 * reload makes no new instance, and a deleted overlay's watch goes
 * without taking the other's. */
void test_loader_reload_shared_watch(void)
{
	char err[OVL_ERR_MAX] = "";
	struct ovl_overlay *a, *b;
	int before = inotify_fds();
	struct fx fx;

	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "w1", 311, "a.json", HOSTS_V1), "w1") ||
	    !ASSERT_OK(fx_files_overlay(&fx, "w2", 312, "b.json", HOSTS_V1), "w2"))
		goto out;
	a = overlay_find(&fx.d, "w1");
	b = overlay_find(&fx.d, "w2");
	ASSERT_EQ(inotify_fds(), before + 1, "one inotify instance for two overlays");
	if (!fx_write(&fx, "b.json", HOSTS_V2, NULL, 0) ||
	    !ASSERT_TRUE(fx_run_until_ge(&fx, &b->reloads, 1, 2000), "b.json reloaded w2"))
		goto out;
	loop_run_once(fx.d.loop, 50);
	ASSERT_EQ(a->reloads, 0, "w1 not reloaded for b.json");
	ASSERT_EQ(backend_entries(b), 1, "w2 has b.json's new entries");
	ASSERT_EQ(inotify_fds(), before + 1, "a reload makes no instance");
	if (!ASSERT_OK(overlay_delete(&fx.d, "w2", err, sizeof(err)), err))
		goto out;
	if (fx_write(&fx, "a.json", HOSTS_V2, NULL, 0))
		ASSERT_TRUE(fx_run_until_ge(&fx, &a->reloads, 1, 2000),
			    "w1 still watched after w2 went");
	ASSERT_EQ(backend_entries(a), 1, "w1 has a.json's new entries");
out:
	fx_down(&fx);
	ASSERT_EQ(inotify_fds(), before, "the instance closes with the loop");
}
