//! Runs a request of any operation. The generated request types (`postpress::requests`, written
//! by `codegen/requests.rs`) hold a [`Core`] and their typed values; awaited, they check the
//! spec's constraints and hand over a [`Prepared`] request, which [`run`] sends through the one
//! attempt loop in [`crate::execute`].
//!
//! Each attempt is built here, on the application's `reqwest::Client`, for JSON and multipart
//! bodies alike: progenitor's generated methods borrow their client and arguments (a request
//! cannot be stored or spawned), check no constraint of a query parameter, and cannot send
//! `multipart/form-data` at all (progenitor issue #402). Its types are what the answers decode
//! into.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use serde::de::DeserializeOwned;

use crate::call::CallOptions;
use crate::client::Client;
use crate::error::Error;
use crate::execute::{self, Attempt};
use crate::head::{API_KEY_HEADER, ResponseHead};
use crate::multipart::{Multipart, ProgressFn};
use crate::operations::OperationId;
use crate::response::{self, CallContext};
use crate::upload::Upload;

/// The future a request hands out when awaited.
pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What every request holds besides its values: the client (a clone: one `Arc`), the per-call
/// options, and an upload progress callback (multipart only).
#[derive(Clone)]
pub(crate) struct Core {
    pub client: Client,
    pub options: CallOptions,
    pub progress: Option<ProgressFn>,
}

impl Core {
    pub(crate) fn new(client: &Client) -> Core {
        Core {
            client: client.clone(),
            options: CallOptions::default(),
            progress: None,
        }
    }
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// A request whose values passed the spec's checks: the same for every attempt.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    pub operation: OperationId,
    /// The base URL's path and the operation's, parameters encoded (`/api/v1/messages/msg_1`).
    pub path: &'a str,
    /// Query parameters in the spec's order; a list repeats its name.
    pub query: Vec<(&'static str, String)>,
    pub body: Body<'a>,
}

/// A request body.
#[derive(Debug)]
pub(crate) enum Body<'a> {
    None,
    /// Serialized once, sent by every attempt.
    Json(Bytes),
    /// Text parts, then file parts (opened anew by every attempt), each in the spec's order.
    Form {
        texts: Vec<(&'static str, String)>,
        files: Vec<(&'static str, &'a Upload)>,
    },
}

impl Body<'_> {
    fn has_files(&self) -> bool {
        matches!(self, Body::Form { files, .. } if !files.is_empty())
    }
}

/// A JSON body: a value of a generated type, or the object of a body's fields (unset optional
/// fields left out).
pub(crate) fn json_value(value: &impl serde::Serialize) -> Result<Body<'static>, Error> {
    serde_json::to_vec(value)
        .map(|bytes| Body::Json(bytes.into()))
        .map_err(|e| Error::invalid_input(format!("the body cannot be written as JSON: {e}")))
}

/// A field's value as JSON.
pub(crate) fn to_json(name: &str, value: &impl serde::Serialize) -> Result<serde_json::Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::invalid_input(format!("{name} cannot be written as JSON: {e}")))
}

/// What a success carries besides its body: the status and the headers.
#[derive(Debug)]
pub(crate) struct Success {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
}

/// Decodes a success body into the caller's value; the call path below it is not generic, so it
/// is compiled once for every operation, and the decoded value is not moved through its futures.
/// Shared (`Fn`), so that every attempt's future can hold it.
pub(crate) type Decode<'a> = &'a (dyn Fn(&[u8]) -> Result<(), serde_json::Error> + Sync);

/// What [`run`] keeps of a success when only the body is wanted.
pub(crate) fn body_only<T>(body: T, _: Success) -> T {
    body
}

