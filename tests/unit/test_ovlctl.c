// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_ovlctl.c - ovlctl without a socket: the request every command line
 * builds; the usage error of every bad argument (exit 2, a message naming
 * the argument, the usage line, nothing on stdout); --help of every
 * command, and usage lines that the parser accepts; the human output of
 * canned results; the "is ovld running?" error.
 *
 * Expected JSON is written with ' for " to stay readable.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <jansson.h>
#include "test.h"
#include "ovlctl.h"

#define MAX_ARGS 32

struct cmdline {
	char buf[1024];
	char *argv[MAX_ARGS];
	int argc;
};

/* "ovlctl " + line, split at spaces (no quoting is needed here). */
static void split(struct cmdline *c, const char *line)
{
	char *save = NULL;

	snprintf(c->buf, sizeof(c->buf), "ovlctl %s", line);
	c->argc = 0;
	for (char *t = strtok_r(c->buf, " ", &save); t && c->argc < MAX_ARGS - 1;
	     t = strtok_r(NULL, " ", &save))
		c->argv[c->argc++] = t;
	c->argv[c->argc] = NULL;
}

/* JSON with ' for ". */
static json_t *jq(const char *s)
{
	char *d = strdup(s);
	json_error_t e;
	json_t *j;

	for (char *p = d; *p; p++)
		if (*p == '\'')
			*p = '"';
	j = json_loads(d, JSON_DECODE_ANY, &e);
	if (!j)
		fprintf(stderr, "bad test JSON %s: %s\n", d, e.text);
	free(d);
	return j;
}

struct run {
	int status;
	char *out, *err;
	size_t outlen, errlen;
};

