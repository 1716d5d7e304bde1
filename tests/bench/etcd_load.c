// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * etcd_load.c - ovl-etcd-load: endpoints of simulated hosts published into
 * etcd through ovld's own etcd backend, for `make bench`'s etcd part.
 *
 * The tool links loader/backend_etcd.o and loader/loop.o and plays ovld's
 * side of struct ovl_backend_host for --hosts virtual hosts: each is one
 * overlay instance of the backend (its own cache and watch of the VNI, as
 * an ovld has), whose local() says the host's underlay address, 10.9.0.1,
 * 10.9.0.2... (nobody sends to them: they are names in etcd). All of them
 * share one etcd session and lease, as the overlays of one ovld do.
 *
 * --count endpoints are handed to the backend's publish(), round robin over
 * the virtual hosts, at --rate per second (0: all at once). Endpoint k has
 * the MAC 02:e0:00:KK:KK:KK and the address 10.(128+K).K.K (k + --first,
 * in bytes). The backend publishes each in a transaction of its own, one
 * at a time per virtual host, as it does in ovld; with OVL_ETCD_TRACE set
 * it writes a "P" line per transaction etcd took, which the bench matches
 * with the watch replies in the ovlds' traces.
 *
 * Once every endpoint is published (the backend's status(): "published",
 * or "conflicts"), a JSON summary goes to stdout (and to --done FILE, by
 * rename, for a script that waits on it); then the tool keeps running, its
 * lease kept alive, until SIGINT or SIGTERM: the keys live as long as it
 * does. Exit 1 when --timeout passed before everything was published.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include "ovl_abi.h"
#include "backend.h"
#include "bench_lib.h"
#include "log.h"
#include "loop.h"

#define LOAD_TICK_MS   10
#define LOAD_CHECK_MS  20 /* how often the publish counts are looked at */
#define LOAD_MAX_HOSTS 250

struct vhost {
	struct ovl_backend_host h;
	char name[32];
	struct ovl_ip ul;
	void *priv;
	unsigned long long changed, reloads, answers, health;
	char error[256];
};

static struct {
	const char *endpoints, *prefix, *state_dir, *done;
	unsigned long long vni, count, first, rate, hosts, timeout, ttl;
	bool json;
} opt = {
	.vni = 1,
	.count = 1000,
	.rate = 1000,
	.hosts = 10,
	.timeout = 300,
	.ttl = 60,
};

static struct vhost *vh_of(struct ovl_backend_host *h)
{
	return (struct vhost *)((char *)h - offsetof(struct vhost, h));
}

static void on_changed(struct ovl_backend_host *h, enum ovl_change_what what, const __u8 *mac,
		       const struct ovl_ip *ip)
{
	(void)what;
	(void)mac;
	(void)ip;
	vh_of(h)->changed++;
}

static void on_reload(struct ovl_backend_host *h)
{
	vh_of(h)->reloads++;
}

static void on_answer(struct ovl_backend_host *h, struct ovl_answer *a)
{
	(void)a;
	vh_of(h)->answers++;
}

static void on_health(struct ovl_backend_host *h, const char *error)
{
	struct vhost *v = vh_of(h);

	v->health++;
	snprintf(v->error, sizeof(v->error), "%s", error ? error : "");
}

static int on_local(struct ovl_backend_host *h, struct ovl_ip *ip, __u16 *port)
{
	*ip = vh_of(h)->ul;
	*port = 4789;
	return 0;
}

static void endpoint_of(unsigned long long k, __u8 mac[6], struct ovl_ip *ip)
{
	mac[0] = 0x02;
	mac[1] = 0xe0;
	mac[2] = 0;
	mac[3] = (__u8)(k >> 16);
	mac[4] = (__u8)(k >> 8);
	mac[5] = (__u8)k;
	memset(ip, 0, sizeof(*ip));
	ip->family = OVL_AF_INET4;
	ip->addr[0] = 10;
	ip->addr[1] = (__u8)(128 + (k >> 16));
	ip->addr[2] = (__u8)(k >> 8);
	ip->addr[3] = (__u8)k;
}

/* published and conflicting endpoints of v, from the backend's status() */
static void vhost_counts(const struct vhost *v, unsigned long long *pub, unsigned long long *conf)
{
	json_t *s = ovl_backend_etcd.status(v->priv);

	*pub += (unsigned long long)json_integer_value(json_object_get(s, "published"));
	*conf += (unsigned long long)json_integer_value(json_object_get(s, "conflicts"));
	json_decref(s);
}

