//! Every example in `openapi.yaml` decodes into the generated type of its schema, validates against
//! that schema, and re-encodes to the same JSON, which validates too. The page examples decode, and
//! the request bodies the SDK builds encode to what the pages show.

mod common;

use postpress::types;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

fn roundtrip<T: DeserializeOwned + Serialize>(spec: &Value, schema: &str, example: &Value) {
    common::assert_valid(spec, schema, example);
    let typed: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("example of {schema} does not decode: {e}\n{example:#}"));
    let encoded = serde_json::to_value(&typed).expect("encode");
    common::assert_valid(spec, schema, &encoded);
    assert_eq!(
        common::normalize(&encoded),
        common::normalize(example),
        "{schema} does not re-encode to its example"
    );
}

/// Decodes and re-encodes `example` with the generated type of `schema`. A schema this table does
/// not know fails the test, so a new schema cannot go untested.
fn check(spec: &Value, schema: &str, example: &Value) {
    match schema {
        "Message" => roundtrip::<types::Message>(spec, schema, example),
        "MessageSent" => roundtrip::<types::MessageSent>(spec, schema, example),
        "MessageForwarded" => roundtrip::<types::MessageForwarded>(spec, schema, example),
        "MessageReactionAdded" => roundtrip::<types::MessageReactionAdded>(spec, schema, example),
        "ChatPatched" => roundtrip::<types::ChatPatched>(spec, schema, example),
        "ForwardMessageRequest" => roundtrip::<types::ForwardMessageRequest>(spec, schema, example),
        "AddReactionRequest" => roundtrip::<types::AddReactionRequest>(spec, schema, example),
        "ChatActionRequest" => roundtrip::<types::ChatActionRequest>(spec, schema, example),
        "SendMessageRequest" => roundtrip::<types::SendMessageRequest>(spec, schema, example),
        "ErrorEnvelope" => roundtrip::<types::ErrorEnvelope>(spec, schema, example),
        "Chat" => roundtrip::<types::Chat>(spec, schema, example),
        "ChatDetails" => roundtrip::<types::ChatDetails>(spec, schema, example),
        "ChatList" => roundtrip::<types::ChatList>(spec, schema, example),
        "MessageList" => roundtrip::<types::MessageList>(spec, schema, example),
        "ChatAttendee" => roundtrip::<types::ChatAttendee>(spec, schema, example),
        "ChatAttendeeList" => roundtrip::<types::ChatAttendeeList>(spec, schema, example),
        "ChatStarted" => roundtrip::<types::ChatStarted>(spec, schema, example),
        "ChatHistorySync" => roundtrip::<types::ChatHistorySync>(spec, schema, example),
        "StartChatRequest" => roundtrip::<types::StartChatRequest>(spec, schema, example),
        "AccountList" => roundtrip::<types::AccountList>(spec, schema, example),
        "Account" => roundtrip::<types::Account>(spec, schema, example),
        "AccountDeleted" => roundtrip::<types::AccountDeleted>(spec, schema, example),
        "HostedAuthLinkRequest" => roundtrip::<types::HostedAuthLinkRequest>(spec, schema, example),
        "HostedAuthLink" => roundtrip::<types::HostedAuthLink>(spec, schema, example),
        "WebhookList" => roundtrip::<types::WebhookList>(spec, schema, example),
        "CreateWebhookRequest" => roundtrip::<types::CreateWebhookRequest>(spec, schema, example),
        "WebhookCreated" => roundtrip::<types::WebhookCreated>(spec, schema, example),
        "WebhookDeleted" => roundtrip::<types::WebhookDeleted>(spec, schema, example),
        // The LinkedIn parts (users, posts, linkedin).
        "OwnProfile" => roundtrip::<types::OwnProfile>(spec, schema, example),
        "EditOwnProfileRequest" => roundtrip::<types::EditOwnProfileRequest>(spec, schema, example),
        "OwnProfileEdited" => roundtrip::<types::OwnProfileEdited>(spec, schema, example),
        "UserProfile" => roundtrip::<types::UserProfile>(spec, schema, example),
        "RelationList" => roundtrip::<types::RelationList>(spec, schema, example),
        "FollowerList" => roundtrip::<types::FollowerList>(spec, schema, example),
        "SendInvitationRequest" => roundtrip::<types::SendInvitationRequest>(spec, schema, example),
        "InvitationSentResult" => roundtrip::<types::InvitationSentResult>(spec, schema, example),
        "SentInvitationList" => roundtrip::<types::SentInvitationList>(spec, schema, example),
        "InvitationCancelled" => roundtrip::<types::InvitationCancelled>(spec, schema, example),
        "ReceivedInvitationList" => roundtrip::<types::ReceivedInvitationList>(spec, schema, example),
        "HandleInvitationRequest" => roundtrip::<types::HandleInvitationRequest>(spec, schema, example),
        "InvitationHandled" => roundtrip::<types::InvitationHandled>(spec, schema, example),
        "PostList" => roundtrip::<types::PostList>(spec, schema, example),
        "UserCommentList" => roundtrip::<types::UserCommentList>(spec, schema, example),
        "UserReactionList" => roundtrip::<types::UserReactionList>(spec, schema, example),
        "Post" => roundtrip::<types::Post>(spec, schema, example),
        "CreatePostRequest" => roundtrip::<types::CreatePostRequest>(spec, schema, example),
        "PostCreated" => roundtrip::<types::PostCreated>(spec, schema, example),
        "CommentList" => roundtrip::<types::CommentList>(spec, schema, example),
        "SendCommentRequest" => roundtrip::<types::SendCommentRequest>(spec, schema, example),
        "CommentSent" => roundtrip::<types::CommentSent>(spec, schema, example),
        "PostReactionList" => roundtrip::<types::PostReactionList>(spec, schema, example),
        "AddPostReactionRequest" => roundtrip::<types::AddPostReactionRequest>(spec, schema, example),
        "PostReactionAdded" => roundtrip::<types::PostReactionAdded>(spec, schema, example),
        "SearchResults" => roundtrip::<types::SearchResults>(spec, schema, example),
        "SearchParameterList" => roundtrip::<types::SearchParameterList>(spec, schema, example),
        "CompanyProfile" => roundtrip::<types::CompanyProfile>(spec, schema, example),
        "InmailBalance" => roundtrip::<types::InmailBalance>(spec, schema, example),
        "EndorseProfileRequest" => roundtrip::<types::EndorseProfileRequest>(spec, schema, example),
        "ProfileEndorsed" => roundtrip::<types::ProfileEndorsed>(spec, schema, example),
        "MemberActionRequest" => roundtrip::<types::MemberActionRequest>(spec, schema, example),
        "MemberActionDone" => roundtrip::<types::MemberActionDone>(spec, schema, example),
        "SearchParameters" => roundtrip::<types::SearchParameters>(spec, schema, example),
        "RawDataRequest" => roundtrip::<types::RawDataRequest>(spec, schema, example),
        "RawData" => roundtrip::<types::RawData>(spec, schema, example),
        "HiringProjectList" => roundtrip::<types::HiringProjectList>(spec, schema, example),
        "HiringProject" => roundtrip::<types::HiringProject>(spec, schema, example),
        "JobPostingList" => roundtrip::<types::JobPostingList>(spec, schema, example),
        "JobPosting" => roundtrip::<types::JobPosting>(spec, schema, example),
        "CreateJobPostingRequest" => roundtrip::<types::CreateJobPostingRequest>(spec, schema, example),
        "JobPostingDraft" => roundtrip::<types::JobPostingDraft>(spec, schema, example),
        "EditJobPostingRequest" => roundtrip::<types::EditJobPostingRequest>(spec, schema, example),
        "JobPostingEdited" => roundtrip::<types::JobPostingEdited>(spec, schema, example),
        "PublishJobPostingRequest" => roundtrip::<types::PublishJobPostingRequest>(spec, schema, example),
        "JobPostingPublished" => roundtrip::<types::JobPostingPublished>(spec, schema, example),
        "JobPostingClosed" => roundtrip::<types::JobPostingClosed>(spec, schema, example),
        "SolveCheckpointRequest" => roundtrip::<types::SolveCheckpointRequest>(spec, schema, example),
        "JobApplicantList" => roundtrip::<types::JobApplicantList>(spec, schema, example),
        "JobApplicant" => roundtrip::<types::JobApplicant>(spec, schema, example),
        // Callbacks' payloads (what a webhook receives).
        "MessageEvent" => roundtrip::<types::MessageEvent>(spec, schema, example),
        "AccountStatusEvent" => roundtrip::<types::AccountStatusEvent>(spec, schema, example),
        "AccountConnectedEvent" => roundtrip::<types::AccountConnectedEvent>(spec, schema, example),
        other => panic!("no generated type registered for schema {other}: add it to this table"),
    }
}

