//! What the agent did to the code, in the browser, against a real server whose scripted model
//! writes real files with `bash`: each turn's change line and its diff (added, modified and
//! deleted files), the session's in all, hostile patch text, compare's Code view, and undo
//! from here with the kept branch, the files on disk and redo. Screenshots light and dark,
//! desktop and 390 px wide, in target/screenshots/.

mod support;

use base64::Engine as _;
use branchpoint::api::MessageInfo;
use branchpoint::fork::{fork, ForkPoint, ForkRequest};
use serde_json::json;
use support::app::{App, WAIT};
use support::OpenCode;

/// Turn 1 adds a.txt and notes.txt; turn 2 changes a.txt, deletes notes.txt, adds b.txt.
const TURNS: [&str; 2] = [
    r"printf 'one\ntwo\nthree\n' > a.txt && printf 'keep me\n' > notes.txt",
    r"printf 'one\nTWO\nthree\nfour\n' > a.txt && rm notes.txt && printf 'new\n' > b.txt",
];

/// Focuses the element of `role` named `name` and presses Enter on it, as a keyboard user.
async fn enter_on(app: &App, role: &str, name: &str) {
    let element = app.see_role(role, name).await;
    app.browser
        .execute("arguments[0].focus();", vec![element.as_arg()])
        .await
        .unwrap();
    app.browser.press("\u{E007}").await.unwrap();
}

