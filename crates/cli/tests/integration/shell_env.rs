//! `--login-shell-env` and `GOCACHE_DOCTOR_SHELL_ENV`: the CLI reads Go's variables from a
//! real login shell (`bash -l -i`, start-up files in a temporary HOME) only when asked, shows
//! their source, and refuses to go on when the shell cannot be read.
//!
//! On Windows there is no login shell to read (apps get the user's variables from the
//! registry): the flag is accepted and the process environment is used, with the reason.

/// Windows: `--login-shell-env` runs no shell and keeps the process environment.
#[cfg(windows)]
#[test]
fn on_windows_the_flag_keeps_the_process_environment() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let modcache = dir.path().join("process-mod");
    std::fs::create_dir_all(modcache.join("cache").join("download"))
        .unwrap_or_else(|e| panic!("mkdir: {e}"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
        .args(["--login-shell-env", "env", "--json", "--no-go"])
        .env("GOMODCACHE", &modcache)
        .env("GOENV", "off")
        .output()
        .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})"));
    assert_eq!(
        v["vars"]["GOMODCACHE"]["value"],
        modcache.display().to_string()
    );
    assert_eq!(v["vars"]["GOMODCACHE"]["source"], "env");
    assert_eq!(v["shell_env"]["attempted"], false, "{v}");
    assert!(
        v["shell_env"]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("Windows"),
        "{v}"
    );
}

