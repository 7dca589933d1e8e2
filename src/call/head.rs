//! The API key header, and the head of an answer: its status and the headers the SDK reads,
//! recorded before the body is decoded, so that an undecodable body keeps its status
//! (progenitor's `InvalidResponsePayload` drops it).

use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER};

/// The name of the API key header, from the spec's security scheme.
pub(crate) const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

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

/// The key as a header value marked sensitive (reqwest and http then never print it). Only
/// visible ASCII (and spaces) is taken: the key is scrubbed from what a server sends back by its
/// text, which `HeaderValue::to_str` gives for nothing else.
pub(crate) fn header_value_for_key(key: &str) -> Result<HeaderValue, InvalidApiKey> {
    let mut value = HeaderValue::from_str(key).map_err(|_| InvalidApiKey)?;
    if value.to_str().is_err() {
        return Err(InvalidApiKey);
    }
    value.set_sensitive(true);
    Ok(value)
}

/// The API key holds characters an HTTP header cannot carry (the key itself is not shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InvalidApiKey;

impl std::fmt::Display for InvalidApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the API key holds characters an HTTP header cannot carry (only visible ASCII is taken)")
    }
}

impl std::error::Error for InvalidApiKey {}

fn header_text(headers: &reqwest::header::HeaderMap, name: HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}
