// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * metrics.c - ovld --metrics ADDR:PORT: GET /metrics in the Prometheus text
 * exposition format (version 0.0.4), served from ovld's own event loop.
 *
 * Theory. A scrape is rare (seconds apart) and its answer small (a few
 * hundred lines per overlay), so there is no thread and no exporter
 * process: the listening socket and every connection are non-blocking
 * sources of the loop. A connection reads one request into a fixed buffer
 * (METRICS_REQ_MAX: a longer head is refused with 431), is answered once
 * with the whole response built in memory, and is closed ("Connection:
 * close"; HTTP/1.0 and 1.1 clients both take that). Nothing waits on a
 * client: reads and writes take what the socket gives, and a connection
 * that has not finished within METRICS_CLIENT_MS is closed by its timer,
 * so a slow or silent client costs one fd and a little memory for at most
 * that long, and at most METRICS_CLIENTS of them exist (more are closed at
 * accept). The values are read when the request arrives: the maps with
 * the same calls `ovlctl stats` and `status` use, ovld's own counters as
 * they are.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include "ovl_abi.h"
#include "ovld.h"
#include "backend.h"
#include "ctl.h"
#include "loop.h"
#include "log.h"
#include "names.h"

#define METRICS_REQ_MAX	  4096 /* request line and headers */
#define METRICS_CLIENTS	  16   /* connections at once */
#define METRICS_CLIENT_MS 5000 /* to send a request and take the answer */
#define METRICS_BACKLOG	  16

struct mclient {
	struct mclient *next;
	struct ovld *d;
	int fd;
	struct ovl_source *src;
	struct ovl_timer *timer;
	char req[METRICS_REQ_MAX];
	size_t req_len;
	char *out; /* the whole response, once the request is in */
	size_t out_len, out_pos;
};

static struct {
	int fd;
	struct ovl_source *src;
	struct mclient *clients;
	int nclients;
	unsigned long long requests, refused;
} M = { .fd = -1 };

/* ---- the address ------------------------------------------------------------ */

int metrics_addr_parse(const char *s, struct sockaddr_storage *ss, unsigned int *len)
{
	char host[64] = "";
	const char *colon = strrchr(s, ':'), *port_s = s;
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char *end;
	unsigned long port;

	memset(ss, 0, sizeof(*ss));
	if (colon) {
		size_t hl = (size_t)(colon - s);

		if (hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, hl);
		host[hl] = '\0';
		port_s = colon + 1;
	}
	errno = 0;
	port = strtoul(port_s, &end, 10);
	if (!*port_s || *end || errno || port < 1 || port > 65535 || *port_s == '-' ||
	    *port_s == '+')
		return -EINVAL;
	if (!host[0]) { /* PORT or :PORT: loopback */
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*in4);
		return 0;
	}
	if (host[0] == '[') {
		size_t hl = strlen(host);

		if (hl < 3 || host[hl - 1] != ']')
			return -EINVAL;
		host[hl - 1] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1)
			return -EINVAL;
		*len = sizeof(*in6);
		return 0;
	}
	in4->sin_family = AF_INET;
	in4->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
		return -EINVAL;
	*len = sizeof(*in4);
	return 0;
}

/* ---- the exposition ----------------------------------------------------------- */

/* A label value: backslash, double quote and newline escaped (0.0.4). */
void metrics_label_write(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '"')
			fputs("\\\"", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{overlay="...",vni="..."[,extra]} value */
static void ov_sample(FILE *f, const char *name, const struct ovl_overlay *ov, const char *lk,
		      const char *lv, unsigned long long v)
{
	fprintf(f, "%s{overlay=\"", name);
	metrics_label_write(f, ov->name);
	fprintf(f, "\",vni=\"%u\"", ov->vni);
	if (lk && lv) {
		fprintf(f, ",%s=\"", lk);
		metrics_label_write(f, lv);
		fputc('"', f);
	}
	fprintf(f, "} %llu\n", v);
}

/* Buckets of ovl_miss_resolution_seconds, in seconds. */
static const double lat_bounds[OVL_MISS_LAT_BUCKETS] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025,
							 0.005,	 0.01,	  0.025,  0.05,	 0.1,
							 0.25,	 0.5,	  1,	  2.5 };

