//! `gocache-doctor diagnose` and `doctor` in English and Simplified Chinese: the language
//! follows LC_ALL > LC_MESSAGES > LANG, or `--lang`; only human text changes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const MODULE: &str = "example.com/BurntSushi/Toml";

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/corpus/linux/{name}.txt"))
}

/// The shells the fixes are written for on this OS, as the text output labels them.
const SHELLS: &[&str] = if cfg!(windows) {
    &["powershell", "cmd"]
} else {
    &["bash"]
};

/// Runs the CLI in a clean environment (a temporary home, no Go on PATH, `--no-go`); on
/// Windows with the profile variables every Windows session has.
fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let home_s = home.path().display().to_string();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gocache-doctor"));
    cmd.args(args)
        .env_clear()
        .env("HOME", &home_s)
        .env("GOENV", "off")
        .envs(gocache_tests::shell_env(&[]));
    if cfg!(windows) {
        cmd.env("USERPROFILE", &home_s)
            .env("LOCALAPPDATA", home.path().join("AppData").join("Local"))
            .env("APPDATA", home.path().join("AppData").join("Roaming"));
    }
    cmd.envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn diagnose(extra: &[&str], env: &[(&str, &str)]) -> Output {
    let file = corpus("checksum-mismatch-zip");
    let file = file.to_str().unwrap_or_default();
    let mut args = vec!["diagnose", file, "--no-go"];
    args.extend_from_slice(extra);
    run(&args, env)
}

fn assert_chinese(o: &Output) {
    let s = stdout(o);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(s.contains("错误: checksum-mismatch (go-sum)"), "{s}");
    assert!(s.contains(&format!("模块： {MODULE}@v1.0.0")), "{s}");
    // The explanation names the module and speaks of go.sum and the checksum mismatch.
    assert!(s.contains("校验和不匹配"), "{s}");
    assert!(s.contains("go.sum"), "{s}");
    for sh in SHELLS {
        assert!(
            s.contains(&format!(
                "修复 ({sh}): gocache-doctor clean --module {MODULE}@v1.0.0"
            )),
            "{s}"
        );
        assert!(
            s.contains(&format!("修复 ({sh}): go mod download {MODULE}@v1.0.0")),
            "{s}"
        );
    }
    assert!(
        s.contains(&format!("应用操作：  clean-version:{MODULE}@v1.0.0")),
        "{s}"
    );
    assert!(!s.contains("fix ("), "{s}");
    assert!(!s.contains("checksum recorded in go.sum"), "{s}");
}

fn assert_english(o: &Output) {
    let s = stdout(o);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(s.contains("error: checksum-mismatch (go-sum)"), "{s}");
    assert!(s.contains(&format!("module:  {MODULE}@v1.0.0")), "{s}");
    assert!(s.contains("checksum recorded in go.sum"), "{s}");
    for sh in SHELLS {
        assert!(
            s.contains(&format!(
                "fix ({sh}): gocache-doctor clean --module {MODULE}@v1.0.0"
            )),
            "{s}"
        );
    }
    assert!(
        s.contains(&format!("app action:  clean-version:{MODULE}@v1.0.0")),
        "{s}"
    );
    assert!(!has_cjk(&s), "{s}");
}

#[test]
fn diagnose_follows_lang() {
    assert_chinese(&diagnose(&[], &[("LANG", "zh_CN.UTF-8")]));
    assert_english(&diagnose(&[], &[("LANG", "C")]));
    // Traditional Chinese is not translated: English.
    assert_english(&diagnose(&[], &[("LANG", "zh_TW.UTF-8")]));
}

