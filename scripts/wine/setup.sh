#!/usr/bin/env bash
# Prepares what `make test-windows` needs, skipping what is present (a second run takes about a
# second): Wine and mingw-w64 (apt), Rust's x86_64-pc-windows-gnu target, a private Wine prefix
# in target/wine/prefix with the one DLL Debian's Wine 8.0 lacks for Rust programs, and a real
# Windows go.exe cross-built from the machine's Go in target/wine/goroot (the tests' oracle).
# Recipe and measurements: shared/docs/build-notes.md "Windows builds under Wine".
set -euo pipefail
cd "$(dirname "$0")/../.."
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
W="${CARGO_TARGET_DIR:-$PWD/target}/wine"
mkdir -p "$W"

missing=""
for p in wine wine64 gcc-mingw-w64-x86-64; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "wine-setup: installing apt packages:$missing"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu

# The DLL (rebuilt when its source changes).
dll="$W/bcryptprimitives.dll"
if [ ! -f "$dll" ] || [ scripts/wine/bcryptprimitives.c -nt "$dll" ]; then
  x86_64-w64-mingw32-gcc -O2 -shared -o "$dll" scripts/wine/bcryptprimitives.c \
    scripts/wine/bcryptprimitives.def -lbcrypt
fi

# The prefix: made once (about 3 s); no display, so Wine never opens a window.
export WINEPREFIX="$W/prefix" WINEDEBUG=-all
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  echo "wine-setup: creating the Wine prefix $WINEPREFIX"
  # No Mono or Gecko installers: the tests need neither.
  WINEDLLOVERRIDES="mscoree,mshtml=" env -u DISPLAY -u WAYLAND_DISPLAY wineboot -i >/dev/null 2>&1 || true
  wineserver -w
fi
sys32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -d "$sys32" ]; then
  echo "wine-setup: $sys32 missing: wineboot failed" >&2
  exit 1
fi
cmp -s "$dll" "$sys32/bcryptprimitives.dll" || cp "$dll" "$sys32/bcryptprimitives.dll"

# go.exe from the machine's Go (Debian's go 1.23 on the supported set-up).
go=$(command -v go || ls -d /usr/lib/go-1.2[3-9]/bin/go 2>/dev/null | sort -V | tail -n 1)
if [ -z "$go" ]; then
  echo "wine-setup: no Go toolchain (run make setup)" >&2
  exit 1
fi
goroot=$("$go" env GOROOT)
version=$("$go" env GOVERSION)
gw="$W/goroot"
if [ ! -f "$gw/bin/go.exe" ] || [ "$(cat "$gw/VERSION.built" 2>/dev/null)" != "$version" ]; then
  echo "wine-setup: cross-building go.exe ($version) for Windows"
  rm -rf "$gw"
  mkdir -p "$gw/bin" "$gw/pkg/tool/windows_amd64"
  # go.exe and the tools `go build` and `go test` run (about 1 min for all).
  (cd "$goroot/src" && GOOS=windows GOARCH=amd64 CGO_ENABLED=0 GOFLAGS= GOTOOLCHAIN=local \
    "$go" build -trimpath -o "$gw/bin/go.exe" ./cmd/go &&
    GOOS=windows GOARCH=amd64 CGO_ENABLED=0 GOFLAGS= GOTOOLCHAIN=local \
    "$go" build -trimpath -o "$gw/pkg/tool/windows_amd64/" ./cmd/compile ./cmd/link ./cmd/asm \
      ./cmd/vet ./cmd/buildid ./cmd/cgo ./cmd/pack)
  cp "$goroot/VERSION" "$gw/VERSION"
  if [ -f "$goroot/go.env" ]; then cp "$goroot/go.env" "$gw/go.env"; fi
  # The standard library's sources and assembly headers are the host's (Wine follows links).
  ln -s "$(readlink -f "$goroot/src")" "$gw/src"
  ln -s "$(readlink -f "$goroot/pkg/include")" "$gw/pkg/include"
  echo "$version" >"$gw/VERSION.built"
fi
echo "wine-setup: ready (prefix $WINEPREFIX, go.exe $gw/bin/go.exe)"
