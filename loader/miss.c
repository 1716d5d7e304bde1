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
 *   A backend that answers later (-EAGAIN, backend.h) gets the question
 *   once; the frames that asked wait on a pending list, at most
 *   OVL_PENDING_MS, and go on as above when the answer comes
 *   (OVL_EV_ANSWER), or count as unresolved when it does not.
 *
 *   Backpressure: a key the backend does not know goes into a negative
 *   cache (learn.c); further events for it cost no backend lookup until it
 *   expires or the backend says it changed. The queue holds
 *   at most MISS_QUEUE_MAX records and the pending list MISS_PENDING_MAX;
 *   beyond that records are counted and dropped (the BPF side counts its
 *   own ringbuf-full drops).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/epoll.h>
#include "ovld.h"
#include "backend.h"
#include "events.h"
#include "loop.h"
#include "frame.h"
#include "l4csum.h"
#include "names.h"
#include "log.h"

#define MISS_QUEUE_MAX	 4096
#define MISS_PENDING_MAX 1024

struct queued {
	struct ovl_evt evt;
	__u8 pkt[];
};

static struct queued *queue[MISS_QUEUE_MAX];
static unsigned int queue_len;
static unsigned long long queue_dropped;

/* Frames waiting for a backend's deferred answer, oldest first. */
struct pending {
	struct pending *next;
	struct queued *q;
	__u32 vni;
	__u16 type; /* OVL_EVT_MISS_L2: key is the MAC; else the IP */
	__u8 key[16];
	__u64 deadline; /* loop_now_ms() */
};

static struct pending *pending, **pending_tail = &pending;
static unsigned int pending_len;

/* The wall-clock time (epoch seconds) of a bpf_ktime_get_ns() stamp. */
static double wall_time(__u64 ktime)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return (double)real.tv_sec + (double)real.tv_nsec / 1e9 -
	       ((double)mono.tv_sec + (double)mono.tv_nsec / 1e9 - (double)ktime / 1e9);
}

int miss_submit(struct ovld *d, const void *data, size_t size)
{
	const struct ovl_evt *e = data;
	struct queued *q;

	(void)d;
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
	memcpy(&q->evt, e, sizeof(*e));
	memcpy(q->pkt, (const __u8 *)data + sizeof(*e), e->cap_len);
	queue[queue_len++] = q;
	return 0;
}

static int on_ring(void *ctx, void *data, size_t size)
{
	return miss_submit(ctx, data, size);
}

static void on_ring_ready(void *arg, uint32_t events)
{
	(void)events;
	miss_poll(arg);
}

static void expire_pending(struct ovld *d);

/* Every second: nothing is left waiting in the ring, nor past its time on
 * the pending list. */
static void on_tick(void *arg)
{
	struct ovld *d = arg;

	miss_poll(d);
	expire_pending(d);
	loop_timer_arm(d->tick, 1000);
}

static void on_answer(struct ovld *d, enum ovl_ev_kind kind, const void *data, void *arg);

int miss_init(struct ovld *d)
{
	int err, fd;

	fd = dp_events_open(d, on_ring, d);
	if (fd < 0)
		return fd;
	err = xmit_open(d);
	if (err)
		return err;
	d->ring_src = loop_add_fd(d->loop, fd, EPOLLIN, on_ring_ready, d);
	d->tick = loop_timer_new(d->loop, on_tick, d);
	if (!d->ring_src || !d->tick)
		return -ENOMEM;
	loop_timer_arm(d->tick, 1000);
	err = events_subscribe(d, OVL_EV_ANSWER, on_answer, NULL);
	return err ? err : learn_init(d);
}

