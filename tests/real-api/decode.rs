//! The decoder of the decode property (copied into a copy of the workspace grown with
//! `tests/real-api/` as `examples/real_api_decode.rs` by `tests/growth.rs`, and driven by
//! `tests/real-api/documents.py`): reads lines `{"operation": id, "document": answer}` on stdin,
//! decodes each answer into the operation's generated type and writes it back as JSON, and prints
//! `{"operation": id, "reencoded": json}` or `{"operation": id, "error": why}` per line.

use std::io::{BufRead, Write};

use postpress::operations::by_id;

fn main() {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line.expect("stdin");
        let input: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
        let id = input["operation"].as_str().expect("an operation");
        let op = by_id(id).unwrap_or_else(|| panic!("no operation {id}"));
        let body = serde_json::to_vec(&input["document"]).expect("JSON");
        let output = match op.operation.decode_answer(&body) {
            Ok(reencoded) => serde_json::json!({"operation": id, "reencoded": reencoded}),
            Err(error) => serde_json::json!({"operation": id, "error": error.to_string()}),
        };
        writeln!(stdout, "{output}").expect("stdout");
    }
}
