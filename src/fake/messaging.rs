//! The fake's model of the messaging operations beyond the five pages (chats, attendees, message
//! lists, attachments), kept as state: what was started, sent or seeded is what the lists return.
//!
//! Lists are newest first, a page of `limit` (default [`DEFAULT_LIMIT`]) at a time. A cursor names
//! the position of the last item of its page, not an offset: items that arrive during a walk sit
//! before every cursor already handed out, so a walk sees each earlier item exactly once.

use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::state::{Answer, Provider, State, UploadedPart};

/// The page size when a list call gives no `limit`.
pub const DEFAULT_LIMIT: usize = 100;

/// The arguments of a request, validated against the spec by the fake's HTTP layer: path and
/// query parameters as text, body fields as JSON.
pub(crate) type Arguments = Map<String, Value>;

/// The argument `name` as text, if it is text.
pub(super) fn text<'a>(arguments: &'a Arguments, name: &str) -> Option<&'a str> {
    arguments.get(name).and_then(Value::as_str)
}

/// What the cursor of an item at `position` reads.
fn cursor_at(position: u64) -> String {
    format!("pos_{position}")
}

fn position_of(cursor: &str) -> Option<u64> {
    cursor.strip_prefix("pos_")?.parse().ok()
}

impl Provider {
    /// The `account_type` of the reference.
    pub(super) fn account_type(self) -> &'static str {
        match self {
            Provider::WhatsApp => "WHATSAPP",
            Provider::LinkedIn => "LINKEDIN",
            Provider::Telegram => "TELEGRAM",
        }
    }
}

/// The date filters of a list (`before`, `after`): timestamps of one format compare as text.
fn dated_within(arguments: &Arguments, timestamp: Option<&str>) -> bool {
    let Some(timestamp) = timestamp else {
        return text(arguments, "before").is_none() && text(arguments, "after").is_none();
    };
    text(arguments, "before").is_none_or(|before| timestamp < before)
        && text(arguments, "after").is_none_or(|after| timestamp > after)
}

impl State {
    /// One page of `items` (each with its position, in any order) as the list `object`.
    pub(super) fn page(&mut self, object: &str, items: Vec<(u64, Value)>, arguments: &Arguments) -> Answer {
        self.page_of(object, items, arguments, |_, item| Some(item))
    }

    /// One page of `items` as the list `object`, each item made into JSON by `render` only once it
    /// is on the page (a message list holds ids, not clones of every message of the chat).
    fn page_of<T>(
        &mut self,
        object: &str,
        mut items: Vec<(u64, T)>,
        arguments: &Arguments,
        render: impl Fn(&State, T) -> Option<Value>,
    ) -> Answer {
        let limit = match text(arguments, "limit").map(str::parse::<usize>) {
            None => DEFAULT_LIMIT,
            Some(Ok(limit)) => limit,
            Some(Err(_)) => return self.error(400, "errors/invalid_request", Some("limit is not a number.")),
        };
        let after = match text(arguments, "cursor") {
            None => u64::MAX,
            Some(cursor) => match position_of(cursor) {
                Some(position) => position,
                // No page is at a cursor this server never handed out (a 404, not a 400: the
                // list operations document no 400).
                None => {
                    return self.error(
                        404,
                        "errors/resource_not_found",
                        Some("No page at this cursor: it is not one this server handed out."),
                    );
                }
            },
        };
        items.retain(|(position, _)| *position < after);
        items.sort_by_key(|item| std::cmp::Reverse(item.0));
        let more = items.len() > limit;
        items.truncate(limit);
        let cursor = match items.last() {
            Some((position, _)) if more => Value::from(cursor_at(*position)),
            _ => Value::Null,
        };
        let items: Vec<Value> = items.into_iter().filter_map(|(_, item)| render(self, item)).collect();
        Answer::ok(200, json!({"object": object, "items": items, "cursor": cursor}))
    }

