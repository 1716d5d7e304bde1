// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * router.c - the router zone: one per overlay with router/gateway, on every
 * host that serves the overlay (the seed's home data center puts a router
 * zone in front of its zones: NAT and port redirection).
 *
 * Shape (a network namespace per overlay per host: this kernel has no VRF,
 * and overlays may use the same addresses, so each router must be its own
 * routing domain with its own connection tracking):
 *
 *   container --- overlay --- [ovlrXXXXXXXX | ovl0]  router zone  [host0 | ovltXXXXXXXX] --- host
 *                              an ovl endpoint                     transit link
 *                              MAC 02:6f:76:VNI                    169.254.A.B/30
 *                              the gateway addresses               fd6f:766c:ffff:S::/64
 *
 * - ovl0 has the anycast gateway: the same MAC (ovl_abi.h, OVL_ROUTER_MAC)
 *   and addresses on every host. Its host end is an ordinary endpoint with
 *   OVL_IF_F_ROUTER: the data path answers ARP/NDP for the gateway from
 *   ovl_neigh and switches frames for it locally, never encapsulated. It
 *   is not published (every host has one) and may forward others'
 *   addresses, so it is held to its MAC only.
 * - host0/ovltXXXXXXXX is a transit link of its own per router. The
 *   router's default routes point at the host; with router/host the host
 *   routes the overlay's subnets to the router (two overlays that overlap
 *   cannot both have that: refused).
 * - router/masquerade: the router rewrites the source of what leaves it
 *   toward the host to its transit address, and the host masquerades that
 *   address to its own as it leaves the host. Two NATs, but each sees
 *   unique addresses: the host never needs to tell overlapping tenants
 *   apart (no conntrack zones, no policy routing).
 * - Forwards (published ports): the host DNATs its port to the router's
 *   transit address, the router DNATs that to the container. The
 *   container sees the client's address. A container on another host: the
 *   frame crosses the overlay from this host's router; that host's data
 *   path notes the flow (ovl_rflows) and sends the replies back here.
 *
 * Netfilter rules are nftables tables of their own (`inet ovl` in each
 * router zone, `inet ovl_INSTANCE` in the host), written whole by `nft -f`
 * on every change (one transaction: never half a ruleset). Addresses and
 * routes are set with `ip -batch`. The namespace is bind-mounted at
 * RUN_DIR/INSTANCE.router/VNI, so it outlives ovld and a restart finds it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "ovld.h"
#include "router.h"
#include "backends.h"
#include "netns.h"
#include "veth.h"
#include "log.h"

#define R_OVL_IF   "ovl0"
#define R_HOST_IF  "host0"
#define TRANSIT6   "fd6f:766c:ffff" /* + ":SLOT::1/64" host, "::2" router */
#define SLOT_COUNT 16384	    /* /30s in 169.254.0.0/16 */

struct ovl_forward {
	struct ovl_forward *next;
	char overlay[OVL_NAME_MAX];
	int proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u16 port;
	struct ovl_ip host_ip; /* family 0: every address of the host */
	struct ovl_ip to;
	__u16 to_port;
	char owner[256];
};

struct sysctl_req {
	const char *const *kv; /* path, value, path, value, ..., NULL */
	char *err;
	size_t errlen;
};

static int sysctls(void *arg)
{
	struct sysctl_req *r = arg;

	for (const char *const *p = r->kv; *p; p += 2) {
		char path[256];
		int fd;

		snprintf(path, sizeof(path), "/proc/sys/net/%s", p[0]);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, p[1], strlen(p[1])) < 0) {
			int e = -errno;

			snprintf(r->err, r->errlen, "write %s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return e;
		}
		close(fd);
	}
	return 0;
}

/* ---- where a router lives ---------------------------------------------------- */

static __u32 fnv(const char *a, __u32 vni)
{
	__u32 h = 2166136261u;

	for (const char *p = a; *p; p++)
		h = (h ^ (__u8)*p) * 16777619u;
	for (int i = 0; i < 4; i++)
		h = (h ^ ((vni >> (8 * i)) & 0xff)) * 16777619u;
	return h;
}

static void names(struct ovld *d, struct ovl_router *r, __u32 vni)
{
	__u32 h = fnv(d->o.instance, vni);

	snprintf(r->ep_if, sizeof(r->ep_if), "ovlr%08x", h);
	snprintf(r->transit_if, sizeof(r->transit_if), "ovlt%08x", h);
	snprintf(r->nspath, sizeof(r->nspath), "%.180s/%.40s.router/%u", d->o.run_dir,
		 d->o.instance, vni);
}

/* The slot's addresses: 169.254.(s >> 6).((s & 63) * 4) + 1 (host) and + 2
 * (router), and TRANSIT6:s::1 and ::2. */
static void slot_addrs(unsigned int s, bool router, struct ovl_ip *v4, struct ovl_ip *v6)
{
	char b[64];

	memset(v4, 0, sizeof(*v4));
	v4->family = OVL_AF_INET4;
	v4->addr[0] = 169;
	v4->addr[1] = 254;
	v4->addr[2] = (__u8)(s >> 6);
	v4->addr[3] = (__u8)((s & 63) * 4 + (router ? 2 : 1));
	snprintf(b, sizeof(b), TRANSIT6 ":%x::%d", s, router ? 2 : 1);
	ovl_ip_parse(b, v6);
}

static bool slot_usable(unsigned int s)
{
	/* 169.254.0.x and 169.254.255.x are reserved (RFC 3927 2.1);
	 * 169.254.169.254 is the cloud's metadata service */
	return s >= 64 && (s >> 6) != 255 && (s >> 6) != 169;
}

/* Is any address of this /30 on an interface here, or taken by another
 * router of ours? */
static bool slot_taken(struct ovld *d, unsigned int s, const struct ovl_overlay *self)
{
	struct ifaddrs *ifa = NULL;
	struct ovl_ip a4, a6;
	bool taken = false;

	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		if (ov != self && ov->router && ov->router->slot == s)
			return true;
	slot_addrs(s, false, &a4, &a6);
	if (getifaddrs(&ifa))
		return false;
	for (struct ifaddrs *i = ifa; i && !taken; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		const __u8 *p = (const __u8 *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr;

		taken = !memcmp(p, a4.addr, 3) && (p[3] & ~3u) == (a4.addr[3] & ~3u);
	}
	freeifaddrs(ifa);
	return taken;
}

/* The slot the transit link has, when it exists (a restart), else -1. */
static int slot_of_link(const char *ifname)
{
	struct ifaddrs *ifa = NULL;
	int s = -1;

	if (getifaddrs(&ifa))
		return -1;
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, ifname))
			continue;
		const __u8 *p = (const __u8 *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr;

		if (p[0] == 169 && p[1] == 254)
			s = (p[2] << 6) | (p[3] >> 2);
	}
	freeifaddrs(ifa);
	return s;
}

