//! Runs a request of any operation. The generated request types (`postpress::requests`, written
//! by `codegen/requests.rs`) hold a [`Core`] and their typed values; awaited, they check the
//! spec's constraints and hand over a [`Prepared`] request, which a [`Pending`] call sends
//! through the one attempt loop in [`crate::execute`], each attempt made by [`crate::attempt`].
//!
//! The requests are the SDK's own, not progenitor's generated methods: those borrow their client
//! and arguments (a request cannot be stored or spawned), check no constraint of a query
//! parameter, and cannot send `multipart/form-data` at all (progenitor issue #402). progenitor's
//! types are what the answers decode into.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures_util::Stream;
use serde::de::DeserializeOwned;

use crate::attempt::HttpAttempts;
use crate::call::CallOptions;
use crate::client::Client;
use crate::error::Error;
use crate::execute::Exchange;
use crate::multipart::ProgressFn;
use crate::operations::OperationId;
use crate::upload::Upload;

/// A boxed future (the dynamic requests' answers).
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
    /// Header parameters (a list joined by commas); empty for most operations.
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
}

/// A request body, owned by the call (which can outlive the request it was made from).
#[derive(Debug)]
pub(crate) enum Body {
    None,
    /// Serialized once, sent by every attempt.
    Json(Bytes),
    /// Text parts (JSON values among them), then file parts (opened anew by every attempt),
    /// each in the spec's order; shared with each attempt's opening of the files.
    Form {
        texts: Arc<[FormText]>,
        files: Arc<[(&'static str, Arc<Upload>)]>,
    },
}

/// A form part that is not a file: text, or a JSON value.
#[derive(Debug)]
pub(crate) struct FormText {
    pub name: &'static str,
    pub value: String,
    /// The part's `Content-Type` (`application/json` for a JSON value); none for text.
    pub content_type: Option<&'static str>,
}

impl Body {
    pub(crate) fn has_files(&self) -> bool {
        matches!(self, Body::Form { files, .. } if !files.is_empty())
    }
}

/// A JSON body: a value of a generated type, or the object of a body's fields (unset optional
/// fields left out).
pub(crate) fn json_value(value: &impl serde::Serialize) -> Result<Body, Error> {
    serde_json::to_vec(value)
        .map(|bytes| Body::Json(bytes.into()))
        .map_err(|e| Error::invalid_input(format!("the body cannot be written as JSON: {e}")))
}

/// A form part's JSON value as text.
#[allow(dead_code)] // Called for the JSON parts of forms; a spec may have none.
pub(crate) fn json_text(name: &str, value: &impl serde::Serialize) -> Result<String, Error> {
    serde_json::to_string(value).map_err(|e| Error::invalid_input(format!("{name} cannot be written as JSON: {e}")))
}

/// A field's value as JSON.
pub(crate) fn to_json(name: &str, value: &impl serde::Serialize) -> Result<serde_json::Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::invalid_input(format!("{name} cannot be written as JSON: {e}")))
}

/// What a success carries besides its body: the status and the headers; for a download, the
/// answer itself, whose body is the caller's to read.
#[derive(Debug)]
pub(crate) struct Success {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub download: Option<Box<reqwest::Response>>,
}

/// Decodes a success body into the caller's value. The call path below [`Pending`] is not
/// generic: it is compiled once for every operation, and the decoded value is written once, where
/// the caller keeps it, instead of being moved through the layers of the call.
pub(crate) type Decode<'a> = &'a mut dyn FnMut(&[u8]) -> Result<(), serde_json::Error>;

/// An awaited request: the future `client.get_message(id).await` runs. It owns everything it
/// needs (`Send + 'static`), so it can be spawned; dropping it cancels the call (an attempt in
/// flight is abandoned, nothing more is sent).
///
/// Every request type's [`IntoFuture`](std::future::IntoFuture) is a `Pending` of its answer.
#[must_use = "futures do nothing unless awaited"]
pub struct Pending<T> {
    /// `Err`: refused before any attempt (a value the spec does not allow), until polled.
    call: Result<Exchange<HttpAttempts>, Option<Error>>,
    answer: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Pending<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending").finish_non_exhaustive()
    }
}

impl<T> Pending<T> {
    /// The call of `prepared` (or its refusal), sent at the first poll.
    pub(crate) fn new(core: &Core, prepared: Result<Prepared<'_>, Error>) -> Pending<T> {
        let call = prepared
            .and_then(|prepared| HttpAttempts::new(core, prepared))
            .map(Exchange::new)
            .map_err(Some);
        Pending {
            call,
            answer: PhantomData,
        }
    }

    /// The call, or why it was refused (once: then "the call is over").
    fn exchange(&mut self) -> Result<&mut Exchange<HttpAttempts>, Error> {
        match &mut self.call {
            Ok(exchange) => Ok(exchange),
            Err(refused) => Err(refused
                .take()
                .unwrap_or_else(|| Error::invalid_input("the call is over"))),
        }
    }
}

impl<T: DeserializeOwned> Pending<T> {
    /// The answer with its status and headers.
    pub(crate) async fn with_metadata(mut self) -> Result<crate::Response<T>, Error> {
        if let Ok(exchange) = &mut self.call {
            exchange.attempts_mut().keep_headers = true;
        }
        std::future::poll_fn(|cx| self.poll_answer(cx, crate::Response::new)).await
    }

