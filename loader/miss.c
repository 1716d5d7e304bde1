// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * miss.c - what the data path could not resolve, resolved.
 *
 * Theory of operation
 *
 *   The BPF programs put one record on the ovl_events ringbuf per miss
 *   (rate-limited per key in BPF: OVL_MISS_BURST per OVL_MISS_WINDOW_NS)
 *   with the first bytes of the frame, and, while a monitor is connected,
 *   one per drop. The ringbuf callback only copies records into a bounded
 *   queue; miss_poll() then works through it:
 *
 *   MISS_L2   an unknown destination MAC: ask the backend where it lives,
 *             write ovl_fdb, and send the captured frame there ourselves
 *             (VXLAN over a UDP socket), so the first frame is not lost.
 *             A TCP or UDP frame may still hold the pseudo-header sum its
 *             container left to the device (checksum offload): that
 *             checksum is finished first (lib/l4csum.h), or the far
 *             container would drop the frame.
 *   MISS_ARP  an ARP request for an address not in ovl_neigh: ask the
 *   MISS_NDP  backend who owns it, write ovl_neigh, inject the reply into
 *             the asking endpoint's veth (AF_PACKET), and resolve the
 *             owner's MAC into ovl_fdb too, so that the frame that follows
 *             the answer does not miss again.
 *
 *   Backpressure: a key the backend does not know goes into a negative
 *   cache for OVL_NEG_TTL_NS; further events for it cost no backend lookup
 *   until it expires or the backend reloads. The queue holds at most
 *   MISS_QUEUE_MAX records; beyond that records are counted and dropped
 *   (the BPF side counts its own ringbuf-full drops).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "ovld.h"
#include "backend.h"
#include "frame.h"
#include "l4csum.h"
#include "names.h"
#include "log.h"

#define MISS_QUEUE_MAX 4096
#define NEG_SLOTS      4096
#define OVL_NEG_TTL_NS (2ull * 1000 * 1000 * 1000)

struct queued {
	struct ovl_evt evt;
	__u8 pkt[];
};

static struct queued *queue[MISS_QUEUE_MAX];
static unsigned int queue_len;
static unsigned long long queue_dropped;
static int pkt_fd = -1;

/* Negative cache: direct-mapped by a 64-bit hash of (vni, type, key). */
static struct {
	__u64 key;
	__u64 expires;
} neg[NEG_SLOTS];

/* The wall-clock time (epoch seconds) of a bpf_ktime_get_ns() stamp. */
static double wall_time(__u64 ktime)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return (double)real.tv_sec + (double)real.tv_nsec / 1e9 -
	       ((double)mono.tv_sec + (double)mono.tv_nsec / 1e9 - (double)ktime / 1e9);
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static __u64 neg_hash(__u32 vni, __u16 type, const __u8 *key, size_t len)
{
	__u64 h = 0xcbf29ce484222325ull;

	h = (h ^ vni) * 0x100000001b3ull;
	h = (h ^ type) * 0x100000001b3ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ key[i]) * 0x100000001b3ull;
	return h | 1; /* never 0: 0 marks an empty slot */
}

static bool neg_hit(__u64 h)
{
	unsigned int slot = (unsigned int)(h % NEG_SLOTS);

	return neg[slot].key == h && neg[slot].expires > now_ns();
}

static void neg_add(__u64 h)
{
	unsigned int slot = (unsigned int)(h % NEG_SLOTS);

	neg[slot].key = h;
	neg[slot].expires = now_ns() + OVL_NEG_TTL_NS;
}

void miss_forget_negative(struct ovl_overlay *ov)
{
	(void)ov; /* the cache is small: forget all of it */
	memset(neg, 0, sizeof(neg));
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct ovl_evt *e = data;
	struct queued *q;

	(void)ctx;
	if (size < sizeof(*e) || e->hdr.len > size || e->cap_len > size - sizeof(*e))
		return 0;
	if (queue_len == MISS_QUEUE_MAX) {
		queue_dropped++;
		return 0;
	}
	q = malloc(sizeof(*q) + e->cap_len);
	if (!q) {
		queue_dropped++;
		return 0;
	}
	memcpy(q, e, sizeof(*e) + e->cap_len);
	queue[queue_len++] = q;
	return 0;
}

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

