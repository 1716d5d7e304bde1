// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_loader_ctl.c - control commands through the real transport
 * (loader/ctl_server.c): a client on one end of a socketpair, request
 * lines written to the other, loop turns, reply lines read back. Bad
 * requests get "ok":false with the reason and the errno name; a good
 * overlay.create is in state.json by the time its reply can be read.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include "loader_fixture.h"
#include "ctl_server.h"
#include "loop.h"
#include "test.h"

struct conn {
	int fd;
	char buf[1 << 16];
	size_t len;
};

static bool conn_open(struct fx *fx, struct conn *c)
{
	int sv[2];

	c->len = 0;
	c->fd = -1;
	if (!ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) ?
			       -errno :
			       0,
		       "socketpair"))
		return false;
	if (!ASSERT_OK_PTR(ctl_client_new(&fx->d, sv[0]), "ctl_client_new")) {
		close(sv[0]);
		close(sv[1]);
		return false;
	}
	c->fd = sv[1];
	return true;
}

/* Send line, turn the loop until a reply line comes (at most a second).
 * Return: the reply, or NULL (the test failed). With state_saved, whether
 * state.json existed when the reply could first be read. */
static json_t *request(struct fx *fx, struct conn *c, const char *line, bool *state_saved)
{
	size_t n = strlen(line);
	uint64_t end = loop_now_ms() + 1000;
	json_error_t e;
	json_t *reply;
	char *nl;

	if (!ASSERT_EQ(write(c->fd, line, n), n, "write request") ||
	    !ASSERT_EQ(write(c->fd, "\n", 1), 1, "write newline"))
		return NULL;
	while (!(nl = memchr(c->buf, '\n', c->len)) && loop_now_ms() < end) {
		ssize_t r;

		loop_run_once(fx->d.loop, 20);
		r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len - 1, MSG_DONTWAIT);
		if (r > 0)
			c->len += (size_t)r;
		if (state_saved && r > 0)
			*state_saved = fx_exists(fx, "state/state.json");
	}
	if (!ASSERT_OK_PTR(nl, line))
		return NULL;
	*nl = '\0';
	reply = json_loads(c->buf, 0, &e);
	ASSERT_OK_PTR(reply, c->buf);
	c->len -= (size_t)(nl + 1 - c->buf);
	memmove(c->buf, nl + 1, c->len);
	return reply;
}

/* The reply says ok:false with errno name and a message containing msg. */
static bool refused(json_t *reply, const char *errname, const char *msg, const char *what)
{
	bool ok = ASSERT_OK_PTR(reply, what);

	if (!ok)
		return false;
	ok &= ASSERT_TRUE(json_is_false(json_object_get(reply, "ok")), what);
	ok &= ASSERT_STREQ(json_string_value(json_object_get(reply, "errno")), errname, what);
	ok &= ASSERT_STRSTR(json_string_value(json_object_get(reply, "error")), msg, what);
	return ok;
}

static bool accepted(json_t *reply, const char *what)
{
	return ASSERT_OK_PTR(reply, what) &&
	       ASSERT_TRUE(json_is_true(json_object_get(reply, "ok")), what);
}

/* tmpl with its @PATH@ replaced by path. */
static void subst_path(char *out, size_t len, const char *tmpl, const char *path)
{
	const char *at = strstr(tmpl, "@PATH@");

	if (!at)
		snprintf(out, len, "%s", tmpl);
	else
		snprintf(out, len, "%.*s%s%s", (int)(at - tmpl), tmpl, path, at + 6);
}

#define HOSTS                                                                                      \
	"{ \"de:ad:be:ef:05:01\": { \"ip\": \"192.0.2.51\", \"port\": 4789 },\n"                   \
	"  \"de:ad:be:ef:05:02\": { \"ip\": \"192.0.2.52\", \"port\": 4789 } }\n"

