/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * etcd.h - a small etcd v3 client for an event loop: the JSON gateway of
 * etcd 3.4 (POST /v3/kv/range and friends, base64 keys and values, 64-bit
 * numbers as strings) over HTTP/1.1 with libcurl's multi-socket interface.
 * Generic: it knows etcd, not ovl.
 *
 * The caller owns the loop. The client says which sockets to watch and
 * when to wake it (struct etcd_io, what CURLMOPT_SOCKETFUNCTION and
 * CURLMOPT_TIMERFUNCTION say), and the caller calls etcd_on_fd() and
 * etcd_on_timeout() back. Nothing blocks; every request completes through
 * its callback, once, from inside etcd_on_fd()/etcd_on_timeout() (never
 * from the call that started it), unless cancelled first.
 *
 * Several endpoints (members of one cluster): a request that cannot
 * connect, or gets a 5xx or "no leader", is retried on the next member, a
 * round of all of them at most; then it fails with -ECONNREFUSED,
 * -ETIMEDOUT or -EHOSTUNREACH and the last member's error in msg. The
 * member that worked is tried first next time.
 *
 * Every request carries "Grpc-Metadata-hasleader: true", so a member cut
 * off from the leader fails it and the next member is tried (a watch too).
 * With etcd/user, the client authenticates first (/v3/auth/authenticate)
 * and sends the token; an expired token is renewed once, transparently.
 */
#ifndef OVL_ETCD_H
#define OVL_ETCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct etcd;
struct etcd_req;
struct etcd_watch;

/* What the client wants watched; the caller's loop. */
enum {
	ETCD_IO_IN = 1,
	ETCD_IO_OUT = 2,
	ETCD_IO_ERR = 4, /* only in etcd_on_fd()'s revents */
};

struct etcd_io {
	void *arg;
	/* Watch fd for what (ETCD_IO_IN|ETCD_IO_OUT), or stop watching it
	 * (what 0). Return 0 or -errno. */
	int (*fd)(void *arg, int fd, int what);
	/* Call etcd_on_timeout() in ms milliseconds (0: as soon as the loop
	 * turns; -1: disarm). Replaces the previous one. */
	void (*timer)(void *arg, long ms);
};

struct etcd_cfg {
	const char *const *endpoints; /* "http://10.0.0.5:2379", "https://..." */
	size_t n_endpoints;
	const char *cacert, *cert, *key; /* PEM files, or NULL */
	const char *user, *password;	 /* etcd auth, or NULL */
	long timeout_ms;		 /* per request (not a watch); 0: 5000 */
	long connect_timeout_ms;	 /* 0: 2000 */
};

/* One key-value, as etcd has it. key and value are not NUL-terminated
 * (they are, one byte past the length, for convenience). */
struct etcd_kv {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
	int64_t create_revision, mod_revision, version, lease;
};

/* What a request got. Valid only during the callback. */
struct etcd_reply {
	int err;	    /* 0, or -errno: -ECONNREFUSED (no member answered),
			   * -ETIMEDOUT, -EACCES (TLS or auth refused), -EPERM
			   * (not allowed), -ENOENT (lease not found),
			   * -EPROTO (an answer that is not etcd's); also
			   * -EHOSTUNREACH (no member had a leader or was
			   * reachable), -ESTALE (range at a compacted
			   * revision), -EINVAL (etcd refused the request:
			   * a future revision...) */
	const char *msg;    /* what went wrong, for an operator; "" when err 0 */
	const char *member; /* the endpoint that answered (or failed last) */
	int64_t revision;   /* the header's revision */
	/* range: the kvs, and whether there are more beyond limit */
	const struct etcd_kv *kvs;
	size_t n_kvs;
	int64_t count;
	bool more;
	/* txn: which branch ran, and the range results of its ops, in order */
	bool succeeded;
	/* lease grant/keepalive/timetolive: id and remaining TTL (-1: the
	 * lease is gone, for timetolive) */
	int64_t lease_id, ttl;
	/* deleterange: how many went */
	int64_t deleted;
};

typedef void (*etcd_cb)(void *arg, const struct etcd_reply *r);

struct etcd *etcd_new(const struct etcd_cfg *cfg, const struct etcd_io *io, char *err,
		      size_t errlen);
/* Frees the client and everything outstanding: no callback runs after it.
 * From inside a callback it takes effect when etcd_on_fd()/
 * etcd_on_timeout() returns (io's fd and timer may still be called until
 * then, to drop the sockets and disarm the timer). */
void etcd_free(struct etcd *c);
void etcd_on_fd(struct etcd *c, int fd, int revents);
void etcd_on_timeout(struct etcd *c);

/* Forget a request: its callback will not run. Safe from any callback,
 * its own included (a no-op there); not after its callback returned (the
 * request is freed then). */
void etcd_cancel(struct etcd_req *r);

/* The end of the range of every key starting with prefix (prefix with its
 * last byte incremented), into buf; its length. */
size_t etcd_prefix_end(const char *prefix, size_t len, char *buf, size_t buflen);

/* Keys from key up to range_end (NULL: key alone), at most limit (0: no
 * limit), at revision rev (0: the latest). Page with limit and the last
 * key + "\0" as the next key; use the first page's revision for the rest. */
struct etcd_req *etcd_range(struct etcd *c, const char *key, size_t klen, const char *range_end,
			    size_t relen, int64_t limit, int64_t rev, etcd_cb cb, void *arg);
struct etcd_req *etcd_put(struct etcd *c, const char *key, size_t klen, const char *value,
			  size_t vlen, int64_t lease, etcd_cb cb, void *arg);
