//! Examples for the operation table. The body the fake server answers for an operation it does
//! not model: the spec's example of the success answer when it has one, otherwise a value built
//! from the answer's schema (every required
//! field, the first of an enum, the smallest allowed number, an empty list, `null` where allowed),
//! so that it validates against the schema. A list's `cursor` is `null`: a client following pages
//! stops. And a valid request of each operation, by its arguments' names, for tests and tools
//! that exercise every operation.

use serde_json::{Map, Value};

use super::model::resolve;

/// The success answer's example, or one built from its schema.
pub fn answer(raw: &Value, op: &Value) -> Result<Value, String> {
    let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .ok_or(format!("{id}: no responses"))?;
    let (_, response) = responses
        .iter()
        .find(|(code, _)| code.starts_with('2'))
        .ok_or(format!("{id}: no success response"))?;
    let response = resolve(raw, response)?;
    let Some(media) = response.pointer("/content/application~1json") else {
        return Ok(Value::Null);
    };
    if let Some(example) = media.get("example") {
        return Ok(example.clone());
    }
    let first = media
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|examples| examples.values().next());
    if let Some(example) = first
        && let Some(value) = resolve(raw, example)?.get("value")
    {
        return Ok(value.clone());
    }
    let schema = media
        .get("schema")
        .ok_or(format!("{id}: a success answer without a schema"))?;
    build(raw, schema, 0).map_err(|e| format!("{id}: {e}"))
}

/// Arguments of a valid request by name (what `AnyRequest::from_json` takes): each path parameter
/// and each required query parameter from its example (or one built from its schema), and the
/// body's example (or one built from its schema), flat when it is an object.
pub fn request(raw: &Value, item: &Value, op: &Value) -> Result<Value, String> {
    let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
    let mut arguments = Map::new();
    for parameter in super::model::parameters(item, op) {
        let parameter = resolve(raw, parameter)?;
        let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or("");
        let example = match parameter.get("example") {
            Some(example) => example.clone(),
            None if required => build(raw, parameter.get("schema").unwrap_or(&Value::Null), 0)
                .map_err(|e| format!("{id}: {name}: {e}"))?,
            None => continue,
        };
        arguments.insert(name.to_string(), example);
    }
    let media = op
        .pointer("/requestBody/content/application~1json")
        .or_else(|| op.pointer("/requestBody/content/multipart~1form-data"));
    if let Some(media) = media {
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
        let body = match example {
            Some(example) => example,
            None => build(raw, media.get("schema").unwrap_or(&Value::Null), 0)
                .map_err(|e| format!("{id}: the body: {e}"))?,
        };
        let schema = resolve(raw, media.get("schema").unwrap_or(&Value::Null))?;
        let has_fields =
            schema.get("properties").is_some() && schema.get("type").and_then(Value::as_str) == Some("object");
        match body {
            Value::Object(fields) if has_fields => arguments.extend(fields),
            whole => {
                arguments.insert("body".into(), whole);
            }
        }
    }
    Ok(Value::Object(arguments))
}

/// A value valid against `schema`.
fn build(raw: &Value, schema: &Value, depth: usize) -> Result<Value, String> {
    if depth > 32 {
        return Err("a schema nested more than 32 deep (recursive?) has no example to build".into());
    }
    let schema = resolve(raw, schema)?;
    if let Some(example) = schema.get("example") {
        return Ok(example.clone());
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|v| v.first()) {
        return Ok(first.clone());
    }
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        return Ok(Value::Null);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(Value::as_array).and_then(|v| v.first()) {
            return build(raw, first, depth + 1);
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(fields) = build(raw, part, depth + 1)? {
                merged.extend(fields);
            }
        }
        return Ok(Value::Object(merged));
    }
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    Ok(match schema.get("type").and_then(Value::as_str) {
        Some("string") => {
            if schema.get("pattern").is_some() {
                return Err("a string with a pattern and no example: give the schema an `example`".into());
            }
            let length = schema.get("minLength").and_then(Value::as_u64).unwrap_or(1).max(1);
            match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => Value::from("2026-01-01T00:00:00Z"),
                Some("date") => Value::from("2026-01-01"),
                _ => Value::from("x".repeat(length as usize)),
            }
        }
        Some("integer") => {
            let min = number("minimum").map_or(0, |m| m.ceil() as i64);
            let exclusive = schema.get("exclusiveMinimum").and_then(Value::as_bool) == Some(true);
            Value::from(if exclusive && number("minimum").is_some() {
                min + 1
            } else {
                min
            })
        }
        Some("number") => Value::from(number("minimum").unwrap_or(0.0)),
        Some("boolean") => Value::Bool(false),
        Some("array") => {
            let count = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let items = schema.get("items").ok_or("an array without items")?;
            let item = build(raw, items, depth + 1)?;
            Value::Array(vec![item; count as usize])
        }
        _ => {
            let mut object = Map::new();
            let required = schema
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let properties = schema.get("properties").and_then(Value::as_object);
            for name in required.iter().filter_map(Value::as_str) {
                let property = properties
                    .and_then(|p| p.get(name))
                    .ok_or(format!("required field {name} has no schema"))?;
                object.insert(name.to_string(), build(raw, property, depth + 1)?);
            }
            Value::Object(object)
        }
    })
}
