#!/bin/sh
# The systemd units of the built package: 'systemd-analyze verify' passes on
# each without a word on stderr (unknown keys are only warnings there), in a
# throw-away root holding the package's files (the binaries the units name
# must exist) and the host's own units (targets); nothing is started. Then
# the contract of the DPDK units: the instance's JSON through --config, EAL
# options before "--", restarts, the journal, the capability set, and the
# three of them alike but for the binary.
set -eu
. "$(dirname "$0")/deploy_lib.sh"

command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
find_deb
make_tmp
root="$tmp/root"
mkdir -p "$root/bin"
dpkg-deb -x "$DEB" "$root"
cp -an /lib/systemd/system/. "$root/lib/systemd/system/"
cp /bin/kill "$root/bin/"	# vfw@'s ExecReload

pkg_units=$(dpkg-deb -c "$DEB" | awk '{print $6}' | grep '^\./lib/systemd/system/.*\.service$' | sed 's|.*/||')
for want in vpkg@.service vfw@.service vsnk@.service vfwcl-controller@.service vfwcl-hugepages.service; do
	echo "$pkg_units" | grep -qx "$want" || fail "the package has no $want"
done

for unit in $pkg_units; do
	rc=0
	systemd-analyze verify --root="$root" --man=no "$unit" >"$tmp/out" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq 0 ] || fail "systemd-analyze verify $unit: exit $rc: $(cat "$tmp/err")"
	[ ! -s "$tmp/err" ] || fail "systemd-analyze verify $unit: $(cat "$tmp/err")"
	echo "ok: systemd-analyze verify $unit"
done

unitdir="$root/lib/systemd/system"
has() {	# has UNIT LINE: the unit holds exactly that line
	grep -qxF -- "$2" "$unitdir/$1" || fail "$1 lacks '$2'"
}
for bin in vpkg vfw vsnk; do
	u=$bin@.service
	has "$u" "ExecStart=/usr/bin/$bin --file-prefix=$bin-%i \$EAL_ARGS -- --config /etc/vfwcl/%i.json"
	has "$u" "EnvironmentFile=-/etc/vfwcl/%i.env"
	has "$u" "Restart=on-failure"
	has "$u" "RestartPreventExitStatus=2"
	has "$u" "StandardOutput=journal"
	has "$u" "StandardError=journal"
	has "$u" "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN CAP_IPC_LOCK CAP_NET_BIND_SERVICE"
	has "$u" "NoNewPrivileges=yes"
	has "$u" "ProtectSystem=strict"
	has "$u" "RuntimeDirectory=dpdk/$bin-%i vfwcl/$bin-%i"
	has "$u" "Wants=network-online.target vfwcl-hugepages.service"
	# vfw: SIGHUP reloads --rules; vpkg, vsnk: SIGHUP is restart (re-reads the config)
	has "$u" "ExecReload=/bin/kill -HUP \$MAINPID"
	# alike but for the binary's name, its description and the reload
	grep -v -e '^#' -e '^Description=' -e '^ExecReload=' "$unitdir/$u" |
		sed "s/\\b$bin\\b/BIN/g" >"$tmp/$bin.norm"
done
for bin in vpkg vsnk; do
	diff -u "$tmp/vfw.norm" "$tmp/$bin.norm" >&2 || fail "$bin@.service differs from vfw@.service beyond the binary"
done
u=vfwcl-controller@.service
has "$u" "ExecStart=/usr/bin/vfwcl-controller --config /etc/vfwcl/%i.json \$CONTROLLER_ARGS"
has "$u" "Restart=on-failure"
has "$u" "StandardOutput=journal"
has "$u" "CapabilityBoundingSet=CAP_NET_BIND_SERVICE"
has vfwcl-hugepages.service "ExecStart=/usr/libexec/vfwcl/vfwcl-hugepages"
has vfwcl-hugepages.service "CapabilityBoundingSet="
echo "PASS: units"