static void run_ovlctl(const char *line, struct run *r)
{
	struct cmdline c;
	FILE *out, *err;

	split(&c, line);
	memset(r, 0, sizeof(*r));
	out = open_memstream(&r->out, &r->outlen);
	err = open_memstream(&r->err, &r->errlen);
	if (!out || !err) {
		r->status = -1;
		return;
	}
	r->status = ovlctl_main(c.argc, c.argv, out, err);
	fclose(out);
	fclose(err);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* A directory standing in for /run/netns, with one namespace "testns". */
static char netns_dir[64];

static void netns_setup(void)
{
	char path[128];
	FILE *f;

	if (netns_dir[0])
		return;
	snprintf(netns_dir, sizeof(netns_dir), "/tmp/ovlctl-test-XXXXXX");
	if (!mkdtemp(netns_dir)) {
		netns_dir[0] = '\0';
		return;
	}
	snprintf(path, sizeof(path), "%s/testns", netns_dir);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	ovlctl_netns_dir = netns_dir;
}

static void netns_teardown(void)
{
	char path[128];

	if (!netns_dir[0])
		return;
	snprintf(path, sizeof(path), "%s/testns", netns_dir);
	unlink(path);
	rmdir(netns_dir);
	netns_dir[0] = '\0';
	ovlctl_netns_dir = "/run/netns";
}

static const struct {
	const char *line;
	const char *json;
} good[] = {
	/* overlay: both the brief's and dladm's argument order */
	{ "overlay create overlay0 -v 23 -e vxlan -s files -p vxlan/listen_ip=10.1.0.1 "
	  "-p files/config=/var/tmp/hosts.json",
	  "{'cmd':'overlay.create','name':'overlay0','vni':23,'encap':'vxlan','search':'files',"
	  "'props':{'vxlan/listen_ip':'10.1.0.1','files/config':'/var/tmp/hosts.json'}}" },
	{ "overlay create -v 23 -e vxlan -s files -p files/config=/var/tmp/hosts.json overlay0",
	  "{'cmd':'overlay.create','name':'overlay0','vni':23,'encap':'vxlan','search':'files',"
	  "'props':{'files/config':'/var/tmp/hosts.json'}}" },
	{ "overlay create p2p --vni 0 --encap vxlan --search direct --prop direct/dest_ip=FD00::1 "
	  "--prop direct/dest_port=4790 --prop vxlan/listen_port=4789 --prop vxlan/listen_ip=fd00:0::2",
	  "{'cmd':'overlay.create','name':'p2p','vni':0,'encap':'vxlan','search':'direct',"
	  "'props':{'direct/dest_ip':'fd00::1','direct/dest_port':4790,'vxlan/listen_port':4789,"
	  "'vxlan/listen_ip':'fd00::2'}}" },
	{ "overlay create a.b_c-d -v 16777215 -e vxlan -s direct -p direct/dest_ip=10.0.0.2",
	  "{'cmd':'overlay.create','name':'a.b_c-d','vni':16777215,'encap':'vxlan',"
	  "'search':'direct','props':{'direct/dest_ip':'10.0.0.2'}}" },
	{ "overlay delete overlay0", "{'cmd':'overlay.delete','name':'overlay0'}" },
	{ "overlay list", "{'cmd':'overlay.list'}" },
	{ "overlay show", "{'cmd':'overlay.list'}" },
	/* vnic: dladm create-vnic -m MAC -l overlay0 foo0 */
	{ "vnic create -m DE:AD:BE:EF:0:0 -l overlay0 foo0",
	  "{'cmd':'vnic.create','name':'foo0','overlay':'overlay0','mac':'de:ad:be:ef:00:00'}" },
	{ "vnic create foo0 --overlay overlay0 --mac de:ad:be:ef:00:01 --netns testns",
	  "{'cmd':'vnic.create','name':'foo0','overlay':'overlay0','mac':'de:ad:be:ef:00:01',"
	  "'netns':'testns'}" },
	{ "vnic create abcdefghijklmno --link o -m 2:0:0:0:0:1",
	  "{'cmd':'vnic.create','name':'abcdefghijklmno','overlay':'o','mac':'02:00:00:00:00:01'}" },
	/* the addresses it owns: --ip repeated, canonical, in the order given */
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip 10.23.0.1 --ip FD00:23:0::1",
	  "{'cmd':'vnic.create','name':'foo0','overlay':'o','mac':'02:00:00:00:00:01',"
	  "'addrs':['10.23.0.1','fd00:23::1']}" },
	{ "vnic create foo0 --ip 10.0.0.7 -l o -m 2:0:0:0:0:1 --ip 10.0.0.1 --ip 10.0.0.2 "
	  "--ip 10.0.0.3 --ip 10.0.0.4 --ip 10.0.0.5 --ip fe80::1",
	  "{'cmd':'vnic.create','name':'foo0','overlay':'o','mac':'02:00:00:00:00:01',"
	  "'addrs':['10.0.0.7','10.0.0.1','10.0.0.2','10.0.0.3','10.0.0.4','10.0.0.5',"
	  "'fe80::1']}" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --maxbw 100M",
	  "{'cmd':'vnic.create','name':'foo0','overlay':'o','mac':'02:00:00:00:00:01',"
	  "'maxbw':100000000}" },
	{ "vnic set foo0 maxbw=1500k", "{'cmd':'vnic.set','name':'foo0','maxbw':1500000}" },
	{ "vnic set foo0 maxbw=2G --netns testns",
	  "{'cmd':'vnic.set','name':'foo0','netns':'testns','maxbw':2000000000}" },
	{ "vnic set foo0 maxbw=none", "{'cmd':'vnic.set','name':'foo0','maxbw':0}" },
	{ "vnic set foo0 maxbw=", "{'cmd':'vnic.set','name':'foo0','maxbw':0}" },
	{ "vnic delete foo0", "{'cmd':'vnic.delete','name':'foo0'}" },
	/* a VNIC is (namespace, name); the namespace may be gone already */
	{ "vnic delete eth0 --netns gone-ns",
	  "{'cmd':'vnic.delete','name':'eth0','netns':'gone-ns'}" },
	{ "vnic list", "{'cmd':'vnic.list'}" },
	{ "vnic list --netns testns", "{'cmd':'vnic.list','netns':'testns'}" },
	{ "endpoint list", "{'cmd':'endpoint.list'}" },
	{ "endpoint show", "{'cmd':'endpoint.list'}" },
	/* map */
	{ "map add overlay0 DE:AD:BE:EF:00:01 10.1.0.2",
	  "{'cmd':'map.add','overlay':'overlay0','mac':'de:ad:be:ef:00:01','ip':'10.1.0.2'}" },
	{ "map add overlay0 de:ad:be:ef:00:01 2001:DB8:0:0::1 4790",
	  "{'cmd':'map.add','overlay':'overlay0','mac':'de:ad:be:ef:00:01','ip':'2001:db8::1',"
	  "'port':4790}" },
	{ "map del overlay0 DE:AD:BE:EF:00:01",
	  "{'cmd':'map.del','overlay':'overlay0','mac':'de:ad:be:ef:00:01'}" },
	{ "map del overlay0 ff:ff:ff:ff:ff:ff",
	  "{'cmd':'map.del','overlay':'overlay0','mac':'ff:ff:ff:ff:ff:ff'}" },
	{ "map get overlay0 de:ad:be:ef:0:1",
	  "{'cmd':'map.get','overlay':'overlay0','mac':'de:ad:be:ef:00:01'}" },
	{ "map list", "{'cmd':'map.list'}" },
	{ "map list overlay0", "{'cmd':'map.list','overlay':'overlay0'}" },
	{ "map show overlay0", "{'cmd':'map.list','overlay':'overlay0'}" },
	/* neigh */
	{ "neigh add overlay0 10.23.0.1 de:ad:be:ef:00:00",
	  "{'cmd':'neigh.add','overlay':'overlay0','ip':'10.23.0.1','mac':'de:ad:be:ef:00:00'}" },
	{ "neigh add overlay0 FE80::3 DE:AD:BE:EF:00:00",
	  "{'cmd':'neigh.add','overlay':'overlay0','ip':'fe80::3','mac':'de:ad:be:ef:00:00'}" },
	{ "neigh del overlay0 fe80:0::3",
	  "{'cmd':'neigh.del','overlay':'overlay0','ip':'fe80::3'}" },
	{ "neigh list", "{'cmd':'neigh.list'}" },
	{ "neigh list overlay0", "{'cmd':'neigh.list','overlay':'overlay0'}" },
	/* the rest */
	{ "stats", "{'cmd':'stats'}" },
	{ "stats -a", "{'cmd':'stats'}" },
	{ "monitor", "{'cmd':'monitor'}" },
	{ "monitor -c 5", "{'cmd':'monitor'}" },
	{ "status", "{'cmd':'status'}" },
	{ "reload", "{'cmd':'reload'}" },
	{ "reload overlay0", "{'cmd':'reload','overlay':'overlay0'}" },
	/* the router zone */
	{ "forward add overlay0 tcp 8080 10.23.0.5:80",
	  "{'cmd':'forward.add','overlay':'overlay0','proto':'tcp','port':8080,'to':'10.23.0.5',"
	  "'to_port':80}" },
	{ "forward add overlay0 UDP 5353 [FD23:0::5]:53 --host-ip FD00::2",
	  "{'cmd':'forward.add','overlay':'overlay0','proto':'udp','port':5353,'to':'fd23::5',"
	  "'to_port':53,'host_ip':'fd00::2'}" },
	{ "forward add --host-ip 192.168.1.2 overlay0 tcp 65535 10.23.0.5:1",
	  "{'cmd':'forward.add','overlay':'overlay0','proto':'tcp','port':65535,'to':'10.23.0.5',"
	  "'to_port':1,'host_ip':'192.168.1.2'}" },
	{ "forward del overlay0 tcp 8080",
	  "{'cmd':'forward.del','overlay':'overlay0','proto':'tcp','port':8080}" },
	{ "forward del overlay0 udp 53 --host-ip fd00:0::2",
	  "{'cmd':'forward.del','overlay':'overlay0','proto':'udp','port':53,'host_ip':'fd00::2'}" },
	{ "forward list", "{'cmd':'forward.list'}" },
	{ "forward show overlay0", "{'cmd':'forward.list','overlay':'overlay0'}" },
	{ "router list", "{'cmd':'router.list'}" },
	{ "router show overlay0", "{'cmd':'router.list','overlay':'overlay0'}" },
	{ "router set overlay0 masquerade=on",
	  "{'cmd':'router.set','overlay':'overlay0','masquerade':true}" },
	{ "router set overlay0 gateway=none",
	  "{'cmd':'router.set','overlay':'overlay0','gateway':''}" },
	{ "router set overlay0 gateway=10.23.0.1/24 gateway=fd23::1/64 masquerade=off host=on",
	  "{'cmd':'router.set','overlay':'overlay0','gateway':'10.23.0.1/24,fd23::1/64',"
	  "'masquerade':false,'host':true}" },
	{ "overlay create r -v 5 -e vxlan -s files -p files/config=/x -p router/gateway=10.5.0.1/16 "
	  "-p router/gateway=fd05::1/64 -p router/masquerade=on",
	  "{'cmd':'overlay.create','name':'r','vni':5,'encap':'vxlan','search':'files',"
	  "'props':{'files/config':'/x','router/gateway':'10.5.0.1/16,fd05::1/64',"
	  "'router/masquerade':'on'}}" },
	/* global options before OBJECT and after VERB */
	{ "-j --instance h1 map list overlay0", "{'cmd':'map.list','overlay':'overlay0'}" },
	{ "map list overlay0 --json --socket /tmp/x.sock",
	  "{'cmd':'map.list','overlay':'overlay0'}" },
	{ "map add -- overlay0 de:ad:be:ef:00:01 10.1.0.2",
	  "{'cmd':'map.add','overlay':'overlay0','mac':'de:ad:be:ef:00:01','ip':'10.1.0.2'}" },
};

void test_ovlctl_requests(void)
{
	netns_setup();
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		json_t *req = NULL, *want = jq(good[i].json);
		struct cmdline c;
		char err[512], *got;
		int ret;

		split(&c, good[i].line);
		ret = ovlctl_build_request(c.argc, c.argv, &req, err, sizeof(err));
		if (!ASSERT_OK(ret, good[i].line)) {
			printf("  error: %s\n", err);
			json_decref(want);
			continue;
		}
		got = json_dumps(req, JSON_COMPACT);
		if (!ASSERT_TRUE(want && json_equal(req, want), good[i].line))
			printf("  got  %s\n  want %s\n", got, good[i].json);
		free(got);
		json_decref(req);
		json_decref(want);
	}
	netns_teardown();
}

