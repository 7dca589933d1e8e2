//! The features of the API's parts in `Cargo.toml`, which `cargo xtask gen` writes from the spec's
//! tags (`codegen/parts.rs`): one feature per part, and `full` enabling them all, in a block of
//! `[features]` that nothing else writes.

use crate::codegen::parts::{FULL, Part};

/// The first line of the block `cargo xtask gen` writes into `Cargo.toml`'s `[features]`.
const BLOCK_START: &str = "# The API's parts, one feature each: written by `cargo xtask gen` from the spec's tags.";
/// Its last line.
const BLOCK_END: &str = "# (end of the API's parts)";

/// The features of the parts, and `full` enabling them all, as `Cargo.toml` lines (the block
/// between [`BLOCK_START`] and [`BLOCK_END`], both included).
pub fn features_block(parts: &[Part]) -> String {
    let mut block = format!("{BLOCK_START}\n");
    for part in parts {
        let tags: Vec<String> = part.tags.iter().map(|t| format!("`{t}`")).collect();
        block.push_str(&format!(
            "# The operations tagged {}.\n{} = []\n",
            tags.join(", "),
            part.feature
        ));
    }
    let all: Vec<String> = parts.iter().map(|p| format!("{:?}", p.feature)).collect();
    block.push_str(&format!("# Every part of the API.\n{FULL} = [{}]\n", all.join(", ")));
    block.push_str(BLOCK_END);
    block.push('\n');
    block
}

/// `manifest` (a `Cargo.toml`'s text) with its parts block replaced by `block`. The block must be
/// there once; a part may not take the name of a feature defined outside it.
pub fn with_features_block(manifest: &str, block: &str, parts: &[Part]) -> Result<String, String> {
    let start = manifest
        .find(&format!("{BLOCK_START}\n"))
        .ok_or(format!("Cargo.toml has no line {BLOCK_START:?} in [features]"))?;
    let end = manifest[start..]
        .find(&format!("{BLOCK_END}\n"))
        .map(|at| start + at + BLOCK_END.len() + 1)
        .ok_or(format!("Cargo.toml has no line {BLOCK_END:?} after the parts"))?;
    let outside = format!("{}{}", &manifest[..start], &manifest[end..]);
    for part in parts {
        if outside
            .lines()
            .any(|line| line.split('=').next().map(str::trim) == Some(part.feature.as_str()))
        {
            return Err(format!(
                "the part {:?} takes the name of a feature Cargo.toml defines for something else",
                part.feature
            ));
        }
    }
    Ok(format!("{}{block}{}", &manifest[..start], &manifest[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> Vec<Part> {
        let part = |feature: &str, tags: &[&str]| Part {
            feature: feature.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        };
        vec![
            part("hosted_auth", &["Hosted Auth"]),
            part("messaging", &["chats", "messages"]),
        ]
    }

    #[test]
    fn the_features_block_is_written_into_the_manifest() {
        let parts = parts();
        let block = features_block(&parts);
        assert!(block.contains("\nhosted_auth = []\n"), "{block}");
        assert!(
            block.contains("# The operations tagged `chats`, `messages`.\nmessaging = []\n"),
            "{block}"
        );
        assert!(block.contains("\nfull = [\"hosted_auth\", \"messaging\"]\n"), "{block}");
        let manifest =
            format!("[features]\ndefault = [\"messaging\"]\n{BLOCK_START}\nold = []\n{BLOCK_END}\nfake = []\n");
        let written = with_features_block(&manifest, &block, &parts).unwrap();
        assert_eq!(
            written,
            format!("[features]\ndefault = [\"messaging\"]\n{block}fake = []\n")
        );
        assert_eq!(
            with_features_block(&written, &block, &parts).unwrap(),
            written,
            "idempotent"
        );
        let taken = format!("[features]\nmessaging = []\n{BLOCK_START}\n{BLOCK_END}\n");
        assert!(
            with_features_block(&taken, &block, &parts)
                .unwrap_err()
                .contains("\"messaging\"")
        );
        assert!(with_features_block("[features]\n", &block, &parts).is_err());
    }
}
