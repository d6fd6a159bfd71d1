#!/bin/sh
# Install, upgrade and purge of the built .deb on this machine with apt-get
# (needs root; skipped when vfwcl is installed already or apt would install
# any other package, so that the machine ends as it started).
#
# Skipped also when /etc/vfwcl or /var/lib/vfwcl exist before the test.
# Installed: the binaries, units, man pages, examples and the conffile are
# there, and the deploy descriptors (OpenBaton, TOSCA, Heat) under
# /usr/share/vfwcl/deploy/ as in the source tree, the lifecycle scripts
# executable; the units verify with systemd-analyze on the real paths; vfw runs
# the example config on virtual ports; the hugepage script with the shipped
# settings changes nothing. Upgraded (the same files as version +deploytest1):
# the administrator's change to the conffile is kept. Purged: no file of the
# package is left, /var/lib/vfwcl (the units' state directory) is gone,
# and /etc/vfwcl holds only the files the administrator wrote (Debian
# policy keeps those); the test then removes them itself.
set -eu
. "$(dirname "$0")/deploy_lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root (apt-get install)"
command -v apt-get >/dev/null || skip "no apt-get"
find_deb
if dpkg-query -W -f='${Status}' vfwcl 2>/dev/null | grep -q installed; then
	skip "vfwcl is installed on this machine already; the test would change it"
fi
# vpkg (--netconf) keeps its SSH host key in /var/lib/vfwcl also when run
# from a build tree: the purge would take what others left there.
for d in /etc/vfwcl /var/lib/vfwcl; do
	[ ! -e "$d" ] || skip "$d exists already; the purge would remove what is in it"
done
make_tmp
admin_files="/etc/vfwcl/fw.json /etc/vfwcl/fw.env"
export DEBIAN_FRONTEND=noninteractive
apt_get() {
	apt-get -q -y --no-install-recommends -o DPkg::Lock::Timeout=300 \
		-o Dpkg::Options::=--force-confold "$@"
}
cleanup() {
	if dpkg-query -W -f='${Status}' vfwcl 2>/dev/null | grep -q installed; then
		apt_get purge vfwcl >/dev/null 2>&1 || true
	fi
	rm -f $admin_files
	rmdir /etc/vfwcl 2>/dev/null || true
	rm -rf /var/lib/vfwcl "$tmp"
}
trap cleanup EXIT

# Everything vfwcl's names appear in, outside the package manager's records.
snapshot() {
	find /etc /usr/bin /usr/libexec /usr/share/doc /usr/share/man /usr/share/vfwcl /lib/systemd \
		/var/lib /run \
		-path /var/lib/dpkg -prune -o -path /var/lib/apt -prune -o \
		-print 2>/dev/null | grep -E '/(vfwcl|vpkg|vfw|vsnk)([@._-]|$)' | sort
}
snapshot >"$tmp/before"

apt_get -s install "$DEB" >"$tmp/sim" 2>&1 || fail "apt-get -s install: $(tail -n 3 "$tmp/sim")"
others=$(awk '$1 == "Inst" && $2 != "vfwcl" {print $2}' "$tmp/sim" | tr '\n' ' ')
[ -z "$others" ] || skip "installing the .deb would also install: $others"

# --- install
apt_get install "$DEB" >"$tmp/log" 2>&1 || fail "apt-get install: $(tail -n 5 "$tmp/log")"
dpkg-query -L vfwcl | sort >"$tmp/files"
for f in /usr/bin/vpkg /usr/bin/vfw /usr/bin/vsnk /usr/bin/vfwcl-controller \
	/usr/libexec/vfwcl/vfwcl-hugepages; do
	[ -x "$f" ] || fail "$f is not installed executable"
done
for b in vpkg vfw vsnk vfwcl-controller; do
	[ -f "/usr/share/man/man1/$b.1.gz" ] || fail "no man page for $b"
	"/usr/bin/$b" --version >/dev/null || fail "$b --version failed"
	grep -qx "/lib/systemd/system/$b@.service" "$tmp/files" || fail "no $b@.service"
done
# the deploy descriptors: every file of deploy/{openbaton,tosca,heat}, same
# content and same executable bit (the lifecycle scripts run from there)
n=0
for src in $(cd "$VFWCL_SOURCE" && find deploy/openbaton deploy/tosca deploy/heat -type f); do
	inst=/usr/share/vfwcl/$src
	grep -qx "$inst" "$tmp/files" || fail "$src is not in the package ($inst)"
	cmp -s "$VFWCL_SOURCE/$src" "$inst" || fail "$inst differs from $src"
	if [ -x "$VFWCL_SOURCE/$src" ]; then
		[ -x "$inst" ] || fail "$inst is not executable"
	else
		[ ! -x "$inst" ] || fail "$inst is executable"
	fi
	n=$((n + 1))
done
[ "$n" -ge 20 ] || fail "only $n descriptor files found in the source tree"
extra=$(grep '^/usr/share/vfwcl/deploy/' "$tmp/files" | while read -r f; do
	[ -d "$f" ] || [ -e "$VFWCL_SOURCE/${f#/usr/share/vfwcl/}" ] || echo "$f"; done)
