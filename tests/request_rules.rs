//! The request rules the spec states (since 2.0.0), each held on the way out (the SDK refuses a
//! request that breaks one before sending it) and on the way in (the fake refuses what the spec
//! refuses and takes what it allows): a message carries text or a file (`anyOf` of `required`), a
//! chat action takes the value its action says (`oneOf` by `action`), closed forms and bodies name
//! every field (`additionalProperties: false`), a webhook's events are the spec's (`enum`); the
//! bodies the spec leaves open take properties it does not name, and a union of one-property
//! objects keeps the other properties a value has.

use postpress::fake::{FakeServer, Provider};
use postpress::operations::OperationId;
use postpress::requests::AnyRequest;
use postpress::{ChatAction, Error, Outcome, types};
use serde_json::{Value, json};

fn no_files(field: &str, _: &str) -> Result<postpress::Upload, String> {
    Err(format!("{field}: no files here"))
}

fn arguments(value: Value) -> serde_json::Map<String, Value> {
    let Value::Object(map) = value else {
        panic!("not an object")
    };
    map
}

/// Refused before sending: an `InvalidInput` whose message holds `says`, and nothing sent.
fn refused_before_sending(error: Error, says: &str) {
    match &error {
        Error::InvalidInput(invalid) => assert!(invalid.message.contains(says), "{error}"),
        other => panic!("not refused before sending: {other:?}"),
    }
    assert_eq!(error.outcome(), Outcome::NotApplied);
}

/// The status the fake answers a raw request with.
async fn status(request: reqwest::RequestBuilder, fake: &FakeServer) -> u16 {
    request
        .header("x-api-key", fake.api_key())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_chat_action_takes_the_value_its_action_says() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let client = fake.client();
    fake.clear_requests();

    let error = client
        .chat_action(&chat, ChatAction::SetLabel(String::new()))
        .await
        .unwrap_err();
    refused_before_sending(error, "body");
    let mismatched = json!({"chat_id": chat, "body": {"action": "setReadStatus", "value": "yes"}});
    let error = match AnyRequest::from_json(&client, OperationId::PatchChat, arguments(mismatched), &no_files) {
        Ok(request) => request.send().await.unwrap_err(),
        Err(error) => error,
    };
    refused_before_sending(error, "body");
    assert!(fake.requests().is_empty(), "nothing reached the fake");

    let http = reqwest::Client::new();
    let url = format!("{}/chats/{chat}", fake.base_url());
    for (body, expected) in [
        (json!({"action": "setLabel", "value": ""}), 400),
        (json!({"action": "setReadStatus", "value": "yes"}), 400),
        (json!({"action": "setMuteStatus", "value": true}), 200),
        (json!({"action": "setLabel", "value": "VIP"}), 200),
    ] {
        assert_eq!(status(http.patch(&url).json(&body), &fake).await, expected, "{body}");
    }
}

#[tokio::test]
async fn a_message_carries_text_or_a_file() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let client = fake.client();
    fake.clear_requests();
    let empty = json!({"chat_id": chat, "account_id": "acc_1"});
    let error = match AnyRequest::from_json(&client, OperationId::SendMessage, arguments(empty), &no_files) {
        Ok(request) => request.send().await.unwrap_err(),
        Err(error) => error,
    };
    refused_before_sending(
        error,
        "one of text, attachments, voice_message, video_message is required",
    );
    assert!(fake.requests().is_empty(), "nothing reached the fake");

    let http = reqwest::Client::new();
    let url = format!("{}/chats/{chat}/messages", fake.base_url());
    let form = || reqwest::multipart::Form::new();
    assert_eq!(
        status(http.post(&url).multipart(form().text("text", "")), &fake).await,
        422
    );
    assert_eq!(
        status(http.post(&url).multipart(form().text("text", "hi")), &fake).await,
        201
    );
    // The form is closed: a part it does not name is refused.
    let extra = form().text("text", "hi").text("bogus", "1");
    assert_eq!(status(http.post(&url).multipart(extra), &fake).await, 400);
}

#[tokio::test]
async fn closed_bodies_refuse_what_they_do_not_name_and_open_ones_ignore_it() {
    let fake = FakeServer::start().await;
    let http = reqwest::Client::new();
    let link = format!("{}/hosted/accounts/link", fake.base_url());
    let hosted = json!({
        "type": "create", "providers": ["WHATSAPP"], "api_url": "https://api.example.com",
        "expiresOn": "2026-12-31T23:59:59.999Z",
    });
    assert_eq!(status(http.post(&link).json(&hosted), &fake).await, 201);
    let mut extra = hosted.clone();
    extra["unnamed"] = json!(1);
    assert_eq!(status(http.post(&link).json(&extra), &fake).await, 400, "closed");

    let hooks = format!("{}/webhooks", fake.base_url());
    let webhook = json!({"request_url": "https://example.com/hook", "source": "messaging", "unnamed": {"a": 1}});
    assert_eq!(status(http.post(&hooks).json(&webhook), &fake).await, 201, "open");
    let mut events = webhook.clone();
    events["events"] = json!(["message_received"]);
    assert_eq!(status(http.post(&hooks).json(&events), &fake).await, 201);
    events["events"] = json!(["not_an_event"]);
    assert_eq!(
        status(http.post(&hooks).json(&events), &fake).await,
        400,
        "not in the enum"
    );

    // The SDK refuses an event the spec does not list before sending it.
    fake.clear_requests();
    let error = fake
        .client()
        .create_webhook()
        .request_url("https://example.com/hook")
        .source(types::CreateWebhookRequestSource::Messaging)
        .events("not_an_event")
        .await
        .unwrap_err();
    refused_before_sending(error, "events");
    assert!(fake.requests().is_empty(), "nothing reached the fake");
}

#[tokio::test]
async fn a_form_list_of_objects_may_come_as_one_json_part() {
    let fake = FakeServer::start().await;
    let account = fake.add_account(Provider::LinkedIn);
    let mention = json!([{"name": "Ada", "profile_id": "ACoAAB1x2y3z", "is_company": false}]);
    let form = reqwest::multipart::Form::new()
        .text("account_id", account)
        .text("text", "Welcome, Ada!")
        .part(
            "mentions",
            reqwest::multipart::Part::text(mention.to_string())
                .mime_str("application/json")
                .unwrap(),
        );
    let url = format!("{}/posts", fake.base_url());
    let http = reqwest::Client::new();
    assert_eq!(status(http.post(&url).multipart(form), &fake).await, 201);
    // The form is closed: a part it does not name is refused.
    let account = fake.add_account(Provider::LinkedIn);
    let extra = reqwest::multipart::Form::new()
        .text("account_id", account)
        .text("text", "Hello")
        .text("bogus", "1");
    assert_eq!(status(http.post(&url).multipart(extra), &fake).await, 400);
}

#[test]
fn a_union_of_one_property_objects_keeps_the_other_properties() {
    let company: types::CreateJobPostingRequestCompany =
        serde_json::from_value(json!({"text": "Acme", "note": 1})).unwrap();
    assert!(matches!(company, types::CreateJobPostingRequestCompany::Text { ref text } if text == "Acme"));
    let budget: types::PromotedJobPostingBudget =
        serde_json::from_value(json!({"daily": {"amount": 5.0, "currency": "EUR"}, "note": true})).unwrap();
    assert!(matches!(budget, types::PromotedJobPostingBudget::Daily { .. }));
    assert_eq!(
        serde_json::to_value(&budget).unwrap(),
        json!({"daily": {"amount": 5.0, "currency": "EUR"}})
    );
}
