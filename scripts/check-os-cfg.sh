#!/usr/bin/env bash
# OS conditions (`cfg`) only in per-OS modules (part of `make test`, issue #14). Fails, naming
# file and line, on an OS `cfg` in the Rust sources of the core, the CLI and the app
# (crates/core/src, crates/cli/src, src-tauri/src; or in the directories given) outside:
#
# * per-OS files: a file whose name is `unix.rs`, `linux.rs`, `macos.rs`, `windows.rs` or
#   `other.rs` (the fallback for the OSes without a file of their own), or starts with one of
#   those names and `_` (`windows_acl.rs`), and every file in a directory of one of those names
#   (`locks/macos/layout.rs`);
# * the lines that pick a per-OS module: a `cfg` attribute on `mod NAME;` or on a `use` of NAME
#   (`use unix as platform;`, `pub(crate) use unix::{Sys, UserId};`), NAME one of those names;
# * the crate attribute `#![cfg_attr(..., windows_subsystem = "...")]`, which only a binary's
#   root file can carry;
# * test code: files named `tests.rs` or `*_tests.rs` (`clean_tests.rs`), and a top-level `#[cfg(test)] mod NAME {` block, from
#   that line to the next line that is `}` at column 0 (rustfmt indents everything inside), so
#   that a test needing Unix (modes, uids, symlinks, bash) can be `#[cfg(unix)]`.
#
# An OS `cfg` is `#[cfg(...)]`, `#![cfg(...)]`, `#[cfg_attr(...)]` or `cfg!(...)` naming `unix`,
# `windows`, `target_os`, `target_family`, `target_vendor` or `target_env` (also over several
# lines). Comment lines are ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(crates/core/src crates/cli/src src-tauri/src)

os='(unix|linux|macos|windows|other)'
found=0
while IFS= read -r f; do
  base=${f##*/}
  stem=${base%.rs}
  # Per-OS files and everything under a per-OS directory: anything goes.
  if [[ $stem =~ ^${os}(_.*)?$ ]] || [[ /${f%/*}/ =~ /${os}/ ]]; then
    continue
  fi
  is_tests=0
  [[ $base == tests.rs || $base == *_tests.rs ]] && is_tests=1
  out=$(awk -v file="$f" -v is_tests="$is_tests" '
    function opens(s,   t) { t = s; return gsub(/\(/, "", t) }
    function closes(s,   t) { t = s; return gsub(/\)/, "", t) }
    function os_cond(s) {
      return s ~ /(^|[^A-Za-z0-9_])(unix|windows|target_os|target_family|target_vendor|target_env)([^A-Za-z0-9_]|$)/
    }
    # Whether the item an attribute starting at line i is on picks a per-OS module.
    function selects_os_module(i,   j, l) {
      for (j = i; j <= n; j++) {
        l = line[j]
        sub(/^[ \t]+/, "", l)
        if (l ~ /^#\[/ || l ~ /^\/\//) {
          # Attributes (this one included) and comments before the item.
          if (l ~ /^#\[/ && l !~ /\]$/) { while (j < n && line[j] !~ /\][ \t]*$/) j++ }
          continue
        }
        return l ~ /^(pub(\((crate|super)\))? )?mod (unix|linux|macos|windows|other)(_[a-z0-9_]+)?;$/ ||
               l ~ /^(pub(\((crate|super)\))? )?use (self::|super::)?(unix|linux|macos|windows|other)(_[a-z0-9_]+)?(::| as )/
      }
      return 0
    }
    { line[NR] = $0 }
    END {
      n = NR
      in_test = 0
      for (i = 1; i <= n; i++) {
        l = line[i]
        if (in_test) { if (l ~ /^}/) in_test = 0; continue }
        if (l ~ /^#\[cfg\(test\)\]/) {
          for (j = i + 1; j <= n && line[j] ~ /^#\[/; j++) {}
          if (j <= n && line[j] ~ /^(pub(\([a-z]+\))? )?mod [A-Za-z0-9_]+ \{/) { in_test = 1; i = j; continue }
        }
        if (is_tests) continue
        t = l
        sub(/^[ \t]+/, "", t)
        if (t ~ /^\/\//) continue
        if (t !~ /cfg(_attr)?!?[ \t]*\(/) continue
        # The condition, joined over lines until its parentheses close.
        s = substr(t, match(t, /cfg(_attr)?!?[ \t]*\(/))
        k = i
        while (opens(s) > closes(s) && k < n) { k++; x = line[k]; sub(/^[ \t]+/, "", x); s = s " " x }
        if (!os_cond(s)) continue
        if (t ~ /^#\[/ && selects_os_module(i)) continue
        if (t ~ /^#!\[cfg_attr\(/ && s ~ /windows_subsystem[ \t]*=/) continue
        printf "%s:%d: %s\n", file, i, t
      }
    }' "$f")
  if [ -n "$out" ]; then
    echo "$out"
    found=$((found + $(wc -l <<<"$out")))
  fi
done < <(find "${dirs[@]}" -name '*.rs' | sort)

if [ "$found" -gt 0 ]; then
  echo "check-os-cfg: $found OS cfg(s) outside the per-OS modules (unix.rs, linux.rs, macos.rs," \
    "windows.rs, other.rs and their directories); move them into one (see scripts/check-os-cfg.sh)" >&2
  exit 1
fi
echo "check-os-cfg: OS cfgs only in per-OS modules (${dirs[*]})"
