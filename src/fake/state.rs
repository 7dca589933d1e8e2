//! What the fake holds, and the pages' rules applied to it.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use crate::operations::OperationId;
use crate::types::Message;

/// A messaging provider an account is connected to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// WhatsApp.
    WhatsApp,
    /// LinkedIn.
    LinkedIn,
    /// Telegram.
    Telegram,
}

impl Provider {
    fn sender_id(self, n: u64) -> String {
        match self {
            Provider::WhatsApp => format!("3360000{n:04}@s.whatsapp.net"),
            Provider::LinkedIn => format!("ACoAAFake{n:04}"),
            Provider::Telegram => format!("10000{n:04}"),
        }
    }
}

/// The state of a chat, as the chat actions left it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Chat {
    /// The chat's postpress id.
    pub id: String,
    /// The account the chat belongs to.
    pub account_id: String,
    /// The account's provider.
    pub provider: Provider,
    /// `setReadStatus`.
    pub read: bool,
    /// `setMuteStatus`.
    pub muted: bool,
    /// `setArchiveStatus`.
    pub archived: bool,
    /// `setPinnedStatus`.
    pub pinned: bool,
    /// Labels assigned with `setLabel`, in order.
    pub labels: Vec<String>,
    /// Participants added with `addParticipant` and not removed since.
    pub participants: Vec<String>,
    /// The link `getInviteLink` returned, once asked.
    pub invite_link: Option<String>,
    /// Its place in the order chats were made (what a list's cursor marks).
    pub(crate) position: u64,
    /// The ids of the people in it besides the account's own attendee.
    pub(crate) attendees: Vec<String>,
    /// Its name (a group's); `None` for a one-to-one chat.
    pub(crate) name: Option<String>,
    /// When it was made.
    pub(crate) created: String,
}

/// A person in chats of an account (the account's own attendee among them).
pub(crate) struct Attendee {
    pub account_id: String,
    pub provider_id: String,
    pub name: String,
    pub is_self: bool,
    /// Its place in the order attendees were made.
    pub position: u64,
}

/// The largest file whose bytes the fake keeps for `get_attachment`, and the most it keeps in all.
pub(crate) const MAX_KEPT_FILE: usize = 16 * 1024 * 1024;
const MAX_KEPT_FILES: usize = 256 * 1024 * 1024;

/// A request the fake received. Holds no body and no key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The operation the request was routed to, `None` for a path the API does not have.
    pub operation: Option<OperationId>,
    /// The HTTP method.
    pub method: String,
    /// The path, as received (percent-encoded).
    pub path: String,
    /// The status the fake answered with.
    pub status: u16,
}

/// A failure (or a delay) the fake injects into the next calls of one operation.
///
/// ```
/// # use postpress::fake::Fault;
/// # use postpress::operations::OperationId;
/// use std::time::Duration;
/// let busy = Fault::error(OperationId::SendMessage, 503, "errors/no_client_session")
///     .times(2)
///     .retry_after(Duration::from_secs(1));
/// let slow = Fault::delay(OperationId::GetMessage, Duration::from_millis(300));
/// ```
///
/// Some faults lose the answer *after* the operation took effect, as a network can: the client
/// then cannot know whether it acted ([`Outcome::Unknown`](crate::Outcome::Unknown)), and the
/// fake's state tells what really happened. Others refuse the request before reading it.
///
/// ```
/// # use postpress::fake::Fault;
/// # use postpress::operations::OperationId;
/// # use std::time::Duration;
/// let sent_but_lost = Fault::drop_after_applying(OperationId::SendMessage);
/// let sent_but_slow = Fault::stall_after_applying(OperationId::SendMessage, Duration::from_secs(5));
/// let sent_but_cut = Fault::truncate_after_applying(OperationId::SendMessage);
/// let refused = Fault::reset_before_reading(OperationId::SendMessage);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct Fault {
    pub(crate) operation: OperationId,
    pub(crate) times: u32,
    pub(crate) error: Option<(u16, String)>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) delay: Option<Duration>,
    pub(crate) connection: Option<ConnectionFault>,
}