static double now_s(clockid_t clk)
{
	return (double)bench_now_ns(clk) / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ovl-etcd-load -e URL[,URL...] [-v VNI] [-n COUNT] [-f FIRST] [-r RATE]\n"
		"                     [-H HOSTS] [-s STATE_DIR] [-p PREFIX] [-l TTL] [-t SECONDS]\n"
		"                     [-d FILE] [-j]\n"
		"  -e, --endpoints  etcd client URLs (etcd/endpoints)\n"
		"  -v, --vni        the VNI (default 1)\n"
		"  -n, --count      endpoints to publish (default 1000)\n"
		"  -f, --first      number of the first endpoint (default 0): MAC\n"
		"                   02:e0:00:KK:KK:KK, address 10.(128+K).K.K\n"
		"  -r, --rate       publish() calls per second, 0: all at once (default 1000)\n"
		"  -H, --hosts      virtual hosts, 10.9.0.1... (default 10)\n"
		"  -s, --state-dir  where the lease id goes (default .)\n"
		"  -p, --prefix     etcd/prefix (default the backend's)\n"
		"  -l, --lease-ttl  etcd/lease-ttl (default 60)\n"
		"  -t, --timeout    give up after this many seconds (default 300)\n"
		"  -d, --done       write the summary there too (by rename) once done\n"
		"  -j, --json       the summary as JSON (default: a line of text)\n"
		"OVL_ETCD_TRACE=FILE: the backend's trace lines (P per publish).\n");
}

