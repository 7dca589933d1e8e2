//! The package's build script: fingerprints `openapi.yaml` for `src/lib.rs`, which refuses to
//! compile when the generated code (`generated/postpress_api.rs`, written by `cargo xtask gen` from
//! the spec and compiled as it is) was made from another spec. The generator itself runs in
//! `cargo xtask gen`, never in a user's build: its dependencies (progenitor, typify, a YAML parser,
//! regex) cost more build time than the rest of the crate (README, "Benchmarks", row 4).

fn main() {
    println!("cargo::rerun-if-changed=openapi.yaml");
    println!("cargo::rerun-if-changed=build.rs");
    let spec = std::fs::read("openapi.yaml").unwrap_or_else(|e| {
        eprintln!("postpress build script: read openapi.yaml: {e}");
        std::process::exit(1)
    });
    // FNV-1a, as `codegen/spec_info.rs` fingerprints the spec for `spec_info::FINGERPRINT`.
    let hash = spec.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    println!("cargo::rustc-env=POSTPRESS_SPEC_FINGERPRINT={:08x}", hash >> 32);
}
