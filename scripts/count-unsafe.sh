#!/usr/bin/env bash
# Counts `unsafe { ... }` blocks outside tests (issue #14 records the count before and after),
# per file and in total. Test code is skipped as scripts/check-os-cfg.sh defines it: files
# named `tests.rs` or `*_tests.rs`, and a top-level `#[cfg(test)] mod NAME {` block up to the
# next `}` at column 0. Comment lines are ignored. Default directories: the Rust sources of
# the core, the CLI and the app.
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(crates/core/src crates/cli/src src-tauri/src)
total=0
while IFS= read -r f; do
  base=${f##*/}
  [[ $base == tests.rs || $base == *_tests.rs ]] && continue
  n=$(awk '
    { line[NR] = $0 }
    END {
      c = 0; in_test = 0
      for (i = 1; i <= NR; i++) {
        l = line[i]
        if (in_test) { if (l ~ /^}/) in_test = 0; continue }
        if (l ~ /^#\[cfg\(test\)\]/) {
          for (j = i + 1; j <= NR && line[j] ~ /^#\[/; j++) {}
          if (j <= NR && line[j] ~ /^(pub(\([a-z]+\))? )?mod [A-Za-z0-9_]+ \{/) { in_test = 1; i = j; continue }
        }
        t = l; sub(/^[ \t]+/, "", t)
        if (t ~ /^\/\//) continue
        while (match(t, /(^|[^A-Za-z0-9_])unsafe[ \t]*\{/)) { c++; t = substr(t, RSTART + RLENGTH) }
      }
      print c
    }' "$f")
  if [ "$n" -gt 0 ]; then
    printf '%4d %s\n' "$n" "$f"
    total=$((total + n))
  fi
done < <(find "${dirs[@]}" -name '*.rs' | sort)
echo "unsafe blocks outside tests: $total"
