// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * backend_etcd.c - hosts find each other's endpoints through etcd v3: every
 * ovld publishes its local endpoints under one lease, and keeps a cache of
 * the VNIs it serves, listed once and then kept current by a watch. The
 * key schema is ovl-etcd(5):
 *
 *   PREFIX/v1/vni/VNI/host/HOSTID  {"underlay", "port", "name"}
 *   PREFIX/v1/vni/VNI/mac/MAC      {"host", "underlay", "port", "ips": [...]}
 *   PREFIX/v1/vni/VNI/ip/ADDR      {"mac", "host"}
 *
 * HOSTID is the host's underlay address and VXLAN port ("10.1.0.1:4789",
 * "[fd00::1]:4789"): what other hosts send to, so no two ovlds share one.
 *
 * A session is one etcd cluster (its endpoints and credentials) with one
 * lease, shared by every overlay of this ovld on that cluster; its id is
 * kept in the state directory, so an ovld restarted within the TTL keeps
 * its lease and nothing it published disappears. Each overlay (struct be)
 * has its own cache and watch, of its VNI's keys only.
 *
 * Publishing is a transaction that creates the MAC's key and its
 * addresses' keys only if nobody has them, or overwrites them only if they
 * are still this host's (compared on mod_revision): a MAC or address of
 * another host is refused with that host named, never overwritten.
 *
 * etcd away: the maps keep everything (nothing here flushes them); lookups
 * of what the cache has are answered; what changed locally is published
 * once a member answers again (retried with a backoff of at most
 * OVL_ETCD_BACKOFF_MAX ms, a few requests at a time).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include "ovl_abi.h"
#include "backend.h"
#include "ctl.h"
#include "etcd.h"
#include "hash.h"
#include "log.h"
#include "loop.h"

#define OVL_ETCD_BACKOFF_MIN 100
#define OVL_ETCD_BACKOFF_MAX 1000
#define OVL_ETCD_PAGE	     1000
#define OVL_ETCD_IDLE_MS     60000 /* a watch quiet this long is started again */
#define OVL_ETCD_ADDRS	     (OVL_CTL_EP_ADDRS + 1)
#define OVL_ETCD_TTL	     60
#define OVL_ETCD_PREFIX	     "/ovl"
#define OVL_ETCD_CHANGES_ONE 64
#define OVL_ETCD_INFLIGHT                                                                          \
	8 /* publishes of one overlay under way at once */ /* more changes than this in one go: revalidate all */

struct session;

/* ---- the cache ------------------------------------------------------------ */

/* A host: its underlay address and port (the HOSTID). */
struct hkey {
	struct ovl_ip ul;
	__u8 pad;
	__u16 port;
};

struct hval {
	int64_t rev, lease;
};

struct mkey {
	__u8 mac[6];
	__u16 pad;
};

struct mval {
	struct hkey host;
	__u8 nips;
	int64_t rev, lease;
	struct ovl_ip *ips; /* malloc'ed, nips of them */
};

struct ival {
	__u8 mac[6];
	__u16 pad;
	struct hkey host;
	int64_t rev;
};

struct cache {
	struct ovl_hash hosts, macs, ips; /* hkey->hval, mkey->mval, ovl_ip->ival */
};

/* ---- local endpoints ---------------------------------------------------- */

enum lstate {
	L_PENDING,  /* to publish */
	L_INFLIGHT, /* a transaction on its way */
	L_DONE,	    /* etcd has it */
	L_CONFLICT, /* another host has its MAC or an address */
};

struct local {
	struct local *next;
	__u8 mac[6];
	struct ovl_ip ips[OVL_ETCD_ADDRS];
	int nips;
	enum lstate st;
	int tries;
	long long sent_us; /* OVL_ETCD_TRACE: when its publish was sent */
	struct etcd_req *req;
	struct be *be;
	char why[256]; /* L_CONFLICT: who has what */
};

/* A direct read for a miss the cache cannot answer. */
struct rd {
	struct rd *next;
	struct be *be;
	bool l2;
	__u8 mac[6];
	struct ovl_ip ip;
	struct etcd_req *req;
};

/* ---- one overlay ------------------------------------------------------- */

struct be {
	struct be *next; /* in the session */
	struct session *s;
	struct ovl_backend_host *host;
	char kp[200]; /* "PREFIX/v1/vni/VNI/" */
	size_t kplen;
	struct hkey me;
	char hostid[64];
	bool have_me;
	struct cache c;
	bool synced;
	int64_t rev; /* every event up to it is in the cache */
	/* listing: pages at one revision into a fresh cache */
	struct cache nc;
	struct etcd_req *list_req;
	int64_t list_rev;
	char list_next[300];
	size_t list_next_len;
	struct etcd_watch *w;
	bool watching;
	struct ovl_timer *retry;
	unsigned int backoff;
	struct local *locals;
	struct rd *reads;
	struct etcd_req *sweep_req;
	char error[300]; /* the watch's or the last publish's trouble */
	/* ovld is being told of a change (tell()): what the cache has not is
	 * gone, not "not seen yet" */
	bool telling;
	unsigned long long events, relists, publishes, conflicts;
};

struct sfd {
	struct sfd *next;
	int fd;
	struct ovl_source *src;
	struct session *s;
};

enum lease_state { LS_NONE, LS_CHECKING, LS_GRANTING, LS_OK };

struct session {
	struct session *next;
	char id[2048]; /* what tells two clusters apart: endpoints and credentials */
	char endpoints[1024];
	int refs;
	struct etcd *c;
	struct ovl_loop *loop;
	struct ovl_timer *io_timer, *ka_timer;
	struct sfd *fds;
	long ttl;
	int64_t lease;
	enum lease_state ls;
	struct etcd_req *lease_req;
	unsigned int backoff;
	bool connected;
	char error[300];
	char member[256];
	char lease_file[300];
	struct be *bes;
	/* requests that outlive their overlay (a deleted overlay's keys) */
	int lingering;
	bool closing;
};

static struct session *sessions;

/*
 * OVL_ETCD_TRACE=FILE: a line per publish that etcd took and per watch
 * reply with events, "P|W MICROSECONDS REVISION EVENTS HOSTID", the clock
 * CLOCK_REALTIME: what `make bench` times publish -> cache on every host
 * with. Off (no cost but a pointer test) without it.
 */
static FILE *trace_file(void)
{
	static FILE *f;
	static bool tried;
	const char *path;

	if (!tried) {
		tried = true;
		path = getenv("OVL_ETCD_TRACE");
		if (path && *path) {
			f = fopen(path, "ae");
			if (f)
				setvbuf(f, NULL, _IOLBF, 0);
			else
				pr_warn("OVL_ETCD_TRACE %s: %s", path, strerror(errno));
		}
	}
	return f;
}

static long long trace_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* us: when it happened (0: now); a publish is stamped when it was sent. */
static void trace(char what, long long us, int64_t rev, size_t events, const char *hostid)
{
	FILE *f = trace_file();

	if (!f)
		return;
	fprintf(f, "%c %lld %" PRId64 " %zu %s\n", what, us ? us : trace_now(), rev, events,
		hostid);
}

/* ---- small helpers ------------------------------------------------------- */

static void hostid_format(const struct hkey *h, char *buf, size_t len)
{
	char a[OVL_IP_STRLEN];

	ovl_ip_format(&h->ul, a);
	if (h->ul.family == OVL_AF_INET6)
		snprintf(buf, len, "[%s]:%u", a, h->port);
	else
		snprintf(buf, len, "%s:%u", a, h->port);
}

