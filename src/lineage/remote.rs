//! The lineage kept on the server too: each fork's edge written into its own session's
//! `metadata` under one key ([`KEY`]), read back from every session the server lists, so any
//! browser knows the lineage with no scan and no import. The server's metadata is hostile
//! input (ids checked, sizes bounded, unknown versions ignored); a disagreement with this
//! browser's record is kept for the user to settle ([`LineageGraph::merge_remote`]).
//!
//! The key, as written (`anchor` and `role` absent for a copy of the whole session):
//!
//! ```json
//! "branchpoint": {"v": 1, "session": "ses_child", "parent": "ses_source",
//!   "anchor": "msg_…", "role": "user", "kind": "through", "excerpt": "add the tests",
//!   "created": 1764000000000, "discovered": false, "parent_title": "Refactor", "at": 2,
//!   "label": "winner", "note": "the tests pass here", "noted": 1764000100000,
//!   "worktree": {"name": "brave-otter", "branch": "opencode/brave-otter"}}
//! ```
//!
//! `worktree` is there for a fork into a worktree (kind `worktree`): the worktree's name and
//! branch (the session's own directory says where it is).
//!
//! `at` (how many of the source's messages the fork copied: where it leaves the source's lane
//! on the map) and the label and note (`noted`: when they were last changed; the newer wins)
//! are there when known. A session that is no fork may carry a record with only its label
//! and note.
//!
//! `session` is the session the key describes: a fork copies its source's metadata, so a key
//! whose `session` is not the session it sits on is its source's and is ignored (then
//! replaced). `kind` is read whatever it says (an unknown one counts as a fork at its anchor,
//! or of the whole session without one). `parent_title` is a hint for a browser that has not
//! seen the source yet. Other keys of `metadata` belong to other tools and are kept as they are.

use serde_json::{Map, Value};

use super::graph::{Conflict, Edge, ForkKind, LineageGraph, Note, WorktreeRef};
use crate::api::ids::{is_message_id, is_session_id};
use crate::api::{ApiError, Client, Role, Session, Transport};
use crate::text::excerpt;

/// Branchpoint's key in a session's `metadata`.
pub const KEY: &str = "branchpoint";
/// The version of the key this build writes and reads.
pub const VERSION: u64 = 1;
/// A session's whole `metadata` larger than this (as JSON) is not read.
pub const MAX_METADATA_BYTES: usize = 16 * 1024;
/// Texts in the key are cut to this many characters, written or read.
pub const TEXT_CHARS: usize = 120;
/// How often a write is tried again after another client's write dropped it.
const WRITE_ATTEMPTS: usize = 3;

/// What a session's metadata says about its lineage.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// No key of ours, or its source's key copied by the fork.
    Nothing,
    /// A key written by a newer Branchpoint: left alone, neither read nor replaced.
    Newer,
    /// A key of ours that cannot be read (wrong types, ids of the wrong form): ignored, and
    /// replaced when this browser knows better.
    Unreadable(String),
    /// The whole metadata is larger than [`MAX_METADATA_BYTES`] (its size): ignored.
    TooLarge(usize),
    /// The session's own record.
    Record(Box<Record>),
}

/// What a session's own record says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    /// `None` when it is no fork.
    pub edge: Option<Edge>,
    /// How many of its source's messages the fork copied.
    pub copied: Option<u32>,
    /// Its label and note (possibly both empty: taken away at `at`).
    pub note: Option<Note>,
}

/// Labels are cut to this many characters, notes to [`NOTE_CHARS`].
pub const LABEL_CHARS: usize = 40;
pub const NOTE_CHARS: usize = 2000;

/// Reads our key from `session`'s metadata, as a session of `server`. Never panics.
pub fn read(session: &Session, server: &str) -> Found {
    let Some(metadata) = &session.metadata else {
        return Found::Nothing;
    };
    let size = serde_json::to_string(metadata).map_or(usize::MAX, |s| s.len());
    if size > MAX_METADATA_BYTES {
        return Found::TooLarge(size);
    }
    let Some(key) = metadata.get(KEY) else {
        return Found::Nothing;
    };
    let Some(key) = key.as_object() else {
        return Found::Unreadable("not an object".into());
    };
    match key.get("v").and_then(Value::as_u64) {
        Some(VERSION) => {}
        Some(v) if v > VERSION => return Found::Newer,
        _ => return Found::Unreadable("no version".into()),
    }
    match key.get("session").and_then(Value::as_str) {
        Some(id) if id == session.id => {}
        // A fork carries its source's key until its own is written.
        Some(id) if is_session_id(id) => return Found::Nothing,
        _ => return Found::Unreadable("no session id".into()),
    }
    let read = || -> Result<Record, String> {
        Ok(Record {
            edge: record_edge(key, session, server)?,
            copied: match key.get("at") {
                None | Some(Value::Null) => None,
                Some(at) => Some(
                    at.as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or("at is not a count")?,
                ),
            },
            note: record_note(key)?,
        })
    };
    match read() {
        Ok(record) => Found::Record(Box::new(record)),
        Err(problem) => Found::Unreadable(problem),
    }
}

