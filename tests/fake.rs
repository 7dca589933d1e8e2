//! The fake server: every operation and rule of the pages through the SDK client, fault
//! injection, and every body it answers validated against `openapi.yaml`.

mod common;

use std::time::{Duration, Instant};

use postpress::fake::{FakeServer, Fault, Provider};
use postpress::operations::OperationId;
use postpress::types::Attachment;
use postpress::{ChatAction, Error, ErrorCode, Upload};
use serde_json::{Value, json};

#[tokio::test]
async fn a_sent_message_is_stored_with_attachments_made_from_its_parts() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let quoted = fake.add_message(&chat, "Can we talk?").unwrap();
    let client = fake.client();
    let sent = client
        .send_message(&chat)
        .text("Sure")
        .quote_id(&quoted)
        .attachment(Upload::bytes("report.pdf", vec![1u8; 1234]))
        .attachment(Upload::bytes("photo.png", vec![2u8; 10]))
        .attachment(Upload::bytes("clip.mp4", vec![3u8; 20]))
        .voice_message(Upload::bytes("note.ogg", vec![4u8; 30]))
        .send()
        .await
        .unwrap();

    let messages = fake.messages_in(&chat);
    assert_eq!(messages.len(), 2);
    let stored = &messages[1];
    assert_eq!(stored.id.as_str(), sent.message_id);
    assert_eq!(stored.text.as_deref(), Some("Sure"));
    assert_eq!(stored.is_sender, postpress::types::Flag::YES);
    assert_eq!(stored.quoted.as_ref().unwrap().text.as_deref(), Some("Can we talk?"));
    let kinds: Vec<&str> = stored.attachments.iter().map(Attachment::kind).collect();
    assert_eq!(
        kinds,
        ["audio", "file", "img", "video"],
        "voice message first, then attachments in order"
    );
    assert!(matches!(&stored.attachments[0], Attachment::Audio(a) if a.voice_note && a.file_size == Some(30.0)));
    assert!(matches!(&stored.attachments[1], Attachment::File(f)
        if f.file_name == "report.pdf" && f.file_size == Some(1234.0) && f.mimetype.as_deref() == Some("application/pdf")));
    assert!(matches!(&stored.attachments[2], Attachment::Img(i) if i.mimetype.as_deref() == Some("image/png")));

    // And the client reads back exactly what the fake holds.
    let fetched = client.get_message(&sent.message_id).await.unwrap();
    assert_eq!(&fetched, stored);
}

#[tokio::test]
async fn forward_is_whatsapp_only() {
    let fake = FakeServer::start().await;
    let client = fake.client();
    let wa = fake.add_chat(Provider::WhatsApp);
    let wa_other = fake.add_chat(Provider::WhatsApp);
    let li = fake.add_chat(Provider::LinkedIn);
    let message = fake.add_message(&wa, "forward me").unwrap();

    let forwarded = client.forward_message(&message, &wa_other).await.unwrap();
    let copy = fake.message(forwarded.message_id.as_deref().unwrap()).unwrap();
    assert_eq!(
        (copy.chat_id.as_str(), copy.text.as_deref(), copy.is_forwarded),
        (wa_other.as_str(), Some("forward me"), Some(true))
    );

    let li_message = fake.add_message(&li, "no").unwrap();
    let error = client.forward_message(&li_message, &wa).await.unwrap_err();
    assert_eq!(
        (error.status(), error.code()),
        (Some(403), Some(&ErrorCode::AccountMismatch))
    );
    let error = client.forward_message(&message, &li).await.unwrap_err();
    assert_eq!(error.status(), Some(403));
}

#[tokio::test]
async fn a_new_reaction_from_the_same_account_replaces_the_old_one() {
    let fake = FakeServer::start().await;
    let client = fake.client();
    for provider in [Provider::WhatsApp, Provider::LinkedIn] {
        let chat = fake.add_chat(provider);
        let message = fake.add_message(&chat, "hi").unwrap();
        client.add_reaction(&message, "👍").await.unwrap();
        client.add_reaction(&message, "🎉").await.unwrap();
        let reactions = fake.message(&message).unwrap().reactions;
        assert_eq!(reactions.len(), 1, "{provider:?}");
        assert_eq!((reactions[0].value.as_str(), reactions[0].is_sender), ("🎉", true));
    }
    let telegram = fake.add_chat(Provider::Telegram);
    let message = fake.add_message(&telegram, "hi").unwrap();
    let error = client.add_reaction(&message, "👍").await.unwrap_err();
    assert_eq!(error.status(), Some(403), "reactions are WhatsApp and LinkedIn only");
}

