// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * pktgen.c - ovl-pktgen, the small-frame generator of `make bench`.
 *
 * Frames are made in the kernel, not written one syscall each: the XDP
 * program of pktgen.bpf.c is run with BPF_PROG_TEST_RUN in live-frame mode
 * (BPF_F_TEST_XDP_LIVE_FRAMES), repeat = frames per call, ctx ingress_ifindex
 * = the device. The program returns XDP_TX, which test_run turns into a
 * redirect out of that device; on a veth the frame arrives at the peer
 * through its XDP ring, which exists only while the peer has NAPI: GRO on
 * or an XDP program of its own (the caller sets that up).
 *
 * Costs and limits (net/bpf/test_run.c, 6.18):
 *  - A call with repeat > 1 puts the program into the XDP dispatcher and
 *    takes it out again, each change waiting for an RCU grace period: tens
 *    of milliseconds a call. Attached somewhere, the program stays there,
 *    so we attach it to lo for the run (dispatcher_pin()).
 *  - A call makes its frames in batches of batch_size (at most 256,
 *    TEST_XDP_MAX_BATCH), each batch flushed to the device at its end; it
 *    also sets up a page pool of batch_size pages, filled from the
 *    template, and tears it down. So calls are long (--batch frames) and
 *    batches are short: a veth peer's XDP ring holds 256 frames, and its
 *    NAPI, run on this CPU between batches, falls behind at times; with
 *    64-frame batches the ring has room for four (with 256, 10-30% of the
 *    frames were lost to a full ring here).
 *  - A frame must fit in one page after the kernel's headroom and
 *    bookkeeping (about 3.4 KB with 4 KB pages), and in the device's MTU.
 *
 * "sent" is the program's own count of frames it returned XDP_TX on. A
 * transmit that fails (a veth whose peer has no NAPI, or whose ring is
 * full; device down, frame above MTU) is not reported to test_run, so the
 * device's tx_packets are compared with it afterwards.
 *
 * Some kernels refuse live frames altogether (EPERM from the first call:
 * 6.18.44-fc, a Firecracker guest kernel). Then the same frames, made here
 * as the program makes them, go out of an AF_PACKET socket that bypasses
 * the qdisc, 64 to a sendmmsg(): slower, and said so on stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/socket.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/prctl.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include "ovl_abi.h"
#include "addr.h"
#include "frame.h"
#include "log.h"
#include "veth.h"
#include "bench_lib.h"
#include "pktgen.skel.h"

#define PROG	      "ovl-pktgen"
#define MIN_FRAME     60   /* Ethernet minimum without FCS */
#define MAX_FRAME     4096 /* the kernel takes less: one page, less headroom */
#define KERNEL_BATCH  64   /* frames per batch inside a call (see above) */
#define DEFAULT_BATCH 4096 /* frames per call */
#define MAX_BATCH     (1 << 20)
#define SLICE_NS      1000000ULL /* pacing: about one call per millisecond */
#define NSEC	      1000000000ULL

struct cfg {
	const char *dev;
	__u8 src_mac[6];
	__u8 dst_mac[6];
	__u8 src_ip[4];
	__u8 dst_ip[4];
	__u16 sport;
	__u16 dport;
	unsigned int size;
	double duration;	  /* seconds; 0: none (with a count) */
	unsigned long long count; /* 0: none */
	unsigned long long rate;  /* frames a second; 0: as fast as possible */
	unsigned int flows;
	unsigned int macs;
	unsigned int batch;
	bool json;
	bool saturate; /* drops at the peer's full ring are expected */
};

