#!/bin/sh
# STOP: stop the instance (SIGTERM, a clean stop writing the stats; SIGKILL
# only after 30 s) and remove its pid file and DPDK's files.
set -eu
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
vnf_identity
if use_systemd; then
	systemctl stop "$UNIT"
	exit 0
fi
if [ -f "$PIDF" ]; then
	pid=$(cat "$PIDF")
	case $pid in '' | *[!0-9]*) fail "bad pid file $PIDF" ;; esac
	if pid_alive "$pid"; then
		kill -TERM "$pid"
		i=0
		while pid_alive "$pid" && [ "$i" -lt 300 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if pid_alive "$pid"; then
			echo "$PROG: $binary (pid $pid) still running after 30 s: SIGKILL" >&2
			kill -KILL "$pid"
			while pid_alive "$pid"; do sleep 0.1; done
		fi
	fi
	rm -f "$PIDF"
fi
remove_dpdk_leftovers
