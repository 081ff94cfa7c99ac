//! Calls on the document: focus, theme, scrolling, measuring, downloads.

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

/// Scrolls the window so that document position `y` is at the top.
pub fn scroll_to(y: f64) {
    #[cfg(target_arch = "wasm32")]
    if let Some(window) = web_sys::window() {
        window.scroll_to_with_x_and_y(0.0, y.max(0.0));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = y;
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

/// The window's width in CSS pixels (1280 natively).
pub fn window_width() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .unwrap_or(1280.0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        1280.0
    }
}

/// Where the element `id` is scrolled inside itself, and how big its visible part is:
/// (left, top, width, height).
pub fn element_scroll(id: &str) -> Option<(f64, f64, f64, f64)> {
    #[cfg(target_arch = "wasm32")]
    {
        let element = web_sys::window()?.document()?.get_element_by_id(id)?;
        Some((
            f64::from(element.scroll_left()),
            f64::from(element.scroll_top()),
            f64::from(element.client_width()),
            f64::from(element.client_height()),
        ))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = id;
        None
    }
}

/// Scrolls the element `id` inside itself to (`left`, `top`).
pub fn scroll_element(id: &str, left: f64, top: f64) {
    #[cfg(target_arch = "wasm32")]
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        element.set_scroll_left(left.max(0.0) as i32);
        element.set_scroll_top(top.max(0.0) as i32);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (id, left, top);
}

/// Moves keyboard focus to the element `id` without scrolling to it (the caller has).
pub fn focus_in_place(id: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = element.focus_with_options(&options);
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = id;
}

/// Puts `text` on the clipboard (the browser may refuse: not a secure page, no permission).
pub async fn copy_text(text: &str) -> Result<(), String> {
    #[cfg(target_arch = "wasm32")]
    {
        use js_sys::{Function, Promise, Reflect};
        use wasm_bindgen::JsCast;
        let refused = || "the browser did not allow copying".to_owned();
        let navigator = web_sys::window().ok_or_else(refused)?.navigator();
        let clipboard = Reflect::get(&navigator, &"clipboard".into()).map_err(|_| refused())?;
        let write: Function = Reflect::get(&clipboard, &"writeText".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(refused)?;
        let promise: Promise = write
            .call1(&clipboard, &text.into())
            .ok()
            .and_then(|p| p.dyn_into().ok())
            .ok_or_else(refused)?;
        wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map(drop)
            .map_err(|_| refused())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = text;
        Err("no clipboard in this build".to_owned())
    }
}

/// Resolves at the browser's next animation frame (at once natively): work done after it is
/// done at most once per frame, however many reasons for it came meanwhile. A hidden page
/// gets no frames, so the work waits until it is shown again.
pub async fn next_frame() {
    #[cfg(target_arch = "wasm32")]
    {
        let frame = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(window) = web_sys::window() {
                let _ = window.request_animation_frame(&resolve);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(frame).await;
    }
}