static int hostid_parse(const char *s, size_t len, struct hkey *h)
{
	char buf[OVL_IP_STRLEN + 16], *colon, *end, *a = buf;
	unsigned long port;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	colon = strrchr(buf, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (buf[0] == '[') {
		a = buf + 1;
		if (colon == buf || colon[-1] != ']')
			return -EINVAL;
		colon[-1] = '\0';
	}
	port = strtoul(colon + 1, &end, 10);
	if (*end || !port || port > 65535)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	if (ovl_ip_parse(a, &h->ul))
		return -EINVAL;
	h->port = (__u16)port;
	return 0;
}

static bool hkey_eq(const struct hkey *a, const struct hkey *b)
{
	return ovl_ip_eq(&a->ul, &b->ul) && a->port == b->port;
}

static void mkey_of(struct mkey *k, const __u8 mac[6])
{
	memset(k, 0, sizeof(*k));
	memcpy(k->mac, mac, 6);
}

static void ikey_of(struct ovl_ip *k, const struct ovl_ip *ip)
{
	memset(k, 0, sizeof(*k));
	k->family = ip->family;
	memcpy(k->addr, ip->addr, ip->family == OVL_AF_INET4 ? 4 : 16);
}

static int cache_init(struct cache *c)
{
	if (ovl_hash_init(&c->hosts, sizeof(struct hkey), sizeof(struct hval)) ||
	    ovl_hash_init(&c->macs, sizeof(struct mkey), sizeof(struct mval)) ||
	    ovl_hash_init(&c->ips, sizeof(struct ovl_ip), sizeof(struct ival)))
		return -EINVAL;
	return 0;
}

static void cache_free(struct cache *c)
{
	size_t it = 0;
	const void *k;
	void *v;

	while (ovl_hash_next(&c->macs, &it, &k, &v))
		free(((struct mval *)v)->ips);
	ovl_hash_free(&c->hosts);
	ovl_hash_free(&c->macs);
	ovl_hash_free(&c->ips);
}

/* What a key under kp names: its kind and the rest. */
enum kkind { K_OTHER, K_HOST, K_MAC, K_IP };

static enum kkind key_kind(const struct be *b, const char *key, size_t klen, const char **rest,
			   size_t *rlen)
{
	static const struct {
		const char *p;
		enum kkind k;
	} kinds[] = { { "host/", K_HOST }, { "mac/", K_MAC }, { "ip/", K_IP } };

	*rest = "";
	*rlen = 0;
	if (klen <= b->kplen || memcmp(key, b->kp, b->kplen))
		return K_OTHER;
	key += b->kplen;
	klen -= b->kplen;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i].p);

		if (klen > n && !memcmp(key, kinds[i].p, n)) {
			*rest = key + n;
			*rlen = klen - n;
			return kinds[i].k;
		}
	}
	return K_OTHER;
}

static json_t *value_json(const struct etcd_kv *kv)
{
	return json_loadb(kv->value, kv->value_len, JSON_REJECT_DUPLICATES, NULL);
}

/* The host of a value: "host" (a HOSTID), checked against "underlay" and
 * "port" when it has them. */
static int value_host(json_t *v, struct hkey *h)
{
	const char *s = json_string_value(json_object_get(v, "host"));

	return s ? hostid_parse(s, strlen(s), h) : -EINVAL;
}

/* A mac/ or ip/ key's name into what it names. */
static int name_mac(const char *s, size_t len, __u8 mac[6])
{
	char buf[OVL_MAC_STRLEN + 1];

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return ovl_mac_parse(buf, mac) ? -EINVAL : 0;
}

static int name_ip(const char *s, size_t len, struct ovl_ip *ip)
{
	char buf[OVL_IP_STRLEN + 1];
	struct ovl_ip p;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (ovl_ip_parse(buf, &p))
		return -EINVAL;
	ikey_of(ip, &p);
	return 0;
}

/*
 * One key-value into cache c. Return: 1 if what the data path sees
 * changed (and which in *kind, *mac, *ip), 0 if not, -EINVAL for a value
 * that is not ovl's (ignored, logged once per key by the caller).
 */
static int cache_put(const struct be *b, struct cache *c, const struct etcd_kv *kv,
		     enum kkind *kind, __u8 mac[6], struct ovl_ip *ip)
{
	const char *rest;
	size_t rlen;
	json_t *v;
	int ret = -EINVAL;

	*kind = key_kind(b, kv->key, kv->key_len, &rest, &rlen);
	if (*kind == K_OTHER)
		return 0;
	v = value_json(kv);
	if (!v)
		return -EINVAL;
	if (*kind == K_HOST) {
		struct hkey h;
		struct hval hv = { .rev = kv->mod_revision, .lease = kv->lease }, *old;

		if (hostid_parse(rest, rlen, &h))
			goto out;
		old = ovl_hash_find(&c->hosts, &h);
		ret = !old;
		if (old)
			*old = hv;
		else if (ovl_hash_insert(&c->hosts, &h, &hv))
			ret = -ENOMEM;
	} else if (*kind == K_MAC) {
		struct mval mv = { .rev = kv->mod_revision, .lease = kv->lease }, *old;
		json_t *ips = json_object_get(v, "ips"), *e;
		struct mkey k;
		size_t i;

		if (name_mac(rest, rlen, mac) || value_host(v, &mv.host))
			goto out;
		mkey_of(&k, mac);
		if (json_array_size(ips) > OVL_ETCD_ADDRS)
			goto out;
		if (json_array_size(ips)) {
			mv.ips = calloc(json_array_size(ips), sizeof(*mv.ips));
			if (!mv.ips) {
				ret = -ENOMEM;
				goto out;
			}
			json_array_foreach(ips, i, e) {
				struct ovl_ip a;

				if (!json_is_string(e) || ovl_ip_parse(json_string_value(e), &a))
					continue;
				ikey_of(&mv.ips[mv.nips++], &a);
			}
		}
		old = ovl_hash_find(&c->macs, &k);
		if (old && old->rev > mv.rev) {
			free(mv.ips); /* a read older than what the watch told */
			ret = 0;
		} else if (old) {
			ret = !hkey_eq(&old->host, &mv.host);
			free(old->ips);
			*old = mv;
		} else {
			ret = 1;
			if (ovl_hash_insert(&c->macs, &k, &mv)) {
				free(mv.ips);
				ret = -ENOMEM;
			}
		}
	} else {
		struct ival iv = { .rev = kv->mod_revision }, *old;
		const char *m = json_string_value(json_object_get(v, "mac"));

		if (name_ip(rest, rlen, ip) || !m || ovl_mac_parse(m, iv.mac) ||
		    value_host(v, &iv.host))
			goto out;
		old = ovl_hash_find(&c->ips, ip);
		if (old && old->rev > iv.rev) {
			ret = 0;
		} else if (old) {
			ret = memcmp(old->mac, iv.mac, 6) != 0;
			*old = iv;
		} else {
			ret = 1;
			if (ovl_hash_insert(&c->ips, ip, &iv))
				ret = -ENOMEM;
		}
	}
out:
	json_decref(v);
	return ret;
}

/* A key gone from cache c. Return: 1 if it was there. */
static int cache_del(const struct be *b, struct cache *c, const char *key, size_t klen,
		     enum kkind *kind, __u8 mac[6], struct ovl_ip *ip)
{
	const char *rest;
	size_t rlen;

	*kind = key_kind(b, key, klen, &rest, &rlen);
	if (*kind == K_HOST) {
		struct hkey h;

		return !hostid_parse(rest, rlen, &h) && !ovl_hash_delete(&c->hosts, &h);
	}
	if (*kind == K_MAC) {
		struct mkey k;
		struct mval *v;

		if (name_mac(rest, rlen, mac))
			return 0;
		mkey_of(&k, mac);
		v = ovl_hash_find(&c->macs, &k);
		if (!v)
			return 0;
		free(v->ips);
		ovl_hash_delete(&c->macs, &k);
		return 1;
	}
	if (*kind == K_IP)
		return !name_ip(rest, rlen, ip) && !ovl_hash_delete(&c->ips, ip);
	return 0;
}

/* ---- the session: client, loop glue, lease --------------------------------- */

static void sess_io(void *arg, uint32_t events)
{
	struct sfd *f = arg;
	int rev = 0;

	if (events & EPOLLIN)
		rev |= ETCD_IO_IN;
	if (events & EPOLLOUT)
		rev |= ETCD_IO_OUT;
	if (events & (EPOLLERR | EPOLLHUP))
		rev |= ETCD_IO_ERR;
	etcd_on_fd(f->s->c, f->fd, rev);
}

static int io_fd(void *arg, int fd, int what)
{
	struct session *s = arg;
	uint32_t ev = (what & ETCD_IO_IN ? EPOLLIN : 0) | (what & ETCD_IO_OUT ? EPOLLOUT : 0);
	struct sfd *f, **pp;

	for (pp = &s->fds; (f = *pp) && f->fd != fd; pp = &f->next)
		;
	if (!what) {
		if (f) {
			*pp = f->next;
			loop_del_fd(f->src);
			free(f);
		}
		return 0;
	}
	if (f)
		return loop_mod_fd(f->src, ev);
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->fd = fd;
	f->s = s;
	f->src = loop_add_fd(s->loop, fd, ev, sess_io, f);
	if (!f->src) {
		free(f);
		return -ENOMEM;
	}
	f->next = s->fds;
	s->fds = f;
	return 0;
}