/// (where, schema name, example) for every media-type example of the spec, shared responses included.
fn media_examples(spec: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    let mut visit = |place: String, media: &Value| {
        let Some(schema) = media.pointer("/schema/$ref").and_then(Value::as_str) else {
            return;
        };
        let schema = schema.trim_start_matches("#/components/schemas/").to_string();
        if let Some(example) = media.get("example") {
            found.push((place.clone(), schema.clone(), example.clone()));
        }
        for (name, example) in media.get("examples").and_then(Value::as_object).into_iter().flatten() {
            found.push((
                format!("{place} example {name}"),
                schema.clone(),
                example["value"].clone(),
            ));
        }
    };
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            for (ty, media) in op
                .pointer("/requestBody/content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                visit(format!("{method} {path} request {ty}"), media);
            }
            for (status, response) in op["responses"].as_object().expect("responses") {
                for (ty, media) in response.get("content").and_then(Value::as_object).into_iter().flatten() {
                    visit(format!("{method} {path} {status} {ty}"), media);
                }
            }
            // What the API delivers to the URLs the operation is given: a payload's schema is a
            // component, or one narrowed by an allOf (checked here as the component).
            for (name, callback) in op.get("callbacks").and_then(Value::as_object).into_iter().flatten() {
                for (expression, item) in callback.as_object().expect("callback") {
                    for (ty, media) in item
                        .pointer("/post/requestBody/content")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        let mut media = media.clone();
                        if let Some(base) = media.pointer("/schema/allOf/0").cloned() {
                            media["schema"] = base;
                        }
                        visit(format!("{method} {path} callback {name} {expression} {ty}"), &media);
                    }
                }
            }
        }
    }
    for (name, response) in spec["components"]["responses"]
        .as_object()
        .expect("components.responses")
    {
        for (ty, media) in response["content"].as_object().expect("content") {
            visit(format!("components.responses.{name} {ty}"), media);
        }
    }
    found
}