    /// Drives the call; `keep` makes the output of a success (called once, with the decoded
    /// body written where it is kept, not moved through the layers of the call).
    fn poll_answer<R>(&mut self, cx: &mut Context<'_>, keep: impl FnOnce(T, Success) -> R) -> Poll<Result<R, Error>> {
        let exchange = match self.exchange() {
            Ok(exchange) => exchange,
            Err(refused) => return Poll::Ready(Err(refused)),
        };
        let mut slot = None;
        let polled = exchange.poll_call(cx, &mut |body| {
            slot = Some(serde_json::from_slice(body)?);
            Ok(())
        });
        match ready!(polled) {
            Ok(success) => match slot {
                Some(body) => Poll::Ready(Ok(keep(body, success))),
                // `poll_call` succeeds only after the body was decoded.
                None => Poll::Ready(Err(not_decoded(exchange.operation(), success.status))),
            },
            Err(error) => Poll::Ready(Err(error)),
        }
    }
}

impl<T: DeserializeOwned> Future for Pending<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().poll_answer(cx, |body, _| body)
    }
}

// Called by the requests of operations that answer a file; a spec may have none.
#[allow(dead_code)]
impl Pending<crate::Download> {
    /// The file with the answer's status and headers.
    pub(crate) async fn download_with_metadata(mut self) -> Result<crate::Response<crate::Download>, Error> {
        if let Ok(exchange) = &mut self.call {
            exchange.attempts_mut().keep_headers = true;
        }
        std::future::poll_fn(|cx| self.poll_download(cx)).await
    }

    fn poll_download(&mut self, cx: &mut Context<'_>) -> Poll<Result<crate::Response<crate::Download>, Error>> {
        let exchange = match self.exchange() {
            Ok(exchange) => exchange,
            Err(refused) => return Poll::Ready(Err(refused)),
        };
        // A download's body is not read by the call: nothing is decoded.
        let polled = exchange.poll_call(cx, &mut |_| Ok(()));
        match ready!(polled) {
            Ok(mut success) => match success.download.take() {
                Some(response) => {
                    let (client, operation) = exchange.attempts_mut().client_and_operation();
                    let download = crate::Download::new(client, operation, *response);
                    Poll::Ready(Ok(crate::Response::new(download, success)))
                }
                None => Poll::Ready(Err(not_decoded(exchange.operation(), success.status))),
            },
            Err(error) => Poll::Ready(Err(error)),
        }
    }
}

/// Awaiting a download: the file, once the answer's head is in.
impl Future for Pending<crate::Download> {
    type Output = Result<crate::Download, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut()
            .poll_download(cx)
            .map(|answer| answer.map(crate::Response::into_body))
    }
}

fn not_decoded(operation: OperationId, status: u16) -> Error {
    crate::response::unusable_success(
        operation,
        status,
        "the answer was not decoded",
        crate::retry::Outcome::Unknown,
    )
}

// Pagination is generated for the list operations of the API's cursor convention; a spec may
// have none, so its items may go unused.

/// A list operation of the API's cursor convention: an optional `cursor` query parameter, and an
/// answer with an `items` array and a nullable `cursor` (null on the last page).
#[allow(dead_code)]
pub(crate) trait Paginated: Send + 'static {
    type Page: DeserializeOwned + Send + 'static;
    type Item: Send + 'static;
    /// The same request, asking for the page after `cursor`.
    fn with_cursor(self, cursor: String) -> Self;
    /// The cursor this request sends, if any.
    fn sent_cursor(&self) -> Option<&str>;
    fn page_cursor(page: &Self::Page) -> Option<&str>;
    fn page_items(page: Self::Page) -> Vec<Self::Item>;
    fn operation() -> OperationId;
    /// The call of this page, leaving the request to ask for the next one (no copy of it is made).
    fn send(&self) -> Pending<Self::Page>;
}

/// Every page, following each page's `cursor` until it is null. A failed page ends the stream
/// with its error; a cursor that repeats the one just sent ends it with an error too (the server
/// would be asked for the same page forever).
#[allow(dead_code)]
pub(crate) fn pages<R: Paginated>(first: R) -> impl Stream<Item = Result<R::Page, Error>> + Send + 'static {
    futures_util::stream::unfold(Some(first), |state| async move {
        let request = state?;
        let page = match request.send().await {
            Ok(page) => page,
            Err(error) => return Some((Err(error), None)),
        };
        match R::page_cursor(&page) {
            None => Some((Ok(page), None)),
            Some(next) if Some(next) == request.sent_cursor() => Some((Err(repeated_cursor(R::operation())), None)),
            Some(next) => {
                let next = next.to_string();
                Some((Ok(page), Some(request.with_cursor(next))))
            }
        }
    })
}

/// Every item of every page, in order; ends as [`pages`] does.
#[allow(dead_code)]
pub(crate) fn items<R: Paginated>(first: R) -> impl Stream<Item = Result<R::Item, Error>> + Send + 'static {
    Items::<R, _> {
        pages: Box::pin(pages(first)),
        page: Vec::new().into_iter(),
    }
}

/// The items of the page at hand, handed out one by one, then the next page's.
struct Items<R: Paginated, S> {
    pages: Pin<Box<S>>,
    page: std::vec::IntoIter<R::Item>,
}

// Nothing of it is pinned in place: the pages are boxed, and an item is moved out as it is
// handed over.
impl<R: Paginated, S> Unpin for Items<R, S> {}

impl<R: Paginated, S: Stream<Item = Result<R::Page, Error>>> Stream for Items<R, S> {
    type Item = Result<R::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.page.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(this.pages.as_mut().poll_next(cx)) {
                Some(Ok(page)) => this.page = R::page_items(page).into_iter(),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                None => return Poll::Ready(None),
            }
        }
    }
}

#[allow(dead_code)]
fn repeated_cursor(operation: OperationId) -> Error {
    // A list is a read: nothing was acted on.
    crate::response::unusable_success(
        operation,
        operation.spec().success,
        "the page's cursor repeats the one just sent: following it would loop forever",
        crate::retry::Outcome::NotApplied,
    )
}
