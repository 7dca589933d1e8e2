//! Reads `openapi.yaml`.

use serde_json::Value;

use super::SPEC_PATH;

/// Reads the spec as YAML 1.2 (which OpenAPI 3.x asks for), once: only `true`/`false` are
/// booleans, so a value such as `NO` in `x-enum-varnames` stays a string (YAML 1.1 would read it
/// as `false`). The result is plain JSON, whose objects are sorted by key; the one order that
/// matters, that of an object schema's properties (a form's parts go out in it), is kept in the
/// schema itself as [`PROPERTY_ORDER`], where the rewrites of `normalize` carry it along (an
/// `allOf` merged joins its parts' orders).
pub fn load(spec_text: &str) -> Result<Value, String> {
    let written = read(spec_text)?;
    let mut raw = written.to_json();
    refuse_callback_refs(&raw)?;
    check_references(&raw)?;
    super::normalize::for_each_schema(&mut raw, &mut |schema, path| {
        let Some(object) = schema.as_object_mut() else {
            return Ok(());
        };
        if !object.contains_key("properties") {
            return Ok(());
        }
        let at = path
            .iter()
            .chain(["properties".to_string()].iter())
            .try_fold(&written, |node, key| node.get(key));
        if let Some(Written::Map(properties)) = at {
            let order = properties.iter().map(|(name, _)| Value::from(name.clone())).collect();
            object.insert(PROPERTY_ORDER.into(), Value::Array(order));
        }
        Ok(())
    })?;
    Ok(raw)
}

/// The spec as written, as JSON, its references checked (without [`load`]'s property orders: what
/// `cargo xtask spec-diff` compares and the parts are read from).
pub fn parse(spec_text: &str) -> Result<Value, String> {
    let raw = read(spec_text)?.to_json();
    refuse_callback_refs(&raw)?;
    check_references(&raw)?;
    Ok(raw)
}

fn read(spec_text: &str) -> Result<Written, String> {
    let yaml_1_2 = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(spec_text, yaml_1_2).map_err(|e| format!("{SPEC_PATH} is not valid YAML: {e}"))
}

/// The key under which an object schema lists its properties in the order the spec writes them.
pub const PROPERTY_ORDER: &str = "x-property-order";

/// The names of `schema`'s properties in the order the spec writes them (then any it does not
/// list, by name).
pub fn property_order(schema: &Value) -> Vec<String> {
    let mut order: Vec<String> = schema
        .get(PROPERTY_ORDER)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    for name in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        if !order.contains(name) {
            order.push(name.clone());
        }
    }
    order
}

/// YAML as written: every map in its order.
enum Written {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
    List(Vec<Written>),
    Map(Vec<(String, Written)>),
}

impl Written {
    fn get(&self, key: &str) -> Option<&Written> {
        match self {
            Written::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Written::List(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Written::Null => Value::Null,
            Written::Bool(b) => Value::Bool(*b),
            Written::Number(n) => Value::Number(n.clone()),
            Written::Text(t) => Value::String(t.clone()),
            Written::List(items) => Value::Array(items.iter().map(Written::to_json).collect()),
            Written::Map(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Written {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Written;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_unit<E>(self) -> Result<Written, E> {
                Ok(Written::Null)
            }
            fn visit_none<E>(self) -> Result<Written, E> {
                Ok(Written::Null)
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Written, D::Error> {
                serde::Deserialize::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Written, E> {
                Ok(Written::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Written, E> {
                Ok(Written::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Written, E> {
                Ok(Written::Number(n.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Written, E> {
                serde_json::Number::from_f64(n)
                    .map(Written::Number)
                    .ok_or_else(|| E::custom(format!("{n} is not a JSON number")))
            }
            fn visit_str<E>(self, text: &str) -> Result<Written, E> {
                Ok(Written::Text(text.to_string()))
            }
            fn visit_string<E>(self, text: String) -> Result<Written, E> {
                Ok(Written::Text(text))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Written, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Written::List(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Written, A::Error> {
                let mut entries: Vec<(String, Written)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<Written, Written>()? {
                    let key = match key {
                        Written::Text(text) => text,
                        Written::Number(n) => n.to_string(),
                        Written::Bool(b) => b.to_string(),
                        _ => return Err(serde::de::Error::custom("a map key that is not a string")),
                    };
                    // A repeated key: the last one holds, as JSON reads it.
                    entries.retain(|(k, _)| *k != key);
                    entries.push((key, value));
                }
                Ok(Written::Map(entries))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// openapiv3 (progenitor's view of the spec) types an operation's callbacks as written in
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
        let error = super::load(&spec).expect_err("refused");
        assert!(
            error.contains("#/components/schemas/Chta") && error.contains(" at #/"),
            "{error}"
        );
        let raw = serde_json::json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}});
        assert!(super::resolve(&raw, &raw["a"]).unwrap_err().contains("32 deep"));
    }
}
