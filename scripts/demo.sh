#!/bin/bash
# The ONAP vFirewall closed loop on this machine, with virtual ports:
#
#   vpkg --memif--> vfw --memif--> vsnk        (data plane, DPDK, no hugepages)
#          ^         | VES every interval
#          |         v
#          +---- vfwcl-controller              (collector + TCA + policy + action)
#     ONAP stream-count API (Basic auth)
#
# Traffic is driven as ONAP's demo did: high (10 streams), then low (1
# stream), alternating; each time the closed loop brings vpkg back to 5
# streams. A timeline is printed; vsnk's dashboard shows the bars.
#
#   scripts/demo.sh [--interval SEC] [--cycles N] [--api rest|netconf] [--no-build] [--keep]
#
#   --interval SEC  measurement interval (default 10, as ONAP); the stream
#                   rate is scaled so that an interval still holds ONAP's
#                   packet counts (10 streams: 1000, 5: 500, 1: 100)
#   --cycles N      high/low cycles, then stop (default: until Ctrl-C)
#   --api netconf   the controller acts as APPC through ODL does: edit-config
#                   over NETCONF/SSH on vpkg's port (host key trusted on first
#                   use into the run directory); default rest (ONAP's RESTCONF)
#   --no-build      do not install packages or build
#   --keep          keep the run directory (logs, stats) after the stop
#
# Environment: VES_PORT, ONAP_PORT, NETCONF_PORT, VFW_PORT, DASH_PORT (loopback ports),
# CTL_VPKG_URL (where the controller sends its ONAP requests), BUILD_DIR.
#
# Ctrl-C stops everything cleanly: no stray process, socket or file.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

INTERVAL=10
CYCLES=0
BUILD=1
KEEP=0
API=rest
while [ $# -gt 0 ]; do
	case "$1" in
	--interval) INTERVAL=${2:?--interval needs SEC}; shift 2 ;;
	--cycles) CYCLES=${2:?--cycles needs N}; shift 2 ;;
	--no-build) BUILD=0; shift ;;
	--keep) KEEP=1; shift ;;
	--api) API=${2:?--api needs rest or netconf}; shift 2 ;;
	-h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done
if ! [[ "$INTERVAL" =~ ^[0-9]+$ ]] || [ "$INTERVAL" -lt 1 ] || [ "$INTERVAL" -gt 3600 ]; then
	echo "demo.sh: --interval: invalid value '$INTERVAL' (whole seconds, 1..3600)" >&2
	exit 2
fi
if [ "$API" != rest ] && [ "$API" != netconf ]; then
	echo "demo.sh: --api: invalid value '$API' (rest or netconf)" >&2
	exit 2
fi
if ! [[ "$CYCLES" =~ ^[0-9]+$ ]]; then
	echo "demo.sh: --cycles: invalid value '$CYCLES' (a whole number)" >&2
	exit 2
fi

BUILD_DIR=${BUILD_DIR:-build}
if [ "$BUILD" = 1 ]; then
	scripts/install-deps.sh
	[ -f "$BUILD_DIR/build.ninja" ] || meson setup "$BUILD_DIR" >/dev/null
	ninja -C "$BUILD_DIR" >/dev/null
fi
B=$ROOT/$BUILD_DIR

# Ports on this host (loopback only) and the addresses of ONAP's demo.
VES_PORT=${VES_PORT:-8090}        # the controller's VES collector
ONAP_PORT=${ONAP_PORT:-8183}      # vpkg's ONAP API (as honeycomb's)
NETCONF_PORT=${NETCONF_PORT:-2831} # vpkg's NETCONF server (as honeycomb's)
VFW_PORT=${VFW_PORT:-8081}        # vfw's REST API
DASH_PORT=${DASH_PORT:-8667}      # vsnk's dashboard (darkstat was on 667)
VFW_MAC0=02:00:00:00:10:64        # vfw unprotected, 192.168.10.100
VFW_MAC1=02:00:00:00:20:64        # vfw protected, 192.168.20.100
PKG_MAC=02:00:00:00:10:c8         # vpkg, 192.168.10.200
SNK_MAC=02:00:00:00:20:fa         # vsnk, 192.168.20.250

RUN=$(mktemp -d /tmp/vfwcl-demo.XXXXXX)
PIDS=()
declare -A PID
STOP_ORDER=()
STOPPING=0

