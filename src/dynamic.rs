//! [`AnyRequest`]: any operation's request, made from arguments by name as JSON, for the tools that
//! take them that way (the `postpress` CLI, its MCP server, the fake server's checks). The
//! arguments are read by the operation table's fields (each by its kind, a value of a generated
//! type through that type), into the same request a `Client` method makes; the one thing the
//! table cannot say, the type an answer decodes into, is a match arm per operation
//! (`codegen/dynamic.rs`).

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use serde_json::{Map, Value};

use crate::body::multipart::Progress;
use crate::body::upload::Upload;
use crate::call::BoxFuture;
use crate::client::Client;
use crate::error::Error;
use crate::operations::{Field, Location, OperationId, ValueKind};
use crate::request::{Pages, Request, Stored};

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
    request: Request,
}

impl std::fmt::Debug for AnyRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnyRequest")
            .field("operation", &self.request.operation())
            .finish_non_exhaustive()
    }
}

/// How a request made from JSON runs, by its operation's answer (`generated::requests::run`):
/// nothing is sent until the future is polled.
pub(crate) enum Run {
    /// The answer, decoded through the operation's type, as JSON.
    Json(BoxFuture<Result<Value, Error>>),
    /// The file the operation answers with.
    File(BoxFuture<Result<crate::Download, Error>>),
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
        let spec = operation.spec();
        // The path parameters, in the path's order (a number given as a number is its text).
        let mut parameters = Vec::new();
        for field in spec.fields.iter().filter(|f| f.location == Location::Path) {
            let value = required(field.name, arguments.remove(field.name))?;
            parameters.push(match value {
                Value::Number(n) if field.kind != ValueKind::Text => n.to_string(),
                other => text(field.name, other)?,
            });
        }
        let parameters: Vec<&str> = parameters.iter().map(String::as_str).collect();
        let mut request = Request::new(client, operation, &parameters);
        for (index, field) in spec.fields.iter().enumerate() {
            if field.location == Location::Path {
                continue;
            }
            let value = if spec.whole_body && field.location == Location::Body {
                // A body that is not an object of fields: the argument `body`, or every one left.
                match arguments.remove("body") {
                    Some(body) => Some(body),
                    None if arguments.is_empty() => None,
                    None => Some(Value::Object(std::mem::take(&mut arguments))),
                }
            } else {
                arguments.remove(field.name)
            };
            let Some(value) = value else { continue };
            if field.list {
                for item in list(field.name, value, |name, v| stored(field, name, v, open))? {
                    request = request.push(index, item);
                }
            } else {
                request = request.set(index, stored(field, field.name, value, open)?);
            }
        }
        if let Some(unknown) = arguments.keys().next() {
            return Err(Error::invalid_input(format!(
                "unknown argument {unknown} for {operation}"
            )));
        }
        request.prepare()?;
        Ok(AnyRequest { request })
    }

    /// The operation this request calls.
    pub fn operation(&self) -> OperationId {
        self.request.operation()
    }

    /// Calls `progress` as the body of a multipart request goes out; a retry starts again from 0.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.request.core.progress = Some(std::sync::Arc::new(progress));
        self
    }

    /// Runs the request; the answer as JSON (the spec's shape). An operation that answers a file
    /// ([`Operation::download`](crate::operations::Operation::download)) is run by
    /// [`download`](Self::download) instead: here it is refused, with nothing sent.
    pub async fn send(self) -> Result<Value, Error> {
        let operation = self.operation();
        match crate::generated::requests::run(self.request) {
            Run::Json(answer) => answer.await,
            Run::File(_) => Err(wrong_answer(operation)),
        }
    }

    /// Runs the request of an operation that answers a file; the file. Any other operation is
    /// run by [`send`](Self::send): here it is refused, with nothing sent.
    pub async fn download(self) -> Result<crate::Download, Error> {
        let operation = self.operation();
        match crate::generated::requests::run(self.request) {
            Run::File(file) => file.await,
            Run::Json(_) => Err(wrong_answer(operation)),
        }
    }

    /// For a list of the API's cursor convention, every item of every page as JSON, in order
    /// (ends as the request type's `.items()` does); `None` for any other operation.
    pub fn items(self) -> Option<BoxStream<'static, Result<Value, Error>>> {
        crate::generated::requests::items(self.request)
    }
}

