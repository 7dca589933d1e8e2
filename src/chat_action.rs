//! [`ChatAction`]: one variant per action of the chat page, each with the value type it takes.

use crate::types::{
    ChatActionGetInviteLink, ChatActionGetInviteLinkAction, ChatActionRequest, ChatActionValue, ChatActionWithValue,
    ChatActionWithValueAction,
};

/// An action on a chat (`PATCH /chats/{chat_id}`). Each variant carries the value its action
/// takes, so an invalid action/value pair cannot be written. Provider support, from the chat page:
///
/// | variant | API action | value | providers |
/// |---|---|---|---|
/// | `SetReadStatus(bool)` | `setReadStatus` | boolean | WhatsApp, LinkedIn |
/// | `SetMuteStatus(bool)` | `setMuteStatus` | boolean | WhatsApp, LinkedIn |
/// | `SetArchiveStatus(bool)` | `setArchiveStatus` | boolean | WhatsApp |
/// | `SetPinnedStatus(bool)` | `setPinnedStatus` | boolean | WhatsApp |
/// | `AddParticipant(id)` | `addParticipant` | provider id (`334455667788@s.whatsapp.net`; Telegram user id, username or phone) | WhatsApp, Telegram |
/// | `RemoveParticipant(id)` | `removeParticipant` | provider id | WhatsApp, Telegram |
/// | `SetLabel(name)` | `setLabel` | label name (created if missing) | WhatsApp |
/// | `GetInviteLink` | `getInviteLink` | none | WhatsApp, Telegram |
///
/// For `GetInviteLink`, [`crate::Client::invite_link`] returns the link itself.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChatAction {
    /// Mark the chat read (`true`) or unread.
    SetReadStatus(bool),
    /// Mute (`true`) or unmute the chat.
    SetMuteStatus(bool),
    /// Archive (`true`) or unarchive the chat.
    SetArchiveStatus(bool),
    /// Pin (`true`) or unpin the chat.
    SetPinnedStatus(bool),
    /// Add the participant with this provider id to a group chat. The account needs the group's
    /// "Add other members" permission; without it postpress may answer success without adding.
    AddParticipant(String),
    /// Remove the participant with this provider id from a group chat.
    RemoveParticipant(String),
    /// Assign this label to the chat, creating the label if it does not exist.
    SetLabel(String),
    /// Generate or retrieve the group's invite link.
    GetInviteLink,
}

impl ChatAction {
    /// The action's name in the API, e.g. `setReadStatus` (from the generated enum, not retyped).
    pub fn name(&self) -> String {
        match ChatActionRequest::from(self.clone()) {
            ChatActionRequest::WithValue(body) => body.action.to_string(),
            ChatActionRequest::GetInviteLink(body) => body.action.to_string(),
        }
    }

    /// The string value of the actions that take one, for validation.
    pub(crate) fn text_value(&self) -> Option<&str> {
        match self {
            Self::AddParticipant(v) | Self::RemoveParticipant(v) | Self::SetLabel(v) => Some(v),
            _ => None,
        }
    }
}

impl From<ChatAction> for ChatActionRequest {
    fn from(action: ChatAction) -> Self {
        use ChatActionWithValueAction as A;
        let with = |action, value| ChatActionRequest::WithValue(ChatActionWithValue { action, value });
        match action {
            ChatAction::SetReadStatus(on) => with(A::SetReadStatus, ChatActionValue::Boolean(on)),
            ChatAction::SetMuteStatus(on) => with(A::SetMuteStatus, ChatActionValue::Boolean(on)),
            ChatAction::SetArchiveStatus(on) => with(A::SetArchiveStatus, ChatActionValue::Boolean(on)),
            ChatAction::SetPinnedStatus(on) => with(A::SetPinnedStatus, ChatActionValue::Boolean(on)),
            ChatAction::AddParticipant(id) => with(A::AddParticipant, ChatActionValue::String(id)),
            ChatAction::RemoveParticipant(id) => with(A::RemoveParticipant, ChatActionValue::String(id)),
            ChatAction::SetLabel(name) => with(A::SetLabel, ChatActionValue::String(name)),
            ChatAction::GetInviteLink => ChatActionRequest::GetInviteLink(ChatActionGetInviteLink {
                action: ChatActionGetInviteLinkAction::GetInviteLink,
            }),
        }
    }
}

