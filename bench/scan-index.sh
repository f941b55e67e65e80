#!/usr/bin/env bash
# Scan index benchmark (issue #16): the CLI's incremental rescans side by side with du, in one
# run, with a warm and then a cold page cache.
#
#   bench/scan-index.sh [FIXTURE_DIR]   (or GOCACHE_BENCH_DIR=...; default target/bench/scan)
#
# Uses the fixture of bench/scan.sh (gocache-fixture --modules 500 --versions 2 --files 150,
# built there when missing) and its file:// proxy to download versions again. Rows:
#   - du -sb, du -sB1 of the module cache;
#   - today's full scan (the scan example, no index) and the CLI's first scan with no index
#     (which also writes it), `scan --full` (walks everything, rewrites the index);
#   - the CLI's rescan of the unchanged cache, with and without its `go env` cross-check;
#   - the CLI's rescan after 10 versions were removed (extracted tree and download files, as
#     our clean does) and downloaded again by `go mod download` from the proxy (done in
#     hyperfine's --prepare, with the index of the cache before the change restored).
# Cold rows drop the page cache before each run (`sync; echo 3 > /proc/sys/vm/drop_caches`,
# root only: skipped for other users and with COLD=0). RUNS (default 10) timed runs after 2
# warm-up runs. BASELINE_CLI=PATH adds a row for another gocache-doctor binary (one built
# before the index: today's CLI scan), run like the CLI's rows.
# Prints Markdown tables (median wall time, ratio to du -sb of the same block).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
dir=${1:-${GOCACHE_BENCH_DIR:-$repo/target/bench/scan}}
runs=${RUNS:-10}
cold=${COLD:-1}
[[ $(id -u) == 0 ]] || cold=0
target=${CARGO_TARGET_DIR:-$repo/target}
if [[ ! -f $dir/summary.json ]]; then
  RUNS=1 "$here/scan.sh" "$dir" >/dev/null
fi
dir=$(cd "$dir" && pwd)
read -r mod proxy < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
print(s["gomodcache"], s.get("proxy", ""))' "$dir/summary.json")
if [[ -z $proxy ]]; then
  echo "the fixture has no proxy (SYNTH=1?): build the real one with gocache-fixture" >&2
  exit 1
fi
go=${GO:-$(command -v go || ls -d /usr/lib/go-1.*/bin/go 2>/dev/null | sort -V | tail -n1)}
godir=$(dirname "$go")

(cd "$repo" && cargo build --quiet --release -p gocache-doctor \
  && cargo build --quiet --release -p gocache-core --example scan) >&2
cli="$target/release/gocache-doctor"
example="$target/release/examples/scan"
empty="$dir/empty-home"
data="$dir/index-data"
work="$dir/index-work"
mkdir -p "$empty" "$work"
# Only the fixture's module cache exists for the CLI; its index lives in $data.
cli_env="env -i PATH=$godir:/usr/bin:/bin HOME=$empty XDG_CACHE_HOME=$empty/cache GOENV=off GOMODCACHE=$mod GOCACHE=$empty/gocache GOCACHE_DOCTOR_DATA_DIR=$data"
scan_cmd="$cli_env $cli scan --json --kind modcache"