/// The label and note in a record, if it has them.
fn record_note(key: &Map<String, Value>) -> Result<Option<Note>, String> {
    let text = |name: &str, max: usize| -> Result<String, String> {
        match key.get(name) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.chars().take(max).collect()),
            Some(_) => Err(format!("{name} is not text")),
        }
    };
    let at = match key.get("noted") {
        None | Some(Value::Null) => return Ok(None),
        Some(at) => at
            .as_f64()
            .filter(|t| t.is_finite() && *t >= 0.0)
            .ok_or("noted is not a time")?,
    };
    let label = crate::text::excerpt(&text("label", LABEL_CHARS * 4)?, LABEL_CHARS);
    let note = text("note", NOTE_CHARS)?;
    Ok(Some(Note { label, note, at }))
}

/// The edge a record of ours describes (`None` for a session that is no fork).
fn record_edge(
    key: &Map<String, Value>,
    session: &Session,
    server: &str,
) -> Result<Option<Edge>, String> {
    let text = |name: &str| -> Result<Option<&str>, String> {
        match key.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("{name} is not text")),
        }
    };
    let Some(parent) = text("parent")? else {
        return Ok(None);
    };
    if !is_session_id(parent) || parent == session.id {
        return Err("a parent id of the wrong form".into());
    }
    let anchor = text("anchor")?;
    if anchor.is_some_and(|a| !is_message_id(a)) {
        return Err("an anchor id of the wrong form".into());
    }
    let role = match text("role")? {
        None => None,
        Some("user") => Some(Role::User),
        Some("assistant") => Some(Role::Assistant),
        Some(_) => return Err("an unknown role".into()),
    };
    let kind = key
        .get("kind")
        .and_then(|k| serde_json::from_value::<ForkKind>(k.clone()).ok())
        .unwrap_or(if anchor.is_some() {
            ForkKind::Through
        } else {
            ForkKind::Whole
        });
    let created = key
        .get("created")
        .and_then(Value::as_f64)
        .filter(|t| t.is_finite() && *t >= 0.0)
        .ok_or("no time")?;
    let discovered = match key.get("discovered") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err("discovered is not true or false".into()),
    };
    let worktree = match key.get("worktree") {
        None | Some(Value::Null) => None,
        Some(Value::Object(place)) => {
            let name = place
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let branch = place
                .get("branch")
                .and_then(Value::as_str)
                .unwrap_or_default();
            (!name.is_empty()).then(|| WorktreeRef {
                name: excerpt(name, TEXT_CHARS),
                branch: excerpt(branch, TEXT_CHARS),
            })
        }
        Some(_) => return Err("worktree is not an object".into()),
    };
    Ok(Some(Edge {
        child: session.id.clone(),
        parent: parent.to_owned(),
        anchor: anchor.map(str::to_owned),
        role,
        excerpt: excerpt(text("excerpt")?.unwrap_or_default(), TEXT_CHARS),
        kind,
        created,
        parent_title: excerpt(text("parent_title")?.unwrap_or_default(), TEXT_CHARS),
        child_title: session.title.clone(),
        server: server.to_owned(),
        directory: session.directory.clone(),
        discovered,
        worktree,
    }))
}

/// The key that records `edge` in its child's metadata.
pub fn record(edge: &Edge) -> Value {
    record_of(&edge.child, Some(edge), None, None)
}