/// What a [`Fault`] does to the connection instead of answering normally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConnectionFault {
    /// Close the connection before reading the request: nothing is applied.
    ResetBeforeReading,
    /// Apply the operation, then close the connection without answering.
    DropAfterApplying,
    /// Apply the operation, then wait this long before answering.
    StallAfterApplying(Duration),
    /// Apply the operation, then send the head and half the body, and close.
    TruncateAfterApplying,
}

impl Fault {
    /// The next call of `operation` answers `status` with an envelope of type `error_type`.
    pub fn error(operation: OperationId, status: u16, error_type: impl Into<String>) -> Fault {
        Fault {
            operation,
            times: 1,
            error: Some((status, error_type.into())),
            retry_after: None,
            delay: None,
            connection: None,
        }
    }

    /// The next call of `operation` is answered normally, after `delay`.
    pub fn delay(operation: OperationId, delay: Duration) -> Fault {
        Fault {
            operation,
            times: 1,
            error: None,
            retry_after: None,
            delay: Some(delay),
            connection: None,
        }
    }

    fn connection(operation: OperationId, fault: ConnectionFault) -> Fault {
        Fault {
            operation,
            times: 1,
            error: None,
            retry_after: None,
            delay: None,
            connection: Some(fault),
        }
    }

    /// The next call of `operation` is refused before the fake reads it: the connection is closed
    /// and nothing is applied.
    pub fn reset_before_reading(operation: OperationId) -> Fault {
        Fault::connection(operation, ConnectionFault::ResetBeforeReading)
    }

    /// The next call of `operation` takes effect, then the connection is closed without an answer.
    pub fn drop_after_applying(operation: OperationId) -> Fault {
        Fault::connection(operation, ConnectionFault::DropAfterApplying)
    }

    /// The next call of `operation` takes effect, then the answer waits `stall` (longer than the
    /// client's timeout, to make it give up on an action that happened).
    pub fn stall_after_applying(operation: OperationId, stall: Duration) -> Fault {
        Fault::connection(operation, ConnectionFault::StallAfterApplying(stall))
    }

    /// The next call of `operation` takes effect, then the answer is cut half way through its body.
    pub fn truncate_after_applying(operation: OperationId) -> Fault {
        Fault::connection(operation, ConnectionFault::TruncateAfterApplying)
    }

    /// Applies to the next `times` calls instead of one.
    pub fn times(mut self, times: u32) -> Fault {
        self.times = times;
        self
    }

    /// Sends `Retry-After` with the error, in whole seconds.
    pub fn retry_after(mut self, retry_after: Duration) -> Fault {
        self.retry_after = Some(retry_after);
        self
    }

    /// Waits `delay` before answering with the error too.
    pub fn after(mut self, delay: Duration) -> Fault {
        self.delay = Some(delay);
        self
    }
}

