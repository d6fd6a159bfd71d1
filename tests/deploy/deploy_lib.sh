# Helpers shared by the deploy tests (sourced, POSIX sh).

SKIP=77

# Print a line and exit: fail, or skip (77, which meson shows as SKIP).
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
skip() {
	echo "SKIP: $*"
	exit $SKIP
}

# DEB: the vfwcl .deb scripts/package.sh built, in VFWCL_DEB_DIR or the
# checkout's build-pkg/; skips the test when there is none.
find_deb() {
	dir=${VFWCL_DEB_DIR:-${VFWCL_SOURCE:?}/build-pkg}
	for DEB in "$dir"/vfwcl_*.deb; do
		[ -f "$DEB" ] && return 0
	done
	skip "no vfwcl_*.deb in $dir: run scripts/package.sh first"
}

# The unit files a package directory tree holds.
units_in() {
	ls "$1"/lib/systemd/system/*.service
}

# A temporary directory removed when the test exits.
make_tmp() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/vfwcl-deploy.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
}
