//! Edits to progenitor's output, made on the parsed syntax tree (never on formatted text), for what
//! progenitor 0.15 cannot be told to do. Each edit fails the build with a message naming itself
//! when it finds nothing to edit, so a progenitor release that generates different code is caught
//! here rather than compiled silently.

use syn::Attribute;
use syn::Token;
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;

pub fn apply(file: &mut syn::File) -> Result<(), String> {
    schemars_behind_feature(file)?;
    enum_newtype_schemas(file);
    Ok(())
}

/// Gives each field typify was given under another key ([`super::typify_types::Renamed`], keys
/// no schema of the spec uses) its wire name back, as `serde(rename)`: typify can only name
/// fields after their properties, and two properties it names alike would be one field twice.
pub fn renamed_fields(
    types: &mut [syn::Item],
    wires: &std::collections::BTreeMap<String, String>,
) -> Result<(), String> {
    let mut found = std::collections::BTreeSet::new();
    for item in types.iter_mut() {
        let syn::Item::Struct(record) = item else { continue };
        for field in record.fields.iter_mut() {
            let Some(ident) = &field.ident else { continue };
            if let Some(wire) = wires.get(&ident.to_string()) {
                field.attrs.push(syn::parse_quote!(#[serde(rename = #wire)]));
                found.insert(ident.to_string());
            }
        }
    }
    match wires.keys().find(|key| !found.contains(*key)) {
        Some(missing) => Err(format!("patches::renamed_fields: no generated field {missing}")),
        None => Ok(()),
    }
}

/// The impls typify writes out in full for every string type (its `TryFrom`s, which only call
/// `parse`, a newtype's `Deref`, `From` and `Deserialize`), and the `AsRef<str>` of
/// [`super::type_additions::string_newtypes_as_str`], each replaced by its part of one
/// `crate::type_impls::impls!` line per type (`src/type_impls.rs` writes them the same way). An
/// impl is replaced only when it is, token for token, the one the macro writes: one typify wrote
/// otherwise stays as it is.
pub fn string_impls(types: &mut Vec<syn::Item>) {
    use quote::{ToTokens, quote};
    let templates = |ty: &syn::Ident| -> Vec<(&'static str, String)> {
        let conversion = quote!(self::error::ConversionError);
        let parts = [
            (
                "try_from_str",
                quote! {
                    impl ::std::convert::TryFrom<&str> for #ty {
                        type Error = #conversion;
                        fn try_from(value: &str) -> ::std::result::Result<Self, #conversion> { value.parse() }
                    }
                },
            ),
            (
                "try_from_string_ref",
                quote! {
                    impl ::std::convert::TryFrom<&::std::string::String> for #ty {
                        type Error = #conversion;
                        fn try_from(value: &::std::string::String) -> ::std::result::Result<Self, #conversion> { value.parse() }
                    }
                },
            ),
            (
                "try_from_string",
                quote! {
                    impl ::std::convert::TryFrom<::std::string::String> for #ty {
                        type Error = #conversion;
                        fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, #conversion> { value.parse() }
                    }
                },
            ),
            (
                "deserialize_parsed",
                quote! {
                    impl<'de> ::serde::Deserialize<'de> for #ty {
                        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                        where
                            D: ::serde::Deserializer<'de>,
                        {
                            ::std::string::String::deserialize(deserializer)?
                                .parse()
                                .map_err(|e: #conversion| { <D::Error as ::serde::de::Error>::custom(e.to_string()) })
                        }
                    }
                },
            ),
            (
                "deref_string",
                quote! {
                    impl ::std::ops::Deref for #ty {
                        type Target = ::std::string::String;
                        fn deref(&self) -> &::std::string::String { &self.0 }
                    }
                },
            ),
            (
                "into_string",
                quote! {
                    impl ::std::convert::From<#ty> for ::std::string::String {
                        fn from(value: #ty) -> Self { value.0 }
                    }
                },
            ),
            (
                "as_str",
                quote! {
                    impl ::std::convert::AsRef<str> for #ty {
                        fn as_ref(&self) -> &str { &self.0 }
                    }
                },
            ),
        ];
        parts
            .into_iter()
            .map(|(part, tokens)| (part, tokens.to_string()))
            .collect()
    };
    // The type an impl may be one of the parts for: its self type, or (`From<T> for String`) `T`.
    let candidate = |imp: &syn::ItemImpl| -> Option<syn::Ident> {
        let last_ident = |ty: &syn::Type| match ty {
            syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                Some(p.path.segments[0].ident.clone())
            }
            _ => None,
        };
        last_ident(&imp.self_ty).or_else(|| {
            let (path, _) = imp.trait_.as_ref()?;
            match &path.segments.last()?.arguments {
                syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
                    syn::GenericArgument::Type(ty) => last_ident(ty),
                    _ => None,
                },
                _ => None,
            }
        })
    };
    let mut found: Vec<(syn::Ident, usize, Vec<&'static str>)> = Vec::new();
    let mut kept = Vec::new();
    for (index, item) in std::mem::take(types).into_iter().enumerate() {
        let part = match &item {
            syn::Item::Impl(imp) if imp.attrs.is_empty() => candidate(imp).and_then(|ty| {
                let text = imp.to_token_stream().to_string();
                let part = templates(&ty).into_iter().find(|(_, template)| *template == text)?.0;
                Some((ty, part))
            }),
            _ => None,
        };
        match part {
            Some((ty, part)) => match found.iter_mut().find(|(t, _, _)| *t == ty) {
                Some((_, _, parts)) => parts.push(part),
                None => found.push((ty, index, vec![part])),
            },
            None => kept.push((index, item)),
        }
    }
    for (ty, index, parts) in found {
        let parts = parts.iter().map(|p| syn::Ident::new(p, proc_macro2::Span::call_site()));
        kept.push((index, syn::parse_quote!(crate::type_impls::impls!(#ty: #(#parts),*);)));
    }
    kept.sort_by_key(|(index, _)| *index);
    types.extend(kept.into_iter().map(|(_, item)| item));
}

/// typify writes `Display` and `FromStr` out for every closed enum of strings; where both are token
/// for token what `crate::type_impls::unit_enum!` writes for the enum's own arms, they become one
/// line of it (the arms read from the `Display` impl, the `FromStr` impl compared against them).
pub fn unit_enum_impls(types: &mut Vec<syn::Item>) {
    use quote::{ToTokens, quote};
    // (variant, wire) of a Display impl written as `match *self { Self::V => f.write_str("v"), .. }`.
    let arms_of = |imp: &syn::ItemImpl| -> Option<(syn::Ident, Vec<(syn::Ident, syn::LitStr)>)> {
        let (path, _) = imp.trait_.as_ref()?;
        if path.segments.last()?.ident != "Display" || !imp.attrs.is_empty() {
            return None;
        }
        let syn::Type::Path(ty) = &*imp.self_ty else {
            return None;
        };
        let ty = ty.path.get_ident()?.clone();
        let [syn::ImplItem::Fn(fmt)] = &imp.items[..] else {
            return None;
        };
        let [syn::Stmt::Expr(syn::Expr::Match(matched), None)] = &fmt.block.stmts[..] else {
            return None;
        };
        let arms = matched.arms.iter().map(|arm| {
            let syn::Pat::Path(pat) = &arm.pat else { return None };
            let variant = pat.path.segments.last()?.ident.clone();
            let syn::Expr::MethodCall(call) = &*arm.body else {
                return None;
            };
            let [
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(wire),
                    ..
                }),
            ] = &call.args.iter().collect::<Vec<_>>()[..]
            else {
                return None;
            };
            Some((variant, (*wire).clone()))
        });
        Some((ty, arms.collect::<Option<Vec<_>>>()?))
    };
    let display = |ty: &syn::Ident, arms: &[(syn::Ident, syn::LitStr)]| {
        let (variants, wires): (Vec<_>, Vec<_>) = arms.iter().cloned().unzip();
        quote! {
            impl ::std::fmt::Display for #ty {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self { #(Self::#variants => f.write_str(#wires),)* }
                }
            }
        }
        .to_string()
    };
    let from_str = |ty: &syn::Ident, arms: &[(syn::Ident, syn::LitStr)]| {
        let (variants, wires): (Vec<_>, Vec<_>) = arms.iter().cloned().unzip();
        quote! {
            impl ::std::str::FromStr for #ty {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    match value { #(#wires => Ok(Self::#variants),)* _ => Err("invalid value".into()), }
                }
            }
        }
        .to_string()
    };
    let texts: Vec<String> = types.iter().map(|item| item.to_token_stream().to_string()).collect();
    let mut replace: Vec<(usize, usize, syn::Item)> = Vec::new();
    for (index, item) in types.iter().enumerate() {
        let syn::Item::Impl(imp) = item else { continue };
        let Some((ty, arms)) = arms_of(imp) else { continue };
        if texts[index] != display(&ty, &arms) {
            continue;
        }
        let expected = from_str(&ty, &arms);
        let Some(parse) = texts.iter().position(|t| *t == expected) else {
            continue;
        };
        let (variants, wires): (Vec<_>, Vec<_>) = arms.into_iter().unzip();
        let line: syn::Item = syn::parse_quote!(crate::type_impls::unit_enum!(#ty { #(#variants => #wires),* }););
        replace.push((index, parse, line));
    }
    let mut dropped = std::collections::BTreeSet::new();
    for (display_at, parse_at, line) in replace {
        types[display_at] = line;
        dropped.insert(parse_at);
    }
    let mut index = 0;
    types.retain(|_| {
        index += 1;
        !dropped.contains(&(index - 1))
    });
}

/// Upstream limitation: progenitor's `with_derive` adds a derive unconditionally, so a crate
/// generated with `JsonSchema` would always depend on schemars. Each generated derive of
/// `::schemars::JsonSchema` becomes `#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]`,
/// so one generated file (the checked-in snapshot) is what every feature set compiles.
fn schemars_behind_feature(file: &mut syn::File) -> Result<(), String> {
    struct Derives(usize, Option<String>);
    impl VisitMut for Derives {
        fn visit_attributes_mut(&mut self, attrs: &mut Vec<Attribute>) {
            let mut gated = Vec::new();
            for (index, attr) in attrs.iter_mut().enumerate() {
                if !attr.path().is_ident("derive") {
                    continue;
                }
                let parsed = attr.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated);
                let paths = match parsed {
                    Ok(paths) => paths,
                    Err(e) => {
                        self.1 = Some(e.to_string());
                        continue;
                    }
                };
                let is_schemars = |p: &syn::Path| {
                    let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
                    segments == ["schemars", "JsonSchema"]
                };
                if paths.iter().any(is_schemars) {
                    let kept = paths.iter().filter(|p| !is_schemars(p));
                    *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
                    let gate: Attribute =
                        syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]);
                    gated.push((index + 1, gate));
                    self.0 += 1;
                }
            }
            // Right after the derive it came from, before any helper attribute it reads.
            for (index, gate) in gated.into_iter().rev() {
                attrs.insert(index, gate);
            }
        }
    }
    let mut derives = Derives(0, None);
    derives.visit_file_mut(file);
    if let Some(error) = derives.1 {
        return Err(format!(
            "patch schemars_behind_feature: a derive did not parse: {error}"
        ));
    }
    // Every type progenitor generates derives it; none would mean the derive was not requested.
    // (A use of schemars left outside the feature fails the default-features build, which CI runs.)
    if derives.0 == 0 {
        return Err("patch schemars_behind_feature: progenitor generated no JsonSchema derive".into());
    }
    Ok(())
}

