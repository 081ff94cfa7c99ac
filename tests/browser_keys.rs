//! The keyboard people already know, in the browser against a real server and the scripted
//! model: `/` commands (a custom one from the project's config, `/fork`), `@` files, `!`
//! shell lines, the command palette and the keyboard help.

mod support;

use serde_json::json;
use support::app::App;
use support::OpenCode;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const DOWN: &str = "\u{E015}";
const CONTROL: &str = "\u{E009}";

/// The composer's text, as the field holds it.
async fn composer_text(app: &App) -> String {
    app.browser
        .execute(
            "return document.getElementById('composer-input').value;",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The ids the text field points at: (aria-controls, aria-activedescendant).
async fn field_points_at(app: &App) -> (String, String) {
    let v = app
        .browser
        .execute(
            "const f = document.getElementById('composer-input');
             return [f.getAttribute('aria-controls') || '', f.getAttribute('aria-activedescendant') || ''];",
            vec![],
        )
        .await
        .unwrap();
    (
        v[0].as_str().unwrap_or_default().to_owned(),
        v[1].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_custom_command_from_the_project_runs_and_its_reply_streams() {
    let server = OpenCode::start().await;
    let session = server.chat("Commands", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "Scripted reply to: hello").await;
    let field = app.see_role("textbox", "Message").await;
    field.send_keys("/gr").await.unwrap();
    // The server's custom command, with its description from the project's config.
    let option = app.see("[role=listbox] [role=option]", "/greet").await;
    assert!(option
        .text()
        .await
        .unwrap()
        .contains("Greets someone by name"));
    let (controls, active) = field_points_at(&app).await;
    assert_eq!(controls, "composer-completions");
    assert_eq!(active, option.attr("id").await.unwrap().unwrap_or_default());
    app.screenshots("composer-commands").await;
    field.send_keys(TAB).await.unwrap();
    assert_eq!(composer_text(&app).await, "/greet ");
    assert_eq!(
        app.count("[role=listbox]").await,
        0,
        "completed: the list is gone"
    );
    field
        .send_keys(&format!("Bob [[slow:60]]{ENTER}"))
        .await
        .unwrap();
    // The template's text is what the model got; its reply streams in like any other.
    app.see("article", "Scripted reply to: Say hello to Bob")
        .await;
    assert_eq!(composer_text(&app).await, "");
}

#[tokio::test]
async fn the_list_filters_moves_and_closes_by_keyboard() {
    let server = OpenCode::start().await;
    let session = server.chat("Filters", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    let field = app.see_role("textbox", "Message").await;
    field.send_keys("/").await.unwrap();
    app.see("[role=option]", "/fork-before").await;
    app.see("[role=option]", "/review").await;
    app.screenshots("composer-commands-all").await;
    field.send_keys("ren").await.unwrap();
    app.browser
        .wait_until(
            "document.querySelectorAll('[role=option]').length === 1",
            support::app::WAIT,
        )
        .await
        .unwrap();
    app.see("[role=option][aria-selected=true]", "/rename")
        .await;
    field.send_keys(ESCAPE).await.unwrap();
    assert_eq!(
        app.count("[role=listbox]").await,
        0,
        "Escape closes the list"
    );
    assert_eq!(composer_text(&app).await, "/ren", "and keeps the text");
    // Arrows move the choice; Enter completes with it.
    field.clear().await.unwrap();
    field.send_keys("/fork").await.unwrap();
    app.see("[role=option][aria-selected=true]", "/fork").await;
    field.send_keys(DOWN).await.unwrap();
    app.see("[role=option][aria-selected=true]", "/fork-before")
        .await;
    field.send_keys(ENTER).await.unwrap();
    assert_eq!(composer_text(&app).await, "/fork-before ");
}

#[tokio::test]
async fn slash_fork_forks() {
    let server = OpenCode::start().await;
    let session = server.chat("To fork by command", &["first"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "Scripted reply to: first").await;
    let field = app.see_role("textbox", "Message").await;
    // Completed and sent in one go, as fast as a person types it.
    field
        .send_keys(&format!("/fork{TAB}{ENTER}"))
        .await
        .unwrap();
    let fork = app.landed_on(&session.id).await;
    app.see("article", "Scripted reply to: first").await;
    let forked = server.client().get_session(&fork).await.unwrap();
    assert_ne!(forked.id, session.id);
    let copied = server.client().messages(&fork).await.unwrap();
    assert_eq!(copied.len(), 2, "the whole session, through its last turn");
}

#[tokio::test]
async fn an_at_file_is_attached_and_read_by_the_model() {
    let server = OpenCode::start().await;
    std::fs::write(
        server.project_dir().join("notes.txt"),
        "The secret word is PELICAN-42.\n",
    )
    .unwrap();
    let session = server.chat("Files", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    let field = app.see_role("textbox", "Message").await;
    field.send_keys("what does @note").await.unwrap();
    app.see("[role=option]", "notes.txt").await;
    app.screenshots("composer-files").await;
    field.send_keys(ENTER).await.unwrap();
    assert_eq!(composer_text(&app).await, "what does @notes.txt ");
    // A chip for the file, removable.
    app.see(".attachments li", "notes.txt").await;
    app.see_role("button", "Remove notes.txt").await;
    app.screenshots("composer-file-chip").await;
    field.send_keys(&format!("say{ENTER}")).await.unwrap();
    app.see("article", "PELICAN-42").await;
    assert_eq!(
        app.count(".attachments li").await,
        0,
        "sent with the message"
    );
}

#[tokio::test]
async fn a_file_gone_before_sending_is_said_and_nothing_is_lost() {
    let server = OpenCode::start().await;
    let path = server.project_dir().join("doomed.txt");
    std::fs::write(&path, "soon gone\n").unwrap();
    let session = server.chat("Gone", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    let field = app.see_role("textbox", "Message").await;
    field.send_keys("read @doomed").await.unwrap();
    app.see("[role=option]", "doomed.txt").await;
    field.send_keys(TAB).await.unwrap();
    app.see(".attachments li", "doomed.txt").await;
    std::fs::remove_file(&path).unwrap();
    field.send_keys(ENTER).await.unwrap();
    app.see(".toast", "doomed.txt is no longer in the project")
        .await;
    assert_eq!(composer_text(&app).await, "read @doomed.txt ");
    assert_eq!(app.count(".attachments li").await, 1);
    let messages = server.client().messages(&session.id).await.unwrap();
    assert_eq!(messages.len(), 2, "nothing was sent");
}

#[tokio::test]
async fn a_bang_line_runs_in_the_shell_after_one_confirmation() {
    let server = OpenCode::start().await;
    let session = server.chat("Shell", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    let field = app.see_role("textbox", "Message").await;
    field.send_keys(&format!("!echo hi{ENTER}")).await.unwrap();
    app.see("[role=alertdialog]", "Run this in the session's shell?")
        .await;
    app.screenshots("shell-confirm").await;
    app.click("button", "Run it").await;
    app.see(".part-tool .tool-output", "hi").await;
    assert_eq!(composer_text(&app).await, "");
    // Asked once: the next line runs when sent.
    let field = app.see_role("textbox", "Message").await;
    field
        .send_keys(&format!("!echo again{ENTER}"))
        .await
        .unwrap();
    app.see(".part-tool .tool-output", "again").await;
    assert_eq!(app.count("[role=alertdialog]").await, 0);
}

#[tokio::test]
async fn the_palette_opens_a_session_and_forks_it_by_keyboard_alone() {
    let server = OpenCode::start().await;
    let wanted = server.chat("Pelican plans", &["first"]).await;
    server.chat("Something else", &["other"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open("/").await;
    app.see("a", "Pelican plans").await;
    let body = app.browser.find("body").await.unwrap();
    body.send_keys(&format!("{CONTROL}k")).await.unwrap();
    let input = app
        .see_role("combobox", "Search sessions, pages and actions")
        .await;
    let focused = app
        .browser
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("palette-input"));
    input.send_keys("pelican").await.unwrap();
    app.see("[role=option][aria-selected=true]", "Pelican plans")
        .await;
    app.screenshots("palette").await;
    input.send_keys(ENTER).await.unwrap();
    app.browser
        .wait_until(
            &format!("location.pathname === '/session/{}'", wanted.id),
            support::app::WAIT,
        )
        .await
        .unwrap();
    app.see("article", "Scripted reply to: first").await;
    // On the session: its actions come first.
    let field = app.see_role("textbox", "Message").await;
    field.send_keys(&format!("{CONTROL}k")).await.unwrap();
    let input = app
        .see_role("combobox", "Search sessions, pages and actions")
        .await;
    input.send_keys("fork this").await.unwrap();
    app.see("[role=option][aria-selected=true]", "Fork this session")
        .await;
    input.send_keys(ENTER).await.unwrap();
    let fork = app.landed_on(&wanted.id).await;
    assert_ne!(fork, wanted.id);
}

#[tokio::test]
async fn escape_closes_the_palette_and_focus_returns() {
    let server = OpenCode::start().await;
    let session = server.chat("Focus", &["first"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    let field = app.see_role("textbox", "Message").await;
    field.send_keys(&format!("{CONTROL}k")).await.unwrap();
    let input = app
        .see_role("combobox", "Search sessions, pages and actions")
        .await;
    input.send_keys(ESCAPE).await.unwrap();
    app.browser
        .wait_until(
            "!document.getElementById('palette-input') && document.activeElement.id === 'composer-input'",
            support::app::WAIT,
        )
        .await
        .unwrap();
    // `?` outside a text field: every shortcut of the app.
    app.browser
        .execute("document.activeElement.blur();", vec![])
        .await
        .unwrap();
    app.browser.press("?").await.unwrap();
    let help = app.see("[role=dialog]", "Composer").await;
    let text = help.text().await.unwrap();
    for group in ["Anywhere", "Composer", "Session page"] {
        assert!(text.contains(group), "{group} missing in {text}");
    }
    app.screenshots("keyboard-help").await;
    app.browser.press(ESCAPE).await.unwrap();
    app.browser
        .wait_until(
            "!document.querySelector('[role=dialog]')",
            support::app::WAIT,
        )
        .await
        .unwrap();
    // Typed into the composer, `?` is only a character.
    let field = app.see_role("textbox", "Message").await;
    field.send_keys("why?").await.unwrap();
    assert_eq!(composer_text(&app).await, "why?");
    assert_eq!(app.count("[role=dialog]").await, 0);
}

/// Runs axe-core (from node_modules, injected into the page: nothing loads from the network)
/// on the page as it is, and returns its violations as "rule: nodes" lines.
async fn axe_violations(app: &App) -> Vec<String> {
    let source = std::fs::read_to_string(support::root().join("node_modules/axe-core/axe.min.js"))
        .expect("axe-core is installed by make tools");
    app.browser.execute(&source, vec![]).await.unwrap();
    let result = app
        .browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));",
            vec![],
        )
        .await
        .unwrap();
    result
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn axe_finds_nothing_with_the_lists_open() {
    let server = OpenCode::start().await;
    std::fs::write(server.project_dir().join("notes.txt"), "notes\n").unwrap();
    let session = server.chat("Accessible", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "Scripted reply to: hello").await;
    let field = app.see_role("textbox", "Message").await;
    field.send_keys("/").await.unwrap();
    app.see("[role=option]", "/greet").await;
    assert_eq!(
        axe_violations(&app).await,
        Vec::<String>::new(),
        "the / list"
    );
    field.clear().await.unwrap();
    field.send_keys("@note").await.unwrap();
    app.see("[role=option]", "notes.txt").await;
    assert_eq!(
        axe_violations(&app).await,
        Vec::<String>::new(),
        "the @ list"
    );
    field.send_keys(&format!("{CONTROL}k")).await.unwrap();
    app.see_role("combobox", "Search sessions, pages and actions")
        .await;
    app.see("[role=option]", "Accessible").await;
    assert_eq!(
        axe_violations(&app).await,
        Vec::<String>::new(),
        "the palette"
    );
    app.browser.press(ESCAPE).await.unwrap();
    app.browser
        .execute("document.activeElement.blur();", vec![])
        .await
        .unwrap();
    app.browser.press("?").await.unwrap();
    app.see("[role=dialog]", "Composer").await;
    assert_eq!(axe_violations(&app).await, Vec::<String>::new(), "the help");
}

#[tokio::test]
async fn the_todo_list_shows_beside_the_composer_and_follows_the_model() {
    use base64::Engine;
    let server = OpenCode::start().await;
    let session = server.chat("Todos", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "Scripted reply to: hello").await;
    assert_eq!(app.count(".todos").await, 0, "no list, nothing shown");
    let todos = json!({"todos": [
        {"content": "Read the parser", "status": "completed", "priority": "high"},
        {"content": "Write the failing test", "status": "in_progress", "priority": "high"},
        {"content": "Fix the bug", "status": "pending", "priority": "medium"}
    ]});
    let b64 = base64::engine::general_purpose::STANDARD.encode(todos.to_string());
    let field = app.see_role("textbox", "Message").await;
    field
        .send_keys(&format!("plan it [[callb64:todowrite:{b64}]]{ENTER}"))
        .await
        .unwrap();
    // Live, from todo.updated: no reload.
    app.see(".todos", "1 of 3 done").await;
    app.see(".todos .todo-doing", "Write the failing test")
        .await;
    app.see(".todos .todo-done", "Read the parser").await;
    app.screenshots("todos").await;
    // And from GET /session/:id/todo when the page opens.
    app.browser.refresh().await.unwrap();
    app.see(".todos", "1 of 3 done").await;
}
