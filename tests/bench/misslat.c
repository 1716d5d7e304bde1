// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * misslat.c - ovl-misslat: how long the first frame to a destination MAC
 * the data path has never seen takes to reach the remote host.
 *
 * A frame sent from a container toward an unknown MAC misses in the TC
 * program on its host-side veth, goes up a ringbuf to ovld, which resolves
 * the MAC through its backend, fills the forwarding map and sends that
 * first frame itself, VXLAN-encapsulated, to the remote VTEP (RFC 7348).
 * This tool sends such frames (AF_PACKET, raw Ethernet) from --tx-dev in
 * --tx-netns and watches for them, VXLAN-encapsulated, on --rx-dev in
 * --rx-netns (AF_PACKET, before any TC decap there; an XDP program on that
 * device would hide them). One frame is in flight at a time: send, wait
 * for it or the timeout, pause --interval, then the next.
 *
 * Timing: the send time is the kernel's software timestamp taken when the
 * frame enters the sending device (SO_TIMESTAMPING, SCM_TSTAMP_SCHED), or
 * CLOCK_REALTIME read just before send() when the kernel gives none; the
 * arrival time is the kernel's receive timestamp (SO_TIMESTAMPNS). Both
 * are CLOCK_REALTIME on one machine, so they compare.
 *
 * Each frame is IPv4/UDP with a payload of a magic, a per-run nonce and
 * its sequence number; with --macs N frame k goes to --dst-mac + k (low
 * three bytes), a MAC never seen before, else every frame goes to
 * --dst-mac (the known path, as a baseline).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include "ovl_abi.h"
#include "addr.h"
#include "frame.h"
#include "log.h"
#include "netns.h"
#include "bench_lib.h"

#define PROG		"ovl-misslat"
#define ML_MAGIC	0x6f766c6dU /* "ovlm" */
#define ML_UDP_SPORT	50123
#define ML_UDP_DPORT	9 /* discard */
#define ML_MAX_COUNT	10000000ULL
#define ML_MAX_MACS	(1ULL << 24)
#define NSEC_PER_SEC	1000000000LL
#define NSEC_PER_MSEC	1000000LL
#define ML_RX_BUF	2048
#define ML_IPV4_HLEN	20
#define ML_UDP_HLEN	8
#define ML_IPV6_HLEN	40
#define ML_IP_FRAG_MASK 0x3fff /* MF and the fragment offset */
#define ML_IP_OFF_MASK	0x1fff

/* The inner frame's UDP payload (network byte order). */
struct ml_payload {
	__be32 magic; /* ML_MAGIC */
	__be32 nonce; /* this run's, so earlier runs' frames never match */
	__be32 seq;   /* frame number, 0 .. count-1 */
	__u8 pad[12]; /* zero */
};

#define ML_FRAME_LEN (ETH_HLEN + ML_IPV4_HLEN + ML_UDP_HLEN + (int)sizeof(struct ml_payload))

struct ml_opts {
	const char *tx_netns; /* NULL: the current namespace */
	const char *tx_dev;
	const char *rx_netns;
	const char *rx_dev;
	__u8 src_mac[6];
	__u8 dst_mac[6];
	__u8 src_ip[4];
	__u8 dst_ip[4];
	bool have_src_mac, have_dst_mac, have_src_ip, have_dst_ip;
	unsigned long long macs; /* 0: every frame to dst_mac */
	unsigned long long count;
	bool count_set;
	unsigned long long interval_ms;
	unsigned long long timeout_ms;
	__u16 port; /* outer UDP destination port, host order */
	bool json;
	int verbose;
};

/* What opening one socket inside a namespace needs and returns. */
struct sock_req {
	const char *dev;
	bool rx;
	__u16 port;	  /* rx: VXLAN port for the filter */
	int fd;		  /* out */
	int ifindex;	  /* out */
	bool tx_tstamp;	  /* out: tx socket has SO_TIMESTAMPING */
	const char *step; /* out: what failed */
};

