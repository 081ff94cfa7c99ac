//! "Scan server": finding forks made elsewhere (the TUI, another browser, before this
//! browser's storage was cleared). The server records no link from a fork to its source, but a
//! fork's copied messages keep their `time.created`: a session whose first messages match
//! another's, role for role and time for time, was forked from it at the end of that match.

use std::collections::{HashMap, HashSet};

use crate::api::{ApiError, Client, Message, Role, Session, Transport};
use crate::text::message_excerpt;

use super::graph::{Edge, ForkKind, LineageGraph};

/// A message as discovery needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    pub id: String,
    pub role: Role,
    pub created: f64,
    pub excerpt: String,
}

impl Stamp {
    pub fn of(message: &Message) -> Stamp {
        Stamp {
            id: message.info.id().to_owned(),
            role: message.info.role(),
            created: message.info.created(),
            excerpt: message_excerpt(message),
        }
    }

    fn matches(&self, other: &Stamp) -> bool {
        self.role == other.role && self.created == other.created
    }
}

/// A session and its messages, oldest first.
#[derive(Debug, Clone)]
pub struct Scanned {
    pub session: Session,
    pub messages: Vec<Stamp>,
}

impl Scanned {
    /// How many leading messages `other` shares with this session, role for role and time for
    /// time.
    fn shared_with(&self, other: &Scanned) -> usize {
        self.messages
            .iter()
            .zip(&other.messages)
            .take_while(|(a, b)| a.matches(b))
            .count()
    }
}

/// The fork edges `scanned` implies that `known` does not have yet. Each fork gets the source
/// it shares the most leading messages with, among sessions created before it (the earliest
/// such session on a tie: it is where those messages were first written).
pub fn discover(scanned: &[Scanned], known: &LineageGraph, server: &str) -> Vec<Edge> {
    // Only sessions that share a first message can be related: group by it.
    let mut groups: HashMap<(Role, u64), Vec<&Scanned>> = HashMap::new();
    for s in scanned {
        if let Some(first) = s.messages.first() {
            let key = (first.role, first.created.to_bits());
            groups.entry(key).or_default().push(s);
        }
    }
    let mut edges = Vec::new();
    for group in groups.values_mut() {
        if group.len() < 2 {
            continue;
        }
        group.sort_by(|a, b| {
            a.session
                .time
                .created
                .total_cmp(&b.session.time.created)
                .then_with(|| a.session.id.cmp(&b.session.id))
        });
        for (i, child) in group.iter().enumerate().skip(1) {
            if known.parent_of(&child.session.id).is_some() {
                continue;
            }
            let mut best: Option<(&Scanned, usize)> = None;
            for source in &group[..i] {
                let shared = source.shared_with(child);
                if shared > best.map_or(0, |(_, n)| n) {
                    best = Some((source, shared));
                }
            }
            if let Some((source, shared)) = best {
                edges.push(edge(source, child, shared, server));
            }
        }
    }
    edges.sort_by(|a, b| a.created.total_cmp(&b.created));
    edges
}

fn edge(source: &Scanned, child: &Scanned, shared: usize, server: &str) -> Edge {
    let whole = shared == source.messages.len();
    let last = &source.messages[shared - 1];
    Edge {
        child: child.session.id.clone(),
        parent: source.session.id.clone(),
        anchor: (!whole).then(|| last.id.clone()),
        role: (!whole).then_some(last.role),
        excerpt: if whole {
            String::new()
        } else {
            last.excerpt.clone()
        },
        kind: if whole {
            ForkKind::Whole
        } else {
            ForkKind::Through
        },
        created: child.session.time.created,
        parent_title: source.session.title.clone(),
        child_title: child.session.title.clone(),
        server: server.to_owned(),
        directory: child.session.directory.clone(),
        discovered: true,
        worktree: None,
    }
}

/// How far a scan has come.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// What a finished scan found.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub edges: Vec<Edge>,
    /// How many messages each found fork shares with its source (where it leaves it).
    pub copied: HashMap<String, u32>,
    /// How many messages each scanned session has.
    pub messages: HashMap<String, u32>,
    pub sessions: usize,
    /// Sessions whose messages could not be read (deleted during the scan, say).
    pub skipped: usize,
}

/// How many message lists are asked for at once.
pub const BATCH: usize = 6;

