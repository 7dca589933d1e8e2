//! The fake's HTTP/1.1 server: routing by the spec's table, the API key check, faults, the
//! decoding of JSON and multipart bodies (bounded), the modelled operations handed to the state,
//! and every other operation checked against the spec and answered with its example.

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
use crate::operations::{Location, OPERATIONS, OperationId, ValueKind};

/// The largest JSON body the fake reads; a larger one is refused with 413.
const MAX_JSON_BODY: usize = 4 * 1024 * 1024;
/// The largest multipart body the fake reads (file parts of a send are counted, not kept; those of
/// an operation it does not model are kept until answered).
const MAX_FORM_BODY: u64 = 1024 * 1024 * 1024;
/// Time allowed for a request's headers to arrive, so an idle or trickling client cannot hold a
/// connection open for ever.
const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Checks the requests of the operations the fake does not model, with the SDK's own checks: a
/// client that never sends anything, built on the first such request (most fakes never see one,
/// and a client's TLS set-up is not free). Cheap to clone.
#[derive(Clone)]
pub(crate) struct Validator {
    settings: Arc<(String, String)>,
    client: Arc<std::sync::OnceLock<Result<crate::Client, String>>>,
}

impl Validator {
    pub(crate) fn new(api_key: &str, base_url: String) -> Validator {
        Validator {
            settings: Arc::new((api_key.to_string(), base_url)),
            client: Arc::default(),
        }
    }

    fn client(&self) -> Result<&crate::Client, String> {
        let (api_key, base_url) = &*self.settings;
        let built = self.client.get_or_init(|| {
            crate::Client::builder()
                .api_key(api_key.clone())
                .base_url(base_url.clone())
                .build()
                .map_err(|e| e.to_string())
        });
        built.as_ref().map_err(Clone::clone)
    }
}

/// The path under which the fake serves the API, as the real server does (`/api/v1`).
pub(crate) const BASE_PATH: &str = "/api/v1";