struct ml_stats {
	unsigned long long sent, received, late, foreign;
	unsigned long long tx_kernel, rx_kernel; /* timestamps from the kernel */
	long long *lat_ns;			 /* received entries */
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " --tx-netns NS --tx-dev IF --rx-netns NS --rx-dev IF\n"
		"         --src-mac MAC --dst-mac MAC --src-ip IPv4 --dst-ip IPv4 [options]\n"
		"\n"
		"Time from sending a frame (from IF in NS, raw Ethernet) until it arrives\n"
		"VXLAN-encapsulated on the remote host's underlay device.\n"
		"\n"
		"  --tx-netns NS, --tx-dev IF  namespace (name in " OVL_NETNS_RUN_DIR
		", or a path;\n"
		"                              default: the current one) and device frames leave from\n"
		"  --rx-netns NS, --rx-dev IF  where their arrival is watched (an underlay device)\n"
		"  --src-mac, --dst-mac, --src-ip, --dst-ip\n"
		"                              the inner frame (IPv4/UDP)\n"
		"  --macs N                    frame k goes to --dst-mac + k (low 3 bytes), N MACs,\n"
		"                              each new (default: all frames to --dst-mac)\n"
		"  -n, --count N               frames (default 200; with --macs, N)\n"
		"  --interval MS               pause between frames (default 5)\n"
		"  --timeout MS                wait for each frame, then count it lost (default 1000)\n"
		"  --port PORT                 outer UDP destination port (default %d)\n"
		"  -j, --json                  one JSON object on stdout\n"
		"  -v, --verbose               one line per frame on stderr\n"
		"  -h, --help                  this text\n",
		OVL_VXLAN_PORT);
}

static long long ts_ns(const struct timespec *ts)
{
	return (long long)ts->tv_sec * NSEC_PER_SEC + ts->tv_nsec;
}

#define now_ns(clk) bench_now_ns(clk)

/* The destination MAC of frame seq: base + seq in the low three bytes. */
static void frame_mac(const struct ml_opts *o, unsigned long long seq, __u8 mac[6])
{
	__u32 low;

	memcpy(mac, o->dst_mac, 6);
	if (!o->macs)
		return;
	low = ((__u32)mac[3] << 16 | (__u32)mac[4] << 8 | mac[5]) + (__u32)seq;
	mac[3] = (__u8)(low >> 16);
	mac[4] = (__u8)(low >> 8);
	mac[5] = (__u8)low;
}

static __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/* Ethernet + IPv4 + UDP (with its checksum) + payload: ML_FRAME_LEN bytes. */
static void frame_build(const struct ml_opts *o, __u32 nonce, __u32 seq, __u8 *buf)
{
	struct ml_payload pl = {
		.magic = htonl(ML_MAGIC),
		.nonce = htonl(nonce),
		.seq = htonl(seq),
	};
	struct bench_udp4 h = { .sport = ML_UDP_SPORT, .dport = ML_UDP_DPORT, .ip_id = (__u16)seq };

	frame_mac(o, seq, h.dst_mac);
	memcpy(h.src_mac, o->src_mac, 6);
	memcpy(h.src_ip, o->src_ip, 4);
	memcpy(h.dst_ip, o->dst_ip, 4);
	bench_udp4_frame(buf, &h, &pl, sizeof(pl), true);
}

/* A bounds-checked cursor over a received frame. */
struct cursor {
	const __u8 *p, *end;
};

static const __u8 *pull(struct cursor *c, size_t n)
{
	const __u8 *p = c->p;

	if ((size_t)(c->end - c->p) < n)
		return NULL;
	c->p += n;
	return p;
}

/*
 * Our frame, VXLAN-encapsulated: outer Ethernet, IPv4 (unfragmented, any
 * options) or IPv6 (UDP as the next header), UDP to port, VXLAN, then the
 * inner Ethernet/IPv4/UDP frame with our addresses and payload.
 * Return: true with *seq set when it is one of ours.
 */
