//! The module table as a file: CSV (RFC 4180, safe to open in a spreadsheet) or JSON. The rows
//! are what the app's module view shows for one scan (module, version, sizes, last write, the
//! last verification's verdict); module paths and versions come from directory names in the
//! cache and are untrusted text.

use serde::{Deserialize, Serialize};

use crate::verify::Status;

/// One module version as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportRow {
    /// Module path (`github.com/BurntSushi/toml`).
    pub module: String,
    /// Version (`v1.4.0`).
    pub version: String,
    /// Regular files in the extracted directory.
    pub files: u64,
    /// Apparent bytes of the extracted directory.
    pub bytes: u64,
    /// Allocated bytes of the extracted directory.
    pub disk_bytes: u64,
    /// Bytes of the version's download files (`cache/download/.../@v/`).
    pub download_bytes: u64,
    /// Newest modification time in the directory, Unix seconds.
    pub newest_mtime: Option<i64>,
    /// Whether it is a downloaded Go toolchain.
    pub toolchain: bool,
    /// The last verification's verdict, when one ran.
    pub verify: Option<Status>,
}

/// The file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ExportFormat"))]
pub enum Format {
    /// Comma-separated values with a header line, CRLF line ends.
    Csv,
    /// One JSON document ([`Document`]).
    Json,
}

impl Format {
    /// The file name extension (`csv`, `json`).
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }
}

/// The JSON export: when, which rows (all of the scan, or those a filter kept) and the rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// When the file was written, RFC 3339 UTC.
    pub exported_at: String,
    /// The module view's filter the rows passed, or `None` for every version of the scan.
    pub filter: Option<String>,
    /// The module versions.
    pub versions: Vec<ExportRow>,
}

/// The CSV header, in column order.
pub const CSV_HEADER: [&str; 9] = [
    "module",
    "version",
    "files",
    "bytes",
    "disk_bytes",
    "download_bytes",
    "last_written",
    "toolchain",
    "verify",
];

/// One CSV cell of text: a cell a spreadsheet would read as a formula (starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`; a cell with a comma, a quote or a
/// line break is quoted, its quotes doubled.
pub fn csv_cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The rows as CSV: a header line, then one line per row, CRLF line ends.
pub fn to_csv(rows: &[ExportRow]) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push_str("\r\n");
    for r in rows {
        let cells = [
            csv_cell(&r.module),
            csv_cell(&r.version),
            r.files.to_string(),
            r.bytes.to_string(),
            r.disk_bytes.to_string(),
            r.download_bytes.to_string(),
            r.newest_mtime
                .map(crate::ci::format_time)
                .unwrap_or_default(),
            r.toolchain.to_string(),
            r.verify.map(Status::as_str).unwrap_or_default().to_owned(),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The rows as a pretty-printed JSON [`Document`].
///
/// # Errors
/// Never in practice (every field serializes); the serializer's error is passed on.
pub fn to_json(
    rows: &[ExportRow],
    filter: Option<&str>,
    now: i64,
) -> Result<String, serde_json::Error> {
    let doc = Document {
        exported_at: crate::ci::format_time(now),
        filter: filter.filter(|f| !f.trim().is_empty()).map(str::to_owned),
        versions: rows.to_vec(),
    };
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

/// The file's contents in `format`.
///
/// # Errors
/// See [`to_json`].
pub fn render(
    rows: &[ExportRow],
    format: Format,
    filter: Option<&str>,
    now: i64,
) -> Result<String, serde_json::Error> {
    match format {
        Format::Csv => Ok(to_csv(rows)),
        Format::Json => to_json(rows, filter, now),
    }
}

/// The suggested file name: `go-modules-20261206-171500.csv` (UTC).
pub fn file_name(format: Format, now: i64) -> String {
    let stamp = chrono::DateTime::from_timestamp(now, 0).map_or_else(
        || now.to_string(),
        |d| d.format("%Y%m%d-%H%M%S").to_string(),
    );
    format!("go-modules-{stamp}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(module: &str, version: &str) -> ExportRow {
        ExportRow {
            module: module.to_owned(),
            version: version.to_owned(),
            files: 12,
            bytes: 34_567,
            disk_bytes: 40_960,
            download_bytes: 9_000,
            newest_mtime: Some(1_765_040_400),
            toolchain: false,
            verify: None,
        }
    }

    /// A small RFC 4180 reader, to read back what [`to_csv`] wrote.
    fn parse_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    cell.push('"');
                    chars.next();
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') if cell.is_empty() => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut cell)),
                (false, '\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => cell.push(c),
            }
        }
        assert!(!quoted && cell.is_empty() && row.is_empty(), "unterminated");
        rows
    }

    #[test]
    fn cells_that_look_like_formulas_are_neutralised() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
        // Ordinary paths and versions are left alone.
        assert_eq!(csv_cell("github.com/a/b"), "github.com/a/b");
        assert_eq!(
            csv_cell("v1.2.3-0.20240101-abcdef"),
            "v1.2.3-0.20240101-abcdef"
        );
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn cells_with_commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn csv_reads_back_as_the_rows_with_hostile_names() {
        let mut a = row("example.com/a,b\"c\nd", "=cmd|' /C calc'!A0");
        a.verify = Some(Status::DirModified);
        a.toolchain = true;
        let mut b = row("golang.org/x/mod", "v0.20.0");
        b.newest_mtime = None;
        let text = to_csv(&[a.clone(), b]);
        let parsed = parse_csv(&text);
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[0], CSV_HEADER.map(str::to_owned).to_vec());
        assert_eq!(parsed[1][0], a.module);
        assert_eq!(parsed[1][1], format!("'{}", a.version));
        assert_eq!(
            parsed[1][2..],
            [
                "12",
                "34567",
                "40960",
                "9000",
                "2025-12-06T17:00:00Z",
                "true",
                "dir-modified"
            ]
        );
        assert_eq!(
            parsed[2],
            [
                "golang.org/x/mod",
                "v0.20.0",
                "12",
                "34567",
                "40960",
                "9000",
                "",
                "false",
                ""
            ]
        );
        // No line of the file starts a formula either.
        assert!(text.lines().all(|l| !l.starts_with(['=', '+', '-', '@'])));
    }

    #[test]
    fn json_round_trips() {
        let mut a = row("example.com/=evil", "v1.0.0");
        a.verify = Some(Status::Ok);
        let rows = vec![a, row("example.com/b", "v2.0.0+incompatible")];
        let text = render(&rows, Format::Json, Some("example"), 1_765_040_400).unwrap();
        let doc: Document = serde_json::from_str(&text).unwrap();
        assert_eq!(doc.versions, rows);
        assert_eq!(doc.filter.as_deref(), Some("example"));
        assert_eq!(doc.exported_at, "2025-12-06T17:00:00Z");
        let all = render(&rows, Format::Json, Some("  "), 0).unwrap();
        let doc: Document = serde_json::from_str(&all).unwrap();
        assert_eq!(doc.filter, None);
        assert!(text.contains("\"verify\": \"ok\""), "{text}");
    }

    #[test]
    fn file_names_are_timestamped() {
        assert_eq!(
            file_name(Format::Csv, 1_765_040_400),
            "go-modules-20251206-170000.csv"
        );
        assert_eq!(
            file_name(Format::Json, 0),
            "go-modules-19700101-000000.json"
        );
    }
}
