#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# lib/etcd.c against real etcd members (3.4's JSON gateway), all inside one
# namespace of this test, on 127.0.0.1:
#
#   plain  http://127.0.0.1:$P      progress notifications every second
#   tls    https://127.0.0.1:$P+10  --client-cert-auth, certificates made here
#   auth   http://127.0.0.1:$P+20   auth enabled, tokens expire after 1 s unused
#
# build/tests/test_etcd runs each case there and prints PASS/FAIL lines per
# check: kv (put, range, paging, delete), txn, leases, watches (events,
# resume, progress, idle, compaction), failover past a closed port and a
# member without a leader, an unreachable cluster, cancels, TLS with and
# without a client certificate, auth with good and bad passwords.
. "$OVL_TOP/tests/lib/netns.sh"
ns_init
for t in etcd etcdctl openssl; do
	command -v $t >/dev/null || skip "no $t (scripts/deps.sh installs it)"
done
TEST=$OVL_BUILD/tests/test_etcd
[ -x "$TEST" ] || fail "no $TEST: run make first"

T=$(mktemp -d /tmp/ovlt-etcd-XXXXXX)
on_exit "rm -rf '$T'"
ns_add etcd
NS=$(ns_name etcd)
P=$((20000 + RANDOM % 20000))
export ETCDCTL_API=3

# start_etcd NAME CLIENT_URL PEER_PORT ARGS...: an etcd member of its own
# cluster, its data under $T, killed on exit.
start_etcd() {
	local name=$1 url=$2 peer=http://127.0.0.1:$3 pid
	shift 3
	ip netns exec "$NS" etcd --name "$name" --data-dir "$T/$name.etcd" \
		--listen-client-urls "$url" --advertise-client-urls "$url" \
		--listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" \
		--initial-cluster "$name=$peer" --initial-cluster-token "ovlt-$RUN-$name" \
		"$@" >"$T/$name.log" 2>&1 &
	pid=$!
	on_exit "kill $pid; wait $pid"
	echo "$pid" >"$T/$name.pid"
}

# ctl ARGS...: etcdctl in the namespace.
ctl() {
	ip netns exec "$NS" etcdctl --dial-timeout 2s "$@"
}

# ready NAME ARGS...: wait until the member answers etcdctl ARGS endpoint health.
ready() {
	local name=$1
	shift
	wait_for 20 ctl "$@" endpoint health ||
		fail "etcd $name did not start: $(tail -n 20 "$T/$name.log")"
}

# TLS: a CA, a server certificate for 127.0.0.1 and a client certificate.
info "certificates"
(
	cd "$T"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=ovlt-ca \
		-keyout ca.key -out ca.pem
	openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr
	# clientAuth too: 3.4's gateway dials the member's own gRPC with it
	printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' >server.ext
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
		-extfile server.ext -out server.pem
	openssl req -newkey rsa:2048 -nodes -subj /CN=root -keyout client.key -out client.csr
	printf 'extendedKeyUsage=clientAuth\n' >client.ext
	openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
		-extfile client.ext -out client.pem
) >"$T/openssl.log" 2>&1 || fail "openssl: $(cat "$T/openssl.log")"

PLAIN=http://127.0.0.1:$P
TLS=https://127.0.0.1:$((P + 10))
AUTH=http://127.0.0.1:$((P + 20))
CLOSED1=http://127.0.0.1:$((P + 30))
CLOSED2=http://127.0.0.1:$((P + 31))
start_etcd plain "$PLAIN" $((P + 1)) --experimental-watch-progress-notify-interval 1s
start_etcd tls "$TLS" $((P + 11)) --cert-file "$T/server.pem" --key-file "$T/server.key" \
	--client-cert-auth --trusted-ca-file "$T/ca.pem"
start_etcd auth "$AUTH" $((P + 21)) --auth-token-ttl 1
ready plain --endpoints "$PLAIN"
ready tls --endpoints "$TLS" --cacert "$T/ca.pem" --cert "$T/client.pem" --key "$T/client.key"
ready auth --endpoints "$AUTH"

info "auth: user root, auth enable"
ctl --endpoints "$AUTH" user add root:s3cret >/dev/null
ctl --endpoints "$AUTH" user grant-role root root >/dev/null
ctl --endpoints "$AUTH" auth enable >/dev/null

failed=0
# run_case NAME ARGS...: one run of test_etcd in the namespace; its PASS/FAIL
# lines are this test's output.
run_case() {
	info "case $1"
	ip netns exec "$NS" "$TEST" "$@" || failed=$((failed + 1))
}

run_case helpers
run_case kv "$PLAIN"
run_case txn "$PLAIN"
run_case lease "$PLAIN"
run_case watch "$PLAIN"
run_case watch_progress "$PLAIN"

# A watch from a revision compacted away: -ESTALE with the compact revision.
rev=$(ctl --endpoints "$PLAIN" put /t/s/a 1 -w json | sed -n 's/.*"revision":\([0-9]*\).*/\1/p')
[ -n "$rev" ] || fail "no revision from etcdctl put"
ctl --endpoints "$PLAIN" put /t/s/a 2 >/dev/null
ctl --endpoints "$PLAIN" put /t/s/a 3 >/dev/null
ctl --endpoints "$PLAIN" compact $((rev + 2)) >/dev/null
run_case watch_stale "$rev" "$PLAIN"

run_case failover "$CLOSED1" "$PLAIN"
run_case noleader "$PLAIN"
run_case unreachable "$CLOSED1" "$CLOSED2"
run_case cancel "$PLAIN"
run_case tls "$TLS" "$T"
run_case tls_nocert "$TLS" "$T"
run_case auth "$AUTH" root s3cret
run_case auth_bad "$AUTH" root wrong

[ "$failed" = 0 ] || fail "$failed cases failed"
