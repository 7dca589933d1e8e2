//! Puts each generated item behind the features of the API's parts that need it, so a build
//! compiles the parts it enables and nothing else ([`super::parts`]). An operation's own items
//! (its request, its `Client` method, its row of the table) are gated by its part where they are
//! made; the types are gated here, after typify named them: a type is needed by a part when one
//! of the part's operations reaches it (its answer, body or a field's type, then every type those
//! name, transitively), and by every build when the shared components reach it (the error
//! envelope the runtime decodes).
//!
//! What a type names is read from its items' syntax: the types in type positions (a field's type, a
//! generic argument, an `impl`'s header), the leading segments of a path (`Kind::Json`: `Kind`,
//! not the variant `Json`), a struct literal's type, and every identifier inside a macro (whose
//! tokens are not parsed; an item macro such as `unit_enum!(Kind { Json => "json" })` names only
//! what precedes its braces). An enum's variant is not a type, even when a type has its name (an
//! HTTP method's `Post` beside a LinkedIn `Post`): reading every identifier, as this once did,
//! gated a messaging type's part onto the LinkedIn parts' `Post`. Reading more than is there (a
//! macro's identifier that only looks like a type) enables a type a part did not need, never the
//! other way round.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;

use super::model::{Answer, BodyShape, Kind, Op};

/// The local type identifiers in `tokens`.
fn idents_in(tokens: TokenStream, local: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                if local.contains(&name) {
                    out.insert(name);
                }
            }
            TokenTree::Group(group) => idents_in(group.stream(), local, out),
            _ => {}
        }
    }
}

/// The local types an item names (see the module's documentation).
fn named_by(item: &syn::Item, local: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    match item {
        syn::Item::Use(u) => idents_in(u.tree.to_token_stream(), local, &mut out),
        syn::Item::Macro(_) => out = defines(item, local),
        _ => {
            let mut visitor = TypeNames { local, out: &mut out };
            syn::visit::Visit::visit_item(&mut visitor, item);
        }
    }
    out
}

/// Collects the local types in type positions, paths' leading segments, struct literals and macros.
struct TypeNames<'a> {
    local: &'a BTreeSet<String>,
    out: &'a mut BTreeSet<String>,
}

impl TypeNames<'_> {
    fn note(&mut self, ident: &syn::Ident) {
        let name = ident.to_string();
        if self.local.contains(&name) {
            self.out.insert(name);
        }
    }
}

impl<'ast> syn::visit::Visit<'ast> for TypeNames<'_> {
    fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
        if let Some(last) = ty.path.segments.last() {
            self.note(&last.ident);
        }
        syn::visit::visit_type_path(self, ty);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        // All but the last segment: a type or module before an associated item or a variant.
        let leading = path.segments.len().saturating_sub(1);
        for segment in path.segments.iter().take(leading) {
            self.note(&segment.ident);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_expr_struct(&mut self, expr: &'ast syn::ExprStruct) {
        if let Some(last) = expr.path.segments.last() {
            self.note(&last.ident);
        }
        syn::visit::visit_expr_struct(self, expr);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        idents_in(mac.tokens.clone(), self.local, self.out);
        syn::visit::visit_macro(self, mac);
    }
}

/// What names the types an operation's request, answer and table row use: its roots in the type
/// graph.
pub fn types_named_by(op: &Op) -> TokenStream {
    let mut tokens = TokenStream::new();
    if let Answer::Json { ty, .. } = &op.answer {
        ty.to_tokens(&mut tokens);
    }
    if let BodyShape::Whole { ty, .. } = &op.body {
        ty.to_tokens(&mut tokens);
    }
    for value in op
        .path_params
        .iter()
        .chain(&op.query)
        .chain(&op.headers)
        .chain(op.body_fields())
    {
        if let Kind::Typed(ty) = &value.kind {
            tokens.extend(ty.clone());
        }
    }
    if let Some(page) = &op.page {
        tokens.extend(page.item.clone());
    }
    tokens
}

