#!/bin/sh
# Write the instance's configuration, $VFWCL_ETC/<instance>.json (the
# binaries' --config format, what the units read) and <instance>.env (the
# EAL options: a net_af_packet port on each data network's interface).
# vsnk runs it at INSTANTIATE; vfw and vpkg through their CONFIGURE script,
# which brings the dependency's address.
set -eu
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
vnf_identity
check_ipv4 mgmt "${mgmt:-}"
check_uint mgmt_port "${mgmt_port:-}" 1 65535
check_uint prefix_len "${prefix_len:-}" 1 32
# socket ring of each net_af_packet port: what it holds while the binary is
# paused or restarting (DPDK's default, 512 frames, is 5 s of the demo)
check_uint af_packet_frames "${af_packet_frames:-}" 64 65536
case ${eal_options:-} in
*[!A-Za-z0-9\ ,.=_/:-]*) usage_error "invalid eal_options '$eal_options'" ;;
esac

vdev() { echo "--vdev net_af_packet$1,iface=$(iface_of "$2"),framecnt=$af_packet_frames"; }
common="\"mgmt\": \"$mgmt:$mgmt_port\", \"idle-sleep\": 100"
case $binary in
vsnk)
	check_ipv4 protected "${protected:-}"
	vdevs=$(vdev 0 "$protected")
	json="{$common}"
	;;
vfw)
	check_ipv4 unprotected "${unprotected:-}"
	check_ipv4 protected "${protected:-}"
	check_ipv4 vsnk_protected "${vsnk_protected:-}"
	# the VES collector (DCAE's, or vfwcl-controller closing the loop on
	# vpkg); none when ves_collector_ip is empty
	ves=
	if [ -n "${ves_collector_ip:-}" ]; then
		check_ipv4 ves_collector_ip "$ves_collector_ip"
		check_uint ves_collector_port "${ves_collector_port:-}" 1 65535
		check_uint ves_interval "${ves_interval:-}" 1 3600
		ves=", \"ves-url\": \"http://$ves_collector_ip:$ves_collector_port/eventListener/v5\", \"ves-interval\": $ves_interval, \"ves-ports\": \"0\""
	fi
	case ${rules:-} in
	'' | .* | */* | *[!A-Za-z0-9_.-]*) usage_error "invalid rules '${rules:-}' (a file name)" ;;
	esac
	rules_file=${VFWCL_RULES_DIR:-/usr/share/doc/vfwcl/examples}/$rules
	[ -f "$rules_file" ] || fail "no rules file $rules_file"
	vdevs="$(vdev 0 "$unprotected") $(vdev 1 "$protected")"
	# vsnk answers no ARP: its VM's kernel does; a host route via it gives
	# the sink's next hop an object every session caches (vfw/README.md)
	json="{$common, \"rules\": \"$rules_file\", \"port-ips\": [\"0,$unprotected/$prefix_len\", \"1,$protected/$prefix_len\"], \"routes\": [\"$vsnk_protected/32,$vsnk_protected\"]$ves}"
	;;
vpkg)
	check_ipv4 unprotected "${unprotected:-}"
	check_ipv4 vfw_unprotected "${vfw_unprotected:-}"
	case ${rate:-} in
	'' | *[!A-Za-z0-9.%-]*) usage_error "invalid rate '${rate:-}'" ;;
	esac
	vdevs=$(vdev 0 "$unprotected")
	json="{$common, \"gateway\": \"$vfw_unprotected\", \"local-ip\": \"$unprotected\", \"rate\": \"$rate\"}"
	;;
esac

mkdir -p "$ETC"
umask 027
echo "$json" >"$CONF.tmp"
printf 'EAL_ARGS="%s %s"\n' "$eal_options" "$vdevs" >"$ENVF.tmp"
mv "$CONF.tmp" "$CONF"
mv "$ENVF.tmp" "$ENVF"
