//! Fork into a worktree in the browser, as a person does it, against a real server in a real
//! git project whose scripted model writes files with `bash`: the control and its dialog, the
//! progress, the fork's page saying where its code lives, a prompt there changing only the
//! worktree, the sessions list and the lineage view marking it, bringing the changes back,
//! deleting it with its worktree; and no control outside git. Screenshots light and dark,
//! desktop and 390 px wide, in target/screenshots/.

mod support;

use branchpoint::api::PromptInput;
use serde_json::json;
use std::path::Path;
use support::app::{App, WAIT};
use support::{OpenCode, TempDir};

const TURNS: [&str; 2] = [
    r"printf 'v1\n' > a.txt && printf 'keep me\n' > notes.txt",
    r"printf 'v2\n' > a.txt && rm notes.txt",
];

fn read(dir: &Path, file: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(file)).ok()
}

#[tokio::test]
async fn fork_into_a_worktree_work_there_bring_it_back_and_delete_it_with_its_worktree() {
    let server = OpenCode::start().await;
    server.commit_all("start");
    let client = server.client();
    let source = server.code("Code", &TURNS).await;
    let project = server.project_dir().to_owned();
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see_role("button", "Fork into worktree").await;

    // From the first message: the dialog says what is carried and what is not.
    app.click_in_user_message(0, "Fork into worktree").await;
    let dialog = app.see("[role=dialog]", "Fork into a worktree").await;
    let said = dialog.text().await.unwrap();
    assert!(said.contains("2 files changed, +2 −0 in 1 turn"), "{said}");
    assert!(
        said.contains("Not carried: changes made outside the session that are not committed"),
        "{said}"
    );
    app.screenshot("worktree-dialog").await;
    app.theme("dark").await;
    app.screenshot("worktree-dialog-dark").await;
    app.theme("light").await;
    // Enter confirms (the first choice has the focus).
    app.browser
        .wait_until(
            "document.activeElement && document.activeElement.textContent === 'Fork into worktree'",
            WAIT,
        )
        .await
        .unwrap();
    app.browser.press("\u{E007}").await.unwrap();
    let fork = app.landed_on(&source.id).await;

    // The fork's page says where its code lives; its files are the first turn's.
    let place = app.see(".worktree-place", "Worktree ").await;
    let edge = client.get_session(&fork).await.unwrap();
    let dir = edge.directory.clone();
    let name = branchpoint::text::last_segment(&dir).to_owned();
    let shown = place.text().await.unwrap();
    let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        shown.contains(&format!("Worktree {name} · branch opencode/{name}")),
        "{shown}"
    );
    assert!(shown.contains(&dir), "{shown}");
    let dir = Path::new(&dir).to_owned();
    assert_eq!(read(&dir, "a.txt").as_deref(), Some("v1\n"));
    assert_eq!(read(&dir, "notes.txt").as_deref(), Some("keep me\n"));
    app.see(".fork-banner", "into a worktree").await;
    app.browser
        .execute("window.scrollTo(0, 0);", vec![])
        .await
        .unwrap();
    app.screenshot("worktree-fork").await;
    app.theme("dark").await;
    app.width(Some(390)).await;
    app.keeps_its_width().await;
    app.browser
        .execute("window.scrollTo(0, 0);", vec![])
        .await
        .unwrap();
    app.screenshot("worktree-fork-dark-390").await;
    app.width(None).await;
    app.theme("light").await;

    // A prompt in the fork runs in the worktree; its reply streams in here.
    app.see(".stream", "Live").await;
    let composer = app.browser.find("#composer-input").await.unwrap();
    composer
        .send_keys(r"there [[tool:bash:printf 'fork\n' > f.txt]]")
        .await
        .unwrap();
    app.browser.press("\u{E007}").await.unwrap();
    app.see_role("button", "1 file changed, +1 −0").await;
    app.see("article", "The tool said").await;
    // The reply's end arrives too (from the worktree's own event stream).
    app.browser
        .wait_until("!document.querySelector('.composer-dock .running')", WAIT)
        .await
        .unwrap();
    assert_eq!(read(&dir, "f.txt").as_deref(), Some("fork\n"));
    assert_eq!(
        read(&project, "f.txt"),
        None,
        "the source's checkout is untouched"
    );

    // Bring the change back: previewed, then applied to the source's checkout.
    app.click("button", "Bring changes back to Code").await;
    app.see("[role=dialog] .diff-view", "f.txt").await;
    app.screenshot("worktree-bring-back").await;
    app.click("button", "Apply the changes").await;
    app.see(".toasts", "Brought back to “Code”: 1 file changed, +1 −0.")
        .await;
    assert_eq!(read(&project, "f.txt").as_deref(), Some("fork\n"));

    // The sessions list and the lineage view mark it with its worktree.
    app.click("link", "Sessions").await;
    app.see(".session-row", &format!("worktree {name}")).await;
    app.screenshot("worktree-sessions").await;
    app.click("link", "Lineage").await;
    app.see(".map-node", "worktree").await;
    app.screenshot("worktree-lineage-map").await;
    app.click("button", "List").await;
    app.see(".lineage-node", &name).await;
    app.see(".lineage-node .kind-worktree", "worktree").await;
    app.screenshot("worktree-lineage").await;

    // Delete it, with its worktree.
    app.click("link", "Code — worktree after").await;
    app.see(".worktree-place", &name).await;
    app.click("button", "Delete").await;
    app.see("[role=alertdialog]", "Also remove its worktree")
        .await;
    // (Moved here by links, as a person does: a page left by a new navigation may keep its
    // event streams open in the back-forward cache, and the browser's six connections to the
    // server run out.)
    app.browser
        .wait_until(
            "!document.querySelector('.worktree-removal input').disabled",
            WAIT,
        )
        .await
        .unwrap();
    app.browser
        .find(".worktree-removal input")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    app.screenshot("worktree-delete").await;
    app.click("button", "Delete session").await;
    app.see(".toasts", &format!("its worktree {name} removed"))
        .await;
    assert!(!dir.exists(), "the worktree's directory is gone");
    assert!(client.get_session(&fork).await.is_err());
}

