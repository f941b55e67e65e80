#!/usr/bin/env bash
# `make test-windows`: builds the CLI and every core, CLI, integration and app test target for
# x86_64-pc-windows-gnu and runs them under Wine (scripts/wine/run.sh is cargo's runner), the
# Windows scenarios with the cross-built go.exe among them. Tests of what Wine only fakes are
# skipped by gocache_core::skip_under_wine! and listed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/wine/setup.sh
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$PWD/scripts/wine/run.sh"
w="${CARGO_TARGET_DIR:-$PWD/target}/wine"
skips="$w/skipped.txt"
rm -f "$skips"
export GOCACHE_DOCTOR_WINE_SKIPS="$skips"
start=$(date +%s)
rc=0
cargo test --target x86_64-pc-windows-gnu -p gocache-core -p gocache-doctor -p gocache-tests \
  --no-fail-fast "$@" || rc=$?
# The app cannot start under Wine (WebView2), but its command tests run on tauri's mock runtime.
cargo test --target x86_64-pc-windows-gnu -p gocache-doctor-app --no-fail-fast "$@" || rc=$?
# Wine keeps a server per prefix for a few seconds; wait for it so nothing outlives the run.
# A Windows program a test left running (a window that never closes) would keep it forever:
# after 60 s the prefix's programs are ended, named, and the run fails.
if ! WINEPREFIX="$w/prefix" timeout 60 wineserver -w; then
  echo "test-windows: Windows programs still running 60 s after the tests (a test left them):" >&2
  ps -eo pid,args | grep -E '[A-Z]:\\' | grep -v grep >&2 || true
  WINEPREFIX="$w/prefix" wineserver -k || true
  rc=1
fi
echo "test-windows: $(($(date +%s) - start)) s under Wine (exit $rc)"
if [ -s "$skips" ]; then
  echo "test-windows: $(sort -u "$skips" | wc -l) tests skipped under Wine (they run on a real Windows runner):"
  sort -u "$skips" | sed 's/^/  /'
fi
exit "$rc"
