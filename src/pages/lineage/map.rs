//! The trees as a branch map (`lineage::map`): lanes and fork lines drawn (decorative, hidden
//! from assistive technology), the sessions as a tree of focusable items for the keyboard and
//! screen readers. Only what is in view (and the focused session) is drawn, so thousands of
//! forks open at once; a wide tree scrolls sideways inside the map, not the page.

use dioxus::prelude::*;

use crate::lineage::map::{kind_mark, MapLayout, MapNode, Step, View};
use crate::route::Route;
use crate::state::use_lineage;
use crate::text::{age, count, display_title};

/// The scrolling box of the map.
pub const SCROLL_ID: &str = "lineage-map";
/// Drawn beyond the edges of the view, so scrolling finds it there.
const MARGIN: f64 = 240.0;

/// The id of a session's item on the map.
pub fn node_id(session: &str) -> String {
    format!("map-{session}")
}

/// What the map shows and where the user is on it.
#[derive(Clone, Copy, PartialEq)]
pub struct MapState {
    /// The session the keyboard is on (the tree's "selected" item), by id.
    pub selected: Signal<Option<String>>,
    /// The session under the pointer.
    pub hovered: Signal<Option<String>>,
    /// Asks the map to bring `selected` into view (and focus it, when `true`).
    pub reveal: Signal<Option<bool>>,
    /// The `?focus=` the keyboard last started from (a map drawn again keeps its place).
    pub started: Signal<Option<String>>,
}

impl MapState {
    pub fn new() -> MapState {
        MapState {
            selected: Signal::new(None),
            hovered: Signal::new(None),
            reveal: Signal::new(None),
            started: Signal::new(None),
        }
    }

    /// Moves the keyboard to `session`, brought into view and focused; the details follow it
    /// (not the item the pointer last rested on).
    pub fn go(self, session: String) {
        let (mut selected, mut reveal, mut hovered) = (self.selected, self.reveal, self.hovered);
        hovered.set(None);
        selected.set(Some(session));
        reveal.set(Some(true));
    }
}

