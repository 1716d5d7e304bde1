// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * etcd.c - the etcd v3 gateway client of etcd.h: libcurl's multi-socket
 * interface driven by the caller's loop, jansson for the bodies.
 *
 * Callbacks never run from inside a libcurl callback: libcurl refuses its
 * own API there (CURLM_RECURSIVE_API_CALL), and a caller's callback may
 * well cancel or start requests. So the write callback only buffers, and
 * everything a caller sees is dispatched after curl_multi_socket_action()
 * returns, from etcd_on_fd()/etcd_on_timeout() (process()).
 *
 * What etcd 3.4.23's gateway was seen to send (tests/e2e/etcd_client.sh
 * checks the client against it):
 *  - errors of unary calls: {"error":"etcdserver: ...","message":...,
 *    "code":GRPC_CODE} with an HTTP status from the gRPC code (404 lease
 *    not found, 401 invalid auth token, 403 permission denied, 400 bad
 *    request or compacted revision, 503 unavailable / no leader);
 *  - a watch from a compacted start revision: first {"result":{...,
 *    "created":true}}, then {"result":{"header":{...no revision...},
 *    "canceled":true,"compact_revision":"N"}}, and the stream stays open:
 *    the client ends it;
 *  - a progress notification: {"result":{"header":{...,"revision":"N"}}},
 *    no events, not created nor canceled (every 10 minutes unless etcd runs
 *    with --experimental-watch-progress-notify-interval);
 *  - a watch refused by auth (invalid token, permission denied): one
 *    result with "created":true,"canceled":true and a cancel_reason
 *    ("rpc error: code = Unauthenticated desc = etcdserver: invalid auth
 *    token"), the stream again left open;
 *  - lease keepalive of an unknown lease: {"result":{"header":...,"ID":..}}
 *    with no TTL (the gRPC stream's answer, TTL 0), not an error.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "etcd.h"

#define DEFAULT_TIMEOUT_MS 5000
#define DEFAULT_CONNECT_MS 2000
/* Short, so that a member that vanished without a FIN (a cut cable, a
 * killed VM) breaks a quiet watch in about a minute, not two hours. */
#define KEEPALIVE_IDLE_S  10
#define KEEPALIVE_INTVL_S 5
#define MSG_LEN		  512

enum state {
	ST_NEW,	    /* not started */
	ST_AUTH,    /* waiting for a token */
	ST_RUNNING, /* its easy handle is in the multi handle */
	ST_FAILING, /* fails on the next etcd_on_timeout() (0 ms timer) */
	ST_OVER,    /* a watch that reported an error; waits for its cancel */
};

enum op {
	OP_RANGE,
	OP_PUT,
	OP_DELETE,
	OP_TXN,
	OP_GRANT,
	OP_KEEPALIVE,
	OP_REVOKE,
	OP_TTL,
	OP_AUTH,
	OP_WATCH,
};

static const char *const op_path[] = {
	[OP_RANGE] = "/v3/kv/range",	     [OP_PUT] = "/v3/kv/put",
	[OP_DELETE] = "/v3/kv/deleterange",  [OP_TXN] = "/v3/kv/txn",
	[OP_GRANT] = "/v3/lease/grant",	     [OP_KEEPALIVE] = "/v3/lease/keepalive",
	[OP_REVOKE] = "/v3/lease/revoke",    [OP_TTL] = "/v3/lease/timetolive",
	[OP_AUTH] = "/v3/auth/authenticate", [OP_WATCH] = "/v3/watch",
};

struct buf {
	char *p;
	size_t len, cap;
};

struct etcd_req {
	struct etcd *c;
	struct etcd_req *next; /* c->reqs: every request is on it */
	enum op op;
	enum state st;
	char *body;
	CURL *easy;
	struct curl_slist *hdrs;
	struct buf in;
	char errbuf[CURL_ERROR_SIZE];
	size_t member;	    /* index into c->ep */
	size_t tried;	    /* members tried in this round */
	unsigned token_gen; /* the token it was sent with */
	bool reauthed;	    /* re-authenticated once already */
	bool in_cb;	    /* its callback is running */
	bool cancelled;	    /* cancelled from inside its callback */
	int fail_err;	    /* ST_FAILING */
	char msg[MSG_LEN];
	etcd_cb cb;
	void *arg;
	struct etcd_watch *w; /* the watch this is the stream of, or NULL */
};

struct etcd_watch {
	struct etcd_req r;
	etcd_watch_cb cb;
	void *arg;
	long idle_ms;
	int64_t last_data; /* ms, monotonic */
	size_t parsed;	   /* bytes of r.in already dispatched */
	bool fresh;	   /* data not yet dispatched */
	bool answered;	   /* a result came: no more retries */
};

/* req_free() frees a watch through its request */
_Static_assert(offsetof(struct etcd_watch, r) == 0, "etcd_watch starts with its request");

struct etcd {
	CURLM *multi;
	struct etcd_io io;
	char **ep;
	size_t n_ep;
	size_t good; /* the member that answered last */
	char *cacert, *cert, *key, *user, *password;
	long timeout_ms, connect_ms;
	char *token;
	unsigned token_gen;
	struct etcd_req *auth; /* the authenticate request in flight */
	struct etcd_req *reqs;
	int64_t curl_due; /* ms, or -1 */
	int64_t armed;	  /* what io.timer was last told, absolute; -1 none */
	bool kick;	  /* a ST_FAILING request waits */
	int depth;	  /* etcd_on_fd()/etcd_on_timeout() nesting */
	bool dying;	  /* etcd_free() from a callback */
};

/* ---- small helpers ------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int buf_add(struct buf *b, const void *p, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *n;

		while (cap < b->len + len + 1)
			cap *= 2;
		n = realloc(b->p, cap);
		if (!n)
			return -ENOMEM;
		b->p = n;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

static void buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t etcd_b64_encode(const void *in, size_t len, char *out)
{
	const unsigned char *p = in;
	size_t i, o = 0;

	for (i = 0; i + 2 < len; i += 3) {
		out[o++] = b64chars[p[i] >> 2];
		out[o++] = b64chars[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		out[o++] = b64chars[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		out[o++] = b64chars[p[i + 2] & 63];
	}
	if (i < len) {
		out[o++] = b64chars[p[i] >> 2];
		if (i + 1 < len) {
			out[o++] = b64chars[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			out[o++] = b64chars[(p[i + 1] & 15) << 2];
		} else {
			out[o++] = b64chars[(p[i] & 3) << 4];
			out[o++] = '=';
		}
		out[o++] = '=';
	}
	out[o] = '\0';
	return o;
}

static int b64val(char ch)
{
	const char *s = ch ? strchr(b64chars, ch) : NULL;

	return s ? (int)(s - b64chars) : -1;
}

long etcd_b64_decode(const char *in, size_t len, void *out)
{
	unsigned char *o = out;
	size_t i, n = 0;

	if (len % 4)
		return -1;
	for (i = 0; i < len; i += 4) {
		int v[4], k, pad = 0;

		for (k = 0; k < 4; k++) {
			/* '=' only as the last one or two of the last group */
			if (in[i + k] == '=' && i + 4 == len && k >= 2 &&
			    (k == 3 || in[i + 3] == '=')) {
				v[k] = 0;
				pad++;
				continue;
			}
			v[k] = b64val(in[i + k]);
			if (v[k] < 0)
				return -1;
		}
		if (o) {
			o[n] = (unsigned char)(v[0] << 2 | v[1] >> 4);
			if (pad < 2)
				o[n + 1] = (unsigned char)(v[1] << 4 | v[2] >> 2);
			if (pad < 1)
				o[n + 2] = (unsigned char)(v[2] << 6 | v[3]);
		}
		n += 3 - pad;
	}
	return (long)n;
}