#[tokio::test]
async fn a_worktree_another_session_lives_in_is_never_removed() {
    let server = OpenCode::start().await;
    server.commit_all("start");
    let client = server.client();
    let source = server.code("Code", &TURNS[..1]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.click("button", "Fork into worktree").await;
    app.confirm_dialog("holding the last commit plus").await;
    let fork = app.landed_on(&source.id).await;
    let dir = client.get_session(&fork).await.unwrap().directory;
    // A second session lives in the same worktree.
    let other = client.in_directory(&dir);
    let neighbour = other.create_session(Some("Neighbour")).await.unwrap();
    other
        .prompt(&neighbour.id, &{
            let mut p = PromptInput::text("hello");
            p.no_reply = true;
            p
        })
        .await
        .unwrap();
    app.see(".worktree-place", "Worktree").await;
    app.click("button", "Delete").await;
    app.see(
        "[role=alertdialog] [role=status]",
        "It stays: the session “Neighbour” lives in it too.",
    )
    .await;
    let disabled = app
        .browser
        .execute(
            "return document.querySelector('.worktree-removal input').disabled;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(disabled, json!(true));
    app.click("button", "Delete session").await;
    app.see(".toasts", "Session deleted.").await;
    assert!(Path::new(&dir).exists(), "the worktree stays");
}

/// A long session opens with its newest page of messages only: its worktree fork still carries
/// the changes of turns older than that page.
#[tokio::test]
async fn a_long_sessions_worktree_fork_carries_the_turns_its_page_had_not_loaded() {
    let server = OpenCode::start().await;
    server.commit_all("start");
    let client = server.client();
    let source = server
        .code("Long", &[r"printf 'early\n' > early.txt"])
        .await;
    for i in 1..=70 {
        let mut note = PromptInput::text(format!("later note {i}"));
        note.no_reply = true;
        client.prompt(&source.id, &note).await.unwrap();
    }
    let late = PromptInput::text(r"turn 2 [[tool:bash:printf 'late\n' > late.txt]]");
    client.prompt(&source.id, &late).await.unwrap();
    server.settled(&source.id).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "turn 2").await;
    app.see(".session-header", "the newest").await;
    // The header sums the turns it has, and says so.
    app.see_role(
        "button",
        "1 file changed, +1 −0 in 1 turn of the messages loaded",
    )
    .await;
    assert_eq!(
        app.browser
            .execute(
                "return [...document.querySelectorAll('article')].some(a => a.textContent.includes('early.txt'));",
                vec![],
            )
            .await
            .unwrap(),
        json!(false),
        "the first turn is not on the page"
    );
    // The whole session into a worktree: the dialog counts the first turn's change.
    app.browser
        .wait_until(
            "[...document.querySelectorAll('.session-actions button')].some(b => b.textContent === 'Fork into worktree' && !b.disabled)",
            WAIT,
        )
        .await
        .unwrap();
    app.browser
        .execute(
            "[...document.querySelectorAll('.session-actions button')].find(b => b.textContent === 'Fork into worktree').click();",
            vec![],
        )
        .await
        .unwrap();
    let dialog = app.see("[role=dialog]", "Fork into a worktree").await;
    let said = dialog.text().await.unwrap();
    assert!(said.contains("2 files changed, +2 −0 in 2 turns"), "{said}");
    app.confirm_dialog("Fork into a worktree").await;
    let fork = app.landed_on(&source.id).await;
    app.see(".worktree-place", "Worktree ").await;
    let dir = client.get_session(&fork).await.unwrap().directory;
    let dir = Path::new(&dir);
    assert_eq!(read(dir, "early.txt").as_deref(), Some("early\n"));
    assert_eq!(read(dir, "late.txt").as_deref(), Some("late\n"));
}

#[tokio::test]
async fn outside_git_the_control_says_why_not() {
    let server = OpenCode::start().await;
    let plain = TempDir::new("not-git");
    let elsewhere = server.client().in_directory(&plain.0.display().to_string());
    let session = elsewhere.create_session(Some("Plain")).await.unwrap();
    let mut hello = PromptInput::text("hello");
    hello.no_reply = true;
    elsewhere.prompt(&session.id, &hello).await.unwrap();
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "hello").await;
    // The reason shows "Checking whether…" while the directory is read, then the answer.
    app.browser
        .wait_until(
            "(document.querySelector('#worktree-unavailable')?.textContent ?? '').includes('needs a git repository')",
            WAIT,
        )
        .await
        .unwrap();
    let state = app
        .browser
        .execute(
            "const b = [...document.querySelectorAll('.session-actions button')].find(b => b.textContent === 'Fork into worktree');
             return [b.disabled, document.getElementById(b.getAttribute('aria-describedby')).textContent, document.querySelectorAll('article .worktree-button').length];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(state[0], json!(true));
    assert!(
        state[1]
            .as_str()
            .unwrap()
            .contains("needs a git repository"),
        "{state}"
    );
    assert_eq!(state[2], json!(0), "no message offers it");
}

#[tokio::test]
async fn the_progress_shows_each_step_and_a_failing_step_undoes_the_rest() {
    let server = OpenCode::start().await;
    server.commit_all("start");
    let client = server.client();
    let source = server.code("Code", &TURNS[..1]).await;
    let sessions = client.list_sessions().await.unwrap().len();
    // A slow apply (to see the progress), then a move the server refuses.
    let proxy = support::FaultProxy::start_with(
        &server.base_url(),
        &[
            "--delay",
            r"^POST /vcs/apply$",
            "--delay-ms",
            "3000",
            "--fail",
            r"^POST /experimental/control-plane/move-session$",
            "--status",
            "400",
            "--body",
            r#"{"name":"MoveSessionError","data":{"message":"the destination is not a directory of this project"}}"#,
        ],
    );
    let app = App::start(&proxy.url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.click("button", "Fork into worktree").await;
    app.confirm_dialog("holding the last commit plus").await;
    let steps = app
        .see(
            ".worktree-steps .step-running",
            "Put the session's changes into the worktree",
        )
        .await;
    assert!(steps.text().await.unwrap().contains("turn 1 of 1"));
    let done = app.count(".worktree-steps .step-done").await;
    assert_eq!(done, 2, "the worktree and the fork are made");
    app.screenshot("worktree-progress").await;
    app.see(
        ".toasts",
        "Fork into a worktree failed at “Move the fork into the worktree”: the destination is not a directory of this project. Everything made before it was undone.",
    )
    .await;
    app.screenshot("worktree-failed").await;
    assert_eq!(app.count("[role=dialog]").await, 0);
    assert!(app.is_at(&source.id).await, "the page stays");
    assert_eq!(client.list_sessions().await.unwrap().len(), sessions);
    let listed = std::process::Command::new("git")
        .args(["worktree", "list"])
        .current_dir(server.project_dir())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&listed.stdout).lines().count(), 1);
    let lineage = app
        .browser
        .local_storage("branchpoint.lineage")
        .await
        .unwrap();
    assert!(
        lineage.is_none_or(|l| !l.contains("worktree after")),
        "no edge"
    );
}

