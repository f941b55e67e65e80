//! Comparing a go.sum line with what the module proxy serves (issue #15): the answer to a
//! go.sum line the cache cannot confirm (the version is not downloaded) and the evidence that
//! tells "go.sum is wrong" from "the cache holds other content".
//!
//! GOPROXY is followed as Go follows it (`go help goproxy`): entries separated by `,` (the next
//! one only after "not found") or `|` (the next one after any error). A `file://` proxy is read
//! directly; an `http(s)://` proxy is asked through `go mod download -json` in a throw-away
//! module cache, so Go's own client, credentials (.netrc, GOAUTH) and, where GOSUMDB allows,
//! the checksum database apply. `off`, `direct` and modules matching GONOPROXY (which defaults
//! to GOPRIVATE) are never sent to a proxy: the answer is then "cannot check", with the reason.
//! Proxy URLs are shown through [`crate::redact`], so user info never appears.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::msg::Msg;
use super::project::match_prefix_patterns;
use crate::discover::Report;
use crate::env::EnvMap;
use crate::gocmd::{Ending, RunError, run_bounded};
use crate::{CancelToken, dirhash, escape, redact};

/// What the proxy said about one go.sum line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ProxyVerdict"))]
pub enum ProxyVerdict {
    /// The proxy serves content with the go.sum hash.
    Same,
    /// The proxy serves content with another hash: Go fails on this line.
    Differs,
    /// No proxy in GOPROXY has this version.
    NotFound,
    /// The comparison was not possible (GOPROXY=off, `direct`, a private module, an error).
    CannotCheck,
}

/// The comparison of one go.sum line with the proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProxyCheck {
    /// The verdict.
    pub verdict: ProxyVerdict,
    /// The `h1:` of what the proxy serves, when fetched.
    pub proxy_hash: Option<String>,
    /// The proxy asked (credentials hidden), when one was.
    pub proxy: Option<String>,
    /// Whether Go also checked the content against the checksum database (an `https` proxy
    /// with GOSUMDB on and the module not in GONOSUMDB/GOPRIVATE).
    pub sumdb_checked: bool,
    /// A sentence for people: what was compared, or why nothing could be (the English of
    /// `note_msg`).
    pub note: String,
    /// `note` as a message, for the app to show in the user's language.
    pub note_msg: Msg,
}

impl ProxyCheck {
    fn cannot(note: Msg) -> Self {
        Self {
            verdict: ProxyVerdict::CannotCheck,
            proxy_hash: None,
            proxy: None,
            sumdb_checked: false,
            note: note.english(),
            note_msg: note,
        }
    }
}

/// The settings the comparison follows, read from a discovery report.
#[derive(Debug, Clone)]
pub(crate) struct ProxySettings {
    goproxy: String,
    gonoproxy: String,
    gonosumdb: String,
    gosumdb: String,
}

impl ProxySettings {
    pub(crate) fn from_report(report: &Report) -> Self {
        let v = |n: &str| {
            report
                .vars
                .get(n)
                .map(|v| v.value.clone())
                .unwrap_or_default()
        };
        let private = v("GOPRIVATE");
        let or_private = |s: String| if s.is_empty() { private.clone() } else { s };
        let goproxy = v("GOPROXY");
        Self {
            goproxy: if goproxy.is_empty() {
                "https://proxy.golang.org,direct".into()
            } else {
                goproxy
            },
            gonoproxy: or_private(v("GONOPROXY")),
            gonosumdb: or_private(v("GONOSUMDB")),
            gosumdb: v("GOSUMDB"),
        }
    }
}

/// How to reach a proxy over HTTP: the `go` binary and the environment to run it in.
#[derive(Debug, Clone)]
pub struct GoRunner {
    /// The `go` binary.
    pub go: PathBuf,
    /// Its environment (the user's; GOMODCACHE, GOFLAGS, GOWORK, GOTOOLCHAIN are overridden).
    pub env: EnvMap,
}

/// One GOPROXY entry and whether a failure other than "not found" falls through (`|`).
fn entries(list: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = list;
    while !rest.is_empty() {
        let cut = rest.find([',', '|']).unwrap_or(rest.len());
        let (e, tail) = rest.split_at(cut);
        let pipe = tail.starts_with('|');
        let e = e.trim();
        if !e.is_empty() {
            out.push((e.to_owned(), pipe));
        }
        rest = tail.get(1..).unwrap_or("");
    }
    out
}

