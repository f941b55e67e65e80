//! Issue #12 item 6, performed for real: pasted `go` output carrying shell code in a module
//! path, a version or a file path. Every fix the doctor writes for bash is run in a real
//! `bash -c` inside a sandbox whose `go`, `sudo`, `chmod`, `rm`, ... record their arguments
//! (`gocache_tests::shell`), with the real `touch` on PATH: each program must get exactly the
//! arguments the reference splitter reads from the line, the pasted value (a path) must arrive
//! as one literal argument, and nothing may appear in the working directory. The PowerShell and
//! cmd fixes are read back with reference splitters.

use gocache_core::diagnose::{self, Context, Diagnosis, Finding, FixKind, Shell};
use gocache_core::modpath;
use gocache_core::os::OsKind;
use gocache_tests::shell::{self, Sandbox};

/// Shell code to hide in a module path or version.
const PAYLOADS: [&str; 11] = [
    ";touch${IFS}x",
    "$(touch${IFS}x)",
    "`touch${IFS}x`",
    "|touch${IFS}x",
    "&&touch${IFS}x",
    "';touch${IFS}x;'",
    "\u{2018};touch${IFS}x;\u{2019}",
    "%PATH%",
    "!PATH!^",
    "\";touch${IFS}x;\"",
    "\u{201B}$(touch${IFS}x)\u{201A}",
];

/// Fragments that are the templates' own shell syntax, read as one word by the Windows
/// reference splitters.
const WINDOWS_TEMPLATE_SYNTAX: [&str; 2] =
    ["\"${env:USERNAME}:(OI)(CI)F\"", "\"%USERNAME%:(OI)(CI)F\""];

fn linux() -> Context {
    Context::for_os(OsKind::Linux)
}

fn windows() -> Context {
    Context::for_os(OsKind::Windows)
}

/// Runs every bash fix of `d` in a fresh sandbox: the calls must be those the reference
/// splitter reads, no argument may carry `touch` (except the pasted path itself, `literal`,
/// arriving whole), and the working directory stays empty. Returns every call made.
fn run_bash_fixes(d: &Diagnosis) -> Vec<Vec<String>> {
    run_bash_fixes_with(d, None)
}

fn run_bash_fixes_with(d: &Diagnosis, literal: Option<&str>) -> Vec<Vec<String>> {
    let sb = Sandbox::new();
    let mut all = Vec::new();
    for f in &d.findings {
        for x in f.fixes.iter().filter(|x| x.shell == Some(Shell::Bash)) {
            let want = shell::expected_bash_calls(&x.text).unwrap_or_else(|| {
                panic!(
                    "{}: the fix {:?} would expand or run something in bash",
                    f.id, x.text
                )
            });
            let ran = sb.run_bash(&x.text);
            assert_eq!(ran.status, Some(0), "{ran:#?}");
            assert_eq!(ran.calls, want, "{}: {:?}", f.id, x.text);
            for call in &ran.calls {
                assert!(
                    !call
                        .iter()
                        .any(|a| a.contains("touch") && literal.is_none_or(|l| !a.starts_with(l))),
                    "{}: {:?} passed shell code on: {call:?}",
                    f.id,
                    x.text
                );
            }
            assert!(
                sb.work_entries().is_empty(),
                "{:?} created {:?}",
                x.text,
                sb.work_entries()
            );
            all.extend(ran.calls);
        }
    }
    all
}

