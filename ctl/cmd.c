// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cmd.c - ovlctl's grammar: the dispatch table (one row per command:
 * object, verb, request name, positional arguments, options, builder,
 * printer, help) and the help extras generated from it. The builders, which
 * check what the user typed and fill the request, are in build.c. The
 * parser (parse.c) and the help texts (help.c) read the same table, so that
 * they cannot drift apart.
 */
#include <stdio.h>
#include "ovlctl.h"
#include "backends.h"

#define ARRAY_SIZE(a) ((int)(sizeof(a) / sizeof((a)[0])))

void ovlctl_cmd_name(const struct ovlctl_cmd *cmd, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", cmd->object, cmd->verb ? " " : "", cmd->verb ? cmd->verb : "");
}

/* ---- the table ------------------------------------------------------------ */

#define REQ	    OVLCTL_OPT_F_REQUIRED
#define OVL_STR_(x) #x
#define OVL_STR(x)  OVL_STR_(x)

static const struct ovlctl_optspec overlay_create_opts[] = {
	{ 'v', REQ, "vni", NULL, "VNI", "virtual network identifier, 0 to 16777215 (RFC 7348)" },
	{ 'e', REQ, "encap", NULL, "vxlan", "encapsulation: vxlan is the only one" },
	{ 's', REQ, "search", NULL, "files|direct|etcd",
	  "how destinations are found: a hosts.json, one fixed VTEP, or etcd" },
	{ 'p', REQ | OVLCTL_OPT_F_REPEAT, "prop", NULL, "KEY=VALUE",
	  "a property (below), once per -p; give it again for more" },
	{ 0 },
};

static const struct ovlctl_optspec vnic_create_opts[] = {
	{ 'l', REQ, "link", "overlay", "OVERLAY", "the overlay the VNIC is on (dladm's -l)" },
	{ 'm', REQ, "mac", NULL, "MAC", "the VNIC's unicast MAC address" },
	{ OVLCTL_OPT_NETNS, 0, "netns", NULL, "NS",
	  "put the far end in namespace NS (ip netns add), not the host" },
	{ OVLCTL_OPT_IP, OVLCTL_OPT_F_REPEAT, "ip", NULL, "ADDR",
	  "an IPv4 or IPv6 address the VNIC owns; give it again\nfor more (at most " OVL_STR(
		  OVL_CTL_EP_ADDRS) ")" },
	{ OVLCTL_OPT_MAXBW, 0, "maxbw", NULL, "RATE",
	  "cap its bandwidth, each direction, at RATE bits/s\n(K, M, G: 100M)" },
	{ 0 },
};

static const struct ovlctl_optspec vnic_delete_opts[] = {
	{ OVLCTL_OPT_NETNS, 0, "netns", NULL, "NS",
	  "the VNIC in namespace NS (default: the host's, else\nthe only VNIC called NAME)" },
	{ 0 },
};

static const struct ovlctl_optspec vnic_list_opts[] = {
	{ OVLCTL_OPT_NETNS, 0, "netns", NULL, "NS", "only the VNICs in namespace NS" },
	{ 0 },
};

static const struct ovlctl_optspec forward_add_opts[] = {
	{ OVLCTL_OPT_HOST_IP, 0, "host-ip", NULL, "IP",
	  "only on this address of the host, of ADDR's family\n(default: every address of the host "
	  "of that family)" },
	{ 0 },
};

static const struct ovlctl_optspec forward_del_opts[] = {
	{ OVLCTL_OPT_HOST_IP, 0, "host-ip", NULL, "IP", "the forward of that host address" },
	{ 0 },
};

static const struct ovlctl_optspec stats_opts[] = {
	{ 'a', 0, "all", NULL, NULL, "also list the counters at zero" },
	{ 'o', 0, "overlay", NULL, "OVERLAY",
	  "the counters of that overlay: encapsulated, decapsulated,\nswitched locally, drops by reason" },
	{ 0 },
};

static const struct ovlctl_optspec monitor_opts[] = {
	{ 'c', 0, "count", NULL, "COUNT", "exit after COUNT events" },
	{ 0 },
};

