//! A fault-injecting HTTP/1.1 proxy on loopback, in front of the fake. It understands just enough
//! HTTP to find where a request and an answer end (the SDK and the fake always send
//! `Content-Length`), and for each request decides, from a seeded random sequence, whether to pass
//! it or break it: before forwarding, mid-request, after forwarding, or with an injected answer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// Pass it to the fake and relay the answer.
    None,
    /// Reset the connection as soon as it is accepted, before reading anything.
    ResetOnAccept,
    /// Read the request head, then reset: nothing is forwarded.
    ResetMidRequest,
    /// Read the whole request, then reset without forwarding it.
    ResetBeforeForward,
    /// Forward it, read the fake's answer, then reset without relaying it.
    ResetAfterForward,
    /// Forward it, then hold the answer past the client's timeout and close.
    StallAfterForward,
    /// Forward it, relay half the answer, and close.
    TruncateAnswer,
    /// Answer 429 `errors/too_many_requests` without forwarding.
    Inject429,
    /// Answer 503 `errors/no_client_session` without forwarding.
    Inject503,
    /// Answer 500 `errors/unexpected_error` without forwarding.
    Inject500,
}

impl Fault {
    /// The fault for draw `r` (uniform in 0..1000): about 16% of requests are broken.
    fn from_draw(r: u64) -> Fault {
        match r {
            0..10 => Fault::ResetOnAccept,
            10..30 => Fault::ResetMidRequest,
            30..50 => Fault::ResetBeforeForward,
            50..70 => Fault::ResetAfterForward,
            70..80 => Fault::StallAfterForward,
            80..100 => Fault::TruncateAnswer,
            100..120 => Fault::Inject429,
            120..140 => Fault::Inject503,
            140..160 => Fault::Inject500,
            _ => Fault::None,
        }
    }
}

/// splitmix64, seeded once and shared by every connection: each draw advances the one state by
/// the golden gamma and mixes it (reproducible, not cryptographic). Mixing `seed ^ counter`
/// instead would draw the same set of numbers for every small seed, in another order.
pub struct Draws(AtomicU64);

impl Draws {
    const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    pub fn new(seed: u64) -> Draws {
        Draws(AtomicU64::new(seed))
    }

    pub fn next(&self) -> u64 {
        let mut z = self
            .0
            .fetch_add(Self::GAMMA, Ordering::Relaxed)
            .wrapping_add(Self::GAMMA);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// What the proxy saw: faults by kind, and attempts by message text.
#[derive(Default)]
pub struct Seen {
    pub faults: Mutex<HashMap<Fault, u64>>,
    pub attempts_by_text: Mutex<HashMap<String, u32>>,
}

pub struct Proxy {
    pub url: String,
    pub seen: Arc<Seen>,
}

/// Starts the proxy in front of `upstream` (host:port); `stall` must exceed the client's timeout.
pub async fn start(upstream: String, seed: u64, stall: Duration) -> std::io::Result<Proxy> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let seen = Arc::new(Seen::default());
    let draws = Arc::new(Draws::new(seed));
    let shared = seen.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let (upstream, seen, draws) = (upstream.clone(), shared.clone(), draws.clone());
            let draw = move || Fault::from_draw(draws.next() % 1000);
            tokio::spawn(async move {
                let _ = serve(client, &upstream, &seen, draw, stall).await;
            });
        }
    });
    Ok(Proxy { url, seen })
}

