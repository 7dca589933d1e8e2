//! Each request type made from JSON arguments by name (`from_json`), for `AnyRequest`
//! (`src/dynamic.rs`): what lets the CLI, the MCP server and the fake server take any operation of
//! the spec with no line of their own per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::model::{Answer, BodyShape, Kind, Op, Value_};

/// The function turning one JSON item into a stored item of `kind`: `fn(&str, Value) -> Result<T>`.
fn convert(kind: &Kind) -> TokenStream {
    match kind {
        Kind::Text => quote!(crate::dynamic::text),
        Kind::Enum => quote!(crate::dynamic::wire),
        Kind::Integer => quote!(crate::dynamic::integer),
        Kind::Number => quote!(crate::dynamic::number),
        Kind::Boolean => quote!(crate::dynamic::boolean),
        Kind::Binary => quote!(|name: &str, v| crate::dynamic::file(name, v, open)),
        Kind::Typed(ty) => quote!(crate::dynamic::typed::<#ty>),
        Kind::Json => quote!(crate::dynamic::json),
    }
}

/// Reads `value` from `arguments` into the request's field of the same name.
fn read_setter(value: &Value_) -> TokenStream {
    let (ident, name) = (&value.ident, &value.name);
    let convert = convert(&value.kind);
    if value.list {
        quote! {
            if let Some(v) = arguments.remove(#name) {
                request.#ident = crate::dynamic::list(#name, v, #convert)?;
            }
        }
    } else {
        quote! {
            if let Some(v) = arguments.remove(#name) {
                request.#ident = Some((#convert)(#name, v)?);
            }
        }
    }
}

/// What lets `AnyRequest` take `op`: its `from_json`, and its `DynRequest` impl.
pub fn generate_op(op: &Op) -> TokenStream {
    let Op { variant, .. } = op;
    let id_ident = super::names::member(&op.id);
    let body_fields: &[Value_] = match &op.body {
        BodyShape::Fields { fields, .. } => fields,
        _ => &[],
    };
    // The `Client` method's arguments: the path parameters, then the `x-positional` fields.
    let positional: Vec<&Value_> = op
        .path_params
        .iter()
        .chain(
            op.positional
                .iter()
                .filter_map(|name| body_fields.iter().find(|f| &f.name == name)),
        )
        .collect();
    let reads: Vec<TokenStream> = positional
        .iter()
        .map(|value| {
            let (ident, name) = (&value.ident, &value.name);
            quote!(let #ident = crate::dynamic::text(#name, crate::dynamic::required(#name, arguments.remove(#name))?)?;)
        })
        .collect();
    let args: Vec<&syn::Ident> = positional.iter().map(|value| &value.ident).collect();
    let setters: Vec<TokenStream> = op
        .query
        .iter()
        .chain(&op.headers)
        .chain(body_fields.iter().filter(|f| !op.positional.contains(&f.name)))
        .map(read_setter)
        .collect();
    let whole = matches!(op.body, BodyShape::Whole { .. }).then(|| {
        quote! {
            if !arguments.is_empty() {
                request.body = Some(crate::dynamic::whole_body(arguments)?);
            }
        }
    });
    let uses_open = body_fields.iter().any(|f| matches!(f.kind, Kind::Binary));
    let open_arg = if uses_open { quote!(open) } else { quote!(_open) };
    let (answered, send_json, download) = match &op.answer {
        Answer::Json { ty, .. } => (
            quote! {
                impl crate::dynamic::Answered for #variant {
                    type Answer = types::#ty;
                }
            },
            quote!(crate::dynamic::send_json(*self)),
            quote!(crate::dynamic::wrong_answer(OperationId::#variant)),
        ),
        Answer::Download { .. } => (
            quote!(),
            quote!(crate::dynamic::wrong_answer(OperationId::#variant)),
            quote!(::std::boxed::Box::pin(::std::future::IntoFuture::into_future(*self))),
        ),
    };
    let items = if op.page.is_some() {
        quote!(Ok(crate::dynamic::items_json(*self)))
    } else {
        quote!(Err(self))
    };
    quote! {
        impl #variant {
            fn from_json(
                client: &crate::Client,
                arguments: &mut ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                #open_arg: crate::dynamic::OpenFile<'_>,
            ) -> ::std::result::Result<Self, crate::Error> {
                #(#reads)*
                #[allow(unused_mut)]
                let mut request = client.#id_ident(#(#args),*);
                #(#setters)*
                #whole
                Ok(request)
            }
        }
        #answered
        impl crate::dynamic::DynRequest for #variant {
            fn core_mut(&mut self) -> &mut crate::call::Core {
                &mut self.core
            }
            fn check(&self) -> ::std::result::Result<(), crate::Error> {
                self.prepare().map(drop)
            }
            fn send_json(self: Box<Self>) -> crate::call::BoxFuture<::std::result::Result<::serde_json::Value, crate::Error>> {
                #send_json
            }
            fn download(self: Box<Self>) -> crate::call::BoxFuture<::std::result::Result<crate::Download, crate::Error>> {
                #download
            }
            fn items_json(
                self: Box<Self>,
            ) -> ::std::result::Result<
                ::futures_util::stream::BoxStream<'static, ::std::result::Result<::serde_json::Value, crate::Error>>,
                Box<dyn crate::dynamic::DynRequest>,
            > {
                #items
            }
        }
    }
}

/// The function choosing a request type's `from_json` by `OperationId` (each request type's own is
/// [`generate_op`]'s).
pub fn generate(ops: &[Op]) -> TokenStream {
    let arms: Vec<TokenStream> = ops
        .iter()
        .map(|op| {
            let (variant, part) = (&op.variant, &op.part);
            quote! {
                #[cfg(feature = #part)]
                OperationId::#variant => #variant::from_json(client, arguments, open).map(crate::dynamic::boxed),
            }
        })
        .collect();
    quote! {
        pub use crate::dynamic::AnyRequest;

        /// The request of `operation`, read from `arguments` (see [`AnyRequest::from_json`]).
        pub(crate) fn from_json(
            client: &crate::Client,
            operation: OperationId,
            arguments: &mut ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            open: crate::dynamic::OpenFile<'_>,
        ) -> ::std::result::Result<Box<dyn crate::dynamic::DynRequest>, crate::Error> {
            match operation {
                #(#arms)*
            }
        }
    }
}
