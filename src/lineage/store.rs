//! The lineage in localStorage: a versioned JSON document, written only through this module.
//! Every write merges with what is stored (another tab may have forked meanwhile); corrupted
//! data is set aside under a backup key instead of being lost; when storage is full, kept
//! streamed text and old drafts make room first (`persist::room`), then cached excerpts are
//! trimmed, before any edge would be lost.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;

use super::discover::Outcome;
use super::graph::ForkKind;
use super::graph::{Conflict, Edge, LineageGraph, Note, WorktreeRef};
use super::outbox;
use crate::api::Role;
use crate::persist::keys;
use crate::persist::room::{self, Worth};
use crate::persist::storage::{self, Area};
use crate::text::excerpt;

/// Where the lineage lives.
pub const KEY: &str = keys::LINEAGE;
/// The schema version this build writes.
pub const VERSION: u32 = 3;
/// Cached texts are kept this short in storage (they are shown as a reminder, not read).
const EXCERPT_CHARS: usize = 60;
const TITLE_CHARS: usize = 60;

// Schema 1 is `{"version": 1, "edges": [Edge…]}` (and 0 a bare array of edges): one object
// per edge, titles and place repeated. Both are read by `decode_with`.

/// Schema 3 (and 2, which is schema 3 without labels, notes, message counts and fork rows),
/// compact so that thousands of forks fit (about 200 bytes each): every session is written
/// once, with its title, and edges point at sessions by their index.
///
/// ```json
/// {"version": 3,
///  "places": [["http://127.0.0.1:4096", "/home/me/project"]],
///  "sessions": [["ses_a", "Refactor"], ["ses_b", "Refactor — after “add tests”"], ["ses_c"]],
///  "deleted": ["ses_c"],
///  "edges": [[1, 0, "msg_1", "u", "t", 1764000000000, "add tests", 0, 1, 0, 2]],
///  "notes": {"ses_b": ["winner", "the tests pass here", 1764000100000]}}
/// ```
///
/// A session is `[id]`, `[id, title]`, `[id, title, last active ms]` or `[id, title, last
/// active ms, messages]` (a field not known is `""`). An edge is `[child, parent (indexes into
/// sessions), anchor|null, role u|a|null, kind t|b|w|u|k (u: kept before undo, k: into a
/// worktree), created ms, excerpt, place index, discovered 0|1, from the server 0|1, messages
/// copied|null, worktree name, worktree branch]`; trailing defaults (`""`, `0`, `null`) are
/// left out (a count of copied messages of 0 is not a default: it is where the fork leaves its
/// source's lane on the map). "From the server": read from the child's metadata, recorded by
/// another browser. `notes` (left out when empty) holds labels and notes: `[label, note,
/// changed ms]`.
///
/// `conflicts` (left out when empty) holds the forks the server's metadata records
/// differently from this browser, until the user chooses: `[{"edge": {schema-1 edge},
/// "dismissed": false}]`.
#[derive(Serialize)]
struct DocumentV2 {
    version: u32,
    places: Vec<(String, String)>,
    sessions: Vec<Vec<String>>,
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    deleted: BTreeSet<String>,
    edges: Vec<Vec<Value>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    conflicts: Vec<Conflict>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    notes: BTreeMap<String, (String, String, u64)>,
}

/// Reads a stored lineage: schema 2, or an older one (migrated). Never panics, whatever the
/// input; anything unreadable is an error saying what.
pub fn decode(raw: &str) -> Result<LineageGraph, String> {
    decode_with(raw, false).map(|(lineage, _)| lineage)
}

/// Reads a lineage document. With `lenient`, a record that cannot be read is skipped (and
/// counted) instead of refusing the whole document: an imported file keeps what it can.
fn decode_with(raw: &str, lenient: bool) -> Result<(LineageGraph, usize), String> {
    let value: Value = serde_json::from_str(raw).map_err(|e| format!("not JSON: {e}"))?;
    let version = match &value {
        Value::Array(_) => 0,
        Value::Object(map) => map.get("version").and_then(Value::as_u64).unwrap_or(0),
        _ => return Err("not a lineage document".into()),
    };
    if version > u64::from(VERSION) {
        return Err(format!("written by a newer Branchpoint (schema {version})"));
    }
    // Schema 3 only adds fields to schema 2: one reader serves both.
    if version >= 2 {
        return decode_v2(value, lenient);
    }
    let rows = match value {
        Value::Array(rows) => rows,
        Value::Object(mut map) => match map.remove("edges") {
            Some(Value::Array(rows)) => rows,
            _ => return Err("unreadable edges: no list of edges".into()),
        },
        _ => Vec::new(),
    };
    let mut edges = Vec::with_capacity(rows.len());
    let mut skipped = 0;
    for row in rows {
        match serde_json::from_value::<Edge>(row) {
            Ok(edge) => edges.push(edge),
            Err(_) if lenient => skipped += 1,
            Err(e) => return Err(format!("unreadable edges: {e}")),
        }
    }
    let lineage = LineageGraph {
        edges,
        ..LineageGraph::default()
    };
    Ok((lineage, skipped))
}

