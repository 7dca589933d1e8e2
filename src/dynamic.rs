//! [`AnyRequest`]: any operation's request, made from arguments by name as JSON, for the tools that
//! take them that way (the `postpress` CLI, its MCP server, the fake server's checks). Each
//! generated request type reads its own values (`from_json`, written by
//! `codegen/dynamic.rs`); what they share is here: turning a JSON value into a value of a
//! field's kind, and running a request whose answer is handed back as JSON.

use std::future::IntoFuture;

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use serde_json::{Map, Value};

use crate::body::multipart::Progress;
use crate::body::upload::Upload;
use crate::call::{BoxFuture, Core};
use crate::client::Client;
use crate::error::Error;
use crate::operations::OperationId;

/// Opens the file a binary field names: `(field, path) -> Upload`, or why it may not be read.
pub type OpenFile<'a> = &'a dyn Fn(&str, &str) -> Result<Upload, String>;

/// Any operation's request, made from JSON arguments by [`AnyRequest::from_json`]; nothing is sent
/// until [`send`](Self::send) or [`items`](Self::items).
///
/// ```no_run
/// # async fn run(client: postpress::Client) -> Result<(), postpress::Error> {
/// use postpress::operations::OperationId;
/// use postpress::requests::AnyRequest;
///
/// let arguments = serde_json::json!({"message_id": "msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR", "reaction": "👍"});
/// let serde_json::Value::Object(arguments) = arguments else { unreachable!() };
/// let no_files = |field: &str, _: &str| Err(format!("{field}: no files here"));
/// let request = AnyRequest::from_json(&client, OperationId::AddReaction, arguments, &no_files)?;
/// let answer: serde_json::Value = request.send().await?;
/// # Ok(()) }
/// ```
pub struct AnyRequest {
    operation: OperationId,
    request: Box<dyn DynRequest>,
}

impl std::fmt::Debug for AnyRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnyRequest")
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

/// What every generated request type does for [`AnyRequest`].
pub(crate) trait DynRequest: Send + 'static {
    fn core_mut(&mut self) -> &mut Core;
    /// The spec's checks and the rules it cannot state (`crate::rules`), without sending.
    fn check(&self) -> Result<(), Error>;
    fn send_json(self: Box<Self>) -> BoxFuture<Result<Value, Error>>;
    /// The file an operation that answers one answered.
    fn download(self: Box<Self>) -> BoxFuture<Result<crate::Download, Error>>;
    /// Every item of every page, as JSON; `Err(self)` for an operation that is not a list.
    fn items_json(self: Box<Self>) -> Result<BoxStream<'static, Result<Value, Error>>, Box<dyn DynRequest>>;
}

impl AnyRequest {
    /// The request of `operation` with `arguments` by the spec's names: the path parameters, the
    /// query parameters and the body's fields, flat (a body that is not an object with fields is
    /// the argument `body`, or else every argument left). A list takes an array (or one value);
    /// numbers and booleans may be given as text (as a command line gives them); a binary field
    /// takes a path, which `open` turns into the file to send.
    ///
    /// Refused with [`Error::InvalidInput`], before anything is sent: an unknown argument, a value
    /// of the wrong kind, a value that breaks the spec's constraints, a missing required one.
    pub fn from_json(
        client: &Client,
        operation: OperationId,
        mut arguments: Map<String, Value>,
        open: OpenFile<'_>,
    ) -> Result<AnyRequest, Error> {
        let request = crate::generated::requests::from_json(client, operation, &mut arguments, open)?;
        if let Some(unknown) = arguments.keys().next() {
            return Err(Error::invalid_input(format!(
                "unknown argument {unknown} for {operation}"
            )));
        }
        request.check()?;
        Ok(AnyRequest { operation, request })
    }

    /// The operation this request calls.
    pub fn operation(&self) -> OperationId {
        self.operation
    }

    /// Calls `progress` as the body of a multipart request goes out; a retry starts again from 0.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.request.core_mut().progress = Some(std::sync::Arc::new(progress));
        self
    }

    /// Runs the request; the answer as JSON (the spec's shape). An operation that answers a file
    /// ([`Operation::download`](crate::operations::Operation::download)) is run by
    /// [`download`](Self::download) instead: here it is refused, with nothing sent.
    pub async fn send(self) -> Result<Value, Error> {
        self.request.send_json().await
    }

    /// Runs the request of an operation that answers a file; the file. Any other operation is
    /// run by [`send`](Self::send): here it is refused, with nothing sent.
    pub async fn download(self) -> Result<crate::Download, Error> {
        self.request.download().await
    }

    /// For a list of the API's cursor convention, every item of every page as JSON, in order
    /// (ends as the request type's `.items()` does); `None` for any other operation.
    pub fn items(self) -> Option<BoxStream<'static, Result<Value, Error>>> {
        self.request.items_json().ok()
    }
}

/// Boxes a generated request for [`AnyRequest`].
pub(crate) fn boxed<R: DynRequest>(request: R) -> Box<dyn DynRequest> {
    Box::new(request)
}

/// Runs `request` and hands its answer back as JSON.
pub(crate) fn send_json<R>(request: R) -> BoxFuture<Result<Value, Error>>
where
    R: IntoFuture<Output = Result<R::Answer, Error>, IntoFuture: Send + 'static> + Answered,
{
    let future = request.into_future();
    Box::pin(async move { to_value(future.await?) })
}

/// Refuses to run `operation` the wrong way (`send` for a file, `download` for JSON).
pub(crate) fn wrong_answer<T: Send + 'static>(operation: OperationId) -> BoxFuture<Result<T, Error>> {
    let how = if operation.spec().download {
        "answers a file: run it with download()"
    } else {
        "answers JSON: run it with send()"
    };
    let refused = Error::invalid_input(format!("{operation} {how}"));
    Box::pin(std::future::ready(Err(refused)))
}

