// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ctl_server.c - ovld's side of the control protocol (lib/ctl.h): the
 * socket, the clients, and one handler per command.
 *
 * Fairness. ovld is one thread, so a client is served in turns: each time
 * epoll reports it, a client gets at most CLIENT_TURN_REQS requests
 * handled, one read of CLIENT_READ_MAX bytes, or two chunks of a list
 * being streamed, and then the loop moves on to the other clients, the
 * ringbuf and the timers. epoll is level-triggered: a client with more to
 * do is reported again in the next round. Requests already read but not
 * handled wait in its input buffer; it then waits for EPOLLOUT, which a
 * socket with room in its send buffer always reports, so it comes back
 * next round (and not before its replies have room to go).
 *
 * Memory. A client's replies are bounded, never dropped: while more than
 * CLIENT_OUT_HIGH bytes wait to be sent, its next requests stay unread.
 * Lists are the only replies without a size limit; they are paged (a
 * request with "limit" or "cursor" gets one page and the cursor of the
 * next), or, for a request without either, streamed as one reply line
 * that grows by LIST_CHUNK entries each time the client has read what was
 * there. Monitor events are what they were: dropped (and counted) beyond
 * CLIENT_OUT_MAX.
 *
 * Half-close. A client that shuts its sending side down after its
 * requests (shutdown(SHUT_WR), `socat -`) gets every reply in full, then
 * the connection is closed; a monitor stays until the client closes it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "ovld.h"
#include "ctl.h"
#include "names.h"
#include "veth.h"
#include "log.h"

#define CLIENT_OUT_MAX	 (4u << 20)   /* a monitor that falls this far behind loses events */
#define CLIENT_OUT_HIGH	 (256u << 10) /* replies waiting: no new request until they drain */
#define CLIENT_OUT_LOW	 (64u << 10)  /* a streamed list grows below this */
#define CLIENT_READ_MAX	 (64u << 10)  /* bytes read from one client per turn */
#define CLIENT_TURN_REQS 8	      /* requests of one client handled per turn */
#define LIST_CHUNK	 256	      /* entries a streamed list adds per step */

struct lister;

/* Where a listing is: for paged requests, rebuilt from the cursor each
 * time; for a streamed one, kept in the client between chunks. */
struct list_state {
	const struct lister *l; /* in a client: NULL when no list is streaming */
	bool vni_filter;	/* entries of one VNI only */
	__u32 vni;
	bool netns_filter;				 /* VNICs of one namespace only */
	char netns[sizeof(((struct ovl_ep *)0)->netns)]; /* "" the host's */
	bool done;
	unsigned long long pos;	  /* the cursor: a bucket (maps), a list_seq (objects) */
	unsigned long long items; /* entries streamed so far */
};

struct client {
	struct client *next;
	int fd;
	__u32 events; /* what epoll waits for */
	bool monitor;
	bool eof;  /* the client will send nothing more (half-close, or an error) */
	bool gone; /* it cannot read any more: replies are discarded */
	bool dead; /* close it now */
	bool hold; /* in its turn: replies wait for the state to be saved */
	char *in;  /* requests: [in_off, in_len) not handled yet */
	size_t in_off, in_len, in_cap;
	char *out;
	size_t out_len, out_cap;
	unsigned long long lost;
	struct list_state list;
};

static struct client *clients;

int ctl_listen(struct ovld *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EV_CTL };
	int fd, err;

	if (mkdir(d->o.run_dir, 0755) && errno != EEXIST) {
		err = -errno;
		pr_err("create %s: %s", d->o.run_dir, strerror(-err));
		return err;
	}
	snprintf(d->sock_path, sizeof(d->sock_path), "%s/%s.sock", d->o.run_dir, d->o.instance);
	if (strlen(d->sock_path) >= sizeof(sa.sun_path)) {
		pr_err("socket path %s too long", d->sock_path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, d->sock_path, strlen(d->sock_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(d->sock_path); /* the instance lock (main.c) makes this safe */
	/* Created 0600 from the start: no window where others could connect. */
	{
		mode_t old = umask(0177);

		err = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
		umask(old);
	}
	if (!err && listen(fd, 64))
		err = -errno;
	if (!err && epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev))
		err = -errno;
	if (err) {
		pr_err("control socket %s: %s", d->sock_path, strerror(-err));
		close(fd);
		return err;
	}
	d->ctl_fd = fd;
	return 0;
}

static void client_free(struct ovld *d, struct client *c)
{
	struct client **pp;

	for (pp = &clients; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	if (c->monitor && --d->monitors == 0)
		dp_write_config(d); /* no listener: stop drop events */
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

void ctl_accept(struct ovld *d)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct ucred cred;
		socklen_t len = sizeof(cred);
		struct client *c;
		int fd = accept4(d->ctl_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0)
			return;
		/* Only root: the socket mode says so, and so do we. */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) || cred.uid != 0) {
			static const char msg[] =
				"{\"ok\":false,\"error\":\"ovld accepts root only\","
				"\"errno\":\"EPERM\"}\n";

			if (send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				pr_debug("refuse client: %s", strerror(errno));
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->events = ev.events;
		ev.data.ptr = c;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			close(fd);
			free(c);
			continue;
		}
		c->next = clients;
		clients = c;
	}
}

/* A complete request line waits in c->in. */
static bool client_has_line(const struct client *c)
{
	return c->in_len > c->in_off && memchr(c->in + c->in_off, '\n', c->in_len - c->in_off);
}

/* A request waits: a line, or what came before the end of the input. */
static bool client_has_request(const struct client *c)
{
	return client_has_line(c) || (c->eof && c->in_len > c->in_off);
}

/* It may have more requests handled now. */
static bool client_takes_requests(const struct client *c)
{
	return !c->dead && !c->list.l && (c->gone || c->out_len < CLIENT_OUT_HIGH);
}

