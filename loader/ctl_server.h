/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ctl_server.h - what the control server's files share: a client
 * (ctl_server.c: the socket, turns, buffers), the commands (ctl_cmds.c)
 * and the lists (ctl_list.c). See ctl_server.c for the theory.
 */
#ifndef OVL_CTL_SERVER_H
#define OVL_CTL_SERVER_H

#include <stdbool.h>
#include <jansson.h>
#include "ovld.h"

#define CLIENT_OUT_MAX	 (4u << 20)   /* a monitor that falls this far behind loses events */
#define CLIENT_OUT_HIGH	 (256u << 10) /* replies waiting: no new request until they drain */
#define CLIENT_OUT_LOW	 (64u << 10)  /* a streamed list grows below this */
#define CLIENT_READ_MAX	 (64u << 10)  /* bytes read from one client per turn, at most */
#define CLIENT_READ_MIN	 4096	      /* and the room its buffer has for them, at least */
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

struct ctl_client {
	struct ctl_client *next;
	struct ovld *d;
	int fd;
	struct ovl_source *src; /* in the loop: its events say what it waits for */
	bool monitor;
	bool eof;  /* the client will send nothing more (half-close, or an error) */
	bool gone; /* it cannot read any more: replies are discarded */
	bool dead; /* close it now */
	char *in;  /* requests: [in_off, in_len) not handled yet */
	size_t in_off, in_len, in_cap;
	char *out;
	size_t out_len, out_cap;
	unsigned long long lost;
	struct list_state list;
	/* a request whose reply comes later (ctl_defer()): its token, 0 when
	 * none; no later request of the client is handled meanwhile */
	unsigned long long waiting;
	struct ovl_timer *wait_timer; /* answers it with ETIMEDOUT */
};

/* Fail a handler with errno code and a message for the operator. */
#define FAIL(code, ...)                                                                            \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return -(code);                                                                    \
	} while (0)

/* A handler's return: no reply now, ctl_deferred_reply() gives it. */
#define CTL_DEFERRED 1
#define CTL_DEFER_MS 10000 /* a deferred reply that takes longer is an ETIMEDOUT error */

typedef int (*ctl_handler_fn)(struct ovld *d, struct ctl_client *c, json_t *req, json_t **res,
			      char *err, size_t errlen);

struct ctl_cmd {
	const char *cmd;
	ctl_handler_fn fn;
};

/* ---- ctl_server.c ---------------------------------------------------------- */
int ctl_client_append(struct ctl_client *c, const char *p, size_t n);
/* A reply (never dropped) or a monitor event (dropped and counted when the
 * client is too far behind); sent when the turn ends, after the state is
 * saved. */
int ctl_client_queue(struct ovld *d, struct ctl_client *c, json_t *msg, bool event);
void ctl_client_flush(struct ctl_client *c);
/**
 * ctl_defer() - the reply to the request being handled will come later:
 * the handler returns CTL_DEFERRED, and whoever answers calls
 * ctl_deferred_reply() with the token. Until then (or until timeout_ms,
 * when an ETIMEDOUT error answers it), the client gets no other request
 * handled, so its replies stay in the order of its requests. May be
 * answered before the handler returns.
 * Return: the token (never 0), or 0 when out of memory.
 */
unsigned long long ctl_defer(struct ovld *d, struct ctl_client *c, long timeout_ms);
/* The deferred request is answered now after all (the handler returns
 * its result or error itself). */
void ctl_defer_cancel(struct ctl_client *c, unsigned long long token);
/**
 * ctl_deferred_reply() - the reply of token: ret 0 and res (consumed, may
 * be NULL), or -errno and err. Dropped when the client is gone or the
 * request timed out.
 */
void ctl_deferred_reply(unsigned long long token, int ret, json_t *res, const char *err);

/* ---- ctl_cmds.c ------------------------------------------------------------ */
extern const struct ctl_cmd ctl_cmds[];
const char *ctl_arg_str(json_t *req, const char *key);
int ctl_arg_overlay(struct ovld *d, json_t *req, struct ovl_overlay **ov, char *err, size_t errlen);
/* An ovl_fdb / ovl_neigh entry as map get/list show it. */
json_t *ctl_fdb_json(struct ovl_overlay *ov, const __u8 mac[6], const struct ovl_dest *v);
json_t *ctl_neigh_json(struct ovl_overlay *ov, const struct ovl_ip *ip, const struct ovl_neigh *n);

/* ---- ctl_list.c ------------------------------------------------------------ */
/* The list command cmd (overlay.list, map.list...): 0 and *res (a page,
 * *next the cursor of the one after), 1 and *res (the first chunk) with
 * *stream where the rest starts, -ENOSYS when cmd is no list, or -errno. */
int ctl_list_request(struct ovld *d, const char *cmd, json_t *req, json_t **res,
		     struct list_state *stream, char *next, size_t nextlen, char *err,
		     size_t errlen);
/* Up to about max more entries of a streamed list into arr. */
int ctl_list_next(struct ovld *d, struct list_state *st, unsigned int max, json_t *arr);
const char *ctl_list_name(const struct list_state *st);

#endif /* OVL_CTL_SERVER_H */
