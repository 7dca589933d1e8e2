//! One request type per operation (`postpress::requests`), and the `Client` method that starts it:
//! the path parameters positional, a setter for every query parameter, header and top-level body
//! field, and for a list of the API's cursor convention `.pages()` and `.items()`. What is the
//! same for every operation is written once in `src/request.rs`: a request type is a tuple struct
//! over its `Request`, whose values a setter stores by the index of their field in the operation
//! table, where the checks read the spec's constraints (`request_type!` adds the per-call options
//! and what awaiting does).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::model::{Answer, BodyShape, Input, Kind, Op};
use super::names;

/// A setter's parameter type and the `Stored` value it becomes.
fn setter_input(kind: &Kind) -> (TokenStream, TokenStream) {
    let stored = quote!(crate::request::Stored);
    match kind {
        Kind::Text => (
            quote!(impl ::std::convert::Into<::std::string::String>),
            quote!(#stored::Text(value.into())),
        ),
        Kind::Enum => (
            quote!(impl ::std::fmt::Display),
            quote!(#stored::Text(value.to_string())),
        ),
        Kind::Integer => (quote!(i64), quote!(#stored::Integer(value))),
        Kind::Number => (quote!(f64), quote!(#stored::Number(value))),
        Kind::Boolean => (quote!(bool), quote!(#stored::Boolean(value))),
        Kind::Binary => (
            quote!(crate::Upload),
            quote!(#stored::File(::std::sync::Arc::new(value))),
        ),
        // A value of the type, or of anything that converts to it (a conversion that fails is
        // kept, and refused when the request is awaited), as progenitor's builders take them.
        Kind::Typed(ty) => (
            quote!(impl ::std::convert::TryInto<#ty, Error: ::std::fmt::Display>),
            quote!(#stored::typed::<#ty>(value)),
        ),
        Kind::Json => (
            quote!(impl ::std::convert::Into<::serde_json::Value>),
            quote!(#stored::Json(::std::result::Result::Ok(value.into()))),
        ),
    }
}

/// The setter of `value`, the field at `index` of the operation's row.
fn setter(op: &Op, value: &Input, index: usize) -> TokenStream {
    let ident = &value.ident;
    let (input, stored) = setter_input(&value.kind);
    let place = if op.query.iter().any(|q| q.name == value.name) {
        "query parameter"
    } else if op.headers.iter().any(|h| h.name == value.name) {
        "header"
    } else {
        "body field"
    };
    let mut doc = if value.doc.is_empty() {
        format!("Sets the {place} `{}`.", value.name)
    } else {
        super::docs::rustdoc(&value.doc)
    };
    if value.list {
        doc = format!("{doc}\n\nAppends one item; call it once per item, in order.")
            .trim()
            .to_string();
    }
    if value.required {
        doc = format!("{doc}\n\nRequired.").trim().to_string();
    }
    let store = if value.list { quote!(push) } else { quote!(set) };
    quote! {
        #[doc = #doc]
        pub fn #ident(self, value: #input) -> Self { self.#store(#index, #stored) }
    }
}

fn generate_op(op: &Op) -> TokenStream {
    let Op {
        id,
        variant,
        method,
        path,
        ..
    } = op;
    let fields = op.table_fields();
    let index_of = |name: &str| fields.iter().position(|f| f.name == name).unwrap_or(usize::MAX);

    // The `Client` method: the path parameters, then the `x-positional` body fields.
    let mut args = Vec::new();
    let mut parameters = Vec::new();
    for p in &op.path_params {
        let ident = &p.ident;
        match p.kind {
            Kind::Text => {
                args.push(quote!(#ident: impl ::std::convert::AsRef<str>));
                parameters.push(quote!(#ident.as_ref()));
            }
            _ => {
                let (input, _) = setter_input(&p.kind);
                args.push(quote!(#ident: #input));
                parameters.push(quote!(&#ident.to_string()));
            }
        }
    }
    let mut positional_sets = Vec::new();
    for name in &op.positional {
        let Some(field) = op.body_fields().iter().find(|f| &f.name == name) else {
            continue;
        };
        let ident = &field.ident;
        let index = index_of(name);
        args.push(quote!(#ident: impl ::std::convert::AsRef<str>));
        positional_sets.push(quote!(.set(#index, crate::request::Stored::Text(#ident.as_ref().to_owned()))));
    }

    let mut setters: Vec<TokenStream> = op
        .query
        .iter()
        .chain(&op.headers)
        .chain(op.body_fields())
        .filter(|value| !op.positional.contains(&value.name))
        .map(|value| setter(op, value, index_of(&value.name)))
        .collect();
    let has_binary = op.body_fields().iter().any(|f| matches!(f.kind, Kind::Binary));
    if has_binary {
        setters.push(quote! {
            /// Calls `progress` as the body goes out (for a progress bar). A retry starts again
            /// from 0.
            pub fn on_progress(mut self, progress: impl Fn(crate::Progress) + Send + Sync + 'static) -> Self {
                self.0.core.progress = ::std::option::Option::Some(::std::sync::Arc::new(progress));
                self
            }
        });
    }
    if let BodyShape::Whole { ty, required, .. } = &op.body {
        let index = fields.len();
        let doc = if *required {
            "The request body. Required."
        } else {
            "The request body."
        };
        setters.push(quote! {
            #[doc = #doc]
            pub fn body(self, value: impl ::std::convert::TryInto<types::#ty, Error: ::std::fmt::Display>) -> Self {
                self.set(#index, crate::request::Stored::typed::<types::#ty>(value))
            }
        });
    }
    let setters = (!setters.is_empty()).then(|| quote!(impl #variant { #(#setters)* }));

    let kind = match (&op.answer, &op.page) {
        (Answer::Download { .. }, _) => quote!(download),
        (Answer::Json { ty, .. }, None) => quote!(types::#ty),
        (Answer::Json { ty, .. }, Some(page)) => {
            let item = &page.item;
            quote!(types::#ty, pages #item)
        }
    };

    let mut doc = format!("{}\n\n", super::docs::rustdoc(&op.summary));
    if !op.description.is_empty() {
        doc.push_str(&super::docs::rustdoc(&op.description));
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "`{method} {path}` (`{id}`). Nothing is sent until the request is awaited."
    ));
    let id_ident = names::member(id);
    let struct_doc = format!(
        "The request of [`Client::{id_ident}`](crate::Client::{id_ident}): `{method} {path}`. Set its values, then await it."
    );
    // A request that sends files from a reader cannot be sent twice: it is not `Clone`.
    let derive = if has_binary {
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Clone, Debug)])
    };
    quote! {
        impl crate::Client {
            #[doc = #doc]
            pub fn #id_ident(&self, #(#args),*) -> #variant {
                #variant(crate::request::Request::new(self, OperationId::#variant, &[#(#parameters),*]))#(#positional_sets)*
            }
        }
        #[doc = #struct_doc]
        #[must_use = "nothing is sent until the request is awaited"]
        #derive
        pub struct #variant(crate::request::Request);
        crate::request::request_type!(#variant, #kind);
        #setters
    }
}

/// `Page` for each answer type of a list of the cursor convention, behind the features of the
/// parts of the lists that answer it.
fn pages(ops: &[Op]) -> TokenStream {
    let mut by_type: BTreeMap<String, (&Op, Vec<&str>)> = BTreeMap::new();
    for op in ops {
        if let (Some(_), Answer::Json { ty, .. }) = (&op.page, &op.answer) {
            let entry = by_type.entry(ty.to_string()).or_insert((op, Vec::new()));
            entry.1.push(&op.part);
        }
    }
    by_type
        .values()
        .map(|(op, parts)| {
            let (Some(page), Answer::Json { ty, .. }) = (&op.page, &op.answer) else {
                return quote!();
            };
            let mut parts = parts.clone();
            parts.sort_unstable();
            parts.dedup();
            let (item, items, cursor) = (&page.item, page.items_expr(), page.cursor_expr());
            quote! {
                #[cfg(any(#(feature = #parts),*))]
                impl crate::request::Page for types::#ty {
                    type Item = #item;
                    fn cursor(&self) -> ::std::option::Option<&str> {
                        let page = self;
                        #cursor
                    }
                    fn into_items(self) -> ::std::vec::Vec<Self::Item> {
                        let page = self;
                        #items
                    }
                }
            }
        })
        .collect()
}

/// The `requests` module and the `Client` methods, for every operation of the spec, each behind
/// the feature of its part.
pub fn generate(ops: &[Op]) -> Result<TokenStream, String> {
    let mut out = TokenStream::new();
    for op in ops {
        out.extend(super::gate::behind_part(generate_op(op), &op.part)?);
    }
    let pages = pages(ops);
    let dynamic = super::dynamic::generate(ops);
    Ok(quote! {
        /// One request type per operation of the spec, started by the [`Client`](crate::Client)
        /// method of the same name. A request owns a clone of its client and its values: it can be
        /// stored, moved into `tokio::spawn`, and awaited where it is needed. Nothing is sent
        /// until it is awaited.
        pub mod requests {
            use super::operations::OperationId;
            use super::types;
            #out
            #pages
            #dynamic
        }
    })
}
