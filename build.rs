//! The package's build script: reads `openapi.yaml`, generates the client with [`codegen`] for the
//! API's parts whose features are enabled (`full`: all of them), and writes it to `OUT_DIR`, where
//! `src/lib.rs` includes it. `cargo xtask gen` runs the same generator, with every part, to keep
//! the reviewable snapshot in `generated/`.

mod codegen;

fn main() {
    println!("cargo::rerun-if-changed={}", codegen::SPEC_PATH);
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=codegen");
    let spec = std::fs::read_to_string(codegen::SPEC_PATH)
        .unwrap_or_else(|e| fail(format!("read {}: {e}", codegen::SPEC_PATH)));
    // Cargo sets `CARGO_FEATURE_<NAME>` for each enabled feature (upper case, `-` as `_`); a
    // change of features runs the script again.
    let feature = |name: &str| std::env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase().replace('-', "_")));
    let full = feature(codegen::parts::FULL).is_some();
    let generated = codegen::generate(&spec, &|part| full || feature(part).is_some()).unwrap_or_else(|e| fail(e));
    // With no part enabled, the runtime's call path is there for no operation: `src/lib.rs`
    // quiets what goes unused then.
    println!("cargo::rustc-check-cfg=cfg(postpress_no_operations)");
    if generated.operations == 0 {
        println!("cargo::rustc-cfg=postpress_no_operations");
    }
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|e| fail(format!("OUT_DIR: {e}")));
    let out = std::path::Path::new(&out_dir).join(codegen::GENERATED_FILE);
    std::fs::write(&out, generated.code).unwrap_or_else(|e| fail(format!("write {}: {e}", out.display())));
}

fn fail(message: String) -> ! {
    eprintln!("postpress build script: {message}");
    std::process::exit(1)
}
