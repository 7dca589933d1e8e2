//! `cargo xtask bench`: builds the bench in release mode (a smoke run in debug), runs it (rows 1-3), row 5 (pagination of
//! the spec's `list_chats`), then measures row 4, what a user compiles (`build_cost.rs`), and row
//! 6, the cost of one operation (`op_cost.rs`), on copies of the workspace so the repository is
//! never touched.

use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

pub(crate) fn run_ok(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// Builds `postpress-bench`, in release mode (a debug build for a smoke run, which only proves
/// the bench runs: it is built in minutes less); returns its path.
fn build_bench(root: &Path, smoke: bool) -> Result<PathBuf, String> {
    let (profile, dir) = if smoke {
        ("dev", "debug")
    } else {
        ("release", "release")
    };
    eprintln!("== building the bench ({profile})");
    run_ok(
        cargo()
            .current_dir(root)
            .args(["build", "--profile", profile, "--quiet", "-p", "postpress-bench"]),
        "cargo build",
    )?;
    Ok(target_dir(root).join(dir).join("postpress-bench"))
}

/// `cargo xtask soak [--smoke] [ARGS]`: the chaos soak (`postpress-soak`), in release mode;
/// `--smoke` is what CI runs: 2,000 sends (unless `--sends` says otherwise), in a debug build.
pub fn soak(root: &Path, args: &[&str]) -> Result<(), String> {
    let smoke = args.contains(&"--smoke");
    let mut args: Vec<&str> = args.iter().copied().filter(|a| *a != "--smoke").collect();
    if smoke && !args.contains(&"--sends") {
        args.extend(["--sends", "2000"]);
    }
    let bench = build_bench(root, smoke)?;
    run_ok(
        Command::new(bench.with_file_name("postpress-soak")).args(&args),
        "the soak",
    )
}

pub fn run(root: &Path, smoke: bool) -> Result<(), String> {
    let bench = build_bench(root, smoke)?;
    let mut args = vec!["all"];
    if smoke {
        args.push("--smoke");
    }
    eprintln!("== running the bench{}", if smoke { " (smoke)" } else { "" });
    run_ok(Command::new(&bench).args(&args), "postpress-bench")?;
    pagination(root, smoke)?;
    // Rows 4 and 6 are measured and printed before a missed target fails the run.
    let rows = [crate::build_cost::run(root, smoke), crate::op_cost::run(root, smoke)];
    let missed: Vec<String> = rows.into_iter().filter_map(Result::err).collect();
    if missed.is_empty() {
        Ok(())
    } else {
        Err(missed.join("\n"))
    }
}

/// The target directory cargo builds this workspace in.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// Row 5, pagination (`bench/src/bin/postpress-pagination.rs`): the spec's `list_chats` walked
/// through `.items()` against raw reqwest.
pub fn pagination(root: &Path, smoke: bool) -> Result<(), String> {
    let bench = build_bench(root, smoke)?;
    let mut command = Command::new(bench.with_file_name("postpress-pagination"));
    command.arg("measure");
    if smoke {
        command.arg("--smoke");
    }
    run_ok(&mut command, "the pagination row")
}

/// Copies the tracked files of the workspace (not `target/`, `.git/` or `.tools/`).
pub(crate) fn copy_workspace(root: &Path, to: &Path) -> Result<(), String> {
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