/// The key that records what this browser knows of `session`: the edge that made it, how many
/// messages that fork copied, its label and note.
pub fn record_of(
    session: &str,
    edge: Option<&Edge>,
    copied: Option<u32>,
    note: Option<&Note>,
) -> Value {
    let mut key = Map::new();
    key.insert("v".into(), VERSION.into());
    key.insert("session".into(), session.into());
    if let Some(note) = note {
        key.insert("label".into(), note.label.clone().into());
        key.insert("note".into(), note.note.clone().into());
        key.insert("noted".into(), (note.at.round() as i64).into());
    }
    let Some(edge) = edge else {
        return Value::Object(key);
    };
    if let Some(copied) = copied {
        key.insert("at".into(), copied.into());
    }
    key.insert("parent".into(), edge.parent.clone().into());
    if let Some(anchor) = &edge.anchor {
        key.insert("anchor".into(), anchor.clone().into());
    }
    if let Some(role) = edge.role {
        key.insert(
            "role".into(),
            serde_json::to_value(role).unwrap_or(Value::Null),
        );
    }
    key.insert(
        "kind".into(),
        serde_json::to_value(edge.kind).unwrap_or(Value::Null),
    );
    key.insert("excerpt".into(), excerpt(&edge.excerpt, TEXT_CHARS).into());
    key.insert("created".into(), (edge.created.round() as i64).into());
    key.insert("discovered".into(), edge.discovered.into());
    if !edge.parent_title.is_empty() {
        let title = excerpt(&edge.parent_title, TEXT_CHARS);
        key.insert("parent_title".into(), title.into());
    }
    if let Some(worktree) = &edge.worktree {
        let mut place = Map::new();
        place.insert("name".into(), excerpt(&worktree.name, TEXT_CHARS).into());
        place.insert(
            "branch".into(),
            excerpt(&worktree.branch, TEXT_CHARS).into(),
        );
        key.insert("worktree".into(), Value::Object(place));
    }
    Value::Object(key)
}

/// Do two servers' URLs name the same server (a trailing slash aside)?
pub fn same_server(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// What the sessions a server listed say about the lineage, against what this browser knows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reconciled {
    /// The forks recorded in the listed sessions' metadata.
    pub found: Vec<Edge>,
    /// How many messages the found forks copied, by child.
    pub copied: Vec<(String, u32)>,
    /// Labels and notes found, by session.
    pub notes: Vec<(String, Note)>,
    /// Sessions whose metadata is too large to read: id, title, size in bytes.
    pub too_large: Vec<(String, String, usize)>,
    /// Forks this browser knows better than the server's metadata (it has none of ours, its
    /// source's copy, an unreadable one, a scan's guess where this browser recorded the fork,
    /// or one the user chose not to take): to be written.
    pub to_write: Vec<String>,
}

/// Reads the lineage kept in `sessions`' metadata (listed by `server`) and decides what this
/// browser should take from it, and what it should write back. Pure.
pub fn reconcile(lineage: &LineageGraph, sessions: &[Session], server: &str) -> Reconciled {
    let mut out = Reconciled::default();
    let titles: std::collections::HashMap<&str, &str> = sessions
        .iter()
        .map(|s| (s.id.as_str(), s.title.as_str()))
        .collect();
    let places = lineage.places();
    let ours = |id: &str| {
        places
            .get(id)
            .is_some_and(|(on, _)| same_server(on, server))
    };
    for session in sessions {
        let found = read(session, server);
        let server_edge = match &found {
            Found::TooLarge(size) => {
                out.too_large
                    .push((session.id.clone(), session.title.clone(), *size));
                continue;
            }
            Found::Newer => continue,
            Found::Record(record) => Some(record),
            _ => None,
        };
        if let Some(note) = server_edge.and_then(|r| r.note.as_ref()) {
            out.notes.push((session.id.clone(), note.clone()));
        }
        if let Some((child, copied)) =
            server_edge.and_then(|r| Some((&r.edge.as_ref()?.child, r.copied?)))
        {
            out.copied.push((child.clone(), copied));
        }
        // Ours is newer: written (a label taken away included).
        let local_note = lineage.notes.get(&session.id);
        let server_noted = server_edge
            .and_then(|r| r.note.as_ref())
            .map_or(0.0, |n| n.at);
        let write_note = local_note.is_some_and(|n| n.at > server_noted);
        let server_edge = server_edge.and_then(|r| r.edge.as_ref());
        if let Some(edge) = server_edge {
            let mut edge = edge.clone();
            // The source's title as listed now, rather than as it was when forked.
            if let Some(title) = titles.get(edge.parent.as_str()) {
                edge.parent_title = (*title).to_owned();
            }
            out.found.push(edge);
        }
        let write_edge = match lineage.parent_of(&session.id) {
            Some(local)
                if !lineage.from_server.contains(&local.child)
                    && same_server(&local.server, server) =>
            {
                match server_edge {
                    None => true,
                    Some(theirs) if local.same_point(theirs) => {
                        theirs.discovered && !local.discovered
                    }
                    Some(theirs) => may_replace(lineage, local, theirs),
                }
            }
            _ => false,
        };
        if write_edge || write_note && ours(&session.id) {
            out.to_write.push(session.id.clone());
        }
    }
    out
}

