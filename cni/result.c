// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * result.c - CNI results and errors as JSON, both ways, in each version
 * ovl speaks: 0.4.0 (ips carry "version"), 1.0.0, 1.1.0 (interface "mtu",
 * "socketPath", "pciID"; route "mtu", "advmss", "priority", "table",
 * "scope").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "ovl_abi.h"
#include "cni.h"

int ovl_cni_error(struct ovl_cni_err *e, int code, const char *msg, const char *details, ...)
{
	va_list ap;

	e->code = code;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
	e->details[0] = '\0';
	if (details) {
		va_start(ap, details);
		vsnprintf(e->details, sizeof(e->details), details, ap);
		va_end(ap);
	}
	return code;
}

int ovl_cni_error_recode(struct ovl_cni_err *e, int code, const char *msg)
{
	e->code = code;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
	return code;
}

int ovl_cni_error_prefix(struct ovl_cni_err *e, const char *what)
{
	char old[sizeof(e->msg)];

	memcpy(old, e->msg, sizeof(old));
	if (snprintf(e->msg, sizeof(e->msg), "%s: %s", what, old) >= (int)sizeof(e->msg))
		pr_debug("message cut: %s: %s", what, old);
	return e->code;
}

json_t *ovl_cni_error_json(const struct ovl_cni_err *e, const char *cni_version)
{
	json_t *o = json_pack("{s:s, s:i, s:s}", "cniVersion", cni_version, "code",
			      (json_int_t)e->code, "msg", e->msg);

	if (o && e->details[0])
		json_object_set_new(o, "details", json_string(e->details));
	return o;
}

/* ---- versions --------------------------------------------------------------- */

static const char *const version_names[] = {
	[OVL_CNI_V040] = "0.4.0",
	[OVL_CNI_V100] = "1.0.0",
	[OVL_CNI_V110] = "1.1.0",
};

enum ovl_cni_version ovl_cni_version_parse(const char *s)
{
	for (int v = OVL_CNI_V040; s && v <= OVL_CNI_V110; v++)
		if (!strcmp(s, version_names[v]))
			return (enum ovl_cni_version)v;
	return OVL_CNI_V_NONE;
}

const char *ovl_cni_version_str(enum ovl_cni_version v)
{
	return v >= OVL_CNI_V040 && v <= OVL_CNI_V110 ? version_names[v] : "";
}

json_t *ovl_cni_version_json(enum ovl_cni_version v)
{
	json_t *list = json_array();

	for (int i = OVL_CNI_V040; i <= OVL_CNI_V110; i++)
		json_array_append_new(list, json_string(version_names[i]));
	return json_pack("{s:s, s:o}", "cniVersion", ovl_cni_version_str(v), "supportedVersions",
			 list);
}

/* ---- addresses ---------------------------------------------------------------- */

char *ovl_cni_cidr_format(const struct ovl_ip *ip, unsigned int plen, char *buf)
{
	char a[OVL_IP_STRLEN];

	snprintf(buf, OVL_IP_STRLEN + 4, "%s/%u", ovl_ip_format(ip, a), plen);
	return buf;
}

int ovl_cni_cidr_parse(const char *s, struct ovl_ip *ip, unsigned int *plen)
{
	char a[OVL_IP_STRLEN];
	const char *slash = s ? strchr(s, '/') : NULL;
	unsigned long long n;
	size_t len;

	if (!slash)
		return -EINVAL;
	len = (size_t)(slash - s);
	if (!len || len >= sizeof(a))
		return -EINVAL;
	memcpy(a, s, len);
	a[len] = '\0';
	if (ovl_ip_parse(a, ip))
		return -EINVAL;
	if (ovl_u64_parse(slash + 1, 0, ip->family == OVL_AF_INET4 ? 32 : 128, &n))
		return -EINVAL;
	*plen = (unsigned int)n;
	return 0;
}

/* ---- parsing ------------------------------------------------------------------- */