size_t etcd_prefix_end(const char *prefix, size_t len, char *buf, size_t buflen)
{
	size_t n = len;

	/* etcd's GetPrefixRangeEnd: drop trailing 0xff bytes, increment the
	 * last one left; none left: "\0", every key. */
	while (n > 0 && (unsigned char)prefix[n - 1] == 0xff)
		n--;
	if (n == 0) {
		if (buflen)
			buf[0] = '\0';
		return 1;
	}
	if (n > buflen)
		return 0;
	memcpy(buf, prefix, n);
	buf[n - 1] = (char)((unsigned char)buf[n - 1] + 1);
	return n;
}

/* A base64 JSON string of len bytes; NULL on allocation failure. */
static json_t *jb64(const char *p, size_t len)
{
	char *s = malloc(4 * ((len + 2) / 3) + 1);
	json_t *j;

	if (!s)
		return NULL;
	etcd_b64_encode(p, len, s);
	j = json_string(s);
	free(s);
	return j;
}

/* etcd's int64 fields: strings in the gateway's JSON (numbers accepted). */
static json_t *jnum(int64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRId64, v);
	return json_string(s);
}

static int64_t jget(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	if (json_is_integer(v))
		return json_integer_value(v);
	return 0;
}

/* json_object_set_new() that remembers a failure in *bad. */
static void jset(json_t *o, const char *k, json_t *v, bool *bad)
{
	if (!v || json_object_set_new(o, k, v))
		*bad = true;
}

/* ---- timers ---------------------------------------------------------------- */

/* Tell the loop when to call etcd_on_timeout() next: the earliest of
 * libcurl's timer, a failure waiting to be told and the watches' idle
 * limits. */
static void rearm(struct etcd *c)
{
	int64_t due = c->curl_due, now;
	struct etcd_req *r;

	if (c->depth > 0 || c->dying)
		return; /* finish() rearms on the way out */
	now = now_ms();
	if (c->kick)
		due = now;
	for (r = c->reqs; r; r = r->next) {
		struct etcd_watch *w = r->w;

		if (w && w->idle_ms > 0 && r->st == ST_RUNNING &&
		    (due < 0 || w->last_data + w->idle_ms < due))
			due = w->last_data + w->idle_ms;
	}
	if (due == c->armed && !c->kick)
		return;
	c->armed = due;
	c->io.timer(c->io.arg, due < 0 ? -1 : due <= now ? 0 : (long)(due - now));
}

static int curl_timer_cb(CURLM *multi, long ms, void *arg)
{
	struct etcd *c = arg;

	(void)multi;
	c->curl_due = ms < 0 ? -1 : now_ms() + ms;
	return 0;
}

static int curl_socket_cb(CURL *easy, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct etcd *c = arg;
	int ev = 0;

	(void)easy;
	(void)sockp;
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		ev |= ETCD_IO_IN;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		ev |= ETCD_IO_OUT;
	return c->io.fd(c->io.arg, s, ev) ? -1 : 0;
}

/* ---- requests: start, retry, fail ---------------------------------------- */

/* A walk: a client has a few requests and watches, not thousands. */
static void req_unlink(struct etcd_req *r)
{
	struct etcd_req **pp;

	for (pp = &r->c->reqs; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	r->next = NULL;
}

static void req_stop(struct etcd_req *r)
{
	if (r->easy) {
		curl_multi_remove_handle(r->c->multi, r->easy);
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
	}
	curl_slist_free_all(r->hdrs);
	r->hdrs = NULL;
}

static void req_free(struct etcd_req *r)
{
	if (r->c->auth == r)
		r->c->auth = NULL;
	req_stop(r);
	req_unlink(r);
	buf_free(&r->in);
	free(r->body);
	free(r); /* a watch's too: its request comes first */
}

/* Fail r on the next etcd_on_timeout(): never from the call that made it. */
static void req_fail_later(struct etcd_req *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void req_fail_later(struct etcd_req *r, int err, const char *fmt, ...)
{
	va_list ap;

	req_stop(r);
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->fail_err = err;
	r->st = ST_FAILING;
	r->c->kick = true;
}

static size_t write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct etcd_req *r = arg;

	if (buf_add(&r->in, p, size * n))
		return 0; /* CURLE_WRITE_ERROR */
	if (r->w) {
		r->w->fresh = true;
		r->w->last_data = now_ms();
	}
	return size * n;
}

static void auth_need(struct etcd *c);

/* Send r to its current member (again). */
static void req_send(struct etcd_req *r)
{
	struct etcd *c = r->c;
	const char *url = c->ep[r->member];
	char hdr[64 + 1024];
	CURL *e;
	CURLMcode mc;

	if (c->user && r->op != OP_AUTH && !c->token) {
		r->st = ST_AUTH;
		auth_need(c);
		return;
	}
	req_stop(r);
	buf_free(&r->in);
	r->errbuf[0] = '\0';
	if (r->w) {
		r->w->parsed = 0;
		r->w->fresh = false;
		r->w->last_data = now_ms();
	}
	e = r->easy = curl_easy_init();
	if (!e)
		goto err_nomem;
	r->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	r->hdrs = curl_slist_append(r->hdrs, "Grpc-Metadata-hasleader: true");
	r->hdrs = curl_slist_append(r->hdrs, "Expect:");
	if (r->op != OP_AUTH && c->token) {
		snprintf(hdr, sizeof(hdr), "Authorization: %s", c->token);
		r->hdrs = curl_slist_append(r->hdrs, hdr);
		r->token_gen = c->token_gen;
	}
	if (!r->hdrs)
		goto err_nomem;

	snprintf(hdr, sizeof(hdr), "%s%s", url, op_path[r->op]);
	curl_easy_setopt(e, CURLOPT_URL, hdr);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	/* The gateway speaks HTTP/1.1; h2 over TLS would reach etcd's gRPC. */
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(r->body));
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_ms);
	if (!r->w)
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, (long)KEEPALIVE_IDLE_S);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, (long)KEEPALIVE_INTVL_S);
	if (c->cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->cacert);
	if (c->cert)
		curl_easy_setopt(e, CURLOPT_SSLCERT, c->cert);
	if (c->key)
		curl_easy_setopt(e, CURLOPT_SSLKEY, c->key);

	mc = curl_multi_add_handle(c->multi, e);
	if (mc != CURLM_OK) {
		req_fail_later(r, -EIO, "%s: %s", url, curl_multi_strerror(mc));
		return;
	}
	r->st = ST_RUNNING;
	return;