void test_loader_ctl_errors(void)
{
	char path[PATH_MAX], line[2 * PATH_MAX];
	struct conn c = { .fd = -1 };
	struct fx fx;
	struct {
		const char *req; /* @PATH@: the hosts.json path */
		const char *errname, *msg;
	} bad[] = {
		{ "{\"cmd\":\"overlay.create\",\"name\":\"c1\",\"vni\":16777216,\"search\":\"files\","
		  "\"props\":{\"files/config\":\"@PATH@\"}}",
		  "EINVAL", "\"vni\" must be an integer 0-16777215" },
		{ "{\"cmd\":\"overlay.create\",\"name\":\"c1\",\"vni\":-1,\"search\":\"files\","
		  "\"props\":{\"files/config\":\"@PATH@\"}}",
		  "EINVAL", "\"vni\" must be an integer" },
		{ "{\"cmd\":\"overlay.create\",\"name\":\"c1\",\"vni\":501,\"search\":\"nosuch\","
		  "\"props\":{\"files/config\":\"@PATH@\"}}",
		  "EINVAL", "unknown backend \"nosuch\"" },
		{ "{\"cmd\":\"overlay.create\",\"name\":\"c1\",\"vni\":501,\"search\":\"files\","
		  "\"props\":{\"files/config\":\"@PATH@\",\"files/bogus\":\"x\"}}",
		  "EINVAL", "unknown property \"files/bogus\" for backend files" },
		{ "{\"cmd\":\"overlay.create\",\"name\":\"c1\",\"vni\":501,\"search\":\"files\"}",
		  "EINVAL", "the files backend needs files/config=" },
		{ "{\"cmd\":\"overlay.create\",\"name\":\"bad name!\",\"vni\":501,\"search\":\"files\","
		  "\"props\":{\"files/config\":\"@PATH@\"}}",
		  "EINVAL", "bad overlay name \"bad name!\"" },
		{ "{\"cmd\":\"overlay.create\",\"name\":\"c1\",\"vni\":501,\"search\":\"files\","
		  "\"props\":{\"files/config\":\"@PATH@.missing\"}}",
		  "ENOENT", ".missing" },
		{ "{\"cmd\":\"map.add\",\"overlay\":\"good\",\"mac\":\"zz:zz\",\"ip\":\"192.0.2.9\"}",
		  "EINVAL", "mac: \"zz:zz\" is not a MAC address" },
		{ "{\"cmd\":\"map.add\",\"overlay\":\"nosuch\",\"mac\":\"02:00:00:00:00:01\","
		  "\"ip\":\"192.0.2.9\"}",
		  "ENOENT", "no overlay nosuch" },
		{ "{\"cmd\":\"map.add\",\"overlay\":\"good\",\"mac\":\"02:00:00:00:00:01\","
		  "\"ip\":\"192.0.2.9\",\"port\":0}",
		  "EINVAL", "port must be 1-65535" },
		{ "{\"cmd\":\"endpoint.add\",\"id\":\"c/eth0\",\"overlay\":\"good\","
		  "\"host_ifname\":\"ovlx\",\"mac\":\"02:00:00:00:00:07\",\"addrs\":["
		  "\"10.0.0.1\",\"10.0.0.2\",\"10.0.0.3\",\"10.0.0.4\",\"10.0.0.5\","
		  "\"10.0.0.6\",\"10.0.0.7\",\"10.0.0.8\"]}",
		  "E2BIG", "at most 7 addresses" },
		{ "{\"cmd\":\"endpoint.add\",\"id\":\"c/eth0\",\"overlay\":\"good\","
		  "\"host_ifname\":\"ovlx\",\"mac\":\"02:00:00:00:00:07\",\"addrs\":"
		  "[\"10.0.0.300\"]}",
		  "EINVAL", "addrs[0] is not an IP address" },
		{ "{\"cmd\":\"vnic.create\",\"name\":\"v0\",\"overlay\":\"good\","
		  "\"mac\":\"02:00:00:00:00:08\",\"addrs\":[\"10.0.0.1\",\"10.0.0.2\","
		  "\"10.0.0.3\",\"10.0.0.4\",\"10.0.0.5\",\"10.0.0.6\",\"10.0.0.7\",\"10.0.0.8\"]}",
		  "E2BIG", "8 addresses: a VNIC owns at most 7" },
		{ "{\"cmd\":\"vnic.create\",\"name\":\"v0\",\"overlay\":\"good\","
		  "\"mac\":\"02:00:00:00:00:08\",\"addrs\":[\"10.0.0.1\",\"300.1.1.1\"]}",
		  "EINVAL", "addrs[1]: \"300.1.1.1\" is not an IPv4 or IPv6 address" },
		{ "{\"cmd\":\"vnic.create\",\"name\":\"v0\",\"overlay\":\"good\","
		  "\"mac\":\"02:00:00:00:00:08\",\"addrs\":[\"10.0.0.1/24\"]}",
		  "EINVAL", "addrs[0]: \"10.0.0.1/24\" is not an IPv4 or IPv6 address (no prefix" },
		{ "{\"cmd\":\"vnic.create\",\"name\":\"v0\",\"overlay\":\"good\","
		  "\"mac\":\"02:00:00:00:00:08\",\"addrs\":[7]}",
		  "EINVAL", "addrs[0] is not a string" },
		{ "{\"cmd\":\"vnic.create\",\"name\":\"v0\",\"overlay\":\"good\","
		  "\"mac\":\"02:00:00:00:00:08\",\"addrs\":\"10.0.0.1\"}",
		  "EINVAL", "\"addrs\" must be an array of addresses" },
		{ "{\"cmd\":\"vnic.create\",\"name\":\"v0\",\"overlay\":\"good\","
		  "\"mac\":\"02:00:00:00:00:08\",\"addrs\":[\"ff02::1\"]}",
		  "EINVAL", "address ff02::1 is a multicast address: a VNIC cannot own it" },
		{ "{\"cmd\":\"vnic.create\",\"name\":\"v0\",\"overlay\":\"good\","
		  "\"mac\":\"02:00:00:00:00:08\",\"addrs\":[\"0.0.0.0\"]}",
		  "EINVAL", "address 0.0.0.0 is the unspecified address" },
		{ "{\"cmd\":\"no.such.command\"}", "ENOSYS",
		  "unknown command \"no.such.command\"" },
		{ "{\"vni\":1}", "ENOSYS", "unknown command \"\"" },
		{ "this is not JSON", "EINVAL", "request is not a JSON object" },
		{ "[1, 2]", "EINVAL", "request is not a JSON object: wrong type" },
		{ "{\"cmd\":\"status\",\"cmd\":\"status\"}", "EINVAL", "duplicate" },
	};
	json_t *r;

	if (!fx_up(&fx) || !fx_write(&fx, "hosts.json", HOSTS, path, sizeof(path)) ||
	    !conn_open(&fx, &c))
		goto out;
	/* The overlay the map.add requests name. */
	subst_path(line, sizeof(line),
		   "{\"cmd\":\"overlay.create\",\"name\":\"good\",\"vni\":500,"
		   "\"search\":\"files\",\"props\":{\"files/config\":\"@PATH@\"}}",
		   path);
	r = request(&fx, &c, line, NULL);
	accepted(r, "overlay good");
	json_decref(r);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		subst_path(line, sizeof(line), bad[i].req, path);
		r = request(&fx, &c, line, NULL);
		refused(r, bad[i].errname, bad[i].msg, bad[i].req);
		json_decref(r);
	}
	ASSERT_NULL(overlay_find(&fx.d, "c1"), "no overlay made");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_VNIS), 1, "one ovl_vnis entry");
	ASSERT_EQ(fake_dp_entries(OVL_MAP_FDB), 0, "no fdb entry");
	ASSERT_NULL(fx.d.eps, "no VNIC made");
