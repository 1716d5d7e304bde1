// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bandwidth.c - ovlctl's side of a VNIC's cap (Crossbow's maxbw):
 * `vnic create ... --maxbw RATE` and `vnic set NAME maxbw=RATE`, RATE as
 * dladm writes it (bits per second, K/M/G powers of 1000; "none" or
 * nothing removes the cap).
 */
#include <errno.h>
#include <string.h>
#include "ovlctl.h"
#include "shape.h"

int ovlctl_put_maxbw(json_t *req, const char *s, bool none_ok, char *err, size_t errlen)
{
	unsigned long long bps;
	int ret = ovl_rate_parse(s, &bps);

	if (ret == -ERANGE)
		return ovlctl_fail(err, errlen,
				   "bad maxbw \"%s\": from 8 to %llu bits/s (0 stops all "
				   "traffic; no cap is \"none\")",
				   s, OVL_SHAPE_RATE_MAX);
	if (ret || bps < 8ull * (bps != 0) || (!bps && !none_ok))
		return ovlctl_fail(err, errlen,
				   "bad maxbw \"%s\": expected bits per second, a number with an "
				   "optional K, M or G (100M)%s",
				   s, none_ok ? ", or none" : "");
	if (json_object_set_new(req, "maxbw", json_integer((json_int_t)bps)))
		return ovlctl_fail(err, errlen, "out of memory");
	return 0;
}

int ovlctl_build_vnic_set(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *kv = inv->pos[1];
	int ret = ovlctl_build_vnic_delete(inv, err, errlen); /* NAME, --netns */

	if (ret)
		return ret;
	if (strncmp(kv, "maxbw=", 6) != 0)
		return ovlctl_fail(err, errlen,
				   "bad property \"%s\": expected maxbw=RATE (the only one)", kv);
	return ovlctl_put_maxbw(inv->req, kv + 6, true, err, errlen);
}
