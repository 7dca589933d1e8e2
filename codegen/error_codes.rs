//! `ErrorCode`: one variant per `errors/...` type the spec documents, collected from the named
//! examples of every error response (the pages list the types; the envelope's `type` stays a string).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::names;
use serde_json::Value;

/// One documented error type: its wire name, the HTTP status it comes with, and the page's text.
struct DocumentedError {
    wire: String,
    status: u16,
    description: String,
}

/// Collects every error type from the named examples of every error response (shared ones in
/// `components.responses` and those written inline under an operation).
pub fn generate(raw: &Value) -> Result<TokenStream, String> {
    let mut found: BTreeMap<String, DocumentedError> = BTreeMap::new();
    let mut visit_examples = |examples: &serde_json::Map<String, Value>| -> Result<(), String> {
        for (key, example) in examples {
            let value = example
                .get("value")
                .ok_or(format!("error example {key} has no value"))?;
            let wire = value
                .get("type")
                .and_then(Value::as_str)
                .ok_or(format!("error example {key} has no type"))?;
            let status = value
                .get("status")
                .and_then(Value::as_u64)
                .ok_or(format!("error example {key} has no status"))?;
            let status = u16::try_from(status).map_err(|_| format!("error example {key}: status {status}"))?;
            let description = value.get("detail").and_then(Value::as_str).unwrap_or("").to_string();
            match found.get(wire) {
                Some(seen) if seen.status != status => {
                    return Err(format!(
                        "{wire} is documented with statuses {} and {status}",
                        seen.status
                    ));
                }
                Some(_) => {}
                None => {
                    let doc = DocumentedError {
                        wire: wire.to_string(),
                        status,
                        description,
                    };
                    found.insert(wire.to_string(), doc);
                }
            }
        }
        Ok(())
    };
    let error_media = |response: &Value| -> Option<serde_json::Map<String, Value>> {
        let media = response.pointer("/content/application~1json")?;
        let is_envelope =
            media.pointer("/schema/$ref").and_then(Value::as_str) == Some("#/components/schemas/ErrorEnvelope");
        is_envelope
            .then(|| media.get("examples").and_then(Value::as_object).cloned())
            .flatten()
    };
    if let Some(responses) = raw.pointer("/components/responses").and_then(Value::as_object) {
        for response in responses.values() {
            if let Some(examples) = error_media(response) {
                visit_examples(&examples)?;
            }
        }
    }
    for item in raw
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            for response in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|r| r.values())
            {
                if let Some(examples) = error_media(response) {
                    visit_examples(&examples)?;
                }
            }
        }
    }
    if found.is_empty() {
        return Err("no documented error types found".into());
    }

    let mut errors: Vec<_> = found.into_values().collect();
    errors.sort_by(|a, b| (a.status, &a.wire).cmp(&(b.status, &b.wire)));
    let count = errors.len();
    let short: Vec<String> = errors
        .iter()
        .map(|e| e.wire.trim_start_matches("errors/").to_string())
        .collect();
    let variants = names::variants(&short);
    let wires: Vec<_> = errors.iter().map(|e| e.wire.clone()).collect();
    let statuses: Vec<_> = errors.iter().map(|e| e.status).collect();
    let descriptions: Vec<_> = errors.iter().map(|e| e.description.clone()).collect();
    let variant_docs = errors
        .iter()
        .map(|e| format!("`{}` ({}): {}", e.wire, e.status, super::docs::rustdoc(&e.description)));
    Ok(quote! {
        /// The error types the spec documents, generated from the examples of its error responses.
        pub mod error_codes {
            /// An error type (`errors/...`) of the error envelope.
            ///
            /// One variant per type the spec documents; `Unknown` keeps a type it does not list.
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum ErrorCode {
                #( #[doc = #variant_docs] #variants, )*
                /// A type the spec does not list, kept as sent.
                Unknown(::std::string::String),
            }
            impl ErrorCode {
                /// Every documented type, ordered by status then name.
                pub const DOCUMENTED: [ErrorCode; #count] = [#(ErrorCode::#variants),*];
                /// The type as it is on the wire, e.g. `errors/resource_not_found`.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #wires, )*
                        Self::Unknown(value) => value.as_str(),
                    }
                }
                /// The HTTP status the spec documents for this type (`None` for `Unknown`).
                pub fn documented_status(&self) -> ::std::option::Option<u16> {
                    match self {
                        #( Self::#variants => Some(#statuses), )*
                        Self::Unknown(_) => None,
                    }
                }
                /// The spec's one-line description of this type (empty for `Unknown`).
                pub fn description(&self) -> &'static str {
                    match self {
                        #( Self::#variants => #descriptions, )*
                        Self::Unknown(_) => "",
                    }
                }
            }
            impl ::std::convert::From<&str> for ErrorCode {
                fn from(value: &str) -> Self {
                    match value {
                        #( #wires => Self::#variants, )*
                        other => Self::Unknown(other.to_string()),
                    }
                }
            }
            impl ::std::fmt::Display for ErrorCode {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        }
    })
}
