#!/bin/sh
# INSTANTIATE: install the vfwcl package (or check the build tree's binaries).
set -eu
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
vnf_identity
bin=$(binary_path)
if [ -n "${VFWCL_BUILD:-}" ]; then
	[ -x "$bin" ] || fail "$bin missing (VFWCL_BUILD is not a built tree)"
elif [ ! -x "$bin" ]; then
	if [ -n "${VFWCL_DEB:-}" ]; then
		[ -f "$VFWCL_DEB" ] || usage_error "VFWCL_DEB: no file '$VFWCL_DEB'"
		pkg=$VFWCL_DEB
		case $pkg in /*) ;; *) pkg=./$pkg ;; esac
	else
		pkg=vfwcl
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null || fail "apt-get install $pkg failed"
fi
mkdir -p "$ETC"
use_systemd || mkdir -p "$RUN" "$LOG"
