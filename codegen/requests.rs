//! One request type per operation (`postpress::requests`), and the `Client` method that starts it:
//! the path parameters positional, a setter for every query parameter and top-level body field,
//! the spec's constraints checked before anything is sent, the per-call options, and for a list of
//! the API's cursor convention `.pages()` and `.items()`. Awaiting a request runs it through
//! `src/call/request.rs`, the same way for every operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::model::{Answer, BodyShape, Kind, Op, Page, Value_};
use super::names;

/// The Rust type a value is stored as (one item of a list).
fn stored(kind: &Kind) -> TokenStream {
    match kind {
        Kind::Text | Kind::Enum => quote!(::std::string::String),
        Kind::Integer => quote!(i64),
        Kind::Number => quote!(f64),
        Kind::Boolean => quote!(bool),
        Kind::Binary => quote!(::std::sync::Arc<crate::Upload>),
        Kind::Typed(ty) => ty.clone(),
        Kind::Json => quote!(::serde_json::Value),
    }
}

/// A setter's parameter type and how it becomes the stored value.
fn setter_input(kind: &Kind) -> (TokenStream, TokenStream) {
    match kind {
        Kind::Text => (
            quote!(impl ::std::convert::Into<::std::string::String>),
            quote!(value.into()),
        ),
        Kind::Enum => (quote!(impl ::std::fmt::Display), quote!(value.to_string())),
        Kind::Integer => (quote!(i64), quote!(value)),
        Kind::Number => (quote!(f64), quote!(value)),
        Kind::Boolean => (quote!(bool), quote!(value)),
        Kind::Binary => (quote!(crate::Upload), quote!(::std::sync::Arc::new(value))),
        Kind::Typed(ty) => (quote!(impl ::std::convert::Into<#ty>), quote!(value.into())),
        Kind::Json => (
            quote!(impl ::std::convert::Into<::serde_json::Value>),
            quote!(value.into()),
        ),
    }
}

/// The check of one stored item `v` (a reference).
fn check_item(value: &Value_) -> TokenStream {
    let name = &value.name;
    if let Some(shape) = &value.shape {
        // Any JSON is checked as it is; a typed value as it will be sent.
        return match value.kind {
            Kind::Json => quote!(crate::shape::check_json(#name, v, #shape)?;),
            _ => quote!(crate::shape::check(#name, v, #shape)?;),
        };
    }
    let Some(rule) = &value.rule else {
        return quote!();
    };
    match value.kind {
        Kind::Text | Kind::Enum => quote!(crate::check::text(#name, v, &#rule)?;),
        Kind::Integer => quote!(crate::check::integer(#name, *v, &#rule)?;),
        Kind::Number => quote!(crate::check::number(#name, *v, &#rule)?;),
        Kind::Boolean | Kind::Binary | Kind::Typed(_) | Kind::Json => quote!(),
    }
}

/// Calls `each` with `v` bound to every stored item of `value`, after the required and list checks.
fn for_each_item(value: &Value_, each: TokenStream) -> TokenStream {
    let ident = &value.ident;
    let name = &value.name;
    let check = check_item(value);
    let per_item = (!check.is_empty() || !each.is_empty()).then(|| quote!(#check #each));
    if value.list {
        let required = value
            .required
            .then(|| quote!(if self.#ident.is_empty() { return Err(crate::check::missing(#name)); }));
        let length = value
            .list_rule
            .as_ref()
            .map(|rule| quote!(crate::check::items(#name, self.#ident.len(), &#rule)?;));
        let items = per_item.map(|body| quote!(for v in &self.#ident { #body }));
        quote! { #required #length #items }
    } else {
        match (per_item, value.required) {
            (Some(body), true) => {
                quote!(match &self.#ident { Some(v) => { #body } None => return Err(crate::check::missing(#name)), })
            }
            (Some(body), false) => quote!(if let Some(v) = &self.#ident { #body }),
            (None, true) => quote!(if self.#ident.is_none() { return Err(crate::check::missing(#name)); }),
            (None, false) => quote!(),
        }
    }
}

fn generate_op(op: &Op, page: Option<&Page>) -> TokenStream {
    let Op {
        id,
        variant,
        method,
        path,
        ..
    } = op;
    let (answer, pending, with_metadata) = match &op.answer {
        Answer::Json { ty, .. } => (
            quote!(types::#ty),
            quote!(crate::call::request::Pending::new),
            quote!(with_metadata),
        ),
        Answer::Download { .. } => (
            quote!(crate::Download),
            quote!(crate::call::request::Pending::new),
            quote!(download_with_metadata),
        ),
    };
    let body_fields = match &op.body {
        BodyShape::Fields { fields, .. } => &fields[..],
        _ => &[][..],
    };
    let has_binary = body_fields.iter().any(|f| matches!(f.kind, Kind::Binary));

    // The struct.
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    let mut args = Vec::new();
    // The path parameters go straight into the path, checked and encoded, when the request is
    // made (no copy of them is kept): `path` is the base URL's path and the operation's, or why
    // a parameter was refused.
    fields.push(quote!(path: ::std::result::Result<::std::string::String, ::std::string::String>));
    inits.push(quote!(path));
    for p in &op.path_params {
        let ident = &p.ident;
        let input = match p.kind {
            Kind::Text => quote!(impl ::std::convert::AsRef<str>),
            _ => setter_input(&p.kind).0,
        };
        args.push(quote!(#ident: #input));
    }
    let positional: Vec<&Value_> = op
        .positional
        .iter()
        .filter_map(|name| body_fields.iter().find(|f| &f.name == name))
        .collect();
    for p in &positional {
        let ident = &p.ident;
        args.push(quote!(#ident: impl ::std::convert::AsRef<str>));
    }
    let mut setters = Vec::new();
    for value in op.query.iter().chain(&op.headers).chain(body_fields) {
        let ident = &value.ident;
        let item = stored(&value.kind);
        let is_positional = positional.iter().any(|p| p.name == value.name);
        if value.list {
            fields.push(quote!(#ident: ::std::vec::Vec<#item>));
            inits.push(quote!(#ident: ::std::vec::Vec::new()));
        } else {
            fields.push(quote!(#ident: ::std::option::Option<#item>));
            if is_positional {
                inits.push(quote!(#ident: ::std::option::Option::Some(#ident.as_ref().to_owned())));
            } else {
                inits.push(quote!(#ident: ::std::option::Option::None));
            }
        }
        if is_positional {
            continue;
        }
        let (input, convert) = setter_input(&value.kind);
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
        let store = if value.list {
            quote!(self.#ident.push(#convert);)
        } else {
            quote!(self.#ident = ::std::option::Option::Some(#convert);)
        };
        setters.push(quote! {
            #[doc = #doc]
            pub fn #ident(mut self, value: #input) -> Self { #store self }
        });
    }
    if has_binary {
        setters.push(quote! {
            /// Calls `progress` as the body goes out (for a progress bar). A retry starts again
            /// from 0.
            pub fn on_progress(mut self, progress: impl Fn(crate::Progress) + Send + Sync + 'static) -> Self {
                self.core.progress = ::std::option::Option::Some(::std::sync::Arc::new(progress));
                self
            }
        });
    }
    if let BodyShape::Whole { ty, required, .. } = &op.body {
        fields.push(quote!(body: ::std::option::Option<types::#ty>));
        inits.push(quote!(body: ::std::option::Option::None));
        let doc = if *required {
            "The request body. Required."
        } else {
            "The request body."
        };
        setters.push(quote! {
            #[doc = #doc]
            pub fn body(mut self, value: impl ::std::convert::Into<types::#ty>) -> Self {
                self.body = ::std::option::Option::Some(value.into());
                self
            }
        });
    }

    // `prepare`: the checks, the path, the query and the body.
    let mut checks = Vec::new();
    let mut format_args = Vec::new();
    let mut path_refs = Vec::new();
    for p in &op.path_params {
        let (ident, name) = (&p.ident, &p.name);
        let rule = p.rule.clone().unwrap_or(quote!(crate::operations::Constraints::NONE));
        match p.kind {
            Kind::Text => path_refs.push(quote!(let #ident = #ident.as_ref();)),
            Kind::Integer => {
                checks.push(quote!(crate::check::integer(#name, #ident, &#rule)));
                path_refs.push(quote!(let #ident = #ident.to_string(); let #ident = #ident.as_str();));
            }
            Kind::Number => {
                checks.push(quote!(crate::check::number(#name, #ident, &#rule)));
                path_refs.push(quote!(let #ident = #ident.to_string(); let #ident = #ident.as_str();));
            }
            _ => path_refs.push(quote!(let #ident = #ident.to_string(); let #ident = #ident.as_str();)),
        }
        let rule = match p.kind {
            Kind::Integer | Kind::Number => quote!(crate::operations::Constraints::NONE),
            _ => rule,
        };
        checks.push(quote!(crate::check::path(#name, #ident, &#rule)));
        format_args.push(quote!(crate::path::encode_path(#ident)));
    }
    // The base URL, then the path with each parameter encoded: one string, one allocation.
    let mut template = String::from("{}");
    for (i, part) in path.split('{').enumerate() {
        if i == 0 {
            template.push_str(part);
        } else {
            template.push_str("{}");
            template.push_str(part.split_once('}').map_or("", |(_, rest)| rest));
        }
    }
    let query_pushes: Vec<TokenStream> = op
        .query
        .iter()
        .map(|value| {
            let name = &value.name;
            for_each_item(value, quote!(query.push((#name, v.to_string()));))
        })
        .collect();
    let body = match &op.body {
        BodyShape::None => quote!(crate::call::Body::None),
        BodyShape::Whole { required, shape, .. } => {
            let missing = required.then(|| quote!(None => return Err(crate::check::missing("body")),));
            let absent = (!required).then(|| quote!(None => crate::call::Body::None,));
            let check = shape
                .as_ref()
                .map(|shape| quote!(crate::shape::check("body", body, #shape)?;));
            quote! {
                match &self.body {
                    Some(body) => { #check crate::call::json_value(body)? }
                    #missing
                    #absent
                }
            }
        }
        BodyShape::Fields {
            fields,
            multipart: false,
        } => {
            let inserts: Vec<TokenStream> = fields
                .iter()
                .map(|value| {
                    let (ident, name) = (&value.ident, &value.name);
                    let check = for_each_item(value, quote!());
                    let insert = if value.list {
                        quote!(if !self.#ident.is_empty() { object.insert(#name.into(), crate::call::to_json(#name, &self.#ident)?); })
                    } else {
                        quote!(if let Some(v) = &self.#ident { object.insert(#name.into(), crate::call::to_json(#name, v)?); })
                    };
                    quote! { #check #insert }
                })
                .collect();
            quote! {{
                let mut object = ::serde_json::Map::new();
                #(#inserts)*
                crate::call::json_value(&object)?
            }}
        }
        BodyShape::Fields {
            fields,
            multipart: true,
        } => {
            let parts: Vec<TokenStream> = fields
                .iter()
                .map(|value| {
                    let name = &value.name;
                    // A part's type: the spec's `encoding` when it names one, JSON for an object
                    // (OpenAPI's default), none (text) for a scalar.
                    let content_type = match (&value.part_type, value.kind.is_json()) {
                        (Some(given), _) => quote!(::std::option::Option::Some(#given)),
                        (None, true) => quote!(::std::option::Option::Some("application/json")),
                        (None, false) => quote!(::std::option::Option::None),
                    };
                    let each = match value.kind {
                        Kind::Binary => quote!(files.push((#name, ::std::sync::Arc::clone(v)));),
                        Kind::Typed(_) | Kind::Json => quote!(texts.push(crate::call::FormText {
                            name: #name, value: crate::call::json_text(#name, v)?, content_type: #content_type,
                        });),
                        _ => quote!(texts.push(crate::call::FormText {
                            name: #name, value: v.to_string(), content_type: #content_type,
                        });),
                    };
                    for_each_item(value, each)
                })
                .collect();
            quote! {{
                let mut texts = ::std::vec::Vec::new();
                let mut files = ::std::vec::Vec::new();
                #(#parts)*
                crate::call::Body::Form { texts: texts.into(), files: files.into() }
            }}
        }
    };
    // A header's list is one value, its items joined by commas (OpenAPI's `simple` style).
    let header_pushes: Vec<TokenStream> = op
        .headers
        .iter()
        .map(|value| {
            let (name, ident) = (&value.name, &value.ident);
            if value.list {
                let check = for_each_item(value, quote!());
                quote! {
                    #check
                    if !self.#ident.is_empty() {
                        let joined: ::std::vec::Vec<::std::string::String> = self.#ident.iter().map(|v| v.to_string()).collect();
                        headers.push((#name, joined.join(",")));
                    }
                }
            } else {
                for_each_item(value, quote!(headers.push((#name, v.to_string()));))
            }
        })
        .collect();
    let headers_decl = if op.headers.is_empty() {
        quote!(let headers = ::std::vec::Vec::new();)
    } else {
        quote!(let mut headers = ::std::vec::Vec::new();)
    };
    let query_decl = if op.query.is_empty() {
        quote!(let query = ::std::vec::Vec::new();)
    } else {
        quote!(let mut query = ::std::vec::Vec::new();)
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
    let derive_clone = (!has_binary).then(|| quote!(#[derive(Clone)]));
    let pagination = page.map(|page| {
        let item = &page.item;
        let items = &page.items_expr;
        let cursor = &page.cursor_expr;
        quote! {
            impl crate::call::pagination::Paginated for #variant {
                type Page = #answer;
                type Item = #item;
                fn with_cursor(mut self, cursor: ::std::string::String) -> Self {
                    self.cursor = ::std::option::Option::Some(cursor);
                    self
                }
                fn sent_cursor(&self) -> ::std::option::Option<&str> {
                    self.cursor.as_deref()
                }
                fn page_cursor(page: &Self::Page) -> ::std::option::Option<&str> {
                    #cursor
                }
                fn page_items(page: Self::Page) -> ::std::vec::Vec<Self::Item> {
                    #items
                }
                fn operation() -> OperationId {
                    OperationId::#variant
                }
                fn send(&self) -> crate::Pending<Self::Page> {
                    crate::call::request::Pending::new(&self.core, self.prepare())
                }
            }
            impl #variant {
                /// Every page, following each page's `cursor` until it is null; each page is a
                /// call with this request's options and filters, retried by the same rule. A failed
                /// page ends the stream with its error, and so does a cursor that repeats the one
                /// just sent.
                pub fn pages(self) -> impl ::futures_util::Stream<Item = ::std::result::Result<#answer, crate::Error>> + Send + 'static {
                    crate::call::pagination::pages(self)
                }
                /// Every item of every page, in order; ends as [`pages`](Self::pages) does.
                pub fn items(self) -> impl ::futures_util::Stream<Item = ::std::result::Result<#item, crate::Error>> + Send + 'static {
                    crate::call::pagination::items(self)
                }
            }
        }
    });

    quote! {
        impl crate::Client {
            #[doc = #doc]
            pub fn #id_ident(&self, #(#args),*) -> #variant {
                #(#path_refs)*
                let path = crate::check::all([#(#checks),*])
                    .map(|()| format!(#template, self.base_path(), #(#format_args),*));
                #variant { core: crate::call::Core::new(self.config()), #(#inits,)* }
            }
        }

        #[doc = #struct_doc]
        #[must_use = "nothing is sent until the request is awaited"]
        #derive_clone
        #[derive(Debug)]
        pub struct #variant {
            pub(crate) core: crate::call::Core,
            #(#fields,)*
        }

        impl #variant {
            #(#setters)*

            crate::call::per_call_options!();

            /// Runs the request and returns the answer with its status and headers (a request id,
            /// rate-limit headers), instead of the body alone.
            pub async fn with_metadata(self) -> ::std::result::Result<crate::Response<#answer>, crate::Error> {
                #pending(&self.core, self.prepare()).#with_metadata().await
            }

            /// Checks every value against the spec (and the rules it cannot state,
            /// `crate::rules`) and lays out the request.
            fn prepare(&self) -> ::std::result::Result<crate::call::Prepared<'_>, crate::Error> {
                let path = self.path.as_deref().map_err(|refused| crate::Error::invalid_input(refused))?;
                #query_decl
                #(#query_pushes)*
                #headers_decl
                #(#header_pushes)*
                let body = #body;
                let prepared = crate::call::Prepared { operation: OperationId::#variant, path, query, headers, body };
                crate::rules::check(&prepared)?;
                Ok(prepared)
            }
        }

        impl ::std::future::IntoFuture for #variant {
            type Output = ::std::result::Result<#answer, crate::Error>;
            type IntoFuture = crate::Pending<#answer>;
            fn into_future(self) -> Self::IntoFuture {
                #pending(&self.core, self.prepare())
            }
        }

        #pagination
    }
}

/// The `requests` module and the `Client` methods, for every operation of the spec, each behind
/// the feature of its part.
pub fn generate(ops: &[Op]) -> Result<TokenStream, String> {
    let mut out = TokenStream::new();
    for op in ops {
        let mut items = generate_op(op, op.page.as_ref());
        items.extend(super::dynamic::generate_op(op));
        out.extend(super::gate::behind_part(items, &op.part)?);
    }
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
            #dynamic
        }
    })
}