struct link_info {
	unsigned int flags;
	unsigned int mtu;
	__u64 tx_packets;
	__u64 tx_dropped;
	__u64 tx_errors;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " -i IFNAME --src-mac MAC --dst-mac MAC\n"
		"                  --src-ip IPv4 --dst-ip IPv4 [options]\n"
		"Send small Ethernet/IPv4/UDP frames out of IFNAME at millions of frames a\n"
		"second: an XDP program run with BPF_PROG_TEST_RUN in live-frame mode\n"
		"(BPF_F_TEST_XDP_LIVE_FRAMES) returns XDP_TX for each frame; where the\n"
		"kernel refuses that (EPERM), the same frames go out of an AF_PACKET\n"
		"socket, slower, with a warning. Runs in the current network namespace\n"
		"(use ip netns exec); needs root.\n"
		"\n"
		"  -i, --dev IFNAME      device the frames leave from (XDP_TX out of it)\n"
		"      --src-mac MAC     Ethernet source\n"
		"      --dst-mac MAC     Ethernet destination\n"
		"      --src-ip IPv4     IPv4 source\n"
		"      --dst-ip IPv4     IPv4 destination\n"
		"      --sport N         UDP source port (default 9)\n"
		"      --dport N         UDP destination port (default 9)\n"
		"  -s, --size N          frame length without FCS, >= %d (default %d):\n"
		"                        Ethernet + IPv4 + UDP + zero payload, at most MTU + 14\n"
		"  -t, --duration SEC    how long to send (default 1; none with -n alone)\n"
		"  -n, --count N         stop after N frames (whichever comes first with -t)\n"
		"  -r, --rate PPS        pace to PPS frames a second, about every millisecond\n"
		"                        (0: as fast as possible, the default)\n"
		"      --flows N         UDP source port sport..sport+N-1, by frame (default 1)\n"
		"      --macs N          destination MAC: the low 3 bytes of --dst-mac plus\n"
		"                        (frame number mod N), N distinct MACs (default 1)\n"
		"      --saturate        the path behind IFNAME is meant to fall behind (a\n"
		"                        forwarding-rate test): frames the peer had no room\n"
		"                        for are counted in tx_errors, without a warning\n"
		"  -b, --batch N         frames per BPF_PROG_TEST_RUN call (default %d; the\n"
		"                        kernel makes and flushes them %d at a time)\n"
		"  -j, --json            print {\"sent\", \"seconds\", \"pps\", \"tx_errors\"}\n"
		"  -h, --help            this text\n"
		"\n"
		"sent is counted by the XDP program. tx_errors is how many of them the\n"
		"device's tx_packets did not count (other traffic on it hides some).\n"
		"\n"
		"On a veth the frames go into the peer's XDP ring, which exists only when\n"
		"the peer has GRO on (ethtool -K PEER gro on) or an XDP program attached,\n"
		"and is up. Otherwise every frame is dropped: " PROG " warns when\n"
		"tx_packets did not grow with sent, and exits 1 when fewer than half left.\n"
		"The peer receives them on this CPU, so its cost bounds the rate too.\n"
		"\n"
		"While it runs, the program is also attached to lo (generic XDP, passing\n"
		"everything lo receives): that keeps it in the kernel's XDP dispatcher,\n"
		"which every call would otherwise update twice, an RCU grace period each.\n"
		"\n"
		"Exit status: 0 sent, 1 runtime error, 2 usage error.\n",
		MIN_FRAME, MIN_FRAME, DEFAULT_BATCH, KERNEL_BATCH);
}

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" PROG " --help'.\n");
	return 2;
}

/* The option parsers of bench_lib.h, with the hint a usage error ends with. */
static int hint(int err)
{
	if (err)
		fprintf(stderr, "Try '" PROG " --help'.\n");
	return err;
}

#define parse_uint(opt, s, min, max, out) hint(bench_opt_u64(opt, s, min, max, out))
#define parse_ip4(opt, s, out)		  hint(bench_opt_ip4(opt, s, out))
#define parse_mac(opt, s, out)		  hint(bench_opt_mac(opt, s, out))

enum {
	OPT_SRC_MAC = 256,
	OPT_DST_MAC,
	OPT_SRC_IP,
	OPT_DST_IP,
	OPT_SPORT,
	OPT_DPORT,
	OPT_FLOWS,
	OPT_MACS,
	OPT_SATURATE,
};

