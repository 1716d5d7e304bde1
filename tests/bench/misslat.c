// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * misslat.c - ovl-misslat: how long the first TCP connect or UDP datagram
 * to a destination the data path does not know takes to be accepted by a
 * socket in the far container.
 *
 * A frame from a container toward a MAC that is not in the forwarding map
 * misses in the TC program on its host-side veth, goes up a ringbuf to
 * ovld, which resolves it through its backend, fills the map and sends that
 * frame on itself (an ARP request or neighbour solicitation likewise: ovld
 * answers it). Whether that first frame arrives in a state the far
 * container accepts, and how long the whole takes, only a socket there can
 * tell: a frame seen on the remote underlay may still be dropped by the
 * receiving stack (a bad checksum), and the connection then waits for a
 * retransmission (a SYN: 1 s).
 *
 * So each sample is what an application sees:
 *   tcp  a new socket in --client-netns connects to --dst:--port, where a
 *        listening socket in --server-netns accepts; the time from
 *        connect() until the socket is writable (established). A sample
 *        "needed a retransmission" when the client's tcpi_total_retrans
 *        (SYNs sent again) or the accepted socket's (SYN-ACKs sent again)
 *        is not 0.
 *   udp  one datagram from a socket in --client-netns to a socket bound in
 *        --server-netns; the time from send() until recv() returns it
 *        there. One that does not come within --timeout is lost (an
 *        application would have to send it again).
 * Before each sample the tool makes the destination unknown again, as
 * asked: --map-del and --neigh-del delete entries through ovld's control
 * socket (as `ovlctl map del` and `ovlctl neigh del` do; an entry already
 * gone is fine), --flush-neigh deletes the neighbour cache entries of both
 * containers (the client's for --dst, the server's for --src) with
 * rtnetlink. Without them every sample goes to a known destination: the
 * baseline. One sample is in flight at a time, --interval apart: by
 * default twice the spacing at which the data path's per-destination limit
 * of miss events (OVL_MISS_BURST in OVL_MISS_WINDOW_NS) would start to drop
 * them, since a limit hit is not what this measures.
 *
 * One single-threaded process holds sockets in both namespaces: each is
 * created inside its namespace (ovl_netns_run) and stays there. Times are
 * CLOCK_MONOTONIC in this process.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <jansson.h>
#include "ovl_abi.h"
#include "addr.h"
#include "ctl.h"
#include "log.h"
#include "netns.h"
#include "bench_lib.h"

#define PROG	       "ovl-misslat"
#define ML_MAGIC       0x6f766c6dU /* "ovlm" */
#define ML_MAX_COUNT   1000000ULL
#define ML_MAX_FORGET  16
#define ML_PORT	       7788
#define NSEC_PER_MSEC  1000000LL
#define ML_ACCEPT_MS   1000 /* the handshake's last ACK, after the connect */
#define ML_NL_BUF      4096
#define ML_INTERVAL_MS (2 * OVL_MISS_WINDOW_NS / OVL_MISS_BURST / NSEC_PER_MSEC)

/* The UDP datagram's payload (network byte order). */
struct ml_payload {
	__be32 magic; /* ML_MAGIC */
	__be32 nonce; /* this run's */
	__be32 seq;   /* sample number */
};

/* One entry to delete through an instance's control socket. */
struct ml_forget {
	const char *arg; /* as given, for messages */
	char inst[OVL_INSTANCE_MAX + 1];
	char overlay[64];
	char key[64];	     /* MAC (map) or IP (neigh) */
	bool neigh;	     /* neigh.del, else map.del */
	struct ovl_ctl *ctl; /* open from start to end */
};

struct ml_opts {
	const char *client_netns, *server_netns;
	const char *client_dev, *server_dev;
	struct ovl_ip dst, src;
	bool have_src;
	__u16 port;
	bool udp;
	unsigned long long count, interval_ms, timeout_ms;
	struct ml_forget forget[ML_MAX_FORGET];
	int nforget;
	bool flush_neigh;
	bool json;
	int verbose;
};

/* What the run keeps open. */
struct ml_ctx {
	int client_ns;		  /* namespace fds */
	int server_fd;		  /* listening TCP or bound UDP socket, server side */
	int client_udp;		  /* UDP: the client's socket */
	int client_nl, server_nl; /* rtnetlink, with --flush-neigh */
	int client_ifi, server_ifi;
	__u32 nonce;
};

