//! The few facts the UI needs from the browser, with native stand-ins for tests.

/// Milliseconds since the epoch.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as f64)
            .unwrap_or_default()
    }
}

/// The page's origin, such as `http://127.0.0.1:8080` (empty natively).
pub fn page_origin() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        String::new()
    }
}

/// Moves keyboard focus to the element with this id, if there is one.
pub fn focus(id: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id));
        if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = id;
}

/// Applies a colour theme to the page: "light", "dark", or "" to follow the system.
pub fn apply_theme(theme: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(root) = root {
            let _ = match theme {
                "light" | "dark" => root.set_attribute("data-theme", theme),
                _ => root.remove_attribute("data-theme"),
            };
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = theme;
}

/// Sets the page's title. (Dioxus' `document::Title` goes through `eval`, which the app's
/// Content-Security-Policy forbids.)
pub fn set_title(title: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = title;
}

/// Keeps the page's title at `title` while the calling component shows.
pub fn use_title(title: String) {
    use dioxus::prelude::*;
    use_effect(use_reactive!(|title| set_title(&title)));
}

/// Offers `contents` to the user as a file download named `filename`.
pub fn download(filename: &str, mime: &str, contents: &str) -> Result<(), String> {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let fail = |_| "the browser refused the download".to_owned();
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(contents));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(mime);
        let blob =
            web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or("no document")?;
        let anchor: web_sys::HtmlAnchorElement = document
            .create_element("a")
            .map_err(fail)?
            .dyn_into()
            .map_err(|_| "no anchor".to_owned())?;
        anchor.set_href(&url);
        anchor.set_download(filename);
        anchor.click();
        let _ = web_sys::Url::revoke_object_url(&url);
        Ok(())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (filename, mime, contents);
        Err("downloads need a browser".into())
    }
}

/// Calls `changed` whenever another tab writes `key` in localStorage (the `storage` event).
/// The listener lives as long as the page.
pub fn on_storage_change(key: &'static str, changed: impl Fn() + 'static) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let Some(window) = web_sys::window() else {
            return;
        };
        let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::StorageEvent)>::new(
            move |event: web_sys::StorageEvent| {
                if event.key().as_deref() == Some(key) {
                    changed();
                }
            },
        );
        let _ =
            window.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
        listener.forget(); // app-lifetime listener
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, changed);
}

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

/// Scrolls the window so that document position `y` is at the top.
pub fn scroll_to(y: f64) {
    #[cfg(target_arch = "wasm32")]
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, y.max(0.0));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = y;
}

/// Registers the service worker (`sw.js` beside index.html) that keeps the app shell for
/// offline use. `base` is the path the app is served under, such as `/` or `/branchpoint/`.
pub fn register_service_worker(base: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(window) = web_sys::window() else {
            return;
        };
        // Not available on insecure origins (other than localhost); the app works without it.
        if !js_sys::Reflect::has(&window.navigator(), &"serviceWorker".into()).unwrap_or(false) {
            return;
        }
        let _ = window
            .navigator()
            .service_worker()
            .register(&format!("{base}sw.js"));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = base;
}

/// Where the screen is over the element `id`: (its top's distance above the screen's top,
/// the screen's height, whether the page is scrolled to its end).
pub fn scroll_view(id: &str) -> Option<(f64, f64, bool)> {
    #[cfg(target_arch = "wasm32")]
    {
        let window = web_sys::window()?;
        let document = window.document()?;
        let element = document.get_element_by_id(id)?;
        let height = window.inner_height().ok()?.as_f64()?;
        let page = document.document_element()?;
        let scrolled = window.scroll_y().ok()?;
        let at_end = f64::from(page.scroll_height()) - (scrolled + height) < 48.0;
        Some((-element.get_bounding_client_rect().top(), height, at_end))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = id;
        None
    }
}

/// The rendered height of each child of the element `id` that has an id (the messages of a
/// list), plus `gap`.
pub fn child_heights(id: &str, gap: f64) -> Vec<(String, f64)> {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let Some(list) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
        else {
            return Vec::new();
        };
        let children = list.children();
        (0..children.length())
            .filter_map(|i| children.item(i))
            .filter(|e| !e.id().is_empty())
            .filter_map(|e| {
                let height = f64::from(e.dyn_ref::<web_sys::HtmlElement>()?.offset_height());
                Some((e.id(), height + gap))
            })
            .collect()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (id, gap);
        Vec::new()
    }
}

/// Scrolls the page to its end.
pub fn scroll_to_end() {
    #[cfg(target_arch = "wasm32")]
    if let Some(window) = web_sys::window() {
        let end = window
            .document()
            .and_then(|d| d.document_element())
            .map_or(0, |e| e.scroll_height());
        window.scroll_to_with_x_and_y(0.0, f64::from(end));
    }
}

/// A listener for events on the window (`scroll`, `resize`, `pagehide`…), removed when
/// dropped.
pub struct WindowListener {
    #[cfg(target_arch = "wasm32")]
    closure: wasm_bindgen::closure::Closure<dyn Fn()>,
    #[cfg(target_arch = "wasm32")]
    events: &'static [&'static str],
}

impl WindowListener {
    pub fn new(events: &'static [&'static str], changed: impl Fn() + 'static) -> WindowListener {
        #[cfg(target_arch = "wasm32")]
        {
            use wasm_bindgen::JsCast;
            let closure = wasm_bindgen::closure::Closure::<dyn Fn()>::new(changed);
            if let Some(window) = web_sys::window() {
                for event in events {
                    let _ = window
                        .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
                }
            }
            WindowListener { closure, events }
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = (events, changed);
            WindowListener {}
        }
    }

    /// Follows the window's scrolling and resizing.
    pub fn scroll(changed: impl Fn() + 'static) -> WindowListener {
        WindowListener::new(&["scroll", "resize"], changed)
    }
}

impl Drop for WindowListener {
    fn drop(&mut self) {
        #[cfg(target_arch = "wasm32")]
        if let Some(window) = web_sys::window() {
            use wasm_bindgen::JsCast;
            for event in self.events {
                let _ = window.remove_event_listener_with_callback(
                    event,
                    self.closure.as_ref().unchecked_ref(),
                );
            }
        }
    }
}

/// The path the app is served under, read off a built asset's URL (`/base/assets/…`).
pub fn base_path(asset_url: &str) -> String {
    match asset_url.find("assets/") {
        Some(at) => {
            let base = asset_url[..at].replace("/./", "/");
            if base.starts_with('/') {
                base
            } else {
                format!("/{base}")
            }
        }
        None => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::base_path;

    #[test]
    fn base_paths_from_asset_urls() {
        assert_eq!(base_path("/./assets/icon-dxh1.svg"), "/");
        assert_eq!(base_path("/assets/icon-dxh1.svg"), "/");
        assert_eq!(
            base_path("/branchpoint/assets/icon-dxh1.svg"),
            "/branchpoint/"
        );
        assert_eq!(base_path("icon.svg"), "/");
    }
}
