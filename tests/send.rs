//! Send-message over loopback: the received body is parsed with a real multipart parser (multer)
//! and every part is compared with what was given.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use postpress::{Client, Error, ErrorCode, Progress, Upload};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "pp_test_send";

fn client(uri: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(uri)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn sent() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({"object": "MessageSent", "message_id": "msg_new"}))
}

async fn server_answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chats/chat_1/messages"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

#[derive(Debug, PartialEq)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

/// Parses a received request body with multer.
async fn parts(request: &Request) -> Vec<Part> {
    let content_type = request.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let boundary = multer::parse_boundary(content_type).unwrap();
    let body = Bytes::from(request.body.clone());
    let mut form = multer::Multipart::new(futures_util::stream::iter([Ok::<_, std::io::Error>(body)]), boundary);
    let mut parts = Vec::new();
    while let Some(field) = form.next_field().await.expect("well-formed multipart") {
        let name = field.name().unwrap().to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(|m| m.to_string());
        let data = field.bytes().await.unwrap();
        parts.push(Part {
            name,
            file_name,
            content_type,
            data,
        });
    }
    parts
}

fn text(name: &str, value: &str) -> Part {
    Part {
        name: name.into(),
        file_name: None,
        content_type: None,
        data: Bytes::copy_from_slice(value.as_bytes()),
    }
}

fn file(name: &str, file_name: &str, content_type: &str, data: &[u8]) -> Part {
    Part {
        name: name.into(),
        file_name: Some(file_name.into()),
        content_type: Some(content_type.into()),
        data: Bytes::copy_from_slice(data),
    }
}

fn temp_file(dir: &std::path::Path, name: &str, data: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, data).unwrap();
    path
}