/// Reads every PowerShell and cmd fix of `d` that carries `marker` (a pasted value) with the
/// reference splitters (the templates' own syntax blanked first): each must read back, and the
/// words are returned per fix.
fn windows_words(d: &Diagnosis, marker: &str) -> Vec<(Shell, String, Vec<Vec<String>>)> {
    let mut out = Vec::new();
    for f in &d.findings {
        for x in f
            .fixes
            .iter()
            .filter(|x| x.kind == FixKind::Command && x.text.contains(marker))
        {
            let shell = x.shell.unwrap_or(Shell::Bash);
            let mut line = x.text.clone();
            for frag in WINDOWS_TEMPLATE_SYNTAX {
                line = line.replace(frag, "TEMPLATE");
            }
            let parts: Option<Vec<Vec<String>>> = line
                .split(" && ")
                .flat_map(|p| p.split("; "))
                .map(|p| match shell {
                    Shell::Powershell => shell::powershell_split(p),
                    Shell::Cmd => shell::cmd_split(p),
                    Shell::Bash => shell::posix_split(p),
                })
                .collect();
            let parts = parts.unwrap_or_else(|| {
                panic!("{}: {shell:?} fix {:?} does not read back", f.id, x.text)
            });
            out.push((shell, x.text.clone(), parts));
        }
    }
    out
}

fn no_fix_mentions(d: &Diagnosis, needle: &str) {
    for f in &d.findings {
        for x in &f.fixes {
            assert!(
                !x.text.contains(needle),
                "{}: fix {:?} carries {needle:?}",
                f.id,
                x.text
            );
        }
    }
}

fn only(d: &Diagnosis, id: &str) -> Finding {
    let f: Vec<&Finding> = d.findings.iter().filter(|f| f.id == id).collect();
    assert_eq!(f.len(), 1, "{:#?}", d.findings);
    f[0].clone()
}

#[test]
fn the_issue_paste_gives_no_command_with_its_module() {
    let text = "go: example.com/m;touch${IFS}x@v1.0.0: reading https://goproxy.example/example.com/m;touch${IFS}x/@v/v1.0.0.zip: 404 Not Found\n";
    let d = diagnose::diagnose(text, &linux());
    let f = only(&d, "proxy-gone");
    assert_eq!(
        f.module, None,
        "an invalid module path is not a finding's module"
    );
    assert_eq!(f.version.as_deref(), Some("v1.0.0"));
    assert!(
        f.explanation
            .contains("example.com/m;touch${IFS}x@v1.0.0\u{201d} (not a valid module path"),
        "{}",
        f.explanation
    );
    no_fix_mentions(&d, "touch");
    assert!(
        !f.fixes
            .iter()
            .any(|x| x.text.starts_with("go list -m -versions")),
        "{:#?}",
        f.fixes
    );
    // What is left is generic and runs as written.
    let calls = run_bash_fixes(&d);
    assert!(calls.contains(&vec![
        "go".to_owned(),
        "env".to_owned(),
        "GOPROXY".to_owned(),
        "GOPRIVATE".to_owned(),
        "GONOPROXY".to_owned()
    ]));
    // The Chinese explanation marks it too.
    let zh = diagnose::diagnose(text, &linux().with_lang(gocache_core::i18n::Lang::ZhHans));
    assert!(
        only(&zh, "proxy-gone")
            .explanation
            .contains("不是有效的模块路径"),
        "{:#?}",
        zh.findings
    );
}

#[test]
fn shell_code_in_module_paths_never_reaches_a_command() {
    for p in PAYLOADS {
        let module = format!("example.com/m{p}");
        let texts = [
            format!(
                "go: {module}@v1.0.0: reading https://goproxy.example/{module}/@v/v1.0.0.zip: 404 Not Found\n"
            ),
            format!(
                "verifying {module}@v1.0.0: checksum mismatch\n\tdownloaded: h1:a\n\tgo.sum:     h1:b\n\nSECURITY ERROR\n"
            ),
            format!("go: {module}@v1.0.0: invalid version: unknown revision v1.0.0\n"),
            format!(
                "main.go:3:8: no required module provides package {module}; to add it:\n\tgo get {module}\n"
            ),
            format!("go: {module}@v1.0.0: verifying module: missing GOSUMDB\n"),
            format!(
                "go: {module}@v1.0.0: git ls-remote -q origin in /tmp/x: exit status 128:\n\tfatal: could not read Username for 'https://example.com': terminal prompts disabled\n"
            ),
        ];
        for text in &texts {
            for ctx in [linux(), windows()] {
                let d = diagnose::diagnose(text, &ctx);
                for f in &d.findings {
                    if let Some(m) = &f.module {
                        assert!(
                            modpath::check_import_path(m).is_ok(),
                            "{p}: finding module {m:?}"
                        );
                    }
                }
                no_fix_mentions(&d, "touch");
                no_fix_mentions(&d, p);
                if ctx.os == OsKind::Linux {
                    run_bash_fixes(&d);
                } else {
                    // The module's own commands are gone; the others read back.
                    assert!(windows_words(&d, "example.com").is_empty());
                    windows_words(&d, "go ");
                }
            }
        }
    }
}

