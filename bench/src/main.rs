//! Benchmarks of the SDK against raw reqwest doing the same work in the same run.
//!
//! `postpress-bench upload [--size BYTES] [--runs N]`: send a message with one attachment of
//! `--size` bytes (default 1 GiB) to a local sink, SDK and raw reqwest (256 KiB reads) in
//! turn, each in its own child process so that peak RSS is measured per client.
//!
//! The child modes (`upload-client ...`) are internal.

mod sink;
mod upload;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("upload") => upload::run(&args[1..]),
        Some("upload-client") => upload::client(&args[1..]),
        _ => Err("usage: postpress-bench upload [--size BYTES] [--runs N]".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("postpress-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `--name value` from `args`, parsed.
pub(crate) fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{name} needs a valid value")),
    }
}

/// Peak resident set size of this process (VmHWM), in bytes.
pub(crate) fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}
