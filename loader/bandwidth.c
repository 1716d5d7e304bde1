// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bandwidth.c - an endpoint's bandwidth caps: Crossbow's per-VNIC maxbw
 * (one rate, both directions) and the CNI bandwidth capability (a rate and
 * a burst per direction; "ingress" is toward the endpoint). The caps live
 * in the endpoint (so in state.json, and a restart applies them again);
 * dp_shape() makes them qdiscs, and OVL_EP_F_SHAPED in ovl_endpoints sends
 * the endpoint's frames through the one on its host veth.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "ovld.h"
#include "log.h"
#include "shape.h"

/* An optional non-negative integer member key of o into *v (0 if absent). */
static int bw_int(json_t *o, const char *key, const char *field, unsigned long long *v, char *err,
		  size_t errlen)
{
	json_t *j = json_object_get(o, key);

	*v = 0;
	if (!j || json_is_null(j))
		return 0;
	if (!json_is_integer(j) || json_integer_value(j) < 0) {
		snprintf(err, errlen, "%s must be a non-negative integer", field);
		return -EINVAL;
	}
	*v = (unsigned long long)json_integer_value(j);
	return 0;
}

static int bw_check(const struct ovl_shape *s, const char *rate_field, const char *burst_field,
		    char *err, size_t errlen)
{
	char buf[OVL_ERR_MAX];
	const char *why = ovl_shape_check(s, rate_field, burst_field, buf, sizeof(buf));

	if (!why)
		return 0;
	snprintf(err, errlen, "%s", why);
	return -EINVAL;
}

int ep_bw_parse(json_t *o, struct ovl_shape *in, struct ovl_shape *out, char *err, size_t errlen)
{
	json_t *bw = json_object_get(o, "bandwidth");
	int ret;

	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	if (!bw || json_is_null(bw))
		return 0;
	if (!json_is_object(bw)) {
		snprintf(err, errlen, "\"bandwidth\" must be an object");
		return -EINVAL;
	}
	ret = bw_int(bw, "ingress_rate", "bandwidth.ingress_rate", &in->rate, err, errlen);
	if (!ret)
		ret = bw_int(bw, "ingress_burst", "bandwidth.ingress_burst", &in->burst, err,
			     errlen);
	if (!ret)
		ret = bw_int(bw, "egress_rate", "bandwidth.egress_rate", &out->rate, err, errlen);
	if (!ret)
		ret = bw_int(bw, "egress_burst", "bandwidth.egress_burst", &out->burst, err,
			     errlen);
	if (!ret)
		ret = bw_check(in, "bandwidth.ingress_rate", "bandwidth.ingress_burst", err,
			       errlen);
	if (!ret)
		ret = bw_check(out, "bandwidth.egress_rate", "bandwidth.egress_burst", err, errlen);
	return ret;
}

int ep_bw_parse_maxbw(json_t *req, struct ovl_shape *in, struct ovl_shape *out, bool *has,
		      char *err, size_t errlen)
{
	json_t *j = json_object_get(req, "maxbw");
	unsigned long long v;
	int ret;

	memset(in, 0, sizeof(*in));
	memset(out, 0, sizeof(*out));
	*has = j && !json_is_null(j);
	ret = bw_int(req, "maxbw", "maxbw", &v, err, errlen);
	if (ret)
		return ret;
	in->rate = out->rate = v;
	return bw_check(in, "maxbw", "burst", err, errlen);
}

void ep_bw_json(const struct ovl_ep *ep, json_t *o)
{
	if (!o)
		return;
	if (ep->kind == OVL_EP_VNIC)
		json_object_set_new(o, "maxbw", json_integer((json_int_t)ep->bw_in.rate));
	if (!ep_shaped(ep))
		return;
	json_object_set_new(
		o, "bandwidth",
		json_pack("{s:I, s:I, s:I, s:I}", "ingress_rate", (json_int_t)ep->bw_in.rate,
			  "ingress_burst",
			  (json_int_t)(ep->bw_in.rate ? ep->bw_in.burst ?:
							ovl_shape_burst_default(ep->bw_in.rate) :
							0),
			  "egress_rate", (json_int_t)ep->bw_out.rate, "egress_burst",
			  (json_int_t)(ep->bw_out.rate ? ep->bw_out.burst ?:
							 ovl_shape_burst_default(ep->bw_out.rate) :
							 0)));
}

int ep_bw_set(struct ovld *d, struct ovl_ep *ep, const struct ovl_shape *in,
	      const struct ovl_shape *out, char *err, size_t errlen)
{
	struct ovl_shape old_in = ep->bw_in, old_out = ep->bw_out;
	char l[OVL_EP_LABEL_MAX], undo[OVL_ERR_MAX];
	int ret;

	ep->bw_in = *in;
	ep->bw_out = *out;
	/* Removing the ingress cap: frames off the qdisc before it goes. */
	if (!in->rate && old_in.rate)
		map_ep_put(d, ep);
	ret = dp_shape(d, ep, err, errlen);
	if (ret) {
		ep->bw_in = old_in;
		ep->bw_out = old_out;
		if (dp_shape(d, ep, undo, sizeof(undo)))
			pr_warn("%s: restore the caps it had: %s", ep_label(ep, l, sizeof(l)),
				undo);
		map_ep_put(d, ep);
		return ret;
	}
	ret = map_ep_put(d, ep);
	if (ret) {
		snprintf(err, errlen, "write %s: %s", OVL_MAP_ENDPOINTS, map_strerror(ret));
		return ret;
	}
	state_changed(d);
	pr_info("%s: caps ingress %llu, egress %llu bits/s", ep_label(ep, l, sizeof(l)), in->rate,
		out->rate);
	return 0;
}
