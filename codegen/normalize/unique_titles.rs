//! Pass 7: typify names a schema with a `title` by its title, and gives every schema of one name the
//! type made for the first: two different schemas sharing a title would decode as one. A title
//! kept is one whose schemas are all alike and that names no component; the others are dropped.
//! Whether typify then gave each schema a type of its own is asked of it
//! (`typify_types::check_no_merged_types`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::schema::strip_annotations;
use super::walk::for_each_components_schema;

/// typify names a schema with a `title` by its title, and gives every schema of one name the
/// type made for the first: two different schemas sharing a title would decode as one. A title
/// kept is one whose schemas are all alike and that names no component; the others are dropped
/// (typify then names those schemas by where they are).
pub(super) fn unique_titles(spec: &mut Value) {
    let components: BTreeSet<String> = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().map(|k| super::super::names::type_name(k)).collect())
        .unwrap_or_default();
    let mut shapes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut collect = |schema: &mut Value, path: &[String]| {
        if path.len() > 3
            && let Some(title) = schema.get("title").and_then(Value::as_str)
        {
            let mut shape = schema.clone();
            strip_annotations(&mut shape);
            shapes
                .entry(super::super::names::type_name(title))
                .or_default()
                .insert(shape.to_string());
        }
        Ok(())
    };
    let _ = for_each_components_schema(spec, &mut collect);
    let mut drop = |schema: &mut Value, path: &[String]| {
        if path.len() > 3
            && let Some(title) = schema
                .get("title")
                .and_then(Value::as_str)
                .map(super::super::names::type_name)
            && (components.contains(&title) || shapes.get(&title).is_some_and(|s| s.len() > 1))
            && let Some(object) = schema.as_object_mut()
        {
            object.remove("title");
        }
        Ok(())
    };
    let _ = for_each_components_schema(spec, &mut drop);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_title_is_kept_only_where_it_names_one_shape_and_no_component() {
        let contact = |property: &str| json!({"title": "Contact", "type": "object", "properties": {property: {"type": "string"}}});
        let mut spec = json!({"components": {"schemas": {
            "Profile": {"type": "object", "properties": {
                "owner": contact("name"),
                "reviewer": contact("email"),
                "home": {"title": "Address", "type": "object", "properties": {"city": {"type": "string"}}},
                "work": {"title": "Address", "description": "Alike but for this.", "type": "object",
                         "properties": {"city": {"type": "string"}}},
                "plan": {"title": "Plan", "type": "string", "enum": ["free"]}
            }},
            "Plan": {"type": "string"}
        }}});
        unique_titles(&mut spec);
        let profile = &spec["components"]["schemas"]["Profile"]["properties"];
        assert!(
            profile["owner"].get("title").is_none(),
            "two shapes: typify would merge them"
        );
        assert!(profile["reviewer"].get("title").is_none());
        assert_eq!(
            profile["home"]["title"], "Address",
            "one shape: one type, as typify makes it"
        );
        assert_eq!(profile["work"]["title"], "Address");
        assert!(profile["plan"].get("title").is_none(), "a component's name");
    }
}