static const struct option long_opts[] = {
	{ "endpoints", required_argument, NULL, 'e' },
	{ "vni", required_argument, NULL, 'v' },
	{ "count", required_argument, NULL, 'n' },
	{ "first", required_argument, NULL, 'f' },
	{ "rate", required_argument, NULL, 'r' },
	{ "hosts", required_argument, NULL, 'H' },
	{ "state-dir", required_argument, NULL, 's' },
	{ "prefix", required_argument, NULL, 'p' },
	{ "lease-ttl", required_argument, NULL, 'l' },
	{ "timeout", required_argument, NULL, 't' },
	{ "done", required_argument, NULL, 'd' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_args(int argc, char **argv)
{
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "e:v:n:f:r:H:s:p:l:t:d:jh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			opt.endpoints = optarg;
			break;
		case 'v':
			ret = bench_opt_u64("--vni", optarg, 1, 0xffffff, &opt.vni);
			break;
		case 'n':
			ret = bench_opt_u64("--count", optarg, 1, 1 << 20, &opt.count);
			break;
		case 'f':
			ret = bench_opt_u64("--first", optarg, 0, 1 << 20, &opt.first);
			break;
		case 'r':
			ret = bench_opt_u64("--rate", optarg, 0, 10000000, &opt.rate);
			break;
		case 'H':
			ret = bench_opt_u64("--hosts", optarg, 1, LOAD_MAX_HOSTS, &opt.hosts);
			break;
		case 's':
			opt.state_dir = optarg;
			break;
		case 'p':
			opt.prefix = optarg;
			break;
		case 'l':
			ret = bench_opt_u64("--lease-ttl", optarg, 1, 86400, &opt.ttl);
			break;
		case 't':
			ret = bench_opt_u64("--timeout", optarg, 1, 86400, &opt.timeout);
			break;
		case 'd':
			opt.done = optarg;
			break;
		case 'j':
			opt.json = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
		if (ret)
			return ret;
	}
	if (!opt.endpoints || optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (opt.first + opt.count > 1 << 20) {
		pr_err("--first + --count: at most %d endpoints", 1 << 20);
		return -EINVAL;
	}
	return 0;
}

static int summary_write(const char *text)
{
	char tmp[4096];
	FILE *f;

	printf("%s\n", text);
	fflush(stdout);
	if (!opt.done)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", opt.done);
	f = fopen(tmp, "we");
	if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f) || rename(tmp, opt.done)) {
		pr_err("%s: %s", opt.done, strerror(errno));
		return -errno;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct vhost *vh;
	struct ovl_loop *loop;
	unsigned long long called = 0, pub = 0, conf = 0, changed = 0, health = 0;
	double t0, t_first = 0, t_last = 0, t_done = 0, t_check = 0, wall0;
	char err[512], text[2048];
	json_t *props;
	int ret = 1;

	ovl_log_set_ident("ovl-etcd-load");
	if (parse_args(argc, argv))
		return 2;
	bench_on_signals();
	loop = loop_new();
	vh = calloc(opt.hosts, sizeof(*vh));
	props = json_pack("{s:s, s:I}", "etcd/endpoints", opt.endpoints, "etcd/lease-ttl",
			  (json_int_t)opt.ttl);
	if (!loop || !vh || !props) {
		pr_err("out of memory");
		return 1;
	}
	if (opt.prefix)
		json_object_set_new(props, "etcd/prefix", json_string(opt.prefix));
	for (unsigned long long i = 0; i < opt.hosts; i++) {
		struct vhost *v = &vh[i];

		snprintf(v->name, sizeof(v->name), "load%llu", i + 1);
		v->ul.family = OVL_AF_INET4;
		v->ul.addr[0] = 10;
		v->ul.addr[1] = 9;
		v->ul.addr[2] = (__u8)((i + 1) >> 8);
		v->ul.addr[3] = (__u8)(i + 1);
		v->h = (struct ovl_backend_host){
			.loop = loop,
			.overlay = v->name,
			.vni = (__u32)opt.vni,
			.changed = on_changed,
			.reload = on_reload,
			.answer = on_answer,
			.health = on_health,
			.local = on_local,
			.instance = v->name,
			.state_dir = opt.state_dir ? opt.state_dir : ".",
		};
		if (ovl_backend_etcd.open(props, &v->h, &v->priv, err, sizeof(err))) {
			pr_err("virtual host %s: %s", v->name, err);
			return 1;
		}
	}
	json_decref(props);

	t0 = now_s(CLOCK_MONOTONIC);
	wall0 = now_s(CLOCK_REALTIME);
	while (!bench_stop) {
		double t = now_s(CLOCK_MONOTONIC) - t0;
		unsigned long long due =
			opt.rate ? (unsigned long long)(t * (double)opt.rate) + 1 : opt.count;

		if (t > (double)opt.timeout && !t_done) {
			pr_err("%llu of %llu published after %llu s", pub, opt.count, opt.timeout);
			break;
		}
		if (due > opt.count)
			due = opt.count;
		for (; called < due; called++) {
			struct vhost *v = &vh[called % opt.hosts];
			__u8 mac[6];
			struct ovl_ip ip;

			endpoint_of(opt.first + called, mac, &ip);
			if (ovl_backend_etcd.publish(v->priv, mac, &ip, 1, err, sizeof(err)))
				pr_warn("publish #%llu on %s: %s", opt.first + called, v->name,
					err);
			if (!called)
				t_first = now_s(CLOCK_REALTIME);
		}
		if (!t_last && called == opt.count)
			t_last = now_s(CLOCK_REALTIME);
		if (!t_done && t - t_check >= LOAD_CHECK_MS / 1000.0) {
			t_check = t;
			pub = conf = 0;
			for (unsigned long long i = 0; i < opt.hosts; i++)
				vhost_counts(&vh[i], &pub, &conf);
			if (pub + conf >= opt.count) {
				t_done = now_s(CLOCK_REALTIME);
				for (unsigned long long i = 0; i < opt.hosts; i++) {
					changed += vh[i].changed;
					health += vh[i].health;
				}
				if (opt.json)
					snprintf(text, sizeof(text),
						 "{\"published\": %llu, \"conflicts\": %llu, "
						 "\"hosts\": %llu, \"rate\": %llu, "
						 "\"start_us\": %.0f, \"first_call_us\": %.0f, "
						 "\"last_call_us\": %.0f, \"done_us\": %.0f, "
						 "\"changed\": %llu, \"health\": %llu}",
						 pub, conf, opt.hosts, opt.rate, wall0 * 1e6,
						 t_first * 1e6, t_last * 1e6, t_done * 1e6, changed,
						 health);
				else
					snprintf(text, sizeof(text),
						 "%llu published, %llu conflicts, by %llu hosts in "
						 "%.3f s",
						 pub, conf, opt.hosts, t_done - t_first);
				if (summary_write(text))
					break;
				ret = 0;
			}
		}
		loop_run_once(loop, LOAD_TICK_MS);
	}
	for (unsigned long long i = 0; i < opt.hosts; i++)
		ovl_backend_etcd.close(vh[i].priv);
	free(vh);
	loop_free(loop);
	return ret;
}
