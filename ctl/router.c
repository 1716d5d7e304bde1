// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * router.c - ovlctl's commands of the router zone (DESIGN.md "The router
 * zone"): the builders of forward add|del and router set, and the tables
 * of forward list and router list. An overlay's router itself is made
 * with overlay create -p router/gateway=...; router set changes it.
 *
 *   forward add OVERLAY tcp|udp HOSTPORT ADDR:PORT [--host-ip IP]
 *   forward del OVERLAY tcp|udp HOSTPORT [--host-ip IP]
 *   router set OVERLAY SETTING [SETTING ...]
 *       SETTING: gateway=ADDR/PLEN (IPv4 and IPv6: twice) or gateway=none,
 *       masquerade=on|off, host=on|off
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ovl_abi.h"
#include "addr.h"
#include "backends.h"
#include "ovlctl.h"
#include "print.h"

#define SETTINGS "gateway=ADDR/PLEN|none, masquerade=on|off or host=on|off"

static int nomem(char *err, size_t errlen)
{
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

static int put_proto(json_t *req, const char *s, char *err, size_t errlen)
{
	const char *p = !strcasecmp(s, "tcp") ? "tcp" : !strcasecmp(s, "udp") ? "udp" : NULL;

	if (!p)
		return ovlctl_fail(err, errlen, "bad protocol \"%s\": expected tcp or udp", s);
	return json_object_set_new(req, "proto", json_string(p)) ? nomem(err, errlen) : 0;
}

/*
 * ADDR:PORT, the container's end of a forward: "10.23.0.5:80",
 * "[fd23::5]:80". The address is one a container can own; an IPv6 address
 * without brackets is refused rather than guessed at (which colon is the
 * port's?).
 */
static int put_dest(json_t *req, const char *s, struct ovl_ip *ip, char *err, size_t errlen)
{
	char buf[OVL_IP_STRLEN + 2];
	const char *port, *why;
	size_t n;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return ovlctl_fail(err, errlen,
					   "bad ADDR:PORT \"%s\": expected [IPv6 address]:PORT", s);
		n = (size_t)(close - s - 1);
		port = close + 2;
		if (n >= sizeof(buf) ||
		    (memcpy(buf, s + 1, n), buf[n] = '\0', ovl_ip_parse(buf, ip)) ||
		    ip->family != OVL_AF_INET6)
			return ovlctl_fail(err, errlen,
					   "bad ADDR:PORT \"%s\": \"%.*s\" is not an IPv6 address "
					   "(only IPv6 goes in brackets)",
					   s, (int)(n > 60 ? 60 : n), s + 1);
	} else {
		const char *colon = strrchr(s, ':');

		if (!colon)
			return ovlctl_fail(err, errlen,
					   "bad ADDR:PORT \"%s\": expected a container's address "
					   "and port, as 10.23.0.5:80 or [fd23::5]:80",
					   s);
		if (colon != strchr(s, ':'))
			return ovlctl_fail(err, errlen,
					   "bad ADDR:PORT \"%s\": an IPv6 address goes in "
					   "brackets, as [ADDR]:PORT",
					   s);
		n = (size_t)(colon - s);
		port = colon + 1;
		if (n >= sizeof(buf) || (memcpy(buf, s, n), buf[n] = '\0', ovl_ip_parse(buf, ip)))
			return ovlctl_fail(err, errlen,
					   "bad ADDR:PORT \"%s\": \"%.*s\" is not an IPv4 address",
					   s, (int)(n > 60 ? 60 : n), s);
	}
	why = ovl_ip_not_owned_why(ip);
	if (why)
		return ovlctl_fail(err, errlen,
				   "bad ADDR:PORT \"%s\": %s, which a container cannot own", s,
				   why);
	if (ovlctl_put_port(req, "to_port", "port", port, err, errlen)) {
		ovlctl_strcatf(err, errlen, " (in ADDR:PORT \"%s\")", s);
		return -EINVAL;
	}
	if (json_object_set_new(req, "to", json_string(ovl_ip_format(ip, buf))))
		return nomem(err, errlen);
	return 0;
}