err_nomem:
	req_fail_later(r, -ENOMEM, "%s: out of memory", url);
}

static struct etcd_req *req_new(struct etcd *c, enum op op, json_t *body, size_t size)
{
	struct etcd_req *r;

	if (!body) {
		errno = ENOMEM;
		return NULL;
	}
	r = calloc(1, size);
	if (!r)
		goto err;
	r->body = json_dumps(body, JSON_COMPACT);
	if (!r->body)
		goto err;
	json_decref(body);
	r->c = c;
	r->op = op;
	r->member = c->good;
	r->next = c->reqs;
	c->reqs = r;
	return r;
err:
	free(r);
	json_decref(body);
	errno = ENOMEM;
	return NULL;
}

/* Start a request of op with body (taken), or NULL with errno. */
static struct etcd_req *req_start(struct etcd *c, enum op op, json_t *body, bool bad, etcd_cb cb,
				  void *arg)
{
	struct etcd_req *r;

	if (bad) {
		json_decref(body);
		errno = ENOMEM;
		return NULL;
	}
	r = req_new(c, op, body, sizeof(*r));
	if (!r)
		return NULL;
	r->cb = cb;
	r->arg = arg;
	req_send(r);
	rearm(c);
	return r;
}

/* ---- replies ----------------------------------------------------------------- */

/* The kvs of a reply, decoded; each key and value in one allocation. */
struct kvs {
	struct etcd_kv *v;
	size_t n, cap;
};

static void kvs_free(struct kvs *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		free((char *)k->v[i].key);
	free(k->v);
	memset(k, 0, sizeof(*k));
}

static int kv_decode(const json_t *j, struct etcd_kv *kv)
{
	const char *k = json_string_value(json_object_get(j, "key"));
	const char *v = json_string_value(json_object_get(j, "value"));
	size_t kl = k ? strlen(k) : 0, vl = v ? strlen(v) : 0;
	long dk, dv;
	char *p;

	k = k ? k : "";
	v = v ? v : "";
	dk = etcd_b64_decode(k, kl, NULL);
	dv = etcd_b64_decode(v, vl, NULL);
	if (dk < 0 || dv < 0)
		return -EPROTO;
	p = malloc((size_t)dk + (size_t)dv + 2);
	if (!p)
		return -ENOMEM;
	etcd_b64_decode(k, kl, p);
	p[dk] = '\0';
	etcd_b64_decode(v, vl, p + dk + 1);
	p[dk + 1 + dv] = '\0';
	kv->key = p;
	kv->key_len = (size_t)dk;
	kv->value = p + dk + 1;
	kv->value_len = (size_t)dv;
	kv->create_revision = jget(j, "create_revision");
	kv->mod_revision = jget(j, "mod_revision");
	kv->version = jget(j, "version");
	kv->lease = jget(j, "lease");
	return 0;
}

/* Append the kvs of array arr (NULL: none) to k. */
static int kvs_add(struct kvs *k, const json_t *arr)
{
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		int err;

		if (k->n == k->cap) {
			size_t cap = k->cap ? 2 * k->cap : 8;
			struct etcd_kv *v = realloc(k->v, cap * sizeof(*v));

			if (!v)
				return -ENOMEM;
			k->v = v;
			k->cap = cap;
		}
		memset(&k->v[k->n], 0, sizeof(k->v[k->n]));
		err = kv_decode(json_array_get(arr, i), &k->v[k->n]);
		if (err)
			return err;
		k->n++;
	}
	return 0;
}

/* What became of a transfer or an error answer. */
struct verdict {
	int err;
	bool retry;  /* another member may do better */
	bool reauth; /* the token expired */
	char msg[MSG_LEN];
};

/* etcd's error text (gRPC code) to -errno. */
static void etcd_error(struct verdict *v, const char *url, const char *text, int code)
{
	static const struct {
		const char *needle;
		int err;
	} table[] = {
		{ "invalid auth token", -EACCES },
		{ "authentication failed", -EACCES },
		{ "user name is empty", -EACCES }, /* auth on, no token sent */
		{ "auth: revision in header is old", -EACCES },
		{ "permission denied", -EPERM },
		{ "lease not found", -ENOENT },
		{ "required revision has been compacted", -ESTALE },
		{ "future revision", -EINVAL },
		{ "too many requests", -EAGAIN },
		{ "request is too large", -EMSGSIZE },
		{ "no leader", -EHOSTUNREACH },
		{ "leader changed", -EHOSTUNREACH },
		{ "timed out", -ETIMEDOUT },
	};
	size_t i;

	v->err = 0;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strstr(text, table[i].needle)) {
			v->err = table[i].err;
			break;
		}
	if (!v->err) {
		switch (code) {
		case 3:	 /* InvalidArgument */
		case 9:	 /* FailedPrecondition */
		case 11: /* OutOfRange */
			v->err = -EINVAL;
			break;
		case 5: /* NotFound */
			v->err = -ENOENT;
			break;
		case 7: /* PermissionDenied */
			v->err = -EPERM;
			break;
		case 16: /* Unauthenticated */
			v->err = -EACCES;
			break;
		case 4: /* DeadlineExceeded */
			v->err = -ETIMEDOUT;
			break;
		case 14: /* Unavailable */
			v->err = -EHOSTUNREACH;
			break;
		default:
			v->err = -EIO;
		}
	}
	/* Another member may have a leader, or not be overloaded. */
	v->retry = code == 14 || code == 4 || strstr(text, "no leader") ||
		   strstr(text, "leader changed") || strstr(text, "too many requests");
	v->reauth = strstr(text, "invalid auth token") != NULL;
	snprintf(v->msg, sizeof(v->msg), "%s: %s", url, text);
}

/* A transfer that failed (cc), in words an operator can act on. */
static void transfer_error(struct verdict *v, struct etcd_req *r, CURLcode cc)
{
	const char *url = r->c->ep[r->member];
	const char *what;
	long oserr = 0;

	curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &oserr);
	v->retry = true;
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
		if (oserr == EHOSTUNREACH || oserr == ENETUNREACH) {
			v->err = -EHOSTUNREACH;
			what = "host unreachable";
		} else if (oserr == ETIMEDOUT) {
			v->err = -ETIMEDOUT;
			what = "connection timed out";
		} else {
			v->err = -ECONNREFUSED;
			what = "connection refused";
		}
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		v->err = -EHOSTUNREACH;
		what = "cannot resolve the host";
		break;
	case CURLE_OPERATION_TIMEDOUT:
		v->err = -ETIMEDOUT;
		what = "timed out";
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_USE_SSL_FAILED:
		v->err = -EACCES;
		v->retry = false;
		what = "TLS failed";
		break;
	case CURLE_WRITE_ERROR:
	case CURLE_OUT_OF_MEMORY:
		v->err = -ENOMEM;
		v->retry = false;
		what = "out of memory";
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		v->err = -EINVAL;
		v->retry = false;
		what = "bad URL";
		break;
	default:
		/* A TLS 1.3 server refuses a client certificate after the
		 * handshake: the alert comes with the first read. */
		if (strstr(r->errbuf, "SSL") || strstr(r->errbuf, "alert")) {
			v->err = -EACCES;
			v->retry = false;
			what = "TLS failed";
			break;
		}
		v->err = -ECONNRESET;
		what = "connection lost";
	}
	snprintf(v->msg, sizeof(v->msg), "%s: %s (%s)", url, what,
		 r->errbuf[0] ? r->errbuf : curl_easy_strerror(cc));
}

