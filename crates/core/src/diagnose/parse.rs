//! Recognizers: Go's error messages (as printed by go 1.13..1.27, `rm`, and Windows) to
//! [`Match`]es with the module, version and path they name.

use std::collections::BTreeMap;
use std::path::Path;

use super::{Context, owner};

/// A recognized message, before the catalog turns it into a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Match {
    pub id: &'static str,
    pub variant: Option<&'static str>,
    pub module: Option<String>,
    pub version: Option<String>,
    pub path: Option<String>,
    /// Further values for the explanation and fixes (`url`, `host`, `goversion`, `private`).
    pub extra: BTreeMap<&'static str, String>,
    /// Byte offset of the line in the text (findings keep the text's order).
    pub pos: usize,
}

impl Match {
    pub fn new(id: &'static str) -> Match {
        Match {
            id,
            variant: None,
            module: None,
            version: None,
            path: None,
            extra: BTreeMap::new(),
            pos: 0,
        }
    }

    fn at(mut self, pos: usize) -> Match {
        self.pos = pos;
        self
    }

    fn variant(mut self, v: &'static str) -> Match {
        self.variant = Some(v);
        self
    }

    fn modver(mut self, mv: Option<(String, String)>) -> Match {
        if let Some((m, v)) = mv {
            self.module = Some(m);
            self.version = Some(v);
        }
        self
    }

    fn path(mut self, p: Option<String>) -> Match {
        self.path = p;
        self
    }
}

/// Every match in `text`, in text order, merged per problem.
pub(crate) fn recognize(text: &str, ctx: &Context) -> Vec<Match> {
    let lines: Vec<(usize, &str)> = {
        let mut pos = 0;
        text.split_inclusive('\n')
            .map(|l| {
                let start = pos;
                pos += l.len();
                (start, l.trim_end_matches(['\r', '\n']))
            })
            .collect()
    };
    let mut out: Vec<Match> = Vec::new();
    let mut i = 0;
    while let Some(&(pos, line)) = lines.get(i) {
        let next = lines.get(i + 1..).unwrap_or_default();
        if let Some(m) = line_match(line, next, ctx) {
            out.push(m.at(pos));
        }
        i += 1;
    }
    // A SECURITY ERROR block without its "verifying" line (pasted partly).
    if !out.iter().any(|m| m.id == "checksum-mismatch")
        && let Some(pos) = text.find("SECURITY ERROR")
    {
        out.push(
            Match::new("checksum-mismatch")
                .variant(sec_variant(text))
                .at(pos),
        );
    }
    // tar's paths are relative to the directory of its `-C` (actions/cache: `tar -xf ... -P -C
    // <workspace>`): with the command line pasted above them, they name the real directory.
    for m in &mut out {
        if matches!(
            m.id,
            "cache-restore-over-readonly" | "toolchain-before-restore"
        ) && let Some(p) = m
            .path
            .as_deref()
            .and_then(|p| tar_path_in_dir(p, text.get(..m.pos)?))
        {
            m.path = Some(p);
        }
    }
    if let Some(pos) = text.find("toolchain not available")
        && !out.iter().any(|m| m.id == "toolchain-download-failed")
    {
        out.push(Match::new("toolchain-download-failed").at(pos));
    }
    merge(out)
}

/// `go.sum` (an earlier download recorded in go.sum) or `sumdb` (the checksum server).
fn sec_variant(text: &str) -> &'static str {
    if text.contains("checksum server") || text.contains("sum.golang.org:") {
        "sumdb"
    } else {
        "go-sum"
    }
}

/// Keeps one match per problem: repeated lines of one failure (rm's one line per file, a
/// message printed twice) collapse into the first.
fn merge(mut all: Vec<Match>) -> Vec<Match> {
    all.sort_by_key(|m| m.pos);
    let mut out: Vec<Match> = Vec::new();
    for m in all {
        let same = |o: &Match| {
            o.id == m.id
                && o.variant == m.variant
                && match m.id {
                    // One finding per cause, whatever the paths.
                    "permission-denied"
                    | "cache-restore-over-readonly"
                    | "toolchain-before-restore"
                    | "readonly-modcache-in-workspace"
                    | "goauth-failed"
                    | "file-locked"
                    | "disk-full"
                    | "gocache-off"
                    | "gomodcache-not-absolute"
                    | "toolchain-download-failed"
                    | "vendor-inconsistent"
                    | "not-recognized" => true,
                    // The same problem named on several lines (git's "fatal:" line after
                    // go's "m@v:" line): merge when one of them does not name the module.
                    _ => {
                        (o.module == m.module || o.module.is_none() || m.module.is_none())
                            && (o.path == m.path || o.path.is_none() || m.path.is_none())
                    }
                }
        };
        if let Some(o) = out.iter_mut().find(|o| same(o)) {
            // Keep the first, but learn a module/version a later line names.
            if o.module.is_none() {
                o.module = m.module;
                o.version = m.version;
            }
            continue;
        }
        out.push(m);
    }
    out
}

/// One line as the matchers see it: the text, its lowercase form, the lines after it, the
/// context, and the `m@v` of a `go: m@v: ...` prefix.
struct Line<'a> {
    text: &'a str,
    lower: String,
    next: &'a [(usize, &'a str)],
    ctx: &'a Context,
    gomv: Option<(String, String)>,
}

