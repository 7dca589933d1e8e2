//! The growth test's surfaces (copied into a grown copy of the workspace as
//! `cli/tests/growth.rs` by `tests/growth.rs`): the fixture's operations, which exist only in that
//! copy's spec, through the `postpress` CLI (rule 8), `postpress mcp` (rules 9 and 10) and the fake
//! server (rule 11), with no line written for them anywhere but the spec.

use std::process::Output;

use postpress::fake::{FakeServer, Fault};
use postpress::operations::OperationId;
use serde_json::{Value, json};

// `cli/tests/common`, beside this file once it is copied to `cli/tests/growth.rs`.
mod common;
use common::mcp::Mcp;
use common::postpress;

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
    let help = stdout(&postpress(&fake, &["list-workspaces", "--help"]).await);
    for text in ["List the accounts", "How many accounts a page holds", "--account-type", "--all"] {
        assert!(help.contains(text), "{text}: {help}");
    }

    // --all: every item of every page, one JSON object per line (the fake's example: one page).
    let lines = stdout(&postpress(&fake, &["list-workspaces", "--limit", "2", "--account-type", "LINKEDIN", "--all"]).await);
    let ids: Vec<Value> = lines.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].clone()).collect();
    assert_eq!(ids, [json!("acc_1"), json!("acc_2")]);

    // A constraint violation exits non-zero before anything is sent.
    fake.clear_requests();
    let refused = postpress(&fake, &["list-workspaces", "--limit", "0"]).await;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("limit"));
    assert!(fake.requests().is_empty(), "nothing was sent");
    // And one inside a JSON value (a JSON body's field of a generated type).
    let args = ["create-group", "--account-id", "acc_1", "--attendees-ids", "att_1", "--settings", r#"{"max_members": 1}"#];
    let refused = postpress(&fake, &args).await;
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("settings.max_members is 1, it must be at least 2"), "{said}");
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
    let started = postpress(&fake, &["create-group", "--account-id", "acc_1", "--attendees-ids", "att_1"]).await;
    assert_eq!(serde_json::from_str::<Value>(&stdout(&started)).unwrap()["object"], "GroupCreated");
    // The hand-written commands are still there.
    assert!(stdout(&postpress(&fake, &["get", "--help"]).await).contains("MESSAGE_ID"));
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
    let list = tool("list_workspaces");
    let properties = &list["inputSchema"]["properties"];
    assert_eq!(properties["limit"]["minimum"], 1);
    assert_eq!(properties["limit"]["maximum"], 100);
    assert_eq!(properties["account_type"]["enum"], json!(["LINKEDIN", "WHATSAPP", "TELEGRAM"]));
    assert_eq!(properties["name_prefix"]["pattern"], "^[a-z]+$");
    assert_eq!(list["annotations"]["readOnlyHint"], true);
    assert_eq!(tool("delete_message")["annotations"]["idempotentHint"], true);
    assert_eq!(tool("create_group")["annotations"]["idempotentHint"], false);
    assert_eq!(tool("archive_message")["annotations"]["idempotentHint"], false);
    let upload = tool("upload_document");
    let mut required: Vec<&str> = upload["inputSchema"]["required"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    required.sort();
    assert_eq!(required, ["account_id", "file", "title"]);

    let listed = mcp.tool("list_workspaces", json!({"limit": 2, "account_type": "WHATSAPP"}));
    assert_eq!(listed["isError"], false, "{listed}");
    assert_eq!(listed["structuredContent"]["items"][0]["id"], "acc_1");
    let refused = mcp.tool("list_workspaces", json!({"limit": 500}));
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
    let bad = get("/workspaces?limit=0").await.unwrap();
    assert_eq!(bad.status(), 400);
    let envelope: Value = bad.json().await.unwrap();
    assert_eq!(envelope["type"], "errors/invalid_request");
    assert!(envelope["detail"].as_str().unwrap().contains("limit"), "{envelope}");
    assert_eq!(get("/workspaces?color=red").await.unwrap().status(), 400, "an unknown parameter");
    // A bound inside a JSON body's field, which the field's type does not hold.
    let group = json!({"account_id": "acc_1", "attendees_ids": ["att_1"], "settings": {"max_members": 501}});
    let bad = http
        .post(format!("{}/groups", fake.base_url()))
        .header("x-api-key", fake.api_key())
        .json(&group)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let envelope: Value = bad.json().await.unwrap();
    let detail = envelope["detail"].as_str().unwrap();
    assert!(detail.contains("settings.max_members is 501, it must be at most 500"), "{envelope}");
    // The spec's example, or a body built from the schema, valid against it.
    let page: Value = get("/workspaces?limit=2").await.unwrap().json().await.unwrap();
    assert_eq!(page["cursor"], Value::Null, "a client following pages stops");
    let account = get("/workspaces/acc_9").await.unwrap();
    assert_eq!(account.status(), 200);
    let account: Value = account.json().await.unwrap();
    assert_eq!(account["object"], "Workspace");
    let client = fake.client();
    let attendees = client.list_group_members("group_1").await.unwrap();
    assert!(attendees.items.is_empty());
    // The API key and faults apply to new operations too.
    let no_key = http.get(format!("{}/workspaces", fake.base_url())).send().await.unwrap();
    assert_eq!(no_key.status(), 401);
    fake.inject(Fault::error(OperationId::ListWorkspaces, 503, "errors/service_unavailable"));
    let error = client.list_workspaces().max_retries(0).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert!(fake.requests().iter().any(|r| r.operation == Some(OperationId::ListWorkspaces)));
}

