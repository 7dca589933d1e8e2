//! Send-message (`POST /chats/{chat_id}/messages`, `multipart/form-data`), written by hand
//! because progenitor cannot generate multipart operations. Path, statuses and response types
//! still come from the spec: the path from `operations`, the bodies from the generated types.

use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};

use crate::call::{CallOptions, Response};
use crate::client::{Client, check_id};
use crate::error::Error;
use crate::execute::{self, Attempt};
use crate::hooks::{API_KEY_HEADER, ResponseHead};
use crate::multipart::{Multipart, Progress, ProgressFn};
use crate::operations::OperationId;
use crate::types::{ErrorEnvelope, MessageSent};
use crate::upload::Upload;

const OPERATION: OperationId = OperationId::SendMessage;

/// The path part of a base URL (`/api/v1` of `https://host/api/v1`), as the span's `path` starts.
fn base_path(base_url: &str) -> &str {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    after_scheme.find('/').map_or("", |i| &after_scheme[i..])
}

/// A message being prepared by [`Client::send_message`]; nothing is sent until
/// [`send`](SendMessage::send).
///
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
/// (see [`crate::retry`]), and each retry re-opens its files.
///
/// Cancellation: dropping the future of [`send`](Self::send) (a timeout of your own,
/// `tokio::select!`) stops at once: files are closed, the connection is closed, and the server
/// sees an incomplete body, which it cannot take for a message. A future dropped after the whole
/// body went out but before the answer arrived may still have sent the message, like a timeout
/// there.
#[must_use = "nothing is sent until .send().await"]
pub struct SendMessage<'a> {
    client: &'a Client,
    chat_id: String,
    fields: Vec<(&'static str, String)>,
    voice_message: Option<Upload>,
    video_message: Option<Upload>,
    attachments: Vec<Upload>,
    progress: Option<ProgressFn>,
    options: CallOptions,
}

impl std::fmt::Debug for SendMessage<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendMessage")
            .field("chat_id", &self.chat_id)
            .field("fields", &self.fields)
            .field("voice_message", &self.voice_message)
            .field("video_message", &self.video_message)
            .field("attachments", &self.attachments)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Prepares a message to `chat_id`: add text and files, then [`send`](SendMessage::send) it.
    pub fn send_message(&self, chat_id: impl Into<String>) -> SendMessage<'_> {
        SendMessage {
            client: self,
            chat_id: chat_id.into(),
            fields: Vec::new(),
            voice_message: None,
            video_message: None,
            attachments: Vec::new(),
            progress: None,
            options: CallOptions::default(),
        }
    }
}

impl<'a> SendMessage<'a> {
    fn field(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.fields.retain(|(existing, _)| *existing != name);
        self.fields.push((name, value.into()));
        self
    }

    /// The text of the message.
    pub fn text(self, text: impl Into<String>) -> Self {
        self.field("text", text)
    }

    /// The account to send from (`account_id`).
    pub fn account_id(self, account_id: impl Into<String>) -> Self {
        self.field("account_id", account_id)
    }

    /// The thread to send in (`thread_id`).
    pub fn thread_id(self, thread_id: impl Into<String>) -> Self {
        self.field("thread_id", thread_id)
    }

    /// The message to quote (`quote_id`).
    pub fn quote_id(self, quote_id: impl Into<String>) -> Self {
        self.field("quote_id", quote_id)
    }

    /// `typing_duration`, sent as the page gives it: a string.
    pub fn typing_duration(self, typing_duration: impl Into<String>) -> Self {
        self.field("typing_duration", typing_duration)
    }

    /// A voice message (`voice_message`).
    pub fn voice_message(mut self, upload: Upload) -> Self {
        self.voice_message = Some(upload);
        self
    }

    /// A video message (`video_message`).
    pub fn video_message(mut self, upload: Upload) -> Self {
        self.video_message = Some(upload);
        self
    }

    /// One more attachment; attachments go out as repeated `attachments` parts, in this order.
    pub fn attachment(mut self, upload: Upload) -> Self {
        self.attachments.push(upload);
        self
    }

    /// Calls `progress` as the body goes out (for a progress bar). A retry starts again from 0.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    crate::call::per_call_options!();

