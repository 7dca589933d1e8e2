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
        Ok(answer) => CallToolResult::structured(answer),
        Err(failure) => failure.into_result(),
    }
}

/// Why a call did not succeed.
enum Failure {
    /// The arguments were refused before anything was sent.
    Arguments(String),
    /// The SDK's error (the API's, or the network's).
    Call(Error),
}

impl Failure {
    fn into_result(self) -> CallToolResult {
        let structured = match &self {
            Failure::Arguments(message) => json!({
                "status": null, "type": "invalid_arguments", "title": "Invalid arguments",
                "detail": message, "instance": null, "outcome": "not_applied",
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
) -> Result<Value, Failure> {
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
    request.send().await.map_err(Failure::Call)
}