#[tokio::test]
async fn a_turn_shows_its_change_line_and_its_diff_by_keyboard() {
    let server = OpenCode::start().await;
    let session = server.code("Code", &TURNS).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;

    // Each turn's line under its reply, the session's in all in the header.
    app.see_role("button", "2 files changed, +4 −0").await;
    app.see_role("button", "3 files changed, +3 −2").await;
    app.see_role("button", "3 files changed, +7 −2 in 2 turns")
        .await;
    assert_eq!(app.count(".diff-view").await, 0, "nothing fetched yet");
    assert_eq!(app.requests_to("/diff?").await, 0);

    // Enter opens turn 2's diff: fetched now, one section per file with its status.
    enter_on(&app, "button", "3 files changed, +3 −2").await;
    app.see(".diff-view", "notes.txt").await;
    assert_eq!(app.requests_to("/diff?").await, 1);
    let files = app
        .strings(
            "return [...document.querySelectorAll('.diff-file-toggle')].map(b => b.textContent);",
        )
        .await;
    assert_eq!(
        files,
        [
            "▾a.txtmodified+2 −1",
            "▾b.txtadded+1 −0",
            "▾notes.txtdeleted+0 −1"
        ]
    );
    // Numbered lines, marked as well as coloured.
    let rows = app
        .strings(
            "return [...document.querySelector('.diff-table').querySelectorAll('tr.diff-line')]
               .map(r => [...r.cells].map(c => c.textContent).join('|'));",
        )
        .await;
    assert_eq!(
        rows,
        [
            "1|1| |one",
            "2||−|two",
            "|2|+|TWO",
            "3|3| |three",
            "|4|+|four"
        ]
    );
    app.screenshot("diff-turn").await;
    app.theme("dark").await;
    app.screenshot("diff-turn-dark").await;
    app.width(Some(390)).await;
    app.keeps_its_width().await;
    app.browser
        .execute(
            "document.querySelector('.turn-changes .diff-view').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    app.screenshot("diff-turn-dark-390").await;
    app.theme("light").await;
    app.screenshot("diff-turn-390").await;
    app.width(None).await;

    // A file is a button: Enter closes it, and again opens it.
    enter_on(&app, "button", "notes.txt").await;
    let expanded = "return [...document.querySelectorAll('.diff-file-toggle')].find(b => b.textContent.includes('notes.txt')).getAttribute('aria-expanded');";
    app.browser
        .wait_until(&format!("(function(){{{expanded}}})() === 'false'"), WAIT)
        .await
        .unwrap();

    // The session's changes in all, the turns fetched then, a file across turns.
    app.click("button", "3 files changed, +7 −2 in 2 turns")
        .await;
    app.see(".session-changes .diff-view", "added, then deleted")
        .await;
    app.see(".session-changes .diff-view", "Turn 2 · “turn 2")
        .await;
    app.screenshot("diff-session").await;
}

#[tokio::test]
async fn hostile_patch_text_renders_inert_and_the_page_keeps_its_width() {
    let server = OpenCode::start().await;
    let evil = "<script>window.__pwned = 1</script>\n<img src=x onerror=\"window.__pwned = 2\">\n<a href=\"javascript:window.__pwned=3\">link</a>\n";
    let command = format!(
        "printf '%s' {} > evil.html && python3 -c \"print('x' * 200000)\" > long.txt && seq 1 5000 > big.txt",
        shell_quote(evil)
    );
    let args = json!({"command": command, "description": "write hostile files"}).to_string();
    let b64 = base64::engine::general_purpose::STANDARD.encode(args);
    let session = server
        .chat("Hostile", &[&format!("write [[callb64:bash:{b64}]]")])
        .await;
    server.settled(&session.id).await;
    assert_eq!(server.read("evil.html").as_deref(), Some(evil));
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.click("button", "3 files changed, +5004 −0").await;
    app.see(".diff-view", "big.txt").await;
    // 5,000 lines: every file starts closed, and says how long it is.
    assert_eq!(app.count(".diff-table").await, 0);
    app.see_role("button", "big.txt").await;
    app.see(".diff-file-toggle", "5001 lines").await;
    for file in ["evil.html", "long.txt"] {
        enter_on(&app, "button", file).await;
    }
    app.see(".diff-table", "<script>window.__pwned = 1</script>")
        .await;
    let inert = app
        .browser
        .execute(
            "return [window.__pwned === undefined, document.querySelectorAll('.diff-view script, .diff-view img, .diff-view a').length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(inert, json!([true, 0]));
    assert_eq!(app.browser.dialog_text().await, None);
    app.keeps_its_width().await;
    // The long line's box scrolls; the page does not.
    let scroll = app
        .browser
        .execute(
            "const boxes = [...document.querySelectorAll('.diff-scroll')]; return boxes.some(b => b.scrollWidth > b.clientWidth + 1000);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(scroll, json!(true));
    app.width(Some(390)).await;
    app.keeps_its_width().await;
    app.screenshot("diff-hostile-390").await;
    app.width(None).await;
    // The big file, opened, draws 500 rows at a time.
    enter_on(&app, "button", "big.txt").await;
    app.see_role("button", "Show 500 more lines (4501 not shown)")
        .await;
    let rows = "return [...document.querySelectorAll('.diff-table')].map(t => t.rows.length);";
    assert_eq!(
        app.browser.execute(rows, vec![]).await.unwrap(),
        json!([500, 4, 2])
    );
    enter_on(&app, "button", "Show 500 more lines").await;
    app.see_role("button", "Show 500 more lines (4001 not shown)")
        .await;
    assert_eq!(
        app.browser.execute(rows, vec![]).await.unwrap(),
        json!([1000, 4, 2])
    );
    app.screenshot("diff-hostile").await;
}

/// Quotes `text` for a POSIX shell.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[tokio::test]
async fn compare_shows_each_branchs_code_and_the_file_both_changed_side_by_side() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server
        .code(
            "Plan",
            &[r"mkdir -p src && printf 'fn x() {}\n' > src/x.rs"],
        )
        .await;
    let messages = client.messages(&source.id).await.unwrap();
    let last = messages.last().unwrap().info.id().to_owned();
    let b = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Through(last)),
        1.0,
    )
    .await
    .unwrap()
    .session;
    let a_turn =
        r"turn 2 [[tool:bash:printf 'fn x() { a() }\n' > src/x.rs && printf 'a\n' > a.txt]]";
    let b_turn = r"turn 2 [[tool:bash:printf 'fn x() { b() }\n' > src/x.rs && printf 'b\n' > b.txt && printf 'c\n' > c.txt]]";
    for (id, prompt) in [(&source.id, a_turn), (&b.id, b_turn)] {
        client
            .prompt(id, &branchpoint::api::PromptInput::text(prompt))
            .await
            .unwrap();
        server.settled(id).await;
    }
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/compare?a={}&b={}", source.id, b.id))
        .await;
    app.see(".compare-shared", "shared up to the fork point")
        .await;
    app.click("button", "Code").await;
    app.see(
        ".code-summary",
        "A changed 2 files, B changed 3, both changed src/x.rs",
    )
    .await;
    app.see(".code-both", "src/x.rs").await;
    let pair = app
        .strings("return [...document.querySelectorAll('.code-pair .diff-table')].map(t => t.textContent);")
        .await;
    assert_eq!(pair.len(), 2, "{pair:?}");
    assert!(pair[0].contains("fn x() { a() }") && pair[1].contains("fn x() { b() }"));
    app.see("section[aria-label='Only A changed']", "a.txt")
        .await;
    app.see("section[aria-label='Only B changed']", "c.txt")
        .await;
    let only_a = app.text("section[aria-label='Only A changed']").await;
    assert!(!only_a.contains("src/x.rs"), "{only_a}");
    app.screenshot("compare-code").await;
    app.theme("dark").await;
    app.width(Some(390)).await;
    app.keeps_its_width().await;
    app.screenshot("compare-code-dark-390").await;
}