/// Reads every session of the server (subagent children aside) and its messages, `BATCH` at a
/// time, reporting progress after each batch, and returns the forks `known` lacks. Returns
/// `Ok(None)` when `cancelled()` turned true between batches: a partial scan could pick a wrong
/// source, so nothing is returned then.
pub async fn scan<T: Transport>(
    client: &Client<T>,
    known: &LineageGraph,
    mut progress: impl FnMut(Progress),
    cancelled: impl Fn() -> bool,
) -> Result<Option<Outcome>, ApiError> {
    let sessions: Vec<Session> = client
        .list_sessions()
        .await?
        .into_iter()
        .filter(|s| s.parent_id.is_none())
        .collect();
    let total = sessions.len();
    progress(Progress { done: 0, total });
    let mut scanned = Vec::with_capacity(total);
    let mut skipped = 0;
    for batch in sessions.chunks(BATCH) {
        if cancelled() {
            return Ok(None);
        }
        let lists =
            futures_util::future::join_all(batch.iter().map(|s| client.messages(&s.id))).await;
        for (session, list) in batch.iter().zip(lists) {
            match list {
                Ok(messages) => scanned.push(Scanned {
                    session: session.clone(),
                    messages: messages.iter().map(Stamp::of).collect(),
                }),
                Err(ApiError::NotFound { .. }) => skipped += 1,
                Err(other) => return Err(other),
            }
        }
        progress(Progress {
            done: scanned.len() + skipped,
            total,
        });
    }
    if cancelled() {
        return Ok(None);
    }
    let edges = discover(&scanned, known, &client.conn.base_url);
    let by_id: HashMap<&str, &Scanned> =
        scanned.iter().map(|s| (s.session.id.as_str(), s)).collect();
    let copied = edges
        .iter()
        .filter_map(|e| {
            let (child, parent) = (by_id.get(e.child.as_str())?, by_id.get(e.parent.as_str())?);
            let shared = parent.shared_with(child);
            Some((e.child.clone(), u32::try_from(shared).ok()?))
        })
        .collect();
    let messages = scanned
        .iter()
        .filter_map(|s| Some((s.session.id.clone(), u32::try_from(s.messages.len()).ok()?)))
        .collect();
    Ok(Some(Outcome {
        edges,
        copied,
        messages,
        sessions: total,
        skipped,
    }))
}

/// What the server says now about the lineage's sessions on it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Refresh {
    /// Current titles of the lineage's sessions that still exist.
    pub titles: Vec<(String, String)>,
    /// Sessions the server answers "not found" for.
    pub deleted: Vec<String>,
    /// When the lineage's sessions were last updated (ms).
    pub active: Vec<(String, f64)>,
    /// Every session the server listed, with the lineage kept in their metadata
    /// (`lineage::remote`).
    pub listed: Vec<Session>,
}

impl Refresh {
    /// Does it say anything new about the lineage's sessions (titles, deletions, activity)?
    pub fn has_news(&self) -> bool {
        !(self.titles.is_empty() && self.deleted.is_empty() && self.active.is_empty())
    }

    /// Applies what the server said. Returns whether anything changed.
    pub fn apply(&self, lineage: &mut LineageGraph) -> bool {
        let mut changed = lineage.mark_deleted(self.deleted.iter().map(String::as_str));
        for (id, title) in &self.titles {
            changed |= lineage.set_title(id, title);
        }
        for (id, at) in &self.active {
            changed |= lineage.set_active(id, *at);
        }
        changed
    }
}