# The 10 versions removed and downloaded again: spread over the cache.
mapfile -t churn < <(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["modules"]
for v in m[::len(m) // 10][:10]:
    print(v["path"] + "@" + v["version"])' "$dir/summary.json")
esc() { python3 -c 'import re,sys; print(re.sub("[A-Z]", lambda m: "!" + m.group(0).lower(), sys.argv[1]))' "$1"; }
cat >"$work/churn.sh" <<EOF
#!/usr/bin/env bash
# Restores the index of the cache before the change, removes the 10 versions, downloads them.
set -euo pipefail
cp "$work/index-before.idx" "\$(ls "$data"/scan-index/modcache-*.idx)"
EOF
for mv in "${churn[@]}"; do
  p=${mv%@*} v=${mv#*@}
  ep=$(esc "$p") ev=$(esc "$v")
  cat >>"$work/churn.sh" <<EOF
chmod -R u+w "$mod/$ep@$ev" && rm -rf "$mod/$ep@$ev"
rm -f "$mod/cache/download/$ep/@v/$ev".*
EOF
done
cat >>"$work/churn.sh" <<EOF
cd "$work"
env -i PATH=$godir:/usr/bin:/bin HOME=$empty GOENV=off GOTOOLCHAIN=local GOTELEMETRY=off \
  GOFLAGS=-mod=mod GOSUMDB=off GOPROXY=file://$proxy GOMODCACHE=$mod GOCACHE=$empty/gocache \
  "$go" mod download ${churn[*]}
EOF
chmod +x "$work/churn.sh"

# A complete, settled index (nothing changed in the last 3 s), saved for the churn rows.
settle() {
  sleep 3.5
  $scan_cmd --no-go --full >/dev/null
}
settle
cp "$(ls "$data"/scan-index/modcache-*.idx)" "$work/index-before.idx"

# Correctness first: after the churn, the incremental rescan equals du to the byte.
"$work/churn.sh" >/dev/null 2>&1
read -r got_b got_k < <($scan_cmd --no-go | python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin)["caches"] if c["kind"] == "modcache"][0]
print(c["bytes"], c["disk_bytes"])')
du_b=$(du -sb "$mod" | cut -f1)
du_k=$(du -sB1 "$mod" | cut -f1)
entries=$(find "$mod" | wc -l)
echo "entries=$entries du -sb=$du_b du -sB1=$du_k | incremental rescan after the churn: bytes=$got_b disk_bytes=$got_k" >&2
if [[ $du_b != "$got_b" || $du_k != "$got_k" ]]; then
  echo "MISMATCH with du" >&2
  exit 1
fi

names=("du -sb" "du -sB1" "today's full scan (example scan --modcache, no index)"
  "CLI first scan, no index (writes it)" "CLI scan --full (walks all, rewrites the index)"
  "CLI rescan, unchanged cache" "CLI rescan, unchanged cache, with the go env cross-check"
  "CLI rescan after 10 versions removed and downloaded again")
cmds=("du -sb $mod" "du -sB1 $mod" "$example --modcache $mod"
  "$scan_cmd --no-go" "$scan_cmd --no-go --full"
  "$scan_cmd --no-go" "$scan_cmd"
  "$scan_cmd --no-go")
# Hyperfine's --prepare (run without a shell): `prep.sh WHAT DROP`, WHAT being `none` (no
# index), `churn` (the change above) or `-` (nothing), then the page cache is dropped when
# DROP is 1.
cat >"$work/prep.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
case \$1 in
  none) rm -rf "$data" ;;
  churn) "$work/churn.sh" >/dev/null 2>&1 ;;
esac
if [[ \$2 == 1 ]]; then sync; echo 3 >/proc/sys/vm/drop_caches; fi
EOF
chmod +x "$work/prep.sh"
whats=(- - - none - - - churn)
if [[ -n ${BASELINE_CLI:-} ]]; then
  names+=("CLI before the index ($BASELINE_CLI)")
  cmds+=("$cli_env $BASELINE_CLI scan --json --kind modcache --no-go")
  whats+=(-)
fi
block() { # block NAME DROP
  local args=()
  for i in "${!cmds[@]}"; do
    args+=(-p "$work/prep.sh ${whats[$i]} $2" -n "${names[$i]}" "${cmds[$i]}")
  done
  settle
  hyperfine -N --warmup 2 --runs "$runs" --export-json "$dir/index-$1.json" "${args[@]}" >&2
}
block warm 0
if [[ $cold == 1 ]]; then block cold 1; fi
settle

for b in warm cold; do
  [[ -f $dir/index-$b.json && ($b == warm || $cold == 1) ]] || continue
  python3 - "$dir/index-$b.json" "$b" "$entries" "$du_b" <<'EOF'
import json, statistics, sys, os
res = json.load(open(sys.argv[1]))["results"]
block, entries, size = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
med = {r["command"]: statistics.median(r["times"]) for r in res}
base = med["du -sb"]
cache = "warm page cache" if block == "warm" else "cold page cache (dropped before each run)"
print(f"\n{cache}: {entries} entries, {size / 1e9:.2f} GB, {os.cpu_count()} CPUs, median of {len(res[0]['times'])} runs\n")
print("| command | median wall | min | max | vs `du -sb` | CPU (user+sys) |")
print("|---|---|---|---|---|---|")
for r in res:
    m = med[r["command"]]
    avg = lambda v: statistics.mean(v) if isinstance(v, list) else float(v)
    c = avg(r["user"]) + avg(r["system"])
    print(f"| {r['command']} | {m * 1000:.1f} ms | {min(r['times']) * 1000:.1f} ms | {max(r['times']) * 1000:.1f} ms | {m / base:.3f}x | {c * 1000:.1f} ms |")
EOF
done
