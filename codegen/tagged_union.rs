//! A `oneOf` with a `discriminator` (the message's attachments), generated as an enum told apart by
//! its tag with an `Unknown` variant: progenitor would make it an untagged enum, where a newer
//! attachment type fails the whole message.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::names;
use super::spec::doc_of;

/// A `oneOf` with a `discriminator` whose variants are `$ref`s.
pub struct TaggedUnion {
    pub name: String,
    doc: String,
    tag: String,
    /// (wire tag, variant type name)
    variants: Vec<(String, String)>,
}

/// The components that are a `oneOf` of component references with a `discriminator`: its
/// `mapping`, or (without one) each branch named by its component's name, as OpenAPI reads it.
/// Another discriminated shape (branches written in place, a discriminator on a base schema) is
/// left to typify.
pub fn find(schemas: &serde_json::Map<String, Value>) -> Result<Vec<TaggedUnion>, String> {
    let mut unions = Vec::new();
    for (name, schema) in schemas {
        let Some(discriminator) = schema.get("discriminator") else {
            continue;
        };
        let Some(branches) = schema.get("oneOf").and_then(Value::as_array) else {
            continue;
        };
        let Some(tag) = discriminator.get("propertyName").and_then(Value::as_str) else {
            continue;
        };
        let component = |node: &Value| {
            node.as_str()
                .and_then(|t| t.strip_prefix("#/components/schemas/"))
                .map(str::to_string)
        };
        let targets: Option<Vec<String>> = branches.iter().map(|b| b.get("$ref").and_then(component)).collect();
        let Some(targets) = targets else { continue };
        let mut variants = Vec::new();
        match discriminator.get("mapping").and_then(Value::as_object) {
            Some(mapping) => {
                for (wire, target) in mapping {
                    let target = component(target).ok_or(format!("{name}: mapping {wire} is not a component $ref"))?;
                    variants.push((wire.clone(), target));
                }
            }
            None => variants.extend(targets.iter().map(|t| (t.clone(), t.clone()))),
        }
        let mapped: std::collections::BTreeSet<&String> = variants.iter().map(|(_, t)| t).collect();
        if targets.iter().any(|t| !mapped.contains(t)) {
            return Err(format!(
                "{name}: the discriminator maps {} of {} oneOf variants",
                mapped.len(),
                targets.len()
            ));
        }
        unions.push(TaggedUnion {
            name: name.clone(),
            doc: doc_of(schema),
            tag: tag.to_string(),
            variants,
        });
    }
    Ok(unions)
}

/// The union as an enum told apart by its tag, with `Unknown` keeping any tag the spec does not list.
pub fn generate(
    union: &TaggedUnion,
    type_names: &std::collections::BTreeMap<String, String>,
) -> Result<TokenStream, String> {
    let ident = super::typify_types::ident_of(type_names, &union.name)?;
    let name = &union.name;
    let schema = quote!(crate::type_impls::open_str_enum!(@schema #ident, #name););
    let tag = &union.tag;
    let doc = format!(
        "{}\n\nTold apart by `{tag}`; a `{tag}` the spec does not list decodes as `Unknown` with the raw JSON.",
        super::docs::rustdoc(&union.doc)
    );
    let wires: Vec<_> = union.variants.iter().map(|(wire, _)| wire.clone()).collect();
    let variants = names::variants(&wires);
    let types: Vec<syn::Ident> = union
        .variants
        .iter()
        .map(|(_, ty)| super::typify_types::ident_of(type_names, ty))
        .collect::<Result<_, _>>()?;
    let variant_docs = wires.iter().map(|w| format!("`{tag}: {w}`"));
    let missing_tag = format!("{} without a string `{tag}`", union.name);
    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #ident {
            #( #[doc = #variant_docs] #variants(super::types::#types), )*
            /// A variant the spec does not list, kept as the JSON the server sent.
            Unknown(::serde_json::Value),
        }
        impl #ident {
            /// The `#tag` as it is on the wire.
            pub fn kind(&self) -> &str {
                match self {
                    #( Self::#variants(_) => #wires, )*
                    Self::Unknown(value) => value.get(#tag).and_then(::serde_json::Value::as_str).unwrap_or(""),
                }
            }
        }
        #( impl ::std::convert::From<super::types::#types> for #ident {
            fn from(value: super::types::#types) -> Self {
                Self::#variants(value)
            }
        } )*
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #( Self::#variants(value) => value.serialize(serializer), )*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                use ::serde::de::Error as _;
                // One path for every deserializer, through `serde_json::Value`. (A text-only fast
                // path was measured at 1.26x `Value` against 1.07x for this one; it chose itself by
                // the deserializer's `type_name`, which the compiler does not promise, so it went.)
                let value = ::serde_json::Value::deserialize(deserializer)?;
                let kind = match value.get(#tag).and_then(::serde_json::Value::as_str) {
                    Some(kind) => kind,
                    None => return Err(D::Error::custom(#missing_tag)),
                };
                match kind {
                    #( #wires => ::serde_json::from_value(value).map(Self::#variants).map_err(|e| {
                        D::Error::custom(::std::format_args!("{} {}: {}", #tag, #wires, e))
                    }), )*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
        #schema
    })
}
