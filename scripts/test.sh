#!/bin/sh
# Build the project and run every test suite (unit, dataplane, peer, system).
#
#   scripts/test.sh                 build/ and all tests
#   scripts/test.sh --suite unit    extra arguments go to 'meson test'
#   BUILD_DIR=build-asan MESON_ARGS="-Db_sanitize=address,undefined" scripts/test.sh
#
# Exits non-zero when the build or any test fails.
set -eu
cd "$(dirname "$0")/.."

BUILD_DIR=${BUILD_DIR:-build}
MESON_ARGS=${MESON_ARGS:-}

scripts/install-deps.sh

if [ -f "$BUILD_DIR/build.ninja" ]; then
	# shellcheck disable=SC2086
	meson setup --reconfigure "$BUILD_DIR" -Dwerror=true $MESON_ARGS >/dev/null
else
	# shellcheck disable=SC2086
	meson setup "$BUILD_DIR" -Dwerror=true $MESON_ARGS
fi
ninja -C "$BUILD_DIR"
meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 1 "$@"
