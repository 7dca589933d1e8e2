//! The fake's webhooks and accounts: `create_webhook` registers a receiver, and what happens in the
//! fake (an inbound message, a reaction, a read, an account's status) is delivered to it as the API
//! delivers it: a POST of the callback's payload (JSON, or a form with `format: form`) with the
//! webhook's headers, where 200 means delivered and anything else, or no answer within the
//! timeout, is attempted again up to 5 more times with doubling delays.
//!
//! Deliveries never block an answer: they are queued (at most [`QUEUED`]; more are dropped and
//! counted) and sent by a task of their own, at most [`IN_FLIGHT`] at once, so a receiver that
//! never answers costs bounded memory.

// Without the `accounts` or `webhooks` part, their operations (which call most of this) are absent.
#![cfg_attr(not(all(feature = "accounts", feature = "webhooks")), allow(dead_code))]

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{Semaphore, mpsc};

use super::state::{Answer, Provider, State};

/// Deliveries waiting to be sent; more are dropped (and counted).
pub const QUEUED: usize = 1024;
/// Deliveries being attempted at once.
pub const IN_FLIGHT: usize = 64;
/// Attempts after the first, as the API makes them.
const RETRIES: u32 = 5;

/// How deliveries are timed (`fake-server --webhook-timeout-ms`, `--webhook-retry-ms`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    /// How long a receiver has to answer an attempt (the API: 30 s).
    pub timeout: Duration,
    /// The delay before the first retry, doubled for each next one.
    pub retry: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            timeout: Duration::from_secs(30),
            retry: Duration::from_secs(1),
        }
    }
}

/// A webhook `create_webhook` registered.
#[derive(Debug, Clone)]
pub(crate) struct Webhook {
    pub id: String,
    pub request_url: String,
    pub source: String,
    pub name: Option<String>,
    pub events: Vec<String>,
    pub account_ids: Vec<String>,
    pub headers: Vec<(String, String)>,
    pub form: bool,
    pub enabled: bool,
}

/// One payload for one receiver.
#[derive(Debug)]
pub(crate) struct Delivery {
    url: String,
    headers: Vec<(String, String)>,
    form: bool,
    payload: Value,
}

/// Starts the task that sends deliveries; it ends when the fake's state (the sender) is dropped.
pub(crate) fn start(timing: Timing) -> mpsc::Sender<Delivery> {
    let (sender, mut queue) = mpsc::channel::<Delivery>(QUEUED);
    tokio::spawn(async move {
        let client = match reqwest::Client::builder().timeout(timing.timeout).build() {
            Ok(client) => client,
            Err(_) => return,
        };
        let in_flight = Arc::new(Semaphore::new(IN_FLIGHT));
        while let Some(delivery) = queue.recv().await {
            let Ok(permit) = in_flight.clone().acquire_owned().await else {
                return;
            };
            let client = client.clone();
            tokio::spawn(async move {
                deliver(&client, &delivery, timing.retry).await;
                drop(permit);
            });
        }
    });
    sender
}

/// Attempts a delivery until a receiver answers 200, at most `1 + RETRIES` times.
async fn deliver(client: &reqwest::Client, delivery: &Delivery, retry: Duration) {
    for attempt in 0..=RETRIES {
        if attempt > 0 {
            tokio::time::sleep(retry.saturating_mul(1 << (attempt - 1))).await;
        }
        let mut request = client.post(&delivery.url);
        for (name, value) in &delivery.headers {
            request = request.header(name, value);
        }
        request = if delivery.form {
            request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form(&delivery.payload))
        } else {
            request.json(&delivery.payload)
        };
        if matches!(request.send().await, Ok(answer) if answer.status() == 200) {
            return;
        }
    }
}

/// A payload as a form: each top-level key a field, a string as its text, anything else as JSON.
fn form(payload: &Value) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (key, value) in payload.as_object().into_iter().flatten() {
        match value {
            Value::String(text) => form.append_pair(key, text),
            Value::Null => form.append_pair(key, ""),
            other => form.append_pair(key, &other.to_string()),
        };
    }
    form.finish()
}