/// Runs a prepared request through the attempt loop; `keep` takes what the caller wants of a
/// success (its decoded body, and the status and headers).
pub(crate) async fn run<T, R>(
    core: &Core,
    prepared: Result<Prepared<'_>, Error>,
    keep: impl FnOnce(T, Success) -> R,
) -> Result<R, Error>
where
    T: DeserializeOwned + Send,
{
    let prepared = prepared?;
    let operation = prepared.operation;
    // Written by the one attempt that succeeds (a lock nobody else takes: a few instructions).
    let slot = std::sync::Mutex::new(None);
    let success = call(core, prepared, &|body| {
        let body = serde_json::from_slice(body)?;
        *slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(body);
        Ok(())
    })
    .await?;
    match slot.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        Some(body) => Ok(keep(body, success)),
        // `call` succeeds only after the body was decoded.
        None => Err(Error::InvalidResponse(Box::new(crate::error::InvalidResponse {
            status: Some(success.status),
            content_type: None,
            reason: "the answer was not decoded".into(),
            snippet: String::new(),
            retry_after: None,
            operation,
            retryable: false,
            outcome: crate::retry::Outcome::Unknown,
        }))),
    }
}

/// [`run`] without its answer type: checks the rules, plans the call and runs its attempts.
async fn call(core: &Core, prepared: Prepared<'_>, decode: Decode<'_>) -> Result<Success, Error> {
    crate::rules::check(&prepared)?;
    let client = &core.client;
    let uploads = prepared.body.has_files();
    let mut plan = client.plan(prepared.operation, &core.options, uploads);
    if let Body::Form { files, .. } = &prepared.body
        && !files.iter().all(|(_, upload)| upload.is_replayable())
    {
        // A reader or a stream can be read only once.
        plan.max_retries = 0;
    }
    let ctx = plan.context();
    let url = request_url(client, &prepared);
    let method = reqwest::Method::from_bytes(prepared.operation.spec().method.as_bytes())
        .map_err(|e| Error::invalid_input(format!("the spec's method: {e}")))?;
    let progress = core.progress.as_ref();
    // The first attempt takes the URL; a retry (rare) builds it again: no copy is made for the
    // calls that need none.
    let mut first = Some(url);
    let (prepared, method) = (&prepared, &method);
    execute::execute(plan, move |timeout| {
        let url = first.take().unwrap_or_else(|| request_url(client, prepared));
        let sent = Sent {
            client,
            prepared,
            method,
            progress,
            timeout,
        };
        attempt(sent, url, ctx, decode)
    })
    .await
}

/// The request's URL: the base URL with the request's path and query. The path's parameters
/// are encoded already and dot segments refused (`crate::path`), so setting it cannot lead
/// elsewhere.
fn request_url(client: &Client, prepared: &Prepared<'_>) -> reqwest::Url {
    let mut url = client.config().base.clone();
    url.set_path(prepared.path);
    if !prepared.query.is_empty() {
        url.query_pairs_mut().extend_pairs(prepared.query.iter());
    }
    url
}

/// What every attempt of a call sends.
struct Sent<'a> {
    client: &'a Client,
    prepared: &'a Prepared<'a>,
    method: &'a reqwest::Method,
    progress: Option<&'a ProgressFn>,
    timeout: Duration,
}

/// One attempt: builds the request anew (opening every file, refusing before sending when one
/// cannot be read), sends it and reads the answer; with the answer's status, when one came.
async fn attempt(sent: Sent<'_>, url: reqwest::Url, ctx: CallContext<'_>, decode: Decode<'_>) -> Attempt {
    let config = sent.client.config();
    if tracing::level_enabled!(tracing::Level::INFO) {
        // The path holds ids, never the key (which only travels in a header).
        tracing::Span::current().record("path", url.path());
    }
    let mut request = config
        .http
        .request(sent.method.clone(), url)
        .header(API_KEY_HEADER, config.api_key.clone())
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .timeout(sent.timeout);
    // Held until this attempt ends or is dropped; see `Multipart::into_body`.
    let sender = Arc::new(());
    match &sent.prepared.body {
        Body::None => {}
        Body::Json(bytes) => {
            request = request
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(bytes.clone());
        }
        Body::Form { texts, files } => {
            // Boxed: the files' opening is the largest state of an attempt, and only uploads
            // need it.
            let form = Box::pin(form(texts, files, sent.progress, &sender)).await;
            let (content_type, body, len) = match form {
                Ok(form) => form,
                Err(refused) => return (Err(refused), None),
            };
            request = request.header(CONTENT_TYPE, content_type).body(body);
            if let Some(len) = len {
                request = request.header(CONTENT_LENGTH, len);
            }
        }
    }
    let response = match request.send().await {
        Ok(response) => crate::limit::limit_body(response),
        Err(e) => return (Err(response::send_error(ctx, e)), None),
    };
    let head = ResponseHead::of(&response);
    let result = response::read(ctx, &head, response, decode).await;
    drop(sender);
    (result, Some(head.status))
}

