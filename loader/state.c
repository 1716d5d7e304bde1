// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * state.c - overlays and endpoints outlive ovld: <state_dir>/state.json,
 * rewritten after every change and read back at start, so that a restarted
 * ovld re-attaches and refills exactly what was there. (The seed's "all
 * overlay devices are temporary" is gone.)
 *
 * Writing is atomic and durable: a new file beside it, fsync, rename over
 * the old, fsync of the directory; a crash leaves the old state or the new,
 * never half of one. A state.json that does not parse (truncated by hand,
 * a disk that lied) is not dropped: it is renamed to
 * state.json.corrupt-<UTC time> and the log names it; while such a file
 * is in the directory, start-up removes nothing the state does not know
 * (reconcile.c), since what it knew is in that file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "ovld.h"
#include "veth.h"
#include "log.h"
#include "router.h"

#define STATE_VERSION 1

static int state_path(struct ovld *d, char *buf, size_t len, const char *suffix)
{
	int n = snprintf(buf, len, "%s/state.json%s", d->o.state_dir, suffix);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Make the rename into dir durable. */
static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
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
	json_t *root, *ovs, *eps, *fwds;
	char path[PATH_MAX], tmp[PATH_MAX];
	int fd, err = 0;

	d->state_dirty = false;
	ovs = json_array();
	eps = json_array();

	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		json_array_append_new(ovs, json_pack("{s:s, s:i, s:s, s:s, s:O}", "name", ov->name,
						     "vni", (json_int_t)ov->vni, "encap", "vxlan",
						     "search", ov->search, "props", ov->props));
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		if (ep->kind != OVL_EP_ROUTER) /* its router makes it again */
			json_array_append_new(eps, ep_json(ep));
	/* What could not be restored is kept, not silently forgotten. */
	json_array_extend(ovs, json_object_get(d->unrestored, "overlays"));
	json_array_extend(eps, json_object_get(d->unrestored, "endpoints"));
	fwds = router_forwards_json(d, NULL);
	json_array_extend(fwds, json_object_get(d->unrestored, "forwards"));
	root = json_pack("{s:i, s:s, s:o, s:o, s:o}", "version", STATE_VERSION, "instance",
			 d->o.instance, "overlays", ovs, "endpoints", eps, "forwards", fwds);
	if (!root)
		return -ENOMEM;
	if (state_path(d, path, sizeof(path), "") || state_path(d, tmp, sizeof(tmp), ".tmp")) {
		json_decref(root);
		return -ENAMETOOLONG;
	}
	/* Whatever a crash left under the temporary name goes first. */
	if (unlink(tmp) && errno != ENOENT) {
		err = -errno;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (write_text(fd, root))
		err = -EIO;
	else if (fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	else
		err = fsync_dir(d->o.state_dir);
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
	if (ep_bw_parse(o, &ep->bw_in, &ep->bw_out, err, sizeof(err))) {
		pr_warn("endpoint %s: saved caps: %s; restored without them", id, err);
		memset(&ep->bw_in, 0, sizeof(ep->bw_in));
		memset(&ep->bw_out, 0, sizeof(ep->bw_out));
	}
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
	if (ep_check_link(d, ep, true, err, sizeof(err))) {
		/* Not the veth it was (a name reused while we were down). */
		pr_warn("endpoint %s: %s; forgetting the endpoint", id, err);
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

/* Is a state.json.corrupt-* kept in the state directory? Its name in buf. */
static bool corrupt_kept(struct ovld *d, char *buf, size_t len)
{
	DIR *dir = opendir(d->o.state_dir);
	struct dirent *e;
	bool found = false;

	while (dir && !found && (e = readdir(dir)))
		if (!strncmp(e->d_name, "state.json.corrupt-", 19)) {
			snprintf(buf, len, "%s/%s", d->o.state_dir, e->d_name);
			found = true;
		}
	if (dir)
		closedir(dir);
	return found;
}

/* Rename an unreadable state.json aside, and say so (why, and where).
 * Return: 0, or -errno when it could not be kept (then ovld must not go on
 * and replace it). */
static int keep_aside(struct ovld *d, const char *path, const char *why)
{
	char aside[PATH_MAX], stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(aside, sizeof(aside), "%s.corrupt-%s", path, stamp);
	if (!access(aside, F_OK))
		snprintf(aside, sizeof(aside), "%s.corrupt-%s-%d", path, stamp, (int)getpid());
	if (rename(path, aside)) {
		int err = -errno;

		pr_err("%s: %s; cannot keep it aside as %s (%s): not starting, so as not to "
		       "replace it",
		       path, why, aside, strerror(-err));
		return err;
	}
	fsync_dir(d->o.state_dir);
	pr_err("%s: %s; kept as %s: starting without saved overlays and endpoints (VNIC veths "
	       "and map entries stay as they are while that file is there; repair it and "
	       "rename it back to state.json, or remove it)",
	       path, why, aside);
	return 0;
}

/* The state file, or NULL when it is unreadable (kept aside: *err 0, or
 * not: *err -errno). */
static json_t *state_load(struct ovld *d, const char *path, int *err)
{
	char why[OVL_ERR_MAX];
	json_error_t jerr;
	json_t *root, *v;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(why, sizeof(why), "line %d, column %d: %s", jerr.line, jerr.column,
			 jerr.text);
		*err = keep_aside(d, path, why);
		return NULL;
	}
	v = json_object_get(root, "version");
	if (!json_is_object(root))
		snprintf(why, sizeof(why), "not a JSON object");
	else if (!json_is_array(json_object_get(root, "overlays")) ||
		 !json_is_array(json_object_get(root, "endpoints")))
		snprintf(why, sizeof(why), "\"overlays\" or \"endpoints\" is not an array");
	else if (!json_is_integer(v))
		snprintf(why, sizeof(why), "no \"version\"");
	else if (json_integer_value(v) > STATE_VERSION)
		snprintf(why, sizeof(why),
			 "version %" JSON_INTEGER_FORMAT " is newer than this ovld's (%d)",
			 json_integer_value(v), STATE_VERSION);
	else
		return root;
	json_decref(root);
	*err = keep_aside(d, path, why);
	return NULL;
}

int state_restore(struct ovld *d)
{
	char path[PATH_MAX], err[OVL_ERR_MAX], kept[PATH_MAX];
	json_t *root = NULL, *ovs, *eps, *o;
	size_t i;
	int n_ov = 0, n_ep = 0, ret = 0;

	if (mkdir(d->o.state_dir, 0700) && errno != EEXIST) {
		int e = -errno;

		pr_err("create state directory %s: %s", d->o.state_dir, strerror(-e));
		return e;
	}
	if (state_path(d, path, sizeof(path), ""))
		return -ENAMETOOLONG;
	if (!access(path, F_OK))
		root = state_load(d, path, &ret);
	if (ret)
		return ret;
	ovs = json_object_get(root, "overlays");
	eps = json_object_get(root, "endpoints");
	d->restoring = true;
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
	router_forwards_restore(d, json_object_get(root, "forwards"));
	d->restoring = false;
	json_decref(root);
	if (root)
		pr_info("restored %d overlays and %d endpoints from %s", n_ov, n_ep, path);
	if (corrupt_kept(d, kept, sizeof(kept)))
		pr_warn("%s is kept in the state directory: orphan VNIC veths and map entries are "
			"left as they are",
			kept);
	else
		reconcile(d);
	/* Write back what actually came back. */
	return state_save(d);
}

void state_flush(struct ovld *d)
{
	if (d->state_dirty)
		state_save(d);
}
