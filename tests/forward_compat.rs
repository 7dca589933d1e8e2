//! A newer server may add attachment types, enum values and fields; nullable fields may be `null`
//! and optional ones absent. None of that may make a whole `Message` fail to decode.

mod common;

use postpress::types::{self, Attachment, AttendeeDistance, AttendeeType, EventType, Flag, MessageType};
use serde_json::{Value, json};

/// Decodes from JSON text and from a `serde_json::Value` (the two ways users decode) and checks they
/// agree.
fn decode(value: Value) -> types::Message {
    let from_text: types::Message = serde_json::from_str(&value.to_string()).expect("message decodes from text");
    let from_value: types::Message = serde_json::from_value(value).expect("message decodes from a Value");
    assert_eq!(from_text, from_value, "both decoding paths agree");
    from_text
}

/// The decoding error, which both paths must report alike.
fn decode_error(value: Value) -> String {
    let from_text = serde_json::from_str::<types::Message>(&value.to_string())
        .unwrap_err()
        .to_string();
    let from_value = serde_json::from_value::<types::Message>(value).unwrap_err().to_string();
    // serde_json adds "at line L column C" to text errors only.
    assert!(
        from_text.starts_with(&from_value),
        "text: {from_text}\nvalue: {from_value}"
    );
    from_value
}

#[test]
fn an_unknown_attachment_type_decodes_as_unknown_and_keeps_its_json() {
    let mut message = common::message_json();
    let poll = json!({"id": "att_9", "type": "poll", "unavailable": false, "question": "Lunch?"});
    message["attachments"] = json!([
        {"id": "att_1", "type": "file", "unavailable": false, "file_name": "a.pdf"},
        poll.clone(),
    ]);
    let decoded = decode(message);
    assert!(matches!(&decoded.attachments[0], Attachment::File(f) if f.file_name == "a.pdf"));
    assert_eq!(decoded.attachments[1], Attachment::Unknown(poll.clone()));
    assert_eq!(decoded.attachments[1].kind(), "poll");
    // And it re-encodes unchanged.
    assert_eq!(serde_json::to_value(&decoded.attachments[1]).unwrap(), poll);
}

#[test]
fn every_documented_attachment_type_decodes_to_its_variant() {
    let mut message = common::message_json();
    message["attachments"] = json!([
        {"id": "a", "type": "img", "unavailable": false, "size": {"width": 1, "height": 2}, "sticker": true},
        {"id": "b", "type": "video", "unavailable": false, "size": {"width": 1, "height": 2}, "gif": false},
        {"id": "c", "type": "audio", "unavailable": false, "voice_note": true},
        {"id": "d", "type": "file", "unavailable": false, "file_name": "x"},
        {"id": "e", "type": "linkedin_post", "unavailable": false},
        {"id": "f", "type": "video_meeting", "unavailable": false, "starts_at": null, "expires_at": 5, "time_range": null},
    ]);
    let decoded = decode(message);
    let kinds: Vec<&str> = decoded.attachments.iter().map(Attachment::kind).collect();
    assert_eq!(
        kinds,
        ["img", "video", "audio", "file", "linkedin_post", "video_meeting"]
    );
    assert!(matches!(&decoded.attachments[0], Attachment::Img(i) if i.sticker && i.size.height == 2.0));
    assert!(matches!(&decoded.attachments[2], Attachment::Audio(a) if a.voice_note && a.duration.is_none()));
    assert!(
        matches!(&decoded.attachments[5], Attachment::VideoMeeting(m) if m.starts_at.is_none() && m.expires_at == Some(5.0))
    );
}

#[test]
fn a_known_attachment_type_with_a_broken_body_is_an_error_naming_the_type() {
    let mut message = common::message_json();
    message["attachments"] = json!([{"id": "a", "type": "img", "unavailable": false}]);
    let err = decode_error(message);
    assert!(err.contains("type img") && err.contains("size"), "{err}");
}

#[test]
fn an_attachment_without_a_type_is_an_error() {
    let mut message = common::message_json();
    message["attachments"] = json!([{"id": "a", "unavailable": false}]);
    let err = decode_error(message);
    assert!(err.contains("without a string `type`"), "{err}");
}

