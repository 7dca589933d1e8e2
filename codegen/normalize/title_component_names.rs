//! Pass 6: typify names a schema written in place by where it is (`Account.type` becomes
//! `AccountType`); when that is the name of a component, two types would have one name. Such a
//! schema gets a title naming it apart (`AccountType2`), which typify uses instead. The names are
//! the generator's (`name_at`); whether typify named the types apart is asked of it once it has
//! made them (`typify_types::check_no_merged_types`), which fails the generation if not.

use std::collections::BTreeSet;

use serde_json::Value;

use super::schema::name_at;
use super::walk::for_each_components_schema;

/// typify names a schema written in place by where it is (`Account.type` becomes `AccountType`);
/// when that is the name of a component (`AccountType`), two types would have one name. Such a
/// schema gets a title naming it apart (`AccountType2`), which typify uses instead.
pub(super) fn title_what_would_take_a_component_name(spec: &mut Value) {
    let Some(schemas) = spec.pointer("/components/schemas").and_then(Value::as_object) else {
        return;
    };
    let mut taken: BTreeSet<String> = schemas.keys().map(|k| super::super::names::type_name(k)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
}
