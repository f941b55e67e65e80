//! The three lists of the app's commands agree: the handlers `lib.rs` registers
//! (`generate_handler!`), the commands `build.rs` declares to Tauri's ACL (each gets an
//! `allow-<name>` permission) and the permissions `capabilities/default.json` grants the main
//! window. A command missing from one of them fails at run time only ("command not found" or
//! "not allowed"), so this test names the list that forgot it.

use std::collections::BTreeSet;

/// The words between `start` and the next `end` in `text` that look like command names
/// (`a_b`), with `prefix` stripped and `-` read as `_`.
fn names(text: &str, start: &str, end: &str, prefix: &str) -> BTreeSet<String> {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not found"))
        + start.len();
    let to = from
        + text[from..]
            .find(end)
            .unwrap_or_else(|| panic!("{end:?} not found"));
    text[from..to]
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':'))
        .filter(|w| !w.is_empty())
        .filter_map(|w| w.rsplit("::").next())
        .filter_map(|w| w.strip_prefix(prefix))
        .map(|w| w.replace('-', "_"))
        .collect()
}

#[test]
fn registered_declared_and_allowed_commands_are_the_same() {
    let registered = names(include_str!("lib.rs"), "generate_handler![", "]", "");
    let declared: BTreeSet<String> = names(include_str!("../build.rs"), ".commands(&[", "]", "")
        .into_iter()
        .map(|w| w.trim_matches('"').to_owned())
        .collect();
    let allowed = names(
        include_str!("../capabilities/default.json"),
        "\"permissions\"",
        "]",
        "allow-",
    );
    assert!(registered.len() > 20, "lib.rs: {registered:?}");
    assert_eq!(
        registered, declared,
        "lib.rs generate_handler! (left) and build.rs AppManifest::commands (right) differ"
    );
    assert_eq!(
        declared, allowed,
        "build.rs (left) and capabilities/default.json's allow-<command> (right) differ"
    );
}
