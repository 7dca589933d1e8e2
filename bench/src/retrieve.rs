//! Retrieve a realistic `Message`: the SDK's `get_message` against raw reqwest doing the same
//! work as code written by hand would: build the URL from the id, GET with the key header, read
//! the body, decode into the same generated `Message`. Same pool settings (reqwest's defaults),
//! same timeouts (the SDK's defaults: 10 s connect, 30 s per attempt), plain HTTP/1.1 for both.

use std::sync::Arc;
use std::time::{Duration, Instant};

use postpress::types::Message;

/// One client doing one call.
#[derive(Clone)]
pub(crate) enum Caller {
    Sdk(postpress::Client),
    Raw(reqwest::Client, Arc<str>),
}

const MESSAGE_ID: &str = "msg_01HXYZ4QK3WJ8FN3M6QH7TZ8GR";

impl Caller {
    pub(crate) fn new(kind: &str, base: &str) -> Result<Caller, String> {
        match kind {
            "sdk" => postpress::Client::builder()
                .api_key("pp_bench")
                .base_url(base)
                .build()
                .map(Caller::Sdk)
                .map_err(|e| e.to_string()),
            "raw" => {
                let http = reqwest::Client::builder()
                    .connect_timeout(postpress::DEFAULT_CONNECT_TIMEOUT)
                    .timeout(postpress::DEFAULT_TIMEOUT)
                    .build()
                    .map_err(|e| e.to_string())?;
                Ok(Caller::Raw(http, base.into()))
            }
            other => Err(format!("unknown client {other}")),
        }
    }

    pub(crate) async fn call(&self) -> Result<Message, String> {
        match self {
            Caller::Sdk(client) => client.get_message(MESSAGE_ID).await.map_err(|e| e.to_string()),
            Caller::Raw(http, base) => {
                let response = http
                    .get(format!("{base}/messages/{MESSAGE_ID}"))
                    .header("x-api-key", "pp_bench")
                    .header("accept", "application/json")
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let body = response.bytes().await.map_err(|e| e.to_string())?;
                serde_json::from_slice(&body).map_err(|e| e.to_string())
            }
        }
    }
}

/// Latencies of `calls` sequential calls, sorted.
async fn sequential(caller: &Caller, calls: usize) -> Result<Vec<Duration>, String> {
    let mut latencies = Vec::with_capacity(calls);
    for _ in 0..calls {
        let started = Instant::now();
        let message = caller.call().await?;
        latencies.push(started.elapsed());
        std::hint::black_box(message);
    }
    latencies.sort();
    Ok(latencies)
}

/// Calls per second with `in_flight` calls at once.
async fn concurrent(caller: &Caller, calls: usize, in_flight: usize) -> Result<f64, String> {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..in_flight {
        let caller = caller.clone();
        let share = calls / in_flight;
        tasks.spawn(async move {
            for _ in 0..share {
                caller.call().await?;
            }
            Ok::<(), String>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| e.to_string())??;
    }
    Ok((calls / in_flight * in_flight) as f64 / started.elapsed().as_secs_f64())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)].as_secs_f64() * 1e6
}

/// Wall-clock figures, several alternating rounds so both clients see the same machine.
pub(crate) struct Wall {
    pub p50: [Vec<f64>; 2],
    pub p99: [Vec<f64>; 2],
    pub throughput: [Vec<f64>; 2],
}

pub(crate) fn wall(url: &str, calls: usize, rounds: usize) -> Result<Wall, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        // POSTPRESS_BENCH_FIRST=raw puts raw reqwest in both columns, to see the bench's own bias.
        let first = std::env::var("POSTPRESS_BENCH_FIRST").unwrap_or_else(|_| "sdk".into());
        let callers = [Caller::new(&first, url)?, Caller::new("raw", url)?];
        for caller in &callers {
            sequential(caller, 200).await?; // warm the pool and the caches
        }
        let mut wall = Wall {
            p50: Default::default(),
            p99: Default::default(),
            throughput: Default::default(),
        };
        for round in 0..rounds {
            // Alternate which client goes first, so that order effects cancel over the rounds.
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for i in order {
                let caller = &callers[i];
                let latencies = sequential(caller, calls).await?;
                wall.p50[i].push(percentile(&latencies, 0.50));
                wall.p99[i].push(percentile(&latencies, 0.99));
                wall.throughput[i].push(concurrent(caller, calls, 64).await?);
            }
        }
        Ok(wall)
    })
}

/// Child under callgrind: `retrieve-client sdk|raw URL CALLS`.
pub(crate) fn client(args: &[String]) -> Result<(), String> {
    let [kind, url, calls] = args else {
        return Err("retrieve-client KIND URL CALLS".into());
    };
    let calls: usize = calls.parse().map_err(|_| "CALLS")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let caller = Caller::new(kind, url)?;
        for _ in 0..calls {
            std::hint::black_box(caller.call().await?);
        }
        Ok(())
    })
}

/// Instructions per call of the client, under callgrind: (total of `long` calls − total of
/// `short` calls) / (long − short), which cancels start-up.
pub(crate) fn instructions_per_call(url: &str, kind: &str, short: usize, long: usize) -> Result<f64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let run = |calls: usize| crate::callgrind::total(&exe, &["retrieve-client", kind, url, &calls.to_string()]);
    Ok((run(long)? - run(short)?) / (long - short) as f64)
}
