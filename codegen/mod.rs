//! Generates the typed postpress client from `openapi.yaml`, run by `cargo xtask gen`, which writes
//! it to `generated/postpress_api.rs`: the reviewable code the crate compiles as it is (its items
//! behind the features of the API's parts). The generator never runs in a user's build, so its
//! dependencies (progenitor, typify, a YAML parser, regex) are not theirs to compile.
//!
//! Everything the spec says about shapes is derived here, never typed again by hand:
//! - [`normalize`]: the spec rewritten into an equivalent one typify reads well, inline schemas
//!   named (a list of passes, run before anything else reads the spec);
//! - [`parts`]: the API's parts (Cargo features, from the spec's tags), and [`gate`]: each
//!   operation behind its part's feature, each type behind those of the parts that reach it;
//! - progenitor generates the types ([`generate`]);
//! - [`open_enums`]: enums a server sends stay open to values this SDK does not know;
//! - [`tagged_union`]: the attachment `oneOf` becomes a tagged enum with an `Unknown` variant;
//! - [`error_codes`]: `ErrorCode` from the named examples of every error response;
//! - [`operations`]: each operation's id, method, path, documented statuses and retry rule;
//! - [`model`]: what each operation takes, read once for the generators below;
//! - [`requests`]: a request type per operation, and the `Client` method that starts it;
//! - [`dynamic`]: each request made from JSON arguments by name (for the CLI, MCP, the fake);
//! - [`events`]: the webhook events, one per callback of the spec (`webhooks::Event`);
//! - [`spec_info`]: the default server URL and a fingerprint of the spec;
//! - [`patches`]: syntax-tree edits for what progenitor cannot be told to do;
//! - [`split`]: each part's items moved to files of their own, which a build without the part
//!   does not read;
//! - [`type_additions`]: `#[non_exhaustive]` structs, `AsRef<str>` on string newtypes, and the
//!   types' builders (for users' tests) moved to a file of their own;
//! - [`docs`]: every doc comment made safe for rustdoc (the spec's Markdown is a web page's);
//! - [`typify_types`]: what typify made (each component's type name, each field's type), asked
//!   through typify's API, never read back off the code it writes;
//! - [`names`]: the names of what the generator makes itself.

mod constraints;
mod docs;
mod dynamic;
mod error_codes;
mod events;
mod examples;
mod gate;
mod model;
mod names;
mod normalize;
mod open_enums;
mod operations;
pub mod parts;
mod patches;
mod requests;
mod shapes;
pub mod spec;
mod spec_info;
mod split;
mod tagged_union;
mod type_additions;
mod typify_types;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// The spec, relative to the crate root.
pub const SPEC_PATH: &str = "openapi.yaml";
/// The generated file's name under `generated/`, which `src/lib.rs` includes.
pub const GENERATED_FILE: &str = "postpress_api.rs";
/// The builders' file, beside it.
pub const BUILDERS_FILE: &str = "builders.rs";