/// An answer: status and JSON body, plus headers the fault may add.
pub(crate) struct Answer {
    pub status: u16,
    pub body: Value,
    pub retry_after: Option<Duration>,
    /// For an operation that answers a file: its media type and bytes (sent instead of `body`).
    pub file: Option<(&'static str, bytes::Bytes)>,
    /// The methods a path has, for a 405 (`Allow`).
    pub allow: Option<String>,
}

impl Answer {
    pub(crate) fn ok(status: u16, body: Value) -> Answer {
        Answer {
            status,
            body,
            retry_after: None,
            file: None,
            allow: None,
        }
    }
}

/// One uploaded part of a form, as the fake saw it: its bytes when they fit what it keeps.
pub(crate) struct UploadedPart {
    pub field: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size: u64,
    pub data: Option<bytes::Bytes>,
}

/// A parsed send-message form.
#[derive(Default)]
pub(crate) struct SendForm {
    pub text: Option<String>,
    pub account_id: Option<String>,
    pub quote_id: Option<String>,
    pub files: Vec<UploadedPart>,
}

pub(crate) struct Account {
    pub provider: Provider,
    pub sender_id: String,
    pub attendee_id: String,
}

#[derive(Default)]
pub(crate) struct State {
    counter: u64,
    pub(super) accounts: BTreeMap<String, Account>,
    pub(super) chats: BTreeMap<String, Chat>,
    pub(super) attendees: BTreeMap<String, Attendee>,
    /// Message ids per chat, oldest first.
    pub(super) chat_messages: BTreeMap<String, Vec<String>>,
    pub(super) messages: BTreeMap<String, Value>,
    /// Each message's place in the order messages were stored.
    pub(super) message_positions: BTreeMap<String, u64>,
    /// The bytes of uploaded files, by attachment id (see [`MAX_KEPT_FILE`]).
    pub(super) files: BTreeMap<String, bytes::Bytes>,
    kept_bytes: usize,
    pub requests: Vec<RecordedRequest>,
    faults: Vec<Fault>,
    pub base_url: String,
    /// Registered by `create_webhook` (see `webhooks.rs`).
    pub(super) webhooks: Vec<super::webhooks::Webhook>,
    /// Where deliveries are queued; `None` until the server starts.
    pub(super) deliveries: Option<tokio::sync::mpsc::Sender<super::webhooks::Delivery>>,
    /// Deliveries dropped because the queue was full.
    pub(super) dropped_deliveries: u64,
    pub(super) hosted_links: BTreeMap<String, super::webhooks::HostedLink>,
    /// What the LinkedIn parts keep (see `linkedin.rs`).
    #[cfg(any(feature = "users", feature = "posts", feature = "linkedin"))]
    pub(super) linkedin: super::linkedin::LinkedinState,
}

/// The error answer of `status` with `error_type`, as the spec's envelope.
/// The most requests the fake keeps for [`crate::fake::FakeServer::requests`]; older ones are
/// dropped.
pub const MAX_RECORDED: usize = 10_000;

pub(crate) fn error(status: u16, error_type: &str, detail: Option<&str>, instance: u64) -> Answer {
    let code = crate::ErrorCode::from(error_type);
    let detail = detail.unwrap_or(code.description());
    let title = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let mut body =
        json!({"type": error_type, "status": status, "title": title, "instance": format!("req_fake_{instance:06}")});
    if !detail.is_empty() {
        body["detail"] = json!(detail);
    }
    Answer {
        status,
        body,
        retry_after: None,
        file: None,
        allow: None,
    }
}

impl State {
    pub(crate) fn new(base_url: String) -> State {
        State {
            base_url,
            ..State::default()
        }
    }

    pub(super) fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    pub(super) fn new_id(&mut self, prefix: &str) -> String {
        let n = self.next();
        format!("{prefix}_fake_{n:06}")
    }

    /// An error answer with a fresh `instance`.
    pub(crate) fn error(&mut self, status: u16, error_type: &str, detail: Option<&str>) -> Answer {
        let n = self.next();
        error(status, error_type, detail, n)
    }

    pub(super) fn not_found(&mut self, what: &str, id: &str) -> Answer {
        self.error(
            404,
            "errors/resource_not_found",
            Some(&format!("No {what} with id {id:?}.")),
        )
    }

    pub(crate) fn add_account(&mut self, provider: Provider) -> String {
        let n = self.next();
        let id = format!("acc_fake_{n:06}");
        let account = Account {
            provider,
            sender_id: provider.sender_id(n),
            attendee_id: format!("att_fake_{n:06}"),
        };
        let own = Attendee {
            account_id: id.clone(),
            provider_id: account.sender_id.clone(),
            name: "You".into(),
            is_self: true,
            position: n,
        };
        self.attendees.insert(account.attendee_id.clone(), own);
        self.accounts.insert(id.clone(), account);
        id
    }