/// A server that answers every request with a PNG of `size` bytes (declared, then sent).
async fn big_picture_server(size: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = stream.read(&mut head).await;
                let response = format!("HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: {size}\r\n\r\n");
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.write_all(&vec![b'P'; size]).await;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_is_a_file_on_every_surface() {
    let fake = FakeServer::start().await;
    // The CLI: to --output, to a pipe, and never to a terminal.
    let dir = scratch("download");
    let saved = dir.join("picture.png");
    stdout(&postpress(&fake, &["get-workspace-picture", "acc_1", "-o", saved.to_str().unwrap()]).await);
    let written = std::fs::read(&saved).unwrap();
    assert!(written.starts_with(b"\x89PNG"), "the fake answers a PNG for image/png");
    let piped = postpress(&fake, &["get-workspace-picture", "acc_1"]).await;
    assert_eq!(piped.stdout, written);
    // `script` gives the command a terminal for stdout.
    let line = format!("{} get-workspace-picture acc_1", common::BIN);
    let on_terminal = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("POSTPRESS_BASE_URL", fake.base_url())
        .env("POSTPRESS_API_KEY", fake.api_key())
        .output()
        .unwrap();
    assert_eq!(on_terminal.status.code(), Some(2), "{}", String::from_utf8_lossy(&on_terminal.stdout));
    assert!(String::from_utf8_lossy(&on_terminal.stdout).contains("--output"));

    // postpress mcp: an image is image content; past 10 MiB, refused with a clear error.
    let mut mcp = Mcp::start(&fake, &[]);
    let tools = mcp.call("tools/list", json!({}))["tools"].clone();
    let tool = tools.as_array().unwrap().iter().find(|t| t["name"] == "get_workspace_picture").unwrap().clone();
    assert!(tool.get("outputSchema").is_none(), "a file is content, not structured content");
    let picture = mcp.tool("get_workspace_picture", json!({"account_id": "acc_1"}));
    assert_eq!(picture["isError"], false, "{picture}");
    assert_eq!(picture["content"][0]["type"], "image");
    assert_eq!(picture["content"][0]["mimeType"], "image/png");
    drop(mcp);
    let big = big_picture_server(11 * 1024 * 1024).await;
    let mut mcp = Mcp::start_at(&big, "pp_growth_key", &[]);
    let refused = mcp.tool("get_workspace_picture", json!({"account_id": "acc_1"}));
    assert_eq!(refused["isError"], true, "{refused}");
    assert_eq!(refused["structuredContent"]["type"], "file_too_large");
    assert!(refused["content"][0]["text"].as_str().unwrap().contains("10 MiB"), "{refused}");
}
