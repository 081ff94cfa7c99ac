//! Forking in the browser, against a real server: every fork point, edit and resend, the whole
//! session, navigation, banner and markers, siblings, the double-click guard, errors, and the
//! lineage surviving a reload. Each new session's messages are checked through the API too.

mod support;

use std::time::Duration;

use branchpoint::api::Client;
use serde_json::json;
use support::app::{App, WAIT};
use support::{root, FaultProxy, OpenCode, Reqwest};

async fn texts(client: &Client<Reqwest>, id: &str) -> Vec<String> {
    client
        .messages(id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.text())
        .collect()
}

#[tokio::test]
async fn fork_from_first_middle_and_last_messages_and_find_the_way_back() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server
        .chat("Source", &["first question", "second question"])
        .await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "Scripted reply to: second question")
        .await;
    let fork_button = app
        .browser
        .find_by_role_name("button", "Fork from here")
        .await
        .unwrap();
    assert!(fork_button.is_displayed().await.unwrap());

    // The first message (user): its turn, with the reply.
    app.click_in_article(0, "Fork from here").await;
    let first = app.landed_on(&source.id).await;
    app.see(".fork-banner", "Forked from Source").await;
    assert!(app
        .text(".fork-banner")
        .await
        .contains("after “first question”"));
    assert_eq!(
        texts(&client, &first).await,
        ["first question", "Scripted reply to: first question"]
    );
    app.see_role("heading", "Source — after “first question”")
        .await;
    // What is shown, said when it is not the fork's two messages (once, in a fresh clone, four
    // were counted here: which four, and on which page, is what this says next time).
    let shown = app
        .strings("return [location.pathname, ...[...document.querySelectorAll('article')].map(a => a.id + ' ' + a.textContent.slice(0, 60))];")
        .await;
    assert_eq!(shown.len(), 3, "{shown:#?}");

    // Back to the parent by the banner's link; the fork point shows a marker with the fork.
    app.browser.find("article").await.unwrap();
    app.click("link", "Source").await;
    app.see("nav[aria-label='Forks from this message']", "1 fork here")
        .await;
    assert_eq!(app.count("article").await, 4);

    // A middle message (the first reply, an assistant message): the same turn.
    app.click_in_article(1, "Fork from here").await;
    let middle = app.landed_on(&source.id).await;
    assert_eq!(texts(&client, &middle).await.len(), 2);

    // The last message: everything.
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "Scripted reply to: second question")
        .await;
    app.click_in_article(3, "Fork from here").await;
    let last = app.landed_on(&source.id).await;
    assert_eq!(
        texts(&client, &last).await,
        texts(&client, &source.id).await
    );

    // The lineage is in localStorage and survives a reload.
    let stored = app
        .browser
        .local_storage("branchpoint.lineage")
        .await
        .unwrap()
        .expect("lineage stored");
    for id in [&first, &middle, &last] {
        assert!(stored.contains(id.as_str()), "{id} missing from {stored}");
    }
    app.browser.refresh().await.unwrap();
    app.see(".fork-banner", "Forked from Source").await;
    app.browser
        .screenshot(root().join("target/screenshots/fork-banner.png"))
        .await
        .unwrap();

    // The sessions list marks forks, and can show them under their source.
    app.open("/").await;
    app.see(".session-row", "fork of Source").await;
    app.click("checkbox", "Show forks under their source").await;
    app.browser
        .wait_until(
            "document.querySelectorAll('.session-row.depth-1').length === 3",
            WAIT,
        )
        .await
        .unwrap();
    app.browser
        .screenshot(root().join("target/screenshots/sessions-forks.png"))
        .await
        .unwrap();
}

