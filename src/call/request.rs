//! Runs a request of any operation. The generated request types (`postpress::requests`, written
//! by `codegen/requests.rs`) hold a [`Core`] and their typed values; awaited, they check the
//! spec's constraints and hand over a [`Prepared`] request, which a [`Pending`] call sends
//! through the one attempt loop in [`super::execute`], each attempt made by [`super::attempt`].
//!
//! The requests are the SDK's own, not progenitor's generated methods: those borrow their client
//! and arguments (a request cannot be stored or spawned), check no constraint of a query
//! parameter, and cannot send `multipart/form-data` at all (progenitor issue #402). progenitor's
//! types are what the answers decode into.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use serde::de::DeserializeOwned;

use super::attempt::HttpAttempts;
use super::download::Download;
use super::execute::Exchange;
use super::{Core, Prepared, Response, Success};
use crate::error::Error;
use crate::operations::OperationId;

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
    pub(crate) async fn with_metadata(mut self) -> Result<Response<T>, Error> {
        if let Ok(exchange) = &mut self.call {
            exchange.attempts_mut().keep_headers = true;
        }
        std::future::poll_fn(|cx| self.poll_answer(cx, Response::new)).await
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
impl Pending<Download> {
    /// The file with the answer's status and headers.
    pub(crate) async fn download_with_metadata(mut self) -> Result<Response<Download>, Error> {
        if let Ok(exchange) = &mut self.call {
            exchange.attempts_mut().keep_headers = true;
        }
        std::future::poll_fn(|cx| self.poll_download(cx)).await
    }

    fn poll_download(&mut self, cx: &mut Context<'_>) -> Poll<Result<Response<Download>, Error>> {
        let exchange = match self.exchange() {
            Ok(exchange) => exchange,
            Err(refused) => return Poll::Ready(Err(refused)),
        };
        // A download's body is not read by the call: nothing is decoded.
        let polled = exchange.poll_call(cx, &mut |_| Ok(()));
        match ready!(polled) {
            Ok(mut success) => match success.download.take() {
                Some(response) => {
                    let (config, operation) = exchange.attempts_mut().config_and_operation();
                    let download = Download::new(config, operation, *response);
                    Poll::Ready(Ok(Response::new(download, success)))
                }
                None => Poll::Ready(Err(not_decoded(exchange.operation(), success.status))),
            },
            Err(error) => Poll::Ready(Err(error)),
        }
    }
}

/// Awaiting a download: the file, once the answer's head is in.
impl Future for Pending<Download> {
    type Output = Result<Download, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut()
            .poll_download(cx)
            .map(|answer| answer.map(Response::into_body))
    }
}

fn not_decoded(operation: OperationId, status: u16) -> Error {
    super::response::unusable_success(
        operation,
        status,
        "the answer was not decoded",
        crate::retry::Outcome::Unknown,
    )
}
