//! The spec as other teams take it: `cargo xtask spec-diff` compares `openapi.yaml` with the last
//! released spec (`spec/released.yaml`) with Oxide's `drift`, prints every change on a line, and
//! fails when one would break an existing client while `info.version`'s major stayed the same;
//! `cargo xtask release-spec` makes the current spec the released one and appends its changes to
//! `CHANGELOG.md` under its `info.version`.
//!
//! A breaking change is one `drift` classes as backward-incompatible (a client built against the
//! released spec may fail against the new one) or incompatible, and one it cannot judge
//! (`unhandled`, such as a changed pattern), which must be looked at. One exception: a schema the
//! spec declares open on the wire (`x-open-enum: true`) may gain enum values, since clients are
//! told to accept values they do not know.

use std::path::Path;

use drift::{ChangeClass, ChangeComparison};
use serde_json::Value;

/// The last released spec, from the workspace root.
pub const RELEASED: &str = "spec/released.yaml";
pub const CHANGELOG: &str = "CHANGELOG.md";
/// The marker of an enum whose values may grow.
const OPEN_ENUM: &str = "x-open-enum";

/// One change, as printed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub breaking: bool,
    pub text: String,
}

/// Every change from `old` to `new` (both the spec as JSON), breaking ones first.
pub fn changes(old: &Value, new: &Value) -> Result<Vec<Change>, String> {
    let found = drift::compare(old, new).map_err(|e| format!("drift could not compare the specs: {e:#}"))?;
    let mut out = Vec::new();
    for change in found {
        let Some(path) = change.paths.first() else { continue };
        let contexts: Vec<ChangeComparison> = change.paths.iter().map(|p| p.comparison).collect();
        for info in &change.changes {
            let at = join(path.new.current_pointer(), &info.new_subpath);
            let old_at = join(path.old.current_pointer(), &info.old_subpath);
            let mut message = info.message.clone();
            let breaking = match info.class {
                ChangeClass::Unhandled if info.message == "object properties changed" => {
                    // drift 0.2 leaves every added or removed property unjudged; the rule for
                    // them is plain enough to apply here.
                    let delta = PropertyDelta::of(old, &old_at, new, &at);
                    message = format!("{message} ({delta})");
                    delta.breaks(&contexts)
                }
                ChangeClass::BackwardIncompatible | ChangeClass::Incompatible | ChangeClass::Unhandled => {
                    !only_adds_to_an_open_enum(old, &old_at, new, &at)
                }
                ChangeClass::ForwardIncompatible | ChangeClass::Trivial => false,
            };
            let class = match info.class {
                ChangeClass::BackwardIncompatible => "backward-incompatible",
                ChangeClass::ForwardIncompatible => "forward-incompatible",
                ChangeClass::Incompatible => "incompatible",
                ChangeClass::Trivial => "trivial",
                ChangeClass::Unhandled => "unhandled",
            };
            let mark = if breaking { "BREAKING" } else { "ok" };
            out.push(Change {
                breaking,
                text: format!("{mark:<8} {class:<21} {at}: {message}"),
            });
        }
    }
    out.sort_by(|a, b| b.breaking.cmp(&a.breaking).then_with(|| a.text.cmp(&b.text)));
    out.dedup();
    Ok(out)
}

/// The properties an object schema gained and lost, and which of the gained ones are required.
struct PropertyDelta {
    added: Vec<String>,
    added_required: Vec<String>,
    removed: Vec<String>,
}

impl PropertyDelta {
    fn of(old: &Value, old_at: &str, new: &Value, at: &str) -> PropertyDelta {
        let names = |schema: Option<&Value>| -> Vec<String> {
            schema
                .and_then(|schema| schema.get("properties"))
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default()
        };
        let (before, after) = (node(old, old_at), node(new, at));
        let (before_names, after_names) = (names(before), names(after));
        let required = |name: &String| {
            after
                .and_then(|schema| schema.get("required"))
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|v| v.as_str() == Some(name)))
        };
        let added: Vec<String> = after_names
            .iter()
            .filter(|n| !before_names.contains(n))
            .cloned()
            .collect();
        PropertyDelta {
            added_required: added.iter().filter(|n| required(n)).cloned().collect(),
            added,
            removed: before_names.into_iter().filter(|n| !after_names.contains(n)).collect(),
        }
    }

    /// Whether a client of the old schema may fail: in an answer, a field it reads is gone; in a
    /// request, a field it sends is gone, or one it does not send became needed.
    fn breaks(&self, contexts: &[ChangeComparison]) -> bool {
        contexts.iter().any(|context| match context {
            ChangeComparison::Output => !self.removed.is_empty(),
            ChangeComparison::Input => !self.removed.is_empty() || !self.added_required.is_empty(),
            ChangeComparison::Structural => true,
        })
    }
}

