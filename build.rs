//! Generates the typed postpress client from `openapi.yaml` at build time.
//!
//! Everything the spec says about shapes is derived here, never typed again by hand:
//! - progenitor generates the types and the JSON operations;
//! - the enums a server sends are generated *open* (an unknown value decodes instead of failing);
//! - `Attachment` is generated from the spec's `oneOf` + `discriminator` as a tagged enum with an
//!   `Unknown` variant, so a newer attachment type does not break a whole `Message`;
//! - `ErrorCode` is generated from the named examples of every documented error response;
//! - `OPERATIONS` lists each operation's method, path and documented statuses.
//!
//! `cargo xtask gen` compiles this same file (through `#[path]`) to write the reviewable snapshot
//! `generated/postpress_api.rs`, so the snapshot is byte-for-byte what the crate compiles.

use std::collections::BTreeMap;

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// The spec, relative to the crate root.
pub const SPEC_PATH: &str = "openapi.yaml";
/// The file `src/` includes from `OUT_DIR`, and the snapshot's name under `generated/`.
pub const GENERATED_FILE: &str = "postpress_api.rs";

#[allow(dead_code)]
fn main() {
    println!("cargo::rerun-if-changed={SPEC_PATH}");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CARGO_FEATURE_SCHEMARS");
    let spec = std::fs::read_to_string(SPEC_PATH).unwrap_or_else(|e| fail(format!("read {SPEC_PATH}: {e}")));
    let options = Options {
        schemars: std::env::var_os("CARGO_FEATURE_SCHEMARS").is_some(),
    };
    let code = generate(&spec, &options).unwrap_or_else(|e| fail(e));
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|e| fail(format!("OUT_DIR: {e}")));
    let out = std::path::Path::new(&out_dir).join(GENERATED_FILE);
    std::fs::write(&out, code).unwrap_or_else(|e| fail(format!("write {}: {e}", out.display())));
}

#[allow(dead_code)]
fn fail(message: String) -> ! {
    eprintln!("postpress build.rs: {message}");
    std::process::exit(1)
}

/// What the generated code may depend on besides the spec.
#[derive(Default)]
pub struct Options {
    /// Derive `schemars::JsonSchema` on every generated type (the crate's `schemars` feature).
    pub schemars: bool,
}

/// Turns the text of `openapi.yaml` into the formatted Rust source of the generated module.
pub fn generate(spec_text: &str, options: &Options) -> Result<String, String> {
    let raw: Value = serde_yaml::from_str(spec_text).map_err(|e| format!("{SPEC_PATH} is not valid YAML: {e}"))?;
    let mut spec: openapiv3::OpenAPI =
        serde_json::from_value(raw.clone()).map_err(|e| format!("{SPEC_PATH} is not OpenAPI 3.0: {e}"))?;

    // progenitor 0.15 stops with "unexpected content type: multipart/form-data". The spec keeps
    // send-message; only progenitor's view drops it. It is written by hand in `src/send.rs`.
    let dropped = drop_multipart_operations(&mut spec);
    if dropped != ["send_message"] {
        return Err(format!(
            "expected to drop exactly send_message as multipart, dropped {dropped:?}"
        ));
    }

    let schemas = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("the spec has no components.schemas")?;

    let mut settings = progenitor_impl::GenerationSettings::default();
    settings
        .with_interface(progenitor_impl::InterfaceStyle::Positional)
        .with_inner_type(quote!(crate::hooks::Hooks))
        .with_hooks(progenitor_impl::HooksMode::Expected)
        .with_derive("PartialEq");
    if options.schemars {
        settings.with_derive("::schemars::JsonSchema");
    }

    let mut extra = TokenStream::new();
    let mut open_enum_names = Vec::new();
    for (name, schema) in schemas {
        let Some(values) = schema.get("enum").and_then(Value::as_array) else {
            continue;
        };
        let tokens = match schema.get("type").and_then(Value::as_str) {
            Some("string") => open_string_enum(name, schema, values)?,
            Some("integer") => open_integer_enum(name, schema, values)?,
            other => return Err(format!("enum schema {name} has unsupported type {other:?}")),
        };
        extra.extend(tokens);
        open_enum_names.push(name.clone());
    }
    for name in &open_enum_names {
        let impls = [progenitor_impl::TypeImpl::Display, progenitor_impl::TypeImpl::FromStr];
        settings.with_replacement(name, format!("super::open::{name}"), impls.into_iter());
    }

    let unions = tagged_unions(schemas)?;
    for union in &unions {
        extra.extend(tagged_union_enum(union));
        settings.with_replacement(&union.name, format!("super::open::{}", union.name), std::iter::empty());
    }

    let mut generator = progenitor_impl::Generator::new(&settings);
    let client = generator
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor: {e}"))?;
    let errors = error_codes(&raw)?;
    let operations = operation_table(&raw)?;
    let info = spec_info(&raw, spec_text)?;
    let schemars_impls = options.schemars.then(|| schemars_impls(&open_enum_names, &unions));

    let file = quote! {
        #client

        /// Types generated outside progenitor: enums that stay open to values a newer server sends,
        /// and the attachment union told apart by its `type`.
        pub mod open {
            #extra
            #schemars_impls
        }

        #errors
        #operations
        #info
    };
    let ast: syn::File = syn::parse2(file).map_err(|e| format!("generated code does not parse: {e}"))?;
    let code = prettyplease::unparse(&ast);
    let code = use_strict_path_encoding(code)?;
    let generated_operations = spec.operations().count();
    let code = drop_api_version_header(code, generated_operations)?;
    Ok(format!(
        "// @generated by build.rs from {SPEC_PATH}. Do not edit: change the spec, then run `cargo xtask gen`.\n{code}"
    ))
}

