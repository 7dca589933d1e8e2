//! Each operation of the spec, read once (after [`super::normalize`]) into what every generator
//! needs: its id, method and path; its path and query parameters and body fields, each with its
//! kind, whether it is required, and its constraints; the shape of its body; its documented
//! statuses and answer (a type, or a download); its retry rule; its examples; and whether it is a
//! list of the API's cursor convention. The request types, the operation table, the dynamic
//! requests and the fake's answers all read this, never the spec again.
//!
//! Spec extensions read here: `x-positional: [field, ...]` on an operation makes those (string)
//! body fields arguments of the `Client` method after the path parameters, for the calls whose
//! signature predates the generator (`forward_message(id, to)`, `add_reaction(id, emoji)`);
//! `x-idempotent: true|false` says whether repeating the operation has the effect of doing it
//! once (the retry rule's input), overriding what its method says.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::constraints::Constraints;
use super::names;
use super::normalize::{METHODS, is_binary, is_json_media, pointer_token};
use super::spec::{resolve, resolved};
use super::typify_types::TypifyTypes;

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
    "path",
    // The generated request type's own helpers (`request_type!`).
    "set",
    "push",
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
    /// A value of a generated type (a component, or the type typify made for a body field).
    Typed(TokenStream),
    /// Any JSON value (a schema with no type of its own).
    Json,
}

impl Kind {
    /// Whether a value of this kind is a JSON value (an object, a list of them, a union), which
    /// a form sends as a JSON part.
    pub fn is_json(&self) -> bool {
        matches!(self, Kind::Typed(_) | Kind::Json)
    }
}

/// A path or query parameter, or a top-level body field.
#[derive(Debug)]
pub struct Input {
    pub name: String,
    pub ident: syn::Ident,
    pub kind: Kind,
    pub list: bool,
    pub required: bool,
    /// The spec's constraints on it (of each item, and `minItems` / `maxItems` for a list), which
    /// the operation table holds and the checks read.
    pub constraints: Constraints,
    /// What a JSON value (each item, for a list) must hold below its top, when the spec
    /// constrains anything there (`codegen/shapes.rs`).
    pub shape: Option<super::shapes::Shape>,
    pub doc: String,
    /// A form part's `Content-Type`, from the spec's `encoding` (a concrete type, not a range).
    pub part_type: Option<String>,
    /// Its schema as the spec writes it (a reference not followed): what an example is built from.
    pub schema: Value,
    /// The spec's example of it (a parameter's `example`).
    pub example: Option<Value>,
}

/// A documented error type, as an error response's named example shows it.
#[derive(Clone, Debug)]
pub struct ErrorExample {
    /// The envelope's `type` (`errors/resource_not_found`).
    pub wire: String,
    pub status: u16,
    /// The example's `detail`.
    pub detail: String,
}

/// A media type of an answer or a body: its schema as written, and the spec's example of it
/// (its `example`, or the first of its `examples`).
#[derive(Clone, Debug, Default)]
pub struct Media {
    pub schema: Option<Value>,
    pub example: Option<Value>,
}

/// How an operation's request carries its body.
pub enum BodyShape {
    None,
    /// An object with properties: one setter per field.
    Fields {
        multipart: bool,
        fields: Vec<Input>,
        /// What the fields must hold together, beyond each one's rule: the object's
        /// [`narrowing_union`](super::normalize::narrowing_union), read as any JSON.
        rule: Option<super::shapes::Shape>,
        /// No other field may be sent (`additionalProperties: false`).
        closed: bool,
    },
    /// Any other JSON body: one `.body(value)` setter taking the generated type.
    Whole {
        ty: syn::Ident,
        required: bool,
        /// What the body must hold below its top (`codegen/shapes.rs`).
        shape: Option<super::shapes::Shape>,
    },
}

/// What a success answers.
pub enum Answer {
    /// A JSON value of a generated type (the component's name, and the type's).
    Json { schema: String, ty: syn::Ident },
    /// Bytes: an answer with no content, a `format: binary` one, or one of a media type that is
    /// not JSON. The media type the spec states, if it states one.
    Download { media: Option<String> },
}

