//! Builders for the generated types, so users can make response values in their own tests, and
//! `#[non_exhaustive]` on every generated struct, so a field added to the spec is not a breaking
//! release for them.
//!
//! Upstream limitation: progenitor generates struct builders (`types::builder`, `Message::builder()`)
//! only together with its builder-style client methods, which cost more per call than the
//! positional ones the SDK calls (see `cargo xtask bench`). So the types are generated a second
//! time in builder style, and only their `builder` module and `builder()` constructors are grafted
//! into the positional output, on the syntax tree.

use syn::{Item, ItemMod};

/// The `types` module of a progenitor output.
fn types_module(file: &mut syn::File) -> Result<&mut Vec<Item>, String> {
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

/// Whether an item is `impl X { pub fn builder() .. }`.
fn is_builder_constructor(item: &Item) -> bool {
    matches!(item, Item::Impl(imp) if imp.trait_.is_none()
        && imp.items.len() == 1
        && matches!(&imp.items[0], syn::ImplItem::Fn(f) if f.sig.ident == "builder"))
}

/// Moves `types::builder` and the `builder()` constructors from `with_builders` (progenitor's
/// builder-style output of the same spec) into `file` (its positional output).
pub fn graft(file: &mut syn::File, mut with_builders: syn::File) -> Result<(), String> {
    let source = types_module(&mut with_builders)?;
    let mut module = None;
    let mut constructors = Vec::new();
    for item in source.drain(..) {
        match item {
            Item::Mod(m) if m.ident == "builder" => module = Some(Item::Mod(m)),
            item if is_builder_constructor(&item) => constructors.push(item),
            _ => {}
        }
    }
    let module = module.ok_or("builders: the builder-style output has no `types::builder` module")?;
    let target = types_module(file)?;
    let structs = target.iter().filter(|item| is_record(item)).count();
    if constructors.len() != structs {
        return Err(format!(
            "builders: {} builder() constructors for {structs} structs; progenitor's output changed, \
             update build/codegen/builders.rs",
            constructors.len()
        ));
    }
    target.extend(constructors);
    target.push(module);
    Ok(())
}

/// A struct with named fields (the ones that get builders; newtypes such as maps do not).
fn is_record(item: &Item) -> bool {
    matches!(item, Item::Struct(s) if matches!(s.fields, syn::Fields::Named(_)))
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
