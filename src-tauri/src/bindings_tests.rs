//! The TypeScript bindings of the IPC (ui/src/lib/bindings/index.ts): every type a command
//! takes, answers, streams on a channel or fails with, generated from the Rust types with
//! ts-rs, so the UI has no hand-written copy of them.
//!
//! The test fails when the committed file differs from what the Rust types generate; `make
//! bindings` writes it (this test with `GOCACHE_DOCTOR_WRITE_BINDINGS=1`). The roots are the
//! commands' argument, answer and channel types (each command module's `ts_roots`); every type they reach is declared,
//! sorted by name, with its Rust doc comments. `u64` sizes are TypeScript `number`s (what
//! serde_json writes; sizes and times stay far below 2^53).

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use ts_rs::{Config, TS, TypeVisitor};

use crate::commands;
use crate::error::CommandError;

/// The folder of the generated bindings, relative to the workspace root.
const FOLDER: &str = "ui/src/lib/bindings";
/// The one file in it.
const FILE: &str = "index.ts";
/// Set to write the file instead of checking it (`make bindings`).
const WRITE_VAR: &str = "GOCACHE_DOCTOR_WRITE_BINDINGS";

const HEADER: &str = "\
// Generated from the Rust types of the IPC by ts-rs (src-tauri/src/bindings_tests.rs); do not
// edit. Regenerate with `make bindings`; `cargo test -p gocache-doctor-app --lib bindings`
// fails when this file is stale. docs/contract.md says what each command does.
";

/// Collects the declaration of every exportable type reached from the roots, by TS name.
struct Collect {
    cfg: Config,
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, (String, &'static str)>,
}

impl TypeVisitor for Collect {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Primitives, strings, paths and containers have no declaration of their own.
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let name = T::ident(&self.cfg);
        let mut text = T::docs().unwrap_or_default();
        text.push_str("export ");
        text.push_str(&T::decl(&self.cfg));
        // ts-rs leaves a space at the end of each field's line.
        let decl = text
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n");
        let rust = std::any::type_name::<T>();
        if let Some((_, other)) = self.decls.insert(name.clone(), (decl, rust)) {
            panic!(
                "two Rust types are named {name} in TypeScript: {other} and {rust}; give one \
                 #[ts(rename = \"...\")]"
            );
        }
        T::visit_dependencies(self);
    }
}

/// The types that cross the IPC: the error every command fails with, and each command
/// module's arguments, answers and channel events (its `ts_roots`, next to its commands).
fn roots(c: &mut Collect) {
    c.visit::<CommandError>();
    crate::tray::ts_roots(c);
    commands::env::ts_roots(c);
    commands::scan::ts_roots(c);
    commands::watch::ts_roots(c);
    commands::clean::ts_roots(c);
    commands::settings::ts_roots(c);
    commands::clipath::ts_roots(c);
    commands::about::ts_roots(c);
    commands::locks::ts_roots(c);
    commands::verify::ts_roots(c);
    commands::doctor::ts_roots(c);
    commands::auto::ts_roots(c);
    commands::files::ts_roots(c);
}

/// The text of ui/src/lib/bindings/index.ts.
fn generate() -> String {
    let mut c = Collect {
        cfg: Config::new().with_large_int("number"),
        seen: HashSet::new(),
        decls: BTreeMap::new(),
    };
    roots(&mut c);
    let mut out = String::from(HEADER);
    for (decl, _) in c.decls.values() {
        out.push('\n');
        out.push_str(decl);
        out.push('\n');
    }
    out
}

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(FOLDER)
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let text = generate();
    let dir = folder();
    let path = dir.join(FILE);
    if std::env::var_os(WRITE_VAR).is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{FOLDER}/{FILE} is stale (or missing): the Rust types of the IPC changed. Run `make \
         bindings` and commit the result."
    );
    let mut others: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n != FILE)
        .collect();
    others.sort();
    assert!(
        others.is_empty(),
        "{FOLDER} holds only the generated {FILE}; remove {others:?}"
    );
}

#[test]
fn the_error_codes_are_a_union_of_their_wire_names() {
    let text = generate();
    let line = text
        .lines()
        .find(|l| l.starts_with("export type ErrorCode = "))
        .unwrap_or_default();
    for code in ["\"PermissionDenied\"", "\"Cancelled\"", "\"UnknownRun\""] {
        assert!(line.contains(code), "{code} missing from {line:?}");
    }
    let error = text
        .split("export type CommandError = {")
        .nth(1)
        .unwrap_or_default();
    assert!(error.contains("code: ErrorCode,"), "{error}");
}