/// May this browser's record of `local` replace `theirs`, a different record of the same fork
/// on the server? Only where it knows better: the same fork point, a scan's guess where this
/// browser recorded the fork, or a disagreement the user settled for this browser's record.
/// Anything else is a disagreement, for the user to settle.
pub fn may_replace(lineage: &LineageGraph, local: &Edge, theirs: &Edge) -> bool {
    local.same_point(theirs)
        || local.parent == theirs.parent && theirs.discovered && !local.discovered
        || lineage
            .conflicts
            .get(&local.child)
            .is_some_and(|c| c.dismissed && c.edge.same_point(theirs))
}

impl Reconciled {
    /// Applies what was found to `lineage` (see [`LineageGraph::merge_remote`]). Titles the
    /// lineage already has are left as they are (a fork's telling title may still be on its
    /// way to the server): the lineage view's refresh brings them up to date. Returns whether
    /// anything changed.
    pub fn apply(&self, lineage: &mut LineageGraph) -> bool {
        let mut changed = lineage.merge_remote(&self.found);
        for (child, copied) in &self.copied {
            if !lineage.fork_at.contains_key(child) && lineage.parent_of(child).is_some() {
                lineage.fork_at.insert(child.clone(), *copied);
                changed = true;
            }
        }
        for (session, note) in &self.notes {
            changed |= lineage.set_note(session, note.clone());
        }
        changed
    }
}

impl LineageGraph {
    /// Merges forks read from the server's metadata. Idempotent: the same records merged
    /// twice change nothing the second time. For each one:
    /// - unknown here: added, marked as from the server;
    /// - the same fork point: kept (a scan's guess gives way to the record);
    /// - the same source where this browser has a scan's guess: the record replaces it;
    /// - a scan's guess on the server where this browser recorded the fork: this one stays;
    /// - an edge that came from the server before: the server's newer word replaces it;
    /// - anything else: a disagreement, kept in `conflicts` until the user chooses (one the
    ///   user already dismissed is not raised again until the server's record changes).
    ///
    /// Returns whether anything changed.
    pub fn merge_remote(&mut self, found: &[Edge]) -> bool {
        let mut changed = false;
        for theirs in found {
            let Some(local) = self.parent_of(&theirs.child).cloned() else {
                let mut edge = theirs.clone();
                if edge.parent_title.is_empty() {
                    edge.parent_title = self.title_of(&edge.parent).unwrap_or_default();
                }
                self.add(edge);
                self.from_server.insert(theirs.child.clone());
                changed = true;
                continue;
            };
            let upgrade = local.parent == theirs.parent && local.discovered && !theirs.discovered;
            let replaced_server_word =
                self.from_server.contains(&local.child) && !same_record(theirs, &local);
            if upgrade || replaced_server_word {
                // Titles as this browser has them: they follow renames through the refresh.
                let mut edge = theirs.clone();
                if !local.parent_title.is_empty() {
                    edge.parent_title = local.parent_title.clone();
                }
                if !local.child_title.is_empty() {
                    edge.child_title = local.child_title.clone();
                }
                if edge != local {
                    self.add(edge);
                    changed = true;
                }
                changed |= self.from_server.insert(theirs.child.clone());
                changed |= self.conflicts.remove(&theirs.child).is_some();
            } else if local.same_point(theirs) || local.parent == theirs.parent && theirs.discovered
            {
                changed |= self.conflicts.remove(&theirs.child).is_some();
            } else {
                let known = self.conflicts.get(&theirs.child);
                if !known.is_some_and(|c| c.edge.same_point(theirs)) {
                    let conflict = Conflict {
                        edge: theirs.clone(),
                        dismissed: false,
                    };
                    self.conflicts.insert(theirs.child.clone(), conflict);
                    changed = true;
                }
            }
        }
        changed
    }

    /// The disagreement about `child` still to be settled by the user, if any.
    pub fn open_conflict(&self, child: &str) -> Option<&Conflict> {
        self.conflicts.get(child).filter(|c| !c.dismissed)
    }

    /// Settles a disagreement for the server's record: it replaces this browser's.
    pub fn use_server_record(&mut self, child: &str) -> bool {
        let Some(conflict) = self.conflicts.remove(child) else {
            return false;
        };
        let mut edge = conflict.edge;
        if edge.parent_title.is_empty() {
            edge.parent_title = self.title_of(&edge.parent).unwrap_or_default();
        }
        if let Some(local) = self.parent_of(child) {
            edge.child_title = local.child_title.clone();
        }
        self.add(edge);
        self.from_server.insert(child.to_owned());
        true
    }

    /// Settles a disagreement for this browser's record: the server's is not raised again
    /// (and is replaced on the server when the lineage is kept there).
    pub fn keep_local_record(&mut self, child: &str) -> bool {
        match self.conflicts.get_mut(child) {
            Some(conflict) if !conflict.dismissed => {
                conflict.dismissed = true;
                true
            }
            _ => false,
        }
    }

