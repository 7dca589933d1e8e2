//! A spec grown with more operations, for the measurements that need operations the API does not
//! have: the growth test's fixture (`tests/growth/`: a cursor-paginated list among them) for the
//! pagination row, synthetic objects for the cost per operation (`op_cost.rs`).

use std::path::Path;

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
