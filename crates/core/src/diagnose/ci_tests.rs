//! The CI failures of issue #18 captured for real: GNU tar restoring a cache tarball over a
//! read-only module cache, `rm -rf` and `git clean` on a read-only module cache inside a
//! workspace, each run as an unprivileged user (root ignores the mode bits that cause them:
//! as root the child runs as `nobody` through setpriv(1)). Their real stderr goes to
//! [`diagnose`], which must name the finding, the path, the module and the `ci` fix. bsdtar
//! (libarchive) and GOAUTH (Go 1.24+, newer than the Go here) are checked with the texts from
//! their sources, cited where they are used.
#![cfg(unix)]
#![allow(clippy::print_stderr, reason = "tests log why they skip")]

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::*;
use crate::testkit::{add_module_version, make_readonly};

const NOBODY: u32 = 65_534;

/// A command that runs as an unprivileged user: as is when we are not root, as nobody
/// through setpriv when we are; `None` (the test skips, saying why) when root has no setpriv.
fn unprivileged(program: &str) -> Option<Command> {
    if crate::os::host::unix::effective_uid() != 0 {
        return Some(Command::new(program));
    }
    let setpriv = Path::new("/usr/bin/setpriv");
    if !setpriv.exists() {
        eprintln!("SKIPPED: running as root without setpriv (util-linux): cannot drop privileges");
        return None;
    }
    let mut c = Command::new(setpriv);
    c.args([
        format!("--reuid={NOBODY}"),
        format!("--regid={NOBODY}"),
        "--clear-groups".to_owned(),
        "--".to_owned(),
        program.to_owned(),
    ]);
    Some(c)
}

