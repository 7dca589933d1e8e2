//! [`Upload`]: a file to attach to a message, from a path, bytes, a reader or a stream.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Mutex;

use bytes::Bytes;
use futures_util::Stream;
use tokio::io::AsyncRead;

use crate::error::Error;

/// Bytes read from a file per chunk (what a multipart body sends at a time).
pub(crate) const CHUNK_SIZE: usize = 256 * 1024;

/// A boxed stream of body chunks.
pub(crate) type ByteStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

/// A file to send with a message.
///
/// Every part goes out with a file name and a `Content-Type`: the name defaults to the path's file
/// name, and the type is guessed from the name (`application/octet-stream` when nothing better is
/// known); both can be overridden.
///
/// ```
/// use postpress::Upload;
///
/// let report = Upload::path("report.pdf");                            // streamed from disk
/// let photo = Upload::bytes("photo.jpg", vec![0xFF, 0xD8, 0xFF]);    // in memory
/// let note = Upload::path("recording.bin").file_name("note.ogg").content_type("audio/ogg");
/// ```
///
/// Paths and bytes can be sent again: a retried send re-opens the file. A reader or a stream can
/// be read only once, so a send that holds one is never retried.
#[must_use]
pub struct Upload {
    pub(crate) source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
}

pub(crate) enum Source {
    Path(PathBuf),
    /// Opened by the caller; every attempt reads it from its start.
    File(std::sync::Arc<std::fs::File>),
    Bytes(Bytes),
    /// Taken by the first attempt.
    Stream(Mutex<Option<ByteStream>>, Option<u64>),
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            Source::Path(path) => format!("path {}", path.display()),
            Source::File(_) => "open file".to_string(),
            Source::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Source::Stream(_, Some(len)) => format!("stream of {len} bytes"),
            Source::Stream(_, None) => "stream".to_string(),
        };
        f.debug_struct("Upload")
            .field("source", &source)
            .field("file_name", &self.resolved_file_name())
            .field("content_type", &self.resolved_content_type())
            .finish()
    }
}

impl Upload {
    /// The file at `path`, streamed from disk (never read whole into memory). It is opened when
    /// the message is sent; a missing or unreadable file is an error naming the path, before any
    /// byte is sent.
    pub fn path(path: impl AsRef<Path>) -> Upload {
        Upload {
            source: Source::Path(path.as_ref().to_path_buf()),
            file_name: None,
            content_type: None,
        }
    }

    /// A file the caller has opened, sent as a file named `file_name`. What is sent is this
    /// file, whatever its path names by the time it is read (a tool that checks where a path leads
    /// opens it once, and sends what it checked); every attempt reads it from its start.
    pub fn file(file_name: impl Into<String>, file: std::fs::File) -> Upload {
        Upload {
            source: Source::File(std::sync::Arc::new(file)),
            file_name: Some(file_name.into()),
            content_type: None,
        }
    }

    /// `data` in memory, sent as a file named `file_name`.
    pub fn bytes(file_name: impl Into<String>, data: impl Into<Bytes>) -> Upload {
        Upload {
            source: Source::Bytes(data.into()),
            file_name: Some(file_name.into()),
            content_type: None,
        }
    }

    /// Everything `reader` yields, sent as a file named `file_name`. Give `len` when known: with
    /// every length known the request has a `Content-Length` and progress has a total.
    pub fn reader(file_name: impl Into<String>, reader: impl AsyncRead + Send + 'static, len: Option<u64>) -> Upload {
        let stream = tokio_util::io::ReaderStream::with_capacity(reader, CHUNK_SIZE);
        Upload::from_stream(file_name, Box::pin(stream), len)
    }

    /// Every chunk `stream` yields, sent as a file named `file_name`. An error from the stream
    /// aborts the send with a transport error.
    pub fn stream<S>(file_name: impl Into<String>, stream: S, len: Option<u64>) -> Upload
    where
        S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    {
        Upload::from_stream(file_name, Box::pin(stream), len)
    }

    fn from_stream(file_name: impl Into<String>, stream: ByteStream, len: Option<u64>) -> Upload {
        Upload {
            source: Source::Stream(Mutex::new(Some(stream)), len),
            file_name: Some(file_name.into()),
            content_type: None,
        }
    }

