//! [`Client`]: one method per thing a user wants to do, with retries and tracing.

use std::sync::Arc;
use std::time::Duration;

use progenitor_client::ClientInfo;
use reqwest::header::HeaderValue;

use crate::builder::ClientBuilder;
use crate::chat_action::ChatAction;
use crate::error::Error;
use crate::execute::execute;
use crate::generated::{self, operations::OperationId};
use crate::hooks::Hooks;
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
        let api = &self.api();
        execute(OperationId::GetMessage, self.config.max_retries, move || async move {
            let result = api.get_message(message_id).await;
            Ok((result, api.inner().take_last()))
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
        let body = &types::ForwardMessageRequest {
            chat_id: to_chat_id.to_string(),
        };
        let api = &self.api();
        execute(
            OperationId::ForwardMessage,
            self.config.max_retries,
            move || async move {
                let result = api.forward_message(message_id, body).await;
                Ok((result, api.inner().take_last()))
            },
        )
        .await
    }

    /// Reacts to a message with an emoji (`POST /messages/{message_id}/reaction`). WhatsApp and
    /// LinkedIn only. A new reaction from the same account replaces the previous one.
    pub async fn add_reaction(&self, message_id: &str, reaction: &str) -> Result<types::MessageReactionAdded, Error> {
        check_id("message_id", message_id)?;
        check_non_empty("reaction", reaction)?;
        let body = &types::AddReactionRequest {
            reaction: reaction.to_string(),
        };
        let api = &self.api();
        execute(OperationId::AddReaction, self.config.max_retries, move || async move {
            let result = api.add_reaction(message_id, body).await;
            Ok((result, api.inner().take_last()))
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
        let body = &types::ChatActionRequest::from(action);
        let api = &self.api();
        execute(OperationId::PatchChat, self.config.max_retries, move || async move {
            let result = api.patch_chat(chat_id, body).await;
            Ok((result, api.inner().take_last()))
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
                operation: OperationId::PatchChat,
                retryable: false,
            }))
        })
    }

    /// The generated client for one call: its hooks record the answers of this call only.
    fn api(&self) -> generated::Client {
        let hooks = Hooks::for_call(self.config.api_key.clone(), self.config.timeout);
        generated::Client::new_with_client(&self.config.base_url, self.config.http.clone(), hooks)
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