    /// The attendee of `account_id` with `provider_id`, made on first sight.
    pub(super) fn attendee_for(&mut self, account_id: &str, provider_id: &str) -> String {
        let known = self
            .attendees
            .iter()
            .find(|(_, a)| a.account_id == account_id && a.provider_id == provider_id);
        if let Some((id, _)) = known {
            return id.clone();
        }
        let n = self.next();
        let id = format!("att_fake_{n:06}");
        let attendee = Attendee {
            account_id: account_id.to_string(),
            provider_id: provider_id.to_string(),
            name: format!("Contact {n}"),
            is_self: false,
            position: n,
        };
        self.attendees.insert(id.clone(), attendee);
        id
    }

    pub(crate) fn account_provider(&self, account_id: &str) -> Option<Provider> {
        self.accounts.get(account_id).map(|a| a.provider)
    }

    /// A chat of `account_id`, or of a new account of `provider` when `account_id` is `None`.
    pub(crate) fn add_chat(&mut self, provider: Provider, account_id: Option<&str>) -> Result<String, String> {
        let account_id = match account_id {
            Some(id) => match self.accounts.get(id) {
                Some(account) if account.provider == provider => id.to_string(),
                Some(_) => return Err(format!("account {id} is not a {provider:?} account")),
                None => return Err(format!("no account {id}")),
            },
            None => self.add_account(provider),
        };
        let n = self.next();
        let id = format!("chat_fake_{n:06}");
        // The other side of the chat, an attendee of its own (its id derived from the chat's, so
        // seeding a chat uses one id of the sequence, as it always has).
        let peer = format!("att_fake_{n:06}_peer");
        let attendee = Attendee {
            account_id: account_id.clone(),
            provider_id: provider.sender_id(9000 + n % 1000),
            name: format!("Contact {n}"),
            is_self: false,
            position: n,
        };
        self.attendees.insert(peer.clone(), attendee);
        let chat = Chat {
            id: id.clone(),
            account_id,
            provider,
            position: n,
            attendees: vec![peer],
            name: None,
            created: rfc3339(SystemTime::now()),
            read: false,
            muted: false,
            archived: false,
            pinned: false,
            labels: Vec::new(),
            participants: Vec::new(),
            invite_link: None,
        };
        self.chats.insert(id.clone(), chat);
        self.chat_messages.insert(id.clone(), Vec::new());
        Ok(id)
    }

    pub(crate) fn chat(&self, id: &str) -> Option<Chat> {
        self.chats.get(id).cloned()
    }

    /// Stores a message in `chat_id`; `from_us` says whether the account sent it.
    pub(super) fn store(
        &mut self,
        chat_id: &str,
        text: Option<&str>,
        attachments: Vec<Value>,
        from_us: bool,
    ) -> Option<String> {
        let chat = self.chats.get(chat_id)?.clone();
        let account = self.accounts.get(&chat.account_id)?;
        let peer = chat
            .attendees
            .first()
            .and_then(|id| Some((id, self.attendees.get(id)?)));
        let (sender_id, attendee_id) = match peer {
            _ if from_us => (account.sender_id.clone(), account.attendee_id.clone()),
            Some((id, peer)) => (peer.provider_id.clone(), id.clone()),
            None => (chat.provider.sender_id(9999), "att_fake_other".to_string()),
        };
        let n = self.next();
        let id = format!("msg_fake_{n:06}");
        self.message_positions.insert(id.clone(), n);
        let message = json!({
            "object": "Message",
            "id": id,
            "provider_id": format!("provider-{id}"),
            "account_id": chat.account_id,
            "chat_id": chat.id,
            "chat_provider_id": format!("provider-{}", chat.id),
            "sender_id": sender_id,
            "sender_attendee_id": attendee_id,
            "timestamp": rfc3339(SystemTime::now()),
            "text": text,
            "is_sender": i32::from(from_us),
            "attachments": attachments,
            "reactions": [],
            "seen": 0,
            "seen_by": {},
            "hidden": 0,
            "deleted": 0,
            "edited": 0,
            "is_event": 0,
            "delivered": 1,
            "behavior": null,
            "original": "{}",
        });
        self.messages.insert(id.clone(), message);
        self.chat_messages.entry(chat.id).or_default().push(id.clone());
        Some(id)
    }

