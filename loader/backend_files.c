// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * backend_files.c - the seed's files backend: a hosts.json per network
 * (lib/files.c parses and indexes it). A reload opens the file again into
 * a new table, which ovld swaps in only when the whole file is valid and
 * trusted (root's, see load()) and fits the maps, so a broken edit, or a
 * file another user put in its place, never takes entries away from a
 * running network.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ovl_abi.h"
#include "files.h"
#include "safeopen.h"
#include "backend.h"
#include "loop.h"
#include "log.h"

struct files {
	char path[4096];
	struct ovl_files_table *t;
	struct ovl_backend_host *host;
	struct ovl_watch *w; /* the loop's watch on the file, or NULL */
};

/* The file names the VTEPs the data path accepts: only root may have
 * written it or put it in place (ovl_open_trusted(): OpenSSH's StrictModes
 * rule, and never a FIFO or other non-regular file). The user ovld runs as
 * is trusted too: root for ovld, the test's own user in the unit tier.
 * Return: the table, or NULL with errno set and err saying why. */
static struct ovl_files_table *load(const char *path, char *err, size_t errlen)
{
	struct ovl_files_table *t;
	int fd = ovl_open_trusted(path, geteuid(), err, errlen), e;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	t = ovl_files_load_fd(fd, path, err, errlen);
	e = errno;
	close(fd);
	errno = e;
	return t;
}

static void on_change(void *arg)
{
	struct files *f = arg;

	f->host->reload(f->host); /* it closes f */
}

/* The loop watches the directory, not the file: editors replace files by
 * rename. */
static void watch(struct files *f)
{
	if (!f->host || !f->host->loop || !f->host->reload)
		return;
	f->w = loop_watch_file(f->host->loop, f->path, on_change, f);
	if (!f->w)
		pr_warn("watch %s for changes: %s (edits need `ovlctl reload`)", f->path,
			strerror(errno));
}

static int files_open(json_t *props, struct ovl_backend_host *host, void **priv, char *err,
		      size_t errlen)
{
	const char *path = json_string_value(json_object_get(props, "files/config"));
	struct files *f;

	if (!path || !*path) {
		snprintf(err, errlen, "the files backend needs files/config=PATH");
		return -EINVAL;
	}
	if (path[0] != '/') {
		snprintf(err, errlen, "files/config: \"%s\" is not an absolute path", path);
		return -EINVAL;
	}
	if (strlen(path) >= sizeof(f->path)) {
		snprintf(err, errlen, "files/config: path too long");
		return -ENAMETOOLONG;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	memcpy(f->path, path, strlen(path) + 1);
	f->t = load(f->path, err, errlen);
	if (!f->t) {
		int e = errno ? -errno : -EINVAL;

		free(f);
		return e;
	}
	f->host = host;
	watch(f);
	*priv = f;
	return 0;
}

static int files_lookup_l2(void *priv, const __u8 mac[6], struct ovl_ip *ip, __u16 *port)
{
	const struct ovl_files_entry *e = ovl_files_find_mac(((struct files *)priv)->t, mac);

	if (!e)
		return -ENOENT;
	*ip = e->ip;
	*port = e->port;
	return 0;
}

static int files_lookup_l3(void *priv, const struct ovl_ip *ip, __u8 mac[6])
{
	const struct ovl_files_entry *e = ovl_files_find_ip(((struct files *)priv)->t, ip);

	if (!e)
		return -ENOENT;
	memcpy(mac, e->mac, 6);
	return 0;
}

static int files_lookup_dhcp(void *priv, const __u8 mac[6], __u8 server[6])
{
	const struct ovl_files_entry *e = ovl_files_find_mac(((struct files *)priv)->t, mac);

	if (!e || !e->has_dhcp_proxy)
		return -ENOENT;
	memcpy(server, e->dhcp_proxy, 6);
	return 0;
}

static int files_dhcp_server(void *priv, const __u8 mac[6])
{
	return ovl_files_is_dhcp_server(((struct files *)priv)->t, mac) ? 0 : -ENOENT;
}

static int files_lookup_addrs(void *priv, const __u8 mac[6], struct ovl_ip *addrs, int max)
{
	const struct ovl_files_entry *e = ovl_files_find_mac(((struct files *)priv)->t, mac);
	int n = 0;

	if (!e)
		return 0;
	if (e->has_arp && n < max)
		addrs[n++] = e->arp;
	if (e->has_ndp && n < max)
		addrs[n++] = e->ndp;
	return n;
}

static int files_foreach_peer(void *priv, int (*cb)(const struct ovl_ip *ip, void *arg), void *arg)
{
	const struct ovl_files_table *t = ((struct files *)priv)->t;
	size_t n = ovl_files_count(t);

	for (size_t i = 0; i < n; i++) {
		int err = cb(&ovl_files_entry(t, i)->ip, arg);

		if (err)
			return err;
	}
	return 0;
}

static const char *files_source(void *priv, char *buf, size_t len)
{
	snprintf(buf, len, "files/config %s", ((struct files *)priv)->path);
	return buf;
}

static size_t files_entries(void *priv)
{
	return ovl_files_count(((struct files *)priv)->t);
}

static void files_close(void *priv)
{
	struct files *f = priv;

	if (!f)
		return;
	loop_watch_free(f->w);
	ovl_files_free(f->t);
	free(f);
}

const struct ovl_backend_ops ovl_backend_files = {
	.info = &ovl_info_files,
	.open = files_open,
	.lookup_l2 = files_lookup_l2,
	.lookup_l3 = files_lookup_l3,
	.lookup_dhcp = files_lookup_dhcp,
	.dhcp_server = files_dhcp_server,
	.lookup_addrs = files_lookup_addrs,
	.foreach_peer = files_foreach_peer,
	.reloadable = true,
	.source = files_source,
	.entries = files_entries,
	.close = files_close,
};
