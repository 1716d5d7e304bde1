// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * dp.c - the data path's life in ovld: the kernel probed, the object loaded
 * (or its maps adopted), its configuration written, its ringbuf opened, and
 * what status shows of it. Attaching is attach.c's, whose program is whose
 * owner.c's.
 *
 * Restart and upgrade are the same path: every map has a pin path under
 * <bpffs>/<instance>/ (pins.c judges that directory and migrates maps of
 * an older layout), so libbpf reuses a pinned map of the same shape
 * instead of creating it (state, counters and cached entries survive), new
 * program instances are loaded against those maps, and the attachments are
 * replaced atomically (XDP_FLAGS_REPLACE, BPF_TC_F_REPLACE). Traffic keeps
 * flowing across a restart, even a SIGKILL: attachments made through
 * netlink do not depend on ovld's file descriptors.
 *
 * Only this instance's programs are replaced or detached: a program is ours
 * when its ovl_config map is the one we pinned or loaded, or names this
 * instance (prog_owner()). An underlay another instance serves is refused.
 *
 * When the pins are gone but the programs are still attached (a bpffs that
 * lived in another mount namespace, e.g. of an earlier `ip netns exec`),
 * the maps are adopted from this instance's attached programs (map ids).
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <limits.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <linux/ethtool.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "ovld.h"
#include "dp.h"
#include "veth.h"
#include "log.h"

_Static_assert(OVL_INSTANCE_MAX <= OVL_OWNER_LEN, "an instance name fits ovl_cfg.owner");

static void adopt_from_attached(struct ovld *d);

/*
 * What the kernel offers the programs (lib/kfeat.h): refuses, in one line,
 * a kernel below the minimum; says once which newer feature is missing and
 * what the data path does instead.
 */
int dp_probe_kernel(struct ovld *d)
{
	char msg[512];
	int err;

	err = ovl_kfeat_probe(&d->kfeat, msg, sizeof(msg));
	if (err) {
		pr_err("%s", msg);
		return err;
	}
	for (size_t i = 0; i < ovl_kfeat_count; i++) {
		const struct ovl_kfeat_desc *k = &ovl_kfeat_table[i];

		if (k->bit && !(d->kfeat.bits & k->bit))
			pr_info("kernel %s: %s %s (Linux %s): %s", d->kfeat.release, k->what,
				d->kfeat.turned_off & (1ull << i) ?
					"turned off by OVL_FEATURES_OFF" :
					"missing",
				k->since, k->without);
	}
	return 0;
}

int dp_open(struct ovld *d)
{
	struct bpf_program *prog;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int err;

	/* Whose the underlay is, before anything is made: our pins (if any)
	 * tell which attached program is ours. */
	d->pin_fd = pins_open(d, false);
	if (d->pin_fd < 0 && d->pin_fd != -ENOENT)
		return d->pin_fd;
	err = underlay_check(d);
	if (err)
		return err;
	if (d->pin_fd < 0)
		d->pin_fd = pins_open(d, true);
	if (d->pin_fd < 0)
		return d->pin_fd;

	d->skel = ovl__open();
	if (!d->skel) {
		err = -errno;
		pr_err("open BPF object: %s", strerror(-err));
		return err;
	}
	if (d->skel->rodata->ovl_abi_version != OVL_ABI_VERSION) {
		pr_err("BPF object has ABI %u, ovld expects %u", d->skel->rodata->ovl_abi_version,
		       OVL_ABI_VERSION);
		return -EINVAL;
	}
	d->skel->rodata->ovl_features = d->kfeat.bits;
	err = pins_prepare(d);
	if (err)
		return err;
	if (d->pins_any)
		d->adopted = true;
	else
		adopt_from_attached(d);

	err = ovl__load(d->skel);
	if (err) {
		pr_err("load BPF programs: %s", strerror(-err));
		return err;
	}
	if (!bpf_obj_get_info_by_fd(bpf_map__fd(d->skel->maps.ovl_config), &info, &len))
		d->cfg_ids[1] = info.id;
	err = pins_migrate_copy(d);
	if (err)
		return err;
	bpf_object__for_each_program(prog, d->skel->obj)
	{
		snprintf(path, sizeof(path), "%s/%s", d->pin_dir, bpf_program__name(prog));
		unlink(path);
		err = bpf_program__pin(prog, path);
		if (err) {
			pr_err("pin program %s: %s", path, strerror(-err));
			return err;
		}
	}
	pr_info("BPF data path %s, pinned under %s",
		d->migrated_from ? "loaded, migrating the maps of older pins" :
		d->adopted	 ? "reloaded on existing maps" :
				   "loaded",
		d->pin_dir);
	return 0;
}

