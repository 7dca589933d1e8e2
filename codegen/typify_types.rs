//! What typify made of the spec's schemas, asked through typify's own API instead of predicted or
//! read back off the code it writes: the Rust name of each component's type, and the Rust type of
//! each field of a struct, found by the field's name on the wire.
//!
//! typify names a component by its key and a struct's field by its property's name, each through
//! rules of its own (a case, a prefix for what cannot start an identifier, a suffix for a keyword).
//! Rather than copy those rules, each name is asked of a scratch [`TypeSpace`] given a probe with
//! just that name: a component key as a one-value enum's definition, a struct's property names as
//! the properties of one object (each told apart by its description, which typify keeps beside the
//! name it makes). The answers then find the types in the [`TypeSpace`] that generated the code, by
//! their names and type ids. Two keys or two properties that typify would give one name are found
//! here, and said, before any code is written.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use serde_json::{Value, json};
use typify::{Type, TypeDetails, TypeId, TypeSpace};

use super::normalize::pointer_token;

/// A field's Rust type, unwrapped: what one value of it is, and what holds it.
#[derive(Clone, Debug)]
pub struct FieldType {
    /// One value's type (an item's, for a list), as code naming it (`types::Message`,
    /// `::std::string::String`, `::serde_json::Value`).
    pub ty: TokenStream,
    /// Whether the field is an `Option`.
    pub optional: bool,
    /// Whether the value is a `Vec` of `ty`.
    pub list: bool,
    /// Whether `ty` is any JSON value (`serde_json::Value`).
    pub any: bool,
    /// The name typify gave the type.
    pub name: String,
}

/// The component schemas' types, as typify named and made them.
pub struct TypifyTypes<'a> {
    space: &'a TypeSpace,
    /// typify's types by the names it gave them.
    by_name: BTreeMap<String, Type<'a>>,
    /// Each component key's Rust type name.
    names: BTreeMap<String, String>,
    /// The properties typify was given under other keys ([`rename_fields_named_alike`]).
    renamed: &'a Renamed,
    namer: FieldNamer,
    /// The names of the types made outside typify (replacements), re-exported in `types`.
    own: BTreeSet<String>,
}

/// The Rust type name typify gives each of `keys` as a component (a definition) of the spec,
/// asked of typify. Fails when two keys would be given one name.
pub fn component_names<'k>(keys: impl IntoIterator<Item = &'k String>) -> Result<BTreeMap<String, String>, String> {
    let keys: Vec<&String> = keys.into_iter().collect();
    let probe: schemars::schema::Schema =
        serde_json::from_value(json!({"type": "string", "enum": ["x"]})).map_err(|e| e.to_string())?;
    let mut scratch = TypeSpace::default();
    scratch
        .add_ref_types(keys.iter().map(|key| (key.as_str(), probe.clone())))
        .map_err(|e| format!("typify cannot name the components: {e}"))?;
    let mut names = BTreeMap::new();
    let mut named: BTreeMap<String, &String> = BTreeMap::new();
    for key in keys {
        let reference = format!("#/components/schemas/{}", pointer_token(key));
        let id = scratch
            .add_type(&schemars::schema::SchemaObject::new_ref(reference).into())
            .map_err(|e| format!("typify cannot name component {key}: {e}"))?;
        let name = scratch.get_type(&id).map_err(|e| e.to_string())?.name();
        if let Some(other) = named.insert(name.clone(), key) {
            return Err(format!(
                "components {other} and {key} would both be the Rust type {name}: rename one"
            ));
        }
        names.insert(key.clone(), name);
    }
    Ok(names)
}

/// The identifier of component `key`'s type, from [`component_names`]'s answers.
pub fn ident_of(names: &BTreeMap<String, String>, key: &str) -> Result<syn::Ident, String> {
    names
        .get(key)
        .map(|name| super::names::ident(name))
        .ok_or(format!("no component {key} to name a type after"))
}