out:
	if (c.fd >= 0)
		close(c.fd);
	fx_down(&fx);
}

void test_loader_ctl_create_saved(void)
{
	char path[PATH_MAX], line[2 * PATH_MAX];
	struct conn c = { .fd = -1 };
	bool saved = false;
	json_t *r, *res;
	struct fx fx;

	if (!fx_up(&fx) || !fx_write(&fx, "hosts.json", HOSTS, path, sizeof(path)) ||
	    !conn_open(&fx, &c))
		goto out;
	ASSERT_FALSE(fx_exists(&fx, "state/state.json"), "no state yet");
	subst_path(line, sizeof(line),
		   "{\"cmd\":\"overlay.create\",\"name\":\"good\",\"vni\":502,"
		   "\"search\":\"files\",\"props\":{\"files/config\":\"@PATH@\"}}",
		   path);
	r = request(&fx, &c, line, &saved);
	if (accepted(r, "overlay.create")) {
		res = json_object_get(r, "result");
		ASSERT_STREQ(json_string_value(json_object_get(res, "name")), "good", "name");
		ASSERT_EQ(json_integer_value(json_object_get(res, "vni")), 502, "vni");
		ASSERT_EQ(json_integer_value(json_object_get(res, "entries")), 2, "entries");
	}
	json_decref(r);
	ASSERT_TRUE(saved, "state.json written before the reply could be read");
	r = fx_load_json(&fx, "state/state.json");
	ASSERT_STREQ(json_string_value(json_object_get(
			     json_array_get(json_object_get(r, "overlays"), 0), "name")),
		     "good", "state.json overlay");
	json_decref(r);
	ASSERT_OK_PTR(overlay_find(&fx.d, "good"), "overlay made");

	/* A static entry, and status, while we are here. */
	r = request(&fx, &c,
		    "{\"cmd\":\"map.add\",\"overlay\":\"good\",\"mac\":\"02:00:00:00:00:01\","
		    "\"ip\":\"192.0.2.51\"}",
		    NULL);
	if (accepted(r, "map.add"))
		ASSERT_TRUE(json_is_true(json_object_get(json_object_get(r, "result"), "static")),
			    "static");
	json_decref(r);
	r = request(&fx, &c, "{\"cmd\":\"status\"}", NULL);
	if (accepted(r, "status"))
		ASSERT_EQ(json_integer_value(json_object_get(
				  json_object_get(
					  json_object_get(json_object_get(r, "result"), "maps"),
					  OVL_MAP_FDB),
				  "entries")),
			  1, "status: ovl_fdb entries");
	json_decref(r);
out:
	if (c.fd >= 0)
		close(c.fd);
	fx_down(&fx);
}

