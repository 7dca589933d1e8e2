//! Additions to the generated types, on the syntax tree: `#[non_exhaustive]` on every generated
//! struct, so a field added to the spec is not a breaking release for users (the builders
//! progenitor generates, `types::builder`, still build them); and `AsRef<str>` on the string
//! newtypes (the ids of the answers), so `client.get_chat(&msg.chat_id)` compiles.

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
