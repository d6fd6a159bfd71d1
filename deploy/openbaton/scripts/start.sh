#!/bin/sh
# START: the instance's unit under systemd; otherwise the binary in the
# background with a pid file, as the unit would run it. Returns once the
# REST API answers (or fails with the binary's last output).
set -eu
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
vnf_identity
if [ ! -f "$CONF" ] || [ ! -f "$ENVF" ]; then
	fail "$CONF or $ENVF missing (run the CONFIGURE scripts first)"
fi
if use_systemd; then
	systemctl enable --now "$UNIT"
	exit 0
fi
if [ -f "$PIDF" ] && pid_alive "$(cat "$PIDF")"; then
	fail "$binary is already running (pid $(cat "$PIDF"))"
fi
EAL_ARGS=
# shellcheck disable=SC1090 # written by configure.sh
. "$ENVF"
mkdir -p "$RUN" "$LOG"
bin=$(binary_path)
# shellcheck disable=SC2086 # EAL_ARGS is a list of options
"$bin" --file-prefix="$PREFIX" $EAL_ARGS -- --config "$CONF" </dev/null >>"$LOG/$instance.log" 2>&1 &
pid=$!
echo "$pid" >"$PIDF"

# up when the status answers, bounded (a slow VM); gone means failed
i=0
while :; do
	if ! kill -0 "$pid" 2>/dev/null; then
		rm -f "$PIDF"
		tail -n 5 "$LOG/$instance.log" >&2
		fail "$binary exited at start"
	fi
	if command -v curl >/dev/null; then
		curl -fs "http://${mgmt:-127.0.0.1}:${mgmt_port:-8181}/api/v1/status" >/dev/null && break
	else
		break
	fi
	i=$((i + 1))
	[ "$i" -lt 600 ] || fail "$binary does not answer on ${mgmt:-}:${mgmt_port:-} after 60 s"
	sleep 0.1
done