impl Line<'_> {
    fn has(&self, s: &str) -> bool {
        self.text.contains(s)
    }

    fn has_lower(&self, s: &str) -> bool {
        self.lower.contains(s)
    }

    /// Whether one of the `n` lines after this one contains one of `needles`.
    fn next_has(&self, n: usize, needles: &[&str]) -> bool {
        self.next
            .iter()
            .take(n)
            .any(|(_, l)| needles.iter().any(|s| l.contains(s)))
    }

    /// The URL on the line and the `m@v` of the `go:` prefix, or else the one the URL names
    /// (a proxy's `.../m/@v/v.info`).
    fn url_and_modver(&self) -> (Option<String>, Option<(String, String)>) {
        let url = url_in(self.text);
        let mv = self
            .gomv
            .clone()
            .or_else(|| url.as_deref().and_then(modver_of_proxy_url));
        (url, mv)
    }
}

/// A recognizer: when `applies` to a line, `build` decides (`None`: the line is informational,
/// no later matcher is tried).
struct Matcher {
    applies: fn(&Line) -> bool,
    build: fn(&Line) -> Option<Match>,
}

/// The recognizers, tried in order; the first that applies decides.
const MATCHERS: &[Matcher] = &[
    // CI (issue #18): a cache restore over a read-only module cache (GNU tar, bsdtar), a
    // checkout or `rm` failing on a read-only module cache inside the workspace, GOAUTH.
    Matcher {
        applies: |l| tar_error(l.text).is_some(),
        build: cache_restore,
    },
    Matcher {
        applies: |l| workspace_eacces(l).is_some(),
        build: |l| {
            let path = workspace_eacces(l)?;
            let mv = modver_of_cache_path(&path, l.ctx);
            let mut m = Match::new("readonly-modcache-in-workspace").modver(mv);
            if let Some(ws) = workspace_of(&path) {
                m.extra.insert("workspace", ws);
            }
            Some(m.path(Some(path)))
        },
    },
    Matcher {
        applies: |l| l.has("GOAUTH"),
        build: goauth,
    },
    Matcher {
        applies: |l| l.has("checksum mismatch"),
        build: checksum_mismatch,
    },
    Matcher {
        applies: |l| l.has("dir has been modified") || l.has("zip has been modified"),
        build: dir_modified,
    },
    Matcher {
        applies: |l| l.has("missing go.sum entry"),
        build: missing_go_sum_entry,
    },
    Matcher {
        applies: |l| {
            l.has("cannot find module providing package")
                || l.has("no required module provides package")
        },
        build: module_not_found,
    },
    Matcher {
        applies: |l| l.has("unknown revision"),
        build: unknown_revision,
    },
    // "go: m@v: invalid version: git ls-remote -q origin in ...: exit status 128:" is followed
    // by git's "fatal:" line saying why; an auth problem is matched here.
    Matcher {
        applies: |l| {
            l.has("git ls-remote")
                && l.has("exit status")
                && l.next_has(
                    3,
                    &[
                        "terminal prompts disabled",
                        "could not read",
                        "Authentication failed",
                        "publickey",
                    ],
                )
        },
        build: |l| Some(Match::new("private-module-auth").modver(l.gomv.clone())),
    },
    Matcher {
        applies: |l| l.has("invalid version") || l.has_lower("\" invalid: must be of the form"),
        build: invalid_version,
    },
    Matcher {
        applies: |l| l.has("disabled by GOPROXY=off"),
        build: |l| Some(Match::new("goproxy-off").modver(l.gomv.clone())),
    },
    Matcher {
        applies: |l| l.has("inconsistent vendoring in "),
        build: vendor_inconsistent,
    },
    Matcher {
        applies: |l| l.has("GOMODCACHE entry is relative"),
        build: |l| {
            let val = l.text.split('"').nth(1).map(str::to_owned);
            Some(Match::new("gomodcache-not-absolute").path(val))
        },
    },
    Matcher {
        applies: |l| l.has("build cache is disabled by GOCACHE=off"),
        build: |_| Some(Match::new("gocache-off").variant("off")),
    },
    Matcher {
        applies: |l| l.has("GOCACHE is not defined"),
        build: |_| Some(Match::new("gocache-off").variant("undefined")),
    },
    Matcher {
        applies: |l| l.has("GOCACHE is not an absolute path"),
        build: |_| Some(Match::new("gocache-off").variant("relative")),
    },
    Matcher {
        applies: |l| l.has("downloading go1"),
        build: downloading_toolchain,
    },
    Matcher {
        applies: |l| l.has("download go1"),
        build: |l| toolchain_failed(l.text, "download "),
    },
    Matcher {
        applies: |l| {
            l.has_lower("no space left on device")
                || l.has_lower("not enough space on the disk")
                || l.has_lower("disk quota exceeded")
        },
        build: disk_full,
    },
    Matcher {
        applies: |l| l.has("being used by another process") || l.has("Access is denied"),
        build: file_locked,
    },
    // Private modules: git asking for credentials, 401/403 from a proxy or server.
    Matcher {
        applies: |l| {
            [
                "terminal prompts disabled",
                "could not read Username",
                "could not read Password",
                "Permission denied (publickey",
                "Authentication failed for",
                "401 Unauthorized",
                "403 Forbidden",
                "no secure protocol found for repository",
            ]
            .iter()
            .any(|s| l.has(s))
        },
        build: private_module_auth,
    },
    Matcher {
        applies: |l| (l.has("404 Not Found") || l.has("410 Gone")) && l.has("reading "),
        build: proxy_gone,
    },
    Matcher {
        applies: |l| l.has("reading file://") && l.has("no such file or directory"),
        build: proxy_file_gone,
    },
    Matcher {
        applies: |l| network_variant(&l.lower).is_some(),
        build: proxy_unreachable,
    },
    Matcher {
        applies: |l| l.has_lower("permission denied") || l.has_lower("operation not permitted"),
        build: permission_denied,
    },
];

