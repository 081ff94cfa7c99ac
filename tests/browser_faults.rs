//! Faults in the browser, against a real server: killed in the middle of a streaming reply, of
//! the sessions list and of a fork; a page reloaded while its fork is made; a 500 that is not
//! JSON; a 401 after the password changed; a server that answers in 5 s; answers cut off
//! halfway. Each ends in a clear state, GETs can be retried, POSTs are never retried behind the
//! user's back, and no lineage edge or unsent draft is lost. Slow, cut and blocked answers come
//! from `tests/support/fault_proxy.py`.

mod support;

use branchpoint::api::PromptInput;
use serde_json::json;
use support::app::{App, WAIT};
use support::{root, FaultProxy, OpenCode, ServerOptions};

/// How long a page may take to notice that its server is back: the event stream's backoff
/// reaches 15 s between tries.
const RECONNECT: std::time::Duration = std::time::Duration::from_secs(60);

/// Types `text` into the composer (Enter sends it when `text` ends in `\u{E007}`).
async fn type_in_composer(app: &App, text: &str) {
    let composer = app.see_role("textbox", "Message").await;
    composer.send_keys(text).await.unwrap();
}

async fn composer_value(app: &App) -> serde_json::Value {
    let composer = app.see_role("textbox", "Message").await;
    composer.property("value").await.unwrap()
}

async fn stored_draft(app: &App, session_id: &str) -> Option<String> {
    app.browser
        .local_storage(&format!("branchpoint.draft.{session_id}"))
        .await
        .unwrap()
}

/// The lineage this browser stored, read as the app reads it (whatever the schema).
async fn lineage(app: &App) -> Option<branchpoint::lineage::LineageGraph> {
    app.browser
        .local_storage("branchpoint.lineage")
        .await
        .unwrap()
        .map(|text| branchpoint::lineage::store::decode(&text).unwrap())
}