void test_ovlctl_client_options(void)
{
	struct ovlctl_inv inv;
	struct cmdline c;
	char err[512], cwd[512], want[600];
	const char *path;
	json_t *req;

	split(&c, "map list -j --instance h1");
	if (ASSERT_OK(ovlctl_parse(c.argc, c.argv, &inv, err, sizeof(err)), "parse")) {
		ASSERT_TRUE(inv.json, "-j after VERB");
		ASSERT_STREQ(inv.socket, "/run/ovl/h1.sock", "--instance socket");
	}
	ovlctl_inv_free(&inv);

	setenv("OVL_INSTANCE", "envinst", 1);
	split(&c, "status");
	if (ASSERT_OK(ovlctl_parse(c.argc, c.argv, &inv, err, sizeof(err)), "parse env"))
		ASSERT_STREQ(inv.socket, "/run/ovl/envinst.sock", "OVL_INSTANCE");
	ovlctl_inv_free(&inv);
	split(&c, "--instance h2 status");
	if (ASSERT_OK(ovlctl_parse(c.argc, c.argv, &inv, err, sizeof(err)), "parse override"))
		ASSERT_STREQ(inv.socket, "/run/ovl/h2.sock", "--instance beats OVL_INSTANCE");
	ovlctl_inv_free(&inv);
	split(&c, "--instance h2 --socket /tmp/s.sock status");
	if (ASSERT_OK(ovlctl_parse(c.argc, c.argv, &inv, err, sizeof(err)), "parse socket"))
		ASSERT_STREQ(inv.socket, "/tmp/s.sock", "--socket beats --instance");
	ovlctl_inv_free(&inv);
	unsetenv("OVL_INSTANCE");

	split(&c, "status");
	if (ASSERT_OK(ovlctl_parse(c.argc, c.argv, &inv, err, sizeof(err)), "parse default"))
		ASSERT_STREQ(inv.socket, "/run/ovl/default.sock", "default instance");
	ASSERT_FALSE(inv.json, "no -j");
	ovlctl_inv_free(&inv);

	split(&c, "stats -a");
	if (ASSERT_OK(ovlctl_parse(c.argc, c.argv, &inv, err, sizeof(err)), "parse stats -a"))
		ASSERT_TRUE(inv.all, "stats -a");
	ovlctl_inv_free(&inv);
	split(&c, "monitor --count 7");
	if (ASSERT_OK(ovlctl_parse(c.argc, c.argv, &inv, err, sizeof(err)), "parse monitor"))
		ASSERT_EQ(inv.count, 7, "monitor --count");
	ovlctl_inv_free(&inv);

	/* a relative files/config is sent absolute: ovld runs elsewhere */
	split(&c, "overlay create o -v 1 -e vxlan -s files -p files/config=hosts.json");
	if (ASSERT_OK(ovlctl_build_request(c.argc, c.argv, &req, err, sizeof(err)), "relative") &&
	    ASSERT_OK_PTR(getcwd(cwd, sizeof(cwd)), "getcwd")) {
		path = json_string_value(
			json_object_get(json_object_get(req, "props"), "files/config"));
		snprintf(want, sizeof(want), "%s/hosts.json", strcmp(cwd, "/") == 0 ? "" : cwd);
		ASSERT_STREQ(path, want, "files/config made absolute");
		json_decref(req);
	}
}