    /// A session's title, as the lineage last saw it.
    pub fn title_of(&self, session: &str) -> Option<String> {
        self.edges.iter().find_map(|e| {
            let title = if e.child == session {
                &e.child_title
            } else if e.parent == session {
                &e.parent_title
            } else {
                return None;
            };
            (!title.is_empty()).then(|| title.clone())
        })
    }
}

/// Do two edges record the same fork the same way (titles aside: they follow renames)?
fn same_record(a: &Edge, b: &Edge) -> bool {
    a.same_point(b)
        && a.role == b.role
        && a.excerpt == b.excerpt
        && a.created == b.created
        && a.discovered == b.discovered
}

/// What became of a write.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    /// The metadata already held this record: nothing was sent.
    Unchanged,
    Written,
}

/// Why a record could not be written.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteError {
    Api(ApiError),
    /// The metadata with our key would be larger than [`MAX_METADATA_BYTES`] (this size).
    TooLarge(usize),
    /// Other clients kept replacing the metadata without our key.
    Raced,
    /// The server holds a different record of the fork, which this one may not replace (see
    /// [`may_replace`]): a disagreement for the user, never overwritten behind their back.
    Disagrees(Box<Edge>),
    /// The server holds a newer Branchpoint's record: left alone.
    Newer,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Api(error) => write!(f, "{error}"),
            WriteError::TooLarge(size) => write!(
                f,
                "the session's metadata would be {} KB, more than Branchpoint writes ({} KB)",
                size.div_ceil(1024),
                MAX_METADATA_BYTES / 1024
            ),
            WriteError::Raced => write!(
                f,
                "another program kept replacing the session's metadata at the same moment"
            ),
            WriteError::Disagrees(_) => {
                write!(f, "the server records this fork differently")
            }
            WriteError::Newer => {
                write!(f, "a newer Branchpoint keeps this session's lineage")
            }
        }
    }
}