/* map.list in pages: the fake's cursor is the real protocol's. */
void test_loader_ctl_map_pages(void)
{
	char line[256], next[32] = "";
	struct conn c = { .fd = -1 };
	struct ovl_dest dst;
	struct ovl_ip ip;
	json_t *r;
	struct fx fx;
	size_t seen = 0;

	if (!fx_up(&fx) ||
	    !ASSERT_OK(fx_files_overlay(&fx, "pg", 503, "hosts.json", HOSTS), "pg") ||
	    !conn_open(&fx, &c))
		goto out;
	fx_ip("192.0.2.51", &ip);
	ovl_dest_from_ip(&dst, &ip, 4789, OVL_DEST_F_STATIC);
	for (int i = 0; i < 5; i++) {
		__u8 mac[6] = { 2, 0, 0, 0, 5, (__u8)i };

		ASSERT_OK(map_fdb_put(&fx.d, 503, mac, &dst), "fdb put");
	}
	for (int page = 0; page < 4; page++) {
		json_t *res, *n;

		if (page)
			snprintf(line, sizeof(line),
				 "{\"cmd\":\"map.list\",\"overlay\":\"pg\",\"limit\":2,"
				 "\"cursor\":\"%s\"}",
				 next);
		else
			snprintf(line, sizeof(line),
				 "{\"cmd\":\"map.list\",\"overlay\":\"pg\",\"limit\":2}");
		r = request(&fx, &c, line, NULL);
		if (!accepted(r, line)) {
			json_decref(r);
			break;
		}
		res = json_object_get(r, "result");
		ASSERT_LE(json_array_size(res), 2, "page size");
		seen += json_array_size(res);
		n = json_object_get(r, "next");
		snprintf(next, sizeof(next), "%s", n ? json_string_value(n) : "");
		json_decref(r);
		if (!next[0])
			break;
	}
	ASSERT_EQ(seen, 5, "every entry once");
	ASSERT_STREQ(next, "", "last page");
out:
	if (c.fd >= 0)
		close(c.fd);
	fx_down(&fx);
}
