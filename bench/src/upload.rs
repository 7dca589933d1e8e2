//! Upload throughput and peak memory: the SDK's send-message with one attachment against raw
//! reqwest streaming the same file with 256 KiB reads, each in its own child process.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// `--name value` from `args`, parsed.
fn flag<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{name} needs a valid value")),
    }
}

/// Peak resident set size of this process (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

const GIB: u64 = 1024 * 1024 * 1024;
const READ_SIZE: usize = 256 * 1024;

/// One child's measurement.
pub(crate) struct Measured {
    pub seconds: f64,
    pub peak_rss: u64,
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let size: u64 = flag(args, "--size", GIB)?;
    let runs: u32 = flag(args, "--runs", 3)?;
    let rows = measure(size, runs)?;
    print_table(size, &rows);
    Ok(())
}

/// Runs the SDK and the raw baseline `runs` times each, alternating; returns the best run of each.
pub(crate) fn measure(size: u64, runs: u32) -> Result<[(String, Measured); 2], String> {
    let file = make_file(size)?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let url = runtime
        .block_on(crate::sink::start())
        .map_err(|e| format!("sink: {e}"))?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut best: [Option<Measured>; 2] = [None, None];
    for _ in 0..runs.max(1) {
        for (i, mode) in ["sdk", "raw"].iter().enumerate() {
            let output = Command::new(&exe)
                .args(["upload-client", mode, &url, &file.display().to_string()])
                .output()
                .map_err(|e| format!("child: {e}"))?;
            if !output.status.success() {
                return Err(format!(
                    "{mode} child failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            let text = String::from_utf8_lossy(&output.stdout);
            let mut fields = text.split_whitespace().map(|v| v.parse::<f64>().unwrap_or(f64::NAN));
            let measured = Measured {
                seconds: fields.next().unwrap_or(f64::NAN),
                peak_rss: fields.next().unwrap_or(f64::NAN) as u64,
            };
            if best[i].as_ref().is_none_or(|b| measured.seconds < b.seconds) {
                best[i] = Some(measured);
            }
        }
    }
    let _ = std::fs::remove_file(&file);
    let [Some(sdk), Some(raw)] = best else {
        return Err("no measurement".into());
    };
    Ok([
        ("SDK send_message".to_string(), sdk),
        ("raw reqwest, 256 KiB reads".to_string(), raw),
    ])
}

pub(crate) fn print_table(size: u64, rows: &[(String, Measured); 2]) {
    let mb = size as f64 / 1e6;
    println!(
        "upload of {:.0} MiB over loopback (best of runs, each client in its own process)",
        size as f64 / 1048576.0
    );
    println!(
        "{:<28} {:>10} {:>12} {:>14}",
        "client", "seconds", "MB/s", "peak RSS MiB"
    );
    for (name, m) in rows {
        println!(
            "{name:<28} {:>10.3} {:>12.0} {:>14.1}",
            m.seconds,
            mb / m.seconds,
            m.peak_rss as f64 / 1048576.0
        );
    }
    let ratio = rows[1].1.seconds / rows[0].1.seconds;
    println!("SDK throughput / raw throughput: {ratio:.2}x (target >= 0.90x); SDK peak RSS target <= 24 MiB");
}

fn make_file(size: u64) -> Result<PathBuf, String> {
    use std::io::Write;
    let path = std::env::temp_dir().join(format!("postpress-bench-upload-{}.bin", std::process::id()));
    let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path).map_err(|e| e.to_string())?);
    let block: Vec<u8> = (0..1 << 20)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        file.write_all(&block[..n]).map_err(|e| e.to_string())?;
        left -= n as u64;
    }
    file.flush().map_err(|e| e.to_string())?;
    Ok(path)
}

/// Child: `upload-client sdk|raw URL FILE`; prints `seconds peak_rss_bytes`.
pub(crate) fn client(args: &[String]) -> Result<(), String> {
    let [mode, url, file] = args else {
        return Err("upload-client MODE URL FILE".into());
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let seconds = runtime.block_on(async {
        let started = Instant::now();
        match mode.as_str() {
            "sdk" => {
                let client = postpress::Client::builder()
                    .api_key("pp_bench")
                    .base_url(url.as_str())
                    .build()
                    .map_err(|e| e.to_string())?;
                let sent = client
                    .send_message("chat_bench")
                    .attachment(postpress::Upload::path(file))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                assert_eq!(sent.message_id, "msg_bench_0001");
            }
            "raw" => {
                let http = reqwest::Client::builder().build().map_err(|e| e.to_string())?;
                let handle = tokio::fs::File::open(file).await.map_err(|e| e.to_string())?;
                let len = handle.metadata().await.map_err(|e| e.to_string())?.len();
                let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(handle, READ_SIZE));
                let response = http
                    .post(format!("{url}/chats/chat_bench/messages"))
                    .header("x-api-key", "pp_bench")
                    .header("content-length", len)
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let sent: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
                assert_eq!(sent["message_id"], "msg_bench_0001");
            }
            other => return Err(format!("unknown mode {other}")),
        }
        Ok::<f64, String>(started.elapsed().as_secs_f64())
    })?;
    println!("{seconds} {}", peak_rss());
    Ok(())
}
