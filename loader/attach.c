// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * attach.c - the programs on their hooks: XDP (or TC) decapsulation on the
 * underlay, TC on the endpoint veths (and the sysctls those need), each
 * replaced atomically and only when it is this instance's (owner.c).
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

/* ovld's filter on an endpoint veth's TC ingress hook. */
#define TC_HANDLE 1
#define TC_PRIO	  1

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
__u32 ul_tc_prog_id(int ifindex)
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
 * cannot see). Switching from XDP to TC across a restart removes XDP; with
 * XDP, TC stays attached behind it for shaped endpoints (OVL_CFG_F_XDP_DECAP).
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
		err = dp_attach_xdp(d);
		if (err)
			return err;
	}
	d->decap = mode;
	err = dp_write_config(d); /* OVL_CFG_F_XDP_DECAP before TC runs behind XDP */
	if (err || mode == OVL_DECAP_TC)
		return err;
	/* Behind XDP, TC decapsulates what XDP passes for a shaped endpoint
	 * (OVL_EP_F_SHAPED: its qdisc is on the egress XDP_REDIRECT skips). */
	if (dp_attach_tc_ul(d))
		pr_warn("%s: no TC decapsulation behind XDP: endpoints with a bandwidth cap get "
			"no traffic from other hosts",
			d->o.underlay);
	return 0;
}

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