#[tokio::test]
async fn a_worktree_forks_permission_prompts_and_stop_reach_its_own_directory() {
    let server = OpenCode::start_with(support::ServerOptions {
        ask_bash: true,
        ..Default::default()
    })
    .await;
    server.commit_all("start");
    let client = server.client();
    let source = server.chat("Ask", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.open(&format!("/session/{}", source.id)).await;
    app.click("button", "Fork into worktree").await;
    app.confirm_dialog("this session changed no file up to there")
        .await;
    let fork = app.landed_on(&source.id).await;
    let dir = client.get_session(&fork).await.unwrap().directory;
    app.see(".worktree-place", "Worktree").await;
    app.see(".stream", "Live").await;
    // The tool asks first: the request lives in the worktree's directory, and shows here.
    let composer = app.browser.find("#composer-input").await.unwrap();
    composer
        .send_keys(r"write [[tool:bash:printf 'asked\n' > asked.txt]]")
        .await
        .unwrap();
    app.browser.press("\u{E007}").await.unwrap();
    app.click("button", "Allow once").await;
    app.see("article", "The tool said").await;
    assert_eq!(
        read(Path::new(&dir), "asked.txt").as_deref(),
        Some("asked\n")
    );
    assert_eq!(read(server.project_dir(), "asked.txt"), None);
    // A slow reply there stops from here.
    let composer = app.browser.find("#composer-input").await.unwrap();
    composer
        .send_keys("take your time [[slow:3000]]")
        .await
        .unwrap();
    app.browser.press("\u{E007}").await.unwrap();
    app.click("button", "Stop").await;
    app.browser
        .wait_until("!document.querySelector('.composer-dock .running')", WAIT)
        .await
        .unwrap();
    let status = client.in_directory(&dir).session_status().await.unwrap();
    assert!(
        !status.contains_key(&fork),
        "idle in its directory: {status:?}"
    );
}
