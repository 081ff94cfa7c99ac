//! The lineage kept on the server, in the browser: a fork made in one browser profile shows in
//! a second, fresh one (banner, markers, siblings, tree) with no scan and no import; a fork
//! whose record meets a dead server reaches the server once it is back, told once; with the
//! setting off nothing is written; a disagreement is shown until the user picks a side.

mod support;

use std::time::Duration;

use branchpoint::lineage::remote::KEY;
use serde_json::json;
use support::app::{App, WAIT};
use support::{metadata_until, root, FaultProxy, OpenCode};

async fn screenshot(app: &App, name: &str) {
    app.browser
        .screenshot(root().join(format!("target/screenshots/{name}.png")))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_fork_made_in_one_browser_shows_in_a_fresh_one_with_no_scan() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.chat("Travels", &["first idea", "second idea"]).await;

    // Browser one forks twice at the same point: two siblings.
    let one = App::start(&server.base_url(), None).await;
    one.prefer_list().await;
    one.open(&format!("/session/{}", source.id)).await;
    one.see("article", "Scripted reply to: second idea").await;
    one.click_in_article(0, "Fork from here").await;
    let first = one.landed_on(&source.id).await;
    one.see(".fork-banner", "Forked from Travels").await;
    one.open(&format!("/session/{}", source.id)).await;
    one.see("article", "Scripted reply to: second idea").await;
    one.click_in_article(0, "Fork from here").await;
    let second = one.landed_on(&source.id).await;
    one.see(".sibling-count", "2 / 2").await;
    for id in [&first, &second] {
        let written = metadata_until(&client, id, |m| m[KEY]["session"] == id.as_str()).await;
        assert_eq!(written[KEY]["parent"], source.id.as_str());
    }

    // Browser two: a fresh profile, never scanned, nothing imported.
    let two = App::start(&server.base_url(), None).await;
    two.prefer_list().await;
    two.open(&format!("/session/{first}")).await;
    let banner = two.see(".fork-banner", "Forked from Travels").await;
    let said = banner.text().await.unwrap();
    assert!(said.contains("after “first idea”"), "{said}");
    assert!(said.contains("from the server"), "marked: {said}");
    assert!(!said.contains("discovered"), "not a scan's guess: {said}");
    two.see(".sibling-count", "1 / 2").await;
    two.screenshots("remote-second-browser-banner").await;
    two.click("link", "Next sibling fork").await;
    two.see(".sibling-count", "2 / 2").await;
    assert!(two.is_at(&second).await);

    two.open(&format!("/session/{}", source.id)).await;
    two.see("nav[aria-label='Forks from this message']", "2 forks here")
        .await;
    two.open("/lineage").await;
    two.see(".lineage-node", "Travels").await;
    assert_eq!(two.count(".lineage-node").await, 3);
    assert_eq!(two.count(".lineage-node .badge.from-server").await, 2);
    assert_eq!(two.count(".lineage-node .badge.discovered").await, 0);
    screenshot(&two, "remote-second-browser-lineage").await;
    let stored = two
        .browser
        .local_storage("branchpoint.lineage")
        .await
        .unwrap()
        .expect("the second browser keeps what it read");
    let stored = branchpoint::lineage::store::decode(&stored).unwrap();
    assert!(stored.from_server.contains(&first) && stored.from_server.contains(&second));
    // It wrote nothing back: the server already had it all.
    assert_eq!(
        two.browser
            .local_storage("branchpoint.lineage-outbox")
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn a_record_that_meets_a_dead_server_is_written_once_it_is_back_and_told_once() {
    let mut server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Written later", &["alpha", "beta"]).await;
    // Writes to a session are held 2.5 s on their way, so the server can die under them.
    let proxy = FaultProxy::start_with(
        &server.base_url(),
        &[
            "--delay",
            r"^PATCH /session/[^/]+$",
            "--delay-ms",
            "2500",
            "--down-drops",
        ],
    );
    let app = App::start(&proxy.url(), None).await;
    app.prefer_list().await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "beta").await;
    app.click("button", "Fork session").await;
    let child = app.landed_on(&source.id).await;
    app.see(".fork-banner", "Forked from Written later").await;
    // The fork's title is on its way (its record follows it): the server dies.
    proxy.wait_for(|l| l.starts_with("PATCH /session/")).await;
    let port = server.port;
    server.kill();
    app.see(
        "[role=alert]",
        "The lineage could not be written to the server",
    )
    .await;
    let waiting = app
        .browser
        .local_storage("branchpoint.lineage-outbox")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(waiting.contains(&child), "kept to write: {waiting}");
    screenshot(&app, "remote-record-kept").await;

    // Back: the record is written, and the user told so.
    server.launch(port).await;
    let written = metadata_until(&client, &child, |m| m[KEY]["session"] == child.as_str()).await;
    assert_eq!(written[KEY]["parent"], source.id.as_str());
    assert_eq!(written[KEY]["kind"], "whole");
    app.browser
        .wait_for_text("[role=status]", "is now on the server", WAIT)
        .await
        .unwrap();
    let failures = app
        .toasts_saying("could not be written to the server")
        .await;
    assert_eq!(failures, 1, "told once, not per retry");
    app.browser
        .wait_until(
            "localStorage.getItem('branchpoint.lineage-outbox') === null",
            WAIT,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn with_the_setting_off_nothing_is_written_and_on_again_it_catches_up() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Kept here only", &["one", "two"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.prefer_list().await;
    app.open("/settings").await;
    let setting = app
        .see_role("checkbox", "Keep the lineage on the server")
        .await;
    assert_eq!(
        setting.property("checked").await.unwrap(),
        json!(true),
        "on by default"
    );
    app.see("p", "Off: nothing is written").await;
    setting.click().await.unwrap();
    assert_eq!(
        app.browser
            .local_storage("branchpoint.lineage-on-server")
            .await
            .unwrap()
            .as_deref(),
        Some("0")
    );
    app.screenshots("remote-setting").await;

    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "two").await;
    app.click("button", "Fork session").await;
    let child = app.landed_on(&source.id).await;
    app.see(".fork-banner", "Forked from Kept here only").await;
    // The fork was named on the server (the write that would come next did not).
    let named = "Kept here only (copy)";
    for _ in 0..100 {
        if client.get_session(&child).await.unwrap().title == named {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(client.get_session(&child).await.unwrap().title, named);
    app.open("/").await;
    app.see(".session-row", named).await;
    app.open("/lineage").await;
    app.see(".lineage-node", named).await;
    let metadata = client.get_session(&child).await.unwrap().metadata;
    assert!(
        metadata.as_ref().and_then(|m| m.get(KEY)).is_none(),
        "nothing written: {metadata:?}"
    );
    assert_eq!(
        app.browser
            .local_storage("branchpoint.lineage-outbox")
            .await
            .unwrap(),
        None
    );

    // On again: the next read of the sessions finds what the server lacks, and writes it.
    app.open("/settings").await;
    app.click("checkbox", "Keep the lineage on the server")
        .await;
    app.open("/").await;
    app.see(".session-row", named).await;
    let written = metadata_until(&client, &child, |m| m[KEY]["session"] == child.as_str()).await;
    assert_eq!(written[KEY]["parent"], source.id.as_str());
}

#[tokio::test]
async fn a_disagreement_is_shown_until_one_record_is_chosen() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Our source", &["one"]).await;
    let elsewhere = server.seed("Their source", &["two"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.prefer_list().await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "one").await;
    app.click("button", "Fork session").await;
    let child = app.landed_on(&source.id).await;
    app.see(".fork-banner", "Forked from Our source").await;
    let ours = metadata_until(&client, &child, |m| m[KEY]["session"] == child.as_str()).await;

    // Another browser (or a hand) wrote a different record for the same fork.
    let mut theirs = ours.clone();
    theirs[KEY]["parent"] = json!(elsewhere.id);
    theirs[KEY]["parent_title"] = json!("Their source");
    client.set_metadata(&child, &theirs).await.unwrap();
    app.open("/lineage").await;
    app.see(".disputes", "1 fork recorded differently on the server")
        .await;
    app.see(".lineage-node .badge.disputed", "recorded differently")
        .await;
    app.open(&format!("/session/{child}")).await;
    let notice = app
        .see(
            ".recorded-differently",
            "Recorded differently in this browser",
        )
        .await;
    let said = notice.text().await.unwrap();
    assert!(
        said.contains("forked from Their source") && said.contains("forked from Our source"),
        "both shown: {said}"
    );
    app.see(".fork-banner", "Forked from Our source").await;
    app.screenshots("remote-disagreement").await;

    // Ours is kept, and written over theirs; the question is gone.
    app.click("button", "Keep this browser's").await;
    let settled = metadata_until(&client, &child, |m| m[KEY]["parent"] == source.id.as_str()).await;
    assert_eq!(settled[KEY]["session"], child.as_str());
    app.browser
        .wait_until("!document.querySelector('.recorded-differently')", WAIT)
        .await
        .unwrap();
    app.see(".fork-banner", "Forked from Our source").await;

    // Again, and this time the server's record is taken.
    client.set_metadata(&child, &theirs).await.unwrap();
    app.open("/lineage").await;
    app.see(".disputes", "recorded differently").await;
    app.click("button", "Use the server's record").await;
    app.browser
        .wait_until("!document.querySelector('.disputes')", WAIT)
        .await
        .unwrap();
    app.open(&format!("/session/{child}")).await;
    let banner = app.see(".fork-banner", "Forked from Their source").await;
    assert!(banner.text().await.unwrap().contains("from the server"));
}

#[tokio::test]
async fn hostile_metadata_is_shown_as_text_and_too_much_of_it_is_told() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Plain source", &["one"]).await;
    let fork = client.fork(&source.id, None).await.unwrap();
    let bloated = client.fork(&source.id, None).await.unwrap();
    let markup = "<img src=x onerror=alert(1)><script>alert(2)</script>";
    let record = json!({"v": 1, "session": fork.id, "parent": source.id, "kind": "through",
        "anchor": "msg_anchoranchor01", "role": "user", "excerpt": markup, "created": 1.0e12,
        "parent_title": markup});
    client
        .set_metadata(&fork.id, &json!({ KEY: record }))
        .await
        .unwrap();
    let mut big = record.clone();
    big["session"] = json!(bloated.id);
    client
        .set_metadata(&bloated.id, &json!({"blob": "x".repeat(20_000), KEY: big}))
        .await
        .unwrap();

    let app = App::start(&server.base_url(), None).await;

    app.prefer_list().await;
    app.open("/lineage").await;
    let node = app.see(".lineage-node", "Plain source (fork #1)").await;
    assert!(
        node.text()
            .await
            .unwrap()
            .contains("<img src=x onerror=alert(1)>"),
        "the excerpt is text"
    );
    app.see("[role=alert]", "carries 20 KB of metadata on the server")
        .await;
    assert_eq!(
        app.count(".lineage-node").await,
        2,
        "the bloated one is not read"
    );
    assert_eq!(
        app.count(".lineage-node img, .lineage-node script").await,
        0
    );
    assert_eq!(app.browser.dialog_text().await, None, "nothing ran");
    app.open(&format!("/session/{}", fork.id)).await;
    app.see(".fork-banner", "Forked from Plain source").await;
    assert_eq!(app.count(".fork-banner img, .fork-banner script").await, 0);
    assert_eq!(app.browser.dialog_text().await, None);
    // Told once per visit, not on every read.
    app.click("link", "Lineage").await;
    app.see(".lineage-node", "Plain source (fork #1)").await;
    assert_eq!(app.toasts_saying("carries 20 KB").await, 1);
}

#[tokio::test]
async fn an_imported_fork_the_server_has_gets_its_record_there_and_a_gone_one_is_not_asked_for() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Imported source", &["one", "two"]).await;
    let fork = client.fork(&source.id, None).await.unwrap();
    let base = server.base_url();
    let edge = |child: &str| {
        json!({"child": child, "parent": source.id, "kind": "whole", "created": 1.764e12,
            "parent_title": "Imported source", "child_title": "Imported fork",
            "server": base, "directory": source.directory})
    };
    // Exported by another browser: one fork the server has, one deleted since.
    let file_dir = support::TempDir::new("import-remote");
    let file = file_dir.0.join("lineage.json");
    let document = json!({"version": 1, "edges": [edge(&fork.id), edge("ses_importedgone0001")]});
    std::fs::write(&file, document.to_string()).unwrap();

    let app = App::start(&base, None).await;
    app.prefer_list().await;
    app.open("/lineage").await;
    app.see("p", "No forks yet.").await;
    app.browser.browser_log().await; // the settings page's, before the app knew the server
    let input = app.browser.find("input[type=file]").await.unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    app.see("[role=status]", "2 new forks").await;
    let id = fork.id.as_str();
    let written = metadata_until(&client, id, |m| m[KEY]["session"] == id).await;
    assert_eq!(written[KEY]["parent"], source.id.as_str());
    assert_eq!(
        app.browser
            .local_storage("branchpoint.lineage-outbox")
            .await
            .unwrap(),
        None,
        "nothing left waiting"
    );
    let errors: Vec<String> = app
        .browser
        .browser_log()
        .await
        .into_iter()
        .filter(|line| line.starts_with("SEVERE"))
        .collect();
    assert!(
        errors.is_empty(),
        "the gone session was asked for: {errors:#?}"
    );
}
