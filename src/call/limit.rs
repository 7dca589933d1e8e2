//! A cap on the size of a response body, so a hostile or broken server cannot make the SDK hold
//! an unbounded body in memory (a body is read whole before it is decoded). An attempt
//! refuses a body declared larger at once, and stops reading one that grows past it.

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
