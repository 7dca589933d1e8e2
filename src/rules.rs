//! The rules the spec cannot state, for the operations the crate knows by heart: checked on every
//! request of theirs, however it was made (a `Client` method, [`crate::requests::AnyRequest`], the
//! CLI, the MCP server), before anything is sent.
//!
//! - `send_message`: a message carries text or at least one file.
//! - `patch_chat`: the value fits the action (a boolean for a status toggle, a non-empty string
//!   for a participant or a label), as [`ChatAction`] says.

use crate::call::Prepared;
use crate::error::Error;
#[cfg(feature = "messaging")]
use crate::{call::Body, chat_action::ChatAction, operations::OperationId, types::ChatActionRequest};

/// The rules of `prepared`'s operation, if it has any (the operations of parts not compiled have
/// none here).
pub(crate) fn check(prepared: &Prepared<'_>) -> Result<(), Error> {
    #[cfg(feature = "messaging")]
    match prepared.operation {
        OperationId::SendMessage => return message_has_content(&prepared.body),
        OperationId::PatchChat => return value_fits_action(&prepared.body),
        _ => {}
    }
    let _ = prepared;
    Ok(())
}

/// A message needs text or at least one file (the API refuses an empty one; refusing it here
/// spends no request).
#[cfg(feature = "messaging")]
fn message_has_content(body: &Body) -> Result<(), Error> {
    let Body::Form { texts, files } = body else {
        return Ok(());
    };
    let has_text = texts.iter().any(|part| part.name == "text" && !part.value.is_empty());
    if has_text || !files.is_empty() {
        Ok(())
    } else {
        Err(Error::invalid_input("a message needs text or at least one file"))
    }
}

#[cfg(feature = "messaging")]
fn value_fits_action(body: &Body) -> Result<(), Error> {
    let Body::Json(bytes) = body else {
        return Ok(());
    };
    let request: ChatActionRequest =
        serde_json::from_slice(bytes).map_err(|e| Error::invalid_input(format!("body: {e}")))?;
    let action = ChatAction::try_from(request).map_err(|e| Error::invalid_input(e.to_string()))?;
    match action.text_value() {
        Some("") => Err(Error::invalid_input(format!("the value of {} is empty", action.name()))),
        _ => Ok(()),
    }
}
