//! Minimal async W3C WebDriver client for end-to-end tests.
//!
//! Drives Debian's headless Chromium (`/usr/bin/chromium`) through a private
//! `/usr/bin/chromedriver` started on a free loopback port. Every call returns
//! `Result<_, String>`; errors name the command and carry the WebDriver error
//! JSON, so `.unwrap()`/`?` in a test prints something actionable.
//!
//! ```ignore
//! let b = Browser::start().await?;
//! b.goto("http://127.0.0.1:8080/").await?;
//! b.wait_for_role("button", "New session", Duration::from_secs(5)).await?.click().await?;
//! ```
//!
//! Dropping a [`Browser`] deletes the session, kills chromedriver together with
//! every Chromium process (they share chromedriver's process group) and removes
//! the temporary profile directory.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::Method;
use serde_json::{json, Value};

/// W3C key under which element references are serialized.
pub const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const POLL: Duration = Duration::from_millis(100);

/// Shared HTTP plumbing: `base` is `http://127.0.0.1:PORT/session/ID`.
#[derive(Clone, Debug)]
struct Conn {
    http: reqwest::Client,
    base: String,
}

impl Conn {
    /// Sends one WebDriver command and returns the response's `value`.
    async fn cmd(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let what = format!("{method} {path}");
        let mut req = self.http.request(method.clone(), &url);
        if method == Method::POST {
            req = req.json(&body.unwrap_or_else(|| json!({})));
        }
        let resp = req
            .send()
            .await
            .map_err(|e| format!("{what}: request failed: {e}"))?;
        let status = resp.status();
        let text = resp
            .text()
            .await
            .map_err(|e| format!("{what}: reading body: {e}"))?;
        let mut v: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{what}: HTTP {status}, non-JSON body ({e}): {text}"))?;
        let mut value = v.get_mut("value").map(Value::take).unwrap_or(Value::Null);
        if !status.is_success() || value.get("error").is_some_and(Value::is_string) {
            if let Some(obj) = value.as_object_mut() {
                obj.remove("stacktrace");
            }
            return Err(format!("{what}: HTTP {status}: {value}"));
        }
        Ok(value)
    }

