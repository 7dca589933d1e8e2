//! What the passes ask of a schema: which keys annotate it and which constrain it, whether it is
//! any value, no value, a null branch, a plain enum, a file; a schema's annotations, or its shape
//! without them; and the name typify would give a schema written in place, which the passes that
//! name schemas use.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::walk::walk;

/// The keys that say something about a schema without constraining what it accepts.
pub(super) const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "xml",
    // The order the spec writes an object's properties in (`spec::PROPERTY_ORDER`).
    "x-property-order",
];

pub(super) fn is_annotation(key: &str) -> bool {
    ANNOTATIONS.contains(&key) || key.starts_with("x-")
}

/// The keys of `schema` that constrain what it accepts.
pub(super) fn structural(schema: &Map<String, Value>) -> impl Iterator<Item = &str> {
    schema.keys().map(String::as_str).filter(|k| !is_annotation(k))
}

/// `{}`: any value.
pub(super) fn is_any(schema: &Value) -> bool {
    schema.as_object().is_some_and(|s| structural(s).next().is_none())
}

/// A schema no value matches: `not: {}`.
pub fn is_never(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return schema == &Value::Bool(false);
    };
    let keys: Vec<&str> = structural(object).collect();
    keys == ["not"] && object.get("not").is_some_and(is_any)
}

pub(super) fn never() -> Value {
    json!({"not": {}})
}

/// A branch that only admits `null`: `{nullable: true}` (how the reference writes "or null": in
/// OpenAPI 3.0 `nullable` needs a type, so such a branch is read as `null`), or `enum: [null]`.
pub(super) fn is_null_branch(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    let keys: BTreeSet<&str> = structural(object).collect();
    let nullable = object.get("nullable") == Some(&Value::Bool(true));
    let null_enum = object
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|v| v.iter().all(Value::is_null));
    (keys == BTreeSet::from(["nullable"]) && nullable)
        || (null_enum && keys.iter().all(|k| matches!(*k, "enum" | "nullable" | "type")))
}

/// The JSON type of an enum's values, when they share one.
pub(super) fn enum_type(schema: &Map<String, Value>) -> Option<String> {
    let values = schema.get("enum")?.as_array()?;
    if let Some(declared) = schema.get("type").and_then(Value::as_str) {
        return Some(declared.to_string());
    }
    let types: BTreeSet<&str> = values
        .iter()
        .map(|v| match v {
            Value::String(_) => "string",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::Bool(_) => "boolean",
            Value::Null => "null",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        })
        .collect();
    (types.len() == 1).then(|| types.into_iter().next().unwrap_or_default().to_string())
}

/// A schema that is an enum and nothing else (annotations aside).
pub(super) fn pure_enum(schema: &Value) -> Option<(String, &Vec<Value>)> {
    let object = schema.as_object()?;
    if !structural(object).all(|k| matches!(k, "enum" | "type")) {
        return None;
    }
    Some((enum_type(object)?, object.get("enum")?.as_array()?))
}

