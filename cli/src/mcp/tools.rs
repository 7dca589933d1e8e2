//! The MCP tools, one per operation of the spec's table (`postpress::operations::OPERATIONS`):
//! name, description, input and output schemas and annotations all derived from it, so a new
//! operation in the spec is a new tool (or a failing test), never a hand-typed entry here.

use std::sync::Arc;

use postpress::operations::{OPERATIONS, Operation, OperationId};
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

/// The form fields of a multipart operation that carry files: the agent gives local paths.
pub const FILE_FIELDS: [&str; 3] = ["attachments", "voice_message", "video_message"];

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
    let description = if op.description.is_empty() {
        op.summary.to_string()
    } else {
        format!("{}\n\n{}", op.summary, op.description)
    };
    // Hints for agents. A chat action can remove a participant: destructive. A new reaction
    // replaces the old one, and a chat action set twice is set: idempotent (the SDK's retry rule
    // says the same). A send or a forward twice is two messages.
    let annotations = ToolAnnotations::with_title(op.summary)
        .read_only(is_read_only(op))
        .destructive(op.operation == OperationId::PatchChat)
        .idempotent(postpress::retry::is_idempotent(op.operation))
        .open_world(true);
    Tool::new(op.id, description, Arc::new(input_schema(op, body, &definitions)))
        .with_raw_output_schema(Arc::new(output_schema(answer, &definitions)))
        .with_annotations(annotations)
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

/// Flat arguments: the path parameters, then the body's fields. A body that is a `oneOf` (the
/// chat action: an action with its value, or `getInviteLink`) stays one, beside the path
/// parameter.
fn input_schema(op: &Operation, body: Option<Value>, definitions: &Map<String, Value>) -> JsonObject {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for parameter in op.path_parameters {
        properties.insert(
            parameter.name.to_string(),
            json!({"type": "string", "minLength": 1, "description": parameter.description}),
        );
        required.push(Value::from(parameter.name));
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
        for field in FILE_FIELDS {
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
