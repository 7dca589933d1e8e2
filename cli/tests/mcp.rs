//! `postpress mcp` driven by a real MCP client from another ecosystem (the official Python `mcp`
//! package, `tests/mcp/client.py`) over stdio, against the in-process fake, whose state is checked
//! afterwards. Run through `.ci/mcp-contract`, which installs the client and sets
//! `POSTPRESS_MCP_PYTHON`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use postpress::fake::{FakeServer, Provider};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_postpress");
const KEY: &str = "pp_live_MCP_SECRET_5150";

fn python() -> String {
    std::env::var("POSTPRESS_MCP_PYTHON").expect("POSTPRESS_MCP_PYTHON is not set: run .ci/mcp-contract")
}

/// A scratch directory: `root/` is the files root, the rest is outside it.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("postpress-mcp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("root/docs")).unwrap();
    std::fs::write(dir.join("root/docs/report.pdf"), b"%PDF-1.4 report").unwrap();
    std::fs::write(dir.join("root/photo.png"), b"\x89PNG photo").unwrap();
    std::fs::write(dir.join("secret.txt"), b"not for agents").unwrap();
    std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("root/innocent.txt")).unwrap();
    dir
}

/// Runs the Python client against `postpress [global] mcp [mcp_args]`; returns what it saw and
/// the server's stderr.
async fn session(fake: &FakeServer, global: &[&str], mcp_args: &[&str], cwd: &Path, calls: Value) -> (Value, String) {
    let mut args: Vec<String> = global.iter().map(|a| a.to_string()).collect();
    args.push("mcp".into());
    args.extend(mcp_args.iter().map(|a| a.to_string()));
    let stderr = cwd.join(format!("server-{}.log", args.len()));
    let plan = json!({
        "command": BIN,
        "args": args,
        "env": {"POSTPRESS_BASE_URL": fake.base_url(), "POSTPRESS_API_KEY": KEY, "PATH": std::env::var("PATH").unwrap_or_default()},
        "cwd": cwd,
        "stderr": stderr,
        "calls": calls,
    });
    let output = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(python())
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mcp/client.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the Python MCP client");
        serde_json::to_writer(child.stdin.take().unwrap(), &plan).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let server_log = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(
        output.status.success(),
        "the client failed: {}\nserver stderr: {server_log}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: Value = serde_json::from_slice(&output.stdout).expect("the client's JSON");
    assert!(!seen.to_string().contains("MCP_SECRET"), "the key reached the client");
    (seen, server_log)
}

fn structured(result: &Value) -> &Value {
    &result["structuredContent"]
}

fn is_error(result: &Value) -> bool {
    result["isError"] == json!(true)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the Python mcp package: run .ci/mcp-contract"]
async fn every_tool_works_end_to_end_and_files_stay_inside_the_root() {
    let fake = FakeServer::builder().api_key(KEY).start().await.unwrap();
    let chat = fake.add_chat(Provider::WhatsApp);
    let group = fake.add_chat(Provider::WhatsApp);
    let message = fake.add_message(&chat, "Can we talk?").unwrap();
    let dir = scratch("all");
    let root = dir.join("root");
    let participant = "334455667788@s.whatsapp.net";
    let calls = json!([
        ["get_message", {"message_id": message}],
        ["send_message", {"chat_id": chat, "text": "Here you go", "quote_id": message,
            "attachments": ["docs/report.pdf", root.join("photo.png")]}],
        ["forward_message", {"message_id": message, "chat_id": group}],
        ["add_reaction", {"message_id": message, "reaction": "👍"}],
        ["patch_chat", {"chat_id": group, "action": "setReadStatus", "value": true}],
        ["patch_chat", {"chat_id": group, "action": "setMuteStatus", "value": true}],
        ["patch_chat", {"chat_id": group, "action": "setArchiveStatus", "value": true}],
        ["patch_chat", {"chat_id": group, "action": "setPinnedStatus", "value": true}],
        ["patch_chat", {"chat_id": group, "action": "addParticipant", "value": participant}],
        ["patch_chat", {"chat_id": group, "action": "setLabel", "value": "VIP"}],
        ["patch_chat", {"chat_id": group, "action": "addParticipant", "value": "999@s.whatsapp.net"}],
        ["patch_chat", {"chat_id": group, "action": "removeParticipant", "value": "999@s.whatsapp.net"}],
        ["patch_chat", {"chat_id": group, "action": "getInviteLink"}],
        // An unknown id: the API's 404 as a tool result.
        ["get_message", {"message_id": "msg_does_not_exist"}],
        // Files outside the root: absolute, through `..`, through a symbolic link.
        ["send_message", {"chat_id": chat, "text": "leak", "attachments": [dir.join("secret.txt")]}],
        ["send_message", {"chat_id": chat, "text": "leak", "voice_message": "../secret.txt"}],
        ["send_message", {"chat_id": chat, "text": "leak", "attachments": ["photo.png", "innocent.txt"]}],
        // Arguments the operation does not take.
        ["patch_chat", {"chat_id": group, "action": "deleteEverything", "value": 1}],
        // An agent finds a chat and reads it.
        ["list_chats", {}],
        ["list_chat_messages", {"chat_id": chat, "limit": 10}],
        ["get_chat", {"chat_id": chat}],
        ["list_chat_attendees", {"chat_id": chat}],
    ]);
    let (seen, _) = session(&fake, &["-v"], &["--files-root", root.to_str().unwrap()], &dir, calls).await;

    // Exactly the operations of the spec, each with a valid JSON Schema for its input and, but for
    // a file, its output.
    let tools = seen["tools"].as_array().unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort();
    let mut expected: Vec<&str> = postpress::operations::OPERATIONS.iter().map(|op| op.id).collect();
    expected.sort();
    assert_eq!(names, expected);
    for tool in tools {
        let name = tool["name"].as_str().unwrap();
        let op = postpress::operations::by_id(name).unwrap();
        jsonschema::validator_for(&tool["inputSchema"]).unwrap_or_else(|e| panic!("{name}: input schema: {e}"));
        if op.download {
            assert!(
                tool.get("outputSchema").is_none(),
                "{name}: a file has no output schema"
            );
        } else {
            jsonschema::validator_for(&tool["outputSchema"]).unwrap_or_else(|e| panic!("{name}: output schema: {e}"));
        }
        assert!(tool["description"].as_str().unwrap().starts_with(op.summary), "{name}");
    }
    let tool = |name: &str| tools.iter().find(|t| t["name"] == name).unwrap();
    assert_eq!(tool("get_message")["annotations"]["readOnlyHint"], true);
    assert_eq!(tool("send_message")["annotations"]["idempotentHint"], false);
    assert_eq!(tool("forward_message")["annotations"]["idempotentHint"], false);
    assert_eq!(tool("add_reaction")["annotations"]["idempotentHint"], true);
    assert_eq!(tool("patch_chat")["annotations"]["destructiveHint"], true);
    assert_eq!(tool("patch_chat")["annotations"]["idempotentHint"], true);
    // What acts on another person, or publishes, is neither a read nor safe to repeat.
    for acts in [
        "add_user_by_identifier",
        "send_comment",
        "add_post_reaction",
        "perform_action_on_member",
        "endorse_profile",
        "create_post",
        "create_job_posting",
        "edit_job_posting",
        "publish_job_posting",
        "close_job_posting",
    ] {
        assert_eq!(tool(acts)["annotations"]["readOnlyHint"], false, "{acts}");
        assert_eq!(tool(acts)["annotations"]["idempotentHint"], false, "{acts}");
    }
    // The spec's three bodies of an action: a status toggle, a participant or label, the invite link.
    assert!(
        tool("patch_chat")["inputSchema"]["oneOf"]
            .as_array()
            .is_some_and(|a| a.len() == 3)
    );
    let send_properties = tool("send_message")["inputSchema"]["properties"]
        .as_object()
        .unwrap()
        .clone();
    for field in [
        "chat_id",
        "text",
        "account_id",
        "thread_id",
        "quote_id",
        "typing_duration",
        "attachments",
        "voice_message",
        "video_message",
    ] {
        assert!(send_properties.contains_key(field), "send_message takes {field}");
    }

    let calls = seen["calls"].as_array().unwrap();
    for (i, result) in calls.iter().take(13).enumerate() {
        assert!(!is_error(result), "call {i}: {result}");
        let text = result["content"][0]["text"].as_str().unwrap();
        let text: Value = serde_json::from_str(text).unwrap();
        assert_eq!(&text, structured(result), "call {i}: the text is the same JSON");
    }
    assert_eq!(structured(&calls[0])["text"], "Can we talk?");
    let sent_id = structured(&calls[1])["message_id"].as_str().unwrap().to_string();

    // The fake's state afterwards.
    let sent = fake.message(&sent_id).expect("the sent message exists");
    assert_eq!(sent.text.as_deref(), Some("Here you go"));
    assert_eq!(sent.attachments.len(), 2, "two attachments");
    assert_eq!(fake.messages_in(&group).len(), 1, "one forwarded copy");
    let reacted = fake.message(&message).unwrap();
    assert_eq!(reacted.reactions.len(), 1);
    let state = fake.chat(&group).unwrap();
    assert!(state.read && state.muted && state.archived && state.pinned);
    assert_eq!(state.labels, ["VIP"]);
    assert_eq!(state.participants, [participant]);
    assert_eq!(structured(&calls[12])["invite_link"], json!(state.invite_link.unwrap()));

    // The API's error, with what an agent needs to decide.
    assert!(is_error(&calls[13]));
    let error = structured(&calls[13]);
    assert_eq!(error["type"], "errors/resource_not_found");
    assert_eq!(error["status"], 404);
    assert_eq!(error["outcome"], "not_applied");
    for field in ["title", "detail", "instance"] {
        assert!(error.get(field).is_some(), "{field}");
    }
    let line = calls[13]["content"][0]["text"].as_str().unwrap();
    assert!(
        line.starts_with("404 errors/resource_not_found") && !line.contains('\n'),
        "{line}"
    );

    // Files outside the root are refused, and nothing was sent.
    for result in &calls[14..17] {
        assert!(is_error(result), "{result}");
        let detail = structured(result)["detail"].as_str().unwrap();
        assert!(detail.contains("outside the files root"), "{detail}");
    }
    assert!(
        fake.messages_in(&chat)
            .iter()
            .all(|m| m.text.as_deref() != Some("leak")),
        "no refused send reached the API"
    );
    assert!(is_error(&calls[17]));

    // The chat found, read, and who is in it.
    for (i, result) in calls.iter().enumerate().skip(18) {
        assert!(!is_error(result), "call {i}: {result}");
    }
    let listed: Vec<&str> = structured(&calls[18])["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        listed.contains(&chat.as_str()) && listed.contains(&group.as_str()),
        "{listed:?}"
    );
    let texts: Vec<&str> = structured(&calls[19])["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["text"].as_str())
        .collect();
    assert_eq!(texts.last(), Some(&"Can we talk?"), "newest first: {texts:?}");
    assert_eq!(structured(&calls[20])["id"], json!(chat));
    assert!(structured(&calls[21])["items"].as_array().is_some_and(|a| a.len() >= 2));
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the Python mcp package: run .ci/mcp-contract"]
async fn read_only_offers_only_reads_and_verbose_logs_never_show_the_key() {
    let fake = FakeServer::builder().api_key(KEY).start().await.unwrap();
    let chat = fake.add_chat(Provider::WhatsApp);
    let message = fake.add_message(&chat, "hi").unwrap();
    let dir = scratch("readonly");
    let calls = json!([
        ["get_message", {"message_id": message}],
        ["send_message", {"chat_id": chat, "text": "not allowed"}],
        ["get_message", {"message_id": "msg_missing"}],
    ]);
    let (seen, log) = session(&fake, &["-vvv"], &["--read-only"], &dir.join("root"), calls).await;
    let names: Vec<&str> = seen["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let reads: Vec<&str> = postpress::operations::OPERATIONS
        .iter()
        .filter(|op| op.method == "GET")
        .map(|op| op.id)
        .collect();
    let mut names = names;
    names.sort();
    let mut reads = reads;
    reads.sort();
    assert_eq!(names, reads, "every read, and nothing else");
    assert!(names.contains(&"get_message") && !names.contains(&"send_message"));
    for acts in [
        "add_user_by_identifier",
        "send_comment",
        "create_post",
        "endorse_profile",
        "publish_job_posting",
    ] {
        assert!(!names.contains(&acts), "{acts} is offered read-only");
    }
    let calls = seen["calls"].as_array().unwrap();
    assert!(!is_error(&calls[0]));
    assert!(is_error(&calls[1]), "send is not offered read-only");
    assert_eq!(fake.messages_in(&chat).len(), 1, "nothing was sent");
    assert!(log.contains("postpress"), "-vvv logs to stderr: {log}");
    assert!(!log.contains("MCP_SECRET"), "the key is in the log");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the Python mcp package: run .ci/mcp-contract"]
async fn without_a_files_root_no_file_is_sent() {
    let fake = FakeServer::builder().api_key(KEY).start().await.unwrap();
    let chat = fake.add_chat(Provider::WhatsApp);
    let dir = scratch("no-root");
    // The server's working directory holds the file: without --files-root it is still refused.
    let calls = json!([
        ["send_message", {"chat_id": chat, "text": "with a file", "attachments": ["docs/report.pdf"]}],
        ["send_message", {"chat_id": chat, "text": "text only"}],
    ]);
    let (seen, _) = session(&fake, &[], &[], &dir.join("root"), calls).await;
    let calls = seen["calls"].as_array().unwrap();
    assert!(is_error(&calls[0]), "{}", calls[0]);
    let detail = structured(&calls[0])["detail"].as_str().unwrap();
    assert!(detail.contains("without --files-root"), "{detail}");
    assert!(!is_error(&calls[1]), "{}", calls[1]);
    let texts: Vec<Option<String>> = fake.messages_in(&chat).into_iter().map(|m| m.text).collect();
    assert_eq!(
        texts,
        [Some("text only".to_string())],
        "only the send without a file went out"
    );
}
