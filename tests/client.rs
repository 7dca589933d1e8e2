//! The hand-written `Client` over real HTTP on loopback (wiremock): every operation, every
//! documented error type, undecodable answers, the retry rule counted on the server side, hostile
//! ids, same-origin redirects and the key's redaction; and (`wire`) what goes on the wire for
//! each JSON operation. A redirect to another host is `tests/hostile.rs`'s, for every operation.

mod common;

use std::time::{Duration, Instant};

use postpress::{ChatAction, Client, Error, ErrorCode};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "pp_live_SECRET_KEY_do_not_leak_4242";

fn client(server: &MockServer) -> Client {
    client_with(server, 2)
}

fn client_with(server: &MockServer, max_retries: u32) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .max_retries(max_retries)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

fn envelope(ty: &str, status: u16) -> Value {
    json!({"type": ty, "status": status, "title": "Title", "detail": "Detail.", "instance": "req_abc"})
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording")
}

async fn mount(server: &MockServer, verb: &str, at: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

#[tokio::test]
async fn each_operation_succeeds_with_the_right_request() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/messages/msg_1",
        ResponseTemplate::new(200).set_body_json(common::message_json()),
    )
    .await;
    let forwarded = json!({"object": "MessageForwarded", "message_id": null});
    mount(
        &server,
        "POST",
        "/messages/msg_1/forward",
        ResponseTemplate::new(200).set_body_json(forwarded),
    )
    .await;
    let reacted = json!({"object": "MessageReactionAdded", "success": true});
    mount(
        &server,
        "POST",
        "/messages/msg_1/reaction",
        ResponseTemplate::new(200).set_body_json(reacted),
    )
    .await;
    let link = json!({"object": "ChatPatched", "invite_link": "https://chat.whatsapp.com/abc"});
    mount(
        &server,
        "PATCH",
        "/chats/chat_1",
        ResponseTemplate::new(200).set_body_json(link),
    )
    .await;
    let client = client(&server);

    let message = client.get_message("msg_1").await.unwrap();
    assert_eq!(message.text.as_deref(), Some("hello"));
    let forwarded = client.forward_message("msg_1", "chat_2").await.unwrap();
    assert_eq!(forwarded.message_id, None);
    assert!(client.add_reaction("msg_1", "👍").await.unwrap().success);
    assert_eq!(
        client.invite_link("chat_1").await.unwrap(),
        "https://chat.whatsapp.com/abc"
    );
    let actions = [
        ChatAction::SetReadStatus(true),
        ChatAction::SetMuteStatus(false),
        ChatAction::SetArchiveStatus(true),
        ChatAction::SetPinnedStatus(true),
        ChatAction::AddParticipant("334455667788@s.whatsapp.net".into()),
        ChatAction::RemoveParticipant("@bob".into()),
        ChatAction::SetLabel("VIP".into()),
    ];
    for action in &actions {
        client.chat_action("chat_1", action.clone()).await.unwrap();
    }

    let requests = requests(&server).await;
    assert_eq!(requests.len(), 4 + actions.len());
    for request in &requests {
        assert_eq!(request.headers.get("x-api-key").unwrap(), KEY);
        assert!(request.headers.get("api-version").is_none());
        let agent = request.headers.get("user-agent").unwrap().to_str().unwrap();
        assert!(agent.starts_with("postpress-rust/"), "{agent}");
    }
    let body = |i: usize| serde_json::from_slice::<Value>(&requests[i].body).unwrap();
    assert_eq!(body(1), json!({"chat_id": "chat_2"}));
    assert_eq!(body(2), json!({"reaction": "👍"}));
    assert_eq!(body(3), json!({"action": "getInviteLink"}));
    assert_eq!(body(4), json!({"action": "setReadStatus", "value": true}));
    assert_eq!(
        body(8),
        json!({"action": "addParticipant", "value": "334455667788@s.whatsapp.net"})
    );
    assert_eq!(body(10), json!({"action": "setLabel", "value": "VIP"}));
}

