// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * main.c - ovld: options, start-up, the event loop, shutdown.
 *
 *   ovld [--instance NAME] --underlay IFNAME [--config FILE] [options]
 *
 * Start-up order: lock the instance, load (or reload onto the pinned maps)
 * the BPF programs, write the host configuration, attach XDP, open the
 * ringbuf and the control socket, restore the saved overlays and endpoints,
 * create the overlays of --config that are not there yet. Then everything
 * happens in one epoll loop. SIGTERM/SIGINT end ovld and leave the data path
 * running; `ovld --cleanup` removes it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "ovld.h"
#include "backend.h"
#include "netns.h"
#include "safeopen.h"
#include "veth.h"
#include "log.h"

struct ovld *ovld;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ovld --underlay IFNAME [OPTIONS]\n"
		"       ovld [--instance NAME] [--underlay IFNAME] [--state-dir DIR] --cleanup\n"
		"\n"
		"The ovl overlay daemon: loads the XDP/TC data path, resolves misses through\n"
		"the overlays' backends and serves the control socket for ovlctl and the CNI\n"
		"plugin. Runs in the foreground and logs to stderr.\n"
		"\n"
		"Options:\n"
		"  -i, --instance NAME    instance name (default \"%s\"); one ovld per instance\n"
		"  -u, --underlay IFNAME  the NIC VXLAN arrives on (XDP attaches here)\n"
		"  -c, --config FILE      JSON configuration (underlay, listen_ip, port, overlays)\n"
		"  -l, --listen-ip ADDR   underlay address to use (repeat for IPv4 and IPv6);\n"
		"                         default: the first global addresses of the underlay\n"
		"  -p, --port PORT        VXLAN UDP port to decapsulate (default %d)\n"
		"  -d, --decap MODE       where VXLAN is decapsulated: xdp, tc or auto (default:\n"
		"                         tc on a veth underlay, xdp on anything else)\n"
		"      --xdp-generic      attach XDP in generic (skb) mode\n"
		"      --state-dir DIR    persistent state (default %s/NAME)\n"
		"      --run-dir DIR      control socket and lock (default %s)\n"
		"      --bpffs DIR        bpffs for the pins (default %s; mounted, mode 0700,\n"
		"                         if needed); the instance's directory in it must be\n"
		"                         root's and writable by nobody else\n"
		"      --cleanup          detach and remove everything of the instance (its own\n"
		"                         programs and pins only), then exit\n"
		"  -v, --verbose          more logging (twice: libbpf debug output)\n"
		"  -h, --help             this text\n"
		"  -V, --version          version\n"
		"\n"
		"Needs Linux " OVL_KERNEL_MIN
		" or newer with BTF; what it probes and does without is\n"
		"in ovld(8), KERNELS. OVL_FEATURES_OFF=NAME,... treats kernel features as missing.\n",
		OVL_DEFAULT_INST, OVL_VXLAN_PORT, OVL_STATE_DIR, OVL_RUN_DIR, OVL_BPFFS_DIR);
}

static int set_str(char *dst, size_t len, const char *src, const char *what)
{
	if (strlen(src) >= len) {
		pr_err("%s \"%s\" is too long", what, src);
		return -1;
	}
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

/* An underlay address of --listen-ip, or of --config's listen_ip, which
 * does not replace the option's. */
static int add_listen(struct ovld_opts *o, const char *s, bool from_config)
{
	struct ovl_ip ip;

	if (ovl_ip_parse(s, &ip)) {
		pr_err("%s%s: \"%s\" is not an IPv4 or IPv6 address",
		       from_config ? o->config : "--listen-ip", from_config ? ": listen_ip" : "",
		       s);
		return -1;
	}
	if (ip.family == OVL_AF_INET4 && !(from_config && o->listen4.family))
		o->listen4 = ip;
	else if (ip.family == OVL_AF_INET6 && !(from_config && o->listen6.family))
		o->listen6 = ip;
	return 0;
}

/* Every key of the object obj (at where in the config file) is one of the
 * names in expected, a comma-separated list; else say which is not. */
static int keys_known(const struct ovld_opts *o, const char *where, json_t *obj,
		      const char *expected)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const char *p = expected;
		size_t n = strlen(key);
		bool found = false;

		while (!found && p && *p) {
			found = !strncmp(p, key, n) && (p[n] == ',' || !p[n]);
			p = strchr(p, ',');
			p = p ? p + 2 : NULL; /* ", " */
		}
		if (!found) {
			pr_err("%s: %s: unknown key \"%s\" (expected %s)", o->config, where, key,
			       expected);
			return -1;
		}
	}
	return 0;
}

