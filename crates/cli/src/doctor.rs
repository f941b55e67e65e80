//! `gocache-doctor doctor`: risky or broken settings and cache states, no paste needed.

use std::process::ExitCode;

use clap::Args;
use gocache_core::diagnose::{self, EnvChecks};
use gocache_core::discover::{self, Severity};
use serde::Serialize;

/// Arguments of `doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// A private module prefix (host or host/org) that GOPRIVATE must cover; repeatable.
    #[arg(long = "private", value_name = "PREFIX")]
    private: Vec<String>,
    /// Do not look at the caches on disk (owner, filesystem, file modes).
    #[arg(long)]
    no_disk: bool,
    /// Do not run `go env` to cross-check discovery.
    #[arg(long)]
    no_go: bool,
    /// Language of the explanations (default: from LC_ALL, LC_MESSAGES or LANG; on Windows,
    /// when none is set, the Windows display language).
    #[arg(long, value_enum, value_name = "LANG")]
    lang: Option<crate::diagnose::CliLang>,
}

#[derive(Serialize)]
struct Out<'a> {
    findings: &'a [diagnose::Finding],
}

/// Runs `doctor`: exit 1 when a finding is an error.
pub fn run(args: &DoctorArgs) -> Result<ExitCode, String> {
    let report = discover::discover(&crate::env(), &crate::discover_opts(args.no_go));
    let lang = crate::diagnose::lang_of(args.lang);
    let opts = EnvChecks {
        lang,
        private: args.private.clone(),
        inspect_disk: !args.no_disk,
        ..EnvChecks::default()
    };
    let findings = diagnose::check_env(&report, &opts);
    if args.json {
        println!(
            "{}",
            crate::to_json(&Out {
                findings: &findings
            })?
        );
    } else {
        print!("{}", crate::diagnose::findings_text(&findings, lang));
    }
    Ok(if findings.iter().any(|f| f.severity == Severity::Error) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
