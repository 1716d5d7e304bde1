// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * backend_direct.c - the seed's first plugin: every frame of the network
 * goes to one underlay destination, a point-to-point tunnel. The data path
 * does it without asking (OVL_VNI_F_DIRECT); this backend only holds the
 * destination and names it as the one underlay peer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ovl_abi.h"
#include "backend.h"

struct direct {
	struct ovl_ip ip;
	__u16 port;
};

static int direct_open(json_t *props, struct ovl_backend_host *host, void **priv, char *err,
		       size_t errlen)
{
	const char *ip = json_string_value(json_object_get(props, "direct/dest_ip"));
	json_t *port = json_object_get(props, "direct/dest_port");
	struct direct *d;

	(void)host;
	if (!ip) {
		snprintf(err, errlen, "the direct backend needs direct/dest_ip");
		return -EINVAL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	if (ovl_ip_parse(ip, &d->ip)) {
		snprintf(err, errlen, "direct/dest_ip: \"%s\" is not an IPv4 or IPv6 address", ip);
		free(d);
		return -EINVAL;
	}
	d->port = OVL_VXLAN_PORT;
	if (port) {
		long p = ovl_prop_port(port);

		if (p < 0) {
			snprintf(err, errlen, "direct/dest_port: not a port number (1-65535)");
			free(d);
			return -EINVAL;
		}
		d->port = (__u16)p;
	}
	*priv = d;
	return 0;
}

static int direct_lookup_l2(void *priv, const __u8 mac[6], struct ovl_ip *ip, __u16 *port)
{
	const struct direct *d = priv;

	(void)mac;
	*ip = d->ip;
	*port = d->port;
	return 0;
}

static int direct_lookup_l3(void *priv, const struct ovl_ip *ip, __u8 mac[6])
{
	(void)priv;
	(void)ip;
	(void)mac;
	return -ENOENT;
}

static int direct_foreach_peer(void *priv, int (*cb)(const struct ovl_ip *ip, void *arg), void *arg)
{
	const struct direct *d = priv;

	return cb(&d->ip, arg);
}

static size_t direct_entries(void *priv)
{
	(void)priv;
	return 1;
}

static void direct_close(void *priv)
{
	free(priv);
}

const struct ovl_backend_ops ovl_backend_direct = {
	.info = &ovl_info_direct,
	.open = direct_open,
	.lookup_l2 = direct_lookup_l2,
	.lookup_l3 = direct_lookup_l3,
	.foreach_peer = direct_foreach_peer,
	.entries = direct_entries,
	.close = direct_close,
};