/// A call of `op` with valid input: the table's example request, any file a small upload.
async fn call(client: &Client, op: &postpress::operations::Operation) -> Result<(), Error> {
    let Value::Object(arguments) = serde_json::from_str(op.request_example).unwrap() else {
        panic!("{}: the example request is not an object", op.id);
    };
    let file = |_: &str, _: &str| Ok(postpress::Upload::bytes("a.txt", &b"x"[..]));
    let request = postpress::requests::AnyRequest::from_json(client, op.operation, arguments, &file)?;
    // A file is read to its end: a body that breaks off fails there.
    if op.download {
        request.download().await?.bytes().await.map(drop)
    } else {
        request.send().await.map(drop)
    }
}

#[tokio::test]
async fn every_documented_error_type_of_every_operation_decodes_to_its_code() {
    let mut checked = 0;
    // One server, its mock replaced for each case (starting a server per case took most of the time).
    let server = MockServer::start().await;
    let client = client_with(&server, 0);
    for op in postpress::operations::OPERATIONS {
        let operation = op.id;
        for code in ErrorCode::DOCUMENTED
            .iter()
            .filter(|c| op.errors.contains(&c.documented_status().unwrap()))
        {
            let status = code.documented_status().unwrap();
            server.reset().await;
            Mock::given(method(op.method))
                .respond_with(ResponseTemplate::new(status).set_body_json(envelope(code.as_str(), status)))
                .mount(&server)
                .await;
            let error = call(&client, op).await.unwrap_err();
            match &error {
                Error::Api(api) => {
                    assert_eq!(
                        (api.status, &api.code, api.operation.as_str()),
                        (status, code, operation),
                        "{error}"
                    );
                    assert_eq!(api.instance.as_deref(), Some("req_abc"));
                }
                other => panic!("{operation} {code}: expected an API error, got {other:?}"),
            }
            assert_eq!(error.needs_reconnect(), status == 401, "{code}");
            checked += 1;
        }
    }
    // Every error status every page lists, for every operation.
    let per_status = |s: u16| {
        ErrorCode::DOCUMENTED
            .iter()
            .filter(|c| c.documented_status() == Some(s))
            .count()
    };
    let expected: usize = postpress::operations::OPERATIONS
        .iter()
        .map(|op| op.errors.iter().map(|s| per_status(*s)).sum::<usize>())
        .sum();
    assert_eq!(checked, expected);
    assert!(checked > 120, "{checked}");
}

#[tokio::test]
async fn an_unknown_error_type_is_kept_and_display_is_one_line() {
    let server = MockServer::start().await;
    let body = json!({"type": "errors/quota_2027", "status": 403, "title": "Forbidden", "detail": "Quota reached."});
    mount(
        &server,
        "GET",
        "/messages/msg_1",
        ResponseTemplate::new(403).set_body_json(body),
    )
    .await;
    let error = client(&server).get_message("msg_1").await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::Unknown("errors/quota_2027".into())));
    assert_eq!(error.to_string(), "403 errors/quota_2027: Forbidden: Quota reached.");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn an_envelope_with_an_undocumented_status_is_still_an_api_error() {
    // The forward page lists no 404; the envelope still decodes, with its status.
    let server = MockServer::start().await;
    let body = envelope("errors/resource_not_found", 404);
    mount(
        &server,
        "POST",
        "/messages/msg_1/forward",
        ResponseTemplate::new(404).set_body_json(body),
    )
    .await;
    let error = client(&server).forward_message("msg_1", "chat_2").await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::ResourceNotFound));
    assert_eq!(error.status(), Some(404));
}

