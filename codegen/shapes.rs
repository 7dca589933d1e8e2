//! What a JSON value (a body field of a generated type, a form's JSON part, a whole body, a value
//! of any JSON) must hold below its top, written out from its schema as a `crate::shape::Shape`
//! for the operation table (each field's `shape`), which a request checks its value against: the bounds, patterns and list lengths typify's types
//! do not carry. A value whose schema constrains nothing below its top gets no shape and costs
//! nothing.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::constraints::Constraints;
use super::model::required_names;
use super::spec::resolve;

/// `&Shape::...` (for a `const`, whose references are `'static`), or `None` when the schema
/// constrains nothing below its top that a value's type does not already hold. `untyped`: the value is any JSON, so what a
/// generated type would hold (required properties, an enum's values) makes a shape worth
/// checking too.
pub fn of(raw: &Value, node: &Value, untyped: bool) -> Result<Option<TokenStream>, String> {
    let mut reader = Reader {
        raw,
        untyped,
        stack: Vec::new(),
    };
    let shape = reader.schema(node)?;
    Ok(shape.constrained.then(|| {
        let tokens = shape.tokens;
        quote!(&#tokens)
    }))
}

/// A shape, and what it checks.
struct Written {
    tokens: TokenStream,
    /// It checks what a typed value's type does not hold (a bound, a pattern, a list's length):
    /// worth checking a value for.
    constrained: bool,
    /// It refuses some value of the right JSON types (an enum's values and required properties
    /// too): kept in an object's shape, where it tells a union's branches apart.
    refuses: bool,
    /// `Shape::Any`: left out of an `allOf`.
    anything: bool,
}

impl Written {
    fn new(tokens: TokenStream, constrained: bool, refuses: bool) -> Self {
        Written {
            tokens,
            constrained,
            refuses: refuses || constrained,
            anything: false,
        }
    }
}

fn any() -> Written {
    Written {
        tokens: quote!(crate::shape::Shape::Any),
        constrained: false,
        refuses: false,
        anything: true,
    }
}

struct Reader<'a> {
    raw: &'a Value,
    untyped: bool,
    /// The references being read: a schema that holds itself is checked down to where it
    /// repeats, and is `Any` from there (a recursive shape would need a named static of its own).
    stack: Vec<String>,
}