/// A multipart body: its content type, the body and its length when known.
async fn form(
    texts: &[(&'static str, String)],
    files: &[(&'static str, &Upload)],
    progress: Option<&ProgressFn>,
    sender: &Arc<()>,
) -> Result<(HeaderValue, reqwest::Body, Option<u64>), Error> {
    let mut form = Multipart::new();
    for (name, value) in texts {
        form.text(name, value);
    }
    for (name, upload) in files {
        form.file(name, upload.open(name).await?)?;
    }
    let content_type = HeaderValue::from_str(&form.content_type()).map_err(|e| Error::invalid_input(e.to_string()))?;
    let (body, len) = form.into_body(progress.cloned(), Arc::downgrade(sender));
    Ok((content_type, body, len))
}

// Pagination is generated for the list operations of the API's cursor convention; a spec may
// have none, so its items may go unused.

/// A list operation of the API's cursor convention: an optional `cursor` query parameter, and an
/// answer with an `items` array and a nullable `cursor` (null on the last page).
#[allow(dead_code)]
pub(crate) trait Paginated:
    IntoFuture<Output = Result<Self::Page, Error>, IntoFuture: Send> + Clone + Send + 'static
{
    type Page: Send + 'static;
    type Item: Send + 'static;
    /// The same request, asking for the page after `cursor`.
    fn with_cursor(self, cursor: String) -> Self;
    /// The cursor this request sends, if any.
    fn sent_cursor(&self) -> Option<&str>;
    fn page_cursor(page: &Self::Page) -> Option<&str>;
    fn page_items(page: Self::Page) -> Vec<Self::Item>;
    fn operation() -> OperationId;
}

/// Every page, following each page's `cursor` until it is null. A failed page ends the stream
/// with its error; a cursor that repeats the one just sent ends it with an error too (the server
/// would be asked for the same page forever).
#[allow(dead_code)]
pub(crate) fn pages<R: Paginated>(first: R) -> impl Stream<Item = Result<R::Page, Error>> + Send + 'static {
    futures_util::stream::unfold(Some(first), |state| async move {
        let request = state?;
        let sent = request.sent_cursor().map(str::to_string);
        let follow = |page: &R::Page| R::page_cursor(page).map(str::to_string);
        let template = request.clone();
        let page = match request.await {
            Ok(page) => page,
            Err(error) => return Some((Err(error), None)),
        };
        match follow(&page) {
            None => Some((Ok(page), None)),
            Some(next) if Some(&next) == sent.as_ref() => Some((Err(repeated_cursor(R::operation())), None)),
            Some(next) => Some((Ok(page), Some(template.with_cursor(next)))),
        }
    })
}

/// Every item of every page, in order; ends as [`pages`] does.
#[allow(dead_code)]
pub(crate) fn items<R: Paginated>(first: R) -> impl Stream<Item = Result<R::Item, Error>> + Send + 'static {
    use futures_util::StreamExt;
    pages(first).flat_map(|page| {
        let items: Vec<Result<R::Item, Error>> = match page {
            Ok(page) => R::page_items(page).into_iter().map(Ok).collect(),
            Err(error) => vec![Err(error)],
        };
        futures_util::stream::iter(items)
    })
}

#[allow(dead_code)]
fn repeated_cursor(operation: OperationId) -> Error {
    Error::InvalidResponse(Box::new(crate::error::InvalidResponse {
        status: Some(operation.spec().success),
        content_type: None,
        reason: "the page's cursor repeats the one just sent: following it would loop forever".into(),
        snippet: String::new(),
        retry_after: None,
        operation,
        retryable: false,
        // A list is a read: nothing was acted on.
        outcome: crate::retry::Outcome::NotApplied,
    }))
}