/// Upstream limitation: for a newtype over an enumeration of numbers (`{type: number, enum: [10,
/// 50, 200]}`), typify writes its `JsonSchema` impl by hand, in schemars 0.8's API (with a
/// parameter named `gen`, a keyword in edition 2024), and outside any feature. Each such impl is
/// rewritten for schemars 1, behind the `schemars` feature: the inner type's schema with the
/// values (`enum`, or `not: {enum}` for a deny list) the original wrote.
fn enum_newtype_schemas(file: &mut syn::File) {
    struct Impls;
    impl VisitMut for Impls {
        fn visit_item_mut(&mut self, item: &mut syn::Item) {
            if let syn::Item::Impl(imp) = item
                && let Some((trait_path, _)) = &imp.trait_
                && trait_path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect::<Vec<_>>()
                    == ["schemars", "JsonSchema"]
                && let Some(rewritten) = schemars_one(imp)
            {
                *item = rewritten;
                return;
            }
            syn::visit_mut::visit_item_mut(self, item);
        }
    }
    Impls.visit_file_mut(file);
}

/// The schemars 1 impl of a schemars 0.8 one typify wrote for an enumerated newtype.
fn schemars_one(imp: &syn::ItemImpl) -> Option<syn::Item> {
    use quote::ToTokens;
    // Only schemars 0.8's impls: their generator is `::schemars::gen::SchemaGenerator`.
    let tokens = imp.to_token_stream().to_string();
    if !tokens.contains("schemars :: gen :: SchemaGenerator") {
        return None;
    }
    struct Found {
        inner: Option<syn::Type>,
        values: Vec<String>,
        deny: bool,
    }
    impl VisitMut for Found {
        fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
            let is_from_str = matches!(&*call.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from_str"));
            if is_from_str
                && let Some(syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                })) = call.args.first()
            {
                self.values.push(text.value());
            }
            if let syn::Expr::Path(path) = &*call.func
                && let Some(qself) = &path.qself
                && path.path.segments.last().is_some_and(|s| s.ident == "json_schema")
            {
                self.inner = Some((*qself.ty).clone());
            }
            syn::visit_mut::visit_expr_call_mut(self, call);
        }
        fn visit_ident_mut(&mut self, ident: &mut proc_macro2::Ident) {
            if ident == "not" {
                self.deny = true;
            }
        }
    }
    let mut found = Found {
        inner: None,
        values: Vec::new(),
        deny: false,
    };
    found.visit_item_impl_mut(&mut imp.clone());
    let inner = found.inner?;
    let self_ty = &imp.self_ty;
    let name = self_ty.to_token_stream().to_string();
    let values: Vec<syn::Expr> = found.values.iter().filter_map(|v| syn::parse_str(v).ok()).collect();
    let insert = if found.deny {
        quote::quote!(schema.insert("not".into(), ::serde_json::json!({"enum": [#(#values),*]}));)
    } else {
        quote::quote!(schema.insert("enum".into(), ::serde_json::json!([#(#values),*]));)
    };
    Some(syn::parse_quote! {
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #self_ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#name)
            }
            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let mut schema = <#inner as ::schemars::JsonSchema>::json_schema(generator);
                #insert
                schema
            }
        }
    })
}
