#!/usr/bin/env bash
# Regenerates the diagnose corpus (tests/corpus/linux/*.txt) by making REAL go commands fail
# on this machine: a fixture module cache and file:// GOPROXY (gocache-fixture), then edited
# go.sum files, missing modules, closed ports, stub HTTP servers, GOPROXY=off, an inconsistent
# vendor directory, chown/chmod and a non-root user (setpriv), GOCACHE=off, a relative
# GOMODCACHE, a full 1 MiB tmpfs, rm -rf on a read-only module cache, a CI cache restore (GNU
# tar) over a read-only module cache, go mod verify after an edit, a missing toolchain.
#
# Usage: tests/corpus/capture.sh [--out DIR] [--root DIR] [--only NAME,NAME] [--list]
#   --out   where the NAME.txt files go (default: tests/corpus/linux next to this script)
#   --root  parent of the per-case fixture roots (default /tmp/gocache-corpus); the case NAME
#           runs in ROOT/NAME, so paths in the captured output are stable between runs
#   --only  capture only these cases
# Each NAME.txt is a header ("# key: value" lines, ending with "# ---") and the command's
# stdout+stderr. The expected findings are NOT generated: they live in NAME.expect.json,
# written by hand (see tests/corpus/README.md).
# Needs root (chown, setpriv, mount), Go ($GO, else the newest /usr/lib/go-1.*/bin/go),
# gocache-fixture ($FIXTURE_BIN, else built with cargo), python3, openssl, git.
set -u

here=$(cd "$(dirname "$0")" && pwd)
out=$here/linux
rootbase=/tmp/gocache-corpus
only=""
list=0
while [ $# -gt 0 ]; do
  case $1 in
    --out) out=$2; shift 2 ;;
    --root) rootbase=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --list) list=1; shift ;;
    *) echo "capture.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

CASES="checksum-mismatch-zip checksum-mismatch-gomod checksum-mismatch-retagged
missing-go-sum-entry module-not-found unknown-revision invalid-version
proxy-missing-dir proxy-gone-410 proxy-not-found-404 proxy-closed-port proxy-dns proxy-tls
private-auth-git private-proxy-403 goproxy-off vendor-inconsistent
permission-other-owner go-clean-other-owner rm-read-only-cache tar-restore-read-only
gocache-off gocache-undefined
gomodcache-relative disk-full dir-modified toolchain-missing not-recognized-syntax"
if [ $list = 1 ]; then echo $CASES; exit 0; fi

GO=${GO:-$(ls -d /usr/lib/go-1.*/bin/go 2>/dev/null | sort -V | tail -1)}
[ -x "$GO" ] || { echo "capture.sh: no Go toolchain (set GO)" >&2; exit 2; }
if [ -z "${FIXTURE_BIN:-}" ]; then
  (cd "$here/../.." && cargo build -q -p gocache-tests --bin gocache-fixture) || exit 2
  FIXTURE_BIN=${CARGO_TARGET_DIR:-$here/../../target}/debug/gocache-fixture
fi
mkdir -p "$out" "$rootbase"
govers=$("$GO" version | sed 's/^go version //')

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  mountpoint -q "$rootbase/disk-full/gopath" 2>/dev/null && umount "$rootbase/disk-full/gopath"
}
trap cleanup EXIT

# fixture NAME: builds a small fixture in ROOT/NAME (go.sum made complete with go mod tidy)
# and sets $root and the base environment E.
fixture() {
  root=$rootbase/$1
  if [ -d "$root" ]; then chmod -R u+w "$root" 2>/dev/null; rm -rf "$root"; fi
  "$FIXTURE_BIN" --out "$root" --modules 2 --versions 2 --files 1 --no-build-cache >/dev/null 2>&1 \
    || { echo "capture.sh: fixture failed for $1" >&2; return 1; }
  E=(PATH="$(dirname "$GO"):/usr/local/bin:/usr/bin:/bin" GOPATH="$root/gopath"
     GOMODCACHE="$root/gopath/pkg/mod" GOCACHE="$root/gocache" GOPROXY="file://$root/proxy"
     GOSUMDB=off GOFLAGS=-mod=mod GOTOOLCHAIN=local GOENV=off GOTELEMETRY=off CGO_ENABLED=0
     HOME="$root/home" XDG_CACHE_HOME="$root/xdg-cache" XDG_CONFIG_HOME="$root/xdg-config")
  (cd "$root/project" && env -i "${E[@]}" "$GO" mod tidy >/dev/null 2>&1)
}

