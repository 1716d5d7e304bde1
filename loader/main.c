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
 * happens in the event loop (loop.h). SIGTERM/SIGINT end ovld and leave the data path
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
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl.skel.h"
#include "ovld.h"
#include "backend.h"
#include "loop.h"
#include "netns.h"
#include "safeopen.h"
#include "veth.h"
#include "log.h"
#include "router.h"

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

static void on_signal(void *arg, uint32_t events)
{
	struct ovld *d = arg;
	struct signalfd_siginfo si;

	(void)events;
	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			char err[OVL_ERR_MAX];

			pr_info("SIGHUP: reloading every overlay");
			for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
				overlay_reload(d, ov, err, sizeof(err));
		} else if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM) {
			pr_info("signal %u: exiting; the data path keeps forwarding", si.ssi_signo);
			if (!d->stop)
				ovld_notify("STOPPING=1\nSTATUS=stopping; the data path keeps "
					    "forwarding");
			d->stop = true;
		}
	}
}

static void save_state(void *arg)
{
	state_flush(arg);
}

/* The loop, signals as a source of it, and the state saver as its first
 * hook: the control server's flush, added later, runs after it. */
static int setup_loop(struct ovld *d)
{
	sigset_t mask;

	d->loop = loop_new();
	if (!d->loop)
		return -errno;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	d->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->sigfd < 0)
		return -errno;
	d->sig_src = loop_add_fd(d->loop, d->sigfd, EPOLLIN, on_signal, d);
	if (!d->sig_src)
		return -errno;
	return loop_add_hook(d->loop, save_state, d);
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
	router_cleanup(d);
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

/* Start-up (see the top), the loop, and what ovld frees at exit. */
static int serve(struct ovld *d, json_t *cfg)
{
	char status[128 + OVL_INSTANCE_MAX + IFNAMSIZ];
	int err;

	err = lock_instance(d, NULL);
	if (err)
		return err;
	pick_local_addrs(d);
	err = setup_loop(d);
	if (err) {
		pr_err("set up the event loop: %s", strerror(-err));
		return err;
	}
	err = dp_open(d);
	if (!err)
		err = nh_init(d);
	if (!err)
		err = dp_write_config(d);
	if (!err)
		err = dp_attach_decap(d);
	if (!err)
		err = miss_init(d);
	if (!err)
		err = ctl_listen(d);
	if (!err) /* before caps_drop(): a port below 1024 needs its capability */
		err = metrics_listen(d);
	if (!err)
		err = state_restore(d);
	if (!err) /* every attachment is the new programs' now */
		err = pins_commit(d);
	if (err)
		return err;
	if (cfg)
		config_overlays(d, cfg);
	state_flush(d);
	err = caps_drop(d);
	if (err)
		return err;
	pr_info("instance %s ready: underlay %s, control socket %s", d->o.instance, d->o.underlay,
		d->sock_path);
	/* systemd's Type=notify: the socket answers, the overlays are up. */
	snprintf(status, sizeof(status), "READY=1\nSTATUS=instance %s ready: underlay %s",
		 d->o.instance, d->o.underlay);
	ovld_notify(status);
	err = loop_run(d->loop, &d->stop);
	if (err)
		pr_err("event loop: %s", strerror(-err));
	metrics_close();
	return err;
}

int main(int argc, char **argv)
{
	static struct ovld d0;
	struct ovld *d = &d0;
	json_t *cfg = NULL;
	bool do_cleanup = false;
	int err;

	ovld = d;
	ovl_log_set_ident("ovld");
	snprintf(d->o.instance, sizeof(d->o.instance), "%s", OVL_DEFAULT_INST);
	snprintf(d->o.run_dir, sizeof(d->o.run_dir), "%s", OVL_RUN_DIR);
	snprintf(d->o.bpffs, sizeof(d->o.bpffs), "%s", OVL_BPFFS_DIR);
	d->sigfd = d->ctl_fd = d->lock_fd = d->pin_fd = -1;
	d->udp4_fd = d->udp6_fd = d->pkt_fd = d->nh_fd = -1;

	err = config_parse_args(&d->o, argc, argv, &do_cleanup);
	if (err >= 0)
		return err;
	ovl_log_set_level(d->o.verbose >= 2 ? OVL_LOG_DEBUG + 1 :
			  d->o.verbose	    ? OVL_LOG_DEBUG :
					      OVL_LOG_INFO);
	ovl_log_libbpf();
	if (!d->o.state_dir[0] &&
	    snprintf(d->o.state_dir, sizeof(d->o.state_dir), "%s/%.*s", OVL_STATE_DIR,
		     OVL_INSTANCE_MAX, d->o.instance) >= (int)sizeof(d->o.state_dir))
		return 2;
	if (d->o.config[0]) {
		cfg = config_load(&d->o);
		if (!cfg)
			return 2;
	}
	if (!d->o.port)
		d->o.port = OVL_VXLAN_PORT;
	if (do_cleanup) {
		/* Not under a running ovld: it would lose its socket and pins. */
		err = lock_instance(d, ": stop it before --cleanup") ? 1 : cleanup(d) ? 1 : 0;
		json_decref(cfg);
		return err;
	}
	if (!d->o.underlay[0]) {
		pr_err("no underlay interface: give --underlay IFNAME (or \"underlay\" in --config)");
		config_usage(stderr);
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
	d->unrestored = json_pack("{s:[], s:[], s:[]}", "overlays", "endpoints", "forwards");

	err = serve(d, cfg);
	json_decref(cfg);
	nh_close(d);
	ovld_release(d);
	dp_close(d);
	return err ? 1 : 0;
}
