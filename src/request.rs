//! What every generated request type is made of: a [`Request`] of its operation, whose values are
//! kept by the index of their field in the operation table (`crate::operations`), and checked
//! against that field's constraints and laid out for the wire by one function for every operation
//! ([`Request::prepare`]). Per operation, the generated code (`codegen/requests.rs`) writes only
//! its `Client` method, its type, its setters and a [`request_type!`] line; the table says the
//! rest once.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::Value;

use crate::body::upload::Upload;
use crate::call::request::Pending;
use crate::call::{Body, Core, FormText, Prepared};
use crate::check;
use crate::client::Client;
use crate::error::Error;
use crate::operations::{Constraints, Field, Location, Operation, OperationId, ValueKind};

/// One request of an operation: the client's settings and the call's options, the path (or why
/// a path parameter was refused), and the values set.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub(crate) core: Core,
    operation: OperationId,
    /// The base URL's path and the operation's, each parameter checked and encoded.
    path: Result<String, String>,
    /// The values set, by the index of their field in the operation's row, in that order; a list's
    /// items in the order they were given.
    values: Vec<(usize, Stored)>,
}

/// One value of a field (an item, for a list), as the setters and `AnyRequest` store it.
#[derive(Clone, Debug)]
// The setters make the kinds the spec's values have: a spec may have no value of some kind.
#[allow(dead_code)]
pub(crate) enum Stored {
    Text(String),
    Integer(i64),
    Number(f64),
    Boolean(bool),
    File(Arc<Upload>),
    /// A value of a generated type or of any JSON, written as JSON when it was set (or why it
    /// could not be).
    Json(Result<Value, String>),
    /// A value a setter could not convert to its field's type, and why.
    Refused(String),
}

impl Stored {
    /// A value of a generated type.
    pub(crate) fn json(value: &impl serde::Serialize) -> Stored {
        Stored::Json(serde_json::to_value(value).map_err(|e| e.to_string()))
    }

    /// A value converted to the generated type `T`, or why it could not be (a setter's argument
    /// of another type: an empty label for a chat action, say).
    pub(crate) fn typed<T: serde::Serialize>(value: impl TryInto<T, Error: std::fmt::Display>) -> Stored {
        match value.try_into() {
            Ok(value) => Stored::json(&value),
            Err(refused) => Stored::Refused(refused.to_string()),
        }
    }

    /// The value as text: a scalar's own, a JSON value's JSON.
    fn text(&self) -> Cow<'_, str> {
        match self {
            Stored::Text(text) => Cow::Borrowed(text),
            Stored::Integer(n) => Cow::Owned(n.to_string()),
            Stored::Number(n) => Cow::Owned(n.to_string()),
            Stored::Boolean(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Stored::Json(Ok(value)) => Cow::Owned(value.to_string()),
            Stored::File(_) | Stored::Json(Err(_)) | Stored::Refused(_) => Cow::Borrowed(""),
        }
    }
}

impl Request {
    /// A request of `operation`, its path made of `parameters` (the path parameters' values, in
    /// the path's order), each checked by its field's constraints and encoded. A refused one is
    /// kept as the reason, returned when the request is awaited.
    pub(crate) fn new(client: &Client, operation: OperationId, parameters: &[&str]) -> Request {
        Request {
            core: Core::new(client.config()),
            operation,
            path: path(client.base_path(), operation.spec(), parameters),
            values: Vec::new(),
        }
    }

    pub(crate) fn operation(&self) -> OperationId {
        self.operation
    }

    /// The request with `value` as the value of the field at `field` (replacing one set before).
    pub(crate) fn set(mut self, field: usize, value: Stored) -> Self {
        match self.values.iter().position(|(index, _)| *index == field) {
            Some(at) => self.values[at].1 = value,
            None => self.insert(field, value),
        }
        self
    }

    /// The request with `value` appended to the list at `field`.
    pub(crate) fn push(mut self, field: usize, value: Stored) -> Self {
        self.insert(field, value);
        self
    }

    /// `value` after the values of the fields up to `field`'s, keeping them in the row's order.
    fn insert(&mut self, field: usize, value: Stored) {
        let at = self.values.partition_point(|(index, _)| *index <= field);
        self.values.insert(at, (field, value));
    }

    /// The text of the value set for the field at `field`, if any (a list's cursor, say).
    pub(crate) fn text_at(&self, field: usize) -> Option<&str> {
        self.values.iter().find_map(|(i, value)| match value {
            Stored::Text(text) if *i == field => Some(text.as_str()),
            _ => None,
        })
    }