async fn invalid_response(status: u16, content_type: &str, body: &[u8]) -> postpress::InvalidResponse {
    let server = MockServer::start().await;
    let response = ResponseTemplate::new(status).set_body_raw(body.to_vec(), content_type);
    mount(&server, "GET", "/messages/msg_1", response).await;
    match client_with(&server, 0).get_message("msg_1").await {
        Err(Error::InvalidResponse(e)) => *e,
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn answers_that_are_not_the_documented_json_keep_status_and_a_snippet() {
    let html = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let e = invalid_response(502, "text/html", html).await;
    assert_eq!(e.status, Some(502));
    assert!(e.snippet.starts_with("<html><head><title>502"), "{e}");
    assert!(e.to_string().contains("HTTP 502"), "{e}");

    // An HTML 503 is a documented status with an undocumented body: the status is kept too.
    let e = invalid_response(503, "text/html", b"<h1>Service Unavailable</h1>").await;
    assert_eq!((e.status, e.content_type.as_deref()), (Some(503), Some("text/html")));
    assert!(e.reason.contains("text/html"), "{}", e.reason);

    let e = invalid_response(500, "application/json", b"").await;
    assert_eq!(e.status, Some(500));
    assert_eq!(e.reason, "empty body");

    let e = invalid_response(
        200,
        "application/json",
        br#"{"object": "Message", "id": "msg_1", "provid"#,
    )
    .await;
    assert_eq!(e.status, Some(200));
    assert!(e.reason.starts_with("truncated JSON"), "{}", e.reason);
    assert!(e.snippet.starts_with(r#"{"object": "Message""#));

    let e = invalid_response(200, "text/plain", br#"OK"#).await;
    assert_eq!(e.status, Some(200));
    assert!(e.reason.contains("text/plain"), "{}", e.reason);

    let e = invalid_response(200, "application/json", br#"{"object": "Message"}"#).await;
    assert!(
        e.reason.contains("not the documented JSON") && e.reason.contains("missing field"),
        "{}",
        e.reason
    );

    let big = vec![b'x'; 100_000];
    let e = invalid_response(502, "text/plain", &big).await;
    assert!(e.snippet.len() < 300, "bounded snippet");
}

#[tokio::test]
async fn idempotent_calls_are_retried_on_503_and_succeed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_raw("<h1>busy</h1>", "text/html")
                .append_header("Retry-After", "0"),
        )
        .up_to_n_times(2)
        .mount(&server)
        .await;
    mount(
        &server,
        "GET",
        "/messages/msg_1",
        ResponseTemplate::new(200).set_body_json(common::message_json()),
    )
    .await;
    client(&server)
        .get_message("msg_1")
        .await
        .expect("third attempt succeeds");
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn retries_stop_at_max_retries() {
    let server = MockServer::start().await;
    let busy = ResponseTemplate::new(504)
        .set_body_json(envelope("errors/request_timeout", 504))
        .append_header("Retry-After", "0");
    mount(&server, "PATCH", "/chats/chat_1", busy).await;
    let error = client_with(&server, 3)
        .chat_action("chat_1", ChatAction::SetPinnedStatus(true))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::RequestTimeout));
    assert!(error.is_retryable());
    assert_eq!(requests(&server).await.len(), 4);
}

#[tokio::test]
async fn a_500_is_retried_for_a_read() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/messages/msg_1",
        ResponseTemplate::new(500)
            .set_body_json(envelope("errors/unexpected_error", 500))
            .append_header("Retry-After", "0"),
    )
    .await;
    let error = client_with(&server, 2).get_message("msg_1").await.unwrap_err();
    assert!(error.is_retryable());
    assert_eq!(error.outcome(), postpress::Outcome::Unknown);
    assert_eq!(requests(&server).await.len(), 3);
}

/// (status, body, expected number of requests) for forward, which must never be duplicated.
#[tokio::test]
async fn forward_is_retried_only_when_the_attempt_provably_did_not_take_effect() {
    let json = |ty: &str, status| {
        ResponseTemplate::new(status)
            .set_body_json(envelope(ty, status))
            .append_header("Retry-After", "0")
    };
    let html = |status| {
        ResponseTemplate::new(status)
            .set_body_raw("<h1>proxy</h1>", "text/html")
            .append_header("Retry-After", "0")
    };
    let cases = [
        ("503 no_client_session", json("errors/no_client_session", 503), 3),
        ("503 network_down", json("errors/network_down", 503), 3),
        ("429 too_many_requests", json("errors/too_many_requests", 429), 3),
        ("429 unknown type", json("errors/slow_down_2027", 429), 1),
        ("503 unknown type", json("errors/maintenance_2027", 503), 1),
        ("503 html", html(503), 1),
        ("502 html", html(502), 1),
        ("504 request_timeout", json("errors/request_timeout", 504), 1),
        ("500 provider_error", json("errors/provider_error", 500), 1),
    ];
    for (name, response, expected) in cases {
        let server = MockServer::start().await;
        mount(&server, "POST", "/messages/msg_1/forward", response).await;
        let error = client(&server).forward_message("msg_1", "chat_2").await.unwrap_err();
        assert_eq!(requests(&server).await.len(), expected, "{name}: {error}");
        assert_eq!(error.is_retryable(), expected > 1, "{name}");
    }
}

#[tokio::test]
async fn a_timeout_after_sending_retries_get_but_never_forward() {
    let server = MockServer::start().await;
    let slow = |body: Value| {
        ResponseTemplate::new(200)
            .set_body_json(body)
            .set_delay(Duration::from_millis(600))
    };
    mount(
        &server,
        "POST",
        "/messages/msg_1/forward",
        slow(json!({"object": "MessageForwarded", "message_id": "m"})),
    )
    .await;
    mount(&server, "GET", "/messages/msg_1", slow(common::message_json())).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let error = client.forward_message("msg_1", "chat_2").await.unwrap_err();
    assert!(matches!(&error, Error::Timeout(t) if !t.connect), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(requests(&server).await.len(), 1, "forward sent once");

    let error = client.get_message("msg_1").await.unwrap_err();
    assert!(matches!(error, Error::Timeout(_)));
    assert_eq!(requests(&server).await.len(), 1 + 3, "get tried three times");
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error_that_even_forward_may_retry() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(1)
        .build()
        .unwrap();
    let error = client.forward_message("msg_1", "chat_2").await.unwrap_err();
    assert!(matches!(&error, Error::Transport(t) if t.connect), "{error:?}");
    assert!(error.is_retryable());
    assert!(!format!("{error} {error:?}").contains(KEY));
}

#[tokio::test]
async fn retry_after_is_honoured_and_a_huge_one_is_not_waited_out() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429)
        .set_body_json(envelope("errors/too_many_requests", 429))
        .append_header("Retry-After", "1");
    Mock::given(method("POST"))
        .respond_with(limited)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let ok = json!({"object": "MessageForwarded", "message_id": "msg_2"});
    mount(
        &server,
        "POST",
        "/messages/msg_1/forward",
        ResponseTemplate::new(200).set_body_json(ok),
    )
    .await;
    let started = Instant::now();
    let forwarded = client(&server).forward_message("msg_1", "chat_2").await.unwrap();
    assert_eq!(forwarded.message_id.as_deref(), Some("msg_2"));
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(requests(&server).await.len(), 2);

    for (retry_after, expected) in [
        ("86400", Some(Duration::from_secs(86400))),
        ("-3", None),
        ("whenever", None),
    ] {
        let server = MockServer::start().await;
        let response = ResponseTemplate::new(429)
            .set_body_json(envelope("errors/too_many_requests", 429))
            .append_header("Retry-After", retry_after);
        mount(&server, "GET", "/messages/msg_1", response).await;
        let started = Instant::now();
        let error = client_with(&server, 1).get_message("msg_1").await.unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{retry_after}: {:?}",
            started.elapsed()
        );
        assert_eq!(error.retry_after(), expected, "{retry_after}");
        let attempts = if expected.is_some() { 1 } else { 2 };
        assert_eq!(requests(&server).await.len(), attempts, "{retry_after}");
    }
}

