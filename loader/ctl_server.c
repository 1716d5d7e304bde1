// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * ctl_server.c - ovld's side of the control protocol (lib/ctl.h): the
 * socket and the clients; the commands are in ctl_cmds.c and ctl_list.c.
 *
 * Fairness. ovld is one thread, so a client is served in turns: each time
 * the loop reports it, a client gets at most CLIENT_TURN_REQS requests
 * handled, one read of up to CLIENT_READ_MAX bytes, or two chunks of a list
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
#include "ctl_server.h"
#include "ctl.h"
#include "loop.h"
#include "log.h"

static struct ctl_client *clients;

static void on_accept(void *arg, uint32_t events);
static void on_client_io(void *arg, uint32_t events);
static void on_turn_end(void *arg);

/* The loop whose turns end with on_turn_end() (a hook added once, after
 * the state saver: ctl_listen() at start, or the first client of a test's
 * socketpair). */
static struct ovl_loop *hooked;

static int ctl_hook(struct ovld *d)
{
	int err;

	if (hooked == d->loop)
		return 0;
	err = loop_add_hook(d->loop, on_turn_end, d);
	if (!err)
		hooked = d->loop;
	return err;
}

int ctl_listen(struct ovld *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
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
	if (!err && !(d->ctl_src = loop_add_fd(d->loop, fd, EPOLLIN, on_accept, d)))
		err = -errno;
	if (!err)
		err = ctl_hook(d);
	if (err) {
		pr_err("control socket %s: %s", d->sock_path, strerror(-err));
		loop_del_fd(d->ctl_src);
		d->ctl_src = NULL;
		close(fd);
		return err;
	}
	d->ctl_fd = fd;
	return 0;
}

static void on_monitor_event(struct ovld *d, enum ovl_ev_kind kind, const void *data, void *arg)
{
	(void)kind;
	ctl_client_queue(d, arg, (json_t *)data, true);
}