/* Tell epoll what the client waits for (see the theory at the top). */
static void client_arm(struct ovld *d, struct client *c)
{
	struct epoll_event ev = { .data.ptr = c };

	if (!c->eof && !client_has_line(c) && client_takes_requests(c))
		ev.events |= EPOLLIN;
	if (c->out_len || c->list.l || (client_has_request(c) && client_takes_requests(c)))
		ev.events |= EPOLLOUT;
	if (ev.events == c->events)
		return;
	c->events = ev.events;
	epoll_ctl(d->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* It cannot read any more: what it still sent is handled, unanswered. */
static void client_gone(struct client *c)
{
	c->gone = true;
	c->out_len = 0;
	c->list.l = NULL;
}

static void client_flush(struct client *c)
{
	while (c->out_len) {
		ssize_t w = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0) {
			if (errno != EAGAIN && errno != EINTR)
				client_gone(c);
			break;
		}
		memmove(c->out, c->out + w, c->out_len - (size_t)w);
		c->out_len -= (size_t)w;
	}
}

static int client_append(struct client *c, const char *p, size_t n)
{
	if (c->out_cap < c->out_len + n) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *o;

		while (cap < c->out_len + n)
			cap *= 2;
		o = realloc(c->out, cap);
		if (!o)
			return -ENOMEM;
		c->out = o;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
	return 0;
}

/* A reply (never dropped: its size is bounded by the request) or a
 * monitor event (dropped and counted when the client is too far behind, or
 * in the middle of a streamed list's line). */
static int client_queue(struct ovld *d, struct client *c, json_t *msg, bool event)
{
	char *txt;
	size_t n;
	int err;

	if (c->gone)
		return 0;
	if (event && c->list.l) {
		c->lost++;
		return -ENOBUFS;
	}
	txt = json_dumps(msg, JSON_COMPACT);
	if (!txt)
		return -ENOMEM;
	n = strlen(txt);
	if (event && c->out_len + n + 1 > CLIENT_OUT_MAX) {
		free(txt);
		c->lost++;
		return -ENOBUFS;
	}
	txt[n] = '\n'; /* json_dumps leaves room for its NUL */
	err = client_append(c, txt, n + 1);
	free(txt);
	if (err)
		return err;
	if (!c->hold) {
		client_flush(c);
		client_arm(d, c);
	}
	return 0;
}

void ctl_broadcast_event(struct ovld *d, json_t *ev)
{
	for (struct client *c = clients; c; c = c->next)
		if (c->monitor)
			client_queue(d, c, ev, true);
}

void ctl_close_all(struct ovld *d)
{
	while (clients)
		client_free(d, clients);
}

/* ---- argument helpers ----------------------------------------------------- */

#define FAIL(code, ...)                                                                            \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -(code);                                                                    \
	} while (0)

static const char *arg_str(json_t *req, const char *key)
{
	return json_string_value(json_object_get(req, key));
}

static int arg_overlay(struct ovld *d, json_t *req, struct ovl_overlay **ov, char *err,
		       size_t errlen)
{
	const char *name = arg_str(req, "overlay");

	if (!name)
		FAIL(EINVAL, "missing \"overlay\"");
	*ov = overlay_find(d, name);
	if (!*ov)
		FAIL(ENOENT, "no overlay %s", name);
	return 0;
}

static int arg_mac(json_t *req, const char *key, __u8 mac[6], char *err, size_t errlen)
{
	const char *s = arg_str(req, key);

	if (!s)
		FAIL(EINVAL, "missing \"%s\"", key);
	if (ovl_mac_parse(s, mac))
		FAIL(EINVAL, "%s: \"%s\" is not a MAC address", key, s);
	return 0;
}

static int arg_ip(json_t *req, const char *key, struct ovl_ip *ip, char *err, size_t errlen)
{
	const char *s = arg_str(req, key);

	if (!s)
		FAIL(EINVAL, "missing \"%s\"", key);
	if (ovl_ip_parse(s, ip))
		FAIL(EINVAL, "%s: \"%s\" is not an IPv4 or IPv6 address", key, s);
	return 0;
}

/* A warning for the operator: logged, and carried in the result's
 * "warnings" array (ovlctl prints it on stderr). The command succeeded. */
static void warn_result(json_t *res, const char *msg)
{
	json_t *w = json_object_get(res, "warnings");

	pr_warn("%s", msg);
	if (!json_is_object(res))
		return;
	if (!w) {
		w = json_array();
		json_object_set_new(res, "warnings", w);
	}
	json_array_append_new(w, json_string(msg));
}

/* ---- handlers -------------------------------------------------------------- */

typedef int (*handler_fn)(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
			  size_t errlen);

/* {"release", "minimum", "features": [{"name", "what", "since", "on",
 * "off_because"?, "instead"?}]}: what the programs were loaded with. */
static json_t *kernel_json(const struct ovld *d)
{
	json_t *feats = json_array();

	for (size_t i = 0; i < ovl_kfeat_count; i++) {
		const struct ovl_kfeat_desc *k = &ovl_kfeat_table[i];
		bool off = d->kfeat.missing & (1ull << i);

		json_array_append_new(feats, json_pack("{s:s, s:s, s:s, s:b, s:s?, s:s?}", "name",
						       k->name, "what", k->what, "since", k->since,
						       "on", !off, "off_because",
						       !off ? NULL :
						       d->kfeat.turned_off & (1ull << i) ?
							      "OVL_FEATURES_OFF" :
							      "missing",
						       "instead", off ? k->without : NULL));
	}
	return json_pack("{s:s, s:s, s:o}", "release", d->kfeat.release, "minimum", OVL_KERNEL_MIN,
			 "features", feats);
}

