//! `postpress`: the postpress messaging API from the command line. A thin front over the SDK:
//! same errors, same retry rule, same redaction of the API key.

mod commands;
mod compose;
mod listen;
mod mcp;
mod output;
mod progress;
mod text;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use postpress::{ChatAction, Client};

/// Call the postpress messaging API: look at a message, send files, act on a chat.
#[derive(Parser)]
#[command(
    name = "postpress",
    version,
    about,
    max_term_width = 100,
    subcommand_required = true,
    arg_required_else_help = true
)]
struct Cli {
    /// Base URL of the API [default: the spec's server, https://api.postpress.ai/api/v1]
    #[arg(long, value_name = "URL", env = "POSTPRESS_BASE_URL")]
    base_url: Option<String>,
    /// API key from your postpress dashboard
    #[arg(long, value_name = "KEY", env = "POSTPRESS_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Seconds allowed for each attempt of a call (uploads: of each attempt of the upload)
    #[arg(long, value_name = "SECS", value_parser = parse_seconds)]
    timeout: Option<Duration>,
    /// Retries after a failed first attempt, where retrying cannot duplicate a message [default: 2]
    #[arg(long, value_name = "N")]
    max_retries: Option<u32>,
    /// Log each request to stderr (-v), with more detail (-vv, -vvv)
    #[arg(short, action = clap::ArgAction::Count)]
    verbose: u8,
    /// The hand-written commands; `None` for a generated one (see `commands.rs`).
    #[command(subcommand)]
    command: Option<Command>,
}

/// The whole command line: the hand-written commands and one for every other operation.
fn full_command() -> clap::Command {
    Cli::command().subcommands(commands::commands())
}

#[derive(Subcommand)]
enum Command {
    /// Retrieve a message
    Get {
        /// The postpress id of the message
        message_id: String,
    },
    /// Send a message, with text and/or files
    Send {
        /// The chat to send to
        chat_id: String,
        /// The text of the message
        #[arg(long)]
        text: Option<String>,
        /// A file to attach (repeat for several, sent in order)
        #[arg(long = "attach", value_name = "PATH")]
        attachments: Vec<PathBuf>,
        /// A voice message
        #[arg(long, value_name = "PATH")]
        voice: Option<PathBuf>,
        /// A video message
        #[arg(long, value_name = "PATH")]
        video: Option<PathBuf>,
        /// The account to send from
        #[arg(long, value_name = "ID")]
        account_id: Option<String>,
        /// The thread to send in
        #[arg(long, value_name = "ID")]
        thread_id: Option<String>,
        /// The message to quote
        #[arg(long, value_name = "ID")]
        quote_id: Option<String>,
        /// typing_duration, passed as given
        #[arg(long, value_name = "D")]
        typing_duration: Option<String>,
    },
    /// Forward a message to another chat (WhatsApp only)
    Forward {
        /// The message to forward
        message_id: String,
        /// The chat to forward it to
        #[arg(long, value_name = "CHAT_ID")]
        to: String,
    },
    /// React to a message with an emoji (replaces your previous reaction)
    React {
        /// The message to react to
        message_id: String,
        /// The emoji, e.g. 👍
        emoji: String,
    },
    /// Perform an action on a chat
    #[command(
        after_help = "ACTION is the API's own name: setReadStatus, setMuteStatus, setArchiveStatus, \
setPinnedStatus (VALUE true|false), addParticipant, removeParticipant, setLabel (VALUE a string), \
getInviteLink (no VALUE)"
    )]
    Chat {
        /// The chat to act on
        chat_id: String,
        /// The action, as the API names it
        action: String,
        /// The action's value, when it takes one
        value: Option<String>,
    },
    /// Run the fake postpress server in the foreground (for tests in any language)
    FakeServer {
        /// Port on 127.0.0.1 [default: any free port]
        #[arg(long, value_name = "N")]
        port: Option<u16>,
        /// How long a webhook receiver has to answer a delivery, in milliseconds
        #[arg(long, value_name = "MS", default_value_t = 30_000)]
        webhook_timeout_ms: u64,
        /// The delay before a delivery's first retry, doubled for each next one, in milliseconds
        #[arg(long, value_name = "MS", default_value_t = 1_000)]
        webhook_retry_ms: u64,
    },
    /// Serve the API as tools for AI agents (Model Context Protocol over stdio)
    Mcp {
        /// Offer only the tools that change nothing (get_message)
        #[arg(long)]
        read_only: bool,
        /// The only directory tree files may be attached from [default: none, no file is sent]
        #[arg(long, value_name = "DIR")]
        files_root: Option<PathBuf>,
    },
    /// Receive webhook deliveries
    #[command(subcommand)]
    Webhooks(WebhooksCommand),
    /// Print shell completions
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand)]
enum WebhooksCommand {
    /// A local receiver on 127.0.0.1: each verified delivery printed as one JSON line
    /// ({"event", "dedupe_key", "payload"}) and answered 200; one that fails verification
    /// answered 401 (400 if malformed) and reported on stderr only
    Listen {
        /// The port on 127.0.0.1
        #[arg(long, value_name = "P")]
        port: u16,
        /// The secret the deliveries carry (a value of the webhook's `headers`); without it,
        /// deliveries are decoded but not verified
        #[arg(long, value_name = "S", env = "POSTPRESS_WEBHOOK_SECRET", hide_env_values = true)]
        secret: Option<String>,
        /// The header the secret travels in
        #[arg(long, value_name = "NAME", default_value = listen::DEFAULT_HEADER)]
        header: String,
    },
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if seconds.is_finite() && seconds > 0.0 && seconds < 1e9 {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(format!("{text:?} is not a positive number of seconds"))
    }
}