#[tokio::test]
async fn chat_actions_change_the_chat_and_follow_the_provider_table() {
    let fake = FakeServer::start().await;
    let client = fake.client();
    let wa = fake.add_chat(Provider::WhatsApp);
    for action in [
        ChatAction::SetReadStatus(true),
        ChatAction::SetMuteStatus(true),
        ChatAction::SetArchiveStatus(true),
        ChatAction::SetPinnedStatus(true),
        ChatAction::SetLabel("VIP".into()),
        ChatAction::AddParticipant("111@s.whatsapp.net".into()),
        ChatAction::AddParticipant("222@s.whatsapp.net".into()),
        ChatAction::RemoveParticipant("111@s.whatsapp.net".into()),
    ] {
        client.chat_action(&wa, action).await.unwrap();
    }
    let state = fake.chat(&wa).unwrap();
    assert!(state.read && state.muted && state.archived && state.pinned);
    assert_eq!(state.labels, ["VIP"]);
    assert_eq!(state.participants, ["222@s.whatsapp.net"]);
    let link = client.invite_link(&wa).await.unwrap();
    assert!(link.starts_with("https://chat.whatsapp.com/"), "{link}");
    assert_eq!(client.invite_link(&wa).await.unwrap(), link, "the same link each time");

    let telegram = fake.add_chat(Provider::Telegram);
    assert!(
        client
            .invite_link(&telegram)
            .await
            .unwrap()
            .starts_with("https://t.me/+")
    );
    let linkedin = fake.add_chat(Provider::LinkedIn);
    client
        .chat_action(&linkedin, ChatAction::SetMuteStatus(true))
        .await
        .unwrap();
    // Actions a provider does not support: 501 feature_not_implemented.
    for (chat, action) in [
        (&linkedin, ChatAction::SetArchiveStatus(true)),
        (&linkedin, ChatAction::GetInviteLink),
        (&telegram, ChatAction::SetReadStatus(true)),
        (&telegram, ChatAction::SetLabel("x".into())),
    ] {
        let error = client.chat_action(chat, action.clone()).await.unwrap_err();
        assert_eq!(error.code(), Some(&ErrorCode::FeatureNotImplemented), "{action:?}");
        assert_eq!(error.status(), Some(501));
    }
}

#[tokio::test]
async fn unknown_ids_are_404_and_bad_keys_are_401() {
    let fake = FakeServer::start().await;
    let client = fake.client();
    for error in [
        client.get_message("msg_nope").await.unwrap_err(),
        client.send_message("chat_nope").text("x").send().await.unwrap_err(),
        client.forward_message("msg_nope", "chat_nope").await.unwrap_err(),
        client.add_reaction("msg_nope", "👍").await.unwrap_err(),
        client
            .chat_action("chat_nope", ChatAction::SetReadStatus(true))
            .await
            .unwrap_err(),
    ] {
        assert_eq!(
            (error.status(), error.code()),
            (Some(404), Some(&ErrorCode::ResourceNotFound)),
            "{error}"
        );
    }
    let wrong = fake.client_builder().api_key("pp_wrong").build().unwrap();
    let error = wrong.get_message("msg_x").await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::InvalidCredentials));
    assert!(error.needs_reconnect());
    let status = reqwest::Client::new()
        .get(format!("{}/messages/x", fake.base_url()))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 401, "no key at all");
    let last = fake.requests().pop().unwrap();
    assert_eq!((last.operation, last.status), (Some(OperationId::GetMessage), 401));
}

