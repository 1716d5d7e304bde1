// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * kfeat.c - probe the running kernel for what the data path uses (kfeat.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "../bpf/ovl_abi.h"
#include "kfeat.h"
#include "safeopen.h"

/* UAPI of Linux 6.3, newer than the headers we build with */
#define ADJ_ROOM_FIXED_GSO    (1u << 0)
#define ADJ_ROOM_DECAP_L3_IP4 (1u << 7)

enum probe_kind { P_BTF, P_MAP, P_HELPER, P_SKB_READ, P_KFUNC, P_DECAP };

struct probe {
	enum probe_kind kind;
	int type; /* map type, or program type for a helper */
	int id;	  /* helper */
};

/* In the order of ovl_kfeat_table. */
static const struct probe probes[] = {
	{ P_BTF, 0, 0 },
	{ P_MAP, BPF_MAP_TYPE_RINGBUF, 0 },
	{ P_HELPER, BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_redirect_peer },
	{ P_HELPER, BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_redirect_neigh },
	{ P_HELPER, BPF_PROG_TYPE_XDP, BPF_FUNC_xdp_load_bytes },
	{ P_SKB_READ, BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_probe_read_kernel },
	{ P_KFUNC, 0, 0 },
	{ P_DECAP, 0, 0 },
};

const struct ovl_kfeat_desc ovl_kfeat_table[] = {
	{ "btf", "kernel BTF (/sys/kernel/btf/vmlinux)", "5.4", 0, NULL },
	{ "ringbuf", "BPF ring buffer maps", "5.8", 0, NULL },
	{ "redirect_peer", "bpf_redirect_peer()", "5.10", 0, NULL },
	{ "redirect_neigh", "bpf_redirect_neigh()", "5.10", 0, NULL },
	{ "xdp_load_bytes", "bpf_xdp_load_bytes()", "5.18", 0, NULL },
	{ "skb_read",
	  "a way to read the kernel's sk_buff (kfunc bpf_cast_to_kern_ctx(), or "
	  "bpf_probe_read_kernel() in TC programs, which lockdown=confidentiality forbids)",
	  "5.5", 0, NULL },
	{ "kern_ctx", "kfunc bpf_cast_to_kern_ctx()", "6.2", OVL_FEAT_KERN_CTX,
	  "the encapsulation reads a frame's checksum-offload state through "
	  "bpf_probe_read_kernel() (IPv6 underlay only)" },
	{ "decap_flags", "bpf_skb_adjust_room() BPF_F_ADJ_ROOM_DECAP_L3_*", "6.3",
	  OVL_FEAT_DECAP_FLAGS,
	  "the TC decapsulation of a frame of the other IP version than the underlay's "
	  "first turns the outer header into that version with bpf_skb_change_proto()" },
};
const size_t ovl_kfeat_count = sizeof(ovl_kfeat_table) / sizeof(ovl_kfeat_table[0]);

_Static_assert(sizeof(probes) / sizeof(probes[0]) ==
		       sizeof(ovl_kfeat_table) / sizeof(ovl_kfeat_table[0]),
	       "one probe per feature");

/* bpf_skb_adjust_room() with a decapsulation flag, run once on a frame:
 * 1 when it takes the flag, 0 when not (-EINVAL), or -errno. */
static int probe_decap_flags(void)
{
	const struct bpf_insn insns[] = {
		/* r1 = ctx already; r2 = -8, r3 = BPF_ADJ_ROOM_MAC, r4 = flags */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = -8 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K,
		  .dst_reg = BPF_REG_3,
		  .imm = BPF_ADJ_ROOM_MAC },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K,
		  .dst_reg = BPF_REG_4,
		  .imm = ADJ_ROOM_FIXED_GSO | ADJ_ROOM_DECAP_L3_IP4 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_skb_adjust_room },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	unsigned char frame[ETH_HLEN + 20 + 64] = { [12] = 0x08, [13] = 0x00, [14] = 0x45 };
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = frame, .data_size_in = sizeof(frame));
	int fd, ret;

	fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "ovl_probe", "GPL", insns,
			   sizeof(insns) / sizeof(insns[0]), NULL);
	if (fd < 0)
		return -errno;
	ret = bpf_prog_test_run_opts(fd, &run) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	return run.retval == 0; /* (u32)-EINVAL: an unknown flag */
}