#[tokio::test]
async fn edit_and_resend_whole_session_and_siblings() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server
        .chat("Source", &["first question", "second question"])
        .await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "Scripted reply to: second question")
        .await;

    // Edit and resend the second question: a fork before it, its text in the composer, focused.
    app.click_in_article(2, "Edit and resend").await;
    let edit = app.landed_on(&source.id).await;
    let focused = app
        .browser
        .wait_until(
            "document.activeElement && document.activeElement.id === 'composer-input'",
            WAIT,
        )
        .await;
    if focused.is_err() {
        let debug = app.browser.execute("return [document.activeElement && document.activeElement.outerHTML.slice(0, 200), document.querySelector('#composer-input') && document.querySelector('#composer-input').value, location.href];", vec![]).await.unwrap();
        panic!("composer not focused: {debug}");
    }
    let value = app
        .browser
        .find("#composer-input")
        .await
        .unwrap()
        .property("value")
        .await
        .unwrap();
    assert_eq!(value, json!("second question"));
    assert_eq!(texts(&client, &edit).await.len(), 2, "not sent");
    app.see(".fork-banner", "editing “second question”").await;
    app.browser
        .screenshot(root().join("target/screenshots/edit-and-resend.png"))
        .await
        .unwrap();

    // Send the edited text: it reaches the server and gets a reply.
    let composer = app.browser.find("#composer-input").await.unwrap();
    composer.send_keys(" (edited)").await.unwrap();
    app.click("button", "Send").await;
    app.see("article", "Scripted reply to: second question (edited)")
        .await;
    assert_eq!(texts(&client, &edit).await.len(), 4);

    // The whole session from the header.
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "Scripted reply to: second question")
        .await;
    app.click("button", "Fork session").await;
    let whole = app.landed_on(&source.id).await;
    assert_eq!(
        texts(&client, &whole).await,
        texts(&client, &source.id).await
    );
    app.see(".fork-banner", "a copy of the whole session").await;

    // Two forks at the same point are siblings: ‹ 1 / 2 › moves between them.
    app.open(&format!("/session/{}", source.id)).await;
    app.click("button", "Fork session").await;
    let second_whole = app.landed_on(&source.id).await;
    assert_ne!(second_whole, whole);
    app.see(".sibling-count", "2 / 2").await;
    app.click("link", "Previous sibling fork").await;
    app.see(".sibling-count", "1 / 2").await;
    assert!(app.browser.current_url().await.unwrap().ends_with(&whole));
    app.click("link", "Next sibling fork").await;
    app.see(".sibling-count", "2 / 2").await;
    assert!(app
        .browser
        .current_url()
        .await
        .unwrap()
        .ends_with(&second_whole));
}

#[tokio::test]
async fn a_double_click_makes_one_fork_and_errors_are_told() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Guarded", &["one", "two"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "two").await;

    let before = client.list_sessions().await.unwrap().len();
    let double = "const b = Array.from(document.querySelectorAll('article')[0].querySelectorAll('button'))
        .find(b => b.textContent.trim() === 'Fork from here'); b.click(); b.click(); b.click(); return true;";
    app.browser.execute(double, vec![]).await.unwrap();
    app.landed_on(&source.id).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        client.list_sessions().await.unwrap().len(),
        before + 1,
        "one fork for a triple click"
    );

    // A message deleted on the server since the page loaded, while the page hears no events
    // (its event stream is blocked): the page still offers it; the fork is refused.
    let deaf = FaultProxy::start(&server.base_url(), r"^GET /event$", 503);
    let app = App::start(&deaf.url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "two").await;
    let messages = client.messages(&source.id).await.unwrap();
    let doomed = messages[1].info.id();
    let url = format!(
        "{}/session/{}/message/{}",
        server.base_url(),
        source.id,
        doomed
    );
    let deleted = reqwest::Client::new().delete(&url).send().await.unwrap();
    assert!(
        deleted.status().is_success(),
        "delete message: {}",
        deleted.status()
    );
    let count = client.list_sessions().await.unwrap().len();
    app.click_in_article(1, "Fork from here").await;
    app.see("[role=alert]", "not in this session").await;
    assert_eq!(client.list_sessions().await.unwrap().len(), count);
    assert!(
        app.browser
            .current_url()
            .await
            .unwrap()
            .ends_with(&source.id),
        "stayed on the session"
    );
    let enabled = app
        .browser
        .find_by_role_name("button", "Fork from here")
        .await
        .unwrap()
        .is_enabled()
        .await
        .unwrap();
    assert!(enabled, "the buttons work again after a failure");
}

