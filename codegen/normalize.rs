//! Rewrites the spec, before any generator reads it, into an equivalent spec that typify turns
//! into types accepting every document the original allows. APIs written with schema builders
//! (the reference's is generated from TypeBox) say a few things in ways typify reads too
//! narrowly: "T or null" as `anyOf: [T, {nullable: true}]`, a closed set of strings as an `anyOf`
//! of one-value enums, an intersection as `allOf`, a map's value type in `x-patternProperties`.
//! typify makes an `anyOf` a struct of optional flattened branches, which refuses a plain string,
//! a `null` or a number. Each rewrite below keeps what the schema accepts (its unit test checks
//! a rewritten schema against the original with a JSON Schema validator):
//!
//! - [`union`]: an `anyOf`/`oneOf` loses its never-matching branches, its null branches become
//!   `nullable`, one-value enums of one type become one enum, a single branch stands alone, and
//!   branches that cannot both match (different JSON types, or objects told apart by a required
//!   one-value property) become a `oneOf` (typify's untagged or tagged enum);
//! - [`all_of`]: an `allOf` of inline parts is merged into one schema (across a union part, it is
//!   distributed over the union's branches); a part that matches nothing is read as no
//!   constraint (the one rewrite that accepts more than the original: see [`all_of`]);
//! - [`pattern_properties`]: a single `x-patternProperties` schema types a map's values;
//! - a property no value matches (`not: {}`, however it is written) is written `not: {}`;
//! - string formats typify maps to crates this SDK does not depend on (`date-time`, `uuid`, ...)
//!   stay strings.
//!
//! Then [`hoist`] names what the generators need named: each operation's inline success answer,
//! body and enum parameters become components, named as progenitor names them
//! (`{OperationId}Response`, `{OperationId}Body`, `{OperationId}{Parameter}`); an enum marked
//! `x-open-enum` written in place becomes a component of the name typify would give it, so it is
//! generated open; and [`unique_titles`] keeps typify from giving two different schemas one type
//! because they share a `title`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::names;

