//! The published operations through the CLI and `postpress mcp` (copied into a copy of the
//! workspace grown with `tests/real-api/` as `cli/tests/real_api.rs` by `tests/growth.rs`):
//! every operation of the grown spec is a command and a tool, each called with the operation
//! table's valid arguments against the fake, with no line written for any of them.

use std::process::Output;

use postpress::fake::{FakeServer, Provider};
use postpress::operations::{Field, Location, OPERATIONS, Operation, ValueKind};
use serde_json::{Map, Value, json};

// `cli/tests/common`, beside this file once it is copied to `cli/tests/real_api.rs`.
mod common;
use common::mcp::Mcp;
use common::postpress;

/// The commands written by hand, which the generated ones leave out (`postpress get`, ...).
const HAND_WRITTEN: [&str; 5] = ["get_message", "send_message", "forward_message", "add_reaction", "patch_chat"];

/// A field's flag name, as the CLI makes it (`expiresOn` is `--expires-on`).
fn kebab(name: &str) -> String {
    heck::ToKebabCase::to_kebab_case(name)
}

/// A file every binary field names.
fn scratch() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("postpress-real-api-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("photo.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    dir
}

/// The arguments of `op`'s valid request, with the fake's ids where the fake keeps state.
fn arguments(op: &Operation, ids: &Map<String, Value>) -> Map<String, Value> {
    let Value::Object(mut arguments) = serde_json::from_str(op.request_example).unwrap() else {
        panic!("{}: not an object", op.id)
    };
    for (name, value) in ids {
        if let Some(argument) = arguments.get_mut(name) {
            *argument = value.clone();
        }
    }
    arguments
}

/// The command line of a call: path parameters in order, then a flag per other argument (a list
/// repeats it, an object goes as JSON text, a file as a path).
fn command_line(op: &Operation, arguments: &Map<String, Value>, file: &str) -> Vec<String> {
    let mut line = vec![kebab(op.id)];
    let fields: Vec<&Field> = op.fields.iter().collect();
    for field in fields.iter().filter(|f| f.location == Location::Path) {
        line.push(arguments[field.name].as_str().unwrap().to_string());
    }
    for field in fields.iter().filter(|f| f.location != Location::Path) {
        let Some(value) = arguments.get(field.name) else { continue };
        let values = match value {
            Value::Array(items) if field.list => items.clone(),
            other => vec![other.clone()],
        };
        for value in values {
            line.push(format!("--{}", kebab(field.name)));
            line.push(match (field.kind, &value) {
                (ValueKind::Binary, _) => file.to_string(),
                (ValueKind::Json, other) => other.to_string(),
                (_, Value::String(text)) => text.clone(),
                (_, other) => other.to_string(),
            });
        }
    }
    line
}

fn stdout_of(op: &Operation, output: &Output) -> Vec<u8> {
    assert!(
        output.status.success(),
        "{}: exit {:?}: {}",
        op.id,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout.clone()
}

/// Every operation, those that delete last: the fake keeps state, and the ids the others use must
/// still be there.
fn deletes_last() -> Vec<&'static Operation> {
    let mut operations: Vec<&Operation> = OPERATIONS.iter().collect();
    operations.sort_by_key(|op| op.method == "DELETE");
    operations
}