static void sess_timer_fired(void *arg)
{
	struct session *s = arg;

	etcd_on_timeout(s->c);
}

static void io_timer(void *arg, long ms)
{
	struct session *s = arg;

	if (ms < 0)
		loop_timer_disarm(s->io_timer);
	else
		loop_timer_arm(s->io_timer, (uint64_t)ms);
}

static void be_health(struct be *b);
static void be_lease_ready(struct be *b, bool fresh);

static void sess_health(struct session *s)
{
	for (struct be *b = s->bes; b; b = b->next)
		be_health(b);
}

/* What a reply says about the cluster: reachable or not. Return: true if
 * the request failed because no member answered. */
static bool sess_note(struct session *s, const struct etcd_reply *r)
{
	bool down = r->err == -ECONNREFUSED || r->err == -ETIMEDOUT || r->err == -EHOSTUNREACH ||
		    r->err == -EACCES;

	if (r->member && *r->member)
		snprintf(s->member, sizeof(s->member), "%s", r->member);
	if (down) {
		char e[sizeof(s->error)];

		snprintf(e, sizeof(e), "etcd: %s", r->msg && *r->msg ? r->msg : strerror(-r->err));
		if (s->connected || strcmp(e, s->error)) {
			s->connected = false;
			snprintf(s->error, sizeof(s->error), "%s", e);
			sess_health(s);
		}
	} else if (!r->err && !s->connected) {
		s->connected = true;
		s->error[0] = '\0';
		s->backoff = 0;
		sess_health(s);
	}
	return down;
}

static unsigned int backoff_next(unsigned int *b)
{
	*b = *b ? *b * 2 : OVL_ETCD_BACKOFF_MIN;
	if (*b > OVL_ETCD_BACKOFF_MAX)
		*b = OVL_ETCD_BACKOFF_MAX;
	return *b;
}

/* The lease id this ovld had on this cluster, from the state directory. */
static int64_t lease_load(struct session *s)
{
	json_t *j = json_load_file(s->lease_file, 0, NULL);
	const char *v = json_string_value(json_object_get(j, s->endpoints));
	int64_t id = v ? strtoll(v, NULL, 16) : 0;

	json_decref(j);
	return id;
}

static void lease_save(struct session *s)
{
	char tmp[sizeof(s->lease_file) + 8], id[24];
	json_t *j = json_load_file(s->lease_file, 0, NULL);

	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object();
	}
	snprintf(id, sizeof(id), "%" PRIx64, s->lease);
	json_object_set_new(j, s->endpoints, json_string(id));
	snprintf(tmp, sizeof(tmp), "%s.tmp", s->lease_file);
	if (json_dump_file(j, tmp, JSON_INDENT(2)) || rename(tmp, s->lease_file))
		pr_warn("etcd: cannot save the lease in %s: %s (a restart will publish again)",
			s->lease_file, strerror(errno));
	json_decref(j);
}

static void lease_start(struct session *s);

static void ka_fired(void *arg);

static void lease_ok(struct session *s, bool fresh)
{
	s->ls = LS_OK;
	loop_timer_arm(s->ka_timer, (uint64_t)(s->ttl * 1000 / 3));
	for (struct be *b = s->bes; b; b = b->next)
		be_lease_ready(b, fresh);
}

static void on_grant(void *arg, const struct etcd_reply *r)
{
	struct session *s = arg;

	s->lease_req = NULL;
	if (sess_note(s, r) || r->err) {
		if (r->err && !s->error[0]) {
			snprintf(s->error, sizeof(s->error), "etcd: lease grant: %s", r->msg);
			sess_health(s);
		}
		s->ls = LS_NONE;
		loop_timer_arm(s->ka_timer, backoff_next(&s->backoff));
		return;
	}
	s->lease = r->lease_id;
	pr_info("etcd %s: lease %" PRIx64 " granted, TTL %" PRId64 " s", s->endpoints, s->lease,
		r->ttl);
	lease_save(s);
	lease_ok(s, true);
}

static void lease_grant(struct session *s)
{
	s->ls = LS_GRANTING;
	s->lease_req = etcd_lease_grant(s->c, s->ttl, 0, on_grant, s);
	if (!s->lease_req) {
		s->ls = LS_NONE;
		loop_timer_arm(s->ka_timer, backoff_next(&s->backoff));
	}
}

static void on_ttl(void *arg, const struct etcd_reply *r)
{
	struct session *s = arg;

	s->lease_req = NULL;
	if (sess_note(s, r)) {
		s->ls = LS_NONE;
		loop_timer_arm(s->ka_timer, backoff_next(&s->backoff));
		return;
	}
	if (r->err || r->ttl <= 0) {
		pr_info("etcd %s: lease %" PRIx64 " is gone: a new one", s->endpoints, s->lease);
		lease_grant(s);
		return;
	}
	pr_info("etcd %s: lease %" PRIx64 " kept, %" PRId64 " s left", s->endpoints, s->lease,
		r->ttl);
	lease_ok(s, false);
}

static void on_keepalive(void *arg, const struct etcd_reply *r)
{
	struct session *s = arg;

	s->lease_req = NULL;
	if (sess_note(s, r)) {
		loop_timer_arm(s->ka_timer, backoff_next(&s->backoff));
		return;
	}
	if (r->err == -ENOENT || (!r->err && r->ttl <= 0)) {
		pr_warn("etcd %s: lease %" PRIx64 " expired: publishing again under a new one",
			s->endpoints, s->lease);
		lease_grant(s);
		return;
	}
	if (r->err) {
		loop_timer_arm(s->ka_timer, backoff_next(&s->backoff));
		return;
	}
	loop_timer_arm(s->ka_timer, (uint64_t)(s->ttl * 1000 / 3));
}

/* The keepalive timer: keep the lease, or get one. */
static void ka_fired(void *arg)
{
	struct session *s = arg;

	if (s->lease_req)
		return;
	switch (s->ls) {
	case LS_OK:
		s->lease_req = etcd_lease_keepalive(s->c, s->lease, on_keepalive, s);
		break;
	case LS_NONE:
		lease_start(s);
		return;
	default:
		return;
	}
	if (!s->lease_req)
		loop_timer_arm(s->ka_timer, backoff_next(&s->backoff));
}

static void lease_start(struct session *s)
{
	if (!s->lease)
		s->lease = lease_load(s);
	if (s->lease) {
		s->ls = LS_CHECKING;
		s->lease_req = etcd_lease_timetolive(s->c, s->lease, on_ttl, s);
		if (!s->lease_req) {
			s->ls = LS_NONE;
			loop_timer_arm(s->ka_timer, backoff_next(&s->backoff));
		}
		return;
	}
	lease_grant(s);
}

static void split_endpoints(char *list, const char **out, size_t *n, size_t max)
{
	*n = 0;
	for (char *save = NULL, *t = strtok_r(list, ",", &save); t && *n < max;
	     t = strtok_r(NULL, ",", &save))
		out[(*n)++] = t;
}

/* The password: the first line of the file, without its end. Symbolic
 * links are followed (Kubernetes mounts secrets so). */
static char *read_secret(const char *path, char *err, size_t errlen)
{
	char buf[1024], *eol;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "etcd/password-file %s: %s", path, strerror(errno));
		return NULL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "etcd/password-file %s: %s", path, strerror(errno));
		return NULL;
	}
	buf[n] = '\0';
	eol = strpbrk(buf, "\r\n");
	if (eol)
		*eol = '\0';
	else if (n == (ssize_t)sizeof(buf) - 1)
		buf[0] = '\0'; /* no line end in 1023 bytes: no password file */
	if (!buf[0]) {
		snprintf(err, errlen, "etcd/password-file %s: no password on its first line", path);
		return NULL;
	}
	return strdup(buf);
}

static const char *prop(json_t *props, const char *k)
{
	return json_string_value(json_object_get(props, k));
}

static struct session *sess_get(json_t *props, struct ovl_backend_host *h, char *err, size_t errlen)
{
	const char *eps = prop(props, "etcd/endpoints"), *cacert = prop(props, "etcd/cacert"),
		   *cert = prop(props, "etcd/cert"), *key = prop(props, "etcd/key"),
		   *user = prop(props, "etcd/user"), *pwf = prop(props, "etcd/password-file");
	json_t *ttlj = json_object_get(props, "etcd/lease-ttl");
	const char *list[16];
	struct etcd_io io;
	struct etcd_cfg cfg;
	char buf[1024], *pw = NULL;
	struct session *s;
	size_t n;
	long ttl = ttlj ? ovl_prop_secs(ttlj) : OVL_ETCD_TTL;
	char id[2048];

