//! The fake delivers webhooks as the API does: a webhook created through the SDK hears inbound
//! messages, reactions, reads and account statuses, each typed through `Verifier`, with the
//! webhook's secret header; a receiver that fails is delivered to again, with the same
//! `dedupe_key`; a deleted webhook hears nothing more.

use std::time::Duration;

use postpress::fake::{FakeServer, Provider};
use postpress::types;
use postpress::webhooks::{Event, Verifier, WebhookError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HEADER: &str = "Unipile-Auth";
const SECRET: &str = "whsec_fake_e2e";

async fn fake() -> FakeServer {
    FakeServer::builder()
        .webhook_timeout(Duration::from_secs(2))
        .webhook_retry(Duration::from_millis(20))
        .start()
        .await
        .unwrap()
}

fn secret_header() -> types::WebhookHeader {
    types::WebhookHeader::builder()
        .key(HEADER)
        .value(SECRET)
        .try_into()
        .unwrap()
}

/// A receiver answering `status` to every delivery on `/hook`.
async fn receiver(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    server
}

/// The deliveries `server` received once it has at least `count`, each verified into an event.
async fn events(server: &MockServer, count: usize) -> Vec<Event> {
    let verifier = Verifier::new(HEADER, SECRET);
    for _ in 0..250 {
        let received = server.received_requests().await.unwrap_or_default();
        if received.len() >= count {
            return received
                .iter()
                .map(|r| verifier.event(&r.headers, &r.body).expect("a verified event"))
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("fewer than {count} deliveries arrived");
}

#[tokio::test]
async fn a_webhook_hears_messages_reactions_reads_and_account_statuses() {
    let fake = fake().await;
    let client = fake.client();
    let messages = receiver(200).await;
    let statuses = receiver(200).await;
    let created = client
        .create_webhook()
        .request_url(format!("{}/hook", messages.uri()))
        .source("messaging")
        .name("e2e")
        .headers(secret_header())
        .await
        .unwrap();
    client
        .create_webhook()
        .request_url(format!("{}/hook", statuses.uri()))
        .source("account_status")
        .headers(secret_header())
        .await
        .unwrap();
    let listed = client.list_webhooks().await.unwrap();
    assert_eq!(listed.items.len(), 2);

    let chat = fake.add_chat(Provider::WhatsApp);
    let inbound = fake.inbound(&chat, "Is my order on its way?").unwrap();
    // The fake's route does the same.
    let http = reqwest::Client::new();
    let answer = http
        .post(format!("{}/_fake/chats/{chat}/inbound", fake.base_url()))
        .header("x-api-key", fake.api_key())
        .json(&serde_json::json!({"text": "second"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 201);
    let second: serde_json::Value = answer.json().await.unwrap();
    // Without its text, the route says what is missing (and delivers nothing).
    let refused = http
        .post(format!("{}/_fake/chats/{chat}/inbound", fake.base_url()))
        .header("x-api-key", fake.api_key())
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let refused: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(refused["detail"], "text is required.", "{refused}");
    client.add_reaction(&inbound, "👍").await.unwrap();
    client
        .chat_action(&chat, postpress::ChatAction::SetReadStatus(true))
        .await
        .unwrap();

    // Deliveries are concurrent: their order of arrival is not the order of the events.
    let heard = events(&messages, 4).await;
    let mut keys: Vec<String> = heard.iter().map(Event::dedupe_key).collect();
    keys.sort();
    let second = second["message_id"].as_str().unwrap();
    // The reaction's key names who reacted: the account's own provider id.
    let reacted = keys
        .iter()
        .position(|k| k.starts_with(&format!("message_reaction:{inbound}:👍:")))
        .expect("a reaction keyed by message, emoji and sender");
    assert!(keys.remove(reacted).len() > format!("message_reaction:{inbound}:👍:").len());
    let mut expected = vec![
        format!("message_received:{inbound}"),
        format!("message_received:{second}"),
        format!("message_read:{second}"),
    ];
    expected.sort();
    assert_eq!(keys, expected);
    let first = heard
        .iter()
        .find_map(|e| match e {
            Event::MessageReceived(m) if m.message_id == inbound => Some(m),
            _ => None,
        })
        .unwrap();
    assert_eq!(first.message.as_deref(), Some("Is my order on its way?"));
    assert_eq!(first.chat_id, chat);
    assert_eq!(first.webhook_name.as_deref(), Some("e2e"));
    let reaction = heard
        .iter()
        .find_map(|e| match e {
            Event::MessageReaction(m) => Some(m),
            _ => None,
        })
        .unwrap();
    assert_eq!(reaction.reaction.as_deref(), Some("👍"));

    // A wrong secret reads nothing.
    let delivered = &messages.received_requests().await.unwrap()[0];
    assert_eq!(
        Verifier::new(HEADER, "whsec_wrong").event(&delivered.headers, &delivered.body),
        Err(WebhookError::Unauthenticated)
    );

    let account = client.list_accounts().await.unwrap().items.len();
    assert!(account >= 1);
    let chat_account = fake.chat(&chat).unwrap().account_id;
    assert_eq!(fake.account_status(&chat_account, "CREDENTIALS"), Some(1));
    client.delete_account(&chat_account).await.unwrap();
    let statuses = events(&statuses, 2).await;
    let messages_of: Vec<String> = statuses
        .iter()
        .map(|e| match e {
            Event::AccountStatus(s) => s.account_status.message.to_string(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(messages_of, ["CREDENTIALS", "DELETED"]);

    // Deleted: nothing more is delivered.
    client.delete_webhook(&created.webhook_id).await.unwrap();
    let before = messages.received_requests().await.unwrap().len();
    let other = fake.add_chat(Provider::WhatsApp);
    fake.inbound(&other, "after").unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(messages.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_the_event_three_times_with_one_dedupe_key() {
    let fake = fake().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .with_priority(2)
        .mount(&server)
        .await;
    fake.client()
        .create_webhook()
        .request_url(format!("{}/hook", server.uri()))
        .source("messaging")
        .headers(secret_header())
        .await
        .unwrap();
    let chat = fake.add_chat(Provider::LinkedIn);
    fake.inbound(&chat, "hello").unwrap();
    let events = events(&server, 3).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3,
        "delivered until answered 200"
    );
    let keys: Vec<String> = events.iter().map(Event::dedupe_key).collect();
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
}

#[tokio::test]
async fn a_form_webhook_and_a_hosted_link_deliver_too() {
    let fake = fake().await;
    let client = fake.client();
    let forms = receiver(200).await;
    client
        .create_webhook()
        .request_url(format!("{}/hook", forms.uri()))
        .source("messaging")
        .format("form")
        .headers(secret_header())
        .await
        .unwrap();
    let chat = fake.add_chat(Provider::Telegram);
    fake.inbound(&chat, "123").unwrap();
    let events = events(&forms, 1).await;
    let Event::MessageReceived(message) = &events[0] else {
        panic!("{:?}", events[0])
    };
    assert_eq!(message.message.as_deref(), Some("123"), "a form field is text");

    let notified = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&notified)
        .await;
    let link = client
        .create_hosted_auth_link()
        .r#type("create")
        .providers(vec!["LINKEDIN".to_string()])
        .api_url(fake.base_url())
        .expires_on("2026-12-31T23:59:59.999Z")
        .notify_url(format!("{}/accounts", notified.uri()))
        .name("user-42")
        .await
        .unwrap();
    let opened = reqwest::get(&link.url).await.unwrap();
    assert_eq!(opened.status(), 200);
    for _ in 0..100 {
        if !notified.received_requests().await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let received = &notified.received_requests().await.unwrap()[0];
    let Event::AccountConnected(connected) = Event::from_json(&received.body).unwrap() else {
        panic!("not account_connected")
    };
    assert_eq!(connected.name.as_deref(), Some("user-42"));
    assert!(client.get_account(&connected.account_id).await.is_ok());
}