/// The fake's ids for the operations it keeps state for: a chat, its account, the person in it,
/// and a message with a file attached.
async fn fake_ids(fake: &FakeServer) -> Map<String, Value> {
    let chat = fake.add_chat(Provider::WhatsApp);
    let client = fake.client();
    let sent = client
        .send_message(&chat)
        .text("hello")
        .attachment(postpress::Upload::bytes("report.pdf", &b"%PDF-1.4"[..]))
        .send()
        .await
        .unwrap();
    let message = fake.message(&sent.message_id).unwrap();
    let attachment = match &message.attachments[0] {
        postpress::types::Attachment::File(file) => file.id.clone(),
        other => panic!("a PDF is a file: {other:?}"),
    };
    let attendees = client.list_chat_attendees(&chat).await.unwrap();
    let person = attendees.items.iter().find(|a| a.is_self == postpress::types::Flag::NO).unwrap().id.to_string();
    let mut ids = Map::new();
    ids.insert("chat_id".into(), json!(chat));
    ids.insert("message_id".into(), json!(sent.message_id));
    ids.insert("account_id".into(), json!(fake.chat(&chat).unwrap().account_id));
    ids.insert("attendee_id".into(), json!(person));
    ids.insert("attachment_id".into(), json!(attachment));
    // A webhook of the fake's (its deliveries go nowhere).
    let webhook = client
        .create_webhook()
        .request_url("http://127.0.0.1:9/hook")
        .source("messaging")
        .await
        .unwrap();
    ids.insert("webhook_id".into(), json!(webhook.webhook_id));
    // What the LinkedIn parts keep: a post of the account, an invitation it sent, a person's profile.
    let account = fake.chat(&chat).unwrap().account_id;
    let post = client.create_post().account_id(&account).text("hello").await.unwrap();
    ids.insert("post_id".into(), json!(post.post_id.unwrap()));
    let peer = attendees.items.iter().find(|a| a.is_self == postpress::types::Flag::NO).unwrap();
    let invitation = client
        .add_user_by_identifier()
        .account_id(&account)
        .provider_id(peer.provider_id.as_str())
        .await
        .unwrap();
    ids.insert("invitation_id".into(), json!(invitation.invitation_id));
    ids.insert("identifier".into(), json!(peer.provider_id.as_str()));
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_is_a_command_that_runs() {
    let fake = FakeServer::start().await;
    let ids = fake_ids(&fake).await;
    let dir = scratch();
    let file = dir.join("photo.png");
    let mut ran = 0;
    for op in deletes_last().into_iter().filter(|op| !HAND_WRITTEN.contains(&op.id)) {
        let help = stdout_of(op, &postpress(&fake, &[&kebab(op.id), "--help"]).await);
        assert!(!help.is_empty(), "{}: no help", op.id);
        let mut line = command_line(op, &arguments(op, &ids), file.to_str().unwrap());
        let saved = dir.join(format!("{}.out", op.id));
        if op.download {
            line.extend(["--output".to_string(), saved.to_str().unwrap().to_string()]);
        }
        let args: Vec<&str> = line.iter().map(String::as_str).collect();
        let out = stdout_of(op, &postpress(&fake, &args).await);
        if op.download {
            let bytes = std::fs::read(&saved).unwrap_or_else(|e| panic!("{}: --output wrote nothing: {e}", op.id));
            assert!(!bytes.is_empty(), "{}: an empty download", op.id);
            // Piped, the file goes to stdout as it is.
            let piped = stdout_of(op, &postpress(&fake, &args[..args.len() - 2]).await);
            assert_eq!(piped, bytes, "{}", op.id);
        } else {
            let answer: Value = serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{}: not JSON: {e}", op.id));
            assert!(!answer.is_null(), "{}", op.id);
        }
        ran += 1;
    }
    assert!(ran > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_operation_is_a_tool_with_a_valid_schema_that_runs() {
    let fake = FakeServer::start().await;
    let ids = fake_ids(&fake).await;
    let dir = scratch();
    let mut mcp = Mcp::start(&fake, &["--files-root", dir.to_str().unwrap()]);
    let tools = mcp.call("tools/list", json!({}))["tools"].as_array().unwrap().clone();
    assert_eq!(tools.len(), OPERATIONS.len());
    for op in deletes_last() {
        let tool = tools.iter().find(|t| t["name"] == op.id).unwrap_or_else(|| panic!("no tool {}", op.id));
        // A file is content, not structured content: a download's tool has no output schema.
        let keys: &[&str] = if op.download { &["inputSchema"] } else { &["inputSchema", "outputSchema"] };
        for key in keys {
            jsonschema::meta::validate(&tool[key])
                .unwrap_or_else(|e| panic!("{}: its {key} is not a valid JSON Schema: {e}", op.id));
        }
        assert_eq!(op.download, tool.get("outputSchema").is_none(), "{}", op.id);
        let mut arguments = arguments(op, &ids);
        for field in op.fields.iter().filter(|f| f.kind == ValueKind::Binary) {
            if let Some(value) = arguments.get_mut(field.name) {
                *value = if field.list { json!(["photo.png"]) } else { json!("photo.png") };
            }
        }
        // A body that is not an object with fields (a `oneOf`) is given flat, beside the parameters
        // (a body of fields may have one named `body`, which is a field like the others).
        if op.whole_body
            && let Some(Value::Object(body)) = arguments.remove("body")
        {
            arguments.extend(body);
        }
        let input = Value::Object(arguments.clone());
        let validator = jsonschema::validator_for(&tool["inputSchema"]).unwrap();
        assert!(validator.is_valid(&input), "{}: its valid arguments {input} break its input schema", op.id);
        let result = mcp.tool(op.id, input);
        assert_eq!(result["isError"], false, "{}: {result}", op.id);
        if op.download {
            let content = &result["content"][0];
            let kind = content["type"].as_str().unwrap();
            assert!(kind == "image" || kind == "resource", "{}: {content}", op.id);
        } else {
            let output = jsonschema::validator_for(&tool["outputSchema"]).unwrap();
            let structured = &result["structuredContent"];
            assert!(output.is_valid(structured), "{}: {structured} breaks its output schema", op.id);
        }
    }
}
