//! Pass 2: what the generators need named gets a name. Each operation's inline success answer,
//! body and enum parameters become components, named as progenitor names them
//! (`{OperationId}Response`, `{OperationId}Body`, `{OperationId}{Parameter}`): an answer is
//! decoded into a type, a body is set field by field, an enum parameter's setter takes a type.
//! A shared response, body or parameter is copied into the operation first, so what is hoisted
//! out of it is the operation's own.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::schema::{binary_is_text, is_binary, is_json_media, pure_enum};
use super::walk::METHODS;

/// Moves each operation's inline answer, body and enum parameter schemas to components.
pub(super) fn hoist(spec: &mut Value) -> Result<(), String> {
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
        let mut name = super::super::names::type_name(&base);
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{}{n}", super::super::names::type_name(&base));
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
pub(super) fn inline_shared(node: &mut Value, shared: &Value, section: &str, context: &str) -> Result<(), String> {
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
pub(super) fn enum_of_parameter(schema: &mut Value) -> Option<&mut Value> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_answers_bodies_and_enum_parameters_become_components() {
        let mut spec = json!({
            "paths": {"/things/{id}": {
                "parameters": [{"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}}],
                "post": {
                    "operationId": "make_thing",
                    "parameters": [{"$ref": "#/components/parameters/Id"}],
                    "requestBody": {"content": {"application/json": {"schema": {
                        "type": "object", "properties": {"name": {"type": "string"}}
                    }}}},
                    "responses": {
                        "201": {"description": "Made", "content": {"application/json": {"schema": {
                            "type": "object", "properties": {"id": {"type": "string"}}
                        }}}},
                        "400": {"description": "Bad", "content": {"application/json": {"schema": {"type": "object"}}}}
                    }
                }
            }},
            "components": {
                "schemas": {"MakeThingBody": {"type": "string"}},
                "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}}
            }
        });
        hoist(&mut spec).unwrap();
        let schemas = &spec["components"]["schemas"];
        let op = &spec["paths"]["/things/{id}"]["post"];
        assert_eq!(
            op["responses"]["201"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/MakeThingResponse"})
        );
        assert_eq!(schemas["MakeThingResponse"]["properties"]["id"]["type"], "string");
        // A name taken by a component is made apart.
        assert_eq!(
            op["requestBody"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/MakeThingBody2"})
        );
        assert_eq!(schemas["MakeThingBody"], json!({"type": "string"}), "untouched");
        // An error answer is not hoisted; the path item's enum parameter is the operation's now.
        assert!(
            op["responses"]["400"]["content"]["application/json"]["schema"]
                .get("$ref")
                .is_none()
        );
        let kind = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "kind")
            .expect("the path item's parameter, copied");
        assert_eq!(kind["schema"], json!({"$ref": "#/components/schemas/MakeThingKind"}));
        assert_eq!(schemas["MakeThingKind"]["enum"], json!(["a", "b"]));
        assert!(
            op["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "id"),
            "the shared one, inlined"
        );
    }
}
