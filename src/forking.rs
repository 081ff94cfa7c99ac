//! The fork operation, end to end: fresh messages → plan → `POST /fork` → a telling title →
//! the lineage edge recorded (before anyone navigates) → the draft for "edit and resend". A
//! `POST /fork` whose answer is lost is never re-sent: the server's sessions are searched for
//! the fork instead, and the user is told when it cannot be found for sure. When the server
//! cannot even be asked, the fork is kept as pending ([`PendingFork`]) and looked for once it
//! answers again ([`resolve_pending`]), so its edge is not lost.
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
    /// The lineage as stored after recording this fork.
    pub lineage: Option<Lineage>,
    /// Something the user should know although the fork succeeded (for example: the lineage
    /// could not be stored).
    pub warning: Option<String>,
    /// The telling title still to be given on the server (see [`fork_unnamed`]); `None` once
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
    storage::get_json(Area::Local, &draft_files_key(session_id)).unwrap_or_default()
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

/// The fork the server made of `source` although its answer never came: the one session
/// titled as the server titles forks of it (`… (fork #N)`), made no earlier than the newest
/// message it copied (`newest`, server time) and not yet in the lineage. With none, or more
/// than one, it does not guess.
pub fn find_lost_fork(
    sessions: &[Session],
    source: &Session,
    newest: f64,
    known: &Lineage,
) -> Option<Session> {
    match lost_fork_candidates(sessions, source, newest, known)[..] {
        [found] => Some(found.clone()),
        _ => None,
    }
}

/// Every session that could be the fork [`find_lost_fork`] looks for.
fn lost_fork_candidates<'a>(
    sessions: &'a [Session],
    source: &Session,
    newest: f64,
    known: &Lineage,
) -> Vec<&'a Session> {
    let prefix = format!("{} (fork #", source.title);
    sessions
        .iter()
        .filter(|s| {
            s.id != source.id
                && s.title.starts_with(&prefix)
                && s.time.created >= newest
                && known.parent_of(&s.id).is_none()
        })
        .collect()
}

/// The storage key of the forks still to be looked for (a JSON array of [`PendingFork`]).
pub const PENDING_KEY: &str = "branchpoint.pending-forks";

/// A fork asked for whose answer never came, at a moment the server could not be asked
/// whether it made it. Kept in localStorage until the server can say.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PendingFork {
    /// The server's URL, as the lineage records it.
    pub server: String,
    /// The project directory the fork was asked in: the server lists only that project's
    /// sessions, so it is looked for there.
    #[serde(default)]
    pub directory: Option<String>,
    pub source: Session,
    /// The newest copied message's time (server clock): the fork cannot be older.
    pub newest: f64,
    pub plan: ForkPlan,
    /// When it was asked for (ms, this browser's clock).
    pub asked: f64,
}

/// The forks still to be looked for, on every server. Unreadable storage reads as none.
pub fn pending_forks() -> Vec<PendingFork> {
    storage::get_json(Area::Local, PENDING_KEY).unwrap_or_default()
}

fn keep_pending(pending: &[PendingFork]) -> Result<(), String> {
    if pending.is_empty() {
        storage::remove(Area::Local, PENDING_KEY);
        return Ok(());
    }
    let json = serde_json::to_string(pending).map_err(|e| e.to_string())?;
    storage::set(Area::Local, PENDING_KEY, &json)
}

/// What became of a pending fork once the server answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// The server had made it: it is recorded now (and took its telling title).
    Found(PendingFork, Box<Forked>),
    /// The server never made it (the request did not reach it).
    NotMade(PendingFork),
    /// More than one session could be it: the user has to look.
    Unsure(PendingFork),
    /// Another tab found it first: already recorded, nothing to say.
    Settled(PendingFork),
}