    async fn get(&self, path: &str) -> Result<Value, String> {
        self.cmd(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        self.cmd(Method::POST, path, Some(body)).await
    }

    fn element(&self, v: &Value) -> Result<Element, String> {
        let id = v.get(ELEMENT_KEY).and_then(Value::as_str);
        let id = id.ok_or_else(|| format!("expected an element reference, got {v}"))?;
        Ok(Element {
            conn: self.clone(),
            id: id.to_string(),
        })
    }

    fn elements(&self, v: &Value) -> Result<Vec<Element>, String> {
        let arr = v
            .as_array()
            .ok_or_else(|| format!("expected an array of elements, got {v}"))?;
        arr.iter().map(|e| self.element(e)).collect()
    }
}

/// A headless Chromium session behind a private chromedriver process.
#[derive(Debug)]
pub struct Browser {
    conn: Conn,
    driver: tokio::process::Child,
    port: u16,
    session: String,
    profile: PathBuf,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a fresh headless session.
    pub async fn start() -> Result<Browser, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("picking a free port: {e}"))?
            .port();
        let driver = tokio::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("spawning {CHROMEDRIVER}: {e}"))?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let profile =
            std::env::temp_dir().join(format!("branchpoint-wd-{port}-{}", stamp.as_nanos()));
        std::fs::create_dir_all(&profile)
            .map_err(|e| format!("creating {}: {e}", profile.display()))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| format!("building HTTP client: {e}"))?;
        // Until the session exists, `session` is empty and `base` is the driver root;
        // constructing `Browser` early means Drop cleans up if anything below fails.
        let mut b = Browser {
            conn: Conn {
                http,
                base: format!("http://127.0.0.1:{port}"),
            },
            driver,
            port,
            session: String::new(),
            profile,
        };

        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            match b.conn.get("/status").await {
                Ok(v) if v["ready"] == json!(true) => break,
                res if Instant::now() > deadline => {
                    return Err(format!("chromedriver not ready after 15 s: {res:?}"))
                }
                _ => {}
            }
            if let Ok(Some(status)) = b.driver.try_wait() {
                return Err(format!("chromedriver exited early: {status}"));
            }
            tokio::time::sleep(POLL).await;
        }

        let args = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
        ];
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", b.profile.display()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args, "prefs": {
                "download.default_directory": b.downloads().display().to_string(),
                "download.prompt_for_download": false,
            }},
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let v = b.conn.post("/session", caps).await?;
        let id = v["sessionId"]
            .as_str()
            .ok_or_else(|| format!("POST /session: no sessionId in {v}"))?;
        b.session = id.to_string();
        b.conn.base = format!("http://127.0.0.1:{port}/session/{id}");
        Ok(b)
    }

    /// Where this browser saves downloads (inside its own profile).
    pub fn downloads(&self) -> PathBuf {
        self.profile.join("downloads")
    }

    /// Navigates to `url` and waits for the load event.
    pub async fn goto(&self, url: &str) -> Result<(), String> {
        self.conn
            .post("/url", json!({ "url": url }))
            .await
            .map(drop)
    }

    /// The URL of the current page.
    pub async fn current_url(&self) -> Result<String, String> {
        Ok(self
            .conn
            .get("/url")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    /// The document title.
    pub async fn title(&self) -> Result<String, String> {
        Ok(self
            .conn
            .get("/title")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    /// Reloads the current page.
    pub async fn refresh(&self) -> Result<(), String> {
        self.conn.post("/refresh", json!({})).await.map(drop)
    }

    /// Goes back one entry in history.
    pub async fn back(&self) -> Result<(), String> {
        self.conn.post("/back", json!({})).await.map(drop)
    }

    /// Moves into the `index`th frame of the current document: finding and scripts then act
    /// inside it (also when it is on another origin).
    pub async fn enter_frame(&self, index: u32) -> Result<(), String> {
        self.conn
            .post("/frame", json!({ "id": index }))
            .await
            .map(drop)
    }

    /// Back to the top-level document from any frame.
    pub async fn leave_frames(&self) -> Result<(), String> {
        self.conn
            .post("/frame", json!({ "id": null }))
            .await
            .map(drop)
    }

    /// Runs `script` as a function body (use `return`; inputs in `arguments`).
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.conn
            .post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Like [`Browser::execute`], but the result is what the script passes to
    /// its last argument (the callback), within the 30 s script timeout.
    pub async fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.conn
            .post("/execute/async", json!({ "script": script, "args": args }))
            .await
    }

    /// Sends one Chrome DevTools Protocol command to the current page (chromedriver's
    /// `goog/cdp/execute`), e.g. `Runtime.getHeapUsage`.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, String> {
        self.conn
            .post("/goog/cdp/execute", json!({ "cmd": cmd, "params": params }))
            .await
    }

    /// Presses and releases one key (a WebDriver key code such as `"\u{E004}"` for Tab) on
    /// whatever has focus.
    pub async fn press(&self, key: &str) -> Result<(), String> {
        let actions = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
            { "type": "keyDown", "value": key }, { "type": "keyUp", "value": key } ] }] });
        self.conn.post("/actions", actions).await.map(drop)
    }

    /// The first element matching a CSS selector.
    pub async fn find(&self, css: &str) -> Result<Element, String> {
        let v = self
            .conn
            .post("/element", json!({ "using": "css selector", "value": css }))
            .await?;
        self.conn.element(&v)
    }

    /// All elements matching a CSS selector (possibly none).
    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>, String> {
        let v = self
            .conn
            .post(
                "/elements",
                json!({ "using": "css selector", "value": css }),
            )
            .await?;
        self.conn.elements(&v)
    }

    /// Polls every 100 ms until `css` matches an element.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element, String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.find(css).await {
                Ok(el) => return Ok(el),
                Err(e) if Instant::now() > deadline => {
                    return Err(format!(
                        "wait_for({css:?}) timed out after {timeout:?}: {e}"
                    ))
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    /// Polls until some element matching `css` has rendered text containing `needle`.
    pub async fn wait_for_text(
        &self,
        css: &str,
        needle: &str,
        timeout: Duration,
    ) -> Result<Element, String> {
        const JS: &str = "const els = Array.from(document.querySelectorAll(arguments[0]));
            const texts = els.map(e => (e.innerText ?? e.textContent ?? '').trim());
            const i = texts.findIndex(t => t.includes(arguments[1]));
            return { found: i >= 0 ? els[i] : null, texts: texts.slice(0, 10) };";
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.execute(JS, vec![json!(css), json!(needle)]).await?;
            if !v["found"].is_null() {
                return self.conn.element(&v["found"]);
            }
            if Instant::now() > deadline {
                return Err(format!("wait_for_text({css:?}, {needle:?}) timed out after {timeout:?}; texts seen: {}", v["texts"]));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Polls until the JS expression `expr` is truthy.
    pub async fn wait_until(&self, expr: &str, timeout: Duration) -> Result<(), String> {
        let script = format!("return !!({expr});");
        let deadline = Instant::now() + timeout;
        loop {
            let last = match self.execute(&script, vec![]).await {
                Ok(Value::Bool(true)) => return Ok(()),
                Ok(v) => v.to_string(),
                Err(e) => e,
            };
            if Instant::now() > deadline {
                return Err(format!(
                    "wait_until({expr:?}) timed out after {timeout:?}; last result: {last}"
                ));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first element with ARIA `role` (explicit or implicit) whose accessible
    /// name contains `name` (case-sensitive). Visible elements are preferred over
    /// hidden ones. The error lists the names of all elements with that role.
    pub async fn find_by_role_name(&self, role: &str, name: &str) -> Result<Element, String> {
        let v = self
            .execute(ROLE_JS, vec![json!(role), json!(name)])
            .await?;
        if v["found"].is_null() {
            return Err(format!("no element with role {role:?} and name containing {name:?}; names with that role: {}", v["names"]));
        }
        self.conn.element(&v["found"])
    }

    /// Polls [`Browser::find_by_role_name`] every 100 ms until it succeeds.
    pub async fn wait_for_role(
        &self,
        role: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<Element, String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.find_by_role_name(role, name).await {
                Ok(el) => return Ok(el),
                Err(e) if Instant::now() > deadline => {
                    return Err(format!("wait_for_role timed out after {timeout:?}: {e}"))
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    /// Saves a PNG screenshot of the viewport, creating parent directories.
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> Result<(), String> {
        let path = path.as_ref();
        let v = self.conn.get("/screenshot").await?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .map_err(|e| format!("screenshot: bad base64: {e}"))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        }
        std::fs::write(path, png).map_err(|e| format!("writing {}: {e}", path.display()))
    }

    /// Browser console entries since the last call, as `"LEVEL message"`.
    /// Reading drains chromedriver's buffer. Returns empty on any failure.
    pub async fn browser_log(&self) -> Vec<String> {
        let Ok(Value::Array(entries)) = self
            .conn
            .post("/se/log", json!({ "type": "browser" }))
            .await
        else {
            return Vec::new();
        };
        let field = |e: &Value, k: &str| e[k].as_str().unwrap_or_default().to_string();
        entries
            .iter()
            .map(|e| format!("{} {}", field(e, "level"), field(e, "message")))
            .collect()
    }

    /// Sets `localStorage[key] = value` for the current origin.
    pub async fn set_local_storage(&self, key: &str, value: &str) -> Result<(), String> {
        self.execute(
            "localStorage.setItem(arguments[0], arguments[1]);",
            vec![json!(key), json!(value)],
        )
        .await
        .map(drop)
    }

    /// Reads `localStorage[key]` for the current origin.
    pub async fn local_storage(&self, key: &str) -> Result<Option<String>, String> {
        let v = self
            .execute(
                "return localStorage.getItem(arguments[0]);",
                vec![json!(key)],
            )
            .await?;
        Ok(v.as_str().map(str::to_string))
    }

    /// Runs `source` in every document this tab opens from now on, before the page's own
    /// scripts (Chrome DevTools `Page.addScriptToEvaluateOnNewDocument`): for traps a test
    /// installs, such as one recording `alert` calls.
    pub async fn on_every_document(&self, source: &str) -> Result<(), String> {
        self.conn
            .post(
                "/goog/cdp/execute",
                json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": source}}),
            )
            .await
            .map(drop)
    }

    /// The text of the JavaScript dialog (alert, confirm, prompt) open now, if any.
    pub async fn dialog_text(&self) -> Option<String> {
        self.conn
            .get("/alert/text")
            .await
            .ok()
            .map(|v| v.as_str().unwrap_or_default().to_string())
    }

    /// The chromedriver port (useful in diagnostics).
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            // Graceful quit (~0.2 s) lets Chromium release its profile directory.
            let _ = blocking_delete(self.port, &format!("/session/{}", self.session));
        }
        // chromedriver leads its own process group, which Chromium inherits; kill it all.
        // Beware: procps-ng 4.0.2's `kill -KILL -PID` signals the wrong group (-2 for
        // -20345, seen with strace); only the `-s KILL -- -PID` form is parsed right.
        if let Some(pid) = self.driver.id().filter(|&p| p > 1) {
            let _ = std::process::Command::new("/usr/bin/kill")
                .args(["-s", "KILL", "--", &format!("-{pid}")])
                .stderr(std::process::Stdio::null())
                .status();
        }
        let _ = self.driver.start_kill();
        for _ in 0..5 {
            if std::fs::remove_dir_all(&self.profile).is_ok() || !self.profile.exists() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// `DELETE path` over a plain blocking socket, for use in `Drop`. Returns once the
/// response headers arrive: chromedriver answers only after Chromium has quit, but
/// ignores `Connection: close`, so reading to EOF would hang until the timeout.
fn blocking_delete(port: u16, path: &str) -> std::io::Result<()> {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    s.set_read_timeout(Some(Duration::from_secs(3)))?;
    write!(s, "DELETE {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
    let (mut buf, mut chunk) = (Vec::new(), [0u8; 512]);
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk)? {
            0 => break,
            n => buf.extend_from_slice(&chunk[..n]),
        }
    }
    Ok(())
}

/// A reference to a DOM element in the current page.
#[derive(Clone, Debug)]
pub struct Element {
    conn: Conn,
    id: String,
}

impl Element {
    async fn get(&self, what: &str) -> Result<Value, String> {
        self.conn.get(&format!("/element/{}/{what}", self.id)).await
    }

    async fn post(&self, what: &str, body: Value) -> Result<Value, String> {
        self.conn
            .post(&format!("/element/{}/{what}", self.id), body)
            .await
    }

    /// The W3C element reference, for passing to [`Browser::execute`] as an argument.
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    /// Scrolls into the middle of the screen and clicks (fails if another element would
    /// receive the click). The middle, as a person would: WebDriver's own scrolling leaves a
    /// control at the screen's edge, under a sticky header, when the page is scrolled to its
    /// end (as a session opens).
    pub async fn click(&self) -> Result<(), String> {
        let center = json!({ "script": "arguments[0].scrollIntoView({ block: 'center' });", "args": [self.as_arg()] });
        let _ = self.conn.post("/execute/sync", center).await;
        self.post("click", json!({})).await.map(drop)
    }

    /// Moves the pointer over the element's middle (hovering it), as a mouse would.
    pub async fn hover(&self) -> Result<(), String> {
        let actions = json!({ "actions": [{ "type": "pointer", "id": "mouse",
            "parameters": { "pointerType": "mouse" },
            "actions": [{ "type": "pointerMove", "duration": 0, "origin": self.as_arg(), "x": 0, "y": 0 }] }] });
        self.conn.post("/actions", actions).await.map(drop)
    }

    /// The rendered (visible) text.
    pub async fn text(&self) -> Result<String, String> {
        Ok(self
            .get("text")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    /// An attribute value, `None` if absent.
    pub async fn attr(&self, name: &str) -> Result<Option<String>, String> {
        Ok(self
            .get(&format!("attribute/{name}"))
            .await?
            .as_str()
            .map(str::to_string))
    }

    /// A DOM property (e.g. `value`, `checked`) as JSON.
    pub async fn property(&self, name: &str) -> Result<Value, String> {
        self.get(&format!("property/{name}")).await
    }

    /// Types `text` into the element (focusing it first).
    pub async fn send_keys(&self, text: &str) -> Result<(), String> {
        self.post("value", json!({ "text": text })).await.map(drop)
    }

    /// Empties an input or textarea as a person does: select all, then Backspace. The page
    /// hears it as input (WebDriver's own "clear" sets the value behind the page's back: no
    /// input event, so a page that keeps the text itself still holds the old one, and the
    /// next keys typed land after it once the page draws its text again).
    pub async fn clear(&self) -> Result<(), String> {
        self.send_keys("\u{E009}a\u{E000}\u{E003}").await
    }

    /// Whether the element is enabled (not `disabled`).
    pub async fn is_enabled(&self) -> Result<bool, String> {
        Ok(self.get("enabled").await? == json!(true))
    }

    /// Whether the element is rendered visibly.
    pub async fn is_displayed(&self) -> Result<bool, String> {
        Ok(self.get("displayed").await? == json!(true))
    }

    /// The first descendant matching a CSS selector.
    pub async fn find(&self, css: &str) -> Result<Element, String> {
        let v = self
            .post("element", json!({ "using": "css selector", "value": css }))
            .await?;
        self.conn.element(&v)
    }
}

/// Finds an element by role + accessible-name substring; see `find_by_role_name`.
const ROLE_JS: &str = r#"
const [role, needle] = arguments;
const implicit = (el) => {
  const tag = el.tagName.toLowerCase();
  if (tag === 'input') {
    const t = (el.getAttribute('type') || 'text').toLowerCase();
    if (t === 'hidden') return null;
    if (t === 'checkbox' || t === 'radio') return t;
    if (t === 'search') return 'searchbox';
    return ['button', 'submit', 'reset'].includes(t) ? 'button' : 'textbox';
  }
  if (tag === 'a') return el.hasAttribute('href') ? 'link' : null;
  if (/^h[1-6]$/.test(tag)) return 'heading';
  if (tag === 'select') return el.multiple ? 'listbox' : 'combobox';
  return { button: 'button', textarea: 'textbox', article: 'article', nav: 'navigation', main: 'main', form: 'form' }[tag] || null;
};
const roleOf = (el) => (el.getAttribute('role') || '').trim().split(/\s+/)[0] || implicit(el);
const text = (el) => (el.textContent || '').replace(/\s+/g, ' ').trim();
const nameOf = (el) => {
  const label = (el.getAttribute('aria-label') || '').trim();
  if (label) return label;
  const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
  const byIds = ids.map((id) => document.getElementById(id)).filter(Boolean).map(text).join(' ').trim();
  if (byIds) return byIds;
  const forLabel = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
  if (forLabel && text(forLabel)) return text(forLabel);
  const wrap = el.parentElement && el.parentElement.closest('label');
  if (wrap && text(wrap)) return text(wrap);
  return text(el) || (el.getAttribute('title') || '').trim() || (el.getAttribute('placeholder') || '').trim();
};
const withRole = Array.from(document.querySelectorAll('*')).filter((el) => roleOf(el) === role);
const matches = withRole.filter((el) => nameOf(el).includes(needle));
const visible = (el) => el.getClientRects().length > 0;
return { found: matches.find(visible) || matches[0] || null, names: withRole.slice(0, 30).map(nameOf) };
"#;
