// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * backends.c - the table of backends.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "addr.h"
#include "ovl_abi.h"
#include "backends.h"

const struct ovl_prop ovl_common_props[] = {
	{ "vxlan/listen_ip", OVL_PROP_IP, false, "ADDR",
	  "underlay address to send from and listen on (default: ovld's)" },
	{ "vxlan/listen_port", OVL_PROP_PORT, false, "PORT",
	  "VXLAN UDP port (default: ovld's, 4789)" },
	{ "router/gateway", OVL_PROP_CIDRS, false, "ADDR/PLEN",
	  "the overlay's router on this host: its gateway address and subnet (IPv4, IPv6, or both "
	  "joined by a comma; -p given twice)" },
	{ "router/masquerade", OVL_PROP_BOOL, false, "on|off",
	  "traffic from the overlay to anything outside it leaves with the host's address" },
	{ "router/host", OVL_PROP_BOOL, false, "on|off",
	  "the host reaches the overlay's containers (local and remote) through the router" },
	{ 0 },
};

static const struct ovl_prop files_props[] = {
	{ "files/config", OVL_PROP_PATH, true, "PATH", "the backend's hosts.json, made absolute" },
	{ 0 },
};

static const struct ovl_prop direct_props[] = {
	{ "direct/dest_ip", OVL_PROP_IP, true, "ADDR", "where every frame of the overlay goes" },
	{ "direct/dest_port", OVL_PROP_PORT, false, "PORT", "its UDP port (default 4789)" },
	{ 0 },
};

static const struct ovl_prop etcd_props[] = {
	{ "etcd/endpoints", OVL_PROP_URLS, true, "URL[,URL...]",
	  "the cluster's client URLs, http:// or https://, tried in turn" },
	{ "etcd/prefix", OVL_PROP_KEY, false, "PREFIX", "where ovl's keys live (default /ovl)" },
	{ "etcd/lease-ttl", OVL_PROP_SECS, false, "SECONDS",
	  "how long this host's entries outlive it (default 60)" },
	{ "etcd/ipam-ttl", OVL_PROP_SECS, false, "SECONDS",
	  "how long this host's ovl-ipam addresses outlive it (default 86400)" },
	{ "etcd/cacert", OVL_PROP_PATH, false, "PATH", "CA certificate (PEM) of etcd's members" },
	{ "etcd/cert", OVL_PROP_PATH, false, "PATH", "client certificate (PEM), with etcd/key" },
	{ "etcd/key", OVL_PROP_PATH, false, "PATH", "its private key (PEM)" },
	{ "etcd/user", OVL_PROP_KEY, false, "USER", "etcd user (authentication on)" },
	{ "etcd/password-file", OVL_PROP_PATH, false, "PATH", "a file holding its password" },
	{ 0 },
};

const struct ovl_backend_info ovl_info_files = {
	"files", OVL_MODE_DYNAMIC, files_props,
	"the seed's files backend: a hosts.json of MACs, addresses and VTEPs"
};

const struct ovl_backend_info ovl_info_direct = {
	"direct", OVL_MODE_P2P, direct_props,
	"a point-to-point tunnel: every frame to one underlay destination"
};

const struct ovl_backend_info ovl_info_etcd = {
	"etcd", OVL_MODE_DYNAMIC, etcd_props,
	"etcd v3: every host publishes its endpoints and watches the others' (ovl-etcd(5))"
};

const struct ovl_backend_info *const ovl_backend_infos[] = {
	&ovl_info_files,
	&ovl_info_direct,
	&ovl_info_etcd,
	NULL,
};

const struct ovl_backend_info *ovl_backend_info(const char *name)
{
	for (const struct ovl_backend_info *const *b = ovl_backend_infos; name && *b; b++)
		if (!strcmp((*b)->name, name))
			return *b;
	return NULL;
}

const char *ovl_backend_names(void)
{
	static char buf[256];

	if (!buf[0]) {
		size_t n = 0;

		for (const struct ovl_backend_info *const *b = ovl_backend_infos; *b; b++) {
			const char *sep = b == ovl_backend_infos ? "" : b[1] ? ", " : " or ";

			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", sep, (*b)->name);
			if (n >= sizeof(buf))
				break;
		}
	}
	return buf;
}

static const struct ovl_prop *find_in(const struct ovl_prop *list, const char *key, size_t klen)
{
	for (const struct ovl_prop *p = list; p && p->name; p++)
		if (strlen(p->name) == klen && !strncmp(p->name, key, klen))
			return p;
	return NULL;
}

