#!/usr/bin/env bash
# End-to-end tests of the real app over WebDriver, on a real Go fixture, under Xvfb.
#
#   tests/e2e/run.sh                 build the fixture and the app, run the tests
#   APP_BIN=/path/to/app tests/e2e/run.sh    reuse an app binary (skips the UI and app build)
#   KEEP_WORK=1 tests/e2e/run.sh     keep the temp dir (fixture, logs) for debugging
#   tests/e2e/run.sh CMD ARGS...     run CMD in the prepared environment instead of the tests
#                                    (e.g. `node tests/e2e/screenshots.mjs light`)
#
# Needs: Xvfb, tauri-driver, WebKitWebDriver, node >= 20, a Go toolchain (scripts/setup.sh),
# and `npm ci` in tests/e2e (the Tauri CLI). Screenshots go to artifacts/e2e/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
E2E="$ROOT/tests/e2e"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export ARTIFACTS_DIR=${ARTIFACTS_DIR:-$ROOT/artifacts/e2e}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gocache-e2e.XXXXXX")
XVFB_PID=""
DRIVER_PID=""
DBUS_PID=""
DUNST_PID=""

log() { printf 'e2e: %s\n' "$*" >&2; }

cleanup() {
  local status=$?
  # tauri-driver runs in its own process group with WebKitWebDriver and the app under it.
  if [ -n "$DRIVER_PID" ]; then
    kill -TERM -- "-$DRIVER_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$DRIVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$DRIVER_PID" 2>/dev/null || true
  fi
  if [ -n "$DUNST_PID" ]; then kill -TERM "$DUNST_PID" 2>/dev/null || true; fi
  if [ -n "$DBUS_PID" ]; then kill -TERM "$DBUS_PID" 2>/dev/null || true; fi
  if [ -n "$XVFB_PID" ]; then
    kill -TERM "$XVFB_PID" 2>/dev/null || true
    wait "$XVFB_PID" 2>/dev/null || true
  fi
  if [ "${KEEP_WORK:-0}" = 1 ] || [ "$status" != 0 ]; then
    log "work dir kept: $WORK (driver log: $WORK/tauri-driver.log)"
  else
    chmod -R u+w "$WORK" 2>/dev/null || true
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 1. The fixture: a real module cache and build cache made by the Go toolchain.
FIXTURE_BIN=${FIXTURE_BIN:-}
if [ -z "$FIXTURE_BIN" ]; then
  log "building gocache-fixture"
  (cd "$ROOT" && cargo build -q -p gocache-tests --bin gocache-fixture)
  FIXTURE_BIN="$TARGET_DIR/debug/gocache-fixture"
fi
log "building the fixture in $WORK/fixture"
# FIXTURE_ARGS: extra gocache-fixture options (e.g. "--modules 40 --toolchain" for screenshots).
# shellcheck disable=SC2086
"$FIXTURE_BIN" --out "$WORK/fixture" ${FIXTURE_ARGS:-} >"$WORK/fixture.json"
export FIXTURE_JSON="$WORK/fixture.json"

# 2. The app: the UI bundle, then `tauri build --debug --no-bundle` (embeds ui/dist, no devUrl).
if [ -z "${APP_BIN:-}" ]; then
  log "building the UI"
  (cd "$ROOT/ui" && npm run build --silent)
  log "building the app"
  (cd "$ROOT" && "$E2E/node_modules/.bin/tauri" build --debug --no-bundle)
  APP_BIN="$TARGET_DIR/debug/gocache-doctor-app"
fi
APP_BIN=$(realpath "$APP_BIN")
export APP_BIN

# 3. The app's environment, as a Go developer's shell would have it (tauri-driver passes its
#    environment to WebKitWebDriver, which passes it to the app).
fixture_field() { node -e 'const f = require(process.argv[1]); process.stdout.write(String(f[process.argv[2]]))' "$FIXTURE_JSON" "$1"; }
GO_BIN=${GO:-$(command -v go || ls /usr/lib/go-1.*/bin/go 2>/dev/null | sort -V | tail -n 1)}
export HOME="$WORK/home" XDG_CACHE_HOME="$WORK/home/.cache" XDG_CONFIG_HOME="$WORK/home/.config"
export XDG_DATA_HOME="$WORK/home/.local/share"
mkdir -p "$HOME" "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
GOMODCACHE=$(fixture_field gomodcache)
GOCACHE=$(fixture_field gocache)
GOPATH=$(fixture_field gopath)
# GOPROXY is the fixture's file:// proxy (GOSUMDB off: its modules are not in sum.golang.org),
# so that Verify's Repair can download again with `go mod download`; the tests' own Go
# commands set GOPROXY themselves.
GOPROXY="file://$(fixture_field proxy)"
export GOMODCACHE GOCACHE GOPATH GOENV=off GOTOOLCHAIN=local GOPROXY GOSUMDB=off GOFLAGS=
unset GOROOT GOBIN
if [ -n "$GO_BIN" ]; then export PATH="$(dirname "$GO_BIN"):$PATH"; fi
# The app turns WebKitGTK's accelerated compositing off by default on Linux (faster start
# without a GPU, see BENCHMARKS.md), but in that mode WebKitWebDriver's screenshot command never
# answers (WebKitGTK 2.50): keep compositing on for the WebDriver tests unless told otherwise.
export WEBKIT_DISABLE_COMPOSITING_MODE=${WEBKIT_DISABLE_COMPOSITING_MODE:-0}
# A short undo window: long enough to click Undo, short enough to wait for the purge.
export GOCACHE_DOCTOR_UNDO_SECONDS=${GOCACHE_DOCTOR_UNDO_SECONDS:-6}
export GOCACHE_DOCTOR_DATA_DIR="$XDG_DATA_HOME/gocache-doctor" GOCACHE_DOCTOR_CONFIG_DIR="$XDG_CONFIG_HOME/gocache-doctor"
# This environment is the app's: never replaced by the login shell's (/etc/profile would reset
# PATH), whether or not `make test` runs in a terminal. The import has its own tests
# (tests/integration/shellenv.rs, src-tauri/src/shell_env_tests.rs).
export GOCACHE_DOCTOR_SHELL_ENV=off

# 4. A display and the WebDriver server.
exec 3>"$WORK/display"
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
exec 3>&-
for _ in $(seq 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
[ -s "$WORK/display" ] || { log "Xvfb did not start: $(cat "$WORK/xvfb.log")"; exit 1; }
export DISPLAY=":$(head -n 1 "$WORK/display")"
unset WAYLAND_DISPLAY

# A D-Bus session bus of our own, as every desktop session has: the app's single-instance
# check registers its name there (shell.test.mjs launches the app a second time).
if command -v dbus-daemon >/dev/null; then
  DBUS_INFO=$(dbus-daemon --session --fork --nopidfile --print-address=1 --print-pid=1)
  DBUS_SESSION_BUS_ADDRESS=$(sed -n 1p <<<"$DBUS_INFO")
  DBUS_PID=$(sed -n 2p <<<"$DBUS_INFO")
  export DBUS_SESSION_BUS_ADDRESS
else
  log "no dbus-daemon: the single-instance test will fail (apt-get install dbus-daemon)"
fi

# A notification daemon on that bus and display, as a desktop has: the app's notifications
# (autopilot.test.mjs reads what it received with `dunstctl history`). setup.sh installs dunst.
if command -v dunst >/dev/null && [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  dunst >"$WORK/dunst.log" 2>&1 &
  DUNST_PID=$!
  for _ in $(seq 50); do dunstctl is-paused >/dev/null 2>&1 && break; sleep 0.1; done
else
  log "no dunst: the notification test will fail (scripts/setup.sh installs it)"
fi

# The first-run welcome screen would cover the views the tests use: mark it seen
# (shell.test.mjs removes this to see it).
mkdir -p "$GOCACHE_DOCTOR_CONFIG_DIR"
printf '{"welcome_seen": true}\n' >"$GOCACHE_DOCTOR_CONFIG_DIR/settings.json"

PORT=${WEBDRIVER_PORT:-$(free_port)}
NATIVE_PORT=$(free_port)
setsid tauri-driver --port "$PORT" --native-port "$NATIVE_PORT" >"$WORK/tauri-driver.log" 2>&1 &
DRIVER_PID=$!
export WEBDRIVER_URL="http://127.0.0.1:$PORT"
for _ in $(seq 100); do
  curl -fsS "$WEBDRIVER_URL/status" >/dev/null 2>&1 && break
  sleep 0.1
done
log "display $DISPLAY, tauri-driver on $PORT (native $NATIVE_PORT), app $APP_BIN"

# 5. The tests.
mkdir -p "$ARTIFACTS_DIR"
if [ $# -gt 0 ]; then
  "$@"
else
  # clean.test.mjs after them, in its own run (`node --test` sorts the files it is given): it deletes
  # fixture content that app.test.mjs, locks.test.mjs and verify.test.mjs (which repairs a
  # version in place) count on. doctor.test.mjs cleans one version and downloads it again.
  status=0
  node --test --test-concurrency=1 "$E2E/app.test.mjs" "$E2E/clipath.test.mjs" "$E2E/csp.test.mjs" "$E2E/doctor.test.mjs" "$E2E/locks.test.mjs" "$E2E/refuse.test.mjs" "$E2E/shell.test.mjs" "$E2E/verify.test.mjs" || status=$?
  node --test --test-concurrency=1 "$E2E/clean.test.mjs" || status=$?
  # autopilot.test.mjs removes every fixture version but one: last, in its own run.
  node --test --test-concurrency=1 "$E2E/autopilot.test.mjs" || status=$?
  # tray.test.mjs runs the automatic cleanup from the tray icon (a tray host of its own on the
  # bus above, tests/e2e/sni.py): after autopilot, in its own run, with its own policy.
  node --test --test-concurrency=1 "$E2E/tray.test.mjs" || status=$?
  exit "$status"
fi