/* --host-ip: one of the host's addresses; of to's family when there is a to. */
static int put_host_ip(struct ovlctl_inv *inv, const struct ovl_ip *to, char *err, size_t errlen)
{
	const char *s = ovlctl_optval(inv, OVLCTL_OPT_HOST_IP);
	char buf[OVL_IP_STRLEN], tbuf[OVL_IP_STRLEN];
	struct ovl_ip ip;

	if (!s)
		return 0;
	if (ovl_ip_parse(s, &ip))
		return ovlctl_fail(err, errlen,
				   "bad --host-ip \"%s\": expected an IPv4 or IPv6 address%s", s,
				   strchr(s, '/') ? " without a prefix length" :
				   strchr(s, '%') ? " without a zone" :
						    "");
	if (ovl_ip_is_unspecified(&ip))
		return ovlctl_fail(err, errlen,
				   "bad --host-ip \"%s\": the unspecified address (leave "
				   "--host-ip out for every address of the host)",
				   s);
	if (ovl_ip_is_multicast(&ip) || ovl_ip_is_broadcast(&ip))
		return ovlctl_fail(err, errlen,
				   "bad --host-ip \"%s\": a multicast or broadcast address", s);
	if (to && to->family != ip.family)
		return ovlctl_fail(err, errlen,
				   "bad --host-ip \"%s\": an IPv%d address, and ADDR %s is IPv%d",
				   s, ip.family == OVL_AF_INET4 ? 4 : 6, ovl_ip_format(to, tbuf),
				   to->family == OVL_AF_INET4 ? 4 : 6);
	if (json_object_set_new(inv->req, "host_ip", json_string(ovl_ip_format(&ip, buf))))
		return nomem(err, errlen);
	return 0;
}

