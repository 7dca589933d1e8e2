//! `cargo xtask bench`: builds the bench in release mode, runs it (rows 1-3), then measures row 4,
//! the library's build cost, on a copy of the workspace so the repository is never touched.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn run_ok(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

pub fn run(root: &Path, smoke: bool) -> Result<(), String> {
    eprintln!("== building the bench (release)");
    run_ok(
        cargo()
            .current_dir(root)
            .args(["build", "--release", "--quiet", "-p", "postpress-bench"]),
        "cargo build",
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let bench = target.join("release").join("postpress-bench");
    let mut args = vec!["all"];
    if smoke {
        args.push("--smoke");
    }
    eprintln!("== running the bench{}", if smoke { " (smoke)" } else { "" });
    run_ok(Command::new(&bench).args(&args), "postpress-bench")?;
    build_cost(root, smoke)
}

/// Row 4: a clean release build of the library, a rebuild after changing one file in `src/`, and
/// the number of crates in its normal dependency tree.
fn build_cost(root: &Path, smoke: bool) -> Result<(), String> {
    let tree = cargo()
        .current_dir(root)
        .args([
            "tree",
            "-p",
            "postpress",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    let mut crates: Vec<String> = String::from_utf8_lossy(&tree.stdout)
        .lines()
        .map(|l| l.trim_end_matches(" (*)").to_string())
        .filter(|l| !l.is_empty())
        .collect();
    crates.sort();
    crates.dedup();
    println!("{:<44} {:>14}", "4. crates in the library's normal tree", crates.len());
    if smoke {
        println!("4. clean and incremental build times: skipped in the smoke run");
        return Ok(());
    }
    let copy = std::env::temp_dir().join(format!("postpress-build-cost-{}", std::process::id()));
    copy_workspace(root, &copy)?;
    let build = |what: &str| -> Result<f64, String> {
        let started = Instant::now();
        run_ok(
            cargo()
                .current_dir(&copy)
                .env("CARGO_TARGET_DIR", copy.join("target"))
                .args(["build", "--release", "--quiet", "-p", "postpress"]),
            what,
        )?;
        Ok(started.elapsed().as_secs_f64())
    };
    eprintln!("== clean release build of the library (on a copy)");
    let clean = build("clean build")?;
    let lib = copy.join("src").join("lib.rs");
    let text = std::fs::read_to_string(&lib).map_err(|e| e.to_string())?;
    std::fs::write(&lib, format!("{text}\n// touched by cargo xtask bench\n")).map_err(|e| e.to_string())?;
    let incremental = build("rebuild")?;
    let _ = std::fs::remove_dir_all(&copy);
    println!(
        "{:<44} {:>13.1}s",
        "4. clean `cargo build --release -p postpress`", clean
    );
    println!("{:<44} {:>13.1}s", "4. rebuild after changing src/lib.rs", incremental);
    Ok(())
}

/// Copies the tracked files of the workspace (not `target/`, `.git/` or `.tools/`).
fn copy_workspace(root: &Path, to: &Path) -> Result<(), String> {
    let listed = Command::new("git")
        .current_dir(root)
        .args(["ls-files", "-z"])
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if !listed.status.success() {
        return Err("git ls-files failed".into());
    }
    for file in listed.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let relative = Path::new(std::str::from_utf8(file).map_err(|e| e.to_string())?);
        let target = to.join(relative);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::copy(root.join(relative), &target).map_err(|e| format!("copy {}: {e}", relative.display()))?;
    }
    Ok(())
}
