//! The fork lineage as a graph of edges (child forked from parent at an anchor message):
//! parents, children, siblings and roots. Pure data, no storage.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::api::Role;

/// The kind of a fork, as the lineage records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ForkKind {
    Through,
    Before,
    Whole,
    /// The whole session, kept before OpenCode's undo took back the anchor message and what
    /// followed it (the next prompt deletes those from the session; the branch keeps them).
    Undo,
    /// Through the anchor's turn, into a git worktree of its own holding the code as the
    /// session left it there (the edge's `worktree` names it, `directory` is where it is).
    Worktree,
}

impl ForkKind {
    /// The kind in a word, the same on the map and in the list.
    pub fn label(self) -> &'static str {
        match self {
            ForkKind::Through => "fork",
            ForkKind::Before => "edit and resend",
            ForkKind::Whole => "whole copy",
            ForkKind::Undo => "undo kept",
            ForkKind::Worktree => "worktree",
        }
    }
}

/// One fork: `child` was made from `parent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub child: String,
    pub parent: String,
    /// The message the fork was made at (the one clicked), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// A short excerpt of the anchor message.
    #[serde(default)]
    pub excerpt: String,
    pub kind: ForkKind,
    /// When the fork was made, in milliseconds since the epoch.
    pub created: f64,
    #[serde(default)]
    pub parent_title: String,
    #[serde(default)]
    pub child_title: String,
    #[serde(default)]
    pub server: String,
    #[serde(default)]
    pub directory: String,
    /// Found by "Scan server" (a fork made elsewhere), not recorded when it was made.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub discovered: bool,
    /// The git worktree a [`ForkKind::Worktree`] fork lives in (its directory is `directory`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worktree: Option<WorktreeRef>,
}

/// A fork's git worktree, as recorded: its name and its branch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorktreeRef {
    pub name: String,
    #[serde(default)]
    pub branch: String,
}

impl Edge {
    /// Do two edges leave their parent at the same point (same anchor and kind)?
    pub fn same_point(&self, other: &Edge) -> bool {
        self.parent == other.parent && self.anchor == other.anchor && self.kind == other.kind
    }
}

/// Every known fork edge, and the sessions known to be deleted on their server (they stay in
/// the tree, marked, instead of silently dropping out of it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineageGraph {
    pub edges: Vec<Edge>,
    pub deleted: BTreeSet<String>,
    /// When sessions were last active on their server (`time.updated`, ms), as last seen:
    /// trees with the most recent activity come first, offline too. (The server's clock, where
    /// an edge's `created` is this browser's: a server whose clock is off orders by that much.)
    pub active: HashMap<String, f64>,
    /// Forks whose edge was read from their session's metadata on the server (recorded by
    /// another browser), not recorded here (see `lineage::remote`).
    pub from_server: BTreeSet<String>,
    /// Forks the server's metadata records differently from this browser, by child: kept
    /// until the user chooses one (see `lineage::remote`).
    pub conflicts: BTreeMap<String, Conflict>,
    /// How many messages sessions had when last seen (the length of their lane on the map).
    pub messages: HashMap<String, u32>,
    /// How many of its source's messages a fork copied, by child: where it leaves its
    /// source's lane on the map. Unknown for forks recorded before it was kept.
    pub fork_at: HashMap<String, u32>,
    /// The labels and notes people gave sessions, by session.
    pub notes: BTreeMap<String, Note>,
}

/// A session's label (a short word: "winner", "dead end") and note (a few lines).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Note {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub note: String,
    /// When it was last changed (ms): the newer of two versions wins a merge.
    #[serde(default)]
    pub at: f64,
}

impl Note {
    /// Neither a label nor a note.
    pub fn is_empty(&self) -> bool {
        self.label.is_empty() && self.note.is_empty()
    }
}

/// A fork the server's metadata records differently from this browser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// The edge as the server's metadata has it.
    pub edge: Edge,
    /// The user kept this browser's record (while nothing is written to the server, the
    /// server's stays different; it is not asked about again until it changes).
    #[serde(default)]
    pub dismissed: bool,
}

impl LineageGraph {
    /// Adds an edge, replacing any earlier edge for the same child (a session has one source).
    /// It counts as recorded here, not read from the server.
    pub fn add(&mut self, edge: Edge) {
        self.edges.retain(|e| e.child != edge.child);
        self.from_server.remove(&edge.child);
        self.edges.push(edge);
    }