/* Optional string member into buf; -1 (error filled) when it is there and wrong. */
static int get_str(json_t *o, const char *key, char *buf, size_t len, const char *where,
		   struct ovl_cni_err *e)
{
	json_t *v = json_object_get(o, key);

	buf[0] = '\0';
	if (!v)
		return 0;
	if (!json_is_string(v)) {
		ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result", "%s.%s must be a string, not %s",
			      where, key, ovl_json_type_name(v));
		return -1;
	}
	if (strlen(json_string_value(v)) >= len) {
		ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result", "%s.%s is longer than %zu", where,
			      key, len - 1);
		return -1;
	}
	snprintf(buf, len, "%s", json_string_value(v));
	return 0;
}

/* Optional non-negative integer member; *out = -1 when absent. */
static int get_int(json_t *o, const char *key, int *out, const char *where, struct ovl_cni_err *e)
{
	json_t *v = json_object_get(o, key);

	*out = -1;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 0x7fffffff) {
		ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
			      "%s.%s must be a non-negative integer", where, key);
		return -1;
	}
	*out = (int)json_integer_value(v);
	return 0;
}

static int parse_iface(json_t *o, const char *where, struct ovl_cni_iface *f, struct ovl_cni_err *e)
{
	int mtu;

	if (!json_is_object(o))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result", "%s must be an object",
				     where);
	if (get_str(o, "name", f->name, sizeof(f->name), where, e) ||
	    get_str(o, "mac", f->mac, sizeof(f->mac), where, e) ||
	    get_str(o, "sandbox", f->sandbox, sizeof(f->sandbox), where, e) ||
	    get_str(o, "socketPath", f->socket_path, sizeof(f->socket_path), where, e) ||
	    get_str(o, "pciID", f->pci_id, sizeof(f->pci_id), where, e) ||
	    get_int(o, "mtu", &mtu, where, e))
		return e->code;
	if (!f->name[0])
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result", "%s has no name", where);
	f->mtu = mtu > 0 ? (unsigned int)mtu : 0;
	return 0;
}

static int parse_ip(json_t *o, const char *where, int n_ifaces, struct ovl_cni_ipcfg *ip,
		    struct ovl_cni_err *e)
{
	json_t *addr = json_object_get(o, "address"), *gw = json_object_get(o, "gateway");
	json_t *ifc = json_object_get(o, "interface"), *ver = json_object_get(o, "version");

	if (!json_is_object(o))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result", "%s must be an object",
				     where);
	if (!json_is_string(addr) ||
	    ovl_cni_cidr_parse(json_string_value(addr), &ip->addr, &ip->plen))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
				     "%s.address must be an address with a prefix length, as "
				     "\"10.1.2.3/24\"",
				     where);
	ip->has_gw = gw != NULL;
	if (gw && (!json_is_string(gw) || ovl_ip_parse(json_string_value(gw), &ip->gw) ||
		   ip->gw.family != ip->addr.family))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
				     "%s.gateway must be an address of the same family as %s",
				     where, json_string_value(addr));
	if (ver) {
		const char *want = ip->addr.family == OVL_AF_INET4 ? "4" : "6";

		if (!json_is_string(ver) || strcmp(json_string_value(ver), want))
			return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
					     "%s.version must be \"%s\" for %s", where, want,
					     json_string_value(addr));
	}
	ip->iface = -1;
	if (ifc) {
		if (!json_is_integer(ifc) || json_integer_value(ifc) < 0 ||
		    json_integer_value(ifc) >= n_ifaces)
			return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
					     "%s.interface must index the %d interfaces", where,
					     n_ifaces);
		ip->iface = (int)json_integer_value(ifc);
	}
	return 0;
}

static int parse_route(json_t *o, const char *where, struct ovl_cni_route *rt,
		       struct ovl_cni_err *e)
{
	json_t *dst = json_object_get(o, "dst"), *gw = json_object_get(o, "gw");