void metrics_miss_observe(struct ovld *d, unsigned long long ts_ns)
{
	struct timespec now;
	unsigned long long n;
	double s;

	clock_gettime(CLOCK_MONOTONIC, &now); /* bpf_ktime_get_ns()'s clock */
	n = (unsigned long long)now.tv_sec * 1000000000ull + (unsigned long long)now.tv_nsec;
	s = n > ts_ns ? (double)(n - ts_ns) / 1e9 : 0;
	for (int i = 0; i < OVL_MISS_LAT_BUCKETS; i++)
		if (s <= lat_bounds[i])
			d->miss_lat.bucket[i]++;
	d->miss_lat.count++;
	d->miss_lat.sum += s;
}

static void write_overlays(struct ovld *d, FILE *f)
{
	static const struct {
		__u32 id;
		const char *name, *help;
	} fwd[] = {
		{ OVL_VSTAT_ENCAP, "encapsulated",
		  "frames of the overlay encapsulated toward another host" },
		{ OVL_VSTAT_DECAP, "decapsulated",
		  "frames of the overlay decapsulated and delivered to a local endpoint" },
		{ OVL_VSTAT_LOCAL, "switched_local",
		  "frames of the overlay switched between local endpoints" },
	};
	char name[96];

	for (size_t k = 0; k < sizeof(fwd) / sizeof(fwd[0]); k++) {
		for (int b = 0; b < 2; b++) {
			snprintf(name, sizeof(name), "ovl_%s_%s_total", fwd[k].name,
				 b ? "bytes" : "packets");
			family(f, name, "counter", fwd[k].help);
			for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next) {
				struct ovl_stat vs[OVL_VSTAT_MAX];

				if (map_vni_stats_read(d, ov, vs))
					continue;
				ov_sample(f, name, ov, NULL, NULL,
					  b ? vs[fwd[k].id].bytes : vs[fwd[k].id].packets);
			}
		}
	}
	for (int b = 0; b < 2; b++) {
		snprintf(name, sizeof(name), "ovl_dropped_%s_total", b ? "bytes" : "packets");
		family(f, name, "counter",
		       "frames of the overlay dropped by the data path, by reason (ovlctl(8))");
		for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next) {
			struct ovl_stat vd[OVL_VDROPS];

			if (map_vni_drops_read(d, ov->vni, vd))
				continue;
			for (__u32 r = 0; r < OVL_VDROPS; r++)
				ov_sample(f, name, ov, "reason", ovl_drop_name(OVL_DROP_BASE + r),
					  b ? vd[r].bytes : vd[r].packets);
		}
	}
}

static void write_backends(struct ovld *d, FILE *f)
{
	static const char *const counters[][2] = {
		{ "ovl_backend_lookups_total", "questions the miss path put to the backend" },
		{ "ovl_backend_resolved_total", "misses the backend answered" },
		{ "ovl_backend_unresolved_total", "misses the backend could not answer" },
		{ "ovl_backend_reloads_total", "times the backend's data was read again" },
	};

	family(f, "ovl_backend_up", "gauge",
	       "1 when the overlay's backend is usable (etcd: connected), 0 otherwise");
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next) {
		json_t *st = ov->ops->status ? ov->ops->status(ov->backend) : NULL;
		json_t *c = json_object_get(st, "connected");
		int up = json_is_boolean(c) ? json_is_true(c) : !ov->error[0];

		ov_sample(f, "ovl_backend_up", ov, "backend", ov->search, (unsigned long long)up);
		json_decref(st);
	}
	family(f, "ovl_backend_entries", "gauge", "entries the overlay's backend holds");
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		ov_sample(f, "ovl_backend_entries", ov, "backend", ov->search,
			  (unsigned long long)backend_entries(ov));
	family(f, "ovl_backend_error_info", "gauge",
	       "the overlay's last backend or map error (label error), while there is one");
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next) {
		const char *e = ov->error[0] ? ov->error : ov->map_error;

		if (!e[0])
			continue;
		fputs("ovl_backend_error_info{overlay=\"", f);
		metrics_label_write(f, ov->name);
		fprintf(f, "\",vni=\"%u\",backend=\"", ov->vni);
		metrics_label_write(f, ov->search);
		fputs("\",error=\"", f);
		metrics_label_write(f, e);
		fputs("\"} 1\n", f);
	}
	for (size_t k = 0; k < sizeof(counters) / sizeof(counters[0]); k++) {
		family(f, counters[k][0], "counter", counters[k][1]);
		for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next) {
			unsigned long long v = k == 0 ? ov->lookups :
					       k == 1 ? ov->resolved :
					       k == 2 ? ov->unresolved :
							ov->reloads;

			ov_sample(f, counters[k][0], ov, NULL, NULL, v);
		}
	}
}

