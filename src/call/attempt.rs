//! One HTTP attempt of a call: the request built anew on the application's `reqwest::Client`
//! (for JSON and multipart bodies alike), sent, and its answer read and judged
//! ([`super::response`]). [`super::execute`] decides whether there is another.
//!
//! Written as a state machine polled by the attempt loop rather than an `async fn`, for the
//! reason given in [`super::execute`]; what would be awaits are its states. The rare paths (opening the
//! files of an upload, reading an answer the spec does not document) are `async fn`s, boxed.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderValue};
use tower_service::Service as _;

use super::head::{API_KEY_HEADER, ResponseHead};
use super::limit::{BodyTooLarge, MAX_RESPONSE_BODY};
use super::response::{self, CallContext, Secret};
use super::{Attempt, Attempts, Body, BoxFuture, Config, Core, Decode, FormText, Plan, Prepared, Success};
use crate::body::multipart::{Multipart, ProgressFn};
use crate::body::upload::Upload;
use crate::error::Error;
use crate::operations::OperationId;

/// Everything the attempts of one call send: owned, so the call can be spawned.
pub(crate) struct HttpAttempts {
    config: Arc<Config>,
    plan: Plan,
    url: reqwest::Url,
    method: reqwest::Method,
    body: Body,
    /// The operation's header parameters, checked once; empty (no allocation) for most.
    headers: HeaderMap,
    /// What the answer may be: JSON, or for a file the spec's media type (any, when it states
    /// none), with JSON after it for an error's envelope.
    accept: HeaderValue,
    progress: Option<ProgressFn>,
    /// Whether the caller wants the answer's headers; when not, they are let go as soon as the
    /// head is judged, as a hand-written call reading the body would.
    pub(crate) keep_headers: bool,
}