	if (!eps || strlen(eps) >= sizeof(buf)) {
		snprintf(err, errlen, "etcd/endpoints: expected URL[,URL...]");
		return NULL;
	}
	if (ttl < 0) {
		snprintf(err, errlen, "etcd/lease-ttl: not a whole number of seconds (1-86400)");
		return NULL;
	}
	if (!cert != !key) {
		snprintf(err, errlen, "etcd/cert and etcd/key go together");
		return NULL;
	}
	if (!user != !pwf) {
		snprintf(err, errlen, "etcd/user and etcd/password-file go together");
		return NULL;
	}
	snprintf(id, sizeof(id), "%s|%s|%s|%s|%s|%s", eps, cacert ? cacert : "", cert ? cert : "",
		 key ? key : "", user ? user : "", pwf ? pwf : "");
	for (s = sessions; s; s = s->next)
		if (!strcmp(s->id, id) && !s->closing) {
			if (s->ttl != ttl) {
				snprintf(err, errlen,
					 "etcd/lease-ttl %ld: this host's lease on %s is %ld s "
					 "(one lease per cluster)",
					 ttl, eps, s->ttl);
				return NULL;
			}
			s->refs++;
			return s;
		}
	if (pwf && !(pw = read_secret(pwf, err, errlen)))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		free(pw);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->endpoints, sizeof(s->endpoints), "%s", eps);
	snprintf(s->lease_file, sizeof(s->lease_file), "%s/etcd-lease.json",
		 h->state_dir ? h->state_dir : ".");
	s->ttl = ttl;
	s->refs = 1;
	s->loop = h->loop;
	snprintf(buf, sizeof(buf), "%s", eps);
	split_endpoints(buf, list, &n, sizeof(list) / sizeof(list[0]));
	memset(&cfg, 0, sizeof(cfg));
	cfg.endpoints = list;
	cfg.n_endpoints = n;
	cfg.cacert = cacert;
	cfg.cert = cert;
	cfg.key = key;
	cfg.user = user;
	cfg.password = pw;
	/* a read for a miss must answer before the frame's OVL_PENDING_MS */
	cfg.timeout_ms = 2000;
	io.arg = s;
	io.fd = io_fd;
	io.timer = io_timer;
	s->io_timer = loop_timer_new(h->loop, sess_timer_fired, s);
	s->ka_timer = loop_timer_new(h->loop, ka_fired, s);
	if (s->io_timer && s->ka_timer)
		s->c = etcd_new(&cfg, &io, err, errlen);
	if (pw) {
		memset(pw, 0, strlen(pw));
		free(pw);
	}
	if (!s->c) {
		if (!s->io_timer || !s->ka_timer)
			snprintf(err, errlen, "out of memory");
		loop_timer_free(s->io_timer);
		loop_timer_free(s->ka_timer);
		free(s);
		return NULL;
	}
	/* no error until a member fails to answer: `overlay list` shows
	 * "connected": false meanwhile */
	s->next = sessions;
	sessions = s;
	lease_start(s);
	return s;
}

