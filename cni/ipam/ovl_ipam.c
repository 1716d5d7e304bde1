// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ovl_ipam.c - `ovl-ipam`, a CNI IPAM plugin that allocates addresses
 * cluster-wide through the local ovld, from its overlay's etcd (see
 * ovl-ipam(8)). Configured like host-local, inside an ovl configuration:
 *
 *   {"type": "ovl", "instance": "default", "overlay": "overlay0", ...,
 *    "ipam": {"type": "ovl-ipam", "ranges": [[{"subnet": "10.23.0.0/16"}]],
 *             "routes": [{"dst": "0.0.0.0/0"}]}}
 *
 * It reads the enclosing configuration's cniVersion, name, instance and
 * overlay/vni (other top-level keys are the enclosing plugin's business),
 * and its own ipam section strictly. An attachment is the owner
 * "cni:NETWORK/CONTAINERID/IFNAME"; ovld does the rest (ipam.* commands).
 * stdout carries only the result or the error; logs go to stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cni.h"
#include "daemon.h"
#include "ident.h"
#include "json.h"
#include "ipam_range.h"
#include "ovl_ipam.h"

#define IPAM_KEYS "type, ranges, routes, dns"

#define CONF_ERR(e, ...)                                                                           \
	ovl_cni_error((e), OVL_CNI_E_CONFIG, "invalid network configuration", __VA_ARGS__)

static int route_parse(json_t *rt, size_t i, struct ovl_cni_route *r, struct ovl_cni_err *e)
{
	const char *dst = json_string_value(json_object_get(rt, "dst"));
	json_t *gw = json_object_get(rt, "gw");

	memset(r, 0, sizeof(*r));
	r->mtu = r->advmss = r->priority = r->table = r->scope = -1;
	if (!dst || ovl_cni_cidr_parse(dst, &r->dst, &r->plen))
		return CONF_ERR(e, "ipam.routes[%zu].dst must be a CIDR (\"0.0.0.0/0\")", i);
	if (gw) {
		if (!json_is_string(gw) || ovl_ip_parse(json_string_value(gw), &r->gw))
			return CONF_ERR(e, "ipam.routes[%zu].gw must be an IP address", i);
		r->has_gw = true;
	}
	return 0;
}

int ovl_ipam_conf_parse(const char *in, size_t len, struct ovl_ipam_conf *c, struct ovl_cni_err *e)
{
	json_t *ipam, *v, *rc, *routes, *rt;
	json_error_t jerr;
	const char *s, *unknown;
	char err[256];
	size_t i;

	memset(c, 0, sizeof(*c));
	snprintf(c->nc.instance, sizeof(c->nc.instance), "%s", OVL_DEFAULT_INST);
	c->root = json_loadb(in, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(c->root))
		return ovl_cni_error(e, OVL_CNI_E_DECODE, "cannot decode the network configuration",
				     "stdin:%d:%d: %s", jerr.line, jerr.column,
				     c->root ? "not a JSON object" : jerr.text);
	s = json_string_value(json_object_get(c->root, "cniVersion"));
	if (!s)
		return CONF_ERR(e, "\"cniVersion\" is missing");
	snprintf(c->nc.cni_version, sizeof(c->nc.cni_version), "%s", s);
	c->nc.version = ovl_cni_version_parse(s);
	if (c->nc.version == OVL_CNI_V_NONE)
		return ovl_cni_error(e, OVL_CNI_E_VERSION, "incompatible CNI versions",
				     "the configuration is \"%s\"; ovl-ipam supports 0.4.0, 1.0.0, "
				     "1.1.0",
				     s);
	s = json_string_value(json_object_get(c->root, "name"));
	if (!s || !ovl_name_valid(s, sizeof(c->nc.name) - 1, OVL_NAME_ALNUM_FIRST))
		return CONF_ERR(e, "\"name\" is missing or not a network name");
	snprintf(c->nc.name, sizeof(c->nc.name), "%s", s);
	v = json_object_get(c->root, "instance");
	if (v) {
		s = json_string_value(v);
		if (!s || !ovl_instance_valid(s))
			return CONF_ERR(e,
					"\"instance\" is not an ovld instance name (1-%d of "
					"A-Z a-z 0-9 _ -)",
					OVL_INSTANCE_MAX);
		snprintf(c->nc.instance, sizeof(c->nc.instance), "%s", s);
	}
	v = json_object_get(c->root, "overlay");
	if (v) {
		s = json_string_value(v);
		if (!s || !*s || strlen(s) >= sizeof(c->nc.overlay))
			return CONF_ERR(e, "\"overlay\" must be an ovld overlay's name");
		snprintf(c->nc.overlay, sizeof(c->nc.overlay), "%s", s);
	}
	v = json_object_get(c->root, "vni");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 0xffffff)
			return CONF_ERR(e, "\"vni\" must be an integer from 0 to 16777215");
		c->nc.has_vni = true;
		c->nc.vni = (__u32)json_integer_value(v);
	}
	if (!c->nc.overlay[0] && !c->nc.has_vni)
		return CONF_ERR(e, "neither \"overlay\" nor \"vni\" is set: ovl-ipam allocates in "
				   "the overlay of the enclosing ovl configuration");
	ipam = json_object_get(c->root, "ipam");
	if (!json_is_object(ipam))
		return CONF_ERR(e, "\"ipam\" must be an object");
	unknown = ovl_json_unknown_key(ipam, IPAM_KEYS);
	if (unknown)
		return ovl_cni_error(e, OVL_CNI_E_UNSUPPORTED,
				     "unsupported field in the network configuration",
				     "ipam.%s: ovl-ipam knows " IPAM_KEYS, unknown);
	c->ranges = json_object_get(ipam, "ranges");
	c->nsets = ovl_ipam_ranges_parse(c->ranges, "ipam.ranges", c->sets, OVL_IPAM_SETS, err,
					 sizeof(err));
	if (c->nsets < 0)
		return CONF_ERR(e, "%s", err);
	/* all of it before ADD allocates anything */
	routes = json_object_get(ipam, "routes");
	if (routes && !json_is_array(routes))
		return CONF_ERR(e, "ipam.routes must be an array of {dst, gw}");
	if (json_array_size(routes) > OVL_CNI_MAX_ROUTES)
		return CONF_ERR(e, "ipam.routes: more than %d", OVL_CNI_MAX_ROUTES);
	json_array_foreach(routes, i, rt) {
		int ret = route_parse(rt, i, &c->routes[c->nroutes], e);

		if (ret)
			return ret;
		c->nroutes++;
	}
	c->dns = json_object_get(ipam, "dns");
	if (c->dns && !json_is_object(c->dns))
		return CONF_ERR(e, "ipam.dns must be an object");
	rc = json_object_get(c->root, "runtimeConfig");
	c->ips = json_object_get(rc, "ips");
	if (c->ips && !json_is_array(c->ips))
		return CONF_ERR(e, "runtimeConfig.ips must be an array of addresses");
	c->valid = json_object_get(c->root, "cni.dev/valid-attachments");
	return 0;
}

