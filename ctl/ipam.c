// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ipam.c - ovlctl ipam list: the address allocations of ovl-ipam(8) in an
 * overlay's etcd, every host's, as ovld's cache has them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ovlctl.h"
#include "print.h"

static char *ipam_cell(json_t *a, int c)
{
	static const char *const keys[] = { "address", "host", "owner", NULL, "lease" };
	char *s = NULL;

	if (keys[c])
		return ovlctl_val_str(json_object_get(a, keys[c]));
	{
		time_t at = (time_t)json_integer_value(json_object_get(a, "at"));
		struct tm tm;
		char buf[32];

		if (!at || !gmtime_r(&at, &tm) ||
		    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
			return strdup("-");
		s = strdup(buf);
	}
	return s;
}

int ovlctl_print_ipam(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	struct ovlctl_table t = {
		.ncols = 5,
		.hdr = { "ADDRESS", "HOST", "OWNER", "SINCE", "LEASE" },
	};
	size_t i;
	json_t *a;
	int ret = 0;

	(void)inv;
	if (!json_is_array(result))
		return -EPROTO;
	json_array_foreach(result, i, a) {
		char **row;

		if (!json_is_object(a)) {
			ret = -EPROTO;
			break;
		}
		row = ovlctl_table_row(&t);
		if (!row) {
			ret = -ENOMEM;
			break;
		}
		for (int c = 0; c < t.ncols; c++)
			if (!(row[c] = ipam_cell(a, c))) {
				ret = -ENOMEM;
				break;
			}
	}
	if (!ret)
		ovlctl_table_print(&t, "", out);
	ovlctl_table_free(&t);
	return ret;
}
