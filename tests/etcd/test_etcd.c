// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_etcd - lib/etcd.c against a real etcd, driven by
 * tests/e2e/etcd_client.sh (which starts the etcd members and runs this in
 * their network namespace).
 *
 *   test_etcd CASE [ARGS...]
 *
 * Every check prints "PASS etcd/CASE/what" or "FAIL etcd/CASE/what: why";
 * exit 0 when all passed, 1 otherwise. The loop is a small poll() loop
 * implementing struct etcd_io, as a caller's would.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "etcd.h"

static const char *tcase = "";
static int failures;

static void check(bool ok, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(bool ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS etcd/%s/%s\n", tcase, what);
		return;
	}
	failures++;
	printf("FAIL etcd/%s/%s: ", tcase, what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ---- the loop ------------------------------------------------------------ */

#define MAX_FDS 64

static struct pollfd fds[MAX_FDS];
static int nfds;
static int64_t due = -1;
static struct etcd *cl;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int io_fd(void *arg, int fd, int what)
{
	int i;

	(void)arg;
	for (i = 0; i < nfds && fds[i].fd != fd; i++)
		;
	if (!what) {
		if (i < nfds)
			fds[i] = fds[--nfds];
		return 0;
	}
	if (i == nfds) {
		if (nfds == MAX_FDS)
			return -ENOSPC;
		nfds++;
	}
	fds[i].fd = fd;
	fds[i].events =
		(short)(((what & ETCD_IO_IN) ? POLLIN : 0) | ((what & ETCD_IO_OUT) ? POLLOUT : 0));
	fds[i].revents = 0;
	return 0;
}

static void io_timer(void *arg, long ms)
{
	(void)arg;
	due = ms < 0 ? -1 : now_ms() + ms;
}

static const struct etcd_io io = { .fd = io_fd, .timer = io_timer };

/* Turn the loop until *done or ms pass; false on the time limit. */
static bool run(const bool *done, long ms)
{
	int64_t end = now_ms() + ms;

	while (!(done && *done)) {
		struct pollfd cur[MAX_FDS];
		int64_t t = now_ms(), wait = end - t;
		int i, n;

		if (wait <= 0)
			return false;
		if (due >= 0 && due - t < wait)
			wait = due - t < 0 ? 0 : due - t;
		n = nfds;
		memcpy(cur, fds, sizeof(cur[0]) * n);
		if (poll(cur, n, (int)wait) < 0 && errno != EINTR)
			return false;
		for (i = 0; i < n && cl; i++) {
			int ev = 0;

			if (!cur[i].revents)
				continue;
			if (cur[i].revents & POLLIN)
				ev |= ETCD_IO_IN;
			if (cur[i].revents & POLLOUT)
				ev |= ETCD_IO_OUT;
			if (cur[i].revents & (POLLERR | POLLHUP))
				ev |= ETCD_IO_ERR;
			etcd_on_fd(cl, cur[i].fd, ev);
		}
		if (cl && due >= 0 && now_ms() >= due) {
			due = -1;
			etcd_on_timeout(cl);
		}
	}
	return true;
}

/* ---- requests, synchronously --------------------------------------------- */

#define MAX_KVS 16

struct res {
	bool done;
	int calls;
	int err;
	char msg[512], member[128];
	int64_t rev, count, lease_id, ttl, deleted;
	bool more, succeeded;
	size_t n_kvs;
	char key[MAX_KVS][64], value[MAX_KVS][64];
	size_t vlen[MAX_KVS];
	int64_t lease[MAX_KVS];
};

static void res_cb(void *arg, const struct etcd_reply *r)
{
	struct res *s = arg;
	size_t i;

	s->calls++;
	s->done = true;
	s->err = r->err;
	snprintf(s->msg, sizeof(s->msg), "%s", r->msg);
	snprintf(s->member, sizeof(s->member), "%s", r->member ? r->member : "(null)");
	s->rev = r->revision;
	s->count = r->count;
	s->more = r->more;
	s->succeeded = r->succeeded;
	s->lease_id = r->lease_id;
	s->ttl = r->ttl;
	s->deleted = r->deleted;
	s->n_kvs = r->n_kvs;
	for (i = 0; i < r->n_kvs && i < MAX_KVS; i++) {
		snprintf(s->key[i], sizeof(s->key[i]), "%.*s", (int)r->kvs[i].key_len,
			 r->kvs[i].key);
		memcpy(s->value[i], r->kvs[i].value,
		       r->kvs[i].value_len < 63 ? r->kvs[i].value_len + 1 : 63);
		s->vlen[i] = r->kvs[i].value_len;
		s->lease[i] = r->kvs[i].lease;
	}
}

/* Start with call (which must not call back at once), wait for the reply. */
#define SYNC(s, call)                                                                              \
	do {                                                                                       \
		memset(&(s), 0, sizeof(s));                                                        \
		if (!(call)) {                                                                     \
			(s).err = -errno;                                                          \
			snprintf((s).msg, sizeof((s).msg), "could not start: %s",                  \
				 strerror(errno));                                                 \
			break;                                                                     \
		}                                                                                  \
		if ((s).done)                                                                      \
			check(false, "async", "%s called back from the call", #call);              \
		if (!run(&(s).done, 15000))                                                        \
			snprintf((s).msg, sizeof((s).msg), "no answer in 15 s");                   \
	} while (0)

#define S(str) (str), strlen(str)

static struct etcd *client(const char *const *eps, size_t n, const struct etcd_cfg *base)
{
	struct etcd_cfg cfg = base ? *base : (struct etcd_cfg){ 0 };
	char err[256];

	cfg.endpoints = eps;
	cfg.n_endpoints = n;
	cl = etcd_new(&cfg, &io, err, sizeof(err));
	if (!cl) {
		check(false, "new", "etcd_new: %s", err);
		exit(1);
	}
	return cl;
}

static void client_free(void)
{
	etcd_free(cl);
	cl = NULL;
	check(nfds == 0 && due == -1, "free", "%d fds still watched, timer %s", nfds,
	      due == -1 ? "off" : "on");
	nfds = 0;
	due = -1;
}

/* ---- watches ----------------------------------------------------------------- */

#define MAX_EVS 32

struct wres {
	int replies, errs, created, progress;
	int err;
	char msg[512];
	int64_t rev, compact;
	int n_ev;
	int type[MAX_EVS];
	char key[MAX_EVS][64], value[MAX_EVS][64];
	int64_t mod_rev[MAX_EVS];
	struct etcd_watch *cancel_me; /* cancelled from the first event */
	bool stop;
};

static void wres_cb(void *arg, const struct etcd_watch_reply *r)
{
	struct wres *s = arg;
	size_t i;

	s->replies++;
	if (r->err) {
		s->errs++;
		s->err = r->err;
		s->compact = r->compact_revision;
		snprintf(s->msg, sizeof(s->msg), "%s", r->msg);
		s->stop = true;
		return;
	}
	s->rev = r->revision;
	s->created += r->created;
	s->progress += r->progress;
	for (i = 0; i < r->n_events && s->n_ev < MAX_EVS; i++, s->n_ev++) {
		const struct etcd_kv *kv = &r->events[i].kv;

		s->type[s->n_ev] = r->events[i].type;
		snprintf(s->key[s->n_ev], 64, "%.*s", (int)kv->key_len, kv->key);
		snprintf(s->value[s->n_ev], 64, "%.*s", (int)kv->value_len, kv->value);
		s->mod_rev[s->n_ev] = kv->mod_revision;
	}
	if (s->cancel_me && s->n_ev) {
		etcd_watch_cancel(s->cancel_me);
		s->cancel_me = NULL;
		s->stop = true;
	}
}

/* ---- the cases ----------------------------------------------------------------- */

static void case_kv(const char *const *eps, size_t n, const struct etcd_cfg *cfg)
{
	struct res r;
	char end[64];
	size_t elen = etcd_prefix_end(S("/t/kv/"), end, sizeof(end));
	static const char bin[] = { 'a', 0, 'b' };

	client(eps, n, cfg);
	SYNC(r, etcd_delete(cl, S("/t/kv/"), end, elen, res_cb, &r));
	check(r.err == 0, "clean", "%d %s", r.err, r.msg);
	SYNC(r, etcd_put(cl, S("/t/kv/a"), S("1"), 0, res_cb, &r));
	check(r.err == 0 && r.rev > 0 && r.calls == 1, "put", "%d %s rev %" PRId64, r.err, r.msg,
	      r.rev);
	SYNC(r, etcd_put(cl, S("/t/kv/b"), bin, sizeof(bin), 0, res_cb, &r));
	check(r.err == 0, "put binary", "%d %s", r.err, r.msg);
	SYNC(r, etcd_put(cl, S("/t/kv/c"), S("3"), 0, res_cb, &r));
	check(r.err == 0, "put 3", "%d %s", r.err, r.msg);

	SYNC(r, etcd_range(cl, S("/t/kv/a"), NULL, 0, 0, 0, res_cb, &r));
	check(r.err == 0 && r.n_kvs == 1 && !strcmp(r.key[0], "/t/kv/a") && r.vlen[0] == 1 &&
		      !strcmp(r.value[0], "1") && r.count == 1 && !r.more,
	      "range one", "%d %s n %zu", r.err, r.msg, r.n_kvs);
	SYNC(r, etcd_range(cl, S("/t/kv/"), end, elen, 0, 0, res_cb, &r));
	check(r.err == 0 && r.n_kvs == 3 && r.count == 3 && r.vlen[1] == 3 &&
		      !memcmp(r.value[1], bin, 3) && r.value[1][3] == '\0',
	      "range prefix", "%d %s n %zu count %" PRId64, r.err, r.msg, r.n_kvs, r.count);

	/* paging: limit 2, then from the last key + "\0" at the same revision */
	SYNC(r, etcd_range(cl, S("/t/kv/"), end, elen, 2, 0, res_cb, &r));
	check(r.err == 0 && r.n_kvs == 2 && r.more && r.count == 3, "page 1", "%d %s n %zu more %d",
	      r.err, r.msg, r.n_kvs, r.more);
	{
		char next[64];
		size_t nl = strlen(r.key[1]) + 1;
		int64_t rev = r.rev;

		memcpy(next, r.key[1], nl); /* with its NUL */
		SYNC(r, etcd_range(cl, next, nl, end, elen, 2, rev, res_cb, &r));
		check(r.err == 0 && r.n_kvs == 1 && !r.more && !strcmp(r.key[0], "/t/kv/c") &&
			      r.rev == rev,
		      "page 2", "%d %s n %zu more %d", r.err, r.msg, r.n_kvs, r.more);
	}
	SYNC(r, etcd_range(cl, S("/t/kv/"), end, elen, 0, 1000000, res_cb, &r));
	check(r.err == -EINVAL, "future revision", "%d %s", r.err, r.msg);

	SYNC(r, etcd_delete(cl, S("/t/kv/a"), NULL, 0, res_cb, &r));
	check(r.err == 0 && r.deleted == 1, "delete one", "%d %s deleted %" PRId64, r.err, r.msg,
	      r.deleted);
	SYNC(r, etcd_delete(cl, S("/t/kv/"), end, elen, res_cb, &r));
	check(r.err == 0 && r.deleted == 2, "delete prefix", "%d %s deleted %" PRId64, r.err, r.msg,
	      r.deleted);
	SYNC(r, etcd_range(cl, S("/t/kv/"), end, elen, 0, 0, res_cb, &r));
	check(r.err == 0 && r.n_kvs == 0 && r.count == 0, "range empty", "%d %s n %zu", r.err,
	      r.msg, r.n_kvs);
	client_free();
}

static void case_txn(const char *const *eps, size_t n)
{
	struct res r;
	struct etcd_cmp cmp = { S("/t/txn/k"), ETCD_CMP_CREATE, ETCD_EQUAL, 0, NULL, 0 };
	struct etcd_op put = { ETCD_OP_PUT, S("/t/txn/k"), S("v1"), 0, NULL, 0 };
	struct etcd_op other = { ETCD_OP_PUT, S("/t/txn/l"), S("v2"), 0, NULL, 0 };
	struct etcd_op rng = { ETCD_OP_RANGE, S("/t/txn/"), NULL, 0, 0, "/t/txn0", 7 };
	struct etcd_op succ[] = { put, other, rng };
	struct etcd_op fail[] = { rng, { ETCD_OP_RANGE, S("/t/txn/k"), NULL, 0, 0, NULL, 0 } };
	struct etcd_cmp vcmp = { S("/t/txn/k"), ETCD_CMP_VALUE, ETCD_EQUAL, 0, S("v1") };
	struct etcd_op del = { ETCD_OP_DELETE, S("/t/txn/"), NULL, 0, 0, "/t/txn0", 7 };

	client(eps, n, NULL);
	SYNC(r, etcd_delete(cl, S("/t/txn/"), "/t/txn0", 7, res_cb, &r));
	SYNC(r, etcd_txn(cl, &cmp, 1, succ, 3, fail, 2, res_cb, &r));
	check(r.err == 0 && r.succeeded && r.n_kvs == 2 && !strcmp(r.key[0], "/t/txn/k") &&
		      !strcmp(r.value[1], "v2"),
	      "success", "%d %s succeeded %d n %zu", r.err, r.msg, r.succeeded, r.n_kvs);
	SYNC(r, etcd_txn(cl, &cmp, 1, succ, 3, fail, 2, res_cb, &r));
	check(r.err == 0 && !r.succeeded && r.n_kvs == 3 && !strcmp(r.key[2], "/t/txn/k"),
	      "failure", "%d %s succeeded %d n %zu", r.err, r.msg, r.succeeded, r.n_kvs);
	SYNC(r, etcd_txn(cl, &vcmp, 1, &del, 1, NULL, 0, res_cb, &r));
	check(r.err == 0 && r.succeeded && r.n_kvs == 0, "value compare", "%d %s succeeded %d",
	      r.err, r.msg, r.succeeded);
	SYNC(r, etcd_range(cl, S("/t/txn/"), "/t/txn0", 7, 0, 0, res_cb, &r));
	check(r.err == 0 && r.n_kvs == 0, "deleted by txn", "%d %s n %zu", r.err, r.msg, r.n_kvs);
	client_free();
}

static void case_lease(const char *const *eps, size_t n)
{
	struct res r;
	int64_t id;

	client(eps, n, NULL);
	SYNC(r, etcd_lease_grant(cl, 30, 0, res_cb, &r));
	id = r.lease_id;
	check(r.err == 0 && id != 0 && r.ttl == 30, "grant", "%d %s id %" PRId64 " ttl %" PRId64,
	      r.err, r.msg, id, r.ttl);
	SYNC(r, etcd_put(cl, S("/t/lease/k"), S("v"), id, res_cb, &r));
	check(r.err == 0, "put with lease", "%d %s", r.err, r.msg);
	SYNC(r, etcd_range(cl, S("/t/lease/k"), NULL, 0, 0, 0, res_cb, &r));
	check(r.err == 0 && r.n_kvs == 1 && r.lease[0] == id, "range has lease", "%d %s n %zu",
	      r.err, r.msg, r.n_kvs);
	SYNC(r, etcd_lease_keepalive(cl, id, res_cb, &r));
	check(r.err == 0 && r.lease_id == id && r.ttl == 30, "keepalive", "%d %s ttl %" PRId64,
	      r.err, r.msg, r.ttl);
	SYNC(r, etcd_lease_timetolive(cl, id, res_cb, &r));
	check(r.err == 0 && r.lease_id == id && r.ttl > 0 && r.ttl <= 30, "timetolive",
	      "%d %s ttl %" PRId64, r.err, r.msg, r.ttl);
	SYNC(r, etcd_lease_revoke(cl, id, res_cb, &r));
	check(r.err == 0, "revoke", "%d %s", r.err, r.msg);
	SYNC(r, etcd_range(cl, S("/t/lease/k"), NULL, 0, 0, 0, res_cb, &r));
	check(r.err == 0 && r.n_kvs == 0, "key went with the lease", "%d %s n %zu", r.err, r.msg,
	      r.n_kvs);
	SYNC(r, etcd_lease_timetolive(cl, id, res_cb, &r));
	check(r.err == 0 && r.ttl == -1, "timetolive gone", "%d %s ttl %" PRId64, r.err, r.msg,
	      r.ttl);
	SYNC(r, etcd_lease_keepalive(cl, id, res_cb, &r));
	check(r.err == -ENOENT, "keepalive gone", "%d %s", r.err, r.msg);
	SYNC(r, etcd_lease_revoke(cl, id, res_cb, &r));
	check(r.err == -ENOENT && strstr(r.msg, "lease not found"), "revoke gone", "%d %s", r.err,
	      r.msg);
	SYNC(r, etcd_lease_grant(cl, 30, 4242, res_cb, &r));
	check(r.err == 0 && r.lease_id == 4242, "grant with id", "%d %s id %" PRId64, r.err, r.msg,
	      r.lease_id);
	SYNC(r, etcd_lease_revoke(cl, 4242, res_cb, &r));
	client_free();
}

static void case_watch(const char *const *eps, size_t n)
{
	struct wres w = { 0 }, w2 = { 0 };
	struct etcd_watch *h;
	struct res r;
	char end[64];
	size_t elen = etcd_prefix_end(S("/t/w/"), end, sizeof(end));
	int64_t last;

	client(eps, n, NULL);
	h = etcd_watch(cl, S("/t/w/"), end, elen, 0, false, 0, wres_cb, &w);
	check(h && w.replies == 0, "start", "no watch or a synchronous reply");
	for (int i = 0; i < 100 && !w.replies; i++)
		run(NULL, 50);
	check(w.created == 1 && w.rev > 0, "created", "created %d rev %" PRId64, w.created, w.rev);
	SYNC(r, etcd_put(cl, S("/t/w/a"), S("1"), 0, res_cb, &r));
	SYNC(r, etcd_delete(cl, S("/t/w/a"), NULL, 0, res_cb, &r));
	last = r.rev;
	for (int i = 0; i < 100 && w.n_ev < 2; i++)
		run(NULL, 50);
	check(w.n_ev == 2 && w.type[0] == ETCD_EV_PUT && !strcmp(w.key[0], "/t/w/a") &&
		      !strcmp(w.value[0], "1") && w.type[1] == ETCD_EV_DELETE &&
		      !strcmp(w.key[1], "/t/w/a") && w.mod_rev[1] == last && !w.errs,
	      "events", "%d events, errs %d %s", w.n_ev, w.errs, w.msg);
	etcd_watch_cancel(h);

	/* while nobody watches; then resume from the revision after the last */
	SYNC(r, etcd_put(cl, S("/t/w/b"), S("2"), 0, res_cb, &r));
	memset(&w2, 0, sizeof(w2));
	h = etcd_watch(cl, S("/t/w/"), end, elen, last + 1, false, 0, wres_cb, &w2);
	for (int i = 0; i < 100 && w2.n_ev < 1; i++)
		run(NULL, 50);
	check(w2.created == 1 && w2.n_ev == 1 && !strcmp(w2.key[0], "/t/w/b") &&
		      w2.type[0] == ETCD_EV_PUT,
	      "resume", "created %d, %d events (%s)", w2.created, w2.n_ev, w2.key[0]);

	/* cancelled from its own callback: no call after */
	w2.cancel_me = h;
	w2.n_ev = 0;
	SYNC(r, etcd_put(cl, S("/t/w/c"), S("3"), 0, res_cb, &r));
	SYNC(r, etcd_put(cl, S("/t/w/d"), S("4"), 0, res_cb, &r));
	run(NULL, 300);
	check(w2.stop && w2.n_ev >= 1 && w2.replies <= 3 && !w2.errs, "cancel from callback",
	      "stop %d, %d events, %d replies", w2.stop, w2.n_ev, w2.replies);
	client_free();
}

static void case_watch_progress(const char *const *eps, size_t n)
{
	struct wres w = { 0 }, w2 = { 0 };
	struct etcd_watch *h, *h2;

	client(eps, n, NULL);
	/* etcd here notifies progress every second (the test starts it so) */
	h = etcd_watch(cl, S("/t/p/"), NULL, 0, 0, true, 2500, wres_cb, &w);
	h2 = etcd_watch(cl, S("/t/q/"), NULL, 0, 0, false, 600, wres_cb, &w2);
	run(&w.stop, 3500);
	check(w.created == 1 && w.progress >= 2 && !w.errs, "progress",
	      "created %d, %d progress, errs %d %s", w.created, w.progress, w.errs, w.msg);
	check(w2.created == 1 && w2.errs == 1 && w2.err == -ECONNRESET &&
		      strstr(w2.msg, "nothing from the watch") && w2.replies == 2,
	      "idle", "created %d, %d replies, err %d %s", w2.created, w2.replies, w2.err, w2.msg);
	etcd_watch_cancel(h2); /* over: frees */
	etcd_watch_cancel(h);
	client_free();
}

static void case_watch_stale(const char *const *eps, size_t n, int64_t rev)
{
	struct wres w = { 0 };
	struct etcd_watch *h;
	struct res r;

	client(eps, n, NULL);
	h = etcd_watch(cl, S("/t/s/"), NULL, 0, rev, false, 0, wres_cb, &w);
	run(&w.stop, 5000);
	check(w.errs == 1 && w.err == -ESTALE && w.compact > rev, "compacted",
	      "errs %d err %d compact %" PRId64 " %s", w.errs, w.err, w.compact, w.msg);
	run(NULL, 200);
	check(w.replies <= 2, "over", "%d replies after the error", w.replies);
	etcd_watch_cancel(h);
	SYNC(r, etcd_range(cl, S("/t/s/"), NULL, 0, 0, rev, res_cb, &r));
	check(r.err == -ESTALE, "range compacted", "%d %s", r.err, r.msg);
	client_free();
}

/* The first endpoint a closed port, the second etcd; then etcd first. */
static void case_failover(const char *closed, const char *good)
{
	const char *eps[] = { closed, good };
	struct res r;

	client(eps, 2, NULL);
	SYNC(r, etcd_put(cl, S("/t/f/a"), S("1"), 0, res_cb, &r));
	check(r.err == 0 && !strcmp(r.member, good), "next member", "%d %s member %s", r.err, r.msg,
	      r.member);
	SYNC(r, etcd_range(cl, S("/t/f/a"), NULL, 0, 0, 0, res_cb, &r));
	check(r.err == 0 && r.n_kvs == 1 && !strcmp(r.member, good), "remembered",
	      "%d %s member %s", r.err, r.msg, r.member);
	client_free();
}

static void case_unreachable(const char *a, const char *b)
{
	const char *eps[] = { a, b };
	struct res r;
	struct wres w = { 0 };
	struct etcd_watch *h;

	client(eps, 2, NULL);
	SYNC(r, etcd_put(cl, S("/t/u"), S("1"), 0, res_cb, &r));
	check(r.err == -ECONNREFUSED && strstr(r.msg, b) && strstr(r.msg, "connection refused") &&
		      r.calls == 1,
	      "refused", "%d %s", r.err, r.msg);
	printf("# %s\n", r.msg);
	h = etcd_watch(cl, S("/t/u"), NULL, 0, 0, false, 0, wres_cb, &w);
	run(&w.stop, 5000);
	check(w.err == -ECONNREFUSED && w.replies == 1, "watch refused", "%d %s", w.err, w.msg);
	etcd_watch_cancel(h);
	client_free();
}

/* A fake member answering 503 "no leader" once, in a child. */
static pid_t fake_member(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	pid_t pid;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 4) ||
	    getsockname(s, (struct sockaddr *)&sa, &sl))
		return -1;
	*port = ntohs(sa.sin_port);
	pid = fork();
	if (pid == 0) {
		static const char body[] = "{\"error\":\"etcdserver: no leader\","
					   "\"message\":\"etcdserver: no leader\",\"code\":14}";
		char buf[4096], out[512];

		for (;;) {
			int a = accept(s, NULL, NULL);

			if (a < 0)
				_exit(0);
			usleep(50000);
			if (read(a, buf, sizeof(buf)) < 0)
				_exit(1);
			snprintf(out, sizeof(out),
				 "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
				 "application/json\r\nContent-Length: %zu\r\n\r\n%s",
				 strlen(body), body);
			if (write(a, out, strlen(out)) < 0)
				_exit(1);
			close(a);
		}
	}
	close(s);
	return pid;
}

static void case_noleader(const char *good)
{
	char url[64];
	const char *eps[2] = { url, good };
	struct res r;
	int port;
	pid_t pid = fake_member(&port);

	if (pid < 0) {
		check(false, "fake", "cannot listen: %s", strerror(errno));
		return;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	client(eps, 1, NULL);
	SYNC(r, etcd_range(cl, S("/t/n"), NULL, 0, 0, 0, res_cb, &r));
	check(r.err == -EHOSTUNREACH && strstr(r.msg, "no leader") && strstr(r.msg, url), "alone",
	      "%d %s", r.err, r.msg);
	client_free();
	client(eps, 2, NULL);
	SYNC(r, etcd_range(cl, S("/t/n"), NULL, 0, 0, 0, res_cb, &r));
	check(r.err == 0 && !strcmp(r.member, good), "next member", "%d %s member %s", r.err, r.msg,
	      r.member);
	client_free();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Cancel before the answer, from another's callback, and free the client
 * from a callback. */
struct pair {
	struct res a;
	struct etcd_req *other;
	struct etcd_watch *wother;
	bool free_client;
};

static void pair_cb(void *arg, const struct etcd_reply *rep)
{
	struct pair *p = arg;

	res_cb(&p->a, rep);
	if (p->other)
		etcd_cancel(p->other);
	if (p->wother)
		etcd_watch_cancel(p->wother);
	if (p->free_client) {
		etcd_free(cl);
		cl = NULL;
	}
}

/* A watch's callback that, like pair_cb with free_client, frees the client
 * if nothing has yet; counted into the same pair. */
static void wfree_cb(void *arg, const struct etcd_watch_reply *r)
{
	struct pair *p = arg;

	(void)r;
	p->a.calls++;
	p->a.done = true;
	if (cl) {
		etcd_free(cl);
		cl = NULL;
	}
}

struct self {
	struct res r;
	struct etcd_req *me;
};

static void self_cancel_cb(void *arg, const struct etcd_reply *rep)
{
	struct self *s = arg;

	res_cb(&s->r, rep);
	etcd_cancel(s->me);
}

static void case_cancel(const char *const *eps, size_t n)
{
	struct res r, never = { 0 };
	struct wres wnever = { 0 };
	struct self self = { 0 };
	struct pair p = { 0 };
	struct etcd_req *q;

	client(eps, n, NULL);
	q = etcd_range(cl, S("/t/c"), NULL, 0, 0, 0, res_cb, &never);
	etcd_cancel(q);
	SYNC(r, etcd_range(cl, S("/t/c"), NULL, 0, 0, 0, res_cb, &r));
	run(NULL, 200);
	check(never.calls == 0 && r.err == 0, "cancelled", "%d calls", never.calls);

	/* a watch, from a request's callback: no event after */
	p.wother = etcd_watch(cl, S("/t/c"), NULL, 0, 0, false, 0, wres_cb, &wnever);
	for (int i = 0; i < 100 && !wnever.replies; i++)
		run(NULL, 50);
	etcd_range(cl, S("/t/c"), NULL, 0, 0, 0, pair_cb, &p);
	run(&p.a.done, 5000);
	SYNC(r, etcd_put(cl, S("/t/c"), S("1"), 0, res_cb, &r));
	run(NULL, 300);
	check(p.a.calls == 1 && wnever.replies == 1 && wnever.n_ev == 0, "from another callback",
	      "%d calls, %d watch replies", p.a.calls, wnever.replies);
	memset(&wnever, 0, sizeof(wnever));
	memset(&p, 0, sizeof(p));

	/* a request cancelling itself from its own callback */
	self.me = etcd_range(cl, S("/t/c"), NULL, 0, 0, 0, self_cancel_cb, &self);
	run(&self.r.done, 5000);
	run(NULL, 100);
	check(self.r.calls == 1, "itself from its callback", "%d calls", self.r.calls);

	/* etcd_free() from a callback: the others never answer. Six requests
	 * and a watch in flight, each of whose callbacks frees the client:
	 * whichever answers first (they may complete in any order, several in
	 * one turn of the loop, the watch's "created" too) must be the only
	 * one called, and nothing may be left to poll or time. */
	memset(&p, 0, sizeof(p));
	p.free_client = true;
	for (int i = 0; i < 6; i++)
		etcd_range(cl, S("/t/c"), NULL, 0, 0, 0, pair_cb, &p);
	etcd_watch(cl, S("/t/c"), NULL, 0, 0, false, 0, wfree_cb, &p);
	run(&p.a.done, 5000);
	run(NULL, 200);
	check(p.a.calls == 1 && !cl && nfds == 0 && due == -1, "free from a callback",
	      "%d calls, %d fds, timer %s", p.a.calls, nfds, due == -1 ? "off" : "on");
	nfds = 0;
	due = -1;
	cl = NULL;
}

static void case_tls(const char *ep, const char *dir, bool with_cert)
{
	char ca[256], cert[256], key[256];
	struct etcd_cfg cfg = { .cacert = ca };
	struct res r;
	struct wres w = { 0 };
	struct etcd_watch *h;

	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(cert, sizeof(cert), "%s/client.pem", dir);
	snprintf(key, sizeof(key), "%s/client.key", dir);
	if (with_cert) {
		cfg.cert = cert;
		cfg.key = key;
	}
	client(&ep, 1, &cfg);
	SYNC(r, etcd_put(cl, S("/t/tls"), S("1"), 0, res_cb, &r));
	if (!with_cert) {
		check(r.err == -EACCES && strstr(r.msg, ep), "refused", "%d %s", r.err, r.msg);
		printf("# %s\n", r.msg);
		client_free();
		return;
	}
	check(r.err == 0, "put", "%d %s", r.err, r.msg);
	h = etcd_watch(cl, S("/t/tls"), NULL, 0, r.rev, false, 0, wres_cb, &w);
	for (int i = 0; i < 100 && !w.n_ev && !w.errs; i++)
		run(NULL, 50);
	check(w.n_ev == 1 && !strcmp(w.value[0], "1"), "watch", "%d events %s", w.n_ev, w.msg);
	etcd_watch_cancel(h);
	client_free();
}

static void case_auth(const char *ep, const char *user, const char *pw, bool good)
{
	struct etcd_cfg cfg = { .user = user, .password = pw };
	struct res r;
	struct wres w = { 0 };
	struct etcd_watch *h;

	client(&ep, 1, &cfg);
	SYNC(r, etcd_put(cl, S("/t/auth"), S("1"), 0, res_cb, &r));
	if (!good) {
		check(r.err == -EACCES && strstr(r.msg, "authentication failed"), "refused",
		      "%d %s", r.err, r.msg);
		printf("# %s\n", r.msg);
		client_free();
		return;
	}
	check(r.err == 0, "put", "%d %s", r.err, r.msg);
	SYNC(r, etcd_range(cl, S("/t/auth"), NULL, 0, 0, 0, res_cb, &r));
	check(r.err == 0 && r.n_kvs == 1, "range", "%d %s", r.err, r.msg);
	h = etcd_watch(cl, S("/t/auth"), NULL, 0, r.rev, false, 0, wres_cb, &w);
	for (int i = 0; i < 100 && !w.n_ev && !w.errs; i++)
		run(NULL, 50);
	check(w.n_ev == 1 && !w.errs, "watch", "%d events %s", w.n_ev, w.msg);
	etcd_watch_cancel(h);
	/* etcd runs with --auth-token-ttl 1: the token expires unused */
	run(NULL, 2500);
	SYNC(r, etcd_range(cl, S("/t/auth"), NULL, 0, 0, 0, res_cb, &r));
	check(r.err == 0 && r.n_kvs == 1, "token renewed", "%d %s", r.err, r.msg);
	memset(&w, 0, sizeof(w));
	run(NULL, 2500);
	h = etcd_watch(cl, S("/t/auth"), NULL, 0, r.rev, false, 0, wres_cb, &w);
	for (int i = 0; i < 100 && !w.n_ev && !w.errs; i++)
		run(NULL, 50);
	check(w.n_ev == 1 && !w.errs, "watch token renewed", "%d events %s", w.n_ev, w.msg);
	etcd_watch_cancel(h);
	client_free();
}

static void case_helpers(void)
{
	char buf[64], out[8];
	static const unsigned char ff[] = { 'a', 0xff, 0xff };
	long n;

	check(etcd_b64_encode("ab", 2, buf) == 4 && !strcmp(buf, "YWI="), "b64 encode", "%s", buf);
	n = etcd_b64_decode("YWI=", 4, out);
	check(n == 2 && !memcmp(out, "ab", 2), "b64 decode", "%ld", n);
	check(etcd_b64_decode("YW=I", 4, NULL) == -1 && etcd_b64_decode("YWI", 3, NULL) == -1,
	      "b64 bad", "accepted");
	check(etcd_prefix_end((const char *)ff, 3, buf, sizeof(buf)) == 1 && buf[0] == 'b',
	      "prefix end 0xff", "%c", buf[0]);
	check(etcd_prefix_end("\xff", 1, buf, sizeof(buf)) == 1 && buf[0] == 0, "prefix end all",
	      "%d", buf[0]);
	{
		const char *bad[] = { "ftp://x" };
		struct etcd_cfg cfg = { .endpoints = bad, .n_endpoints = 1 };
		char err[128];

		check(!etcd_new(&cfg, &io, err, sizeof(err)) && strstr(err, "ftp://x"),
		      "bad endpoint", "accepted");
	}
}

int main(int argc, char **argv)
{
	const char *const *eps = (const char *const *)argv + 2;
	size_t n = argc > 2 ? (size_t)argc - 2 : 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CASE [ARGS...]\n", argv[0]);
		return 2;
	}
	tcase = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(tcase, "helpers"))
		case_helpers();
	else if (!strcmp(tcase, "kv") && n)
		case_kv(eps, n, NULL);
	else if (!strcmp(tcase, "txn") && n)
		case_txn(eps, n);
	else if (!strcmp(tcase, "lease") && n)
		case_lease(eps, n);
	else if (!strcmp(tcase, "watch") && n)
		case_watch(eps, n);
	else if (!strcmp(tcase, "watch_progress") && n)
		case_watch_progress(eps, n);
	else if (!strcmp(tcase, "watch_stale") && n == 2)
		case_watch_stale(eps + 1, 1, strtoll(argv[2], NULL, 10));
	else if (!strcmp(tcase, "failover") && n == 2)
		case_failover(argv[2], argv[3]);
	else if (!strcmp(tcase, "unreachable") && n == 2)
		case_unreachable(argv[2], argv[3]);
	else if (!strcmp(tcase, "noleader") && n == 1)
		case_noleader(argv[2]);
	else if (!strcmp(tcase, "cancel") && n)
		case_cancel(eps, n);
	else if (!strcmp(tcase, "tls") && n == 2)
		case_tls(argv[2], argv[3], true);
	else if (!strcmp(tcase, "tls_nocert") && n == 2)
		case_tls(argv[2], argv[3], false);
	else if (!strcmp(tcase, "auth") && n == 3)
		case_auth(argv[2], argv[3], argv[4], true);
	else if (!strcmp(tcase, "auth_bad") && n == 3)
		case_auth(argv[2], argv[3], argv[4], false);
	else {
		fprintf(stderr, "%s: unknown case or arguments: %s\n", argv[0], tcase);
		return 2;
	}
	return failures ? 1 : 0;
}