const struct ovl_prop *ovl_prop_find(const struct ovl_backend_info *b, const char *key, size_t klen,
				     bool *common)
{
	const struct ovl_prop *p = find_in(ovl_common_props, key, klen);

	if (common)
		*common = p != NULL;
	return p ? p : find_in(b ? b->props : NULL, key, klen);
}

const struct ovl_backend_info *ovl_prop_owner(const char *key, size_t klen)
{
	for (const struct ovl_backend_info *const *b = ovl_backend_infos; *b; b++)
		if (find_in((*b)->props, key, klen))
			return *b;
	return NULL;
}

void ovl_prop_keys(const struct ovl_backend_info *b, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int pass = 0; pass < 2; pass++)
		for (const struct ovl_prop *p = pass ? b->props : ovl_common_props; p->name; p++)
			if (n < len)
				n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
						      p->name);
}

const char *ovl_prop_type_name(enum ovl_prop_type t)
{
	switch (t) {
	case OVL_PROP_PATH:
		return "path";
	case OVL_PROP_IP:
		return "ip";
	case OVL_PROP_PORT:
		return "port";
	case OVL_PROP_URLS:
		return "urls";
	case OVL_PROP_KEY:
		return "key";
	case OVL_PROP_SECS:
		return "seconds";
	case OVL_PROP_BOOL:
		return "bool";
	case OVL_PROP_CIDRS:
		return "cidrs";
	}
	return "?";
}

const char *ovl_backend_mode_name(enum ovl_backend_mode m)
{
	return m == OVL_MODE_P2P ? "point-to-point" : "dynamic";
}

/* A whole number in lo-hi, given as a number or a string of digits; -1
 * if it is neither or out of range. */
static long prop_number(json_t *v, long long lo, long long hi)
{
	long long p = -1;

	if (json_is_integer(v)) {
		p = json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;

		if (*s >= '0' && *s <= '9') {
			p = strtoll(s, &end, 10);
			if (*end)
				p = -1;
		}
	}
	return p >= lo && p <= hi ? (long)p : -1;
}

long ovl_prop_port(json_t *v)
{
	return prop_number(v, 1, 65535);
}

int ovl_prop_bool(json_t *v)
{
	const char *s = json_string_value(v);

	if (!v)
		return 0;
	if (json_is_boolean(v))
		return json_is_true(v);
	if (!s)
		return -1;
	if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "1"))
		return 1;
	if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "0"))
		return 0;
	return -1;
}

/* One ADDR/PLEN of a router/gateway: a unicast address, a prefix that
 * leaves room for it (not /32 or /128) and is not shorter than /8 (/16
 * for IPv6's). */
static int cidr_check(const char *key, const char *p, size_t n, int *fam, char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	struct ovl_ip ip;
	long plen;
	int max;

	if (n >= sizeof(buf) || !(memcpy(buf, p, n), buf[n] = '\0', slash = strchr(buf, '/'))) {
		snprintf(err, errlen, "%s: \"%.*s\" is not ADDR/PLEN", key, (int)(n > 60 ? 60 : n),
			 p);
		return -EINVAL;
	}
	*slash = '\0';
	if (ovl_ip_parse(buf, &ip) || ovl_ip_not_owned_why(&ip) || ovl_ip_is_v4mapped(&ip)) {
		snprintf(err, errlen, "%s: \"%s\" is not a unicast IPv4 or IPv6 address", key, buf);
		return -EINVAL;
	}
	max = ip.family == OVL_AF_INET4 ? 32 : 128;
	plen = strtol(slash + 1, &end, 10);
	if (!slash[1] || *end || plen < (max == 32 ? 8 : 16) || plen > max - 2) {
		snprintf(err, errlen, "%s: \"/%s\" is not a prefix length of %s/%d to /%d", key,
			 slash + 1, buf, max == 32 ? 8 : 16, max - 2);
		return -EINVAL;
	}
	*fam = ip.family;
	return 0;
}

long ovl_prop_secs(json_t *v)
{
	return prop_number(v, 1, 86400);
}

static bool url_ok(const char *u, size_t len)
{
	size_t skip = 0;

	if (len > 7 && !strncmp(u, "http://", 7))
		skip = 7;
	else if (len > 8 && !strncmp(u, "https://", 8))
		skip = 8;
	if (!skip || len - skip > 255)
		return false;
	for (size_t i = skip; i < len; i++)
		if (u[i] <= ' ' || u[i] > '~')
			return false;
	return true;
}