/// A scratch [`TypeSpace`] holding `schema` as the one definition `Probe`, and its type's id: what
/// typify makes of a schema, to be asked.
fn probe(schema: Value) -> Result<(TypeSpace, TypeId), String> {
    let schema: schemars::schema::Schema = serde_json::from_value(schema).map_err(|e| e.to_string())?;
    let mut scratch = TypeSpace::default();
    scratch.add_ref_types([("Probe", schema)]).map_err(|e| e.to_string())?;
    let id = scratch
        .add_type(&schemars::schema::SchemaObject::new_ref("#/components/schemas/Probe".into()).into())
        .map_err(|e| e.to_string())?;
    Ok((scratch, id))
}

/// The Rust field name typify gives each of `properties` (wire names) of one object, asked of
/// typify. Fails, naming `context`, when two properties would be given one name.
pub fn field_names<'p>(
    context: &str,
    properties: impl IntoIterator<Item = &'p String>,
) -> Result<BTreeMap<String, String>, String> {
    let properties: serde_json::Map<String, Value> = properties
        .into_iter()
        .map(|wire| (wire.clone(), json!({ "description": wire })))
        .collect();
    if properties.is_empty() {
        return Ok(BTreeMap::new());
    }
    let (scratch, id) = probe(json!({"type": "object", "properties": properties}))
        .map_err(|e| format!("{context}: typify cannot name its properties: {e}"))?;
    let probe = scratch.get_type(&id).map_err(|e| e.to_string())?;
    let TypeDetails::Struct(probe) = probe.details() else {
        return Err(format!("{context}: typify made no struct of its properties"));
    };
    let mut names = BTreeMap::new();
    let mut wires: BTreeMap<String, String> = BTreeMap::new();
    for property in probe.properties_info() {
        let wire = property
            .description
            .ok_or(format!("{context}: typify dropped a property's description"))?
            .to_string();
        if let Some(other) = wires.insert(property.name.to_string(), wire.clone()) {
            return Err(format!(
                "{context}: properties {other:?} and {wire:?} would both be the Rust field {}",
                property.name
            ));
        }
        names.insert(wire, property.name.to_string());
    }
    Ok(names)
}

