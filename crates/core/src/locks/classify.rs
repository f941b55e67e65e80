//! Which program a holder is (a Go tool, an editor, antivirus, ...) from its name, executable
//! path and command line, and what to tell the user about it. Pure functions, the same on
//! every OS (Windows names end in `.exe`, macOS helpers carry spaces: `Code Helper (Plugin)`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::HoldKind;
use crate::discover::CacheKind;

/// The broad kind of a holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HolderCategory"))]
pub enum Category {
    /// A Go tool (`go`, `gopls`, `compile`, `dlv`, linters, a `go run` program).
    GoTool,
    /// An editor or IDE (VS Code, GoLand, Vim, ...).
    Ide,
    /// Antivirus (Windows Defender, McAfee, ...), best effort.
    Antivirus,
    /// Anything else (shells, file managers, indexers, user programs).
    Other,
}

/// The classification of one process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    /// The Go tool's short name (`go`, `gopls`, `compile`, `link`, `dlv`, `golangci-lint`,
    /// `staticcheck`, `go-run`, ...); `None` for anything that is not a Go tool.
    pub tool: Option<&'static str>,
    /// The broad kind.
    pub category: Category,
    /// A friendly product name when known ("Visual Studio Code", "GoLand",
    /// "Microsoft Defender Antivirus", "Windows Explorer", "a shell").
    pub app_name: Option<&'static str>,
}

impl Classification {
    const OTHER: Self = Self {
        tool: None,
        category: Category::Other,
        app_name: None,
    };

    fn go(tool: &'static str) -> Self {
        Self {
            tool: Some(tool),
            category: Category::GoTool,
            app_name: None,
        }
    }

    fn app(category: Category, app_name: &'static str) -> Self {
        Self {
            tool: None,
            category,
            app_name: Some(app_name),
        }
    }
}

/// The lower-case base name without `.exe` (and without a macOS `.app` bundle suffix).
fn base(name: &str) -> String {
    let n = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_lowercase();
    n.strip_suffix(".exe").map(str::to_owned).unwrap_or(n)
}

fn path_text(p: Option<&Path>) -> String {
    p.map(|p| p.to_string_lossy().replace('\\', "/").to_lowercase())
        .unwrap_or_default()
}

/// Go tools run by the `go` command from `$GOROOT/pkg/tool/<os_arch>/` (or a toolchain's).
const PKG_TOOLS: &[&str] = &[
    "compile",
    "link",
    "asm",
    "vet",
    "cgo",
    "cover",
    "buildid",
    "pack",
    "covdata",
    "test2json",
];
/// Other Go tools whose names are specific enough on their own.
const GO_TOOLS: &[&str] = &[
    "go",
    "gopls",
    "dlv",
    "dlv-dap",
    "golangci-lint",
    "golangci-lint-v2",
    "staticcheck",
    "gofmt",
    "goimports",
    "govulncheck",
    "gotestsum",
    "revive",
    "gofumpt",
    "go-outline",
    "gotests",
    "impl",
    "gomodifytags",
];

const ANTIVIRUS: &[(&str, &str)] = &[
    ("msmpeng", "Microsoft Defender Antivirus"),
    ("mpdefendercoreservice", "Microsoft Defender Antivirus"),
    ("nissrv", "Microsoft Defender Antivirus"),
    ("mssense", "Microsoft Defender for Endpoint"),
    ("wdavdaemon", "Microsoft Defender for Endpoint"),
    ("mcshield", "McAfee"),
    ("mfetp", "McAfee"),
    ("mfemms", "McAfee"),
    ("mcafee", "McAfee"),
    ("avp", "Kaspersky"),
    ("ekrn", "ESET"),
    ("esets_daemon", "ESET"),
    ("bdservicehost", "Bitdefender"),
    ("vsserv", "Bitdefender"),
    ("avastsvc", "Avast"),
    ("avgsvc", "AVG"),
    ("csfalconservice", "CrowdStrike Falcon"),
    ("falcon-sensor", "CrowdStrike Falcon"),
    ("sentinelagent", "SentinelOne"),
    ("sophosfilescanner", "Sophos"),
    ("savservice", "Sophos"),
    ("clamd", "ClamAV"),
    ("clamscan", "ClamAV"),
    ("clamdscan", "ClamAV"),
    ("ccsvchst", "Norton"),
    ("nortonsecurity", "Norton"),
];

