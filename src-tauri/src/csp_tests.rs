//! The app's Content Security Policy (issue #12 item 14), read from the real
//! `tauri.conf.json`: nothing inline or evaluated is allowed, and nothing remote.

use serde_json::Value;

/// The CSP of `tauri.conf.json`, as (directive, sources) pairs.
fn csp() -> Vec<(String, Vec<String>)> {
    let conf: Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
    let csp = conf["app"]["security"]["csp"]
        .as_str()
        .expect("tauri.conf.json sets app.security.csp as a string");
    csp.split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut words = d.split_whitespace().map(str::to_owned);
            let name = words.next().unwrap_or_default();
            (name, words.collect())
        })
        .collect()
}

/// Tauri's own IPC origins (`ipc:` on Linux and macOS, `http://ipc.localhost` on Windows):
/// served by the app itself, not the network.
const IPC: [&str; 2] = ["ipc:", "http://ipc.localhost"];

#[test]
fn csp_allows_nothing_inline_evaluated_or_remote() {
    let csp = csp();
    let names: Vec<&str> = csp.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"default-src"), "{csp:?}");
    for (name, sources) in &csp {
        for s in sources {
            let lower = s.to_ascii_lowercase();
            assert!(
                !matches!(
                    lower.as_str(),
                    "'unsafe-inline'"
                        | "'unsafe-eval'"
                        | "'unsafe-hashes'"
                        | "'wasm-unsafe-eval'"
                        | "*"
                        | "http:"
                        | "https:"
                        | "ws:"
                        | "wss:"
                        | "blob:"
                        | "filesystem:"
                ),
                "{name} allows {s}"
            );
            let allowed = lower == "'self'"
                || lower == "'none'"
                || (lower == "data:" && name == "img-src")
                || (IPC.contains(&lower.as_str()) && name == "connect-src");
            assert!(allowed, "{name} allows {s}: not the app's own origin");
        }
    }
    // Inline scripts and styles fall back to default-src when their directive is absent:
    // both, where present, are exactly 'self'.
    for d in ["default-src", "script-src", "style-src"] {
        if let Some((_, s)) = csp.iter().find(|(n, _)| n == d) {
            assert_eq!(s, &["'self'"], "{d}");
        }
    }
}