static int h_status(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
		    size_t errlen)
{
	static const char *const maps[] = { OVL_MAP_VNIS,   OVL_MAP_IFACES, OVL_MAP_ENDPOINTS,
					    OVL_MAP_FDB,    OVL_MAP_NEIGH,  OVL_MAP_PEERS,
					    OVL_MAP_MISS_RL };
	char a4[OVL_IP_STRLEN] = "", a6[OVL_IP_STRLEN] = "";
	json_t *m = json_object(), *progs = json_array(), *ovs = json_array();
	struct bpf_program *prog;
	__u32 xdp_id = 0;

	(void)c;
	(void)req;
	(void)err;
	(void)errlen;
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		__u32 n = 0, max = 0;

		if (!map_count(d, maps[i], &n, &max))
			json_object_set_new(m, maps[i],
					    json_pack("{s:i, s:i}", "entries", (json_int_t)n, "max",
						      (json_int_t)max));
	}
	bpf_xdp_query_id(d->underlay_ifindex, (int)d->xdp_flags, &xdp_id);
	bpf_object__for_each_program(prog, d->skel->obj)
	{
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		bool is_xdp = !strcmp(bpf_program__name(prog), OVL_PROG_XDP);
		bool is_ul = !strcmp(bpf_program__name(prog), OVL_PROG_TCUL);
		int attached = 0;

		bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len);
		/* What the kernel has attached, not what ovld believes it did. */
		if (is_xdp)
			attached = xdp_id && xdp_id == info.id;
		else if (is_ul)
			attached = d->decap == OVL_DECAP_TC;
		else
			for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
				attached += dp_tc_prog_id(ep->host_ifindex) == info.id;
		json_array_append_new(progs, json_pack("{s:s, s:i, s:s, s:i}", "name",
						       bpf_program__name(prog), "id",
						       (json_int_t)info.id, "hook",
						       is_xdp ? "xdp" :
						       is_ul  ? "tc ingress (underlay)" :
								"tc ingress (endpoints)",
						       "attached", (json_int_t)attached));
	}
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		json_array_append_new(ovs, overlay_json(d, ov));
	if (d->local4.family)
		ovl_ip_format(&d->local4, a4);
	if (d->local6.family)
		ovl_ip_format(&d->local6, a6);
	*res = json_pack(
		"{s:s, s:i, s:s, s:i, s:{s:s, s:i, s:s?, s:s?, s:i, s:s, s:s?, s:i}, s:s, s:s,"
		" s:b, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
		"instance", d->o.instance, "pid", (json_int_t)getpid(), "version", OVL_VERSION,
		"abi", (json_int_t)OVL_ABI_VERSION, "underlay", "ifname", d->o.underlay, "ifindex",
		(json_int_t)d->underlay_ifindex, "local4", a4[0] ? a4 : NULL, "local6",
		a6[0] ? a6 : NULL, "port", (json_int_t)d->o.port, "decap",
		d->decap == OVL_DECAP_TC ? "tc" : "xdp", "xdp_mode",
		d->decap == OVL_DECAP_TC	   ? NULL :
		d->xdp_flags == XDP_FLAGS_SKB_MODE ? "generic" :
						     "native",
		"xdp_prog_id", (json_int_t)xdp_id, "pin_dir", d->pin_dir, "state_dir",
		d->o.state_dir, "adopted", d->adopted, "programs", progs, "maps", m, "overlays",
		ovs, "events", "received", (json_int_t)d->evt_received, "lost",
		(json_int_t)miss_queue_dropped(), "misses_unresolved",
		(json_int_t)d->evt_unresolved, "delivered", (json_int_t)d->evt_delivered,
		"injected", (json_int_t)d->evt_injected, "csum_finished",
		(json_int_t)d->evt_csum_finished, "csum_invalid", (json_int_t)d->evt_csum_invalid);
	if (*res) /* the pins' layout, and what this start migrated (or null) */
		json_object_set_new(*res, "pins_abi", json_integer(d->pins_abi));
	if (*res)
		json_object_set_new(*res, "migrated", pins_status(d));
	if (*res)
		json_object_set_new(*res, "kernel", kernel_json(d));
	return *res ? 0 : -ENOMEM;
}

static int h_overlay_create(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
			    size_t errlen)
{
	json_t *vni = json_object_get(req, "vni"), *props = json_object_get(req, "props");
	json_t *empty = NULL;
	int ret;

	(void)c;
	if (!json_is_integer(vni) || json_integer_value(vni) < 0 ||
	    json_integer_value(vni) > OVL_VNI_MAX)
		FAIL(EINVAL, "\"vni\" must be an integer 0-%u", OVL_VNI_MAX);
	if (!props)
		props = empty = json_object();
	ret = overlay_create(d, arg_str(req, "name"), (__u32)json_integer_value(vni),
			     arg_str(req, "encap") ?: "vxlan", arg_str(req, "search"), props, err,
			     errlen);
	json_decref(empty);
	if (ret)
		return ret;
	state_save(d);
	*res = overlay_json(d, overlay_find(d, arg_str(req, "name")));
	return 0;
}

static int h_overlay_delete(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
			    size_t errlen)
{
	const char *name = arg_str(req, "name");
	int ret;

	(void)c;
	if (!name)
		FAIL(EINVAL, "missing \"name\"");
	ret = overlay_delete(d, name, err, errlen);
	if (ret)
		return ret;
	state_save(d);
	*res = json_object();
	return 0;
}

static int h_vnic_create(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
			 size_t errlen)
{
	const char *name = arg_str(req, "name"), *ovname = arg_str(req, "overlay");
	char why[OVL_ERR_MAX];
	__u8 mac[6];
	int ret;

	(void)c;
	if (!name || !ovname)
		FAIL(EINVAL, "missing \"name\" or \"overlay\"");
	ret = arg_mac(req, "mac", mac, err, errlen);
	if (ret)
		return ret;
	ret = vnic_create(d, name, ovname, mac, arg_str(req, "netns"), err, errlen);
	if (ret)
		return ret;
	state_save(d);
	*res = ep_json(ep_find(d, OVL_EP_VNIC, arg_str(req, "netns"), name));
	if (overlay_mac_unreachable(d, overlay_find(d, ovname), mac, why, sizeof(why)))
		warn_result(*res, why);
	return 0;
}

