//! The call path, from a generated request to its decoded answer. A request
//! (`crate::request::Request`, which every type of `postpress::requests` is) checks its values
//! and hands over a [`Prepared`] request; awaited, it is a [`Pending`](request::Pending) call (`request.rs`),
//! which runs the one attempt loop ([`execute`]: retries by the rule in [`crate::retry`], waits,
//! the deadline); each attempt is one HTTP exchange ([`attempt`]), whose answer is judged by
//! [`response`] from its [`head`] and a body read within [`limit`], or, for a file, handed to the
//! caller as a [`Download`](download::Download). [`telemetry`] records it all; [`pagination`]
//! walks a list operation's pages.
//!
//! This module holds what those layers share: the client's settings ([`Config`]), one call's
//! ([`CallOptions`], merged into a [`Plan`]), the request ([`Core`], [`Prepared`], [`Body`]) and
//! what a success hands back ([`Success`], [`Response`]). Each layer imports only from the ones
//! below it and from here.

pub(crate) mod attempt;
pub(crate) mod download;
pub(crate) mod execute;
pub(crate) mod head;
pub(crate) mod limit;
pub(crate) mod pagination;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod telemetry;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderValue;
use tracing::Span;

use crate::body::multipart::ProgressFn;
use crate::body::upload::Upload;
use crate::error::Error;
use crate::operations::OperationId;

/// What [`ClientBuilder::build`](crate::ClientBuilder::build) checked: the settings every call
/// of a client shares.
pub(crate) struct Config {
    /// Without a trailing `/`.
    pub base_url: String,
    /// The base URL parsed once: each request's URL is a copy with its path set, which costs a
    /// fraction of parsing the whole URL again (the largest part of building a request).
    pub base: reqwest::Url,
    pub http: reqwest::Client,
    pub api_key: HeaderValue,
    /// The key as text (which `header_value_for_key` checked it is), to scrub from what a server
    /// sends back without checking it again on every call.
    pub api_key_text: String,
    pub timeout: Duration,
    pub upload_timeout: Duration,
    pub deadline: Deadline,
    pub max_retries: u32,
}

/// The client's time allowed for a whole call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deadline {
    /// Set by the application: kept as it is.
    Set(Duration),
    /// The default, and never less than the call's attempt timeout (one slow attempt must be
    /// able to finish).
    AtLeast(Duration),
}

/// Settings of one call that override the client's.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CallOptions {
    pub timeout: Option<Duration>,
    pub deadline: Option<Duration>,
    pub max_retries: Option<u32>,
}

/// A successful answer with its metadata: the status, the headers and the decoded body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    status: u16,
    headers: http::HeaderMap,
    body: T,
}

impl<T> Response<T> {
    pub(crate) fn new(body: T, success: Success) -> Self {
        Response {
            status: success.status,
            headers: success.headers,
            body,
        }
    }

    /// The HTTP status of the answer (the operation's documented success status).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The headers of the answer.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, without the metadata.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// How one call is run: the client's settings with the call's own laid over them, made once per
/// call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub operation: OperationId,
    /// Time allowed for each attempt (handed to `attempt`, which sets it on its request).
    pub timeout: Duration,
    /// Time allowed for the whole call, attempts and waits included.
    pub deadline: Duration,
    pub max_retries: u32,
}

impl Plan {
    /// The plan of a call of `operation`. A transfer of files (up or down) has the upload
    /// timeout; a deadline is the call's own, else the client's ([`Deadline`]).
    pub(crate) fn new(config: &Config, options: &CallOptions, operation: OperationId, transfer: bool) -> Plan {
        let timeout = options.timeout.unwrap_or(if transfer {
            config.upload_timeout
        } else {
            config.timeout
        });
        let deadline = options.deadline.unwrap_or(match config.deadline {
            Deadline::Set(deadline) => deadline,
            Deadline::AtLeast(deadline) => deadline.max(timeout),
        });
        Plan {
            operation,
            timeout,
            deadline,
            max_retries: options.max_retries.unwrap_or(config.max_retries),
        }
    }
}

/// A boxed future (the dynamic requests' answers, an upload's opening of its files).
pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What every request holds besides its values: the client's settings (one `Arc`), the per-call
/// options, and an upload progress callback (multipart only).
#[derive(Clone)]
pub(crate) struct Core {
    pub config: Arc<Config>,
    pub options: CallOptions,
    pub progress: Option<ProgressFn>,
}

impl Core {
    pub(crate) fn new(config: &Arc<Config>) -> Core {
        Core {
            config: config.clone(),
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
    pub query: Vec<(&'static str, std::borrow::Cow<'a, str>)>,
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

/// What a success carries besides its body: the status and the headers; for a download, the
/// answer itself, whose body is the caller's to read.
#[derive(Debug)]
pub(crate) struct Success {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub download: Option<Box<reqwest::Response>>,
}

/// Decodes a success body into the caller's value. The call path below
/// [`Pending`](request::Pending) is not generic: it is compiled once for every operation, and the
/// decoded value is written once, where the caller keeps it, instead of being moved through the
/// layers of the call.
pub(crate) type Decode<'a> = &'a mut dyn FnMut(&[u8]) -> Result<(), serde_json::Error>;

/// What one attempt produced, already judged ([`response`]), and the status of its answer
/// when one arrived.
pub(crate) type Attempt = (Result<Success, Error>, Option<u16>);

/// The attempts of one call, as the attempt loop ([`execute`]) drives them: how each is started
/// and polled. The HTTP ones are [`HttpAttempts`](attempt::HttpAttempts); `execute`'s tests
/// script theirs.
pub(crate) trait Attempts: Unpin {
    type Attempt: Unpin;
    /// The call's plan, made once when the call was.
    fn plan(&self) -> &Plan;
    /// The span of the next attempt, a child of the call's ([`telemetry::attempt_span`]).
    fn span(&self, call: &Span, resend_count: u32) -> Span;
    /// Starts an attempt with this timeout, inside its span; nothing is awaited yet.
    fn start(&mut self, timeout: Duration) -> Self::Attempt;
    /// Drives `attempt`; a success's body is handed to `decode`.
    fn poll_attempt(&mut self, attempt: &mut Self::Attempt, cx: &mut Context<'_>, decode: Decode<'_>) -> Poll<Attempt>;
}
