//! A keep-alive HTTP/1.1 server answering every request with the same realistic `Message`,
//! run in its own process (`postpress-bench serve-message`) so a client's measurements, and
//! its instruction counts under callgrind, hold nothing of the server.

use std::process::{Child, Command, Stdio};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The `full` example of `get_message` in the spec: every attachment variant, a quote, reactions.
pub(crate) fn realistic_message() -> String {
    let spec: serde_json::Value = serde_saphyr::from_str_with_options(
        include_str!("../../openapi.yaml"),
        serde_saphyr::options! { strict_booleans: true },
    )
    .unwrap_or_default();
    let example = spec
        .pointer("/paths/~1messages~1{message_id}/get/responses/200/content/application~1json/examples/full/value")
        .cloned()
        .unwrap_or_default();
    assert!(example.is_object(), "the spec has the full Message example");
    serde_json::to_string(&example).unwrap_or_default()
}

pub(crate) async fn serve(port: u16) -> std::io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("http://{}", listener.local_addr()?);
    let body = realistic_message();
    let response: &'static [u8] = Box::leak(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
        .into_boxed_slice(),
    );
    loop {
        let (socket, _) = listener.accept().await?;
        tokio::spawn(async move {
            let _ = keep_alive(socket, |_| response).await;
        });
    }
}

/// Answers every request of a keep-alive connection with `answer(its request line)`.
pub(crate) async fn keep_alive(mut socket: TcpStream, answer: impl Fn(&str) -> &'static [u8]) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0;
    loop {
        let n = socket.read(&mut buf[filled..]).await?;
        if n == 0 {
            return Ok(());
        }
        filled += n;
        // Answer every complete request head (GETs carry no body).
        while let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]);
            let line = head.lines().next().unwrap_or_default();
            socket.write_all(answer(line)).await?;
            buf.copy_within(end + 4..filled, 0);
            filled -= end + 4;
        }
        if filled == buf.len() {
            return Ok(());
        }
    }
}

/// A server of this binary (`serve_command`: `serve-message`, or the pagination row's `serve`) in
/// its own process, at the URL it printed; killed on drop.
pub(crate) struct Server {
    child: Child,
    pub url: String,
}

impl Server {
    pub(crate) fn start(serve_command: &str) -> Result<Server, String> {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .arg(serve_command)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let mut line = String::new();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).map_err(|e| e.to_string())?;
        Ok(Server {
            child,
            url: line.trim().to_string(),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
