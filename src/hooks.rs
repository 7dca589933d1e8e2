//! The hooks progenitor's generated client calls around every request.
//!
//! - `pre` puts the `X-API-KEY` header on each request (progenitor does not apply the spec's
//!   security scheme) and sets the per-request timeout. (progenitor's `api-version` header is
//!   taken out of the generated code by `build/codegen/patches.rs`: the API reference documents no
//!   such header.)
//! - `post` records the status and headers of the answer before progenitor decodes the body, so
//!   that an undecodable body keeps its status (progenitor's `InvalidResponsePayload` drops it).

use std::sync::Mutex;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER};

use crate::generated::Client;

/// The name of the API key header, from the spec's security scheme.
pub(crate) const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// What the generated client needs besides its `reqwest::Client`: the API key, the per-attempt
/// timeout, and a record of the last answer. (The generated client is private: only [`crate::Client`]
/// builds one, with its redirect policy that keeps the key on the base URL's origin.)
///
/// `Debug` never shows the key.
pub struct Hooks {
    api_key: Option<HeaderValue>,
    timeout: Option<Duration>,
    last: Mutex<Option<ResponseHead>>,
}

/// Status and headers of an answer, recorded before its body is read.
#[derive(Clone, Debug, Default)]
pub(crate) struct ResponseHead {
    pub status: u16,
    pub content_type: Option<HeaderValue>,
    pub retry_after: Option<HeaderValue>,
    /// The host (and port) of a redirect target, for a 3xx the client refused to follow.
    pub location_origin: Option<String>,
}

impl ResponseHead {
    /// The status and the headers the SDK needs of `response`.
    pub(crate) fn of(response: &reqwest::Response) -> ResponseHead {
        let headers = response.headers();
        let location_origin = response.status().is_redirection().then(|| {
            let location = header_text(headers, reqwest::header::LOCATION)?;
            let url = response.url().join(&location).ok()?;
            Some(format!("{}://{}", url.scheme(), url.authority()))
        });
        ResponseHead {
            status: response.status().as_u16(),
            content_type: headers.get(CONTENT_TYPE).cloned(),
            retry_after: headers.get(RETRY_AFTER).cloned(),
            location_origin: location_origin.flatten(),
        }
    }

    /// The `Content-Type`, when present and readable as text.
    pub(crate) fn content_type(&self) -> Option<&str> {
        self.content_type.as_ref().and_then(|v| v.to_str().ok())
    }
}

impl Hooks {
    pub(crate) fn for_call(api_key: HeaderValue, timeout: Duration) -> Self {
        Self {
            api_key: Some(api_key),
            timeout: Some(timeout),
            last: Mutex::new(None),
        }
    }

    /// The answer to the last attempt, taken (the next attempt records its own).
    pub(crate) fn take_last(&self) -> Option<ResponseHead> {
        self.last.lock().map(|mut last| last.take()).unwrap_or(None)
    }
}

/// The key as a header value marked sensitive (reqwest and http then never print it).
pub(crate) fn header_value_for_key(key: &str) -> Result<HeaderValue, InvalidApiKey> {
    let mut value = HeaderValue::from_str(key).map_err(|_| InvalidApiKey)?;
    value.set_sensitive(true);
    Ok(value)
}

impl Clone for Hooks {
    fn clone(&self) -> Self {
        Self {
            api_key: self.api_key.clone(),
            timeout: self.timeout,
            last: Mutex::new(None),
        }
    }
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let key = if self.api_key.is_some() { "<redacted>" } else { "<none>" };
        f.debug_struct("Hooks")
            .field("api_key", &key)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The API key holds characters an HTTP header cannot carry (the key itself is not shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InvalidApiKey;

impl std::fmt::Display for InvalidApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the API key holds characters an HTTP header cannot carry")
    }
}

impl std::error::Error for InvalidApiKey {}

fn header_text(headers: &reqwest::header::HeaderMap, name: HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

impl ClientHooks<Hooks> for Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, _info: &OperationInfo) -> Result<(), Error<E>> {
        let hooks = self.inner();
        if let Ok(mut last) = hooks.last.lock() {
            *last = None;
        }
        // The path holds ids, never the key (which only travels in a header).
        if tracing::level_enabled!(tracing::Level::INFO) {
            tracing::Span::current().record("path", request.url().path());
        }
        if let Some(key) = &hooks.api_key {
            request.headers_mut().insert(API_KEY_HEADER, key.clone());
        }
        if let Some(timeout) = hooks.timeout {
            *request.timeout_mut() = Some(timeout);
        }
        Ok(())
    }

    /// Sends the request; caps the size of the body that will be read (see `crate::limit`).
    async fn exec(&self, request: reqwest::Request, _info: &OperationInfo) -> reqwest::Result<reqwest::Response> {
        self.client().execute(request).await.map(crate::limit::limit_body)
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        if let (Ok(response), Ok(mut last)) = (result, self.inner().last.lock()) {
            *last = Some(ResponseHead::of(response));
        }
        Ok(())
    }
}