/// One operation as the generators see it.
pub struct Op {
    pub id: String,
    /// The part of the API (the Cargo feature) it is in.
    pub part: String,
    pub variant: syn::Ident,
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub path_params: Vec<Input>,
    pub query: Vec<Input>,
    /// Header parameters (but those OpenAPI says to ignore: `Accept`, `Content-Type`,
    /// `Authorization`, and the API key's header, which the client sends).
    pub headers: Vec<Input>,
    pub body: BodyShape,
    /// The component the body is, for the operation table (and the JSON Schema of the body).
    pub body_schema: Option<String>,
    /// The Rust type of that component, as typify named it.
    pub body_type: Option<syn::Ident>,
    pub positional: Vec<String>,
    /// The documented success statuses, ascending: the first is the one a fake answers.
    pub success: Vec<u16>,
    /// The documented error statuses, ascending.
    pub errors: Vec<u16>,
    /// The error types its error responses' named examples show.
    pub error_examples: Vec<ErrorExample>,
    pub answer: Answer,
    /// The first success answer's JSON, if it has some: what its example is built from.
    pub answer_media: Option<Media>,
    /// The body's form or JSON: what a request's example is built from.
    pub body_media: Option<Media>,
    /// The retry rule's input: GET, HEAD, PUT, DELETE and OPTIONS are idempotent by HTTP's
    /// definition; `x-idempotent` says so for any other method, or overrides it.
    pub idempotent: bool,
    /// For a list of the API's cursor convention: what `.pages()` and `.items()` need.
    pub page: Option<Page>,
    /// A success answer: the spec's example, or one built from the answer's schema (`null` for a
    /// download).
    pub answer_example: Value,
    /// A valid request's arguments by name: the required ones.
    pub request_example: Value,
    /// A valid request's arguments by name: every parameter and field.
    pub full_request_example: Value,
}

impl Op {
    /// The fields of the body, when it has fields.
    pub fn body_fields(&self) -> &[Input] {
        match &self.body {
            BodyShape::Fields { fields, .. } => fields,
            _ => &[],
        }
    }

    pub fn multipart(&self) -> bool {
        matches!(self.body, BodyShape::Fields { multipart: true, .. })
    }

    /// The values of its row of the operation table, in that order: the path parameters, the
    /// query parameters, the headers, then the body's fields (a whole body is one more row,
    /// after these). A request stores each value by its index here.
    pub fn table_fields(&self) -> Vec<&Input> {
        self.path_params
            .iter()
            .chain(&self.query)
            .chain(&self.headers)
            .chain(self.body_fields())
            .collect()
    }
}

/// What `.pages()` and `.items()` need of a paginated operation's answer, as typify typed its
/// `items` and `cursor`.
pub struct Page {
    /// One item's type.
    pub item: TokenStream,
    /// Whether `items` is an `Option` (an answer may leave it out).
    pub items_optional: bool,
    /// Whether `cursor` is an `Option`.
    pub cursor_optional: bool,
    /// Whether `cursor` is any JSON value (it ends the pages when it is not a string).
    pub cursor_any: bool,
}

impl Page {
    /// The page's items, from `page`.
    pub fn items_expr(&self) -> TokenStream {
        if self.items_optional {
            quote!(page.items.unwrap_or_default())
        } else {
            quote!(page.items)
        }
    }

    /// The next page's cursor, from `page` (`None` ends the pages).
    pub fn cursor_expr(&self) -> TokenStream {
        match (self.cursor_optional, self.cursor_any) {
            (true, true) => quote!(page.cursor.as_ref().and_then(|cursor| cursor.as_str())),
            (true, false) => quote!(page.cursor.as_ref().map(|cursor| cursor.as_str())),
            (false, _) => quote!(page.cursor.as_str()),
        }
    }
}

fn text(node: &Value, field: &str) -> String {
    node.get(field).and_then(Value::as_str).unwrap_or("").trim().to_string()
}

fn component_name(node: &Value) -> Option<&str> {
    node.get("$ref")?.as_str()?.strip_prefix("#/components/schemas/")
}

