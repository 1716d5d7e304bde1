// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * dp.c - the data path's life in ovld: loading (or adopting), attaching XDP
 * to the underlay and TC to endpoint veths, and whose program is whose.
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
#include "veth.h"
#include "log.h"

_Static_assert(OVL_INSTANCE_MAX <= OVL_OWNER_LEN, "an instance name fits ovl_cfg.owner");

#define UL_TC_HANDLE 0x0ec1 /* our filter on the underlay's clsact ingress */
#define UL_TC_PRIO   1

static const char *prog_name_by_id(__u32 id, char *buf, size_t len, int *fd_out)
{
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	buf[0] = '\0';
	if (fd < 0)
		return NULL;
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		close(fd);
		return NULL;
	}
	snprintf(buf, len, "%s", info.name);
	if (fd_out)
		*fd_out = fd;
	else
		close(fd);
	return buf;
}

/*
 * Whose is an attached program? An ovl program uses an ovl_config map. It is
 * this instance's when that is the map of our pins or the one we loaded
 * (whatever its ABI), or when the map names this instance as its owner
 * (ABI 2 on; the pins may be gone). Since ABI 2 the owner field names any
 * other instance; an ABI-1 program that is not on our pins cannot say whose
 * it is, and is treated as another instance's: ovld neither replaces nor
 * detaches it (detaching it is the operator's call, see ovld(8)). The owner
 * is read at its ABI-2 offset from a config map of any size: later ABIs keep
 * abi_version and owner where they are.
 */
enum { OWNER_NONE, OWNER_SELF, OWNER_OTHER, OWNER_ABI1 };

struct owner {
	int kind;		      /* OWNER_*; NONE: not an ovl program */
	__u32 id;		      /* the program */
	char prog[BPF_OBJ_NAME_LEN];  /* its name */
	char inst[OVL_OWNER_LEN + 1]; /* OTHER: the instance */
};

static void prog_owner(const struct ovld *d, __u32 prog_id, struct owner *o)
{
	struct bpf_prog_info info = {};
	__u32 map_ids[64], len = sizeof(info);
	int fd;

	memset(o, 0, sizeof(*o));
	o->id = prog_id;
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return;
	info.nr_map_ids = 64;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		close(fd);
		return;
	}
	close(fd);
	snprintf(o->prog, sizeof(o->prog), "%s", info.name);
	for (__u32 i = 0; i < info.nr_map_ids && i < 64; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi), zero = 0;
		__u8 val[256] = {};
		const struct ovl_cfg *cfg = (const void *)val;
		int mfd;

		if (map_ids[i] == d->cfg_ids[0] || map_ids[i] == d->cfg_ids[1]) {
			o->kind = OWNER_SELF;
			return;
		}
		mfd = bpf_map_get_fd_by_id(map_ids[i]);
		if (mfd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(mfd, &mi, &mlen) || strcmp(mi.name, OVL_MAP_CONFIG) ||
		    mi.value_size > sizeof(val) || bpf_map_lookup_elem(mfd, &zero, val)) {
			close(mfd);
			continue;
		}
		close(mfd);
		if (mi.value_size < sizeof(struct ovl_cfg) || cfg->abi_version < 2 ||
		    !cfg->owner[0]) {
			o->kind = OWNER_ABI1;
			return;
		}
		memcpy(o->inst, cfg->owner, OVL_OWNER_LEN);
		o->kind = strcmp(o->inst, d->o.instance) ? OWNER_OTHER : OWNER_SELF;
		return;
	}
}

/* "ovl instance \"NAME\"", for messages. */
static const char *owner_str(const struct owner *o, char *buf, size_t len)
{
	if (o->kind == OWNER_OTHER)
		snprintf(buf, len, "ovl instance \"%s\"", o->inst);
	else if (o->kind == OWNER_ABI1)
		snprintf(buf, len, "an ovl instance of ABI 1 (which does not record its name)");
	else
		snprintf(buf, len, "another tool");
	return buf;
}

/*
 * Refuse to take over an underlay another instance serves: its program
 * at XDP (either mode) or in our TC filter. Another tool's program is the
 * attach functions' to refuse.
 */
