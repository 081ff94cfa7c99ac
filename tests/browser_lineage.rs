//! The lineage view in the browser: the fork trees from localStorage, a session highlighted from
//! its "Lineage" button, and the view still complete with the server stopped.

mod support;

use branchpoint::api::PromptInput;
use branchpoint::lineage::remote::KEY;
use support::app::{App, WAIT};
use support::{metadata_until, root, OpenCode};

#[tokio::test]
async fn the_lineage_view_shows_the_trees_even_with_the_server_down() {
    let mut server = OpenCode::start().await;
    let source = server.chat("Root session", &["first", "second"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.prefer_list().await;
    app.open("/lineage").await;
    app.see("p", "No forks yet.").await;

    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "Scripted reply to: second").await;
    app.click("button", "Fork session").await;
    let child = app.landed_on(&source.id).await;
    app.see(".fork-banner", "Forked from Root session").await;
    // A fork of the fork: the tree has three levels.
    app.click("button", "Fork session").await;
    let grandchild = app.landed_on(&child).await;
    app.see(".fork-banner", "Forked from Root session (copy)")
        .await;

    // The session's own "Lineage" button (the header's nav has a "Lineage" link too).
    app.browser
        .find(".session-actions a.button")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    app.see_role("heading", "Lineage").await;
    let focused = app
        .see("li[aria-current='true']", "Root session (copy) (copy)")
        .await;
    assert!(focused.text().await.unwrap().contains("whole copy"));
    let rows = app.browser.find_all(".lineage-node").await.unwrap();
    let mut texts = Vec::new();
    for row in &rows {
        texts.push(row.attr("class").await.unwrap().unwrap_or_default());
    }
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert!(
        texts[0].contains("depth-0")
            && texts[1].contains("depth-1")
            && texts[2].contains("depth-2"),
        "{texts:?}"
    );
    assert!(app
        .browser
        .current_url()
        .await
        .unwrap()
        .contains(&format!("focus={grandchild}")));

    // The server goes away; the view, reloaded cold, still shows every tree.
    server.stop();
    app.browser.refresh().await.unwrap();
    app.see(".lineage-node", "Root session (copy)").await;
    assert_eq!(app.count(".lineage-node").await, 3);
    app.see(
        ".offline-notice",
        "This is the lineage kept in this browser",
    )
    .await;
    assert!(
        !app.see_role("button", "Scan server")
            .await
            .is_enabled()
            .await
            .unwrap(),
        "no scan without a server"
    );
    app.browser
        .screenshot(root().join("target/screenshots/lineage-offline.png"))
        .await
        .unwrap();
    app.click("link", "Root session (copy)").await;
    app.see_role("heading", "Server unreachable").await;
}

fn edge(child: &str, parent: &str, title: &str) -> serde_json::Value {
    serde_json::json!({"child": child, "parent": parent, "kind": "whole", "created": 1.764e12,
        "parent_title": "Imported root", "child_title": title, "excerpt": "", "server": "", "directory": ""})
}

#[tokio::test]
async fn import_merges_and_another_tabs_forks_show_up() {
    let server = OpenCode::start().await;
    let app = App::start(&server.base_url(), None).await;
    app.prefer_list().await;
    app.open("/lineage").await;
    app.see("p", "No forks yet.").await;

    // Import a file exported elsewhere; a second import adds nothing; a wrong file is refused.
    let dir = support::TempDir::new("import");
    let good = dir.0.join("lineage.json");
    let document = serde_json::json!({"version": 1, "edges": [edge("ses_importedchild001", "ses_importedroot0001", "Imported child")]});
    std::fs::write(&good, document.to_string()).unwrap();
    let input = app.browser.find("input[type=file]").await.unwrap();
    input.send_keys(good.to_str().unwrap()).await.unwrap();
    app.see("[role=status]", "1 new fork.").await;
    app.see(".lineage-node", "Imported child").await;
    let bad = dir.0.join("notes.json");
    std::fs::write(&bad, "{\"not\": \"a lineage\"}").unwrap();
    let input = app.browser.find("input[type=file]").await.unwrap();
    input.send_keys(bad.to_str().unwrap()).await.unwrap();
    app.see("[role=alert]", "not a Branchpoint lineage").await;
    assert_eq!(app.count(".lineage-node").await, 2);

    // Another tab records a fork: it shows here. (A window of its own: the host refuses to be
    // framed, even by itself.)
    // Schema 2: sessions are listed once; an edge is [child, parent (indexes), anchor, role,
    // kind, created].
    let other_tab = "const [child, parent, title] = arguments;
        const w = window.open('/settings', '_blank');
        w.addEventListener('load', () => { const key = 'branchpoint.lineage'; const doc = JSON.parse(w.localStorage.getItem(key));
        const at = (id, title) => { let i = doc.sessions.findIndex(s => s[0] === id);
            if (i < 0) { doc.sessions.push(title ? [id, title] : [id]); i = doc.sessions.length - 1; } return i; };
        doc.edges.push([at(child, title), at(parent), null, null, 'w', 1764000000000]);
        w.localStorage.setItem(key, JSON.stringify(doc)); w.close(); }); return true;";
    let args = [
        "ses_othertabchild01",
        "ses_importedroot0001",
        "From the other tab",
    ];
    app.browser
        .execute(other_tab, args.iter().map(|a| (*a).into()).collect())
        .await
        .unwrap();
    app.see(".lineage-node", "From the other tab").await;
    assert_eq!(app.count(".lineage-node").await, 3);
    app.click("button", "Export JSON").await;
    app.see("[role=status]", "exported").await;
}

#[tokio::test]
async fn the_app_opens_cold_with_no_network_at_all() {
    let mut server = OpenCode::start().await;
    let source = server.seed("Kept offline", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.prefer_list().await;
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "hello").await;
    app.click("button", "Fork session").await;
    // The fork is made (the page becomes its own) before the person leaves the page: a page
    // left while "Forking…" loses the edge (see the note of stop 21).
    app.landed_on(&source.id).await;
    app.see(".fork-banner", "Forked from Kept offline").await;
    // The service worker takes control, and a visit under it caches the shell and its assets.
    app.wait_for_service_worker().await;
    app.open("/lineage").await;
    app.see(".lineage-node", "Kept offline").await;

    // Now nothing answers: not the OpenCode server, not even the host of the app.
    server.stop();
    let (browser, _) = app.open_with_nothing_answering("/lineage").await;
    browser
        .wait_for_text(".lineage-node", "Kept offline (copy)", WAIT)
        .await
        .unwrap();
    browser
        .screenshot(root().join("target/screenshots/lineage-cold-offline.png"))
        .await
        .unwrap();
}

#[tokio::test]
async fn corrupted_lineage_storage_is_set_aside_and_said() {
    let server = OpenCode::start().await;
    let app = App::start(&server.base_url(), None).await;
    app.prefer_list().await;
    app.browser
        .set_local_storage("branchpoint.lineage", "{\"version\":1,\"edges\":[{broken")
        .await
        .unwrap();
    app.open("/lineage").await;
    let toast = app.see("[role=alert]", "could not be read").await;
    let text = toast.text().await.unwrap();
    let backup = text
        .split('“')
        .nth(1)
        .and_then(|t| t.split('”').next())
        .expect("the backup key is named")
        .to_owned();
    let kept = app.browser.local_storage(&backup).await.unwrap();
    assert_eq!(
        kept.as_deref(),
        Some("{\"version\":1,\"edges\":[{broken"),
        "nothing lost"
    );
    app.see("p", "No forks yet.").await;
}

#[tokio::test]
async fn forks_made_elsewhere_are_discovered_compared_and_deletions_marked() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.chat("Explore", &["first idea", "second idea"]).await;
    let messages = client.messages(&source.id).await.unwrap();
    // Forks made through the API alone, as the terminal or another browser would: one through
    // the first turn that then went its own way, one of the whole session.
    let other = client
        .fork(&source.id, Some(messages[2].info.id()))
        .await
        .unwrap();
    client
        .prompt(&other.id, &PromptInput::text("another way"))
        .await
        .unwrap();
    let whole = client.fork(&source.id, None).await.unwrap();

    let app = App::start(&server.base_url(), None).await;

    app.prefer_list().await;
    app.open("/lineage").await;
    app.see("p", "No forks yet.").await;
    app.click("button", "Scan server").await;
    app.see("[role=status]", "found 2 forks made elsewhere")
        .await;
    assert_eq!(app.count(".lineage-node").await, 3);
    assert_eq!(app.count(".lineage-node .badge.discovered").await, 2);
    let found = app.see(".lineage-node.depth-1", &other.title).await;
    assert!(
        found
            .text()
            .await
            .unwrap()
            .contains("Scripted reply to: first idea"),
        "the fork point's excerpt"
    );
    app.browser
        .screenshot(root().join("target/screenshots/lineage-discovered.png"))
        .await
        .unwrap();

    // The fork itself says where it came from, and that it was found, not recorded.
    app.click("link", &other.title).await;
    let banner = app.see(".fork-banner", "Forked from Explore").await;
    assert!(banner.text().await.unwrap().contains("discovered"));
    app.browser.back().await.unwrap();
    app.see(".lineage-node", "Explore").await;

    // Compare the source with the fork that went its own way.
    app.click("checkbox", "Compare “Explore”").await;
    app.see(".compare-bar", "and which other?").await;
    app.click("checkbox", &format!("Compare “{}”", other.title))
        .await;
    app.click("link", "Compare").await;
    app.see_role("heading", "Compare").await;
    let shared = app
        .see(".compare-shared", "2 messages shared up to the fork point")
        .await;
    assert!(
        !shared.text().await.unwrap().contains("first idea"),
        "collapsed"
    );
    let row = app.see(".compare-row", "second idea").await;
    let right = row.find(".compare-right").await.unwrap();
    assert!(right.text().await.unwrap().contains("another way"));
    app.click("button", "2 messages shared").await;
    app.see(".compare-shared article", "first idea").await;
    app.browser
        .screenshot(root().join("target/screenshots/compare.png"))
        .await
        .unwrap();

    // A session deleted on the server stays in the tree, marked.
    client.delete_session(&whole.id).await.unwrap();
    app.open("/lineage").await;
    let gone = app.see(".lineage-node.deleted", &whole.title).await;
    assert!(gone.text().await.unwrap().contains("deleted"));
    assert_eq!(app.count(".lineage-node").await, 3);

    // Scan on connect: a fork made meanwhile appears after a reload with no click.
    app.click("checkbox", "Scan when the app connects").await;
    let late = client.fork(&other.id, None).await.unwrap();
    app.browser.refresh().await.unwrap();
    app.see("[role=status]", "found 1 fork made elsewhere")
        .await;
    app.see(".lineage-node.depth-2", &late.title).await;
    assert_eq!(app.count(".lineage-node").await, 4);
}

