#!/usr/bin/env bash
# `make bench`: every benchmark behind BENCHMARKS.md, one after the other.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
echo "== scan ==" >&2
"$here/scan.sh" "$@"
echo "== scan index (incremental rescans) ==" >&2
"$here/scan-index.sh" "$@"
"$here/scan-build-index.sh"
echo "== clean ==" >&2
"$here/clean.sh" "$@"
echo "== verify ==" >&2
"$here/verify.sh" "$@"
if [ -x "$here/locks.sh" ]; then
  echo "== locks ==" >&2
  "$here/locks.sh" "$@"
fi
echo "== app start ==" >&2
# Cold start to the first painted cache card (tests/e2e/startup.sh; needs Xvfb and a release app).
if [ "${SKIP_APP_START:-0}" != 1 ]; then
  (cd "$here/.." && (cd ui && npm run build --silent) && cargo build -q --release -p gocache-doctor-app --features test-hooks)
  "$here/../tests/e2e/startup.sh" "${STARTUP_RUNS:-10}"
fi