void miss_fini(struct ovld *d)
{
	loop_del_fd(d->ring_src);
	loop_timer_free(d->tick);
	d->ring_src = NULL;
	d->tick = NULL;
	events_unsubscribe(d, OVL_EV_ANSWER, on_answer, NULL);
	learn_fini(d);
	dp_events_close(d);
	for (unsigned int i = 0; i < queue_len; i++)
		free(queue[i]);
	queue_len = 0;
	while (pending) {
		struct pending *p = pending;

		pending = p->next;
		free(p->q);
		free(p);
	}
	pending_tail = &pending;
	pending_len = 0;
	xmit_close(d);
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

	if (!events_wanted(d, OVL_EV_MONITOR)) {
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
	events_emit(d, OVL_EV_MONITOR, ev);
	json_decref(ev);
}

/* Is a frame already waiting for this key's answer? */
static bool pending_has(__u32 vni, bool l2, const __u8 *key)
{
	for (const struct pending *p = pending; p; p = p->next)
		if (p->vni == vni && (p->type == OVL_EVT_MISS_L2) == l2 &&
		    !memcmp(p->key, key, l2 ? 6 : 16))
			return true;
	return false;
}

/* Keep q until the answer for key comes; with q NULL, only the question
 * (asked for no frame: the answer is still learned). Return: true if q is
 * kept. */
static bool pend(struct ovld *d, __u32 vni, __u16 type, const __u8 *key, struct queued *q)
{
	struct pending *p;

	if (pending_len >= MISS_PENDING_MAX || !(p = calloc(1, sizeof(*p)))) {
		if (q) {
			queue_dropped++;
			d->evt_unresolved++;
		}
		return false;
	}
	p->q = q;
	p->vni = vni;
	p->type = type;
	memcpy(p->key, key, type == OVL_EVT_MISS_L2 ? 6 : 16);
	p->deadline = loop_now_ms() + OVL_PENDING_MS;
	*pending_tail = p;
	pending_tail = &p->next;
	pending_len++;
	return true;
}

static bool pend_frame(struct ovld *d, struct queued *q, const __u8 *key)
{
	return pend(d, q->evt.vni, q->evt.hdr.type, key, q);
}

/* Unlink the first pending record for key (with key NULL: the first whose
 * deadline is by expired_by), or NULL. */
static struct pending *pending_take(__u32 vni, bool l2, const __u8 *key, __u64 expired_by)
{
	for (struct pending **pp = &pending; *pp; pp = &(*pp)->next) {
		struct pending *p = *pp;

		if (key ? p->vni != vni || (p->type == OVL_EVT_MISS_L2) != l2 ||
				    memcmp(p->key, key, l2 ? 6 : 16) :
			  p->deadline > expired_by)
			continue;
		*pp = p->next;
		if (!*pp)
			pending_tail = pp;
		pending_len--;
		p->next = NULL;
		return p;
	}
	return NULL;
}

/* Where does mac of ov live? From ovl_fdb if known, else the backend
 * (writing ovl_fdb). -ENOENT when nobody knows or it is local, -EAGAIN
 * when the backend answers later. */
static int resolve_l2(struct ovld *d, struct ovl_overlay *ov, const __u8 mac[6], struct ovl_ip *ip,
		      __u16 *port)
{
	int err;

	if (!learn_fdb_get(d, ov->vni, mac, ip, port))
		return 0;
	if (learn_unknown(ov->vni, OVL_EVT_MISS_L2, mac))
		return -ENOENT;
	if (pending_has(ov->vni, true, mac))
		return -EAGAIN; /* asked already */
	ov->lookups++;
	err = ov->ops->lookup_l2(ov->backend, mac, ip, port);
	if (err == -EAGAIN) /* unless it answered meanwhile */
		return learn_fdb_get(d, ov->vni, mac, ip, port) ? -EAGAIN : 0;
	return learn_l2(d, ov, mac, err, ip, *port);
}

/* Return: true when q waits on the pending list (not to be freed). */
static bool handle_l2(struct ovld *d, struct ovl_overlay *ov, struct queued *q)
{
	const struct ovl_evt *e = &q->evt;
	char ipbuf[OVL_IP_STRLEN];
	enum ovl_l4csum cs;
	struct ovl_ip ip;
	__u16 port;
	int err;

	err = resolve_l2(d, ov, e->mac, &ip, &port);
	if (err == -EAGAIN)
		return pend_frame(d, q, e->mac);
	if (err) {
		ov->unresolved++;
		d->evt_unresolved++;
		emit(d, "unresolved", e, json_pack("{s:s}", "what", "mac"));
		return false;
	}
	ov->resolved++;
	metrics_miss_observe(d, e->ts_ns);
	if (e->cap_len < e->pkt_len || !e->cap_len) {
		pr_debug("miss frame of %u bytes not captured whole: not delivered", e->pkt_len);
		return false;
	}
	cs = ovl_l4csum_finish(q->pkt, e->cap_len);
	if (cs == OVL_L4CSUM_FINISHED)
		d->evt_csum_finished++;
	else if (cs == OVL_L4CSUM_INVALID)
		d->evt_csum_invalid++; /* sent as it came: the receiver judges it */
	err = xmit_vxlan(d, &ip, port, ov->vni, q->pkt, e->cap_len);
	if (err)
		pr_warn("deliver first frame to %s: %s", ovl_ip_format(&ip, ipbuf), strerror(-err));
	else
		d->evt_delivered++;
	emit(d, "resolved", e,
	     json_pack("{s:s, s:i, s:s}", "to", ovl_ip_format(&ip, ipbuf), "port", (json_int_t)port,
		       "csum", ovl_l4csum_name(cs)));
	return false;
}

/* Return: true when q waits on the pending list (not to be freed). */
static bool handle_l3(struct ovld *d, struct ovl_overlay *ov, struct queued *q)
{
	const struct ovl_evt *e = &q->evt;
	__u8 mac[6], frame[OVL_NA_FRAME_LEN];
	struct ovl_neigh n;
	struct ovl_ip ip = { .family = e->family };
	int len, err;

	memcpy(ip.addr, e->addr, 16);
	memset(&n, 0, sizeof(n));
	if (!map_neigh_get(d, ov->vni, &ip, &n)) {
		memcpy(mac, n.mac, 6);
	} else if (learn_unknown(ov->vni, e->hdr.type, ip.addr)) {
		goto unresolved;
	} else if (pending_has(ov->vni, false, ip.addr)) {
		return pend_frame(d, q, ip.addr);
	} else {
		ov->lookups++;
		err = ov->ops->lookup_l3(ov->backend, &ip, mac);
		if (err == -EAGAIN) {
			if (map_neigh_get(d, ov->vni, &ip, &n)) /* not answered meanwhile */
				return pend_frame(d, q, ip.addr);
			memcpy(mac, n.mac, 6);
		} else if (learn_l3(d, ov, &ip, err, mac)) {
			goto unresolved;
		}
	}
	ov->resolved++;
	metrics_miss_observe(d, e->ts_ns);
	if (!memcmp(mac, e->mac, 6))
		return false; /* the asker's own address: stay silent (DAD) */

	if (e->hdr.type == OVL_EVT_MISS_ARP)
		len = ovl_arp_reply(q->pkt, e->cap_len, mac, frame, sizeof(frame));
	else
		len = ovl_na_reply(q->pkt, e->cap_len, ip.addr, mac, n.flags & OVL_NEIGH_F_ROUTER,
				   frame, sizeof(frame));
	if (len < 0) {
		pr_debug("malformed %s capture: no reply", ovl_evt_type_name(e->hdr.type));
		return false;
	}
	/* The frame that follows the answer goes to that MAC: resolve it
	 * before answering, so that it finds ovl_fdb filled. */
	if (!ep_by_mac(d, ov->vni, mac)) {
		struct ovl_ip uip;
		__u16 port;

		/* asked, with no frame to wait: its answer is still learned */
		if (resolve_l2(d, ov, mac, &uip, &port) == -EAGAIN &&
		    !pending_has(ov->vni, true, mac))
			pend(d, ov->vni, OVL_EVT_MISS_L2, mac, NULL);
	}
	err = xmit_inject(d, (int)e->ifindex, frame, (size_t)len);
	if (err)
		pr_warn("inject reply into ifindex %u: %s", e->ifindex, strerror(-err));
	else
		d->evt_injected++;
	{
		char m[OVL_MAC_STRLEN];

		emit(d, "resolved", e, json_pack("{s:s}", "owner", ovl_mac_format(mac, m)));
	}
	return false;

unresolved:
	ov->unresolved++;
	d->evt_unresolved++;
	emit(d, "unresolved", e, json_pack("{s:s}", "what", "ip"));
	return false;
}

/* The outer IPv4/IPv6 source address of a captured underlay frame (no VLAN
 * tag: the data path sees the underlay untagged); false if it has none. */
static bool outer_src(const struct queued *q, __u8 *family, __u8 addr[16])
{
	const __u8 *p = q->pkt;
	__u32 cap = q->evt.cap_len;

	memset(addr, 0, 16);
	if (cap >= 14 + 20 && p[12] == 0x08 && p[13] == 0x00 && (p[14] >> 4) == 4) {
		*family = OVL_AF_INET4;
		memcpy(addr, p + 14 + 12, 4);
		return true;
	}
	if (cap >= 14 + 40 && p[12] == 0x86 && p[13] == 0xdd && (p[14] >> 4) == 6) {
		*family = OVL_AF_INET6;
		memcpy(addr, p + 14 + 8, 16);
		return true;
	}
	return false;
}

static void handle_drop(struct ovld *d, const struct queued *q)
{
	const struct ovl_evt *e = &q->evt;
	char a[OVL_MAC_STRLEN], b[OVL_MAC_STRLEN], ip[OVL_IP_STRLEN];
	__u8 fam = 0, src[16];
	json_t *extra;

	if (e->cap_len < 14)
		return;
	extra = json_pack("{s:s, s:s, s:s, s:s}", "reason", ovl_drop_name(e->reason), "src",
			  ovl_mac_format(q->pkt + 6, a), "dst", ovl_mac_format(q->pkt, b), "proto",
			  q->pkt[12] == 0x08 && q->pkt[13] == 0x06 ? "arp" :
			  q->pkt[12] == 0x08 && q->pkt[13] == 0x00 ? "ipv4" :
			  q->pkt[12] == 0x86 && q->pkt[13] == 0xdd ? "ipv6" :
								     "other");
	/* peer_unknown: the underlay host that was refused; any other drop on
	 * the underlay: the outer source of the frame the event captured */
	if (extra && e->family)
		json_object_set_new(extra, "outer_ip",
				    json_string(ovl_ip_format_raw(e->family, e->addr, ip)));
	else if (extra && (int)e->ifindex == d->underlay_ifindex && outer_src(q, &fam, src))
		json_object_set_new(extra, "outer_ip",
				    json_string(ovl_ip_format_raw(fam, src, ip)));
	emit(d, "drop", e, extra);
}

/* One record; return true when it waits on the pending list. */
static bool handle(struct ovld *d, struct queued *q)
{
	struct ovl_overlay *ov;

	if (q->evt.hdr.type == OVL_EVT_DROP) {
		handle_drop(d, q);
	} else if (!(ov = overlay_by_vni(d, q->evt.vni))) {
		d->evt_unresolved++;
	} else if (q->evt.hdr.type == OVL_EVT_MISS_L2) {
		emit(d, "miss_l2", &q->evt, NULL);
		return handle_l2(d, ov, q);
	} else if (q->evt.hdr.type == OVL_EVT_MISS_ARP || q->evt.hdr.type == OVL_EVT_MISS_NDP) {
		emit(d, ovl_evt_type_name(q->evt.hdr.type), &q->evt, NULL);
		return handle_l3(d, ov, q);
	}
	return false;
}

void miss_process(struct ovld *d)
{
	for (unsigned int i = 0; i < queue_len; i++) {
		d->evt_received++;
		if (!handle(d, queue[i]))
			free(queue[i]);
	}
	queue_len = 0;
}

void miss_poll(struct ovld *d)
{
	int n = dp_events_consume(d);

	if (n < 0 && n != -EINTR)
		pr_warn("read ringbuf: %s", strerror(-n));
	miss_process(d);
}

/* A backend's deferred answer: into the maps, then the frames that waited
 * for it go on (or count as unresolved) as if it had answered at once. */
static void on_answer(struct ovld *d, enum ovl_ev_kind kind, const void *data, void *arg)
{
	const struct ovl_answer *a = data;
	struct ovl_overlay *ov = a->ov;
	bool l2 = a->type == OVL_EVT_MISS_L2;
	const __u8 *key = l2 ? a->mac : a->ip.addr;
	struct pending *p, *ready = NULL, **tail = &ready;

	(void)kind;
	(void)arg;
	if (!pending_has(ov->vni, l2, key))
		return; /* nobody asked (any more): no entry for a question not asked */
	if (l2) {
		learn_l2(d, ov, a->mac, a->err, &a->ip, a->port);
	} else {
		__u8 mac[6];

		memcpy(mac, a->mac, 6);
		learn_l3(d, ov, &a->ip, a->err, mac);
	}
	/* Taken off first, in the order they came: one that has to wait
	 * again is not taken twice. */
	while ((p = pending_take(ov->vni, l2, key, 0))) {
		*tail = p;
		tail = &p->next;
	}
	while ((p = ready)) {
		ready = p->next;
		if (p->q && !(l2 ? handle_l2(d, ov, p->q) : handle_l3(d, ov, p->q)))
			free(p->q);
		free(p);
	}
}

static void expire_pending(struct ovld *d)
{
	__u64 now = loop_now_ms();
	struct pending *p;

	while ((p = pending_take(0, false, NULL, now))) {
		struct queued *q = p->q;
		struct ovl_overlay *ov = overlay_by_vni(d, p->vni);

		free(p);
		if (!q)
			continue; /* a question without a frame */
		if (ov)
			ov->unresolved++;
		d->evt_unresolved++;
		emit(d, "unresolved", &q->evt,
		     json_pack("{s:s, s:s}", "what",
			       q->evt.hdr.type == OVL_EVT_MISS_L2 ? "mac" : "ip", "why",
			       "no answer in time"));
		free(q);
	}
}

unsigned int miss_pending(void)
{
	unsigned int n = 0;

	for (const struct pending *p = pending; p; p = p->next)
		n += p->q != NULL;
	return n;
}

unsigned long long miss_queue_dropped(void)
{
	return queue_dropped;
}