/* The property list of `overlay create --help`, from the table above. */
static void overlay_create_help(FILE *out)
{
	char left[64], with[64];

	fputs("Properties, -p KEY=VALUE (dladm create-overlay's):\n", out);
	for (const struct ovl_prop *p = ovl_common_props; p->name; p++) {
		snprintf(left, sizeof(left), "%s=%s", p->name, p->arg);
		fprintf(out, "  %-24s %s\n", left, p->help);
	}
	for (const struct ovl_backend_info *const *b = ovl_backend_infos; *b; b++) {
		for (const struct ovl_prop *p = (*b)->props; p->name; p++) {
			snprintf(left, sizeof(left), "%s=%s", p->name, p->arg);
			snprintf(with, sizeof(with), "with -s %s%s: ", (*b)->name,
				 p->required ? ", required" : "");
			fprintf(out, "  %-24s %s%s\n", left, with, p->help);
		}
	}
}

/*
 * The dispatch table: one row per command of the grammar. Rows of an object
 * stay together (help lists them in this order).
 */
const struct ovlctl_cmd ovlctl_cmds[] = {
	{
		.object = "overlay",
		.verb = "create",
		.wire = OVL_CMD_OVERLAY_CREATE,
		.pos = { "NAME" },
		.min_args = 1,
		.max_args = 1,
		.opts = overlay_create_opts,
		.build = ovlctl_build_overlay_create,
		.print = ovlctl_print_none,
		.summary = "Create overlay network NAME (dladm create-overlay).",
		.help_extra = overlay_create_help,
		.details = "Example:\n"
			   "  ovlctl overlay create overlay0 -v 23 -e vxlan -s files \\\n"
			   "         -p files/config=/var/tmp/hosts.json\n"
			   "  ovlctl overlay create tenant-a -v 23 -e vxlan -s etcd \\\n"
			   "         -p etcd/endpoints=http://10.0.0.5:2379\n",
	},
	{
		.object = "overlay",
		.verb = "delete",
		.wire = OVL_CMD_OVERLAY_DELETE,
		.pos = { "NAME" },
		.min_args = 1,
		.max_args = 1,
		.build = ovlctl_build_overlay_name,
		.print = ovlctl_print_none,
		.summary = "Delete overlay network NAME.",
	},
	{
		.object = "overlay",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_OVERLAY_LIST,
		.build = ovlctl_build_none,
		.print = ovlctl_print_overlays,
		.summary = "List the overlays: VNI, backend, entries, the frames of each the data\n"
			   "path dropped (DROPS) and of those the VXLAN from underlay hosts that\n"
			   "are no peer of it (PEER_UNKNOWN), properties, backend error.",
	},
	{
		.object = "backend",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_BACKEND_LIST,
		.build = ovlctl_build_none,
		.print = ovlctl_print_backends,
		.summary = "List the backends ovld runs (-s of overlay create), their mode and\n"
			   "the properties each takes (-p), as ovld checks them.",
	},
	{
		.object = "vnic",
		.verb = "create",
		.wire = OVL_CMD_VNIC_CREATE,
		.pos = { "NAME" },
		.min_args = 1,
		.max_args = 1,
		.opts = vnic_create_opts,
		.build = ovlctl_build_vnic_create,
		.print = ovlctl_print_none,
		.summary = "Create VNIC NAME on an overlay (dladm create-vnic): a veth pair whose\n"
			   "far end, NAME, has the MAC and sits in the host or in namespace NS.\n"
			   "A VNIC is its namespace and name, as `ip -n NS link` has it: eth0 in\n"
			   "two namespaces is two VNICs. A MAC the backend does not put on this\n"
			   "host gets a warning.",
		.details =
			"The addresses of --ip are the VNIC's own (Crossbow's allowed-ips): it\n"
			"may send from those alone (and its MAC's IPv6 link-local address),\n"
			"and ARP and NDP for them are answered with its MAC. Each is one\n"
			"address, without a prefix length (configure the prefix inside NS);\n"
			"one that another endpoint of the overlay owns is refused. Without\n"
			"--ip (and no arp/ndp of the MAC in the backend) only the MAC is\n"
			"enforced. ovlctl does not configure the addresses on NAME.\n"
			"\n"
			"Example:\n"
			"  ovlctl vnic create foo0 -l overlay0 -m de:ad:be:ef:00:00\n"
			"  ovlctl vnic create eth0 -l overlay0 -m de:ad:be:ef:00:01 --netns c1 \\\n"
			"         --ip 10.23.0.1 --ip fd00:23::1 --maxbw 100M\n",
	},
	{
		.object = "vnic",
		.verb = "set",
		.wire = OVL_CMD_VNIC_SET,
		.pos = { "NAME", "maxbw=RATE" },
		.min_args = 2,
		.max_args = 2,
		.opts = vnic_delete_opts,
		.build = ovlctl_build_vnic_set,
		.print = ovlctl_print_none,
		.summary = "Set VNIC NAME's cap (dladm set-linkprop -p maxbw): RATE bits/s in\n"
			   "each direction, K, M or G (powers of 1000); maxbw=none or maxbw=\n"
			   "removes it.",
		.details =
			"Toward the VNIC a tbf qdisc on its host-side veth paces what arrives,\n"
			"from the VNIC one on NAME itself (inside NS), where TCP feels the queue\n"
			"and holds the rate instead of losing packets. The root of NS could\n"
			"remove that one; ovld puts it back on restart or the next vnic set.\n"
			"\n"
			"Example:\n"
			"  ovlctl vnic set eth0 maxbw=50M --netns c1\n",
	},
	{
		.object = "vnic",
		.verb = "delete",
		.wire = OVL_CMD_VNIC_DELETE,
		.pos = { "NAME" },
		.min_args = 1,
		.max_args = 1,
		.opts = vnic_delete_opts,
		.build = ovlctl_build_vnic_delete,
		.print = ovlctl_print_none,
		.summary = "Delete VNIC NAME (of namespace NS).",
	},
	{
		.object = "vnic",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_VNIC_LIST,
		.opts = vnic_list_opts,
		.build = ovlctl_build_vnic_list,
		.print = ovlctl_print_vnics,
		.summary = "List the VNICs (of namespace NS).",
	},
	{
		.object = "endpoint",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_ENDPOINT_LIST,
		.build = ovlctl_build_none,
		.print = ovlctl_print_endpoints,
		.summary = "List the local endpoints: VNICs, and the containers the CNI plugin\n"
			   "registered.",
	},
	{
		.object = "map",
		.verb = "add",
		.wire = OVL_CMD_MAP_ADD,
		.pos = { "OVERLAY", "MAC", "IP", "PORT" },
		.min_args = 3,
		.max_args = 4,
		.build = ovlctl_build_map_add,
		.print = ovlctl_print_none,
		.summary = "Add a forwarding entry: MAC of OVERLAY is behind underlay address IP,\n"
			   "UDP PORT (default 4789). An IP that is no peer of OVERLAY gets a\n"
			   "warning: its VXLAN is dropped (peer_unknown), answers never arrive.",
	},
	{
		.object = "map",
		.verb = "del",
		.wire = OVL_CMD_MAP_DEL,
		.pos = { "OVERLAY", "MAC" },
		.min_args = 2,
		.max_args = 2,
		.build = ovlctl_build_map_key,
		.print = ovlctl_print_none,
		.summary = "Delete the forwarding entry of MAC on OVERLAY.",
	},
	{
		.object = "map",
		.verb = "get",
		.wire = OVL_CMD_MAP_GET,
		.pos = { "OVERLAY", "MAC" },
		.min_args = 2,
		.max_args = 2,
		.build = ovlctl_build_map_key,
		.print = ovlctl_print_fdb,
		.summary = "Show the forwarding entry of MAC on OVERLAY.",
	},
	{
		.object = "map",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_MAP_LIST,
		.pos = { "OVERLAY" },
		.max_args = 1,
		.build = ovlctl_build_overlay_filter,
		.print = ovlctl_print_fdb,
		.summary = "List the forwarding entries, of every overlay or of OVERLAY.",
	},
	{
		.object = "neigh",
		.verb = "add",
		.wire = OVL_CMD_NEIGH_ADD,
		.pos = { "OVERLAY", "IP", "MAC" },
		.min_args = 3,
		.max_args = 3,
		.build = ovlctl_build_neigh_add,
		.print = ovlctl_print_none,
		.summary = "Add a proxy ARP/NDP entry: IP on OVERLAY is owned by MAC.",
	},
	{
		.object = "neigh",
		.verb = "del",
		.wire = OVL_CMD_NEIGH_DEL,
		.pos = { "OVERLAY", "IP" },
		.min_args = 2,
		.max_args = 2,
		.build = ovlctl_build_neigh_del,
		.print = ovlctl_print_none,
		.summary = "Delete the proxy ARP/NDP entry of IP on OVERLAY.",
	},
	{
		.object = "neigh",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_NEIGH_LIST,
		.pos = { "OVERLAY" },
		.max_args = 1,
		.build = ovlctl_build_overlay_filter,
		.print = ovlctl_print_neighs,
		.summary = "List the proxy ARP/NDP entries, of every overlay or of OVERLAY.",
	},
	{
		.object = "router",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_ROUTER_LIST,
		.pos = { "OVERLAY" },
		.max_args = 1,
		.build = ovlctl_build_overlay_filter,
		.print = ovlctl_print_routers,
		.summary =
			"List the routers of the overlays that have one (of OVERLAY): gateways,\n"
			"masquerade, host access, forwards, the router zone's namespace.",
	},
	{
		.object = "router",
		.verb = "set",
		.wire = OVL_CMD_ROUTER_SET,
		.pos = { "OVERLAY", "SETTING" },
		.min_args = 2,
		.max_args = 2,
		.flags = OVLCTL_CMD_F_REST,
		.build = ovlctl_build_router_set,
		.print = ovlctl_print_none,
		.summary = "Change the router of OVERLAY (its router/* properties, kept across\n"
			   "restarts).",
		.details = "Settings:\n"
			   "  gateway=ADDR/PLEN   the router's address and subnet; give it twice\n"
			   "                      for IPv4 and IPv6 (-p router/gateway);\n"
			   "                      none removes the router (once its\n"
			   "                      forwards are deleted)\n"
			   "  masquerade=on|off   traffic leaving the overlay goes out with the\n"
			   "                      host's address (-p router/masquerade)\n"
			   "  host=on|off         the host reaches the overlay's containers\n"
			   "                      through the router (-p router/host)\n"
			   "An overlay gets its router at creation: ovlctl overlay create ...\n"
			   "-p router/gateway=ADDR/PLEN.\n"
			   "\n"
			   "Example:\n"
			   "  ovlctl router set overlay0 masquerade=on\n"
			   "  ovlctl router set overlay0 gateway=10.23.0.1/24 gateway=fd23::1/64\n",
	},
	{
		.object = "forward",
		.verb = "add",
		.wire = OVL_CMD_FORWARD_ADD,
		.pos = { "OVERLAY", "tcp|udp", "HOSTPORT", "ADDR:PORT" },
		.min_args = 4,
		.max_args = 4,
		.opts = forward_add_opts,
		.build = ovlctl_build_forward_add,
		.print = ovlctl_print_none,
		.summary = "Publish port HOSTPORT of the host: connections to it go to ADDR:PORT,\n"
			   "a container of OVERLAY (inside the router's subnet), through the\n"
			   "overlay's router. An IPv6 ADDR goes in brackets: [fd23::5]:80.",
		.details =
			"Example:\n"
			"  ovlctl forward add overlay0 tcp 8080 10.23.0.5:80\n"
			"  ovlctl forward add overlay0 udp 5353 [fd23::5]:53 --host-ip fd00::2\n",
	},
	{
		.object = "forward",
		.verb = "del",
		.wire = OVL_CMD_FORWARD_DEL,
		.pos = { "OVERLAY", "tcp|udp", "HOSTPORT" },
		.min_args = 3,
		.max_args = 3,
		.opts = forward_del_opts,
		.build = ovlctl_build_forward_del,
		.print = ovlctl_print_none,
		.summary = "Delete the forward of HOSTPORT (on host address IP) of OVERLAY.",
	},
	{
		.object = "forward",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_FORWARD_LIST,
		.pos = { "OVERLAY" },
		.max_args = 1,
		.build = ovlctl_build_overlay_filter,
		.print = ovlctl_print_forwards,
		.summary = "List the forwards (published ports), of every overlay or of OVERLAY:\n"
			   "HOST_IP - is every address of the host; OWNER is the CNI attachment\n"
			   "that made it, - for ovlctl's.",
	},
	{
		.object = "ipam",
		.verb = "list",
		.alias = "show",
		.wire = OVL_CMD_IPAM_LIST,
		.pos = { "OVERLAY" },
		.max_args = 1,
		.build = ovlctl_build_overlay_filter,
		.print = ovlctl_print_ipam,
		.summary =
			"List the addresses ovl-ipam allocated in OVERLAY's etcd, every host's\n"
			"(OVERLAY may be left out when one overlay is of the etcd backend):\n"
			"HOST is the host's underlay address and port, OWNER the CNI attachment\n"
			"(cni:NETWORK/CONTAINERID/IFNAME), LEASE the host's IPAM lease (ovl-ipam(8)).",
	},
	{
		.object = "stats",
		.wire = OVL_CMD_STATS,
		.opts = stats_opts,
		.build = ovlctl_build_stats,
		.print = ovlctl_print_stats,
		.summary =
			"Print the data path's counters by name: packets and bytes, of the whole\n"
			"host or (-o) of one overlay. Counters at zero are left out of the table\n"
			"unless -a is given; -j has them all. Drop reasons: ovlctl(8).",
	},
	{
		.object = "monitor",
		.wire = OVL_CMD_MONITOR,
		.opts = monitor_opts,
		.build = ovlctl_build_monitor,
		.flags = OVLCTL_CMD_F_STREAM,
		.summary = "Print miss and drop events as they happen, one line each, until\n"
			   "interrupted or COUNT events; with -j, ovld's JSON lines.",
		.details =
			"Line format:\n"
			"  TIME EVENT vni=VNI mac=MAC ip=IP ifname=IFNAME endpoint=ID reason=REASON\n"
			"       outer_ip=ADDR [KEY=VALUE...]\n"
			"Fields an event does not have are left out. IFNAME is where the frame came\n"
			"in (an endpoint's veth, or the underlay); outer_ip is the underlay host a\n"
			"peer_unknown drop refused, or the outer source of another drop on the\n"
			"underlay. The drop reasons, their causes and remedies: ovlctl(8).\n",
	},
	{
		.object = "status",
		.wire = OVL_CMD_STATUS,
		.build = ovlctl_build_none,
		.print = ovlctl_print_status,
		.summary = "Show ovld's state: programs attached, underlay, backends, map fill,\n"
			   "events.",
	},
	{
		.object = "reload",
		.wire = OVL_CMD_RELOAD,
		.pos = { "OVERLAY" },
		.max_args = 1,
		.build = ovlctl_build_overlay_filter,
		.print = ovlctl_print_reload,
		.summary = "Re-read the backend files, of every overlay or of OVERLAY.",
	},
};

const int ovlctl_ncmds = ARRAY_SIZE(ovlctl_cmds);

const struct ovlctl_optspec ovlctl_global_opts[] = {
	{ OVLCTL_OPT_INSTANCE, 0, "instance", NULL, "NAME",
	  "the ovld instance: socket /run/ovl/NAME.sock\n"
	  "(default: $OVL_INSTANCE, else \"default\")" },
	{ OVLCTL_OPT_SOCKET, 0, "socket", NULL, "PATH",
	  "connect to the socket PATH (overrides --instance)" },
	{ 'j', 0, "json", NULL, NULL, "print results, and errors, as JSON on stdout" },
	{ 'h', 0, "help", NULL, NULL, "print help (of ovlctl, an OBJECT or a VERB)" },
	{ OVLCTL_OPT_VERSION, 0, "version", NULL, NULL, "print the version (before OBJECT)" },
	{ 0 },
};
