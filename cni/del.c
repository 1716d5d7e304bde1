// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * del.c - DEL and GC: an attachment's endpoint, veth and lease go, in the
 * reverse order of ADD. Whatever is already gone (the namespace, the
 * interface, ovld's endpoint, ovld itself, the lease) is not an error: DEL
 * can be repeated, and cleans up after a half-done ADD. Each step runs
 * even when an earlier one failed; the first failure is reported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "veth.h"
#include "ipam.h"
#include "link.h"
#include "daemon.h"

struct cleanup {
	const struct ovl_netconf *nc;
	struct ovl_cni_daemon ovld;
	bool ovld_up;
	struct ovl_ipam ipam;
	bool ipam_ok;
	struct ovl_cni_err first;
	/* GC: the attachments already removed through ovld's list */
	char (*done)[OVL_CNI_IFNAME_MAX];
	size_t n_done, cap_done;
};

static void keep_error(struct cleanup *c, const struct ovl_cni_err *e)
{
	pr_warn("%s: %s", e->msg, e->details);
	if (!c->first.code)
		c->first = *e;
}

/* Open ovld and the IPAM plugin; neither missing stops the cleanup. */
static void cleanup_open(struct cleanup *c, const struct ovl_cni_env *env,
			 const struct ovl_netconf *nc)
{
	struct ovl_cni_err e;

	memset(c, 0, sizeof(*c));
	c->nc = nc;
	if (!ovl_cni_daemon_open(&c->ovld, nc->instance, &e)) {
		c->ovld_up = true;
	} else if (c->ovld.connect_errno == ENOENT || c->ovld.connect_errno == ECONNREFUSED) {
		/* Not running: when it starts again it forgets endpoints whose
		 * host interface is gone, which is what happens next. */
		pr_info("ovld instance %s is not running: no endpoint to remove", nc->instance);
	} else {
		keep_error(c, &e);
	}
	if (!ovl_ipam_open(&c->ipam, env, nc, &e))
		c->ipam_ok = true;
	else
		keep_error(c, &e);
}

/* The forwards of an attachment go by their owner. ovld says how many
 * (none is no error); one without forwards (ENOSYS: an ovld older than
 * the router zone) has none to remove. */
static void remove_forwards(struct cleanup *c, const char *owner)
{
	struct ovl_cni_err e;
	json_t *res = NULL;
	int errnum;

	if (!c->ovld_up)
		return;
	if (ovl_cni_daemon_call(&c->ovld,
				json_pack("{s:s, s:s}", "cmd", OVL_CMD_FORWARD_DEL, "owner", owner),
				&res, &errnum, &e)) {
		if (errnum == ENOSYS || errnum == ENOENT)
			pr_debug("forwards of %s: %s", owner, e.details);
		else
			keep_error(c, &e);
	} else if (json_integer_value(json_object_get(res, "deleted"))) {
		pr_debug("forwards of %s: %lld removed", owner,
			 (long long)json_integer_value(json_object_get(res, "deleted")));
	}
	json_decref(res);
}

static void cleanup_close(struct cleanup *c)
{
	ovl_ipam_close(&c->ipam);
	ovl_cni_daemon_close(&c->ovld);
	free(c->done);
}

/* Is host's ifalias that of this attachment? Unset counts as ours only for
 * the name ADD gives (derived from all four; a crash between creating the
 * veth and marking it leaves it unset), never for a name found otherwise. */
static bool alias_ours(const struct ovl_netconf *nc, const char *alias, const char *container_id,
		       const char *ifname, bool derived_name)
{
	char want[OVL_ALIAS_MAX];

	if (!alias[0])
		return derived_name;
	return !ovl_cni_alias_format(nc->instance, nc->name, container_id, ifname, want,
				     sizeof(want)) &&
	       !strcmp(alias, want);
}

/* Remove one attachment. container_id/ifname NULL: the environment's (DEL),
 * which also gives the IPAM plugin CNI_NETNS. host_name NULL: the name ADD
 * gives its host end (GC passes the name it found). */
static void remove_attachment(struct cleanup *c, const struct ovl_cni_env *env,
			      const char *container_id, const char *ifname, const char *host_name)
{
	const char *cid = container_id ? container_id : env->container_id;
	const char *ifn = ifname ? ifname : env->ifname;
	char host[OVL_CNI_IFNAME_MAX], v1[OVL_CNI_IFNAME_MAX], alias[OVL_ALIAS_MAX], id[300],
		owner[OVL_ALIAS_MAX];
	bool derived = !host_name;
	struct ovl_cni_err e;
	int errnum, err;

	snprintf(id, sizeof(id), "%s/%s", cid, ifn);
	if (host_name)
		snprintf(host, sizeof(host), "%s", host_name);
	else
		ovl_cni_host_ifname(c->nc->instance, c->nc->name, cid, ifn, host);
	/* An attachment an earlier plugin made has the older name. */
	if (derived && ovl_link_ifindex(host) < 0 && ovl_cni_host_v1_find(c->nc, cid, ifn, v1))
		snprintf(host, sizeof(host), "%s", v1);
	/* 0. Its forwards (the reverse of ADD's last step). */
	ovl_cni_forward_owner(c->nc->name, cid, ifn, owner, sizeof(owner));
	remove_forwards(c, owner);
	/* 1. ovld forgets the endpoint (no error when it did not know it). */
	if (c->ovld_up) {
		json_t *res = NULL;

		if (ovl_cni_daemon_call(&c->ovld,
					json_pack("{s:s, s:s, s:s}", "cmd", OVL_CMD_ENDPOINT_DEL,
						  "id", id, "network", c->nc->name),
					&res, &errnum, &e))
			keep_error(c, &e);
		else
			pr_debug("endpoint %s: %s", id,
				 json_is_true(json_object_get(res, "existed")) ? "removed" :
										 "was not known");
		json_decref(res);
	}
	/* 2. The veth pair (its container end goes with it). */
	err = ovl_cni_link_alias(host, alias, sizeof(alias));
	if (err == -ENODEV) {
		pr_debug("%s: already gone", host);
	} else if (err) {
		ovl_cni_error(&e, OVL_CNI_E_LINK, "cannot read the host interface", "%s: %s", host,
			      strerror(-err));
		keep_error(c, &e);
	} else if (!alias_ours(c->nc, alias, cid, ifn, derived)) {
		pr_warn("%s belongs to another attachment (%s): left alone", host, alias);
	} else {
		err = ovl_link_delete(host);
		if (err && err != -ENODEV) {
			ovl_cni_error(&e, OVL_CNI_E_LINK, "cannot delete the veth pair", "%s: %s",
				      host, strerror(-err));
			keep_error(c, &e);
		}
	}
	/* 3. The lease. */
	if (c->ipam_ok && ovl_ipam_del(&c->ipam, container_id, ifname, &e))
		keep_error(c, &e);
	if (c->n_done == c->cap_done) {
		size_t cap = c->cap_done ? c->cap_done * 2 : 16;
		char(*d)[OVL_CNI_IFNAME_MAX] = realloc(c->done, cap * sizeof(*d));

		if (!d)
			return;
		c->done = d;
		c->cap_done = cap;
	}
	snprintf(c->done[c->n_done++], OVL_CNI_IFNAME_MAX, "%s", host);
	pr_info("%s %s: done (host end %s)", env->command, id, host);
}

int ovl_cni_del(const struct ovl_cni_env *env, struct ovl_netconf *nc, struct ovl_cni_err *e)
{
	struct cleanup c;
	int ret;

	/* CNI_NETNS may be missing: the namespace may be gone already. */
	ret = ovl_cni_env_check(
		env, OVL_CNI_NEED_CONTAINER | OVL_CNI_NEED_IFNAME | OVL_CNI_NEED_PATH, e);
	if (ret)
		return ret;
	cleanup_open(&c, env, nc);
	remove_attachment(&c, env, NULL, NULL, NULL);
	ret = c.first.code;
	if (ret)
		*e = c.first;
	cleanup_close(&c);
	return ret;
}

/* ---- GC ---------------------------------------------------------------------- */

static bool removed(const struct cleanup *c, const char *host)
{
	for (size_t i = 0; i < c->n_done; i++)
		if (!strcmp(c->done[i], host))
			return true;
	return false;
}

struct gc_ctx {
	struct cleanup *c;
	const struct ovl_cni_env *env;
};

static int gc_host_link(const char *name, const char *alias, void *arg)
{
	struct gc_ctx *g = arg;
	const struct ovl_netconf *nc = g->c->nc;
	char inst[OVL_INSTANCE_MAX + 1], net[128], cid[256], ifn[OVL_CNI_IFNAME_MAX];

	if (ovl_cni_alias_parse(alias, inst, sizeof(inst), net, sizeof(net), cid, sizeof(cid), ifn,
				sizeof(ifn)))
		return 0;
	if (strcmp(inst, nc->instance) || strcmp(net, nc->name) || removed(g->c, name) ||
	    ovl_netconf_attachment_valid(nc, cid, ifn))
		return 0;
	pr_info("GC: %s (%s/%s) is not a valid attachment of %s", name, cid, ifn, nc->name);
	remove_attachment(g->c, g->env, cid, ifn, name);
	return 0;
}

int ovl_cni_gc(const struct ovl_cni_env *env, struct ovl_netconf *nc, struct ovl_cni_err *e)
{
	struct gc_ctx g;
	struct cleanup c;
	struct ovl_cni_err ue;
	json_t *list = NULL, *x;
	bool skipped;
	int errnum, ret;
	size_t i;

	ret = ovl_cni_env_check(env, OVL_CNI_NEED_PATH, e);
	if (ret)
		return ret;
	if (!nc->has_valid)
		return ovl_cni_error(e, OVL_CNI_E_CONFIG, "invalid network configuration",
				     "GC needs \"cni.dev/valid-attachments\"");
	cleanup_open(&c, env, nc);
	g.c = &c;
	g.env = env;
	/* 1. What ovld knows of this network. */
	if (c.ovld_up) {
		if (ovl_cni_daemon_call(&c.ovld, json_pack("{s:s}", "cmd", OVL_CMD_ENDPOINT_LIST),
					&list, &errnum, &ue))
			keep_error(&c, &ue);
	}
	json_array_foreach(list, i, x) {
		const char *kind = json_string_value(json_object_get(x, "kind"));
		const char *net = json_string_value(json_object_get(x, "network"));
		const char *id = json_string_value(json_object_get(x, "id"));
		const char *slash = id ? strrchr(id, '/') : NULL;
		char cid[256];

		if (!kind || strcmp(kind, "cni") || !net || strcmp(net, nc->name) || !slash ||
		    (size_t)(slash - id) >= sizeof(cid) || slash == id)
			continue;
		memcpy(cid, id, (size_t)(slash - id));
		cid[slash - id] = '\0';
		if (ovl_netconf_attachment_valid(nc, cid, slash + 1))
			continue;
		pr_info("GC: endpoint %s is not a valid attachment of %s", id, nc->name);
		remove_attachment(&c, env, cid, slash + 1,
				  json_string_value(json_object_get(x, "host_ifname")));
	}
	json_decref(list);
	list = NULL;
	/* Forwards whose attachment is gone (an ADD that died after them). */
	if (c.ovld_up) {
		if (ovl_cni_daemon_call(&c.ovld, json_pack("{s:s}", "cmd", OVL_CMD_FORWARD_LIST),
					&list, &errnum, &ue) &&
		    errnum != ENOSYS)
			keep_error(&c, &ue);
	}
	json_array_foreach(list, i, x) {
		const char *owner = json_string_value(json_object_get(x, "owner"));
		char cid[256], ifn[OVL_CNI_IFNAME_MAX];

		if (ovl_cni_forward_owner_parse(owner, nc->name, cid, sizeof(cid), ifn,
						sizeof(ifn)) ||
		    ovl_netconf_attachment_valid(nc, cid, ifn))
			continue;
		pr_info("GC: forward of %s is not a valid attachment's", owner);
		remove_forwards(&c, owner);
	}
	json_decref(list);
	/* 2. Host ends ovld does not know (it lost them, or an ADD died). */
	if (ovl_cni_host_links(gc_host_link, &g)) {
		ovl_cni_error(&ue, OVL_CNI_E_LINK, "cannot list the host interfaces", NULL);
		keep_error(&c, &ue);
	}
	/* 3. The IPAM plugin's own GC, when it has one. */
	if (c.ipam_ok && ovl_ipam_gc(&c.ipam, &skipped, &ue))
		keep_error(&c, &ue);
	ret = c.first.code;
	if (ret)
		*e = c.first;
	cleanup_close(&c);
	return ret;
}
