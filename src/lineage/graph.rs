//! The fork lineage as a graph of edges (child forked from parent at an anchor message):
//! parents, children, siblings and roots. Pure data, no storage.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::api::Role;
use crate::fork::ForkKind;

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
}

impl Edge {
    /// Do two edges leave their parent at the same point (same anchor and kind)?
    pub fn same_point(&self, other: &Edge) -> bool {
        self.parent == other.parent && self.anchor == other.anchor && self.kind == other.kind
    }
}

/// Every known fork edge.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lineage {
    pub edges: Vec<Edge>,
}

impl Lineage {
    /// Adds an edge, replacing any earlier edge for the same child (a session has one source).
    pub fn add(&mut self, edge: Edge) {
        self.edges.retain(|e| e.child != edge.child);
        self.edges.push(edge);
    }

    /// Merges another lineage in: every child keeps one edge, the earliest recorded.
    pub fn merge(&mut self, other: &Lineage) {
        for edge in &other.edges {
            match self.edges.iter_mut().find(|e| e.child == edge.child) {
                Some(mine) if edge.created < mine.created => *mine = edge.clone(),
                Some(_) => {}
                None => self.edges.push(edge.clone()),
            }
        }
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

    /// The root of the tree `session` belongs to (itself when it is not a fork). In a cycle
    /// (bad data: an import can hold one), the first session met twice.
    pub fn root_of<'a>(&'a self, session: &'a str) -> &'a str {
        let mut current = session;
        let mut seen = HashSet::new();
        while seen.insert(current) {
            match self.parent_of(current) {
                Some(edge) => current = &edge.parent,
                None => break,
            }
        }
        current
    }

    /// The root of every session that has an edge, found in one pass over the edges (memoised
    /// walks up), so a lineage of thousands of forks still shows at once.
    fn root_index(&self) -> HashMap<&str, &str> {
        let mut parent: HashMap<&str, &str> = HashMap::new();
        for edge in &self.edges {
            parent.entry(&edge.child).or_insert(&edge.parent);
        }
        let mut roots: HashMap<&str, &str> = HashMap::new();
        for edge in &self.edges {
            let mut path = Vec::new();
            let mut seen = HashSet::new();
            let mut current = edge.child.as_str();
            let root = loop {
                if let Some(root) = roots.get(current) {
                    break *root;
                }
                if !seen.insert(current) {
                    break current;
                }
                path.push(current);
                match parent.get(current) {
                    Some(up) => current = up,
                    None => break current,
                }
            };
            for session in path {
                roots.insert(session, root);
            }
        }
        roots
    }

    /// Sessions that have forks but are no fork themselves.
    pub fn roots(&self) -> Vec<&str> {
        let index = self.root_index();
        let mut roots: Vec<&str> = Vec::new();
        let mut listed = HashSet::new();
        for edge in &self.edges {
            let root = index
                .get(edge.child.as_str())
                .copied()
                .unwrap_or(&edge.child);
            if listed.insert(root) {
                roots.push(root);
            }
        }
        roots
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
        }
    }

    fn tree() -> Lineage {
        let mut lineage = Lineage::default();
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

        let mut other = Lineage::default();
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
        let mut cycle = Lineage::default();
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
    /// `None` for a root.
    pub edge: Option<Edge>,
}

impl Lineage {
    /// Every fork tree, roots with their descendants in depth-first order. Trees with the most
    /// recent fork come first; siblings oldest first, as they were made.
    pub fn trees(&self) -> Vec<TreeRow> {
        let index = self.root_index();
        let mut latest: HashMap<&str, f64> = HashMap::new();
        let mut children: HashMap<&str, Vec<&Edge>> = HashMap::new();
        let mut titles: HashMap<&str, &str> = HashMap::new();
        for edge in &self.edges {
            let root = index
                .get(edge.child.as_str())
                .copied()
                .unwrap_or(&edge.child);
            let newest = latest.entry(root).or_insert(0.0);
            *newest = newest.max(edge.created);
            children.entry(&edge.parent).or_default().push(edge);
            titles.entry(&edge.parent).or_insert(&edge.parent_title);
        }
        for list in children.values_mut() {
            list.sort_by(|a, b| a.created.total_cmp(&b.created));
        }
        let mut roots = self.roots();
        let newest = |root: &str| latest.get(root).copied().unwrap_or(0.0);
        roots.sort_by(|a, b| newest(b).total_cmp(&newest(a)));
        let mut rows = Vec::new();
        let mut seen = HashSet::new();
        for root in roots {
            let title = titles.get(root).map(|t| t.to_string()).unwrap_or_default();
            let mut stack = vec![(root.to_owned(), title, 0usize, None::<Edge>)];
            while let Some((session, title, depth, edge)) = stack.pop() {
                if !seen.insert(session.clone()) {
                    continue;
                }
                for child in children.get(session.as_str()).into_iter().flatten().rev() {
                    stack.push((
                        child.child.clone(),
                        child.child_title.clone(),
                        depth + 1,
                        Some((*child).clone()),
                    ));
                }
                rows.push(TreeRow {
                    session,
                    title,
                    depth,
                    edge,
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
        let mut lineage = Lineage::default();
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
    }
}
