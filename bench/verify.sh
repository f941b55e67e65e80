#!/usr/bin/env bash
# Verify benchmark (issue #4 §8), in one run on one fixture:
#   1. project mode: `gocache-doctor verify --project P` against `go mod verify` in P (the same
#      module set: P's build list, which both list with `go list -m all`). P's go.sum is as
#      `go mod download` left it: only /go.mod lines (issue #15: the set must not depend on
#      go.sum naming the zips);
#   2. whole-cache throughput: `gocache-doctor verify --no-build` (every extracted tree and zip
#      of the module cache) against `sha256sum` reading the same files with the same
#      parallelism (`xargs -P $(nproc)`).
#
#   bench/verify.sh [FIXTURE_DIR]      (or GOCACHE_BENCH_DIR=...; default target/bench/scan)
#
# The fixture is the scan benchmark's (>= 150k entries; bench/scan.sh builds it once with
#   gocache-fixture --out DIR --modules 500 --versions 2 --files 150).
# Each command runs RUNS times (default 3, order rotating), after one warm-up pass of each so
# the page cache is equally warm for all; medians are printed as a Markdown table for
# BENCHMARKS.md. Targets: project mode <= 0.5x `go mod verify`; whole-cache throughput >= 70%
# of sha256sum's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
dir=${1:-${GOCACHE_BENCH_DIR:-$repo/target/bench/scan}}
runs=${RUNS:-3}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if [[ ! -f $dir/summary.json ]]; then
  echo "building fixture in $dir with gocache-fixture (a few minutes)" >&2
  if [[ -e $dir/fixture ]]; then chmod -R u+w "$dir/fixture" && rm -rf "$dir/fixture"; fi
  (cd "$repo" && cargo run --quiet --release -p gocache-tests --bin gocache-fixture -- \
    --out "$dir/fixture" --modules 500 --versions 2 --files 150) >"$dir/summary.json.tmp"
  mv "$dir/summary.json.tmp" "$dir/summary.json"
fi
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$dir/summary.json" "$1"; }
mod=$(field gomodcache)
gopath=$(field gopath)
gocache=$(field gocache)
proxy=$(field proxy)
project=$(field project)

(cd "$repo" && cargo build --quiet --release -p gocache-doctor) >&2
target=${CARGO_TARGET_DIR:-$repo/target}
cli="$target/release/gocache-doctor"
go=${GO:-$(command -v go || true)}
if [[ -z $go ]]; then
  go=$(ls -d /usr/lib/go-1.*/bin/go 2>/dev/null | sort -t. -k2 -n | tail -1)
fi
[[ -x $go ]] || { echo "no Go toolchain (set GO=...)" >&2; exit 1; }
godir=$(dirname "$go")
home="$dir/verify-home"
mkdir -p "$home"
envs=(env -i "PATH=$godir:/usr/bin:/bin" "HOME=$home" "XDG_CACHE_HOME=$home/cache"
  "XDG_CONFIG_HOME=$home/config" GOENV=off GOTOOLCHAIN=local GOFLAGS=-mod=mod GOTELEMETRY=off
  GOSUMDB=off "GOPROXY=file://$proxy" "GOPATH=$gopath" "GOMODCACHE=$mod" "GOCACHE=$gocache")

# go.sum as `go mod download` leaves it: only /go.mod lines (an older fixture may have been
# tidied by an earlier version of this script: drop its zip lines again).
if grep -qv '/go.mod ' "$project/go.sum"; then
  grep '/go.mod ' "$project/go.sum" >"$project/go.sum.tmp" && mv "$project/go.sum.tmp" "$project/go.sum"
fi
# The build list go mod verify checks (the main module excluded).
buildlist=$(cd "$project" && "${envs[@]}" "$go" list -m all | tail -n +2 | wc -l)