/// Looks for this server's pending forks among its sessions, records those it finds, and
/// forgets every one it could decide about. Nothing pending: no request at all.
pub async fn resolve_pending<T: Transport>(
    client: &Client<T>,
    now: f64,
) -> Result<Vec<Resolution>, ApiError> {
    if !pending_forks().iter().any(|p| p.is_for(client)) {
        return Ok(Vec::new());
    }
    let sessions = client.list_sessions().await?;
    // Claimed in one step, reading and writing back the rest: another resolve (in this tab or
    // another one) that gets here later finds them gone instead of deciding them twice. Each
    // one claimed is decided below.
    let (mine, rest): (Vec<_>, Vec<_>) =
        pending_forks().into_iter().partition(|p| p.is_for(client));
    // A shorter list replaces a longer one, so this write does not meet a full quota.
    let _ = keep_pending(&rest);
    let mut known = store::load().lineage;
    let mut resolved = Vec::new();
    for pending in mine {
        let candidates = lost_fork_candidates(&sessions, &pending.source, pending.newest, &known);
        let found = match candidates[..] {
            // Not there, unless another tab (the server came back for it too) recorded it
            // before this one claimed it: `known` was read after the claim.
            [] if recorded_since(&known, &pending) => {
                resolved.push(Resolution::Settled(pending));
                continue;
            }
            [] => {
                resolved.push(Resolution::NotMade(pending));
                continue;
            }
            [found] => found.clone(),
            _ => {
                resolved.push(Resolution::Unsure(pending));
                continue;
            }
        };
        let plan = pending.plan.clone();
        let forked = finish(client, &pending.source, plan, found, Vec::new(), now, true)
            .named(client)
            .await;
        if let Some(lineage) = &forked.lineage {
            known = lineage.clone();
        }
        resolved.push(Resolution::Found(pending, Box::new(forked)));
    }
    Ok(resolved)
}

impl PendingFork {
    /// Was it asked for on the server and project `client` talks to?
    pub fn is_for<T: Transport>(&self, client: &Client<T>) -> bool {
        self.server == client.conn.base_url && self.directory == client.conn.directory
    }
}

/// Is there an edge for `pending` (same source, point and kind) recorded since it was asked?
fn recorded_since(lineage: &Lineage, pending: &PendingFork) -> bool {
    let anchor = pending.plan.anchor.as_ref().map(|a| a.message_id.as_str());
    lineage.edges.iter().any(|e| {
        e.parent == pending.source.id
            && e.kind == pending.plan.kind
            && e.anchor.as_deref() == anchor
            && e.created >= pending.asked
    })
}

/// Forks `source` at `point`. `now` stamps the lineage edge.
pub async fn fork_session<T: Transport>(
    client: &Client<T>,
    source: &Session,
    point: &ForkPoint,
    when_busy: WhenBusy,
    now: f64,
) -> Result<Forked, ForkError> {
    fork_from(client, source, None, point, when_busy, now).await
}

/// [`fork_session`], planned against `known`: the messages the page shows, which the event
/// stream keeps current, so a fork of a long session does not wait for them to be fetched
/// again. A reply still running among them, or `None`, fetches them fresh.
pub async fn fork_from<T: Transport>(
    client: &Client<T>,
    source: &Session,
    known: Option<Vec<Message>>,
    point: &ForkPoint,
    when_busy: WhenBusy,
    now: f64,
) -> Result<Forked, ForkError> {
    let forked = fork_unnamed(client, source, known, point, when_busy, now).await?;
    Ok(forked.named(client).await)
}