static bool frame_match(const struct ml_opts *o, __u32 nonce, const __u8 *buf, size_t len,
			__u32 *seq)
{
	struct cursor c = { buf, buf + len };
	const __u8 *eth, *ip, *udp, *vx, *ieth, *iip, *iudp;
	struct ml_payload pl;
	__u8 mac[6];
	size_t ihl;

	eth = pull(&c, ETH_HLEN);
	if (!eth)
		return false;
	switch (get16(eth + 12)) {
	case ETH_P_IP:
		ip = pull(&c, ML_IPV4_HLEN);
		if (!ip || ip[0] >> 4 != 4 || ip[9] != IPPROTO_UDP)
			return false;
		if (get16(ip + 6) & ML_IP_FRAG_MASK)
			return false;
		ihl = (size_t)(ip[0] & 0xf) * 4;
		if (ihl < ML_IPV4_HLEN || !pull(&c, ihl - ML_IPV4_HLEN))
			return false;
		break;
	case ETH_P_IPV6:
		ip = pull(&c, ML_IPV6_HLEN);
		if (!ip || ip[0] >> 4 != 6 || ip[6] != IPPROTO_UDP)
			return false;
		break;
	default:
		return false;
	}
	udp = pull(&c, ML_UDP_HLEN);
	if (!udp || get16(udp + 2) != o->port)
		return false;
	vx = pull(&c, OVL_VXLAN_HLEN);
	if (!vx)
		return false;

	ieth = pull(&c, ETH_HLEN);
	if (!ieth || memcmp(ieth + 6, o->src_mac, 6) || get16(ieth + 12) != ETH_P_IP)
		return false;
	iip = pull(&c, ML_IPV4_HLEN);
	if (!iip || iip[0] != 0x45 || iip[9] != IPPROTO_UDP || memcmp(iip + 12, o->src_ip, 4) ||
	    memcmp(iip + 16, o->dst_ip, 4))
		return false;
	iudp = pull(&c, ML_UDP_HLEN);
	if (!iudp || get16(iudp) != ML_UDP_SPORT || get16(iudp + 2) != ML_UDP_DPORT)
		return false;
	if (!pull(&c, sizeof(pl)))
		return false;
	memcpy(&pl, iudp + ML_UDP_HLEN, sizeof(pl));
	if (ntohl(pl.magic) != ML_MAGIC || ntohl(pl.nonce) != nonce)
		return false;
	*seq = ntohl(pl.seq);
	/* The destination MAC must be the one this frame was sent to. */
	frame_mac(o, *seq, mac);
	return !memcmp(ieth, mac, 6);
}

/*
 * Classic BPF: incoming UDP to port over IPv4 (first fragment or whole) or
 * IPv6 (UDP next header), as `tcpdump -dd 'inbound and udp dst port 4789'`.
 */
static int filter_attach(int fd, __u16 port)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 15, 0),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 4),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, ETH_HLEN + 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 11),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, ETH_HLEN + ML_IPV6_HLEN + 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 8, 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 8),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, ETH_HLEN + 9),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, ETH_HLEN + 6),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, ML_IP_OFF_MASK, 4, 0),
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, ETH_HLEN),
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, ETH_HLEN + 2),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0x40000),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		return -errno;
	return 0;
}

/* Runs inside the target namespace: the device's index, then the socket. */
static int sock_open(void *arg)
{
	struct sock_req *r = arg;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int on = 1, err;

	r->fd = -1;
	r->step = "find device";
	r->ifindex = (int)if_nametoindex(r->dev);
	if (!r->ifindex)
		return errno == ENXIO ? -ENODEV : -errno;

	r->step = "open AF_PACKET socket";
	/* Protocol 0: nothing is queued before the filter and bind(). */
	r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (r->fd < 0)
		return -errno;

	if (r->rx) {
		r->step = "attach the socket filter";
		err = filter_attach(r->fd, r->port);
		if (err)
			goto err_close;
		r->step = "enable SO_TIMESTAMPNS";
		if (setsockopt(r->fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)))
			goto err_errno;
		sll.sll_protocol = htons(ETH_P_ALL);
	} else {
		int flags = SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_SOFTWARE |
			    SOF_TIMESTAMPING_OPT_TSONLY;

		/* Without it the user-space clock stands in. */
		r->tx_tstamp =
			!setsockopt(r->fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags));
	}
	r->step = "bind to the device";
	sll.sll_ifindex = r->ifindex;
	if (bind(r->fd, (struct sockaddr *)&sll, sizeof(sll)))
		goto err_errno;
	return 0;

