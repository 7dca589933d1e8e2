//! Spread, not secrecy: numbers for backoff jitter, multipart boundaries and temporary file names.
//! Its own module because three layers use it and none owns it.

use std::time::SystemTime;

/// A random number, different on every call (xorshift seeded by the clock and a counter; backoff
/// jitter and multipart boundaries need spread, not cryptographic randomness).
pub(crate) fn random_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut x = nanos ^ COUNTER.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}