const EDITORS: &[(&str, &str)] = &[
    ("code", "Visual Studio Code"),
    ("code-insiders", "Visual Studio Code Insiders"),
    ("code-oss", "Code - OSS"),
    ("codium", "VSCodium"),
    ("vscodium", "VSCodium"),
    ("code-server", "code-server"),
    ("cursor", "Cursor"),
    ("windsurf", "Windsurf"),
    ("goland", "GoLand"),
    ("goland64", "GoLand"),
    ("goland.sh", "GoLand"),
    ("idea", "IntelliJ IDEA"),
    ("idea64", "IntelliJ IDEA"),
    ("idea.sh", "IntelliJ IDEA"),
    ("fleet", "JetBrains Fleet"),
    ("zed", "Zed"),
    ("zed-editor", "Zed"),
    ("sublime_text", "Sublime Text"),
    ("subl", "Sublime Text"),
    ("vim", "Vim"),
    ("nvim", "Neovim"),
    ("gvim", "Vim"),
    ("emacs", "Emacs"),
    ("helix", "Helix"),
    ("hx", "Helix"),
    ("kate", "Kate"),
    ("devenv", "Visual Studio"),
];

const SHELLS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "fish",
    "dash",
    "ksh",
    "tcsh",
    "csh",
    "nu",
    "cmd",
    "powershell",
    "pwsh",
    "conhost",
    "windowsterminal",
    "openconsole",
];

const OTHERS: &[(&str, &str)] = &[
    ("explorer", "Windows Explorer"),
    ("searchindexer", "Windows Search indexer"),
    ("searchprotocolhost", "Windows Search indexer"),
    ("searchfilterhost", "Windows Search indexer"),
    ("mds", "Spotlight"),
    ("mds_stores", "Spotlight"),
    ("mdworker", "Spotlight"),
    ("mdworker_shared", "Spotlight"),
    ("finder", "Finder"),
    ("nautilus", "Files (Nautilus)"),
    ("dolphin", "Dolphin"),
    ("tracker-miner-fs", "GNOME Tracker"),
    ("tracker-miner-fs-3", "GNOME Tracker"),
    ("baloo_file", "KDE Baloo indexer"),
    ("onedrive", "OneDrive"),
    ("dropbox", "Dropbox"),
];

fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// Classifies a process from its short `name` (`comm` on Linux, the image name on Windows),
/// its executable path and its command line.
pub fn classify(name: &str, exe: Option<&Path>, cmdline: &[String]) -> Classification {
    let exe_base = exe
        .and_then(|e| e.file_name())
        .map(|f| base(&f.to_string_lossy()));
    let names: Vec<String> = [Some(base(name)), exe_base, cmdline.first().map(|a| base(a))]
        .into_iter()
        .flatten()
        .filter(|n| !n.is_empty())
        .collect();
    let exe_text = path_text(exe);
    let args = cmdline.join(" ").to_lowercase();

    // VS Code and its Electron helpers: `Code Helper (Plugin)`, `code` with `--type=...`,
    // the remote server's node.
    let in_vscode = exe_text.contains("visual studio code")
        || exe_text.contains("/.vscode-server/")
        || exe_text.contains("/.vscode-server-insiders/")
        || exe_text.contains("/microsoft vs code/")
        || exe_text.contains("/share/code/")
        || exe_text.contains("/vscode/");
    // JetBrains IDEs run `java` from the IDE's bundled runtime, or a launcher.
    let in_goland = exe_text.contains("goland") || args.contains("idea.platform.prefix=goland");

    for n in &names {
        if let Some(t) = GO_TOOLS.iter().find(|t| **t == n.as_str()) {
            return Classification::go(t);
        }
        if let Some(t) = PKG_TOOLS.iter().find(|t| **t == n.as_str()) {
            // `/usr/bin/link` is coreutils: only the go command's own tools count.
            if exe.is_none() || exe_text.contains("/pkg/tool/") {
                return Classification::go(t);
            }
        }
    }
    // `go run` / `go test` binaries: in the build cache or a go-build temporary directory.
    if exe_text.contains("/go-build") || names.iter().any(|n| n.ends_with(".test")) {
        return Classification::go("go-run");
    }
    if names
        .iter()
        .any(|n| n == "__debug_bin" || n.starts_with("__debug_bin"))
    {
        return Classification::go("dlv");
    }
    for n in &names {
        if let Some(av) = lookup(ANTIVIRUS, n) {
            return Classification::app(Category::Antivirus, av);
        }
    }
    if in_goland {
        return Classification::app(Category::Ide, "GoLand");
    }
    if in_vscode
        || names
            .iter()
            .any(|n| n.starts_with("code helper") || n == "electron" && in_vscode)
    {
        return Classification::app(Category::Ide, "Visual Studio Code");
    }
    for n in &names {
        if let Some(app) = lookup(EDITORS, n) {
            return Classification::app(Category::Ide, app);
        }
    }
    for n in &names {
        if SHELLS.contains(&n.as_str()) {
            return Classification::app(Category::Other, "a shell");
        }
        if let Some(app) = lookup(OTHERS, n) {
            return Classification::app(Category::Other, app);
        }
    }
    Classification::OTHER
}

