//! Quickstart: the path a user walks first, then every other operation of the postpress API.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With no `POSTPRESS_API_KEY` set it runs against the fake server started in-process, so it works
//! on a fresh machine with no account. With `POSTPRESS_API_KEY` set it runs the same walk against
//! the real API (or whatever `POSTPRESS_BASE_URL` points at), in the chat `POSTPRESS_CHAT_ID` names
//! or, without it, the newest chat of the account. There, `POSTPRESS_PARTICIPANT_ID` (a provider id)
//! enables the add/remove participant steps and `POSTPRESS_START_WITH` (a provider id) the step that
//! starts a new chat; both are skipped without them.

use futures_util::StreamExt;
use postpress::fake::{FakeServer, Provider};
use postpress::types::Attachment;
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

/// The id of an attachment whose bytes can be downloaded (a file, an image, a video or audio).
fn downloadable(attachment: &Attachment) -> Option<&str> {
    match attachment {
        Attachment::File(a) => Some(&a.id),
        Attachment::Img(a) => Some(&a.id),
        Attachment::Video(a) => Some(&a.id),
        Attachment::Audio(a) => Some(&a.id),
        _ => None,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Keep the fake alive for the whole walk (it stops when dropped).
    let (client, chosen, _fake, participant, start_with) = match std::env::var(postpress::API_KEY_ENV) {
        Ok(key) if !key.is_empty() => {
            let client = Client::from_env()?;
            println!("postpress quickstart against {}", client.base_url());
            let env = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
            let chat = env("POSTPRESS_CHAT_ID");
            (
                client,
                chat,
                None,
                env("POSTPRESS_PARTICIPANT_ID"),
                env("POSTPRESS_START_WITH"),
            )
        }
        _ => {
            let fake = FakeServer::start().await;
            let chat_id = fake.add_chat(Provider::WhatsApp);
            for text in ["Hi!", "Are we still on for Friday?", "Can you send me the report?"] {
                fake.add_message(&chat_id, text);
            }
            fake.add_chat(Provider::LinkedIn);
            println!(
                "postpress quickstart against the in-process fake server at {}",
                fake.base_url()
            );
            println!("(set POSTPRESS_API_KEY to run it against the real API)");
            (
                fake.client(),
                Some(chat_id),
                Some(fake),
                Some("334455667788@s.whatsapp.net".to_string()),
                Some("33612345678@s.whatsapp.net".to_string()),
            )
        }
    };

    println!("\n1. list chats, and pick one");
    let chats = client.list_chats().limit(10).await;
    let Some(chats) = report("list_chats", chats, |page| {
        format!("{} chat(s) on the first page", page.items.len())
    })?
    else {
        return Ok(());
    };
    for chat in &chats.items {
        println!(
            "        {} {:?} {}",
            chat.id.as_str(),
            chat.account_type,
            chat.name.as_deref().unwrap_or("(no name)")
        );
    }
    let Some(chat_id) = chosen.or_else(|| chats.items.first().map(|c| c.id.to_string())) else {
        println!("  no chat to write to: done");
        return Ok(());
    };
    let chat = client.get_chat(&chat_id).await;
    let Some(chat) = report("get_chat", chat, |c| {
        format!("{} ({} unread)", c.id.as_str(), c.unread_count)
    })?
    else {
        return Ok(());
    };

    println!("\n2. send a message with an attachment");
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

    println!("\n3. page through the chat's messages, newest first");
    let mut messages = std::pin::pin!(client.list_chat_messages(&chat_id).limit(2).items().take(20));
    let mut read = 0;
    while let Some(message) = messages.next().await {
        let message = message?;
        read += 1;
        println!(
            "        {} {:?}",
            message.timestamp,
            message.text.as_deref().unwrap_or("")
        );
    }
    println!("  ok    list_chat_messages: {read} message(s), two a page");

    println!("\n4. download the attachment just sent");
    let message = client.get_message(&sent.message_id).await;
    if let Some(message) = report("get_message", message, |m| {
        format!("{} attachment(s)", m.attachments.len())
    })? && let Some(attachment) = message.attachments.iter().find_map(downloadable)
    {
        let saved = std::env::temp_dir().join("postpress-quickstart-download.txt");
        let file = client.get_attachment(&sent.message_id, attachment).await;
        if let Some(file) = report("get_attachment", file, |f| format!("{:?}", f.content_type()))? {
            let bytes = file.save_to(&saved).await?;
            println!("  ok    saved {bytes} bytes to {}", saved.display());
            let _ = std::fs::remove_file(saved);
        }
    }

    println!("\n5. start a chat");
    match start_with {
        Some(person) => {
            let started = client
                .start_chat()
                .account_id(chat.account_id.as_str())
                .attendees_ids(person)
                .text("Hello from the postpress quickstart")
                .await;
            report("start_chat", started, |s| {
                format!("chat {:?}, first message {:?}", s.chat_id, s.message_id)
            })?;
        }
        None => println!("  skip  start_chat: set POSTPRESS_START_WITH to run it"),
    }

    println!("\n6. react to the message, then change the reaction (the new one replaces the old)");
    for emoji in ["👍", "🎉"] {
        report(
            &format!("add_reaction {emoji}"),
            client.add_reaction(&sent.message_id, emoji).await,
            |r| format!("success = {}", r.success),
        )?;
    }

    println!("\n7. forward it (WhatsApp only)");
    let forwarded = client.forward_message(&sent.message_id, &chat_id).await;
    report("forward_message", forwarded, |f| {
        format!("new message id {:?}", f.message_id)
    })?;

    println!("\n8. every chat action");
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

    println!("\n9. get the group's invite link");
    report("getInviteLink", client.invite_link(&chat_id).await, Clone::clone)?;

    println!("\n10. handle an API error");
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
