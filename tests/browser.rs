//! The built app (`dist/`) in headless Chromium against a real `opencode serve`.

mod support;

use std::time::Duration;

use branchpoint::api::{PartInput, PromptInput};
use serde_json::json;
use support::app::{App, WAIT};
use support::{root, OpenCode, ServerOptions, StaticSite};

#[tokio::test]
async fn lists_sessions_newest_first_searches_and_opens_one() {
    let server = OpenCode::start().await;
    let alpha = server.seed("Alpha plan", &["first question"]).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let beta = server.seed("Beta notes", &["another"]).await;
    let app = App::start(&server.base_url(), None).await;

    app.open("/").await;
    app.see(".session-row", "Alpha plan").await;
    let titles: Vec<String> = {
        let mut titles = Vec::new();
        for row in app.browser.find_all(".session-title").await.unwrap() {
            titles.push(row.text().await.unwrap());
        }
        titles
    };
    assert_eq!(titles, ["Beta notes", "Alpha plan"], "newest first");

    let search = app.see_role("searchbox", "Search sessions").await;
    search.send_keys("alpha").await.unwrap();
    app.browser
        .wait_until(
            "document.querySelectorAll('.session-row').length === 1",
            WAIT,
        )
        .await
        .unwrap();
    assert_eq!(app.text(".session-title").await, "Alpha plan");
    assert!(app.text(".count").await.contains("1 of 2"));

    app.click("link", "Alpha plan").await;
    app.see_role("heading", "Alpha plan").await;
    assert!(app
        .browser
        .current_url()
        .await
        .unwrap()
        .ends_with(&format!("/session/{}", alpha.id)));
    app.see("article", "first question").await;

    let title = "return document.title === 'Alpha plan · Branchpoint';";
    app.browser
        .wait_until(&format!("(function(){{{title}}})()"), WAIT)
        .await
        .unwrap();

    // Same route component, new id: the page must show the other session.
    app.open(&format!("/session/{}", beta.id)).await;
    app.see_role("heading", "Beta notes").await;
    app.see("article", "another").await;
}

#[tokio::test]
async fn renders_every_part_type_safely() {
    let server = OpenCode::start().await;
    let client = server.client();
    let session = client.create_session(Some("Every part")).await.unwrap();
    client
        .prompt(
            &session.id,
            &PromptInput::text("Explain [[reasoning]] [[markdown]]"),
        )
        .await
        .unwrap();
    client
        .prompt(
            &session.id,
            &PromptInput::text("Make a file [[tool:bash:echo hello > made.txt && echo done]]"),
        )
        .await
        .unwrap();
    std::fs::write(server.project_dir().join("notes.txt"), "some notes\n").unwrap();
    let file_url = format!(
        "file://{}",
        server.project_dir().join("notes.txt").display()
    );
    let attach = PromptInput {
        parts: vec![
            PartInput::Text {
                id: None,
                text:
                    "Read this <script>window.__pwned = 1</script> [x](javascript:window.__pwned=2)"
                        .into(),
            },
            PartInput::File {
                id: None,
                mime: "text/plain".into(),
                url: file_url,
                filename: Some("notes.txt".into()),
            },
        ],
        no_reply: true,
        ..PromptInput::default()
    };
    client.prompt(&session.id, &attach).await.unwrap();
    let expected = client.messages(&session.id).await.unwrap().len();

    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see_role("heading", "Every part").await;
    app.browser
        .wait_for("article .part-file", WAIT)
        .await
        .unwrap();
    assert_eq!(
        app.count("article").await,
        expected,
        "one <article> per message"
    );
    assert_eq!(app.count("article[aria-label='User message']").await, 3);

    // Markdown rendered as HTML, reasoning collapsed, tool call with name, state, input, output.
    assert_eq!(app.text("article .part-text h2").await, "Plan");
    assert!(app
        .text("article .part-text pre code")
        .await
        .contains("fn main()"));
    let reasoning = app.browser.find("details.part-reasoning").await.unwrap();
    assert_eq!(
        reasoning.attr("open").await.unwrap(),
        None,
        "reasoning starts collapsed"
    );
    assert_eq!(app.text("details.part-tool .tool-name").await, "bash");
    assert_eq!(app.text("details.part-tool .badge").await, "completed");
    // The sticky composer covers the foot of the viewport: bring the summary to the middle first.
    let summary = app.browser.find("details.part-tool summary").await.unwrap();
    let center = "arguments[0].scrollIntoView({block: 'center'});";
    app.browser
        .execute(center, vec![summary.as_arg()])
        .await
        .unwrap();
    summary.click().await.unwrap();
    assert!(app
        .text("details.part-tool .tool-input")
        .await
        .contains("echo hello > made.txt"));
    assert!(app
        .text("details.part-tool .tool-output")
        .await
        .contains("done"));
    assert!(app
        .text("details.part-patch summary")
        .await
        .contains("Changed 1 file"));
    assert!(app.text(".part-file").await.contains("notes.txt"));
    assert!(app.count(".part-step-finish").await >= 1);

    // Hostile text stays text: no script ran, no javascript: link exists.
    assert!(app
        .browser
        .find_all("article script")
        .await
        .unwrap()
        .is_empty());
    assert!(app
        .browser
        .find_all("a[href^='javascript:']")
        .await
        .unwrap()
        .is_empty());
    let pwned = app
        .browser
        .execute("return window.__pwned === undefined;", vec![])
        .await
        .unwrap();
    assert_eq!(pwned, json!(true));
    app.see("article", "<script>window.__pwned = 1</script>")
        .await;

    app.browser
        .screenshot(root().join("target/screenshots/session-view.png"))
        .await
        .unwrap();
    // The theme toggle: system → light → dark, remembered.
    app.click("button", "Theme: system").await;
    app.click("button", "Theme: light").await;
    app.see_role("button", "Theme: dark").await;
    let theme = "return document.documentElement.dataset.theme;";
    assert_eq!(
        app.browser.execute(theme, vec![]).await.unwrap(),
        json!("dark")
    );
    let stored = app
        .browser
        .local_storage("branchpoint.theme")
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some("dark"));
    app.browser
        .screenshot(root().join("target/screenshots/session-view-dark.png"))
        .await
        .unwrap();
    app.browser
        .execute(center, vec![summary.as_arg()])
        .await
        .unwrap();
    let tools = root().join("target/screenshots/session-view-tools-dark.png");
    app.browser.screenshot(tools).await.unwrap();
    // The Content-Security-Policy lets the app itself run, and it had nothing to block.
    let log = app.browser.browser_log().await;
    let blocked: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("Content Security Policy") || l.contains("Refused to"))
        .collect();
    assert!(blocked.is_empty(), "CSP violations: {blocked:?}");
    let csp = "return !!document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]');";
    assert_eq!(app.browser.execute(csp, vec![]).await.unwrap(), json!(true));
}