/// The keys that say something about a schema without constraining what it accepts.
const ANNOTATIONS: &[&str] = &[
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

/// String formats typify maps to types of crates this SDK does not depend on (chrono, uuid) or
/// parses strictly (IP addresses): such a string stays a `String`.
const STRING_FORMATS_KEPT_AS_TEXT: &[&str] = &["date-time", "date", "uuid", "ip", "ipv4", "ipv6"];

/// The methods of a path item.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Rewrites `spec` in place (see the module's documentation).
pub fn normalize(spec: &mut Value) -> Result<(), String> {
    for_each_schema(spec, &mut |schema, _| rewrite(schema))?;
    hoist(spec)?;
    share_repeated_objects(spec);
    hoist_open_enums(spec)?;
    split_nullable_components(spec);
    title_what_would_take_a_component_name(spec);
    unique_titles(spec);
    Ok(())
}

fn is_annotation(key: &str) -> bool {
    ANNOTATIONS.contains(&key) || key.starts_with("x-")
}

/// The keys of `schema` that constrain what it accepts.
fn structural(schema: &Map<String, Value>) -> impl Iterator<Item = &str> {
    schema.keys().map(String::as_str).filter(|k| !is_annotation(k))
}

/// `{}`: any value.
fn is_any(schema: &Value) -> bool {
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

fn never() -> Value {
    json!({"not": {}})
}

/// A branch that only admits `null`: `{nullable: true}` (how the reference writes "or null": in
/// OpenAPI 3.0 `nullable` needs a type, so such a branch is read as `null`), or `enum: [null]`.
fn is_null_branch(schema: &Value) -> bool {
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
fn enum_type(schema: &Map<String, Value>) -> Option<String> {
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
fn pure_enum(schema: &Value) -> Option<(String, &Vec<Value>)> {
    let object = schema.as_object()?;
    if !structural(object).all(|k| matches!(k, "enum" | "type")) {
        return None;
    }
    Some((enum_type(object)?, object.get("enum")?.as_array()?))
}

/// The annotations of `schema` (what a rewrite carries over to the schema it becomes).
fn annotations(schema: &Map<String, Value>) -> Map<String, Value> {
    schema
        .iter()
        .filter(|(k, _)| is_annotation(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Rewrites one schema whose subschemas are rewritten already.
fn rewrite(schema: &mut Value) -> Result<(), String> {
    let Some(object) = schema.as_object_mut() else {
        return Ok(());
    };
    if let Some(format) = object.get("format").and_then(Value::as_str)
        && object.get("type").and_then(Value::as_str) == Some("string")
        && STRING_FORMATS_KEPT_AS_TEXT.contains(&format)
    {
        object.remove("format");
    }
    pattern_properties(object);
    drop_never_properties(schema);
    if schema.get("allOf").is_some() {
        all_of(schema)?;
    }
    if schema.get("discriminator").is_none() && (schema.get("anyOf").is_some() || schema.get("oneOf").is_some()) {
        union(schema);
    } else if let Some(object) = schema.as_object_mut()
        && object.contains_key("discriminator")
        && let Some(branches) = object.remove("anyOf")
    {
        // A discriminator says only one branch matches (its tag tells which): an `anyOf` with
        // one is a `oneOf`.
        object.insert("oneOf".into(), branches);
    }
    Ok(())
}

/// A single `x-patternProperties` schema is the type of a map's values: it becomes
/// `additionalProperties` (where that is `true` or absent, i.e. any value today).
pub fn pattern_properties(object: &mut Map<String, Value>) {
    let single = object
        .get("x-patternProperties")
        .and_then(Value::as_object)
        .filter(|patterns| patterns.len() == 1)
        .and_then(|patterns| patterns.values().next().cloned());
    let Some(values) = single else { return };
    if matches!(object.get("additionalProperties"), None | Some(Value::Bool(true))) {
        object.insert("additionalProperties".into(), values);
        object.remove("x-patternProperties");
    }
}

/// A property no value matches can only be absent: it stays, as `not: {}` (typify makes it an
/// optional value of a type with no value, which refuses it when present); an object that
/// requires it matches nothing.
fn drop_never_properties(schema: &mut Value) {
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    let mut never_names: Vec<String> = Vec::new();
    for (name, property) in properties.iter_mut() {
        if is_never(property) {
            *property = never();
            never_names.push(name.clone());
        }
    }
    let required = schema.get("required").and_then(Value::as_array);
    if required.is_some_and(|r| {
        r.iter()
            .any(|n| n.as_str().is_some_and(|n| never_names.iter().any(|d| d == n)))
    }) {
        *schema = never();
    }
}

/// The branches of `schema` when it is a union and nothing else (annotations and `nullable`
/// aside): what an enclosing union may take in as its own.
fn plain_union(schema: &Value) -> Option<(&Vec<Value>, bool)> {
    let object = schema.as_object()?;
    if object.contains_key("discriminator") {
        return None;
    }
    let keys: Vec<&str> = structural(object).filter(|k| *k != "nullable").collect();
    let branches = match keys.as_slice() {
        ["anyOf"] => object.get("anyOf"),
        ["oneOf"] => object.get("oneOf"),
        _ => None,
    }?;
    Some((branches.as_array()?, object.get("nullable") == Some(&Value::Bool(true))))
}

/// Rewrites an `anyOf` or `oneOf` (without a discriminator) into the simplest equivalent schema.
pub fn union(schema: &mut Value) {
    let Some(object) = schema.as_object() else { return };
    let Some((branches, mut nullable)) = plain_union(schema) else {
        return;
    };
    let was_one_of = object.contains_key("oneOf");
    let mut flat = Vec::new();
    let mut pending: Vec<Value> = branches.iter().rev().cloned().collect();
    while let Some(branch) = pending.pop() {
        if let Some((inner, inner_nullable)) = plain_union(&branch) {
            nullable |= inner_nullable;
            pending.extend(inner.iter().rev().cloned());
        } else {
            flat.push(branch);
        }
    }
    let mut kept: Vec<Value> = Vec::new();
    for mut branch in flat {
        if is_never(&branch) {
            continue;
        }
        if is_null_branch(&branch) {
            nullable = true;
            continue;
        }
        if let Some(b) = branch.as_object_mut()
            && b.get("nullable") == Some(&Value::Bool(true))
            && !b.contains_key("$ref")
        {
            b.remove("nullable");
            nullable = true;
        }
        if !kept.contains(&branch) {
            kept.push(branch);
        }
    }
    let kept = merge_enums(kept);
    let mut out = annotations(object);
    let result = if kept.iter().any(is_any) {
        // Anything, `null` included.
        Value::Object(out)
    } else {
        match kept.len() {
            0 if nullable => {
                out.insert("enum".into(), json!([null]));
                out.insert("nullable".into(), Value::Bool(true));
                Value::Object(out)
            }
            0 => never(),
            1 => alone(kept.into_iter().next().unwrap_or_default(), out, nullable),
            _ => {
                let disjoint = disjoint(&kept);
                let mut kept = kept;
                // Narrower branches first: an untagged enum takes the first that matches.
                kept.sort_by_key(|b| std::cmp::Reverse(narrowness(b)));
                let key = if disjoint || was_one_of { "oneOf" } else { "anyOf" };
                out.insert(key.into(), Value::Array(kept));
                if nullable {
                    out.insert("nullable".into(), Value::Bool(true));
                }
                Value::Object(out)
            }
        }
    };
    *schema = result;
}

/// The one branch left of a union, with the union's annotations (its own win) and `nullable`.
fn alone(branch: Value, mut annotations: Map<String, Value>, nullable: bool) -> Value {
    if branch.get("$ref").is_some() {
        if !nullable {
            return branch;
        }
        // OpenAPI 3.0 ignores a `$ref`'s siblings: `nullable` needs a schema of its own.
        annotations.insert("allOf".into(), Value::Array(vec![branch]));
        annotations.insert("nullable".into(), Value::Bool(true));
        return Value::Object(annotations);
    }
    let Value::Object(mut branch) = branch else {
        return branch;
    };
    for (key, value) in annotations {
        branch.entry(key).or_insert(value);
    }
    if nullable {
        if let Some(values) = branch.get_mut("enum").and_then(Value::as_array_mut)
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
        branch.insert("nullable".into(), Value::Bool(true));
    }
    Value::Object(branch)
}

/// One-value (or several-value) enums of one type become one enum, in the order first seen.
fn merge_enums(branches: Vec<Value>) -> Vec<Value> {
    let mut merged: Vec<Value> = Vec::new();
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    for branch in branches {
        let Some((ty, values)) = pure_enum(&branch) else {
            merged.push(branch);
            continue;
        };
        match by_type.get(&ty) {
            Some(&index) => {
                let values = values.clone();
                if let Some(list) = merged[index].get_mut("enum").and_then(Value::as_array_mut) {
                    for value in values {
                        if !list.contains(&value) {
                            list.push(value);
                        }
                    }
                }
                // The descriptions of the values are the enum's no more.
                if let Some(first) = merged[index].as_object_mut() {
                    first.remove("title");
                }
            }
            None => {
                by_type.insert(ty.clone(), merged.len());
                let mut object = Map::new();
                if ty != "null" {
                    object.insert("type".into(), Value::String(ty));
                }
                object.insert("enum".into(), Value::Array(values.clone()));
                if let Some(description) = branch.get("description") {
                    object.insert("description".into(), description.clone());
                }
                merged.push(Value::Object(object));
            }
        }
    }
    merged
}

/// The JSON types a schema admits, when it says (`None`: any, or a reference).
fn json_types(schema: &Value) -> Option<BTreeSet<String>> {
    let object = schema.as_object()?;
    if let Some(ty) = object.get("type").and_then(Value::as_str) {
        let mut types = BTreeSet::from([ty.to_string()]);
        if ty == "integer" {
            types.insert("number".into());
        }
        if ty == "number" {
            types.insert("integer".into());
        }
        return Some(types);
    }
    if let Some(ty) = enum_type(object) {
        return Some(BTreeSet::from([ty]));
    }
    if object.contains_key("properties") || object.contains_key("additionalProperties") {
        return Some(BTreeSet::from(["object".to_string()]));
    }
    if object.contains_key("items") {
        return Some(BTreeSet::from(["array".to_string()]));
    }
    None
}

/// The values a required property of an object branch may take, when it is an enum (a tag).
fn tag_values<'a>(branch: &'a Value, property: &str) -> Option<&'a Vec<Value>> {
    let required = branch.get("required")?.as_array()?;
    if !required.iter().any(|r| r.as_str() == Some(property)) {
        return None;
    }
    pure_enum(branch.get("properties")?.get(property)?).map(|(_, values)| values)
}

/// Whether no value can match two of `branches`: their JSON types differ, or they are objects
/// that share a required property whose enums do not overlap.
pub fn disjoint(branches: &[Value]) -> bool {
    let types: Vec<Option<BTreeSet<String>>> = branches.iter().map(json_types).collect();
    let pairwise = |i: usize, j: usize| -> bool {
        if let (Some(a), Some(b)) = (&types[i], &types[j])
            && a.is_disjoint(b)
        {
            return true;
        }
        if let (Some((_, a)), Some((_, b))) = (pure_enum(&branches[i]), pure_enum(&branches[j])) {
            return a.iter().all(|v| !b.contains(v));
        }
        let properties = branches[i].get("properties").and_then(Value::as_object);
        properties.into_iter().flatten().any(|(name, _)| {
            match (tag_values(&branches[i], name), tag_values(&branches[j], name)) {
                (Some(a), Some(b)) => a.iter().all(|v| !b.contains(v)),
                _ => false,
            }
        })
    };
    (0..branches.len()).all(|i| (i + 1..branches.len()).all(|j| pairwise(i, j)))
}

/// How narrow a branch is, for the order an untagged enum tries them in: enums before the types
/// they are drawn from, objects with more required properties before those with fewer.
fn narrowness(branch: &Value) -> usize {
    if branch.get("enum").is_some() {
        return 10_000;
    }
    branch
        .get("required")
        .and_then(Value::as_array)
        .map_or(0, |r| r.len() + 1)
}

/// Merges an `allOf` whose parts are written in place (parts that are references are left to
/// typify, which merges those itself).
pub fn all_of(schema: &mut Value) -> Result<(), String> {
    let Some(object) = schema.as_object() else {
        return Ok(());
    };
    if object.contains_key("discriminator") || structural(object).any(|k| !matches!(k, "allOf" | "nullable")) {
        return Ok(());
    }
    let Some(parts) = object.get("allOf").and_then(Value::as_array) else {
        return Ok(());
    };
    if parts.iter().any(|p| p.get("$ref").is_some()) {
        return Ok(());
    }
    let nullable = object.get("nullable") == Some(&Value::Bool(true));
    let mut flat = Vec::new();
    let mut pending: Vec<Value> = parts.iter().rev().cloned().collect();
    while let Some(part) = pending.pop() {
        let nested = part.as_object().and_then(|p| {
            let only_all_of = structural(p).all(|k| k == "allOf");
            p.get("allOf").filter(|_| only_all_of).and_then(Value::as_array)
        });
        match nested {
            Some(inner) if inner.iter().all(|p| p.get("$ref").is_none()) => pending.extend(inner.iter().rev().cloned()),
            _ => flat.push(part),
        }
    }
    // A part no value matches would make the whole match nothing: no answer a server sends
    // could decode. The reference writes such parts (`anyOf: [{not: {}}, {not: {}}]` beside the
    // `Comment` literal of a comment's `object`) where it means no constraint, so they are read as
    // none. (The one rewrite that widens what a schema accepts.)
    if flat.iter().all(is_never) {
        *schema = never();
        return Ok(());
    }
    flat.retain(|p| !is_any(p) && !is_never(p));
    let annotations = annotations(object);
    let unions: Vec<usize> = (0..flat.len()).filter(|&i| plain_union(&flat[i]).is_some()).collect();
    let merged = match unions.as_slice() {
        [] => merge_parts(&flat),
        [index] => {
            // A ∧ (B1 ∨ B2) = (A ∧ B1) ∨ (A ∧ B2).
            let Some((branches, union_nullable)) = plain_union(&flat[*index]) else {
                return Ok(());
            };
            let key = if flat[*index].get("oneOf").is_some() {
                "oneOf"
            } else {
                "anyOf"
            };
            let others: Vec<Value> = flat
                .iter()
                .enumerate()
                .filter(|(i, _)| i != index)
                .map(|(_, p)| p.clone())
                .collect();
            let mut distributed = Vec::new();
            for branch in branches {
                let mut parts = others.clone();
                parts.push(branch.clone());
                let mut part = json!({"allOf": parts});
                all_of(&mut part)?;
                distributed.push(part);
            }
            let mut union_schema = json!({ key: distributed });
            if union_nullable && nullable {
                union_schema["nullable"] = Value::Bool(true);
            }
            union(&mut union_schema);
            Some(union_schema)
        }
        _ => None,
    };
    let Some(mut merged) = merged else { return Ok(()) };
    let matches_nothing = is_never(&merged);
    if let Some(merged_object) = merged.as_object_mut() {
        for (key, value) in annotations {
            merged_object.insert(key, value);
        }
        if nullable && !matches_nothing {
            merged_object.insert("nullable".into(), Value::Bool(true));
        }
    }
    *schema = merged;
    Ok(())
}

/// The parts of an `allOf` as one schema, when they can be: objects (their properties and
/// required lists joined), or schemas whose keys do not conflict. `None`: left to typify.
fn merge_parts(parts: &[Value]) -> Option<Value> {
    let mut merged = Map::new();
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut order: Vec<Value> = Vec::new();
    for part in parts {
        let part = part.as_object()?;
        for (key, value) in part {
            match key.as_str() {
                "properties" => {
                    for (name, property) in value.as_object()? {
                        match properties.get_mut(name) {
                            None => {
                                properties.insert(name.clone(), property.clone());
                            }
                            Some(existing) if existing == property => {}
                            Some(existing) => {
                                let mut both = json!({"allOf": [existing.clone(), property.clone()]});
                                all_of(&mut both).ok()?;
                                if both.get("allOf").is_some() {
                                    return None;
                                }
                                *existing = both;
                            }
                        }
                    }
                }
                "required" => {
                    for name in value.as_array()? {
                        if !required.contains(name) {
                            required.push(name.clone());
                        }
                    }
                }
                // The parts' properties, in the order the parts write them.
                super::spec::PROPERTY_ORDER => {
                    for name in value.as_array()? {
                        if !order.contains(name) {
                            order.push(name.clone());
                        }
                    }
                }
                "anyOf" | "oneOf" | "allOf" | "not" | "discriminator" => return None,
                _ => match merged.get(key) {
                    Some(existing) if existing != value && !is_annotation(key) => return None,
                    Some(_) => {}
                    None => {
                        merged.insert(key.clone(), value.clone());
                    }
                },
            }
        }
    }
    if !properties.is_empty() {
        merged.insert("properties".into(), Value::Object(properties));
    }
    if !required.is_empty() {
        merged.insert("required".into(), Value::Array(required));
    }
    if !order.is_empty() {
        merged.insert(super::spec::PROPERTY_ORDER.into(), Value::Array(order));
    }
    let mut merged = Value::Object(merged);
    drop_never_properties(&mut merged);
    Some(merged)
}

/// What visits each schema: the schema, and where it is (JSON pointer tokens).
pub type Visitor<'a> = dyn FnMut(&mut Value, &[String]) -> Result<(), String> + 'a;

/// Calls `visit` on every schema of the spec, each after its subschemas; the path says where
/// (JSON pointer tokens).
pub fn for_each_schema(spec: &mut Value, visit: &mut Visitor<'_>) -> Result<(), String> {
    let mut path = Vec::new();
    if let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        path.extend(["components".to_string(), "schemas".to_string()]);
        for (name, schema) in schemas.iter_mut() {
            path.push(name.clone());
            walk(schema, &mut path, visit)?;
            path.pop();
        }
        path.clear();
    }
    for section in ["parameters", "responses", "requestBodies"] {
        let pointer = format!("/components/{section}");
        let Some(items) = spec.pointer_mut(&pointer).and_then(Value::as_object_mut) else {
            continue;
        };
        for (name, item) in items.iter_mut() {
            path = vec!["components".into(), section.into(), name.clone()];
            walk_holder(item, &mut path, visit)?;
        }
    }
    if let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) {
        for (template, item) in paths.iter_mut() {
            path = vec!["paths".into(), template.clone()];
            walk_holder(item, &mut path, visit)?;
        }
    }
    Ok(())
}

/// The schemas under an object that holds them (a path item, an operation, a parameter, a body,
/// a response, a media type), found by the keys that hold schemas.
fn walk_holder(node: &mut Value, path: &mut Vec<String>, visit: &mut Visitor<'_>) -> Result<(), String> {
    match node {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                path.push(key.clone());
                if key == "schema" {
                    walk(child, path, visit)?;
                } else if !matches!(key.as_str(), "example" | "examples") {
                    walk_holder(child, path, visit)?;
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                walk_holder(child, path, visit)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

/// A schema and its subschemas, subschemas first.
fn walk(schema: &mut Value, path: &mut Vec<String>, visit: &mut Visitor<'_>) -> Result<(), String> {
    if let Some(object) = schema.as_object_mut() {
        for (key, child) in object.iter_mut() {
            match key.as_str() {
                "properties" | "x-patternProperties" | "patternProperties" => {
                    for (name, property) in child.as_object_mut().into_iter().flatten() {
                        path.extend([key.clone(), name.clone()]);
                        walk(property, path, visit)?;
                        path.truncate(path.len() - 2);
                    }
                }
                "items" | "additionalProperties" | "not" => {
                    path.push(key.clone());
                    walk(child, path, visit)?;
                    path.pop();
                }
                "allOf" | "anyOf" | "oneOf" => {
                    for (index, branch) in child.as_array_mut().into_iter().flatten().enumerate() {
                        path.extend([key.clone(), index.to_string()]);
                        walk(branch, path, visit)?;
                        path.truncate(path.len() - 2);
                    }
                }
                _ => {}
            }
        }
    }
    visit(schema, path)
}

/// A name as one token of a JSON pointer.
pub fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Whether a schema is a file: `type: string, format: binary`.
pub fn is_binary(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str) == Some("binary")
}

/// A JSON schema (not a form's): a `format: binary` string in it is a string.
fn binary_is_text(schema: &mut Value) {
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

/// Moves each operation's inline answer, body and enum parameter schemas to components.
fn hoist(spec: &mut Value) -> Result<(), String> {
    let mut taken: BTreeSet<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let shared_responses = spec.pointer("/components/responses").cloned().unwrap_or(Value::Null);
    let shared_bodies = spec
        .pointer("/components/requestBodies")
        .cloned()
        .unwrap_or(Value::Null);
    let shared_parameters = spec.pointer("/components/parameters").cloned().unwrap_or(Value::Null);
    let name_for = |base: String, taken: &mut BTreeSet<String>| -> String {
        let mut name = names::type_name(&base);
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{}{n}", names::type_name(&base));
            n += 1;
        }
        taken.insert(name.clone());
        name
    };
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (template, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let item_parameters = item.get("parameters").cloned();
        for method in METHODS {
            let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) else {
                continue;
            };
            let Some(id) = op.get("operationId").and_then(Value::as_str).map(str::to_string) else {
                continue;
            };
            let context = format!("{id} ({} {template})", method.to_uppercase());
            // Answers.
            if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                for (status, response) in responses.iter_mut() {
                    if !status.starts_with('2') {
                        continue;
                    }
                    inline_shared(response, &shared_responses, "responses", &context)?;
                    for (media, content) in response
                        .get_mut("content")
                        .and_then(Value::as_object_mut)
                        .into_iter()
                        .flatten()
                    {
                        if !is_json_media(media) {
                            continue;
                        }
                        let Some(schema) = content.get_mut("schema") else {
                            continue;
                        };
                        if schema.get("$ref").is_some() || is_binary(schema) {
                            continue;
                        }
                        binary_is_text(schema);
                        let name = name_for(format!("{id}-response"), &mut taken);
                        let hoisted_schema =
                            std::mem::replace(schema, json!({"$ref": format!("#/components/schemas/{name}")}));
                        hoisted.push((name, hoisted_schema));
                    }
                }
            }
            // The body.
            if let Some(body) = op.get_mut("requestBody") {
                inline_shared(body, &shared_bodies, "requestBodies", &context)?;
                for (media, content) in body
                    .get_mut("content")
                    .and_then(Value::as_object_mut)
                    .into_iter()
                    .flatten()
                {
                    let json = is_json_media(media);
                    let Some(schema) = content.get_mut("schema") else {
                        continue;
                    };
                    if schema.get("$ref").is_some() {
                        continue;
                    }
                    if json {
                        binary_is_text(schema);
                    }
                    let name = name_for(format!("{id}-body"), &mut taken);
                    let hoisted_schema =
                        std::mem::replace(schema, json!({"$ref": format!("#/components/schemas/{name}")}));
                    hoisted.push((name, hoisted_schema));
                }
            }
            // Enum parameters (a list's items, a one-or-list's values): a type a setter takes.
            let own = op.get("parameters").cloned();
            let mut parameters: Vec<Value> = Vec::new();
            for list in [&item_parameters, &own] {
                for parameter in list.iter().filter_map(|p| p.as_array()).flatten() {
                    let mut parameter = parameter.clone();
                    inline_shared(&mut parameter, &shared_parameters, "parameters", &context)?;
                    parameters.push(parameter);
                }
            }
            let mut changed = false;
            for parameter in &mut parameters {
                let name = parameter.get("name").and_then(Value::as_str).unwrap_or("").to_string();
                let Some(schema) = parameter.get_mut("schema") else {
                    continue;
                };
                let Some(target) = enum_of_parameter(schema) else {
                    continue;
                };
                let type_name = name_for(format!("{id}-{name}"), &mut taken);
                let enum_schema =
                    std::mem::replace(target, json!({"$ref": format!("#/components/schemas/{type_name}")}));
                hoisted.push((type_name, enum_schema));
                changed = true;
            }
            if changed {
                // The operation now lists every parameter itself (the path item's included):
                // one that names the same as the path item's overrides it.
                op.insert("parameters".into(), Value::Array(parameters));
            }
        }
    }
    if !hoisted.is_empty() {
        let schemas = spec
            .as_object_mut()
            .ok_or("the spec is not an object")?
            .entry("components")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .ok_or("components is not an object")?
            .entry("schemas")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .ok_or("components.schemas is not an object")?;
        for (name, schema) in hoisted {
            schemas.insert(name, schema);
        }
    }
    Ok(())
}

/// Replaces a `$ref` to a shared component (a response, a body, a parameter) with a copy of it,
/// so what is hoisted out of it belongs to this operation.
fn inline_shared(node: &mut Value, shared: &Value, section: &str, context: &str) -> Result<(), String> {
    let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
        return Ok(());
    };
    let prefix = format!("#/components/{section}/");
    let name = reference.strip_prefix(&prefix).ok_or(format!(
        "{context}: {reference} is not a reference to components.{section}"
    ))?;
    let target = shared
        .get(name)
        .ok_or(format!("{context}: {reference} does not resolve"))?
        .clone();
    *node = target;
    inline_shared(node, shared, section, context)
}

/// The string enum a parameter takes (itself, its list's items, or the values of a "one value or
/// a list"), written in place.
fn enum_of_parameter(schema: &mut Value) -> Option<&mut Value> {
    let is_string_enum = |s: &Value| {
        s.get("enum").is_some() && s.get("$ref").is_none() && pure_enum(s).is_some_and(|(ty, _)| ty == "string")
    };
    if is_string_enum(schema) {
        return Some(schema);
    }
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        return schema.get_mut("items").filter(|items| is_string_enum(items));
    }
    let key = if schema.get("oneOf").is_some() {
        "oneOf"
    } else {
        "anyOf"
    };
    let branches = schema.get_mut(key)?.as_array_mut()?;
    if branches.len() != 2 {
        return None;
    }
    // One value or a list: the single value's enum is what the setter takes (the list's items
    // are drawn from it, or are its values).
    let single = branches
        .iter()
        .position(|b| b.get("type").and_then(Value::as_str) != Some("array"))?;
    is_string_enum(&branches[single]).then(|| &mut branches[single])
}

/// The name typify gives a schema at `path` (`[Component, properties, name, items, ...]`): the
/// component's and each property's, an array's items as `Item`, a union's branch as
/// `Variant{index}`, in Pascal case.
fn name_at(path: &[String]) -> String {
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
    names::type_name(&words.join("-"))
}

/// An object schema written in place in several components, alike but for its annotations
/// (the reference repeats a message's schema in every answer that holds messages), becomes one
/// component that each place refers to: one type for users instead of one per place, and a
/// fraction of the generated code. It is named after its `object` tag when it has one
/// (`object: {enum: [Message]}`), else its title, else where it is first found (as typify would
/// name it there).
fn share_repeated_objects(spec: &mut Value) {
    // Largest first: a repeated object holds repeated objects, shared in later rounds.
    for _ in 0..256 {
        let Some(Value::Object(schemas)) = spec.pointer("/components/schemas") else {
            return;
        };
        let mut seen: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
        let mut first: BTreeMap<String, Value> = BTreeMap::new();
        for (component, schema) in schemas {
            let mut schema = schema.clone();
            let mut path = vec![component.clone()];
            let _ = walk(&mut schema, &mut path, &mut |s, path| {
                let properties = s.get("properties").and_then(Value::as_object).map_or(0, |p| p.len());
                if path.len() < 2 || properties < 2 {
                    return Ok(());
                }
                let mut shape = s.clone();
                strip_annotations(&mut shape);
                let key = shape.to_string();
                seen.entry(key.clone()).or_default().push(path.to_vec());
                first.entry(key).or_insert_with(|| s.clone());
                Ok(())
            });
        }
        let Some((key, places)) = seen
            .into_iter()
            .filter(|(_, places)| places.len() > 1)
            .max_by_key(|(key, places)| (key.len(), std::cmp::Reverse(places[0].clone())))
        else {
            return;
        };
        let mut shared = first.remove(&key).unwrap_or_default();
        let taken: BTreeSet<String> = schemas.keys().map(|k| names::type_name(k)).collect();
        let at = name_at(&places[0]);
        let tag = shared
            .pointer("/properties/object/enum")
            .and_then(Value::as_array)
            .filter(|values| values.len() == 1)
            .and_then(|values| values[0].as_str());
        let title = shared.get("title").and_then(Value::as_str);
        let candidates = [tag, title].into_iter().flatten().map(names::type_name);
        let name = candidates
            .chain(std::iter::once(at.clone()))
            .find(|name| !taken.contains(name))
            .unwrap_or_else(|| {
                names::unique(taken.iter().cloned().chain([at]).collect())
                    .pop()
                    .unwrap_or_default()
            });
        if let Some(object) = shared.as_object_mut() {
            // Its title was one place's: the component's name is the type's now.
            object.remove("title");
        }
        let reference = json!({"$ref": format!("#/components/schemas/{name}")});
        let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") else {
            return;
        };
        for place in &places {
            let Some(root) = schemas.get_mut(&place[0]) else {
                continue;
            };
            let pointer: String = place[1..].iter().map(|t| format!("/{}", pointer_token(t))).collect();
            if let Some(target) = root.pointer_mut(&pointer) {
                *target = reference.clone();
            }
        }
        schemas.insert(name, shared);
    }
}

