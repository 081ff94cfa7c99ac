//! The forks whose edge is still to be written into their session's metadata on the server
//! (`lineage::remote`): queued in localStorage when an edge is recorded, written by [`flush`]
//! after the fork, when the server is back and while any wait. A write never slows or fails
//! the fork; one that cannot be made stays queued, and its failure is told once, not per retry.
//!
//! Stored under `branchpoint.lineage-outbox`:
//! `{"told": false, "waiting": [{"server": "http://127.0.0.1:4096", "session": "ses_…"}]}`.
//! What is written is read from the lineage at the moment of writing, so a later change (a
//! record settled, a label) is what reaches the server.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::graph::{Edge, LineageGraph};
use super::remote::{self, same_server, WriteError, Written};
use crate::api::{ApiError, Client, Transport};
use crate::persist::storage::{self, Area};
use crate::persist::{keys, prefs};

/// How many writes go at once.
const BATCH: usize = 6;
/// The queue never grows past this many sessions (the oldest go first).
const MAX_WAITING: usize = 10_000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Outbox {
    /// A failure was told and nothing was written since: the next one is not told again.
    #[serde(default)]
    told: bool,
    #[serde(default)]
    waiting: Vec<Waiting>,
}

/// A session whose record is to be written to a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Waiting {
    server: String,
    session: String,
}

fn load() -> Outbox {
    storage::get_json(Area::Local, keys::LINEAGE_OUTBOX).unwrap_or_default()
}

fn keep(outbox: &Outbox) {
    if outbox.waiting.is_empty() && !outbox.told {
        storage::remove(Area::Local, keys::LINEAGE_OUTBOX);
    } else if let Ok(json) = serde_json::to_string(outbox) {
        // A full storage keeps the queue as it was: the lineage itself matters more, and the
        // next sessions list queues what the server lacks again.
        let _ = storage::set(Area::Local, keys::LINEAGE_OUTBOX, &json);
    }
}

/// Queues `sessions` of `server` to have their record written. Nothing is queued while "Keep
/// the lineage on the server" is off, or for an edge that names no server.
pub fn queue<'a>(server: &str, sessions: impl IntoIterator<Item = &'a str>) {
    if !prefs::lineage_on_server() || server.is_empty() {
        return;
    }
    let mut outbox = load();
    let before = outbox.waiting.len();
    for session in sessions {
        let waiting = Waiting {
            server: server.to_owned(),
            session: session.to_owned(),
        };
        if !outbox.waiting.contains(&waiting) {
            outbox.waiting.push(waiting);
        }
    }
    if outbox.waiting.len() != before {
        let excess = outbox.waiting.len().saturating_sub(MAX_WAITING);
        outbox.waiting.drain(..excess);
        keep(&outbox);
    }
}

/// The sessions waiting to be written to `server`, oldest first.
pub fn waiting(server: &str) -> Vec<String> {
    load()
        .waiting
        .into_iter()
        .filter(|w| same_server(&w.server, server))
        .map(|w| w.session)
        .collect()
}

/// What a [`flush`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flushed {
    /// Records written (those the server already had are not counted).
    pub written: usize,
    /// The sessions whose record the server now holds, written or already there.
    pub holds: Vec<String>,
    /// Why writing stopped, when it did: the rest stays queued.
    pub failure: Option<String>,
    /// Tell the user about `failure`: the first since the queue was last written out.
    pub tell: bool,
    /// Everything queued is written, after a failure had been told.
    pub caught_up: bool,
    /// Sessions whose record the server cannot take (their metadata would grow too large):
    /// not queued any more. The session and why.
    pub refused: Vec<(String, String)>,
    /// Records the server holds differently from this browser (not written over): to be
    /// merged, so the user sees both.
    pub disagree: Vec<Edge>,
    /// Still waiting for this server.
    pub left: usize,
}

/// The record to write for `session`, and the directory it lives in: `None` when there is
/// nothing of this browser's to write (no edge, one read from the server, or a disagreement
/// the user has not settled).
pub fn record_for(lineage: &LineageGraph, session: &str) -> Option<(Value, String)> {
    let places = lineage.places();
    record_of(lineage, session, &places).map(|w| (w.record, w.directory.to_owned()))
}

/// A record to write, where, and what of the server's it may replace.
struct ToWrite<'a> {
    record: Value,
    directory: &'a str,
    edge: Option<&'a Edge>,
}