/// The map. `focus` (from `?focus=`) is highlighted and scrolled to; `matches` (a search) are
/// marked.
#[component]
pub fn MapView(
    layout: Memo<MapLayout>,
    focus: String,
    matches: Memo<Vec<usize>>,
    state: MapState,
    now: f64,
) -> Element {
    let navigator = use_navigator();
    let mut view = use_signal(|| View {
        left: 0.0,
        top: 0.0,
        width: 1200.0,
        height: 700.0,
    });
    let MapState {
        mut selected,
        mut hovered,
        mut reveal,
        ..
    } = state;
    // The focused session (or the newest tree's root) is where the keyboard starts.
    use_effect(use_reactive!(|focus| {
        let map = layout.peek();
        let start = map
            .find(&focus)
            .or_else(|| map.trees.first().map(|t| t.root));
        let mut started = state.started;
        let fresh = started.peek().as_deref() != Some(focus.as_str());
        if let Some(i) = start {
            if selected.peek().is_none() || fresh {
                selected.set(map.nodes.get(i).map(|n| n.session.clone()));
            }
            reveal.set(Some(false));
        }
        if fresh {
            started.set(Some(focus));
        }
    }));
    // Bring the selected session into view when asked (the keyboard, a search, the focus).
    use_effect(move || {
        let Some(with_focus) = reveal() else {
            return;
        };
        let map = layout.read();
        let Some(i) = selected.read().as_deref().and_then(|s| map.find(s)) else {
            return;
        };
        let Some(node) = map.nodes.get(i) else {
            return;
        };
        let lane = map.scale.map_or(190.0, |s| s.lane);
        if let Some((left, top, width, height)) = crate::platform::element_scroll(SCROLL_ID) {
            let inside = node.x >= left
                && node.x + lane <= left + width
                && node.top - 24.0 >= top
                && node.top + 24.0 <= top + height;
            if !inside {
                // The keyboard scrolls just enough (as a list does); the session asked for by
                // the address is brought well inside.
                let (to_left, to_top) = if with_focus {
                    (
                        nearest(left, width, node.x - 16.0, node.x + lane),
                        nearest(top, height, node.top - 40.0, node.top + 40.0),
                    )
                } else {
                    (node.x - width / 3.0, node.top - height / 3.0)
                };
                let (to_left, to_top) = (to_left.max(0.0), to_top.max(0.0));
                crate::platform::scroll_element(SCROLL_ID, to_left, to_top);
                view.set(View {
                    left: to_left,
                    top: to_top,
                    width,
                    height,
                });
            }
        }
        if with_focus {
            crate::platform::focus_in_place(&node_id(&node.session));
        }
        reveal.set(None);
    });
    let map = layout.read();
    let chosen = selected.read().as_deref().and_then(|s| map.find(s));
    let mut shown = map.visible(*view.read(), MARGIN);
    if let Some(i) = chosen.filter(|i| !shown.contains(i)) {
        shown.push(i);
    }
    let found = matches.read();
    let lane = map.scale.map_or(190.0, |s| s.lane);
    let mut measure = move || {
        if let Some((left, top, width, height)) = crate::platform::element_scroll(SCROLL_ID) {
            let now = View {
                left,
                top,
                width,
                height,
            };
            if *view.peek() != now {
                view.set(now);
            }
        }
    };
    let keydown = move |event: KeyboardEvent| {
        let step = match event.key() {
            Key::ArrowDown => Step::Down,
            Key::ArrowUp => Step::Up,
            Key::ArrowRight => Step::Right,
            Key::ArrowLeft => Step::Left,
            Key::Home => Step::Home,
            Key::End => Step::End,
            Key::Enter => {
                if let Some(session) = selected.peek().clone() {
                    event.prevent_default();
                    navigator.push(Route::Session { id: session });
                }
                return;
            }
            _ => return,
        };
        event.prevent_default();
        let map = layout.peek();
        let from = selected.peek().as_deref().and_then(|s| map.find(s));
        let to = from.and_then(|i| map.step(i, step));
        if let Some(node) = to.and_then(|i| map.nodes.get(i)) {
            state.go(node.session.clone());
        }
    };
    rsx! {
        div {
            id: SCROLL_ID,
            class: "map-scroll",
            onscroll: move |e: ScrollEvent| {
                let now = View {
                    left: e.scroll_left(),
                    top: e.scroll_top(),
                    width: f64::from(e.client_width()),
                    height: f64::from(e.client_height()),
                };
                if *view.peek() != now {
                    view.set(now);
                }
            },
            onmounted: move |_| measure(),
            // Its size settles after it mounts (styles, fonts, the window): measured again then.
            onresize: move |_| measure(),
            div {
                class: "map-canvas",
                role: "tree",
                aria_label: "Fork trees as a map",
                aria_describedby: "map-details",
                style: "width: {map.width}px; height: {map.height}px",
                onkeydown: keydown,
                svg {
                    class: "map-lines",
                    width: "{map.width}",
                    height: "{map.height}",
                    "aria-hidden": "true",
                    for &i in shown.iter() {
                        Lines { key: "{map.nodes[i].session}", node: map.nodes[i].clone(), from: map.nodes[i].parent.map(|p| map.nodes[p].x) }
                    }
                }
                for &i in shown.iter() {
                    Item {
                        key: "{map.nodes[i].session}",
                        node: map.nodes[i].clone(),
                        position: position_in(&map, i),
                        lane,
                        focused: map.nodes[i].session == focus,
                        selected: Some(i) == chosen,
                        matched: found.contains(&i),
                        now,
                        on_select: move |session: String| selected.set(Some(session)),
                        on_hover: move |session: Option<String>| hovered.set(session),
                    }
                }
            }
        }
    }
}

/// Where a box scrolled to `at` (showing `size`) goes to show `from..to`: as little as it takes.
fn nearest(at: f64, size: f64, from: f64, to: f64) -> f64 {
    if from < at {
        from
    } else if to > at + size {
        (to - size).min(from)
    } else {
        at
    }
}

/// Where an item stands among its siblings for assistive technology: (position, count).
fn position_in(map: &MapLayout, i: usize) -> (usize, usize) {
    let siblings: &[usize] = match map.nodes[i].parent {
        Some(p) => &map.nodes[p].children,
        None => &[],
    };
    match siblings.iter().position(|&s| s == i) {
        Some(k) => (k + 1, siblings.len()),
        None => {
            let root = map.trees.iter().position(|t| t.root == i).unwrap_or(0);
            (root + 1, map.trees.len())
        }
    }
}

