//! `gocache-doctor ci prepare | trim | stray` (issue #18) as CI jobs run them: the commands of
//! docs/ci.md's example workflows, in their order, against caches made by the real `go`, with
//! the real `tar` standing in for the cache actions' restore and save. As root the job runs
//! as `nobody` (setpriv): permission bits are what breaks a restore, and root ignores them.

#![allow(clippy::print_stderr, reason = "tests log why they skip")]

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use gocache_tests::fixture::{self, Fixture, Spec};
use serde_json::Value;

use crate::util::{json, ok_json};

const NOBODY: u32 = 65_534;

fn is_root() -> bool {
    gocache_tests::root::is_root()
}

/// The shared fixture (2 modules x 2 versions, a build cache), built once, readable by all.
fn base() -> &'static (tempfile::TempDir, Fixture) {
    static F: OnceLock<(tempfile::TempDir, Fixture)> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("gocache-ci-fixture-")
            .tempdir()
            .unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let spec = Spec {
            modules: 2,
            versions: 2,
            files_per_version: 5,
            build_cache: true,
            toolchain: false,
        };
        let f = fixture::build(&spec, &dir.path().join("f")).unwrap_or_else(|e| panic!("{e}"));
        (dir, f)
    })
}

/// A job's machine: a root directory owned by the job's user (nobody when we are root) with
/// GOPATH, GOCACHE, HOME, the data directory, the workspace and the CLI binary inside.
struct Job {
    root: PathBuf,
    _dir: tempfile::TempDir,
    as_nobody: bool,
}