/* ovld's refusal of an ipam.* request as a CNI error. */
static int ipam_error(int errnum, struct ovl_cni_err *e)
{
	switch (errnum) {
	case EHOSTUNREACH:
	case ETIMEDOUT:
	case EAGAIN:
		return ovl_cni_error_recode(e, OVL_CNI_E_TRY_AGAIN,
					    "try again later: etcd did not confirm");
	case ENOSPC:
		return ovl_cni_error_recode(e, OVL_CNI_E_IPAM_FULL, "no free address");
	case EADDRINUSE:
		return ovl_cni_error_recode(e, OVL_CNI_E_IPAM_TAKEN,
					    "the address asked for is allocated already");
	case EOPNOTSUPP:
	case EINVAL:
		return ovl_cni_error_recode(e, OVL_CNI_E_CONFIG, "invalid network configuration");
	case ENOENT:
		return ovl_cni_error_recode(e, OVL_CNI_E_CHECK, "the allocation differs");
	default:
		return e->code;
	}
}

/* A request of ovld's overlay: connect, find the overlay, call. */
static int call(struct ovl_ipam_conf *c, json_t *req, json_t **res, struct ovl_cni_err *e)
{
	struct ovl_cni_daemon d;
	struct ovl_cni_overlay ov;
	int errnum = 0, ret;

	ret = ovl_cni_daemon_open(&d, c->nc.instance, e);
	if (!ret)
		ret = ovl_cni_daemon_overlay(&d, &c->nc, &ov, e);
	if (ret) {
		json_decref(req);
		ovl_cni_daemon_close(&d);
		return ret;
	}
	json_object_set_new(req, "overlay", json_string(ov.name));
	ret = ovl_cni_daemon_call(&d, req, res, &errnum, e);
	ovl_cni_daemon_close(&d);
	if (ret && errnum)
		ret = ipam_error(errnum, e);
	return ret;
}