# setenv K=V...: replaces (or adds, or with K= removes) variables of E.
setenv() {
  local kv k
  for kv in "$@"; do
    k=${kv%%=*}
    local n=()
    for e in "${E[@]}"; do [ "${e%%=*}" = "$k" ] || n+=("$e"); done
    [ -n "${kv#*=}" ] && n+=("$kv")
    E=("${n[@]}")
  done
}

# capture NAME DIR CMD...: runs CMD in DIR with exactly the environment E and writes NAME.txt.
capture() {
  local name=$1 dir=$2; shift 2
  local text rc
  text=$(cd "$dir" && env -i "${E[@]}" "$@" 2>&1); rc=$?
  local shown=("$@"); shown[0]=$(basename "$1")
  {
    echo "# case: $name"
    echo "# command: ${shown[*]}"
    echo "# dir: $dir"
    echo "# env: $(printf '%s ' "${E[@]}" | sed 's/PATH=[^ ]* //')"
    echo "# root: $root"
    echo "# exit: $rc"
    echo "# go: $govers"
    echo "# captured: $(date -u +%Y-%m-%dT%H:%M:%SZ) by tests/corpus/capture.sh"
    echo "# ---"
    printf '%s\n' "$text"
  } > "$out/$name.txt"
  [ $rc -ne 0 ] || echo "capture.sh: warning: $name exited 0" >&2
  echo "captured $name (exit $rc)"
}