    /// Merges another lineage in: every child keeps one edge, the earliest recorded; a session
    /// deleted in either stays deleted.
    pub fn merge(&mut self, other: &LineageGraph) {
        let mut index: HashMap<String, usize> = self
            .edges
            .iter()
            .enumerate()
            .map(|(i, e)| (e.child.clone(), i))
            .collect();
        for edge in &other.edges {
            let taken = match index.get(&edge.child) {
                Some(&i) if edge.created < self.edges[i].created => {
                    self.edges[i] = edge.clone();
                    true
                }
                Some(_) => false,
                None => {
                    index.insert(edge.child.clone(), self.edges.len());
                    self.edges.push(edge.clone());
                    true
                }
            };
            // Where the edge came from travels with it.
            if taken && other.from_server.contains(&edge.child) {
                self.from_server.insert(edge.child.clone());
            } else if taken {
                self.from_server.remove(&edge.child);
            }
        }
        for (child, conflict) in &other.conflicts {
            self.conflicts
                .entry(child.clone())
                .or_insert_with(|| conflict.clone());
        }
        for (session, &n) in &other.messages {
            self.messages.entry(session.clone()).or_insert(n);
        }
        for (child, &at) in &other.fork_at {
            self.fork_at.entry(child.clone()).or_insert(at);
        }
        for (session, note) in &other.notes {
            self.set_note(session, note.clone());
        }
        self.deleted.extend(other.deleted.iter().cloned());
        for (session, &at) in &other.active {
            self.set_active(session, at);
        }
    }

    /// Records that `session` was active at `at` (ms), unless a later time is known. Returns
    /// whether anything changed.
    pub fn set_active(&mut self, session: &str, at: f64) -> bool {
        match self.active.get_mut(session) {
            Some(known) if *known >= at => false,
            Some(known) => {
                *known = at;
                true
            }
            None => {
                self.active.insert(session.to_owned(), at);
                true
            }
        }
    }

    /// Keeps `note` for `session` unless a newer one is known (an empty one, newer, clears
    /// it: a label taken away stays away). Returns whether anything changed.
    pub fn set_note(&mut self, session: &str, note: Note) -> bool {
        match self.notes.get(session) {
            Some(known) if known.at >= note.at => false,
            None if note.is_empty() => false,
            _ => {
                self.notes.insert(session.to_owned(), note);
                true
            }
        }
    }

    /// The label and note of `session`, if it has either.
    pub fn note_of(&self, session: &str) -> Option<&Note> {
        self.notes.get(session).filter(|n| !n.is_empty())
    }