/// Whether `schema` is an enum generated by `open_enums` rather than typify: one marked
/// `x-open-enum`, or a string enum whose values typify would name alike (which it cannot make).
pub fn generated_here(schema: &Value) -> Result<bool, String> {
    let Some(values) = schema.get("enum").and_then(Value::as_array) else {
        return Ok(false);
    };
    if schema.get("x-open-enum") == Some(&Value::Bool(true)) {
        return Ok(true);
    }
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        return Ok(false);
    }
    let wires: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    Ok(!super::typify_types::names_values_apart(&wires)?)
}

/// An enum generated here ([`generated_here`]: open, or with values typify would name alike)
/// written inside a component becomes a component of its own, named as typify would name it in
/// place (the component and the property), so `open_enums` can generate it.
fn hoist_open_enums(spec: &mut Value) -> Result<(), String> {
    let Some(schemas) = spec.pointer("/components/schemas").and_then(Value::as_object) else {
        return Ok(());
    };
    let mut taken: BTreeSet<String> = schemas.keys().cloned().collect();
    let mut found: Vec<(String, Value)> = Vec::new();
    let mut replaced = spec.pointer("/components/schemas").cloned().unwrap_or_default();
    for (component, schema) in replaced.as_object_mut().into_iter().flatten() {
        let mut path = vec![component.clone()];
        walk(schema, &mut path, &mut |s, path| {
            if path.len() < 2 || !generated_here(s)? {
                return Ok(());
            }
            let mut name = name_at(path);
            let base = name.clone();
            let mut n = 2;
            while taken.contains(&name) {
                name = format!("{base}{n}");
                n += 1;
            }
            taken.insert(name.clone());
            found.push((
                name.clone(),
                std::mem::replace(s, json!({"$ref": format!("#/components/schemas/{name}")})),
            ));
            Ok(())
        })?;
    }
    if found.is_empty() {
        return Ok(());
    }
    if let Some(Value::Object(schemas)) = spec.pointer_mut("/components/schemas") {
        if let Value::Object(replaced) = replaced {
            *schemas = replaced;
        }
        schemas.extend(found);
    }
    Ok(())
}