/// A usage error in clap's format; exits 2.
fn usage_error(kind: clap::error::ErrorKind, message: impl std::fmt::Display) -> ! {
    Cli::command().error(kind, message).exit()
}

/// The chat action named `action` with `value`, checked against the spec's generated types.
fn chat_action(action: &str, value: Option<&str>) -> ChatAction {
    use clap::error::ErrorKind::{InvalidValue, MissingRequiredArgument, TooManyValues};
    let known = [
        "setReadStatus",
        "setMuteStatus",
        "setArchiveStatus",
        "setPinnedStatus",
        "addParticipant",
        "removeParticipant",
        "setLabel",
        "getInviteLink",
    ];
    if !known.contains(&action) {
        usage_error(
            InvalidValue,
            format!("unknown ACTION {action:?}; expected one of {}", known.join(", ")),
        );
    }
    let toggle = action.starts_with("set") && action.ends_with("Status");
    let body = match (action, value) {
        ("getInviteLink", None) => serde_json::json!({"action": action}),
        ("getInviteLink", Some(_)) => usage_error(TooManyValues, "getInviteLink takes no VALUE"),
        (_, None) => usage_error(MissingRequiredArgument, format!("{action} needs a VALUE")),
        (_, Some(v)) if toggle => match v {
            "true" => serde_json::json!({"action": action, "value": true}),
            "false" => serde_json::json!({"action": action, "value": false}),
            _ => usage_error(InvalidValue, format!("{action} takes true or false, not {v:?}")),
        },
        (_, Some(v)) => serde_json::json!({"action": action, "value": v}),
    };
    let request: postpress::types::ChatActionRequest =
        serde_json::from_value(body).unwrap_or_else(|e| usage_error(InvalidValue, format!("{action}: {e}")));
    ChatAction::from(request)
}

fn client(cli: &Cli) -> Client {
    use clap::error::ErrorKind::{InvalidValue, MissingRequiredArgument};
    let Some(api_key) = cli.api_key.clone() else {
        usage_error(
            MissingRequiredArgument,
            "no API key: pass --api-key KEY or set POSTPRESS_API_KEY",
        );
    };
    let mut builder = Client::builder().api_key(api_key);
    if let Some(url) = &cli.base_url {
        builder = builder.base_url(url);
    }
    if let Some(timeout) = cli.timeout {
        builder = builder.timeout(timeout).upload_timeout(timeout);
    }
    if let Some(max_retries) = cli.max_retries {
        builder = builder.max_retries(max_retries);
    }
    builder.build().unwrap_or_else(|e| usage_error(InvalidValue, e))
}

/// The response as JSON (the SDK's types serialize to the spec's shapes).
fn json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

