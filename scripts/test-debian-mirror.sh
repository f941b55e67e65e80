#!/usr/bin/env bash
# Tests scripts/debian-mirror.sh on made-up apt directories (part of `make test`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
check() { # name, expected, apt dir
  local got
  got=$(APT_ETC=$3 bash "$here/debian-mirror.sh" bookworm)
  if [ "$got" = "$2" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $1: got '$got', want '$2'"; fi
}
mkdir -p "$t/a/sources.list.d"
cat >"$t/a/sources.list.d/debian.sources" <<'S'
Types: deb
# a comment
URIs: http://mirror.local/debian-security
Suites: bookworm-security
Components: main

Types: deb deb-src
URIs: http://mirror.local/debian http://other.example/debian
Suites: bookworm bookworm-updates
Components: main
S
check "deb822 with a local mirror" "http://mirror.local/debian" "$t/a"
mkdir -p "$t/b/sources.list.d"
printf 'deb-src http://src.example/debian bookworm main\ndeb [arch=amd64 signed-by=/k.gpg] https://apt.corp.example/debian bookworm main contrib\n' >"$t/b/sources.list"
check "one-line form with options" "https://apt.corp.example/debian" "$t/b"
mkdir -p "$t/c/sources.list.d"
printf 'Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no\n' >"$t/c/sources.list.d/x.sources"
check "nothing usable: the default" "http://deb.debian.org/debian" "$t/c"
# Debian 12's own file: the matching stanza first, the security one after it.
mkdir -p "$t/d/sources.list.d"
cat >"$t/d/sources.list.d/debian.sources" <<'S'
Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
S
check "the matching stanza before another (printed once)" "http://deb.debian.org/debian" "$t/d"
echo "debian-mirror: $pass passed, $fail failed"
[ "$fail" = 0 ]
