//! What send-message adds to its generated request ([`SendMessage`], `POST
//! /chats/{chat_id}/messages`, `multipart/form-data`): the names `send` and `attachment` it has
//! always had. (Its rule that a message carries text or a file is the spec's, checked as the
//! body's rule of the operation table.)

use crate::body::upload::Upload;
use crate::call::Response;
use crate::error::Error;
use crate::requests::SendMessage;
use crate::types::MessageSent;

/// ```no_run
/// # async fn run(client: postpress::Client, jpeg_bytes: Vec<u8>) -> Result<(), postpress::Error> {
/// use postpress::Upload;
///
/// let sent = client
///     .send_message("chat_01HXYZ4QK3WJ8FN3M6QH7TZ8GR")
///     .text("Got it - thanks!")
///     .attachment(Upload::path("report.pdf")) // streamed from disk
///     .attachment(Upload::bytes("photo.jpg", jpeg_bytes))
///     .voice_message(Upload::path("note.ogg"))
///     .send()
///     .await?;
/// println!("sent {}", sent.message_id);
/// # Ok(()) }
/// ```
///
/// Sending is not idempotent: a failed send is retried only when it provably did not take effect
/// (see [`crate::retry`]), and each retry re-opens its files. Refused before anything is sent: an
/// empty or dot-segment chat id, a message with neither text nor a file, and a file that cannot be
/// opened (the error names the path).
///
/// Cancellation: dropping the future of [`send`](Self::send) (a timeout of your own,
/// `tokio::select!`) stops at once: files are closed, the connection is closed, and the server
/// sees an incomplete body, which it cannot take for a message. A future dropped after the whole
/// body went out but before the answer arrived may still have sent the message, like a timeout
/// there.
impl SendMessage {
    /// One more attachment (the same as [`attachments`](Self::attachments)); attachments go out
    /// as repeated `attachments` parts, in this order.
    pub fn attachment(self, upload: Upload) -> Self {
        self.attachments(upload)
    }

    /// Sends the message (the same as awaiting it). Returns the new message's id.
    pub async fn send(self) -> Result<MessageSent, Error> {
        self.await
    }

    /// Like [`send`](Self::send), and returns the answer with its status and headers.
    pub async fn send_with_metadata(self) -> Result<Response<MessageSent>, Error> {
        self.with_metadata().await
    }
}