/* An answer's JSON is an etcd error ({"error":...,"code":N}, or the
 * streaming form {"error":{"grpc_code":N,"message":...}}): fill v. */
static bool answer_error(struct verdict *v, const char *url, const json_t *j)
{
	const json_t *e = json_object_get(j, "error");

	if (!e || json_object_get(j, "header"))
		return false; /* LeaseGrantResponse has an "error" string too */
	if (json_is_object(e)) {
		const char *m = json_string_value(json_object_get(e, "message"));

		etcd_error(v, url, m ? m : "error", (int)jget(e, "grpc_code"));
	} else {
		etcd_error(v, url, json_is_string(e) ? json_string_value(e) : "error",
			   (int)jget(j, "code"));
	}
	return true;
}

/* Run r's callback with rep, then free r. */
static void req_finish(struct etcd_req *r, struct etcd_reply *rep)
{
	struct etcd *c = r->c;

	req_stop(r);
	rep->member = c->ep[r->member];
	if (!rep->msg)
		rep->msg = "";
	r->in_cb = true;
	if (r->cb)
		r->cb(r->arg, rep);
	req_free(r);
}

static void req_fail(struct etcd_req *r, int err, const char *msg)
{
	struct etcd_reply rep = { .err = err, .msg = msg, .ttl = 0 };

	req_finish(r, &rep);
}

static void watch_fail(struct etcd_watch *w, int err, const char *msg, int64_t compact);

/* Try the next member of this round; false when all were tried. */
static bool req_retry(struct etcd_req *r)
{
	if (++r->tried >= r->c->n_ep)
		return false;
	r->member = (r->member + 1) % r->c->n_ep;
	req_send(r);
	return true;
}

/* Send r again with a fresh token (once per request). */
static bool req_reauth(struct etcd_req *r)
{
	struct etcd *c = r->c;

	if (r->reauthed || !c->user || r->op == OP_AUTH)
		return false;
	r->reauthed = true;
	if (c->token && c->token_gen == r->token_gen) {
		free(c->token);
		c->token = NULL;
	}
	req_stop(r);
	req_send(r);
	return true;
}

/* Fail r with v: a watch through its callback, a request through its. */
static void req_verdict(struct etcd_req *r, const struct verdict *v)
{
	if (r->w)
		watch_fail(r->w, v->err, v->msg, 0);
	else
		req_fail(r, v->err, v->msg);
}

static void reply_parse(struct etcd_req *r, const json_t *j, struct etcd_reply *rep, struct kvs *k)
{
	const json_t *a;
	size_t i;
	int err = 0;

	rep->revision = jget(json_object_get(j, "header"), "revision");
	switch (r->op) {
	case OP_RANGE:
		err = kvs_add(k, json_object_get(j, "kvs"));
		rep->count = jget(j, "count");
		rep->more = json_is_true(json_object_get(j, "more"));
		break;
	case OP_DELETE:
		rep->deleted = jget(j, "deleted");
		break;
	case OP_TXN:
		rep->succeeded = json_is_true(json_object_get(j, "succeeded"));
		a = json_object_get(j, "responses");
		for (i = 0; !err && i < json_array_size(a); i++) {
			const json_t *rr = json_object_get(json_array_get(a, i), "response_range");

			if (rr)
				err = kvs_add(k, json_object_get(rr, "kvs"));
		}
		break;
	case OP_GRANT:
	case OP_KEEPALIVE:
	case OP_TTL:
		rep->lease_id = jget(j, "ID");
		rep->ttl = jget(j, "TTL");
		if (r->op == OP_GRANT && json_string_value(json_object_get(j, "error")) &&
		    *json_string_value(json_object_get(j, "error"))) {
			err = -EINVAL;
			snprintf(r->msg, sizeof(r->msg), "%s: %s", r->c->ep[r->member],
				 json_string_value(json_object_get(j, "error")));
		}
		/* The keepalive stream answers TTL 0 for a lease it lacks. */
		if (r->op == OP_KEEPALIVE && rep->ttl <= 0) {
			err = -ENOENT;
			snprintf(r->msg, sizeof(r->msg), "%s: lease %" PRId64 " not found",
				 r->c->ep[r->member], rep->lease_id);
		}
		break;
	default:
		break;
	}
	if (err == -ENOMEM)
		snprintf(r->msg, sizeof(r->msg), "%s: out of memory", r->c->ep[r->member]);
	else if (err == -EPROTO)
		snprintf(r->msg, sizeof(r->msg), "%s: bad base64 in a key or value",
			 r->c->ep[r->member]);
	rep->err = err;
	rep->msg = err ? r->msg : "";
	rep->kvs = k->v;
	rep->n_kvs = k->n;
}

static void auth_done(struct etcd *c, struct etcd_req *r, const json_t *j, const struct verdict *v);

/* A unary request's transfer ended with cc, the answer (r->in) with HTTP
 * status. */
static void req_end(struct etcd_req *r, CURLcode cc, long status)
{
	struct etcd *c = r->c;
	const char *url = c->ep[r->member];
	struct etcd_reply rep = { 0 };
	struct verdict v = { 0 };
	struct kvs k = { 0 };
	json_t *j = NULL, *body;

	if (cc != CURLE_OK) {
		transfer_error(&v, r, cc);
		goto failed;
	}
	j = json_loadb(r->in.p ? r->in.p : "", r->in.len, 0, NULL);
	if (j && answer_error(&v, url, j)) {
		if (status >= 500)
			v.retry = true;
		goto failed;
	}
	/* the keepalive call is a stream: its answer comes as a "result" */
	body = json_object_get(j, "result");
	if (!json_is_object(body))
		body = j;
	if (!json_is_object(body) || status != 200 || !json_object_get(body, "header")) {
		v.err = -EPROTO;
		v.retry = status >= 500;
		snprintf(v.msg, sizeof(v.msg), "%s: not an answer of etcd's (HTTP %ld): %.100s",
			 url, status, r->in.p ? r->in.p : "");
		goto failed;
	}
	c->good = r->member;
	if (r->op == OP_AUTH) {
		auth_done(c, r, body, NULL);
		json_decref(j);
		return;
	}
	reply_parse(r, body, &rep, &k);
	req_finish(r, &rep);
	kvs_free(&k);
	json_decref(j);
	return;

failed:
	json_decref(j);
	if (v.reauth && req_reauth(r))
		return;
	if (v.retry && req_retry(r))
		return;
	if (r->op == OP_AUTH)
		auth_done(c, r, NULL, &v);
	else
		req_verdict(r, &v);
}

