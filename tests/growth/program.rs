//! The growth test's program (copied into a grown copy of the workspace as `examples/growth.rs`
//! by `tests/growth.rs`): written against the contract for any operation (issue rules 1-7), it
//! calls the fixture's operations, which exist only in that copy's spec, against a server of its
//! own on loopback. It panics on the first broken promise.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use postpress::operations::OperationId;
use postpress::{Client, Error, Outcome, Upload};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A request the server received.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    /// The headers, by lower-case name.
    headers: HashMap<String, String>,
    query: HashMap<String, Vec<String>>,
    body: Vec<u8>,
}

type Log = Arc<Mutex<Vec<Seen>>>;

fn json(status: u16, body: serde_json::Value) -> (u16, &'static str, String) {
    (status, "application/json", body.to_string())
}

fn account(id: &str) -> serde_json::Value {
    serde_json::json!({"object": "Workspace", "id": id, "name": id, "type": "LINKEDIN"})
}

/// What the server answers: pages of accounts (a repeated cursor for TELEGRAM), a flaky account
/// (502 once), a create-group that always fails with 502, an upload that counts its parts.
fn answer(seen: &Seen, log: &[Seen]) -> (u16, &'static str, String) {
    let first = |name: &str| seen.query.get(name).and_then(|v| v.first()).map(String::as_str);
    match (seen.method.as_str(), seen.path.as_str()) {
        ("GET", "/workspaces") if first("account_type") == Some("TELEGRAM") => json(
            200,
            serde_json::json!({"object": "WorkspaceList", "items": [account("acc_t")], "cursor": "same"}),
        ),
        ("GET", "/workspaces") => {
            let (items, next) = match first("cursor") {
                None => (vec![account("acc_1"), account("acc_2")], serde_json::json!("p2")),
                Some("p2") => (vec![account("acc_3"), account("acc_4")], serde_json::json!("p3")),
                Some("p3") => (vec![account("acc_5")], serde_json::Value::Null),
                Some(other) => panic!("unexpected cursor {other}"),
            };
            json(200, serde_json::json!({"object": "WorkspaceList", "items": items, "cursor": next}))
        }
        ("GET", "/workspaces/acc_flaky") => {
            let earlier = log.iter().filter(|s| s.path == seen.path).count();
            if earlier == 0 {
                (502, "text/html", "<html><h1>502 Bad Gateway</h1></html>".into())
            } else {
                json(200, account("acc_flaky"))
            }
        }
        ("GET", "/workspaces/acc_1") => json(200, account("acc_1")),
        ("GET", "/workspaces/acc_1/picture") => {
            // The first download fails at the gateway: a GET of a file is retried like any GET.
            if log.iter().any(|s| s.path == seen.path) {
                (200, "image/png", "P".repeat(PICTURE_SIZE))
            } else {
                (502, "text/html", "<html><h1>502 Bad Gateway</h1></html>".into())
            }
        }
        ("POST", "/groups") => (502, "text/html", "<html><h1>502 Bad Gateway</h1></html>".into()),
        ("POST", "/workspaces/acc_1/documents") => {
            let text = String::from_utf8_lossy(&seen.body);
            let parts = text.matches("Content-Disposition: form-data").count();
            json(
                201,
                serde_json::json!({"object": "DocumentUploaded", "document_id": "doc_1", "parts": parts}),
            )
        }
        ("DELETE", "/messages/msg_1") => json(200, serde_json::json!({"object": "MessageDeleted", "deleted": true})),
        ("GET", "/groups/group_1/members") => json(
            200,
            serde_json::json!({"object": "MemberList", "items": [{"object": "Member", "id": "att_1"}]}),
        ),
        ("GET", "/workspaces/acc_1/profile") => json(200, profile_json()),
        ("POST", "/workspaces/acc_1/notes") => json(201, serde_json::json!({"object": "NoteCreated", "note_id": "note_1"})),
        _ => json(404, serde_json::json!({"type": "errors/resource_not_found", "status": 404, "title": "Not Found"})),
    }
}

/// A profile with every name a generator predicting typify's would get wrong: an inline enum
/// named as a component is, two titles alike over two shapes, values that differ only in case,
/// properties that differ only in punctuation, and a list of shapes that may both match.
fn profile_json() -> serde_json::Value {
    serde_json::json!({
        "object": "Profile",
        "id": "prof_1",
        "kind": "SHARED",
        "default_kind": "team",
        "owner": {"name": "Ann"},
        "reviewer": {"email": "bob@example.com", "score": 3},
        "status": "ACTIVE",
        "first-name": "Ann",
        "first_name": "Annie",
        "links": [
            {"object": "Link", "url": "https://example.com", "label": "home"},
            {"object": "Link", "phone": "+15550100"}
        ]
    })
}

