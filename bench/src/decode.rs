//! Decoding a realistic `Message` in memory: MB/s into the typed `Message` and into
//! `serde_json::Value`.

use std::time::Instant;

use postpress::types::Message;

/// (typed MB/s, Value MB/s): the best of `rounds` rounds of `iterations` decodes each.
pub(crate) fn measure(json: &str, iterations: usize, rounds: usize) -> Result<(f64, f64), String> {
    let bytes = json.as_bytes();
    serde_json::from_slice::<Message>(bytes).map_err(|e| format!("the realistic message does not decode: {e}"))?;
    let mut best = (0f64, 0f64);
    for _ in 0..rounds {
        let started = Instant::now();
        for _ in 0..iterations {
            let message: Message = serde_json::from_slice(std::hint::black_box(bytes)).map_err(|e| e.to_string())?;
            std::hint::black_box(message);
        }
        let typed = (bytes.len() * iterations) as f64 / 1e6 / started.elapsed().as_secs_f64();
        let started = Instant::now();
        for _ in 0..iterations {
            let value: serde_json::Value =
                serde_json::from_slice(std::hint::black_box(bytes)).map_err(|e| e.to_string())?;
            std::hint::black_box(value);
        }
        let untyped = (bytes.len() * iterations) as f64 / 1e6 / started.elapsed().as_secs_f64();
        best = (best.0.max(typed), best.1.max(untyped));
    }
    Ok(best)
}