static int underlay_check(struct ovld *d)
{
	__u32 ids[3] = {}, modes[2] = { XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE };
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = d->underlay_ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = UL_TC_HANDLE, .priority = UL_TC_PRIO);
	static const char *const hooks[3] = { "XDP (native)", "XDP (generic)", "TC ingress" };
	struct owner o;
	char who[96], hint[256];

	for (int i = 0; i < 2; i++)
		bpf_xdp_query_id(d->underlay_ifindex, (int)modes[i], &ids[i]);
	if (!bpf_tc_query(&hook, &opts))
		ids[2] = opts.prog_id;
	for (int i = 0; i < 3; i++) {
		if (!ids[i])
			continue;
		prog_owner(d, ids[i], &o);
		if (o.kind == OWNER_NONE || o.kind == OWNER_SELF)
			continue;
		if (o.kind == OWNER_OTHER)
			snprintf(hint, sizeof(hint),
				 "remove that instance first (stop its ovld, then `ovld --instance "
				 "%s --underlay %s --cleanup`) or give this one another underlay",
				 o.inst, d->o.underlay);
		else
			snprintf(
				hint, sizeof(hint),
				"its maps are not this instance's pins, so ovld leaves it alone; if "
				"it is this instance's all the same, detach it by hand (UPGRADES "
				"in ovld(8)) and start again");
		pr_err("underlay %s is served by %s (program %s, id %u, at %s): an underlay "
		       "carries one instance; %s",
		       d->o.underlay, owner_str(&o, who, sizeof(who)), o.prog, o.id, hooks[i],
		       hint);
		return -EBUSY;
	}
	return 0;
}

/*
 * May ovld replace (or detach) program id, attached at where on ifname? Only
 * when it is this instance's; says why not otherwise.
 */
static int may_replace(struct ovld *d, __u32 id, const char *ifname, const char *where)
{
	struct owner o;
	char who[96];

	prog_owner(d, id, &o);
	if (o.kind == OWNER_SELF)
		return 0;
	if (o.kind == OWNER_NONE)
		pr_err("%s has program \"%s\" (id %u) at %s; not replacing another tool's "
		       "program",
		       ifname, o.prog, id, where);
	else
		pr_err("%s has program %s (id %u) of %s at %s; not replacing another "
		       "instance's program",
		       ifname, o.prog, id, owner_str(&o, who, sizeof(who)), where);
	return -EBUSY;
}

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

