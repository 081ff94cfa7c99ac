//! Inline SVG icons (no icon font: nothing to load, nothing missing from a system's fonts).

use dioxus::prelude::*;

/// A branch: one line splitting in two. Decorative; the text beside it carries the meaning.
#[component]
pub fn ForkIcon() -> Element {
    rsx! {
        svg {
            class: "icon fork-icon",
            width: "14",
            height: "14",
            view_box: "0 0 16 16",
            fill: "none",
            stroke: "currentColor",
            stroke_width: "1.8",
            stroke_linecap: "round",
            "aria-hidden": "true",
            circle { cx: "4", cy: "3", r: "1.6" }
            circle { cx: "4", cy: "13", r: "1.6" }
            circle { cx: "12", cy: "5", r: "1.6" }
            path { d: "M4 4.6v6.8" }
            path { d: "M12 6.6c0 3-8 2-8 5" }
        }
    }
}
