#!/usr/bin/env bash
# Installed-package test of the Linux .deb (issue #7): build a .deb from the debug build, install
# it with dpkg, check the files the desktop entry names and the CLI it puts on PATH with its
# completions and man pages (issue #18), launch the app through the entry's Exec
# line under Xvfb, screenshot it (artifacts/dist/), close it, purge the package and check every
# file is gone. Needs root (or sudo) for dpkg.
#
#   tests/dist/run.sh              build the .deb (`tauri build --debug --bundles deb --config
#                                  src-tauri/tauri.bundle.conf.json`, reuses target/debug from
#                                  `make app`) and test it
#   DEB=path/to.deb tests/dist/run.sh    test a given .deb (e.g. the release one from `make dist`)
#   KEEP_WORK=1 tests/dist/run.sh  keep the temp dir (isolated HOME, app log)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TAURI="$ROOT/tests/e2e/node_modules/.bin/tauri"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
ART=${ARTIFACTS_DIR:-$ROOT/artifacts/dist}
PKG=go-cache-doctor
TITLE="Go Cache Doctor"
HICOLOR_SIZES="16 24 32 48 64 128 256 512"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
IMPORT=/usr/bin/import
[ -x "$IMPORT" ] || IMPORT=import
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gocache-dist.XXXXXX")
INSTALLED=0
T0=$(date +%s)