static int dp_attach_xdp(struct ovld *d)
{
	int new_fd = bpf_program__fd(d->skel->progs.ovl_xdp_rx);
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	__u32 modes[2] = { XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE };
	int err;

	/* This instance's program already there (restart, upgrade): replace
	 * it in place, in the mode it has; the kernel replaces only the
	 * program we looked at (XDP_FLAGS_REPLACE with its fd). Anything
	 * else: refuse to clobber it. */
	for (int i = 0; i < 2; i++) {
		__u32 id = 0;
		int old_fd;

		if (bpf_xdp_query_id(d->underlay_ifindex, (int)modes[i], &id) || !id)
			continue;
		err = may_replace(d, id, d->o.underlay, "XDP");
		if (err)
			return err;
		old_fd = bpf_prog_get_fd_by_id(id);
		if (old_fd < 0) {
			pr_err("XDP program %u on %s: %s", id, d->o.underlay, strerror(-old_fd));
			return old_fd;
		}
		opts.old_prog_fd = old_fd;
		err = bpf_xdp_attach(d->underlay_ifindex, new_fd, modes[i] | XDP_FLAGS_REPLACE,
				     &opts);
		close(old_fd);
		if (err) {
			pr_err("replace XDP program on %s (ifindex %d): %s", d->o.underlay,
			       d->underlay_ifindex, strerror(-err));
			return err;
		}
		d->xdp_flags = modes[i];
		pr_info("replaced XDP program on %s (%s mode)", d->o.underlay,
			i == 0 ? "native" : "generic");
		return 0;
	}

	if (!d->o.xdp_generic) {
		err = bpf_xdp_attach(d->underlay_ifindex, new_fd,
				     XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
		if (!err) {
			d->xdp_flags = XDP_FLAGS_DRV_MODE;
			pr_info("attached XDP to %s (ifindex %d, native mode)", d->o.underlay,
				d->underlay_ifindex);
			return 0;
		}
		pr_warn("native XDP on %s (ifindex %d) failed: %s; falling back to generic XDP, "
			"which is slower",
			d->o.underlay, d->underlay_ifindex, strerror(-err));
	}
	err = bpf_xdp_attach(d->underlay_ifindex, new_fd,
			     XDP_FLAGS_SKB_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (err) {
		pr_err("attach XDP to %s (ifindex %d): %s", d->o.underlay, d->underlay_ifindex,
		       strerror(-err));
		return err;
	}
	d->xdp_flags = XDP_FLAGS_SKB_MODE;
	pr_info("attached XDP to %s (ifindex %d, generic mode)", d->o.underlay,
		d->underlay_ifindex);
	return 0;
}

/* The id of the program of our filter on the underlay, or 0. */
static __u32 ul_tc_prog_id(int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = UL_TC_HANDLE, .priority = UL_TC_PRIO);

	return bpf_tc_query(&hook, &opts) ? 0 : opts.prog_id;
}

static int dp_attach_tc_ul(struct ovld *d)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = d->underlay_ifindex,
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = UL_TC_HANDLE, .priority = UL_TC_PRIO,
		    .flags = BPF_TC_F_REPLACE);
	__u32 old = ul_tc_prog_id(d->underlay_ifindex);
	int err;

	if (old && may_replace(d, old, d->o.underlay, "TC ingress (filter 0xec1 prio 1)"))
		return -EBUSY;
	/* Nothing there: create it exclusively (a racing instance loses). */
	if (!old)
		opts.flags = 0;
	opts.prog_fd = bpf_program__fd(d->skel->progs.ovl_tc_ul_in);
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		pr_err("create clsact on %s: %s", d->o.underlay, strerror(-err));
		return err;
	}
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		pr_err("attach TC decapsulation to %s (ifindex %d): %s", d->o.underlay,
		       d->underlay_ifindex, strerror(-err));
		return err;
	}
	pr_info("%s TC decapsulation on %s (ifindex %d)", old ? "replaced" : "attached",
		d->o.underlay, d->underlay_ifindex);
	return 0;
}

/* Remove this instance's decapsulation from an interface: its XDP program
 * and its TC filter, nothing else. */
int dp_detach_decap(struct ovld *d, int ifindex, const char *ifname)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = UL_TC_HANDLE, .priority = UL_TC_PRIO);
	__u32 modes[2] = { XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE }, id;
	struct owner o;
	char who[96];

	for (int i = 0; i < 3; i++) {
		id = i < 2 ? 0 : ul_tc_prog_id(ifindex);
		if (i < 2 && bpf_xdp_query_id(ifindex, (int)modes[i], &id))
			continue;
		if (!id)
			continue;
		prog_owner(d, id, &o);
		if (o.kind == OWNER_NONE)
			continue;
		if (o.kind != OWNER_SELF)
			pr_warn("%s: left program %s (id %u) of %s attached", ifname, o.prog, id,
				owner_str(&o, who, sizeof(who)));
		else if (i < 2 ? !bpf_xdp_detach(ifindex, modes[i], NULL) :
				 !bpf_tc_detach(&hook, &opts))
			pr_info("detached %s from %s", i < 2 ? "XDP" : "TC decapsulation", ifname);
	}
	return 0;
}

/*
 * Decapsulation where it works best (see ovl_tcul.bpf.c): XDP on a NIC,
 * TC on a veth (whose frames can carry GSO and pending checksums that XDP
 * cannot see). Switching modes across a restart removes the other one.
 */
