//! The forms of the server's ids (`ses_…`, `msg_…`), checked before any request is sent.

use super::error::ApiError;

fn has_form(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        (8..=64).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Is `id` shaped like a session id (`ses_` and 8 to 64 letters or digits)?
pub fn is_session_id(id: &str) -> bool {
    has_form(id, "ses_")
}

/// Is `id` shaped like a message id (`msg_` and 8 to 64 letters or digits)?
pub fn is_message_id(id: &str) -> bool {
    has_form(id, "msg_")
}

/// `Ok` for a well-formed session id, else an error that names it.
pub fn check_session_id(id: &str) -> Result<(), ApiError> {
    if is_session_id(id) {
        Ok(())
    } else {
        Err(ApiError::Invalid {
            message: format!("“{}” is not a valid session id.", shorten(id)),
        })
    }
}

/// `Ok` for a well-formed message id, else an error that names it.
pub fn check_message_id(id: &str) -> Result<(), ApiError> {
    if is_message_id(id) {
        Ok(())
    } else {
        Err(ApiError::Invalid {
            message: format!("“{}” is not a valid message id.", shorten(id)),
        })
    }
}

fn shorten(id: &str) -> String {
    let mut short: String = id.chars().take(40).collect();
    if short.len() < id.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_ids_pass_and_others_do_not() {
        assert!(is_session_id("ses_dee596bbdffekmTBBSa3uGvahj"));
        assert!(is_message_id("msg_211a69866001ltKs8o1kGQIEXf"));
        for bad in [
            "",
            "ses_",
            "ses_short",
            "msg_211a69866001ltKs8o1kGQIEXf",
            "ses_abc/../x12345",
            "ses_ab cdefghij",
            "SES_abcdefghij",
        ] {
            assert!(!is_session_id(bad), "{bad:?} passed");
        }
        assert!(!is_message_id("ses_dee596bbdffekmTBBSa3uGvahj"));
        let error = check_session_id("not-an-id").unwrap_err();
        assert_eq!(error.to_string(), "“not-an-id” is not a valid session id.");
    }
}
