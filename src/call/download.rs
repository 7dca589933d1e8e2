//! [`Download`]: the answer of an operation that answers a file (no content, a `format: binary`
//! answer, or a media type that is not JSON). The call resolves when the answer's head is in and
//! judged (retried by the operation's rule like any call); the body is then the caller's to read,
//! whole or as a stream, or to save to a file, in constant memory.

use std::path::Path;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use std::sync::Arc;

use super::Config;
use super::response::{CallContext, Secret, broken_body};
use crate::error::Error;
use crate::operations::OperationId;

/// A file the API answered with. Owned (`Send + 'static`): it can be kept, moved into a task, and
/// read later; its body is read once, by one of [`bytes`](Self::bytes),
/// [`into_stream`](Self::into_stream) or [`save_to`](Self::save_to).
///
/// Reading the body is bounded by the attempt's timeout, which for a download is the client's
/// [`upload_timeout`](crate::ClientBuilder::upload_timeout) (a transfer of a file), unless the
/// call set its own with its request's `.timeout(..)`.
///
/// ```no_run
/// # async fn run(download: postpress::Download) -> Result<(), postpress::Error> {
/// println!("{:?}, {:?} bytes", download.content_type(), download.content_length());
/// let written = download.save_to("picture.jpg").await?;   // streamed to disk
/// # Ok(()) }
/// ```
pub struct Download {
    /// The client's settings: the key to scrub from an error of a body that breaks off.
    config: Arc<Config>,
    operation: OperationId,
    response: reqwest::Response,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("operation", &self.operation)
            .field("content_type", &self.content_type())
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

impl Download {
    pub(crate) fn new(config: Arc<Config>, operation: OperationId, response: reqwest::Response) -> Download {
        Download {
            config,
            operation,
            response,
        }
    }

    /// The answer's `Content-Type`, as sent (`None` when the server sent none, or one that is not
    /// text).
    pub fn content_type(&self) -> Option<&str> {
        self.response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// The body's length in bytes, when the server declared it.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// The operation that answered this file.
    pub fn operation(&self) -> OperationId {
        self.operation
    }

    /// The whole body, in memory.
    pub async fn bytes(self) -> Result<Bytes, Error> {
        let mut stream = std::pin::pin!(self.into_stream());
        let mut first: Option<Bytes> = None;
        let mut more = bytes::BytesMut::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            match &first {
                None => first = Some(chunk),
                Some(one) => {
                    if more.is_empty() {
                        more.extend_from_slice(one);
                    }
                    more.extend_from_slice(&chunk);
                }
            }
        }
        Ok(if more.is_empty() {
            first.unwrap_or_default()
        } else {
            more.freeze()
        })
    }

    /// The body as it arrives, chunk by chunk. A body that breaks off ends the stream with an
    /// [`Error::Transport`] (or [`Error::Timeout`]).
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, Error>> + Send + 'static {
        let Download {
            config,
            operation,
            response,
        } = self;
        futures_util::stream::unfold(Some(response), move |response| {
            let config = config.clone();
            async move {
                let mut response = response?;
                match response.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                    Ok(None) => None,
                    Err(e) => {
                        let ctx = CallContext::new(operation, Secret(&config.api_key_text));
                        Some((Err(broken_body(ctx, e)), None))
                    }
                }
            }
        })
    }

    /// Streams the body into the file at `path` and returns how many bytes it holds. The body is
    /// written to a file beside it first and renamed when complete, so `path` never holds part
    /// of a body: a failure leaves it as it was.
    pub async fn save_to(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        use tokio::io::AsyncWriteExt;
        let path = path.as_ref();
        let name = path
            .file_name()
            .ok_or_else(|| Error::invalid_input(format!("{} names no file", path.display())))?;
        let mut partial_name = name.to_os_string();
        partial_name.push(format!(".part-{:08x}", crate::random::random_u64() as u32));
        let partial = path.with_file_name(partial_name);
        let failed = |e: std::io::Error, what: &str| Error::invalid_input(format!("{what} {}: {e}", path.display()));
        let mut file = tokio::fs::File::create(&partial)
            .await
            .map_err(|e| failed(e, "cannot create a file beside"))?;
        let mut written = 0u64;
        let result: Result<(), Error> = async {
            let mut stream = std::pin::pin!(self.into_stream());
            while let Some(chunk) = stream.next().await {
                let chunk = chunk?;
                file.write_all(&chunk)
                    .await
                    .map_err(|e| failed(e, "cannot write beside"))?;
                written += chunk.len() as u64;
            }
            file.flush().await.map_err(|e| failed(e, "cannot write beside"))?;
            file.sync_all().await.map_err(|e| failed(e, "cannot write beside"))?;
            Ok(())
        }
        .await;
        drop(file);
        match result {
            Ok(()) => {
                tokio::fs::rename(&partial, path)
                    .await
                    .map_err(|e| failed(e, "cannot move the download to"))?;
                Ok(written)
            }
            Err(error) => {
                let _ = tokio::fs::remove_file(&partial).await;
                Err(error)
            }
        }
    }
}