/// The size of the account picture the server answers.
const PICTURE_SIZE: usize = 300_000;

fn parse_query(query: &str) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        out.entry(name.to_string()).or_default().push(value.replace('+', " "));
    }
    out
}

/// One HTTP/1.1 exchange per connection, answered by [`answer`].
async fn serve(listener: tokio::net::TcpListener, log: Log) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else { return };
        let log = log.clone();
        tokio::spawn(async move {
            let mut buffer = Vec::new();
            let mut chunk = [0u8; 64 * 1024];
            let head_end = loop {
                let n = stream.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    return;
                }
                buffer.extend_from_slice(&chunk[..n]);
                if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                    break at + 4;
                }
            };
            let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
            let length: usize = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
                .unwrap_or(0);
            while buffer.len() < head_end + length {
                let n = stream.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            let mut request_line = head.lines().next().unwrap_or("").split(' ');
            let method = request_line.next().unwrap_or("").to_string();
            let target = request_line.next().unwrap_or("");
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            let headers = head
                .lines()
                .skip(1)
                .filter_map(|line| line.split_once(':'))
                .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
                .collect();
            let seen = Seen {
                method,
                path: path.to_string(),
                headers,
                query: parse_query(query),
                body: buffer[head_end..].to_vec(),
            };
            let (status, content_type, body) = {
                let mut log = log.lock().unwrap();
                let answer = answer(&seen, &log);
                log.push(seen);
                answer
            };
            let response = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        });
    }
}

fn requests(log: &Log, path: &str) -> Vec<Seen> {
    log.lock().unwrap().iter().filter(|s| s.path == path).cloned().collect()
}

fn invalid_input(result: Result<impl std::fmt::Debug, Error>, naming: &str) {
    match result {
        Err(Error::InvalidInput(e)) => assert!(e.message.contains(naming), "{e}"),
        other => panic!("expected invalid input naming {naming}, got {other:?}"),
    }
}

