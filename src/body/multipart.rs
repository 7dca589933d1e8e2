//! A streaming `multipart/form-data` encoder for every multipart operation.
//!
//! Why not reqwest's `multipart::Form` (which streams parts and computes `Content-Length` too):
//! - file names: reqwest 0.13 escapes a file name with backslashes (`\"`, and a backslash before
//!   CR or LF, which still go out raw and end the header line), so a name holding a line break can
//!   add headers to the part. This encoder escapes like browsers do (WHATWG: `%22`, `%0D`, `%0A`),
//!   which servers read back as the name (`tests/send.rs` checks names with multer);
//! - progress: [`Progress`] counts every byte of the body, part headers included, against the
//!   exact `Content-Length`; with reqwest's form only the file streams could be counted;
//! - it is one file of under 150 lines on dependencies the crate has anyway.
//!
//! Files are never held in memory: each file part is read [`CHUNK_SIZE`](super::upload::CHUNK_SIZE)
//! bytes at a time as the request goes out (the read size decides throughput: 4 KiB reads are an
//! order of magnitude slower; `cargo xtask bench` row 2 measures it against raw reqwest).

use std::sync::{Arc, Weak};

use bytes::Bytes;
use futures_util::StreamExt;

use super::upload::{ByteStream, OpenedUpload};
use crate::error::Error;

/// How far an upload has got, given to the callback of [`crate::SendMessage::on_progress`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes of the request body handed to the connection so far (all parts, with their headers).
    pub sent: u64,
    /// The whole body's size, when every part's size is known.
    pub total: Option<u64>,
}

impl Progress {
    /// A progress value, e.g. to drive your own progress callback in a test.
    pub fn new(sent: u64, total: Option<u64>) -> Progress {
        Progress { sent, total }
    }
}

/// A progress callback.
pub(crate) type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

enum Segment {
    Bytes(Bytes),
    Data(ByteStream),
}

/// A form being assembled for one attempt.
pub(crate) struct Multipart {
    boundary: String,
    segments: Vec<Segment>,
    len: Option<u64>,
}

impl Multipart {
    pub(crate) fn new() -> Self {
        let boundary = format!(
            "postpress-{:016x}{:016x}",
            crate::random::random_u64(),
            crate::random::random_u64()
        );
        Multipart {
            boundary,
            segments: Vec::new(),
            len: Some(0),
        }
    }

    /// The request's `Content-Type`.
    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    fn push_bytes(&mut self, bytes: impl Into<Bytes>) {
        let bytes = bytes.into();
        self.len = self.len.map(|len| len + bytes.len() as u64);
        self.segments.push(Segment::Bytes(bytes));
    }

    /// A form field that is not a file: text, or a JSON value (`content_type` says which; none
    /// is text).
    pub(crate) fn text(&mut self, name: &str, value: &str, content_type: Option<&str>) {
        let head = match content_type {
            Some(content_type) => format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                self.boundary,
                escape(name),
                content_type
            ),
            None => format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n",
                self.boundary,
                escape(name)
            ),
        };
        self.push_bytes(head);
        self.push_bytes(Bytes::copy_from_slice(value.as_bytes()));
        self.push_bytes(Bytes::from_static(b"\r\n"));
    }

    /// A file part, with its file name and `Content-Type`.
    pub(crate) fn file(&mut self, name: &str, upload: OpenedUpload) -> Result<(), Error> {
        if upload.content_type.chars().any(char::is_control) {
            return Err(Error::invalid_input(format!(
                "{name}: the content type holds control characters"
            )));
        }
        let head = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
            self.boundary,
            escape(name),
            escape(&upload.file_name),
            upload.content_type
        );
        self.push_bytes(head);
        self.len = self.len.zip(upload.len).map(|(len, part)| len + part);
        self.segments.push(Segment::Data(upload.data));
        self.push_bytes(Bytes::from_static(b"\r\n"));
        Ok(())
    }

    /// The body, and its length when every part's length is known.
    ///
    /// `sender` is held by the attempt that sends the body. hyper writes a body from its own
    /// connection task, which goes on after the attempt's future is dropped (a deadline, the
    /// caller's `select!`): so each chunk first checks that the attempt is still there, and ends
    /// the body with an error when it is not, which closes the connection mid-body. The server
    /// then never sees a whole request, and cannot take it for a message.
    pub(crate) fn into_body(mut self, progress: Option<ProgressFn>, sender: Weak<()>) -> (reqwest::Body, Option<u64>) {
        let closing = format!("--{}--\r\n", self.boundary);
        self.push_bytes(closing);
        let total = self.len;
        let mut sent = 0u64;
        let chunks = futures_util::stream::iter(self.segments)
            .flat_map(|segment| match segment {
                Segment::Bytes(bytes) => futures_util::stream::iter([Ok(bytes)]).boxed(),
                Segment::Data(data) => data,
            })
            .map(move |chunk| {
                if sender.strong_count() == 0 {
                    return Err(std::io::Error::other("the send was cancelled: its future was dropped"));
                }
                if let (Ok(bytes), Some(progress)) = (&chunk, &progress) {
                    sent += bytes.len() as u64;
                    progress(Progress { sent, total });
                }
                chunk
            });
        (reqwest::Body::wrap_stream(chunks), total)
    }
}

/// Escapes a field or file name the way browsers do (WHATWG HTML, multipart/form-data):
/// `"` as `%22`, CR as `%0D`, LF as `%0A`. Other characters, UTF-8 included, go as they are.
fn escape(name: &str) -> String {
    name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_break_out_of_their_header() {
        assert_eq!(escape("a\"b\r\nContent-Type: x.pdf"), "a%22b%0D%0AContent-Type: x.pdf");
        assert_eq!(escape("résumé 📄.pdf"), "résumé 📄.pdf");
    }
}