/* Return: 0, 1 (help printed), or 2 (usage error, message printed). */
static int parse_args(int argc, char **argv, struct cfg *c)
{
	static const struct option lo[] = {
		{ "dev", required_argument, NULL, 'i' },
		{ "src-mac", required_argument, NULL, OPT_SRC_MAC },
		{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
		{ "src-ip", required_argument, NULL, OPT_SRC_IP },
		{ "dst-ip", required_argument, NULL, OPT_DST_IP },
		{ "sport", required_argument, NULL, OPT_SPORT },
		{ "dport", required_argument, NULL, OPT_DPORT },
		{ "size", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "flows", required_argument, NULL, OPT_FLOWS },
		{ "macs", required_argument, NULL, OPT_MACS },
		{ "saturate", no_argument, NULL, OPT_SATURATE },
		{ "batch", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	unsigned int have = 0; /* bit per required option */
	bool have_duration = false;
	unsigned long long v;
	char *end;
	int o;

	*c = (struct cfg){ .sport = 9,
			   .dport = 9,
			   .size = MIN_FRAME,
			   .duration = 1,
			   .flows = 1,
			   .macs = 1,
			   .batch = DEFAULT_BATCH };
	while ((o = getopt_long(argc, argv, "i:s:t:n:r:b:jh", lo, NULL)) != -1) {
		switch (o) {
		case 'i':
			c->dev = optarg;
			have |= 1;
			break;
		case OPT_SRC_MAC:
			if (parse_mac("--src-mac", optarg, c->src_mac))
				return 2;
			have |= 2;
			break;
		case OPT_DST_MAC:
			if (parse_mac("--dst-mac", optarg, c->dst_mac))
				return 2;
			have |= 4;
			break;
		case OPT_SRC_IP:
			if (parse_ip4("--src-ip", optarg, c->src_ip))
				return 2;
			have |= 8;
			break;
		case OPT_DST_IP:
			if (parse_ip4("--dst-ip", optarg, c->dst_ip))
				return 2;
			have |= 16;
			break;
		case OPT_SPORT:
		case OPT_DPORT:
			if (parse_uint(o == OPT_SPORT ? "--sport" : "--dport", optarg, 1, 65535,
				       &v))
				return 2;
			*(o == OPT_SPORT ? &c->sport : &c->dport) = (__u16)v;
			break;
		case 's':
			if (parse_uint("--size", optarg, MIN_FRAME, MAX_FRAME, &v))
				return 2;
			c->size = (unsigned int)v;
			break;
		case 't':
			errno = 0;
			c->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(c->duration > 0) ||
			    c->duration > 1e6)
				return usage_error(
					"--duration: '%s' is not a number of seconds > 0", optarg);
			have_duration = true;
			break;
		case 'n':
			if (parse_uint("--count", optarg, 1, ~0ULL, &c->count))
				return 2;
			break;
		case 'r':
			if (parse_uint("--rate", optarg, 0, 1000000000, &c->rate))
				return 2;
			break;
		case OPT_FLOWS:
			if (parse_uint("--flows", optarg, 1, 65536, &v))
				return 2;
			c->flows = (unsigned int)v;
			break;
		case OPT_MACS:
			if (parse_uint("--macs", optarg, 1, 1 << 24, &v))
				return 2;
			c->macs = (unsigned int)v;
			break;
		case 'b':
			if (parse_uint("--batch", optarg, 1, MAX_BATCH, &v))
				return 2;
			c->batch = (unsigned int)v;
			break;
		case OPT_SATURATE:
			c->saturate = true;
			break;
		case 'j':
			c->json = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			fprintf(stderr, "Try '" PROG " --help'.\n");
			return 2;
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!(have & 1))
		return usage_error("-i/--dev is required");
	if ((have & 30) != 30)
		return usage_error("--src-mac, --dst-mac, --src-ip and --dst-ip are required");
	if (c->sport + c->flows - 1 > 65535)
		return usage_error("--sport + --flows - 1 is above 65535");
	if (c->count && !have_duration)
		c->duration = 0;
	return 0;
}

/* The template: Ethernet, IPv4, UDP without a checksum, zero payload,
 * size bytes in all. */
static void frame_build(const struct cfg *c, __u8 *f)
{
	struct bench_udp4 h = { .sport = c->sport, .dport = c->dport };

	memcpy(h.dst_mac, c->dst_mac, 6);
	memcpy(h.src_mac, c->src_mac, 6);
	memcpy(h.src_ip, c->src_ip, 4);
	memcpy(h.dst_ip, c->dst_ip, 4);
	bench_udp4_frame(f, &h, NULL, c->size - BENCH_UDP4_HLEN, false);
}

/* Flags, MTU and transmit counters of ifindex, through rtnetlink (so that
 * they are this netns's whether or not /sys was remounted for it). */
static int link_info_get(int ifindex, struct link_info *li)
{
	struct rtnl_link *link = NULL;
	struct nl_sock *sk;
	int err;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	err = nl_connect(sk, NETLINK_ROUTE);
	if (!err)
		err = rtnl_link_get_kernel(sk, ifindex, NULL, &link);
	if (err) {
		pr_err("read link %d from rtnetlink: %s", ifindex, nl_geterror(err));
		nl_socket_free(sk);
		return -EIO;
	}
	li->flags = rtnl_link_get_flags(link);
	li->mtu = rtnl_link_get_mtu(link);
	li->tx_packets = rtnl_link_get_stat(link, RTNL_LINK_TX_PACKETS);
	li->tx_dropped = rtnl_link_get_stat(link, RTNL_LINK_TX_DROPPED);
	li->tx_errors = rtnl_link_get_stat(link, RTNL_LINK_TX_ERRORS);
	rtnl_link_put(link);
	nl_socket_free(sk);
	return 0;
}

static __u64 now_ns(void)
{
	return (__u64)bench_now_ns(CLOCK_MONOTONIC);
}

static void sleep_until(__u64 t)
{
	struct timespec ts = { .tv_sec = (time_t)(t / NSEC), .tv_nsec = (long)(t % NSEC) };

	while (!bench_stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* The AF_PACKET fallback (see the top): its socket, or -1 while live
 * frames work, and its own count. */
#define PK_BATCH 64
static struct {
	int fd;
	__u64 sent;
	const struct cfg *c;
	const __u8 *tmpl;
	__u32 dmac_low; /* as the program's */
	__u8 buf[PK_BATCH][MAX_FRAME];
} pk = { .fd = -1 };

static __u64 sent_read(const struct pktgen *skel)
{
	return pk.fd >= 0 ? pk.sent : *(const volatile __u64 *)&skel->bss->sent;
}

static int pk_open(const struct cfg *c, const __u8 *tmpl, __u32 dmac_low, int ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = ifindex };
	int one = 1, fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one))) {
		int err = -errno;

		if (fd >= 0)
			close(fd);
		return err;
	}
	pk.fd = fd;
	pk.c = c;
	pk.tmpl = tmpl;
	pk.dmac_low = dmac_low;
	return 0;
}

/* n frames of the sequence out of the socket, as pktgen.bpf.c makes them:
 * frame k has UDP source port sport + k % flows and destination MAC bytes
 * 3-5 dmac_low + k % macs. A full transmit queue (ENOBUFS) is a frame not
 * sent, tried again. Return: 0 or -errno. */
static int pk_send(unsigned int n)
{
	const struct cfg *c = pk.c;
	struct mmsghdr msgs[PK_BATCH];
	struct iovec iov[PK_BATCH];

	while (n && !bench_stop) {
		unsigned int b = n < PK_BATCH ? n : PK_BATCH;
		int r;

		for (unsigned int i = 0; i < b; i++) {
			__u64 k = pk.sent + i;
			__u8 *f = pk.buf[i];

			memcpy(f, pk.tmpl, c->size);
			if (c->flows > 1) {
				__u16 port = (__u16)(c->sport + k % c->flows);

				f[34] = (__u8)(port >> 8); /* 14 (Ethernet) + 20 (IPv4) */
				f[35] = (__u8)port;
			}
			if (c->macs > 1) {
				__u32 low = (pk.dmac_low + (__u32)(k % c->macs)) & 0xffffff;

				f[3] = (__u8)(low >> 16);
				f[4] = (__u8)(low >> 8);
				f[5] = (__u8)low;
			}
			iov[i] = (struct iovec){ .iov_base = f, .iov_len = c->size };
			msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i],
								 .msg_iovlen = 1 } };
		}
		r = sendmmsg(pk.fd, msgs, b, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		pk.sent += (unsigned int)r;
		n -= (unsigned int)r;
	}
	return 0;
}

