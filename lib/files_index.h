/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * files_index.h - the layout of a hosts.json table, private to the parser
 * that fills it (files.c) and the lookups that read it (files_index.c).
 * Everyone else uses files.h.
 */
#ifndef OVL_FILES_INDEX_H
#define OVL_FILES_INDEX_H

#include <stddef.h>
#include "files.h"
#include "hash.h"

/* The table ovl_files_parse() builds; immutable once built. */
struct ovl_files_table {
	struct ovl_files_entry *entries; /* in file order */
	size_t count;
	size_t cap;
	struct ovl_hash by_mac;	 /* mac[6] -> __u32 index into entries */
	struct ovl_hash by_ip;	 /* struct ovl_ip (arp and ndp) -> __u32 index */
	struct ovl_hash servers; /* mac[6] set: the MACs some entry's dhcp-proxy names */
};

#endif /* OVL_FILES_INDEX_H */