    /// Seeds a message from the other side of the chat.
    pub(crate) fn add_message(&mut self, chat_id: &str, text: &str) -> Option<String> {
        self.store(chat_id, Some(text), Vec::new(), false)
    }

    pub(crate) fn message(&self, id: &str) -> Option<Message> {
        self.messages
            .get(id)
            .and_then(|m| serde_json::from_value(m.clone()).ok())
    }

    pub(crate) fn messages_in(&self, chat_id: &str) -> Vec<Message> {
        let ids = self.chat_messages.get(chat_id).map(Vec::as_slice).unwrap_or_default();
        ids.iter().filter_map(|id| self.message(id)).collect()
    }

    pub(crate) fn clear_messages(&mut self, chat_id: &str) -> usize {
        let ids = self
            .chat_messages
            .get_mut(chat_id)
            .map(std::mem::take)
            .unwrap_or_default();
        for id in &ids {
            if let Some(message) = self.messages.remove(id) {
                for attachment in message["attachments"].as_array().into_iter().flatten() {
                    if let Some(data) = attachment["id"].as_str().and_then(|a| self.files.remove(a)) {
                        self.kept_bytes -= data.len();
                    }
                }
            }
            self.message_positions.remove(id);
        }
        ids.len()
    }

    pub(crate) fn inject(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.faults.push(fault);
        }
    }

    /// Takes one use of the first fault for `operation`, if any.
    /// Records a request, keeping the last [`MAX_RECORDED`] (a fake in a long test suite must
    /// not grow without end).
    pub(crate) fn record(&mut self, request: RecordedRequest) {
        if self.requests.len() >= MAX_RECORDED {
            let excess = self.requests.len() + 1 - MAX_RECORDED;
            self.requests.drain(..excess);
        }
        self.requests.push(request);
    }

    pub(crate) fn take_fault(&mut self, operation: OperationId) -> Option<Fault> {
        let index = self.faults.iter().position(|f| f.operation == operation)?;
        let fault = &mut self.faults[index];
        fault.times -= 1;
        let taken = fault.clone();
        if fault.times == 0 {
            let _ = self.faults.remove(index);
        }
        Some(taken)
    }

    pub(crate) fn get_message(&mut self, id: &str) -> Answer {
        match self.messages.get(id) {
            Some(message) => Answer::ok(200, message.clone()),
            None => self.not_found("message", id),
        }
    }

    pub(crate) fn send_message(&mut self, chat_id: &str, form: SendForm) -> Answer {
        let Some(chat) = self.chats.get(chat_id).cloned() else {
            return self.not_found("chat", chat_id);
        };
        if let Some(account_id) = form.account_id.as_deref().filter(|a| *a != chat.account_id) {
            return self.not_found("account of this chat", account_id);
        }
        let text = form.text.filter(|t| !t.is_empty());
        if text.is_none() && form.files.is_empty() {
            return self.error(
                422,
                "errors/invalid_message",
                Some("A message needs text or at least one file."),
            );
        }
        let quoted = match form.quote_id.as_deref() {
            Some(quote_id) => match self.messages.get(quote_id) {
                Some(q) => Some(json!({
                    "message_id": q["id"], "provider_id": q["provider_id"], "sender_id": q["sender_id"],
                    "text": q["text"], "attachments": q["attachments"],
                })),
                None => return self.not_found("message to quote", quote_id),
            },
            None => None,
        };
        let attachments: Vec<Value> = form.files.iter().map(|part| self.attachment(part)).collect();
        let Some(id) = self.store(chat_id, text.as_deref(), attachments, true) else {
            return self.not_found("chat", chat_id);
        };
        if let (Some(quoted), Some(message)) = (quoted, self.messages.get_mut(&id)) {
            message["quoted"] = quoted;
        }
        Answer::ok(201, json!({"object": "MessageSent", "message_id": id}))
    }