/*
 * Adopt the maps of the attached program prog_id when it is this
 * instance's (and named want): every map of it that the new object has, of
 * the same shape, and that is not adopted yet. Returns how many it adopted.
 */
static int adopt_maps_of(struct ovld *d, __u32 prog_id, const char *want)
{
	__u32 map_ids[64], info_len;
	struct bpf_prog_info info = {};
	struct bpf_map *map;
	struct owner o;
	char name[32];
	int prog_fd = -1, adopted = 0;

	if (prog_id)
		prog_owner(d, prog_id, &o);
	if (!prog_id || o.kind != OWNER_SELF ||
	    !prog_name_by_id(prog_id, name, sizeof(name), &prog_fd) || strcmp(name, want)) {
		if (prog_fd >= 0)
			close(prog_fd);
		return 0;
	}
	info.nr_map_ids = 64;
	info.map_ids = (__u64)(unsigned long)map_ids;
	info_len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &info_len)) {
		close(prog_fd);
		return 0;
	}
	close(prog_fd);
	for (__u32 i = 0; i < info.nr_map_ids && i < 64; i++) {
		struct bpf_map_info minfo = {};
		__u32 mlen = sizeof(minfo);
		int fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &minfo, &mlen)) {
			close(fd);
			continue;
		}
		map = bpf_object__find_map_by_name(d->skel->obj, minfo.name);
		if (!map || bpf_map__is_internal(map) || bpf_map__fd(map) >= 0 ||
		    bpf_map__key_size(map) != minfo.key_size ||
		    bpf_map__value_size(map) != minfo.value_size ||
		    bpf_map__max_entries(map) != minfo.max_entries ||
		    bpf_map__type(map) != minfo.type || bpf_map__reuse_fd(map, fd)) {
			close(fd);
			continue;
		}
		close(fd); /* bpf_map__reuse_fd() took its own copy */
		adopted++;
	}
	return adopted;
}

/*
 * The pins are gone (a bpffs that lived in the mount namespace of an
 * earlier `ip netns exec`): take the maps of the ovl programs still
 * attached, so that entries and counters survive. A program only holds
 * the maps it uses, so all of them are asked: decapsulation on the
 * underlay (XDP or TC) and the TC programs of the endpoints the state
 * file lists (the forwarding entries live in maps only those use).
 */
static void adopt_from_attached(struct ovld *d)
{
	char path[PATH_MAX];
	__u32 prog_id = 0;
	json_error_t jerr;
	json_t *root, *o;
	size_t i;
	int n = 0;

	if (!bpf_xdp_query_id(d->underlay_ifindex, 0, &prog_id))
		n += adopt_maps_of(d, prog_id, OVL_PROG_XDP);
	n += adopt_maps_of(d, ul_tc_prog_id(d->underlay_ifindex), OVL_PROG_TCUL);
	snprintf(path, sizeof(path), "%s/state.json", d->o.state_dir);
	root = json_load_file(path, 0, &jerr);
	json_array_foreach(json_object_get(root, "endpoints"), i, o) {
		const char *host = json_string_value(json_object_get(o, "host_ifname"));
		int ifindex = host ? ovl_link_ifindex(host) : -1;

		if (ifindex > 0)
			n += adopt_maps_of(d, dp_tc_prog_id(ifindex), OVL_PROG_TC);
	}
	json_decref(root);
	if (n) {
		d->adopted = true;
		pr_info("adopted %d maps from the ovl programs still attached (no pins in %s)", n,
			d->pin_dir);
	}
}