/// typify gives a nullable component that is a type of its own (a union, an object, an enum) two
/// types of the component's one name: the `Option` newtype and the type inside it, which then
/// holds itself. The type inside becomes a component of its own, `{Name}Value`, and the component
/// a nullable reference to it (the form a nullable `$ref` takes everywhere, see [`alone`]).
fn split_nullable_components(spec: &mut Value) {
    let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else {
        return;
    };
    let names: Vec<String> = schemas
        .iter()
        .filter(|(_, schema)| {
            let Some(object) = schema.as_object() else { return false };
            object.get("nullable") == Some(&Value::Bool(true))
                && structural(object).any(|k| {
                    matches!(
                        k,
                        "oneOf" | "anyOf" | "allOf" | "enum" | "properties" | "additionalProperties"
                    )
                })
        })
        .map(|(name, _)| name.clone())
        .collect();
    for name in names {
        let Some(Value::Object(mut inner)) = schemas.remove(&name) else {
            continue;
        };
        inner.remove("nullable");
        if let Some(values) = inner.get_mut("enum").and_then(Value::as_array_mut) {
            values.retain(|v| !v.is_null());
        }
        let mut value_name = format!("{name}Value");
        let mut n = 2;
        while schemas.contains_key(&value_name) {
            value_name = format!("{name}Value{n}");
            n += 1;
        }
        let mut outer = annotations(&inner);
        outer.retain(|key, _| key != "x-open-enum");
        outer.insert(
            "allOf".into(),
            json!([{"$ref": format!("#/components/schemas/{}", pointer_token(&value_name))}]),
        );
        outer.insert("nullable".into(), Value::Bool(true));
        schemas.insert(value_name, Value::Object(inner));
        schemas.insert(name, Value::Object(outer));
    }
}

