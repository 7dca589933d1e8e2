//! The four JSON operations as data: what a [`Call`](crate::Call) holds, and how one attempt of
//! each is made through the generated client. Plain data and one generic function, rather than a
//! boxed closure and a boxed future per attempt: `cargo xtask bench` counts every allocation of a
//! call.

use std::future::Future;
use std::time::Duration;

use progenitor_client::{ClientInfo, Error as GenError, ResponseValue};

use crate::client::Client;
use crate::execute::Attempt;
use crate::operations::OperationId;
use crate::types::{self, ErrorEnvelope};

/// A JSON operation's request: its path parameter and its body. (`pub` in a private module: it
/// appears in the sealed [`sealed::JsonAnswer`], and no user can name it.)
#[derive(Debug)]
pub enum JsonRequest<'a> {
    GetMessage {
        message_id: &'a str,
    },
    ForwardMessage {
        message_id: &'a str,
        body: types::ForwardMessageRequest,
    },
    AddReaction {
        message_id: &'a str,
        body: types::AddReactionRequest,
    },
    PatchChat {
        chat_id: &'a str,
        body: types::ChatActionRequest,
    },
}

impl JsonRequest<'_> {
    pub(crate) fn operation(&self) -> OperationId {
        match self {
            JsonRequest::GetMessage { .. } => OperationId::GetMessage,
            JsonRequest::ForwardMessage { .. } => OperationId::ForwardMessage,
            JsonRequest::AddReaction { .. } => OperationId::AddReaction,
            JsonRequest::PatchChat { .. } => OperationId::PatchChat,
        }
    }
}

/// One attempt of `request`, with its own generated client (whose hooks record this attempt's
/// answer only) and per-attempt timeout.
pub(crate) async fn attempt<T: sealed::JsonAnswer>(
    client: &Client,
    request: &JsonRequest<'_>,
    timeout: Duration,
) -> Attempt<T> {
    let api = client.api(timeout);
    let result = T::send(&api, request).await;
    Ok((result, api.inner().take_last()))
}

pub(crate) mod sealed {
    use super::*;
    use crate::generated;

    type Answer<T> = Result<ResponseValue<T>, GenError<ErrorEnvelope>>;

    /// The answer type of a JSON operation, which knows the generated method that returns it.
    /// Sealed: only the crate's operations implement it.
    pub trait JsonAnswer: Sized + Send + 'static {
        #[doc(hidden)]
        fn send<'c>(
            api: &'c generated::Client,
            request: &'c JsonRequest<'c>,
        ) -> impl Future<Output = Answer<Self>> + Send + 'c;
    }

    /// A request paired with another operation's answer type: a bug in `client.rs`, reported
    /// rather than panicked on.
    #[allow(clippy::result_large_err)] // progenitor's error type, as the generated methods return it
    fn mismatch<T>(request: &JsonRequest<'_>) -> Answer<T> {
        Err(GenError::InvalidRequest(format!(
            "internal: {} paired with the wrong answer type",
            request.operation()
        )))
    }

    impl JsonAnswer for types::Message {
        async fn send<'c>(api: &'c generated::Client, request: &'c JsonRequest<'c>) -> Answer<Self> {
            match request {
                JsonRequest::GetMessage { message_id } => api.get_message(message_id).await,
                other => mismatch(other),
            }
        }
    }

    impl JsonAnswer for types::MessageForwarded {
        async fn send<'c>(api: &'c generated::Client, request: &'c JsonRequest<'c>) -> Answer<Self> {
            match request {
                JsonRequest::ForwardMessage { message_id, body } => api.forward_message(message_id, body).await,
                other => mismatch(other),
            }
        }
    }

    impl JsonAnswer for types::MessageReactionAdded {
        async fn send<'c>(api: &'c generated::Client, request: &'c JsonRequest<'c>) -> Answer<Self> {
            match request {
                JsonRequest::AddReaction { message_id, body } => api.add_reaction(message_id, body).await,
                other => mismatch(other),
            }
        }
    }

    impl JsonAnswer for types::ChatPatched {
        async fn send<'c>(api: &'c generated::Client, request: &'c JsonRequest<'c>) -> Answer<Self> {
            match request {
                JsonRequest::PatchChat { chat_id, body } => api.patch_chat(chat_id, body).await,
                other => mismatch(other),
            }
        }
    }
}