    /// Every label in use, most used first (then alphabetically): what a new one is chosen
    /// from.
    pub fn labels(&self) -> Vec<String> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for note in self.notes.values().filter(|n| !n.label.is_empty()) {
            *counts.entry(note.label.as_str()).or_default() += 1;
        }
        let mut labels: Vec<(&str, usize)> = counts.into_iter().collect();
        labels.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        labels.into_iter().map(|(l, _)| l.to_owned()).collect()
    }

    /// Records how many messages `session` has, if the lineage knows it and the count is new.
    /// Returns whether anything changed.
    pub fn set_messages(&mut self, session: &str, n: u32) -> bool {
        if self.messages.get(session) == Some(&n) || !self.mentions(session) {
            return false;
        }
        self.messages.insert(session.to_owned(), n);
        true
    }

    /// Marks sessions as deleted on their server. Returns whether anything changed.
    pub fn mark_deleted<'a>(&mut self, sessions: impl IntoIterator<Item = &'a str>) -> bool {
        let mut changed = false;
        for session in sessions {
            changed |= self.deleted.insert(session.to_owned());
        }
        changed
    }

    /// Is `session` known to be deleted on its server?
    pub fn is_deleted(&self, session: &str) -> bool {
        self.deleted.contains(session)
    }

    /// Every session the lineage mentions, with the server and directory it lives in (taken
    /// from the edges that mention it).
    pub fn places(&self) -> HashMap<&str, (&str, &str)> {
        let mut places = HashMap::new();
        for edge in &self.edges {
            let place = (edge.server.as_str(), edge.directory.as_str());
            places.insert(edge.child.as_str(), place);
            places.entry(edge.parent.as_str()).or_insert(place);
        }
        places
    }

    /// The edge that made `session`, if it is a known fork.
    pub fn parent_of(&self, session: &str) -> Option<&Edge> {
        self.edges.iter().find(|e| e.child == session)
    }

    /// The forks made from `session`, oldest first.
    pub fn children(&self, session: &str) -> Vec<&Edge> {
        let mut children: Vec<&Edge> = self.edges.iter().filter(|e| e.parent == session).collect();
        children.sort_by(|a, b| a.created.total_cmp(&b.created));
        children
    }

    /// The forks made from the same parent at the same point as `session`, itself included,
    /// oldest first. Empty when `session` is not a known fork.
    pub fn siblings(&self, session: &str) -> Vec<&Edge> {
        let Some(edge) = self.parent_of(session) else {
            return Vec::new();
        };
        let mut siblings: Vec<&Edge> = self.edges.iter().filter(|e| e.same_point(edge)).collect();
        siblings.sort_by(|a, b| a.created.total_cmp(&b.created));
        siblings
    }

    /// The root of the tree `session` belongs to (itself when it is not a fork).
    pub fn root_of<'a>(&'a self, session: &'a str) -> &'a str {
        let mut current = session;
        for _ in 0..self.edges.len() {
            match self.parent_of(current) {
                Some(edge) => current = &edge.parent,
                None => break,
            }
        }
        current
    }

    /// Sessions that have forks but are no fork themselves, in the order their trees first
    /// appear among the edges.
    pub fn roots(&self) -> Vec<&str> {
        self.root_index().1
    }

    /// Every session's root, each session walked up once (thousands of edges lay out at once),
    /// and the roots in the order their trees first appear among the edges. A cycle (only
    /// possible from a hand-edited file) ends where it would repeat.
    fn root_index(&self) -> (HashMap<&str, &str>, Vec<&str>) {
        let by_child: HashMap<&str, &Edge> =
            self.edges.iter().map(|e| (e.child.as_str(), e)).collect();
        let mut root_of: HashMap<&str, &str> = HashMap::new();
        let mut order: Vec<&str> = Vec::new();
        for edge in &self.edges {
            let mut path = vec![edge.child.as_str()];
            let mut on_path = HashSet::from([edge.child.as_str()]);
            let mut current = edge.child.as_str();
            let root = loop {
                if let Some(root) = root_of.get(current) {
                    break *root;
                }
                match by_child.get(current) {
                    Some(up) if on_path.insert(up.parent.as_str()) => {
                        current = up.parent.as_str();
                        path.push(current);
                    }
                    _ => break current,
                }
            };
            // A root met for the first time is not in the index yet (a known one ends the walk).
            if !root_of.contains_key(root) {
                order.push(root);
            }
            for session in path {
                root_of.insert(session, root);
            }
        }
        (root_of, order)
    }

    /// Does the lineage mention `session`, as a fork or as a source?
    pub fn mentions(&self, session: &str) -> bool {
        self.edges
            .iter()
            .any(|e| e.child == session || e.parent == session)
    }

    /// Records a session's new title wherever the lineage mentions it.
    pub fn set_title(&mut self, session: &str, title: &str) -> bool {
        let mut changed = false;
        for edge in &mut self.edges {
            if edge.child == session && edge.child_title != title {
                edge.child_title = title.to_owned();
                changed = true;
            }
            if edge.parent == session && edge.parent_title != title {
                edge.parent_title = title.to_owned();
                changed = true;
            }
        }
        changed
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn edge(child: &str, parent: &str, anchor: Option<&str>, created: f64) -> Edge {
        Edge {
            child: child.into(),
            parent: parent.into(),
            anchor: anchor.map(Into::into),
            role: Some(Role::User),
            excerpt: String::new(),
            kind: ForkKind::Through,
            created,
            parent_title: format!("title {parent}"),
            child_title: format!("title {child}"),
            server: String::new(),
            directory: String::new(),
            discovered: false,
            worktree: None,
        }
    }

    fn tree() -> LineageGraph {
        let mut lineage = LineageGraph::default();
        lineage.add(edge("b", "a", Some("m1"), 2.0));
        lineage.add(edge("c", "a", Some("m1"), 1.0));
        lineage.add(edge("d", "a", Some("m2"), 3.0));
        lineage.add(edge("e", "b", None, 4.0));
        lineage.add(edge("y", "x", None, 5.0));
        lineage
    }

    fn children(edges: Vec<&Edge>) -> Vec<&str> {
        edges.into_iter().map(|e| e.child.as_str()).collect()
    }

    #[test]
    fn parents_children_siblings_roots() {
        let lineage = tree();
        assert_eq!(lineage.parent_of("e").map(|e| e.parent.as_str()), Some("b"));
        assert_eq!(lineage.parent_of("a"), None);
        assert_eq!(children(lineage.children("a")), ["c", "b", "d"]);
        assert_eq!(
            children(lineage.siblings("b")),
            ["c", "b"],
            "same parent and fork point"
        );
        assert_eq!(children(lineage.siblings("d")), ["d"]);
        assert!(lineage.siblings("a").is_empty());
        assert_eq!(lineage.root_of("e"), "a");
        assert_eq!(lineage.roots(), ["a", "x"]);
    }

    #[test]
    fn add_replaces_and_merge_keeps_the_earliest() {
        let mut lineage = tree();
        lineage.add(edge("b", "x", None, 9.0));
        assert_eq!(lineage.parent_of("b").unwrap().parent, "x");
        assert_eq!(lineage.edges.len(), 5);

        let mut other = LineageGraph::default();
        other.add(edge("b", "a", Some("m1"), 2.0));
        other.add(edge("z", "a", None, 7.0));
        lineage.merge(&other);
        assert_eq!(
            lineage.parent_of("b").unwrap().parent,
            "a",
            "earliest record wins"
        );
        assert!(lineage.parent_of("z").is_some());
        assert_eq!(lineage.edges.len(), 6);
    }

    #[test]
    fn titles_follow_renames_and_cycles_end() {
        let mut lineage = tree();
        assert!(lineage.set_title("b", "New"));
        assert_eq!(lineage.parent_of("b").unwrap().child_title, "New");
        assert_eq!(lineage.parent_of("e").unwrap().parent_title, "New");
        assert!(!lineage.set_title("b", "New"));
        let mut cycle = LineageGraph::default();
        cycle.add(edge("p", "q", None, 1.0));
        cycle.add(edge("q", "p", None, 2.0));
        let _ = cycle.root_of("p"); // terminates
    }
}