static int slot_pick(struct ovld *d, struct ovl_overlay *ov, char *err, size_t errlen)
{
	unsigned int start = fnv(d->o.instance, ov->vni) % SLOT_COUNT;
	int have = slot_of_link(ov->router->transit_if);

	if (have >= 0 && slot_usable((unsigned int)have) && !slot_taken(d, (unsigned int)have, ov))
		return have;
	for (unsigned int i = 0; i < SLOT_COUNT; i++) {
		unsigned int s = (start + i) % SLOT_COUNT;

		if (slot_usable(s) && !slot_taken(d, s, ov))
			return (int)s;
	}
	snprintf(err, errlen, "no free transit /30 in 169.254.0.0/16");
	return -ENOSPC;
}

/* Open the router's namespace, making it if it is not there. */
static int netns_get(struct ovl_router *r, char *err, size_t errlen)
{
	char dir[PATH_MAX], src[64];
	int fd, tmp;

	fd = ovl_netns_open(r->nspath);
	if (fd >= 0)
		return fd;
	snprintf(dir, sizeof(dir), "%s", r->nspath);
	*strrchr(dir, '/') = '\0';
	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, errlen, "create %s: %s", dir, strerror(errno));
		return -errno;
	}
	unlink(r->nspath); /* a file whose mount went with another mount namespace */
	tmp = open(r->nspath, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (tmp < 0) {
		snprintf(err, errlen, "create %s: %s", r->nspath, strerror(errno));
		return -errno;
	}
	close(tmp);
	fd = ovl_netns_scratch();
	if (fd < 0) {
		snprintf(err, errlen, "new network namespace: %s", strerror(-fd));
		unlink(r->nspath);
		return fd;
	}
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	if (mount(src, r->nspath, NULL, MS_BIND, NULL)) {
		snprintf(err, errlen, "bind %s: %s", r->nspath, strerror(errno));
		tmp = -errno;
		close(fd);
		unlink(r->nspath);
		return tmp;
	}
	r->made = true;
	return fd;
}

static void netns_drop(const char *path)
{
	if (umount2(path, MNT_DETACH) && errno != EINVAL && errno != ENOENT)
		pr_warn("unmount %s: %s", path, strerror(errno));
	unlink(path);
}

/* ---- configuration ------------------------------------------------------------ */

/* The router properties of ov into r. */
static int props_read(json_t *props, struct ovl_router *r)
{
	const char *gw = json_string_value(json_object_get(props, "router/gateway"));
	char buf[256];

	r->has4 = r->has6 = false;
	r->masq = ovl_prop_bool(json_object_get(props, "router/masquerade")) == 1;
	r->host = ovl_prop_bool(json_object_get(props, "router/host")) == 1;
	if (!gw || !*gw)
		return 0;
	snprintf(buf, sizeof(buf), "%s", gw);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *slash = strchr(t, '/');
		struct ovl_ip ip;

		if (!slash)
			return -EINVAL;
		*slash = '\0';
		if (ovl_ip_parse(t, &ip))
			return -EINVAL;
		if (ip.family == OVL_AF_INET4) {
			r->gw4 = ip;
			r->plen4 = (int)strtol(slash + 1, NULL, 10);
			r->has4 = true;
		} else {
			r->gw6 = ip;
			r->plen6 = (int)strtol(slash + 1, NULL, 10);
			r->has6 = true;
		}
	}
	return 0;
}

bool router_wanted(json_t *props)
{
	const char *gw = json_string_value(json_object_get(props, "router/gateway"));

	return gw && *gw;
}

/* The network of addr/plen. */
static void prefix_of(const struct ovl_ip *a, int plen, struct ovl_ip *net)
{
	int bytes = a->family == OVL_AF_INET4 ? 4 : 16;

	*net = *a;
	for (int i = 0; i < bytes; i++) {
		int keep = plen - 8 * i;

		if (keep <= 0)
			net->addr[i] = 0;
		else if (keep < 8)
			net->addr[i] &= (__u8)(0xff << (8 - keep));
	}
}

static bool in_prefix(const struct ovl_ip *a, const struct ovl_ip *gw, int plen)
{
	struct ovl_ip x, y;

	if (a->family != gw->family)
		return false;
	prefix_of(a, plen, &x);
	prefix_of(gw, plen, &y);
	return ovl_ip_eq(&x, &y);
}

/* Do two prefixes overlap? */
static bool overlap(const struct ovl_ip *a, int pa, const struct ovl_ip *b, int pb)
{
	int p = pa < pb ? pa : pb;

	return a->family == b->family && in_prefix(a, b, p);
}

bool router_addr_inside(const struct ovl_router *r, const struct ovl_ip *a)
{
	return (r->has4 && in_prefix(a, &r->gw4, r->plen4)) ||
	       (r->has6 && in_prefix(a, &r->gw6, r->plen6));
}

static const char *cidr(const struct ovl_ip *a, int plen, bool net, char *buf, size_t len)
{
	char s[OVL_IP_STRLEN];
	struct ovl_ip n;

	if (net) {
		prefix_of(a, plen, &n);
		a = &n;
	}
	snprintf(buf, len, "%s/%d", ovl_ip_format(a, s), plen);
	return buf;
}

/* router/host on two overlays whose subnets overlap: the host could not
 * tell which router an address is behind. */
static int host_overlap(struct ovld *d, struct ovl_overlay *ov, const char *name,
			const struct ovl_router *r, char *err, size_t errlen)
{
	char a[64], b[64];

	if (!r->host)
		return 0;
	for (struct ovl_overlay *o = d->overlays; o; o = o->next) {
		const struct ovl_router *x = o->router;

		if (o == ov || !x || !x->host)
			continue;
		if ((r->has4 && x->has4 && overlap(&r->gw4, r->plen4, &x->gw4, x->plen4)) ||
		    (r->has6 && x->has6 && overlap(&r->gw6, r->plen6, &x->gw6, x->plen6))) {
			bool v4 =
				r->has4 && x->has4 && overlap(&r->gw4, r->plen4, &x->gw4, x->plen4);

			snprintf(
				err, errlen,
				"router/host=on: %s of overlay %s overlaps %s of overlay %s, which "
				"has router/host=on too: the host could not tell which router an "
				"address is behind (turn router/host off on one, or renumber)",
				v4 ? cidr(&r->gw4, r->plen4, true, a, sizeof(a)) :
				     cidr(&r->gw6, r->plen6, true, a, sizeof(a)),
				name,
				v4 ? cidr(&x->gw4, x->plen4, true, b, sizeof(b)) :
				     cidr(&x->gw6, x->plen6, true, b, sizeof(b)),
				o->name);
			return -EADDRINUSE;
		}
	}
	return 0;
}