impl std::fmt::Display for PropertyDelta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "added {:?}, of them required {:?}; removed {:?}",
            self.added, self.added_required, self.removed
        )
    }
}

/// `pointer` and a subpath under it, as one JSON pointer (`#/components/schemas/X/properties/y`).
fn join(pointer: &str, subpath: &str) -> String {
    if subpath.is_empty() {
        pointer.to_string()
    } else {
        format!("{pointer}/{subpath}")
    }
}

/// The node of `doc` at a drift pointer (`#/components/...`).
fn node<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    doc.pointer(pointer.trim_start_matches('#'))
}

/// Whether the change at `at` only adds values to an enum the spec declares open.
fn only_adds_to_an_open_enum(old: &Value, old_at: &str, new: &Value, at: &str) -> bool {
    let (Some(before), Some(after)) = (node(old, old_at), node(new, at)) else {
        return false;
    };
    fn values(schema: &Value) -> Option<&Vec<Value>> {
        schema.get("enum").and_then(Value::as_array)
    }
    match (values(before), values(after)) {
        (Some(before_values), Some(after_values)) => {
            after.get(OPEN_ENUM) == Some(&Value::Bool(true))
                && before_values.iter().all(|value| after_values.contains(value))
        }
        _ => false,
    }
}

/// The major of a spec's `info.version` (`1` for `1.4.0`).
fn major(spec: &Value) -> Result<u64, String> {
    let version = version(spec);
    if version.is_empty() {
        return Err("the spec has no info.version".into());
    }
    version
        .split('.')
        .next()
        .and_then(|major| major.parse().ok())
        .ok_or_else(|| format!("info.version {version:?} is not MAJOR.MINOR.PATCH"))
}

/// A spec's `info.version` as (major, minor, patch), ordered as versions are.
fn triple(spec: &Value) -> Result<(u64, u64, u64), String> {
    let version = version(spec);
    let parts: Vec<Option<u64>> = version.split('.').map(|part| part.parse().ok()).collect();
    match parts.as_slice() {
        [Some(major), Some(minor), Some(patch)] => Ok((*major, *minor, *patch)),
        _ => Err(format!("info.version {version:?} is not MAJOR.MINOR.PATCH")),
    }
}

/// A spec's `info.version`, empty when it has none.
fn version(spec: &Value) -> &str {
    spec.pointer("/info/version").and_then(Value::as_str).unwrap_or("")
}

/// Whether the changes are allowed: `Err` naming the breaking ones when the major did not move.
pub fn verdict(old: &Value, new: &Value, changes: &[Change]) -> Result<(), String> {
    let breaking: Vec<&str> = changes.iter().filter(|c| c.breaking).map(|c| c.text.as_str()).collect();
    if breaking.is_empty() || major(new)? > major(old)? {
        return Ok(());
    }
    Err(format!(
        "{} change(s) would break a client of the released spec {}, and info.version ({}) keeps its \
         major: raise it, or make the change compatible",
        breaking.len(),
        version(old),
        version(new)
    ))
}