    /// The index of the field named `name` in the operation's row.
    pub(crate) fn field_index(&self, name: &str) -> Option<usize> {
        self.operation.spec().fields.iter().position(|f| f.name == name)
    }

    /// The call of this request, sent at the first poll (or refused, if a value breaks the spec).
    pub(crate) fn pending<T>(&self) -> Pending<T> {
        Pending::new(&self.core, self.prepare())
    }

    /// Checks every value against its field's constraints in the operation table (required,
    /// lengths, patterns, ranges, enums, list lengths, and what a JSON value must hold below its
    /// top) and the body's fields against what they must hold together (the body's rule), and
    /// lays the request out: the query, the headers and the body, each in the spec's order.
    pub(crate) fn prepare(&self) -> Result<Prepared<'_>, Error> {
        let spec = self.operation.spec();
        let path = self.path.as_deref().map_err(Error::invalid_input)?;
        let mut query = Vec::new();
        let mut headers = Vec::new();
        let mut object = serde_json::Map::new();
        let mut whole = None;
        let mut texts = Vec::new();
        let mut files = Vec::new();
        // The values are in the order of their fields: each field's are the next ones.
        let mut rest = self.values.as_slice();
        for (index, field) in spec.fields.iter().enumerate() {
            let count = rest.iter().take_while(|(i, _)| *i == index).count();
            let (these, after) = rest.split_at(count);
            rest = after;
            if field.location == Location::Path {
                continue;
            }
            let given = || these.iter().map(|(_, value)| value);
            if these.is_empty() {
                if field.required {
                    return Err(check::missing(field.name));
                }
                continue;
            }
            if field.list {
                check::items(field.name, these.len(), &field.constraints)?;
            }
            for value in given() {
                check_value(field, value)?;
            }
            match field.location {
                Location::Path => {}
                Location::Query => query.extend(given().map(|v| (field.name, v.text()))),
                Location::Header => {
                    let joined: Vec<Cow<'_, str>> = given().map(Stored::text).collect();
                    headers.push((field.name, joined.join(",")));
                }
                Location::Body if spec.whole_body => whole = Some(json_of(field.name, &these[0].1)?),
                Location::Body if spec.multipart => {
                    for value in given() {
                        match value {
                            Stored::File(file) => files.push((field.name, Arc::clone(file))),
                            other => texts.push(FormText {
                                name: field.name,
                                value: other.text().into_owned(),
                                content_type: field
                                    .part_type
                                    .or_else(|| (field.kind == ValueKind::Json).then_some("application/json")),
                            }),
                        }
                    }
                }
                Location::Body => {
                    let json = if field.list {
                        Value::Array(given().map(|v| json_of(field.name, v)).collect::<Result<_, _>>()?)
                    } else {
                        json_of(field.name, &these[0].1)?
                    };
                    object.insert(field.name.to_string(), json);
                }
            }
        }
        let body = if spec.whole_body {
            match whole {
                Some(value) => crate::call::json_value(&value)?,
                None => Body::None,
            }
        } else if spec.multipart {
            Body::Form {
                texts: texts.into(),
                files: files.into(),
            }
        } else if spec.fields.iter().any(|f| f.location == Location::Body) {
            crate::call::json_value(&object)?
        } else {
            Body::None
        };
        if let Some(rule) = spec.body_rule {
            crate::shape::check_json("", &self.body_view(spec), rule)?;
        }
        Ok(Prepared {
            operation: self.operation,
            path,
            query,
            headers,
            body,
        })
    }

    /// The body's fields as one JSON object, for the body's rule (`Operation::body_rule`): a list
    /// as an array, a file as an empty string (present, with nothing a rule bounds).
    fn body_view(&self, spec: &Operation) -> Value {
        let mut view = serde_json::Map::new();
        for (index, value) in &self.values {
            let Some(field) = spec.fields.get(*index).filter(|f| f.location == Location::Body) else {
                continue;
            };
            let json = match value {
                Stored::File(_) => Value::String(String::new()),
                other => json_of(field.name, other).unwrap_or(Value::Null),
            };
            if field.list {
                let list = view.entry(field.name).or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = list {
                    items.push(json);
                }
            } else {
                view.insert(field.name.to_string(), json);
            }
        }
        Value::Object(view)
    }
}

