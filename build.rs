//! The package's build script: reads `openapi.yaml`, generates the client with [`codegen`], and
//! writes it to `OUT_DIR`, where `src/lib.rs` includes it. `cargo xtask gen` runs the same
//! generator to keep the reviewable snapshot in `generated/`.

mod codegen;

fn main() {
    println!("cargo::rerun-if-changed={}", codegen::SPEC_PATH);
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=codegen");
    let spec = std::fs::read_to_string(codegen::SPEC_PATH)
        .unwrap_or_else(|e| fail(format!("read {}: {e}", codegen::SPEC_PATH)));
    let code = codegen::generate(&spec).unwrap_or_else(|e| fail(e));
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|e| fail(format!("OUT_DIR: {e}")));
    let out = std::path::Path::new(&out_dir).join(codegen::GENERATED_FILE);
    std::fs::write(&out, code).unwrap_or_else(|e| fail(format!("write {}: {e}", out.display())));
}

fn fail(message: String) -> ! {
    eprintln!("postpress build script: {message}");
    std::process::exit(1)
}
