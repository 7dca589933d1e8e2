//! Where the spec holds its schemas, and a walk over every one of them (each after its
//! subschemas, with the path that leads to it): what the passes, and the generators that read a
//! schema wherever it is, go through.

use serde_json::Value;

/// The methods of a path item.
pub const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

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
pub(super) fn walk_holder(node: &mut Value, path: &mut Vec<String>, visit: &mut Visitor<'_>) -> Result<(), String> {
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
pub(super) fn walk(schema: &mut Value, path: &mut Vec<String>, visit: &mut Visitor<'_>) -> Result<(), String> {
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

pub(super) fn for_each_components_schema(spec: &mut Value, visit: &mut Visitor<'_>) -> Result<(), String> {
    let Some(schemas) = spec.pointer_mut("/components/schemas").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (name, schema) in schemas.iter_mut() {
        let mut path = vec!["components".to_string(), "schemas".to_string(), name.clone()];
        walk(schema, &mut path, visit)?;
    }
    Ok(())
}

/// A name as one token of a JSON pointer.
pub fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}
