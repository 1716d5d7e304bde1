#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# entrypoint.sh - the ovl image's entrypoint (/usr/local/bin/ovl-entrypoint),
# run by the DaemonSet of ovl-daemonset.yaml on every node, in the node's
# network namespace. POSIX sh for busybox (whose sh prefers its own applets:
# iproute2 is called as /sbin/ip).
#
#   ovl-entrypoint          install the CNI plugins, run ovld in the
#                           foreground, write the conflist once it is ready
#   ovl-entrypoint ready    exit 0 iff ovld is ready and the conflist is
#                           written (the readiness probe)
#
# Order, so that the kubelet never schedules a pod on a half-ready node:
#  1. a conflist left by an earlier run is removed (the node reports
#     NetworkReady=false until step 4; pods already running keep running);
#  2. the plugins of /opt/ovl/cni are copied into the host's CNI bin dir,
#     each under a temporary name and renamed over the old one (a plugin
#     running meanwhile keeps its file);
#  3. ovld starts, on the underlay picked below, with the overlays of
#     $OVL_CONFIG_DIR/ovld.json (the ConfigMap);
#  4. once ovld answers and every overlay of ovld.json exists without an
#     error, with its etcd backend connected and synced, the conflist is
#     written (to a temporary name, then renamed): only now can the
#     kubelet start pods here. An etcd outage later does not remove it:
#     ovld keeps forwarding what it knows and publishes when etcd is back.
#  5. SIGTERM or SIGINT: the conflist goes first (no new pod is scheduled
#     here), then ovld is stopped and its exit status is ours. The data
#     path stays (ovld(8), SIGNALS): pods keep their traffic while ovld is
#     upgraded. ovld exiting by itself also removes the conflist.
#
# The underlay: $OVL_UNDERLAY (an interface), else the interface holding
# $OVL_UNDERLAY_IP (which becomes ovld's --listen-ip; the DaemonSet sets it
# to the node's status.hostIP), else the interface of the default route
# (IPv4, then IPv6).
#
# Environment (defaults in brackets):
#   OVL_INSTANCE      ovld's instance [default]; the conflist's "instance"
#                     is set to it, so the plugin always asks this ovld
#   OVL_UNDERLAY, OVL_UNDERLAY_IP   see above
#   OVL_CONFIG_DIR    ovld.json and the conflist (the ConfigMap) [/etc/ovl]
#   OVL_CONFLIST      the conflist's file name there and in the host's
#                     conf dir [10-ovl.conflist]
#   OVL_CNI_BIN_DIR   the host's CNI bin dir, mounted [/host/opt/cni/bin]
#   OVL_CNI_CONF_DIR  the host's CNI conf dir, mounted [/host/etc/cni/net.d]
#   OVLD_ARGS         more ovld options (e.g. -v) []
set -eu

IP=/sbin/ip
OVLD=/usr/sbin/ovld
OVLCTL=/usr/bin/ovlctl
PLUGIN_DIR=/opt/ovl/cni

OVL_INSTANCE=${OVL_INSTANCE:-default}
OVL_CONFIG_DIR=${OVL_CONFIG_DIR:-/etc/ovl}
OVL_CONFLIST=${OVL_CONFLIST:-10-ovl.conflist}
OVL_CNI_BIN_DIR=${OVL_CNI_BIN_DIR:-/host/opt/cni/bin}
OVL_CNI_CONF_DIR=${OVL_CNI_CONF_DIR:-/host/etc/cni/net.d}
OVLD_ARGS=${OVLD_ARGS:-}
CONF=$OVL_CONFIG_DIR/ovld.json
CONFLIST=$OVL_CNI_CONF_DIR/$OVL_CONFLIST
OVLD_PID=

log() {
	echo "ovl-entrypoint: $*" >&2
}

die() {
	log "error: $*"
	exit 1
}

# ready: ovld answers, and every overlay ovld.json names is there, with no
# error (null when fine; a non-empty string otherwise), its router (if any)
# up and, for the etcd backend, connected and synced (the
# cache holds the other hosts). ovlctl -j prints one member a line.
ready() {
	out=$("$OVLCTL" --instance "$OVL_INSTANCE" -j overlay list 2>/dev/null) || return 1
	for n in $(overlay_names); do
		printf '%s\n' "$out" | grep -q "^ *\"name\": \"$n\"," || return 1
	done
	! printf '%s\n' "$out" | grep -q -e '^ *"error": "[^"]' -e '"connected": false' \
		-e '"synced": false' -e '"up": false'
}

# overlay_names: the "name" members of ovld.json (only overlays have one).
overlay_names() {
	grep -o '"name"[[:space:]]*:[[:space:]]*"[^"]*"' "$CONF" | sed 's/.*"\([^"]*\)"$/\1/'
}