err_errno:
	err = -errno;
err_close:
	close(r->fd);
	r->fd = -1;
	return err;
}

/* Open r's socket in netns (NULL: here). Return: 0 or -errno, logged. */
static int sock_open_in(const char *netns, const char *role, struct sock_req *r)
{
	const char *where = netns ? netns : "the current network namespace";
	int ns_fd, err;

	if (!netns) {
		err = sock_open(r);
	} else {
		ns_fd = ovl_netns_open(netns);
		if (ns_fd < 0) {
			if (ns_fd == -ENOENT)
				pr_err("%s network namespace %s: not found%s%s", role, netns,
				       netns[0] == '/' ? "" : " in ",
				       netns[0] == '/' ? "" : OVL_NETNS_RUN_DIR);
			else
				pr_err("%s network namespace %s: %s", role, netns,
				       strerror(-ns_fd));
			return ns_fd;
		}
		r->step = "enter the network namespace";
		err = ovl_netns_run(ns_fd, sock_open, r);
		close(ns_fd);
	}
	if (!err)
		return 0;
	if (err == -ENODEV)
		pr_err("%s device %s: not found in %s", role, r->dev, where);
	else
		pr_err("%s: %s (%s in %s): %s%s", role, r->step, r->dev, where, strerror(-err),
		       err != -EPERM		? "" :
		       r->fd < 0 && !r->ifindex ? " (needs CAP_SYS_ADMIN)" :
						  " (needs CAP_NET_RAW)");
	return err;
}

/*
 * The earliest kernel transmit timestamp in the error queue not before
 * after_ns (older ones belong to earlier frames). Return: it, or 0.
 */
static long long tx_tstamp_read(int fd, long long after_ns)
{
	long long best = 0;

	for (;;) {
		char control[256];
		struct msghdr msg = { .msg_control = control, .msg_controllen = sizeof(control) };
		struct cmsghdr *cm;

		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			struct scm_timestamping tss;
			long long t;

			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_TIMESTAMPING)
				continue;
			memcpy(&tss, CMSG_DATA(cm), sizeof(tss));
			t = ts_ns(&tss.ts[0]);
			if (t && t >= after_ns && (!best || t < best))
				best = t;
		}
	}
	return best;
}

/*
 * Wait until frame seq arrives or deadline (CLOCK_MONOTONIC ns) passes.
 * Return: 1 with *rx_ns set (and *rx_kernel), 0 on timeout or signal,
 * -errno on a socket error.
 */
static int rx_wait(const struct ml_opts *o, int fd, __u32 nonce, __u32 seq, long long deadline,
		   long long *rx_ns, bool *rx_kernel, struct ml_stats *st)
{
	static __u8 buf[ML_RX_BUF];

	while (!bench_stop) {
		long long left = deadline - now_ns(CLOCK_MONOTONIC);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec to;
		int n;

		if (left <= 0)
			return 0;
		to.tv_sec = left / NSEC_PER_SEC;
		to.tv_nsec = left % NSEC_PER_SEC;
		n = ppoll(&pfd, 1, &to, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			return 0;

		for (;;) {
			char control[128];
			struct sockaddr_ll from;
			struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
			struct msghdr msg = {
				.msg_name = &from,
				.msg_namelen = sizeof(from),
				.msg_iov = &iov,
				.msg_iovlen = 1,
				.msg_control = control,
				.msg_controllen = sizeof(control),
			};
			struct cmsghdr *cm;
			long long user_ns, kern_ns = 0;
			ssize_t len;
			__u32 got;

			len = recvmsg(fd, &msg, MSG_DONTWAIT);
			if (len < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				return -errno;
			}
			user_ns = now_ns(CLOCK_REALTIME);
			if (from.sll_pkttype == PACKET_OUTGOING)
				continue;
			if (!frame_match(o, nonce, buf, (size_t)len, &got)) {
				st->foreign++;
				continue;
			}
			if (got != seq) {
				/* An earlier frame, after its timeout. */
				st->late++;
				pr_debug("frame %u arrived after its timeout", got);
				continue;
			}
			for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
				struct timespec ts;

				if (cm->cmsg_level != SOL_SOCKET ||
				    cm->cmsg_type != SCM_TIMESTAMPNS)
					continue;
				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				kern_ns = ts_ns(&ts);
			}
			/* A kernel timestamp later than now is not one. */
			*rx_kernel = kern_ns > 0 && kern_ns <= user_ns;
			*rx_ns = *rx_kernel ? kern_ns : user_ns;
			return 1;
		}
	}
	return 0;
}

