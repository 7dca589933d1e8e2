//! `postpress-soak` (run by `cargo xtask soak`): the chaos soak. Many sends and forwards through
//! the public `Client`, via a fault-injecting proxy, to the in-process fake; then every result is
//! reconciled against the fake's state. A message reported sent exists exactly once with its id,
//! one reported not applied does not exist, one of unknown outcome exists at most once, and none
//! ever exists twice. The live heap (counted by this binary's allocator) must not grow.
//!
//! Then the list phase: a chat of `--list N` messages walked with `.items()` through the same
//! proxy, every page request open to every fault; every message must come exactly once, newest
//! first, also while new messages arrive during the walk; a walk may end in an error only when a
//! page's retries are spent, and the soak names that page.
//!
//! `postpress-soak [--sends N] [--concurrency C] [--seed S] [--list N]`

mod heap;
mod proxy;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use postpress::fake::{FakeServer, Provider};
use postpress::{Client, Outcome, Upload};
use tokio::task::JoinSet;

use proxy::Fault;

/// The soak's settings, from `--sends N --concurrency C --seed S`.
struct Settings {
    sends: usize,
    concurrency: usize,
    seed: u64,
    /// Messages in the chat the list phase walks.
    list: usize,
}

/// The per-attempt timeout: short, so stalls cost little; the proxy stalls past it.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(500);
const STALL: Duration = Duration::from_millis(1200);

fn parse(args: &[String]) -> Result<Settings, String> {
    let mut settings = Settings {
        sends: 100_000,
        concurrency: 32,
        seed: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
        list: 3_000,
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--sends" => settings.sends = number(value)? as usize,
            "--concurrency" => settings.concurrency = number(value)?.max(1) as usize,
            "--seed" => settings.seed = number(value)?,
            "--list" => settings.list = number(value)? as usize,
            other => {
                return Err(format!(
                    "unknown option {other}; expected --sends, --concurrency, --seed, --list"
                ));
            }
        }
    }
    Ok(settings)
}

/// What became of one call.
enum Reported {
    Ok(Option<String>),
    Failed(Outcome),
}

struct Record {
    /// The message's text, by which it is found in the fake's state.
    text: String,
    /// What the proxy counts its attempts by: the text of a send, the source id of a forward.
    attempts_key: String,
    reported: Reported,
    latency: Duration,
}

/// Resident memory and open descriptors of this process (Linux `/proc`).
fn resources() -> (u64, u64, usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let fds = std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count());
    (kib("VmRSS:"), kib("VmHWM:"), fds)
}

