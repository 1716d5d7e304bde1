// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * fuzz_ctl.c - the control socket: request lines through ovld's real
 * transport and dispatcher (loader/ctl_server.c, ctl_cmds.c, ctl_list.c
 * and every handler behind them), with the kernel's side replaced by the
 * unit tier's fake data path (tests/unit/fake_dp.c) and ovld set up as
 * the unit tier's loader tests have it (tests/unit/loader_fixture.c).
 *
 * The input is what one client sends on one connection: request lines
 * (the server cuts them at '\n'; the last needs none), then the client
 * half-closes. Every reply line must be a JSON object with "ok" true or
 * false (or an event, for a monitor); the server must close the
 * connection once it has answered, unless a reply is deferred (ipam.* on
 * an etcd overlay) or the client is a monitor: then the client closes.
 *
 * The ovld lives on across inputs. What an input leaves behind (an
 * overlay, an endpoint, a published port) is deleted after it through the
 * same socket, as an operator would: endpoints, then overlays, whose
 * published ports go with them. Where that leaves anything, or a link,
 * the next input gets a fresh ovld (and every 1000 inputs anyway).
 *
 * Links are not the kernel's: the harness links tests/fuzz/fake_link.c,
 * lib/veth.h's functions over a table in memory, in place of lib/veth.c.
 * A real veth pair costs about 6 ms of synchronize_net() to make and
 * delete, which made the inputs that create a VNIC or a router zone most
 * of the harness's time. A reset empties the table.
 *
 * What the handlers reach beyond the fake data path and links stays
 * inside: the harness runs in a user, network and mount namespace of its
 * own (made by LLVMFuzzerInitialize, root or not), with a tmpfs on /run.
 * A router zone's network namespace is real, and mounted there; no other
 * namespace can be entered from it; an etcd overlay finds no route to any
 * member. /run/ovl-fuzz holds the fixture's directories (TMPDIR) and
 * hosts.json, a hosts.json for files overlays (the seeds use it).
 *
 * What make fuzz-cov measures: a file, or FILE:FUNCTIONS for part of one.
 * cov: loader/ctl_server.c
 * cov: loader/ctl_cmds.c
 * cov: loader/ctl_list.c
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "ctl_server.h"
#include "loader_fixture.h"
#include "loop.h"
#include "test.h"
#include "fake_link.h"
#include "fuzz.h"

#define RESET_EVERY 1000
#define IDLE_TURNS  64 /* loop turns without a byte from the server: it waits for the client */
#define HOSTS_DIR   "/run/ovl-fuzz"

#define HOSTS                                                                                      \
	"{ \"de:ad:be:ef:05:01\": { \"ip\": \"192.0.2.51\", \"port\": 4789, \"arp\": "             \
	"\"10.23.0.51\" },\n"                                                                      \
	"  \"de:ad:be:ef:05:02\": { \"ip\": \"fd00::52\", \"port\": 4789, \"ndp\": "               \
	"\"fd23::52\", \"dhcp-proxy\": \"de:ad:be:ef:05:01\" } }\n"

/* What loader_fixture.c asks of the unit tier's harness (tests/lib/test.h):
 * here a failed assert is a crash. */
struct ovl_test_state ovl_test_cur;

void ovl_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void test_skip(const char *fmt, ...)
{
	(void)fmt;
	abort();
}

void test_info(const char *fmt, ...)
{
	(void)fmt;
}

static struct fx fx;
static bool live;
static unsigned int inputs;

static void write_file(const char *path, const char *text, const char *what)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd)) {
		fprintf(stderr, "fuzz_ctl: %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

/* A user namespace (as root too: its root has no power over the host's
 * namespaces), a network namespace and a mount namespace, with a tmpfs on
 * /run. It must be made before libFuzzer starts its threads. */
static void isolate(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	/* A worker of -fork=N or -jobs=N, started by a harness that made the
	 * namespaces: a network namespace of its own for its VNICs, the rest
	 * (and libFuzzer's TMPDIR) shared with the others. */
	if (getenv("OVL_FUZZ_ISOLATED")) {
		if (unshare(CLONE_NEWNET)) {
			fprintf(stderr, "fuzz_ctl: unshare(net): %s\n", strerror(errno));
			exit(1);
		}
		return;
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS)) {
		fprintf(stderr,
			"fuzz_ctl: unshare(user, net, mount): %s: the harness runs "
			"only in namespaces of its own\n",
			strerror(errno));
		exit(1);
	}
	write_file("/proc/self/setgroups", "deny", "setgroups");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
	write_file("/proc/self/uid_map", map, "uid_map");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)gid);
	write_file("/proc/self/gid_map", map, "gid_map");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") ||
	    mkdir(HOSTS_DIR, 0755)) {
		fprintf(stderr, "fuzz_ctl: a private /run: %s\n", strerror(errno));
		exit(1);
	}
	write_file(HOSTS_DIR "/hosts.json", HOSTS, "hosts.json");
	/* the fixture's state and run directories (loader_fixture.c) */
	setenv("TMPDIR", HOSTS_DIR, 1);
	setenv("OVL_FUZZ_ISOLATED", "1", 1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	isolate();
	return 0;
}