/* One BPF_PROG_TEST_RUN call of n frames, or n frames of the fallback.
 * Return: 0 or -errno. */
static int run_once(int prog_fd, struct bpf_test_run_opts *o, unsigned int n)
{
	int err;

	if (pk.fd >= 0)
		return pk_send(n);
	o->repeat = (int)n;
	o->batch_size = n < KERNEL_BATCH ? n : KERNEL_BATCH;
	err = bpf_prog_test_run_opts(prog_fd, o);
	/* A signal ends the call early; the program counted what it sent. */
	if (err == -EINTR)
		return 0;
	return err;
}

/*
 * As fast as possible: calls of c->batch frames until the time or the
 * count is up. Return: 0 or -errno.
 */
static int send_flat(const struct cfg *c, struct pktgen *skel, struct bpf_test_run_opts *o,
		     __u64 end)
{
	int fd = bpf_program__fd(skel->progs.pktgen_xdp), err = 0;

	while (!bench_stop) {
		unsigned int n = c->batch;

		if (c->count) {
			__u64 done = sent_read(skel);

			if (done >= c->count)
				break;
			if (c->count - done < n)
				n = (unsigned int)(c->count - done);
		}
		err = run_once(fd, o, n);
		if (err || now_ns() >= end)
			break;
	}
	return err;
}

