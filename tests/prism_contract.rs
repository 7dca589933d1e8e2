//! Contract test against Prism serving `openapi.yaml` with request validation.
//! Run through `.ci/prism-contract`, which starts Prism and sets `POSTPRESS_PRISM_URL`. Prism runs
//! with `--errors`, so a request that breaks the spec gets an error answer, which fails the call.

fn prism_url() -> String {
    std::env::var("POSTPRESS_PRISM_URL").expect("POSTPRESS_PRISM_URL is not set: run .ci/prism-contract")
}

#[tokio::test]
#[ignore = "needs Prism: run .ci/prism-contract"]
async fn prism_accepts_what_the_client_sends_including_multipart() {
    let client = postpress::Client::builder()
        .api_key("pp_contract_key")
        .base_url(prism_url())
        .max_retries(0)
        .build()
        .unwrap();
    // Prism (5.16) never reads multipart parts as an array: even one `attachments` part fails its
    // validation with "attachments must be array". So the binary path is checked here through the
    // single-file fields; repeated `attachments` parts are checked with multer in tests/send.rs.
    let sent = client
        .send_message("chat_01HXYZ4QK3WJ8FN3M6QH7TZ8GR")
        .text("Got it - thanks!")
        .account_id("acc_01HXYZ4QK3WJ8FN3M6QH7TZ8GR")
        .typing_duration("2")
        .voice_message(postpress::Upload::bytes("note.ogg", &b"OggS"[..]))
        .video_message(postpress::Upload::bytes("clip.mp4", &b"mp4"[..]))
        .send()
        .await
        .expect("Prism accepts the multipart send");
    assert_eq!(sent.message_id, "msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR");
    let sent = client
        .send_message("chat_01HXYZ4QK3WJ8FN3M6QH7TZ8GR")
        .text("text only")
        .send()
        .await
        .expect("text only");
    assert_eq!(sent.message_id, "msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR");
    let message = client
        .get_message("msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR")
        .await
        .expect("get_message");
    client
        .forward_message(message.id.as_str(), "chat_01HXYZ4QK3WJ8FN3M6QH7TZ8GR")
        .await
        .expect("forward");
    client.add_reaction(message.id.as_str(), "👍").await.expect("reaction");
    assert_eq!(message.object, postpress::types::MessageObject::Message);
    // Prism answers with the spec's example, which has no invite_link: only acceptance is checked.
    client
        .chat_action("chat_01HXYZ4QK3WJ8FN3M6QH7TZ8GR", postpress::ChatAction::GetInviteLink)
        .await
        .expect("getInviteLink");
    for action in [
        postpress::ChatAction::SetReadStatus(true),
        postpress::ChatAction::SetArchiveStatus(false),
        postpress::ChatAction::AddParticipant("334455667788@s.whatsapp.net".into()),
        postpress::ChatAction::RemoveParticipant("334455667788@s.whatsapp.net".into()),
    ] {
        client
            .chat_action("chat_01HXYZ4QK3WJ8FN3M6QH7TZ8GR", action)
            .await
            .expect("chat action");
    }
}

/// Without these, a Prism that validated nothing would pass the test above.
#[tokio::test]
#[ignore = "needs Prism: run .ci/prism-contract"]
async fn prism_rejects_requests_that_break_the_spec() {
    let http = reqwest::Client::new();
    let url = format!("{}/messages/msg_1", prism_url());
    let no_key = http.get(&url).send().await.unwrap();
    assert_eq!(no_key.status().as_u16(), 401, "a request without X-API-KEY");

    let url = format!("{}/chats/chat_1", prism_url());
    let bad_action = http
        .patch(&url)
        .header("x-api-key", "k")
        .json(&serde_json::json!({"action": "deleteEverything", "value": 1}))
        .send()
        .await
        .unwrap();
    assert!(
        bad_action.status().is_client_error(),
        "an action the spec does not list: {}",
        bad_action.status()
    );
}
