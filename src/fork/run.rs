//! The fork operation, end to end, behind one call ([`fork`]): fresh messages → plan →
//! `POST /fork` → a telling title → the lineage edge recorded (before anyone navigates) → the
//! draft for "edit and resend". A `POST /fork` whose answer is lost is never re-sent: the
//! server's sessions are searched for the fork instead ([`super::lost`]), and when the server
//! cannot even be asked, the fork is kept as pending ([`super::pending`]).
//! Generic over the transport, so native tests run it against a real server.

use super::lost::find_lost_fork;
use super::pending::{self, InFlight, PendingFork, Waited};
use super::plan::{complete_only, fork_title, is_running, plan, ForkPlan, ForkPoint};
use crate::api::{ApiError, Client, Message, Session, SessionStatus, Transport};
use crate::lineage::{store, Edge, LineageGraph};
use crate::persist::drafts;

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
    /// As `Unanswered`, and the server could not be asked about it either: the fork is kept as
    /// pending and looked for when the server answers again.
    Pending(ApiError),
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
            ForkError::Pending(error) => {
                let detail = match error {
                    ApiError::Network { detail, .. } => detail.clone(),
                    other => other.to_string(),
                };
                write!(
                    f,
                    "The fork got no answer: the server cannot be reached ({detail}). It may \
                     have made the fork before it went quiet, so Branchpoint will look for it \
                     when the server is back and record it then. Nothing is sent twice."
                )
            }
            ForkError::Api(error) => write!(f, "The fork failed. {error}"),
        }
    }
}

/// A fork that happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Forked {
    pub session: Session,
    pub plan: ForkPlan,
    /// The messages the new session starts with, as they were in the source (their ids are
    /// the source's: the server gives the copies new ones).
    pub copied: Vec<Message>,
    /// `copied` are the newest of what the fork holds only: they came from a page that had not
    /// loaded the source's older messages (see [`ForkRequest::newest_only`]).
    pub partial: bool,
    /// The lineage as stored after recording this fork.
    pub lineage: Option<LineageGraph>,
    /// Something the user should know although the fork succeeded (for example: the lineage
    /// could not be stored).
    pub warning: Option<String>,
    /// The telling title still to be given on the server (see [`NameWhen::Later`]); `None` once
    /// given, or tried.
    pub naming: Option<Naming>,
}

impl Forked {
    /// Gives the fork its telling title on the server, if that is still to be done.
    pub async fn named<T: Transport>(mut self, client: &Client<T>) -> Forked {
        if let Some(naming) = self.naming.take() {
            if let Ok(named) = naming.apply(client).await {
                self.session = named;
            }
        }
        self
    }
}

/// A fork's telling title, to replace the server's `… (fork #N)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Naming {
    pub session_id: String,
    pub title: String,
}

impl Naming {
    /// Gives the title on the server. A failure leaves a usable fork under the server's own
    /// title (the lineage has the telling one).
    pub async fn apply<T: Transport>(self, client: &Client<T>) -> Result<Session, ApiError> {
        client.rename_session(&self.session_id, &self.title).await
    }
}

pub(super) async fn still_busy<T: Transport>(client: &Client<T>, id: &str) -> bool {
    match client.session_status().await {
        Ok(all) => all.get(id).is_some_and(|s| *s != SessionStatus::Idle),
        Err(_) => true,
    }
}

pub(super) async fn settle<T: Transport>(
    client: &Client<T>,
    id: &str,
) -> Result<Vec<Message>, ApiError> {
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

/// When a fork gets its telling title on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameWhen {
    /// Before [`fork`] returns.
    Now,
    /// Left to the caller in [`Forked::naming`]: the page opens the fork first and names it
    /// after, a round trip sooner. The edge and the session returned already carry the title.
    Later,
}

/// What to fork, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct ForkRequest {
    pub source: Session,
    pub point: ForkPoint,
    pub when_busy: WhenBusy,
    /// The messages the page shows, which the event stream keeps current, so a fork of a long
    /// session does not wait for them to be fetched again. A reply still running among them,
    /// or `None`, fetches them fresh.
    pub known: Option<Vec<Message>>,
    /// `known` are the session's newest messages only (its page had not loaded the older).
    pub newest_only: bool,
    pub naming: NameWhen,
    /// The token of the page showing the fork while it is made (`/session/forking-<token>`).
    pub page: Option<u64>,
}

impl ForkRequest {
    /// Fork `source` at `point`: ask when it is busy, fetch its messages, name it at once.
    pub fn new(source: &Session, point: ForkPoint) -> ForkRequest {
        ForkRequest {
            source: source.clone(),
            point,
            when_busy: WhenBusy::Ask,
            known: None,
            newest_only: false,
            naming: NameWhen::Now,
            page: None,
        }
    }

