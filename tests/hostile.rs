//! A hostile server: for every operation, answers that are broken in the ways proxies and networks
//! break them. Each must end in the documented typed error within the configured timeout, with no
//! panic. The server is raw TCP, so it can misbehave in ways a mock library cannot.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use postpress::requests::AnyRequest;
use postpress::{Client, Error, ErrorCode, InvalidResponse, Upload};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does once it has read a request.
#[derive(Clone)]
enum Behaviour {
    /// Writes these bytes, then closes.
    Reply(Vec<u8>),
    /// Writes the head, then the body one byte every `interval`.
    Trickle {
        head: Vec<u8>,
        body: Vec<u8>,
        interval: Duration,
    },
    /// Writes a chunked 200 of `total` bytes, counting what it managed to write.
    Flood { total: u64, written: Arc<AtomicU64> },
}

/// The server: its URL, and what it saw.
struct Hostile {
    url: String,
    requests: Arc<AtomicUsize>,
    keys: Arc<Mutex<Vec<String>>>,
}

async fn read_request(socket: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let body_start = loop {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let text = String::from_utf8_lossy(&head[..body_start]).to_ascii_lowercase();
    // Drain the body so the client is not stopped mid-send (Content-Length, or chunked).
    if let Some(len) = text.lines().find_map(|l| l.strip_prefix("content-length:")) {
        let mut left = len
            .trim()
            .parse::<usize>()
            .unwrap_or(0)
            .saturating_sub(head.len() - body_start);
        while left > 0 {
            let n = socket.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            left = left.saturating_sub(n);
        }
    } else if text.contains("transfer-encoding: chunked") {
        let mut tail = head[body_start..].to_vec();
        while !tail.ends_with(b"0\r\n\r\n") {
            let n = socket.read(&mut buf).await.ok()?;
            if n == 0 {
                break;
            }
            tail.extend_from_slice(&buf[..n]);
        }
    }
    Some(text)
}

async fn serve(socket: &mut TcpStream, behaviour: &Behaviour) -> std::io::Result<()> {
    match behaviour {
        Behaviour::Reply(bytes) => socket.write_all(bytes).await,
        Behaviour::Trickle { head, body, interval } => {
            socket.write_all(head).await?;
            for byte in body {
                tokio::time::sleep(*interval).await;
                socket.write_all(&[*byte]).await?;
            }
            Ok(())
        }
        Behaviour::Flood { total, written } => {
            socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
                .await?;
            let chunk = vec![b' '; 64 * 1024];
            let framed = [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk, b"\r\n".to_vec()].concat();
            let mut sent = 0u64;
            while sent < *total {
                socket.write_all(&framed).await?;
                sent += 64 * 1024;
                written.store(sent, Ordering::SeqCst);
            }
            socket.write_all(b"0\r\n\r\n").await
        }
    }
}

async fn hostile(behaviour: Behaviour) -> Hostile {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let keys = Arc::new(Mutex::new(Vec::new()));
    let (count, seen) = (requests.clone(), keys.clone());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (behaviour, count, seen) = (behaviour.clone(), count.clone(), seen.clone());
            tokio::spawn(async move {
                if let Some(head) = read_request(&mut socket).await {
                    count.fetch_add(1, Ordering::SeqCst);
                    if let Some(key) = head.lines().find_map(|l| l.strip_prefix("x-api-key:")) {
                        seen.lock().unwrap().push(key.trim().to_string());
                    }
                    let _ = serve(&mut socket, &behaviour).await;
                }
            });
        }
    });
    Hostile { url, requests, keys }
}

fn reply(status: &str, content_type: &str, body: &[u8], extra: &str) -> Behaviour {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
        body.len()
    );
    Behaviour::Reply([head.into_bytes(), body.to_vec()].concat())
}

const TIMEOUT: Duration = Duration::from_millis(1500);
const KEY: &str = "pp_live_HOSTILE_SECRET_99";

