//! Forks asked for while the server could not even be asked whether it made them, or whose
//! page was reloaded before their answer came: kept in localStorage ([`PendingFork`]) and
//! looked for once the server answers ([`resolve_pending`]), so no lineage edge is lost and
//! nothing is sent twice. A fork being asked for is marked in this tab's sessionStorage
//! ([`InFlight`]) until its answer is handled; the next page in the tab finds the marks an
//! earlier one left ([`adopt_left`]).

use super::lost::lost_fork_candidates;
use super::run::{finish, Forked};
use crate::api::{ApiError, Client, Session, Transport};
use crate::fork::plan::ForkPlan;
use crate::lineage::{store, LineageGraph};
use crate::persist::keys;
use crate::persist::room::{self, Worth};
use crate::persist::storage::{self, Area};

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
    /// Why it waits to be looked for.
    #[serde(default)]
    pub why: Waited,
    /// The token of the page that showed it being made (`/session/forking-<token>`), if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
}

/// Why a fork's answer was never handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Waited {
    /// No answer came, and the server could not be asked whether it made it.
    #[default]
    Unreachable,
    /// The page asking for it was reloaded (or left) before its answer came.
    PageLeft,
}

impl Waited {
    /// How the fork is told apart from the user's others: "asked for …".
    pub fn when(self) -> &'static str {
        match self {
            Waited::Unreachable => "asked for while the server was unreachable",
            Waited::PageLeft => "asked for as the page was reloaded or left",
        }
    }
}

/// A fork this page is asking for, marked in sessionStorage for as long as the mark lives:
/// made before the request goes, dropped once its answer is handled (recorded, or kept as
/// pending). A page gone in between leaves the mark for [`adopt_left`].
#[must_use]
pub struct InFlight {
    source: String,
    asked: f64,
}

impl InFlight {
    /// Marks `fork` as being asked for. Storage refusing the mark does not stop the fork.
    pub fn begin(fork: PendingFork) -> InFlight {
        let mark = InFlight {
            source: fork.source.id.clone(),
            asked: fork.asked,
        };
        let mut all = in_flight();
        all.push(PendingFork {
            why: Waited::PageLeft,
            ..fork
        });
        let _ = keep_in_flight(&all);
        mark
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut all = in_flight();
        all.retain(|f| !(f.source.id == self.source && f.asked == self.asked));
        let _ = keep_in_flight(&all);
    }
}

fn in_flight() -> Vec<PendingFork> {
    storage::get_json(Area::Session, keys::FORKS_IN_FLIGHT).unwrap_or_default()
}

fn keep_in_flight(forks: &[PendingFork]) -> Result<(), String> {
    keep_list(Area::Session, keys::FORKS_IN_FLIGHT, forks, |json| {
        storage::set(Area::Session, keys::FORKS_IN_FLIGHT, json)
    })
}

/// Keeps `forks` under `key` in `area` through `set` (given their JSON); none: the key goes.
fn keep_list(
    area: Area,
    key: &str,
    forks: &[PendingFork],
    set: impl FnOnce(&str) -> Result<(), String>,
) -> Result<(), String> {
    if forks.is_empty() {
        storage::remove(area, key);
        return Ok(());
    }
    let json = serde_json::to_string(forks).map_err(|e| e.to_string())?;
    set(&json)
}

/// At the page's start, before it can ask for a fork itself: the forks an earlier page in this
/// tab was asking for when it went are pending now, to be looked for like those the server
/// never answered. The marks stay if they cannot be kept as pending (storage full).
pub fn adopt_left() {
    let left = in_flight();
    if left.is_empty() {
        return;
    }
    let mut all = pending_forks();
    all.extend(left);
    if keep_pending(&all).is_ok() {
        storage::remove(Area::Session, keys::FORKS_IN_FLIGHT);
    }
}

/// The pending fork the page `/session/forking-<token>` showed being made, if it waits.
pub fn shown_at(token: u64) -> Option<PendingFork> {
    pending_forks().into_iter().find(|p| p.page == Some(token))
}

/// The forks still to be looked for, on every server. Unreadable storage reads as none.
pub fn pending_forks() -> Vec<PendingFork> {
    storage::get_json(Area::Local, keys::PENDING_FORKS).unwrap_or_default()
}