/*
 * Paced: chunk k of `chunk` frames is sent at start + k * chunk / rate, an
 * absolute time, so a late wake-up is made up by the next chunks instead of
 * shifting the schedule. A chunk is a millisecond of frames, at least one
 * and at most c->batch. Return: 0 or -errno.
 */
static int send_paced(const struct cfg *c, struct pktgen *skel, struct bpf_test_run_opts *o,
		      __u64 start, __u64 end)
{
	int fd = bpf_program__fd(skel->progs.pktgen_xdp), err = 0;
	unsigned long long chunk = c->rate * SLICE_NS / NSEC;
	__u64 k = 0;

	if (chunk < 1)
		chunk = 1;
	if (chunk > c->batch)
		chunk = c->batch;
	while (!bench_stop) {
		__u64 due = start + (__u64)((long double)k * NSEC / c->rate);
		unsigned int n = (unsigned int)chunk;

		if (due >= end || (c->count && k >= c->count))
			break;
		if (c->count && c->count - k < n)
			n = (unsigned int)(c->count - k);
		sleep_until(due);
		if (bench_stop)
			break;
		err = run_once(fd, o, n);
		if (err)
			break;
		k = sent_read(skel);
		/* Behind schedule (the rate is more than this CPU makes): the
		 * time is up all the same. */
		if (now_ns() >= end)
			break;
	}
	return err;
}

/*
 * With repeat > 1, every test run puts the program into the kernel's XDP
 * dispatcher and takes it out again, and each change waits for an RCU
 * grace period (bpf_prog_change_xdp(): 20-50 ms a call here). A program
 * attached to a device stays in the dispatcher, and then a test run only
 * takes a reference. So attach it to lo, as generic XDP, through a BPF link
 * that goes away with the process; it passes whatever lo receives.
 * Return: the link, or NULL (then calls are slow, but work).
 */
static struct bpf_link *dispatcher_pin(struct pktgen *skel, int ifindex)
{
	struct bpf_link *link;
	int lo = ovl_link_ifindex("lo");

