//! [`Client`]: the configured connection to the API. Its methods, one per operation of the spec,
//! are generated (`codegen/requests.rs`); the ones here add what the spec cannot say:
//! [`ChatAction`] over `patch_chat`, and [`invite_link`](Client::invite_link).

use std::sync::Arc;

use crate::builder::ClientBuilder;
use crate::call::Config;
use crate::error::Error;
#[cfg(feature = "messaging")]
use crate::{chat_action::ChatAction, generated::operations::OperationId, requests, types};

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

    /// The base URL's path without a trailing `/` (empty for `https://host`), which every
    /// operation's path extends.
    pub(crate) fn base_path(&self) -> &str {
        self.config.base.path().trim_end_matches('/')
    }

    /// The client's settings, shared with every request made from it (`Core::new`).
    pub(crate) fn config(&self) -> &Arc<Config> {
        &self.config
    }

    /// Performs an action on a chat (`PATCH /chats/{chat_id}`), over the generated
    /// [`patch_chat`](Self::patch_chat). See [`ChatAction`] for the actions and the providers
    /// that support each.
    #[cfg(feature = "messaging")]
    #[cfg_attr(docsrs, doc(cfg(feature = "messaging")))]
    pub fn chat_action(&self, chat_id: impl AsRef<str>, action: ChatAction) -> requests::PatchChat {
        // An empty provider id or label name is refused when the request is awaited.
        self.patch_chat(chat_id).body(action)
    }

    /// Generates or retrieves a group chat's invite link (`getInviteLink`). WhatsApp and Telegram.
    /// The future owns what it needs (`Send + 'static`).
    #[cfg(feature = "messaging")]
    #[cfg_attr(docsrs, doc(cfg(feature = "messaging")))]
    pub fn invite_link(
        &self,
        chat_id: impl AsRef<str>,
    ) -> impl std::future::Future<Output = Result<String, Error>> + Send + 'static {
        let request = self.chat_action(chat_id, ChatAction::GetInviteLink);
        async move { invite_link_of(request.await?) }
    }
}

/// The link of an answer to `getInviteLink`.
#[cfg(feature = "messaging")]
fn invite_link_of(patched: types::ChatPatched) -> Result<String, Error> {
    patched.invite_link.ok_or_else(|| {
        // A 200 to getInviteLink: the action was performed, its answer lacks the link.
        crate::call::response::unusable_success(
            OperationId::PatchChat,
            200,
            "the answer to getInviteLink has no invite_link",
            crate::retry::Outcome::Unknown,
        )
    })
}
