//! The growth test's surfaces (copied into a grown copy of the workspace as
//! `cli/tests/growth.rs` by `tests/growth.rs`): the fixture's operations, which exist only in that
//! copy's spec, through the `postpress` CLI (rule 8), `postpress mcp` (rules 9 and 10) and the fake
//! server (rule 11), with no line written for them anywhere but the spec.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

use postpress::fake::{FakeServer, Fault};
use postpress::operations::OperationId;
use serde_json::{Value, json};

// `cli/tests/common`, beside this file once it is copied to `cli/tests/growth.rs`.
mod common;
use common::{BIN, postpress};

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("postpress-growth-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("root")).unwrap();
    std::fs::write(dir.join("root/q3.pdf"), b"%PDF q3").unwrap();
    std::fs::write(dir.join("secret.pdf"), b"secret").unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_has_a_command_for_every_new_operation() {
    let fake = FakeServer::start().await;
    let help = stdout(&postpress(&fake, &["list-accounts", "--help"]).await);
    for text in ["List the accounts", "How many accounts a page holds", "--account-type", "--all"] {
        assert!(help.contains(text), "{text}: {help}");
    }

    // --all: every item of every page, one JSON object per line (the fake's example: one page).
    let lines = stdout(&postpress(&fake, &["list-accounts", "--limit", "2", "--account-type", "LINKEDIN", "--all"]).await);
    let ids: Vec<Value> = lines.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].clone()).collect();
    assert_eq!(ids, [json!("acc_1"), json!("acc_2")]);

    // A constraint violation exits non-zero before anything is sent.
    fake.clear_requests();
    let refused = postpress(&fake, &["list-accounts", "--limit", "0"]).await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("limit"));
    assert!(fake.requests().is_empty(), "nothing was sent");

    // A path parameter positional, a new method under an existing path, a multipart upload with a
    // repeated text field and a file from a path.
    let deleted: Value = serde_json::from_str(&stdout(&postpress(&fake, &["delete-message", "msg_1"]).await)).unwrap();
    assert_eq!(deleted["object"], "MessageDeleted");
    let dir = scratch("cli");
    let file = dir.join("root/q3.pdf");
    let args = ["upload-document", "acc_1", "--title", "Q3", "--tags", "a", "--tags", "b", "--file", file.to_str().unwrap()];
    let uploaded: Value = serde_json::from_str(&stdout(&postpress(&fake, &args).await)).unwrap();
    assert_eq!(uploaded["object"], "DocumentUploaded");
    let started = postpress(&fake, &["start-chat", "--account-id", "acc_1", "--attendees-ids", "att_1"]).await;
    assert_eq!(serde_json::from_str::<Value>(&stdout(&started)).unwrap()["object"], "ChatStarted");
    // The hand-written commands are still there.
    assert!(stdout(&postpress(&fake, &["get", "--help"]).await).contains("MESSAGE_ID"));
}

/// `postpress mcp` over stdio, spoken to in JSON-RPC lines.
struct Mcp {
    child: std::process::Child,
    input: std::process::ChildStdin,
    output: BufReader<std::process::ChildStdout>,
    next: u64,
}

impl Mcp {
    fn start(fake: &FakeServer, args: &[&str]) -> Mcp {
        let mut child = Command::new(BIN)
            .arg("mcp")
            .args(args)
            .env("POSTPRESS_BASE_URL", fake.base_url())
            .env("POSTPRESS_API_KEY", fake.api_key())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        let mut mcp = Mcp { child, input, output, next: 1 };
        let init = json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "growth", "version": "1"}});
        mcp.call("initialize", init);
        mcp.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        mcp
    }

    fn send(&mut self, message: Value) {
        writeln!(self.input, "{message}").unwrap();
        self.input.flush().unwrap();
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            assert!(self.output.read_line(&mut line).unwrap() > 0, "the server closed stdout");
            let message: Value = serde_json::from_str(&line).unwrap();
            if message["id"] == json!(id) {
                return message["result"].clone();
            }
        }
    }

    fn tool(&mut self, name: &str, arguments: Value) -> Value {
        self.call("tools/call", json!({"name": name, "arguments": arguments}))
    }
}

