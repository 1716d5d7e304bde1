// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * test_cni_netconf.c - the CNI plugin's intake (cni/netconf.c): network
 * configurations good and bad (each bad one with its spec code and a
 * message naming the key), CNI_* variables, CNI_ARGS, the MAC each source
 * gives, and the names derived from an attachment. Configurations are
 * written with ' for ".
 */
#include <errno.h>
#include <stdlib.h>
#include "test.h"
#include "cni.h"
#include "ident.h"
#include "ovl_abi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ' -> " into a static buffer. */
static const char *q(const char *s)
{
	static char buf[4096];
	size_t i;

	for (i = 0; s[i] && i < sizeof(buf) - 1; i++)
		buf[i] = s[i] == '\'' ? '"' : s[i];
	buf[i] = '\0';
	return buf;
}

#define BASE                                                                                       \
	"'cniVersion': '1.0.0', 'name': 'tenant-a', 'type': 'ovl', 'ipam': {'type': 'host-local'}"

static int parse(const char *conf, struct ovl_netconf *nc, struct ovl_cni_err *e)
{
	const char *s = q(conf);

	memset(e, 0, sizeof(*e));
	return ovl_netconf_parse(s, strlen(s), nc, e);
}

void test_cni_netconf_good(void)
{
	struct ovl_netconf nc;
	struct ovl_cni_err e;

	if (!ASSERT_OK(parse("{" BASE ", 'overlay': 'overlay0'}", &nc, &e), e.details))
		goto out;
	ASSERT_EQ(nc.version, OVL_CNI_V100, "version");
	ASSERT_STREQ(nc.name, "tenant-a", "name");
	ASSERT_STREQ(nc.overlay, "overlay0", "overlay");
	ASSERT_FALSE(nc.has_vni, "no vni");
	ASSERT_STREQ(nc.instance, "default", "instance defaults to default");
	ASSERT_EQ(nc.mtu, 0, "mtu from ovld");
	ASSERT_STREQ(nc.ipam_type, "host-local", "ipam.type");
	ASSERT_FALSE(nc.has_mac, "no mac");
	ASSERT_FALSE(nc.has_prev, "no prevResult");
	ASSERT_EQ(nc.log_level, OVL_LOG_WARN, "log level");
	ovl_netconf_free(&nc);

	/* Every key ovl and the spec define, at once. */
	if (!ASSERT_OK(
		    parse("{'cniVersion': '1.1.0', 'cniVersions': ['1.0.0', '1.1.0'], "
			  "'name': 'n.1_x-y', 'type': 'ovl', 'vni': 23, 'overlay': 'o', "
			  "'instance': 'ovlt-1', 'mtu': 1400, 'mac': '02:00:00:00:00:01', "
			  "'logLevel': 'debug', 'ipMasq': false, 'disableCheck': false, "
			  "'disableGC': false, 'capabilities': {'mac': true}, "
			  "'runtimeConfig': {'portMappings': []}, 'args': {'cni': {'ips': []}}, "
			  "'dns': {'nameservers': ['10.0.0.1'], 'domain': 'x', 'search': ['y'], "
			  "'options': ['ndots:2']}, "
			  "'cni.dev/valid-attachments': [{'containerID': 'c1', 'ifname': 'eth0'}], "
			  "'cni.dev/attachments': [{'containerID': 'c1', 'ifname': 'eth0'}], "
			  "'ipam': {'type': 'host-local', 'subnet': '10.0.0.0/24'}}",
			  &nc, &e),
		    e.details))
		goto out;
	ASSERT_EQ(nc.version, OVL_CNI_V110, "1.1.0");
	ASSERT_TRUE(nc.has_vni && nc.vni == 23, "vni");
	ASSERT_EQ(nc.mtu, 1400, "mtu");
	ASSERT_STREQ(nc.instance, "ovlt-1", "instance");
	ASSERT_TRUE(nc.has_mac, "mac");
	ASSERT_STREQ(nc.mac_from, "mac", "mac from the configuration");
	ASSERT_EQ(nc.log_level, OVL_LOG_DEBUG, "logLevel");
	ASSERT_TRUE(nc.has_valid && nc.n_valid == 1, "valid attachments");
	ASSERT_TRUE(ovl_netconf_attachment_valid(&nc, "c1", "eth0"), "c1/eth0 valid");
	ASSERT_FALSE(ovl_netconf_attachment_valid(&nc, "c1", "eth1"), "c1/eth1 not valid");
	ASSERT_FALSE(ovl_netconf_attachment_valid(&nc, "c2", "eth0"), "c2/eth0 not valid");
	ASSERT_OK_PTR(nc.dns, "dns");
	/* The bytes are kept as read, for the IPAM plugin. */
	ASSERT_TRUE(nc.raw && nc.raw_len > 100, "raw");
out:
	ovl_netconf_free(&nc);
}

