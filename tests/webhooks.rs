//! Receiving webhooks: every callback of the spec decodes into its `Event` variant, told apart by
//! its payload alone; the `Verifier` checks the secret before reading anything and names what is
//! wrong with a payload.

mod common;

use http::{HeaderMap, HeaderValue};
use postpress::webhooks::{Event, MAX_BODY, Verifier, WebhookError};
use serde_json::{Value, json};

const HEADER: &str = "Unipile-Auth";
const SECRET: &str = "whsec_TEST_SECRET_42";

/// Every callback of the spec: (name, its example payload), read from the spec itself.
fn callbacks() -> Vec<(String, Value)> {
    let spec = common::spec();
    let resolve = |node: &Value| -> Value {
        let mut node = node.clone();
        while let Some(pointer) = node.get("$ref").and_then(Value::as_str) {
            node = spec
                .pointer(pointer.trim_start_matches('#'))
                .cloned()
                .expect("a $ref to something");
        }
        node
    };
    let mut found = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            for (name, callback) in op.get("callbacks").and_then(Value::as_object).into_iter().flatten() {
                let callback = resolve(callback);
                let request = callback.as_object().unwrap().values().next().unwrap()["post"].clone();
                let example = request["requestBody"]["content"]["application/json"]["example"].clone();
                assert!(example.is_object(), "{name} has no example");
                found.push((name.clone(), example));
            }
        }
    }
    found
}

fn headers(secret: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("unipile-auth", HeaderValue::from_str(secret).unwrap());
    headers
}

#[test]
fn every_callbacks_example_is_its_own_variant() {
    let callbacks = callbacks();
    assert!(callbacks.len() >= 7, "{callbacks:?}");
    let verifier = Verifier::new(HEADER, SECRET);
    for (name, example) in &callbacks {
        let body = serde_json::to_vec(example).unwrap();
        let event = verifier.event(&headers(SECRET), &body).unwrap();
        assert_eq!(event.name(), name, "{example}");
        assert!(!matches!(event, Event::Unknown(_)), "{name}");
        // The same payload, decoded without the verifier, is the same event.
        assert_eq!(Event::from_json(&body).unwrap(), event);
    }
    let names: Vec<&str> = callbacks.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "message_received",
        "message_read",
        "message_reaction",
        "message_edited",
        "message_deleted",
        "account_status",
        "account_connected",
    ] {
        assert!(names.contains(&expected), "{names:?}");
    }
}

#[test]
fn the_variants_hold_the_generated_payloads() {
    let (_, example) = callbacks().into_iter().find(|(n, _)| n == "message_received").unwrap();
    let Event::MessageReceived(message) = Event::from_payload(example).unwrap() else {
        panic!("not a MessageReceived");
    };
    assert_eq!(message.message.as_deref(), Some("Is my order on its way?"));
    assert_eq!(message.sender.unwrap().attendee_name.as_deref(), Some("Jane Doe"));
    let status =
        json!({"AccountStatus": {"account_id": "acc_1", "account_type": "LINKEDIN", "message": "CREDENTIALS"}});
    let Event::AccountStatus(status) = Event::from_payload(status).unwrap() else {
        panic!("not an AccountStatus");
    };
    assert_eq!(status.account_status.message.as_str(), "CREDENTIALS");
    let connected = json!({"status": "RECONNECTED", "account_id": "acc_2", "name": "user-42"});
    assert!(matches!(
        Event::from_payload(connected).unwrap(),
        Event::AccountConnected(_)
    ));
}

#[test]
fn an_event_no_callback_describes_is_unknown_and_a_newer_status_still_decodes() {
    for payload in [
        json!({"event": "mail_received", "email_id": "e_1"}),
        json!({"hello": "world"}),
        json!([1, 2]),
        json!("text"),
    ] {
        assert_eq!(Event::from_payload(payload.clone()).unwrap(), Event::Unknown(payload));
    }
    let newer = json!({"event": "message_received", "account_id": "a", "account_type": "VIBER", "chat_id": "c",
        "timestamp": "2026-01-01T00:00:00.000Z", "message_id": "m", "message_type": "STORY_REPLY"});
    assert_eq!(Event::from_payload(newer).unwrap().name(), "message_received");
    let status = json!({"AccountStatus": {"account_id": "a", "account_type": "VIBER", "message": "PAUSED"}});
    assert_eq!(Event::from_payload(status).unwrap().name(), "account_status");
}

