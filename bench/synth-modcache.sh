#!/usr/bin/env bash
# Builds a synthetic Go module cache (GOMODCACHE layout) for benchmarking the scanner when the
# real fixture builder (gocache-fixture) is not available. Content is Go's own source.
#
#   bench/synth-modcache.sh OUT [MODULES] [VERSIONS] [FILES]
#
# Creates OUT/pkg/mod/example.com/!bench<i>/m@v1.0.<v>/ (read-only dirs, 0444 files like Go),
# plus cache/download/.../@v/v1.0.<v>.{zip,ziphash,mod,info,lock} and cache/download/.../@v/list.
set -euo pipefail
out=${1:?usage: synth-modcache.sh OUT [MODULES] [VERSIONS] [FILES]}
modules=${2:-500}
versions=${3:-2}
files=${4:-150}
goroot=${GOROOT:-$(ls -d /usr/lib/go-1.* 2>/dev/null | sort -V | tail -n1)}
src=$(readlink -f "$goroot/src")
mod="$out/pkg/mod"
mkdir -p "$mod/cache/download"
tpl=$(mktemp -d)
trap 'rm -rf "$tpl"' EXIT
(cd "$src" && find . -type f -name '*.go' | sort | sed -n "1,${files}p" | tar -cf "$tpl/t.tar" -T -)
for ((i = 1; i <= modules; i++)); do
  esc="example.com/!bench$i/m"
  dl="$mod/cache/download/$esc/@v"
  mkdir -p "$dl"
  : > "$dl/list"
  for ((v = 1; v <= versions; v++)); do
    ver="v1.0.$v"
    d="$mod/$esc@$ver"
    mkdir -p "$d"
    tar -xf "$tpl/t.tar" -C "$d"
    printf 'module example.com/Bench%d/m\n' "$i" > "$d/go.mod"
    cp "$tpl/t.tar" "$dl/$ver.zip"
    printf 'h1:%044d=' "$i" > "$dl/$ver.ziphash"
    printf 'module example.com/Bench%d/m\n' "$i" > "$dl/$ver.mod"
    printf '{"Version":"%s","Time":"2024-01-01T00:00:00Z"}\n' "$ver" > "$dl/$ver.info"
    : > "$dl/$ver.lock"
    echo "$ver" >> "$dl/list"
  done
done
# Go makes extracted module trees read-only.
find "$mod" -path "$mod/cache" -prune -o -type f -exec chmod 0444 {} + 
find "$mod" -path "$mod/cache" -prune -o -mindepth 1 -type d -name '*@*' -exec chmod -R a-w {} +
echo "$mod"