/// [`fork_from`] up to its telling title: the fork is made, its edge recorded (with that
/// title) and its draft kept, and `naming` says what to call it on the server. The page opens
/// the fork first and names it after, a round trip sooner; the session shown already carries
/// the title.
pub async fn fork_unnamed<T: Transport>(
    client: &Client<T>,
    source: &Session,
    known: Option<Vec<Message>>,
    point: &ForkPoint,
    when_busy: WhenBusy,
    now: f64,
) -> Result<Forked, ForkError> {
    // Plan against the session as it is now, not as the page may have seen it.
    let mut messages = match known {
        Some(known) if !known.iter().any(is_running) => known,
        _ => client.messages(&source.id).await?,
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
            }
            WhenBusy::CompleteOnly => {}
        }
    }
    let mut plan = fork::plan(&source.id, &messages, point)?;
    if when_busy == WhenBusy::CompleteOnly {
        plan = fork::complete_only(plan, &messages);
    }
    let created = match client.fork(&source.id, plan.before.as_deref()).await {
        Ok(created) => created,
        // No answer: look (never re-send) whether the server made the fork all the same, so
        // its lineage edge is not lost.
        Err(error @ ApiError::Network { .. }) => {
            let newest = messages
                .iter()
                .map(|m| m.info.created())
                .fold(0.0, f64::max);
            let Ok(sessions) = client.list_sessions().await else {
                // Not even that answers: look again when the server is back.
                let pending = PendingFork {
                    server: client.conn.base_url.clone(),
                    directory: client.conn.directory.clone(),
                    source: source.clone(),
                    newest,
                    plan,
                    asked: now,
                };
                let mut all = pending_forks();
                all.push(pending);
                return Err(match keep_pending(&all) {
                    Ok(()) => ForkError::Pending(error),
                    Err(_) => ForkError::Unanswered(error),
                });
            };
            let known = store::load().lineage;
            let found = find_lost_fork(&sessions, source, newest, &known)
                .ok_or(ForkError::Unanswered(error))?;
            let copied = messages[..plan.copied.min(messages.len())].to_vec();
            return Ok(finish(client, source, plan, found, copied, now, true));
        }
        Err(error) => return Err(error.into()),
    };
    let copied = messages[..plan.copied.min(messages.len())].to_vec();
    Ok(finish(client, source, plan, created, copied, now, false))
}

/// Everything after the server made the fork `created`: its lineage edge (under its telling
/// title, given on the server by the returned `naming`), and the draft for "edit and resend".
/// Only storage can fail here, which is a warning.
fn finish<T: Transport>(
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
        discovered: false,
    };
    let (lineage, mut warning) = match store::record(edge) {
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
    Forked {
        session,
        plan,
        copied,
        lineage,
        warning,
        naming: Some(naming),
    }
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

    fn session(id: &str, title: &str, created: f64) -> Session {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": title, "time": {"created": created, "updated": created}
        }))
        .unwrap()
    }

    #[test]
    fn a_lost_fork_is_found_only_when_there_is_no_doubt() {
        let source = session("ses_src", "Plan", 1.0);
        let fork = session("ses_new", "Plan (fork #2)", 50.0);
        let older = session("ses_old", "Plan (fork #1)", 5.0);
        let other = session("ses_oth", "Planning (fork #1)", 60.0);
        let none = Lineage::default();
        let all = vec![source.clone(), fork.clone(), older.clone(), other];
        assert_eq!(
            find_lost_fork(&all, &source, 10.0, &none).map(|s| s.id),
            Some("ses_new".to_owned())
        );
        // Two that could be it: no guess.
        let twin = session("ses_twn", "Plan (fork #3)", 55.0);
        let mut both = all.clone();
        both.push(twin);
        assert_eq!(find_lost_fork(&both, &source, 10.0, &none), None);
        // One already recorded as a fork is not it.
        let mut known = Lineage::default();
        known.add(Edge {
            child: "ses_new".into(),
            parent: "ses_src".into(),
            anchor: None,
            role: None,
            excerpt: String::new(),
            kind: crate::fork::ForkKind::Whole,
            created: 1.0,
            parent_title: "Plan".into(),
            child_title: "Plan (fork #2)".into(),
            server: String::new(),
            directory: String::new(),
            discovered: false,
        });
        assert_eq!(find_lost_fork(&all, &source, 10.0, &known), None);
        // Nothing made since the newest message: nothing found.
        assert_eq!(find_lost_fork(&all, &source, 100.0, &none), None);
    }

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