#[test]
fn every_spec_example_roundtrips_through_its_generated_type() {
    let spec = common::spec();
    let examples = media_examples(&spec);
    // 5 operations' own examples + 71 documented error types (6 of them inline 404s).
    assert!(examples.len() >= 85, "found only {} examples", examples.len());
    for (place, schema, example) in &examples {
        eprintln!("checking {place} ({schema})");
        check(&spec, schema, example);
    }
}

#[test]
fn page_example_responses_decode() {
    // Verbatim from the retrieve, send, forward, reaction and chat pages.
    let message: types::Message = serde_json::from_value(json!({
        "object": "Message",
        "id": "msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR",
        "provider_id": "urn:li:msg:2-NTRkZDA4...",
        "account_id": "acc_01HXYZ4QK3WJ8FN3M6QH7TZ8GR",
        "chat_id": "chat_01HXYZ4QK3WJ8FN3M6QH7TZ8GR",
        "chat_provider_id": "2-NTRkZDA4M2QtZDcxZS00YzY5...",
        "sender_id": "ACoAACr-1eYBl...",
        "sender_attendee_id": "att_01HXYZ4QK3WJ8FN3M6QH7TZ8GR",
        "timestamp": "2026-05-17T09:42:11.000Z",
        "text": "Sounds good - let's chat tomorrow.",
        "is_sender": 0,
        "attachments": [],
        "reactions": [],
        "seen": 1,
        "seen_by": { "att_01HXYZ4QK3WJ8FN3M6QH7TZ8GR": true },
        "hidden": 0,
        "deleted": 0,
        "edited": 0,
        "is_event": 0,
        "delivered": 1,
        "behavior": 0,
        "original": "{...raw provider payload...}"
    }))
    .expect("retrieve page example");
    assert_eq!(message.id.as_str(), "msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR");
    assert_eq!(message.text.as_deref(), Some("Sounds good - let's chat tomorrow."));
    assert_eq!(message.is_sender, types::Flag::NO);
    assert_eq!(message.seen, types::Flag::YES);
    assert_eq!(message.behavior, Some(0.0));
    assert_eq!(
        message.seen_by["att_01HXYZ4QK3WJ8FN3M6QH7TZ8GR"],
        types::SeenByValue::Boolean(true)
    );

    let sent: types::MessageSent =
        serde_json::from_value(json!({"object": "MessageSent", "message_id": "msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR"}))
            .unwrap();
    assert_eq!(sent.message_id, "msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR");
    let forwarded: types::MessageForwarded =
        serde_json::from_value(json!({"object": "MessageForwarded", "message_id": "msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR"}))
            .unwrap();
    assert_eq!(forwarded.message_id.as_deref(), Some("msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR"));
    let reacted: types::MessageReactionAdded =
        serde_json::from_value(json!({"object": "MessageReactionAdded", "success": true})).unwrap();
    assert!(reacted.success);
    let patched: types::ChatPatched = serde_json::from_value(json!({"object": "ChatPatched"})).unwrap();
    assert_eq!(patched.invite_link, None);
}

