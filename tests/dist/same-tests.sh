#!/usr/bin/env bash
# The release workflow's Windows and macOS jobs must run the same Rust test packages that
# `make test-windows` runs under Wine (scripts/wine/test.sh), so a tag finds on real Windows
# what Wine cannot show. Fails when the two lists drift apart.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Every package named by a `-p` in the Wine test script, and in the workflow's `cargo test` lines.
list() { grep -o -- '-p gocache-[a-z-]*' | sort -u | tr '\n' ' '; }
wine=$(list <scripts/wine/test.sh)
release=$(grep 'cargo test ' .github/workflows/release.yml | list)
if [ -z "$wine" ] || [ "$wine" != "$release" ]; then
  echo "same-tests: make test-windows runs [$wine] but the release workflow runs [$release]" >&2
  exit 1
fi
echo "same-tests: the release workflow runs the packages make test-windows runs: $wine"
