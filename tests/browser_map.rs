//! The lineage as a map in the browser (issue 15): forks made in the app drawn as lanes, walked
//! with the keyboard and opened, labels and notes set and found by search and shown wherever the
//! session is, the map from localStorage with nothing answering, 390 px wide, 5,000 records.

mod support;

use std::time::Duration;

use branchpoint::lineage::remote::KEY;
use serde_json::json;
use support::app::{App, WAIT};
use support::{root, OpenCode};

const DOWN: &str = "\u{E015}";
const UP: &str = "\u{E013}";
const RIGHT: &str = "\u{E014}";
const LEFT: &str = "\u{E012}";
const ENTER: &str = "\u{E007}";
const HOME: &str = "\u{E011}";
const END: &str = "\u{E010}";

/// The sessions of a small tree made in the app.
struct Tree {
    root: String,
    /// Two forks from the first answer (siblings), oldest first.
    a: String,
    b: String,
    /// "Edit and resend" of the second prompt.
    c: String,
    /// A whole copy of `a`, made last.
    d: String,
}

/// Map root ─┬─ a (fork from the first answer) ── d (whole copy of a)
///           ├─ b (fork from the same point)
///           └─ c (edit and resend of "two")
async fn make_tree(server: &OpenCode, app: &App) -> Tree {
    let source = server.chat("Map root", &["one", "two", "three"]).await;
    let open_source = || async {
        app.open(&format!("/session/{}", source.id)).await;
        app.see("article", "Scripted reply to: three").await;
    };
    open_source().await;
    app.click_in_article(0, "Fork from here").await;
    let a = app.landed_on(&source.id).await;
    open_source().await;
    app.click_in_article(0, "Fork from here").await;
    let b = app.landed_on(&source.id).await;
    open_source().await;
    app.click_in_article(2, "Edit and resend").await;
    let c = app.landed_on(&source.id).await;
    app.open(&format!("/session/{a}")).await;
    app.see(".fork-banner", "Forked from Map root").await;
    app.click("button", "Fork session").await;
    let d = app.landed_on(&a).await;
    app.see(".fork-banner", "Forked from").await;
    Tree {
        root: source.id,
        a,
        b,
        c,
        d,
    }
}

/// The id of the element that has keyboard focus.
async fn focused(app: &App) -> String {
    let value = app
        .browser
        .execute(
            "return document.activeElement && document.activeElement.id;",
            vec![],
        )
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_owned()
}

/// Presses `key` and waits until the map's item for `session` has the focus and is selected.
async fn press_to(app: &App, key: &str, session: &str) {
    app.browser.press(key).await.unwrap();
    let expr = format!(
        "document.activeElement && document.activeElement.id === 'map-{session}' && document.activeElement.getAttribute('aria-selected') === 'true'"
    );
    if let Err(e) = app.browser.wait_until(&expr, WAIT).await {
        panic!(
            "after {key:?} focus is on {:?}, not {session}: {e}",
            focused(app).await
        );
    }
}

/// Gives the map's item for `session` the keyboard focus (as Tab would, landing there).
async fn focus_item(app: &App, session: &str) {
    let script = format!("document.getElementById('map-{session}').focus();");
    app.browser.execute(&script, vec![]).await.unwrap();
}

/// Waits until the page is `session`'s.
async fn at_session(app: &App, session: &str) {
    let expr = format!("location.pathname === '/session/{session}'");
    app.browser.wait_until(&expr, WAIT).await.unwrap();
}

/// Whether the page itself scrolls sideways (it never should).
async fn page_overflows(browser: &support::webdriver::Browser) -> bool {
    let value = browser
        .execute(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth + 1;",
            vec![],
        )
        .await
        .unwrap();
    value == json!(true)
}

