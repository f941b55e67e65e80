//! What a cache root of each kind must look like before anything in it is removed.
//!
//! A root comes from a variable the user (or anything that can set the user's environment) is
//! free to set: `GOPLSCACHE=$HOME/.cache`, `GOMODCACHE=$HOME`, `GOLANGCI_LINT_CACHE=/` all
//! resolve to directories that hold other programs' data. [`looks_like`] answers whether a
//! directory shows the markers the tool that owns that kind of cache leaves in it, read from the
//! tools' own sources:
//!
//! | Kind | A root passes when | Source |
//! |---|---|---|
//! | module cache | it has a `cache/download` directory | `cmd/go/internal/modfetch` |
//! | toolchains | it is a module cache root, or the `golang.org` directory of one | `GOMODCACHE/golang.org/toolchain@…` |
//! | build cache | a Go `README` ("This directory holds cached build artifacts from the Go build system."), a `trim.txt` holding a number, or all 256 `00`…`ff` directories; and no `README` of anything else | `cmd/go/internal/cache/default.go`, `cache.go` |
//! | gopls | it is named `gopls` and holds only version directories (8 lower-case hex digits: the first 4 bytes of the SHA-256 of the gopls executable) | golang/tools `gopls/internal/filecache/filecache.go` |
//! | golangci-lint | its `README` says "This directory holds cached build artifacts from golangci-lint.", or it has a numeric `trim.txt` or all 256 `00`…`ff` directories; and it holds nothing but what that fork of Go's cache writes | golangci/golangci-lint `internal/go/cache/default.go`, `cache.go` |
//! | staticcheck | as golangci-lint, with the `README` "… from staticcheck." | dominikh/go-tools `lintcmd/cache/default.go`, `cache.go` |
//! | gopls module index | it is named `imports` and holds only gopls' index files: `index-name-<format>-<16 hex digits>` (the CRC-64 of a GOMODCACHE) and `index-<format>-<digits>` (`os.CreateTemp`'s name) | golang/tools `internal/modindex/index.go` (`IndexDir`, `writeIndex`, `indexNameBase`) |
//! | Go telemetry | never (shown for information, not cleaned) | |
//! | GOBIN | never (installed programs, not a cache) | |
//!
//! Common rules:
//! * A root that does not exist, or an empty directory, passes: there is nothing to lose.
//! * A root that exists but is not a directory fails. The root itself is followed if it is a
//!   symbolic link (resolving it is the caller's business); the markers inside it are not: a
//!   marker that is a symbolic link does not count.
//! * gopls, golangci-lint and staticcheck caches are removed whole, so their roots must hold
//!   nothing but what the tool writes (plus Go Cache Doctor's own quarantine
//!   `.gocache-doctor-trash*` and the OS's `.DS_Store`, `Thumbs.db`, `desktop.ini`). The build
//!   cache is only ever cleaned entry by entry (`go clean -cache` semantics), and a module cache
//!   holds arbitrary module paths at its top, so those two need their markers only.
//! * Marker files are read only when they are regular files, and at most 4 KiB of them.

use std::io::Read as _;
use std::path::Path;

use crate::discover::CacheKind;

/// The first line of the `README` Go writes into its build cache.
pub const GO_BUILD_README: &str =
    "This directory holds cached build artifacts from the Go build system.";
/// The first line of the `README` golangci-lint writes into its cache.
pub const GOLANGCI_LINT_README: &str =
    "This directory holds cached build artifacts from golangci-lint.";
/// The first line of the `README` staticcheck writes into its cache.
pub const STATICCHECK_README: &str =
    "This directory holds cached build artifacts from staticcheck.";

/// Why Go's telemetry directory is never cleaned.
const TELEMETRY_NEVER: &str =
    "Go's telemetry data is shown for information and never cleaned (use `go telemetry off`)";

/// Names the OS drops into any directory.
const OS_LITTER: &[&str] = &[".DS_Store", "Thumbs.db", "desktop.ini"];
/// The prefix of Go Cache Doctor's own quarantine directories.
const TRASH_PREFIX: &str = ".gocache-doctor-trash";

