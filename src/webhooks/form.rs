//! Form-encoded deliveries (a webhook of `format: form`): each top-level key of the payload is a
//! form field; an object or a list is its JSON text, anything else its text.
//!
//! A field's text is read as the payload's type asks: a string field keeps `"123"` as text, a
//! number field parses it, an object field parses its JSON. Reading every field as JSON first
//! would turn a message whose text is `123` or `true` into a number; no form crate reads nested
//! JSON (`serde_urlencoded` and `serde_html_form` read flat fields only), hence this deserializer.

use serde::de::{self, IntoDeserializer, Visitor};
use serde_json::Value;

use super::{Event, WebhookError};

type Error = de::value::Error;

/// The event a form-encoded body carries.
pub(super) fn event(body: &[u8]) -> Result<Event, WebhookError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    // What the receiver tells callbacks apart by (and an unknown event keeps): an object or a list
    // as its JSON, anything else as text.
    let loose: serde_json::Map<String, Value> = pairs.iter().map(|(k, v)| (k.clone(), loose(v))).collect();
    let loose = Value::Object(loose);
    let Some(callback) = super::callback_of(&loose) else {
        return Ok(Event::Unknown(loose));
    };
    let fields = de::value::MapDeserializer::<_, Error>::new(pairs.iter().map(|(k, v)| (k.as_str(), Field(v))));
    match Event::decode(callback.name, fields) {
        Some(Ok(event)) => Ok(event),
        Some(Err(e)) => Err(WebhookError::Malformed {
            reason: format!(
                "a {} payload (a form): at {}: {}",
                callback.name,
                super::place(e.path()),
                e.inner()
            ),
        }),
        None => Ok(Event::Unknown(loose)),
    }
}

fn loose(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(value @ (Value::Object(_) | Value::Array(_))) => value,
        _ => Value::String(text.to_string()),
    }
}

/// One field's text, read as the type that asks for it.
struct Field<'a>(&'a str);

impl Field<'_> {
    fn json(&self) -> Result<Value, Error> {
        serde_json::from_str(self.0).map_err(|e| de::Error::custom(format_args!("not JSON: {e}")))
    }
}

impl<'de> IntoDeserializer<'de, Error> for Field<'_> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// Forwards to the JSON the text holds (a number, a boolean, an object, a list).
macro_rules! as_json {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.json()?.$method(visitor).map_err(de::Error::custom)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Field<'_> {
    type Error = Error;

    /// A type that takes anything (`serde_json::Value`): the JSON the text holds, or the text.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match serde_json::from_str::<Value>(self.0) {
            Ok(value) if !value.is_string() => value.deserialize_any(visitor).map_err(de::Error::custom),
            _ => visitor.visit_str(self.0),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(self.0)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(self.0)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(self.0)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_str(self.0)
    }

    /// An empty field or `null` is no value.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_empty() || self.0 == "null" {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if self.0.trim_start().starts_with('{') {
            return self
                .json()?
                .deserialize_enum(name, variants, visitor)
                .map_err(de::Error::custom);
        }
        self.0.into_deserializer().deserialize_enum(name, variants, visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        self.json()?.deserialize_tuple(len, visitor).map_err(de::Error::custom)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.json()?
            .deserialize_tuple_struct(name, len, visitor)
            .map_err(de::Error::custom)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.json()?
            .deserialize_struct(name, fields, visitor)
            .map_err(de::Error::custom)
    }

    as_json! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64 deserialize_bytes deserialize_byte_buf deserialize_seq deserialize_map
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Payload {
        text: String,
        count: i64,
        flag: Option<bool>,
        nested: Option<serde_json::Map<String, Value>>,
        list: Vec<String>,
        any: Value,
    }

    fn read(body: &str) -> Result<Payload, String> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
        let fields = de::value::MapDeserializer::<_, Error>::new(pairs.iter().map(|(k, v)| (k.as_str(), Field(v))));
        Payload::deserialize(fields).map_err(|e| e.to_string())
    }

    #[test]
    fn each_field_is_read_as_its_type_asks() {
        let payload = read("text=123&count=7&flag=true&nested=%7B%22a%22%3A1%7D&list=%5B%22x%22%5D&any=42").unwrap();
        assert_eq!(payload.text, "123");
        assert_eq!(payload.count, 7);
        assert_eq!(payload.flag, Some(true));
        assert_eq!(payload.nested.unwrap()["a"], 1);
        assert_eq!(payload.list, ["x"]);
        assert_eq!(payload.any, 42);
        let empty = read("text=&count=0&flag=&list=%5B%5D&any=hello").unwrap();
        assert_eq!(
            (empty.text.as_str(), empty.flag, empty.any),
            ("", None, Value::from("hello"))
        );
    }

    #[test]
    fn a_field_that_is_not_its_type_is_an_error_not_a_panic() {
        for body in [
            "text=a&count=seven&list=%5B%5D&any=1",
            "text=a&count=1&list=x&any=1",
            "count=1",
        ] {
            assert!(read(body).is_err(), "{body}");
        }
    }
}
