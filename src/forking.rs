//! The fork operation, end to end: fresh messages → plan → `POST /fork` → a telling title →
//! the lineage edge recorded (before anyone navigates) → the draft for "edit and resend".
//! Generic over the transport, so native tests run it against a real server.

use crate::api::{ApiError, Client, Message, Session, SessionStatus, Transport};
use crate::fork::{self, fork_title, is_running, ForkPlan, ForkPoint};
use crate::lineage::{store, Edge, Lineage};
use crate::storage::{self, Area};

/// What to do when the session is still writing a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenBusy {
    /// Do not fork: report [`ForkError::Busy`] so the user can choose.
    Ask,
    /// Stop the reply (`POST /abort`), then fork.
    StopFirst,
    /// Fork only the messages that are complete.
    CompleteOnly,
}

/// Why a fork did not happen.
#[derive(Debug, Clone, PartialEq)]
pub enum ForkError {
    /// The session is busy and the caller asked to be asked.
    Busy,
    Api(ApiError),
    /// `POST /fork` got no answer (a [`ApiError::Network`] failure): the server may have made
    /// the fork all the same, so it must not be sent again blindly.
    Unanswered(ApiError),
}

impl From<ApiError> for ForkError {
    fn from(error: ApiError) -> Self {
        ForkError::Api(error)
    }
}

impl std::fmt::Display for ForkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ForkError::Busy => write!(f, "The session is still writing a reply."),
            // No answer is not "no fork": the server may have made it before the line went.
            // Forking again blindly could make two, so the user is told where to look instead.
            ForkError::Unanswered(ApiError::Network { detail, .. }) => write!(
                f,
                "The fork failed: no answer from the server ({detail}). If the server got the \
                 request before it went quiet, the fork may exist anyway: look in the sessions \
                 list before forking again."
            ),
            ForkError::Unanswered(error) => write!(f, "The fork failed. {error}"),
            ForkError::Api(error) => write!(f, "The fork failed. {error}"),
        }
    }
}

/// A fork that happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Forked {
    pub session: Session,
    pub plan: ForkPlan,
    /// The lineage as stored after recording this fork.
    pub lineage: Option<Lineage>,
    /// Something the user should know although the fork succeeded (for example: the lineage
    /// could not be stored).
    pub warning: Option<String>,
}

/// The storage key of a session's unsent composer text.
pub fn draft_key(session_id: &str) -> String {
    format!("branchpoint.draft.{session_id}")
}

/// The storage key of the files attached to a session's unsent message (a JSON array).
pub fn draft_files_key(session_id: &str) -> String {
    format!("branchpoint.draft-files.{session_id}")
}

/// The files kept for a session's unsent message.
pub fn draft_files(session_id: &str) -> Vec<crate::api::FilePart> {
    storage::get(Area::Local, &draft_files_key(session_id))
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

async fn still_busy<T: Transport>(client: &Client<T>, id: &str) -> bool {
    match client.session_status().await {
        Ok(all) => all.get(id).is_some_and(|s| *s != SessionStatus::Idle),
        Err(_) => true,
    }
}

async fn settle<T: Transport>(client: &Client<T>, id: &str) -> Result<Vec<Message>, ApiError> {
    let mut messages = client.messages(id).await?;
    for _ in 0..40 {
        if !messages.iter().any(is_running) {
            break;
        }
        sleep_ms(100).await;
        messages = client.messages(id).await?;
    }
    Ok(messages)
}

/// Forks `source` at `point`. `now` stamps the lineage edge.
pub async fn fork_session<T: Transport>(
    client: &Client<T>,
    source: &Session,
    point: &ForkPoint,
    when_busy: WhenBusy,
    now: f64,
) -> Result<Forked, ForkError> {
    // Plan against the session as it is now, not as the page last saw it.
    let mut messages = client.messages(&source.id).await?;
    // A reply cut off by a server crash stays unfinished forever: ask the server whether it is
    // really writing one (and assume so if it will not say).
    let busy = messages.iter().any(is_running) && still_busy(client, &source.id).await;
    if busy {
        match when_busy {
            WhenBusy::Ask => return Err(ForkError::Busy),
            WhenBusy::StopFirst => {
                client.abort(&source.id).await?;
                messages = settle(client, &source.id).await?;
            }
            WhenBusy::CompleteOnly => {}
        }
    }
    let mut plan = fork::plan(&source.id, &messages, point)?;
    if when_busy == WhenBusy::CompleteOnly {
        plan = fork::complete_only(plan, &messages);
    }
    let created = client
        .fork(&source.id, plan.before.as_deref())
        .await
        .map_err(|error| match error {
            ApiError::Network { .. } => ForkError::Unanswered(error),
            other => ForkError::Api(other),
        })?;
    let title = fork_title(&source.title, &plan);
    // The server names every fork "… (fork #1)"; a failed rename still leaves a usable fork.
    let session = client
        .rename_session(&created.id, &title)
        .await
        .unwrap_or(created);
    let anchor = plan.anchor.clone();
    let edge = Edge {
        child: session.id.clone(),
        parent: source.id.clone(),
        anchor: anchor.as_ref().map(|a| a.message_id.clone()),
        role: anchor.as_ref().map(|a| a.role),
        excerpt: anchor.map(|a| a.excerpt).unwrap_or_default(),
        kind: plan.kind,
        created: now,
        parent_title: source.title.clone(),
        child_title: session.title.clone(),
        server: client.conn.base_url.clone(),
        directory: session.directory.clone(),
    };
    let (lineage, mut warning) = match store::record(edge) {
        Ok(lineage) => (Some(lineage), None),
        Err(problem) => (None, Some(problem)),
    };
    if let Some(resend) = &plan.resend {
        let files = serde_json::to_string(&resend.files).unwrap_or_default();
        let kept =
            storage::set(Area::Local, &draft_key(&session.id), &resend.text).and_then(|()| {
                if resend.files.is_empty() {
                    Ok(())
                } else {
                    storage::set(Area::Local, &draft_files_key(&session.id), &files)
                }
            });
        if let Err(problem) = kept {
            warning = Some(format!("The message to edit could not be kept: {problem}."));
        }
    }
    Ok(Forked {
        session,
        plan,
        lineage,
        warning,
    })
}

#[cfg(target_arch = "wasm32")]
async fn sleep_ms(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

#[cfg(not(target_arch = "wasm32"))]
async fn sleep_ms(ms: u32) {
    // Native builds only use this from tests, on a multi-threaded or current-thread runtime:
    // a plain thread sleep keeps the crate free of an async runtime dependency.
    std::thread::sleep(std::time::Duration::from_millis(u64::from(ms)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fork_without_an_answer_says_where_to_look_instead_of_retrying() {
        let lost = ForkError::Unanswered(ApiError::Network {
            url: "http://127.0.0.1:4096/session/ses_1/fork".into(),
            detail: "Failed to fetch".into(),
        })
        .to_string();
        assert!(
            lost.starts_with("The fork failed: no answer from the server (Failed to fetch)."),
            "{lost}"
        );
        assert!(
            lost.contains("look in the sessions list before forking again"),
            "{lost}"
        );
        let refused = ForkError::Api(ApiError::from_status(500, "")).to_string();
        assert_eq!(
            refused,
            "The fork failed. The server failed (HTTP 500): HTTP 500"
        );
    }
}
