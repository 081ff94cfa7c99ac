//! The trees as a list, one row per session (only the rows on screen are in the DOM), and the
//! compare bar for two ticked sessions of one tree.

use dioxus::prelude::*;

use crate::lineage::graph::TreeRow;
use crate::lineage::ForkKind;
use crate::route::Route;
use crate::text::{age, display_title};

/// Every row is this tall (CSS `.lineage-node`), so the list can render only what is on screen.
const ROW_HEIGHT: f64 = 42.0;
const OVERSCAN: usize = 12;

/// The trees, one row per session. Only the rows in and near the viewport are in the DOM, so
/// thousands of forks open at once; the list keeps its full height, so scrolling is natural.
#[component]
pub fn TreeList(
    rows: Memo<Vec<TreeRow>>,
    focus: String,
    now: f64,
    selected: Signal<Vec<String>>,
) -> Element {
    let viewport = crate::platform::use_viewport("lineage-tree");
    // Bring the focused session into view once it is known where the list is.
    let mut scrolled_to = use_signal(String::new);
    let focus_at = rows.read().iter().position(|r| r.session == focus);
    use_effect(use_reactive!(|focus, focus_at| {
        let view = viewport();
        if let Some(i) = focus_at {
            if *scrolled_to.peek() != focus && view.top > 0.0 {
                scrolled_to.set(focus.clone());
                let row = view.top + i as f64 * ROW_HEIGHT;
                if row < view.scroll_y || row + ROW_HEIGHT > view.scroll_y + view.height {
                    crate::platform::scroll_to(row - view.height / 3.0);
                }
            }
        }
    }));
    let all = rows.read();
    let count = all.len();
    let view = viewport();
    let (from, to) =
        crate::virtual_list::fixed_rows(count, view.scrolled, view.height, ROW_HEIGHT, OVERSCAN);
    let above = from as f64 * ROW_HEIGHT;
    let below = count.saturating_sub(to) as f64 * ROW_HEIGHT;
    rsx! {
        ul { id: "lineage-tree", class: "lineage-tree", aria_label: "Fork trees",
            if above > 0.0 {
                li { class: "lineage-spacer", role: "presentation", style: "height: {above}px" }
            }
            for (i, row) in all.get(from..to).unwrap_or_default().iter().enumerate() {
                Node {
                    key: "{row.session}",
                    focused: row.session == focus,
                    position: from + i + 1,
                    count,
                    row: row.clone(),
                    now,
                    selected,
                }
            }
            if below > 0.0 {
                li { class: "lineage-spacer", role: "presentation", style: "height: {below}px" }
            }
        }
    }
}

/// One session of a tree.
#[component]
fn Node(
    row: TreeRow,
    focused: bool,
    position: usize,
    count: usize,
    now: f64,
    selected: Signal<Vec<String>>,
) -> Element {
    let mut class = format!("lineage-node depth-{}", row.depth.min(6));
    if focused {
        class.push_str(" focused");
    }
    if row.deleted {
        class.push_str(" deleted");
    }
    let title = display_title(&row.title).to_owned();
    let checked = selected.read().contains(&row.session);
    let id = row.session.clone();
    let toggle = move |_| {
        let mut selected = selected.write();
        if let Some(i) = selected.iter().position(|s| *s == id) {
            selected.remove(i);
        } else {
            selected.push(id.clone());
            if selected.len() > 2 {
                selected.remove(0);
            }
        }
    };
    rsx! {
        li { class, aria_current: if focused { "true" } else { "false" }, aria_posinset: "{position}", aria_setsize: "{count}",
            input { r#type: "checkbox", checked, aria_label: "Compare “{title}”", onclick: toggle }
            if row.depth > 0 {
                crate::components::ForkIcon {}
            }
            Link { to: Route::Session { id: row.session.clone() }, "{title}" }
            if row.deleted {
                span { class: "badge deleted-badge", title: "Deleted on the server; kept here so the tree stays whole", "deleted" }
            }
            if let Some(edge) = &row.edge {
                span { class: "badge kind-{kind_class(edge.kind)}", "{edge.kind.label()}" }
                if let Some(worktree) = &edge.worktree {
                    span { class: "badge worktree-badge", title: "branch {worktree.branch} · {edge.directory}", "{worktree.name}" }
                }
                if edge.discovered {
                    span { class: "badge discovered", title: "Found by “Scan server”: made elsewhere", "discovered" }
                }
                if row.from_server {
                    span { class: "badge from-server", title: "Recorded by another browser: read from the session's metadata on the server", "from the server" }
                }
                if row.disputed {
                    span { class: "badge disputed", title: "The server's metadata records this fork differently: choose one above", "recorded differently" }
                }
                if !edge.excerpt.is_empty() {
                    span { class: "excerpt muted", "“{edge.excerpt}”" }
                }
                span { class: "muted when", "{age(now, edge.created)}" }
            } else {
                span { class: "badge", "source" }
            }
        }
    }
}

/// What the ticked sessions allow: a sentence, and the comparison when two of one tree are
/// ticked.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareChoice {
    pub hint: String,
    pub route: Option<Route>,
    pub ticked: usize,
}

