//! The built app in a browser, pointed at a test server through its stored settings.

use std::time::Duration;

use serde_json::{json, Value};

use super::webdriver::Browser;
use super::StaticSite;

/// How long a test waits for the page to show something.
pub const WAIT: Duration = Duration::from_secs(20);

/// A browser on the served app, pointed at `server_url`.
pub struct App {
    pub browser: Browser,
    pub site: StaticSite,
}

impl App {
    pub async fn start(server_url: &str, password: Option<&str>) -> App {
        App::start_on(StaticSite::start(), server_url, password).await
    }

    pub async fn start_on(site: StaticSite, server_url: &str, password: Option<&str>) -> App {
        let browser = Browser::start().await.expect("start chromium");
        let app = App { browser, site };
        app.browser.goto(&app.site.url("/settings")).await.unwrap();
        app.browser
            .wait_for("#server-url", WAIT)
            .await
            .expect("the app loads");
        let settings = json!({ "server_url": server_url, "remember_password": password.is_some(), "directory": "" });
        app.browser
            .set_local_storage("branchpoint.settings.v1", &settings.to_string())
            .await
            .unwrap();
        if let Some(password) = password {
            // Passwords are kept per server origin; the harness's servers are named by theirs.
            let origin = server_url.trim_end_matches('/');
            let passwords = json!({ origin: password });
            app.browser
                .set_local_storage("branchpoint.passwords", &passwords.to_string())
                .await
                .unwrap();
        }
        app
    }

    /// Waits until the service worker controls the page: a visit from then on caches the
    /// shell and its assets.
    pub async fn wait_for_service_worker(&self) {
        self.browser
            .wait_until(
                "navigator.serviceWorker && navigator.serviceWorker.controller !== null",
                WAIT,
            )
            .await
            .unwrap();
    }

    /// Takes the app's own host down too (the OpenCode server is the caller's to stop) and
    /// opens `path` cold: what answers is only what the browser kept. The browser, and the
    /// page's address (to open again).
    pub async fn open_with_nothing_answering(self, path: &str) -> (Browser, String) {
        let App { browser, site } = self;
        let url = site.url(path);
        drop(site);
        assert!(reqwest::get(&url).await.is_err(), "the static host is down");
        browser.goto(&url).await.unwrap();
        (browser, url)
    }

    pub async fn open(&self, path: &str) {
        self.browser.goto(&self.site.url(path)).await.unwrap();
    }

    pub async fn text(&self, css: &str) -> String {
        self.browser.find(css).await.unwrap().text().await.unwrap()
    }

    pub async fn count(&self, css: &str) -> usize {
        self.browser.find_all(css).await.unwrap().len()
    }

    /// The strings in the array `script` returns (it runs as a function body).
    pub async fn strings(&self, script: &str) -> Vec<String> {
        let value = self.browser.execute(script, vec![]).await.unwrap();
        let items = value.as_array().cloned().unwrap_or_default();
        items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    }