/// The annotations of `schema` (what a rewrite carries over to the schema it becomes).
pub(super) fn annotations(schema: &Map<String, Value>) -> Map<String, Value> {
    schema
        .iter()
        .filter(|(k, _)| is_annotation(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `schema` without annotations, at every depth (what decides whether two schemas are alike).
pub fn strip_annotations(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else { return };
    object.retain(|k, _| !is_annotation(k) || k == "x-open-enum");
    for (key, child) in object.iter_mut() {
        match key.as_str() {
            "properties" | "x-patternProperties" | "patternProperties" => {
                child
                    .as_object_mut()
                    .into_iter()
                    .flatten()
                    .for_each(|(_, s)| strip_annotations(s));
            }
            "items" | "additionalProperties" | "not" => strip_annotations(child),
            "allOf" | "anyOf" | "oneOf" => child.as_array_mut().into_iter().flatten().for_each(strip_annotations),
            _ => {}
        }
    }
}

/// The keywords a branch of a [`narrowing_union`] may bound one of its object's properties with:
/// none changes the property's type.
const NARROWING: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
];

/// The combinator (`"anyOf"` or `"oneOf"`) of an object whose branches only narrow it: each says
/// which of the object's properties must be present (`required`) and may bound them further
/// (`properties` with [`NARROWING`] keywords), and adds no property or type of its own. Such a
/// union says which values of one type are valid (a message needs text or a file), not which
/// types a value may have: the object's type is its own properties', and the union is a rule its
/// value is checked against before it is sent (`model` reads it as the body's rule).
pub fn narrowing_union(schema: &Value) -> Option<&'static str> {
    let object = schema.as_object()?;
    let own = object.get("properties").and_then(Value::as_object)?;
    if object.contains_key("discriminator") || (object.contains_key("anyOf") && object.contains_key("oneOf")) {
        return None;
    }
    let key = ["anyOf", "oneOf"].into_iter().find(|key| object.contains_key(*key))?;
    let branches = object.get(key)?.as_array()?;
    let narrows = |branch: &Value| {
        let Some(branch) = branch.as_object() else { return false };
        let required_own = branch.get("required").is_none_or(|required| {
            required
                .as_array()
                .is_some_and(|names| names.iter().all(|n| n.as_str().is_some_and(|n| own.contains_key(n))))
        });
        let bounds_own = branch.get("properties").is_none_or(|properties| {
            properties.as_object().is_some_and(|properties| {
                properties.iter().all(|(name, bounds)| {
                    own.contains_key(name)
                        && bounds
                            .as_object()
                            .is_some_and(|bounds| structural(bounds).all(|k| NARROWING.contains(&k)))
                })
            })
        });
        required_own
            && bounds_own
            && structural(branch).all(|k| k == "required" || k == "properties" || k == "type")
            && branch.get("type").is_none_or(|t| t == "object")
    };
    (!branches.is_empty() && branches.iter().all(narrows)).then_some(key)
}

/// Whether a schema is a file: `type: string, format: binary`.
pub fn is_binary(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str) == Some("binary")
}

/// A JSON schema (not a form's): a `format: binary` string in it is a string.
pub(super) fn binary_is_text(schema: &mut Value) {
    let mut path = Vec::new();
    let _ = walk(schema, &mut path, &mut |s, _| {
        if is_binary(s)
            && let Some(object) = s.as_object_mut()
        {
            object.remove("format");
        }
        Ok(())
    });
}

/// The media type of an answer or a body that the SDK reads as JSON.
pub fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The name typify gives a schema at `path` (`[Component, properties, name, items, ...]`): the
/// component's and each property's, an array's items as `Item`, a union's branch as
/// `Variant{index}`, in Pascal case.
pub(super) fn name_at(path: &[String]) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut previous = "";
    for token in path {
        if previous == "properties" || words.is_empty() {
            words.push(token.clone());
        } else if matches!(previous, "anyOf" | "oneOf") {
            words.push(format!("variant{token}"));
        } else if previous == "allOf" {
            words.push(format!("subtype{token}"));
        } else if token == "items" {
            words.push("item".into());
        } else if token == "additionalProperties" {
            words.push("value".into());
        }
        previous = token;
    }
    super::super::names::type_name(&words.join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_union_narrows_an_object_when_it_says_only_which_of_its_fields_are_present() {
        let object = |union: Value| {
            let mut schema =
                json!({"type": "object", "properties": {"text": {"type": "string"}, "files": {"type": "array"}}});
            schema["anyOf"] = union;
            schema
        };
        let narrows = object(json!([
            {"required": ["text"], "properties": {"text": {"minLength": 1}}},
            {"required": ["files"], "properties": {"files": {"minItems": 1}}},
        ]));
        assert_eq!(narrowing_union(&narrows), Some("anyOf"));
        // A branch that names another property, changes a type, or adds a keyword of its own
        // is a shape of its own, not a narrowing.
        for branch in [
            json!({"required": ["other"]}),
            json!({"properties": {"text": {"type": "integer"}}}),
            json!({"required": ["text"], "additionalProperties": false}),
            json!({"type": "string"}),
        ] {
            assert_eq!(
                narrowing_union(&object(json!([{"required": ["text"]}, branch.clone()]))),
                None,
                "{branch}"
            );
        }
        // Nor is a union beside no properties, or one with a discriminator.
        assert_eq!(narrowing_union(&json!({"anyOf": [{"required": ["a"]}]})), None);
        let mut tagged = narrows.clone();
        tagged["discriminator"] = json!({"propertyName": "text"});
        assert_eq!(narrowing_union(&tagged), None);
    }
}