/// One value (an item, for a list) against its field's constraints.
fn check_value(field: &Field, value: &Stored) -> Result<(), Error> {
    let rule = &field.constraints;
    match value {
        Stored::Text(text) => check::text(field.name, text, rule),
        Stored::Integer(n) => check::integer(field.name, *n, rule),
        Stored::Number(n) => check::number(field.name, *n, rule),
        Stored::Boolean(_) | Stored::File(_) => Ok(()),
        Stored::Json(Ok(json)) => match field.shape {
            Some(shape) => crate::shape::check_json(field.name, json, shape),
            None => Ok(()),
        },
        Stored::Json(Err(e)) => Err(Error::invalid_input(format!(
            "{} cannot be written as JSON: {e}",
            field.name
        ))),
        Stored::Refused(reason) => Err(Error::invalid_input(format!("{}: {reason}", field.name))),
    }
}

/// A value as JSON, for a JSON body.
fn json_of(name: &str, value: &Stored) -> Result<Value, Error> {
    Ok(match value {
        Stored::Text(text) => Value::from(text.as_str()),
        Stored::Integer(n) => Value::from(*n),
        Stored::Number(n) => Value::from(*n),
        Stored::Boolean(b) => Value::from(*b),
        Stored::Json(Ok(json)) => json.clone(),
        Stored::Json(Err(e)) => return Err(Error::invalid_input(format!("{name} cannot be written as JSON: {e}"))),
        Stored::Refused(reason) => return Err(Error::invalid_input(format!("{name}: {reason}"))),
        Stored::File(_) => {
            return Err(Error::invalid_input(format!(
                "{name} is a file, which a JSON body cannot carry"
            )));
        }
    })
}

/// The base path and the operation's path with each parameter checked and encoded, in one
/// string; or the first refusal.
fn path(base: &str, spec: &Operation, parameters: &[&str]) -> Result<String, String> {
    let fields = spec.fields.iter().filter(|f| f.location == Location::Path);
    for (field, value) in fields.zip(parameters) {
        let number_rule = Constraints::NONE;
        let checked = match field.kind {
            // A number travels as its text; its bounds are the number's.
            ValueKind::Integer => value
                .parse()
                .map_err(|_| not_a_number(field.name))
                .and_then(|n| check::integer(field.name, n, &field.constraints))
                .and_then(|()| check::path(field.name, value, &number_rule)),
            ValueKind::Number => value
                .parse()
                .map_err(|_| not_a_number(field.name))
                .and_then(|n| check::number(field.name, n, &field.constraints))
                .and_then(|()| check::path(field.name, value, &number_rule)),
            _ => check::path(field.name, value, &field.constraints),
        };
        check::all([checked])?;
    }
    let mut path = String::with_capacity(base.len() + spec.path.len() + 32);
    path.push_str(base);
    let mut parameters = parameters.iter();
    for (i, piece) in spec.path.split('{').enumerate() {
        if i == 0 {
            path.push_str(piece);
            continue;
        }
        let (_, rest) = piece.split_once('}').unwrap_or(("", piece));
        path.push_str(&crate::path::encode_path(parameters.next().copied().unwrap_or("")));
        path.push_str(rest);
    }
    Ok(path)
}

fn not_a_number(name: &str) -> Error {
    Error::invalid_input(format!("{name} is not a number"))
}

