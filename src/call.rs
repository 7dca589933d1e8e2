//! [`Call`]: one JSON operation, prepared by a [`Client`] method and run when awaited, with
//! per-call options; [`Response`]: a call's answer with its metadata.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use progenitor_client::ResponseValue;

use crate::client::Client;
use crate::error::Error;
use crate::execute;
use crate::json_ops::{self, JsonRequest, sealed::JsonAnswer};

/// The future [`Call`]'s `IntoFuture` hands out.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The per-call option setters, for [`Call`] and [`SendMessage`](crate::SendMessage) alike (each
/// has an `options: CallOptions` field).
macro_rules! per_call_options {
    () => {
        /// Time allowed for each attempt of this call, until the whole answer is read. Default:
        /// the client's [`timeout`](crate::ClientBuilder::timeout) (for a send that carries files,
        /// its [`upload_timeout`](crate::ClientBuilder::upload_timeout)).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.timeout = Some(timeout);
            self
        }

        /// Time allowed for the whole call, retries and the waits between them included.
        /// Default: the client's [`deadline`](crate::ClientBuilder::deadline).
        pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
            self.options.deadline = Some(deadline);
            self
        }

        /// Retries after a failed first attempt, for the failures [`crate::retry`] allows (a send
        /// or a forward only when the attempt provably did not take effect). Default: the
        /// client's [`max_retries`](crate::ClientBuilder::max_retries); `0` disables retries.
        pub fn max_retries(mut self, max_retries: u32) -> Self {
            self.options.max_retries = Some(max_retries);
            self
        }
    };
}
pub(crate) use per_call_options;

/// Settings of one call that override the client's.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CallOptions {
    pub timeout: Option<Duration>,
    pub deadline: Option<Duration>,
    pub max_retries: Option<u32>,
}

/// A call to the API, prepared by a [`Client`] method; nothing is sent until it is awaited.
///
/// ```no_run
/// # async fn run(client: postpress::Client) -> Result<(), postpress::Error> {
/// use std::time::Duration;
///
/// // As it is:
/// let message = client.get_message("msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR").await?;
/// // With options for this call only, and the answer's status and headers:
/// let response = client
///     .get_message("msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR")
///     .timeout(Duration::from_secs(5))
///     .deadline(Duration::from_secs(12))
///     .max_retries(1)
///     .with_metadata()
///     .await?;
/// println!("{} {:?}", response.status(), response.headers().get("x-request-id"));
/// let message = response.into_body();
/// # Ok(()) }
/// ```
#[must_use = "nothing is sent until the call is awaited"]
pub struct Call<'a, T> {
    client: &'a Client,
    request: Result<JsonRequest<'a>, Error>,
    options: CallOptions,
    answer: std::marker::PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Call<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let operation = self.request.as_ref().ok().map(JsonRequest::operation);
        f.debug_struct("Call")
            .field("operation", &operation)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'a, T: JsonAnswer> Call<'a, T> {
    /// `request` is `Err` when the input was refused before anything was sent.
    pub(crate) fn new(client: &'a Client, request: Result<JsonRequest<'a>, Error>) -> Self {
        Call {
            client,
            request,
            options: CallOptions::default(),
            answer: std::marker::PhantomData,
        }
    }

    per_call_options!();

    /// Runs the call and returns the answer with its status and headers (a request id, rate-limit
    /// headers), instead of the body alone.
    pub async fn with_metadata(self) -> Result<Response<T>, Error> {
        self.run(Response::from_value).await
    }

    async fn run<R>(self, keep: impl FnOnce(ResponseValue<T>) -> R) -> Result<R, Error> {
        let request = self.request?;
        let client = self.client;
        let plan = client.plan(request.operation(), &self.options, false);
        let request = &request;
        execute::execute(plan, |timeout| json_ops::attempt(client, request, timeout), keep).await
    }
}

impl<'a, T: JsonAnswer> IntoFuture for Call<'a, T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'a, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run(ResponseValue::into_inner))
    }
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
    pub(crate) fn from_value(value: ResponseValue<T>) -> Self {
        Response {
            status: value.status().as_u16(),
            headers: value.headers().clone(),
            body: value.into_inner(),
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
