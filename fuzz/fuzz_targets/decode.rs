//! Every response decoder, on arbitrary bytes, through both decoding paths (text and
//! `serde_json::Value`). Decoding may fail; it must not panic, and both paths must agree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use postpress::types;
use serde::de::DeserializeOwned;

fn both<T: DeserializeOwned + PartialEq + std::fmt::Debug>(data: &[u8], value: Option<&serde_json::Value>) {
    let from_text = serde_json::from_slice::<T>(data);
    if let Some(value) = value {
        let from_value = serde_json::from_value::<T>(value.clone());
        match (&from_text, &from_value) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Ok(_), Err(_)) | (Err(_), Ok(_)) => panic!("the two decoding paths disagree"),
            (Err(_), Err(_)) => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let value = serde_json::from_slice::<serde_json::Value>(data).ok();
    let value = value.as_ref();
    both::<types::Message>(data, value);
    both::<types::ErrorEnvelope>(data, value);
    both::<types::MessageSent>(data, value);
    both::<types::MessageForwarded>(data, value);
    both::<types::MessageReactionAdded>(data, value);
    both::<types::ChatPatched>(data, value);
    both::<types::Attachment>(data, value);
});
