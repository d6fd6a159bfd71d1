#!/bin/sh
# CONFIGURE of vfw, dependency on vsnk: $vsnk_protected is the sink's
# address on the protected network (the generic VNFM runs a CONFIGURE script
# with the variables of the source whose type starts its name).
set -eu
[ -n "${vsnk_protected:-}" ] || { echo "vsnk_configure.sh: vsnk_protected is not set" >&2; exit 2; }
exec "$(dirname "$0")/configure.sh"