/// progenitor's `encode_path` leaves `\` and `.` alone; a URL parser turns `\` into `/` and resolves
/// `..`, so an id could change which path is requested. Route the generated code through the
/// crate's stricter encoder instead (`src/path.rs`). Checked to match exactly once, so a progenitor
/// upgrade that changes the import fails the build here rather than silently.
///
/// The path parameters are `&str` already; progenitor's `.to_string()` copy of each is dropped
/// (it is a visible share of a call's cost, see `cargo xtask bench`).
fn use_strict_path_encoding(code: String) -> Result<String, String> {
    let from = "use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};";
    let to = "use crate::path::encode_path;\n#[allow(unused_imports)]\nuse progenitor_client::{ClientHooks, OperationInfo, RequestBuilderExt};";
    if code.matches(from).count() != 1 {
        return Err("progenitor's import of encode_path changed: update use_strict_path_encoding".into());
    }
    let code = code.replacen(from, to, 1);
    // The call is formatted over one or two lines (`encode_path(& id\n    .to_string())`).
    let mut out = String::with_capacity(code.len());
    let mut rest = code.as_str();
    while let Some(start) = rest.find("encode_path(&") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "encode_path(&".len()..];
        let close = after.find(')').ok_or("unbalanced encode_path call")?;
        let argument: String = after[..close].split_whitespace().collect();
        let name = argument
            .strip_suffix(".to_string(")
            .ok_or(format!("unexpected encode_path argument {argument:?}"))?;
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("unexpected encode_path argument {argument:?}"));
        }
        out.push_str("encode_path(");
        out.push_str(name);
        // Skip `.to_string()` and its closing parenthesis: `...to_string())` has two.
        rest = after[close + 1..]
            .strip_prefix(')')
            .ok_or("unexpected encode_path call")?;
        out.push(')');
    }
    out.push_str(rest);
    Ok(out)
}

/// progenitor adds an `api-version` header (from `info.version`) to every request; the API
/// reference documents no such header, so it is taken out of the generated code rather than
/// stripped from every request at run time. Checked to match once per JSON operation.
fn drop_api_version_header(code: String, operations: usize) -> Result<String, String> {
    let header = "        let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
        header_map
            .append(
                ::reqwest::header::HeaderName::from_static(\"api-version\"),
                ::reqwest::header::HeaderValue::from_static(Self::api_version()),
            );
        #[allow(unused_mut)]
        let mut request = self";
    let found = code.matches(header).count();
    if found != operations {
        return Err(format!(
            "progenitor's api-version header code changed ({found} matches): update drop_api_version_header"
        ));
    }
    let without = "        #[allow(unused_mut)]
        let mut request = self";
    Ok(code.replace(header, without).replace(".headers(header_map)", ""))
}

fn drop_multipart_operations(spec: &mut openapiv3::OpenAPI) -> Vec<String> {
    let mut dropped = Vec::new();
    for (_, item) in spec.paths.paths.iter_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ] {
            let is_multipart = op.as_ref().and_then(|o| o.request_body.as_ref()).is_some_and(
                |body| matches!(body, openapiv3::ReferenceOr::Item(b) if b.content.contains_key("multipart/form-data")),
            );
            if let Some(o) = op.take_if(|_| is_multipart) {
                dropped.push(o.operation_id.unwrap_or_default());
            }
        }
    }
    dropped
}

