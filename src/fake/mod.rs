//! An in-process, stateful fake of the postpress API, for tests (yours and ours) and the
//! quickstart. Enable the `fake` cargo feature.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), postpress::Error> {
//! use postpress::fake::{FakeServer, Provider};
//!
//! let fake = FakeServer::start().await;
//! let chat = fake.add_chat(Provider::WhatsApp);
//! let client = fake.client();
//! let sent = client.send_message(&chat).text("hello").send().await?;
//! assert_eq!(fake.messages_in(&chat)[0].id.as_str(), sent.message_id);
//! # Ok(()) }
//! ```
//!
//! What it does, following the API reference:
//! - the chats, attendees, message lists and attachments of the messaging API as state (see
//!   `messaging.rs`: lists newest first behind cursors that mark a position, `get_attachment` the
//!   uploaded bytes, kept up to 16 MiB a file and 256 MiB in all);
//! - the five operations of the pages; a sent message is stored with attachments made from the uploaded parts
//!   (the variant follows the part's content type; `voice_message` becomes an audio voice note,
//!   `video_message` a video; `file_size`, `mimetype` and, for files, `file_name` are kept);
//! - forward is WhatsApp only (403 `errors/account_mismatch` otherwise); reactions are WhatsApp
//!   and LinkedIn only (403) and a new reaction from the same account replaces the previous one;
//!   a chat action the chat's provider does not support answers 501
//!   `errors/feature_not_implemented`; `getInviteLink` returns a link, the same one each time;
//! - an unknown id answers 404 `errors/resource_not_found` (for every operation: the forward and
//!   reaction pages list no 404, so the real API may answer differently there);
//! - a missing key answers 401 `errors/missing_credentials`, a wrong one `errors/invalid_credentials`;
//! - a malformed request body answers 400 `errors/invalid_request` (the pages document no 400);
//! - the LinkedIn parts (with the `users`, `posts` and `linkedin` features; see `linkedin.rs`):
//!   profiles for the attendees, invitations sent until cancelled, posts read back with their
//!   comments and reactions, and a search over the profiles;
//! - webhooks and accounts (with the `webhooks` and `accounts` parts; see `webhooks.rs`):
//!   `create_webhook` registers a receiver, and inbound messages ([`FakeServer::inbound`]),
//!   reactions, reads, account statuses ([`FakeServer::account_status`], `delete_account`) and
//!   hosted links are delivered to it as the API delivers them, retries included;
//! - [`Fault`]s make the next calls of an operation fail or wait, for every operation;
//! - every other operation of the spec is served too: its request is checked against the spec
//!   (a violation answers 400 `errors/invalid_request` naming the value) and its answer is the
//!   spec's example of the success answer, or a value built from its schema (a list's `cursor` is
//!   `null`, so a client following pages stops);
//! - it bounds what it reads (a JSON body of 4 MiB, a multipart body of 1 GiB, 30 s for a
//!   request's headers) and what it keeps (the last [`MAX_RECORDED`] requests).
//!
//! Every body it answers validates against the crate's `openapi.yaml` (a test checks each).

mod http;
#[cfg(any(feature = "users", feature = "posts", feature = "linkedin"))]
mod linkedin;
mod messaging;
mod state;
mod webhooks;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use state::{Chat, Fault, MAX_RECORDED, Provider, RecordedRequest};
use tokio::sync::oneshot;

use crate::Client;
use crate::types::Message;

/// The API key [`FakeServer::start`] accepts.
pub const FAKE_API_KEY: &str = "pp_test_fake_key";

/// A running fake server. It stops when dropped.
pub struct FakeServer {
    addr: SocketAddr,
    api_key: Arc<str>,
    state: Arc<Mutex<State>>,
    shutdown: Option<oneshot::Sender<()>>,
}

use state::State;

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

/// Configures a [`FakeServer`] before it starts.
#[derive(Debug, Clone)]
#[must_use]
pub struct FakeServerBuilder {
    addr: SocketAddr,
    api_key: String,
    timing: webhooks::Timing,
}

impl FakeServerBuilder {
    /// How long a webhook receiver has to answer a delivery before it is attempted again.
    /// Default 30 s, as the API.
    pub fn webhook_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timing.timeout = timeout;
        self
    }

    /// The delay before a delivery's first retry, doubled for each next one (5 retries at most).
    /// Default 1 s.
    pub fn webhook_retry(mut self, delay: std::time::Duration) -> Self {
        self.timing.retry = delay;
        self
    }

    /// The address to listen on. Default `127.0.0.1:0` (an ephemeral loopback port).
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// The API key the fake accepts. Default [`FAKE_API_KEY`].
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = api_key.into();
        self
    }

    /// Binds and starts serving in the background of the current tokio runtime.
    pub async fn start(self) -> std::io::Result<FakeServer> {
        let listener = tokio::net::TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let api_key: Arc<str> = self.api_key.into();
        let mut state = State::new(format!("http://{addr}{}", http::BASE_PATH));
        state.deliveries = Some(webhooks::start(self.timing));
        let state = Arc::new(Mutex::new(state));
        let (shutdown, stopped) = oneshot::channel();
        let validator = http::Validator::new(&api_key, format!("http://{addr}{}", http::BASE_PATH));
        tokio::spawn(http::serve(
            listener,
            state.clone(),
            api_key.clone(),
            validator,
            stopped,
        ));
        Ok(FakeServer {
            addr,
            api_key,
            state,
            shutdown: Some(shutdown),
        })
    }
}

