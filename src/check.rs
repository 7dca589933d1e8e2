//! The spec's constraints on a parameter or a body field, checked before anything is sent. The
//! generated request types hold one [`Constraints`] per constrained value (written out from the spec by
//! `codegen/model.rs`) and call the checks here when they are awaited; a violation is an
//! [`Error::InvalidInput`] naming the value, whose outcome is `NotApplied`.

use crate::error::Error;

/// What the spec allows for one value (the operation table's type).
pub(crate) use crate::operations::Constraints;

fn refuse(name: &str, problem: impl std::fmt::Display) -> Error {
    Error::invalid_input(format!("{name} {problem}"))
}

/// A required value that was not given.
pub(crate) fn missing(name: &str) -> Error {
    refuse(name, "is required")
}

/// The first refusal of `checks`, as its message (what a request keeps until it is awaited).
pub(crate) fn all<const N: usize>(checks: [Result<(), Error>; N]) -> Result<(), String> {
    for check in checks {
        if let Err(error) = check {
            return Err(match error {
                Error::InvalidInput(invalid) => invalid.message,
                other => other.to_string(),
            });
        }
    }
    Ok(())
}

/// A path parameter: never empty or a dot segment (no URL can carry those), and the spec's rule.
pub(crate) fn path(name: &str, value: &str, rule: &Constraints) -> Result<(), Error> {
    if let Some(problem) = crate::path::check_id(value) {
        return Err(refuse(name, problem));
    }
    text(name, value, rule)
}

/// A string value: length in characters (as JSON Schema counts), pattern, enum.
pub(crate) fn text(name: &str, value: &str, rule: &Constraints) -> Result<(), Error> {
    if rule.min_length.is_some() || rule.max_length.is_some() {
        let length = value.chars().count() as u64;
        if let Some(min) = rule.min_length.filter(|min| length < *min) {
            return Err(refuse(name, format_args!("is shorter than {min} characters")));
        }
        if let Some(max) = rule.max_length.filter(|max| length > *max) {
            return Err(refuse(name, format_args!("is longer than {max} characters")));
        }
    }
    if let Some(pattern) = rule.pattern {
        let regex = regress::Regex::new(pattern).map_err(|e| {
            refuse(
                name,
                format_args!("cannot be checked: the spec's pattern {pattern:?} is invalid ({e})"),
            )
        })?;
        if regex.find(value).is_none() {
            return Err(refuse(
                name,
                format_args!("{value:?} does not match the pattern {pattern:?}"),
            ));
        }
    }
    one_of(name, value, rule)
}

fn one_of(name: &str, wire: &str, rule: &Constraints) -> Result<(), Error> {
    if rule.values.is_empty() || rule.values.contains(&wire) {
        Ok(())
    } else {
        Err(refuse(
            name,
            format_args!("{wire:?} is not one of {}", rule.values.join(", ")),
        ))
    }
}

/// A number or an integer: bounds and enum.
pub(crate) fn number(name: &str, value: f64, rule: &Constraints) -> Result<(), Error> {
    if let Some(min) = rule.minimum {
        let below = if rule.exclusive_minimum {
            value <= min
        } else {
            value < min
        };
        if below {
            let word = if rule.exclusive_minimum {
                "more than"
            } else {
                "at least"
            };
            return Err(refuse(name, format_args!("is {value}, it must be {word} {min}")));
        }
    }
    if let Some(max) = rule.maximum {
        let above = if rule.exclusive_maximum {
            value >= max
        } else {
            value > max
        };
        if above {
            let word = if rule.exclusive_maximum { "less than" } else { "at most" };
            return Err(refuse(name, format_args!("is {value}, it must be {word} {max}")));
        }
    }
    if rule.values.is_empty() {
        return Ok(());
    }
    one_of(name, &value.to_string(), rule)
}