int router_props_check(struct ovld *d, struct ovl_overlay *ov, const char *name, json_t *props,
		       char *err, size_t errlen)
{
	struct ovl_router r = { 0 };

	if (props_read(props, &r)) {
		snprintf(err, errlen, "router/gateway: expected ADDR/PLEN[,ADDR/PLEN]");
		return -EINVAL;
	}
	if (!r.has4 && !r.has6 &&
	    (json_object_get(props, "router/masquerade") ||
	     json_object_get(props, "router/host"))) {
		snprintf(err, errlen,
			 "router/masquerade and router/host need a router: give it "
			 "router/gateway=ADDR/PLEN");
		return -EINVAL;
	}
	if (ov && ov->ops->info->mode == OVL_MODE_P2P && (r.has4 || r.has6)) {
		snprintf(err, errlen, "a point-to-point overlay (-s direct) has no router");
		return -EINVAL;
	}
	return host_overlap(d, ov, ov ? ov->name : name, &r, err, errlen);
}

/* ---- the nftables rulesets ------------------------------------------------------ */

struct sbuf {
	char *s;
	size_t n, cap;
};

__attribute__((format(printf, 2, 3))) static void sb(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->s && b->n + (size_t)n < b->cap) {
			b->n += (size_t)n;
			return;
		}
		size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
		char *s = realloc(b->s, cap);

		if (!s)
			return;
		b->s = s;
		b->cap = cap;
	}
}

static const char *proto_name(int p)
{
	return p == IPPROTO_UDP ? "udp" : "tcp";
}

/* The host's table name: nft names are letters, digits and _ . */
static void host_table(struct ovld *d, char *buf, size_t len)
{
	size_t i = 0;

	i = (size_t)snprintf(buf, len, "ovl_");
	for (const char *p = d->o.instance; *p && i + 1 < len; p++, i++)
		buf[i] = (char)((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
						(*p >= '0' && *p <= '9') ?
					*p :
					'_');
	buf[i] = '\0';
}

static bool host_forwarding_needed(struct ovld *d, bool v6)
{
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		if (ov->router && ov->router->up && ov->router->masq &&
		    (v6 ? ov->router->has6 : ov->router->has4))
			return true;
	for (struct ovl_forward *f = d->forwards; f; f = f->next)
		if (f->to.family == (v6 ? OVL_AF_INET6 : OVL_AF_INET4))
			return true;
	return false;
}

static int host_apply(struct ovld *d, char *err, size_t errlen)
{
	static const char *const argv[] = { "nft", "-f", "-", NULL };
	char t[64], a[OVL_IP_STRLEN], h[OVL_IP_STRLEN];
	struct sbuf b = { 0 };
	bool any = false;
	int ret;

	host_table(d, t, sizeof(t));
	for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
		any |= ov->router && ov->router->up;
	sb(&b, "table inet %s {}\ndelete table inet %s\n", t, t);
	if (any) {
		sb(&b, "table inet %s {\n", t);
		for (int hook = 0; hook < 2; hook++) {
			sb(&b, "\tchain %s {\n\t\ttype nat hook %s priority -100; policy accept;\n",
			   hook ? "output" : "prerouting", hook ? "output" : "prerouting");
			for (struct ovl_forward *f = d->forwards; f; f = f->next) {
				struct ovl_overlay *ov = overlay_find(d, f->overlay);
				struct ovl_ip r4, r6;
				bool v6 = f->to.family == OVL_AF_INET6;

				if (!ov || !ov->router || !ov->router->up)
					continue;
				slot_addrs(ov->router->slot, true, &r4, &r6);
				sb(&b, "\t\t");
				if (f->host_ip.family)
					sb(&b, "%s daddr %s ", v6 ? "ip6" : "ip",
					   ovl_ip_format(&f->host_ip, h));
				else
					sb(&b, "meta nfproto %s fib daddr type local ",
					   v6 ? "ipv6" : "ipv4");
				sb(&b, "%s dport %u counter dnat %s to %s%s%s\n",
				   proto_name(f->proto), f->port, v6 ? "ip6" : "ip", v6 ? "[" : "",
				   ovl_ip_format(v6 ? &r6 : &r4, a), v6 ? "]" : "");
			}
			sb(&b, "\t}\n");
		}
		sb(&b, "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; "
		       "policy accept;\n");
		for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next) {
			struct ovl_router *r = ov->router;
			struct ovl_ip r4, r6;

			if (!r || !r->up || !r->masq)
				continue;
			slot_addrs(r->slot, true, &r4, &r6);
			if (r->has4)
				sb(&b,
				   "\t\tip saddr %s oifname != \"%s\" counter masquerade comment "
				   "\"%s\"\n",
				   ovl_ip_format(&r4, a), r->transit_if, ov->name);
			if (r->has6)
				sb(&b,
				   "\t\tip6 saddr %s oifname != \"%s\" counter masquerade comment "
				   "\"%s\"\n",
				   ovl_ip_format(&r6, a), r->transit_if, ov->name);
		}
		sb(&b, "\t}\n");
		/* Tenants stay apart: nothing is routed from one router zone
		 * to another through the host (router/host gives the host
		 * routes to several overlays). */
		sb(&b, "\tchain forward {\n\t\ttype filter hook forward priority -10; policy "
		       "accept;\n\t\tiifname \"ovlt*\" oifname \"ovlt*\" counter drop comment "
		       "\"one tenant's router to another's\"\n\t}\n}\n");
	}
	if (!b.s)
		return -ENOMEM;
	ret = ovld_cmd(-1, b.s, "nft (host)", err, errlen, argv);
	free(b.s);
	if (ret)
		return ret;
	for (int v6 = 0; v6 < 2; v6++) {
		const char *kv[] = { v6 ? "ipv6/conf/all/forwarding" : "ipv4/ip_forward", "1",
				     NULL };
		struct sysctl_req sr = { kv, err, errlen };
		char cur[4] = "";
		char path[128];
		int fd;

		if (!host_forwarding_needed(d, v6))
			continue;
		snprintf(path, sizeof(path), "/proc/sys/net/%s", kv[0]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (read(fd, cur, sizeof(cur) - 1) < 0)
				cur[0] = '\0';
			close(fd);
		}
		if (cur[0] == '1')
			continue;
		ret = sysctls(&sr);
		if (ret)
			return ret;
		pr_info("net.%s set to 1: a router masquerades or forwards ports (IPv%d)", kv[0],
			v6 ? 6 : 4);
	}
	return 0;
}