/// Gives `root` and everything under it to nobody when we are root (the job's user owns its
/// caches), without following links.
fn give_to_job_user(root: &Path) {
    if crate::os::host::unix::effective_uid() != 0 {
        return;
    }
    for e in walkdir::WalkDir::new(root) {
        let e = e.unwrap();
        std::os::unix::fs::lchown(e.path(), Some(NOBODY), Some(NOBODY)).unwrap();
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A runner's disk: `<base>/home/go/pkg/mod` (the module cache) and `<base>/work/proj/proj`
/// (the workspace, as GitHub lays it out), all reachable by nobody.
struct Runner {
    _dir: tempfile::TempDir,
    base: PathBuf,
}

impl Runner {
    fn new() -> Runner {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        fs::set_permissions(&base, fs::Permissions::from_mode(0o755)).unwrap();
        fs::create_dir_all(base.join("work/proj/proj")).unwrap();
        Runner { _dir: dir, base }
    }

    fn modcache(&self) -> PathBuf {
        self.base.join("home/go/pkg/mod")
    }

    fn workspace(&self) -> PathBuf {
        self.base.join("work/proj/proj")
    }

    fn ctx(&self) -> Context {
        let mut c = Context::for_os(OsKind::Linux);
        c.gomodcache = Some(self.modcache().display().to_string());
        c
    }
}

/// A toolchain that a `go` command with `GOTOOLCHAIN=auto` downloads into the module cache,
/// read-only like every extracted module.
const TOOLCHAIN: &str = "golang.org/toolchain@v0.0.1-go1.22.9.linux-amd64";

fn add_toolchain(modcache: &Path) {
    let dir = modcache.join(TOOLCHAIN);
    fs::create_dir_all(dir.join("bin")).unwrap();
    fs::write(dir.join("bin/go"), "#!/bin/sh\n").unwrap();
    fs::write(dir.join("VERSION"), "go1.22.9\n").unwrap();
    for f in ["bin/go", "VERSION", "bin", ""] {
        make_readonly(&dir.join(f));
    }
}

/// Saves the runner's module cache as actions/cache does: `tar -P -C <workspace>` with the
/// cache's path relative to the workspace (`../../../home/go/pkg/mod`), so a restore prints
/// paths of that form. `extra` adds a file the restored tree has and the runner's does not.
fn save_cache(r: &Runner, stage: &Path, extra: Option<&str>) -> PathBuf {
    // The saved cache is made by a "previous job" in a stage with the same layout.
    let mc = stage.join("home/go/pkg/mod");
    add_module_version(&mc, "example.com/!acme/widget", "v1.2.3", 1);
    add_toolchain(&mc);
    if let Some(rel) = extra {
        let f = mc.join(rel);
        let d = f.parent().unwrap();
        fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(&f, "package widget\n").unwrap();
        make_readonly(&f);
        make_readonly(d);
    }
    fs::create_dir_all(stage.join("work/proj/proj")).unwrap();
    let tar = r.base.join("cache.tar");
    let st = Command::new("tar")
        .arg("-P")
        .arg("-C")
        .arg(stage.join("work/proj/proj"))
        .arg("-cf")
        .arg(&tar)
        .arg("../../../home/go/pkg/mod")
        .status()
        .unwrap();
    assert!(st.success(), "tar -c failed");
    fs::set_permissions(&tar, fs::Permissions::from_mode(0o644)).unwrap();
    tar
}

/// Restores `tar` over the runner's disk as the job's user, the way actions/cache and
/// setup-go run it; returns tar's stderr, which must say it failed.
fn restore(r: &Runner, tar: &Path) -> Option<String> {
    give_to_job_user(&r.base);
    let mut cmd = unprivileged("/usr/bin/tar")?;
    let out = cmd
        .arg("-xf")
        .arg(tar)
        .arg("-P")
        .arg("-C")
        .arg(r.workspace())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "tar did not fail: {}",
        stderr(&out)
    );
    Some(stderr(&out))
}

fn bash_fixes(f: &Finding) -> Vec<&str> {
    f.fixes
        .iter()
        .filter(|x| x.shell == Some(Shell::Bash))
        .map(|x| x.text.as_str())
        .collect()
}

/// GNU tar restoring a cache over a module cache left by an earlier job (a self-hosted runner,
/// setup-go run twice): "Cannot open: File exists" for the files it cannot replace and
/// "Cannot open: Permission denied" for a new file in a read-only directory. One finding
/// names the first path, the module version and `ci prepare`.
#[test]
fn gnu_tar_restore_over_a_read_only_module_cache() {
    let r = Runner::new();
    let stage = tempfile::tempdir().unwrap();
    let tar = save_cache(
        &r,
        stage.path(),
        Some("example.com/!acme/widget@v1.2.3/new.go"),
    );
    // The runner still has the same module version, read-only, from an earlier job.
    add_module_version(&r.modcache(), "example.com/!acme/widget", "v1.2.3", 3);
    let Some(err) = restore(&r, &tar) else { return };
    assert!(err.contains(": Cannot open: File exists"), "{err}");
    assert!(
        err.contains("new.go: Cannot open: Permission denied"),
        "{err}"
    );

    let d = diagnose(&err, &r.ctx());
    assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
    let f = &d.findings[0];
    assert_eq!(f.id, "cache-restore-over-readonly");
    assert_eq!(f.variant.as_deref(), Some("gnu-tar"));
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.module.as_deref(), Some("example.com/Acme/widget"));
    assert_eq!(f.version.as_deref(), Some("v1.2.3"));
    // The path as tar printed it (relative to the workspace), on the first failing line.
    let first = err
        .lines()
        .find(|l| l.contains("Cannot open"))
        .and_then(|l| l.strip_prefix("/usr/bin/tar: ").or(l.strip_prefix("tar: ")))
        .and_then(|l| l.split(": Cannot open").next())
        .unwrap();
    assert!(
        first.starts_with("../../../home/go/pkg/mod/example.com/"),
        "{first}"
    );
    assert_eq!(f.path.as_deref(), Some(first));
    // The explanation names the user's real module cache; the fixes run `ci prepare` and make
    // that cache writable (quoted: the temporary path is the user's real one).
    let mc = r.modcache().display().to_string();
    assert!(f.explanation.contains(&mc), "{}", f.explanation);
    assert!(f.explanation.contains(first), "{}", f.explanation);
    let fixes = bash_fixes(f);
    assert_eq!(
        fixes,
        [
            "gocache-doctor ci prepare".to_owned(),
            "gocache-doctor ci prepare --remove".to_owned(),
            format!("chmod -R u+w '{mc}'"),
        ]
    );
    // Pasted with the command line actions/cache logs above it, tar's relative path is
    // resolved against its `-C` directory: the real path and cache, without any context.
    let logged = format!(
        "/usr/bin/tar -xf {} -P -C {} --use-compress-program unzstd\n{err}",
        tar.display(),
        r.workspace().display()
    );
    let f = &diagnose(&logged, &Context::for_os(OsKind::Linux)).findings[0];
    let real = r
        .base
        .join(first.trim_start_matches("../../../"))
        .display()
        .to_string();
    assert_eq!(f.path.as_deref(), Some(real.as_str()));
    assert_eq!(bash_fixes(f)[2], format!("chmod -R u+w '{mc}'"));
    // The fix works: after making the cache writable as the fix says, the restore succeeds.
    let st = Command::new("chmod")
        .args(["-R", "u+w"])
        .arg(r.modcache())
        .status()
        .unwrap();
    assert!(st.success());
    let mut cmd = unprivileged("/usr/bin/tar").unwrap();
    let out = cmd
        .arg("-xf")
        .arg(&tar)
        .arg("-P")
        .arg("-C")
        .arg(r.workspace())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A `go` command before the restore (setup-go's `go env` with `GOTOOLCHAIN=auto` and a newer
/// go.mod) downloaded a toolchain into the module cache: tar fails on the toolchain's files,
/// and the finding says so, with the Go version and `GOTOOLCHAIN=local`.
#[test]
fn gnu_tar_restore_over_a_toolchain_downloaded_first() {
    let r = Runner::new();
    let stage = tempfile::tempdir().unwrap();
    let tar = save_cache(&r, stage.path(), None);
    add_toolchain(&r.modcache());
    let Some(err) = restore(&r, &tar) else { return };
    assert!(
        err.contains("toolchain@v0.0.1-go1.22.9.linux-amd64/"),
        "{err}"
    );

    for lang in [Lang::En, Lang::ZhHans] {
        let d = diagnose(&err, &r.ctx().with_lang(lang));
        assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
        let f = &d.findings[0];
        assert_eq!(f.id, "toolchain-before-restore");
        assert_eq!(f.module.as_deref(), Some("golang.org/toolchain"));
        assert_eq!(f.version.as_deref(), Some("v0.0.1-go1.22.9.linux-amd64"));
        assert!(
            f.path
                .as_deref()
                .is_some_and(|p| p.starts_with("../../../home/go/pkg/mod/golang.org/toolchain@")),
            "{:?}",
            f.path
        );
        assert!(f.explanation.contains("go1.22.9"), "{}", f.explanation);
        assert_eq!(
            bash_fixes(f),
            [
                "gocache-doctor ci prepare",
                "export GOTOOLCHAIN=local",
                "go env GOTOOLCHAIN"
            ]
        );
    }
}

/// The workspace of a GitLab job: `<base>/builds/group/proj` with `GOPATH=$CI_PROJECT_DIR/.go`
/// and a read-only module cache made there by a job.
fn gitlab_workspace(r: &Runner) -> PathBuf {
    let ws = r.base.join("builds/group/proj");
    add_module_version(
        &ws.join(".go/pkg/mod"),
        "example.com/!acme/widget",
        "v1.2.3",
        1,
    );
    fs::write(ws.join("main.go"), "package main\n").unwrap();
    give_to_job_user(&r.base);
    ws
}

/// `rm -rf` on a module cache inside a GitLab workspace, as the job's user: rm's real
/// "Permission denied" lines give one `readonly-modcache-in-workspace` finding whose fix
/// removes it with `ci stray` on that workspace.
#[test]
fn rm_on_a_read_only_module_cache_in_the_workspace() {
    let r = Runner::new();
    let ws = gitlab_workspace(&r);
    let Some(mut cmd) = unprivileged("/bin/rm") else {
        return;
    };
    let out = cmd.arg("-rf").arg(ws.join(".go")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("rm: cannot remove '"), "{err}");
    assert!(err.contains("': Permission denied"), "{err}");

    let d = diagnose(&err, &Context::for_os(OsKind::Linux));
    assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
    let f = &d.findings[0];
    assert_eq!(f.id, "readonly-modcache-in-workspace");
    assert_eq!(f.module.as_deref(), Some("example.com/Acme/widget"));
    let ws_s = ws.display().to_string();
    let mc = format!("{ws_s}/.go/pkg/mod");
    assert!(
        f.path.as_deref().is_some_and(|p| p.starts_with(&mc)),
        "{:?}",
        f.path
    );
    assert!(f.explanation.contains(&ws_s), "{}", f.explanation);
    assert_eq!(
        bash_fixes(f),
        [
            format!("gocache-doctor ci stray '{ws_s}' --yes"),
            "export GOFLAGS=-modcacherw".to_owned(),
            "gocache-doctor ci prepare".to_owned(),
            format!("chmod -R u+w '{mc}' && rm -rf '{mc}'"),
        ]
    );
    // The fix's `ci stray --yes` finds and removes that module cache (in process here; the
    // CLI's ci tests run it as the job's user).
    let cancel = crate::CancelToken::new();
    let found = crate::ci::find_stray(&ws, &cancel).unwrap();
    assert!(!found.is_empty());
    crate::ci::remove_stray(&ws, &found, &cancel);
    assert!(!ws.join(".go/pkg/mod").exists());
    assert!(ws.join("main.go").exists());

    // The same rm outside a runner's workspace (a developer's `~/.go`, `~/workspace`) stays
    // the general read-only-cache diagnosis, without `ci stray` on their home.
    for home in ["/home/ann", "/home/ann/workspace/app", "/tmp/x"] {
        let outside = err.replace(&ws_s, home);
        let f = diagnose(&outside, &Context::for_os(OsKind::Linux)).findings;
        assert_eq!(f[0].id, "permission-denied", "{outside}");
        assert!(
            f[0].fixes.iter().all(|x| !x.text.contains("ci stray")),
            "{:?}",
            f[0].fixes
        );
    }
    // Node's EACCES outside a checkout's clean (an editor's extension) is no CI failure.
    let f = &diagnose(
        "EACCES: permission denied, unlink '/home/ann/gopath/pkg/mod/golang.org/x/mod@v0.14.0/go.sum'",
        &Context::for_os(OsKind::Linux),
    )
    .findings[0];
    assert_ne!(f.id, "readonly-modcache-in-workspace");
}

/// `git clean -ffdx`, what a GitLab runner and actions/checkout run before a job, on a
/// workspace holding a read-only module cache: git's "failed to remove" warnings name paths
/// relative to the workspace, so the fix falls back to the job's own workspace variables.
#[test]
fn git_clean_on_a_read_only_module_cache_in_the_workspace() {
    let r = Runner::new();
    let ws = gitlab_workspace(&r);
    let home = r.base.join("githome");
    fs::create_dir_all(&home).unwrap();
    give_to_job_user(&r.base);
    let git = |args: &[&str]| -> Option<Output> {
        let mut cmd = unprivileged("git")?;
        Some(
            cmd.args(args)
                .current_dir(&ws)
                .env("HOME", &home)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
                .unwrap(),
        )
    };
    let Some(init) = git(&["init", "-q"]) else {
        return;
    };
    assert!(init.status.success(), "{}", stderr(&init));
    let Some(out) = git(&["clean", "-ffdx"]) else {
        return;
    };
    let err = stderr(&out);
    assert!(err.contains("failed to remove .go/"), "{err}");

    let d = diagnose(&err, &Context::for_os(OsKind::Linux));
    assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
    let f = &d.findings[0];
    assert_eq!(f.id, "readonly-modcache-in-workspace");
    assert!(
        f.path
            .as_deref()
            .is_some_and(|p| p.starts_with(".go/pkg/mod")),
        "{:?}",
        f.path
    );
    let fixes = bash_fixes(f);
    assert_eq!(
        fixes.first().copied(),
        Some("gocache-doctor ci stray \"${GITHUB_WORKSPACE:-${CI_PROJECT_DIR:-$PWD}}\" --yes")
    );
    // No command names a relative path it cannot resolve.
    assert!(fixes.iter().all(|x| !x.contains("'.go")), "{fixes:?}");
}

/// actions/checkout's clean (actions/checkout #1720) fails in Node with
/// `EACCES: permission denied, unlink '<path>'`: quoted from the issue, with our path.
#[test]
fn checkout_eacces_names_the_workspace() {
    let text = "Error: File was unable to be removed Error: EACCES: permission denied, unlink \
                '/home/runner/work/x/x/.go/pkg/mod/golang.org/x/text@v0.21.0/LICENSE'\n";
    let d = diagnose(text, &Context::for_os(OsKind::Linux));
    assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
    let f = &d.findings[0];
    assert_eq!(f.id, "readonly-modcache-in-workspace");
    assert_eq!(f.module.as_deref(), Some("golang.org/x/text"));
    assert_eq!(
        bash_fixes(f).first().copied(),
        Some("gocache-doctor ci stray '/home/runner/work/x/x' --yes")
    );
    // Windows runners get PowerShell and cmd with their own fallbacks.
    let f = &diagnose(
        "Error: File was unable to be removed Error: EACCES: permission denied, unlink \
         'D:\\a\\x\\x\\.go\\pkg\\mod\\m@v1.0.0\\go.mod'",
        &Context::for_os(OsKind::Windows),
    )
    .findings[0];
    let texts: Vec<&str> = f.fixes.iter().map(|x| x.text.as_str()).collect();
    assert!(
        texts.contains(&"gocache-doctor ci stray 'D:\\a\\x\\x' --yes"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"gocache-doctor ci stray \"D:\\a\\x\\x\" --yes"),
        "{texts:?}"
    );
}

/// A path in pasted text goes into a command only quoted: a workspace whose name would end
/// the quote or run a command stays one word, or the command is left out.
#[test]
fn hostile_paths_stay_one_word() {
    use crate::quote::tests::posix_split;
    let text = "rm: cannot remove '/builds/g/$(touch x);`id` \"/.go/pkg/mod/m@v1/a': \
                Permission denied\n";
    let f = &diagnose(text, &Context::for_os(OsKind::Linux)).findings[0];
    assert_eq!(f.id, "readonly-modcache-in-workspace");
    let stray = bash_fixes(f)[0].to_owned();
    let words = posix_split(&stray).unwrap();
    assert_eq!(words.len(), 5, "{stray}");
    assert_eq!(words[3], "/builds/g/$(touch x);`id` \"", "{stray}");
}

/// bsdtar (libarchive: macOS's tar, Windows' tar.exe) is not installed here, so its text is
/// the one setup-go #601 quotes (a macOS runner), which is libarchive's
/// archive_write_disk_posix.c `archive_set_error(&a->archive, errno, "Can't unlink
/// already-existing object")` followed by strerror. When bsdtar is installed, its real
/// output is checked too.
#[test]
fn bsdtar_restore_over_a_read_only_module_cache() {
    // https://github.com/actions/setup-go/issues/601
    let text = "../../../../go/pkg/mod/gvisor.dev/gvisor@v0.0.0-20230927004350-cbd86285d259/\
                go.mod: Can't unlink already-existing object: Permission denied\n";
    let mut mac = Context::for_os(OsKind::Macos);
    mac.gomodcache = Some("/Users/nym/go/pkg/mod".into());
    let f = &diagnose(text, &mac).findings[0];
    assert_eq!(f.id, "cache-restore-over-readonly");
    assert_eq!(f.variant.as_deref(), Some("bsdtar"));
    assert_eq!(f.module.as_deref(), Some("gvisor.dev/gvisor"));
    assert!(bash_fixes(f).contains(&"chmod -R u+w '/Users/nym/go/pkg/mod'"));
    // Without a known cache, the command asks go for it instead of using tar's relative path.
    let f = &diagnose(text, &Context::for_os(OsKind::Macos)).findings[0];
    assert!(
        bash_fixes(f).contains(&"chmod -R u+w \"$(go env GOMODCACHE)\""),
        "{:?}",
        f.fixes
    );

    if Command::new("bsdtar").arg("--version").output().is_err() {
        eprintln!("bsdtar (libarchive-tools) is not installed: checked the quoted text only");
        return;
    }
    let r = Runner::new();
    let stage = tempfile::tempdir().unwrap();
    let tar = save_cache(&r, stage.path(), None);
    add_module_version(&r.modcache(), "example.com/!acme/widget", "v1.2.3", 3);
    give_to_job_user(&r.base);
    let Some(mut cmd) = unprivileged("bsdtar") else {
        return;
    };
    let out = cmd
        .arg("-xPf")
        .arg(&tar)
        .arg("-C")
        .arg(r.workspace())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let f = &diagnose(&stderr(&out), &r.ctx()).findings[0];
    assert_eq!(f.id, "cache-restore-over-readonly", "{}", stderr(&out));
    assert_eq!(f.variant.as_deref(), Some("bsdtar"));
}

/// GOAUTH (Go 1.24+; the Go here is 1.23, which has no GOAUTH): the messages are those of
/// Go's src/cmd/go/internal/auth/auth.go (golang/go at 11cf7f53):
///
/// ```text
/// base.Fatalf("go: GOAUTH=git dir method requires an absolute path to the git working directory, dir is not absolute")
/// base.Fatalf("go: GOAUTH=git encountered an error; cannot stat %s: %v", dir, err)
/// base.Fatalf("go: GOAUTH encountered an empty command (GOAUTH=%s)", cfg.GOAUTH)
/// base.Fatalf("go: GOAUTH=off cannot be combined with other authentication commands (GOAUTH=%s)", cfg.GOAUTH)
/// log.Printf("GOAUTH encountered errors for %s:", url)
/// log.Printf("  %v", err) // fmt.Errorf("GOAUTH=%s: %v", command, err)
/// ```
///
/// and gitauth.go's `'git credential fill' failed (url=%s): %w`.
#[test]
fn goauth_failures() {
    let linux = Context::for_os(OsKind::Linux);
    let one = |text: &str| {
        let d = diagnose(text, &linux);
        assert_eq!(d.findings.len(), 1, "{text}: {:#?}", d.findings);
        d.findings.into_iter().next().unwrap()
    };
    for (text, variant) in [
        (
            "go: GOAUTH=git dir method requires an absolute path to the git working directory, \
             dir is not absolute\n",
            "git-dir",
        ),
        (
            "go: GOAUTH=git encountered an error; cannot stat /builds/x: no such file or \
             directory\n",
            "git-dir",
        ),
        (
            "go: GOAUTH encountered an empty command (GOAUTH=netrc;;git /w)\n",
            "setting",
        ),
        (
            "go: GOAUTH=off cannot be combined with other authentication commands \
             (GOAUTH=off;netrc)\n",
            "setting",
        ),
    ] {
        let f = one(text);
        assert_eq!(
            (f.id.as_str(), f.variant.as_deref()),
            ("goauth-failed", Some(variant)),
            "{text}"
        );
        assert!(bash_fixes(&f).contains(&"go env GOAUTH"), "{text}");
        assert!(!f.explanation.contains('{'), "{}", f.explanation);
    }
    assert_eq!(
        one("go: GOAUTH=git encountered an error; cannot stat /builds/x: no such file\n")
            .path
            .as_deref(),
        Some("/builds/x")
    );
    assert!(
        bash_fixes(&one(
            "go: GOAUTH=git dir method requires an absolute path to the git working directory\n"
        ))
        .contains(&"export GOAUTH=\"git $PWD\"")
    );
    // `go get -x`: the logged errors, several lines, one finding naming the host.
    let f = one(
        "GOAUTH encountered errors for https://git.corp.example/team/lib:\n  GOAUTH=git /builds/x: 'git credential fill' failed \
         (url=https://git.corp.example/team/lib): exit status 128\n",
    );
    assert_eq!(f.variant.as_deref(), Some("command"));
    assert!(
        f.explanation.contains("git.corp.example"),
        "{}",
        f.explanation
    );
    assert!(
        bash_fixes(&f)
            .contains(&"git config --get-urlmatch credential.helper https://git.corp.example/"),
        "{:?}",
        f.fixes
    );
    // `go env` output names GOAUTH without any failure.
    assert_eq!(
        one("GOAUTH='netrc'\nGOBIN=''\n").id,
        "not-recognized",
        "a go env line"
    );
    // A host that is not a plain host name is used in no command.
    let f = one("GOAUTH encountered errors for https://a;rm -rf ~/x:\n");
    assert!(
        bash_fixes(&f).iter().all(|x| !x.contains("rm -rf")),
        "{:?}",
        f.fixes
    );
}