/// The composer holds the undone second prompt (put back by an undo): returned, to write in.
async fn composer_holds_turn_2(app: &App) -> support::webdriver::Element {
    let composer = app.browser.find("#composer-input").await.unwrap();
    let text = composer.property("value").await.unwrap();
    assert!(
        text.as_str()
            .unwrap_or_default()
            .starts_with("turn 2 [[tool:bash:"),
        "{text}"
    );
    composer
}

#[tokio::test]
async fn undo_from_here_keeps_the_branch_puts_the_files_back_and_redo_restores_them() {
    let server = OpenCode::start().await;
    let client = server.client();
    let session = server.code("Code", &TURNS).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see_role("button", "3 files changed, +3 −2").await;

    // Undo from the second prompt.
    app.click_in_user_message(1, "Undo from here").await;
    app.see(".undone-notice", "Undone from “turn 2").await;
    app.see(".toasts", "kept as “Code — before undo”").await;
    // The toast says the message is back in the composer: it leaves it clear, wide and narrow.
    app.toasts_leave_the_composer_clear().await;
    app.width(Some(390)).await;
    app.toasts_leave_the_composer_clear().await;
    app.width(None).await;
    app.see(
        ".message-undone .undone-mark",
        "Undone — kept as Code — before undo",
    )
    .await;
    // The first undone message says where it is kept, each after it that it is undone.
    let marks = app
        .strings("return [...document.querySelectorAll('.message-undone .undone-mark')].map(m => m.textContent);")
        .await;
    assert_eq!(marks.len(), 3, "the prompt and its two replies: {marks:?}");
    assert_eq!(marks[1..], ["Undone", "Undone"]);
    assert_eq!(server.read("b.txt"), None);
    assert_eq!(server.read("notes.txt").as_deref(), Some("keep me\n"));
    assert_eq!(server.read("a.txt").as_deref(), Some("one\ntwo\nthree\n"));
    composer_holds_turn_2(&app).await;
    let kept = client
        .get_session(&session.id)
        .await
        .unwrap()
        .revert
        .unwrap();
    let undone_from = kept.message_id.clone();
    assert!(client
        .messages(&session.id)
        .await
        .unwrap()
        .iter()
        .any(|m| m.info.id() == undone_from && matches!(m.info, MessageInfo::User(_))));
    app.screenshot("undo").await;
    app.theme("dark").await;
    app.screenshot("undo-dark").await;
    app.width(Some(390)).await;
    app.keeps_its_width().await;
    app.screenshot("undo-dark-390").await;
    app.width(None).await;
    app.theme("light").await;

    // Redo: everything back, the file the server leaves deleted again, the composer empty.
    app.click("button", "Redo").await;
    app.see(".toasts", "deleted it again").await;
    app.browser
        .wait_until("!document.querySelector('.undone-notice')", WAIT)
        .await
        .unwrap();
    assert_eq!(server.read("b.txt").as_deref(), Some("new\n"));
    assert_eq!(server.read("notes.txt"), None);
    assert_eq!(
        server.read("a.txt").as_deref(),
        Some("one\nTWO\nthree\nfour\n")
    );
    assert_eq!(app.count(".message-undone").await, 0);
    let composer = app.browser.find("#composer-input").await.unwrap();
    assert_eq!(composer.property("value").await.unwrap(), json!(""));

    // Undo again, then write something else: the kept branch stays, linked from the header.
    app.click_in_user_message(1, "Undo from here").await;
    app.see(".undone-notice", "Undone from").await;
    // The notice comes with the undone message back in the composer (the server's word that
    // the session is undone may come first: the notice waits for the message).
    let composer = composer_holds_turn_2(&app).await;
    composer.clear().await.unwrap();
    composer.send_keys("something else instead").await.unwrap();
    app.browser.press("\u{E007}").await.unwrap();
    app.see("article", "Scripted reply to: something else instead")
        .await;
    app.browser
        .wait_until("!document.querySelector('.undone-notice')", WAIT)
        .await
        .unwrap();
    app.see(
        "nav[aria-label='Kept before an undo']",
        "Code — before undo",
    )
    .await;
    assert!(!app.text(".messages").await.contains("turn 2 [[tool"));
    // The branch holds the undone turn.
    app.browser
        .execute("window.scrollTo(0, 0);", vec![])
        .await
        .unwrap();
    app.browser
        .find("nav[aria-label='Kept before an undo'] a")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    app.see(".fork-banner", "kept before undoing “turn 2").await;
    app.see("article", "turn 2 [[tool:bash:").await;
    // And the lineage view marks the edges: undo kept.
    app.open(&format!("/lineage?focus={}", session.id)).await;
    app.see(".map-node", "undo kept").await;
    app.screenshot("undo-lineage-map").await;
    app.click("button", "List").await;
    app.see(".lineage-node", "undo kept").await;
    app.screenshot("undo-lineage").await;
}