static void owner_of(const struct ovl_ipam_conf *c, const struct ovl_cni_env *env, char *buf,
		     size_t len)
{
	ovl_cni_forward_owner(c->nc.name, env->container_id, env->ifname, buf, len);
}

static int cmd_add(const struct ovl_cni_env *env, struct ovl_ipam_conf *c, json_t **out,
		   struct ovl_cni_err *e)
{
	char owner[OVL_ALIAS_MAX];
	struct ovl_cni_result *r;
	json_t *res = NULL, *addrs, *x;
	size_t i;
	int ret;

	ret = ovl_cni_env_check(env, OVL_CNI_NEED_CONTAINER | OVL_CNI_NEED_IFNAME, e);
	if (ret)
		return ret;
	owner_of(c, env, owner, sizeof(owner));
	ret = call(c,
		   json_pack("{s:s, s:s, s:O, s:O*}", "cmd", OVL_CMD_IPAM_ADD, "owner", owner,
			     "ranges", c->ranges, "ips", c->ips),
		   &res, e);
	if (ret)
		return ret;
	r = calloc(1, sizeof(*r));
	if (!r) {
		json_decref(res);
		return ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
	}
	addrs = json_object_get(res, "addrs");
	if (json_array_size(addrs) != (size_t)c->nsets) {
		ret = ovl_cni_error(e, OVL_CNI_E_IPAM, "ovld's answer is not what was asked",
				    "%zu addresses for %d range sets", json_array_size(addrs),
				    c->nsets);
		goto out;
	}
	json_array_foreach(addrs, i, x) {
		struct ovl_cni_ipcfg *ip = &r->ips[r->n_ips];
		int k;

		if (ovl_ip_parse(json_string_value(x) ?: "", &ip->addr) ||
		    (k = ovl_ipam_set_find(&c->sets[i], &ip->addr)) < 0) {
			ret = ovl_cni_error(e, OVL_CNI_E_IPAM,
					    "ovld's answer is not what was asked",
					    "address %zu is outside ipam.ranges[%zu]", i, i);
			goto out;
		}
		ip->plen = c->sets[i].r[k].plen;
		ip->has_gw = true;
		ip->gw = c->sets[i].r[k].gw;
		ip->iface = -1;
		r->n_ips++;
	}
	memcpy(r->routes, c->routes, sizeof(c->routes[0]) * (size_t)c->nroutes);
	r->n_routes = c->nroutes;
	if (c->dns)
		r->dns = json_incref(c->dns);
	*out = ovl_cni_result_json(r, c->nc.version);
out:
	json_decref(res);
	ovl_cni_result_free(r);
	free(r);
	return ret;
}

static int cmd_del(const struct ovl_cni_env *env, struct ovl_ipam_conf *c, struct ovl_cni_err *e)
{
	char owner[OVL_ALIAS_MAX];
	int ret;

	ret = ovl_cni_env_check(env, OVL_CNI_NEED_CONTAINER | OVL_CNI_NEED_IFNAME, e);
	if (ret)
		return ret;
	owner_of(c, env, owner, sizeof(owner));
	return call(c, json_pack("{s:s, s:s}", "cmd", OVL_CMD_IPAM_DEL, "owner", owner), NULL, e);
}

static int cmd_check(const struct ovl_cni_env *env, struct ovl_ipam_conf *c, struct ovl_cni_err *e)
{
	char owner[OVL_ALIAS_MAX], a[OVL_IP_STRLEN];
	json_t *prev = json_object_get(c->root, "prevResult"), *addrs, *x;
	size_t i;
	int ret;

	ret = ovl_cni_env_check(env, OVL_CNI_NEED_CONTAINER | OVL_CNI_NEED_IFNAME, e);
	if (ret)
		return ret;
	if (!prev)
		return CONF_ERR(e, "CHECK needs \"prevResult\"");
	addrs = json_array();
	json_array_foreach(json_object_get(prev, "ips"), i, x) {
		struct ovl_ip ip;
		unsigned int plen;

		if (ovl_cni_cidr_parse(json_string_value(json_object_get(x, "address")) ?: "", &ip,
				       &plen)) {
			json_decref(addrs);
			return CONF_ERR(e, "prevResult.ips[%zu].address is not a CIDR", i);
		}
		json_array_append_new(addrs, json_string(ovl_ip_format(&ip, a)));
	}
	owner_of(c, env, owner, sizeof(owner));
	return call(c,
		    json_pack("{s:s, s:s, s:o}", "cmd", OVL_CMD_IPAM_CHECK, "owner", owner, "addrs",
			      addrs),
		    NULL, e);
}

