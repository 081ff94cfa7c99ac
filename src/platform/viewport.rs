//! Where the viewport stands over an element, followed as the window scrolls and resizes.

use super::listeners::WindowListener;

/// Where the viewport stands over an element: how far the element's top has scrolled above the
/// viewport's top (0 while it is below it), and the viewport's height, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub scrolled: f64,
    pub height: f64,
    /// The element's top in document coordinates (for scrolling to a row of it).
    pub top: f64,
    /// How far the window is scrolled.
    pub scroll_y: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            scrolled: 0.0,
            height: 1000.0,
            top: 0.0,
            scroll_y: 0.0,
        }
    }
}

/// Follows the window's scrolling and resizing over the element with `id`, for lists that only
/// render what is visible. Listeners go when the component does.
pub fn use_viewport(id: &'static str) -> dioxus::prelude::Signal<Viewport> {
    use dioxus::prelude::*;
    let viewport = use_signal(Viewport::default);
    let measure = move || {
        #[cfg(target_arch = "wasm32")]
        {
            let Some(window) = web_sys::window() else {
                return;
            };
            let Some(element) = window.document().and_then(|d| d.get_element_by_id(id)) else {
                return;
            };
            let rect = element.get_bounding_client_rect();
            let scroll_y = window.scroll_y().unwrap_or(0.0);
            let height = window
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(1000.0);
            let now = Viewport {
                scrolled: (-rect.top()).max(0.0),
                height,
                top: rect.top() + scroll_y,
                scroll_y,
            };
            let mut viewport = viewport;
            if *viewport.peek() != now {
                viewport.set(now);
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = (id, viewport);
    };
    // Kept with the component's hooks: the listener goes when the component does.
    use_hook(|| std::rc::Rc::new(WindowListener::scroll(measure)));
    // Measure once the element is on the page.
    use_effect(measure);
    viewport
}