impl Provider {
    /// The account's `connection_params`, as the reference's account shape of its provider.
    fn connection_params(self, sender_id: &str) -> Value {
        match self {
            Provider::WhatsApp => {
                let digits: String = sender_id.chars().take_while(char::is_ascii_digit).collect();
                json!({"im": {"phone_number": format!("+{digits}")}})
            }
            Provider::LinkedIn => json!({"im": {
                "id": sender_id, "username": "Fake Member", "premiumId": null, "premiumContractId": null,
                "organizations": []
            }}),
            Provider::Telegram => json!({"im": {"user_id": sender_id, "username": "fake_user"}}),
        }
    }
}

impl State {
    /// An account as `list_accounts` and `get_account` answer it.
    pub(super) fn account_json(&self, id: &str) -> Option<Value> {
        let account = self.accounts.get(id)?;
        Some(json!({
            "object": "Account",
            "type": account.provider.account_type(),
            "connection_params": account.provider.connection_params(&account.sender_id),
            "id": id,
            "name": format!("Fake {} account", account.provider.account_type()),
            "created_at": "2026-01-01T00:00:00.000Z",
            "groups": [],
            "sources": [{"id": format!("{id}_MESSAGING"), "status": "OK"}],
        }))
    }

    pub(crate) fn list_accounts(&mut self) -> Answer {
        let items: Vec<Value> = self.accounts.keys().filter_map(|id| self.account_json(id)).collect();
        Answer::ok(200, json!({"object": "AccountList", "items": items, "cursor": null}))
    }

    pub(crate) fn get_account(&mut self, id: &str) -> Answer {
        match self.account_json(id) {
            Some(account) => Answer::ok(200, account),
            None => self.not_found("account", id),
        }
    }

    /// Deletes an account (its chats stay, as the fake keeps messages) and delivers `DELETED`.
    pub(crate) fn delete_account(&mut self, id: &str) -> Answer {
        if !self.accounts.contains_key(id) {
            return self.not_found("account", id);
        }
        self.account_status(id, "DELETED");
        self.accounts.remove(id);
        Answer::ok(200, json!({"object": "AccountDeleted"}))
    }