    /// The attachment a part becomes: the variant follows the content type; a `voice_message` is an
    /// audio voice note and a `video_message` a video. Image and video sizes are not decoded: 0×0.
    pub(super) fn attachment(&mut self, part: &UploadedPart) -> Value {
        let id = self.new_id("att");
        if let Some(data) = part
            .data
            .as_ref()
            .filter(|d| self.kept_bytes + d.len() <= MAX_KEPT_FILES)
        {
            self.kept_bytes += data.len();
            self.files.insert(id.clone(), data.clone());
        }
        let mimetype = part
            .content_type
            .clone()
            .unwrap_or_else(|| "application/octet-stream".into());
        let kind = match part.field.as_str() {
            "voice_message" => "audio",
            "video_message" => "video",
            _ if mimetype.starts_with("image/") => "img",
            _ if mimetype.starts_with("video/") => "video",
            _ if mimetype.starts_with("audio/") => "audio",
            _ => "file",
        };
        let mut attachment = json!({
            "id": id, "type": kind, "file_size": part.size, "unavailable": false, "mimetype": mimetype,
            "url": format!("{}/files/{id}", self.base_url),
        });
        match kind {
            "img" => {
                attachment["size"] = json!({"width": 0, "height": 0});
                attachment["sticker"] = json!(false);
            }
            "video" => {
                attachment["size"] = json!({"width": 0, "height": 0});
                attachment["gif"] = json!(false);
            }
            "audio" => attachment["voice_note"] = json!(part.field == "voice_message"),
            _ => attachment["file_name"] = json!(part.file_name.clone().unwrap_or_else(|| "file".into())),
        }
        attachment
    }

    fn provider_of_message(&self, message_id: &str) -> Option<(Provider, String)> {
        let chat_id = self.messages.get(message_id)?["chat_id"].as_str()?.to_string();
        Some((self.chats.get(&chat_id)?.provider, chat_id))
    }

    pub(crate) fn forward_message(&mut self, message_id: &str, to_chat: &str) -> Answer {
        let Some((provider, _)) = self.provider_of_message(message_id) else {
            return self.not_found("message", message_id);
        };
        let Some(target) = self.chats.get(to_chat).cloned() else {
            return self.not_found("chat", to_chat);
        };
        if provider != Provider::WhatsApp || target.provider != Provider::WhatsApp {
            return self.error(
                403,
                "errors/account_mismatch",
                Some("Forwarding is supported on WhatsApp only."),
            );
        }
        let original = self.messages[message_id].clone();
        let attachments = original["attachments"].as_array().cloned().unwrap_or_default();
        let Some(id) = self.store(to_chat, original["text"].as_str(), attachments, true) else {
            return self.not_found("chat", to_chat);
        };
        if let Some(message) = self.messages.get_mut(&id) {
            message["is_forwarded"] = json!(true);
        }
        Answer::ok(200, json!({"object": "MessageForwarded", "message_id": id}))
    }

