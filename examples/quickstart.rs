//! Quickstart: one walk through every operation of the postpress API.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With no `POSTPRESS_API_KEY` set it runs against the fake server started in-process, so it works
//! on a fresh machine with no account. With `POSTPRESS_API_KEY` and `POSTPRESS_CHAT_ID` (the chat
//! to write to) set, it runs the same walk against the real API, or against whatever
//! `POSTPRESS_BASE_URL` points at. There, `POSTPRESS_PARTICIPANT_ID` (a provider id) enables the
//! add/remove participant steps, which are skipped without it.

use postpress::fake::{FakeServer, Provider};
use postpress::{ChatAction, Client, Error, ErrorCode, Upload};

/// Prints the outcome of a step; an API error is reported and the walk goes on (a provider may
/// not support every action: that is an answer, not a crash).
fn report<T>(step: &str, result: Result<T, Error>, describe: impl FnOnce(&T) -> String) -> Result<Option<T>, Error> {
    match result {
        Ok(value) => {
            println!("  ok    {step}: {}", describe(&value));
            Ok(Some(value))
        }
        Err(Error::Api(e)) => {
            println!("  error {step}: {e}");
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the fake alive for the whole walk (it stops when dropped).
    let (client, chat_id, _fake, participant) = match std::env::var(postpress::API_KEY_ENV) {
        Ok(key) if !key.is_empty() => {
            let chat_id =
                std::env::var("POSTPRESS_CHAT_ID").map_err(|_| "set POSTPRESS_CHAT_ID: the chat to write to")?;
            let client = Client::from_env()?;
            println!("postpress quickstart against {} (chat {chat_id})", client.base_url());
            (client, chat_id, None, std::env::var("POSTPRESS_PARTICIPANT_ID").ok())
        }
        _ => {
            let fake = FakeServer::start().await;
            let chat_id = fake.add_chat(Provider::WhatsApp);
            fake.add_message(&chat_id, "Can you send me the report?");
            println!(
                "postpress quickstart against the in-process fake server at {}",
                fake.base_url()
            );
            println!("(set POSTPRESS_API_KEY and POSTPRESS_CHAT_ID to run it against the real API)");
            (
                fake.client(),
                chat_id,
                Some(fake),
                Some("334455667788@s.whatsapp.net".to_string()),
            )
        }
    };

    println!("\n1. send a message with an attachment");
    let report_file = std::env::temp_dir().join("postpress-quickstart-report.txt");
    std::fs::write(&report_file, "Quarterly report: all green.\n")?;
    let sent = client
        .send_message(&chat_id)
        .text("Got it - thanks! Report attached.")
        .attachment(Upload::path(&report_file))
        .send()
        .await;
    let Some(sent) = report("send_message", sent, |s| format!("message id {}", s.message_id))? else {
        return Ok(());
    };

    println!("\n2. retrieve it");
    let message = client.get_message(&sent.message_id).await;
    report("get_message", message, |m| {
        let kinds: Vec<&str> = m.attachments.iter().map(|a| a.kind()).collect();
        format!(
            "{:?} with attachments {kinds:?}, sent at {}",
            m.text.as_deref().unwrap_or(""),
            m.timestamp
        )
    })?;

    println!("\n3. react to it, then change the reaction (the new one replaces the old)");
    for emoji in ["👍", "🎉"] {
        report(
            &format!("add_reaction {emoji}"),
            client.add_reaction(&sent.message_id, emoji).await,
            |r| format!("success = {}", r.success),
        )?;
    }

    println!("\n4. forward it (WhatsApp only)");
    let forwarded = client.forward_message(&sent.message_id, &chat_id).await;
    report("forward_message", forwarded, |f| {
        format!("new message id {:?}", f.message_id)
    })?;

    println!("\n5. every chat action");
    let mut actions = vec![
        ChatAction::SetReadStatus(true),
        ChatAction::SetMuteStatus(true),
        ChatAction::SetMuteStatus(false),
        ChatAction::SetArchiveStatus(true),
        ChatAction::SetArchiveStatus(false),
        ChatAction::SetPinnedStatus(true),
        ChatAction::SetPinnedStatus(false),
        ChatAction::SetLabel("quickstart".into()),
    ];
    match participant {
        Some(id) => actions.extend([
            ChatAction::AddParticipant(id.clone()),
            ChatAction::RemoveParticipant(id),
        ]),
        None => println!("  skip  addParticipant/removeParticipant: set POSTPRESS_PARTICIPANT_ID to run them"),
    }
    for action in actions {
        let step = format!("{} {action:?}", action.name());
        report(&step, client.chat_action(&chat_id, action).await, |_| {
            "done".to_string()
        })?;
    }

    println!("\n6. get the group's invite link");
    report("getInviteLink", client.invite_link(&chat_id).await, Clone::clone)?;

    println!("\n7. handle an API error");
    match client.get_message("msg_does_not_exist").await {
        Err(Error::Api(e)) if e.code == ErrorCode::ResourceNotFound => {
            println!(
                "  ok    get_message of an unknown id is {} {}: {}",
                e.status, e.code, e.title
            );
        }
        Err(other) => println!("  ok    get_message of an unknown id failed: {other}"),
        Ok(_) => println!("  ??    a message with that id exists"),
    }
    let _ = std::fs::remove_file(report_file);
    println!("\ndone");
    Ok(())
}