/// Turns the text of `openapi.yaml` into the formatted Rust source of the generated module. Each
/// operation's items are behind the feature of its part, each type behind the features of the
/// parts that reach it ([`parts`], [`gate`]); what the `schemars` feature adds is behind `cfg` too:
/// one file serves every feature set.
pub fn generate(spec_text: &str) -> Result<Generated, String> {
    let mut raw = spec::load(spec_text)?;
    // Read as written: normalizing rewrites inline schemas, and a callback's payload is told apart
    // by its schema as the spec states it.
    let callbacks = events::read(&raw)?;
    normalize::normalize(&mut raw)?;
    let part_features: Vec<String> = parts::parts(&raw)?.into_iter().map(|part| part.feature).collect();
    parts::drop_unreached_schemas(&mut raw);
    let (typify_view, renamed) = typify_types::typify_view(&raw)?;
    let mut progenitor_view: openapiv3::OpenAPI = serde_json::from_value(typify_view)
        .map_err(|e| format!("{SPEC_PATH} is not OpenAPI 3.0 once its schemas are rewritten: {e}"))?;
    // progenitor makes the types; the requests are ours (see `requests`), so it sees no paths.
    progenitor_view.paths.paths.clear();
    let schemas = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("the spec has no components.schemas")?;

    let mut settings = progenitor_impl::GenerationSettings::default();
    settings
        // Builder style: the types get builders (`types::builder`, `Message::builder()`), for
        // users' tests. Its client methods, like the positional ones, are not generated: no paths.
        .with_interface(progenitor_impl::InterfaceStyle::Builder)
        .with_derive("PartialEq")
        // Put behind the `schemars` feature by `patches::schemars_behind_feature`.
        .with_derive("::schemars::JsonSchema");

    // typify's name for each component's type, asked of typify: a replacement below is keyed by
    // it, and the model finds each type by it.
    let type_names = typify_types::component_names(schemas.keys())?;
    let typify_name = |key: &str| type_names.get(key).cloned().ok_or(format!("no component {key}"));
    let mut open_types = TokenStream::new();
    // The types made outside typify, named in `types` too (an answer or a body may be one).
    let mut open_names = Vec::new();
    for (name, tokens) in open_enums::generate(schemas, &type_names)? {
        open_types.extend(tokens);
        let rust = typify_name(&name)?;
        let impls = [progenitor_impl::TypeImpl::Display, progenitor_impl::TypeImpl::FromStr];
        settings.with_replacement(&rust, format!("crate::generated::open::{rust}"), impls.into_iter());
        open_names.push(rust);
    }
    for union in tagged_union::find(schemas)? {
        open_types.extend(tagged_union::generate(&union, &type_names)?);
        let rust = typify_name(&union.name)?;
        settings.with_replacement(&rust, format!("crate::generated::open::{rust}"), std::iter::empty());
        open_names.push(rust);
    }

    // typify panics on some schemas it cannot take (an enum of mixed types, say): caught, so the
    // build fails with a message instead of a backtrace.
    let mut generator = progenitor_impl::Generator::new(&settings);
    let generated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        generator.generate_tokens(&progenitor_view)
    }))
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("progenitor could not generate the types: {message}")
    })?
    .map_err(|e| format!("progenitor: {e}"))?;
    let typified = typify_types::TypifyTypes::new(
        generator.get_type_space(),
        type_names.clone(),
        open_names.iter().cloned().collect(),
        &renamed,
    );
    let generated: syn::File = syn::parse2(generated).map_err(|e| format!("progenitor's code does not parse: {e}"))?;
    let types = types_only(generated)?;
    let info = spec_info::generate(&raw, spec_text)?;
    typified.check_no_merged_types(&raw)?;
    let ops = model::read_all(&raw, &typified)?;
    let errors = error_codes::generate(&ops)?;

    let tokens = quote! {
        #types

        /// Types generated outside progenitor: enums that stay open to values a newer server sends,
        /// and the attachment union told apart by its `type`.
        pub mod open {
            #open_types
        }

        #errors
        #info
    };
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    patches::apply(&mut file)?;
    patches::renamed_fields(type_additions::types_module(&mut file)?, &renamed.wires)?;
    type_additions::non_exhaustive(&mut file)?;
    type_additions::string_newtypes_as_str(&mut file)?;
    patches::string_impls(type_additions::types_module(&mut file)?);
    patches::unit_enum_impls(type_additions::types_module(&mut file)?);
    docs::sanitize_items(type_additions::types_module(&mut file)?);
    let types = type_additions::types_module(&mut file)?;
    for name in &open_names {
        let name = names::ident(name);
        types.push(syn::parse_quote!(pub use super::open::#name;));
    }
    // A part needs the types its operations name, and those of every schema they reach (a body's
    // whole schema, a part of an `allOf` typify merged), whatever names them in Rust.
    let mut named: Vec<(String, TokenStream)> = ops
        .iter()
        .map(|op| (op.part.clone(), gate::types_named_by(op)))
        .collect();
    for (part, schemas) in parts::schemas_by_part(&raw)? {
        let idents = schemas
            .iter()
            .filter_map(|schema| typified.name_of(schema))
            .map(names::ident);
        named.push((part, quote!(#(#idents)*)));
    }
    let shared = parts::shared_schemas(&raw)
        .iter()
        .filter_map(|schema| typified.name_of(schema).map(str::to_string))
        .collect();
    gate::gate_types(&mut file, &named, &shared)?;
    let builders = type_additions::split_builders(&mut file)?;
    let operations = operations::generate(&ops)?;
    let requests = requests::generate(&ops)?;
    let events = events::generate(&callbacks, &type_names)?;
    let more: syn::File = syn::parse2(quote! { #operations #requests #events })
        .map_err(|e| format!("the generated operations do not parse: {e}"))?;
    file.items.extend(more.items);
    let part_files = split::by_part(&mut file, &part_features)
        .into_iter()
        .map(|part| {
            let content = format!(
                "// @generated by codegen/ from {SPEC_PATH}, included by {GENERATED_FILE} behind its parts' features.\n{}",
                prettyplease::unparse(&part.file)
            );
            (part.path, content)
        })
        .collect();
    Ok(Generated {
        code: format!(
            "// @generated by codegen/ from {SPEC_PATH}. Do not edit: change the spec, then run `cargo xtask gen`.\n{}",
            prettyplease::unparse(&file)
        ),
        parts: part_files,
        builders: format!(
            "// @generated by codegen/ from {SPEC_PATH}, included by {GENERATED_FILE} with the `builders` feature.\n{}",
            prettyplease::unparse(&{
                let mut file: syn::File = syn::parse_quote!();
                file.items = builders;
                file
            })
        ),
        operations: ops.len(),
        model: model::describe(&ops),
    })
}

/// What [`generate`] made.
#[derive(Debug)]
pub struct Generated {
    /// The formatted Rust source.
    pub code: String,
    /// The builders of the types, formatted: [`BUILDERS_FILE`], which `code` includes with the
    /// `builders` feature.
    pub builders: String,
    /// The items behind the API's parts, by file ([`split`]): each file's path under
    /// `generated/` (as `code` includes it) and its formatted source.
    pub parts: Vec<(String, String)>,
    /// How many operations it holds.
    pub operations: usize,
    /// The model every emitter rendered, as plain text ([`model::describe`]).
    pub model: String,
}

impl Generated {
    /// The lines of the code a build with every part compiles: the main file and the parts'
    /// files (not the builders, behind their own feature).
    pub fn lines(&self) -> usize {
        self.code.lines().count() + self.parts.iter().map(|(_, text)| text.lines().count()).sum::<usize>()
    }

    /// The main file and the parts' files, one after the other (for tests that look for an item).
    #[cfg(test)]
    pub fn all_code(&self) -> String {
        let mut all = self.code.clone();
        for (_, text) in &self.parts {
            all.push_str(text);
        }
        all
    }
}

/// The `types` module of progenitor's output; the rest (a client with no methods, its imports) is
/// not used.
fn types_only(file: syn::File) -> Result<syn::Item, String> {
    file.items
        .into_iter()
        .find(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"))
        .ok_or_else(|| "progenitor's output has no `types` module".to_string())
}

#[cfg(test)]
mod tests {
    /// Our spec with `paths` and `schemas` added under its `paths:` and `schemas:` lines.
    fn grown(paths: &str, schemas: &str) -> String {
        let spec = include_str!("../openapi.yaml");
        spec.replacen("\npaths:\n", &format!("\npaths:\n{paths}"), 1).replacen(
            "\n  schemas:\n",
            &format!("\n  schemas:\n{schemas}"),
            1,
        )
    }

    /// The model of our spec, as data: each operation's values with their Rust kinds and types, and
    /// its answer. `POSTPRESS_BLESS=1` rewrites the expected text after a change that is meant.
    #[test]
    fn the_model_of_the_spec_is_as_expected() {
        let model = super::generate(include_str!("../openapi.yaml"))
            .expect("generates")
            .model;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../codegen/model_of_the_spec.txt");
        if std::env::var_os("POSTPRESS_BLESS").is_some() {
            std::fs::write(path, &model).expect("write the expected model");
        }
        let expected = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            model == expected,
            "the model differs from codegen/model_of_the_spec.txt (POSTPRESS_BLESS=1 to accept):\n{}",
            model
                .lines()
                .zip(expected.lines().chain(std::iter::repeat("")))
                .filter(|(a, b)| a != b)
                .take(10)
                .map(|(a, b)| format!("- {b}\n+ {a}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// A form's parts go out in the order the spec writes its properties, also when its schema is
    /// an `allOf` that `normalize` merges (JSON's objects are sorted by key: the order is kept in the
    /// schema, `spec::PROPERTY_ORDER`).
    #[test]
    fn a_form_keeps_the_written_order_of_its_fields_through_an_all_of() {
        let paths = "  /forms:\n    post:\n      operationId: post_form\n      tags: [messages]\n      requestBody:\n        content:\n          multipart/form-data:\n            schema:\n              \
                     allOf:\n                - {type: object, properties: {zeta: {type: string}, alpha: {type: string}}}\n                - {type: object, properties: {mid: {type: string, format: binary}}}\n      \
                     responses:\n        '204':\n          description: No content\n";
        let model = super::generate(&grown(paths, "")).expect("generates").model;
        let form: Vec<&str> = model
            .lines()
            .skip_while(|line| !line.starts_with("post_form "))
            .skip(1)
            .take_while(|line| line.starts_with("  form "))
            .map(|line| line.split_whitespace().nth(1).unwrap_or(""))
            .collect();
        assert_eq!(form, ["zeta", "alpha", "mid"], "{model}");
    }

    #[test]
    fn enum_values_that_are_no_identifiers_generate() {
        let schemas = "    Odd:\n      x-open-enum: true\n      type: string\n      enum: ['1', '+1', '-1', 'a b', 'A_B', 'self', '*']\n    \
                       Closed:\n      type: string\n      enum: ['1', '+1', 'fn']\n";
        let paths = "  /odd:\n    get:\n      operationId: get_odd\n      tags: [messages]\n      parameters:\n        - {name: kind, in: query, schema: {type: string, enum: ['1', '+1']}}\n      \
                     responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Odd'}\n";
        let generated = super::generate(&grown(paths, schemas)).expect("generates");
        syn::parse_file(&generated.code).expect("parses");
        for (path, text) in &generated.parts {
            syn::parse_file(text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
        }
        let code = generated.all_code();
        assert!(code.contains("pub enum Odd"), "the open enum");
    }

    #[test]
    fn what_cannot_be_sent_fails_naming_the_operation_the_parameter_and_the_construct() {
        let paths = "  /deep:\n    get:\n      operationId: get_deep\n      tags: [messages]\n      parameters:\n        - name: filter\n          in: query\n          style: deepObject\n          \
                     schema: {type: object, properties: {a: {type: string}}}\n      responses:\n        '204':\n          description: No content\n";
        let error = super::generate(&grown(paths, "")).unwrap_err();
        assert!(
            error.contains("get_deep") && error.contains("filter") && error.contains("object"),
            "{error}"
        );
        let paths = "  /form:\n    get:\n      operationId: get_form\n      tags: [messages]\n      parameters:\n        - name: ids\n          in: query\n          explode: false\n          \
                     schema: {type: array, items: {type: string}}\n      responses:\n        '204':\n          description: No content\n";
        let error = super::generate(&grown(paths, "")).unwrap_err();
        assert!(
            error.contains("get_form") && error.contains("ids") && error.contains("explode false"),
            "{error}"
        );
    }
}