#[test]
fn a_pasted_newline_does_not_carry_a_command_over() {
    let text = "go: example.com/m\ntouch x@v1.0.0: reading https://goproxy.example/example.com/m\ntouch x/@v/v1.0.0.zip: 404 Not Found\n";
    let d = diagnose::diagnose(text, &linux());
    no_fix_mentions(&d, "touch");
    run_bash_fixes(&d);
}

#[test]
fn shell_code_in_versions_keeps_the_module_commands_only() {
    for p in PAYLOADS {
        let version = format!("v1.0.0{p}");
        let text = format!(
            "go: example.com/m@{version}: reading https://goproxy.example/example.com/m/@v/{version}.zip: 404 Not Found\n"
        );
        let d = diagnose::diagnose(&text, &linux());
        let f = only(&d, "proxy-gone");
        assert_eq!(f.module.as_deref(), Some("example.com/m"), "{p}");
        assert_eq!(f.version, None, "{p}");
        assert!(
            f.explanation.contains("not a valid module version"),
            "{p}: {}",
            f.explanation
        );
        no_fix_mentions(&d, "touch");
        let calls = run_bash_fixes(&d);
        assert!(
            calls.contains(&vec![
                "go".to_owned(),
                "list".to_owned(),
                "-m".to_owned(),
                "-versions".to_owned(),
                "example.com/m".to_owned()
            ]),
            "{p}: {calls:?}"
        );
        // The checksum case: neither the one-click clean nor `go mod download` for it.
        let sum = format!(
            "verifying example.com/m@{version}: checksum mismatch\n\tdownloaded: h1:a\n\tgo.sum:     h1:b\n\nSECURITY ERROR\n"
        );
        let d = diagnose::diagnose(&sum, &linux());
        let f = only(&d, "checksum-mismatch");
        assert!(
            !f.fixes
                .iter()
                .any(|x| x.text.starts_with("clean-version:")
                    || x.text.starts_with("go mod download")),
            "{p}: {:#?}",
            f.fixes
        );
        run_bash_fixes(&d);
    }
}