#[tokio::test]
async fn server_failures_during_a_fork_are_shown_and_record_nothing() {
    let mut server = OpenCode::start().await;
    let source = server.seed("Fragile", &["alpha", "beta"]).await;

    // A 500 from the fork endpoint, with the server's own message.
    let proxy = FaultProxy::start(&server.base_url(), r"^POST /session/[^/]+/fork$", 500);
    let app = App::start(&proxy.url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "beta").await;
    app.click_in_article(0, "Fork from here").await;
    let toast = app.see("[role=alert]", "injected failure").await;
    assert!(
        toast.text().await.unwrap().contains("err_injected"),
        "the server's reference is shown"
    );
    // Shown early, the fork's page goes back to the source once refused.
    at(&app, &format!("/session/{}", source.id)).await;
    assert_eq!(
        app.browser
            .local_storage("branchpoint.lineage")
            .await
            .unwrap(),
        None,
        "nothing recorded"
    );
    app.browser
        .screenshot(root().join("target/screenshots/fork-error.png"))
        .await
        .unwrap();

    // The server stopped after the page loaded.
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "beta").await;
    server.stop();
    app.click_in_article(1, "Fork from here").await;
    app.see("[role=alert]", "Could not reach the OpenCode server")
        .await;
    assert_eq!(
        app.browser
            .local_storage("branchpoint.lineage")
            .await
            .unwrap(),
        None
    );
    // On the source (it may have shown the fork early, if the page had not noticed yet that
    // the server went: then it came back).
    at(&app, &format!("/session/{}", source.id)).await;
}

#[tokio::test]
async fn a_busy_session_asks_before_forking() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.busy("Running", "finished").await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "finished").await;
    app.click("button", "Fork session").await;
    app.see_role("dialog", "").await;
    app.browser
        .screenshot(root().join("target/screenshots/busy-dialog.png"))
        .await
        .unwrap();
    app.click("button", "Fork what is complete").await;
    let fork = app.landed_on(&source.id).await;
    let copied = client.messages(&fork).await.unwrap();
    assert!(
        !copied.iter().any(branchpoint::fork::is_running),
        "the running reply was left out"
    );
    assert_eq!(copied.len(), 3);
}

#[tokio::test]
async fn rename_in_place_reaches_the_server_and_the_lineage() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Old name", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "hello").await;
    app.click("button", "Fork session").await;
    let fork = app.landed_on(&source.id).await;
    app.see(".fork-banner", "Forked from Old name").await;

    // Rename the parent from the fork's banner link, by keyboard: Escape cancels, Enter saves.
    app.click("link", "Old name").await;
    app.see_role("heading", "Old name").await;
    app.click("button", "Rename session").await;
    let input = app.see_role("textbox", "Session title").await;
    input.send_keys("\u{E00C}").await.unwrap(); // Escape
    app.see_role("heading", "Old name").await;
    app.click("button", "Rename session").await;
    let input = app.see_role("textbox", "Session title").await;
    // Select all (Ctrl+A), type over it, Enter — as a person would, so input events fire.
    input
        .send_keys("\u{E009}a\u{E000}New name\u{E007}")
        .await
        .unwrap();
    app.see_role("heading", "New name").await;
    assert_eq!(
        client.get_session(&source.id).await.unwrap().title,
        "New name"
    );

    // The fork's banner follows, from the lineage in this browser.
    app.open(&format!("/session/{fork}")).await;
    app.see(".fork-banner", "Forked from New name").await;

    // An empty title is refused with a message, and nothing is sent.
    app.click("button", "Rename session").await;
    let input = app.see_role("textbox", "Session title").await;
    input
        .send_keys("\u{E009}a\u{E000}\u{E003}\u{E007}")
        .await
        .unwrap();
    app.see("[role=alert]", "cannot be empty").await;
    assert_ne!(client.get_session(&fork).await.unwrap().title, "");
}