stop_all() {
	[ "$STOPPING" = 1 ] && return
	STOPPING=1
	echo "stopping: controller's actions held, then generator, firewall, sink, controller (each drained first)..."
	local p
	# open the loop first: the controller keeps receiving vfw's last events
	# but acts no more, and its action in flight (if any) completes, so that
	# no action targets a stopped generator
	if [ -n "${PID[controller]:-}" ] && kill -USR1 "${PID[controller]}" 2>/dev/null; then
		for _ in $(seq 100); do
			curl -s -m 1 "http://127.0.0.1:$VES_PORT/api/v1/stats" 2>/dev/null | python3 -c '
import json, sys
a = json.load(sys.stdin)["actions"]
sys.exit(0 if a["held"] and not a["in_flight"] else 1)' 2>/dev/null && break
			sleep 0.1
		done
	fi
	# in data-path order, with time for the rings to drain in between:
	# nothing in flight is lost (the generator, the firewall, the sink)
	for p in "${STOP_ORDER[@]}"; do
		[ -n "$p" ] || continue
		kill -INT "$p" 2>/dev/null || true
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
		sleep 0.3
	done
	rm -rf /var/run/dpdk/vfwcl-demo-* 2>/dev/null || true
	if [ "$KEEP" = 1 ]; then
		echo "run directory kept: $RUN"
	else
		rm -rf "$RUN"
	fi
}
trap 'stop_all; exit 0' INT TERM
trap 'stop_all' EXIT

umask 077
printf 'admin\n' >"$RUN/onap.pw"    # ONAP demo's credentials, set here by the user of the demo

# each stream sends 100 packets per interval (ONAP: 10 pps x 10 s)
RATE=$(python3 -c "print('%.6gpps' % (100.0 / $INTERVAL))")
EAL=(--no-huge -m 512 --no-pci --log-level=4)
MEMIF="socket-abstract=no"

start() { # name, then the command
	local name=$1; shift
	"$@" >"$RUN/$name.log" 2>&1 &
	PIDS+=($!)
	PID[$name]=$!
	STOP_ORDER=("${PID[vpkg]:-}" "${PID[vfw]:-}" "${PID[vsnk]:-}" "${PID[controller]:-}" "${PID[timeline]:-}")
}

CTL_API=()
[ "$API" = netconf ] && CTL_API=(--api netconf --vpkg-netconf "127.0.0.1:$NETCONF_PORT"
	--vpkg-netconf-known-hosts "$RUN/known_hosts")
start controller "$B/controller/vfwcl-controller" --listen "127.0.0.1:$VES_PORT" "${CTL_API[@]}" \
	--vpkg "${CTL_VPKG_URL:-http://127.0.0.1:$ONAP_PORT}" --vpkg-user admin --vpkg-password-file "$RUN/onap.pw" \
	--min-interval "$(python3 -c "print($INTERVAL * 0.9)")" --log "$RUN/decisions.log" --events-file "$RUN/events.log"

start vfw "$B/vfw/vfw" -l 0-1 "${EAL[@]}" --file-prefix vfwcl-demo-vfw \
	--vdev "net_memif0,role=server,socket=$RUN/a.sock,$MEMIF,mac=$VFW_MAC0" \
	--vdev "net_memif1,role=server,socket=$RUN/b.sock,$MEMIF,mac=$VFW_MAC1" \
	-- --idle-sleep 1000 --eth-peer "1,$SNK_MAC" --mgmt "127.0.0.1:$VFW_PORT" \
	--ves-url "http://127.0.0.1:$VES_PORT/eventListener/v5" --ves-interval "$INTERVAL" --ves-ports 0 \
	--ves-source-name vfw-demo --stats-file "$RUN/vfw.json"
for _ in $(seq 100); do [ -S "$RUN/a.sock" ] && [ -S "$RUN/b.sock" ] && break; sleep 0.1; done

start vsnk "$B/vsnk/vsnk" -l 0-1 "${EAL[@]}" --file-prefix vfwcl-demo-vsnk \
	--vdev "net_memif0,role=client,socket=$RUN/b.sock,$MEMIF,mac=$SNK_MAC" \
	-- --idle-sleep 1000 --mgmt "127.0.0.1:$DASH_PORT" --dashboard-interval "$INTERVAL" \
	--stats-file "$RUN/vsnk.json"

start vpkg "$B/vpkg/vpkg" -l 0-1 "${EAL[@]}" --file-prefix vfwcl-demo-vpkg \
	--vdev "net_memif0,role=client,socket=$RUN/a.sock,$MEMIF,mac=$PKG_MAC" \
	-- --idle-sleep 1000 --gateway 192.168.10.100 --rate "$RATE" \
	--onap --mgmt "127.0.0.1:$ONAP_PORT" --mgmt-user admin --mgmt-password-file "$RUN/onap.pw" \
	--netconf "127.0.0.1:$NETCONF_PORT" --netconf-state-dir "$RUN" \
	--stats-file "$RUN/vpkg.json"