    /// A chat as the reference's `Chat`; with `lastMessage` for "Retrieve a chat".
    fn chat_json(&self, chat_id: &str, with_last_message: bool) -> Option<Value> {
        let chat = self.chats.get(chat_id)?;
        let messages = self.chat_messages.get(chat_id).map(Vec::as_slice).unwrap_or_default();
        let last = messages.last().and_then(|id| self.messages.get(id));
        let unread = if chat.read {
            0
        } else {
            messages
                .iter()
                .filter_map(|id| self.messages.get(id))
                .filter(|m| m["is_sender"] == 0)
                .count()
        };
        let peer = chat.attendees.first().and_then(|id| self.attendees.get(id));
        let mut value = json!({
            "object": "Chat",
            "id": chat.id,
            "account_id": chat.account_id,
            "account_type": chat.provider.account_type(),
            "provider_id": format!("provider-{}", chat.id),
            "name": chat.name,
            "type": if chat.attendees.len() > 1 { 1 } else { 0 },
            "timestamp": last.map_or(Value::from(chat.created.as_str()), |m| m["timestamp"].clone()),
            "unread_count": unread,
            "archived": i32::from(chat.archived),
            "muted_until": if chat.muted { json!(-1) } else { Value::Null },
            "read_only": 0,
        });
        if let Some(peer) = peer {
            value["attendee_provider_id"] = json!(peer.provider_id);
        }
        if with_last_message {
            value["lastMessage"] = match last {
                Some(message) => {
                    let mut message = message.clone();
                    if let Some(fields) = message.as_object_mut() {
                        for name in ["object", "message_id", "is_forwarded"] {
                            fields.remove(name);
                        }
                    }
                    message
                }
                None => Value::Null,
            };
        }
        Some(value)
    }

    fn attendee_json(&self, attendee_id: &str) -> Option<Value> {
        let attendee = self.attendees.get(attendee_id)?;
        Some(json!({
            "object": "ChatAttendee",
            "id": attendee_id,
            "account_id": attendee.account_id,
            "provider_id": attendee.provider_id,
            "name": attendee.name,
            "is_self": i32::from(attendee.is_self),
            "hidden": 0,
        }))
    }

    /// The position of a message (its place in the order messages were stored).
    fn message_position(&self, message_id: &str) -> u64 {
        self.message_positions.get(message_id).copied().unwrap_or_default()
    }

    /// `GET /chats`.
    pub(crate) fn list_chats(&mut self, arguments: &Arguments) -> Answer {
        let unread = text(arguments, "unread").map(|u| u == "true");
        let items: Vec<(u64, Value)> = self
            .chats
            .values()
            .filter(|chat| text(arguments, "account_id").is_none_or(|a| a == chat.account_id))
            .filter(|chat| text(arguments, "account_type").is_none_or(|t| t == chat.provider.account_type()))
            .filter_map(|chat| Some((chat.position, self.chat_json(&chat.id, false)?)))
            .filter(|(_, chat)| dated_within(arguments, chat["timestamp"].as_str()))
            .filter(|(_, chat)| unread.is_none_or(|unread| unread == (chat["unread_count"] != 0)))
            .collect();
        self.page("ChatList", items, arguments)
    }

    /// `GET /chats/{chat_id}`.
    pub(crate) fn get_chat(&mut self, chat_id: &str, arguments: &Arguments) -> Answer {
        let account = self.chats.get(chat_id).map(|c| c.account_id.clone());
        match (account, self.chat_json(chat_id, true)) {
            (Some(account), Some(chat)) if text(arguments, "account_id").is_none_or(|a| a == account) => {
                Answer::ok(200, chat)
            }
            _ => self.not_found("chat", chat_id),
        }
    }

    /// `GET /chats/{chat_id}/messages`.
    pub(crate) fn list_chat_messages(&mut self, chat_id: &str, arguments: &Arguments) -> Answer {
        let Some(ids) = self
            .chat_messages
            .get(chat_id)
            .filter(|_| self.chats.contains_key(chat_id))
        else {
            return self.not_found("chat", chat_id);
        };
        let items = self.messages_of(ids.iter(), arguments, |_| true);
        self.message_page(items, arguments)
    }

