//! Benchmarks of the SDK against raw reqwest doing the same work in the same run. Run them with
//! `cargo xtask bench` (or `--smoke` for small sizes); the commands below are its parts.
//!
//! - `postpress-bench all [--smoke]`: rows 1-3 of the table (retrieve, upload, decode).
//! - `postpress-bench upload [--size BYTES] [--runs N]`: the upload row alone.
//! - `postpress-bench retrieve`: the wall-clock retrieve rows alone (full size).
//! - `postpress-bench decode`: the decode row alone (full size).
//! - `postpress-bench instructions`: the instructions-per-call row alone (needs valgrind).
//! - `postpress-allocs URL CALLS` (its own binary): allocations per retrieve, for the table.
//! - internal: `serve-message`, `retrieve-client`, `upload-client` (child processes).

mod callgrind;
mod decode;
mod message_server;
mod retrieve;
mod sink;
mod table;
mod upload;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or_default();
    let result = match args.first().map(String::as_str) {
        Some("all") => all(rest.iter().any(|a| a == "--smoke")),
        Some("upload") => upload::run(rest),
        Some("retrieve") => retrieve_only(),
        Some("decode") => decode_only(),
        Some("instructions") => instructions_only(),
        Some("upload-client") => upload::client(rest),
        Some("retrieve-client") => retrieve::client(rest),
        Some("serve-message") => serve_message(),
        Some("wall-control") => wall_control(rest),
        _ => Err(
            "usage: postpress-bench all [--smoke] | upload [--size BYTES] [--runs N] | retrieve | decode".to_string(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("postpress-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn retrieve_only() -> Result<(), String> {
    let server = message_server::Server::start("serve-message")?;
    let wall = retrieve::wall(&server.url, 3_000, 5)?;
    let mut table = table::Table::default();
    table.lower_is_better("1. retrieve p50 latency (µs)", &wall.p50, None);
    table.lower_is_better("1. retrieve p99 latency (µs)", &wall.p99, None);
    table.higher_is_better("1. retrieve, 64 in flight (calls/s)", &wall.throughput, None);
    table.print();
    Ok(())
}

fn instructions_only() -> Result<(), String> {
    let server = message_server::Server::start("serve-message")?;
    let mut table = table::Table::default();
    instructions_row(&mut table, &server.url, 200, 1_200)?;
    table.finish()
}

/// Row 1's instruction count: callgrind over two call counts, so start-up cancels out.
fn instructions_row(table: &mut table::Table, url: &str, short: usize, long: usize) -> Result<(), String> {
    let sdk = retrieve::instructions_per_call(url, "sdk", short, long)?;
    let raw = retrieve::instructions_per_call(url, "raw", short, long)?;
    table.lower_is_better(
        "1. retrieve, instructions per call",
        &[vec![sdk], vec![raw]],
        Some(1.00),
    );
    Ok(())
}

/// Row 1's allocations per call, counted by `postpress-allocs` (a binary of its own, so no other
/// row runs with a counting allocator). Reported, no target yet.
fn allocations_rows(table: &mut table::Table, url: &str, calls: usize) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = std::process::Command::new(exe.with_file_name("postpress-allocs"));
    let text = child_stdout(command.args([url, &calls.to_string()]), "postpress-allocs")?;
    let figures = |kind: &str| -> Result<(f64, f64), String> {
        let line = text
            .lines()
            .find(|l| l.starts_with(kind))
            .ok_or(format!("postpress-allocs printed no {kind} line"))?;
        let mut numbers = line.split_whitespace().skip(1).map(str::parse::<f64>);
        match (numbers.next(), numbers.next()) {
            (Some(Ok(count)), Some(Ok(bytes))) => Ok((count, bytes)),
            _ => Err(format!("postpress-allocs: unreadable line {line:?}")),
        }
    };
    let (sdk, raw) = (figures("sdk")?, figures("raw")?);
    table.lower_is_better("1. retrieve, allocations per call", &[vec![sdk.0], vec![raw.0]], None);
    table.lower_is_better(
        "1. retrieve, bytes allocated per call",
        &[vec![sdk.1], vec![raw.1]],
        None,
    );
    Ok(())
}

/// What a child measurement printed, or why it failed.
fn child_stdout(command: &mut std::process::Command, what: &str) -> Result<String, String> {
    let output = command.output().map_err(|e| format!("{what}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{what} failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Per-round figures of the two columns.
type Columns = [Vec<f64>; 2];

/// The wall-clock rounds with raw reqwest in both columns, in a child (`wall-control`): the
/// bench's code that the instruction row measures stays as it is (the raw column's count moved by
/// 1.5% when `retrieve.rs` was changed for this, code layout alone). Throughputs, then p50s.
fn control(url: &str, calls: usize, rounds: usize) -> Result<(Columns, Columns), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = std::process::Command::new(exe);
    command
        .args(["wall-control", url, &calls.to_string(), &rounds.to_string()])
        .env("POSTPRESS_BENCH_FIRST", "raw");
    let text = child_stdout(&mut command, "wall-control")?;
    let lines: Vec<Vec<f64>> = text
        .lines()
        .map(|line| line.split_whitespace().filter_map(|v| v.parse().ok()).collect())
        .collect();
    match lines.as_slice() {
        [a, b, c, d] => Ok(([a.clone(), b.clone()], [c.clone(), d.clone()])),
        _ => Err("wall-control printed something else than four lines".into()),
    }
}

/// Child: `wall-control URL CALLS ROUNDS`, the wall rounds (raw in both columns when the parent
/// set `POSTPRESS_BENCH_FIRST=raw`), printed as throughputs and p50s, one column a line.
fn wall_control(args: &[String]) -> Result<(), String> {
    let [url, calls, rounds] = args else {
        return Err("wall-control URL CALLS ROUNDS".into());
    };
    let number = |text: &String| text.parse::<usize>().map_err(|e| e.to_string());
    let wall = retrieve::wall(url, number(calls)?, number(rounds)?)?;
    let line = |values: &[f64]| values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" ");
    for values in [&wall.throughput[0], &wall.throughput[1], &wall.p50[0], &wall.p50[1]] {
        println!("{}", line(values));
    }
    Ok(())
}

fn decode_only() -> Result<(), String> {
    let mut table = table::Table::default();
    decode_row(&mut table, 20_000, 5)?;
    table.finish()
}

/// Row 3: decoding a realistic message into the typed `Message` against `serde_json::Value`.
fn decode_row(table: &mut table::Table, iterations: usize, rounds: usize) -> Result<(), String> {
    let json = message_server::realistic_message();
    let (typed, untyped) = decode::measure(&json, iterations, rounds)?;
    table.higher_is_better(
        &format!("3. decode {} B Message (MB/s) vs Value", json.len()),
        &[vec![typed], vec![untyped]],
        Some(1.0),
    );
    Ok(())
}

fn serve_message() -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(message_server::serve(0)).map_err(|e| e.to_string())
}

/// Sizes of a full run and of the smoke run CI does.
struct Sizes {
    sequential_calls: usize,
    rounds: usize,
    callgrind: Option<(usize, usize)>,
    upload_bytes: u64,
    upload_runs: u32,
    decode_iterations: usize,
}

fn all(smoke: bool) -> Result<(), String> {
    let sizes = if smoke {
        Sizes {
            sequential_calls: 200,
            rounds: 2,
            callgrind: Some((20, 60)),
            upload_bytes: 16 << 20,
            upload_runs: 1,
            decode_iterations: 2_000,
        }
    } else {
        Sizes {
            sequential_calls: 3_000,
            rounds: 5,
            callgrind: Some((200, 1_200)),
            upload_bytes: 1 << 30,
            upload_runs: 3,
            decode_iterations: 20_000,
        }
    };
    let valgrind = std::process::Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let mut table = table::Table::default();

    let server = message_server::Server::start("serve-message")?;
    let wall = retrieve::wall(&server.url, sizes.sequential_calls, sizes.rounds)?;
    table.lower_is_better("1. retrieve p50 latency (µs)", &wall.p50, None);
    table.lower_is_better("1. retrieve p99 latency (µs)", &wall.p99, None);
    table.higher_is_better("1. retrieve, 64 in flight (calls/s)", &wall.throughput, None);
    // The control: raw against raw, the same rounds, so a reader sees whether a difference in
    // the wall-clock rows above is real or the machine's.
    let (throughput, p50) = control(&server.url, sizes.sequential_calls, sizes.rounds)?;
    table.higher_is_better("1. 64 in flight, control: raw vs raw (calls/s)", &throughput, None);
    table.lower_is_better("1. p50 latency, control: raw vs raw (µs)", &p50, None);
    match sizes.callgrind.filter(|_| valgrind) {
        Some((short, long)) => instructions_row(&mut table, &server.url, short, long)?,
        None => table.unmeasured("1. retrieve, instructions per call", "valgrind is not installed"),
    }
    allocations_rows(&mut table, &server.url, if smoke { 50 } else { 1_000 })?;
    drop(server);

    let [(_, sdk), (_, raw)] = upload::measure(sizes.upload_bytes, sizes.upload_runs)?;
    let mb = sizes.upload_bytes as f64 / 1e6;
    let label = format!("2. send {} MiB attachment (MB/s)", sizes.upload_bytes >> 20);
    table.higher_is_better(&label, &[vec![mb / sdk.seconds], vec![mb / raw.seconds]], Some(0.90));
    table.absolute(
        "2. send, SDK peak RSS (MiB)",
        sdk.peak_rss as f64 / 1048576.0,
        raw.peak_rss as f64 / 1048576.0,
        24.0,
    );

    decode_row(&mut table, sizes.decode_iterations, if smoke { 2 } else { 5 })?;

    if smoke {
        // Too small for the figures to mean anything: the smoke run proves the bench runs.
        table.note("(smoke run: sizes too small for the figures to mean anything; it only proves the bench runs)");
        table.print();
        return Ok(());
    }
    table.finish()
}
