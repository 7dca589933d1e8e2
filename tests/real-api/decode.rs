//! The decoder of the decode property (copied into a copy of the workspace grown with
//! `tests/real-api/` as `examples/real_api_decode.rs` by `tests/growth.rs`, and driven by
//! `tests/real-api/documents.py`): reads lines `{"operation": id, "document": answer}` on stdin,
//! decodes each answer into the operation's generated type (a `callback:NAME` payload into the
//! `webhooks::Event` of that callback) and writes it back as JSON, and prints
//! `{"operation": id, "reencoded": json}` or `{"operation": id, "error": why}` per line.

use std::io::{BufRead, Write};

use postpress::operations::by_id;
use postpress::webhooks::Event;

fn main() {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line.expect("stdin");
        let input: serde_json::Value = serde_json::from_str(&line).expect("a JSON line");
        let id = input["operation"].as_str().expect("an operation");
        let output = match id.strip_prefix("callback:") {
            // A callback's payload: the event it is, by what its schema fixes, and its own type.
            Some(name) => match Event::from_payload(input["document"].clone()) {
                Ok(event) if event.name() == name => serde_json::json!({"operation": id, "reencoded": event.payload()}),
                Ok(event) => serde_json::json!({"operation": id, "error": format!("decoded as {}", event.name())}),
                Err(error) => serde_json::json!({"operation": id, "error": error.to_string()}),
            },
            None => {
                let op = by_id(id).unwrap_or_else(|| panic!("no operation {id}"));
                let body = serde_json::to_vec(&input["document"]).expect("JSON");
                match op.operation.decode_answer(&body) {
                    Ok(reencoded) => serde_json::json!({"operation": id, "reencoded": reencoded}),
                    Err(error) => serde_json::json!({"operation": id, "error": error.to_string()}),
                }
            }
        };
        writeln!(stdout, "{output}").expect("stdout");
    }
}