/// One value of `field` (an item, for a list) from JSON, by the field's kind.
fn stored(field: &Field, name: &str, value: Value, open: OpenFile<'_>) -> Result<Stored, Error> {
    Ok(match field.kind {
        ValueKind::Text => Stored::Text(text(name, value)?),
        ValueKind::Enum => Stored::Text(wire(name, value)?),
        ValueKind::Integer => Stored::Integer(integer(name, value)?),
        ValueKind::Number => Stored::Number(number(name, value)?),
        ValueKind::Boolean => Stored::Boolean(boolean(name, value)?),
        ValueKind::Binary => Stored::File(file(name, value, open)?),
        ValueKind::Json => match field.retype {
            Some(Retype(retype)) => Stored::Json(Ok(
                retype(value).map_err(|e| Error::invalid_input(format!("{name}: {e}")))?
            )),
            None => Stored::Json(Ok(value)),
        },
    })
}

/// Reads a value of a generated type from JSON and writes it back: what a setter taking the type
/// would send (`Field::retype`).
#[derive(Clone, Copy)]
pub(crate) struct Retype(pub fn(Value) -> Result<Value, serde_json::Error>);

impl std::fmt::Debug for Retype {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Retype")
    }
}

impl PartialEq for Retype {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

/// A value of `T` read from JSON and written back (see [`Retype`]).
pub(crate) fn retype<T: serde::de::DeserializeOwned + serde::Serialize>(
    value: Value,
) -> Result<Value, serde_json::Error> {
    serde_json::from_value::<T>(value).and_then(serde_json::to_value)
}

/// The call of `request`, its answer decoded as `T` and handed back as JSON.
pub(crate) fn answer_json<T>(request: Request) -> Run
where
    T: serde::de::DeserializeOwned + serde::Serialize + Send + 'static,
{
    let pending = request.pending::<T>();
    Run::Json(Box::pin(async move { to_value(pending.await?) }))
}

/// The call of `request`, whose answer is a file.
pub(crate) fn download(request: Request) -> Run {
    let pending = request.pending::<crate::Download>();
    Run::File(Box::pin(pending))
}

/// Refuses to run `operation` the wrong way (`send` for a file, `download` for JSON).
fn wrong_answer(operation: OperationId) -> Error {
    let how = if operation.spec().download {
        "answers a file: run it with download()"
    } else {
        "answers JSON: run it with send()"
    };
    Error::invalid_input(format!("{operation} {how}"))
}

fn to_value(answer: impl serde::Serialize) -> Result<Value, Error> {
    serde_json::to_value(answer)
        .map_err(|e| Error::invalid_input(format!("the answer could not be written as JSON: {e}")))
}

/// Every item of a paginated request, as JSON; the pages are `T`.
#[allow(dead_code)] // Called for the list operations; a spec may have none.
pub(crate) fn items_json<T>(request: Request) -> BoxStream<'static, Result<Value, Error>>
where
    T: crate::request::Page,
    T::Item: serde::Serialize,
{
    crate::call::pagination::items(Pages::<T>::new(request))
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

/// An enum value: its wire text (a string, or a number or boolean for an enum of those).
pub(crate) fn wire(name: &str, value: Value) -> Result<String, Error> {
    match value {
        Value::String(text) => Ok(text),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(wrong(name, "one of the listed values", &other)),
    }
}

pub(crate) fn integer(name: &str, value: Value) -> Result<i64, Error> {
    match &value {
        Value::Number(n) => n.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| wrong(name, "an integer", &value))
}

pub(crate) fn number(name: &str, value: Value) -> Result<f64, Error> {
    match &value {
        Value::Number(n) => n.as_f64(),
        Value::String(text) => text.trim().parse().ok().filter(|n: &f64| n.is_finite()),
        _ => None,
    }
    .ok_or_else(|| wrong(name, "a number", &value))
}

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
