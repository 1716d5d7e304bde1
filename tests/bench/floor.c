// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * floor.c - ovl-floor: what the building blocks of a BPF data path cost on
 * this machine (floor.bpf.c), each timed with BPF_PROG_TEST_RUN repeat, less
 * a program of the same type that only returns.
 *
 *   ovl-floor [-n REPEAT] [--dev IFNAME --src IPv4 --dst IPv4]
 *
 * Prints one "name nanoseconds" line per block; "run" is the empty
 * program's own figure (test_run's loop and the program call). With --dev
 * the FIB lookup is timed too: toward --dst from --src, out of IFNAME, in
 * the current network namespace (a route and a resolved neighbour there).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ovl_abi.h"
#include "log.h"
#include "bench_lib.h"
#include "floor.skel.h"

#define PROG "ovl-floor"

/* An IPv4/UDP frame with 64 bytes of payload, as the data path tests use. */
static size_t frame(__u8 *f)
{
	struct bench_udp4 h = {
		.dst_mac = { 2, 0, 0, 0, 0, 1 },
		.src_mac = { 2, 0, 0, 0, 0, 2 },
		.src_ip = { 10, 0, 0, 1 },
		.dst_ip = { 10, 0, 0, 2 },
		.sport = 40000,
		.dport = 5001,
	};

	bench_udp4_frame(f, &h, NULL, 64, true);
	return BENCH_UDP4_HLEN + 64;
}

static int run(struct bpf_program *prog, const __u8 *f, size_t len, __u32 repeat, double *ns)
{
	__u8 out[256];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = (__u32)len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = repeat);

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &o))
		return -errno;
	*ns = o.duration;
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: " PROG " [-n REPEAT] [--dev IFNAME --src IPv4 --dst IPv4]\n"
		   "Time the building blocks of a BPF data path on this machine with\n"
		   "BPF_PROG_TEST_RUN repeat, each less an empty program of its type.\n"
		   "\n"
		   "  -n, --repeat N   runs per figure (default 1000000)\n"
		   "      --dev IFNAME  with --src and --dst: time bpf_fib_lookup() toward\n"
		   "                    --dst out of IFNAME (a route and neighbour needed)\n"
		   "  -h, --help       this text\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'n' }, { "dev", required_argument, NULL, 'd' },
		{ "src", required_argument, NULL, 's' },    { "dst", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },	    { NULL, 0, NULL, 0 },
	};
	const char *dev = NULL, *src = NULL, *dst = NULL;
	struct ovl_mac_key key = { .vni = 1, .mac = { 2, 0, 0, 0, 0, 1 } };
	__u8 sip[4], dip[4];
	__u32 repeat = 1000000;
	struct floor *skel;
	__u8 f[128];
	double xdp0 = 0, tc0 = 0, ns;
	__u64 one = 1;
	size_t len;
	unsigned long long v;
	int c, err, ifindex = 0;

	ovl_log_set_ident(PROG);
	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (bench_opt_u64("--repeat", optarg, 1, UINT32_MAX, &v))
				return 2;
			repeat = (__u32)v;
			break;
		case 'd':
			dev = optarg;
			break;
		case 's':
			src = optarg;
			break;
		case 't':
			dst = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || ((dev || src || dst) && !(dev && src && dst))) {
		fprintf(stderr, PROG ": --dev, --src and --dst go together\n");
		usage(stderr);
		return 2;
	}
	if (dev) {
		ifindex = (int)if_nametoindex(dev);
		if (!ifindex) {
			pr_err("device %s: %s", dev, strerror(errno));
			return 1;
		}
		if (bench_opt_ip4("--src", src, sip) || bench_opt_ip4("--dst", dst, dip))
			return 2;
	}

	ovl_log_libbpf();
	skel = floor__open();
	if (!skel) {
		pr_err("open BPF skeleton: %s", strerror(errno));
		return 1;
	}
	if (ifindex) {
		skel->rodata->fib_ifindex = (__u32)ifindex;
		memcpy((void *)&skel->rodata->fib_src, sip, 4);
		memcpy((void *)&skel->rodata->fib_dst, dip, 4);
	}
	err = floor__load(skel);
	if (err) {
		pr_err("load BPF programs: %s", strerror(-err));
		goto out;
	}
	err = bpf_map_update_elem(bpf_map__fd(skel->maps.fl_hash), &key, &one, BPF_ANY);
	if (err) {
		pr_err("fill the hash map: %s", strerror(errno));
		goto out;
	}
	len = frame(f);

	/* the empty programs first: every other figure is relative to them */
	if ((err = run(skel->progs.fl_xdp_empty, f, len, repeat, &xdp0)) ||
	    (err = run(skel->progs.fl_tc_empty, f, len, repeat, &tc0))) {
		pr_err("BPF_PROG_TEST_RUN: %s", strerror(-err));
		goto out;
	}
	printf("run_xdp %.1f\nrun_tc %.1f\n", xdp0, tc0);
	{
		const struct {
			const char *name;
			struct bpf_program *prog;
			bool xdp;
		} t[] = {
			{ "hash_hit", skel->progs.fl_xdp_hash_hit, true },
			{ "hash_miss", skel->progs.fl_xdp_hash_miss, true },
			{ "percpu_counter", skel->progs.fl_xdp_counter, true },
			{ "ktime", skel->progs.fl_xdp_ktime, true },
			{ "ktime_coarse", skel->progs.fl_xdp_ktime_coarse, true },
			{ "flow_hash", skel->progs.fl_tc_flow_hash, false },
			{ "skb_load_bytes", skel->progs.fl_tc_load_bytes, false },
			{ "adjust_room_grow_shrink", skel->progs.fl_tc_adjust_room, false },
			{ "redirect", skel->progs.fl_tc_redirect, false },
			{ "fib_lookup", ifindex ? skel->progs.fl_tc_fib_lookup : NULL, false },
		};

		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			if (!t[i].prog)
				continue;
			err = run(t[i].prog, f, len, repeat, &ns);
			if (err) {
				pr_err("BPF_PROG_TEST_RUN %s: %s", t[i].name, strerror(-err));
				goto out;
			}
			printf("%s %.1f\n", t[i].name, ns - (t[i].xdp ? xdp0 : tc0));
		}
	}
	if (ifindex && skel->bss->fib_rc != BPF_FIB_LKUP_RET_SUCCESS)
		pr_warn("bpf_fib_lookup toward %s out of %s: result %d, not a full lookup", dst,
			dev, skel->bss->fib_rc);
out:
	floor__destroy(skel);
	return err ? 1 : 0;
}