fn decode_v2(mut value: Value, lenient: bool) -> Result<(LineageGraph, usize), String> {
    fn field<T: serde::de::DeserializeOwned + Default>(
        value: &mut Value,
        name: &str,
    ) -> Result<T, String> {
        match value.get_mut(name).map(Value::take) {
            None | Some(Value::Null) => Ok(T::default()),
            Some(v) => serde_json::from_value(v).map_err(|e| format!("unreadable {name}: {e}")),
        }
    }
    let places: Vec<(String, String)> = field(&mut value, "places")?;
    let sessions: Vec<Vec<String>> = field(&mut value, "sessions")?;
    let deleted: BTreeSet<String> = field(&mut value, "deleted")?;
    let conflicts: Vec<Conflict> = field(&mut value, "conflicts")?;
    let notes: BTreeMap<String, (String, String, u64)> = field(&mut value, "notes")?;
    let Some(Value::Array(rows)) = value.get("edges") else {
        return Err("no edges".into());
    };
    let mut edges = Vec::with_capacity(rows.len());
    let mut from_server = BTreeSet::new();
    let mut fork_at = HashMap::new();
    let mut skipped = 0;
    for (n, row) in rows.iter().enumerate() {
        match edge_v2(row, &sessions, &places) {
            Ok(read) => {
                if read.from_server {
                    from_server.insert(read.edge.child.clone());
                }
                if let Some(copied) = read.copied {
                    fork_at.insert(read.edge.child.clone(), copied);
                }
                edges.push(read.edge);
            }
            Err(_) if lenient => skipped += 1,
            Err(what) => return Err(format!("edge {}: {what}", n + 1)),
        }
    }
    // A session's third field is when it was last active (whole ms, as a string; parsed as an
    // integer, which keeps the float parser out of the wasm).
    let active = sessions
        .iter()
        .filter_map(|s| Some((s.first()?.clone(), s.get(2)?.parse::<u64>().ok()? as f64)))
        .collect();
    let messages = sessions
        .iter()
        .filter_map(|s| Some((s.first()?.clone(), s.get(3)?.parse::<u32>().ok()?)))
        .collect();
    let notes = notes
        .into_iter()
        .map(|(session, (label, note, at))| {
            let at = at as f64;
            (session, Note { label, note, at })
        })
        .collect();
    let lineage = LineageGraph {
        edges,
        deleted,
        active,
        from_server,
        conflicts: conflicts
            .into_iter()
            .map(|c| (c.edge.child.clone(), c))
            .collect(),
        messages,
        fork_at,
        notes,
    };
    Ok((lineage, skipped))
}

/// An edge row as read: the edge, whether it came from the server, how many messages it copied.
struct EdgeRow {
    edge: Edge,
    from_server: bool,
    copied: Option<u32>,
}

/// One schema-2 or 3 edge row, its sessions and place looked up; `Err` says what is wrong.
fn edge_v2(
    row: &Value,
    sessions: &[Vec<String>],
    places: &[(String, String)],
) -> Result<EdgeRow, String> {
    let Value::Array(row) = row else {
        return Err("not a list".into());
    };
    let at = |i: usize| row.get(i).unwrap_or(&Value::Null);
    let text = |i: usize| at(i).as_str().map(str::to_owned);
    let session = |i: usize, what: &str| {
        at(i)
            .as_u64()
            .and_then(|k| sessions.get(k as usize))
            .and_then(|s| Some((s.first()?.clone(), s.get(1).cloned().unwrap_or_default())))
            .ok_or_else(|| format!("no {what}"))
    };
    let (child, child_title) = session(0, "child")?;
    let (parent, parent_title) = session(1, "parent")?;
    let role = match at(3).as_str() {
        Some("u") => Some(Role::User),
        Some("a") => Some(Role::Assistant),
        None => None,
        Some(other) => return Err(format!("unknown role “{other}”")),
    };
    let kind = match at(4).as_str() {
        Some("t") => ForkKind::Through,
        Some("b") => ForkKind::Before,
        Some("w") => ForkKind::Whole,
        Some("u") => ForkKind::Undo,
        Some("k") => ForkKind::Worktree,
        _ => return Err("unknown kind".into()),
    };
    let created = at(5).as_f64().ok_or("no time")?;
    let place = at(7).as_u64().unwrap_or(0) as usize;
    let (server, directory) = places.get(place).cloned().unwrap_or_default();
    let edge = Edge {
        child,
        parent,
        anchor: text(2),
        role,
        excerpt: text(6).unwrap_or_default(),
        kind,
        created,
        parent_title,
        child_title,
        server,
        directory,
        discovered: at(8).as_u64() == Some(1),
        worktree: text(11).filter(|n| !n.is_empty()).map(|name| WorktreeRef {
            name,
            branch: text(12).unwrap_or_default(),
        }),
    };
    Ok(EdgeRow {
        edge,
        from_server: at(9).as_u64() == Some(1),
        copied: at(10).as_u64().and_then(|n| u32::try_from(n).ok()),
    })
}

