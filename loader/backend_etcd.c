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
#include <stdarg.h>
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
#include "ipam_range.h"
#include "hash.h"
#include "log.h"
#include "loop.h"

#define OVL_ETCD_BACKOFF_MIN 100
#define OVL_ETCD_BACKOFF_MAX 1000
#define OVL_ETCD_PAGE	     1000
#define OVL_ETCD_IDLE_MS     60000 /* a watch quiet this long is started again */
#define OVL_ETCD_ADDRS	     (OVL_CTL_EP_ADDRS + 1)
#define OVL_ETCD_TTL	     60
#define OVL_ETCD_IPAM_TTL    86400
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

/* An address allocation of ovl-ipam (PREFIX/v1/vni/VNI/ipam/ADDR). */
struct aval {
	struct hkey host;
	char *owner; /* malloc'ed: "cni:NETWORK/CONTAINERID/IFNAME" */
	long long at;
	int64_t rev, lease;
};

struct cache {
	struct ovl_hash hosts, macs, ips; /* hkey->hval, mkey->mval, ovl_ip->ival */
	struct ovl_hash ipam;		  /* ovl_ip->aval */
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
	bool ipam_reconciled; /* since the IPAM lease was (re)granted */
	unsigned long long events, relists, publishes, conflicts;
	/* ovl-ipam: requests queued or under way, in the order they came */
	struct ipreq *ipreqs;
	struct ovl_timer *ipam_timer; /* the deadline of a queued one */
	json_t *recs;		      /* this host's allocations, as saved: {ADDR: OWNER} */
	unsigned long long allocs, allocs_retried, frees;
};

struct sfd {
	struct sfd *next;
	int fd;
	struct ovl_source *src;
	struct session *s;
};

enum lease_state { LS_NONE, LS_CHECKING, LS_GRANTING, LS_OK };

struct lease {
	struct session *s;
	const char *name;   /* "lease", "IPAM lease": for messages */
	const char *suffix; /* of its key in the lease file: "" or "#ipam" */
	long ttl;
	int64_t id;
	enum lease_state ls;
	struct etcd_req *req;
	struct ovl_timer *timer; /* keepalive, or the next try */
	unsigned int backoff;
	void (*ready)(struct session *s, bool fresh); /* fresh: a new id */
};

struct session {
	struct session *next;
	char id[2048]; /* what tells two clusters apart: endpoints and credentials */
	char endpoints[1024];
	int refs;
	struct etcd *c;
	struct ovl_loop *loop;
	struct ovl_timer *io_timer;
	struct sfd *fds;
	struct lease sl; /* the session's: endpoint keys */
	struct lease il; /* the IPAM lease: address allocations (ovl-ipam(8)) */
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
	    ovl_hash_init(&c->ips, sizeof(struct ovl_ip), sizeof(struct ival)) ||
	    ovl_hash_init(&c->ipam, sizeof(struct ovl_ip), sizeof(struct aval)))
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
	it = 0;
	while (ovl_hash_next(&c->ipam, &it, &k, &v))
		free(((struct aval *)v)->owner);
	ovl_hash_free(&c->ipam);
	ovl_hash_free(&c->hosts);
	ovl_hash_free(&c->macs);
	ovl_hash_free(&c->ips);
}

/* What a key under kp names: its kind and the rest. */
enum kkind { K_OTHER, K_HOST, K_MAC, K_IP, K_IPAM };