	if (!json_is_object(o))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result", "%s must be an object",
				     where);
	if (!json_is_string(dst) || ovl_cni_cidr_parse(json_string_value(dst), &rt->dst, &rt->plen))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
				     "%s.dst must be a prefix, as \"0.0.0.0/0\"", where);
	rt->has_gw = gw != NULL;
	if (gw && (!json_is_string(gw) || ovl_ip_parse(json_string_value(gw), &rt->gw) ||
		   rt->gw.family != rt->dst.family))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
				     "%s.gw must be an address of the same family as %s", where,
				     json_string_value(dst));
	if (get_int(o, "mtu", &rt->mtu, where, e) || get_int(o, "advmss", &rt->advmss, where, e) ||
	    get_int(o, "priority", &rt->priority, where, e) ||
	    get_int(o, "table", &rt->table, where, e) || get_int(o, "scope", &rt->scope, where, e))
		return e->code;
	return 0;
}

static int check_str_array(json_t *o, const char *key, const char *where, struct ovl_cni_err *e)
{
	json_t *a = json_object_get(o, key), *v;
	size_t i;

	if (!a)
		return 0;
	if (!json_is_array(a))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
				     "%s.%s must be an array of strings", where, key);
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
					     "%s.%s[%zu] must be a string", where, key, i);
	}
	return 0;
}

static int parse_dns(json_t *o, const char *where, struct ovl_cni_err *e)
{
	json_t *dom = json_object_get(o, "domain");

	if (!json_is_object(o))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result", "%s must be an object",
				     where);
	if (dom && !json_is_string(dom))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
				     "%s.domain must be a string", where);
	if (check_str_array(o, "nameservers", where, e) || check_str_array(o, "search", where, e) ||
	    check_str_array(o, "options", where, e))
		return e->code;
	return 0;
}

int ovl_cni_result_parse(json_t *j, const char *what, struct ovl_cni_result *r,
			 struct ovl_cni_err *e)
{
	json_t *ifs = json_object_get(j, "interfaces"), *ips = json_object_get(j, "ips");
	json_t *routes = json_object_get(j, "routes"), *dns = json_object_get(j, "dns");
	json_t *ver = json_object_get(j, "cniVersion"), *v;
	char where[64];
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(j))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result", "%s must be an object",
				     what);
	if (ver && (!json_is_string(ver) ||
		    ovl_cni_version_parse(json_string_value(ver)) == OVL_CNI_V_NONE))
		return ovl_cni_error(e, OVL_CNI_E_VERSION, "bad result",
				     "%s has cniVersion %s; ovl reads 0.4.0, 1.0.0 and 1.1.0", what,
				     json_is_string(ver) ? json_string_value(ver) :
							   "(not a string)");
	if ((ifs && !json_is_array(ifs)) || (ips && !json_is_array(ips)) ||
	    (routes && !json_is_array(routes)))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
				     "%s: interfaces, ips and routes must be arrays", what);
	if (json_array_size(ifs) > OVL_CNI_MAX_IFACES || json_array_size(ips) > OVL_CNI_MAX_IPS ||
	    json_array_size(routes) > OVL_CNI_MAX_ROUTES)
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "bad result",
				     "%s: more than %d interfaces, %d ips or %d routes", what,
				     OVL_CNI_MAX_IFACES, OVL_CNI_MAX_IPS, OVL_CNI_MAX_ROUTES);
	json_array_foreach(ifs, i, v) {
		snprintf(where, sizeof(where), "%s.interfaces[%zu]", what, i);
		ret = parse_iface(v, where, &r->ifaces[r->n_ifaces++], e);
		if (ret)
			return ret;
	}
	json_array_foreach(ips, i, v) {
		snprintf(where, sizeof(where), "%s.ips[%zu]", what, i);
		ret = parse_ip(v, where, r->n_ifaces, &r->ips[r->n_ips++], e);
		if (ret)
			return ret;
	}
	json_array_foreach(routes, i, v) {
		snprintf(where, sizeof(where), "%s.routes[%zu]", what, i);
		ret = parse_route(v, where, &r->routes[r->n_routes++], e);
		if (ret)
			return ret;
	}
	if (dns) {
		snprintf(where, sizeof(where), "%s.dns", what);
		ret = parse_dns(dns, where, e);
		if (ret)
			return ret;
		if (json_object_size(dns))
			r->dns = json_deep_copy(dns);
	}
	return 0;
}