#[test]
fn unknown_enum_values_decode_and_known_ones_keep_their_meaning() {
    let mut message = common::message_json();
    message["message_type"] = json!("VOICE_CALL");
    message["attendee_type"] = json!("BOT");
    message["attendee_distance"] = json!(7);
    message["event_type"] = json!(42);
    message["is_sender"] = json!(2);
    let decoded = decode(message);
    assert_eq!(decoded.message_type, Some(MessageType::Unknown("VOICE_CALL".into())));
    assert_eq!(decoded.attendee_type, Some(AttendeeType::Unknown("BOT".into())));
    assert_eq!(decoded.attendee_distance, Some(AttendeeDistance(7)));
    assert!(!decoded.attendee_distance.unwrap().is_known());
    assert_eq!(decoded.event_type, Some(EventType(42)));
    assert_eq!(decoded.is_sender, Flag(2));
    assert!(!decoded.is_sender.is_known());

    let mut message = common::message_json();
    message["message_type"] = json!("INMAIL_ACCEPT");
    message["attendee_type"] = json!("ORGANIZATION");
    message["attendee_distance"] = json!(-1);
    message["event_type"] = json!(13);
    let decoded = decode(message);
    assert_eq!(decoded.message_type, Some(MessageType::InmailAccept));
    assert_eq!(decoded.attendee_type, Some(AttendeeType::Organization));
    assert_eq!(decoded.attendee_distance, Some(AttendeeDistance::VALUE_MINUS_1));
    assert_eq!(decoded.event_type, Some(EventType::VALUE_13));
    assert_eq!(decoded.seen, Flag::YES);
    // Unknown values re-encode as they came.
    assert_eq!(
        serde_json::to_value(MessageType::Unknown("VOICE_CALL".into())).unwrap(),
        json!("VOICE_CALL")
    );
}

#[test]
fn a_wrongly_typed_enum_value_is_still_an_error() {
    let mut message = common::message_json();
    message["message_type"] = json!(5);
    assert!(serde_json::from_value::<types::Message>(message).is_err());
    let mut message = common::message_json();
    message["seen"] = json!("yes");
    assert!(serde_json::from_value::<types::Message>(message).is_err());
}

#[test]
fn nulls_where_the_pages_say_nullable_decode() {
    let mut message = common::message_json();
    message["text"] = Value::Null;
    message["behavior"] = Value::Null;
    message["subject"] = Value::Null;
    message["quoted"] = json!({"provider_id": "p", "sender_id": "s", "text": null, "attachments": []});
    message["reply_to"] = json!({"id": "m", "provider_id": "p", "timestamp": "t", "sender_attendee_id": "a", "sender_id": "s", "text": null});
    let decoded = decode(message);
    assert_eq!(decoded.text, None);
    assert_eq!(decoded.behavior, None);
    assert_eq!(decoded.subject, None);
    assert_eq!(decoded.quoted.unwrap().text, None);
    assert_eq!(decoded.reply_to.unwrap().text, None);

    let forwarded: types::MessageForwarded =
        serde_json::from_value(json!({"object": "MessageForwarded", "message_id": null})).unwrap();
    assert_eq!(forwarded.message_id, None);
}

#[test]
fn required_fields_stay_required_even_when_nullable() {
    for field in ["text", "behavior", "id", "attachments", "seen_by"] {
        let mut message = common::message_json();
        message.as_object_mut().unwrap().remove(field);
        let err = decode_error(message);
        assert!(err.contains(field), "missing {field}: {err}");
    }
    let err = serde_json::from_value::<types::MessageForwarded>(json!({"object": "MessageForwarded"})).unwrap_err();
    assert!(err.to_string().contains("message_id"), "{err}");
}

#[test]
fn absent_optional_fields_and_unknown_extra_fields_decode() {
    let mut message = common::message_json();
    message["a_field_from_2027"] = json!({"nested": [1, 2, 3]});
    message["reactions"] = json!([{"value": "👍", "sender_id": "s", "is_sender": true, "weight": 3}]);
    let decoded = decode(message);
    assert_eq!(decoded.quoted, None);
    assert_eq!(decoded.message_type, None);
    assert!(decoded.reply_by.is_empty());
    assert_eq!(decoded.reactions[0].value, "👍");
}

#[test]
fn seen_by_values_are_strings_or_booleans() {
    let mut message = common::message_json();
    message["seen_by"] = json!({"a": "2026-05-17T09:45:00.000Z", "b": false});
    let decoded = decode(message);
    assert_eq!(
        decoded.seen_by["a"],
        types::SeenByValue::String("2026-05-17T09:45:00.000Z".into())
    );
    assert_eq!(decoded.seen_by["b"], types::SeenByValue::Boolean(false));
}

/// Found by `tests/decode_fuzz.rs`: serde reads a struct from an array too, so an earlier text-only
/// fast path of the attachment decoder once took `[""]` for an attachment of an unknown type.
#[test]
fn an_attachment_that_is_not_an_object_is_an_error_on_both_paths() {
    for not_an_object in [json!([""]), json!(["img"]), json!("img"), json!(3), json!(null)] {
        let mut message = common::message_json();
        message["attachments"] = json!([not_an_object]);
        let err = decode_error(message);
        assert!(
            err.contains("without a string `type`") || err.contains("invalid type"),
            "{not_an_object}: {err}"
        );
    }
}
