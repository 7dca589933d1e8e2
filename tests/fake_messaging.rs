//! The fake keeps chats, attendees, messages and attachments as state: what a user starts, sends
//! or seeds is what the lists, gets and downloads return, through the SDK, with every answer valid
//! against `openapi.yaml`; pages walked with `.items()` see each item once while messages arrive.

mod common;

use futures_util::StreamExt;
use postpress::fake::{FakeServer, Provider};
use postpress::{Client, Error, Upload};
use serde_json::Value;

/// GETs `path` from the fake as raw JSON and checks it against the spec's `schema`.
async fn valid(fake: &FakeServer, path: &str, schema: &str) -> Value {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", fake.base_url()))
        .header("x-api-key", fake.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let body: Value = response.json().await.unwrap();
    common::assert_valid(&common::spec(), schema, &body);
    body
}

async fn all_messages(client: &Client, chat: &str, limit: i64) -> Vec<String> {
    let mut walk = std::pin::pin!(client.list_chat_messages(chat).limit(limit).items());
    let mut ids = Vec::new();
    while let Some(message) = walk.next().await {
        ids.push(message.unwrap().id.to_string());
    }
    ids
}

#[tokio::test]
async fn a_started_chat_is_listed_read_and_its_attachment_downloaded() {
    let fake = FakeServer::start().await;
    let account = fake.add_account(Provider::WhatsApp);
    let client = fake.client();
    let pdf = b"%PDF-1.4 the bytes that were sent".to_vec();
    let started = client
        .start_chat()
        .account_id(&account)
        .attendees_ids("33612345678@s.whatsapp.net")
        .text("Hello")
        .attachments(Upload::bytes("report.pdf", pdf.clone()).content_type("application/pdf"))
        .await
        .unwrap();
    let chat = started.chat_id.clone().expect("a chat id");
    let first = started.message_id.clone().expect("a first message");

    // The chat is in the account's list, and reads back with its last message.
    let chats = client.list_chats().account_id(&account).await.unwrap();
    assert_eq!(chats.items.len(), 1);
    assert_eq!(chats.items[0].id.as_str(), chat);
    valid(&fake, &format!("/chats?account_id={account}"), "ChatList").await;
    let read = valid(&fake, &format!("/chats/{chat}"), "ChatDetails").await;
    assert_eq!(read["lastMessage"]["id"], first.as_str());
    let typed = client.get_chat(&chat).await.unwrap();
    assert_eq!(typed.account_id.as_str(), account);

    // Its attendees: the account's own and the person it was started with.
    let attendees = client.list_chat_attendees(&chat).await.unwrap();
    let people: Vec<&str> = attendees.items.iter().map(|a| a.provider_id.as_str()).collect();
    assert!(people.contains(&"33612345678@s.whatsapp.net"), "{people:?}");
    valid(&fake, &format!("/chats/{chat}/attendees"), "ChatAttendeeList").await;
    let peer = attendees
        .items
        .iter()
        .find(|a| a.provider_id == "33612345678@s.whatsapp.net")
        .unwrap();
    let peer_id = peer.id.to_string();
    valid(&fake, &format!("/chat_attendees/{peer_id}"), "ChatAttendee").await;
    let their_chats = client.list_attendee_chats(&peer_id).await.unwrap();
    assert_eq!(their_chats.items.len(), 1);
    let picture = client.get_attendee_picture(&peer_id).await.unwrap();
    assert!(picture.bytes().await.unwrap().starts_with(b"\x89PNG"));

    // The first message, its attachment's bytes as uploaded, and a reply from them.
    let messages = client.list_chat_messages(&chat).await.unwrap();
    assert_eq!(messages.items.len(), 1);
    let postpress::types::Attachment::File(attachment) = &messages.items[0].attachments[0] else {
        panic!("a PDF is a file attachment: {:?}", messages.items[0].attachments);
    };
    let attachment = attachment.id.to_string();
    let file = client.get_attachment(&first, &attachment).await.unwrap();
    assert_eq!(file.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let missing = client.get_attachment(&first, "att_none").await.unwrap_err();
    assert_eq!(missing.status(), Some(404));

    let reply = fake.add_message(&chat, "Got it").unwrap();
    let theirs = client.list_attendee_messages(&peer_id).await.unwrap();
    let ids: Vec<&str> = theirs.items.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [reply.as_str()], "the messages the attendee sent");
    valid(&fake, &format!("/messages?account_id={account}"), "MessageList").await;
    let sync = client.sync_chat(&chat).await.unwrap();
    assert_eq!(sync.chat_id.as_str(), chat);

    // An account that does not exist starts nothing.
    let refused = client
        .start_chat()
        .account_id("acc_none")
        .attendees_ids("x")
        .text("hi")
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(404));
}

