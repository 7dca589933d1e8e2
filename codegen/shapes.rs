//! What a JSON value (a body field of a generated type, a form's JSON part, a whole body, a value
//! of any JSON) must hold below its top, read from its schema as a [`Shape`] (data, in the model)
//! and rendered as a `crate::shape::Shape` for the operation table (each field's `shape`), which a
//! request checks its value against: the bounds, patterns and list lengths typify's types do not
//! carry. A value whose schema constrains nothing below its top gets no shape and costs nothing.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::constraints::Constraints;
use super::model::required_names;
use super::spec::resolve;

/// What a value must hold, as the runtime's `crate::shape::Shape` says it.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Any,
    Text(Constraints),
    Number(Constraints),
    Integer(Constraints),
    Boolean,
    Object {
        /// The properties whose values are constrained, in the schema's order of keys.
        properties: Vec<(String, Shape)>,
        required: Vec<String>,
        /// The shape of every other property's value, if the spec gives one.
        others: Option<Box<Shape>>,
    },
    List {
        items: Box<Shape>,
        rule: Constraints,
    },
    OneOf(Vec<Shape>),
    AllOf(Vec<Shape>),
}

impl Shape {
    /// `crate::shape::Shape::..`, for a `const` (its references are `'static`).
    pub fn to_tokens(&self) -> TokenStream {
        let list = |shapes: &[Shape]| -> Vec<TokenStream> { shapes.iter().map(Shape::to_tokens).collect() };
        match self {
            Shape::Any => quote!(crate::shape::Shape::Any),
            Shape::Text(rule) => {
                let rule = rule.to_tokens();
                quote!(crate::shape::Shape::Text(#rule))
            }
            Shape::Number(rule) => {
                let rule = rule.to_tokens();
                quote!(crate::shape::Shape::Number(#rule))
            }
            Shape::Integer(rule) => {
                let rule = rule.to_tokens();
                quote!(crate::shape::Shape::Integer(#rule))
            }
            Shape::Boolean => quote!(crate::shape::Shape::Boolean),
            Shape::Object {
                properties,
                required,
                others,
            } => {
                let properties = properties.iter().map(|(name, shape)| {
                    let shape = shape.to_tokens();
                    quote!((#name, #shape))
                });
                let others = match others {
                    Some(others) => {
                        let others = others.to_tokens();
                        quote!(::std::option::Option::Some(&#others))
                    }
                    None => quote!(::std::option::Option::None),
                };
                quote!(crate::shape::Shape::Object {
                    properties: &[#(#properties),*],
                    required: &[#(#required),*],
                    others: #others,
                })
            }
            Shape::List { items, rule } => {
                let items = items.to_tokens();
                let rule = rule.to_tokens();
                quote!(crate::shape::Shape::List { items: &#items, rule: #rule })
            }
            Shape::OneOf(branches) => {
                let branches = list(branches);
                quote!(crate::shape::Shape::OneOf(&[#(#branches),*]))
            }
            Shape::AllOf(parts) => {
                let parts = list(parts);
                quote!(crate::shape::Shape::AllOf(&[#(#parts),*]))
            }
        }
    }

    /// As text, for the model's description.
    pub fn describe(&self) -> String {
        let ruled = |kind: &str, rule: &Constraints| match rule.describe() {
            text if text.is_empty() => kind.to_string(),
            text => format!("{kind} [{text}]"),
        };
        let join = |shapes: &[Shape], with: &str| shapes.iter().map(Shape::describe).collect::<Vec<_>>().join(with);
        match self {
            Shape::Any => "any".into(),
            Shape::Text(rule) => ruled("text", rule),
            Shape::Number(rule) => ruled("number", rule),
            Shape::Integer(rule) => ruled("integer", rule),
            Shape::Boolean => "boolean".into(),
            Shape::Object {
                properties,
                required,
                others,
            } => {
                let mut parts: Vec<String> = properties
                    .iter()
                    .map(|(name, shape)| format!("{name}: {}", shape.describe()))
                    .collect();
                if !required.is_empty() {
                    parts.push(format!("required {}", required.join(" ")));
                }
                if let Some(others) = others {
                    parts.push(format!("others: {}", others.describe()));
                }
                format!("{{{}}}", parts.join(", "))
            }
            Shape::List { items, rule } => ruled(&format!("[{}]", items.describe()), rule),
            Shape::OneOf(branches) => format!("({})", join(branches, " | ")),
            Shape::AllOf(parts) => format!("({})", join(parts, " & ")),
        }
    }
}

/// The shape of `node`, or `None` when the schema constrains nothing below its top that a value's
/// type does not already hold. `untyped`: the value is any JSON, so what a generated type would
/// hold (required properties, an enum's values) makes a shape worth checking too.
pub fn of(raw: &Value, node: &Value, untyped: bool) -> Result<Option<Shape>, String> {
    let mut reader = Reader {
        raw,
        untyped,
        stack: Vec::new(),
    };
    let written = reader.schema(node)?;
    Ok(written.constrained.then_some(written.shape))
}

/// A shape, and what it checks.
struct Written {
    shape: Shape,
    /// It checks what a typed value's type does not hold (a bound, a pattern, a list's length):
    /// worth checking a value for.
    constrained: bool,
    /// It refuses some value of the right JSON types (an enum's values and required properties
    /// too): kept in an object's shape, where it tells a union's branches apart.
    refuses: bool,
}

impl Written {
    fn new(shape: Shape, constrained: bool, refuses: bool) -> Self {
        Written {
            shape,
            constrained,
            refuses: refuses || constrained,
        }
    }

    /// `Shape::Any`: left out of an `allOf`.
    fn anything(&self) -> bool {
        self.shape == Shape::Any
    }
}

fn any() -> Written {
    Written {
        shape: Shape::Any,
        constrained: false,
        refuses: false,
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
            // A union refuses what none of its branches takes, when they are not all `Any`.
            parts.push(Written::new(
                Shape::OneOf(branches.into_iter().map(|b| b.shape).collect()),
                constrained,
                true,
            ));
        }
        for part in node.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            parts.push(self.schema(part)?);
        }
        // Unconstrained parts stay: a union's branches are told apart by their types.
        parts.retain(|part| !part.anything());
        Ok(match parts.len() {
            0 => any(),
            1 => parts.pop().unwrap_or_else(any),
            _ => {
                let constrained = parts.iter().any(|p| p.constrained);
                let refuses = parts.iter().any(|p| p.refuses);
                Written::new(
                    Shape::AllOf(parts.into_iter().map(|p| p.shape).collect()),
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
        let scalar = |kind: fn(Constraints) -> Shape, typed_holds: bool, reader: &Self| -> Result<Written, String> {
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
            Ok(Written::new(kind(rule), constrained, refuses))
        };
        match ty {
            Some("string") => scalar(Shape::Text, true, self),
            Some("number") => scalar(Shape::Number, false, self),
            Some("integer") => scalar(Shape::Integer, false, self),
            Some("boolean") => Ok(Written::new(Shape::Boolean, false, false)),
            Some("array") => {
                let items = match schema.get("items") {
                    Some(items) => self.schema(items)?,
                    None => any(),
                };
                let counts = Constraints::default().with_counts(schema);
                let constrained = items.constrained || !counts.is_none();
                let refuses = items.refuses;
                Ok(Written::new(
                    Shape::List {
                        items: Box::new(items.shape),
                        rule: counts,
                    },
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
                properties.push((name.clone(), written.shape));
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
        let required: Vec<String> = required_names(schema).map(str::to_string).collect();
        constrained |= self.untyped && !required.is_empty();
        refuses |= !required.is_empty();
        Ok(Written::new(
            Shape::Object {
                properties,
                required,
                others: others.map(|o| Box::new(o.shape)),
            },
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
        of(&spec(), &node, untyped)
            .unwrap()
            .map(|shape| format!("& {}", shape.to_tokens()))
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
