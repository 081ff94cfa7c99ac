//! Undo that never destroys. OpenCode's own undo (`POST /session/:id/revert`) takes the files
//! and the conversation back to before a message, and the next prompt deletes the undone
//! messages for good. [`undo`] first keeps the whole session as a branch (a fork recorded as
//! kind "undo", titled "<title> — before undo"), only then reverts, and puts the undone
//! message back in the composer. [`redo`] is OpenCode's unrevert, completed where the server
//! leaves the files short (a file the undone turns had deleted comes back; it is deleted
//! again with a git patch), and checked against the revert's own diff: whatever still
//! differs is named.
//! Generic over the transport, so native tests run it against a real server.

use super::plan::{resend_of, ForkPoint, Resend};
use super::run::{fork, ForkError, ForkRequest, Forked, WhenBusy};
use crate::api::{ApiError, Client, Message, Session, Transport};
use crate::diff::{created_text, deletion_patch, matches_old_side, parse_patch, split_git_patch};
use crate::persist::drafts;

/// What to undo.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoRequest {
    pub source: Session,
    /// The user message to undo from: it and everything after it.
    pub message_id: String,
    /// Only [`WhenBusy::Ask`] and [`WhenBusy::StopFirst`] make sense here: a running reply is
    /// asked about, or stopped first.
    pub when_busy: WhenBusy,
    /// The messages the page shows (see [`ForkRequest::known`]).
    pub known: Option<Vec<Message>>,
}

/// An undo that happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Undone {
    /// The branch that keeps the undone messages (and, through its turns, their files).
    pub kept: Forked,
    /// The session as the server reverted it (`revert` set).
    pub session: Session,
    /// What was put back in the composer.
    pub draft: Resend,
    /// Something the user should know although the undo happened.
    pub warning: Option<String>,
}

/// Why an undo did not happen, or happened only in part.
#[derive(Debug, Clone, PartialEq)]
pub enum UndoError {
    /// A reply is running and the caller asked to be asked.
    Busy,
    /// The undone messages could not be kept as a branch, so nothing was undone.
    NotKept(ForkError),
    /// The branch is kept, but the server refused to revert (busy, gone, …): the session is
    /// as it was, and the branch stays recorded.
    Refused { kept: Box<Forked>, error: ApiError },
}

/// The server's own words in an error, without this app's framing around them.
fn server_words(error: &ApiError) -> String {
    match error {
        ApiError::Server {
            status, message, ..
        } => format!("(HTTP {status}) {message}"),
        ApiError::BadRequest { message } => format!("(HTTP 400) {message}"),
        ApiError::NotFound { message } => format!("(HTTP 404) {message}"),
        other => other.to_string(),
    }
}

impl std::fmt::Display for UndoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UndoError::Busy => write!(f, "The session is still writing a reply."),
            UndoError::NotKept(error) => write!(
                f,
                "Nothing was undone: the messages to undo could not be kept as a branch first. \
                 {error}"
            ),
            UndoError::Refused { kept, error } => write!(
                f,
                "The server refused the undo {}. Nothing was undone; the branch “{}” made to \
                 keep the messages stays.",
                server_words(error),
                kept.session.title
            ),
        }
    }
}

/// Undoes as `request` says: keep → revert → the undone message back in the composer. `now`
/// stamps the lineage edge.
pub async fn undo<T: Transport>(
    client: &Client<T>,
    request: UndoRequest,
    now: f64,
) -> Result<Undone, UndoError> {
    let UndoRequest {
        source,
        message_id,
        when_busy,
        known,
    } = request;
    let keep = ForkRequest::new(&source, ForkPoint::Undo(message_id.clone()))
        .when_busy(when_busy)
        .known(known);
    let mut kept = match fork(client, keep, now).await {
        Ok(kept) => kept,
        Err(ForkError::Busy) => return Err(UndoError::Busy),
        Err(error) => return Err(UndoError::NotKept(error)),
    };
    let session = match client.revert(&source.id, &message_id).await {
        Ok(session) => session,
        Err(error) => {
            return Err(UndoError::Refused {
                kept: Box::new(kept),
                error,
            })
        }
    };
    // The undone message, as the branch copied it (the source still has it until the next
    // prompt, but the plan was made against these).
    let undone = kept
        .copied
        .iter()
        .find(|m| m.info.id() == message_id)
        .map(resend_of)
        .unwrap_or_default();
    let mut warning = kept.warning.take();
    let draft = match put_back(&source.id, &undone) {
        Ok(draft) => draft,
        Err(problem) => {
            warning = Some(format!(
                "The undone message could not be put back in the composer: {problem}. The \
                 branch “{}” has it.",
                kept.session.title
            ));
            undone
        }
    };
    Ok(Undone {
        kept,
        session,
        draft,
        warning,
    })
}

/// Puts the undone message back in a session's composer, ahead of anything already typed
/// there (which is kept).
fn put_back(session_id: &str, undone: &Resend) -> Result<Resend, String> {
    let typed = drafts::text(session_id);
    let text = if typed.trim().is_empty() || typed == undone.text {
        undone.text.clone()
    } else {
        format!("{}\n\n{typed}", undone.text)
    };
    let mut files = undone.files.clone();
    for file in drafts::files(session_id) {
        if !files.iter().any(|f| f.url == file.url) {
            files.push(file);
        }
    }
    drafts::keep(session_id, &text, &files)?;
    Ok(Resend { text, files })
}

