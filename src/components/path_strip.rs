//! The path strip under a session's header: root → … → this session, each step a link, with
//! ‹ n / m › at each fork point where siblings were made there too.

use dioxus::prelude::*;

use crate::lineage::LineageGraph;
use crate::route::Route;
use crate::state::use_lineage;
use crate::text::display_title;

/// Past this many steps, the middle of the path folds into "…" (a button unfolds it).
const FOLD_PAST: usize = 5;

/// One step of a path: a session, and its place among the forks made at the same point.
#[derive(Debug, Clone, PartialEq)]
pub struct PathStep {
    pub session: String,
    pub title: String,
    pub label: String,
    /// (position from 1, count, previous sibling, next sibling) where siblings exist.
    pub siblings: Option<(usize, usize, Option<String>, Option<String>)>,
}

/// The path from `session`'s root down to it; empty when it is in no tree. A cycle (a
/// hand-edited file) ends where it would repeat.
pub fn path_to(lineage: &LineageGraph, session: &str) -> Vec<PathStep> {
    let mut chain = vec![session.to_owned()];
    let mut current = session;
    while let Some(edge) = lineage.parent_of(current) {
        if chain.contains(&edge.parent) || chain.len() > lineage.edges.len() {
            break;
        }
        chain.push(edge.parent.clone());
        current = &edge.parent;
    }
    if chain.len() == 1 {
        return Vec::new();
    }
    chain.reverse();
    chain
        .into_iter()
        .map(|id| {
            let title = lineage
                .parent_of(&id)
                .map(|e| e.child_title.clone())
                .or_else(|| lineage.title_of(&id))
                .unwrap_or_default();
            let siblings = lineage.siblings(&id);
            let at = siblings.iter().position(|e| e.child == id);
            let siblings = at.filter(|_| siblings.len() > 1).map(|k| {
                let near =
                    |i: Option<usize>| i.and_then(|i| siblings.get(i)).map(|e| e.child.clone());
                (
                    k + 1,
                    siblings.len(),
                    near(k.checked_sub(1)),
                    near(Some(k + 1)),
                )
            });
            let label = lineage
                .note_of(&id)
                .map(|n| n.label.clone())
                .unwrap_or_default();
            PathStep {
                session: id,
                title,
                label,
                siblings,
            }
        })
        .collect()
}

/// The path strip for `session_id` (nothing when it is in no tree).
#[component]
pub fn PathStrip(session_id: String) -> Element {
    let lineage = use_lineage().0;
    let mut unfolded = use_signal(|| false);
    let steps = path_to(&lineage.read(), &session_id);
    if steps.is_empty() {
        return rsx! {};
    }
    let fold = steps.len() > FOLD_PAST && !unfolded();
    let last = steps.len() - 1;
    rsx! {
        nav { class: "path-strip", aria_label: "Where this session is in its tree",
            ol {
                for (k, step) in steps.iter().enumerate() {
                    if fold && k == 1 {
                        li { key: "{k}-fold",
                            button {
                                r#type: "button",
                                class: "link-button",
                                aria_label: "Show the {last - 2} steps between",
                                onclick: move |_| unfolded.set(true),
                                "…"
                            }
                        }
                    }
                    if !fold || k == 0 || k + 2 > last {
                        li { key: "{step.session}",
                            if k == last {
                                span { class: "here", aria_current: "page", "{display_title(&step.title)}" }
                            } else {
                                Link { to: Route::Session { id: step.session.clone() }, "{display_title(&step.title)}" }
                            }
                            if !step.label.is_empty() {
                                span { class: "badge label", "{step.label}" }
                            }
                            if let Some((at, of, previous, next)) = step.siblings.clone() {
                                span { class: "path-siblings",
                                    if let Some(previous) = previous {
                                        Link { to: Route::Session { id: previous }, aria_label: "Previous fork made at this point", "‹" }
                                    } else {
                                        span { class: "disabled", aria_hidden: "true", "‹" }
                                    }
                                    span { aria_label: "fork {at} of {of} made at this point", "{at} / {of}" }
                                    if let Some(next) = next {
                                        Link { to: Route::Session { id: next }, aria_label: "Next fork made at this point", "›" }
                                    } else {
                                        span { class: "disabled", aria_hidden: "true", "›" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineage::graph::tests::edge;

    #[test]
    fn the_path_runs_from_the_root_with_siblings_counted() {
        let mut l = LineageGraph::default();
        l.add(edge("b", "a", Some("m1"), 1.0));
        l.add(edge("c", "a", Some("m1"), 2.0));
        l.add(edge("d", "c", None, 3.0));
        let path = path_to(&l, "d");
        let ids: Vec<&str> = path.iter().map(|s| s.session.as_str()).collect();
        assert_eq!(ids, ["a", "c", "d"]);
        assert_eq!(path[0].siblings, None);
        assert_eq!(path[1].siblings, Some((2, 2, Some("b".into()), None)));
        assert_eq!(path[2].siblings, None, "the only fork at its point");
        assert_eq!(path[1].title, "title c");
        assert_eq!(path[0].title, "title a");
        assert!(path_to(&l, "nowhere").is_empty());
        assert!(path_to(&l, "a").is_empty(), "a root alone is no path");
        let mut cycle = LineageGraph::default();
        cycle.add(edge("p", "q", None, 1.0));
        cycle.add(edge("q", "p", None, 2.0));
        assert_eq!(path_to(&cycle, "p").len(), 2, "ends where it would repeat");
    }
}