# install_plugins: each plugin of the image into the host's bin dir, by
# rename.
install_plugins() {
	[ -d "$OVL_CNI_BIN_DIR" ] || die "no $OVL_CNI_BIN_DIR (the host's CNI bin dir) mounted"
	for p in "$PLUGIN_DIR"/*; do
		name=${p##*/}
		tmp=$OVL_CNI_BIN_DIR/.$name.ovl-tmp
		cp "$p" "$tmp" && chmod 0755 "$tmp" && mv -f "$tmp" "$OVL_CNI_BIN_DIR/$name" ||
			{ rm -f "$tmp"; die "cannot install $name into $OVL_CNI_BIN_DIR"; }
		log "installed $OVL_CNI_BIN_DIR/$name"
	done
}

# write_conflist: the ConfigMap's conflist with this instance, by rename.
write_conflist() {
	tmp=$OVL_CNI_CONF_DIR/.$OVL_CONFLIST.ovl-tmp
	sed "s/\"instance\"[[:space:]]*:[[:space:]]*\"[^\"]*\"/\"instance\": \"$OVL_INSTANCE\"/" \
		"$OVL_CONFIG_DIR/$OVL_CONFLIST" >"$tmp" && mv -f "$tmp" "$CONFLIST" ||
		{ rm -f "$tmp"; die "cannot write $CONFLIST"; }
}

# pick_underlay: sets DEV (and LISTEN, ovld's --listen-ip, or empty).
pick_underlay() {
	LISTEN=
	if [ -n "${OVL_UNDERLAY:-}" ]; then
		DEV=$OVL_UNDERLAY
		how="OVL_UNDERLAY"
	elif [ -n "${OVL_UNDERLAY_IP:-}" ]; then
		DEV=$("$IP" -o addr show | awk -v a="$OVL_UNDERLAY_IP" \
			'{ split($4, p, "/"); if (p[1] == a) { print $2; exit } }')
		[ -n "$DEV" ] || die "no interface has OVL_UNDERLAY_IP $OVL_UNDERLAY_IP"
		LISTEN=$OVL_UNDERLAY_IP
		how="holds OVL_UNDERLAY_IP $LISTEN"
	else
		DEV=$({ "$IP" -4 route show default; "$IP" -6 route show default; } 2>/dev/null |
			awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
		[ -n "$DEV" ] || die "no default route: set OVL_UNDERLAY or OVL_UNDERLAY_IP"
		how="default route"
	fi
	"$IP" link show dev "$DEV" >/dev/null 2>&1 || die "no interface $DEV"
	log "underlay $DEV ($how)"
}

# stop SIGNAL: the conflist first, then ovld; its status is ours.
stop() {
	trap '' TERM INT
	rm -f "$CONFLIST"
	log "$1: removed $CONFLIST, stopping ovld"
	rc=0
	if [ -n "$OVLD_PID" ]; then
		kill -TERM "$OVLD_PID" 2>/dev/null || true
		wait "$OVLD_PID" || rc=$?
	fi
	log "ovld exited with status $rc"
	exit "$rc"
}

case ${1:-} in
ready)
	[ -f "$CONFLIST" ] && ready
	exit
	;;
"") ;;
*)
	echo "usage: $0 [ready]" >&2
	exit 2
	;;
esac

case $OVL_INSTANCE in
"" | *[!A-Za-z0-9_-]*) die "OVL_INSTANCE \"$OVL_INSTANCE\": 1 to 32 of A-Z a-z 0-9 _ -" ;;
esac
[ -f "$CONF" ] || die "no $CONF (the ConfigMap's ovld.json)"
[ -f "$OVL_CONFIG_DIR/$OVL_CONFLIST" ] || die "no $OVL_CONFIG_DIR/$OVL_CONFLIST (the ConfigMap's conflist)"
[ -d "$OVL_CNI_CONF_DIR" ] || die "no $OVL_CNI_CONF_DIR (the host's CNI conf dir) mounted"
rm -f "$CONFLIST"
trap 'stop SIGTERM' TERM
trap 'stop SIGINT' INT
install_plugins
pick_underlay

# shellcheck disable=SC2086 # OVLD_ARGS is a list of options
"$OVLD" --instance "$OVL_INSTANCE" --config "$CONF" --underlay "$DEV" \
	${LISTEN:+--listen-ip "$LISTEN"} $OVLD_ARGS &
OVLD_PID=$!
log "ovld (pid $OVLD_PID) started; the conflist waits until it is ready"

until ready; do
	if ! kill -0 "$OVLD_PID" 2>/dev/null; then
		rc=0
		wait "$OVLD_PID" || rc=$?
		die "ovld exited with status $rc before it was ready"
	fi
	sleep 0.5 &
	wait $! || true
done
write_conflist
log "ovld ready: wrote $CONFLIST"

rc=0
wait "$OVLD_PID" || rc=$?
rm -f "$CONFLIST"
log "ovld exited with status $rc: removed $CONFLIST"
exit "$rc"