/// The local directory of a `file://` URL.
fn file_url_dir(url: &str) -> Option<PathBuf> {
    let p = url.strip_prefix("file://")?;
    // file:///C:/dir on Windows: drop the slash before the drive letter.
    let b = p.as_bytes();
    if b.len() > 3 && b[0] == b'/' && b[2] == b':' && b[1].is_ascii_alphabetic() {
        return Some(PathBuf::from(&p[1..]));
    }
    Some(PathBuf::from(p))
}

enum Fetch {
    Hash(String),
    NotFound,
    /// A failure said by one of our messages.
    Failed(Msg),
    /// A failure in the words of the OS or Go.
    Error(String),
}

fn fetch_file(dir: &Path, path: &str, version: &str, go_mod: bool, cancel: &CancelToken) -> Fetch {
    let (Ok(ep), Ok(ev)) = (escape::escape(path), escape::escape(version)) else {
        return Fetch::Error("the module path or version cannot be escaped".into());
    };
    let at = crate::modpath::join_slashed(dir, &format!("{ep}/@v"));
    if go_mod {
        let f = at.join(format!("{ev}.mod"));
        match dirhash::read_regular(&f, 16 << 20) {
            Ok(c) => Fetch::Hash(dirhash::hash_gomod(&c)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Fetch::NotFound,
            Err(e) => Fetch::Error(e.to_string()),
        }
    } else {
        let f = at.join(format!("{ev}.zip"));
        if !f.exists() {
            return Fetch::NotFound;
        }
        match dirhash::hash_zip(&f, &dirhash::ZipLimits::default(), &|_| {}, cancel) {
            Ok((h, _)) => Fetch::Hash(h),
            Err(e) => Fetch::Error(e.to_string()),
        }
    }
}

/// `go mod download -json` output (the fields used).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Downloaded {
    #[serde(default)]
    sum: Option<String>,
    #[serde(default)]
    go_mod_sum: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

fn fetch_go(
    runner: &GoRunner,
    proxy: &str,
    sumdb: bool,
    path: &str,
    version: &str,
    go_mod: bool,
    cancel: &CancelToken,
) -> Fetch {
    let Ok(tmp) = tempfile::tempdir() else {
        return Fetch::Error("cannot create a temporary directory".into());
    };
    let mut cmd = Command::new(&runner.go);
    cmd.current_dir(tmp.path()).env_clear();
    for (k, v) in runner.env.iter() {
        cmd.env(k, v);
    }
    cmd.env("GOMODCACHE", tmp.path().join("mod"))
        .env("GOFLAGS", "-modcacherw")
        .env("GOWORK", "off")
        .env("GO111MODULE", "on")
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", proxy);
    if !sumdb {
        cmd.env("GOSUMDB", "off");
    }
    cmd.arg("mod").arg("download").arg("-json");
    cmd.arg(format!("{path}@{version}"));
    // No time limit of our own (go has its network time-outs); a cancel ends it.
    let out = match run_bounded(&mut cmd, usize::MAX, Duration::MAX, Some(cancel)) {
        Ok(o) => o,
        Err(RunError::Start(e) | RunError::Wait(e)) => {
            return Fetch::Error(format!("cannot run go: {e}"));
        }
    };
    match out.ending {
        Ending::Exited(_) => {}
        Ending::Cancelled => return Fetch::Error("cancelled".into()),
        Ending::TimedOut => return Fetch::Error("timed out".into()),
    }
    let d: Option<Downloaded> = serde_json::from_slice(&out.stdout).ok();
    match d {
        Some(Downloaded { error: Some(e), .. }) => {
            if e.contains("404") || e.contains("410") || e.contains("not found") {
                Fetch::NotFound
            } else {
                Fetch::Error(redact::text(&e))
            }
        }
        Some(d) => match if go_mod { d.go_mod_sum } else { d.sum } {
            Some(h) => Fetch::Hash(h),
            None => Fetch::Error("go mod download gave no checksum".into()),
        },
        None => Fetch::Error(redact::text(String::from_utf8_lossy(&out.stderr).trim())),
    }
}

/// Compares the go.sum hash `gosum` of `path@version` (its `/go.mod` line when `go_mod`) with
/// what the proxies in GOPROXY serve. `runner` is needed for `http(s)` proxies only.
pub(crate) fn compare(
    settings: &ProxySettings,
    runner: Option<&GoRunner>,
    path: &str,
    version: &str,
    go_mod: bool,
    gosum: &str,
    cancel: &CancelToken,
) -> ProxyCheck {
    if let Some(g) = match_prefix_patterns(&settings.gonoproxy, path) {
        return ProxyCheck::cannot(Msg::new(
            "proxy.gonoproxy",
            &[("module", path.to_owned()), ("pattern", g)],
        ));
    }
    let sumdb =
        settings.gosumdb != "off" && match_prefix_patterns(&settings.gonosumdb, path).is_none();
    let mut last_err: Option<Msg> = None;
    for (entry, pipe) in entries(&settings.goproxy) {
        let shown = redact::text(&entry);
        let failed = |id: &str| Msg::new(id, &[("proxy", shown.clone())]);
        let fetched = match entry.as_str() {
            "off" => {
                return ProxyCheck::cannot(last_err.unwrap_or_else(|| Msg::new("proxy.off", &[])));
            }
            "direct" => {
                return ProxyCheck::cannot(
                    last_err.unwrap_or_else(|| Msg::new("proxy.direct", &[])),
                );
            }
            e if e.starts_with("file://") => match file_url_dir(e) {
                Some(dir) => (fetch_file(&dir, path, version, go_mod, cancel), false),
                None => (Fetch::Failed(failed("proxy.not-file-url")), false),
            },
            e if e.starts_with("https://") || e.starts_with("http://") => match runner {
                Some(r) => (fetch_go(r, e, sumdb, path, version, go_mod, cancel), sumdb),
                None => (Fetch::Failed(failed("proxy.no-go")), false),
            },
            _ => (Fetch::Failed(failed("proxy.bad-url")), false),
        };
        match fetched {
            (Fetch::Hash(h), sumdb_checked) => {
                let same = h == gosum;
                let id = match (same, sumdb_checked) {
                    (true, false) => "proxy.same",
                    (true, true) => "proxy.same-sumdb",
                    (false, false) => "proxy.differs",
                    (false, true) => "proxy.differs-sumdb",
                };
                let note = Msg::new(
                    id,
                    &[
                        ("proxy", shown.clone()),
                        ("hash", h.clone()),
                        ("gosum", gosum.to_owned()),
                    ],
                );
                return ProxyCheck {
                    verdict: if same {
                        ProxyVerdict::Same
                    } else {
                        ProxyVerdict::Differs
                    },
                    note: note.english(),
                    note_msg: note,
                    proxy_hash: Some(h),
                    proxy: Some(shown),
                    sumdb_checked,
                };
            }
            (Fetch::NotFound, _) => {
                last_err = Some(Msg::new(
                    "proxy.not-found",
                    &[
                        ("proxy", shown),
                        ("module", path.to_owned()),
                        ("version", version.to_owned()),
                    ],
                ));
            }
            (Fetch::Failed(e), _) => {
                if !pipe {
                    return ProxyCheck::cannot(e);
                }
                last_err = Some(e);
            }
            (Fetch::Error(e), _) => {
                let msg = Msg::new("proxy.failed", &[("proxy", shown), ("error", e)]);
                if !pipe {
                    return ProxyCheck::cannot(msg);
                }
                last_err = Some(msg);
            }
        }
    }
    match last_err {
        Some(e) if e.id == "proxy.not-found" => ProxyCheck {
            verdict: ProxyVerdict::NotFound,
            proxy_hash: None,
            proxy: None,
            sumdb_checked: false,
            note: e.english(),
            note_msg: e,
        },
        Some(e) => ProxyCheck::cannot(e),
        None => ProxyCheck::cannot(Msg::new("proxy.none", &[])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(goproxy: &str, private: &str) -> ProxySettings {
        ProxySettings {
            goproxy: goproxy.into(),
            gonoproxy: private.into(),
            gonosumdb: private.into(),
            gosumdb: "off".into(),
        }
    }

    /// A file:// proxy holding `example.com/m@v1.0.0` (go.mod and zip).
    fn proxy() -> (tempfile::TempDir, String, String) {
        use std::io::Write;
        let d = tempfile::tempdir().unwrap();
        let at = d.path().join("example.com/m/@v");
        std::fs::create_dir_all(&at).unwrap();
        std::fs::write(at.join("v1.0.0.mod"), "module example.com/m\n").unwrap();
        let f = std::fs::File::create(at.join("v1.0.0.zip")).unwrap();
        let mut z = zip::ZipWriter::new(f);
        z.start_file(
            "example.com/m@v1.0.0/go.mod",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        z.write_all(b"module example.com/m\n").unwrap();
        z.finish().unwrap();
        let (zh, _) = dirhash::hash_zip(
            &at.join("v1.0.0.zip"),
            &dirhash::ZipLimits::default(),
            &|_| {},
            &CancelToken::new(),
        )
        .unwrap();
        let url = format!("file://{}", d.path().display());
        (d, url, zh)
    }

    #[test]
    fn file_proxy_same_differs_and_missing() {
        let (_d, url, zh) = proxy();
        let c = CancelToken::new();
        let s = settings(&format!("{url},direct"), "");
        let same = compare(&s, None, "example.com/m", "v1.0.0", false, &zh, &c);
        assert_eq!(same.verdict, ProxyVerdict::Same, "{same:?}");
        let gm = dirhash::hash_gomod(b"module example.com/m\n");
        let same_mod = compare(&s, None, "example.com/m", "v1.0.0", true, &gm, &c);
        assert_eq!(same_mod.verdict, ProxyVerdict::Same);
        let wrong = dirhash::hash_gomod(b"x");
        let d = compare(&s, None, "example.com/m", "v1.0.0", false, &wrong, &c);
        assert_eq!(d.verdict, ProxyVerdict::Differs);
        assert_eq!(d.proxy_hash.as_deref(), Some(zh.as_str()));
        assert!(d.note.contains(&wrong), "{}", d.note);
        // Not in the proxy, then `direct`: cannot check, saying the proxy lacks it.
        let n = compare(&s, None, "example.com/m", "v9.0.0", false, &wrong, &c);
        assert_eq!(n.verdict, ProxyVerdict::CannotCheck, "{n:?}");
        assert!(n.note.contains("does not have"), "{}", n.note);
        // Only that proxy: not found.
        let only = settings(&url, "");
        let n = compare(&only, None, "example.com/m", "v9.0.0", false, &wrong, &c);
        assert_eq!(n.verdict, ProxyVerdict::NotFound, "{n:?}");
    }

    #[test]
    fn off_direct_and_private_are_never_asked() {
        let (_d, url, zh) = proxy();
        let c = CancelToken::new();
        for (gp, private, says) in [
            ("off", "", "GOPROXY=off"),
            ("direct", "", "direct"),
            (url.as_str(), "example.com", "GONOPROXY/GOPRIVATE"),
        ] {
            let r = compare(
                &settings(gp, private),
                None,
                "example.com/m",
                "v1.0.0",
                false,
                &zh,
                &c,
            );
            assert_eq!(r.verdict, ProxyVerdict::CannotCheck, "{gp}: {r:?}");
            assert!(r.note.contains(says), "{gp}: {}", r.note);
            assert!(r.proxy.is_none());
        }
    }

    #[test]
    fn https_without_go_cannot_check_and_hides_userinfo() {
        let s = settings("https://user:s3cret@proxy.example.com", "");
        let r = compare(
            &s,
            None,
            "example.com/m",
            "v1.0.0",
            false,
            "h1:x",
            &CancelToken::new(),
        );
        assert_eq!(r.verdict, ProxyVerdict::CannotCheck);
        assert!(
            !r.note.contains("s3cret") && !r.note.contains("user:"),
            "{}",
            r.note
        );
        assert!(r.note.contains("proxy.example.com"), "{}", r.note);
    }

    #[test]
    fn proxy_list_is_split_like_go() {
        assert_eq!(
            entries("a,b|c"),
            vec![
                ("a".to_owned(), false),
                ("b".to_owned(), true),
                ("c".to_owned(), false)
            ]
        );
    }
}