void test_cni_netconf_bad(void)
{
	static const struct {
		const char *conf; /* ' for " */
		int code;
		const char *text; /* in msg or details, ' for " */
	} cases[] = {
		{ "{'name': 'n', 'type': 'ovl', 'overlay': 'o', 'ipam': {'type': 'h'}}", 7,
		  "'cniVersion' is missing" },
		{ "{'cniVersion': '0.3.1', 'name': 'n', 'type': 'ovl'}", 1, "'0.3.1'" },
		{ "{'cniVersion': 1, 'name': 'n'}", 7, "'cniVersion' must be a string" },
		{ "{" BASE "}", 7, "neither 'overlay'" },
		{ "{" BASE ", 'overlay': 'o', 'frob': 1}", 2, "unknown key 'frob' (value 1)" },
		{ "{" BASE ", 'overlay': 'o', 'Overlay': 'o'}", 2, "unknown key 'Overlay'" },
#define PM "'capabilities': {'portMappings': true}, 'runtimeConfig': {'portMappings': "
		{ "{" BASE ", 'overlay': 'o', 'capabilities': {'portMappings': 1}}", 7,
		  "'capabilities.portMappings' must be a boolean" },
		{ "{" BASE ", 'overlay': 'o', " PM "{}}}", 7,
		  "runtimeConfig.portMappings must be an array" },
		{ "{" BASE ", 'overlay': 'o', " PM "[7]}}", 7,
		  "runtimeConfig.portMappings[0] must be an object {hostPort, containerPort, "
		  "protocol, hostIP}" },
		{ "{" BASE ", 'overlay': 'o', " PM "[{'containerPort': 80}]}}", 7,
		  "runtimeConfig.portMappings[0].hostPort must be a port number from 1 to 65535" },
		{ "{" BASE ", 'overlay': 'o', " PM "[{'hostPort': 0, 'containerPort': 80}]}}", 7,
		  "portMappings[0].hostPort must be a port number" },
		{ "{" BASE ", 'overlay': 'o', " PM "[{'hostPort': 8080, 'containerPort': 70000}]}}",
		  7, "portMappings[0].containerPort must be a port number from 1 to 65535" },
		{ "{" BASE ", 'overlay': 'o', " PM "[{'hostPort': '80', 'containerPort': 80}]}}", 7,
		  "portMappings[0].hostPort must be" },
		{ "{" BASE ", 'overlay': 'o', " PM
		  "[{'hostPort': 80, 'containerPort': 80, 'protocol': 'sctp'}]}}",
		  7, "portMappings[0].protocol must be 'tcp' or 'udp', not 'sctp'" },
		{ "{" BASE ", 'overlay': 'o', " PM
		  "[{'hostPort': 80, 'containerPort': 80, 'protocol': 6}]}}",
		  7, "protocol must be 'tcp' or 'udp', not a non-string" },
		{ "{" BASE ", 'overlay': 'o', " PM
		  "[{'hostPort': 80, 'containerPort': 80, 'hostIP': '10.0.0.300'}]}}",
		  7, "portMappings[0].hostIP must be an IPv4 or IPv6 address, not '10.0.0.300'" },
		{ "{" BASE ", 'overlay': 'o', " PM
		  "[{'hostPort': 80, 'containerPort': 80, 'hostIP': '224.0.0.1'}]}}",
		  7, "hostIP: 224.0.0.1 is a multicast or broadcast address" },
		{ "{" BASE ", 'overlay': 'o', " PM
		  "[{'hostPort': 80, 'containerPort': 80}, {'hostPort': 90, 'containerPort': 90}, "
		  "{'hostPort': 80, 'containerPort': 81, 'hostIP': '10.0.0.1'}]}}",
		  7, "runtimeConfig.portMappings[0] and [2] both publish TCP port 80" },
		{ "{" BASE ", 'overlay': 'o', 'ipMasq': 'yes'}", 7, "'ipMasq' must be a boolean" },
#undef PM
		{ "{" BASE ", 'overlay': 'o', 'mtu': '1400'}", 7,
		  "'mtu' must be an integer from 68 to 65535, not '1400'" },
		{ "{" BASE ", 'overlay': 'o', 'mtu': 65536}", 7, "not 65536" },
		{ "{" BASE ", 'overlay': 'o', 'mtu': 1400.5}", 7, "not 1400.5" },
		{ "{" BASE ", 'vni': -1}", 7,
		  "'vni' must be an integer from 0 to 16777215, not -1" },
		{ "{" BASE ", 'vni': true}", 7, "not true" },
		{ "{" BASE ", 'overlay': ''}", 7, "'overlay' is empty" },
		{ "{" BASE ", 'overlay': ['o']}", 7, "'overlay' must be a string, not an array" },
		{ "{" BASE ", 'overlay': 'o', 'instance': '.hidden'}", 7,
		  "not an ovld instance name" },
		{ "{" BASE ", 'overlay': 'o', 'instance': 7}", 7, "'instance' must be a string" },
		{ "{" BASE ", 'overlay': 'o', 'mac': 'zz:00:00:00:00:01'}", 7,
		  "is not a MAC address" },
		{ "{" BASE ", 'overlay': 'o', 'mac': 'ff:ff:ff:ff:ff:ff'}", 7,
		  "not a unicast MAC" },
		{ "{" BASE ", 'overlay': 'o', 'args': {'cni': {'mac': '00:00:00:00:00:00'}}}", 7,
		  "'args.cni.mac'" },
		{ "{" BASE ", 'overlay': 'o', 'args': {'cni': 1}}", 7,
		  "'args.cni' must be an object" },
		{ "{" BASE ", 'overlay': 'o', 'runtimeConfig': []}", 7,
		  "'runtimeConfig' must be an object" },
		{ "{" BASE ", 'overlay': 'o', 'logLevel': 'loud'}", 7, "'logLevel' must be" },
		{ "{" BASE ", 'overlay': 'o', 'dns': {'nameservers': '10.0.0.1'}}", 7,
		  "'dns.nameservers' must be an array" },
		{ "{" BASE ", 'overlay': 'o', 'dns': {'search': [1]}}", 7,
		  "'dns.search'[0] must be a string" },
		{ "{" BASE ", 'overlay': 'o', 'cni.dev/valid-attachments': [{'containerID': 1}]}",
		  7, "containerID and ifname" },
		{ "{" BASE ", 'overlay': 'o', 'prevResult': {'ips': [{'address': '10.0.0.1'}]}}", 6,
		  "prevResult.ips[0].address" },
		{ "{" BASE ", 'overlay': 'o', 'prevResult': {'cniVersion': '0.2.0'}}", 1, "0.2.0" },
		{ "{'cniVersion': '1.0.0', 'type': 'ovl', 'overlay': 'o', 'ipam': {'type': 'h'}}",
		  7, "'name' is missing" },
		{ "{'cniVersion': '1.0.0', 'name': 'n', 'overlay': 'o', 'ipam': {'type': 'h'}}", 7,
		  "'type' is missing" },
		{ "{'cniVersion': '1.0.0', 'name': '-n', 'type': 'ovl', 'overlay': 'o'}", 7,
		  "must start with a letter or digit" },
		{ "{'cniVersion': '1.0.0', 'name': 'n', 'type': 'ovl', 'overlay': 'o'}", 7,
		  "'ipam' is missing" },
		{ "{'cniVersion': '1.0.0', 'name': 'n', 'type': 'ovl', 'overlay': 'o', "
		  "'ipam': {'subnet': '10.0.0.0/8'}}",
		  7, "'ipam' has no 'type'" },
		{ "{'cniVersion': '1.0.0', 'name': 'n', 'type': 'ovl', 'overlay': 'o', "
		  "'ipam': {'type': 'a/b'}}",
		  7, "is not a plugin name" },
		{ "{" BASE ", 'overlay': 'o', 'overlay': 'p'}", 6, "duplicate object key" },
		{ "[1, 2]", 6, "must be a JSON object, not an array" },
		{ "{'cniVersion': '1.0.0',", 6, "stdin:1:" },
		{ "", 6, "stdin:" },
	};
	struct ovl_netconf nc;
	struct ovl_cni_err e;
	char what[128], text[4096], all[sizeof(e.msg) + sizeof(e.details) + 2];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret = parse(cases[i].conf, &nc, &e);

		snprintf(what, sizeof(what), "case %zu (%.80s)", i, cases[i].conf);
		snprintf(text, sizeof(text), "%s", q(cases[i].text));
		snprintf(all, sizeof(all), "%s: %s", e.msg, e.details);
		ASSERT_EQ(ret, cases[i].code, what);
		ASSERT_EQ(e.code, cases[i].code, what);
		ASSERT_STRSTR(all, text, what);
		ovl_netconf_free(&nc);
	}
}

