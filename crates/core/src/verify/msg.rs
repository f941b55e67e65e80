//! The sentences of project mode (a go.sum line against the cache and the proxy) as a message
//! id and its values, so each is shown in the reader's language: the CLI and `verify --json`
//! print the English ([`Msg::english`], the `explanation` / `evidence` / `note` strings), the
//! app renders the id from its catalogs (`verify.msg.<id>` in `ui/src/locales/<lang>/verify.json`,
//! whose English a test keeps identical to [`ENGLISH`]).

use std::collections::BTreeMap;

use serde::Serialize;

/// A sentence for people: a message id of [`ENGLISH`] and the values of its placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "VerifyMsg"))]
pub struct Msg {
    /// The message id (`explain.retagged`, `evidence.sumdb-in-use`, `proxy.direct`, ...).
    pub id: String,
    /// The values of the placeholders (module labels, hashes, paths, line numbers, the
    /// setting a value came from): facts, never words to translate.
    pub args: BTreeMap<String, String>,
}

impl Msg {
    /// The message `id` with `args`.
    pub(crate) fn new(id: &str, args: &[(&str, String)]) -> Msg {
        debug_assert!(ENGLISH.iter().any(|(k, _)| *k == id), "no English for {id}");
        Msg {
            id: id.to_owned(),
            args: args
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        }
    }

    /// The English text: the template of the id with the values filled in (`{name}`); the
    /// value of `source` is itself a message id (`source.<value>`, where a setting came from).
    pub fn english(&self) -> String {
        let mut args = self.args.clone();
        if let Some(s) = args.get_mut("source") {
            *s = english_of(&format!("source.{s}")).to_owned();
        }
        fill(english_of(&self.id), &args)
    }
}

fn english_of(id: &str) -> &'static str {
    ENGLISH
        .iter()
        .find(|(k, _)| *k == id)
        .map_or("", |(_, t)| *t)
}

/// The `source` value of a setting's [`crate::env::Source`] (a `source.<value>` message).
pub(crate) fn source_id(s: crate::env::Source) -> &'static str {
    use crate::env::Source;
    match s {
        Source::Env => "env",
        Source::GoEnvFile => "go-env-file",
        Source::GoRootEnv => "goroot-env",
        Source::Default => "default",
        Source::LoginShell => "login-shell",
    }
}

