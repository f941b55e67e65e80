//! `gocache-doctor diagnose [FILE|-]`: explains the pasted output of failing go commands.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use gocache_core::diagnose::{self, Context, Finding, FixKind};
use gocache_core::discover;
use gocache_core::env::EnvMap;
use gocache_core::os::OsKind;

/// Arguments of `diagnose`.
#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// File holding the output of the failing command; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Write the fixes for this OS (default: this machine's; another OS gets `go env`
    /// expressions instead of this machine's paths).
    #[arg(long, value_enum)]
    os: Option<TargetOs>,
    /// Do not run `go env` to cross-check discovery.
    #[arg(long)]
    no_go: bool,
}

/// The `--os` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TargetOs {
    /// Linux (bash/zsh).
    Linux,
    /// macOS (bash/zsh).
    Macos,
    /// Windows (PowerShell and cmd).
    Windows,
}

impl From<TargetOs> for OsKind {
    fn from(t: TargetOs) -> OsKind {
        match t {
            TargetOs::Linux => OsKind::Linux,
            TargetOs::Macos => OsKind::Macos,
            TargetOs::Windows => OsKind::Windows,
        }
    }
}

/// Runs `diagnose`: exit 1 when a finding is an error.
pub fn run(args: &DiagnoseArgs) -> Result<ExitCode, String> {
    let text = match args.file.as_deref() {
        None => read_stdin()?,
        Some(p) if p.as_os_str() == "-" => read_stdin()?,
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let report = discover::discover(&EnvMap::from_process(), &crate::discover_opts(args.no_go));
    let mut ctx = Context::from_report(&report);
    if let Some(os) = args.os {
        ctx = ctx.with_os(os.into());
    }
    let d = diagnose::diagnose(&text, &ctx);
    if args.json {
        println!("{}", crate::to_json(&d)?);
    } else {
        print!("{}", findings_text(&d.findings));
    }
    Ok(if d.has_error() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn read_stdin() -> Result<String, String> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| format!("reading standard input: {e}"))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Human output of findings (shared with `doctor`).
pub fn findings_text(findings: &[Finding]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if findings.is_empty() {
        out.push_str("No problems found.\n");
    }
    for f in findings {
        let sev = serde_json::to_value(f.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let id = match &f.variant {
            Some(v) => format!("{} ({v})", f.id),
            None => f.id.clone(),
        };
        let _ = writeln!(out, "{sev}: {id}");
        match (&f.module, &f.version) {
            (Some(m), Some(v)) => {
                let _ = writeln!(out, "  module:  {m}@{v}");
            }
            (Some(m), None) => {
                let _ = writeln!(out, "  module:  {m}");
            }
            (None, Some(v)) => {
                let _ = writeln!(out, "  version: {v}");
            }
            (None, None) => {}
        }
        if let Some(p) = &f.path {
            let _ = writeln!(out, "  path:    {p}");
        }
        let _ = writeln!(out, "  {}", wrap(&f.explanation, 90, "  "));
        for fix in &f.fixes {
            match fix.kind {
                FixKind::Command => {
                    let shell = fix
                        .shell
                        .and_then(|s| serde_json::to_value(s).ok())
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    let _ = writeln!(out, "  fix ({shell}): {}", fix.text);
                }
                FixKind::Action => {
                    let _ = writeln!(out, "  app action:  {}", fix.text);
                }
            }
        }
        out.push('\n');
    }
    out
}

fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut col = 0;
    for w in text.split_whitespace() {
        if col > 0 && col + 1 + w.len() > width {
            out.push('\n');
            out.push_str(indent);
            col = 0;
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(w);
        col += w.len();
    }
    out
}