    pub fn when_busy(self, when_busy: WhenBusy) -> ForkRequest {
        ForkRequest { when_busy, ..self }
    }

    /// Plans against these messages (see [`ForkRequest::known`]); `None` fetches them.
    pub fn known(self, known: Option<Vec<Message>>) -> ForkRequest {
        ForkRequest { known, ..self }
    }

    /// The `known` messages are the newest only: the session has older ones before them.
    pub fn newest_only(self, newest_only: bool) -> ForkRequest {
        ForkRequest {
            newest_only,
            ..self
        }
    }

    pub fn name_later(self) -> ForkRequest {
        ForkRequest {
            naming: NameWhen::Later,
            ..self
        }
    }

    /// Shown while it is made on the page `/session/forking-<token>`.
    pub fn shown_at(self, token: u64) -> ForkRequest {
        ForkRequest {
            page: Some(token),
            ..self
        }
    }
}

/// Forks as `request` says. `now` stamps the lineage edge.
pub async fn fork<T: Transport>(
    client: &Client<T>,
    request: ForkRequest,
    now: f64,
) -> Result<Forked, ForkError> {
    let ForkRequest {
        source,
        point,
        when_busy,
        known,
        newest_only,
        naming,
        page,
    } = request;
    let asked = Asked {
        when_busy,
        newest_only,
        page,
        now,
    };
    let forked = fork_unnamed(client, &source, known, &point, asked).await?;
    Ok(match naming {
        NameWhen::Now => forked.named(client).await,
        NameWhen::Later => forked,
    })
}

/// How a fork was asked for: what to do when the source is busy, the page showing it while it
/// is made, and when (stamping its lineage edge).
struct Asked {
    when_busy: WhenBusy,
    /// The known messages are the newest only.
    newest_only: bool,
    page: Option<u64>,
    now: f64,
}

/// [`fork`] up to its telling title: the fork is made, its edge recorded (with that title) and
/// its draft kept, and `naming` says what to call it on the server.
async fn fork_unnamed<T: Transport>(
    client: &Client<T>,
    source: &Session,
    known: Option<Vec<Message>>,
    point: &ForkPoint,
    asked: Asked,
) -> Result<Forked, ForkError> {
    let Asked {
        when_busy,
        newest_only,
        page,
        now,
    } = asked;
    let (messages, plan, fetched) = planned(client, source, known, point, when_busy).await?;
    let partial = newest_only && !fetched;
    let newest = messages
        .iter()
        .map(|m| m.info.created())
        .fold(0.0, f64::max);
    let pending = PendingFork {
        server: client.conn.base_url.clone(),
        directory: client.conn.directory.clone(),
        source: source.clone(),
        newest,
        plan: plan.clone(),
        asked: now,
        why: Waited::Unreachable,
        page,
    };
    // Until its answer is handled: a page reloaded meanwhile leaves it to be looked for.
    let _in_flight = InFlight::begin(pending.clone());
    let (created, answer_lost) = match client.fork(&source.id, plan.before.as_deref()).await {
        Ok(created) => (created, false),
        // No answer: look (never re-send) whether the server made the fork all the same, so
        // its lineage edge is not lost.
        Err(error @ ApiError::Network { .. }) => {
            let Ok(sessions) = client.list_sessions().await else {
                // Not even that answers: look again when the server is back.
                return Err(match pending::add(pending) {
                    Ok(()) => ForkError::Pending(error),
                    Err(_) => ForkError::Unanswered(error),
                });
            };
            let known = store::load(now).lineage;
            let found = find_lost_fork(&sessions, source, newest, &known)
                .ok_or(ForkError::Unanswered(error))?;
            (found, true)
        }
        Err(error) => return Err(error.into()),
    };
    let copied = messages[..plan.copied.min(messages.len())].to_vec();
    let mut forked = finish(client, source, plan, created, copied, now, answer_lost);
    forked.partial = partial;
    Ok(forked)
}

/// The lineage edge a fork of `source` planned as `plan` gets (made `now`, on `server`), but for
/// the child's id, which only the server's answer gives: empty here.
pub fn planned_edge(source: &Session, plan: &ForkPlan, server: &str, now: f64) -> Edge {
    let anchor = plan.anchor.clone();
    Edge {
        child: String::new(),
        parent: source.id.clone(),
        anchor: anchor.as_ref().map(|a| a.message_id.clone()),
        role: anchor.as_ref().map(|a| a.role),
        excerpt: anchor.map(|a| a.excerpt).unwrap_or_default(),
        kind: plan.kind,
        created: now,
        parent_title: source.title.clone(),
        child_title: fork_title(&source.title, plan),
        server: server.to_owned(),
        directory: source.directory.clone(),
        discovered: false,
        worktree: None,
    }
}

