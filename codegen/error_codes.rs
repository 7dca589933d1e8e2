//! `ErrorCode`: one variant per `errors/...` type the spec documents, collected from the named
//! examples of every error response (the pages list the types; the envelope's `type` stays a string).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::model::{ErrorExample, Op};
use super::names;

/// One documented error type: its wire name, the HTTP status it comes with, and the page's text.
struct DocumentedError {
    wire: String,
    status: u16,
    description: String,
}

/// Collects every error type the operations' error responses show in their named examples (the
/// model's [`ErrorExample`]s, read once with the operations).
pub fn generate(ops: &[Op]) -> Result<TokenStream, String> {
    let mut found: BTreeMap<String, DocumentedError> = BTreeMap::new();
    for example in ops.iter().flat_map(|op| &op.error_examples) {
        let ErrorExample { wire, status, detail } = example;
        match found.get(wire) {
            Some(seen) if seen.status != *status => {
                return Err(format!(
                    "{wire} is documented with statuses {} and {status}",
                    seen.status
                ));
            }
            Some(_) => {}
            None => {
                let doc = DocumentedError {
                    wire: wire.clone(),
                    status: *status,
                    description: detail.clone(),
                };
                found.insert(wire.clone(), doc);
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