/// The types an item defines (for an `impl`, the local types of its header: it needs them all).
fn defines(item: &syn::Item, local: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    match item {
        syn::Item::Struct(s) => {
            out.insert(s.ident.to_string());
        }
        syn::Item::Enum(e) => {
            out.insert(e.ident.to_string());
        }
        syn::Item::Type(t) => {
            out.insert(t.ident.to_string());
        }
        syn::Item::Use(u) => idents_in(u.tree.to_token_stream(), local, &mut out),
        syn::Item::Impl(i) => {
            idents_in(i.self_ty.to_token_stream(), local, &mut out);
            if let Some((path, _)) = &i.trait_ {
                idents_in(path.to_token_stream(), local, &mut out);
            }
        }
        syn::Item::Fn(f) => idents_in(f.sig.to_token_stream(), local, &mut out),
        syn::Item::Const(c) => idents_in(c.ty.to_token_stream(), local, &mut out),
        // A macro writing impls (`crate::type_impls::impls!(ChatId: ..)`): for the types it names
        // before any braces (`unit_enum!(Format { Json => "json" })`: a variant may share a type's name).
        syn::Item::Macro(m) => {
            let head: TokenStream = m
                .mac
                .tokens
                .clone()
                .into_iter()
                .take_while(|t| !matches!(t, TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace))
                .collect();
            idents_in(head, local, &mut out)
        }
        _ => {}
    }
    out
}

/// Every item of `items`, nested modules' included, with the module path's depth left out.
fn for_each_item(items: &mut [syn::Item], visit: &mut dyn FnMut(&mut syn::Item)) {
    for item in items {
        if let syn::Item::Mod(syn::ItemMod {
            content: Some((_, nested)),
            ..
        }) = item
        {
            for_each_item(nested, visit);
        } else {
            visit(item);
        }
    }
}

/// The type names the items of `items` define (nested modules included: the builders).
fn local_types(items: &mut [syn::Item], local: &mut BTreeSet<String>) {
    for_each_item(items, &mut |item| match item {
        syn::Item::Struct(s) => {
            local.insert(s.ident.to_string());
        }
        syn::Item::Enum(e) => {
            local.insert(e.ident.to_string());
        }
        syn::Item::Type(t) => {
            local.insert(t.ident.to_string());
        }
        _ => {}
    });
}

/// Gates the items of the `types` and `open` modules of `file` (see the module's documentation).
/// `shared` holds the Rust names of the types of the component schemas the shared components
/// reach; `ops` holds each operation's
/// part and what names its types ([`types_named_by`]).
pub fn gate_types(
    file: &mut syn::File,
    ops: &[(String, TokenStream)],
    shared: &BTreeSet<String>,
) -> Result<(), String> {
    let mut modules: Vec<&mut Vec<syn::Item>> = file
        .items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Mod(syn::ItemMod {
                ident,
                content: Some((_, items)),
                ..
            }) if ident == "types" || ident == "open" => Some(items),
            _ => None,
        })
        .collect();
    if modules.len() != 2 {
        return Err("gate: the generated code has no `types` and `open` modules".into());
    }
    let mut local = BTreeSet::new();
    for items in modules.iter_mut() {
        local_types(items, &mut local);
    }

    // What each type names, over all of its items.
    let mut names: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for items in modules.iter_mut() {
        for_each_item(items, &mut |item| {
            let named = named_by(item, &local);
            for defined in defines(item, &local) {
                names.entry(defined).or_default().extend(named.iter().cloned());
            }
        });
    }
    let reach = |roots: BTreeSet<String>| -> BTreeSet<String> {
        let mut reached = BTreeSet::new();
        let mut pending: Vec<String> = roots.into_iter().collect();
        while let Some(name) = pending.pop() {
            if reached.insert(name.clone()) {
                pending.extend(names.get(&name).into_iter().flatten().cloned());
            }
        }
        reached
    };
    let always = reach(shared.iter().filter(|name| local.contains(*name)).cloned().collect());
    let mut parts_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (part, named) in ops {
        let mut roots = BTreeSet::new();
        idents_in(named.clone(), &local, &mut roots);
        for name in reach(roots) {
            parts_of.entry(name).or_default().insert(part.clone());
        }
    }

    // An item is compiled when every type it defines is: always, or with one of its parts.
    let mut unreached = BTreeSet::new();
    for items in modules.iter_mut() {
        for_each_item(items, &mut |item| {
            let mut conditions: BTreeSet<Vec<String>> = BTreeSet::new();
            for defined in defines(item, &local) {
                if always.contains(&defined) {
                    continue;
                }
                match parts_of.get(&defined) {
                    Some(parts) => {
                        conditions.insert(parts.iter().cloned().collect());
                    }
                    None => {
                        unreached.insert(defined);
                    }
                }
            }
            if let Some(attr) = cfg_of(&conditions) {
                push_attr(item, attr);
            }
        });
    }
    if !unreached.is_empty() {
        return Err(format!(
            "gate: no operation and no shared component reaches the generated types {unreached:?}"
        ));
    }
    Ok(())
}