/// Whether typify names the values of a string enum apart: the names it gives them, each asked
/// alone, all differ. typify fails on an enum whose values it names alike (values that differ
/// only in case or punctuation, `a-b` and `A_B`); such an enum is generated here instead
/// (`open_enums`), its variants named apart by `names::variants`.
pub fn names_values_apart(values: &[&str]) -> Result<bool, String> {
    let mut seen = BTreeSet::new();
    for value in values {
        let (scratch, id) = probe(json!({"type": "string", "enum": [value]}))
            .map_err(|e| format!("typify cannot name the enum value {value:?}: {e}"))?;
        let ty = scratch.get_type(&id).map_err(|e| e.to_string())?;
        let TypeDetails::Enum(probe) = ty.details() else {
            return Err(format!("typify made no enum of the value {value:?}"));
        };
        let Some(variant) = probe.variants_info().next() else {
            return Err(format!("typify made no variant of the value {value:?}"));
        };
        if !seen.insert(variant.name.to_string()) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What typify reads (never the spec the other generators read): the spec, with each property
/// typify would name like another of its object renamed ([`rename_fields_named_alike`]), each
/// union that only narrows its object left out (the model reads it as a body's rule), and each
/// `anyOf` left after `normalize` (branches that may both match: several shapes of one resource,
/// result kinds that overlap) given as a `oneOf`. typify makes an `anyOf` a struct of optional
/// flattened branches, which refuses documents the union allows; a `oneOf` is its untagged enum,
/// which takes the first branch that matches (`normalize` put the narrowest first), so decodes
/// every document the `anyOf` allows. Which branch a document decodes as is the enum's business;
/// what is accepted is the spec's.
pub fn typify_view(raw: &Value) -> Result<(Value, Renamed), String> {
    let mut view = raw.clone();
    let renamed = rename_fields_named_alike(&mut view)?;
    super::normalize::for_each_schema(&mut view, &mut |schema, _| {
        // A union that only narrows its object (which of its fields are present) changes no type:
        // typify would make it an enum of structs. The model checks it instead (`read_body`).
        if let Some(key) = super::normalize::narrowing_union(schema)
            && let Some(object) = schema.as_object_mut()
        {
            object.remove(key);
        }
        if let Some(object) = schema.as_object_mut()
            && !object.contains_key("oneOf")
            && let Some(branches) = object.remove("anyOf")
        {
            object.insert("oneOf".into(), branches);
        }
        keep_other_properties_in_lone_property_branches(schema);
        Ok(())
    })?;
    Ok((view, renamed))
}

/// A union of objects that each require their one property (`{daily: ..} | {monthly: ..}`) is
/// what typify makes an externally tagged enum of, whose variants refuse any other property, even
/// where the schema allows others (typify 0.8's `maybe_externally_tagged_enum` does not read
/// `additionalProperties`). Each such branch that allows others gets `minProperties: 1`, which it
/// says already (it requires a property), and which typify's tagged shapes do not take: the union
/// becomes an untagged enum of structs, which keep what the schema allows, each variant named after
/// its property as typify's tagged variant was.
fn keep_other_properties_in_lone_property_branches(schema: &mut Value) {
    let Some(branches) = schema.get_mut("oneOf").and_then(Value::as_array_mut) else {
        return;
    };
    let lone_property = |branch: &Value| {
        let properties = branch.get("properties").and_then(Value::as_object);
        let required = branch.get("required").and_then(Value::as_array);
        matches!((properties, required), (Some(p), Some(r)) if p.len() == 1 && r.len() == 1
            && r[0].as_str().is_some_and(|name| p.contains_key(name)))
            && branch.get("$ref").is_none()
    };
    if branches.is_empty() || !branches.iter().all(lone_property) {
        return;
    }
    if branches
        .iter()
        .all(|b| b.get("additionalProperties") == Some(&Value::Bool(false)))
    {
        return;
    }
    for branch in branches.iter_mut() {
        let Some(object) = branch.as_object_mut() else { continue };
        if !object.contains_key("minProperties") {
            object.insert("minProperties".into(), json!(1));
        }
        // Each variant named after its property, as the tagged enum's were (an untagged enum's
        // variants are named by their titles).
        let property = object
            .get("properties")
            .and_then(Value::as_object)
            .and_then(|p| p.keys().next().cloned());
        if let Some(property) = property
            && !object.contains_key("title")
        {
            object.insert("title".into(), Value::String(super::names::type_name(&property)));
        }
    }
}

/// typify's field name for each property name, asked of it once per name ([`field_names`] with
/// that one name: the answer does not depend on the object the property is in). The generator
/// asks it of every property of every object, where the same names repeat.
#[derive(Default)]
pub struct FieldNamer(std::cell::RefCell<BTreeMap<String, Option<String>>>);

impl FieldNamer {
    /// The field name typify gives a property named `wire` (`None`: it makes no field of it).
    pub fn name(&self, wire: &str) -> Result<Option<String>, String> {
        if let Some(known) = self.0.borrow().get(wire) {
            return Ok(known.clone());
        }
        let name = field_names(wire, [&wire.to_string()])?.remove(wire);
        self.0.borrow_mut().insert(wire.to_string(), name.clone());
        Ok(name)
    }
}

/// The properties renamed for typify: each component's (its key, then the property's wire name,
/// then the key typify was given), and every renamed key's wire name.
#[derive(Debug, Default)]
pub struct Renamed {
    by_component: BTreeMap<String, BTreeMap<String, String>>,
    /// Each key given to typify, and the property's name on the wire.
    pub wires: BTreeMap<String, String>,
}

/// Properties of one object that typify would give one field name (`a-b` and `a_b`, which would
/// not compile) are renamed in `spec` (the view typify reads, never the spec the other generators
/// read): each but the first gets a key no schema of the spec uses, which typify keeps as its field
/// name (`a_b_2`); the generated field then gets its wire name back (`patches::renamed_fields`).
fn rename_fields_named_alike(spec: &mut Value) -> Result<Renamed, String> {
    let mut used = BTreeSet::new();
    super::normalize::for_each_schema(spec, &mut |schema, _| {
        used.extend(
            schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone()),
        );
        Ok(())
    })?;
    let mut renamed = Renamed::default();
    let namer = FieldNamer::default();
    super::normalize::for_each_schema(spec, &mut |schema, path| {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return Ok(());
        };
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for wire in properties.keys() {
            let name = namer.name(wire)?.unwrap_or_default();
            by_name.entry(name).or_default().push(wire.clone());
        }
        let mut taken: BTreeSet<String> = by_name.keys().cloned().collect();
        let mut renames: Vec<(String, String)> = Vec::new();
        for (name, wires) in &by_name {
            // The wire name typify keeps as it is keeps its field; else the first.
            let keep = wires.iter().position(|w| w == name).unwrap_or(0);
            for (_, wire) in wires.iter().enumerate().filter(|(i, _)| *i != keep) {
                let mut n = 2;
                let key = loop {
                    let candidate = format!("{name}_{n}");
                    let kept = namer.name(&candidate)?.as_ref() == Some(&candidate);
                    if kept && !used.contains(&candidate) && !taken.contains(&candidate) {
                        break candidate;
                    }
                    n += 1;
                };
                taken.insert(key.clone());
                used.insert(key.clone());
                renames.push((wire.clone(), key));
            }
        }
        for (wire, key) in renames {
            if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut)
                && let Some(value) = properties.remove(&wire)
            {
                properties.insert(key.clone(), value);
            }
            for entry in schema
                .get_mut("required")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
                .filter(|r| r.as_str() == Some(wire.as_str()))
            {
                *entry = Value::from(key.clone());
            }
            if let [_, _, component] = path {
                renamed
                    .by_component
                    .entry(component.clone())
                    .or_default()
                    .insert(wire.clone(), key.clone());
            }
            renamed.wires.insert(key, wire);
        }
        Ok(())
    })?;
    Ok(renamed)
}

