#!/usr/bin/env bash
# `make bench`: every benchmark behind BENCHMARKS.md, one after the other.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
echo "== scan ==" >&2
"$here/scan.sh" "$@"
echo "== clean ==" >&2
"$here/clean.sh" "$@"