	if (lo < 0 || lo == ifindex)
		return NULL;
	link = bpf_program__attach_xdp(skel->progs.pktgen_xdp, lo);
	if (!link)
		pr_warn("attach to lo, to keep the program in the XDP dispatcher: %s; every "
			"call will wait for an RCU grace period (use a large --batch)",
			strerror(errno));
	return link;
}

static void print_result(const struct cfg *c, __u64 sent, double secs, __u64 tx_errors)
{
	double pps = secs > 0 ? (double)sent / secs : 0;

	if (c->json)
		printf("{\"sent\": %llu, \"seconds\": %.6f, \"pps\": %.0f, \"tx_errors\": %llu}\n",
		       (unsigned long long)sent, secs, pps, (unsigned long long)tx_errors);
	else
		printf("sent %llu frames in %.3f s: %.0f pps\n", (unsigned long long)sent, secs,
		       pps);
	fflush(stdout);
}

/* Frames the program sent that the device did not count as transmitted. */
static __u64 tx_missing(__u64 sent, const struct link_info *a, const struct link_info *b)
{
	__u64 tx = b->tx_packets - a->tx_packets;

	return sent > tx ? sent - tx : 0;
}

/*
 * Warn when the device's tx_packets did not grow by roughly what was sent
 * (other traffic on it only adds). Return: true when fewer than half left.
 */
static bool tx_warn(const struct cfg *c, __u64 sent, const struct link_info *a,
		    const struct link_info *b)
{
	__u64 missing = tx_missing(sent, a, b);
	__u64 dropped = (b->tx_dropped - a->tx_dropped) + (b->tx_errors - a->tx_errors);
	char driver[32] = "";

	if (!sent || missing * 100 <= sent)
		return false;
	ovl_link_driver(c->dev, driver, sizeof(driver));
	/* Saturating, a veth peer's full ring is the point; taking nothing
	 * (no NAPI) is still a mistake. */
	if (c->saturate && !strcmp(driver, "veth") && dropped * 2 >= missing && missing < sent)
		return false;
	pr_warn("%llu of the %llu frames sent did not leave %s (its tx_packets grew by %llu, "
		"tx_dropped+tx_errors by %llu)",
		(unsigned long long)missing, (unsigned long long)sent, c->dev,
		(unsigned long long)(sent - missing), (unsigned long long)dropped);
	if (strcmp(driver, "veth"))
		pr_warn("%s (driver %s) must support XDP transmit (ndo_xdp_xmit); some drivers "
			"count XDP transmits in ethtool -S, not in tx_packets",
			c->dev, driver[0] ? driver : "unknown");
	else if (dropped * 2 < missing)
		pr_warn("%s is a veth whose peer does not take XDP frames: turn GRO on on the "
			"peer (ethtool -K PEER gro on) or attach an XDP program to it",
			c->dev);
	else
		pr_warn("%s is a veth whose peer dropped them: the peer is down, or its XDP ring "
			"(256 frames) was full, its NAPI behind (ethtool -S on both ends)",
			c->dev);
	return missing * 2 > sent;
}

