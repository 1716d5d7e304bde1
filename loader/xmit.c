// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xmit.c - the frames ovld sends itself: a miss's first frame, VXLAN over
 * a UDP socket bound to the underlay address, and an ARP/NDP reply
 * injected into the endpoint's veth through a packet socket.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "ovld.h"
#include "frame.h"
#include "log.h"

/* Bind to a free port in OVL_SPORT_MIN..65535. */
static int bind_vxlan_port(int fd, struct sockaddr *sa, __be16 *port, socklen_t len)
{
	unsigned int start = (unsigned int)getpid() * 2654435761u;

	for (unsigned int i = 0; i < 64; i++) {
		*port = htons((__u16)(OVL_SPORT_MIN + ((start + i * 257) & OVL_SPORT_MASK)));
		if (!bind(fd, sa, len))
			return 0;
		if (errno != EADDRINUSE)
			return -1;
	}
	return -1;
}

int xmit_open(struct ovld *d)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };

	d->pkt_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (d->pkt_fd < 0) {
		int err = -errno;

		pr_err("open packet socket: %s", strerror(-err));
		return err;
	}
	d->udp4_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	d->udp6_fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* The first frames leave from the underlay address, so that a peer
	 * with a strict source check accepts them, and from a port of the
	 * range RFC 7348 recommends for VXLAN sources, as the data path's. */
	if (d->udp4_fd >= 0 && d->local4.family) {
		memcpy(&a4.sin_addr, d->local4.addr, 4);
		if (bind_vxlan_port(d->udp4_fd, (struct sockaddr *)&a4, &a4.sin_port, sizeof(a4)))
			pr_warn("bind UDP socket to the IPv4 underlay address: %s",
				strerror(errno));
	}
	if (d->udp6_fd >= 0 && d->local6.family) {
		memcpy(&a6.sin6_addr, d->local6.addr, 16);
		if (bind_vxlan_port(d->udp6_fd, (struct sockaddr *)&a6, &a6.sin6_port, sizeof(a6)))
			pr_warn("bind UDP socket to the IPv6 underlay address: %s",
				strerror(errno));
	}
	return 0;
}

void xmit_close(struct ovld *d)
{
	if (d->pkt_fd >= 0)
		close(d->pkt_fd);
	if (d->udp4_fd >= 0)
		close(d->udp4_fd);
	if (d->udp6_fd >= 0)
		close(d->udp6_fd);
	d->pkt_fd = d->udp4_fd = d->udp6_fd = -1;
}

int xmit_vxlan(struct ovld *d, const struct ovl_ip *ip, __u16 port, __u32 vni, const __u8 *frame,
	       size_t len)
{
	__u8 hdr[OVL_VXLAN_HLEN];
	struct iovec iov[2] = { { hdr, sizeof(hdr) }, { (void *)frame, len } };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	int fd;

	ovl_vxlan_hdr(hdr, vni);
	if (ip->family == OVL_AF_INET4) {
		memcpy(&a4.sin_addr, ip->addr, 4);
		msg.msg_name = &a4;
		msg.msg_namelen = sizeof(a4);
		fd = d->udp4_fd;
	} else {
		memcpy(&a6.sin6_addr, ip->addr, 16);
		msg.msg_name = &a6;
		msg.msg_namelen = sizeof(a6);
		fd = d->udp6_fd;
	}
	if (fd < 0)
		return -EAFNOSUPPORT;
	return sendmsg(fd, &msg, 0) < 0 ? -errno : 0;
}

int xmit_inject(struct ovld *d, int ifindex, const __u8 *frame, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN,
	};

	memcpy(sll.sll_addr, frame, ETH_ALEN);
	if (sendto(d->pkt_fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}
