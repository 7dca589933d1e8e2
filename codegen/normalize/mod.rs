//! Rewrites the spec, before any generator reads it, into an equivalent spec typify reads well,
//! its inline schemas named where a generator needs a name: a list of passes, one file each, run in
//! the order [`PASSES`] writes down (each reads what the ones before it wrote). Pass 1 rewrites each
//! schema into an equivalent one (tested against a JSON Schema validator); the others move schemas
//! into components, or title them, so that typify makes one type of each name. The walk over the
//! spec's schemas and what the passes ask of a schema are in [`walk`] and [`schema`]; the
//! generators read them too.

mod hoist;
mod hoist_enums;
#[cfg(test)]
mod oracle;
mod rewrite;
mod schema;
mod share_repeated_objects;
mod split_nullable_components;
mod title_component_names;
mod unique_titles;
mod walk;

use serde_json::Value;

pub use hoist_enums::generated_here;
pub use schema::{is_binary, is_json_media, is_never, narrowing_union, strip_annotations};
pub use walk::{METHODS, for_each_schema, pointer_token};

/// A pass: it rewrites the spec in place.
type Pass = fn(&mut Value) -> Result<(), String>;

/// The passes, in the order they run, each with its name (for a failure's message).
pub const PASSES: &[(&str, Pass)] = &[
    ("rewrite", |spec| {
        for_each_schema(spec, &mut |schema, _| rewrite::rewrite(schema))
    }),
    ("hoist", hoist::hoist),
    ("share_repeated_objects", |spec| {
        share_repeated_objects::share_repeated_objects(spec);
        Ok(())
    }),
    ("hoist_enums", hoist_enums::hoist_open_enums),
    ("split_nullable_components", |spec| {
        split_nullable_components::split_nullable_components(spec);
        Ok(())
    }),
    ("title_component_names", |spec| {
        title_component_names::title_what_would_take_a_component_name(spec);
        Ok(())
    }),
    ("unique_titles", |spec| {
        unique_titles::unique_titles(spec);
        Ok(())
    }),
];

/// Rewrites `spec` in place: every pass of [`PASSES`], in order.
pub fn normalize(spec: &mut Value) -> Result<(), String> {
    for (name, pass) in PASSES {
        pass(spec).map_err(|e| format!("normalize, {name}: {e}"))?;
    }
    Ok(())
}