#[tokio::test]
async fn hostile_ids_never_change_the_path_and_empty_ids_send_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(common::message_json()))
        .mount(&server)
        .await;
    let client = client(&server);
    for id in ["a/b", "a?b", "a#b", "100%", "..%2F..", r"x\..\admin", "../chats/x"] {
        client.get_message(id).await.unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    let paths: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "/messages/a%2Fb",
            "/messages/a%3Fb",
            "/messages/a%23b",
            "/messages/100%25",
            "/messages/..%252F..",
            "/messages/x%5C..%5Cadmin",
            "/messages/..%2Fchats%2Fx",
        ]
    );

    for id in ["", ".", ".."] {
        let error = client.get_message(id).await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput(_)), "{id:?}: {error:?}");
        assert!(matches!(
            client.chat_action(id, ChatAction::SetReadStatus(true)).await,
            Err(Error::InvalidInput(_))
        ));
    }
    assert!(matches!(
        client.forward_message("msg_1", "").await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        client.add_reaction("msg_1", "").await,
        Err(Error::InvalidInput(_))
    ));
    assert!(matches!(
        client.chat_action("chat_1", ChatAction::SetLabel(String::new())).await,
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(requests(&server).await.len(), 7, "nothing sent for rejected input");
}

/// A redirect within the base URL's origin is followed, with the key (one to another host is not:
/// `tests/hostile.rs`, for every operation).
#[tokio::test]
async fn a_same_origin_redirect_is_followed_with_the_key() {
    let server = MockServer::start().await;
    let same_origin = ResponseTemplate::new(307).append_header("Location", "/messages/msg_2");
    mount(&server, "GET", "/messages/msg_moved", same_origin).await;
    mount(
        &server,
        "GET",
        "/messages/msg_2",
        ResponseTemplate::new(200).set_body_json(common::message_json()),
    )
    .await;
    let client = client(&server);

    client
        .get_message("msg_moved")
        .await
        .expect("same-origin redirects are followed");
    let last = requests(&server).await.pop().unwrap();
    assert_eq!(
        (
            last.url.path(),
            last.headers.get("x-api-key").unwrap().to_str().unwrap()
        ),
        ("/messages/msg_2", KEY)
    );
}

#[tokio::test]
async fn a_client_is_cheap_to_clone_and_shared_across_tasks() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/messages/msg_1",
        ResponseTemplate::new(200).set_body_json(common::message_json()),
    )
    .await;
    let client = client(&server);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_message("msg_1").await.map(|m| m.id.to_string()) })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), "msg_1");
    }
    assert_eq!(requests(&server).await.len(), 16);
}