#[tokio::test]
async fn edit_and_resend_keeps_the_attached_files() {
    let server = OpenCode::start().await;
    let client = server.client();
    std::fs::write(server.project_dir().join("notes.txt"), "some notes\n").unwrap();
    let url = format!(
        "file://{}",
        server.project_dir().join("notes.txt").display()
    );
    let source = client.create_session(Some("With a file")).await.unwrap();
    let message = branchpoint::api::PromptInput {
        parts: vec![
            branchpoint::api::PartInput::Text {
                id: None,
                text: "read this".into(),
            },
            branchpoint::api::PartInput::File {
                id: None,
                mime: "text/plain".into(),
                url: url.clone(),
                filename: Some("notes.txt".into()),
            },
        ],
        no_reply: true,
        ..Default::default()
    };
    client.prompt(&source.id, &message).await.unwrap();
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "read this").await;
    app.click_in_article(0, "Edit and resend").await;
    let fork = app.landed_on(&source.id).await;
    app.see("ul[aria-label='Attached files']", "notes.txt")
        .await;
    app.click("button", "Send").await;
    app.see("article", "Scripted reply to: read this").await;
    let sent = client.messages(&fork).await.unwrap();
    let files: Vec<String> = sent[0]
        .parts
        .iter()
        .filter_map(|p| match p {
            branchpoint::api::Part::File(f) => Some(f.url.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(files, [url], "the file went out with the edited message");
    assert!(app
        .browser
        .find_all("ul[aria-label='Attached files']")
        .await
        .unwrap()
        .is_empty());
}

/// The composer's text, as the page shows it.
async fn composer_text(app: &App) -> String {
    app.see_role("textbox", "Message")
        .await
        .property("value")
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Waits until the page is at `path` (a person sees the page change).
async fn at(app: &App, path: &str) {
    app.browser
        .wait_until(&format!("location.pathname === {}", json!(path)), WAIT)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A proxy to `server` that holds every fork `ms` milliseconds before passing it on.
fn slow_forks(server: &OpenCode, ms: &str) -> FaultProxy {
    FaultProxy::start_with(
        &server.base_url(),
        &["--delay", r"^POST /session/[^/]+/fork$", "--delay-ms", ms],
    )
}

/// Waits until the page shows a fork being made.
async fn forking(app: &App) {
    app.browser
        .wait_until("location.pathname.startsWith('/session/forking-')", WAIT)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn a_fork_shows_before_the_server_has_made_it_and_becomes_the_real_one() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Early", &["alpha", "beta"]).await;
    // The server takes its time over every fork.
    let proxy = slow_forks(&server, "3000");
    let app = App::start(&proxy.url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "beta").await;
    app.see_role("status", "Live").await;
    app.click_in_article(0, "Fork from here").await;

    // At once, long before the server answers: the fork's banner, title and copied messages,
    // and a composer that takes a draft but waits to send it.
    forking(&app).await;
    app.see_role("note", "Forked from Early").await;
    app.see_role("heading", "Early — after “alpha”").await;
    app.see_role("status", "Forking…").await;
    assert_eq!(app.count("article").await, 1, "the messages it copies");
    let send = app.see_role("button", "Send").await;
    assert!(!send.is_enabled().await.unwrap(), "nothing to send to yet");
    app.see_role("textbox", "Message")
        .await
        .send_keys("what I type while it forks")
        .await
        .unwrap();
    app.screenshots("fork-early").await;

    // The answer: the page becomes the fork's own, the draft with it; Back goes to the source.
    let fork = app.landed_on(&source.id).await;
    assert_eq!(texts(&client, &fork).await, ["alpha"]);
    app.see_role("note", "Forked from Early").await;
    assert_eq!(composer_text(&app).await, "what I type while it forks");
    let stored = app
        .browser
        .local_storage("branchpoint.lineage")
        .await
        .unwrap()
        .expect("the edge recorded");
    assert!(stored.contains(&fork), "{stored}");
    app.browser.back().await.unwrap();
    at(&app, &format!("/session/{}", source.id)).await;
    app.see("article", "beta").await;
}

/// A long session's page holds its newest messages only: the fork shown early says it copies
/// the earlier ones too, and is windowed like its source (not every copied message drawn).
#[tokio::test]
async fn an_early_fork_of_a_long_session_is_windowed_and_says_it_copies_the_earlier_ones() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server
        .seed_many("Long", 100, |i| format!("long message {i}"))
        .await;
    let proxy = slow_forks(&server, "3000");
    let app = App::start(&proxy.url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "long message 100").await;
    app.see_role("status", "Live").await;
    let last = app.count("article").await - 1;
    app.click_in_article(last, "Fork from here").await;

    forking(&app).await;
    app.see_role(
        "status",
        "copying these 60 messages and the earlier ones before them",
    )
    .await;
    app.see("article", "long message 100").await;
    let drawn = app.count("article").await;
    assert!(
        drawn < 60,
        "{drawn} of the 60 copied messages drawn at once"
    );
    app.screenshots("fork-early-long").await;

    // Made: the fork holds all 100, its page the newest of them.
    let fork = app.landed_on(&source.id).await;
    assert_eq!(texts(&client, &fork).await.len(), 100);
    app.see(".session-header", "the newest 60 messages").await;
}

#[tokio::test]
async fn a_refused_early_fork_goes_back_to_the_source_with_its_draft() {
    let server = OpenCode::start().await;
    let source = server.seed("Refused", &["alpha", "beta"]).await;
    // The server is slow, then refuses.
    let fork = r"^POST /session/[^/]+/fork$";
    let proxy = FaultProxy::start_with(
        &server.base_url(),
        &[
            "--delay",
            fork,
            "--delay-ms",
            "2000",
            "--fail",
            fork,
            "--status",
            "500",
        ],
    );
    let app = App::start(&proxy.url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "beta").await;
    app.see_role("status", "Live").await;
    app.click_in_article(1, "Fork from here").await;
    forking(&app).await;
    app.see_role("textbox", "Message")
        .await
        .send_keys("keep this")
        .await
        .unwrap();

    // Told why, back on the source, the draft in its composer, nothing recorded.
    app.see_role("alert", "injected failure").await;
    at(&app, &format!("/session/{}", source.id)).await;
    app.see("article", "beta").await;
    assert_eq!(composer_text(&app).await, "keep this");
    assert_eq!(
        app.browser
            .local_storage("branchpoint.lineage")
            .await
            .unwrap(),
        None,
        "nothing recorded"
    );
    app.browser
        .screenshot(root().join("target/screenshots/fork-early-refused.png"))
        .await
        .unwrap();
}

#[tokio::test]
async fn leaving_an_early_fork_keeps_the_fork_going_and_records_it() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Left", &["alpha", "beta"]).await;
    let proxy = slow_forks(&server, "2000");
    let app = App::start(&proxy.url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "beta").await;
    app.see_role("status", "Live").await;
    app.click_in_article(0, "Fork from here").await;
    forking(&app).await;
    // Back while the server works: the source again, and the page stays there.
    app.browser.back().await.unwrap();
    at(&app, &format!("/session/{}", source.id)).await;
    app.see_role("status", "Forked into “Left — after “alpha””")
        .await;
    assert!(
        app.is_at(&source.id).await,
        "the answer did not take the page along"
    );
    let forks: Vec<_> = client
        .list_sessions()
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.id != source.id)
        .collect();
    assert_eq!(forks.len(), 1, "one fork made");
    let stored = app
        .browser
        .local_storage("branchpoint.lineage")
        .await
        .unwrap()
        .expect("the edge recorded");
    assert!(stored.contains(&forks[0].id), "{stored}");
    // The source marks its fork point.
    app.see_role("navigation", "Forks from this message").await;
}