int dp_attach_decap(struct ovld *d)
{
	char drv[32] = "";
	int mode = d->o.decap, err;

	if (mode == OVL_DECAP_AUTO) {
		ovl_link_driver(d->o.underlay, drv, sizeof(drv));
		mode = !strcmp(drv, "veth") ? OVL_DECAP_TC : OVL_DECAP_XDP;
	}
	if (mode == OVL_DECAP_TC) {
		__u32 modes[2] = { XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE };
		struct owner o;

		err = dp_attach_tc_ul(d);
		if (err)
			return err;
		for (int i = 0; i < 2; i++) {
			__u32 id = 0;

			if (bpf_xdp_query_id(d->underlay_ifindex, (int)modes[i], &id) || !id)
				continue;
			prog_owner(d, id, &o);
			if (o.kind == OWNER_SELF)
				bpf_xdp_detach(d->underlay_ifindex, modes[i], NULL);
		}
	} else {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = d->underlay_ifindex,
			    .attach_point = BPF_TC_INGRESS);
		LIBBPF_OPTS(bpf_tc_opts, opts, .handle = UL_TC_HANDLE, .priority = UL_TC_PRIO);
		__u32 id;
		struct owner o;

		err = dp_attach_xdp(d);
		if (err)
			return err;
		id = ul_tc_prog_id(d->underlay_ifindex);
		if (id)
			prog_owner(d, id, &o);
		if (id && o.kind == OWNER_SELF)
			bpf_tc_detach(&hook, &opts);
	}
	d->decap = mode;
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
	cfg.flags = old_flags & ~OVL_CFG_F_DROP_EVENTS;
	cfg.abi_version = OVL_ABI_VERSION;
	memcpy(cfg.owner, d->o.instance, strnlen(d->o.instance, sizeof(cfg.owner)));
	if (events_wanted(d, OVL_EV_MONITOR)) /* someone watches drops */
		cfg.flags |= OVL_CFG_F_DROP_EVENTS;
	err = bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY);
	if (err)
		pr_err("write %s: %s", OVL_MAP_CONFIG, strerror(-err));
	return err;
}

/* ovld's filter on an endpoint veth's TC ingress hook. */
#define TC_HANDLE 1
#define TC_PRIO	  1

int dp_attach_tc(struct ovld *d, int ifindex, const char *ifname)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE, .priority = TC_PRIO,
		    .flags = BPF_TC_F_REPLACE);
	__u32 old = dp_tc_prog_id(ifindex);
	int err;

	/* An endpoint belongs to one instance: replace only our own filter
	 * (a restart, an upgrade), never another instance's or tool's. */
	if (old && may_replace(d, old, ifname, "TC ingress (filter 1 prio 1)"))
		return -EBUSY;
	if (!old)
		opts.flags = 0; /* create it exclusively */
	opts.prog_fd = bpf_program__fd(d->skel->progs.ovl_tc_ep_in);
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		pr_err("create clsact on %s (ifindex %d): %s", ifname, ifindex, strerror(-err));
		return err;
	}
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		pr_err("attach TC program to %s (ifindex %d): %s", ifname, ifindex, strerror(-err));
	return err;
}

__u32 dp_tc_prog_id(int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE, .priority = TC_PRIO);

	return bpf_tc_query(&hook, &opts) ? 0 : opts.prog_id;
}

bool dp_tc_is_ours(struct ovld *d, int ifindex)
{
	return !dp_tc_check(d, ifindex, "", NULL, 0);
}

int dp_tc_check(struct ovld *d, int ifindex, const char *ifname, char *err, size_t errlen)
{
	__u32 id = dp_tc_prog_id(ifindex);
	struct owner o;
	char who[96];

	if (!id)
		return 0;
	prog_owner(d, id, &o);
	if (o.kind == OWNER_SELF)
		return 0;
	if (err)
		snprintf(err, errlen,
			 "%s has program %s (id %u) of %s at its TC ingress; an endpoint belongs "
			 "to one instance",
			 ifname, o.prog, id, owner_str(&o, who, sizeof(who)));
	return -EBUSY;
}

static int sysctl_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/*
 * A host-side veth of an endpoint: the FIB lookup of the encap path starts
 * from it, which the kernel allows only with forwarding enabled on it. It
 * needs no IPv6 of its own (no link-local, no router solicitations).
 */
int dp_prepare_veth(const char *ifname)
{
	static const struct {
		const char *family, *knob, *val;
	} knobs[] = {
		{ "ipv4", "forwarding", "1" },
		{ "ipv6", "forwarding", "1" },
		{ "ipv6", "disable_ipv6", "1" },
	};
	char path[256];

	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int err;

		snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", knobs[i].family, ifname,
			 knobs[i].knob);
		err = sysctl_write(path, knobs[i].val);
		if (err) {
			pr_err("set %s = %s: %s", path, knobs[i].val, strerror(-err));
			return err;
		}
	}
	return 0;
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
