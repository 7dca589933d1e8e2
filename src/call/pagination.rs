//! Pagination for the list operations of the API's cursor convention: every page, or every item
//! of every page, as a `Stream`, each page an ordinary call.
//!
//! Generated for the list operations only; a spec may have none, so its items may go unused.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_util::Stream;
use serde::de::DeserializeOwned;

use super::request::Pending;
use crate::error::Error;
use crate::operations::OperationId;

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
    fn operation(&self) -> OperationId;
    /// The call of this page, leaving the request to ask for the next one (no copy of it is made).
    fn send(&self) -> Pending<Self::Page>;
}

/// Every page, following each page's `cursor` until it is null. A failed page ends the stream
/// with its error; a cursor that repeats the one just sent ends it with an error too (the server
/// would be asked for the same page forever).
#[allow(dead_code)]
pub(crate) fn pages<R: Paginated>(first: R) -> impl Stream<Item = Result<R::Page, Error>> + Send + 'static {
    Pages {
        next: Some(first),
        call: None,
    }
}

/// Every item of every page, in order; ends as [`pages`] does.
#[allow(dead_code)]
pub(crate) fn items<R: Paginated>(first: R) -> impl Stream<Item = Result<R::Item, Error>> + Send + 'static {
    Items::<R> {
        pages: Pages {
            next: Some(first),
            call: None,
        },
        page: Vec::new().into_iter(),
    }
}

/// The pages of a list: the request of the next page, and the call of the page in flight, held in
/// place (a hand-written stream: the call is polled where it is, never moved between polls or
/// boxed).
struct Pages<R: Paginated> {
    /// `None` once the last page came, or a page failed.
    next: Option<R>,
    call: Option<Pending<R::Page>>,
}

// A `Pending` is `Unpin`, and so is the request: nothing is pinned in place.
impl<R: Paginated> Unpin for Pages<R> {}

impl<R: Paginated> Stream for Pages<R> {
    type Item = Result<R::Page, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let call = match &mut this.call {
            Some(call) => call,
            None => match &this.next {
                Some(request) => this.call.insert(request.send()),
                None => return Poll::Ready(None),
            },
        };
        let answer = ready!(Pin::new(call).poll(cx));
        this.call = None;
        let page = match answer {
            Ok(page) => page,
            Err(error) => {
                this.next = None;
                return Poll::Ready(Some(Err(error)));
            }
        };
        let Some(request) = this.next.take() else {
            return Poll::Ready(None);
        };
        match R::page_cursor(&page) {
            None => Poll::Ready(Some(Ok(page))),
            Some(next) if Some(next) == request.sent_cursor() => {
                Poll::Ready(Some(Err(repeated_cursor(request.operation()))))
            }
            Some(next) => {
                this.next = Some(request.with_cursor(next.to_string()));
                Poll::Ready(Some(Ok(page)))
            }
        }
    }
}

/// The items of the page at hand, handed out one by one, then the next page's.
struct Items<R: Paginated> {
    pages: Pages<R>,
    page: std::vec::IntoIter<R::Item>,
}

impl<R: Paginated> Unpin for Items<R> {}

impl<R: Paginated> Stream for Items<R> {
    type Item = Result<R::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.page.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match ready!(Pin::new(&mut this.pages).poll_next(cx)) {
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
    super::response::unusable_success(
        operation,
        operation.spec().success,
        "the page's cursor repeats the one just sent: following it would loop forever",
        crate::retry::Outcome::NotApplied,
    )
}