impl<'a> TypifyTypes<'a> {
    /// The types of `space`, where each component key of `names` (see [`component_names`]) finds
    /// its type; `own` names the types made outside typify (replacements).
    pub fn new(
        space: &'a TypeSpace,
        names: BTreeMap<String, String>,
        own: BTreeSet<String>,
        renamed: &'a Renamed,
    ) -> Self {
        let by_name = space.iter_types().map(|ty| (ty.name(), ty)).collect();
        TypifyTypes {
            space,
            by_name,
            names,
            renamed,
            own,
            namer: FieldNamer::default(),
        }
    }

    /// The Rust name of component `key`'s type, if one was generated.
    pub fn name_of(&self, key: &str) -> Option<&str> {
        let name = self.names.get(key)?;
        (self.by_name.contains_key(name) || self.own.contains(name)).then_some(name.as_str())
    }

    /// The type of field `wire` of component `key`'s struct, if it is a struct with that field.
    pub fn field(&self, key: &str, wire: &str) -> Result<Option<FieldType>, String> {
        let Some(record) = self.names.get(key).and_then(|name| self.by_name.get(name)) else {
            return Ok(None);
        };
        let TypeDetails::Struct(record) = record.details() else {
            return Ok(None);
        };
        // A property renamed for typify has the key it was given as its field's name.
        let given = match self.renamed.by_component.get(key).and_then(|r| r.get(wire)) {
            Some(given) => given.clone(),
            None => wire.to_string(),
        };
        let Some(rust) = self.namer.name(&given)? else {
            return Ok(None);
        };
        match record.properties_info().find(|p| p.name == rust) {
            Some(property) => self.unwrap(&property.type_id).map(Some),
            None => Ok(None),
        }
    }

