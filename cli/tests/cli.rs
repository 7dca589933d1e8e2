//! End-to-end: the built `postpress` binary against the fake server running in the test process.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

mod common;
use common::{BIN, postpress};

use postpress::fake::{FakeServer, Fault, Provider};
use postpress::operations::OperationId;
use serde_json::Value;

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(text.lines().count(), 1, "one line of JSON when piped: {text}");
    serde_json::from_str(&text).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn get_send_forward_react_and_every_chat_action() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let other = fake.add_chat(Provider::WhatsApp);
    let message = fake.add_message(&chat, "hello").unwrap();

    let got = stdout_json(&postpress(&fake, &["get", &message]).await);
    assert_eq!(
        (got["id"].as_str(), got["text"].as_str()),
        (Some(message.as_str()), Some("hello"))
    );

    let dir = std::env::temp_dir().join(format!("postpress-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (a, b, voice) = (dir.join("a.pdf"), dir.join("b.png"), dir.join("v.ogg"));
    std::fs::write(&a, vec![1u8; 70_000]).unwrap();
    std::fs::write(&b, b"png").unwrap();
    std::fs::write(&voice, b"ogg").unwrap();
    let attach = [a.to_str().unwrap(), b.to_str().unwrap(), voice.to_str().unwrap()];
    let args = [
        "send", &chat, "--text", "files", "--attach", attach[0], "--attach", attach[1], "--voice", attach[2],
    ];
    let send = postpress(&fake, &[&args[..], &["--typing-duration", "2"]].concat()).await;
    assert!(
        send.stderr.is_empty(),
        "no progress bar when stderr is not a terminal: {}",
        stderr(&send)
    );
    let sent = stdout_json(&send);
    let stored = fake.message(sent["message_id"].as_str().unwrap()).unwrap();
    let kinds: Vec<&str> = stored.attachments.iter().map(|a| a.kind()).collect();
    assert_eq!(kinds, ["audio", "file", "img"]);
    assert_eq!(stored.text.as_deref(), Some("files"));

    let forwarded = stdout_json(&postpress(&fake, &["forward", &message, "--to", &other]).await);
    assert_eq!(forwarded["object"], "MessageForwarded");
    assert_eq!(fake.messages_in(&other).len(), 1);

    let reacted = stdout_json(&postpress(&fake, &["react", &message, "🎉"]).await);
    assert_eq!(reacted["success"], true);
    assert_eq!(fake.message(&message).unwrap().reactions[0].value, "🎉");

    for args in [
        ["setReadStatus", "true"],
        ["setMuteStatus", "true"],
        ["setArchiveStatus", "true"],
        ["setPinnedStatus", "false"],
        ["addParticipant", "1@s.whatsapp.net"],
        ["removeParticipant", "1@s.whatsapp.net"],
        ["setLabel", "VIP"],
    ] {
        let patched = stdout_json(&postpress(&fake, &["chat", &chat, args[0], args[1]]).await);
        assert_eq!(patched["object"], "ChatPatched", "{args:?}");
    }
    let state = fake.chat(&chat).unwrap();
    assert!(state.read && state.muted && state.archived && !state.pinned);
    assert_eq!(state.labels, ["VIP"]);
    let link = stdout_json(&postpress(&fake, &["chat", &chat, "getInviteLink"]).await);
    assert!(
        link["invite_link"]
            .as_str()
            .unwrap()
            .starts_with("https://chat.whatsapp.com/")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn api_errors_exit_1_with_one_line_naming_status_type_title_and_detail() {
    let fake = FakeServer::start().await;
    let output = postpress(&fake, &["get", "msg_missing"]).await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: 404 errors/resource_not_found: Not Found: "),
        "{err}"
    );
    assert!(output.stdout.is_empty());

    let chat = fake.add_chat(Provider::Telegram);
    let output = postpress(&fake, &["chat", &chat, "setLabel", "x"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("501 errors/feature_not_implemented"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_file_exits_1_naming_it_and_sends_nothing() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let output = postpress(&fake, &["send", &chat, "--attach", "/definitely/missing/report.pdf"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("/definitely/missing/report.pdf"),
        "{}",
        stderr(&output)
    );
    assert!(fake.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2() {
    let fake = FakeServer::start().await;
    for args in [
        vec!["chat", "chat_1", "setReadStatus", "maybe"],
        vec!["chat", "chat_1", "deleteEverything"],
        vec!["chat", "chat_1", "setLabel"],
        vec!["chat", "chat_1", "getInviteLink", "extra"],
        vec!["forward", "msg_1"],
        vec!["--timeout", "-1", "get", "msg_1"],
        vec![],
    ] {
        let output = postpress(&fake, &args).await;
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(!stderr(&output).contains("panicked"), "{args:?}");
    }
    let output = tokio::task::spawn_blocking(|| {
        Command::new(BIN)
            .args(["get", "m"])
            .env_remove("POSTPRESS_API_KEY")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("POSTPRESS_API_KEY"));
    assert!(fake.requests().is_empty(), "usage errors send nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_never_appears_in_verbose_output() {
    let fake = FakeServer::builder()
        .api_key("pp_live_CLI_SECRET_777")
        .start()
        .await
        .unwrap();
    let chat = fake.add_chat(Provider::WhatsApp);
    let message = fake.add_message(&chat, "hi").unwrap();
    fake.inject(Fault::error(OperationId::GetMessage, 503, "errors/network_down").retry_after(Duration::ZERO));
    for verbosity in ["-v", "-vv", "-vvv"] {
        let output = postpress(&fake, &[verbosity, "get", &message]).await;
        assert!(output.status.success(), "{}", stderr(&output));
        let all = format!("{}{}", stderr(&output), String::from_utf8_lossy(&output.stdout));
        assert!(!all.contains("CLI_SECRET"), "{verbosity} leaked the key");
        let log = stderr(&output);
        if verbosity == "-v" {
            // INFO: the retry and why, not the attempts that went well.
            assert!(
                log.contains("GET /messages/{message_id}")
                    && log.contains("retrying")
                    && log.contains("status=503")
                    && !log.contains("attempt succeeded"),
                "{log}"
            );
        }
        if verbosity == "-vv" {
            // DEBUG: every attempt, the ones that succeed too (the fault was spent by `-v`).
            assert!(log.contains("attempt succeeded attempt=1 status=200"), "{log}");
        }
    }
    let help = tokio::task::spawn_blocking(|| {
        Command::new(BIN)
            .arg("--help")
            .env("POSTPRESS_API_KEY", "pp_live_CLI_SECRET_777")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        !String::from_utf8_lossy(&help.stdout).contains("CLI_SECRET"),
        "--help shows no env value"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn timeouts_and_html_from_a_proxy_exit_1_with_a_clear_reason() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let message = fake.add_message(&chat, "hi").unwrap();
    fake.inject(Fault::delay(OperationId::GetMessage, Duration::from_secs(3)).times(5));
    let output = postpress(&fake, &["--timeout", "0.3", "--max-retries", "0", "get", &message]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).starts_with("error: timed out"), "{}", stderr(&output));

    // A proxy answering with an HTML 502 page.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().take(3) {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = "<html><body><h1>502 Bad Gateway</h1></body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let output = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(["--base-url", &url, "--api-key", "k", "--max-retries", "0", "get", "m"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("HTTP 502") && err.contains("502 Bad Gateway"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn fake_server_runs_in_the_foreground_and_answers() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(BIN)
        .args(["fake-server", "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert_eq!(
        first,
        format!("fake postpress server listening on http://127.0.0.1:{port}/api/v1")
    );
    let key_line = lines.next().unwrap().unwrap();
    let seeded = lines.next().unwrap().unwrap();
    let message = seeded.split_whitespace().last().unwrap().to_string();
    let key = key_line.trim_start_matches("api key: ").to_string();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args([
                "--base-url",
                &format!("http://127.0.0.1:{port}/api/v1"),
                "--api-key",
                &key,
                "get",
                &message,
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    let got = stdout_json(&output);
    assert_eq!(got["text"], "Hello from the fake postpress server");
}

#[test]
fn completions_are_generated_for_bash_zsh_and_fish() {
    for shell in ["bash", "zsh", "fish"] {
        let output = Command::new(BIN).args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(
            script.contains("postpress") && script.contains("fake-server"),
            "{shell}"
        );
    }
}

/// A server that echoes the key it received: an HTML 502 listing the request headers for a
/// retrieve, a JSON 401 quoting the key for everything else.
fn echoing_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = Vec::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push(line);
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            let key = head
                .iter()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .starts_with("x-api-key:")
                        .then(|| l[10..].trim().to_string())
                })
                .unwrap_or_default();
            let (status, content_type, body) = if head[0].starts_with("GET") {
                let page = format!("<html><pre>{}</pre></html>", head.concat());
                ("502 Bad Gateway", "text/html", page)
            } else {
                let detail = format!("The API key {key} is not valid.");
                let json = serde_json::json!({"type": "errors/invalid_credentials", "status": 401,
                    "title": "Unauthorized", "detail": detail});
                ("401 Unauthorized", "application/json", json.to_string())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn the_key_never_appears_even_when_the_server_echoes_it() {
    const KEY: &str = "pp_live_ECHOED_SECRET_31337";
    let url = echoing_server();
    let dir = std::env::temp_dir().join(format!("postpress-cli-echo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a.txt");
    std::fs::write(&file, b"hello").unwrap();
    let file = file.to_str().unwrap().to_string();
    let commands: [&[&str]; 5] = [
        &["get", "msg_1"],
        &["send", "chat_1", "--text", "hi", "--attach", &file],
        &["forward", "msg_1", "--to", "chat_2"],
        &["react", "msg_1", "👍"],
        &["chat", "chat_1", "setLabel", "VIP"],
    ];
    for command in commands {
        let mut args = vec!["-vvv", "--base-url", url.as_str(), "--max-retries", "0"];
        args.extend_from_slice(command);
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let output = tokio::task::spawn_blocking(move || {
            Command::new(BIN)
                .args(&args)
                .env("POSTPRESS_API_KEY", KEY)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        assert_eq!(output.status.code(), Some(1), "{command:?}: {}", stderr(&output));
        let all = format!("{}{}", stderr(&output), String::from_utf8_lossy(&output.stdout));
        assert!(!all.contains("ECHOED_SECRET"), "{command:?} leaked the key: {all}");
        let error_line = all
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or_default()
            .to_string();
        assert!(error_line.contains("<redacted>"), "{command:?}: {error_line}");
    }
}

/// Runs the CLI with stdout closed before it writes (a reader that went away, as `| head -c 10`).
fn with_closed_stdout(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_stdout_is_not_a_panic() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let message = fake.add_message(&chat, &"long text ".repeat(20_000)).unwrap();
    let env = [
        ("POSTPRESS_BASE_URL", fake.base_url()),
        ("POSTPRESS_API_KEY", fake.api_key().to_string()),
    ];
    for args in [
        vec!["completions", "bash"],
        vec!["get", message.as_str()],
        vec!["--help"],
    ] {
        let env = env.clone();
        let owned: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let output = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = owned.iter().map(String::as_str).collect();
            with_closed_stdout(&args, &env)
        })
        .await
        .unwrap();
        let err = stderr(&output);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(output.status.code(), Some(0), "{args:?}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_chat_is_found_read_in_full_and_its_attachment_saved() {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::WhatsApp);
    let earlier: Vec<String> = (0..25)
        .map(|i| fake.add_message(&chat, &format!("m{i}")).unwrap())
        .collect();

    let chats = stdout_json(&postpress(&fake, &["list-chats", "--account-type", "WHATSAPP"]).await);
    assert_eq!(chats["items"][0]["id"], chat.as_str());

    // --all: every message of every page, one JSON object per line, newest first.
    let all = postpress(&fake, &["list-chat-messages", &chat, "--limit", "4", "--all"]).await;
    assert!(all.status.success(), "{}", stderr(&all));
    let ids: Vec<String> = String::from_utf8(all.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let newest_first: Vec<String> = earlier.iter().rev().cloned().collect();
    assert_eq!(ids, newest_first);

    // A file sent is the file read back, written where -o says.
    let dir = std::env::temp_dir().join(format!("postpress-cli-attachment-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (sent_file, saved) = (dir.join("report.pdf"), dir.join("saved.pdf"));
    std::fs::write(&sent_file, b"%PDF-1.4 report").unwrap();
    let sent = stdout_json(&postpress(&fake, &["send", &chat, "--attach", sent_file.to_str().unwrap()]).await);
    let message = sent["message_id"].as_str().unwrap().to_string();
    let stored = stdout_json(&postpress(&fake, &["get", &message]).await);
    let attachment = stored["attachments"][0]["id"].as_str().unwrap().to_string();
    let got = postpress(
        &fake,
        &["get-attachment", &message, &attachment, "-o", saved.to_str().unwrap()],
    )
    .await;
    assert!(got.status.success(), "{}", stderr(&got));
    assert_eq!(std::fs::read(&saved).unwrap(), b"%PDF-1.4 report");
    let _ = std::fs::remove_dir_all(dir);
}

/// `postpress webhooks listen`: the fake delivers to it; each verified delivery is one JSON line on
/// stdout, answered 200; a delivery without the secret is answered 401 and printed nowhere on
/// stdout.
mod webhooks_listen {
    use super::common;

    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::Duration;

    use postpress::fake::{FakeServer, Provider};
    use serde_json::{Value, json};

    const SECRET: &str = "whsec_listen_test";

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn listen_prints_each_verified_delivery_and_refuses_the_others() {
        let port = free_port();
        let mut listener = Command::new(common::BIN)
            .args(["webhooks", "listen", "--port", &port.to_string(), "--secret", SECRET])
            .env_remove("POSTPRESS_WEBHOOK_SECRET")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}/hooks");
        let http = reqwest::Client::new();
        let mut up = false;
        for _ in 0..200 {
            if http.get(&url).send().await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(up, "the listener did not start");

        // Without the secret: 401, nothing on stdout.
        let refused = http
            .post(&url)
            .header("Unipile-Auth", "wrong")
            .json(&json!({"AccountStatus": {"account_id": "a", "account_type": "MAIL", "message": "OK"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401);
        let malformed = http
            .post(&url)
            .header("Unipile-Auth", SECRET)
            .body("{\"AccountStatus\": 1}")
            .send()
            .await
            .unwrap();
        assert_eq!(malformed.status(), 400);

        // The fake delivers an inbound message to it.
        let fake = FakeServer::builder()
            .webhook_retry(Duration::from_millis(20))
            .start()
            .await
            .unwrap();
        let header: postpress::types::WebhookHeader = postpress::types::WebhookHeader::builder()
            .key("Unipile-Auth")
            .value(SECRET)
            .try_into()
            .unwrap();
        fake.client()
            .create_webhook()
            .request_url(url.as_str())
            .source("messaging")
            .headers(header)
            .await
            .unwrap();
        let chat = fake.add_chat(Provider::WhatsApp);
        let message = fake.inbound(&chat, "hello from the fake").unwrap();

        let stdout = listener.stdout.take().unwrap();
        let line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).map(|_| line)
        });
        let line = tokio::time::timeout(Duration::from_secs(10), line)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        listener.kill().unwrap();
        let output = listener.wait_with_output().unwrap();
        let printed: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(printed["event"], "message_received");
        assert_eq!(printed["dedupe_key"], format!("message_received:{message}"));
        assert_eq!(printed["payload"]["message"], "hello from the fake");
        // The refused deliveries were reported on stderr, and their bodies printed nowhere.
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("refused a delivery (401)"), "{stderr}");
        assert!(stderr.contains("refused a delivery (400)"), "{stderr}");
        assert!(!line.contains("AccountStatus"), "{line}");
    }
}
