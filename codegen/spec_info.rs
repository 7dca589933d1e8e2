//! Facts about the spec the crate was built from: the default server URL, the version, and a
//! fingerprint for the user agent.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// The spec's server URL and a fingerprint of the spec text (for the default user agent).
pub fn generate(raw: &Value, spec_text: &str) -> Result<TokenStream, String> {
    let server = raw
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .ok_or("the spec has no servers[0].url")?;
    let version = raw
        .pointer("/info/version")
        .and_then(Value::as_str)
        .ok_or("the spec has no info.version")?;
    // FNV-1a: a stable, dependency-free fingerprint; it identifies a spec, it does not protect one.
    let hash = spec_text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let fingerprint = format!("{:08x}", hash >> 32);
    Ok(quote! {
        /// Facts about the spec this crate was built from.
        pub mod spec_info {
            /// The server URL of the spec (`servers[0].url`): the default base URL.
            pub const SERVER_URL: &str = #server;
            /// The spec's `info.version`.
            pub const VERSION: &str = #version;
            /// A short fingerprint of the spec text (FNV-1a, 8 hex digits), named in the user agent.
            pub const FINGERPRINT: &str = #fingerprint;
        }
    })
}