/// The match for one line (`next`: the lines after it, for messages spread over several).
fn line_match(line: &str, next: &[(usize, &str)], ctx: &Context) -> Option<Match> {
    let l = Line {
        text: line,
        lower: line.to_ascii_lowercase(),
        next,
        ctx,
        gomv: go_prefix(line),
    };
    let matcher = MATCHERS.iter().find(|m| (m.applies)(&l))?;
    (matcher.build)(&l)
}

/// "verifying m@v: checksum mismatch", "m@v: verifying module: checksum mismatch",
/// "verifying m@v/go.mod: checksum mismatch".
fn checksum_mismatch(l: &Line) -> Option<Match> {
    let following: String = l
        .next
        .iter()
        .take(12)
        .map(|(_, l)| *l)
        .collect::<Vec<_>>()
        .join("\n");
    let line = l.text;
    let mv = line
        .find("verifying ")
        .and_then(|i| first_modver(line.get(i + "verifying ".len()..)?))
        .or(l.gomv.clone());
    let all = format!("{line}\n{following}");
    let variant = sec_variant(&all);
    let mut m = Match::new("checksum-mismatch")
        .variant(variant)
        .modver(mv.clone());
    // The hashes Go printed, side by side: "downloaded: h1:…" and "go.sum: h1:…" (or the
    // checksum database's "sum.golang.org: h1:…"). Only well-formed h1: values are kept.
    for raw in all.lines().map(str::trim) {
        let Some((label, value)) = raw.split_once(':') else {
            continue;
        };
        let Some(h) = super::sums::h1(value.trim()) else {
            continue;
        };
        let key = match label.trim() {
            "downloaded" => "downloaded",
            "go.sum" => "gosum",
            l if variant == "sumdb" && l.contains('.') && !l.contains(' ') => "gosum",
            _ => continue,
        };
        m.extra.entry(key).or_insert(h);
    }
    let go_mod = line.contains("/go.mod:") || line.contains("/go.mod ");
    // What the module cache holds for the version decides between the causes.
    if variant == "go-sum"
        && !go_mod
        && l.ctx.inspect_disk
        && let (Some(mc), Some((module, version))) = (&l.ctx.gomodcache, &mv)
        && crate::modpath::check_path(module).is_ok()
        && crate::modpath::check_version(version).is_ok()
        && let Some(ev) = super::sums::cache_evidence(std::path::Path::new(mc), module, version)
    {
        use super::sums::CacheEvidence;
        m = match ev {
            CacheEvidence::NotCached => m.variant("go-sum-not-cached"),
            CacheEvidence::Intact { hash } => {
                m.extra.insert("ziphash", hash);
                m.variant("go-sum-cache-intact")
            }
            CacheEvidence::Corrupted { ziphash, zip } => {
                m.extra.insert("ziphash", ziphash);
                m.extra.insert("ziphash_zip", zip);
                m.variant("go-sum-cache-corrupted")
            }
        };
    }
    Some(m)
}

/// go mod verify: "example.com/m v1.0.0: dir has been modified (/path)".
fn dir_modified(l: &Line) -> Option<Match> {
    let line = l.text;
    let (head, _) = line.split_once(": ")?;
    let mut parts = head.split_whitespace();
    let mv = match (parts.next(), parts.next()) {
        (Some(m), Some(v)) => Some((m.to_owned(), v.to_owned())),
        _ => None,
    };
    let path = line
        .rfind('(')
        .and_then(|i| line.get(i + 1..))
        .map(|s| s.trim_end_matches(')').to_owned());
    let variant = if line.contains("zip has been modified") {
        "zip"
    } else {
        "dir"
    };
    Some(
        Match::new("dir-modified")
            .variant(variant)
            .modver(mv)
            .path(path),
    )
}

fn missing_go_sum_entry(l: &Line) -> Option<Match> {
    let line = l.text;
    let rest = line
        .find("missing go.sum entry")
        .and_then(|i| line.get(i..))
        .unwrap_or_default();
    let pkg = after_word(rest, "providing package ");
    let m = Match::new("missing-go-sum-entry").path(file_prefix(line));
    Some(match pkg {
        Some(p) => {
            let mut m = m;
            m.module = Some(p);
            m
        }
        None => m.modver(l.gomv.clone().or_else(|| first_modver(line))),
    })
}

fn module_not_found(l: &Line) -> Option<Match> {
    let line = l.text;
    let pkg =
        after_word(line, "providing package ").or_else(|| after_word(line, "provides package "));
    let mut m = Match::new("module-not-found").path(file_prefix(line));
    m.module = pkg.map(|p| p.trim_end_matches([';', ':']).to_owned());
    Some(m)
}

fn unknown_revision(l: &Line) -> Option<Match> {
    let line = l.text;
    let rev = line.find("unknown revision").and_then(|i| {
        line.get(i + "unknown revision".len()..)
            .and_then(|s| s.split_whitespace().next())
            .map(str::to_owned)
    });
    let mut m = Match::new("unknown-revision").modver(l.gomv.clone());
    if m.version.is_none() {
        m.version = rev;
    }
    Some(m)
}

/// "go: m@v: invalid version: ..." or a go.mod parse error
/// "go.mod:6:2: require m: version \"v1.0\" invalid: must be of the form v1.2.3".
fn invalid_version(l: &Line) -> Option<Match> {
    let line = l.text;
    let mut m = Match::new("invalid-version").modver(l.gomv.clone());
    if m.module.is_none() {
        m.module = after_word(line, "require ").map(|s| s.trim_end_matches(':').to_owned());
        m.version = line.split('"').nth(1).map(str::to_owned);
        m.path = file_prefix(line);
    }
    Some(m)
}

