//! Reads `openapi.yaml`.

use serde_json::Value;

use super::SPEC_PATH;

/// The spec twice: as plain JSON (what [`super::normalize`] rewrites and every generator reads;
/// progenitor gets typed OpenAPI read from it), and as typed OpenAPI read from the text, which
/// keeps the order of every map (JSON's objects here are sorted by key): the order of the fields
/// of a multipart form is the order its parts go out in.
pub struct Spec {
    pub raw: Value,
    pub ordered: openapiv3::OpenAPI,
}

/// Reads the spec as YAML 1.2 (which OpenAPI 3.x asks for): only `true`/`false` are booleans, so
/// a value such as `NO` in `x-enum-varnames` stays a string (YAML 1.1 would read it as `false`).
pub fn load(spec_text: &str) -> Result<Spec, String> {
    let yaml_1_2 = serde_saphyr::options! { strict_booleans: true };
    let raw: Value = serde_saphyr::from_str_with_options(spec_text, yaml_1_2.clone())
        .map_err(|e| format!("{SPEC_PATH} is not valid YAML: {e}"))?;
    refuse_callback_refs(&raw)?;
    check_references(&raw)?;
    let ordered = serde_saphyr::from_str_with_options(spec_text, yaml_1_2)
        .map_err(|e| format!("{SPEC_PATH} is not OpenAPI 3.0: {e}"))?;
    Ok(Spec { raw, ordered })
}

/// openapiv3 (the typed view above, and progenitor's) types an operation's callbacks as written in
/// place, without `$ref`, so a referenced callback fails its parse with a message about path items:
/// said here instead, naming the callback.
fn refuse_callback_refs(raw: &Value) -> Result<(), String> {
    for (template, item) in raw.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            for (name, callback) in op.get("callbacks").and_then(Value::as_object).into_iter().flatten() {
                if callback.get("$ref").is_some() {
                    return Err(format!(
                        "{} {template}: callback {name} is a $ref; write it in place (the OpenAPI reader the \
                         generator uses takes no reference to a callback)",
                        method.to_uppercase()
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Fails on the first `$ref` that is not local or does not resolve, naming where it is: every
/// later reading of the spec follows references with [`resolve`], and a reference that dangles
/// is said here once, before anything is generated from it.
fn check_references(raw: &Value) -> Result<(), String> {
    fn visit(raw: &Value, node: &Value, place: &mut Vec<String>) -> Result<(), String> {
        match node {
            Value::Object(object) => {
                if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
                    let at = format!("#/{}", place.join("/"));
                    let pointer = reference.strip_prefix('#').ok_or(format!(
                        "{SPEC_PATH} at {at}: $ref {reference} is not local (only references into this file are read)"
                    ))?;
                    if raw.pointer(pointer).is_none() {
                        return Err(format!("{SPEC_PATH} at {at}: $ref {reference} does not resolve"));
                    }
                }
                for (key, child) in object {
                    place.push(key.replace('~', "~0").replace('/', "~1"));
                    visit(raw, child, place)?;
                    place.pop();
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    place.push(index.to_string());
                    visit(raw, child, place)?;
                    place.pop();
                }
            }
            _ => {}
        }
        Ok(())
    }
    visit(raw, raw, &mut Vec::new())
}

/// The one resolver: a reference (a schema's, a parameter's, a response's, a body's, a
/// callback's) followed to what it names, through references to references. Fails on one that
/// is not local, does not resolve, or goes round (32 deep).
pub fn resolve<'a>(raw: &'a Value, node: &'a Value) -> Result<&'a Value, String> {
    let mut node = node;
    for _ in 0..32 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return Ok(node);
        };
        let pointer = reference
            .strip_prefix('#')
            .ok_or(format!("only local references are supported, not {reference}"))?;
        node = raw.pointer(pointer).ok_or(format!("{reference} does not resolve"))?;
    }
    Err("references nested more than 32 deep".into())
}

/// [`resolve`] for a schema, where a reference that does not resolve cannot be: [`load`] refused
/// the spec's, and the rewrites of `normalize` write only references to what they add. One that
/// dangles all the same is the generator's error, and stops it.
pub fn resolved<'a>(raw: &'a Value, schema: &'a Value) -> &'a Value {
    resolve(raw, schema).unwrap_or_else(|e| panic!("the generator wrote a reference that does not resolve: {e}"))
}

/// A schema's `description`, trimmed (empty when it has none).
pub fn doc_of(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The properties of the component schema `name`, in the order the spec writes them (empty when it
/// is not an object schema of the spec's components).
pub fn property_order(ordered: &openapiv3::OpenAPI, name: &str) -> Vec<String> {
    let schema = ordered.components.as_ref().and_then(|c| c.schemas.get(name));
    match schema {
        Some(openapiv3::ReferenceOr::Item(openapiv3::Schema {
            schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)),
            ..
        })) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The properties of an operation's body, in the order the spec writes them (a form's parts go
/// out in this order), whether the body's schema is written in place or is a component.
pub fn body_property_order(ordered: &openapiv3::OpenAPI, path: &str, method: &str) -> Vec<String> {
    use openapiv3::ReferenceOr;
    let Some(ReferenceOr::Item(item)) = ordered.paths.paths.get(path) else {
        return Vec::new();
    };
    let op = item.iter().find(|(m, _)| *m == method).map(|(_, op)| op);
    let Some(ReferenceOr::Item(body)) = op.and_then(|op| op.request_body.as_ref()) else {
        return Vec::new();
    };
    let schema = body.content.values().find_map(|media| media.schema.as_ref());
    match schema {
        Some(ReferenceOr::Reference { reference }) => reference
            .strip_prefix("#/components/schemas/")
            .map(|name| property_order(ordered, name))
            .unwrap_or_default(),
        Some(ReferenceOr::Item(openapiv3::Schema {
            schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)),
            ..
        })) => object.properties.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reference_that_dangles_is_refused_naming_where_it_is() {
        let spec = include_str!("../openapi.yaml").replacen(
            "$ref: '#/components/schemas/Chat'",
            "$ref: '#/components/schemas/Chta'",
            1,
        );
        assert_ne!(spec, include_str!("../openapi.yaml"), "the spec names Chat");
        let error = super::load(&spec).err().expect("refused");
        assert!(
            error.contains("#/components/schemas/Chta") && error.contains(" at #/"),
            "{error}"
        );
        let raw = serde_json::json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}});
        assert!(super::resolve(&raw, &raw["a"]).unwrap_err().contains("32 deep"));
    }
}
