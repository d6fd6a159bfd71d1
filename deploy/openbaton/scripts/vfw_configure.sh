#!/bin/sh
# CONFIGURE of vpkg, dependency on vfw: $vfw_unprotected is the firewall's
# address on the unprotected network, vpkg's gateway.
set -eu
[ -n "${vfw_unprotected:-}" ] || { echo "vfw_configure.sh: vfw_unprotected is not set" >&2; exit 2; }
exec "$(dirname "$0")/configure.sh"
