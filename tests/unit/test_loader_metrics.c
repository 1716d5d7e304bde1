// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_loader_metrics.c - metrics.c: the --metrics address, the exposition
 * (label escaping, the per-overlay series) and the HTTP server in the loop
 * (200, 404, 405, 400, a silent client closed on time), over the fake
 * data path, on a loopback port.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "loader_fixture.h"
#include "loop.h"
#include "test.h"

#define HOSTS "{ \"02:00:00:00:06:01\": { \"ip\": \"192.0.2.61\", \"port\": 4789 } }"

void test_loader_metrics_addr(void)
{
	static const struct {
		const char *s;
		int family; /* 0: refused */
		const char *addr;
		unsigned int port;
	} cases[] = {
		{ "9100", AF_INET, "127.0.0.1", 9100 },
		{ ":9100", AF_INET, "127.0.0.1", 9100 },
		{ "10.1.0.2:80", AF_INET, "10.1.0.2", 80 },
		{ "0.0.0.0:9100", AF_INET, "0.0.0.0", 9100 },
		{ "[::1]:9100", AF_INET6, "::1", 9100 },
		{ "[fd00::2]:1", AF_INET6, "fd00::2", 1 },
		{ "", 0, NULL, 0 },
		{ ":", 0, NULL, 0 },
		{ "0", 0, NULL, 0 },
		{ "65536", 0, NULL, 0 },
		{ "-1", 0, NULL, 0 },
		{ "host:9100", 0, NULL, 0 },
		{ "::1:9100", 0, NULL, 0 },
		{ "[::1:9100", 0, NULL, 0 },
		{ "10.1.0.2:", 0, NULL, 0 },
		{ "10.1.0.2:9x", 0, NULL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_storage ss;
		unsigned int len;
		char buf[64] = "";
		int ret = metrics_addr_parse(cases[i].s, &ss, &len);

		if (!cases[i].family) {
			ASSERT_EQ(ret, -EINVAL, cases[i].s);
			continue;
		}
		if (!ASSERT_OK(ret, cases[i].s) ||
		    !ASSERT_EQ(ss.ss_family, cases[i].family, cases[i].s))
			continue;
		if (ss.ss_family == AF_INET) {
			const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
			ASSERT_EQ(ntohs(in->sin_port), cases[i].port, cases[i].s);
		} else {
			const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
			ASSERT_EQ(ntohs(in6->sin6_port), cases[i].port, cases[i].s);
		}
		ASSERT_STREQ(buf, cases[i].addr, cases[i].s);
	}
}

void test_loader_metrics_render(void)
{
	struct fx fx;
	size_t len = 0;
	char *text = NULL;
	struct ovl_overlay *ov;

	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "o1", 601, "hosts.json", HOSTS), "o1"))
		goto out;
	ov = overlay_find(&fx.d, "o1");
	if (!ASSERT_NEQ(ov, NULL, "o1"))
		goto out;
	snprintf(ov->error, sizeof(ov->error), "bad \"x\"\nat c:\\tmp");
	text = metrics_render(&fx.d, &len);
	if (!ASSERT_NEQ(text, NULL, "render"))
		goto out;
	ASSERT_EQ(strlen(text), len, "length");
	ASSERT_STRSTR(text, "# TYPE ovl_build_info gauge\novl_build_info{version=\"", "build info");
	ASSERT_STRSTR(text, "# TYPE ovl_encapsulated_packets_total counter\n", "counter type");
	ASSERT_STRSTR(text, "ovl_encapsulated_packets_total{overlay=\"o1\",vni=\"601\"} 0\n",
		      "per overlay");
	ASSERT_STRSTR(
		text,
		"ovl_dropped_packets_total{overlay=\"o1\",vni=\"601\",reason=\"spoof_mac\"} 0\n",
		"drop by reason");
	ASSERT_STRSTR(text,
		      "ovl_backend_error_info{overlay=\"o1\",vni=\"601\",backend=\"files\","
		      "error=\"bad \\\"x\\\"\\nat c:\\\\tmp\"} 1\n",
		      "label escaped");
	ASSERT_STRSTR(text, "ovl_backend_up{overlay=\"o1\",vni=\"601\",backend=\"files\"} 0\n",
		      "backend down while in error");
	ASSERT_STRSTR(text, "ovl_miss_resolution_seconds_bucket{le=\"+Inf\"} 0\n", "histogram");
	ASSERT_STRSTR(text, "ovl_map_capacity{map=\"ovl_fdb\"} ", "map capacity");
