//! What each operation takes, read from the spec once for every generator that needs it (the
//! request types, the operation table's fields): its path and query parameters and top-level body
//! fields, each with its kind, whether it is required, and its constraints; the shape of its body;
//! its answer; and whether it is a list of the API's cursor convention.
//!
//! Spec extension read here: `x-positional: [field, ...]` on an operation makes those (string)
//! body fields arguments of the `Client` method after the path parameters, for the calls whose
//! signature predates the generator (`forward_message(id, to)`, `add_reaction(id, emoji)`).

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
    "from_json",
    "check",
];

/// What a value is in Rust, and how it goes on the wire.
#[derive(Clone, Debug)]
pub enum Kind {
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
pub struct Value_ {
    pub name: String,
    pub ident: syn::Ident,
    pub kind: Kind,
    pub list: bool,
    pub required: bool,
    /// The rule of the value (of each item, for a list), when the spec constrains it.
    pub rule: Option<TokenStream>,
    /// `minItems` / `maxItems` of a list, when the spec gives them.
    pub list_rule: Option<TokenStream>,
    /// Both, for the operation table.
    pub table_rule: TokenStream,
    /// The `enum` values, as wire text.
    pub values: Vec<String>,
    /// Whether the schema is written in place (not a `$ref` to a component, which has a
    /// generated type of its own).
    pub inline: bool,
    pub doc: String,
}

/// The parameters of an operation: its path item's, then its own (each maybe a `$ref`).
pub fn parameters<'a>(item: &'a Value, op: &'a Value) -> impl Iterator<Item = &'a Value> {
    let of = |node: &'a Value| node.get("parameters").and_then(Value::as_array).into_iter().flatten();
    of(item).chain(of(op))
}

pub fn resolve<'a>(raw: &'a Value, node: &'a Value) -> Result<&'a Value, String> {
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

/// `Constraints { fields.. }`, or `None` for no field.
fn constraints(fields: &[TokenStream]) -> Option<TokenStream> {
    (!fields.is_empty())
        .then(|| quote!(crate::operations::Constraints { #(#fields,)* ..crate::operations::Constraints::NONE }))
}

/// The fields of `crate::operations::Constraints` a scalar schema sets.
fn rule_of(schema: &Value) -> Result<Vec<TokenStream>, String> {
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
    let values = enum_values(schema)?;
    if !values.is_empty() {
        fields.push(quote!(values: &[#(#values),*]));
    }
    Ok(fields)
}

fn enum_values(schema: &Value) -> Result<Vec<String>, String> {
    let Some(values) = schema.get("enum").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    values
        .iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(format!("an enum value {other} that is not a string, number or boolean")),
        })
        .collect()
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
        let mut counts = Vec::new();
        for (key, field) in [("minItems", "min_items"), ("maxItems", "max_items")] {
            if schema.get(key).is_some() {
                let value = count(schema, key);
                let field = format_ident!("{field}");
                counts.push(quote!(#field: #value));
            }
        }
        (kind, true, rule_of(items)?, counts)
    } else {
        let kind = match scalar(schema)? {
            Some(kind) => kind,
            None => match component_name(node) {
                Some(component) => Kind::Typed(format_ident!("{}", component.to_upper_camel_case())),
                None => Kind::Json,
            },
        };
        (kind, false, rule_of(schema)?, Vec::new())
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
        rule: constraints(&rule),
        list_rule: constraints(&list_rule),
        table_rule: constraints(&[rule, list_rule].concat()).unwrap_or(quote!(crate::operations::Constraints::NONE)),
        values: enum_values(if list {
            resolve(raw, schema.get("items").unwrap_or(schema))?
        } else {
            schema
        })?,
        inline: node.get("$ref").is_none(),
        doc,
    })
}

/// How an operation's request carries its body.
pub enum BodyShape {
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
pub struct Op {
    pub id: String,
    pub variant: syn::Ident,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub path_params: Vec<Value_>,
    pub query: Vec<Value_>,
    pub body: BodyShape,
    pub positional: Vec<String>,
    pub answer: syn::Ident,
    /// For a list of the API's cursor convention: what `.pages()` and `.items()` need.
    pub page: Option<Page>,
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
    for parameter in parameters(item, op) {
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
        page: None,
    })
}

/// What `.pages()` and `.items()` need of a paginated operation's answer.
pub struct Page {
    pub item: TokenStream,
    pub items_expr: TokenStream,
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

/// Every operation of the spec, sorted by path. `types` is the generated `types` module's items
/// (for the item types of paginated answers).
pub fn read_all(raw: &Value, ordered: &openapiv3::OpenAPI, types: &[syn::Item]) -> Result<Vec<Op>, String> {
    let paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    let mut ops = Vec::new();
    for (path, item) in paths {
        for (method, op_node) in item.as_object().into_iter().flatten() {
            if op_node.get("operationId").is_none() {
                continue;
            }
            let mut op = read_op(raw, ordered, path, item, method, op_node)?;
            op.page = page_of(raw, &op, op_node, types)?;
            ops.push(op);
        }
    }
    Ok(ops)
}