#[tokio::test]
async fn five_thousand_forks_render_only_what_is_on_screen() {
    let server = OpenCode::start().await;
    let app = App::start(&server.base_url(), None).await;
    app.prefer_list().await;
    // 500 trees of 10 forks in a chain, with real-sized ids and texts.
    let id = |n: u32| format!("ses_{n:026}");
    let mut lineage = branchpoint::lineage::LineageGraph::default();
    for i in 0..5000u32 {
        let parent = if i % 10 == 0 {
            format!("ses_root{:022}", i / 10)
        } else {
            id(i - 1)
        };
        lineage.edges.push(branchpoint::lineage::Edge {
            anchor: Some(format!("msg_{i:026}")),
            excerpt: "add a test for the parser's error path".into(),
            created: 1.7e12 + f64::from(i) * 1000.0,
            parent_title: format!("Tree {}", i / 10),
            child_title: format!("Fork {i}"),
            server: server.base_url(),
            ..support::fixtures::edge(&id(i), &parent)
        });
    }
    let raw = branchpoint::lineage::store::encode(&lineage);
    app.browser
        .set_local_storage("branchpoint.lineage", &raw)
        .await
        .unwrap();
    // A session deep in the list, opened from its "Lineage" button: scrolled to, highlighted.
    app.open(&format!("/lineage?focus={}", id(2345))).await;
    let focused = app.see("li[aria-current='true']", "Fork 2345").await;
    assert!(focused.is_displayed().await.unwrap());
    let first = app.see(".lineage-node", "Fork").await;
    assert_eq!(
        first.attr("aria-setsize").await.unwrap().as_deref(),
        Some("5500")
    );
    let in_dom = app.count(".lineage-node").await;
    assert!(in_dom < 120, "{in_dom} rows in the DOM for 5,500");
    app.browser
        .screenshot(root().join("target/screenshots/lineage-5000.png"))
        .await
        .unwrap();
    // The end of the list is reachable by scrolling; the oldest tree is last.
    app.browser
        .execute("window.scrollTo(0, document.body.scrollHeight)", vec![])
        .await
        .unwrap();
    app.see(".lineage-node", "Fork 9").await;
    app.see(".lineage-node", "Tree 0").await;
    assert!(app.count(".lineage-node").await < 120);
}