fn temp_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("postpress-send-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn every_field_and_file_arrives_as_given_in_order() {
    let dir = temp_dir("fields");
    let pdf = temp_file(&dir, "report.pdf", b"%PDF-1.7 fake report");
    let ogg = temp_file(&dir, "note.ogg", b"OggS voice");
    let server = server_answering(sent()).await;
    let message = client(&server.uri())
        .send_message("chat_1")
        .text("Got it - thanks!")
        .account_id("acc_1")
        .thread_id("thr_1")
        .quote_id("msg_0")
        .typing_duration("3")
        .attachment(Upload::path(&pdf))
        .attachment(Upload::bytes("photo.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0]))
        .attachment(Upload::bytes("data.unknownext", &b"raw"[..]))
        .attachment(
            Upload::path(&pdf)
                .file_name("renamed.bin")
                .content_type("application/x-custom"),
        )
        .voice_message(Upload::path(&ogg))
        .video_message(Upload::bytes("clip.mp4", &b"mp4"[..]))
        .send()
        .await
        .unwrap();
    assert_eq!(message.message_id, "msg_new");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.headers.get("x-api-key").unwrap(), KEY);
    assert_eq!(request.headers.get("accept").unwrap(), "application/json");
    let length: usize = request
        .headers
        .get("content-length")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(length, request.body.len(), "Content-Length is exact");
    let pdf_bytes = std::fs::read(&pdf).unwrap();
    assert_eq!(
        parts(request).await,
        vec![
            text("text", "Got it - thanks!"),
            text("account_id", "acc_1"),
            text("thread_id", "thr_1"),
            text("quote_id", "msg_0"),
            text("typing_duration", "3"),
            file("voice_message", "note.ogg", "audio/ogg", b"OggS voice"),
            file("video_message", "clip.mp4", "video/mp4", b"mp4"),
            file("attachments", "report.pdf", "application/pdf", &pdf_bytes),
            file("attachments", "photo.jpg", "image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]),
            file("attachments", "data.unknownext", "application/octet-stream", b"raw"),
            file("attachments", "renamed.bin", "application/x-custom", &pdf_bytes),
        ]
    );
}

#[tokio::test]
async fn a_large_file_is_streamed_intact() {
    let dir = temp_dir("large");
    let data: Vec<u8> = (0..24 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let big = temp_file(&dir, "big.bin", &data);
    let server = server_answering(sent()).await;
    client(&server.uri())
        .send_message("chat_1")
        .attachment(Upload::path(&big))
        .send()
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    let parts = parts(request).await;
    assert_eq!(parts.len(), 1);
    assert_eq!(parts[0].data.len(), data.len());
    assert_eq!(digest(&parts[0].data), digest(&data), "same bytes");
    std::fs::remove_file(big).unwrap();
}

fn digest(data: &[u8]) -> u64 {
    use std::hash::{DefaultHasher, Hasher};
    let mut hasher = DefaultHasher::new();
    hasher.write(data);
    hasher.finish()
}

#[tokio::test]
async fn readers_and_streams_are_sent_with_or_without_a_known_length() {
    let server = server_answering(sent()).await;
    let chunks = futures_util::stream::iter([Ok(Bytes::from_static(b"ab")), Ok(Bytes::from_static(b"cd"))]);
    client(&server.uri())
        .send_message("chat_1")
        .attachment(Upload::reader("a.txt", &b"from a reader"[..], None))
        .attachment(Upload::stream("b.txt", chunks, Some(4)))
        .send()
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    // One length unknown: no Content-Length, the body goes chunked.
    assert!(request.headers.get("content-length").is_none());
    assert_eq!(request.headers.get("transfer-encoding").unwrap(), "chunked");
    assert_eq!(
        parts(request).await,
        vec![
            file("attachments", "a.txt", "text/plain", b"from a reader"),
            file("attachments", "b.txt", "text/plain", b"abcd"),
        ]
    );
}

#[tokio::test]
async fn names_are_escaped_and_utf8_names_survive() {
    let server = server_answering(sent()).await;
    client(&server.uri())
        .send_message("chat_1")
        .attachment(Upload::bytes("résumé \"final\"\r\nX-Evil: 1.pdf", &b"x"[..]))
        .send()
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    let parts = parts(request).await;
    assert_eq!(parts.len(), 1);
    assert_eq!(
        parts[0].file_name.as_deref(),
        Some("résumé %22final%22%0D%0AX-Evil: 1.pdf")
    );
    assert_eq!(parts[0].content_type.as_deref(), Some("application/pdf"));
}

#[tokio::test]
async fn bad_input_is_refused_before_any_byte_is_sent() {
    let server = server_answering(sent()).await;
    let client = client(&server.uri());
    let missing = std::env::temp_dir().join("postpress-definitely-missing/report.pdf");
    let error = client
        .send_message("chat_1")
        .text("hi")
        .attachment(Upload::path(&missing))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::InvalidInput(_)), "{error:?}");
    assert!(error.to_string().contains(&missing.display().to_string()), "{error}");

    let dir = temp_dir("dir");
    let error = client
        .send_message("chat_1")
        .attachment(Upload::path(&dir))
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("not a file"), "{error}");

    let error = client.send_message("chat_1").send().await.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput(e) if e.message.contains("one of text, attachments, voice_message, video_message is required")),
        "{error}"
    );
    let error = client.send_message("chat_1").text("").send().await.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidInput(e) if e.message.contains("text is shorter than 1 characters")),
        "{error}"
    );
    let error = client.send_message("").text("hi").send().await.unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)));
    let error = client
        .send_message("chat_1")
        .attachment(Upload::bytes("a", &b"x"[..]).content_type("text/plain\r\nX: y"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)));

    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing reached the server"
    );
    // Empty text beside a file: the message carries the file, and is sent.
    client
        .send_message("chat_1")
        .text("")
        .attachment(Upload::bytes("a.txt", &b"x"[..]))
        .send()
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn media_and_validation_errors_decode_to_their_codes() {
    for code in ErrorCode::DOCUMENTED
        .iter()
        .filter(|c| matches!(c.documented_status(), Some(404 | 415 | 422 | 429)))
    {
        let status = code.documented_status().unwrap();
        let body = json!({"type": code.as_str(), "status": status, "title": "t", "detail": "d"});
        let server = server_answering(ResponseTemplate::new(status).set_body_json(body)).await;
        let client = Client::builder()
            .api_key(KEY)
            .base_url(server.uri())
            .max_retries(0)
            .build()
            .unwrap();
        let error = client.send_message("chat_1").text("hi").send().await.unwrap_err();
        assert_eq!((error.status(), error.code()), (Some(status), Some(code)), "{error}");
    }
}