/*
 * An element of "overlays": {"name", "vni", "search", optional "encap",
 * and the properties either as "props" {"KEY": VALUE} (ovlctl's -p) or as
 * "files" {"config"} and "direct" {"dest_ip", "dest_port"}}. The values
 * are overlay_create()'s to check, when the overlay is made.
 */
static int check_config_overlay(const struct ovld_opts *o, size_t i, json_t *ov)
{
	char where[32];

	snprintf(where, sizeof(where), "overlays[%zu]", i);
	if (!json_is_object(ov)) {
		pr_err("%s: %s is not an object", o->config, where);
		return -1;
	}
	if (keys_known(o, where, ov, "name, vni, encap, search, props, files, direct") ||
	    keys_known(o, where, json_object_get(ov, "files"), "config") ||
	    keys_known(o, where, json_object_get(ov, "direct"), "dest_ip, dest_port"))
		return -1;
	if (!json_is_string(json_object_get(ov, "name")) ||
	    !json_is_integer(json_object_get(ov, "vni")) ||
	    !json_is_string(json_object_get(ov, "search"))) {
		pr_err("%s: %s needs \"name\" (a string), \"vni\" (a number) and \"search\" "
		       "(a string)",
		       o->config, where);
		return -1;
	}
	if (json_object_get(ov, "props") &&
	    (json_object_get(ov, "files") || json_object_get(ov, "direct"))) {
		pr_err("%s: %s: \"props\" or \"files\"/\"direct\", not both", o->config, where);
		return -1;
	}
	return 0;
}

/* --config: {"underlay", "listen_ip" (string or array), "port", "overlays"}.
 * Options given on the command line win over the file. */
static json_t *load_config(struct ovld_opts *o)
{
	char err[OVL_ERR_MAX];
	json_t *root, *v;
	json_error_t jerr;
	const char *key;
	int fd;

	/* Never json_load_file(): a FIFO would hang ovld in open(). */
	fd = ovl_open_regular(o->config, err, sizeof(err));
	if (fd < 0) {
		pr_err("--config %s", err);
		return NULL;
	}
	root = json_loadfd(fd, JSON_REJECT_DUPLICATES, &jerr);
	close(fd);
	if (!root) {
		pr_err("%s:%d:%d: %s", o->config, jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		pr_err("%s: the configuration must be a JSON object", o->config);
		goto bad;
	}
	json_object_foreach(root, key, v) {
		if (!strcmp(key, "underlay")) {
			if (!json_is_string(v))
				goto type;
			if (!o->underlay[0] && set_str(o->underlay, sizeof(o->underlay),
						       json_string_value(v), "underlay"))
				goto bad;
		} else if (!strcmp(key, "listen_ip")) {
			size_t i;
			json_t *a;

			if (json_is_string(v)) {
				if (add_listen(o, json_string_value(v), true))
					goto bad;
			} else if (json_is_array(v)) {
				json_array_foreach(v, i, a)
					if (!json_is_string(a) ||
					    add_listen(o, json_string_value(a), true))
						goto bad;
			} else {
				goto type;
			}
		} else if (!strcmp(key, "port")) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > 65535) {
				pr_err("%s: \"port\" must be 1-65535", o->config);
				goto bad;
			}
			if (!o->port) /* not given as --port */
				o->port = (__u16)json_integer_value(v);
		} else if (!strcmp(key, "overlays")) {
			size_t i;
			json_t *ov;

			if (!json_is_array(v))
				goto type;
			json_array_foreach(v, i, ov)
				if (check_config_overlay(o, i, ov))
					goto bad;
		} else {
			pr_err("%s: unknown key \"%s\" (expected underlay, listen_ip, port, overlays)",
			       o->config, key);
			goto bad;
		}
	}
	return root;