static void write_misses(struct ovld *d, FILE *f)
{
	static const char *const maps[] = { OVL_MAP_VNIS,      OVL_MAP_IFACES,	OVL_MAP_ENDPOINTS,
					    OVL_MAP_FDB,       OVL_MAP_NEIGH,	OVL_MAP_PEERS,
					    OVL_MAP_MISS_RL,   OVL_MAP_RFLOWS,	OVL_MAP_VNI_STATS,
					    OVL_MAP_VNI_DROPS, OVL_MAP_NEXTHOPS };
	unsigned long long cum = 0;

	family(f, "ovl_miss_events_total", "counter",
	       "miss and drop events ovld received from the data path");
	fprintf(f, "ovl_miss_events_total %llu\n", d->evt_received);
	family(f, "ovl_miss_unresolved_total", "counter", "misses no backend could answer");
	fprintf(f, "ovl_miss_unresolved_total %llu\n", d->evt_unresolved);
	family(f, "ovl_miss_delivered_total", "counter",
	       "first frames of a miss ovld encapsulated and sent itself");
	fprintf(f, "ovl_miss_delivered_total %llu\n", d->evt_delivered);
	family(f, "ovl_miss_injected_total", "counter",
	       "ARP and NDP answers to a miss ovld injected itself");
	fprintf(f, "ovl_miss_injected_total %llu\n", d->evt_injected);
	family(f, "ovl_miss_resolution_seconds", "histogram",
	       "from the data path's miss to the backend's answer being in the maps");
	for (int i = 0; i < OVL_MISS_LAT_BUCKETS; i++) {
		cum = d->miss_lat.bucket[i];
		fprintf(f, "ovl_miss_resolution_seconds_bucket{le=\"%g\"} %llu\n", lat_bounds[i],
			cum);
	}
	fprintf(f, "ovl_miss_resolution_seconds_bucket{le=\"+Inf\"} %llu\n", d->miss_lat.count);
	fprintf(f, "ovl_miss_resolution_seconds_sum %.9f\n", d->miss_lat.sum);
	fprintf(f, "ovl_miss_resolution_seconds_count %llu\n", d->miss_lat.count);

	family(f, "ovl_map_entries", "gauge", "entries in a BPF map of the data path");
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		__u32 n = 0, max = 0;

		if (!map_count(d, maps[i], &n, &max))
			fprintf(f, "ovl_map_entries{map=\"%s\"} %u\n", maps[i], n);
	}
	family(f, "ovl_map_capacity", "gauge", "entries a BPF map of the data path can hold");
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		__u32 n = 0, max = 0;

		if (!map_count(d, maps[i], &n, &max))
			fprintf(f, "ovl_map_capacity{map=\"%s\"} %u\n", maps[i], max);
	}
}