impl Drop for Mcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn mcp_has_a_tool_for_every_new_operation() {
    let fake = FakeServer::start().await;
    let dir = scratch("mcp");
    let root = dir.join("root");
    let mut mcp = Mcp::start(&fake, &["--files-root", root.to_str().unwrap()]);
    let tools = mcp.call("tools/list", json!({}))["tools"].clone();
    let tool = |name: &str| tools.as_array().unwrap().iter().find(|t| t["name"] == name).cloned().unwrap_or_else(|| panic!("no tool {name}"));
    let names: Vec<&str> = postpress::operations::OPERATIONS.iter().map(|op| op.id).collect();
    assert_eq!(tools.as_array().unwrap().len(), names.len());
    let list = tool("list_accounts");
    let properties = &list["inputSchema"]["properties"];
    assert_eq!(properties["limit"]["minimum"], 1);
    assert_eq!(properties["limit"]["maximum"], 100);
    assert_eq!(properties["account_type"]["enum"], json!(["LINKEDIN", "WHATSAPP", "TELEGRAM"]));
    assert_eq!(properties["name_prefix"]["pattern"], "^[a-z]+$");
    assert_eq!(list["annotations"]["readOnlyHint"], true);
    assert_eq!(tool("delete_message")["annotations"]["idempotentHint"], true);
    assert_eq!(tool("start_chat")["annotations"]["idempotentHint"], false);
    assert_eq!(tool("archive_message")["annotations"]["idempotentHint"], false);
    let upload = tool("upload_document");
    let mut required: Vec<&str> = upload["inputSchema"]["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    required.sort();
    assert_eq!(required, ["account_id", "file", "title"]);

    let listed = mcp.tool("list_accounts", json!({"limit": 2, "account_type": "WHATSAPP"}));
    assert_eq!(listed["isError"], false, "{listed}");
    assert_eq!(listed["structuredContent"]["items"][0]["id"], "acc_1");
    let refused = mcp.tool("list_accounts", json!({"limit": 500}));
    assert_eq!(refused["isError"], true, "{refused}");
    let uploaded = mcp.tool("upload_document", json!({"account_id": "acc_1", "title": "Q3", "tags": ["a", "b"], "file": "q3.pdf"}));
    assert_eq!(uploaded["isError"], false, "{uploaded}");
    let outside = mcp.tool("upload_document", json!({"account_id": "acc_1", "title": "Q3", "file": "../secret.pdf"}));
    assert_eq!(outside["isError"], true);
    assert!(outside["structuredContent"]["detail"].as_str().unwrap().contains("outside the files root"), "{outside}");
    drop(mcp);

    // --read-only: exactly the GETs.
    let mut read_only = Mcp::start(&fake, &["--read-only"]);
    let tools = read_only.call("tools/list", json!({}))["tools"].clone();
    let mut offered: Vec<String> = tools.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect();
    offered.sort();
    let mut gets: Vec<String> = postpress::operations::OPERATIONS
        .iter()
        .filter(|op| op.method == "GET")
        .map(|op| op.id.to_string())
        .collect();
    gets.sort();
    assert_eq!(offered, gets);
    // Without --files-root, a binary field is refused.
    drop(read_only);
    let mut no_root = Mcp::start(&fake, &[]);
    let refused = no_root.tool("upload_document", json!({"account_id": "acc_1", "title": "Q3", "file": "q3.pdf"}));
    assert_eq!(refused["isError"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_fake_serves_every_new_operation() {
    let fake = FakeServer::start().await;
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{}{path}", fake.base_url())).header("x-api-key", fake.api_key()).send();
    // Validated against the spec: a 400 envelope naming the value.
    let bad = get("/accounts?limit=0").await.unwrap();
    assert_eq!(bad.status(), 400);
    let envelope: Value = bad.json().await.unwrap();
    assert_eq!(envelope["type"], "errors/invalid_request");
    assert!(envelope["detail"].as_str().unwrap().contains("limit"), "{envelope}");
    assert_eq!(get("/accounts?color=red").await.unwrap().status(), 400, "an unknown parameter");
    // The spec's example, or a body built from the schema, valid against it.
    let page: Value = get("/accounts?limit=2").await.unwrap().json().await.unwrap();
    assert_eq!(page["cursor"], Value::Null, "a client following pages stops");
    let account = get("/accounts/acc_9").await.unwrap();
    assert_eq!(account.status(), 200);
    let account: Value = account.json().await.unwrap();
    assert_eq!(account["object"], "Account");
    let client = fake.client();
    let attendees = client.list_chat_attendees("chat_1").await.unwrap();
    assert!(attendees.items.is_empty());
    // The API key and faults apply to new operations too.
    let no_key = http.get(format!("{}/accounts", fake.base_url())).send().await.unwrap();
    assert_eq!(no_key.status(), 401);
    fake.inject(Fault::error(OperationId::ListAccounts, 503, "errors/service_unavailable"));
    let error = client.list_accounts().max_retries(0).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert!(fake.requests().iter().any(|r| r.operation == Some(OperationId::ListAccounts)));
}