/// The source's messages as they are now (`known` when the page's are current), the plan of
/// the fork against them, and whether they were fetched here (all of them) rather than known;
/// a running reply is asked about, stopped, or left out as `when_busy` says.
pub(super) async fn planned<T: Transport>(
    client: &Client<T>,
    source: &Session,
    known: Option<Vec<Message>>,
    point: &ForkPoint,
    when_busy: WhenBusy,
) -> Result<(Vec<Message>, ForkPlan, bool), ForkError> {
    // Plan against the session as it is now, not as the page may have seen it.
    let (mut messages, mut fetched) = match known {
        Some(known) if !known.iter().any(is_running) => (known, false),
        _ => (client.messages(&source.id).await?, true),
    };
    // A reply cut off by a server crash stays unfinished forever: ask the server whether it is
    // really writing one (and assume so if it will not say).
    let busy = messages.iter().any(is_running) && still_busy(client, &source.id).await;
    if busy {
        match when_busy {
            WhenBusy::Ask => return Err(ForkError::Busy),
            WhenBusy::StopFirst => {
                client.abort(&source.id).await?;
                messages = settle(client, &source.id).await?;
                fetched = true;
            }
            WhenBusy::CompleteOnly => {}
        }
    }
    let mut plan = plan(&source.id, &messages, point)?;
    if when_busy == WhenBusy::CompleteOnly {
        plan = complete_only(plan, &messages);
    }
    Ok((messages, plan, fetched))
}

/// Everything after the server made the fork `created`: its lineage edge (under its telling
/// title, given on the server by the returned `naming`), and the draft for "edit and resend".
/// Only storage can fail here, which is a warning.
pub(super) fn finish<T: Transport>(
    client: &Client<T>,
    source: &Session,
    plan: ForkPlan,
    created: Session,
    copied: Vec<Message>,
    now: f64,
    answer_lost: bool,
) -> Forked {
    // The server names every fork "… (fork #1)".
    let naming = Naming {
        session_id: created.id.clone(),
        title: fork_title(&source.title, &plan),
    };
    let session = Session {
        title: naming.title.clone(),
        ..created
    };
    let edge = edge_of(&client.conn.base_url, source, &plan, &session, now);
    let copied_count = u32::try_from(plan.copied).ok();
    let (lineage, mut warning) = match store::record_copied(edge, copied_count, now) {
        Ok(lineage) => (Some(lineage), None),
        Err(problem) => (None, Some(problem)),
    };
    if answer_lost && warning.is_none() {
        warning = Some(
            "The server's answer to the fork was lost, but it had made the fork: it is \
             recorded here, and nothing was sent twice."
                .to_owned(),
        );
    }
    if let Some(resend) = &plan.resend {
        let kept = drafts::keep(&session.id, &resend.text, &resend.files);
        if let Err(problem) = kept {
            warning = Some(format!("The message to edit could not be kept: {problem}."));
        }
    }
    Forked {
        session,
        plan,
        copied,
        partial: false,
        lineage,
        warning,
        naming: Some(naming),
    }
}

/// The lineage edge of a fork `session` made of `source` as `plan` says, at `now`, on the
/// server at `server`.
pub(super) fn edge_of(
    server: &str,
    source: &Session,
    plan: &ForkPlan,
    session: &Session,
    now: f64,
) -> Edge {
    Edge {
        child: session.id.clone(),
        child_title: session.title.clone(),
        directory: session.directory.clone(),
        ..planned_edge(source, plan, server, now)
    }
}

#[cfg(target_arch = "wasm32")]
pub(super) async fn sleep_ms(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

#[cfg(not(target_arch = "wasm32"))]
pub(super) async fn sleep_ms(ms: u32) {
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
        let pending = ForkError::Pending(ApiError::Network {
            url: "http://127.0.0.1:4096/session/ses_1/fork".into(),
            detail: "Failed to fetch".into(),
        })
        .to_string();
        assert!(
            pending.starts_with("The fork got no answer: the server cannot be reached (Failed"),
            "{pending}"
        );
        assert!(pending.contains("Nothing is sent twice."), "{pending}");
        let refused = ForkError::Api(ApiError::from_status(500, "")).to_string();
        assert_eq!(
            refused,
            "The fork failed. The server failed (HTTP 500): HTTP 500"
        );
    }
}