static int zone_nft(struct ovld *d, struct ovl_overlay *ov, char *err, size_t errlen)
{
	static const char *const argv[] = { "nft", "-f", "-", NULL };
	struct ovl_router *r = ov->router;
	char a[OVL_IP_STRLEN], c[64];
	struct ovl_ip r4, r6;
	struct sbuf b = { 0 };
	int ret;

	slot_addrs(r->slot, true, &r4, &r6);
	sb(&b, "table inet ovl {}\ndelete table inet ovl\ntable inet ovl {\n");
	/* The zone's multicast group reports would only be dropped by the
	 * data path (the overlay has no multicast), counted as drops of the
	 * network that nobody sent: they stay here. */
	sb(&b,
	   "\tchain output {\n\t\ttype filter hook output priority 0; policy accept;\n"
	   "\t\toifname \"%s\" icmpv6 type { mld-listener-report, mld2-listener-report, "
	   "mld-listener-done } drop\n\t\toifname \"%s\" ip protocol igmp drop\n\t}\n",
	   R_OVL_IF, R_OVL_IF);
	sb(&b, "\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy "
	       "accept;\n");
	for (struct ovl_forward *f = d->forwards; f; f = f->next) {
		bool v6 = f->to.family == OVL_AF_INET6;

		if (strcmp(f->overlay, ov->name))
			continue;
		sb(&b, "\t\tiifname \"%s\" %s daddr %s %s dport %u counter dnat %s to ", R_HOST_IF,
		   v6 ? "ip6" : "ip", ovl_ip_format(v6 ? &r6 : &r4, a), proto_name(f->proto),
		   f->port, v6 ? "ip6" : "ip");
		sb(&b, v6 ? "[%s]:%u\n" : "%s:%u\n", ovl_ip_format(&f->to, a), f->to_port);
	}
	sb(&b, "\t}\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy "
	       "accept;\n");
	if (r->masq && r->has4)
		sb(&b, "\t\toifname \"%s\" ip saddr %s counter masquerade\n", R_HOST_IF,
		   cidr(&r->gw4, r->plen4, true, c, sizeof(c)));
	if (r->masq && r->has6)
		sb(&b, "\t\toifname \"%s\" ip6 saddr %s counter masquerade\n", R_HOST_IF,
		   cidr(&r->gw6, r->plen6, true, c, sizeof(c)));
	sb(&b, "\t}\n}\n");
	if (!b.s)
		return -ENOMEM;
	ret = ovld_cmd(r->nsfd, b.s, "nft (router zone)", err, errlen, argv);
	free(b.s);
	return ret;
}

/* ---- setting a router up --------------------------------------------------------- */