fn doc_of(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string()
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
    })
}

/// A `oneOf` with a `discriminator` whose variants are `$ref`s.
struct TaggedUnion {
    name: String,
    doc: String,
    tag: String,
    /// (wire tag, variant type name)
    variants: Vec<(String, String)>,
}

fn tagged_unions(schemas: &serde_json::Map<String, Value>) -> Result<Vec<TaggedUnion>, String> {
    let mut unions = Vec::new();
    for (name, schema) in schemas {
        let Some(discriminator) = schema.get("discriminator") else {
            continue;
        };
        let tag = discriminator
            .get("propertyName")
            .and_then(Value::as_str)
            .ok_or(format!("{name}: no propertyName"))?;
        let mapping = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .ok_or(format!("{name}: no mapping"))?;
        let mut variants = Vec::new();
        for (wire, target) in mapping {
            let target = target.as_str().and_then(|t| t.strip_prefix("#/components/schemas/"));
            let target = target.ok_or(format!("{name}: mapping {wire} is not a component $ref"))?;
            variants.push((wire.clone(), target.to_string()));
        }
        let one_of = schema.get("oneOf").and_then(Value::as_array).map_or(0, Vec::len);
        if one_of != variants.len() {
            return Err(format!(
                "{name}: the discriminator maps {} of {one_of} oneOf variants",
                variants.len()
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
fn tagged_union_enum(union: &TaggedUnion) -> TokenStream {
    let ident = format_ident!("{}", union.name);
    let tag = &union.tag;
    let doc = format!(
        "{}\n\nTold apart by `{tag}`; a `{tag}` the spec does not list decodes as `Unknown` with the raw JSON.",
        union.doc
    );
    let wires: Vec<_> = union.variants.iter().map(|(wire, _)| wire.clone()).collect();
    let variants: Vec<_> = wires
        .iter()
        .map(|w| format_ident!("{}", w.to_upper_camel_case()))
        .collect();
    let types: Vec<_> = union.variants.iter().map(|(_, ty)| format_ident!("{ty}")).collect();
    let variant_docs = wires.iter().map(|w| format!("`{tag}: {w}`"));
    let missing_tag = format!("{} without a string `{tag}`", union.name);
    quote! {
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
                // Fast path for serde_json's own text deserializer: keep the member as raw JSON
                // text (a copy of its bytes, no tree), read only its tag, then parse the variant
                // once. Any other deserializer (a `Value`, another format) takes the general path
                // through `serde_json::Value`. Both paths decode to the same result.
                if ::std::any::type_name::<D>().starts_with("&mut serde_json::de::Deserializer<") {
                    let raw = <::std::boxed::Box<::serde_json::value::RawValue>>::deserialize(deserializer)?;
                    // Only an object has a tag (serde would also read the struct below from an array).
                    if !raw.get().starts_with('{') {
                        return Err(D::Error::custom(#missing_tag));
                    }
                    #[derive(::serde::Deserialize)]
                    struct Tag<'a> {
                        #[serde(rename = #tag, borrow, default)]
                        tag: ::std::option::Option<::std::borrow::Cow<'a, str>>,
                    }
                    let Tag { tag } = ::serde_json::from_str(raw.get()).map_err(D::Error::custom)?;
                    return match tag.as_deref() {
                        #( Some(#wires) => ::serde_json::from_str(raw.get()).map(Self::#variants).map_err(|e| {
                            D::Error::custom(::std::format_args!("{} {}: {}", #tag, #wires, e))
                        }), )*
                        Some(_) => ::serde_json::from_str(raw.get()).map(Self::Unknown).map_err(D::Error::custom),
                        None => Err(D::Error::custom(#missing_tag)),
                    };
                }
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
    }
}

fn schemars_impls(open_enum_names: &[String], unions: &[TaggedUnion]) -> TokenStream {
    let mut out = TokenStream::new();
    for name in open_enum_names {
        let ident = format_ident!("{name}");
        out.extend(quote! {
            impl ::schemars::JsonSchema for #ident {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    #name.into()
                }
                fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                    // Open on purpose: the documented values are listed in the rustdoc, not enforced.
                    <::serde_json::Value as ::schemars::JsonSchema>::json_schema(generator)
                }
            }
        });
    }
    for union in unions {
        let ident = format_ident!("{}", union.name);
        let name = &union.name;
        out.extend(quote! {
            impl ::schemars::JsonSchema for #ident {
                fn schema_name() -> ::std::borrow::Cow<'static, str> {
                    #name.into()
                }
                fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                    <::serde_json::Value as ::schemars::JsonSchema>::json_schema(generator)
                }
            }
        });
    }
    out
}

/// One documented error type: its wire name, the HTTP status it comes with, and the page's text.
struct DocumentedError {
    wire: String,
    status: u16,
    description: String,
}

/// Collects every error type from the named examples of every error response (shared ones in
/// `components.responses` and those written inline under an operation).
fn error_codes(raw: &Value) -> Result<TokenStream, String> {
    let mut found: BTreeMap<String, DocumentedError> = BTreeMap::new();
    let mut visit_examples = |examples: &serde_json::Map<String, Value>| -> Result<(), String> {
        for (key, example) in examples {
            let value = example
                .get("value")
                .ok_or(format!("error example {key} has no value"))?;
            let wire = value
                .get("type")
                .and_then(Value::as_str)
                .ok_or(format!("error example {key} has no type"))?;
            let status = value
                .get("status")
                .and_then(Value::as_u64)
                .ok_or(format!("error example {key} has no status"))?;
            let status = u16::try_from(status).map_err(|_| format!("error example {key}: status {status}"))?;
            let description = value.get("detail").and_then(Value::as_str).unwrap_or("").to_string();
            match found.get(wire) {
                Some(seen) if seen.status != status => {
                    return Err(format!(
                        "{wire} is documented with statuses {} and {status}",
                        seen.status
                    ));
                }
                Some(_) => {}
                None => {
                    let doc = DocumentedError {
                        wire: wire.to_string(),
                        status,
                        description,
                    };
                    found.insert(wire.to_string(), doc);
                }
            }
        }
        Ok(())
    };
    let error_media = |response: &Value| -> Option<serde_json::Map<String, Value>> {
        let media = response.pointer("/content/application~1json")?;
        let is_envelope =
            media.pointer("/schema/$ref").and_then(Value::as_str) == Some("#/components/schemas/ErrorEnvelope");
        is_envelope
            .then(|| media.get("examples").and_then(Value::as_object).cloned())
            .flatten()
    };
    if let Some(responses) = raw.pointer("/components/responses").and_then(Value::as_object) {
        for response in responses.values() {
            if let Some(examples) = error_media(response) {
                visit_examples(&examples)?;
            }
        }
    }
    for item in raw
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            for response in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|r| r.values())
            {
                if let Some(examples) = error_media(response) {
                    visit_examples(&examples)?;
                }
            }
        }
    }
    if found.is_empty() {
        return Err("no documented error types found".into());
    }

    let mut errors: Vec<_> = found.into_values().collect();
    errors.sort_by(|a, b| (a.status, &a.wire).cmp(&(b.status, &b.wire)));
    let count = errors.len();
    let variants: Vec<_> = errors
        .iter()
        .map(|e| format_ident!("{}", e.wire.trim_start_matches("errors/").to_upper_camel_case()))
        .collect();
    let wires: Vec<_> = errors.iter().map(|e| e.wire.clone()).collect();
    let statuses: Vec<_> = errors.iter().map(|e| e.status).collect();
    let descriptions: Vec<_> = errors.iter().map(|e| e.description.clone()).collect();
    let variant_docs = errors
        .iter()
        .map(|e| format!("`{}` ({}): {}", e.wire, e.status, e.description));
    Ok(quote! {
        /// The error types the spec documents, generated from the examples of its error responses.
        pub mod error_codes {
            /// An error type (`errors/...`) of the error envelope.
            ///
            /// One variant per type the spec documents; `Unknown` keeps a type it does not list.
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum ErrorCode {
                #( #[doc = #variant_docs] #variants, )*
                /// A type the spec does not list, kept as sent.
                Unknown(::std::string::String),
            }
            impl ErrorCode {
                /// Every documented type, ordered by status then name.
                pub const DOCUMENTED: [ErrorCode; #count] = [#(ErrorCode::#variants),*];
                /// The type as it is on the wire, e.g. `errors/resource_not_found`.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #wires, )*
                        Self::Unknown(value) => value.as_str(),
                    }
                }
                /// The HTTP status the spec documents for this type (`None` for `Unknown`).
                pub fn documented_status(&self) -> ::std::option::Option<u16> {
                    match self {
                        #( Self::#variants => Some(#statuses), )*
                        Self::Unknown(_) => None,
                    }
                }
                /// The spec's one-line description of this type (empty for `Unknown`).
                pub fn description(&self) -> &'static str {
                    match self {
                        #( Self::#variants => #descriptions, )*
                        Self::Unknown(_) => "",
                    }
                }
            }
            impl ::std::convert::From<&str> for ErrorCode {
                fn from(value: &str) -> Self {
                    match value {
                        #( #wires => Self::#variants, )*
                        other => Self::Unknown(other.to_string()),
                    }
                }
            }
            impl ::std::fmt::Display for ErrorCode {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        }
    })
}

