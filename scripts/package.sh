#!/bin/sh
# Build the Debian package in one step and check it with lintian.
#
#   scripts/package.sh              package HEAD (the committed tree)
#   scripts/package.sh --worktree   package the working tree as it is
#   OUT_DIR=dir scripts/package.sh  where the .deb, .changes and .buildinfo go
#                                   (default: build-pkg/ in the checkout)
#
# The build runs in a temporary copy (dpkg-buildpackage writes next to the
# source and into debian/), without the test suite unless
# DEB_BUILD_OPTIONS says otherwise. Prints the .deb paths. Exits non-zero
# when the build fails or lintian reports any error or warning.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

source_from=head
case "${1:-}" in
'') ;;
--worktree) source_from=worktree ;;
*) echo "package.sh: unknown argument '$1' (--worktree or nothing)" >&2; exit 2 ;;
esac

OUT_DIR=${OUT_DIR:-$top/build-pkg}
export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-nocheck}"

scripts/install-deps.sh
if ! dpkg-checkbuilddeps debian/control 2>/dev/null; then
	# as root: the build dependencies debian/control names
	apt-get build-dep -y -q ./
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vfwcl-pkg.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/vfwcl"
if [ "$source_from" = head ]; then
	git archive --format=tar HEAD | tar -x -C "$work/vfwcl"
else
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 cp --parents -t "$work/vfwcl"
fi

(cd "$work/vfwcl" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
	tail -n 40 "$work/build.log" >&2
	echo "package.sh: dpkg-buildpackage failed (log above)" >&2
	exit 1
}

mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/vfwcl_*
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$OUT_DIR"/
changes=$(ls "$OUT_DIR"/vfwcl_*.changes)

# --fail-on error,warning: the exit status says whether lintian found either
echo "package.sh: lintian $changes"
lintian --fail-on error,warning --display-info "$changes"
echo "package.sh: lintian: no error, no warning"
ls "$OUT_DIR"/*.deb
