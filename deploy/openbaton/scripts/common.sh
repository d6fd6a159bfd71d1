# shellcheck shell=sh disable=SC2034 # the variables are the scripts'
# Shared by the OpenBaton lifecycle scripts of vpkg, vfw and vsnk (sourced).
#
# The generic VNFM exports to every script the VNFD's configuration
# parameters (binary, instance, mgmt_port, prefix_len, eal_options,
# af_packet_frames, and rules or rate) and the VM's address on each network
# ($mgmt, $unprotected, $protected); CONFIGURE scripts also get their
# dependency's variables
# ($vsnk_protected, $vfw_unprotected). Everything comes from outside: each
# value is checked before use, a bad one exits 2 naming it.
#
# Environment (for tests and non-standard layouts):
#   VFWCL_ETC       instance configurations (default /etc/vfwcl, what the units read)
#   VFWCL_RUN       pid files without systemd (default /run/vfwcl)
#   VFWCL_LOG       output of the binaries without systemd (default /var/log/vfwcl)
#   VFWCL_BUILD     a meson build tree: binaries from there, nothing installed
#   VFWCL_RULES_DIR where the rules file is (default /usr/share/doc/vfwcl/examples)
#   VFWCL_DEB       the .deb install.sh installs (default: apt-get install vfwcl)

ETC=${VFWCL_ETC:-/etc/vfwcl}
RUN=${VFWCL_RUN:-/run/vfwcl}
LOG=${VFWCL_LOG:-/var/log/vfwcl}
PROG=$(basename "$0")

usage_error() { echo "$PROG: $*" >&2; exit 2; }
fail() { echo "$PROG: $*" >&2; exit 1; }

# check_name VAR VALUE: letters, digits, '_' and '-' (a file and unit name)
check_name() {
	case $2 in
	'' | -* | *[!A-Za-z0-9_-]*) usage_error "invalid $1 '$2' (letters, digits, _ and -)" ;;
	esac
}

# check_ipv4 VAR VALUE: a dotted quad
check_ipv4() {
	case $2 in
	*[!0-9.]* | *..* | .* | *.) usage_error "invalid $1 '$2' (an IPv4 address)" ;;
	esac
	_var=$1 _val=$2 _ifs=$IFS
	IFS=.
	# shellcheck disable=SC2086 # split on the dots on purpose
	set -- $2
	IFS=$_ifs
	[ $# -eq 4 ] || usage_error "invalid $_var '$_val' (an IPv4 address has four numbers)"
	for _n in "$@"; do
		if [ "${#_n}" -gt 3 ] || [ "$_n" -gt 255 ]; then
			usage_error "invalid $_var '$_val': $_n is not 0..255"
		fi
	done
}

# check_uint VAR VALUE MIN MAX
check_uint() {
	case $2 in
	'' | *[!0-9]*) usage_error "invalid $1 '$2' (a number from $3 to $4)" ;;
	esac
	if [ "${#2}" -gt 5 ] || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
		usage_error "invalid $1 '$2' (a number from $3 to $4)"
	fi
}

# The VNF this VM runs: its binary and instance name (configuration parameters).
vnf_identity() {
	case ${binary:-} in
	vpkg | vfw | vsnk) ;;
	*) usage_error "invalid binary '${binary:-}' (vpkg, vfw or vsnk)" ;;
	esac
	check_name instance "${instance:-}"
	CONF=$ETC/$instance.json
	ENVF=$ETC/$instance.env
	PREFIX=$binary-$instance	# DPDK's --file-prefix, as the units set it
	PIDF=$RUN/$PREFIX.pid
	UNIT=$binary@$instance.service
}

binary_path() {
	if [ -n "${VFWCL_BUILD:-}" ]; then
		echo "$VFWCL_BUILD/$binary/$binary"
	else
		echo "/usr/bin/$binary"
	fi
}

use_systemd() { [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; }

# iface_of ADDR: the interface of this VM that holds ADDR (the VIM put it there)
iface_of() {
	_if=$(ip -o -4 addr show to "$1/32" | awk 'NR == 1 { print $2 }')
	[ -n "$_if" ] || fail "no interface holds $1"
	echo "$_if"
}

# pid_alive PID: PID runs our binary (not a reused number)
pid_alive() {
	[ -r "/proc/$1/comm" ] && [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$binary" ]
}

# Files a DPDK process may leave after it was killed: its run-time directory
# and hugepage files (systemd's RuntimeDirectory removes the former for units).
remove_dpdk_leftovers() {
	rm -rf "/var/run/dpdk/$PREFIX"
	awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts | while read -r _mnt; do
		rm -f "$_mnt/${PREFIX}map_"*
	done
}
