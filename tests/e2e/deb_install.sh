#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The Debian package, installed on this machine and run: the INSTALLED
# /usr/sbin/ovld and /usr/bin/ovlctl serve two simulated hosts, then the
# package is purged and nothing of it is left.
#
#   c1 (ns) -- h1 --+-- switch --+-- h2 -- c2 (ns)
#   10.23.0.1    /usr/sbin/ovld      /usr/sbin/ovld    10.23.0.2
#
# The .deb is $OVL_DEB, else build/deb/ovl_*.deb, else `make deb` makes it
# (about 40 s here). Not run (SKIP) where it could harm: when a package ovl
# is installed already, or /etc/ovl/default.json exists (dpkg would take it
# over and purge it). A `make install` in /usr/local is left alone, and
# checked to be (its files' checksums before and after). The purge runs in
# the exit trap, also on failure.
#
# What it proves:
# 0. lintian --pedantic finds no error and no warning in the package;
# 1. dpkg -i installs ovld in /usr/sbin, ovlctl in /usr/bin, the CNI plugins
#    in /usr/lib/cni, the man pages, the unit /lib/systemd/system/ovld@.service
#    (systemd-analyze verify --man=no finds nothing to say about
#    ovld@default.service, ExecStart /usr/sbin/ovld), the bash completion
#    (it completes "ovlctl ov"), and /etc/ovl/default.json and hosts.json as
#    conffiles;
# 2. the installed binaries (the processes' /proc/PID/exe) make a working
#    overlay: c1 pings c2 across the two hosts, VXLAN on the underlay;
# 3. after ovld --cleanup (README.Debian's order) and dpkg --purge ovl: the
#    package is unknown to dpkg, none of its files is left, /etc/ovl is gone
#    (when it was not there before), no socket, lock or pins of the
#    instances are left, and /usr/local's ovl is what it was.
. "$OVL_TOP/tests/lib/netns.sh"
. "$OVL_TOP/tests/lib/topo.sh"
ns_init
need_tools dpkg dpkg-query sha256sum

if dpkg-query -W -f='${Status}' ovl 2>/dev/null | grep -q "ok installed"; then
	skip "a package ovl is installed already: not touching it"
fi
[ ! -e /etc/ovl/default.json ] || skip "/etc/ovl/default.json exists: dpkg would take it over"
deb=${OVL_DEB:-}
if [ -z "$deb" ]; then
	deb=$(ls "$OVL_TOP"/build/deb/ovl_*_"$(dpkg --print-architecture)".deb 2>/dev/null | tail -n 1) || true
fi
if [ -z "$deb" ]; then
	need_tools dpkg-buildpackage dh
	info "building the package (make deb)"
	start=$SECONDS
	make -C "$OVL_TOP" --no-print-directory deb >/dev/null 2>&1 || fail "make deb failed"
	info "make deb: $((SECONDS - start)) s"
	deb=$(ls "$OVL_TOP"/build/deb/ovl_*_"$(dpkg --print-architecture)".deb | tail -n 1)
fi
info "package $deb"
# lintian, pedantic: no error, no warning (debian/ovl.lintian-overrides
# gives the reason of each tag it overrides)
need_tools lintian
lintian --pedantic --fail-on error,warning "$deb" >"$OVL_BUILD/lintian.log" 2>&1 ||
	fail "lintian: $(grep -v 'running with root privileges' "$OVL_BUILD/lintian.log")"
info "lintian --pedantic: $(grep -c '^[EWIP]:' "$OVL_BUILD/lintian.log") tags"

# What a `make install` put in /usr/local (and /opt/cni/bin), to compare.
local_files() {
	local f
	for f in /usr/local/sbin/ovld /usr/local/bin/ovlctl /opt/cni/bin/ovl /opt/cni/bin/ovl-ipam \
		/usr/local/lib/systemd/system/ovld@.service \
		/usr/local/share/bash-completion/completions/ovlctl; do
		[ -e "$f" ] && sha256sum "$f"
	done
	return 0
}
before_local=$(local_files)
etc_before=$([ -e /etc/ovl ] && echo yes || echo no)

on_exit "dpkg --purge ovl"
dpkg -i "$deb" >"$OVL_BUILD/deb_install.log" 2>&1 || {
	cat "$OVL_BUILD/deb_install.log" >&2
	fail "dpkg -i $deb"
}
mapfile -t pkg_files < <(dpkg -L ovl)