struct ml_stats {
	unsigned long long sent, ok, retrans, failed, late;
	long long *lat_ns; /* of the samples that completed */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " --client-netns NS --server-netns NS --dst ADDR [options]\n"
		"\n"
		"Time from a TCP connect() (or a UDP send()) in one container until a socket\n"
		"in the other has it: established, or the datagram received; before each\n"
		"sample, the destination is made unknown to the data path again as asked.\n"
		"\n"
		"  --client-netns NS, --server-netns NS\n"
		"                          the two containers' namespaces (names in " OVL_NETNS_RUN_DIR
		",\n"
		"                          or paths)\n"
		"  --dst ADDR              the server's address (IPv4 or IPv6)\n"
		"  --src ADDR              the client's address (bound; needed by --flush-neigh)\n"
		"  --udp                   a UDP datagram per sample (default: a TCP connect)\n"
		"  --port PORT             the server's port (default %d)\n"
		"  --map-del INST,OVERLAY,MAC\n"
		"                          before each sample, delete this forwarding entry\n"
		"                          (ovlctl --instance INST map del OVERLAY MAC); repeatable\n"
		"  --neigh-del INST,OVERLAY,IP\n"
		"                          before each sample, delete this proxy ARP/NDP entry;\n"
		"                          repeatable\n"
		"  --flush-neigh           before each sample, delete the client's neighbour entry\n"
		"                          for --dst and the server's for --src\n"
		"  --client-dev IF, --server-dev IF\n"
		"                          the containers' interfaces, for --flush-neigh (eth0)\n"
		"  -n, --count N           samples (default 200)\n"
		"  --interval MS           pause between samples (default %llu: the data path\n"
		"                          limits miss events per destination)\n"
		"  --timeout MS            give a sample up after MS (default 5000 for TCP: two SYN\n"
		"                          retransmissions fit; 1000 for UDP)\n"
		"  -j, --json              one JSON object on stdout\n"
		"  -v, --verbose           one line per sample on stderr\n"
		"  -h, --help              this text\n",
		ML_PORT, (unsigned long long)ML_INTERVAL_MS);
}

#define now_ns() bench_now_ns(CLOCK_MONOTONIC)

static void sockaddr_of(const struct ovl_ip *ip, __u16 port, struct sockaddr_storage *ss,
			socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (ip->family == OVL_AF_INET4) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		memcpy(&a->sin_addr, ip->addr, 4);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		memcpy(&a->sin6_addr, ip->addr, 16);
		*len = sizeof(*a);
	}
}

static int family_of(const struct ovl_ip *ip)
{
	return ip->family == OVL_AF_INET4 ? AF_INET : AF_INET6;
}

/* ---- sockets, made inside a namespace ----------------------------------- */

struct mksock {
	const struct ml_opts *o;
	int type;	  /* SOCK_STREAM, SOCK_DGRAM, or 0 for rtnetlink */
	bool server;	  /* bind to the wildcard and --port (and listen) */
	const char *dev;  /* rtnetlink: the device whose index is wanted */
	int fd, ifindex;  /* out */
	const char *step; /* out: what failed */
};

