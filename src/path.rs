//! Percent-encoding of path parameters, so that an id can never change which path is requested.
//!
//! progenitor's own encoder leaves `\` and `.` as they are. A URL parser turns `\` into `/` in
//! `http(s)` URLs and resolves `.` and `..` segments (also when written `%2e`), so an id such as
//! `x\..\..\admin` would reach another endpoint. The request types `codegen/requests.rs` generates
//! build every path with [`encode_path`].

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// RFC 3986's unreserved bytes, as a table: the check runs on every id of every call.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// Encodes one path segment. Called by the generated client for every path parameter.
///
/// `.` and `..` cannot be encoded safely (URL parsers decode `%2e` before resolving dot segments);
/// the client rejects them before a request is built, see [`check_id`]. An id made only of
/// unreserved characters (the usual `msg_01HX...`) is borrowed, not copied.
pub(crate) fn encode_path(segment: &str) -> Cow<'_, str> {
    if segment.bytes().all(|b| UNRESERVED[usize::from(b)]) {
        Cow::Borrowed(segment)
    } else {
        Cow::Owned(utf8_percent_encode(segment, SEGMENT).to_string())
    }
}

/// Why an id cannot be used as a path parameter, or `None` when it can.
pub(crate) fn check_id(id: &str) -> Option<&'static str> {
    match id {
        "" => Some("is empty"),
        "." | ".." => Some("is a dot segment, which no URL can carry as an id"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_everything_that_could_change_the_path() {
        assert_eq!(encode_path(r"a/b?c#d%e\f g"), "a%2Fb%3Fc%23d%25e%5Cf%20g");
        assert_eq!(encode_path("msg_01HX-~.z"), "msg_01HX-~.z");
        assert_eq!(encode_path("👍"), "%F0%9F%91%8D");
    }

    #[test]
    fn rejects_ids_no_encoding_can_carry() {
        assert!(check_id("").is_some());
        assert!(check_id(".").is_some());
        assert!(check_id("..").is_some());
        assert!(check_id("...").is_none());
        assert!(check_id("msg_1").is_none());
    }
}