static int links_make(struct ovld *d, struct ovl_overlay *ov, char *err, size_t errlen)
{
	struct ovl_router *r = ov->router;
	__u8 mac[6];
	char alias[128];
	int ifindex, ret;
	struct ovl_veth_req ovl_side = { .name = R_OVL_IF,
					 .mac = mac,
					 .host_name = r->ep_if,
					 .host_alias = alias,
					 .netns_fd = r->nsfd,
					 .mtu = endpoint_mtu(d, ov) };
	struct ovl_veth_req transit = { .name = R_HOST_IF,
					.host_name = r->transit_if,
					.host_alias = alias,
					.netns_fd = r->nsfd };

	router_mac(ov->vni, mac);
	snprintf(alias, sizeof(alias), "ovl-router:%s/%s", d->o.instance, ov->name);
	if (ovl_link_ifindex(r->ep_if) <= 0) {
		ret = ovl_veth_create(&ovl_side, &ifindex);
		if (ret) {
			snprintf(err, errlen, "create veth %s: %s", r->ep_if, strerror(-ret));
			return ret;
		}
	}
	if (ovl_link_ifindex(r->transit_if) <= 0) {
		ret = ovl_veth_create(&transit, &ifindex);
		if (ret) {
			snprintf(err, errlen, "create veth %s: %s", r->transit_if, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int addrs_apply(struct ovl_overlay *ov, char *err, size_t errlen)
{
	static const char *const argv[] = { "ip", "-batch", "-", NULL };
	struct ovl_router *r = ov->router;
	char a[64], g[OVL_IP_STRLEN];
	struct ovl_ip h4, h6, r4, r6;
	struct sbuf b = { 0 };
	int ret;

	slot_addrs(r->slot, false, &h4, &h6);
	slot_addrs(r->slot, true, &r4, &r6);
	/* the router zone */
	sb(&b, "link set lo up\n");
	if (r->has4)
		sb(&b, "addr replace %s dev %s\n", cidr(&r->gw4, r->plen4, false, a, sizeof(a)),
		   R_OVL_IF);
	if (r->has6)
		sb(&b, "addr replace %s dev %s nodad\n",
		   cidr(&r->gw6, r->plen6, false, a, sizeof(a)), R_OVL_IF);
	sb(&b, "link set %s up\n", R_OVL_IF);
	sb(&b, "addr replace %s/30 dev %s\n", ovl_ip_format(&r4, g), R_HOST_IF);
	sb(&b, "addr replace %s/64 dev %s nodad\n", ovl_ip_format(&r6, g), R_HOST_IF);
	sb(&b, "link set %s up\n", R_HOST_IF);
	sb(&b, "route replace default via %s dev %s\n", ovl_ip_format(&h4, g), R_HOST_IF);
	sb(&b, "route replace default via %s dev %s\n", ovl_ip_format(&h6, g), R_HOST_IF);
	if (!b.s)
		return -ENOMEM;
	ret = ovld_cmd(r->nsfd, b.s, "ip (router zone)", err, errlen, argv);
	if (ret) {
		free(b.s);
		return ret;
	}
	/* the host's end */
	b.n = 0;
	b.s[0] = '\0';
	sb(&b, "addr replace %s/30 dev %s\n", ovl_ip_format(&h4, g), r->transit_if);
	sb(&b, "addr replace %s/64 dev %s nodad\n", ovl_ip_format(&h6, g), r->transit_if);
	sb(&b, "link set %s up\n", r->transit_if);
	ret = ovld_cmd(-1, b.s, "ip (host)", err, errlen, argv);
	free(b.s);
	return ret;
}

/* The host's routes to the overlay: there with router/host, gone without. */
static int host_routes(struct ovl_overlay *ov, bool on, char *err, size_t errlen)
{
	static const char *const force[] = { "ip", "-force", "-batch", "-", NULL };
	static const char *const argv[] = { "ip", "-batch", "-", NULL };
	struct ovl_router *r = ov->router;
	struct ovl_ip r4, r6;
	char a[64], g[OVL_IP_STRLEN], e[OVL_ERR_MAX];
	struct sbuf b = { 0 };
	int ret;

	slot_addrs(r->slot, true, &r4, &r6);
	if (r->has4)
		sb(&b, on ? "route replace %s via %s dev %s\n" : "route del %s via %s dev %s\n",
		   cidr(&r->gw4, r->plen4, true, a, sizeof(a)), ovl_ip_format(&r4, g),
		   r->transit_if);
	if (r->has6)
		sb(&b, on ? "route replace %s via %s dev %s\n" : "route del %s via %s dev %s\n",
		   cidr(&r->gw6, r->plen6, true, a, sizeof(a)), ovl_ip_format(&r6, g),
		   r->transit_if);
	if (!b.s)
		return 0;
	ret = ovld_cmd(-1, b.s, "ip route (host)", on ? err : e, on ? errlen : sizeof(e),
		       on ? argv : force);
	free(b.s);
	return on ? ret : 0;
}

static int zone_sysctls(struct ovl_router *r, char *err, size_t errlen)
{
	static const char *const kv[] = {
		"ipv4/ip_forward",
		"1",
		"ipv4/conf/all/rp_filter",
		"0",
		"ipv4/conf/default/rp_filter",
		"0",
		"ipv6/conf/all/forwarding",
		"1",
		"ipv6/conf/default/accept_dad",
		"0",
		"ipv6/conf/default/accept_ra",
		"0",
		"ipv6/conf/default/router_solicitations",
		"0",
		NULL,
	};
	struct sysctl_req sr = { kv, err, errlen };

	return ovl_netns_run(r->nsfd, sysctls, &sr);
}

/* The router's endpoint: the host end of ovl0, on the overlay. */
static int ep_make(struct ovld *d, struct ovl_overlay *ov, char *err, size_t errlen)
{
	struct ovl_router *r = ov->router;
	struct ovl_ep *ep = r->ep;
	bool fresh = !ep;
	int ret;

	if (ep) {
		ep_unregister(d, ep);
		memset(ep, 0, sizeof(*ep));
	} else {
		ep = calloc(1, sizeof(*ep));
		if (!ep)
			return -ENOMEM;
	}
	(void)fresh;
	ep->kind = OVL_EP_ROUTER;
	snprintf(ep->id, sizeof(ep->id), "router");
	snprintf(ep->overlay, sizeof(ep->overlay), "%s", ov->name);
	snprintf(ep->network, sizeof(ep->network), "%s", ov->name);
	router_mac(ov->vni, ep->mac);
	if (r->has4)
		ep->addrs[ep->naddrs++] = r->gw4;
	if (r->has6)
		ep->addrs[ep->naddrs++] = r->gw6;
	snprintf(ep->host_ifname, sizeof(ep->host_ifname), "%s", r->ep_if);
	ep->host_ifindex = ovl_link_ifindex(r->ep_if);
	snprintf(ep->ifname, sizeof(ep->ifname), "%s", R_OVL_IF);
	snprintf(ep->netns, sizeof(ep->netns), "%s", r->nspath);
	ep->peer_netns = true;
	ret = ep_register(d, ep, err, errlen);
	if (ret) {
		free(ep);
		r->ep = NULL;
		return ret;
	}
	r->ep = ep;
	return 0;
}

void router_mac(__u32 vni, __u8 mac[6])
{
	mac[0] = OVL_ROUTER_MAC_B0;
	mac[1] = OVL_ROUTER_MAC_B1;
	mac[2] = OVL_ROUTER_MAC_B2;
	mac[3] = (__u8)(vni >> 16);
	mac[4] = (__u8)(vni >> 8);
	mac[5] = (__u8)vni;
}

static void router_free(struct ovl_router *r)
{
	if (r->nsfd >= 0)
		close(r->nsfd);
	free(r);
}

int router_apply(struct ovld *d, struct ovl_overlay *ov, char *err, size_t errlen)
{
	struct ovl_router *r = ov->router, old;
	bool was_host;
	int ret, s;

	if (!router_wanted(ov->props)) {
		router_remove(d, ov);
		return 0;
	}
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		r->nsfd = -1;
		names(d, r, ov->vni);
		ov->router = r;
	}
	old = *r;
	was_host = r->up && r->host;
	props_read(ov->props, r);
	ret = host_overlap(d, ov, ov->name, r, err, errlen);
	if (ret)
		goto fail;
	if (r->nsfd < 0) {
		r->nsfd = netns_get(r, err, errlen);
		if (r->nsfd < 0) {
			ret = r->nsfd;
			goto fail;
		}
	}
	s = slot_pick(d, ov, err, errlen);
	if (s < 0) {
		ret = s;
		goto fail;
	}
	r->slot = (unsigned int)s;
	if ((ret = zone_sysctls(r, err, errlen)) || (ret = links_make(d, ov, err, errlen)))
		goto fail;
	/* a gateway that changed leaves the old address behind: take it off */
	if (old.up &&
	    ((old.has4 && (!r->has4 || !ovl_ip_eq(&old.gw4, &r->gw4) || old.plen4 != r->plen4)) ||
	     (old.has6 && (!r->has6 || !ovl_ip_eq(&old.gw6, &r->gw6) || old.plen6 != r->plen6)))) {
		static const char *const force[] = { "ip", "-force", "-batch", "-", NULL };
		char a[64], e[OVL_ERR_MAX], cmd[256];

		if (was_host) {
			struct ovl_router keep = *r;

			*r = old;
			host_routes(ov, false, e, sizeof(e));
			*r = keep;
			was_host = false;
		}
		cmd[0] = '\0';
		if (old.has4)
			snprintf(cmd, sizeof(cmd), "addr del %s dev %s\n",
				 cidr(&old.gw4, old.plen4, false, a, sizeof(a)), R_OVL_IF);
		if (old.has6)
			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
				 "addr del %s dev %s\n",
				 cidr(&old.gw6, old.plen6, false, a, sizeof(a)), R_OVL_IF);
		ovld_cmd(r->nsfd, cmd, "ip", e, sizeof(e), force);
	}
	if ((ret = addrs_apply(ov, err, errlen)))
		goto fail;
	if (!r->ep || r->ep->naddrs != (r->has4 + r->has6 + 1) ||
	    (r->has4 && !ovl_ip_eq(&r->ep->addrs[0], &r->gw4)) ||
	    ovl_link_ifindex(r->ep_if) != r->ep->host_ifindex || old.has6 != r->has6 ||
	    (r->has6 && !ovl_ip_eq(&r->ep->addrs[r->has4], &r->gw6))) {
		ret = ep_make(d, ov, err, errlen);
		if (ret)
			goto fail;
	}
	if (was_host && !r->host)
		host_routes(ov, false, err, errlen);
	if (r->host && (ret = host_routes(ov, true, err, errlen)))
		goto fail;
	r->up = true;
	if ((ret = zone_nft(d, ov, err, errlen)) || (ret = host_apply(d, err, errlen)))
		goto fail;
	r->error[0] = '\0';
	{
		char g4[64] = "", g6[64] = "";

		if (r->has4)
			cidr(&r->gw4, r->plen4, false, g4, sizeof(g4));
		if (r->has6)
			cidr(&r->gw6, r->plen6, false, g6, sizeof(g6));
		pr_info("overlay %s: router zone %s, gateway %s%s%s, masquerade %s, host %s",
			ov->name, r->nspath, g4, g4[0] && g6[0] ? " " : "", g6,
			r->masq ? "on" : "off", r->host ? "on" : "off");
	}
	return 0;
fail:
	snprintf(r->error, sizeof(r->error), "%s", err);
	pr_err("overlay %s: router: %s", ov->name, err);
	return ret;
}

void router_remove(struct ovld *d, struct ovl_overlay *ov)
{
	struct ovl_router *r = ov->router;
	char e[OVL_ERR_MAX];

	if (!r)
		return;
	if (r->up && r->host)
		host_routes(ov, false, e, sizeof(e));
	if (r->ep) {
		ep_unregister(d, r->ep);
		free(r->ep);
	}
	for (struct ovl_forward **pp = &d->forwards; *pp;) {
		struct ovl_forward *f = *pp;

		if (!strcmp(f->overlay, ov->name)) {
			*pp = f->next;
			free(f);
			state_changed(d);
		} else {
			pp = &f->next;
		}
	}
	ovl_link_delete(r->ep_if);
	ovl_link_delete(r->transit_if);
	netns_drop(r->nspath);
	ov->router = NULL;
	router_free(r);
	if (host_apply(d, e, sizeof(e)))
		pr_warn("%s", e);
	pr_info("overlay %s: router zone removed", ov->name);
}

/* Leave the router as it is (ovld stopping): the zone keeps routing. */
void router_release(struct ovl_overlay *ov)
{
	if (ov->router) {
		/* its endpoint is in d->eps, which release.c frees */
		router_free(ov->router);
		ov->router = NULL;
	}
}

/* ---- forwards ---------------------------------------------------------------------- */

static json_t *fwd_json(struct ovld *d, const struct ovl_forward *f)
{
	struct ovl_overlay *ov = overlay_find(d, f->overlay);
	char a[OVL_IP_STRLEN], h[OVL_IP_STRLEN];

	return json_pack("{s:s, s:i, s:s, s:i, s:o, s:s, s:i, s:o}", "overlay", f->overlay, "vni",
			 (json_int_t)(ov ? ov->vni : 0), "proto", proto_name(f->proto), "port",
			 (json_int_t)f->port, "host_ip",
			 f->host_ip.family ? json_string(ovl_ip_format(&f->host_ip, h)) :
					     json_null(),
			 "to", ovl_ip_format(&f->to, a), "to_port", (json_int_t)f->to_port, "owner",
			 f->owner[0] ? json_string(f->owner) : json_null());
}

static int fwd_parse(struct ovld *d, json_t *req, struct ovl_forward *f, bool need_to, char *err,
		     size_t errlen)
{
	const char *ovname = json_string_value(json_object_get(req, "overlay"));
	const char *proto = json_string_value(json_object_get(req, "proto"));
	const char *hip = json_string_value(json_object_get(req, "host_ip"));
	const char *to = json_string_value(json_object_get(req, "to"));
	const char *owner = json_string_value(json_object_get(req, "owner"));
	json_t *port = json_object_get(req, "port"), *to_port = json_object_get(req, "to_port");

	memset(f, 0, sizeof(*f));
	if (!ovname || !overlay_find(d, ovname)) {
		snprintf(err, errlen, ovname ? "no overlay %s" : "missing \"overlay\"",
			 ovname ? ovname : "");
		return ovname ? -ENOENT : -EINVAL;
	}
	snprintf(f->overlay, sizeof(f->overlay), "%s", ovname);
	if (!proto || (strcmp(proto, "tcp") && strcmp(proto, "udp"))) {
		snprintf(err, errlen, "\"proto\" must be tcp or udp");
		return -EINVAL;
	}
	f->proto = strcmp(proto, "tcp") ? IPPROTO_UDP : IPPROTO_TCP;
	if (!json_is_integer(port) || json_integer_value(port) < 1 ||
	    json_integer_value(port) > 65535) {
		snprintf(err, errlen, "\"port\" must be a port number (1-65535)");
		return -EINVAL;
	}
	f->port = (__u16)json_integer_value(port);
	if (hip && (ovl_ip_parse(hip, &f->host_ip) || ovl_ip_not_owned_why(&f->host_ip))) {
		snprintf(err, errlen, "\"host_ip\": \"%s\" is not a unicast address", hip);
		return -EINVAL;
	}
	if (owner)
		snprintf(f->owner, sizeof(f->owner), "%s", owner);
	if (!need_to)
		return 0;
	if (!to || ovl_ip_parse(to, &f->to) || ovl_ip_not_owned_why(&f->to)) {
		snprintf(err, errlen, "\"to\" must be a container's unicast address");
		return -EINVAL;
	}
	if (!json_is_integer(to_port) || json_integer_value(to_port) < 1 ||
	    json_integer_value(to_port) > 65535) {
		snprintf(err, errlen, "\"to_port\" must be a port number (1-65535)");
		return -EINVAL;
	}
	f->to_port = (__u16)json_integer_value(to_port);
	if (f->host_ip.family && f->host_ip.family != f->to.family) {
		snprintf(err, errlen, "host_ip %s and to %s are of different families", hip, to);
		return -EINVAL;
	}
	return 0;
}

/* Same published port: protocol, port and family, and one of them on every
 * address or both on the same. */
static bool fwd_clash(const struct ovl_forward *a, const struct ovl_forward *b)
{
	__u8 fa = a->host_ip.family ?: a->to.family, fb = b->host_ip.family ?: b->to.family;

	return a->proto == b->proto && a->port == b->port && fa == fb &&
	       (!a->host_ip.family || !b->host_ip.family || ovl_ip_eq(&a->host_ip, &b->host_ip));
}

int router_forward_add(struct ovld *d, json_t *req, json_t **res, char *err, size_t errlen)
{
	struct ovl_forward f, *n;
	struct ovl_overlay *ov;
	char a[OVL_IP_STRLEN], b[OVL_IP_STRLEN], g[64];
	int ret;

	ret = fwd_parse(d, req, &f, true, err, errlen);
	if (ret)
		return ret;
	ov = overlay_find(d, f.overlay);
	if (!ov->router || !ov->router->up) {
		snprintf(err, errlen,
			 "overlay %s has no router%s%s: give it one (ovlctl overlay create ... -p "
			 "router/gateway=ADDR/PLEN, or ovlctl router set %s gateway=ADDR/PLEN)",
			 ov->name, ov->router ? ": " : "", ov->router ? ov->router->error : "",
			 ov->name);
		return -ENOENT;
	}
	if (!router_addr_inside(ov->router, &f.to)) {
		struct ovl_router *r = ov->router;

		snprintf(err, errlen, "%s is outside overlay %s's router subnet%s%s%s",
			 ovl_ip_format(&f.to, a), ov->name,
			 (f.to.family == OVL_AF_INET4 ? r->has4 : r->has6) ? " " :
									     " (it has none of IPv",
			 (f.to.family == OVL_AF_INET4 ? r->has4 : r->has6) ?
				 (f.to.family == OVL_AF_INET4 ?
					  cidr(&r->gw4, r->plen4, true, g, sizeof(g)) :
					  cidr(&r->gw6, r->plen6, true, g, sizeof(g))) :
				 (f.to.family == OVL_AF_INET4 ? "4" : "6"),
			 (f.to.family == OVL_AF_INET4 ? r->has4 : r->has6) ? "" : ")");
		return -EINVAL;
	}
	for (struct ovl_forward *o = d->forwards; o; o = o->next)
		if (fwd_clash(o, &f)) {
			snprintf(err, errlen,
				 "%s port %u%s%s is already forwarded to %s%s%s:%u on overlay %s",
				 proto_name(f.proto), f.port, o->host_ip.family ? " on " : "",
				 o->host_ip.family ? ovl_ip_format(&o->host_ip, b) : "",
				 o->to.family == OVL_AF_INET6 ? "[" : "", ovl_ip_format(&o->to, a),
				 o->to.family == OVL_AF_INET6 ? "]" : "", o->to_port, o->overlay);
			return -EADDRINUSE;
		}
	n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	*n = f;
	n->next = d->forwards;
	d->forwards = n;
	ret = zone_nft(d, ov, err, errlen);
	if (!ret)
		ret = host_apply(d, err, errlen);
	if (ret) {
		char e[OVL_ERR_MAX];

		d->forwards = n->next;
		free(n);
		zone_nft(d, ov, e, sizeof(e));
		host_apply(d, e, sizeof(e));
		return ret;
	}
	state_changed(d);
	pr_info("forward %s port %u to %s port %u on overlay %s%s%s", proto_name(f.proto), f.port,
		ovl_ip_format(&f.to, a), f.to_port, f.overlay, f.owner[0] ? " for " : "", f.owner);
	*res = fwd_json(d, n);
	return 0;
}

int router_forward_del(struct ovld *d, json_t *req, json_t **res, char *err, size_t errlen)
{
	const char *owner = json_string_value(json_object_get(req, "owner"));
	struct ovl_forward f = { 0 };
	int n = 0, ret;
	bool by_owner = owner && !json_object_get(req, "port");

	if (!by_owner) {
		ret = fwd_parse(d, req, &f, false, err, errlen);
		if (ret)
			return ret;
	}
	for (struct ovl_forward **pp = &d->forwards; *pp;) {
		struct ovl_forward *o = *pp;
		bool hit = by_owner ? !strcmp(o->owner, owner) :
				      !strcmp(o->overlay, f.overlay) && o->proto == f.proto &&
					      o->port == f.port &&
					      (!f.host_ip.family ||
					       ovl_ip_eq(&o->host_ip, &f.host_ip));

		if (hit) {
			*pp = o->next;
			free(o);
			n++;
		} else {
			pp = &o->next;
		}
	}
	if (!n && !by_owner) {
		snprintf(err, errlen, "no forward of %s port %u on overlay %s", proto_name(f.proto),
			 f.port, f.overlay);
		return -ENOENT;
	}
	if (n) {
		state_changed(d);
		for (struct ovl_overlay *ov = d->overlays; ov; ov = ov->next)
			if (ov->router && ov->router->up && zone_nft(d, ov, err, errlen))
				pr_warn("overlay %s: %s", ov->name, err);
		if (host_apply(d, err, errlen))
			pr_warn("%s", err);
		err[0] = '\0';
	}
	*res = json_pack("{s:i}", "deleted", n);
	return 0;
}

json_t *router_forwards_json(struct ovld *d, const char *overlay)
{
	json_t *arr = json_array();

	for (struct ovl_forward *f = d->forwards; f; f = f->next)
		if (!overlay || !strcmp(overlay, f->overlay))
			json_array_append_new(arr, fwd_json(d, f));
	return arr;
}

void router_forwards_free(struct ovld *d)
{
	while (d->forwards) {
		struct ovl_forward *f = d->forwards;

		d->forwards = f->next;
		free(f);
	}
}

/* state.json's "forwards" back (after the overlays): each forward whose
 * overlay and router came back. */
void router_forwards_restore(struct ovld *d, json_t *arr)
{
	json_t *o;
	size_t i;

	json_array_foreach(arr, i, o) {
		char err[OVL_ERR_MAX];
		json_t *res = NULL;

		if (router_forward_add(d, o, &res, err, sizeof(err))) {
			pr_err("forward not restored (kept in the state file): %s", err);
			json_array_append(json_object_get(d->unrestored, "forwards"), o);
		}
		json_decref(res);
	}
}

/* ---- listing ---------------------------------------------------------------------- */

static json_t *link_counters(const char *ifname)
{
	static const char *const names[] = { "rx_packets", "rx_bytes", "tx_packets", "tx_bytes" };
	unsigned long long v[4] = { 0 };

	for (int i = 0; i < 4; i++) {
		char path[128], buf[32];
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", ifname, names[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			v[i] = strtoull(buf, NULL, 10);
		}
	}
	/* the host end's rx is what the router sent toward the host */
	return json_pack("{s:{s:I, s:I}, s:{s:I, s:I}}", "to_host", "packets", (json_int_t)v[0],
			 "bytes", (json_int_t)v[1], "from_host", "packets", (json_int_t)v[2],
			 "bytes", (json_int_t)v[3]);
}

json_t *router_json(struct ovld *d, struct ovl_overlay *ov)
{
	struct ovl_router *r = ov->router;
	char a[64], m[OVL_MAC_STRLEN];
	struct ovl_ip h4, h6, r4, r6;
	json_t *gws, *o;
	__u8 mac[6];
	int nf = 0;

	if (!r)
		return json_null();
	gws = json_array();
	if (r->has4)
		json_array_append_new(gws,
				      json_string(cidr(&r->gw4, r->plen4, false, a, sizeof(a))));
	if (r->has6)
		json_array_append_new(gws,
				      json_string(cidr(&r->gw6, r->plen6, false, a, sizeof(a))));
	for (struct ovl_forward *f = d->forwards; f; f = f->next)
		nf += !strcmp(f->overlay, ov->name);
	router_mac(ov->vni, mac);
	slot_addrs(r->slot, false, &h4, &h6);
	slot_addrs(r->slot, true, &r4, &r6);
	/* "error": null when there is none, as an overlay's */
	o = json_pack("{s:s, s:i, s:s, s:s, s:o, s:b, s:b, s:i, s:s?, s:b}", "overlay", ov->name,
		      "vni", (json_int_t)ov->vni, "netns", r->nspath, "mac", ovl_mac_format(mac, m),
		      "gateways", gws, "masquerade", r->masq, "host", r->host, "forwards",
		      (json_int_t)nf, "error", r->error[0] ? r->error : NULL, "up", r->up);
	if (o && r->up) {
		char h4s[64], r4s[64], h6s[64], r6s[64];

		json_object_set_new(o, "transit",
				    json_pack("{s:s, s:s, s:s, s:s, s:s}", "host_if", r->transit_if,
					      "host", cidr(&h4, 30, false, h4s, sizeof(h4s)),
					      "router", cidr(&r4, 30, false, r4s, sizeof(r4s)),
					      "host6", cidr(&h6, 64, false, h6s, sizeof(h6s)),
					      "router6", cidr(&r6, 64, false, r6s, sizeof(r6s))));
		json_object_set_new(o, "counters", link_counters(r->transit_if));
	}
	return o;
}

int router_set(struct ovld *d, json_t *req, json_t **res, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(req, "overlay"));
	struct ovl_overlay *ov = name ? overlay_find(d, name) : NULL;
	json_t *props, *old, *v;
	int ret;

	if (!ov) {
		snprintf(err, errlen, name ? "no overlay %s" : "missing \"overlay\"",
			 name ? name : "");
		return name ? -ENOENT : -EINVAL;
	}
	props = json_deep_copy(ov->props);
	if ((v = json_object_get(req, "gateway"))) {
		if (json_is_string(v) && !*json_string_value(v)) {
			/* no router: none of its settings either */
			json_object_del(props, "router/gateway");
			json_object_del(props, "router/masquerade");
			json_object_del(props, "router/host");
		} else {
			json_object_set(props, "router/gateway", v);
		}
	}
	if ((v = json_object_get(req, "masquerade")))
		json_object_set_new(props, "router/masquerade",
				    json_string(ovl_prop_bool(v) == 1 ? "on" : "off"));
	if ((v = json_object_get(req, "host")))
		json_object_set_new(props, "router/host",
				    json_string(ovl_prop_bool(v) == 1 ? "on" : "off"));
	ret = ovl_props_check(ov->ops->info, props, err, errlen);
	if (!ret)
		ret = router_props_check(d, ov, ov->name, props, err, errlen);
	if (!ret) {
		struct ovl_router nr = { 0 };
		char a[OVL_IP_STRLEN];

		props_read(props, &nr);
		for (struct ovl_forward *f = d->forwards; f && !ret; f = f->next) {
			if (strcmp(f->overlay, ov->name) || router_addr_inside(&nr, &f->to))
				continue;
			snprintf(
				err, errlen,
				router_wanted(props) ?
					"overlay %s forwards %s port %u to %s, outside the new "
					"gateway subnets: delete the forward first" :
					"overlay %s forwards %s port %u to %s: delete its forwards "
					"before its router",
				ov->name, proto_name(f->proto), f->port, ovl_ip_format(&f->to, a));
			ret = -EBUSY;
		}
	}
	if (ret) {
		json_decref(props);
		return ret;
	}
	old = ov->props;
	ov->props = props;
	ret = router_apply(d, ov, err, errlen);
	if (ret) {
		char e[OVL_ERR_MAX];

		ov->props = old;
		if (router_apply(d, ov, e, sizeof(e)))
			pr_err("overlay %s: router not restored: %s", ov->name, e);
		json_decref(props);
		return ret;
	}
	json_decref(old);
	state_changed(d);
	*res = router_json(d, ov);
	return 0;
}

/* --cleanup: every router zone of the instance, and the host's table. */
void router_cleanup(struct ovld *d)
{
	static const char *const argv[] = { "nft", "-f", "-", NULL };
	char dir[PATH_MAX], t[64], in[256], e[OVL_ERR_MAX];
	DIR *dd;
	struct dirent *de;

	snprintf(dir, sizeof(dir), "%s/%s.router", d->o.run_dir, d->o.instance);
	dd = opendir(dir);
	while (dd && (de = readdir(dd))) {
		char path[PATH_MAX + 300], *end;
		unsigned long vni = strtoul(de->d_name, &end, 10);
		struct ovl_router r = { 0 };

		if (de->d_name[0] == '.' || *end)
			continue;
		names(d, &r, (__u32)vni);
		ovl_link_delete(r.ep_if);
		ovl_link_delete(r.transit_if);
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		netns_drop(path);
	}
	if (dd)
		closedir(dd);
	rmdir(dir);
	host_table(d, t, sizeof(t));
	snprintf(in, sizeof(in), "table inet %s {}\ndelete table inet %s\n", t, t);
	if (ovld_cmd(-1, in, "nft", e, sizeof(e), argv))
		pr_warn("%s", e);
}