#[tokio::test]
async fn an_exported_lineage_imports_into_a_clean_profile() {
    let server = OpenCode::start().await;
    let source = server.seed("Carried over", &["hello"]).await;
    let app = App::start(&server.base_url(), None).await;
    app.prefer_list().await;
    // Kept in this browser only: the file alone is to bring the tree to the other one.
    app.browser
        .set_local_storage("branchpoint.lineage-on-server", "0")
        .await
        .unwrap();
    app.open(&format!("/session/{}", source.id)).await;
    app.see("article", "hello").await;
    app.click("button", "Fork from here").await;
    let child = app.landed_on(&source.id).await;
    app.open("/lineage").await;
    app.see(".lineage-node", "Carried over — after “hello”")
        .await;
    // A label and a note travel in the file too.
    app.click(
        "button",
        "Label and note for “Carried over — after “hello””",
    )
    .await;
    let label = app.browser.wait_for("#note-label", WAIT).await.unwrap();
    label.send_keys("keeper").await.unwrap();
    let note = app.browser.find("#note-text").await.unwrap();
    note.send_keys("from the old laptop").await.unwrap();
    app.click("button", "Save").await;
    app.see(".lineage-node .badge.label", "keeper").await;
    app.click("button", "Export JSON").await;
    let file = app.browser.downloads().join("branchpoint-lineage.json");
    let mut waited = 0;
    while !file.exists() && waited < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    let exported = std::fs::read_to_string(&file).expect("the export was downloaded");
    assert!(exported.contains(&child) && exported.contains(&source.id));

    // Another browser profile, empty: the file brings the tree with it.
    let clean = App::start(&server.base_url(), None).await;
    clean.prefer_list().await;
    clean.open("/lineage").await;
    clean.see("p", "No forks yet.").await;
    let input = clean.browser.find("input[type=file]").await.unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    clean.see("[role=status]", "1 new fork.").await;
    clean
        .see(".lineage-node.depth-1", "Carried over — after “hello”")
        .await;
    clean.see(".lineage-node.depth-1 .badge", "fork").await;
    let badge = clean.see(".lineage-node .badge.label", "keeper").await;
    assert_eq!(
        badge.attr("title").await.unwrap().as_deref(),
        Some("from the old laptop")
    );
    clean.see(".lineage-node.depth-0", "Carried over").await;
    clean.click("link", "Carried over — after “hello”").await;
    clean.see(".fork-banner", "Forked from Carried over").await;
}

