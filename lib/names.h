/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * names.h - names for the numeric ids of ovl_abi.h (counters, drop
 * reasons, event types), as ovlctl prints them and the control protocol
 * carries them.
 */
#ifndef OVL_NAMES_H
#define OVL_NAMES_H

#include <linux/types.h>

/* "decap", "drop_spoof_mac", ...; NULL for an id out of range. */
const char *ovl_stat_name(__u32 id);
/* What the counter means, one line. */
const char *ovl_stat_desc(__u32 id);
/* "spoof_mac", ...; "unknown" for an unknown reason. */
const char *ovl_drop_name(__u32 reason);
/* The per-overlay counters of ovl_vni_stats: "encap", "drops", ...; NULL
 * for an id out of range. */
const char *ovl_vstat_name(__u32 id);
const char *ovl_vstat_desc(__u32 id);
/* What a drop reason means, one line; NULL for an unknown one. */
const char *ovl_drop_desc(__u32 reason);
/* "miss_l2", "miss_arp", "miss_ndp", "drop"; "unknown" otherwise. */
const char *ovl_evt_type_name(__u32 type);

#endif /* OVL_NAMES_H */
