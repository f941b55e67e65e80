#!/usr/bin/env bash
# The build cache's scan index (issue #16), side by side with du in one run: the CLI's scan of a
# real build cache (the one `go build std cmd` fills) walking everything (`--full`), its
# incremental rescan of the unchanged cache (every 00..ff shard from the index), and its rescan
# after Go added entries (a new package built; the index of the cache before restored each run).
#
#   bench/scan-build-index.sh [DIR]   (default target/bench/build-index; RUNS=10)
#
# Prints a Markdown table (median wall time, ratio to du -sb); checks first that the
# incremental rescan after the change equals du -sb and du -sB1 to the byte.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
dir=${1:-$repo/target/bench/build-index}
runs=${RUNS:-10}
target=${CARGO_TARGET_DIR:-$repo/target}
go=${GO:-$(command -v go || ls -d /usr/lib/go-1.*/bin/go 2>/dev/null | sort -V | tail -n1)}
godir=$(dirname "$go")
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
gocache="$dir/gocache" data="$dir/data" work="$dir/work" home="$dir/home"
mkdir -p "$work" "$home"
goenv=(env -i "PATH=$godir:/usr/bin:/bin" "HOME=$home" GOENV=off GOTOOLCHAIN=local GOFLAGS= "GOCACHE=$gocache" "GOPATH=$home/go")
if [[ ! -f $dir/filled ]]; then
  echo "filling $gocache with go build std cmd (once)" >&2
  "${goenv[@]}" "$go" build std cmd
  touch "$dir/filled"
fi
(cd "$repo" && cargo build --quiet --release -p gocache-doctor) >&2
cli="$target/release/gocache-doctor"
scan_cmd="env -i PATH=$godir:/usr/bin:/bin HOME=$home GOENV=off GOMODCACHE=$home/nomod GOCACHE=$gocache GOCACHE_DOCTOR_DATA_DIR=$data $cli scan --json --kind build --no-go"

# The change: a package of its own built into the cache (new entries in a few shards), undone
# before the next run by removing exactly the entries it added.
mkdir -p "$work/pkg"
cat >"$work/pkg/go.mod" <<'EOF'
module example.com/benchpkg

go 1.21
EOF
sleep 4 # past the index's 3-second racy window
rm -rf "$data"
$scan_cmd >/dev/null
sleep 4
$scan_cmd >/dev/null
cp "$(ls "$data"/scan-index/build-*.idx)" "$work/index-before.idx"
(cd "$gocache" && find . -type f | sort) >"$work/files-before"
cat >"$work/churn.sh" <<EOF
#!/usr/bin/env bash
set -euo pipefail
cd "$gocache"
find . -type f | sort >"$work/files-now"
comm -13 "$work/files-before" "$work/files-now" | xargs -r rm -f
cp "$work/index-before.idx" "\$(ls "$data"/scan-index/build-*.idx)"
printf 'package benchpkg\n\nfunc F() int { return %d }\n' "\$RANDOM\$RANDOM" >"$work/pkg/p.go"
cd "$work/pkg" && ${goenv[*]} "$go" build ./...
EOF
chmod +x "$work/churn.sh"
"$work/churn.sh"
got=$($scan_cmd | python3 -c 'import json,sys; r=json.load(sys.stdin); c=[c for c in r["caches"] if c["kind"]=="build"][0]; print(c["bytes"], c["disk_bytes"], r["build"]["entries"])')
read -r got_b got_k entries <<<"$got"
du_b=$(du -sb "$gocache" | cut -f1)
du_k=$(du -sB1 "$gocache" | cut -f1)
echo "build cache: $entries entries, du -sb=$du_b du -sB1=$du_k | incremental rescan after the change: bytes=$got_b disk_bytes=$got_k" >&2
if [[ $got_b != "$du_b" || $got_k != "$du_k" ]]; then
  echo "MISMATCH with du" >&2
  exit 1
fi
# One --prepare per command (a no-op but for the last), in the commands' order.
hyperfine -N --warmup 2 --runs "$runs" --export-json "$dir/build-index.json" \
  -p true -n "du -sb" "du -sb $gocache" -p true -n "du -sB1" "du -sB1 $gocache" \
  -p true -n "CLI scan --full (walks every shard, rewrites the index)" "$scan_cmd --full" \
  -p true -n "CLI rescan, unchanged build cache" "$scan_cmd" \
  -p "$work/churn.sh" -n "CLI rescan after a new package was built" "$scan_cmd" >&2
python3 - "$dir/build-index.json" "$entries" "$du_b" <<'EOF'
import json, statistics, sys, os
res = json.load(open(sys.argv[1]))["results"]
entries, size = int(sys.argv[2]), int(sys.argv[3])
med = {r["command"]: statistics.median(r["times"]) for r in res}
base = med["du -sb"]
print(f"\nwarm page cache: build cache of {entries} entries, {size / 1e6:.0f} MB, {os.cpu_count()} CPUs, median of {len(res[0]['times'])} runs\n")
print("| command | median wall | min | max | vs `du -sb` |")
print("|---|---|---|---|---|")
for r in res:
    m = med[r["command"]]
    print(f"| {r['command']} | {m * 1000:.1f} ms | {min(r['times']) * 1000:.1f} ms | {max(r['times']) * 1000:.1f} ms | {m / base:.3f}x |")
EOF