[ -z "$extra" ] || fail "the package has descriptor files the source tree has not: $extra"
# the installed OpenBaton scripts refuse a bad value as in the tree (exit 2)
rc=0
env -i PATH=/usr/bin:/bin binary=vfw instance=fw mgmt=no-address \
	/usr/share/vfwcl/deploy/openbaton/scripts/configure.sh >/dev/null 2>"$tmp/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "no-address" "$tmp/err" ||
	fail "the installed configure.sh did not refuse mgmt=no-address (exit $rc: $(cat "$tmp/err"))"

dpkg-query -W -f='${Conffiles}\n' vfwcl | grep -q ' /etc/vfwcl/hugepages.env ' ||
	fail "/etc/vfwcl/hugepages.env is not a conffile"

for unit in $(grep '^/lib/systemd/system/.*\.service$' "$tmp/files"); do
	systemd-analyze verify "$unit" >"$tmp/out" 2>"$tmp/err" || fail "verify $unit: $(cat "$tmp/err")"
	[ ! -s "$tmp/err" ] || fail "verify $unit: $(cat "$tmp/err")"
done

# the example config (its rules path is the installed example) on null ports,
# without its REST and VES addresses, which other tests may be using
python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))
for k in ("mgmt", "ves-url", "ves-ports"):
    c.pop(k, None)
json.dump(c, open(sys.argv[2], "w"))' /usr/share/doc/vfwcl/examples/fw.json "$tmp/fw.json"
/usr/bin/vfw -l 0-1 --no-huge --in-memory --no-pci --vdev net_null0 --vdev net_null1 -- \
	--config "$tmp/fw.json" --stats-file "$tmp/stats.json" --duration 1 >"$tmp/vfw.log" 2>&1 ||
	fail "vfw with the example config: $(tail -n 3 "$tmp/vfw.log")"
[ -s "$tmp/stats.json" ] || fail "vfw with the example config wrote no stats"

before=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null || echo none)
(set -a; . /etc/vfwcl/hugepages.env; /usr/libexec/vfwcl/vfwcl-hugepages) >/dev/null ||
	fail "vfwcl-hugepages with the shipped settings failed"
after=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null || echo none)
[ "$before" = "$after" ] || fail "the shipped hugepage settings changed the reservation"

# what the administrator and the units add
cp /usr/share/doc/vfwcl/examples/fw.json /etc/vfwcl/fw.json
cp /usr/share/doc/vfwcl/examples/fw.env /etc/vfwcl/fw.env
sed -i 's/^NR_HUGEPAGES=.*/NR_HUGEPAGES=16/' /etc/vfwcl/hugepages.env
mkdir -p /var/lib/vfwcl
echo '{}' >/var/lib/vfwcl/fw.stats.json
echo "ok: installed"

# --- upgrade to the same files under a higher version
dpkg-deb -R "$DEB" "$tmp/pkg"
sed -i 's/^Version: .*/&+deploytest1/' "$tmp/pkg/DEBIAN/control"
dpkg-deb -b --root-owner-group "$tmp/pkg" "$tmp/vfwcl_upgrade.deb" >/dev/null
rm -rf "$tmp/pkg"
apt_get install "$tmp/vfwcl_upgrade.deb" >"$tmp/log" 2>&1 || fail "apt-get install (upgrade): $(tail -n 5 "$tmp/log")"
dpkg-query -W -f='${Version}' vfwcl | grep -q '+deploytest1$' || fail "not upgraded"
grep -qx 'NR_HUGEPAGES=16' /etc/vfwcl/hugepages.env || fail "the upgrade lost the change to the conffile"
for f in $(cat "$tmp/files"); do
	[ -e "$f" ] || fail "$f is gone after the upgrade"
done
echo "ok: upgraded"

# --- purge
apt_get purge vfwcl >"$tmp/log" 2>&1 || fail "apt-get purge: $(tail -n 5 "$tmp/log")"
dpkg-query -W -f='${Status}' vfwcl 2>/dev/null | grep -q 'installed' && fail "still installed after purge"
for f in $(cat "$tmp/files"); do
	case $f in
	/. | /etc/vfwcl) continue ;;	# the root; /etc/vfwcl: kept while it holds the administrator's files
	esac
	if [ -e "$f" ] && ! dpkg-query -S "$f" >/dev/null 2>&1; then
		fail "$f is left after purge"
	fi
done
[ ! -e /etc/vfwcl/hugepages.env ] || fail "the conffile is left after purge"
[ ! -e /var/lib/vfwcl ] || fail "/var/lib/vfwcl is left after purge"
left=$(ls -A /etc/vfwcl | tr '\n' ' ')
[ "$left" = "fw.env fw.json " ] || fail "/etc/vfwcl after purge holds '$left', expected the administrator's fw.env fw.json"
rm -f $admin_files
rmdir /etc/vfwcl
snapshot >"$tmp/after"
diff -u "$tmp/before" "$tmp/after" >&2 || fail "files named after vfwcl differ from before the install"
echo "PASS: install, upgrade, purge"