#[test]
fn the_dedupe_key_is_what_the_spec_names() {
    let received = json!({"event": "message_received", "account_id": "a", "account_type": "WHATSAPP", "chat_id": "c",
        "timestamp": "2026-01-01T00:00:00.000Z", "message_id": "msg_1"});
    let event = Event::from_payload(received.clone()).unwrap();
    assert_eq!(event.dedupe_key(), "message_received:msg_1");
    let mut read = received.clone();
    read["event"] = json!("message_read");
    assert_eq!(Event::from_payload(read).unwrap().dedupe_key(), "message_read:msg_1");
    let status = json!({"AccountStatus": {"account_id": "acc_1", "account_type": "WHATSAPP", "message": "DELETED"}});
    assert_eq!(
        Event::from_payload(status).unwrap().dedupe_key(),
        "account_status:acc_1:DELETED"
    );
    let unknown = Event::from_payload(json!({"b": 1, "a": 2})).unwrap();
    assert_eq!(
        unknown.dedupe_key(),
        Event::from_payload(json!({"a": 2, "b": 1})).unwrap().dedupe_key()
    );
}

#[test]
fn without_the_secret_nothing_is_read() {
    let verifier = Verifier::new(HEADER, SECRET);
    let not_even_json = b"\xff\xfe not json";
    assert_eq!(
        verifier.event(&HeaderMap::new(), not_even_json),
        Err(WebhookError::Unauthenticated)
    );
    assert_eq!(
        verifier.event(&headers("whsec_TEST_SECRET_43"), not_even_json),
        Err(WebhookError::Unauthenticated)
    );
    assert_eq!(
        verifier.event(&headers("whsec"), not_even_json),
        Err(WebhookError::Unauthenticated)
    );
    // Over the limit, but unauthenticated first.
    assert_eq!(
        verifier.event(&HeaderMap::new(), &vec![b' '; MAX_BODY + 1]),
        Err(WebhookError::Unauthenticated)
    );
    // An empty secret matches nothing, not an empty header.
    assert_eq!(
        Verifier::new(HEADER, "").event(&headers(""), b"{}"),
        Err(WebhookError::Unauthenticated)
    );
    // An invalid header name matches nothing and does not panic.
    assert_eq!(
        Verifier::new("bad header\n", SECRET).event(&headers(SECRET), b"{}"),
        Err(WebhookError::Unauthenticated)
    );
    assert_eq!(WebhookError::Unauthenticated.status(), 401);
}