int main(int argc, char **argv)
{
	struct link_info before, after;
	struct pktgen *skel = NULL;
	struct bpf_link *pin = NULL;
	__u8 frame[MAX_FRAME];
	struct xdp_md ctx;
	__u64 start, end, t_end, sent;
	double secs;
	bool fatal;
	int ifindex, err;
	struct cfg c;

	ovl_log_set_ident(PROG);
	err = parse_args(argc, argv, &c);
	if (err)
		return err == 1 ? 0 : 2;

	ifindex = ovl_link_ifindex(c.dev);
	if (ifindex < 0) {
		pr_err("device %s: no such device in this network namespace", c.dev);
		return 1;
	}
	if (link_info_get(ifindex, &before))
		return 1;
	if (!(before.flags & IFF_UP)) {
		pr_err("device %s is down (ip link set %s up)", c.dev, c.dev);
		return 1;
	}
	if (c.size > before.mtu + 14) {
		pr_err("frame of %u bytes is larger than %s can send (MTU %u: at most %u)", c.size,
		       c.dev, before.mtu, before.mtu + 14);
		return 1;
	}
	frame_build(&c, frame);

	ovl_log_libbpf();
	skel = pktgen__open();
	if (!skel) {
		err = -errno;
		pr_err("open BPF skeleton: %s", strerror(-err));
		return 1;
	}
	memcpy((void *)skel->rodata->hdr, frame, sizeof(skel->rodata->hdr));
	skel->rodata->ifindex = (__u32)ifindex;
	skel->rodata->flows = c.flows;
	skel->rodata->sport = c.sport;
	skel->rodata->macs = c.macs;
	skel->rodata->dmac_low =
		(__u32)c.dst_mac[3] << 16 | (__u32)c.dst_mac[4] << 8 | (__u32)c.dst_mac[5];
	err = pktgen__load(skel);
	if (err) {
		pr_err("load BPF program: %s%s", strerror(-err),
		       err == -EPERM ? " (needs root: CAP_BPF and CAP_NET_ADMIN)" : "");
		goto out;
	}

	pin = dispatcher_pin(skel, ifindex);

	bench_on_signals(); /* a signal ends the test run, and we report */
	/* Wake up on time: the default 50 us slack is 5% of a pacing slice. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

	memset(&ctx, 0, sizeof(ctx));
	ctx.data_end = c.size;
	ctx.ingress_ifindex = (__u32)ifindex;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = c.size, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	/* One frame first: some kernels refuse live frames (see the top). */
	err = run_once(bpf_program__fd(skel->progs.pktgen_xdp), &o, 1);
	if (err == -EPERM) {
		pr_warn("BPF_PROG_TEST_RUN with live frames on %s: %s: the frames go out of an "
			"AF_PACKET socket instead (slower)",
			c.dev, strerror(-err));
		err = pk_open(&c, frame, skel->rodata->dmac_low, ifindex);
		if (err) {
			pr_err("AF_PACKET socket on %s: %s", c.dev, strerror(-err));
			goto out;
		}
	}
	start = now_ns();
	end = c.duration > 0 ? start + (__u64)(c.duration * NSEC) : ~0ULL;
	if (c.rate)
		err = send_paced(&c, skel, &o, start, end);
	else
		err = send_flat(&c, skel, &o, end);
	t_end = now_ns();
	sent = sent_read(skel);
	if (err) {
		if (pk.fd >= 0)
			pr_err("sendmmsg on %s: %s", c.dev, strerror(-err));
		else if (err == -EINVAL && c.size > 1500)
			pr_err("BPF_PROG_TEST_RUN with live frames on %s: %s (a live frame must fit "
			       "in one page with the kernel's headroom: try a smaller --size)",
			       c.dev, strerror(-err));
		else
			pr_err("BPF_PROG_TEST_RUN with live frames on %s: %s", c.dev,
			       strerror(-err));
		goto out;
	}
	secs = (double)(t_end - start) / NSEC;
	/* Paced, the schedule's span: the last chunk's millisecond is part of it. */
	if (c.rate && (double)sent / (double)c.rate > secs)
		secs = (double)sent / (double)c.rate;

	/* The peer counts a veth's frames when its NAPI takes them: let it run. */
	usleep(50000);
	err = link_info_get(ifindex, &after);
	if (err)
		goto out;
	print_result(&c, sent, secs, tx_missing(sent, &before, &after));
	fatal = tx_warn(&c, sent, &before, &after);
	if (c.rate && !bench_stop && (double)sent < 0.97 * (double)c.rate * secs)
		pr_warn("asked for %llu frames a second, made %.0f: the rate is more than this "
			"CPU makes",
			c.rate, (double)sent / secs);
	err = fatal ? -EIO : 0;
out:
	if (pk.fd >= 0)
		close(pk.fd);
	bpf_link__destroy(pin);
	pktgen__destroy(skel);
	return err ? 1 : 0;
}