static int h_vnic_delete(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
			 size_t errlen)
{
	const char *name = arg_str(req, "name");
	int ret;

	(void)c;
	if (!name)
		FAIL(EINVAL, "missing \"name\"");
	ret = vnic_delete(d, name, arg_str(req, "netns"), err, errlen);
	if (ret)
		return ret;
	state_save(d);
	*res = json_object();
	return 0;
}

static int h_endpoint_add(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
			  size_t errlen)
{
	const char *id = arg_str(req, "id"), *ovname = arg_str(req, "overlay");
	const char *host = arg_str(req, "host_ifname"), *netns = arg_str(req, "netns");
	const char *ifname = arg_str(req, "ifname");
	const char *network = arg_str(req, "network");
	json_t *addrs = json_object_get(req, "addrs"), *a, *pn;
	struct ovl_ep *ep;
	size_t i;
	int ret;

	(void)c;
	if (!id || !*id || strlen(id) >= sizeof(ep->id))
		FAIL(EINVAL, "\"id\" missing or longer than %zu", sizeof(ep->id) - 1);
	if (!ovname || !host)
		FAIL(EINVAL, "missing \"overlay\" or \"host_ifname\"");
	if (strlen(host) >= OVL_IFNAME_MAX || (ifname && strlen(ifname) >= OVL_IFNAME_MAX))
		FAIL(EINVAL, "interface name too long");
	if (addrs && !json_is_array(addrs))
		FAIL(EINVAL, "\"addrs\" must be an array of addresses");
	if (network && strlen(network) >= sizeof(ep->network))
		FAIL(EINVAL, "\"network\" longer than %zu", sizeof(ep->network) - 1);
	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	ret = arg_mac(req, "mac", ep->mac, err, errlen);
	if (ret)
		goto fail;
	if ((ep->mac[0] & 1) || ovl_mac_is_zero(ep->mac)) {
		snprintf(err, errlen, "mac must be unicast");
		ret = -EINVAL;
		goto fail;
	}
	json_array_foreach(addrs, i, a) {
		struct ovl_ip ip;

		if (!json_is_string(a) || ovl_ip_parse(json_string_value(a), &ip)) {
			snprintf(err, errlen, "addrs[%zu] is not an IP address", i);
			ret = -EINVAL;
			goto fail;
		}
		if (ep->naddrs == OVL_EP_ADDRS - 1) {
			snprintf(err, errlen, "at most %d addresses", OVL_EP_ADDRS - 1);
			ret = -E2BIG;
			goto fail;
		}
		ep->addrs[ep->naddrs++] = ip;
	}
	ep->host_ifindex = ovl_link_ifindex(host);
	if (ep->host_ifindex < 0) {
		snprintf(err, errlen, "no interface %s", host);
		ret = -ENODEV;
		goto fail;
	}
	snprintf(ep->id, sizeof(ep->id), "%s", id);
	ep->kind = OVL_EP_CNI;
	snprintf(ep->overlay, sizeof(ep->overlay), "%s", ovname);
	snprintf(ep->host_ifname, sizeof(ep->host_ifname), "%s", host);
	snprintf(ep->ifname, sizeof(ep->ifname), "%s", ifname ? ifname : "");
	snprintf(ep->netns, sizeof(ep->netns), "%s", netns ? netns : "");
	snprintf(ep->network, sizeof(ep->network), "%s", network ? network : "");
	pn = json_object_get(req, "peer_netns");
	ep->peer_netns = pn ? json_is_true(pn) : true;
	ret = ep_check_link(d, ep, false, err, errlen);
	if (!ret)
		ret = ep_register(d, ep, err, errlen);
	if (ret)
		goto fail;
	state_save(d);
	*res = ep_json(ep);
	return 0;
fail:
	free(ep);
	return ret;
}

/*
 * A CNI endpoint is (network, id): the same container and ifname may be on
 * two networks (or two runtimes may use one container id), and the DEL of
 * one must never take the other. An endpoint that an older ovld saved
 * without its network matches its id on any network; a request without a
 * network (an older plugin) must name an id that is on one network only.
 */
static int h_endpoint_del(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
			  size_t errlen)
{
	const char *id = arg_str(req, "id"), *network = arg_str(req, "network");
	struct ovl_ep *ep = NULL;

	(void)c;
	if (!id)
		FAIL(EINVAL, "missing \"id\"");
	if (network) {
		ep = ep_find(d, OVL_EP_CNI, network, id) ?: ep_find(d, OVL_EP_CNI, "", id);
	} else {
		for (struct ovl_ep *e = d->eps; e; e = e->next) {
			if (e->kind != OVL_EP_CNI || strcmp(e->id, id))
				continue;
			if (ep)
				FAIL(EINVAL,
				     "endpoint %s is on networks %s and %s: the request must "
				     "name its \"network\"",
				     id, ep->network, e->network);
			ep = e;
		}
	}
	if (ep) {
		ep_unregister(d, ep);
		free(ep);
		state_save(d);
	}
	*res = json_pack("{s:b}", "existed", ep != NULL);
	return 0;
}

static json_t *fdb_json(struct ovl_overlay *ov, const __u8 mac[6], const struct ovl_dest *v)
{
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN];

	return json_pack("{s:s, s:i, s:s, s:s, s:i, s:b}", "overlay", ov->name, "vni",
			 (json_int_t)ov->vni, "mac", ovl_mac_format(mac, m), "ip",
			 ovl_ip_format_raw(v->family, v->addr, a), "port",
			 (json_int_t)ntohs(v->port), "static", !!(v->flags & OVL_DEST_F_STATIC));
}

