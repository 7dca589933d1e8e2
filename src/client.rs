//! [`Client`]: one method per thing a user wants to do, with retries and tracing.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::builder::ClientBuilder;
use crate::call::{Call, CallOptions};
use crate::chat_action::ChatAction;
use crate::error::Error;
use crate::execute::Plan;
use crate::generated::{self, operations::OperationId};
use crate::hooks::Hooks;
use crate::json_ops::JsonRequest;
use crate::response::Secret;
use crate::types;

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
    /// `None`: [`DEFAULT_DEADLINE`](crate::DEFAULT_DEADLINE), and never less than the timeout.
    pub deadline: Option<Duration>,
    pub max_retries: u32,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.config.base_url)
            .field("api_key", &"<redacted>")
            .field("timeout", &self.config.timeout)
            .field("deadline", &self.config.deadline)
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
    pub fn get_message<'a>(&'a self, message_id: &'a str) -> Call<'a, types::Message> {
        let request = check_id("message_id", message_id).map(|()| JsonRequest::GetMessage { message_id });
        Call::new(self, request)
    }

    /// Forwards a message to another chat (`POST /messages/{message_id}/forward`). WhatsApp only.
    ///
    /// The answer's `message_id` is `None` when the provider does not return the new id at once.
    /// Not idempotent: retried only when the attempt provably did not take effect.
    pub fn forward_message<'a>(&'a self, message_id: &'a str, to_chat_id: &str) -> Call<'a, types::MessageForwarded> {
        let request = check_id("message_id", message_id)
            .and_then(|()| check_non_empty("chat_id", to_chat_id))
            .map(|()| JsonRequest::ForwardMessage {
                message_id,
                body: types::ForwardMessageRequest {
                    chat_id: to_chat_id.to_string(),
                },
            });
        Call::new(self, request)
    }

    /// Reacts to a message with an emoji (`POST /messages/{message_id}/reaction`). WhatsApp and
    /// LinkedIn only. A new reaction from the same account replaces the previous one.
    pub fn add_reaction<'a>(&'a self, message_id: &'a str, reaction: &str) -> Call<'a, types::MessageReactionAdded> {
        let request = check_id("message_id", message_id)
            .and_then(|()| check_non_empty("reaction", reaction))
            .and_then(|()| {
                // The spec's constraints (a non-empty emoji), as its generated type checks them.
                types::AddReactionRequestReaction::try_from(reaction)
                    .map_err(|e| Error::invalid_input(format!("reaction: {e}")))
            })
            .map(|reaction| JsonRequest::AddReaction {
                message_id,
                body: types::AddReactionRequest { reaction },
            });
        Call::new(self, request)
    }

    /// Performs an action on a chat (`PATCH /chats/{chat_id}`). See [`ChatAction`] for the actions
    /// and the providers that support each.
    pub fn chat_action<'a>(&'a self, chat_id: &'a str, action: ChatAction) -> Call<'a, types::ChatPatched> {
        let checked = check_id("chat_id", chat_id).and_then(|()| match action.text_value() {
            Some(value) => check_non_empty(&format!("the value of {}", action.name()), value),
            None => Ok(()),
        });
        let request = checked.map(|()| JsonRequest::PatchChat {
            chat_id,
            body: types::ChatActionRequest::from(action),
        });
        Call::new(self, request)
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
                operation: OperationId::PatchChat,
                retryable: false,
                // A 200 to getInviteLink: the action was performed, its answer lacks the link.
                outcome: crate::retry::Outcome::Unknown,
            }))
        })
    }

    /// The generated client for one attempt: its hooks record the answer of this attempt only.
    pub(crate) fn api(&self, timeout: Duration) -> generated::Client {
        let hooks = Hooks::for_call(self.config.api_key.clone(), timeout);
        generated::Client::new_with_client(&self.config.base_url, self.config.http.clone(), hooks)
    }

    /// The client's settings with the call's own laid over them. A send that carries files has the
    /// upload timeout; the default deadline is never shorter than the attempt's timeout (one slow
    /// attempt must be able to finish), an explicit one is kept as it is.
    pub(crate) fn plan(&self, operation: OperationId, options: &CallOptions, uploads: bool) -> Plan<'_> {
        let config = &self.config;
        let timeout = options
            .timeout
            .unwrap_or(if uploads { config.upload_timeout } else { config.timeout });
        let deadline = options
            .deadline
            .or(config.deadline)
            .unwrap_or(crate::DEFAULT_DEADLINE.max(timeout));
        Plan {
            operation,
            timeout,
            deadline,
            max_retries: options.max_retries.unwrap_or(config.max_retries),
            secret: Secret(config.api_key.to_str().unwrap_or_default()),
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