static void req_done(struct etcd_req *r, CURLcode cc)
{
	long status = 0;

	if (cc == CURLE_OK)
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	req_end(r, cc, status);
}

/* ---- authentication ------------------------------------------------------ */

/* Someone waits for a token: ask for one, unless that is under way. */
static void auth_need(struct etcd *c)
{
	json_t *body;
	bool bad = false;

	if (c->auth)
		return;
	body = json_object();
	if (body) {
		jset(body, "name", json_string(c->user), &bad);
		jset(body, "password", json_string(c->password ? c->password : ""), &bad);
	}
	c->auth = bad ? NULL : req_new(c, OP_AUTH, body, sizeof(*c->auth));
	if (!c->auth) {
		struct verdict v = { .err = -ENOMEM };

		if (bad)
			json_decref(body);
		snprintf(v.msg, sizeof(v.msg), "authenticate as %s: out of memory", c->user);
		auth_done(c, NULL, NULL, &v);
		return;
	}
	req_send(c->auth);
}

/* The token came (j), or will not (v): the waiting requests go, or fail
 * (on the next turn of the loop, so that a callback that starts another
 * request does not see it failed by this old verdict). */
static void auth_done(struct etcd *c, struct etcd_req *r, const json_t *j, const struct verdict *v)
{
	const char *tok = json_string_value(json_object_get(j, "token"));
	struct etcd_req *q;

	if (r)
		req_free(r);
	if (j && tok) {
		free(c->token);
		c->token = strdup(tok);
		c->token_gen++;
	}
	for (q = c->reqs; q; q = q->next) {
		if (q->st != ST_AUTH)
			continue;
		if (c->token) {
			req_send(q);
		} else if (v) {
			q->fail_err = v->err;
			snprintf(q->msg, sizeof(q->msg), "%.400s (authenticating as %.64s)", v->msg,
				 c->user);
			q->st = ST_FAILING;
			c->kick = true;
		} else {
			q->fail_err = j ? -EPROTO : -ENOMEM;
			snprintf(q->msg, sizeof(q->msg), "%s: %s (authenticating as %s)",
				 c->ep[c->good], j ? "no token in the answer" : "out of memory",
				 c->user);
			q->st = ST_FAILING;
			c->kick = true;
		}
	}
}

/* ---- watches ------------------------------------------------------------------ */

/* Run w's callback. A cancel from it only marks w: whoever runs the
 * outermost callback of w frees it after (watch_dispatch() holds w over
 * several). */
static void watch_call(struct etcd_watch *w, const struct etcd_watch_reply *rep)
{
	bool outer = w->r.in_cb;

	w->r.in_cb = true;
	w->cb(w->arg, rep);
	w->r.in_cb = outer;
	if (!outer && w->r.cancelled)
		req_free(&w->r);
}

/* The watch is over: tell it (once), keep w until etcd_watch_cancel(). */
static void watch_fail(struct etcd_watch *w, int err, const char *msg, int64_t compact)
{
	struct etcd_watch_reply rep = { .err = err, .msg = msg, .compact_revision = compact };

	req_stop(&w->r);
	w->r.st = ST_OVER;
	w->fresh = false;
	watch_call(w, &rep);
}

/* A canceled result: compaction, refused by auth, or etcd's own reasons. */
static void watch_canceled(struct etcd_watch *w, const json_t *res, int64_t rev)
{
	const char *why = json_string_value(json_object_get(res, "cancel_reason"));
	const char *url = w->r.c->ep[w->r.member];
	int64_t compact = jget(res, "compact_revision");
	struct verdict v = { 0 };

	if (compact > 0) {
		snprintf(v.msg, sizeof(v.msg),
			 "%s: watch from revision %" PRId64 ": compacted up to %" PRId64, url, rev,
			 compact);
		watch_fail(w, -ESTALE, v.msg, compact);
		return;
	}
	etcd_error(&v, url, why ? why : "watch cancelled", 0);
	if (v.reauth && req_reauth(&w->r))
		return;
	if (v.err != -EPERM && v.err != -EACCES)
		v.err = -ECANCELED;
	watch_fail(w, v.err, v.msg, 0);
}

static void watch_result(struct etcd_watch *w, const json_t *res)
{
	const json_t *evs = json_object_get(res, "events");
	size_t i, n = json_array_size(evs);
	struct etcd_watch_reply rep = { .msg = "" };
	struct etcd_event *ev = NULL;
	int err = 0;

	rep.revision = jget(json_object_get(res, "header"), "revision");
	if (json_is_true(json_object_get(res, "canceled"))) {
		watch_canceled(w, res, rep.revision);
		return;
	}
	w->answered = true;
	w->r.c->good = w->r.member;
	if (n) {
		ev = calloc(n, sizeof(*ev));
		if (!ev)
			err = -ENOMEM;
	}
	for (i = 0; !err && i < n; i++) {
		const json_t *e = json_array_get(evs, i);
		const char *type = json_string_value(json_object_get(e, "type"));

		ev[i].type = type && !strcmp(type, "DELETE") ? ETCD_EV_DELETE : ETCD_EV_PUT;
		err = kv_decode(json_object_get(e, "kv"), &ev[i].kv);
	}
	if (err) {
		snprintf(w->r.msg, sizeof(w->r.msg), "%s: %s", w->r.c->ep[w->r.member],
			 err == -ENOMEM ? "out of memory" : "bad base64 in an event");
		watch_fail(w, err, w->r.msg, 0);
	} else {
		rep.created = json_is_true(json_object_get(res, "created"));
		rep.progress = !rep.created && n == 0;
		rep.events = ev;
		rep.n_events = n;
		watch_call(w, &rep);
	}
	for (i = 0; ev && i < n; i++)
		free((char *)ev[i].kv.key);
	free(ev);
}

/* One line of the stream. */
static void watch_line(struct etcd_watch *w, const char *p, size_t len)
{
	const char *url = w->r.c->ep[w->r.member];
	struct verdict v = { 0 };
	json_t *j = json_loadb(p, len, 0, NULL);
	const json_t *res = json_object_get(j, "result");

	if (j && answer_error(&v, url, j)) {
		if (v.reauth && req_reauth(&w->r))
			goto out;
		if (v.retry && !w->answered && req_retry(&w->r))
			goto out;
		watch_fail(w, w->answered ? -ECONNRESET : v.err, v.msg, 0);
	} else if (!json_is_object(res)) {
		snprintf(v.msg, sizeof(v.msg), "%s: not a watch answer of etcd's: %.100s", url, p);
		watch_fail(w, -EPROTO, v.msg, 0);
	} else {
		watch_result(w, res);
	}
out:
	json_decref(j);
}

/* Dispatch the complete lines w got; stops when w is gone or restarted.
 * Return: false when w was freed (cancelled from a callback). */