fn vendor_inconsistent(l: &Line) -> Option<Match> {
    let rest = l.text.split("inconsistent vendoring in ").nth(1)?;
    let dir = rest.trim_end_matches(':').to_owned();
    let mv = l
        .next
        .iter()
        .take(8)
        .find_map(|(_, l)| first_modver(l.trim_start()));
    Some(Match::new("vendor-inconsistent").modver(mv).path(Some(dir)))
}

/// "go: downloading go1.22.0 (linux/amd64)" is informational: a match only when a failure
/// follows.
fn downloading_toolchain(l: &Line) -> Option<Match> {
    if l.next_has(
        4,
        &[
            "toolchain not available",
            "download go1",
            "switching to go1",
        ],
    ) {
        toolchain_failed(l.text, "downloading ")
    } else {
        None
    }
}

/// `toolchain-download-failed` with the version after `word` ("go: download go1.99.0 for
/// linux/amd64: toolchain not available").
fn toolchain_failed(line: &str, word: &str) -> Option<Match> {
    let i = line.find(&format!("{word}go1"))?;
    let v = line.get(i + word.len()..)?.split_whitespace().next()?;
    let mut m = Match::new("toolchain-download-failed");
    m.version = Some(v.to_owned());
    Some(m)
}

fn disk_full(l: &Line) -> Option<Match> {
    let path = op_path(
        l.text,
        &[
            "no space left on device",
            "There is not enough space",
            "disk quota exceeded",
        ],
    );
    let mv = path.as_deref().and_then(|p| modver_of_cache_path(p, l.ctx));
    Some(
        Match::new("disk-full")
            .modver(mv.or(l.gomv.clone()))
            .path(path),
    )
}

fn file_locked(l: &Line) -> Option<Match> {
    let path = op_path(l.text, &["The process cannot access", "Access is denied"]);
    let mv = path.as_deref().and_then(|p| modver_of_cache_path(p, l.ctx));
    let variant = if l.has("being used by another process") {
        "sharing-violation"
    } else {
        "access-denied"
    };
    Some(
        Match::new("file-locked")
            .variant(variant)
            .modver(mv)
            .path(path),
    )
}

fn private_module_auth(l: &Line) -> Option<Match> {
    let mut m = Match::new("private-module-auth").modver(l.gomv.clone());
    if let Some(u) = url_in(l.text) {
        m.extra.insert("url", u);
    }
    Some(m)
}

fn proxy_gone(l: &Line) -> Option<Match> {
    let (url, mv) = l.url_and_modver();
    let variant = if l.has("410 Gone") { "410" } else { "404" };
    let mut m = Match::new("proxy-gone").variant(variant).modver(mv);
    if let Some(u) = url {
        m.extra.insert("url", u);
    }
    Some(m)
}

fn proxy_file_gone(l: &Line) -> Option<Match> {
    let (url, mv) = l.url_and_modver();
    let mut m = Match::new("proxy-gone").variant("file").modver(mv);
    m.path = url.as_deref().and_then(file_url_path);
    if let Some(u) = url {
        m.extra.insert("url", u);
    }
    Some(m)
}

fn proxy_unreachable(l: &Line) -> Option<Match> {
    let variant = network_variant(&l.lower)?;
    let (url, mv) = l.url_and_modver();
    let mut m = Match::new("proxy-unreachable").variant(variant).modver(mv);
    if let Some(h) = url.as_deref().and_then(host_of) {
        m.extra.insert("host", h);
    }
    if let Some(u) = url {
        m.extra.insert("url", u);
    }
    Some(m)
}

fn permission_denied(l: &Line) -> Option<Match> {
    let (line, ctx) = (l.text, l.ctx);
    let path = rm_path(line).or_else(|| {
        op_path(
            line,
            &[
                "permission denied",
                "Permission denied",
                "operation not permitted",
            ],
        )
    });
    let mv = path.as_deref().and_then(|p| modver_of_cache_path(p, ctx));
    // macOS: file flags, SIP or privacy protection, read from the disk (EPERM only).
    let beyond_owner = path.as_deref().filter(|_| ctx.inspect_disk).and_then(|p| {
        let eperm = l.has_lower("operation not permitted");
        eperm_values(&crate::eperm::facts(Path::new(p), eperm)?, Path::new(p))
    });
    let mut m = Match::new("permission-denied").modver(mv).path(path);
    match beyond_owner {
        Some((variant, values)) => {
            m = m.variant(variant);
            m.extra.extend(values);
        }
        None => m.variant = Some(permission_variant(line, m.path.as_deref(), ctx)),
    }
    Some(m)
}