/// Reads the ticked sessions against the tree rows.
pub fn compare_choice(rows: &[TreeRow], ticked: &[String]) -> CompareChoice {
    let chosen: Vec<&TreeRow> = ticked
        .iter()
        .filter_map(|id| rows.iter().find(|r| r.session == *id))
        .collect();
    let name = |r: &TreeRow| display_title(&r.title).to_owned();
    let (hint, route) = match chosen.as_slice() {
        [a, b] if a.root == b.root => (
            format!("“{}” and “{}”", name(a), name(b)),
            Some(Route::Compare {
                a: a.session.clone(),
                b: b.session.clone(),
            }),
        ),
        [_, _] => (
            "These two are in different trees: tick two sessions of one tree.".to_owned(),
            None,
        ),
        [one] => (format!("“{}” and which other?", name(one)), None),
        _ => (
            "Tick two sessions of one tree to compare them.".to_owned(),
            None,
        ),
    };
    CompareChoice {
        hint,
        route,
        ticked: chosen.len(),
    }
}

/// The compare bar above the trees.
#[component]
pub fn CompareBar(choice: CompareChoice, selected: Signal<Vec<String>>) -> Element {
    let mut selected = selected;
    rsx! {
        div { class: "compare-bar", role: "group", aria_label: "Compare",
            span { class: "muted", "{choice.hint}" }
            if let Some(route) = choice.route {
                Link { class: "button primary", to: route, "Compare" }
            }
            if choice.ticked > 0 {
                button { r#type: "button", class: "link-button", onclick: move |_| selected.write().clear(), "Clear" }
            }
        }
    }
}

fn kind_class(kind: ForkKind) -> &'static str {
    match kind {
        ForkKind::Through => "through",
        ForkKind::Before => "before",
        ForkKind::Whole => "whole",
        ForkKind::Undo => "undo",
        ForkKind::Worktree => "worktree",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineage::graph::tests::edge;
    use crate::lineage::LineageGraph;

    #[test]
    fn two_sessions_of_one_tree_can_be_compared() {
        let mut lineage = LineageGraph::default();
        lineage.add(edge("b", "a", None, 1.0));
        lineage.add(edge("c", "b", None, 2.0));
        lineage.add(edge("y", "x", None, 3.0));
        let rows = lineage.trees();
        let pick = |ids: &[&str]| {
            let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
            compare_choice(&rows, &ids)
        };
        assert_eq!(pick(&[]).route, None);
        assert!(pick(&["a"]).hint.contains("which other"));
        assert!(pick(&["a", "y"]).hint.contains("different trees"));
        assert_eq!(pick(&["a", "y"]).route, None);
        let both = pick(&["c", "a"]);
        assert_eq!(
            both.route,
            Some(Route::Compare {
                a: "c".into(),
                b: "a".into()
            })
        );
        assert_eq!(both.hint, "“title c” and “title a”");
        assert_eq!(pick(&["gone", "a"]).ticked, 1, "unknown ids are ignored");
    }
}
