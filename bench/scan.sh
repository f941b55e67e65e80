#!/usr/bin/env bash
# Scan benchmark: sizes one large module cache with du, diskus and gocache-doctor, side by side.
#
#   bench/scan.sh [FIXTURE_DIR]        (or GOCACHE_BENCH_DIR=...; default target/bench/scan)
#
# The fixture (>= 150k entries) is built once with the fixture builder
#   gocache-fixture --out DIR --modules 500 --versions 2 --files 150
# and reused on later runs (delete the directory to rebuild). SYNTH=1 uses the faster synthetic
# generator bench/synth-modcache.sh instead (same size, no Go needed).
# RUNS (default 10) timed runs per command after 2 warm-up runs (warm page cache), with
# hyperfine when installed; INTERLEAVE=1 (or no hyperfine) runs the commands round-robin instead
# and records CPU time per run, which is steadier when other work shares the machine.
# Prints a Markdown table (median wall time, ratio to du -sb) ready for BENCHMARKS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
dir=${1:-${GOCACHE_BENCH_DIR:-$repo/target/bench/scan}}
runs=${RUNS:-10}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# 1. The fixture.
if [[ -f $dir/summary.json ]]; then
  echo "reusing fixture $dir" >&2
elif [[ ${SYNTH:-0} == 1 ]]; then
  echo "building synthetic fixture in $dir (about a minute)" >&2
  mod=$("$here/synth-modcache.sh" "$dir/synth" 500 2 150)
  printf '{"gomodcache": "%s", "generator": "bench/synth-modcache.sh 500 2 150"}\n' "$mod" >"$dir/summary.json.tmp"
  mv "$dir/summary.json.tmp" "$dir/summary.json"
else
  echo "building fixture in $dir with gocache-fixture (a few minutes)" >&2
  if [[ -e $dir/fixture ]]; then chmod -R u+w "$dir/fixture" && rm -rf "$dir/fixture"; fi
  (cd "$repo" && cargo run --quiet --release -p gocache-tests --bin gocache-fixture -- \
    --out "$dir/fixture" --modules 500 --versions 2 --files 150) >"$dir/summary.json.tmp"
  mv "$dir/summary.json.tmp" "$dir/summary.json"
fi
mod=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["gomodcache"])' "$dir/summary.json")

# 2. The programs.
(cd "$repo" && cargo build --quiet --release -p gocache-core --example scan \
  && cargo build --quiet --release -p gocache-doctor) >&2
example="$repo/target/release/examples/scan"
cli="$repo/target/release/gocache-doctor"
empty="$dir/empty-home"
mkdir -p "$empty"
# Only the fixture's module cache exists for the CLI: every other cache points into an empty dir.
cli_cmd="env -i PATH=/usr/bin:/bin HOME=$empty XDG_CACHE_HOME=$empty/cache GOENV=off GOMODCACHE=$mod GOCACHE=$empty/gocache $cli scan --json --kind modcache --no-go"
diskus=$(command -v diskus || true)
[[ -z $diskus && -x $HOME/.cargo/bin/diskus ]] && diskus=$HOME/.cargo/bin/diskus
if [[ -z $diskus ]]; then
  cargo install --quiet --locked diskus >&2 || echo "diskus not installed; skipped" >&2
  diskus=$(command -v diskus || true)
fi

# 3. Correctness first: the scanner must agree with du.
entries=$(find "$mod" | wc -l)
du_b=$(du -sb "$mod" | cut -f1)
du_k=$(du -sB1 "$mod" | cut -f1)
read -r got_b got_k modules < <($cli_cmd | python3 -c '
import json, sys
r = json.load(sys.stdin)
c = [c for c in r["caches"] if c["kind"] == "modcache"][0]
print(c["bytes"], c["disk_bytes"], len(r["modules"]))')
echo "entries=$entries du -sb=$du_b du -sB1=$du_k | gocache-doctor bytes=$got_b disk_bytes=$got_k module rows=$modules" >&2
if [[ $du_b != "$got_b" || $du_k != "$got_k" ]]; then
  echo "MISMATCH with du" >&2
  exit 1
fi

# 4. Timings.
names=("du -sb" "du -sB1")
cmds=("du -sb $mod" "du -sB1 $mod")
if [[ -n $diskus ]]; then
  names+=("diskus")
  cmds+=("$diskus $mod")
fi
names+=("gocache-doctor scan --json (full, per-module)" "example scan --modcache (full, per-module)" "example scan --dir (totals only)")
cmds+=("$cli_cmd" "$example --modcache $mod" "$example --dir $mod")
out="$dir/results.json"
if command -v hyperfine >/dev/null && [[ ${INTERLEAVE:-0} != 1 ]]; then
  args=()
  for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]} >/dev/null"); done
  hyperfine -N --warmup 2 --runs "$runs" --export-json "$out" "${args[@]}" >&2 || \
    hyperfine --warmup 2 --runs "$runs" --export-json "$out" "${args[@]}" >&2
else
  # Round-robin runs (robust when other work shares the machine), wall and CPU time per run.
  python3 - "$out" "$runs" "${names[@]}" -- "${cmds[@]}" <<'EOF'
import json, os, shlex, subprocess, sys, time
out, runs, rest = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
sep = rest.index("--"); names, cmds = rest[:sep], rest[sep + 1:]
times = {n: [] for n in names}; cpu = {n: [] for n in names}
def run(c):
    t = time.perf_counter()
    p = subprocess.Popen(shlex.split(c), stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0: sys.exit(f"failed: {c}")
    return time.perf_counter() - t, ru.ru_utime + ru.ru_stime
for r in range(runs + 2):
    for n, c in zip(names, cmds):
        w, u = run(c)
        if r >= 2: times[n].append(w); cpu[n].append(u)
json.dump({"results": [{"command": n, "times": times[n], "cpu": cpu[n]} for n in names]}, open(out, "w"))
EOF
fi

# 5. The table.
python3 - "$out" "$entries" "$du_b" <<'EOF'
import json, statistics, sys, os
res = json.load(open(sys.argv[1]))["results"]
entries, size = int(sys.argv[2]), int(sys.argv[3])
med = {r["command"]: statistics.median(r["times"]) for r in res}
base = med["du -sb"]
print(f"Fixture: {entries} entries, {size / 1e9:.2f} GB (du -sb), {os.cpu_count()} CPUs, warm page cache, "
      f"median of {len(res[0]['times'])} runs\n")
print("| command | median wall | min | max | vs `du -sb` | CPU (user+sys) |")
print("|---|---|---|---|---|---|")
for r in res:
    m = med[r["command"]]
    if "cpu" in r:
        c = statistics.median(r["cpu"])
    else:
        # hyperfine exports the mean user/system time as numbers (older versions as lists).
        avg = lambda v: statistics.mean(v) if isinstance(v, list) else float(v)
        c = avg(r["user"]) + avg(r["system"])
    print(f"| {r['command']} | {m:.3f} s | {min(r['times']):.3f} s | {max(r['times']):.3f} s | {m / base:.2f}x | {c:.3f} s |")
EOF