fn read(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    crate::codegen::spec::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `cargo xtask spec-diff`.
pub fn run(root: &Path) -> Result<(), String> {
    let old = read(&root.join(RELEASED))?;
    let new = read(&root.join(crate::codegen::SPEC_PATH))?;
    let changes = changes(&old, &new)?;
    println!(
        "spec-diff: {} against the released {} ({RELEASED}): {} change(s)",
        version(&new),
        version(&old),
        changes.len()
    );
    for change in &changes {
        println!("  {}", change.text);
    }
    if changes.is_empty() && old != new {
        println!("  (descriptions or examples differ from the release: nothing a generated client sees)");
    }
    verdict(&old, &new, &changes)
}

/// `cargo xtask release-spec`.
pub fn release(root: &Path) -> Result<(), String> {
    let spec_path = root.join(crate::codegen::SPEC_PATH);
    let released_path = root.join(RELEASED);
    let new = read(&spec_path)?;
    let old = read(&released_path)?;
    let changes = changes(&old, &new)?;
    verdict(&old, &new, &changes)?;
    if old == new {
        println!("release-spec: nothing changed since {}", version(&old));
        return Ok(());
    }
    if version(&new) == version(&old) {
        return Err(format!(
            "{} since {}, and info.version is still {}: raise it first",
            if changes.is_empty() {
                "descriptions or examples changed".to_string()
            } else {
                format!("{} change(s)", changes.len())
            },
            version(&old),
            version(&new)
        ));
    }
    let (from, to) = (triple(&old)?, triple(&new)?);
    if to <= from {
        return Err(format!(
            "info.version {} does not grow from the released {}",
            version(&new),
            version(&old)
        ));
    }
    if changes.is_empty() && (to.0, to.1) != (from.0, from.1) {
        return Err(format!(
            "only descriptions or examples changed since {}: such a release moves the patch number only, not to {}",
            version(&old),
            version(&new)
        ));
    }
    let changelog_path = root.join(CHANGELOG);
    let mut changelog =
        std::fs::read_to_string(&changelog_path).unwrap_or_else(|_| "# Changelog of openapi.yaml\n".into());
    changelog.push_str(&format!("\n## {}\n\n", version(&new)));
    for change in &changes {
        changelog.push_str(&format!("- {}\n", change.text.trim()));
    }
    // drift compares what a client is generated from, not descriptions or examples: a release of
    // only those (a corrected example, say) still gets a version and a line.
    if changes.is_empty() {
        changelog.push_str("- Descriptions or examples only: nothing a generated client sees.\n");
    }
    std::fs::write(&changelog_path, changelog).map_err(|e| format!("{CHANGELOG}: {e}"))?;
    std::fs::copy(&spec_path, &released_path).map_err(|e| format!("{RELEASED}: {e}"))?;
    println!(
        "release-spec: {} released ({} change(s) in {CHANGELOG})",
        version(&new),
        changes.len()
    );
    Ok(())
}

/// The proof the issue asks for: a copy of the spec changed three ways.
#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Value {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        read(&root.join(crate::codegen::SPEC_PATH)).unwrap()
    }

    fn outcome(change: impl FnOnce(&mut Value)) -> (Vec<Change>, Result<(), String>) {
        let old = spec();
        let mut new = old.clone();
        change(&mut new);
        let changes = changes(&old, &new).unwrap();
        let verdict = verdict(&old, &new, &changes);
        (changes, verdict)
    }

    fn schema<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
        spec.pointer_mut(&format!("/components/schemas/{name}")).unwrap()
    }

    #[test]
    fn the_released_spec_and_the_spec_agree_or_the_major_moved() {
        // What CI's spec-diff says, as a test: the checked-in pair passes.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let (old, new) = (read(&root.join(RELEASED)).unwrap(), spec());
        verdict(&old, &new, &changes(&old, &new).unwrap()).unwrap();
    }

    #[test]
    fn removing_a_response_field_breaks_clients() {
        let (changes, verdict) = outcome(|spec| {
            let message = schema(spec, "Message");
            message["properties"].as_object_mut().unwrap().remove("text");
            let required = message["required"].as_array_mut().unwrap();
            required.retain(|name| name != "text");
        });
        assert!(changes.iter().any(|c| c.breaking), "{changes:#?}");
        assert!(verdict.is_err());
    }

    #[test]
    fn making_an_optional_request_field_required_breaks_clients() {
        let (changes, verdict) = outcome(|spec| {
            let body = schema(spec, "SendMessageRequest").as_object_mut().unwrap();
            let required = body.entry("required").or_insert(serde_json::json!([]));
            let required = required.as_array_mut().unwrap();
            assert!(
                !required.contains(&"account_id".into()),
                "account_id is optional in the spec"
            );
            required.push("account_id".into());
        });
        assert!(changes.iter().any(|c| c.breaking), "{changes:#?}");
        assert!(verdict.is_err());
    }

    #[test]
    fn adding_an_optional_response_field_does_not() {
        let (changes, verdict) = outcome(|spec| {
            let message = schema(spec, "Message");
            message["properties"]["pinned"] = serde_json::json!({"type": "boolean"});
        });
        assert!(!changes.is_empty(), "the change is seen");
        assert!(changes.iter().all(|c| !c.breaking), "{changes:#?}");
        verdict.unwrap();
    }

    #[test]
    fn a_breaking_change_passes_once_the_major_is_raised() {
        let (_, verdict) = outcome(|spec| {
            schema(spec, "Message")["properties"]
                .as_object_mut()
                .unwrap()
                .remove("text");
            // The next major of the spec's own version, whatever it is today.
            let version = spec["info"]["version"].as_str().unwrap().to_string();
            let major: u64 = version.split('.').next().unwrap().parse().unwrap();
            spec["info"]["version"] = format!("{}.0.0", major + 1).into();
        });
        verdict.unwrap();
    }

    #[test]
    fn an_open_enum_may_gain_values_a_closed_one_may_not() {
        let add_value = |spec: &mut Value, name: &str, open: bool| {
            let schema = schema(spec, name);
            schema["enum"].as_array_mut().unwrap().push("NEW_VALUE".into());
            schema[OPEN_ENUM] = open.into();
        };
        let (changes, verdict) = outcome(|spec| add_value(spec, "MessageType", true));
        assert!(!changes.is_empty() && verdict.is_ok(), "{changes:#?}");
        let (changes, verdict) = outcome(|spec| add_value(spec, "MessageType", false));
        assert!(verdict.is_err(), "{changes:#?}");
    }

    /// A released spec and a spec in a scratch checkout: (root, spec path, released path).
    fn checkout(
        name: &str,
        edit: impl FnOnce(&str) -> String,
    ) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
        let root = std::env::temp_dir().join(format!("postpress-release-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml")).unwrap();
        let (spec, released) = (root.join(crate::codegen::SPEC_PATH), root.join(RELEASED));
        std::fs::write(&released, &text).unwrap();
        std::fs::write(&spec, edit(&text)).unwrap();
        (root, spec, released)
    }

    #[test]
    fn a_release_of_descriptions_only_needs_a_version_and_gets_a_line() {
        let describe =
            |text: &str| text.replacen("summary: Retrieve a message\n", "summary: Retrieve one message\n", 1);
        let (root, spec, released) = checkout("docs", describe);
        assert_ne!(std::fs::read(&spec).unwrap(), std::fs::read(&released).unwrap());
        let refused = release(&root).unwrap_err();
        assert!(refused.contains("descriptions or examples changed"), "{refused}");
        assert!(!root.join(CHANGELOG).exists(), "a refused release writes nothing");

        let version = read(&released).unwrap()["info"]["version"]
            .as_str()
            .unwrap()
            .to_string();
        let (major, minor, patch) = triple(&read(&released).unwrap()).unwrap();
        let set_version = |to: &str| {
            let text = std::fs::read_to_string(&spec).unwrap();
            let current = read(&spec).unwrap()["info"]["version"].as_str().unwrap().to_string();
            let text = text.replacen(&format!("\n  version: {current}\n"), &format!("\n  version: {to}\n"), 1);
            std::fs::write(&spec, text).unwrap();
        };
        // Descriptions only: neither the minor nor the major may move, and the version must grow.
        for refused_version in [
            format!("{}.0.0", major + 1),
            format!("{major}.{}.0", minor + 1),
            format!("{major}.{minor}.{}", patch.saturating_sub(1)),
        ] {
            set_version(&refused_version);
            if refused_version == version {
                continue;
            }
            let refused = release(&root).unwrap_err();
            assert!(
                refused.contains("moves the patch number only") || refused.contains("does not grow"),
                "{refused_version}: {refused}"
            );
            assert!(!root.join(CHANGELOG).exists(), "a refused release writes nothing");
        }
        let raised = format!("{major}.{minor}.{}", patch + 1);
        set_version(&raised);
        release(&root).unwrap();
        assert_eq!(std::fs::read(&spec).unwrap(), std::fs::read(&released).unwrap());
        let changelog = std::fs::read_to_string(root.join(CHANGELOG)).unwrap();
        assert!(
            changelog.contains(&format!("\n## {raised}\n\n- Descriptions or examples only")),
            "{changelog}"
        );
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_release_must_raise_the_version() {
        // A new optional answer field (a minor change) under a lower version than the released one.
        let lower = |text: &str| {
            let version = crate::codegen::spec::parse(text).unwrap()["info"]["version"]
                .as_str()
                .unwrap()
                .to_string();
            text.replacen(&format!("\n  version: {version}\n"), "\n  version: 0.0.1\n", 1)
                .replacen("summary: Retrieve a message\n", "summary: Retrieve one message\n", 1)
        };
        let (root, _, _) = checkout("lower", lower);
        let refused = release(&root).unwrap_err();
        assert!(refused.contains("does not grow"), "{refused}");
        assert!(!root.join(CHANGELOG).exists());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn an_unchanged_spec_releases_nothing() {
        let (root, _, _) = checkout("same", str::to_string);
        release(&root).unwrap();
        assert!(!root.join(CHANGELOG).exists());
        let _ = std::fs::remove_dir_all(&root);
    }
}