/// Accepts connections until `shutdown` fires (or its sender is dropped), then drops them all.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<Mutex<State>>,
    api_key: Arc<str>,
    validator: Validator,
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
                let (state, api_key, validator) = (state.clone(), api_key.clone(), validator.clone());
                connections.spawn(async move {
                    // A fault closes the connection by notifying `close`: the connection is
                    // dropped, whatever it was doing.
                    let close = Arc::new(Notify::new());
                    let closer = close.clone();
                    let service = hyper::service::service_fn(move |request| {
                        let (state, api_key, close) = (state.clone(), api_key.clone(), closer.clone());
                        let validator = validator.clone();
                        async move { Ok::<_, Infallible>(handle(&state, &api_key, &validator, &close, request).await) }
                    });
                    let connection = hyper::server::conn::http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(HEADER_READ_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service);
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

/// The operation a request is for, and its path parameters by name (decoded).
#[derive(Clone, Debug)]
struct Route {
    operation: OperationId,
    params: Vec<(&'static str, String)>,
}

impl Route {
    /// The first path parameter: the id the modelled operations act on.
    fn id(&self) -> &str {
        self.params.first().map_or("", |(_, value)| value.as_str())
    }
}

/// The operation whose method and path template match, from the spec's table. The path is
/// chosen first, then the method, as OpenAPI says: where two templates match
/// (`/posts/{post_id}` and `/posts/reaction`), the one with more literal segments is the path,
/// whatever methods either has (a `GET /posts/reaction` is a method `/posts/reaction` lacks, not
/// a post named `reaction`).
fn route(method: &hyper::Method, path: &str) -> Option<Route> {
    let template = best_template(path)?;
    let op = OPERATIONS
        .iter()
        .find(|op| op.path == template.path && op.method == method.as_str())?;
    let params = template
        .params
        .into_iter()
        .map(|(name, value)| {
            let name = op.fields.iter().find(|f| f.name == name).map_or("", |f| f.name);
            (name, value)
        })
        .collect();
    Some(Route {
        operation: op.operation,
        params,
    })
}

/// A path template of the spec that a request's path matches, with its parameters' values.
struct Template {
    path: &'static str,
    params: Vec<(&'static str, String)>,
}

/// The template with the most literal segments among those `path` matches.
fn best_template(path: &str) -> Option<Template> {
    let rest = path.strip_prefix(BASE_PATH)?;
    let segments: Vec<String> = rest
        .split('/')
        .skip(1)
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let mut best: Option<(usize, Template)> = None;
    for op in OPERATIONS.iter() {
        let template: Vec<&'static str> = op.path.split('/').skip(1).collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let mut literals = 0;
        let matched = template.iter().zip(&segments).all(|(part, segment)| {
            match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(_) if segment.is_empty() => false,
                Some(name) => {
                    params.push((name, segment.clone()));
                    true
                }
                None => {
                    literals += 1;
                    part == segment
                }
            }
        });
        if matched && best.as_ref().is_none_or(|(most, _)| literals > *most) {
            best = Some((literals, Template { path: op.path, params }));
        }
    }
    best.map(|(_, template)| template)
}

type Body = BoxBody<Bytes, std::io::Error>;

/// Closes the connection and never answers (the connection task drops this future).
async fn close_connection(close: &Notify) -> Response<Body> {
    close.notify_one();
    std::future::pending().await
}

async fn handle(
    state: &Mutex<State>,
    api_key: &str,
    validator: &Validator,
    close: &Notify,
    request: Request<Incoming>,
) -> Response<Body> {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let route = route(&method, &path);
    let operation = route.as_ref().map(|r| r.operation);
    let (answer, after) = answer(state, api_key, validator, route, request).await;
    if after == Some(ConnectionFault::ResetBeforeReading) {
        return close_connection(close).await;
    }
    lock(state).record(RecordedRequest {
        operation,
        method: method.to_string(),
        path,
        status: answer.status,
    });
    let (content_type, body) = match answer.file {
        Some((content_type, bytes)) => (content_type, bytes),
        None => ("application/json", Bytes::from(answer.body.to_string())),
    };
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
        .header("content-type", content_type)
        .header("content-length", len)
        .body(body)
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).map_err(|never| match never {}).boxed()));
    if let Some(after) = answer.retry_after
        && let Ok(value) = after.as_secs().to_string().parse()
    {
        response.headers_mut().insert("retry-after", value);
    }
    if let Some(allow) = answer.allow.as_deref().and_then(|a| a.parse().ok()) {
        response.headers_mut().insert("allow", allow);
    }
    response
}

/// The answer to a request, and what a fault does to the connection around it.
async fn answer(
    state: &Mutex<State>,
    api_key: &str,
    validator: &Validator,
    route: Option<Route>,
    request: Request<Incoming>,
) -> (Answer, Option<ConnectionFault>) {
    let Some(route) = route else {
        if let Some(answer) = fake_only(state, request.method(), request.uri().path()) {
            let keyed = request.headers().get("x-api-key").map(|v| v.as_bytes()) == Some(api_key.as_bytes());
            let answer = match answer {
                FakeOnly::Answer(answer) => answer,
                FakeOnly::Json(_) if !keyed => lock(state).error(401, "errors/invalid_credentials", None),
                FakeOnly::Json(apply) => match read_json(request).await {
                    Ok(body) => apply(&mut lock(state), &body),
                    Err(problem) => lock(state).error(400, "errors/invalid_request", Some(&problem)),
                },
            };
            return (answer, None);
        }
        // The methods of the path the request's path is (see `route`).
        let template = best_template(request.uri().path());
        let methods: Vec<&str> = OPERATIONS
            .iter()
            .filter(|op| template.as_ref().is_some_and(|t| t.path == op.path))
            .map(|op| op.method)
            .collect();
        if methods.is_empty() {
            return (
                lock(state).error(404, "errors/resource_not_found", Some("No such endpoint.")),
                None,
            );
        }
        // The path exists, with other methods: 405 and the methods it has, as HTTP says.
        let mut answer = lock(state).error(405, "errors/method_not_allowed", Some("The path has no such method."));
        answer.allow = Some(methods.join(", "));
        return (answer, None);
    };
    match request.headers().get("x-api-key").map(|v| v.as_bytes()) {
        None => return (lock(state).error(401, "errors/missing_credentials", None), None),
        Some(key) if key != api_key.as_bytes() => {
            return (lock(state).error(401, "errors/invalid_credentials", None), None);
        }
        Some(_) => {}
    }
    let fault = lock(state).take_fault(route.operation);
    let after = fault.as_ref().and_then(|f| f.connection);
    if after == Some(ConnectionFault::ResetBeforeReading) {
        return (lock(state).error(500, "errors/unexpected_error", None), after);
    }
    (apply(state, validator, &route, fault, request).await, after)
}

