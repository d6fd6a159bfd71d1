#!/bin/sh
# TERMINATE: stop the instance if it runs, disable its unit, remove its
# configuration (the VM goes away next; the package stays with it).
set -eu
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
vnf_identity
"$(dirname "$0")/stop.sh"
if use_systemd; then
	systemctl disable "$UNIT" 2>/dev/null || true
fi
rm -f "$CONF" "$ENVF"
