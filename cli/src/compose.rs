//! A send-message request in the spec's form (the generated `SendMessageRequest`, files as paths)
//! turned into the SDK's `SendMessage`: shared by `postpress send` and the MCP `send_message` tool.

use std::path::PathBuf;

use postpress::{Client, SendMessage, Upload, types};

/// The message `request` describes, to `chat_id`. `file` turns each path of the request into the
/// file to stream; every path is checked before the message is built (so before anything is read).
pub fn compose(
    client: &Client,
    chat_id: String,
    request: types::SendMessageRequest,
    file: impl Fn(&str) -> Result<PathBuf, String>,
) -> Result<SendMessage, String> {
    let attachments = request
        .attachments
        .iter()
        .map(|p| file(p))
        .collect::<Result<Vec<_>, _>>()?;
    let voice = request.voice_message.as_deref().map(&file).transpose()?;
    let video = request.video_message.as_deref().map(&file).transpose()?;
    let mut send = client.send_message(chat_id);
    if let Some(text) = request.text {
        send = send.text(text);
    }
    if let Some(account_id) = request.account_id {
        send = send.account_id(account_id);
    }
    if let Some(thread_id) = request.thread_id {
        send = send.thread_id(thread_id);
    }
    if let Some(quote_id) = request.quote_id {
        send = send.quote_id(quote_id);
    }
    if let Some(typing_duration) = request.typing_duration {
        send = send.typing_duration(typing_duration);
    }
    for path in attachments {
        send = send.attachment(Upload::path(path));
    }
    if let Some(path) = voice {
        send = send.voice_message(Upload::path(path));
    }
    if let Some(path) = video {
        send = send.video_message(Upload::path(path));
    }
    Ok(send)
}