/// What tar prints when it cannot write an entry of a cache archive over an existing tree:
/// GNU tar's `tar: <path>: Cannot open: File exists` (and `Permission denied`, `Cannot mkdir`)
/// and libarchive's (bsdtar, macOS and Windows tar) `<path>: Can't unlink already-existing
/// object` or `Can't create '<path>'`. `None` unless the path is in a module cache (a
/// `pkg/mod` directory, or a `module@version` element as in any GOMODCACHE): the same
/// messages about other trees are not Go's.
fn tar_error(line: &str) -> Option<String> {
    const MARKERS: [&str; 7] = [
        ": Cannot open: File exists",
        ": Cannot open: Permission denied",
        ": Cannot mkdir: Permission denied",
        ": Cannot unlink: Permission denied",
        ": Can't unlink already-existing object",
        ": Can't remove already-existing dir",
        ": Can't create '",
    ];
    let (end, marker) = MARKERS
        .iter()
        .filter_map(|m| line.find(m).map(|i| (i, *m)))
        .min()?;
    let head = line.get(..end)?;
    // After the program's own `tar: ` / `/usr/bin/tar: ` / `tar.exe: ` prefix.
    let path = match head.find("tar: ").or_else(|| head.find("tar.exe: ")) {
        Some(i) => head.get(i..)?.split_once(": ")?.1,
        None => head,
    };
    let mut path = path.trim().to_owned();
    if path.is_empty() || path.starts_with("tar") && marker == ": Can't create '" {
        // `tar: Can't create '<path>'`.
        let rest = line.get(end + marker.len()..)?;
        path = rest.split('\'').next()?.to_owned();
    }
    let norm = path.replace('\\', "/");
    let in_modcache = norm.contains("pkg/mod/")
        || norm
            .split('/')
            .any(|s| s.contains('@') && s != "@v" && !s.starts_with('@'));
    (!path.is_empty() && in_modcache).then_some(path)
}

/// A relative `path` that tar printed, made absolute with the `-C <dir>` of the last tar
/// command line in `before` (`None` when the path is absolute, there is no such line, the
/// directory is not absolute, or `..` climbs above `/`).
fn tar_path_in_dir(path: &str, before: &str) -> Option<String> {
    if path.starts_with('/') || path.contains('\\') {
        return None;
    }
    let cmd = before
        .lines()
        .rev()
        .find(|l| l.contains("tar") && l.contains(" -C "))?;
    let dir = cmd.split(" -C ").nth(1)?.split_whitespace().next()?;
    if !dir.starts_with('/') {
        return None;
    }
    let mut segs: Vec<&str> = Vec::new();
    for seg in dir.split('/').chain(path.split('/')) {
        match seg {
            "" | "." => {}
            ".." => {
                segs.pop()?;
            }
            s => segs.push(s),
        }
    }
    Some(format!("/{}", segs.join("/")))
}

/// `cache-restore-over-readonly`, or `toolchain-before-restore` when the path is in a
/// toolchain that a `go` command downloaded into the module cache
/// (`golang.org/toolchain@v0.0.1-go1.22.9.linux-amd64`).
fn cache_restore(l: &Line) -> Option<Match> {
    let path = tar_error(l.text)?;
    let mv = modver_of_cache_path(&path, l.ctx);
    let toolchain = mv
        .as_ref()
        .filter(|(m, _)| m == "golang.org/toolchain")
        .and_then(|(_, v)| v.strip_prefix("v0.0.1-"))
        .map(|v| v.rsplit_once('.').map_or(v, |(g, _)| g).to_owned());
    let mut m = match toolchain {
        Some(g) => {
            let mut m = Match::new("toolchain-before-restore");
            if g.starts_with("go1") {
                m.extra.insert("goversion", g);
            }
            m
        }
        None => Match::new("cache-restore-over-readonly"),
    };
    m = m.modver(mv).path(Some(path));
    m.variant = Some(if l.has("Can't ") { "bsdtar" } else { "gnu-tar" });
    Some(m)
}

/// A permission failure on a module cache inside a CI workspace: a checkout's clean
/// (actions/checkout: `EACCES: permission denied, unlink '<path>'`; git clean: `warning:
/// failed to remove <path>: Permission denied`) or `rm` on a path in a runner's workspace
/// (`/home/runner/work/`, `/builds/`, `_work/`, `/__w/`, `/github/workspace/`). The path
/// must be in a `pkg/mod` directory.
fn workspace_eacces(l: &Line) -> Option<String> {
    if !l.has_lower("permission denied") {
        return None;
    }
    let line = l.text;
    let (path, checkout) = if let Some(i) = line.find("EACCES: permission denied, ") {
        let rest = line.get(i + "EACCES: permission denied, ".len()..)?;
        let (_, quoted) = rest.split_once(' ')?;
        let q = quoted.chars().next().filter(|c| matches!(c, '\'' | '"'))?;
        let body = quoted.get(1..)?;
        // actions/checkout's clean says "File was unable to be removed"; other Node tools
        // count only in a runner's workspace.
        let p = body.get(..body.find(q)?)?.to_owned();
        (p, line.contains("unable to be removed"))
    } else if let Some(i) = line.find("failed to remove ") {
        let rest = line.get(i + "failed to remove ".len()..)?;
        let end = rest.rfind(": ")?;
        let p = rest.get(..end)?.trim_matches(['\'', '"']);
        (p.to_owned(), true)
    } else {
        (rm_path(line)?, false)
    };
    let norm = path.replace('\\', "/");
    if !(norm.contains("pkg/mod/") || norm.ends_with("pkg/mod")) {
        return None;
    }
    // Runners' workspace roots only: a developer's `~/.go` or `~/workspace` is no CI job, and
    // `ci stray` on its parent would be the wrong advice.
    const WORKSPACES: [&str; 5] = [
        "/home/runner/work/",
        "/builds/",
        "/_work/",
        "/__w/",
        "/github/workspace/",
    ];
    let in_workspace = checkout || WORKSPACES.iter().any(|w| norm.contains(w));
    in_workspace.then_some(path)
}