/// One line of the lineage view: a session, how deep it sits, and the edge that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeRow {
    pub session: String,
    pub title: String,
    pub depth: usize,
    /// The root of this row's tree (itself for a root).
    pub root: String,
    /// Deleted on its server; kept in the tree, marked.
    pub deleted: bool,
    /// `None` for a root.
    pub edge: Option<Edge>,
    /// The edge was read from the server's metadata (recorded by another browser).
    pub from_server: bool,
    /// The server's metadata records this fork differently, and the user has not chosen.
    pub disputed: bool,
}

impl LineageGraph {
    /// Every fork tree, roots with their descendants in depth-first order. Trees with the most
    /// recent activity come first (a fork, or a session's last update as last seen); siblings
    /// oldest first, as they were made. Linear in the number of edges (plus the sorts), so
    /// thousands of forks lay out at once.
    pub fn trees(&self) -> Vec<TreeRow> {
        let mut children: HashMap<&str, Vec<&Edge>> = HashMap::new();
        for edge in &self.edges {
            children.entry(edge.parent.as_str()).or_default().push(edge);
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| a.created.total_cmp(&b.created));
        }
        // Each tree's latest activity puts it in order: its newest fork, or the last update
        // seen of any of its sessions.
        let (root_of, mut order) = self.root_index();
        let active = |session: &str| self.active.get(session).copied().unwrap_or(f64::MIN);
        let mut latest: HashMap<&str, f64> = HashMap::new();
        for edge in &self.edges {
            let root = root_of
                .get(edge.child.as_str())
                .copied()
                .unwrap_or(&edge.child);
            let newest = latest.entry(root).or_insert(f64::MIN);
            *newest = newest
                .max(edge.created)
                .max(active(&edge.child))
                .max(active(&edge.parent));
        }
        let latest_of = |root: &str| latest.get(root).copied().unwrap_or(f64::MIN);
        order.sort_by(|a, b| latest_of(b).total_cmp(&latest_of(a)));
        let mut rows = Vec::with_capacity(self.edges.len() + order.len());
        let mut seen = HashSet::new();
        for root in order {
            let title = children
                .get(root)
                .and_then(|c| c.first())
                .map(|e| e.parent_title.clone())
                .unwrap_or_default();
            let mut stack = vec![(root, title, 0usize, None::<&Edge>)];
            while let Some((session, title, depth, edge)) = stack.pop() {
                if !seen.insert(session) {
                    continue;
                }
                for child in children.get(session).into_iter().flatten().rev() {
                    stack.push((
                        &child.child,
                        child.child_title.clone(),
                        depth + 1,
                        Some(child),
                    ));
                }
                rows.push(TreeRow {
                    session: session.to_owned(),
                    title,
                    depth,
                    root: root.to_owned(),
                    deleted: self.is_deleted(session),
                    edge: edge.cloned(),
                    from_server: self.from_server.contains(session),
                    disputed: self.open_conflict(session).is_some(),
                });
            }
        }
        rows
    }
}