/* The host's counters of ovl_stats, by the names of ovlctl stats. */
static void write_host(struct ovld *d, FILE *f)
{
	struct ovl_stat st[OVL_STAT_MAX];

	if (map_stats_read(d, st, OVL_STAT_MAX))
		return;
	for (int b = 0; b < 2; b++) {
		const char *name = b ? "ovl_datapath_bytes_total" : "ovl_datapath_packets_total";

		family(f, name, "counter",
		       "the host's data path counters of ovlctl stats (label counter), whole frames");
		for (__u32 i = 0; i < OVL_STAT_MAX; i++)
			fprintf(f, "%s{counter=\"%s\"} %llu\n", name, ovl_stat_name(i),
				(unsigned long long)(b ? st[i].bytes : st[i].packets));
	}
}

char *metrics_render(struct ovld *d, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	family(f, "ovl_build_info", "gauge", "the version of ovld and of its data path's ABI");
	fprintf(f, "ovl_build_info{version=\"%s\",abi=\"%d\",instance=\"", OVL_VERSION,
		OVL_ABI_VERSION);
	metrics_label_write(f, d->o.instance);
	fputs("\"} 1\n", f);
	write_overlays(d, f);
	write_backends(d, f);
	write_misses(d, f);
	write_host(d, f);
	family(f, "ovl_metrics_requests_total", "counter",
	       "HTTP requests to the metrics address, and (refused) connections turned away");
	fprintf(f, "ovl_metrics_requests_total{result=\"served\"} %llu\n", M.requests);
	fprintf(f, "ovl_metrics_requests_total{result=\"refused\"} %llu\n", M.refused);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* ---- HTTP ------------------------------------------------------------------ */

static void client_close(struct mclient *c)
{
	for (struct mclient **p = &M.clients; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	M.nclients--;
	loop_del_fd(c->src);
	loop_timer_free(c->timer);
	close(c->fd);
	free(c->out);
	free(c);
}

static void client_timeout(void *arg)
{
	struct mclient *c = arg;

	pr_debug("metrics: client on fd %d too slow: closed", c->fd);
	client_close(c);
}

static int respond(struct mclient *c, int minor, int code, const char *reason, const char *extra,
		   const char *body, size_t body_len, bool head)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -ENOMEM;
	fprintf(f,
		"HTTP/1.%d %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Connection: close\r\n%s\r\n",
		minor, code, reason,
		code == 200 ? "text/plain; version=0.0.4; charset=utf-8" :
			      "text/plain; charset=utf-8",
		body_len, extra ? extra : "");
	if (!head)
		fwrite(body, 1, body_len, f);
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	c->out = buf;
	c->out_len = len;
	c->out_pos = 0;
	return 0;
}

/* The request head is in c->req: build the answer. */
static int handle(struct mclient *c)
{
	char method[16], target[256], version[16];
	int minor = 0, ret;
	bool head;

	M.requests++;
	if (sscanf(c->req, "%15s %255s %15s", method, target, version) != 3 ||
	    strncmp(version, "HTTP/1.", 7) || !strchr("01", version[7]) || version[8]) {
		static const char msg[] = "bad request\n";

		return respond(c, 0, 400, "Bad Request", NULL, msg, sizeof(msg) - 1, false);
	}
	minor = version[7] - '0';
	head = !strcmp(method, "HEAD");
	target[strcspn(target, "?")] = '\0';
	if (strcmp(target, "/metrics")) {
		static const char msg[] = "not found: the metrics are at /metrics\n";

		return respond(c, minor, 404, "Not Found", NULL, msg, sizeof(msg) - 1, head);
	}
	if (strcmp(method, "GET") && !head) {
		static const char msg[] = "method not allowed: GET or HEAD\n";

		return respond(c, minor, 405, "Method Not Allowed", "Allow: GET, HEAD\r\n", msg,
			       sizeof(msg) - 1, false);
	}
	{
		size_t len = 0;
		char *body = metrics_render(c->d, &len);

		if (!body) {
			static const char msg[] = "out of memory\n";

			return respond(c, minor, 500, "Internal Server Error", NULL, msg,
				       sizeof(msg) - 1, head);
		}
		ret = respond(c, minor, 200, "OK", NULL, body, len, head);
		free(body);
	}
	return ret;
}

static bool head_complete(const struct mclient *c)
{
	return strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n");
}

static void client_io(void *arg, uint32_t events)
{
	struct mclient *c = arg;

	if (!c->out && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		for (;;) {
			ssize_t n =
				read(c->fd, c->req + c->req_len, sizeof(c->req) - 1 - c->req_len);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			if (n <= 0) { /* gone, or closed before a whole request */
				client_close(c);
				return;
			}
			c->req_len += (size_t)n;
			c->req[c->req_len] = '\0';
			if (head_complete(c))
				break;
			if (c->req_len == sizeof(c->req) - 1) {
				static const char msg[] = "request header too large\n";

				if (respond(c, 0, 431, "Request Header Fields Too Large", NULL, msg,
					    sizeof(msg) - 1, false)) {
					client_close(c);
					return;
				}
				break;
			}
		}
		if (!c->out && handle(c)) {
			client_close(c);
			return;
		}
		if (loop_mod_fd(c->src, EPOLLOUT)) {
			client_close(c);
			return;
		}
	}
	if (c->out && (events & (EPOLLOUT | EPOLLIN | EPOLLHUP | EPOLLERR))) {
		while (c->out_pos < c->out_len) {
			ssize_t n = send(c->fd, c->out + c->out_pos, c->out_len - c->out_pos,
					 MSG_NOSIGNAL);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			if (n <= 0)
				break;
			c->out_pos += (size_t)n;
		}
		shutdown(c->fd, SHUT_WR);
		client_close(c);
	}
}

static void on_accept(void *arg, uint32_t events)
{
	struct ovld *d = arg;

	(void)events;
	for (;;) {
		int fd = accept4(M.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct mclient *c;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				pr_warn("metrics: accept: %s", strerror(errno));
			return;
		}
		if (M.nclients >= METRICS_CLIENTS) {
			M.refused++;
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->d = d;
		c->fd = fd;
		c->src = loop_add_fd(d->loop, fd, EPOLLIN, client_io, c);
		c->timer = loop_timer_new(d->loop, client_timeout, c);
		if (!c->src || !c->timer) {
			loop_del_fd(c->src);
			loop_timer_free(c->timer);
			close(fd);
			free(c);
			continue;
		}
		loop_timer_arm(c->timer, METRICS_CLIENT_MS);
		c->next = M.clients;
		M.clients = c;
		M.nclients++;
	}
}

int metrics_listen(struct ovld *d)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char where[OVL_IP_STRLEN + 8];
	int one = 1, err;

	if (!d->o.metrics[0])
		return 0;
	if (metrics_addr_parse(d->o.metrics, &ss, &len)) {
		pr_err("--metrics: \"%s\" is not PORT, :PORT, ADDR:PORT or [ADDR6]:PORT",
		       d->o.metrics);
		return -EINVAL;
	}
	M.fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (M.fd < 0) {
		err = -errno;
		pr_err("metrics socket: %s", strerror(-err));
		return err;
	}
	setsockopt(M.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(M.fd, (struct sockaddr *)&ss, len) || listen(M.fd, METRICS_BACKLOG)) {
		err = -errno;
		pr_err("metrics: listen on %s: %s", d->o.metrics, strerror(-err));
		goto err_close;
	}
	M.src = loop_add_fd(d->loop, M.fd, EPOLLIN, on_accept, d);
	if (!M.src) {
		err = -errno;
		pr_err("metrics: watch the socket: %s", strerror(-err));
		goto err_close;
	}
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, where, sizeof(where));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, where, sizeof(where));
	pr_info("metrics: http://%s%s%s:%u/metrics", ss.ss_family == AF_INET6 ? "[" : "", where,
		ss.ss_family == AF_INET6 ? "]" : "",
		ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
						((struct sockaddr_in6 *)&ss)->sin6_port));
	return 0;

err_close:
	close(M.fd);
	M.fd = -1;
	return err;
}

void metrics_close(void)
{
	while (M.clients)
		client_close(M.clients);
	loop_del_fd(M.src);
	M.src = NULL;
	if (M.fd >= 0)
		close(M.fd);
	M.fd = -1;
}