/// The outcome of a call accounts for every attempt: an attempt that may have taken effect makes
/// the call's outcome unknown, even when a later attempt was refused.
#[tokio::test]
async fn the_calls_outcome_accounts_for_every_attempt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/messages/msg_1/reaction"))
        .respond_with(ResponseTemplate::new(502).set_body_json(envelope("errors/bad_gateway", 502)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/messages/msg_1/reaction"))
        .respond_with(ResponseTemplate::new(404).set_body_json(envelope("errors/resource_not_found", 404)))
        .mount(&server)
        .await;
    let error = client_with(&server, 1).add_reaction("msg_1", "👍").await.unwrap_err();
    assert_eq!(error.status(), Some(404), "the last attempt's answer");
    assert_eq!(
        error.outcome(),
        postpress::Outcome::Unknown,
        "the first attempt may have reacted"
    );
    assert_eq!(requests(&server).await.len(), 2);

    // Two attempts that provably did nothing: the call did nothing.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/messages/msg_1/forward"))
        .respond_with(ResponseTemplate::new(503).set_body_json(envelope("errors/no_client_session", 503)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/messages/msg_1/forward"))
        .respond_with(ResponseTemplate::new(403).set_body_json(envelope("errors/forbidden", 403)))
        .mount(&server)
        .await;
    let error = client_with(&server, 1)
        .forward_message("msg_1", "chat_2")
        .await
        .unwrap_err();
    assert_eq!(
        (error.status(), error.outcome()),
        (Some(403), postpress::Outcome::NotApplied)
    );
    assert_eq!(requests(&server).await.len(), 2);
}

/// A file's request asks for the spec's media type (a server that negotiates would refuse JSON
/// only: Prism answers 406), then JSON for an error's envelope; every other request asks for JSON.
#[tokio::test]
async fn a_download_accepts_its_media_type_and_json_for_errors() {
    let server = MockServer::start().await;
    mount(
        &server,
        "GET",
        "/messages/msg_1/attachments/att_1",
        ResponseTemplate::new(200).set_body_raw(b"%PDF".to_vec(), "application/octet-stream"),
    )
    .await;
    mount(&server, "GET", "/messages/msg_1", ResponseTemplate::new(404)).await;
    let client = client(&server);
    let file = client.get_attachment("msg_1", "att_1").await.unwrap();
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"%PDF");
    let _ = client.get_message("msg_1").await;
    let accepts: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| r.headers["accept"].to_str().unwrap().to_string())
        .collect();
    let media = postpress::operations::OperationId::GetAttachment
        .spec()
        .answer_media_type
        .unwrap();
    assert_eq!(
        accepts,
        [
            format!("{media}, application/json;q=0.5"),
            "application/json".to_string()
        ]
    );
}

/// The JSON operations on the wire, over real HTTP on loopback: method, path, headers and body of
/// the request a `Client` method sends, and the decoding of success bodies and error envelopes.
mod wire {
    use postpress::{ChatAction, Client, Error, types};
    use serde_json::{Value, json};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};

    const KEY: &str = "pp_test_generated_client";

    async fn client(server: &MockServer) -> Client {
        Client::builder()
            .api_key(KEY)
            .base_url(server.uri())
            .max_retries(0)
            .build()
            .unwrap()
    }

    async fn only_request(server: &MockServer) -> Request {
        let mut requests = server.received_requests().await.expect("recording is on");
        assert_eq!(requests.len(), 1, "exactly one request");
        requests.remove(0)
    }

    fn assert_common_headers(request: &Request) {
        assert_eq!(request.headers.get("x-api-key").map(|v| v.to_str().unwrap()), Some(KEY));
        assert_eq!(
            request.headers.get("accept").map(|v| v.to_str().unwrap()),
            Some("application/json")
        );
        assert!(
            request.headers.get("api-version").is_none(),
            "the pages document no api-version header"
        );
    }

    fn body_json(request: &Request) -> Value {
        assert_eq!(
            request.headers.get("content-type").map(|v| v.to_str().unwrap()),
            Some("application/json")
        );
        serde_json::from_slice(&request.body).expect("JSON body")
    }

    fn message_json() -> Value {
        json!({
            "object": "Message", "id": "msg_1", "provider_id": "p1", "account_id": "acc_1", "chat_id": "chat_1",
            "chat_provider_id": "cp1", "sender_id": "s1", "sender_attendee_id": "att_1",
            "timestamp": "2026-05-17T09:42:11.000Z", "text": null, "is_sender": 1,
            "attachments": [{"id": "a", "type": "file", "unavailable": false, "file_name": "r.pdf"}],
            "reactions": [], "seen": 1, "seen_by": {}, "hidden": 0, "deleted": 0, "edited": 0, "is_event": 0,
            "delivered": 1, "behavior": null, "original": "{}"
        })
    }

    #[tokio::test]
    async fn get_message_sends_get_with_the_key_and_decodes_the_message() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/messages/msg_1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(message_json()))
            .mount(&server)
            .await;
        let message = client(&server).await.get_message("msg_1").await.expect("200");
        assert_eq!(message.id.as_str(), "msg_1");
        assert_eq!(message.text, None);
        assert!(matches!(&message.attachments[0], types::Attachment::File(f) if f.file_name == "r.pdf"));
        let request = only_request(&server).await;
        assert_eq!(request.method.as_str(), "GET");
        assert_common_headers(&request);
        assert!(request.body.is_empty());
    }

    #[tokio::test]
    async fn forward_message_posts_the_chat_id() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/messages/msg_1/forward"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"object": "MessageForwarded", "message_id": null})),
            )
            .mount(&server)
            .await;
        let forwarded = client(&server)
            .await
            .forward_message("msg_1", "chat_9")
            .await
            .expect("200");
        assert_eq!(forwarded.message_id, None);
        let request = only_request(&server).await;
        assert_common_headers(&request);
        assert_eq!(body_json(&request), json!({"chat_id": "chat_9"}));
    }

    #[tokio::test]
    async fn add_reaction_posts_the_emoji() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/messages/msg_1/reaction"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"object": "MessageReactionAdded", "success": true})),
            )
            .mount(&server)
            .await;
        let added = client(&server).await.add_reaction("msg_1", "👍").await.expect("200");
        assert!(added.success);
        let request = only_request(&server).await;
        assert_common_headers(&request);
        assert_eq!(body_json(&request), json!({"reaction": "👍"}));
    }

    #[tokio::test]
    async fn patch_chat_sends_an_action_with_a_value() {
        let server = MockServer::start().await;
        Mock::given(method("PATCH"))
            .and(path("/chats/chat_1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"object": "ChatPatched"})))
            .mount(&server)
            .await;
        let patched = client(&server)
            .await
            .chat_action("chat_1", ChatAction::SetLabel("Customers".into()))
            .await
            .expect("200");
        assert_eq!(patched.invite_link, None);
        let request = only_request(&server).await;
        assert_common_headers(&request);
        assert_eq!(body_json(&request), json!({"action": "setLabel", "value": "Customers"}));
    }

    #[tokio::test]
    async fn patch_chat_get_invite_link_sends_no_value_and_decodes_the_link() {
        let server = MockServer::start().await;
        Mock::given(method("PATCH"))
            .and(path("/chats/chat_1"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"object": "ChatPatched", "invite_link": "https://chat.whatsapp.com/x"})),
            )
            .mount(&server)
            .await;
        let link = client(&server).await.invite_link("chat_1").await.expect("200");
        assert_eq!(link, "https://chat.whatsapp.com/x");
        assert_eq!(
            body_json(&only_request(&server).await),
            json!({"action": "getInviteLink"})
        );
    }

    #[tokio::test]
    async fn documented_error_statuses_decode_the_envelope() {
        let server = MockServer::start().await;
        let envelope = json!({"type": "errors/resource_not_found", "status": 404, "title": "Not Found",
            "detail": "The requested resource was not found.", "instance": "req_123"});
        Mock::given(method("GET"))
            .and(path("/messages/msg_gone"))
            .respond_with(ResponseTemplate::new(404).set_body_json(envelope))
            .mount(&server)
            .await;
        match client(&server).await.get_message("msg_gone").await {
            Err(Error::Api(error)) => {
                assert_eq!(error.status, 404);
                assert_eq!(error.code, postpress::ErrorCode::ResourceNotFound);
                assert_eq!(error.instance.as_deref(), Some("req_123"));
                assert_eq!(error.operation, postpress::operations::OperationId::GetMessage);
            }
            other => panic!("expected the envelope, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn path_parameters_cannot_change_the_requested_path() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(message_json()))
            .mount(&server)
            .await;
        let client = client(&server).await;
        let cases = [
            ("a/b", "/messages/a%2Fb"),
            ("a?b=c", "/messages/a%3Fb%3Dc"),
            ("a#frag", "/messages/a%23frag"),
            ("100%", "/messages/100%25"),
            (r"x\..\..\admin", "/messages/x%5C..%5C..%5Cadmin"),
            ("../../chats/c", "/messages/..%2F..%2Fchats%2Fc"),
            ("...", "/messages/..."),
            ("👍 x", "/messages/%F0%9F%91%8D%20x"),
        ];
        for (id, _) in &cases {
            client.get_message(id).await.unwrap_or_else(|e| panic!("{id}: {e}"));
        }
        let requests = server.received_requests().await.unwrap();
        let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
        let expected: Vec<&str> = cases.iter().map(|(_, p)| *p).collect();
        assert_eq!(paths, expected);
    }
}