/// The workspace holding the GOPATH of a module cache path: `/w/proj/.go/pkg/mod/x` →
/// `/w/proj`. Only for an absolute path without `..` elements: a relative one names no
/// directory the reader can find.
pub(crate) fn workspace_of(path: &str) -> Option<String> {
    let norm = path.replace('\\', "/");
    let abs = norm.starts_with('/') || norm.get(1..3) == Some(":/");
    if !abs || norm.split('/').any(|s| s == "..") {
        return None;
    }
    let gopath = path.get(..norm.find("/pkg/mod")?)?;
    let (ws, _) = gopath.rsplit_once(['/', '\\'])?;
    (!ws.is_empty() && ws != "/" && !ws.ends_with(':')).then(|| ws.to_owned())
}

/// GOAUTH (Go 1.24+) failures: a setting Go rejects (`go: GOAUTH=git dir method requires an
/// absolute path to the git working directory`, `go: GOAUTH encountered an empty command`,
/// `go: GOAUTH=off cannot be combined with other authentication commands`, `cannot parse
/// GOAUTH command`) or a command that gave no credential (`-x`: `GOAUTH encountered errors
/// for <url>:` and `GOAUTH=<cmd>: <error>` lines).
fn goauth(l: &Line) -> Option<Match> {
    let t = l.text.trim_start();
    let variant = if t.contains("GOAUTH=git dir method requires")
        || t.contains("GOAUTH=git encountered an error")
    {
        "git-dir"
    } else if t.contains("GOAUTH encountered an empty command")
        || t.contains("GOAUTH=off cannot be combined")
        || t.contains("cannot parse GOAUTH command")
        || t.contains("cannot parse output of GOAUTH command")
    {
        "setting"
    } else if t.contains("GOAUTH encountered errors for ")
        // `GOAUTH=<cmd>: <error>`, not a `go env` line (`GOAUTH='netrc'`).
        || t.starts_with("GOAUTH=") && t.contains(": ")
    {
        "command"
    } else {
        return None;
    };
    let mut m = Match::new("goauth-failed").variant(variant);
    if let Some(u) = url_in(t) {
        if let Some(h) = host_of(&u) {
            m.extra.insert("host", h);
        }
        m.extra.insert("url", u);
    }
    if variant == "git-dir"
        && let Some(i) = t.find("cannot stat ")
    {
        let rest = t.get(i + "cannot stat ".len()..)?;
        m.path = rest.rsplit_once(": ").map(|(p, _)| p.to_owned());
    }
    Some(m)
}

/// `dns`, `timeout`, `tls`, `refused`, `unreachable` for network failures.
fn network_variant(lower: &str) -> Option<&'static str> {
    if lower.contains("dial tcp: lookup ")
        || lower.contains("no such host")
        || lower.contains("server misbehaving")
        || lower.contains("temporary failure in name resolution")
    {
        Some("dns")
    } else if lower.contains("x509:")
        || lower.contains("tls:")
        || lower.contains("certificate") && lower.contains("verify")
    {
        Some("tls")
    } else if lower.contains("i/o timeout")
        || lower.contains("tls handshake timeout")
        || lower.contains("client.timeout exceeded")
        || lower.contains("context deadline exceeded")
        || lower.contains("connection timed out")
    {
        Some("timeout")
    } else if lower.contains("connection refused") || lower.contains("actively refused") {
        Some("refused")
    } else if lower.contains("network is unreachable")
        || lower.contains("connection reset by peer")
        || lower.contains("no route to host")
        || lower.contains("proxyconnect tcp")
    {
        Some("unreachable")
    } else {
        None
    }
}

/// The `permission-denied` variant and fix values for a permission failure on `path` whose
/// cause is not ownership ([`crate::eperm::classify_eperm`]; `None` when it is):
/// `user-immutable`, `system-immutable`, `sip-restricted` or `privacy-denied`, with
/// `flag_path` (the entry carrying the flags: `path` or its directory) and the `chflags`
/// keywords that clear them: `noflags` when the user (or root) may run the command,
/// `sudo_noflags` when it needs an administrator.
pub(crate) fn eperm_values(
    f: &crate::eperm::PermFacts,
    path: &Path,
) -> Option<(&'static str, BTreeMap<&'static str, String>)> {
    use crate::eperm::{PermCause, clear_keywords, flagged_path};
    let cause = crate::eperm::classify_eperm(f);
    let variant = match cause {
        PermCause::UserImmutable => "user-immutable",
        PermCause::SystemImmutable => "system-immutable",
        PermCause::SipRestricted => "sip-restricted",
        PermCause::PrivacyDenied => "privacy-denied",
        PermCause::Ownership => return None,
    };
    let mut values = BTreeMap::new();
    if cause != PermCause::PrivacyDenied {
        // A path that is not UTF-8 is named by no command.
        if let Some(p) = flagged_path(cause, f, path).to_str() {
            values.insert("flag_path", p.to_owned());
        }
    }
    if let Some(kw) = clear_keywords(f.all_flags(), cause) {
        let own = cause == PermCause::UserImmutable && (f.owner_is_user || f.is_root)
            || cause == PermCause::SystemImmutable && f.is_root;
        values.insert(if own { "noflags" } else { "sudo_noflags" }, kw);
    }
    Some((variant, values))
}

/// Read-only module cache (Go's own 0555 directories, the user's own cache) or a cache owned
/// by another user. The owner on disk decides when the path (or an ancestor) exists here;
/// otherwise the message: `rm` failing inside an extracted `module@version` tree is the
/// read-only design; Go itself failing (it chmods before deleting, it creates files when
/// downloading) means it cannot write what someone else owns.
fn permission_variant(line: &str, path: Option<&str>, ctx: &Context) -> &'static str {
    if ctx.inspect_disk
        && let Some(p) = path
        && let Some(other) = owner::owned_by_other(Path::new(p))
    {
        return if other {
            "other-owner"
        } else {
            "read-only-cache"
        };
    }
    let in_tree = path.is_some_and(|p| {
        p.split(['/', '\\'])
            .any(|seg| seg.contains('@') && seg != "@v" && !seg.starts_with('@'))
    });
    let rm = line.starts_with("rm: ") || line.contains("cannot remove");
    let in_modcache = path.is_some_and(|p| {
        let p = p.replace('\\', "/");
        p.contains("/pkg/mod/") || p.ends_with("/pkg/mod")
    });
    if rm && (in_tree || in_modcache) {
        "read-only-cache"
    } else {
        "other-owner"
    }
}

