//! The growth test: the SDK grows with its spec, and with nothing else.
//!
//! A copy of the workspace gets the operations of `tests/growth/*.yaml` merged into its
//! `openapi.yaml` (a cursor-paginated list with a pattern, a range and an enum among its query
//! parameters, a new method under an existing path, a list without pagination, a JSON POST, a PUT
//! marked `x-idempotent: false`, and a multipart upload with a repeated text field and a file).
//! Then, in the copy, `cargo xtask gen` regenerates the snapshot, and two programs written against
//! the contract for any operation run: `tests/growth/program.rs` (the Rust API, against a server
//! of its own) and `tests/growth/surfaces.rs` (the CLI, `postpress mcp` and the fake server). No
//! other file of the copy is touched, so any surface that needed a hand-written line for a new
//! operation would fail to compile or fail its test.
//!
//! It builds the copy in a target directory of its own (`target/growth`, kept between local runs):
//! run it with `.ci/growth`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(dir: &Path, target: &Path, args: &[&str]) {
    let status = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("POSTPRESS_API_KEY")
        .status()
        .unwrap_or_else(|e| panic!("cargo {args:?}: {e}"));
    assert!(status.success(), "cargo {} failed in the grown copy", args.join(" "));
}

/// `text` with `insert` placed right after the line `anchor` (which must occur once).
fn insert_after(text: &str, anchor: &str, insert: &str) -> String {
    let needle = format!("\n{anchor}\n");
    assert_eq!(
        text.matches(&needle).count(),
        1,
        "the spec has no single line {anchor:?}"
    );
    text.replacen(&needle, &format!("{needle}{insert}"), 1)
}

/// The spec with the fixture's operations and schemas in it.
fn grown_spec(spec: &str, fixture: &Path) -> String {
    let read = |name: &str| std::fs::read_to_string(fixture.join(name)).unwrap();
    let spec = insert_after(spec, "paths:", &read("paths.yaml"));
    let spec = insert_after(&spec, "  /messages/{message_id}:", &read("method.yaml"));
    insert_after(&spec, "  schemas:", &read("schemas.yaml"))
}

#[test]
#[ignore = "builds a grown copy of the workspace: run .ci/growth"]
fn every_surface_follows_the_spec_alone() {
    let root = workspace();
    let copy = std::env::temp_dir().join(format!("postpress-growth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    let listed = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(&root)
        .output()
        .expect("git ls-files");
    assert!(listed.status.success());
    for file in listed.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let file = Path::new(std::str::from_utf8(file).unwrap());
        let (from, to) = (root.join(file), copy.join(file));
        if !from.is_file() {
            continue;
        }
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }

    // The only edits: the spec, and the two programs that use what it adds.
    let fixture = root.join("tests/growth");
    let spec = std::fs::read_to_string(root.join("openapi.yaml")).unwrap();
    std::fs::write(copy.join("openapi.yaml"), grown_spec(&spec, &fixture)).unwrap();
    std::fs::copy(fixture.join("program.rs"), copy.join("examples/growth.rs")).unwrap();
    std::fs::copy(fixture.join("surfaces.rs"), copy.join("cli/tests/growth.rs")).unwrap();

    // A target directory of the copy's own: cargo names a path package's artefacts without its
    // path, so a copy building into this workspace's target directory overwrote its `postpress`
    // binary and build-script output with the grown ones (found when `.ci/mcp-contract`, run after
    // this test, saw the fixture's tools).
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("growth");
    let snapshot = Path::new("generated/postpress_api.rs");
    run(&copy, &target, &["xtask", "gen"]);
    // The snapshot of the copy was regenerated from the copy's spec (not this workspace's).
    let grown = std::fs::read_to_string(copy.join(snapshot)).unwrap();
    assert!(
        grown.contains("pub fn list_accounts("),
        "cargo xtask gen read another spec"
    );
    run(&copy, &target, &["xtask", "gen", "--check"]);
    run(&copy, &target, &["run", "--quiet", "--example", "growth"]);
    run(
        &copy,
        &target,
        &["test", "--quiet", "-p", "postpress-cli", "--test", "growth"],
    );
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn the_fixture_merges_into_the_spec() {
    let spec = std::fs::read_to_string(workspace().join("openapi.yaml")).unwrap();
    let grown = grown_spec(&spec, &workspace().join("tests/growth"));
    for id in [
        "list_accounts",
        "get_account",
        "upload_document",
        "start_chat",
        "list_chat_attendees",
        "delete_message",
    ] {
        assert!(grown.contains(&format!("operationId: {id}")), "{id}");
    }
    let value: serde_json::Value = serde_saphyr::from_str(&grown).expect("the grown spec is YAML");
    assert!(value.pointer("/paths/~1messages~1{message_id}/delete").is_some());
    assert!(
        value.pointer("/paths/~1messages~1{message_id}/get").is_some(),
        "the existing method stays"
    );
}
