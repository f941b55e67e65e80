#!/usr/bin/env bash
# The release workflow's Windows and macOS jobs must run the same Rust test packages that
# `make test-windows` runs under Wine (scripts/wine/test.sh), so a tag finds on real Windows
# what Wine cannot show. Fails when the two lists drift apart.
set -euo pipefail
cd "$(dirname "$0")/../.."
pkgs() { grep -o -- '-p gocache-[a-z-]*' "$1" | sort -u | tr '\n' ' '; }
wine=$(grep -A1 'cargo test --target x86_64-pc-windows-gnu' scripts/wine/test.sh > /tmp/.wine-line.$$ && pkgs /tmp/.wine-line.$$)
rm -f /tmp/.wine-line.$$
release=$(grep 'cargo test -p gocache-core' .github/workflows/release.yml | head -n 1 | grep -o -- '-p gocache-[a-z-]*' | sort -u | tr '\n' ' ')
if [ -z "$wine" ] || [ "$wine" != "$release" ]; then
  echo "same-tests: make test-windows runs [$wine] but the release workflow runs [$release]" >&2
  exit 1
fi
echo "same-tests: the release workflow runs the packages make test-windows runs: $wine"