/// After a redo, the composer no longer holds the undone message if it still holds just
/// that (anything typed since is left).
pub fn forget_put_back(session_id: &str, undone_text: &str) {
    if !undone_text.is_empty() && drafts::text(session_id) == undone_text {
        drafts::clear(session_id);
    }
}

/// A redo that happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Redone {
    /// The session with nothing undone.
    pub session: Session,
    /// Files the server left behind that Branchpoint deleted again (they did not exist before
    /// the undo).
    pub completed: Vec<String>,
    /// Files that are still not as they were before the undo, each with what is wrong.
    pub differing: Vec<String>,
}

impl Redone {
    /// What to tell the user.
    pub fn told(&self) -> String {
        let mut told = "Redone: the undone messages are back".to_owned();
        if self.completed.is_empty() && self.differing.is_empty() {
            told.push_str(", and the files are as they were before the undo.");
            return told;
        }
        told.push('.');
        if !self.completed.is_empty() {
            told.push_str(&format!(
                " The server left {} in place, which did not exist before the undo; Branchpoint \
                 deleted {} again.",
                self.completed.join(", "),
                if self.completed.len() == 1 {
                    "it"
                } else {
                    "them"
                }
            ));
        }
        if !self.differing.is_empty() {
            told.push_str(&format!(
                " Not as before the undo: {}.",
                self.differing.join("; ")
            ));
        }
        told
    }
}

/// Redoes the undo of session `session_id` (`POST /unrevert`), then checks every file the
/// revert touched against the revert's diff (`session.revert.diff`: from the files before the
/// undo to after it): a file the undo brought back is deleted again (the server leaves it),
/// a file the undo deleted must be back, a modified one must read as before the undo.
pub async fn redo<T: Transport + Clone>(
    client: &Client<T>,
    session_id: &str,
) -> Result<Redone, ApiError> {
    let before = client.get_session(session_id).await?;
    let Some(revert) = before.revert.clone() else {
        return Err(ApiError::Invalid {
            message: "There is nothing to redo: a prompt was sent since the undo, or it was \
                      redone elsewhere."
                .into(),
        });
    };
    let session = client.unrevert(session_id).await?;
    let files = client.in_directory(&session.directory);
    let mut redone = Redone {
        session,
        completed: Vec::new(),
        differing: Vec::new(),
    };
    for patch in split_git_patch(revert.diff.as_deref().unwrap_or_default()) {
        let hunks = parse_patch(&patch.text);
        let exists = files.file_exists(&patch.file).await?;
        if patch.creates {
            // Not there before the undo: it must go again.
            if !exists {
                continue;
            }
            let deletion = deletion_patch(&patch.file, &created_text(&hunks));
            match files.apply_patch(&deletion).await {
                Ok(()) => redone.completed.push(patch.file),
                Err(error) => redone.differing.push(format!(
                    "{} did not exist before the undo and is back, changed since, so it was \
                     left ({})",
                    patch.file,
                    server_words(&error)
                )),
            }
            continue;
        }
        if !exists {
            redone.differing.push(format!(
                "{} is missing (it existed before the undo)",
                patch.file
            ));
            continue;
        }
        let content = files.file_content(&patch.file).await?;
        if !content.is_binary() && !matches_old_side(&content.content, &hunks) {
            redone.differing.push(format!(
                "{} does not read as it did before the undo",
                patch.file
            ));
        }
    }
    Ok(redone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_quote_the_server_and_keep_the_branch() {
        let kept = Forked {
            session: Session {
                id: "ses_kept1234".into(),
                title: "T — before undo".into(),
                ..Session::default()
            },
            plan: super::super::plan::ForkPlan {
                session_id: "ses_a1234567".into(),
                before: None,
                kind: crate::lineage::ForkKind::Undo,
                anchor: None,
                copied: 0,
                resend: None,
            },
            copied: Vec::new(),
            partial: false,
            lineage: None,
            warning: None,
            naming: None,
        };
        let busy = UndoError::Refused {
            kept: Box::new(kept),
            error: ApiError::from_status(
                409,
                r#"{"_tag":"SessionBusyError","sessionID":"ses_a","message":"Session ses_a is busy"}"#,
            ),
        }
        .to_string();
        assert_eq!(
            busy,
            "The server refused the undo (HTTP 409) Session ses_a is busy. Nothing was undone; \
             the branch “T — before undo” made to keep the messages stays."
        );
        let told = Redone {
            session: Session::default(),
            completed: vec!["notes.txt".into()],
            differing: vec!["a.txt does not read as it did before the undo".into()],
        }
        .told();
        assert!(told.contains("left notes.txt in place"), "{told}");
        assert!(told.contains("deleted it again"), "{told}");
        assert!(
            told.ends_with(
                "Not as before the undo: a.txt does not read as it did before the undo."
            ),
            "{told}"
        );
    }

    #[test]
    fn the_undone_message_goes_ahead_of_what_was_typed() {
        let id = "ses_putback123";
        drafts::clear(id);
        let undone = Resend {
            text: "write the tests".into(),
            files: Vec::new(),
        };
        assert_eq!(put_back(id, &undone).unwrap().text, "write the tests");
        drafts::keep_text(id, "and more").unwrap();
        assert_eq!(
            put_back(id, &undone).unwrap().text,
            "write the tests\n\nand more"
        );
        forget_put_back(id, "write the tests");
        assert_eq!(
            drafts::text(id),
            "write the tests\n\nand more",
            "typed text stays"
        );
        drafts::keep_text(id, "write the tests").unwrap();
        forget_put_back(id, "write the tests");
        assert_eq!(drafts::text(id), "");
    }
}
