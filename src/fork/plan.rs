//! Fork planning: which messages a fork copies, and what to send the server for it.
//!
//! The server copies the messages strictly *before* the `messageID` it is given (all of them
//! without one), and silently copies everything for an id it does not know. So the client plans
//! against the session's current messages and refuses what does not add up.

use serde::{Deserialize, Serialize};

use crate::api::ids::{check_message_id, check_session_id};
use crate::api::{ApiError, Message, MessageInfo, Part, Role};
use crate::lineage::ForkKind;
use crate::text::{display_title, excerpt, message_excerpt, quoted};

/// Where to fork.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForkPoint {
    /// Through the end of this message's turn (the user message and the replies to it).
    Through(String),
    /// Strictly before this message ("edit and resend").
    Before(String),
    /// The whole session.
    Whole,
    /// The whole session, kept as a branch before OpenCode's undo takes back this user
    /// message and everything after it.
    Undo(String),
}

/// The message a fork is anchored at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    pub message_id: String,
    pub role: Role,
    pub excerpt: String,
}

/// What to ask the server, and what to remember about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForkPlan {
    pub session_id: String,
    /// The `messageID` to send: the first message *not* copied; `None` copies everything.
    pub before: Option<String>,
    pub kind: ForkKind,
    /// `None` for a whole-session fork of an empty session.
    pub anchor: Option<Anchor>,
    /// How many of the messages planned against the new session starts with. A long session's
    /// page plans against the messages it has loaded (its newest ones, back to some point):
    /// the fork copies the older ones as well, which the page had not loaded.
    pub copied: usize,
    /// Text (and file parts) to put back in the composer: set for `Before`.
    pub resend: Option<Resend>,
}

/// A user message taken apart for "edit and resend".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Resend {
    pub text: String,
    pub files: Vec<crate::api::FilePart>,
}

/// Index of the first message of the turn after the one holding `index`, if there is one.
pub fn next_turn_start(messages: &[Message], index: usize) -> Option<usize> {
    (index + 1..messages.len()).find(|&i| messages[i].info.role() == Role::User)
}

/// Is this assistant message still being written?
pub fn is_running(message: &Message) -> bool {
    matches!(&message.info, MessageInfo::Assistant(a) if a.time.completed.is_none() && a.error.is_none())
}

/// Plans a fork of `session_id`, whose messages are `messages` (fresh from the server).
pub fn plan(
    session_id: &str,
    messages: &[Message],
    point: &ForkPoint,
) -> Result<ForkPlan, ApiError> {
    check_session_id(session_id)?;
    let locate = |id: &str| -> Result<usize, ApiError> {
        check_message_id(id)?;
        messages.iter().position(|m| m.info.id() == id).ok_or_else(|| ApiError::Invalid {
            message: format!("Message {id} is not in this session (any more). Reload the session and try again."),
        })
    };
    let anchor_of = |i: usize| Anchor {
        message_id: messages[i].info.id().to_owned(),
        role: messages[i].info.role(),
        excerpt: message_excerpt(&messages[i]),
    };
    match point {
        ForkPoint::Through(id) => {
            let index = locate(id)?;
            let next = next_turn_start(messages, index);
            Ok(ForkPlan {
                session_id: session_id.to_owned(),
                before: next.map(|n| messages[n].info.id().to_owned()),
                kind: ForkKind::Through,
                anchor: Some(anchor_of(index)),
                copied: next.unwrap_or(messages.len()),
                resend: None,
            })
        }
        ForkPoint::Before(id) => {
            let index = locate(id)?;
            let message = &messages[index];
            if message.info.role() != Role::User {
                return Err(ApiError::Invalid {
                    message: "Only your own messages can be edited and resent.".into(),
                });
            }
            Ok(ForkPlan {
                session_id: session_id.to_owned(),
                before: Some(id.clone()),
                kind: ForkKind::Before,
                anchor: Some(anchor_of(index)),
                copied: index,
                resend: Some(resend_of(message)),
            })
        }
        ForkPoint::Undo(id) => {
            let index = locate(id)?;
            if messages[index].info.role() != Role::User {
                return Err(ApiError::Invalid {
                    message: "Undo starts at one of your own messages.".into(),
                });
            }
            Ok(ForkPlan {
                session_id: session_id.to_owned(),
                before: None,
                kind: ForkKind::Undo,
                anchor: Some(anchor_of(index)),
                copied: messages.len(),
                resend: None,
            })
        }
        ForkPoint::Whole => Ok(ForkPlan {
            session_id: session_id.to_owned(),
            before: None,
            kind: ForkKind::Whole,
            anchor: messages.len().checked_sub(1).map(anchor_of),
            copied: messages.len(),
            resend: None,
        }),
    }
}

