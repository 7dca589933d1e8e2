//! One request type per operation (`postpress::requests`), and the `Client` method that starts it:
//! the path parameters positional, a setter for every query parameter and top-level body field,
//! the spec's constraints checked before anything is sent, the per-call options, and for a list of
//! the API's cursor convention `.pages()` and `.items()`. Awaiting a request runs it through
//! `src/request.rs`, the same way for every operation.
//!
//! Spec extension read here: `x-positional: [field, ...]` on an operation makes those (string)
//! body fields arguments of the `Client` method after the path parameters, for the calls whose
//! signature predates this generator (`forward_message(id, to)`, `add_reaction(id, emoji)`).

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// Names a request's own methods take, which no parameter or field may take too.
const RESERVED: &[&str] = &[
    "core",
    "timeout",
    "deadline",
    "max_retries",
    "with_metadata",
    "into_future",
    "prepare",
    "pages",
    "items",
    "send",
    "send_with_metadata",
    "on_progress",
    "attachment",
];

/// What a value is in Rust, and how it goes on the wire.
#[derive(Clone, Debug)]
enum Kind {
    Text,
    /// A string enum: set from the generated enum or its wire text.
    Enum,
    Integer,
    Number,
    Boolean,
    /// `format: binary`, a multipart file part.
    Binary,
    /// A value of a generated type (a `$ref` to an object or union component).
    Typed(syn::Ident),
    /// An inline schema with no generated type of its own.
    Json,
}

/// A path or query parameter, or a top-level body field.
#[derive(Debug)]
struct Value_ {
    name: String,
    ident: syn::Ident,
    kind: Kind,
    list: bool,
    required: bool,
    /// The rule of the value (of each item, for a list), when the spec constrains it.
    rule: Option<TokenStream>,
    /// `minItems` / `maxItems` of a list, when the spec gives them.
    list_rule: Option<TokenStream>,
    doc: String,
}

fn resolve<'a>(raw: &'a Value, node: &'a Value) -> Result<&'a Value, String> {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .ok_or(format!("only local references are supported, not {reference}"))?;
            let target = raw.pointer(pointer).ok_or(format!("{reference} does not resolve"))?;
            resolve(raw, target)
        }
        None => Ok(node),
    }
}

fn component_name(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")
}

fn text(node: &Value, field: &str) -> String {
    node.get(field).and_then(Value::as_str).unwrap_or("").trim().to_string()
}