static int cmd_gc(struct ovl_ipam_conf *c, struct ovl_cni_err *e)
{
	json_t *res = NULL;
	int ret;

	if (!json_is_array(c->valid))
		return CONF_ERR(e, "GC needs \"cni.dev/valid-attachments\"");
	ret = call(c,
		   json_pack("{s:s, s:s, s:O}", "cmd", OVL_CMD_IPAM_GC, "network", c->nc.name,
			     "valid", c->valid),
		   &res, e);
	if (!ret)
		pr_info("GC of %s: %lld addresses released", c->nc.name,
			(long long)json_integer_value(json_object_get(res, "released")));
	json_decref(res);
	return ret;
}

static int cmd_status(struct ovl_ipam_conf *c, struct ovl_cni_err *e)
{
	struct ovl_cni_daemon d;
	struct ovl_cni_overlay ov;
	int ret;

	ret = ovl_cni_daemon_open(&d, c->nc.instance, e);
	if (!ret)
		ret = ovl_cni_daemon_overlay(&d, &c->nc, &ov, e);
	ovl_cni_daemon_close(&d);
	if (ret)
		return ovl_cni_error_recode(e, OVL_CNI_E_NOT_AVAILABLE, e->msg);
	if (ov.error[0])
		return ovl_cni_error(e, OVL_CNI_E_NOT_AVAILABLE, "ovl-ipam cannot allocate now",
				     "overlay %s: %s", ov.name, ov.error);
	return 0;
}

int ovl_ipam_run(const struct ovl_cni_env *env, const char *in, size_t len, json_t **out,
		 struct ovl_cni_err *e)
{
	static const char *const verbs[] = { "ADD", "DEL", "CHECK", "GC", "STATUS" };
	struct ovl_ipam_conf c;
	int verb = -1, ret;

	*out = NULL;
	if (!env->command || !*env->command)
		return ovl_cni_error(e, OVL_CNI_E_ENV, "CNI_COMMAND is not set",
				     "one of ADD, DEL, CHECK, GC, STATUS, VERSION");
	if (!strcmp(env->command, "VERSION")) {
		json_t *j = len ? json_loadb(in, len, 0, NULL) : NULL;
		enum ovl_cni_version v =
			ovl_cni_version_parse(json_string_value(json_object_get(j, "cniVersion")));

		json_decref(j);
		*out = ovl_cni_version_json(v != OVL_CNI_V_NONE ? v : OVL_CNI_V_LATEST);
		return 0;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(env->command, verbs[i]))
			verb = (int)i;
	if (verb < 0)
		return ovl_cni_error(e, OVL_CNI_E_ENV, "unknown CNI_COMMAND",
				     "\"%s\"; ovl-ipam knows ADD, DEL, CHECK, GC, STATUS, VERSION",
				     env->command);
	ret = ovl_ipam_conf_parse(in, len, &c, e);
	if (!ret && verb >= 3 && c.nc.version < OVL_CNI_V110)
		ret = ovl_cni_error(e, OVL_CNI_E_VERSION, "incompatible CNI versions",
				    "%s needs cniVersion 1.1.0; the configuration has %s",
				    env->command, c.nc.cni_version);
	if (ret)
		goto out;
	switch (verb) {
	case 0:
		ret = cmd_add(env, &c, out, e);
		break;
	case 1:
		ret = cmd_del(env, &c, e);
		break;
	case 2:
		ret = cmd_check(env, &c, e);
		break;
	case 3:
		ret = cmd_gc(&c, e);
		break;
	default:
		ret = cmd_status(&c, e);
		break;
	}
out:
	ovl_ipam_conf_free(&c);
	return ret;
}

void ovl_ipam_conf_free(struct ovl_ipam_conf *c)
{
	json_decref(c->root);
	c->root = NULL;
}
