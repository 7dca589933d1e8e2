//! Enums a server sends, generated *open*: a value this SDK does not know decodes instead of failing
//! the whole answer (string enums get `Unknown(String)`, integer enums are newtypes with constants).
//! progenitor's enums are closed, so these replace them (`with_replacement` in `mod.rs`).

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::spec::doc_of;

/// The open enum for every `enum` schema of `components.schemas`: (schema name, code).
pub fn generate(schemas: &serde_json::Map<String, Value>) -> Result<Vec<(String, TokenStream)>, String> {
    let mut out = Vec::new();
    for (name, schema) in schemas {
        let Some(values) = schema.get("enum").and_then(Value::as_array) else {
            continue;
        };
        let tokens = match schema.get("type").and_then(Value::as_str) {
            Some("string") => open_string_enum(name, schema, values)?,
            Some("integer") => open_integer_enum(name, schema, values)?,
            other => return Err(format!("enum schema {name} has unsupported type {other:?}")),
        };
        out.push((name.clone(), tokens));
    }
    Ok(out)
}

/// A string enum that keeps values it does not know: `Unknown(String)` instead of a decode error.
fn open_string_enum(name: &str, schema: &Value, values: &[Value]) -> Result<TokenStream, String> {
    let ident = format_ident!("{name}");
    let doc = format!(
        "{}\n\nOpen: a value this SDK does not know decodes as `Unknown`.",
        doc_of(schema)
    );
    let mut variants = Vec::new();
    let mut wires = Vec::new();
    for value in values {
        let wire = value.as_str().ok_or(format!("{name}: non-string enum value {value}"))?;
        variants.push(format_ident!("{}", wire.to_upper_camel_case()));
        wires.push(wire.to_string());
    }
    let variant_docs = wires.iter().map(|w| format!("`{w}`"));
    let schema = open_json_schema(&ident, name);
    let expecting = format!("a {name} string");
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
        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = #ident;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<#ident, E> {
                        Ok(#ident::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
        #schema
    })
}

/// An integer enum that keeps values it does not know: a newtype with one constant per documented
/// value (named by `x-enum-varnames` when the spec gives names).
fn open_integer_enum(name: &str, schema: &Value, values: &[Value]) -> Result<TokenStream, String> {
    let ident = format_ident!("{name}");
    let names = schema.get("x-enum-varnames").and_then(Value::as_array);
    let mut consts = Vec::new();
    let mut numbers = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let n = value
            .as_i64()
            .ok_or(format!("{name}: non-integer enum value {value}"))?;
        let const_name = match names.and_then(|names| names.get(i)).and_then(Value::as_str) {
            Some(given) => given.to_shouty_snake_case(),
            None if n < 0 => format!("VALUE_MINUS_{}", n.unsigned_abs()),
            None => format!("VALUE_{n}"),
        };
        consts.push(format_ident!("{const_name}"));
        numbers.push(n);
    }
    let count = numbers.len();
    let doc = format!(
        "{}\n\nOpen: any integer decodes; the constants are the values the spec documents.",
        doc_of(schema)
    );
    let const_docs = numbers.iter().map(|n| format!("`{n}`"));
    let schema = open_json_schema(&ident, name);
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
        impl ::std::convert::From<i64> for #ident {
            fn from(value: i64) -> Self {
                Self(value)
            }
        }
        impl ::std::str::FromStr for #ident {
            type Err = ::std::num::ParseIntError;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                value.parse().map(Self)
            }
        }
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }
        #schema
    })
}

/// `JsonSchema` (behind the `schemars` feature) for a type that stays open: any JSON value, since a
/// newer server may send values the spec does not list yet.
pub fn open_json_schema(ident: &proc_macro2::Ident, name: &str) -> TokenStream {
    quote! {
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                #name.into()
            }
            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                <::serde_json::Value as ::schemars::JsonSchema>::json_schema(generator)
            }
        }
    }
}