/// A lane, the line from its source, and its end. Decorative: the item says it all in words.
#[component]
fn Lines(node: MapNode, from: Option<f64>) -> Element {
    let (x, top, bottom, at) = (node.x, node.top, node.bottom, node.fork_y);
    let dashed = if node.deleted { "6 5" } else { "none" };
    let lane = format!("M {x} {top} V {bottom}");
    // Out of the source's lane at the fork point, across, round the corner, down into this one.
    let fork = from.map(|px| {
        let turn = 10.0f64.min((x - px).abs()).min(top - at);
        format!(
            "M {px} {at} H {} Q {x} {at} {x} {} V {top}",
            x - turn,
            at + turn
        )
    });
    rsx! {
        g { class: if node.deleted { "lane deleted" } else { "lane" },
            path { d: "{lane}", stroke_dasharray: "{dashed}" }
            if let Some(fork) = fork {
                path { class: "fork-line", d: "{fork}", stroke_dasharray: "{dashed}" }
            }
            circle { cx: "{x}", cy: "{bottom}", r: "3" }
        }
    }
}

/// One session: its mark, title, kind, label, and where its lane ends.
#[component]
fn Item(
    node: MapNode,
    position: (usize, usize),
    lane: f64,
    focused: bool,
    selected: bool,
    matched: bool,
    now: f64,
    on_select: EventHandler<String>,
    on_hover: EventHandler<Option<String>>,
) -> Element {
    let lineage = use_lineage().0;
    let navigator = use_navigator();
    let (mark, kind) = kind_mark(node.edge.as_ref());
    let title = display_title(&node.title).to_owned();
    let label = lineage
        .read()
        .note_of(&node.session)
        .map(|n| n.label.clone())
        .filter(|l| !l.is_empty());
    let mut class = String::from("map-node");
    for (on, name) in [
        (focused, " focused"),
        (selected, " selected"),
        (matched, " match"),
        (node.deleted, " deleted"),
    ] {
        if on {
            class.push_str(name);
        }
    }
    // Its mark sits on the lane's top; title above, kind and label below it.
    let (left, top, width) = (node.x - 7.0, node.top - 9.0, lane - 12.0);
    let end = lane_end(&node, now);
    let (open, select, hover) = (
        node.session.clone(),
        node.session.clone(),
        node.session.clone(),
    );
    rsx! {
        // Placed by a box of its own: nothing of the server's sits on a styled element.
        div {
            class: "map-slot",
            style: "left: {left}px; top: {top}px; max-width: {width}px",
        div {
            id: node_id(&node.session),
            class,
            role: "treeitem",
            aria_level: "{node.depth + 1}",
            aria_posinset: "{position.0}",
            aria_setsize: "{position.1}",
            aria_expanded: if node.children.is_empty() { None } else { Some("true") },
            aria_selected: if selected { "true" } else { "false" },
            aria_current: if focused { Some("true") } else { None },
            tabindex: if selected { "0" } else { "-1" },
            onclick: move |_| {
                navigator.push(Route::Session { id: open.clone() });
            },
            onfocus: move |_| on_select.call(select.clone()),
            onmouseenter: move |_| on_hover.call(Some(hover.clone())),
            onmouseleave: move |_| on_hover.call(None),
            span { class: "mark", aria_hidden: "true", "{mark}" }
            span { class: "text",
                span { class: "title", "{title}" }
                // Read as "title, kind, label …, deleted" (the commas for screen readers only).
                span { class: "meta",
                    span { class: "visually-hidden", ", " }
                    span { class: "kind", "{kind}" }
                    if let Some(label) = &label {
                        span { class: "visually-hidden", ", label " }
                        span { class: "badge label", "{label}" }
                    }
                    if node.deleted {
                        span { class: "visually-hidden", ", " }
                        span { class: "badge deleted-badge", "deleted" }
                    }
                }
            }
        }
        }
        div {
            class: "lane-end",
            aria_hidden: "true",
            style: "left: {node.x - 4.0}px; top: {node.bottom + 5.0}px",
            "{end}"
        }
    }
}

/// What the end of a lane says: its messages and its last activity.
fn lane_end(node: &MapNode, now: f64) -> String {
    let messages = if node.counted {
        count(node.last as usize, "message")
    } else {
        format!("{}+ messages", node.last)
    };
    match node.active {
        Some(at) => format!("{messages} · {}", age(now, at)),
        None => messages,
    }
}
