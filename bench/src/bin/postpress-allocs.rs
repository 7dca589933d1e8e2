//! `postpress-allocs URL CALLS`: allocations per retrieve, the SDK's `get_message` against raw
//! reqwest doing the same work (`retrieve.rs`'s two callers), counted by this binary's allocator.
//! A binary of its own so that the counting allocator is in no other measurement (the instruction
//! row runs `postpress-bench` under callgrind). Prints `sdk COUNT BYTES` and `raw COUNT BYTES`,
//! each per call.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

#[path = "../callgrind.rs"]
#[allow(dead_code)] // Used by retrieve.rs's instruction count, which this binary does not run.
mod callgrind;
#[path = "../retrieve.rs"]
#[allow(dead_code)] // The callers are what this binary needs of it.
mod retrieve;

static COUNT: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

struct Counting;

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        COUNT.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as it is.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract for `dealloc` is passed on as it is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A reallocation is an allocation of the new size (what a growing buffer costs).
        COUNT.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        // SAFETY: the caller's contract for `realloc` is passed on as it is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, calls] = args.as_slice() else {
        return Err("usage: postpress-allocs URL CALLS".into());
    };
    let calls: u64 = calls.parse().map_err(|e| format!("CALLS: {e}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    for kind in ["sdk", "raw"] {
        let caller = retrieve::Caller::new(kind, url)?;
        let (count, bytes) = runtime.block_on(async {
            for _ in 0..50 {
                caller.call().await?; // the pool, the caches
            }
            let (count, bytes) = (COUNT.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
            for _ in 0..calls {
                std::hint::black_box(caller.call().await?);
            }
            Ok::<_, String>((
                COUNT.load(Ordering::Relaxed) - count,
                BYTES.load(Ordering::Relaxed) - bytes,
            ))
        })?;
        println!("{kind} {} {}", count as f64 / calls as f64, bytes as f64 / calls as f64);
    }
    Ok(())
}
