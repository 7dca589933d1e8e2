//! [`ChatAction`]: one variant per action of the chat page, each with the value type it takes.

use crate::types::error::ConversionError;
use crate::types::{
    ChatActionGetInviteLink, ChatActionGetInviteLinkAction, ChatActionRequest, ChatActionSetStatus,
    ChatActionSetStatusAction, ChatActionWithText, ChatActionWithTextAction,
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
    /// The action's name in the API, e.g. `setReadStatus` (from the generated enums, not retyped).
    pub fn name(&self) -> String {
        use ChatActionSetStatusAction as S;
        use ChatActionWithTextAction as T;
        match self {
            Self::SetReadStatus(_) => S::SetReadStatus.to_string(),
            Self::SetMuteStatus(_) => S::SetMuteStatus.to_string(),
            Self::SetArchiveStatus(_) => S::SetArchiveStatus.to_string(),
            Self::SetPinnedStatus(_) => S::SetPinnedStatus.to_string(),
            Self::AddParticipant(_) => T::AddParticipant.to_string(),
            Self::RemoveParticipant(_) => T::RemoveParticipant.to_string(),
            Self::SetLabel(_) => T::SetLabel.to_string(),
            Self::GetInviteLink => ChatActionGetInviteLinkAction::GetInviteLink.to_string(),
        }
    }
}

/// The body of an action. Fails for a value the spec refuses: an empty provider id or label name.
impl TryFrom<ChatAction> for ChatActionRequest {
    type Error = ConversionError;

    fn try_from(action: ChatAction) -> Result<Self, ConversionError> {
        use ChatActionSetStatusAction as S;
        use ChatActionWithTextAction as T;
        let status = |action, value| ChatActionRequest::SetStatus(ChatActionSetStatus { action, value });
        let text = |action, value: String| -> Result<ChatActionRequest, ConversionError> {
            Ok(ChatActionRequest::WithText(ChatActionWithText {
                action,
                value: value.try_into()?,
            }))
        };
        Ok(match action {
            ChatAction::SetReadStatus(on) => status(S::SetReadStatus, on),
            ChatAction::SetMuteStatus(on) => status(S::SetMuteStatus, on),
            ChatAction::SetArchiveStatus(on) => status(S::SetArchiveStatus, on),
            ChatAction::SetPinnedStatus(on) => status(S::SetPinnedStatus, on),
            ChatAction::AddParticipant(id) => text(T::AddParticipant, id)?,
            ChatAction::RemoveParticipant(id) => text(T::RemoveParticipant, id)?,
            ChatAction::SetLabel(name) => text(T::SetLabel, name)?,
            ChatAction::GetInviteLink => ChatActionRequest::GetInviteLink(ChatActionGetInviteLink {
                action: ChatActionGetInviteLinkAction::GetInviteLink,
            }),
        })
    }
}

/// The exhaustive matches over the generated action enums (no catch-all arm) are what tie
/// `ChatAction` to the spec: an action added to `openapi.yaml` fails to compile here until it has
/// a variant. The spec says which value each action takes, so every body is an action.
impl From<ChatActionRequest> for ChatAction {
    fn from(body: ChatActionRequest) -> Self {
        use ChatActionSetStatusAction as S;
        use ChatActionWithTextAction as T;
        match body {
            ChatActionRequest::SetStatus(ChatActionSetStatus { action, value }) => match action {
                S::SetReadStatus => ChatAction::SetReadStatus(value),
                S::SetMuteStatus => ChatAction::SetMuteStatus(value),
                S::SetArchiveStatus => ChatAction::SetArchiveStatus(value),
                S::SetPinnedStatus => ChatAction::SetPinnedStatus(value),
            },
            ChatActionRequest::WithText(ChatActionWithText { action, value }) => {
                let value = value.to_string();
                match action {
                    T::AddParticipant => ChatAction::AddParticipant(value),
                    T::RemoveParticipant => ChatAction::RemoveParticipant(value),
                    T::SetLabel => ChatAction::SetLabel(value),
                }
            }
            ChatActionRequest::GetInviteLink(_) => ChatAction::GetInviteLink,
        }
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
            let request = ChatActionRequest::try_from(action.clone()).unwrap();
            assert_eq!(serde_json::to_value(&request).unwrap(), body);
            assert_eq!(body["action"], action.name());
            assert_eq!(ChatAction::from(request), action);
        }
    }

    #[test]
    fn a_value_the_spec_refuses_is_no_body() {
        // The spec's oneOf by action: a string for a status toggle matches no variant.
        let wrong_type =
            serde_json::from_value::<ChatActionRequest>(json!({"action": "setReadStatus", "value": "yes"}));
        assert!(wrong_type.is_err());
        let empty = serde_json::from_value::<ChatActionRequest>(json!({"action": "setLabel", "value": ""}));
        assert!(empty.is_err());
        assert!(ChatActionRequest::try_from(ChatAction::SetLabel(String::new())).is_err());
    }
}
