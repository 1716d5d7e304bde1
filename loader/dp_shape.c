// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * dp_shape.c - an endpoint's bandwidth caps as qdiscs (lib/shape.c does
 * the netlink): toward the endpoint a tbf on its host veth's egress, which
 * frames for it pass because its ovl_endpoints entry has OVL_EP_F_SHAPED;
 * from it a tbf on its own interface, in its namespace, where the sending
 * TCP stack feels the queue (backpressure instead of drops: a policer on
 * the host veth's ingress lets a TCP stream reach well under its cap).
 * The root of a tenant's namespace could remove that qdisc; ovld puts it
 * back when it restarts or the cap is set again.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ovld.h"
#include "netns.h"
#include "shape.h"

int dp_shape(struct ovld *d, const struct ovl_ep *ep, char *err, size_t errlen)
{
	char msg[OVL_ERR_MAX];
	int fd = -1, ret;

	(void)d;
	ret = ovl_shape_apply(-1, ep->host_ifname, &ep->bw_in, msg, sizeof(msg));
	if (ret) {
		snprintf(err, errlen, "ingress cap on %s: %s", ep->host_ifname, msg);
		return ret;
	}
	if (!ep->ifname[0]) {
		if (!ep->bw_out.rate)
			return 0;
		snprintf(err, errlen, "egress cap: the endpoint's interface name is not known");
		return -EINVAL;
	}
	if (ep->netns[0]) {
		fd = ovl_netns_open_err(ep->netns, msg, sizeof(msg));
		if (fd < 0) {
			if (!ep->bw_out.rate) /* nothing to remove where nothing is */
				return 0;
			snprintf(err, errlen, "egress cap: %s", msg);
			return fd;
		}
	}
	ret = ovl_shape_apply(fd, ep->ifname, &ep->bw_out, msg, sizeof(msg));
	if (fd >= 0)
		close(fd);
	if (ret == -ENODEV && !ep->bw_out.rate)
		ret = 0;
	if (ret)
		snprintf(err, errlen, "egress cap on %s%s%s: %s", ep->ifname,
			 ep->netns[0] ? " in " : "", ep->netns, msg);
	return ret;
}