void ovl_cni_result_free(struct ovl_cni_result *r)
{
	json_decref(r->dns);
	r->dns = NULL;
}

/* ---- building ------------------------------------------------------------------ */

static void set_str(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

static void set_int(json_t *o, const char *key, int v)
{
	if (v >= 0)
		json_object_set_new(o, key, json_integer(v));
}

json_t *ovl_cni_result_json(const struct ovl_cni_result *r, enum ovl_cni_version v)
{
	json_t *o = json_pack("{s:s}", "cniVersion", ovl_cni_version_str(v));
	json_t *ifs = json_array(), *ips = json_array(), *routes = json_array();
	char a[OVL_IP_STRLEN + 4], g[OVL_IP_STRLEN];

	if (!o || !ifs || !ips || !routes) {
		json_decref(o);
		json_decref(ifs);
		json_decref(ips);
		json_decref(routes);
		return NULL;
	}
	for (int i = 0; i < r->n_ifaces; i++) {
		const struct ovl_cni_iface *f = &r->ifaces[i];
		json_t *x = json_pack("{s:s}", "name", f->name);

		set_str(x, "mac", f->mac);
		if (v >= OVL_CNI_V110 && f->mtu)
			json_object_set_new(x, "mtu", json_integer(f->mtu));
		set_str(x, "sandbox", f->sandbox);
		if (v >= OVL_CNI_V110) {
			set_str(x, "socketPath", f->socket_path);
			set_str(x, "pciID", f->pci_id);
		}
		json_array_append_new(ifs, x);
	}
	for (int i = 0; i < r->n_ips; i++) {
		const struct ovl_cni_ipcfg *p = &r->ips[i];
		json_t *x = json_object();

		if (v == OVL_CNI_V040)
			json_object_set_new(
				x, "version",
				json_string(p->addr.family == OVL_AF_INET4 ? "4" : "6"));
		json_object_set_new(x, "address",
				    json_string(ovl_cni_cidr_format(&p->addr, p->plen, a)));
		if (p->has_gw)
			json_object_set_new(x, "gateway", json_string(ovl_ip_format(&p->gw, g)));
		set_int(x, "interface", p->iface);
		json_array_append_new(ips, x);
	}
	for (int i = 0; i < r->n_routes; i++) {
		const struct ovl_cni_route *rt = &r->routes[i];
		json_t *x = json_object();

		json_object_set_new(x, "dst",
				    json_string(ovl_cni_cidr_format(&rt->dst, rt->plen, a)));
		if (rt->has_gw)
			json_object_set_new(x, "gw", json_string(ovl_ip_format(&rt->gw, g)));
		if (v >= OVL_CNI_V110) {
			set_int(x, "mtu", rt->mtu);
			set_int(x, "advmss", rt->advmss);
			set_int(x, "priority", rt->priority);
			set_int(x, "table", rt->table);
			set_int(x, "scope", rt->scope);
		}
		json_array_append_new(routes, x);
	}
	if (r->n_ifaces)
		json_object_set_new(o, "interfaces", ifs);
	else
		json_decref(ifs);
	if (r->n_ips)
		json_object_set_new(o, "ips", ips);
	else
		json_decref(ips);
	if (r->n_routes)
		json_object_set_new(o, "routes", routes);
	else
		json_decref(routes);
	if (r->dns && json_object_size(r->dns))
		json_object_set(o, "dns", r->dns);
	return o;
}
