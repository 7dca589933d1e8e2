//! Reads `openapi.yaml`, and the one edit made to progenitor's view of it.

use serde_json::Value;

use super::SPEC_PATH;

/// The spec twice: as plain JSON (for the generators that read what progenitor ignores: examples,
/// discriminators, `x-` extensions) and as typed OpenAPI (for progenitor).
pub struct Spec {
    pub raw: Value,
    pub openapi: openapiv3::OpenAPI,
}

/// Reads the spec as YAML 1.2 (which OpenAPI 3.x asks for): only `true`/`false` are booleans, so
/// a value such as `NO` in `x-enum-varnames` stays a string (YAML 1.1 would read it as `false`).
pub fn load(spec_text: &str) -> Result<Spec, String> {
    let yaml_1_2 = serde_saphyr::options! { strict_booleans: true };
    let raw: Value = serde_saphyr::from_str_with_options(spec_text, yaml_1_2)
        .map_err(|e| format!("{SPEC_PATH} is not valid YAML: {e}"))?;
    let openapi = serde_json::from_value(raw.clone()).map_err(|e| format!("{SPEC_PATH} is not OpenAPI 3.0: {e}"))?;
    Ok(Spec { raw, openapi })
}

/// progenitor 0.15 stops with "unexpected content type: multipart/form-data", so the multipart
/// operations are taken out of its view (the spec itself keeps them; `src/send.rs` implements
/// send-message by hand). Returns the operationIds dropped.
pub fn drop_multipart_operations(spec: &mut openapiv3::OpenAPI) -> Vec<String> {
    let mut dropped = Vec::new();
    for (_, item) in spec.paths.paths.iter_mut() {
        let openapiv3::ReferenceOr::Item(item) = item else {
            continue;
        };
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ] {
            let is_multipart = op.as_ref().and_then(|o| o.request_body.as_ref()).is_some_and(
                |body| matches!(body, openapiv3::ReferenceOr::Item(b) if b.content.contains_key("multipart/form-data")),
            );
            if let Some(o) = op.take_if(|_| is_multipart) {
                dropped.push(o.operation_id.unwrap_or_default());
            }
        }
    }
    dropped
}

/// The path parameters of the operations progenitor generates (each is one `encode_path` call).
pub fn path_parameter_count(spec: &openapiv3::OpenAPI) -> usize {
    spec.operations()
        .flat_map(|(_, _, op)| &op.parameters)
        .filter(|p| matches!(p, openapiv3::ReferenceOr::Item(openapiv3::Parameter::Path { .. })))
        .count()
}

/// A schema's `description`, trimmed (empty when it has none).
pub fn doc_of(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string()
}
