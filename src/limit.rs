//! A cap on the size of a response body, so a hostile or broken server cannot make the SDK hold
//! an unbounded body in memory (progenitor reads a whole body before decoding it).

use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::ResponseBuilderExt;

/// The largest response body the SDK reads: 16 MiB. A documented answer is a few KiB.
pub const MAX_RESPONSE_BODY: u64 = 16 * 1024 * 1024;

/// The body of an answer went past [`MAX_RESPONSE_BODY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyTooLarge;

impl std::fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the body is larger than the SDK's limit of {} MiB",
            MAX_RESPONSE_BODY >> 20
        )
    }
}

impl std::error::Error for BodyTooLarge {}

/// Whether `error` (or one of its causes) is a [`BodyTooLarge`].
pub(crate) fn is_body_too_large(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<BodyTooLarge>() {
            return true;
        }
        current = e.source();
    }
    false
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `response` with a body that fails with [`BodyTooLarge`] past the cap. A body whose
/// `Content-Length` is within the cap is left as it is (hyper holds it to that length).
pub(crate) fn limit_body(response: reqwest::Response) -> reqwest::Response {
    let declared = response.content_length();
    if declared.is_some_and(|len| len <= MAX_RESPONSE_BODY) {
        return response;
    }
    let mut builder = http::Response::builder()
        .status(response.status())
        .version(response.version())
        .url(response.url().clone());
    if let Some(headers) = builder.headers_mut() {
        *headers = response.headers().clone();
    }
    let body = if declared.is_some() {
        // Declared too large: fail at once, without reading a byte of it.
        reqwest::Body::wrap_stream(futures_util::stream::iter([Err::<Bytes, BoxError>(Box::new(
            BodyTooLarge,
        ))]))
    } else {
        let mut seen = 0u64;
        reqwest::Body::wrap_stream(response.bytes_stream().map(move |chunk| {
            let chunk = chunk.map_err(|e| Box::new(e) as BoxError)?;
            seen += chunk.len() as u64;
            if seen > MAX_RESPONSE_BODY {
                Err(Box::new(BodyTooLarge) as BoxError)
            } else {
                Ok(chunk)
            }
        }))
    };
    match builder.body(body) {
        Ok(limited) => reqwest::Response::from(limited),
        // Only reachable with an invalid status or header, which came from a parsed response.
        Err(_) => unreachable!("rebuilding a parsed response cannot fail"),
    }
}
