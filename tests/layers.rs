//! The runtime's layers, as the README's "Where things are" describes them: the call path
//! (`src/call/`) and the request bodies (`src/body/`) never reach up into what users hold (the
//! client, its builder, the generated requests, the hand-written rules), and inside the call path
//! each file uses only the files below it. A `use` that goes the other way closes a circle the
//! tree no longer shows; this test names the file and the line.
//!
//! It reads the source as text, outside comments: every `crate::x`, `crate::call::x`, `super::x`,
//! `self::x` and a sibling file's bare `name::`, single or in a `use` group.

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

/// Every `prefix::name` in the code of `source` (comments and doc comments left out), with its
/// line; a group (`prefix::{a, b::C}`, over several lines too) gives the first name of each item.
fn names_after(source: &str, prefix: &str) -> Vec<(usize, String)> {
    let code = source
        .lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let name_at = |at: usize| {
        let rest = &code[at..];
        rest[..rest.find(|c: char| !is_name(c)).unwrap_or(rest.len())].to_string()
    };
    let mut found = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        if code[..at].chars().next_back().is_some_and(|c| is_name(c) || c == ':') {
            continue;
        }
        let start = at + prefix.len();
        if !code[start..].starts_with('{') {
            let name = name_at(start);
            if !name.is_empty() {
                found.push((line_of(start), name));
            }
            continue;
        }
        let (mut depth, mut item_starts) = (0, false);
        for (i, c) in code[start..].char_indices() {
            match c {
                '{' => {
                    depth += 1;
                    item_starts = depth == 1;
                }
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                ',' if depth == 1 => item_starts = true,
                c if item_starts && depth == 1 && is_name(c) => {
                    found.push((line_of(start + i), name_at(start + i)));
                    item_starts = false;
                }
                _ => {}
            }
        }
    }
    found
}

/// The `.rs` files of `dir` by stem; a folder inside it fails the test (its files would go
/// unread: give it its own ranks here).
fn rust_files(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        assert!(
            !path.is_dir(),
            "{}: a folder the layering test does not read",
            path.display()
        );
        if path.extension().is_some_and(|ext| ext == "rs") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            files.push((stem, std::fs::read_to_string(&path).unwrap()));
        }
    }
    files.sort();
    files
}

/// What breaks the layering in the files of `dir`.
fn breaches(dir: &str, may_use: &[&str], ranks: &[(&str, u32)]) -> Vec<String> {
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .iter()
        .flat_map(|(file, source)| file_breaches(dir, file, source, may_use, ranks))
        .collect()
}

/// What breaks the layering in one file of `dir` (`mod` for its `mod.rs`): a name at the crate's
/// top it may not use, or a sibling file not ranked below it.
fn file_breaches(dir: &str, file: &str, source: &str, may_use: &[&str], ranks: &[(&str, u32)]) -> Vec<String> {
    let rank = |name: &str| ranks.iter().find(|(stem, _)| *stem == name).map(|(_, rank)| *rank);
    let own = rank(file).unwrap_or_else(|| panic!("{dir}/{file}.rs has no rank: place it in its layer"));
    let at = |line: usize| format!("{dir}/{file}.rs:{line}");
    let mut found = Vec::new();
    // The crate's top: `crate::x`, and in mod.rs `super::x`.
    let mut top = names_after(source, "crate::");
    if file == "mod" {
        top.extend(names_after(source, "super::"));
    }
    for (line, name) in top {
        if !may_use.contains(&name.as_str()) {
            found.push(format!("{}: {name}, above this layer", at(line)));
        }
    }
    // Siblings: `super::x` (from a file), `crate::call::x`, `self::x` (from mod.rs) and a
    // sibling's bare name (`request::Pending` after `use super::*`). A name that is no sibling is
    // an item of mod.rs (rank 0), except `super`, which climbs to the crate's top.
    let mut siblings = names_after(source, &format!("crate::{}::", dir.trim_start_matches("src/")));
    if file == "mod" {
        siblings.extend(names_after(source, "self::"));
    } else {
        siblings.extend(names_after(source, "super::"));
    }
    for (stem, _) in ranks {
        siblings.extend(
            names_after(source, &format!("{stem}::"))
                .into_iter()
                .map(|(line, _)| (line, stem.to_string())),
        );
    }
    siblings.sort();
    siblings.dedup();
    for (line, name) in siblings {
        let theirs = if name == "super" { Some(u32::MAX) } else { rank(&name) };
        if theirs.is_some_and(|theirs| theirs >= own) && name != file {
            found.push(format!("{}: {name}, not below {file} in the layering", at(line)));
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
    let ranks = [("mod", 0), ("upload", 1), ("multipart", 2)];
    let found = breaches("src/body", BODY_MAY_USE, &ranks);
    assert!(found.is_empty(), "imports against the layering:\n{}", found.join("\n"));
}

/// The scan sees what it is meant to: names on code lines, in groups over several lines, and
/// nothing in comments.
#[test]
fn a_use_from_below_is_reported() {
    let planted = "use super::request::Pending;\n// super::execute in a comment\n\
                   fn f() { crate::client::Client::builder(); }\n\
                   use super::{\n    Body, Core,\n    execute::{Exchange, State},\n};\nuse super::*;\n";
    let found = |prefix| -> Vec<(usize, String)> { names_after(planted, prefix) };
    let named = |pairs: &[(usize, &str)]| -> Vec<(usize, String)> {
        pairs.iter().map(|(line, name)| (*line, name.to_string())).collect()
    };
    assert_eq!(
        found("super::"),
        named(&[(1, "request"), (5, "Body"), (5, "Core"), (6, "execute")])
    );
    assert_eq!(found("crate::"), named(&[(3, "client")]));
}

/// Each way of reaching up is reported, with its line.
#[test]
fn planted_breaches_are_reported() {
    let check = |file: &str, source: &str| file_breaches("src/call", file, source, CALL_MAY_USE, CALL_RANKS);
    let attempt = "use super::*;\nuse super::{\n    Body,\n    execute::Exchange,\n};\n\
                   fn f() { request::Pending::new(); crate::call::pagination::items(); }\n\
                   use super::super::client;\nuse crate::client::Client;\nuse super::response;\n";
    assert_eq!(
        check("attempt", attempt),
        [
            "src/call/attempt.rs:8: client, above this layer",
            "src/call/attempt.rs:4: execute, not below attempt in the layering",
            "src/call/attempt.rs:6: pagination, not below attempt in the layering",
            "src/call/attempt.rs:6: request, not below attempt in the layering",
            "src/call/attempt.rs:7: super, not below attempt in the layering",
        ]
    );
    let shared = "use self::request::Pending;\nuse super::client::Client;\nuse crate::call::head::X;\n";
    assert_eq!(
        check("mod", shared),
        [
            "src/call/mod.rs:2: client, above this layer",
            "src/call/mod.rs:1: request, not below mod in the layering",
            "src/call/mod.rs:3: head, not below mod in the layering",
        ]
    );
}
