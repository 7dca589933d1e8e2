//! Quickstart: the generated client against a local server that answers with the spec's own
//! examples, so it runs on a fresh machine with no account.
//!
//! ```sh
//! cargo run --example quickstart
//! ```

use postpress::api::{Client, Hooks};
use postpress::types;
use serde_json::Value;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The first example of the success response of `op` in `openapi.yaml`.
fn spec_example(spec: &Value, path: &str, op: &str, status: &str) -> Value {
    let media = &spec["paths"][path][op]["responses"][status]["content"]["application/json"];
    match media.get("example") {
        Some(example) => example.clone(),
        None => media["examples"]
            .as_object()
            .and_then(|e| e.values().next())
            .expect("an example")["value"]
            .clone(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spec: Value = serde_yaml::from_str(include_str!("../openapi.yaml"))?;
    let server = MockServer::start().await;
    for (verb, pattern, path, op) in [
        ("GET", r"^/messages/[^/]+$", "/messages/{message_id}", "get"),
        (
            "POST",
            r"^/messages/[^/]+/forward$",
            "/messages/{message_id}/forward",
            "post",
        ),
        (
            "POST",
            r"^/messages/[^/]+/reaction$",
            "/messages/{message_id}/reaction",
            "post",
        ),
        ("PATCH", r"^/chats/[^/]+$", "/chats/{chat_id}", "patch"),
    ] {
        let body = spec_example(&spec, path, op, "200");
        Mock::given(method(verb))
            .and(path_regex(pattern))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    println!("local server on {}", server.uri());

    // rustls needs a crypto provider; the SDK uses ring (no OpenSSL, no aws-lc build).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = Client::new_with_client(
        &server.uri(),
        reqwest::Client::new(),
        Hooks::new(Some("pp_test_quickstart"))?,
    );

    let message = client
        .get_message("msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR")
        .await?
        .into_inner();
    println!(
        "get_message: {} from {} says {:?}",
        message.id.as_str(),
        message.sender_id,
        message.text
    );

    let forward = types::ForwardMessageRequest {
        chat_id: "chat_01HXYZ4QK3WJ8FN3M6QH7TZ8GR".into(),
    };
    let forwarded = client
        .forward_message(message.id.as_str(), &forward)
        .await?
        .into_inner();
    println!("forward_message: new message id {:?}", forwarded.message_id);

    let reaction = types::AddReactionRequest {
        reaction: "👍".into(),
    };
    let added = client
        .add_reaction(message.id.as_str(), &reaction)
        .await?
        .into_inner();
    println!("add_reaction: success = {}", added.success);

    let action = types::ChatActionRequest::WithValue(types::ChatActionWithValue {
        action: types::ChatActionWithValueAction::SetReadStatus,
        value: types::ChatActionValue::Boolean(true),
    });
    let patched = client
        .patch_chat(&message.chat_id, &action)
        .await?
        .into_inner();
    println!("patch_chat setReadStatus: {:?}", patched.object);
    Ok(())
}