/// Applies the operation (or the fault's error instead) and returns the answer.
async fn apply(
    state: &Mutex<State>,
    validator: &Validator,
    route: &Route,
    fault: Option<super::state::Fault>,
    request: Request<Incoming>,
) -> Answer {
    let (operation, id) = (route.operation, route.id().to_string());
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
        OperationId::ForwardMessage | OperationId::AddReaction | OperationId::PatchChat => {
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
                    Some(reaction) => {
                        let answer = state.add_reaction(&id, &reaction);
                        if answer.status == 200 {
                            state.emit_message("message_reaction", &id, Some(&reaction));
                        }
                        answer
                    }
                    None => state.error(400, "errors/invalid_request", Some("reaction is required.")),
                },
                _ => match text("action") {
                    Some(action) => {
                        let answer = state.patch_chat(&id, &action, body.get("value"));
                        // Marking a chat read: its last message is read.
                        if answer.status == 200
                            && action == "setReadStatus"
                            && body.get("value") == Some(&Value::Bool(true))
                        {
                            let last = state.chat_messages.get(&id).and_then(|m| m.last().cloned());
                            if let Some(last) = last {
                                state.emit_message("message_read", &last, None);
                            }
                        }
                        answer
                    }
                    None => state.error(400, "errors/invalid_request", Some("action is required.")),
                },
            }
        }
        OperationId::ListChats
        | OperationId::GetChat
        | OperationId::ListChatMessages
        | OperationId::ListChatAttendees
        | OperationId::StartChat
        | OperationId::SyncChat
        | OperationId::ListAttendees
        | OperationId::GetAttendee
        | OperationId::GetAttendeePicture
        | OperationId::ListAttendeeChats
        | OperationId::ListAttendeeMessages
        | OperationId::ListMessages
        | OperationId::GetAttachment => {
            let (arguments, files) = match arguments(validator, route, request).await {
                Ok(read) => read,
                Err((status, problem)) => return lock(state).error(status, "errors/invalid_request", Some(&problem)),
            };
            let path = |name: &str| {
                arguments
                    .get(name)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            let media_type = operation.spec().answer_media_type.unwrap_or("application/octet-stream");
            let mut state = lock(state);
            match operation {
                OperationId::ListChats => state.list_chats(&arguments),
                OperationId::GetChat => state.get_chat(&path("chat_id"), &arguments),
                OperationId::ListChatMessages => state.list_chat_messages(&path("chat_id"), &arguments),
                OperationId::ListChatAttendees => state.list_chat_attendees(&path("chat_id")),
                OperationId::StartChat => state.start_chat(&arguments, files),
                OperationId::SyncChat => state.sync_chat(&path("chat_id")),
                OperationId::ListAttendees => state.list_attendees(&arguments),
                OperationId::GetAttendee => state.get_attendee(&path("attendee_id")),
                OperationId::GetAttendeePicture => state.get_attendee_picture(&path("attendee_id"), media_type),
                OperationId::ListAttendeeChats => state.list_attendee_chats(&path("attendee_id"), &arguments),
                OperationId::ListAttendeeMessages => state.list_attendee_messages(&path("attendee_id"), &arguments),
                OperationId::ListMessages => state.list_messages(&arguments),
                _ => state.get_attachment(&path("message_id"), &path("attachment_id"), media_type),
            }
        }
        #[cfg(any(feature = "accounts", feature = "webhooks"))]
        _ if stateful_elsewhere(operation) => {
            let arguments = match arguments(validator, route, request).await {
                Ok((arguments, _)) => arguments,
                Err((status, problem)) => return lock(state).error(status, "errors/invalid_request", Some(&problem)),
            };
            let mut state = lock(state);
            match operation {
                #[cfg(feature = "accounts")]
                OperationId::ListAccounts => state.list_accounts(),
                #[cfg(feature = "accounts")]
                OperationId::GetAccount => state.get_account(&id),
                #[cfg(feature = "accounts")]
                OperationId::DeleteAccount => state.delete_account(&id),
                #[cfg(feature = "accounts")]
                OperationId::CreateHostedAuthLink => state.create_hosted_link(&arguments),
                #[cfg(feature = "webhooks")]
                OperationId::ListWebhooks => state.list_webhooks(),
                #[cfg(feature = "webhooks")]
                OperationId::CreateWebhook => state.create_webhook(&arguments),
                #[cfg(feature = "webhooks")]
                OperationId::DeleteWebhook => state.delete_webhook(&id),
                _ => unreachable!("stateful_elsewhere lists the operations above"),
            }
        }
        // Every other operation of the spec: its request checked against the spec, its answer the
        // spec's example (or one built from its schema). (Unreachable while the spec has only the
        // modelled operations; a maintainer's new operation lands here.)
        #[allow(unreachable_patterns)]
        _ => match arguments(validator, route, request).await {
            #[cfg(any(feature = "users", feature = "posts", feature = "linkedin"))]
            Ok((arguments, _)) if let Some(answer) = lock(state).linkedin(operation, &arguments) => answer,
            Ok(_) => {
                let spec = operation.spec();
                let mut answer = Answer::ok(spec.success, serde_json::from_str(spec.example).unwrap_or(Value::Null));
                if spec.download {
                    answer.file = Some(fake_file(spec.answer_media_type));
                }
                answer
            }
            Err((status, problem)) => lock(state).error(status, "errors/invalid_request", Some(&problem)),
        },
    }
}

