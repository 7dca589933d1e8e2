//! The API's parts, each a Cargo feature of the crate, so a service compiles only the parts it
//! uses. An operation belongs to the part its first tag names: the spec writes the tag-to-feature
//! map on its tags (`x-feature: messaging`), and a tag without one is a part named after the tag in
//! snake case, so an operation pasted with a tag of its own needs no other edit (`cargo xtask gen`
//! writes its feature into `Cargo.toml`).
//!
//! The build script generates the enabled parts only ([`keep_enabled`]): their operations, and the
//! component schemas those reach, never the rest. The spec is normalized whole before that, so a
//! type has the same name in every feature set.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::Value;

use super::normalize::METHODS;

/// The feature that enables every part.
pub const FULL: &str = "full";

/// Features of the crate that are not parts of the API: no tag may take their names.
const OTHER_FEATURES: &[&str] = &["default", FULL, "fake", "schemars", "opentelemetry"];

/// The spec extension on a tag naming the part (the Cargo feature) its operations are in.
const EXTENSION: &str = "x-feature";

/// One part of the API: its feature, and the tags whose operations are in it.
#[derive(Debug, PartialEq)]
pub struct Part {
    pub feature: String,
    pub tags: Vec<String>,
}

/// The part a tag names: its `x-feature`, or the tag in snake case.
fn part_of_tag(spec: &Value, tag: &str) -> Result<String, String> {
    let declared = spec
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|t| t.get("name").and_then(Value::as_str) == Some(tag));
    let feature = match declared.and_then(|t| t.get(EXTENSION)) {
        Some(Value::String(feature)) => feature.clone(),
        Some(other) => return Err(format!("tag {tag:?}: {EXTENSION} must be a string, not {other}")),
        None => tag.to_snake_case(),
    };
    let valid = feature
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && feature
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !valid {
        return Err(format!(
            "tag {tag:?} names the part {feature:?}, which is no Cargo feature name (lower case letters, digits, _ and -)"
        ));
    }
    if OTHER_FEATURES.contains(&feature.as_str()) {
        return Err(format!(
            "tag {tag:?} names the part {feature:?}, a feature the crate has for something else: give the tag an {EXTENSION}"
        ));
    }
    Ok(feature)
}

/// Every operation of the spec: `(path, method, operationId or where it is)`.
fn operations(spec: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
    spec.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .filter(|(method, _)| METHODS.contains(&method.as_str()))
                .map(move |(method, op)| (path.as_str(), method.as_str(), op))
        })
}

/// The part an operation is in: the one its first tag names. An operation with no tag is refused,
/// naming it: its part cannot be guessed.
pub fn part_of(spec: &Value, path: &str, method: &str, op: &Value) -> Result<String, String> {
    let name = op
        .get("operationId")
        .and_then(Value::as_str)
        .map_or_else(|| format!("{} {path}", method.to_uppercase()), str::to_string);
    let tag = op
        .get("tags")
        .and_then(Value::as_array)
        .and_then(|tags| tags.first())
        .and_then(Value::as_str)
        .ok_or(format!(
            "{name} has no tag: every operation needs one, and its first tag names the part of the API \
             (the Cargo feature) it is in"
        ))?;
    part_of_tag(spec, tag).map_err(|e| format!("{name}: {e}"))
}

/// Every part of the spec, by feature, with the tags of its operations.
pub fn parts(spec: &Value) -> Result<Vec<Part>, String> {
    let mut parts: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, method, op) in operations(spec) {
        let feature = part_of(spec, path, method, op)?;
        let tag = op.pointer("/tags/0").and_then(Value::as_str).unwrap_or_default();
        parts.entry(feature).or_default().insert(tag.to_string());
    }
    Ok(parts
        .into_iter()
        .map(|(feature, tags)| Part {
            feature,
            tags: tags.into_iter().collect(),
        })
        .collect())
}

/// Removes from `spec` the operations of the parts `enabled` refuses, and every component schema
/// that no operation left reaches. What the shared components (responses, parameters, bodies,
/// headers) reach stays: the error envelope the runtime decodes is one of them, whatever is
/// enabled.
pub fn keep_enabled(spec: &mut Value, enabled: &dyn Fn(&str) -> bool) -> Result<(), String> {
    let mut dropped = Vec::new();
    for (path, method, op) in operations(spec) {
        if !enabled(&part_of(spec, path, method, op)?) {
            dropped.push((path.to_string(), method.to_string()));
        }
    }
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, method) in dropped {
            let Some(item) = paths.get_mut(&path).and_then(Value::as_object_mut) else {
                continue;
            };
            item.remove(&method);
            if !item.keys().any(|key| METHODS.contains(&key.as_str())) {
                paths.remove(&path);
            }
        }
    }
    let reached = reached_schemas(spec);
    if let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.retain(|name, _| reached.contains(name));
    }
    Ok(())
}