impl HttpAttempts {
    /// The attempts of `prepared`.
    pub(crate) fn new(core: &Core, prepared: Prepared<'_>) -> Result<HttpAttempts, Error> {
        let config = &core.config;
        // A transfer of files, up or down, is given the upload timeout.
        let transfer = prepared.body.has_files() || prepared.operation.spec().download;
        let mut plan = Plan::new(config, &core.options, prepared.operation, transfer);
        if let Body::Form { files, .. } = &prepared.body
            && !files.iter().all(|(_, upload)| upload.is_replayable())
        {
            // A reader or a stream can be read only once.
            plan.max_retries = 0;
        }
        let method = reqwest::Method::from_bytes(prepared.operation.spec().method.as_bytes())
            .map_err(|e| Error::invalid_input(format!("the spec's method: {e}")))?;
        let mut headers = HeaderMap::new();
        for (name, value) in &prepared.headers {
            let header = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::invalid_input(format!("the spec's header {name}: {e}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|_| Error::invalid_input(format!("{name} holds characters a header cannot carry")))?;
            headers.append(header, value);
        }
        let spec = prepared.operation.spec();
        let accept = match (spec.download, spec.answer_media_type) {
            (false, _) => HeaderValue::from_static("application/json"),
            (true, Some(media)) if !response::is_json(Some(media)) => {
                HeaderValue::from_str(&format!("{media}, application/json;q=0.5"))
                    .map_err(|e| Error::invalid_input(format!("the spec's media type {media}: {e}")))?
            }
            (true, Some(_)) => HeaderValue::from_static("application/json"),
            (true, None) => HeaderValue::from_static("*/*"),
        };
        Ok(HttpAttempts {
            plan,
            url: request_url(config, &prepared),
            method,
            body: prepared.body,
            headers,
            accept,
            progress: core.progress.clone(),
            config: config.clone(),
            keep_headers: false,
        })
    }

    /// What judging an answer of this call needs.
    fn context(&self) -> CallContext<'_> {
        CallContext::new(self.plan.operation, Secret(&self.config.api_key_text))
    }

    /// What a download keeps to read its body: the client's settings, and the operation.
    pub(crate) fn config_and_operation(&self) -> (Arc<Config>, OperationId) {
        (self.config.clone(), self.plan.operation)
    }
}

/// The request's URL: the base URL with the request's path and query. The base URL is parsed
/// once, when the client is built: setting a path costs a fraction of parsing a whole URL (the
/// largest part of building a request). The path's parameters are encoded already and dot
/// segments refused (`crate::path`), so setting it cannot lead elsewhere.
fn request_url(config: &Config, prepared: &Prepared<'_>) -> reqwest::Url {
    let mut url = config.base.clone();
    url.set_path(prepared.path);
    if !prepared.query.is_empty() {
        url.query_pairs_mut().extend_pairs(prepared.query.iter());
    }
    url
}

/// One attempt, from the request being built to its answer judged.
// Reading is the common state, and the attempt lives inside the caller's future: boxing it
// would add an allocation to every call to save a few hundred bytes of stack.
#[allow(clippy::large_enum_variant)]
pub(crate) enum HttpAttempt {
    /// Over before anything more is read: refused before sending, or on the answer's head.
    Finished(Option<Attempt>),
    /// Opening the files of a multipart body (boxed: only uploads open files).
    Opening(BoxFuture<Result<reqwest::Request, Error>>, Arc<()>),
    /// The request is out; the answer's head has not come yet. The `Arc` lives as long as the
    /// attempt, so an upload's progress stops being reported once the attempt is over (see
    /// `Multipart::into_body`).
    Sending(reqwest_pending::Pending, Option<Arc<()>>),
    /// Reading a documented answer's body.
    Reading(Reading),
    /// Reading an answer the spec does not document (boxed: rare).
    Undocumented(BoxFuture<Error>, u16),
    Done,
}

/// The name of reqwest's future of a sent request, which its `send` hides behind `impl Future`
/// and its `tower::Service` impl names.
mod reqwest_pending {
    pub(crate) type Pending = <reqwest::Client as tower_service::Service<reqwest::Request>>::Future;
}

/// A documented answer whose body is being read, whole, within [`MAX_RESPONSE_BODY`].
pub(crate) struct Reading {
    head: ResponseHead,
    /// Taken from the answer, not copied; empty when the caller does not want them.
    headers: HeaderMap,
    response: reqwest::Response,
    read: Collected,
    _sender: Option<Arc<()>>,
}

/// A body as it arrives: most answers come in one piece, which is kept as it is.
enum Collected {
    Nothing,
    One(Bytes),
    Many(BytesMut),
}

impl Collected {
    fn len(&self) -> usize {
        match self {
            Collected::Nothing => 0,
            Collected::One(bytes) => bytes.len(),
            Collected::Many(bytes) => bytes.len(),
        }
    }

    fn push(&mut self, data: Bytes) {
        *self = match std::mem::replace(self, Collected::Nothing) {
            Collected::Nothing => Collected::One(data),
            Collected::One(first) => {
                let mut many = BytesMut::with_capacity(first.len() + data.len());
                many.extend_from_slice(&first);
                many.extend_from_slice(&data);
                Collected::Many(many)
            }
            Collected::Many(mut many) => {
                many.extend_from_slice(&data);
                Collected::Many(many)
            }
        }
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Collected::Nothing => Bytes::new(),
            Collected::One(bytes) => bytes,
            Collected::Many(bytes) => bytes.freeze(),
        }
    }
}

impl Attempts for HttpAttempts {
    type Attempt = HttpAttempt;

    fn plan(&self) -> &Plan {
        &self.plan
    }

    fn span(&self, call: &tracing::Span, resend_count: u32) -> tracing::Span {
        super::telemetry::attempt_span(call, self.plan.operation, &self.url, resend_count)
    }