#[global_allocator]
static HEAP: heap::Counting = heap::Counting;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = parse(&args).and_then(|settings| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(soak(settings))
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("postpress-soak: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn soak(settings: Settings) -> Result<(), String> {
    println!(
        "soak: {} sends, {} in flight, seed {} (rerun with --seed {})",
        settings.sends, settings.concurrency, settings.seed, settings.seed
    );
    let fake = FakeServer::start().await;
    let upstream = fake.addr().to_string();
    let proxy = proxy::start(upstream, settings.seed, STALL)
        .await
        .map_err(|e| e.to_string())?;
    // The fake serves under a path (`/api/v1`); the proxy passes paths through.
    let base_path = fake.base_url().replacen(&format!("http://{}", fake.addr()), "", 1);
    let client = fake
        .client_builder()
        .base_url(format!("{}{base_path}", proxy.url))
        .timeout(ATTEMPT_TIMEOUT)
        .upload_timeout(ATTEMPT_TIMEOUT)
        .max_retries(3)
        .build()
        .map_err(|e| e.to_string())?;
    let (rss_start, _, fds_start) = resources();
    let started = Instant::now();
    let mut violations = Vec::new();
    let mut sent = Reconciled::default();
    let mut fwd = Reconciled::default();
    let mut warm = None;

    // In batches, each to a chat of its own, reconciled and then cleared: the fake's state stays
    // one batch large, so memory measures the client, the proxy and the fake, not the messages.
    for (first, count) in batches(settings.sends) {
        let chat = fake.add_chat(Provider::WhatsApp);
        let records = run_calls(count, settings.concurrency, |n| {
            let i = first + n;
            let (client, chat) = (client.clone(), chat.clone());
            let text = format!("soak {} send {i}", settings.seed);
            async move {
                let mut send = client.send_message(&chat).text(&text);
                if i % 10 == 0 {
                    send = send.attachment(Upload::bytes(format!("a{i}.bin"), vec![(i % 251) as u8; 1024]));
                }
                let reported = match send.send().await {
                    Ok(sent) => Reported::Ok(Some(sent.message_id)),
                    Err(error) => {
                        if std::env::var_os("POSTPRESS_SOAK_DEBUG").is_some() {
                            eprintln!("{text}: {error}");
                        }
                        Reported::Failed(error.outcome())
                    }
                };
                (text.clone(), text, reported)
            }
        })
        .await;
        // Let answers the proxy is still holding (stalls) drain, so the state is final.
        tokio::time::sleep(Duration::from_millis(50)).await;
        sent.add("send", &records, &fake.messages_in(&chat), &proxy.seen, &mut violations);
        fake.clear_messages(&chat);
        fake.clear_requests();
        warm.get_or_insert_with(|| (resources().0, heap::live()));
    }

    // Forwards: a tenth as many, each of a distinct message, once, to a target chat.
    for (first, count) in batches((settings.sends / 10).max(1)) {
        let (source_chat, target) = (fake.add_chat(Provider::WhatsApp), fake.add_chat(Provider::WhatsApp));
        let sources: Vec<(String, String)> = (first..first + count)
            .map(|i| {
                let text = format!("soak {} forward {i}", settings.seed);
                (fake.add_message(&source_chat, &text).unwrap_or_default(), text)
            })
            .collect();
        let sources = Arc::new(sources);
        let records = run_calls(count, settings.concurrency, |n| {
            let (client, target, sources) = (client.clone(), target.clone(), sources.clone());
            async move {
                let (id, text) = &sources[n];
                let reported = match client.forward_message(id, &target).await {
                    Ok(answer) => Reported::Ok(answer.message_id),
                    Err(error) => Reported::Failed(error.outcome()),
                };
                (text.clone(), id.clone(), reported)
            }
        })
        .await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        fwd.add(
            "forward",
            &records,
            &fake.messages_in(&target),
            &proxy.seen,
            &mut violations,
        );
        fake.clear_messages(&source_chat);
        fake.clear_messages(&target);
        fake.clear_requests();
    }
    let elapsed = started.elapsed();

    let lists = list_phase(&fake, &client, settings.list, &mut violations).await;

    drop(client);
    tokio::time::sleep(STALL + Duration::from_millis(300)).await;
    let (rss_end, rss_peak, fds_end) = resources();
    let (rss_warm, heap_warm) = warm.unwrap_or((rss_start, 0));
    let heap_end = heap::live();
    // The live heap, not RSS: the allocator keeps freed pages, a leak keeps objects.
    if heap_end > heap_warm + (4 << 20) {
        violations.push(format!(
            "the live heap grew from {} KiB after the first batch to {} KiB",
            heap_warm >> 10,
            heap_end >> 10
        ));
    }
    if fds_end > fds_start + 16 {
        violations.push(format!("open descriptors went from {fds_start} to {fds_end}"));
    }
    let (p50, p99) = sent.percentiles();

    println!(
        "\n{:<20} {:>8} {:>8} {:>8} {:>9}",
        "", "calls", "exist 0", "exist 1", "exist 2+"
    );
    for (name, table) in [("send", &sent), ("forward", &fwd)] {
        for (label, row) in [
            ("Ok", table.ok),
            ("NotApplied", table.not_applied),
            ("Unknown", table.unknown),
        ] {
            println!(
                "{:<20} {:>8} {:>8} {:>8} {:>9}",
                format!("{name} {label}"),
                row[0] + row[1] + row[2],
                row[0],
                row[1],
                row[2]
            );
        }
    }
    let faults = proxy.seen.faults.lock().map(|f| f.clone()).unwrap_or_default();
    let mut faults: Vec<(Fault, u64)> = faults.into_iter().collect();
    faults.sort();
    let requests: u64 = faults.iter().map(|(_, n)| n).sum();
    println!(
        "\nrequests through the proxy: {requests}; faults: {}",
        faults
            .iter()
            .filter(|(f, _)| *f != Fault::None)
            .map(|(f, n)| format!("{f:?} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "retries taken: {} (sends {}, forwards {}); calls that succeeded only thanks to a retry: {} sends, {} forwards",
        sent.retries + fwd.retries,
        sent.retries,
        fwd.retries,
        sent.saved_by_retry,
        fwd.saved_by_retry
    );
    println!(
        "latency per send: p50 {:.1} ms, p99 {:.1} ms; all calls in {:.1} s",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        elapsed.as_secs_f64()
    );
    println!(
        "live heap: {} KiB after the first batch, {} KiB at end; RSS: {} MiB at start, {} MiB after the \
         first batch, {} MiB at end, peak {} MiB; open descriptors: {fds_start} at start, {fds_end} at end",
        heap_warm >> 10,
        heap_end >> 10,
        rss_start / 1024,
        rss_warm / 1024,
        rss_end / 1024,
        rss_peak / 1024
    );
    println!("{lists}");
    if violations.is_empty() {
        println!("\nsoak passed: no duplicate, every outcome as reported, every listed message once");
        Ok(())
    } else {
        for violation in violations.iter().take(20) {
            println!("VIOLATION: {violation}");
        }
        Err(format!(
            "{} violation(s); rerun with --seed {}",
            violations.len(),
            settings.seed
        ))
    }
}

/// The page size of the list phase's walks.
const LIST_PAGE: usize = 100;

/// One walk of the list phase: the ids it saw, in order, and the error that ended it, naming the
/// page whose retries were spent.
async fn walk(client: &Client, chat: &str, budget: usize) -> (Vec<String>, Option<String>) {
    let mut items = std::pin::pin!(client.list_chat_messages(chat).limit(LIST_PAGE as i64).items());
    let mut seen = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(message) => seen.push(message.id.to_string()),
            Err(error) => {
                let page = seen.len() / LIST_PAGE + 1;
                return (seen, Some(format!("page {page} failed after its retries: {error}")));
            }
        }
        if seen.len() > budget {
            return (
                seen,
                Some("the walk did not end: more items than the chat holds".into()),
            );
        }
    }
    (seen, None)
}

/// Checks a walk against the messages that existed when it started (`earlier`, newest first):
/// each exactly once, in order, none skipped; a message that arrived during the walk may appear,
/// once. An ended walk must have seen them all.
fn check_walk(name: &str, earlier: &[String], seen: &[String], ended_early: bool, violations: &mut Vec<String>) {
    let mut once = std::collections::HashSet::new();
    if let Some(twice) = seen.iter().find(|id| !once.insert(id.as_str())) {
        violations.push(format!("{name}: {twice} listed twice"));
    }
    let known: std::collections::HashSet<&str> = earlier.iter().map(String::as_str).collect();
    let listed: Vec<&str> = seen
        .iter()
        .map(String::as_str)
        .filter(|id| known.contains(id))
        .collect();
    let expected: Vec<&str> = earlier.iter().map(String::as_str).take(listed.len()).collect();
    if listed != expected {
        let at = listed
            .iter()
            .zip(&expected)
            .position(|(a, b)| a != b)
            .unwrap_or(listed.len());
        violations.push(format!("{name}: out of order or skipped at item {at}"));
    }
    if !ended_early && listed.len() != earlier.len() {
        violations.push(format!("{name}: saw {} of {} messages", listed.len(), earlier.len()));
    }
}

/// The list phase (see the module's documentation); returns its report.
async fn list_phase(fake: &FakeServer, client: &Client, count: usize, violations: &mut Vec<String>) -> String {
    let chat = fake.add_chat(Provider::WhatsApp);
    let mut earlier: Vec<String> = (0..count)
        .map(|i| fake.add_message(&chat, &format!("listed {i}")).unwrap_or_default())
        .collect();
    earlier.reverse();
    let started = Instant::now();
    let mut errors = Vec::new();

    let (seen, error) = walk(client, &chat, count * 2).await;
    check_walk("walk", &earlier, &seen, error.is_some(), violations);
    errors.extend(error);

    // The same while messages arrive (each newer than every cursor already handed out).
    let arriving = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let writer = {
        let (fake_chat, arriving) = (chat.clone(), arriving.clone());
        let fake_url = fake.base_url();
        let key = fake.api_key().to_string();
        tokio::spawn(async move {
            // Straight to the fake, not through the proxy: the arrivals are not under test.
            let direct = Client::builder()
                .api_key(key)
                .base_url(fake_url)
                .build()
                .expect("a client");
            let mut sent = 0u64;
            while arriving.load(std::sync::atomic::Ordering::Relaxed) {
                if direct
                    .send_message(&fake_chat)
                    .text(format!("arrived {sent}"))
                    .send()
                    .await
                    .is_ok()
                {
                    sent += 1;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            sent
        })
    };
    let (seen_during, error) = walk(client, &chat, count * 4).await;
    arriving.store(false, std::sync::atomic::Ordering::Relaxed);
    let arrived = writer.await.unwrap_or_default();
    check_walk(
        "walk with arrivals",
        &earlier,
        &seen_during,
        error.is_some(),
        violations,
    );
    errors.extend(error);
    fake.clear_messages(&chat);
    fake.clear_requests();

    let mut report = format!(
        "list: a chat of {count} messages walked twice with .items(), {LIST_PAGE} a page, through the proxy \
         in {:.1} s: {} and {} items seen ({arrived} messages arrived during the second walk)",
        started.elapsed().as_secs_f64(),
        seen.len(),
        seen_during.len()
    );
    for error in errors {
        report.push_str(&format!("\n  a walk ended: {error}"));
    }
    report
}

/// Runs `count` calls, `concurrency` at a time.
async fn run_calls<F, Fut>(count: usize, concurrency: usize, call: F) -> Vec<Record>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = (String, String, Reported)> + Send + 'static,
{
    let mut records = Vec::with_capacity(count);
    let mut running = JoinSet::new();
    let mut next = 0;
    while next < count || !running.is_empty() {
        while next < count && running.len() < concurrency {
            let call = call(next);
            running.spawn(async move {
                let started = Instant::now();
                let (text, attempts_key, reported) = call.await;
                Record {
                    text,
                    attempts_key,
                    reported,
                    latency: started.elapsed(),
                }
            });
            next += 1;
        }
        match running.join_next().await {
            Some(Ok(record)) => records.push(record),
            Some(Err(panic)) => records.push(Record {
                text: format!("a call panicked: {panic}"),
                attempts_key: String::new(),
                reported: Reported::Failed(Outcome::Unknown),
                latency: Duration::ZERO,
            }),
            None => {}
        }
    }
    records
}

/// Latencies in buckets 1% wide (from 1 µs to over an hour): fixed memory for any number of calls.
struct Histogram {
    counts: Vec<u64>,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram { counts: vec![0; 2_300] }
    }
}

impl Histogram {
    fn bucket(latency: Duration) -> usize {
        let micros = latency.as_micros().max(1) as f64;
        (micros.ln() / 1.01f64.ln()) as usize
    }

    fn record(&mut self, latency: Duration) {
        let last = self.counts.len() - 1;
        self.counts[Self::bucket(latency).min(last)] += 1;
    }

    /// The upper edge of the bucket holding the `q` quantile.
    fn quantile(&self, q: f64) -> Duration {
        let total: u64 = self.counts.iter().sum();
        let rank = (total as f64 * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (bucket, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Duration::from_micros(1.01f64.powi(bucket as i32 + 1) as u64);
            }
        }
        Duration::ZERO
    }
}

/// Batches of at most 5,000 calls: (first index, count).
fn batches(total: usize) -> Vec<(usize, usize)> {
    const SIZE: usize = 5_000;
    (0..total)
        .step_by(SIZE)
        .map(|first| (first, SIZE.min(total - first)))
        .collect()
}

/// Per outcome (Ok, NotApplied, Unknown): how many calls' messages exist 0, 1 and 2+ times.
#[derive(Default)]
struct Reconciled {
    ok: [u64; 3],
    not_applied: [u64; 3],
    unknown: [u64; 3],
    retries: u64,
    saved_by_retry: u64,
    latencies: Histogram,
}

impl Reconciled {
    fn percentiles(&self) -> (Duration, Duration) {
        (self.latencies.quantile(0.5), self.latencies.quantile(0.99))
    }

    /// Adds a batch: each record against the messages stored for it (found by text).
    fn add(
        &mut self,
        what: &str,
        records: &[Record],
        stored: &[postpress::types::Message],
        seen: &proxy::Seen,
        violations: &mut Vec<String>,
    ) {
        let mut by_text: HashMap<&str, Vec<&str>> = HashMap::new();
        for message in stored {
            if let Some(text) = message.text.as_deref() {
                by_text.entry(text).or_default().push(message.id.as_str());
            }
        }
        let mut attempts = seen
            .attempts_by_text
            .lock()
            .map(|mut a| std::mem::take(&mut *a))
            .unwrap_or_default();
        for record in records {
            self.latencies.record(record.latency);
            let ids = by_text.get(record.text.as_str()).map_or(&[][..], Vec::as_slice);
            let copies = ids.len();
            let bucket = copies.min(2);
            let tries = attempts.remove(&record.attempts_key).unwrap_or(0);
            self.retries += u64::from(tries.saturating_sub(1));
            if copies >= 2 {
                violations.push(format!("{what} {:?} exists {copies} times", record.text));
            }
            match &record.reported {
                Reported::Ok(id) => {
                    self.ok[bucket] += 1;
                    if tries > 1 {
                        self.saved_by_retry += 1;
                    }
                    if copies != 1 {
                        violations.push(format!(
                            "{what} {:?} reported Ok but exists {copies} times",
                            record.text
                        ));
                    } else if let Some(id) = id
                        && ids[0] != id
                    {
                        violations.push(format!(
                            "{what} {:?} reported id {id}, stored as {}",
                            record.text, ids[0]
                        ));
                    }
                }
                Reported::Failed(Outcome::NotApplied) => {
                    self.not_applied[bucket] += 1;
                    if copies != 0 {
                        violations.push(format!("{what} {:?} reported NotApplied but exists", record.text));
                    }
                }
                Reported::Failed(_) => self.unknown[bucket] += 1,
            }
        }
    }
}