/// `go: m@v: ...` → (m, v).
fn go_prefix(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix("go: ")?;
    let (head, _) = rest.split_once(": ")?;
    parse_modver(head)
}

/// The first `m@v` token in `s`.
fn first_modver(s: &str) -> Option<(String, String)> {
    s.split_whitespace()
        .find_map(|t| parse_modver(t.trim_end_matches([':', ',', ';'])))
}

/// `example.com/m@v1.0.0` (or `.../go.mod`) → (module, version).
fn parse_modver(t: &str) -> Option<(String, String)> {
    let t = t.strip_suffix("/go.mod").unwrap_or(t);
    let (m, v) = t.rsplit_once('@')?;
    let ok_mod = !m.is_empty()
        && !m.contains(['\\', ' ', '"', '\'', ':'])
        && !m.starts_with('/')
        && m.split('/')
            .next()
            .is_some_and(|f| f.contains('.') || !m.contains('/'));
    let ok_ver = !v.is_empty() && !v.contains(['/', '\\', ' ', ':']);
    (ok_mod && ok_ver).then(|| (m.to_owned(), v.to_owned()))
}

/// The word after `marker`.
fn after_word(s: &str, marker: &str) -> Option<String> {
    let i = s.find(marker)?;
    s.get(i + marker.len()..)?
        .split_whitespace()
        .next()
        .map(|w| w.trim_end_matches([';', ':', ',']).to_owned())
        .filter(|w| !w.is_empty())
}

/// `main.go:6:2: ...` → `main.go`; `/p/go.mod:6:2: ...` → `/p/go.mod`.
fn file_prefix(line: &str) -> Option<String> {
    let first = line.split_whitespace().next()?;
    let mut parts = first.trim_end_matches(':').rsplitn(3, ':');
    let col = parts.next()?;
    let row = parts.next()?;
    let file = parts.next()?;
    (col.chars().all(|c| c.is_ascii_digit())
        && row.chars().all(|c| c.is_ascii_digit())
        && !file.is_empty())
    .then(|| file.to_owned())
}

/// The first URL in `line` (quotes and a trailing `:` removed).
fn url_in(line: &str) -> Option<String> {
    let i = ["https://", "http://", "file://"]
        .iter()
        .filter_map(|p| line.find(p))
        .min()?;
    let u = line.get(i..)?.split([' ', '"', '\'']).next()?;
    Some(u.trim_end_matches([':', ',', ')']).to_owned())
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split('/').next()?;
    let host = host.rsplit('@').next()?;
    (!host.is_empty()).then(|| host.to_owned())
}