/// A client whose every attempt, uploads included, must end within `TIMEOUT`.
fn client(url: &str, max_retries: u32) -> Client {
    let builder = Client::builder()
        .api_key(KEY)
        .base_url(url)
        .timeout(TIMEOUT)
        .upload_timeout(TIMEOUT);
    builder.max_retries(max_retries).build().unwrap()
}

/// Every operation of the spec, by id (from the generated table).
fn operations() -> Vec<&'static str> {
    postpress::operations::OPERATIONS.iter().map(|op| op.id).collect()
}

/// Runs `check` for the operations sixteen at a time: the cases that wait on a timer (a timeout, a
/// retry's delay) wait together instead of one operation after another, and no more run at once
/// than two cores serve within the time bounds the checks assert (all of them at once, with the
/// LinkedIn parts, took over two seconds for a call that waits for nothing).
async fn each_operation_at_once<F, Fut>(check: F)
where
    F: Fn(&'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    use futures_util::StreamExt;
    futures_util::stream::iter(operations())
        .for_each_concurrent(16, check)
        .await;
}

/// A call of `operation` with valid input: the table's example request, any file a small upload.
async fn call(client: &Client, operation: &str) -> Result<(), Error> {
    let op = postpress::operations::by_id(operation).expect("an operation of the table");
    let Value::Object(arguments) = serde_json::from_str(op.request_example).unwrap() else {
        panic!("{operation}: the example request is not an object");
    };
    let file = |_: &str, _: &str| Ok(Upload::bytes("a.txt", &b"x"[..]));
    let request = AnyRequest::from_json(client, op.operation, arguments, &file)?;
    // A file is read to its end: a body that breaks off fails there.
    if op.download {
        request.download().await?.bytes().await.map(drop)
    } else {
        request.send().await.map(drop)
    }
}

/// Runs `operation` against `behaviour`; returns the error and how long it took.
async fn fails(behaviour: Behaviour, operation: &str, max_retries: u32) -> (Error, Duration, Hostile) {
    let server = hostile(behaviour).await;
    let started = Instant::now();
    let result = call(&client(&server.url, max_retries), operation).await;
    let elapsed = started.elapsed();
    let error = result.expect_err(operation);
    assert!(
        !format!("{error} {error:?}").contains("HOSTILE_SECRET"),
        "{operation}: the key leaked into the error"
    );
    (error, elapsed, server)
}

/// Whether `operation` answers a file: any bytes of any type are its answer, and its body is
/// the caller's to read once the head is judged (a break there is not retried: the call is over).
fn is_download(operation: &str) -> bool {
    postpress::operations::by_id(operation).unwrap().download
}

/// A file answer where JSON would be wrong: the call succeeds and the bytes are the file.
async fn a_file(behaviour: Behaviour, operation: &str) {
    let server = hostile(behaviour).await;
    call(&client(&server.url, 0), operation)
        .await
        .unwrap_or_else(|e| panic!("{operation}: a file of any bytes and type is its answer: {e}"));
}

fn idempotent(operation: &str) -> bool {
    postpress::retry::is_idempotent(postpress::operations::by_id(operation).unwrap().operation)
}

/// An answer whose body broke off while it was read: the connection broke after the request was
/// sent (the outcome is unknown; transient, so retried for an operation that may be repeated).
fn broke_off(error: &Error, operation: &str) {
    assert!(
        matches!(error, Error::Transport(_)),
        "{operation}: expected Transport, got {error:?}"
    );
    assert_eq!(error.outcome(), postpress::Outcome::Unknown, "{operation}");
    assert_eq!(error.is_retryable(), idempotent(operation), "{operation}: {error}");
}

