#!/usr/bin/env bash
# Prints the Debian mirror the machine's apt sources already use for SUITE (default bookworm):
# the URI of the first `deb` entry for SUITE in one-line (`sources.list`, `*.list`) or deb822
# (`*.sources`) form, security archives skipped; http://deb.debian.org/debian when none is
# found. APT_ETC overrides /etc/apt (tests: scripts/test-debian-mirror.sh).
set -euo pipefail
suite=${1:-bookworm}
etc=${APT_ETC:-/etc/apt}
found=""
# One-line form: deb [options] URI SUITE COMPONENTS...
for f in "$etc/sources.list" "$etc"/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  while read -r type rest; do
    [ "$type" = deb ] || continue
    rest=$(sed -E 's/^\[[^]]*\][[:space:]]*//' <<<"$rest")
    read -r uri s _ <<<"$rest"
    if [ "$s" = "$suite" ] && [[ $uri != *security* ]]; then found=$uri; break 2; fi
  done < <(grep -E '^[[:space:]]*deb[[:space:]]' "$f" || true)
done
# deb822 form: stanzas with Types, URIs, Suites.
if [ -z "$found" ]; then
  for f in "$etc"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    found=$(awk -v suite="$suite" '
      # `exit` runs END, which flushes again: `done` keeps that second flush from printing.
      function flush() {
        if (done) return
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris !~ /security/ && enabled != "no") {
          split(uris, u, " "); print u[1]; done = 1; exit
        }
        types = ""; uris = ""; suites = ""; enabled = ""
      }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { flush(); next }
      tolower($1) == "types:" { $1 = ""; types = $0; sub(/^ +/, "", types) }
      tolower($1) == "uris:" { $1 = ""; uris = $0; sub(/^ +/, "", uris) }
      tolower($1) == "suites:" { $1 = ""; suites = $0; sub(/^ +/, "", suites) }
      tolower($1) == "enabled:" { enabled = tolower($2) }
      END { flush() }
    ' "$f")
    [ -n "$found" ] && break
  done
fi
echo "${found:-http://deb.debian.org/debian}"
