//! Live chat in the browser against a real server and the scripted model: streaming over
//! `/event`, Stop, permission prompts, reconnecting after a restart, drafts, new and deleted
//! sessions.

mod support;

use std::time::{Duration, Instant};

use branchpoint::api::PromptInput;
use serde_json::json;
use support::app::{App, WAIT};
use support::{root, OpenCode, ServerOptions};

/// Types `text` into the composer and presses Enter.
async fn send(app: &App, text: &str) {
    let composer = app.see_role("textbox", "Message").await;
    composer
        .send_keys(&format!("{text}\u{E007}"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_reply_streams_in_place_without_redrawing_the_rest() {
    let server = OpenCode::start().await;
    let session = server.chat("Streaming", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "Scripted reply to: hello").await;
    app.see(".stream", "Live").await;
    // Mark the first article: if the list were redrawn, the mark would be gone.
    app.browser
        .execute(
            "document.querySelector('article').dataset.mark = 'kept';",
            vec![],
        )
        .await
        .unwrap();

    let prompt = "tell me a long story please [[slow:250]]";
    send(&app, prompt).await;
    let full = "Scripted reply to: tell me a long story please";
    let script = "const a = document.querySelectorAll('article'); return a.length ? a[a.length - 1].innerText : '';";
    let mut seen: Vec<String> = Vec::new();
    let deadline = Instant::now() + WAIT;
    loop {
        let text = app
            .browser
            .execute(script, vec![])
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if seen.last() != Some(&text) {
            seen.push(text.clone());
        }
        if text.contains(full) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the reply never completed; saw {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    let partial: Vec<&String> = seen
        .iter()
        .filter(|t| t.contains("Scripted") && !t.contains(full))
        .collect();
    assert!(
        partial.len() >= 2,
        "the text should grow in steps, saw {seen:?}"
    );
    let mark = app
        .browser
        .execute(
            "return document.querySelector('article').dataset.mark;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(mark, json!("kept"), "the earlier messages were not redrawn");
    // What the page shows is what the server has (its text part is filled in when it completes).
    let client = server.client();
    let deadline = Instant::now() + WAIT;
    let messages = loop {
        let messages = client.messages(&session.id).await.unwrap();
        if messages.last().map(|m| m.text()) == Some(full.to_owned()) {
            break messages;
        }
        assert!(
            Instant::now() < deadline,
            "the server never completed the reply"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(app.count("article").await, messages.len());
}

#[tokio::test]
async fn stop_ends_a_running_reply() {
    let server = OpenCode::start().await;
    let session = server.chat("Stoppable", &["hi"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "Scripted reply to: hi").await;
    send(&app, "go slowly [[slow:1500]]").await;
    app.click("button", "Stop").await;
    app.see(".message-error", "Aborted").await;
    app.browser.wait_until("!Array.from(document.querySelectorAll('button')).some(b => b.textContent.trim() === 'Stop')", WAIT).await.unwrap();
    let status = server.client().session_status().await.unwrap();
    assert!(
        !status.contains_key(&session.id),
        "the server is idle again"
    );
}

#[tokio::test]
async fn a_permission_reply_lets_the_tool_run() {
    let options = ServerOptions {
        ask_bash: true,
        ..Default::default()
    };
    let server = OpenCode::start_with(options).await;
    let session = server.seed("Careful", &["start"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "start").await;
    send(&app, "run it [[tool:bash:echo permitted]]").await;
    let prompt = app
        .see("section[aria-label='Permission request']", "wants to run")
        .await;
    assert!(prompt.text().await.unwrap().contains("echo permitted"));
    app.browser
        .screenshot(root().join("target/screenshots/permission.png"))
        .await
        .unwrap();
    app.click("button", "Allow once").await;
    app.see("article", "The tool said: permitted").await;
    assert!(app
        .browser
        .find_all("section[aria-label='Permission request']")
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_restarted_server_loses_nothing() {
    let mut server = OpenCode::start().await;
    let session = server.seed("Durable", &["before the restart"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "before the restart").await;
    app.see(".stream", "Live").await;

    let port = server.port;
    server.stop();
    app.see(".stream", "Offline").await;
    server.launch(port).await;
    // Written while the page is not listening yet: only the refetch after reconnecting shows it.
    let mut input = PromptInput::text("written during the outage");
    input.no_reply = true;
    server.client().prompt(&session.id, &input).await.unwrap();
    // Reconnecting may take up to one backoff step (15 s at most) after the server is back.
    app.see(".stream", "Live").await;
    app.see("article", "written during the outage").await;
}

#[tokio::test]
async fn drafts_survive_a_reload_and_sessions_are_created_and_deleted() {
    let server = OpenCode::start().await;
    let app = App::start(&server.base_url(), None).await;
    app.open("/").await;
    app.see("p", "No sessions yet").await;
    app.click("button", "New session").await;
    let id = app.landed_on("").await;
    assert!(id.starts_with("ses_"), "{id}");

    let composer = app.see_role("textbox", "Message").await;
    composer
        .send_keys("half a thought\u{E008}\u{E007}\u{E000}second line")
        .await
        .unwrap(); // Shift+Enter breaks the line
    app.browser.refresh().await.unwrap();
    let composer = app.see_role("textbox", "Message").await;
    assert_eq!(
        composer.property("value").await.unwrap(),
        json!("half a thought\nsecond line")
    );
    assert!(
        server.client().messages(&id).await.unwrap().is_empty(),
        "nothing was sent"
    );

    app.click("button", "Delete").await;
    app.see_role("alertdialog", "").await;
    app.click("button", "Delete session").await;
    app.browser
        .wait_until("location.pathname === '/'", WAIT)
        .await
        .unwrap();
    assert!(
        server.client().get_session(&id).await.is_err(),
        "deleted on the server"
    );
}

#[tokio::test]
async fn agent_and_model_pickers_and_provider_errors() {
    let server = OpenCode::start().await;
    let session = server.seed("Pickers", &["ready"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "ready").await;
    // Nothing is asked about models until a picker is opened.
    assert_eq!(app.requests_to("/config/providers").await, 0);
    app.click("combobox", "Model").await;
    app.browser.wait_until("Array.from(document.querySelectorAll('option')).some(o => o.value === 'scripted/scripted-1')", WAIT).await.unwrap();
    assert_eq!(app.requests_to("/config/providers").await, 1);
    let choose = "const [label, value] = arguments; const s = document.querySelector(`select[aria-label='${label}']`);
        s.value = value; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value;";
    app.browser
        .execute(choose, vec![json!("Model"), json!("scripted/scripted-1")])
        .await
        .unwrap();
    app.browser
        .execute(choose, vec![json!("Agent"), json!("plan")])
        .await
        .unwrap();
    send(&app, "with my choices").await;
    app.see("article", "Scripted reply to: with my choices")
        .await;
    let messages = server.client().messages(&session.id).await.unwrap();
    let user = messages.iter().rev().find_map(|m| match &m.info {
        branchpoint::api::MessageInfo::User(u) => Some(u.clone()),
        _ => None,
    });
    let user = user.unwrap();
    assert_eq!(user.agent, "plan");
    assert_eq!(user.model.unwrap().model_id, "scripted-1");
    assert_eq!(
        app.requests_to("/config/providers").await,
        1,
        "fetched once"
    );

    // A provider that fails: the server retries, and the page says why; Stop gives up.
    send(&app, "this will fail [[error:400]]").await;
    app.see(".retry-notice", "scripted provider error 400")
        .await;
    app.browser
        .screenshot(root().join("target/screenshots/chat-retry.png"))
        .await
        .unwrap();
    app.click("button", "Stop").await;
    let settled = "!document.querySelector('.retry-notice') && !document.querySelector('.running')";
    app.browser.wait_until(settled, WAIT).await.unwrap();
    let messages = server.client().messages(&session.id).await.unwrap();
    let error = messages.iter().rev().find_map(|m| match &m.info {
        branchpoint::api::MessageInfo::Assistant(a) => a.error.clone(),
        _ => None,
    });
    if let Some(error) = error {
        app.see(".message-error", &error.message()).await;
    }
    app.browser
        .screenshot(root().join("target/screenshots/chat.png"))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_models_questions_are_answered_inline() {
    let server = OpenCode::start().await;
    let session = server.seed("Questions", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "hello").await;
    let question = r#"{"questions":[{"question":"Which colour?","header":"Colour","options":[{"label":"Red","description":"warm"},{"label":"Blue","description":"cool"}]}]}"#;
    send(&app, &format!("ask me [[call:question:{question}]]")).await;
    app.see(
        "form[aria-label='Question from the model']",
        "Which colour?",
    )
    .await;
    app.browser
        .screenshot(root().join("target/screenshots/question.png"))
        .await
        .unwrap();
    app.click("radio", "Blue").await;
    app.click("button", "Answer").await;
    app.see("article", "The tool said:").await;
    app.see("article", "Blue").await;
    assert!(app
        .browser
        .find_all("form[aria-label='Question from the model']")
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn renames_and_deletions_elsewhere_show_up_live() {
    let server = OpenCode::start().await;
    let session = server.seed("Before", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "hello").await;
    app.see(".stream", "Live").await;
    server
        .client()
        .rename_session(&session.id, "Renamed in the TUI")
        .await
        .unwrap();
    app.see_role("heading", "Renamed in the TUI").await;
    server.client().delete_session(&session.id).await.unwrap();
    app.see("[role=alert]", "deleted on the server").await;
    app.see("article", "hello").await;
}

/// Whether the end of the page is in view (within the composer's height of it).
const AT_END: &str = "return scrollY + innerHeight >= document.documentElement.scrollHeight - 60;";

#[tokio::test]
async fn a_long_reply_is_followed_to_its_end_unless_you_scroll_up_and_stays_as_drawn() {
    let server = OpenCode::start().await;
    let session = server.chat("Long replies", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "Scripted reply to: hello").await;
    app.see(".stream", "Live").await;
    let client = server.client();

    // 40 KB in 200 pieces: hundreds of blocks, some groups of them out of view by the end.
    client
        .prompt_async(
            &session.id,
            &PromptInput::text("[[long:40000:200]] [[slow:15]]"),
        )
        .await
        .unwrap();
    // Marks the first group of blocks once it is drawn: a page drawn again would lose it.
    app.browser
        .wait_until(
            "(() => { const g = document.querySelector('.markdown.streamed .md-group'); if (!g) return false; g.dataset.mark = 'kept'; return true; })()",
            WAIT,
        )
        .await
        .unwrap();
    app.screenshot("long-reply-streaming").await;
    app.see("article", "END-OF-LONG-REPLY").await;
    app.browser
        .wait_until("!document.querySelector('.spinner')", WAIT)
        .await
        .unwrap();
    // Followed all the way: the end is in view, and so is the reply's last line.
    assert_eq!(
        app.browser.execute(AT_END, vec![]).await.unwrap(),
        json!(true)
    );
    let last_line_on_screen = "const r = [...document.querySelectorAll('article')].pop().getBoundingClientRect(); return r.bottom <= innerHeight + 1 && r.bottom > 0;";
    assert_eq!(
        app.browser
            .execute(last_line_on_screen, vec![])
            .await
            .unwrap(),
        json!(true)
    );
    // The finished reply is what was drawn as it came (its blocks make the same HTML as the
    // whole text), not drawn again.
    assert_eq!(
        app.browser
            .execute(
                "const g = document.querySelector('.markdown.streamed .md-group'); return g && g.dataset.mark;",
                vec![]
            )
            .await
            .unwrap(),
        json!("kept")
    );
    let groups = app.count(".markdown.streamed .md-group").await;
    assert!(groups >= 10, "the reply is kept in groups: {groups}");

    // A second long reply, scrolled away from: the page stays where the reader put it.
    client
        .prompt_async(
            &session.id,
            &PromptInput::text("again [[long:40000:200]] [[slow:15]]"),
        )
        .await
        .unwrap();
    app.browser
        .wait_until(
            "(() => { const a = document.querySelectorAll('article'); return a.length >= 6 && a[a.length - 1].innerText.length > 2000; })()",
            WAIT,
        )
        .await
        .unwrap();
    app.browser
        .execute("window.scrollBy(0, -1500);", vec![])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let put = app
        .browser
        .execute("return scrollY;", vec![])
        .await
        .unwrap();
    app.browser
        .wait_until("!document.querySelector('.spinner')", WAIT)
        .await
        .unwrap();
    let ended = app
        .browser
        .execute("return scrollY;", vec![])
        .await
        .unwrap();
    assert_eq!(put, ended, "the page moved under the reader");
    assert_eq!(
        app.browser.execute(AT_END, vec![]).await.unwrap(),
        json!(false)
    );
    let text = client.messages(&session.id).await.unwrap();
    assert!(text
        .last()
        .is_some_and(|m| m.text().ends_with("END-OF-LONG-REPLY")));
    app.screenshots("long-reply-finished").await;
}
