#!/usr/bin/env bash
# Clean benchmark: removes identical copies of one large module cache with `go clean -modcache`,
# `chmod -R u+w` + `rm -rf`, and `gocache-doctor clean --modcache --yes`, in one run.
#
#   bench/clean.sh [FIXTURE_DIR]       (or GOCACHE_BENCH_DIR=...; default target/bench/scan)
#
# The fixture is the scan benchmark's (>= 150k entries, built once by
#   gocache-fixture --out DIR --modules 500 --versions 2 --files 150
# and reused; bench/scan.sh documents it). For each timed run the module cache is copied with
# `cp -a` to target/bench/clean/<contender>/gopath/pkg/mod (CLEAN_WORK=... to move it; same
# filesystem layout for everyone), then `sync` and a `du -sb` warm the metadata the same way,
# then the command runs under gocache-gone-timer (tests/src/bin), which measures on one clock:
#   gone: until the module cache directory no longer exists (lstat polled every ~1 ms), i.e.
#         until the cache is gone for Go; while `go clean`/`rm` work, Go sees a half-deleted
#         cache;
#   exit: the command's full wall time (gocache-doctor waits for its background purge).
# RUNS (default 3) rounds; the contenders' order rotates each round. Prints a Markdown table
# (medians) for BENCHMARKS.md. Targets (issue #3 §10): gocache-doctor's gone <= 0.05x that of
# `go clean -modcache`; its exit <= 1.0x that of `chmod -R u+w` + `rm -rf`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
dir=${1:-${GOCACHE_BENCH_DIR:-$repo/target/bench/scan}}
work=${CLEAN_WORK:-$repo/target/bench/clean}
runs=${RUNS:-3}
mkdir -p "$dir" "$work"
dir=$(cd "$dir" && pwd)
work=$(cd "$work" && pwd)

# 1. The fixture (shared with bench/scan.sh).
if [[ ! -f $dir/summary.json ]]; then
  echo "building fixture in $dir with gocache-fixture (a few minutes)" >&2
  if [[ -e $dir/fixture ]]; then chmod -R u+w "$dir/fixture" && rm -rf "$dir/fixture"; fi
  (cd "$repo" && cargo run --quiet --release -p gocache-tests --bin gocache-fixture -- \
    --out "$dir/fixture" --modules 500 --versions 2 --files 150) >"$dir/summary.json.tmp"
  mv "$dir/summary.json.tmp" "$dir/summary.json"
fi
src=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gomodcache"])' "$dir/summary.json")

# 2. The programs.
(cd "$repo" && cargo build --quiet --release -p gocache-doctor \
  && cargo build --quiet --release -p gocache-tests --bin gocache-gone-timer) >&2
cli="$repo/target/release/gocache-doctor"
timer="$repo/target/release/gocache-gone-timer"
go=${GO:-$(command -v go || true)}
if [[ -z $go ]]; then
  go=$(ls -d /usr/lib/go-1.*/bin/go 2>/dev/null | sort -t. -k2 -n | tail -1)
fi
[[ -x $go ]] || { echo "no Go toolchain (set GO=...)" >&2; exit 1; }
godir=$(dirname "$go")
empty="$work/empty-home"
mkdir -p "$empty"

entries=$(find "$src" | wc -l)
size=$(du -sb "$src" | cut -f1)
echo "fixture $src: $entries entries, $size bytes" >&2

names=("go clean -modcache" "chmod -R u+w + rm -rf" "gocache-doctor clean --modcache --yes")
slugs=(go rm doctor)
results="$work/results.jsonl"
: >"$results"

