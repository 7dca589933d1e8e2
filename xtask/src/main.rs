//! Maintainers' commands.
//!
//! - `cargo xtask gen`: regenerate every checked-in artefact derived from `openapi.yaml`: the
//!   generated code (`generated/`, every part), and the features of the API's parts in
//!   `Cargo.toml`.
//! - `cargo xtask gen --check`: exit non-zero, naming each stale artefact, when one differs.
//! - `cargo xtask bench [--smoke]`: the SDK against raw reqwest, one table (see `bench/`), plus
//!   the library's build cost.
//! - `cargo xtask pagination [--smoke]`: row 5 of the bench alone, walking a list's pages.
//! - `cargo xtask build-cost`: row 4 of the bench alone, what a small service compiles.
//! - `cargo xtask op-cost [real-api]`: row 6 of the bench alone, what one operation of the spec
//!   costs (with `real-api`: on the operations the API's reference publishes).
//! - `cargo xtask grow real-api|fixture`: prints the spec grown with the API reference's
//!   published operations (`tests/real-api/`) or the growth test's fixture (`tests/growth/`).
//! - `cargo xtask spec-diff`: the spec's changes since the last release (`spec/released.yaml`),
//!   failing on one that breaks clients while `info.version`'s major stays the same.
//! - `cargo xtask release-spec`: releases the spec (copies it, appends its changes to
//!   `CHANGELOG.md`).
//! - `cargo xtask soak [--smoke] [--sends N] [--concurrency C] [--seed S]`: the chaos soak (see
//!   `bench/src/bin/postpress-soak/`): sends through a fault-injecting proxy, reconciled against
//!   the fake.

use std::path::PathBuf;
use std::process::ExitCode;

#[path = "../../codegen/mod.rs"]
mod codegen;

/// The workspace the command is run in: the nearest directory at or above the current one whose
/// `Cargo.toml` has a `[workspace]` table. Found at run time, not from `CARGO_MANIFEST_DIR`: with
/// a target directory shared by two checkouts, cargo may run the binary built in the other one.
fn workspace_root() -> Result<PathBuf, String> {
    let start = std::env::current_dir().map_err(|e| format!("the current directory: {e}"))?;
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        if text.lines().any(|line| line.trim() == "[workspace]") {
            return Ok(dir.to_path_buf());
        }
    }
    Err(format!("no workspace Cargo.toml at or above {}", start.display()))
}

const USAGE: &str = "usage: cargo xtask gen [--check] | cargo xtask model | cargo xtask bench [--smoke] | cargo xtask pagination [--smoke] | cargo xtask build-cost | cargo xtask op-cost [real-api] | cargo xtask grow real-api|fixture | cargo xtask spec-diff | cargo xtask release-spec | cargo xtask soak [--smoke] [--sends N] [--concurrency C] [--seed S]";

mod artefacts;
mod bench;
mod build_cost;
mod features;
mod grow;
mod op_cost;
mod spec_diff;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["gen"] => workspace_root().and_then(|root| artefacts::run(&root, false)),
        ["gen", "--check"] => workspace_root().and_then(|root| artefacts::run(&root, true)),
        // What the generator read of each operation, as data (codegen/model_of_the_spec.txt).
        ["model"] => workspace_root().and_then(|root| {
            let spec = std::fs::read_to_string(root.join(codegen::SPEC_PATH)).map_err(|e| e.to_string())?;
            print!("{}", codegen::generate(&spec)?.model);
            Ok(())
        }),
        ["bench"] => workspace_root().and_then(|root| bench::run(&root, false)),
        ["bench", "--smoke"] => workspace_root().and_then(|root| bench::run(&root, true)),
        ["pagination"] => workspace_root().and_then(|root| bench::pagination(&root, false)),
        ["pagination", "--smoke"] => workspace_root().and_then(|root| bench::pagination(&root, true)),
        ["build-cost"] => workspace_root().and_then(|root| build_cost::run(&root, false)),
        ["grow", corpus] => workspace_root().and_then(|root| {
            let spec = std::fs::read_to_string(root.join(codegen::SPEC_PATH)).map_err(|e| e.to_string())?;
            let grown = match *corpus {
                "real-api" => grow::with_real_api(&root, &spec)?,
                "fixture" => grow::with_growth_fixture(&root, &spec)?,
                other => return Err(format!("grow {other}: the corpora are real-api and fixture")),
            };
            println!("{grown}");
            Ok(())
        }),
        ["spec-diff"] => workspace_root().and_then(|root| spec_diff::run(&root)),
        ["release-spec"] => workspace_root().and_then(|root| spec_diff::release(&root)),
        ["soak", rest @ ..] => workspace_root().and_then(|root| bench::soak(&root, rest)),
        ["op-cost", corpus @ ..] => workspace_root().and_then(|root| {
            let corpus = match corpus {
                [] => op_cost::Corpus::Synthetic,
                ["real-api"] => op_cost::Corpus::RealApi,
                _ => return Err("op-cost [real-api]".to_string()),
            };
            let scratch = std::env::temp_dir().join(format!("postpress-op-cost-{}", std::process::id()));
            let result = op_cost::measure(&root, &scratch, corpus);
            let _ = std::fs::remove_dir_all(&scratch);
            result
        }),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