/// The accounts and webhooks operations the fake keeps state for (`webhooks.rs`).
#[cfg(any(feature = "accounts", feature = "webhooks"))]
fn stateful_elsewhere(operation: OperationId) -> bool {
    match operation {
        #[cfg(feature = "accounts")]
        OperationId::ListAccounts
        | OperationId::GetAccount
        | OperationId::DeleteAccount
        | OperationId::CreateHostedAuthLink => true,
        #[cfg(feature = "webhooks")]
        OperationId::ListWebhooks | OperationId::CreateWebhook | OperationId::DeleteWebhook => true,
        _ => false,
    }
}

/// What a fake-only route does with the request's JSON body.
type JsonRoute = Box<dyn FnOnce(&mut State, &Value) -> Answer + Send>;

/// `then` with a fake-only route's required text field, or the 400 that says it is missing.
fn with_required_text(
    state: &mut State,
    body: &Value,
    name: &str,
    then: impl FnOnce(&mut State, &str) -> Answer,
) -> Answer {
    match body.get(name).and_then(Value::as_str) {
        Some(text) => then(state, text),
        None => state.error(400, "errors/invalid_request", Some(&format!("{name} is required."))),
    }
}

/// What a route of the fake only (under `/_fake/`, not in the spec) does.
enum FakeOnly {
    Answer(Answer),
    /// Applied to the request's JSON body.
    Json(JsonRoute),
}

