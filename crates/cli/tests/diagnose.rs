//! `gocache-doctor diagnose` and `doctor` in English and Simplified Chinese: the language
//! follows LC_ALL > LC_MESSAGES > LANG, or `--lang`; only human text changes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const MODULE: &str = "example.com/BurntSushi/Toml";

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/corpus/linux/{name}.txt"))
}

/// Runs the CLI in a clean environment (a temporary HOME, no Go on PATH, `--no-go`).
fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let home_s = home.path().display().to_string();
    Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
        .args(args)
        .env_clear()
        .env("HOME", &home_s)
        .env("GOENV", "off")
        .env("PATH", "/usr/bin:/bin")
        .envs(env.iter().copied())
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
    assert!(s.contains("修复 (bash): go clean -modcache"), "{s}");
    assert!(
        s.contains(&format!("修复 (bash): go mod download {MODULE}@v1.0.0")),
        "{s}"
    );
    assert!(
        s.contains(&format!("应用操作：  clean-version:{MODULE}@v1.0.0")),
        "{s}"
    );
    assert!(!s.contains("fix (bash)"), "{s}");
    assert!(!s.contains("checksum recorded in go.sum"), "{s}");
}

fn assert_english(o: &Output) {
    let s = stdout(o);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(s.contains("error: checksum-mismatch (go-sum)"), "{s}");
    assert!(s.contains(&format!("module:  {MODULE}@v1.0.0")), "{s}");
    assert!(s.contains("checksum recorded in go.sum"), "{s}");
    assert!(s.contains("fix (bash): go clean -modcache"), "{s}");
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
    assert_english(&diagnose(&[], &[]));
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
    assert!(s.contains("修复 (bash): go env -u GOSUMDB"), "{s}");
    let en = run(&["doctor", "--no-go", "--no-disk"], &env("C"));
    let s = stdout(&en);
    assert!(s.contains("warning: gosumdb-off"), "{s}");
    assert!(s.contains("(from the environment)"), "{s}");
    assert!(s.contains("fix (bash): go env -u GOSUMDB"), "{s}");
    assert!(!has_cjk(&s), "{s}");
    assert_eq!(zh.status.code(), en.status.code());
}