#[tokio::test]
async fn forks_made_in_the_app_are_drawn_walked_by_keyboard_and_opened() {
    let server = OpenCode::start().await;
    let app = App::start(&server.base_url(), None).await;
    let t = make_tree(&server, &app).await;

    // From the fork's own "Lineage" button: the map, that session highlighted.
    app.open(&format!("/session/{}", t.d)).await;
    app.see(".fork-banner", "Forked from").await;
    // The session's own "Lineage" button (the header's nav has a "Lineage" link too).
    app.browser
        .find(".session-actions a.button")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    app.browser
        .wait_until("location.pathname === '/lineage'", WAIT)
        .await
        .unwrap();
    let here = app
        .see(".map-node[aria-current='true']", "whole copy")
        .await;
    assert_eq!(here.attr("id").await.unwrap(), Some(format!("map-{}", t.d)));
    assert!(here.is_displayed().await.unwrap());

    // A tree for assistive technology; the drawing hidden from it.
    let tree = app.see("[role=tree]", "Map root").await;
    assert!(tree.attr("aria-label").await.unwrap().is_some());
    assert_eq!(app.count("[role=tree] [role=treeitem]").await, 5);
    assert_eq!(app.count("svg.map-lines[aria-hidden='true']").await, 1);
    let browser = &app.browser;
    let level = |s: &str| {
        let css = format!("#map-{s}");
        async move {
            let item = browser.find(&css).await.unwrap();
            item.attr("aria-level").await.unwrap()
        }
    };
    assert_eq!(level(&t.root).await.as_deref(), Some("1"));
    assert_eq!(level(&t.b).await.as_deref(), Some("2"));
    assert_eq!(level(&t.d).await.as_deref(), Some("3"));
    let expanded = app.browser.find(&format!("#map-{}", t.root)).await.unwrap();
    assert_eq!(
        expanded.attr("aria-expanded").await.unwrap().as_deref(),
        Some("true")
    );

    // Kinds told by word (and mark), lane ends by message count.
    app.see(&format!("#map-{}", t.a), "fork").await;
    app.see(&format!("#map-{}", t.c), "edit and resend").await;
    app.see(&format!("#map-{}", t.d), "whole copy").await;
    app.see(".lane-end", "6 messages").await;
    // Forks from one point leave the root's lane at one height, below where it begins.
    let tops = app
        .strings(&format!(
            "return ['{}', '{}', '{}'].map(s => String(document.getElementById('map-' + s).getBoundingClientRect().top));",
            t.root, t.a, t.b
        ))
        .await;
    assert_eq!(tops[1], tops[2], "siblings side by side: {tops:?}");
    assert!(tops[0].parse::<f64>().unwrap() < tops[1].parse::<f64>().unwrap());

    // Hovering shows the details: title, fork point, time.
    let c = app.browser.find(&format!("#map-{}", t.c)).await.unwrap();
    c.hover().await.unwrap();
    app.see(".map-details", "Forked from Map root").await;
    app.see(".map-details", "edit and resend").await;

    // The keyboard: from the highlighted session Home to the root, End to the newest branch,
    // down the root's lane to its first fork, across to its sibling, Enter opens it.
    focus_item(&app, &t.d).await;
    press_to(&app, HOME, &t.root).await;
    app.see(".map-details", "The root of its tree").await;
    press_to(&app, END, &t.d).await;
    press_to(&app, HOME, &t.root).await;
    press_to(&app, DOWN, &t.a).await;
    press_to(&app, DOWN, &t.d).await;
    press_to(&app, UP, &t.a).await;
    press_to(&app, RIGHT, &t.b).await;
    press_to(&app, LEFT, &t.a).await;
    press_to(&app, RIGHT, &t.b).await;
    press_to(&app, DOWN, &t.c).await;
    // Up from there: the previous fork point, at its first fork.
    press_to(&app, UP, &t.a).await;
    press_to(&app, RIGHT, &t.b).await;
    app.see(".map-details", "Forked from Map root").await;
    app.screenshots("map-tree").await;
    // (At 390 px the list stood in for the map: back, the map keeps b selected.)
    app.see(&format!("#map-{}.selected", t.b), "fork").await;
    focus_item(&app, &t.b).await;
    app.browser.press(ENTER).await.unwrap();
    at_session(&app, &t.b).await;

    // The path strip: root → this, with this fork's place among its siblings.
    let strip = app.see(".path-strip", "Map root").await;
    assert!(strip.text().await.unwrap().contains("2 / 2"));
    app.click("link", "Previous fork made at this point").await;
    at_session(&app, &t.a).await;
    app.see(".path-strip", "1 / 2").await;

    // c deleted on the server: its lane dashed, its item saying so.
    server.client().delete_session(&t.c).await.unwrap();
    app.open("/lineage").await;
    app.see(&format!("#map-{}", t.c), "deleted").await;
    assert_eq!(
        app.count("svg .lane.deleted path[stroke-dasharray='6 5']")
            .await,
        2
    );
    app.browser
        .screenshot(root().join("target/screenshots/map-deleted.png"))
        .await
        .unwrap();
    app.open(&format!("/session/{}", t.d)).await;
    app.see(".path-strip .here", "").await;
    let steps = app
        .strings("return Array.from(document.querySelectorAll('.path-strip li')).map(l => l.textContent);")
        .await;
    assert_eq!(steps.len(), 3, "root → a → d: {steps:?}");
    assert!(steps[0].contains("Map root"));
    app.screenshots("map-path-strip").await;
    let first = app
        .browser
        .find(".path-strip li:first-child a")
        .await
        .unwrap();
    first.click().await.unwrap();
    at_session(&app, &t.root).await;
}