/// The fake's own routes, for tests (documented in the README):
/// - `POST /_fake/chats/{chat_id}/inbound` `{"text"}`: a message from the chat's other side,
///   delivered as `message_received`; 201 `{"message_id"}`;
/// - `POST /_fake/accounts/{account_id}/status` `{"message"}`: an `account_status` delivery;
/// - `GET /_fake/hosted/{link}`: opens a hosted authentication link (no key: a browser opens it).
fn fake_only(state: &Mutex<State>, method: &hyper::Method, path: &str) -> Option<FakeOnly> {
    let rest = path.strip_prefix(BASE_PATH)?.strip_prefix("/_fake/")?;
    let segments: Vec<String> = rest
        .split('/')
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    if let (&hyper::Method::GET, ["hosted", link]) = (method, &segments[..]) {
        let mut state = lock(state);
        let answer = match state.open_hosted_link(link) {
            Some(account_id) => Answer::ok(200, serde_json::json!({"connected": account_id})),
            None => state.not_found("hosted link", link),
        };
        return Some(FakeOnly::Answer(answer));
    }
    match (method, &segments[..]) {
        (&hyper::Method::POST, ["chats", chat, "inbound"]) => {
            let chat = chat.to_string();
            Some(FakeOnly::Json(Box::new(move |state, body| {
                with_required_text(state, body, "text", |state, text| match state.inbound(&chat, text) {
                    Some(id) => Answer::ok(201, serde_json::json!({"message_id": id})),
                    None => state.not_found("chat", &chat),
                })
            })))
        }
        (&hyper::Method::POST, ["accounts", account, "status"]) => {
            let account = account.to_string();
            Some(FakeOnly::Json(Box::new(move |state, body| {
                with_required_text(state, body, "message", |state, message| {
                    match state.account_status(&account, message) {
                        Some(delivered) => Answer::ok(200, serde_json::json!({"webhooks": delivered})),
                        None => state.not_found("account", &account),
                    }
                })
            })))
        }
        _ => None,
    }
}

/// Reads a request's arguments and checks them against the spec (the same checks the SDK makes
/// before sending): its path, query and header parameters and its body, by the spec's names, with
/// the file parts of a form. `Err` holds the status and the reason.
/// A JSON body's fields hold JSON's types: a list is an array, a number or a boolean is one.
/// (`AnyRequest` reads arguments as the CLI gives them, one value for a list of one and numbers as
/// text; a client of the API sends JSON.)
fn json_types(spec: &crate::operations::Operation, body: &Value) -> Result<(), (u16, String)> {
    let Value::Object(fields) = body else { return Ok(()) };
    for field in spec.fields.iter().filter(|f| f.location == Location::Body) {
        let Some(value) = fields.get(field.name) else { continue };
        let items = match value {
            Value::Array(items) if field.list => items.as_slice(),
            Value::Null => continue,
            _ if field.list => return Err((400, format!("{} must be a list", field.name))),
            one => std::slice::from_ref(one),
        };
        for item in items {
            let fits = match field.kind {
                ValueKind::Integer | ValueKind::Number => item.is_number(),
                ValueKind::Boolean => item.is_boolean(),
                ValueKind::Text | ValueKind::Enum => item.is_string(),
                _ => true,
            };
            if !fits && !item.is_null() {
                return Err((400, format!("{} holds a value of the wrong type: {item}", field.name)));
            }
        }
    }
    Ok(())
}

