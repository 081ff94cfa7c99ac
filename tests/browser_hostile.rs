//! The hostile corpus (tests/support/hostile.rs) in the built app, against a real server: in
//! session titles, user text, file names, the model's text, reasoning and tool calls, a stored
//! lineage, and the server's error messages. Nothing may run (no dialog, no CSP violation, no
//! console error), nothing may load from another origin, and the page must stay usable. Then
//! the password: never in localStorage unless remembered, never in a URL or the console.

mod support;

use std::collections::BTreeSet;

use base64::Engine as _;
use branchpoint::api::{PartInput, PromptInput};
use serde_json::{json, Value};
use support::app::{App, WAIT};
use support::hostile::{big, small};
use support::{root, FaultProxy, OpenCode, ServerOptions};

/// Installed in every document before the app's scripts: records what would have run.
const TRAPS: &str = r#"
window.__hostile = { ran: [], violations: [] };
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = function (what) { window.__hostile.ran.push(name + ": " + String(what)); return null; };
}
document.addEventListener("securitypolicyviolation", (e) =>
  window.__hostile.violations.push(e.violatedDirective + " " + e.blockedURI));
"#;

/// A 1×1 PNG padded with zeros to `bytes` once base64-encoded.
fn huge_png(bytes: usize) -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    let tiny = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    let mut png = engine.decode(tiny).unwrap();
    png.resize(bytes / 4 * 3, 0);
    engine.encode(png)
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// Fails if anything ran, was blocked, loaded from an origin other than `allowed`, or logged
/// an error, on the page shown now. `expected_errors` are console lines a test caused on
/// purpose (the failing requests it injected).
async fn nothing_ran(app: &App, page: &str, allowed: &[String], expected_errors: &[&str]) {
    assert_eq!(
        app.browser.dialog_text().await,
        None,
        "{page}: a dialog is open"
    );
    let report = app
        .browser
        .execute(
            "return { trapped: window.__hostile || null, \
               origins: performance.getEntriesByType('resource').map(e => new URL(e.name).origin), \
               images: [...document.images].map(i => i.src) };",
            vec![],
        )
        .await
        .unwrap();
    let trapped = &report["trapped"];
    assert!(!trapped.is_null(), "{page}: the traps were not installed");
    assert_eq!(trapped["ran"], json!([]), "{page}: something ran");
    assert_eq!(
        trapped["violations"],
        json!([]),
        "{page}: CSP blocked something"
    );
    let origins: BTreeSet<String> = report["origins"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    for origin in &origins {
        assert!(
            allowed.contains(origin),
            "{page}: a request to {origin} (allowed: {allowed:?})"
        );
    }
    for src in report["images"].as_array().unwrap() {
        let src = src.as_str().unwrap_or_default();
        assert!(
            allowed.iter().any(|o| src.starts_with(o.as_str()))
                || src.starts_with("data:image/png"),
            "{page}: an image from {src}"
        );
    }
    let errors: Vec<String> = app
        .browser
        .browser_log()
        .await
        .into_iter()
        .filter(|line| line.starts_with("SEVERE") || line.starts_with("WARNING"))
        .filter(|line| !expected_errors.iter().any(|e| line.contains(e)))
        .collect();
    assert!(errors.is_empty(), "{page}: console errors: {errors:#?}");
}

/// Fails when hostile content (a 1 MB line, 10,000 nested quotes) pushes the page wider than
/// the window, naming the widest culprits.
async fn fits_the_window(app: &App, page: &str) {
    let report = app
        .browser
        .execute(
            "const w = document.documentElement.clientWidth; \
             const wide = [...document.querySelectorAll('body *')] \
               .filter(e => e.getBoundingClientRect().right > w + 1) \
               .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)); \
             return { scroll: document.documentElement.scrollWidth, width: w, wide };",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        report["scroll"].as_f64() <= report["width"].as_f64().map(|w| w + 1.0),
        "{page}: the page is wider than the window: {report}"
    );
}

#[tokio::test]
async fn hostile_input_runs_nothing_loads_nothing_and_the_app_stays_usable() {
    let server = OpenCode::start().await;
    let client = server.client();
    let corpus = small();

    // Titles: one session per payload, the 1 MB line and the deep ones included.
    for payload in corpus.iter().chain(big().iter()) {
        client
            .create_session(Some(&payload.text))
            .await
            .unwrap_or_else(|e| panic!("title {}: {e}", payload.name));
    }

    // User text, and files with hostile names, types and URLs.
    let user = server.seed("Hostile user text", &[]).await;
    for payload in corpus.iter().chain(big().iter()) {
        let mut input = PromptInput::text(payload.text.clone());
        input.no_reply = true;
        client
            .prompt(&user.id, &input)
            .await
            .unwrap_or_else(|e| panic!("user text {}: {e}", payload.name));
    }
    std::fs::write(server.project_dir().join("plain.txt"), "plain\n").unwrap();
    let file_url = format!(
        "file://{}",
        server.project_dir().join("plain.txt").display()
    );
    // The server refuses SVG data parts (an SVG under an image/png type is covered natively).
    let script = b64("<script>alert(1)</script>");
    let files: Vec<PartInput> = corpus
        .iter()
        .take(12)
        .map(|p| PartInput::File {
            id: None,
            mime: "text/plain".into(),
            url: file_url.clone(),
            filename: Some(p.text.clone()),
        })
        .chain([
            PartInput::File {
                id: None,
                mime: "text/plain".into(),
                url: format!("data:text/plain;base64,{script}"),
                filename: Some("<img src=x onerror=alert(1)>.png".into()),
            },
            // A 10 MB picture: named, not drawn. (Sent as another type: the server re-encodes
            // and shrinks what it is told is an image; the URL's own type is what counts.)
            PartInput::File {
                id: None,
                mime: "application/octet-stream".into(),
                url: format!("data:image/png;base64,{}", huge_png(10 * 1024 * 1024)),
                filename: Some("huge.png".into()),
            },
        ])
        .collect();
    let mut refused = Vec::new();
    for file in files {
        let shown = format!("{file:?}");
        let shown: String = shown.chars().take(300).collect();
        let attach = PromptInput {
            parts: vec![
                PartInput::Text {
                    id: None,
                    text: "a file".into(),
                },
                file.clone(),
            ],
            no_reply: true,
            ..PromptInput::default()
        };
        // The 10 MB one is not waited for: its answer (the message, 10 MB again) is slow to come.
        let huge = matches!(&file, PartInput::File { filename: Some(f), .. } if f == "huge.png");
        let sent = if huge {
            client.prompt_async(&user.id, &attach).await
        } else {
            client.prompt(&user.id, &attach).await.map(drop)
        };
        if let Err(e) = sent {
            refused.push(format!("{shown}: {e}"));
        }
    }
    assert!(refused.is_empty(), "{refused:#?}");
    let mut stored = false;
    for _ in 0..300 {
        let messages = client.messages(&user.id).await.unwrap();
        let huge = |m: &branchpoint::api::Message| {
            m.parts.iter().any(|p| matches!(p, branchpoint::api::Part::File(f) if f.filename.as_deref() == Some("huge.png")))
        };
        if messages.iter().any(huge) {
            stored = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(stored, "the 10 MB file part never reached the session");

    // The model: text and reasoning, a tool whose input and output are hostile, a failing one.
    let all_small: String = corpus
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    std::fs::write(server.project_dir().join("hostile.txt"), &all_small).unwrap();
    let deep = big()
        .into_iter()
        .filter(|p| p.name.contains("nested"))
        .map(|p| p.text)
        .collect::<Vec<_>>()
        .join("\n\n");
    let model = server.seed("Hostile model output", &[]).await;
    let bash_args = json!({"command": "cat hostile.txt", "description": all_small}).to_string();
    // Inside the project (a path outside it would wait for a permission), and missing.
    let missing = server
        .project_dir()
        .join("nonexistent <img src=x onerror=alert(1)>\u{202e}gpj.exe");
    let read_args = json!({"filePath": missing}).to_string();
    for (i, prompt) in [
        format!("[[think:{}]] [[say:{}]]", b64(&all_small), b64(&all_small)),
        format!("[[think:{}]] [[say:{}]]", b64(&deep), b64(&deep)),
        format!("[[callb64:bash:{}]]", b64(&bash_args)),
        format!("[[callb64:read:{}]]", b64(&read_args)),
    ]
    .into_iter()
    .enumerate()
    {
        client
            .prompt(&model.id, &PromptInput::text(prompt))
            .await
            .unwrap_or_else(|e| panic!("scripted model, prompt {i}: {e}"));
    }

    // The server's own error messages, through a proxy that fails this session's messages
    // and forks of the model session with a hostile body.
    let failing = server.seed("Failing with hostile words", &["hi"]).await;
    let hostile_words = "<img src=x onerror=alert('err')> [x](javascript:alert(1)) \u{202e}evil";
    let body = json!({"name": "<script>alert(1)</script>", "data": {"message": hostile_words, "ref": "<svg onload=alert(1)>"}})
        .to_string();
    let fail = format!(
        "^(GET /session/{}/message|POST /session/{}/fork)$",
        failing.id, model.id
    );
    let proxy = FaultProxy::with_body(&server.base_url(), &fail, 500, &body);

    let app = App::start(&proxy.url(), None).await;
    app.browser.on_every_document(TRAPS).await.unwrap();
    let allowed = vec![app.site.url(""), proxy.url()];
    let injected = ["the server responded with a status of 500"];

    // A stored lineage with hostile titles, excerpts and ids.
    let hostile_title = &corpus[0].text;
    let mut edges = vec![
        json!({"child": user.id, "parent": model.id, "anchor": "msg_x", "role": "user",
        "excerpt": all_small.chars().take(300).collect::<String>(), "kind": "through", "created": 2.0,
        "parent_title": hostile_title, "child_title": "<img src=x onerror=alert(1)>", "server": proxy.url(), "directory": ""}),
    ];
    for (i, p) in corpus.iter().enumerate() {
        let kind = ["through", "before", "whole"][i % 3];
        edges.push(json!({"child": p.text, "parent": user.id, "kind": kind,
            "created": 3.0 + i as f64, "excerpt": p.text, "parent_title": p.text, "child_title": p.text}));
    }
    app.browser
        .set_local_storage(
            "branchpoint.lineage",
            &json!({"version": 1, "edges": edges}).to_string(),
        )
        .await
        .unwrap();
    app.browser.browser_log().await; // what the settings page logged before the traps

    // The sessions list.
    app.open("/").await;
    app.see(".session-row", "Hostile model output").await;
    app.see(".session-row", "alert('xss-script')").await;
    nothing_ran(&app, "sessions list", &allowed, &[]).await;
    app.browser
        .screenshot(root().join("target/screenshots/hostile-sessions.png"))
        .await
        .unwrap();

    // User text and files.
    app.open(&format!("/session/{}", user.id)).await;
    app.see(".part-file", "<img src=x onerror=alert(1)>.png")
        .await;
    app.see(".part-file", "too large to show here").await;
    // A long session renders only what is on screen: walk it from the top, so that every
    // hostile message is rendered at some point.
    assert!(
        scroll_through(&app, "article .part-text", "click me").await,
        "the markdown link payload was rendered as text"
    );
    assert_eq!(app.count("article img").await, 0, "no image is drawn");
    app.see(".fork-banner", "Forked from").await;
    nothing_ran(&app, "user text", &allowed, &[]).await;
    fits_the_window(&app, "user text").await;

    // The model's text, reasoning and tools.
    app.open(&format!("/session/{}", model.id)).await;
    app.see(".tool-error", "nonexistent").await;
    app.see("article .part-text", "The tool said").await;
    app.browser
        .execute(
            "document.querySelectorAll('details').forEach(d => d.open = true);",
            vec![],
        )
        .await
        .unwrap();
    app.see(".tool-output", "alert('xss-script')").await;
    app.see(".part-reasoning", "onerror=alert('xss-img')").await;
    nothing_ran(&app, "model output", &allowed, &[]).await;
    fits_the_window(&app, "model output").await;
    app.browser
        .execute(
            "document.querySelector('.part-tool').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    app.browser
        .screenshot(root().join("target/screenshots/hostile-model.png"))
        .await
        .unwrap();
    app.browser
        .execute("window.scrollTo(0, 0);", vec![])
        .await
        .unwrap();
    // A fork the server refuses with hostile words: a toast shows them as text.
    app.click("button", "Fork session").await;
    app.see(".toast-error", "onerror=alert('err')").await;
    nothing_ran(&app, "failed fork toast", &allowed, &injected).await;

    // The server's error message on a page.
    app.open(&format!("/session/{}", failing.id)).await;
    app.see("[role=alert]", "onerror=alert('err')").await;
    nothing_ran(&app, "server error", &allowed, &injected).await;

    // The lineage view.
    app.open("/lineage").await;
    // The map draws titles in its items and their details as text, never as markup.
    app.see(".map-canvas", "alert('xss-script')").await;
    nothing_ran(&app, "lineage map", &allowed, &[]).await;
    app.browser
        .screenshot(root().join("target/screenshots/hostile-lineage-map.png"))
        .await
        .unwrap();
    app.click("button", "List").await;
    app.see(".lineage-tree", "alert('xss-script')").await;
    nothing_ran(&app, "lineage", &allowed, &[]).await;
    app.browser
        .screenshot(root().join("target/screenshots/hostile-lineage.png"))
        .await
        .unwrap();

    // Still usable: navigate by the menu, open a session from the list, send a message.
    app.click("link", "Sessions").await;
    app.see(".session-row", "Hostile user text").await;
    app.click("link", "Hostile user text").await;
    let composer = app.see_role("textbox", "Message").await;
    composer.send_keys("still usable\u{E007}").await.unwrap();
    app.see("article .part-text", "Scripted reply to: still usable")
        .await;
    nothing_ran(&app, "after sending", &allowed, &[]).await;

    // The checks are live: a dialog and a console error made on purpose are both caught.
    app.browser
        .execute("alert('control'); console.error('control error');", vec![])
        .await
        .unwrap();
    let ran = app
        .browser
        .execute("return window.__hostile.ran;", vec![])
        .await
        .unwrap();
    assert_eq!(ran, json!(["alert: control"]));
    let log = app.browser.browser_log().await;
    assert!(
        log.iter()
            .any(|l| l.starts_with("SEVERE") && l.contains("control error")),
        "the console log is read: {log:?}"
    );
}

#[tokio::test]
async fn the_password_stays_out_of_local_storage_urls_and_the_console() {
    let password = "pw-Hygiene-7c1e";
    let server = OpenCode::start_with(ServerOptions {
        password: Some(password.into()),
        ..Default::default()
    })
    .await;
    server.seed("Guarded", &["hi"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.browser.on_every_document(TRAPS).await.unwrap();

    // Set through Settings, not remembered: nowhere in localStorage.
    app.open("/settings").await;
    let field = app.see_role("textbox", "Password").await;
    field.send_keys(password).await.unwrap();
    app.click("button", "Test connection").await;
    app.see("[role=status]", "Connected").await;
    app.click("button", "Save").await;
    app.see("[role=status]", "Settings saved").await;
    let everything_stored = "return JSON.stringify({...localStorage});";
    let local = |v: Value| v.as_str().unwrap_or_default().to_owned();
    let stored = local(
        app.browser
            .execute(everything_stored, vec![])
            .await
            .unwrap(),
    );
    assert!(
        !stored.contains(password),
        "not remembered, yet in localStorage: {stored}"
    );

    // Used: the sessions list, a session and its live stream all authenticate.
    app.click("link", "Sessions").await;
    app.see(".session-row", "Guarded").await;
    app.click("link", "Guarded").await;
    app.see("article", "hi").await;
    app.browser
        .wait_until("document.querySelector('.stream-live') !== null", WAIT)
        .await
        .unwrap();
    let stored = local(
        app.browser
            .execute(everything_stored, vec![])
            .await
            .unwrap(),
    );
    assert!(!stored.contains(password), "{stored}");

    // Remembered: in localStorage; unticked again: gone.
    app.open("/settings").await;
    app.click("checkbox", "Remember password").await;
    app.click("button", "Save").await;
    app.see("[role=status]", "Settings saved").await;
    let stored = local(
        app.browser
            .execute(everything_stored, vec![])
            .await
            .unwrap(),
    );
    assert!(stored.contains(password), "ticked, it is remembered");
    app.click("checkbox", "Remember password").await;
    app.click("button", "Save").await;
    app.browser
        .wait_until(
            &format!("!JSON.stringify({{...localStorage}}).includes('{password}')"),
            WAIT,
        )
        .await
        .expect("unticked, the password leaves localStorage");

    // Never in a URL: not the page's, not any request's, not in history; nor its Basic token.
    app.click("link", "Sessions").await;
    app.see(".session-row", "Guarded").await;
    let token = b64(&format!("opencode:{password}"));
    let urls = app
        .browser
        .execute(
            "return [location.href, document.referrer, String(history.length), \
               ...performance.getEntries().map(e => e.name)];",
            vec![],
        )
        .await
        .unwrap();
    let urls: Vec<&str> = urls
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(urls.len() > 5, "the page made requests: {urls:?}");
    for url in &urls {
        assert!(
            !url.contains(password) && !url.contains(&token) && !url.contains("auth_token"),
            "the password is in a URL: {url}"
        );
    }
    let log = app.browser.browser_log().await;
    for line in &log {
        assert!(
            !line.contains(password) && !line.contains(&token),
            "the password is in the console: {line}"
        );
    }
}

/// Scrolls the page from the top down to the end a screen at a time, then back to the top,
/// letting each position render: every message of a long (windowed) session is drawn. Says
/// whether an element matching `css` showed `needle` on the way.
async fn scroll_through(app: &App, css: &str, needle: &str) -> bool {
    let step = "const [css, needle] = arguments;
        const seen = [...document.querySelectorAll(css)].some(e => e.textContent.includes(needle));
        const end = scrollY + innerHeight >= document.documentElement.scrollHeight - 2;
        scrollBy(0, innerHeight * 0.8);
        return [end, seen];";
    app.browser.execute("scrollTo(0, 0)", vec![]).await.unwrap();
    let mut seen = false;
    for _ in 0..1000 {
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        let answer = app
            .browser
            .execute(step, vec![json!(css), json!(needle)])
            .await
            .unwrap();
        seen |= answer[1] == json!(true);
        if answer[0] == json!(true) {
            break;
        }
    }
    app.browser.execute("scrollTo(0, 0)", vec![]).await.unwrap();
    seen
}

#[tokio::test]
async fn a_hostile_lineage_file_imported_through_the_button_runs_nothing() {
    let server = OpenCode::start().await;
    let app = App::start(&server.base_url(), None).await;
    app.browser.on_every_document(TRAPS).await.unwrap();
    app.browser.browser_log().await; // what the settings page logged before the traps
    let allowed = vec![app.site.url(""), server.base_url()];
    let corpus = small();
    let now = 1.764e12;
    // One real-looking fork, then every payload as ids, titles, excerpts, servers and times.
    let mut edges = vec![
        json!({"child": "ses_importedchild01", "parent": "ses_importedroot001",
        "anchor": "msg_importedanchor1", "kind": "through", "created": now,
        "excerpt": corpus[0].text, "parent_title": corpus[1].text, "child_title": "Imported child",
        "server": server.base_url(), "directory": ""}),
    ];
    for (i, p) in corpus.iter().enumerate() {
        edges.push(
            json!({"child": p.text, "parent": "ses_importedroot001", "kind": "whole",
            "created": now, "excerpt": p.text, "parent_title": p.text, "child_title": p.text}),
        );
        edges.push(
            json!({"child": format!("ses_hostilechild{i:03}"), "parent": "ses_importedroot001",
            "kind": "through", "anchor": p.text, "created": now, "server": p.text}),
        );
    }
    edges.push(
        json!({"child": "ses_earlychild0001", "parent": "ses_importedroot001",
        "kind": "whole", "created": -1e308}),
    );
    let skipped = edges.len() - 1;
    let dir = support::TempDir::new("hostile-import");
    let file = dir.0.join("hostile-lineage.json");
    std::fs::write(&file, json!({"version": 1, "edges": edges}).to_string()).unwrap();
    let huge = dir.0.join("huge-lineage.json");
    std::fs::write(&huge, " ".repeat(6 * 1024 * 1024)).unwrap();

    app.open("/lineage").await;
    app.see("p", "No forks yet.").await;
    // What the first page logged until it went (its event stream, opened before the app was
    // pointed at the test server, retries the default address): not this page's.
    app.browser.browser_log().await;
    // Through the Import button, as a person would: the label opens the file chooser, whose
    // input takes the file.
    app.see(".file-button", "Import JSON").await;
    let input = app.browser.find("input[type=file]").await.unwrap();
    input.send_keys(huge.to_str().unwrap()).await.unwrap();
    app.see("[role=alert]", "at most 5 MB").await;
    let input = app.browser.find("input[type=file]").await.unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    app.see(
        "[role=status]",
        &format!("1 new fork; {skipped} records left out"),
    )
    .await;
    app.see(".map-node", "Imported child").await;
    nothing_ran(&app, "imported lineage map", &allowed, &[]).await;
    app.click("button", "List").await;
    app.see(".lineage-node", "Imported child").await;
    nothing_ran(&app, "imported lineage", &allowed, &[]).await;
    app.browser
        .screenshot(root().join("target/screenshots/hostile-import.png"))
        .await
        .unwrap();
}