type:
	pr_err("%s: \"%s\" has the wrong type", o->config, key);
bad:
	json_decref(root);
	return NULL;
}

/* The overlays of --config that the restored state does not have yet. */
static void config_overlays(struct ovld *d, json_t *cfg)
{
	json_t *ovs = json_object_get(cfg, "overlays"), *o;
	size_t i;

	json_array_foreach(ovs, i, o) {
		const char *name = json_string_value(json_object_get(o, "name"));
		json_t *props = json_object_get(o, "props"), *files, *direct;
		char err[OVL_ERR_MAX];
		bool own_props = false;

		if (!name || overlay_find(d, name))
			continue;
		if (!props) {
			props = json_object();
			own_props = true;
			files = json_object_get(o, "files");
			direct = json_object_get(o, "direct");
			if (json_object_get(files, "config"))
				json_object_set(props, "files/config",
						json_object_get(files, "config"));
			if (json_object_get(direct, "dest_ip"))
				json_object_set(props, "direct/dest_ip",
						json_object_get(direct, "dest_ip"));
			if (json_object_get(direct, "dest_port"))
				json_object_set(props, "direct/dest_port",
						json_object_get(direct, "dest_port"));
		}
		if (overlay_create(d, name, (__u32)json_integer_value(json_object_get(o, "vni")),
				   json_string_value(json_object_get(o, "encap")) ?: "vxlan",
				   json_string_value(json_object_get(o, "search")), props, err,
				   sizeof(err)))
			pr_err("%s: overlay %s: %s", d->o.config, name, err);
		if (own_props)
			json_decref(props);
	}
	state_save(d);
}

/* First global IPv4 and IPv6 address of the underlay, unless given. */
static void pick_local_addrs(struct ovld *d)
{
	struct ifaddrs *ifa, *i;
	char buf[OVL_IP_STRLEN];

	d->local4 = d->o.listen4;
	d->local6 = d->o.listen6;
	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, d->o.underlay))
			continue;
		if (i->ifa_addr->sa_family == AF_INET && !d->local4.family) {
			d->local4.family = OVL_AF_INET4;
			memcpy(d->local4.addr, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		} else if (i->ifa_addr->sa_family == AF_INET6 && !d->local6.family) {
			const struct in6_addr *a = &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;

			if (IN6_IS_ADDR_LINKLOCAL(a))
				continue;
			d->local6.family = OVL_AF_INET6;
			memcpy(d->local6.addr, a, 16);
		}
	}
	freeifaddrs(ifa);
	if (d->local4.family)
		pr_info("underlay %s: IPv4 %s", d->o.underlay, ovl_ip_format(&d->local4, buf));
	if (d->local6.family)
		pr_info("underlay %s: IPv6 %s", d->o.underlay, ovl_ip_format(&d->local6, buf));
	if (!d->local4.family && !d->local6.family)
		pr_warn("underlay %s has no global address yet: decapsulation waits for "
			"an overlay with vxlan/listen_ip",
			d->o.underlay);
}

/* The instance's lock; for --cleanup (what), the message says what to do. */
static int lock_instance(struct ovld *d, const char *what)
{
	char path[PATH_MAX], pid[32];
	int fd, err;

	if (mkdir(d->o.run_dir, 0755) && errno != EEXIST) {
		err = -errno;
		pr_err("create %s: %s", d->o.run_dir, strerror(-err));
		return err;
	}
	snprintf(path, sizeof(path), "%s/%s.lock", d->o.run_dir, d->o.instance);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		pr_err("open %s: %s", path, strerror(-err));
		return err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);

		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0'; /* written as "PID\n" */
		pr_err("instance %s is already served by ovld pid %s (%s is locked)%s",
		       d->o.instance, pid[0] ? pid : "?", path, what ? what : "");
		close(fd);
		return -EBUSY;
	}
	if (ftruncate(fd, 0) == 0)
		dprintf(fd, "%d\n", getpid());
	d->lock_fd = fd;
	return 0;
}

