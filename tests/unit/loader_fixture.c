// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * loader_fixture.c - an ovld for a loader test (loader_fixture.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "loader_fixture.h"
#include "loop.h"
#include "test.h"

static void save_state(void *arg)
{
	state_flush(arg);
}

bool fx_up(struct fx *fx)
{
	struct ovld *d = &fx->d;
	const char *tmp;

	memset(fx, 0, sizeof(*fx));
	fake_dp_reset();
	/* Quiet unless asked: the tests provoke errors on purpose. */
	fx->log_level = ovl_log_get_level();
	ovl_log_set_level(getenv("OVL_TEST_LOG") ? OVL_LOG_DEBUG : (enum ovl_log_level)0);
	/* TMPDIR: tests/fuzz/fuzz_ctl.c puts it on a tmpfs (no fsync, no
	 * discard on unlink: a fresh ovld per input costs little there) */
	tmp = getenv("TMPDIR");
	if (!tmp || strlen(tmp) >= 40)
		tmp = "/tmp";
	snprintf(fx->dir, sizeof(fx->dir), "%s/ovl-unit.XXXXXX", tmp);
	if (!ASSERT_OK_PTR(mkdtemp(fx->dir), "mkdtemp")) {
		fx->dir[0] = '\0';
		return false;
	}
	snprintf(d->o.instance, sizeof(d->o.instance), "unit");
	snprintf(d->o.state_dir, sizeof(d->o.state_dir), "%s/state", fx->dir);
	snprintf(d->o.run_dir, sizeof(d->o.run_dir), "%s/run", fx->dir);
	snprintf(d->o.underlay, sizeof(d->o.underlay), "ovl-no-such0");
	d->o.port = OVL_VXLAN_PORT;
	d->sigfd = d->ctl_fd = d->lock_fd = d->pin_fd = -1;
	d->udp4_fd = d->udp6_fd = d->pkt_fd = -1;
	d->underlay_ifindex = 999999;
	fx_ip(FX_LOCAL4, &d->local4);
	d->unrestored = json_pack("{s:[], s:[]}", "overlays", "endpoints");
	ovld = d;
	if (!ASSERT_OK(mkdir(d->o.state_dir, 0700) ? -errno : 0, "mkdir state") ||
	    !ASSERT_OK(mkdir(d->o.run_dir, 0700) ? -errno : 0, "mkdir run"))
		return false;
	d->loop = loop_new();
	if (!ASSERT_OK_PTR(d->loop, "loop_new"))
		return false;
	/* As main.c: the state saver first, so a reply leaves after the save. */
	return ASSERT_OK(loop_add_hook(d->loop, save_state, d), "state hook") &&
	       ASSERT_OK(miss_init(d), "miss_init");
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void fx_down(struct fx *fx)
{
	struct ovld *d = &fx->d;

	ovld_release(d);
	ovld = NULL;
	if (fx->dir[0])
		nftw(fx->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	fake_dp_reset();
	ovl_log_set_level(fx->log_level);
}

bool fx_write(struct fx *fx, const char *name, const char *text, char *path, size_t pathlen)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	size_t n = strlen(text);
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", fx->dir, name);
	snprintf(dst, sizeof(dst), "%s/%s", fx->dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (!ASSERT_TRUE(fd >= 0, tmp))
		return false;
	if (!ASSERT_EQ(write(fd, text, n), n, "write") || !ASSERT_OK(close(fd), "close") ||
	    !ASSERT_OK(rename(tmp, dst) ? -errno : 0, "rename"))
		return false;
	if (path)
		snprintf(path, pathlen, "%s", dst);
	return true;
}

bool fx_exists(struct fx *fx, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	return !access(path, F_OK);
}

json_t *fx_load_json(struct fx *fx, const char *name)
{
	char path[PATH_MAX];
	json_error_t e;

	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	return json_load_file(path, 0, &e);
}

int fx_files_overlay(struct fx *fx, const char *ovname, __u32 vni, const char *name,
		     const char *hosts)
{
	char path[PATH_MAX], err[OVL_ERR_MAX] = "";
	json_t *props;
	int ret;

	if (!fx_write(fx, name, hosts, path, sizeof(path)))
		return -EIO;
	props = json_pack("{s:s}", "files/config", path);
	ret = overlay_create(&fx->d, ovname, vni, "vxlan", "files", props, err, sizeof(err));
	json_decref(props);
	if (ret)
		test_info("overlay_create %s: %s", ovname, err);
	return ret;
}

size_t fx_record(void *rec, size_t recsz, __u16 type, __u32 vni, __u32 ifindex, const __u8 mac[6],
		 const struct ovl_ip *ip, const void *frame, size_t len)
{
	struct ovl_evt e;

	if (sizeof(e) + len > recsz)
		abort(); /* the test's buffer is too small */
	memset(&e, 0, sizeof(e));
	e.hdr.type = type;
	e.hdr.len = (__u16)(sizeof(e) + len);
	e.vni = vni;
	e.ifindex = ifindex;
	e.ts_ns = 1;
	memcpy(e.mac, mac, 6);
	if (ip) {
		e.family = ip->family;
		memcpy(e.addr, ip->addr, 16);
	}
	e.pkt_len = (__u32)len;
	e.cap_len = (__u32)len;
	memcpy(rec, &e, sizeof(e));
	memcpy((__u8 *)rec + sizeof(e), frame, len);
	return sizeof(e) + len;
}

void fx_miss(struct fx *fx, __u16 type, __u32 vni, __u32 ifindex, const __u8 mac[6],
	     const struct ovl_ip *ip, const void *frame, size_t len)
{
	static __u8 rec[sizeof(struct ovl_evt) + OVL_EVT_PKT_MAX];
	size_t n = fx_record(rec, sizeof(rec), type, vni, ifindex, mac, ip, frame, len);

	miss_submit(&fx->d, rec, n);
	miss_process(&fx->d);
}

void fx_mac(const char *s, __u8 mac[6])
{
	if (!ASSERT_OK(ovl_mac_parse(s, mac), s))
		memset(mac, 0, 6);
}

void fx_ip(const char *s, struct ovl_ip *ip)
{
	if (!ASSERT_OK(ovl_ip_parse(s, ip), s))
		memset(ip, 0, sizeof(*ip));
}

bool fx_run_until_ge(struct fx *fx, const unsigned long long *counter, unsigned long long want,
		     int limit_ms)
{
	uint64_t end = loop_now_ms() + (uint64_t)limit_ms;

	while (*counter < want && loop_now_ms() < end)
		loop_run_once(fx->d.loop, 20);
	return *counter >= want;
}
