#!/usr/bin/env bash
# The standalone CLI archive of the release (issue #18), packed for this machine's target by
# the same script the release workflow runs (scripts/pack-cli.sh, debug profile for speed):
# the archive's name and contents, `sha256sum -c` of its checksum (and that a changed byte
# fails it), the unpacked binary's version, its completions and man pages as bash, zsh and
# man read them; then the same as a .zip (the Windows format).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gocache-pack.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
T0=$(date +%s)
log() { printf 'pack-cli: [%3ss] %s\n' "$(($(date +%s) - T0))" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

HOST=$(rustc -vV | sed -n 's/^host: //p')
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/Cargo.toml" | head -n 1)
NAME=gocache-doctor-$VERSION-$HOST
CLI_PROFILE=debug bash "$ROOT/scripts/pack-cli.sh" "$HOST" "$WORK/out" 2>"$WORK/pack.log" ||
  { cat "$WORK/pack.log" >&2; fail "scripts/pack-cli.sh $HOST"; }
[ "$(cd "$WORK/out" && LC_ALL=C ls)" = "$NAME.tar.gz"$'\n'"$NAME.tar.gz.sha256" ] ||
  fail "unexpected files: $(ls "$WORK/out")"
(cd "$WORK/out" && sha256sum -c "$NAME.tar.gz.sha256") >&2 || fail "sha256sum -c"
cp "$WORK/out/$NAME.tar.gz" "$WORK/good.tar.gz"
printf '\x00' | dd of="$WORK/out/$NAME.tar.gz" bs=1 seek=100 conv=notrunc status=none
if (cd "$WORK/out" && sha256sum -c "$NAME.tar.gz.sha256") >/dev/null 2>&1; then
  fail "sha256sum -c accepts a changed archive"
fi
log "$NAME.tar.gz: checksum verifies, a changed byte fails it"

tar -tzf "$WORK/good.tar.gz" | sort >"$WORK/list.txt"
for f in gocache-doctor LICENSE-MIT LICENSE-APACHE README.md completions/gocache-doctor.bash \
  completions/_gocache-doctor completions/gocache-doctor.fish completions/_gocache-doctor.ps1 \
  completions/gocache-doctor.elv man/man1/gocache-doctor.1 man/man1/gocache-doctor-clean.1 \
  man/man1/gocache-doctor-ci-trim.1; do
  grep -qx "$NAME/$f" "$WORK/list.txt" || fail "archive lacks $NAME/$f: $(cat "$WORK/list.txt")"
done
grep -v "^$NAME/" "$WORK/list.txt" && fail "entries outside $NAME/"
mkdir "$WORK/x"
tar -xzf "$WORK/good.tar.gz" -C "$WORK/x"
D=$WORK/x/$NAME
[ -x "$D/gocache-doctor" ] || fail "the binary is not executable"
[ "$("$D/gocache-doctor" --version)" = "gocache-doctor $VERSION" ] || fail "--version: $("$D/gocache-doctor" --version)"
cmp -s "$D/completions/gocache-doctor.bash" <("$D/gocache-doctor" completions bash) || fail "bash completion differs from the binary's"
bash -n "$D/completions/gocache-doctor.bash" || fail "bash -n"
! command -v zsh >/dev/null || zsh -n "$D/completions/_gocache-doctor" || fail "zsh -n"
pages=$(ls "$D/man/man1" | wc -l)
[ "$pages" -ge 12 ] || fail "only $pages man pages"
MANPAGER=cat MANWIDTH=100 man -l "$D/man/man1/gocache-doctor.1" >"$WORK/man.txt" 2>&1 || fail "man -l"
grep -q "gocache-doctor-completions(1)" "$WORK/man.txt" || fail "man page: $(cat "$WORK/man.txt")"
grep -q '^### Install the CLI' "$D/README.md" || fail "README.md lacks the install part"
grep -q 'sha256sum' "$D/README.md" || fail "README.md lacks the checksum step"
log "$NAME.tar.gz: binary $VERSION, $pages man pages, completions, licenses, README"

FORMAT=zip CLI_PROFILE=debug bash "$ROOT/scripts/pack-cli.sh" "$HOST" "$WORK/zip" 2>"$WORK/pack-zip.log" ||
  { cat "$WORK/pack-zip.log" >&2; fail "FORMAT=zip scripts/pack-cli.sh"; }
(cd "$WORK/zip" && sha256sum -c "$NAME.zip.sha256") >&2 || fail "sha256sum -c (zip)"
unzip -Z1 "$WORK/zip/$NAME.zip" | grep -v '/$' | sort >"$WORK/zlist.txt"
diff <(grep -v '/$' "$WORK/list.txt") "$WORK/zlist.txt" >&2 || fail "the .zip holds other files than the .tar.gz"
# The release's SHA256SUMS over both archives (scripts/cli-sums.sh, as the cli-release job).
mkdir "$WORK/rel"
cp "$WORK/good.tar.gz" "$WORK/rel/$NAME.tar.gz"
cp "$WORK/out/$NAME.tar.gz.sha256" "$WORK/zip/$NAME.zip" "$WORK/zip/$NAME.zip.sha256" "$WORK/rel/"
bash "$ROOT/scripts/cli-sums.sh" "$WORK/rel" >/dev/null 2>"$WORK/sums.log" || { cat "$WORK/sums.log" >&2; fail "cli-sums.sh"; }
[ "$(cd "$WORK/rel" && LC_ALL=C ls)" = SHA256SUMS$'\n'"$NAME.tar.gz"$'\n'"$NAME.zip" ] || fail "after cli-sums: $(ls "$WORK/rel")"
[ "$(wc -l <"$WORK/rel/SHA256SUMS")" = 2 ] || fail "SHA256SUMS: $(cat "$WORK/rel/SHA256SUMS")"
(cd "$WORK/rel" && sha256sum -c SHA256SUMS) >&2 || fail "sha256sum -c SHA256SUMS"
# An archive that changed after packing is refused.
mkdir "$WORK/bad"
cp "$WORK/out/$NAME.tar.gz" "$WORK/out/$NAME.tar.gz.sha256" "$WORK/bad/"
if bash "$ROOT/scripts/cli-sums.sh" "$WORK/bad" >/dev/null 2>&1; then fail "cli-sums.sh accepted a changed archive"; fi
log "OK: the CLI archives pack, verify and hold what they must; SHA256SUMS covers both"