static int h_map_add(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
		     size_t errlen)
{
	json_t *portj = json_object_get(req, "port");
	struct ovl_overlay *ov;
	struct ovl_dest v;
	struct ovl_ip ip;
	json_int_t port = OVL_VXLAN_PORT;
	__u8 mac[6];
	int ret;

	(void)c;
	if ((ret = arg_overlay(d, req, &ov, err, errlen)) ||
	    (ret = arg_mac(req, "mac", mac, err, errlen)) ||
	    (ret = arg_ip(req, "ip", &ip, err, errlen)))
		return ret;
	if (portj) {
		port = json_is_integer(portj) ? json_integer_value(portj) : -1;
		if (port < 1 || port > 65535)
			FAIL(EINVAL, "port must be 1-65535");
	}
	if (mac[0] & 1)
		FAIL(EINVAL, "forwarding entries are for unicast MACs");
	if (ep_by_mac(d, ov->vni, mac))
		FAIL(EEXIST, "that MAC is a local endpoint of overlay %s", ov->name);
	ovl_dest_from_ip(&v, &ip, (__u16)port, OVL_DEST_F_STATIC);
	ret = map_fdb_put(d, ov->vni, mac, &v);
	if (ret == -E2BIG)
		FAIL(ENOSPC, "%s is full (%d entries, shared by every overlay): %s not added",
		     OVL_MAP_FDB, OVL_MAX_FDB, arg_str(req, "mac"));
	if (ret)
		FAIL(-ret, "write %s: %s", OVL_MAP_FDB, strerror(-ret));
	*res = fdb_json(ov, mac, &v);
	if (!overlay_is_peer(ov, &ip)) {
		char why[OVL_ERR_MAX];

		overlay_peer_warning(ov, &ip, mac, why, sizeof(why));
		warn_result(*res, why);
	}
	return 0;
}

static int h_map_del(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
		     size_t errlen)
{
	struct ovl_overlay *ov;
	__u8 mac[6];
	int ret;

	(void)c;
	if ((ret = arg_overlay(d, req, &ov, err, errlen)) ||
	    (ret = arg_mac(req, "mac", mac, err, errlen)))
		return ret;
	ret = map_fdb_del(d, ov->vni, mac);
	if (ret == -ENOENT)
		FAIL(ENOENT, "no forwarding entry for %s on overlay %s", arg_str(req, "mac"),
		     ov->name);
	if (ret)
		FAIL(-ret, "delete from %s: %s", OVL_MAP_FDB, strerror(-ret));
	*res = json_object();
	return 0;
}

static int h_map_get(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
		     size_t errlen)
{
	struct ovl_overlay *ov;
	struct ovl_dest v;
	__u8 mac[6];
	int ret;

	(void)c;
	if ((ret = arg_overlay(d, req, &ov, err, errlen)) ||
	    (ret = arg_mac(req, "mac", mac, err, errlen)))
		return ret;
	if (map_fdb_get(d, ov->vni, mac, &v))
		FAIL(ENOENT, "no forwarding entry for %s on overlay %s", arg_str(req, "mac"),
		     ov->name);
	*res = fdb_json(ov, mac, &v);
	return 0;
}

static json_t *neigh_json(struct ovl_overlay *ov, const struct ovl_ip *ip,
			  const struct ovl_neigh *n)
{
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN];

	return json_pack("{s:s, s:i, s:s, s:s, s:b}", "overlay", ov->name, "vni",
			 (json_int_t)ov->vni, "ip", ovl_ip_format(ip, a), "mac",
			 ovl_mac_format(n->mac, m), "static", !!(n->flags & OVL_NEIGH_F_STATIC));
}

static int h_neigh_add(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
		       size_t errlen)
{
	struct ovl_overlay *ov;
	struct ovl_neigh n = { .flags = OVL_NEIGH_F_STATIC };
	struct ovl_ip ip;
	int ret;

	(void)c;
	if ((ret = arg_overlay(d, req, &ov, err, errlen)) ||
	    (ret = arg_ip(req, "ip", &ip, err, errlen)) ||
	    (ret = arg_mac(req, "mac", n.mac, err, errlen)))
		return ret;
	if (n.mac[0] & 1)
		FAIL(EINVAL, "a neighbour entry needs a unicast MAC");
	ret = map_neigh_put(d, ov->vni, &ip, n.mac, n.flags);
	if (ret == -E2BIG)
		FAIL(ENOSPC, "%s is full (%d entries, shared by every overlay): %s not added",
		     OVL_MAP_NEIGH, OVL_MAX_NEIGH, arg_str(req, "ip"));
	if (ret)
		FAIL(-ret, "write %s: %s", OVL_MAP_NEIGH, strerror(-ret));
	*res = neigh_json(ov, &ip, &n);
	return 0;
}

static int h_neigh_del(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
		       size_t errlen)
{
	struct ovl_overlay *ov;
	struct ovl_ip ip;
	int ret;

	(void)c;
	if ((ret = arg_overlay(d, req, &ov, err, errlen)) ||
	    (ret = arg_ip(req, "ip", &ip, err, errlen)))
		return ret;
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		for (int i = 0; ep->vni == ov->vni && i < ep->naddrs; i++)
			if (ovl_ip_eq(&ep->addrs[i], &ip)) {
				char l[OVL_EP_LABEL_MAX];

				FAIL(EBUSY, "%s is an address of %s", arg_str(req, "ip"),
				     ep_label(ep, l, sizeof(l)));
			}
	ret = map_neigh_del(d, ov->vni, &ip);
	if (ret == -ENOENT)
		FAIL(ENOENT, "no neighbour entry for %s on overlay %s", arg_str(req, "ip"),
		     ov->name);
	if (ret)
		FAIL(-ret, "delete from %s: %s", OVL_MAP_NEIGH, strerror(-ret));
	*res = json_object();
	return 0;
}