    fn start(&mut self, timeout: Duration) -> HttpAttempt {
        let config = &self.config;
        let url = self.url.clone();
        let mut request = config
            .http
            .request(self.method.clone(), url)
            .header(API_KEY_HEADER, config.api_key.clone())
            .header(ACCEPT, self.accept.clone());
        if !self.headers.is_empty() {
            request = request.headers(self.headers.clone());
        }
        if timeout != config.timeout {
            // The client's own timeout is `config.timeout` (see `ClientBuilder::build`).
            request = request.timeout(timeout);
        }
        #[cfg(feature = "opentelemetry")]
        if let Some((parent, state)) = super::telemetry::trace_context(&tracing::Span::current()) {
            // `start` runs inside the attempt's span.
            request = request.header("traceparent", parent);
            if let Some(state) = state {
                request = request.header("tracestate", state);
            }
        }
        match &self.body {
            Body::None => self.send(request, None),
            Body::Json(bytes) => {
                let request = request
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(bytes.clone());
                self.send(request, None)
            }
            Body::Form { texts, files } => {
                let sender = Arc::new(());
                let form = form(
                    request,
                    texts.clone(),
                    files.clone(),
                    self.progress.clone(),
                    Arc::downgrade(&sender),
                );
                HttpAttempt::Opening(Box::pin(form), sender)
            }
        }
    }

    fn poll_attempt(&mut self, attempt: &mut HttpAttempt, cx: &mut Context<'_>, decode: Decode<'_>) -> Poll<Attempt> {
        loop {
            match attempt {
                HttpAttempt::Done => {
                    let over = Error::invalid_input(format!("{}: the attempt is over", self.plan.operation));
                    return Poll::Ready((Err(over), None));
                }
                HttpAttempt::Finished(finished) => {
                    let finished = finished.take();
                    *attempt = HttpAttempt::Done;
                    if let Some(finished) = finished {
                        return Poll::Ready(finished);
                    }
                }
                HttpAttempt::Opening(form, sender) => {
                    let request = ready!(form.as_mut().poll(cx));
                    *attempt = match request {
                        Ok(request) => {
                            let sender = Some(sender.clone());
                            self.sending(request, sender)
                        }
                        Err(refused) => HttpAttempt::Finished(Some((Err(refused), None))),
                    };
                }
                HttpAttempt::Sending(pending, sender) => {
                    let response = match ready!(Pin::new(pending).poll(cx)) {
                        Ok(response) => response,
                        Err(e) => {
                            *attempt = HttpAttempt::Done;
                            return Poll::Ready((Err(response::send_error(self.context(), e)), None));
                        }
                    };
                    *attempt = self.answer(response, sender.take());
                }
                HttpAttempt::Reading(reading) => {
                    let ctx = self.context();
                    let status = reading.head.status;
                    let result = ready!(reading.poll_read(cx, ctx, decode));
                    *attempt = HttpAttempt::Done;
                    return Poll::Ready((result, Some(status)));
                }
                HttpAttempt::Undocumented(read, status) => {
                    let error = ready!(read.as_mut().poll(cx));
                    let status = *status;
                    *attempt = HttpAttempt::Done;
                    return Poll::Ready((Err(error), Some(status)));
                }
            }
        }
    }
}

impl HttpAttempts {
    fn send(&self, request: reqwest::RequestBuilder, sender: Option<Arc<()>>) -> HttpAttempt {
        match request.build() {
            Ok(request) => self.sending(request, sender),
            Err(e) => HttpAttempt::Finished(Some((Err(response::send_error(self.context(), e)), None))),
        }
    }

    fn sending(&self, request: reqwest::Request, sender: Option<Arc<()>>) -> HttpAttempt {
        let mut http = &self.config.http;
        HttpAttempt::Sending(http.call(request), sender)
    }