int miss_init(struct ovld *d)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };

	d->rb = ring_buffer__new(bpf_map__fd(d->skel->maps.ovl_events), on_event, d, NULL);
	if (!d->rb) {
		int err = -errno;

		pr_err("open ringbuf %s: %s", OVL_MAP_EVENTS, strerror(-err));
		return err;
	}
	pkt_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (pkt_fd < 0) {
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

void miss_fini(struct ovld *d)
{
	ring_buffer__free(d->rb);
	d->rb = NULL;
	for (unsigned int i = 0; i < queue_len; i++)
		free(queue[i]);
	queue_len = 0;
	if (pkt_fd >= 0)
		close(pkt_fd);
	pkt_fd = -1;
	if (d->udp4_fd >= 0)
		close(d->udp4_fd);
	if (d->udp6_fd >= 0)
		close(d->udp6_fd);
	d->udp4_fd = d->udp6_fd = -1;
}

/* Where a frame came in, by name: the endpoint's host-side veth (and the
 * endpoint), or another interface of this namespace (the underlay). */
static void add_ifname(struct ovld *d, json_t *ev, __u32 ifindex)
{
	const struct ovl_ep *ep = ep_by_ifindex(d, (int)ifindex);
	char name[IF_NAMESIZE];

	if (ep) {
		json_object_set_new(ev, "ifname", json_string(ep->host_ifname));
		json_object_set_new(ev, "endpoint", json_string(ep->id));
	} else if (ifindex && if_indextoname(ifindex, name)) {
		json_object_set_new(ev, "ifname", json_string(name));
	}
}

static void emit(struct ovld *d, const char *event, const struct ovl_evt *e, json_t *extra)
{
	char mac[OVL_MAC_STRLEN], ip[OVL_IP_STRLEN];
	json_t *ev;

	if (!d->monitors) {
		json_decref(extra);
		return;
	}
	ev = json_pack("{s:s, s:f, s:i, s:i, s:i}", "event", event, "time", wall_time(e->ts_ns),
		       "vni", (json_int_t)e->vni, "ifindex", (json_int_t)e->ifindex, "len",
		       (json_int_t)e->pkt_len);
	if (!ev) {
		json_decref(extra);
		return;
	}
	add_ifname(d, ev, e->ifindex);
	if (e->hdr.type == OVL_EVT_MISS_L2)
		json_object_set_new(ev, "mac", json_string(ovl_mac_format(e->mac, mac)));
	/* a drop event's address is an underlay one (handle_drop) */
	if (e->family && e->hdr.type != OVL_EVT_DROP)
		json_object_set_new(ev, "ip",
				    json_string(ovl_ip_format_raw(e->family, e->addr, ip)));
	if (extra)
		json_object_update(ev, extra);
	json_decref(extra);
	ctl_broadcast_event(d, ev);
	json_decref(ev);
}

static int send_vxlan(struct ovld *d, const struct ovl_ip *ip, __u16 port, __u32 vni,
		      const __u8 *frame, size_t len)
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

static int inject(int ifindex, const __u8 *frame, size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
		.sll_halen = ETH_ALEN,
	};

	memcpy(sll.sll_addr, frame, ETH_ALEN);
	if (sendto(pkt_fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

/* Where does mac of ov live? From ovl_fdb if known, else the backend
 * (writing ovl_fdb). -ENOENT when nobody knows or it is local. */
static int resolve_l2(struct ovld *d, struct ovl_overlay *ov, const __u8 mac[6], struct ovl_ip *ip,
		      __u16 *port)
{
	struct ovl_dest dst;
	__u64 h = neg_hash(ov->vni, OVL_EVT_MISS_L2, mac, 6);
	int err;

	if (!map_fdb_get(d, ov->vni, mac, &dst)) {
		memset(ip, 0, sizeof(*ip));
		ip->family = dst.family;
		memcpy(ip->addr, dst.addr, 16);
		*port = ntohs(dst.port);
		return 0;
	}
	if (neg_hit(h))
		return -ENOENT;
	ov->lookups++;
	err = ov->ops->lookup_l2(ov->backend, mac, ip, port);
	if (!err && ovl_ip_is_local(d, ip))
		err = -ENOENT; /* it lives here but is no endpoint (yet) */
	if (err) {
		neg_add(h);
		return err;
	}
	ovl_dest_from_ip(&dst, ip, *port, 0);
	err = map_fdb_put(d, ov->vni, mac, &dst);
	{
		char m[OVL_MAC_STRLEN];

		overlay_map_write(ov, OVL_MAP_FDB, OVL_MAX_FDB, err, ovl_mac_format(mac, m));
	}
	return 0;
}

static void handle_l2(struct ovld *d, struct ovl_overlay *ov, struct queued *q)
{
	const struct ovl_evt *e = &q->evt;
	char ipbuf[OVL_IP_STRLEN];
	enum ovl_l4csum cs;
	struct ovl_ip ip;
	__u16 port;
	int err;

	if (resolve_l2(d, ov, e->mac, &ip, &port)) {
		ov->unresolved++;
		d->evt_unresolved++;
		emit(d, "unresolved", e, json_pack("{s:s}", "what", "mac"));
		return;
	}
	ov->resolved++;
	if (e->cap_len < e->pkt_len || !e->cap_len) {
		pr_debug("miss frame of %u bytes not captured whole: not delivered", e->pkt_len);
		return;
	}
	cs = ovl_l4csum_finish(q->pkt, e->cap_len);
	if (cs == OVL_L4CSUM_FINISHED)
		d->evt_csum_finished++;
	else if (cs == OVL_L4CSUM_INVALID)
		d->evt_csum_invalid++; /* sent as it came: the receiver judges it */
	err = send_vxlan(d, &ip, port, ov->vni, q->pkt, e->cap_len);
	if (err)
		pr_warn("deliver first frame to %s: %s", ovl_ip_format(&ip, ipbuf), strerror(-err));
	else
		d->evt_delivered++;
	emit(d, "resolved", e,
	     json_pack("{s:s, s:i, s:s}", "to", ovl_ip_format(&ip, ipbuf), "port", (json_int_t)port,
		       "csum", ovl_l4csum_name(cs)));
}

/*
 * A link-local address made by modified EUI-64 (RFC 4291 appendix A, the
 * kernel's default) names its MAC: fe80::XXXX:XXff:feXX:XXXX. Such an
 * address is owned by that MAC when the network knows the MAC, even if the
 * backend lists no address for it.
 */
static int eui64_owner(struct ovld *d, struct ovl_overlay *ov, const struct ovl_ip *ip, __u8 mac[6])
{
	static const __u8 ll[8] = { 0xfe, 0x80 };
	struct ovl_ip uip;
	__u16 port;

	if (ip->family != OVL_AF_INET6 || memcmp(ip->addr, ll, 8) || ip->addr[11] != 0xff ||
	    ip->addr[12] != 0xfe)
		return -ENOENT;
	mac[0] = ip->addr[8] ^ 0x02;
	mac[1] = ip->addr[9];
	mac[2] = ip->addr[10];
	mac[3] = ip->addr[13];
	mac[4] = ip->addr[14];
	mac[5] = ip->addr[15];
	if (mac[0] & 1)
		return -ENOENT;
	if (ep_by_mac(d, ov->vni, mac))
		return 0;
	return ov->ops->lookup_l2(ov->backend, mac, &uip, &port);
}

static void handle_l3(struct ovld *d, struct ovl_overlay *ov, const struct queued *q)
{
	const struct ovl_evt *e = &q->evt;
	__u8 mac[6], frame[OVL_NA_FRAME_LEN];
	struct ovl_neigh n;
	struct ovl_ip ip = { .family = e->family };
	__u64 h;
	int len, err;

	memcpy(ip.addr, e->addr, 16);
	h = neg_hash(ov->vni, e->hdr.type, ip.addr, 16);
	if (!map_neigh_get(d, ov->vni, &ip, &n)) {
		memcpy(mac, n.mac, 6);
	} else if (neg_hit(h)) {
		goto unresolved;
	} else {
		ov->lookups++;
		if (ov->ops->lookup_l3(ov->backend, &ip, mac) && eui64_owner(d, ov, &ip, mac)) {
			neg_add(h);
			goto unresolved;
		}
		memset(&n, 0, sizeof(n));
		err = map_neigh_put(d, ov->vni, &ip, mac, 0);
		{
			char a[OVL_IP_STRLEN];

			overlay_map_write(ov, OVL_MAP_NEIGH, OVL_MAX_NEIGH, err,
					  ovl_ip_format(&ip, a));
		}
	}
	ov->resolved++;
	if (!memcmp(mac, e->mac, 6))
		return; /* the asker's own address: stay silent (DAD) */

	if (e->hdr.type == OVL_EVT_MISS_ARP)
		len = ovl_arp_reply(q->pkt, e->cap_len, mac, frame, sizeof(frame));
	else
		len = ovl_na_reply(q->pkt, e->cap_len, ip.addr, mac, n.flags & OVL_NEIGH_F_ROUTER,
				   frame, sizeof(frame));
	if (len < 0) {
		pr_debug("malformed %s capture: no reply", ovl_evt_type_name(e->hdr.type));
		return;
	}
	/* The frame that follows the answer goes to that MAC: resolve it
	 * before answering, so that it finds ovl_fdb filled. */
	if (!ep_by_mac(d, ov->vni, mac)) {
		struct ovl_ip uip;
		__u16 port;

		resolve_l2(d, ov, mac, &uip, &port);
	}
	err = inject((int)e->ifindex, frame, (size_t)len);
	if (err)
		pr_warn("inject reply into ifindex %u: %s", e->ifindex, strerror(-err));
	else
		d->evt_injected++;
	{
		char m[OVL_MAC_STRLEN];

		emit(d, "resolved", e, json_pack("{s:s}", "owner", ovl_mac_format(mac, m)));
	}
	return;

unresolved:
	ov->unresolved++;
	d->evt_unresolved++;
	emit(d, "unresolved", e, json_pack("{s:s}", "what", "ip"));
}

static void handle_drop(struct ovld *d, const struct queued *q)
{
	const struct ovl_evt *e = &q->evt;
	char a[OVL_MAC_STRLEN], b[OVL_MAC_STRLEN], ip[OVL_IP_STRLEN];
	json_t *extra;

	if (e->cap_len < 14)
		return;
	extra = json_pack("{s:s, s:s, s:s, s:s}", "reason", ovl_drop_name(e->reason), "src",
			  ovl_mac_format(q->pkt + 6, a), "dst", ovl_mac_format(q->pkt, b), "proto",
			  q->pkt[12] == 0x08 && q->pkt[13] == 0x06 ? "arp" :
			  q->pkt[12] == 0x08 && q->pkt[13] == 0x00 ? "ipv4" :
			  q->pkt[12] == 0x86 && q->pkt[13] == 0xdd ? "ipv6" :
								     "other");
	/* peer_unknown: the underlay host that was refused */
	if (extra && e->family)
		json_object_set_new(extra, "outer_ip",
				    json_string(ovl_ip_format_raw(e->family, e->addr, ip)));
	emit(d, "drop", e, extra);
}

void miss_poll(struct ovld *d)
{
	int n = ring_buffer__consume(d->rb);

	if (n < 0 && n != -EINTR)
		pr_warn("read ringbuf: %s", strerror(-n));
	for (unsigned int i = 0; i < queue_len; i++) {
		struct queued *q = queue[i];
		struct ovl_overlay *ov;

		d->evt_received++;
		if (q->evt.hdr.type == OVL_EVT_DROP) {
			handle_drop(d, q);
		} else if (!(ov = overlay_by_vni(d, q->evt.vni))) {
			d->evt_unresolved++;
		} else if (q->evt.hdr.type == OVL_EVT_MISS_L2) {
			emit(d, "miss_l2", &q->evt, NULL);
			handle_l2(d, ov, q);
		} else if (q->evt.hdr.type == OVL_EVT_MISS_ARP ||
			   q->evt.hdr.type == OVL_EVT_MISS_NDP) {
			emit(d, ovl_evt_type_name(q->evt.hdr.type), &q->evt, NULL);
			handle_l3(d, ov, q);
		}
		free(q);
	}
	queue_len = 0;
}

unsigned long long miss_queue_dropped(void)
{
	return queue_dropped;
}
