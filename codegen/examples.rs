//! Examples for the operation table, so the spec never has to give one. The body the fake server
//! answers for an operation it does not model: the spec's example of the success answer when it
//! has one, otherwise a value built from the answer's schema (every required field, the first of
//! an enum, the smallest allowed number, a string of the allowed length matching its pattern, an
//! empty list, `null` where allowed), so that it validates against the schema. A list's `cursor`
//! is `null`: a client following pages stops. And a valid request of each operation, by its
//! arguments' names, for the tests and tools that exercise every operation.
//!
//! A string with a `pattern` is drawn from the pattern by `rand_regex` (from a fixed seed, so the
//! generated code is the same at every build) and checked with `regress`, the ECMA 262 engine the
//! SDK checks patterns with.

use serde_json::{Map, Value};

use super::model::Op;
use super::normalize::{is_never, narrowing_union};
use super::spec::resolved;

/// The success answer's example, or one built from its schema (`null` for a download).
pub fn answer(raw: &Value, op: &Op) -> Result<Value, String> {
    let Some(media) = &op.answer_media else {
        return Ok(Value::Null);
    };
    if let Some(example) = &media.example {
        return Ok(example.clone());
    }
    let schema = media.schema.as_ref().ok_or("a success answer without a schema")?;
    Builder::new().build(raw, schema, 0)
}

/// Arguments of a valid request by name (what `AnyRequest::from_json` takes): each path parameter
/// and each required query parameter from its example (or one built from its schema), and the
/// body's example (or one built from its schema, with every field for `all`), flat when it has
/// fields. Read from the model of the operation.
pub fn request(raw: &Value, op: &Op, all: bool) -> Result<Value, String> {
    let mut builder = Builder {
        every_field: all,
        ..Builder::new()
    };
    let mut arguments = Map::new();
    for parameter in op.path_params.iter().chain(op.query.iter().filter(|q| q.required)) {
        let name = &parameter.name;
        let example = match &parameter.example {
            Some(example) => example.clone(),
            None => builder
                .build(raw, &parameter.schema, 0)
                .map_err(|e| format!("{name}: {e}"))?,
        };
        // One value of a list stands for a list of one.
        arguments.insert(name.clone(), example);
    }
    if let Some(media) = &op.body_media {
        let given = if all { None } else { media.example.clone() };
        let body = match given {
            Some(example) => example,
            None => builder
                .build(raw, media.schema.as_ref().unwrap_or(&Value::Null), 0)
                .map_err(|e| format!("the body: {e}"))?,
        };
        match body {
            Value::Object(fields) if !op.body_fields().is_empty() => arguments.extend(fields),
            whole => {
                arguments.insert("body".into(), whole);
            }
        }
    }
    Ok(Value::Object(arguments))
}

/// Builds values valid against a schema.
pub struct Builder {
    rng: SplitMix64,
    /// Every property of an object (and a list of one item), not only the required ones: a
    /// request that sets every field.
    every_field: bool,
}

impl Builder {
    pub fn new() -> Builder {
        Builder {
            rng: SplitMix64(0x706f_7374_7072_6573),
            every_field: false,
        }
    }

