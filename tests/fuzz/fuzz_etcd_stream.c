// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_etcd_stream.c - what etcd's JSON gateway sends ovl's client
 * (lib/etcd.c, through etcd_test_answer() and etcd_test_watch()): the
 * answer to each kind of request, and a watch stream in chunks. The keys
 * and values that come out (base64-decoded) go on into the etcd backend's
 * cache (ovl_etcd_cache_apply()), as they do in ovld.
 *
 * The input's first byte picks what the rest is: byte % 10 is the answer
 * to a range, put, deleterange, txn, grant, keepalive, revoke, timetolive
 * or authenticate request (0-8), or a watch stream (9); its bit 0x80
 * makes the watch's callback cancel the watch on its first event. The
 * second byte picks the HTTP status (200 mostly; 400, 401, 404, 500, 503
 * or 0). The rest is the body; a watch stream is cut into chunks at its
 * NUL bytes (lines may span chunks, as they do on the wire).
 *
 * What make fuzz-cov measures: a file, or FILE:FUNCTIONS for part of one.
 * cov: lib/etcd.c:etcd_test_answer,etcd_test_watch,etcd_b64_decode,b64val,jget,buf_add,kv_decode
 * cov: lib/etcd.c:kvs_add,kvs_free,etcd_error,answer_error,req_finish,req_fail,req_verdict
 * cov: lib/etcd.c:reply_parse,req_end,auth_done,watch_call,watch_fail,watch_canceled,watch_result
 * cov: lib/etcd.c:watch_line,watch_dispatch,watch_end,etcd_watch_cancel
 */
#include <errno.h>
#include <stdbool.h>
#include "backend.h"
#include "etcd.h"
#include "log.h"
#include "fuzz.h"

#define MAX_CHUNKS 32

static const char *const ops[] = { "range",	"put",	  "deleterange", "txn",		"grant",
				   "keepalive", "revoke", "timetolive",	 "authenticate" };
static const long statuses[] = { 200, 200, 200, 200, 400, 401, 404, 500, 503, 0 };

struct ctx {
	bool cancel;
	bool over;		 /* an error reply came: no callback after it */
	bool cancelled;		 /* nor after a cancel */
	struct etcd_watch *self; /* the watch, from etcd_test_watch() */
	int calls;
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ovl_log_set_level((enum ovl_log_level)0);
	return 0;
}

/* The decoded key-values into the backend's cache, puts or deletes. */
static void to_cache(const struct etcd_kv *kvs, size_t n, const bool *del)
{
	bool puts[MAX_CHUNKS * 4] = { false };
	int ret;

	if (n > sizeof(puts) / sizeof(puts[0]))
		n = sizeof(puts) / sizeof(puts[0]);
	ret = ovl_etcd_cache_apply("/ovl", 23, kvs, del ? del : puts, n);
	FUZZ_CHECK(ret >= 0 && (size_t)ret <= n, "%d of %zu", ret, n);
}

static void on_answer(void *arg, const struct etcd_reply *r)
{
	struct ctx *x = arg;

	x->calls++;
	FUZZ_CHECK(r->msg && r->member, "no msg or member");
	FUZZ_CHECK(r->err <= 0, "err %d", r->err);
	FUZZ_CHECK(!r->err || r->msg[0], "err %d without a message", r->err);
	FUZZ_CHECK(r->n_kvs == 0 || r->kvs, "%zu kvs, none there", r->n_kvs);
	for (size_t i = 0; i < r->n_kvs; i++)
		FUZZ_CHECK(r->kvs[i].key[r->kvs[i].key_len] == '\0' &&
				   r->kvs[i].value[r->kvs[i].value_len] == '\0',
			   "kv %zu not NUL-terminated", i);
	to_cache(r->kvs, r->n_kvs, NULL);
}

static void on_watch(void *arg, const struct etcd_watch_reply *r)
{
	struct ctx *x = arg;
	bool del[MAX_CHUNKS * 4];
	size_t n = r->n_events < sizeof(del) / sizeof(del[0]) ? r->n_events :
								sizeof(del) / sizeof(del[0]);
	struct etcd_kv *kvs = n ? calloc(n, sizeof(*kvs)) : NULL;

	x->calls++;
	FUZZ_CHECK(!x->over && !x->cancelled, "a callback after the watch was over");
	FUZZ_CHECK(r->msg, "no msg");
	FUZZ_CHECK(r->err <= 0, "err %d", r->err);
	FUZZ_CHECK(!r->err || (r->msg[0] && !r->n_events), "err %d: \"%s\", %zu events", r->err,
		   r->msg, r->n_events);
	FUZZ_CHECK(!(r->progress && r->created), "progress and created");
	x->over = r->err != 0;
	if (n && !kvs)
		abort();
	for (size_t i = 0; i < n; i++) {
		kvs[i] = r->events[i].kv;
		del[i] = r->events[i].type == ETCD_EV_DELETE;
	}
	to_cache(kvs, n, del);
	free(kvs);
	if (x->cancel) {
		x->cancelled = true;
		etcd_watch_cancel(x->self);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx x = { 0 };
	long status;
	int mode;

	if (size < 2)
		return 0;
	mode = data[0] % 10;
	x.cancel = data[0] & 0x80;
	status = statuses[data[1] % (sizeof(statuses) / sizeof(statuses[0]))];
	data += 2;
	size -= 2;
	if (mode < 9) {
		FUZZ_CHECK(!etcd_test_answer(ops[mode], status, (const char *)data, size, on_answer,
					     &x),
			   "etcd_test_answer");
		FUZZ_CHECK(x.calls == (mode == 8 ? 0 : 1), "%s: %d callbacks", ops[mode], x.calls);
	} else {
		const char *chunks[MAX_CHUNKS];
		size_t lens[MAX_CHUNKS], n = 0;

		while (n < MAX_CHUNKS) {
			const uint8_t *nul = n + 1 < MAX_CHUNKS ? memchr(data, '\0', size) : NULL;
			size_t len = nul ? (size_t)(nul - data) : size;

			chunks[n] = (const char *)data;
			lens[n++] = len;
			if (!nul)
				break;
			data += len + 1;
			size -= len + 1;
		}
		FUZZ_CHECK(!etcd_test_watch(chunks, lens, n, status, on_watch, &x, &x.self),
			   "etcd_test_watch");
		/* The stream ended: the watch reported an error, unless cancelled. */
		FUZZ_CHECK(x.over || (x.cancel && x.calls), "the watch ended untold");
	}
	return 0;
}