/// Writes a lineage as the current schema.
pub fn encode<'a>(lineage: &'a LineageGraph) -> String {
    let mut places: Vec<(String, String)> = Vec::new();
    let mut sessions: Vec<Vec<String>> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut edges = Vec::with_capacity(lineage.edges.len());
    for edge in &lineage.edges {
        let place = (edge.server.clone(), edge.directory.clone());
        let place = match places.iter().position(|p| *p == place) {
            Some(i) => i,
            None => {
                places.push(place);
                places.len() - 1
            }
        };
        let mut session = |id: &'a str, title: &str| -> usize {
            let i = *index.entry(id).or_insert_with(|| {
                sessions.push(vec![id.to_owned()]);
                sessions.len() - 1
            });
            if sessions[i].len() == 1 && !title.is_empty() {
                sessions[i].push(excerpt(title, TITLE_CHARS));
            }
            i
        };
        let child = session(&edge.child, &edge.child_title);
        let parent = session(&edge.parent, &edge.parent_title);
        let mut row = vec![
            Value::from(child),
            Value::from(parent),
            edge.anchor.as_deref().map_or(Value::Null, Value::from),
            match edge.role {
                Some(Role::User) => Value::from("u"),
                Some(Role::Assistant) => Value::from("a"),
                None => Value::Null,
            },
            Value::from(match edge.kind {
                ForkKind::Through => "t",
                ForkKind::Before => "b",
                ForkKind::Whole => "w",
                ForkKind::Undo => "u",
                ForkKind::Worktree => "k",
            }),
            Value::from(edge.created.round() as i64),
            Value::from(excerpt(&edge.excerpt, EXCERPT_CHARS)),
            Value::from(place),
            Value::from(u8::from(edge.discovered)),
            Value::from(u8::from(lineage.from_server.contains(&edge.child))),
            lineage
                .fork_at
                .get(&edge.child)
                .map_or(Value::Null, |&copied| Value::from(copied)),
            Value::from(edge.worktree.as_ref().map_or("", |w| w.name.as_str())),
            Value::from(edge.worktree.as_ref().map_or("", |w| w.branch.as_str())),
        ];
        // Leave out trailing defaults (a known count of copied messages, field 10, is kept
        // even when 0).
        while row.len() > 6
            && match row.last() {
                Some(Value::Null) => true,
                Some(v) => row.len() != 11 && (v.as_u64() == Some(0) || v.as_str() == Some("")),
                None => false,
            }
        {
            row.pop();
        }
        edges.push(row);
    }
    for session in &mut sessions {
        let active = lineage.active.get(&session[0]);
        let messages = lineage.messages.get(&session[0]);
        if active.is_none() && messages.is_none() {
            continue;
        }
        if session.len() == 1 {
            session.push(String::new());
        }
        session.push(active.map_or(String::new(), |at| {
            format!("{}", at.max(0.0).round() as u64)
        }));
        if let Some(n) = messages {
            session.push(n.to_string());
        }
    }
    let notes = lineage
        .notes
        .iter()
        .filter(|(_, n)| !n.is_empty() || n.at > 0.0)
        .map(|(session, n)| {
            let at = n.at.max(0.0).round() as u64;
            (session.clone(), (n.label.clone(), n.note.clone(), at))
        })
        .collect();
    let document = DocumentV2 {
        version: VERSION,
        places,
        sessions,
        deleted: lineage.deleted.clone(),
        edges,
        conflicts: lineage.conflicts.values().cloned().collect(),
        notes,
    };
    serde_json::to_string(&document).unwrap_or_default()
}

/// A lineage read from storage, and what the user should be told about it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loaded {
    pub lineage: LineageGraph,
    pub warning: Option<String>,
}

/// Reads the lineage. Unreadable data is copied to a backup key stamped with `now` (and the
/// user told) instead of being overwritten later.
pub fn load(now: f64) -> Loaded {
    let Some(raw) = storage::get(Area::Local, KEY) else {
        return Loaded::default();
    };
    match decode(&raw) {
        Ok(lineage) => Loaded {
            lineage,
            warning: None,
        },
        Err(problem) => {
            let backup = keys::lineage_backup(now);
            let kept = storage::set(Area::Local, &backup, &raw).is_ok();
            storage::remove(Area::Local, KEY);
            let whereto = if kept {
                format!("It was kept under “{backup}”.")
            } else {
                "It could not be backed up.".into()
            };
            Loaded {
                lineage: LineageGraph::default(),
                warning: Some(format!(
                    "The stored fork lineage could not be read ({problem}). {whereto}"
                )),
            }
        }
    }
}

/// Adds `edge` to the stored lineage (merged with what another tab may have written) and
/// returns the lineage now stored. When storage is full, excerpts are trimmed, then dropped,
/// before giving up; the error says what happened. The edge is queued to be written into its
/// session's metadata on the server too ([`outbox`]).
pub fn record(edge: Edge, now: f64) -> Result<LineageGraph, String> {
    record_copied(edge, None, now)
}

/// [`record`], with how many of its source's messages the fork copied (where it leaves its
/// source's lane on the map, and how long its own lane is so far).
pub fn record_copied(edge: Edge, copied: Option<u32>, now: f64) -> Result<LineageGraph, String> {
    let (server, child) = (edge.server.clone(), edge.child.clone());
    let lineage = update(
        |lineage| {
            lineage.add(edge.clone());
            if let Some(copied) = copied {
                lineage.fork_at.insert(edge.child.clone(), copied);
                lineage.messages.entry(edge.child.clone()).or_insert(copied);
            }
        },
        now,
    )?;
    outbox::queue(&server, [child.as_str()]);
    Ok(lineage)
}

