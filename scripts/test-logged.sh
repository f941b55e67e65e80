#!/usr/bin/env bash
# Tests scripts/logged.sh's digest on made-up failing output (part of `make test`): CI reports
# keep only the last lines, so the digest must name what failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cat >"$t/out.txt" <<'OUT'
   Compiling gocache-doctor-app v0.1.0 (/work/main/src-tauri)
error: proc macro panicked
   --> src-tauri/src/lib.rs:156:14
    |
    = help: message: The `frontendDist` configuration is set to `"../ui/dist"` but this path doesn't exist
error[E0308]: mismatched types
  --> crates/core/src/gocmd.rs:12:5
error: could not compile `gocache-doctor-app` (lib) due to 2 previous errors
thread 'auto::without_any_project' panicked at crates/cli/tests/integration/util.rs:22:5:
exit 3221226505: fatal runtime error
test auto::without_any_project ... FAILED
error: test failed, to rerun pass `-p gocache-doctor --test integration`
 FAIL  tests/render/fresh.test.ts > the dashboard > rescans
Error: expected 3 to be 4
OUT
pass=0 fail=0
expect() { # what the digest must hold
  if grep -qF -- "$1" "$t/digest"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: digest lacks '$1'"; fi
}
(cd "$t" && bash "$here/logged.sh" demo bash -c 'cat out.txt; exit 3' >"$t/all" || true)
sed -n '/what failed:/,/end of demo digest/p' "$t/all" >"$t/digest"
expect "error: proc macro panicked"
expect "at src-tauri/src/lib.rs:156:14"
expect "help: message: The \`frontendDist\`"
expect "error[E0308]: mismatched types"
expect "at crates/core/src/gocmd.rs:12:5"
expect "auto::without_any_project (crates/cli/tests/integration/util.rs:22:5): exit 3221226505"
expect "error: test failed, to rerun pass"
expect "FAIL  tests/render/fresh.test.ts > the dashboard > rescans"
expect "Error: expected 3 to be 4"
if grep -q "could not compile" "$t/digest"; then fail=$((fail + 1)); echo "FAIL: digest repeats 'could not compile'"; else pass=$((pass + 1)); fi
# A passing command prints its time and no digest.
(cd "$t" && bash "$here/logged.sh" demo cat out.txt >"$t/ok")
if grep -q "digest" "$t/ok" || ! grep -q "==== demo took .* (exit 0)" "$t/ok"; then fail=$((fail + 1)); echo "FAIL: passing run"; else pass=$((pass + 1)); fi
echo "logged: $pass passed, $fail failed"
[ "$fail" = 0 ]
