//! Instructions counted by `valgrind --tool=callgrind`: the one figure that repeats to 0.1% on
//! these machines. Each measured client runs as a child process, alone under callgrind.

use std::process::{Command, Stdio};

/// The instructions `exe args` executes, start-up included: callers run two sizes and take the
/// difference, which cancels it out.
pub(crate) fn total(exe: &std::path::Path, args: &[&str]) -> Result<f64, String> {
    let out = std::env::temp_dir().join(format!(
        "postpress-callgrind-{}-{}.out",
        args.join("-").replace(['/', ':'], "_"),
        std::process::id()
    ));
    let status = Command::new("valgrind")
        .args(["--tool=callgrind", "--quiet"])
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(exe)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("valgrind: {e}"))?;
    if !status.success() {
        return Err(format!("valgrind run of {args:?} failed"));
    }
    let text = std::fs::read_to_string(&out).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&out);
    text.lines()
        .find_map(|l| l.strip_prefix("summary:").or_else(|| l.strip_prefix("totals:")))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .ok_or_else(|| "no totals in the callgrind output".to_string())
}