/// Whether `root` looks like a cache of `kind`, by the rules in the [module documentation](self).
///
/// # Errors
/// A sentence saying what is missing or what does not belong, for the refusal message.
pub fn looks_like(kind: CacheKind, root: &Path) -> Result<(), String> {
    let meta = match std::fs::metadata(root) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("cannot read {}: {e}", root.display())),
    };
    if !meta.is_dir() {
        return Err(format!("{} is not a directory", root.display()));
    }
    if kind == CacheKind::Gobin {
        return Err("GOBIN holds installed programs, not a cache".to_owned());
    }
    if kind == CacheKind::Telemetry {
        return Err(TELEMETRY_NEVER.to_owned());
    }
    let names = entry_names(root)?;
    if names.is_empty() {
        return Ok(());
    }
    match kind {
        CacheKind::Modcache => modcache(root),
        CacheKind::Toolchains => toolchains(root),
        CacheKind::Build => build_like(root, &names, GO_BUILD_README, false, "Go build cache"),
        CacheKind::GolangciLint => build_like(
            root,
            &names,
            GOLANGCI_LINT_README,
            true,
            "golangci-lint cache",
        ),
        CacheKind::Staticcheck => {
            build_like(root, &names, STATICCHECK_README, true, "staticcheck cache")
        }
        CacheKind::Gopls => gopls(root, &names),
        CacheKind::GoplsIndex => gopls_index(root, &names),
        CacheKind::Telemetry => Err(TELEMETRY_NEVER.to_owned()),
        CacheKind::Gobin => Err("GOBIN holds installed programs, not a cache".to_owned()),
    }
}

/// Whether `root` looks like gopls' cache directory (see [`looks_like`]).
///
/// # Errors
/// As [`looks_like`].
pub fn gopls_markers_ok(root: &Path) -> Result<(), String> {
    looks_like(CacheKind::Gopls, root)
}