static const struct {
	const char *line;
	const char *msg; /* must appear in stderr */
} bad[] = {
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --maxbw none", "bad maxbw \"none\"" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --maxbw 0", "bad maxbw \"0\": from 8 to" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --maxbw 7", "bad maxbw \"7\"" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --maxbw -5M", "bad maxbw \"-5M\"" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --maxbw 1.5G", "bad maxbw \"1.5G\"" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --maxbw 100Mbit", "bad maxbw \"100Mbit\"" },
	{ "vnic set foo0 maxbw=18G", "bad maxbw \"18G\": from 8 to 17179869176" },
	{ "vnic set foo0 maxbw=99999999999999999999999", "bad maxbw" },
	{ "vnic set foo0 mtu=1400", "bad property \"mtu=1400\": expected maxbw=RATE" },
	{ "vnic set foo0", "vnic set: missing maxbw=RATE" },
	{ "map add overlay0 de:ad:be:ef:00 10.1.0.2",
	  "ovlctl: map add: bad MAC \"de:ad:be:ef:00\": expected six hex groups separated by ':'" },
	{ "map add overlay0 de:ad:be:ef:00:01 10.1.0.256", "bad IP address \"10.1.0.256\"" },
	{ "map add overlay0 de:ad:be:ef:00:01 10.1.0.0/24", "without a prefix length" },
	{ "map add overlay0 de:ad:be:ef:00:01 fe80::1%eth0", "without a zone" },
	{ "map add overlay0 de:ad:be:ef:00:01 0.0.0.0", "bad IP address \"0.0.0.0\"" },
	{ "map add overlay0 de:ad:be:ef:00:01 10.1.0.2 0", "bad port \"0\"" },
	{ "map add overlay0 de:ad:be:ef:00:01 10.1.0.2 65536", "bad port \"65536\"" },
	{ "map add overlay0 de:ad:be:ef:00:01 10.1.0.2 http", "bad port \"http\"" },
	{ "map add overlay0 ff:ff:ff:ff:ff:ff 10.1.0.2", "bad MAC \"ff:ff:ff:ff:ff:ff\"" },
	{ "map add overlay0 00:00:00:00:00:00 10.1.0.2", "bad MAC \"00:00:00:00:00:00\"" },
	{ "map add overlay0 de:ad:be:ef:00:01", "map add: missing IP" },
	{ "map add", "map add: missing OVERLAY" },
	{ "map add overlay0 de:ad:be:ef:00:01 10.1.0.2 4789 x", "unexpected argument \"x\"" },
	{ "map add bad/name de:ad:be:ef:00:01 10.1.0.2", "bad overlay name \"bad/name\"" },
	{ "map add 0123456789abcdef0123456789abcdef de:ad:be:ef:00:01 10.1.0.2",
	  "bad overlay name" },
	{ "map del overlay0 nope", "map del: bad MAC \"nope\"" },
	{ "map del overlay0 de:ad:be:ef:00:01:02", "bad MAC" },
	{ "map get overlay0", "map get: missing MAC" },
	{ "map list a b", "map list: unexpected argument \"b\"" },
	{ "neigh add overlay0 10.23.0.1", "neigh add: missing MAC" },
	{ "neigh add overlay0 de:ad:be:ef:00:01 10.23.0.1",
	  "bad IP address \"de:ad:be:ef:00:01\"" },
	{ "neigh add overlay0 ff02::1 de:ad:be:ef:00:01", "bad IP address \"ff02::1\"" },
	{ "neigh add overlay0 10.23.0.1 01:00:5e:00:00:01", "bad MAC \"01:00:5e:00:00:01\"" },
	{ "neigh del overlay0 10.23.0.1/24", "neigh del: bad IP address" },
	{ "neigh list a b", "unexpected argument \"b\"" },
	{ "overlay create overlay0 -v 16777216 -e vxlan -s files -p files/config=/x",
	  "overlay create: bad VNI \"16777216\"" },
	{ "overlay create overlay0 -v -1 -e vxlan -s files -p files/config=/x", "bad VNI \"-1\"" },
	{ "overlay create overlay0 -v 0x17 -e vxlan -s files -p files/config=/x",
	  "bad VNI \"0x17\"" },
	{ "overlay create overlay0 -v 23 -e geneve -s files -p files/config=/x",
	  "bad encapsulation \"geneve\"" },
	{ "overlay create overlay0 -v 23 -e vxlan -s svp -p files/config=/x",
	  "bad search \"svp\"" },
	{ "overlay create overlay0 -v 23 -e vxlan -s etcd -p files/config=/x",
	  "property \"files/config\" needs -s files, not -s etcd" },
	{ "overlay create overlay0 -v 23 -e vxlan -s etcd", "-s etcd needs -p etcd/endpoints" },
	{ "overlay create overlay0 -v 23 -e vxlan -s etcd -p etcd/endpoints=10.0.0.5:2379",
	  "etcd/endpoints: \"10.0.0.5:2379\" is not an http:// or https:// URL" },
	{ "overlay create overlay0 -v 23 -e vxlan -s etcd -p etcd/endpoints=http://a:1 "
	  "-p etcd/lease-ttl=0",
	  "etcd/lease-ttl: not a whole number of seconds (1-86400)" },
	{ "overlay create overlay0 -v 23 -e vxlan -s etcd -p etcd/endpoints=http://a:1 "
	  "-p etcd/prefix=ovl/",
	  "etcd/prefix: \"ovl/\" must start with / and not end with one" },
	{ "overlay create overlay0 -v 23 -e vxlan -s files -p files/config",
	  "bad property \"files/config\": expected KEY=VALUE" },
	{ "overlay create overlay0 -v 23 -e vxlan -s files -p =x", "bad property \"=x\"" },
	{ "overlay create overlay0 -v 23 -e vxlan -s files -p files/nope=1",
	  "unknown property \"files/nope\"" },
	{ "overlay create overlay0 -v 23 -e vxlan -s files -p direct/dest_ip=10.0.0.1",
	  "property \"direct/dest_ip\" needs -s direct" },
	{ "overlay create overlay0 -v 23 -e vxlan -s files -p files/config=/x -p files/config=/y",
	  "property \"files/config\" given twice" },
	{ "overlay create overlay0 -v 23 -e vxlan -s files -p vxlan/listen_ip=10.0.0.1",
	  "-s files needs -p files/config=PATH" },
	{ "overlay create overlay0 -v 23 -e vxlan -s direct", "-s direct needs -p direct/dest_ip" },
	{ "overlay create overlay0 -v 23 -e vxlan -s direct -p direct/dest_ip=10.0.0.300",
	  "bad direct/dest_ip \"10.0.0.300\"" },
	{ "overlay create o -v 23 -e vxlan -s direct -p direct/dest_ip=10.0.0.3 "
	  "-p direct/dest_port=99999",
	  "bad direct/dest_port \"99999\"" },
	{ "overlay create o -v 23 -e vxlan -s files -p files/config=/x -p vxlan/listen_port=0",
	  "bad vxlan/listen_port \"0\"" },
	{ "overlay create o -v 23 -e vxlan -s files -p files/config=/x -p vxlan/listen_ip=x",
	  "bad vxlan/listen_ip \"x\"" },
	{ "overlay create overlay0 -v 23 -e vxlan -s files -p files/config=",
	  "bad files/config \"\"" },
	{ "overlay create overlay0 -e vxlan -s files -p files/config=/x", "missing -v VNI" },
	{ "overlay create overlay0 -v 23 -s files -p files/config=/x", "missing -e vxlan" },
	{ "overlay create overlay0 -v 23 -e vxlan -p files/config=/x",
	  "missing -s files|direct|etcd" },
	{ "overlay create -v 23 -e vxlan -s files -p files/config=/x", "missing NAME" },
	{ "overlay create overlay0 -v 23 -v 24 -e vxlan -s files -p files/config=/x",
	  "option \"-v\" given twice" },
	{ "overlay create overlay0 -v", "option \"-v\" needs an argument" },
	{ "overlay create overlay0 --vni", "option \"--vni\" needs an argument" },
	{ "overlay create overlay0 -x", "unknown option \"-x\"" },
	{ "overlay delete", "overlay delete: missing NAME" },
	{ "overlay delete a b", "unexpected argument \"b\"" },
	{ "overlay list all", "unexpected argument \"all\"" },
	{ "vnic create foo0 -l overlay0", "vnic create: missing -m MAC" },
	{ "vnic create foo0 -m de:ad:be:ef:00:00", "vnic create: missing -l OVERLAY" },
	{ "vnic create foo0123456789abcd -l overlay0 -m de:ad:be:ef:00:00",
	  "bad VNIC name \"foo0123456789abcd\"" },
	{ "vnic create foo/0 -l overlay0 -m de:ad:be:ef:00:00", "bad VNIC name \"foo/0\"" },
	{ "vnic create .. -l overlay0 -m de:ad:be:ef:00:00", "bad VNIC name \"..\"" },
	{ "vnic create foo0 -l overlay0 -m 01:00:5e:00:00:01", "bad MAC \"01:00:5e:00:00:01\"" },
	{ "vnic create foo0 -l overlay0 -m de:ad:be:ef:00:00 --netns missing",
	  "bad netns \"missing\"" },
	{ "vnic create foo0 -l overlay0 -m de:ad:be:ef:00:00 --netns ../etc",
	  "bad netns \"../etc\"" },
	{ "vnic create foo0 -l bad:name -m de:ad:be:ef:00:00", "bad overlay name \"bad:name\"" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip 300.1.1.1",
	  "bad --ip \"300.1.1.1\": expected an IPv4 or IPv6 address" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip 10.0.0.1/24",
	  "bad --ip \"10.0.0.1/24\": expected an IPv4 or IPv6 address without a prefix length" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip 224.0.0.5",
	  "bad --ip \"224.0.0.5\": a multicast address, which a VNIC cannot own" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip ff02::1",
	  "bad --ip \"ff02::1\": a multicast" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip 255.255.255.255",
	  "bad --ip \"255.255.255.255\": the broadcast address" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip 0.0.0.0",
	  "bad --ip \"0.0.0.0\": the unspecified address" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip ::", "bad --ip \"::\": the unspecified" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip 127.0.0.1",
	  "bad --ip \"127.0.0.1\": a loopback address" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip 10.0.0.1 --ip 10.0.0.01",
	  "bad --ip \"10.0.0.01\"" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip fd00::1 --ip FD00:0::1",
	  "--ip fd00::1 given twice" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip 10.0.0.1 --ip 10.0.0.2 --ip 10.0.0.3 "
	  "--ip 10.0.0.4 --ip 10.0.0.5 --ip 10.0.0.6 --ip 10.0.0.7 --ip 10.0.0.8",
	  "too many --ip: a VNIC owns at most 7 addresses" },
	{ "vnic create foo0 -l o -m 2:0:0:0:0:1 --ip", "option \"--ip\" needs an argument" },
	{ "vnic delete foo0 --ip 10.0.0.1", "unknown option \"--ip\"" },
	{ "vnic delete", "vnic delete: missing NAME" },
	{ "vnic delete foo/0", "bad VNIC name" },
	{ "vnic delete eth0 --netns a/b", "bad netns \"a/b\"" },
	{ "vnic list --netns ..", "bad netns \"..\"" },
	{ "vnic list extra", "unexpected argument \"extra\"" },
	{ "endpoint list -x", "endpoint list: unknown option \"-x\"" },
	{ "endpoint add", "endpoint: unknown verb \"add\"" },
	{ "stats -a extra", "stats: unexpected argument \"extra\"" },
	{ "stats --bogus", "unknown option \"--bogus\"" },
	{ "monitor -c 0", "monitor: bad count \"0\"" },
	{ "monitor -c x", "bad count \"x\"" },
	{ "monitor -c", "option \"-c\" needs an argument" },
	{ "status now", "status: unexpected argument \"now\"" },
	{ "reload a b", "unexpected argument \"b\"" },
	{ "reload bad/x", "bad overlay name \"bad/x\"" },
	{ "forward add overlay0 sctp 8080 10.23.0.5:80",
	  "ovlctl: forward add: bad protocol \"sctp\": expected tcp or udp" },
	{ "forward add overlay0 tcp 0 10.23.0.5:80",
	  "forward add: bad HOSTPORT \"0\": expected a number from 1 to 65535" },
	{ "forward add overlay0 tcp 70000 10.23.0.5:80", "bad HOSTPORT \"70000\"" },
	{ "forward add overlay0 tcp http 10.23.0.5:80", "bad HOSTPORT \"http\"" },
	{ "forward add overlay0 tcp 8080 10.23.0.5:0",
	  "bad port \"0\": expected a number from 1 to 65535 (in ADDR:PORT \"10.23.0.5:0\")" },
	{ "forward add overlay0 tcp 8080 10.23.0.5:70000", "bad port \"70000\"" },
	{ "forward add overlay0 tcp 8080 10.23.0.5:", "bad port \"\"" },
	{ "forward add overlay0 tcp 8080 10.23.0.5",
	  "bad ADDR:PORT \"10.23.0.5\": expected a container's address and port, as "
	  "10.23.0.5:80 or [fd23::5]:80" },
	{ "forward add overlay0 tcp 8080 fd23::5:80",
	  "bad ADDR:PORT \"fd23::5:80\": an IPv6 address goes in brackets, as [ADDR]:PORT" },
	{ "forward add overlay0 tcp 8080 [fd23::5]80",
	  "bad ADDR:PORT \"[fd23::5]80\": expected [IPv6 address]:PORT" },
	{ "forward add overlay0 tcp 8080 [10.23.0.5]:80",
	  "bad ADDR:PORT \"[10.23.0.5]:80\": \"10.23.0.5\" is not an IPv6 address (only IPv6 "
	  "goes in brackets)" },
	{ "forward add overlay0 tcp 8080 10.23.0.300:80",
	  "bad ADDR:PORT \"10.23.0.300:80\": \"10.23.0.300\" is not an IPv4 address" },
	{ "forward add overlay0 tcp 8080 :80", "bad ADDR:PORT \":80\"" },
	{ "forward add overlay0 tcp 8080 224.0.0.1:80",
	  "bad ADDR:PORT \"224.0.0.1:80\": a multicast address, which a container cannot own" },
	{ "forward add overlay0 tcp 8080 0.0.0.0:80", "the unspecified address" },
	{ "forward add overlay0 tcp 8080 [::1]:80", "a loopback address" },
	{ "forward add overlay0 tcp 8080 10.23.0.5:80 --host-ip fd00::2",
	  "bad --host-ip \"fd00::2\": an IPv6 address, and ADDR 10.23.0.5 is IPv4" },
	{ "forward add overlay0 tcp 8080 [fd23::5]:80 --host-ip 10.0.0.2",
	  "bad --host-ip \"10.0.0.2\": an IPv4 address, and ADDR fd23::5 is IPv6" },
	{ "forward add overlay0 tcp 8080 10.23.0.5:80 --host-ip 10.0.0.2/24",
	  "bad --host-ip \"10.0.0.2/24\": expected an IPv4 or IPv6 address without a prefix "
	  "length" },
	{ "forward add overlay0 tcp 8080 10.23.0.5:80 --host-ip 0.0.0.0",
	  "bad --host-ip \"0.0.0.0\": the unspecified address" },
	{ "forward add overlay0 tcp 8080 10.23.0.5:80 --host-ip 255.255.255.255",
	  "bad --host-ip \"255.255.255.255\": a multicast or broadcast address" },
	{ "forward add overlay0 tcp 8080 10.23.0.5:80 --host-ip 10.0.0.2 --host-ip 10.0.0.3",
	  "option \"--host-ip\" given twice" },
	{ "forward add overlay0 tcp 8080", "forward add: missing ADDR:PORT" },
	{ "forward add bad/o tcp 8080 10.23.0.5:80", "bad overlay name \"bad/o\"" },
	{ "forward add overlay0 tcp 8080 10.23.0.5:80 x", "unexpected argument \"x\"" },
	{ "forward del overlay0 tcp", "forward del: missing HOSTPORT" },
	{ "forward del overlay0 icmp 1", "forward del: bad protocol \"icmp\"" },
	{ "forward del overlay0 tcp 65536", "bad HOSTPORT \"65536\"" },
	{ "forward del overlay0 tcp 80 --host-ip x", "bad --host-ip \"x\"" },
	{ "forward del overlay0 tcp 80 10.23.0.5:80", "unexpected argument \"10.23.0.5:80\"" },
	{ "forward list a b", "forward list: unexpected argument \"b\"" },
	{ "router list a b", "router list: unexpected argument \"b\"" },
	{ "router set overlay0", "router set: missing SETTING" },
	{ "router set overlay0 masq=on",
	  "router set: unknown setting \"masq\": expected gateway=ADDR/PLEN|none, masquerade=on|off "
	  "or host=on|off" },
	{ "router set overlay0 on", "router set: unexpected argument \"on\": expected gateway=" },
	{ "router set overlay0 masquerade=maybe",
	  "router set: bad masquerade \"maybe\": expected on or off" },
	{ "router set overlay0 host=", "bad host \"\": expected on or off" },
	{ "router set overlay0 host=on host=off", "router set: host given twice" },
	{ "router set overlay0 gateway=", "bad gateway \"\": expected ADDR/PLEN (or none" },
	{ "router set overlay0 gateway=none gateway=10.23.0.1/24",
	  "router set: gateway=none goes alone" },
	{ "router set overlay0 gateway=10.23.0.1/24 gateway=none", "gateway=none goes alone" },
	{ "router set overlay0 gateway=10.23.0.1", "gateway: \"10.23.0.1\" is not ADDR/PLEN" },
	{ "router set overlay0 gateway=10.23.0.1/32", "gateway: \"/32\" is not a prefix length" },
	{ "router set overlay0 gateway=10.23.0.1/24 gateway=10.24.0.1/24",
	  "gateway: two IPv4 gateways" },
	{ "router set overlay0 gateway=224.0.0.1/24", "is not a unicast IPv4 or IPv6 address" },
	{ "router set bad/o masquerade=on", "bad overlay name \"bad/o\"" },
	{ "router set overlay0 gateway=10.23.0.1/24 gateway=fd23::1/64 masquerade=on host=on "
	  "host=off extra=1 more=2 x",
	  "router set: unexpected argument \"x\"" },
	{ "overlay create o -v 1 -e vxlan -s files -p files/config=/x -p router/masquerade=yes2",
	  "router/masquerade: expected on or off" },
	{ "", "ovlctl: missing OBJECT" },
	{ "frob", "unknown object \"frob\"" },
	{ "map", "map: missing VERB" },
	{ "map frob", "map: unknown verb \"frob\"" },
	{ "--instance ../x status", "bad instance name \"../x\"" },
	{ "--instance .hidden status", "bad instance name \".hidden\"" },
	{ "--instance a.b status", "bad instance name \"a.b\"" }, /* the bpffs refuses dots */
	{ "--instance", "option \"--instance\" needs an argument" },
	{ "status --socket", "option \"--socket\" needs an argument" },
	{ "-x status", "unknown option \"-x\"" },
	{ "--version status", "unexpected argument \"status\"" },
	{ "map list --version", "--version goes before OBJECT" },
	{ "map list --json=yes", "option \"--json\" takes no argument" },
	{ "help frob", "unknown object \"frob\"" },
	{ "help map frob", "unknown verb \"frob\"" },
};

