// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * backend.c - the registry of backends ovld runs, and the defaults of the
 * optional operations (backend.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "ovld.h"
#include "backend.h"

#define BACKEND_EXTRA 4 /* slots for backend_register() */

static const struct ovl_backend_ops *const registry[] = {
	&ovl_backend_files,
	&ovl_backend_direct,
	&ovl_backend_etcd,
};

static const struct ovl_backend_ops *extra[BACKEND_EXTRA];

const struct ovl_backend_ops *backend_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(registry) / sizeof(registry[0]); i++)
		if (!strcmp(registry[i]->info->name, name))
			return registry[i];
	for (size_t i = 0; name && i < BACKEND_EXTRA && extra[i]; i++)
		if (!strcmp(extra[i]->info->name, name))
			return extra[i];
	return NULL;
}

int backend_register(const struct ovl_backend_ops *ops)
{
	if (!ops || !ops->info || !ops->info->name || !ops->open || !ops->lookup_l2 ||
	    !ops->lookup_l3 || !ops->foreach_peer || !ops->close)
		return -EINVAL;
	if (backend_find(ops->info->name))
		return -EEXIST;
	for (size_t i = 0; i < BACKEND_EXTRA; i++) {
		if (!extra[i]) {
			extra[i] = ops;
			return 0;
		}
	}
	return -ENOSPC;
}

int backend_lookup_dhcp(const struct ovl_overlay *ov, const __u8 mac[6], __u8 server[6])
{
	return ov->ops->lookup_dhcp ? ov->ops->lookup_dhcp(ov->backend, mac, server) : -ENOENT;
}

int backend_dhcp_server(const struct ovl_overlay *ov, const __u8 mac[6])
{
	return ov->ops->dhcp_server ? ov->ops->dhcp_server(ov->backend, mac) : -ENOENT;
}

int backend_lookup_addrs(const struct ovl_overlay *ov, const __u8 mac[6], struct ovl_ip *addrs,
			 int max)
{
	return ov->ops->lookup_addrs ? ov->ops->lookup_addrs(ov->backend, mac, addrs, max) : 0;
}

size_t backend_entries(const struct ovl_overlay *ov)
{
	return ov->ops->entries ? ov->ops->entries(ov->backend) : 0;
}

const char *backend_where(const struct ovl_overlay *ov, char *buf, size_t len)
{
	char src[300];

	if (ov->ops->source && ov->ops->source(ov->backend, src, sizeof(src)))
		snprintf(buf, len, " (%s)", src);
	else if (len)
		buf[0] = '\0';
	return buf;
}
