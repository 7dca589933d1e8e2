//! Helpers shared by the integration tests: the spec, and validation of JSON against its schemas.
#![allow(dead_code)]

use serde_json::{Map, Value, json};

/// `openapi.yaml` as JSON, read once per test binary (property tests ask for it in every case).
pub fn spec() -> Value {
    static SPEC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SPEC.get_or_init(|| {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml")).expect("read openapi.yaml");
        serde_saphyr::from_str_with_options(&text, serde_saphyr::options! { strict_booleans: true })
            .expect("openapi.yaml is YAML")
    })
    .clone()
}

/// Rewrites an OpenAPI 3.0 schema into JSON Schema: `nullable: true` becomes a `null` alternative.
fn to_json_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => {
            let mut out: Map<String, Value> = object.iter().map(|(k, v)| (k.clone(), to_json_schema(v))).collect();
            if out.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(Value::String(ty)) = out.get("type").cloned() {
                    out.insert("type".into(), json!([ty, "null"]));
                }
                if let Some(Value::Array(values)) = out.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            // OpenAPI's `discriminator` and `example`s are annotations; JSON Schema ignores unknown keywords.
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        other => other.clone(),
    }
}

/// A validator for `#/components/schemas/{name}` of the spec.
pub fn validator(spec: &Value, name: &str) -> jsonschema::Validator {
    let components = to_json_schema(&spec["components"]);
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/components/schemas/{name}"),
        "components": components,
    });
    jsonschema::validator_for(&root).unwrap_or_else(|e| panic!("schema {name} does not compile: {e}"))
}

/// Panics with every violation when `value` does not validate against schema `name`.
pub fn assert_valid(spec: &Value, name: &str, value: &Value) {
    let validator = validator(spec, name);
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{name} does not validate:\n{}\n{value:#}",
        errors.join("\n")
    );
}

/// The form two encodings of the same value share:
/// - every number as f64, so `48213` (the spec) and `48213.0` (an `f64` re-encoded) compare equal;
/// - no `null` members: an optional nullable field (`subject`) decodes to `None` whether it was
///   absent or `null`, and re-encodes as absent. The spec allows both. Required nullable fields
///   (`text`) still re-encode as `null`, which the schema validation of the re-encoded value checks.
pub fn normalize(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().expect("finite number")),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Object(object) => Value::Object(
            object
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), normalize(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A small valid `Message`, as the API would send it.
pub fn message_json() -> Value {
    json!({
        "object": "Message", "id": "msg_1", "provider_id": "p1", "account_id": "acc_1", "chat_id": "chat_1",
        "chat_provider_id": "cp1", "sender_id": "s1", "sender_attendee_id": "att_1",
        "timestamp": "2026-05-17T09:42:11.000Z", "text": "hello", "is_sender": 0, "attachments": [],
        "reactions": [], "seen": 1, "seen_by": {}, "hidden": 0, "deleted": 0, "edited": 0, "is_event": 0,
        "delivered": 1, "behavior": 0, "original": "{}"
    })
}

/// Everything tracing writes, at every level, while this value lives (a thread-local default
/// subscriber: use it from a current-thread runtime, in a test binary of its own).
pub struct Traces {
    log: LogBuffer,
    _guard: tracing::subscriber::DefaultGuard,
}

/// Where a fmt layer writes, to be read back.
#[derive(Clone, Default)]
pub struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> LogBuffer {
        self.clone()
    }
}

impl LogBuffer {
    /// What was written so far.
    #[allow(dead_code)] // Not every test binary reads its log.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[allow(dead_code)] // Not every test binary captures traces.
pub fn capture_traces() -> Traces {
    let log = LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(log.clone())
        .finish();
    Traces {
        log,
        _guard: tracing::subscriber::set_default(subscriber),
    }
}

impl Traces {
    /// What was written so far.
    #[allow(dead_code)]
    pub fn text(&self) -> String {
        self.log.text()
    }
}

/// A send's first attempt answered with a retryable 503 (`errors/no_client_session`,
/// `Retry-After: 0`), once; every later request to `at` with `then`.
#[allow(dead_code)] // Not every test binary sends.
pub async fn busy_once_then(server: &wiremock::MockServer, at: &str, then: wiremock::ResponseTemplate) {
    use wiremock::matchers::{method, path};
    let busy = json!({"type": "errors/no_client_session", "status": 503, "title": "Service Unavailable"});
    wiremock::Mock::given(method("POST"))
        .and(path(at))
        .respond_with(
            wiremock::ResponseTemplate::new(503)
                .set_body_json(busy)
                .append_header("Retry-After", "0"),
        )
        .up_to_n_times(1)
        .mount(server)
        .await;
    wiremock::Mock::given(method("POST"))
        .and(path(at))
        .respond_with(then)
        .mount(server)
        .await;
}