/// Writes `record` under [`KEY`] into session `id`'s metadata (`client` scoped to the
/// session's directory), keeping every other key. `PATCH` replaces the whole object and the
/// server offers no conditional write (checked on 1.18.33: no ETag, no expected version), so
/// this reads, merges and writes, then reads again: when another client's write came after
/// ours (`time.updated` moved on) and dropped our key, it merges with that one and writes
/// again, up to [`WRITE_ATTEMPTS`] times. A write racing ours in the one round trip between
/// read and write can still lose its keys: the closest the server allows. A different record
/// of ours already there is replaced only when `replaces` says so.
pub async fn write<T: Transport>(
    client: &Client<T>,
    id: &str,
    record: &Value,
    replaces: impl Fn(&Edge) -> bool,
) -> Result<Written, WriteError> {
    let mut wrote = false;
    for _ in 0..WRITE_ATTEMPTS {
        let current = client.get_session(id).await.map_err(WriteError::Api)?;
        let same = current.metadata.as_ref().and_then(|m| m.get(KEY)) == Some(record);
        match read(&current, &client.conn.base_url) {
            Found::Newer => return Err(WriteError::Newer),
            Found::Record(found) if !same => {
                if let Some(theirs) = found.edge.filter(|theirs| !replaces(theirs)) {
                    return Err(WriteError::Disagrees(Box::new(theirs)));
                }
            }
            _ => {}
        }
        let mut metadata = match current.metadata {
            Some(Value::Object(map)) => map,
            _ => Map::new(),
        };
        if metadata.get(KEY) == Some(record) {
            return Ok(if wrote {
                Written::Written
            } else {
                Written::Unchanged
            });
        }
        metadata.insert(KEY.to_owned(), record.clone());
        let merged = Value::Object(metadata);
        let size = serde_json::to_string(&merged).map_or(usize::MAX, |s| s.len());
        if size > MAX_METADATA_BYTES {
            return Err(WriteError::TooLarge(size));
        }
        // Noted before it is sent: a page gone before the answer leaves it known.
        crate::persist::own_writes::begin(id, current.time.updated, record);
        let written = client
            .set_metadata(id, &merged)
            .await
            .map_err(WriteError::Api)?;
        // The write moved the session's update time: not activity (see persist::own_writes).
        crate::persist::own_writes::note(id, written.time.updated);
        wrote = true;
        let after = client.get_session(id).await.map_err(WriteError::Api)?;
        crate::persist::own_writes::note(id, after.time.updated);
        let kept = after.metadata.as_ref().and_then(|m| m.get(KEY)) == Some(record);
        if kept || after.time.updated == written.time.updated {
            return Ok(Written::Written);
        }
    }
    Err(WriteError::Raced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineage::graph::tests::edge;
    use serde_json::json;

    const SERVER: &str = "http://127.0.0.1:4096";
    const CHILD: &str = "ses_child0000001";
    const PARENT: &str = "ses_parent000001";

    fn session(id: &str, metadata: Option<Value>) -> Session {
        let mut session: Session = serde_json::from_value(json!({
            "id": id, "title": format!("title {id}"), "directory": "/p",
            "time": {"created": 1.0, "updated": 2.0}
        }))
        .unwrap();
        session.metadata = metadata;
        session
    }

    fn recorded() -> Edge {
        Edge {
            server: SERVER.into(),
            directory: "/p".into(),
            excerpt: "add the tests".into(),
            child_title: format!("title {CHILD}"),
            parent_title: "Refactor".into(),
            ..edge(CHILD, PARENT, Some("msg_anchor000001"), 1_764_000_000_000.0)
        }
    }

    fn fork(edge: Edge) -> Found {
        Found::Record(Box::new(Record {
            edge: Some(edge),
            ..Record::default()
        }))
    }

    fn with_key(key: Value) -> Session {
        session(CHILD, Some(json!({ "other": {"x": 1}, KEY: key })))
    }

    #[test]
    fn an_edge_round_trips_through_its_record() {
        let edge = recorded();
        let key = record(&edge);
        assert_eq!(key["session"], CHILD);
        assert_eq!(key["kind"], "through");
        assert_eq!(key["role"], "user");
        assert_eq!(read(&with_key(key), SERVER), fork(edge));
        let mut whole = recorded();
        whole.anchor = None;
        whole.role = None;
        whole.kind = ForkKind::Whole;
        whole.discovered = true;
        let key = record(&whole);
        assert!(key.get("anchor").is_none() && key.get("role").is_none());
        assert_eq!(read(&with_key(key), SERVER), fork(whole));
        // A fork into a worktree carries its worktree's name and branch.
        let mut into_worktree = recorded();
        into_worktree.kind = ForkKind::Worktree;
        into_worktree.worktree = Some(WorktreeRef {
            name: "brave-otter".into(),
            branch: "opencode/brave-otter".into(),
        });
        let key = record(&into_worktree);
        assert_eq!(key["kind"], "worktree");
        assert_eq!(key["worktree"]["branch"], "opencode/brave-otter");
        assert_eq!(read(&with_key(key), SERVER), fork(into_worktree));
        // A session that is no fork may carry a record too (its label, later): no edge.
        let bare = json!({"v": 1, "session": CHILD});
        assert_eq!(read(&with_key(bare), SERVER), Found::Record(Box::default()));
    }

    #[test]
    fn labels_notes_and_fork_rows_travel_and_the_newer_note_wins() {
        let note = Note {
            label: "winner".into(),
            note: "fast\nand right".into(),
            at: 5.0,
        };
        let key = record_of(CHILD, Some(&recorded()), Some(3), Some(&note));
        let Found::Record(found) = read(&with_key(key), SERVER) else {
            panic!("read");
        };
        assert_eq!(found.edge, Some(recorded()));
        assert_eq!(
            (found.copied, found.note.clone()),
            (Some(3), Some(note.clone()))
        );
        // A root's record: only its label.
        let root = record_of(PARENT, None, None, Some(&note));
        assert_eq!(root.get("parent"), None);
        let Found::Record(found) = read(&session(PARENT, Some(json!({ KEY: root }))), SERVER)
        else {
            panic!("read");
        };
        assert_eq!((found.edge, found.note), (None, Some(note.clone())));

        // A browser without the label takes it, with the fork's row.
        let mut lineage = LineageGraph::default();
        let key = record_of(CHILD, Some(&recorded()), Some(3), Some(&note));
        let listed = [with_key(key.clone()), session(PARENT, None)];
        assert!(reconcile(&lineage, &listed, SERVER).apply(&mut lineage));
        assert_eq!(lineage.note_of(CHILD), Some(&note));
        assert_eq!(lineage.fork_at.get(CHILD), Some(&3));
        assert!(reconcile(&lineage, &listed, SERVER).to_write.is_empty());
        // Changed here later: written; changed there later: taken.
        let mut newer = note.clone();
        newer.label = "dead end".into();
        newer.at = 9.0;
        lineage.set_note(CHILD, newer.clone());
        let seen = reconcile(&lineage, &listed, SERVER);
        assert_eq!(seen.to_write, [CHILD]);
        assert!(
            !seen.apply(&mut lineage),
            "the server's older note is not taken"
        );
        assert_eq!(lineage.note_of(CHILD), Some(&newer));
        let mut theirs = key;
        theirs["label"] = json!("theirs");
        theirs["noted"] = json!(20);
        let seen = reconcile(&lineage, &[with_key(theirs)], SERVER);
        assert!(seen.to_write.is_empty());
        assert!(seen.apply(&mut lineage));
        assert_eq!(lineage.note_of(CHILD).unwrap().label, "theirs");
        // Hostile: wrong types refused; long texts cut.
        for (field, value) in [
            ("label", json!(5)),
            ("noted", json!("now")),
            ("at", json!(-1)),
        ] {
            let mut key = record_of(CHILD, Some(&recorded()), None, Some(&note));
            key[field] = value;
            assert!(
                matches!(read(&with_key(key), SERVER), Found::Unreadable(_)),
                "{field}"
            );
        }
        let mut long = record_of(CHILD, None, None, Some(&note));
        long["label"] = json!("w".repeat(1_000));
        long["note"] = json!("n".repeat(5_000));
        let Found::Record(found) = read(&with_key(long), SERVER) else {
            panic!("read");
        };
        let found = found.note.unwrap();
        assert!(found.label.chars().count() <= LABEL_CHARS + 1);
        assert_eq!(found.note.chars().count(), NOTE_CHARS);
    }

    #[test]
    fn hostile_metadata_is_ignored_never_a_panic() {
        let good = record(&recorded());
        let with = |field: &str, value: Value| {
            let mut key = good.clone();
            key[field] = value;
            read(&with_key(key), SERVER)
        };
        assert_eq!(read(&session(CHILD, None), SERVER), Found::Nothing);
        assert_eq!(
            read(&session(CHILD, Some(json!({}))), SERVER),
            Found::Nothing
        );
        assert_eq!(
            read(&session(CHILD, Some(json!([1, 2]))), SERVER),
            Found::Nothing
        );
        assert!(matches!(
            read(&with_key(json!("text")), SERVER),
            Found::Unreadable(_)
        ));
        assert!(matches!(
            read(&with_key(json!([])), SERVER),
            Found::Unreadable(_)
        ));
        assert_eq!(with("v", json!(2)), Found::Newer);
        for (field, value) in [
            ("v", json!("1")),
            ("v", json!(null)),
            ("session", json!(7)),
            ("session", json!("ses_../../x")),
            ("parent", json!("not-an-id")),
            ("parent", json!(CHILD)),
            ("parent", json!({"id": PARENT})),
            ("anchor", json!("msg_<script>")),
            ("anchor", json!(12)),
            ("role", json!("admin")),
            ("created", json!("yesterday")),
            ("created", json!(-5)),
            ("created", json!(null)),
            ("excerpt", json!(["a"])),
            ("discovered", json!("yes")),
            ("parent_title", json!(1)),
        ] {
            assert!(
                matches!(with(field, value.clone()), Found::Unreadable(_)),
                "{field}: {value}"
            );
        }
        // A key copied from the source by the fork describes the source: not this session.
        assert_eq!(with("session", json!(PARENT)), Found::Nothing);
        // An unknown kind still reads, as a fork at its anchor.
        let Found::Record(found) = with("kind", json!("rebase")) else {
            panic!("an unknown kind is read");
        };
        let edge = found.edge.unwrap();
        assert_eq!(edge.kind, ForkKind::Through);
        // Long texts are cut; markup stays text (it is never rendered as markup).
        let Found::Record(found) = with("excerpt", json!("<b>x</b> ".repeat(500))) else {
            panic!("a long excerpt is read, cut");
        };
        let edge = found.edge.unwrap();
        assert!(edge.excerpt.chars().count() <= TEXT_CHARS + 1);
        // Metadata over the limit is not read at all.
        let huge = session(
            CHILD,
            Some(json!({"other": "x".repeat(MAX_METADATA_BYTES), KEY: good})),
        );
        assert!(matches!(read(&huge, SERVER), Found::TooLarge(n) if n > MAX_METADATA_BYTES));
    }

    fn lineage_with(edge: Edge) -> LineageGraph {
        let mut lineage = LineageGraph::default();
        lineage.add(edge);
        lineage
    }

    #[test]
    fn found_forks_are_added_marked_and_merging_twice_changes_nothing() {
        let mut lineage = LineageGraph::default();
        let listed = [with_key(record(&recorded())), session(PARENT, None)];
        let seen = reconcile(&lineage, &listed, SERVER);
        let listed_title = Edge {
            parent_title: format!("title {PARENT}"),
            ..recorded()
        };
        assert_eq!(
            seen.found,
            vec![listed_title],
            "the source's title as listed"
        );
        assert!(seen.to_write.is_empty());
        assert!(seen.apply(&mut lineage));
        assert!(lineage.from_server.contains(CHILD));
        assert_eq!(
            lineage.parent_of(CHILD).unwrap().parent_title,
            format!("title {PARENT}")
        );
        let again = lineage.clone();
        assert!(!reconcile(&lineage, &listed, SERVER).apply(&mut lineage));
        assert_eq!(lineage, again, "idempotent");
        assert!(
            reconcile(&lineage, &listed, SERVER).to_write.is_empty(),
            "an edge from the server is not written back"
        );
    }

    #[test]
    fn this_browsers_forks_are_written_where_the_server_lacks_them() {
        let lineage = lineage_with(recorded());
        // No key, the source's copied key, an unreadable key: written.
        let copied = json!({"v": 1, "session": PARENT});
        for metadata in [None, Some(json!({KEY: copied})), Some(json!({KEY: 5}))] {
            let seen = reconcile(&lineage, &[session(CHILD, metadata.clone())], SERVER);
            assert_eq!(seen.to_write, [CHILD], "{metadata:?}");
        }
        // The same record, or one of a newer Branchpoint: left alone.
        let same = reconcile(&lineage, &[with_key(record(&recorded()))], SERVER);
        assert!(same.to_write.is_empty());
        let newer = reconcile(&lineage, &[with_key(json!({"v": 9}))], SERVER);
        assert!(newer.to_write.is_empty() && newer.found.is_empty());
        // Another server's session with the same id is not ours to write.
        let elsewhere = reconcile(&lineage, &[session(CHILD, None)], "http://other:1");
        assert!(elsewhere.to_write.is_empty());
        // A scan's guess on the server, where this browser recorded the fork: written over.
        let mut guess = recorded();
        guess.discovered = true;
        guess.anchor = Some("msg_earlier000001".into());
        let seen = reconcile(&lineage, &[with_key(record(&guess))], SERVER);
        assert_eq!(seen.to_write, [CHILD]);
        let mut merged = lineage.clone();
        assert!(!seen.apply(&mut merged) || merged.conflicts.is_empty());
        assert_eq!(
            merged.parent_of(CHILD),
            lineage.parent_of(CHILD),
            "ours stays"
        );
    }

    #[test]
    fn a_disagreement_is_kept_until_the_user_chooses() {
        let mut lineage = lineage_with(recorded());
        let mut theirs = recorded();
        theirs.parent = "ses_otherparent01".into();
        theirs.parent_title = "Other source".into();
        let listed = [with_key(record(&theirs))];
        let seen = reconcile(&lineage, &listed, SERVER);
        assert!(
            seen.to_write.is_empty(),
            "nothing overwritten before the choice"
        );
        assert!(seen.apply(&mut lineage));
        assert_eq!(
            lineage.parent_of(CHILD).unwrap().parent,
            PARENT,
            "ours still shown"
        );
        assert_eq!(
            lineage.open_conflict(CHILD).unwrap().edge.parent,
            theirs.parent
        );
        assert!(
            !reconcile(&lineage, &listed, SERVER).apply(&mut lineage),
            "raised once"
        );

        // Keeping ours: not asked again, and ours is to be written over the server's.
        let mut kept = lineage.clone();
        assert!(kept.keep_local_record(CHILD));
        assert!(kept.open_conflict(CHILD).is_none());
        assert!(!reconcile(&kept, &listed, SERVER).apply(&mut kept.clone()));
        assert_eq!(reconcile(&kept, &listed, SERVER).to_write, [CHILD]);
        // Once the server agrees, the disagreement is gone.
        let agreed = [with_key(record(&recorded()))];
        assert!(reconcile(&kept, &agreed, SERVER).apply(&mut kept));
        assert!(kept.conflicts.is_empty());

        // Taking theirs: it replaces ours, marked as from the server.
        let mut taken = lineage.clone();
        assert!(taken.use_server_record(CHILD));
        assert_eq!(taken.parent_of(CHILD).unwrap().parent, theirs.parent);
        assert!(taken.from_server.contains(CHILD) && taken.conflicts.is_empty());
        assert!(!reconcile(&taken, &listed, SERVER).apply(&mut taken));
    }

    #[test]
    fn a_scans_guess_gives_way_to_the_record() {
        let mut guess = recorded();
        guess.discovered = true;
        guess.kind = ForkKind::Whole;
        guess.anchor = None;
        let mut lineage = lineage_with(guess);
        let seen = reconcile(&lineage, &[with_key(record(&recorded()))], SERVER);
        assert!(seen.apply(&mut lineage));
        let edge = lineage.parent_of(CHILD).unwrap();
        assert!(!edge.discovered && edge.kind == ForkKind::Through);
        assert!(lineage.conflicts.is_empty() && lineage.from_server.contains(CHILD));
    }
}