impl Reader<'_> {
    fn schema(&mut self, node: &Value) -> Result<Written, String> {
        if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            if self.stack.iter().any(|seen| seen == reference) {
                return Ok(any());
            }
            self.stack.push(reference.to_string());
            let target = resolve(self.raw, node)?;
            let written = self.schema(target);
            self.stack.pop();
            return written;
        }
        // A schema is its own keywords and each of its combinators, all of which must hold.
        let mut parts = vec![self.own(node)?];
        if let Some(branches) = node
            .get("anyOf")
            .or_else(|| node.get("oneOf"))
            .and_then(Value::as_array)
        {
            let branches = branches.iter().map(|b| self.schema(b)).collect::<Result<Vec<_>, _>>()?;
            let constrained = branches.iter().any(|b| b.constrained);
            let tokens = branches.into_iter().map(|b| b.tokens);
            // A union refuses what none of its branches takes, when they are not all `Any`.
            parts.push(Written::new(
                quote!(crate::shape::Shape::OneOf(&[#(#tokens),*])),
                constrained,
                true,
            ));
        }
        for part in node.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            parts.push(self.schema(part)?);
        }
        // Unconstrained parts stay: a union's branches are told apart by their types.
        parts.retain(|part| !part.anything);
        Ok(match parts.len() {
            0 => any(),
            1 => parts.pop().unwrap_or_else(any),
            _ => {
                let constrained = parts.iter().any(|p| p.constrained);
                let refuses = parts.iter().any(|p| p.refuses);
                let tokens = parts.into_iter().map(|p| p.tokens);
                Written::new(
                    quote!(crate::shape::Shape::AllOf(&[#(#tokens),*])),
                    constrained,
                    refuses,
                )
            }
        })
    }

    /// The schema's own keywords: its type and what bounds it.
    fn own(&mut self, schema: &Value) -> Result<Written, String> {
        let ty = schema.get("type").and_then(Value::as_str);
        let is_object = ty == Some("object")
            || (ty.is_none()
                && ["properties", "additionalProperties", "required"]
                    .iter()
                    .any(|key| schema.get(key).is_some()));
        if is_object {
            return self.object(schema);
        }
        let scalar = |kind: TokenStream, typed_holds: bool, reader: &Self| -> Result<Written, String> {
            // An open enum takes values the spec does not list, on purpose. A closed one's values,
            // and a string's length and pattern, are checked where the shape is, for they tell a
            // union's branches apart; but they alone do not make a typed value's shape worth
            // checking: typify's types hold them (an enum, a string newtype checked when made).
            let mut rule = Constraints::of_scalar(schema)?;
            if schema.get("x-open-enum") == Some(&Value::Bool(true)) {
                rule = rule.without_values();
            }
            let bounded = rule.bounds();
            let constrained = (!typed_holds && bounded) || (reader.untyped && !rule.is_none());
            let refuses = !rule.is_none();
            let rule = rule.to_tokens();
            Ok(Written::new(
                quote!(crate::shape::Shape::#kind(#rule)),
                constrained,
                refuses,
            ))
        };
        match ty {
            Some("string") => scalar(quote!(Text), true, self),
            Some("number") => scalar(quote!(Number), false, self),
            Some("integer") => scalar(quote!(Integer), false, self),
            Some("boolean") => Ok(Written::new(quote!(crate::shape::Shape::Boolean), false, false)),
            Some("array") => {
                let items = match schema.get("items") {
                    Some(items) => self.schema(items)?,
                    None => any(),
                };
                let counts = Constraints::default().with_counts(schema);
                let constrained = items.constrained || !counts.is_none();
                let refuses = items.refuses;
                let rule = counts.to_tokens();
                let items = items.tokens;
                Ok(Written::new(
                    quote!(crate::shape::Shape::List { items: &#items, rule: #rule }),
                    constrained,
                    refuses,
                ))
            }
            _ => Ok(any()),
        }
    }

    fn object(&mut self, schema: &Value) -> Result<Written, String> {
        let mut properties = Vec::new();
        let (mut constrained, mut refuses) = (false, false);
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let written = self.schema(property)?;
            if written.refuses {
                constrained |= written.constrained;
                refuses = true;
                let tokens = written.tokens;
                properties.push(quote!((#name, #tokens)));
            }
        }
        let others = match schema.get("additionalProperties") {
            Some(others @ Value::Object(_)) => Some(self.schema(others)?).filter(|w| w.refuses),
            _ => None,
        };
        if let Some(others) = &others {
            constrained |= others.constrained;
            refuses = true;
        }
        let others = match others {
            Some(others) => {
                let tokens = others.tokens;
                quote!(::std::option::Option::Some(&#tokens))
            }
            None => quote!(::std::option::Option::None),
        };
        let required: Vec<&str> = required_names(schema).collect();
        constrained |= self.untyped && !required.is_empty();
        refuses |= !required.is_empty();
        Ok(Written::new(
            quote!(crate::shape::Shape::Object {
                properties: &[#(#properties),*],
                required: &[#(#required),*],
                others: #others,
            }),
            constrained,
            refuses,
        ))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::of;

    fn spec() -> serde_json::Value {
        json!({"components": {"schemas": {
            "Folder": {"type": "object", "properties": {
                "size": {"type": "integer", "maximum": 9},
                "parent": {"$ref": "#/components/schemas/Folder"},
            }},
            "Plain": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string", "maxLength": 3},
                "kind": {"type": "string", "enum": ["a", "b"]},
            }},
        }}})
    }

    fn written(node: serde_json::Value, untyped: bool) -> Option<String> {
        of(&spec(), &node, untyped).unwrap().map(|tokens| tokens.to_string())
    }

    #[test]
    fn a_schema_that_holds_itself_is_read_down_to_where_it_repeats() {
        let shape = written(json!({"$ref": "#/components/schemas/Folder"}), false).expect("a bound");
        assert!(shape.contains("\"size\""), "{shape}");
        // The repeat is `Any`, which an object's shape leaves out.
        assert!(!shape.contains("\"parent\""), "{shape}");
    }

    #[test]
    fn what_a_type_holds_makes_no_shape_unless_the_value_is_any_json() {
        let plain = json!({"$ref": "#/components/schemas/Plain"});
        assert_eq!(
            written(plain.clone(), false),
            None,
            "typify's string and enum types hold these"
        );
        let shape = written(plain, true).expect("any JSON is checked for them");
        assert!(shape.contains("required : & [\"name\"]"), "{shape}");
        assert!(shape.contains("values : & [\"a\" , \"b\"]"), "{shape}");
    }

    #[test]
    fn unions_keep_their_branches_types_and_all_of_its_parts() {
        let union = json!({"anyOf": [
            {"type": "boolean"},
            {"type": "array", "maxItems": 2, "items": {"type": "string"}},
        ]});
        let shape = written(union, false).expect("a list's length");
        assert!(shape.starts_with("& crate :: shape :: Shape :: OneOf"), "{shape}");
        assert!(shape.contains("Shape :: Boolean"), "{shape}");
        let parts = json!({"allOf": [{"$ref": "#/components/schemas/Folder"}], "description": "described"});
        assert!(written(parts, false).expect("the part's bound").contains("\"size\""));
        assert_eq!(
            written(
                json!({"type": "object", "properties": {"x": {"type": "number"}}}),
                false
            ),
            None
        );
    }
}