void test_ovlctl_usage_errors(void)
{
	netns_setup();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct run r;

		run_ovlctl(bad[i].line, &r);
		ASSERT_EQ(r.status, OVLCTL_EXIT_USAGE, bad[i].line);
		ASSERT_EQ(r.outlen, 0, "nothing on stdout");
		if (r.err) {
			ASSERT_TRUE(strncmp(r.err, "ovlctl: ", 8) == 0, "ovlctl: prefix");
			ASSERT_STRSTR(r.err, bad[i].msg, bad[i].line);
			ASSERT_STRSTR(r.err, "\nusage: ovlctl", "usage line follows");
		}
		run_free(&r);
	}
	/* a bad OVL_INSTANCE is a usage error too, and says where it came from */
	setenv("OVL_INSTANCE", "a/b", 1);
	{
		struct run r;

		run_ovlctl("status", &r);
		ASSERT_EQ(r.status, OVLCTL_EXIT_USAGE, "bad OVL_INSTANCE");
		ASSERT_STRSTR(r.err, "bad instance name \"a/b\" in OVL_INSTANCE", "env message");
		run_free(&r);
	}
	unsetenv("OVL_INSTANCE");
	netns_teardown();
}

static void check_help(const char *line, const char *first)
{
	struct run r;

	run_ovlctl(line, &r);
	ASSERT_EQ(r.status, OVLCTL_EXIT_OK, line);
	ASSERT_EQ(r.errlen, 0, "nothing on stderr");
	if (ASSERT_OK_PTR(r.out, "stdout"))
		ASSERT_TRUE(strncmp(r.out, first, strlen(first)) == 0, line);
	run_free(&r);
}