    /// Overrides the file name sent with the part.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Upload {
        self.file_name = Some(file_name.into());
        self
    }

    /// Overrides the guessed `Content-Type`, e.g. `audio/ogg`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Upload {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name the part is sent with: the override, or the path's file name.
    fn resolved_file_name(&self) -> String {
        match (&self.file_name, &self.source) {
            (Some(name), _) => name.clone(),
            (None, Source::Path(path)) => path
                .file_name()
                .map_or_else(|| "file".to_string(), |n| n.to_string_lossy().into_owned()),
            (None, _) => "file".to_string(),
        }
    }

    /// The `Content-Type` the part is sent with: the override, or a guess from the file name.
    fn resolved_content_type(&self) -> String {
        match &self.content_type {
            Some(content_type) => content_type.clone(),
            None => mime_guess::from_path(self.resolved_file_name())
                .first_raw()
                .unwrap_or("application/octet-stream")
                .to_string(),
        }
    }

    /// Whether a retry can send this again.
    pub(crate) fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Stream(..))
    }

    /// Opens the source for one attempt: its name, content type, length when known, and data.
    pub(crate) async fn open(&self, field: &str) -> Result<OpenedUpload, Error> {
        let (data, len): (ByteStream, Option<u64>) = match &self.source {
            Source::Path(path) => {
                let unreadable =
                    |e: std::io::Error| Error::invalid_input(format!("{field}: cannot read {}: {e}", path.display()));
                let file = tokio::fs::File::open(path).await.map_err(unreadable)?;
                let metadata = file.metadata().await.map_err(unreadable)?;
                if !metadata.is_file() {
                    return Err(Error::invalid_input(format!(
                        "{field}: {} is not a file",
                        path.display()
                    )));
                }
                let stream = tokio_util::io::ReaderStream::with_capacity(file, CHUNK_SIZE);
                (Box::pin(stream), Some(metadata.len()))
            }
            Source::File(file) => {
                use std::io::Seek;
                let unreadable = |e: std::io::Error| {
                    Error::invalid_input(format!("{field}: cannot read {}: {e}", self.resolved_file_name()))
                };
                // A second handle on the same open file (the path is not looked up again); fstat
                // and lseek do not block, so they are made here rather than on a blocking thread.
                let mut handle = file.try_clone().map_err(unreadable)?;
                let metadata = handle.metadata().map_err(unreadable)?;
                if !metadata.is_file() {
                    return Err(Error::invalid_input(format!(
                        "{field}: {} is not a file",
                        self.resolved_file_name()
                    )));
                }
                handle.seek(std::io::SeekFrom::Start(0)).map_err(unreadable)?;
                let file = tokio::fs::File::from_std(handle);
                let stream = tokio_util::io::ReaderStream::with_capacity(file, CHUNK_SIZE);
                (Box::pin(stream), Some(metadata.len()))
            }
            Source::Bytes(bytes) => {
                // In chunks (no copy), like a file: a cancelled send stops within one chunk.
                let len = bytes.len() as u64;
                let bytes = bytes.clone();
                let chunks = (0..bytes.len())
                    .step_by(CHUNK_SIZE)
                    .map(move |start| Ok(bytes.slice(start..(start + CHUNK_SIZE).min(bytes.len()))));
                (Box::pin(futures_util::stream::iter(chunks)), Some(len))
            }
            Source::Stream(stream, len) => {
                let taken = stream.lock().ok().and_then(|mut s| s.take());
                let stream = taken.ok_or_else(|| {
                    Error::invalid_input(format!(
                        "{field}: {} was already read by an earlier send",
                        self.resolved_file_name()
                    ))
                })?;
                (stream, *len)
            }
        };
        Ok(OpenedUpload {
            file_name: self.resolved_file_name(),
            content_type: self.resolved_content_type(),
            len,
            data,
        })
    }
}

/// A source opened for one attempt.
pub(crate) struct OpenedUpload {
    pub file_name: String,
    pub content_type: String,
    pub len: Option<u64>,
    pub data: ByteStream,
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    async fn read_all(upload: &Upload) -> Vec<u8> {
        let mut opened = upload.open("file").await.unwrap();
        let mut out = Vec::new();
        while let Some(chunk) = opened.data.next().await {
            out.extend_from_slice(&chunk.unwrap());
        }
        out
    }

    /// Every attempt reads an opened file from its start, whatever the one before read, and the
    /// path is not looked up again.
    #[tokio::test]
    async fn an_opened_file_is_read_whole_by_every_attempt() {
        let path = std::env::temp_dir().join(format!("postpress-upload-file-{}", std::process::id()));
        std::fs::write(&path, vec![5u8; 3 * CHUNK_SIZE + 7]).unwrap();
        let upload = Upload::file("data.bin", std::fs::File::open(&path).unwrap());
        std::fs::remove_file(&path).unwrap();
        assert!(upload.is_replayable());
        let first = read_all(&upload).await;
        let second = read_all(&upload).await;
        assert_eq!(first.len(), 3 * CHUNK_SIZE + 7);
        assert_eq!(first, second);
        // A half-read attempt (a cancelled send) does not shift the next one.
        let mut partial = upload.open("file").await.unwrap();
        let _ = partial.data.next().await;
        drop(partial);
        assert_eq!(read_all(&upload).await, first);
    }
}