static int setup_loop(struct ovld *d)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	sigset_t mask;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return -errno;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	d->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	d->ino_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (d->sigfd < 0 || d->ino_fd < 0 || d->timer_fd < 0)
		return -errno;
	timerfd_settime(d->timer_fd, 0, &its, NULL);
	ev.data.u64 = EV_SIGNAL;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sigfd, &ev))
		return -errno;
	ev.data.u64 = EV_INOTIFY;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->ino_fd, &ev))
		return -errno;
	ev.data.u64 = EV_TIMER;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->timer_fd, &ev))
		return -errno;
	return 0;
}

static void on_signal(struct ovld *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			char err[OVL_ERR_MAX];

			pr_info("SIGHUP: reloading every overlay");
			for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
				overlay_reload(d, ov, err, sizeof(err));
		} else if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM) {
			pr_info("signal %u: exiting; the data path keeps forwarding", si.ssi_signo);
			d->stop = true;
		}
	}
}

static void on_inotify(struct ovld *d)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(d->ino_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *e = (struct inotify_event *)p;

			if (!(e->mask & IN_DELETE))
				overlay_on_inotify(d, e->wd, e->len ? e->name : NULL);
			p += sizeof(*e) + e->len;
		}
	}
}

static int run(struct ovld *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EV_RING };
	struct epoll_event evs[32];

	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(d->rb), &ev))
		return -errno;
	while (!d->stop) {
		int n = epoll_wait(d->epfd, evs, 32, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			pr_err("epoll_wait: %s", strerror(errno));
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			__u64 tag = evs[i].data.u64;

			switch (tag) {
			case EV_SIGNAL:
				on_signal(d);
				break;
			case EV_CTL:
				ctl_accept(d);
				break;
			case EV_RING:
				miss_poll(d);
				break;
			case EV_INOTIFY:
				on_inotify(d);
				break;
			case EV_TIMER: {
				__u64 ticks;

				if (read(d->timer_fd, &ticks, sizeof(ticks)) < 0)
					break;
				miss_poll(d); /* nothing is left waiting in the ring */
				break;
			}
			default:
				ctl_client_io(d, evs[i].data.ptr, evs[i].events);
				break;
			}
		}
	}
	return 0;
}

/* --cleanup: detach the programs, delete the VNICs, unpin, forget. The
 * caller holds the instance's lock. Only what is this instance's: its pin
 * directory, judged as at start, and the programs that use those pins or
 * name the instance; another instance's program stays where it is. */
