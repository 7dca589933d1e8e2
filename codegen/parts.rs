//! The API's parts, each a Cargo feature of the crate, so a service compiles only the parts it
//! uses. An operation belongs to the part its first tag names: the spec writes the tag-to-feature
//! map on its tags (`x-feature: messaging`), and a tag without one is a part named after the tag in
//! snake case, so an operation pasted with a tag of its own needs no other edit (`cargo xtask gen`
//! writes its feature into `Cargo.toml`).
//!
//! Every item of the generated code is behind the features of the parts that need it
//! ([`super::gate`]): an operation's behind its part, a type behind the parts whose operations
//! reach it, so a build compiles the enabled parts' operations and the types they reach, never the
//! rest.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::Value;

pub use super::normalize::METHODS;

/// The feature that enables every part.
pub const FULL: &str = "full";

/// Features of the crate that are not parts of the API: no tag may take their names.
const OTHER_FEATURES: &[&str] = &[
    "default",
    FULL,
    "fake",
    "schemars",
    "opentelemetry",
    "builders",
    "any-request",
];

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
pub fn operations(spec: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
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

/// Removes every component schema that neither an operation nor a shared component (a response,
/// parameter, body or header of `components`) reaches: nothing would use its type.
pub fn drop_unreached_schemas(spec: &mut Value) {
    let reached = reached_schemas(spec, true);
    if let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        schemas.retain(|name, _| reached.contains(name));
    }
}

/// The component schemas each part's operations reach, by part.
pub fn schemas_by_part(spec: &Value) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    let mut by_part: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, method, op) in operations(spec) {
        let part = part_of(spec, path, method, op)?;
        by_part.entry(part).or_default().extend(reached_from(spec, vec![op]));
    }
    Ok(by_part)
}

/// The component schemas the shared components reach (the error envelope the runtime decodes among
/// them): their types are compiled whatever parts are enabled.
pub fn shared_schemas(spec: &Value) -> BTreeSet<String> {
    reached_schemas(spec, false)
}

/// The component schemas the shared components (and the paths, with `paths`) reach, through any
/// number of references.
fn reached_schemas(spec: &Value, paths: bool) -> BTreeSet<String> {
    let mut roots: Vec<&Value> = Vec::new();
    if paths {
        roots.extend(spec.get("paths"));
    }
    if let Some(components) = spec.get("components").and_then(Value::as_object) {
        // A callback is its operation's (reached through the operation's `$ref`), not shared.
        roots.extend(
            components
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "schemas" | "callbacks"))
                .map(|(_, v)| v),
        );
    }
    reached_from(spec, roots)
}

/// The component schemas `roots` reach, through any number of local references (to a schema, or
/// to a shared response, parameter or body that names one).
fn reached_from<'a>(spec: &'a Value, roots: Vec<&'a Value>) -> BTreeSet<String> {
    const PREFIX: &str = "/components/schemas/";
    let mut pending = roots;
    let mut followed = BTreeSet::new();
    let mut reached = BTreeSet::new();
    while let Some(node) = pending.pop() {
        match node {
            Value::Object(object) => {
                if let Some(pointer) = object
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix('#'))
                    && followed.insert(pointer)
                    && let Some(target) = spec.pointer(pointer)
                {
                    if let Some(name) = pointer.strip_prefix(PREFIX) {
                        reached.insert(name.replace("~1", "/").replace("~0", "~"));
                    }
                    pending.push(target);
                }
                pending.extend(object.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    reached
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
    fn schemas_nothing_reaches_go_and_the_shared_ones_are_known() {
        let mut spec = spec();
        drop_unreached_schemas(&mut spec);
        let kept: Vec<&String> = spec["components"]["schemas"].as_object().unwrap().keys().collect();
        // A cycle is followed once; what the shared responses reach stays.
        assert_eq!(
            kept,
            ["ChatList", "ErrorEnvelope", "Link", "LinkStatus", "Message", "Quoted"]
        );
        assert_eq!(shared_schemas(&spec), BTreeSet::from(["ErrorEnvelope".to_string()]));
        let by_part = schemas_by_part(&spec).unwrap();
        let names = |part: &str| by_part[part].iter().cloned().collect::<Vec<_>>();
        // A part reaches the shared schemas its operations' errors name, too.
        assert_eq!(names("messaging"), ["ChatList", "ErrorEnvelope", "Message", "Quoted"]);
        assert_eq!(names("hosted_auth"), ["Link", "LinkStatus"]);
    }
}
