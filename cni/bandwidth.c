// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * bandwidth.c - the CNI "bandwidth" capability (runtimeConfig.bandwidth),
 * handled by ovl itself: the reference bandwidth plugin puts its own
 * clsact filters on the host-side veth, where ovl's tc program is. Keys
 * and units as that plugin takes them: ingressRate and egressRate in
 * bits/s, ingressBurst and egressBurst in bits; "ingress" is toward the
 * container. A rate without a burst gets ovld's default burst
 * (lib/shape.h); a burst without a rate is refused. ovld applies the caps
 * (endpoint.add's "bandwidth"): tbf qdiscs on both ends of the veth, gone
 * with the veth on DEL.
 */
#include <string.h>
#include "cni.h"
#include "shape.h"

#define BW_ERR(e, ...)                                                                             \
	ovl_cni_error((e), OVL_CNI_E_CONFIG, "invalid network configuration", __VA_ARGS__)

int ovl_cni_bandwidth_parse(json_t *bw, json_t **out, struct ovl_cni_err *e)
{
	static const struct {
		const char *key, *wire;
	} keys[] = { { "ingressRate", "ingress_rate" },
		     { "ingressBurst", "ingress_burst" },
		     { "egressRate", "egress_rate" },
		     { "egressBurst", "egress_burst" } };
	unsigned long long v[4] = { 0 };
	struct ovl_shape in, out_;
	const char *key, *why;
	char buf[256];
	json_t *val;

	*out = NULL;
	if (!bw || json_is_null(bw))
		return 0;
	if (!json_is_object(bw))
		return BW_ERR(e, "\"runtimeConfig.bandwidth\" must be an object");
	json_object_foreach(bw, key, val) {
		size_t i;

		for (i = 0; i < 4 && strcmp(key, keys[i].key); i++)
			;
		if (i == 4)
			return BW_ERR(e,
				      "\"runtimeConfig.bandwidth\": unknown key \"%s\"; expected "
				      "ingressRate, ingressBurst, egressRate, egressBurst",
				      key);
		if (!json_is_integer(val) || json_integer_value(val) < 0)
			return BW_ERR(e,
				      "\"runtimeConfig.bandwidth.%s\" must be a non-negative "
				      "integer (%s)",
				      key, i % 2 ? "bits" : "bits per second");
		v[i] = (unsigned long long)json_integer_value(val);
	}
	in = (struct ovl_shape){ v[0], v[1] };
	out_ = (struct ovl_shape){ v[2], v[3] };
	why = ovl_shape_check(&in, "runtimeConfig.bandwidth.ingressRate",
			      "runtimeConfig.bandwidth.ingressBurst", buf, sizeof(buf));
	if (!why)
		why = ovl_shape_check(&out_, "runtimeConfig.bandwidth.egressRate",
				      "runtimeConfig.bandwidth.egressBurst", buf, sizeof(buf));
	if (why)
		return BW_ERR(e, "%s", why);
	if (!in.rate && !out_.rate)
		return 0; /* all zero: no cap */
	*out = json_object();
	for (size_t i = 0; *out && i < 4; i++)
		json_object_set_new(*out, keys[i].wire, json_integer((json_int_t)v[i]));
	return 0;
}
