//! `/lineage`: every fork tree this browser knows, from localStorage alone, so it shows with the
//! server down. `?focus=<session id>` highlights one session (the "Lineage" button of a session).
//! With the server up, titles are refreshed and deleted sessions marked; "Scan server" finds
//! forks made elsewhere; two sessions of one tree can be compared.

use dioxus::prelude::*;

use crate::fork::ForkKind;
use crate::lineage::graph::TreeRow;
use crate::lineage::{discover, store};
use crate::platform::now_ms;
use crate::route::Route;
use crate::session_list::{age, count};
use crate::state::{
    client, use_events, use_lineage, use_scan, use_settings, use_toasts, StreamStatus, ToastKind,
    SCAN_ON_CONNECT_KEY,
};
use crate::storage::{self, Area};

/// The lineage view.
#[component]
pub fn Lineage(focus: ReadSignal<String>) -> Element {
    let state = use_lineage();
    let lineage = state.0;
    let toasts = use_toasts();
    let settings = use_settings();
    let bus = use_events();
    let status = bus.status;
    let epoch = bus.epoch;
    // With the server up: current titles, and sessions deleted there marked (never dropped).
    use_resource(move || {
        let live = *status.read() == StreamStatus::Live;
        let _ = epoch.read();
        let client = client(&settings.read());
        async move {
            if !live {
                return;
            }
            let known = lineage.peek().clone();
            if let Ok(news) = discover::refresh(&client, &known).await {
                if news != discover::Refresh::default() {
                    let _ = state.update(|l| {
                        news.apply(l);
                    });
                }
            }
        }
    });
    let export = move |_| {
        let json = store::encode(&lineage.read());
        match crate::platform::download("branchpoint-lineage.json", "application/json", &json) {
            Ok(()) => toasts.push(
                ToastKind::Info,
                "Lineage exported as branchpoint-lineage.json.",
            ),
            Err(problem) => toasts.push(ToastKind::Error, format!("Export failed: {problem}")),
        }
    };
    let import = move |event: FormEvent| async move {
        let Some(file) = event.files().into_iter().next() else {
            return;
        };
        let mut lineage = lineage;
        match file.read_string().await {
            Ok(raw) => match store::import(&raw) {
                Ok((stored, added)) => {
                    lineage.set(stored);
                    toasts.push(
                        ToastKind::Info,
                        format!("Imported {}: {}.", file.name(), count(added, "new fork")),
                    );
                }
                Err(problem) => toasts.push(ToastKind::Error, problem),
            },
            Err(error) => toasts.push(
                ToastKind::Error,
                format!("Could not read {}: {error}", file.name()),
            ),
        }
    };
    // Laid out once per change of the lineage, not on every scroll.
    let rows = use_memo(move || lineage.read().trees());
    let forks = count(lineage.read().edges.len(), "fork");
    let offline = matches!(*status.read(), StreamStatus::Retrying(_));
    let server = settings.read().server_url.clone();
    let now = now_ms();
    let focus_id = focus();
    let selected = use_signal(Vec::<String>::new);
    crate::platform::use_title("Lineage · Branchpoint".to_owned());
    rsx! {
        div { class: "page lineage-page",
            div { class: "page-head",
                h1 { "Lineage" }
                span { class: "muted", "Kept in this browser · {forks}" }
                button { r#type: "button", onclick: export, "Export JSON" }
                label { class: "button file-button",
                    "Import JSON"
                    input { r#type: "file", accept: "application/json,.json", class: "visually-hidden", onchange: import }
                }
            }
            div { class: "lineage-tools", ScanControls { offline } }
            if offline {
                p { class: "notice offline-notice", role: "status",
                    "Offline: the server at {server} does not answer. This is the lineage kept in this browser, with titles as last seen."
                }
            }
            if rows.read().is_empty() {
                div { class: "empty",
                    p { "No forks yet." }
                    p { class: "muted", "Fork a session from any message, and its tree appears here — even when the server is down. Forks made elsewhere (the terminal, another browser) are found by “Scan server”." }
                }
            } else {
                CompareBar { choice: compare_choice(&rows.read(), &selected.read()), selected }
            }
            TreeList { rows, focus: focus_id, now, selected }
        }
    }
}

/// Every row is this tall (CSS `.lineage-node`), so the list can render only what is on screen.
const ROW_HEIGHT: f64 = 42.0;
const OVERSCAN: usize = 12;

/// The trees, one row per session. Only the rows in and near the viewport are in the DOM, so
/// thousands of forks open at once; the list keeps its full height, so scrolling is natural.
#[component]
fn TreeList(
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
    let below = (count - to) as f64 * ROW_HEIGHT;
    rsx! {
        ul { id: "lineage-tree", class: "lineage-tree", aria_label: "Fork trees",
            if above > 0.0 {
                li { class: "lineage-spacer", role: "presentation", style: "height: {above}px" }
            }
            for (i, row) in all[from..to].iter().enumerate() {
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
    let title = if row.title.is_empty() {
        row.session.clone()
    } else {
        row.title.clone()
    };
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
                if edge.discovered {
                    span { class: "badge discovered", title: "Found by “Scan server”: made elsewhere", "discovered" }
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

/// "Scan server", its progress and its Cancel, and whether it runs on connect.
#[component]
fn ScanControls(offline: bool) -> Element {
    let scan = use_scan();
    let settings = use_settings();
    let lineage = use_lineage();
    let toasts = use_toasts();
    let mut on_connect =
        use_signal(|| storage::get(Area::Local, SCAN_ON_CONNECT_KEY).as_deref() == Some("1"));
    let progress = *scan.progress.read();
    rsx! {
        if let Some(p) = progress {
            span { class: "scan-progress", role: "status",
                progress { max: "{p.total.max(1)}", value: "{p.done}", aria_label: "Scanning the server's sessions" }
                if p.total == 0 { " Listing sessions…" } else { " Scanned {p.done} of {p.total} sessions" }
            }
            button { r#type: "button", onclick: move |_| scan.cancel(), "Cancel scan" }
        } else {
            button {
                r#type: "button",
                disabled: offline,
                title: "Find forks made elsewhere (the terminal, another browser): sessions whose first messages match another session's",
                onclick: move |_| scan.start(&settings.read(), lineage, toasts),
                "Scan server"
            }
        }
        label { class: "checkbox",
            input {
                r#type: "checkbox",
                checked: on_connect(),
                onclick: move |_| {
                    let on = !on_connect();
                    let _ = storage::set(Area::Local, SCAN_ON_CONNECT_KEY, if on { "1" } else { "0" });
                    on_connect.set(on);
                },
            }
            "Scan when the app connects"
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
    let name = |r: &TreeRow| {
        if r.title.is_empty() {
            r.session.clone()
        } else {
            r.title.clone()
        }
    };
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
fn CompareBar(choice: CompareChoice, selected: Signal<Vec<String>>) -> Element {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineage::graph::tests::edge;
    use crate::lineage::Lineage;

    #[test]
    fn two_sessions_of_one_tree_can_be_compared() {
        let mut lineage = Lineage::default();
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