#[tokio::test]
async fn labels_and_notes_are_set_shown_everywhere_and_found_by_search() {
    let server = OpenCode::start().await;
    let app = App::start(&server.base_url(), None).await;
    let t = make_tree(&server, &app).await;

    // A label and a note for b, from the map's details.
    app.open(&format!("/lineage?focus={}", t.b)).await;
    app.see(".map-node[aria-current='true']", "fork").await;
    app.see(".map-details", "Forked from Map root").await;
    app.click("button", "Add label or note").await;
    let label = app.browser.wait_for("#note-label", WAIT).await.unwrap();
    label.send_keys("  winner ").await.unwrap();
    let note = app.browser.find("#note-text").await.unwrap();
    note.send_keys("Fast and right.\nKeep this one.")
        .await
        .unwrap();
    app.click("button", "Save").await;
    app.see(&format!("#map-{}", t.b), "winner").await;
    app.see(".map-details .note-text", "Keep this one.").await;
    let stored = app
        .browser
        .local_storage("branchpoint.lineage")
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored.contains("\"notes\"") && stored.contains("winner"),
        "{stored}"
    );

    // A label too long is refused with the reason, and nothing typed is lost.
    app.open(&format!("/lineage?focus={}", t.c)).await;
    app.see(".map-details", "edit and resend").await;
    app.click("button", "Add label or note").await;
    let label = app.browser.wait_for("#note-label", WAIT).await.unwrap();
    label.send_keys(&"dead end ".repeat(10)).await.unwrap();
    app.click("button", "Save").await;
    app.see("[role=alert]", "short word").await;
    // The one used before is offered; chosen, it saves.
    app.click("button", "winner").await;
    app.browser
        .wait_until(
            "document.getElementById('note-label').value === 'winner'",
            WAIT,
        )
        .await
        .unwrap();
    app.click("button", "Save").await;
    app.see(&format!("#map-{}", t.c), "winner").await;

    // Search as you type: label, note, title, fork point; matches marked and listed.
    let search = app.browser.find("#lineage-search").await.unwrap();
    search.send_keys("keep this").await.unwrap();
    app.see(".search-results", "1 session matches").await;
    assert_eq!(app.count(".map-node.match").await, 1);
    app.see(".map-node.match", "winner").await;
    search.clear().await.unwrap();
    search.send_keys("winner").await.unwrap();
    app.see(".search-results", "2 sessions match").await;
    assert_eq!(app.count(".map-node.match").await, 2);
    app.screenshots("map-search").await;
    // Enter jumps to the first match: the keyboard is there.
    app.browser.press(ENTER).await.unwrap();
    app.browser
        .wait_until(
            &format!(
                "document.activeElement && document.activeElement.id === 'map-{}'",
                t.b
            ),
            WAIT,
        )
        .await
        .unwrap();
    // `/` goes back to the search box.
    app.browser.press("/").await.unwrap();
    app.browser
        .wait_until(
            "document.activeElement && document.activeElement.id === 'lineage-search'",
            WAIT,
        )
        .await
        .unwrap();
    search.clear().await.unwrap();
    // A fork point's words ("two": the prompt c edited), in any case.
    search.send_keys("TWO").await.unwrap();
    app.see(".search-results", "1 session matches").await;
    app.see(".map-node.match", "edit and resend").await;
    search.clear().await.unwrap();
    search.send_keys("nothing like it").await.unwrap();
    app.see(".search-results", "No session matches.").await;
    assert_eq!(app.count(".map-node.match").await, 0);

    // `?` (outside a text field) lists the map's keys.
    focus_item(&app, &t.b).await;
    app.browser.press("?").await.unwrap();
    app.see("[role=dialog]", "Up the lane").await;
    app.screenshots("map-keyboard-help").await;
    app.click("button", "Close").await;

    // The list shows it, and the choice is remembered.
    app.click("button", "List").await;
    app.see(".lineage-node .badge.label", "winner").await;
    app.open("/lineage").await;
    app.see(".lineage-node", "Map root").await;
    app.click("button", "Map").await;
    app.see(".map-node", "Map root").await;

    // The fork banner and the sessions list.
    app.open(&format!("/session/{}", t.b)).await;
    app.see(".fork-banner .badge.label", "winner").await;
    app.see(".fork-banner", "Fast and right.").await;
    app.see(".path-strip .badge.label", "winner").await;
    app.open("/").await;
    app.see(".session-row .badge.label", "winner").await;
    // The label and note travel with the session's record on the server.
    let client = server.client();
    let mut record = serde_json::Value::Null;
    for _ in 0..150 {
        record = client
            .get_session(&t.b)
            .await
            .ok()
            .and_then(|s| s.metadata)
            .map(|m| m[KEY].clone())
            .unwrap_or_default();
        if record["label"] == "winner" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(record["label"], "winner", "{record}");
    assert_eq!(
        record["note"], "Fast and right.\nKeep this one.",
        "{record}"
    );
}