    /// What comes after the answer's head: reading a documented answer, or an undocumented one.
    fn answer(&self, response: reqwest::Response, sender: Option<Arc<()>>) -> HttpAttempt {
        let head = ResponseHead::of(&response);
        let spec = self.plan.operation.spec();
        let success = spec.successes.contains(&head.status);
        if !success && !spec.errors.contains(&head.status) {
            let status = head.status;
            let read = undocumented(self.config.clone(), self.plan.operation, head, response);
            return HttpAttempt::Undocumented(Box::pin(read), status);
        }
        if response.content_length().is_some_and(|len| len > MAX_RESPONSE_BODY) {
            // Declared too large: refused without reading a byte of it.
            let error = response::invalid(self.context(), Some(&head), BodyTooLarge.to_string(), &[]);
            return HttpAttempt::Finished(Some((Err(error), Some(head.status))));
        }
        if success && spec.download {
            // The file is the caller's to read: the call is over once its head is judged.
            let headers = if self.keep_headers {
                response.headers().clone()
            } else {
                HeaderMap::new()
            };
            let success = Success {
                status: head.status,
                headers,
                download: Some(Box::new(response)),
            };
            return HttpAttempt::Finished(Some((Ok(success), Some(head.status))));
        }
        let mut response = response;
        let headers = std::mem::take(response.headers_mut());
        let headers = if self.keep_headers { headers } else { HeaderMap::new() };
        HttpAttempt::Reading(Reading {
            head,
            headers,
            response,
            read: Collected::Nothing,
            _sender: sender,
        })
    }
}

impl Reading {
    fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        ctx: CallContext<'_>,
        decode: Decode<'_>,
    ) -> Poll<Result<Success, Error>> {
        loop {
            // A chunk's future is made for each poll and dropped with it: it holds nothing that
            // a later poll would miss (a frame is taken only when it is ready).
            let chunk = ready!(std::pin::pin!(self.response.chunk()).poll(cx));
            match chunk {
                Ok(Some(data)) => {
                    self.read.push(data);
                    if self.read.len() as u64 > MAX_RESPONSE_BODY {
                        let reason = BodyTooLarge.to_string();
                        return Poll::Ready(Err(response::invalid(ctx, Some(&self.head), reason, &[])));
                    }
                }
                Ok(None) => break,
                Err(e) => return Poll::Ready(Err(response::broken_body(ctx, e))),
            }
        }
        let body = std::mem::replace(&mut self.read, Collected::Nothing).into_bytes();
        let headers = std::mem::take(&mut self.headers);
        Poll::Ready(response::documented(ctx, &self.head, headers, &body, decode))
    }
}

/// The request with its multipart body: every file opened for this attempt, refusing before
/// sending when one cannot be read.
async fn form(
    request: reqwest::RequestBuilder,
    texts: Arc<[FormText]>,
    files: Arc<[(&'static str, Arc<Upload>)]>,
    progress: Option<ProgressFn>,
    sender: Weak<()>,
) -> Result<reqwest::Request, Error> {
    let mut form = Multipart::new();
    for text in texts.iter() {
        form.text(text.name, &text.value, text.content_type);
    }
    for (name, upload) in files.iter() {
        form.file(name, upload.open(name).await?)?;
    }
    let content_type = HeaderValue::from_str(&form.content_type()).map_err(|e| Error::invalid_input(e.to_string()))?;
    let (body, len) = form.into_body(progress, sender);
    let mut request = request.header(CONTENT_TYPE, content_type).body(body);
    if let Some(len) = len {
        request = request.header(CONTENT_LENGTH, len);
    }
    request
        .build()
        .map_err(|e| Error::invalid_input(format!("the request cannot be built: {e}")))
}

/// An answer with a status the spec does not document, read by [`response::undocumented`].
async fn undocumented(
    config: Arc<Config>,
    operation: OperationId,
    head: ResponseHead,
    response: reqwest::Response,
) -> Error {
    let ctx = CallContext::new(operation, Secret(&config.api_key_text));
    response::undocumented(ctx, Some(&head), response).await
}