/// Adds the edges whose child has none yet (forks found by "Scan server", with what the scan
/// counted: messages shared with the source, messages of each session), queued for the server
/// like [`record`]'s. Returns the lineage now stored and how many were added.
pub fn record_found(found: &Outcome, now: f64) -> Result<(LineageGraph, usize), String> {
    let mut added = Vec::new();
    let mut lineage = load(now).lineage;
    for edge in &found.edges {
        if lineage.parent_of(&edge.child).is_none() {
            lineage.add(edge.clone());
            if let Some(&copied) = found.copied.get(&edge.child) {
                lineage.fork_at.insert(edge.child.clone(), copied);
            }
            added.push(edge);
        }
    }
    let known: std::collections::HashSet<String> =
        lineage.places().keys().map(|s| (*s).to_owned()).collect();
    for (session, &n) in &found.messages {
        if known.contains(session) {
            lineage.messages.insert(session.clone(), n);
        }
    }
    write(&mut lineage)?;
    let count = added.len();
    queue_edges(added);
    Ok((lineage, count))
}

/// Queues edges to be written to their servers.
fn queue_edges<'a>(edges: impl IntoIterator<Item = &'a Edge>) {
    let mut by_server: HashMap<&str, Vec<&str>> = HashMap::new();
    for edge in edges {
        by_server.entry(&edge.server).or_default().push(&edge.child);
    }
    for (server, children) in by_server {
        outbox::queue(server, children);
    }
}

/// Applies `change` to the stored lineage and writes it back, merging first.
pub fn update(change: impl Fn(&mut LineageGraph), now: f64) -> Result<LineageGraph, String> {
    let mut lineage = load(now).lineage;
    change(&mut lineage);
    write(&mut lineage)?;
    Ok(lineage)
}

/// The largest lineage file an import reads (5,000 forks take about 1 MB).
pub const MAX_IMPORT_BYTES: u64 = 5 * 1024 * 1024;
/// The most records one import takes.
pub const MAX_IMPORT_RECORDS: usize = 50_000;
/// No fork was made before this (2020-01-01, ms): an earlier time is not a real one.
const EARLIEST: f64 = 1_577_836_800_000.0;
/// How far ahead of this browser's clock an imported time may be (another machine's clock).
const CLOCK_SLACK_MS: f64 = 86_400_000.0;

/// Refuses a file too large to be a lineage before any of it is read (reading hundreds of MB
/// would take the tab down).
pub fn check_import_size(bytes: u64) -> Result<(), String> {
    if bytes <= MAX_IMPORT_BYTES {
        return Ok(());
    }
    Err(format!(
        "This file is {:.1} MB: a lineage file is at most {} MB (5,000 forks take about 1 MB), so it was not read.",
        bytes as f64 / 1_000_000.0,
        MAX_IMPORT_BYTES / (1024 * 1024)
    ))
}

/// Is this a time a fork could have been made at, as seen at `now`?
fn plausible_time(at: f64, now: f64) -> bool {
    at.is_finite() && at >= EARLIEST && at <= now.max(EARLIEST) + CLOCK_SLACK_MS
}

/// What is wrong with an imported edge, if anything: ids of the server's forms (a session
/// never its own source), an http(s) server or none, a plausible time.
fn invalid(edge: &Edge, now: f64) -> Option<&'static str> {
    use crate::api::ids::{is_message_id, is_session_id};
    if !is_session_id(&edge.child) || !is_session_id(&edge.parent) || edge.child == edge.parent {
        return Some("session ids");
    }
    if edge.anchor.as_deref().is_some_and(|a| !is_message_id(a)) {
        return Some("message id");
    }
    if !edge.server.is_empty() && crate::persist::settings::origin_of(&edge.server).is_none() {
        return Some("server");
    }
    if edge.directory.len() > 4096 {
        return Some("directory");
    }
    (!plausible_time(edge.created, now)).then_some("time")
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// The lineage now stored.
    pub lineage: LineageGraph,
    /// Forks the file brought that this browser did not know.
    pub added: usize,
    /// Records of the file left out: unreadable, or with invalid ids, servers or times.
    pub skipped: usize,
}

