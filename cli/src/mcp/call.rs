//! One tool call: the arguments decoded into the operation's request types (the spec's, as
//! generated), the call made through the SDK (its retry rule, streamed uploads, typed errors),
//! and the answer or the error as a tool result.

use postpress::operations::{Operation, OperationId};
use postpress::{ChatAction, Client, Error, Outcome, types};
use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::files::FilesRoot;

/// Calls `op` with `arguments`. Every failure, the API's included, is a tool result with
/// `isError`; the protocol's errors are left to protocol faults.
pub async fn call(client: &Client, files: &FilesRoot, op: &Operation, arguments: JsonObject) -> CallToolResult {
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

/// The path parameter `name` of the arguments (removed from them, leaving the body's fields).
fn path_parameter(arguments: &mut JsonObject, name: &str) -> Result<String, Failure> {
    match arguments.remove(name) {
        Some(Value::String(value)) => Ok(value),
        Some(_) => Err(Failure::Arguments(format!("{name} must be a string"))),
        None => Err(Failure::Arguments(format!("{name} is required"))),
    }
}

/// The body's fields, decoded into the operation's generated request type.
fn body<T: DeserializeOwned>(arguments: JsonObject) -> Result<T, Failure> {
    serde_json::from_value(Value::Object(arguments)).map_err(|e| Failure::Arguments(e.to_string()))
}

fn answer<T: serde::Serialize>(result: Result<T, Error>) -> Result<Value, Failure> {
    let value = result.map_err(Failure::Call)?;
    serde_json::to_value(value).map_err(|e| Failure::Arguments(format!("the answer could not be encoded: {e}")))
}

async fn dispatch(
    client: &Client,
    files: &FilesRoot,
    op: &Operation,
    mut arguments: JsonObject,
) -> Result<Value, Failure> {
    let id = match op.path_parameters {
        [parameter] => path_parameter(&mut arguments, parameter.name)?,
        _ => return Err(Failure::Arguments(format!("{} has no single path parameter", op.id))),
    };
    match op.operation {
        OperationId::GetMessage => {
            if let Some(extra) = arguments.keys().next() {
                return Err(Failure::Arguments(format!("unknown argument {extra}")));
            }
            answer(client.get_message(&id).await)
        }
        OperationId::ForwardMessage => {
            let request: types::ForwardMessageRequest = body(arguments)?;
            answer(client.forward_message(&id, &request.chat_id).await)
        }
        OperationId::AddReaction => {
            let request: types::AddReactionRequest = body(arguments)?;
            answer(client.add_reaction(&id, &request.reaction).await)
        }
        OperationId::PatchChat => {
            let request: types::ChatActionRequest = body(arguments)?;
            let action = ChatAction::try_from(request).map_err(|e| Failure::Arguments(e.to_string()))?;
            answer(client.chat_action(&id, action).await)
        }
        OperationId::SendMessage => {
            let request: types::SendMessageRequest = body(arguments)?;
            // Every file is checked against the files root before anything is read or sent.
            let send =
                crate::compose::compose(client, id, request, |path| files.resolve(path)).map_err(Failure::Arguments)?;
            answer(send.send().await)
        }
        other => Err(Failure::Arguments(format!(
            "{other} is not supported by this version of postpress"
        ))),
    }
}