#[test]
fn the_secret_is_never_shown() {
    let verifier = Verifier::new(HEADER, SECRET);
    assert!(!format!("{verifier:?}").contains("SECRET_42"), "{verifier:?}");
    // A payload that echoes the secret back where it is not valid (a closed enum's value, which
    // serde's error quotes) is refused without showing it in the error either.
    let body = format!(r#"{{"status": "{SECRET}", "account_id": "acc_1"}}"#);
    let error = verifier.event(&headers(SECRET), body.as_bytes()).unwrap_err();
    assert!(matches!(error, WebhookError::Malformed { .. }), "{error}");
    assert!(!error.to_string().contains(SECRET), "{error}");
}

#[test]
fn a_body_that_is_not_a_valid_payload_is_malformed_naming_the_place() {
    let verifier = Verifier::new(HEADER, SECRET);
    let wrong = json!({"event": "message_received", "account_id": "a", "account_type": "WHATSAPP", "chat_id": "c",
        "timestamp": "t", "message_id": "m", "sender": {"attendee_name": 42}});
    let error = verifier
        .event(&headers(SECRET), wrong.to_string().as_bytes())
        .unwrap_err();
    let WebhookError::Malformed { reason } = &error else {
        panic!("{error:?}")
    };
    assert!(reason.contains("sender.attendee_name"), "{reason}");
    assert_eq!(error.status(), 400);
    for body in [&b"{\"event\": "[..], b"", b"\xff"] {
        assert!(matches!(
            verifier.event(&headers(SECRET), body),
            Err(WebhookError::Malformed { .. })
        ));
    }
    let large = vec![b' '; MAX_BODY + 1];
    assert_eq!(
        verifier.event(&headers(SECRET), &large),
        Err(WebhookError::TooLarge { limit: MAX_BODY })
    );
}

#[test]
fn a_form_encoded_delivery_decodes_too() {
    let verifier = Verifier::new(HEADER, SECRET);
    let mut form = headers(SECRET);
    form.insert(
        "content-type",
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let sender = r#"{"attendee_id":"att_1","attendee_name":"Jane","attendee_provider_id":"p"}"#;
    let body: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("event", "message_received")
        .append_pair("account_id", "acc_1")
        .append_pair("account_type", "WHATSAPP")
        .append_pair("chat_id", "chat_1")
        .append_pair("timestamp", "2026-05-17T09:42:11.000Z")
        .append_pair("message_id", "msg_1")
        .append_pair("message", "123")
        .append_pair("is_event", "0")
        .append_pair("sender", sender)
        .finish();
    let event = verifier.event(&form, body.as_bytes()).unwrap();
    let Event::MessageReceived(message) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(message.message.as_deref(), Some("123"));
    assert_eq!(message.sender.as_ref().unwrap().attendee_id.as_deref(), Some("att_1"));
    assert_eq!(event.dedupe_key(), "message_received:msg_1");
    let status =
        "AccountStatus=%7B%22account_id%22%3A%22a%22%2C%22account_type%22%3A%22MAIL%22%2C%22message%22%3A%22OK%22%7D";
    assert_eq!(
        verifier.event(&form, status.as_bytes()).unwrap().name(),
        "account_status"
    );
}

/// The axum extractor (feature `webhooks-axum`) refuses as the verifier does, before reading the
/// body when the secret is wrong, with the status a receiver answers.
#[tokio::test]
async fn the_axum_extractor_verifies_and_rejects_with_the_status() {
    use axum_core::extract::FromRequest;
    use axum_core::response::IntoResponse;
    use postpress::webhooks::axum::{Webhook, WebhookRejection};

    let verifier = Verifier::new(HEADER, SECRET);
    let request = |secret: &str, body: Vec<u8>| {
        http::Request::builder()
            .method("POST")
            .header(HEADER, secret)
            .body(axum_core::body::Body::from(body))
            .unwrap()
    };
    let status = json!({"AccountStatus": {"account_id": "acc_1", "account_type": "WHATSAPP", "message": "OK"}});
    let Webhook(event) = Webhook::from_request(request(SECRET, status.to_string().into_bytes()), &verifier)
        .await
        .unwrap();
    assert_eq!(event.name(), "account_status");

    let refused = Webhook::from_request(request("wrong", b"not json".to_vec()), &verifier)
        .await
        .unwrap_err();
    assert_eq!(refused, WebhookRejection(WebhookError::Unauthenticated));
    assert_eq!(refused.into_response().status(), 401);
    let malformed = Webhook::from_request(request(SECRET, b"{\"AccountStatus\": 1}".to_vec()), &verifier)
        .await
        .unwrap_err();
    assert_eq!(malformed.clone().into_response().status(), 400, "{malformed:?}");
    let large = Webhook::from_request(request(SECRET, vec![b' '; MAX_BODY + 1]), &verifier)
        .await
        .unwrap_err();
    assert_eq!(large, WebhookRejection(WebhookError::TooLarge { limit: MAX_BODY }));
    assert_eq!(large.into_response().status(), 413);
}