async fn arguments(
    validator: &Validator,
    route: &Route,
    request: Request<Incoming>,
) -> Result<(serde_json::Map<String, Value>, Vec<UploadedPart>), (u16, String)> {
    let spec = route.operation.spec();
    let mut arguments = serde_json::Map::new();
    for (name, value) in &route.params {
        arguments.insert(name.to_string(), Value::String(value.clone()));
    }
    let query = request.uri().query().unwrap_or("").to_string();
    for (name, value) in form_pairs(&query) {
        let field = spec
            .fields
            .iter()
            .find(|f| f.location == Location::Query && f.name == name)
            .ok_or((400, format!("unknown query parameter {name}")))?;
        add(&mut arguments, field.name, field.list, Value::String(value));
    }
    for field in spec.fields.iter().filter(|f| f.location == Location::Header) {
        let Some(value) = request.headers().get(field.name) else {
            continue;
        };
        let value = value
            .to_str()
            .map_err(|_| (400, format!("header {} is not text", field.name)))?;
        // A list is one header, its items joined by commas.
        let items: Vec<&str> = if field.list {
            value.split(',').collect()
        } else {
            vec![value]
        };
        for item in items {
            add(&mut arguments, field.name, field.list, Value::String(item.to_string()));
        }
    }
    let has_body = spec.fields.iter().any(|f| f.location == Location::Body);
    let mut files = Vec::new();
    if has_body && spec.multipart {
        read_any_form(request, spec, &mut arguments, &mut files).await?;
    } else if has_body {
        let body = read_json(request).await.map_err(|problem| (400, problem))?;
        json_types(spec, &body)?;
        // A body of fields gives its fields by name (one may be named `body`); any other body is
        // the argument `body`. A property the spec does not name is ignored where the body is
        // open (the spec allows it), and refused (as an unknown argument) where it is closed.
        match body {
            Value::Object(fields) if !spec.whole_body => arguments.extend(
                fields
                    .into_iter()
                    .filter(|(name, _)| spec.closed_body || body_field(spec, name).is_some()),
            ),
            whole => {
                arguments.insert("body".into(), whole);
            }
        }
    }
    // A file part stands for itself: its argument is its index among the parts.
    let open = |_: &str, index: &str| {
        let part: &UploadedPart = index
            .parse::<usize>()
            .ok()
            .and_then(|i| files.get(i))
            .ok_or_else(|| "a file part that was not sent".to_string())?;
        Ok(crate::Upload::bytes(
            part.file_name.clone().unwrap_or_else(|| "file".into()),
            part.data.clone().unwrap_or_default(),
        ))
    };
    let client = validator.client().map_err(|problem| (500, problem))?;
    crate::requests::AnyRequest::from_json(client, route.operation, arguments.clone(), &open).map_err(|e| match e {
        crate::Error::InvalidInput(invalid) => (400, invalid.message),
        other => (400, other.to_string()),
    })?;
    Ok((arguments, files))
}

/// The smallest PNG: one transparent pixel.
pub(crate) const ONE_PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0b, 0x49,
    0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01, 0xe9, 0xfa, 0xdc, 0xd8, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A few bytes of the media type an operation that answers a file states: a 1x1 PNG for an image
/// (whatever its type: a client shows it), a JSON string for JSON (a `format: binary` answer
/// under `application/json`), text otherwise.
fn fake_file(media_type: Option<&'static str>) -> (&'static str, Bytes) {
    match media_type {
        Some(media) if media.starts_with("image/") => (media, Bytes::from_static(ONE_PIXEL_PNG)),
        Some(media) if crate::call::response::is_json(Some(media)) => {
            (media, Bytes::from_static(b"\"postpress fake file\""))
        }
        Some(media) if !media.contains('*') => (media, Bytes::from_static(b"postpress fake file\n")),
        _ => ("application/octet-stream", Bytes::from_static(b"postpress fake file\n")),
    }
}

/// `name=value` pairs of a query string, decoded.
fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(&text.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(name), decode(value))
        })
        .collect()
}

/// Sets an argument, appending to it for a list.
fn add(arguments: &mut serde_json::Map<String, Value>, name: &str, list: bool, value: Value) {
    if !list {
        arguments.insert(name.to_string(), value);
        return;
    }
    match arguments
        .entry(name.to_string())
        .or_insert_with(|| Value::Array(Vec::new()))
    {
        Value::Array(items) => items.push(value),
        other => *other = Value::Array(vec![value]),
    }
}

/// The body field of `spec` named `name` (a JSON body's property, a form's part).
fn body_field<'a>(spec: &'a crate::operations::Operation, name: &str) -> Option<&'a crate::operations::Field> {
    spec.fields
        .iter()
        .find(|f| f.location == Location::Body && f.name == name)
}