static int probe_kfunc(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int ok;

	if (!btf)
		return 0;
	ok = btf__find_by_name_kind(btf, "bpf_cast_to_kern_ctx", BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return ok;
}

/* 1: the kernel has it, 0: not, -errno: could not tell (privileges). */
static int probe_one(const struct probe *p)
{
	int ret;

	switch (p->kind) {
	case P_BTF:
		return !access("/sys/kernel/btf/vmlinux", R_OK);
	case P_MAP:
		return libbpf_probe_bpf_map_type(p->type, NULL);
	case P_HELPER:
		return libbpf_probe_bpf_helper(p->type, p->id, NULL);
	case P_SKB_READ:
		ret = probe_kfunc();
		return ret ? ret : libbpf_probe_bpf_helper(p->type, p->id, NULL);
	case P_KFUNC:
		return probe_kfunc();
	case P_DECAP:
		return probe_decap_flags();
	}
	return 0;
}

/* The features OVL_FEATURES_OFF names, as bits of the table. */
static int turned_off(__u64 *off, char *err, size_t errlen)
{
	const char *env = getenv("OVL_FEATURES_OFF");
	char *copy, *tok, *save = NULL;
	int ret = 0;

	*off = 0;
	if (!env || !*env)
		return 0;
	copy = strdup(env);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < ovl_kfeat_count; i++)
			if (!strcmp(tok, ovl_kfeat_table[i].name))
				break;
		if (i == ovl_kfeat_count) {
			ovl_errf(err, errlen, "OVL_FEATURES_OFF: no kernel feature '%s'", tok);
			ret = -EINVAL;
			break;
		}
		*off |= 1ull << i;
	}
	free(copy);
	return ret;
}

int ovl_kfeat_probe(struct ovl_kfeat *f, char *err, size_t errlen)
{
	struct utsname u;
	size_t n = 0;
	int ret;

	memset(f, 0, sizeof(*f));
	if (!uname(&u))
		snprintf(f->release, sizeof(f->release), "%s", u.release);
	ret = turned_off(&f->turned_off, err, errlen);
	if (ret)
		return ret;
	for (size_t i = 0; i < ovl_kfeat_count; i++) {
		const struct ovl_kfeat_desc *k = &ovl_kfeat_table[i];
		int has = (f->turned_off & (1ull << i)) ? 0 : probe_one(&probes[i]);

		if (has < 0) {
			ovl_errf(err, errlen, "probe the kernel for %s: %s", k->what,
				 strerror(-has));
			return has;
		}
		if (has)
			f->bits |= k->bit;
		else
			f->missing |= 1ull << i;
	}
	for (size_t i = 0; i < ovl_kfeat_count; i++) {
		const struct ovl_kfeat_desc *k = &ovl_kfeat_table[i];
		size_t at = n ? strlen(err) : 0;

		if (k->bit || !(f->missing & (1ull << i)) || at >= errlen)
			continue;
		if (!n++)
			at = (size_t)snprintf(err, errlen,
					      "Linux %s is below ovl's minimum, %s: it lacks",
					      f->release, OVL_KERNEL_MIN);
		if (at < errlen)
			snprintf(err + at, errlen - at, "%s %s (%s%s)", n > 1 ? "," : "", k->what,
				 k->since,
				 f->turned_off & (1ull << i) ? ", turned off by OVL_FEATURES_OFF" :
							       "");
	}
	return n ? -ENOTSUP : 0;
}