    /// Screenshots of the page as it is, light and dark, 1280 px and 390 px wide:
    /// `target/screenshots/{name}-{light|dark}[-390].png`. The page is left light and wide.
    pub async fn screenshots(&self, name: &str) {
        let dir = super::root().join("target/screenshots");
        for theme in ["light", "dark"] {
            let set = format!("document.documentElement.setAttribute('data-theme', '{theme}');");
            self.browser.execute(&set, vec![]).await.unwrap();
            for narrow in [false, true] {
                if narrow {
                    let metrics = json!({"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true});
                    let _ = self
                        .browser
                        .cdp("Emulation.setDeviceMetricsOverride", metrics)
                        .await;
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
                let file = format!("{name}-{theme}{}.png", if narrow { "-390" } else { "" });
                self.browser.screenshot(dir.join(file)).await.unwrap();
                if narrow {
                    let _ = self
                        .browser
                        .cdp("Emulation.clearDeviceMetricsOverride", json!({}))
                        .await;
                }
            }
        }
        let reset = "document.documentElement.removeAttribute('data-theme');";
        self.browser.execute(reset, vec![]).await.unwrap();
    }

    /// The lineage view shows as a list, as if the user had once chosen "List" (the map is
    /// the default on a wide screen): for tests about what the list says.
    pub async fn prefer_list(&self) {
        self.browser
            .set_local_storage("branchpoint.lineage-view", "list")
            .await
            .unwrap();
    }

    /// How many toasts on screen contain `needle`.
    pub async fn toasts_saying(&self, needle: &str) -> usize {
        let script =
            "return Array.from(document.querySelectorAll('.toast')).map(t => t.textContent);";
        let toasts = self.strings(script).await;
        toasts.iter().filter(|t| t.contains(needle)).count()
    }

    /// Resource requests the page made whose URL contains `needle`.
    pub async fn requests_to(&self, needle: &str) -> usize {
        let script = "return performance.getEntriesByType('resource').filter(e => e.name.includes(arguments[0])).length;";
        self.browser
            .execute(script, vec![json!(needle)])
            .await
            .unwrap()
            .as_u64()
            .unwrap() as usize
    }
}

/// Steps a test takes as a person would, failing with what the page showed instead.
impl App {
    /// Waits until the page shows a session other than `not` (any session for ""), and
    /// returns its id.
    pub async fn landed_on(&self, not: &str) -> String {
        let expr = format!(
            "location.pathname.startsWith('/session/ses_') && location.pathname !== '/session/{not}'"
        );
        self.browser
            .wait_until(&expr, WAIT)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let url = self
            .browser
            .current_url()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        url.rsplit('/').next().unwrap_or_default().to_owned()
    }

    /// Whether the page's address ends with `suffix` (a session id, say).
    pub async fn is_at(&self, suffix: &str) -> bool {
        let url = self.browser.current_url().await.unwrap_or_default();
        url.ends_with(suffix)
    }

    /// Waits for an element of `role` whose accessible name contains `name`.
    pub async fn see_role(&self, role: &str, name: &str) -> super::webdriver::Element {
        self.browser
            .wait_for_role(role, name, WAIT)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Waits for an element matching `css` whose text contains `needle`.
    pub async fn see(&self, css: &str, needle: &str) -> super::webdriver::Element {
        self.browser
            .wait_for_text(css, needle, WAIT)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Clicks the first button named `name` inside the `index`th message article, once it can
    /// be used (a person waits for a disabled button).
    pub async fn click_in_article(&self, index: usize, name: &str) {
        let script = "const [i, name] = arguments; const article = document.querySelectorAll('article')[i];
        if (!article) return 'none'; const b = Array.from(article.querySelectorAll('button')).find(b => b.textContent.trim() === name);
        if (!b) return 'none'; if (b.disabled) return 'disabled'; b.click(); return 'clicked';";
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let clicked = self
                .browser
                .execute(script, vec![json!(index), json!(name)])
                .await
                .unwrap();
            if clicked == json!("clicked") {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no usable {name:?} button in article {index}: {clicked}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the element of `role` named `name` (waiting for it first, and for it to be
    /// enabled: a person waits for a greyed-out button too). A page that re-renders between
    /// finding and clicking replaces the element: find it again, as a person would.
    pub async fn click(&self, role: &str, name: &str) {
        let mut last = String::new();
        let deadline = std::time::Instant::now() + WAIT;
        let mut stale = 0;
        while stale < 10 {
            let element = self.see_role(role, name).await;
            if !element.is_enabled().await.unwrap_or(true) {
                assert!(
                    std::time::Instant::now() < deadline,
                    "click {role} {name:?}: still disabled after {WAIT:?}"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            match element.click().await {
                Ok(()) => return,
                Err(e) if e.contains("stale element") => last = e,
                Err(e) => panic!("click {role} {name:?}: {e}"),
            }
            stale += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("click {role} {name:?}: {last}");
    }

    /// Saves a screenshot as target/screenshots/`name`.png.
    pub async fn screenshot(&self, name: &str) {
        self.browser
            .screenshot(super::root().join(format!("target/screenshots/{name}.png")))
            .await
            .unwrap();
    }

    /// Light or dark, as the theme toggle leaves it.
    pub async fn theme(&self, theme: &str) {
        self.browser
            .execute(
                "document.documentElement.dataset.theme = arguments[0];",
                vec![json!(theme)],
            )
            .await
            .unwrap();
    }

    /// The viewport `px` wide as a phone's (`None`: back to the desktop's).
    pub async fn width(&self, px: Option<u32>) {
        match px {
            Some(px) => self
                .browser
                .cdp(
                    "Emulation.setDeviceMetricsOverride",
                    json!({"width": px, "height": 844, "deviceScaleFactor": 1, "mobile": true}),
                )
                .await
                .unwrap(),
            None => self
                .browser
                .cdp("Emulation.clearDeviceMetricsOverride", json!({}))
                .await
                .unwrap(),
        };
    }

    /// Fails if the page is wider than the window (something pushed it sideways).
    pub async fn keeps_its_width(&self) {
        let widths = self
            .browser
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            widths[0].as_u64() <= widths[1].as_u64(),
            "the page widened: {widths}"
        );
    }

    /// Fails unless a toast is shown, inside the window, and none covers the composer (its box
    /// and buttons).
    pub async fn toasts_leave_the_composer_clear(&self) {
        let boxes = self
            .browser
            .execute(
                "const r = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
                 const dock = document.querySelector('.composer-dock');
                 return [[...document.querySelectorAll('.toast')].map(r), dock ? r(dock) : null, [0, 0, innerWidth, innerHeight]];",
                vec![],
            )
            .await
            .unwrap();
        let rect = |v: &Value| -> Vec<f64> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        };
        let toasts: Vec<Vec<f64>> = boxes[0].as_array().unwrap().iter().map(rect).collect();
        assert!(!toasts.is_empty(), "no toast is shown");
        let (dock, window) = (rect(&boxes[1]), rect(&boxes[2]));
        for toast in toasts {
            let inside = toast[0] >= 0.0
                && toast[1] >= 0.0
                && toast[2] <= window[2]
                && toast[3] <= window[3];
            assert!(
                inside,
                "a toast at {toast:?} is not inside the window {window:?}"
            );
            let apart = toast[2] <= dock[0]
                || dock[2] <= toast[0]
                || toast[3] <= dock[1]
                || dock[3] <= toast[1];
            assert!(
                apart,
                "a toast at {toast:?} covers the composer at {dock:?}"
            );
        }
    }

    /// Clicks the enabled button whose text starts with `text` inside the `index`th user
    /// message (waiting for it).
    pub async fn click_in_user_message(&self, index: usize, text: &str) {
        let script = "const [i, text] = arguments; const article = document.querySelectorAll(\"article[aria-label='User message']\")[i];
            const b = article && Array.from(article.querySelectorAll('button')).find(b => b.textContent.trim().startsWith(text) && !b.disabled);
            if (!b) return false; b.click(); return true;";
        for _ in 0..100 {
            let clicked = self
                .browser
                .execute(script, vec![json!(index), json!(text)])
                .await
                .unwrap();
            if clicked == json!(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("no {text:?} button in user message {index}");
    }

    /// Takes the open dialog's first choice (its primary button), once it says `says`.
    pub async fn confirm_dialog(&self, says: &str) {
        self.see("[role=dialog]", says).await;
        self.browser
            .find("[role=dialog] button.primary")
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
}