fn entry_names(root: &Path) -> Result<Vec<String>, String> {
    let rd = std::fs::read_dir(root).map_err(|e| format!("cannot list {}: {e}", root.display()))?;
    let mut names = Vec::new();
    for e in rd {
        let e = e.map_err(|e| format!("cannot list {}: {e}", root.display()))?;
        names.push(e.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

fn is_real_dir(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

fn ignorable(name: &str) -> bool {
    OS_LITTER.contains(&name) || name.starts_with(TRASH_PREFIX)
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// At most 4 KiB of `p` when it is a regular file (never a FIFO, device or symbolic link).
fn small_file(p: &Path) -> Option<String> {
    if !std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let f = std::fs::File::open(p).ok()?;
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut buf = Vec::new();
    f.take(4096).read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn modcache(root: &Path) -> Result<(), String> {
    // Each component on its own: `symlink_metadata` follows links in the parent components.
    if is_real_dir(&root.join("cache")) && is_real_dir(&root.join("cache").join("download")) {
        Ok(())
    } else {
        Err(format!(
            "{} has no cache/download directory, so it is not a Go module cache",
            root.display()
        ))
    }
}

fn toolchains(root: &Path) -> Result<(), String> {
    if modcache(root).is_ok() {
        return Ok(());
    }
    let parent_ok = root.file_name().is_some_and(|n| n == "golang.org")
        && root.parent().is_some_and(|p| modcache(p).is_ok());
    if parent_ok {
        Ok(())
    } else {
        Err(format!(
            "{} is neither a Go module cache nor its golang.org directory",
            root.display()
        ))
    }
}

/// Go's build cache and its forks (golangci-lint, staticcheck).
fn build_like(
    root: &Path,
    names: &[String],
    readme: &str,
    strict: bool,
    what: &str,
) -> Result<(), String> {
    let readme_text = names
        .iter()
        .any(|n| n == "README")
        .then(|| small_file(&root.join("README")).unwrap_or_default());
    if let Some(text) = &readme_text
        && !text.starts_with(readme)
    {
        return Err(format!(
            "{} has a README that is not the one a {what} has, so it belongs to something else",
            root.display()
        ));
    }
    let trim_ok =
        small_file(&root.join("trim.txt")).is_some_and(|t| t.trim().parse::<i64>().is_ok());
    let all_hex_dirs = (0..=255u8).all(|i| is_real_dir(&root.join(format!("{i:02x}"))));
    if readme_text.is_none() && !trim_ok && !all_hex_dirs {
        return Err(format!(
            "{} shows none of the markers of a {what} (its README, a trim.txt or the 256 \
             00..ff directories)",
            root.display()
        ));
    }
    if strict {
        let known = |n: &str| {
            is_hex(n, 2)
                || matches!(
                    n,
                    "README" | "trim.txt" | "testexpire.txt" | "log.txt" | "fuzz"
                )
                || ignorable(n)
        };
        if let Some(other) = names.iter().find(|n| !known(n)) {
            return Err(format!(
                "{} holds {other:?}, which a {what} never has, so removing it whole could \
                 destroy other data",
                root.display()
            ));
        }
    }
    Ok(())
}

fn gopls(root: &Path, names: &[String]) -> Result<(), String> {
    if root.file_name().is_none_or(|n| n != "gopls") {
        return Err(format!(
            "{} is not named gopls: gopls keeps its cache in a directory named gopls \
             ($GOPLSCACHE/gopls)",
            root.display()
        ));
    }
    for n in names.iter().filter(|n| !ignorable(n)) {
        if !is_hex(n, 8) || !is_real_dir(&root.join(n)) {
            return Err(format!(
                "{} holds {n:?}, which is not a gopls version directory (8 hex digits), so \
                 removing it whole could destroy other data",
                root.display()
            ));
        }
    }
    Ok(())
}

/// `index-name-<digits>-<16 hex>` or `index-<digits>-<digits>`: the two kinds of file gopls'
/// module index writes (see [`looks_like`]).
fn is_index_file_name(n: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = n.strip_prefix("index-name-") {
        return rest
            .split_once('-')
            .is_some_and(|(v, h)| digits(v) && is_hex(h, 16));
    }
    n.strip_prefix("index-")
        .and_then(|rest| rest.split_once('-'))
        .is_some_and(|(v, r)| digits(v) && digits(r))
}

fn gopls_index(root: &Path, names: &[String]) -> Result<(), String> {
    if root.file_name().is_none_or(|n| n != "imports") {
        return Err(format!(
            "{} is not named imports: gopls keeps its module index in go/imports under the \
             user cache directory",
            root.display()
        ));
    }
    for n in names.iter().filter(|n| !ignorable(n)) {
        let file = std::fs::symlink_metadata(root.join(n)).is_ok_and(|m| m.is_file());
        if !file || !is_index_file_name(n) {
            return Err(format!(
                "{} holds {n:?}, which is not a gopls index file (index-name-* or index-*), so \
                 removing it whole could destroy other data",
                root.display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
    }

    fn mkdir(p: &Path) {
        std::fs::create_dir_all(p).unwrap_or_else(|e| panic!("mkdir {}: {e}", p.display()));
    }

    fn write(p: &Path, data: &str) {
        if let Some(d) = p.parent() {
            mkdir(d);
        }
        std::fs::write(p, data).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
    }

    /// A home directory like a real one: `~/.cache` holds several programs' caches, gopls' and
    /// Go's among them, and `~/go/pkg/mod` is a module cache.
    fn home() -> (tempfile::TempDir, PathBuf) {
        let t = tmp();
        let h = t.path().to_path_buf();
        let c = h.join(".cache");
        write(&c.join("mozilla/firefox/profile/cache2/entries/ABC"), "x");
        write(&c.join("pip/http/1/2/3"), "x");
        mkdir(&c.join("gopls/0a1b2c3d/ab"));
        write(&c.join("gopls/0a1b2c3d/ab/abcdef-analysis"), "x");
        write(
            &c.join("go-build/README"),
            &format!("{GO_BUILD_README}\nRun ...\n"),
        );
        write(&c.join("go-build/trim.txt"), "1700000000");
        for i in 0..=255u8 {
            mkdir(&c.join(format!("go-build/{i:02x}")));
        }
        mkdir(&c.join("go-build/fuzz/example.com/m/FuzzX"));
        write(
            &c.join("golangci-lint/README"),
            &format!("{GOLANGCI_LINT_README}\n"),
        );
        mkdir(&c.join("golangci-lint/00"));
        write(&c.join("staticcheck/trim.txt"), "1700000000\n");
        mkdir(&c.join("staticcheck/ff"));
        mkdir(&h.join("go/pkg/mod/cache/download/example.com/m/@v"));
        mkdir(&h.join("go/pkg/mod/example.com/m@v1.0.0"));
        mkdir(&h.join("go/pkg/mod/golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64"));
        write(&h.join("Documents/notes.txt"), "mine");
        (t, h)
    }

    #[test]
    fn real_caches_pass() {
        let (_t, h) = home();
        let c = h.join(".cache");
        assert_eq!(
            looks_like(CacheKind::Modcache, &h.join("go/pkg/mod")),
            Ok(())
        );
        assert_eq!(
            looks_like(CacheKind::Toolchains, &h.join("go/pkg/mod")),
            Ok(())
        );
        assert_eq!(
            looks_like(CacheKind::Toolchains, &h.join("go/pkg/mod/golang.org")),
            Ok(())
        );
        assert_eq!(looks_like(CacheKind::Build, &c.join("go-build")), Ok(()));
        assert_eq!(looks_like(CacheKind::Gopls, &c.join("gopls")), Ok(()));
        assert_eq!(gopls_markers_ok(&c.join("gopls")), Ok(()));
        assert_eq!(
            looks_like(CacheKind::GolangciLint, &c.join("golangci-lint")),
            Ok(())
        );
        assert_eq!(
            looks_like(CacheKind::Staticcheck, &c.join("staticcheck")),
            Ok(())
        );
    }

    #[test]
    fn home_cache_and_other_directories_fail_for_every_kind() {
        let (_t, h) = home();
        let c = h.join(".cache");
        for kind in CacheKind::ALL {
            for dir in [
                &h,
                &c,
                &h.join("Documents"),
                &h.join("go"),
                &c.join("mozilla"),
            ] {
                assert!(
                    looks_like(kind, dir).is_err(),
                    "{kind:?} accepted {}",
                    dir.display()
                );
            }
        }
        // One kind's cache is not another's.
        assert!(looks_like(CacheKind::Gopls, &c.join("go-build")).is_err());
        assert!(looks_like(CacheKind::Modcache, &c.join("go-build")).is_err());
        assert!(looks_like(CacheKind::Build, &c.join("gopls")).is_err());
        assert!(looks_like(CacheKind::Staticcheck, &c.join("golangci-lint")).is_err());
        assert!(looks_like(CacheKind::GolangciLint, &c.join("go-build")).is_err());
        assert!(looks_like(CacheKind::Build, &h.join("go/pkg/mod")).is_err());
    }

    #[test]
    fn whole_root_caches_refuse_foreign_entries() {
        let (_t, h) = home();
        let c = h.join(".cache");
        // A gopls directory holding something gopls never writes.
        write(&c.join("gopls/keep-me.txt"), "x");
        let e = looks_like(CacheKind::Gopls, &c.join("gopls")).unwrap_err();
        assert!(e.contains("keep-me.txt"), "{e}");
        // A version-like name that is a file, not a directory.
        let t = tmp();
        let g = t.path().join("gopls");
        write(&g.join("0a1b2c3d"), "x");
        assert!(looks_like(CacheKind::Gopls, &g).is_err());
        // A directory named otherwise, even with version directories only.
        let t = tmp();
        mkdir(&t.path().join("cache/0a1b2c3d"));
        assert!(looks_like(CacheKind::Gopls, &t.path().join("cache")).is_err());
        // golangci-lint: markers present, but also the user's file.
        write(&c.join("golangci-lint/report.pdf"), "x");
        assert!(looks_like(CacheKind::GolangciLint, &c.join("golangci-lint")).is_err());
        // The build cache is cleaned entry by entry: an extra file does not matter.
        write(&c.join("go-build/extra"), "x");
        assert_eq!(looks_like(CacheKind::Build, &c.join("go-build")), Ok(()));
        // ... but somebody else's README does.
        let t = tmp();
        write(&t.path().join("README"), "My project\n");
        write(&t.path().join("trim.txt"), "1700000000");
        assert!(looks_like(CacheKind::Build, t.path()).is_err());
    }

    #[test]
    fn quarantine_and_os_litter_are_tolerated() {
        let t = tmp();
        let g = t.path().join("gopls");
        mkdir(&g.join("0a1b2c3d"));
        mkdir(&g.join(".gocache-doctor-trash/x"));
        write(&g.join(".DS_Store"), "x");
        assert_eq!(looks_like(CacheKind::Gopls, &g), Ok(()));
    }

    #[test]
    fn missing_and_empty_roots_pass_files_fail() {
        let t = tmp();
        let empty = t.path().join("empty");
        mkdir(&empty);
        // GOBIN and Go's telemetry data are never cleaned, even empty.
        for kind in CacheKind::ALL
            .into_iter()
            .filter(|k| !matches!(k, CacheKind::Gobin | CacheKind::Telemetry))
        {
            assert_eq!(looks_like(kind, &t.path().join("missing")), Ok(()));
            assert_eq!(looks_like(kind, &empty), Ok(()), "{kind:?}");
        }
        write(&t.path().join("file"), "x");
        assert!(looks_like(CacheKind::Modcache, &t.path().join("file")).is_err());
        assert!(looks_like(CacheKind::Gobin, &empty).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn markers_that_are_symlinks_or_fifos_do_not_count() {
        let t = tmp();
        let real = t.path().join("real");
        mkdir(&real.join("cache/download"));
        // A module cache whose `cache` is a link to another module cache's `cache`.
        let fake = t.path().join("fake");
        mkdir(&fake);
        std::os::unix::fs::symlink(real.join("cache"), fake.join("cache"))
            .unwrap_or_else(|e| panic!("symlink: {e}"));
        write(&fake.join("data"), "x");
        assert!(looks_like(CacheKind::Modcache, &fake).is_err());
        // A FIFO named trim.txt is never opened (opening it would block).
        let b = t.path().join("b");
        mkdir(&b);
        let status = std::process::Command::new("mkfifo")
            .arg(b.join("trim.txt"))
            .status()
            .unwrap_or_else(|e| panic!("mkfifo: {e}"));
        assert!(status.success());
        assert!(looks_like(CacheKind::Build, &b).is_err());
    }

    #[test]
    fn gopls_index_holds_only_index_files() {
        let t = tmp();
        // The layout gopls writes (golang/tools internal/modindex/index.go: writeIndex puts an
        // `index-<ver>-*` temp file and an `index-name-<ver>-<crc64 %016x>` pointer to it in
        // IndexDir = os.UserCacheDir()/go/imports).
        let idx = t.path().join("go").join("imports");
        write(
            &idx.join("index-name-0-00f1e2d3c4b5a697"),
            "index-0-1234567",
        );
        write(&idx.join("index-0-1234567"), "0\n/m\n2024-09-11 18:55:09\n");
        write(&idx.join("index-0-99"), "0\n/old\n2024-09-10 10:00:00\n");
        write(&idx.join(".DS_Store"), "");
        assert_eq!(looks_like(CacheKind::GoplsIndex, &idx), Ok(()));
        // Empty or missing: nothing to lose.
        mkdir(&t.path().join("empty").join("imports"));
        assert!(looks_like(CacheKind::GoplsIndex, &t.path().join("empty/imports")).is_ok());
        // Named otherwise (e.g. GOPLSCACHE's or the user cache directory itself).
        let other = t.path().join("cache");
        write(&other.join("index-0-1"), "");
        assert!(looks_like(CacheKind::GoplsIndex, &other).is_err());
        // Anything else inside: refused.
        for bad in [
            "notes.txt",
            "index-name-0-xyz",
            "index-0-abc",
            "index-name-0-0123",
        ] {
            let d = t.path().join(format!("b-{bad}")).join("imports");
            write(&d.join("index-0-1"), "");
            write(&d.join(bad), "");
            assert!(looks_like(CacheKind::GoplsIndex, &d).is_err(), "{bad}");
        }
        // A directory with an index file's name is not an index file.
        let d = t.path().join("dir").join("imports");
        mkdir(&d.join("index-0-1"));
        assert!(looks_like(CacheKind::GoplsIndex, &d).is_err());
    }

    #[test]
    fn telemetry_is_never_a_cleanable_root() {
        let t = tmp();
        let tel = t.path().join("go").join("telemetry");
        write(&tel.join("mode"), "local 2024-09-01");
        assert!(looks_like(CacheKind::Telemetry, &tel).is_err());
        mkdir(&t.path().join("empty"));
        assert!(looks_like(CacheKind::Telemetry, &t.path().join("empty")).is_err());
    }
}