static bool watch_dispatch(struct etcd_watch *w)
{
	struct etcd_req *r = &w->r;
	struct etcd *c = r->c;

	w->fresh = false;
	while (r->st == ST_RUNNING && r->in.len > w->parsed) {
		char *p = r->in.p + w->parsed;
		char *nl = memchr(p, '\n', r->in.len - w->parsed);
		size_t len;
		bool gone;

		if (!nl)
			break;
		len = (size_t)(nl - p);
		w->parsed += len + 1;
		r->in_cb = true; /* a cancel from the callback only marks it */
		if (len)
			watch_line(w, p, len);
		r->in_cb = false;
		gone = r->cancelled;
		if (gone)
			req_free(r);
		if (gone || c->dying)
			return !gone;
	}
	if (r->st == ST_RUNNING && w->parsed == r->in.len) {
		r->in.len = 0;
		w->parsed = 0;
	}
	return true;
}

/* A watch's transfer ended with cc, the stream with HTTP status. */
static void watch_end(struct etcd_watch *w, CURLcode cc, long status)
{
	struct etcd_req *r = &w->r;
	const char *url = r->c->ep[r->member];
	struct verdict v = { 0 };

	if (cc != CURLE_OK) {
		transfer_error(&v, r, cc);
	} else {
		json_t *j = json_loadb(r->in.p ? r->in.p + w->parsed : "", r->in.len - w->parsed, 0,
				       NULL);

		if (!(j && answer_error(&v, url, j))) {
			v.err = -ECONNRESET;
			v.retry = status >= 500 || status == 0;
			snprintf(v.msg, sizeof(v.msg), "%s: the watch stream ended (HTTP %ld)", url,
				 status);
		}
		json_decref(j);
	}
	if (!w->answered) {
		if (v.reauth && req_reauth(r))
			return;
		if (v.retry && req_retry(r))
			return;
		watch_fail(w, v.err, v.msg, 0);
		return;
	}
	watch_fail(w, -ECONNRESET, v.msg, 0);
}

static void watch_done(struct etcd_watch *w, CURLcode cc)
{
	long status = 0;

	curl_easy_getinfo(w->r.easy, CURLINFO_RESPONSE_CODE, &status);
	watch_end(w, cc, status);
}

/* ---- the loop's side ------------------------------------------------------------ */

static struct etcd_req *find(struct etcd *c, bool (*want)(const struct etcd_req *r, int64_t now),
			     int64_t now)
{
	struct etcd_req *r;

	/* req_free() takes a request off this list before freeing it; the
	 * analyzer loses that in req_unlink()'s walk. */
	for (r = c->reqs; r; r = r->next)
		if (want(r, now)) // NOLINT(clang-analyzer-unix.Malloc)
			return r;
	return NULL;
}

static bool want_failing(const struct etcd_req *r, int64_t now)
{
	(void)now;
	return r->st == ST_FAILING;
}

static bool want_fresh(const struct etcd_req *r, int64_t now)
{
	(void)now;
	return r->w && r->st == ST_RUNNING && r->w->fresh;
}

static bool want_idle(const struct etcd_req *r, int64_t now)
{
	return r->w && r->st == ST_RUNNING && !r->w->fresh && r->w->idle_ms > 0 &&
	       now - r->w->last_data >= r->w->idle_ms;
}

/* Everything a caller is to be told, told; each callback may change the
 * list, so every step looks again from the start. */
static void process(struct etcd *c)
{
	int64_t now = now_ms();
	struct etcd_req *r;
	CURLMsg *m;
	int left;

	while (!c->dying) {
		if ((r = find(c, want_fresh, now))) {
			watch_dispatch(r->w);
			continue;
		}
		m = curl_multi_info_read(c->multi, &left);
		if (m) {
			CURL *e = m->easy_handle;
			CURLcode cc = m->data.result;

			if (m->msg != CURLMSG_DONE)
				continue;
			r = NULL;
			curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&r);
			if (r && r->w)
				watch_done(r->w, cc);
			else if (r)
				req_done(r, cc);
			continue;
		}
		if ((r = find(c, want_failing, now))) {
			if (r->w)
				watch_fail(r->w, r->fail_err, r->msg, 0);
			else
				req_fail(r, r->fail_err, r->msg);
			continue;
		}
		c->kick = false;
		if ((r = find(c, want_idle, now))) {
			char msg[MSG_LEN];

			snprintf(msg, sizeof(msg), "%s: nothing from the watch for %ld ms",
				 c->ep[r->member], r->w->idle_ms);
			watch_fail(r->w, -ECONNRESET, msg, 0);
			continue;
		}
		break;
	}
}

static void destroy(struct etcd *c)
{
	struct etcd_req *r;
	size_t i;

	while ((r = c->reqs)) {
		c->reqs = r->next; /* req_free() would find it gone */
		req_free(r);
	}
	curl_multi_cleanup(c->multi);
	c->io.timer(c->io.arg, -1);
	for (i = 0; i < c->n_ep; i++)
		free(c->ep[i]);
	free(c->ep);
	free(c->cacert);
	free(c->cert);
	free(c->key);
	free(c->user);
	free(c->password);
	free(c->token);
	free(c);
	curl_global_cleanup();
}

static void finish(struct etcd *c)
{
	if (--c->depth > 0)
		return;
	if (c->dying)
		destroy(c);
	else
		rearm(c);
}

void etcd_on_fd(struct etcd *c, int fd, int revents)
{
	int ev = 0, running;

	if (revents & ETCD_IO_IN)
		ev |= CURL_CSELECT_IN;
	if (revents & ETCD_IO_OUT)
		ev |= CURL_CSELECT_OUT;
	if (revents & ETCD_IO_ERR)
		ev |= CURL_CSELECT_ERR;
	c->depth++;
	curl_multi_socket_action(c->multi, fd, ev, &running);
	process(c);
	finish(c);
}

void etcd_on_timeout(struct etcd *c)
{
	int running;

	c->depth++;
	c->armed = -1; /* it fired */
	/* a loop of millisecond ticks may wake us a little early */
	if (c->curl_due >= 0 && c->curl_due <= now_ms() + 1) {
		c->curl_due = -1;
		curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	}
	process(c);
	finish(c);
}

/* ---- the client --------------------------------------------------------------- */

static char *dup_or_null(const char *s, bool *bad)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*bad = true;
	return d;
}