# 1. What is installed where.
for f in /usr/sbin/ovld /usr/bin/ovlctl /usr/lib/cni/ovl /usr/lib/cni/ovl-ipam \
	/lib/systemd/system/ovld@.service /usr/share/bash-completion/completions/ovlctl \
	/usr/share/man/man8/ovld.8.gz /usr/share/man/man8/ovlctl.8.gz /etc/ovl/default.json /etc/ovl/hosts.json; do
	printf '%s\n' "${pkg_files[@]}" | grep -qxF "$f" || fail "$f is not in the package"
	[ -e "$f" ] || fail "$f is not installed"
done
for f in default.json hosts.json; do
	dpkg-query -W -f='${Conffiles}\n' ovl | grep -q "^ /etc/ovl/$f " || fail "/etc/ovl/$f is not a conffile"
done
grep -qx 'ExecStart=/usr/sbin/ovld --instance %i --config /etc/ovl/%i.json' \
	/lib/systemd/system/ovld@.service || fail "the unit does not run /usr/sbin/ovld"
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify --man=no /lib/systemd/system/ovld@default.service 2>&1) ||
		fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify: $out"
fi
got=$(bash -c '. /usr/share/bash-completion/completions/ovlctl; COMP_WORDS=(ovlctl ov);
	COMP_CWORD=1; _ovlctl; echo "${COMPREPLY[*]}"')
[ "$got" = overlay ] || fail "the installed completion gives \"$got\" for \"ovlctl ov\""

# 2. The installed binaries, two hosts, a ping across.
OVLD=/usr/sbin/ovld
OVLCTL=/usr/bin/ovlctl
topo_switch
H=$TOPO_DIR/hosts.json
topo_vni_json "$H" 23 1 2
topo_vni_host 1 23 "$H"
topo_vni_host 2 23 "$H"
for h in h1 h2; do
	exe=$(readlink "/proc/${_topo_pid[$h]}/exe")
	[ "$exe" = /usr/sbin/ovld ] || fail "$h runs $exe, not the installed ovld"
done
cap_start ul h1 u0 udp port 4789
in_ns c1 ping -c 3 -i 0.2 -W 2 10.23.0.2 >"$TOPO_DIR/ping" || fail "c1 -> c2: $(cat "$TOPO_DIR/ping")"
cap_stop ul
n=$(cap_count ul "vxlan.vni == 23")
[ "$n" -ge 6 ] || fail "$n VXLAN frames of VNI 23 on h1's underlay, want 6 (3 echo requests and replies)"
info "ping c1 -> c2 through the installed ovld: $(grep -o '[0-9]* received' "$TOPO_DIR/ping"), $n VXLAN frames"

# 3. Stop, clean up as README.Debian says, purge.
for h in h1 h2; do
	topo_kill_ovld "$h"
	/usr/sbin/ovld --instance "$(inst_of "$h")" --state-dir "$TOPO_DIR/state-$h" --cleanup \
		>/dev/null 2>&1 || fail "ovld --cleanup of $h"
done
dpkg --purge ovl >"$OVL_BUILD/deb_purge.log" 2>&1 || {
	cat "$OVL_BUILD/deb_purge.log" >&2
	fail "dpkg --purge ovl"
}
! dpkg-query -W ovl >/dev/null 2>&1 || fail "dpkg still knows ovl after the purge"
left=()
for f in "${pkg_files[@]}"; do
	if [ -d "$f" ]; then
		continue # /usr, /etc... shared with everyone
	elif [ -e "$f" ] || [ -L "$f" ]; then
		left+=("$f")
	fi
done
[ ${#left[@]} = 0 ] || fail "left after the purge: ${left[*]}"
[ "$etc_before" = yes ] || [ ! -e /etc/ovl ] || fail "/etc/ovl is left: $(ls -A /etc/ovl)"
for h in h1 h2; do
	i=$(inst_of "$h")
	for f in "/run/ovl/$i.sock" "/run/ovl/$i.lock" "/run/ovl/bpf/$i" "/var/lib/ovl/$i"; do
		[ ! -e "$f" ] || fail "instance $i left $f"
	done
done
[ "$(local_files)" = "$before_local" ] || fail "/usr/local's ovl changed: $(local_files)"
info "purged: ${#pkg_files[@]} paths of the package, none of its files left; /usr/local: $(echo "$before_local" | grep -c . || true) files unchanged"
info "all good"