static enum kkind key_kind(const struct be *b, const char *key, size_t klen, const char **rest,
			   size_t *rlen)
{
	static const struct {
		const char *p;
		enum kkind k;
	} kinds[] = { { "host/", K_HOST },
		      { "mac/", K_MAC },
		      { "ip/", K_IP },
		      { "ipam/", K_IPAM } };

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
	} else if (*kind == K_IPAM) {
		struct aval av = { .rev = kv->mod_revision, .lease = kv->lease }, *old;
		const char *o = json_string_value(json_object_get(v, "owner"));

		if (name_ip(rest, rlen, ip) || !o || value_host(v, &av.host))
			goto out;
		av.at = (long long)json_integer_value(json_object_get(v, "at"));
		ret = 0; /* nothing the data path sees */
		old = ovl_hash_find(&c->ipam, ip);
		if (old && old->rev > av.rev)
			goto out;
		av.owner = strdup(o);
		if (!av.owner) {
			ret = -ENOMEM;
			goto out;
		}
		if (old) {
			free(old->owner);
			*old = av;
		} else if (ovl_hash_insert(&c->ipam, ip, &av)) {
			free(av.owner);
			ret = -ENOMEM;
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
	if (*kind == K_IPAM) {
		struct aval *v;

		if (name_ip(rest, rlen, ip) || !(v = ovl_hash_find(&c->ipam, ip)))
			return 0;
		free(v->owner);
		ovl_hash_delete(&c->ipam, ip);
		return 0; /* nothing the data path sees */
	}
	return 0;
}

int ovl_etcd_cache_apply(const char *prefix, __u32 vni, const struct etcd_kv *kvs, const bool *del,
			 size_t n)
{
	struct be *b = calloc(1, sizeof(*b));
	int changed = 0;

	if (!b)
		return -ENOMEM;
	b->kplen = (size_t)snprintf(b->kp, sizeof(b->kp), "%s/v1/vni/%u/", prefix, vni);
	if (b->kplen >= sizeof(b->kp) || cache_init(&b->c)) {
		free(b);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		enum kkind kind;
		struct ovl_ip ip;
		__u8 mac[6];
		int ret = del[i] ?
				  cache_del(b, &b->c, kvs[i].key, kvs[i].key_len, &kind, mac, &ip) :
				  cache_put(b, &b->c, &kvs[i], &kind, mac, &ip);

		if (ret > 0)
			changed++;
	}
	cache_free(&b->c);
	free(b);
	return changed;
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
static void ipam_lease_ready(struct be *b, bool fresh);
static void ipam_reconcile(struct be *b);
static void ipam_kick(struct be *b);

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

/*
 * A lease of the session, kept alive by its timer; its id is kept in the
 * state directory (etcd-lease.json, by cluster), so that a restarted ovld
 * takes it up again when etcd still has it. Two per session: the session
 * lease (what this host publishes: gone when the host is) and the IPAM
 * lease (its address allocations: gone when the host has been away much
 * longer, ovl-ipam(8)).
 */
static void lease_file_key(const struct lease *l, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", l->s->endpoints, l->suffix);
}

static int64_t lease_load(struct lease *l)
{
	char k[sizeof(l->s->endpoints) + 16];
	json_t *j = json_load_file(l->s->lease_file, 0, NULL);
	const char *v;
	int64_t id;

	lease_file_key(l, k, sizeof(k));
	v = json_string_value(json_object_get(j, k));
	id = v ? strtoll(v, NULL, 16) : 0;
	json_decref(j);
	return id;
}

static void lease_save(struct lease *l)
{
	struct session *s = l->s;
	char tmp[sizeof(s->lease_file) + 8], id[24], k[sizeof(s->endpoints) + 16];
	json_t *j = json_load_file(s->lease_file, 0, NULL);

	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object();
	}
	snprintf(id, sizeof(id), "%" PRIx64, l->id);
	lease_file_key(l, k, sizeof(k));
	json_object_set_new(j, k, json_string(id));
	snprintf(tmp, sizeof(tmp), "%s.tmp", s->lease_file);
	if (json_dump_file(j, tmp, JSON_INDENT(2)) || rename(tmp, s->lease_file))
		pr_warn("etcd: cannot save the %s in %s: %s (a restart will take a new one)",
			l->name, s->lease_file, strerror(errno));
	json_decref(j);
}

static void lease_start(struct lease *l);

static void lease_retry(struct lease *l)
{
	loop_timer_arm(l->timer, backoff_next(&l->backoff));
}

static void lease_ok(struct lease *l, bool fresh)
{
	l->ls = LS_OK;
	l->backoff = 0;
	loop_timer_arm(l->timer, (uint64_t)(l->ttl * 1000 / 3));
	l->ready(l->s, fresh);
}

static void on_grant(void *arg, const struct etcd_reply *r)
{
	struct lease *l = arg;
	struct session *s = l->s;

	l->req = NULL;
	if (sess_note(s, r) || r->err) {
		if (r->err && !s->error[0]) {
			snprintf(s->error, sizeof(s->error), "etcd: %s grant: %s", l->name, r->msg);
			sess_health(s);
		}
		l->ls = LS_NONE;
		lease_retry(l);
		return;
	}
	l->id = r->lease_id;
	pr_info("etcd %s: %s %" PRIx64 " granted, TTL %" PRId64 " s", s->endpoints, l->name, l->id,
		r->ttl);
	lease_save(l);
	lease_ok(l, true);
}

static void lease_grant(struct lease *l)
{
	l->ls = LS_GRANTING;
	l->req = etcd_lease_grant(l->s->c, l->ttl, 0, on_grant, l);
	if (!l->req) {
		l->ls = LS_NONE;
		lease_retry(l);
	}
}

static void on_ttl(void *arg, const struct etcd_reply *r)
{
	struct lease *l = arg;
	struct session *s = l->s;

	l->req = NULL;
	if (sess_note(s, r)) {
		l->ls = LS_NONE;
		lease_retry(l);
		return;
	}
	if (r->err || r->ttl <= 0) {
		pr_info("etcd %s: %s %" PRIx64 " is gone: a new one", s->endpoints, l->name, l->id);
		lease_grant(l);
		return;
	}
	pr_info("etcd %s: %s %" PRIx64 " kept, %" PRId64 " s left", s->endpoints, l->name, l->id,
		r->ttl);
	lease_ok(l, false);
}

static void on_keepalive(void *arg, const struct etcd_reply *r)
{
	struct lease *l = arg;
	struct session *s = l->s;

	l->req = NULL;
	if (sess_note(s, r)) {
		lease_retry(l);
		return;
	}
	if (r->err == -ENOENT || (!r->err && r->ttl <= 0)) {
		pr_warn("etcd %s: %s %" PRIx64 " expired: a new one, and what it held again",
			s->endpoints, l->name, l->id);
		lease_grant(l);
		return;
	}
	if (r->err) {
		lease_retry(l);
		return;
	}
	loop_timer_arm(l->timer, (uint64_t)(l->ttl * 1000 / 3));
}

/* The keepalive timer: keep the lease, or get one. */
static void ka_fired(void *arg)
{
	struct lease *l = arg;

	if (l->req)
		return;
	switch (l->ls) {
	case LS_OK:
		l->req = etcd_lease_keepalive(l->s->c, l->id, on_keepalive, l);
		break;
	case LS_NONE:
		lease_start(l);
		return;
	default:
		return;
	}
	if (!l->req)
		lease_retry(l);
}

static void lease_start(struct lease *l)
{
	if (!l->id)
		l->id = lease_load(l);
	if (l->id) {
		l->ls = LS_CHECKING;
		l->req = etcd_lease_timetolive(l->s->c, l->id, on_ttl, l);
		if (!l->req) {
			l->ls = LS_NONE;
			lease_retry(l);
		}
		return;
	}
	lease_grant(l);
}

static void sess_lease_ready(struct session *s, bool fresh)
{
	for (struct be *b = s->bes; b; b = b->next)
		be_lease_ready(b, fresh);
}

static void sess_ipam_ready(struct session *s, bool fresh)
{
	for (struct be *b = s->bes; b; b = b->next)
		ipam_lease_ready(b, fresh);
}

static int lease_init(struct lease *l, struct session *s, const char *name, const char *suffix,
		      long ttl, void (*ready)(struct session *s, bool fresh))
{
	l->s = s;
	l->name = name;
	l->suffix = suffix;
	l->ttl = ttl;
	l->ready = ready;
	l->timer = loop_timer_new(s->loop, ka_fired, l);
	return l->timer ? 0 : -ENOMEM;
}

static void lease_fini(struct lease *l)
{
	if (l->req)
		etcd_cancel(l->req);
	l->req = NULL;
	loop_timer_free(l->timer);
	l->timer = NULL;
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
	json_t *ttlj = json_object_get(props, "etcd/lease-ttl"),
	       *ittlj = json_object_get(props, "etcd/ipam-ttl");
	const char *list[16];
	struct etcd_io io;
	struct etcd_cfg cfg;
	char buf[1024], *pw = NULL;
	struct session *s;
	size_t n;
	long ttl = ttlj ? ovl_prop_secs(ttlj) : OVL_ETCD_TTL;
	long ittl = ittlj ? ovl_prop_secs(ittlj) : OVL_ETCD_IPAM_TTL;
	char id[2048];

	if (!eps || strlen(eps) >= sizeof(buf)) {
		snprintf(err, errlen, "etcd/endpoints: expected URL[,URL...]");
		return NULL;
	}
	if (ttl < 0) {
		snprintf(err, errlen, "etcd/lease-ttl: not a whole number of seconds (1-86400)");
		return NULL;
	}
	if (ittl < 0) {
		snprintf(err, errlen, "etcd/ipam-ttl: not a whole number of seconds (1-86400)");
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
			if (s->sl.ttl != ttl || s->il.ttl != ittl) {
				snprintf(
					err, errlen,
					"etcd/lease-ttl %ld, etcd/ipam-ttl %ld: this host's leases "
					"on %s are %ld s and %ld s (one of each per cluster)",
					ttl, ittl, eps, s->sl.ttl, s->il.ttl);
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
	if (s->io_timer && !lease_init(&s->sl, s, "lease", "", ttl, sess_lease_ready) &&
	    !lease_init(&s->il, s, "IPAM lease", "#ipam", ittl, sess_ipam_ready))
		s->c = etcd_new(&cfg, &io, err, errlen);
	if (pw) {
		memset(pw, 0, strlen(pw));
		free(pw);
	}
	if (!s->c) {
		if (!s->io_timer || !s->sl.timer || !s->il.timer)
			snprintf(err, errlen, "out of memory");
		loop_timer_free(s->io_timer);
		lease_fini(&s->sl);
		lease_fini(&s->il);
		free(s);
		return NULL;
	}
	/* no error until a member fails to answer: `overlay list` shows
	 * "connected": false meanwhile */
	s->next = sessions;
	sessions = s;
	lease_start(&s->sl);
	lease_start(&s->il);
	return s;
}

static void sess_free(struct session *s)
{
	struct session **pp;

	for (pp = &sessions; *pp && *pp != s; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = s->next;
	lease_fini(&s->sl);
	lease_fini(&s->il);
	etcd_free(s->c);
	while (s->fds) {
		struct sfd *f = s->fds;

		s->fds = f->next;
		loop_del_fd(f->src);
		free(f);
	}
	loop_timer_free(s->io_timer);
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
	ipam_reconcile(b);
	ipam_kick(b);
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
	if (!v || !hkey_eq(&v->host, &b->me) || v->lease != b->s->sl.id || v->nips != l->nips)
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
	return hv && hv->lease == b->s->sl.id;
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
	bool host_key = !hv || hv->lease != b->s->sl.id;
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
		ok[no].lease = b->s->sl.id;
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

	if (!b->synced || b->s->sl.ls != LS_OK || !b->have_me)
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

	if (b->s->sl.ls != LS_OK || !b->have_me)
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

/* ---- ovl-ipam: address allocations (ovl-ipam(8)) -------------------------------- */

/*
 * An allocation is PREFIX/v1/vni/VNI/ipam/ADDR {"host", "owner", "at"},
 * created by a transaction that holds only if the key does not exist
 * (create_revision 0), on the IPAM lease. The candidates come from the
 * cache (the watch keeps it current), from an offset hashed from this host
 * and the owner, so that hosts rarely race for one; an address this host
 * is allocating already is skipped; a lost race teaches the cache (the
 * failure branch reads the key back) and another candidate is tried.
 * Requests of one owner run one after the other, in the order they came
 * (a DEL after its ADD's transaction, never beside it). What this host
 * allocated is also kept in the state directory (etcd-ipam.json), so that
 * after its IPAM lease expired it takes back what its endpoints still use.
 */
#define OVL_IPAM_TRIES	   16	/* transactions of one request before giving up */
#define OVL_IPAM_QUEUE_MS  8000 /* a request that could not start by then fails */
#define OVL_IPAM_OWNER_MAX 512
#define OVL_IPAM_MSG_MAX   512
#define OVL_IPAM_TXN_OPS   64 /* deletes of one transaction (etcd allows 128 ops) */

enum ipop { IP_ADD, IP_DEL, IP_CHECK, IP_GC, IP_LIST, IP_RESTORE };

struct ipreq {
	struct ipreq *next, **pprev; /* in b->ipreqs */
	struct be *b;
	enum ipop op;
	char owner[OVL_IPAM_OWNER_MAX]; /* "" for GC and LIST */
	json_t *args;			/* the control request (a reference) */
	struct ovl_ipam_set sets[OVL_IPAM_SETS];
	int nsets;
	bool want_set[OVL_IPAM_SETS];
	struct ovl_ip want[OVL_IPAM_SETS];
	struct ovl_ip cand[OVL_IPAM_SETS];
	bool fresh[OVL_IPAM_SETS]; /* cand is to be created (not the owner's already) */
	bool chosen;		   /* cand is valid: other requests skip it */
	int tries;
	bool started;
	long long deadline; /* CLOCK_MONOTONIC ms: not started by then, it fails */
	struct etcd_req *er;
	ovl_ipam_done_fn done;
	void *arg;
	/* DEL, GC: the keys of the transaction under way, and what went */
	struct ovl_ip dels[OVL_IPAM_TXN_OPS];
	int ndels;
	long long released;
};

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ipam_key(struct be *b, const struct ovl_ip *ip, char *buf, size_t len)
{
	char a[OVL_IP_STRLEN];

	key_of(b, buf, len, "ipam", ovl_ip_format(ip, a));
}

static void recs_path(struct be *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s/etcd-ipam.json", b->host->state_dir ? b->host->state_dir : ".");
}

/* This host's allocations of the VNI, as the state directory has them. */
static void recs_load(struct be *b)
{
	char path[300];
	json_t *j, *mine;

	recs_path(b, path, sizeof(path));
	j = json_load_file(path, 0, NULL);
	mine = json_object_get(j, b->kp);
	b->recs = json_is_object(mine) ? json_incref(mine) : json_object();
	json_decref(j);
}

static void recs_save(struct be *b)
{
	char path[300], tmp[310];
	json_t *j;

	recs_path(b, path, sizeof(path));
	j = json_load_file(path, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object();
	}
	if (json_object_size(b->recs))
		json_object_set(j, b->kp, b->recs);
	else
		json_object_del(j, b->kp);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (json_dump_file(j, tmp, JSON_INDENT(1)) || rename(tmp, path))
		pr_warn("overlay %s: cannot save this host's ovl-ipam allocations in %s: %s",
			b->host->overlay, path, strerror(errno));
	json_decref(j);
}

static void recs_set(struct be *b, const struct ovl_ip *ip, const char *owner)
{
	char a[OVL_IP_STRLEN];

	ovl_ip_format(ip, a);
	if (owner)
		json_object_set_new(b->recs, a, json_string(owner));
	else
		json_object_del(b->recs, a);
}

static bool alloc_mine(struct be *b, const struct aval *v)
{
	return b->have_me && hkey_eq(&v->host, &b->me);
}

/* "etcd is unreachable" for a request whose transaction no member took. */
static void ipam_unreachable(const struct etcd_reply *r, char *buf, size_t len)
{
	snprintf(buf, len,
		 "etcd is unreachable (%s): ovl-ipam hands out no address etcd has not "
		 "confirmed; try again later",
		 r && r->msg && *r->msg ? r->msg : "no member answers");
}

static void ipam_kick(struct be *b);

/* Answer q and forget it; the requests that waited for it may start. */
static void ipreq_finish(struct ipreq *q, int err, json_t *res, const char *msg)
{
	struct be *b = q->b;

	*q->pprev = q->next;
	if (q->next)
		q->next->pprev = q->pprev;
	if (q->er)
		etcd_cancel(q->er);
	if (err)
		pr_debug("overlay %s: ipam %s: %s", b->host->overlay, q->owner, msg);
	q->done(q->arg, err, res, msg);
	json_decref(q->args);
	free(q);
	/* the requests that waited for it: when the loop turns */
	if (b->ipreqs)
		loop_timer_arm(b->ipam_timer, 0);
}

static void ipreq_fail(struct ipreq *q, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void ipreq_fail(struct ipreq *q, int err, const char *fmt, ...)
{
	char msg[OVL_IPAM_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ipreq_finish(q, err, NULL, msg);
}

/* An answer of etcd to an allocation's or a release's transaction (what):
 * false when q is finished by it (etcd unreachable, or refusing). */
static bool ipreq_answered(struct ipreq *q, const struct etcd_reply *r, const char *what)
{
	char msg[OVL_IPAM_MSG_MAX];

	q->er = NULL;
	if (sess_note(q->b->s, r)) {
		ipam_unreachable(r, msg, sizeof(msg));
		ipreq_finish(q, -EHOSTUNREACH, NULL, msg);
		return false;
	}
	if (r->err) {
		ipreq_fail(q, r->err, "etcd refused the %s: %s", what, r->msg);
		return false;
	}
	return true;
}

/* Is ip a candidate of another allocation under way here? */
static bool ip_inflight(struct be *b, const struct ipreq *self, const struct ovl_ip *ip)
{
	for (struct ipreq *q = b->ipreqs; q; q = q->next) {
		if (q == self || !q->chosen)
			continue;
		for (int k = 0; k < q->nsets; k++)
			if (q->fresh[k] && ovl_ip_eq(&q->cand[k], ip))
				return true;
	}
	return false;
}

static __u64 owner_hash(const char *hostid, const char *owner)
{
	__u64 h = 0xcbf29ce484222325ULL;

	for (const char *p = hostid; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	for (const char *p = owner; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

/* A free address of set k into q->cand[k]. Return: 0 or -ENOSPC. */
static int choose_free(struct ipreq *q, int k)
{
	struct be *b = q->b;
	const struct ovl_ipam_set *set = &q->sets[k];
	__u64 size = ovl_ipam_set_size(set), n, off;
	size_t inflight = 0;

	for (struct ipreq *o = b->ipreqs; o; o = o->next)
		inflight += o->chosen ? (size_t)o->nsets : 0;
	/* every address this scan may meet taken is counted: one more is free */
	n = ovl_hash_count(&b->c.ipam) + inflight + (size_t)3 * OVL_IPAM_RANGES + 1;
	if (n > size)
		n = size;
	off = (owner_hash(b->hostid, q->owner) + (__u64)q->tries * 0x9e3779b97f4a7c15ULL) % size;
	for (__u64 i = 0; i < n; i++) {
		struct ovl_ip ip;
		int rk;

		ovl_ipam_set_nth(set, (off + i) % size, &ip, &rk);
		if (!ovl_ipam_range_usable(&set->r[rk], &ip) || ovl_hash_find(&b->c.ipam, &ip) ||
		    ip_inflight(b, q, &ip))
			continue;
		q->cand[k] = ip;
		q->fresh[k] = true;
		return 0;
	}
	return -ENOSPC;
}

/* The candidates of an allocation: the owner's own addresses, the wanted
 * ones, free ones. Return: 0, or -errno with msg. */
static int choose(struct ipreq *q, char *msg, size_t len)
{
	struct be *b = q->b;
	char a[OVL_IP_STRLEN], hid[64];
	bool have[OVL_IPAM_SETS] = { false };
	size_t it = 0;
	const void *k;
	void *v;

	q->chosen = false;
	if (q->op == IP_ADD) {
		while (ovl_hash_next(&b->c.ipam, &it, &k, &v)) {
			struct aval *av = v;
			int s;

			if (!alloc_mine(b, av) || strcmp(av->owner, q->owner))
				continue;
			for (s = 0; s < q->nsets; s++)
				if (!have[s] && ovl_ipam_set_find(&q->sets[s], k) >= 0)
					break;
			if (s < q->nsets) {
				have[s] = true;
				q->cand[s] = *(const struct ovl_ip *)k;
				q->fresh[s] = false;
			}
		}
	}
	for (int s = 0; s < q->nsets; s++) {
		struct aval *av;

		if (have[s])
			continue;
		if (!q->want_set[s]) {
			if (choose_free(q, s)) {
				snprintf(
					msg, len,
					"no free address in ipam.ranges[%d] of overlay %s (VNI %u): "
					"every one is allocated in etcd or being allocated",
					s, b->host->overlay, b->host->vni);
				return -ENOSPC;
			}
			continue;
		}
		av = ovl_hash_find(&b->c.ipam, &q->want[s]);
		if (av && (!alloc_mine(b, av) || strcmp(av->owner, q->owner))) {
			hostid_format(&av->host, hid, sizeof(hid));
			snprintf(msg, len, "address %s is allocated to %s on host %s",
				 ovl_ip_format(&q->want[s], a), av->owner, hid);
			return -EADDRINUSE;
		}
		if (ip_inflight(b, q, &q->want[s])) {
			snprintf(msg, len, "address %s is being allocated to another attachment",
				 ovl_ip_format(&q->want[s], a));
			return -EADDRINUSE;
		}
		q->cand[s] = q->want[s];
		q->fresh[s] = !av;
	}
	q->chosen = true;
	return 0;
}

static json_t *alloc_result(struct ipreq *q, bool existed)
{
	char a[OVL_IP_STRLEN];
	json_t *addrs = json_array();

	for (int s = 0; s < q->nsets; s++)
		json_array_append_new(addrs, json_string(ovl_ip_format(&q->cand[s], a)));
	return json_pack("{s:o, s:b}", "addrs", addrs, "existed", existed);
}

static void alloc_send(struct ipreq *q);

static void on_alloc(void *arg, const struct etcd_reply *r)
{
	struct ipreq *q = arg;
	struct be *b = q->b;
	char msg[OVL_IPAM_MSG_MAX];
	int ret;

	if (!ipreq_answered(q, r, "allocation"))
		return;
	if (r->succeeded) {
		for (int s = 0; s < q->nsets; s++) {
			struct aval av = { .host = b->me,
					   .at = (long long)time(NULL),
					   .rev = r->revision,
					   .lease = b->s->il.id };
			struct aval *old = ovl_hash_find(&b->c.ipam, &q->cand[s]);

			if (!q->fresh[s])
				continue;
			av.owner = strdup(q->owner);
			if (!av.owner) {
				/* the watch brings it */
			} else if (old && old->rev <= av.rev) {
				free(old->owner);
				*old = av;
			} else if (old || ovl_hash_insert(&b->c.ipam, &q->cand[s], &av)) {
				free(av.owner);
			}
			recs_set(b, &q->cand[s], q->owner);
		}
		recs_save(b);
		b->allocs++;
		if (q->op == IP_RESTORE) {
			char a[OVL_IP_STRLEN];

			pr_warn("overlay %s: ovl-ipam: %s taken back for %s under the new IPAM lease",
				b->host->overlay, ovl_ip_format(&q->cand[0], a), q->owner);
		}
		ipreq_finish(q, 0, alloc_result(q, false), "");
		return;
	}
	/* lost a race: what the failure branch read into the cache, again */
	for (size_t i = 0; i < r->n_kvs; i++) {
		enum kkind kind;
		__u8 mac[6];
		struct ovl_ip ip;

		cache_put(b, &b->c, &r->kvs[i], &kind, mac, &ip);
	}
	b->allocs_retried++;
	if (++q->tries >= OVL_IPAM_TRIES) {
		ipreq_fail(q, -EAGAIN,
			   "%d transactions in a row lost the race for an address: etcd is busy; "
			   "try again",
			   q->tries);
		return;
	}
	ret = choose(q, msg, sizeof(msg));
	if (ret) {
		ipreq_finish(q, ret, NULL, msg);
		return;
	}
	alloc_send(q);
}

/* The transaction of an allocation: its fresh candidates created where
 * nobody has them, else read back. */
static void alloc_send(struct ipreq *q)
{
	struct be *b = q->b;
	char keys[OVL_IPAM_SETS][300], *val;
	struct etcd_cmp cmp[OVL_IPAM_SETS];
	struct etcd_op ok[OVL_IPAM_SETS], nok[OVL_IPAM_SETS];
	size_t n = 0;
	json_t *v;

	v = json_pack("{s:s, s:s, s:I}", "host", b->hostid, "owner", q->owner, "at",
		      (json_int_t)time(NULL));
	val = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	if (!val) {
		ipreq_fail(q, -ENOMEM, "out of memory");
		return;
	}
	for (int s = 0; s < q->nsets; s++) {
		if (!q->fresh[s])
			continue;
		ipam_key(b, &q->cand[s], keys[n], sizeof(keys[n]));
		memset(&cmp[n], 0, sizeof(cmp[n]));
		memset(&ok[n], 0, sizeof(ok[n]));
		memset(&nok[n], 0, sizeof(nok[n]));
		cmp[n].key = ok[n].key = nok[n].key = keys[n];
		cmp[n].klen = ok[n].klen = nok[n].klen = strlen(keys[n]);
		cmp[n].target = ETCD_CMP_CREATE;
		cmp[n].result = ETCD_EQUAL;
		cmp[n].number = 0;
		ok[n].type = ETCD_OP_PUT;
		ok[n].value = val;
		ok[n].vlen = strlen(val);
		ok[n].lease = b->s->il.id;
		nok[n].type = ETCD_OP_RANGE;
		n++;
	}
	if (!n) { /* all the owner's already */
		free(val);
		ipreq_finish(q, 0, alloc_result(q, true), "");
		return;
	}
	q->er = etcd_txn(b->s->c, cmp, n, ok, n, nok, n, on_alloc, q);
	free(val);
	if (!q->er)
		ipreq_fail(q, -ENOMEM, "out of memory");
}

/* Is owner one whose allocations GC q releases (this network's, not a
 * valid attachment)? */
static bool gc_doomed(struct ipreq *q, const char *owner)
{
	const char *net = jstr(q->args, "network"), *rest, *slash;
	json_t *valid = json_object_get(q->args, "valid"), *x;
	size_t nl, i;

	if (!net || strncmp(owner, "cni:", 4))
		return false;
	nl = strlen(net);
	if (strncmp(owner + 4, net, nl) || owner[4 + nl] != '/')
		return false;
	rest = owner + 5 + nl;
	slash = strrchr(rest, '/');
	if (!slash)
		return false;
	json_array_foreach(valid, i, x) {
		const char *cid = json_string_value(json_object_get(x, "containerID"));
		const char *ifn = json_string_value(json_object_get(x, "ifname"));

		if (cid && ifn && strlen(cid) == (size_t)(slash - rest) &&
		    !strncmp(rest, cid, (size_t)(slash - rest)) && !strcmp(slash + 1, ifn))
			return false;
	}
	return true;
}

static void del_send(struct ipreq *q);

static void on_del(void *arg, const struct etcd_reply *r)
{
	struct ipreq *q = arg;
	struct be *b = q->b;

	if (!ipreq_answered(q, r, "release"))
		return;
	if (r->succeeded) {
		for (int i = 0; i < q->ndels; i++) {
			struct aval *v = ovl_hash_find(&b->c.ipam, &q->dels[i]);

			if (v) {
				free(v->owner);
				ovl_hash_delete(&b->c.ipam, &q->dels[i]);
			}
			recs_set(b, &q->dels[i], NULL);
		}
		recs_save(b);
		q->released += q->ndels;
		b->frees += (unsigned long long)q->ndels;
	} else {
		/* one changed since the cache saw it: the cache takes etcd's */
		for (size_t i = 0; i < r->n_kvs; i++) {
			enum kkind kind;
			__u8 mac[6];
			struct ovl_ip ip;

			cache_put(b, &b->c, &r->kvs[i], &kind, mac, &ip);
		}
		if (++q->tries >= OVL_IPAM_TRIES) {
			ipreq_fail(q, -EAGAIN, "the allocations keep changing in etcd: try again");
			return;
		}
	}
	del_send(q); /* the next batch, or the answer */
}

/* DEL and GC: delete (a batch of) the allocations q releases, each only
 * if it is still what the cache saw; answer when none is left. */
static void del_send(struct ipreq *q)
{
	struct be *b = q->b;
	struct deletes *d = calloc(1, sizeof(*d));
	char a[OVL_IP_STRLEN];
	size_t it = 0, n;
	const void *k;
	void *v;

	if (!d) {
		ipreq_fail(q, -ENOMEM, "out of memory");
		return;
	}
	q->ndels = 0;
	while (q->ndels < OVL_IPAM_TXN_OPS && ovl_hash_next(&b->c.ipam, &it, &k, &v)) {
		struct aval *av = v;

		if (!alloc_mine(b, av) ||
		    (q->op == IP_DEL ? strcmp(av->owner, q->owner) : !gc_doomed(q, av->owner)))
			continue;
		deletes_add(d, b, "ipam", ovl_ip_format(k, a), av->rev);
		q->dels[q->ndels++] = *(const struct ovl_ip *)k;
	}
	if (!q->ndels) {
		/* what the state directory has of it and etcd has not: forgotten */
		const char *key;
		json_t *o, *tmp;
		bool changed = false;

		json_object_foreach_safe(b->recs, tmp, key, o)
		{
			if (q->op == IP_DEL ? strcmp(json_string_value(o) ?: "", q->owner) :
					      !gc_doomed(q, json_string_value(o) ?: "")) {
				continue;
			}
			json_object_del(b->recs, key);
			changed = true;
		}
		if (changed)
			recs_save(b);
		free(d);
		ipreq_finish(q, 0, json_pack("{s:I}", "released", (json_int_t)q->released), "");
		return;
	}
	n = d->n;
	{
		/* the failure branch reads them back */
		struct etcd_op rng[OVL_ETCD_DELETES];

		for (size_t i = 0; i < n; i++) {
			rng[i] = d->del[i];
			rng[i].type = ETCD_OP_RANGE;
		}
		q->er = etcd_txn(b->s->c, d->cmp, n, d->del, n, rng, n, on_del, q);
	}
	free(d);
	if (!q->er)
		ipreq_fail(q, -ENOMEM, "out of memory");
}

static void check_run(struct ipreq *q)
{
	struct be *b = q->b;
	json_t *addrs = json_object_get(q->args, "addrs"), *x;
	char hid[64];
	size_t i;

	json_array_foreach(addrs, i, x) {
		struct ovl_ip ip, k;
		struct aval *av;

		if (!json_is_string(x) || ovl_ip_parse(json_string_value(x), &ip)) {
			ipreq_fail(q, -EINVAL, "addrs[%zu] is not an IP address", i);
			return;
		}
		ikey_of(&k, &ip);
		av = ovl_hash_find(&b->c.ipam, &k);
		if (!av) {
			ipreq_fail(q, -ENOENT, "etcd has no allocation of %s (it should be %s's)",
				   json_string_value(x), q->owner);
			return;
		}
		if (!alloc_mine(b, av) || strcmp(av->owner, q->owner)) {
			hostid_format(&av->host, hid, sizeof(hid));
			ipreq_fail(q, -ENOENT,
				   "%s is allocated to %s on host %s in etcd, not to %s",
				   json_string_value(x), av->owner, hid, q->owner);
			return;
		}
	}
	ipreq_finish(q, 0, json_object(), "");
}

static void list_run(struct ipreq *q)
{
	struct be *b = q->b;
	json_t *arr = json_array();
	char a[OVL_IP_STRLEN], hid[64], lease[24];
	size_t it = 0;
	const void *k;
	void *v;

	while (arr && ovl_hash_next(&b->c.ipam, &it, &k, &v)) {
		struct aval *av = v;

		hostid_format(&av->host, hid, sizeof(hid));
		snprintf(lease, sizeof(lease), "%" PRIx64, av->lease);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I, s:s, s:b}", "address",
						     ovl_ip_format(k, a), "host", hid, "owner",
						     av->owner, "at", (json_int_t)av->at, "lease",
						     lease, "mine", alloc_mine(b, av)));
	}
	if (!arr)
		ipreq_fail(q, -ENOMEM, "out of memory");
	else
		ipreq_finish(q, 0, arr, "");
}

static void ipreq_start(struct ipreq *q)
{
	char msg[OVL_IPAM_MSG_MAX];
	int ret;

	q->started = true;
	switch (q->op) {
	case IP_ADD:
	case IP_RESTORE:
		ret = choose(q, msg, sizeof(msg));
		if (ret)
			ipreq_finish(q, ret, NULL, msg);
		else
			alloc_send(q);
		break;
	case IP_DEL:
	case IP_GC:
		del_send(q);
		break;
	case IP_CHECK:
		check_run(q);
		break;
	case IP_LIST:
		list_run(q);
		break;
	}
}

/* Start what can start: the cache listed, the IPAM lease there for an
 * allocation, no earlier request of the same owner left. What waited too
 * long fails. */
static void ipam_kick(struct be *b)
{
	long long now = mono_ms(), next = 0;
	struct ipreq *q;

	/* one at a time, from the head: starting one may answer (and free)
	 * it, or others */
	for (;;) {
		struct ipreq *go = NULL, *late = NULL;

		next = 0;
		for (q = b->ipreqs; q && !go && !late; q = q->next) {
			/* an answered one is unlinked before it is freed (the
			 * analyzer loses track of *pprev) */
			bool alloc = q->op == IP_ADD || // NOLINT(clang-analyzer-unix.Malloc)
				     q->op == IP_RESTORE,
			     blocked = false;

			if (q->started)
				continue;
			for (struct ipreq *o = b->ipreqs; o != q; o = o->next)
				blocked |= q->owner[0] && !strcmp(o->owner, q->owner);
			if (!blocked && b->synced && b->have_me && (!alloc || b->s->il.ls == LS_OK))
				go = q;
			else if (now >= q->deadline)
				late = q;
			else if (!next || q->deadline < next)
				next = q->deadline;
		}
		if (go) {
			ipreq_start(go);
			continue;
		}
		if (!late)
			break;
		{
			char msg[OVL_IPAM_MSG_MAX];

			if (!b->s->connected && b->s->error[0])
				ipam_unreachable(NULL, msg, sizeof(msg));
			else
				snprintf(
					msg, sizeof(msg),
					"etcd has not answered yet (%s): nothing done; try again later",
					!b->synced  ? "listing the VNI's keys" :
					!b->have_me ? "this host has no underlay address" :
						      "waiting for the IPAM lease");
			ipreq_finish(late, b->s->connected ? -ETIMEDOUT : -EHOSTUNREACH, NULL, msg);
			return; /* the others when the loop turns (ipreq_finish() armed it) */
		}
	}
	if (next)
		loop_timer_arm(b->ipam_timer, (uint64_t)(next > now ? next - now : 0));
}

static void ipam_timer_fired(void *arg)
{
	ipam_kick(arg);
}

static void ipam_restore_done(void *arg, int err, json_t *res, const char *msg)
{
	char *what = arg;

	if (err)
		pr_err("ovl-ipam: %s: NOT taken back after the IPAM lease was renewed: %s; two "
		       "attachments may now have this address",
		       what, msg);
	json_decref(res);
	free(what);
}

static struct ipreq *ipreq_new(struct be *b, enum ipop op, const char *owner, json_t *args,
			       ovl_ipam_done_fn done, void *arg)
{
	struct ipreq *q = calloc(1, sizeof(*q)), **pp;

	if (!q)
		return NULL;
	q->b = b;
	q->op = op;
	snprintf(q->owner, sizeof(q->owner), "%s", owner ? owner : "");
	q->args = json_incref(args);
	q->done = done;
	q->arg = arg;
	q->deadline = mono_ms() + OVL_IPAM_QUEUE_MS;
	for (pp = &b->ipreqs; *pp; pp = &(*pp)->next)
		;
	*pp = q;
	q->pprev = pp;
	return q;
}

/*
 * Once the cache is listed and the IPAM lease known (at start, and after
 * the lease was renewed): this host's allocations whose attachment is no
 * endpoint any more (deleted while ovld was down), made before this ovld
 * started, are released; those of the state directory whose endpoint is
 * there and etcd lost (the IPAM lease expired) are taken back.
 */
static void ipam_reconcile(struct be *b)
{
	struct deletes *d;
	char a[OVL_IP_STRLEN];
	size_t it = 0;
	const void *k;
	void *v;
	const char *key;
	json_t *o, *tmp;
	bool changed = false;

	if (b->ipam_reconciled || !b->synced || !b->have_me || b->s->il.ls != LS_OK ||
	    !b->host->owner_live)
		return;
	b->ipam_reconciled = true;
	d = calloc(1, sizeof(*d));
	while (d && ovl_hash_next(&b->c.ipam, &it, &k, &v)) {
		struct aval *av = v;
		bool busy = false;

		if (!alloc_mine(b, av) || av->at >= b->host->started ||
		    b->host->owner_live(b->host, av->owner))
			continue;
		for (struct ipreq *q = b->ipreqs; q; q = q->next)
			busy |= !strcmp(q->owner, av->owner);
		if (busy || !deletes_add(d, b, "ipam", ovl_ip_format(k, a), av->rev))
			continue;
		pr_info("overlay %s: ovl-ipam: %s of %s: its attachment is gone, released",
			b->host->overlay, a, av->owner);
		recs_set(b, k, NULL);
		changed = true;
	}
	if (d && d->n) {
		b->s->lingering++;
		if (!deletes_send(d, b, linger_done, b->s))
			b->s->lingering--;
	}
	free(d);
	json_object_foreach_safe(b->recs, tmp, key, o)
	{
		const char *owner = json_string_value(o);
		struct ovl_ip ip, ik;
		struct aval *av;
		struct ipreq *q;
		char *what;

		if (!owner || ovl_ip_parse(key, &ip) || !b->host->owner_live(b->host, owner)) {
			json_object_del(b->recs, key);
			changed = true;
			continue;
		}
		ikey_of(&ik, &ip);
		av = ovl_hash_find(&b->c.ipam, &ik);
		if (av && alloc_mine(b, av) && !strcmp(av->owner, owner))
			continue;
		if (asprintf(&what, "address %s of %s", key, owner) < 0)
			continue;
		q = ipreq_new(b, IP_RESTORE, owner, NULL, ipam_restore_done, what);
		if (!q) {
			free(what);
			continue;
		}
		q->nsets = 1;
		q->want_set[0] = true;
		q->want[0] = ik;
	}
	if (changed)
		recs_save(b);
	ipam_kick(b);
}

static void ipam_lease_ready(struct be *b, bool fresh)
{
	if (fresh)
		b->ipam_reconciled = false;
	ipam_reconcile(b);
	ipam_kick(b);
}

static int etcd_ipam(void *priv, const char *op, json_t *req, ovl_ipam_done_fn done, void *arg,
		     char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum ipop op;
		bool owner;
	} ops[] = { { "add", IP_ADD, true },
		    { "del", IP_DEL, true },
		    { "check", IP_CHECK, true },
		    { "gc", IP_GC, false },
		    { "list", IP_LIST, false } };
	struct be *b = priv;
	const char *owner = jstr(req, "owner");
	struct ovl_ipam_set sets[OVL_IPAM_SETS];
	json_t *ips = json_object_get(req, "ips"), *x;
	struct ovl_ip want[OVL_IPAM_SETS], wanted[OVL_IPAM_SETS];
	bool want_set[OVL_IPAM_SETS] = { false };
	struct ipreq *q;
	int nsets = 0, i = 0;
	size_t n = sizeof(ops) / sizeof(ops[0]), j;

	while ((size_t)i < n && strcmp(ops[i].name, op))
		i++;
	if ((size_t)i == n) {
		snprintf(err, errlen, "unknown ipam command \"%s\"", op);
		return -ENOSYS;
	}
	if (ops[i].owner && (!owner || !*owner || strlen(owner) >= OVL_IPAM_OWNER_MAX)) {
		snprintf(err, errlen, "\"owner\" missing or longer than %d",
			 OVL_IPAM_OWNER_MAX - 1);
		return -EINVAL;
	}
	if (ops[i].op == IP_GC &&
	    (!jstr(req, "network") || !json_is_array(json_object_get(req, "valid")))) {
		snprintf(err, errlen,
			 "ipam.gc needs \"network\" and \"valid\" [{containerID, "
			 "ifname}...]");
		return -EINVAL;
	}
	if (ops[i].op == IP_ADD) {
		nsets = ovl_ipam_ranges_parse(json_object_get(req, "ranges"), "ranges", sets,
					      OVL_IPAM_SETS, err, errlen);
		if (nsets < 0)
			return nsets;
		if (ips && !json_is_array(ips)) {
			snprintf(err, errlen, "\"ips\" must be an array of addresses");
			return -EINVAL;
		}
	}
	json_array_foreach(ips, j, x) {
		struct ovl_ip ip;
		int k;
		char *slash, buf[OVL_IP_STRLEN + 8];

		snprintf(buf, sizeof(buf), "%s", json_string_value(x) ?: "");
		slash = strchr(buf, '/');
		if (slash)
			*slash = '\0';
		if (ovl_ip_parse(buf, &ip)) {
			snprintf(err, errlen, "ips[%zu] is not an IP address", j);
			return -EINVAL;
		}
		ikey_of(&want[j < OVL_IPAM_SETS ? j : 0], &ip);
		for (k = 0; k < nsets && ovl_ipam_set_find(&sets[k], &ip) < 0; k++)
			;
		if (j >= OVL_IPAM_SETS || k == nsets || want_set[k]) {
			snprintf(err, errlen,
				 "ips[%zu]: %s is in no range of \"ranges\", is a gateway, or is "
				 "the second address wanted of one range set",
				 j, buf);
			return -EINVAL;
		}
		want_set[k] = true;
		wanted[k] = want[j];
	}
	q = ipreq_new(b, ops[i].op, owner, req, done, arg);
	if (!q) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(q->sets, sets, sizeof(sets[0]) * (size_t)nsets);
	q->nsets = nsets;
	memcpy(q->want_set, want_set, sizeof(want_set));
	memcpy(q->want, wanted, sizeof(wanted));
	ipam_kick(b);
	return 0;
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
	b->ipam_timer = loop_timer_new(host->loop, ipam_timer_fired, b);
	if (!b->retry || !b->ipam_timer) {
		snprintf(err, errlen, "out of memory");
		loop_timer_free(b->retry);
		loop_timer_free(b->ipam_timer);
		free(b);
		return -ENOMEM;
	}
	recs_load(b);
	b->s = sess_get(props, host, err, errlen);
	if (!b->s) {
		loop_timer_free(b->retry);
		loop_timer_free(b->ipam_timer);
		json_decref(b->recs);
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
	while (b->ipreqs) {
		struct ipreq *q = b->ipreqs;

		b->ipreqs = q->next;
		if (q->er)
			etcd_cancel(q->er);
		q->done(q->arg, -ECANCELED, NULL, "the overlay was deleted or reloaded meanwhile");
		json_decref(q->args);
		free(q);
	}
	loop_timer_free(b->ipam_timer);
	json_decref(b->recs);
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
	snprintf(lease, sizeof(lease), "%" PRIx64, s->sl.id);
	return json_pack("{s:s, s:b, s:s, s:s, s:i, s:I, s:b, s:b, s:i, s:i, s:i, s:i, s:i, s:s, "
			 "s:I, s:I, s:I}",
			 "endpoints", s->endpoints, "connected", s->connected, "member", s->member,
			 "lease", s->sl.ls == LS_OK ? lease : "", "lease_ttl",
			 (json_int_t)s->sl.ttl, "revision", (json_int_t)b->rev, "synced", b->synced,
			 "watching", b->watching, "hosts", (json_int_t)ovl_hash_count(&b->c.hosts),
			 "macs", (json_int_t)ovl_hash_count(&b->c.macs), "published",
			 (json_int_t)published, "pending", (json_int_t)pending, "conflicts",
			 (json_int_t)conflicts, "host_id", b->hostid, "events",
			 (json_int_t)b->events, "relists", (json_int_t)b->relists, "publishes",
			 (json_int_t)b->publishes);
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
	.ipam = etcd_ipam,
};