    /// The ids of the messages of `ids` that pass the list filters (`sender_id`, `account_id`,
    /// dates) and `also`, each with its position.
    fn messages_of<'a>(
        &self,
        ids: impl Iterator<Item = &'a String>,
        arguments: &Arguments,
        also: impl Fn(&Value) -> bool,
    ) -> Vec<(u64, String)> {
        ids.filter_map(|id| Some((id, self.messages.get(id)?)))
            .filter(|(_, m)| text(arguments, "sender_id").is_none_or(|s| m["sender_id"] == s))
            .filter(|(_, m)| text(arguments, "account_id").is_none_or(|a| m["account_id"] == a))
            .filter(|(_, m)| dated_within(arguments, m["timestamp"].as_str()) && also(m))
            .map(|(id, _)| (self.message_position(id), id.clone()))
            .collect()
    }

    /// A page of a message list, the messages cloned only once they are on it.
    fn message_page(&mut self, items: Vec<(u64, String)>, arguments: &Arguments) -> Answer {
        self.page_of("MessageList", items, arguments, |state, id| {
            state.messages.get(&id).cloned()
        })
    }

    /// `GET /messages`.
    pub(crate) fn list_messages(&mut self, arguments: &Arguments) -> Answer {
        let items = self.messages_of(self.messages.keys(), arguments, |_| true);
        self.message_page(items, arguments)
    }

    /// `GET /chats/{chat_id}/attendees`: every attendee, in one answer (the operation has no
    /// cursor parameter).
    pub(crate) fn list_chat_attendees(&mut self, chat_id: &str) -> Answer {
        let Some(chat) = self.chats.get(chat_id) else {
            return self.not_found("chat", chat_id);
        };
        let self_attendee = self.accounts.get(&chat.account_id).map(|a| a.attendee_id.clone());
        let items: Vec<Value> = self_attendee
            .iter()
            .chain(&chat.attendees)
            .filter_map(|id| self.attendee_json(id))
            .collect();
        Answer::ok(
            200,
            json!({"object": "ChatAttendeeList", "items": items, "cursor": null}),
        )
    }

    /// `GET /chat_attendees`.
    pub(crate) fn list_attendees(&mut self, arguments: &Arguments) -> Answer {
        let items: Vec<(u64, Value)> = self
            .attendees
            .iter()
            .filter(|(_, a)| text(arguments, "account_id").is_none_or(|id| id == a.account_id))
            .filter_map(|(id, a)| Some((a.position, self.attendee_json(id)?)))
            .collect();
        self.page("ChatAttendeeList", items, arguments)
    }

    /// `GET /chat_attendees/{attendee_id}`.
    pub(crate) fn get_attendee(&mut self, attendee_id: &str) -> Answer {
        match self.attendee_json(attendee_id) {
            Some(attendee) => Answer::ok(200, attendee),
            None => self.not_found("attendee", attendee_id),
        }
    }

    /// `GET /chat_attendees/{attendee_id}/picture`: a one-pixel PNG.
    pub(crate) fn get_attendee_picture(&mut self, attendee_id: &str, media_type: &'static str) -> Answer {
        if !self.attendees.contains_key(attendee_id) {
            return self.not_found("attendee", attendee_id);
        }
        let mut answer = Answer::ok(200, Value::Null);
        answer.file = Some((media_type, Bytes::from_static(super::http::ONE_PIXEL_PNG)));
        answer
    }

    /// `GET /chat_attendees/{attendee_id}/chats`: the chats the attendee is in (an account's own
    /// attendee is in every chat of the account).
    pub(crate) fn list_attendee_chats(&mut self, attendee_id: &str, arguments: &Arguments) -> Answer {
        let Some(attendee) = self.attendees.get(attendee_id) else {
            return self.not_found("attendee", attendee_id);
        };
        let (is_self, account_id) = (attendee.is_self, attendee.account_id.clone());
        let items: Vec<(u64, Value)> = self
            .chats
            .values()
            .filter(|c| {
                if is_self {
                    c.account_id == account_id
                } else {
                    c.attendees.iter().any(|a| a == attendee_id)
                }
            })
            .filter(|c| text(arguments, "account_id").is_none_or(|a| a == c.account_id))
            .filter_map(|c| Some((c.position, self.chat_json(&c.id, false)?)))
            .filter(|(_, chat)| dated_within(arguments, chat["timestamp"].as_str()))
            .collect();
        self.page("ChatList", items, arguments)
    }

    /// `GET /chat_attendees/{attendee_id}/messages`: the messages the attendee sent.
    pub(crate) fn list_attendee_messages(&mut self, attendee_id: &str, arguments: &Arguments) -> Answer {
        if !self.attendees.contains_key(attendee_id) {
            return self.not_found("attendee", attendee_id);
        }
        let sent_by_them = |m: &Value| m["sender_attendee_id"] == attendee_id;
        let items = self.messages_of(self.messages.keys(), arguments, sent_by_them);
        self.message_page(items, arguments)
    }

    /// `GET /chats/{chat_id}/sync`.
    pub(crate) fn sync_chat(&mut self, chat_id: &str) -> Answer {
        if !self.chats.contains_key(chat_id) {
            return self.not_found("chat", chat_id);
        }
        Answer::ok(
            200,
            json!({"object": "ChatHistorySync", "chat_id": chat_id, "status": "SYNC_STARTED"}),
        )
    }

    /// `GET /messages/{message_id}/attachments/{attachment_id}`: the bytes that were uploaded.
    pub(crate) fn get_attachment(&mut self, message_id: &str, attachment_id: &str, media_type: &'static str) -> Answer {
        let Some(message) = self.messages.get(message_id) else {
            return self.not_found("message", message_id);
        };
        let listed = message["attachments"]
            .as_array()
            .is_some_and(|list| list.iter().any(|a| a["id"] == attachment_id));
        match self.files.get(attachment_id) {
            Some(data) if listed => {
                let mut answer = Answer::ok(200, Value::Null);
                answer.file = Some((media_type, data.clone()));
                answer
            }
            None if listed => self.error(
                404,
                "errors/resource_not_found",
                Some(&format!(
                    "The fake keeps files of up to {} bytes: attachment {attachment_id:?} was larger.",
                    super::state::MAX_KEPT_FILE
                )),
            ),
            _ => self.not_found("attachment of this message", attachment_id),
        }
    }

    /// `POST /chats`: a chat of the account with an attendee per provider id, and its first
    /// message when there is text or a file.
    pub(crate) fn start_chat(&mut self, arguments: &Arguments, files: Vec<UploadedPart>) -> Answer {
        let account_id = text(arguments, "account_id").unwrap_or_default().to_string();
        let Some(provider) = self.account_provider(&account_id) else {
            return self.not_found("account", &account_id);
        };
        let people: Vec<String> = arguments
            .get("attendees_ids")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        let chat_id = match self.add_chat(provider, Some(&account_id)) {
            Ok(id) => id,
            Err(problem) => return self.error(422, "errors/invalid_parameters", Some(&problem)),
        };
        let attendees: Vec<String> = people
            .iter()
            .map(|provider_id| self.attendee_for(&account_id, provider_id))
            .collect();
        // The chat's attendees are the people it was started with (not the peer a seeded chat gets).
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            for peer in std::mem::replace(&mut chat.attendees, attendees) {
                self.attendees.remove(&peer);
            }
        }
        let text = text(arguments, "text").filter(|t| !t.is_empty());
        let message_id = if text.is_some() || !files.is_empty() {
            let attachments: Vec<Value> = files.iter().map(|part| self.attachment(part)).collect();
            self.store(&chat_id, text, attachments, true)
        } else {
            None
        };
        Answer::ok(
            201,
            json!({"object": "ChatStarted", "chat_id": chat_id, "message_id": message_id}),
        )
    }
}