/// Method, path, success status and documented error statuses of every operation, multipart included.
fn operation_table(raw: &Value) -> Result<TokenStream, String> {
    let mut rows = Vec::new();
    let mut variants = Vec::new();
    let mut ids = Vec::new();
    let paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    for (path, item) in paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .ok_or(format!("{id}: no responses"))?;
            let mut success = None;
            let mut errors = Vec::new();
            for code in responses.keys() {
                let status: u16 = code
                    .parse()
                    .map_err(|_| format!("{id}: response {code} is not a status"))?;
                if (200..300).contains(&status) {
                    success = Some(status);
                } else {
                    errors.push(status);
                }
            }
            let success = success.ok_or(format!("{id}: no success response"))?;
            let method = method.to_uppercase();
            let multipart = op.pointer("/requestBody/content/multipart~1form-data").is_some();
            let variant = format_ident!("{}", id.to_upper_camel_case());
            variants.push(variant.clone());
            ids.push(id.to_string());
            rows.push(quote! {
                Operation { id: #id, operation: OperationId::#variant, method: #method, path: #path, success: #success, errors: &[#(#errors),*], multipart: #multipart }
            });
        }
    }
    Ok(quote! {
        /// What the spec says about each operation, for code that must agree with it (the retry
        /// rules, the fake server, the tests).
        pub mod operations {
            /// The operations of the spec, by `operationId`.
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum OperationId {
                #( #[doc = #ids] #variants, )*
            }
            impl OperationId {
                /// The `operationId` as the spec writes it.
                pub fn as_str(self) -> &'static str {
                    self.spec().id
                }
                /// What the spec says about this operation.
                pub fn spec(self) -> &'static Operation {
                    match OPERATIONS.iter().find(|op| op.operation == self) {
                        Some(op) => op,
                        None => unreachable!("every OperationId has a row in OPERATIONS"),
                    }
                }
            }
            impl ::std::fmt::Display for OperationId {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            /// One operation of the spec.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub struct Operation {
                /// The `operationId`.
                pub id: &'static str,
                /// The same, as an enum.
                pub operation: OperationId,
                /// The HTTP method, upper case.
                pub method: &'static str,
                /// The path template under the server URL, e.g. `/messages/{message_id}`.
                pub path: &'static str,
                /// The documented success status.
                pub success: u16,
                /// The documented error statuses, ascending.
                pub errors: &'static [u16],
                /// Whether the request body is `multipart/form-data`.
                pub multipart: bool,
            }
            /// Every operation of the spec, sorted by path.
            pub const OPERATIONS: &[Operation] = &[#(#rows),*];
            /// The operation with this `operationId`.
            pub fn by_id(id: &str) -> ::std::option::Option<&'static Operation> {
                OPERATIONS.iter().find(|op| op.id == id)
            }
        }
    })
}

/// The spec's server URL and a fingerprint of the spec text (for the default user agent).
fn spec_info(raw: &Value, spec_text: &str) -> Result<TokenStream, String> {
    let server = raw
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .ok_or("the spec has no servers[0].url")?;
    let version = raw
        .pointer("/info/version")
        .and_then(Value::as_str)
        .ok_or("the spec has no info.version")?;
    // FNV-1a: a stable, dependency-free fingerprint; it identifies a spec, it does not protect one.
    let hash = spec_text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let fingerprint = format!("{:08x}", hash >> 32);
    Ok(quote! {
        /// Facts about the spec this crate was built from.
        pub mod spec_info {
            /// The server URL of the spec (`servers[0].url`): the default base URL.
            pub const SERVER_URL: &str = #server;
            /// The spec's `info.version`.
            pub const VERSION: &str = #version;
            /// A short fingerprint of the spec text (FNV-1a, 8 hex digits), named in the user agent.
            pub const FINGERPRINT: &str = #fingerprint;
        }
    })
}
