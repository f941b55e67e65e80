#!/usr/bin/env bash
# The release's SHA256SUMS over the CLI archives that scripts/pack-cli.sh wrote into DIR (issue
# #18): checks each archive against its own .sha256 first (what the packing job computed), then
# writes DIR/SHA256SUMS (`sha256sum -c` format, one line per archive, sorted) and removes the
# single .sha256 files. The release workflow's cli-release job runs it on the downloaded archives.
#
#   scripts/cli-sums.sh DIR
set -euo pipefail
[ $# = 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
cd "$1"
shopt -s nullglob
archives=(gocache-doctor-*.tar.gz gocache-doctor-*.zip)
[ ${#archives[@]} -gt 0 ] || { echo "cli-sums: no gocache-doctor-* archives in $1" >&2; exit 1; }
for a in "${archives[@]}"; do
  [ -f "$a.sha256" ] || { echo "cli-sums: $a has no $a.sha256" >&2; exit 1; }
  sha256sum -c "$a.sha256" >&2
done
printf '%s\n' "${archives[@]}" | LC_ALL=C sort | xargs sha256sum >SHA256SUMS
sha256sum -c SHA256SUMS >&2
rm -f -- *.sha256
cat SHA256SUMS
