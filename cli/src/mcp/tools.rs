//! The MCP tools, one per operation of the spec's table (`postpress::operations::OPERATIONS`):
//! name, description, input and output schemas and annotations all derived from it, so a new
//! operation in the spec is a new tool (or a failing test), never a hand-typed entry here.

use std::sync::Arc;

use postpress::operations::{Constraints, Field, Location, OPERATIONS, Operation, ValueKind};
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

/// A tool and the operation it calls.
#[derive(Clone, Debug)]
pub struct Entry {
    pub tool: Tool,
    pub operation: &'static Operation,
}

/// Every tool; with `read_only`, only those of read-only operations (`GET`).
pub fn entries(read_only: bool) -> Vec<Entry> {
    OPERATIONS
        .iter()
        .filter(|op| !read_only || is_read_only(op))
        .map(|operation| Entry {
            tool: tool(operation),
            operation,
        })
        .collect()
}

fn is_read_only(op: &Operation) -> bool {
    op.method == "GET"
}

fn tool(op: &'static Operation) -> Tool {
    let mut generator = SchemaSettings::draft2020_12().into_generator();
    let body = op.operation.body_schema(&mut generator).map(|s| s.to_value());
    let answer = op.operation.answer_schema(&mut generator).to_value();
    let definitions = generator.take_definitions(true);
    let summary = crate::text::plain(op.summary);
    let description = if op.description.is_empty() {
        summary.clone()
    } else {
        format!("{summary}\n\n{}", crate::text::plain(op.description))
    };
    // Hints for agents, from the method and the spec's retry rule: what changes or removes state
    // in place (PATCH, PUT, DELETE: a chat action can remove a participant) is destructive; what
    // the spec calls idempotent (a new reaction replaces the old one, a chat action set twice is
    // set) is idempotent. A send or a forward twice is two messages.
    let annotations = ToolAnnotations::with_title(summary)
        .read_only(is_read_only(op))
        .destructive(matches!(op.method, "PATCH" | "PUT" | "DELETE"))
        .idempotent(postpress::retry::is_idempotent(op.operation))
        .open_world(true);
    let tool =
        Tool::new(op.id, description, Arc::new(input_schema(op, body, &definitions))).with_annotations(annotations);
    // A file is content (an image or a resource), not structured content: no output schema.
    if op.download {
        tool
    } else {
        tool.with_raw_output_schema(Arc::new(output_schema(answer, &definitions)))
    }
}

/// The definition a `{"$ref": "#/$defs/Name"}` points to, or the schema itself.
fn resolve<'a>(schema: &'a Value, definitions: &'a Map<String, Value>) -> &'a Value {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/$defs/"))
        .and_then(|name| definitions.get(name))
        .unwrap_or(schema)
}

/// The JSON Schema of a path or query parameter, with the spec's constraints.
fn parameter_schema(field: &Field) -> Value {
    let ty = match field.kind {
        ValueKind::Integer => "integer",
        ValueKind::Number => "number",
        ValueKind::Boolean => "boolean",
        _ => "string",
    };
    let mut schema = Map::new();
    schema.insert("type".into(), ty.into());
    let Constraints {
        min_length,
        max_length,
        pattern,
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
        values,
        min_items,
        max_items,
        ..
    } = field.constraints;
    // A path parameter is never empty (no URL can carry an empty segment).
    let min_length = if field.location == Location::Path {
        min_length.or(Some(1))
    } else {
        min_length
    };
    let mut set = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            schema.insert(key.into(), value);
        }
    };
    set("minLength", min_length.map(Value::from));
    set("maxLength", max_length.map(Value::from));
    set("pattern", pattern.map(Value::from));
    let (min_key, max_key) = (
        if exclusive_minimum {
            "exclusiveMinimum"
        } else {
            "minimum"
        },
        if exclusive_maximum {
            "exclusiveMaximum"
        } else {
            "maximum"
        },
    );
    let number = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 9e15 {
            Value::from(n as i64)
        } else {
            Value::from(n)
        }
    };
    set(min_key, minimum.map(number));
    set(max_key, maximum.map(number));
    if !values.is_empty() {
        let listed = values
            .iter()
            .map(|v| match field.kind {
                ValueKind::Integer | ValueKind::Number => v.parse::<i64>().map(Value::from).unwrap_or(Value::from(*v)),
                _ => Value::from(*v),
            })
            .collect();
        schema.insert("enum".into(), Value::Array(listed));
    }
    schema.insert("description".into(), crate::text::plain(field.description).into());
    if !field.list {
        return Value::Object(schema);
    }
    let description = schema.remove("description").unwrap_or_default();
    let mut list = json!({"type": "array", "items": Value::Object(schema), "description": description});
    if let Some(min) = min_items {
        list["minItems"] = min.into();
    }
    if let Some(max) = max_items {
        list["maxItems"] = max.into();
    }
    list
}

/// Flat arguments: the path parameters, the query parameters, then the body's fields. A body
/// that is a `oneOf` (the chat action: an action with its value, or `getInviteLink`) stays one,
/// beside the parameters.
fn input_schema(op: &Operation, body: Option<Value>, definitions: &Map<String, Value>) -> JsonObject {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in op.fields.iter().filter(|f| f.location != Location::Body) {
        properties.insert(field.name.to_string(), parameter_schema(field));
        if field.required {
            required.push(Value::from(field.name));
        }
    }
    let mut root = Map::new();
    root.insert("type".into(), "object".into());
    if let Some(body) = &body {
        let body = resolve(body, definitions);
        if let Some(fields) = body.get("properties").and_then(Value::as_object) {
            properties.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
            required.extend(
                body.get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
            if let Some(additional) = body.get("additionalProperties") {
                root.insert("additionalProperties".into(), additional.clone());
            }
        }
        if let Some(alternatives) = body.get("oneOf").or_else(|| body.get("anyOf")) {
            root.insert("oneOf".into(), alternatives.clone());
        }
    }
    if op.multipart {
        let files = op.fields.iter().filter(|f| f.kind == ValueKind::Binary);
        for field in files.map(|f| f.name) {
            let Some(property) = properties.get_mut(field).and_then(Value::as_object_mut) else {
                continue;
            };
            let what = if property.get("type") == Some(&json!("array")) {
                "Paths of local files, each sent as a part of its own, in order"
            } else {
                "Path of a local file"
            };
            let text = format!("{what}, inside the server's files root (streamed from disk).");
            property.insert("description".into(), Value::String(text));
        }
    }
    root.insert("properties".into(), Value::Object(properties));
    root.insert("required".into(), Value::Array(required));
    if !definitions.is_empty() {
        root.insert("$defs".into(), Value::Object(definitions.clone()));
    }
    root
}

/// The answer's schema as the root object, with the definitions it refers to.
fn output_schema(answer: Value, definitions: &Map<String, Value>) -> JsonObject {
    let mut root = match resolve(&answer, definitions) {
        Value::Object(object) => object.clone(),
        _ => Map::new(),
    };
    root.entry("type").or_insert_with(|| "object".into());
    if !definitions.is_empty() {
        root.insert("$defs".into(), Value::Object(definitions.clone()));
    }
    root
}