/// The names an object schema's `required` lists.
pub(super) fn required_names(schema: &Value) -> impl Iterator<Item = &str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// The scalar kind of a schema (a reference followed), if it is a scalar.
fn scalar(raw: &Value, node: &Value) -> Option<Kind> {
    let schema = resolved(raw, node);
    let ty = schema.get("type").and_then(Value::as_str);
    Some(match ty {
        Some("string") if is_binary(schema) => Kind::Binary,
        Some("string") if schema.get("enum").is_some() => Kind::Enum,
        Some("string") => Kind::Text,
        Some("integer") => Kind::Integer,
        Some("number") => Kind::Number,
        Some("boolean") => Kind::Boolean,
        _ => return None,
    })
}

/// A list's item schema: the `items` of an array, or (for a value that may be one value or a
/// list of them, `oneOf: [T, array of T]`) the single value's schema.
fn list_item<'a>(raw: &'a Value, node: &'a Value) -> Option<&'a Value> {
    let schema = resolved(raw, node);
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        return schema.get("items");
    }
    let branches = schema.get("oneOf").or_else(|| schema.get("anyOf"))?.as_array()?;
    let [a, b] = branches.as_slice() else { return None };
    let is_list = |s: &Value| resolved(raw, s).get("type").and_then(Value::as_str) == Some("array");
    let (single, list) = match (is_list(a), is_list(b)) {
        (false, true) => (a, b),
        (true, false) => (b, a),
        _ => return None,
    };
    let items = resolved(raw, list).get("items")?;
    // The list's items are drawn from the single value's kind.
    let same_kind = match (scalar(raw, single), scalar(raw, items)) {
        (Some(x), Some(y)) => std::mem::discriminant(&x) == std::mem::discriminant(&y),
        _ => false,
    };
    same_kind.then_some(single)
}

/// Reads one value: a parameter (`field_type` is `None`) or a body field (`field_type` is the
/// type typify gave the field, for a value with no scalar kind).
fn value(
    raw: &Value,
    name: &str,
    node: &Value,
    required: bool,
    doc: String,
    field_type: Option<TokenStream>,
) -> Result<Input, String> {
    let schema = resolved(raw, node);
    let (item_node, list) = match list_item(raw, node) {
        Some(item) => (item, true),
        None => (node, false),
    };
    let item = resolved(raw, item_node);
    let kind = match scalar(raw, item_node) {
        Some(kind) => kind,
        None => match field_type {
            Some(ty) => Kind::Typed(ty),
            None => Kind::Json,
        },
    };
    let mut constraints = Constraints::of_scalar(item)?;
    if list {
        constraints = constraints.with_counts(schema);
    }
    let shape = match &kind {
        Kind::Typed(_) => super::shapes::of(raw, item_node, false)?,
        Kind::Json => super::shapes::of(raw, item_node, true)?,
        _ => None,
    };
    let doc = if doc.is_empty() {
        text(schema, "description")
    } else {
        doc
    };
    Ok(Input {
        name: name.to_string(),
        ident: names::member(name),
        constraints,
        shape,
        kind,
        list,
        required,
        doc,
        part_type: None,
        schema: node.clone(),
        example: None,
    })
}

/// The parameters of an operation: its path item's, overridden by its own of the same name and
/// place (each maybe a `$ref`).
fn parameters<'a>(raw: &'a Value, item: &'a Value, op: &'a Value) -> Result<Vec<&'a Value>, String> {
    let mut out: Vec<&Value> = Vec::new();
    for node in [item, op] {
        for parameter in node.get("parameters").and_then(Value::as_array).into_iter().flatten() {
            let parameter = resolve(raw, parameter)?;
            let key = (parameter.get("name"), parameter.get("in"));
            out.retain(|p| (p.get("name"), p.get("in")) != key);
            out.push(parameter);
        }
    }
    Ok(out)
}