/// `file:///a/b%21c` → `/a/b!c` (`file:///C:/x` → `C:/x`).
fn file_url_path(url: &str) -> Option<String> {
    let p = url.strip_prefix("file://")?;
    let p = percent_decode(p);
    let b = p.as_bytes();
    if b.len() > 3 && b.first() == Some(&b'/') && b.get(2) == Some(&b':') {
        return p.get(1..).map(str::to_owned);
    }
    Some(p)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A proxy URL `.../<escaped module>/@v/<escaped version>.<ext>` → (module, version).
fn modver_of_proxy_url(url: &str) -> Option<(String, String)> {
    let p = percent_decode(url.split_once("://")?.1);
    let (before, after) = p.split_once("/@v/")?;
    let ver = after.rsplit_once('.')?.0;
    if ver == "list" || after == "list" {
        return None;
    }
    // The module path is the end of `before` below the proxy's own path: take from the first
    // element that looks like a host (has a dot) after the proxy host.
    let segs: Vec<&str> = before.split('/').collect();
    let start = segs.iter().skip(1).position(|s| s.contains('.'))? + 1;
    let module = segs.get(start..)?.join("/");
    Some((
        crate::escape::unescape(&module).ok()?,
        crate::escape::unescape(ver).ok()?,
    ))
}

/// A path inside the module cache → the module version it belongs to: an extracted tree
/// `<root>/<esc module>@<esc version>/...` or a download file
/// `<root>/cache/download/<esc module>/@v/<esc version>.<ext>[digits.tmp]`.
pub(crate) fn modver_of_cache_path(p: &str, ctx: &Context) -> Option<(String, String)> {
    let norm = p.replace('\\', "/");
    let rel = ctx
        .gomodcache
        .as_deref()
        .map(|r| r.replace('\\', "/"))
        .and_then(|r| {
            norm.strip_prefix(&format!("{}/", r.trim_end_matches('/')))
                .map(str::to_owned)
        })
        .or_else(|| norm.split_once("/pkg/mod/").map(|(_, r)| r.to_owned()))?;
    if let Some(d) = rel.strip_prefix("cache/download/") {
        let (module, file) = d.split_once("/@v/")?;
        let ext_start = [".ziphash", ".zip", ".info", ".mod", ".lock", ".partial"]
            .iter()
            .filter_map(|e| file.find(e))
            .min()?;
        let ver = file.get(..ext_start)?;
        return Some((
            crate::escape::unescape(module).ok()?,
            crate::escape::unescape(ver).ok()?,
        ));
    }
    if rel.starts_with("cache/") {
        return None;
    }
    let segs: Vec<&str> = rel.split('/').collect();
    let idx = segs.iter().position(|s| s.contains('@'))?;
    let last = segs.get(idx)?;
    let (name, ver) = last.split_once('@')?;
    // Go < 1.16 extracted into `<module>@<version>.tmp-<digits>` and renamed it.
    let ver = match ver.rsplit_once(".tmp-") {
        Some((v, n)) if n.chars().all(|c| c.is_ascii_digit()) => v,
        _ => ver,
    };
    let mut module: Vec<&str> = segs.get(..idx)?.to_vec();
    module.push(name);
    Some((
        crate::escape::unescape(&module.join("/")).ok()?,
        crate::escape::unescape(ver).ok()?,
    ))
}

/// `rm: cannot remove '<path>': Permission denied` → path.
fn rm_path(line: &str) -> Option<String> {
    let rest = line.split("cannot remove ").nth(1)?;
    let q = rest.chars().next()?;
    if q == '\'' || q == '"' || q == '‘' {
        let close = if q == '‘' { '’' } else { q };
        let body = rest.get(q.len_utf8()..)?;
        return body
            .find(close)
            .and_then(|e| body.get(..e))
            .map(str::to_owned);
    }
    rest.split(": ").next().map(str::to_owned)
}

/// The path of a Go `*PathError` (`<op> <path>: <err>`) before one of `markers`.
fn op_path(line: &str, markers: &[&str]) -> Option<String> {
    const OPS: [&str; 19] = [
        "open ",
        "openat ",
        "mkdir ",
        "unlinkat ",
        "remove ",
        "rename ",
        "write ",
        "lstat ",
        "stat ",
        "rmdir ",
        "chmod ",
        "link ",
        "symlink ",
        "readdirent ",
        "fdopendir ",
        "read ",
        "CreateFile ",
        "DeleteFile ",
        "RemoveDirectory ",
    ];
    let end = markers.iter().filter_map(|m| line.find(m)).min()?;
    let head = line.get(..end)?.trim_end().trim_end_matches(':');
    let start = OPS
        .iter()
        .filter_map(|op| head.rfind(op).map(|i| i + op.len()))
        .filter(|&i| i <= head.len())
        .max()?;
    let p = head.get(start..)?.trim();
    // rename has two paths: keep the first.
    let p = if head.get(..start).is_some_and(|h| h.ends_with("rename ")) {
        p.split(' ').next().unwrap_or(p)
    } else {
        p
    };
    (!p.is_empty()).then(|| p.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::os::OsKind;

    fn ctx() -> Context {
        Context::for_os(OsKind::Linux)
    }

    #[test]
    fn modver_tokens() {
        assert_eq!(
            parse_modver("example.com/m@v1.0.0/go.mod"),
            Some(("example.com/m".into(), "v1.0.0".into()))
        );
        assert_eq!(parse_modver("/tmp/x@v1/y"), None);
        assert_eq!(parse_modver("user@host:path"), None);
    }

    #[test]
    fn cache_paths_name_their_version() {
        let c = ctx();
        assert_eq!(
            modver_of_cache_path("/h/go/pkg/mod/github.com/!azure/x@v1.0.0-!r!c1/a/b.go", &c),
            Some(("github.com/Azure/x".into(), "v1.0.0-RC1".into()))
        );
        assert_eq!(
            modver_of_cache_path(
                "/h/go/pkg/mod/cache/download/example.com/!m/@v/v1.2.3.zip499163961.tmp",
                &c
            ),
            Some(("example.com/M".into(), "v1.2.3".into()))
        );
        assert_eq!(modver_of_cache_path("/h/go/pkg/mod/cache/lock", &c), None);
        assert_eq!(
            modver_of_cache_path(
                r"C:\Users\u\go\pkg\mod\golang.org\x\tools@v0.1.0\go.mod",
                &c
            ),
            Some(("golang.org/x/tools".into(), "v0.1.0".into()))
        );
    }

    #[test]
    fn proxy_urls_name_their_version() {
        assert_eq!(
            modver_of_proxy_url(
                "https://proxy.golang.org/github.com/!burnt!sushi/toml/@v/v1.2.0.mod"
            ),
            Some(("github.com/BurntSushi/toml".into(), "v1.2.0".into()))
        );
        assert_eq!(
            modver_of_proxy_url("file:///tmp/p/example.com/%21x/@v/v0.1.0.info"),
            Some(("example.com/X".into(), "v0.1.0".into()))
        );
        assert_eq!(file_url_path("file:///C:/p/x").as_deref(), Some("C:/p/x"));
    }

    #[test]
    fn path_error_paths() {
        assert_eq!(
            op_path(
                "go: unlinkat /a b/c: permission denied",
                &["permission denied"]
            )
            .as_deref(),
            Some("/a b/c")
        );
        assert_eq!(
            op_path(
                r"go: remove C:\Users\John Smith\go\pkg\mod\x@v1\a.go: Access is denied.",
                &["Access is denied"]
            )
            .as_deref(),
            Some(r"C:\Users\John Smith\go\pkg\mod\x@v1\a.go")
        );
        assert_eq!(
            rm_path("rm: cannot remove '/x/y z': Permission denied").as_deref(),
            Some("/x/y z")
        );
        assert_eq!(
            file_prefix("main.go:6:2: missing").as_deref(),
            Some("main.go")
        );
        assert_eq!(file_prefix("go: x"), None);
    }
}