static void sess_free(struct session *s)
{
	struct session **pp;

	for (pp = &sessions; *pp && *pp != s; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = s->next;
	if (s->lease_req)
		etcd_cancel(s->lease_req);
	etcd_free(s->c);
	while (s->fds) {
		struct sfd *f = s->fds;

		s->fds = f->next;
		loop_del_fd(f->src);
		free(f);
	}
	loop_timer_free(s->io_timer);
	loop_timer_free(s->ka_timer);
	free(s);
}

static void linger_done(void *arg, const struct etcd_reply *r)
{
	struct session *s = arg;

	(void)r;
	if (--s->lingering == 0 && s->closing)
		sess_free(s);
}

static void sess_put(struct session *s)
{
	if (--s->refs > 0)
		return;
	if (s->lingering) {
		s->closing = true;
		return;
	}
	sess_free(s);
}

/* ---- the overlay: listing, watching, reconciling ---------------------------- */

static void be_health(struct be *b)
{
	const char *e = b->s->error[0] ? b->s->error : b->error[0] ? b->error : "";
	char buf[512];

	if (!e[0]) {
		for (struct local *l = b->locals; l; l = l->next)
			if (l->st == L_CONFLICT) {
				snprintf(buf, sizeof(buf), "%s", l->why);
				e = buf;
				break;
			}
	}
	b->host->health(b->host, e);
}

static void be_retry_later(struct be *b)
{
	loop_timer_arm(b->retry, backoff_next(&b->backoff));
}

static void reads_settle(struct be *b, enum kkind kind, const __u8 *mac, const struct ovl_ip *ip);

/* Tell ovld what changed: one entry, or (many of them) everything. */
static void tell(struct be *b, enum kkind kind, const __u8 mac[6], const struct ovl_ip *ip)
{
	b->telling = true;
	if (kind == K_HOST)
		b->host->changed(b->host, OVL_CHANGE_PEERS, NULL, NULL);
	else if (kind == K_MAC)
		b->host->changed(b->host, OVL_CHANGE_L2, mac, NULL);
	else if (kind == K_IP)
		b->host->changed(b->host, OVL_CHANGE_L3, NULL, ip);
	b->telling = false;
	if (kind == K_MAC || kind == K_IP)
		reads_settle(b, kind, mac, ip);
}

static void publish_next(struct be *b);
static void reconcile(struct be *b);

/* A page of the listing into the fresh cache; the next page, or the swap. */
static void list_page(struct be *b);

/* What x has that y has not, or has otherwise: counted and, with
 * tell_each, each MAC and address told to ovld; *hosts set when a host
 * of x is not in y. */
static size_t cache_diff(struct be *b, struct cache *x, struct cache *y, bool tell_each,
			 bool *hosts)
{
	size_t it = 0, n = 0;
	const void *k;
	void *v;

	while (ovl_hash_next(&x->macs, &it, &k, &v)) {
		struct mval *w = ovl_hash_find(&y->macs, k);

		if (w && hkey_eq(&w->host, &((struct mval *)v)->host))
			continue;
		n++;
		if (tell_each)
			tell(b, K_MAC, k, NULL);
	}
	it = 0;
	while (ovl_hash_next(&x->ips, &it, &k, &v)) {
		struct ival *w = ovl_hash_find(&y->ips, k);

		if (w && !memcmp(w->mac, ((struct ival *)v)->mac, 6))
			continue;
		n++;
		if (tell_each)
			tell(b, K_IP, NULL, k);
	}
	it = 0;
	while (ovl_hash_next(&x->hosts, &it, &k, &v))
		if (!ovl_hash_find(&y->hosts, k)) {
			n++;
			*hosts = true;
		}
	return n;
}

static void watch_start(struct be *b);

static void list_done(struct be *b)
{
	bool first = !b->relists, hosts = false;
	size_t n = cache_diff(b, &b->c, &b->nc, false, &hosts) +
		   cache_diff(b, &b->nc, &b->c, false, &hosts);
	struct cache old = b->c;

	b->c = b->nc;
	memset(&b->nc, 0, sizeof(b->nc));
	b->rev = b->list_rev;
	b->synced = true;
	b->relists++;
	pr_debug("overlay %s: etcd listed at revision %" PRId64 ": %zu hosts, %zu MACs, %zu "
		 "addresses, %zu differences",
		 b->host->overlay, b->rev, ovl_hash_count(&b->c.hosts), ovl_hash_count(&b->c.macs),
		 ovl_hash_count(&b->c.ips), n);
	if (n > OVL_ETCD_CHANGES_ONE) {
		/* many: everything revalidated at once */
		b->telling = true;
		b->host->changed(b->host, OVL_CHANGE_ALL, NULL, NULL);
		b->telling = false;
	} else {
		/* each entry that changed; the peers when the hosts did, or on
		 * the first listing (the map kept them: foreach_peer said
		 * -EAGAIN until now) */
		if (n) {
			cache_diff(b, &b->c, &old, true, &hosts);
			cache_diff(b, &old, &b->c, true, &hosts);
		}
		if (hosts || first)
			tell(b, K_HOST, NULL, NULL);
	}
	cache_free(&old);
	watch_start(b);
}

static void on_list(void *arg, const struct etcd_reply *r)
{
	struct be *b = arg;
	bool down;

	b->list_req = NULL;
	down = sess_note(b->s, r);
	if (down || r->err) {
		if (!down) {
			snprintf(b->error, sizeof(b->error), "etcd: list: %s", r->msg);
			be_health(b);
		}
		cache_free(&b->nc);
		be_retry_later(b);
		return;
	}
	if (!b->list_rev)
		b->list_rev = r->revision;
	for (size_t i = 0; i < r->n_kvs; i++) {
		enum kkind kind;
		__u8 mac[6];
		struct ovl_ip ip;

		if (cache_put(b, &b->nc, &r->kvs[i], &kind, mac, &ip) < 0)
			pr_debug("overlay %s: etcd key %.*s: not ovl's, ignored", b->host->overlay,
				 (int)r->kvs[i].key_len, r->kvs[i].key);
	}
	if (r->more && r->n_kvs) {
		const struct etcd_kv *last = &r->kvs[r->n_kvs - 1];

		if (last->key_len + 1 < sizeof(b->list_next)) {
			memcpy(b->list_next, last->key, last->key_len);
			b->list_next[last->key_len] = '\0';
			b->list_next_len = last->key_len + 1;
			list_page(b);
			return;
		}
	}
	b->error[0] = '\0';
	list_done(b);
	be_health(b);
}

static void list_page(struct be *b)
{
	char end[sizeof(b->kp)];
	size_t elen = etcd_prefix_end(b->kp, b->kplen, end, sizeof(end));

	b->list_req = etcd_range(b->s->c, b->list_next, b->list_next_len, end, elen, OVL_ETCD_PAGE,
				 b->list_rev, on_list, b);
	if (!b->list_req) {
		cache_free(&b->nc);
		be_retry_later(b);
	}
}

static void list_start(struct be *b)
{
	if (b->list_req)
		return;
	cache_free(&b->nc);
	cache_init(&b->nc);
	b->list_rev = 0;
	memcpy(b->list_next, b->kp, b->kplen);
	b->list_next_len = b->kplen;
	list_page(b);
}

static struct local *local_find(struct be *b, const __u8 mac[6])
{
	for (struct local *l = b->locals; l; l = l->next)
		if (!memcmp(l->mac, mac, 6))
			return l;
	return NULL;
}

static void on_watch(void *arg, const struct etcd_watch_reply *r)
{
	struct be *b = arg;
	size_t changes = 0;

	if (r->err) {
		struct etcd_reply er = { .err = r->err, .msg = r->msg };

		etcd_watch_cancel(b->w);
		b->w = NULL;
		b->watching = false;
		sess_note(b->s, &er);
		if (r->err == -ESTALE) {
			pr_info("overlay %s: etcd compacted revision %" PRId64
				" while we were away: listing again",
				b->host->overlay, r->compact_revision);
			b->synced = false;
			list_start(b);
			return;
		}
		pr_debug("overlay %s: etcd watch: %s", b->host->overlay,
			 r->msg ? r->msg : strerror(-r->err));
		be_retry_later(b);
		return;
	}
	if (r->created) {
		struct etcd_reply ok = { 0 };

		sess_note(b->s, &ok);
		b->watching = true;
		b->backoff = 0;
		reconcile(b);
	}
	for (size_t i = 0; i < r->n_events; i++) {
		const struct etcd_event *e = &r->events[i];
		enum kkind kind;
		__u8 mac[6] = { 0 };
		struct ovl_ip ip = { 0 };
		int ch;
		struct local *l;

		if (e->kv.mod_revision <= b->rev)
			continue; /* already listed */
		b->events++;
		if (e->type == ETCD_EV_PUT)
			ch = cache_put(b, &b->c, &e->kv, &kind, mac, &ip);
		else
			ch = cache_del(b, &b->c, e->kv.key, e->kv.key_len, &kind, mac, &ip);
		if (ch > 0) {
			changes++;
			tell(b, kind, mac, &ip);
		}
		/* one of ours overwritten or removed by someone else */
		if (kind == K_MAC && (l = local_find(b, mac)) && l->st == L_DONE)
			l->st = L_PENDING;
		/* this host's key gone while it has endpoints (a withdrawal of
		 * the last one raced a new one): one publish puts it back */
		if (kind == K_HOST && e->type == ETCD_EV_DELETE && b->have_me &&
		    !ovl_hash_find(&b->c.hosts, &b->me))
			for (l = b->locals; l; l = l->next)
				if (l->st == L_DONE) {
					l->st = L_PENDING;
					break;
				}
	}
	if (r->n_events)
		trace('W', 0, r->events[r->n_events - 1].kv.mod_revision, r->n_events, b->hostid);
	if (r->revision > b->rev)
		b->rev = r->revision;
	if (changes || r->n_events)
		publish_next(b);
}

static void watch_start(struct be *b)
{
	char end[sizeof(b->kp)];
	size_t elen = etcd_prefix_end(b->kp, b->kplen, end, sizeof(end));

	if (b->w)
		etcd_watch_cancel(b->w);
	b->watching = false;
	b->w = etcd_watch(b->s->c, b->kp, b->kplen, end, elen, b->rev + 1, true, OVL_ETCD_IDLE_MS,
			  on_watch, b);
	if (!b->w)
		be_retry_later(b);
}

/* The retry timer: list or watch again, whichever is due; publish. */
static void be_retry(void *arg)
{
	struct be *b = arg;

	if (!b->synced)
		list_start(b);
	else if (!b->w)
		watch_start(b);
	publish_next(b);
}

/* ---- publishing --------------------------------------------------------- */

/* Does etcd have l as this host published it, under the current lease? */
static bool local_current(struct be *b, const struct local *l)
{
	struct mkey k;
	struct mval *v;
	struct hval *hv;

	mkey_of(&k, l->mac);
	v = ovl_hash_find(&b->c.macs, &k);
	if (!v || !hkey_eq(&v->host, &b->me) || v->lease != b->s->lease || v->nips != l->nips)
		return false;
	for (int i = 0; i < l->nips; i++) {
		struct ival *iv = ovl_hash_find(&b->c.ips, &l->ips[i]);
		bool listed = false;

		for (int j = 0; j < v->nips; j++)
			listed |= ovl_ip_eq(&v->ips[j], &l->ips[i]);
		if (!listed || !iv || memcmp(iv->mac, l->mac, 6) || !hkey_eq(&iv->host, &b->me))
			return false;
	}
	hv = ovl_hash_find(&b->c.hosts, &b->me);
	return hv && hv->lease == b->s->lease;
}

static void key_of(struct be *b, char *buf, size_t len, const char *kind, const char *name)
{
	snprintf(buf, len, "%s%s/%s", b->kp, kind, name);
}

static json_t *mac_value(struct be *b, const struct local *l)
{
	char a[OVL_IP_STRLEN];
	json_t *ips = json_array();

	for (int i = 0; i < l->nips; i++)
		json_array_append_new(ips, json_string(ovl_ip_format(&l->ips[i], a)));
	return json_pack("{s:s, s:s, s:i, s:o}", "host", b->hostid, "underlay",
			 ovl_ip_format(&b->me.ul, a), "port", (json_int_t)b->me.port, "ips", ips);
}

/* The keys of a publish: the host's, the MAC's, each address's. */
struct pubkeys {
	int n;
	char key[OVL_ETCD_ADDRS + 2][300];
	char *val[OVL_ETCD_ADDRS + 2];
};

static void pubkeys_free(struct pubkeys *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->val[i]);
}

static int pubkeys_make(struct be *b, const struct local *l, struct pubkeys *p)
{
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN];
	json_t *v;

	memset(p, 0, sizeof(*p));
	key_of(b, p->key[0], sizeof(p->key[0]), "mac", ovl_mac_format(l->mac, m));
	v = mac_value(b, l);
	p->val[0] = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	key_of(b, p->key[1], sizeof(p->key[1]), "host", b->hostid);
	v = json_pack("{s:s, s:i, s:s}", "underlay", ovl_ip_format(&b->me.ul, a), "port",
		      (json_int_t)b->me.port, "name", b->host->instance ? b->host->instance : "");
	p->val[1] = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	p->n = 2;
	for (int i = 0; i < l->nips; i++, p->n++) {
		key_of(b, p->key[p->n], sizeof(p->key[0]), "ip", ovl_ip_format(&l->ips[i], a));
		v = json_pack("{s:s, s:s}", "mac", m, "host", b->hostid);
		p->val[p->n] = v ? json_dumps(v, JSON_COMPACT) : NULL;
		json_decref(v);
	}
	for (int i = 0; i < p->n; i++)
		if (!p->val[i]) {
			pubkeys_free(p);
			return -ENOMEM;
		}
	return 0;
}

static void on_publish(void *arg, const struct etcd_reply *r);