int dp_write_config(struct ovld *d)
{
	struct ovl_cfg cfg;
	__u32 zero = 0, old_flags = 0;
	int fd = bpf_map__fd(d->skel->maps.ovl_config), err;

	memset(&cfg, 0, sizeof(cfg));
	if (!bpf_map_lookup_elem(fd, &zero, &cfg))
		old_flags = cfg.flags;
	memset(&cfg, 0, sizeof(cfg));
	if (d->local4.family)
		memcpy(&cfg.local4, d->local4.addr, 4);
	if (d->local6.family)
		memcpy(cfg.local6, d->local6.addr, 16);
	cfg.underlay_ifindex = (__u32)d->underlay_ifindex;
	cfg.vxlan_port = htons(d->o.port);
	cfg.flags = old_flags & ~(OVL_CFG_F_DROP_EVENTS | OVL_CFG_F_XDP_DECAP);
	if (d->decap == OVL_DECAP_XDP)
		cfg.flags |= OVL_CFG_F_XDP_DECAP;
	cfg.abi_version = OVL_ABI_VERSION;
	cfg.nh_gen = d->nh_gen;
	memcpy(cfg.owner, d->o.instance, strnlen(d->o.instance, sizeof(cfg.owner)));
	if (events_wanted(d, OVL_EV_MONITOR)) /* someone watches drops */
		cfg.flags |= OVL_CFG_F_DROP_EVENTS;
	err = bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY);
	if (err)
		pr_err("write %s: %s", OVL_MAP_CONFIG, strerror(-err));
	return err;
}

int dp_map_fd(struct ovld *d, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(d->skel->obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

/* {"release", "minimum", "features": [{"name", "what", "since", "on",
 * "off_because"?, "instead"?}]}: what the programs were loaded with. */
json_t *dp_kernel_json(const struct ovld *d)
{
	json_t *feats = json_array();

	for (size_t i = 0; i < ovl_kfeat_count; i++) {
		const struct ovl_kfeat_desc *k = &ovl_kfeat_table[i];
		bool off = d->kfeat.missing & (1ull << i);

		json_array_append_new(feats, json_pack("{s:s, s:s, s:s, s:b, s:s?, s:s?}", "name",
						       k->name, "what", k->what, "since", k->since,
						       "on", !off, "off_because",
						       !off ? NULL :
						       d->kfeat.turned_off & (1ull << i) ?
							      "OVL_FEATURES_OFF" :
							      "missing",
						       "instead", off ? k->without : NULL));
	}
	return json_pack("{s:s, s:s, s:o}", "release", d->kfeat.release, "minimum", OVL_KERNEL_MIN,
			 "features", feats);
}

/* The programs as the kernel has them: [{name, id, hook, attached}], and
 * the id of the XDP program on the underlay (0: none) in *xdp_id. */
json_t *dp_programs_json(struct ovld *d, __u32 *xdp_id)
{
	json_t *progs = json_array();
	struct bpf_program *prog;

	*xdp_id = 0;
	bpf_xdp_query_id(d->underlay_ifindex, (int)d->xdp_flags, xdp_id);
	bpf_object__for_each_program(prog, d->skel->obj)
	{
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		bool is_xdp = !strcmp(bpf_program__name(prog), OVL_PROG_XDP);
		bool is_ul = !strcmp(bpf_program__name(prog), OVL_PROG_TCUL);
		int attached = 0;

		bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len);
		/* What the kernel has attached, not what ovld believes it did. */
		if (is_xdp)
			attached = *xdp_id && *xdp_id == info.id;
		else if (is_ul)
			attached = d->decap == OVL_DECAP_TC;
		else
			for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
				attached += dp_tc_prog_id(ep->host_ifindex) == info.id;
		json_array_append_new(progs, json_pack("{s:s, s:i, s:s, s:i}", "name",
						       bpf_program__name(prog), "id",
						       (json_int_t)info.id, "hook",
						       is_xdp ? "xdp" :
						       is_ul  ? "tc ingress (underlay)" :
								"tc ingress (endpoints)",
						       "attached", (json_int_t)attached));
	}
	return progs;
}

int dp_events_open(struct ovld *d, int (*cb)(void *ctx, void *data, size_t size), void *ctx)
{
	d->rb = ring_buffer__new(bpf_map__fd(d->skel->maps.ovl_events), cb, ctx, NULL);
	if (!d->rb) {
		int err = -errno;

		pr_err("open ringbuf %s: %s", OVL_MAP_EVENTS, strerror(-err));
		return err;
	}
	return ring_buffer__epoll_fd(d->rb);
}

int dp_events_consume(struct ovld *d)
{
	return d->rb ? ring_buffer__consume(d->rb) : 0;
}

void dp_events_close(struct ovld *d)
{
	ring_buffer__free(d->rb);
	d->rb = NULL;
}

void dp_close(struct ovld *d)
{
	/* Programs stay attached and maps pinned: the data path outlives us. */
	pins_close(d);
	ovl__destroy(d->skel);
	d->skel = NULL;
}
