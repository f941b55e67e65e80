//! The catalog: one table row per finding id (and variant) holding its severity, its
//! plain-language explanation and its fix templates. All user-facing English of the doctor
//! lives here, so a translation replaces this table only.
//!
//! Templates use `{name}` placeholders: `module`, `version`, `modver` (`module@version`),
//! `path`, `modcache`, `gocache`, `url`, `host`, `private` (a GOPRIVATE pattern for the
//! module), `goversion`, `value`, `list`. In commands, path placeholders (`path`,
//! `modcache`, `gocache`) are quoted for the shell; a fix whose placeholder has no value is
//! left out (paths fall back to `go env` expressions first).

use std::collections::BTreeMap;

use super::parse::Match;
use super::{Context, Finding, Fix, FixKind, Shell};
use crate::discover::Severity;
use crate::os::OsKind;

/// A fix template.
#[derive(Debug, Clone, Copy)]
enum T {
    /// The same command line in every shell (a `go` command).
    Go(&'static str),
    /// One command per shell: bash/zsh, PowerShell, cmd (`""` = none for that shell).
    Sh(&'static str, &'static str, &'static str),
    /// An app action.
    Act(&'static str),
}

/// One row of the catalog.
struct Entry {
    id: &'static str,
    variant: Option<&'static str>,
    severity: Severity,
    explanation: &'static str,
    fixes: &'static [T],
}

use Severity::{Error as E, Info as I, Warning as W};
use T::{Act, Go, Sh};

const CHOWN: T = Sh(
    "sudo chown -R \"$(id -un)\" {modcache}",
    "takeown /f {modcache} /r /d y; icacls {modcache} /grant \"${env:USERNAME}:(OI)(CI)F\" /t",
    "takeown /f {modcache} /r /d y && icacls {modcache} /grant \"%USERNAME%:(OI)(CI)F\" /t",
);

/// Every id [`super::diagnose`] and [`super::check_env`] can report.
pub const IDS: &[&str] = &[
    "checksum-mismatch",
    "missing-go-sum-entry",
    "module-not-found",
    "unknown-revision",
    "invalid-version",
    "proxy-gone",
    "proxy-unreachable",
    "private-module-auth",
    "goproxy-off",
    "vendor-inconsistent",
    "permission-denied",
    "file-locked",
    "disk-full",
    "gocache-off",
    "gomodcache-not-absolute",
    "toolchain-download-failed",
    "dir-modified",
    "not-recognized",
    // Environment checks.
    "gosumdb-off",
    "goprivate-too-broad",
    "goprivate-missing",
    "modcacherw",
    "goproxy-direct",
    "goinsecure",
    "cache-on-network-fs",
    "cache-on-removable",
    "modcache-other-owner",
    "modcache-writable",
    "toolchain-in-modcache",
    "case-insensitive-fs",
];

static CATALOG: &[Entry] = &[
    // ---- Pasted output ----
    Entry {
        id: "checksum-mismatch",
        variant: Some("go-sum"),
        severity: E,
        explanation: "The bits Go downloaded (or found in the module cache) for {modver} differ \
            from the checksum recorded in go.sum. Either the copy in the cache is corrupted, the \
            version was re-tagged upstream, or a proxy served different content. Do not just \
            delete the go.sum line: first remove the cached copy and download it again; if the \
            mismatch remains, the upstream content really changed and you should find out why.",
        fixes: &[
            Act("clean-version:{modver}"),
            Act("verify"),
            Go("go clean -modcache"),
            Go("go mod download {modver}"),
        ],
    },
    Entry {
        id: "checksum-mismatch",
        variant: Some("sumdb"),
        severity: E,
        explanation: "The checksum of {modver} does not match the one published by the checksum \
            database (sum.golang.org or GOSUMDB). The cached copy may be corrupted, or the proxy \
            or origin served content that differs from what everyone else got. Remove the cached \
            copy and download it again through the default proxy.",
        fixes: &[
            Act("clean-version:{modver}"),
            Sh(
                "GOPROXY=https://proxy.golang.org,direct go mod download {modver}",
                "$env:GOPROXY='https://proxy.golang.org,direct'; go mod download {modver}",
                "set GOPROXY=https://proxy.golang.org,direct && go mod download {modver}",
            ),
            Go("go clean -modcache"),
        ],
    },
    Entry {
        id: "missing-go-sum-entry",
        variant: None,
        severity: E,
        explanation: "go.sum has no checksum for the module providing {module}, and this command \
            may not add one (-mod=readonly, the default for builds since Go 1.16). Let Go record \
            the missing checksums, then commit go.sum.",
        fixes: &[
            Go("go mod tidy"),
            Sh(
                "GOFLAGS=-mod=mod go mod tidy",
                "$env:GOFLAGS='-mod=mod'; go mod tidy",
                "set GOFLAGS=-mod=mod && go mod tidy",
            ),
            Go("go mod download {module}"),
        ],
    },
    Entry {
        id: "module-not-found",
        variant: None,
        severity: E,
        explanation: "No module in the build list provides package {module}, and the proxy \
            could not find one either. Check the import path for typos; if it is a private \
            repository, list it in GOPRIVATE so Go fetches it directly; otherwise add the module \
            with go get.",
        fixes: &[
            Go("go get {module}"),
            Go("go env -w GOPRIVATE={private}"),
            Go("go mod tidy"),
        ],
    },
    Entry {
        id: "unknown-revision",
        variant: None,
        severity: E,
        explanation: "The repository of {module} has no tag, branch or commit named {version}. \
            The version may be mistyped, the tag deleted or not pushed, or the repository \
            private (then Go cannot see it without credentials and GOPRIVATE).",
        fixes: &[
            Go("go list -m -versions {module}"),
            Go("go get {module}@latest"),
            Go("go env -w GOPRIVATE={private}"),
        ],
    },
    Entry {
        id: "invalid-version",
        variant: None,
        severity: E,
        explanation: "Go rejected version {version} of {module}: it is not a canonical semantic \
            version (like v1.2.3), does not exist on the proxy, or its major version does not \
            match the module path (v2 and later need a /v2 suffix).",
        fixes: &[
            Go("go list -m -versions {module}"),
            Go("go get {module}@latest"),
        ],
    },
    Entry {
        id: "proxy-gone",
        variant: None,
        severity: E,
        explanation: "The module proxy answered that {modver} does not exist ({url}). The \
            version may be mistyped or retracted, the module private (a public proxy cannot see \
            it: set GOPRIVATE), or GOPROXY points at the wrong server or directory.",
        fixes: &[
            Go("go env GOPROXY GOPRIVATE GONOPROXY"),
            Go("go list -m -versions {module}"),
            Go("go env -w GOPRIVATE={private}"),
            Go("go env -w GOPROXY=https://proxy.golang.org,direct"),
        ],
    },
    Entry {
        id: "proxy-unreachable",
        variant: None,
        severity: E,
        explanation: "Go could not reach the module proxy or repository {host} to fetch \
            {modver}: {cause}. Check the network, an HTTP(S) proxy (HTTPS_PROXY), a firewall or \
            a corporate TLS interceptor, and GOPROXY; a mirror (e.g. \
            GOPROXY=https://goproxy.cn,direct in mainland China) may be reachable when \
            proxy.golang.org is not.",
        fixes: &[
            Go("go env GOPROXY"),
            Go("go env -w GOPROXY=https://proxy.golang.org,direct"),
            Go("go env -w GOPROXY=https://goproxy.cn,direct"),
            Sh(
                "curl -sSI https://proxy.golang.org/",
                "Invoke-WebRequest -Method Head https://proxy.golang.org/",
                "curl -sSI https://proxy.golang.org/",
            ),
        ],
    },
    Entry {
        id: "private-module-auth",
        variant: None,
        severity: E,
        explanation: "Fetching {modver} needs credentials: the server answered 401/403 or git \
            asked for a user name, which Go forbids (it runs git with prompts disabled). For a \
            private module, list it in GOPRIVATE (so neither the public proxy nor the checksum \
            database is asked), and give git credentials that work without a prompt: an SSH \
            key with a url.insteadOf rewrite, a credential helper, or a .netrc entry.",
        fixes: &[
            Go("go env -w GOPRIVATE={private}"),
            Sh(
                "git config --global url.\"git@{host}:\".insteadOf \"https://{host}/\"",
                "git config --global url.\"git@{host}:\".insteadOf \"https://{host}/\"",
                "git config --global url.\"git@{host}:\".insteadOf \"https://{host}/\"",
            ),
            Sh(
                "git ls-remote https://{host}/{repo}",
                "git ls-remote https://{host}/{repo}",
                "git ls-remote https://{host}/{repo}",
            ),
        ],
    },
    Entry {
        id: "goproxy-off",
        variant: None,
        severity: E,
        explanation: "GOPROXY=off forbids downloading modules, and {modver} is not in the module \
            cache. Allow downloads again, or fill the cache first on a machine that can.",
        fixes: &[
            Go("go env -u GOPROXY"),
            Sh("unset GOPROXY", "Remove-Item Env:GOPROXY", "set GOPROXY="),
            Go("go env GOPROXY"),
        ],
    },
    Entry {
        id: "vendor-inconsistent",
        variant: None,
        severity: E,
        explanation: "The vendor directory of {path} no longer matches go.mod (for example \
            {modver}): go.mod was edited after the last go mod vendor. Run go mod vendor again, \
            or build without the vendor directory.",
        fixes: &[
            Go("go mod vendor"),
            Sh(
                "GOFLAGS=-mod=mod go build ./...",
                "$env:GOFLAGS='-mod=mod'; go build ./...",
                "set GOFLAGS=-mod=mod && go build ./...",
            ),
        ],
    },
    Entry {
        id: "permission-denied",
        variant: Some("read-only-cache"),
        severity: E,
        explanation: "{path} is in the module cache, which Go makes read-only on purpose \
            (directories 0555, files 0444) so builds cannot change downloaded code. rm -rf and \
            file managers therefore fail there. Remove it the way Go does: go clean -modcache, \
            or this app's clean, which makes directories writable first.",
        fixes: &[
            Act("clean-version:{modver}"),
            Act("clean-modcache"),
            Go("go clean -modcache"),
            Sh("chmod -R u+w {modcache} && rm -rf {modcache}", "", ""),
        ],
    },
    Entry {
        id: "permission-denied",
        variant: Some("other-owner"),
        severity: E,
        explanation: "{path} belongs to another user (often root, after a sudo go command or a \
            container run), so Go cannot create, change or delete files there as you. Give the \
            module cache back to your user; do not run go with sudo.",
        fixes: &[Act("fix-ownership"), CHOWN, Go("go clean -modcache")],
    },
    Entry {
        id: "file-locked",
        variant: None,
        severity: E,
        explanation: "Windows refused to delete or replace {path} because a program still has it \
            open (\"being used by another process\"), or because of a read-only attribute or an \
            antivirus scan (\"Access is denied\"). Close editors, gopls, dlv and running Go \
            programs that use the cache, then retry; Go itself retries for about 2 seconds.",
        fixes: &[
            Act("show-lockers"),
            Sh(
                "",
                "Get-Process go, gopls, dlv -ErrorAction SilentlyContinue | Select-Object Id, ProcessName, Path",
                "tasklist /fi \"imagename eq gopls.exe\"",
            ),
            Go("go clean -modcache"),
        ],
    },
    Entry {
        id: "disk-full",
        variant: None,
        severity: E,
        explanation: "The disk holding {path} is full, so Go could not write {modver} into its \
            cache. Free space: the build cache can always be deleted safely, old module versions \
            too (they are downloaded again when needed).",
        fixes: &[
            Act("clean-build"),
            Go("go clean -cache"),
            Sh(
                "df -h {path}",
                "Get-PSDrive -PSProvider FileSystem",
                "dir {path}",
            ),
            Go("go clean -modcache"),
        ],
    },
    Entry {
        id: "gocache-off",
        variant: Some("off"),
        severity: E,
        explanation: "GOCACHE=off disables the build cache, which every build has required since \
            Go 1.12. Unset GOCACHE (in the environment and in go env -w).",
        fixes: &[
            Go("go env -u GOCACHE"),
            Sh("unset GOCACHE", "Remove-Item Env:GOCACHE", "set GOCACHE="),
        ],
    },
    Entry {
        id: "gocache-off",
        variant: Some("undefined"),
        severity: E,
        explanation: "Go cannot locate its build cache: GOCACHE is not set and neither HOME nor \
            XDG_CACHE_HOME (LocalAppData on Windows) is defined, which happens in services, CI \
            jobs and containers. Set HOME or GOCACHE to an absolute directory.",
        fixes: &[Sh(
            "export GOCACHE=\"${TMPDIR:-/tmp}/go-build\"",
            "$env:GOCACHE = \"$env:TEMP\\go-build\"",
            "set GOCACHE=%TEMP%\\go-build",
        )],
    },
    Entry {
        id: "gocache-off",
        variant: Some("relative"),
        severity: E,
        explanation: "GOCACHE is a relative path ({value}); Go ignores it and works as if the \
            build cache were off. Set an absolute directory or unset it.",
        fixes: &[
            Go("go env -u GOCACHE"),
            Sh("unset GOCACHE", "Remove-Item Env:GOCACHE", "set GOCACHE="),
        ],
    },
    Entry {
        id: "gomodcache-not-absolute",
        variant: None,
        severity: E,
        explanation: "GOMODCACHE is the relative path {path}; Go requires an absolute path, so \
            every module command fails. Unset it (the default is GOPATH/pkg/mod) or set an \
            absolute directory.",
        fixes: &[
            Go("go env -u GOMODCACHE"),
            Sh(
                "unset GOMODCACHE",
                "Remove-Item Env:GOMODCACHE",
                "set GOMODCACHE=",
            ),
        ],
    },
    Entry {
        id: "toolchain-download-failed",
        variant: None,
        severity: E,
        explanation: "go.mod (or GOTOOLCHAIN) asks for Go {goversion}, newer than the installed \
            Go, and downloading that toolchain failed: it does not exist, the proxy is \
            unreachable or off, or GOSUMDB=off (toolchain downloads need the checksum \
            database). Install that Go version, fix GOPROXY/GOSUMDB, or use the local Go with \
            GOTOOLCHAIN=local (builds may then fail if go.mod really needs the newer Go).",
        fixes: &[
            Go("go env GOTOOLCHAIN GOPROXY GOSUMDB"),
            Sh(
                "GOTOOLCHAIN=local go version",
                "$env:GOTOOLCHAIN='local'; go version",
                "set GOTOOLCHAIN=local && go version",
            ),
            Go("go env -u GOSUMDB"),
        ],
    },
    Entry {
        id: "dir-modified",
        variant: None,
        severity: E,
        explanation: "go mod verify found that the files of {modver} in the module cache ({path}) \
            no longer match what was downloaded: something edited them (an editor, a script, \
            GOFLAGS=-modcacherw). Remove that version so Go downloads a clean copy.",
        fixes: &[
            Act("clean-version:{modver}"),
            Act("verify"),
            Go("go clean -modcache"),
            Go("go mod download {modver}"),
        ],
    },
    Entry {
        id: "not-recognized",
        variant: None,
        severity: I,
        explanation: "Go Cache Doctor does not recognize this output. General checklist: 1) read \
            the first error line (later ones often follow from it); 2) go env GOPROXY GOPRIVATE \
            GOSUMDB GOFLAGS GOMODCACHE GOCACHE; 3) go mod tidy, then go mod verify; 4) if the \
            module cache may be broken, verify it and clean the broken versions; 5) never fix \
            cache permissions with sudo rm: clean with go clean -modcache.",
        fixes: &[
            Go("go env GOPROXY GOPRIVATE GOSUMDB GOFLAGS GOMODCACHE GOCACHE"),
            Go("go mod tidy"),
            Go("go mod verify"),
            Act("verify"),
        ],
    },
    // ---- Environment checks ----
    Entry {
        id: "gosumdb-off",
        variant: None,
        severity: W,
        explanation: "GOSUMDB=off (from {source}): Go no longer checks new modules against the \
            public checksum database, so a compromised proxy or re-tagged version goes unnoticed, \
            and toolchain downloads fail. For private modules use GOPRIVATE/GONOSUMDB instead.",
        fixes: &[Go("go env -u GOSUMDB"), Go("go env -w GOPRIVATE={private}")],
    },
    Entry {
        id: "goprivate-too-broad",
        variant: None,
        severity: W,
        explanation: "{var}={value} includes {pattern}, which matches public modules too: Go \
            then skips the checksum database (and the proxy) for them. List only your private \
            hosts or organisations (e.g. github.com/your-org).",
        fixes: &[Go("go env -w {var}={narrowed}")],
    },
    Entry {
        id: "goprivate-missing",
        variant: None,
        severity: W,
        explanation: "{pattern} is private but not listed in GOPRIVATE (or GONOSUMDB): Go asks \
            the public proxy and checksum database for it, which fails or leaks the module path.",
        fixes: &[Go("go env -w GOPRIVATE={list}")],
    },
    Entry {
        id: "modcacherw",
        variant: None,
        severity: W,
        explanation: "GOFLAGS contains -modcacherw (from {source}): the module cache is left \
            writable, so editors and tools can change downloaded code without Go noticing until \
            go mod verify. It makes rm -rf work, but go clean -modcache (or this app) does that \
            safely anyway.",
        fixes: &[Go("go env -w GOFLAGS={flags}"), Act("verify")],
    },
    Entry {
        id: "goproxy-off",
        variant: Some("env"),
        severity: W,
        explanation: "GOPROXY=off (from {source}): Go cannot download any module that is not \
            already in the module cache.",
        fixes: &[Go("go env -u GOPROXY")],
    },
    Entry {
        id: "goproxy-direct",
        variant: None,
        severity: W,
        explanation: "GOPROXY={value} (from {source}): every module is fetched from its \
            repository with git and no proxy, which is slower, fails when a repository \
            disappears, and needs git for everything. Put a proxy first.",
        fixes: &[Go("go env -w GOPROXY=https://proxy.golang.org,direct")],
    },
    Entry {
        id: "goinsecure",
        variant: None,
        severity: W,
        explanation: "GOINSECURE={value} (from {source}): modules matching it may be fetched \
            over plain HTTP or with unverified certificates. Use it only for a test server.",
        fixes: &[Go("go env -u GOINSECURE")],
    },
    Entry {
        id: "cache-on-network-fs",
        variant: None,
        severity: W,
        explanation: "The {cache} ({path}) is on a network filesystem ({fstype}). Go's file \
            locks and renames are unreliable there and every build is slower; several machines \
            sharing it can corrupt it. Move it to a local disk.",
        fixes: &[Sh(
            "go env -w {var}=\"$HOME/.cache/{default_name}\"",
            "go env -w {var}=\"$env:LocalAppData\\{default_name}\"",
            "go env -w {var}=%LocalAppData%\\{default_name}",
        )],
    },
    Entry {
        id: "cache-on-removable",
        variant: None,
        severity: I,
        explanation: "The {cache} ({path}) is on a removable drive ({fstype}): builds fail while \
            it is unplugged, and FAT/exFAT drives ignore the permissions Go uses.",
        fixes: &[Sh(
            "go env -w {var}=\"$HOME/.cache/{default_name}\"",
            "go env -w {var}=\"$env:LocalAppData\\{default_name}\"",
            "go env -w {var}=%LocalAppData%\\{default_name}",
        )],
    },
    Entry {
        id: "modcache-other-owner",
        variant: None,
        severity: E,
        explanation: "The module cache {path} (or part of it) belongs to {owner}, not to you: \
            downloads and go clean -modcache will fail with \"permission denied\". This usually \
            follows a sudo go command. Give it back to your user.",
        fixes: &[Act("fix-ownership"), CHOWN],
    },
    Entry {
        id: "modcache-writable",
        variant: None,
        severity: W,
        explanation: "{count} of {sampled} sampled files in the module cache are writable (Go \
            extracts them read-only), for example {path}. Something changed their permissions \
            (-modcacherw, chmod -R, a copy); verify the cache to be sure no file was edited.",
        fixes: &[Act("verify"), Go("go mod verify")],
    },
    Entry {
        id: "toolchain-in-modcache",
        variant: None,
        severity: W,
        explanation: "The go command in use ({path}) lives inside the module cache (a toolchain \
            downloaded by GOTOOLCHAIN). Cleaning the module cache deletes it; Go downloads it \
            again on the next command if the network allows.",
        fixes: &[Go("go env GOTOOLCHAIN")],
    },
    Entry {
        id: "case-insensitive-fs",
        variant: None,
        severity: I,
        explanation: "{os} filesystems are usually case-insensitive, which is why the module cache \
            stores upper-case letters as '!' plus the lower-case letter \
            (github.com/BurntSushi is github.com/!burnt!sushi on disk). Never rename or merge \
            such directories by hand.",
        fixes: &[],
    },
];

fn entry(id: &str, variant: Option<&str>) -> Option<&'static Entry> {
    CATALOG
        .iter()
        .find(|e| e.id == id && e.variant == variant)
        .or_else(|| CATALOG.iter().find(|e| e.id == id && e.variant.is_none()))
        .or_else(|| CATALOG.iter().find(|e| e.id == id))
}

/// Builds the finding for a match: the table's explanation and fixes filled with the match's
/// and the context's values.
pub(crate) fn finding(m: Match, ctx: &Context) -> Finding {
    let mut vals: BTreeMap<&str, String> = m.extra.clone();
    if let Some(v) = &m.module {
        vals.insert("module", v.clone());
        if let Some(p) = private_pattern(v) {
            vals.entry("private").or_insert(p);
        }
        if let Some((host, repo)) = host_repo(v) {
            vals.entry("host").or_insert(host);
            vals.entry("repo").or_insert(repo);
        }
    }
    if let Some(v) = &m.version {
        vals.insert("version", v.clone());
        vals.entry("goversion").or_insert(v.clone());
    }
    if let (Some(a), Some(b)) = (&m.module, &m.version) {
        vals.insert("modver", format!("{a}@{b}"));
    }
    if let Some(p) = &m.path {
        vals.insert("path", p.clone());
        vals.entry("value").or_insert(p.clone());
    }
    // The module cache the text is about: ours, unless the text names a path in another one.
    let from_text = m.path.as_deref().and_then(modcache_of);
    let ours_named = |c: &str| m.path.as_deref().is_some_and(|p| p.starts_with(c));
    let modcache = match (&ctx.gomodcache, from_text) {
        (Some(c), Some(t)) if !ours_named(c) => Some(t),
        (Some(c), _) => Some(c.clone()),
        (None, t) => t,
    };
    if let Some(mc) = modcache {
        vals.insert("modcache", mc);
    }
    if let Some(gc) = &ctx.gocache {
        vals.insert("gocache", gc.clone());
    }
    if let Some(v) = m.variant {
        vals.entry("cause").or_insert(cause_words(v).to_owned());
    }
    let (explanation, fixes) = match entry(m.id, m.variant) {
        Some(e) => (
            fill_text(e.explanation, &vals),
            e.fixes
                .iter()
                .flat_map(|t| render(*t, &vals, ctx))
                .collect(),
        ),
        None => (String::new(), Vec::new()),
    };
    let severity = entry(m.id, m.variant).map_or(Severity::Info, |e| e.severity);
    Finding {
        id: m.id.to_owned(),
        variant: m.variant.map(str::to_owned),
        severity,
        module: m.module,
        version: m.version,
        path: m.path,
        explanation,
        fixes,
    }
}

/// A finding of an environment check: explanation and fixes from the table with `vals`.
pub(crate) fn env_finding(
    id: &'static str,
    variant: Option<&'static str>,
    path: Option<String>,
    vals: BTreeMap<&'static str, String>,
    ctx: &Context,
) -> Finding {
    let mut m = Match::new(id);
    m.variant = variant;
    m.path = path;
    m.extra = vals;
    finding(m, ctx)
}

fn cause_words(variant: &str) -> &'static str {
    match variant {
        "dns" => "the host name could not be resolved (DNS)",
        "tls" => "the TLS certificate was not accepted",
        "timeout" => "the connection timed out",
        "refused" => "the connection was refused (nothing listens there)",
        "unreachable" => "the network is unreachable or the connection was reset",
        _ => "the request failed",
    }
}

/// `<root>` of a path `<root>/.../pkg/mod/...` (the default module cache layout).
fn modcache_of(p: &str) -> Option<String> {
    for sep in ["/pkg/mod", "\\pkg\\mod"] {
        if let Some(i) = p.find(sep) {
            return p.get(..i + sep.len()).map(str::to_owned);
        }
    }
    None
}

/// A GOPRIVATE pattern for a module: `host/org` on the big code hosts, else the host.
pub(crate) fn private_pattern(module: &str) -> Option<String> {
    let mut it = module.split('/');
    let host = it.next().filter(|h| h.contains('.'))?;
    let org = it.next();
    const HOSTS: [&str; 4] = ["github.com", "gitlab.com", "bitbucket.org", "gitee.com"];
    Some(match org {
        Some(o) if HOSTS.contains(&host) => format!("{host}/{o}"),
        _ => host.to_owned(),
    })
}

fn host_repo(module: &str) -> Option<(String, String)> {
    let (host, rest) = module.split_once('/')?;
    if !host.contains('.') {
        return None;
    }
    let repo: Vec<&str> = rest.split('/').take(2).collect();
    Some((host.to_owned(), repo.join("/")))
}

/// Placeholders in explanations: missing values become neutral words.
fn fill_text(t: &str, vals: &BTreeMap<&str, String>) -> String {
    replace_placeholders(t, |name| {
        vals.get(name).cloned().or_else(|| {
            Some(match name {
                "modver" => vals
                    .get("module")
                    .map_or_else(|| "a module".to_owned(), |m| m.clone()),
                "module" => "a module".to_owned(),
                "version" => "the requested version".to_owned(),
                "path" | "value" => "a file".to_owned(),
                "url" => "no URL shown".to_owned(),
                "host" => "the server".to_owned(),
                "goversion" => "a newer version".to_owned(),
                "source" => "your settings".to_owned(),
                "owner" => "another user".to_owned(),
                _ => "?".to_owned(),
            })
        })
    })
    .unwrap_or_default()
}

/// Commands: one fix per shell; path values quoted; `None` when a value is missing.
fn render(t: T, vals: &BTreeMap<&str, String>, ctx: &Context) -> Vec<Fix> {
    match t {
        Act(a) => replace_placeholders(a, |n| vals.get(n).cloned())
            .map(|text| Fix {
                kind: FixKind::Action,
                shell: None,
                text,
            })
            .into_iter()
            .collect(),
        Go(_) | Sh(..) => ctx
            .shells
            .iter()
            .filter_map(|&shell| {
                let tpl = match t {
                    Go(s) => s,
                    Sh(b, p, c) => match shell {
                        Shell::Bash => b,
                        Shell::Powershell => p,
                        Shell::Cmd => c,
                    },
                    Act(_) => return None,
                };
                if tpl.is_empty() {
                    return None;
                }
                let text = replace_placeholders(tpl, |n| match (vals.get(n), n) {
                    (Some(v), "path" | "modcache" | "gocache") => Some(quote(v, shell)),
                    (Some(v), _) => Some(v.clone()),
                    (None, "modcache") => Some(go_env_expr("GOMODCACHE", shell, ctx.os)),
                    (None, "gocache") => Some(go_env_expr("GOCACHE", shell, ctx.os)),
                    (None, _) => None,
                })?;
                Some(Fix {
                    kind: FixKind::Command,
                    shell: Some(shell),
                    text,
                })
            })
            .collect(),
    }
}

/// A shell expression for `go env VAR` when the real value is not known.
fn go_env_expr(var: &str, shell: Shell, os: OsKind) -> String {
    match shell {
        Shell::Bash => format!("\"$(go env {var})\""),
        Shell::Powershell => format!("(go env {var})"),
        Shell::Cmd => match (var, os) {
            ("GOCACHE", _) => "\"%LocalAppData%\\go-build\"".to_owned(),
            _ => "\"%USERPROFILE%\\go\\pkg\\mod\"".to_owned(),
        },
    }
}

/// Quotes a value for `shell` (bash and PowerShell single quotes, cmd double quotes).
pub(crate) fn quote(v: &str, shell: Shell) -> String {
    match shell {
        Shell::Bash => format!("'{}'", v.replace('\'', "'\\''")),
        Shell::Powershell => format!("'{}'", v.replace('\'', "''")),
        Shell::Cmd => format!("\"{v}\""),
    }
}

/// Replaces `{name}` placeholders; `None` when `f` has no value for one of them.
fn replace_placeholders(t: &str, mut f: impl FnMut(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(t.len() + 32);
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(rest.get(..i)?);
        let after = rest.get(i + 1..)?;
        match after.find('}') {
            Some(j)
                if after.get(..j).is_some_and(|n| {
                    !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                }) =>
            {
                out.push_str(&f(after.get(..j)?)?);
                rest = after.get(j + 1..)?;
            }
            _ => {
                // A literal brace (PowerShell `${env:USERNAME}`).
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_has_an_entry_and_every_entry_an_id() {
        for id in IDS {
            assert!(CATALOG.iter().any(|e| e.id == *id), "{id} has no entry");
        }
        for e in CATALOG {
            assert!(IDS.contains(&e.id), "{} is not in IDS", e.id);
        }
    }

    #[test]
    fn placeholders() {
        let v = BTreeMap::from([("a", "x".to_owned())]);
        assert_eq!(
            replace_placeholders("{a} ${env:U} {b}", |n| v.get(n).cloned()),
            None
        );
        assert_eq!(
            replace_placeholders("{a} ${env:USERNAME}", |n| v.get(n).cloned()).as_deref(),
            Some("x ${env:USERNAME}")
        );
        assert_eq!(quote("/a'b", Shell::Bash), "'/a'\\''b'");
        assert_eq!(quote("C:\\a'b", Shell::Powershell), "'C:\\a''b'");
        assert_eq!(
            private_pattern("github.com/acme/x/y").as_deref(),
            Some("github.com/acme")
        );
        assert_eq!(
            private_pattern("git.corp.io/x").as_deref(),
            Some("git.corp.io")
        );
        assert_eq!(private_pattern("fmt"), None);
    }
}
