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

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A new id in OpenCode's ascending form (the form it gives messages and parts, which sort by
/// when they were made): `prefix_`, 12 hex digits of `now_ms × 4096 + counter` (kept to 48
/// bits) and 14 base62 characters from `random`. With `after` (an id of the same kind), the id
/// sorts after it whatever this machine's clock says: the server orders a session's messages by
/// id, and a clock behind the server's must not put a new message before the last reply.
pub fn ascending(
    prefix: &str,
    now_ms: f64,
    counter: u16,
    random: &[u8; 14],
    after: Option<&str>,
) -> String {
    const MASK: u64 = 0xFFFF_FFFF_FFFF;
    let mut stamp =
        ((now_ms.max(0.0) as u64).wrapping_mul(0x1000) + u64::from(counter & 0xFFF)) & MASK;
    let previous = after
        .and_then(|id| id.strip_prefix(prefix)?.strip_prefix('_'))
        .and_then(|rest| rest.get(..12))
        .and_then(|hex| u64::from_str_radix(hex, 16).ok());
    if let Some(previous) = previous.filter(|p| *p >= stamp) {
        stamp = (previous + 1) & MASK;
    }
    let tail: String = random
        .iter()
        .map(|b| BASE62[usize::from(*b) % BASE62.len()] as char)
        .collect();
    format!("{prefix}_{stamp:012x}{tail}")
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
    fn ascending_ids_sort_by_time_and_after_the_last_one() {
        let random = [7u8; 14];
        let a = ascending("msg", 1_764_000_000_000.0, 0, &random, None);
        let b = ascending("msg", 1_764_000_000_000.0, 1, &random, None);
        let c = ascending("msg", 1_764_000_000_001.0, 0, &random, None);
        assert!(a < b && b < c, "{a} {b} {c}");
        assert!(is_message_id(&a), "{a}");
        assert_eq!(a.len(), "msg_".len() + 26);
        // A real id of the server's, from a clock ahead of this one: the new id comes after.
        let server = "msg_dcea896e9ffe01234567890123";
        let after = ascending("msg", 1_000.0, 0, &random, Some(server));
        assert!(after.as_str() > server, "{after}");
        assert_eq!(&after[4..16], "dcea896e9fff");
        // An id of another kind, or no id at all, says nothing.
        assert_eq!(
            ascending("msg", 1.0, 0, &random, Some("prt_ffffffffffff")),
            ascending("msg", 1.0, 0, &random, None)
        );
    }

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
