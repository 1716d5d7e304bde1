/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * dp.h - what dp.c, attach.c and owner.c share: whose an attached program
 * is, and the underlay's TC filter.
 */
#ifndef OVL_DP_H
#define OVL_DP_H

#include <linux/bpf.h>
#include "ovld.h"

#define UL_TC_HANDLE 0x0ec1 /* our filter on the underlay's clsact ingress */
#define UL_TC_PRIO   1

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

/* The name of program id (and, with fd_out, an fd of it); NULL if none. */
const char *prog_name_by_id(__u32 id, char *buf, size_t len, int *fd_out);
void prog_owner(const struct ovld *d, __u32 prog_id, struct owner *o);
/* "this instance", "instance NAME", ... for messages. */
const char *owner_str(const struct owner *o, char *buf, size_t len);
/* Refuse an underlay another instance's program sits on. */
int underlay_check(struct ovld *d);
/* May ovld replace program id on ifname (its hook where)? 0 or -EBUSY. */
int may_replace(struct ovld *d, __u32 id, const char *ifname, const char *where);
/* The id of ovld's filter on the underlay's TC ingress, 0 if none. */
__u32 ul_tc_prog_id(int ifindex);

#endif /* OVL_DP_H */