#[tokio::test]
async fn the_map_opens_cold_with_nothing_answering_and_reads_at_390_px() {
    let mut server = OpenCode::start().await;
    let app = App::start(&server.base_url(), None).await;
    let t = make_tree(&server, &app).await;
    app.wait_for_service_worker().await;
    app.open("/lineage").await;
    app.see(".map-node", "Map root").await;

    server.stop();
    let (browser, lineage) = app.open_with_nothing_answering("/lineage").await;
    browser
        .wait_for_text(".map-node", "whole copy", WAIT)
        .await
        .unwrap();
    browser.find(&format!("#map-{}", t.c)).await.unwrap();
    browser
        .screenshot(root().join("target/screenshots/map-cold-offline.png"))
        .await
        .unwrap();

    // 390 px wide: the list is the default there; the map, when chosen, scrolls inside itself.
    let metrics = json!({"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true});
    browser
        .cdp("Emulation.setDeviceMetricsOverride", metrics)
        .await
        .unwrap();
    browser.goto(&lineage).await.unwrap();
    browser
        .wait_for_text(".lineage-node", "Map root", WAIT)
        .await
        .unwrap();
    assert!(!page_overflows(&browser).await, "the list fits 390 px");
    browser
        .screenshot(root().join("target/screenshots/map-390-list.png"))
        .await
        .unwrap();
    browser
        .wait_for_role("button", "Map", WAIT)
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for_text(".map-node", "Map root", WAIT)
        .await
        .unwrap();
    assert!(
        !page_overflows(&browser).await,
        "the map scrolls inside itself at 390 px"
    );
    browser
        .screenshot(root().join("target/screenshots/map-390-map.png"))
        .await
        .unwrap();
}

#[tokio::test]
async fn five_thousand_records_draw_only_what_is_in_view_and_a_wide_tree_scrolls_inside() {
    let server = OpenCode::start().await;
    let app = App::start(&server.base_url(), None).await;
    let id = |n: u32| format!("ses_{n:026}");
    let mut lineage = branchpoint::lineage::LineageGraph::default();
    // 480 trees of 10 forks in a chain, and one tree 200 forks wide.
    for i in 0..4800u32 {
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
    for i in 0..200u32 {
        lineage.edges.push(branchpoint::lineage::Edge {
            // 200 forks from one message: siblings, walked with → .
            anchor: Some("msg_wide0000000000000000000".into()),
            created: 1.8e12 + f64::from(i) * 1000.0,
            parent_title: "Wide tree".into(),
            child_title: format!("Wide {i}"),
            server: server.base_url(),
            ..support::fixtures::edge(&format!("ses_wide{i:022}"), "ses_wideroot000000000000000")
        });
    }
    let raw = branchpoint::lineage::store::encode(&lineage);
    app.browser
        .set_local_storage("branchpoint.lineage", &raw)
        .await
        .unwrap();

    // The widest tree is the newest: on top, wider than the map, scrolling inside it.
    app.open("/lineage").await;
    app.see(".map-node", "Wide tree").await;
    let drawn = app.count(".map-node").await;
    assert!(drawn < 150, "{drawn} items drawn for 5,481 sessions");
    let sideways = app
        .browser
        .execute(
            "const m = document.getElementById('lineage-map'); return [m.scrollWidth > m.clientWidth * 10, m.clientWidth <= document.documentElement.clientWidth];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(sideways, json!([true, true]));
    assert!(!page_overflows(&app.browser).await);
    // Far to the right by keyboard: the focus is drawn and scrolled into view.
    let first = app.see(".map-node", "Wide 0").await;
    let first_id = first.attr("id").await.unwrap().unwrap();
    app.browser
        .execute(
            &format!("document.getElementById('{first_id}').focus();"),
            vec![],
        )
        .await
        .unwrap();
    for _ in 0..150 {
        app.browser.press(RIGHT).await.unwrap();
    }
    let far = app.see(".map-node.selected", "Wide 150").await;
    assert!(far.is_displayed().await.unwrap());
    let inside = app
        .browser
        .execute(
            "const m = document.getElementById('lineage-map').getBoundingClientRect(); const n = document.activeElement.getBoundingClientRect(); return n.left >= m.left && n.right <= m.right + 1 && n.top >= m.top && n.bottom <= m.bottom;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(inside, json!(true), "the focused item is in the map's view");
    assert!(app.count(".map-node").await < 150);
    assert!(app.count(".map-node:not(.selected)").await > 0);
    app.browser
        .screenshot(root().join("target/screenshots/map-5000-wide.png"))
        .await
        .unwrap();

    // A session deep down, from ?focus=: drawn, highlighted, in view.
    app.open(&format!("/lineage?focus={}", id(2345))).await;
    let focused = app.see(".map-node[aria-current='true']", "Fork 2345").await;
    assert!(focused.is_displayed().await.unwrap());
    let inside = app
        .browser
        .execute(
            &format!("const m = document.getElementById('lineage-map').getBoundingClientRect(); const n = document.getElementById('map-{}').getBoundingClientRect(); return n.top >= m.top && n.bottom <= m.bottom;", id(2345)),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(inside, json!(true));
    assert!(app.count(".map-node").await < 150);
    app.browser
        .screenshot(root().join("target/screenshots/map-5000-focus.png"))
        .await
        .unwrap();
}
