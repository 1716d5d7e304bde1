// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * build.c - ovlctl's request builders, one per row of the command table
 * (cmd.c), and the argument checks they share: every value the user typed
 * is validated, before any socket is opened, and put into the request in
 * canonical form (lower-case MACs, inet_ntop text, numbers as JSON
 * integers, absolute paths). Also the usage-error helpers the parser and
 * help texts use (ovlctl_fail(), ovlctl_strcatf()).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ovl_abi.h"
#include "addr.h"
#include "ident.h"
#include "ovlctl.h"
#include "backends.h"

const char *ovlctl_netns_dir = "/run/netns";

/* ---- messages ------------------------------------------------------------ */

int ovlctl_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int nomem(char *err, size_t errlen)
{
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

/* Set obj[key] = v (consumed); -ENOMEM when v is NULL or the set fails. */
static int put(json_t *obj, const char *key, json_t *v, char *err, size_t errlen)
{
	if (!v)
		return nomem(err, errlen);
	if (json_object_set_new(obj, key, v))
		return nomem(err, errlen);
	return 0;
}

/* Append to a NUL-terminated buffer, truncating silently. */
void ovlctl_strcatf(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strnlen(buf, len);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/* ---- validators ---------------------------------------------------------- */

/* Interface and overlay names: ovl_name_valid(). */
static int check_name(const char *what, const char *s, size_t max, char *err, size_t errlen)
{
	if (ovl_name_valid(s, max, 0))
		return 0;
	return ovlctl_fail(err, errlen,
			   "bad %s \"%s\": expected 1 to %zu characters of " OVL_NAME_CHARS
			   " (not \".\" or \"..\")",
			   what, s ? s : "", max);
}

static int put_overlay(json_t *req, const char *key, const char *s, char *err, size_t errlen)
{
	int ret = check_name("overlay name", s, OVL_CTL_OVERLAY_NAME_MAX, err, errlen);

	return ret ? ret : put(req, key, json_string(s), err, errlen);
}

static int put_ifname(json_t *req, const char *key, const char *s, char *err, size_t errlen)
{
	int ret = check_name("VNIC name", s, OVL_CTL_IFNAME_MAX, err, errlen);

	return ret ? ret : put(req, key, json_string(s), err, errlen);
}

/* A MAC; with unicast, one an endpoint can own (not multicast, not zero). */
static int put_mac(json_t *req, const char *key, const char *s, bool unicast, char *err,
		   size_t errlen)
{
	char buf[OVL_MAC_STRLEN];
	__u8 mac[6];

	if (!s)
		s = "";
	if (ovl_mac_parse(s, mac))
		return ovlctl_fail(err, errlen,
				   "bad MAC \"%s\": expected six hex groups separated by ':'", s);
	if (unicast && ovl_mac_is_multicast(mac))
		return ovlctl_fail(err, errlen,
				   "bad MAC \"%s\": a multicast MAC, expected a unicast one", s);
	if (unicast && ovl_mac_is_zero(mac))
		return ovlctl_fail(err, errlen, "bad MAC \"%s\": all zeros, expected a unicast MAC",
				   s);
	return put(req, key, json_string(ovl_mac_format(mac, buf)), err, errlen);
}

enum ip_kind {
	IP_ANY,	 /* any address: del, get */
	IP_DEST, /* not the unspecified address: underlay addresses */
	IP_HOST, /* not unspecified, multicast or broadcast: an overlay host's address */
};

static int put_ip(json_t *req, const char *key, const char *what, const char *s, enum ip_kind kind,
		  char *err, size_t errlen)
{
	char buf[OVL_IP_STRLEN];
	struct ovl_ip ip;

	if (!s)
		s = "";
	if (ovl_ip_parse(s, &ip))
		return ovlctl_fail(err, errlen, "bad %s \"%s\": expected an IPv4 or IPv6 address%s",
				   what, s,
				   strchr(s, '/') ? " without a prefix length" :
				   strchr(s, '%') ? " without a zone" :
						    "");
	if (kind != IP_ANY && ovl_ip_is_unspecified(&ip))
		return ovlctl_fail(err, errlen, "bad %s \"%s\": the unspecified address", what, s);
	if (kind == IP_HOST && (ovl_ip_is_multicast(&ip) || ovl_ip_is_broadcast(&ip)))
		return ovlctl_fail(err, errlen, "bad %s \"%s\": a multicast or broadcast address",
				   what, s);
	return put(req, key, json_string(ovl_ip_format(&ip, buf)), err, errlen);
}

/*
 * The addresses a VNIC owns (--ip ADDR, repeatable) as "addrs": [...]:
 * each a single address an endpoint can own, none twice, at most
 * OVL_CTL_EP_ADDRS. A prefix length is refused, not ignored: the VNIC owns
 * the address alone, never the subnet it names.
 */
static int put_owned_ips(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	json_t *arr = NULL;
	int n = 0, ret = 0;

	for (int i = 0; i < inv->nopt && !ret; i++) {
		char buf[OVL_IP_STRLEN];
		const char *s = inv->opt[i].arg, *why;
		struct ovl_ip ip;
		json_t *v;
		size_t k;

		if (inv->opt[i].val != OVLCTL_OPT_IP)
			continue;
		if (++n > OVL_CTL_EP_ADDRS) {
			ret = ovlctl_fail(err, errlen,
					  "too many --ip: a VNIC owns at most %d addresses",
					  OVL_CTL_EP_ADDRS);
			break;
		}
		if (ovl_ip_parse(s, &ip)) {
			ret = ovlctl_fail(err, errlen,
					  "bad --ip \"%s\": expected an IPv4 or IPv6 address%s", s,
					  strchr(s, '/') ?
						  " without a prefix length (the VNIC owns "
						  "the address, not a subnet)" :
					  strchr(s, '%') ? " without a zone" :
							   "");
			break;
		}
		why = ovl_ip_not_owned_why(&ip);
		if (why) {
			ret = ovlctl_fail(err, errlen,
					  "bad --ip \"%s\": %s, which a VNIC cannot own", s, why);
			break;
		}
		if (!arr && !(arr = json_array())) {
			ret = nomem(err, errlen);
			break;
		}
		ovl_ip_format(&ip, buf);
		json_array_foreach(arr, k, v)
			if (!strcmp(json_string_value(v), buf))
				ret = ovlctl_fail(err, errlen, "--ip %s given twice", buf);
		if (!ret && json_array_append_new(arr, json_string(buf)))
			ret = nomem(err, errlen);
	}
	if (ret || !arr) {
		json_decref(arr);
		return ret;
	}
	return put(inv->req, "addrs", arr, err, errlen);
}

static int put_port(json_t *req, const char *key, const char *what, const char *s, char *err,
		    size_t errlen)
{
	__u16 port;

	if (!s)
		s = "";
	if (ovl_port_parse(s, &port))
		return ovlctl_fail(err, errlen, "bad %s \"%s\": expected a number from 1 to 65535",
				   what, s);
	return put(req, key, json_integer(port), err, errlen);
}

static int put_vni(json_t *req, const char *s, char *err, size_t errlen)
{
	__u32 vni;

	if (!s)
		s = "";
	if (ovl_vni_parse(s, &vni))
		return ovlctl_fail(err, errlen, "bad VNI \"%s\": expected a number from 0 to %u", s,
				   OVL_VNI_MAX);
	return put(req, "vni", json_integer(vni), err, errlen);
}

/* The name of a network namespace: syntax only (it may be gone already:
 * vnic delete, vnic list). */
static int put_netns_name(json_t *req, const char *ns, char *err, size_t errlen)
{
	if (!ovl_file_name_valid(ns))
		return ovlctl_fail(
			err, errlen,
			"bad netns \"%s\": expected the name of a namespace in %s (no '/')", ns,
			ovlctl_netns_dir);
	return put(req, "netns", json_string(ns), err, errlen);
}

/* A named network namespace, as `ip netns add` makes them. */
static int put_netns(json_t *req, const char *ns, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	int n = put_netns_name(req, ns, err, errlen);

	if (n)
		return n;
	n = snprintf(path, sizeof(path), "%s/%s", ovlctl_netns_dir, ns);
	if (n < 0 || (size_t)n >= sizeof(path))
		return ovlctl_fail(err, errlen, "bad netns \"%s\": name too long", ns);
	if (stat(path, &st))
		return ovlctl_fail(err, errlen, "bad netns \"%s\": %s: %s (see ip netns add)", ns,
				   path, strerror(errno));
	return put(req, "netns", json_string(ns), err, errlen);
}

int ovlctl_put_overlay(json_t *req, const char *key, const char *s, char *err, size_t errlen)
{
	return put_overlay(req, key, s, err, errlen);
}

int ovlctl_put_port(json_t *req, const char *key, const char *what, const char *s, char *err,
		    size_t errlen)
{
	return put_port(req, key, what, s, err, errlen);
}

/* ---- overlay properties (dladm's -p KEY=VALUE) ---------------------------- */

/* What each backend takes is declared once, in lib/backends.c: ovld checks
 * against the same list (and serves it: backend.list). */

static int put_path(json_t *obj, const char *key, const char *v, char *err, size_t errlen)
{
	char cwd[PATH_MAX], *abs = NULL;
	int ret;

	if (!*v)
		return ovlctl_fail(err, errlen, "bad %s \"\": expected a file name", key);
	if (v[0] == '/')
		return put(obj, key, json_string(v), err, errlen);
	/* ovld does not run in our directory: send the path it can open */
	if (!getcwd(cwd, sizeof(cwd)))
		return ovlctl_fail(err, errlen, "bad %s \"%s\": cannot make it absolute: %s", key,
				   v, strerror(errno));
	if (asprintf(&abs, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd, v) < 0)
		return nomem(err, errlen);
	ret = put(obj, key, json_string(abs), err, errlen);
	free(abs);
	return ret;
}

static int put_prop(json_t *obj, const char *search, const char *kv, char *err, size_t errlen)
{
	const struct ovl_backend_info *b = ovl_backend_info(search), *owner;
	const char *eq = strchr(kv, '='), *v;
	const struct ovl_prop *p;
	char keys[256];
	size_t klen;

	if (!eq || eq == kv)
		return ovlctl_fail(err, errlen, "bad property \"%s\": expected KEY=VALUE", kv);
	klen = (size_t)(eq - kv);
	v = eq + 1;
	p = ovl_prop_find(b, kv, klen, NULL);
	owner = p ? NULL : ovl_prop_owner(kv, klen);
	if (owner)
		return ovlctl_fail(err, errlen, "property \"%.*s\" needs -s %s, not -s %s",
				   (int)klen, kv, owner->name, search);
	ovl_prop_keys(b, keys, sizeof(keys));
	if (!p)
		return ovlctl_fail(err, errlen,
				   "unknown property \"%.*s\": with -s %s, expected one of %s",
				   (int)klen, kv, search, keys);
	if (json_object_get(obj, p->name) && p->type == OVL_PROP_CIDRS) {
		/* -p router/gateway=V4 -p router/gateway=V6: joined */
		char both[256];
		json_t *sv;
		int ret;

		snprintf(both, sizeof(both), "%s,%s",
			 json_string_value(json_object_get(obj, p->name)), v);
		sv = json_string(both);
		ret = sv ? ovl_prop_value_check(p->name, p->type, sv, err, errlen) : -ENOMEM;
		if (!ret)
			ret = json_object_set(obj, p->name, sv);
		json_decref(sv);
		return ret;
	}
	if (json_object_get(obj, p->name))
		return ovlctl_fail(err, errlen, "property \"%s\" given twice", p->name);
	switch (p->type) {
	case OVL_PROP_IP:
		return put_ip(obj, p->name, p->name, v, IP_DEST, err, errlen);
	case OVL_PROP_PORT:
		return put_port(obj, p->name, p->name, v, err, errlen);
	case OVL_PROP_PATH:
		return put_path(obj, p->name, v, err, errlen);
	case OVL_PROP_URLS:
	case OVL_PROP_KEY:
	case OVL_PROP_SECS:
	case OVL_PROP_BOOL:
	case OVL_PROP_CIDRS: {
		json_t *sv = json_string(v);
		int ret = sv ? ovl_prop_value_check(p->name, p->type, sv, err, errlen) : -ENOMEM;

		if (!ret)
			ret = json_object_set(obj, p->name, sv);
		json_decref(sv);
		return ret;
	}
	}
	return -EINVAL;
}

/* ---- request builders ----------------------------------------------------- */

/* NOLINTNEXTLINE(readability-non-const-parameter): the signature of ovlctl_cmd.build */
int ovlctl_build_none(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	(void)inv;
	(void)err;
	(void)errlen;
	return 0;
}

int ovlctl_build_overlay_create(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *encap = ovlctl_optval(inv, 'e'), *search = ovlctl_optval(inv, 's');
	const struct ovl_backend_info *b;
	json_t *req = inv->req, *pr;
	int ret;

	ret = put_overlay(req, "name", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_vni(req, ovlctl_optval(inv, 'v'), err, errlen);
	if (ret)
		return ret;
	if (!encap || !search) /* required: checked by the parser */
		return ovlctl_fail(err, errlen, "missing -e or -s");
	if (strcmp(encap, "vxlan") != 0)
		return ovlctl_fail(err, errlen,
				   "bad encapsulation \"%s\": only \"vxlan\" is supported", encap);
	b = ovl_backend_info(search);
	if (!b) {
		char names[256] = "";

		for (const struct ovl_backend_info *const *i = ovl_backend_infos; *i; i++)
			ovlctl_strcatf(names, sizeof(names), "%s\"%s\"",
				       i == ovl_backend_infos ? "" :
				       i[1]		      ? ", " :
								" or ",
				       (*i)->name);
		return ovlctl_fail(err, errlen, "bad search \"%s\": expected %s", search, names);
	}
	ret = put(req, "encap", json_string(encap), err, errlen);
	if (!ret)
		ret = put(req, "search", json_string(search), err, errlen);
	if (!ret)
		ret = put(req, "props", json_object(), err, errlen);
	if (ret)
		return ret;
	pr = json_object_get(req, "props");
	for (int i = 0; i < inv->nopt; i++) {
		if (inv->opt[i].val != 'p')
			continue;
		ret = put_prop(pr, search, inv->opt[i].arg, err, errlen);
		if (ret)
			return ret;
	}
	for (const struct ovl_prop *p = b->props; p->name; p++)
		if (p->required && !json_object_get(pr, p->name))
			return ovlctl_fail(err, errlen, "-s %s needs -p %s=%s", search, p->name,
					   p->arg);
	return 0;
}

int ovlctl_build_overlay_name(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	return put_overlay(inv->req, "name", inv->pos[0], err, errlen);
}

/* [OVERLAY] of the list and reload commands */
int ovlctl_build_overlay_filter(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	return inv->npos ? put_overlay(inv->req, "overlay", inv->pos[0], err, errlen) : 0;
}

int ovlctl_build_vnic_create(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *ns = ovlctl_optval(inv, OVLCTL_OPT_NETNS);
	int ret;

	ret = put_ifname(inv->req, "name", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_overlay(inv->req, "overlay", ovlctl_optval(inv, 'l'), err, errlen);
	if (!ret)
		ret = put_mac(inv->req, "mac", ovlctl_optval(inv, 'm'), true, err, errlen);
	if (!ret && ns)
		ret = put_netns(inv->req, ns, err, errlen);
	if (!ret)
		ret = put_owned_ips(inv, err, errlen);
	if (!ret && ovlctl_optval(inv, OVLCTL_OPT_MAXBW))
		ret = ovlctl_put_maxbw(inv->req, ovlctl_optval(inv, OVLCTL_OPT_MAXBW), false, err,
				       errlen);
	return ret;
}

int ovlctl_build_vnic_delete(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *ns = ovlctl_optval(inv, OVLCTL_OPT_NETNS);
	int ret = put_ifname(inv->req, "name", inv->pos[0], err, errlen);

	if (!ret && ns)
		ret = put_netns_name(inv->req, ns, err, errlen);
	return ret;
}

int ovlctl_build_vnic_list(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *ns = ovlctl_optval(inv, OVLCTL_OPT_NETNS);

	return ns ? put_netns_name(inv->req, ns, err, errlen) : 0;
}

int ovlctl_build_map_add(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	int ret;

	ret = put_overlay(inv->req, "overlay", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_mac(inv->req, "mac", inv->pos[1], true, err, errlen);
	if (!ret)
		ret = put_ip(inv->req, "ip", "IP address", inv->pos[2], IP_DEST, err, errlen);
	if (!ret && inv->npos > 3)
		ret = put_port(inv->req, "port", "port", inv->pos[3], err, errlen);
	return ret;
}

/* map del, map get */
int ovlctl_build_map_key(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	int ret;

	ret = put_overlay(inv->req, "overlay", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_mac(inv->req, "mac", inv->pos[1], false, err, errlen);
	return ret;
}

int ovlctl_build_neigh_add(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	int ret;

	ret = put_overlay(inv->req, "overlay", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_ip(inv->req, "ip", "IP address", inv->pos[1], IP_HOST, err, errlen);
	if (!ret)
		ret = put_mac(inv->req, "mac", inv->pos[2], true, err, errlen);
	return ret;
}

int ovlctl_build_neigh_del(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	int ret;

	ret = put_overlay(inv->req, "overlay", inv->pos[0], err, errlen);
	if (!ret)
		ret = put_ip(inv->req, "ip", "IP address", inv->pos[1], IP_ANY, err, errlen);
	return ret;
}

int ovlctl_build_stats(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *ov = ovlctl_optval(inv, 'o');

	inv->all = ovlctl_has_opt(inv, 'a');
	return ov ? put_overlay(inv->req, "overlay", ov, err, errlen) : 0;
}

int ovlctl_build_monitor(struct ovlctl_inv *inv, char *err, size_t errlen)
{
	const char *c = ovlctl_optval(inv, 'c');

	inv->count = 0;
	if (c && ovl_u64_parse(c, 1, ULLONG_MAX, &inv->count))
		return ovlctl_fail(err, errlen, "bad count \"%s\": expected a number from 1", c);
	return 0;
}