/*
 * Publish l: the MAC's and addresses' keys created where nobody has them
 * and overwritten where they are this host's as the cache last saw them
 * (mod_revision); the host's key when etcd lacks it. When the compares fail, the
 * failure branch reads the keys back, and on_publish() says who has them.
 */
static int publish_one(struct be *b, struct local *l)
{
	struct etcd_cmp cmp[OVL_ETCD_ADDRS + 1];
	struct etcd_op ok[OVL_ETCD_ADDRS + 2], nok[OVL_ETCD_ADDRS + 1];
	struct pubkeys p;
	size_t nc = 0, nn = 0, no = 0;
	struct hval *hv = ovl_hash_find(&b->c.hosts, &b->me);
	/* the host's key only when etcd does not have it under this lease:
	 * a write less, and an event less for every watcher */
	bool host_key = !hv || hv->lease != b->s->lease;
	int ret = pubkeys_make(b, l, &p);

	if (ret)
		return ret;
	for (int i = 0; i < p.n; i++) {
		if (i == 1 && !host_key)
			continue;
		memset(&ok[no], 0, sizeof(ok[no]));
		ok[no].type = ETCD_OP_PUT;
		ok[no].key = p.key[i];
		ok[no].klen = strlen(p.key[i]);
		ok[no].value = p.val[i];
		ok[no].vlen = strlen(p.val[i]);
		ok[no].lease = b->s->lease;
		no++;
		if (i == 1)
			continue; /* the host's key is this host's alone */
		memset(&cmp[nc], 0, sizeof(cmp[nc]));
		cmp[nc].key = p.key[i];
		cmp[nc].klen = strlen(p.key[i]);
		/* this host's as last seen, or nobody's */
		cmp[nc].target = ETCD_CMP_MOD;
		cmp[nc].result = ETCD_EQUAL;
		if (i == 0) {
			struct mkey k;
			struct mval *v;

			mkey_of(&k, l->mac);
			v = ovl_hash_find(&b->c.macs, &k);
			cmp[nc].number = v && hkey_eq(&v->host, &b->me) ? v->rev : 0;
		} else {
			struct ival *v = ovl_hash_find(&b->c.ips, &l->ips[i - 2]);

			cmp[nc].number = v && hkey_eq(&v->host, &b->me) ? v->rev : 0;
		}
		nc++;
		memset(&nok[nn], 0, sizeof(nok[nn]));
		nok[nn].type = ETCD_OP_RANGE;
		nok[nn].key = p.key[i];
		nok[nn].klen = strlen(p.key[i]);
		nn++;
	}
	l->req = etcd_txn(b->s->c, cmp, nc, ok, no, nok, nn, on_publish, l);
	pubkeys_free(&p);
	if (!l->req)
		return -ENOMEM;
	l->st = L_INFLIGHT;
	if (trace_file())
		l->sent_us = trace_now();
	b->publishes++;
	return 0;
}

/* Who has what l wants, from the failure branch's reads: "" if nobody
 * else (the cache was only behind: try again). */
static void conflict_of(struct be *b, struct local *l, const struct etcd_reply *r, char *why,
			size_t len)
{
	char m[OVL_MAC_STRLEN];

	why[0] = '\0';
	for (size_t i = 0; i < r->n_kvs; i++) {
		const struct etcd_kv *kv = &r->kvs[i];
		json_t *v = value_json(kv);
		struct hkey h;
		const char *rest, *hid;
		size_t rlen;
		enum kkind kind = key_kind(b, kv->key, kv->key_len, &rest, &rlen);

		if (v && !value_host(v, &h) && !hkey_eq(&h, &b->me)) {
			hid = json_string_value(json_object_get(v, "host"));
			if (kind == K_MAC)
				snprintf(why, len, "MAC %s is published by host %s on VNI %u",
					 ovl_mac_format(l->mac, m), hid, b->host->vni);
			else
				snprintf(why, len,
					 "address %.*s is published by host %s (MAC %s) on VNI %u",
					 (int)rlen, rest, hid,
					 json_string_value(json_object_get(v, "mac")) ?: "?",
					 b->host->vni);
			json_decref(v);
			return;
		}
		json_decref(v);
	}
}

/* The keys of l into the cache as the reads of r found them (absent ones
 * removed). */
static void cache_sync_keys(struct be *b, const struct local *l, const struct etcd_reply *r)
{
	char key[300], m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN];
	enum kkind kind;
	__u8 mac[6];
	struct ovl_ip ip;

	for (int i = -1; i < l->nips; i++) {
		bool found = false;

		if (i < 0)
			key_of(b, key, sizeof(key), "mac", ovl_mac_format(l->mac, m));
		else
			key_of(b, key, sizeof(key), "ip", ovl_ip_format(&l->ips[i], a));
		for (size_t j = 0; j < r->n_kvs; j++) {
			if (r->kvs[j].key_len != strlen(key) ||
			    memcmp(r->kvs[j].key, key, r->kvs[j].key_len))
				continue;
			found = true;
			/* force it in: newer or not, this is what etcd has now */
			cache_del(b, &b->c, key, strlen(key), &kind, mac, &ip);
			cache_put(b, &b->c, &r->kvs[j], &kind, mac, &ip);
		}
		if (!found)
			cache_del(b, &b->c, key, strlen(key), &kind, mac, &ip);
	}
}

static void on_publish(void *arg, const struct etcd_reply *r)
{
	struct local *l = arg;
	struct be *b = l->be;
	char m[OVL_MAC_STRLEN];

	l->req = NULL;
	l->st = L_PENDING;
	if (sess_note(b->s, r)) {
		be_retry_later(b);
		return;
	}
	if (r->err) {
		snprintf(b->error, sizeof(b->error), "etcd: publish %s: %s",
			 ovl_mac_format(l->mac, m), r->msg);
		be_health(b);
		be_retry_later(b);
		return;
	}
	if (r->succeeded) {
		trace('P', l->sent_us, r->revision, 1, b->hostid);
		l->st = L_DONE;
		l->tries = 0;
		b->error[0] = '\0';
		pr_debug("overlay %s: %s published", b->host->overlay, ovl_mac_format(l->mac, m));
		be_health(b);
		publish_next(b);
		return;
	}
	conflict_of(b, l, r, l->why, sizeof(l->why));
	if (l->why[0]) {
		l->st = L_CONFLICT;
		b->conflicts++;
		pr_err("overlay %s: %s: not published", b->host->overlay, l->why);
		be_health(b);
		publish_next(b);
		return;
	}
	/* The cache was behind etcd on keys of this host (or on keys that
	 * are gone): take what etcd has, forget what it has not, try again. */
	if (++l->tries > 5) {
		snprintf(b->error, sizeof(b->error), "etcd: publish %s: its keys keep changing",
			 ovl_mac_format(l->mac, m));
		be_health(b);
		be_retry_later(b);
		return;
	}
	cache_sync_keys(b, l, r);
	publish_next(b);
}

/* Publish what is due, at most OVL_ETCD_INFLIGHT transactions at a time
 * per overlay (the endpoints' keys do not overlap: they do not race). */
static void publish_next(struct be *b)
{
	unsigned int inflight = 0;

	if (!b->synced || b->s->ls != LS_OK || !b->have_me)
		return;
	for (struct local *l = b->locals; l; l = l->next)
		inflight += l->st == L_INFLIGHT;
	for (struct local *l = b->locals; l && inflight < OVL_ETCD_INFLIGHT; l = l->next) {
		if (l->st != L_PENDING)
			continue;
		if (local_current(b, l)) {
			l->st = L_DONE;
			continue;
		}
		if (publish_one(b, l)) {
			be_retry_later(b);
			return;
		}
		inflight++;
	}
}

/* Keys to delete in one transaction, each only if its mod_revision is
 * still the one the cache saw (another host's write is never undone). */
#define OVL_ETCD_DELETES 64

struct deletes {
	size_t n;
	char keys[OVL_ETCD_DELETES][300];
	struct etcd_cmp cmp[OVL_ETCD_DELETES];
	struct etcd_op del[OVL_ETCD_DELETES];
};