/// `#[cfg(...)]` for the conditions (each a list of parts, any of which enables it), all of which
/// must hold; `None` for none.
fn cfg_of(conditions: &BTreeSet<Vec<String>>) -> Option<syn::Attribute> {
    let any = |parts: &Vec<String>| -> TokenStream {
        let parts = parts.iter().map(|p| quote::quote!(feature = #p));
        quote::quote!(any(#(#parts),*))
    };
    match conditions.len() {
        0 => None,
        1 => {
            let one = any(conditions.iter().next()?);
            Some(syn::parse_quote!(#[cfg(#one)]))
        }
        _ => {
            let all = conditions.iter().map(any);
            Some(syn::parse_quote!(#[cfg(all(#(#all),*))]))
        }
    }
}

/// Puts `attr` first on `item`.
pub fn push_attr(item: &mut syn::Item, attr: syn::Attribute) {
    let attrs = match item {
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Macro(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        _ => return,
    };
    attrs.insert(0, attr);
}

/// `tokens` (items) each behind the feature of `part`.
pub fn behind_part(tokens: TokenStream, part: &str) -> Result<TokenStream, String> {
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| format!("the items of an operation of {part} do not parse: {e}"))?;
    for item in &mut file.items {
        push_attr(item, syn::parse_quote!(#[cfg(feature = #part)]));
    }
    Ok(file.into_token_stream())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs_of(file: &syn::File) -> Vec<String> {
        let mut out = Vec::new();
        for item in &file.items {
            if let syn::Item::Mod(m) = item {
                for inner in &m.content.as_ref().unwrap().1 {
                    let (name, attrs) = match inner {
                        syn::Item::Struct(s) => (s.ident.to_string(), &s.attrs),
                        syn::Item::Impl(i) => (i.self_ty.to_token_stream().to_string(), &i.attrs),
                        _ => continue,
                    };
                    let cfg: Vec<String> = attrs
                        .iter()
                        .filter(|a| a.path().is_ident("cfg"))
                        .map(|a| a.to_token_stream().to_string())
                        .collect();
                    out.push(format!("{name}: {}", cfg.join(" ")));
                }
            }
        }
        out
    }

    #[test]
    fn a_type_is_behind_the_parts_that_reach_it_and_shared_ones_are_always_there() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Message { pub quoted: Option<Box<Quoted>>, pub kind: Kind }
                pub struct Quoted { pub again: Option<Box<Message>> }
                pub struct Account { pub kind: Kind }
                pub struct ErrorEnvelope { pub detail: String }
                pub struct Kind;
                impl From<&Message> for Message { fn from(m: &Message) -> Self { todo!() } }
            }
            pub mod open {}
        };
        let ops = [
            ("messaging".to_string(), quote::quote!(types::Message)),
            ("accounts".to_string(), quote::quote!(types::Account)),
        ];
        let shared = BTreeSet::from(["ErrorEnvelope".to_string()]);
        gate_types(&mut file, &ops, &shared).unwrap();
        assert_eq!(
            attrs_of(&file),
            [
                "Message: # [cfg (any (feature = \"messaging\"))]",
                "Quoted: # [cfg (any (feature = \"messaging\"))]",
                "Account: # [cfg (any (feature = \"accounts\"))]",
                "ErrorEnvelope: ",
                "Kind: # [cfg (any (feature = \"accounts\" , feature = \"messaging\"))]",
                "Message: # [cfg (any (feature = \"messaging\"))]",
            ]
        );
    }

    #[test]
    fn a_variant_named_like_a_type_does_not_reach_it() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub enum Method { Get, Post }
                impl Method { fn post() -> Self { Method::Post } }
                crate::type_impls::unit_enum!(Method { Get => "GET", Post => "POST" });
                pub struct Post { pub author: Author }
                pub struct Author;
                pub struct Request { pub method: Method }
            }
            pub mod open {}
        };
        let ops = [
            ("messaging".to_string(), quote::quote!(types::Request)),
            ("posts".to_string(), quote::quote!(types::Post)),
        ];
        gate_types(&mut file, &ops, &BTreeSet::new()).unwrap();
        let attrs = attrs_of(&file);
        assert!(
            attrs.contains(&"Post: # [cfg (any (feature = \"posts\"))]".to_string()),
            "{attrs:?}"
        );
        assert!(
            attrs.contains(&"Author: # [cfg (any (feature = \"posts\"))]".to_string()),
            "{attrs:?}"
        );
    }

    #[test]
    fn a_type_nothing_reaches_fails_naming_it() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct Orphan; }
            pub mod open {}
        };
        let error = gate_types(&mut file, &[], &BTreeSet::new()).unwrap_err();
        assert!(error.contains("Orphan"), "{error}");
    }
}
