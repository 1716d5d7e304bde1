// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_files.c - the files backend's hosts.json parser (lib/files.c,
 * lib/files_index.c): the whole input is the file's text.
 *
 * A table that parses must answer for what it holds: every entry is found
 * by its MAC, every "arp"/"ndp" address by its address, a "dhcp-proxy"
 * names a DHCP server, and the canonical text of each MAC parses back to
 * it. A text that does not parse must say why (errno EINVAL or ENOMEM and
 * a message).
 *
 * What make fuzz-cov measures: a file, or FILE:FUNCTIONS for part of one.
 * cov: lib/files.c
 * cov: lib/files_index.c
 */
#include <errno.h>
#include "addr.h"
#include "files.h"
#include "log.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ovl_log_set_level((enum ovl_log_level)0);
	return 0;
}

static void check_table(const struct ovl_files_table *t)
{
	size_t n = ovl_files_count(t);

	FUZZ_CHECK(ovl_files_entry(t, n) == NULL, "entry past the end");
	for (size_t i = 0; i < n; i++) {
		const struct ovl_files_entry *e = ovl_files_entry(t, i);
		char txt[OVL_MAC_STRLEN];
		__u8 mac[6];

		FUZZ_CHECK(e, "entry %zu of %zu", i, n);
		FUZZ_CHECK(ovl_files_find_mac(t, e->mac) == e, "entry %zu not found by its MAC", i);
		FUZZ_CHECK(!ovl_mac_parse(ovl_mac_format(e->mac, txt), mac) &&
				   !memcmp(mac, e->mac, 6),
			   "MAC %s does not parse back", txt);
		FUZZ_CHECK(e->port != 0, "entry %zu has port 0", i);
		if (e->has_arp)
			FUZZ_CHECK(ovl_files_find_ip(t, &e->arp) == e, "arp of entry %zu", i);
		if (e->has_ndp)
			FUZZ_CHECK(ovl_files_find_ip(t, &e->ndp) == e, "ndp of entry %zu", i);
		if (e->has_dhcp_proxy)
			FUZZ_CHECK(ovl_files_is_dhcp_server(t, e->dhcp_proxy),
				   "dhcp-proxy of entry %zu", i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	struct ovl_files_table *t;

	t = ovl_files_parse((const char *)data, size, "hosts.json", err, sizeof(err));
	if (t)
		check_table(t);
	else
		FUZZ_CHECK((errno == EINVAL || errno == ENOMEM) && err[0], "errno %d, error \"%s\"",
			   errno, err);
	ovl_files_free(t);
	return 0;
}
