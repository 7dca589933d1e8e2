//! The tests' oracle: what a schema accepts, asked of a JSON Schema validator (the schema read as
//! JSON Schema 2020-12, `{nullable: true}` alone as `null`, the reference's "or null"). A rewrite
//! that means to keep a schema's meaning is checked against it on sample documents.

use serde_json::{Map, Value, json};

use super::rewrite::rewrite;
use super::schema::{is_annotation, is_null_branch};
use super::walk::for_each_schema;

/// An OpenAPI 3.0 schema as JSON Schema 2020-12, reading `{nullable: true}` alone as `null`
/// (the reference's "or null"): the oracle that says what a schema accepts.
pub(super) fn json_schema(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    if is_null_branch(schema) && object.get("enum").is_none() {
        return json!({"type": "null"});
    }
    let mut out = Map::new();
    for (key, value) in object {
        match key.as_str() {
            "nullable" | "example" | "discriminator" | "xml" | "externalDocs" => {}
            "$ref" => {
                let name = value.as_str().unwrap_or("").trim_start_matches("#/components/schemas/");
                out.insert(key.clone(), Value::from(format!("#/$defs/{name}")));
            }
            "x-patternProperties" | "properties" | "patternProperties" => {
                let key = if key == "x-patternProperties" {
                    "patternProperties"
                } else {
                    key.as_str()
                };
                let converted = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), json_schema(v)));
                out.insert(key.into(), Value::Object(converted.collect()));
            }
            "items" | "not" | "additionalProperties" => {
                out.insert(key.clone(), json_schema(value));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let converted = value.as_array().into_iter().flatten().map(json_schema);
                out.insert(key.clone(), Value::Array(converted.collect()));
            }
            "exclusiveMinimum" | "exclusiveMaximum" => {}
            k if k.starts_with("x-") => {}
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if object.get(flag) == Some(&Value::Bool(true))
            && let Some(limit) = out.remove(bound)
        {
            out.insert(flag.into(), limit);
        }
    }
    if object.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(ty) = out.get("type").cloned() {
            out.insert("type".into(), json!([ty, "null"]));
            if let Some(values) = out.get_mut("enum").and_then(Value::as_array_mut)
                && !values.contains(&Value::Null)
            {
                values.push(Value::Null);
            }
        } else if out.keys().any(|k| !is_annotation(k)) {
            return json!({"anyOf": [{"type": "null"}, Value::Object(out)]});
        }
    }
    Value::Object(out)
}

/// Whether `document` is valid against `schema` (with the components as `$defs`).
pub(super) fn accepts(schema: &Value, components: &Value, document: &Value) -> bool {
    let mut root = json_schema(schema);
    let defs: Map<String, Value> = components
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), json_schema(v)))
        .collect();
    if let Some(object) = root.as_object_mut() {
        object.insert("$defs".into(), Value::Object(defs));
        object.insert("$schema".into(), json!("https://json-schema.org/draft/2020-12/schema"));
    }
    let validator = jsonschema::validator_for(&root).expect("a valid JSON Schema");
    validator.is_valid(document)
}

pub(super) fn keeps_meaning_with(schema: Value, components: &Value, documents: &[Value]) -> Value {
    let mut spec = json!({"components": {"schemas": {"Subject": schema.clone()}}});
    if let Some(extra) = components.as_object() {
        for (k, v) in extra {
            spec["components"]["schemas"][k] = v.clone();
        }
    }
    for_each_schema(&mut spec, &mut |s, _| rewrite(s)).unwrap();
    let rewritten = spec["components"]["schemas"]["Subject"].clone();
    let mut some_valid = false;
    for document in documents {
        let before = accepts(&schema, components, document);
        let after = accepts(&rewritten, components, document);
        assert_eq!(
            before, after,
            "{document} is valid {before} before and {after} after: {rewritten}"
        );
        some_valid |= before;
    }
    assert!(some_valid, "the documents must include valid ones");
    rewritten
}

/// Rewrites `schema` (as `rewrite` does every schema, children first) and checks that it
/// accepts exactly the documents the original accepts; returns the rewritten schema.
pub(super) fn keeps_meaning(schema: Value, documents: &[Value]) -> Value {
    keeps_meaning_with(schema, &json!({}), documents)
}

pub(super) fn samples() -> Vec<Value> {
    vec![
        json!(null),
        json!(0),
        json!(1),
        json!(1.0),
        json!(2),
        json!(0.5),
        json!(""),
        json!("A"),
        json!("B"),
        json!("WHATSAPP"),
        json!(true),
        json!(false),
        json!([]),
        json!(["A"]),
        json!({}),
        json!({"type": "x", "a": "s"}),
        json!({"type": "y", "b": 1}),
        json!({"type": "x", "b": 1}),
        json!({"a": "s", "b": 1}),
        json!({"a": "s"}),
        json!({"object": "Comment", "a": "s"}),
        json!({"k": "v", "l": true}),
        json!({"k": 1}),
    ]
}
