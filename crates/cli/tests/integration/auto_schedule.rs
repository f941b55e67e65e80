//! `gocache-doctor auto install | uninstall | status` on Linux, run as a user would, with
//! `HOME` and `XDG_CONFIG_HOME` in a temporary directory: the systemd units pass
//! `systemd-analyze verify` with an executable path holding a space and a `%`; without a user
//! systemd manager two crontab lines (`@daily` and `@reboot`) are added through a stand-in
//! `crontab` (a real shell script that stores its stdin in a file), keeping every other line;
//! the cron command runs the executable through `/bin/sh` as cron would; `status` reports it,
//! the next run and the automatic runs of the audit log; uninstall leaves the directory exactly
//! as before and a second one changes nothing; without systemd or crontab the report says
//! nothing triggers the files; a symlinked unit directory is refused without writing anything;
//! a second scheduled run in a row skips itself and says why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::util::ok_json;

const SYSTEMD_ANALYZE: &str = "/usr/bin/systemd-analyze";

/// A stand-in `crontab` (`-l` prints the stored file or fails like cron without one; `-`
/// stores stdin). Absolute paths only: PATH holds just its directory.
const FAKE_CRONTAB: &str = r#"#!/bin/sh
f="$CRONTAB_FILE"
case "$1" in
  -l) if [ -f "$f" ]; then exec /bin/cat "$f"; else echo "no crontab for tester" >&2; exit 1; fi ;;
  -) exec /bin/cat > "$f" ;;
  *) echo "usage" >&2; exit 2 ;;
esac
"#;

struct Setup {
    _t: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
    exe: PathBuf,
    bin: PathBuf,
    crontab: PathBuf,
}

fn setup(with_crontab: bool) -> Setup {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().to_path_buf();
    let home = root.join("home");
    std::fs::create_dir_all(home.join(".config")).unwrap();
    std::fs::write(home.join(".config").join("other.conf"), "keep\n").unwrap();
    // The executable under a path with spaces and `%` (systemd needs `%%`, cron `\%`); `%h`
    // is a systemd specifier (the home directory) that a missing escape would expand.
    let exe_dir = root.join("Go Tools %h 100%");
    std::fs::create_dir(&exe_dir).unwrap();
    let exe = exe_dir.join("gocache-doctor");
    std::fs::copy(env!("CARGO_BIN_EXE_gocache-doctor"), &exe).unwrap();
    let bin = root.join("bin");
    std::fs::create_dir(&bin).unwrap();
    if with_crontab {
        use std::os::unix::fs::PermissionsExt;
        let c = bin.join("crontab");
        std::fs::write(&c, FAKE_CRONTAB).unwrap();
        std::fs::set_permissions(&c, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    Setup {
        crontab: root.join("crontab.txt"),
        _t: t,
        root,
        home,
        exe,
        bin,
    }
}

fn cli(s: &Setup, args: &[&str]) -> Output {
    gocache_tests::output(
        Command::new(&s.exe)
            .args(args)
            .env_clear()
            .env("HOME", &s.home)
            .env("XDG_CONFIG_HOME", s.home.join(".config"))
            .env("GOCACHE_DOCTOR_DATA_DIR", s.root.join("data"))
            .env("GOCACHE_DOCTOR_CONFIG_DIR", s.root.join("settings"))
            // No systemctl here: the user manager is not reachable, as on this CI machine.
            .env("PATH", &s.bin)
            .env("CRONTAB_FILE", &s.crontab),
    )
    .unwrap()
}

/// Every path under `dir` with its kind and, for files, contents and mode.
fn listing(dir: &Path) -> BTreeMap<PathBuf, String> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let v = if m.is_dir() {
                stack.push(p.clone());
                format!("dir {:o}", m.permissions().mode())
            } else if m.file_type().is_symlink() {
                format!("link {}", std::fs::read_link(&p).unwrap().display())
            } else {
                format!(
                    "file {:o} {}",
                    m.permissions().mode(),
                    std::fs::read_to_string(&p).unwrap_or_default()
                )
            };
            out.insert(p, v);
        }
    }
    out
}

fn unit_dir(s: &Setup) -> PathBuf {
    s.home.join(".config/systemd/user")
}