async fn run(
    cli: &Cli,
    generated: Option<(&postpress::operations::Operation, clap::ArgMatches)>,
) -> Result<serde_json::Value, postpress::Error> {
    let Some(command) = &cli.command else {
        let Some((op, matches)) = generated else {
            usage_error(clap::error::ErrorKind::MissingSubcommand, "a command is required")
        };
        return match commands::run(&client(cli), op, &matches).await {
            Ok(answer) => Ok(answer.unwrap_or(serde_json::Value::Null)),
            Err(commands::Failure::Usage(message)) => usage_error(clap::error::ErrorKind::InvalidValue, message),
            Err(commands::Failure::Call(error)) => Err(error),
        };
    };
    match command {
        Command::Get { message_id } => Ok(json(&client(cli).get_message(message_id).await?)),
        Command::Send {
            chat_id,
            text,
            attachments,
            voice,
            video,
            account_id,
            thread_id,
            quote_id,
            typing_duration,
        } => {
            let client = client(cli);
            let text_of = |path: &PathBuf| match path.to_str() {
                Some(text) => text.to_string(),
                None => usage_error(
                    clap::error::ErrorKind::InvalidValue,
                    format!("{} is not a UTF-8 path", path.display()),
                ),
            };
            let request: postpress::types::SendMessageRequest = postpress::types::SendMessageRequest::builder()
                .text(text.clone())
                .account_id(account_id.clone())
                .thread_id(thread_id.clone())
                .quote_id(quote_id.clone())
                .typing_duration(typing_duration.clone())
                .attachments(attachments.iter().map(text_of).collect::<Vec<_>>())
                .voice_message(voice.as_ref().map(text_of))
                .video_message(video.as_ref().map(text_of))
                .try_into()
                .unwrap_or_else(|e| usage_error(clap::error::ErrorKind::InvalidValue, e));
            let mut send = compose::compose(&client, chat_id.clone(), request, |path| Ok(PathBuf::from(path)))
                .unwrap_or_else(|e| usage_error(clap::error::ErrorKind::InvalidValue, e));
            let has_files = !attachments.is_empty() || voice.is_some() || video.is_some();
            let bar = has_files.then(progress::Bar::on_stderr);
            if let Some(bar) = bar.clone() {
                send = send.on_progress(move |p| bar.update(p));
            }
            let sent = send.send().await;
            if let Some(bar) = bar {
                bar.finish();
            }
            Ok(json(&sent?))
        }
        Command::Forward { message_id, to } => Ok(json(&client(cli).forward_message(message_id, to).await?)),
        Command::React { message_id, emoji } => Ok(json(&client(cli).add_reaction(message_id, emoji).await?)),
        Command::Chat { chat_id, action, value } => {
            let action = chat_action(action, value.as_deref());
            Ok(json(&client(cli).chat_action(chat_id, action).await?))
        }
        Command::FakeServer {
            port,
            webhook_timeout_ms,
            webhook_retry_ms,
        } => Ok(fake_server(*port, *webhook_timeout_ms, *webhook_retry_ms).await),
        Command::Mcp { read_only, files_root } => {
            match mcp::serve(client(cli), *read_only, files_root.as_deref()).await {
                Ok(()) => Ok(serde_json::Value::Null),
                Err(message) => {
                    output::error_line(&message);
                    std::process::exit(1);
                }
            }
        }
        Command::Webhooks(WebhooksCommand::Listen { port, secret, header }) => {
            match listen::serve(*port, secret.as_deref(), header).await {
                Ok(()) => Ok(serde_json::Value::Null),
                Err(message) => {
                    output::error_line(&message);
                    std::process::exit(1);
                }
            }
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut full_command(), "postpress", &mut script);
            output::write_stdout(&script);
            Ok(serde_json::Value::Null)
        }
    }
}

/// Runs the fake until Ctrl-C. Exits the process when it cannot listen.
async fn fake_server(port: Option<u16>, webhook_timeout_ms: u64, webhook_retry_ms: u64) -> serde_json::Value {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port.unwrap_or(0)));
    let builder = postpress::fake::FakeServer::builder()
        .bind(addr)
        .webhook_timeout(std::time::Duration::from_millis(webhook_timeout_ms))
        .webhook_retry(std::time::Duration::from_millis(webhook_retry_ms));
    let fake = match builder.start().await {
        Ok(fake) => fake,
        Err(e) => {
            output::error_line(&format!("cannot listen on {addr}: {e}"));
            std::process::exit(1);
        }
    };
    let seeded = fake.seed_demo();
    output::line(&format!("fake postpress server listening on {}", fake.base_url()));
    output::line(&format!("api key: {}", fake.api_key()));
    for (provider, chat, message) in &seeded {
        output::line(&format!("{provider:?} chat {chat} with message {message}"));
    }
    // A post on the LinkedIn account, for the posts part's operations.
    let linkedin = seeded
        .iter()
        .find(|(provider, _, _)| *provider == postpress::fake::Provider::LinkedIn);
    if let Some(account) = linkedin
        .and_then(|(_, chat, _)| fake.chat(chat))
        .map(|chat| chat.account_id)
        && let Some(post) = fake.add_post(&account, "Hello from the fake postpress server")
    {
        output::line(&format!("LinkedIn post {post}"));
    }
    output::line("press Ctrl-C to stop");
    let _ = tokio::signal::ctrl_c().await;
    serde_json::Value::Null
}

fn main() -> ExitCode {
    let mut matches = full_command().get_matches();
    let generated = match matches.subcommand_name().and_then(commands::operation) {
        Some(op) => matches.remove_subcommand().map(|(_, sub)| (op, sub)),
        None => None,
    };
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    output::init_logging(cli.verbose);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            output::error_line(&format!("cannot start the async runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&cli, generated)) {
        Ok(serde_json::Value::Null) => ExitCode::SUCCESS,
        Ok(body) => {
            output::print_json(&body);
            ExitCode::SUCCESS
        }
        Err(error) => {
            output::error_line(&error.to_string());
            ExitCode::FAILURE
        }
    }
}
