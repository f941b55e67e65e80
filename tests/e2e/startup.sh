#!/usr/bin/env bash
# Cold start of the real app to a painted dashboard, without WebDriver.
#
#   tests/e2e/startup.sh [RUNS]            (default 10 runs, after 1 warm-up run)
#   APP_BIN=target/debug/gocache-doctor-app tests/e2e/startup.sh 10
#   WEBKIT_DISABLE_COMPOSITING_MODE=0 tests/e2e/startup.sh    (any extra env reaches the app)
#
# Each run spawns a new app process under Xvfb with GOCACHE_DOCTOR_STARTUP_PROBE=<file> and
# GOCACHE_DOCTOR_STARTUP_T0=<Unix ns just before the spawn>. Once the first cache card has been
# painted (two requestAnimationFrames after it entered the DOM) the UI calls `startup_probe`;
# the app writes the milliseconds since spawn of that and of every milestone on the way (app
# and UI) to the file and exits. Prints each run, then the median of every milestone.
#
# The app sees a Go developer's environment on a real fixture (`gocache-fixture` defaults,
# GOMODCACHE/GOCACHE/GOPATH, a private HOME, `go` on PATH so env_report runs `go env`).
# "Cold" means a new process each time; the page cache is warm (the warm-up run).
# Needs: Xvfb, node, a Go toolchain; APP_BIN defaults to target/release/gocache-doctor-app,
# built with the test hooks (a shipped build ignores the probe variables):
# `cd ui && npm run build && cargo build --release -p gocache-doctor-app --features test-hooks`.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
RUNS=${1:-${RUNS:-10}}
APP_BIN=$(realpath "${APP_BIN:-$TARGET_DIR/release/gocache-doctor-app}")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gocache-startup.XXXXXX")
XVFB_PID=""

log() { printf 'startup: %s\n' "$*" >&2; }
cleanup() {
  local status=$?
  if [ -n "$XVFB_PID" ]; then
    kill -TERM "$XVFB_PID" 2>/dev/null || true
    wait "$XVFB_PID" 2>/dev/null || true
  fi
  if [ "${KEEP_WORK:-0}" = 1 ] || [ "$status" != 0 ]; then
    log "work dir kept: $WORK"
  else
    chmod -R u+w "$WORK" 2>/dev/null || true
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -x "$APP_BIN" ] || { log "no app binary at $APP_BIN"; exit 1; }

# 1. The fixture (FIXTURE_JSON reuses one made by gocache-fixture).
if [ -z "${FIXTURE_JSON:-}" ]; then
  FIXTURE_BIN=${FIXTURE_BIN:-}
  if [ -z "$FIXTURE_BIN" ]; then
    (cd "$ROOT" && cargo build -q -p gocache-tests --bin gocache-fixture)
    FIXTURE_BIN="$TARGET_DIR/debug/gocache-fixture"
  fi
  log "building the fixture in $WORK/fixture"
  "$FIXTURE_BIN" --out "$WORK/fixture" >"$WORK/fixture.json"
  FIXTURE_JSON="$WORK/fixture.json"
fi
fixture_field() { node -e 'const f = require(process.argv[1]); process.stdout.write(String(f[process.argv[2]]))' "$FIXTURE_JSON" "$1"; }

# 2. The app's environment.
GO_BIN=${GO:-$(command -v go || ls /usr/lib/go-1.*/bin/go 2>/dev/null | sort -V | tail -n 1)}
export HOME="$WORK/home" XDG_CACHE_HOME="$WORK/home/.cache" XDG_CONFIG_HOME="$WORK/home/.config"
export XDG_DATA_HOME="$WORK/home/.local/share"
mkdir -p "$HOME" "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
GOMODCACHE=$(fixture_field gomodcache)
GOCACHE=$(fixture_field gocache)
GOPATH=$(fixture_field gopath)
export GOMODCACHE GOCACHE GOPATH GOENV=off GOTOOLCHAIN=local GOPROXY=off GOFLAGS=
unset GOROOT GOBIN
if [ -n "$GO_BIN" ]; then export PATH="$(dirname "$GO_BIN"):$PATH"; fi

# 3. A display of our own.
exec 3>"$WORK/display"
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
exec 3>&-
for _ in $(seq 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
[ -s "$WORK/display" ] || { log "Xvfb did not start: $(cat "$WORK/xvfb.log")"; exit 1; }
export DISPLAY=":$(head -n 1 "$WORK/display")"
unset WAYLAND_DISPLAY

log "app $APP_BIN, display $DISPLAY, $RUNS runs, load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# 4. The runs (run 0 is the warm-up and is not counted).
for i in $(seq 0 "$RUNS"); do
  probe="$WORK/probe-$i.json"
  t0="${EPOCHREALTIME/./}000" # Unix ns, no fork
  if ! GOCACHE_DOCTOR_STARTUP_PROBE="$probe" GOCACHE_DOCTOR_STARTUP_T0="$t0" \
    timeout 60 "$APP_BIN" >"$WORK/app-$i.log" 2>&1; then
    log "run $i: the app failed or timed out (built without --features test-hooks? then it ignores GOCACHE_DOCTOR_STARTUP_PROBE); log:"
    cat "$WORK/app-$i.log" >&2
    exit 1
  fi
  [ -s "$probe" ] || { log "run $i: the app exited without writing $probe"; exit 1; }
  [ "$i" = 0 ] && rm -f "$probe"
  sleep 0.3
done

# 5. Medians.
node - "$WORK" "$RUNS" <<'EOF'
const fs = require('node:fs');
const [dir, runs] = [process.argv[2], Number(process.argv[3])];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const reports = [];
for (let i = 1; i <= runs; i++) reports.push(JSON.parse(fs.readFileSync(`${dir}/probe-${i}.json`, 'utf8')));
reports.forEach((r, i) => console.log(`run ${i + 1}: painted ${r.painted_ms} ms (t0: ${r.t0_source})`));
const names = [...new Set(reports.flatMap((r) => Object.keys(r.marks)))];
const rows = names
  .map((n) => [n, median(reports.map((r) => r.marks[n]).filter((v) => v != null))])
  .sort((a, b) => a[1] - b[1]);
console.log(`\nmedian of ${runs} runs, ms since spawn:`);
for (const [n, v] of rows) console.log(`  ${n.padEnd(26)} ${v.toFixed(1).padStart(8)}`);
const painted = reports.map((r) => r.painted_ms);
console.log(
  `\nfirst cache card painted: median ${median(painted).toFixed(0)} ms, ` +
    `min ${Math.min(...painted).toFixed(0)} ms, max ${Math.max(...painted).toFixed(0)} ms`,
);
EOF
