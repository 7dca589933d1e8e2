//! The fake's HTTP/1.1 server: routing by the spec's paths, the API key check, faults, and the
//! decoding of JSON and multipart bodies.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinSet;

use super::state::{Answer, ConnectionFault, RecordedRequest, SendForm, State, UploadedPart};
use crate::operations::OperationId;

/// The path under which the fake serves the API, as the real server does (`/api/v1`).
pub(crate) const BASE_PATH: &str = "/api/v1";

/// Accepts connections until `shutdown` fires (or its sender is dropped), then drops them all.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<Mutex<State>>,
    api_key: Arc<str>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            // Reap finished connections: a JoinSet keeps each finished task until it is joined
            // (found by the soak: the fake's heap grew with every connection it had served).
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let (state, api_key) = (state.clone(), api_key.clone());
                connections.spawn(async move {
                    // A fault closes the connection by notifying `close`: the connection is
                    // dropped, whatever it was doing.
                    let close = Arc::new(Notify::new());
                    let closer = close.clone();
                    let service = hyper::service::service_fn(move |request| {
                        let (state, api_key, close) = (state.clone(), api_key.clone(), closer.clone());
                        async move { Ok::<_, Infallible>(handle(&state, &api_key, &close, request).await) }
                    });
                    let connection = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
                    tokio::select! {
                        _ = connection => {}
                        _ = close.notified() => {}
                    }
                });
            }
        }
    }
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    // A panic while holding the lock cannot leave the state half-written in a way that matters
    // to a test fake; keep serving.
    state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The operation and its path parameter, from the method and the (decoded) path segments.
fn route(method: &hyper::Method, path: &str) -> Option<(OperationId, String)> {
    let rest = path.strip_prefix(BASE_PATH)?;
    let segments: Vec<String> = rest
        .split('/')
        .skip(1)
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let found = match (method.as_str(), segments.as_slice()) {
        ("GET", ["messages", id]) => (OperationId::GetMessage, id),
        ("POST", ["messages", id, "forward"]) => (OperationId::ForwardMessage, id),
        ("POST", ["messages", id, "reaction"]) => (OperationId::AddReaction, id),
        ("POST", ["chats", id, "messages"]) => (OperationId::SendMessage, id),
        ("PATCH", ["chats", id]) => (OperationId::PatchChat, id),
        _ => return None,
    };
    Some((found.0, found.1.to_string()))
}

type Body = BoxBody<Bytes, std::io::Error>;

/// Closes the connection and never answers (the connection task drops this future).
async fn close_connection(close: &Notify) -> Response<Body> {
    close.notify_one();
    std::future::pending().await
}

async fn handle(state: &Mutex<State>, api_key: &str, close: &Notify, request: Request<Incoming>) -> Response<Body> {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let route = route(&method, &path);
    let (answer, after) = answer(state, api_key, route.clone(), request).await;
    if after == Some(ConnectionFault::ResetBeforeReading) {
        return close_connection(close).await;
    }
    lock(state).requests.push(RecordedRequest {
        operation: route.map(|(op, _)| op),
        method: method.to_string(),
        path,
        status: answer.status,
    });
    let body = Bytes::from(answer.body.to_string());
    let len = body.len();
    let body: Body = match after {
        Some(ConnectionFault::DropAfterApplying) => return close_connection(close).await,
        Some(ConnectionFault::StallAfterApplying(stall)) => {
            tokio::time::sleep(stall).await;
            Full::new(body).map_err(|never| match never {}).boxed()
        }
        // Half the body, then an error: hyper closes the connection short of Content-Length.
        Some(ConnectionFault::TruncateAfterApplying) => {
            let half = body.slice(..len / 2);
            let chunks = [
                Ok(hyper::body::Frame::data(half)),
                Err(std::io::Error::other("truncated by a fault")),
            ];
            StreamBody::new(futures_util::stream::iter(chunks)).boxed()
        }
        _ => Full::new(body).map_err(|never| match never {}).boxed(),
    };
    let mut response = Response::builder()
        .status(answer.status)
        .header("content-type", "application/json")
        .header("content-length", len)
        .body(body)
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).map_err(|never| match never {}).boxed()));
    if let Some(after) = answer.retry_after
        && let Ok(value) = after.as_secs().to_string().parse()
    {
        response.headers_mut().insert("retry-after", value);
    }
    response
}