#[test]
fn request_bodies_encode_to_what_the_pages_show() {
    let forward: types::ForwardMessageRequest = types::ForwardMessageRequest::builder()
        .chat_id("chat_01HXYZ4QK3WJ8FN3M6QH7TZ8GR")
        .try_into()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&forward).unwrap(),
        json!({"chat_id": "chat_01HXYZ4QK3WJ8FN3M6QH7TZ8GR"})
    );
    let reaction: types::AddReactionRequest = types::AddReactionRequest::builder().reaction("👍").try_into().unwrap();
    assert_eq!(serde_json::to_value(&reaction).unwrap(), json!({"reaction": "👍"}));
    let action = types::ChatActionRequest::SetStatus(
        types::ChatActionSetStatus::builder()
            .action(types::ChatActionSetStatusAction::SetReadStatus)
            .value(true)
            .try_into()
            .unwrap(),
    );
    assert_eq!(
        serde_json::to_value(&action).unwrap(),
        json!({"action": "setReadStatus", "value": true})
    );
    let label = types::ChatActionRequest::WithText(
        types::ChatActionWithText::builder()
            .action(types::ChatActionWithTextAction::SetLabel)
            .value("Customers")
            .try_into()
            .unwrap(),
    );
    assert_eq!(
        serde_json::to_value(&label).unwrap(),
        json!({"action": "setLabel", "value": "Customers"})
    );
    // The spec's minLength: an empty label is no body.
    let empty: Result<types::ChatActionWithText, _> = types::ChatActionWithText::builder()
        .action(types::ChatActionWithTextAction::SetLabel)
        .value("")
        .try_into();
    assert!(empty.is_err());
    let invite = types::ChatActionRequest::GetInviteLink(
        types::ChatActionGetInviteLink::builder()
            .action(types::ChatActionGetInviteLinkAction::GetInviteLink)
            .try_into()
            .unwrap(),
    );
    assert_eq!(
        serde_json::to_value(&invite).unwrap(),
        json!({"action": "getInviteLink"})
    );
}
