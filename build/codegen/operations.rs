//! The operation table: each operation's id, method, path and documented statuses, for the code that
//! must agree with the spec (the retry rule, the fake server, the CLI, the tests).

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// Method, path, success status and documented error statuses of every operation, multipart included.
pub fn generate(raw: &Value) -> Result<TokenStream, String> {
    let mut rows = Vec::new();
    let mut variants = Vec::new();
    let mut ids = Vec::new();
    let mut indexes = Vec::new();
    let paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    for (path, item) in paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .ok_or(format!("{id}: no responses"))?;
            let mut success = None;
            let mut errors = Vec::new();
            for code in responses.keys() {
                let status: u16 = code
                    .parse()
                    .map_err(|_| format!("{id}: response {code} is not a status"))?;
                if (200..300).contains(&status) {
                    success = Some(status);
                } else {
                    errors.push(status);
                }
            }
            let success = success.ok_or(format!("{id}: no success response"))?;
            let method = method.to_uppercase();
            let multipart = op.pointer("/requestBody/content/multipart~1form-data").is_some();
            let variant = format_ident!("{}", id.to_upper_camel_case());
            variants.push(variant.clone());
            ids.push(id.to_string());
            indexes.push(rows.len());
            rows.push(quote! {
                Operation { id: #id, operation: OperationId::#variant, method: #method, path: #path, success: #success, errors: &[#(#errors),*], multipart: #multipart }
            });
        }
    }
    Ok(quote! {
        /// What the spec says about each operation, for code that must agree with it (the retry
        /// rules, the fake server, the tests).
        pub mod operations {
            /// The operations of the spec, by `operationId`.
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum OperationId {
                #( #[doc = #ids] #variants, )*
            }
            impl OperationId {
                /// The `operationId` as the spec writes it.
                pub fn as_str(self) -> &'static str {
                    self.spec().id
                }
                /// What the spec says about this operation.
                pub fn spec(self) -> &'static Operation {
                    match self {
                        #( Self::#variants => &OPERATIONS[#indexes], )*
                    }
                }
            }
            impl ::std::fmt::Display for OperationId {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            /// One operation of the spec.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub struct Operation {
                /// The `operationId`.
                pub id: &'static str,
                /// The same, as an enum.
                pub operation: OperationId,
                /// The HTTP method, upper case.
                pub method: &'static str,
                /// The path template under the server URL, e.g. `/messages/{message_id}`.
                pub path: &'static str,
                /// The documented success status.
                pub success: u16,
                /// The documented error statuses, ascending.
                pub errors: &'static [u16],
                /// Whether the request body is `multipart/form-data`.
                pub multipart: bool,
            }
            /// Every operation of the spec, sorted by path.
            pub const OPERATIONS: &[Operation] = &[#(#rows),*];
            /// The operation with this `operationId`.
            pub fn by_id(id: &str) -> ::std::option::Option<&'static Operation> {
                OPERATIONS.iter().find(|op| op.id == id)
            }
        }
    })
}
