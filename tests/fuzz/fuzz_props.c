// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_props.c - an overlay's properties (lib/backends.c: dladm's -p
 * KEY=VALUE, as overlay.create and --config carry them) and ovl-ipam's
 * address ranges (lib/ipam_range.c).
 *
 * The input is JSON text. An object is checked as the properties of
 * every backend (ovl_props_check()), each of its values as a value of
 * every property type; any JSON goes to ovl_ipam_ranges_parse() as
 * "ranges". The ranges that parse must hold what they say: the n-th
 * address of a set lies in the range ovl_ipam_set_find() names, inside
 * that range's subnet, and is one it may hand out.
 *
 * What make fuzz-cov measures: a file, or FILE:FUNCTIONS for part of one.
 * cov: lib/ipam_range.c
 * cov: lib/backends.c:ovl_prop_find,ovl_prop_port,ovl_prop_bool,ovl_prop_secs,ovl_prop_value_check
 * cov: lib/backends.c:ovl_props_check,find_in,prop_number,url_ok,cidr_check
 */
#include <errno.h>
#include <jansson.h>
#include "addr.h"
#include "backends.h"
#include "ipam_range.h"
#include "log.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ovl_log_set_level((enum ovl_log_level)0);
	return 0;
}

static void props_check(json_t *props)
{
	static const enum ovl_prop_type types[] = {
		OVL_PROP_PATH, OVL_PROP_IP,   OVL_PROP_PORT, OVL_PROP_URLS,
		OVL_PROP_KEY,  OVL_PROP_SECS, OVL_PROP_BOOL, OVL_PROP_CIDRS,
	};
	char err[512];
	const char *key;
	json_t *v;

	for (const struct ovl_backend_info *const *b = ovl_backend_infos; *b; b++) {
		err[0] = '\0';
		if (ovl_props_check(*b, props, err, sizeof(err)))
			FUZZ_CHECK(err[0], "%s: no reason", (*b)->name);
	}
	json_object_foreach(props, key, v) {
		long port = ovl_prop_port(v), secs = ovl_prop_secs(v);
		int on = ovl_prop_bool(v);

		FUZZ_CHECK(port == -1 || (port >= 1 && port <= 65535), "port %ld", port);
		FUZZ_CHECK(secs == -1 || (secs >= 1 && secs <= 86400), "secs %ld", secs);
		FUZZ_CHECK(on >= -1 && on <= 1, "bool %d", on);
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			err[0] = '\0';
			if (ovl_prop_value_check(key, types[i], v, err, sizeof(err)))
				FUZZ_CHECK(err[0], "%s: no reason", key);
		}
	}
}

static void set_check(const struct ovl_ipam_set *s)
{
	__u64 size = ovl_ipam_set_size(s);
	__u64 picks[3] = { 0, size / 2, size - 1 };

	FUZZ_CHECK(s->n >= 1 && s->n <= OVL_IPAM_RANGES, "%d ranges", s->n);
	if (!size)
		return;
	for (size_t i = 0; i < 3; i++) {
		char txt[OVL_IP_STRLEN];
		struct ovl_ip ip;
		int r = -1, found;

		ovl_ipam_set_nth(s, picks[i], &ip, &r);
		ovl_ip_format(&ip, txt);
		FUZZ_CHECK(r >= 0 && r < s->n, "%s: range %d", txt, r);
		FUZZ_CHECK(ovl_ip_in_prefix(&ip, &s->r[r].net, s->r[r].plen), "%s outside range %d",
			   txt, r);
		found = ovl_ipam_set_find(s, &ip);
		/* The n-th address counts the gateway (ipam_range.h): it alone
		 * may be in no range's hands. */
		if (found < 0)
			FUZZ_CHECK(!ovl_ipam_range_usable(&s->r[r], &ip),
				   "%s: usable, found in none", txt);
		else
			FUZZ_CHECK(found == r && ovl_ipam_range_usable(&s->r[found], &ip),
				   "%s: in range %d, found in %d", txt, r, found);
	}
}

static void ranges_check(json_t *j)
{
	struct ovl_ipam_set sets[OVL_IPAM_SETS];
	char err[512] = "";
	int n;

	memset(sets, 0, sizeof(sets));
	n = ovl_ipam_ranges_parse(j, "ipam.ranges", sets, OVL_IPAM_SETS, err, sizeof(err));
	if (n < 0) {
		FUZZ_CHECK(n == -EINVAL && err[0], "%d, \"%s\"", n, err);
		return;
	}
	FUZZ_CHECK(n >= 1 && n <= OVL_IPAM_SETS, "%d sets", n);
	for (int i = 0; i < n; i++)
		set_check(&sets[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);

	if (!j)
		return 0;
	if (json_is_object(j))
		props_check(j);
	ranges_check(j);
	json_decref(j);
	return 0;
}
