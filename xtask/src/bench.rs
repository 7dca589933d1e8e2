//! `cargo xtask bench`: builds the bench in release mode, runs it (rows 1-3), row 5 (pagination,
//! in a copy grown with a list operation), then measures row 4, the library's build cost, and
//! row 6, the cost of one operation (`op_cost.rs`), on copies of the workspace so the repository
//! is never touched.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

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

/// Builds `postpress-bench` in release mode; returns its path.
fn build_bench(root: &Path) -> Result<PathBuf, String> {
    eprintln!("== building the bench (release)");
    run_ok(
        cargo()
            .current_dir(root)
            .args(["build", "--release", "--quiet", "-p", "postpress-bench"]),
        "cargo build",
    )?;
    Ok(target_dir(root).join("release").join("postpress-bench"))
}

/// `cargo xtask soak`: the chaos soak (`postpress-soak`), in release mode.
pub fn soak(root: &Path, args: &[&str]) -> Result<(), String> {
    let bench = build_bench(root)?;
    run_ok(
        Command::new(bench.with_file_name("postpress-soak")).args(args),
        "the soak",
    )
}

pub fn run(root: &Path, smoke: bool) -> Result<(), String> {
    let bench = build_bench(root)?;
    let mut args = vec!["all"];
    if smoke {
        args.push("--smoke");
    }
    eprintln!("== running the bench{}", if smoke { " (smoke)" } else { "" });
    run_ok(Command::new(&bench).args(&args), "postpress-bench")?;
    pagination(root, smoke)?;
    build_cost(root, smoke)
}

/// The target directory cargo builds this workspace in.
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// Row 5, pagination (`bench/src/bin/postpress-pagination.rs`): the spec's `list_chats` walked
/// through `.items()` against raw reqwest.
pub fn pagination(root: &Path, smoke: bool) -> Result<(), String> {
    let bench = build_bench(root)?;
    let mut command = Command::new(bench.with_file_name("postpress-pagination"));
    command.arg("measure");
    if smoke {
        command.arg("--smoke");
    }
    run_ok(&mut command, "the pagination row")
}

/// Row 4: what a user compiles. The crates of the library's tree (normal, and with the
/// build-dependencies every user also compiles: the generator runs in their build), a clean release
/// build of the library and a rebuild after changing one file, and a clean debug build of a small
/// application with postpress against the same application with only reqwest, serde_json and tokio.
fn build_cost(root: &Path, smoke: bool) -> Result<(), String> {
    let normal = crate_count(root, "normal")?;
    let with_build = crate_count(root, "normal,build")?;
    println!("{:<44} {:>14}", "4. crates in the library's normal tree", normal);
    println!("{:<44} {:>14}", "4. crates, build-dependencies included", with_build);
    if smoke {
        println!("4. build times: skipped in the smoke run");
        crate::op_cost::lines_only(root)?;
        println!("6. build time per operation: skipped in the smoke run");
        return Ok(());
    }
    let copy = std::env::temp_dir().join(format!("postpress-build-cost-{}", std::process::id()));
    copy_workspace(root, &copy)?;
    let times = build_times(&copy);
    let _ = std::fs::remove_dir_all(&copy);
    let scratch = std::env::temp_dir().join(format!("postpress-op-cost-{}", std::process::id()));
    let per_operation = crate::op_cost::measure(root, &scratch, crate::op_cost::Corpus::Synthetic);
    let _ = std::fs::remove_dir_all(&scratch);
    // Both rows are measured and printed before a missed target fails the run.
    match (times, per_operation) {
        (Ok(()), Ok(())) => Ok(()),
        (Err(e), Ok(())) | (Ok(()), Err(e)) => Err(e),
        (Err(a), Err(b)) => Err(format!("{a}\n{b}")),
    }
}

/// The most postpress may add to the small application's clean debug build, with the generator
/// running in the user's build (seconds, 2 cores).
const APP_BUILD_TARGET: f64 = 12.0;

fn build_times(copy: &Path) -> Result<(), String> {
    // Without incremental compilation, as a user builds postpress from the registry (cargo
    // keeps incremental data for path dependencies only, and writing it slows a clean build).
    let build = |dir: &Path, args: &[&str], what: &str| -> Result<f64, String> {
        let started = Instant::now();
        run_ok(
            cargo()
                .current_dir(dir)
                .env("CARGO_TARGET_DIR", dir.join("target"))
                .env("CARGO_INCREMENTAL", "0")
                .args(args),
            what,
        )?;
        Ok(started.elapsed().as_secs_f64())
    };
    eprintln!("== clean release build of the library (on a copy)");
    let library = ["build", "--release", "--quiet", "-p", "postpress"];
    let clean = build(copy, &library, "clean build")?;
    let lib = copy.join("src").join("lib.rs");
    let text = std::fs::read_to_string(&lib).map_err(|e| e.to_string())?;
    std::fs::write(&lib, format!("{text}\n// touched by cargo xtask bench\n")).map_err(|e| e.to_string())?;
    let incremental = build(copy, &library, "rebuild")?;
    println!(
        "{:<44} {:>13.1}s",
        "4. clean `cargo build --release -p postpress`", clean
    );
    println!("{:<44} {:>13.1}s", "4. rebuild after changing src/lib.rs", incremental);

    eprintln!("== clean debug builds of a small application, with and without postpress");
    let common = r#"serde_json = "1"
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }
"#;
    let with = small_app(
        &copy.join("app-with-postpress"),
        &format!("postpress = {{ path = {:?} }}\n{common}", copy.display().to_string()),
        "let client = postpress::Client::builder().api_key(\"k\").build().expect(\"client\");\n    \
         let _ = client.get_message(\"msg_1\").await;",
    )?;
    let without = small_app(
        &copy.join("app-with-reqwest"),
        &format!("reqwest = {{ version = \"0.13\", features = [\"json\"] }}\n{common}"),
        "let client = reqwest::Client::new();\n    \
         let _ = client.get(\"https://api.postpress.ai/api/v1/messages/msg_1\").send().await;",
    )?;
    let debug = ["build", "--quiet"];
    let app_without = build(&without, &debug, "the application with reqwest")?;
    let app_with = build(&with, &debug, "the application with postpress")?;
    println!(
        "{:<44} {:>13.1}s",
        "4. clean debug build, app with reqwest+serde_json+tokio", app_without
    );
    let added = app_with - app_without;
    let verdict = if added <= APP_BUILD_TARGET { "met" } else { "MISSED" };
    println!(
        "{:<44} {:>13.1}s (+{added:.1}s)   <= +{APP_BUILD_TARGET:.0}s {verdict}",
        "4. clean debug build, the same app with postpress", app_with,
    );
    if verdict == "MISSED" {
        return Err(format!(
            "4. the small application's build: +{added:.1}s with postpress, target +{APP_BUILD_TARGET:.0}s"
        ));
    }
    Ok(())
}

/// The distinct crates of the library's tree over the given edge kinds (`cargo tree -e`).
fn crate_count(root: &Path, edges: &str) -> Result<usize, String> {
    let tree = cargo()
        .current_dir(root)
        .args([
            "tree",
            "-p",
            "postpress",
            "-e",
            edges,
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
    Ok(crates.len())
}

/// A one-file application in its own workspace (so the copy's workspace does not claim it).
fn small_app(dir: &Path, dependencies: &str, body: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"app\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n\n[dependencies]\n{dependencies}"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    let main = format!("#[tokio::main]\nasync fn main() {{\n    {body}\n}}\n");
    std::fs::write(dir.join("src").join("main.rs"), main).map_err(|e| e.to_string())?;
    Ok(dir.to_path_buf())
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
