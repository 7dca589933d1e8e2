//! What the CLI's end-to-end tests share: the built binary, run against a fake.

pub mod mcp;

use std::process::{Command, Output};

use postpress::fake::FakeServer;

/// The `postpress` binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_postpress");

/// Runs the CLI with the fake's URL and key (through the environment, as scripts do).
pub async fn postpress(fake: &FakeServer, args: &[&str]) -> Output {
    let (url, key) = (fake.base_url(), fake.api_key().to_string());
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(&args)
            .env("POSTPRESS_BASE_URL", url)
            .env("POSTPRESS_API_KEY", key)
            .output()
            .expect("run postpress")
    })
    .await
    .unwrap()
}