impl Job {
    fn new() -> Option<Job> {
        let as_nobody = is_root();
        if as_nobody && !Path::new("/usr/bin/setpriv").exists() {
            gocache_tests::root::cannot_run(
                "setpriv (util-linux) is needed to run the job as nobody",
            );
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("gocache-ci-job-")
            .tempdir()
            .unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let root = dir.path().join("j");
        let job = Job {
            root,
            _dir: dir,
            as_nobody,
        };
        job.reset();
        Some(job)
    }

    /// A fresh runner: everything under the root removed and made again (same paths, as a
    /// CI workspace has from one job to the next).
    fn reset(&self) {
        if self.root.exists() {
            gocache_tests::remove_tree(&self.root).unwrap();
        }
        for d in ["home", "data", "bin", "work", "xdg-cache", "xdg-config"] {
            std::fs::create_dir_all(self.root.join(d)).unwrap();
        }
        std::fs::copy(
            env!("CARGO_BIN_EXE_gocache-doctor"),
            self.root.join("bin/gocache-doctor"),
        )
        .unwrap();
        copy_dir(&base().1.project, &self.project());
        self.chown();
    }

    fn chown(&self) {
        if self.as_nobody {
            let st = Command::new("chown")
                .arg("-R")
                .arg(format!("{NOBODY}:{NOBODY}"))
                .arg(&self.root)
                .status()
                .unwrap();
            assert!(st.success());
        }
    }

    fn project(&self) -> PathBuf {
        self.root.join("work/project")
    }

    fn modcache(&self) -> PathBuf {
        self.root.join("gopath/pkg/mod")
    }

    fn env(&self, goproxy_off: bool) -> Vec<(String, String)> {
        let f = &base().1;
        let p = |rel: &str| self.root.join(rel).display().to_string();
        let go_dir = f.go.parent().unwrap().display().to_string();
        let proxy = if goproxy_off {
            "off".to_owned()
        } else {
            fixture::file_url(&f.proxy)
        };
        vec![
            (
                "PATH".into(),
                format!("{}:{go_dir}:/usr/bin:/bin", p("bin")),
            ),
            ("GOPATH".into(), p("gopath")),
            ("GOMODCACHE".into(), p("gopath/pkg/mod")),
            ("GOCACHE".into(), p("gocache")),
            ("GOPROXY".into(), proxy),
            ("GOSUMDB".into(), "off".into()),
            ("GOFLAGS".into(), "-mod=mod".into()),
            ("GOTOOLCHAIN".into(), "local".into()),
            ("GOENV".into(), "off".into()),
            ("GOTELEMETRY".into(), "off".into()),
            ("CGO_ENABLED".into(), "0".into()),
            ("HOME".into(), p("home")),
            ("XDG_CACHE_HOME".into(), p("xdg-cache")),
            ("XDG_CONFIG_HOME".into(), p("xdg-config")),
            ("GOCACHE_DOCTOR_DATA_DIR".into(), p("data")),
        ]
    }

    /// Runs `program args` in `dir` as the job's user with the job's environment.
    fn run_env(&self, dir: &Path, program: &str, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let offline = extra.iter().any(|(k, v)| *k == "GOPROXY" && *v == "off");
        // Absolute paths for our binaries: neither setpriv nor Command searches our PATH.
        let program: PathBuf = match program {
            "gocache-doctor" => self.root.join("bin/gocache-doctor"),
            "go" => base().1.go.clone(),
            other => PathBuf::from(other),
        };
        let mut cmd = if self.as_nobody {
            let mut c = Command::new("/usr/bin/setpriv");
            c.arg(format!("--reuid={NOBODY}"))
                .arg(format!("--regid={NOBODY}"))
                .arg("--clear-groups")
                .arg("--")
                .arg(&program);
            c
        } else {
            Command::new(&program)
        };
        cmd.args(args)
            .current_dir(dir)
            .env_clear()
            .envs(self.env(offline))
            .envs(
                extra
                    .iter()
                    .filter(|(k, _)| *k != "GOPROXY")
                    .map(|(k, v)| (*k, *v)),
            )
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", program.display()))
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        self.run_env(&self.project(), program, args, &[])
    }

    fn ok(&self, program: &str, args: &[&str]) -> Output {
        let out = self.run(program, args);
        assert!(
            out.status.success(),
            "`{program} {}` failed ({}):\n{}{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let st = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(st.success(), "cp -a {} {}", from.display(), to.display());
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Makes a cache tarball of the fixture's module cache (paths relative to the job root, as
/// actions/cache stores them) with the fixture's build cache entries aged 3 days.
fn old_cache_tarball(job: &Job) -> PathBuf {
    let f = &base().1;
    let stage = job._dir.path().join("stage");
    std::fs::create_dir_all(stage.join("gopath/pkg")).unwrap();
    copy_dir(&f.gomodcache, &stage.join("gopath/pkg/mod"));
    copy_dir(&f.gocache, &stage.join("gocache"));
    // Entries of another program, which this job never uses: the rest `ci trim` drops.
    let other = job._dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(
        other.join("go.mod"),
        "module example.com/other\n\ngo 1.18\n",
    )
    .unwrap();
    std::fs::write(
        other.join("main.go"),
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"other\") }\n",
    )
    .unwrap();
    let st = Command::new(&f.go)
        .args(["build", "-o", "/dev/null", "."])
        .current_dir(&other)
        .env_clear()
        .envs(f.go_env())
        .env("GOCACHE", stage.join("gocache"))
        .env("PATH", "/usr/bin:/bin")
        .status()
        .unwrap();
    assert!(st.success());
    let st = Command::new("find")
        .arg(stage.join("gocache"))
        .args(["-exec", "touch", "-h", "-d", "3 days ago", "{}", "+"])
        .status()
        .unwrap();
    assert!(st.success());
    let tar = job._dir.path().join("cache-old.tar");
    let st = Command::new("tar")
        .arg("-C")
        .arg(&stage)
        .arg("-cf")
        .arg(&tar)
        .args(["gopath/pkg/mod", "gocache"])
        .status()
        .unwrap();
    assert!(st.success());
    std::fs::set_permissions(&tar, std::fs::Permissions::from_mode(0o644)).unwrap();
    gocache_tests::remove_tree(&stage).unwrap();
    tar
}

/// The restore step: `tar -xf` of the cache into the job root, as the job's user.
fn restore(job: &Job, tar: &Path) -> Output {
    job.run_env(&job.root, "tar", &["-xf", &tar.display().to_string()], &[])
}

/// The cache's build entries (`gocache/xx/*`) by name.
fn build_entries(job: &Job) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for d in std::fs::read_dir(job.root.join("gocache"))
        .unwrap()
        .flatten()
    {
        if d.file_type().unwrap().is_dir() && d.file_name().len() == 2 {
            for e in std::fs::read_dir(d.path()).unwrap().flatten() {
                out.insert(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    out
}

#[test]
fn a_restore_over_a_read_only_module_cache_fails_until_ci_prepare() {
    let Some(job) = Job::new() else { return };
    let tar = old_cache_tarball(&job);
    // The runner already has a module cache (Go leaves it read-only).
    std::fs::create_dir_all(job.root.join("gopath/pkg")).unwrap();
    copy_dir(&base().1.gomodcache, &job.modcache());
    job.chown();
    let ro = std::fs::symlink_metadata(base().1.required_version().extracted_dir(&job.modcache()))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(ro & 0o222, 0, "Go's module cache is read-only: {ro:o}");
    let out = restore(&job, &tar);
    assert!(
        !out.status.success(),
        "tar over a read-only cache: {}",
        text(&out)
    );
    assert!(text(&out).contains("Cannot"), "{}", text(&out));

    let v = ok_json(&job.run("gocache-doctor", &["ci", "prepare", "--json"]));
    assert_eq!(v["existed"], true, "{v}");
    assert!(v["writable"]["changed"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(v["writable"]["failed"], 0, "{v}");
    let out = restore(&job, &tar);
    assert!(out.status.success(), "tar after ci prepare: {}", text(&out));
    // Go accepts the restored cache.
    job.ok("go", &["mod", "verify"]);
}

#[test]
fn ci_prepare_remove_removes_the_module_cache_and_records_the_start() {
    let Some(job) = Job::new() else { return };
    std::fs::create_dir_all(job.root.join("gopath/pkg")).unwrap();
    copy_dir(&base().1.gomodcache, &job.modcache());
    job.chown();
    let out = job.ok("gocache-doctor", &["ci", "prepare", "--remove"]);
    assert!(text(&out).contains("removed"), "{}", text(&out));
    assert!(!job.modcache().exists());
    let marker: Value =
        serde_json::from_slice(&std::fs::read(job.root.join("data/ci-job.json")).unwrap()).unwrap();
    assert_eq!(marker["version"], 1, "{marker}");
}

/// docs/ci.md's GitHub Actions job twice: `ci prepare`, restore, `go build`, `go test`,
/// `ci trim`, save; the second job (GitLab's order: the runner restores first, then
/// `ci prepare`) builds offline and gets the test result from the cache.
#[test]
fn a_trimmed_cache_keeps_what_the_job_used() {
    let Some(job) = Job::new() else { return };
    let tar = old_cache_tarball(&job);
    let summary = job.root.join("home/summary.md");
    // Job 1.
    job.ok("gocache-doctor", &["ci", "prepare"]);
    let out = restore(&job, &tar);
    assert!(out.status.success(), "{}", text(&out));
    let restored = build_entries(&job);
    job.ok("go", &["build", "./..."]);
    job.ok("go", &["test", "./..."]);
    let out = job.run_env(
        &job.project(),
        "gocache-doctor",
        &["ci", "trim"],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", &summary.display().to_string()),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        printed.contains("::notice::gocache-doctor ci trim: module cache"),
        "{printed}"
    );
    assert!(printed.contains("Build cache:"), "{printed}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("| build cache |"), "{md}");
    let kept = build_entries(&job);
    assert!(kept.len() < restored.len(), "trim removed no build entry");
    // The older version of each module is gone, the project's are there.
    let f = &base().1;
    for m in f.regular_modules() {
        let newest = f
            .regular_modules()
            .filter(|x| x.path == m.path)
            .last()
            .unwrap();
        let present = m.extracted_dir(&job.modcache()).exists();
        assert_eq!(
            present,
            m.version == newest.version,
            "{}@{}",
            m.path,
            m.version
        );
    }
    // Save (into the job's HOME, then out of the runner).
    let out = job.run_env(
        &job.root,
        "tar",
        &["-cf", "home/cache.tar", "gopath/pkg/mod", "gocache"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let saved = job._dir.path().join("cache-trimmed.tar");
    std::fs::rename(job.root.join("home/cache.tar"), &saved).unwrap();

    // Job 2 on a fresh runner, same paths, in GitLab's order (the runner restores before the
    // job's `before_script: ci prepare`) with GitLab's example's GOFLAGS; offline.
    job.reset();
    let out = restore(&job, &saved);
    assert!(out.status.success(), "{}", text(&out));
    let gitlab = [
        ("GOPROXY", "off"),
        ("GOFLAGS", "-mod=mod -modcacherw"),
        ("GITLAB_CI", "true"),
    ];
    let out = job.run_env(
        &job.project(),
        "gocache-doctor",
        &["ci", "prepare"],
        &gitlab,
    );
    assert!(out.status.success(), "{}", text(&out));
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        printed.starts_with("\x1b[0Ksection_start:") && printed.contains("section_end:"),
        "{printed:?}"
    );
    let out = job.run_env(&job.project(), "go", &["build", "./..."], &gitlab);
    assert!(out.status.success(), "offline build: {}", text(&out));
    let out = job.run_env(&job.project(), "go", &["test", "./..."], &gitlab);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("(cached)"),
        "no test-cache hit: {}",
        text(&out)
    );
    let out = job.run_env(&job.project(), "gocache-doctor", &["ci", "trim"], &gitlab);
    assert!(out.status.success(), "{}", text(&out));
    // A tiny ceiling: what the job used stays.
    let out = job.run(
        "gocache-doctor",
        &["ci", "trim", "--json", "--max-size", "1"],
    );
    let v = json(&out);
    assert!(out.status.success(), "{v}");
    assert!(
        v["warnings"].to_string().contains("ceiling"),
        "the ceiling is raised to what the job used: {v}"
    );
    let out = job.run_env(&job.project(), "go", &["test", "./..."], &gitlab);
    assert!(text(&out).contains("(cached)"), "{}", text(&out));
    // `ci prepare` made the restored cache writable: the next checkout can clean it up.
    let out = job.run_env(&job.root, "rm", &["-rf", "gopath/pkg/mod"], &[]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn ci_trim_without_a_start_or_with_a_bad_marker_fails_clearly() {
    let Some(job) = Job::new() else { return };
    let out = job.run("gocache-doctor", &["ci", "trim"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("ci prepare"), "{}", text(&out));
    std::fs::write(
        job.root.join("data/ci-job.json"),
        "{\"version\":1,\"started\":99}",
    )
    .unwrap();
    job.chown();
    let out = job.run("gocache-doctor", &["ci", "trim"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not valid"), "{}", text(&out));
    let out = job.run("gocache-doctor", &["ci", "trim", "--since", "yesterday"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn ci_stray_finds_and_removes_a_module_cache_go_made_in_the_workspace() {
    let Some(job) = Job::new() else { return };
    // GitLab's GOPATH=$CI_PROJECT_DIR/.go: the real go fills a read-only .go/pkg/mod.
    let ws = job.project();
    let gopath = ws.join(".go");
    let out = job.run_env(
        &ws,
        "go",
        &["mod", "download"],
        &[
            ("GOPATH", &gopath.display().to_string()),
            ("GOMODCACHE", &gopath.join("pkg/mod").display().to_string()),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let mode = std::fs::symlink_metadata(
        base()
            .1
            .required_version()
            .extracted_dir(&gopath.join("pkg/mod")),
    )
    .unwrap()
    .permissions()
    .mode();
    assert_eq!(mode & 0o222, 0, "{mode:o}");
    let v = ok_json(&job.run("gocache-doctor", &["ci", "stray", ".", "--json"]));
    let found = v["found"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{v}");
    assert_eq!(found[0]["kind"], "module-cache", "{v}");
    assert!(
        found[0]["path"].as_str().unwrap().ends_with(".go/pkg/mod"),
        "{v}"
    );
    assert!(found[0]["bytes"].as_u64().unwrap() > 0, "{v}");
    assert!(
        gopath.join("pkg/mod").exists(),
        "nothing removed without --yes"
    );
    // A plain `rm -rf` as the job's user fails on it (the next checkout's EACCES).
    let out = job.run_env(&ws, "rm", &["-rf", ".go"], &[]);
    assert!(!out.status.success(), "rm -rf of a read-only module cache");
    assert!(text(&out).contains("Permission denied"), "{}", text(&out));
    let out = job.ok("gocache-doctor", &["ci", "stray", ".", "--yes"]);
    assert!(text(&out).contains("removed"), "{}", text(&out));
    assert!(!gopath.join("pkg/mod").exists());
    assert!(ws.join("go.mod").exists(), "the project is untouched");
    let v = ok_json(&job.run("gocache-doctor", &["ci", "stray", ".", "--json"]));
    assert_eq!(v["found"].as_array().unwrap().len(), 0, "{v}");
}

#[test]
fn ci_prepare_refuses_a_module_cache_that_is_the_home_directory() {
    let Some(job) = Job::new() else { return };
    let home = job.root.join("home");
    let kept = home.join("private");
    std::fs::create_dir(&kept).unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o500)).unwrap();
    job.chown();
    let out = job.run_env(
        &job.project(),
        "gocache-doctor",
        &["ci", "prepare"],
        &[("GOMODCACHE", &home.display().to_string())],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("home directory"), "{}", text(&out));
    let mode = std::fs::symlink_metadata(&kept)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o500, "nothing changed");
    assert!(!job.root.join("data/ci-job.json").exists(), "no marker");
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o700)).unwrap();
}

#[test]
fn paths_from_the_disk_cannot_inject_workflow_commands_or_table_rows() {
    let Some(job) = Job::new() else { return };
    let ws = job.root.join("work");
    // A directory Go's work-directory pattern matches, named to start a command of its own.
    let evil = ws.join("go-build%0A\n::error::injected|cell\r<b>");
    std::fs::create_dir_all(evil.join("b001")).unwrap();
    job.chown();
    let summary = job.root.join("home/summary.md");
    let out = job.run_env(
        &ws,
        "gocache-doctor",
        &["ci", "stray", "."],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", &summary.display().to_string()),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let warnings: Vec<&str> = stdout.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(warnings.len(), 1, "{stdout}");
    assert!(
        stdout.contains("go-build%0A\\n::error::injected|cell\\r<b>"),
        "the plain listing escapes control characters: {stdout}"
    );
    assert!(
        warnings[0].starts_with("::warning::a Go go-build directory")
            && warnings[0].contains("go-build%250A%0A::error::injected|cell%0D<b>"),
        "{stdout}"
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 3, "header, rule, one row: {md}");
    assert!(
        rows[2].contains("injected\\|cell") && rows[2].contains("&lt;b&gt;"),
        "{md}"
    );
    // Removed with --yes, and nothing else in the workspace.
    let out = job.run("gocache-doctor", &["ci", "stray", "..", "--yes"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!evil.exists());
    assert!(job.project().join("go.mod").exists());
}
