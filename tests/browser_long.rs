//! A 10,000-message session in headless Chromium: it opens with its newest page, only what is
//! on screen is in the DOM, the newest message shows on open, the first one is a scroll away
//! (older pages load on the way, every message once and in order), and Tab walks on through
//! messages that were not rendered yet.

mod support;

use serde_json::json;
use support::app::{App, WAIT};
use support::{root, OpenCode};

const N: usize = 10_000;

fn text(i: usize) -> String {
    match i {
        1 => "The very first message (first-of-all).".to_owned(),
        N => "The newest message (last-of-all).".to_owned(),
        _ => format!("Message number {i}: some words so that it wraps like a real prompt would."),
    }
}

/// Elements in the page, and messages among them.
async fn dom(app: &App) -> (u64, u64) {
    let v = app
        .browser
        .execute(
            "return [document.getElementsByTagName('*').length, document.querySelectorAll('article').length];",
            vec![],
        )
        .await
        .unwrap();
    (v[0].as_u64().unwrap(), v[1].as_u64().unwrap())
}

/// Is the article holding `needle` on screen?
async fn on_screen(app: &App, needle: &str) -> bool {
    let script = "const a = [...document.querySelectorAll('article')].find(a => a.textContent.includes(arguments[0]));
        if (!a) return false; const r = a.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight;";
    app.browser
        .execute(script, vec![json!(needle)])
        .await
        .unwrap()
        .as_bool()
        .unwrap()
}

#[tokio::test]
async fn a_ten_thousand_message_session_keeps_the_dom_small() {
    let server = OpenCode::start().await;
    let session = server.seed_many("Ten thousand", N, text).await;
    let app = App::start(&server.base_url(), None).await;

    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "last-of-all").await;
    app.browser
        .wait_until(
            "(() => { const a = [...document.querySelectorAll('article')].pop(); const r = a.getBoundingClientRect(); return a.textContent.includes('last-of-all') && r.top < innerHeight && r.bottom > 0; })()",
            WAIT,
        )
        .await
        .expect("the newest message on screen on open");
    let header = app.text(".session-header").await;
    assert!(
        header.contains("the newest 60 messages (earlier ones load as you scroll up)"),
        "{header}"
    );
    // Asked once, and only for what the page shows: the newest page; the model list waits for
    // the picker.
    assert_eq!(
        app.requests_to("/message").await,
        1,
        "messages fetched once"
    );
    assert_eq!(app.requests_to("/provider").await, 0, "no model list yet");
    let (elements, articles) = dom(&app).await;
    assert!(
        articles <= 60 && elements < 2_000,
        "{articles} articles, {elements} elements"
    );
    // Every rendered message keeps its fork action.
    let forks = app.count("article .fork-button").await;
    assert_eq!(
        forks as u64, articles,
        "a Fork from here button on each message"
    );
    app.browser
        .screenshot(root().join("target/screenshots/long-session-end.png"))
        .await
        .unwrap();

    // Scroll to the top, as far as it goes, until the first message shows: older pages load
    // on the way, as a reader scrolling up waits for them.
    let mut reached = false;
    for _ in 0..1200 {
        app.browser
            .execute("window.scrollTo(0, 0); return 1;", vec![])
            .await
            .unwrap();
        if on_screen(&app, "first-of-all").await {
            reached = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(reached, "the first message never came on screen");
    let (elements, articles) = dom(&app).await;
    assert!(
        articles <= 60 && elements < 2_000,
        "at the top: {articles} articles, {elements} elements"
    );
    assert!(!on_screen(&app, "last-of-all").await);
    // Every message loaded once: the count is the session's, and the pages came in order.
    let header = app.text(".session-header").await;
    assert!(header.contains(&format!("{N} messages")), "{header}");
    let pages = app.requests_to("/message").await;
    assert!(pages > 1, "older pages were fetched ({pages} requests)");
    let ids = app
        .strings("return [...document.querySelectorAll('article')].map(a => a.id);")
        .await;
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "messages in order at the top");
    app.browser
        .screenshot(root().join("target/screenshots/long-session-top.png"))
        .await
        .unwrap();

    // Keyboard: Tab from the first message's fork button walks on into messages that were not
    // in the DOM when it started.
    let first_button = app.see_role("button", "Fork from here").await;
    app.browser
        .execute(
            "arguments[0].focus(); return 1;",
            vec![first_button.as_arg()],
        )
        .await
        .unwrap();
    let rendered = app
        .strings("return [...document.querySelectorAll('article')].map(a => a.id);")
        .await;
    let mut focused = String::new();
    for _ in 0..200 {
        app.browser.press("\u{E004}").await.unwrap(); // Tab
        focused = app
            .browser
            .execute(
                "const a = document.activeElement && document.activeElement.closest('article'); return a ? a.id : '';",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(!focused.is_empty(), "Tab left the messages");
        if !rendered.contains(&focused) {
            break;
        }
    }
    assert!(
        !rendered.contains(&focused),
        "Tab never reached a message beyond the first {} rendered",
        rendered.len()
    );
}