#[tokio::test]
async fn a_new_turn_shows_its_line_live_a_busy_session_asks_and_refusals_are_told() {
    let server = OpenCode::start().await;
    let client = server.client();
    let session = server.chat("Live", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "Scripted reply to: hello").await;
    app.see(".stream", "Live").await;

    // A turn that writes a file: its line arrives with the server's summary, no reload.
    let composer = app.browser.find("#composer-input").await.unwrap();
    composer
        .send_keys(r"write it [[tool:bash:printf 'x\ny\n' > made.txt]]")
        .await
        .unwrap();
    app.browser.press("\u{E007}").await.unwrap();
    app.see_role("button", "1 file changed, +2 −0").await;
    assert_eq!(server.read("made.txt").as_deref(), Some("x\ny\n"));

    // Undo while a reply runs: asked first; Enter takes "Stop and undo".
    client
        .prompt_async(
            &session.id,
            &branchpoint::api::PromptInput::text("take your time [[slow:3000]]"),
        )
        .await
        .unwrap();
    app.see(".running", "Writing a reply").await;
    app.click_in_user_message(1, "Undo from here").await;
    app.see_role("dialog", "This session is still writing a reply")
        .await;
    app.screenshot("undo-busy").await;
    app.browser
        .wait_until(
            "document.activeElement.textContent === 'Stop and undo'",
            WAIT,
        )
        .await
        .unwrap();
    app.browser.press("\u{E007}").await.unwrap();
    app.see(".undone-notice", "Undone from “write it").await;
    assert_eq!(server.read("made.txt"), None, "the turn's file is undone");
    app.click("button", "Redo").await;
    app.see(".toasts", "Redone").await;
    assert_eq!(server.read("made.txt").as_deref(), Some("x\ny\n"));

    // A revert the server refuses ends in its words; the branch made first stays.
    let proxy = support::FaultProxy::with_body(
        &server.base_url(),
        r"^POST /session/[^/]+/revert$",
        409,
        r#"{"_tag":"SessionBusyError","sessionID":"ses_x","message":"Session is busy right now"}"#,
    );
    let refusing = App::start(&proxy.url(), None).await;
    refusing.open(&format!("/session/{}", session.id)).await;
    refusing.see(".stream", "Live").await;
    refusing.click_in_user_message(0, "Undo from here").await;
    refusing
        .see(
            ".toasts",
            "The server refused the undo (HTTP 409) Session is busy right now.",
        )
        .await;
    refusing
        .see(".toasts", "made to keep the messages stays")
        .await;
    assert_eq!(refusing.count(".undone-notice").await, 0);
    assert_eq!(client.get_session(&session.id).await.unwrap().revert, None);
    let stored = refusing
        .browser
        .local_storage("branchpoint.lineage")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(stored.contains("Live — before undo"), "{stored}");
    refusing.screenshot("undo-refused").await;
}
