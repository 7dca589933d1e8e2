//! The hooks progenitor's generated client calls around every request.
//!
//! They put the `X-API-KEY` header on each request (progenitor does not apply the spec's
//! security scheme) and remove the `api-version` header progenitor adds from `info.version`:
//! the API reference documents no such header, so the SDK does not send one.

use progenitor_client::{ClientHooks, Error, OperationInfo};
use reqwest::header::{HeaderName, HeaderValue};

use crate::generated::Client;

/// The name of the API key header, from the spec's security scheme.
pub(crate) const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// What the generated [`crate::api::Client`] needs besides its `reqwest::Client`: the API key.
///
/// `Debug` never shows the key.
#[derive(Clone, Default)]
pub struct Hooks {
    api_key: Option<HeaderValue>,
}

impl Hooks {
    /// Hooks that send `api_key` as `X-API-KEY`, or no key when `None`.
    ///
    /// Fails when the key holds characters an HTTP header cannot carry; the error does not show the key.
    pub fn new(api_key: Option<&str>) -> Result<Self, InvalidApiKey> {
        let api_key = match api_key {
            Some(key) => {
                let mut value = HeaderValue::from_str(key).map_err(|_| InvalidApiKey)?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        Ok(Self { api_key })
    }
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let key = if self.api_key.is_some() {
            "<redacted>"
        } else {
            "<none>"
        };
        f.debug_struct("Hooks").field("api_key", &key).finish()
    }
}

/// The API key holds characters an HTTP header cannot carry (the key itself is not shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidApiKey;

impl std::fmt::Display for InvalidApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the API key holds characters an HTTP header cannot carry")
    }
}

impl std::error::Error for InvalidApiKey {}

impl ClientHooks<Hooks> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let headers = request.headers_mut();
        headers.remove("api-version");
        if let Some(key) = &progenitor_client::ClientInfo::inner(self).api_key {
            headers.insert(API_KEY_HEADER, key.clone());
        }
        Ok(())
    }
}