#[tokio::test]
async fn faults_make_the_next_calls_fail_and_the_client_retries_them() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    fake.inject(
        Fault::error(OperationId::SendMessage, 503, "errors/no_client_session")
            .times(2)
            .retry_after(Duration::ZERO),
    );
    let sent = fake
        .client()
        .send_message(&chat)
        .text("after two failures")
        .send()
        .await
        .unwrap();
    assert!(fake.message(&sent.message_id).is_some());
    let statuses: Vec<u16> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 201]);

    // A failure the retry rule does not allow for send: exactly one request, the typed error.
    fake.inject(Fault::error(OperationId::SendMessage, 500, "errors/provider_error"));
    let error = fake.client().send_message(&chat).text("once").send().await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::ProviderError));
    assert_eq!(fake.requests().len(), 4);
    assert_eq!(fake.messages_in(&chat).len(), 1, "the failed send stored nothing");

    // Retry-After reaches the client.
    fake.inject(
        Fault::error(OperationId::GetMessage, 429, "errors/too_many_requests").retry_after(Duration::from_secs(120)),
    );
    let error = fake.client().get_message(&sent.message_id).await.unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));

    // A delay longer than the client's timeout is a timeout.
    fake.inject(Fault::delay(OperationId::GetMessage, Duration::from_millis(500)));
    let client = fake
        .client_builder()
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    assert!(matches!(
        client.get_message(&sent.message_id).await,
        Err(Error::Timeout(_))
    ));
    assert!(started.elapsed() < Duration::from_millis(450));
}

#[tokio::test]
async fn the_fake_stops_when_dropped() {
    let fake = FakeServer::start().await;
    let client = fake.client_builder().max_retries(0).build().unwrap();
    drop(fake);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let error = client.get_message("msg_1").await.unwrap_err();
    assert!(matches!(&error, Error::Transport(t) if t.connect), "{error:?}");
}

/// The schema name the spec gives the body of `status` for `operation`, resolving shared responses.
fn response_schema(spec: &Value, operation: OperationId, status: u16) -> Option<String> {
    let op = operation.spec();
    let method = op.method.to_lowercase();
    let response = &spec["paths"][op.path][&method]["responses"][status.to_string()];
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(r) => &spec["components"]["responses"][r.trim_start_matches("#/components/responses/")],
        None => response,
    };
    let schema = response.pointer("/content/application~1json/schema/$ref")?.as_str()?;
    Some(schema.trim_start_matches("#/components/schemas/").to_string())
}

/// Statuses the fake sends that a page does not list, each for a reason given in `postpress::fake`.
fn undocumented_but_intended(operation: OperationId, status: u16) -> bool {
    status == 400 || (status == 404 && matches!(operation, OperationId::ForwardMessage | OperationId::AddReaction))
}

