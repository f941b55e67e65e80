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

/// macOS permission failures beyond ownership (issue #13): each cause gets its own variant,
/// explanation and fixes (chflags with the path quoted as one bash word, the Full Disk Access
/// pane), the same in every language.
#[test]
fn macos_eperm_causes_have_their_own_fixes() {
    use crate::eperm::{PermFacts, SF_IMMUTABLE, SF_RESTRICTED, UF_APPEND, UF_IMMUTABLE};
    use crate::quote::tests::posix_split;
    use std::path::Path;
    let path = "/Users/ann/it's a \"go\"/pkg/mod/example.com/m@v1.0.0/a.go";
    let mut mac = Context::for_os(OsKind::Macos);
    mac.gomodcache = Some("/Users/ann/it's a \"go\"/pkg/mod".into());
    let facts = |flags: u32, parent_flags: u32, owner_is_user: bool| PermFacts {
        eperm: true,
        flags,
        parent_flags,
        owner_is_user,
        ..PermFacts::default()
    };
    let find = |f: PermFacts, lang: Lang| {
        let (variant, values) = parse::eperm_values(&f, Path::new(path))?;
        let mut m = parse::Match::new("permission-denied");
        m.variant = Some(variant);
        m.module = Some("example.com/m".into());
        m.version = Some("v1.0.0".into());
        m.path = Some(path.into());
        m.extra = values;
        Some(catalog::finding(m, &mac.clone().with_lang(lang)))
    };
    let commands = |f: &Finding| -> Vec<String> {
        f.fixes
            .iter()
            .filter(|x| x.kind == FixKind::Command)
            .map(|x| x.text.clone())
            .collect()
    };
    let words = |s: &str| -> Vec<String> { s.split(' ').map(str::to_owned).collect() };

    // User flags on the user's own file: chflags without sudo, and the app's clean.
    let f = find(facts(UF_IMMUTABLE, 0, true), Lang::En).unwrap_or_else(|| panic!("no finding"));
    assert_eq!(f.variant.as_deref(), Some("user-immutable"));
    assert_eq!(
        commands(&f),
        [r#"chflags -R nouchg '/Users/ann/it'\''s a "go"/pkg/mod/example.com/m@v1.0.0/a.go'"#]
    );
    let mut want = words("chflags -R nouchg");
    want.push(path.to_owned());
    assert_eq!(posix_split(&commands(&f)[0]), Some(want));
    assert!(
        f.fixes
            .iter()
            .any(|x| x.text == "clean-version:example.com/m@v1.0.0")
    );
    assert!(f.explanation.contains("uchg"), "{}", f.explanation);
    assert!(!f.explanation.contains("sudo chown"), "{}", f.explanation);
    // Someone else's file, flag on its directory: sudo, on the directory.
    let f = find(facts(0, UF_IMMUTABLE | UF_APPEND, false), Lang::En)
        .unwrap_or_else(|| panic!("no finding"));
    assert_eq!(
        commands(&f),
        [
            r#"sudo chflags -R nouchg,nouappnd '/Users/ann/it'\''s a "go"/pkg/mod/example.com/m@v1.0.0'"#
        ]
    );
    // System flags: look at them, and an administrator clears them.
    let f = find(facts(SF_IMMUTABLE, 0, true), Lang::En).unwrap_or_else(|| panic!("no finding"));
    assert_eq!(f.variant.as_deref(), Some("system-immutable"));
    assert_eq!(commands(&f).len(), 2, "{:?}", commands(&f));
    assert!(commands(&f)[0].starts_with("ls -ldO '/Users/ann/it'"));
    assert!(commands(&f)[1].starts_with("sudo chflags -R noschg '/Users/"));
    assert!(
        f.explanation.contains("single-user mode"),
        "{}",
        f.explanation
    );
    // SIP: no chflags at all.
    let f = find(facts(SF_RESTRICTED, 0, true), Lang::En).unwrap_or_else(|| panic!("no finding"));
    assert_eq!(f.variant.as_deref(), Some("sip-restricted"));
    assert!(commands(&f).iter().all(|c| !c.contains("chflags")));
    assert!(f.explanation.contains("System Integrity Protection"));
    // Privacy protection: the Full Disk Access pane, in both languages.
    let tcc = PermFacts {
        privacy_protected: true,
        ..facts(0, 0, true)
    };
    let en = find(tcc, Lang::En).unwrap_or_else(|| panic!("no finding"));
    let zh = find(tcc, Lang::ZhHans).unwrap_or_else(|| panic!("no finding"));
    assert_eq!(en.variant.as_deref(), Some("privacy-denied"));
    assert!(
        en.explanation
            .contains("System Settings > Privacy & Security > Full Disk Access"),
        "{}",
        en.explanation
    );
    assert!(
        zh.explanation
            .contains("系统设置 > 隐私与安全性 > 完全磁盘访问权限"),
        "{}",
        zh.explanation
    );
    assert_eq!(en.fixes, zh.fixes);
    assert_eq!(
        commands(&en),
        ["open \"x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles\""]
    );
    // No flag, not a protected place: ownership, the variants of every other OS.
    assert!(find(facts(0, 0, true), Lang::En).is_none());
    assert!(find(facts(0, 0, false), Lang::En).is_none());
    // EACCES ("permission denied") is never about flags.
    let eacces = PermFacts {
        eperm: false,
        ..facts(UF_IMMUTABLE, 0, true)
    };
    assert!(find(eacces, Lang::En).is_none());
}

/// On Linux "operation not permitted" keeps today's owner-based variants, even with the disk
/// inspected (a Linux context reading a Unix directory's owner: Unix hosts only).
#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn eperm_elsewhere_keeps_the_ownership_variants() {
    let dir = std::env::temp_dir().join(format!("gcd-eperm-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut ctx = linux();
    ctx.inspect_disk = true;
    let text = format!(
        "rm: cannot remove '{}': Operation not permitted\n",
        dir.display()
    );
    let f = one(&text, &ctx);
    assert_eq!(f.id, "permission-denied");
    assert_eq!(f.variant.as_deref(), Some("read-only-cache"));
    let _ = std::fs::remove_dir(&dir);
}

/// Windows (Git Bash's `rm` in the module cache): the read-only advice speaks of Windows too
/// and its whole-cache command is a PowerShell one that removes read-only files
/// (`Remove-Item -Force`), quoted for PowerShell; no cmd command (`rmdir` refuses them).
#[test]
fn read_only_cache_on_windows_gets_a_powershell_command() {
    let mut ctx = Context::for_os(OsKind::Windows);
    ctx.gomodcache = Some(r"C:\Users\ann\go\pkg\mod".into());
    let text = "rm: cannot remove 'C:/Users/ann/go/pkg/mod/example.com/m@v1.0.0/go.mod': \
                Permission denied\n";
    let f = one(text, &ctx);
    assert_eq!(f.id, "permission-denied");
    assert_eq!(f.variant.as_deref(), Some("read-only-cache"));
    assert!(
        f.explanation.contains("read-only attribute"),
        "{}",
        f.explanation
    );
    let ps: Vec<&str> = f
        .fixes
        .iter()
        .filter(|x| x.shell == Some(Shell::Powershell))
        .map(|x| x.text.as_str())
        .collect();
    assert!(
        ps.contains(&r"Remove-Item -Recurse -Force 'C:\Users\ann\go\pkg\mod'"),
        "{ps:?}"
    );
    assert!(
        f.fixes.iter().all(|x| x.shell != Some(Shell::Bash)),
        "{:?}",
        f.fixes
    );
}

const DL: &str = "h1:o85ZTROBKK132h1+zZX20Zr23MYJKy/FasGm8iW7pBA=";
const SUM: &str = "h1:X85ZTROBKK132h1+zZX20Zr23MYJKy/FasGm8iW7pBA=";

fn gosum_mismatch(module: &str) -> String {
    format!(
        "verifying {module}@v1.0.0: checksum mismatch\n\tdownloaded: {DL}\n\tgo.sum:     \
         {SUM}\n\nSECURITY ERROR\nThis download does NOT match an earlier download recorded \
         in go.sum.\n"
    )
}

fn commands(f: &Finding) -> Vec<&str> {
    f.fixes.iter().map(|x| x.text.as_str()).collect()
}

/// A go.sum checksum mismatch shows both hashes and offers one-version fixes, never a wipe
/// of the whole module cache, in both languages.
#[test]
fn gosum_mismatch_shows_both_hashes_and_one_version_fixes() {
    let text = gosum_mismatch("example.com/m");
    for lang in [Lang::En, Lang::ZhHans] {
        let f = one(&text, &linux().with_lang(lang));
        assert_eq!(f.variant.as_deref(), Some("go-sum"));
        assert!(
            f.explanation.contains(DL) && f.explanation.contains(SUM),
            "{}",
            f.explanation
        );
        let c = commands(&f);
        assert!(!c.iter().any(|c| c.contains("clean -modcache")), "{c:?}");
        assert!(
            c.contains(&"gocache-doctor clean --module example.com/m@v1.0.0"),
            "{c:?}"
        );
        assert!(c.contains(&"go mod download example.com/m@v1.0.0"), "{c:?}");
        assert!(c.contains(&"gocache-doctor verify --project . --compare-proxy"));
        assert!(c.contains(&"clean-version:example.com/m@v1.0.0"));
    }
    let zh = one(&text, &linux().with_lang(Lang::ZhHans));
    assert!(
        zh.explanation.contains("只需删除这一个版本"),
        "{}",
        zh.explanation
    );
    // A module path that needs quoting is quoted, not pasted raw.
    let f = one(&gosum_mismatch("example.com/a$b"), &linux());
    assert!(
        !commands(&f).iter().any(|c| c.contains("a$b")),
        "{:?}",
        commands(&f)
    );
    // The checksum-database form: the database's hash, one-version fixes.
    let sumdb = format!(
        "verifying example.com/m@v1.0.0: checksum mismatch\n\tdownloaded: {DL}\n\t\
         sum.golang.org: {SUM}\n\nSECURITY ERROR\nThis download does NOT match the one \
         reported by the checksum server.\n"
    );
    let f = one(&sumdb, &linux());
    assert_eq!(f.variant.as_deref(), Some("sumdb"));
    assert!(f.explanation.contains(DL) && f.explanation.contains(SUM));
    assert!(!commands(&f).iter().any(|c| c.contains("clean -modcache")));
    // Malformed hashes are not shown.
    let f = one(
        "verifying example.com/m@v1.0.0: checksum mismatch\n\tdownloaded: h1:<b>\n",
        &linux(),
    );
    assert!(!f.explanation.contains("<b>"), "{}", f.explanation);
}

/// With the module cache at hand, the cause is told apart by what it holds: nothing (Go
/// discarded the download: go.sum is wrong or upstream changed), an intact copy, a corrupted one.
#[test]
fn gosum_mismatch_cause_comes_from_the_cache() {
    use std::io::Write;
    let d = tempfile::tempdir().unwrap();
    let mut ctx = linux();
    ctx.gomodcache = Some(d.path().display().to_string());
    ctx.inspect_disk = true;
    let text = gosum_mismatch("example.com/m");
    let f = one(&text, &ctx);
    assert_eq!(f.variant.as_deref(), Some("go-sum-not-cached"));
    assert!(f.explanation.contains("discarded") && f.explanation.contains(SUM));
    assert!(!commands(&f).iter().any(|c| c.starts_with("clean-version")));
    let zh = one(&text, &ctx.clone().with_lang(Lang::ZhHans));
    assert!(zh.explanation.contains("丢弃") && zh.explanation.contains(DL));

    let at = d.path().join("cache/download/example.com/m/@v");
    std::fs::create_dir_all(&at).unwrap();
    let zip = at.join("v1.0.0.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip).unwrap());
    z.start_file(
        "example.com/m@v1.0.0/go.mod",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    z.write_all(b"module example.com/m\n").unwrap();
    z.finish().unwrap();
    let (h, _) = crate::dirhash::hash_zip(
        &zip,
        &crate::dirhash::ZipLimits::default(),
        &|_| {},
        &crate::CancelToken::new(),
    )
    .unwrap();
    std::fs::write(at.join("v1.0.0.ziphash"), &h).unwrap();
    let f = one(&text, &ctx);
    assert_eq!(f.variant.as_deref(), Some("go-sum-cache-intact"));
    assert!(f.explanation.contains(&h) && f.explanation.contains(SUM));
    assert_eq!(
        commands(&f)[0],
        "gocache-doctor verify --project . --compare-proxy"
    );

    let recorded = crate::dirhash::hash_gomod(b"what Go downloaded");
    std::fs::write(at.join("v1.0.0.ziphash"), &recorded).unwrap();
    for lang in [Lang::En, Lang::ZhHans] {
        let f = one(&text, &ctx.clone().with_lang(lang));
        assert_eq!(f.variant.as_deref(), Some("go-sum-cache-corrupted"));
        assert!(
            f.explanation.contains(&h) && f.explanation.contains(&recorded),
            "{}",
            f.explanation
        );
        assert_eq!(
            commands(&f)[..3],
            [
                "clean-version:example.com/m@v1.0.0",
                "gocache-doctor clean --module example.com/m@v1.0.0",
                "go mod download example.com/m@v1.0.0"
            ]
        );
    }
}