#[tokio::test]
async fn lists_are_newest_first_and_filtered() {
    let fake = FakeServer::start().await;
    let whatsapp = fake.add_chat(Provider::WhatsApp);
    let linkedin = fake.add_chat(Provider::LinkedIn);
    let older = fake.add_message(&whatsapp, "older").unwrap();
    let newer = fake.add_message(&whatsapp, "newer").unwrap();
    let elsewhere = fake.add_message(&linkedin, "elsewhere").unwrap();
    let client = fake.client();

    let page = client.list_chat_messages(&whatsapp).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [newer.as_str(), older.as_str()]);
    assert_eq!(page.cursor, None, "one page");

    let all = client.list_messages().await.unwrap();
    let ids: Vec<&str> = all.items.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [elsewhere.as_str(), newer.as_str(), older.as_str()]);

    let linkedin_only = client.list_chats().account_type("LINKEDIN").await.unwrap();
    let ids: Vec<&str> = linkedin_only.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [linkedin.as_str()]);
    let unread = client.list_chats().unread(true).await.unwrap();
    assert_eq!(unread.items.len(), 2, "the other side's messages are unread");
    let future = client.list_messages().after("2999-01-01T00:00:00.000Z").await.unwrap();
    assert!(future.items.is_empty());

    // A cursor this server never handed out names no page.
    let error = client.list_messages().cursor("not-a-cursor").await.unwrap_err();
    assert!(matches!(&error, Error::Api(api) if api.status == 404), "{error}");
}

#[tokio::test]
async fn a_walk_sees_every_earlier_message_once_while_new_ones_arrive() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let mut sent: Vec<String> = (0..250)
        .map(|i| fake.add_message(&chat, &format!("m{i}")).unwrap())
        .collect();
    let client = fake.client();
    assert_eq!(all_messages(&client, &chat, 7).await.len(), 250);

    // Messages sent between pages land before every cursor already handed out.
    let mut walk = std::pin::pin!(client.list_chat_messages(&chat).limit(9).items());
    let mut seen = Vec::new();
    while let Some(message) = walk.next().await {
        seen.push(message.unwrap().id.to_string());
        if seen.len() % 20 == 0 {
            fake.add_message(&chat, "arrived during the walk").unwrap();
        }
    }
    sent.reverse();
    assert_eq!(seen, sent, "every earlier message exactly once, newest first");
}

/// A bound inside a JSON form part (start_chat's `linkedin.follow_up.scheduled_time.weeks`, which
/// the generated type holds as a plain number) is checked before anything is sent: by the SDK, by
/// `AnyRequest` (the CLI's and `postpress mcp`'s way in) and by the fake, which answers a client
/// that skipped the check as the API would.
#[tokio::test]
async fn a_bound_inside_a_json_part_is_checked_before_sending() {
    let fake = FakeServer::start().await;
    let account = fake.add_account(Provider::LinkedIn);
    let client = fake.client();
    let recruiter = |schedule: Value| {
        serde_json::json!({
            "api": "recruiter",
            "follow_up": {"subject": "Following up", "text": "Any news?", "scheduled_time": schedule},
        })
    };
    let typed = |options: Value| -> postpress::types::StartChatLinkedinOptions {
        serde_json::from_value(options).expect("the type itself takes any number")
    };
    let start = |options: Value| {
        client
            .start_chat()
            .account_id(&account)
            .attendees_ids("ACoAAA1")
            .text("Hello")
            .linkedin(typed(options))
    };

    for (schedule, refusal) in [
        (
            serde_json::json!({"weeks": 10, "timezone": "Europe/Paris"}),
            "linkedin.follow_up.scheduled_time.weeks is 10, it must be at most 4",
        ),
        (
            serde_json::json!({"days": 1, "timezone": "Europe/Paris"}),
            "linkedin.follow_up.scheduled_time.days is 1, it must be at least 3",
        ),
    ] {
        let error = start(recruiter(schedule.clone())).await.unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput(e) if e.message == refusal),
            "{error:?}"
        );
        assert_eq!(error.outcome(), postpress::Outcome::NotApplied);

        let arguments = serde_json::json!({
            "account_id": account, "attendees_ids": ["ACoAAA1"], "text": "Hello",
            "linkedin": recruiter(schedule.clone()),
        });
        let Value::Object(arguments) = arguments else {
            unreachable!()
        };
        let open = |_: &str, _: &str| Err("no file".to_string());
        let from_json = postpress::requests::AnyRequest::from_json(
            &client,
            postpress::operations::OperationId::StartChat,
            arguments,
            &open,
        );
        let Err(Error::InvalidInput(error)) = from_json else {
            panic!("AnyRequest took {refusal}");
        };
        assert!(error.message.contains(refusal), "{error}");

        // A client that does not check: the fake refuses the form as the API would.
        let form = reqwest::multipart::Form::new()
            .text("account_id", account.clone())
            .text("attendees_ids", "ACoAAA1")
            .text("text", "Hello")
            .part(
                "linkedin",
                reqwest::multipart::Part::text(recruiter(schedule).to_string())
                    .mime_str("application/json")
                    .unwrap(),
            );
        let answer = reqwest::Client::new()
            .post(format!("{}/chats", fake.base_url()))
            .header("x-api-key", fake.api_key())
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400);
        let problem: Value = answer.json().await.unwrap();
        assert!(problem["detail"].as_str().unwrap().contains(refusal), "{problem}");
    }
    let reached: Vec<u16> = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.status)
        .collect();
    assert_eq!(reached, [400, 400], "only the unchecked forms reached the fake");

    // Within bounds, by days or by weeks, the chat starts.
    for schedule in [
        serde_json::json!({"weeks": 4, "timezone": "Europe/Paris"}),
        serde_json::json!({"days": 3, "timezone": "Europe/Paris"}),
    ] {
        let started = start(recruiter(schedule)).await.unwrap();
        assert!(started.chat_id.is_some());
    }
}