log() { printf 'dist: [%3ss] %s\n' "$(($(date +%s) - T0))" "$*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

cleanup() {
  local status=$?
  if [ "$INSTALLED" = 1 ]; then
    log "purging $PKG after a failure"
    $SUDO dpkg --purge "$PKG" >/dev/null 2>&1 || true
  fi
  if [ "${KEEP_WORK:-0}" = 1 ] || [ "$status" != 0 ]; then
    log "work dir kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if dpkg -s "$PKG" >/dev/null 2>&1; then
  fail "$PKG is already installed on this machine: remove it first ($SUDO dpkg -r $PKG); this test installs and removes its own build"
fi

# 1. The .deb, from the debug build `make app` compiled (tauri build only re-links if needed).
if [ -z "${DEB:-}" ]; then
  log "tauri build --debug --bundles deb --config src-tauri/tauri.bundle.conf.json"
  rm -f "$TARGET_DIR"/debug/bundle/deb/*.deb
  (cd "$ROOT" && "$TAURI" build --debug --bundles deb --config src-tauri/tauri.bundle.conf.json) >"$WORK/build.log" 2>&1 ||
    { cat "$WORK/build.log" >&2; fail "tauri build"; }
  grep -E '^ *(Compiling|Finished `)' "$WORK/build.log" >&2 || true
  DEB=$(ls "$TARGET_DIR"/debug/bundle/deb/*.deb)
fi
[ -f "$DEB" ] || fail "no .deb at $DEB"
log "package: $DEB ($(du -h "$DEB" | cut -f1))"
[ "$(dpkg-deb -f "$DEB" Package)" = "$PKG" ] || fail "package name is not $PKG"
dpkg-deb -f "$DEB" Depends | grep -q 'libwebkit2gtk-4.1-0' || fail "Depends lacks libwebkit2gtk-4.1-0"
# The tray icon loads libayatana-appindicator3 at run time: Tauri's deb names it when the app
# has the tray-icon feature (scripts/setup.sh installs it, so dpkg -i below finds it).
dpkg-deb -f "$DEB" Depends | grep -q 'appindicator3-1' || fail "Depends lacks libayatana-appindicator3-1 (the tray icon)"

# 2. Install.
$SUDO dpkg -i "$DEB" >"$WORK/dpkg-install.log" 2>&1 || { cat "$WORK/dpkg-install.log" >&2; INSTALLED=1; fail "dpkg -i"; }
INSTALLED=1
dpkg -s "$PKG" | grep -q '^Status: install ok installed' || fail "dpkg -s: not installed"
dpkg -L "$PKG" >"$WORK/files.txt"
FILES=()
while IFS= read -r f; do [ -f "$f" ] && FILES+=("$f"); done <"$WORK/files.txt"
log "installed $PKG: ${#FILES[@]} files"

# 3. The desktop entry and what it names.
DESKTOP=$(grep -E '^/usr/share/applications/[^/]+\.desktop$' "$WORK/files.txt" | head -n 1)
[ -n "$DESKTOP" ] && [ -f "$DESKTOP" ] || fail "no desktop entry in /usr/share/applications"
entry() { sed -n "s/^$1=//p" "$DESKTOP" | head -n 1; }
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$DESKTOP" || fail "desktop-file-validate $DESKTOP"
fi
[ "$(entry Type)" = Application ] || fail "Type is not Application"
[ "$(entry Name)" = "$TITLE" ] || fail "Name is not $TITLE"
for c in Development Utility; do
  case ";$(entry Categories)" in *";$c;"*) ;; *) fail "Categories lacks $c: $(entry Categories)" ;; esac
done
EXEC=$(entry Exec)
ICON=$(entry Icon)
WMCLASS=$(entry StartupWMClass)
# Exec: a program and arguments; drop field codes (%f, %U, ...), none expected.
read -r -a EXEC_ARGV <<<"${EXEC//%[fFuUdDnNickvm]/}"
EXEC_PATH=$(PATH=/usr/local/bin:/usr/bin:/bin command -v "${EXEC_ARGV[0]}") || fail "Exec program ${EXEC_ARGV[0]} not on PATH"
grep -qx "$EXEC_PATH" "$WORK/files.txt" || fail "Exec resolves to $EXEC_PATH, which the package does not own"
[ -x "$EXEC_PATH" ] || fail "$EXEC_PATH is not executable"
for s in $HICOLOR_SIZES; do
  png="/usr/share/icons/hicolor/${s}x${s}/apps/$ICON.png"
  [ -f "$png" ] || fail "icon missing: $png"
  file -b "$png" | grep -q "PNG image data, $s x $s," || fail "$png is not a ${s}x$s PNG: $(file -b "$png")"
done
log "desktop entry $DESKTOP: Exec=$EXEC ($EXEC_PATH), Icon=$ICON in sizes $HICOLOR_SIZES"

# 3b. The CLI next to the app (issue #18): on PATH, the package's version, its completions and
#     man pages where bash-completion, zsh, fish and man look, and they work.
SYS_PATH=/usr/local/bin:/usr/bin:/bin
CLI=$(PATH=$SYS_PATH command -v gocache-doctor) || fail "gocache-doctor is not on PATH after dpkg -i"
[ "$CLI" = /usr/bin/gocache-doctor ] || fail "gocache-doctor resolves to $CLI, not /usr/bin/gocache-doctor"
# The sidecar convention (bundle.externalBin): the CLI is in the app executable's directory,
# which is where the app's "Install the command-line tool" action looks for it.
[ "$(dirname "$EXEC_PATH")" = "$(dirname "$CLI")" ] || fail "the CLI ($CLI) is not next to the app ($EXEC_PATH)"
VERSION=$(dpkg-deb -f "$DEB" Version)
got=$(env -i PATH=$SYS_PATH HOME="$WORK" gocache-doctor --version) || fail "gocache-doctor --version"
[ "$got" = "gocache-doctor $VERSION" ] || fail "gocache-doctor --version says '$got', the package is $VERSION"
CLI_FILES=(/usr/bin/gocache-doctor
  /usr/share/bash-completion/completions/gocache-doctor
  /usr/share/zsh/vendor-completions/_gocache-doctor
  /usr/share/fish/vendor_completions.d/gocache-doctor.fish
  /usr/share/man/man1/gocache-doctor.1.gz
  /usr/share/man/man1/gocache-doctor-clean.1.gz
  /usr/share/man/man1/gocache-doctor-auto-run.1.gz)
for f in "${CLI_FILES[@]}"; do
  grep -qx "$f" "$WORK/files.txt" || fail "the package does not install $f"
  [ -f "$f" ] || fail "$f missing"
done
[ "$(stat -c %a /usr/bin/gocache-doctor)" = 755 ] || fail "/usr/bin/gocache-doctor mode $(stat -c %a /usr/bin/gocache-doctor)"
pages=$(grep -c '^/usr/share/man/man1/gocache-doctor.*\.1\.gz$' "$WORK/files.txt")
for p in $(grep '^/usr/share/man/man1/gocache-doctor' "$WORK/files.txt"); do gzip -t "$p" || fail "$p is not gzip"; done
MANPAGER=cat MANWIDTH=100 LC_ALL=C.UTF-8 man gocache-doctor >"$WORK/man.txt" 2>"$WORK/man.err" ||
  fail "man gocache-doctor: $(cat "$WORK/man.err")"
grep -q "gocache-doctor - Go Cache Doctor command line" "$WORK/man.txt" && grep -q "gocache-doctor-clean(1)" "$WORK/man.txt" ||
  fail "man gocache-doctor: $(cat "$WORK/man.txt")"
MANPAGER=cat man gocache-doctor-clean 2>&1 | grep -q -- '--dry-run' || fail "man gocache-doctor-clean lacks --dry-run"
# What bash's programmable completion offers for `gocache-doctor cl` with the installed script.
offered=$(env -i PATH=$SYS_PATH bash --norc --noprofile -c '
  source /usr/share/bash-completion/completions/gocache-doctor
  fn=$(complete -p gocache-doctor | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
  COMP_WORDS=(gocache-doctor cl); COMP_CWORD=1; COMP_LINE="gocache-doctor cl"; COMP_POINT=${#COMP_LINE}
  "$fn" gocache-doctor cl gocache-doctor; printf "%s\n" "${COMPREPLY[@]}"') || fail "bash completion"
[ "$offered" = clean ] || fail "bash completes 'gocache-doctor cl' to '$offered', not clean"
zsh -n /usr/share/zsh/vendor-completions/_gocache-doctor 2>/dev/null || ! command -v zsh >/dev/null || fail "zsh -n _gocache-doctor"
log "CLI: $CLI ($got), completions for bash/zsh/fish, $pages man pages; man and bash completion work"

# 4. Launch through the Exec line under Xvfb with an isolated HOME and XDG dirs (nothing of the
#    user's settings, caches or Go environment), wait for the window, screenshot, close.
mkdir -p "$ART" "$WORK/home/.config" "$WORK/home/.cache" "$WORK/home/.local/share" "$WORK/runtime"
chmod 700 "$WORK/runtime"
SHOT="$ART/installed-deb.png"
rm -f "$SHOT"
cat >"$WORK/inside-x.sh" <<'EOF'
#!/usr/bin/env bash
# Runs on the Xvfb display: launch, wait for the window, screenshot until it is drawn, close.
set -uo pipefail
"$@" >"$WORK/app.log" 2>&1 &
APP=$!
win=""
for _ in $(seq 200); do
  win=$(xwininfo -root -tree 2>/dev/null | grep -F "\"$TITLE\"" | grep -F "\"$WMCLASS\"" | head -n 1)
  [ -n "$win" ] && break
  kill -0 "$APP" 2>/dev/null || { echo "app exited early:"; cat "$WORK/app.log"; exit 1; }
  sleep 0.1
done
[ -n "$win" ] || { echo "no window titled \"$TITLE\" with class $WMCLASS after 20 s"; kill "$APP"; exit 1; }
echo "window: $win"
# The webview draws after the window maps: screenshot until the picture has content.
colors=0
for _ in $(seq 40); do
  sleep 0.5
  "$IMPORT" -window root "$SHOT" 2>/dev/null || continue
  colors=$(identify -format '%k' "$SHOT")
  [ "$colors" -ge 200 ] && break
done
echo "screenshot: $SHOT, $colors colours"
kill -TERM "$APP"
for _ in $(seq 50); do kill -0 "$APP" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$APP" 2>/dev/null; then echo "the app did not exit on SIGTERM"; kill -KILL "$APP"; exit 1; fi
[ "$colors" -ge 200 ] || { echo "the screenshot looks blank ($colors colours)"; exit 1; }
EOF
log "launching '$EXEC' under xvfb-run"
env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
  HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_CACHE_HOME="$WORK/home/.cache" \
  XDG_DATA_HOME="$WORK/home/.local/share" XDG_RUNTIME_DIR="$WORK/runtime" \
  WORK="$WORK" TITLE="$TITLE" WMCLASS="$WMCLASS" SHOT="$SHOT" IMPORT="$IMPORT" \
  xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" bash "$WORK/inside-x.sh" "${EXEC_ARGV[@]}" ||
  fail "launch (app log: $WORK/app.log)"
[ -s "$SHOT" ] || fail "no screenshot"

# 5. Uninstall and check that every file the package installed is gone.
$SUDO dpkg --purge "$PKG" >"$WORK/dpkg-purge.log" 2>&1 || { cat "$WORK/dpkg-purge.log" >&2; fail "dpkg --purge"; }
INSTALLED=0
if dpkg -s "$PKG" >/dev/null 2>&1; then fail "$PKG still known to dpkg after --purge"; fi
left=0
for f in "${FILES[@]}"; do
  if [ -e "$f" ]; then log "left behind: $f"; left=$((left + 1)); fi
done
[ "$left" = 0 ] || fail "$left files left after purge"
[ ! -e "$DESKTOP" ] && [ ! -e "$EXEC_PATH" ] || fail "desktop entry or binary still there"
for f in "${CLI_FILES[@]}"; do [ ! -e "$f" ] || fail "$f still there after purge"; done
if PATH=$SYS_PATH command -v gocache-doctor >/dev/null; then fail "gocache-doctor still on PATH after purge"; fi
log "purged: all ${#FILES[@]} files gone"
log "OK: .deb installs, its CLI works, launches from its desktop entry, uninstalls cleanly (screenshot $SHOT)"
