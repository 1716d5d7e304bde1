/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * kfeat.h - what the running kernel offers the data path, found by probing
 * (libbpf's helper and map probes, the kernel's BTF, and a helper tried
 * with BPF_PROG_TEST_RUN), never by reading its version.
 *
 * A required feature missing means the kernel is below ovl's floor,
 * OVL_KERNEL_MIN: ovld refuses to start, in one line naming the floor and
 * what is missing. An optional feature (OVL_FEAT_*, ovl_abi.h) missing
 * turns on another way in the programs, set in their read-only
 * ovl_features before the load.
 *
 * The environment variable OVL_FEATURES_OFF (names, comma-separated) makes
 * features count as missing: how the other ways, and the floor, are tested
 * on a kernel that has everything.
 */
#ifndef OVL_KFEAT_H
#define OVL_KFEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define OVL_KERNEL_MIN "6.1" /* Debian 12; the oldest kernel the tests boot */

struct ovl_kfeat_desc {
	const char *name;    /* as OVL_FEATURES_OFF and `ovlctl status` name it */
	const char *what;    /* the kernel facility */
	const char *since;   /* the first Linux release that has it */
	__u32 bit;	     /* OVL_FEAT_* for an optional one; 0: required */
	const char *without; /* optional: what the data path does instead */
};

struct ovl_kfeat {
	char release[65]; /* uname -r */
	__u32 bits;	  /* OVL_FEAT_* found (and not turned off) */
	__u64 missing;	  /* bit i: ovl_kfeat_table[i] missing */
	__u64 turned_off; /* bit i: missing because OVL_FEATURES_OFF says so */
};

extern const struct ovl_kfeat_desc ovl_kfeat_table[];
extern const size_t ovl_kfeat_count;

/*
 * ovl_kfeat_probe() - probe every feature of ovl_kfeat_table into @f.
 * Needs the privileges of a BPF load (CAP_BPF, CAP_NET_ADMIN). Returns 0
 * when the kernel has every required one; -ENOTSUP with a one-line
 * message in @err ("Linux R is below ovl's minimum, 6.1: it lacks ...")
 * when not; -EINVAL when OVL_FEATURES_OFF names no feature; -errno
 * (-EPERM without the privileges) when a probe could not tell.
 */
int ovl_kfeat_probe(struct ovl_kfeat *f, char *err, size_t errlen);

#endif /* OVL_KFEAT_H */