void test_cni_netconf_router(void)
{
	struct ovl_netconf nc;
	struct ovl_cni_err e;
	char ip[OVL_IP_STRLEN];

	if (ASSERT_OK(parse("{" BASE ", 'overlay': 'o', 'ipMasq': true}", &nc, &e), e.details))
		ASSERT_TRUE(nc.ip_masq, "ipMasq: true is the router's masquerade");
	ovl_netconf_free(&nc);
	/* without the capability, runtimeConfig.portMappings are a chained
	 * plugin's, not ovl's */
	if (ASSERT_OK(parse("{" BASE ", 'overlay': 'o', 'capabilities': {'mac': true}, "
			    "'runtimeConfig': {'portMappings': [{'hostPort': 1}]}}",
			    &nc, &e),
		      e.details))
		ASSERT_EQ(nc.n_portmaps, 0, "no capability, no mappings");
	ovl_netconf_free(&nc);
	if (!ASSERT_OK(parse("{" BASE ", 'overlay': 'o', 'capabilities': {'portMappings': true}, "
			     "'runtimeConfig': {'portMappings': ["
			     "{'hostPort': 8080, 'containerPort': 80},"
			     "{'hostPort': 5353, 'containerPort': 53, 'protocol': 'UDP', "
			     "'hostIP': 'FD00::2'},"
			     "{'hostPort': 8080, 'containerPort': 80, 'protocol': 'udp', "
			     "'hostIP': '', 'podman': 1},"
			     "{'hostPort': 9090, 'containerPort': 90, 'hostIP': '0.0.0.0'},"
			     "{'hostPort': 9090, 'containerPort': 91, 'hostIP': '::'}]}}",
			     &nc, &e),
		       e.details))
		goto out;
	ASSERT_FALSE(nc.ip_masq, "no ipMasq");
	if (!ASSERT_EQ(nc.n_portmaps, 5, "five mappings"))
		goto out;
	ASSERT_EQ(nc.portmaps[0].host_port, 8080, "hostPort");
	ASSERT_EQ(nc.portmaps[0].container_port, 80, "containerPort");
	ASSERT_FALSE(nc.portmaps[0].udp, "tcp by default");
	ASSERT_EQ(nc.portmaps[0].family, 0, "no hostIP: both families");
	ASSERT_TRUE(nc.portmaps[1].udp, "protocol UDP");
	ASSERT_TRUE(nc.portmaps[1].has_host_ip, "hostIP");
	ASSERT_STREQ(ovl_ip_format(&nc.portmaps[1].host_ip, ip), "fd00::2", "hostIP canonical");
	ASSERT_EQ(nc.portmaps[1].family, OVL_AF_INET6, "hostIP's family");
	ASSERT_FALSE(nc.portmaps[2].has_host_ip, "hostIP '' is every address");
	ASSERT_EQ(nc.portmaps[2].family, 0, "of both families");
	ASSERT_FALSE(nc.portmaps[3].has_host_ip, "0.0.0.0 is no one address");
	ASSERT_EQ(nc.portmaps[3].family, OVL_AF_INET4, "0.0.0.0: every IPv4 address");
	ASSERT_EQ(nc.portmaps[4].family, OVL_AF_INET6, ":: every IPv6 address (port 9090 twice)");
out:
	ovl_netconf_free(&nc);
}