#[tokio::test]
async fn a_scan_of_500_sessions_shows_progress_and_can_be_cancelled() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Needle", &["find me"]).await;
    let fork = client.fork(&source.id, None).await.unwrap();
    for chunk in (0..498).collect::<Vec<_>>().chunks(25) {
        let creates = chunk.iter().map(|i| {
            let client = client.clone();
            async move { client.create_session(Some(&format!("Hay {i}"))).await }
        });
        for created in futures_util::future::join_all(creates).await {
            created.unwrap();
        }
    }
    // Each message list takes 40 ms more through the proxy: a scan lasts a few seconds, long
    // enough to watch and to cancel on any machine.
    let proxy = support::FaultProxy::start_with(
        &server.base_url(),
        &[
            "--delay",
            "^GET /session/[^/]+/message$",
            "--delay-ms",
            "40",
        ],
    );
    let app = App::start(&proxy.url(), None).await;
    app.prefer_list().await;
    app.open("/lineage").await;
    app.click("button", "Scan server").await;
    // The page keeps drawing while it scans: the count goes up batch by batch.
    let progress = app.see(".scan-progress", " of 500 sessions").await;
    let text = progress.text().await.unwrap_or_default();
    app.click("button", "Cancel scan").await;
    app.see("[role=status]", "Scan cancelled: nothing was added.")
        .await;
    assert!(text.contains("Scanned"), "{text}");
    assert_eq!(app.count(".lineage-node").await, 0);

    app.click("button", "Scan server").await;
    // As a person would: watch the count go up until the scan is done, however loaded the
    // machine; a scan that stops moving fails.
    let done = "Scanned 500 sessions: found 1 fork made elsewhere.";
    let mut seen = String::new();
    while let Err(timeout) = app.browser.wait_for_text("[role=status]", done, WAIT).await {
        let now = app
            .browser
            .execute(
                "const p = document.querySelector('.scan-progress'); return p ? p.innerText : '';",
                vec![],
            )
            .await
            .unwrap();
        let now = now.as_str().unwrap_or_default().to_owned();
        assert!(
            !now.is_empty() && now != seen,
            "the scan stopped: {timeout}"
        );
        seen = now;
    }
    app.see(".lineage-node.depth-1", &fork.title).await;
    app.see(".lineage-node.depth-0", "Needle").await;

    // The sessions list asks for the newest 200 (the server alone would send 100), then more.
    app.open("/").await;
    app.see(".count", "the newest 200 sessions").await;
    app.click("button", "Show older sessions").await;
    app.see(".count", "the newest 400 sessions").await;
    app.click("button", "Show older sessions").await;
    app.see(".count", "500 sessions").await;
    app.see(".session-row", "Needle").await;
    assert_eq!(app.count(".session-list > li").await, 500);
}