/// The answer to a request, and what a fault does to the connection around it.
async fn answer(
    state: &Mutex<State>,
    api_key: &str,
    route: Option<(OperationId, String)>,
    request: Request<Incoming>,
) -> (Answer, Option<ConnectionFault>) {
    let Some((operation, id)) = route else {
        return (
            lock(state).error(404, "errors/resource_not_found", Some("No such endpoint.")),
            None,
        );
    };
    match request.headers().get("x-api-key").map(|v| v.as_bytes()) {
        None => return (lock(state).error(401, "errors/missing_credentials", None), None),
        Some(key) if key != api_key.as_bytes() => {
            return (lock(state).error(401, "errors/invalid_credentials", None), None);
        }
        Some(_) => {}
    }
    let fault = lock(state).take_fault(operation);
    let after = fault.as_ref().and_then(|f| f.connection);
    if after == Some(ConnectionFault::ResetBeforeReading) {
        return (lock(state).error(500, "errors/unexpected_error", None), after);
    }
    (apply(state, operation, &id, fault, request).await, after)
}

/// Applies the operation (or the fault's error instead) and returns the answer.
async fn apply(
    state: &Mutex<State>,
    operation: OperationId,
    id: &str,
    fault: Option<super::state::Fault>,
    request: Request<Incoming>,
) -> Answer {
    let id = id.to_string();
    if let Some(delay) = fault.as_ref().and_then(|f| f.delay) {
        tokio::time::sleep(delay).await;
    }
    if let Some(fault) = fault
        && let Some((status, error_type)) = &fault.error
    {
        let mut answer = lock(state).error(*status, error_type, None);
        answer.retry_after = fault.retry_after;
        return answer;
    }
    match operation {
        OperationId::GetMessage => lock(state).get_message(&id),
        OperationId::SendMessage => match read_form(request).await {
            Ok(form) => lock(state).send_message(&id, form),
            Err(problem) => lock(state).error(400, "errors/invalid_request", Some(&problem)),
        },
        _ => {
            let body = match read_json(request).await {
                Ok(body) => body,
                Err(problem) => {
                    return lock(state).error(400, "errors/invalid_request", Some(&problem));
                }
            };
            let text = |field: &str| body.get(field).and_then(Value::as_str).map(str::to_string);
            let mut state = lock(state);
            match operation {
                OperationId::ForwardMessage => match text("chat_id") {
                    Some(chat_id) => state.forward_message(&id, &chat_id),
                    None => state.error(400, "errors/invalid_request", Some("chat_id is required.")),
                },
                OperationId::AddReaction => match text("reaction").filter(|r| !r.is_empty()) {
                    Some(reaction) => state.add_reaction(&id, &reaction),
                    None => state.error(400, "errors/invalid_request", Some("reaction is required.")),
                },
                _ => match text("action") {
                    Some(action) => state.patch_chat(&id, &action, body.get("value")),
                    None => state.error(400, "errors/invalid_request", Some("action is required.")),
                },
            }
        }
    }
}

async fn read_json(request: Request<Incoming>) -> Result<Value, String> {
    let body = request
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("unreadable body: {e}"))?
        .to_bytes();
    serde_json::from_slice(&body).map_err(|e| format!("the body is not JSON: {e}"))
}

/// Reads a send-message form, counting file bytes without keeping them.
async fn read_form(request: Request<Incoming>) -> Result<SendForm, String> {
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|e| format!("not multipart/form-data: {e}"))?;
    let mut multipart = multer::Multipart::new(request.into_body().into_data_stream(), boundary);
    let mut form = SendForm::default();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| format!("bad multipart body: {e}"))?
    {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(|m| m.to_string());
        match name.as_str() {
            "voice_message" | "video_message" | "attachments" => {
                let mut size = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(|e| format!("bad multipart body: {e}"))? {
                    size += chunk.len() as u64;
                }
                form.files.push(UploadedPart {
                    field: name,
                    file_name,
                    content_type,
                    size,
                });
            }
            "text" | "account_id" | "quote_id" => {
                let value = field.text().await.map_err(|e| format!("bad multipart body: {e}"))?;
                match name.as_str() {
                    "text" => form.text = Some(value),
                    "account_id" => form.account_id = Some(value),
                    _ => form.quote_id = Some(value),
                }
            }
            // thread_id and typing_duration are accepted and have no effect here; a field the
            // spec does not name is ignored (the pages do not say the API refuses one), whatever
            // its content.
            _ => {
                while field
                    .chunk()
                    .await
                    .map_err(|e| format!("bad multipart body: {e}"))?
                    .is_some()
                {}
            }
        }
    }
    Ok(form)
}
