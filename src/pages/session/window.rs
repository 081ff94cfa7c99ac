//! [`use_message_window`]: which messages of a long session are in the DOM. The page's scroll
//! position and the heights measured so far decide the slice (see `virtual_list`); it opens
//! at the newest message and stays there while replies arrive, until the reader scrolls up.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;

use dioxus::prelude::*;

use crate::api::Message;
use crate::components::message::DOM_ID_PREFIX;
use crate::platform::WindowListener;
use crate::virtual_list::{after_scroll, estimate, slice, Slice, View};

/// The element holding the messages, whose children are measured.
pub const LIST_ID: &str = "messages";
/// The space between two messages (`.messages { gap }` in main.css).
const GAP: f64 = 14.0;

/// Where the reader is in a session's messages.
#[derive(Clone, Copy)]
pub struct MessageWindow {
    heights: Signal<HashMap<String, f64>>,
    view: Signal<View>,
    older: Signal<Option<String>>,
    partial: Signal<bool>,
}

impl MessageWindow {
    /// The messages to render now, of `messages` (read reactively: scrolling re-renders).
    pub fn slice(&self, messages: &[Message]) -> Slice {
        let whole = self.older.read().is_none() && !*self.partial.read();
        slice(
            &heights_of(messages, &self.heights.read()),
            (self.view)(),
            whole,
        )
    }

    /// Keeps the end of the page in view while the reader is at it (text grew at the end).
    pub fn keep_end(&self) {
        if matches!(*self.view.peek(), View::Bottom { .. }) {
            crate::platform::scroll_to_end();
        }
    }
}

/// Follows the window's scrolling over `messages` (`older`: where the messages not loaded yet
/// start, if any; `partial`: older ones exist but cannot be loaded here), measuring each
/// message once rendered. The listener goes with the page.
pub fn use_message_window(
    messages: Signal<Vec<Message>>,
    older: Signal<Option<String>>,
    partial: Signal<bool>,
) -> MessageWindow {
    let mut heights = use_signal(HashMap::<String, f64>::new);
    let view = use_signal(|| View::Bottom { height: 900.0 });
    use_hook(|| {
        let last_top = Cell::new(0.0);
        Rc::new(WindowListener::scroll(move || {
            let Some((top, height, at_end)) = crate::platform::scroll_view(LIST_ID) else {
                return;
            };
            let current = *view.peek();
            let next = after_scroll(current, last_top.replace(top), top, height, at_end);
            let bottom = |v: View| matches!(v, View::Bottom { .. });
            let moved = {
                let messages = messages.peek();
                let all = heights_of(&messages, &heights.peek());
                let whole = older.peek().is_none() && !*partial.peek();
                let (a, b) = (slice(&all, current, whole), slice(&all, next, whole));
                (a.start, a.end) != (b.start, b.end)
            };
            if moved || bottom(current) != bottom(next) {
                let mut view = view;
                view.set(next);
            }
        }))
    });
    // After each render: measure what is on screen, and keep the newest message in view while
    // the reader is at the bottom.
    use_effect(move || {
        let _ = messages.read();
        let at_bottom = matches!(*view.read(), View::Bottom { .. });
        // Measured by element id: the message's own id after its prefix.
        let measured: Vec<(String, f64)> = crate::platform::child_heights(LIST_ID, GAP)
            .into_iter()
            .filter_map(|(id, h)| Some((id.strip_prefix(DOM_ID_PREFIX)?.to_owned(), h)))
            .collect();
        let changed = {
            let known = heights.read();
            measured
                .iter()
                .any(|(id, h)| known.get(id).is_none_or(|old| (old - h).abs() > 0.5))
        };
        if changed {
            heights.write().extend(measured);
        }
        if at_bottom {
            crate::platform::scroll_to_end();
        }
    });
    MessageWindow {
        heights,
        view,
        older,
        partial,
    }
}

/// Every message's height: measured where it was, estimated where not.
fn heights_of(messages: &[Message], measured: &HashMap<String, f64>) -> Vec<f64> {
    let guess = estimate(measured.values().copied());
    messages
        .iter()
        .map(|m| measured.get(m.info.id()).copied().unwrap_or(guess))
        .collect()
}
