#!/usr/bin/env bash
# Cargo's runner for x86_64-pc-windows-gnu (`make test-windows`): runs a Windows program under
# Wine in the test prefix of scripts/wine/setup.sh, with the cross-built go.exe as `GO` and on
# the Windows PATH. GOCACHE_DOCTOR_UNDER_WINE tells the tests' skip mechanism where they run
# (gocache_core::wine; Wine also reveals itself through ntdll's wine_get_version).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
w="${CARGO_TARGET_DIR:-$root/target}/wine"
export WINEPREFIX="$w/prefix" WINEDEBUG=-all
export GO="Z:${w//\//\\}\\goroot\\bin\\go.exe"
export WINEPATH="Z:${w//\//\\}\\goroot\\bin"
# Test executables live in <profile>/deps; the DLLs build scripts copy (WebView2Loader.dll for
# the app's tests) sit in <profile>, which Windows would search only through PATH.
exe_dir=$(dirname "$1")
if [ "$(basename "$exe_dir")" = deps ]; then
  WINEPATH="$WINEPATH;Z:$(cd "$exe_dir/.." && pwd | sed 's|/|\\|g')"
fi
exec env -u DISPLAY -u WAYLAND_DISPLAY wine "$@"