async fn screenshot(app: &App, name: &str) {
    app.browser
        .screenshot(root().join(format!("target/screenshots/{name}.png")))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_server_killed_mid_reply_keeps_the_partial_reply_and_the_draft() {
    let mut server = OpenCode::start().await;
    let session = server.seed("Interrupted", &["before the crash"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "before the crash").await;
    app.see(".stream", "Live").await;

    type_in_composer(
        &app,
        "tell me a long story that goes on and on and on [[slow:600]]\u{E007}",
    )
    .await;
    app.see("article", "Scripted reply").await;
    type_in_composer(&app, "my next question, unsent").await;
    let partial = app.text("article:last-of-type .message-body").await;
    assert!(
        !partial.contains("and on and on"),
        "the reply was still streaming when the server died: {partial}"
    );

    let port = server.port;
    server.kill();
    app.see(".stream", "Offline").await;
    app.see(".running[role=status]", "connection to the server is lost")
        .await;
    let shown = app.text("article:last-of-type .message-body").await;
    assert!(shown.contains(&partial), "partial reply kept: {shown}");
    assert_eq!(
        composer_value(&app).await,
        json!("my next question, unsent")
    );
    assert_eq!(
        stored_draft(&app, &session.id).await.as_deref(),
        Some("my next question, unsent")
    );
    screenshot(&app, "fault-reply-server-killed").await;

    // Back up: the page catches up by itself, without a reload.
    server.launch(port).await;
    let mut input = PromptInput::text("written after the restart");
    input.no_reply = true;
    server.client().prompt(&session.id, &input).await.unwrap();
    // The stream's backoff has grown during the outage (up to 15 s between tries).
    app.browser
        .wait_for_text(".stream", "Live", RECONNECT)
        .await
        .unwrap();
    app.see("article", "written after the restart").await;
    let articles = app.browser.find_all("article").await.unwrap();
    let mut interrupted = String::new();
    for article in &articles {
        let text = article.text().await.unwrap();
        if text.contains("Scripted reply") {
            interrupted = text;
        }
    }
    assert!(
        interrupted.contains(&partial),
        "the partial reply is still there after catching up: {interrupted:?}"
    );
    // The server will never finish it: it says so instead of "working…" forever.
    assert!(interrupted.contains("interrupted"), "{interrupted}");
    assert!(app.browser.find_all(".running").await.unwrap().is_empty());
    assert_eq!(
        composer_value(&app).await,
        json!("my next question, unsent")
    );
    screenshot(&app, "fault-reply-caught-up").await;

    // A reload keeps it too: the server still holds the open part empty; the page had kept the
    // text it saw stream in when it went.
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "written after the restart").await;
    let reloaded = app
        .browser
        .execute(
            "return Array.from(document.querySelectorAll('article')).map(a => a.textContent).find(t => t.includes('Scripted reply')) || '';",
            vec![],
        )
        .await
        .unwrap();
    let reloaded = reloaded.as_str().unwrap_or_default();
    assert!(
        reloaded.contains(&partial) && reloaded.contains("interrupted"),
        "the partial reply survives a reload: {reloaded:?}"
    );
    assert_eq!(
        composer_value(&app).await,
        json!("my next question, unsent")
    );

    // And the conversation goes on.
    type_in_composer(&app, "\u{E007}").await;
    app.see("article", "Scripted reply to: my next question, unsent")
        .await;
    assert_eq!(stored_draft(&app, &session.id).await, None);
}

#[tokio::test]
async fn a_server_killed_mid_list_shows_unreachable_and_retry_works() {
    let mut server = OpenCode::start().await;
    server.seed("Listed after the outage", &["hi"]).await;
    // The list takes 3 s; the event stream is blocked, so only the Retry button can help.
    let proxy = FaultProxy::start_with(
        &server.base_url(),
        &[
            "--delay",
            "^GET /session$",
            "--delay-ms",
            "3000",
            "--down-drops",
            "--fail",
            "^GET /event$",
            "--status",
            "503",
        ],
    );
    let app = App::start(&proxy.url(), None).await;
    app.open("/").await;
    app.see("[role=status]", "Loading sessions").await;
    let port = server.port;
    server.kill();
    app.see(".error-panel h2", "Server unreachable").await;
    assert!(app
        .text(".error-panel")
        .await
        .contains("Could not reach the OpenCode server"));
    screenshot(&app, "fault-list-server-killed").await;

    server.launch(port).await;
    app.click("button", "Try again").await;
    app.see_role("button", "Trying again").await;
    app.see("a", "Listed after the outage").await;
    assert_eq!(
        proxy.requests("GET /session"),
        2,
        "one load, one retry: {:?}",
        proxy.log()
    );
}

#[tokio::test]
async fn the_list_comes_back_by_itself_when_the_server_does() {
    let mut server = OpenCode::start().await;
    server.seed("Back by itself", &["hi"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open("/").await;
    app.see("a", "Back by itself").await;
    app.see(".stream", "Live").await;
    let port = server.port;
    server.kill();
    app.see(".stream", "Offline").await;
    app.click("button", "Refresh").await;
    app.see(".error-panel h2", "Server unreachable").await;
    server.launch(port).await;
    // No click: the event stream reconnects and the list is fetched again.
    app.browser
        .wait_for_text("a", "Back by itself", RECONNECT)
        .await
        .unwrap();
    app.see(".stream", "Live").await;
}

#[tokio::test]
async fn a_server_killed_mid_fork_loses_no_edge_and_no_draft() {
    let mut server = OpenCode::start().await;
    let source = server.seed("Forked in a storm", &["alpha", "beta"]).await;

    // Killed while the fork request is on its way: nothing recorded, the user is told, the
    // draft being written stays.
    let proxy = FaultProxy::start_with(
        &server.base_url(),
        &[
            "--delay",
            r"^(POST /session/[^/]+/fork|PATCH /session/[^/]+)$",
            "--delay-ms",
            "2500",
            "--down-drops",
        ],
    );
    let app = App::start(&proxy.url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "beta").await;
    type_in_composer(&app, "a draft in progress").await;
    app.click_in_article(0, "Fork from here").await;
    // Shown at once, while the server makes it.
    app.see_role("status", "Forking…").await;
    let fork = format!("POST /session/{}/fork", source.id);
    proxy.wait_for(|line| line == fork).await;
    let port = server.port;
    server.kill();
    let toast = app.see("[role=alert]", "The fork got no answer").await;
    let told = toast.text().await.unwrap();
    assert!(told.contains("the server cannot be reached"), "{told}");
    assert!(
        told.contains("will look for it when the server is back"),
        "says what happens next: {told}"
    );
    assert_eq!(lineage(&app).await, None, "nothing half-recorded");
    let pending = app
        .browser
        .execute(
            "return localStorage.getItem('branchpoint.pending-forks')",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        pending.as_str().is_some_and(|p| p.contains(&source.id)),
        "kept to look for: {pending:?}"
    );
    // Back on the source, as it was (the server cannot be asked for it), the draft kept.
    app.browser
        .wait_until(
            &format!("location.pathname === '/session/{}'", source.id),
            WAIT,
        )
        .await
        .unwrap();
    app.see("article", "beta").await;
    app.see_role("alert", "Could not reach the OpenCode server")
        .await;
    assert_eq!(composer_value(&app).await, json!("a draft in progress"));
    screenshot(&app, "fault-fork-server-killed").await;

    // Back: the app asks the server, which never got the request. The user is told, nothing
    // is recorded, and nothing is left to look for.
    // (On this page: its event stream, back after its backoff, is what starts the look.)
    server.launch(port).await;
    let told = app
        .browser
        .wait_for_text("[role=alert]", "never reached the server", RECONNECT)
        .await
        .unwrap();
    assert!(
        told.text().await.unwrap().contains("“Forked in a storm”"),
        "names the session"
    );
    screenshot(&app, "fault-fork-pending-not-made").await;
    app.browser
        .wait_until(
            "localStorage.getItem('branchpoint.pending-forks') === null",
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(lineage(&app).await, None);
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "beta").await;
    assert_eq!(composer_value(&app).await, json!("a draft in progress"));

    // Killed after the server made the fork, while its telling title is on its way: the page
    // opens a fork first and names it after, so the fork is open, its edge recorded under that
    // title (the name on the server is what the crash loses), and it opens again once the
    // server is back.
    app.click_in_article(0, "Fork from here").await;
    // The fork is made (2.5 s through the proxy) and opened; its rename is held 2.5 s too.
    proxy
        .wait_for(|line| line.starts_with("PATCH /session/"))
        .await;
    let child = app.landed_on(&source.id).await;
    app.see(".fork-banner", "Forked from Forked in a storm")
        .await;
    server.kill();
    let stored = lineage(&app).await.expect("the edge is stored");
    let edge = stored.parent_of(&child).cloned();
    assert!(
        edge.as_ref().map(|e| e.parent.as_str()) == Some(source.id.as_str()),
        "edge {child} ← {} in {stored:?}",
        source.id
    );
    assert_eq!(
        edge.map(|e| e.child_title),
        Some("Forked in a storm — after “alpha”".to_owned())
    );
    server.launch(port).await;
    retry_if_offered(&app).await;
    app.see(".fork-banner", "Forked from Forked in a storm")
        .await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("nav[aria-label='Forks from this message']", "1 fork here")
        .await;
    assert_eq!(composer_value(&app).await, json!("a draft in progress"));
}

#[tokio::test]
async fn a_page_reloaded_while_its_fork_is_made_finds_the_fork_and_what_was_typed() {
    let mut server = OpenCode::start().await;
    let source = server.seed("Reloaded mid-fork", &["alpha", "beta"]).await;
    // The server makes the fork at once; its answer is held back 5 s.
    let proxy = FaultProxy::start_with(
        &server.base_url(),
        &[
            "--hold",
            r"^POST /session/[^/]+/fork$",
            "--delay-ms",
            "5000",
        ],
    );
    let app = App::start(&proxy.url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "beta").await;
    app.see(".stream", "Live").await;
    app.click_in_article(0, "Fork from here").await;
    app.see_role("status", "Forking…").await;
    type_in_composer(&app, "typed while forking").await;
    let client = server.client();
    let made = loop {
        let sessions = client.list_sessions().await.unwrap();
        if let Some(made) = sessions.into_iter().find(|s| s.id != source.id) {
            break made;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    // Made, its answer still on the way: the server goes, and the page is reloaded.
    let port = server.port;
    server.kill();
    app.browser.refresh().await.unwrap();
    let looking = app.see("[role=status]", "Looking for the fork").await;
    let said = looking.text().await.unwrap();
    assert!(
        said.contains("The fork of “Reloaded mid-fork” was being made when this page was reloaded"),
        "{said}"
    );
    screenshot(&app, "fault-fork-page-reloaded").await;
    app.theme("dark").await;
    app.width(Some(390)).await;
    app.keeps_its_width().await;
    screenshot(&app, "fault-fork-page-reloaded-dark-390").await;
    app.width(None).await;
    app.theme("light").await;
    assert_eq!(lineage(&app).await, None);

    // Back: the page finds it, records it and opens it, with what was typed.
    server.launch(port).await;
    app.browser
        .wait_until(
            &format!("location.pathname === '/session/{}'", made.id),
            RECONNECT,
        )
        .await
        .unwrap();
    app.see(
        "[role=status]",
        "The fork of “Reloaded mid-fork” asked for as the page was reloaded or left had been made",
    )
    .await;
    app.see(".fork-banner", "Forked from Reloaded mid-fork")
        .await;
    assert_eq!(composer_value(&app).await, json!("typed while forking"));
    let stored = lineage(&app).await.expect("the edge is stored");
    let edge = stored.parent_of(&made.id).cloned().expect("its edge");
    assert_eq!(edge.parent, source.id);
    assert_eq!(edge.child_title, "Reloaded mid-fork — after “alpha”");
    for (area, key) in [
        ("localStorage", "branchpoint.pending-forks"),
        ("sessionStorage", "branchpoint.forks-in-flight"),
    ] {
        let left = app
            .browser
            .execute(&format!("return {area}.getItem('{key}')"), vec![])
            .await
            .unwrap();
        assert_eq!(left, json!(null), "nothing left to look for in {key}");
    }
}

/// Clicks "Try again" if the page still offers it (the event stream may have brought the
/// page back first).
async fn retry_if_offered(app: &App) {
    let script = "const b = Array.from(document.querySelectorAll('button')).find(b => b.textContent.trim() === 'Try again'); if (b) b.click(); return true;";
    app.browser.execute(script, vec![]).await.unwrap();
}

#[tokio::test]
async fn a_500_that_is_not_json_is_told_plainly() {
    let server = OpenCode::start().await;
    let source = server.seed("Behind a proxy", &["hello"]).await;
    let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
                <body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    let proxy = FaultProxy::start_with(
        &server.base_url(),
        &[
            "--fail",
            r"^(GET /session|POST /session/[^/]+/fork)$",
            "--status",
            "500",
            "--body",
            page,
        ],
    );
    let app = App::start(&proxy.url(), None).await;
    app.open("/").await;
    app.see(".error-panel h2", "The server failed").await;
    let panel = app.text(".error-panel").await;
    assert!(panel.contains("HTTP 500"), "{panel}");
    assert!(
        panel.contains("502 Bad Gateway"),
        "the page's title: {panel}"
    );
    assert!(panel.contains("HTML page"), "{panel}");
    for dump in ["<html", "<title", "expected value", "line 1 column"] {
        assert!(!panel.contains(dump), "no {dump:?} in {panel}");
    }
    screenshot(&app, "fault-500-html").await;

    // A fork answered the same way: a toast in the same words.
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "hello").await;
    app.click_in_article(0, "Fork from here").await;
    let toast = app.see("[role=alert]", "The fork failed").await;
    let told = toast.text().await.unwrap();
    assert!(told.contains("502 Bad Gateway"), "{told}");
    assert!(!told.contains("<html"), "{told}");
    assert_eq!(lineage(&app).await, None);

    // A 200 whose body is a web page (a wrong Server URL, a captive portal): no decode dump.
    let portal = FaultProxy::start_with(
        &server.base_url(),
        &[
            "--fail",
            "^GET /session$",
            "--status",
            "200",
            "--body",
            page,
        ],
    );
    let app = App::start(&portal.url(), None).await;
    app.open("/").await;
    app.see(".error-panel h2", "Unexpected answer").await;
    let panel = app.text(".error-panel").await;
    assert!(panel.contains("HTML page"), "{panel}");
    assert!(!panel.contains("line 1 column"), "{panel}");
}

#[tokio::test]
async fn a_changed_password_is_asked_for_and_the_draft_waits() {
    let mut server = OpenCode::start_with(ServerOptions {
        password: Some("first-secret".into()),
        ..ServerOptions::default()
    })
    .await;
    let session = server.seed("Locked out", &["hello"]).await;
    let app = App::start(&server.base_url(), Some("first-secret")).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "hello").await;
    app.see(".stream", "Live").await;
    type_in_composer(&app, "words I do not want to lose").await;

    let port = server.port;
    server.stop();
    server.options.password = Some("second-secret".into());
    server.launch(port).await;
    let banner = match app
        .browser
        .wait_for_text(
            ".auth-banner",
            "no longer accepts this app's password",
            RECONNECT,
        )
        .await
    {
        Ok(banner) => banner,
        Err(e) => {
            screenshot(&app, "fault-401-missing").await;
            panic!(
                "{e}; stream: {}; log: {:?}",
                app.text(".stream").await,
                app.browser.browser_log().await
            );
        }
    };
    assert_eq!(banner.attr("role").await.unwrap().as_deref(), Some("alert"));
    app.see(".stream", "Wrong password").await;
    assert_eq!(
        composer_value(&app).await,
        json!("words I do not want to lose")
    );
    screenshot(&app, "fault-401-banner").await;

    // Sending now fails with the same clear words, and keeps the text.
    type_in_composer(&app, "\u{E007}").await;
    app.see(
        "[role=alert]",
        "Enter the server's OPENCODE_SERVER_PASSWORD",
    )
    .await;
    assert_eq!(
        composer_value(&app).await,
        json!("words I do not want to lose")
    );

    app.click("link", "Enter the new password").await;
    let password = app.browser.wait_for("#password", WAIT).await.unwrap();
    password.clear().await.unwrap();
    password.send_keys("second-secret").await.unwrap();
    app.click("button", "Save").await;
    app.see("[role=status]", "Settings saved").await;
    app.see(".stream", "Live").await;
    assert!(app
        .browser
        .find_all(".auth-banner")
        .await
        .unwrap()
        .is_empty());

    app.browser.back().await.unwrap();
    app.see("article", "hello").await;
    assert_eq!(
        composer_value(&app).await,
        json!("words I do not want to lose")
    );
    type_in_composer(&app, "\u{E007}").await;
    app.see("article", "Scripted reply to: words I do not want to lose")
        .await;
}

#[tokio::test]
async fn a_server_answering_in_5_s_shows_loading_and_gets_one_request_each() {
    let server = OpenCode::start().await;
    let session = server.seed("Patience", &["slowly does it"]).await;
    let proxy = FaultProxy::start_with(
        &server.base_url(),
        &["--delay", "^(GET|POST) /session", "--delay-ms", "5000"],
    );
    let app = App::start(&proxy.url(), None).await;
    app.open("/").await;
    app.see("[role=status]", "Loading sessions").await;
    app.see("[role=status]", "slow to answer; still waiting")
        .await;
    screenshot(&app, "fault-slow-loading").await;
    app.see("a", "Patience").await;
    assert_eq!(proxy.requests("GET /session"), 1);

    app.click("link", "Patience").await;
    app.see("[role=status]", "Loading session").await;
    app.see("article", "slowly does it").await;
    assert_eq!(proxy.requests(&format!("GET /session/{}", session.id)), 1);
    assert_eq!(
        proxy.requests(&format!("GET /session/{}/message", session.id)),
        1
    );

    // An impatient user presses Enter three times: one message goes.
    type_in_composer(&app, "are you there?\u{E007}").await;
    app.see_role("button", "Sending…").await;
    type_in_composer(&app, "\u{E007}\u{E007}").await;
    app.see("article", "Scripted reply to: are you there?")
        .await;
    assert_eq!(
        proxy.requests(&format!("POST /session/{}/prompt_async", session.id)),
        1
    );

    // The same for a fork clicked again and again, once the reply is done (the fork then shows
    // at once while the server makes it, every fork button waiting).
    app.browser
        .wait_until(
            "!document.querySelector('.session-header').textContent.includes('writing a reply')",
            WAIT,
        )
        .await
        .unwrap();
    app.click("button", "Fork session").await;
    app.see_role("status", "Forking…").await;
    app.browser
        .execute(
            "document.querySelectorAll('button').forEach(b => { if (b.textContent.includes('Fork')) b.click(); });",
            vec![],
        )
        .await
        .unwrap();
    app.landed_on(&session.id).await;
    assert_eq!(
        proxy.requests(&format!("POST /session/{}/fork", session.id)),
        1
    );
}

#[tokio::test]
async fn answers_cut_off_halfway_are_not_retried_behind_the_users_back() {
    let server = OpenCode::start().await;
    let session = server.seed("Cut off", &["first"]).await;
    let proxy = FaultProxy::start_with(
        &server.base_url(),
        &["--drop", r"^POST /session/[^/]+/(prompt_async|fork)$"],
    );
    let app = App::start(&proxy.url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "first").await;
    app.see(".stream", "Live").await;

    // The prompt reached the server, its answer did not reach the page.
    type_in_composer(&app, "did this arrive?\u{E007}").await;
    let toast = app.see("[role=alert]", "may or may not").await;
    let told = toast.text().await.unwrap();
    assert!(told.contains("before sending it again"), "{told}");
    assert_eq!(composer_value(&app).await, json!("did this arrive?"));
    // It did arrive: the conversation shows it, and it was sent once.
    app.see("article", "Scripted reply to: did this arrive?")
        .await;
    assert_eq!(
        proxy.requests(&format!("POST /session/{}/prompt_async", session.id)),
        1
    );
    screenshot(&app, "fault-prompt-cut-off").await;

    // A fork whose answer is cut off: the server made it once; the page looks (it does not
    // re-send), finds it, records its edge and opens it. (Once the reply is complete, or the
    // fork would ask about the running reply first.)
    app.browser
        .wait_until("document.querySelectorAll('.running').length === 0", WAIT)
        .await
        .unwrap();
    let before = server.client().list_sessions().await.unwrap().len();
    app.click_in_article(0, "Fork from here").await;
    let child = app.landed_on(&session.id).await;
    app.see(
        "[role=alert]",
        "answer to the fork was lost, but it had made the fork",
    )
    .await;
    app.see(".fork-banner", "Forked from Cut off").await;
    let stored = lineage(&app).await.expect("the edge is stored");
    assert_eq!(stored.edges.len(), 1, "{stored:?}");
    assert_eq!(stored.edges[0].child, child, "{stored:?}");
    assert_eq!(stored.edges[0].parent, session.id, "{stored:?}");
    assert_eq!(
        proxy.requests(&format!("POST /session/{}/fork", session.id)),
        1
    );
    assert_eq!(
        server.client().list_sessions().await.unwrap().len(),
        before + 1,
        "the server made exactly one fork"
    );
    screenshot(&app, "fault-fork-answer-lost").await;
}
