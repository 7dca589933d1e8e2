//! Rust SDK for the postpress messaging API: send, retrieve, forward and react to WhatsApp,
//! LinkedIn and Telegram messages, and act on chats.
//!
//! The types and the JSON operations are generated at build time from the crate's `openapi.yaml`.

#![warn(missing_docs)]

mod generated {
    #![allow(missing_docs, clippy::all, unused_imports)]
    include!(concat!(env!("OUT_DIR"), "/postpress_api.rs"));
}
mod hooks;
mod path;

/// The client progenitor generates from the spec, one method per JSON operation.
///
/// Send-message is `multipart/form-data`, which progenitor cannot generate; it is not here.
pub mod api {
    pub use crate::generated::{Client, Error, ResponseValue};
    pub use crate::hooks::{Hooks, InvalidApiKey};
}

/// The types of the spec's schemas.
pub mod types {
    pub use crate::generated::open::*;
    pub use crate::generated::types::*;
}

pub use generated::error_codes::ErrorCode;
pub use generated::operations;
