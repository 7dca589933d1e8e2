//! [`Client`]: one method per thing a user wants to do, with retries and tracing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::{ClientInfo, Error as GenError, ResponseValue};
use reqwest::header::HeaderValue;
use tracing::Instrument as _;

use crate::builder::ClientBuilder;
use crate::chat_action::ChatAction;
use crate::error::Error;
use crate::generated::{self, operations::OperationId};
use crate::hooks::Hooks;
use crate::response::{self, CallContext};
use crate::retry::{self, Idempotency};
use crate::types::{self, ErrorEnvelope};

/// A postpress API client. Cheap to clone (one `Arc`); clones share one connection pool and are
/// safe to use from many tasks at once.
///
/// ```no_run
/// # async fn run() -> Result<(), postpress::Error> {
/// use postpress::ChatAction;
///
/// let client = postpress::Client::from_env()?;
/// let msg = client.get_message("msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR").await?;
/// let fwd = client.forward_message(msg.id.as_str(), "chat_01HXYZ4QK3WJ8FN3M6QH7TZ8GR").await?;
/// println!("forwarded as {:?}", fwd.message_id); // None when the provider does not say
/// client.add_reaction(msg.id.as_str(), "👍").await?;
/// client.chat_action(&msg.chat_id, ChatAction::SetReadStatus(true)).await?;
/// let link: String = client.invite_link(&msg.chat_id).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    config: Arc<Config>,
}

/// What [`ClientBuilder::build`] checked.
pub(crate) struct Config {
    pub base_url: String,
    pub http: reqwest::Client,
    pub api_key: HeaderValue,
    pub timeout: Duration,
    pub upload_timeout: Duration,
    pub max_retries: u32,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.config.base_url)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.config.timeout)
            .field("max_retries", &self.config.max_retries)
            .finish()
    }
}

impl Client {
    /// A builder to configure a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `POSTPRESS_API_KEY` (required) and `POSTPRESS_BASE_URL` (optional).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_config(config: Config) -> Client {
        Client {
            config: Arc::new(config),
        }
    }

    /// The base URL requests go to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// Retrieves a message by its postpress id (`GET /messages/{message_id}`).
    pub async fn get_message(&self, message_id: &str) -> Result<types::Message, Error> {
        check_id("message_id", message_id)?;
        let api = self.api();
        self.run(&api, OperationId::GetMessage, Idempotency::Idempotent, |api| {
            api.get_message(message_id)
        })
        .await
    }

    /// Forwards a message to another chat (`POST /messages/{message_id}/forward`). WhatsApp only.
    ///
    /// The answer's `message_id` is `None` when the provider does not return the new id at once.
    /// Not idempotent: retried only when the attempt provably did not take effect.
    pub async fn forward_message(&self, message_id: &str, to_chat_id: &str) -> Result<types::MessageForwarded, Error> {
        check_id("message_id", message_id)?;
        check_non_empty("chat_id", to_chat_id)?;
        let body = types::ForwardMessageRequest {
            chat_id: to_chat_id.to_string(),
        };
        let api = self.api();
        self.run(&api, OperationId::ForwardMessage, Idempotency::NotIdempotent, |api| {
            api.forward_message(message_id, &body)
        })
        .await
    }

    /// Reacts to a message with an emoji (`POST /messages/{message_id}/reaction`). WhatsApp and
    /// LinkedIn only. A new reaction from the same account replaces the previous one.
    pub async fn add_reaction(&self, message_id: &str, reaction: &str) -> Result<types::MessageReactionAdded, Error> {
        check_id("message_id", message_id)?;
        check_non_empty("reaction", reaction)?;
        let body = types::AddReactionRequest {
            reaction: reaction.to_string(),
        };
        let api = self.api();
        self.run(&api, OperationId::AddReaction, Idempotency::Idempotent, |api| {
            api.add_reaction(message_id, &body)
        })
        .await
    }

    /// Performs an action on a chat (`PATCH /chats/{chat_id}`). See [`ChatAction`] for the actions
    /// and the providers that support each.
    pub async fn chat_action(&self, chat_id: &str, action: ChatAction) -> Result<types::ChatPatched, Error> {
        check_id("chat_id", chat_id)?;
        if let Some(value) = action.text_value() {
            check_non_empty(&format!("the value of {}", action.name()), value)?;
        }
        let body = types::ChatActionRequest::from(action);
        let api = self.api();
        self.run(&api, OperationId::PatchChat, Idempotency::Idempotent, |api| {
            api.patch_chat(chat_id, &body)
        })
        .await
    }

    /// Generates or retrieves a group chat's invite link (`getInviteLink`). WhatsApp and Telegram.
    pub async fn invite_link(&self, chat_id: &str) -> Result<String, Error> {
        let patched = self.chat_action(chat_id, ChatAction::GetInviteLink).await?;
        patched.invite_link.ok_or_else(|| {
            Error::InvalidResponse(Box::new(crate::error::InvalidResponse {
                status: Some(200),
                content_type: None,
                reason: "the answer to getInviteLink has no invite_link".into(),
                snippet: String::new(),
                retry_after: None,
                operation: OperationId::PatchChat.as_str(),
                retryable: false,
            }))
        })
    }

    /// The generated client for one call: its hooks record the answers of this call only.
    fn api(&self) -> generated::Client {
        let hooks = Hooks::for_call(self.config.api_key.clone(), self.config.timeout);
        generated::Client::new_with_client(&self.config.base_url, self.config.http.clone(), hooks)
    }

    /// Runs a generated operation with the SDK's retry rule, inside one tracing span. `call` makes
    /// one attempt; it is called again for each retry, so each attempt builds its request anew.
    async fn run<'a, T, F>(
        &self,
        api: &'a generated::Client,
        operation: OperationId,
        idempotency: Idempotency,
        mut call: impl FnMut(&'a generated::Client) -> F,
    ) -> Result<T, Error>
    where
        F: Future<Output = Result<ResponseValue<T>, GenError<ErrorEnvelope>>>,
    {
        let ctx = CallContext {
            operation: operation.as_str(),
            idempotency,
        };
        let mut retries = Retries::new(self.config.max_retries, call_span(operation));
        loop {
            let started = Instant::now();
            let result = match retries.span() {
                None => call(api).await,
                Some(span) => call(api).instrument(span.clone()).await,
            };
            let head = api.inner().take_last();
            let result = match response::convert(result, head.as_ref(), ctx) {
                Ok(converted) => converted,
                Err(undocumented) => Err(response::undocumented(ctx, head.as_ref(), undocumented).await),
            };
            match retries.after_attempt(started, head.map(|h| h.status), &result) {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return result,
            }
        }
    }
}