nproc=$(nproc)
filelist="$dir/verify-files.txt"
# The files whole-cache verify reads: every extracted tree's files and every zip.
find "$mod" -path "$mod/cache" -prune -o -type f -print0 >"$filelist"
find "$mod/cache/download" -path "$mod/cache/download/sumdb" -prune -o -name '*.zip' -type f -print0 >>"$filelist"
files=$(tr -cd '\0' <"$filelist" | wc -c)
bytes=$(xargs -0 stat -c %s <"$filelist" | awk '{s+=$1} END {printf "%d\n", s}')
echo "fixture $mod: $files files to hash, $bytes bytes, $nproc CPUs" >&2

names=("go mod verify (in P)" "gocache-doctor verify --project P"
  "sha256sum (xargs -P $nproc)" "gocache-doctor verify (whole module cache)")
cmd_of() {
  case $1 in
    0) (cd "$project" && "${envs[@]}" "$go" mod verify >/dev/null) ;;
    1) "${envs[@]}" "$cli" verify --project "$project" --json >"$dir/verify-project.json" ;;
    2) xargs -0 -P "$nproc" -n 256 sha256sum <"$filelist" >/dev/null ;;
    3) "${envs[@]}" "$cli" verify --no-go --no-build --json >"$dir/verify-cache.json" ;;
  esac
}
results="$dir/verify-results.txt"
: >"$results"
for k in 0 1 2 3; do cmd_of $k; done # warm-up
for ((r = 0; r < runs; r++)); do
  for ((j = 0; j < 4; j++)); do
    k=$(((r + j) % 4))
    t0=$(date +%s.%N)
    cmd_of $k
    t1=$(date +%s.%N)
    echo "$k $(echo "$t1 - $t0" | bc)" >>"$results"
    echo "${names[$k]}: $(echo "$t1 - $t0" | bc) s" >&2
  done
done

# Correctness: the fixture is intact, so nothing may be broken and every version checked.
python3 - "$dir/verify-cache.json" "$dir/verify-project.json" "$buildlist" <<'PY'
import json, sys
c, p = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert c["broken"] == 0 and p["broken"] == 0, "the fixture should verify clean"
assert not p["project"]["mismatches"], p["project"]["mismatches"][:3]
# Project mode verifies what go mod verify verifies: the whole build list.
assert p["checked"] == int(sys.argv[3]), (p["checked"], sys.argv[3], p["project"]["version_set"])
print(f"checked: whole cache {c['checked']} versions, {c['bytes_hashed']} bytes; "
      f"project {p['checked']} versions ({p['project']['version_set']})", file=sys.stderr)
PY

python3 - "$results" "$files" "$bytes" "$nproc" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
files, size, nproc = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
med = {k: statistics.median(float(t) for kk, t in rows if int(kk) == k) for k in range(4)}
names = ["go mod verify (in P)", "gocache-doctor verify --project P",
         f"sha256sum (xargs -P {nproc})", "gocache-doctor verify (whole module cache)"]
n = len([r for r in rows if r[0] == "0"])
print(f"Fixture: {files} files / {size / 1e9:.2f} GB to hash (trees + zips), {nproc} CPUs, "
      f"warm page cache, median of {n} runs\n")
print("| command | wall (median) | ratio |")
print("|---|---|---|")
print(f"| {names[0]} | {med[0]:.2f} s | 1.00x |")
print(f"| {names[1]} | {med[1]:.2f} s | {med[1] / med[0]:.2f}x go mod verify |")
print(f"| {names[2]} | {med[2]:.2f} s ({size / med[2] / 1e6:.0f} MB/s) | 1.00x |")
print(f"| {names[3]} | {med[3]:.2f} s ({size / med[3] / 1e6:.0f} MB/s) | {med[2] / med[3]:.0%} of sha256sum throughput |")
a, b = med[1] / med[0], med[2] / med[3]
print(f"\nTargets: project mode <= 0.5x go mod verify: {a:.2f}x {'MET' if a <= 0.5 else 'NOT MET'}; "
      f"throughput >= 70% of sha256sum: {b:.0%} {'MET' if b >= 0.7 else 'NOT MET'}")
PY
