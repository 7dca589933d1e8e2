//! A loopback HTTP/1.1 sink: reads each request's body (Content-Length or chunked) and
//! discards it, then answers `201 MessageSent`. Runs in the parent, clients in children.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const ANSWER: &str = "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 54\r\nconnection: close\r\n\r\n{\"object\":\"MessageSent\",\"message_id\":\"msg_bench_0001\"}";

/// Starts the sink on an ephemeral port; returns its base URL.
pub(crate) async fn start() -> std::io::Result<String> {
    assert_eq!(ANSWER.split("\r\n\r\n").nth(1).map(str::len), Some(54));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = serve(socket).await;
            });
        }
    });
    Ok(url)
}

async fn serve(mut socket: TcpStream) -> std::io::Result<()> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut head = Vec::new();
    let body_start = loop {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let headers = String::from_utf8_lossy(&head[..body_start]).to_ascii_lowercase();
    let already = (head.len() - body_start) as u64;
    if let Some(len) = headers.lines().find_map(|l| l.strip_prefix("content-length:")) {
        let mut left = len.trim().parse::<u64>().unwrap_or(0).saturating_sub(already);
        while left > 0 {
            let n = socket.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            left = left.saturating_sub(n as u64);
        }
    } else {
        // Chunked: read until the terminating chunk. Good enough for a sink.
        let mut tail = head[body_start..].to_vec();
        while !tail.ends_with(b"0\r\n\r\n") {
            let n = socket.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            tail.extend_from_slice(&buf[..n]);
            let keep = tail.len().saturating_sub(8);
            tail.drain(..keep);
        }
    }
    socket.write_all(ANSWER.as_bytes()).await?;
    socket.shutdown().await
}
