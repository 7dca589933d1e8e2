//! Webhook events: every callback of every operation in the spec (`callbacks`: what the API POSTs to
//! a URL an operation was given) is a variant of `webhooks::Event` holding its payload's generated
//! type, behind the feature of its operation's part.
//!
//! A delivery carries no callback name, so a payload is told apart by what its schema fixes: the
//! keys it requires and its one-value enums (`event: message_received`), read from the payload's
//! schema (a component, or an `allOf` that narrows one with one-value enums: the five messaging
//! callbacks share `MessageEvent` and each fixes its `event`). Two callbacks whose payloads nothing
//! tells apart are refused, naming both. A callback's `x-dedupe-key` (JSON pointers into its
//! payload) says what identifies a delivery, for `Event::dedupe_key`.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::{docs, names, parts};

/// The extension naming what identifies a delivery of a callback.
const DEDUPE_KEY: &str = "x-dedupe-key";

/// One callback of one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Callback {
    /// The callback's name in the spec (`message_received`), what `Event::name` gives.
    pub name: String,
    /// The part of the operation that declares it.
    pub part: String,
    /// The operation that declares it.
    pub operation: String,
    /// The summary and description of the callback's request.
    pub doc: String,
    /// The component schema whose generated type holds the payload.
    pub payload: String,
    /// The top-level keys the payload requires.
    pub required: Vec<String>,
    /// The top-level keys whose value the payload's schema fixes, with that value.
    pub fixed: Vec<(String, Value)>,
    /// JSON pointers into the payload naming what identifies a delivery.
    pub dedupe: Vec<String>,
}

/// Every callback of the spec, in the order of its operations and their `callbacks`.
pub fn read(spec: &Value) -> Result<Vec<Callback>, String> {
    let mut found = Vec::new();
    for (path, method, op) in parts::operations(spec) {
        let Some(callbacks) = op.get("callbacks").and_then(Value::as_object) else {
            continue;
        };
        let operation = op
            .get("operationId")
            .and_then(Value::as_str)
            .map_or_else(|| format!("{} {path}", method.to_uppercase()), str::to_string);
        let part = parts::part_of(spec, path, method, op)?;
        for (name, callback) in callbacks {
            let at = format!("{operation}: callback {name}");
            let callback = resolve(spec, callback, &at)?;
            let requests: Vec<&Value> = callback
                .as_object()
                .ok_or(format!("{at} is not an object of URL expressions"))?
                .values()
                .flat_map(|item| item.as_object().into_iter().flatten())
                .filter(|(method, _)| parts::METHODS.contains(&method.as_str()))
                .map(|(_, request)| request)
                .collect();
            let [request] = requests[..] else {
                return Err(format!(
                    "{at} must describe exactly one request (it has {})",
                    requests.len()
                ));
            };
            let body = request.get("requestBody").ok_or(format!("{at} has no requestBody"))?;
            let body = resolve(spec, body, &at)?;
            let schema = body
                .pointer("/content/application~1json/schema")
                .ok_or(format!("{at}: its requestBody has no application/json schema"))?;
            let (payload, mut fixed) = payload_of(spec, schema, &at)?;
            let component = component(spec, &payload, &at)?;
            let required = required_of(spec, component, &at)?;
            for (key, value) in fixed_of(spec, component, &at)? {
                if !fixed.iter().any(|(k, _)| *k == key) {
                    fixed.push((key, value));
                }
            }
            fixed.sort_by(|a, b| a.0.cmp(&b.0));
            let dedupe = match request.get(DEDUPE_KEY) {
                None => Vec::new(),
                Some(Value::Array(pointers)) => pointers
                    .iter()
                    .map(|p| match p.as_str() {
                        Some(p) if p.starts_with('/') => Ok(p.to_string()),
                        _ => Err(format!(
                            "{at}: {DEDUPE_KEY} holds JSON pointers (\"/message_id\"), not {p}"
                        )),
                    })
                    .collect::<Result<_, _>>()?,
                Some(other) => return Err(format!("{at}: {DEDUPE_KEY} is a list of JSON pointers, not {other}")),
            };
            let text = |key: &str| {
                request
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .trim()
                    .to_string()
            };
            let doc = [text("summary"), text("description")]
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            found.push(Callback {
                name: name.clone(),
                part: part.clone(),
                operation: operation.clone(),
                doc,
                payload,
                required,
                fixed,
                dedupe,
            });
        }
    }
    let mut names: Vec<&str> = found.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(format!(
            "two callbacks are named {}: a callback's name is its event's",
            pair[0]
        ));
    }
    for (i, a) in found.iter().enumerate() {
        for b in &found[i + 1..] {
            if !apart(a, b) {
                return Err(format!(
                    "callbacks {} ({}) and {} ({}): nothing in their payloads' schemas tells a delivery of one \
                     from one of the other (give each a one-value enum, or a required key of its own)",
                    a.name, a.operation, b.name, b.operation
                ));
            }
        }
    }
    Ok(found)
}