/// The operation's body: its fields (an object's), or the whole of it.
fn read_body(
    raw: &Value,
    types: &TypifyTypes<'_>,
    id: &str,
    op: &Value,
) -> Result<(BodyShape, Option<String>), String> {
    let Some(body) = op.get("requestBody") else {
        return Ok((BodyShape::None, None));
    };
    let body = resolve(raw, body)?;
    let required = body.get("required").and_then(Value::as_bool) == Some(true);
    let content = body
        .get("content")
        .and_then(Value::as_object)
        .ok_or(format!("{id}: a body without content"))?;
    let form = content.get("multipart/form-data");
    let (multipart, node) = if let Some(media) = form {
        (true, media.get("schema"))
    } else if let Some((_, media)) = content.iter().find(|(media, _)| is_json_media(media)) {
        (false, media.get("schema"))
    } else {
        let media: Vec<&String> = content.keys().collect();
        return Err(format!(
            "{id}: a body of {media:?}: only JSON and multipart/form-data bodies can be sent"
        ));
    };
    let node = node.ok_or(format!("{id}: a body without a schema"))?;
    let component = component_name(node).map(str::to_string);
    let schema = resolved(raw, node);
    // A union whose branches only say which fields must be present (and bound them further) is
    // the fields' rule, not another shape of body.
    let narrowing = super::normalize::narrowing_union(schema);
    let is_object = schema.get("properties").and_then(Value::as_object).is_some()
        && matches!(schema.get("type").and_then(Value::as_str), Some("object") | None)
        && (narrowing.is_some() || (schema.get("oneOf").is_none() && schema.get("anyOf").is_none()))
        && schema.get("allOf").is_none();
    if !is_object {
        if multipart {
            return Err(format!("{id}: a multipart body must be an object with properties"));
        }
        let name = component.clone().ok_or(format!("{id}: the body has no type"))?;
        let ty = types
            .name_of(&name)
            .map(names::ident)
            .ok_or(format!("{id}: no generated type for the body schema {name}"))?;
        let shape = super::shapes::of(raw, node, false)?;
        return Ok((BodyShape::Whole { ty, required, shape }, component));
    }
    let required_fields: BTreeSet<&str> = required_names(schema).collect();
    let mut fields = Vec::new();
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let typed = match component.as_deref() {
            Some(component) => types.field(component, name)?.map(|field| field.ty),
            None => None,
        };
        let mut value = value(
            raw,
            name,
            property,
            required_fields.contains(name.as_str()),
            String::new(),
            typed,
        )?;
        value.part_type = form
            .and_then(|media| media.pointer(&format!("/encoding/{}/contentType", pointer_token(name))))
            .and_then(Value::as_str)
            .filter(|given| !given.contains('*') && !given.contains(','))
            .map(str::to_string);
        if !multipart && matches!(value.kind, Kind::Binary) {
            return Err(format!("{id}: binary field {name} in a JSON body"));
        }
        fields.push(value);
    }
    // In the order the spec writes them: a form's parts go out in this order.
    let order = super::spec::property_order(schema);
    fields.sort_by_key(|f| order.iter().position(|n| *n == f.name).unwrap_or(usize::MAX));
    let rule = match narrowing {
        Some(key) => {
            let union = serde_json::json!({ key: narrowed_branches(raw, schema, key) });
            Some(super::shapes::of(raw, &union, true)?.ok_or(format!("{id}: the body's {key} constrains nothing"))?)
        }
        None => None,
    };
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    Ok((
        BodyShape::Fields {
            multipart,
            fields,
            rule,
            closed,
        },
        component,
    ))
}

/// The branches of an object's narrowing union, each bound written over the property's own
/// schema (a branch bounds a property without restating its type).
pub(super) fn narrowed_branches(raw: &Value, schema: &Value, key: &str) -> Vec<Value> {
    let own = schema.get("properties");
    let branches = schema.get(key).and_then(Value::as_array).into_iter().flatten();
    branches
        .map(|branch| {
            let mut branch = branch.clone();
            if let Some(properties) = branch.get_mut("properties").and_then(Value::as_object_mut) {
                for (name, bounds) in properties.iter_mut() {
                    let Some(property) = own.and_then(|own| own.get(name)) else {
                        continue;
                    };
                    let mut merged = resolved(raw, property).clone();
                    if let (Some(merged), Some(bounds)) = (merged.as_object_mut(), bounds.as_object()) {
                        merged.extend(bounds.clone());
                    }
                    *bounds = merged;
                }
            }
            branch
        })
        .collect()
}