#[tokio::test]
async fn unknown_and_malformed_session_ids() {
    let server = OpenCode::start().await;
    let app = App::start(&server.base_url(), None).await;

    app.open("/session/ses_00000000000000000000000000").await;
    app.see_role("heading", "Session not found").await;

    app.open("/session/not-a-session").await;
    app.see_role("heading", "Not a valid session id").await;
    assert!(app
        .text("[role=alert]")
        .await
        .contains("“not-a-session” is not a valid session id"));
    assert_eq!(
        app.requests_to("not-a-session").await,
        0,
        "no request is sent for a malformed id"
    );

    app.open("/no/such/page").await;
    app.see_role("heading", "Page not found").await;
}

#[tokio::test]
async fn unreachable_server_and_wrong_password_say_what_to_do() {
    let nobody = format!("http://127.0.0.1:{}", support::free_port());
    let app = App::start(&nobody, None).await;
    app.open("/").await;
    app.see_role("heading", "Server unreachable").await;
    assert!(app.text("[role=alert]").await.contains(&nobody));
    app.browser
        .find_by_role_name("link", "Open settings")
        .await
        .unwrap();

    let server = OpenCode::start_with(ServerOptions {
        password: Some("s3cret".into()),
        ..Default::default()
    })
    .await;
    server.seed("Guarded", &["hi"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open("/").await;
    app.see_role("heading", "Wrong or missing password").await;

    // Fix it in Settings: test the connection, save, and the sessions appear.
    app.open("/settings").await;
    let password = app.see_role("textbox", "Password").await;
    password.send_keys("s3cret").await.unwrap();
    app.click("button", "Test connection").await;
    app.see("[role=status]", "Connected to OpenCode 1.18.33")
        .await;
    app.click("button", "Save").await;
    app.see("[role=status]", "Settings saved").await;
    assert_eq!(
        app.browser
            .local_storage("branchpoint.passwords")
            .await
            .unwrap(),
        None,
        "not remembered unless ticked"
    );
    assert!(!app
        .browser
        .local_storage("branchpoint.settings.v1")
        .await
        .unwrap()
        .unwrap()
        .contains("s3cret"));
    app.browser
        .screenshot(root().join("target/screenshots/settings.png"))
        .await
        .unwrap();
    // Ticked, the password is kept across visits.
    app.click("checkbox", "Remember password").await;
    app.click("button", "Save").await;
    app.browser
        .wait_until(
            "(localStorage.getItem('branchpoint.passwords') || '').includes('\"s3cret\"')",
            WAIT,
        )
        .await
        .unwrap();
    app.click("link", "Sessions").await;
    app.see(".session-row", "Guarded").await;
}

#[tokio::test]
async fn deep_links_work_on_a_host_that_falls_back_to_404_html() {
    let server = OpenCode::start().await;
    let session = server.seed("Deep link", &["hello from a deep link"]).await;
    let site = StaticSite::start_with(true);
    let deep = site.url(&format!("/session/{}", session.id));
    let status = reqwest::get(&deep).await.unwrap().status().as_u16();
    assert_eq!(
        status, 404,
        "the host answers 404 with 404.html, as GitHub Pages does"
    );

    let app = App::start_on(site, &server.base_url(), None).await;
    app.browser.goto(&deep).await.unwrap();
    app.see_role("heading", "Deep link").await;
    app.see("article", "hello from a deep link").await;
}

#[tokio::test]
async fn pages_left_for_the_back_forward_cache_do_not_hold_the_servers_connections() {
    // Chromium keeps a page it caches for Back with its streaming fetch of /event open: after
    // six such pages, every request to the server would queue behind them. The page stops its
    // stream when it is hidden and opens it again when shown.
    let server = OpenCode::start().await;
    server.seed("Still answering", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    for path in ["/settings", "/lineage"].iter().cycle().take(8) {
        app.open(path).await;
        app.see(".stream", "Live").await;
    }
    app.open("/").await;
    app.see(".session-row", "Still answering").await;
    // Back to a cached page: its stream comes back, and it says so.
    app.browser.back().await.unwrap();
    app.see_role("heading", "Lineage").await;
    app.see(".stream", "Live").await;
}
