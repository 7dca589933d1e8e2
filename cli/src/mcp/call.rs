//! One tool call: the arguments read into the operation's request (`AnyRequest`, generated from
//! the spec for every operation), the call made through the SDK (its checks, its retry rule,
//! streamed uploads, typed errors), and the answer or the error as a tool result.

use postpress::operations::Operation;
use postpress::requests::AnyRequest;
use postpress::{Client, Error, Outcome};
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use serde_json::{Value, json};

use super::files::FilesRoot;

/// Calls `op` with `arguments`. Every failure, the API's included, is a tool result with
/// `isError`; the protocol's errors are left to protocol faults.
pub async fn call(client: &Client, files: Option<&FilesRoot>, op: &Operation, arguments: JsonObject) -> CallToolResult {
    match dispatch(client, files, op, arguments).await {
        Ok(Answer::Json(answer)) => CallToolResult::structured(answer),
        Ok(Answer::File(content)) => CallToolResult::success(vec![*content]),
        Err(failure) => failure.into_result(),
    }
}

/// The largest file a tool hands to an agent (base64 in a JSON-RPC message, held in the host's
/// context): a larger one is refused, with a message saying so.
pub const MAX_FILE: u64 = 10 * 1024 * 1024;

/// What a call answered: JSON, or a file as content (an image, or a resource blob).
enum Answer {
    Json(Value),
    File(Box<ContentBlock>),
}

/// Why a call did not succeed.
enum Failure {
    /// The arguments were refused before anything was sent.
    Arguments(String),
    /// The SDK's error (the API's, or the network's).
    Call(Error),
    /// The call succeeded, but its file is larger than [`MAX_FILE`].
    FileTooLarge(String),
}

impl Failure {
    fn into_result(self) -> CallToolResult {
        let structured = match &self {
            Failure::Arguments(message) => json!({
                "status": null, "type": "invalid_arguments", "title": "Invalid arguments",
                "detail": message, "instance": null, "outcome": "not_applied",
            }),
            // The call was made (a read): a smaller file, or the CLI, can fetch it.
            Failure::FileTooLarge(message) => json!({
                "status": null, "type": "file_too_large", "title": "File too large",
                "detail": message, "instance": null, "outcome": "unknown",
            }),
            Failure::Call(error) => {
                let (kind, title, detail) = match error {
                    Error::Api(api) => (api.code.as_str().to_string(), api.title.clone(), api.detail.clone()),
                    other => (
                        other.kind().to_string(),
                        title(other).to_string(),
                        Some(other.to_string()),
                    ),
                };
                json!({
                    "status": error.status(), "type": kind, "title": title, "detail": detail,
                    "instance": error.instance(), "outcome": outcome(error.outcome()),
                })
            }
        };
        let line = match &self {
            Failure::Arguments(message) => format!("invalid arguments: {message}"),
            Failure::FileTooLarge(message) => message.clone(),
            // One line: status, error type, title and detail (the SDK's `Display`), the key
            // never in it (the SDK scrubs what a server echoes).
            Failure::Call(error) => error.to_string().replace(['\n', '\r'], " "),
        };
        let mut result = CallToolResult::error(vec![ContentBlock::text(line)]);
        result.structured_content = Some(structured);
        result
    }
}

fn title(error: &Error) -> &'static str {
    match error {
        Error::InvalidResponse(_) => "Invalid response",
        Error::Timeout(_) => "Timed out",
        Error::Transport(_) => "Transport error",
        Error::InvalidInput(_) => "Invalid input",
        _ => "Error",
    }
}

/// `not_applied` (retry freely) or `unknown` (it may have taken effect: look before retrying).
fn outcome(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::NotApplied => "not_applied",
        _ => "unknown",
    }
}

async fn dispatch(
    client: &Client,
    files: Option<&FilesRoot>,
    op: &Operation,
    arguments: JsonObject,
) -> Result<Answer, Failure> {
    // Every file is opened beneath the files root before anything is sent.
    let open = |field: &str, path: &str| match files {
        Some(files) => files.open(path),
        None => Err(format!(
            "{field}: this server takes no files (it was started without --files-root)"
        )),
    };
    let request = AnyRequest::from_json(client, op.operation, arguments, &open).map_err(|e| match e {
        Error::InvalidInput(invalid) => Failure::Arguments(invalid.message),
        other => Failure::Call(other),
    })?;
    if !op.download {
        return request.send().await.map(Answer::Json).map_err(Failure::Call);
    }
    let download = request.download().await.map_err(Failure::Call)?;
    file_content(op, download)
        .await
        .map(|content| Answer::File(Box::new(content)))
}

/// A downloaded file as tool content: an image as image content, anything else as a resource
/// blob; past [`MAX_FILE`], refused.
async fn file_content(op: &Operation, download: postpress::Download) -> Result<ContentBlock, Failure> {
    use base64::Engine as _;
    use futures_util::StreamExt;
    let too_large = || {
        Failure::FileTooLarge(format!(
            "{} answered a file larger than {} MiB, which this server does not hand to an agent",
            op.id,
            MAX_FILE / (1024 * 1024)
        ))
    };
    if download.content_length().is_some_and(|len| len > MAX_FILE) {
        return Err(too_large());
    }
    let mime = download
        .content_type()
        .unwrap_or("application/octet-stream")
        .to_string();
    let mut bytes = Vec::new();
    let mut stream = std::pin::pin!(download.into_stream());
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(Failure::Call)?;
        if bytes.len() as u64 + chunk.len() as u64 > MAX_FILE {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
    if mime.starts_with("image/") {
        return Ok(ContentBlock::image(data, mime));
    }
    let uri = format!("postpress://{}/file", op.id);
    Ok(ContentBlock::resource(
        rmcp::model::ResourceContents::blob(data, uri).with_mime_type(mime),
    ))
}