#[tokio::test]
async fn every_body_the_fake_sends_validates_against_the_spec() {
    let spec = common::spec();
    let fake = FakeServer::start().await;
    let base = fake.base_url();
    let http = reqwest::Client::new();
    let key = fake.api_key().to_string();
    let wa = fake.add_chat(Provider::WhatsApp);
    let li = fake.add_chat(Provider::LinkedIn);
    let tg = fake.add_chat(Provider::Telegram);
    let message = fake.add_message(&wa, "hi").unwrap();
    let li_message = fake.add_message(&li, "hi").unwrap();
    let tg_message = fake.add_message(&tg, "hi").unwrap();
    let form = || {
        let part = reqwest::multipart::Part::bytes(vec![1u8; 5])
            .file_name("a.pdf")
            .mime_str("application/pdf")
            .unwrap();
        reqwest::multipart::Form::new()
            .text("text", "hello")
            .part("attachments", part)
    };

    // (operation, request) pairs covering success and every error the fake produces on its own.
    let mut cases: Vec<(OperationId, reqwest::RequestBuilder, Option<Fault>)> = vec![
        (
            OperationId::GetMessage,
            http.get(format!("{base}/messages/{message}")),
            None,
        ),
        (OperationId::GetMessage, http.get(format!("{base}/messages/nope")), None),
        (
            OperationId::SendMessage,
            http.post(format!("{base}/chats/{wa}/messages")).multipart(form()),
            None,
        ),
        (
            OperationId::SendMessage,
            http.post(format!("{base}/chats/{wa}/messages"))
                .multipart(reqwest::multipart::Form::new()),
            None,
        ),
        (
            OperationId::SendMessage,
            http.post(format!("{base}/chats/nope/messages")).multipart(form()),
            None,
        ),
        (
            OperationId::ForwardMessage,
            http.post(format!("{base}/messages/{message}/forward"))
                .json(&json!({"chat_id": wa})),
            None,
        ),
        (
            OperationId::ForwardMessage,
            http.post(format!("{base}/messages/{li_message}/forward"))
                .json(&json!({"chat_id": wa})),
            None,
        ),
        (
            OperationId::ForwardMessage,
            http.post(format!("{base}/messages/nope/forward"))
                .json(&json!({"chat_id": wa})),
            None,
        ),
        (
            OperationId::AddReaction,
            http.post(format!("{base}/messages/{message}/reaction"))
                .json(&json!({"reaction": "👍"})),
            None,
        ),
        (
            OperationId::AddReaction,
            http.post(format!("{base}/messages/{tg_message}/reaction"))
                .json(&json!({"reaction": "👍"})),
            None,
        ),
        (
            OperationId::AddReaction,
            http.post(format!("{base}/messages/{message}/reaction"))
                .body("not json"),
            None,
        ),
        (
            OperationId::PatchChat,
            http.patch(format!("{base}/chats/{wa}"))
                .json(&json!({"action": "setReadStatus", "value": true})),
            None,
        ),
        (
            OperationId::PatchChat,
            http.patch(format!("{base}/chats/{wa}"))
                .json(&json!({"action": "getInviteLink"})),
            None,
        ),
        (
            OperationId::PatchChat,
            http.patch(format!("{base}/chats/{tg}"))
                .json(&json!({"action": "setLabel", "value": "x"})),
            None,
        ),
        (
            OperationId::PatchChat,
            http.patch(format!("{base}/chats/{wa}"))
                .json(&json!({"action": "setReadStatus", "value": "yes"})),
            None,
        ),
        (
            OperationId::PatchChat,
            http.patch(format!("{base}/chats/nope"))
                .json(&json!({"action": "setReadStatus", "value": true})),
            None,
        ),
    ];
    // Every documented error type, injected, for every operation whose page lists its status.
    let mut injected = 0;
    for code in ErrorCode::DOCUMENTED.iter() {
        let status = code.documented_status().unwrap();
        for op in postpress::operations::OPERATIONS
            .iter()
            .filter(|op| op.errors.contains(&status))
        {
            let fault = Fault::error(op.operation, status, code.as_str());
            let request = example_request(&http, &base, op, &[("message_id", &message), ("chat_id", &wa)]);
            cases.push((op.operation, request, Some(fault)));
            injected += 1;
        }
    }
    assert!(injected > 150, "{injected}");

    let mut statuses = std::collections::BTreeSet::new();
    for (operation, request, fault) in cases {
        if let Some(fault) = fault {
            fake.inject(fault);
        }
        let response = request.header("x-api-key", &key).send().await.unwrap();
        assert_eq!(
            fake.requests().last().unwrap().operation,
            Some(operation),
            "the case is routed to its operation"
        );
        let status = response.status().as_u16();
        let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
        let body: Value = response.json().await.unwrap();
        assert_eq!(content_type, "application/json");
        let schema = match response_schema(&spec, operation, status) {
            Some(schema) => schema,
            None if undocumented_but_intended(operation, status) => "ErrorEnvelope".to_string(),
            None => panic!("{operation} answered {status}, which its page does not list: {body}"),
        };
        common::assert_valid(&spec, &schema, &body);
        if status >= 400 {
            assert_eq!(body["status"], json!(status), "{body}");
        }
        statuses.insert((operation.as_str(), status));
    }
    for expected in [
        ("get_message", 200),
        ("send_message", 201),
        ("send_message", 422),
        ("patch_chat", 501),
        ("add_reaction", 403),
    ] {
        assert!(statuses.contains(&expected), "{expected:?} not exercised");
    }
}