/// A user message taken apart for the composer: its text and the files attached to it.
pub fn resend_of(message: &Message) -> Resend {
    let files = message
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::File(f) => Some(f.clone()),
            _ => None,
        })
        .collect();
    Resend {
        text: message.text(),
        files,
    }
}

/// The plan cut back so it copies no reply that is still being written ("fork what is
/// complete"): the copy ends before the first running message.
pub fn complete_only(plan: ForkPlan, messages: &[Message]) -> ForkPlan {
    match messages.iter().position(is_running) {
        Some(running) if running < plan.copied => ForkPlan {
            before: Some(messages[running].info.id().to_owned()),
            copied: running,
            ..plan
        },
        _ => plan,
    }
}

/// A title that tells this fork from its siblings (the server names them all "… (fork #1)").
pub fn fork_title(parent_title: &str, plan: &ForkPlan) -> String {
    let base = display_title(parent_title).trim();
    match (&plan.kind, &plan.anchor) {
        (ForkKind::Whole, _) | (_, None) => format!("{base} (copy)"),
        (ForkKind::Through, Some(anchor)) => {
            format!("{base} — after {}", quoted(&excerpt(&anchor.excerpt, 32)))
        }
        (ForkKind::Before, Some(anchor)) => {
            format!("{base} — edit of {}", quoted(&excerpt(&anchor.excerpt, 32)))
        }
        (ForkKind::Undo, _) => format!("{base} — before undo"),
        (ForkKind::Worktree, Some(anchor)) => {
            format!(
                "{base} — worktree after {}",
                quoted(&excerpt(&anchor.excerpt, 32))
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Messages from roles: "u" user, "a" assistant (complete), "r" assistant still running.
    fn session(roles: &str) -> Vec<Message> {
        roles
            .chars()
            .enumerate()
            .map(|(i, role)| {
                let id = format!("msg_{i:02}aaaaaaaaaa");
                let info = match role {
                    'u' => json!({"id": id, "role": "user", "time": {"created": i}}),
                    'a' => json!({"id": id, "role": "assistant", "time": {"created": i, "completed": i}}),
                    _ => json!({"id": id, "role": "assistant", "time": {"created": i}}),
                };
                let parts = json!([{"id": format!("prt_{i}"), "type": "text", "text": format!("text {i}")}]);
                serde_json::from_value(json!({"info": info, "parts": parts})).unwrap()
            })
            .collect()
    }

    fn id(i: usize) -> String {
        format!("msg_{i:02}aaaaaaaaaa")
    }

    const SES: &str = "ses_0123456789abcdef";

    #[test]
    fn through_copies_to_the_end_of_the_turn() {
        let messages = session("uaauau");
        // First message (user): its turn is u a a → send the id of the next user message.
        let first = plan(SES, &messages, &ForkPoint::Through(id(0))).unwrap();
        assert_eq!((first.before, first.copied), (Some(id(3)), 3));
        // An assistant reply in the middle of a turn: same boundary.
        let middle = plan(SES, &messages, &ForkPoint::Through(id(1))).unwrap();
        assert_eq!((middle.before, middle.copied), (Some(id(3)), 3));
        assert_eq!(middle.anchor.unwrap().role, Role::Assistant);
        // The last turn (a lone user message): everything, no messageID.
        let last = plan(SES, &messages, &ForkPoint::Through(id(5))).unwrap();
        assert_eq!((last.before, last.copied), (None, 6));
        let penultimate = plan(SES, &messages, &ForkPoint::Through(id(4))).unwrap();
        assert_eq!((penultimate.before, penultimate.copied), (Some(id(5)), 5));
    }

    #[test]
    fn before_copies_strictly_before_a_user_message_and_keeps_its_text() {
        let messages = session("uaua");
        let edit = plan(SES, &messages, &ForkPoint::Before(id(2))).unwrap();
        assert_eq!(
            (edit.before.as_deref(), edit.copied),
            (Some(id(2).as_str()), 2)
        );
        assert_eq!(edit.resend.unwrap().text, "text 2");
        let first = plan(SES, &messages, &ForkPoint::Before(id(0))).unwrap();
        assert_eq!(first.copied, 0);
        assert!(
            plan(SES, &messages, &ForkPoint::Before(id(1))).is_err(),
            "assistant messages are not edited"
        );
    }

    #[test]
    fn whole_one_message_and_empty_sessions() {
        let one = session("u");
        let whole = plan(SES, &one, &ForkPoint::Whole).unwrap();
        assert_eq!(
            (whole.before, whole.copied, whole.kind),
            (None, 1, ForkKind::Whole)
        );
        let through = plan(SES, &one, &ForkPoint::Through(id(0))).unwrap();
        assert_eq!((through.before, through.copied), (None, 1));
        let empty = plan(SES, &[], &ForkPoint::Whole).unwrap();
        assert_eq!((empty.copied, empty.anchor), (0, None));
        assert!(plan(SES, &[], &ForkPoint::Through(id(0))).is_err());
    }

    #[test]
    fn refuses_what_the_server_would_silently_get_wrong() {
        let messages = session("ua");
        let missing = plan(
            SES,
            &messages,
            &ForkPoint::Through("msg_notinthissession".into()),
        )
        .unwrap_err();
        assert!(
            missing.to_string().contains("not in this session"),
            "{missing}"
        );
        assert!(matches!(
            plan(SES, &messages, &ForkPoint::Through("bad id".into())),
            Err(ApiError::Invalid { .. })
        ));
        assert!(matches!(
            plan("nope", &messages, &ForkPoint::Whole),
            Err(ApiError::Invalid { .. })
        ));
    }

    #[test]
    fn undo_keeps_everything_anchored_at_a_user_message() {
        let messages = session("uaua");
        let undo = plan(SES, &messages, &ForkPoint::Undo(id(2))).unwrap();
        assert_eq!(
            (undo.before, undo.copied, undo.kind, undo.resend),
            (None, 4, ForkKind::Undo, None)
        );
        assert_eq!(undo.anchor.unwrap().message_id, id(2));
        assert_eq!(
            fork_title(
                "Refactor",
                &plan(SES, &messages, &ForkPoint::Undo(id(0))).unwrap()
            ),
            "Refactor — before undo"
        );
        assert!(
            plan(SES, &messages, &ForkPoint::Undo(id(1))).is_err(),
            "replies are not undone from"
        );
        assert!(plan(SES, &messages, &ForkPoint::Undo("msg_gone123456".into())).is_err());
    }

    #[test]
    fn fork_what_is_complete_leaves_the_running_reply_out() {
        let messages = session("uaur");
        let whole = complete_only(plan(SES, &messages, &ForkPoint::Whole).unwrap(), &messages);
        assert_eq!((whole.before, whole.copied), (Some(id(3)), 3));
        let early = complete_only(
            plan(SES, &messages, &ForkPoint::Through(id(0))).unwrap(),
            &messages,
        );
        assert_eq!(
            (early.before, early.copied),
            (Some(id(2)), 2),
            "an earlier fork point is untouched"
        );
    }

    #[test]
    fn titles_and_excerpts() {
        assert_eq!(excerpt("  hello\n  world  ", 80), "hello world");
        assert_eq!(excerpt("abcdefghij", 4), "abcd…");
        let messages = session("ua");
        let p = plan(SES, &messages, &ForkPoint::Through(id(1))).unwrap();
        assert_eq!(fork_title("Refactor", &p), "Refactor — after “text 1”");
        let w = plan(SES, &messages, &ForkPoint::Whole).unwrap();
        assert_eq!(fork_title("", &w), "Untitled session (copy)");
    }
}