static void client_free(struct ovld *d, struct ctl_client *c)
{
	struct ctl_client **pp;

	for (pp = &clients; *pp && *pp != c; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = c->next;
	if (c->monitor) {
		events_unsubscribe(d, OVL_EV_MONITOR, on_monitor_event, c);
		if (!events_wanted(d, OVL_EV_MONITOR))
			dp_write_config(d); /* no listener: stop drop events */
	}
	loop_timer_free(c->wait_timer);
	loop_del_fd(c->src);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

struct ctl_client *ctl_client_new(struct ovld *d, int fd)
{
	struct ctl_client *c;
	int err = ctl_hook(d);

	if (err) {
		errno = -err;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->d = d;
	c->fd = fd;
	c->src = loop_add_fd(d->loop, fd, EPOLLIN, on_client_io, c);
	if (!c->src) {
		free(c);
		return NULL;
	}
	c->next = clients;
	clients = c;
	return c;
}

static void on_accept(void *arg, uint32_t events)
{
	struct ovld *d = arg;

	(void)events;
	for (;;) {
		struct ucred cred;
		socklen_t len = sizeof(cred);
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
		if (!ctl_client_new(d, fd))
			close(fd);
	}
}

/* A complete request line waits in c->in. */
static bool client_has_line(const struct ctl_client *c)
{
	return c->in_len > c->in_off && memchr(c->in + c->in_off, '\n', c->in_len - c->in_off);
}

/* A request waits: a line, or what came before the end of the input. */
static bool client_has_request(const struct ctl_client *c)
{
	return client_has_line(c) || (c->eof && c->in_len > c->in_off);
}

/* It may have more requests handled now (a client that is gone gets no
 * reply: the order of its replies no longer matters). */
static bool client_takes_requests(const struct ctl_client *c)
{
	return !c->dead && !c->list.l && (c->gone || (!c->waiting && c->out_len < CLIENT_OUT_HIGH));
}

/* Tell the loop what the client waits for (see the theory at the top). */
static void client_arm(struct ctl_client *c)
{
	uint32_t events = 0;

	if (!c->eof && !client_has_line(c) && client_takes_requests(c))
		events |= EPOLLIN;
	if (c->out_len || c->list.l || (client_has_request(c) && client_takes_requests(c)))
		events |= EPOLLOUT;
	loop_mod_fd(c->src, events);
}

/* It cannot read any more: what it still sent is handled, unanswered. */
static void client_gone(struct ctl_client *c)
{
	c->gone = true;
	c->out_len = 0;
	c->list.l = NULL;
}

void ctl_client_flush(struct ctl_client *c)
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

int ctl_client_append(struct ctl_client *c, const char *p, size_t n)
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
int ctl_client_queue(struct ovld *d, struct ctl_client *c, json_t *msg, bool event)
{
	char *txt;
	size_t n;
	int err;

	(void)d;
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
	err = ctl_client_append(c, txt, n + 1);
	free(txt);
	return err;
}

void ctl_close_all(struct ovld *d)
{
	while (clients)
		client_free(d, clients);
	loop_del_fd(d->ctl_src);
	d->ctl_src = NULL;
	if (d->sock_path[0] && d->ctl_fd >= 0)
		unlink(d->sock_path);
	if (d->ctl_fd >= 0)
		close(d->ctl_fd);
	d->ctl_fd = -1;
	hooked = NULL; /* the loop goes next (a hook cannot be removed) */
}

/* A streamed list's reply line: this, the entries, "]}\n". */
static const char stream_head[] = "{\"ok\":true,\"result\":[";

/* Entries of the streamed list, after those already sent. */
static int stream_append(struct ctl_client *c, json_t *arr)
{
	json_t *x;
	size_t i;

	json_array_foreach(arr, i, x) {
		char *t = json_dumps(x, JSON_COMPACT);
		int err;

		if (!t)
			return -ENOMEM;
		err = c->list.items++ ? ctl_client_append(c, ",", 1) : 0;
		if (!err)
			err = ctl_client_append(c, t, strlen(t));
		free(t);
		if (err)
			return err;
	}
	if (c->list.done) {
		c->list.l = NULL;
		return ctl_client_append(c, "]}\n", 3);
	}
	return 0;
}

/* The next chunks of a streamed list, while the client keeps up. */
static void list_pump(struct ovld *d, struct ctl_client *c)
{
	for (int i = 0; i < 2 && c->list.l && c->out_len < CLIENT_OUT_LOW; i++) {
		json_t *arr = json_array();
		int err = arr ? ctl_list_next(d, &c->list, LIST_CHUNK, arr) : -ENOMEM;

		if (!err)
			err = stream_append(c, arr);
		json_decref(arr);
		if (err) {
			/* The reply has begun: ending the connection is the
			 * only way left to say it is not complete. */
			pr_warn("%s: %s: closing the client's connection", ctl_list_name(&c->list),
				strerror(-err));
			c->dead = true;
			return;
		}
	}
	ctl_client_flush(c);
}

/* ---- deferred replies --------------------------------------------------------- */

static unsigned long long defer_seq;

/* A reply, ok or not, queued for c. */
static void queue_reply(struct ctl_client *c, int ret, json_t *res, const char *err)
{
	json_t *resp;

	if (!ret)
		resp = json_pack("{s:b, s:O}", "ok", 1, "result", res ? res : json_null());
	else
		resp = json_pack("{s:b, s:s, s:s}", "ok", 0, "error",
				 err && *err ? err : strerror(-ret), "errno", ovl_errno_name(ret));
	if (resp)
		ctl_client_queue(c->d, c, resp, false);
	else
		c->dead = true; /* no reply possible: the client must not wait for it */
	json_decref(resp);
}

static void defer_timeout(void *arg)
{
	struct ctl_client *c = arg;
	char err[128];

	if (!c->waiting)
		return;
	snprintf(err, sizeof(err), "no answer within %d s (etcd slow or unreachable?)",
		 CTL_DEFER_MS / 1000);
	pr_warn("control request of a client: %s", err);
	c->waiting = 0;
	queue_reply(c, -ETIMEDOUT, NULL, err);
}

unsigned long long ctl_defer(struct ovld *d, struct ctl_client *c, long timeout_ms)
{
	if (!c->wait_timer)
		c->wait_timer = loop_timer_new(d->loop, defer_timeout, c);
	if (!c->wait_timer)
		return 0;
	c->waiting = ++defer_seq;
	loop_timer_arm(c->wait_timer, (uint64_t)(timeout_ms > 0 ? timeout_ms : CTL_DEFER_MS));
	return c->waiting;
}

void ctl_defer_cancel(struct ctl_client *c, unsigned long long token)
{
	if (c->waiting != token)
		return;
	c->waiting = 0;
	loop_timer_disarm(c->wait_timer);
}

void ctl_deferred_reply(unsigned long long token, int ret, json_t *res, const char *err)
{
	struct ctl_client *c;

	for (c = clients; c && c->waiting != token; c = c->next)
		;
	if (c && token) {
		c->waiting = 0;
		loop_timer_disarm(c->wait_timer);
		queue_reply(c, ret, res, err);
	}
	json_decref(res);
}

static int h_monitor(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res, char *err,
		     size_t errlen)
{
	(void)req;
	(void)err;
	(void)errlen;
	if (!c->monitor) {
		bool first = !events_wanted(d, OVL_EV_MONITOR);
		int ret = events_subscribe(d, OVL_EV_MONITOR, on_monitor_event, c);

		if (ret)
			return ret;
		c->monitor = true;
		if (first)
			dp_write_config(d); /* drop events on */
	}
	*res = json_pack("{s:b}", "monitoring", 1);
	return 0;
}

/* Commands of the connection itself; the others are in ctl_cmds.c. */
static const struct ctl_cmd transport_cmds[] = {
	{ OVL_CMD_MONITOR, h_monitor },
	{ NULL, NULL },
};

static ctl_handler_fn find_handler(const char *cmd)
{
	for (const struct ctl_cmd *t = transport_cmds; t->cmd; t++)
		if (!strcmp(t->cmd, cmd))
			return t->fn;
	for (const struct ctl_cmd *t = ctl_cmds; t->cmd; t++)
		if (!strcmp(t->cmd, cmd))
			return t->fn;
	return NULL;
}

static void handle_line(struct ovld *d, struct ctl_client *c, const char *line)
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
	cmd = ctl_arg_str(req, "cmd");
	snprintf(err, sizeof(err), "unknown command \"%s\"", cmd ? cmd : "");
	if (!cmd)
		goto reply;
	ret = ctl_list_request(d, cmd, req, &res, &c->list, next, sizeof(next), err, sizeof(err));
	if (ret == 1) { /* streamed: the head and the first chunk now, the rest as it drains */
		ret = ctl_client_append(c, stream_head, strlen(stream_head));
		if (!ret)
			ret = stream_append(c, res);
		if (ret)
			c->dead = true;
		json_decref(res);
		json_decref(req);
		return;
	}
	if (ret == -ENOSYS && find_handler(cmd)) {
		err[0] = '\0';
		ret = find_handler(cmd)(d, c, req, &res, err, sizeof(err));
	}
	if (ret == CTL_DEFERRED) {
		json_decref(req);
		return;
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
		ctl_client_queue(d, c, resp, false);
	json_decref(resp);
	json_decref(req);
}

/* Read once from the client. Return: bytes read, 0 at its end, or -errno. */
static ssize_t client_read(struct ctl_client *c)
{
	size_t want;
	ssize_t r;

	if (c->in_off) {
		memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
		c->in_len -= c->in_off;
		c->in_off = 0;
	}
	/* The buffer grows with what waits in it: a page for the requests of
	 * a turn, doubled while a longer line comes in. */
	if (c->in_cap < c->in_len + CLIENT_READ_MIN + 1) {
		size_t cap = c->in_cap ? c->in_cap : CLIENT_READ_MIN + 1;
		char *b;

		while (cap < c->in_len + CLIENT_READ_MIN + 1)
			cap *= 2;
		b = realloc(c->in, cap);
		if (!b)
			return -ENOMEM;
		c->in = b;
		c->in_cap = cap;
	}
	want = c->in_cap - c->in_len - 1; /* room for the NUL of a last line */
	r = recv(c->fd, c->in + c->in_len, want < CLIENT_READ_MAX ? want : CLIENT_READ_MAX,
		 MSG_DONTWAIT);
	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? -EAGAIN : -errno;
	c->in_len += (size_t)r;
	return r;
}

/* The next request in c->in, NUL-terminated, or NULL. */
static char *client_take_line(struct ctl_client *c)
{
	char *line, *nl;

	/* c->in is NULL until the first read: no arithmetic on it before */
	if (c->in_len <= c->in_off)
		return NULL;
	line = c->in + c->in_off;
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
static void client_serve_turn(struct ovld *d, struct ctl_client *c)
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
				ctl_client_queue(d, c, resp, false);
			json_decref(resp);
			c->in_off = c->in_len = 0;
			c->eof = true; /* not one of ours: answer, then close */
		}
	}
}

/* Done with it: no request left, nothing left to send, no stream, no
 * reply to come. */
static bool client_finished(const struct ctl_client *c)
{
	if (c->dead)
		return true;
	if (c->waiting && !c->gone)
		return false;
	if (!c->eof || client_has_request(c) || c->out_len || c->list.l)
		return false;
	return !c->monitor || c->gone; /* a monitor stays until the client closes */
}

/*
 * A client's turn: its requests are handled, their replies queued. What
 * they changed is saved once, when the loop's turn ends (state.c's hook,
 * the first), and only then do the replies go out (on_turn_end(), a later
 * hook): a reply still means "done, and kept across a restart", and a
 * client with many requests in flight (thousands of endpoint.add) does not
 * rewrite state.json for each of them.
 */
static void on_client_io(void *arg, uint32_t events)
{
	struct ctl_client *c = arg;

	if (events & (EPOLLHUP | EPOLLERR))
		client_gone(c); /* it can read no more; what it sent still counts */
	if (events & EPOLLOUT)
		ctl_client_flush(c);
	list_pump(c->d, c);
	client_serve_turn(c->d, c);
}

/* The end of the loop's turn, after the state was saved: every reply and
 * event queued goes out, finished clients are closed, the others armed. */
static void on_turn_end(void *arg)
{
	struct ovld *d = arg;
	struct ctl_client *c = clients, *next;

	for (; c; c = next) {
		next = c->next;
		if (c->out_len)
			ctl_client_flush(c);
		if (client_finished(c))
			client_free(d, c);
		else
			client_arm(c);
	}
}