/// What an operation answers: its success statuses and what they answer (all alike), its error
/// statuses, and the error types their examples show.
struct Answers {
    success: Vec<u16>,
    errors: Vec<u16>,
    answer: Answer,
    answer_media: Option<Media>,
    error_examples: Vec<ErrorExample>,
}

fn read_answer(raw: &Value, types: &TypifyTypes<'_>, id: &str, op: &Value) -> Result<Answers, String> {
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or(format!("{id}: no responses"))?;
    let mut success = Vec::new();
    let mut errors = Vec::new();
    let mut error_examples = Vec::new();
    let mut answer: Option<(u16, Option<String>)> = None;
    let mut media_type: Option<String> = None;
    let mut answer_media = None;
    for (code, response) in responses {
        if code == "default" {
            continue;
        }
        let status: u16 = code.parse().ok().filter(|s| (100..600).contains(s)).ok_or(format!(
            "{id}: response {code} is not a status (ranges such as 2XX are not supported)"
        ))?;
        if !(200..300).contains(&status) {
            errors.push(status);
            error_examples.extend(error_examples_of(raw, resolve(raw, response)?).map_err(|e| format!("{id}: {e}"))?);
            continue;
        }
        success.push(status);
        let response = resolve(raw, response)?;
        if media_type.is_none() {
            media_type = response
                .get("content")
                .and_then(Value::as_object)
                .and_then(|content| content.keys().next().cloned());
        }
        let json_media = response
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .find(|(media, _)| is_json_media(media))
            .map(|(_, media)| media);
        if answer.is_none() {
            // The first success's JSON is what an example answer is made from.
            answer_media = json_media.map(|found| media(raw, found)).transpose()?;
        }
        let json = json_media
            .and_then(|media| media.get("schema"))
            .filter(|schema| !is_binary(resolved(raw, schema)));
        let this = match json {
            Some(schema) => Some(
                component_name(schema)
                    .ok_or(format!("{id}: the {status} answer's schema was not named"))?
                    .to_string(),
            ),
            None => None,
        };
        match &answer {
            None => answer = Some((status, this)),
            Some((first, seen)) if *seen != this => {
                return Err(format!(
                    "{id}: the {first} and {status} answers differ (one type or one download per operation)"
                ));
            }
            Some(_) => {}
        }
    }
    success.sort_unstable();
    errors.sort_unstable();
    let (_, schema) = answer.ok_or(format!("{id}: no success response"))?;
    let answer = match schema {
        Some(schema) => {
            let ty = types
                .name_of(&schema)
                .map(names::ident)
                .ok_or(format!("{id}: no generated type for the answer schema {schema}"))?;
            Answer::Json { schema, ty }
        }
        None => Answer::Download { media: media_type },
    };
    Ok(Answers {
        success,
        errors,
        answer,
        answer_media,
        error_examples,
    })
}