void test_cni_netconf_mac_choice(void)
{
	struct ovl_cni_args args = { 0 };
	struct ovl_netconf nc;
	struct ovl_cni_err e;
	char m[OVL_MAC_STRLEN];
	__u8 mac[6], def[6];
	const char *from;

	ovl_cni_default_mac("c1", "eth0", def);
	/* Nothing given: derived. */
	if (!ASSERT_OK(parse("{" BASE ", 'overlay': 'o'}", &nc, &e), e.details))
		return;
	from = ovl_cni_choose_mac(&nc, NULL, "c1", "eth0", mac);
	ASSERT_MEMEQ(mac, 6, def, 6, "derived");
	ASSERT_STRSTR(from, "derived", "derived: from");
	/* CNI_ARGS MAC beats nothing. */
	ASSERT_OK(ovl_cni_args_parse("IgnoreUnknown=1;MAC=02:00:00:00:00:0a", &args, &e), "args");
	ovl_cni_choose_mac(&nc, &args, "c1", "eth0", mac);
	ASSERT_STREQ(ovl_mac_format(mac, m), "02:00:00:00:00:0a", "CNI_ARGS MAC");
	ovl_netconf_free(&nc);
	/* The configuration's own mac: CNI_ARGS still wins (per container). */
	parse("{" BASE ", 'overlay': 'o', 'mac': '02:00:00:00:00:0b'}", &nc, &e);
	ovl_cni_choose_mac(&nc, NULL, "c1", "eth0", mac);
	ASSERT_STREQ(ovl_mac_format(mac, m), "02:00:00:00:00:0b", "mac");
	ovl_cni_choose_mac(&nc, &args, "c1", "eth0", mac);
	ASSERT_STREQ(ovl_mac_format(mac, m), "02:00:00:00:00:0a", "CNI_ARGS over mac");
	ovl_netconf_free(&nc);
	/* args.cni.mac and runtimeConfig.mac beat both; runtimeConfig first. */
	parse("{" BASE ", 'overlay': 'o', 'mac': '02:00:00:00:00:0b', "
	      "'args': {'cni': {'mac': '02:00:00:00:00:0c'}}}",
	      &nc, &e);
	from = ovl_cni_choose_mac(&nc, &args, "c1", "eth0", mac);
	ASSERT_STREQ(ovl_mac_format(mac, m), "02:00:00:00:00:0c", "args.cni.mac");
	ASSERT_STREQ(from, "args.cni.mac", "args.cni.mac: from");
	ovl_netconf_free(&nc);
	parse("{" BASE ", 'overlay': 'o', 'runtimeConfig': {'mac': '02:00:00:00:00:0d'}, "
	      "'args': {'cni': {'mac': '02:00:00:00:00:0c'}}}",
	      &nc, &e);
	from = ovl_cni_choose_mac(&nc, &args, "c1", "eth0", mac);
	ASSERT_STREQ(ovl_mac_format(mac, m), "02:00:00:00:00:0d", "runtimeConfig.mac");
	ASSERT_STREQ(from, "runtimeConfig.mac", "runtimeConfig.mac: from");
	ovl_netconf_free(&nc);
}

