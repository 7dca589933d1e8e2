//! Additions to the generated types, on the syntax tree: `#[non_exhaustive]` on every generated
//! struct, so a field added to the spec is not a breaking release for users (the builders
//! progenitor generates, `types::builder`, still build them); `AsRef<str>` on the string
//! newtypes (the ids of the answers), so `client.get_chat(&msg.chat_id)` compiles; and the
//! builders moved to a file of their own, compiled with the `builders` feature only
//! ([`split_builders`]): they serve users' tests, and are a third of the types' code.

use syn::{Item, ItemMod};

/// The `types` module of a progenitor output.
pub fn types_module(file: &mut syn::File) -> Result<&mut Vec<Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(ItemMod {
                ident,
                content: Some((_, items)),
                ..
            }) if ident == "types" => Some(items),
            _ => None,
        })
        .ok_or_else(|| "builders: progenitor's output has no `types` module".to_string())
}

/// Marks every struct with named fields of `types` `#[non_exhaustive]` (the builders, in the same
/// crate, still build them).
pub fn non_exhaustive(file: &mut syn::File) -> Result<(), String> {
    for item in types_module(file)? {
        if let Item::Struct(s) = item
            && matches!(s.fields, syn::Fields::Named(_))
        {
            s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
        }
    }
    Ok(())
}

/// `impl AsRef<str>` for every newtype of `types` over a `String` (typify gives them `Deref` to
/// `String`, which a generic `impl AsRef<str>` argument does not see through).
pub fn string_newtypes_as_str(file: &mut syn::File) -> Result<(), String> {
    let types = types_module(file)?;
    let is_string = |ty: &syn::Type| matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "String"));
    let newtypes: Vec<syn::Ident> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => match &s.fields {
                syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 && is_string(&fields.unnamed[0].ty) => {
                    Some(s.ident.clone())
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    for ident in newtypes {
        types.push(syn::parse_quote! {
            impl ::std::convert::AsRef<str> for #ident {
                fn as_ref(&self) -> &str {
                    &self.0
                }
            }
        });
    }
    Ok(())
}

/// Takes the builders out of the `types` module: the `builder` module progenitor writes, and each
/// type's `builder()`, which moves into that module (as `impl super::X`, with the attributes it
/// had: the features of its parts). The `types` module gets the `builder` module back, behind the
/// `builders` feature, its items included from `builders.rs` beside the generated file. Returns
/// those items.
pub fn split_builders(file: &mut syn::File) -> Result<Vec<Item>, String> {
    use quote::ToTokens;
    let types = types_module(file)?;
    let mut builders = Vec::new();
    let mut kept = Vec::new();
    for item in std::mem::take(types) {
        match item {
            Item::Mod(ItemMod {
                ident,
                content: Some((_, items)),
                ..
            }) if ident == "builder" => builders.extend(items),
            Item::Impl(imp) if is_builder_fn(&imp) => {
                let ty = &imp.self_ty;
                let name = ty.to_token_stream().to_string();
                let doc =
                    format!("A builder of [`{name}`](super::{name}), which checks that every required field is set.");
                let attrs = &imp.attrs;
                builders.push(syn::parse_quote! {
                    #(#attrs)*
                    impl super::#ty {
                        #[doc = #doc]
                        pub fn builder() -> #ty {
                            Default::default()
                        }
                    }
                });
            }
            other => kept.push(other),
        }
    }
    if builders.is_empty() {
        return Err("split_builders: progenitor wrote no builder module".into());
    }
    kept.push(syn::parse_quote! {
        /// Builders of the types, which check that every required field is set: for values in
        /// your tests (the types are `#[non_exhaustive]`). Feature `builders`.
        #[cfg(feature = "builders")]
        #[cfg_attr(docsrs, doc(cfg(feature = "builders")))]
        pub mod builder {
            include!("builders.rs");
        }
    });
    *types = kept;
    Ok(builders)
}

/// `impl X { pub fn builder() -> builder::X { Default::default() } }`, as typify writes it.
fn is_builder_fn(imp: &syn::ItemImpl) -> bool {
    use quote::{ToTokens, quote};
    let ty = &imp.self_ty;
    let mut bare = imp.clone();
    bare.attrs.clear();
    imp.trait_.is_none()
        && bare.to_token_stream().to_string()
            == quote!(impl #ty { pub fn builder() -> builder::#ty { Default::default() } }).to_string()
}
