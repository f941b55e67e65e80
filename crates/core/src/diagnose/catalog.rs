//! The catalog: one table row per finding id (and variant) holding its severity, its
//! plain-language explanation and its fix templates. All user-facing English of the doctor
//! lives here, so a translation replaces this table only.
//!
//! Every row carries its explanation in English (`explanation`) and Simplified Chinese (`zh`,
//! with exactly the same placeholders); commands and actions are the same in every language.
//!
//! Templates use `{name}` placeholders: `module`, `version`, `modver` (`module@version`),
//! `path`, `modcache`, `gocache`, `workspace` (a CI job's directory; unknown: the job's
//! variables or the current directory), `url`, `host`, `private` (a GOPRIVATE pattern for the
//! module), `goversion`, `value`, `list`, and for macOS' `permission-denied` causes beyond
//! ownership `flag_path` (the entry carrying the file flags) and `noflags` / `sudo_noflags`
//! (the `chflags` keywords that clear them, the second when it takes an administrator: the
//! command without a value is left out). A module or version from pasted text is used only
//! when Go would accept it ([`crate::modpath`]; issue #12); otherwise the explanation shows it
//! marked as invalid and no command or action gets it. In commands every value is quoted for
//! the shell ([`render_command`], [`crate::quote`]): path placeholders (`path`, `modcache`,
//! `gocache`, `flag_path`) always, others when they are not plain words. A fix whose placeholder has no
//! value, or a value its shell cannot quote, is left out (paths fall back to `go env`
//! expressions first).

use std::collections::BTreeMap;