/// typify names a schema written in place by where it is (`Account.type` becomes `AccountType`);
/// when that is the name of a component (`AccountType`), two types would have one name. Such a
/// schema gets a title naming it apart (`AccountType2`), which typify uses instead.
fn title_what_would_take_a_component_name(spec: &mut Value) {
    let Some(schemas) = spec.pointer("/components/schemas").and_then(Value::as_object) else {
        return;
    };
    let mut taken: BTreeSet<String> = schemas.keys().map(|k| names::type_name(k)).collect();
    let components = taken.clone();
    let _ = for_each_components_schema(spec, &mut |schema, path| {
        // The path starts `components`, `schemas`, the component.
        let place = &path[2..];
        let Some(object) = schema.as_object_mut() else {
            return Ok(());
        };
        if place.len() < 2 || object.contains_key("$ref") || object.contains_key("title") {
            return Ok(());
        }
        let name = name_at(place);
        if !components.contains(&name) {
            return Ok(());
        }
        let mut n = 2;
        while taken.contains(&format!("{name}{n}")) {
            n += 1;
        }
        let title = format!("{name}{n}");
        taken.insert(title.clone());
        object.insert("title".into(), Value::from(title));
        Ok(())
    });
}

/// typify names a schema with a `title` by its title, and gives every schema of one name the
/// type made for the first: two different schemas sharing a title would decode as one. A title
/// kept is one whose schemas are all alike and that names no component; the others are dropped
/// (typify then names those schemas by where they are).
fn unique_titles(spec: &mut Value) {
    let components: BTreeSet<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| names::type_name(k)).collect())
        .unwrap_or_default();
    let mut shapes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut collect = |schema: &mut Value, path: &[String]| {
        if path.len() > 3
            && let Some(title) = schema.get("title").and_then(Value::as_str)
        {
            let mut shape = schema.clone();
            strip_annotations(&mut shape);
            shapes
                .entry(names::type_name(title))
                .or_default()
                .insert(shape.to_string());
        }
        Ok(())
    };
    let _ = for_each_components_schema(spec, &mut collect);
    let mut drop = |schema: &mut Value, path: &[String]| {
        if path.len() > 3
            && let Some(title) = schema.get("title").and_then(Value::as_str).map(names::type_name)
            && (components.contains(&title) || shapes.get(&title).is_some_and(|s| s.len() > 1))
            && let Some(object) = schema.as_object_mut()
        {
            object.remove("title");
        }
        Ok(())
    };
    let _ = for_each_components_schema(spec, &mut drop);
}