int ovlctl_build_forward_add(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	struct ovl_ip to = { 0 };
	int ret;

	ret = ovlctl_put_overlay(inv->req, "overlay", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_proto(inv->req, inv->pos[1], err, errlen);
	if (!ret)
		ret = ovlctl_put_port(inv->req, "port", "HOSTPORT", inv->pos[2], err, errlen);
	if (!ret)
		ret = put_dest(inv->req, inv->pos[3], &to, err, errlen);
	if (!ret)
		ret = put_host_ip(inv, &to, err, errlen);
	return ret;
}

int ovlctl_build_forward_del(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	int ret;

	ret = ovlctl_put_overlay(inv->req, "overlay", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_proto(inv->req, inv->pos[1], err, errlen);
	if (!ret)
		ret = ovlctl_put_port(inv->req, "port", "HOSTPORT", inv->pos[2], err, errlen);
	if (!ret)
		ret = put_host_ip(inv, NULL, err, errlen);
	return ret;
}

/* masquerade=on|off, host=on|off as a JSON boolean. */
static int put_onoff(json_t *req, const char *key, const char *v, char *err, size_t errlen)
{
	json_t *sv = json_string(v);
	int b = sv ? ovl_prop_bool(sv) : -1;

	json_decref(sv);
	if (json_object_get(req, key))
		return ovlctl_fail(err, errlen, "%s given twice", key);
	if (b < 0)
		return ovlctl_fail(err, errlen, "bad %s \"%s\": expected on or off", key, v);
	return json_object_set_new(req, key, json_boolean(b)) ? nomem(err, errlen) : 0;
}

/* gateway=ADDR/PLEN: given twice (IPv4 and IPv6), joined by a comma as the
 * property router/gateway is; lib/backends.c checks the whole. gateway=none
 * removes the router ("": ovld's word for it). */
static int put_gateway(json_t *req, const char *v, char *err, size_t errlen)
{
	const char *old = json_string_value(json_object_get(req, "gateway"));
	char both[256];
	json_t *sv;
	int ret;

	if (!*v)
		return ovlctl_fail(err, errlen,
				   "bad gateway \"\": expected ADDR/PLEN (or none, no router)");
	if (!strcmp(v, "none") || (old && !*old))
		return old ? ovlctl_fail(err, errlen, "gateway=none goes alone") :
			     (json_object_set_new(req, "gateway", json_string("")) ?
				      nomem(err, errlen) :
				      0);
	snprintf(both, sizeof(both), "%s%s%s", old ? old : "", old ? "," : "", v);
	sv = json_string(both);
	if (!sv)
		return nomem(err, errlen);
	ret = ovl_prop_value_check("gateway", OVL_PROP_CIDRS, sv, err, errlen);
	if (!ret && json_object_set_new(req, "gateway", sv))
		return nomem(err, errlen);
	if (ret)
		json_decref(sv);
	return ret;
}

int ovlctl_build_router_set(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	int ret = ovlctl_put_overlay(inv->req, "overlay", inv->pos[0], err, errlen);

	for (int i = 1; i < inv->npos && !ret; i++) {
		const char *kv = inv->pos[i], *eq = strchr(kv, '=');
		size_t klen = eq ? (size_t)(eq - kv) : 0;

		if (!eq)
			ret = ovlctl_fail(err, errlen,
					  "unexpected argument \"%s\": expected " SETTINGS, kv);
		else if (klen == 7 && !strncmp(kv, "gateway", klen))
			ret = put_gateway(inv->req, eq + 1, err, errlen);
		else if (klen == 10 && !strncmp(kv, "masquerade", klen))
			ret = put_onoff(inv->req, "masquerade", eq + 1, err, errlen);
		else if (klen == 4 && !strncmp(kv, "host", klen))
			ret = put_onoff(inv->req, "host", eq + 1, err, errlen);
		else
			ret = ovlctl_fail(err, errlen,
					  "unknown setting \"%.*s\": expected " SETTINGS, (int)klen,
					  kv);
	}
	return ret;
}

/* ---- output --------------------------------------------------------------------- */

/* "10.23.0.5:80", "[fd23::5]:80"; "-" without an address. */
static char *dest_str(json_t *f)
{
	const char *to = json_string_value(json_object_get(f, "to"));
	json_t *port = json_object_get(f, "to_port");
	char *s = NULL;

	if (!to || !*to)
		return strdup("-");
	if (asprintf(&s,
		     strchr(to, ':') ? "[%s]:%" JSON_INTEGER_FORMAT : "%s:%" JSON_INTEGER_FORMAT,
		     to, json_integer_value(port)) < 0)
		return NULL;
	return s;
}

/* An array of objects (or one) as t's rows; cell(e, c) makes column c. */
static int rows(struct ovlctl_table *t, json_t *result, const char *note_key,
		char *(*cell)(json_t *e, int c))
{
	size_t n = json_is_array(result) ? json_array_size(result) : 1;

	if (!json_is_array(result) && !json_is_object(result))
		return -EPROTO;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_is_array(result) ? json_array_get(result, i) : result;
		const char *note;
		char **row;

		if (!json_is_object(e))
			return -EPROTO;
		row = ovlctl_table_row(t);
		if (!row)
			return -ENOMEM;
		for (int c = 0; c < t->ncols; c++)
			if (!(row[c] = cell(e, c)))
				return -ENOMEM;
		note = note_key ? json_string_value(json_object_get(e, note_key)) : NULL;
		if (note && *note &&
		    asprintf(&t->note[t->nrows - 1], "%s: %s", note_key, note) < 0) {
			t->note[t->nrows - 1] = NULL;
			return -ENOMEM;
		}
	}
	return 0;
}

static char *forward_cell(json_t *f, int c)
{
	static const char *const keys[] = { "overlay", "proto", "host_ip", "port", NULL, "owner" };

	return keys[c] ? ovlctl_val_str(json_object_get(f, keys[c])) : dest_str(f);
}

int ovlctl_print_forwards(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	struct ovlctl_table t = {
		.ncols = 6,
		.hdr = { "OVERLAY", "PROTO", "HOST_IP", "HOSTPORT", "TO", "OWNER" },
	};
	int ret;

	(void)inv;
	ret = rows(&t, result, NULL, forward_cell);
	if (!ret)
		ovlctl_table_print(&t, "", out);
	ovlctl_table_free(&t);
	return ret;
}

static char *router_cell(json_t *r, int c)
{
	static const char *const keys[] = { "overlay", "vni",	   "gateways", "masquerade",
					    "host",    "forwards", "netns" };

	return ovlctl_val_str(json_object_get(r, keys[c]));
}

int ovlctl_print_routers(const struct ovlctl_inv *inv, json_t *result, FILE *out)
{
	struct ovlctl_table t = {
		.ncols = 7,
		.hdr = { "OVERLAY", "VNI", "GATEWAYS", "MASQ", "HOST", "FORWARDS", "NETNS" },
	};
	int ret;

	(void)inv;
	ret = rows(&t, result, "error", router_cell);
	if (!ret)
		ovlctl_table_print(&t, "", out);
	ovlctl_table_free(&t);
	return ret;
}