impl FakeServer {
    /// Starts a fake on an ephemeral loopback port, accepting [`FAKE_API_KEY`].
    ///
    /// # Panics
    /// When no loopback port can be bound (use [`FakeServer::builder`] to handle that case).
    pub async fn start() -> FakeServer {
        match FakeServer::builder().start().await {
            Ok(fake) => fake,
            Err(e) => panic!("the fake postpress server could not bind 127.0.0.1: {e}"),
        }
    }

    /// A builder, to choose the address (e.g. a fixed port for other languages' tests) or the key.
    pub fn builder() -> FakeServerBuilder {
        FakeServerBuilder {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: FAKE_API_KEY.to_string(),
            timing: webhooks::Timing::default(),
        }
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:41234/api/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, http::BASE_PATH)
    }

    /// The API key it accepts.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// A client for this fake, with the SDK's default settings.
    pub fn client(&self) -> Client {
        self.client_builder()
            .build()
            .unwrap_or_else(|e| unreachable!("a fake's own settings are valid: {e}"))
    }

    /// A client builder already pointed at this fake with its key, to change other settings.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        Client::builder()
            .api_key(self.api_key.to_string())
            .base_url(self.base_url())
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds an account connected to `provider`; returns its id.
    pub fn add_account(&self, provider: Provider) -> String {
        self.state().add_account(provider)
    }

    /// Adds a chat with a new account of `provider`; returns the chat's id.
    pub fn add_chat(&self, provider: Provider) -> String {
        self.state()
            .add_chat(provider, None)
            .unwrap_or_else(|e| unreachable!("a new account fits: {e}"))
    }

    /// Adds a chat to an existing account; `None` when there is no such account.
    pub fn add_chat_to(&self, account_id: &str) -> Option<String> {
        let mut state = self.state();
        let provider = state.account_provider(account_id)?;
        state.add_chat(provider, Some(account_id)).ok()
    }

    /// Adds a message from the other side of the chat; `None` when there is no such chat.
    pub fn add_message(&self, chat_id: &str, text: &str) -> Option<String> {
        self.state().add_message(chat_id, text)
    }

    /// A message from the other side of the chat, delivered to the webhooks as
    /// `message_received` (the route `POST /api/v1/_fake/chats/{chat_id}/inbound` does the same);
    /// `None` when there is no such chat.
    pub fn inbound(&self, chat_id: &str, text: &str) -> Option<String> {
        self.state().inbound(chat_id, text)
    }

    /// Delivers an `account_status` event with `message` (`CREDENTIALS`, say) for an account to
    /// the webhooks of `source: account_status`; returns to how many, `None` when there is no such
    /// account.
    pub fn account_status(&self, account_id: &str, message: &str) -> Option<usize> {
        self.state().account_status(account_id, message)
    }

    /// A message by id.
    pub fn message(&self, message_id: &str) -> Option<Message> {
        self.state().message(message_id)
    }

    /// The messages of a chat, oldest first.
    pub fn messages_in(&self, chat_id: &str) -> Vec<Message> {
        self.state().messages_in(chat_id)
    }

    /// Deletes every message of a chat; returns how many there were. For long-running tests
    /// (soaks) that keep the fake's memory flat between batches.
    pub fn clear_messages(&self, chat_id: &str) -> usize {
        self.state().clear_messages(chat_id)
    }

    /// Forgets the requests received so far (see [`requests`](Self::requests)).
    pub fn clear_requests(&self) {
        self.state().requests.clear();
    }

    /// A chat's state (read, muted, archived, pinned, labels, participants, invite link).
    pub fn chat(&self, chat_id: &str) -> Option<Chat> {
        self.state().chat(chat_id)
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }

    /// Makes the next calls of an operation fail or wait; see [`Fault`].
    pub fn inject(&self, fault: Fault) {
        self.state().inject(fault);
    }

    /// Adds a post by the owner of `account_id` (what `create_post` does); returns its id, `None`
    /// when there is no such account.
    #[cfg(feature = "posts")]
    pub fn add_post(&self, account_id: &str, text: &str) -> Option<String> {
        self.state().add_post(account_id, text)
    }

    /// Adds one chat per provider with a message from the other side in each, for a fake run as a
    /// standalone server. Returns `(provider, chat id, message id)` for each.
    pub fn seed_demo(&self) -> Vec<(Provider, String, String)> {
        [Provider::WhatsApp, Provider::LinkedIn, Provider::Telegram]
            .into_iter()
            .map(|provider| {
                let chat = self.add_chat(provider);
                let message = self
                    .add_message(&chat, "Hello from the fake postpress server")
                    .unwrap_or_default();
                (provider, chat, message)
            })
            .collect()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