/// Asks the server about the lineage's sessions that live on it: their titles from the
/// sessions list, and, for those missing from it in a directory the list covers, one `GET` each
/// (`BATCH` at a time) — only a "not found" marks a session deleted. Sessions of other servers
/// or projects, and ids the server could not have made, are left alone.
pub async fn refresh<T: Transport>(
    client: &Client<T>,
    lineage: &LineageGraph,
) -> Result<Refresh, ApiError> {
    let listed = client.list_sessions().await?;
    let titles: HashMap<&str, &Session> = listed.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut directories: HashSet<&str> = listed.iter().map(|s| s.directory.as_str()).collect();
    directories.extend(client.conn.directory.as_deref());
    let server = client.conn.base_url.trim_end_matches('/');
    let places = lineage.places();
    let mut refresh = Refresh::default();
    let mut missing = Vec::new();
    for (id, (on, directory)) in places {
        // An id not of the server's form (from an imported or hand-edited file) cannot be
        // asked about: it is left as it is, and the rest refreshed.
        if on.trim_end_matches('/') != server
            || lineage.is_deleted(id)
            || !crate::api::ids::is_session_id(id)
        {
            continue;
        }
        match titles.get(id) {
            Some(session) => {
                refresh.titles.push((id.to_owned(), session.title.clone()));
                refresh.active.push((id.to_owned(), session.time.updated));
            }
            None if directories.contains(directory) => missing.push(id.to_owned()),
            None => {}
        }
    }
    missing.sort();
    for batch in missing.chunks(BATCH) {
        let answers =
            futures_util::future::join_all(batch.iter().map(|id| client.get_session(id))).await;
        for (id, answer) in batch.iter().zip(answers) {
            match answer {
                Ok(session) => {
                    refresh.active.push((id.clone(), session.time.updated));
                    refresh.titles.push((id.clone(), session.title));
                }
                Err(ApiError::NotFound { .. }) => refresh.deleted.push(id.clone()),
                Err(other) => return Err(other),
            }
        }
    }
    refresh.listed = listed;
    Ok(refresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str, created: f64) -> Session {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": format!("title {id}"), "directory": "/p",
            "time": {"created": created, "updated": created}
        }))
        .unwrap()
    }

    fn stamp(id: &str, role: Role, created: f64) -> Stamp {
        Stamp {
            id: id.into(),
            role,
            created,
            excerpt: format!("text of {id}"),
        }
    }

    /// A session whose messages were written at the given times (even = user, odd = assistant).
    fn scanned(id: &str, created: f64, times: &[f64]) -> Scanned {
        let messages = times
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let role = if i % 2 == 0 {
                    Role::User
                } else {
                    Role::Assistant
                };
                stamp(&format!("{id}_m{i}"), role, *t)
            })
            .collect();
        Scanned {
            session: session(id, created),
            messages,
        }
    }

    fn found(edges: &[Edge]) -> Vec<(&str, &str, ForkKind, Option<&str>)> {
        edges
            .iter()
            .map(|e| {
                (
                    e.child.as_str(),
                    e.parent.as_str(),
                    e.kind,
                    e.anchor.as_deref(),
                )
            })
            .collect()
    }

    #[test]
    fn forks_are_found_at_the_end_of_the_shared_messages() {
        let a = scanned("a", 10.0, &[11.0, 12.0, 13.0, 14.0]);
        // b: forked from a after its first turn, then went on.
        let b = scanned("b", 20.0, &[11.0, 12.0, 21.0, 22.0]);
        // c: a whole copy of a.
        let c = scanned("c", 30.0, &[11.0, 12.0, 13.0, 14.0]);
        // d: forked from b after b's own messages — b is its source, not a.
        let d = scanned("d", 40.0, &[11.0, 12.0, 21.0, 41.0]);
        // e: unrelated; f: no messages.
        let e = scanned("e", 50.0, &[51.0, 52.0]);
        let f = scanned("f", 60.0, &[]);
        let edges = discover(&[d, c, b, a, e, f], &LineageGraph::default(), "http://s");
        assert_eq!(
            found(&edges),
            [
                ("b", "a", ForkKind::Through, Some("a_m1")),
                ("c", "a", ForkKind::Whole, None),
                ("d", "b", ForkKind::Through, Some("b_m2")),
            ]
        );
        let b_edge = &edges[0];
        assert!(b_edge.discovered);
        assert_eq!(b_edge.excerpt, "text of a_m1");
        assert_eq!(b_edge.created, 20.0);
        assert_eq!(b_edge.server, "http://s");
        assert_eq!(
            (b_edge.parent_title.as_str(), b_edge.child_title.as_str()),
            ("title a", "title b")
        );
    }

    #[test]
    fn known_forks_and_older_sessions_are_not_rediscovered() {
        let a = scanned("a", 10.0, &[11.0, 12.0]);
        let b = scanned("b", 20.0, &[11.0, 12.0, 21.0]);
        let mut known = LineageGraph::default();
        known.add(crate::lineage::graph::tests::edge("b", "a", None, 20.0));
        assert!(discover(&[a.clone(), b.clone()], &known, "s").is_empty());
        // On a tie the earliest session is the source; a role mismatch breaks the match.
        let c = scanned("c", 30.0, &[11.0, 12.0]);
        let edges = discover(&[c, b, a], &LineageGraph::default(), "s");
        assert_eq!(
            found(&edges)
                .iter()
                .map(|(c, p, _, _)| (*c, *p))
                .collect::<Vec<_>>(),
            [("b", "a"), ("c", "a")]
        );
        let mut other = scanned("x", 5.0, &[11.0]);
        other.messages[0].role = Role::Assistant;
        let y = scanned("y", 6.0, &[11.0]);
        assert!(discover(&[other, y], &LineageGraph::default(), "s").is_empty());
    }
}