#[tokio::main]
async fn main() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    tokio::spawn(serve(listener, log.clone()));
    let client = Client::builder().api_key("pp_growth_key").base_url(&url).build().unwrap();

    // Rule 6: pages and items, each page with the request's filters.
    let ids: Vec<String> = client
        .list_workspaces()
        .limit(2)
        .account_type("LINKEDIN")
        .items()
        .map(|item| item.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, ["acc_1", "acc_2", "acc_3", "acc_4", "acc_5"]);
    let pages = requests(&log, "/workspaces");
    assert_eq!(pages.len(), 3, "three pages");
    for page in &pages {
        assert_eq!(page.query["limit"], ["2"]);
        assert_eq!(page.query["account_type"], ["LINKEDIN"]);
    }
    assert_eq!(pages[1].query["cursor"], ["p2"]);
    let pages: Vec<_> = client.list_workspaces().pages().collect().await;
    assert_eq!(pages.len(), 3);
    assert!(pages[2].as_ref().unwrap().cursor.is_none());

    // A server that repeats its cursor: the stream ends with an error, it does not loop.
    let results: Vec<_> = client
        .list_workspaces()
        .account_type(postpress::types::ListWorkspacesAccountType::Telegram)
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(results[0].is_ok());
    match &results[1] {
        Err(Error::InvalidResponse(e)) => assert!(e.reason.contains("repeats"), "{e}"),
        other => panic!("expected the repeated cursor to end the stream, got {other:?}"),
    }

    // Rule 3: constraints checked before anything is sent.
    let before = log.lock().unwrap().len();
    invalid_input(client.list_workspaces().limit(0).await, "limit");
    invalid_input(client.list_workspaces().limit(101).await, "limit");
    invalid_input(client.list_workspaces().account_type("FAX").await, "account_type");
    invalid_input(client.list_workspaces().name_prefix("Bad!").await, "name_prefix");
    invalid_input(client.get_workspace("..").await, "account_id");
    invalid_input(client.create_group().account_id("acc_1").await, "attendees_ids");
    invalid_input(client.upload_document("acc_1").title("no file").await, "file");
    // Inside a JSON value: what its generated type does not hold (a number's bounds, a list's
    // length; typify's string types check their own), in a form's JSON part, in each of a list of
    // them, in a map's values, and in a JSON body's field that is a described reference (`allOf`).
    let upload = |metadata: serde_json::Value, reviewer: serde_json::Value| {
        client
            .upload_document("acc_1")
            .title("Q3")
            .file(Upload::bytes("q3.pdf", &b"%PDF"[..]))
            .metadata(serde_json::from_value::<postpress::types::UploadDocumentRequestMetadata>(metadata).unwrap())
            .reviewers(serde_json::from_value::<postpress::types::UploadDocumentRequestReviewersItem>(reviewer).unwrap())
    };
    invalid_input(
        upload(serde_json::json!({"scores": {"ada": 3, "bo": 11}}), serde_json::json!({"name": "Ada"})).await,
        "metadata.scores.bo is 11, it must be at most 10",
    );
    invalid_input(
        upload(serde_json::json!({"source": "scanner"}), serde_json::json!({"name": "Ada", "weight": 0})).await,
        "reviewers.weight is 0, it must be more than 0",
    );
    let group = |settings: serde_json::Value| {
        client
            .create_group()
            .account_id("acc_1")
            .attendees_ids("att_1")
            .settings(serde_json::from_value::<postpress::types::GroupSettings>(settings).unwrap())
    };
    invalid_input(group(serde_json::json!({"max_members": 1})).await, "settings.max_members is 1, it must be at least 2");
    invalid_input(
        group(serde_json::json!({"roles": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}]})).await,
        "settings.roles has 4 items, at most 3 are allowed",
    );
    let error = client.list_workspaces().limit(0).await.unwrap_err();
    assert_eq!(error.outcome(), Outcome::NotApplied);
    assert_eq!(log.lock().unwrap().len(), before, "nothing was sent");

    // Rule 1: owned requests, spawned and awaited elsewhere; ids of answers as path arguments.
    let request = client.get_workspace("acc_1");
    let account = tokio::spawn(async move { request.await }).await.unwrap().unwrap();
    let again = client.get_workspace(&account.id).await.unwrap();
    assert_eq!(again.id, "acc_1");
    // A header parameter: a setter like any, checked, sent as a header.
    client.get_workspace("acc_1").x_trace_label("nightly").await.unwrap();
    let last = log.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.headers.get("x-trace-label").map(String::as_str), Some("nightly"));
    invalid_input(client.get_workspace("acc_1").x_trace_label("").await, "X-Trace-Label");

    // Rule 7: a 502 on a GET is retried; on a POST that is not idempotent, it is not.
    let flaky = client.get_workspace("acc_flaky").await.unwrap();
    assert_eq!(flaky.id, "acc_flaky");
    assert_eq!(requests(&log, "/workspaces/acc_flaky").len(), 2, "the GET was retried once");
    let failed = client
        .create_group()
        .account_id("acc_1")
        .attendees_ids("att_1")
        .attendees_ids("att_2")
        .await
        .unwrap_err();
    assert_eq!(failed.status(), Some(502));
    assert_eq!(failed.outcome(), Outcome::Unknown);
    let chats = requests(&log, "/groups");
    assert_eq!(chats.len(), 1, "the POST was not retried");
    let body: serde_json::Value = serde_json::from_slice(&chats[0].body).unwrap();
    assert_eq!(body, serde_json::json!({"account_id": "acc_1", "attendees_ids": ["att_1", "att_2"]}));
    assert!(postpress::retry::is_idempotent(OperationId::DeleteMessage));
    assert!(postpress::retry::is_idempotent(OperationId::GetWorkspace));
    assert!(!postpress::retry::is_idempotent(OperationId::CreateGroup));
    assert!(!postpress::retry::is_idempotent(OperationId::ArchiveMessage), "x-idempotent: false overrides PUT");

    // Rule 4: per-call options and metadata on a new operation; a deadline past the clock's range.
    let response = client
        .delete_message("msg_1")
        .timeout(Duration::from_secs(5))
        .deadline(Duration::MAX)
        .max_retries(0)
        .with_metadata()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.body().deleted);

    // A list query parameter that may be one value or several: the setter appends, each value a
    // `name=value` of its own.
    client.list_workspaces().ids("acc_1").ids("acc_2").await.unwrap();
    let last = log.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last.query["ids"], ["acc_1", "acc_2"]);

    // Downloads: an answer of a media type that is not JSON is a file, read as the caller wants;
    // the 502 before it was retried.
    let picture = client.get_workspace_picture("acc_1").await.unwrap();
    assert_eq!(requests(&log, "/workspaces/acc_1/picture").len(), 2, "the download was retried once");
    assert_eq!(picture.content_type(), Some("image/png"));
    assert_eq!(picture.content_length(), Some(PICTURE_SIZE as u64));
    let saved = std::env::temp_dir().join(format!("postpress-growth-picture-{}.png", std::process::id()));
    assert_eq!(picture.save_to(&saved).await.unwrap(), PICTURE_SIZE as u64);
    assert_eq!(std::fs::read(&saved).unwrap(), vec![b'P'; PICTURE_SIZE]);
    let _ = std::fs::remove_file(&saved);
    let streamed: usize = client
        .get_workspace_picture("acc_1")
        .await
        .unwrap()
        .into_stream()
        .map(|chunk| chunk.unwrap().len())
        .fold(0, |total, n| async move { total + n })
        .await;
    assert_eq!(streamed, PICTURE_SIZE);
    let response = client.get_workspace_picture("acc_1").with_metadata().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.into_body().bytes().await.unwrap().len(), PICTURE_SIZE);
    assert!(OperationId::GetWorkspacePicture.spec().download);

    // Rule 5: multipart, a repeated text field and a streamed file, with progress.
    let sent = Arc::new(Mutex::new(0u64));
    let counter = sent.clone();
    let uploaded = client
        .upload_document("acc_1")
        .title("Q3 report")
        .tags("finance")
        .tags("2026")
        .metadata(serde_json::from_value::<postpress::types::UploadDocumentRequestMetadata>(serde_json::json!({"source": "scanner"})).unwrap())
        .reviewers(serde_json::from_value::<postpress::types::UploadDocumentRequestReviewersItem>(serde_json::json!({"name": "Ada"})).unwrap())
        .reviewers(serde_json::from_value::<postpress::types::UploadDocumentRequestReviewersItem>(serde_json::json!({"name": "Bo"})).unwrap())
        .file(Upload::bytes("q3.pdf", vec![7u8; 300_000]))
        .on_progress(move |p| *counter.lock().unwrap() = p.sent)
        .await
        .unwrap();
    assert_eq!(uploaded.parts, 7, "title, two tags, the metadata, two reviewers, the file");
    let upload = &requests(&log, "/workspaces/acc_1/documents")[0];
    let text = String::from_utf8_lossy(&upload.body);
    assert_eq!(text.matches("name=\"tags\"").count(), 2);
    // An object is a JSON part (OpenAPI's default), a list of objects a JSON part each; the spec's
    // `encoding` names the title's type.
    assert!(text.contains("name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{\"source\":\"scanner\"}\r\n"), "{text:.600}");
    assert!(text.contains("name=\"reviewers\"\r\nContent-Type: application/json\r\n\r\n{\"name\":\"Ada\"}\r\n"));
    assert!(text.contains("name=\"reviewers\"\r\nContent-Type: application/json\r\n\r\n{\"name\":\"Bo\"}\r\n"));
    assert!(text.contains("name=\"title\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nQ3 report\r\n"));
    assert!(text.contains("filename=\"q3.pdf\""));
    assert_eq!(*sent.lock().unwrap(), upload.body.len() as u64, "progress counted the whole body");

    // A list without pagination has no .pages(): the table says so (and the method does not
    // exist: `client.list_group_members("group_1").pages()` does not compile).
    assert!(!OperationId::ListGroupMembers.spec().paginated);
    assert!(OperationId::ListWorkspaces.spec().paginated);
    let attendees = client.list_group_members("group_1").await.unwrap();
    assert_eq!(attendees.items.len(), 1);

    // A callback the fixture adds (create_group's `member_joined`) is an event with no other line:
    // its own variant, told apart by its payload's fixed `event`, with its x-dedupe-key.
    let joined = serde_json::json!({"event": "member_joined", "group_id": "group_1", "member_id": "m_7"});
    let event = postpress::webhooks::Event::from_payload(joined).unwrap();
    let postpress::webhooks::Event::MemberJoined(payload) = &event else {
        panic!("not a MemberJoined: {event:?}")
    };
    assert_eq!(payload.member_id, "m_7");
    assert_eq!(event.name(), "member_joined");
    assert_eq!(event.dedupe_key(), "member_joined:group_1:m_7");

    // Names typify gives alike, made apart before it saw them: each value decodes where it was
    // on the wire and goes back there (a field or a type merged with another would lose one).
    let profile = client.get_workspace_profile("acc_1").await.unwrap();
    assert_eq!(profile.first_name_2.as_deref(), Some("Ann"), "`first-name`, renamed for typify");
    assert_eq!(profile.first_name.as_deref(), Some("Annie"));
    assert_eq!(serde_json::to_value(&profile).unwrap(), profile_json());
    let statuses = ["active", "ACTIVE", "Active"].map(|wire| {
        let status: postpress::types::ProfileStatus = serde_json::from_value(serde_json::json!(wire)).unwrap();
        (status.to_string(), serde_json::to_value(status).unwrap())
    });
    for (wire, (shown, sent)) in ["active", "ACTIVE", "Active"].iter().zip(statuses) {
        assert_eq!((shown.as_str(), sent), (*wire, serde_json::json!(wire)));
    }
    // A body field named `body` is a field like any other.
    let note = client.add_workspace_note("acc_1").body("call back").subject("follow-up").await.unwrap();
    assert_eq!(note.note_id, "note_1");
    let sent: serde_json::Value = serde_json::from_slice(&requests(&log, "/workspaces/acc_1/notes")[0].body).unwrap();
    assert_eq!(sent, serde_json::json!({"body": "call back", "subject": "follow-up"}));

    println!("growth program: every rule held");
}