static void sleep_ms(unsigned long long ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * NSEC_PER_MSEC };

	while (!bench_stop && clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* Send every frame and wait for it. Return: 0 or -errno, logged. */
static int run(const struct ml_opts *o, int tx_fd, bool tx_tstamp, int tx_ifindex, int rx_fd,
	       struct ml_stats *st)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = tx_ifindex,
		.sll_halen = ETH_ALEN,
	};
	__u32 nonce = (__u32)(now_ns(CLOCK_REALTIME) ^ ((long long)getpid() << 16));
	__u8 frame[ML_FRAME_LEN];
	char macbuf[OVL_MAC_STRLEN];

	for (unsigned long long k = 0; k < o->count && !bench_stop; k++) {
		long long t_user, t_kern = 0, t_tx, t_rx = 0, deadline;
		bool rx_kernel = false;
		int ret;

		if (k)
			sleep_ms(o->interval_ms);
		if (bench_stop)
			break;
		frame_build(o, nonce, (__u32)k, frame);
		memcpy(to.sll_addr, frame, ETH_ALEN);
		if (tx_tstamp)
			tx_tstamp_read(tx_fd, 0); /* drop leftovers */

		t_user = now_ns(CLOCK_REALTIME);
		deadline = now_ns(CLOCK_MONOTONIC) + (long long)o->timeout_ms * NSEC_PER_MSEC;
		if (sendto(tx_fd, frame, sizeof(frame), 0, (struct sockaddr *)&to, sizeof(to)) <
		    0) {
			ret = -errno;
			pr_err("send frame %llu on %s: %s", k, o->tx_dev, strerror(-ret));
			return ret;
		}
		st->sent++;
		if (tx_tstamp)
			t_kern = tx_tstamp_read(tx_fd, t_user);
		t_tx = t_kern ? t_kern : t_user;
		st->tx_kernel += !!t_kern;

		ret = rx_wait(o, rx_fd, nonce, (__u32)k, deadline, &t_rx, &rx_kernel, st);
		if (ret < 0) {
			pr_err("receive on %s: %s", o->rx_dev, strerror(-ret));
			return ret;
		}
		frame_mac(o, k, frame);
		if (!ret) {
			if (!bench_stop)
				pr_debug("frame %llu to %s: lost", k,
					 ovl_mac_format(frame, macbuf));
			continue;
		}
		/* A kernel receive stamp before the send stamp: trust neither. */
		if (t_rx < t_tx) {
			t_tx = t_user;
			if (t_rx < t_tx)
				t_rx = now_ns(CLOCK_REALTIME);
			rx_kernel = false;
		}
		st->rx_kernel += rx_kernel;
		st->lat_ns[st->received++] = t_rx - t_tx;
		pr_debug("frame %llu to %s: %.1f us (send stamp: %s %+.1f us, receive stamp: %s)",
			 k, ovl_mac_format(frame, macbuf), (double)(t_rx - t_tx) / 1000.0,
			 t_tx == t_kern ? "kernel" : "clock", (double)(t_tx - t_user) / 1000.0,
			 rx_kernel ? "kernel" : "clock");
	}
	return 0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile p (1..100) of n sorted values, in microseconds. */
static double pct_us(const long long *v, unsigned long long n, unsigned int p)
{
	unsigned long long rank = (p * n + 99) / 100; /* ceil(p / 100 * n) */

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)v[rank - 1] / 1000.0;
}