    /// A value valid against `schema` (a reference followed).
    pub fn build(&mut self, raw: &Value, schema: &Value, depth: usize) -> Result<Value, String> {
        if depth > 32 {
            return Err("a schema nested more than 32 deep (recursive?) has no example to build".into());
        }
        let schema = resolved(raw, schema);
        if is_never(schema) {
            return Err("a schema no value matches (`not: {}`)".into());
        }
        if let Some(example) = schema.get("example") {
            return Ok(example.clone());
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|v| v.iter().find(|v| !v.is_null()).or(v.first()))
        {
            return Ok(first.clone());
        }
        if schema.get("nullable").and_then(Value::as_bool) == Some(true) && !self.every_field {
            return Ok(Value::Null);
        }
        // A union that only narrows its object (which fields are present) is met below, by the
        // object's own properties and its first branch's.
        let narrowing = narrowing_union(schema);
        for key in ["oneOf", "anyOf"] {
            if narrowing == Some(key) {
                continue;
            }
            if let Some(first) = schema.get(key).and_then(Value::as_array).and_then(|v| v.first()) {
                return self.build(raw, first, depth + 1);
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                match self.build(raw, part, depth + 1)? {
                    Value::Object(fields) => merged.extend(fields),
                    other if parts.len() == 1 => return Ok(other),
                    _ => {}
                }
            }
            return Ok(Value::Object(merged));
        }
        let number = |key: &str| schema.get(key).and_then(Value::as_f64);
        Ok(match schema.get("type").and_then(Value::as_str) {
            Some("string") => Value::String(self.string(schema)?),
            Some("integer") => {
                let exclusive = schema.get("exclusiveMinimum").and_then(Value::as_bool) == Some(true);
                let min = match number("minimum") {
                    Some(min) if exclusive => min.floor() as i64 + 1,
                    Some(min) => min.ceil() as i64,
                    None => 0,
                };
                let max = number("maximum").map(|m| m.floor() as i64);
                Value::from(max.map_or(min, |max| min.min(max).max(min.min(max))))
            }
            Some("number") => {
                let exclusive = schema.get("exclusiveMinimum").and_then(Value::as_bool) == Some(true);
                match number("minimum") {
                    Some(min) if exclusive => Value::from(min + 1.0),
                    Some(min) => Value::from(min),
                    None => Value::from(0),
                }
            }
            Some("boolean") => Value::Bool(false),
            Some("array") => {
                let least = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let count = if self.every_field { least.max(1) } else { least };
                let items = schema.get("items").ok_or("an array without items")?;
                let mut built = Vec::new();
                for _ in 0..count {
                    built.push(self.build(raw, items, depth + 1)?);
                }
                Value::Array(built)
            }
            Some("object") | None if schema.get("properties").is_some() || schema.get("required").is_some() => {
                let mut object = Map::new();
                let properties = schema.get("properties").and_then(Value::as_object);
                // The first branch of a narrowing union: its required fields, and its bounds on
                // them written over their own schemas.
                let branch =
                    narrowing.and_then(|key| super::model::narrowed_branches(raw, schema, key).into_iter().next());
                let branch = branch.as_ref();
                let required = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .chain(branch.and_then(|b| b.get("required")?.as_array()).into_iter().flatten())
                    .filter_map(Value::as_str);
                // Every field near the top; deeper, the required ones (a recursive schema ends).
                let names: Vec<&str> = if self.every_field && depth < 8 {
                    let optional = properties
                        .into_iter()
                        .flatten()
                        .filter(|(_, s)| !is_never(resolved(raw, s)))
                        .map(|(name, _)| name.as_str());
                    required.chain(optional).fold(Vec::new(), |mut names, name| {
                        if !names.contains(&name) {
                            names.push(name);
                        }
                        names
                    })
                } else {
                    required.collect()
                };
                for name in names {
                    let property = properties
                        .and_then(|p| p.get(name))
                        .ok_or(format!("required field {name} has no schema"))?;
                    let narrowed = branch.and_then(|b| b.get("properties")?.get(name));
                    let value = self
                        .build(raw, narrowed.unwrap_or(property), depth + 1)
                        .map_err(|e| format!("{name}: {e}"))?;
                    object.insert(name.to_string(), value);
                }
                Value::Object(object)
            }
            Some("object") => Value::Object(Map::new()),
            // Any value.
            _ => Value::Null,
        })
    }

    /// A string of the allowed length, matching the pattern when there is one.
    fn string(&mut self, schema: &Value) -> Result<String, String> {
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = schema.get("maxLength").and_then(Value::as_u64).map(|m| m as usize);
        let fits = |text: &str| {
            let length = text.chars().count();
            length >= min && max.is_none_or(|max| length <= max)
        };
        let Some(pattern) = schema.get("pattern").and_then(Value::as_str) else {
            let plain = match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => "2026-01-01T00:00:00.000Z".to_string(),
                Some("date") => "2026-01-01".to_string(),
                Some("email") => "someone@example.com".to_string(),
                Some("uri" | "url") => "https://example.com/".to_string(),
                _ => "x".repeat(min.max(1)),
            };
            if fits(&plain) {
                return Ok(plain);
            }
            return Ok("x".repeat(min.max(max.map_or(1, |m| m.min(1)))));
        };
        let checker = regress::Regex::new(pattern)
            .map_err(|e| format!("the pattern {pattern:?} is not an ECMA 262 regex: {e}"))?;
        let sampler = sampler(pattern)?;
        for _ in 0..256 {
            let mut sample: String = rand::distr::Distribution::sample(&sampler, &mut self.rng);
            // A pattern matches anywhere: a sample too short may take more characters after it.
            let short = min.saturating_sub(sample.chars().count());
            if short > 0 {
                sample.push_str(&"x".repeat(short));
            }
            if checker.find(&sample).is_some() && fits(&sample) {
                return Ok(sample);
            }
        }
        Err(format!(
            "no string of {min} to {} characters matching the pattern {pattern:?} was found",
            max.map_or("any".to_string(), |m| m.to_string())
        ))
    }
}

/// The sampler of a pattern: its character classes read as ECMA 262 reads them (`\d` and `\w`
/// are ASCII), `.` drawn from printable ASCII (a subset of what it matches, for readable
/// examples).
fn sampler(pattern: &str) -> Result<rand_regex::Regex, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&ascii_classes(pattern))
        .map_err(|e| format!("the pattern {pattern:?} cannot be sampled: {e}"))?;
    rand_regex::Regex::with_hir(without_anchors(hir), 8)
        .map_err(|e| format!("the pattern {pattern:?} cannot be sampled: {e}"))
}