    /// Registers a webhook from `create_webhook`'s arguments (already checked against the spec).
    #[cfg(feature = "webhooks")]
    pub(crate) fn create_webhook(&mut self, arguments: &serde_json::Map<String, Value>) -> Answer {
        let text = |name: &str| arguments.get(name).and_then(Value::as_str).map(str::to_string);
        let texts = |name: &str| -> Vec<String> {
            arguments
                .get(name)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        let headers = arguments
            .get("headers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|h| Some((h["key"].as_str()?.to_string(), h["value"].as_str()?.to_string())))
            .collect();
        // The request types `events` as strings (the enum is open to what a newer server sends);
        // the fake takes the events it documents, as the API takes the ones it knows.
        let events = texts("events");
        if let Some(unknown) = events
            .iter()
            .find(|e| crate::types::WebhookEventName::from(e.as_str()).is_unknown())
        {
            let detail = format!("events: {unknown:?} is not an event a webhook can be limited to.");
            return self.error(400, "errors/invalid_parameters", Some(&detail));
        }
        let id = self.new_id("wh");
        self.webhooks.push(Webhook {
            id: id.clone(),
            request_url: text("request_url").unwrap_or_default(),
            source: text("source").unwrap_or_default(),
            name: text("name"),
            events,
            account_ids: texts("account_ids"),
            headers,
            form: text("format").as_deref() == Some("form"),
            enabled: arguments.get("enabled").and_then(Value::as_bool).unwrap_or(true),
        });
        Answer::ok(201, json!({"object": "WebhookCreated", "webhook_id": id}))
    }

    pub(crate) fn list_webhooks(&mut self) -> Answer {
        let items: Vec<Value> = self
            .webhooks
            .iter()
            .map(|w| {
                let accounts: Vec<Value> = w
                    .account_ids
                    .iter()
                    .map(|id| {
                        let kind = self.accounts.get(id).map_or("WHATSAPP", |a| a.provider.account_type());
                        json!({"id": id, "type": kind})
                    })
                    .collect();
                let mut item = json!({
                    "object": "Webhook",
                    "id": w.id,
                    "account_ids": accounts,
                    "enabled": w.enabled,
                    "request_url": w.request_url,
                    "format": if w.form { "form" } else { "json" },
                    "headers": w.headers.iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
                    "data": [],
                    "type": "AUTO",
                });
                if let Some(name) = &w.name {
                    item["name"] = json!(name);
                }
                if !w.events.is_empty() {
                    item["events"] = json!(w.events);
                }
                item
            })
            .collect();
        Answer::ok(200, json!({"object": "WebhookList", "items": items, "cursor": null}))
    }

    pub(crate) fn delete_webhook(&mut self, id: &str) -> Answer {
        let before = self.webhooks.len();
        self.webhooks.retain(|w| w.id != id);
        if self.webhooks.len() == before {
            return self.not_found("webhook", id);
        }
        Answer::ok(200, json!({"object": "WebhookDeleted"}))
    }

    /// Queues `payload` for `url`; a full queue drops it (and counts it).
    fn queue(&mut self, url: &str, headers: Vec<(String, String)>, form: bool, payload: Value) {
        let Some(sender) = &self.deliveries else { return };
        let delivery = Delivery {
            url: url.to_string(),
            headers,
            form,
            payload,
        };
        if sender.try_send(delivery).is_err() {
            self.dropped_deliveries += 1;
        }
    }

    /// Delivers `payload` to every enabled webhook of `source` that takes `event` from `account_id`
    /// (its `events` and `account_ids` filters); returns how many.
    fn emit(&mut self, source: &str, event: &str, account_id: &str, payload: &Value) -> usize {
        let receivers: Vec<Webhook> = self
            .webhooks
            .iter()
            .filter(|w| w.enabled && w.source == source)
            .filter(|w| w.events.is_empty() || w.events.iter().any(|e| e.eq_ignore_ascii_case(event)))
            .filter(|w| w.account_ids.is_empty() || w.account_ids.iter().any(|a| a == account_id))
            .cloned()
            .collect();
        for webhook in &receivers {
            let mut payload = payload.clone();
            if let (Some(name), Some(object)) = (&webhook.name, payload.as_object_mut())
                && source == "messaging"
            {
                object.insert("webhook_name".into(), json!(name));
            }
            self.queue(&webhook.request_url, webhook.headers.clone(), webhook.form, payload);
        }
        receivers.len()
    }

    /// A messaging event's payload for a message of the fake.
    fn message_event(&self, event: &str, message_id: &str) -> Option<Value> {
        let message = self.messages.get(message_id)?;
        let chat = self.chats.get(message["chat_id"].as_str()?)?;
        let account = self.accounts.get(&chat.account_id)?;
        let attendee = |id: &str| {
            let found = self.attendees.get(id);
            json!({
                "attendee_id": id,
                "attendee_name": found.map(|a| a.name.clone()),
                "attendee_provider_id": found.map_or_else(String::new, |a| a.provider_id.clone()),
            })
        };
        let sender = message["sender_attendee_id"].as_str().unwrap_or_default();
        Some(json!({
            "event": event,
            "account_id": chat.account_id,
            "account_type": chat.provider.account_type(),
            "account_info": {"type": chat.provider.account_type(), "feature": "MESSAGING", "user_id": account.sender_id},
            "chat_id": chat.id,
            "timestamp": message["timestamp"],
            "message_id": message_id,
            "message": message["text"],
            "sender": attendee(sender),
            "attendees": chat.attendees.iter().map(|id| attendee(id)).collect::<Vec<_>>(),
            "provider_chat_id": message["chat_provider_id"],
            "provider_message_id": message["provider_id"],
            "is_event": 0,
            "message_type": "MESSAGE",
        }))
    }

    /// A message from the other side of `chat_id`, delivered as `message_received`; `None` when
    /// there is no such chat.
    pub(crate) fn inbound(&mut self, chat_id: &str, text: &str) -> Option<String> {
        let id = self.add_message(chat_id, text)?;
        self.emit_message("message_received", &id, None);
        Some(id)
    }

    /// Delivers a messaging event of a message, with the reaction's fields for a reaction.
    pub(super) fn emit_message(&mut self, event: &str, message_id: &str, reaction: Option<&str>) -> usize {
        let Some(mut payload) = self.message_event(event, message_id) else {
            return 0;
        };
        if let Some(reaction) = reaction {
            payload["reaction"] = json!(reaction);
            let own = self
                .accounts
                .get(payload["account_id"].as_str().unwrap_or_default())
                .map(|a| a.attendee_id.clone())
                .unwrap_or_default();
            let own = self
                .attendees
                .get(&own)
                .map(|a| json!({"attendee_id": own, "attendee_name": a.name, "attendee_provider_id": a.provider_id}));
            payload["reaction_sender"] = own.unwrap_or(json!({}));
        }
        let account = payload["account_id"].as_str().unwrap_or_default().to_string();
        self.emit("messaging", event, &account, &payload)
    }

    /// Delivers `account_status` with `message` for `account_id`; `None` when there is no such account.
    pub(crate) fn account_status(&mut self, account_id: &str, message: &str) -> Option<usize> {
        let provider = self.accounts.get(account_id)?.provider;
        let payload = json!({"AccountStatus": {
            "account_id": account_id, "account_type": provider.account_type(), "message": message
        }});
        Some(self.emit("account_status", message, account_id, &payload))
    }

    /// A hosted authentication link: its URL on the fake, which connects an account when opened.
    pub(crate) fn create_hosted_link(&mut self, arguments: &serde_json::Map<String, Value>) -> Answer {
        let id = self.new_id("hl");
        let provider = arguments
            .get("providers")
            .and_then(Value::as_array)
            .and_then(|p| p.first())
            .and_then(Value::as_str)
            .map_or(Provider::WhatsApp, |p| match p {
                "LINKEDIN" => Provider::LinkedIn,
                "TELEGRAM" => Provider::Telegram,
                _ => Provider::WhatsApp,
            });
        let link = HostedLink {
            provider,
            notify_url: arguments.get("notify_url").and_then(Value::as_str).map(str::to_string),
            name: arguments.get("name").and_then(Value::as_str).map(str::to_string),
            reconnect: arguments
                .get("reconnect_account")
                .and_then(Value::as_str)
                .map(str::to_string),
        };
        self.hosted_links.insert(id.clone(), link);
        let url = format!("{}/_fake/hosted/{id}", self.base_url);
        Answer::ok(201, json!({"object": "HostedAuthURL", "url": url}))
    }

    /// Opens a hosted link: connects a new account (or reconnects the link's) and notifies the
    /// link's `notify_url`. `None` for an unknown link.
    pub(crate) fn open_hosted_link(&mut self, id: &str) -> Option<String> {
        let link = self.hosted_links.get(id)?.clone();
        let (account_id, status) = match &link.reconnect {
            Some(account) if self.accounts.contains_key(account) => (account.clone(), "RECONNECTED"),
            _ => (self.add_account(link.provider), "CREATION_SUCCESS"),
        };
        if let Some(url) = &link.notify_url {
            let mut payload = json!({"status": status, "account_id": account_id});
            if let Some(name) = &link.name {
                payload["name"] = json!(name);
            }
            self.queue(url, Vec::new(), false, payload);
        }
        Some(account_id)
    }
}

/// A link `create_hosted_auth_link` made.
#[derive(Debug, Clone)]
pub(crate) struct HostedLink {
    provider: Provider,
    notify_url: Option<String>,
    name: Option<String>,
    reconnect: Option<String>,
}