static int h_stats(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
		   size_t errlen)
{
	struct ovl_stat st[OVL_STAT_MAX];
	json_t *counters;
	int ret;

	(void)c;
	(void)req;
	ret = map_stats_read(d, st, OVL_STAT_MAX);
	if (ret)
		FAIL(-ret, "read %s: %s", OVL_MAP_STATS, strerror(-ret));
	counters = json_object();
	for (__u32 i = 0; i < OVL_STAT_MAX; i++)
		json_object_set_new(counters, ovl_stat_name(i),
				    json_pack("{s:I, s:I}", "packets", (json_int_t)st[i].packets,
					      "bytes", (json_int_t)st[i].bytes));
	*res = json_pack("{s:o}", "counters", counters);
	return 0;
}

static int h_reload(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
		    size_t errlen)
{
	const char *name = arg_str(req, "overlay");
	json_t *done = json_array();

	(void)c;
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next) {
		int ret;

		if (name && strcmp(name, ov->name))
			continue;
		ret = overlay_reload(d, ov, err, errlen);
		if (ret) {
			json_decref(done);
			return ret;
		}
		json_array_append_new(done, json_string(ov->name));
	}
	if (name && !json_array_size(done)) {
		json_decref(done);
		FAIL(ENOENT, "no overlay %s", name);
	}
	*res = json_pack("{s:o}", "reloaded", done);
	return 0;
}

static int h_monitor(struct ovld *d, struct client *c, json_t *req, json_t **res, char *err,
		     size_t errlen)
{
	(void)req;
	(void)err;
	(void)errlen;
	if (!c->monitor) {
		c->monitor = true;
		if (d->monitors++ == 0)
			dp_write_config(d); /* drop events on */
	}
	*res = json_pack("{s:b}", "monitoring", 1);
	return 0;
}

/* ---- lists ------------------------------------------------------------------ */

/*
 * A list command: its entries in pages, from a cursor. Maps are paged by
 * hash bucket (map_fdb_page()); ovld's own objects by list_seq, a number
 * each gets the first time it is listed, in increasing order, so that an
 * object that stays is listed once and one added meanwhile comes at the
 * end.
 */
struct lister {
	const char *cmd;
	bool overlay_arg; /* [overlay] filters by VNI */
	bool netns_arg;	  /* [netns] filters by namespace */
	bool map;	  /* cursors are bucket indexes (32 bits) */
	bool vnics_only;
	/* Append up to about max entries from st->pos on; advance st->pos,
	 * set st->done at the end. Return: 0 or -errno. */
	int (*next)(struct ovld *d, const struct lister *l, struct list_state *st, unsigned int max,
		    json_t *arr);
};

static unsigned long long list_seq_last;

struct seq_item {
	unsigned long long seq;
	void *obj;
};

static int cmp_seq(const void *a, const void *b)
{
	const struct seq_item *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The items after st->pos in seq order: up to max of them into arr. */
static void page_by_seq(struct list_state *st, struct seq_item *v, size_t n, unsigned int max,
			json_t *arr, json_t *(*emit)(struct ovld *d, void *obj), struct ovld *d)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i].seq > st->pos)
			v[k++] = v[i];
	qsort(v, k, sizeof(*v), cmp_seq);
	for (size_t i = 0; i < k && i < max; i++) {
		json_array_append_new(arr, emit(d, v[i].obj));
		st->pos = v[i].seq;
	}
	st->done = k <= max;
}

static json_t *emit_ep(struct ovld *d, void *obj)
{
	(void)d;
	return ep_json(obj);
}

static int list_eps_next(struct ovld *d, const struct lister *l, struct list_state *st,
			 unsigned int max, json_t *arr)
{
	struct seq_item *v;
	size_t n = 0;

	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next)
		n++;
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	n = 0;
	for (struct ovl_ep *ep = d->eps; ep; ep = ep->next) {
		if (!ep->list_seq)
			ep->list_seq = ++list_seq_last;
		if ((!l->vnics_only || ep->kind == OVL_EP_VNIC) &&
		    (!st->netns_filter || !strcmp(st->netns, ep->netns)))
			v[n++] = (struct seq_item){ ep->list_seq, ep };
	}
	page_by_seq(st, v, n, max, arr, emit_ep, d);
	free(v);
	return 0;
}

static json_t *emit_overlay(struct ovld *d, void *obj)
{
	return overlay_json(d, obj);
}

static int list_overlays_next(struct ovld *d, const struct lister *l, struct list_state *st,
			      unsigned int max, json_t *arr)
{
	struct seq_item *v;
	size_t n = 0;

	(void)l;
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		n++;
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	n = 0;
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next) {
		if (!ov->list_seq)
			ov->list_seq = ++list_seq_last;
		v[n++] = (struct seq_item){ ov->list_seq, ov };
	}
	page_by_seq(st, v, n, max, arr, emit_overlay, d);
	free(v);
	return 0;
}

struct map_page {
	const struct list_state *st;
	json_t *arr;
};

static int page_fdb_one(struct ovld *d, const struct ovl_mac_key *k, struct ovl_dest *v, void *arg)
{
	struct map_page *p = arg;
	struct ovl_overlay *ov;

	if (p->st->vni_filter && k->vni != p->st->vni)
		return 0;
	ov = overlay_by_vni(d, k->vni);
	if (ov)
		json_array_append_new(p->arr, fdb_json(ov, k->mac, v));
	return 0;
}

static int list_fdb_next(struct ovld *d, const struct lister *l, struct list_state *st,
			 unsigned int max, json_t *arr)
{
	struct map_page p = { st, arr };
	__u32 pos = (__u32)st->pos;
	int err;

	(void)l;
	err = map_fdb_page(d, &pos, max, &st->done, page_fdb_one, &p);
	st->pos = pos;
	return err;
}

static int page_neigh_one(struct ovld *d, const struct ovl_addr_key *k, struct ovl_neigh *n,
			  void *arg)
{
	struct map_page *p = arg;
	struct ovl_ip ip = { .family = k->family };
	struct ovl_overlay *ov;

	if (p->st->vni_filter && k->vni != p->st->vni)
		return 0;
	ov = overlay_by_vni(d, k->vni);
	memcpy(ip.addr, k->addr, 16);
	if (ov)
		json_array_append_new(p->arr, neigh_json(ov, &ip, n));
	return 0;
}

