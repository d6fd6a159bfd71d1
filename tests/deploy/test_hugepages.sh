#!/bin/sh
# vfwcl-hugepages (the vfwcl-hugepages.service script) against a fake sysfs:
# bad values are exit 2 with one line naming them and change nothing; it
# reserves what is asked, never lowers a reservation, and 0 (the shipped
# default) touches nothing.
set -eu
. "$(dirname "$0")/deploy_lib.sh"

script=${VFWCL_SOURCE:?}/deploy/systemd/vfwcl-hugepages
make_tmp
export SYSFS_ROOT="$tmp/sys"
mkdir -p "$SYSFS_ROOT/kernel/mm/hugepages/hugepages-2048kB"
pages="$SYSFS_ROOT/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"

# run NR SIZE: the script's exit status in $rc, its stderr in $tmp/err
run() {
	rc=0
	NR_HUGEPAGES=$1 HUGEPAGE_SIZE_KB=$2 "$script" >"$tmp/out" 2>"$tmp/err" || rc=$?
}
expect() {	# expect RC PAGES WHAT
	[ "$rc" -eq "$1" ] || fail "$3: exit $rc, expected $1 ($(cat "$tmp/err"))"
	[ "$(cat "$pages")" -eq "$2" ] || fail "$3: $(cat "$pages") pages, expected $2"
}
expect_error_naming() {	# expect_error_naming VALUE WHAT
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$2: not one line on stderr: $(cat "$tmp/err")"
	grep -qF -- "$1" "$tmp/err" || fail "$2: the error does not name '$1': $(cat "$tmp/err")"
}

echo 5 >"$pages"
for bad in abc -5 12x 1e3 "4 4" 9999999999; do
	run "$bad" 2048
	expect 2 5 "NR_HUGEPAGES='$bad'"
	expect_error_naming "$bad" "NR_HUGEPAGES='$bad'"
done
run 64 1234
expect 2 5 "HUGEPAGE_SIZE_KB=1234 (no such page size)"
expect_error_naming 1234 "HUGEPAGE_SIZE_KB=1234"
run 64 2M
expect 2 5 "HUGEPAGE_SIZE_KB=2M"
expect_error_naming 2M "HUGEPAGE_SIZE_KB=2M"

run 0 2048
expect 0 5 "NR_HUGEPAGES=0"
run 64 2048
expect 0 64 "a reservation of 64"
run 32 2048
expect 0 64 "asking for fewer than reserved"
echo 0 >"$pages"
run 064 2048
expect 0 64 "064 pages (decimal, not octal)"
run 100 02048
expect 0 100 "HUGEPAGE_SIZE_KB=02048"

# the shipped environment file reserves nothing
echo 7 >"$pages"
rc=0
(set -a; . "${VFWCL_SOURCE}/deploy/systemd/hugepages.env"; "$script") >"$tmp/out" 2>"$tmp/err" || rc=$?
expect 0 7 "the shipped hugepages.env"
echo "PASS: vfwcl-hugepages"
