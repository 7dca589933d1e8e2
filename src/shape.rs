//! The spec's constraints inside a JSON value (an object, a list, a union), checked before anything
//! is sent. typify's types carry a schema's structure but not its bounds (a `number` with a
//! `maximum` is an `f64`, a list with `maxItems` a `Vec`), and a value sent as any JSON (the CLI's,
//! an MCP tool's) carries neither. So for every body field, form part or parameter whose schema
//! constrains something below its top, `codegen/shapes.rs` writes the schema out as a [`Shape`],
//! and the generated `prepare()` checks the value as it will be sent. A violation is an
//! [`Error::InvalidInput`] naming where it is (`linkedin.follow_up.scheduled_time.weeks`), whose
//! outcome is `NotApplied`, like the checks of a top-level value (`crate::check`).
//!
//! Why not a JSON Schema validator crate: `jsonschema` (the tests' validator, default features off)
//! would add 46 crates to every user's build that the SDK does not already pull in (counted with
//! `cargo tree`: a second regex engine, num, parking_lot, ...), and would read the spec's schemas
//! at run time. This walks a tree written at build time, with the regex engine the SDK already uses
//! for patterns (`regress`); what it allocates is the value's JSON and the name of each place it checks.

use std::fmt;

use crate::check::{self, Constraints};
use crate::error::Error;