void test_ovlctl_help(void)
{
	char line[128], usage[256], want[300];
	struct run all;

	check_help("--help", "usage: ovlctl [OPTIONS] OBJECT");
	check_help("-h", "usage: ovlctl [OPTIONS] OBJECT");
	check_help("help", "usage: ovlctl [OPTIONS] OBJECT");
	check_help("--version", "ovlctl ");
	run_ovlctl("--help", &all);
	for (int i = 0; i < ovlctl_ncmds; i++) {
		const struct ovlctl_cmd *cmd = &ovlctl_cmds[i];
		const char *verb = cmd->verb ? cmd->verb : "";

		ovlctl_cmd_usage(cmd, usage, sizeof(usage));
		snprintf(want, sizeof(want), "usage: %s\n", usage);
		snprintf(line, sizeof(line), "%s %s --help", cmd->object, verb);
		check_help(line, want);
		snprintf(line, sizeof(line), "%s %s -h", cmd->object, verb);
		check_help(line, want);
		snprintf(line, sizeof(line), "help %s %s", cmd->object, verb);
		check_help(line, want);
		/* --help wins over missing arguments */
		snprintf(line, sizeof(line), "-j %s %s --help", cmd->object, verb);
		check_help(line, want);
		if (cmd->verb) {
			snprintf(line, sizeof(line), "%s --help", cmd->object);
			snprintf(want, sizeof(want), "usage: ovlctl [OPTIONS] %s {", cmd->object);
			check_help(line, want);
		}
		/* every command is in the top-level help, with the same usage */
		snprintf(want, sizeof(want), "  %s\n", usage);
		ASSERT_STRSTR(all.out, want, cmd->wire);
		ASSERT_TRUE(cmd->summary && *cmd->summary, "summary");
		ASSERT_TRUE(cmd->build != NULL, "a builder");
		ASSERT_TRUE(cmd->print || (cmd->flags & OVLCTL_CMD_F_STREAM), "a printer");
		ASSERT_TRUE(cmd->min_args <= cmd->max_args && cmd->max_args <= OVLCTL_MAX_POS,
			    "argument counts");
	}
	run_free(&all);
}

/* A value for an argument, by the name its usage gives it. */
static const char *sample(const char *name)
{
	static const struct {
		const char *name, *value;
	} v[] = {
		{ "NAME", "foo0" },
		{ "OVERLAY", "overlay0" },
		{ "MAC", "de:ad:be:ef:00:01" },
		{ "IP", "10.1.0.2" },
		{ "ADDR", "10.23.0.1" },
		{ "PORT", "4789" },
		{ "VNI", "23" },
		{ "vxlan", "vxlan" },
		{ "files|direct|etcd", "files" },
		{ "KEY=VALUE", "files/config=/x" },
		{ "NS", "testns" },
		{ "COUNT", "3" },
		{ "SETTING", "masquerade=on" },
		{ "tcp|udp", "tcp" },
		{ "HOSTPORT", "8080" },
		{ "ADDR:PORT", "10.23.0.5:80" },
		{ "RATE", "100M" },
		{ "maxbw=RATE", "maxbw=50M" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strcmp(v[i].name, name) == 0)
			return v[i].value;
	return NULL;
}

/* The usage line of every command, filled with sample values, parses; one
 * argument more does not. */
void test_ovlctl_usage_accepted(void)
{
	netns_setup();
	for (int i = 0; i < ovlctl_ncmds; i++) {
		const struct ovlctl_cmd *cmd = &ovlctl_cmds[i];
		char line[512], lbl[32], err[512];
		struct cmdline c;
		json_t *req;

		for (int full = 0; full < 3; full++) {
			snprintf(line, sizeof(line), "%s %s", cmd->object,
				 cmd->verb ? cmd->verb : "");
			for (int a = 0; a < (full ? cmd->max_args : cmd->min_args); a++)
				ovlctl_strcatf(line, sizeof(line), " %s", sample(cmd->pos[a]));
			for (const struct ovlctl_optspec *o = cmd->opts; o && o->val; o++) {
				if (!full && !(o->flags & OVLCTL_OPT_F_REQUIRED))
					continue;
				ovlctl_opt_label(o, lbl, sizeof(lbl));
				ovlctl_strcatf(line, sizeof(line), " %s%s%s", lbl,
					       o->arg ? " " : "", o->arg ? sample(o->arg) : "");
			}
			if (full == 2)
				ovlctl_strcatf(line, sizeof(line), " extra");
			split(&c, line);
			req = NULL;
			if (full < 2) {
				if (!ASSERT_OK(ovlctl_build_request(c.argc, c.argv, &req, err,
								    sizeof(err)),
					       line))
					printf("  error: %s\n", err);
				ASSERT_OK_PTR(req, "request");
			} else {
				ASSERT_EQ(ovlctl_build_request(c.argc, c.argv, &req, err,
							       sizeof(err)),
					  -EINVAL, line);
				ASSERT_STRSTR(err, "unexpected argument \"extra\"", line);
			}
			json_decref(req);
		}
	}
	netns_teardown();
}

void test_ovlctl_not_running(void)
{
	struct run r;

	run_ovlctl("--socket /nonexistent/ovld.sock status", &r);
	ASSERT_EQ(r.status, OVLCTL_EXIT_FAIL, "exit 1");
	ASSERT_EQ(r.outlen, 0, "nothing on stdout");
	ASSERT_STRSTR(r.err,
		      "ovlctl: cannot reach ovld at /nonexistent/ovld.sock: No such file or "
		      "directory (is ovld running?)\n",
		      "message");
	run_free(&r);
	run_ovlctl("--instance ovlt-never-there map list", &r);
	ASSERT_EQ(r.status, OVLCTL_EXIT_FAIL, "exit 1");
	ASSERT_STRSTR(r.err,
		      "ovlctl: cannot reach ovld instance \"ovlt-never-there\" at "
		      "/run/ovl/ovlt-never-there.sock: ",
		      "message names instance and path");
	ASSERT_STRSTR(r.err, "(is ovld running?)", "hint");
	run_free(&r);
}

/*
 * With -j, a failure is a JSON object on stdout, and stderr stays empty;
 * the exit status is the same as without -j.
 */
static void expect_json_error(const char *line, int status, const char *want)
{
	json_error_t jerr;
	json_t *got, *exp = jq(want);
	struct run r;

	run_ovlctl(line, &r);
	ASSERT_EQ(r.status, status, line);
	ASSERT_EQ(r.errlen, 0, "nothing on stderr");
	got = r.out ? json_loads(r.out, JSON_REJECT_DUPLICATES, &jerr) : NULL;
	if (ASSERT_OK_PTR(got, "stdout is one JSON value") &&
	    !ASSERT_TRUE(json_equal(got, exp), line))
		printf("  got: %s  want: %s\n", r.out, want);
	json_decref(got);
	json_decref(exp);
	run_free(&r);
}

void test_ovlctl_json_errors(void)
{
	/* usage errors, -j anywhere, even after what the parser stopped at */
	expect_json_error("-j map add overlay0 de:ad:be:ef:00:01 10.1.0.2 0", OVLCTL_EXIT_USAGE,
			  "{'error': 'map add: bad port \\'0\\': expected a number from 1 to "
			  "65535', 'command': 'map add', "
			  "'usage': 'ovlctl map add OVERLAY MAC IP [PORT]'}");
	expect_json_error("map del overlay0 --json", OVLCTL_EXIT_USAGE,
			  "{'error': 'map del: missing MAC', 'command': 'map del', "
			  "'usage': 'ovlctl map del OVERLAY MAC'}");
	expect_json_error(
		"bogus -j", OVLCTL_EXIT_USAGE,
		"{'error': 'unknown object \\'bogus\\'', 'usage': 'ovlctl [OPTIONS] "
		"{overlay|backend|vnic|endpoint|map|neigh|router|forward|ipam|stats|monitor|status|reload} "
		"... (see "
		"ovlctl --help)'}");
	/* a runtime error: ovld is not there */
	expect_json_error("--socket /nonexistent/ovld.sock -j status", OVLCTL_EXIT_FAIL,
			  "{'error': 'cannot reach ovld at /nonexistent/ovld.sock: No such file or "
			  "directory (is ovld running?)', 'command': 'status', 'errno': 'ENOENT'}");
}

/* Output of a printer for the JSON s (' for "). */
static char *printed(int (*fn)(const struct ovlctl_inv *, json_t *, FILE *),
		     const struct ovlctl_inv *inv, const char *s, int *ret)
{
	json_t *j = jq(s);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		json_decref(j);
		return NULL;
	}
	*ret = fn(inv, j, f);
	fclose(f);
	json_decref(j);
	return buf;
}

