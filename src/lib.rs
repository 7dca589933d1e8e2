//! Rust SDK for the postpress messaging API: send, retrieve, forward and react to WhatsApp,
//! LinkedIn and Telegram messages, and act on chats.
//!
//! ```no_run
//! # async fn run() -> Result<(), postpress::Error> {
//! use postpress::{ChatAction, Client};
//!
//! let client = Client::from_env()?; // POSTPRESS_API_KEY, optional POSTPRESS_BASE_URL
//! let msg = client.get_message("msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR").await?;
//! client.add_reaction(msg.id.as_str(), "👍").await?;
//! client.chat_action(&msg.chat_id, ChatAction::SetReadStatus(true)).await?;
//! # Ok(()) }
//! ```
//!
//! - Every call returns [`Error`]: an API error carries the documented [`ErrorCode`]; a response
//!   that is not the documented JSON, a timeout and a transport failure are distinct variants.
//! - Calls are retried by the rule in [`retry`], which never repeats a send that may have taken effect.
//! - Each call runs in a `tracing` span named `postpress`; neither bodies nor the key are logged.
//!
//! The types and a request type per operation ([`requests`]) are generated from the crate's
//! `openapi.yaml` (by `cargo xtask gen`, into `generated/`); each part of the API is a Cargo
//! feature, and a build compiles the operations of the parts it enables and the types they reach.

#![warn(missing_docs)]
// docs.rs builds with `--cfg docsrs` (see `[package.metadata.docs.rs]`): feature-gated items show
// the feature they need.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod generated {
    #![allow(missing_docs, clippy::all, unused_imports, dead_code)]
    include!("../generated/postpress_api.rs");
}

// The generated code was made from this crate's `openapi.yaml` (fingerprinted by the build script).
const _: () = assert!(
    same_text(env!("POSTPRESS_SPEC_FINGERPRINT"), spec_info::FINGERPRINT),
    "openapi.yaml changed since generated/postpress_api.rs was written: run `cargo xtask gen`"
);

const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
mod body;
mod builder;
mod call;
#[cfg(feature = "messaging")]
mod chat_action;
// Each check is called by the generated requests of the values that need it: a spec may have no
// value of some kind (no integer, no list), leaving its check unused.
#[allow(dead_code)]
mod check;
mod client;
#[cfg(feature = "any-request")]
mod dynamic;
mod error;
#[cfg(feature = "fake")]
#[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
pub mod fake;
mod path;
mod random;
mod request;
pub mod retry;
#[cfg(feature = "messaging")]
mod send;
// Each kind of shape is written by the generator where the spec has one: a spec may have none of a kind.
#[allow(dead_code)]
mod shape;
mod type_impls;
pub mod webhooks;

pub use body::multipart::Progress;
pub use body::upload::Upload;
pub use builder::{
    API_KEY_ENV, BASE_URL_ENV, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_DEADLINE, DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT, DEFAULT_UPLOAD_TIMEOUT,
};
pub use call::Response;
pub use call::download::Download;
pub use call::limit::MAX_RESPONSE_BODY;
pub use call::request::Pending;
#[cfg(feature = "messaging")]
#[cfg_attr(docsrs, doc(cfg(feature = "messaging")))]
pub use chat_action::ChatAction;
pub use client::Client;
pub use error::{ApiError, ConfigError, Error, InvalidInput, InvalidResponse, TransportError};
pub use generated::error_codes::ErrorCode;
pub use generated::{operations, requests, spec_info};
#[cfg(feature = "messaging")]
#[cfg_attr(docsrs, doc(cfg(feature = "messaging")))]
pub use requests::SendMessage;
pub use retry::Outcome;
#[cfg(feature = "messaging")]
#[cfg_attr(docsrs, doc(cfg(feature = "messaging")))]
pub use types::{Attachment, ChatPatched, Message, MessageForwarded, MessageReactionAdded, MessageSent};

/// The types of the spec's schemas.
pub mod types {
    pub use crate::generated::open::*;
    pub use crate::generated::types::*;
}

/// The README's code blocks, compiled as doc-tests so the README cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
