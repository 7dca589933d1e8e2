//! Randomized decoding: arbitrary JSON, and mutations of the spec's valid examples, fed to every
//! response decoder through both paths (text and `serde_json::Value`). Decoding returns `Ok` or
//! `Err`, never panics, and takes bounded time; mutations the spec allows must still decode.

mod common;

use std::time::{Duration, Instant};

use postpress::types;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// Field names the decoders know, so arbitrary objects reach deep into them.
const KEYS: &[&str] = &[
    "object",
    "id",
    "type",
    "status",
    "title",
    "detail",
    "instance",
    "message_id",
    "text",
    "attachments",
    "reactions",
    "seen_by",
    "size",
    "width",
    "quoted",
    "reply_to",
    "value",
    "success",
    "invite_link",
    "file_name",
    "voice_note",
    "starts_at",
    "event_type",
    "message_type",
    "is_sender",
    "unknown_2027",
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[a-zA-Z0-9_/ é👍]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "img",
            "video",
            "audio",
            "file",
            "linkedin_post",
            "video_meeting",
            "Message",
            "MessageSent"
        ])
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}

/// Decodes `value` as `T` from text and from a `Value`: no panic, bounded time, same verdict.
fn decode_both<T: DeserializeOwned + PartialEq + std::fmt::Debug>(value: &Value) -> Result<T, String> {
    let started = Instant::now();
    let from_text = serde_json::from_str::<T>(&value.to_string());
    let from_value = serde_json::from_value::<T>(value.clone());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "decoding took {:?}",
        started.elapsed()
    );
    assert_eq!(
        from_text.is_ok(),
        from_value.is_ok(),
        "the two paths disagree on {value}"
    );
    if let (Ok(a), Ok(b)) = (&from_text, &from_value) {
        assert_eq!(a, b, "the two paths decode {value} differently");
    }
    from_text.map_err(|e| e.to_string())
}

fn every_decoder(value: &Value) {
    let _ = decode_both::<types::Message>(value);
    let _ = decode_both::<types::ErrorEnvelope>(value);
    let _ = decode_both::<types::MessageSent>(value);
    let _ = decode_both::<types::MessageForwarded>(value);
    let _ = decode_both::<types::MessageReactionAdded>(value);
    let _ = decode_both::<types::ChatPatched>(value);
    let _ = decode_both::<types::Attachment>(value);
    let _ = decode_both::<Vec<types::Attachment>>(value);
}

/// The spec's `full` Message example: every field, every attachment variant.
fn full_message() -> Value {
    common::spec()
        .pointer("/paths/~1messages~1{message_id}/get/responses/200/content/application~1json/examples/full/value")
        .cloned()
        .expect("full example")
}

/// What the spec says of each `Message` property: (name, required, nullable).
fn message_fields() -> Vec<(String, bool, bool)> {
    let spec = common::spec();
    let schema = &spec["components"]["schemas"]["Message"];
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    schema["properties"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, p)| {
            (
                name.clone(),
                required.contains(&name.as_str()),
                p["nullable"] == json!(true),
            )
        })
        .collect()
}

/// The case proptest once shrank a failure to (a list holding an empty string), replayed on every
/// run: the suite keeps no failure files.
#[test]
fn the_recorded_failure_decodes_without_panic() {
    every_decoder(&json!([""]));
}

proptest! {
    // No failure files: a failing case is printed, minimal, in the test output, and kept above.
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics_any_decoder(value in arb_json()) {
        every_decoder(&value);
    }

    #[test]
    fn arbitrary_json_in_any_field_of_a_valid_message_never_panics(field in prop::sample::select(KEYS), replacement in arb_json()) {
        let mut message = full_message();
        message[field] = replacement.clone();
        every_decoder(&message);
        let mut attachment = full_message()["attachments"][0].clone();
        attachment[field] = replacement;
        every_decoder(&json!({"attachments": [attachment]}));
        let _ = decode_both::<types::Attachment>(&attachment);
    }

    #[test]
    fn mutations_the_spec_allows_still_decode(
        drop_optional in any::<prop::sample::Index>(),
        null_nullable in any::<prop::sample::Index>(),
        extra_key in "[a-z_]{1,12}",
        extra_value in arb_json(),
        message_type in "[A-Z_]{1,16}",
        distance in any::<i64>(),
        flag in any::<i64>(),
        attachment_type in "[a-z_]{1,16}",
        attachment_extra in arb_json(),
    ) {
        let fields = message_fields();
        let optional: Vec<&(String, bool, bool)> = fields.iter().filter(|(_, required, _)| !required).collect();
        let nullable: Vec<&(String, bool, bool)> = fields.iter().filter(|(_, _, nullable)| *nullable).collect();
        let mut message = full_message();
        let object = message.as_object_mut().unwrap();
        object.remove(&optional[drop_optional.index(optional.len())].0);
        object.insert(nullable[null_nullable.index(nullable.len())].0.clone(), Value::Null);
        if !fields.iter().any(|(name, _, _)| *name == extra_key) {
            object.insert(extra_key, extra_value);
        }
        object.insert("message_type".into(), json!(message_type));
        object.insert("attendee_distance".into(), json!(distance));
        object.insert("hidden".into(), json!(flag));
        let known = ["img", "video", "audio", "file", "linkedin_post", "video_meeting"];
        if !known.contains(&attachment_type.as_str()) {
            let mut unknown = Map::new();
            unknown.insert("type".into(), json!(attachment_type));
            unknown.insert("payload".into(), attachment_extra);
            object["attachments"].as_array_mut().unwrap().push(Value::Object(unknown));
        }
        let decoded = decode_both::<types::Message>(&message);
        prop_assert!(decoded.is_ok(), "{:?}\n{}", decoded.err(), message);
    }
}

/// Deep nesting never overflows the stack (which would abort the whole test binary) and never
/// takes long. Where the nesting would have to be kept (an unknown attachment keeps its JSON, the
/// body itself) it is an error, from serde_json's recursion limit; in a field the decoder ignores
/// it is skipped, which serde_json does without recursion, so the message still decodes.
#[test]
fn deep_nesting_never_overflows_the_stack() {
    for depth in [200, 10_000, 200_000] {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let message = full_message().to_string();
        let in_ignored_field = format!("{{\"deep\": {deep}, {}", &message[1..]);
        let in_attachment = message.replacen(
            "\"attachments\":[",
            &format!("\"attachments\":[{{\"type\":\"poll\",\"deep\":{deep}}},"),
            1,
        );
        assert_ne!(in_attachment, message);
        let started = Instant::now();
        assert!(
            serde_json::from_str::<types::Message>(&in_ignored_field).is_ok(),
            "depth {depth}: ignored field"
        );
        assert!(
            serde_json::from_str::<types::Message>(&in_attachment).is_err(),
            "depth {depth}: kept in an attachment"
        );
        assert!(serde_json::from_str::<types::Message>(&deep).is_err());
        assert!(serde_json::from_str::<types::ErrorEnvelope>(&deep).is_err());
        assert!(serde_json::from_str::<types::Attachment>(&deep).is_err());
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "depth {depth}: {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn the_valid_examples_decode_through_both_paths() {
    assert!(decode_both::<types::Message>(&full_message()).is_ok());
}