void test_ovlctl_print_stats(void)
{
	static const char counters[] =
		"{'counters':{'future_one':{'packets':2,'bytes':3},"
		"'drop_spoof_mac':{'packets':1,'bytes':60},'tx_encap4':{'packets':5,'bytes':700},"
		"'rx_decap':{'packets':0,'bytes':0},'rx_pass':{'packets':12345,'bytes':1000000}}}";
	struct ovlctl_inv inv = { 0 };
	char *out;
	int ret;

	out = printed(ovlctl_print_stats, &inv, counters, &ret);
	ASSERT_OK(ret, "print_stats");
	ASSERT_STREQ(out,
		     "COUNTER         PACKETS    BYTES\n"
		     "rx_pass           12345  1000000\n"
		     "tx_encap4             5      700\n"
		     "drop_spoof_mac        1       60\n"
		     "future_one            2        3\n",
		     "zero hidden, ABI order, unknown last, aligned");
	free(out);
	inv.all = true;
	out = printed(ovlctl_print_stats, &inv, counters, &ret);
	ASSERT_STRSTR(out, "rx_decap              0        0\n", "-a shows zeros");
	free(out);
	out = printed(ovlctl_print_stats, &inv, "{'nope':1}", &ret);
	ASSERT_EQ(ret, -EPROTO, "malformed stats");
	free(out);
}

