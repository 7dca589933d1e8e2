//! Pass 3: one component for an object schema written in place in several components, alike but
//! for its annotations (the reference repeats a message's schema in every answer that holds
//! messages): one type for users instead of one per place, and a fraction of the generated code.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::schema::{name_at, strip_annotations};
use super::walk::{pointer_token, walk};

/// An object schema written in place in several components, alike but for its annotations
/// (the reference repeats a message's schema in every answer that holds messages), becomes one
/// component that each place refers to: one type for users instead of one per place, and a
/// fraction of the generated code. It is named after its `object` tag when it has one
/// (`object: {enum: [Message]}`), else its title, else where it is first found (as typify would
/// name it there).
pub(super) fn share_repeated_objects(spec: &mut Value) {
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
        let taken: BTreeSet<String> = schemas.keys().map(|k| super::super::names::type_name(k)).collect();
        let at = name_at(&places[0]);
        let tag = shared
            .pointer("/properties/object/enum")
            .and_then(Value::as_array)
            .filter(|values| values.len() == 1)
            .and_then(|values| values[0].as_str());
        let title = shared.get("title").and_then(Value::as_str);
        let candidates = [tag, title].into_iter().flatten().map(super::super::names::type_name);
        let name = candidates
            .chain(std::iter::once(at.clone()))
            .find(|name| !taken.contains(name))
            .unwrap_or_else(|| {
                super::super::names::unique(taken.iter().cloned().chain([at]).collect())
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

#[cfg(test)]
mod tests {
    use super::*;

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
