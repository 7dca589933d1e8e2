//! A command for every operation of the spec that has no hand-written one: named after its
//! `operationId` in kebab case (`list-accounts`), built from the operation table, with the path
//! parameters positional and a `--flag` for each query parameter and body field, and run through
//! `AnyRequest`, so an operation added to the spec is a command with no line here.
//!
//! The hand-written commands (`get`, `send`, `forward`, `react`, `chat`) predate this and keep
//! their names and flags; [`HAND_WRITTEN`] says which operation each one calls.

use std::io::IsTerminal;

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures_util::StreamExt;
use heck::ToKebabCase;
use postpress::operations::{Field, Location, OPERATIONS, Operation, OperationId, ValueKind};
use postpress::requests::AnyRequest;
use postpress::{Client, Error, Upload};
use serde_json::{Map, Value};

/// The operations with a hand-written command, and its name.
pub const HAND_WRITTEN: [(OperationId, &str); 5] = [
    (OperationId::GetMessage, "get"),
    (OperationId::SendMessage, "send"),
    (OperationId::ForwardMessage, "forward"),
    (OperationId::AddReaction, "react"),
    (OperationId::PatchChat, "chat"),
];

/// The flag that prints every item of every page of a list.
const ALL: &str = "all";
/// The option that names the file a download is written to.
const OUTPUT: &str = "output";
/// The flags of a generated command that are not the spec's: a field of one of these names takes
/// its flag with its place in front (`--query-all`).
const OWN_FLAGS: [&str; 4] = [ALL, OUTPUT, "help", "version"];

/// The operations that get a generated command.
fn generated() -> impl Iterator<Item = &'static Operation> {
    OPERATIONS
        .iter()
        .filter(|op| !HAND_WRITTEN.iter().any(|(id, _)| *id == op.operation))
}

/// The command name of a generated operation.
pub fn name(op: &Operation) -> String {
    op.id.to_kebab_case()
}

/// The generated commands, to add to the CLI's own.
pub fn commands() -> Vec<Command> {
    generated().map(command).collect()
}

/// The operation a generated command calls.
pub fn operation(command: &str) -> Option<&'static Operation> {
    generated().find(|op| name(op) == command)
}

fn is_positional(field: &Field) -> bool {
    field.location == Location::Path
}

fn command(op: &'static Operation) -> Command {
    let about = crate::text::plain(op.summary);
    let long_about = if op.description.is_empty() {
        about.clone()
    } else {
        format!("{about}\n\n{}", crate::text::plain(op.description))
    };
    let mut command = Command::new(name(op)).about(about).long_about(long_about);
    for field in op.fields {
        command = command.arg(arg(field));
    }
    if op.download {
        command = command.arg(
            Arg::new(OUTPUT)
                .long(OUTPUT)
                .short('o')
                .value_name("FILE")
                .help("Write the file the API answers to FILE [default: stdout, when it is not a terminal]"),
        );
    }
    if op.paginated {
        command = command.arg(
            Arg::new(ALL)
                .long(ALL)
                .action(ArgAction::SetTrue)
                .help("Every item of every page, one JSON object per line, printed as pages arrive"),
        );
    }
    command
}

/// The long flag of a field: its name in kebab case, with its place in front when the command has
/// a flag of that name of its own.
fn long(field: &Field) -> String {
    let name = field.name.to_kebab_case();
    if OWN_FLAGS.contains(&name.as_str()) {
        let place = match field.location {
            Location::Query => "query",
            Location::Body => "body",
            Location::Header => "header",
            // `Location` is non-exhaustive; a place added later reads as the path's.
            _ => "path",
        };
        format!("{place}-{name}")
    } else {
        name
    }
}