onap() { # METHOD [BODY]: vpkg's stream-count resource, as ONAP sends it
	curl -s -m 5 -u admin:admin -X "$1" -H 'Content-Type: application/json' \
		-H 'Accept: application/json' ${2:+-d "$2"} \
		"http://127.0.0.1:$ONAP_PORT/restconf/config/stream-count:stream-count/streams"
}
streams_now() {
	onap GET | python3 -c 'import json,sys; print(json.load(sys.stdin)["streams"]["active-streams"])' 2>/dev/null || echo "?"
}
set_streams() {
	onap PUT "{\"streams\": {\"active-streams\": $1}}" >/dev/null
}

# wait for every process to serve
for _ in $(seq 100); do
	[ "$(streams_now)" != "?" ] && curl -s -m 1 -o /dev/null "http://127.0.0.1:$DASH_PORT/api/v1/health" && break
	for p in "${PIDS[@]}"; do
		kill -0 "$p" 2>/dev/null || { echo "demo.sh: a process failed to start; its log:" >&2; tail -n 5 "$RUN"/*.log >&2; exit 1; }
	done
	sleep 0.2
done

echo "vFWCL demo: interval ${INTERVAL} s, ${RATE} per stream; thresholds: <= 300 low, >= 700 high -> 5 streams"
echo "dashboard: http://127.0.0.1:$DASH_PORT/   vpkg ONAP API: http://127.0.0.1:$ONAP_PORT (admin/admin)   logs: $RUN"
echo
printf '%-8s %-9s %10s  %-7s %-36s %s\n' TIME EVENT PACKETS VERDICT ACTION STREAMS

# the timeline: one line per decision of the controller
touch "$RUN/decisions.log"
tail -n 0 -F "$RUN/decisions.log" 2>/dev/null | python3 -u -c '
import json, sys, time, subprocess
URL = sys.argv[1]
for line in sys.stdin:
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if d.get("verdict") == "held":
        print("%-8s %-9s %10s  %-7s %s" % (time.strftime("%H:%M:%S"), "-", "-", "held",
              "(no more actions: stopping)"), flush=True)
        continue
    if "sequence" not in d or "value" not in d:
        print("%-8s %-9s %10s  %-7s (%s)" % (time.strftime("%H:%M:%S"), "-", "-",
              d.get("verdict", "?"), str(d.get("reason", ""))[:60]), flush=True)
        continue
    act = "-" if d["action"] == "none" else "streams -> 5: " + d["result"]
    if d["action"] == "none" and d["result"] != "within thresholds":
        act = "(" + d["result"] + ")"
    now = subprocess.run(["curl", "-s", "-m", "2", "-u", "admin:admin", URL],
                         capture_output=True, text=True).stdout
    try:
        streams = json.loads(now)["streams"]["active-streams"]
    except (ValueError, KeyError, TypeError):
        streams = "?"
    print("%-8s %-9s %10.0f  %-7s %-36s %s" % (time.strftime("%H:%M:%S"), "#%d" % d["sequence"],
          d["value"], d["verdict"], act[:36], streams), flush=True)
' "http://127.0.0.1:$ONAP_PORT/restconf/config/stream-count:stream-count/streams" &
PIDS+=($!)
PID[timeline]=$!
STOP_ORDER+=("${PID[timeline]}")

settle() { # wait until vpkg is at 5 streams (the loop acted), bounded
	local limit=$((INTERVAL * 6 + 10)) t0 t1
	t0=$(date +%s.%N)
	while [ "$(streams_now)" != 5 ]; do
		sleep 0.1
		t1=$(date +%s.%N)
		python3 -c "import sys; sys.exit(0 if $t1 - $t0 < $limit else 1)" || break
	done
	t1=$(date +%s.%N)
	python3 -c "print('         -> vpkg at %s active streams after %.1f s (%.1f intervals)' % ('$(streams_now)', $t1 - $t0, ($t1 - $t0) / $INTERVAL))"
}

cycle=0
while [ "$CYCLES" = 0 ] || [ $cycle -lt "$CYCLES" ]; do
	cycle=$((cycle + 1))
	echo "--- cycle $cycle: traffic high (10 streams)"
	set_streams 10
	settle
	sleep "$INTERVAL"
	echo "--- cycle $cycle: traffic low (1 stream)"
	set_streams 1
	settle
	sleep "$INTERVAL"
done
