//! Rebuilds `xtask` when the generator it compiles through `#[path]` (`../codegen`) changes:
//! cargo does not see a change to a file outside the package (found when `cargo xtask gen` kept
//! running the old generator after an edit to `codegen/`).

fn main() {
    println!("cargo::rerun-if-changed=../codegen");
}