/// A request's answer type.
pub(crate) trait Answered {
    type Answer: serde::Serialize;
}

fn to_value(answer: impl serde::Serialize) -> Result<Value, Error> {
    serde_json::to_value(answer)
        .map_err(|e| Error::invalid_input(format!("the answer could not be written as JSON: {e}")))
}

/// Every item of a paginated request, as JSON.
#[allow(dead_code)] // Called for the list operations; a spec may have none.
pub(crate) fn items_json<R>(request: R) -> BoxStream<'static, Result<Value, Error>>
where
    R: crate::call::pagination::Paginated,
    R::Item: serde::Serialize,
{
    crate::call::pagination::items(request)
        .map(|item| item.and_then(to_value))
        .boxed()
}

fn wrong(name: &str, what: &str, value: &Value) -> Error {
    let shown = match value {
        Value::String(text) => format!("{text:?}"),
        other => other.to_string(),
    };
    Error::invalid_input(format!("{name} must be {what}, not {shown}"))
}

/// A required argument.
pub(crate) fn required(name: &str, value: Option<Value>) -> Result<Value, Error> {
    value.ok_or_else(|| crate::check::missing(name))
}

/// A string.
pub(crate) fn text(name: &str, value: Value) -> Result<String, Error> {
    match value {
        Value::String(text) => Ok(text),
        other => Err(wrong(name, "a string", &other)),
    }
}

#[allow(dead_code)] // Called for enum values; a spec may have none.
/// An enum value: its wire text (a string, or a number or boolean for an enum of those).
pub(crate) fn wire(name: &str, value: Value) -> Result<String, Error> {
    match value {
        Value::String(text) => Ok(text),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(wrong(name, "one of the listed values", &other)),
    }
}

#[allow(dead_code)] // Called for integer values; a spec may have none.
pub(crate) fn integer(name: &str, value: Value) -> Result<i64, Error> {
    match &value {
        Value::Number(n) => n.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| wrong(name, "an integer", &value))
}

#[allow(dead_code)] // Called for numeric values; a spec may have none.
pub(crate) fn number(name: &str, value: Value) -> Result<f64, Error> {
    match &value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.trim().parse().ok().filter(|n: &f64| n.is_finite()),
        _ => None,
    }
    .ok_or_else(|| wrong(name, "a number", &value))
}

#[allow(dead_code)] // Called for boolean values; a spec may have none.
pub(crate) fn boolean(name: &str, value: Value) -> Result<bool, Error> {
    match &value {
        Value::Bool(b) => Some(*b),
        Value::String(text) if text == "true" => Some(true),
        Value::String(text) if text == "false" => Some(false),
        _ => None,
    }
    .ok_or_else(|| wrong(name, "true or false", &value))
}

/// A file, from the path a binary field gives.
pub(crate) fn file(name: &str, value: Value, open: OpenFile<'_>) -> Result<std::sync::Arc<Upload>, Error> {
    let path = text(name, value)?;
    open(name, &path).map(std::sync::Arc::new).map_err(Error::invalid_input)
}

/// A value of a generated type.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(name: &str, value: Value) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|e| Error::invalid_input(format!("{name}: {e}")))
}

/// Any JSON value.
#[allow(dead_code)] // Called for values of inline schemas; a spec may have none.
pub(crate) fn json(_name: &str, value: Value) -> Result<Value, Error> {
    Ok(value)
}

/// The items of a list argument (one value stands for a list of one).
pub(crate) fn list<T>(
    name: &str,
    value: Value,
    item: impl Fn(&str, Value) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    match value {
        Value::Array(items) => items.into_iter().map(|v| item(name, v)).collect(),
        one => Ok(vec![item(name, one)?]),
    }
}

/// A body that is not an object with fields: the argument `body`, or every argument left.
pub(crate) fn whole_body<T: serde::de::DeserializeOwned>(arguments: &mut Map<String, Value>) -> Result<T, Error> {
    let value = match arguments.remove("body") {
        Some(body) => body,
        None => Value::Object(std::mem::take(arguments)),
    };
    typed("body", value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_from_json_and_from_text() {
        assert_eq!(integer("limit", json!(3)).unwrap(), 3);
        assert_eq!(integer("limit", json!("3")).unwrap(), 3);
        assert!(
            integer("limit", json!(3.5))
                .unwrap_err()
                .to_string()
                .contains("limit must be an integer, not 3.5")
        );
        assert_eq!(number("ratio", json!("0.5")).unwrap(), 0.5);
        assert!(number("ratio", json!("NaN")).is_err());
        assert!(boolean("archived", json!("true")).unwrap());
        assert!(boolean("archived", json!("yes")).is_err());
        assert_eq!(wire("flag", json!(1)).unwrap(), "1");
        assert_eq!(list("labels", json!(["a", "b"]), text).unwrap(), ["a", "b"]);
        assert_eq!(list("labels", json!("a"), text).unwrap(), ["a"]);
        assert!(
            text("id", json!(5))
                .unwrap_err()
                .to_string()
                .contains("id must be a string, not 5")
        );
        assert!(required("id", None).unwrap_err().to_string().contains("id is required"));
        let refuse = |field: &str, path: &str| Err(format!("{field}: {path} refused"));
        assert!(
            file("voice", json!("/etc/passwd"), &refuse)
                .unwrap_err()
                .to_string()
                .contains("voice: /etc/passwd refused")
        );
    }
}