# Runs contender $1 (index) on a fresh copy; appends one JSON line to $results.
run_one() {
  local i=$1 slug=${slugs[$1]}
  local gopath="$work/$slug/gopath" mod="$work/$slug/gopath/pkg/mod"
  if [[ -e $work/$slug ]]; then chmod -R u+w "$work/$slug" && rm -rf "$work/$slug"; fi
  mkdir -p "$gopath/pkg"
  cp -a "$src" "$mod"
  sync
  local bytes
  bytes=$(du -sb "$mod" | cut -f1)
  local envs=(env -i "PATH=$godir:/usr/bin:/bin" "HOME=$empty" "XDG_CACHE_HOME=$empty/cache"
    "XDG_CONFIG_HOME=$empty/config" "XDG_DATA_HOME=$empty/data" GOENV=off GOTOOLCHAIN=local
    GOFLAGS= GOTELEMETRY=off "GOPATH=$gopath" "GOMODCACHE=$mod" "GOCACHE=$empty/gocache")
  local cmd
  case $slug in
    go) cmd=("${envs[@]}" "$go" clean -modcache) ;;
    rm) cmd=(sh -c 'chmod -R u+w "$1" && rm -rf "$1"' sh "$mod") ;;
    doctor) cmd=(sh -c '"$@" >"$OUT"' sh "${envs[@]}" "$cli" clean --modcache --yes --json) ;;
  esac
  local line
  line=$(OUT="$work/doctor.json" "$timer" --watch "$mod" -- "${cmd[@]}")
  # Correctness: everything is gone (no quarantine left behind), and the CLI's count agrees
  # with du.
  local left
  left=$(find "$gopath" -mindepth 1 -not -type d | wc -l)
  if [[ $left != 0 ]]; then
    echo "$slug left $left files under $gopath" >&2
    find "$gopath" -mindepth 1 -not -type d | head >&2
    exit 1
  fi
  if [[ $slug == doctor ]]; then
    local freed
    freed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes_freed"])' "$work/doctor.json")
    if [[ $freed != "$bytes" ]]; then
      echo "gocache-doctor bytes_freed=$freed but du -sb=$bytes" >&2
      exit 1
    fi
  fi
  echo "${names[$i]}: $line" >&2
  python3 -c 'import json,sys; d=json.loads(sys.argv[2]); d["command"]=sys.argv[1]; print(json.dumps(d))' \
    "${names[$i]}" "$line" >>"$results"
}

for ((r = 0; r < runs; r++)); do
  for ((k = 0; k < 3; k++)); do
    run_one $(((r + k) % 3))
  done
done
rm -rf "$work/go" "$work/rm" "$work/doctor"

# 3. The table.
python3 - "$results" "$entries" "$size" <<'EOF'
import json, os, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
entries, size = int(sys.argv[2]), int(sys.argv[3])
names = list(dict.fromkeys(r["command"] for r in rows))
by = {n: [r for r in rows if r["command"] == n] for n in names}
med = lambda n, k: statistics.median(r[k] for r in by[n])
go, rm, doc = names[0], names[1], names[2]
print(f"Fixture: {entries} entries, {size / 1e9:.2f} GB (du -sb), {os.cpu_count()} CPUs, "
      f"fresh `cp -a` copy per run, synced and warmed with du -sb, median of {len(by[go])} runs\n")
print("| command | gone for Go (median) | vs `go clean` | full wall (median) | vs `rm -rf` | CPU (user+sys) |")
print("|---|---|---|---|---|---|")
for n in names:
    g, e = med(n, "gone_s"), med(n, "exit_s")
    cpu = statistics.median(r["user_s"] + r["sys_s"] for r in by[n])
    print(f"| {n} | {g:.3f} s | {g / med(go, 'gone_s'):.4f}x | {e:.2f} s | {e / med(rm, 'exit_s'):.2f}x | {cpu:.1f} s |")
a = med(doc, "gone_s") / med(go, "gone_s")
b = med(doc, "exit_s") / med(rm, "exit_s")
print(f"\nTargets: gone <= 0.05x go clean: {a:.4f}x {'MET' if a <= 0.05 else 'NOT MET'}; "
      f"full wall <= 1.0x rm -rf: {b:.2f}x {'MET' if b <= 1.0 else 'NOT MET'}")
EOF
