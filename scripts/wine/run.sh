#!/usr/bin/env bash
# Cargo's runner for x86_64-pc-windows-gnu (`make test-windows`): runs a Windows program under
# Wine in the test prefix of scripts/wine/setup.sh, with the cross-built go.exe as `GO` and on
# the Windows PATH. GOCACHE_DOCTOR_UNDER_WINE tells the tests' skip mechanism where they run
# (gocache_core::wine; Wine also reveals itself through ntdll's wine_get_version).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export WINEPREFIX="$root/target/wine/prefix" WINEDEBUG=-all
goexe="$root/target/wine/goroot/bin/go.exe"
export GO="Z:${goexe//\//\\}"
export WINEPATH="Z:${root//\//\\}\\target\\wine\\goroot\\bin"
exec env -u DISPLAY -u WAYLAND_DISPLAY wine "$@"
