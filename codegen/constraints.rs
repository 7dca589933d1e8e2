//! The spec's constraints on one value, as data (what `crate::operations::Constraints` holds in
//! the generated table): read from a schema here, rendered as the table's tokens by
//! [`Constraints::to_tokens`], and shown as text in the model's description.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// A value's bounds, pattern and allowed values, and a list's counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    /// An enum's values as wire text (empty: any value).
    pub values: Vec<String>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

impl Constraints {
    /// A scalar schema's bounds (its length, pattern and range), without its enum.
    pub fn bounds_of(schema: &Value) -> Result<Constraints, String> {
        let count = |key: &str| schema.get(key).and_then(Value::as_u64);
        let number = |key: &str| schema.get(key).and_then(Value::as_f64);
        let pattern = match schema.get("pattern").and_then(Value::as_str) {
            Some(pattern) => {
                regress::Regex::new(pattern)
                    .map_err(|e| format!("the pattern {pattern:?} is not an ECMA 262 regex: {e}"))?;
                Some(pattern.to_string())
            }
            None => None,
        };
        Ok(Constraints {
            min_length: count("minLength"),
            max_length: count("maxLength"),
            pattern,
            minimum: number("minimum"),
            maximum: number("maximum"),
            exclusive_minimum: schema.get("exclusiveMinimum").and_then(Value::as_bool) == Some(true),
            exclusive_maximum: schema.get("exclusiveMaximum").and_then(Value::as_bool) == Some(true),
            ..Constraints::default()
        })
    }

    /// A scalar schema's bounds and its enum's values.
    pub fn of_scalar(schema: &Value) -> Result<Constraints, String> {
        Ok(Constraints {
            values: enum_values(schema)?,
            ..Constraints::bounds_of(schema)?
        })
    }

    /// With a list schema's `minItems` and `maxItems`.
    pub fn with_counts(self, list: &Value) -> Constraints {
        Constraints {
            min_items: list.get("minItems").and_then(Value::as_u64),
            max_items: list.get("maxItems").and_then(Value::as_u64),
            ..self
        }
    }

    /// Whether it constrains nothing.
    pub fn is_none(&self) -> bool {
        *self == Constraints::default()
    }

    /// Whether it bounds a value (anything but an enum's values and a list's counts).
    pub fn bounds(&self) -> bool {
        Constraints {
            values: Vec::new(),
            min_items: None,
            max_items: None,
            ..self.clone()
        } != Constraints::default()
    }

    /// Without the enum's values.
    pub fn without_values(self) -> Constraints {
        Constraints {
            values: Vec::new(),
            ..self
        }
    }

    /// `crate::operations::Constraints { .. }` (or its `NONE`), as the generated table writes it.
    pub fn to_tokens(&self) -> TokenStream {
        let mut fields = Vec::new();
        if let Some(v) = self.min_length {
            fields.push(quote!(min_length: Some(#v)));
        }
        if let Some(v) = self.max_length {
            fields.push(quote!(max_length: Some(#v)));
        }
        if let Some(pattern) = &self.pattern {
            fields.push(quote!(pattern: Some(#pattern)));
        }
        if let Some(v) = self.minimum {
            fields.push(quote!(minimum: Some(#v)));
        }
        if let Some(v) = self.maximum {
            fields.push(quote!(maximum: Some(#v)));
        }
        if self.exclusive_minimum {
            fields.push(quote!(exclusive_minimum: true));
        }
        if self.exclusive_maximum {
            fields.push(quote!(exclusive_maximum: true));
        }
        if !self.values.is_empty() {
            let values = &self.values;
            fields.push(quote!(values: &[#(#values),*]));
        }
        if let Some(v) = self.min_items {
            fields.push(quote!(min_items: Some(#v)));
        }
        if let Some(v) = self.max_items {
            fields.push(quote!(max_items: Some(#v)));
        }
        if fields.is_empty() {
            quote!(crate::operations::Constraints::NONE)
        } else {
            quote!(crate::operations::Constraints { #(#fields,)* ..crate::operations::Constraints::NONE })
        }
    }

    /// As text, for the model's description (`length >= 1, pattern ^a$, one of a|b`).
    pub fn describe(&self) -> String {
        let range = |low: Option<String>, high: Option<String>| match (low, high) {
            (None, None) => None,
            (Some(low), None) => Some(format!(">= {low}")),
            (None, Some(high)) => Some(format!("<= {high}")),
            (Some(low), Some(high)) => Some(format!("{low}..={high}")),
        };
        let mut parts = Vec::new();
        if let Some(r) = range(
            self.min_length.map(|v| v.to_string()),
            self.max_length.map(|v| v.to_string()),
        ) {
            parts.push(format!("length {r}"));
        }
        if let Some(pattern) = &self.pattern {
            parts.push(format!("pattern {pattern}"));
        }
        if let Some(r) = range(self.minimum.map(|v| v.to_string()), self.maximum.map(|v| v.to_string())) {
            let open = match (self.exclusive_minimum, self.exclusive_maximum) {
                (false, false) => "",
                (true, false) => " (exclusive minimum)",
                (false, true) => " (exclusive maximum)",
                (true, true) => " (exclusive)",
            };
            parts.push(format!("range {r}{open}"));
        }
        if !self.values.is_empty() {
            parts.push(format!("one of {}", self.values.join("|")));
        }
        if let Some(r) = range(
            self.min_items.map(|v| v.to_string()),
            self.max_items.map(|v| v.to_string()),
        ) {
            parts.push(format!("items {r}"));
        }
        parts.join(", ")
    }
}

/// An enum's values as wire text (`null` left out: a request sends no null).
pub fn enum_values(schema: &Value) -> Result<Vec<String>, String> {
    let Some(values) = schema.get("enum").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    values
        .iter()
        .filter(|v| !v.is_null())
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            other => Err(format!("an enum value {other} that is not a string, number or boolean")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_s_constraints_are_data_and_render_as_the_table_does() {
        let schema = json!({"type": "string", "minLength": 1, "pattern": "^[a-z]+$", "enum": ["ab", "cd"]});
        let read = Constraints::of_scalar(&schema).unwrap();
        assert_eq!(read.min_length, Some(1));
        assert_eq!(read.values, ["ab", "cd"]);
        assert!(read.bounds());
        assert_eq!(read.describe(), "length >= 1, pattern ^[a-z]+$, one of ab|cd");
        assert_eq!(
            read.to_tokens().to_string(),
            quote!(crate::operations::Constraints {
                min_length: Some(1u64),
                pattern: Some("^[a-z]+$"),
                values: &["ab", "cd"],
                ..crate::operations::Constraints::NONE
            })
            .to_string()
        );
        let list = Constraints::default().with_counts(&json!({"type": "array", "maxItems": 3}));
        assert!(!list.bounds() && !list.is_none());
        assert!(
            Constraints::bounds_of(&json!({"pattern": "("})).is_err(),
            "not ECMA 262"
        );
        assert_eq!(
            Constraints::default().to_tokens().to_string(),
            "crate :: operations :: Constraints :: NONE"
        );
    }
}