/// What to tell the user about a holder: `kinds` are how it holds files, `caches` the caches
/// the held paths are in.
pub fn advice(c: &Classification, kinds: &[HoldKind], caches: &[CacheKind]) -> String {
    let mut text = match (c.tool, c.category) {
        (Some("go"), _) if kinds.contains(&HoldKind::Flock) => {
            "A go command holds a module version's lock: it is downloading or extracting it \
             right now. Wait for it to finish; cleaning that version waits for the lock."
                .to_owned()
        }
        (Some("go"), _) if kinds.contains(&HoldKind::Exe) => {
            "This go command runs from a toolchain inside the module cache: removing the \
             toolchains breaks it. Let it finish (or end it) first."
                .to_owned()
        }
        (Some("go"), _) => "A go command is working with the cache. Wait for it to finish, or \
                            end it: Go's locks keep the cache consistent if it is stopped."
            .to_owned(),
        (Some("gopls"), _) => "gopls restarts by itself while the editor is open: close the \
                               editor (or its Go extension) first, then clean."
            .to_owned(),
        (Some("dlv"), _) => {
            "A debugging session (Delve): stop debugging in the editor, or end it.".to_owned()
        }
        (Some("golangci-lint" | "staticcheck" | "govulncheck" | "revive"), _) => {
            "A linter run: wait for it to finish or end it; editors may start it again on save."
                .to_owned()
        }
        (Some("go-run"), _) => "A program built by go run / go test runs from the cache: stop \
                                it, then clean."
            .to_owned(),
        (Some(_), _) => "Part of a running go build or go test: wait for it to finish, or end \
                         the go command that started it."
            .to_owned(),
        (None, Category::Ide) => format!(
            "{} watches or indexes files here (often through gopls): close the project or the \
             editor, then clean.",
            c.app_name.unwrap_or("The editor")
        ),
        (None, Category::Antivirus) => format!(
            "{} is scanning files in the cache: wait a few seconds and retry, or exclude the Go \
             caches from real-time scanning. Do not end it.",
            c.app_name.unwrap_or("Antivirus")
        ),
        (None, Category::Other | Category::GoTool) => match c.app_name {
            Some("a shell") if kinds.contains(&HoldKind::Cwd) => {
                "A terminal's working directory is inside the cache: cd out of it (on Windows it \
                 blocks deletion)."
                    .to_owned()
            }
            Some("Windows Explorer" | "Finder" | "Files (Nautilus)" | "Dolphin") => {
                "A file manager window shows this folder: close it or navigate elsewhere."
                    .to_owned()
            }
            Some(
                "Windows Search indexer" | "Spotlight" | "GNOME Tracker" | "KDE Baloo indexer",
            ) => "The search indexer is reading the cache: wait a few seconds and retry, or \
                  exclude the Go caches from indexing."
                .to_owned(),
            _ if kinds.contains(&HoldKind::Cwd) => {
                "Its working directory is inside the cache: stop it or change its directory."
                    .to_owned()
            }
            _ => "Close the file in this program or end it, then retry.".to_owned(),
        },
    };
    if kinds.contains(&HoldKind::DeletedOpen) {
        text.push_str(
            " It keeps deleted files open: their disk space is freed only when it closes them \
             or exits.",
        );
    }
    if caches.contains(&CacheKind::Toolchains) && kinds.contains(&HoldKind::Exe) && c.tool.is_none()
    {
        text.push_str(" It runs from a toolchain in the module cache.");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cl(name: &str, exe: Option<&str>, cmd: &[&str]) -> Classification {
        let args: Vec<String> = cmd.iter().map(|s| (*s).to_owned()).collect();
        classify(name, exe.map(Path::new), &args)
    }

    #[test]
    fn go_tools_by_name_and_image() {
        assert_eq!(
            cl("go", Some("/usr/lib/go-1.23/bin/go"), &["go"]).tool,
            Some("go")
        );
        assert_eq!(cl("go.exe", None, &[]).tool, Some("go"));
        assert_eq!(
            cl("gopls", Some("/home/u/go/bin/gopls"), &[]).tool,
            Some("gopls")
        );
        assert_eq!(cl("gopls.exe", None, &[]).category, Category::GoTool);
        assert_eq!(cl("dlv", None, &[]).tool, Some("dlv"));
        assert_eq!(cl("golangci-lint", None, &[]).tool, Some("golangci-lint"));
        assert_eq!(cl("staticcheck.exe", None, &[]).tool, Some("staticcheck"));
        assert_eq!(cl("__debug_bin1234", None, &[]).tool, Some("dlv"));
        // A toolchain from the module cache is still go.
        let tc = "/h/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.22.0.linux-amd64/bin/go";
        assert_eq!(cl("go", Some(tc), &[]).tool, Some("go"));
    }

    #[test]
    fn compile_and_link_only_from_pkg_tool() {
        let compile = "/usr/lib/go-1.23/pkg/tool/linux_amd64/compile";
        assert_eq!(cl("compile", Some(compile), &[]).tool, Some("compile"));
        let link = r"C:\Program Files\Go\pkg\tool\windows_amd64\link.exe";
        assert_eq!(cl("link.exe", Some(link), &[]).tool, Some("link"));
        // coreutils' link(1) is not Go's linker.
        assert_eq!(cl("link", Some("/usr/bin/link"), &[]).tool, None);
        assert_eq!(
            cl("link", Some("/usr/bin/link"), &[]).category,
            Category::Other
        );
    }

    #[test]
    fn go_run_programs_run_from_the_build_cache() {
        let c = cl("main", Some("/tmp/go-build123/b001/exe/main"), &[]);
        assert_eq!(c.tool, Some("go-run"));
        assert_eq!(cl("pkg.test", None, &[]).tool, Some("go-run"));
    }

    #[test]
    fn editors_and_ides() {
        let vs = cl(
            "code",
            Some("/usr/share/code/code"),
            &["/usr/share/code/code"],
        );
        assert_eq!(
            (vs.category, vs.app_name),
            (Category::Ide, Some("Visual Studio Code"))
        );
        let helper = cl(
            "Code Helper (Plugin)",
            Some(
                "/Applications/Visual Studio Code.app/Contents/Frameworks/Code Helper (Plugin).app/Contents/MacOS/Code Helper (Plugin)",
            ),
            &[],
        );
        assert_eq!(helper.app_name, Some("Visual Studio Code"));
        assert_eq!(
            cl("Code.exe", None, &[]).app_name,
            Some("Visual Studio Code")
        );
        let server = cl("node", Some("/home/u/.vscode-server/bin/abc/node"), &[]);
        assert_eq!(server.app_name, Some("Visual Studio Code"));
        assert_eq!(cl("goland64.exe", None, &[]).app_name, Some("GoLand"));
        let java = cl(
            "java",
            Some("/opt/GoLand-2024.3/jbr/bin/java"),
            &["java", "-Didea.platform.prefix=GoLand"],
        );
        assert_eq!(
            (java.category, java.app_name),
            (Category::Ide, Some("GoLand"))
        );
        assert_eq!(cl("nvim", None, &[]).category, Category::Ide);
        // Plain node is not an editor.
        assert_eq!(
            cl("node", Some("/usr/bin/node"), &[]).category,
            Category::Other
        );
    }

    #[test]
    fn antivirus_and_others() {
        let d = cl("MsMpEng.exe", None, &[]);
        assert_eq!(
            (d.category, d.app_name),
            (Category::Antivirus, Some("Microsoft Defender Antivirus"))
        );
        assert_eq!(cl("mcshield.exe", None, &[]).app_name, Some("McAfee"));
        assert_eq!(
            cl("clamd", Some("/usr/sbin/clamd"), &[]).category,
            Category::Antivirus
        );
        assert_eq!(
            cl("explorer.exe", None, &[]).app_name,
            Some("Windows Explorer")
        );
        assert_eq!(
            cl("bash", Some("/usr/bin/bash"), &[]).app_name,
            Some("a shell")
        );
        assert_eq!(
            cl("sleep", Some("/usr/bin/sleep"), &["sleep", "60"]),
            Classification::OTHER
        );
        assert_eq!(cl("", None, &[]), Classification::OTHER);
    }

    #[test]
    fn advice_follows_the_tool_and_the_kinds() {
        let gopls = cl("gopls", None, &[]);
        assert!(advice(&gopls, &[HoldKind::OpenFile], &[]).contains("restarts by itself"));
        let go = cl("go", None, &[]);
        assert!(advice(&go, &[HoldKind::Flock, HoldKind::OpenFile], &[]).contains("lock"));
        assert!(advice(&go, &[HoldKind::Exe], &[CacheKind::Toolchains]).contains("toolchain"));
        let sh = cl("zsh", None, &[]);
        assert!(advice(&sh, &[HoldKind::Cwd], &[]).contains("cd out"));
        let av = cl("MsMpEng.exe", None, &[]);
        assert!(advice(&av, &[HoldKind::OpenFile], &[]).contains("Do not end it"));
        let other = cl("python3", None, &[]);
        let a = advice(&other, &[HoldKind::DeletedOpen], &[]);
        assert!(a.contains("disk space is freed only"), "{a}");
        assert!(!advice(&other, &[HoldKind::OpenFile], &[]).contains("deleted"));
    }
}
