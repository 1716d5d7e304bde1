#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/lib/etcd.sh itself, without ovld: what the etcd_* tests rely on.
#
# 1. one member: it answers from the switch; put, get; the JSON gateway
#    the backend speaks (POST /v3/kv/range, base64) answers too; a key on
#    a lease of 2 s is gone within 2-5 s; compaction at the current
#    revision makes an older revision unreadable; stopped (SIGTERM) and
#    killed (SIGKILL), it comes back on its data directory with the keys;
# 2. three members: one leader, the members agree on it; killed, another
#    is leader within 5 s and writes go on; restarted, it is healthy again
#    and has the write made while it was down;
# 3. TLS: https only, with the client certificate; without one, or with
#    one of another CA, etcd refuses the handshake (a certificate error).
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
. "$OVL_TOP/tests/lib/etcd.sh"
ns_init
need_tools curl

info "1. one member"
topo_switch
etcd_init
etcd_single
[ "$ETCD_ENDPOINTS" = http://10.1.0.100:2379 ] || fail "ETCD_ENDPOINTS is $ETCD_ENDPOINTS"
ectl put /t/a one >/dev/null || fail "put"
[ "$(ectl get /t/a --print-value-only)" = one ] || fail "get"
etcd_has /t/a || fail "etcd_has /t/a"
etcd_hasnt /t/nothing || fail "etcd_hasnt /t/nothing"
# the JSON gateway: key "/t/a" is L3QvYQ==, "one" is b25l
in_ns sw curl -sf -m 3 -X POST -d '{"key": "L3QvYQ=="}' http://10.1.0.100:2379/v3/kv/range |
	grep -q '"value":"b25l"' || fail "the JSON gateway does not answer /v3/kv/range"
lease=$(ectl lease grant 2 | awk '{print $2}')
ectl put --lease="$lease" /t/leased x >/dev/null || fail "put on a lease"
t0=$(now_ms)
etcd_wait_nokey 6 /t/leased
dt=$(($(now_ms) - t0))
info "a key on a 2 s lease went after $dt ms"
[ "$dt" -ge 1500 ] || fail "the leased key went after $dt ms, before its TTL"

ectl put /t/b 1 >/dev/null
old=$(etcd_revision)
ectl put /t/b 2 >/dev/null
ectl put /t/b 3 >/dev/null
rev=$(etcd_compact)
[ "$rev" -gt "$old" ] || fail "compacted at $rev, not after $old"
[ "$(ectl get /t/b --rev="$old" --print-value-only 2>&1)" != 1 ] ||
	fail "revision $old still readable after compaction at $rev"
ectl get /t/b --rev="$old" 2>&1 | grep -q compacted || fail "no 'compacted' error for revision $old"
[ "$(ectl get /t/b --print-value-only)" = 3 ] || fail "the latest value went with compaction"

etcd_stop e0
etcd_healthy e0 && fail "e0 answers after etcd_stop"
etcd_hasnt /t/a && fail "etcd_hasnt is true with etcd down"
etcd_restart e0
[ "$(ectl get /t/a --print-value-only)" = one ] || fail "/t/a lost across a stop"
etcd_kill e0
etcd_restart e0
[ "$(ectl get /t/b --print-value-only)" = 3 ] || fail "/t/b lost across a kill"

info "2. three members"
RUN=$(printf '%04x%04x' $RANDOM $RANDOM)
topo_switch
etcd_init
etcd_cluster
[ "$ETCD_ENDPOINTS" = http://10.1.0.101:2379,http://10.1.0.102:2379,http://10.1.0.103:2379 ] ||
	fail "ETCD_ENDPOINTS is $ETCD_ENDPOINTS"
leader=$(etcd_leader) || fail "no leader"
info "leader $leader"
[ "$(ectl endpoint status -w json | python3 -c 'import json,sys; print(len({s["Status"]["leader"] for s in json.load(sys.stdin)}))')" = 1 ] ||
	fail "the members do not agree on the leader"
ectl put /t/c before >/dev/null || fail "put"
etcd_kill "$leader"
t0=$(now_ms)
new_leader() {
	local l
	l=$(etcd_leader) && [ "$l" != "$leader" ]
}
wait_for 5 new_leader || fail "no new leader 5 s after $leader was killed"
info "new leader $(etcd_leader) after $(($(now_ms) - t0)) ms"
ectl put /t/c after >/dev/null || fail "put after the leader was killed"
etcd_restart "$leader"
# serializable: what the restarted member itself has
caught_up() {
	[ "$(_etcdctl "$(etcd_url "$leader")" get /t/c --print-value-only --consistency=s 2>/dev/null)" = after ]
}
wait_for 5 caught_up || fail "restarted $leader did not catch up"

info "3. TLS"
RUN=$(printf '%04x%04x' $RANDOM $RANDOM)
topo_switch
etcd_init
etcd_tls_init
etcd_single
[ "$ETCD_ENDPOINTS" = https://10.1.0.100:2379 ] || fail "ETCD_ENDPOINTS is $ETCD_ENDPOINTS"
ectl put /t/tls yes >/dev/null || fail "put over TLS"
[ "$(ectl get /t/tls --print-value-only)" = yes ] || fail "get over TLS"
in_ns sw curl -sf -m 3 --cacert "$ETCD_TLS/ca.pem" --cert "$ETCD_TLS/client.pem" \
	--key "$ETCD_TLS/client-key.pem" -X POST -d '{"key": "L3QvdGxz"}' https://10.1.0.100:2379/v3/kv/range |
	grep -q '"value":"eWVz"' || fail "the JSON gateway does not answer over TLS"
out=$(in_ns sw curl -sS -m 3 --cacert "$ETCD_TLS/ca.pem" -X POST -d '{"key": "L3QvdGxz"}' \
	https://10.1.0.100:2379/v3/kv/range 2>&1) && fail "etcd answered a client without a certificate: $out"
info "no client certificate: $out"
out=$(in_ns sw curl -sS -m 3 --cacert "$ETCD_TLS/ca.pem" --cert "$ETCD_TLS/wrong.pem" \
	--key "$ETCD_TLS/wrong-key.pem" -X POST -d '{"key": "L3QvdGxz"}' https://10.1.0.100:2379/v3/kv/range 2>&1) &&
	fail "etcd answered a client certificate of another CA: $out"
info "another CA's client certificate: $out"
out=$(in_ns sw curl -sS -m 3 -X POST -d '{"key": "L3QvdGxz"}' http://10.1.0.100:2379/v3/kv/range 2>&1) &&
	fail "etcd answered plain http: $out"
out=$(in_ns sw curl -sS -m 3 --cert "$ETCD_TLS/client.pem" --key "$ETCD_TLS/client-key.pem" \
	-X POST -d '{"key": "L3QvdGxz"}' https://10.1.0.100:2379/v3/kv/range 2>&1) &&
	fail "curl trusted etcd without the CA: $out"
info "without the CA: $out"
exit 0