/// The component schemas the paths and the shared components reach, through any number of
/// references.
fn reached_schemas(spec: &Value) -> BTreeSet<String> {
    const PREFIX: &str = "#/components/schemas/";
    let mut pending: Vec<&Value> = Vec::new();
    pending.extend(spec.get("paths"));
    if let Some(components) = spec.get("components").and_then(Value::as_object) {
        pending.extend(components.iter().filter(|(k, _)| *k != "schemas").map(|(_, v)| v));
    }
    let schemas = spec.pointer("/components/schemas").and_then(Value::as_object);
    let mut reached = BTreeSet::new();
    while let Some(node) = pending.pop() {
        match node {
            Value::Object(object) => {
                if let Some(name) = object
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix(PREFIX))
                {
                    let name = name.replace("~1", "/").replace("~0", "~");
                    if let Some(schema) = schemas.and_then(|s| s.get(&name))
                        && reached.insert(name)
                    {
                        pending.push(schema);
                    }
                }
                pending.extend(object.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    reached
}

/// The names of `spec`'s operations, for tests: `operationId`s in the order of their paths.
#[cfg(test)]
pub fn operation_ids(spec: &Value) -> Vec<String> {
    operations(spec)
        .filter_map(|(_, _, op)| op.get("operationId").and_then(Value::as_str).map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "tags": [
                {"name": "messages", "x-feature": "messaging", "description": "Messages."},
                {"name": "chats", "x-feature": "messaging"},
                {"name": "Hosted Auth"}
            ],
            "paths": {
                "/messages/{id}": {"get": {"operationId": "get_message", "tags": ["messages"],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
                                  "401": {"$ref": "#/components/responses/Unauthorized"}}}},
                "/chats": {"get": {"operationId": "list_chats", "tags": ["chats", "Hosted Auth"],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChatList"}}}}}}},
                "/hosted": {"post": {"operationId": "create_link", "tags": ["Hosted Auth"],
                    "responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Link"}}}}}}}
            },
            "components": {
                "schemas": {
                    "Message": {"type": "object", "properties": {"quoted": {"$ref": "#/components/schemas/Quoted"}}},
                    "Quoted": {"type": "object", "properties": {"again": {"$ref": "#/components/schemas/Message"}}},
                    "ChatList": {"type": "object"},
                    "Link": {"type": "object", "properties": {"status": {"$ref": "#/components/schemas/LinkStatus"}}},
                    "LinkStatus": {"type": "string"},
                    "ErrorEnvelope": {"type": "object"},
                    "Unused": {"type": "object"}
                },
                "responses": {"Unauthorized": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}}}
            }
        })
    }

    #[test]
    fn the_first_tag_names_the_part_and_a_tag_without_x_feature_is_its_snake_case() {
        let parts = parts(&spec()).unwrap();
        let names: Vec<(&str, Vec<&str>)> = parts
            .iter()
            .map(|p| (p.feature.as_str(), p.tags.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            names,
            [
                ("hosted_auth", vec!["Hosted Auth"]),
                ("messaging", vec!["chats", "messages"])
            ]
        );
    }

    #[test]
    fn an_operation_without_a_tag_is_refused_by_name() {
        let mut spec = spec();
        spec["paths"]["/chats"]["get"].as_object_mut().unwrap().remove("tags");
        let error = parts(&spec).unwrap_err();
        assert!(error.contains("list_chats has no tag"), "{error}");
        spec["paths"]["/chats"]["get"]["tags"] = json!([]);
        assert!(parts(&spec).unwrap_err().contains("list_chats has no tag"));
    }

    #[test]
    fn a_part_may_not_take_a_feature_name_of_the_crate_or_an_invalid_one() {
        let mut spec = spec();
        spec["tags"][2]["x-feature"] = json!("fake");
        assert!(
            parts(&spec)
                .unwrap_err()
                .contains("create_link: tag \"Hosted Auth\" names the part \"fake\"")
        );
        spec["tags"][2]["x-feature"] = json!("Hosted Auth");
        assert!(parts(&spec).unwrap_err().contains("no Cargo feature name"));
        spec["tags"][2]["x-feature"] = json!(true);
        assert!(parts(&spec).unwrap_err().contains("must be a string"));
    }

    #[test]
    fn only_the_enabled_parts_and_the_schemas_they_reach_are_kept() {
        let mut spec = spec();
        keep_enabled(&mut spec, &|part| part == "messaging").unwrap();
        assert_eq!(operation_ids(&spec), ["list_chats", "get_message"]);
        assert!(
            spec.pointer("/paths/~1hosted").is_none(),
            "a path left with no operation goes"
        );
        let kept: Vec<&String> = spec["components"]["schemas"].as_object().unwrap().keys().collect();
        // A cycle is followed once; what the shared responses reach stays.
        assert_eq!(kept, ["ChatList", "ErrorEnvelope", "Message", "Quoted"]);

        let mut spec = self::spec();
        keep_enabled(&mut spec, &|part| part == "hosted_auth").unwrap();
        assert_eq!(operation_ids(&spec), ["create_link"]);
        let kept: Vec<&String> = spec["components"]["schemas"].as_object().unwrap().keys().collect();
        assert_eq!(kept, ["ErrorEnvelope", "Link", "LinkStatus"]);

        let mut spec = self::spec();
        keep_enabled(&mut spec, &|_| false).unwrap();
        assert!(operation_ids(&spec).is_empty());
        let kept: Vec<&String> = spec["components"]["schemas"].as_object().unwrap().keys().collect();
        assert_eq!(kept, ["ErrorEnvelope"]);
    }
}