struct etcd_req *etcd_delete(struct etcd *c, const char *key, size_t klen, const char *range_end,
			     size_t relen, etcd_cb cb, void *arg);

/* A transaction: if every compare holds, the success ops, else the
 * failure ops. */
enum etcd_cmp_target {
	ETCD_CMP_CREATE, /* create_revision (0: the key does not exist) */
	ETCD_CMP_MOD,	 /* mod_revision */
	ETCD_CMP_VALUE,
	ETCD_CMP_LEASE,
};
enum etcd_cmp_result { ETCD_EQUAL, ETCD_NOT_EQUAL, ETCD_GREATER, ETCD_LESS };

struct etcd_cmp {
	const char *key;
	size_t klen;
	enum etcd_cmp_target target;
	enum etcd_cmp_result result;
	int64_t number;	   /* CREATE, MOD, LEASE */
	const char *value; /* VALUE */
	size_t vlen;
};

enum etcd_op_type { ETCD_OP_PUT, ETCD_OP_DELETE, ETCD_OP_RANGE };

struct etcd_op {
	enum etcd_op_type type;
	const char *key;
	size_t klen;
	const char *value; /* PUT */
	size_t vlen;
	int64_t lease;	       /* PUT */
	const char *range_end; /* DELETE, RANGE; NULL: key alone */
	size_t relen;
};

/* A txn's reply has succeeded and, for RANGE ops of the branch that ran,
 * their kvs concatenated in kvs/n_kvs (in op order). */
struct etcd_req *etcd_txn(struct etcd *c, const struct etcd_cmp *cmp, size_t n_cmp,
			  const struct etcd_op *success, size_t n_success,
			  const struct etcd_op *failure, size_t n_failure, etcd_cb cb, void *arg);

/* Leases. id 0 in grant: etcd picks it. */
struct etcd_req *etcd_lease_grant(struct etcd *c, int64_t ttl, int64_t id, etcd_cb cb, void *arg);
struct etcd_req *etcd_lease_keepalive(struct etcd *c, int64_t id, etcd_cb cb, void *arg);
struct etcd_req *etcd_lease_revoke(struct etcd *c, int64_t id, etcd_cb cb, void *arg);
struct etcd_req *etcd_lease_timetolive(struct etcd *c, int64_t id, etcd_cb cb, void *arg);

/* ---- watches -------------------------------------------------------------- */

enum etcd_ev_type { ETCD_EV_PUT, ETCD_EV_DELETE };

struct etcd_event {
	enum etcd_ev_type type;
	struct etcd_kv kv; /* a DELETE has the key and mod_revision */
};

/* What a watch reports. Valid only during the callback. */
struct etcd_watch_reply {
	int err; /* 0; -ECONNRESET: the stream broke (the watch is
			      * over: start another from revision + 1);
			      * -ESTALE: start_rev was compacted (relist, then
			      * watch again); -ECANCELED: etcd cancelled it */
	const char *msg;
	int64_t revision;	  /* the header's: every event up to it was told */
	int64_t compact_revision; /* with -ESTALE */
	bool created;		  /* the first reply of the watch */
	bool progress;		  /* a progress notification (no events) */
	const struct etcd_event *events;
	size_t n_events;
};

typedef void (*etcd_watch_cb)(void *arg, const struct etcd_watch_reply *r);

/* Watch key..range_end from start_rev (0: from now). progress: ask for
 * progress notifications (etcd sends them every 10 minutes unless told
 * otherwise; the client also reports -ECONNRESET when nothing at all came
 * for idle_ms, 0: never). After an error reply the watch is over: the
 * callback is not called again; etcd_watch_cancel() it anyway (it frees). */
struct etcd_watch *etcd_watch(struct etcd *c, const char *key, size_t klen, const char *range_end,
			      size_t relen, int64_t start_rev, bool progress, long idle_ms,
			      etcd_watch_cb cb, void *arg);
void etcd_watch_cancel(struct etcd_watch *w);

/* Decode/encode helpers (exposed for tests and callers). */
/* base64 of len bytes into out (size >= 4 * ((len + 2) / 3) + 1). */
size_t etcd_b64_encode(const void *in, size_t len, char *out);
/* Decoded length, or -1 for bad input; out may be NULL to measure. */
long etcd_b64_decode(const char *in, size_t len, void *out);

/* ---- answers without a member (tests, fuzzing) ---------------------------- */

/**
 * etcd_test_answer() - what the client makes of body (len bytes), the whole
 * answer with HTTP status of a member to a request of kind op ("range",
 * "put", "deleterange", "txn", "grant", "keepalive", "revoke",
 * "timetolive", "authenticate"): cb (not for "authenticate") runs once
 * with the reply, before the call returns. No member is asked anything:
 * where a real client would retry on the next member or authenticate
 * again, the request fails.
 * Return: 0, -EINVAL (no such op) or -ENOMEM.
 */
int etcd_test_answer(const char *op, long status, const char *body, size_t len, etcd_cb cb,
		     void *arg);
/**
 * etcd_test_watch() - what a watch makes of a stream that came in n chunks
 * (chunks[i], lens[i] bytes), then ended with HTTP status (unless the watch
 * was over before): cb runs as for etcd_watch(), and may
 * etcd_watch_cancel() the watch, *wp (set before the first chunk; freed
 * when the call returns). Return: 0 or -ENOMEM.
 */
int etcd_test_watch(const char *const *chunks, const size_t *lens, size_t n, long status,
		    etcd_watch_cb cb, void *arg, struct etcd_watch **wp);

#endif /* OVL_ETCD_H */
