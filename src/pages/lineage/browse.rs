//! Browsing the trees: as a map or a list (a switch, remembered; the list below 600 px until
//! chosen), a search across every tree as you type, the details of the session at hand, and
//! the keyboard help (`?`).

use std::collections::HashSet;
use std::rc::Rc;

use dioxus::prelude::*;

use super::map::{MapState, MapView};
use super::notes::Details;
use super::tree::{compare_choice, CompareBar, TreeList};
use crate::lineage::graph::TreeRow;
use crate::lineage::map::{kind_mark, Scale};
use crate::persist::prefs;
use crate::platform::{KeyListener, WindowListener};
use crate::route::Route;
use crate::state::use_lineage;
use crate::text::display_title;

/// The search box.
const SEARCH_ID: &str = "lineage-search";
/// At most this many matches are listed under the search box (all are marked on the map).
const LISTED: usize = 30;

/// The trees as a map or a list, with search and details.
#[component]
pub fn Browse(
    rows: Memo<Vec<TreeRow>>,
    focus: String,
    now: f64,
    selected: Signal<Vec<String>>,
) -> Element {
    let lineage = use_lineage().0;
    let navigator = use_navigator();
    // Below 600 px lanes compress, and the list shows until the user chooses.
    let narrow = use_signal(|| crate::platform::window_width() < 600.0);
    use_hook(|| {
        Rc::new(WindowListener::new(&["resize"], move || {
            let now = crate::platform::window_width() < 600.0;
            let mut narrow = narrow;
            if *narrow.peek() != now {
                narrow.set(now);
            }
        }))
    });
    let mut chosen = use_signal(prefs::lineage_as_map);
    let as_map = use_memo(move || chosen().unwrap_or(!narrow()));
    // Laid out once per change of the lineage (or of the scale), not on every scroll.
    let layout = use_memo(move || {
        let scale = if narrow() { Scale::NARROW } else { Scale::WIDE };
        lineage.read().map_layout(scale)
    });
    let mut query = use_signal(String::new);
    let matches = use_memo(move || layout.read().search(&lineage.read(), &query.read()));
    let matched: Memo<HashSet<String>> = use_memo(move || {
        let map = layout.read();
        matches
            .read()
            .iter()
            .filter_map(|&i| map.nodes.get(i).map(|n| n.session.clone()))
            .collect()
    });
    let state = use_hook(MapState::new);
    // `?` is the app's: its keyboard help lists this page's keys too (shortcuts::all).
    let mut help = crate::state::use_overlays().help;
    use_hook(|| {
        Rc::new(KeyListener::new(move |key, typing| {
            if typing || *help.peek() {
                return false;
            }
            if key == "/" {
                crate::platform::focus(SEARCH_ID);
                return true;
            }
            false
        }))
    });
    // A match chosen: the keyboard goes there (the map), or the list scrolls to it.
    let jump = move |session: String| {
        if *as_map.peek() {
            state.go(session);
        } else {
            let id = super::tree::row_id(&session);
            navigator.replace(Route::Lineage { focus: session });
            focus_soon(id);
        }
    };
    let mut choose = move |map: bool| {
        prefs::set_lineage_as_map(map);
        chosen.set(Some(map));
    };
    let shown = state
        .hovered
        .read()
        .clone()
        .or_else(|| state.selected.read().clone());
    rsx! {
        div { class: "browse-bar",
            div { class: "view-switch", role: "group", aria_label: "Show the trees as",
                button { r#type: "button", aria_pressed: if as_map() { "true" } else { "false" }, onclick: move |_| choose(true), "Map" }
                button { r#type: "button", aria_pressed: if as_map() { "false" } else { "true" }, onclick: move |_| choose(false), "List" }
            }
            input {
                id: SEARCH_ID,
                r#type: "search",
                class: "search",
                aria_label: "Search every tree: titles, fork points, labels and notes",
                placeholder: "Search titles, fork points, labels, notes  (/)",
                value: "{query}",
                oninput: move |e| query.set(e.value()),
                onkeydown: move |e: KeyboardEvent| {
                    if e.key() == Key::Enter {
                        e.prevent_default();
                        let first = matches.peek().first().and_then(|&i| layout.peek().nodes.get(i).map(|n| n.session.clone()));
                        if let Some(session) = first {
                            jump(session);
                        }
                    } else if e.key() == Key::Escape {
                        query.set(String::new());
                    }
                },
            }
            button { r#type: "button", class: "link-button", aria_haspopup: "dialog", onclick: move |_| help.set(true), "Keyboard (?)" }
        }
        if !query.read().trim().is_empty() {
            SearchResults { layout, matches, on_jump: jump }
        }
        if as_map() {
            Details { session: shown, now }
            MapView { layout, focus: focus.clone(), matches, state, now }
        } else {
            CompareBar { choice: compare_choice(&rows.read(), &selected.read()), selected }
            TreeList { rows, focus: focus.clone(), now, selected, matched }
        }
    }
}

/// The matches of a search, listed (the first few), each a way to jump there.
#[component]
fn SearchResults(
    layout: Memo<crate::lineage::map::MapLayout>,
    matches: Memo<Vec<usize>>,
    on_jump: EventHandler<String>,
) -> Element {
    let map = layout.read();
    let found = matches.read();
    let n = found.len();
    rsx! {
        div { class: "search-results",
            p { class: "muted", role: "status",
                match n {
                    0 => "No session matches.".to_owned(),
                    1 => "1 session matches (Enter jumps to it).".to_owned(),
                    n => format!("{n} sessions match (Enter jumps to the first)."),
                }
            }
            if n > 0 {
                ul {
                    for &i in found.iter().take(LISTED) {
                        if let Some(node) = map.nodes.get(i) {
                            li { key: "{node.session}",
                                button {
                                    r#type: "button",
                                    class: "link-button",
                                    onclick: {
                                        let session = node.session.clone();
                                        move |_| on_jump.call(session.clone())
                                    },
                                    "{display_title(&node.title)}"
                                }
                                span { class: "muted", " · {kind_mark(node.edge.as_ref()).1}" }
                                if let Some(edge) = &node.edge {
                                    if !edge.excerpt.is_empty() {
                                        span { class: "muted excerpt", " · “{edge.excerpt}”" }
                                    }
                                }
                            }
                        }
                    }
                }
                if n > LISTED {
                    p { class: "muted", "… and {n - LISTED} more, marked on the map." }
                }
            }
        }
    }
}

/// Moves keyboard focus to the element `id` once the page has drawn it.
fn focus_soon(id: String) {
    #[cfg(target_arch = "wasm32")]
    spawn(async move {
        gloo_timers::future::TimeoutFuture::new(80).await;
        crate::platform::focus(&id);
    });
    #[cfg(not(target_arch = "wasm32"))]
    let _ = id;
}
