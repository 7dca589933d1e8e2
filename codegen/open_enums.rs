//! Enums a server sends whose list may grow (`x-open-enum: true`, the marker `spec-diff` reads
//! too), generated *open*: a value this SDK does not know decodes instead of failing the whole
//! answer (string enums get `Unknown(String)`, integer enums are newtypes with constants).
//! progenitor's enums are closed, so these replace them (`with_replacement` in `mod.rs`); an
//! enum without the marker stays closed, as typify makes it, but for a string enum whose values
//! typify would name alike (`a` and `A`), which typify cannot make: that one is made here, closed,
//! its variants named apart.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::names;
use super::spec::doc_of;

/// The open enum for every `enum` schema of `components.schemas` marked `x-open-enum: true`:
/// (schema name, code). (A marked enum written in place was made a component by `normalize`.)
pub fn generate(
    schemas: &serde_json::Map<String, Value>,
    type_names: &std::collections::BTreeMap<String, String>,
) -> Result<Vec<(String, TokenStream)>, String> {
    let mut out = Vec::new();
    for (name, schema) in schemas {
        let Some(values) = schema.get("enum").and_then(Value::as_array) else {
            continue;
        };
        if !super::normalize::generated_here(schema)? {
            continue;
        }
        let values: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
        if schema.get("x-open-enum") != Some(&Value::Bool(true)) {
            let ident = super::typify_types::ident_of(type_names, name)?;
            out.push((name.clone(), closed_string_enum(&ident, name, schema, &values)?));
            continue;
        }
        let tokens = match schema.get("type").and_then(Value::as_str) {
            Some("string") => {
                open_string_enum(&super::typify_types::ident_of(type_names, name)?, name, schema, &values)?
            }
            Some("integer" | "number") => {
                open_integer_enum(&super::typify_types::ident_of(type_names, name)?, name, schema, &values)?
            }
            other => {
                return Err(format!(
                    "open enum schema {name} has type {other:?}: only strings and integers can be open"
                ));
            }
        };
        out.push((name.clone(), tokens));
    }
    Ok(out)
}

/// A string enum that keeps values it does not know: `Unknown(String)` instead of a decode error.
fn open_string_enum(ident: &syn::Ident, name: &str, schema: &Value, values: &[Value]) -> Result<TokenStream, String> {
    let doc = format!(
        "{}\n\nOpen: a value this SDK does not know decodes as `Unknown`.",
        super::docs::rustdoc(&doc_of(schema))
    );
    let mut wires = Vec::new();
    for value in values {
        let wire = value.as_str().ok_or(format!("{name}: non-string enum value {value}"))?;
        wires.push(wire.to_string());
    }
    let variants = names::variants(&wires);
    let variant_docs = wires.iter().map(|w| format!("`{w}`"));
    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #ident {
            #( #[doc = #variant_docs] #variants, )*
            /// A value the spec does not list, kept as sent.
            Unknown(::std::string::String),
        }
        impl #ident {
            /// The value as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }
            /// Whether the value is one the spec does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }
        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #( #wires => Self::#variants, )*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }
        crate::type_impls::open_str_enum!(#ident, #name);
    })
}

/// A closed string enum whose values typify would name alike (`a` and `A`): what typify makes of
/// an enum, with variants named apart (`A`, `A2`) and each value kept exact by `serde(rename)`.
fn closed_string_enum(ident: &syn::Ident, name: &str, schema: &Value, values: &[Value]) -> Result<TokenStream, String> {
    let doc = super::docs::rustdoc(&doc_of(schema));
    let wires: Vec<String> = values
        .iter()
        .map(|value| {
            value
                .as_str()
                .map(str::to_string)
                .ok_or(format!("{name}: non-string enum value {value}"))
        })
        .collect::<Result<_, _>>()?;
    let variants = names::variants(&wires);
    Ok(quote! {
        #[doc = #doc]
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        pub enum #ident {
            #( #[serde(rename = #wires)] #variants, )*
        }
        crate::type_impls::unit_enum!(#ident { #( #variants => #wires ),* });
        crate::type_impls::impls!(#ident: try_from_str, try_from_string);
    })
}

/// An integer enum that keeps values it does not know: a newtype with one constant per documented
/// value (named by `x-enum-varnames` when the spec gives names).
fn open_integer_enum(ident: &syn::Ident, name: &str, schema: &Value, values: &[Value]) -> Result<TokenStream, String> {
    let given = schema.get("x-enum-varnames").and_then(Value::as_array);
    let mut const_names = Vec::new();
    let mut numbers = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let n = value
            .as_i64()
            .or_else(|| {
                value
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                    .map(|f| f as i64)
            })
            .ok_or(format!("{name}: non-integer enum value {value}"))?;
        let given = given.and_then(|names| names.get(i)).and_then(Value::as_str);
        const_names.push(names::constant(given, n));
        numbers.push(n);
    }
    // `KNOWN` is the list of the values.
    const_names.push("KNOWN".into());
    let mut const_names = names::unique(const_names);
    const_names.pop();
    let consts: Vec<syn::Ident> = const_names.iter().map(|c| names::ident(c)).collect();
    let count = numbers.len();
    let doc = format!(
        "{}\n\nOpen: any integer decodes; the constants are the values the spec documents.",
        super::docs::rustdoc(&doc_of(schema))
    );
    let const_docs = numbers.iter().map(|n| format!("`{n}`"));
    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct #ident(pub i64);
        impl #ident {
            #( #[doc = #const_docs] pub const #consts: Self = Self(#numbers); )*
            /// Every value the spec documents, in its order.
            pub const KNOWN: [Self; #count] = [#(Self::#consts),*];
            /// The number as it is on the wire.
            pub const fn get(self) -> i64 {
                self.0
            }
            /// Whether the spec documents this value.
            pub fn is_known(self) -> bool {
                Self::KNOWN.contains(&self)
            }
        }
        crate::type_impls::open_int_enum!(#ident, #name);
    })
}