int ovl_prop_value_check(const char *key, enum ovl_prop_type t, json_t *v, char *err, size_t errlen)
{
	const char *s = json_string_value(v);

	switch (t) {
	case OVL_PROP_PORT:
		if (ovl_prop_port(v) < 0) {
			snprintf(err, errlen, "%s: not a port number (1-65535)", key);
			return -EINVAL;
		}
		return 0;
	case OVL_PROP_SECS:
		if (ovl_prop_secs(v) < 0) {
			snprintf(err, errlen, "%s: not a whole number of seconds (1-86400)", key);
			return -EINVAL;
		}
		return 0;
	case OVL_PROP_URLS:
		if (!s || !*s) {
			snprintf(err, errlen, "%s: expected URL[,URL...]", key);
			return -EINVAL;
		}
		for (const char *p = s;;) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);

			if (!url_ok(p, n)) {
				snprintf(err, errlen,
					 "%s: \"%.*s\" is not an http:// or https:// URL", key,
					 (int)(n > 200 ? 200 : n), p);
				return -EINVAL;
			}
			if (!c)
				return 0;
			p = c + 1;
		}
	case OVL_PROP_KEY:
		if (!s || !*s || strlen(s) > 128) {
			snprintf(err, errlen, "%s: expected 1-128 characters", key);
			return -EINVAL;
		}
		for (const char *p = s; *p; p++)
			if (*p <= ' ' || *p > '~') {
				snprintf(err, errlen, "%s: only printable ASCII, no spaces", key);
				return -EINVAL;
			}
		if (!strcmp(key, "etcd/prefix") && (s[0] != '/' || s[strlen(s) - 1] == '/')) {
			snprintf(err, errlen, "%s: \"%s\" must start with / and not end with one",
				 key, s);
			return -EINVAL;
		}
		return 0;
	case OVL_PROP_BOOL:
		if (ovl_prop_bool(v) < 0) {
			snprintf(err, errlen, "%s: expected on or off", key);
			return -EINVAL;
		}
		return 0;
	case OVL_PROP_CIDRS: {
		int seen = 0;

		if (!s || !*s) {
			snprintf(err, errlen, "%s: expected ADDR/PLEN[,ADDR/PLEN]", key);
			return -EINVAL;
		}
		for (const char *p = s;;) {
			const char *c = strchr(p, ',');
			size_t n = c ? (size_t)(c - p) : strlen(p);
			int fam, ret = cidr_check(key, p, n, &fam, err, errlen);

			if (ret)
				return ret;
			fam = fam == OVL_AF_INET4 ? 1 : 2;
			if (seen & fam) {
				snprintf(err, errlen, "%s: two IPv%d gateways (one of each family)",
					 key, fam == 1 ? 4 : 6);
				return -EINVAL;
			}
			seen |= fam;
			if (!c)
				return 0;
			p = c + 1;
		}
	}
	case OVL_PROP_PATH:
	case OVL_PROP_IP:
		return 0;
	}
	return 0;
}

int ovl_props_check(const struct ovl_backend_info *b, json_t *props, char *err, size_t errlen)
{
	const char *key;
	json_t *val;

	if (!json_is_object(props)) {
		snprintf(err, errlen, "props must be an object");
		return -EINVAL;
	}
	json_object_foreach(props, key, val) {
		const struct ovl_prop *p = ovl_prop_find(b, key, strlen(key), NULL);

		if (!p) {
			snprintf(err, errlen, "unknown property \"%s\" for backend %s", key,
				 b->name);
			return -EINVAL;
		}
		if (!json_is_string(val) && !json_is_integer(val) &&
		    !(p->type == OVL_PROP_BOOL && json_is_boolean(val))) {
			snprintf(err, errlen, "property \"%s\": not a string or number", key);
			return -EINVAL;
		}
		if (ovl_prop_value_check(key, p->type, val, err, errlen))
			return -EINVAL;
	}
	for (const struct ovl_prop *p = b->props; p->name; p++) {
		if (p->required && !json_object_get(props, p->name)) {
			snprintf(err, errlen, "the %s backend needs %s=%s", b->name, p->name,
				 p->arg);
			return -EINVAL;
		}
	}
	return 0;
}

static json_t *props_json(const struct ovl_prop *list)
{
	json_t *a = json_array();

	for (const struct ovl_prop *p = list; a && p->name; p++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:b, s:s, s:s}", "name", p->name,
						   "type", ovl_prop_type_name(p->type), "required",
						   p->required, "arg", p->arg, "help", p->help));
	return a;
}

json_t *ovl_backend_infos_json(void)
{
	json_t *a = json_array();

	for (const struct ovl_backend_info *const *b = ovl_backend_infos; a && *b; b++)
		json_array_append_new(a,
				      json_pack("{s:s, s:s, s:s, s:o}", "name", (*b)->name, "mode",
						ovl_backend_mode_name((*b)->mode), "help",
						(*b)->help, "props", props_json((*b)->props)));
	return json_pack("{s:o, s:o}", "backends", a, "common", props_json(ovl_common_props));
}
