//! A spec grown with more operations, for the measurements and tests that need operations the API
//! does not have in our spec: the growth test's fixture (`tests/growth/`: a cursor-paginated list
//! among them) for the pagination row, synthetic objects for the cost per operation
//! (`op_cost.rs`), and the operations the API's reference publishes (`tests/real-api/`), grown as
//! a maintainer would paste them.

use std::path::Path;

use heck::ToSnakeCase;
use serde_json::{Map, Value};

/// `text` with `block` placed right after the line `anchor`, which must occur once.
pub(crate) fn insert_after(text: &str, anchor: &str, block: &str) -> Result<String, String> {
    let needle = format!("\n{anchor}\n");
    if text.matches(&needle).count() != 1 {
        return Err(format!("the spec has no single line {anchor:?}"));
    }
    Ok(text.replacen(&needle, &format!("{needle}{block}"), 1))
}

/// The spec with the growth fixture's operations and schemas in it, as the growth test merges
/// them.
pub(crate) fn with_growth_fixture(root: &Path, spec: &str) -> Result<String, String> {
    let fixture = root.join("tests").join("growth");
    let read = |name: &str| std::fs::read_to_string(fixture.join(name)).map_err(|e| format!("{name}: {e}"));
    let spec = insert_after(spec, "paths:", &read("paths.yaml")?)?;
    let spec = insert_after(&spec, "  /messages/{message_id}:", &read("method.yaml")?)?;
    insert_after(&spec, "  schemas:", &read("schemas.yaml")?)
}

/// The published definitions, as `tests/real-api/` keeps them (`{"method", "path", "operation"}`).
pub(crate) fn real_api_definitions(root: &Path) -> Result<Vec<(String, Value)>, String> {
    let dir = root.join("tests").join("real-api");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let value: Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok((name, value))
        })
        .collect()
}

/// The spec grown with the published definitions of `tests/real-api/` as a maintainer pastes
/// them: each operation as published, but for its path (the `/api/v1` prefix, which our server
/// URL holds, dropped), its `operationId` (snake case) and its error answers (pointed at our
/// shared `components.responses` where one documents the status; left as published otherwise).
/// An operation our spec curates already (the same method, and a path of the same shape) keeps
/// ours at its path, and the published one goes under [`REFERENCE_PREFIX`]: the grown spec holds
/// every published definition as written, so the generator is tried on the reference's own
/// constructs even where our spec writes them otherwise. The grown spec is written as JSON, which
/// YAML 1.2 reads.
pub(crate) fn with_real_api(root: &Path, spec: &str) -> Result<String, String> {
    let yaml_1_2 = serde_saphyr::options! { strict_booleans: true };
    let mut spec: Value =
        serde_saphyr::from_str_with_options(spec, yaml_1_2).map_err(|e| format!("the spec is not YAML: {e}"))?;
    let shared = shared_error_responses(&spec);
    let paths = spec
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .ok_or("the spec has no paths")?;
    for (name, definition) in real_api_definitions(root)? {
        let method = definition["method"]
            .as_str()
            .ok_or(format!("{name}: no method"))?
            .to_string();
        let path = definition["path"].as_str().ok_or(format!("{name}: no path"))?;
        let path = path.strip_prefix("/api/v1").unwrap_or(path).to_string();
        let mut operation = definition["operation"].clone();
        let id = operation["operationId"]
            .as_str()
            .ok_or(format!("{name}: no operationId"))?;
        operation["operationId"] = Value::from(id.to_snake_case());
        if let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) {
            for (status, response) in responses.iter_mut() {
                if let Some(component) = shared.get(status).and_then(Value::as_str) {
                    *response = serde_json::json!({"$ref": format!("#/components/responses/{component}")});
                }
            }
        }
        // Our path of the same shape (parameters named otherwise, `{id}` for `{attendee_id}`) is the
        // same path to OpenAPI. Where ours has the method, the published operation goes under the
        // reference prefix; otherwise under ours, its parameters renamed.
        let template = |path: &str| blank_parameters(path);
        let key = match paths.keys().find(|ours| template(ours) == template(&path)) {
            Some(ours) if paths[ours].get(&method).is_some() => format!("{REFERENCE_PREFIX}{path}"),
            Some(ours) => {
                rename_path_parameters(&mut operation, &path, ours);
                ours.clone()
            }
            None => path,
        };
        let item = paths
            .entry(key)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .ok_or(format!("{name}: a path item that is not an object"))?;
        item.entry(method).or_insert(operation);
    }
    serde_json::to_string_pretty(&spec).map_err(|e| e.to_string())
}

/// Where the grown spec puts a published operation our spec curates (ours stays at its path).
pub(crate) const REFERENCE_PREFIX: &str = "/reference";

/// A path with each `{parameter}` emptied to `{}`: the shape two paths share when OpenAPI counts
/// them as one.
fn blank_parameters(path: &str) -> String {
    let mut blank = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                blank.push('{');
            }
            '}' => {
                inside = false;
                blank.push('}');
            }
            _ if inside => {}
            _ => blank.push(c),
        }
    }
    blank
}

/// The names of a path's `{parameters}`, in order.
fn path_parameter_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Renames the path parameters of `operation`, written for `from`, to the names `to` gives them in
/// the same places.
fn rename_path_parameters(operation: &mut Value, from: &str, to: &str) {
    let renames: Vec<(String, String)> = path_parameter_names(from)
        .into_iter()
        .zip(path_parameter_names(to))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    for parameter in operation
        .get_mut("parameters")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if parameter["in"] != "path" {
            continue;
        }
        if let Some((_, to)) = renames.iter().find(|(from, _)| parameter["name"] == from.as_str()) {
            parameter["name"] = Value::from(to.as_str());
        }
    }
}

/// The shared error responses of the spec, by the status their examples carry.
fn shared_error_responses(spec: &Value) -> Map<String, Value> {
    let mut shared = Map::new();
    for (name, response) in spec
        .pointer("/components/responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let status = response
            .pointer("/content/application~1json/examples")
            .and_then(Value::as_object)
            .and_then(|examples| examples.values().find_map(|e| e.pointer("/value/status")?.as_u64()));
        if let Some(status) = status {
            shared.insert(status.to_string(), Value::from(name.as_str()));
        }
    }
    shared
}
