// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * owner.c - whose is an attached program (dp.h): this instance's, another
 * instance's, or none of ovl's; ovld replaces or detaches only its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "ovld.h"
#include "dp.h"
#include "veth.h"
#include "log.h"

const char *prog_name_by_id(__u32 id, char *buf, size_t len, int *fd_out)
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

void prog_owner(const struct ovld *d, __u32 prog_id, struct owner *o)
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
const char *owner_str(const struct owner *o, char *buf, size_t len)
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
int underlay_check(struct ovld *d)
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
int may_replace(struct ovld *d, __u32 id, const char *ifname, const char *where)
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
