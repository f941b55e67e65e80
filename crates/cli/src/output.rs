//! Human-readable output: aligned tables and binary-unit sizes.

use std::fmt::Write as _;

use gocache_core::discover::{self, CacheKind, Report as EnvReport};
use gocache_core::scan::Report as ScanReport;

/// Formats a byte count with binary units and one decimal (`1.5 GiB`).
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS.get(unit).copied().unwrap_or("B"))
}

/// Renders rows as left-aligned columns (the last column is not padded).
fn table(rows: &[Vec<String>], right_align: &[usize]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            if i + 1 == r.len() && !right_align.contains(&i) {
                line.push_str(cell);
            } else if right_align.contains(&i) {
                let _ = write!(line, "{cell:>w$}  ");
            } else {
                let _ = write!(line, "{cell:<w$}  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The `env` command's human output.
pub fn env_table(r: &EnvReport) -> String {
    let mut out = String::new();
    match &r.go {
        Some(g) => {
            let _ = writeln!(
                out,
                "Go: {} ({})\n",
                g.version.as_deref().unwrap_or("version unknown"),
                g.path.display()
            );
        }
        None => out.push_str("Go: not found (using Go's rules to locate the caches)\n\n"),
    }
    if let Some(shell) = r
        .shell_env
        .as_ref()
        .filter(|s| s.attempted && s.error.is_none())
    {
        let _ = writeln!(
            out,
            "Login shell: {} ({}), read in {} ms\n",
            shell.shell_command(),
            shell.reason,
            shell.elapsed_ms
        );
    }
    let mut rows = vec![vec![
        "VARIABLE".to_owned(),
        "SOURCE".to_owned(),
        "VALUE".to_owned(),
    ]];
    // Go's variables in order of importance, then the other tools' variables.
    let order = gocache_core::env::GO_VARS
        .iter()
        .chain(gocache_core::env::TOOL_VARS);
    for k in order {
        if let Some(v) = r.vars.get(*k) {
            let source = match (v.source, &r.shell_env) {
                (gocache_core::env::Source::LoginShell, Some(shell)) => {
                    format!("login shell ({})", shell.shell_command())
                }
                (s, _) => discover::source_label(s).to_owned(),
            };
            let value = if crate::SHOW_SECRETS.load(std::sync::atomic::Ordering::Relaxed) {
                v.value.clone()
            } else {
                gocache_core::redact::var_value(k, &v.value)
            };
            rows.push(vec![(*k).to_owned(), source, value]);
        }
    }
    out.push_str(&table(&rows, &[]));
    out.push('\n');
    let mut rows = vec![vec![
        "CACHE".to_owned(),
        "EXISTS".to_owned(),
        "PATH".to_owned(),
    ]];
    for c in &r.caches {
        rows.push(vec![
            c.kind.as_str().to_owned(),
            if c.exists { "yes" } else { "no" }.to_owned(),
            c.path.display().to_string(),
        ]);
    }
    out.push_str(&table(&rows, &[]));
    if let Some(line) = telemetry_line(r) {
        out.push('\n');
        out.push_str(&line);
    }
    if !r.problems.is_empty() {
        out.push_str("\nProblems:\n");
        for p in &r.problems {
            let _ = writeln!(out, "  [{:?}] {}", p.severity, p.message);
        }
    }
    out
}

/// Go's telemetry mode and directory, one line: the `telemetry` cache is listed for
/// information and never cleaned.
pub fn telemetry_line(r: &EnvReport) -> Option<String> {
    let t = r.telemetry.as_ref()?;
    let how = if t.from_go {
        "go env GOTELEMETRY"
    } else {
        "its mode file"
    };
    Some(format!(
        "Go telemetry: mode {} (from {how}), data in {}; shown for information, never cleaned \
         (`go telemetry off` stops collecting).\n",
        t.mode.as_str(),
        t.dir.display()
    ))
}

/// The growth of each scanned cache since about a week and a month ago (`scan --json`'s
/// `growth`): `{kind, path, week, month}`, `null` where the history does not reach back.
pub fn growth_json(g: &[gocache_core::history::CacheHistory]) -> serde_json::Value {
    g.iter()
        .map(|c| {
            serde_json::json!({
                "kind": c.kind,
                "path": c.path,
                "week": c.week,
                "month": c.month,
            })
        })
        .collect()
}

/// `+1.2 GiB` / `-300.0 MiB` / `unchanged`.
fn signed_bytes(delta: i64) -> String {
    match delta.signum() {
        0 => "unchanged".to_owned(),
        1 => format!("+{}", human_bytes(delta.unsigned_abs())),
        _ => format!("-{}", human_bytes(delta.unsigned_abs())),
    }
}

/// The human form of [`growth_json`]: one line per cache whose growth is known.
pub fn growth_lines(g: &[gocache_core::history::CacheHistory]) -> String {
    let mut out = String::new();
    for c in g.iter().filter(|c| c.week.is_some() || c.month.is_some()) {
        if out.is_empty() {
            out.push_str("\nGrowth (size history):\n");
        }
        let parts: Vec<String> = [(c.week, "this week"), (c.month, "this month")]
            .into_iter()
            .filter_map(|(d, when)| d.map(|d| format!("{} {when}", signed_bytes(d))))
            .collect();
        let _ = writeln!(out, "  {}: {}", c.kind.as_str(), parts.join(", "));
    }
    out
}

/// The `scan` command's human output.
pub fn scan_tables(env: &EnvReport, r: &ScanReport, top: usize) -> String {
    let mut out = String::new();
    let mut rows = vec![
        ["CACHE", "SIZE", "ON DISK", "FILES", "DIRS", "PATH"]
            .map(str::to_owned)
            .to_vec(),
    ];
    // Discovery order (module cache, toolchains inside it, build cache, tools), not scan order.
    let mut caches: Vec<_> = r.caches.iter().collect();
    caches.sort_by_key(|c| env.caches.iter().position(|d| d.kind == c.kind));
    for c in caches {
        let name = match env
            .caches
            .iter()
            .find(|d| d.kind == c.kind)
            .and_then(|d| d.parent)
        {
            Some(_) => format!("  {}", c.kind.as_str()),
            None => c.kind.as_str().to_owned(),
        };
        rows.push(vec![
            name,
            human_bytes(c.bytes),
            human_bytes(c.disk_bytes),
            c.files.to_string(),
            c.dirs.to_string(),
            match &c.error {
                Some(e) => format!("{} (error: {e})", c.path),
                None => c.path.clone(),
            },
        ]);
    }
    if r.caches.len() > 1 {
        // The core's total: each cache once (toolchains are inside the module cache).
        rows.push(vec![
            "total".to_owned(),
            human_bytes(r.total.bytes),
            human_bytes(r.total.disk_bytes),
            r.total.files.to_string(),
            String::new(),
            String::new(),
        ]);
    }
    out.push_str(&table(&rows, &[1, 2, 3, 4]));
    let unreadable: u64 = r.caches.iter().map(|c| c.unreadable).sum();
    if unreadable > 0 {
        let _ = writeln!(
            out,
            "\n{unreadable} entries could not be read (see --json for paths)."
        );
    }
    if !r.module_totals.is_empty() && top > 0 {
        let mut mods: Vec<_> = r.module_totals.iter().collect();
        mods.sort_by_key(|m| std::cmp::Reverse(m.bytes + m.download_bytes));
        let _ = writeln!(
            out,
            "\nLargest modules ({} modules, {} versions):",
            r.module_totals.len(),
            r.modules.len()
        );
        let mut rows = vec![
            ["MODULE", "VERSIONS", "EXTRACTED", "DOWNLOADS"]
                .map(str::to_owned)
                .to_vec(),
        ];
        for m in mods.into_iter().take(top) {
            rows.push(vec![
                m.path.clone(),
                m.versions.to_string(),
                human_bytes(m.bytes),
                human_bytes(m.download_bytes),
            ]);
        }
        out.push_str(&table(&rows, &[1, 2, 3]));
    }
    if let Some(b) = &r.build {
        let _ = writeln!(
            out,
            "\nBuild cache: {} entries; {} entries ({}) are older than Go's 5-day trim age.",
            b.entries,
            b.trimmable_entries,
            human_bytes(b.trimmable_bytes)
        );
    }
    if r.caches.iter().any(|c| c.kind == CacheKind::Telemetry)
        && let Some(line) = telemetry_line(env)
    {
        out.push('\n');
        out.push_str(&line);
    }
    if r.cancelled {
        out.push_str("\nScan cancelled: totals are partial.\n");
    }
    let errors = env
        .problems
        .iter()
        .filter(|p| p.severity == discover::Severity::Error)
        .count();
    if errors > 0 {
        let _ = writeln!(
            out,
            "\n{errors} configuration problem(s): run `gocache-doctor env`."
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }

    #[test]
    fn table_aligns_columns() {
        let rows = vec![
            vec!["A".to_owned(), "1".to_owned(), "x".to_owned()],
            vec!["LONG".to_owned(), "100".to_owned(), "y".to_owned()],
        ];
        let t = table(&rows, &[1]);
        assert_eq!(t, "A       1  x\nLONG  100  y\n");
    }
}