/// Merges a lineage exported from this or another browser into the stored one. Records that
/// cannot be read or are not valid are skipped and counted; a fork already known here keeps
/// the edge this browser has (an imported one never re-parents it). A file that is not a
/// lineage at all (or is from a newer Branchpoint, or holds too many records) is refused with
/// the reason, and nothing is changed.
pub fn import(raw: &str, now: f64) -> Result<Imported, String> {
    let not_lineage =
        |problem: String| format!("This file is not a Branchpoint lineage: {problem}.");
    let (mut incoming, mut skipped) = decode_with(raw, true).map_err(not_lineage)?;
    let records = incoming.edges.len() + incoming.deleted.len() + incoming.active.len();
    if records > MAX_IMPORT_RECORDS {
        return Err(not_lineage(format!(
            "{records} records, more than the {MAX_IMPORT_RECORDS} one import takes"
        )));
    }
    let before = incoming.edges.len() + incoming.deleted.len() + incoming.active.len();
    incoming.edges.retain(|edge| invalid(edge, now).is_none());
    incoming
        .deleted
        .retain(|id| crate::api::ids::is_session_id(id));
    incoming
        .active
        .retain(|id, at| crate::api::ids::is_session_id(id) && plausible_time(*at, now));
    incoming
        .notes
        .retain(|id, _| crate::api::ids::is_session_id(id));
    skipped += before - (incoming.edges.len() + incoming.deleted.len() + incoming.active.len());
    let mut lineage = load(now).lineage;
    let known: std::collections::HashSet<&str> =
        lineage.edges.iter().map(|e| e.child.as_str()).collect();
    incoming
        .edges
        .retain(|edge| !known.contains(edge.child.as_str()));
    let before = lineage.edges.len();
    lineage.merge(&incoming);
    let added = lineage.edges.len() - before;
    write(&mut lineage)?;
    // Not queued for the server here: a file names sessions of any server, most perhaps gone;
    // the next sessions list writes the records of those its server has.
    Ok(Imported {
        lineage,
        added,
        skipped,
    })
}