/// `pattern` with ECMA's ASCII classes written out, for a Unicode-aware parser.
fn ascii_classes(pattern: &str) -> String {
    let mut out = String::new();
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let written = match (next, in_class) {
                    ('d', false) => "[0-9]",
                    ('d', true) => "0-9",
                    ('D', false) => "[^0-9]",
                    ('w', false) => "[A-Za-z0-9_]",
                    ('w', true) => "A-Za-z0-9_",
                    ('W', false) => "[^A-Za-z0-9_]",
                    ('s', false) => "[ \\t]",
                    ('s', true) => " \\t",
                    _ => {
                        out.push('\\');
                        out.push(next);
                        continue;
                    }
                };
                out.push_str(written);
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '.' if !in_class => out.push_str("[ -~]"),
            _ => out.push(c),
        }
    }
    out
}

/// The pattern without its anchors and word boundaries, which the sampler does not take: a
/// sample is then checked against the whole pattern.
fn without_anchors(hir: regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Hir, HirKind};
    match hir.into_kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Concat(parts) => Hir::concat(parts.into_iter().map(without_anchors).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.into_iter().map(without_anchors).collect()),
        HirKind::Repetition(mut repetition) => {
            repetition.sub = Box::new(without_anchors(*repetition.sub));
            Hir::repetition(repetition)
        }
        HirKind::Capture(mut capture) => {
            capture.sub = Box::new(without_anchors(*capture.sub));
            Hir::capture(capture)
        }
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        HirKind::Class(class) => Hir::class(class),
    }
}

/// A fixed sequence of random numbers (SplitMix64): the same examples at every build, on every
/// platform and with every version of `rand`.
struct SplitMix64(u64);

impl rand::RngCore for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_object_narrowed_by_a_union_meets_its_first_branch() {
        let raw = json!({});
        let message = json!({
            "type": "object",
            "properties": {"text": {"type": "string"}, "files": {"type": "array", "items": {"type": "string"}}},
            "anyOf": [
                {"required": ["text"], "properties": {"text": {"minLength": 3}}},
                {"required": ["files"]},
            ],
        });
        let least = Builder::new().build(&raw, &message, 0).unwrap();
        assert!(
            least["text"].as_str().is_some_and(|t| t.chars().count() >= 3),
            "{least}"
        );
        assert!(least.get("files").is_none(), "{least}");
        let mut every = Builder::new();
        every.every_field = true;
        let all = every.build(&raw, &message, 0).unwrap();
        assert!(all["text"].as_str().is_some_and(|t| t.chars().count() >= 3), "{all}");
        assert!(all["files"].is_array(), "{all}");
    }

    #[test]
    fn strings_match_their_patterns_and_lengths() {
        let mut builder = Builder::new();
        let raw = json!({});
        let date = json!({"type": "string", "pattern": "^[1-2]\\d{3}-[0-1]\\d-[0-3]\\dT\\d{2}:\\d{2}:\\d{2}.\\d{3}Z$"});
        let value = builder.build(&raw, &date, 0).unwrap();
        let text = value.as_str().unwrap();
        assert!(
            regress::Regex::new(date["pattern"].as_str().unwrap())
                .unwrap()
                .find(text)
                .is_some(),
            "{text}"
        );
        let url = json!({"type": "string", "pattern": "^https?://", "minLength": 12});
        let text = builder.build(&raw, &url, 0).unwrap();
        assert!(
            text.as_str().unwrap().starts_with("http") && text.as_str().unwrap().len() >= 12,
            "{text}"
        );
        // The same at every build.
        assert_eq!(Builder::new().build(&raw, &date, 0).unwrap(), json!(value));
        let impossible = json!({"type": "string", "pattern": "^a$", "minLength": 2});
        assert!(
            builder
                .build(&raw, &impossible, 0)
                .unwrap_err()
                .contains("no string of 2")
        );
    }

    #[test]
    fn objects_numbers_and_never() {
        let mut builder = Builder::new();
        let raw = json!({"components": {"schemas": {"Id": {"type": "string", "minLength": 3}}}});
        let schema = json!({"type": "object", "required": ["id", "limit", "flag", "tags"], "properties": {
            "id": {"$ref": "#/components/schemas/Id"},
            "limit": {"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 9},
            "flag": {"type": "number", "enum": [1, 0]},
            "tags": {"type": "array", "minItems": 2, "items": {"type": "boolean"}},
            "optional": {"type": "string"}
        }});
        assert_eq!(
            builder.build(&raw, &schema, 0).unwrap(),
            json!({"id": "xxx", "limit": 1, "flag": 1, "tags": [false, false]})
        );
        assert!(builder.build(&raw, &json!({"not": {}}), 0).is_err());
    }
}