#[test]
fn shell_code_in_paths_arrives_as_one_literal_argument() {
    for p in PAYLOADS {
        // other-owner: `sudo chown -R "$(id -un)" <modcache>`.
        let root = format!("/tmp/gcd {p} x/go/pkg/mod");
        let text = format!(
            "go: unlinkat {root}/cache/download/example.com/m/@v/v1.0.0.lock: permission denied\n"
        );
        let d = diagnose::diagnose(&text, &linux());
        let f = only(&d, "permission-denied");
        assert_eq!(f.variant.as_deref(), Some("other-owner"));
        let calls = run_bash_fixes_with(&d, Some(&root));
        assert!(
            calls.contains(&vec![
                "sudo".to_owned(),
                "chown".to_owned(),
                "-R".to_owned(),
                "user".to_owned(),
                root.clone()
            ]),
            "{p}: {calls:?}"
        );

        // Windows: PowerShell quotes it as one word; cmd leaves out what it cannot quote.
        let wroot = format!("C:\\Users\\gcd {p} x\\go\\pkg\\mod");
        let text = format!(
            "go: remove {wroot}\\example.com\\m@v1.0.0\\a.go: The process cannot access the file because it is being used by another process.\n"
        );
        let d = diagnose::diagnose(&text, &windows());
        let f = only(&d, "file-locked");
        assert!(
            f.path.as_deref().is_some_and(|x| x.starts_with(&wroot)),
            "{f:#?}"
        );
        let mut carried = 0;
        for (shell, line, parts) in windows_words(&d, "gcd") {
            if line.contains("gcd") {
                carried += 1;
                assert!(
                    parts.iter().flatten().any(|w| w.starts_with(&wroot)),
                    "{p}: {shell:?} {line:?} -> {parts:?}"
                );
            }
        }
        let chown = diagnose::diagnose(
            &format!("go: unlinkat {wroot}\\cache\\lock: permission denied\n"),
            &{
                let mut c = windows();
                c.gomodcache = Some(wroot.clone());
                c
            },
        );
        for (shell, line, parts) in windows_words(&chown, "gcd") {
            if line.contains("gcd") {
                carried += 1;
                assert!(
                    parts.iter().flatten().any(|w| w == &wroot),
                    "{p}: {shell:?} {line:?} -> {parts:?}"
                );
            }
        }
        let cmd_safe = !p.contains(['%', '!', '^', '"']);
        let ps_safe = !p.contains('"');
        if cmd_safe || ps_safe {
            assert!(carried > 0, "{p}: no Windows fix carries the path");
        }
        if !cmd_safe {
            for x in chown.findings.iter().flat_map(|f| &f.fixes) {
                assert!(
                    !(x.shell == Some(Shell::Cmd) && x.text.contains("gcd")),
                    "{p}: cmd fix {:?}",
                    x.text
                );
            }
        }
        // read-only-cache: `chmod -R u+w <modcache> && rm -rf <modcache>` (rm's own quoting
        // of a name with `'` is not what the recognizer reads: those payloads skip this part).
        if !p.contains('\'') {
            let text = format!(
                "rm: cannot remove '{root}/example.com/m@v1.0.0/go.mod': Permission denied\n"
            );
            let d = diagnose::diagnose(&text, &linux());
            let f = only(&d, "permission-denied");
            assert_eq!(f.variant.as_deref(), Some("read-only-cache"), "{p}");
            let calls = run_bash_fixes_with(&d, Some(&root));
            for want in [
                vec![
                    "chmod".to_owned(),
                    "-R".to_owned(),
                    "u+w".to_owned(),
                    root.clone(),
                ],
                vec!["rm".to_owned(), "-rf".to_owned(), root.clone()],
            ] {
                assert!(calls.contains(&want), "{p}: {calls:?}");
            }
        }
    }
}

#[test]
fn every_corpus_fix_reads_back_and_runs_as_written() {
    // The legitimate output keeps working: every bash fix for every captured case is read by
    // the reference splitter the same way bash runs it (fixes with the templates' own
    // expansions, like "${TMPDIR:-/tmp}" or "$PWD", are left to the catalog tests).
    let sb = Sandbox::new();
    let mut ran = 0;
    for (sub, os) in [
        ("linux", OsKind::Linux),
        ("macos", OsKind::Macos),
        ("quoted", OsKind::Linux),
    ] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(sub);
        for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
            let path = e.unwrap_or_else(|e| panic!("{e}")).path();
            if path.extension().and_then(|x| x.to_str()) != Some("txt") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
            let d = diagnose::diagnose(&text, &Context::for_os(os));
            for x in d.findings.iter().flat_map(|f| &f.fixes) {
                if x.shell != Some(Shell::Bash) {
                    continue;
                }
                let Some(want) = shell::expected_bash_calls(&x.text) else {
                    assert!(
                        x.text.contains("${TMPDIR")
                            || x.text.contains("$(go env")
                            || x.text.contains("$HOME")
                            // The CI fixes' own `$PWD` (GOAUTH's git directory, the job's
                            // workspace when the text names none).
                            || x.text.contains("$PWD"),
                        "{path:?}: {:?} does not read back",
                        x.text
                    );
                    continue;
                };
                let got = sb.run_bash(&x.text);
                assert_eq!(got.calls, want, "{path:?}: {:?}", x.text);
                ran += 1;
            }
        }
    }
    assert!(ran > 20, "only {ran} corpus fixes ran");
    assert!(sb.work_entries().is_empty());
}