/// `Some(x)` of an optional number in a schema.
fn bound(schema: &Value, field: &str) -> TokenStream {
    match schema.get(field).and_then(Value::as_f64) {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn count(schema: &Value, field: &str) -> TokenStream {
    match schema.get(field).and_then(Value::as_u64) {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

/// The `crate::check::Rule` of a scalar schema; `None` when it has no constraint.
fn rule_of(schema: &Value) -> Result<Option<TokenStream>, String> {
    let mut fields = Vec::new();
    for (key, field) in [("minLength", "min_length"), ("maxLength", "max_length")] {
        if schema.get(key).is_some() {
            let value = count(schema, key);
            let field = format_ident!("{field}");
            fields.push(quote!(#field: #value));
        }
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        fields.push(quote!(pattern: Some(#pattern)));
    }
    for (key, field) in [("minimum", "minimum"), ("maximum", "maximum")] {
        if schema.get(key).is_some() {
            let value = bound(schema, key);
            let field = format_ident!("{field}");
            fields.push(quote!(#field: #value));
        }
    }
    for (key, field) in [
        ("exclusiveMinimum", "exclusive_minimum"),
        ("exclusiveMaximum", "exclusive_maximum"),
    ] {
        if schema.get(key).and_then(Value::as_bool) == Some(true) {
            let field = format_ident!("{field}");
            fields.push(quote!(#field: true));
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values = values
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                other => Err(format!("an enum value {other} that is not a string, number or boolean")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        fields.push(quote!(values: &[#(#values),*]));
    }
    Ok((!fields.is_empty()).then(|| quote!(crate::check::Rule { #(#fields,)* ..crate::check::Rule::NONE })))
}

fn ident_for(name: &str) -> syn::Ident {
    let snake = name.to_snake_case();
    match syn::parse_str::<syn::Ident>(&snake) {
        Ok(ident) => ident,
        Err(_) => format_ident!("r#{snake}"),
    }
}

/// Reads one value's schema.
fn value(raw: &Value, name: &str, node: &Value, required: bool, doc: String, context: &str) -> Result<Value_, String> {
    let schema = resolve(raw, node)?;
    let scalar = |schema: &Value| -> Result<Option<Kind>, String> {
        let ty = schema.get("type").and_then(Value::as_str);
        Ok(match ty {
            Some("string") if schema.get("format").and_then(Value::as_str) == Some("binary") => Some(Kind::Binary),
            Some("string") if schema.get("enum").is_some() => Some(Kind::Enum),
            Some("string") => Some(Kind::Text),
            Some("integer") => Some(Kind::Integer),
            Some("number") => Some(Kind::Number),
            Some("boolean") => Some(Kind::Boolean),
            _ => None,
        })
    };
    let (kind, list, rule, list_rule) = if schema.get("type").and_then(Value::as_str) == Some("array") {
        let items_node = schema
            .get("items")
            .ok_or(format!("{context}: {name} is an array without items"))?;
        let items = resolve(raw, items_node)?;
        let kind = match scalar(items)? {
            Some(kind) => kind,
            None => match component_name(items_node) {
                Some(component) => Kind::Typed(format_ident!("{}", component.to_upper_camel_case())),
                None => Kind::Json,
            },
        };
        let constrained = schema.get("minItems").is_some() || schema.get("maxItems").is_some();
        let (min, max) = (count(schema, "minItems"), count(schema, "maxItems"));
        let list_rule = constrained
            .then(|| quote!(crate::check::Rule { min_items: #min, max_items: #max, ..crate::check::Rule::NONE }));
        (kind, true, rule_of(items)?, list_rule)
    } else {
        let kind = match scalar(schema)? {
            Some(kind) => kind,
            None => match component_name(node) {
                Some(component) => Kind::Typed(format_ident!("{}", component.to_upper_camel_case())),
                None => Kind::Json,
            },
        };
        (kind, false, rule_of(schema)?, None)
    };
    let doc = if doc.is_empty() {
        text(schema, "description")
    } else {
        doc
    };
    Ok(Value_ {
        name: name.to_string(),
        ident: ident_for(name),
        kind,
        list,
        required,
        rule,
        list_rule,
        doc,
    })
}

/// How an operation's request carries its body.
enum BodyShape {
    None,
    /// An object with properties: one setter per field.
    Fields {
        multipart: bool,
        fields: Vec<Value_>,
    },
    /// Any other JSON body: one `.body(value)` setter taking the generated type.
    Whole {
        ty: syn::Ident,
        required: bool,
    },
}

/// One operation as the generator sees it.
struct Op {
    id: String,
    variant: syn::Ident,
    method: String,
    path: String,
    summary: String,
    description: String,
    path_params: Vec<Value_>,
    query: Vec<Value_>,
    body: BodyShape,
    positional: Vec<String>,
    answer: syn::Ident,
}

fn read_op(
    raw: &Value,
    ordered: &openapiv3::OpenAPI,
    path: &str,
    item: &Value,
    method: &str,
    op: &Value,
) -> Result<Op, String> {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or(format!("{method} {path}: no operationId"))?
        .to_string();
    let mut path_params = Vec::new();
    let mut query = Vec::new();
    let parameters = item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(op.get("parameters").and_then(Value::as_array).into_iter().flatten());
    for parameter in parameters {
        let parameter = resolve(raw, parameter)?;
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .ok_or(format!("{id}: a parameter without a name"))?;
        let schema = parameter
            .get("schema")
            .ok_or(format!("{id}: parameter {name} has no schema"))?;
        let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
        let doc = text(parameter, "description");
        let value = value(raw, name, schema, required, doc, &id)?;
        match parameter.get("in").and_then(Value::as_str) {
            Some("path") => {
                if !matches!(value.kind, Kind::Text) || value.list {
                    return Err(format!("{id}: path parameter {name} must be a string"));
                }
                path_params.push(value)
            }
            Some("query") => {
                if matches!(value.kind, Kind::Binary | Kind::Typed(_) | Kind::Json) {
                    return Err(format!(
                        "{id}: query parameter {name} must be a scalar or a list of scalars"
                    ));
                }
                query.push(value)
            }
            Some(other) => {
                return Err(format!(
                    "{id}: parameter {name} is in {other}; only path and query are supported"
                ));
            }
            None => return Err(format!("{id}: parameter {name} has no `in`")),
        }
    }
    // Path parameters in the order of the template.
    let mut in_template = Vec::new();
    for segment in path.split('{').skip(1) {
        let name = segment.split('}').next().unwrap_or("");
        let index = path_params.iter().position(|p| p.name == name).ok_or(format!(
            "{id}: the path has {{{name}}} but no path parameter of that name"
        ))?;
        in_template.push(path_params.remove(index));
    }
    if let Some(extra) = path_params.first() {
        return Err(format!("{id}: path parameter {} is not in the path {path}", extra.name));
    }

    let body = match op.get("requestBody") {
        None => BodyShape::None,
        Some(body) => {
            let body = resolve(raw, body)?;
            let required = body.get("required").and_then(Value::as_bool) == Some(true);
            let content = body
                .get("content")
                .and_then(Value::as_object)
                .ok_or(format!("{id}: a body without content"))?;
            let (multipart, node) = if let Some(media) = content.get("multipart/form-data") {
                (true, media.get("schema"))
            } else if let Some(media) = content.get("application/json") {
                (false, media.get("schema"))
            } else {
                return Err(format!(
                    "{id}: only application/json and multipart/form-data bodies are supported"
                ));
            };
            let node = node.ok_or(format!("{id}: a body without a schema"))?;
            let schema = resolve(raw, node)?;
            match schema.get("properties").and_then(Value::as_object) {
                Some(properties) if schema.get("type").and_then(Value::as_str) == Some("object") => {
                    let required_fields: BTreeSet<&str> = schema
                        .get("required")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    let mut fields = Vec::new();
                    for (name, property) in properties {
                        let value = value(
                            raw,
                            name,
                            property,
                            required_fields.contains(name.as_str()),
                            String::new(),
                            &id,
                        )?;
                        if multipart && matches!(value.kind, Kind::Typed(_) | Kind::Json) {
                            return Err(format!(
                                "{id}: multipart field {name} must be text, a number, a boolean or binary"
                            ));
                        }
                        if !multipart && matches!(value.kind, Kind::Binary) {
                            return Err(format!("{id}: binary field {name} in a JSON body"));
                        }
                        fields.push(value);
                    }
                    // In the order the spec writes them: a form's parts go out in this order.
                    if let Some(name) = component_name(node) {
                        let order = super::spec::property_order(ordered, name);
                        fields.sort_by_key(|f| order.iter().position(|n| *n == f.name).unwrap_or(usize::MAX));
                    }
                    BodyShape::Fields { multipart, fields }
                }
                _ if multipart => return Err(format!("{id}: a multipart body must be an object with properties")),
                _ => {
                    let name = component_name(node).ok_or(format!(
                        "{id}: a JSON body that is not an object must be a component $ref"
                    ))?;
                    BodyShape::Whole {
                        ty: format_ident!("{}", name.to_upper_camel_case()),
                        required,
                    }
                }
            }
        }
    };

    let positional: Vec<String> = op
        .get("x-positional")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .ok_or(format!("{id}: x-positional holds a non-string"))
        })
        .collect::<Result<_, _>>()?;
    for name in &positional {
        let BodyShape::Fields {
            fields,
            multipart: false,
        } = &body
        else {
            return Err(format!("{id}: x-positional needs a JSON body with fields"));
        };
        match fields.iter().find(|f| &f.name == name) {
            Some(field) if matches!(field.kind, Kind::Text) && !field.list && field.required => {}
            _ => {
                return Err(format!(
                    "{id}: x-positional names {name}, which is not a required string field"
                ));
            }
        }
    }

    let success = op
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|r| r.keys().find(|code| code.starts_with('2')))
        .ok_or(format!("{id}: no success response"))?;
    let answer = op
        .pointer(&format!("/responses/{success}/content/application~1json/schema"))
        .and_then(component_name)
        .ok_or(format!("{id}: the success answer is not a component schema"))?;

    let mut names = BTreeSet::new();
    let body_fields: &[Value_] = match &body {
        BodyShape::Fields { fields, .. } => fields,
        _ => &[],
    };
    for value in in_template.iter().chain(&query).chain(body_fields) {
        if RESERVED.contains(&value.ident.to_string().as_str())
            || (value.ident == "body" && matches!(body, BodyShape::Whole { .. }))
        {
            return Err(format!("{id}: {} is a name the request's own methods use", value.name));
        }
        if !names.insert(value.ident.to_string()) {
            return Err(format!("{id}: two parameters or fields are named {}", value.name));
        }
    }

    Ok(Op {
        variant: format_ident!("{}", id.to_upper_camel_case()),
        id,
        method: method.to_uppercase(),
        path: path.to_string(),
        summary: text(op, "summary"),
        description: text(op, "description"),
        path_params: in_template,
        query,
        body,
        positional,
        answer: format_ident!("{}", answer.to_upper_camel_case()),
    })
}

/// The Rust type a value is stored as (one item of a list).
fn stored(kind: &Kind) -> TokenStream {
    match kind {
        Kind::Text | Kind::Enum => quote!(::std::string::String),
        Kind::Integer => quote!(i64),
        Kind::Number => quote!(f64),
        Kind::Boolean => quote!(bool),
        Kind::Binary => quote!(crate::Upload),
        Kind::Typed(ty) => quote!(types::#ty),
        Kind::Json => quote!(::serde_json::Value),
    }
}

/// A setter's parameter type and how it becomes the stored value.
fn setter_input(kind: &Kind) -> (TokenStream, TokenStream) {
    match kind {
        Kind::Text => (
            quote!(impl ::std::convert::Into<::std::string::String>),
            quote!(value.into()),
        ),
        Kind::Enum => (quote!(impl ::std::fmt::Display), quote!(value.to_string())),
        Kind::Integer => (quote!(i64), quote!(value)),
        Kind::Number => (quote!(f64), quote!(value)),
        Kind::Boolean => (quote!(bool), quote!(value)),
        Kind::Binary => (quote!(crate::Upload), quote!(value)),
        Kind::Typed(ty) => (quote!(impl ::std::convert::Into<types::#ty>), quote!(value.into())),
        Kind::Json => (
            quote!(impl ::std::convert::Into<::serde_json::Value>),
            quote!(value.into()),
        ),
    }
}

/// The check of one stored item `v` (a reference).
fn check_item(value: &Value_) -> TokenStream {
    let name = &value.name;
    let Some(rule) = &value.rule else {
        return quote!();
    };
    match value.kind {
        Kind::Text | Kind::Enum => quote!(crate::check::text(#name, v, &#rule)?;),
        Kind::Integer => quote!(crate::check::integer(#name, *v, &#rule)?;),
        Kind::Number => quote!(crate::check::number(#name, *v, &#rule)?;),
        Kind::Boolean | Kind::Binary | Kind::Typed(_) | Kind::Json => quote!(),
    }
}

/// Calls `each` with `v` bound to every stored item of `value`, after the required and list checks.
fn for_each_item(value: &Value_, each: TokenStream) -> TokenStream {
    let ident = &value.ident;
    let name = &value.name;
    let check = check_item(value);
    let per_item = (!check.is_empty() || !each.is_empty()).then(|| quote!(#check #each));
    if value.list {
        let required = value
            .required
            .then(|| quote!(if self.#ident.is_empty() { return Err(crate::check::missing(#name)); }));
        let length = value
            .list_rule
            .as_ref()
            .map(|rule| quote!(crate::check::items(#name, self.#ident.len(), &#rule)?;));
        let items = per_item.map(|body| quote!(for v in &self.#ident { #body }));
        quote! { #required #length #items }
    } else {
        match (per_item, value.required) {
            (Some(body), true) => {
                quote!(match &self.#ident { Some(v) => { #body } None => return Err(crate::check::missing(#name)), })
            }
            (Some(body), false) => quote!(if let Some(v) = &self.#ident { #body }),
            (None, true) => quote!(if self.#ident.is_none() { return Err(crate::check::missing(#name)); }),
            (None, false) => quote!(),
        }
    }
}

fn generate_op(op: &Op, page: Option<&Page>) -> TokenStream {
    let Op {
        id,
        variant,
        method,
        path,
        answer,
        ..
    } = op;
    let body_fields = match &op.body {
        BodyShape::Fields { fields, .. } => &fields[..],
        _ => &[][..],
    };
    let has_binary = body_fields.iter().any(|f| matches!(f.kind, Kind::Binary));

    // The struct.
    let mut fields = Vec::new();
    let mut inits = Vec::new();
    let mut args = Vec::new();
    for p in &op.path_params {
        let ident = &p.ident;
        fields.push(quote!(#ident: ::std::string::String));
        args.push(quote!(#ident: impl ::std::convert::AsRef<str>));
        inits.push(quote!(#ident: #ident.as_ref().to_owned()));
    }
    let positional: Vec<&Value_> = op
        .positional
        .iter()
        .filter_map(|name| body_fields.iter().find(|f| &f.name == name))
        .collect();
    for p in &positional {
        let ident = &p.ident;
        args.push(quote!(#ident: impl ::std::convert::AsRef<str>));
    }
    let mut setters = Vec::new();
    for value in op.query.iter().chain(body_fields) {
        let ident = &value.ident;
        let item = stored(&value.kind);
        let is_positional = positional.iter().any(|p| p.name == value.name);
        if value.list {
            fields.push(quote!(#ident: ::std::vec::Vec<#item>));
            inits.push(quote!(#ident: ::std::vec::Vec::new()));
        } else {
            fields.push(quote!(#ident: ::std::option::Option<#item>));
            if is_positional {
                inits.push(quote!(#ident: ::std::option::Option::Some(#ident.as_ref().to_owned())));
            } else {
                inits.push(quote!(#ident: ::std::option::Option::None));
            }
        }
        if is_positional {
            continue;
        }
        let (input, convert) = setter_input(&value.kind);
        let mut doc = value.doc.clone();
        if value.list {
            doc = format!("{doc}\n\nAppends one item; call it once per item, in order.")
                .trim()
                .to_string();
        }
        if value.required {
            doc = format!("{doc}\n\nRequired.").trim().to_string();
        }
        let store = if value.list {
            quote!(self.#ident.push(#convert);)
        } else {
            quote!(self.#ident = ::std::option::Option::Some(#convert);)
        };
        setters.push(quote! {
            #[doc = #doc]
            pub fn #ident(mut self, value: #input) -> Self { #store self }
        });
    }
    if let BodyShape::Whole { ty, required } = &op.body {
        fields.push(quote!(body: ::std::option::Option<types::#ty>));
        inits.push(quote!(body: ::std::option::Option::None));
        let doc = if *required {
            "The request body. Required."
        } else {
            "The request body."
        };
        setters.push(quote! {
            #[doc = #doc]
            pub fn body(mut self, value: impl ::std::convert::Into<types::#ty>) -> Self {
                self.body = ::std::option::Option::Some(value.into());
                self
            }
        });
    }

    // `prepare`: the checks, the path, the query and the body.
    let mut checks = Vec::new();
    let mut format_args = Vec::new();
    for p in &op.path_params {
        let (ident, name) = (&p.ident, &p.name);
        let rule = p.rule.clone().unwrap_or(quote!(crate::check::Rule::NONE));
        checks.push(quote!(crate::check::path(#name, &self.#ident, &#rule)?;));
        format_args.push(quote!(crate::path::encode_path(&self.#ident)));
    }
    let mut template = String::new();
    for (i, part) in path.split('{').enumerate() {
        if i == 0 {
            template.push_str(part);
        } else {
            template.push_str("{}");
            template.push_str(part.split_once('}').map_or("", |(_, rest)| rest));
        }
    }
    let query_pushes: Vec<TokenStream> = op
        .query
        .iter()
        .map(|value| {
            let name = &value.name;
            for_each_item(value, quote!(query.push((#name, v.to_string()));))
        })
        .collect();
    let body = match &op.body {
        BodyShape::None => quote!(crate::request::Body::None),
        BodyShape::Whole { required, .. } => {
            let missing = required.then(|| quote!(None => return Err(crate::check::missing("body")),));
            let absent = (!required).then(|| quote!(None => crate::request::Body::None,));
            quote! {
                match &self.body {
                    Some(body) => crate::request::json_value(body)?,
                    #missing
                    #absent
                }
            }
        }
        BodyShape::Fields {
            fields,
            multipart: false,
        } => {
            let inserts: Vec<TokenStream> = fields
                .iter()
                .map(|value| {
                    let (ident, name) = (&value.ident, &value.name);
                    let check = for_each_item(value, quote!());
                    let insert = if value.list {
                        quote!(if !self.#ident.is_empty() { object.insert(#name.into(), crate::request::to_json(#name, &self.#ident)?); })
                    } else {
                        quote!(if let Some(v) = &self.#ident { object.insert(#name.into(), crate::request::to_json(#name, v)?); })
                    };
                    quote! { #check #insert }
                })
                .collect();
            quote! {{
                let mut object = ::serde_json::Map::new();
                #(#inserts)*
                crate::request::json_object(object)?
            }}
        }
        BodyShape::Fields {
            fields,
            multipart: true,
        } => {
            let parts: Vec<TokenStream> = fields
                .iter()
                .map(|value| {
                    let name = &value.name;
                    let each = match value.kind {
                        Kind::Binary => quote!(files.push((#name, v));),
                        _ => quote!(texts.push((#name, v.to_string()));),
                    };
                    for_each_item(value, each)
                })
                .collect();
            quote! {{
                let mut texts = ::std::vec::Vec::new();
                let mut files = ::std::vec::Vec::new();
                #(#parts)*
                crate::request::Body::Form { texts, files }
            }}
        }
    };
    let query_decl = if op.query.is_empty() {
        quote!(let query = ::std::vec::Vec::new();)
    } else {
        quote!(let mut query = ::std::vec::Vec::new();)
    };

    let mut doc = format!("{}\n\n", op.summary);
    if !op.description.is_empty() {
        doc.push_str(&op.description);
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "`{method} {path}` (`{id}`). Nothing is sent until the request is awaited."
    ));
    let struct_doc = format!(
        "The request of [`Client::{id}`](crate::Client::{id}): `{method} {path}`. Set its values, then await it."
    );
    let id_ident = format_ident!("{id}");
    let derive_clone = (!has_binary).then(|| quote!(#[derive(Clone)]));
    let pagination = page.map(|page| {
        let item = &page.item;
        let items = &page.items_expr;
        quote! {
            impl crate::request::Paginated for #variant {
                type Page = types::#answer;
                type Item = #item;
                fn with_cursor(mut self, cursor: ::std::string::String) -> Self {
                    self.cursor = ::std::option::Option::Some(cursor);
                    self
                }
                fn sent_cursor(&self) -> ::std::option::Option<&str> {
                    self.cursor.as_deref()
                }
                fn page_cursor(page: &Self::Page) -> ::std::option::Option<&str> {
                    page.cursor.as_ref().map(|cursor| cursor.as_str())
                }
                fn page_items(page: Self::Page) -> ::std::vec::Vec<Self::Item> {
                    #items
                }
                fn operation() -> OperationId {
                    OperationId::#variant
                }
            }
            impl #variant {
                /// Every page, following each page's `cursor` until it is null; each page is a
                /// call with this request's options and filters, retried by the same rule. A failed
                /// page ends the stream with its error, and so does a cursor that repeats the one
                /// just sent.
                pub fn pages(self) -> impl ::futures_util::Stream<Item = ::std::result::Result<types::#answer, crate::Error>> + Send + 'static {
                    crate::request::pages(self)
                }
                /// Every item of every page, in order; ends as [`pages`](Self::pages) does.
                pub fn items(self) -> impl ::futures_util::Stream<Item = ::std::result::Result<#item, crate::Error>> + Send + 'static {
                    crate::request::items(self)
                }
            }
        }
    });

    quote! {
        impl crate::Client {
            #[doc = #doc]
            pub fn #id_ident(&self, #(#args),*) -> #variant {
                #variant { core: crate::request::Core::new(self), #(#inits,)* }
            }
        }

        #[doc = #struct_doc]
        #[must_use = "nothing is sent until the request is awaited"]
        #derive_clone
        #[derive(Debug)]
        pub struct #variant {
            pub(crate) core: crate::request::Core,
            #(#fields,)*
        }

        impl #variant {
            #(#setters)*

            crate::call::per_call_options!(core.options);

            /// Runs the request and returns the answer with its status and headers (a request id,
            /// rate-limit headers), instead of the body alone.
            pub async fn with_metadata(self) -> ::std::result::Result<crate::Response<types::#answer>, crate::Error> {
                crate::request::run(&self.core, self.prepare(), crate::Response::from_value).await
            }

            /// Checks every value against the spec and lays out the request.
            fn prepare(&self) -> ::std::result::Result<crate::request::Prepared<'_>, crate::Error> {
                #(#checks)*
                let path = format!(#template, #(#format_args),*);
                #query_decl
                #(#query_pushes)*
                let body = #body;
                Ok(crate::request::Prepared { operation: OperationId::#variant, path, query, body })
            }
        }

        impl ::std::future::IntoFuture for #variant {
            type Output = ::std::result::Result<types::#answer, crate::Error>;
            type IntoFuture = crate::request::BoxFuture<Self::Output>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(async move {
                    crate::request::run(&self.core, self.prepare(), ::progenitor_client::ResponseValue::into_inner).await
                })
            }
        }

        #pagination
    }
}

/// What `.pages()` and `.items()` need of a paginated operation's answer.
struct Page {
    item: TokenStream,
    items_expr: TokenStream,
}

/// Whether `op` follows the API's cursor convention, and its item type from the generated answer
/// struct (read off the syntax tree, so typify's naming of an inline item type is its own).
fn page_of(raw: &Value, op: &Op, op_node: &Value, types: &[syn::Item]) -> Result<Option<Page>, String> {
    let Some(cursor) = op.query.iter().find(|q| q.name == "cursor") else {
        return Ok(None);
    };
    if cursor.required || cursor.list || !matches!(cursor.kind, Kind::Text) {
        return Ok(None);
    }
    let success = op_node
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|r| r.keys().find(|code| code.starts_with('2')))
        .ok_or("no success")?;
    let answer_node = op_node
        .pointer(&format!("/responses/{success}/content/application~1json/schema"))
        .ok_or("no answer")?;
    let answer = resolve(raw, answer_node)?;
    let is_array = answer.pointer("/properties/items/type").and_then(Value::as_str) == Some("array");
    let cursor_nullable = answer.pointer("/properties/cursor/nullable").and_then(Value::as_bool) == Some(true);
    if !is_array || !cursor_nullable {
        return Ok(None);
    }
    let id = &op.id;
    let answer_ident = &op.answer;
    let record = types
        .iter()
        .find_map(|item| match item {
            syn::Item::Struct(s) if s.ident == *answer_ident => Some(s),
            _ => None,
        })
        .ok_or(format!("{id}: no generated struct {answer_ident} for the page"))?;
    let field = record
        .fields
        .iter()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == "items"))
        .ok_or(format!("{id}: {answer_ident} has no field items"))?;
    let (ty, optional) = match inner_of(&field.ty, "Option") {
        Some(inner) => (inner, true),
        None => (&field.ty, false),
    };
    let item = inner_of(ty, "Vec").ok_or(format!("{id}: {answer_ident}.items is not a Vec"))?;
    let item = qualify(item);
    let items_expr = if optional {
        quote!(page.items.unwrap_or_default())
    } else {
        quote!(page.items)
    };
    Ok(Some(Page { item, items_expr }))
}

/// The generic argument of `Wrapper<T>` (by the path's last segment).
fn inner_of<'t>(ty: &'t syn::Type, wrapper: &str) -> Option<&'t syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner),
        _ => None,
    }
}

/// A type of the `types` module as seen from `requests` (a bare name is one of `types`).
fn qualify(ty: &syn::Type) -> TokenStream {
    match ty {
        syn::Type::Path(path)
            if path.qself.is_none() && path.path.segments.len() == 1 && path.path.leading_colon.is_none() =>
        {
            quote!(types::#path)
        }
        other => quote!(#other),
    }
}

/// The `requests` module and the `Client` methods, for every operation of the spec. `types` is
/// the generated `types` module's items (for the item types of paginated answers).
pub fn generate(raw: &Value, ordered: &openapiv3::OpenAPI, types: &[syn::Item]) -> Result<TokenStream, String> {
    let paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    let mut out = TokenStream::new();
    for (path, item) in paths {
        for (method, op_node) in item.as_object().into_iter().flatten() {
            if op_node.get("operationId").is_none() {
                continue;
            }
            let op = read_op(raw, ordered, path, item, method, op_node)?;
            let page = page_of(raw, &op, op_node, types)?;
            out.extend(generate_op(&op, page.as_ref()));
        }
    }
    Ok(quote! {
        /// One request type per operation of the spec, started by the [`Client`](crate::Client)
        /// method of the same name. A request owns a clone of its client and its values: it can be
        /// stored, moved into `tokio::spawn`, and awaited where it is needed. Nothing is sent
        /// until it is awaited.
        pub mod requests {
            use super::operations::OperationId;
            use super::types;
            #out
        }
    })
}
