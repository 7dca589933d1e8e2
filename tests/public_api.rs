//! Promises of the public API that the compiler checks: what can cross threads, and how users
//! build response values for their own tests (the structs are `#[non_exhaustive]`).

use postpress::types::{self, Message, MessageSent};
use postpress::{Client, Error, Upload};

fn send_sync<T: Send + Sync>() {}
fn send<T: Send>(_: &T) {}

#[test]
fn the_client_its_errors_and_every_future_can_cross_threads() {
    send_sync::<Client>();
    send_sync::<Error>();
    send_sync::<postpress::Response<Message>>();
    send_sync::<Upload>();
    let client = Client::builder().api_key("pp_test").build().unwrap();
    send(&std::future::IntoFuture::into_future(client.get_message("msg_1")));
    send(&std::future::IntoFuture::into_future(
        client.forward_message("msg_1", "chat_1"),
    ));
    send(&std::future::IntoFuture::into_future(
        client.add_reaction("msg_1", "👍"),
    ));
    send(&std::future::IntoFuture::into_future(
        client.chat_action("chat_1", postpress::ChatAction::SetLabel("x".into())),
    ));
    send(&client.get_message("msg_1").with_metadata());
    send(&client.invite_link("chat_1"));
    send(&client.send_message("chat_1").text("hi").send());
    send(&client.send_message("chat_1").text("hi").send_with_metadata());
}

fn owned<T: Send + 'static>(_: &T) {}

/// A request holds a clone of its client and its values: built in one function, stored, moved
/// into a task and awaited there.
#[tokio::test]
async fn requests_are_owned_and_can_be_spawned() {
    fn build(client: &Client) -> postpress::requests::GetMessage {
        let id = String::from("msg_1");
        client.get_message(&id) // `id` is dropped here; the request keeps its own copy.
    }
    let fake = postpress::fake::FakeServer::start().await;
    let chat = fake.add_chat(postpress::fake::Provider::WhatsApp);
    let message = fake.add_message(&chat, "hello").unwrap();
    let client = fake.client();
    let request = build(&client);
    owned(&request);
    owned(&client.send_message("chat_1").text("hi"));
    owned(&client.patch_chat("chat_1"));
    owned(&client.invite_link("chat_1"));
    drop(request);
    // Ids of the crate's own answers are path arguments as they are.
    let got = client.get_message(&message);
    let got = tokio::spawn(async move { got.await }).await.unwrap().unwrap();
    let again = client.get_message(&got.id).await.unwrap();
    assert_eq!(again.chat_id, got.chat_id);
    client
        .chat_action(&got.chat_id, postpress::ChatAction::SetReadStatus(true))
        .await
        .unwrap();
}

#[test]
fn response_values_are_built_with_builders() {
    let sent: MessageSent = MessageSent::builder()
        .object(types::MessageSentObject::MessageSent)
        .message_id("msg_1")
        .try_into()
        .expect("every required field is set");
    assert_eq!(sent.message_id, "msg_1");

    // A missing required field is an error naming it, not a half-built value.
    let missing = MessageSent::builder().message_id("msg_1");
    let error = types::MessageSent::try_from(missing).unwrap_err();
    assert!(error.to_string().contains("object"), "{error}");

    // A value can be changed through its builder too.
    let changed: MessageSent = types::builder::MessageSent::from(sent)
        .message_id("msg_2")
        .try_into()
        .unwrap();
    assert_eq!(changed.message_id, "msg_2");
}

/// docs.rs documents the features users need (the fake server, the JsonSchema derives) and passes
/// the `docsrs` cfg that turns on `doc(cfg)` badges: what `cargo metadata` reads from the manifest,
/// as docs.rs does.
#[test]
fn docs_rs_metadata_asks_for_the_features_users_need() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let package = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "postpress")
        .expect("the postpress package");
    let docs_rs = &package["metadata"]["docs"]["rs"];
    let strings = |list: &'_ serde_json::Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::to_string)
            .collect()
    };
    let features = strings(&docs_rs["features"]);
    for feature in ["fake", "schemars"] {
        assert!(
            features.iter().any(|f| f == feature),
            "docs.rs builds without {feature}: {features:?}"
        );
        assert!(
            package["features"].get(feature).is_some(),
            "{feature} is a feature of the crate"
        );
    }
    assert_eq!(strings(&docs_rs["rustdoc-args"]), ["--cfg", "docsrs"]);
}
