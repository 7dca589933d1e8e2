//! Trait impls that every generated type of a kind has, the same way, written once here and named
//! by one line of the generated code: the conversions of the string types typify makes (`impls!`,
//! which `codegen/patches.rs` puts where typify wrote each of them out, on the syntax tree), and
//! those of the enums that stay open to values a newer server sends (`open_str_enum!`,
//! `open_int_enum!`, written by `codegen/open_enums.rs`).

/// The impls a generated string type has, by name: `impls!(ChatId: deref_string, into_string)`.
/// Each part is what typify writes for such a type (or, `as_str`, what `codegen/type_additions.rs` adds),
/// with the same body; the error type is named in full where typify writes `Self::Error`, which is
/// ambiguous for an enum with a variant `Error` (an account source's status in the reference's
/// `AccountsController_listAccounts`).
macro_rules! impls {
    ($ty:ident: $($part:ident),* $(,)?) => {
        $( $crate::type_impls::impls!(@$part $ty); )*
    };
    (@try_from_str $ty:ident) => {
        impl ::std::convert::TryFrom<&str> for $ty {
            type Error = $crate::generated::types::error::ConversionError;
            fn try_from(value: &str) -> ::std::result::Result<Self, $crate::generated::types::error::ConversionError> {
                value.parse()
            }
        }
    };
    (@try_from_string_ref $ty:ident) => {
        impl ::std::convert::TryFrom<&::std::string::String> for $ty {
            type Error = $crate::generated::types::error::ConversionError;
            fn try_from(value: &::std::string::String) -> ::std::result::Result<Self, $crate::generated::types::error::ConversionError> {
                value.parse()
            }
        }
    };
    (@try_from_string $ty:ident) => {
        impl ::std::convert::TryFrom<::std::string::String> for $ty {
            type Error = $crate::generated::types::error::ConversionError;
            fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, $crate::generated::types::error::ConversionError> {
                value.parse()
            }
        }
    };
    (@deserialize_parsed $ty:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                ::std::string::String::deserialize(deserializer)?
                    .parse()
                    .map_err(|e: $crate::generated::types::error::ConversionError| {
                        <D::Error as ::serde::de::Error>::custom(e.to_string())
                    })
            }
        }
    };
    (@deref_string $ty:ident) => {
        impl ::std::ops::Deref for $ty {
            type Target = ::std::string::String;
            fn deref(&self) -> &::std::string::String {
                &self.0
            }
        }
    };
    (@into_string $ty:ident) => {
        impl ::std::convert::From<$ty> for ::std::string::String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }
    };
    (@as_str $ty:ident) => {
        impl ::std::convert::AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}
pub(crate) use impls;

/// `Display` and `FromStr` of a closed enum of strings (each variant's wire string), as typify
/// writes them for every such enum: one line per enum in the generated code instead of two impls.
macro_rules! unit_enum {
    ($ty:ident { $($variant:ident => $wire:literal),* $(,)? }) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match *self {
                    $(Self::$variant => f.write_str($wire),)*
                }
            }
        }
        impl ::std::str::FromStr for $ty {
            type Err = $crate::generated::types::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                match value {
                    $($wire => Ok(Self::$variant),)*
                    _ => Err("invalid value".into()),
                }
            }
        }
    };
}
pub(crate) use unit_enum;

/// What an open string enum (`Unknown(String)` for a value the spec does not list) has besides its
/// `as_str` and `From<&str>`: parsing, display, serde by its wire text, and a JSON Schema of any
/// value (behind `schemars`).
macro_rules! open_str_enum {
    ($ty:ident, $name:literal) => {
        impl ::std::str::FromStr for $ty {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", $name, " string"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<$ty, E> {
                        Ok($ty::from(value))
                    }
                }
                deserializer.deserialize_str(Visitor)
            }
        }
        $crate::type_impls::open_str_enum!(@schema $ty, $name);
    };
    (@schema $ty:ident, $name:literal) => {
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                $name.into()
            }
            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                <::serde_json::Value as ::schemars::JsonSchema>::json_schema(generator)
            }
        }
    };
}
pub(crate) use open_str_enum;

/// What an open integer enum (a newtype over `i64` with a constant per documented value) has
/// besides its constants: conversion from `i64`, parsing, display, and a JSON Schema of any value.
macro_rules! open_int_enum {
    ($ty:ident, $name:literal) => {
        impl ::std::convert::From<i64> for $ty {
            fn from(value: i64) -> Self {
                Self(value)
            }
        }
        impl ::std::str::FromStr for $ty {
            type Err = ::std::num::ParseIntError;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                value.parse().map(Self)
            }
        }
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }
        $crate::type_impls::open_str_enum!(@schema $ty, $name);
    };
}
pub(crate) use open_int_enum;
