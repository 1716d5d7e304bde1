#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# etcd over TLS with client certificates (etcd --client-cert-auth): ovld
# connects with etcd/cacert, etcd/cert and etcd/key; without the right
# certificates it is refused and says so.
#
#   h1 (c1), h2 (c2): overlay0 of VNI 23 on https://10.1.0.100:2379; e0
#   (a test CA's server certificate for 10.1.0.100-103)
#
# What it proves:
# 1. with the CA and a client certificate of that CA: overlay list shows
#    no error and connected, both VNICs are published, and c1 <-> c2
#    answer on the first try;
# 2. overlays on h1 (other VNIs) with no client certificate, with a client
#    certificate of another CA, and with no CA (etcd's certificate cannot
#    be verified) are made, but within 10 s overlay list shows an error
#    that says TLS, SSL or certificate, and connected false (or, if
#    `overlay create` refuses them itself, its message says so); they
#    publish nothing; and overlay0 goes on working.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
ns_init
topo_switch
etcd_init
etcd_tls_init
etcd_single
for i in 1 2; do
	etcd_vni_host "$i"
	etcd_vni_vnic "$i"
done

info "1. the right certificates"
for i in 1 2; do
	etcd_wait_key 5 "$(key_mac 23 "$(mac_of "$i")")"
	etcd_wait_key 5 "$(key_ip 23 "10.23.0.$i")"
	wait_for 5 ov_connected "h$i" || fail "h$i: $(ovlctl_on "h$i" -j overlay list)"
done
info "h1: $(ov_json h1 overlay0 'json.dumps(b)')"
in_ns c1 ping -c 1 -W 1 10.23.0.2 >/dev/null || fail "first ping c1 -> c2 lost"
in_ns c2 ping -c 1 -W 1 10.23.0.1 >/dev/null || fail "first ping c2 -> c1 lost"

info "2. the wrong ones"
T=$ETCD_TLS
tls_error() {
	[ "$(ov_json h1 "$1" 'bool(re.search("tls|ssl|certificate", o.get("error") or "", re.I)) and b.get("connected") is not True')" = True ]
}
# refused_tls NAME VNI PROPS...: NAME is refused for its certificates.
refused_tls() {
	local ov=$1 vni=$2 out
	shift 2
	if ! out=$(ovlctl_on h1 overlay create "$ov" -v "$vni" -e vxlan -s etcd \
		-p "etcd/endpoints=$ETCD_ENDPOINTS" -p "etcd/lease-ttl=$ETCD_TTL" "$@" 2>&1); then
		info "$ov: overlay create refused it: $out"
		echo "$out" | grep -qiE 'tls|ssl|certificate' ||
			fail "$ov: overlay create refused it without a word of TLS: $out"
		return 0
	fi
	wait_for 10 tls_error "$ov" || fail "$ov: no TLS error in overlay list: $(ovlctl_on h1 -j overlay list)"
	info "$ov: $(ov_json h1 "$ov" 'o["error"]')"
}
refused_tls nocert 25 -p "etcd/cacert=$T/ca.pem"
refused_tls wrongcert 26 -p "etcd/cacert=$T/ca.pem" -p "etcd/cert=$T/wrong.pem" -p "etcd/key=$T/wrong-key.pem"
refused_tls noca 27 -p "etcd/cert=$T/client.pem" -p "etcd/key=$T/client-key.pem"
for v in 25 26 27; do
	[ -z "$(ectl get --prefix "$ETCD_PREFIX/v1/vni/$v/" --keys-only)" ] ||
		fail "VNI $v has keys in etcd: $(ectl get --prefix "$ETCD_PREFIX/v1/vni/$v/" --keys-only)"
done
ov_connected h1 || fail "overlay0 of h1 no longer connected: $(ovlctl_on h1 -j overlay list)"
in_ns c1 ping -c 1 -W 1 10.23.0.2 >/dev/null || fail "c1 -> c2 lost"
exit 0