fn read_op(
    raw: &Value,
    types: &TypifyTypes<'_>,
    path: &str,
    item: &Value,
    method: &str,
    op: &Value,
) -> Result<Op, String> {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or(format!("{} {path}: no operationId", method.to_uppercase()))?
        .to_string();
    let mut path_params = Vec::new();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for parameter in parameters(raw, item, op)? {
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .ok_or(format!("{id}: a parameter without a name"))?;
        let schema = parameter.get("schema").ok_or(format!(
            "{id}: parameter {name} has no schema (a `content` parameter cannot be sent)"
        ))?;
        let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
        let doc = text(parameter, "description");
        let mut value = value(raw, name, schema, required, doc, None)?;
        value.example = parameter.get("example").cloned();
        let style = parameter.get("style").and_then(Value::as_str);
        let explode = parameter.get("explode").and_then(Value::as_bool);
        match parameter.get("in").and_then(Value::as_str) {
            Some("path") => {
                if value.kind.is_json() || matches!(value.kind, Kind::Binary) || value.list {
                    return Err(format!(
                        "{id}: path parameter {name} is not a string, a number or a boolean, which a path can carry"
                    ));
                }
                path_params.push(value)
            }
            Some("query") => {
                if value.kind.is_json() || matches!(value.kind, Kind::Binary) {
                    return Err(format!(
                        "{id}: query parameter {name} is an object or a union, which this generator cannot send \
                         in a query (only scalars and lists of scalars, as form style)"
                    ));
                }
                if style.is_some_and(|s| s != "form") || (value.list && explode == Some(false)) {
                    return Err(format!(
                        "{id}: query parameter {name} asks for style {} explode {}: this generator sends \
                         form style, exploded (OpenAPI's default)",
                        style.unwrap_or("form"),
                        explode.unwrap_or(true)
                    ));
                }
                query.push(value)
            }
            Some("header") => {
                let lower = name.to_ascii_lowercase();
                if matches!(
                    lower.as_str(),
                    "accept" | "content-type" | "authorization" | "x-api-key"
                ) {
                    // OpenAPI: such a definition "SHALL be ignored" (the key is the client's).
                    continue;
                }
                if value.kind.is_json() || matches!(value.kind, Kind::Binary) {
                    return Err(format!(
                        "{id}: header parameter {name} is an object or a union, which this generator cannot send in a header"
                    ));
                }
                if lower.is_empty()
                    || !lower
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
                {
                    return Err(format!("{id}: header parameter {name:?} is not a valid header name"));
                }
                headers.push(value)
            }
            Some("cookie") => {
                if required {
                    return Err(format!(
                        "{id}: required parameter {name} is in a cookie, which this generator cannot send"
                    ));
                }
                // An optional cookie is left out.
            }
            Some(other) => return Err(format!("{id}: parameter {name} is in {other}")),
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

    let (body, body_schema) = read_body(raw, types, &id, op)?;
    let body_type = match &body_schema {
        Some(schema) => {
            Some(names::ident(types.name_of(schema).ok_or(format!(
                "{id}: no generated type for the body schema {schema}"
            ))?))
        }
        None => None,
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
            ..
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

    let Answers {
        success,
        errors,
        answer,
        answer_media,
        error_examples,
    } = read_answer(raw, types, &id, op)?;

    let method_upper = method.to_uppercase();
    let idempotent = match op.get("x-idempotent") {
        Some(Value::Bool(declared)) => *declared,
        Some(other) => return Err(format!("{id}: x-idempotent must be true or false, not {other}")),
        None => matches!(method_upper.as_str(), "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS"),
    };

    let mut names_seen = BTreeSet::new();
    let body_fields: &[Input] = match &body {
        BodyShape::Fields { fields, .. } => fields,
        _ => &[],
    };
    for value in in_template.iter().chain(&query).chain(&headers).chain(body_fields) {
        if RESERVED.contains(&value.ident.to_string().as_str())
            || (value.ident == "body" && matches!(body, BodyShape::Whole { .. }))
        {
            return Err(format!("{id}: {} is a name the request's own methods use", value.name));
        }
        if !names_seen.insert(value.ident.to_string()) {
            return Err(format!("{id}: two parameters or fields are named {}", value.name));
        }
    }

    let mut op_model = Op {
        part: super::parts::part_of(raw, path, method, op)?,
        variant: names::type_ident(&id),
        method: method_upper,
        path: path.to_string(),
        summary: text(op, "summary"),
        description: text(op, "description"),
        path_params: in_template,
        query,
        headers,
        body,
        body_schema,
        body_type,
        positional,
        success,
        errors,
        error_examples,
        answer,
        answer_media,
        body_media: body_media(raw, op)?,
        idempotent,
        page: None,
        answer_example: Value::Null,
        request_example: Value::Null,
        full_request_example: Value::Null,
        id,
    };
    op_model.answer_example = super::examples::answer(raw, &op_model).map_err(|e| format!("{}: {e}", op_model.id))?;
    op_model.request_example =
        super::examples::request(raw, &op_model, false).map_err(|e| format!("{}: {e}", op_model.id))?;
    op_model.full_request_example =
        super::examples::request(raw, &op_model, true).map_err(|e| format!("{}: {e}", op_model.id))?;
    op_model.page = page_of(raw, &op_model, types)?;
    Ok(op_model)
}

/// The documented error types an error response's named examples show, when its JSON is the
/// error envelope.
fn error_examples_of(raw: &Value, response: &Value) -> Result<Vec<ErrorExample>, String> {
    let Some(media) = response.pointer("/content/application~1json") else {
        return Ok(Vec::new());
    };
    if media.pointer("/schema/$ref").and_then(Value::as_str) != Some("#/components/schemas/ErrorEnvelope") {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for (name, example) in media.get("examples").and_then(Value::as_object).into_iter().flatten() {
        let value = resolve(raw, example)?
            .get("value")
            .ok_or(format!("error example {name} has no value"))?;
        let wire = value
            .get("type")
            .and_then(Value::as_str)
            .ok_or(format!("error example {name} has no type"))?;
        let status = value
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .ok_or(format!("error example {name} has no status"))?;
        found.push(ErrorExample {
            wire: wire.to_string(),
            status,
            detail: value.get("detail").and_then(Value::as_str).unwrap_or("").to_string(),
        });
    }
    Ok(found)
}

/// A media type's schema and the spec's example of it (its `example`, or the first of its
/// `examples`).
fn media(raw: &Value, media: &Value) -> Result<Media, String> {
    let example = match media.get("example") {
        Some(example) => Some(example.clone()),
        None => match media
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|e| e.values().next())
        {
            Some(example) => resolve(raw, example)?.get("value").cloned(),
            None => None,
        },
    };
    Ok(Media {
        schema: media.get("schema").cloned(),
        example,
    })
}

/// The body's media type: its form, or else its JSON.
fn body_media(raw: &Value, op: &Value) -> Result<Option<Media>, String> {
    let Some(body) = op.get("requestBody") else {
        return Ok(None);
    };
    let content = resolve(raw, body)?.get("content").and_then(Value::as_object);
    let found = content.and_then(|c| {
        c.get("multipart/form-data")
            .or_else(|| c.iter().find(|(name, _)| is_json_media(name)).map(|(_, m)| m))
    });
    found.map(|found| media(raw, found)).transpose()
}

/// Whether `op` follows the API's cursor convention, and its item type: that of the answer
/// struct's `items`, asked of typify (whose naming of an inline item type is its own).
fn page_of(raw: &Value, op: &Op, types: &TypifyTypes<'_>) -> Result<Option<Page>, String> {
    let Some(cursor) = op.query.iter().find(|q| q.name == "cursor") else {
        return Ok(None);
    };
    if cursor.required || cursor.list || !matches!(cursor.kind, Kind::Text) {
        return Ok(None);
    }
    let Answer::Json { schema, .. } = &op.answer else {
        return Ok(None);
    };
    let answer = raw
        .pointer(&format!("/components/schemas/{}", pointer_token(schema)))
        .ok_or(format!("{}: no schema {schema}", op.id))?;
    let items = answer.pointer("/properties/items").map(|s| resolved(raw, s));
    let is_array = items.and_then(|s| s.get("type")).and_then(Value::as_str) == Some("array");
    let cursor_schema = answer.pointer("/properties/cursor").map(|s| resolved(raw, s));
    // A cursor that may be null (or be anything, null included) ends the pages when it is.
    let cursor_ends = cursor_schema.is_some_and(|s| {
        s.get("nullable").and_then(Value::as_bool) == Some(true)
            || s.as_object()
                .is_some_and(|o| o.keys().all(|k| k == "description" || k == "title"))
    });
    if !is_array || !cursor_ends {
        return Ok(None);
    }
    let id = &op.id;
    let items = types
        .field(schema, "items")?
        .filter(|items| items.list)
        .ok_or(format!("{id}: the type of {schema} has no list `items`"))?;
    let cursor = types
        .field(schema, "cursor")?
        .ok_or(format!("{id}: the type of {schema} has no field cursor"))?;
    // A cursor that is neither optional nor any JSON value never ends the pages.
    if !cursor.optional && !cursor.any {
        return Ok(None);
    }
    Ok(Some(Page {
        item: items.ty,
        items_optional: items.optional,
        cursor_optional: cursor.optional,
        cursor_any: cursor.any,
    }))
}

/// Every operation of the spec, sorted by path then method. `types` are the types typify made
/// (those of answers, bodies and their fields, asked of typify by their schemas' names).
pub fn read_all(raw: &Value, types: &TypifyTypes<'_>) -> Result<Vec<Op>, String> {
    let paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    let mut ops = Vec::new();
    let mut ids = BTreeSet::new();
    for (path, item) in paths {
        let item = resolve(raw, item)?;
        // In the order of their names, as the spec's map keeps them.
        let methods = item
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(m, _)| METHODS.contains(&m.as_str()));
        for (method, op_node) in methods {
            if op_node.get("operationId").is_none() {
                return Err(format!(
                    "{} {path} has no operationId: every operation needs one (it names the method, the command and the tool)",
                    method.to_uppercase()
                ));
            }
            let op = read_op(raw, types, path, item, method, op_node)?;
            if !ids.insert(op.variant.to_string()) {
                return Err(format!("{}: two operations are named {}", op.id, op.variant));
            }
            ops.push(op);
        }
    }
    Ok(ops)
}

/// The model as plain text, one operation a block: what it takes (each value's place, name,
/// Rust kind, whether it is required or a list) and what it answers. A test compares it with
/// `codegen/model_of_the_spec.txt`: a type or a name the generator reads differently shows there
/// as data, not as a compile error somewhere downstream.
pub fn describe(ops: &[Op]) -> String {
    use std::fmt::Write;
    let kind = |value: &Input| -> String {
        let kind = match &value.kind {
            Kind::Text => "text".to_string(),
            Kind::Enum => "enum".to_string(),
            Kind::Integer => "integer".to_string(),
            Kind::Number => "number".to_string(),
            Kind::Boolean => "boolean".to_string(),
            Kind::Binary => "binary".to_string(),
            Kind::Json => "json".to_string(),
            Kind::Typed(ty) => ty.to_string().replace(' ', ""),
        };
        let list = if value.list { "list of " } else { "" };
        let required = if value.required { "required" } else { "optional" };
        let constraints = match value.constraints.describe() {
            text if text.is_empty() => String::new(),
            text => format!(" [{text}]"),
        };
        let shape = match &value.shape {
            Some(shape) => format!(", holding {}", shape.describe()),
            None => String::new(),
        };
        format!(
            "{} `{}`: {list}{kind}, {required}{constraints}{shape}",
            value.name, value.ident
        )
    };
    let mut out = String::new();
    for op in ops {
        let _ = writeln!(out, "{} ({}): {} {}", op.id, op.part, op.method, op.path);
        for (place, values) in [("path", &op.path_params), ("query", &op.query), ("header", &op.headers)] {
            for value in values {
                let _ = writeln!(out, "  {place} {}", kind(value));
            }
        }
        match &op.body {
            BodyShape::None => {}
            BodyShape::Fields {
                multipart,
                fields,
                rule,
                closed,
            } => {
                let place = if *multipart { "form" } else { "body" };
                if *closed {
                    let _ = writeln!(out, "  {place} closed: no other field");
                }
                for value in fields {
                    let _ = writeln!(out, "  {place} {}", kind(value));
                }
                if let Some(rule) = rule {
                    let _ = writeln!(out, "  {place} holds {}", rule.describe());
                }
            }
            BodyShape::Whole { ty, required, shape } => {
                let shape = match shape {
                    Some(shape) => format!(", holding {}", shape.describe()),
                    None => String::new(),
                };
                let required = if *required { "required" } else { "optional" };
                let _ = writeln!(out, "  body: {ty}, {required}{shape}");
            }
        }
        let answer = match &op.answer {
            Answer::Json { ty, .. } => ty.to_string(),
            Answer::Download { media } => format!("download {}", media.as_deref().unwrap_or("")),
        };
        let _ = writeln!(out, "  answers {answer} ({:?}); errors {:?}", op.success, op.errors);
        if let Some(page) = &op.page {
            let _ = writeln!(
                out,
                "  pages of {}{}, cursor {}{}",
                page.item.to_string().replace(' ', ""),
                if page.items_optional { " (items optional)" } else { "" },
                if page.cursor_optional { "optional " } else { "" },
                if page.cursor_any { "any JSON" } else { "text" }
            );
        }
        let _ = writeln!(out, "  {}", if op.idempotent { "idempotent" } else { "not idempotent" });
    }
    out
}