fn record_of<'a>(
    lineage: &'a LineageGraph,
    session: &str,
    places: &std::collections::HashMap<&str, (&'a str, &'a str)>,
) -> Option<ToWrite<'a>> {
    if lineage.open_conflict(session).is_some() {
        return None;
    }
    // A label taken away is written too (an empty one, changed later).
    let note = lineage.notes.get(session).filter(|n| n.at > 0.0);
    let edge = lineage.parent_of(session);
    if note.is_none() && (edge.is_none() || lineage.from_server.contains(session)) {
        return None;
    }
    let copied = lineage.fork_at.get(session).copied();
    Some(ToWrite {
        record: remote::record_of(session, edge, copied, note),
        directory: places.get(session).map_or("", |(_, directory)| directory),
        edge,
    })
}

/// Writes the records waiting for `client`'s server, as `lineage` has them now. Stops at the
/// first failure that says the server cannot be written to now (unreachable, the password);
/// a session deleted on the server is dropped from the queue. Nothing at all while "Keep the
/// lineage on the server" is off.
pub async fn flush<T: Transport + Clone>(client: &Client<T>, lineage: &LineageGraph) -> Flushed {
    let mut flushed = Flushed::default();
    if !prefs::lineage_on_server() {
        return flushed;
    }
    let server = client.conn.base_url.clone();
    let ids = waiting(&server);
    // A disagreement the user settled for this browser's record allows one write over the
    // server's, spent as the write goes: a write sent again because its page was gone before
    // the answer came never overwrites what someone wrote there after it (that is a new
    // disagreement, shown). Sent and lost, the user is asked again.
    let spent: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| lineage.conflicts.get(*id).is_some_and(|c| c.dismissed))
        .collect();
    if !spent.is_empty() {
        let _ = super::store::update(
            |l| {
                for id in &spent {
                    l.conflicts.remove(*id);
                }
            },
            crate::platform::now_ms(),
        );
    }
    let places = &lineage.places();
    let mut done: Vec<String> = Vec::new();
    for batch in ids.chunks(BATCH) {
        let writes = batch.iter().map(|id| async move {
            let to_write = record_of(lineage, id, places)?;
            let client = client.in_directory(to_write.directory);
            // A record of a fork this browser does not know is not dropped by one without it.
            let replaces = |theirs: &Edge| {
                to_write
                    .edge
                    .is_some_and(|ours| remote::may_replace(lineage, ours, theirs))
            };
            Some(remote::write(&client, id, &to_write.record, replaces).await)
        });
        let results = futures_util::future::join_all(writes).await;
        let mut stop = false;
        for (id, result) in batch.iter().zip(results) {
            let Some(result) = result else {
                // Nothing of this browser's to write (any more).
                done.push(id.clone());
                continue;
            };
            match result {
                Ok(written) => {
                    flushed.written += usize::from(written == Written::Written);
                    flushed.holds.push(id.clone());
                    done.push(id.clone());
                }
                // Deleted on the server: nothing left to write to.
                Err(WriteError::Api(ApiError::NotFound { .. })) => done.push(id.clone()),
                Err(refused @ WriteError::TooLarge(_)) => {
                    flushed.refused.push((id.clone(), refused.to_string()));
                    done.push(id.clone());
                }
                // Not this browser's to decide: the user is shown both.
                Err(WriteError::Disagrees(theirs)) => {
                    flushed.disagree.push(*theirs);
                    done.push(id.clone());
                }
                Err(WriteError::Newer) => done.push(id.clone()),
                Err(failure) => {
                    stop |= matches!(
                        failure,
                        WriteError::Api(ApiError::Network { .. } | ApiError::Unauthorized)
                    );
                    flushed.failure.get_or_insert_with(|| match failure {
                        WriteError::Api(ApiError::Network { .. }) => {
                            "the server does not answer".to_owned()
                        }
                        WriteError::Api(ApiError::Unauthorized) => {
                            "the server refuses the password".to_owned()
                        }
                        other => other.to_string(),
                    });
                }
            }
        }
        if stop {
            break;
        }
    }
    // Read again: another tab may have queued (or written) meanwhile.
    let mut outbox = load();
    outbox
        .waiting
        .retain(|w| !(same_server(&w.server, &server) && done.contains(&w.session)));
    flushed.left = outbox
        .waiting
        .iter()
        .filter(|w| same_server(&w.server, &server))
        .count();
    if flushed.failure.is_some() {
        flushed.tell = !outbox.told;
        outbox.told = true;
    } else if flushed.left == 0 && outbox.told {
        flushed.caught_up = true;
        outbox.told = false;
    }
    keep(&outbox);
    flushed
}