/// Unix: real bash login shells with start-up files in a temporary HOME.
#[cfg(unix)]
mod login_shell {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Output};

    use serde_json::Value;

    use crate::util::ok_json;

    struct Setup {
        dir: tempfile::TempDir,
    }

    impl Setup {
        /// A HOME whose `.bashrc` (sourced by `.bash_profile`) runs `rc`, and two module caches:
        /// the process's and the shell's.
        fn new(rc: &str) -> Setup {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
            let s = Setup { dir };
            for d in [
                "home",
                "process-mod/cache/download",
                "shell-mod/cache/download",
            ] {
                std::fs::create_dir_all(s.path(d)).unwrap_or_else(|e| panic!("mkdir {d}: {e}"));
            }
            let rc = rc.replace("@SHELL_MOD@", &s.path("shell-mod").display().to_string());
            std::fs::write(s.path("home/.bashrc"), rc).unwrap_or_else(|e| panic!("write: {e}"));
            std::fs::write(s.path("home/.bash_profile"), ". \"$HOME/.bashrc\"\n")
                .unwrap_or_else(|e| panic!("write: {e}"));
            s
        }

        fn path(&self, rel: &str) -> PathBuf {
            self.dir.path().join(rel)
        }

        /// Runs the CLI as cron would: no TERM, a short PATH, `SHELL=/bin/bash`, the process's
        /// GOMODCACHE.
        fn cli(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
            let home = self.path("home");
            Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
                .args(args)
                .env_clear()
                .env("HOME", &home)
                .env("SHELL", "/bin/bash")
                .env("PATH", "/usr/bin:/bin")
                .env("GOMODCACHE", self.path("process-mod"))
                .env("GOCACHE", home.join("gocache"))
                .env("GOENV", "off")
                .envs(extra.iter().copied())
                .output()
                .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"))
        }

        fn shell_ran(&self) -> bool {
            self.path("home/ran").exists()
        }
    }

    const RC: &str = "touch \"$HOME/ran\"\n\
                  echo 'noise from .bashrc'\n\
                  echo 'noise on stderr' >&2\n\
                  export GOMODCACHE='@SHELL_MOD@'\n\
                  export GOPROXY='https://ci:sup3rs3cret@goproxy.corp.example/'\n\
                  export GITHUB_TOKEN=ghp_n0tForUs\n";

    fn text(out: &Output) -> String {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    fn shown(p: &Path) -> String {
        p.display().to_string()
    }

    #[test]
    fn without_the_flag_the_shell_is_not_run() {
        let s = Setup::new(RC);
        let v = ok_json(&s.cli(&["env", "--json", "--no-go"], &[]));
        assert_eq!(
            v["vars"]["GOMODCACHE"]["value"],
            shown(&s.path("process-mod"))
        );
        assert_eq!(v["vars"]["GOMODCACHE"]["source"], "env");
        assert_eq!(v["shell_env"]["attempted"], false, "{v}");
        assert!(
            v["shell_env"]["reason"]
                .as_str()
                .unwrap_or_default()
                .contains("command line"),
            "{v}"
        );
        assert!(!s.shell_ran());
        // An unknown mode is reported and means auto: the CLI still does not run the shell.
        let v = ok_json(&s.cli(
            &["env", "--json", "--no-go"],
            &[("GOCACHE_DOCTOR_SHELL_ENV", "perhaps")],
        ));
        assert_eq!(v["shell_env"]["bad_mode"], "perhaps");
        let ids: Vec<&str> = v["problems"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p["id"].as_str()).collect())
            .unwrap_or_default();
        assert!(ids.contains(&"shell-env-mode-invalid"), "{ids:?}");
        assert!(!s.shell_ran());
    }

    #[test]
    fn the_flag_takes_the_login_shells_values_with_their_source() {
        let s = Setup::new(RC);
        let v = ok_json(&s.cli(&["--login-shell-env", "env", "--json", "--no-go"], &[]));
        assert!(s.shell_ran());
        assert_eq!(
            v["vars"]["GOMODCACHE"]["value"],
            shown(&s.path("shell-mod"))
        );
        assert_eq!(v["vars"]["GOMODCACHE"]["source"], "login-shell");
        assert_eq!(v["caches"][0]["path"], shown(&s.path("shell-mod")));
        assert_eq!(v["shell_env"]["shell"], "/bin/bash");
        assert_eq!(v["shell_env"]["reason"], "--login-shell-env");
        let mismatch: Vec<&Value> = v["problems"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|p| p["id"] == "shell-env-mismatch")
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(mismatch.len(), 1, "{v}");
        assert_eq!(mismatch[0]["var"], "GOMODCACHE");
        let all = v.to_string();
        assert!(
            !all.contains("sup3rs3cret") && !all.contains("ghp_"),
            "{all}"
        );

        let out = s.cli(&["env", "--no-go", "--login-shell-env"], &[]);
        let t = text(&out);
        assert!(out.status.success(), "{t}");
        assert!(
            t.contains("Login shell: /bin/bash -l -i (--login-shell-env)"),
            "{t}"
        );
        let row = t
            .lines()
            .find(|l| l.starts_with("GOMODCACHE "))
            .unwrap_or_else(|| panic!("no GOMODCACHE row: {t}"));
        assert!(row.contains("login shell (/bin/bash -l -i)"), "{row}");
        assert!(row.contains(&shown(&s.path("shell-mod"))), "{row}");
        assert!(t.contains("uses the login shell's value"), "{t}");
        assert!(!t.contains("sup3rs3cret") && !t.contains("ghp_"), "{t}");
        assert!(
            !t.contains("noise"),
            "the shell's output is not passed on: {t}"
        );

        // Any command: scan sizes the shell's module cache.
        let v = ok_json(&s.cli(
            &[
                "scan",
                "--json",
                "--no-go",
                "--kind",
                "modcache",
                "--login-shell-env",
            ],
            &[],
        ));
        assert_eq!(v["caches"][0]["path"], shown(&s.path("shell-mod")), "{v}");
    }

    #[test]
    fn the_variable_forces_it_either_way() {
        let s = Setup::new(RC);
        let v = ok_json(&s.cli(
            &["env", "--json", "--no-go"],
            &[("GOCACHE_DOCTOR_SHELL_ENV", "on")],
        ));
        assert_eq!(v["vars"]["GOMODCACHE"]["source"], "login-shell");
        assert_eq!(v["shell_env"]["reason"], "GOCACHE_DOCTOR_SHELL_ENV=on");
    }

    #[test]
    fn a_failing_shell_stops_the_command_and_loses_nothing() {
        let s = Setup::new("echo 'cannot load ~/.secrets' >&2\nexit 1\n");
        let out = s.cli(&["--login-shell-env", "env", "--json", "--no-go"], &[]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(out.stdout.is_empty(), "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("cannot read the login shell's environment")
                && err.contains("exited with exit status 1")
                && err.contains("cannot load ~/.secrets"),
            "{err}"
        );

        // A clean that asked for the shell's module cache must not clean the process's instead.
        let out = s.cli(
            &[
                "--login-shell-env",
                "clean",
                "--modcache",
                "--yes",
                "--json",
            ],
            &[],
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(s.path("process-mod/cache/download").is_dir());
        assert!(s.path("shell-mod/cache/download").is_dir());

        // A SHELL that is not an absolute path is refused, never looked up.
        let out = s.cli(
            &["--login-shell-env", "env", "--no-go"],
            &[("SHELL", "bash")],
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(
            text(&out).contains("refused login shell \"bash\": not an absolute path"),
            "{}",
            text(&out)
        );
    }
}