/// Whether the receiver can tell `a` and `b` apart: they fix a key to different values, or one
/// asks more of a payload than the other (the receiver takes the callback whose payload matches
/// with the most fixed values, then the most required keys). Two callbacks that ask the same are
/// not told apart.
fn apart(a: &Callback, b: &Callback) -> bool {
    let fixed_apart = a
        .fixed
        .iter()
        .any(|(key, value)| b.fixed.iter().any(|(k, v)| k == key && v != value));
    fixed_apart || a.fixed != b.fixed || a.required != b.required
}

/// `node`, or what its local `$ref` points at (the model's resolver, failing on a dangling one).
fn resolve<'a>(spec: &'a Value, node: &'a Value, at: &str) -> Result<&'a Value, String> {
    super::spec::resolve(spec, node).map_err(|e| format!("{at}: {e}"))
}

/// The component schema named `name`.
fn component<'a>(spec: &'a Value, name: &str, at: &str) -> Result<&'a Value, String> {
    spec.pointer(&format!("/components/schemas/{name}"))
        .ok_or(format!("{at}: no component schema {name}"))
}

/// The component a payload's schema is (a `$ref`), or narrows (an `allOf` of one `$ref` and objects
/// whose every property is a one-value enum), with the values the narrowing fixes.
fn payload_of(spec: &Value, schema: &Value, at: &str) -> Result<(String, Vec<(String, Value)>), String> {
    const PREFIX: &str = "#/components/schemas/";
    let named = |node: &Value| {
        node.get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(PREFIX))
            .map(str::to_string)
    };
    if let Some(name) = named(schema) {
        return Ok((name, Vec::new()));
    }
    let refused = || {
        format!(
            "{at}: its payload must be a component schema ($ref), or an allOf of one and objects whose properties \
             are each one value of an enum (the payload's type is the component's)"
        )
    };
    let parts = schema.get("allOf").and_then(Value::as_array).ok_or_else(refused)?;
    let mut base = None;
    let mut fixed = Vec::new();
    for part in parts {
        if let Some(name) = named(part) {
            if base.replace(name).is_some() {
                return Err(refused());
            }
            continue;
        }
        let properties = part.get("properties").and_then(Value::as_object).ok_or_else(refused)?;
        for (key, property) in properties {
            let property = resolve(spec, property, at)?;
            match property.get("enum").and_then(Value::as_array).map(Vec::as_slice) {
                Some([value]) => fixed.push((key.clone(), value.clone())),
                _ => return Err(refused()),
            }
        }
    }
    Ok((base.ok_or_else(refused)?, fixed))
}

/// The keys an object schema requires, its `allOf` parts' included.
fn required_of(spec: &Value, schema: &Value, at: &str) -> Result<Vec<String>, String> {
    let schema = resolve(spec, schema, at)?;
    let mut required: Vec<String> = super::model::required_names(schema).map(str::to_string).collect();
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        required.extend(required_of(spec, part, at)?);
    }
    required.sort();
    required.dedup();
    Ok(required)
}

