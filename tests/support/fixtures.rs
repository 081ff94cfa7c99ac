//! Test data shared by several test files: one way to make a lineage edge, so a new field of
//! `Edge` is defaulted in one place.

use branchpoint::api::Role;
use branchpoint::lineage::{Edge, ForkKind};

/// `child` forked from `parent` through a user message, at time 1, with titles and nothing
/// else; change what a test needs with `Edge { field, ..edge(…) }`.
pub fn edge(child: &str, parent: &str) -> Edge {
    Edge {
        child: child.into(),
        parent: parent.into(),
        anchor: None,
        role: Some(Role::User),
        excerpt: String::new(),
        kind: ForkKind::Through,
        created: 1.0,
        parent_title: format!("title {parent}"),
        child_title: format!("title {child}"),
        server: String::new(),
        directory: String::new(),
        discovered: false,
        worktree: None,
    }
}