struct etcd *etcd_new(const struct etcd_cfg *cfg, const struct etcd_io *io, char *err,
		      size_t errlen)
{
	struct etcd *c;
	bool bad = false;
	size_t i;

	if (!cfg->n_endpoints || !io || !io->fd || !io->timer) {
		snprintf(err, errlen, "no etcd endpoint");
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < cfg->n_endpoints; i++) {
		const char *e = cfg->endpoints[i];

		if (strncmp(e, "http://", 7) && strncmp(e, "https://", 8)) {
			snprintf(err, errlen, "etcd endpoint \"%s\": not http:// or https://", e);
			errno = EINVAL;
			return NULL;
		}
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto err_nomem;
	c->io = *io;
	c->curl_due = -1;
	c->armed = -1;
	c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->connect_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : DEFAULT_CONNECT_MS;
	c->ep = calloc(cfg->n_endpoints, sizeof(*c->ep));
	if (!c->ep) {
		free(c);
		goto err_nomem;
	}
	c->n_ep = cfg->n_endpoints;
	for (i = 0; i < c->n_ep; i++) {
		size_t n;

		c->ep[i] = dup_or_null(cfg->endpoints[i], &bad);
		/* the paths are appended: "http://h:2379/" would give "//v3" */
		n = c->ep[i] ? strlen(c->ep[i]) : 0;
		while (n > 8 && c->ep[i][n - 1] == '/')
			c->ep[i][--n] = '\0';
	}
	c->cacert = dup_or_null(cfg->cacert, &bad);
	c->cert = dup_or_null(cfg->cert, &bad);
	c->key = dup_or_null(cfg->key, &bad);
	c->user = dup_or_null(cfg->user, &bad);
	c->password = dup_or_null(cfg->password, &bad);
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		snprintf(err, errlen, "libcurl: cannot initialise");
		errno = EIO;
		c->multi = NULL;
		goto err_free;
	}
	c->multi = curl_multi_init();
	if (bad || !c->multi) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		goto err_free;
	}
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, curl_socket_cb);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, curl_timer_cb);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	return c;

err_free:
	i = (size_t)errno;
	c->io.timer = NULL;
	for (size_t k = 0; k < c->n_ep; k++)
		free(c->ep[k]);
	free(c->ep);
	free(c->cacert);
	free(c->cert);
	free(c->key);
	free(c->user);
	free(c->password);
	if (c->multi) {
		curl_multi_cleanup(c->multi);
		curl_global_cleanup();
	} else if (errno != EIO) {
		curl_global_cleanup();
	}
	free(c);
	errno = (int)i;
	return NULL;
err_nomem:
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
	return NULL;
}

void etcd_free(struct etcd *c)
{
	if (!c)
		return;
	if (c->depth > 0) {
		c->dying = true; /* from a callback: when it returns */
		return;
	}
	destroy(c);
}

void etcd_cancel(struct etcd_req *r)
{
	struct etcd *c;

	if (!r)
		return;
	c = r->c;
	if (r->in_cb) {
		r->cancelled = true;
		return;
	}
	req_free(r);
	rearm(c);
}

void etcd_watch_cancel(struct etcd_watch *w)
{
	if (!w)
		return;
	if (w->r.in_cb) {
		req_stop(&w->r);
		w->r.st = ST_OVER;
		w->r.cancelled = true;
		return;
	}
	etcd_cancel(&w->r);
}

/* ---- the calls ------------------------------------------------------------------ */

/* {"key":..,"range_end":..} into o. */
static void key_range(json_t *o, const char *key, size_t klen, const char *end, size_t elen,
		      bool *bad)
{
	jset(o, "key", jb64(key, klen), bad);
	if (end)
		jset(o, "range_end", jb64(end, elen), bad);
}

static json_t *range_body(const char *key, size_t klen, const char *end, size_t elen, int64_t limit,
			  int64_t rev, bool *bad)
{
	json_t *o = json_object();

	if (!o) {
		*bad = true;
		return NULL;
	}
	key_range(o, key, klen, end, elen, bad);
	if (limit > 0)
		jset(o, "limit", jnum(limit), bad);
	if (rev > 0)
		jset(o, "revision", jnum(rev), bad);
	return o;
}

static json_t *put_body(const char *key, size_t klen, const char *val, size_t vlen, int64_t lease,
			bool *bad)
{
	json_t *o = json_object();

	if (!o) {
		*bad = true;
		return NULL;
	}
	key_range(o, key, klen, NULL, 0, bad);
	jset(o, "value", jb64(val ? val : "", vlen), bad);
	if (lease)
		jset(o, "lease", jnum(lease), bad);
	return o;
}

static json_t *delete_body(const char *key, size_t klen, const char *end, size_t elen, bool *bad)
{
	json_t *o = json_object();

	if (!o) {
		*bad = true;
		return NULL;
	}
	key_range(o, key, klen, end, elen, bad);
	return o;
}

struct etcd_req *etcd_range(struct etcd *c, const char *key, size_t klen, const char *range_end,
			    size_t relen, int64_t limit, int64_t rev, etcd_cb cb, void *arg)
{
	bool bad = false;
	json_t *o = range_body(key, klen, range_end, relen, limit, rev, &bad);

	return req_start(c, OP_RANGE, o, bad, cb, arg);
}

struct etcd_req *etcd_put(struct etcd *c, const char *key, size_t klen, const char *value,
			  size_t vlen, int64_t lease, etcd_cb cb, void *arg)
{
	bool bad = false;
	json_t *o = put_body(key, klen, value, vlen, lease, &bad);

	return req_start(c, OP_PUT, o, bad, cb, arg);
}

struct etcd_req *etcd_delete(struct etcd *c, const char *key, size_t klen, const char *range_end,
			     size_t relen, etcd_cb cb, void *arg)
{
	bool bad = false;
	json_t *o = delete_body(key, klen, range_end, relen, &bad);

	return req_start(c, OP_DELETE, o, bad, cb, arg);
}

static json_t *cmp_json(const struct etcd_cmp *m, bool *bad)
{
	static const char *const target[] = { "CREATE", "MOD", "VALUE", "LEASE" };
	static const char *const result[] = { "EQUAL", "NOT_EQUAL", "GREATER", "LESS" };
	static const char *const field[] = { "create_revision", "mod_revision", "value", "lease" };
	json_t *o = json_object();

	if (!o || (unsigned)m->target > ETCD_CMP_LEASE || (unsigned)m->result > ETCD_LESS) {
		json_decref(o);
		*bad = true;
		return NULL;
	}
	jset(o, "key", jb64(m->key, m->klen), bad);
	jset(o, "target", json_string(target[m->target]), bad);
	jset(o, "result", json_string(result[m->result]), bad);
	if (m->target == ETCD_CMP_VALUE)
		jset(o, field[m->target], jb64(m->value ? m->value : "", m->vlen), bad);
	else
		jset(o, field[m->target], jnum(m->number), bad);
	return o;
}

static json_t *op_json(const struct etcd_op *op, bool *bad)
{
	json_t *o = json_object(), *in = NULL;
	const char *name = NULL;

	switch (op->type) {
	case ETCD_OP_PUT:
		name = "request_put";
		in = put_body(op->key, op->klen, op->value, op->vlen, op->lease, bad);
		break;
	case ETCD_OP_DELETE:
		name = "request_delete_range";
		in = delete_body(op->key, op->klen, op->range_end, op->relen, bad);
		break;
	case ETCD_OP_RANGE:
		name = "request_range";
		in = range_body(op->key, op->klen, op->range_end, op->relen, 0, 0, bad);
		break;
	}
	if (!o || !in) {
		json_decref(o);
		json_decref(in);
		*bad = true;
		return NULL;
	}
	jset(o, name, in, bad);
	return o;
}

