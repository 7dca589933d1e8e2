//! Attempts that reached the network, counted from the SDK's own per-attempt events: a refused
//! connection is retried even for forward (nothing can have been sent), a reset after the request
//! was written is not. Alone in its test binary: tracing caches per-callsite interest process-wide,
//! so a capturing subscriber must not race tests that run without one.

mod common;

use std::sync::Arc;

use postpress::{Client, Error};

/// Runs `call` with a subscriber and returns the attempts it logged as failed.
async fn failed_attempts<F: Future<Output = Error>>(call: F) -> (Error, usize) {
    let capture = common::capture_traces();
    let error = call.await;
    let logs = capture.text();
    (error, logs.matches("postpress attempt failed").count())
}

fn client(base_url: String, max_retries: u32) -> Client {
    Client::builder()
        .api_key("pp_test_attempts")
        .base_url(base_url)
        .max_retries(max_retries)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn a_refused_connection_is_retried_even_for_forward() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = client(format!("http://127.0.0.1:{port}"), 2);
    let (error, attempts) =
        failed_attempts(async { client.forward_message("msg_1", "chat_2").await.unwrap_err() }).await;
    assert!(matches!(&error, Error::Transport(t) if t.connect), "{error:?}");
    assert_eq!(
        attempts, 3,
        "the first attempt and both retries reached for the network"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_reset_after_the_request_was_written_is_not_retried_for_forward() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            // Read the request, then close without answering.
            let mut buf = [0u8; 4096];
            let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut buf).await;
            drop(stream);
        }
    });
    let client = client(url, 2);
    let (error, attempts) =
        failed_attempts(async { client.forward_message("msg_1", "chat_2").await.unwrap_err() }).await;
    assert!(!error.is_retryable(), "{error:?}");
    assert_eq!(attempts, 1);
    assert_eq!(
        accepted.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one connection reached the server"
    );
}