static int mksock(void *arg)
{
	struct mksock *m = arg;
	const struct ml_opts *o = m->o;
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, err;

	if (!m->type) {
		m->step = "find the interface";
		m->ifindex = (int)if_nametoindex(m->dev);
		if (!m->ifindex)
			return -errno;
		m->step = "open an rtnetlink socket";
		m->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		return m->fd < 0 ? -errno : 0;
	}
	m->step = "open a socket";
	m->fd = socket(family_of(&o->dst), m->type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (m->fd < 0)
		return -errno;
	if (m->server) {
		struct ovl_ip any = { .family = o->dst.family };

		m->step = "bind the server socket";
		setsockopt(m->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		sockaddr_of(&any, o->port, &ss, &len);
		if (bind(m->fd, (struct sockaddr *)&ss, len))
			goto err;
		m->step = "listen";
		if (m->type == SOCK_STREAM && listen(m->fd, 16))
			goto err;
		return 0;
	}
	if (o->have_src) {
		m->step = "bind to --src";
		sockaddr_of(&o->src, 0, &ss, &len);
		if (bind(m->fd, (struct sockaddr *)&ss, len))
			goto err;
	}
	if (m->type == SOCK_STREAM) {
		/* an abortive close: no TIME_WAIT, nothing of one sample in the next */
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(m->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	return 0;
err:
	err = -errno;
	close(m->fd);
	m->fd = -1;
	return err;
}

/* A socket (or rtnetlink socket) made inside ns_fd. Return: 0 or -errno. */
static int sock_in(int ns_fd, const char *role, struct mksock *m)
{
	int err;

	m->fd = -1;
	err = ovl_netns_run(ns_fd, mksock, m);
	if (err)
		pr_err("%s: %s%s%s: %s", role, m->step, m->dev ? " " : "", m->dev ? m->dev : "",
		       strerror(-err));
	return err;
}

static int ns_open(const char *name, const char *role)
{
	int fd = ovl_netns_open(name);

	if (fd < 0)
		pr_err("%s network namespace %s: %s", role, name,
		       fd == -ENOENT ? "not found" : strerror(-fd));
	return fd;
}

/* ---- making the destination unknown ------------------------------------ */

/* INST,OVERLAY,KEY into f. Return: 0 or -EINVAL (logged). */
static int forget_parse(const char *opt, const char *arg, bool neigh, struct ml_forget *f)
{
	const char *a = arg, *b = strchr(a, ','), *c = b ? strchr(b + 1, ',') : NULL;

	f->arg = arg;
	f->neigh = neigh;
	if (!b || !c || strchr(c + 1, ',') || b == a || c == b + 1 || !c[1] ||
	    (size_t)(b - a) >= sizeof(f->inst) || (size_t)(c - b - 1) >= sizeof(f->overlay) ||
	    strlen(c + 1) >= sizeof(f->key)) {
		pr_err("%s: '%s' is not INSTANCE,OVERLAY,%s", opt, arg, neigh ? "IP" : "MAC");
		return -EINVAL;
	}
	memcpy(f->inst, a, (size_t)(b - a));
	f->inst[b - a] = '\0';
	memcpy(f->overlay, b + 1, (size_t)(c - b - 1));
	f->overlay[c - b - 1] = '\0';
	memcpy(f->key, c + 1, strlen(c + 1) + 1);
	if (!ovl_instance_valid(f->inst)) {
		pr_err("%s: '%s' is not an instance name", opt, f->inst);
		return -EINVAL;
	}
	return 0;
}

static int forget_open(struct ml_forget *f)
{
	char path[256];

	if (ovl_ctl_socket_path(f->inst, path, sizeof(path)))
		return -ENAMETOOLONG;
	f->ctl = ovl_ctl_connect(path);
	if (!f->ctl) {
		int err = -errno;

		pr_err("cannot reach ovld instance \"%s\" at %s: %s", f->inst, path,
		       strerror(-err));
		return err;
	}
	return 0;
}

/* Delete f's entry; one already gone is fine. Return: 0 or -errno (logged). */
static int forget_do(struct ml_forget *f)
{
	char err[256] = "";
	json_t *req, *res = NULL;
	int ret;

	req = json_pack("{s:s, s:s, s:s}", "cmd", f->neigh ? "neigh.del" : "map.del", "overlay",
			f->overlay, f->neigh ? "ip" : "mac", f->key);
	if (!req)
		return -ENOMEM;
	ret = ovl_ctl_call(f->ctl, req, &res, err, sizeof(err));
	json_decref(req);
	json_decref(res);
	if (ret == -ENOENT && strstr(err, "entry"))
		return 0; /* "no forwarding/neighbour entry": not there yet */
	if (ret)
		pr_err("%s %s: %s", f->neigh ? "--neigh-del" : "--map-del", f->arg,
		       err[0] ? err : strerror(-ret));
	return ret;
}

/* RTM_DELNEIGH of ip on ifindex through the rtnetlink socket fd (whose
 * namespace it is). Return: 0, also when there was no such entry, or
 * -errno. */
static int neigh_flush(int fd, int ifindex, const struct ovl_ip *ip)
{
	struct {
		struct nlmsghdr n;
		struct ndmsg nd;
		struct rtattr rta;
		__u8 addr[16];
	} req;
	size_t alen = ip->family == OVL_AF_INET4 ? 4 : 16;
	char buf[ML_NL_BUF];
	struct nlmsghdr *h;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = (__u32)(NLMSG_LENGTH(sizeof(req.nd)) + RTA_LENGTH(alen));
	req.n.nlmsg_type = RTM_DELNEIGH;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nd.ndm_family = (__u8)family_of(ip);
	req.nd.ndm_ifindex = ifindex;
	req.rta.rta_type = NDA_DST;
	req.rta.rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(req.addr, ip->addr, alen);
	if (send(fd, &req, req.n.nlmsg_len, 0) < 0)
		return -errno;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	h = (struct nlmsghdr *)buf;
	if (!NLMSG_OK(h, (unsigned int)n) || h->nlmsg_type != NLMSG_ERROR)
		return -EPROTO;
	{
		const struct nlmsgerr *e = NLMSG_DATA(h);

		return e->error == -ENOENT || e->error == -ESRCH ? 0 : e->error;
	}
}

/* Make the destination unknown as asked. Return: 0 or -errno (logged). */
static int forget_all(struct ml_opts *o, struct ml_ctx *x)
{
	int err;

	for (int i = 0; i < o->nforget; i++) {
		err = forget_do(&o->forget[i]);
		if (err)
			return err;
	}
	if (!o->flush_neigh)
		return 0;
	err = neigh_flush(x->client_nl, x->client_ifi, &o->dst);
	if (!err)
		err = neigh_flush(x->server_nl, x->server_ifi, &o->src);
	if (err)
		pr_err("--flush-neigh: %s", strerror(-err));
	return err;
}

/* ---- one sample ---------------------------------------------------------- */

/* Wait for events on fd until the monotonic deadline. Return: 1, 0 on
 * timeout (or a stop signal), -errno. */
static int wait_fd(int fd, short events, long long deadline)
{
	while (!bench_stop) {
		long long left = deadline - now_ns();
		struct pollfd p = { .fd = fd, .events = events };
		int n;

		if (left <= 0)
			return 0;
		n = poll(&p, 1, (int)((left + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			return 1;
	}
	return 0;
}

static unsigned int total_retrans(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return 0;
	return ti.tcpi_total_retrans;
}

/*
 * One connect. Return: 1 with *lat_ns and *retrans set when it was
 * established, 0 when it was not within the timeout (or failed), -errno on
 * a local error.
 */
static int sample_tcp(const struct ml_opts *o, struct ml_ctx *x, long long *lat_ns,
		      unsigned int *retrans)
{
	struct mksock m = { .o = o, .type = SOCK_STREAM };
	struct sockaddr_storage ss;
	long long t0, deadline;
	socklen_t len;
	int err, soerr = 0, child, ret = 0;

	err = sock_in(x->client_ns, "client", &m);
	if (err)
		return err;
	sockaddr_of(&o->dst, o->port, &ss, &len);
	t0 = now_ns();
	deadline = t0 + (long long)o->timeout_ms * NSEC_PER_MSEC;
	if (connect(m.fd, (struct sockaddr *)&ss, len) && errno != EINPROGRESS) {
		pr_debug("connect: %s", strerror(errno));
		goto out;
	}
	err = wait_fd(m.fd, POLLOUT, deadline);
	*lat_ns = now_ns() - t0;
	if (err <= 0) {
		ret = err;
		goto out;
	}
	len = sizeof(soerr);
	getsockopt(m.fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
	if (soerr) {
		pr_debug("connect: %s", strerror(soerr));
		goto out;
	}
	*retrans = total_retrans(m.fd);
	/* The accepted end counts the SYN-ACKs it sent again. */
	if (wait_fd(x->server_fd, POLLIN, now_ns() + ML_ACCEPT_MS * NSEC_PER_MSEC) > 0) {
		child = accept4(x->server_fd, NULL, NULL, SOCK_CLOEXEC);
		if (child >= 0) {
			*retrans += total_retrans(child);
			close(child);
		}
	}
	ret = 1;
out:
	close(m.fd);
	return ret;
}

/* One datagram. Return: 1 with *lat_ns when it arrived, 0 when not in
 * time, -errno. */
static int sample_udp(const struct ml_opts *o, struct ml_ctx *x, __u32 seq, long long *lat_ns,
		      struct ml_stats *st)
{
	struct ml_payload pl = { htonl(ML_MAGIC), htonl(x->nonce), htonl(seq) }, got;
	long long t0 = now_ns(), deadline = t0 + (long long)o->timeout_ms * NSEC_PER_MSEC;
	int r;

	if (send(x->client_udp, &pl, sizeof(pl), 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		r = wait_fd(x->server_fd, POLLIN, deadline);
		if (r <= 0)
			return r;
		n = recv(x->server_fd, &got, sizeof(got), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		if (n == sizeof(got) && got.magic == pl.magic && got.nonce == pl.nonce &&
		    got.seq == pl.seq) {
			*lat_ns = now_ns() - t0;
			return 1;
		}
		st->late++; /* an earlier sample's, after its timeout */
	}
}

static void sleep_ms(unsigned long long ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * NSEC_PER_MSEC };

	while (!bench_stop && clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

static int run(struct ml_opts *o, struct ml_ctx *x, struct ml_stats *st)
{
	for (unsigned long long k = 0; k < o->count && !bench_stop; k++) {
		unsigned int retrans = 0;
		long long lat = 0;
		int r;

		if (k)
			sleep_ms(o->interval_ms);
		if (bench_stop)
			break;
		r = forget_all(o, x);
		if (r)
			return r;
		st->sent++;
		r = o->udp ? sample_udp(o, x, (__u32)k, &lat, st) :
			     sample_tcp(o, x, &lat, &retrans);
		if (r < 0) {
			pr_err("sample %llu: %s", k, strerror(-r));
			return r;
		}
		if (!r) {
			if (!bench_stop)
				st->failed++;
			pr_debug("sample %llu: %s", k, o->udp ? "lost" : "not established");
			continue;
		}
		st->lat_ns[st->ok++] = lat;
		st->retrans += retrans > 0;
		pr_debug("sample %llu: %.1f us%s", k, (double)lat / 1000.0,
			 retrans ? " (retransmitted)" : "");
	}
	return 0;
}

/* ---- the report ---------------------------------------------------------- */

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile p (1..100) of n sorted values, in microseconds. */
static double pct_us(const long long *v, unsigned long long n, unsigned int p)
{
	unsigned long long rank = (p * n + 99) / 100;

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)v[rank - 1] / 1000.0;
}

static void report(const struct ml_opts *o, struct ml_stats *st)
{
	static const unsigned int pcts[] = { 50, 90, 99 };
	unsigned long long n = st->ok;
	char dst[OVL_IP_STRLEN];
	double sum = 0;

	qsort(st->lat_ns, n, sizeof(st->lat_ns[0]), cmp_ll);
	for (unsigned long long i = 0; i < n; i++)
		sum += (double)st->lat_ns[i];
	if (o->json) {
		printf("{\"proto\":\"%s\",\"count\":%llu,\"ok\":%llu,\"retrans\":%llu,"
		       "\"lost\":%llu",
		       o->udp ? "udp" : "tcp", st->sent, n, st->retrans, st->failed);
		for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
			if (n)
				printf(",\"p%u_us\":%.1f", pcts[i], pct_us(st->lat_ns, n, pcts[i]));
			else
				printf(",\"p%u_us\":null", pcts[i]);
		}
		if (n)
			printf(",\"min_us\":%.1f,\"max_us\":%.1f,\"mean_us\":%.1f}\n",
			       (double)st->lat_ns[0] / 1000.0, (double)st->lat_ns[n - 1] / 1000.0,
			       sum / (double)n / 1000.0);
		else
			printf(",\"min_us\":null,\"max_us\":null,\"mean_us\":null}\n");
		return;
	}
	ovl_ip_format(&o->dst, dst);
	if (o->udp)
		printf("%llu UDP datagrams to %s port %u: %llu received, %llu lost", st->sent, dst,
		       o->port, n, st->failed);
	else
		printf("%llu TCP connects to %s port %u: %llu established, %llu of them after a "
		       "retransmission, %llu failed",
		       st->sent, dst, o->port, n, st->retrans, st->failed);
	if (st->late)
		printf(" (%llu datagrams came after their timeout)", st->late);
	printf("\n");
	if (n)
		printf("latency us: min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f\n",
		       (double)st->lat_ns[0] / 1000.0, pct_us(st->lat_ns, n, 50),
		       pct_us(st->lat_ns, n, 90), pct_us(st->lat_ns, n, 99),
		       (double)st->lat_ns[n - 1] / 1000.0, sum / (double)n / 1000.0);
}

/* ---- options ------------------------------------------------------------- */

enum {
	OPT_CLIENT_NETNS = 256,
	OPT_SERVER_NETNS,
	OPT_CLIENT_DEV,
	OPT_SERVER_DEV,
	OPT_DST,
	OPT_SRC,
	OPT_UDP,
	OPT_PORT,
	OPT_MAP_DEL,
	OPT_NEIGH_DEL,
	OPT_FLUSH_NEIGH,
	OPT_INTERVAL,
	OPT_TIMEOUT,
};

static const struct option long_opts[] = {
	{ "client-netns", required_argument, NULL, OPT_CLIENT_NETNS },
	{ "server-netns", required_argument, NULL, OPT_SERVER_NETNS },
	{ "client-dev", required_argument, NULL, OPT_CLIENT_DEV },
	{ "server-dev", required_argument, NULL, OPT_SERVER_DEV },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "udp", no_argument, NULL, OPT_UDP },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "map-del", required_argument, NULL, OPT_MAP_DEL },
	{ "neigh-del", required_argument, NULL, OPT_NEIGH_DEL },
	{ "flush-neigh", no_argument, NULL, OPT_FLUSH_NEIGH },
	{ "count", required_argument, NULL, 'n' },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "json", no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

static int parse_ip(const char *opt, const char *s, struct ovl_ip *ip)
{
	if (ovl_ip_parse(s, ip)) {
		pr_err("%s: '%s' is not an IPv4 or IPv6 address", opt, s);
		return -EINVAL;
	}
	return 0;
}

/* Return: 0, 1 for --help, or -EINVAL (logged). */
static int parse_args(int argc, char **argv, struct ml_opts *o)
{
	bool timeout_set = false;
	int c;

	*o = (struct ml_opts){
		.client_dev = "eth0",
		.server_dev = "eth0",
		.port = ML_PORT,
		.count = 200,
		.interval_ms = ML_INTERVAL_MS,
	};
	while ((c = getopt_long(argc, argv, "n:jvh", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_CLIENT_NETNS:
			o->client_netns = optarg;
			break;
		case OPT_SERVER_NETNS:
			o->server_netns = optarg;
			break;
		case OPT_CLIENT_DEV:
			o->client_dev = optarg;
			break;
		case OPT_SERVER_DEV:
			o->server_dev = optarg;
			break;
		case OPT_DST:
			if (parse_ip("--dst", optarg, &o->dst))
				return -EINVAL;
			break;
		case OPT_SRC:
			if (parse_ip("--src", optarg, &o->src))
				return -EINVAL;
			o->have_src = true;
			break;
		case OPT_UDP:
			o->udp = true;
			break;
		case OPT_PORT:
			if (ovl_port_parse(optarg, &o->port)) {
				pr_err("--port: not a port: '%s'", optarg);
				return -EINVAL;
			}
			break;
		case OPT_MAP_DEL:
		case OPT_NEIGH_DEL:
			if (o->nforget == ML_MAX_FORGET) {
				pr_err("at most %d --map-del and --neigh-del", ML_MAX_FORGET);
				return -EINVAL;
			}
			if (forget_parse(c == OPT_MAP_DEL ? "--map-del" : "--neigh-del", optarg,
					 c == OPT_NEIGH_DEL, &o->forget[o->nforget]))
				return -EINVAL;
			o->nforget++;
			break;
		case OPT_FLUSH_NEIGH:
			o->flush_neigh = true;
			break;
		case 'n':
			if (bench_opt_u64("--count", optarg, 1, ML_MAX_COUNT, &o->count))
				return -EINVAL;
			break;
		case OPT_INTERVAL:
			if (bench_opt_u64("--interval", optarg, 0, 3600000, &o->interval_ms))
				return -EINVAL;
			break;
		case OPT_TIMEOUT:
			if (bench_opt_u64("--timeout", optarg, 1, 3600000, &o->timeout_ms))
				return -EINVAL;
			timeout_set = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			return 1;
		default:
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (!o->client_netns || !o->server_netns || !o->dst.family) {
		pr_err("--client-netns, --server-netns and --dst are required");
		return -EINVAL;
	}
	if (o->have_src && o->src.family != o->dst.family) {
		pr_err("--src and --dst are of different families");
		return -EINVAL;
	}
	if (o->flush_neigh && !o->have_src) {
		pr_err("--flush-neigh needs --src (the server's neighbour entry to delete)");
		return -EINVAL;
	}
	if (!timeout_set)
		o->timeout_ms = o->udp ? 1000 : 5000;
	return 0;
}

/* Open everything the run needs. Return: 0 or -errno (logged). */
static int setup(struct ml_opts *o, struct ml_ctx *x)
{
	struct mksock srv = { .o = o, .type = o->udp ? SOCK_DGRAM : SOCK_STREAM, .server = true };
	int server_ns, err;

	x->client_ns = ns_open(o->client_netns, "client");
	if (x->client_ns < 0)
		return x->client_ns;
	server_ns = ns_open(o->server_netns, "server");
	if (server_ns < 0)
		return server_ns;
	err = sock_in(server_ns, "server", &srv);
	x->server_fd = srv.fd;
	if (!err && o->flush_neigh) {
		struct mksock nl = { .o = o, .dev = o->server_dev };

		err = sock_in(server_ns, "server", &nl);
		x->server_nl = nl.fd;
		x->server_ifi = nl.ifindex;
	}
	close(server_ns);
	if (err)
		return err;
	if (o->flush_neigh) {
		struct mksock nl = { .o = o, .dev = o->client_dev };

		err = sock_in(x->client_ns, "client", &nl);
		x->client_nl = nl.fd;
		x->client_ifi = nl.ifindex;
		if (err)
			return err;
	}
	if (o->udp) {
		struct mksock cl = { .o = o, .type = SOCK_DGRAM };
		struct sockaddr_storage ss;
		socklen_t len;

		err = sock_in(x->client_ns, "client", &cl);
		x->client_udp = cl.fd;
		if (err)
			return err;
		sockaddr_of(&o->dst, o->port, &ss, &len);
		if (connect(cl.fd, (struct sockaddr *)&ss, len)) {
			err = -errno;
			pr_err("client: connect the UDP socket: %s", strerror(-err));
			return err;
		}
	}
	for (int i = 0; i < o->nforget; i++) {
		err = forget_open(&o->forget[i]);
		if (err)
			return err;
	}
	x->nonce = (__u32)(bench_now_ns(CLOCK_REALTIME) ^ ((long long)getpid() << 16));
	return 0;
}

static void teardown(struct ml_opts *o, struct ml_ctx *x)
{
	int fds[] = { x->client_ns, x->server_fd, x->client_udp, x->client_nl, x->server_nl };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (int i = 0; i < o->nforget; i++)
		ovl_ctl_close(o->forget[i].ctl);
}

int main(int argc, char **argv)
{
	struct ml_ctx x = {
		.client_ns = -1,
		.server_fd = -1,
		.client_udp = -1,
		.client_nl = -1,
		.server_nl = -1,
	};
	struct ml_stats st = {};
	struct ml_opts o;
	int err, ret = 1;

	ovl_log_set_ident(PROG);
	err = parse_args(argc, argv, &o);
	if (err) {
		if (err > 0) {
			usage(stdout);
			return 0;
		}
		fprintf(stderr, "Try '" PROG " --help'.\n");
		return 2;
	}
	if (o.verbose)
		ovl_log_set_level(OVL_LOG_DEBUG);
	st.lat_ns = calloc(o.count, sizeof(st.lat_ns[0]));
	if (!st.lat_ns) {
		pr_err("allocate %llu samples: %s", o.count, strerror(errno));
		return 1;
	}
	if (setup(&o, &x))
		goto out;
	bench_on_signals();
	if (run(&o, &x, &st))
		goto out;
	report(&o, &st);
	ret = 0;
out:
	teardown(&o, &x);
	free(st.lat_ns);
	return ret;
}