use super::parse::Match;
use super::{Context, Finding, Fix, FixKind, Shell};
use crate::discover::Severity;
use crate::i18n::Lang;
use crate::os::OsKind;
use crate::{modpath, quote};

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
    /// English.
    explanation: &'static str,
    /// Simplified Chinese: the same placeholders as `explanation`.
    zh: &'static str,
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
    "cache-restore-over-readonly",
    "toolchain-before-restore",
    "readonly-modcache-in-workspace",
    "goauth-failed",
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
        explanation: "Checksum mismatch: Go got {downloaded} for {modver}, but the checksum \
            recorded in go.sum is {gosum}. Three \
            causes give this error: the copy in the module cache is corrupted, go.sum is wrong \
            (an edit, a merge, a line written through another proxy), or the version changed \
            upstream. Downloading again only repeats the error unless the cache was the \
            problem, so look first: verify the cached copy, and compare go.sum with what the \
            proxy serves. If the cached copy is broken, remove only this version and download \
            it again; there is no need to wipe the whole module cache.",
        zh: "校验和不匹配：Go 为 {modver} 得到的是 {downloaded}，而 go.sum 中记录的校验和是 {gosum}。有三种原因会导致这个错误：模块缓存中的副本已损坏；go.sum 有误（被编辑过、合并冲突、或者是通过另一个代理写入的）；或者该版本在上游发生了变化。除非问题出在缓存，否则重新下载只会重复同样的错误，所以请先查明：校验缓存中的副本，并把 go.sum 与代理提供的内容进行比较。如果缓存副本已损坏，只需删除这一个版本并重新下载，不必清空整个模块缓存。",
        fixes: &[
            Act("verify"),
            Go("gocache-doctor verify --project . --compare-proxy"),
            Act("clean-version:{modver}"),
            Go("gocache-doctor clean --module {modver}"),
            Go("go mod download {modver}"),
        ],
    },
    Entry {
        id: "checksum-mismatch",
        variant: Some("go-sum-not-cached"),
        severity: E,
        explanation: "Go downloaded {modver} and got {downloaded}, but go.sum records {gosum}, \
            so it discarded the download: the module cache does not hold this version. What \
            the proxy serves today differs from go.sum, so either go.sum is wrong (an edit, a \
            merge, a line written through another proxy) or the version changed upstream (a \
            moved tag). Downloading again or cleaning the cache only repeats the error. Check \
            go.sum's history and compare with the proxy (and, where GOSUMDB allows, the \
            checksum database). If go.sum is wrong, delete its lines for {module} {version} \
            and run go mod download {modver} to record the right hash.",
        zh: "Go 下载了 {modver}，得到的是 {downloaded}，而 go.sum 记录的是 {gosum}，因此 Go 丢弃了这次下载：模块缓存中没有这个版本。代理当前提供的内容与 go.sum 不一致，所以要么 go.sum 有误（被编辑过、合并冲突、或者是通过另一个代理写入的），要么该版本在上游发生了变化（tag 被移动）。重新下载或清理缓存只会重复同样的错误。请查看 go.sum 的历史，并与代理（以及 GOSUMDB 允许时的校验和数据库）进行比较。如果是 go.sum 有误，删除其中 {module} {version} 的行，再运行 go mod download {modver} 记录正确的哈希。",
        fixes: &[
            Go("gocache-doctor verify --project . --compare-proxy"),
            Go("git log -p -- go.sum"),
            Go("go mod download {modver}"),
        ],
    },
    Entry {
        id: "checksum-mismatch",
        variant: Some("go-sum-cache-intact"),
        severity: E,
        explanation: "The module cache holds an intact copy of {modver}: its zip hashes to \
            {ziphash}, the hash Go recorded when it downloaded it (Go reports downloaded \
            {downloaded}), but go.sum records {gosum}. The cache is not corrupted: either the \
            cached copy came from elsewhere (another proxy, a direct fetch of a tag that has \
            moved since), or go.sum is wrong, or the version changed upstream. Compare with \
            the proxy first. If the proxy serves go.sum's hash, remove only this version and \
            download it again; if it serves the cached hash, go.sum is wrong (or upstream \
            changed) and a new download repeats the error.",
        zh: "模块缓存中的 {modver} 副本是完好的：它的 zip 的哈希为 {ziphash}，与 Go 下载时记录的一致（Go 报告下载到的是 {downloaded}），但 go.sum 记录的是 {gosum}。缓存没有损坏：要么缓存副本来自别处（另一个代理，或直接获取了之后被移动的 tag），要么 go.sum 有误，要么该版本在上游发生了变化。请先与代理比较。如果代理提供的是 go.sum 中的哈希，只需删除这一个版本并重新下载；如果代理提供的是缓存中的哈希，说明 go.sum 有误（或上游变了），重新下载只会重复同样的错误。",
        fixes: &[
            Go("gocache-doctor verify --project . --compare-proxy"),
            Act("clean-version:{modver}"),
            Go("gocache-doctor clean --module {modver}"),
            Go("go mod download {modver}"),
        ],
    },
    Entry {
        id: "checksum-mismatch",
        variant: Some("go-sum-cache-corrupted"),
        severity: E,
        explanation: "The module cache copy of {modver} is corrupted: its zip now hashes to \
            {ziphash_zip}, but Go recorded {ziphash} when it downloaded and checked it (go.sum \
            records {gosum}; Go reports downloaded {downloaded}). The download was right and \
            the files changed afterwards. Remove only this version and download it again; the \
            rest of the cache is fine.",
        zh: "模块缓存中 {modver} 的副本已损坏：它的 zip 现在的哈希为 {ziphash_zip}，而 Go 在下载并校验时记录的是 {ziphash}（go.sum 记录的是 {gosum}；Go 报告下载到的是 {downloaded}）。当初的下载是正确的，文件是之后被改动的。只需删除这一个版本并重新下载，缓存的其余部分没有问题。",
        fixes: &[
            Act("clean-version:{modver}"),
            Go("gocache-doctor clean --module {modver}"),
            Go("go mod download {modver}"),
            Act("verify"),
        ],
    },
    Entry {
        id: "checksum-mismatch",
        variant: Some("sumdb"),
        severity: E,
        explanation: "Go got {downloaded} for {modver}, but the checksum database (sum.golang.org \
            or GOSUMDB) publishes {gosum}. The cached copy may be corrupted, or the proxy or \
            origin served content that differs from what everyone else got. Remove only this \
            version and download it again through the default proxy.",
        zh: "Go 为 {modver} 得到的是 {downloaded}，而校验和数据库（sum.golang.org 或 GOSUMDB）公布的是 {gosum}。可能是缓存中的副本已损坏，或者代理或源站返回的内容与其他人拿到的不同。只需删除这一个版本，再通过默认代理重新下载。",
        fixes: &[
            Act("clean-version:{modver}"),
            Go("gocache-doctor clean --module {modver}"),
            Sh(
                "GOPROXY=https://proxy.golang.org,direct go mod download {modver}",
                "$env:GOPROXY='https://proxy.golang.org,direct'; go mod download {modver}",
                "set GOPROXY=https://proxy.golang.org,direct && go mod download {modver}",
            ),
        ],
    },
    Entry {
        id: "missing-go-sum-entry",
        variant: None,
        severity: E,
        explanation: "go.sum has no checksum for the module providing {module}, and this command \
            may not add one (-mod=readonly, the default for builds since Go 1.16). Let Go record \
            the missing checksums, then commit go.sum.",
        zh: "go.sum 中没有提供 {module} 的模块的校验和，而当前命令不允许添加（-mod=readonly，自 Go 1.16 起构建默认如此）。请让 Go 记录缺失的校验和，然后提交 go.sum。",
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
        zh: "构建列表中没有任何模块提供包 {module}，代理也找不到。请检查导入路径是否有拼写错误；如果是私有仓库，把它加入 GOPRIVATE，让 Go 直接拉取；否则用 go get 添加该模块。",
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
        zh: "{module} 的仓库中没有名为 {version} 的 tag、分支或提交。可能是版本号写错了、tag 已被删除或尚未推送，或者仓库是私有的（此时没有凭据和 GOPRIVATE，Go 看不到它）。",
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
        zh: "Go 拒绝了 {module} 的版本 {version}：它不是规范的语义化版本（如 v1.2.3）、在代理上不存在，或者主版本号与模块路径不符（v2 及以上需要 /v2 后缀）。",
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
        zh: "模块代理回复 {modver} 不存在（{url}）。可能是版本号写错或已被撤回（retract）、模块是私有的（公共代理看不到它：请设置 GOPRIVATE），或者 GOPROXY 指向了错误的服务器或目录。",
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
        zh: "Go 无法连接模块代理或仓库 {host} 来获取 {modver}：{cause}。请检查网络、HTTP(S) 代理（HTTPS_PROXY）、防火墙或企业 TLS 拦截，以及 GOPROXY；proxy.golang.org 无法访问时，镜像（例如中国大陆可用 GOPROXY=https://goproxy.cn,direct）往往仍可访问。",
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
        zh: "获取 {modver} 需要凭据：服务器返回了 401/403，或者 git 要求输入用户名，而 Go 不允许交互（它运行 git 时禁用了终端提示）。对于私有模块，请把它加入 GOPRIVATE（这样既不访问公共代理，也不查询校验和数据库），并为 git 配置无需提示即可使用的凭据：配合 url.insteadOf 改写的 SSH 密钥、凭据助手（credential helper）或 .netrc 条目。",
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
        zh: "GOPROXY=off 禁止下载模块，而 {modver} 不在模块缓存中。请重新允许下载，或者先在能联网的机器上填充模块缓存。",
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
        zh: "{path} 的 vendor 目录与 go.mod 不再一致（例如 {modver}）：上次 go mod vendor 之后 go.mod 又被修改过。请重新运行 go mod vendor，或者不使用 vendor 目录进行构建。",
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
            (directories 0555 and files 0444 on Linux and macOS, the read-only attribute on \
            Windows) so builds cannot change downloaded code. rm -rf, del and file managers \
            therefore fail there. Remove it the way Go does: go clean -modcache, or this app's \
            clean, which makes the entries writable first.",
        zh: "{path} 位于模块缓存中，Go 有意把模块缓存设为只读（在 Linux 和 macOS 上目录为 0555、文件为 0444，在 Windows 上为只读属性），以防构建修改已下载的代码，因此 rm -rf、del 和文件管理器在这里会失败。请按 Go 的方式删除：go clean -modcache，或者使用本应用的清理功能（它会先把这些条目改为可写）。",
        fixes: &[
            Act("clean-version:{modver}"),
            Act("clean-modcache"),
            Go("go clean -modcache"),
            // PowerShell's -Force removes read-only files; cmd's rmdir does not.
            Sh(
                "chmod -R u+w {modcache} && rm -rf {modcache}",
                "Remove-Item -Recurse -Force {modcache}",
                "",
            ),
        ],
    },
    Entry {
        id: "permission-denied",
        variant: Some("other-owner"),
        severity: E,
        explanation: "{path} belongs to another user (often root, after a sudo go command or a \
            container run), so Go cannot create, change or delete files there as you. Give the \
            module cache back to your user; do not run go with sudo.",
        zh: "{path} 属于另一个用户（通常是 root，因为之前用 sudo 运行过 go 命令或在容器中运行过），所以 Go 无法以你的身份在那里创建、修改或删除文件。请把模块缓存的所有权还给你的用户；不要用 sudo 运行 go。",
        fixes: &[Act("fix-ownership"), CHOWN, Go("go clean -modcache")],
    },
    Entry {
        id: "permission-denied",
        variant: Some("user-immutable"),
        severity: E,
        explanation: "{path} is locked by the user immutable or append-only flag (uchg/uappnd, \
            set with chflags, Finder's Locked box or a backup or sync tool). While it is set, \
            macOS refuses to change or delete the entry (\"operation not permitted\") for \
            everyone, an administrator included, so chmod, chown and sudo do not help. Clear \
            the flag (its owner can), then retry; this app's clean clears it by itself on the \
            files you own in the cache it deletes.",
        zh: "{path} 被用户不可更改或仅追加标志锁定（uchg/uappnd，由 chflags、访达的“已锁定”选项或备份、同步工具设置）。只要该标志存在，macOS 就拒绝任何人（包括管理员）修改或删除它（\"operation not permitted\"），所以 chmod、chown 和 sudo 都没有用。请先清除该标志（文件的所有者即可清除），然后重试；本应用的清理功能会自动清除缓存中属于你的文件上的该标志。",
        fixes: &[
            Sh("chflags -R {noflags} {flag_path}", "", ""),
            Sh("sudo chflags -R {sudo_noflags} {flag_path}", "", ""),
            Act("clean-version:{modver}"),
        ],
    },
    Entry {
        id: "permission-denied",
        variant: Some("system-immutable"),
        severity: E,
        explanation: "{path} is locked by a system flag (schg/sappnd: system immutable or \
            append-only). macOS refuses to change or delete it (\"operation not permitted\") \
            for everyone, an administrator included, until the flag is cleared; only an \
            administrator can clear it, and on a Mac running at a raised security level \
            (kern.securelevel above 0) only after starting up in single-user mode. Go never \
            sets it: find out what did (a backup, security or device-management tool) before \
            clearing it.",
        zh: "{path} 被系统标志锁定（schg/sappnd：系统不可更改或仅追加）。在清除该标志之前，macOS 拒绝任何人（包括管理员）修改或删除它（\"operation not permitted\"）；只有管理员能清除它，而在提高了安全级别（kern.securelevel 大于 0）的 Mac 上，只能在单用户模式下启动后清除。Go 从不设置该标志：清除之前请先查明是什么设置的（备份、安全或设备管理工具）。",
        fixes: &[
            Sh("ls -ldO {flag_path}", "", ""),
            Sh("chflags -R {noflags} {flag_path}", "", ""),
            Sh("sudo chflags -R {sudo_noflags} {flag_path}", "", ""),
        ],
    },
    Entry {
        id: "permission-denied",
        variant: Some("sip-restricted"),
        severity: E,
        explanation: "{path} is protected by macOS System Integrity Protection (SIP: the \
            restricted flag or the com.apple.rootless attribute). No program may change or \
            delete it without Apple's entitlement, an administrator included, so sudo fails \
            too (\"operation not permitted\"). A Go cache does not belong there: keep \
            GOMODCACHE and GOCACHE in a folder of yours (the defaults are ~/go/pkg/mod and \
            ~/Library/Caches/go-build).",
        zh: "{path} 受 macOS 系统完整性保护（SIP：restricted 标志或 com.apple.rootless 属性）保护。没有 Apple 授权的程序（包括管理员）都不能修改或删除它，所以 sudo 也会失败（\"operation not permitted\"）。Go 缓存不应放在那里：请把 GOMODCACHE 和 GOCACHE 放在你自己的文件夹中（默认是 ~/go/pkg/mod 和 ~/Library/Caches/go-build）。",
        fixes: &[
            Sh("ls -ldO {flag_path}", "", ""),
            Go("go env GOMODCACHE GOCACHE"),
        ],
    },
    Entry {
        id: "permission-denied",
        variant: Some("privacy-denied"),
        severity: E,
        explanation: "macOS privacy protection refused access to {path} (\"operation not \
            permitted\", although the files are yours and no flag is set): it is in a \
            protected place (a folder in ~/Library, Desktop, Documents, Downloads, or an \
            external or network volume), and the program that failed has not been allowed in. \
            Give it Full Disk Access: System Settings > Privacy & Security > Full Disk Access \
            (macOS 12 and earlier: System Preferences > Security & Privacy > Privacy > Full \
            Disk Access), add the app (Go Cache Doctor, or the terminal you run go in), then \
            quit and reopen it. chmod, chown and sudo do not help.",
        zh: "macOS 隐私保护拒绝访问 {path}（\"operation not permitted\"，尽管这些文件属于你且没有设置任何标志）：它位于受保护的位置（~/Library 中的文件夹、桌面、文稿、下载，或外置、网络宗卷），而失败的程序未获准访问。请给予它完全磁盘访问权限：系统设置 > 隐私与安全性 > 完全磁盘访问权限（macOS 12 及更早版本：系统偏好设置 > 安全性与隐私 > 隐私 > 完全磁盘访问权限），添加该应用（Go Cache Doctor，或你运行 go 的终端），然后退出并重新打开它。chmod、chown 和 sudo 都没有用。",
        fixes: &[Sh(
            "open \"x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles\"",
            "",
            "",
        )],
    },
    Entry {
        id: "file-locked",
        variant: None,
        severity: E,
        explanation: "Windows refused to delete or replace {path} because a program still has it \
            open (\"being used by another process\"), or because of a read-only attribute or an \
            antivirus scan (\"Access is denied\"). Close editors, gopls, dlv and running Go \
            programs that use the cache, then retry; Go itself retries for about 2 seconds.",
        zh: "Windows 拒绝删除或替换 {path}：某个程序仍打开着它（\"being used by another process\"），或者文件带有只读属性、正被杀毒软件扫描（\"Access is denied\"）。请关闭使用该缓存的编辑器、gopls、dlv 和正在运行的 Go 程序，然后重试；Go 自身会重试约 2 秒。",
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
        zh: "{path} 所在的磁盘已满，Go 无法把 {modver} 写入缓存。请释放空间：构建缓存随时可以安全删除，旧的模块版本也可以（需要时会重新下载）。",
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
        zh: "GOCACHE=off 关闭了构建缓存，而自 Go 1.12 起每次构建都需要它。请取消设置 GOCACHE（包括环境变量和 go env -w 中的设置）。",
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
            XDG_CACHE_HOME (LocalAppData on Windows; on macOS only HOME, for \
            ~/Library/Caches) is defined, which happens in services, CI jobs and containers. Set HOME or GOCACHE to an absolute directory.",
        zh: "Go 找不到构建缓存的位置：GOCACHE 未设置，HOME 和 XDG_CACHE_HOME（Windows 上为 LocalAppData；macOS 上只看 HOME，即 ~/Library/Caches）也都未定义，这常见于系统服务、CI 任务和容器中。请把 HOME 或 GOCACHE 设为一个绝对路径目录。",
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
        zh: "GOCACHE 是相对路径（{value}）；Go 会忽略它，表现得就像构建缓存被关闭一样。请设置一个绝对路径目录，或者取消设置。",
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
        zh: "GOMODCACHE 是相对路径 {path}；Go 要求绝对路径，因此所有模块命令都会失败。请取消设置（默认为 GOPATH/pkg/mod），或者设为一个绝对路径目录。",
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
        zh: "go.mod（或 GOTOOLCHAIN）要求 Go {goversion}，比已安装的 Go 新，而下载该工具链失败了：该版本不存在、代理无法访问或被关闭，或者 GOSUMDB=off（下载工具链需要校验和数据库）。请安装该 Go 版本、修正 GOPROXY/GOSUMDB，或者用 GOTOOLCHAIN=local 使用本地的 Go（如果 go.mod 确实需要更新的 Go，构建可能会失败）。",
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
        zh: "go mod verify 发现模块缓存中 {modver} 的文件（{path}）与下载时不再一致：有东西修改过它们（编辑器、脚本、GOFLAGS=-modcacherw）。请删除该版本，让 Go 重新下载一份干净的副本。",
        fixes: &[
            Act("clean-version:{modver}"),
            Act("verify"),
            Go("go clean -modcache"),
            Go("go mod download {modver}"),
        ],
    },
    // ---- CI jobs (issue #18; docs/ci.md) ----
    Entry {
        id: "cache-restore-over-readonly",
        variant: None,
        severity: E,
        explanation: "Restoring a CI cache failed on {path}: tar extracted the saved module \
            cache over one that already exists ({modcache}), and Go makes a module cache \
            read-only (directories 0555, files 0444), so tar can neither replace its files nor \
            create new ones in its directories (GNU tar: \"Cannot open: File exists\", macOS \
            tar: \"Can't unlink already-existing object\"). The cache is then only partly \
            restored. The module cache was there before the restore: a self-hosted runner kept \
            it from an earlier job, setup-go ran twice, or a go command ran before the restore \
            step. Run gocache-doctor ci prepare right before the restore step: it makes the \
            existing module cache writable (with --remove it deletes it). setup-go's own cache \
            (cache: true) restores inside setup-go: turn it off (cache: false) and restore with \
            actions/cache after ci prepare.",
        zh: "恢复 CI 缓存时在 {path} 上失败：tar 把保存的模块缓存解压到一个已经存在的模块缓存（{modcache}）之上，而 Go 会把模块缓存设为只读（目录 0555、文件 0444），所以 tar 既不能替换其中的文件，也不能在其目录中创建新文件（GNU tar：\"Cannot open: File exists\"，macOS tar：\"Can't unlink already-existing object\"）。缓存因此只恢复了一部分。恢复之前模块缓存就已存在：自托管 runner 保留了之前任务的缓存、setup-go 运行了两次，或者在恢复步骤之前运行过 go 命令。请在恢复步骤之前运行 gocache-doctor ci prepare：它会把已有的模块缓存改为可写（加 --remove 则删除它）。setup-go 自带的缓存（cache: true）在 setup-go 内部恢复：请关闭它（cache: false），并在 ci prepare 之后用 actions/cache 恢复。",
        fixes: &[
            Go("gocache-doctor ci prepare"),
            Go("gocache-doctor ci prepare --remove"),
            Sh(
                "chmod -R u+w {modcache}",
                "Get-ChildItem -Recurse -File {modcache} | ForEach-Object { $_.IsReadOnly = $false }",
                "",
            ),
        ],
    },
    Entry {
        id: "toolchain-before-restore",
        variant: None,
        severity: E,
        explanation: "Restoring a CI cache failed on {path}: the module cache already held the \
            Go toolchain {goversion} ({modver}), read-only like every module. A go command ran \
            before the restore step (often setup-go's own go env, or go version) and, because \
            go.mod asks for a newer Go than the one installed (its go or toolchain line, with \
            GOTOOLCHAIN=auto), downloaded that toolchain into the module cache; the restore \
            cannot write over it. Install the Go version go.mod asks for (setup-go: \
            go-version-file: go.mod), or set GOTOOLCHAIN=local for the steps before the \
            restore, and run gocache-doctor ci prepare right before the restore step.",
        zh: "恢复 CI 缓存时在 {path} 上失败：模块缓存中已经有 Go 工具链 {goversion}（{modver}），它和所有模块一样是只读的。在恢复步骤之前运行过 go 命令（常见的是 setup-go 自己执行的 go env，或 go version），而 go.mod 要求的 Go 比已安装的新（它的 go 或 toolchain 行，且 GOTOOLCHAIN=auto），于是该工具链被下载到了模块缓存中；恢复无法覆盖它。请安装 go.mod 要求的 Go 版本（setup-go：go-version-file: go.mod），或者在恢复之前的步骤中设置 GOTOOLCHAIN=local，并在恢复步骤之前运行 gocache-doctor ci prepare。",
        fixes: &[
            Go("gocache-doctor ci prepare"),
            Sh(
                "export GOTOOLCHAIN=local",
                "$env:GOTOOLCHAIN = 'local'",
                "set GOTOOLCHAIN=local",
            ),
            Go("go env GOTOOLCHAIN"),
        ],
    },
    Entry {
        id: "readonly-modcache-in-workspace",
        variant: None,
        severity: E,
        explanation: "A module cache inside the CI workspace could not be removed ({path}): Go \
            makes its directories read-only, so the checkout's clean (actions/checkout, git \
            clean) or rm fails with EACCES or \"Permission denied\", and the next job on this \
            runner fails too. It happens when GOPATH or GOMODCACHE points into the workspace \
            (GOPATH=$CI_PROJECT_DIR/.go on GitLab, self-hosted runners that reuse the \
            workspace). Remove it at the end of the job or before the checkout with \
            gocache-doctor ci stray and --yes on the workspace ({workspace}), keep new \
            downloads writable with GOFLAGS=-modcacherw (gocache-doctor ci prepare makes a \
            restored cache writable), or keep the module cache outside the workspace.",
        zh: "无法删除 CI 工作区中的模块缓存（{path}）：Go 会把它的目录设为只读，因此检出步骤的清理（actions/checkout、git clean）或 rm 会以 EACCES 或 \"Permission denied\" 失败，这个 runner 上的下一个任务也会失败。当 GOPATH 或 GOMODCACHE 指向工作区内部时就会发生（GitLab 上的 GOPATH=$CI_PROJECT_DIR/.go，或复用工作区的自托管 runner）。请在任务结束时或检出之前，对工作区（{workspace}）运行带 --yes 的 gocache-doctor ci stray 删除它；用 GOFLAGS=-modcacherw 让新下载的模块保持可写（gocache-doctor ci prepare 会把恢复的缓存改为可写）；或者把模块缓存放在工作区之外。",
        fixes: &[
            Go("gocache-doctor ci stray {workspace} --yes"),
            Sh(
                "export GOFLAGS=-modcacherw",
                "$env:GOFLAGS = '-modcacherw'",
                "set GOFLAGS=-modcacherw",
            ),
            Go("gocache-doctor ci prepare"),
            Sh(
                "chmod -R u+w {modcache} && rm -rf {modcache}",
                "Remove-Item -Recurse -Force {modcache}",
                "",
            ),
        ],
    },
    Entry {
        id: "goauth-failed",
        variant: Some("git-dir"),
        severity: E,
        explanation: "Go rejected GOAUTH=git: the word git must be followed by the absolute \
            path of an existing git working directory (GOAUTH='git /path/to/checkout'), where \
            Go runs git credential fill to get credentials (Go 1.24 and later). In CI use the \
            checkout's directory ($GITHUB_WORKSPACE, $CI_PROJECT_DIR), or netrc.",
        zh: "Go 拒绝了 GOAUTH=git：git 后面必须跟一个已存在的 git 工作目录的绝对路径（GOAUTH='git /path/to/checkout'），Go 会在该目录中运行 git credential fill 获取凭据（Go 1.24 及以后）。在 CI 中请使用检出目录（$GITHUB_WORKSPACE、$CI_PROJECT_DIR），或者使用 netrc。",
        fixes: &[
            Go("go env GOAUTH"),
            Sh(
                "export GOAUTH=\"git $PWD\"",
                "$env:GOAUTH = \"git $PWD\"",
                "set GOAUTH=git %CD%",
            ),
            Go("go env -u GOAUTH"),
        ],
    },
    Entry {
        id: "goauth-failed",
        variant: Some("setting"),
        severity: E,
        explanation: "Go rejected the GOAUTH setting (Go 1.24 and later): it is a list of \
            commands separated by semicolons (netrc, git DIR, off, or a program with its \
            arguments, quoted as in a shell); no command may be empty, off cannot be combined \
            with others, and a program must print URLs, a blank line and headers. Check \
            GOAUTH in the environment and in go env -w, or unset it (the default is netrc).",
        zh: "Go 拒绝了 GOAUTH 的设置（Go 1.24 及以后）：它是用分号分隔的命令列表（netrc、git DIR、off，或带参数的程序，按 shell 方式加引号）；任何命令都不能为空，off 不能与其他命令组合，程序必须输出 URL、一个空行和请求头。请检查环境变量和 go env -w 中的 GOAUTH，或者取消设置（默认为 netrc）。",
        fixes: &[
            Go("go env GOAUTH"),
            Go("go env -u GOAUTH"),
            Sh("unset GOAUTH", "Remove-Item Env:GOAUTH", "set GOAUTH="),
        ],
    },
    Entry {
        id: "goauth-failed",
        variant: Some("command"),
        severity: E,
        explanation: "No GOAUTH command gave Go a credential for {host} (Go 1.24 and later; \
            these lines appear with go -x): the command (git credential fill, or your program) \
            failed or printed something Go cannot parse, so Go sent the request without \
            credentials and the server refused it. Run the command by hand to see its error \
            (for git: which credential helper git uses for the host), and in CI set up the \
            credential (a token in ~/.netrc, a git credential helper) in the job before go \
            runs.",
        zh: "没有任何 GOAUTH 命令为 {host} 提供凭据（Go 1.24 及以后；这些行在 go -x 下出现）：该命令（git credential fill 或你的程序）失败了，或者输出了 Go 无法解析的内容，于是 Go 在没有凭据的情况下发送了请求，被服务器拒绝。请手动运行该命令查看错误（对于 git：查看 git 对该主机使用哪个凭据助手）；在 CI 中，请在运行 go 之前于任务中配置好凭据（~/.netrc 中的令牌、git 凭据助手）。",
        fixes: &[
            Go("go env GOAUTH"),
            Go("git config --get-urlmatch credential.helper https://{host}/"),
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
        zh: "Go Cache Doctor 无法识别这段输出。通用排查步骤：1) 先看第一条错误（后面的错误往往由它引起）；2) go env GOPROXY GOPRIVATE GOSUMDB GOFLAGS GOMODCACHE GOCACHE；3) 先 go mod tidy，再 go mod verify；4) 如果模块缓存可能已损坏，先校验它，再清理损坏的版本；5) 不要用 sudo rm 解决缓存权限问题：用 go clean -modcache 清理。",
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
        zh: "GOSUMDB=off（来源：{source}）：Go 不再用公共校验和数据库校验新模块，被入侵的代理或重新打 tag 的版本都不会被发现，而且工具链下载会失败。私有模块请改用 GOPRIVATE/GONOSUMDB。",
        fixes: &[Go("go env -u GOSUMDB"), Go("go env -w GOPRIVATE={private}")],
    },
    Entry {
        id: "goprivate-too-broad",
        variant: None,
        severity: W,
        explanation: "{var}={value} includes {pattern}, which matches public modules too: Go \
            then skips the checksum database (and the proxy) for them. List only your private \
            hosts or organisations (e.g. github.com/your-org).",
        zh: "{var}={value} 包含 {pattern}，它也会匹配公共模块：Go 会因此对这些模块跳过校验和数据库（以及代理）。请只列出你的私有主机或组织（例如 github.com/your-org）。",
        fixes: &[Go("go env -w {var}={narrowed}")],
    },
    Entry {
        id: "goprivate-missing",
        variant: None,
        severity: W,
        explanation: "{pattern} is private but not listed in GOPRIVATE (or GONOSUMDB): Go asks \
            the public proxy and checksum database for it, which fails or leaks the module path.",
        zh: "{pattern} 是私有的，但未列入 GOPRIVATE（或 GONOSUMDB）：Go 会向公共代理和校验和数据库查询它，结果要么失败，要么泄露模块路径。",
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
        zh: "GOFLAGS 包含 -modcacherw（来源：{source}）：模块缓存保持可写，编辑器和工具可能修改已下载的代码，而 Go 直到 go mod verify 才会发现。它能让 rm -rf 成功，但 go clean -modcache（或本应用）本来就能安全地完成删除。",
        fixes: &[Go("go env -w GOFLAGS={flags}"), Act("verify")],
    },
    Entry {
        id: "goproxy-off",
        variant: Some("env"),
        severity: W,
        explanation: "GOPROXY=off (from {source}): Go cannot download any module that is not \
            already in the module cache.",
        zh: "GOPROXY=off（来源：{source}）：Go 无法下载任何不在模块缓存中的模块。",
        fixes: &[Go("go env -u GOPROXY")],
    },
    Entry {
        id: "goproxy-direct",
        variant: None,
        severity: W,
        explanation: "GOPROXY={value} (from {source}): every module is fetched from its \
            repository with git and no proxy, which is slower, fails when a repository \
            disappears, and needs git for everything. Put a proxy first.",
        zh: "GOPROXY={value}（来源：{source}）：所有模块都不经代理、直接用 git 从仓库获取，这更慢，仓库消失后就会失败，而且一切都依赖 git。请把一个代理放在最前面。",
        fixes: &[Go("go env -w GOPROXY=https://proxy.golang.org,direct")],
    },
    Entry {
        id: "goinsecure",
        variant: None,
        severity: W,
        explanation: "GOINSECURE={value} (from {source}): modules matching it may be fetched \
            over plain HTTP or with unverified certificates. Use it only for a test server.",
        zh: "GOINSECURE={value}（来源：{source}）：与之匹配的模块可能通过明文 HTTP 或未经验证的证书获取。仅应在测试服务器上使用。",
        fixes: &[Go("go env -u GOINSECURE")],
    },
    Entry {
        id: "cache-on-network-fs",
        variant: None,
        severity: W,
        explanation: "The {cache} ({path}) is on a network filesystem ({fstype}). Go's file \
            locks and renames are unreliable there and every build is slower; several machines \
            sharing it can corrupt it. Move it to a local disk.",
        zh: "{cache}（{path}）位于网络文件系统（{fstype}）上。在那里 Go 的文件锁和重命名不可靠，每次构建也更慢；多台机器共享时还可能损坏缓存。请把它移到本地磁盘。",
        fixes: &[Sh(
            "go env -w {var}=\"{user_cache}/{default_name}\"",
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
        zh: "{cache}（{path}）位于可移动驱动器（{fstype}）上：拔出时构建会失败，而且 FAT/exFAT 驱动器会忽略 Go 所依赖的权限。",
        fixes: &[Sh(
            "go env -w {var}=\"{user_cache}/{default_name}\"",
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
        zh: "模块缓存 {path}（或其中一部分）属于 {owner}，而不是你：下载和 go clean -modcache 都会因 \"permission denied\" 而失败。这通常是之前用 sudo 运行过 go 命令造成的。请把所有权还给你的用户。",
        fixes: &[Act("fix-ownership"), CHOWN],
    },
    Entry {
        id: "modcache-writable",
        variant: None,
        severity: W,
        explanation: "{count} of {sampled} sampled files in the module cache are writable (Go \
            extracts them read-only), for example {path}. Something changed their permissions \
            (-modcacherw, chmod -R, a copy); verify the cache to be sure no file was edited.",
        zh: "模块缓存中抽查的 {sampled} 个文件里有 {count} 个是可写的（Go 解压时会设为只读），例如 {path}。有东西改变了它们的权限（-modcacherw、chmod -R、复制）；请校验缓存，确认没有文件被修改过。",
        fixes: &[Act("verify"), Go("go mod verify")],
    },
    Entry {
        id: "toolchain-in-modcache",
        variant: None,
        severity: W,
        explanation: "The go command in use ({path}) lives inside the module cache (a toolchain \
            downloaded by GOTOOLCHAIN). Cleaning the module cache deletes it; Go downloads it \
            again on the next command if the network allows.",
        zh: "正在使用的 go 命令（{path}）位于模块缓存中（它是由 GOTOOLCHAIN 下载的工具链）。清理模块缓存会删除它；如果网络允许，Go 会在下一条命令时重新下载。",
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
        zh: "{os} 的文件系统通常不区分大小写，因此模块缓存把大写字母存为 '!' 加对应的小写字母（github.com/BurntSushi 在磁盘上是 github.com/!burnt!sushi）。切勿手动重命名或合并这类目录。",
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

/// Ids whose `module` is a package (import) path rather than a module path.
const PACKAGE_IDS: [&str; 2] = ["module-not-found", "missing-go-sum-entry"];

/// Whether a pasted module (or package) token is what Go accepts: [`modpath::check_path`], or
/// [`modpath::check_import_path`] for the ids that name a package.
fn module_ok(id: &str, module: &str) -> bool {
    if PACKAGE_IDS.contains(&id) {
        modpath::check_import_path(module).is_ok()
    } else {
        modpath::check_path(module).is_ok()
    }
}

/// Whether a version token may be shown without a warning although it is no module version:
/// a revision (`master`, a commit hash), a toolchain (`go1.22.0`) or a non-canonical version
/// (`v1.0`) made of the characters Go allows in paths.
fn version_displayable(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 128
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.' | '_' | '~' | '/'))
}

/// A host name for a command: lower-case letters, digits, `.` and `-` (Go's first-element
/// rule), optionally `:port`.
fn host_ok(h: &str) -> bool {
    let (name, port) = match h.rsplit_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (h, None),
    };
    !name.is_empty()
        && !name.starts_with(['-', '.'])
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-'))
        && port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Pasted text shown in an explanation although it failed validation: control characters
/// escaped, long tokens cut, in quotes, followed by why it is used in no command.
fn rejected_text(token: &str, what: &str, lang: Lang) -> String {
    let mut shown: String = token
        .chars()
        .take(120)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if token.chars().count() > 120 {
        shown.push('…');
    }
    let note = match what {
        "version" => lang.pick(
            "not a valid module version: shown as pasted, used in no command",
            "不是有效的模块版本：按粘贴原样显示，未用于任何命令",
        ),
        _ => lang.pick(
            "not a valid module path: shown as pasted, used in no command",
            "不是有效的模块路径：按粘贴原样显示，未用于任何命令",
        ),
    };
    lang.pick(
        &format!("\u{201c}{shown}\u{201d} ({note})"),
        &format!("\u{201c}{shown}\u{201d}（{note}）"),
    )
    .to_owned()
}

/// Builds the finding for a match: the table's explanation and fixes filled with the match's
/// and the context's values.
///
/// The module and version come from pasted text, so they are checked as Go checks them
/// ([`crate::modpath`]) before any use: a token that fails is shown in the explanation as
/// text marked as invalid, is left out of the finding's `module`/`version`, and every fix
/// that needs it (commands and actions) is left out. Commands quote every value for their
/// shell ([`crate::quote`]).
pub(crate) fn finding(m: Match, ctx: &Context) -> Finding {
    let lang = ctx.lang;
    let module = m.module.as_deref().filter(|v| module_ok(m.id, v));
    let version = m
        .version
        .as_deref()
        .filter(|v| modpath::check_version_query(v).is_ok());
    // What the explanation shows, and what commands may use.
    let mut text: BTreeMap<&str, String> = m.extra.clone();
    let mut cmd: BTreeMap<&str, String> = m.extra.clone();
    cmd.retain(|k, v| *k != "host" || host_ok(v));
    if let Some(v) = &m.module {
        match module {
            Some(ok) => {
                for vals in [&mut text, &mut cmd] {
                    vals.insert("module", ok.to_owned());
                    if let Some(p) = private_pattern(ok) {
                        vals.entry("private").or_insert(p);
                    }
                    if let Some((host, repo)) = host_repo(ok) {
                        vals.entry("host").or_insert(host);
                        vals.entry("repo").or_insert(repo);
                    }
                }
            }
            None => {
                text.insert("module", rejected_text(v, "module", lang));
            }
        }
    }
    // A version shown as it is: valid, or a revision or toolchain name of plain characters.
    let version_shown = m
        .version
        .as_deref()
        .is_some_and(|v| version.is_some() || version_displayable(v));
    let version_text = m.version.as_deref().map(|v| {
        if version_shown {
            v.to_owned()
        } else {
            rejected_text(v, "version", lang)
        }
    });
    if let Some(vt) = &version_text {
        text.insert("version", vt.clone());
        text.entry("goversion").or_insert(vt.clone());
    }
    if let Some(v) = version {
        cmd.insert("version", v.to_owned());
        cmd.entry("goversion").or_insert(v.to_owned());
    }
    if let (Some(a), Some(b)) = (&m.module, &m.version) {
        if let (Some(a), Some(b)) = (module, version) {
            cmd.insert("modver", format!("{a}@{b}"));
        }
        let shown = match module {
            Some(a) if version_shown => format!("{a}@{b}"),
            Some(_) => rejected_text(&format!("{a}@{b}"), "version", lang),
            None => rejected_text(&format!("{a}@{b}"), "module", lang),
        };
        text.insert("modver", shown);
    }
    if let Some(p) = &m.path {
        for vals in [&mut text, &mut cmd] {
            vals.insert("path", p.clone());
            vals.entry("value").or_insert(p.clone());
        }
    }
    // The module cache the text is about: ours, unless the text names a path in another one.
    // On Windows a path may be written with `/` (Git Bash, Go's own messages) and in any case:
    // compare in one form, and write a cache taken from the text with `\` only.
    let windows = ctx.os == OsKind::Windows;
    let norm = |s: &str| {
        if windows {
            s.replace('/', "\\").to_ascii_lowercase()
        } else {
            s.to_owned()
        }
    };
    // A relative path (tar's `../../go/pkg/mod/...`, relative to a directory the text does
    // not name) names no cache a command could use.
    let from_text = m
        .path
        .as_deref()
        .and_then(modcache_of)
        .filter(|t| is_absolute(t))
        .map(|t| if windows { t.replace('/', "\\") } else { t });
    let ours_named = |c: &str| {
        m.path
            .as_deref()
            .is_some_and(|p| norm(p).starts_with(&norm(c)))
    };
    let modcache = match (&ctx.gomodcache, from_text) {
        (Some(c), Some(t)) if !ours_named(c) => Some(t),
        (Some(c), _) => Some(c.clone()),
        (None, t) => t,
    };
    for vals in [&mut text, &mut cmd] {
        if let Some(mc) = &modcache {
            vals.insert("modcache", mc.clone());
        }
        if let Some(gc) = &ctx.gocache {
            vals.insert("gocache", gc.clone());
        }
        if let Some(v) = m.variant {
            vals.entry("cause")
                .or_insert(cause_words(v, lang).to_owned());
        }
    }
    let (explanation, fixes) = match entry(m.id, m.variant) {
        Some(e) => (
            fill_text(lang.pick(e.explanation, e.zh), &text, lang),
            e.fixes.iter().flat_map(|t| render(*t, &cmd, ctx)).collect(),
        ),
        None => (String::new(), Vec::new()),
    };
    let severity = entry(m.id, m.variant).map_or(Severity::Info, |e| e.severity);
    Finding {
        id: m.id.to_owned(),
        variant: m.variant.map(str::to_owned),
        severity,
        module: module.map(str::to_owned),
        version: m.version.filter(|_| version_shown),
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

fn cause_words(variant: &str, lang: Lang) -> &'static str {
    let (en, zh) = match variant {
        "dns" => (
            "the host name could not be resolved (DNS)",
            "无法解析主机名（DNS）",
        ),
        "tls" => ("the TLS certificate was not accepted", "TLS 证书未被接受"),
        "timeout" => ("the connection timed out", "连接超时"),
        "refused" => (
            "the connection was refused (nothing listens there)",
            "连接被拒绝（该地址上没有服务在监听）",
        ),
        "unreachable" => (
            "the network is unreachable or the connection was reset",
            "网络不可达或连接被重置",
        ),
        _ => ("the request failed", "请求失败"),
    };
    lang.pick(en, zh)
}

/// An absolute path on Unix (`/x`) or Windows (`C:\\x`, `C:/x`, `\\\\server\\share`).
fn is_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with('/')
        || p.starts_with("\\\\")
        || b.len() > 2
            && b.first().is_some_and(u8::is_ascii_alphabetic)
            && b.get(1) == Some(&b':')
            && matches!(b.get(2), Some(b'\\' | b'/'))
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
fn fill_text(t: &str, vals: &BTreeMap<&str, String>, lang: Lang) -> String {
    replace_placeholders(t, |name| {
        vals.get(name).cloned().or_else(|| {
            let (en, zh) = match name {
                "modver" => {
                    return vals
                        .get("module")
                        .cloned()
                        .or_else(|| Some(lang.pick("a module", "某个模块").to_owned()));
                }
                "module" => ("a module", "某个模块"),
                "version" => ("the requested version", "所请求的版本"),
                "path" | "value" => ("a file", "某个文件"),
                "url" => ("no URL shown", "未显示 URL"),
                "host" => ("the server", "服务器"),
                "goversion" => ("a newer version", "更新的版本"),
                "source" => ("your settings", "你的设置"),
                "owner" => ("another user", "其他用户"),
                "workspace" => ("the job's directory", "任务的目录"),
                "downloaded" => ("another hash", "另一个哈希"),
                "gosum" => ("the recorded hash", "记录的哈希"),
                "ziphash" | "ziphash_zip" => ("a hash", "某个哈希"),
                _ => ("?", "?"),
            };
            Some(lang.pick(en, zh).to_owned())
        })
    })
    .unwrap_or_default()
}

/// Placeholders whose values are file-system paths: always quoted.
const PATH_NAMES: [&str; 5] = ["path", "modcache", "gocache", "flag_path", "workspace"];

/// Commands: one fix per shell, every value quoted for it ([`render_command`]); actions only
/// with valid values. `None` (no fix) when a value is missing or cannot be written safely.
fn render(t: T, vals: &BTreeMap<&str, String>, ctx: &Context) -> Vec<Fix> {
    match t {
        Act(a) => replace_placeholders(a, |n| vals.get(n).cloned())
            .filter(|text| super::Action::parse(text).is_some())
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
                Some(Fix {
                    kind: FixKind::Command,
                    shell: Some(shell),
                    text: render_command(tpl, vals, shell, ctx.os, matches!(t, Go(_)))?,
                })
            })
            .collect(),
    }
}

/// Fills a command template for `shell`, word by word (templates separate words with single
/// spaces):
///
/// * a word without placeholders is the template's own shell text, kept as is, except that in
///   a `go` command (`native`, the same text for every shell) PowerShell gets a bare word with
///   `,` quoted (it would pass `GOPROXY=a,b` to go as two arguments, an array);
/// * a word whose values are all plain for the shell ([`quote::is_plain`]) gets them bare;
/// * a word with a path value, or a value that is not plain, is quoted as a whole
///   ([`quote::quote`]), which needs the template's own part of the word to be plain; when it
///   is not (the value sits inside the template's quotes or `$(...)`), or the value cannot be
///   quoted for the shell, the command is left out (`None`).
///
/// A path that is not known is replaced by a `go env` expression of the shell.
fn render_command(
    tpl: &str,
    vals: &BTreeMap<&str, String>,
    shell: Shell,
    os: OsKind,
    native: bool,
) -> Option<String> {
    let mut words = Vec::new();
    for w in tpl.split(' ') {
        let mut placeholders = 0;
        let mut needs_quotes = false;
        let mut expr = false;
        let filled = replace_placeholders(w, |n| {
            placeholders += 1;
            match (vals.get(n), n) {
                (Some(v), _) => {
                    quote::check(v, shell).ok()?;
                    if PATH_NAMES.contains(&n) || !quote::is_plain(v, shell) {
                        needs_quotes = true;
                    }
                    Some(v.clone())
                }
                (None, "modcache") => {
                    expr = true;
                    Some(go_env_expr("GOMODCACHE", shell, os))
                }
                (None, "gocache") => {
                    expr = true;
                    Some(go_env_expr("GOCACHE", shell, os))
                }
                (None, "workspace") => {
                    expr = true;
                    Some(workspace_expr(shell))
                }
                (None, "user_cache") => {
                    expr = true;
                    Some(user_cache_expr(shell, os))
                }
                (None, _) => None,
            }
        })?;
        if placeholders == 0 {
            let ps_array = native
                && shell == Shell::Powershell
                && w.contains(',')
                && quote::is_plain(&w.replace(',', ""), shell);
            words.push(if ps_array {
                quote::quote(w, shell).ok()?
            } else {
                w.to_owned()
            });
            continue;
        }
        if !needs_quotes && !filled.is_empty() {
            words.push(filled);
            continue;
        }
        let own = replace_placeholders(w, |_| Some(String::new()))?;
        if expr || !quote::is_plain(&own, shell) {
            return None;
        }
        words.push(quote::quote(&filled, shell).ok()?);
    }
    Some(words.join(" "))
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

/// A shell expression for the CI job's workspace when the text names none (`{workspace}`):
/// GitHub's `GITHUB_WORKSPACE`, GitLab's `CI_PROJECT_DIR`, else the current directory (where
/// a job's steps start).
fn workspace_expr(shell: Shell) -> String {
    match shell {
        Shell::Bash => "\"${GITHUB_WORKSPACE:-${CI_PROJECT_DIR:-$PWD}}\"".to_owned(),
        Shell::Powershell => "(Get-Location).Path".to_owned(),
        Shell::Cmd => "\"%CD%\"".to_owned(),
    }
}

/// A shell expression for the user's cache directory, `os.UserCacheDir()` as Go defines it
/// (`{user_cache}` in templates): `~/Library/Caches` on macOS, `~/.cache` on Linux (its
/// `XDG_CACHE_HOME` default), `%LocalAppData%` on Windows.
fn user_cache_expr(shell: Shell, os: OsKind) -> String {
    match (shell, os) {
        (Shell::Bash, OsKind::Macos) => "$HOME/Library/Caches".to_owned(),
        (Shell::Bash, _) => "$HOME/.cache".to_owned(),
        (Shell::Powershell, _) => "$env:LocalAppData".to_owned(),
        (Shell::Cmd, _) => "%LocalAppData%".to_owned(),
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

    /// The `{name}` placeholders of a template.
    fn names(t: &str) -> Vec<String> {
        let mut v = Vec::new();
        let _ = replace_placeholders(t, |n| {
            v.push(n.to_owned());
            Some(String::new())
        });
        v.sort();
        v.dedup();
        v
    }

    #[test]
    fn every_entry_is_translated_with_the_same_placeholders() {
        for e in CATALOG {
            let key = format!("{} {:?}", e.id, e.variant);
            assert!(!e.explanation.trim().is_empty(), "{key}: English empty");
            assert!(!e.zh.trim().is_empty(), "{key}: Chinese empty");
            assert_ne!(e.explanation, e.zh, "{key}: not translated");
            assert!(
                e.zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{key}: no Chinese characters"
            );
            assert_eq!(
                names(e.explanation),
                names(e.zh),
                "{key}: placeholders differ"
            );
        }
    }

    #[test]
    fn rendered_findings_keep_values_and_commands_across_languages() {
        for e in CATALOG {
            // Every placeholder of the row gets a distinct value the text must show.
            let mut m = Match::new(e.id);
            m.variant = e.variant;
            m.module = Some("github.com/Acme/Widget".to_owned());
            m.version = Some("v1.2.3".to_owned());
            m.path = Some("/home/u/go/pkg/mod/github.com/!acme/widget@v1.2.3/x.go".to_owned());
            let mut extra = BTreeMap::new();
            for n in names(e.explanation) {
                let leaked: &'static str = Box::leak(n.clone().into_boxed_str());
                extra.entry(leaked).or_insert(format!("<{n}-value>"));
            }
            for k in [
                "module",
                "version",
                "path",
                "modver",
                "value",
                "goversion",
                "cause",
            ] {
                extra.remove(k);
            }
            m.extra = extra;
            for os in [OsKind::Linux, OsKind::Macos, OsKind::Windows] {
                let ctx = Context::for_os(os);
                let en = finding(m.clone(), &ctx);
                let zh = finding(m.clone(), &ctx.clone().with_lang(Lang::ZhHans));
                let key = format!("{} {:?} {os:?}", e.id, e.variant);
                assert_eq!(en.fixes, zh.fixes, "{key}: fixes differ");
                assert_eq!(
                    (
                        &en.id,
                        &en.variant,
                        en.severity,
                        &en.module,
                        &en.version,
                        &en.path
                    ),
                    (
                        &zh.id,
                        &zh.variant,
                        zh.severity,
                        &zh.module,
                        &zh.version,
                        &zh.path
                    ),
                    "{key}"
                );
                assert_ne!(en.explanation, zh.explanation, "{key}");
                assert!(!zh.explanation.contains('{'), "{key}: {}", zh.explanation);
                let mut shown = 0;
                for v in [
                    "github.com/Acme/Widget@v1.2.3",
                    "github.com/Acme/Widget",
                    "v1.2.3",
                    "/home/u/go/pkg/mod/github.com/!acme/widget@v1.2.3/x.go",
                ]
                .into_iter()
                .chain(m.extra.values().map(String::as_str))
                {
                    assert_eq!(
                        en.explanation.contains(v),
                        zh.explanation.contains(v),
                        "{key}: {v:?} in one language only:\n{}\n{}",
                        en.explanation,
                        zh.explanation
                    );
                    shown += usize::from(zh.explanation.contains(v));
                }
                assert!(
                    names(e.explanation).is_empty() || shown > 0,
                    "{key}: no value shown: {}",
                    zh.explanation
                );
            }
        }
    }

    /// Moving a cache off a network or removable volume suggests the OS's own user cache
    /// directory (Go's `os.UserCacheDir`): `~/Library/Caches` on macOS, not `~/.cache`.
    #[test]
    fn cache_moves_suggest_the_os_user_cache_dir() {
        let fixes = |id: &'static str, os: OsKind| {
            let vals = BTreeMap::from([
                ("cache", "build cache".to_owned()),
                ("path", "/Volumes/share/go-build".to_owned()),
                ("fstype", "smbfs".to_owned()),
                ("var", "GOCACHE".to_owned()),
                ("default_name", "go-build".to_owned()),
            ]);
            env_finding(id, None, None, vals, &Context::for_os(os))
                .fixes
                .into_iter()
                .map(|f| f.text)
                .collect::<Vec<_>>()
        };
        for id in ["cache-on-network-fs", "cache-on-removable"] {
            assert_eq!(
                fixes(id, OsKind::Macos),
                ["go env -w GOCACHE=\"$HOME/Library/Caches/go-build\""],
                "{id}"
            );
            assert_eq!(
                fixes(id, OsKind::Linux),
                ["go env -w GOCACHE=\"$HOME/.cache/go-build\""],
                "{id}"
            );
            assert_eq!(
                fixes(id, OsKind::Windows),
                [
                    "go env -w GOCACHE=\"$env:LocalAppData\\go-build\"",
                    "go env -w GOCACHE=%LocalAppData%\\go-build"
                ],
                "{id}"
            );
        }
    }

    /// Values from the machine's settings (not validated: GOPRIVATE lists, GOFLAGS) are quoted
    /// per shell as whole words, or the command is left out where the shell cannot quote them.
    #[test]
    fn setting_values_are_one_word_in_every_shell() {
        use crate::quote::tests::{NASTY, split};
        for v in NASTY
            .iter()
            .copied()
            .chain(["git.corp.example,github.com/acme", ""])
        {
            for os in [OsKind::Linux, OsKind::Windows] {
                let ctx = Context::for_os(os);
                let f = env_finding(
                    "goprivate-missing",
                    None,
                    None,
                    BTreeMap::from([("pattern", "x".to_owned()), ("list", v.to_owned())]),
                    &ctx,
                );
                for shell in &ctx.shells {
                    let fix = f.fixes.iter().find(|x| x.shell == Some(*shell));
                    let quotable = crate::quote::check(v, *shell).is_ok();
                    assert_eq!(fix.is_some(), quotable, "{shell:?} {v:?}: {fix:?}");
                    if let Some(fix) = fix {
                        assert_eq!(
                            split(&fix.text, *shell),
                            Some(vec![
                                "go".to_owned(),
                                "env".to_owned(),
                                "-w".to_owned(),
                                format!("GOPRIVATE={v}")
                            ]),
                            "{shell:?}: {}",
                            fix.text
                        );
                    }
                }
            }
        }
        // Plain values stay bare; PowerShell quotes a comma list (it would be an array).
        let ctx = Context::for_os(OsKind::Windows);
        let f = env_finding(
            "goprivate-missing",
            None,
            None,
            BTreeMap::from([("list", "a.example,b.example".to_owned())]),
            &ctx,
        );
        let texts: Vec<&str> = f.fixes.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "go env -w 'GOPRIVATE=a.example,b.example'",
                "go env -w GOPRIVATE=a.example,b.example"
            ]
        );
    }

    /// A value inside the template's own quotes is used only when it needs no quoting.
    #[test]
    fn values_inside_template_quotes_must_be_plain() {
        let mut vals = BTreeMap::new();
        vals.insert("host", "git.corp.example".to_owned());
        let t = "git config --global url.\"git@{host}:\".insteadOf \"https://{host}/\"";
        assert_eq!(
            render_command(t, &vals, Shell::Bash, OsKind::Linux, false).as_deref(),
            Some(
                "git config --global url.\"git@git.corp.example:\".insteadOf \"https://git.corp.example/\""
            )
        );
        vals.insert("host", "a b".to_owned());
        assert_eq!(
            render_command(t, &vals, Shell::Bash, OsKind::Linux, false),
            None
        );
        assert!(!host_ok("a;b") && !host_ok("-a.b") && !host_ok("a.b:x") && host_ok("a.b:8080"));
    }

    #[test]
    fn missing_values_and_causes_are_translated() {
        let mut m = Match::new("proxy-unreachable");
        m.variant = Some("dns");
        let zh = finding(
            m.clone(),
            &Context::for_os(OsKind::Linux).with_lang(Lang::ZhHans),
        );
        assert!(
            zh.explanation.contains("无法解析主机名"),
            "{}",
            zh.explanation
        );
        assert!(zh.explanation.contains("某个模块"), "{}", zh.explanation);
        let en = finding(m, &Context::for_os(OsKind::Linux));
        assert!(
            en.explanation.contains("could not be resolved"),
            "{}",
            en.explanation
        );
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
        assert_eq!(
            quote::quote("/a'b", Shell::Bash).as_deref(),
            Ok("'/a'\\''b'")
        );
        assert_eq!(
            quote::quote("C:\\a'b", Shell::Powershell).as_deref(),
            Ok("'C:\\a''b'")
        );
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