#[tokio::test]
async fn a_retry_rebuilds_the_body_from_its_source() {
    let dir = temp_dir("retry");
    let pdf = temp_file(&dir, "r.pdf", &vec![7u8; 300_000]);
    let server = MockServer::start().await;
    common::busy_once_then(&server, "/chats/chat_1/messages", sent()).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let progress = seen.clone();
    client(&server.uri())
        .send_message("chat_1")
        .text("again")
        .attachment(Upload::path(&pdf))
        .on_progress(move |p: Progress| progress.lock().unwrap().push(p))
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "retried once");
    let (first, second) = (parts(&requests[0]).await, parts(&requests[1]).await);
    assert_eq!(first, second, "the second attempt sent the same parts");
    assert_eq!(second[1].data.len(), 300_000);

    let seen = seen.lock().unwrap();
    let total = requests[1].body.len() as u64;
    assert!(seen.iter().all(|p| p.total == Some(total)));
    assert_eq!(seen.last().unwrap().sent, total, "progress ends at the total");
    assert_eq!(
        seen.iter().filter(|p| p.sent == total).count(),
        2,
        "one full pass per attempt"
    );
}

#[tokio::test]
async fn a_send_is_not_retried_when_it_may_have_taken_effect() {
    for (status, ty) in [
        (500, "errors/unexpected_error"),
        (504, "errors/request_timeout"),
        (503, "errors/unknown_2027"),
    ] {
        let body = json!({"type": ty, "status": status, "title": "t"});
        let server = server_answering(
            ResponseTemplate::new(status)
                .set_body_json(body)
                .append_header("Retry-After", "0"),
        )
        .await;
        let error = client(&server.uri())
            .send_message("chat_1")
            .text("once")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert_eq!(server.received_requests().await.unwrap().len(), 1, "{status} {ty}");
    }
    // A stream cannot be read twice, so even a retryable answer is not retried.
    let busy = json!({"type": "errors/no_client_session", "status": 503, "title": "t"});
    let server = server_answering(
        ResponseTemplate::new(503)
            .set_body_json(busy)
            .append_header("Retry-After", "0"),
    )
    .await;
    let stream = futures_util::stream::iter([Ok(Bytes::from_static(b"once"))]);
    let error = client(&server.uri())
        .send_message("chat_1")
        .attachment(Upload::stream("s.bin", stream, None))
        .send()
        .await;
    assert_eq!(error.unwrap_err().code(), Some(&ErrorCode::NoClientSession));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// A server that reads a little of each request, then drops the connection.
async fn connection_cutter() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                use tokio::io::AsyncReadExt;
                let mut buf = vec![0u8; 64 * 1024];
                let _ = socket.read(&mut buf).await;
                drop(socket);
            });
        }
    });
    (uri, connections)
}

#[tokio::test]
async fn a_connection_broken_mid_upload_is_a_transport_error_and_not_retried() {
    let dir = temp_dir("cut");
    let big = temp_file(&dir, "big.bin", &vec![1u8; 8 * 1024 * 1024]);
    let (uri, connections) = connection_cutter().await;
    let error = client(&uri)
        .send_message("chat_1")
        .attachment(Upload::path(&big))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::Transport(t) if !t.connect), "{error:?}");
    assert!(!error.is_retryable());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(connections.load(Ordering::SeqCst), 1, "sent once");
}