static void report(const struct ml_opts *o, struct ml_stats *st)
{
	unsigned long long n = st->received, lost = st->sent - n;
	double sum = 0;
	static const struct {
		const char *name;
		unsigned int p;
	} pcts[] = { { "p50", 50 }, { "p90", 90 }, { "p99", 99 } };

	pr_debug("%llu other VXLAN frames seen on %s", st->foreign, o->rx_dev);
	qsort(st->lat_ns, n, sizeof(st->lat_ns[0]), cmp_ll);
	for (unsigned long long i = 0; i < n; i++)
		sum += (double)st->lat_ns[i];

	if (o->json) {
		printf("{\"count\":%llu,\"received\":%llu,\"lost\":%llu", st->sent, n, lost);
		for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
			if (n)
				printf(",\"%s_us\":%.1f", pcts[i].name,
				       pct_us(st->lat_ns, n, pcts[i].p));
			else
				printf(",\"%s_us\":null", pcts[i].name);
		}
		if (n)
			printf(",\"max_us\":%.1f,\"min_us\":%.1f,\"mean_us\":%.1f}\n",
			       (double)st->lat_ns[n - 1] / 1000.0, (double)st->lat_ns[0] / 1000.0,
			       sum / (double)n / 1000.0);
		else
			printf(",\"max_us\":null,\"min_us\":null,\"mean_us\":null}\n");
		return;
	}
	printf("%llu frames to %s%s, %llu received, %llu lost", st->sent,
	       o->macs ? "new MACs from " : "",
	       ovl_mac_format(o->dst_mac, (char[OVL_MAC_STRLEN]){}), n, lost);
	if (st->late)
		printf(" (and %llu arrived after their timeout or twice)", st->late);
	printf("\n");
	if (!n)
		return;
	printf("latency us: min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f  mean %.1f\n",
	       (double)st->lat_ns[0] / 1000.0, pct_us(st->lat_ns, n, 50), pct_us(st->lat_ns, n, 90),
	       pct_us(st->lat_ns, n, 99), (double)st->lat_ns[n - 1] / 1000.0,
	       sum / (double)n / 1000.0);
	printf("timestamps from the kernel: send %llu of %llu, receive %llu of %llu\n",
	       st->tx_kernel, st->sent, st->rx_kernel, n);
}

enum {
	OPT_TX_NETNS = 256,
	OPT_TX_DEV,
	OPT_RX_NETNS,
	OPT_RX_DEV,
	OPT_SRC_MAC,
	OPT_DST_MAC,
	OPT_SRC_IP,
	OPT_DST_IP,
	OPT_MACS,
	OPT_INTERVAL,
	OPT_TIMEOUT,
	OPT_PORT,
};