/// The per-call option setters, `with_metadata`, and what awaiting does, for a generated request
/// type (a tuple struct over a [`Request`]): `request_type!(GetMessage, types::Message)`; a list of
/// the API's cursor convention adds `pages` and its item type (`.pages()`, `.items()`), an
/// operation that answers a file is `download`.
macro_rules! request_type {
    ($name:ident, download) => {
        $crate::request::request_type!(@common $name, $crate::Download);
        impl $name {
            /// Runs the request and returns the file with the answer's status and headers.
            pub async fn with_metadata(self) -> ::std::result::Result<$crate::Response<$crate::Download>, $crate::Error> {
                self.0.pending::<$crate::Download>().download_with_metadata().await
            }
        }
    };
    ($name:ident, $answer:ty, pages $item:ty) => {
        $crate::request::request_type!($name, $answer);
        impl $name {
            /// Every page, following each page's `cursor` until it is null; each page is a
            /// call with this request's options and filters, retried by the same rule. A failed
            /// page ends the stream with its error, and so does a cursor that repeats the one
            /// just sent.
            pub fn pages(
                self,
            ) -> impl ::futures_util::Stream<Item = ::std::result::Result<$answer, $crate::Error>> + Send + 'static {
                $crate::call::pagination::pages($crate::request::Pages::<$answer>::new(self.0))
            }
            /// Every item of every page, in order; ends as [`pages`](Self::pages) does.
            pub fn items(
                self,
            ) -> impl ::futures_util::Stream<Item = ::std::result::Result<$item, $crate::Error>> + Send + 'static {
                $crate::call::pagination::items($crate::request::Pages::<$answer>::new(self.0))
            }
        }
    };
    ($name:ident, $answer:ty) => {
        $crate::request::request_type!(@common $name, $answer);
        $crate::request::request_type!(@metadata $name, $answer);
    };
    (@metadata $name:ident, $answer:ty) => {
        impl $name {
            /// Runs the request and returns the answer with its status and headers (a request id,
            /// rate-limit headers), instead of the body alone.
            pub async fn with_metadata(self) -> ::std::result::Result<$crate::Response<$answer>, $crate::Error> {
                self.0.pending::<$answer>().with_metadata().await
            }
        }
    };
    (@common $name:ident, $answer:ty) => {
        impl $name {
            #[allow(dead_code)]
            fn set(self, field: usize, value: $crate::request::Stored) -> Self {
                Self(self.0.set(field, value))
            }
            #[allow(dead_code)]
            fn push(self, field: usize, value: $crate::request::Stored) -> Self {
                Self(self.0.push(field, value))
            }
            /// Time allowed for each attempt of this call, until the whole answer is read. Default:
            /// the client's [`timeout`](crate::ClientBuilder::timeout) (for a send that carries files,
            /// its [`upload_timeout`](crate::ClientBuilder::upload_timeout)).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.0.core.options.timeout = Some(timeout);
                self
            }
            /// Time allowed for the whole call, retries and the waits between them included.
            /// Default: the client's [`deadline`](crate::ClientBuilder::deadline).
            pub fn deadline(mut self, deadline: ::std::time::Duration) -> Self {
                self.0.core.options.deadline = Some(deadline);
                self
            }
            /// Retries after a failed first attempt, for the failures [`crate::retry`] allows (a send
            /// or a forward only when the attempt provably did not take effect). Default: the
            /// client's [`max_retries`](crate::ClientBuilder::max_retries); `0` disables retries.
            pub fn max_retries(mut self, max_retries: u32) -> Self {
                self.0.core.options.max_retries = Some(max_retries);
                self
            }
        }
        impl ::std::future::IntoFuture for $name {
            type Output = ::std::result::Result<$answer, $crate::Error>;
            type IntoFuture = $crate::Pending<$answer>;
            fn into_future(self) -> Self::IntoFuture {
                self.0.pending()
            }
        }
        impl ::std::convert::From<$name> for $crate::request::Request {
            fn from(request: $name) -> Self {
                request.0
            }
        }
    };
}
pub(crate) use request_type;

/// The answer of a list of the API's cursor convention: its items, and the cursor of the next
/// page (`None` on the last). Written by `codegen/requests.rs` for each such answer type.
pub(crate) trait Page: serde::de::DeserializeOwned + Send + 'static {
    /// What the page lists.
    type Item: Send + 'static;
    /// The cursor of the next page, `None` on the last one.
    fn cursor(&self) -> Option<&str>;
    /// The items, in order.
    fn into_items(self) -> Vec<Self::Item>;
}

/// The pages of a list request, for `crate::call::pagination`.
pub(crate) struct Pages<T> {
    request: Request,
    /// Where the request's cursor goes.
    cursor: usize,
    page: std::marker::PhantomData<fn() -> T>,
}

impl<T> Pages<T> {
    pub(crate) fn new(request: Request) -> Self {
        // A list of the cursor convention has a `cursor` query parameter (codegen checks it).
        let cursor = request.field_index("cursor").unwrap_or(usize::MAX);
        Pages {
            request,
            cursor,
            page: std::marker::PhantomData,
        }
    }
}

impl<T: Page> crate::call::pagination::Paginated for Pages<T> {
    type Page = T;
    type Item = T::Item;

    fn with_cursor(self, cursor: String) -> Self {
        Pages {
            request: self.request.set(self.cursor, Stored::Text(cursor)),
            ..self
        }
    }

    fn sent_cursor(&self) -> Option<&str> {
        self.request.text_at(self.cursor)
    }

    fn page_cursor(page: &T) -> Option<&str> {
        page.cursor()
    }

    fn page_items(page: T) -> Vec<T::Item> {
        page.into_items()
    }

    fn operation(&self) -> OperationId {
        self.request.operation()
    }

    fn send(&self) -> Pending<T> {
        self.request.pending()
    }
}