void test_ovlctl_print_tables(void)
{
	char *out;
	int ret;

	out = printed(ovlctl_print_fdb, NULL,
		      "[{'overlay':'overlay0','vni':23,'mac':'de:ad:be:ef:00:01','ip':'10.1.0.2',"
		      "'port':4789,'static':true},{'overlay':'overlay0','vni':23,"
		      "'mac':'de:ad:be:ef:00:02','ip':'fd00::2','port':4790,'static':false}]",
		      &ret);
	ASSERT_OK(ret, "print_fdb");
	ASSERT_STREQ(out,
		     "OVERLAY   VNI  MAC                UNDERLAY  PORT  STATIC\n"
		     "overlay0  23   de:ad:be:ef:00:01  10.1.0.2  4789  yes\n"
		     "overlay0  23   de:ad:be:ef:00:02  fd00::2   4790  no\n",
		     "fdb table");
	free(out);
	/* map get: one entry */
	out = printed(ovlctl_print_fdb, NULL,
		      "{'overlay':'o','vni':1,'mac':'02:00:00:00:00:01','ip':'10.0.0.1'}", &ret);
	ASSERT_STREQ(out,
		     "OVERLAY  VNI  MAC                UNDERLAY  PORT  STATIC\n"
		     "o        1    02:00:00:00:00:01  10.0.0.1  -     -\n",
		     "one entry, missing fields as -");
	free(out);
	out = printed(ovlctl_print_forwards, NULL,
		      "[{'overlay':'overlay0','vni':23,'proto':'tcp','port':8080,'host_ip':null,"
		      "'to':'10.23.0.5','to_port':80,'owner':'cni:net/c1/eth0'},{'overlay':'o6',"
		      "'vni':6,'proto':'udp','port':53,'host_ip':'fd00::2','to':'fd06::5',"
		      "'to_port':5353,'owner':null}]",
		      &ret);
	ASSERT_OK(ret, "print_forwards");
	ASSERT_STREQ(out,
		     "OVERLAY   PROTO  HOST_IP  HOSTPORT  TO              OWNER\n"
		     "overlay0  tcp    -        8080      10.23.0.5:80    cni:net/c1/eth0\n"
		     "o6        udp    fd00::2  53        [fd06::5]:5353  -\n",
		     "forward table: IPv6 in brackets, no host_ip or owner as -");
	free(out);
	out = printed(ovlctl_print_forwards, NULL, "[]", &ret);
	ASSERT_STREQ(out, "", "no forwards: nothing");
	free(out);
	out = printed(ovlctl_print_forwards, NULL, "[3]", &ret);
	ASSERT_EQ(ret, -EPROTO, "a number is no forward");
	free(out);
	out = printed(
		ovlctl_print_routers, NULL,
		"[{'overlay':'overlay0','vni':23,'netns':'ovlr-overlay0','mac':'02:00:5e:00:01:01',"
		"'gateways':['10.23.0.1/24','fd23::1/64'],'masquerade':true,'host':false,"
		"'forwards':2,'error':''},{'overlay':'b','vni':24,'netns':'ovlr-b',"
		"'gateways':['10.24.0.1/24'],'masquerade':false,'host':true,'forwards':0,"
		"'error':'cannot create ovlr-b: Operation not permitted'}]",
		&ret);
	ASSERT_OK(ret, "print_routers");
	ASSERT_STREQ(out,
		     "OVERLAY   VNI  GATEWAYS                 MASQ  HOST  FORWARDS  NETNS\n"
		     "overlay0  23   10.23.0.1/24,fd23::1/64  yes   no    2         ovlr-overlay0\n"
		     "b         24   10.24.0.1/24             no    yes   0         ovlr-b\n"
		     "  error: cannot create ovlr-b: Operation not permitted\n",
		     "router table with its error");
	free(out);
	out = printed(
		ovlctl_print_overlays, NULL,
		"[{'name':'r','vni':5,'encap':'vxlan','search':'direct','entries':0,'drops':0,"
		"'peer_unknown':0,'props':{'direct/dest_ip':'10.0.0.2',"
		"'router/gateway':'10.5.0.1/16,fd05::1/64'}}]",
		&ret);
	ASSERT_STRSTR(out, "  0             10.5.0.1/16,fd05::1/64  direct/dest_ip=",
		      "overlay list: ROUTER shows the gateways");
	free(out);
	out = printed(ovlctl_print_neighs, NULL, "[]", &ret);
	ASSERT_STREQ(out, "", "empty list prints nothing");
	free(out);
	out = printed(ovlctl_print_overlays, NULL,
		      "[{'name':'overlay0','vni':23,'encap':'vxlan','search':'files',"
		      "'props':{'files/config':'/h.json','vxlan/listen_ip':'10.1.0.1'},"
		      "'entries':3,'error':'','drops':12,'peer_unknown':5},{'name':'b','vni':24,"
		      "'encap':'vxlan','search':'files','props':{},'entries':0,"
		      "'error':'/b.json:3:5: bad MAC'}]",
		      &ret);
	ASSERT_STREQ(out,
		     "NAME      VNI  ENCAP  SEARCH  ENTRIES  DROPS  PEER_UNKNOWN  ROUTER  PROPS\n"
		     "overlay0  23   vxlan  files   3        12     5             -       "
		     "files/config=/h.json,vxlan/listen_ip=10.1.0.1\n"
		     "b         24   vxlan  files   0        -      -             -       -\n"
		     "  error: /b.json:3:5: bad MAC\n",
		     "overlay table with the backend error and the network's drops");
	free(out);
	out = printed(
		ovlctl_print_endpoints, NULL,
		"[{'id':'c1/eth0','kind':'cni','overlay':'o','vni':5,'mac':'02:00:00:00:00:05',"
		"'addrs':['10.0.0.5','fd00::5'],'host_ifname':'ovl1a2b','host_ifindex':9,"
		"'netns':'/proc/1/ns/net'}]",
		&ret);
	ASSERT_STRSTR(out, "10.0.0.5,fd00::5", "address list");
	free(out);
	out = printed(ovlctl_print_vnics, NULL, "{'not':'a list'}", &ret);
	ASSERT_OK(ret, "one object is printed as a row");
	free(out);
	out = printed(ovlctl_print_vnics, NULL, "42", &ret);
	ASSERT_EQ(ret, -EPROTO, "a number is no vnic list");
	free(out);
	out = printed(ovlctl_print_reload, NULL, "{'reloaded':['a','b']}", &ret);
	ASSERT_STREQ(out, "reloaded a\nreloaded b\n", "reload");
	free(out);
	out = printed(ovlctl_print_status, NULL,
		      "{'instance':'h1','pid':42,'version':'0.1.0','abi':1,'underlay':{'ifname':"
		      "'eth0','ifindex':2,'local4':'10.1.0.1','xdp_mode':'native','xdp_prog_id':7},"
		      "'pin_dir':'/run/ovl/bpf/ovl/h1','state_dir':'/var/lib/ovl/h1',"
		      "'programs':[{'name':'ovl_xdp_rx','id':7,'attached':true}],"
		      "'maps':{'ovl_fdb':{'entries':3,'max':262144}},'overlays':[],"
		      "'events':{'received':10,'lost':0,'misses_unresolved':1}}",
		      &ret);
	ASSERT_OK(ret, "status");
	ASSERT_STRSTR(out, "instance   h1 (pid 42, version 0.1.0, abi 1)\n", "instance line");
	ASSERT_STRSTR(out, "underlay   eth0 (ifindex 2, local4 10.1.0.1, xdp native, prog 7)\n",
		      "underlay line");
	ASSERT_STRSTR(out, "ovl_xdp_rx  7   yes", "programs");
	ASSERT_STRSTR(out, "ovl_fdb        3  262144  0.0%", "map fill");
	ASSERT_STRSTR(out, "events     received 10, lost 0, unresolved 1\n", "events");
	free(out);
	out = printed(ovlctl_print_status, NULL, "{}", &ret);
	ASSERT_OK(ret, "an empty status still prints");
	free(out);
}

void test_ovlctl_print_event(void)
{
	static const struct {
		const char *ev, *line;
	} cases[] = {
		{ "{'event':'miss_l2','time':1700000000.25,'vni':23,'mac':'de:ad:be:ef:00:02',"
		  "'ifindex':7}",
		  "2023-11-14T22:13:20.250 miss_l2 vni=23 mac=de:ad:be:ef:00:02 ifindex=7\n" },
		{ "{'ifindex':7,'reason':'spoof_mac','event':'drop','time':1700000001,'vni':23,"
		  "'mac':'de:ad:be:ef:00:01','len':98}",
		  "2023-11-14T22:13:21.000 drop vni=23 mac=de:ad:be:ef:00:01 ifindex=7 "
		  "reason=spoof_mac len=98\n" },
		{ "{'event':'drop','time':12.5,'reason':70}", "12.500000 drop reason=spoof_mac\n" },
		/* ovld names the interface: the ifindex is left to -j */
		{ "{'event':'drop','time':1700000003,'vni':23,'ifindex':2,'ifname':'u0','len':148,"
		  "'reason':'peer_unknown','outer_ip':'10.1.0.9','proto':'ipv4'}",
		  "2023-11-14T22:13:23.000 drop vni=23 ifname=u0 reason=peer_unknown "
		  "outer_ip=10.1.0.9 len=148 proto=ipv4\n" },
		{ "{'event':'miss_l2','time':1700000004,'vni':23,'mac':'de:ad:be:ef:00:02',"
		  "'ifindex':7,'ifname':'ovl1a2b3c4d','endpoint':'foo0'}",
		  "2023-11-14T22:13:24.000 miss_l2 vni=23 mac=de:ad:be:ef:00:02 ifname=ovl1a2b3c4d "
		  "endpoint=foo0\n" },
		{ "{'event':'unresolved','time':1700000002,'vni':23,'ip':'10.23.0.9',"
		  "'overlay':'overlay0','error':'not in hosts.json'}",
		  "2023-11-14T22:13:22.000 unresolved vni=23 ip=10.23.0.9 overlay=overlay0 "
		  "error=\"not in hosts.json\"\n" },
	};
	char *tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	setenv("TZ", "UTC", 1);
	tzset();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *ev = jq(cases[i].ev);
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (!ASSERT_OK_PTR(f, "memstream")) {
			json_decref(ev);
			break;
		}
		ASSERT_OK(ovlctl_print_event(ev, f), "print_event");
		fclose(f);
		ASSERT_STREQ(buf, cases[i].line, cases[i].ev);
		free(buf);
		json_decref(ev);
	}
	if (tz)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	free(tz);
	tzset();
}