static const struct option long_opts[] = {
	{ "tx-netns", required_argument, NULL, OPT_TX_NETNS },
	{ "tx-dev", required_argument, NULL, OPT_TX_DEV },
	{ "rx-netns", required_argument, NULL, OPT_RX_NETNS },
	{ "rx-dev", required_argument, NULL, OPT_RX_DEV },
	{ "src-mac", required_argument, NULL, OPT_SRC_MAC },
	{ "dst-mac", required_argument, NULL, OPT_DST_MAC },
	{ "src-ip", required_argument, NULL, OPT_SRC_IP },
	{ "dst-ip", required_argument, NULL, OPT_DST_IP },
	{ "macs", required_argument, NULL, OPT_MACS },
	{ "count", required_argument, NULL, 'n' },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "json", no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

#define parse_ipv4 bench_opt_ip4
#define parse_num  bench_opt_u64

/* Return: 0, 1 for --help, or -EINVAL (logged). */
static int parse_args(int argc, char **argv, struct ml_opts *o)
{
	int c;

	*o = (struct ml_opts){
		.count = 200,
		.interval_ms = 5,
		.timeout_ms = 1000,
		.port = OVL_VXLAN_PORT,
	};
	while ((c = getopt_long(argc, argv, "n:jvh", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_TX_NETNS:
			o->tx_netns = optarg;
			break;
		case OPT_TX_DEV:
			o->tx_dev = optarg;
			break;
		case OPT_RX_NETNS:
			o->rx_netns = optarg;
			break;
		case OPT_RX_DEV:
			o->rx_dev = optarg;
			break;
		case OPT_SRC_MAC:
		case OPT_DST_MAC: {
			__u8 *mac = c == OPT_SRC_MAC ? o->src_mac : o->dst_mac;

			if (ovl_mac_parse(optarg, mac) || ovl_mac_is_multicast(mac) ||
			    ovl_mac_is_zero(mac)) {
				pr_err("--%s: not a unicast MAC address: '%s'",
				       c == OPT_SRC_MAC ? "src-mac" : "dst-mac", optarg);
				return -EINVAL;
			}
			if (c == OPT_SRC_MAC)
				o->have_src_mac = true;
			else
				o->have_dst_mac = true;
			break;
		}
		case OPT_SRC_IP:
			if (parse_ipv4("--src-ip", optarg, o->src_ip))
				return -EINVAL;
			o->have_src_ip = true;
			break;
		case OPT_DST_IP:
			if (parse_ipv4("--dst-ip", optarg, o->dst_ip))
				return -EINVAL;
			o->have_dst_ip = true;
			break;
		case OPT_MACS:
			if (parse_num("--macs", optarg, 1, ML_MAX_MACS, &o->macs))
				return -EINVAL;
			break;
		case 'n':
			if (parse_num("--count", optarg, 1, ML_MAX_COUNT, &o->count))
				return -EINVAL;
			o->count_set = true;
			break;
		case OPT_INTERVAL:
			if (parse_num("--interval", optarg, 0, 3600000, &o->interval_ms))
				return -EINVAL;
			break;
		case OPT_TIMEOUT:
			if (parse_num("--timeout", optarg, 1, 3600000, &o->timeout_ms))
				return -EINVAL;
			break;
		case OPT_PORT:
			if (ovl_port_parse(optarg, &o->port)) {
				pr_err("--port: not a UDP port: '%s'", optarg);
				return -EINVAL;
			}
			break;
		case 'j':
			o->json = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			return 1;
		default:
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (!o->tx_dev || !o->rx_dev || !o->have_src_mac || !o->have_dst_mac || !o->have_src_ip ||
	    !o->have_dst_ip) {
		pr_err("--tx-dev, --rx-dev, --src-mac, --dst-mac, --src-ip and --dst-ip are required");
		return -EINVAL;
	}
	if (o->macs) {
		__u32 low = (__u32)o->dst_mac[3] << 16 | (__u32)o->dst_mac[4] << 8 | o->dst_mac[5];

		if (!o->count_set)
			o->count = o->macs;
		if (o->count > o->macs) {
			pr_err("--count %llu is more than --macs %llu: each frame needs a new MAC",
			       o->count, o->macs);
			return -EINVAL;
		}
		if (low + o->macs > ML_MAX_MACS) {
			pr_err("--dst-mac + --macs %llu overflows the low three bytes", o->macs);
			return -EINVAL;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sock_req tx = { .fd = -1 }, rx = { .fd = -1 };
	struct ml_stats st = {};
	struct ml_opts o;
	int err, ret = 1;

	ovl_log_set_ident(PROG);
	err = parse_args(argc, argv, &o);
	if (err) {
		if (err > 0) {
			usage(stdout);
			return 0;
		}
		fprintf(stderr, "Try '" PROG " --help'.\n");
		return 2;
	}
	if (o.verbose)
		ovl_log_set_level(OVL_LOG_DEBUG);

	st.lat_ns = calloc(o.count, sizeof(st.lat_ns[0]));
	if (!st.lat_ns) {
		pr_err("allocate %llu samples: %s", o.count, strerror(errno));
		return 1;
	}
	tx.dev = o.tx_dev;
	if (sock_open_in(o.tx_netns, "tx", &tx))
		goto out;
	if (!tx.tx_tstamp)
		pr_warn("no kernel transmit timestamps on %s: using the clock before send()",
			o.tx_dev);
	rx.dev = o.rx_dev;
	rx.rx = true;
	rx.port = o.port;
	if (sock_open_in(o.rx_netns, "rx", &rx))
		goto out;

	bench_on_signals();
	if (run(&o, tx.fd, tx.tx_tstamp, tx.ifindex, rx.fd, &st))
		goto out;
	report(&o, &st);
	ret = 0;
out:
	if (rx.fd >= 0)
		close(rx.fd);
	if (tx.fd >= 0)
		close(tx.fd);
	free(st.lat_ns);
	return ret;
}
