//! Row 4 of `cargo xtask bench`: what a user compiles. The crates of the library's tree, a clean
//! release build of the library and a rebuild after changing one file, and the clean debug build
//! of a small service (one call, `get_message`) with postpress against the same service with only
//! reqwest, serde_json and tokio: with the default features (target: at most 12 s more), with
//! `full`, and on a copy of the workspace whose spec is grown with every definition in
//! `tests/real-api/` (in parts of their own, which a default build does not compile). The builds
//! alternate, round after round, and the medians are printed: a clean build's time swings by
//! seconds between runs on 2 cores. What the grown spec costs a default build is measured apart,
//! on the library's own units, which are all that differ between the two: the library built again
//! (its dependencies built already) with and without the grown spec (target: within 1 s).

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::bench::{cargo, copy_workspace, run_ok};

/// The most postpress may add to the small service's clean debug build (seconds, 2 cores).
const APP_BUILD_TARGET: f64 = 12.0;
/// The most the parts a service does not enable may cost its build (seconds).
const UNUSED_PARTS_TARGET: f64 = 1.0;
/// Rounds of the alternating clean builds.
const ROUNDS: usize = 3;

/// Row 4; `Err` when a target is missed, once every figure is printed.
pub fn run(root: &Path, smoke: bool) -> Result<(), String> {
    let normal = crate_count(root, "normal")?;
    let with_build = crate_count(root, "normal,build")?;
    println!("{:<44} {:>14}", "4. crates in the library's normal tree", normal);
    println!("{:<44} {:>14}", "4. crates, build-dependencies included", with_build);
    if smoke {
        println!("4. build times: skipped in the smoke run");
        return Ok(());
    }
    let scratch = std::env::temp_dir().join(format!("postpress-build-cost-{}", std::process::id()));
    let result = measure(root, &scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn measure(root: &Path, scratch: &Path) -> Result<(), String> {
    let (copy, grown) = (scratch.join("workspace"), scratch.join("grown"));
    copy_workspace(root, &copy)?;
    copy_workspace(root, &grown)?;
    let spec = std::fs::read_to_string(root.join(crate::codegen::SPEC_PATH)).map_err(|e| e.to_string())?;
    std::fs::write(
        grown.join(crate::codegen::SPEC_PATH),
        crate::grow::with_real_api(root, &spec)?,
    )
    .map_err(|e| e.to_string())?;
    crate::artefacts::run(&grown, false)?;

    eprintln!("== clean release build of the library (on a copy)");
    let library = ["build", "--release", "--quiet", "-p", "postpress"];
    let target = copy.join("target");
    let clean = timed(&copy, &target, &library, "clean build")?;
    let lib = copy.join("src").join("lib.rs");
    let text = std::fs::read_to_string(&lib).map_err(|e| e.to_string())?;
    std::fs::write(&lib, format!("{text}\n// touched by cargo xtask bench\n")).map_err(|e| e.to_string())?;
    let rebuild = timed(&copy, &target, &library, "rebuild")?;
    std::fs::write(&lib, text).map_err(|e| e.to_string())?;
    println!(
        "{:<44} {:>13.1}s",
        "4. clean `cargo build --release -p postpress`", clean
    );
    println!("{:<44} {:>13.1}s", "4. rebuild after changing src/lib.rs", rebuild);

    let common = "serde_json = \"1\"\ntokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }\n";
    let call = "let client = postpress::Client::builder().api_key(\"k\").build().expect(\"client\");\n    \
                let _ = client.get_message(\"msg_1\").await;";
    let postpress = |workspace: &Path, features: &str| {
        format!(
            "postpress = {{ path = {:?}{features} }}\n{common}",
            workspace.display().to_string()
        )
    };
    let apps = [
        small_app(
            root,
            &scratch.join("app-reqwest"),
            &format!("reqwest = {{ version = \"0.13\", features = [\"json\"] }}\n{common}"),
            "let client = reqwest::Client::new();\n    \
             let _ = client.get(\"https://api.postpress.ai/api/v1/messages/msg_1\").send().await;",
        )?,
        small_app(root, &scratch.join("app-default"), &postpress(&copy, ""), call)?,
        small_app(
            root,
            &scratch.join("app-full"),
            &postpress(&copy, ", features = [\"full\"]"),
            call,
        )?,
        small_app(root, &scratch.join("app-grown"), &postpress(&grown, ""), call)?,
    ];
    let mut times: [Vec<f64>; 4] = Default::default();
    for round in 1..=ROUNDS {
        eprintln!("== clean debug builds of a small service, round {round} of {ROUNDS}");
        for (app, times) in apps.iter().zip(&mut times) {
            let target = app.join("target");
            let _ = std::fs::remove_dir_all(&target);
            times.push(timed(app, &target, &["build", "--quiet"], "the small service")?);
        }
    }
    let [without, default, full, grown_default] = times.map(|t| median(&t));
    let mut missed = Vec::new();
    let row = |name: &str, seconds: f64, target: Option<(f64, &str)>, missed: &mut Vec<String>| {
        let added = seconds - without;
        let verdict = match target {
            Some((limit, _)) if added <= limit => format!("<= +{limit:.0}s met"),
            Some((limit, what)) => {
                missed.push(format!("4. {what}: +{added:.1}s, target +{limit:.0}s"));
                format!("<= +{limit:.0}s MISSED")
            }
            None => "report".into(),
        };
        println!("{name:<44} {seconds:>13.1}s ({added:+.1}s)   {verdict}");
    };
    println!(
        "{:<44} {:>13.1}s   (median of {ROUNDS} alternating rounds)",
        "4. clean debug build, service with reqwest", without
    );
    row(
        "4. the same service with postpress (default)",
        default,
        Some((APP_BUILD_TARGET, "the small service with postpress")),
        &mut missed,
    );
    row("4. the same with postpress `full`", full, None, &mut missed);
    row(
        "4. default, the spec grown with tests/real-api",
        grown_default,
        None,
        &mut missed,
    );

    // The parts a service does not use: the library's own units, built again alone.
    let (ungrown, grown_lib) = (library_rebuilds(&apps[1])?, library_rebuilds(&apps[3])?);
    let added = grown_lib - ungrown;
    let met = added <= UNUSED_PARTS_TARGET;
    if !met {
        missed.push(format!(
            "4. parts not enabled: +{added:.2}s, target +{UNUSED_PARTS_TARGET:.0}s"
        ));
    }
    println!("{:<44} {:>13.2}s", "4. postpress built again, default", ungrown);
    println!(
        "{:<44} {:>13.2}s ({added:+.2}s)   <= +{UNUSED_PARTS_TARGET:.0}s {}",
        "4. the same, the spec grown with tests/real-api",
        grown_lib,
        if met { "met" } else { "MISSED" }
    );
    if missed.is_empty() {
        Ok(())
    } else {
        Err(missed.join("\n"))
    }
}

/// The median of the library built again (`cargo clean -p postpress`, then the service's build)
/// in `app`, whose dependencies are built: three rounds.
fn library_rebuilds(app: &Path) -> Result<f64, String> {
    let target = app.join("target");
    let mut times = Vec::new();
    for _ in 0..3 {
        run_ok(
            cargo()
                .current_dir(app)
                .env("CARGO_TARGET_DIR", &target)
                .args(["clean", "--quiet", "-p", "postpress"]),
            "cargo clean -p postpress",
        )?;
        times.push(timed(app, &target, &["build", "--quiet"], "the library built again")?);
    }
    Ok(median(&times))
}

/// Seconds of `cargo ARGS` in `dir`, without incremental compilation, as a user builds a
/// dependency from the registry (cargo keeps incremental data for path dependencies only, and
/// writing it slows a clean build).
fn timed(dir: &Path, target: &Path, args: &[&str], what: &str) -> Result<f64, String> {
    let started = Instant::now();
    run_ok(
        cargo()
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0")
            .args(args),
        what,
    )?;
    Ok(started.elapsed().as_secs_f64())
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
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

/// A one-file service in its own workspace (so the copy's workspace does not claim it), with the
/// workspace's lock file, so every service builds the same versions of its dependencies.
fn small_app(root: &Path, dir: &Path, dependencies: &str, body: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let manifest = format!(
        "[package]\nname = \"app\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n\n[dependencies]\n{dependencies}"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    let main = format!("#[tokio::main]\nasync fn main() {{\n    {body}\n}}\n");
    std::fs::write(dir.join("src").join("main.rs"), main).map_err(|e| e.to_string())?;
    Ok(dir.to_path_buf())
}