    pub(crate) fn add_reaction(&mut self, message_id: &str, reaction: &str) -> Answer {
        let Some((provider, chat_id)) = self.provider_of_message(message_id) else {
            return self.not_found("message", message_id);
        };
        if !matches!(provider, Provider::WhatsApp | Provider::LinkedIn) {
            return self.error(
                403,
                "errors/account_mismatch",
                Some("Reactions are supported on WhatsApp and LinkedIn only."),
            );
        }
        let sender_id = self
            .chats
            .get(&chat_id)
            .and_then(|c| self.accounts.get(&c.account_id))
            .map(|a| a.sender_id.clone());
        let sender_id = sender_id.unwrap_or_default();
        if let Some(reactions) = self
            .messages
            .get_mut(message_id)
            .and_then(|m| m["reactions"].as_array_mut())
        {
            // A new reaction from the same account replaces the previous one.
            reactions.retain(|r| r["sender_id"] != json!(sender_id));
            reactions.push(json!({"value": reaction, "sender_id": sender_id, "is_sender": true}));
        }
        Answer::ok(200, json!({"object": "MessageReactionAdded", "success": true}))
    }

    pub(crate) fn patch_chat(&mut self, chat_id: &str, action: &str, value: Option<&Value>) -> Answer {
        let Some(chat) = self.chats.get(chat_id).cloned() else {
            return self.not_found("chat", chat_id);
        };
        // Provider support, from the chat page's table of actions.
        use Provider::{LinkedIn, Telegram, WhatsApp};
        let supported: &[Provider] = match action {
            "setReadStatus" | "setMuteStatus" => &[WhatsApp, LinkedIn],
            "setArchiveStatus" | "setPinnedStatus" | "setLabel" => &[WhatsApp],
            "addParticipant" | "removeParticipant" | "getInviteLink" => &[WhatsApp, Telegram],
            other => {
                return self.error(
                    400,
                    "errors/invalid_request",
                    Some(&format!("Unknown action {other:?}.")),
                );
            }
        };
        let wants_bool = action.starts_with("set") && action.ends_with("Status");
        let valid_value = match (action, value) {
            ("getInviteLink", None) => true,
            (_, Some(Value::Bool(_))) => wants_bool,
            (_, Some(Value::String(s))) => !wants_bool && action != "getInviteLink" && !s.is_empty(),
            _ => false,
        };
        if !valid_value {
            return self.error(
                400,
                "errors/invalid_request",
                Some(&format!("Invalid value for {action}.")),
            );
        }
        if !supported.contains(&chat.provider) {
            let detail = format!("{action} is not supported on {:?} yet.", chat.provider);
            return self.error(501, "errors/feature_not_implemented", Some(&detail));
        }
        let n = self.next();
        let Some(chat) = self.chats.get_mut(chat_id) else {
            return error(404, "errors/resource_not_found", None, n);
        };
        let flag = value.and_then(Value::as_bool).unwrap_or_default();
        let text = value.and_then(Value::as_str).unwrap_or_default().to_string();
        let mut body = json!({"object": "ChatPatched"});
        match action {
            "setReadStatus" => chat.read = flag,
            "setMuteStatus" => chat.muted = flag,
            "setArchiveStatus" => chat.archived = flag,
            "setPinnedStatus" => chat.pinned = flag,
            "setLabel" if !chat.labels.contains(&text) => chat.labels.push(text),
            "addParticipant" if !chat.participants.contains(&text) => chat.participants.push(text),
            "removeParticipant" => chat.participants.retain(|p| *p != text),
            "getInviteLink" => {
                let link = chat.invite_link.get_or_insert_with(|| match chat.provider {
                    Telegram => format!("https://t.me/+FAKE{n:06}"),
                    _ => format!("https://chat.whatsapp.com/FAKE{n:06}"),
                });
                body["invite_link"] = json!(link);
            }
            _ => {}
        }
        Answer::ok(200, body)
    }
}

/// `2026-05-17T09:42:11.000Z` for `time` (UTC), the format of the pages' timestamps.
/// Now, as the API writes a time.
#[cfg(any(feature = "users", feature = "posts", feature = "linkedin"))]
pub(super) fn rfc3339_now() -> String {
    rfc3339(SystemTime::now())
}

fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_779_010_931_250);
        assert_eq!(rfc3339(t), "2026-05-17T09:42:11.250Z");
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let leap = SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000Z");
    }
}