/// Reads the multipart form of an operation the fake does not model: text parts as arguments,
/// file parts kept (bounded by [`MAX_FORM_BODY`]) and named by their index.
async fn read_any_form(
    request: Request<Incoming>,
    spec: &crate::operations::Operation,
    arguments: &mut serde_json::Map<String, Value>,
    files: &mut Vec<UploadedPart>,
) -> Result<(), (u16, String)> {
    let mut multipart = multipart_of(request).map_err(|problem| (400, problem))?;
    let bad = |e: multer::Error| match e {
        multer::Error::StreamSizeExceeded { .. } => (413, format!("the body is larger than {MAX_FORM_BODY} bytes")),
        other => (400, format!("bad multipart body: {other}")),
    };
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        let Some(spec_field) = body_field(spec, &name) else {
            // A part the spec does not name: refused where the form is closed, ignored where the
            // spec allows others.
            if spec.closed_body {
                return Err((400, format!("form part {name:?} is not a field of this form")));
            }
            while field.chunk().await.map_err(bad)?.is_some() {}
            continue;
        };
        if spec_field.kind == ValueKind::Binary {
            let Some(file_name) = field.file_name().map(str::to_string) else {
                return Err((400, format!("form field {name} is a file: its part needs a filename")));
            };
            let file_name = Some(file_name);
            let content_type = field.content_type().map(|m| m.to_string());
            let data = field.bytes().await.map_err(bad)?;
            add(
                arguments,
                spec_field.name,
                spec_field.list,
                Value::String(files.len().to_string()),
            );
            files.push(UploadedPart {
                field: name,
                file_name,
                content_type,
                size: data.len() as u64,
                data: Some(data),
            });
        } else {
            let text = field.text().await.map_err(bad)?;
            // An object (or a list of them) goes as JSON parts: one part per item, or one part
            // holding the list.
            if spec_field.kind == ValueKind::Json {
                let value: Value =
                    serde_json::from_str(&text).map_err(|e| (400, format!("form field {name} is not JSON: {e}")))?;
                match value {
                    Value::Array(items) if spec_field.list => {
                        for item in items {
                            add(arguments, spec_field.name, true, item);
                        }
                    }
                    one => add(arguments, spec_field.name, spec_field.list, one),
                }
            } else {
                add(arguments, spec_field.name, spec_field.list, Value::String(text));
            }
        }
    }
    Ok(())
}

/// A multipart reader of `request`'s body, bounded by [`MAX_FORM_BODY`].
fn multipart_of(request: Request<Incoming>) -> Result<multer::Multipart<'static>, String> {
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multer::parse_boundary(content_type).map_err(|e| format!("not multipart/form-data: {e}"))?;
    let constraints = multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(MAX_FORM_BODY));
    Ok(multer::Multipart::with_constraints(
        request.into_body().into_data_stream(),
        boundary,
        constraints,
    ))
}

async fn read_json(request: Request<Incoming>) -> Result<Value, String> {
    let body = http_body_util::Limited::new(request.into_body(), MAX_JSON_BODY)
        .collect()
        .await
        .map_err(|e| format!("unreadable body (at most {MAX_JSON_BODY} bytes are read): {e}"))?
        .to_bytes();
    serde_json::from_slice(&body).map_err(|e| format!("the body is not JSON: {e}"))
}

/// Reads a send-message form.
async fn read_form(request: Request<Incoming>) -> Result<SendForm, String> {
    let mut multipart = multipart_of(request)?;
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
            "voice_message" | "video_message" | "attachments" if file_name.is_none() => {
                return Err(format!("form field {name} is a file: its part needs a filename"));
            }
            "voice_message" | "video_message" | "attachments" => {
                // The bytes are kept for get_attachment while they fit; past that, only counted.
                let mut size = 0u64;
                let mut kept = Some(bytes::BytesMut::new());
                while let Some(chunk) = field.chunk().await.map_err(|e| format!("bad multipart body: {e}"))? {
                    size += chunk.len() as u64;
                    kept = kept
                        .filter(|k| k.len() + chunk.len() <= super::state::MAX_KEPT_FILE)
                        .map(|mut k| {
                            k.extend_from_slice(&chunk);
                            k
                        });
                }
                form.files.push(UploadedPart {
                    field: name,
                    file_name,
                    content_type,
                    size,
                    data: kept.map(bytes::BytesMut::freeze),
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
            // A part the spec does not name is refused: the form is closed (`additionalProperties:
            // false`, read from the operation table).
            _ if OperationId::SendMessage.spec().closed_body
                && body_field(OperationId::SendMessage.spec(), &name).is_none() =>
            {
                return Err(format!("form part {name:?} is not a field of this form"));
            }
            // thread_id and typing_duration are accepted and have no effect here.
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
