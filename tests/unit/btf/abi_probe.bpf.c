// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * abi_probe.bpf.c - not a program: a BPF object whose BTF carries the enums
 * of ovl_abi.h as clang sees them, for tests/unit/test_abi_btf.c.
 *
 * The programs use the enumerators but declare nothing of an enum type, so
 * clang writes no enum into ovl.bpf.o's BTF. One variable of each enum
 * type here makes it do so.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "ovl_abi.h"

enum ovl_drop ovl_probe_drop;
enum ovl_stat_id ovl_probe_stat_id;
enum ovl_evt_type ovl_probe_evt_type;
enum ovl_vstat_id ovl_probe_vstat_id;

char LICENSE[] SEC("license") = "Dual BSD/GPL";
