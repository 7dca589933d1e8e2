//! Pass 5: a nullable component that is a type of its own (a union, an object, an enum) becomes a
//! nullable reference to a component holding the type: typify would give the component's one name
//! to two types, the `Option` newtype and the type inside it, which then holds itself.

use serde_json::{Value, json};

use super::schema::{annotations, structural};
use super::walk::pointer_token;

/// typify gives a nullable component that is a type of its own (a union, an object, an enum) two
/// types of the component's one name: the `Option` newtype and the type inside it, which then
/// holds itself. The type inside becomes a component of its own, `{Name}Value`, and the component
/// a nullable reference to it (the form a nullable `$ref` takes everywhere, see [`alone`](super::rewrite::alone)).
pub(super) fn split_nullable_components(spec: &mut Value) {
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

#[cfg(test)]
mod tests {
    use super::super::oracle::{accepts, samples};
    use super::*;

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
}