/// Closes a connection with a reset (no FIN, no TIME_WAIT).
fn reset(stream: TcpStream) {
    #[allow(deprecated)] // tokio deprecates set_linger for its blocking close; a zero linger does not block
    let _ = stream.set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// One HTTP message read off a stream: its head and body.
struct Message {
    head: Vec<u8>,
    body: Vec<u8>,
}

impl Message {
    fn bytes(&self) -> Vec<u8> {
        [self.head.as_slice(), self.body.as_slice()].concat()
    }
}

/// Reads a message's head; `None` at a clean end of stream.
async fn read_head(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<Option<Vec<u8>>> {
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            return Ok(Some(buffer.drain(..end + 4).collect()));
        }
        let mut chunk = [0u8; 16 * 1024];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return if buffer.is_empty() {
                Ok(None)
            } else {
                Err(std::io::ErrorKind::UnexpectedEof.into())
            };
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

fn content_length(head: &[u8]) -> usize {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    text.lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

async fn read_body(stream: &mut TcpStream, buffer: &mut Vec<u8>, len: usize) -> std::io::Result<Vec<u8>> {
    while buffer.len() < len {
        let mut chunk = vec![0u8; (len - buffer.len()).min(256 * 1024)];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    Ok(buffer.drain(..len).collect())
}

async fn read_message(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<Option<Message>> {
    let Some(head) = read_head(stream, buffer).await? else {
        return Ok(None);
    };
    let body = read_body(stream, buffer, content_length(&head)).await?;
    Ok(Some(Message { head, body }))
}

/// The `text` field of a multipart send, or the forwarded message id of a forward, to count
/// attempts by what they carry.
fn label(request: &Message) -> Option<String> {
    let body = String::from_utf8_lossy(&request.body);
    if let Some(start) = body.find("name=\"text\"\r\n\r\n") {
        let rest = &body[start + 15..];
        return Some(rest[..rest.find("\r\n")?].to_string());
    }
    let head = String::from_utf8_lossy(&request.head);
    let path = head.split_whitespace().nth(1)?;
    path.strip_suffix("/forward")
        .map(|p| p.rsplit('/').next().unwrap_or("").to_string())
}

fn injected(status: &str, error_type: &str, code: u16) -> Vec<u8> {
    let body = format!(r#"{{"type": "{error_type}", "status": {code}, "title": "{status}"}}"#);
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves one client connection; the connection to the fake is reset when it ends, so neither
/// side piles up TIME_WAIT sockets over a long run.
async fn serve(
    client: TcpStream,
    upstream_addr: &str,
    seen: &Seen,
    draw: impl FnMut() -> Fault,
    stall: Duration,
) -> std::io::Result<()> {
    let mut upstream = None;
    let result = relay(client, &mut upstream, upstream_addr, seen, draw, stall).await;
    if let Some(up) = upstream {
        reset(up);
    }
    result
}

async fn relay(
    mut client: TcpStream,
    upstream: &mut Option<TcpStream>,
    upstream_addr: &str,
    seen: &Seen,
    mut draw: impl FnMut() -> Fault,
    stall: Duration,
) -> std::io::Result<()> {
    let mut from_client = Vec::new();
    let mut from_upstream = Vec::new();
    let count = |fault: Fault| *seen.faults.lock().unwrap().entry(fault).or_default() += 1;
    loop {
        let fault = draw();
        if fault == Fault::ResetOnAccept && from_client.is_empty() {
            count(fault);
            reset(client);
            return Ok(());
        }
        let Some(head) = read_head(&mut client, &mut from_client).await? else {
            return Ok(());
        };
        if fault == Fault::ResetMidRequest {
            count(fault);
            reset(client);
            return Ok(());
        }
        let body = read_body(&mut client, &mut from_client, content_length(&head)).await?;
        let request = Message { head, body };
        if let Some(text) = label(&request) {
            *seen.attempts_by_text.lock().unwrap().entry(text).or_default() += 1;
        }
        let fault = if fault == Fault::ResetOnAccept {
            Fault::None
        } else {
            fault
        };
        count(fault);
        match fault {
            Fault::ResetBeforeForward => {
                reset(client);
                return Ok(());
            }
            Fault::Inject429 => {
                client
                    .write_all(&injected("429 Too Many Requests", "errors/too_many_requests", 429))
                    .await?
            }
            Fault::Inject503 => {
                client
                    .write_all(&injected("503 Service Unavailable", "errors/no_client_session", 503))
                    .await?
            }
            Fault::Inject500 => {
                client
                    .write_all(&injected("500 Internal Server Error", "errors/unexpected_error", 500))
                    .await?
            }
            _ => {
                if upstream.is_none() {
                    *upstream = Some(TcpStream::connect(upstream_addr).await?);
                    from_upstream.clear();
                }
                let Some(up) = upstream.as_mut() else { return Ok(()) };
                up.write_all(&request.bytes()).await?;
                let Some(answer) = read_message(up, &mut from_upstream).await? else {
                    return Ok(());
                };
                match fault {
                    Fault::ResetAfterForward => {
                        reset(client);
                        return Ok(());
                    }
                    Fault::StallAfterForward => {
                        tokio::time::sleep(stall).await;
                        reset(client);
                        return Ok(());
                    }
                    Fault::TruncateAnswer => {
                        let bytes = answer.bytes();
                        client
                            .write_all(&bytes[..answer.head.len() + answer.body.len() / 2])
                            .await?;
                        client.flush().await?;
                        reset(client);
                        return Ok(());
                    }
                    _ => client.write_all(&answer.bytes()).await?,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(seed: u64) -> Vec<(Fault, u64)> {
        let draws = Draws::new(seed);
        let mut counts = HashMap::new();
        for _ in 0..20_000 {
            *counts.entry(Fault::from_draw(draws.next() % 1000)).or_insert(0) += 1;
        }
        let mut counts: Vec<_> = counts.into_iter().collect();
        counts.sort();
        counts
    }

    #[test]
    fn two_seeds_give_different_fault_counts_and_one_seed_the_same() {
        assert_ne!(counts(9), counts(42));
        assert_eq!(counts(9), counts(9));
    }
}
