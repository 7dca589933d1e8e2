//! Each part's items in files of their own (`generated/parts/<parts>/<module>.rs`), included by
//! the main file behind the same features: a build that leaves a part off does not read its
//! files at all (`cfg` is applied to an `include!` before it is expanded), so it neither parses
//! the part's code nor keeps its lines in the crate's metadata. Measured on the spec with the
//! LinkedIn parts, before this split: a default (messaging) build's rlib was 88 KB larger than
//! without those parts, 53 KB of it the source file's line table alone (padding the old file with
//! as many comment lines added that much).
//!
//! An item moves when its first `cfg` names only the API's parts (`feature = "x"`, or `any` of
//! them); items of one module behind the same parts share a file. What is not an item (a match
//! arm, an enum's variant, an element of the operation table) stays where it is: the table's rows
//! are `const` items for this reason (`operations`).

use std::collections::BTreeMap;

use syn::punctuated::Punctuated;
use syn::{Attribute, Item, Meta, Token};

/// A file of one module's items behind one set of parts.
pub struct PartFile {
    /// Its path under `generated/`, as the main file's `include!` names it.
    pub path: String,
    /// The items, unformatted.
    pub file: syn::File,
}

/// Moves the items of every top-level module of `file` that only `parts` gate into files of
/// their own, leaving an `include!` behind the same features in their place.
pub fn by_part(file: &mut syn::File, parts: &[String]) -> Vec<PartFile> {
    let mut files = Vec::new();
    for item in &mut file.items {
        let Item::Mod(module) = item else { continue };
        let Some((_, items)) = &mut module.content else {
            continue;
        };
        let name = module.ident.to_string();
        let mut kept = Vec::new();
        let mut groups: BTreeMap<Vec<String>, Vec<Item>> = BTreeMap::new();
        for item in std::mem::take(items) {
            match part_gate(&item, parts) {
                Some(gate) => groups.entry(gate).or_default().push(item),
                None => kept.push(item),
            }
        }
        for (gate, moved) in groups {
            let path = format!("parts/{}/{name}.rs", gate.join("+"));
            let features = gate.iter().map(String::as_str);
            kept.push(syn::parse_quote! {
                #[cfg(any(#(feature = #features),*))]
                include!(#path);
            });
            files.push(PartFile {
                path,
                file: {
                    let mut file: syn::File = syn::parse_quote!();
                    file.items = moved;
                    file
                },
            });
        }
        *items = kept;
    }
    files
}

/// The parts an item's first `cfg` names, sorted, when it names parts and nothing else.
fn part_gate(item: &Item, parts: &[String]) -> Option<Vec<String>> {
    let attribute = attributes(item)?.iter().find(|a| a.path().is_ident("cfg"))?;
    let meta: Meta = attribute.parse_args().ok()?;
    let mut names = match &meta {
        Meta::List(any) if any.path.is_ident("any") => any
            .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
            .ok()?
            .iter()
            .map(feature)
            .collect::<Option<Vec<_>>>()?,
        single => vec![feature(single)?],
    };
    names.sort();
    names.dedup();
    (!names.is_empty() && names.iter().all(|name| parts.contains(name))).then_some(names)
}

/// `x` of `feature = "x"`.
fn feature(meta: &Meta) -> Option<String> {
    let Meta::NameValue(pair) = meta else { return None };
    if !pair.path.is_ident("feature") {
        return None;
    }
    match &pair.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(name),
            ..
        }) => Some(name.value()),
        _ => None,
    }
}

fn attributes(item: &Item) -> Option<&[Attribute]> {
    Some(match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::by_part;

    #[test]
    fn items_behind_parts_only_move_to_a_file_per_module_and_parts() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Shared;
                #[cfg(any(feature = "users", feature = "posts"))]
                pub struct Both;
                #[cfg(feature = "posts")]
                pub struct Post;
                #[cfg(any(feature = "posts"))]
                impl Post {}
                #[cfg(feature = "schemars")]
                pub struct NotAPart;
                #[cfg(any(feature = "posts", feature = "schemars"))]
                pub struct Mixed;
            }
        };
        let parts = ["posts".to_string(), "users".to_string()];
        let files = by_part(&mut file, &parts);
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["parts/posts/types.rs", "parts/posts+users/types.rs"]);
        assert_eq!(files[0].file.items.len(), 2, "the struct and its impl");
        let main = quote::quote!(#file).to_string();
        for stays in ["Shared", "NotAPart", "Mixed"] {
            assert!(main.contains(&format!("struct {stays}")), "{stays}: {main}");
        }
        assert!(!main.contains("struct Post"), "{main}");
        assert!(
            main.contains(
                r#"# [cfg (any (feature = "posts" , feature = "users"))] include ! ("parts/posts+users/types.rs")"#
            ),
            "{main}"
        );
    }
}