/* Add the key PREFIX/.../kind/name at revision rev. Return: false when full. */
static bool deletes_add(struct deletes *d, struct be *b, const char *kind, const char *name,
			int64_t rev)
{
	size_t i = d->n;

	if (i == OVL_ETCD_DELETES)
		return false;
	key_of(b, d->keys[i], sizeof(d->keys[i]), kind, name);
	memset(&d->cmp[i], 0, sizeof(d->cmp[i]));
	memset(&d->del[i], 0, sizeof(d->del[i]));
	d->cmp[i].key = d->del[i].key = d->keys[i];
	d->cmp[i].klen = d->del[i].klen = strlen(d->keys[i]);
	d->cmp[i].target = ETCD_CMP_MOD;
	d->cmp[i].result = ETCD_EQUAL;
	d->cmp[i].number = rev;
	d->del[i].type = ETCD_OP_DELETE;
	d->n++;
	return true;
}

static struct etcd_req *deletes_send(struct deletes *d, struct be *b, etcd_cb cb, void *arg)
{
	return etcd_txn(b->s->c, d->cmp, d->n, d->del, d->n, NULL, 0, cb, arg);
}

static void on_sweep(void *arg, const struct etcd_reply *r)
{
	struct be *b = arg;

	b->sweep_req = NULL;
	if (sess_note(b->s, r) || r->err)
		be_retry_later(b);
}

/*
 * After a listing (or a watch started again): what etcd has of this host
 * that is no local endpoint any more (it went while etcd was away, or
 * while ovld was down) is deleted, each key only if it is still what the
 * cache saw; what the local endpoints need is published.
 */
static void reconcile(struct be *b)
{
	struct deletes *d;
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN];
	size_t it = 0;
	const void *k;
	void *v;
	bool room = true;

	if (b->s->ls != LS_OK || !b->have_me)
		return;
	for (struct local *l = b->locals; l; l = l->next)
		if (l->st == L_DONE && !local_current(b, l))
			l->st = L_PENDING;
	d = b->sweep_req ? NULL : calloc(1, sizeof(*d));
	while (d && room && ovl_hash_next(&b->c.macs, &it, &k, &v)) {
		struct mval *mv = v;

		if (hkey_eq(&mv->host, &b->me) && !local_find(b, k))
			room = deletes_add(d, b, "mac", ovl_mac_format(k, m), mv->rev);
	}
	it = 0;
	while (d && room && ovl_hash_next(&b->c.ips, &it, &k, &v)) {
		struct ival *iv = v;

		if (hkey_eq(&iv->host, &b->me) && !local_find(b, iv->mac))
			room = deletes_add(d, b, "ip", ovl_ip_format(k, a), iv->rev);
	}
	if (d && room && !b->locals) {
		struct hval *hv = ovl_hash_find(&b->c.hosts, &b->me);

		if (hv)
			deletes_add(d, b, "host", b->hostid, hv->rev);
	}
	if (d && d->n) {
		pr_info("overlay %s: %zu stale keys of this host in etcd: deleting them",
			b->host->overlay, d->n);
		b->sweep_req = deletes_send(d, b, on_sweep, b);
	}
	free(d);
	publish_next(b);
}

static void be_lease_ready(struct be *b, bool fresh)
{
	if (fresh)
		for (struct local *l = b->locals; l; l = l->next)
			if (l->st == L_DONE)
				l->st = L_PENDING;
	if (b->synced && b->watching)
		reconcile(b);
}

/* ---- the backend operations -------------------------------------------------- */

static int etcd_open(json_t *props, struct ovl_backend_host *host, void **priv, char *err,
		     size_t errlen)
{
	const char *pfx = prop(props, "etcd/prefix");
	struct be *b;

	if (!pfx)
		pfx = OVL_ETCD_PREFIX;
	b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	b->host = host;
	b->kplen = (size_t)snprintf(b->kp, sizeof(b->kp), "%s/v1/vni/%u/", pfx, host->vni);
	if (b->kplen >= sizeof(b->kp)) {
		snprintf(err, errlen, "etcd/prefix: too long");
		free(b);
		return -EINVAL;
	}
	if (host->local && !host->local(host, &b->me.ul, &b->me.port)) {
		b->have_me = true;
		hostid_format(&b->me, b->hostid, sizeof(b->hostid));
	}
	cache_init(&b->c);
	b->retry = loop_timer_new(host->loop, be_retry, b);
	if (!b->retry) {
		snprintf(err, errlen, "out of memory");
		free(b);
		return -ENOMEM;
	}
	b->s = sess_get(props, host, err, errlen);
	if (!b->s) {
		loop_timer_free(b->retry);
		free(b);
		return -EINVAL;
	}
	b->next = b->s->bes;
	b->s->bes = b;
	be_health(b);
	list_start(b);
	*priv = b;
	return 0;
}

