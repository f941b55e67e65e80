//! Unit tests of the recognizers on short messages; the captured corpus is checked by the
//! integration tests (tests/integration/diagnose.rs).

use super::*;

fn linux() -> Context {
    let mut c = Context::for_os(OsKind::Linux);
    c.gomodcache = Some("/home/u/go/pkg/mod".into());
    c
}

fn one(text: &str, ctx: &Context) -> Finding {
    let d = diagnose(text, ctx);
    assert_eq!(d.findings.len(), 1, "{:#?}", d.findings);
    d.findings
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no finding"))
}

#[test]
fn unknown_text_is_not_recognized_with_the_checklist() {
    let f = one("hello world\n", &linux());
    assert_eq!(f.id, "not-recognized");
    assert_eq!(f.severity, Severity::Info);
    assert!(!f.fixes.is_empty());
    assert_eq!(one("", &linux()).id, "not-recognized");
}

#[test]
fn sumdb_form_of_checksum_mismatch() {
    let text = "verifying github.com/x/y@v1.2.3: checksum mismatch\n\tdownloaded: h1:a\n\t\
                sum.golang.org: h1:b\n\nSECURITY ERROR\nThis download does NOT match the one \
                reported by the checksum server.\n";
    let f = one(text, &linux());
    assert_eq!(f.id, "checksum-mismatch");
    assert_eq!(f.variant.as_deref(), Some("sumdb"));
    assert_eq!(f.module.as_deref(), Some("github.com/x/y"));
    assert_eq!(f.version.as_deref(), Some("v1.2.3"));
    assert!(
        f.fixes
            .iter()
            .any(|x| x.text == "clean-version:github.com/x/y@v1.2.3")
    );
}

#[test]
fn fixes_use_real_paths_and_shells() {
    let text = "go: unlinkat /home/u/go/pkg/mod/cache/lock: permission denied\n";
    let f = one(text, &linux());
    assert_eq!(f.id, "permission-denied");
    assert_eq!(f.variant.as_deref(), Some("other-owner"));
    assert!(
        f.fixes.iter().any(|x| x.shell == Some(Shell::Bash)
            && x.text == "sudo chown -R \"$(id -un)\" '/home/u/go/pkg/mod'"),
        "{:#?}",
        f.fixes
    );
    let mut w = Context::for_os(OsKind::Windows);
    w.gomodcache = Some(r"C:\Users\u\go\pkg\mod".into());
    let f = one(
        r"go: unlinkat C:\Users\u\go\pkg\mod\cache\lock: permission denied",
        &w,
    );
    let shells: Vec<_> = f.fixes.iter().filter_map(|x| x.shell).collect();
    assert!(shells.contains(&Shell::Powershell) && shells.contains(&Shell::Cmd));
    assert!(!shells.contains(&Shell::Bash));
    assert!(
        f.fixes
            .iter()
            .any(|x| x.text.contains(r"icacls 'C:\Users\u\go\pkg\mod'"))
    );
    // Without a known cache, bash falls back to `go env`.
    let f = one(text, &Context::for_os(OsKind::Macos));
    assert!(
        f.fixes
            .iter()
            .any(|x| x.text == "sudo chown -R \"$(id -un)\" '/home/u/go/pkg/mod'")
    );
}

#[test]
fn actions_parse() {
    assert_eq!(
        Action::parse("clean-version:example.com/m@v1.0.0"),
        Some(Action::CleanVersion {
            module: "example.com/m".into(),
            version: "v1.0.0".into()
        })
    );
    assert_eq!(Action::parse("show-lockers"), Some(Action::ShowLockers));
    assert_eq!(Action::parse("clean-version:nover"), None);
    assert_eq!(Action::parse("rm -rf /"), None);
}

#[test]
fn json_shape() {
    let d = diagnose(
        "go: example.com/m@v1.0.0: module lookup disabled by GOPROXY=off\n",
        &linux(),
    );
    let v = serde_json::to_value(&d).unwrap_or_default();
    let f = &v["findings"][0];
    assert_eq!(f["id"], "goproxy-off");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["module"], "example.com/m");
    assert_eq!(f["version"], "v1.0.0");
    assert!(f["path"].is_null());
    assert!(
        f["explanation"]
            .as_str()
            .is_some_and(|s| s.contains("example.com/m@v1.0.0"))
    );
    assert_eq!(f["fixes"][0]["kind"], "command");
    assert_eq!(f["fixes"][0]["shell"], "bash");
}
