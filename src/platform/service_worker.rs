//! The service worker that keeps the app shell for offline use, and the path it is served under.

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