    /// Fails when typify gave a schema written in place a type that is another schema's: that of a
    /// component of the same name (`Profile.kind` and a component `ProfileKind`), or that of another
    /// schema in place of the same name (two shapes titled alike). typify names such types by the
    /// first schema it meets and uses that type for the others, so the others would decode as the
    /// first does. `normalize` titles schemas apart before typify sees them; this asks typify
    /// whether it worked, for every property of every component struct (and a list's items).
    pub fn check_no_merged_types(&self, raw: &Value) -> Result<(), String> {
        let schemas = raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .ok_or("no components")?;
        let components: BTreeMap<&str, &str> = self
            .names
            .iter()
            .map(|(key, name)| (name.as_str(), key.as_str()))
            .collect();
        let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (key, schema) in schemas {
            for (wire, property) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let inline = match property.get("items") {
                    Some(items) if property.get("type").and_then(Value::as_str) == Some("array") => items,
                    _ => property,
                };
                let typed_here = inline.get("$ref").is_none()
                    && ["properties", "enum", "oneOf", "anyOf", "allOf"]
                        .iter()
                        .any(|k| inline.get(k).is_some())
                    && !matches!(inline.get("allOf").and_then(Value::as_array), Some(parts) if parts.len() == 1 && parts[0].get("$ref").is_some());
                if !typed_here {
                    continue;
                }
                let Some(field) = self.field(key, wire)? else { continue };
                let place = format!("{key}.{wire}");
                if let Some(component) = components.get(field.name.as_str()) {
                    return Err(format!(
                        "{place}: typify gave this schema, written in place, the type {} of component {component}; \
                         give it a title of its own",
                        field.name
                    ));
                }
                let mut shape = inline.clone();
                super::normalize::strip_annotations(&mut shape);
                let shape = shape.to_string();
                match seen.get(&field.name) {
                    Some((other, other_shape)) if *other_shape != shape => {
                        return Err(format!(
                            "{other} and {place}: typify gave two different schemas one type {}; give one a title of its own",
                            field.name
                        ));
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(field.name.clone(), (place, shape));
                    }
                }
            }
        }
        Ok(())
    }

    /// The type `id` names, with `Option`, `Box` and `Vec` taken off (and said).
    fn unwrap(&self, id: &TypeId) -> Result<FieldType, String> {
        let mut optional = false;
        let mut list = false;
        let mut id = id.clone();
        loop {
            let ty = self.space.get_type(&id).map_err(|e| e.to_string())?;
            match ty.details() {
                TypeDetails::Option(inner) if !optional && !list => {
                    optional = true;
                    id = inner;
                }
                TypeDetails::Vec(inner) if !list => {
                    list = true;
                    id = inner;
                }
                TypeDetails::Box(inner) => id = inner,
                details => {
                    return Ok(FieldType {
                        any: matches!(details, TypeDetails::Builtin("::serde_json::Value")),
                        name: ty.name(),
                        ty: ty.ident(),
                        optional,
                        list,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_typify_s_and_collisions_are_said() {
        let keys = ["get_message-response", "Account", "self"].map(String::from);
        let names = component_names(&keys).unwrap();
        assert_eq!(names["get_message-response"], "GetMessageResponse");
        assert_eq!(names["Account"], "Account");
        assert_eq!(names["self"], "Self_");
        let error = component_names(&["a-b".to_string(), "a_b".to_string()]).unwrap_err();
        assert!(error.contains("a-b") && error.contains("a_b"), "{error}");

        let fields = field_names("Thing", &["type".to_string(), "accountId".to_string(), "1".to_string()]).unwrap();
        assert_eq!(fields["type"], "type_");
        assert_eq!(fields["accountId"], "account_id");
        assert_eq!(fields["1"], "x1");
        let error = field_names("Thing", &["a-b".to_string(), "a_b".to_string()]).unwrap_err();
        assert!(error.contains("Thing") && error.contains("a_b"), "{error}");
    }

    #[test]
    fn a_union_of_one_property_objects_that_allow_others_is_no_tagged_enum_for_typify() {
        let view = |schema: Value| {
            let spec = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"Budget": schema}}});
            typify_view(&spec).unwrap().0["components"]["schemas"]["Budget"].clone()
        };
        let open = view(json!({"anyOf": [
            {"type": "object", "properties": {"daily": {"type": "number"}}, "required": ["daily"]},
            {"type": "object", "properties": {"monthly": {"type": "number"}}, "required": ["monthly"]},
        ]}));
        assert_eq!(open["oneOf"][0]["minProperties"], 1, "{open}");
        assert_eq!(open["oneOf"][1]["title"], "Monthly", "{open}");
        // Closed branches are exactly typify's externally tagged enum: left as they are.
        let closed = json!({"oneOf": [
            {"type": "object", "properties": {"daily": {"type": "number"}}, "required": ["daily"], "additionalProperties": false},
            {"type": "object", "properties": {"monthly": {"type": "number"}}, "required": ["monthly"], "additionalProperties": false},
        ]});
        assert_eq!(view(closed.clone()), closed);
        // A union that only narrows its object is left out for typify.
        let narrowed = view(json!({
            "type": "object", "properties": {"text": {"type": "string"}, "file": {"type": "string"}},
            "anyOf": [{"required": ["text"], "properties": {"text": {"minLength": 1}}}, {"required": ["file"]}],
        }));
        assert!(
            narrowed.get("anyOf").is_none() && narrowed.get("oneOf").is_none(),
            "{narrowed}"
        );
    }

    /// A `TypeSpace` of `schemas` as definitions, and typify's name for each.
    fn space_of(schemas: &Value) -> (TypeSpace, BTreeMap<String, String>) {
        let mut space = TypeSpace::default();
        let defs = schemas.as_object().unwrap().iter().map(|(key, schema)| {
            let schema: schemars::schema::Schema = serde_json::from_value(schema.clone()).unwrap();
            (key.clone(), schema)
        });
        space.add_ref_types(defs).unwrap();
        (space, component_names(schemas.as_object().unwrap().keys()).unwrap())
    }

    /// What `normalize`'s titling passes prevent, given to typify without them: it must be found.
    #[test]
    fn a_schema_given_another_s_type_is_found() {
        let check = |schemas: Value| -> Result<(), String> {
            let (space, names) = space_of(&schemas);
            let renamed = Renamed::default();
            let types = TypifyTypes::new(&space, names, BTreeSet::new(), &renamed);
            types.check_no_merged_types(&json!({"components": {"schemas": schemas}}))
        };
        let error = check(json!({
            "ProfileKind": {"type": "string", "enum": ["person", "team"]},
            "Profile": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["PERSONAL", "SHARED"]}}}
        }))
        .unwrap_err();
        assert!(
            error.contains("Profile.kind") && error.contains("component ProfileKind"),
            "{error}"
        );
        let contact = |property: &str| json!({"title": "Contact", "type": "object", "properties": {property: {"type": "string"}}});
        let error = check(json!({
            "Profile": {"type": "object", "properties": {"owner": contact("name"), "reviewer": contact("email")}}
        }))
        .unwrap_err();
        assert!(
            error.contains("Profile.owner") && error.contains("Profile.reviewer"),
            "{error}"
        );
        let fine = check(json!({
            "Profile": {"type": "object", "properties": {"owner": contact("name"), "backup": contact("name")}}
        }));
        assert_eq!(fine, Ok(()), "alike: one type is right");
    }

    #[test]
    fn enum_values_typify_names_alike_are_found() {
        assert!(names_values_apart(&["json", "form", "+1", "-1"]).unwrap());
        assert!(!names_values_apart(&["a", "A"]).unwrap());
        assert!(!names_values_apart(&["a-b", "a_b"]).unwrap());
    }

    #[test]
    fn a_field_s_type_is_read_from_the_type_space() {
        let schemas = serde_json::json!({
            "Page": {"type": "object", "required": ["items"], "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                "cursor": {"type": "string", "nullable": true},
                "any-thing": {}
            }},
            "Item": {"type": "object", "properties": {"id": {"type": "string"}}}
        });
        let (space, names) = space_of(&schemas);
        let renamed = Renamed::default();
        let types = TypifyTypes::new(&space, names, BTreeSet::new(), &renamed);
        assert_eq!(types.name_of("Page"), Some("Page"));
        assert_eq!(types.name_of("Missing"), None);
        let items = types.field("Page", "items").unwrap().unwrap();
        assert!(items.list && !items.optional && !items.any);
        assert_eq!(items.ty.to_string(), "Item");
        let cursor = types.field("Page", "cursor").unwrap().unwrap();
        assert!(cursor.optional && !cursor.list);
        let any = types.field("Page", "any-thing").unwrap().unwrap();
        assert!(any.optional && any.any);
        assert!(types.field("Page", "absent").unwrap().is_none());
        assert!(types.field("Item", "id").unwrap().is_some());
    }
}
