//! The runtime's layers, as the README's "Where things are" describes them: the call path
//! (`src/call/`) and the request bodies (`src/body/`) never reach up into what users hold (the
//! client, its builder, the generated requests, the hand-written rules), and inside the call path
//! each file uses only the files below it. A `use` that goes the other way closes a circle the
//! tree no longer shows; this test names the file and the line.
//!
//! It reads the source as text: every `crate::x`, `crate::call::x` and `super::x` outside a
//! comment.

use std::path::Path;

/// Inside `src/call/`, each file's rank: a file may use `super::x` only for a file ranked lower,
/// or for what `mod.rs` itself holds (the types every layer shares).
const CALL_RANKS: &[(&str, u32)] = &[
    ("mod", 0),
    ("head", 1),
    ("limit", 1),
    ("telemetry", 1),
    ("response", 2),
    ("attempt", 3),
    ("download", 3),
    ("execute", 3),
    ("request", 4),
    ("pagination", 5),
];

/// What the call path may name at the crate's top: the layers below it, and the generated
/// operation table and types (data it reads).
const CALL_MAY_USE: &[&str] = &[
    "call", // itself, ranked as `super::` is
    "body",
    "error",
    "retry",
    "random",
    "operations",
    "types",
    "ErrorCode",
    "Error",
];

/// What the bodies may name: only the bottom.
const BODY_MAY_USE: &[&str] = &["error", "random"];

/// Every `prefix::name` on the code lines of `source` (comments and doc comments left out).
fn names_after<'a>(source: &'a str, prefix: &'a str) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    source.lines().enumerate().flat_map(move |(n, line)| {
        let code = line.split("//").next().unwrap_or("");
        code.match_indices(prefix).filter_map(move |(at, _)| {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                return None;
            }
            let rest = &code[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (end > 0).then(|| (n + 1, &rest[..end]))
        })
    })
}

fn rust_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// What breaks the layering in the files of `dir`: `file:line: crate::name` or `super::name`.
fn breaches(dir: &str, may_use: &[&str], ranks: &[(&str, u32)]) -> Vec<String> {
    let rank = |name: &str| ranks.iter().find(|(file, _)| *file == name).map(|(_, rank)| *rank);
    let mut found = Vec::new();
    for (file, source) in rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)) {
        for (line, name) in names_after(&source, "crate::") {
            if !may_use.contains(&name) {
                found.push(format!("{dir}/{file}.rs:{line}: crate::{name}"));
            }
        }
        if file == "mod" {
            continue;
        }
        let own = rank(&file).unwrap_or_else(|| panic!("{dir}/{file}.rs has no rank: place it in its layer"));
        let own_path = format!("crate::{}::", dir.trim_start_matches("src/"));
        let siblings = names_after(&source, "super::").chain(names_after(&source, &own_path));
        for (line, name) in siblings {
            // A sibling file, ranked; anything else is an item of mod.rs (rank 0), or `super::*`
            // in a file's tests.
            let theirs = rank(name).unwrap_or(0);
            if theirs >= own && source.lines().nth(line - 1).is_some_and(|l| !l.contains("super::*")) {
                found.push(format!(
                    "{dir}/{file}.rs:{line}: super::{name} (ranked {theirs}, not below {own})"
                ));
            }
        }
    }
    found
}

#[test]
fn the_call_path_uses_only_what_lies_below_it() {
    let found = breaches("src/call", CALL_MAY_USE, CALL_RANKS);
    assert!(found.is_empty(), "imports against the layering:\n{}", found.join("\n"));
}

#[test]
fn the_bodies_know_nothing_of_the_call() {
    let ranks = [("multipart", 1), ("upload", 0)];
    let found = breaches("src/body", BODY_MAY_USE, &ranks);
    assert!(found.is_empty(), "imports against the layering:\n{}", found.join("\n"));
}

/// The scan sees what it is meant to: a breach planted in a copy of a file is reported.
#[test]
fn a_use_from_below_is_reported() {
    let planted =
        "use super::request::Pending;\n// super::execute in a comment\nfn f() { crate::client::Client::builder(); }\n";
    let supers: Vec<_> = names_after(planted, "super::").collect();
    assert_eq!(supers, [(1, "request")]);
    let crates: Vec<_> = names_after(planted, "crate::").collect();
    assert_eq!(crates, [(3, "client")]);
}
