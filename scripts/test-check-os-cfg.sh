#!/usr/bin/env bash
# Tests scripts/check-os-cfg.sh on made-up source trees (part of `make test`): each case is one
# file, and whether the check must pass or name that file and line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
# name, path of the file under the tree, expected ("ok" or the line the check must name), content
check() {
  local dir="$t/$pass-$fail" out rc=0
  mkdir -p "$(dirname "$dir/$2")"
  printf '%s\n' "$4" >"$dir/$2"
  out=$(bash "$here/check-os-cfg.sh" "$dir" 2>&1) || rc=$?
  if [ "$3" = ok ]; then
    if [ $rc -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1: refused: $out"; fi
  elif [ $rc -ne 0 ] && grep -qF "$dir/$2:$3:" <<<"$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL $1: want $2:$3 named, got (exit $rc): $out"
  fi
}

check "cfg attribute on a function" a/lib.rs 2 $'fn a() {}\n#[cfg(unix)]\nfn b() {}'
check "cfg! in an expression" a/env.rs 1 'const X: bool = cfg!(windows);'
check "target_os in a block" a/fs.rs 2 $'fn f() {\n    #[cfg(target_os = "macos")]\n    {}\n}'
check "negated family" a/x.rs 1 '#[cfg(not(unix))]'
check "target_family" a/x.rs 1 '#[cfg(target_family = "wasm")]'
check "inner attribute" a/x.rs 1 '#![cfg(windows)]'
check "cfg_attr" a/x.rs 1 $'#[cfg_attr(\n    not(unix),\n    allow(dead_code)\n)]\nconst A: u8 = 1;'
check "condition over several lines" a/x.rs 1 $'#[cfg(all(\n    test,\n    target_os = "linux"\n))]\nfn a() {}'
check "cfg on a mod that is not per-OS" a/mod.rs 1 $'#[cfg(unix)]\nmod helpers;'
check "cfg on a use of a module that is not per-OS" a/mod.rs 1 $'#[cfg(unix)]\nuse helpers as host;'
check "cfg after the test module ends" a/x.rs 5 $'#[cfg(test)]\nmod tests {\n    #[cfg(unix)]\n}\n#[cfg(windows)]\nfn late() {}'
check "a cfg(test) mod that is not inline" a/x.rs 3 $'#[cfg(test)]\nmod tests;\n#[cfg(unix)]\nfn a() {}'

check "a per-OS file" a/unix.rs ok $'#[cfg(target_os = "linux")]\nfn a() {}'
check "a per-OS file with a suffix" a/windows_acl.rs ok '#[cfg(windows)]'
check "a file in a per-OS directory" a/macos/layout.rs ok '#[cfg(unix)]'
check "mod lines picking per-OS files" a/mod.rs ok $'#[cfg(unix)]\nmod unix;\n#[cfg(any(windows, test))]\nmod windows_acl;\n#[cfg(not(any(target_os = "linux", target_os = "macos")))]\npub(crate) mod other;'
check "use lines picking per-OS files" a/mod.rs ok $'#[cfg(unix)]\nuse unix as platform;\n#[cfg(target_os = "linux")]\nuse super::linux::end as sys;\n#[cfg(windows)]\n#[allow(unused)]\npub(crate) use windows::{Sys, UserId};'
check "a file named like tests that is not" a/contests.rs 1 '#[cfg(unix)]'
check "windows_subsystem elsewhere than cfg_attr" a/main.rs 1 '#![cfg_attr(windows, allow(dead_code))]'
check "a *_tests.rs file" a/clean_tests.rs ok $'#![cfg(unix)]\n#[cfg(windows)]\n#[test]\nfn a() {}'
check "the windows_subsystem crate attribute" a/main.rs ok '#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]'
check "a tests.rs file" a/tests.rs ok $'#[cfg(unix)]\n#[test]\nfn a() {}'
check "a test module" a/x.rs ok $'fn a() {}\n\n#[cfg(test)]\nmod tests {\n    #[cfg(unix)]\n    #[test]\n    fn b() { if cfg!(windows) {} }\n}'
check "comments and other cfgs" a/x.rs ok $'//! Use `#[cfg(unix)]` in per-OS files only.\n// #[cfg(windows)]\n#[cfg(any())]\nmod unix;\n#[cfg(feature = "test-hooks")]\nfn hook() {}\nfn windows() {}'

echo "check-os-cfg tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