static int cleanup(struct ovld *d)
{
	char path[PATH_MAX];
	DIR *pins = NULL;
	json_t *root;
	json_t *eps, *o;
	json_error_t jerr;
	size_t i;
	int ifindex = d->o.underlay[0] ? ovl_link_ifindex(d->o.underlay) : -1, fd;

	fd = pins_open(d, false);
	if (fd < 0 && fd != -ENOENT) {
		pr_err("--cleanup: nothing removed");
		return fd;
	}
	d->pin_fd = fd;
	snprintf(path, sizeof(path), "%s/state.json", d->o.state_dir);
	root = json_load_file(path, 0, &jerr);
	eps = json_object_get(root, "endpoints");
	json_array_foreach(eps, i, o) {
		const char *host = json_string_value(json_object_get(o, "host_ifname"));
		const char *kind = json_string_value(json_object_get(o, "kind"));
		int ep_ifindex = host ? ovl_link_ifindex(host) : -1;

		if (!host || !kind || strcmp(kind, "vnic") || ep_ifindex < 0)
			continue;
		if (dp_tc_is_ours(d, ep_ifindex))
			ovl_link_delete(host);
		else
			pr_warn("VNIC %s: %s now carries another instance's program; left in place",
				json_string_value(json_object_get(o, "id")) ?: "?", host);
	}
	json_decref(root);
	reconcile_remove_vnics(d); /* and those no state names: the mark says whose */
	if (ifindex > 0)
		dp_detach_decap(d, ifindex, d->o.underlay);
	unlink(path);
	rmdir(d->o.state_dir);
	/* Every pin of the instance, also those of another version of ovld
	 * that pinned more (or other) objects than this one knows. */
	if (fd >= 0) {
		fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* own offset */
		pins = fd >= 0 ? fdopendir(fd) : NULL;
		if (!pins && fd >= 0)
			close(fd);
	}
	if (pins) {
		struct dirent *e;

		while ((e = readdir(pins)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    unlinkat(dirfd(pins), e->d_name, 0))
				pr_warn("remove pin %s/%s: %s", d->pin_dir, e->d_name,
					strerror(errno));
		closedir(pins);
		if (rmdir(d->pin_dir) && errno != ENOENT)
			pr_warn("remove %s: %s", d->pin_dir, strerror(errno));
	}
	pins_close(d);
	snprintf(path, sizeof(path), "%s/%s.sock", d->o.run_dir, d->o.instance);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.lock", d->o.run_dir, d->o.instance);
	unlink(path);
	pr_info("instance %s cleaned up", d->o.instance);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "instance", required_argument, NULL, 'i' },
		{ "underlay", required_argument, NULL, 'u' },
		{ "config", required_argument, NULL, 'c' },
		{ "listen-ip", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "decap", required_argument, NULL, 'd' },
		{ "xdp-generic", no_argument, NULL, 'G' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "run-dir", required_argument, NULL, 'R' },
		{ "bpffs", required_argument, NULL, 'B' },
		{ "cleanup", no_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	static struct ovld d0;
	struct ovld *d = &d0;
	json_t *cfg = NULL;
	bool do_cleanup = false;
	int opt, err;

	ovld = d;
	ovl_log_set_ident("ovld");
	snprintf(d->o.instance, sizeof(d->o.instance), "%s", OVL_DEFAULT_INST);
	snprintf(d->o.run_dir, sizeof(d->o.run_dir), "%s", OVL_RUN_DIR);
	snprintf(d->o.bpffs, sizeof(d->o.bpffs), "%s", OVL_BPFFS_DIR);
	d->epfd = d->sigfd = d->ctl_fd = d->ino_fd = d->timer_fd = d->lock_fd = -1;
	d->pin_fd = -1;
	d->udp4_fd = d->udp6_fd = -1;

	while ((opt = getopt_long(argc, argv, "i:u:c:l:p:d:vhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			if (!ovl_instance_valid(optarg)) {
				pr_err("--instance: \"%s\" is not a valid name (1-%d of A-Z a-z 0-9 _ -)",
				       optarg, OVL_INSTANCE_MAX);
				return 2;
			}
			snprintf(d->o.instance, sizeof(d->o.instance), "%s", optarg);
			break;
		case 'u':
			if (set_str(d->o.underlay, sizeof(d->o.underlay), optarg, "--underlay"))
				return 2;
			break;
		case 'c':
			if (set_str(d->o.config, sizeof(d->o.config), optarg, "--config"))
				return 2;
			break;
		case 'l':
			if (add_listen(&d->o, optarg, false))
				return 2;
			break;
		case 'p':
			if (ovl_port_parse(optarg, &d->o.port)) {
				pr_err("--port: \"%s\" is not a port (1-65535)", optarg);
				return 2;
			}
			break;
		case 'd':
			if (!strcmp(optarg, "xdp")) {
				d->o.decap = OVL_DECAP_XDP;
			} else if (!strcmp(optarg, "tc")) {
				d->o.decap = OVL_DECAP_TC;
			} else if (!strcmp(optarg, "auto")) {
				d->o.decap = OVL_DECAP_AUTO;
			} else {
				pr_err("--decap: \"%s\" is not xdp, tc or auto", optarg);
				return 2;
			}
			break;
		case 'G':
			d->o.xdp_generic = true;
			break;
		case 'S':
			if (set_str(d->o.state_dir, sizeof(d->o.state_dir), optarg, "--state-dir"))
				return 2;
			break;
		case 'R':
			if (set_str(d->o.run_dir, sizeof(d->o.run_dir), optarg, "--run-dir"))
				return 2;
			break;
		case 'B':
			if (set_str(d->o.bpffs, sizeof(d->o.bpffs), optarg, "--bpffs"))
				return 2;
			break;
		case 'C':
			do_cleanup = true;
			break;
		case 'v':
			d->o.verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ovld %s (ABI %d)\n", OVL_VERSION, OVL_ABI_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument \"%s\"", argv[optind]);
		usage(stderr);
		return 2;
	}
	ovl_log_set_level(d->o.verbose >= 2 ? OVL_LOG_DEBUG + 1 :
			  d->o.verbose	    ? OVL_LOG_DEBUG :
					      OVL_LOG_INFO);
	ovl_log_libbpf();
	if (!d->o.state_dir[0] &&
	    snprintf(d->o.state_dir, sizeof(d->o.state_dir), "%s/%.*s", OVL_STATE_DIR,
		     OVL_INSTANCE_MAX, d->o.instance) >= (int)sizeof(d->o.state_dir))
		return 2;
	if (d->o.config[0]) {
		cfg = load_config(&d->o);
		if (!cfg)
			return 2;
	}
	if (!d->o.port)
		d->o.port = OVL_VXLAN_PORT;
	if (do_cleanup) {
		/* Not under a running ovld: it would lose its socket and pins. */
		if (lock_instance(d, ": stop it before --cleanup")) {
			json_decref(cfg);
			return 1;
		}
		err = cleanup(d);
		json_decref(cfg);
		return err ? 1 : 0;
	}
	if (!d->o.underlay[0]) {
		pr_err("no underlay interface: give --underlay IFNAME (or \"underlay\" in --config)");
		usage(stderr);
		json_decref(cfg);
		return 2;
	}
	if (dp_probe_kernel(d)) {
		json_decref(cfg);
		return 1;
	}
	d->underlay_ifindex = ovl_link_ifindex(d->o.underlay);
	if (d->underlay_ifindex < 0) {
		pr_err("underlay %s: no such interface in this network namespace", d->o.underlay);
		json_decref(cfg);
		return 1;
	}
	/* The parent of a state directory under OVL_STATE_DIR (the default);
	 * elsewhere (--state-dir) the parent is the caller's to provide. */
	if (!strncmp(d->o.state_dir, OVL_STATE_DIR "/", strlen(OVL_STATE_DIR) + 1) &&
	    mkdir(OVL_STATE_DIR, 0755) && errno != EEXIST)
		pr_warn("create %s: %s", OVL_STATE_DIR, strerror(errno));
	d->unrestored = json_pack("{s:[], s:[]}", "overlays", "endpoints");

	err = lock_instance(d, NULL);
	if (err)
		goto out;
	pick_local_addrs(d);
	err = setup_loop(d);
	if (err) {
		pr_err("set up the event loop: %s", strerror(-err));
		goto out;
	}
	err = dp_open(d);
	if (!err)
		err = dp_write_config(d);
	if (!err)
		err = dp_attach_decap(d);
	if (!err)
		err = miss_init(d);
	if (!err)
		err = ctl_listen(d);
	if (!err)
		err = state_restore(d);
	if (!err) /* every attachment is the new programs' now */
		err = pins_commit(d);
	if (err)
		goto out;
	if (cfg)
		config_overlays(d, cfg);
	err = caps_drop(d);
	if (err)
		goto out;
	pr_info("instance %s ready: underlay %s, control socket %s", d->o.instance, d->o.underlay,
		d->sock_path);
	err = run(d);
out:
	json_decref(cfg);
	ctl_close_all(d);
	if (d->sock_path[0] && d->ctl_fd >= 0)
		unlink(d->sock_path);
	if (d->ctl_fd >= 0)
		close(d->ctl_fd);
	if (d->skel)
		miss_fini(d);
	while (d->overlays) {
		struct ovl_overlay *ov = d->overlays;

		d->overlays = ov->next;
		ov->ops->close(ov->backend);
		json_decref(ov->props);
		free(ov);
	}
	while (d->eps) {
		struct ovl_ep *ep = d->eps;

		d->eps = ep->next;
		free(ep);
	}
	json_decref(d->unrestored);
	dp_close(d);
	return err ? 1 : 0;
}