/// `template` with each `{name}` replaced by its value (in one pass: a value is never read as a
/// placeholder); an unknown name stays as written.
fn fill(template: &str, args: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_alphanumeric()) => {
                let name = &after[..close];
                match args.get(name) {
                    Some(v) => out.push_str(v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every message's English, by id. The app's `verify.msg` catalog holds the same texts
/// (placeholders written `{{name}}` there), and the zh-CN translation of each.
pub const ENGLISH: &[(&str, &str)] = &[
    // The paragraph of a mismatch: what happened and what to do.
    (
        "explain.gomod-modified",
        "The cached go.mod of {label} was modified after Go downloaded it. Repair removes \
         {label} from the cache and downloads it again (gocache-doctor verify --repair, or the \
         Repair button).",
    ),
    (
        "explain.corrupted",
        "The local module cache copy of {label} was corrupted: it no longer matches the hash Go \
         recorded when it downloaded it, so builds see \"checksum mismatch\" / go mod verify \
         says it has been modified. Repair removes {label} from the cache and downloads it \
         again (gocache-doctor verify --repair, or the Repair button).",
    ),
    (
        "explain.corrupted-files",
        "The local module cache copy of {label} was corrupted: it no longer matches the hash Go \
         recorded when it downloaded it, so builds see \"checksum mismatch\" / go mod verify \
         says it has been modified. Changed files: {files}. Repair removes {label} from the \
         cache and downloads it again (gocache-doctor verify --repair, or the Repair button).",
    ),
    (
        "explain.incomplete",
        "The cache copy of {label} is incomplete ({status}): Go will download it again. Repair \
         removes {label} from the cache and downloads it again (gocache-doctor verify --repair, \
         or the Repair button).",
    ),
    (
        "explain.retagged",
        "{label} in the cache is intact but is not the content go.sum was written for: the \
         version was most likely retagged upstream (its tag moved to another commit), or go.sum \
         was edited. Check go.sum's history; if the new content is trusted, remove the go.sum \
         lines of {module} and run go mod tidy, otherwise pin another version.",
    ),
    (
        "explain.settings",
        "{label} in the cache is intact but is not the content go.sum was written for, and this \
         machine's settings let an unchecked download in (see the evidence): the version was \
         probably served differently (another proxy, a direct fetch of a moved tag, a private \
         mirror). Compare GOPROXY/GOSUMDB/GOPRIVATE with the machine that wrote go.sum.",
    ),
    (
        "explain.gosum-wrong-sumdb",
        "go.sum line {line} is wrong: the proxy and the checksum database agree on another hash \
         for {label}, so every download fails with \"checksum mismatch\". Remove the go.sum \
         lines of {module} {version} and run go mod download {module}@{version} (or go mod \
         tidy) to record the right hash; check go.sum's history for how the wrong one got in.",
    ),
    (
        "explain.proxy-differs",
        "go.sum line {line} does not match what the proxy serves for {label}, so a download \
         fails with \"checksum mismatch\". Either go.sum is wrong (edited, a merge, written \
         through another proxy) or the version changed upstream; the checksum database was not \
         asked for this module, so check go.sum's history before trusting either.",
    ),
    (
        "explain.cache-other",
        "The cached {label} is intact but is not what the proxy serves: the proxy agrees with \
         go.sum ({hash}), the cache holds {cache}. The cached copy came from elsewhere (another \
         proxy, a direct fetch of a moved tag). Remove this one version and download it again: \
         gocache-doctor clean --module {module}@{version}, then go mod download \
         {module}@{version}.",
    ),
    (
        "explain.gosum-wrong-cache",
        "go.sum line {line} is wrong for {label}: the proxy serves {hash}, the same as the \
         cache, and go.sum holds {gosum}. Remove the go.sum lines of {module} {version} and run \
         go mod tidy to record the right hash; check go.sum's history for how the wrong one got \
         in. Cleaning or downloading the module again does not help.",
    ),
    (
        "explain.gosum-wrong-cache-sumdb",
        "go.sum line {line} is wrong for {label}: the proxy serves {hash}, the same as the \
         cache, and go.sum holds {gosum}. The checksum database agrees with the proxy. Remove \
         the go.sum lines of {module} {version} and run go mod tidy to record the right hash; \
         check go.sum's history for how the wrong one got in. Cleaning or downloading the \
         module again does not help.",
    ),
    // The facts behind a cause, one sentence each.
    (
        "evidence.gomod-hash",
        "go.sum line {line} says {label}/go.mod is {gosum}, but {file} hashes to {hash}",
    ),
    (
        "evidence.cache-disagrees",
        "the cache disagrees with itself: {file} differs from the extracted {tree}",
    ),
    (
        "evidence.gomod-consistent",
        "the cache is self-consistent: the extracted {tree} is identical",
    ),
    ("evidence.finding", "{message}"),
    (
        "evidence.ziphash-agrees",
        "go.sum line {line} agrees with the .ziphash Go wrote when it downloaded and checked \
         {label}: the download was right, the cache changed afterwards",
    ),
    (
        "evidence.zip-hash",
        "go.sum line {line} says {label} is {gosum}, but the cache holds {hash} (its .ziphash)",
    ),
    (
        "evidence.zip-consistent",
        "the cache is self-consistent: its zip and extracted files still match that .ziphash",
    ),
    (
        "evidence.not-in-cache",
        "{label} is not in the module cache: the cache cannot tell which hash is right",
    ),
    (
        "evidence.sumdb-vouches",
        "the checksum database vouches for what the proxy serves, and it never changes a \
         published hash",
    ),
    (
        "evidence.sumdb-in-use",
        "the checksum database was in use (GOSUMDB default, no GONOSUMDB/GOPRIVATE match, \
         default GOPROXY), so the cached copy was checked when it was downloaded",
    ),
    (
        "evidence.gosumdb-off",
        "GOSUMDB=off ({source}): downloads are not checked against the checksum database, so a \
         changed or tampered version is accepted into the cache",
    ),
    (
        "evidence.nosumdb",
        "{module} matches {name} pattern \"{pattern}\" ({source}): it is never checked against \
         the checksum database",
    ),
    (
        "evidence.goproxy",
        "GOPROXY={value} ({source}): another proxy, or a direct fetch from the origin, can serve \
         different content for the same version than the one go.sum was written from",
    ),
    // A setting that matters for checksums (`ProjectReport::settings`).
    ("setting", "{name}={value} ({source})"),
    // Where a setting's value came from (the `source` of the settings evidence).
    ("source.env", "the environment"),
    ("source.go-env-file", "the go env -w file"),
    ("source.goroot-env", "$GOROOT/go.env"),
    ("source.default", "Go's default"),
    ("source.login-shell", "your login shell"),
    // What the proxy said (`ProxyCheck::note`).
    (
        "proxy.gonoproxy",
        "{module} matches GONOPROXY/GOPRIVATE pattern \"{pattern}\": Go fetches it from its \
         origin, not from a proxy, so it was not sent to one",
    ),
    (
        "proxy.off",
        "GOPROXY=off: no proxy may be asked, so this line cannot be compared",
    ),
    (
        "proxy.direct",
        "GOPROXY goes direct to the origin repository here: there is no proxy copy to compare \
         with",
    ),
    ("proxy.same", "{proxy} serves {hash}, the hash go.sum holds"),
    (
        "proxy.same-sumdb",
        "{proxy} serves {hash}, the hash go.sum holds (Go also checked it against the checksum \
         database)",
    ),
    (
        "proxy.differs",
        "{proxy} serves {hash}, go.sum holds {gosum}",
    ),
    (
        "proxy.differs-sumdb",
        "{proxy} serves {hash}, go.sum holds {gosum} (Go also checked it against the checksum \
         database)",
    ),
    (
        "proxy.not-found",
        "{proxy} does not have {module}@{version}",
    ),
    ("proxy.failed", "{proxy}: {error}"),
    ("proxy.not-file-url", "{proxy}: not a file URL"),
    (
        "proxy.no-go",
        "{proxy}: no go command to fetch over HTTP with",
    ),
    ("proxy.bad-url", "{proxy}: not a proxy URL Go accepts"),
    ("proxy.none", "GOPROXY lists no proxy"),
    // Which versions were verified (`ProjectReport::version_set`).
    (
        "set.build-list",
        "the build list (go list -m all), which go mod verify checks",
    ),
    (
        "set.no-go",
        "every version go.sum names (no go command to list the build list with)",
    ),
    ("set.no-gomod", "every version go.sum names (no go.mod)"),
    ("set.cancelled", "cancelled"),
    (
        "set.unknown",
        "every version go.sum names (the build list is unknown: {error})",
    ),
    // What the module-cache check found in one version (`Finding::msg`).
    (
        "finding.ziphash-no-hash",
        "{file} does not hold an h1: hash ({size} bytes): Go cannot check this version",
    ),
    (
        "finding.ziphash-size",
        "{file} is {size} bytes, not an h1: hash",
    ),
    (
        "finding.ziphash-too-big",
        "{file} is more than 4096 bytes, not an h1: hash",
    ),
    ("finding.unreadable", "cannot read {file}: {error}"),
    ("finding.error", "{error}"),
    (
        "finding.zip-modified",
        "zip has been modified: {file} hashes to {hash}, but Go recorded {ziphash} in .ziphash \
         when it downloaded it",
    ),
    (
        "finding.zip-unreadable",
        "zip has been modified: cannot read it: {error}",
    ),
    (
        "finding.missing-ziphash",
        "missing ziphash: the zip has no .ziphash (go mod verify: \"missing ziphash\"); Go will \
         hash it again, but nothing records what Go checked at download time",
    ),
    (
        "finding.download-only",
        "downloaded but not extracted: harmless, Go extracts it when a build needs it",
    ),
    (
        "finding.partial",
        "{version}.partial exists: an extraction was interrupted; Go ignores this tree and \
         extracts the version again (it needs the zip or the network)",
    ),
    (
        "finding.tree-without-ziphash",
        "extracted tree without .ziphash: Go treats it as incomplete, removes it and downloads \
         the version again",
    ),
    (
        "finding.writable",
        "{count} file(s) are writable, but Go extracts module files read-only: {files}{more}",
    ),
    (
        "finding.dir-modified",
        "dir has been modified: {dir} hashes to {hash}, not {ziphash}; compared with the zip: \
         {modified} modified, {added} added, {removed} removed: {files}{more}",
    ),
    (
        "finding.dir-modified-same-files",
        "dir has been modified: {dir} hashes to {hash}, not {ziphash}; no file differs from the \
         zip (the file list or names differ)",
    ),
    (
        "finding.dir-modified-no-zip",
        "dir has been modified: {dir} hashes to {hash}, not {ziphash}; the zip is not there (or \
         not intact) to tell which files changed",
    ),
    (
        "finding.stale-partial",
        "stale {version}.partial with no extracted tree (harmless; removed by the next \
         extraction)",
    ),
    (
        "finding.leftovers",
        "leftovers of interrupted downloads or extractions: {files}",
    ),
    (
        "finding.list-without-mod",
        "the module's list file names this version, but its .mod file is missing (Go only lists \
         versions with a .mod)",
    ),
    // Problems outside one version (`Problem::msg`).
    (
        "problem.bad-escape",
        "{name} is not a valid escaped module path and version: Go never wrote it; it can be \
         removed",
    ),
    ("problem.unreadable", "cannot read {file}: {error}"),
    (
        "problem.special-file",
        "{file} is a {kind}: Go never writes one into its caches; skipped (not read)",
    ),
    (
        "problem.output-hash",
        "content hashes to {hash}, not to its name: a build may use this damaged output (Go only \
         checks the size); removing it is safe",
    ),
    ("problem.output-unreadable", "cannot read it: {error}"),
    (
        "problem.executable-hash",
        "the executable inside hashes to {hash}, not to the entry's name",
    ),
    (
        "problem.executable-count",
        "an executable entry must hold exactly one file, it holds {count}",
    ),
    (
        "problem.action-size",
        "{size} bytes, not 175; Go ignores it (a cache miss); removing it is safe",
    ),
    (
        "problem.action-unreadable",
        "cannot read it: {error}; Go ignores it (a cache miss); removing it is safe",
    ),
    (
        "problem.action-line",
        "{size} bytes, not Go's 175-byte \"v1 <action> <output> <size> <time>\" line; Go ignores \
         it (a cache miss); removing it is safe",
    ),
    (
        "problem.action-id",
        "the action ID inside differs from the entry's name; Go ignores it (a cache miss); \
         removing it is safe",
    ),
    (
        "problem.dangling",
        "{count} action entries point at an output that is missing or of another size: cache \
         misses for Go, normal after a partial trim",
    ),
    // Why a repair downloaded nothing (`RepairReport::note_msg`).
    ("repair.nothing", "nothing to repair"),
    ("repair.no-download", "re-download not requested"),
    (
        "repair.no-go",
        "Go is not installed here: the versions were removed; the next go build or go mod \
         download fetches them again",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_fills_placeholders_once() {
        let m = Msg::new(
            "proxy.differs",
            &[
                ("proxy", "https://p.example/{hash}".into()),
                ("hash", "h1:A".into()),
                ("gosum", "h1:B".into()),
            ],
        );
        assert_eq!(
            m.english(),
            "https://p.example/{hash} serves h1:A, go.sum holds h1:B"
        );
        let args = BTreeMap::new();
        assert_eq!(fill("a {x} {b c} {", &args), "a {x} {b c} {");
    }

    #[test]
    fn ids_are_unique_and_every_placeholder_is_a_name() {
        let mut ids: Vec<&str> = ENGLISH.iter().map(|(k, _)| *k).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ENGLISH.len());
        for (id, t) in ENGLISH {
            assert!(!t.contains("  "), "{id}: double space in {t:?}");
        }
    }

    #[test]
    fn sources_say_what_discovery_says() {
        use crate::env::Source;
        for s in [
            Source::Env,
            Source::GoEnvFile,
            Source::GoRootEnv,
            Source::Default,
            Source::LoginShell,
        ] {
            let m = Msg::new(
                "evidence.gosumdb-off",
                &[("source", source_id(s).to_owned())],
            );
            assert!(
                m.english().starts_with(&format!(
                    "GOSUMDB=off ({}):",
                    crate::discover::source_label(s)
                )),
                "{}",
                m.english()
            );
        }
    }

    /// The module-cache findings, build-cache problems and repair notes say, in English, what
    /// they said before they were messages (the CLI's text and `--json` do not change).
    #[test]
    fn cache_messages_keep_their_english() {
        let m = |id: &str, args: &[(&str, &str)]| {
            let args: Vec<(&str, String)> =
                args.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
            Msg::new(id, &args).english()
        };
        let cases = [
            (
                m(
                    "finding.dir-modified",
                    &[
                        ("dir", "/m/x@v1"),
                        ("hash", "h1:A"),
                        ("ziphash", "h1:B"),
                        ("modified", "1"),
                        ("added", "1"),
                        ("removed", "0"),
                        ("files", "a.go (modified), b.go (added)"),
                        ("names", "a.go, b.go"),
                        ("more", ""),
                    ],
                ),
                "dir has been modified: /m/x@v1 hashes to h1:A, not h1:B; compared with the zip: \
                 1 modified, 1 added, 0 removed: a.go (modified), b.go (added)",
            ),
            (
                m(
                    "finding.dir-modified-no-zip",
                    &[("dir", "/d"), ("hash", "h1:A"), ("ziphash", "h1:B")],
                ),
                "dir has been modified: /d hashes to h1:A, not h1:B; the zip is not there (or not \
                 intact) to tell which files changed",
            ),
            (
                m(
                    "finding.dir-modified-same-files",
                    &[("dir", "/d"), ("hash", "h1:A"), ("ziphash", "h1:B")],
                ),
                "dir has been modified: /d hashes to h1:A, not h1:B; no file differs from the zip \
                 (the file list or names differ)",
            ),
            (
                m(
                    "finding.writable",
                    &[
                        ("count", "6"),
                        ("files", "a, b, c, d, e"),
                        ("more", ", ..."),
                    ],
                ),
                "6 file(s) are writable, but Go extracts module files read-only: a, b, c, d, e, ...",
            ),
            (
                m(
                    "finding.zip-modified",
                    &[("file", "/z.zip"), ("hash", "h1:A"), ("ziphash", "h1:B")],
                ),
                "zip has been modified: /z.zip hashes to h1:A, but Go recorded h1:B in .ziphash \
                 when it downloaded it",
            ),
            (
                m(
                    "finding.ziphash-size",
                    &[("file", "/z.ziphash"), ("size", "3")],
                ),
                "/z.ziphash is 3 bytes, not an h1: hash",
            ),
            (
                m("finding.ziphash-too-big", &[("file", "/z.ziphash")]),
                "/z.ziphash is more than 4096 bytes, not an h1: hash",
            ),
            (
                m("finding.missing-ziphash", &[]),
                "missing ziphash: the zip has no .ziphash (go mod verify: \"missing ziphash\"); \
                 Go will hash it again, but nothing records what Go checked at download time",
            ),
            (
                m("finding.partial", &[("version", "v1.0.0")]),
                "v1.0.0.partial exists: an extraction was interrupted; Go ignores this tree and \
                 extracts the version again (it needs the zip or the network)",
            ),
            (
                m("problem.output-hash", &[("hash", "ab")]),
                "content hashes to ab, not to its name: a build may use this damaged output (Go \
                 only checks the size); removing it is safe",
            ),
            (
                m("problem.action-line", &[("size", "12")]),
                "12 bytes, not Go's 175-byte \"v1 <action> <output> <size> <time>\" line; Go \
                 ignores it (a cache miss); removing it is safe",
            ),
            (
                m("problem.dangling", &[("count", "2")]),
                "2 action entries point at an output that is missing or of another size: cache \
                 misses for Go, normal after a partial trim",
            ),
            (
                m("problem.bad-escape", &[("name", "X@v1")]),
                "X@v1 is not a valid escaped module path and version: Go never wrote it; it can \
                 be removed",
            ),
            (
                m("problem.special-file", &[("file", "/p"), ("kind", "FIFO")]),
                "/p is a FIFO: Go never writes one into its caches; skipped (not read)",
            ),
            (m("repair.nothing", &[]), "nothing to repair"),
            (m("repair.no-download", &[]), "re-download not requested"),
            (
                m("repair.no-go", &[]),
                "Go is not installed here: the versions were removed; the next go build or go mod \
                 download fetches them again",
            ),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }

    /// The app's English catalog (`verify.msg`) holds exactly these texts, so the app and the
    /// CLI say the same; the zh-CN catalog's keys and placeholders are checked by the UI's
    /// i18n test.
    #[test]
    fn the_app_catalog_matches() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../ui/src/locales/en/verify.json"
        );
        let text = std::fs::read_to_string(path).expect("ui/src/locales/en/verify.json");
        let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        let catalog = json
            .get("msg")
            .and_then(|m| m.as_object())
            .expect("a msg object");
        let mut flat = BTreeMap::new();
        for (group, v) in catalog {
            match v.as_object() {
                Some(texts) => {
                    for (k, t) in texts {
                        let t = t.as_str().unwrap_or_default().to_owned();
                        flat.insert(format!("{group}.{k}"), t);
                    }
                }
                None => {
                    flat.insert(group.clone(), v.as_str().unwrap_or_default().to_owned());
                }
            }
        }
        for (id, english) in ENGLISH {
            let ui = flat
                .remove(*id)
                .unwrap_or_else(|| panic!("verify.msg.{id} missing from the app's catalog"));
            assert_eq!(
                ui.replace("{{", "{").replace("}}", "}"),
                *english,
                "verify.msg.{id} differs"
            );
        }
        assert!(
            flat.is_empty(),
            "verify.msg keys the core never uses: {:?}",
            flat.keys()
        );
    }
}