fn invalid(error: &Error, operation: &str) -> InvalidResponse {
    match error {
        Error::InvalidResponse(e) => (**e).clone(),
        other => panic!("{operation}: expected InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn an_html_502_from_a_proxy() {
    let page = b"<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>";
    for op in operations() {
        let (error, elapsed, _) = fails(reply("502 Bad Gateway", "text/html", page, ""), op, 0).await;
        let e = invalid(&error, op);
        assert_eq!(e.status, Some(502), "{op}");
        assert!(e.snippet.starts_with("<html><head><title>502"), "{op}: {e}");
        assert!(elapsed < TIMEOUT, "{op}");
    }
}

#[tokio::test]
async fn an_empty_500() {
    for op in operations() {
        let (error, _, _) = fails(reply("500 Internal Server Error", "application/json", b"", ""), op, 0).await;
        let e = invalid(&error, op);
        assert_eq!((e.status, e.reason.as_str()), (Some(500), "empty body"), "{op}");
    }
}

fn success_status(operation: &str) -> String {
    let status = postpress::operations::by_id(operation).unwrap().success;
    let reason = reqwest::StatusCode::from_u16(status)
        .unwrap()
        .canonical_reason()
        .unwrap_or("");
    format!("{status} {reason}")
}

#[tokio::test]
async fn json_truncated_mid_body() {
    each_operation_at_once(|op| async move {
        // The connection closes before Content-Length bytes arrived.
        let head = format!(
            "HTTP/1.1 {}\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n",
            success_status(op)
        );
        let cut = Behaviour::Reply(
            [
                head.into_bytes(),
                br#"{"object": "Message", "id": "msg_1", "prov"#.to_vec(),
            ]
            .concat(),
        );
        let (error, _, server) = fails(cut.clone(), op, 0).await;
        broke_off(&error, op);
        assert_eq!(server.requests.load(Ordering::SeqCst), 1, "{op}");
        // With retries allowed, a read tries again; a send or forward does not, and neither does
        // a file, whose body breaks off after the call handed it over.
        let (error, _, server) = fails(cut, op, 2).await;
        broke_off(&error, op);
        let attempts = if idempotent(op) && !is_download(op) { 3 } else { 1 };
        assert_eq!(server.requests.load(Ordering::SeqCst), attempts, "{op}: {error}");

        // The body is complete by its length, but the JSON in it stops half way.
        let half = br#"{"object": "#;
        if is_download(op) {
            a_file(reply(&success_status(op), "application/json", half, ""), op).await;
            return;
        }
        let (error, _, _) = fails(reply(&success_status(op), "application/json", half, ""), op, 0).await;
        let e = invalid(&error, op);
        assert!(e.reason.starts_with("truncated JSON"), "{op}: {e}");
    })
    .await;
}

#[tokio::test]
async fn a_success_status_with_a_body_of_another_schema() {
    for op in operations() {
        if is_download(op) {
            a_file(
                reply(&success_status(op), "application/json", br#"{"hello": "world"}"#, ""),
                op,
            )
            .await;
            continue;
        }
        let (error, _, _) = fails(
            reply(&success_status(op), "application/json", br#"{"hello": "world"}"#, ""),
            op,
            0,
        )
        .await;
        let e = invalid(&error, op);
        assert!(e.reason.contains("not the documented JSON"), "{op}: {e}");
        assert!(e.snippet.contains("hello"), "{op}");
    }
}

#[tokio::test]
async fn a_wrong_content_type() {
    for op in operations() {
        if is_download(op) {
            a_file(reply(&success_status(op), "text/plain", b"OK", ""), op).await;
        } else {
            let (error, _, _) = fails(reply(&success_status(op), "text/plain", b"OK", ""), op, 0).await;
            let e = invalid(&error, op);
            assert!(e.reason.contains("text/plain"), "{op}: {e}");
        }
        // A documented error status with an HTML body keeps its status too.
        let (error, _, _) = fails(
            reply("503 Service Unavailable", "text/html", b"<h1>down</h1>", ""),
            op,
            0,
        )
        .await;
        assert_eq!(invalid(&error, op).status, Some(503), "{op}");
    }
}

#[tokio::test]
async fn headers_then_the_connection_closes() {
    for op in operations() {
        let head = format!(
            "HTTP/1.1 {}\r\ncontent-type: application/json\r\ncontent-length: 2048\r\n\r\n",
            success_status(op)
        );
        let (error, _, _) = fails(Behaviour::Reply(head.into_bytes()), op, 0).await;
        broke_off(&error, op);
    }
}

#[tokio::test]
async fn a_body_that_trickles_slower_than_the_timeout() {
    each_operation_at_once(|op| async move {
        let head = format!(
            "HTTP/1.1 {}\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n",
            success_status(op)
        )
        .into_bytes();
        let trickle = Behaviour::Trickle {
            head,
            body: vec![b' '; 200],
            interval: Duration::from_millis(50),
        };
        let (error, elapsed, _) = fails(trickle, op, 0).await;
        assert!(matches!(error, Error::Timeout(_)), "{op}: {error:?}");
        assert!(elapsed < TIMEOUT + Duration::from_millis(500), "{op}: took {elapsed:?}");
    })
    .await;
}

#[tokio::test]
async fn a_body_of_100_mib_is_refused_within_the_cap() {
    for op in operations() {
        // Declared: refused before reading it.
        let head = format!(
            "HTTP/1.1 {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{{",
            success_status(op),
            100u64 << 20
        );
        let (error, _, _) = fails(Behaviour::Reply(head.into_bytes()), op, 0).await;
        assert!(
            invalid(&error, op).reason.contains("larger than the SDK's limit"),
            "{op}"
        );
    }
    // Undeclared (chunked): read up to the cap, then refused; the server could not push it all.
    let written = Arc::new(AtomicU64::new(0));
    let flood = Behaviour::Flood {
        total: 100 << 20,
        written: written.clone(),
    };
    let server = hostile(flood).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&server.url)
        .timeout(Duration::from_secs(20))
        .max_retries(0)
        .build()
        .unwrap();
    let error = client.get_message("msg_1").await.unwrap_err();
    assert!(
        invalid(&error, "get_message")
            .reason
            .contains("larger than the SDK's limit"),
        "{error}"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent = written.load(Ordering::SeqCst);
    // What the client read, and what the kernel's socket buffers hold unread on both sides (the
    // receive buffer grows with the reading, up to the system's maximum): the server could write
    // no more, and the flood's 100 MiB stays far above it.
    let slack = socket_buffers_max();
    assert!(
        sent < postpress::MAX_RESPONSE_BODY + slack && sent < 100 << 20,
        "the client stopped reading: the server wrote {sent} bytes (slack {slack})"
    );
}

/// The largest send and receive buffers a TCP socket may grow to (Linux's `tcp_wmem` and
/// `tcp_rmem` maxima), or 8 MiB each where the system does not say.
fn socket_buffers_max() -> u64 {
    let max = |name: &str| {
        std::fs::read_to_string(format!("/proc/sys/net/ipv4/{name}"))
            .ok()
            .and_then(|text| text.split_whitespace().nth(2)?.parse::<u64>().ok())
            .unwrap_or(8 << 20)
    };
    max("tcp_wmem") + max("tcp_rmem")
}

#[tokio::test]
async fn a_redirect_to_another_host_does_not_take_the_key() {
    let elsewhere = hostile(reply("200 OK", "application/json", b"{}", "")).await;
    for op in operations() {
        let location = format!("location: {}/steal\r\n", elsewhere.url);
        let (error, _, server) = fails(reply("307 Temporary Redirect", "text/plain", b"", &location), op, 0).await;
        let e = invalid(&error, op);
        assert!(e.status == Some(307) && e.reason.contains(&elsewhere.url), "{op}: {e}");
        assert_eq!(
            server.keys.lock().unwrap().as_slice(),
            [KEY.to_ascii_lowercase()],
            "{op}: the key went to the API"
        );
    }
    assert_eq!(
        elsewhere.requests.load(Ordering::SeqCst),
        0,
        "nothing reached the other host"
    );
}

#[tokio::test]
async fn retry_after_that_is_huge_negative_or_garbage_never_hangs() {
    let envelope = br#"{"type": "errors/service_unavailable", "status": 503, "title": "Service Unavailable"}"#;
    each_operation_at_once(|op| async move {
        for (value, expected_wait, attempts) in [
            ("86400", Some(Duration::from_secs(86400)), 1),
            ("-30", None, 2),
            ("soon", None, 2),
            ("1e9", None, 2),
        ] {
            let header = format!("retry-after: {value}\r\n");
            let (error, elapsed, server) = fails(
                reply("503 Service Unavailable", "application/json", envelope, &header),
                op,
                1,
            )
            .await;
            assert_eq!(
                error.code(),
                Some(&ErrorCode::ServiceUnavailable),
                "{op} {value} {error:?}"
            );
            assert_eq!(error.retry_after(), expected_wait, "{op} {value}");
            assert_eq!(server.requests.load(Ordering::SeqCst), attempts, "{op} {value}");
            assert!(elapsed < Duration::from_secs(2), "{op} {value}: took {elapsed:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_connection_reset_while_an_attachment_uploads() {
    // The server reads the head and a little of the body, then resets the connection.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let mut buf = vec![0u8; 32 * 1024];
            let _ = socket.read(&mut buf).await;
            // A zero linger makes close send RST instead of FIN, at once (only a non-zero linger
            // blocks on drop, which is why tokio deprecates the method).
            #[allow(deprecated)]
            let _ = socket.set_linger(Some(Duration::ZERO));
            drop(socket);
        }
    });
    let big = vec![7u8; 16 << 20];
    let started = Instant::now();
    let error = client(&url, 2)
        .send_message("chat_1")
        .attachment(Upload::bytes("big.bin", big))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(&error, Error::Transport(t) if !t.connect), "{error:?}");
    assert!(started.elapsed() < TIMEOUT);
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "an upload that may have reached the server is not repeated"
    );
}

/// Every case of this suite, with the outcome its error must report: may the action have taken
/// effect? The same for every operation (the outcome does not depend on the operation; only
/// whether to retry does).
#[tokio::test]
async fn every_case_reports_whether_the_action_may_have_taken_effect() {
    use postpress::Outcome::{NotApplied, Unknown};
    let envelope =
        |ty: &str, status: u16| format!(r#"{{"type": "{ty}", "status": {status}, "title": "T"}}"#).into_bytes();
    let html = b"<html><body>gateway</body></html>".to_vec();
    let json = "application/json";
    type Case = (&'static str, Box<dyn Fn(&str) -> Behaviour>, postpress::Outcome);
    let cases: Vec<Case> = vec![
        (
            "HTML 502 from a proxy",
            Box::new(move |_| reply("502 Bad Gateway", "text/html", &html, "")),
            Unknown,
        ),
        (
            "empty 500",
            Box::new(|_| reply("500 Internal Server Error", json, b"", "")),
            Unknown,
        ),
        (
            "500 envelope",
            Box::new(move |_| {
                reply(
                    "500 Internal Server Error",
                    json,
                    &envelope("errors/unexpected_error", 500),
                    "",
                )
            }),
            Unknown,
        ),
        (
            "504 envelope",
            Box::new(move |_| {
                reply(
                    "504 Gateway Timeout",
                    json,
                    &envelope("errors/request_timeout", 504),
                    "",
                )
            }),
            Unknown,
        ),
        (
            "success cut mid-body",
            Box::new(|op| {
                let head = format!(
                    "HTTP/1.1 {}\r\ncontent-type: application/json\r\ncontent-length: 400\r\n\r\n{{\"obj",
                    success_status(op)
                );
                Behaviour::Reply(head.into_bytes())
            }),
            Unknown,
        ),
        (
            "success of another schema",
            Box::new(|op| reply(&success_status(op), json, br#"{"hello": 1}"#, "")),
            Unknown,
        ),
        (
            "success with a wrong content type",
            Box::new(|op| reply(&success_status(op), "text/plain", b"OK", "")),
            Unknown,
        ),
        (
            "HTML 503",
            Box::new(|_| reply("503 Service Unavailable", "text/html", b"<h1>down</h1>", "")),
            Unknown,
        ),
        (
            "HTML 429",
            Box::new(|_| reply("429 Too Many Requests", "text/html", b"<h1>slow</h1>", "")),
            Unknown,
        ),
        (
            "503 of an undocumented type",
            Box::new(move |_| reply("503 Service Unavailable", json, &envelope("errors/new_outage", 503), "")),
            Unknown,
        ),
        (
            "closed before an answer",
            Box::new(|_| Behaviour::Reply(Vec::new())),
            Unknown,
        ),
        (
            "redirect to another host",
            Box::new(|_| {
                reply(
                    "307 Temporary Redirect",
                    "text/plain",
                    b"",
                    "location: http://127.0.0.1:9/x\r\n",
                )
            }),
            Unknown,
        ),
        (
            "404 envelope",
            Box::new(move |_| reply("404 Not Found", json, &envelope("errors/resource_not_found", 404), "")),
            NotApplied,
        ),
        (
            "HTML 404 from a proxy",
            Box::new(|_| reply("404 Not Found", "text/html", b"<h1>no</h1>", "")),
            NotApplied,
        ),
        (
            "401 envelope",
            Box::new(move |_| {
                reply(
                    "401 Unauthorized",
                    json,
                    &envelope("errors/invalid_credentials", 401),
                    "",
                )
            }),
            NotApplied,
        ),
        (
            "429 too_many_requests",
            Box::new(move |_| {
                reply(
                    "429 Too Many Requests",
                    json,
                    &envelope("errors/too_many_requests", 429),
                    "",
                )
            }),
            NotApplied,
        ),
        (
            "503 no_client_session",
            Box::new(move |_| {
                reply(
                    "503 Service Unavailable",
                    json,
                    &envelope("errors/no_client_session", 503),
                    "",
                )
            }),
            NotApplied,
        ),
        (
            "501 envelope",
            Box::new(move |_| {
                reply(
                    "501 Not Implemented",
                    json,
                    &envelope("errors/feature_not_implemented", 501),
                    "",
                )
            }),
            NotApplied,
        ),
    ];
    for (name, behaviour, expected) in &cases {
        for op in operations() {
            if is_download(op) && ["success of another schema", "success with a wrong content type"].contains(name) {
                a_file(behaviour(op), op).await;
                continue;
            }
            let (error, _, _) = fails(behaviour(op), op, 0).await;
            assert_eq!(error.outcome(), *expected, "{name}, {op}: {error}");
            // One decision: a send or forward is retried only when nothing can have happened.
            if !postpress::retry::is_idempotent(postpress::operations::by_id(op).unwrap().operation)
                && error.is_retryable()
            {
                assert_eq!(error.outcome(), NotApplied, "{name}, {op}");
            }
        }
    }
    // No connection at all, and input refused before sending.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let nowhere = client(&format!("http://127.0.0.1:{port}"), 0);
    for op in operations() {
        let error = call(&nowhere, op).await.unwrap_err();
        assert_eq!(error.outcome(), NotApplied, "refused connection, {op}: {error}");
    }
    let refused = nowhere.get_message("..").await.unwrap_err();
    assert_eq!(refused.outcome(), NotApplied, "{refused}");
    // A body that trickles past the timeout: the request was written.
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n".to_vec();
    let trickle = Behaviour::Trickle {
        head,
        body: vec![b' '; 200],
        interval: Duration::from_millis(50),
    };
    let (error, _, _) = fails(trickle, "get_message", 0).await;
    assert_eq!(error.outcome(), Unknown, "{error}");
}