static void etcd_close(void *priv)
{
	struct be *b = priv;
	struct be **pp;

	for (pp = &b->s->bes; *pp && *pp != b; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = b->next;
	if (b->list_req)
		etcd_cancel(b->list_req);
	if (b->sweep_req)
		etcd_cancel(b->sweep_req);
	if (b->w)
		etcd_watch_cancel(b->w);
	while (b->locals) {
		struct local *l = b->locals;

		b->locals = l->next;
		if (l->req)
			etcd_cancel(l->req);
		free(l);
	}
	while (b->reads) {
		struct rd *r = b->reads;

		b->reads = r->next;
		etcd_cancel(r->req);
		free(r);
	}
	loop_timer_free(b->retry);
	cache_free(&b->c);
	cache_free(&b->nc);
	sess_put(b->s);
	free(b);
}

/* The answer to a direct read, from the cache (which the read, or the
 * watch before it, filled); rd is freed. */
static void read_answer(struct be *b, struct rd *rd)
{
	struct ovl_answer a = { 0 };

	a.type = rd->l2			       ? OVL_EVT_MISS_L2 :
		 rd->ip.family == OVL_AF_INET4 ? OVL_EVT_MISS_ARP :
						 OVL_EVT_MISS_NDP;
	memcpy(a.mac, rd->mac, 6);
	a.ip = rd->ip;
	a.err = -ENOENT;
	if (rd->l2) {
		struct mkey k;
		struct mval *v;

		mkey_of(&k, rd->mac);
		v = ovl_hash_find(&b->c.macs, &k);
		if (v) {
			a.err = 0;
			a.ip = v->host.ul;
			a.port = v->host.port;
		}
	} else {
		struct ival *v = ovl_hash_find(&b->c.ips, &rd->ip);

		if (v) {
			a.err = 0;
			memcpy(a.mac, v->mac, 6);
		}
	}
	free(rd);
	b->host->answer(b->host, &a);
}

static void read_unlink(struct be *b, struct rd *rd)
{
	struct rd **pp;

	for (pp = &b->reads; *pp && *pp != rd; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = rd->next;
}

static void on_read(void *arg, const struct etcd_reply *r)
{
	struct rd *rd = arg;
	struct be *b = rd->be;

	read_unlink(b, rd);
	sess_note(b->s, r);
	if (!r->err && r->n_kvs) {
		enum kkind kind;
		__u8 mac[6];
		struct ovl_ip ip;

		/* the watch may bring it too; the cache takes the newer */
		cache_put(b, &b->c, &r->kvs[0], &kind, mac, &ip);
	}
	read_answer(b, rd);
}

/* The watch brought what a direct read is still asking for (a member in
 * an election can hold a read for seconds): answered now. */
static void reads_settle(struct be *b, enum kkind kind, const __u8 *mac, const struct ovl_ip *ip)
{
	if (kind == K_MAC ? !mac : !ip)
		return;
	for (struct rd *rd = b->reads; rd; rd = rd->next) {
		if (kind == K_MAC ? !rd->l2 || memcmp(rd->mac, mac, 6) :
				    rd->l2 || !ovl_ip_eq(&rd->ip, ip))
			continue;
		read_unlink(b, rd);
		etcd_cancel(rd->req);
		read_answer(b, rd);
		return;
	}
}

/* Ask etcd directly for what the cache does not have (yet). */
static int read_direct(struct be *b, bool l2, const __u8 *mac, const struct ovl_ip *ip)
{
	char key[300], s[OVL_IP_STRLEN];
	struct rd *rd;

	if (!b->s->connected || b->telling)
		return -ENOENT;
	for (rd = b->reads; rd; rd = rd->next)
		if (rd->l2 == l2 && (l2 ? !memcmp(rd->mac, mac, 6) : ovl_ip_eq(&rd->ip, ip)))
			return -EAGAIN;
	rd = calloc(1, sizeof(*rd));
	if (!rd)
		return -ENOMEM;
	rd->be = b;
	rd->l2 = l2;
	if (l2) {
		memcpy(rd->mac, mac, 6);
		key_of(b, key, sizeof(key), "mac", ovl_mac_format(mac, s));
	} else {
		rd->ip = *ip;
		key_of(b, key, sizeof(key), "ip", ovl_ip_format(ip, s));
	}
	rd->req = etcd_range(b->s->c, key, strlen(key), NULL, 0, 0, 0, on_read, rd);
	if (!rd->req) {
		free(rd);
		return -ENOMEM;
	}
	rd->next = b->reads;
	b->reads = rd;
	return -EAGAIN;
}

static int etcd_lookup_l2(void *priv, const __u8 mac[6], struct ovl_ip *ip, __u16 *port)
{
	struct be *b = priv;
	struct mkey k;
	struct mval *v;

	mkey_of(&k, mac);
	v = ovl_hash_find(&b->c.macs, &k);
	if (v) {
		*ip = v->host.ul;
		*port = v->host.port;
		return 0;
	}
	{
		const struct ovl_ip none = { 0 };

		return read_direct(b, true, mac, &none);
	}
}

static int etcd_lookup_l3(void *priv, const struct ovl_ip *ip, __u8 mac[6])
{
	struct be *b = priv;
	struct ovl_ip k;
	struct ival *v;

	ikey_of(&k, ip);
	v = ovl_hash_find(&b->c.ips, &k);
	if (v) {
		memcpy(mac, v->mac, 6);
		return 0;
	}
	{
		const __u8 none[6] = { 0 };

		return read_direct(b, false, none, &k);
	}
}

static int etcd_foreach_peer(void *priv, int (*cb)(const struct ovl_ip *ip, void *arg), void *arg)
{
	struct be *b = priv;
	size_t it = 0;
	const void *k;
	void *v;
	int ret;

	if (!b->synced)
		return -EAGAIN; /* the pinned peers stay until the listing */
	while (ovl_hash_next(&b->c.hosts, &it, &k, &v)) {
		ret = cb(&((struct hkey *)k)->ul, arg);
		if (ret)
			return ret;
	}
	return 0;
}

static size_t etcd_entries(void *priv)
{
	struct be *b = priv;

	return ovl_hash_count(&b->c.macs);
}

static const char *etcd_source(void *priv, char *buf, size_t len)
{
	struct be *b = priv;

	snprintf(buf, len, "etcd %s", b->s->endpoints);
	return buf;
}

static int etcd_publish(void *priv, const __u8 mac[6], const struct ovl_ip *addrs, int n, char *err,
			size_t errlen)
{
	struct be *b = priv;
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN], hid[64];
	struct mkey k;
	struct mval *mv;
	struct local *l;

	if (n > OVL_ETCD_ADDRS)
		n = OVL_ETCD_ADDRS;
	/* what the cache knows another host has: refused now */
	mkey_of(&k, mac);
	mv = ovl_hash_find(&b->c.macs, &k);
	if (mv && b->have_me && !hkey_eq(&mv->host, &b->me)) {
		hostid_format(&mv->host, hid, sizeof(hid));
		snprintf(err, errlen, "MAC %s is published by host %s on VNI %u (etcd)",
			 ovl_mac_format(mac, m), hid, b->host->vni);
		return -EEXIST;
	}
	for (int i = 0; i < n; i++) {
		struct ovl_ip ik;
		struct ival *iv;

		ikey_of(&ik, &addrs[i]);
		iv = ovl_hash_find(&b->c.ips, &ik);
		if (iv && b->have_me && (!hkey_eq(&iv->host, &b->me) || memcmp(iv->mac, mac, 6)) &&
		    !(hkey_eq(&iv->host, &b->me) && !local_find(b, iv->mac))) {
			hostid_format(&iv->host, hid, sizeof(hid));
			snprintf(err, errlen,
				 "address %s is published by host %s (MAC %s) on VNI %u (etcd)",
				 ovl_ip_format(&addrs[i], a), hid, ovl_mac_format(iv->mac, m),
				 b->host->vni);
			return -EADDRINUSE;
		}
	}
	if (!b->have_me) {
		snprintf(err, errlen,
			 "this host has no underlay address to publish (ovld --listen-ip or "
			 "vxlan/listen_ip)");
		return -EADDRNOTAVAIL;
	}
	l = local_find(b, mac);
	if (!l) {
		l = calloc(1, sizeof(*l));
		if (!l) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		memcpy(l->mac, mac, 6);
		l->be = b;
		/* at the tail: published in the order they came */
		struct local **pp = &b->locals;

		while (*pp)
			pp = &(*pp)->next;
		*pp = l;
	} else if (l->req) {
		etcd_cancel(l->req);
		l->req = NULL;
	}
	l->nips = 0;
	for (int i = 0; i < n; i++)
		ikey_of(&l->ips[l->nips++], &addrs[i]);
	l->st = L_PENDING;
	l->tries = 0;
	publish_next(b);
	return 0;
}

static void etcd_withdraw(void *priv, const __u8 mac[6])
{
	struct be *b = priv;
	struct local *l, **pp;
	struct mkey k;
	struct mval *mv;
	struct deletes *d;
	char m[OVL_MAC_STRLEN], a[OVL_IP_STRLEN];

	for (pp = &b->locals; *pp && memcmp((*pp)->mac, mac, 6); pp = &(*pp)->next)
		;
	l = *pp;
	if (!l)
		return;
	*pp = l->next;
	if (l->req)
		etcd_cancel(l->req);
	free(l);
	be_health(b);
	mkey_of(&k, mac);
	mv = ovl_hash_find(&b->c.macs, &k);
	if (!mv || !hkey_eq(&mv->host, &b->me) || !b->s->connected)
		return; /* the sweep after the next listing takes it */
	d = calloc(1, sizeof(*d));
	if (!d)
		return; /* so does it here */
	deletes_add(d, b, "mac", ovl_mac_format(mac, m), mv->rev);
	for (int i = 0; i < mv->nips; i++) {
		struct ival *iv = ovl_hash_find(&b->c.ips, &mv->ips[i]);

		if (iv && hkey_eq(&iv->host, &b->me) && !memcmp(iv->mac, mac, 6))
			deletes_add(d, b, "ip", ovl_ip_format(&mv->ips[i], a), iv->rev);
	}
	if (!b->locals) {
		/* the last endpoint of the VNI here: this host is no peer of it */
		struct hval *hv = ovl_hash_find(&b->c.hosts, &b->me);

		if (hv) {
			deletes_add(d, b, "host", b->hostid, hv->rev);
			/* forgotten now: a publish before the watch says so
			 * writes it again */
			ovl_hash_delete(&b->c.hosts, &b->me);
		}
	}
	b->s->lingering++;
	if (!deletes_send(d, b, linger_done, b->s))
		b->s->lingering--;
	free(d);
}

static json_t *etcd_status(void *priv)
{
	struct be *b = priv;
	struct session *s = b->s;
	char lease[24];
	unsigned int pending = 0, published = 0, conflicts = 0;

	for (struct local *l = b->locals; l; l = l->next) {
		pending += l->st == L_PENDING || l->st == L_INFLIGHT;
		published += l->st == L_DONE;
		conflicts += l->st == L_CONFLICT;
	}
	snprintf(lease, sizeof(lease), "%" PRIx64, s->lease);
	return json_pack("{s:s, s:b, s:s, s:s, s:i, s:I, s:b, s:b, s:i, s:i, s:i, s:i, s:i, s:s, "
			 "s:I, s:I, s:I}",
			 "endpoints", s->endpoints, "connected", s->connected, "member", s->member,
			 "lease", s->ls == LS_OK ? lease : "", "lease_ttl", (json_int_t)s->ttl,
			 "revision", (json_int_t)b->rev, "synced", b->synced, "watching",
			 b->watching, "hosts", (json_int_t)ovl_hash_count(&b->c.hosts), "macs",
			 (json_int_t)ovl_hash_count(&b->c.macs), "published", (json_int_t)published,
			 "pending", (json_int_t)pending, "conflicts", (json_int_t)conflicts,
			 "host_id", b->hostid, "events", (json_int_t)b->events, "relists",
			 (json_int_t)b->relists, "publishes", (json_int_t)b->publishes);
}

const struct ovl_backend_ops ovl_backend_etcd = {
	.info = &ovl_info_etcd,
	.open = etcd_open,
	.lookup_l2 = etcd_lookup_l2,
	.lookup_l3 = etcd_lookup_l3,
	.foreach_peer = etcd_foreach_peer,
	.close = etcd_close,
	.source = etcd_source,
	.entries = etcd_entries,
	.publish = etcd_publish,
	.withdraw = etcd_withdraw,
	.status = etcd_status,
};