/// The titles of the trees' roots, top to bottom.
async fn roots(app: &App) -> Vec<String> {
    let titles = app
        .browser
        .execute(
            "return Array.from(document.querySelectorAll('.lineage-node.depth-0 > a')).map(n => n.textContent.trim());",
            vec![],
        )
        .await
        .unwrap();
    serde_json::from_value(titles).unwrap()
}

#[tokio::test]
async fn trees_follow_their_latest_activity_online_and_off() {
    let mut server = OpenCode::start().await;
    let client = server.client();
    let older = server.seed("Older tree", &["one"]).await;
    let newer = server.seed("Newer tree", &["two"]).await;
    let older_fork = client.fork(&older.id, None).await.unwrap();
    let newer_fork = client.fork(&newer.id, None).await.unwrap();
    // As this browser recorded them: the newer tree was forked last.
    let base = server.base_url();
    let edge = |child: &str, parent: &str, title: &str, created: f64| {
        serde_json::json!({"child": child, "parent": parent, "kind": "whole", "created": created,
            "parent_title": title, "child_title": format!("{title}, forked"), "excerpt": "",
            "server": base, "directory": older.directory})
    };
    let document = serde_json::json!({"version": 1, "edges": [
        edge(&older_fork.id, &older.id, "Older tree", 1000.0),
        edge(&newer_fork.id, &newer.id, "Newer tree", 2000.0),
    ]});
    let app = App::start(&base, None).await;
    app.prefer_list().await;
    app.open("/settings").await;
    app.browser
        .execute(
            "localStorage.setItem('branchpoint.lineage', arguments[0]); return true;",
            vec![document.to_string().into()],
        )
        .await
        .unwrap();
    app.open("/lineage").await;
    app.see(".lineage-node.depth-1", "Older tree").await;
    assert_eq!(roots(&app).await, ["Newer tree", "Older tree"]);
    // The browser writes both records to the server (moving the sessions' update times, which
    // is no work done in them); the work below comes after.
    for fork in [&older_fork, &newer_fork] {
        let id = fork.id.as_str();
        metadata_until(&client, id, |m| m[KEY]["session"] == id).await;
    }

    // Work goes on in the older tree; the sessions list sees it and the lineage keeps it.
    let mut input = PromptInput::text("more work here");
    input.no_reply = true;
    client.prompt(&older_fork.id, &input).await.unwrap();
    let updated = client
        .get_session(&older_fork.id)
        .await
        .unwrap()
        .time
        .updated;
    app.open("/").await;
    app.see("a", "Older tree (fork #1)").await;
    let kept = format!(
        "(JSON.parse(localStorage.getItem('branchpoint.lineage')).sessions || []).some(s => s[0] === '{}' && Number(s[2]) >= {updated})",
        older_fork.id
    );
    app.browser.wait_until(&kept, WAIT).await.unwrap();

    // More work in the older tree, then a label on the newer one: the label's write moves the
    // newer fork's update time past that work, and a label is no work.
    let mut input = PromptInput::text("and more");
    input.no_reply = true;
    client.prompt(&older.id, &input).await.unwrap();
    let worked = client.get_session(&older.id).await.unwrap().time.updated;
    app.open("/lineage").await;
    let newer_title = "Newer tree (fork #1)";
    app.see(".lineage-node", newer_title).await;
    app.click("button", &format!("Label and note for “{newer_title}”"))
        .await;
    let label = app.browser.wait_for("#note-label", WAIT).await.unwrap();
    label.send_keys("paused").await.unwrap();
    app.click("button", "Save").await;
    let id = newer_fork.id.as_str();
    metadata_until(&client, id, |m| m[KEY]["label"] == "paused").await;
    let labelled = client.get_session(id).await.unwrap().time.updated;
    assert!(labelled > worked, "the label was written after the work");
    // The sessions list sees both: the work is kept (so the list was read), the label is not
    // taken for work.
    app.open("/").await;
    app.see("a", newer_title).await;
    let kept = format!(
        "(JSON.parse(localStorage.getItem('branchpoint.lineage')).sessions || []).some(s => s[0] === '{}' && Number(s[2]) >= {worked})",
        older.id
    );
    app.browser.wait_until(&kept, WAIT).await.unwrap();

    // Offline, from storage alone: the tree worked in last comes first.
    server.stop();
    app.open("/lineage").await;
    app.see(".offline-notice", "kept in this browser").await;
    assert_eq!(roots(&app).await, ["Older tree", "Newer tree"]);
}