static int list_neigh_next(struct ovld *d, const struct lister *l, struct list_state *st,
			   unsigned int max, json_t *arr)
{
	struct map_page p = { st, arr };
	__u32 pos = (__u32)st->pos;
	int err;

	(void)l;
	err = map_neigh_page(d, &pos, max, &st->done, page_neigh_one, &p);
	st->pos = pos;
	return err;
}

static const struct lister listers[] = {
	{ .cmd = "overlay.list", .next = list_overlays_next },
	{ .cmd = "vnic.list", .vnics_only = true, .netns_arg = true, .next = list_eps_next },
	{ .cmd = "endpoint.list", .next = list_eps_next },
	{ .cmd = "map.list", .overlay_arg = true, .map = true, .next = list_fdb_next },
	{ .cmd = "neigh.list", .overlay_arg = true, .map = true, .next = list_neigh_next },
};

/* A streamed list's reply line: this, the entries, "]}\n". */
static const char stream_head[] = "{\"ok\":true,\"result\":[";

/* Entries of the streamed list, after those already sent. */
static int stream_append(struct client *c, json_t *arr)
{
	json_t *x;
	size_t i;

	json_array_foreach(arr, i, x) {
		char *t = json_dumps(x, JSON_COMPACT);
		int err;

		if (!t)
			return -ENOMEM;
		err = c->list.items++ ? client_append(c, ",", 1) : 0;
		if (!err)
			err = client_append(c, t, strlen(t));
		free(t);
		if (err)
			return err;
	}
	if (c->list.done) {
		c->list.l = NULL;
		return client_append(c, "]}\n", 3);
	}
	return 0;
}

/* The next chunks of a streamed list, while the client keeps up. */
static void list_pump(struct ovld *d, struct client *c)
{
	for (int i = 0; i < 2 && c->list.l && c->out_len < CLIENT_OUT_LOW; i++) {
		const struct lister *l = c->list.l;
		json_t *arr = json_array();
		int err = arr ? l->next(d, l, &c->list, LIST_CHUNK, arr) : -ENOMEM;

		if (!err)
			err = stream_append(c, arr);
		json_decref(arr);
		if (err) {
			/* The reply has begun: ending the connection is the
			 * only way left to say it is not complete. */
			pr_warn("%s: %s: closing the client's connection", l->cmd, strerror(-err));
			c->dead = true;
			return;
		}
	}
	client_flush(c);
}

/*
 * A list request. With "limit" or "cursor": one page, and *next set unless
 * it is the last. Without: the whole list, streamed (list_pump()); its
 * first chunk is made here, so that a failure is still an error reply.
 * Return: 0 and *res (a page), 1 when the stream has begun, or -errno.
 */
static int list_request(struct ovld *d, struct client *c, const struct lister *l, json_t *req,
			json_t **res, char *next, size_t nextlen, char *err, size_t errlen)
{
	json_t *lim = json_object_get(req, "limit"), *cur = json_object_get(req, "cursor");
	struct list_state st = { .l = l };
	json_int_t limit = OVL_CTL_PAGE_MAX;
	json_t *arr;
	int ret;

	if (l->overlay_arg && arg_str(req, "overlay")) {
		struct ovl_overlay *ov;

		ret = arg_overlay(d, req, &ov, err, errlen);
		if (ret)
			return ret;
		st.vni_filter = true;
		st.vni = ov->vni;
	}
	if (l->netns_arg && arg_str(req, "netns")) {
		if (strlen(arg_str(req, "netns")) >= sizeof(st.netns))
			FAIL(EINVAL, "\"netns\" longer than %zu", sizeof(st.netns) - 1);
		st.netns_filter = true;
		snprintf(st.netns, sizeof(st.netns), "%s", arg_str(req, "netns"));
	}
	if (lim) {
		if (!json_is_integer(lim) || json_integer_value(lim) < 1)
			FAIL(EINVAL, "\"limit\" must be a positive integer");
		if (json_integer_value(lim) < limit)
			limit = json_integer_value(lim);
	}
	if (cur) {
		const char *s = json_string_value(cur);
		char *end = NULL;

		errno = 0;
		if (s && *s >= '0' && *s <= '9')
			st.pos = strtoull(s, &end, 10);
		if (!end || *end || errno || (l->map && st.pos > UINT32_MAX))
			FAIL(EINVAL,
			     "\"cursor\": not a cursor of %s (give the \"next\" of the page before)",
			     l->cmd);
	}
	arr = json_array();
	if (!arr)
		return -ENOMEM;
	ret = l->next(d, l, &st, lim || cur ? (unsigned int)limit : LIST_CHUNK, arr);
	if (ret) {
		json_decref(arr);
		FAIL(-ret, "%s: %s", l->cmd, strerror(-ret));
	}
	if (lim || cur) {
		if (!st.done)
			snprintf(next, nextlen, "%llu", st.pos);
		*res = arr;
		return 0;
	}
	c->list = st;
	ret = client_append(c, stream_head, strlen(stream_head));
	if (!ret)
		ret = stream_append(c, arr);
	json_decref(arr);
	if (ret)
		c->dead = true;
	return 1;
}

static const struct {
	const char *cmd;
	handler_fn fn;
} handlers[] = {
	{ "status", h_status },
	{ "overlay.create", h_overlay_create },
	{ "overlay.delete", h_overlay_delete },
	{ "vnic.create", h_vnic_create },
	{ "vnic.delete", h_vnic_delete },
	{ "endpoint.add", h_endpoint_add },
	{ "endpoint.del", h_endpoint_del },
	{ "map.add", h_map_add },
	{ "map.del", h_map_del },
	{ "map.get", h_map_get },
	{ "neigh.add", h_neigh_add },
	{ "neigh.del", h_neigh_del },
	{ "stats", h_stats },
	{ "reload", h_reload },
	{ "monitor", h_monitor },
};

