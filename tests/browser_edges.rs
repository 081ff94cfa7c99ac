//! The hardened edges in the browser, against real servers: a password goes only to the server
//! it was given for, and in clear to another machine only after asking; the app refuses to run
//! inside a frame and its host says so too.

mod support;

use std::time::Duration;

use support::app::{App, WAIT};
use support::{root, FaultProxy, OpenCode, Process, ServerOptions, TempDir};

/// This machine's address on its network (not loopback), found by asking the routing table
/// which address a packet to a documentation-only address would leave from (nothing is sent).
fn network_address() -> Option<std::net::Ipv4Addr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.254:9").ok()?;
    match socket.local_addr().ok()?.ip() {
        std::net::IpAddr::V4(ip) if !ip.is_loopback() && !ip.is_unspecified() => Some(ip),
        _ => None,
    }
}

/// Replaces the text of the field `name` (of `role`) with `text`, as a person would: select
/// all, type over it.
async fn retype(app: &App, role: &str, name: &str, text: &str) {
    let field = app.see_role(role, name).await;
    field
        .send_keys(&format!("\u{E009}a\u{E000}{text}"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_password_goes_only_to_the_server_it_was_given_for() {
    let guarded = OpenCode::start_with(ServerOptions {
        password: Some("first-secret".into()),
        ..Default::default()
    })
    .await;
    let other = OpenCode::start().await;
    // "Try my server": everything it is sent is recorded, Authorization headers above all.
    let theirs = FaultProxy::start_with(&other.base_url(), &[]);
    let app = App::start(&guarded.base_url(), None).await;
    app.open("/settings").await;
    retype(&app, "textbox", "Password", "first-secret").await;
    app.click("button", "Test connection").await;
    app.see("[role=status]", "Connected to OpenCode").await;

    // Another server typed in: the password field empties and says why.
    retype(&app, "textbox", "Server URL", &theirs.url()).await;
    let field = app.see_role("textbox", "Password").await;
    assert_eq!(field.property("value").await.unwrap(), "");
    app.see(
        "#password-hint",
        "only ever sent to the server it was given for",
    )
    .await;
    app.click("button", "Test connection").await;
    app.see("[role=status]", "Connected to OpenCode").await;
    app.click("button", "Save").await;
    app.see("[role=status]", "Settings saved").await;
    // The app now works against it: the list, the event stream.
    app.click("link", "Sessions").await;
    app.see("p", "No sessions yet").await;
    app.browser
        .wait_until("document.querySelector('.stream-live') !== null", WAIT)
        .await
        .unwrap();
    assert!(theirs.requests("GET /global/health") >= 1);
    assert_eq!(
        theirs.authorized(),
        Vec::<String>::new(),
        "the other server was sent the password"
    );

    // Back to the first server: its password was never saved, so it is asked for again, and
    // the second server's (none) does not follow.
    app.open("/settings").await;
    retype(&app, "textbox", "Server URL", &guarded.base_url()).await;
    let field = app.see_role("textbox", "Password").await;
    assert_eq!(field.property("value").await.unwrap(), "");
}

#[tokio::test]
async fn a_password_in_clear_to_another_machine_is_warned_about_and_asked_for() {
    let server = OpenCode::start_with(ServerOptions {
        password: Some("lan-secret".into()),
        ..Default::default()
    })
    .await;
    let app = App::start(&server.base_url(), None).await;
    // Plain http:// to this machine's network address, as a server on the LAN would be.
    let Some(address) = network_address() else {
        panic!("this test needs a network address other than loopback (none found)");
    };
    let proxy = FaultProxy::start_with(&server.base_url(), &["--host", "0.0.0.0"]);
    let url = format!("http://{address}:{}", proxy.port);

    app.open("/settings").await;
    retype(&app, "textbox", "Server URL", &url).await;
    app.see(".cleartext-warning", "cross the network in clear")
        .await;
    retype(&app, "textbox", "Password", "lan-secret").await;
    app.click("button", "Test connection").await;
    app.see_role("alertdialog", "Send the password in clear?")
        .await;
    app.browser
        .screenshot(root().join("target/screenshots/settings-cleartext.png"))
        .await
        .unwrap();
    // Escape, like Cancel, sends nothing.
    app.browser.press("\u{E00C}").await.unwrap();
    app.click("button", "Test connection").await;
    app.click("button", "Cancel").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(proxy.log(), Vec::<String>::new(), "nothing sent unasked");

    // Agreed to: the test goes, with the password; saving does not ask again.
    app.click("button", "Test connection").await;
    app.click("button", "Send it in clear").await;
    app.see("[role=status]", "Connected to OpenCode").await;
    assert!(proxy
        .authorized()
        .contains(&"GET /global/health".to_owned()));
    app.click("button", "Save").await;
    app.see("[role=status]", "Settings saved").await;
    assert_eq!(app.count("[role=alertdialog]").await, 0);
}

#[tokio::test]
async fn the_app_refuses_to_run_inside_a_frame() {
    // Its own host says so first: no browser frames it at all.
    let site = support::StaticSite::start();
    let answer = reqwest::get(site.url("/")).await.unwrap();
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-security-policy"), "frame-ancestors 'none'");
    assert_eq!(header("x-frame-options"), "DENY");

    // A host that sends no such header (a plain static server), framed by a page on another
    // origin: the app itself refuses, and nothing of it can be clicked.
    let plain = |dir: &str| {
        let port = support::free_port();
        let mut command = std::process::Command::new("python3");
        command
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                "--directory",
                dir,
            ])
            .arg(port.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        (Process::spawn("plain static server", command), port)
    };
    let dist = root().join("dist");
    let (_host, app_port) = plain(dist.to_str().unwrap());
    let framer = TempDir::new("framer");
    std::fs::write(
        framer.0.join("index.html"),
        format!(
            "<!doctype html><title>Win a prize</title><p>Click the button!</p>\
             <iframe src=\"http://127.0.0.1:{app_port}/\" width=\"900\" height=\"500\"></iframe>"
        ),
    )
    .unwrap();
    let (_framer_host, framer_port) = plain(framer.0.to_str().unwrap());
    let browser = support::webdriver::Browser::start().await.unwrap();
    // The static servers take a moment to listen.
    for _ in 0..50 {
        let up = reqwest::get(format!("http://127.0.0.1:{framer_port}/"))
            .await
            .is_ok()
            && reqwest::get(format!("http://127.0.0.1:{app_port}/"))
                .await
                .is_ok();
        if up {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    browser
        .goto(&format!("http://localhost:{framer_port}/"))
        .await
        .unwrap();
    browser.wait_for("iframe", WAIT).await.unwrap();
    browser.enter_frame(0).await.unwrap();
    browser
        .wait_for_text("[role=alert]", "does not run inside another page", WAIT)
        .await
        .unwrap();
    assert!(browser.find_all("button").await.unwrap().is_empty());
    assert!(browser.find_all("#main").await.unwrap().is_empty());
    browser.leave_frames().await.unwrap();
    browser
        .screenshot(root().join("target/screenshots/framed.png"))
        .await
        .unwrap();

    // In a tab of its own, the same host serves the app as ever.
    browser
        .goto(&format!("http://127.0.0.1:{app_port}/"))
        .await
        .unwrap();
    browser
        .wait_for_role("link", "Settings", WAIT)
        .await
        .unwrap();
}

/// The names of the page's service-worker caches, and the paths each holds, as JSON.
async fn caches(browser: &support::webdriver::Browser) -> serde_json::Value {
    let script = "const done = arguments[arguments.length - 1];
        (async () => { const out = {}; for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            out[name] = (await cache.keys()).map((r) => new URL(r.url).pathname).sort(); }
          return out; })().then(done, (e) => done(String(e)));";
    browser.execute_async(script, vec![]).await.unwrap()
}

/// Copies `from` into `to` (a flat tree of files and folders).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn the_service_worker_keeps_only_its_own_shell_and_files() {
    // The build is stamped: the worker's cache is named after it and lists its files.
    let dist = root().join("dist");
    let sw = std::fs::read_to_string(dist.join("sw.js")).unwrap();
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap();
    assert!(
        !sw.contains("__BUILD__") && !sw.contains("__ASSETS__"),
        "unstamped"
    );
    let build = index
        .split("<meta name=\"branchpoint-build\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    assert_eq!(build.len(), 16, "{build}");
    assert!(
        sw.contains(&format!("\"{build}\"")),
        "sw.js is not of build {build}"
    );
    for file in std::fs::read_dir(dist.join("assets")).unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        assert!(sw.contains(&format!("assets/{name}")), "{name} not listed");
    }

    // A copy of the site, so that a test can deploy a "new build" onto it.
    let dir = TempDir::new("sw-site");
    copy_tree(&dist, &dir.0);
    std::fs::write(
        dir.0.join("notes.html"),
        "<!doctype html><h1>Not the app</h1>",
    )
    .unwrap();
    let site = support::StaticSite::serve_dir(&dir.0);
    let browser = support::webdriver::Browser::start().await.unwrap();
    browser.goto(&site.url("/")).await.unwrap();
    browser
        .wait_until(
            "navigator.serviceWorker && navigator.serviceWorker.controller !== null",
            WAIT,
        )
        .await
        .unwrap();
    let name = format!("branchpoint-{build}");
    let cached = caches(&browser).await;
    let mut files: Vec<String> = cached[&name]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    files.retain(|f| f != "/");
    assert_eq!(
        files.len(),
        std::fs::read_dir(dist.join("assets")).unwrap().count(),
        "shell and every file of the build, once: {cached}"
    );
    // Left over by an older worker: a cache of its own, and a file of an old build in this one.
    let stale = "const [name] = arguments; const done = arguments[arguments.length - 1];
        (async () => {
          await (await caches.open('branchpoint-shell-v1')).put('/assets/old-dxh0123456789abcdef.wasm', new Response('old'));
          await (await caches.open(name)).put('/assets/older-dxhfedcba9876543210.js', new Response('old'));
        })().then(() => done(true), (e) => done(String(e)));";
    browser
        .execute_async(stale, vec![name.clone().into()])
        .await
        .unwrap();

    // A new build is deployed: its worker replaces the cache whole.
    let next = "0123456789abcdef";
    for file in ["sw.js", "index.html", "404.html"] {
        let path = dir.0.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace(&build, next);
        std::fs::write(path, text).unwrap();
    }
    browser.goto(&site.url("/lineage")).await.unwrap();
    let only_next = format!(
        "(caches.keys().then((k) => {{ window.__keys = k; }}), \
         Array.isArray(window.__keys) && window.__keys.length === 1 && window.__keys[0] === 'branchpoint-{next}')"
    );
    browser
        .wait_until(&only_next, WAIT)
        .await
        .unwrap_or_else(|e| {
            panic!("{e}");
        });
    let cached = caches(&browser).await;
    let text = cached.to_string();
    assert!(
        !text.contains("old-dxh") && !text.contains("older-dxh"),
        "{text}"
    );

    // Opened in the tab: the manifest, a page of the host that is not the app, an icon. None
    // of them may become the app the tab opens offline.
    for path in [
        "/manifest.webmanifest",
        "/notes.html",
        "/icons/icon-192.png",
    ] {
        browser.goto(&site.url(path)).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let lineage = site.url("/lineage");
    drop(site);
    browser.goto(&lineage).await.unwrap();
    browser
        .wait_for_role("heading", "Lineage", WAIT)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_field_being_typed_in_survives_the_page_loading_under_it() {
    let server = OpenCode::start().await;
    let source = server.seed("Slow to load", &["hello"]).await;
    // The server takes 3 s to answer for a session: time to start typing before it does.
    let proxy = FaultProxy::start_with(
        &server.base_url(),
        &["--delay", "^GET /session/ses_[^/]+$", "--delay-ms", "3000"],
    );
    let app = App::start(&proxy.url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "hello").await;
    app.click("button", "Fork session").await;
    let fork = app.landed_on(&source.id).await;
    // The fork shows at once from what it copied; its title is renamed while the server's
    // answer is still on its way.
    app.click("button", "Rename session").await;
    let field = app.see_role("textbox", "Session title").await;
    field
        .send_keys("\u{E009}a\u{E000}Half a tit")
        .await
        .unwrap();
    app.browser
        .execute(
            "window.__field = document.activeElement; return true;",
            vec![],
        )
        .await
        .unwrap();
    // The server's answer replaces the stand-in: fork actions come alive.
    app.browser
        .wait_until(
            "document.querySelector('article .fork-button:not([disabled])') !== null",
            WAIT,
        )
        .await
        .unwrap();
    let kept = app
        .browser
        .execute(
            "const f = window.__field; return [f.isConnected, document.activeElement === f, f.value];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        kept,
        serde_json::json!([true, true, "Half a tit"]),
        "the field was replaced"
    );
    field.send_keys("le\u{E007}").await.unwrap();
    app.see_role("heading", "Half a title").await;
    assert_eq!(
        server.client().get_session(&fork).await.unwrap().title,
        "Half a title"
    );

    // Back to the source while its answer is slow: the page says it is loading, and shows no
    // longer the fork it came from (a rename there would have gone to the wrong session).
    app.click("link", "Slow to load").await;
    app.see(".loading", "Loading session").await;
    assert_eq!(app.count("h1").await, 0, "another session's title is shown");
    app.see_role("heading", "Slow to load").await;
}

#[tokio::test]
async fn a_redirect_from_the_server_is_never_followed() {
    let server = OpenCode::start().await;
    let elsewhere = OpenCode::start().await;
    // Where the redirects point: another server, recording what reaches it.
    let theirs = FaultProxy::start_with(&elsewhere.base_url(), &[]);
    let to = format!("{}/global/health", theirs.url());
    let list = format!("{}/session", theirs.url());
    let proxy = FaultProxy::start_with(
        &server.base_url(),
        &[
            "--fail",
            "^GET /global/health$",
            "--status",
            "307",
            "--location",
            &to,
        ],
    );
    let listing = FaultProxy::start_with(
        &proxy.url(),
        &[
            "--fail",
            "^GET /session$",
            "--status",
            "302",
            "--location",
            &list,
        ],
    );
    let app = App::start(&listing.url(), None).await;
    app.open("/").await;
    app.see_role("heading", "Server unreachable").await;
    app.open("/settings").await;
    app.click("button", "Test connection").await;
    app.see("[role=alert]", "Could not reach").await;
    assert!(proxy.requests("GET /global/health") >= 1);
    assert_eq!(
        theirs.log(),
        Vec::<String>::new(),
        "a redirect was followed"
    );
}

/// What the page's own `fetch` of `url` meets: "ok", or the directive a policy refused it by.
async fn page_fetch(app: &App, url: &str) -> String {
    let script = "const [url] = arguments; const done = arguments[arguments.length - 1];
        let refused = null;
        document.addEventListener('securitypolicyviolation', (e) => { refused = e.effectiveDirective; }, { once: true });
        fetch(url).then(() => done('ok'), () => setTimeout(() => done(refused || 'failed'), 100));";
    let value = app
        .browser
        .execute_async(script, vec![url.into()])
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_page_connects_only_to_the_configured_server() {
    let server = OpenCode::start().await;
    let other = OpenCode::start().await;
    other.seed("On the other server", &["hi"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open("/").await;
    app.see("p", "No sessions yet").await;
    let health = |s: &OpenCode| format!("{}/global/health", s.base_url());
    assert_eq!(page_fetch(&app, &health(&server)).await, "ok");
    assert_eq!(page_fetch(&app, &health(&other)).await, "connect-src");

    // Settings, opened from the page, is a page of its own: another server can be tried.
    app.click("link", "Settings").await;
    retype(&app, "textbox", "Server URL", &other.base_url()).await;
    app.click("button", "Test connection").await;
    app.see("[role=status]", "Connected to OpenCode").await;
    app.click("button", "Save").await;
    app.see("[role=status]", "Settings saved").await;
    app.open("/").await;
    app.see(".session-row", "On the other server").await;
    assert_eq!(page_fetch(&app, &health(&other)).await, "ok");
    assert_eq!(page_fetch(&app, &health(&server)).await, "connect-src");
}