static json_t *ops_json(const struct etcd_op *ops, size_t n, bool *bad)
{
	json_t *a = json_array();
	size_t i;

	if (!a) {
		*bad = true;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		json_t *o = op_json(&ops[i], bad);

		if (!o || json_array_append_new(a, o))
			*bad = true;
	}
	return a;
}

struct etcd_req *etcd_txn(struct etcd *c, const struct etcd_cmp *cmp, size_t n_cmp,
			  const struct etcd_op *success, size_t n_success,
			  const struct etcd_op *failure, size_t n_failure, etcd_cb cb, void *arg)
{
	json_t *o = json_object(), *a = json_array();
	bool bad = !o || !a;
	size_t i;

	for (i = 0; a && i < n_cmp; i++) {
		json_t *m = cmp_json(&cmp[i], &bad);

		if (!m || json_array_append_new(a, m))
			bad = true;
	}
	if (o) {
		jset(o, "compare", a, &bad);
		jset(o, "success", ops_json(success, n_success, &bad), &bad);
		jset(o, "failure", ops_json(failure, n_failure, &bad), &bad);
	} else {
		json_decref(a);
	}
	return req_start(c, OP_TXN, o, bad, cb, arg);
}

static struct etcd_req *lease_call(struct etcd *c, enum op op, int64_t ttl, int64_t id, etcd_cb cb,
				   void *arg)
{
	json_t *o = json_object();
	bool bad = !o;

	if (o && op == OP_GRANT)
		jset(o, "TTL", jnum(ttl), &bad);
	if (o && (op != OP_GRANT || id))
		jset(o, "ID", jnum(id), &bad);
	return req_start(c, op, o, bad, cb, arg);
}

struct etcd_req *etcd_lease_grant(struct etcd *c, int64_t ttl, int64_t id, etcd_cb cb, void *arg)
{
	return lease_call(c, OP_GRANT, ttl, id, cb, arg);
}

struct etcd_req *etcd_lease_keepalive(struct etcd *c, int64_t id, etcd_cb cb, void *arg)
{
	return lease_call(c, OP_KEEPALIVE, 0, id, cb, arg);
}

struct etcd_req *etcd_lease_revoke(struct etcd *c, int64_t id, etcd_cb cb, void *arg)
{
	return lease_call(c, OP_REVOKE, 0, id, cb, arg);
}

struct etcd_req *etcd_lease_timetolive(struct etcd *c, int64_t id, etcd_cb cb, void *arg)
{
	return lease_call(c, OP_TTL, 0, id, cb, arg);
}

struct etcd_watch *etcd_watch(struct etcd *c, const char *key, size_t klen, const char *range_end,
			      size_t relen, int64_t start_rev, bool progress, long idle_ms,
			      etcd_watch_cb cb, void *arg)
{
	json_t *o = json_object(), *cr = json_object();
	bool bad = !o || !cr;
	struct etcd_watch *w;

	if (cr) {
		key_range(cr, key, klen, range_end, relen, &bad);
		if (start_rev > 0)
			jset(cr, "start_revision", jnum(start_rev), &bad);
		if (progress)
			jset(cr, "progress_notify", json_true(), &bad);
	}
	if (o)
		jset(o, "create_request", cr, &bad);
	else
		json_decref(cr);
	if (bad) {
		json_decref(o);
		errno = ENOMEM;
		return NULL;
	}
	w = (struct etcd_watch *)req_new(c, OP_WATCH, o, sizeof(*w));
	if (!w)
		return NULL;
	w->r.w = w;
	w->cb = cb;
	w->arg = arg;
	w->idle_ms = idle_ms > 0 ? idle_ms : 0;
	req_send(&w->r);
	rearm(c);
	return w;
}

/* ---- answers without a member (tests, fuzzing) --------------------------------- */

static void no_timer(void *arg, long ms)
{
	(void)arg;
	(void)ms;
}

/* A client of one member that is never asked: where a real client would
 * retry on another member or authenticate again, the request fails. */
static void test_client(struct etcd *c, char **ep)
{
	static char member[] = "http://etcd.invalid:2379";

	memset(c, 0, sizeof(*c));
	ep[0] = member;
	c->ep = ep;
	c->n_ep = 1;
	c->io.timer = no_timer;
	c->curl_due = -1;
	c->armed = -1;
}

/* The buffer's room for all that will come (a request's is empty). */
static int buf_reserve(struct buf *b, size_t cap)
{
	b->p = malloc(cap);
	if (!b->p)
		return -ENOMEM;
	b->p[0] = '\0';
	b->cap = cap;
	return 0;
}

static void test_client_free(struct etcd *c)
{
	struct etcd_req *r;

	while ((r = c->reqs)) {
		c->reqs = r->next; /* as destroy() */
		req_free(r);
	}
	free(c->token);
}

int etcd_test_answer(const char *op, long status, const char *body, size_t len, etcd_cb cb,
		     void *arg)
{
	struct etcd_req *r;
	struct etcd c;
	char *ep[1];
	int o;

	for (o = 0; o < OP_WATCH; o++)
		if (!strcmp(strrchr(op_path[o], '/') + 1, op))
			break;
	if (o == OP_WATCH)
		return -EINVAL;
	test_client(&c, ep);
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->c = &c;
	r->op = (enum op)o;
	r->st = ST_RUNNING;
	r->cb = cb;
	r->arg = arg;
	c.reqs = r;
	if (buf_reserve(&r->in, len + 1) || buf_add(&r->in, body, len)) {
		test_client_free(&c);
		return -ENOMEM;
	}
	req_end(r, CURLE_OK, status);
	test_client_free(&c);
	return 0;
}

int etcd_test_watch(const char *const *chunks, const size_t *lens, size_t n, long status,
		    etcd_watch_cb cb, void *arg, struct etcd_watch **wp)
{
	struct etcd_watch *w;
	size_t i, total = 1;
	struct etcd c;
	char *ep[1];

	test_client(&c, ep);
	for (i = 0; i < n; i++)
		total += lens[i];
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	if (buf_reserve(&w->r.in, total)) {
		free(w);
		return -ENOMEM;
	}
	w->r.c = &c;
	w->r.op = OP_WATCH;
	w->r.st = ST_RUNNING;
	w->r.w = w;
	w->cb = cb;
	w->arg = arg;
	c.reqs = &w->r;
	*wp = w;
	/* as write_cb() and process() have them */
	for (i = 0; i < n && w->r.st == ST_RUNNING; i++) {
		if (buf_add(&w->r.in, chunks[i], lens[i])) {
			test_client_free(&c);
			return -ENOMEM;
		}
		w->fresh = true;
		if (!watch_dispatch(w))
			return 0; /* freed, and c.reqs empty */
	}
	if (w->r.st == ST_RUNNING)
		watch_end(w, CURLE_OK, status);
	test_client_free(&c);
	return 0;
}
