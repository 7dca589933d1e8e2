//! The wire check of the published operations (copied into a copy of the workspace grown with
//! `tests/real-api/` as `examples/real_api_wire.rs` by `tests/growth.rs`): every operation of the
//! grown spec, called through `AnyRequest` with the operation table's valid arguments, the
//! required ones and then every one, against the server at `POSTPRESS_BASE_URL` (Prism mocking
//! the grown spec, or Prism's validating proxy in front of `postpress fake-server`). Every call
//! must succeed: the server took the request, and its answer decoded (a file was read whole).
//! It prints one line per call and exits non-zero when one failed.
//!
//! - `POSTPRESS_WIRE_IDS=name=value,...` gives the arguments of those names (a stateful server
//!   knows only its own ids: the fake's demo chat and message);
//! - `POSTPRESS_WIRE_STATEFUL=1` (the fake): a server that keeps state knows only the ids and
//!   cursors it made, so `cursor` is left out, and an answer with an error status the operation
//!   documents (a 404 for an id the server does not have) counts: the request was taken and the
//!   answer decoded. The success answers of the modelled operations are checked in the crate's
//!   own tests (tests/fake_messaging.rs);
//! - `POSTPRESS_WIRE_SKIP=id,...` leaves those operations out;
//! - `POSTPRESS_WIRE_FORMS=prism` leaves optional lists and objects out of multipart forms, and
//!   skips an operation whose form requires one: Prism 5.16 reads a form's repeated parts
//!   (OpenAPI's way of sending a list, which the SDK follows) as one value ("must be array"), and
//!   a JSON part (OpenAPI's default for an object) as text ("must be object"). Those forms are
//!   checked against the fake directly, whose reader (multer) reads them.

use postpress::operations::{Location, OPERATIONS, ValueKind};
use postpress::requests::AnyRequest;
use postpress::{Client, Upload};

#[tokio::main]
async fn main() {
    let base_url = std::env::var("POSTPRESS_BASE_URL").expect("POSTPRESS_BASE_URL");
    let api_key = std::env::var("POSTPRESS_API_KEY").unwrap_or_else(|_| "pp_wire_key".into());
    let client = Client::builder()
        .api_key(api_key)
        .base_url(base_url)
        .max_retries(0)
        .build()
        .expect("a client");
    // A binary field's argument names a file: every one is this small file.
    let open = |_: &str, _: &str| Ok(Upload::bytes("photo.png", &b"\x89PNG\r\n\x1a\n"[..]));
    let ids: Vec<(String, String)> = std::env::var("POSTPRESS_WIRE_IDS")
        .unwrap_or_default()
        .split(',')
        .filter_map(|pair| pair.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();
    let prism_forms = std::env::var("POSTPRESS_WIRE_FORMS").is_ok_and(|v| v == "prism");
    let stateful = std::env::var("POSTPRESS_WIRE_STATEFUL").is_ok_and(|v| v == "1");
    let mut failed = Vec::new();
    let mut skipped = 0;
    let mut calls = 0;
    // `POSTPRESS_WIRE_ONLY=id,id`: those operations alone (to look at one); `POSTPRESS_WIRE_SKIP=id,id`:
    // all but those (tests/growth.rs says why where it sets it).
    let only = std::env::var("POSTPRESS_WIRE_ONLY").ok();
    let skip = std::env::var("POSTPRESS_WIRE_SKIP").unwrap_or_default();
    let chosen = |id: &str| {
        only.as_deref().is_none_or(|only| only.split(',').any(|o| o == id)) && !skip.split(',').any(|s| s == id)
    };
    // Against a stateful server, what deletes runs last: the ids the others use stay there.
    let mut operations: Vec<_> = OPERATIONS.iter().filter(|op| chosen(op.id)).collect();
    operations.sort_by_key(|op| op.method == "DELETE");
    for op in operations {
        for (which, example) in [("required", op.request_example), ("every field", op.full_request_example)] {
            let serde_json::Value::Object(mut arguments) = serde_json::from_str(example).expect("JSON arguments") else {
                panic!("{}: the example is not an object", op.id);
            };
            for (name, value) in &ids {
                if let Some(argument) = arguments.get_mut(name) {
                    *argument = serde_json::Value::String(value.clone());
                }
            }
            if stateful {
                arguments.remove("cursor");
            }
            if prism_forms && op.multipart {
                let unread: Vec<_> = op
                    .fields
                    .iter()
                    .filter(|f| f.location == Location::Body && (f.list || f.kind == ValueKind::Json))
                    .collect();
                if unread.iter().any(|f| f.required) {
                    println!("skip   {} {} ({which}): its form requires a list or an object", op.method, op.id);
                    skipped += 1;
                    continue;
                }
                for field in unread {
                    arguments.remove(field.name);
                }
            }
            calls += 1;
            let documented = |e: postpress::Error| match &e {
                postpress::Error::Api(api) if stateful && op.errors.contains(&api.status) => {
                    Ok(format!("documented {} {}", api.status, api.code))
                }
                _ => Err(e.to_string()),
            };
            let outcome = match AnyRequest::from_json(&client, op.operation, arguments, &open) {
                Err(refused) => Err(format!("refused before sending: {refused}")),
                Ok(request) if op.download => match request.download().await {
                    Ok(file) => file.bytes().await.map(|b| format!("{} bytes", b.len())).map_err(|e| e.to_string()),
                    Err(e) => documented(e),
                },
                Ok(request) => match request.send().await {
                    Ok(_) => Ok("decoded".to_string()),
                    Err(e) => documented(e),
                },
            };
            match outcome {
                Ok(what) => println!("ok     {} {} ({which}): {what}", op.method, op.id),
                Err(why) => {
                    println!("FAILED {} {} ({which}): {why}", op.method, op.id);
                    failed.push(format!("{} ({which}): {why}", op.id));
                }
            }
        }
    }
    println!("{} of {calls} calls succeeded ({skipped} skipped)", calls - failed.len());
    if !failed.is_empty() {
        eprintln!("failed:\n  {}", failed.join("\n  "));
        std::process::exit(1);
    }
}