void test_cni_netconf_names(void)
{
	char host[OVL_CNI_IFNAME_MAX], host2[OVL_CNI_IFNAME_MAX], m[OVL_MAC_STRLEN];
	char alias[256], inst[40], net[128], cid[256], ifn[16];
	__u8 a[6], b[6];

	/* Derived MAC: stable, locally administered unicast, and the value
	 * the e2e tests and operators compute (FNV-1a 64 of "cid/ifname"). */
	ovl_cni_default_mac("cid-c1", "eth0", a);
	ovl_cni_default_mac("cid-c1", "eth0", b);
	ASSERT_MEMEQ(a, 6, b, 6, "stable");
	ASSERT_STREQ(ovl_mac_format(a, m), "02:b6:b8:2d:3b:39", "known value");
	ASSERT_EQ(a[0] & 3, 2, "locally administered unicast");
	ovl_cni_default_mac("cid-c1", "eth1", b);
	ASSERT_NEQ(memcmp(a, b, 6), 0, "another ifname, another MAC");

	ovl_cni_host_ifname("default", "net-a", "cid-c1", "eth0", host);
	ovl_cni_host_ifname("default", "net-a", "cid-c1", "eth0", host2);
	ASSERT_STREQ(host, host2, "host name stable");
	ASSERT_EQ(strlen(host), 11, "ovc + 8 hex digits");
	ASSERT_TRUE(!strncmp(host, "ovc", 3), "ovc prefix");
	ovl_cni_host_ifname("default", "net-a", "cid-c2", "eth0", host2);
	ASSERT_NEQ(strcmp(host, host2), 0, "another container, another host name");
	/* The same container and ifname on two networks, or two instances:
	 * two attachments, two host ends. */
	ovl_cni_host_ifname("default", "net-b", "cid-c1", "eth0", host2);
	ASSERT_NEQ(strcmp(host, host2), 0, "another network, another host name");
	ovl_cni_host_ifname("other", "net-a", "cid-c1", "eth0", host2);
	ASSERT_NEQ(strcmp(host, host2), 0, "another instance, another host name");
	/* Earlier plugins' name: container id and ifname only, unchanged. */
	ovl_cni_host_ifname_v1("cid-c1", "eth0", host);
	ASSERT_STREQ(host, "ovcf313d88f", "the earlier name's known value");

	ASSERT_OK(ovl_cni_alias_format("default", "tenant-a", "c1", "eth0", alias, sizeof(alias)),
		  "alias");
	ASSERT_STREQ(alias, "ovl-cni:default:tenant-a:c1:eth0", "alias text");
	ASSERT_OK(ovl_cni_alias_parse(alias, inst, sizeof(inst), net, sizeof(net), cid, sizeof(cid),
				      ifn, sizeof(ifn)),
		  "alias parse");
	ASSERT_STREQ(inst, "default", "instance");
	ASSERT_STREQ(net, "tenant-a", "network");
	ASSERT_STREQ(cid, "c1", "container");
	ASSERT_STREQ(ifn, "eth0", "ifname");
	ASSERT_EQ(ovl_cni_alias_parse("ovl-vnic:a:b:c:d", inst, sizeof(inst), net, sizeof(net), cid,
				      sizeof(cid), ifn, sizeof(ifn)),
		  -EINVAL, "another prefix");
	ASSERT_EQ(ovl_cni_alias_parse("ovl-cni:a:b:c", inst, sizeof(inst), net, sizeof(net), cid,
				      sizeof(cid), ifn, sizeof(ifn)),
		  -EINVAL, "a field missing");
	ASSERT_EQ(ovl_cni_alias_parse("ovl-cni:a::c:d", inst, sizeof(inst), net, sizeof(net), cid,
				      sizeof(cid), ifn, sizeof(ifn)),
		  -EINVAL, "an empty field");
	ASSERT_OK(ovl_vnic_alias_format("default", "eth0", "ns1", alias, sizeof(alias)),
		  "vnic alias");
	ASSERT_STREQ(alias, "ovl-vnic:default:eth0:ns1", "vnic alias text");
	ASSERT_OK(ovl_vnic_alias_parse("ovl-vnic:i:eth0:a:b", inst, sizeof(inst), ifn, sizeof(ifn),
				       cid, sizeof(cid)),
		  "vnic alias parse");
	ASSERT_STREQ(inst, "i", "vnic instance");
	ASSERT_STREQ(ifn, "eth0", "vnic name");
	ASSERT_STREQ(cid, "a:b", "a namespace name may hold ':'");
	ASSERT_OK(ovl_vnic_alias_parse("ovl-vnic:i:foo0:", inst, sizeof(inst), ifn, sizeof(ifn),
				       cid, sizeof(cid)),
		  "vnic alias of the host's namespace");
	ASSERT_STREQ(cid, "", "the host's namespace is empty");
	ASSERT_EQ(ovl_vnic_alias_parse(alias, inst, sizeof(inst), ifn, sizeof(ifn), cid, 3),
		  -EINVAL, "netns longer than the buffer");
	ASSERT_EQ(ovl_cni_alias_parse(alias, inst, sizeof(inst), net, sizeof(net), cid, sizeof(cid),
				      ifn, sizeof(ifn)),
		  -EINVAL, "a VNIC mark is no CNI mark");
	{
		char longname[300];

		memset(longname, 'n', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		ASSERT_OK(ovl_vnic_alias_format("default", "eth0", longname, alias, sizeof(alias)),
			  "a long namespace is cut");
		ASSERT_EQ(strlen(alias), OVL_ALIAS_MAX - 1, "to 255 bytes");
	}
	{
		char longname[300];

		memset(longname, 'x', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		ASSERT_EQ(ovl_cni_alias_format("default", longname, "c1", "eth0", alias,
					       sizeof(alias)),
			  -ENAMETOOLONG, "too long for an ifalias");
	}
}

void test_cni_netconf_env(void)
{
	struct ovl_cni_env env = { .command = "ADD",
				   .container_id = "c1",
				   .netns = "/run/netns/x",
				   .ifname = "eth0",
				   .path = "/opt/cni/bin" };
	const unsigned int all = OVL_CNI_NEED_CONTAINER | OVL_CNI_NEED_NETNS | OVL_CNI_NEED_IFNAME |
				 OVL_CNI_NEED_PATH;
	static const struct {
		const char *s;
		bool ok;
	} ifnames[] = { { "eth0", true },
			{ "a", true },
			{ "fifteen-chars-x", true },
			{ "", false },
			{ ".", false },
			{ "..", false },
			{ "a/b", false },
			{ "a:b", false },
			{ "a b", false },
			{ "a\tb", false },
			{ "sixteen-chars-xx", false } };
	static const struct {
		const char *s;
		bool ok;
	} cids[] = { { "3f6940ab5ab4", true }, { "a.b_c-d", true }, { "", false },
		     { "-a", false },	       { "_a", false },	    { "a/b", false },
		     { "a b", false } };
	struct ovl_cni_args args;
	struct ovl_cni_err e;

	ASSERT_OK(ovl_cni_env_check(&env, all, &e), "complete");
	for (size_t i = 0; i < ARRAY_SIZE(ifnames); i++)
		ASSERT_EQ(ovl_ifname_valid(ifnames[i].s), ifnames[i].ok, ifnames[i].s);
	for (size_t i = 0; i < ARRAY_SIZE(cids); i++)
		ASSERT_EQ(ovl_cni_container_id_valid(cids[i].s), cids[i].ok, cids[i].s);
	env.netns = "run/netns/x";
	ASSERT_EQ(ovl_cni_env_check(&env, all, &e), 4, "relative netns");
	env.netns = NULL;
	ASSERT_EQ(ovl_cni_env_check(&env, all, &e), 4, "no netns");
	ASSERT_OK(ovl_cni_env_check(&env, all & ~OVL_CNI_NEED_NETNS, &e), "DEL without netns");
	env.path = NULL;
	ASSERT_EQ(ovl_cni_env_check(&env, OVL_CNI_NEED_PATH, &e), 4, "no CNI_PATH");
	ASSERT_STRSTR(e.msg, "CNI_PATH", "names CNI_PATH");

	ASSERT_OK(ovl_cni_args_parse(NULL, &args, &e), "no CNI_ARGS");
	ASSERT_OK(ovl_cni_args_parse("K8S_POD_NAMESPACE=a;K8S_POD_NAME=b;IP=10.0.0.2", &args, &e),
		  "Kubernetes' keys");
	ASSERT_FALSE(args.has_mac, "no MAC");
	ASSERT_EQ(ovl_cni_args_parse("FOO=1", &args, &e), 4, "an unknown key");
	ASSERT_STRSTR(e.details, "FOO", "names the key");
	ASSERT_OK(ovl_cni_args_parse("FOO=1;IgnoreUnknown=true", &args, &e), "IgnoreUnknown");
	ASSERT_EQ(ovl_cni_args_parse("MAC", &args, &e), 4, "no value");
	ASSERT_EQ(ovl_cni_args_parse("=x", &args, &e), 4, "no key");
	ASSERT_EQ(ovl_cni_args_parse("MAC=01:00:00:00:00:01", &args, &e), 4, "multicast MAC");
	ASSERT_OK(ovl_cni_args_parse("MAC=02:00:00:00:00:01", &args, &e), "MAC");
	ASSERT_TRUE(args.has_mac && args.mac[5] == 1, "MAC parsed");
}