/// The top-level keys an object schema fixes to one value of an enum, its `allOf` parts' included.
fn fixed_of(spec: &Value, schema: &Value, at: &str) -> Result<Vec<(String, Value)>, String> {
    let schema = resolve(spec, schema, at)?;
    let mut fixed = Vec::new();
    for (key, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some([value]) = resolve(spec, property, at)?
            .get("enum")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            fixed.push((key.clone(), value.clone()));
        }
    }
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        fixed.extend(fixed_of(spec, part, at)?);
    }
    Ok(fixed)
}

/// `pub mod events`: the `Event` enum (re-exported as `postpress::webhooks::Event`) and the table
/// the hand-written receiver (`src/webhooks.rs`) tells payloads apart with.
pub fn generate(
    callbacks: &[Callback],
    type_names: &std::collections::BTreeMap<String, String>,
) -> Result<TokenStream, String> {
    let variants: Vec<syn::Ident> = callbacks
        .iter()
        .map(|c| names::ident(&names::type_name(&c.name)))
        .collect();
    let gates: Vec<TokenStream> = callbacks
        .iter()
        .map(|c| {
            let part = &c.part;
            quote!(#[cfg(feature = #part)])
        })
        .collect();
    let payloads: Vec<syn::Ident> = callbacks
        .iter()
        .map(|c| super::typify_types::ident_of(type_names, &c.payload))
        .collect::<Result<_, _>>()?;
    let wire: Vec<&str> = callbacks.iter().map(|c| c.name.as_str()).collect();
    let docs: Vec<String> = callbacks
        .iter()
        .map(|c| {
            docs::rustdoc(&format!(
                "`{}`, a callback of `{}`: {}",
                c.name,
                c.operation,
                if c.doc.is_empty() { "(undocumented)" } else { &c.doc }
            ))
        })
        .collect();
    let rows = callbacks.iter().zip(&gates).map(|(c, gate)| {
        let name = &c.name;
        let required = &c.required;
        let fixed = c.fixed.iter().map(|(key, value)| {
            let value = value.to_string();
            quote!((#key, #value))
        });
        let dedupe = &c.dedupe;
        quote! {
            #gate
            crate::webhooks::Callback {
                name: #name,
                required: &[#(#required),*],
                fixed: &[#(#fixed),*],
                dedupe: &[#(#dedupe),*],
            },
        }
    });
    Ok(quote! {
        /// The events the API delivers to webhooks: one variant per callback of the spec (behind the
        /// feature of the part whose operation declares it), and `Unknown` for any other payload.
        pub mod events {
            /// An event the API delivered: the payload of one of the spec's callbacks, typed.
            ///
            /// A payload no callback describes is [`Event::Unknown`], never an error: a newer server
            /// may send events this version does not know.
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum Event {
                #(
                    #[doc = #docs]
                    #gates
                    #variants(super::types::#payloads),
                )*
                /// A payload none of the spec's callbacks describes (or of a part this build does
                /// not enable), kept as it came.
                Unknown(::serde_json::Value),
            }

            impl Event {
                /// The callback's name in the spec (`message_received`); `unknown` for
                /// [`Event::Unknown`].
                pub fn name(&self) -> &'static str {
                    match self {
                        #( #gates Self::#variants(_) => #wire, )*
                        Self::Unknown(_) => "unknown",
                    }
                }

                /// The payload as JSON, as the generated type encodes it (as it came, for
                /// [`Event::Unknown`]).
                pub fn payload(&self) -> ::serde_json::Value {
                    match self {
                        #( #gates Self::#variants(payload) => ::serde_json::to_value(payload).unwrap_or_default(), )*
                        Self::Unknown(value) => value.clone(),
                    }
                }

                /// The payload of the callback named `name` decoded into its type; `None` for a name
                /// this build has no variant for.
                pub(crate) fn decode<'de, D: ::serde::Deserializer<'de>>(
                    name: &str,
                    payload: D,
                ) -> ::std::option::Option<::std::result::Result<Self, ::serde_path_to_error::Error<D::Error>>> {
                    match name {
                        #( #gates #wire => Some(::serde_path_to_error::deserialize(payload).map(Self::#variants)), )*
                        _ => {
                            drop(payload);
                            None
                        }
                    }
                }
            }

            /// What tells each callback's payload apart, for the receiver.
            pub(crate) static CALLBACKS: &[crate::webhooks::Callback] = &[#(#rows)*];
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(callbacks: Value) -> Value {
        json!({
            "tags": [{"name": "hooks"}],
            "paths": {"/hooks": {"post": {
                "operationId": "create_hook",
                "tags": ["hooks"],
                "callbacks": callbacks,
                "responses": {"201": {"description": "ok"}}
            }}},
            "components": {
                "schemas": {
                    "Base": {
                        "type": "object",
                        "required": ["event", "id"],
                        "properties": {"event": {"type": "string"}, "id": {"type": "string"}, "object": {"enum": ["Hook"]}}
                    },
                    "Status": {"type": "object", "required": ["Status"], "properties": {"Status": {"type": "string"}}}
                },
                "callbacks": {
                    "Created": {"{$request.body#/url}": {"post": {
                        "summary": "Created.",
                        "x-dedupe-key": ["/id"],
                        "requestBody": {"content": {"application/json": {"schema": {"allOf": [
                            {"$ref": "#/components/schemas/Base"},
                            {"properties": {"event": {"type": "string", "enum": ["created"]}}}
                        ]}}}}
                    }}}
                }
            }
        })
    }

    fn callback(payload: Value) -> Value {
        json!({"{$request.body#/url}": {"post": {"requestBody": {"content": {"application/json": {"schema": payload}}}}}})
    }

    #[test]
    fn a_narrowed_component_is_the_payload_and_its_fixed_values_tell_it_apart() {
        let spec = spec(json!({
            "created": {"$ref": "#/components/callbacks/Created"},
            "deleted": callback(json!({"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"properties": {"event": {"enum": ["deleted"]}}}
            ]})),
            "status": callback(json!({"$ref": "#/components/schemas/Status"})),
        }));
        let found = read(&spec).unwrap();
        let names: Vec<&str> = found.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["created", "deleted", "status"]);
        let created = &found[0];
        assert_eq!((created.part.as_str(), created.payload.as_str()), ("hooks", "Base"));
        assert_eq!(created.required, ["event", "id"]);
        assert_eq!(
            created.fixed,
            [
                ("event".to_string(), json!("created")),
                ("object".to_string(), json!("Hook"))
            ]
        );
        assert_eq!(created.dedupe, ["/id"]);
        assert_eq!(created.doc, "Created.");
        assert_eq!(found[2].required, ["Status"]);
        assert!(found[2].dedupe.is_empty());
        let names = found.iter().map(|c| (c.payload.clone(), c.payload.clone())).collect();
        let code = generate(&found, &names).unwrap().to_string();
        assert!(code.contains("Created (super :: types :: Base)"), "{code}");
        assert!(code.contains("# [cfg (feature = \"hooks\")]"), "{code}");
    }

    #[test]
    fn payloads_nothing_tells_apart_are_refused_by_name() {
        let spec = spec(json!({
            "one": callback(json!({"$ref": "#/components/schemas/Base"})),
            "two": callback(json!({"$ref": "#/components/schemas/Base"})),
        }));
        let error = read(&spec).unwrap_err();
        assert!(
            error.contains("callbacks one (create_hook) and two (create_hook)"),
            "{error}"
        );
    }

    #[test]
    fn an_inline_payload_or_a_narrowing_that_is_not_one_value_is_refused() {
        for payload in [
            json!({"type": "object", "properties": {"id": {"type": "string"}}}),
            json!({"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"event": {"enum": ["a", "b"]}}}]}),
        ] {
            let error = read(&spec(json!({"one": callback(payload)}))).unwrap_err();
            assert!(
                error.contains("create_hook: callback one: its payload must be a component"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_dedupe_key_is_a_list_of_pointers() {
        let mut spec = spec(json!({"created": {"$ref": "#/components/callbacks/Created"}}));
        spec["components"]["callbacks"]["Created"]["{$request.body#/url}"]["post"]["x-dedupe-key"] = json!(["id"]);
        let error = read(&spec).unwrap_err();
        assert!(error.contains("x-dedupe-key holds JSON pointers"), "{error}");
    }
}