    fn uploads(&self) -> impl Iterator<Item = (&'static str, &Upload)> {
        let voice = self.voice_message.iter().map(|u| ("voice_message", u));
        let video = self.video_message.iter().map(|u| ("video_message", u));
        voice
            .chain(video)
            .chain(self.attachments.iter().map(|u| ("attachments", u)))
    }

    /// Sends the message. Returns the new message's id.
    ///
    /// Refused before anything is sent: an empty or dot-segment chat id, a message with neither
    /// text nor a file, and a file that cannot be opened (the error names the path).
    pub async fn send(self) -> Result<MessageSent, Error> {
        self.run(ResponseValue::into_inner).await
    }

    /// Like [`send`](Self::send), and returns the answer with its status and headers.
    pub async fn send_with_metadata(self) -> Result<Response<MessageSent>, Error> {
        self.run(Response::from_value).await
    }

    async fn run<R>(self, keep: impl FnOnce(ResponseValue<MessageSent>) -> R) -> Result<R, Error> {
        check_id("chat_id", &self.chat_id)?;
        let has_text = self
            .fields
            .iter()
            .any(|(name, value)| *name == "text" && !value.is_empty());
        let has_files = self.uploads().next().is_some();
        if !has_text && !has_files {
            return Err(Error::invalid_input("a message needs text or at least one file"));
        }
        let mut plan = self.client.plan(OPERATION, &self.options, has_files);
        if !self.uploads().all(|(_, upload)| upload.is_replayable()) {
            // A reader or a stream can be read only once.
            plan.max_retries = 0;
        }
        let this = &self;
        execute::execute(plan, move |timeout| this.attempt(timeout), keep).await
    }

    /// One attempt: opens every file (refusing before sending when one cannot be read), builds the
    /// body anew, sends it, and returns the answer as progenitor's generated methods would.
    async fn attempt(&self, timeout: Duration) -> Attempt<MessageSent> {
        let config = self.client.config();
        let mut form = Multipart::new();
        for (name, value) in &self.fields {
            form.text(name, value);
        }
        for (name, upload) in self.uploads() {
            form.file(name, upload.open(name).await?)?;
        }
        let content_type =
            HeaderValue::from_str(&form.content_type()).map_err(|e| Error::invalid_input(e.to_string()))?;
        // Held until this attempt ends or is dropped; see `Multipart::into_body`.
        let sender = Arc::new(());
        let (body, len) = form.into_body(self.progress.clone(), Arc::downgrade(&sender));

        let operation = OPERATION.spec();
        let path = operation
            .path
            .replace("{chat_id}", &crate::path::encode_path(&self.chat_id));
        let url = format!("{}{path}", config.base_url);
        if tracing::level_enabled!(tracing::Level::INFO) {
            // The path holds the chat id, never the key (which only travels in a header).
            tracing::Span::current().record("path", format!("{}{path}", base_path(&config.base_url)).as_str());
        }
        let mut request = config
            .http
            .post(url)
            .header(API_KEY_HEADER, config.api_key.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(CONTENT_TYPE, content_type)
            .timeout(timeout)
            .body(body);
        if let Some(len) = len {
            request = request.header(CONTENT_LENGTH, len);
        }
        let response = match request.send().await {
            Ok(response) => crate::limit::limit_body(response),
            Err(e) => return Ok((Err(GenError::CommunicationError(e)), None)),
        };
        let head = ResponseHead::of(&response);
        let status = response.status().as_u16();
        let result = if status == operation.success {
            ResponseValue::from_response(response).await
        } else if operation.errors.contains(&status) {
            match ResponseValue::<ErrorEnvelope>::from_response::<ErrorEnvelope>(response).await {
                Ok(envelope) => Err(GenError::ErrorResponse(envelope)),
                Err(e) => Err(e),
            }
        } else {
            Err(GenError::UnexpectedResponse(response))
        };
        Ok((result, Some(head)))
    }
}

#[cfg(test)]
mod tests {
    use super::base_path;

    #[test]
    fn the_path_of_a_base_url() {
        assert_eq!(base_path("https://api.postpress.ai/api/v1"), "/api/v1");
        assert_eq!(base_path("http://127.0.0.1:9"), "");
        assert_eq!(base_path("http://127.0.0.1:9/"), "/");
    }
}
