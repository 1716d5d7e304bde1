// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_etcd_kv.c - the etcd backend's keys and values (ovl-etcd(5)) as
 * its cache decodes them (loader/backend_etcd.c, through
 * ovl_etcd_cache_apply()): host/HOSTID, mac/MAC, ip/ADDR and ipam/ADDR
 * keys with their JSON values, puts and deletes in any order.
 *
 * The input is records KEY NUL VALUE NUL ..., at most 64. A key is under
 * the overlay's prefix "/ovl/v1/vni/23/" unless it starts with '/'; a key
 * starting with '-' is a delete (of the rest of the key, its value
 * ignored). Revisions grow with the record's index, except for a key
 * starting with '<' (after the '-', if any): revision 1, a read older than
 * what the cache has.
 *
 * What make fuzz-cov measures: a file, or FILE:FUNCTIONS for part of one.
 * cov: loader/backend_etcd.c:ovl_etcd_cache_apply,cache_init,cache_free,cache_put,cache_del
 * cov: loader/backend_etcd.c:key_kind,hostid_parse,name_mac,name_ip,value_json,value_host,hkey_eq
 * cov: loader/backend_etcd.c:mkey_of,ikey_of
 */
#include <errno.h>
#include "backend.h"
#include "etcd.h"
#include "log.h"
#include "fuzz.h"

#define MAX_RECORDS 64
#define PREFIX	    "/ovl/v1/vni/23/"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ovl_log_set_level((enum ovl_log_level)0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *parts[2 * MAX_RECORDS];
	struct etcd_kv kvs[MAX_RECORDS];
	bool del[MAX_RECORDS];
	size_t n = fuzz_split(data, size, parts, 2 * MAX_RECORDS), nkv = 0;
	int changed;

	memset(kvs, 0, sizeof(kvs));
	for (size_t i = 0; i < n; i += 2, nkv++) {
		const char *k = parts[i];
		bool older;
		char *key;

		del[nkv] = k[0] == '-';
		k += del[nkv];
		older = k[0] == '<';
		k += older;
		if (asprintf(&key, "%s%s", k[0] == '/' ? "" : PREFIX, k) < 0)
			abort();
		kvs[nkv].key = key;
		kvs[nkv].key_len = strlen(key);
		kvs[nkv].value = i + 1 < n ? parts[i + 1] : "";
		kvs[nkv].value_len = strlen(kvs[nkv].value);
		kvs[nkv].mod_revision = older ? 1 : (int64_t)nkv + 2;
		kvs[nkv].create_revision = 2;
		kvs[nkv].version = 1;
		kvs[nkv].lease = (int64_t)nkv;
	}
	changed = ovl_etcd_cache_apply("/ovl", 23, kvs, del, nkv);
	FUZZ_CHECK(changed >= 0 && (size_t)changed <= nkv, "%d changes of %zu", changed, nkv);
	for (size_t i = 0; i < nkv; i++)
		free((char *)kvs[i].key);
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
	return 0;
}
