//! What the CLI writes: JSON on stdout, one-line errors and logs on stderr.
//!
//! A closed stdout or stderr (`postpress get ID | head -c 10`) is not worth a panic: every write
//! here ignores it, and the command exits as it would have, like other Unix tools.

use std::io::{IsTerminal, Write};

/// The body as JSON: pretty on a terminal, one line when piped.
pub fn print_json(body: &serde_json::Value) {
    let text = if std::io::stdout().is_terminal() {
        serde_json::to_string_pretty(body)
    } else {
        serde_json::to_string(body)
    };
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", text.unwrap_or_default());
}

/// The value as JSON on one line, whatever stdout is (one item of a stream).
pub fn print_line_json(value: &serde_json::Value) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", serde_json::to_string(value).unwrap_or_default()).and_then(|()| stdout.flush());
}

/// `bytes` on stdout, as they are.
pub fn write_stdout(bytes: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(bytes).and_then(|()| stdout.flush());
}

/// A downloaded file: saved to `path` (streamed, then renamed into place), or written to stdout
/// as it arrives.
pub async fn download(download: postpress::Download, path: Option<&str>) -> Result<(), postpress::Error> {
    use futures_util::StreamExt;
    if let Some(path) = path {
        let written = download.save_to(path).await?;
        let _ = writeln!(std::io::stderr().lock(), "wrote {written} bytes to {path}");
        return Ok(());
    }
    let mut stream = std::pin::pin!(download.into_stream());
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        let mut stdout = std::io::stdout().lock();
        if stdout.write_all(&chunk).is_err() {
            // A closed stdout (`| head -c 10`) ends the command as it would end `cat`.
            return Ok(());
        }
    }
    let _ = std::io::stdout().lock().flush();
    Ok(())
}

/// One line of text on stdout.
pub fn line(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// One line of text on stderr (what a long-running command says of itself).
pub fn note(text: &str) {
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let _ = writeln!(std::io::stderr().lock(), "{one_line}");
}

/// `error: <message>` on one line of stderr.
pub fn error_line(message: &str) {
    let one_line: String = message.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let _ = writeln!(std::io::stderr().lock(), "error: {one_line}");
}

/// `-v`: the SDK's request events; `-vv`: debug from the SDK and its HTTP stack; `-vvv`: trace.
/// The SDK never puts the key or a body in an event, at any level.
pub fn init_logging(verbose: u8) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let filter = match verbose {
        0 => return,
        1 => Targets::new().with_target("postpress", LevelFilter::INFO),
        2 => Targets::new()
            .with_target("postpress", LevelFilter::DEBUG)
            .with_default(LevelFilter::INFO),
        _ => Targets::new().with_default(LevelFilter::TRACE),
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false);
    tracing_subscriber::registry().with(layer).with(filter).init();
}
