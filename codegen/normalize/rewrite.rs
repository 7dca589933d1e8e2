//! Pass 1, every schema (each after its subschemas): rewritten into an equivalent schema that
//! typify turns into types accepting every document the original allows. APIs written with
//! schema builders (the reference's is generated from TypeBox) say a few things in ways typify
//! reads too narrowly: "T or null" as `anyOf: [T, {nullable: true}]`, a closed set of strings as
//! an `anyOf` of one-value enums, an intersection as `allOf`, a map's value type in
//! `x-patternProperties`. typify makes an `anyOf` a struct of optional flattened branches, which
//! refuses a plain string, a `null` or a number. Each rewrite keeps what the schema accepts, which
//! the tests below check against a JSON Schema validator, but for two, each said where it is: the
//! one that accepts more ([`all_of`]), and the one that accepts less (a typeless nullable branch
//! whose keywords are one type's, a bare `pattern` say, is given that type, as its author meant:
//! OpenAPI 3.0's `nullable` needs a `type`, and without one typify reads it as any value):
//!
//! - [`union`]: an `anyOf`/`oneOf` loses its never-matching branches, its null branches become
//!   `nullable`, one-value enums of one type become one enum, a single branch stands alone, and
//!   branches that cannot both match (different JSON types, or objects told apart by a required
//!   one-value property) become a `oneOf` (typify's untagged or tagged enum);
//! - [`all_of`]: an `allOf` of inline parts is merged into one schema (across a union part, it is
//!   distributed over the union's branches), their property orders joined;
//! - [`pattern_properties`]: a single `x-patternProperties` schema types a map's values;
//! - a property no value matches (`not: {}`, however it is written) is written `not: {}`;
//! - string formats typify maps to crates this SDK does not depend on (`date-time`, `uuid`, ...)
//!   stay strings.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::schema::{
    annotations, enum_type, is_annotation, is_any, is_never, is_null_branch, never, pure_enum, structural,
};

/// String formats typify maps to types of crates this SDK does not depend on (chrono, uuid) or
/// parses strictly (IP addresses): such a string stays a `String`.
pub(super) const STRING_FORMATS_KEPT_AS_TEXT: &[&str] = &["date-time", "date", "uuid", "ip", "ipv4", "ipv6"];

/// Rewrites one schema whose subschemas are rewritten already.
pub(super) fn rewrite(schema: &mut Value) -> Result<(), String> {
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
pub(super) fn drop_never_properties(schema: &mut Value) {
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
pub(super) fn plain_union(schema: &Value) -> Option<(&Vec<Value>, bool)> {
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
pub(super) fn alone(branch: Value, mut annotations: Map<String, Value>, nullable: bool) -> Value {
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
        // OpenAPI 3.0's `nullable` means nothing without a `type` beside it (typify read a typeless
        // nullable `pattern` as a list of anything): a branch whose keywords are one type's is
        // given that type, as its author meant (a date the reference writes as a bare pattern).
        if !branch.contains_key("type")
            && let Some(ty) = implied_type(&branch)
        {
            branch.insert("type".into(), Value::from(ty));
        }
    }
    Value::Object(branch)
}

/// The one type a typeless schema's keywords apply to, if they all apply to one.
fn implied_type(schema: &Map<String, Value>) -> Option<&'static str> {
    const BY_TYPE: [(&str, &[&str]); 4] = [
        ("string", &["pattern", "minLength", "maxLength", "format"]),
        (
            "number",
            &[
                "minimum",
                "maximum",
                "exclusiveMinimum",
                "exclusiveMaximum",
                "multipleOf",
            ],
        ),
        ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
        (
            "object",
            &[
                "properties",
                "required",
                "additionalProperties",
                "minProperties",
                "maxProperties",
            ],
        ),
    ];
    let mut found = BY_TYPE
        .iter()
        .filter(|(_, keys)| keys.iter().any(|key| schema.contains_key(*key)))
        .map(|(ty, _)| *ty);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// One-value (or several-value) enums of one type become one enum, in the order first seen.
pub(super) fn merge_enums(branches: Vec<Value>) -> Vec<Value> {
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
pub(super) fn json_types(schema: &Value) -> Option<BTreeSet<String>> {
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
pub(super) fn tag_values<'a>(branch: &'a Value, property: &str) -> Option<&'a Vec<Value>> {
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
pub(super) fn narrowness(branch: &Value) -> usize {
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
pub(super) fn merge_parts(parts: &[Value]) -> Option<Value> {
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
                super::super::spec::PROPERTY_ORDER => {
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
        merged.insert(super::super::spec::PROPERTY_ORDER.into(), Value::Array(order));
    }
    let mut merged = Value::Object(merged);
    drop_never_properties(&mut merged);
    Some(merged)
}

#[cfg(test)]
mod tests {
    use super::super::oracle::{accepts, keeps_meaning, keeps_meaning_with, samples};
    use super::super::walk::for_each_schema;
    use super::*;

    /// The one rewrite that accepts less than the schema: a typeless nullable branch is given the
    /// type its keywords belong to (a bare `pattern` is a string, not any value).
    #[test]
    fn a_typeless_nullable_branch_gets_the_type_its_keywords_belong_to() {
        let mut date = json!({"anyOf": [{"pattern": "^[1-2]", "example": "2025-12-31"}, {"nullable": true}]});
        rewrite(&mut date).unwrap();
        assert_eq!(
            date,
            json!({"pattern": "^[1-2]", "example": "2025-12-31", "nullable": true, "type": "string"})
        );
        let mut mixed = json!({"anyOf": [{"pattern": "a", "minimum": 1}, {"nullable": true}]});
        rewrite(&mut mixed).unwrap();
        assert!(mixed.get("type").is_none(), "{mixed}");
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
}
