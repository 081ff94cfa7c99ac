//! Arranging the sessions list: newest first, search by title, subagent children nested under
//! the session that spawned them (their `parentID`; that is not a fork).

use std::collections::{HashMap, HashSet};

use crate::api::Session;
use crate::lineage::LineageGraph;

/// One line of the list: a session and how deep it is nested.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub session: Session,
    pub depth: usize,
}

/// Sessions whose title contains `query` (any case), newest first, each followed by its
/// matching subagent children — and, given a lineage, its forks. A child whose parent is
/// filtered out stands at the top level.
pub fn arrange(sessions: &[Session], query: &str, forks: Option<&LineageGraph>) -> Vec<Row> {
    let query = query.trim().to_lowercase();
    let shown: Vec<&Session> = sessions
        .iter()
        .filter(|s| query.is_empty() || s.title.to_lowercase().contains(&query))
        .collect();
    let ids: HashSet<&str> = shown.iter().map(|s| s.id.as_str()).collect();
    let mut children: HashMap<&str, Vec<&Session>> = HashMap::new();
    let mut roots = Vec::new();
    for session in &shown {
        let fork_parent = forks
            .and_then(|l| l.parent_of(&session.id))
            .map(|e| e.parent.as_str());
        match fork_parent
            .or(session.parent_id.as_deref())
            .filter(|p| ids.contains(p) && *p != session.id)
        {
            Some(parent) => children.entry(parent).or_default().push(session),
            None => roots.push(*session),
        }
    }
    let newest_first = |a: &&Session, b: &&Session| b.time.updated.total_cmp(&a.time.updated);
    roots.sort_by(newest_first);
    for list in children.values_mut() {
        list.sort_by(newest_first);
    }
    let mut rows = Vec::with_capacity(shown.len());
    let mut stack: Vec<(&Session, usize)> = roots.into_iter().rev().map(|s| (s, 0)).collect();
    let mut seen = HashSet::new();
    while let Some((session, depth)) = stack.pop() {
        if !seen.insert(session.id.as_str()) {
            continue; // a parent cycle in bad data: show each session once
        }
        rows.push(Row {
            session: session.clone(),
            depth,
        });
        if let Some(kids) = children.get(session.id.as_str()) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    // Sessions only reachable through a parent cycle (bad data) still get a line.
    for session in shown {
        if seen.insert(session.id.as_str()) {
            rows.push(Row {
                session: session.clone(),
                depth: 0,
            });
        }
    }
    rows
}

/// The worktree each of `sessions` lives in, by session id, when it lives in one: as its
/// lineage edge recorded it, or as the project lists its worktrees (`sandboxes`: the
/// directory's last part names it).
pub fn worktree_names(
    sessions: &[Session],
    sandboxes: &[String],
    lineage: &LineageGraph,
) -> HashMap<String, String> {
    sessions
        .iter()
        .filter_map(|s| {
            let recorded = lineage
                .parent_of(&s.id)
                .filter(|e| e.directory == s.directory)
                .and_then(|e| e.worktree.as_ref())
                .map(|w| w.name.clone());
            let listed = sandboxes
                .contains(&s.directory)
                .then(|| crate::text::last_segment(&s.directory).to_owned());
            Some((s.id.clone(), recorded.or(listed)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str, title: &str, updated: f64, parent: Option<&str>) -> Session {
        let mut s = Session {
            id: id.into(),
            title: title.into(),
            parent_id: parent.map(Into::into),
            ..Session::default()
        };
        s.time.updated = updated;
        s
    }

    fn ids(rows: &[Row]) -> Vec<(&str, usize)> {
        rows.iter()
            .map(|r| (r.session.id.as_str(), r.depth))
            .collect()
    }

    #[test]
    fn newest_first_with_children_nested() {
        let sessions = [
            session("a", "Alpha", 1.0, None),
            session("b", "Beta", 3.0, None),
            session("c", "Child of alpha", 5.0, Some("a")),
            session("d", "Older child", 2.0, Some("a")),
            session("e", "Grandchild", 0.0, Some("c")),
        ];
        assert_eq!(
            ids(&arrange(&sessions, "", None)),
            [("b", 0), ("a", 0), ("c", 1), ("e", 2), ("d", 1)]
        );
    }

    #[test]
    fn search_matches_titles_and_lifts_orphans() {
        let sessions = [
            session("a", "Alpha", 1.0, None),
            session("c", "alpha child", 5.0, Some("a")),
            session("x", "Other", 9.0, Some("a")),
        ];
        assert_eq!(
            ids(&arrange(&sessions, "ALPHA", None)),
            [("a", 0), ("c", 1)]
        );
        assert_eq!(ids(&arrange(&sessions, "other", None)), [("x", 0)]);
        assert!(arrange(&sessions, "nothing", None).is_empty());
    }

    #[test]
    fn forks_can_nest_under_their_source() {
        use crate::lineage::Edge;
        use crate::lineage::ForkKind;
        let sessions = [
            session("a", "Source", 1.0, None),
            session("f", "Fork", 5.0, None),
        ];
        let mut lineage = LineageGraph::default();
        lineage.add(Edge {
            role: None,
            kind: ForkKind::Whole,
            created: 5.0,
            parent_title: "Source".into(),
            child_title: "Fork".into(),
            ..crate::lineage::graph::tests::edge("f", "a", None, 5.0)
        });
        assert_eq!(ids(&arrange(&sessions, "", None)), [("f", 0), ("a", 0)]);
        assert_eq!(
            ids(&arrange(&sessions, "", Some(&lineage))),
            [("a", 0), ("f", 1)]
        );
    }

    #[test]
    fn parent_cycles_do_not_hang() {
        let sessions = [
            session("a", "A", 1.0, Some("b")),
            session("b", "B", 2.0, Some("a")),
        ];
        assert_eq!(arrange(&sessions, "", None).len(), 2);
    }

    #[test]
    fn sessions_in_worktrees_are_named_after_them() {
        let session = |id: &str, directory: &str| Session {
            id: id.into(),
            directory: directory.into(),
            ..Session::default()
        };
        let sessions = [
            session("ses_a", "/p"),
            session("ses_b", "/data/worktree/x/brave-otter"),
            session("ses_c", "/data/worktree/x/calm-moon"),
        ];
        let mut lineage = LineageGraph::default();
        lineage.add(crate::lineage::Edge {
            directory: "/data/worktree/x/calm-moon".into(),
            worktree: Some(crate::lineage::WorktreeRef {
                name: "calm-moon".into(),
                branch: "opencode/calm-moon".into(),
            }),
            ..crate::lineage::graph::tests::edge("ses_c", "ses_a", None, 1.0)
        });
        let names = worktree_names(
            &sessions,
            &["/data/worktree/x/brave-otter/"
                .trim_end_matches('/')
                .to_owned()],
            &lineage,
        );
        assert_eq!(names.len(), 2);
        assert_eq!(names["ses_b"], "brave-otter");
        assert_eq!(names["ses_c"], "calm-moon");
    }
}
