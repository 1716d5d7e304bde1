// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * state.c - overlays and endpoints outlive ovld: <state_dir>/state.json,
 * rewritten (atomically, by rename) after every change and read back at
 * start, so that a restarted ovld re-attaches and refills exactly what was
 * there. (The seed's "all overlay devices are temporary" is gone.)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "ovld.h"
#include "veth.h"
#include "log.h"

#define STATE_VERSION 1

static int state_path(struct ovld *d, char *buf, size_t len, const char *suffix)
{
	int n = snprintf(buf, len, "%s/state.json%s", d->o.state_dir, suffix);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The JSON text in one buffer, written in as few calls as the kernel takes
 * (json_dumpfd() writes every token on its own: with thousands of
 * endpoints, saving took longer than the change it saved). */
static int write_text(int fd, json_t *root)
{
	char *txt = json_dumps(root, JSON_INDENT(2));
	size_t n, off = 0;
	int err = 0;

	if (!txt)
		return -ENOMEM;
	n = strlen(txt);
	txt[n] = '\n'; /* json_dumps leaves room for its NUL */
	while (!err && off < n + 1) {
		ssize_t w = write(fd, txt + off, n + 1 - off);

		if (w < 0 && errno != EINTR)
			err = -errno;
		else if (w > 0)
			off += (size_t)w;
	}
	free(txt);
	return err;
}

int state_save(struct ovld *d)
{
	json_t *root, *ovs, *eps;
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd, err = 0;

	d->state_dirty = d->state_hold > 0;
	if (d->state_dirty)
		return 0; /* saved once the holder is done */
	ovs = json_array();
	eps = json_array();

	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		json_array_append_new(ovs, json_pack("{s:s, s:i, s:s, s:s, s:O}", "name", ov->name,
						     "vni", (json_int_t)ov->vni, "encap", "vxlan",
						     "search", ov->search, "props", ov->props));
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		json_array_append_new(eps, ep_json(ep));
	/* What could not be restored is kept, not silently forgotten. */
	json_array_extend(ovs, json_object_get(d->unrestored, "overlays"));
	json_array_extend(eps, json_object_get(d->unrestored, "endpoints"));
	root = json_pack("{s:i, s:s, s:o, s:o}", "version", STATE_VERSION, "instance",
			 d->o.instance, "overlays", ovs, "endpoints", eps);
	if (!root)
		return -ENOMEM;
	if (state_path(d, path, sizeof(path), "") || state_path(d, tmp, sizeof(tmp), ".tmp")) {
		json_decref(root);
		return -ENAMETOOLONG;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (write_text(fd, root) || fsync(fd))
		err = -EIO;
	close(fd);
	if (!err && rename(tmp, path))
		err = -errno;
out:
	if (err)
		pr_err("save state to %s: %s", path, strerror(-err));
	json_decref(root);
	return err;
}

static int restore_ep(struct ovld *d, json_t *o)
{
	char err[OVL_ERR_MAX];
	json_t *addrs = json_object_get(o, "addrs"), *a;
	const char *kind = json_string_value(json_object_get(o, "kind"));
	const char *id = json_string_value(json_object_get(o, "id"));
	const char *ov = json_string_value(json_object_get(o, "overlay"));
	const char *host = json_string_value(json_object_get(o, "host_ifname"));
	const char *name = json_string_value(json_object_get(o, "name")) ?:
				   json_string_value(json_object_get(o, "ifname"));
	const char *netns = json_string_value(json_object_get(o, "netns"));
	const char *mac = json_string_value(json_object_get(o, "mac"));
	const char *network = json_string_value(json_object_get(o, "network"));
	struct ovl_ep *ep;
	size_t i;
	int ret;

	if (!kind || !id || !ov || !host || !mac)
		return -EINVAL;
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	snprintf(ep->id, sizeof(ep->id), "%s", id);
	ep->kind = strcmp(kind, "vnic") ? OVL_EP_CNI : OVL_EP_VNIC;
	snprintf(ep->overlay, sizeof(ep->overlay), "%s", ov);
	snprintf(ep->host_ifname, sizeof(ep->host_ifname), "%s", host);
	snprintf(ep->ifname, sizeof(ep->ifname), "%s", name ? name : "");
	snprintf(ep->netns, sizeof(ep->netns), "%s", netns ? netns : "");
	snprintf(ep->network, sizeof(ep->network), "%s", network ? network : "");
	ep->peer_netns = json_is_true(json_object_get(o, "peer_netns"));
	if (ovl_mac_parse(mac, ep->mac)) {
		free(ep);
		return -EINVAL;
	}
	json_array_foreach(addrs, i, a) {
		struct ovl_ip ip;

		if (ep->naddrs < OVL_EP_ADDRS && json_is_string(a) &&
		    !ovl_ip_parse(json_string_value(a), &ip))
			ep->addrs[ep->naddrs++] = ip;
	}
	ep->host_ifindex = ovl_link_ifindex(host);
	if (ep->host_ifindex < 0) {
		/* Its veth went away while we were not running (container
		 * stopped, namespace deleted): nothing left to serve. */
		pr_warn("endpoint %s: %s is gone; forgetting the endpoint", id, host);
		free(ep);
		return 0;
	}
	ret = ep_register(d, ep, err, sizeof(err));
	if (ret) {
		pr_err("restore endpoint %s: %s", id, err);
		free(ep);
	}
	return ret;
}

int state_restore(struct ovld *d)
{
	char path[PATH_MAX], err[OVL_ERR_MAX];
	json_t *root, *ovs, *eps, *o;
	json_error_t jerr;
	size_t i;
	int n_ov = 0, n_ep = 0;

	if (mkdir(d->o.state_dir, 0700) && errno != EEXIST) {
		int e = -errno;

		pr_err("create state directory %s: %s", d->o.state_dir, strerror(-e));
		return e;
	}
	if (state_path(d, path, sizeof(path), ""))
		return -ENAMETOOLONG;
	if (access(path, F_OK))
		return 0;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		pr_err("%s:%d:%d: %s; starting without saved overlays", path, jerr.line,
		       jerr.column, jerr.text);
		return 0;
	}
	ovs = json_object_get(root, "overlays");
	eps = json_object_get(root, "endpoints");
	json_array_foreach(ovs, i, o) {
		json_t *vni = json_object_get(o, "vni");

		if (overlay_create(d, json_string_value(json_object_get(o, "name")),
				   (__u32)json_integer_value(vni),
				   json_string_value(json_object_get(o, "encap")),
				   json_string_value(json_object_get(o, "search")),
				   json_object_get(o, "props"), err, sizeof(err))) {
			pr_err("restore overlay %s: %s (kept in the state file; its data path "
			       "entries stay in the maps)",
			       json_string_value(json_object_get(o, "name")) ?: "?", err);
			json_array_append(json_object_get(d->unrestored, "overlays"), o);
		} else {
			n_ov++;
		}
	}
	json_array_foreach(eps, i, o) {
		if (restore_ep(d, o))
			json_array_append(json_object_get(d->unrestored, "endpoints"), o);
		else
			n_ep++;
	}
	json_decref(root);
	pr_info("restored %d overlays and %d endpoints from %s", n_ov, n_ep, path);
	/* Write back what actually came back. */
	return state_save(d);
}
