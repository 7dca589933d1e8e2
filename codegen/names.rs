//! The names of what the generator makes itself: the component keys `normalize` gives the schemas
//! it names, our own types (open enums, tagged unions, events) and their variants and constants,
//! and the requests' setters. Every name is a valid identifier, whatever the spec writes (`"1"`,
//! `"+1"`, `"a b"`, a keyword).
//!
//! The names typify gives are not made here: they are asked of typify (`typify_types`), so nothing
//! depends on the rules below agreeing with typify's. They follow typify's all the same, so a type
//! we make reads like one typify makes, and so the types keep the names they had.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Rust's keywords, and `gen` (reserved in edition 2024), which typify suffixes with `_`.
const KEYWORDS: &[&str] = &[
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro",
    "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "Self", "self", "static", "struct",
    "super", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where",
    "while", "yield",
];

/// The words of `text` in `case`, a leading character that cannot start an identifier prefixed
/// with `x`, a keyword suffixed with `_` (typify's rule, see the module's documentation).
fn sanitize(text: &str, case: fn(&str) -> String) -> String {
    let out = match text {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => {
            let cleaned: String = text
                .replace('\'', "")
                .chars()
                .map(|c| if unicode_ident::is_xid_continue(c) { c } else { '-' })
                .collect();
            case(&cleaned)
        }
    };
    let out = match out.chars().next() {
        None => case("x"),
        Some(c) if unicode_ident::is_xid_start(c) => out,
        Some(_) => format!("{}{out}", case("x")),
    };
    if KEYWORDS.contains(&out.as_str()) {
        format!("{out}_")
    } else {
        out
    }
}

/// A type's name for a schema named `name` (a component, or `{operationId}-response`).
pub fn type_name(name: &str) -> String {
    sanitize(name, |s| s.to_upper_camel_case())
}

/// A type name as an identifier.
pub fn type_ident(name: &str) -> syn::Ident {
    ident(&type_name(name))
}

/// An enum variant for a wire value (`"WHATSAPP"` -> `Whatsapp`, `"1"` -> `X1`).
pub fn variant(value: &str) -> String {
    type_name(value)
}

/// A constant's name for a value (`"yes"` -> `YES`, `1` -> `VALUE_1`, `-1` -> `VALUE_MINUS_1`).
pub fn constant(given: Option<&str>, number: i64) -> String {
    match given {
        Some(given) => {
            let name = sanitize(given, |s| s.to_shouty_snake_case());
            if name == "SELF_" || name.starts_with('X') && !given.to_uppercase().starts_with('X') {
                format!("VALUE_{name}")
            } else {
                name
            }
        }
        None if number < 0 => format!("VALUE_MINUS_{}", number.unsigned_abs()),
        None => format!("VALUE_{number}"),
    }
}

/// A setter, parameter or field name: snake case; a keyword is a raw identifier (`r#type`),
/// but for those that cannot be one (`self_`).
pub fn member(name: &str) -> syn::Ident {
    let snake = sanitize(name, |s| s.to_snake_case());
    let snake = match snake.strip_suffix('_') {
        Some(keyword)
            if KEYWORDS.contains(&keyword) && !matches!(keyword, "self" | "Self" | "super" | "crate" | "_") =>
        {
            keyword.to_string()
        }
        _ => snake,
    };
    ident(&snake)
}

/// `text` as an identifier (it is one: every name made here is).
pub fn ident(text: &str) -> syn::Ident {
    match syn::parse_str::<syn::Ident>(text) {
        Ok(ident) => ident,
        Err(_) if KEYWORDS.contains(&text) && !matches!(text, "self" | "Self" | "super" | "crate" | "_") => {
            syn::Ident::new_raw(text, proc_macro2::Span::call_site())
        }
        Err(_) => quote::format_ident!(
            "x_{}",
            text.chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        ),
    }
}

/// The variants of an enum of `wires`, one each, told apart by a number where two would be named
/// alike; none is `Unknown`, the variant of the values the spec does not list.
pub fn variants(wires: &[String]) -> Vec<syn::Ident> {
    let names = unique(
        wires
            .iter()
            .map(|w| variant(w))
            .chain(["Unknown".to_string()])
            .collect(),
    );
    names[..wires.len()].iter().map(|v| ident(v)).collect()
}

/// Makes each name of `names` unique by suffixing a number to repeats (`A`, `A2`, `A3`).
pub fn unique(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    names
        .into_iter()
        .map(|name| {
            let mut candidate = name.clone();
            let mut n = 2;
            while !seen.insert(candidate.clone()) {
                candidate = format!("{name}{n}");
                n += 1;
            }
            candidate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_an_identifier() {
        assert_eq!(type_name("get_message-response"), "GetMessageResponse");
        assert_eq!(type_name("Add a new education"), "AddANewEducation");
        assert_eq!(variant("1"), "X1");
        assert_eq!(variant("+1"), "plus1");
        assert_eq!(variant("-1"), "minus1");
        assert_eq!(variant("*"), "X");
        assert_eq!(variant("self"), "Self_");
        assert_eq!(member("type").to_string(), "r#type");
        assert_eq!(member("self").to_string(), "self_");
        assert_eq!(member("accountId").to_string(), "account_id");
        assert_eq!(constant(Some("NO"), 0), "NO");
        assert_eq!(constant(None, -1), "VALUE_MINUS_1");
        assert_eq!(
            unique(vec!["A".into(), "A".into(), "B".into(), "A".into()]),
            ["A", "A2", "B", "A3"]
        );
        for text in ["1", "+1", "", "é", "a b", "fn", "gen", "Self", "__", "😀"] {
            let _ = ident(&type_name(text));
            let _ = member(text);
            let _ = ident(&constant(Some(text), 0));
        }
    }
}