/// Adds a fork to those to be looked for.
pub fn add(pending: PendingFork) -> Result<(), String> {
    let mut all = pending_forks();
    all.push(pending);
    keep_pending(&all)
}

fn keep_pending(pending: &[PendingFork]) -> Result<(), String> {
    keep_list(Area::Local, keys::PENDING_FORKS, pending, |json| {
        room::set(keys::PENDING_FORKS, json, Worth::Precious)
    })
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
pub async fn resolve_pending<T: Transport + Clone>(
    client: &Client<T>,
    now: f64,
) -> Result<Vec<Resolution>, ApiError> {
    if !pending_forks().iter().any(|p| p.is_for(client)) {
        return Ok(Vec::new());
    }
    // Each asked about in the directory it was asked in; one list per directory.
    let mut lists: Vec<(Option<String>, Vec<Session>)> = Vec::new();
    for pending in pending_forks().iter().filter(|p| p.is_for(client)) {
        if !lists.iter().any(|(d, _)| *d == pending.directory) {
            let there = client.in_directory(pending.directory.as_deref().unwrap_or_default());
            lists.push((pending.directory.clone(), there.list_sessions().await?));
        }
    }
    // Claimed in one step, reading and writing back the rest: another resolve (in this tab or
    // another one) that gets here later finds them gone instead of deciding them twice. Each
    // one claimed is decided below.
    let (mine, rest): (Vec<_>, Vec<_>) = pending_forks().into_iter().partition(|p| {
        // One added (by another tab) in a directory not listed above waits for the next look.
        p.is_for(client) && lists.iter().any(|(d, _)| *d == p.directory)
    });
    // A shorter list replaces a longer one, so this write does not meet a full quota.
    let _ = keep_pending(&rest);
    let mut known = store::load(now).lineage;
    let mut resolved = Vec::new();
    for pending in mine {
        let Some((_, sessions)) = lists.iter().find(|(d, _)| *d == pending.directory) else {
            continue; // not claimed (see the partition)
        };
        let client = &client.in_directory(pending.directory.as_deref().unwrap_or_default());
        let candidates = lost_fork_candidates(sessions, &pending.source, pending.newest, &known);
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
    /// Was it asked for on the server `client` talks to? (In whichever directory: a session
    /// page asks in its session's own, which may not be the settings' project.)
    pub fn is_for<T: Transport>(&self, client: &Client<T>) -> bool {
        self.server == client.conn.base_url
    }
}

/// Is there an edge for `pending` (same source, point and kind) recorded since it was asked?
fn recorded_since(lineage: &LineageGraph, pending: &PendingFork) -> bool {
    let anchor = pending.plan.anchor.as_ref().map(|a| a.message_id.as_str());
    lineage.edges.iter().any(|e| {
        e.parent == pending.source.id
            && e.kind == pending.plan.kind
            && e.anchor.as_deref() == anchor
            && e.created >= pending.asked
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineage::ForkKind;

    fn asked(at: f64, page: Option<u64>) -> PendingFork {
        PendingFork {
            server: "http://127.0.0.1:4096".into(),
            directory: None,
            source: Session {
                id: "ses_source123".into(),
                title: "Source".into(),
                ..Session::default()
            },
            newest: 1_000.0,
            plan: ForkPlan {
                session_id: "ses_source123".into(),
                before: None,
                kind: ForkKind::Whole,
                anchor: None,
                copied: 2,
                resend: None,
            },
            asked: at,
            why: Waited::Unreachable,
            page,
        }
    }

    #[test]
    fn a_fork_answered_leaves_no_mark_and_one_whose_page_went_is_looked_for_by_the_next() {
        // Answered (recorded, or kept as pending): the mark goes with it.
        drop(InFlight::begin(asked(1.0, None)));
        adopt_left();
        assert!(pending_forks().is_empty(), "nothing left when none went");
        // The page went with the request out: no drop ran, the mark stays for the next page.
        let second = InFlight::begin(asked(2.0, Some(77)));
        assert_eq!(in_flight().len(), 1);
        std::mem::forget(second);
        adopt_left();
        assert!(in_flight().is_empty());
        let waiting = shown_at(77).expect("looked for");
        assert_eq!(waiting.why, Waited::PageLeft);
        assert_eq!(waiting.asked, 2.0);
        assert_eq!(shown_at(78), None);
        assert!(Waited::PageLeft.when().contains("reloaded"));
    }
}