static void handle_line(struct ovld *d, struct client *c, const char *line)
{
	char err[OVL_ERR_MAX] = "", next[32] = "";
	json_t *req, *res = NULL, *resp;
	json_error_t jerr;
	const char *cmd = NULL;
	int ret = -ENOSYS;

	req = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
	if (!req || !json_is_object(req)) {
		snprintf(err, sizeof(err), "request is not a JSON object: %s",
			 req ? "wrong type" : jerr.text);
		ret = -EINVAL;
		goto reply;
	}
	cmd = arg_str(req, "cmd");
	snprintf(err, sizeof(err), "unknown command \"%s\"", cmd ? cmd : "");
	for (size_t i = 0; cmd && i < sizeof(listers) / sizeof(listers[0]); i++) {
		if (strcmp(cmd, listers[i].cmd))
			continue;
		err[0] = '\0';
		ret = list_request(d, c, &listers[i], req, &res, next, sizeof(next), err,
				   sizeof(err));
		if (ret == 1) { /* streaming */
			json_decref(req);
			return;
		}
		goto reply;
	}
	for (size_t i = 0; cmd && i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		if (strcmp(cmd, handlers[i].cmd))
			continue;
		err[0] = '\0';
		ret = handlers[i].fn(d, c, req, &res, err, sizeof(err));
		break;
	}
reply:
	if (ret)
		pr_debug("%s: %s", cmd ? cmd : "request", err);
	if (!ret)
		resp = json_pack("{s:b, s:o}", "ok", 1, "result", res ? res : json_null());
	else
		resp = json_pack("{s:b, s:s, s:s}", "ok", 0, "error", err[0] ? err : strerror(-ret),
				 "errno", ovl_errno_name(ret));
	if (resp && next[0])
		json_object_set_new(resp, "next", json_string(next));
	if (resp)
		client_queue(d, c, resp, false);
	json_decref(resp);
	json_decref(req);
}

/* Read once from the client. Return: bytes read, 0 at its end, or -errno. */
static ssize_t client_read(struct client *c)
{
	ssize_t r;

	if (c->in_off) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
	if (c->in_cap < c->in_len + CLIENT_READ_MAX + 1) {
		size_t cap = c->in_cap ? c->in_cap : 8192;
		char *b;

		while (cap < c->in_len + CLIENT_READ_MAX + 1)
			cap *= 2;
		b = realloc(c->in, cap);
		if (!b)
			return -ENOMEM;
		c->in = b;
		c->in_cap = cap;
	}
	r = recv(c->fd, c->in + c->in_len, CLIENT_READ_MAX, MSG_DONTWAIT);
	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : -errno;
	c->in_len += (size_t)r;
	return r;
}

/* The next request in c->in, NUL-terminated, or NULL. */
static char *client_take_line(struct client *c)
{
	char *line = c->in + c->in_off, *nl;

	if (c->in_len <= c->in_off)
		return NULL;
	nl = memchr(line, '\n', c->in_len - c->in_off);
	if (nl) {
		*nl = '\0';
		c->in_off = (size_t)(nl + 1 - c->in);
		return line;
	}
	if (!c->eof)
		return NULL;
	c->in[c->in_len] = '\0'; /* the last request, without its newline */
	c->in_off = c->in_len;
	return line;
}

/* The requests of one turn: at most CLIENT_TURN_REQS, and one read. */
static void client_serve_turn(struct ovld *d, struct client *c)
{
	bool have_read = false;
	int handled = 0;

	while (handled < CLIENT_TURN_REQS && client_takes_requests(c)) {
		char *line = client_take_line(c);
		ssize_t r;

		if (line) {
			handle_line(d, c, line);
			handled++;
			continue;
		}
		if (c->eof || have_read)
			break;
		have_read = true;
		r = client_read(c);
		if (r == 0 || (r < 0 && r != -EAGAIN))
			c->eof = true; /* what it sent before is still answered */
		if (r < 0 && r != -EAGAIN)
			client_gone(c);
		if (!c->eof && !client_has_line(c) && c->in_len - c->in_off > OVL_CTL_MAX_LINE) {
			json_t *resp = json_pack("{s:b, s:s, s:s}", "ok", 0, "error",
						 "request line too long", "errno", "E2BIG");

			if (resp)
				client_queue(d, c, resp, false);
			json_decref(resp);
			c->in_off = c->in_len = 0;
			c->eof = true; /* not one of ours: answer, then close */
		}
	}
}

/*
 * A client's turn. The state its requests change is saved once, at the
 * end, before their replies are sent: a reply still means "done, and kept
 * across a restart", and a client with many requests in flight (thousands
 * of endpoint.add) does not rewrite state.json for each of them.
 */
static void client_serve(struct ovld *d, struct client *c)
{
	d->state_hold++;
	c->hold = true;
	client_serve_turn(d, c);
	c->hold = false;
	if (--d->state_hold == 0 && d->state_dirty)
		state_save(d);
	client_flush(c);
}

/* Done with it: no request left, nothing left to send, no stream. */
static bool client_finished(const struct client *c)
{
	if (c->dead)
		return true;
	if (!c->eof || client_has_request(c) || c->out_len || c->list.l)
		return false;
	return !c->monitor || c->gone; /* a monitor stays until the client closes */
}

void ctl_client_io(struct ovld *d, void *ptr, __u32 events)
{
	struct client *c = ptr;

	if (events & (EPOLLHUP | EPOLLERR))
		client_gone(c); /* it can read no more; what it sent still counts */
	if (events & EPOLLOUT)
		client_flush(c);
	list_pump(d, c);
	client_serve(d, c);
	if (client_finished(c)) {
		client_free(d, c);
		return;
	}
	client_arm(d, c);
}