fn for_each_components_schema(spec: &mut Value, visit: &mut Visitor<'_>) -> Result<(), String> {
    let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (name, schema) in schemas.iter_mut() {
        let mut path = vec!["components".to_string(), "schemas".to_string(), name.clone()];
        walk(schema, &mut path, visit)?;
    }
    Ok(())
}

/// `schema` without annotations, at every depth (what decides whether two schemas are alike).
fn strip_annotations(schema: &mut Value) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An OpenAPI 3.0 schema as JSON Schema 2020-12, reading `{nullable: true}` alone as `null`
    /// (the reference's "or null"): the oracle that says what a schema accepts.
    fn json_schema(schema: &Value) -> Value {
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
    fn accepts(schema: &Value, components: &Value, document: &Value) -> bool {
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

    /// Rewrites `schema` (as `rewrite` does every schema, children first) and checks that it
    /// accepts exactly the documents the original accepts; returns the rewritten schema.
    fn keeps_meaning(schema: Value, documents: &[Value]) -> Value {
        keeps_meaning_with(schema, &json!({}), documents)
    }

    fn keeps_meaning_with(schema: Value, components: &Value, documents: &[Value]) -> Value {
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

    #[test]
    fn a_schema_in_place_that_typify_would_name_as_a_component_gets_a_title_of_its_own() {
        let mut spec = json!({"components": {"schemas": {
            "AccountType": {"type": "string", "enum": ["WHATSAPP"], "x-open-enum": true},
            "Account": {"type": "object", "properties": {
                "type": {"type": "string", "enum": ["LINKEDIN"]},
                "name": {"type": "string"},
                "kind": {"$ref": "#/components/schemas/AccountType"}
            }}
        }}});
        title_what_would_take_a_component_name(&mut spec);
        let account = &spec["components"]["schemas"]["Account"]["properties"];
        assert_eq!(account["type"]["title"], "AccountType2");
        assert!(account["name"].get("title").is_none(), "AccountName names no component");
        assert!(
            account["kind"].get("title").is_none(),
            "a reference is the component itself"
        );
    }

    #[test]
    fn a_nullable_union_component_becomes_a_nullable_reference_to_its_value() {
        let original = json!({
            "description": "Until when.",
            "nullable": true,
            "oneOf": [{"type": "integer", "enum": [-1]}, {"type": "string"}]
        });
        let mut spec = json!({"components": {"schemas": {"Until": original.clone(), "Plain": {"type": "string", "nullable": true}}}});
        split_nullable_components(&mut spec);
        let schemas = spec["components"]["schemas"].clone();
        assert_eq!(
            schemas["Until"],
            json!({"description": "Until when.", "nullable": true, "allOf": [{"$ref": "#/components/schemas/UntilValue"}]})
        );
        assert_eq!(
            schemas["Plain"],
            json!({"type": "string", "nullable": true}),
            "a scalar stays"
        );
        let before = json!({"Until": original});
        for document in samples().iter().chain(&[json!(-1), json!("2026-01-01")]) {
            assert_eq!(
                accepts(&schemas["Until"], &schemas, document),
                accepts(&before["Until"], &before, document),
                "{document}"
            );
        }
    }

    fn samples() -> Vec<Value> {
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

    #[test]
    fn t_or_null_becomes_a_nullable_t() {
        let out = keeps_meaning(
            json!({"anyOf": [{"type": "string", "minLength": 1}, {"nullable": true}]}),
            &samples(),
        );
        assert_eq!(out, json!({"type": "string", "minLength": 1, "nullable": true}));
        let out = keeps_meaning(
            json!({"anyOf": [{"nullable": true}, {"type": "number"}], "description": "d"}),
            &samples(),
        );
        assert_eq!(out, json!({"type": "number", "nullable": true, "description": "d"}));
        // Anything or null is anything.
        let out = keeps_meaning(json!({"anyOf": [{}, {"nullable": true}]}), &samples());
        assert_eq!(out, json!({}));
        // A reference or null: `nullable` beside a `$ref` would be ignored.
        let components = json!({"Name": {"type": "string"}});
        let out = keeps_meaning_with(
            json!({"anyOf": [{"$ref": "#/components/schemas/Name"}, {"nullable": true}]}),
            &components,
            &samples(),
        );
        assert_eq!(
            out,
            json!({"allOf": [{"$ref": "#/components/schemas/Name"}], "nullable": true})
        );
    }

    #[test]
    fn one_value_enums_become_one_enum() {
        let strings = json!({"anyOf": [
            {"type": "string", "enum": ["A"]}, {"type": "string", "enum": ["B"]}, {"type": "string", "enum": ["WHATSAPP"]}
        ]});
        assert_eq!(
            keeps_meaning(strings, &samples()),
            json!({"type": "string", "enum": ["A", "B", "WHATSAPP"]})
        );
        let flags = json!({"anyOf": [{"type": "number", "enum": [1]}, {"type": "number", "enum": [0]}]});
        assert_eq!(
            keeps_meaning(flags, &samples()),
            json!({"type": "number", "enum": [1, 0]})
        );
        let nullable = json!({"anyOf": [{"type": "string", "enum": ["A"]}, {"type": "string", "enum": ["B"]}, {"nullable": true}]});
        assert_eq!(
            keeps_meaning(nullable, &samples()),
            json!({"type": "string", "enum": ["A", "B", null], "nullable": true})
        );
    }

    #[test]
    fn disjoint_branches_become_a_one_of() {
        let scalars = keeps_meaning(json!({"anyOf": [{"type": "boolean"}, {"type": "string"}]}), &samples());
        assert!(scalars.get("oneOf").is_some(), "{scalars}");
        let tagged = json!({"anyOf": [
            {"type": "object", "required": ["type", "a"], "properties": {"type": {"type": "string", "enum": ["x"]}, "a": {"type": "string"}}},
            {"type": "object", "required": ["type", "b"], "properties": {"type": {"type": "string", "enum": ["y"]}, "b": {"type": "number"}}}
        ]});
        let tagged = keeps_meaning(tagged, &samples());
        assert!(tagged.get("oneOf").is_some(), "{tagged}");
        // With a third branch of another type and null, and nested.
        let mixed =
            json!({"anyOf": [{"anyOf": [{"type": "number", "enum": [1]}, {"nullable": true}]}, {"type": "string"}]});
        let mixed = keeps_meaning(mixed, &samples());
        assert_eq!(mixed["nullable"], json!(true), "{mixed}");
        assert!(mixed.get("oneOf").is_some(), "{mixed}");
        // Objects that may both match stay an `anyOf`.
        let overlapping = json!({"anyOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
            {"type": "object", "required": ["b"], "properties": {"b": {"type": "number"}}}
        ]});
        let overlapping = keeps_meaning(overlapping, &samples());
        assert!(overlapping.get("anyOf").is_some(), "{overlapping}");
    }

    #[test]
    fn all_of_is_merged() {
        let both = json!({"allOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}},
            {"type": "object", "required": ["b"], "properties": {"b": {"type": "number"}}}
        ]});
        let merged = keeps_meaning(both, &samples());
        assert_eq!(merged["required"], json!(["a", "b"]), "{merged}");
        assert!(merged.get("allOf").is_none());
        // Across a union: (A and B1) or (A and B2).
        let across = json!({"allOf": [
            {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}},
            {"anyOf": [
                {"type": "object", "required": ["type", "a"], "properties": {"type": {"type": "string", "enum": ["x"]}, "a": {"type": "string"}}},
                {"type": "object", "required": ["type", "b"], "properties": {"type": {"type": "string", "enum": ["y"]}, "b": {"type": "number"}}}
            ]}
        ]});
        let across = keeps_meaning(across, &samples());
        assert!(across.get("oneOf").is_some(), "{across}");
    }

    #[test]
    fn what_matches_nothing_is_written_as_such() {
        // A property no value matches may only be absent.
        let object = json!({"type": "object", "required": ["a"], "properties": {
            "a": {"type": "string"},
            "object": {"anyOf": [{"not": {}}, {"not": {}}]}
        }});
        let out = keeps_meaning(object, &samples());
        assert_eq!(out["properties"]["object"], json!({"not": {}}), "{out}");
        // The reference's `object: Comment` beside a union of `not: {}`: read as `Comment` (this
        // accepts more than the original, which nothing matches).
        let mut comment =
            json!({"allOf": [{"type": "string", "enum": ["Comment"]}, {"anyOf": [{"not": {}}, {"not": {}}]}]});
        let mut spec = json!({"components": {"schemas": {"Subject": comment.clone()}}});
        for_each_schema(&mut spec, &mut |s, _| rewrite(s)).unwrap();
        comment = spec["components"]["schemas"]["Subject"].clone();
        assert_eq!(comment, json!({"type": "string", "enum": ["Comment"]}));
        let union = json!({"anyOf": [{"not": {}}, {"not": {}}]});
        let mut rewritten = union.clone();
        rewrite(&mut rewritten).unwrap();
        assert!(is_never(&rewritten), "{rewritten}");
        for document in samples() {
            assert!(!accepts(&union, &json!({}), &document) && !accepts(&rewritten, &json!({}), &document));
        }
    }

    #[test]
    fn a_pattern_properties_schema_types_the_map() {
        let map = json!({"type": "object", "additionalProperties": true, "x-patternProperties": {
            "^(.*)$": {"anyOf": [{"type": "string"}, {"type": "boolean"}]}
        }});
        let out = keeps_meaning(map, &samples());
        assert!(out.get("x-patternProperties").is_none());
        assert!(out["additionalProperties"].get("oneOf").is_some(), "{out}");
    }

    #[test]
    fn repeated_objects_become_one_component() {
        let message = |description: &str| {
            json!({"type": "object", "description": description, "required": ["object", "id"], "properties": {
                "object": {"type": "string", "enum": ["Note"]}, "id": {"type": "string"}
            }})
        };
        let place = |schema: Value| json!({"type": "object", "properties": {"items": {"type": "array", "items": schema}, "next": {"type": "string"}}});
        let mut spec = json!({"components": {"schemas": {
            "AListResponse": place(message("first")),
            "BListResponse": place(message("second")),
            "Single": {"type": "object", "properties": {"one": message("third"), "n": {"type": "number"}}}
        }}});
        share_repeated_objects(&mut spec);
        let schemas = &spec["components"]["schemas"];
        let note = json!({"$ref": "#/components/schemas/Note"});
        // Components stay themselves (each is an operation's answer); what they repeat is shared.
        assert_eq!(schemas["AListResponse"]["properties"]["items"]["items"], note, "{spec}");
        assert_eq!(schemas["BListResponse"]["properties"]["items"]["items"], note, "{spec}");
        assert_eq!(schemas["Single"]["properties"]["one"], note, "{spec}");
        // Named by its `object` tag; the first place's description kept.
        assert_eq!(schemas["Note"]["description"], "first");
    }
}