out:
	free(text);
	fx_down(&fx);
}

/* A connected non-blocking client to port on loopback, or -1. */
static int client(unsigned int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

/* Send req, turn the loop until the server closes; the answer in buf. */
static bool exchange(struct fx *fx, unsigned int port, const char *req, char *buf, size_t len)
{
	int fd = client(port);
	size_t got = 0;
	bool closed = false;

	buf[0] = '\0';
	if (fd < 0 || write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	for (int i = 0; i < 200 && !closed; i++) {
		ssize_t n;

		loop_run_once(fx->d.loop, 10);
		while ((n = read(fd, buf + got, len - 1 - got)) > 0)
			got += (size_t)n;
		closed = n == 0;
	}
	buf[got] = '\0';
	close(fd);
	return closed;
}

void test_loader_metrics_http(void)
{
	static char buf[1 << 20];
	unsigned int port = 0;
	struct fx fx;
	int silent = -1;

	if (!fx_up(&fx) || !ASSERT_OK(fx_files_overlay(&fx, "o1", 601, "hosts.json", HOSTS), "o1"))
		goto out;
	/* a free port: a few tries from one of our own */
	for (int i = 0; i < 20 && !port; i++) {
		unsigned int p = 20000 + (unsigned int)((getpid() * 7 + i * 131) % 30000);

		snprintf(fx.d.o.metrics, sizeof(fx.d.o.metrics), "127.0.0.1:%u", p);
		if (!metrics_listen(&fx.d))
			port = p;
	}
	if (!ASSERT_NEQ(port, 0, "listen"))
		goto out;

	ASSERT_TRUE(
		exchange(&fx, port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", buf, sizeof(buf)),
		"GET answered and closed");
	ASSERT_STRSTR(buf, "HTTP/1.1 200 OK\r\n", "200");
	ASSERT_STRSTR(buf, "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n", "type");
	ASSERT_STRSTR(buf, "ovl_encapsulated_packets_total{overlay=\"o1\",vni=\"601\"} 0\n",
		      "body");
	ASSERT_TRUE(exchange(&fx, port, "GET /metrics?x=1 HTTP/1.0\n\n", buf, sizeof(buf)),
		    "HTTP/1.0");
	ASSERT_STRSTR(buf, "HTTP/1.0 200 OK\r\n", "1.0 200");
	ASSERT_TRUE(exchange(&fx, port, "HEAD /metrics HTTP/1.1\r\n\r\n", buf, sizeof(buf)),
		    "HEAD");
	ASSERT_TRUE(strstr(buf, "ovl_build_info") == NULL, "HEAD has no body");
	ASSERT_TRUE(exchange(&fx, port, "GET / HTTP/1.1\r\n\r\n", buf, sizeof(buf)), "/");
	ASSERT_STRSTR(buf, "HTTP/1.1 404 Not Found\r\n", "404");
	ASSERT_TRUE(exchange(&fx, port, "POST /metrics HTTP/1.1\r\n\r\n", buf, sizeof(buf)),
		    "POST");
	ASSERT_STRSTR(buf, "HTTP/1.1 405 Method Not Allowed\r\n", "405");
	ASSERT_STRSTR(buf, "Allow: GET, HEAD\r\n", "Allow");
	ASSERT_TRUE(exchange(&fx, port, "hello\r\n\r\n", buf, sizeof(buf)), "garbage");
	ASSERT_STRSTR(buf, " 400 Bad Request\r\n", "400");

	/* A client that says nothing: others are served meanwhile, and it is
	 * closed once its time is up. */
	silent = client(port);
	if (!ASSERT_TRUE(silent >= 0, "silent client"))
		goto out;
	loop_run_once(fx.d.loop, 10);
	ASSERT_TRUE(exchange(&fx, port, "GET /metrics HTTP/1.1\r\n\r\n", buf, sizeof(buf)),
		    "served beside a silent client");
	ASSERT_STRSTR(buf, "200 OK", "200 beside it");
	loop_clock_advance(6000);
	loop_run_once(fx.d.loop, 10);
	{
		char c;

		ASSERT_EQ(read(silent, &c, 1), 0, "silent client closed after its time");
	}
out:
	if (silent >= 0)
		close(silent);
	metrics_close();
	fx_down(&fx);
}
