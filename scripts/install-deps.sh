#!/bin/sh
# Install the Debian 12 packages the project needs to build, test and run.
# Idempotent: installs only what is missing. Needs root (apt-get).
set -eu

PACKAGES="
	gcc pkg-config meson ninja-build python3
	dpdk dpdk-dev libdpdk-dev
	libjansson-dev libcmocka-dev libpcap-dev
	libbpf-dev libcurl4-openssl-dev libmicrohttpd-dev
	iproute2 ethtool curl openssl nftables
	chromium prometheus wrk
	clang libfuzzer-14-dev
	debhelper dpkg-dev fakeroot lintian help2man
	libnetconf2-dev libyang2-dev libyang2-tools libssh-dev python3-ncclient libyuma-base
	python3-tosca-parser python3-yaml yamllint python3-jsonschema shellcheck
	influxdb influxdb-client
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# Packages with a service (influxdb, prometheus) must not start it here: the
# tests start their own server on loopback with temporary data, and a
# container has no init to manage one. Without a policy-rc.d of the host's,
# one that denies every start is in place for the install only.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