/// An integer: bounds as for [`number`], and the enum compared as the integer's own text.
pub(crate) fn integer(name: &str, value: i64, rule: &Constraints) -> Result<(), Error> {
    number(name, value as f64, &Constraints { values: &[], ..*rule })?;
    if rule.values.is_empty() {
        return Ok(());
    }
    one_of(name, &value.to_string(), rule)
}

/// A list's length (each item is checked with the item's own rule by the caller).
pub(crate) fn items(name: &str, len: usize, rule: &Constraints) -> Result<(), Error> {
    let len = len as u64;
    if let Some(min) = rule.min_items.filter(|min| len < *min) {
        return Err(refuse(
            name,
            format_args!("has {len} items, at least {min} are required"),
        ));
    }
    if let Some(max) = rule.max_items.filter(|max| len > *max) {
        return Err(refuse(name, format_args!("has {len} items, at most {max} are allowed")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(result: Result<(), Error>) -> String {
        result.expect_err("refused").to_string()
    }

    #[test]
    fn lengths_patterns_and_enums() {
        let rule = Constraints {
            min_length: Some(2),
            max_length: Some(4),
            pattern: Some("^acc_[0-9]*$"),
            ..Constraints::NONE
        };
        assert!(text("account_id", "acc_", &rule).is_ok());
        assert!(message(text("account_id", "a", &rule)).contains("account_id is shorter than 2"));
        assert!(message(text("account_id", "acc_12", &rule)).contains("longer than 4"));
        assert!(message(text("account_id", "abcd", &rule)).contains("does not match the pattern"));
        // Characters, not bytes.
        let emoji = Constraints {
            max_length: Some(1),
            ..Constraints::NONE
        };
        assert!(text("reaction", "👍", &emoji).is_ok());
        let values = Constraints {
            values: &["LINKEDIN", "WHATSAPP"],
            ..Constraints::NONE
        };
        assert!(text("account_type", "LINKEDIN", &values).is_ok());
        assert!(message(text("account_type", "FAX", &values)).contains("\"FAX\" is not one of LINKEDIN, WHATSAPP"));
        let broken = Constraints {
            pattern: Some("("),
            ..Constraints::NONE
        };
        assert!(message(text("x", "y", &broken)).contains("is invalid"));
    }

    #[test]
    fn ranges_exclusive_bounds_and_integer_enums() {
        let rule = Constraints {
            minimum: Some(1.0),
            maximum: Some(100.0),
            ..Constraints::NONE
        };
        assert!(integer("limit", 1, &rule).is_ok());
        assert!(integer("limit", 100, &rule).is_ok());
        assert!(message(integer("limit", 0, &rule)).contains("limit is 0, it must be at least 1"));
        assert!(message(integer("limit", 101, &rule)).contains("at most 100"));
        assert!(integer("limit", i64::MIN, &rule).is_err());
        let exclusive = Constraints {
            minimum: Some(0.0),
            exclusive_minimum: true,
            ..Constraints::NONE
        };
        assert!(message(number("ratio", 0.0, &exclusive)).contains("more than 0"));
        assert!(number("ratio", 0.5, &exclusive).is_ok());
        let flags = Constraints {
            values: &["0", "1"],
            ..Constraints::NONE
        };
        assert!(integer("flag", 1, &flags).is_ok());
        assert!(message(integer("flag", 2, &flags)).contains("is not one of 0, 1"));
    }

    #[test]
    fn paths_and_lists() {
        assert!(message(path("chat_id", "", &Constraints::NONE)).contains("chat_id is empty"));
        assert!(message(path("chat_id", "..", &Constraints::NONE)).contains("dot segment"));
        assert!(path("chat_id", "chat_1", &Constraints::NONE).is_ok());
        let rule = Constraints {
            min_items: Some(1),
            max_items: Some(2),
            ..Constraints::NONE
        };
        assert!(message(items("labels", 0, &rule)).contains("at least 1"));
        assert!(message(items("labels", 3, &rule)).contains("at most 2"));
        assert!(items("labels", 2, &rule).is_ok());
        assert_eq!(missing("reaction").outcome(), crate::Outcome::NotApplied);
    }
}
