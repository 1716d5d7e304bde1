// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * files_index.c - the lookups of a hosts.json table that the parser
 * (files.c) built: an entry by MAC, by arp/ndp address, the DHCP servers,
 * the entries in file order; and freeing it. See files.h.
 */
#include <stdlib.h>
#include <string.h>
#include "ovl_abi.h"
#include "files.h"
#include "files_index.h"

const struct ovl_files_entry *ovl_files_find_mac(const struct ovl_files_table *t, const __u8 mac[6])
{
	const __u32 *i = ovl_hash_find(&t->by_mac, mac);

	return i ? &t->entries[*i] : NULL;
}

const struct ovl_files_entry *ovl_files_find_ip(const struct ovl_files_table *t,
						const struct ovl_ip *ip)
{
	struct ovl_ip key;
	const __u32 *i;

	/* the stored keys are zero beyond the address, whatever the caller's are */
	memset(&key, 0, sizeof(key));
	key.family = ip->family;
	if (ip->family == OVL_AF_INET4)
		memcpy(key.addr, ip->addr, 4);
	else if (ip->family == OVL_AF_INET6)
		memcpy(key.addr, ip->addr, 16);
	else
		return NULL;
	i = ovl_hash_find(&t->by_ip, &key);
	return i ? &t->entries[*i] : NULL;
}

bool ovl_files_is_dhcp_server(const struct ovl_files_table *t, const __u8 mac[6])
{
	return ovl_hash_find(&t->servers, mac) != NULL;
}

size_t ovl_files_count(const struct ovl_files_table *t)
{
	return t->count;
}

const struct ovl_files_entry *ovl_files_entry(const struct ovl_files_table *t, size_t i)
{
	return i < t->count ? &t->entries[i] : NULL;
}

void ovl_files_free(struct ovl_files_table *t)
{
	if (!t)
		return;
	ovl_hash_free(&t->by_mac);
	ovl_hash_free(&t->by_ip);
	ovl_hash_free(&t->servers);
	free(t->entries);
	free(t);
}