/// A valid raw request of `op`: the table's example, with the path parameters named in `ids` set
/// to those values (any other from the example), a multipart body as a form of text parts and
/// one small file per binary field.
fn example_request(
    http: &reqwest::Client,
    base: &str,
    op: &postpress::operations::Operation,
    ids: &[(&str, &str)],
) -> reqwest::RequestBuilder {
    use postpress::operations::{Location, ValueKind};
    let Value::Object(mut arguments) = serde_json::from_str(op.request_example).unwrap() else {
        panic!("{}: the example request is not an object", op.id);
    };
    let mut path = op.path.to_string();
    for field in op.fields.iter().filter(|f| f.location == Location::Path) {
        let example = arguments.remove(field.name);
        let value = match ids.iter().find(|(name, _)| *name == field.name) {
            Some((_, id)) => id.to_string(),
            None => example
                .and_then(|v| v.as_str().map(str::to_string))
                .expect("an example id"),
        };
        path = path.replace(&format!("{{{}}}", field.name), &value);
    }
    let method = reqwest::Method::from_bytes(op.method.as_bytes()).unwrap();
    let request = http.request(method, format!("{base}{path}"));
    if op.multipart {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in arguments {
            let binary = op.fields.iter().any(|f| f.name == name && f.kind == ValueKind::Binary);
            let values = match value {
                Value::Array(items) => items,
                one => vec![one],
            };
            for value in values {
                form = if binary {
                    form.part(
                        name.clone(),
                        reqwest::multipart::Part::bytes(b"%PDF".to_vec()).file_name("a.pdf"),
                    )
                } else {
                    form.text(name.clone(), value.as_str().map_or(value.to_string(), str::to_string))
                };
            }
        }
        return request.multipart(form);
    }
    match arguments.remove("body") {
        Some(body) => request.json(&body),
        None if arguments.is_empty() => request,
        None => request.json(&arguments),
    }
}

/// Faults that lose the answer after the operation took effect: the client cannot know, says so
/// (`Outcome::Unknown`), and does not send again; the fake's state shows what happened.
#[tokio::test]
async fn faults_that_act_then_lose_the_answer_leave_exactly_one_message() {
    use postpress::Outcome;
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let client = fake
        .client_builder()
        .timeout(Duration::from_millis(400))
        .max_retries(3)
        .build()
        .unwrap();
    let faults = [
        ("drop", Fault::drop_after_applying(OperationId::SendMessage)),
        (
            "stall",
            Fault::stall_after_applying(OperationId::SendMessage, Duration::from_secs(3)),
        ),
        ("truncate", Fault::truncate_after_applying(OperationId::SendMessage)),
    ];
    for (name, fault) in faults {
        fake.inject(fault);
        let text = format!("after {name}");
        let error = client.send_message(&chat).text(&text).send().await.unwrap_err();
        assert_eq!(error.outcome(), Outcome::Unknown, "{name}: {error}");
        let copies = fake
            .messages_in(&chat)
            .iter()
            .filter(|m| m.text.as_deref() == Some(&text))
            .count();
        assert_eq!(copies, 1, "{name}: applied once, never sent again");
    }
    // The same for forward: one copy in the target chat.
    let source = fake.add_message(&chat, "to forward").unwrap();
    let target = fake.add_chat(Provider::WhatsApp);
    fake.inject(Fault::drop_after_applying(OperationId::ForwardMessage));
    let error = client.forward_message(&source, &target).await.unwrap_err();
    assert_eq!(error.outcome(), Outcome::Unknown, "{error}");
    assert_eq!(fake.messages_in(&target).len(), 1);
}

#[tokio::test]
async fn a_reset_before_reading_applies_nothing() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let client = fake.client_builder().max_retries(0).build().unwrap();
    fake.inject(Fault::reset_before_reading(OperationId::SendMessage));
    let error = client.send_message(&chat).text("never").send().await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(fake.messages_in(&chat).is_empty());
    // The fault is spent: the next send goes through.
    client.send_message(&chat).text("now").send().await.unwrap();
    assert_eq!(fake.messages_in(&chat).len(), 1);
}

/// The fake bounds what it reads: a JSON body past its limit is refused, not buffered whole.
#[tokio::test]
async fn a_body_past_the_fakes_limit_is_refused() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let message = fake.add_message(&chat, "hi").unwrap();
    let huge = format!("{{\"chat_id\": \"{}\"}}", "x".repeat(5 * 1024 * 1024));
    let response = reqwest::Client::new()
        .post(format!("{}/messages/{message}/forward", fake.base_url()))
        .header("x-api-key", fake.api_key())
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let envelope: Value = response.json().await.unwrap();
    assert!(envelope["detail"].as_str().unwrap().contains("at most"), "{envelope}");
    assert_eq!(fake.messages_in(&chat).len(), 1, "nothing was forwarded");
}