fn write(lineage: &mut LineageGraph) -> Result<(), String> {
    let mut last = String::new();
    for limit in [usize::MAX, 24, 0] {
        for edge in &mut lineage.edges {
            if edge.excerpt.chars().count() > limit {
                edge.excerpt = excerpt(&edge.excerpt, limit);
                if limit == 0 {
                    edge.excerpt.clear();
                }
            }
        }
        match room::set(KEY, &encode(lineage), Worth::Precious) {
            Ok(()) => return Ok(()),
            Err(problem) => last = problem,
        }
    }
    Err(format!(
        "The fork could not be recorded in this browser: {last}."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineage::graph::Note;
    use crate::lineage::ForkKind;

    const NOW: f64 = 1_700_000_000_000.0;

    fn edge(child: &str, parent: &str) -> Edge {
        Edge {
            role: None,
            excerpt: "an excerpt".into(),
            parent_title: "P".into(),
            child_title: "C".into(),
            server: "http://127.0.0.1:4096".into(),
            ..crate::lineage::graph::tests::edge(child, parent, Some("msg_1"), 1.0)
        }
    }

    /// An edge an import takes: ids of the server's forms, a time of this decade.
    fn valid(child: &str, parent: &str) -> Edge {
        Edge {
            anchor: Some("msg_anchor0001".into()),
            created: NOW - 5_000.0,
            ..edge(child, parent)
        }
    }

    #[test]
    fn round_trip_and_migration_from_schemas_0_and_1() {
        let mut lineage = LineageGraph::default();
        lineage.add(edge("ses_b", "ses_a"));
        let mut found = edge("ses_c", "ses_b");
        found.discovered = true;
        found.role = Some(crate::api::Role::Assistant);
        found.kind = ForkKind::Whole;
        found.anchor = None;
        found.parent_title = "C".into();
        found.child_title = "D".into();
        found.server = "http://elsewhere:4096".into();
        lineage.add(found);
        lineage.mark_deleted(["ses_a"]);
        lineage.set_active("ses_a", 1_700_000_000_123.4);
        lineage.set_active("ses_c", 1_700_000_000_999.0);
        let raw = encode(&lineage);
        assert!(raw.starts_with("{\"version\":3,"), "{raw}");
        assert!(raw.contains(r#"["ses_a","P","1700000000123"]"#), "{raw}");
        lineage.active.insert("ses_a".into(), 1_700_000_000_123.0);
        assert_eq!(decode(&raw).unwrap(), lineage);
        // A session with activity but no title keeps an empty title in its place.
        let mut untitled = edge("ses_x", "ses_w");
        untitled.parent_title.clear();
        let mut bare = LineageGraph::default();
        bare.add(untitled);
        bare.set_active("ses_w", 5.0);
        let raw = encode(&bare);
        assert!(raw.contains(r#"["ses_w","","5"]"#), "{raw}");
        assert_eq!(decode(&raw).unwrap(), bare);

        let v1 = r#"{"version":1,"edges":[{"child":"ses_b","parent":"ses_a","anchor":"msg_1",
            "excerpt":"an excerpt","kind":"through","created":1.0,"parent_title":"P",
            "child_title":"C","server":"http://127.0.0.1:4096","directory":""}]}"#;
        let migrated = decode(v1).unwrap();
        assert_eq!(migrated.edges, vec![edge("ses_b", "ses_a")]);
        let v0 = r#"[{"child":"ses_b","parent":"ses_a","anchor":"msg_1","excerpt":"an excerpt",
            "kind":"through","created":1.0,"parent_title":"P","child_title":"C",
            "server":"http://127.0.0.1:4096"}]"#;
        assert_eq!(decode(v0).unwrap(), migrated);
        assert_eq!(
            decode(&encode(&migrated)).unwrap(),
            migrated,
            "rewritten as schema 2"
        );
    }

    #[test]
    fn an_undo_edge_is_kind_u() {
        let mut lineage = LineageGraph::default();
        lineage.add(Edge {
            kind: ForkKind::Undo,
            ..edge("ses_kept", "ses_a")
        });
        let raw = encode(&lineage);
        assert!(raw.contains(r#""msg_1",null,"u","#), "{raw}");
        assert_eq!(decode(&raw).unwrap(), lineage);
        let written = r#"{"version":2,"places":[["s",""]],"sessions":[["ses_k","T — before undo"],["ses_a","T"]],"edges":[[0,1,"msg_1","u","u",5]]}"#;
        let read = decode(written).unwrap();
        assert_eq!(read.edges[0].kind, ForkKind::Undo);
        assert_eq!(read.edges[0].role, Some(crate::api::Role::User));
    }

    #[test]
    fn a_worktree_fork_keeps_its_worktree() {
        let mut lineage = LineageGraph::default();
        lineage.add(Edge {
            kind: ForkKind::Worktree,
            directory: "/data/worktree/p/brave-otter".into(),
            worktree: Some(WorktreeRef {
                name: "brave-otter".into(),
                branch: "opencode/brave-otter".into(),
            }),
            ..edge("ses_wt", "ses_a")
        });
        lineage.add(edge("ses_plain", "ses_a"));
        let raw = encode(&lineage);
        assert!(
            raw.contains(r#""k",1,"an excerpt",0,0,0,null,"brave-otter","opencode/brave-otter"]"#),
            "{raw}"
        );
        assert!(
            !raw.contains(r#"0,0,"",""#),
            "no empty worktree written: {raw}"
        );
        assert_eq!(decode(&raw).unwrap(), lineage);
    }

    #[test]
    fn labels_notes_counts_and_fork_rows_are_kept_and_schema_2_migrates() {
        // Schema 2, as the previous build wrote it.
        let v2 = r#"{"version":2,"places":[["http://127.0.0.1:4096",""]],
            "sessions":[["ses_b","C"],["ses_a","P","1700000000123"]],
            "edges":[[0,1,"msg_1","u","t",1,"an excerpt"]]}"#;
        let mut lineage = decode(v2).unwrap();
        assert_eq!(lineage.edges.len(), 1);
        assert!(lineage.notes.is_empty() && lineage.messages.is_empty());
        assert!(lineage.set_messages("ses_a", 12));
        assert!(lineage.set_messages("ses_b", 4));
        assert!(
            !lineage.set_messages("ses_zzz", 4),
            "only sessions of the lineage"
        );
        lineage.fork_at.insert("ses_b".into(), 0);
        let note = Note {
            label: "winner".into(),
            note: "the tests pass here\nand it is quick".into(),
            at: 1_700_000_100_000.0,
        };
        assert!(lineage.set_note("ses_b", note.clone()));
        let raw = encode(&lineage);
        assert!(raw.starts_with(r#"{"version":3,"#), "{raw}");
        assert!(raw.contains(r#"["ses_b","C","","4"]"#), "{raw}");
        assert!(
            raw.contains(r#"["ses_a","P","1700000000123","12"]"#),
            "{raw}"
        );
        assert!(
            raw.contains(r#""an excerpt",0,0,0,0]"#),
            "a fork row of 0 is kept: {raw}"
        );
        assert!(raw.contains(r#""notes":{"ses_b":["winner","#), "{raw}");
        assert_eq!(decode(&raw).unwrap(), lineage);

        // Merging: the newer note wins, an older one changes nothing, an empty newer one clears.
        let mut older = note.clone();
        older.label = "old".into();
        older.at -= 1.0;
        assert!(!lineage.set_note("ses_b", older));
        let cleared = Note {
            at: note.at + 1.0,
            ..Note::default()
        };
        let mut other = LineageGraph::default();
        other.notes.insert("ses_b".into(), cleared);
        lineage.merge(&other);
        assert_eq!(lineage.note_of("ses_b"), None);
        let back = decode(&encode(&lineage)).unwrap();
        assert_eq!(
            back.notes["ses_b"].at,
            note.at + 1.0,
            "the clearing is kept"
        );
        assert!(
            !back.clone().set_note("ses_b", note),
            "so the old label does not return"
        );
    }

    #[test]
    fn edges_from_the_server_and_disagreements_are_kept() {
        let mut lineage = LineageGraph::default();
        lineage.add(edge("ses_b", "ses_a"));
        lineage.add(edge("ses_c", "ses_a"));
        lineage.from_server.insert("ses_c".into());
        let theirs = edge("ses_b", "ses_x");
        lineage.conflicts.insert(
            "ses_b".into(),
            Conflict {
                edge: theirs,
                dismissed: true,
            },
        );
        let raw = encode(&lineage);
        assert!(
            raw.contains(r#""conflicts":[{"edge":{"child":"ses_b""#),
            "{raw}"
        );
        assert_eq!(decode(&raw).unwrap(), lineage);
        // A document without them (written before) reads as none.
        lineage.from_server.clear();
        lineage.conflicts.clear();
        let raw = encode(&lineage);
        assert!(!raw.contains("conflicts"), "{raw}");
        assert_eq!(decode(&raw).unwrap(), lineage);
    }

    #[test]
    fn schema_2_refuses_broken_edges_with_the_reason() {
        let two = r#""sessions":[["ses_b"],["ses_a","A"]]"#;
        for (edges, problem) in [
            ("[[0]]", "edge 1: no parent"),
            ("[[0,2]]", "edge 1: no parent"),
            ("[[7,1]]", "edge 1: no child"),
            (r#"[[0,1,null,"x","t",1]]"#, "unknown role"),
            (r#"[[0,1,null,null,"?",1]]"#, "unknown kind"),
            (r#"[[0,1,null,null,"t"]]"#, "no time"),
            ("[{}]", "not a list"),
        ] {
            let raw = format!(r#"{{"version":2,{two},"edges":{edges}}}"#);
            let error = decode(&raw).unwrap_err();
            assert!(error.contains(problem), "{raw}: {error}");
        }
        for (raw, problem) in [
            (
                r#"{"version":2,"sessions":[[]],"edges":[[0,0]]}"#,
                "no child",
            ),
            (
                r#"{"version":2,"sessions":{"a":1},"edges":[]}"#,
                "unreadable sessions",
            ),
            (
                r#"{"version":2,"places":7,"edges":[]}"#,
                "unreadable places",
            ),
            (r#"{"version":2}"#, "no edges"),
        ] {
            let error = decode(raw).unwrap_err();
            assert!(error.contains(problem), "{raw}: {error}");
        }
        // A place index that points nowhere is no reason to lose the edge.
        let raw = format!(r#"{{"version":2,{two},"edges":[[0,1,null,null,"w",5,"",7]]}}"#);
        let lineage = decode(&raw).unwrap();
        assert_eq!(lineage.edges[0].server, "");
        assert_eq!(lineage.edges[0].parent_title, "A");
    }

    #[test]
    fn stored_texts_are_capped() {
        let mut lineage = LineageGraph::default();
        let mut long = edge("ses_b", "ses_a");
        long.excerpt = "word ".repeat(100);
        long.child_title = "T".repeat(500);
        lineage.add(long);
        let back = decode(&encode(&lineage)).unwrap();
        let (excerpt, title) = (&back.edges[0].excerpt, &back.edges[0].child_title);
        assert!(excerpt.chars().count() <= EXCERPT_CHARS + 1 && excerpt.ends_with('…'));
        assert_eq!(title.chars().count(), TITLE_CHARS + 1);
    }

    #[test]
    fn refuses_garbage_and_newer_schemas() {
        assert!(decode("{not json").is_err());
        assert!(decode("42").is_err());
        assert!(decode(r#"{"version":1,"edges":[{"child":1}]}"#).is_err());
        assert!(decode(r#"{"version":99,"edges":[]}"#)
            .unwrap_err()
            .contains("newer"));
    }

    #[test]
    fn corrupted_storage_is_backed_up_not_lost() {
        storage::set(Area::Local, KEY, "{broken").unwrap();
        let loaded = load(NOW);
        assert!(loaded.lineage.edges.is_empty());
        let warning = loaded.warning.unwrap();
        assert!(warning.contains("could not be read"), "{warning}");
        let backup = warning
            .split('“')
            .nth(1)
            .unwrap()
            .split('”')
            .next()
            .unwrap()
            .to_owned();
        assert_eq!(
            storage::get(Area::Local, &backup).as_deref(),
            Some("{broken")
        );
        assert_eq!(storage::get(Area::Local, KEY), None);
    }

    #[test]
    fn record_merges_with_what_another_tab_wrote() {
        storage::remove(Area::Local, KEY);
        record(edge("ses_b", "ses_a"), NOW).unwrap();
        // Another tab writes its own edge directly.
        let mut theirs = load(NOW).lineage;
        theirs.add(edge("ses_c", "ses_a"));
        storage::set(Area::Local, KEY, &encode(&theirs)).unwrap();
        let mine = record(edge("ses_d", "ses_b"), NOW).unwrap();
        let children: Vec<&str> = mine.edges.iter().map(|e| e.child.as_str()).collect();
        assert_eq!(children, ["ses_b", "ses_c", "ses_d"]);
    }

    #[test]
    fn a_full_storage_trims_excerpts_before_edges() {
        storage::remove(Area::Local, KEY);
        let mut long = edge("ses_b", "ses_a");
        long.excerpt = "x".repeat(400);
        record(long, NOW).unwrap();
        // Only the lineage counts here, not the queue of what goes to the server.
        storage::remove(Area::Local, keys::LINEAGE_OUTBOX);
        let used = storage::get(Area::Local, KEY).unwrap().len();
        storage::set_quota(used + 50);
        let result = record(edge("ses_c", "ses_a"), NOW);
        storage::set_quota(usize::MAX);
        let lineage = result.expect("the edge still fits once excerpts are trimmed");
        assert_eq!(lineage.edges.len(), 2);
        let lengths: Vec<usize> = lineage
            .edges
            .iter()
            .map(|e| e.excerpt.chars().count())
            .collect();
        assert!(lengths.iter().all(|&n| n <= 25), "{lengths:?} used {used}");
        storage::set_quota(10);
        let full = record(edge("ses_d", "ses_a"), NOW);
        storage::set_quota(usize::MAX);
        assert!(full.unwrap_err().contains("could not be recorded"));
    }

    #[test]
    fn a_full_storage_drops_streamed_text_and_old_drafts_before_any_excerpt() {
        storage::remove(Area::Local, KEY);
        let mut long = edge("ses_b", "ses_a");
        long.excerpt = "x".repeat(60);
        record(long, NOW).unwrap();
        let streamed = keys::streamed("ses_a");
        storage::set(Area::Local, &streamed, &"s".repeat(2_000)).unwrap();
        crate::persist::drafts::keep_text("ses_a", &"d".repeat(2_000)).unwrap();
        let used: usize = storage::keys(Area::Local)
            .iter()
            .filter_map(|k| storage::get(Area::Local, k))
            .map(|v| v.len())
            .sum();
        storage::set_quota(used + 50);
        let result = record(edge("ses_c", "ses_a"), NOW);
        let draft_after_one = crate::persist::drafts::text("ses_a");
        let result_two = result.and_then(|_| record(edge("ses_d", "ses_a"), NOW).map(|_| ()));
        let excerpts: Vec<usize> = load(NOW)
            .lineage
            .edges
            .iter()
            .map(|e| e.excerpt.chars().count())
            .collect();
        storage::set_quota(usize::MAX);
        result_two.unwrap();
        assert_eq!(
            storage::get(Area::Local, &streamed),
            None,
            "streamed text went first"
        );
        assert_eq!(
            draft_after_one.len(),
            2_000,
            "the draft stayed while streamed text sufficed"
        );
        assert_eq!(
            excerpts.first(),
            Some(&60),
            "no excerpt was trimmed: {excerpts:?}"
        );
        crate::persist::drafts::clear("ses_a");
    }

    #[test]
    fn an_import_takes_only_valid_records_and_never_re_parents_a_known_fork() {
        storage::remove(Area::Local, KEY);
        let mut real = edge("ses_realchild1", "ses_realparent");
        real.created = NOW - 1_000.0;
        record(real, NOW).unwrap();
        let good = |child: &str| valid(child, "ses_realparent");
        let mut bad = Vec::new();
        let mut e = good("ses_fine0001");
        e.child = "not an id".into();
        bad.push(e);
        let mut e = good("ses_fine0002");
        e.parent = "../../etc".into();
        bad.push(e);
        let mut e = good("ses_fine0003");
        e.created = -1e308;
        bad.push(e);
        let mut e = good("ses_fine0004");
        e.created = NOW + 10.0 * CLOCK_SLACK_MS;
        bad.push(e);
        let mut e = good("ses_fine0005");
        e.server = "javascript:alert(1)".into();
        bad.push(e);
        let mut e = good("ses_fine0006");
        e.anchor = Some("<img>".into());
        bad.push(e);
        let mut e = good("ses_fine0007");
        e.parent = e.child.clone();
        bad.push(e);
        // The known fork, claimed by the file with an earlier time and another source.
        let mut hijack = edge("ses_realchild1", "ses_attacker01");
        hijack.created = EARLIEST;
        let mut file = LineageGraph::default();
        for e in bad.into_iter().chain([good("ses_newchild01"), hijack]) {
            file.edges.push(e);
        }
        file.active.insert("nope".into(), NOW);
        file.deleted.insert("ses_newchild01".into());
        let mut raw: Value = serde_json::from_str(&encode(&file)).unwrap();
        // And a row no schema reads.
        raw["edges"]
            .as_array_mut()
            .unwrap()
            .push(Value::from("junk"));
        let imported = import(&raw.to_string(), NOW).unwrap();
        assert_eq!(imported.added, 1);
        assert_eq!(
            imported.skipped, 9,
            "7 invalid edges, 1 unreadable row, 1 activity"
        );
        let lineage = load(NOW).lineage;
        assert_eq!(
            lineage.parent_of("ses_realchild1").unwrap().parent,
            "ses_realparent"
        );
        assert!(lineage.parent_of("ses_newchild01").is_some());
        assert!(lineage.is_deleted("ses_newchild01"));
        assert!(!lineage.active.contains_key("nope"));
    }

    #[test]
    fn an_oversized_file_is_refused_before_it_is_read() {
        assert!(check_import_size(MAX_IMPORT_BYTES).is_ok());
        let refused = check_import_size(300 * 1024 * 1024).unwrap_err();
        assert!(
            refused.contains("314.6 MB") && refused.contains("at most 5 MB"),
            "{refused}"
        );
    }

    #[test]
    fn import_merges_without_duplicates_and_refuses_bad_files() {
        storage::remove(Area::Local, KEY);
        record(valid("ses_bbbbbbbb", "ses_aaaaaaaa"), NOW).unwrap();
        let mut exported = load(NOW).lineage;
        exported.add(valid("ses_cccccccc", "ses_aaaaaaaa"));
        let imported = import(&encode(&exported), NOW).unwrap();
        assert_eq!((imported.lineage.edges.len(), imported.added), (2, 1));
        let again = import(&encode(&exported), NOW).unwrap();
        assert_eq!(again.added, 0, "importing twice adds nothing");
        let refused = import("{\"hello\": 1}", NOW).unwrap_err();
        assert!(
            refused.starts_with("This file is not a Branchpoint lineage"),
            "{refused}"
        );
        assert_eq!(
            load(NOW).lineage.edges.len(),
            2,
            "a refused file changes nothing"
        );
    }
}
