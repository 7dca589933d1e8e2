//! Dropping a `send()` future mid-upload (a timeout of the caller's own, `tokio::select!`) stops the
//! upload: the connection is closed and the server sees an incomplete body, which the API cannot
//! take for a message.

use std::time::Duration;

use postpress::{Client, Upload};
use tokio::io::AsyncReadExt;

const BODY: usize = 64 << 20;

#[tokio::test]
async fn dropping_a_send_mid_upload_closes_its_connection() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let mut read = stream.read(&mut buf).await.unwrap();
        let _ = started_tx.send(());
        // Let the client fill the socket buffers and notice it was dropped.
        tokio::time::sleep(Duration::from_millis(200)).await;
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return read, // closed by the client
                Ok(n) => read += n,
            }
        }
    });
    let client = Client::builder()
        .api_key("pp_test_cancel")
        .base_url(url)
        .build()
        .unwrap();
    let send = client
        .send_message("chat_1")
        .attachment(Upload::bytes("big.bin", vec![7u8; BODY]))
        .send();
    tokio::select! {
        result = send => panic!("the send finished before it was dropped: {result:?}"),
        _ = started_rx => {} // the send future is dropped here, mid-upload
    }
    let read = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server saw the connection close soon after the drop")
        .unwrap();
    assert!(
        read < BODY,
        "the server read {read} bytes: the upload went on after the drop"
    );
}