static void up(void)
{
	if (!fx_up(&fx))
		abort();
	live = true;
}

/* The VNICs' and router zones' veths (tests/fuzz/fake_link.c). */
static bool links_made(void)
{
	return fake_link_count() > 0;
}

/* A fresh ovld, and no links: as if their namespaces were gone. */
static void reset(void)
{
	fx_down(&fx);
	live = false;
	fake_link_reset();
}

/* The complete lines of buf[0, len): each a JSON object with "ok" true
 * or false, or an event for a monitor. Return: how many bytes they took. */
static size_t replies_check(const char *buf, size_t len)
{
	size_t off = 0;
	const char *nl;

	while ((nl = memchr(buf + off, '\n', len - off))) {
		json_error_t e;
		json_t *j = json_loadb(buf + off, (size_t)(nl - buf - off), 0, &e);

		FUZZ_CHECK(json_is_object(j), "reply line is no JSON object: %s: %.200s", e.text,
			   buf + off);
		FUZZ_CHECK(json_is_boolean(json_object_get(j, "ok")) || json_object_get(j, "event"),
			   "reply line without \"ok\": %.200s", buf + off);
		json_decref(j);
		off = (size_t)(nl - buf) + 1;
	}
	return off;
}

/* The input on a new connection; the replies read until the server
 * closes it, or waits for the client (then the client closes). */
static void converse(const uint8_t *data, size_t size)
{
	static char buf[1 << 20];
	size_t len = 0, sent = 0;
	int sv[2], idle = 0;
	bool eof = false;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		abort();
	if (!ctl_client_new(&fx.d, sv[0]))
		abort();
	while (!eof && idle < IDLE_TURNS) {
		ssize_t r;

		if (sent < size) {
			r = send(sv[1], data + sent, size - sent, MSG_NOSIGNAL);
			if (r > 0)
				sent += (size_t)r;
			if (sent == size)
				shutdown(sv[1], SHUT_WR);
		}
		loop_run_once(fx.d.loop, 0);
		r = recv(sv[1], buf + len, sizeof(buf) - len, MSG_DONTWAIT);
		if (r > 0) {
			size_t used;

			len += (size_t)r;
			used = replies_check(buf, len);
			memmove(buf, buf + used, len - used);
			len -= used;
			FUZZ_CHECK(len < sizeof(buf), "a reply line of 1 MiB");
			idle = 0;
		} else {
			eof = r == 0;
			idle++;
		}
	}
	if (eof)
		FUZZ_CHECK(len == 0, "the connection ended in a reply line: %.200s", buf);
	close(sv[1]);
	/* the server sees the client gone and lets go of it */
	for (int i = 0; i < 4; i++)
		loop_run_once(fx.d.loop, 0);
}

/* A request line for clear(). */
static void request(FILE *f, json_t *req)
{
	if (!req || json_dumpf(req, f, JSON_COMPACT) || fputc('\n', f) == EOF)
		abort();
	json_decref(req);
}

static bool left_behind(void)
{
	return fx.d.overlays || fx.d.eps || fx.d.forwards;
}

/* Delete what the input left: its endpoints (not a router zone's: it goes
 * with its overlay), then its overlays, with their published ports. */
static void clear(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	for (const struct ovl_ep *ep = fx.d.eps; ep; ep = ep->next) {
		if (ep->kind == OVL_EP_VNIC)
			request(f, json_pack("{s:s, s:s, s:s}", "cmd", OVL_CMD_VNIC_DELETE, "name",
					     ep->id, "netns", ep->netns));
		else if (ep->kind == OVL_EP_CNI)
			request(f, json_pack("{s:s, s:s, s:s}", "cmd", OVL_CMD_ENDPOINT_DEL, "id",
					     ep->id, "network", ep->network));
	}
	for (const struct ovl_overlay *ov = fx.d.overlays; ov; ov = ov->next)
		request(f,
			json_pack("{s:s, s:s}", "cmd", OVL_CMD_OVERLAY_DELETE, "name", ov->name));
	if (fclose(f))
		abort();
	converse((const uint8_t *)text, len);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!live)
		up();
	converse(data, size);
	if (left_behind()) {
		clear();
		/* a link is a VNIC's, which needs an overlay: only an input that
		 * left something can have made one */
		if (left_behind() || links_made()) {
			reset();
			return 0;
		}
	}
	if (++inputs % RESET_EVERY == 0)
		reset();
	return 0;
}