/// What the spec requires of one JSON value. `null` is accepted anywhere: whether a field may be
/// null is the types' business, and a null has nothing to bound.
#[derive(Debug, PartialEq)]
pub(crate) enum Shape {
    /// Any value (a schema with nothing to check).
    Any,
    /// A string, with its rule.
    Text(Constraints),
    /// A number, with its rule.
    Number(Constraints),
    /// An integer, with its rule.
    Integer(Constraints),
    /// A boolean (told apart from the other branches of a union).
    Boolean,
    /// An object: the properties that are constrained, the required ones, and the shape of every
    /// other property's value (`additionalProperties`), if the spec gives one.
    Object {
        properties: &'static [(&'static str, Shape)],
        required: &'static [&'static str],
        others: Option<&'static Shape>,
    },
    /// A list: each item's shape, and `minItems` / `maxItems`.
    List { items: &'static Shape, rule: Constraints },
    /// `anyOf` / `oneOf`: matches when a branch does (that only one matches is the types' business).
    OneOf(&'static [Shape]),
    /// `allOf`: matches when every part does.
    AllOf(&'static [Shape]),
}

/// Checks `value`, as it will be sent, against `shape`; `name` is the field's.
pub(crate) fn check(name: &str, value: &impl serde::Serialize, shape: &Shape) -> Result<(), Error> {
    let value = serde_json::to_value(value)
        .map_err(|e| Error::invalid_input(format!("{name} cannot be written as JSON: {e}")))?;
    check_json(name, &value, shape)
}

/// Checks a JSON value against `shape`.
pub(crate) fn check_json(name: &str, value: &serde_json::Value, shape: &Shape) -> Result<(), Error> {
    walk(&Place::Root(name), value, shape).map_err(|fault| fault.error)
}

/// Where a value is, rendered only when something is refused.
enum Place<'a> {
    Root(&'a str),
    Field(&'a Place<'a>, &'a str),
    Item(&'a Place<'a>, usize),
}

impl Place<'_> {
    fn depth(&self) -> usize {
        match self {
            Place::Root(_) => 0,
            Place::Field(parent, _) | Place::Item(parent, _) => parent.depth() + 1,
        }
    }
}

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Root(name) => f.write_str(name),
            // The fields of a body checked as a whole are named as their setters are.
            Place::Field(Place::Root(""), field) => f.write_str(field),
            Place::Field(parent, field) => write!(f, "{parent}.{field}"),
            Place::Item(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// A refusal, and how far into the value it was found: of a union's failing branches, the one that
/// got furthest is the one the caller meant.
struct Fault {
    error: Error,
    depth: usize,
    /// A wrong type ranks below a missing field, which ranks below a wrong value, at one depth.
    rank: u8,
    /// The place of a missing field: where every branch of a union misses one, the refusal
    /// names them all.
    missing: Option<String>,
}

const WRONG_TYPE: u8 = 0;
const MISSING: u8 = 1;
const WRONG_VALUE: u8 = 2;

fn fault(place: &Place<'_>, rank: u8, error: Error) -> Fault {
    Fault {
        error,
        depth: place.depth(),
        rank,
        missing: (rank == MISSING).then(|| place.to_string()),
    }
}

fn wrong_type(place: &Place<'_>, expected: &str) -> Fault {
    fault(
        place,
        WRONG_TYPE,
        Error::invalid_input(format!("{place} is not {expected}")),
    )
}

fn walk(place: &Place<'_>, value: &serde_json::Value, shape: &Shape) -> Result<(), Fault> {
    use serde_json::Value;
    let ruled = |result: Result<(), Error>| result.map_err(|error| fault(place, WRONG_VALUE, error));
    match (shape, value) {
        (Shape::Any, _) | (_, Value::Null) => Ok(()),
        (Shape::Text(rule), Value::String(text)) => ruled(check::text(&place.to_string(), text, rule)),
        (Shape::Text(_), _) => Err(wrong_type(place, "a string")),
        (Shape::Number(rule), Value::Number(number)) => match number.as_f64() {
            Some(number) => ruled(check::number(&place.to_string(), number, rule)),
            None => Err(wrong_type(place, "a number")),
        },
        (Shape::Number(_), _) => Err(wrong_type(place, "a number")),
        (Shape::Integer(rule), Value::Number(number)) => match integer(number) {
            Some(integer) => ruled(check::integer(&place.to_string(), integer, rule)),
            None => Err(wrong_type(place, "an integer")),
        },
        (Shape::Integer(_), _) => Err(wrong_type(place, "an integer")),
        (Shape::Boolean, Value::Bool(_)) => Ok(()),
        (Shape::Boolean, _) => Err(wrong_type(place, "a boolean")),
        (
            Shape::Object {
                properties,
                required,
                others,
            },
            Value::Object(object),
        ) => {
            for field in required.iter() {
                if !object.contains_key(*field) {
                    let place = Place::Field(place, field);
                    return Err(fault(&place, MISSING, check::missing(&place.to_string())));
                }
            }
            for (field, value) in object {
                let shape = properties
                    .iter()
                    .find(|(name, _)| name == field)
                    .map(|(_, shape)| shape)
                    .or(*others);
                if let Some(shape) = shape {
                    walk(&Place::Field(place, field), value, shape)?;
                }
            }
            Ok(())
        }
        (Shape::Object { .. }, _) => Err(wrong_type(place, "an object")),
        (Shape::List { items, rule }, Value::Array(list)) => {
            ruled(check::items(&place.to_string(), list.len(), rule))?;
            for (index, item) in list.iter().enumerate() {
                walk(&Place::Item(place, index), item, items)?;
            }
            Ok(())
        }
        (Shape::List { .. }, _) => Err(wrong_type(place, "a list")),
        (Shape::OneOf(branches), _) => {
            let mut best: Option<Fault> = None;
            // Each branch's missing field, while every branch is an object that requires one
            // field only and misses it: a union of which one field is needed (a message's text
            // or a file).
            let mut missing: Option<Vec<String>> = Some(Vec::new());
            for branch in branches.iter() {
                match walk(place, value, branch) {
                    Ok(()) => return Ok(()),
                    Err(fault) => {
                        let requires_one = matches!(branch, Shape::Object { required, .. } if required.len() == 1);
                        match (&mut missing, &fault.missing) {
                            (Some(names), Some(name)) if requires_one && fault.depth == place.depth() + 1 => {
                                if !names.contains(name) {
                                    names.push(name.clone());
                                }
                            }
                            _ => missing = None,
                        }
                        if best
                            .as_ref()
                            .is_none_or(|best| (fault.depth, fault.rank) > (best.depth, best.rank))
                        {
                            best = Some(fault);
                        }
                    }
                }
            }
            match (best, missing) {
                // Fields of which one is needed: all are named.
                (Some(fault), Some(names)) if names.len() > 1 => Err(Fault {
                    error: Error::invalid_input(format!("one of {} is required", names.join(", "))),
                    missing: None,
                    ..fault
                }),
                (Some(fault), _) => Err(fault),
                // A union of no branch: nothing the spec allows, which the types already refuse.
                (None, _) => Ok(()),
            }
        }
        (Shape::AllOf(parts), _) => parts.iter().try_for_each(|part| walk(place, value, part)),
    }
}

/// A JSON number that is an integer (`3.0` too, as JSON Schema counts it).
fn integer(number: &serde_json::Number) -> Option<i64> {
    number.as_i64().or_else(|| {
        number
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64)
            .map(|f| f as i64)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const WEEKS: Constraints = Constraints {
        minimum: Some(1.0),
        maximum: Some(4.0),
        ..Constraints::NONE
    };
    const DAYS: Constraints = Constraints {
        minimum: Some(3.0),
        maximum: Some(28.0),
        ..Constraints::NONE
    };
    const SCHEDULE_WEEKS: Shape = Shape::Object {
        properties: &[("weeks", Shape::Number(WEEKS))],
        required: &["weeks", "timezone"],
        others: None,
    };
    static SCHEDULE: Shape = Shape::OneOf(&[
        Shape::Object {
            properties: &[("days", Shape::Number(DAYS))],
            required: &["days", "timezone"],
            others: None,
        },
        SCHEDULE_WEEKS,
    ]);

    fn refused(value: serde_json::Value, shape: &Shape) -> String {
        check_json("linkedin", &value, shape).expect_err("refused").to_string()
    }

    #[test]
    fn a_union_reports_the_branch_that_got_furthest() {
        assert!(check_json("s", &json!({"weeks": 2, "timezone": "UTC"}), &SCHEDULE).is_ok());
        assert!(check_json("s", &json!({"days": 3, "timezone": "UTC"}), &SCHEDULE).is_ok());
        let weeks = refused(json!({"weeks": 10, "timezone": "UTC"}), &SCHEDULE);
        assert!(weeks.contains("linkedin.weeks is 10, it must be at most 4"), "{weeks}");
        let days = refused(json!({"days": 1, "timezone": "UTC"}), &SCHEDULE);
        assert!(days.contains("linkedin.days is 1, it must be at least 3"), "{days}");
        // Branches that each require more than the field they miss: the first's refusal.
        let neither = refused(json!({"timezone": "UTC"}), &SCHEDULE);
        assert!(neither.contains("linkedin.days is required"), "{neither}");
        let outcome = check_json("s", &json!({"weeks": 0, "timezone": "UTC"}), &SCHEDULE).unwrap_err();
        assert_eq!(outcome.outcome(), crate::Outcome::NotApplied);
    }

    #[test]
    fn a_body_checked_as_a_whole_names_its_fields_as_setters() {
        static ONE_OF_TWO: Shape = Shape::OneOf(&[
            Shape::Object {
                properties: &[],
                required: &["text"],
                others: None,
            },
            Shape::Object {
                properties: &[],
                required: &["attachments"],
                others: None,
            },
        ]);
        let error = check_json("", &json!({"account_id": "a"}), &ONE_OF_TWO).unwrap_err();
        assert!(
            error.to_string().contains("one of text, attachments is required"),
            "{error}"
        );
        assert!(check_json("", &json!({"attachments": [""]}), &ONE_OF_TWO).is_ok());
    }

    #[test]
    fn places_lists_maps_and_types() {
        static LABELS: Shape = Shape::Object {
            properties: &[(
                "labels",
                Shape::List {
                    items: &Shape::Text(Constraints {
                        max_length: Some(3),
                        ..Constraints::NONE
                    }),
                    rule: Constraints {
                        max_items: Some(2),
                        ..Constraints::NONE
                    },
                },
            )],
            required: &[],
            others: Some(&Shape::Integer(Constraints {
                minimum: Some(0.0),
                ..Constraints::NONE
            })),
        };
        assert!(check_json("x", &json!({"labels": ["a", "b"], "n": 3, "m": 2.0}), &LABELS).is_ok());
        assert!(refused(json!({"labels": ["a", "long"]}), &LABELS).contains("linkedin.labels[1] is longer than 3"));
        assert!(refused(json!({"labels": ["a", "b", "c"]}), &LABELS).contains("linkedin.labels has 3 items"));
        assert!(refused(json!({"n": -1}), &LABELS).contains("linkedin.n is -1, it must be at least 0"));
        assert!(refused(json!({"n": 1.5}), &LABELS).contains("linkedin.n is not an integer"));
        assert!(refused(json!({"labels": "a"}), &LABELS).contains("linkedin.labels is not a list"));
        assert!(refused(json!([]), &LABELS).contains("linkedin is not an object"));
        // A null has nothing to bound; a property the shape does not name is not looked at.
        assert!(check_json("x", &json!({"labels": null}), &LABELS).is_ok());
        let noted = json!({"weeks": 2, "timezone": "UTC", "note": {"deep": [true]}});
        assert!(check_json("s", &noted, &SCHEDULE).is_ok());
        // `allOf`: every part must hold.
        static BOTH: Shape = Shape::AllOf(&[Shape::Any, SCHEDULE_WEEKS]);
        assert!(refused(json!({"weeks": 5, "timezone": "UTC"}), &BOTH).contains("linkedin.weeks is 5"));
    }

    #[test]
    fn a_branch_is_told_apart_by_its_type() {
        static FLAG_OR_CODE: Shape = Shape::OneOf(&[
            Shape::Boolean,
            Shape::Text(Constraints {
                max_length: Some(2),
                ..Constraints::NONE
            }),
        ]);
        assert!(check_json("f", &json!(true), &FLAG_OR_CODE).is_ok());
        assert!(check_json("f", &json!("ab"), &FLAG_OR_CODE).is_ok());
        assert!(refused(json!("abc"), &FLAG_OR_CODE).contains("longer than 2"));
        assert!(refused(json!(3), &FLAG_OR_CODE).contains("is not a boolean"));
    }
}