#[cfg(test)]
mod tree_tests {
    use super::tests::edge;
    use super::*;

    #[test]
    fn trees_put_the_most_recent_first_and_nest_forks() {
        let mut lineage = LineageGraph::default();
        lineage.add(edge("b", "a", Some("m1"), 2.0));
        lineage.add(edge("c", "a", Some("m1"), 1.0));
        lineage.add(edge("e", "b", None, 4.0));
        lineage.add(edge("y", "x", None, 9.0));
        let rows: Vec<(String, usize)> = lineage
            .trees()
            .iter()
            .map(|r| (r.session.clone(), r.depth))
            .collect();
        let expected: Vec<(String, usize)> =
            [("x", 0), ("y", 1), ("a", 0), ("c", 1), ("b", 1), ("e", 2)]
                .iter()
                .map(|(s, d)| (s.to_string(), *d))
                .collect();
        assert_eq!(rows, expected);
        assert_eq!(lineage.trees()[2].title, "title a");
        assert!(lineage.trees()[2].edge.is_none());

        // Activity counts as much as forking: the session e, deep in a's tree, was just updated.
        assert!(lineage.set_active("e", 20.0));
        assert!(
            !lineage.set_active("e", 15.0),
            "an older time changes nothing"
        );
        let roots: Vec<String> = lineage
            .trees()
            .into_iter()
            .filter(|r| r.depth == 0)
            .map(|r| r.session)
            .collect();
        assert_eq!(roots, ["a", "x"]);
        // A merge keeps the latest activity seen on either side.
        let mut other = LineageGraph::default();
        other.set_active("e", 30.0);
        other.set_active("x", 25.0);
        lineage.merge(&other);
        assert_eq!(lineage.active["e"], 30.0);
        assert_eq!(lineage.active["x"], 25.0);
    }

    #[test]
    fn deleted_sessions_stay_in_the_tree_marked_and_survive_a_merge() {
        let mut lineage = LineageGraph::default();
        lineage.add(edge("b", "a", Some("m1"), 2.0));
        lineage.add(edge("c", "b", None, 3.0));
        assert!(lineage.mark_deleted(["b"]));
        assert!(!lineage.mark_deleted(["b"]), "already marked");
        let rows = lineage.trees();
        let marks: Vec<(&str, bool, &str)> = rows
            .iter()
            .map(|r| (r.session.as_str(), r.deleted, r.root.as_str()))
            .collect();
        assert_eq!(
            marks,
            [("a", false, "a"), ("b", true, "a"), ("c", false, "a")]
        );
        let mut other = LineageGraph::default();
        other.merge(&lineage);
        assert!(other.is_deleted("b") && !other.is_deleted("c"));
    }

    #[test]
    fn a_cycle_from_a_hand_edited_file_still_lays_out() {
        let mut lineage = LineageGraph::default();
        lineage.add(edge("p", "q", None, 1.0));
        lineage.add(edge("q", "p", None, 2.0));
        lineage.add(edge("r", "q", None, 3.0));
        let rows = lineage.trees();
        let mut sessions: Vec<&str> = rows.iter().map(|r| r.session.as_str()).collect();
        sessions.sort();
        assert_eq!(sessions, ["p", "q", "r"], "each once");
    }

    #[test]
    fn thousands_of_forks_lay_out_in_order() {
        let mut lineage = LineageGraph::default();
        for i in 0..5000 {
            let parent = if i % 10 == 0 {
                format!("root{}", i / 10)
            } else {
                format!("s{}", i - 1)
            };
            lineage
                .edges
                .push(edge(&format!("s{i}"), &parent, None, f64::from(i)));
        }
        let rows = lineage.trees();
        assert_eq!(rows.len(), 5500);
        assert_eq!(
            rows[0].session, "root499",
            "the tree with the latest fork first"
        );
        assert_eq!(rows[10].depth, 10);
    }
}
