//! What every request has besides its own values: the per-call options (their setters, for
//! every generated request type) and [`Response`], an answer with its metadata.

use std::time::Duration;

/// The per-call option setters of every request type (each holds its `CallOptions` in
/// `core.options`).
macro_rules! per_call_options {
    () => {
        /// Time allowed for each attempt of this call, until the whole answer is read. Default:
        /// the client's [`timeout`](crate::ClientBuilder::timeout) (for a send that carries files,
        /// its [`upload_timeout`](crate::ClientBuilder::upload_timeout)).
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.core.options.timeout = Some(timeout);
            self
        }

        /// Time allowed for the whole call, retries and the waits between them included.
        /// Default: the client's [`deadline`](crate::ClientBuilder::deadline).
        pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
            self.core.options.deadline = Some(deadline);
            self
        }

        /// Retries after a failed first attempt, for the failures [`crate::retry`] allows (a send
        /// or a forward only when the attempt provably did not take effect). Default: the
        /// client's [`max_retries`](crate::ClientBuilder::max_retries); `0` disables retries.
        pub fn max_retries(mut self, max_retries: u32) -> Self {
            self.core.options.max_retries = Some(max_retries);
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

/// A successful answer with its metadata: the status, the headers and the decoded body.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    status: u16,
    headers: http::HeaderMap,
    body: T,
}

impl<T> Response<T> {
    pub(crate) fn new(body: T, success: crate::request::Success) -> Self {
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