# stub STATUS [--auth] [--tls]: starts httpstub.py and sets $port.
stub() {
  local status=$1; shift
  local pf; pf=$(mktemp -u)
  local extra=()
  if [ "${1:-}" = --tls ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
      -keyout "$root/key.pem" -out "$root/cert.pem" >/dev/null 2>&1
    extra=(--tls "$root/cert.pem" "$root/key.pem")
  else
    extra=("$@")
  fi
  python3 "$here/httpstub.py" "$status" "$pf" "${extra[@]}" & PIDS+=($!)
  for _ in $(seq 100); do [ -s "$pf" ] && break; sleep 0.05; done
  port=$(cat "$pf"); rm -f "$pf"
}

# a module path for the first / an older version
m_toml=example.com/BurntSushi/Toml
m_azure=github.com/Azure/Go-Autorest

run_case() {
  case $1 in
  checksum-mismatch-zip)
    fixture "$1" || return
    sed -i "s|^\($m_toml v1.0.0 h1:\).|\1X|" "$root/project/go.sum"
    capture "$1" "$root/project" "$GO" mod download ;;
  checksum-mismatch-gomod)
    fixture "$1" || return
    sed -i "s|^\($m_azure v1.1.0/go.mod h1:\).|\1X|" "$root/project/go.sum"
    chmod -R u+w "$root/gopath/pkg/mod"; rm -rf "$root/gopath/pkg/mod"
    capture "$1" "$root/project" "$GO" mod download ;;
  checksum-mismatch-retagged)
    # The proxy now serves different bits for a version go.sum already knows.
    fixture "$1" || return
    chmod -R u+w "$root/gopath/pkg/mod"; rm -rf "$root/gopath/pkg/mod"
    local z=$root/proxy/example.com/!burnt!sushi/!toml/@v/v1.0.0.zip
    (cd "$root" && mkdir -p x && cd x && unzip -q "$z" && echo "// retagged" >> "$m_toml@v1.0.0/README.md" \
      && rm "$z" && zip -qr "$z" "$m_toml@v1.0.0")
    capture "$1" "$root/project" "$GO" build -o /dev/null . ;;
  missing-go-sum-entry)
    fixture "$1" || return
    sed -i "\\|^$m_toml v1.0.0 h1:|d" "$root/project/go.sum"
    setenv GOFLAGS=-mod=readonly
    capture "$1" "$root/project" "$GO" build -o /dev/null . ;;
  module-not-found)
    fixture "$1" || return
    printf 'package main\n\nimport _ "example.com/nothere/pkg"\n' > "$root/project/extra.go"
    capture "$1" "$root/project" "$GO" mod tidy ;;
  unknown-revision | private-auth-git)
    fixture "$1" || return
    git init -q --bare "$root/repo.git"
    git -C "$root" clone -q "$root/repo.git" work 2>/dev/null
    (cd "$root/work" && printf 'module github.com/acme/private\n\ngo 1.18\n' > go.mod \
      && printf 'package repo\n' > repo.go && git add . && git -c user.email=t@t -c user.name=t commit -qm init \
      && git tag v1.0.0 && git push -q origin HEAD v1.0.0) >/dev/null 2>&1
    local target="file://$root/repo.git"
    if [ "$1" = private-auth-git ]; then stub 401 --auth; target="http://127.0.0.1:$port/repo.git"; fi
    printf '[url "%s"]\n\tinsteadOf = https://github.com/acme/private\n' "$target" > "$root/gitconfig"
    setenv GIT_CONFIG_GLOBAL="$root/gitconfig" GOPRIVATE=github.com/acme
    if [ "$1" = unknown-revision ]; then
      capture "$1" "$root/project" "$GO" get github.com/acme/private@v9.9.9
    else
      capture "$1" "$root/project" "$GO" get github.com/acme/private@v1.0.0
    fi ;;
  invalid-version)
    fixture "$1" || return
    capture "$1" "$root/project" "$GO" mod download "$m_toml@v1.0.0.1" ;;
  proxy-missing-dir)
    fixture "$1" || return
    chmod -R u+w "$root/gopath/pkg/mod"; rm -rf "$root/gopath/pkg/mod"
    setenv GOPROXY="file://$root/no-such-proxy"
    capture "$1" "$root/project" "$GO" mod download ;;
  proxy-gone-410 | proxy-not-found-404)
    fixture "$1" || return
    chmod -R u+w "$root/gopath/pkg/mod"; rm -rf "$root/gopath/pkg/mod"
    if [ "$1" = proxy-gone-410 ]; then stub 410; else stub 404; fi
    setenv GOPROXY="http://127.0.0.1:$port"
    capture "$1" "$root/project" "$GO" mod download ;;
  proxy-closed-port)
    fixture "$1" || return
    chmod -R u+w "$root/gopath/pkg/mod"; rm -rf "$root/gopath/pkg/mod"
    setenv GOPROXY="http://127.0.0.1:9"
    capture "$1" "$root/project" "$GO" mod download ;;
  proxy-dns)
    fixture "$1" || return
    chmod -R u+w "$root/gopath/pkg/mod"; rm -rf "$root/gopath/pkg/mod"
    setenv GOPROXY="https://goproxy.invalid"
    capture "$1" "$root/project" "$GO" mod download ;;
  proxy-tls)
    fixture "$1" || return
    chmod -R u+w "$root/gopath/pkg/mod"; rm -rf "$root/gopath/pkg/mod"
    stub 200 --tls
    setenv GOPROXY="https://127.0.0.1:$port"
    capture "$1" "$root/project" "$GO" mod download ;;
  private-proxy-403)
    fixture "$1" || return
    chmod -R u+w "$root/gopath/pkg/mod"; rm -rf "$root/gopath/pkg/mod"
    stub 403
    setenv GOPROXY="http://127.0.0.1:$port"
    capture "$1" "$root/project" "$GO" mod download ;;
  goproxy-off)
    fixture "$1" || return
    chmod -R u+w "$root/gopath/pkg/mod"; rm -rf "$root/gopath/pkg/mod"
    setenv GOPROXY=off
    capture "$1" "$root/project" "$GO" mod download ;;
  vendor-inconsistent)
    fixture "$1" || return
    (cd "$root/project" && env -i "${E[@]}" "$GO" mod vendor >/dev/null 2>&1)
    sed -i "s|$m_azure v1.1.0|$m_azure v1.0.0|" "$root/project/go.mod"
    setenv GOFLAGS=-mod=vendor
    capture "$1" "$root/project" "$GO" list -deps . ;;
  permission-other-owner)
    # A cache created by root; the user (nobody) downloads a version that is not there yet.
    fixture "$1" || return
    local mc=$root/gopath/pkg/mod
    chmod -R u+w "$mc"; rm -rf "$mc/example.com/!burnt!sushi/!toml@v1.0.0-!r!c1" \
      "$mc/cache/download/example.com/!burnt!sushi/!toml/@v/v1.0.0-!r!c1".*
    chmod -R a+rX "$root"
    capture "$1" "$root/project" setpriv --reuid=nobody --regid=nogroup --clear-groups \
      "$GO" mod download "$m_toml@v1.0.0-RC1" ;;
  go-clean-other-owner)
    fixture "$1" || return
    chmod -R a+rX "$root"
    capture "$1" "$root/project" setpriv --reuid=nobody --regid=nogroup --clear-groups \
      "$GO" clean -modcache ;;
  rm-read-only-cache)
    # The user's own cache, as Go leaves it (0555 directories); rm -rf cannot empty them.
    fixture "$1" || return
    chmod a+rx "$root" "$root/gopath" "$root/gopath/pkg"
    chown -R nobody:nogroup "$root/gopath/pkg/mod"
    capture "$1" "$root" setpriv --reuid=nobody --regid=nogroup --clear-groups \
      rm -rf "$root/gopath/pkg/mod" ;;
  tar-restore-read-only)
    # A CI cache restore as actions/cache runs it (tar -P -C <workspace>, paths relative to
    # the workspace) over the job's own read-only module cache left by an earlier job, as the
    # job's user: GNU tar cannot replace the files of Go's 0555 directories.
    fixture "$1" || return
    (cd "$root/project" && tar -P -cf "$root/cache.tar" ../gopath/pkg/mod)
    chmod a+rx "$root" "$root/gopath" "$root/gopath/pkg"
    chmod a+r "$root/cache.tar"
    chown -R nobody:nogroup "$root/gopath/pkg/mod" "$root/project"
    capture "$1" "$root/project" setpriv --reuid=nobody --regid=nogroup --clear-groups \
      tar -xf "$root/cache.tar" -P -C "$root/project" ;;
  gocache-off)
    fixture "$1" || return
    setenv GOCACHE=off
    capture "$1" "$root/project" "$GO" build -o /dev/null . ;;
  gocache-undefined)
    fixture "$1" || return
    setenv GOCACHE= HOME= XDG_CACHE_HOME=
    capture "$1" "$root/project" "$GO" build -o /dev/null . ;;
  gomodcache-relative)
    fixture "$1" || return
    setenv GOMODCACHE=relative/modcache
    capture "$1" "$root/project" "$GO" mod download ;;
  disk-full)
    fixture "$1" || return
    mkdir -p "$root/gopath"
    if mount -t tmpfs -o size=1m tmpfs "$root/gopath" 2>/dev/null; then
      dd if=/dev/zero of="$root/gopath/filler" bs=4k 2>/dev/null
      rm -f "$root/project/go.sum"
      capture "$1" "$root/project" "$GO" mod download
      umount "$root/gopath"
    else
      echo "capture.sh: cannot mount a tmpfs here; disk-full not captured" >&2
    fi ;;
  dir-modified)
    fixture "$1" || return
    local d=$root/gopath/pkg/mod/example.com/!burnt!sushi/!toml@v1.0.0
    chmod u+w "$d" "$d/README.md"; echo "local edit" >> "$d/README.md"; chmod a-w "$d/README.md" "$d"
    capture "$1" "$root/project" "$GO" mod verify ;;
  toolchain-missing)
    fixture "$1" || return
    setenv GOTOOLCHAIN=go1.99.0
    capture "$1" "$root/project" "$GO" mod download ;;
  not-recognized-syntax)
    fixture "$1" || return
    printf 'packag main\n' > "$root/project/broken.go"
    capture "$1" "$root/project" "$GO" list . ;;
  *) echo "capture.sh: unknown case $1" >&2; return 1 ;;
  esac
}

for c in $CASES; do
  if [ -n "$only" ] && ! printf ',%s,' "$only" | grep -q ",$c,"; then continue; fi
  run_case "$c"
  # Stop the stub servers and remove the case's tree: the paths in the output must not
  # exist afterwards (the doctor looks at existing paths' owners to pick a cause).
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; PIDS=()
  if [ -d "$rootbase/$c" ]; then chmod -R u+w "$rootbase/$c" 2>/dev/null; rm -rf "${rootbase:?}/$c"; fi
done
rmdir "$rootbase" 2>/dev/null || true