fn arg(field: &'static Field) -> Arg {
    let mut help = crate::text::plain(field.description);
    let value_name = match field.kind {
        ValueKind::Binary => "PATH",
        ValueKind::Boolean => "true|false",
        ValueKind::Integer | ValueKind::Number => "N",
        ValueKind::Json => "JSON",
        _ => "VALUE",
    };
    if field.list {
        help = format!("{help} (repeat for several, sent in order)").trim().to_string();
    }
    let mut arg = Arg::new(field.name).help(help).required(field.required);
    if is_positional(field) {
        arg = arg.value_name(field.name.to_uppercase());
    } else {
        arg = arg.long(long(field)).value_name(value_name);
    }
    if field.list {
        arg = arg.action(ArgAction::Append);
    }
    match field.kind {
        ValueKind::Boolean => arg.value_parser(["true", "false"]),
        ValueKind::Enum if !field.constraints.values.is_empty() => arg.value_parser(field.constraints.values.to_vec()),
        _ => arg,
    }
}

/// The arguments of `matches` by the spec's names, as `AnyRequest` takes them; a `JSON` value is
/// parsed, every other value stays text (the SDK reads numbers and booleans from text).
fn arguments(op: &Operation, matches: &ArgMatches) -> Result<Map<String, Value>, String> {
    let mut arguments = Map::new();
    let value = |field: &Field, text: &String| -> Result<Value, String> {
        match field.kind {
            ValueKind::Json => serde_json::from_str(text).map_err(|e| format!("--{}: not JSON: {e}", long(field))),
            _ => Ok(Value::String(text.clone())),
        }
    };
    for field in op.fields {
        let Some(values) = matches.get_many::<String>(field.name) else {
            continue;
        };
        let values: Vec<Value> = values.map(|text| value(field, text)).collect::<Result<_, _>>()?;
        let given = if field.list {
            Value::Array(values)
        } else {
            values.into_iter().next().unwrap_or(Value::Null)
        };
        arguments.insert(field.name.to_string(), given);
    }
    Ok(arguments)
}

/// What running a generated command failed on.
pub enum Failure {
    /// A usage error (clap's exit 2).
    Usage(String),
    /// The SDK's error, refused input included (exit 1, nothing sent).
    Call(Error),
}

/// Runs the generated command of `op`: prints its answer as JSON, or with `--all` every item of
/// every page, one JSON object per line, as the pages arrive.
pub async fn run(client: &Client, op: &Operation, matches: &ArgMatches) -> Result<Option<Value>, Failure> {
    let arguments = arguments(op, matches).map_err(Failure::Usage)?;
    let has_files = op
        .fields
        .iter()
        .any(|f| f.kind == ValueKind::Binary && matches.contains_id(f.name));
    // Files are local paths, streamed from disk; a missing one is refused before anything is sent.
    let open = |_: &str, path: &str| Ok(Upload::path(path));
    let mut request = AnyRequest::from_json(client, op.operation, arguments, &open).map_err(Failure::Call)?;
    if matches.get_flag_if_defined(ALL) {
        let Some(mut items) = request.items() else {
            return Err(Failure::Usage(format!("{} is not a list", name(op))));
        };
        while let Some(item) = items.next().await {
            crate::output::print_line_json(&item.map_err(Failure::Call)?);
        }
        return Ok(None);
    }
    let bar = has_files.then(crate::progress::Bar::on_stderr);
    if let Some(bar) = bar.clone() {
        request = request.on_progress(move |p| bar.update(p));
    }
    if op.download {
        let output = matches.get_one::<String>(OUTPUT).cloned();
        if output.is_none() && std::io::stdout().is_terminal() {
            return Err(Failure::Usage(format!(
                "{} answers a file: name it with --output FILE, or redirect stdout (binary is not written to a terminal)",
                name(op)
            )));
        }
        let download = request.download().await.map_err(Failure::Call)?;
        return crate::output::download(download, output.as_deref())
            .await
            .map(|()| None)
            .map_err(Failure::Call);
    }
    let answer = request.send().await;
    if let Some(bar) = bar {
        bar.finish();
    }
    answer.map(Some).map_err(Failure::Call)
}

/// `get_flag` for a flag the command may not have.
trait FlagIfDefined {
    fn get_flag_if_defined(&self, id: &str) -> bool;
}

impl FlagIfDefined for ArgMatches {
    fn get_flag_if_defined(&self, id: &str) -> bool {
        matches!(self.try_get_one::<bool>(id), Ok(Some(true)))
    }
}
