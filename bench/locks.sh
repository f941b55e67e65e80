#!/usr/bin/env bash
# Locks benchmark: finding every process that holds files under one large module cache, with
# gocache-doctor locks, lsof +D and fuser, side by side (issue #5 §7: at least 10x faster than
# lsof +D).
#
#   bench/locks.sh [FIXTURE_DIR]        (or GOCACHE_BENCH_DIR=...; default target/bench/scan)
#
# Reuses the scan benchmark's fixture (>= 150k entries; bench/scan.sh builds it). Starts a few
# holder processes inside it (a cwd, an open file, a mapping, a flock on a version's .lock),
# checks that gocache-doctor and lsof +D name the same holders, then times RUNS (default 5) runs
# of each command round-robin after one warm-up. Prints a Markdown table for BENCHMARKS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
dir=${1:-${GOCACHE_BENCH_DIR:-$repo/target/bench/scan}}
runs=${RUNS:-5}
if [[ ! -f $dir/summary.json ]]; then
  echo "no fixture in $dir: run bench/scan.sh first (it builds one)" >&2
  exit 1
fi
mod=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gomodcache"])' "$dir/summary.json")

(cd "$repo" && cargo build --quiet --release -p gocache-doctor) >&2
cli="$repo/target/release/gocache-doctor"

# Holders: pick two module versions and their download files.
ver=$(find "$mod" -mindepth 2 -maxdepth 3 -type d -name '*@v*' -not -path "$mod/cache/*" -print -quit)
file=$(find "$ver" -type f -name '*.go' -print -quit)
lock=$(find "$mod/cache/download" -name '*.lock' -print -quit)
zip=$(find "$mod/cache/download" -name '*.zip' -print -quit)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
(cd "$ver" && exec sleep 600) & pids+=($!)
sleep 600 <"$file" & pids+=($!)
python3 -c 'import mmap,sys,time
f=open(sys.argv[1],"rb"); m=mmap.mmap(f.fileno(),0,access=mmap.ACCESS_READ); time.sleep(600)' "$zip" & pids+=($!)
python3 -c 'import fcntl,sys,time
f=open(sys.argv[1],"r+"); fcntl.flock(f,fcntl.LOCK_EX); time.sleep(600)' "$lock" & pids+=($!)
sleep 1

entries=$(find "$mod" | wc -l)
procs=$(find /proc -maxdepth 1 -regex '/proc/[0-9]+' | wc -l)

# Correctness: the same holder pids as lsof +D (which cannot see deleted files).
ours=$("$cli" locks "$mod" --json --no-go | python3 -c 'import json,sys; print(" ".join(sorted(str(h["pid"]) for h in json.load(sys.stdin)["holders"])))')
theirs=$({ lsof -w +D "$mod" -F p 2>/dev/null || true; } | sed -n 's/^p//p' | sort -u | tr '\n' ' ' | sed 's/ $//')
ours_sorted=$(tr ' ' '\n' <<<"$ours" | sort | tr '\n' ' ' | sed 's/ $//')
echo "holders: gocache-doctor [$ours_sorted] lsof +D [$theirs]" >&2
if [[ $ours_sorted != "$theirs" ]]; then
  echo "MISMATCH with lsof +D" >&2
  exit 1
fi
for p in "${pids[@]}"; do
  grep -qw "$p" <<<"$ours" || { echo "holder $p not found" >&2; exit 1; }
done

names=("gocache-doctor locks <root> --json" "lsof +D <root>" "fuser -v -m <root>")
cmds=("$cli locks $mod --json --no-go" "lsof -w +D $mod" "fuser -v -m $mod")
python3 - "$runs" "$entries" "$procs" "${names[@]}" -- "${cmds[@]}" <<'EOF'
import os, shlex, statistics, subprocess, sys, time
runs, entries, procs, rest = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
sep = rest.index("--"); names, cmds = rest[:sep], rest[sep + 1:]
wall = {n: [] for n in names}; cpu = {n: [] for n in names}
def run(c):
    t = time.perf_counter()
    p = subprocess.Popen(shlex.split(c), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime
for r in range(runs + 1):
    for n, c in zip(names, cmds):
        w, u = run(c)
        if r >= 1: wall[n].append(w); cpu[n].append(u)
base = statistics.median(wall[names[1]])
print(f"Fixture: {entries} entries under the root, {procs} processes, 4 holders, "
      f"{os.cpu_count()} CPUs, median of {runs} runs\n")
print("| command | median wall | min | max | lsof +D / this | CPU (user+sys) |")
print("|---|---|---|---|---|---|")
for n in names:
    m = statistics.median(wall[n])
    print(f"| {n} | {m*1000:.1f} ms | {min(wall[n])*1000:.1f} ms | {max(wall[n])*1000:.1f} ms "
          f"| {base / m:.1f}x | {statistics.median(cpu[n])*1000:.1f} ms |")
print("\nfuser -m lists every process using the whole file system (not only the root), "
      "so it answers a broader question.")
EOF
