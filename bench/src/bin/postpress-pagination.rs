//! The pagination row of `cargo xtask bench`: walking the pages of the spec's `list_chats`
//! through `.pages()` against raw reqwest following the same cursors into the same typed page,
//! in instructions per page (callgrind), each page's chats looped over; and through `.items()`,
//! reported beside it. A chat is 368 bytes: a stream hands each one out through its `poll_next`
//! (moved once or twice more than a loop over the page's `Vec` moves it, about 2,000 instructions
//! a page), which is the cost of the item stream, not of following pages.
//!
//! - `postpress-pagination measure [--smoke]`: the row (a child server, callgrind over two walk
//!   counts so that start-up cancels out); a missed target fails a full run.
//! - internal: `serve` (the page server), `walk pages|items|raw URL WALKS` (the client under
//!   callgrind).

use std::process::ExitCode;

use futures_util::StreamExt;
use postpress::types::ChatList;
use tokio::net::TcpListener;

// The bench's modules, one level up.
#[path = "../callgrind.rs"]
mod callgrind;
#[path = "../message_server.rs"]
#[allow(dead_code)] // Its connection loop and child server, not its message.
mod message_server;
#[path = "../table.rs"]
#[allow(dead_code)] // The row needs part of the table.
mod table;

/// Pages in one walk, and chats on each.
const PAGES: usize = 50;
const PER_PAGE: usize = 20;
const KEY: &str = "pp_bench";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("measure") => measure(args.iter().any(|a| a == "--smoke")),
        Some("serve") => serve(),
        Some("walk") => walk(&args[1..]),
        _ => Err("usage: postpress-pagination measure [--smoke]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("postpress-pagination: {message}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// Page `n` of the list: `PER_PAGE` chats, and the cursor of page `n + 1` (null on the last).
fn page(n: usize) -> String {
    let items: Vec<serde_json::Value> = (0..PER_PAGE)
        .map(|i| {
            let provider = ["LINKEDIN", "WHATSAPP", "TELEGRAM"][i % 3];
            serde_json::json!({
                "object": "Chat",
                "id": format!("chat_{n:02}_{i:02}_01HXYZ4QK3WJ8FN3M6QH7TZ8GR"),
                "account_id": "acc_01HXYZ4QK3WJ8FN3M6QH7TZ8GR",
                "account_type": provider,
                "provider_id": format!("provider_chat_{n}_{i}"),
                "name": format!("chat number {i} of page {n}"),
                "type": 0,
                "timestamp": "2026-05-01T09:30:00.000Z",
                "unread_count": i,
                "archived": 0,
                "muted_until": null,
                "read_only": 0,
            })
        })
        .collect();
    let cursor = (n + 1 < PAGES).then(|| format!("page_{:02}", n + 1));
    serde_json::json!({"object": "ChatList", "items": items, "cursor": cursor}).to_string()
}

/// The page server: a keep-alive HTTP/1.1 server answering `GET /chats[?cursor=page_NN]`.
fn serve() -> Result<(), String> {
    runtime()?.block_on(async {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| e.to_string())?;
        println!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
        let answers: &'static [Vec<u8>] = Vec::leak(
            (0..PAGES)
                .map(|n| {
                    let body = page(n);
                    format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .into_bytes()
                })
                .collect(),
        );
        loop {
            let (socket, _) = listener.accept().await.map_err(|e| e.to_string())?;
            tokio::spawn(async move {
                let page = |line: &str| {
                    let n = line
                        .split_once("cursor=page_")
                        .and_then(|(_, rest)| rest.get(..2)?.parse::<usize>().ok())
                        .unwrap_or(0);
                    answers[n.min(PAGES - 1)].as_slice()
                };
                let _ = message_server::keep_alive(socket, page).await;
            });
        }
    })
}

/// Under callgrind: `walk sdk|raw URL WALKS`, each walk every page of the list.
fn walk(args: &[String]) -> Result<(), String> {
    let [kind, url, walks] = args else {
        return Err("walk KIND URL WALKS".into());
    };
    let walks: usize = walks.parse().map_err(|_| "WALKS")?;
    runtime()?.block_on(async {
        match kind.as_str() {
            "pages" | "items" => {
                let client = postpress::Client::builder()
                    .api_key(KEY)
                    .base_url(url)
                    .build()
                    .map_err(|e| e.to_string())?;
                for _ in 0..walks {
                    let mut seen = 0;
                    if kind == "pages" {
                        let mut pages = std::pin::pin!(client.list_chats().pages());
                        while let Some(page) = pages.next().await {
                            for chat in page.map_err(|e| e.to_string())?.items {
                                std::hint::black_box(chat);
                                seen += 1;
                            }
                        }
                    } else {
                        let mut chats = std::pin::pin!(client.list_chats().items());
                        while let Some(chat) = chats.next().await {
                            std::hint::black_box(chat.map_err(|e| e.to_string())?);
                            seen += 1;
                        }
                    }
                    check(seen)?;
                }
            }
            "raw" => {
                let http = reqwest::Client::builder()
                    .connect_timeout(postpress::DEFAULT_CONNECT_TIMEOUT)
                    .timeout(postpress::DEFAULT_TIMEOUT)
                    .build()
                    .map_err(|e| e.to_string())?;
                for _ in 0..walks {
                    let mut cursor: Option<String> = None;
                    let mut seen = 0;
                    loop {
                        let url = match &cursor {
                            None => format!("{url}/chats"),
                            Some(cursor) => format!("{url}/chats?cursor={cursor}"),
                        };
                        let response = http
                            .get(url)
                            .header("x-api-key", KEY)
                            .header("accept", "application/json")
                            .send()
                            .await
                            .map_err(|e| e.to_string())?;
                        let body = response.bytes().await.map_err(|e| e.to_string())?;
                        let page: ChatList = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                        for chat in page.items {
                            std::hint::black_box(chat);
                            seen += 1;
                        }
                        match page.cursor {
                            Some(next) => cursor = Some(next),
                            None => break,
                        }
                    }
                    check(seen)?;
                }
            }
            other => return Err(format!("unknown client {other}")),
        }
        Ok(())
    })
}

fn check(seen: usize) -> Result<(), String> {
    if seen == PAGES * PER_PAGE {
        Ok(())
    } else {
        Err(format!("a walk saw {seen} chats, not {}", PAGES * PER_PAGE))
    }
}

/// The row: instructions per page of each client, (total of `long` walks − total of `short`
/// walks) / ((long − short) × pages).
fn measure(smoke: bool) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let server = message_server::Server::start("serve")?;
    let url = server.url.clone();
    let (short, long) = if smoke { (1, 3) } else { (4, 24) };
    let per_page = |kind: &str| -> Result<f64, String> {
        let run = |walks: usize| callgrind::total(&exe, &["walk", kind, &url, &walks.to_string()]);
        Ok((run(long)? - run(short)?) / ((long - short) * PAGES) as f64)
    };
    let (pages, items, raw) = (per_page("pages")?, per_page("items")?, per_page("raw")?);
    drop(server);
    let mut table = table::Table::default();
    table.lower_is_better(
        "5. pagination (.pages()), instructions per page",
        &[vec![pages], vec![raw]],
        Some(1.00),
    );
    table.lower_is_better("5. the same through .items()", &[vec![items], vec![raw]], None);
    if smoke {
        table.print();
        return Ok(());
    }
    table.finish()
}
