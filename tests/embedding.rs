//! The crate is a guest in the application's process: building a postpress client changes nothing
//! for the application's own TLS. Builds `tests/embed-app` (its own workspace, so Cargo unifies
//! reqwest's features as it would for a user) and runs it in each mode. It builds in the
//! workspace's target directory, reusing the dependencies already built there: its `postpress`
//! is a path package of another workspace, which cargo names apart from this workspace's own.

use std::path::Path;
use std::process::Command;

fn embed_app() -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--manifest-path"])
        .arg(root.join("tests/embed-app/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "tests/embed-app builds");
    target.join("debug").join("embed-app")
}

fn run(mode: &str) -> std::process::Output {
    Command::new(embed_app()).arg(mode).output().expect("embed-app runs")
}

#[test]
fn the_applications_own_reqwest_client_still_builds() {
    let out = run("own-client");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_application_can_still_install_its_own_crypto_provider() {
    let out = run("own-provider");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
