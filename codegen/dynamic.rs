//! What `AnyRequest` (`src/dynamic.rs`) cannot read off the operation table: the type each
//! operation's answer decodes into, to run a request made from JSON arguments and hand its answer
//! back as JSON (and, for a list of the cursor convention, its page type). One match arm per
//! operation; everything else (reading the arguments by the table's fields, the checks, the call)
//! is written once, so the CLI, the MCP server and the fake server take any operation of the spec
//! with no line of their own per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::model::{Answer, Op};

/// The functions choosing an answer's type by `OperationId`.
pub fn generate(ops: &[Op]) -> TokenStream {
    let mut answers = Vec::new();
    let mut lists = Vec::new();
    for op in ops {
        let (variant, part) = (&op.variant, &op.part);
        let answer = match &op.answer {
            Answer::Json { ty, .. } => quote!(crate::dynamic::answer_json::<types::#ty>(request)),
            Answer::Download { .. } => quote!(crate::dynamic::download(request)),
        };
        answers.push(quote!(#[cfg(feature = #part)] OperationId::#variant => #answer,));
        if let (Some(_), Answer::Json { ty, .. }) = (&op.page, &op.answer) {
            lists.push(quote! {
                #[cfg(feature = #part)]
                OperationId::#variant => ::std::option::Option::Some(crate::dynamic::items_json::<types::#ty>(request)),
            });
        }
    }
    quote! {
        #[cfg(feature = "any-request")]
        #[cfg_attr(docsrs, doc(cfg(feature = "any-request")))]
        pub use crate::dynamic::AnyRequest;

        /// Runs `request`: its answer as JSON, decoded through the operation's type (or its file).
        #[cfg(feature = "any-request")]
        pub(crate) fn run(request: crate::request::Request) -> crate::dynamic::Run {
            match request.operation() {
                #(#answers)*
            }
        }

        /// Every item of every page of `request` as JSON, for a list of the cursor convention.
        #[cfg(feature = "any-request")]
        pub(crate) fn items(
            request: crate::request::Request,
        ) -> ::std::option::Option<::futures_util::stream::BoxStream<'static, ::std::result::Result<::serde_json::Value, crate::Error>>> {
            #[allow(unreachable_patterns)]
            match request.operation() {
                #(#lists)*
                _ => ::std::option::Option::None,
            }
        }
    }
}
