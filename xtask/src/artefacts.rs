//! `cargo xtask gen [--check]` (`run`): every checked-in artefact derived from `openapi.yaml`, in the
//! checkout it is run in: the generated code (`generated/`: every part, each item behind the
//! features of its parts, a part's items in files of their own under `generated/parts/`, and the
//! builders), and the features of the API's parts in `Cargo.toml`.

use std::path::{Path, PathBuf};

use crate::{codegen, features};

/// One checked-in file derived from the spec: its path (from the workspace root) and content.
struct Artefact {
    path: PathBuf,
    content: String,
}

fn derive(root: &Path) -> Result<Vec<Artefact>, String> {
    let spec_path = root.join(codegen::SPEC_PATH);
    let spec = std::fs::read_to_string(&spec_path).map_err(|e| format!("read {}: {e}", spec_path.display()))?;
    // Every part, each behind its feature: the crate compiles this file as it is.
    let generated = codegen::generate(&spec)?;
    // Each part of the API a feature of the crate, `full` all of them.
    let parts = codegen::parts::parts(&codegen::spec::parse(&spec)?)?;
    let manifest_path = root.join("Cargo.toml");
    let manifest =
        std::fs::read_to_string(&manifest_path).map_err(|e| format!("read {}: {e}", manifest_path.display()))?;
    let manifest = features::with_features_block(&manifest, &features::features_block(&parts), &parts)?;
    let parts = generated.parts.into_iter().map(|(path, content)| Artefact {
        path: Path::new("generated").join(path),
        content,
    });
    Ok([
        Artefact {
            path: Path::new("generated").join(codegen::GENERATED_FILE),
            content: generated.code,
        },
        Artefact {
            path: Path::new("generated").join(codegen::BUILDERS_FILE),
            content: generated.builders,
        },
        Artefact {
            path: PathBuf::from("Cargo.toml"),
            content: manifest,
        },
    ]
    .into_iter()
    .chain(parts)
    .collect())
}

/// The files under `generated/parts/` (a part's files), as paths from the workspace root.
fn part_files(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![root.join("generated").join("parts")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(relative) = path.strip_prefix(root) {
                found.push(relative.to_path_buf());
            }
        }
    }
    found
}

/// Writes the artefacts of the checkout at `root` (`check`: only names the stale ones, and fails).
pub fn run(root: &Path, check: bool) -> Result<(), String> {
    let artefacts = derive(root)?;
    let mut stale = Vec::new();
    for artefact in &artefacts {
        let path = root.join(&artefact.path);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(artefact.content.as_str()) {
            continue;
        }
        if check {
            stale.push(artefact.path.display().to_string());
        } else {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
            }
            std::fs::write(&path, &artefact.content).map_err(|e| format!("write {}: {e}", path.display()))?;
            println!("wrote {}", artefact.path.display());
        }
    }
    // A part's file the spec no longer makes (a part or a module gone) is stale too.
    for leftover in part_files(root) {
        if artefacts.iter().any(|artefact| artefact.path == leftover) {
            continue;
        }
        if check {
            stale.push(format!("{} (no longer generated)", leftover.display()));
        } else {
            let path = root.join(&leftover);
            std::fs::remove_file(&path).map_err(|e| format!("remove {}: {e}", path.display()))?;
            println!("removed {}", leftover.display());
        }
    }
    if stale.is_empty() {
        if check {
            println!("{} generated artefact(s) up to date", artefacts.len());
        }
        Ok(())
    } else {
        Err(format!(
            "stale generated artefact(s), run `cargo xtask gen` and commit:\n{}",
            stale.iter().map(|s| format!("  {s}")).collect::<Vec<_>>().join("\n")
        ))
    }
}