#[test]
#[allow(clippy::print_stderr, reason = "explains a skipped assertion")]
fn install_status_uninstall_with_crontab() {
    let s = setup(true);
    let other = "MAILTO=me@example.com\n0 * * * * /bin/true # mine\n";
    std::fs::write(&s.crontab, other).unwrap();
    let before = listing(&s.home);

    let r = ok_json(&cli(&s, &["auto", "install", "--json"]));
    assert_eq!(r["mechanism"], "cron", "{r}");
    let cron = std::fs::read_to_string(&s.crontab).unwrap();
    let added = cron
        .strip_prefix(other)
        .unwrap_or_else(|| panic!("other lines changed: {cron}"));
    let lines: Vec<&str> = added.lines().collect();
    assert_eq!(lines.len(), 2, "{cron}");
    assert!(
        lines[0].starts_with("@daily ") && lines[1].starts_with("@reboot "),
        "{cron}"
    );
    assert_eq!(r["cron_lines"], serde_json::json!(lines));
    let line = lines[0];
    assert!(line.contains("Go Tools \\%h 100\\%"), "{line}");
    // Installing again replaces our line: still exactly one.
    ok_json(&cli(&s, &["auto", "install", "--json"]));
    assert_eq!(std::fs::read_to_string(&s.crontab).unwrap(), cron);

    // The cron command, unescaped as cron does (`\%` -> `%`) and run by /bin/sh, starts our
    // executable, which does nothing while the policy is off (the settings have none).
    let cmd = line
        .strip_prefix("@daily ")
        .and_then(|c| c.strip_suffix(" # gocache-doctor-auto"))
        .unwrap_or_else(|| panic!("{line}"))
        .replace("\\%", "%");
    let out = Command::new("/bin/sh")
        .args(["-c", &cmd])
        .env_clear()
        .env("HOME", &s.home)
        .env("GOCACHE_DOCTOR_CONFIG_DIR", s.root.join("settings"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("the scheduled run does nothing"),
        "{cmd}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The units: the executable quoted for systemd, accepted by systemd-analyze verify (which
    // checks that the ExecStart program exists and is executable).
    let service = unit_dir(&s).join("gocache-doctor-auto.service");
    let timer = unit_dir(&s).join("gocache-doctor-auto.timer");
    let text = std::fs::read_to_string(&service).unwrap();
    let quoted = format!("\"{}\"", s.exe.display()).replace('%', "%%");
    assert!(
        text.contains(&format!("ExecStart={quoted} auto run --scheduled\n")),
        "{text}"
    );
    if Path::new(SYSTEMD_ANALYZE).exists() {
        let v = Command::new(SYSTEMD_ANALYZE)
            .arg("verify")
            .args([&service, &timer])
            .output()
            .unwrap();
        assert!(
            v.status.success() && v.stderr.is_empty(),
            "systemd-analyze verify: {}{}",
            String::from_utf8_lossy(&v.stdout),
            String::from_utf8_lossy(&v.stderr)
        );
        // It can fail: without the `%%` escape (`%h` expands) or without the quotes (the
        // program would be the path up to the first space), the program does not exist.
        for (what, bad_text) in [
            ("unescaped %", text.replace("%%", "%")),
            ("unquoted", text.replace('"', "")),
        ] {
            let bad = s.root.join("bad.service");
            std::fs::write(&bad, bad_text).unwrap();
            let v = Command::new(SYSTEMD_ANALYZE)
                .arg("verify")
                .arg(&bad)
                .output()
                .unwrap();
            assert!(!v.status.success(), "{what} should not verify");
        }
    } else {
        eprintln!("SKIPPED the systemd-analyze assertion: {SYSTEMD_ANALYZE} is absent");
    }

    // Status: installed by cron, and the automatic runs of the audit log only.
    let log = s.root.join("data").join("audit.jsonl");
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    std::fs::write(
        &log,
        "{\"time\":100,\"targets\":[],\"bytes_freed\":7,\"outcomes\":[]}\n\
         {\"time\":200,\"targets\":[],\"bytes_freed\":1000,\"outcomes\":[],\"automatic\":true}\n\
         {\"time\":300,\"targets\":[],\"bytes_freed\":24,\"outcomes\":[],\"automatic\":true}\n",
    )
    .unwrap();
    let st = ok_json(&cli(&s, &["auto", "status", "--json"]));
    assert_eq!(st["installed"], true, "{st}");
    assert_eq!(st["mechanism"], "cron");
    assert_eq!(st["cron_lines"], serde_json::json!(lines));
    assert!(
        st["next_run"]
            .as_str()
            .is_some_and(|n| n.ends_with(" 00:00 (local time), or at the next boot")),
        "{st}"
    );
    assert!(
        st["scheduler"].as_str().unwrap().contains("systemd"),
        "{st}"
    );
    assert_eq!(st["total_freed"], 1024);
    let times: Vec<&Value> = st["last_runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["time"])
        .collect();
    assert_eq!(times, [300, 200]);
    assert_eq!(st["files"].as_array().unwrap().len(), 2);
    let text = cli(&s, &["auto", "status"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Installed: crontab line")
            && text.contains("1.0 KiB")
            && text.contains("Next run: ")
            && text.contains("crontab line: @reboot "),
        "{text}"
    );

    // Uninstall: everything as before, crontab included; a second one is a no-op.
    let u = ok_json(&cli(&s, &["auto", "uninstall", "--json"]));
    assert_eq!(u["cron_line_removed"], true, "{u}");
    assert_eq!(std::fs::read_to_string(&s.crontab).unwrap(), other);
    assert_eq!(listing(&s.home), before);
    let u = ok_json(&cli(&s, &["auto", "uninstall", "--json"]));
    assert_eq!(u["cron_line_removed"], false, "{u}");
    assert_eq!(u["removed"].as_array().unwrap().len(), 0, "{u}");
    assert_eq!(std::fs::read_to_string(&s.crontab).unwrap(), other);
    assert_eq!(listing(&s.home), before);
    let st = ok_json(&cli(&s, &["auto", "status", "--json"]));
    assert_eq!(st["installed"], false, "{st}");
}

#[test]
fn install_without_systemd_or_crontab_says_nothing_triggers_it() {
    let s = setup(false);
    let before = listing(&s.home);
    let out = cli(&s, &["auto", "install"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("NOTHING will run the cleanup automatically"),
        "{err}"
    );
    let st = ok_json(&cli(&s, &["auto", "status", "--json"]));
    assert_eq!(st["mechanism"], "files_only", "{st}");
    ok_json(&cli(&s, &["auto", "uninstall", "--json"]));
    assert_eq!(listing(&s.home), before);
}

#[test]
fn a_symlinked_unit_directory_is_refused_and_nothing_is_written() {
    let s = setup(true);
    std::fs::write(&s.crontab, "# mine\n").unwrap();
    let elsewhere = s.root.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, s.home.join(".config/systemd")).unwrap();
    let before = listing(&s.root);
    let out = cli(&s, &["auto", "install"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is a symbolic link"), "{err}");
    assert_eq!(listing(&s.root), before);
}

/// The daily and the login trigger both run `auto run --scheduled`: the second run in a row
/// does nothing and says why (the first, which found nothing to remove, is in the audit log);
/// a run without --scheduled still runs.
#[test]
fn a_second_scheduled_run_within_20_hours_skips_itself() {
    let s = setup(false);
    let settings = s.root.join("settings");
    std::fs::create_dir_all(&settings).unwrap();
    std::fs::write(
        settings.join("settings.json"),
        r#"{"autopilot": {"enabled": true}}"#,
    )
    .unwrap();
    for d in ["mod", "build"] {
        std::fs::create_dir(s.root.join(d)).unwrap();
    }
    let run = |args: &[&str]| {
        gocache_tests::output(
            Command::new(&s.exe)
                .args(args)
                .env_clear()
                .env("HOME", &s.home)
                .env("GOCACHE_DOCTOR_DATA_DIR", s.root.join("data"))
                .env("GOCACHE_DOCTOR_CONFIG_DIR", &settings)
                .env("GOMODCACHE", s.root.join("mod"))
                .env("GOCACHE", s.root.join("build"))
                .env("PATH", &s.bin),
        )
        .unwrap()
    };
    let first = ok_json(&run(&["auto", "run", "--scheduled", "--no-go", "--json"]));
    assert!(first["policy"].is_object(), "the first run ran: {first}");
    let log = std::fs::read_to_string(s.root.join("data").join("audit.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.contains(r#""automatic":true"#), "{log}");
    let second = ok_json(&run(&["auto", "run", "--scheduled", "--no-go", "--json"]));
    assert_eq!(second["ran"], false, "{second}");
    let why = second["reason"].as_str().unwrap();
    assert!(
        why.contains("the last automatic run was 0 h") && why.contains("less than 20 h"),
        "{why}"
    );
    let text = run(&["auto", "run", "--scheduled", "--no-go"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.starts_with("Skipped: the last automatic run was"),
        "{text}"
    );
    // Nothing more was recorded; a run asked for by hand runs.
    let log = std::fs::read_to_string(s.root.join("data").join("audit.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 1, "{log}");
    let manual = ok_json(&run(&["auto", "run", "--no-go", "--json"]));
    assert!(manual["policy"].is_object(), "{manual}");
}