/// A request body whose value does not fit its action (a string for a status toggle, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MismatchedValue {
    /// The action's name in the API.
    pub action: String,
}

impl std::fmt::Display for MismatchedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the value does not fit the action {}", self.action)
    }
}

impl std::error::Error for MismatchedValue {}

/// The exhaustive match over the generated action enum (no catch-all arm) is what ties
/// `ChatAction` to the spec: an action added to `openapi.yaml` fails to compile here until it has
/// a variant.
impl TryFrom<ChatActionRequest> for ChatAction {
    type Error = MismatchedValue;

    fn try_from(body: ChatActionRequest) -> Result<Self, MismatchedValue> {
        use ChatActionWithValueAction as A;
        let body = match body {
            ChatActionRequest::WithValue(body) => body,
            ChatActionRequest::GetInviteLink(_) => return Ok(ChatAction::GetInviteLink),
        };
        let mismatch = || MismatchedValue {
            action: body.action.to_string(),
        };
        let boolean = || match &body.value {
            ChatActionValue::Boolean(on) => Ok(*on),
            ChatActionValue::String(_) => Err(mismatch()),
        };
        let text = || match &body.value {
            ChatActionValue::String(text) => Ok(text.clone()),
            ChatActionValue::Boolean(_) => Err(mismatch()),
        };
        Ok(match body.action {
            A::SetReadStatus => ChatAction::SetReadStatus(boolean()?),
            A::SetMuteStatus => ChatAction::SetMuteStatus(boolean()?),
            A::SetArchiveStatus => ChatAction::SetArchiveStatus(boolean()?),
            A::SetPinnedStatus => ChatAction::SetPinnedStatus(boolean()?),
            A::AddParticipant => ChatAction::AddParticipant(text()?),
            A::RemoveParticipant => ChatAction::RemoveParticipant(text()?),
            A::SetLabel => ChatAction::SetLabel(text()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_action_serializes_to_the_spec_body_and_back() {
        let cases = [
            (
                ChatAction::SetReadStatus(true),
                json!({"action": "setReadStatus", "value": true}),
            ),
            (
                ChatAction::SetMuteStatus(false),
                json!({"action": "setMuteStatus", "value": false}),
            ),
            (
                ChatAction::SetArchiveStatus(true),
                json!({"action": "setArchiveStatus", "value": true}),
            ),
            (
                ChatAction::SetPinnedStatus(false),
                json!({"action": "setPinnedStatus", "value": false}),
            ),
            (
                ChatAction::AddParticipant("1@s.whatsapp.net".into()),
                json!({"action": "addParticipant", "value": "1@s.whatsapp.net"}),
            ),
            (
                ChatAction::RemoveParticipant("@bob".into()),
                json!({"action": "removeParticipant", "value": "@bob"}),
            ),
            (
                ChatAction::SetLabel("VIP".into()),
                json!({"action": "setLabel", "value": "VIP"}),
            ),
            (ChatAction::GetInviteLink, json!({"action": "getInviteLink"})),
        ];
        for (action, body) in cases {
            let request = ChatActionRequest::from(action.clone());
            assert_eq!(serde_json::to_value(&request).unwrap(), body);
            assert_eq!(body["action"], action.name());
            assert_eq!(ChatAction::try_from(request).unwrap(), action);
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_is_refused() {
        let body: ChatActionRequest =
            serde_json::from_value(json!({"action": "setReadStatus", "value": "yes"})).unwrap();
        assert_eq!(
            ChatAction::try_from(body),
            Err(MismatchedValue {
                action: "setReadStatus".into()
            })
        );
    }
}