/// The span of one call: operation, method, and (recorded as the call goes) the request path,
/// attempts, status, duration and the error envelope's `instance`. It never holds a body or the key.
pub(crate) fn call_span(operation: OperationId) -> tracing::Span {
    let spec = operation.spec();
    tracing::info_span!(
        "postpress",
        operation = spec.id,
        method = spec.method,
        path = tracing::field::Empty,
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
        instance = tracing::field::Empty,
    )
}

/// Counts attempts, logs each in the call's span, and decides whether, and after how long, to try
/// again.
pub(crate) struct Retries {
    max_retries: u32,
    attempt: u32,
    span: tracing::Span,
}

impl Retries {
    pub(crate) fn new(max_retries: u32, span: tracing::Span) -> Self {
        Retries {
            max_retries,
            attempt: 1,
            span,
        }
    }

    /// The call's span, to run each attempt in, or `None` when no subscriber listens: entering a
    /// disabled span on every poll would cost without telling anyone anything. (Callers branch
    /// inline rather than through a helper future, which would add one more copy of the answer.)
    pub(crate) fn span(&self) -> Option<&tracing::Span> {
        (!self.span.is_disabled()).then_some(&self.span)
    }

    /// Logs an attempt; returns the wait before the next one, or `None` when `result` is final.
    pub(crate) fn after_attempt<T>(
        &mut self,
        started: Instant,
        status: Option<u16>,
        result: &Result<T, Error>,
    ) -> Option<Duration> {
        if !self.span.is_disabled() {
            self.span.in_scope(|| self.log_attempt(status, started, result));
        }
        self.next_delay(result.as_ref().err()?)
    }

    /// One event per attempt, with the span's fields brought up to date.
    fn log_attempt<T>(&self, status: Option<u16>, started: Instant, result: &Result<T, Error>) {
        let attempt = self.attempt;
        let duration_ms = started.elapsed().as_millis() as u64;
        self.span.record("attempts", attempt);
        self.span.record("duration_ms", duration_ms);
        if let Some(status) = status {
            self.span.record("status", status);
        }
        match result {
            Ok(_) => tracing::info!(attempt, status, duration_ms, "postpress request succeeded"),
            Err(error) => {
                if let Some(instance) = error.instance() {
                    self.span.record("instance", instance);
                }
                let retryable = error.is_retryable();
                tracing::info!(attempt, status, duration_ms, retryable, error = %error, "postpress request failed");
            }
        }
    }

    /// After a failed attempt: the wait before the next one, or `None` to return the error.
    fn next_delay(&mut self, error: &Error) -> Option<Duration> {
        if !error.is_retryable() || self.attempt > self.max_retries {
            return None;
        }
        match retry::delay(self.attempt, error.retry_after()) {
            Ok(wait) => {
                self.span
                    .in_scope(|| tracing::info!(retry_in_ms = wait.as_millis() as u64, "postpress retrying"));
                self.attempt += 1;
                Some(wait)
            }
            Err(asked) => {
                self.span.in_scope(|| {
                    tracing::info!(
                        retry_after_s = asked.as_secs(),
                        "postpress not retrying: Retry-After exceeds the cap"
                    )
                });
                None
            }
        }
    }
}

pub(crate) fn check_id(name: &str, id: &str) -> Result<(), Error> {
    match crate::path::check_id(id) {
        None => Ok(()),
        Some(problem) => Err(Error::invalid_input(format!("{name} {problem}"))),
    }
}

fn check_non_empty(name: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        Err(Error::invalid_input(format!("{name} is empty")))
    } else {
        Ok(())
    }
}
