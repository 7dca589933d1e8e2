//! The operation table: each operation's id, method, path, documented statuses, summary,
//! description, parameters, retry rule, and body and answer types, for the code that must agree with the
//! spec (the retry rule, the fake server, the CLI and its MCP server, the tests); and, behind the
//! `schemars` feature, the JSON Schemas of each operation's body and answer.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::model::{Answer, BodyShape, Input, Kind, Op};
use super::names;

/// One row of `Field`.
fn field_row(value: &Input, location: TokenStream, positional: bool) -> TokenStream {
    let Input {
        name,
        list,
        required,
        doc,
        constraints,
        ..
    } = value;
    let constraints_tokens = constraints.to_tokens();
    let shape = match value.shape.as_ref().map(|shape| shape.to_tokens()) {
        Some(shape) => quote!(Some(&#shape)),
        None => quote!(None),
    };
    let part_type = match &value.part_type {
        Some(given) => quote!(Some(#given)),
        None => quote!(None),
    };
    let retype = match &value.kind {
        Kind::Typed(ty) => quote!(Some(crate::dynamic::Retype(crate::dynamic::retype::<#ty>))),
        _ => quote!(None),
    };
    let kind = match value.kind {
        Kind::Text => quote!(ValueKind::Text),
        Kind::Enum => quote!(ValueKind::Enum),
        Kind::Integer => quote!(ValueKind::Integer),
        Kind::Number => quote!(ValueKind::Number),
        Kind::Boolean => quote!(ValueKind::Boolean),
        Kind::Binary => quote!(ValueKind::Binary),
        Kind::Typed(_) | Kind::Json => quote!(ValueKind::Json),
    };
    quote! {
        Field {
            name: #name, location: #location, kind: #kind, list: #list, required: #required,
            positional: #positional, description: #doc, constraints: #constraints_tokens,
            shape: #shape, part_type: #part_type,
            #[cfg(feature = "any-request")]
            retype: #retype,
        }
    }
}

/// The fields of `op`, in the order its request takes them: path parameters, query parameters,
/// headers,
/// then the body's fields (or the whole body, named `body`).
fn field_rows(op: &Op) -> Vec<TokenStream> {
    let mut rows: Vec<TokenStream> = op
        .path_params
        .iter()
        .map(|p| field_row(p, quote!(Location::Path), true))
        .collect();
    rows.extend(op.query.iter().map(|q| field_row(q, quote!(Location::Query), false)));
    rows.extend(op.headers.iter().map(|h| field_row(h, quote!(Location::Header), false)));
    match &op.body {
        BodyShape::None => {}
        BodyShape::Fields { fields, .. } => rows.extend(
            fields
                .iter()
                .map(|f| field_row(f, quote!(Location::Body), op.positional.contains(&f.name))),
        ),
        BodyShape::Whole { required, ty, shape } => {
            let shape = match shape.as_ref().map(|shape| shape.to_tokens()) {
                Some(shape) => quote!(Some(&#shape)),
                None => quote!(None),
            };
            rows.push(quote! {
                Field {
                    name: "body", location: Location::Body, kind: ValueKind::Json, list: false,
                    required: #required, positional: false, description: "The request body.",
                    constraints: Constraints::NONE, shape: #shape, part_type: None,
                    #[cfg(feature = "any-request")]
                    retype: Some(crate::dynamic::Retype(crate::dynamic::retype::<super::types::#ty>)),
                }
            })
        }
    }
    rows
}

/// The operation table and `OperationId`, from the model of every operation.
pub fn generate(ops: &[Op]) -> Result<TokenStream, String> {
    let mut rows = Vec::new();
    let mut row_names = Vec::new();
    let mut variants = Vec::new();
    let mut ids = Vec::new();
    let mut parts = Vec::new();
    let mut spans = Vec::new();
    let mut bodies = Vec::new();
    let mut answers = Vec::new();
    let mut decoders = Vec::new();
    for op in ops {
        let Op {
            id,
            part,
            variant,
            method,
            path,
            summary,
            description,
            idempotent,
            errors,
            success: successes,
            ..
        } = op;
        let success = *successes.first().ok_or(format!("{id}: no success status"))?;
        let multipart = op.multipart();
        let parameters = op.path_params.iter().map(|p| {
            let (name, doc) = (&p.name, &p.doc);
            quote! { Parameter { name: #name, description: #doc } }
        });
        let fields = field_rows(op);
        let example = op.answer_example.to_string();
        let request_example = op.request_example.to_string();
        let full_request_example = op.full_request_example.to_string();
        let paginated = op.page.is_some();
        let whole_body = matches!(op.body, BodyShape::Whole { .. });
        let body_rule = match &op.body {
            BodyShape::Fields { rule: Some(rule), .. } => {
                let rule = rule.to_tokens();
                quote!(::std::option::Option::Some(&#rule))
            }
            _ => quote!(::std::option::Option::None),
        };
        let closed_body = matches!(op.body, BodyShape::Fields { closed: true, .. });
        let body_row = match &op.body_schema {
            Some(name) => quote! { Some(#name) },
            None => quote! { None },
        };
        let (answer, download, media_type) = match &op.answer {
            Answer::Json { schema, ty } => {
                answers.push(quote!(generator.subschema_for::<super::types::#ty>()));
                decoders
                    .push(quote!(::serde_json::from_slice::<super::types::#ty>(body).and_then(::serde_json::to_value)));
                (
                    schema.clone(),
                    false,
                    quote!(::std::option::Option::Some("application/json")),
                )
            }
            Answer::Download { media } => {
                answers.push(quote!(
                    ::schemars::json_schema!({"type": "string", "contentMediaType": "application/octet-stream"})
                ));
                decoders.push(quote!(::std::result::Result::Err(
                    <::serde_json::Error as ::serde::de::Error>::custom("the answer is a file, not JSON")
                )));
                let media = match media {
                    Some(media) => quote!(::std::option::Option::Some(#media)),
                    None => quote!(::std::option::Option::None),
                };
                (String::new(), true, media)
            }
        };
        bodies.push(op.body_type.clone());
        variants.push(variant.clone());
        ids.push(id.clone());
        parts.push(part.clone());
        spans.push(quote! { crate::call::telemetry::call_span!(#id, #method, #path) });
        // A row is a `const` of its own, behind its part's feature, so that it moves with the
        // part's other items into the part's file (`split`); the table names it.
        // Named after its variant, unique as the variants are.
        let row_name = names::ident(&format!("OPERATION_{}", variant.to_string().to_shouty_snake_case()));
        row_names.push(row_name.clone());
        rows.push(quote! {
            #[cfg(feature = #part)]
            const #row_name: Operation = Operation {
                id: #id, operation: OperationId::#variant, part: #part, method: #method, path: #path, success: #success,
                successes: &[#(#successes),*], errors: &[#(#errors),*], multipart: #multipart, summary: #summary,
                description: #description,
                path_parameters: &[#(#parameters),*],
                idempotent: #idempotent,
                fields: &[#(#fields),*],
                paginated: #paginated,
                #[cfg(feature = "fake")]
                example: #example,
                #[cfg(feature = "fake")]
                request_example: #request_example,
                #[cfg(feature = "fake")]
                full_request_example: #full_request_example,
                body: #body_row,
                answer: #answer,
                download: #download,
                answer_media_type: #media_type,
                whole_body: #whole_body,
                body_rule: #body_rule,
                closed_body: #closed_body,
            };
        });
    }
    let body_schemas: Vec<TokenStream> = bodies
        .iter()
        .map(|body| match body {
            Some(ty) => quote! { Some(generator.subschema_for::<super::types::#ty>()) },
            None => quote! { None },
        })
        .collect();
    Ok(quote! {
        /// What the spec says about each operation, for code that must agree with it (the retry
        /// rules, the fake server, the tests).
        pub mod operations {
            #[allow(unused_imports)]
            use super::types;
            /// The operations of the spec this build compiles (the parts enabled), by `operationId`.
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum OperationId {
                #( #[doc = #ids] #[cfg(feature = #parts)] #variants, )*
            }
            impl OperationId {
                /// The `operationId` as the spec writes it.
                pub fn as_str(self) -> &'static str {
                    self.spec().id
                }
                /// What the spec says about this operation.
                pub fn spec(self) -> &'static Operation {
                    // The table's rows are in the order of the variants, each behind the same
                    // feature: a variant's discriminant is its row.
                    &OPERATIONS[self as usize]
                }
                /// Decodes a success answer of this operation (its body) into the generated type, and
                /// writes it back as JSON: what a client of the operation reads, as
                /// [`AnyRequest`](crate::requests::AnyRequest) hands it over. An error says why
                /// the body is not the documented answer (an operation that answers a file has no
                /// JSON answer). Feature `any-request`.
                #[cfg(feature = "any-request")]
                #[cfg_attr(docsrs, doc(cfg(feature = "any-request")))]
                pub fn decode_answer(self, body: &[u8]) -> ::std::result::Result<::serde_json::Value, ::serde_json::Error> {
                    match self {
                        #( #[cfg(feature = #parts)] Self::#variants => #decoders, )*
                    }
                }
                /// The span of one call of this operation, named after it (a span's name is
                /// fixed where it is created); see `crate::call::telemetry`.
                pub(crate) fn call_span(self) -> ::tracing::Span {
                    match self {
                        #( #[cfg(feature = #parts)] Self::#variants => #spans, )*
                    }
                }
            }
            impl ::std::fmt::Display for OperationId {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            /// A path parameter of an operation.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            #[non_exhaustive]
            pub struct Parameter {
                /// Its name, e.g. `message_id`.
                pub name: &'static str,
                /// The spec's description of it.
                pub description: &'static str,
            }
            /// One value a request takes.
            #[derive(Clone, Copy, Debug, PartialEq)]
            #[non_exhaustive]
            pub struct Field {
                /// The name the spec gives it (and the request's setter, in snake case).
                pub name: &'static str,
                /// Where it travels.
                pub location: Location,
                /// What it holds (of each item, for a list).
                pub kind: ValueKind,
                /// A list: its setter appends one item per call.
                pub list: bool,
                /// Whether the spec requires it.
                pub required: bool,
                /// Taken as an argument of the `Client` method rather than by a setter (path
                /// parameters, and body fields named by `x-positional`).
                pub positional: bool,
                /// The spec's description of it.
                pub description: &'static str,
                /// The spec's constraints on it, checked before a request is sent.
                pub constraints: Constraints,
                /// What a JSON value must hold below its top, when the spec constrains anything
                /// there.
                pub(crate) shape: ::std::option::Option<&'static crate::shape::Shape>,
                /// A form part's `Content-Type`, from the spec's `encoding`.
                pub(crate) part_type: ::std::option::Option<&'static str>,
                /// For a value of a generated type, what reads it from JSON (through the type).
                #[cfg(feature = "any-request")]
                pub(crate) retype: ::std::option::Option<crate::dynamic::Retype>,
            }
            /// Where a [`Field`] travels.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            #[non_exhaustive]
            pub enum Location {
                /// A parameter of the path.
                Path,
                /// A parameter of the query string.
                Query,
                /// A header of the request.
                Header,
                /// A field of the body (or, named `body`, the whole body).
                Body,
            }
            /// What a [`Field`] holds.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            #[non_exhaustive]
            pub enum ValueKind {
                /// A string.
                Text,
                /// A string from the spec's `enum` ([`Constraints::values`]).
                Enum,
                /// An integer.
                Integer,
                /// A number.
                Number,
                /// `true` or `false`.
                Boolean,
                /// A file (`format: binary`), a part of a multipart form.
                Binary,
                /// Any other JSON value (an object or a union of the spec's types).
                Json,
            }
            /// The spec's constraints on a value; `None` / empty where it sets none.
            #[derive(Clone, Copy, Debug, PartialEq)]
            #[non_exhaustive]
            pub struct Constraints {
                /// `minLength`, in characters.
                pub min_length: ::std::option::Option<u64>,
                /// `maxLength`, in characters.
                pub max_length: ::std::option::Option<u64>,
                /// `pattern`: an ECMA 262 regular expression the value must match somewhere.
                pub pattern: ::std::option::Option<&'static str>,
                /// `minimum`.
                pub minimum: ::std::option::Option<f64>,
                /// `maximum`.
                pub maximum: ::std::option::Option<f64>,
                /// `exclusiveMinimum`: the minimum itself is not allowed.
                pub exclusive_minimum: bool,
                /// `exclusiveMaximum`: the maximum itself is not allowed.
                pub exclusive_maximum: bool,
                /// `enum`, as wire text; empty: any value.
                pub values: &'static [&'static str],
                /// `minItems` of a list.
                pub min_items: ::std::option::Option<u64>,
                /// `maxItems` of a list.
                pub max_items: ::std::option::Option<u64>,
            }
            impl Constraints {
                /// No constraint at all.
                pub const NONE: Constraints = Constraints {
                    min_length: None, max_length: None, pattern: None, minimum: None, maximum: None,
                    exclusive_minimum: false, exclusive_maximum: false, values: &[], min_items: None,
                    max_items: None,
                };
            }
            /// One operation of the spec.
            #[derive(Clone, Copy, Debug, PartialEq)]
            #[non_exhaustive]
            pub struct Operation {
                /// The `operationId`.
                pub id: &'static str,
                /// The same, as an enum.
                pub operation: OperationId,
                /// The part of the API it is in: the crate's Cargo feature that compiles it (the
                /// feature its first tag names in the spec).
                pub part: &'static str,
                /// The HTTP method, upper case.
                pub method: &'static str,
                /// The path template under the server URL, e.g. `/messages/{message_id}`.
                pub path: &'static str,
                /// The documented success status (the first, when the spec documents several).
                pub success: u16,
                /// Every documented success status, ascending (all answer the same type).
                pub successes: &'static [u16],
                /// The documented error statuses, ascending.
                pub errors: &'static [u16],
                /// Whether the request body is `multipart/form-data`.
                pub multipart: bool,
                /// The spec's one-line summary.
                pub summary: &'static str,
                /// The spec's description.
                pub description: &'static str,
                /// The path parameters, in the path's order.
                pub path_parameters: &'static [Parameter],
                /// Whether repeating the operation has the effect of doing it once: its method is
                /// GET, HEAD, PUT, DELETE or OPTIONS, or it carries `x-idempotent: true` (and not
                /// `x-idempotent: false`). The retry rule in [`crate::retry`] reads this.
                pub idempotent: bool,
                /// What the request takes: the path parameters (in the path's order), the query
                /// parameters, the headers, then the body's fields (or the whole body, named `body`).
                pub fields: &'static [Field],
                /// Whether the operation is a list of the API's cursor convention (an optional
                /// `cursor` query parameter; an answer with `items` and a nullable `cursor`): its
                /// request has `.pages()` and `.items()`.
                pub paginated: bool,
                /// A success answer as JSON text: the spec's example, or a value built from the
                /// answer's schema (what the fake server answers for an operation it does not model).
                #[cfg(feature = "fake")]
                #[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
                pub example: &'static str,
                /// A valid request as JSON text: its arguments by name, as
                /// [`AnyRequest::from_json`](crate::requests::AnyRequest::from_json) takes them,
                /// from the spec's examples (or built from the schemas). A binary field holds a
                /// path, to be opened by the caller.
                #[cfg(feature = "fake")]
                #[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
                pub request_example: &'static str,
                /// A valid request as JSON text, like [`request_example`](Self::request_example)
                /// but with every parameter and field set.
                #[cfg(feature = "fake")]
                #[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
                pub full_request_example: &'static str,
                /// The schema (a type of `postpress::types`) of the request body, if it has one.
                pub body: ::std::option::Option<&'static str>,
                /// The schema (a type of `postpress::types`) of the success answer; empty for a
                /// download.
                pub answer: &'static str,
                /// Whether the success answer is a file rather than JSON (no content, a
                /// `format: binary` answer, or a media type that is not JSON): the request resolves
                /// to a [`Download`](crate::Download).
                pub download: bool,
                /// The media type of the success answer as the spec states it (`None`: an answer
                /// with no content).
                pub answer_media_type: ::std::option::Option<&'static str>,
                /// The body is one value (its field named `body`), not an object of fields (one of
                /// which may be named `body` too).
                pub whole_body: bool,
                /// What a body of fields must hold as a whole, when the spec says more than each
                /// field's own rule (which fields must be present together, or instead of one
                /// another: a message's text or a file).
                pub(crate) body_rule: ::std::option::Option<&'static crate::shape::Shape>,
                /// A body of fields that may hold no other (`additionalProperties: false`): the
                /// fake refuses another, where it ignores one in an open body.
                pub(crate) closed_body: bool,
            }
            /// Every operation of the spec this build compiles (the parts enabled), sorted by path.
            pub const OPERATIONS: &[Operation] = &[#( #[cfg(feature = #parts)] #row_names ),*];
            #(#rows)*
            /// The operation with this `operationId`.
            pub fn by_id(id: &str) -> ::std::option::Option<&'static Operation> {
                OPERATIONS.iter().find(|op| op.id == id)
            }
            /// The JSON Schemas of each operation's request body and success answer, generated by
            /// schemars from the crate's types (feature `schemars`).
            #[cfg(feature = "schemars")]
            impl OperationId {
                /// The JSON Schema of the request body, in `generator`'s definitions; `None` when
                /// the operation has no body.
                pub fn body_schema(self, generator: &mut ::schemars::SchemaGenerator) -> ::std::option::Option<::schemars::Schema> {
                    match self {
                        #( #[cfg(feature = #parts)] Self::#variants => #body_schemas, )*
                    }
                }
                /// The JSON Schema of the success answer, in `generator`'s definitions.
                pub fn answer_schema(self, generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                    match self {
                        #( #[cfg(feature = #parts)] Self::#variants => #answers, )*
                    }
                }
            }
        }
    })
}