#[test]
fn lc_all_then_lc_messages_then_lang() {
    assert_english(&diagnose(&[], &[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "C")]));
    assert_chinese(&diagnose(
        &[],
        &[("LANG", "C"), ("LC_MESSAGES", "zh_CN.UTF-8")],
    ));
    assert_english(&diagnose(
        &[],
        &[("LC_MESSAGES", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")],
    ));
    // An empty LC_ALL does not count.
    assert_chinese(&diagnose(&[], &[("LC_ALL", ""), ("LANG", "zh_SG.UTF-8")]));
}

/// Whether the user's Windows display language is Simplified Chinese, read with
/// `GetUserDefaultUILanguage` (the LANGID's primary language `LANG_CHINESE` with the sublanguage
/// of the PRC or Singapore). Never on the other OSes, which have no display language apart from
/// the locale variables.
#[cfg(windows)]
#[allow(unsafe_code, reason = "GetUserDefaultUILanguage is a Win32 call")]
fn display_language_is_simplified_chinese() -> bool {
    // SAFETY: no arguments and no preconditions.
    let id = unsafe { windows_sys::Win32::Globalization::GetUserDefaultUILanguage() };
    id & 0x3ff == 0x04 && matches!(id >> 10, 0x02 | 0x04)
}

#[cfg(not(windows))]
fn display_language_is_simplified_chinese() -> bool {
    false
}

/// Without LC_ALL, LC_MESSAGES and LANG: English on Linux and macOS; on Windows the display
/// language (a Chinese Windows speaks Chinese even in cmd and PowerShell, which set no locale
/// variable). Under Wine the display language follows the Unix locale Wine started with.
#[test]
fn without_a_locale_variable_the_windows_display_language_decides() {
    let o = diagnose(&[], &[]);
    if display_language_is_simplified_chinese() {
        assert_chinese(&o);
    } else {
        assert_english(&o);
    }
    // Set, a variable wins over the display language, whichever it is.
    assert_english(&diagnose(&[], &[("LANG", "C")]));
    assert_chinese(&diagnose(&[], &[("LC_MESSAGES", "zh_CN.UTF-8")]));
}

#[test]
fn lang_option_overrides_the_locale() {
    assert_english(&diagnose(&["--lang", "en"], &[("LANG", "zh_CN.UTF-8")]));
    assert_chinese(&diagnose(&["--lang", "zh-CN"], &[("LANG", "C")]));
    let bad = diagnose(&["--lang", "fr"], &[]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn json_differs_only_in_explanations() {
    let parse = |o: Output| -> Value {
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json: {e}: {}", stdout(&o)))
    };
    let mut en = parse(diagnose(&["--json"], &[("LANG", "C")]));
    let mut zh = parse(diagnose(&["--json"], &[("LANG", "zh_CN.UTF-8")]));
    let take = |v: &mut Value| -> String {
        v.pointer_mut("/findings/0/explanation")
            .map(Value::take)
            .and_then(|e| e.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let (en_text, zh_text) = (take(&mut en), take(&mut zh));
    assert!(en_text.contains(MODULE) && !has_cjk(&en_text), "{en_text}");
    assert!(zh_text.contains(MODULE) && has_cjk(&zh_text), "{zh_text}");
    assert_eq!(en, zh, "only the explanation may differ");
    assert_eq!(en["findings"][0]["module"], MODULE);
    assert!(
        en["findings"][0]["fixes"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    );
}

#[test]
fn doctor_follows_lang() {
    let env = |lang: &'static str| [("LANG", lang), ("GOSUMDB", "off"), ("GOPROXY", "direct")];
    let zh = run(&["doctor", "--no-go", "--no-disk"], &env("zh_CN.UTF-8"));
    let s = stdout(&zh);
    assert!(s.contains("警告: gosumdb-off"), "{s}");
    assert!(s.contains("校验和数据库"), "{s}");
    assert!(s.contains("（来源：环境变量）"), "{s}");
    assert!(s.contains("警告: goproxy-direct"), "{s}");
    for sh in SHELLS {
        assert!(
            s.contains(&format!("修复 ({sh}): go env -u GOSUMDB")),
            "{s}"
        );
    }
    let en = run(&["doctor", "--no-go", "--no-disk"], &env("C"));
    let s = stdout(&en);
    assert!(s.contains("warning: gosumdb-off"), "{s}");
    assert!(s.contains("(from the environment)"), "{s}");
    for sh in SHELLS {
        assert!(s.contains(&format!("fix ({sh}): go env -u GOSUMDB")), "{s}");
    }
    assert!(!has_cjk(&s), "{s}");
    assert_eq!(zh.status.code(), en.status.code());
}

/// Issue #12 item 6 through the real binary: the malicious paste on standard input, the JSON
/// fixes run in a sandbox of recording stand-ins (the real `touch` on PATH behind them), the
/// text output free of the payload's commands and of raw control characters.
#[cfg(unix)] // the fixes run in `shell::Sandbox` (bash recorders)
#[test]
fn a_malicious_paste_gives_only_safe_fixes() {
    use gocache_tests::shell::{Sandbox, expected_bash_calls};
    use std::io::Write as _;

    let paste = "go: example.com/m;touch${IFS}x@v1.0.0: reading https://goproxy.example/example.com/m;touch${IFS}x/@v/v1.0.0.zip: 404 Not Found\n\
                 go: example.com/ok@v1.0.0$(touch${IFS}y): reading https://goproxy.example/example.com/ok/@v/v1.0.0.zip: 404 Not Found\n\
                 go: unlinkat /tmp/a'$(touch z)'`touch w`\u{1b}[2J/go/pkg/mod/cache/lock: permission denied\n";
    let run_stdin = |args: &[&str]| -> Output {
        let home = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .env("GOENV", "off")
            .env("PATH", "/usr/bin:/bin")
            .env("LANG", "C")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("gocache-doctor: {e}"));
        child
            .stdin
            .take()
            .unwrap_or_else(|| panic!("stdin"))
            .write_all(paste.as_bytes())
            .unwrap_or_else(|e| panic!("write: {e}"));
        child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("wait: {e}"))
    };

    let o = run_stdin(&["diagnose", "-", "--json", "--no-go", "--os", "linux"]);
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json: {e}: {}", stdout(&o)));
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), 3, "{v:#}");
    assert!(findings[0]["module"].is_null(), "{v:#}");
    assert_eq!(findings[1]["module"], "example.com/ok", "{v:#}");
    assert!(findings[1]["version"].is_null(), "{v:#}");
    let sb = Sandbox::new();
    let mut lists = 0;
    let mut chown = 0;
    for f in &findings {
        for x in f["fixes"].as_array().cloned().unwrap_or_default() {
            let text = x["text"].as_str().unwrap_or_default().to_owned();
            assert!(!text.contains("touch${IFS}"), "{text}");
            if x["shell"] != "bash" {
                continue;
            }
            let want = expected_bash_calls(&text)
                .unwrap_or_else(|| panic!("{text:?} would expand or run something"));
            let ran = sb.run_bash(&text);
            assert_eq!(ran.calls, want, "{text:?}");
            lists += usize::from(text == "go list -m -versions example.com/ok");
            if text.starts_with("sudo chown") {
                chown += 1;
                assert!(
                    ran.calls.iter().any(|c| c.last().map(String::as_str)
                        == Some("/tmp/a'$(touch z)'`touch w`\u{1b}[2J/go/pkg/mod")),
                    "{ran:#?}"
                );
            }
        }
    }
    assert_eq!(lists, 1, "{v:#}");
    // The path holds an escape character: no command may carry it, so chown is left out.
    assert_eq!(chown, 0, "{v:#}");
    assert!(sb.work_entries().is_empty(), "{:?}", sb.work_entries());

    // Text output: the invalid module shown marked, no raw escape character on the terminal.
    let o = run_stdin(&["diagnose", "-", "--no-go", "--os", "linux"]);
    let s = stdout(&o);
    assert!(s.contains("(not a valid module"), "{s}");
    assert!(!s.contains('\u{1b}'), "{s}");
    assert!(s.contains("\\u{1b}[2J"), "{s}");
    for line in s.lines().filter(|l| l.trim_start().starts_with("fix (")) {
        assert!(!line.contains("touch"), "{line}");
    }

    // Windows shells: nothing of the payload either.
    let o = run_stdin(&["diagnose", "-", "--json", "--no-go", "--os", "windows"]);
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json: {e}: {}", stdout(&o)));
    for f in v["findings"].as_array().cloned().unwrap_or_default() {
        for x in f["fixes"].as_array().cloned().unwrap_or_default() {
            assert!(
                !x["text"].as_str().unwrap_or_default().contains("touch"),
                "{x}"
            );
        }
    }
}

/// Issue #18: `diagnose` on a CI log captured for real. GNU tar restores a cache tarball the
/// way actions/cache does (`tar -xf ... -P -C <workspace>`) over a module cache that is
/// already there and read-only (dirs 0555, files 0444), as an unprivileged user (as root,
/// nobody through setpriv: root ignores the mode bits). The log (tar's command line and its
/// real stderr) gives the finding, the real path and cache, and the `ci prepare` fix, in text
/// and in JSON.
#[cfg(unix)]
#[test]
#[allow(clippy::print_stderr, reason = "the test logs why it skips")]
fn diagnose_a_real_cache_restore_failure() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o755)).unwrap();
    let ws = base.join("work/app/app");
    let mc = base.join("home/go/pkg/mod");
    let version = mc.join("example.com/!acme/widget@v1.2.3");
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::create_dir_all(version.join("sub")).unwrap();
    std::fs::write(version.join("go.mod"), "module example.com/Acme/widget\n").unwrap();
    std::fs::write(version.join("sub/a.go"), "package sub\n").unwrap();
    let tar = base.join("cache.tar");
    let sh = |script: &str| {
        let st = Command::new("sh")
            .args(["-c", script, "sh"])
            .arg(&base)
            .status()
            .unwrap();
        assert!(st.success(), "{script}");
    };
    // Save, then make the runner's copy read-only as Go does and give it to the job's user.
    sh("tar -P -C \"$1/work/app/app\" -cf \"$1/cache.tar\" ../../../home/go/pkg/mod");
    sh(
        "find \"$1/home/go/pkg/mod/example.com\" -mindepth 1 -type d -exec chmod 0555 {} + \
        && find \"$1/home/go/pkg/mod/example.com\" -type f -exec chmod 0444 {} +",
    );
    let mut restore = if gocache_tests::root::is_root() {
        if !Path::new("/usr/bin/setpriv").exists() {
            gocache_tests::root::cannot_run("root without setpriv cannot run tar as another user");
            return;
        }
        sh("chown -R 65534:65534 \"$1\"");
        let mut c = Command::new("/usr/bin/setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
        c.arg("/usr/bin/tar");
        c
    } else {
        Command::new("tar")
    };
    let out = restore
        .arg("-xf")
        .arg(&tar)
        .arg("-P")
        .arg("-C")
        .arg(&ws)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.contains("go.mod: Cannot open: File exists"), "{err}");
    // The job log as actions/cache prints it: the command line, then tar's stderr.
    let log = base.join("job.log");
    std::fs::write(
        &log,
        format!(
            "/usr/bin/tar -xf {} -P -C {}\n{err}",
            tar.display(),
            ws.display()
        ),
    )
    .unwrap();
    let log_s = log.display().to_string();
    let mc_s = mc.display().to_string();

    let o = run(
        &["diagnose", &log_s, "--no-go", "--os", "linux"],
        &[("LANG", "C")],
    );
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(
        s.contains("error: cache-restore-over-readonly (gnu-tar)"),
        "{s}"
    );
    assert!(s.contains("module:  example.com/Acme/widget@v1.2.3"), "{s}");
    assert!(s.contains(&mc_s), "{s}");
    assert!(s.contains("fix (bash): gocache-doctor ci prepare\n"), "{s}");
    assert!(
        s.contains(&format!("fix (bash): chmod -R u+w '{mc_s}'")),
        "{s}"
    );

    let o = run(
        &["diagnose", &log_s, "--no-go", "--os", "linux", "--json"],
        &[],
    );
    let v: Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json: {e}: {}", stdout(&o)));
    let f = &v["findings"][0];
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(1), "{v:#}");
    assert_eq!(f["id"], "cache-restore-over-readonly");
    assert_eq!(f["module"], "example.com/Acme/widget");
    assert_eq!(f["version"], "v1.2.3");
    let path = f["path"].as_str().unwrap_or_default();
    assert!(
        path.starts_with(&format!("{mc_s}/example.com/!acme/widget@v1.2.3/")),
        "{v:#}"
    );
    let fixes: Vec<&str> = f["fixes"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["text"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        fixes,
        [
            "gocache-doctor ci prepare".to_owned(),
            "gocache-doctor ci prepare --remove".to_owned(),
            format!("chmod -R u+w '{mc_s}'"),
        ]
    );
}
