//! "Scan server" and the lineage refresh against a real server: forks made through the API
//! alone (as the TUI or another browser would) are found with the right source and fork point;
//! deleted sessions are marked, renamed ones retitled; a cancelled scan adds nothing.

mod support;

use std::cell::Cell;

use branchpoint::lineage::discover::{refresh, scan, Progress};
use branchpoint::lineage::ForkKind;
use branchpoint::lineage::LineageGraph;
use support::OpenCode;

#[tokio::test]
async fn forks_made_elsewhere_are_found_and_deletions_marked() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Source", &["one", "two", "three"]).await;
    let messages = client.messages(&source.id).await.unwrap();
    let ids: Vec<&str> = messages.iter().map(|m| m.info.id()).collect();
    // Through "two" (the server copies everything before "three"), and the whole session.
    let through = client.fork(&source.id, Some(ids[2])).await.unwrap();
    let whole = client.fork(&source.id, None).await.unwrap();
    // A fork of the fork, after the fork wrote a message of its own.
    let mut input = branchpoint::api::PromptInput::text("own");
    input.no_reply = true;
    client.prompt(&through.id, &input).await.unwrap();
    let grandchild = client.fork(&through.id, None).await.unwrap();
    let unrelated = server.seed("Unrelated", &["other"]).await;

    let mut seen = Vec::new();
    let outcome = scan(
        &client,
        &LineageGraph::default(),
        |p| seen.push(p),
        || false,
    )
    .await
    .unwrap()
    .expect("not cancelled");
    assert_eq!(outcome.sessions, 5);
    assert_eq!(seen.first(), Some(&Progress { done: 0, total: 5 }));
    assert_eq!(seen.last(), Some(&Progress { done: 5, total: 5 }));
    let found: Vec<(&str, &str, ForkKind, Option<&str>)> = outcome
        .edges
        .iter()
        .map(|e| {
            (
                e.child.as_str(),
                e.parent.as_str(),
                e.kind,
                e.anchor.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                through.id.as_str(),
                source.id.as_str(),
                ForkKind::Through,
                Some(ids[1])
            ),
            (whole.id.as_str(), source.id.as_str(), ForkKind::Whole, None),
            (
                grandchild.id.as_str(),
                through.id.as_str(),
                ForkKind::Whole,
                None
            ),
        ]
    );
    assert!(outcome.edges.iter().all(|e| e.discovered));
    assert_eq!(outcome.edges[0].excerpt, "two");
    assert!(!outcome.edges.iter().any(|e| e.child == unrelated.id));

    // Known forks are not found twice.
    let mut lineage = LineageGraph::default();
    for edge in &outcome.edges {
        lineage.add(edge.clone());
    }
    let again = scan(&client, &lineage, |_| {}, || false)
        .await
        .unwrap()
        .unwrap();
    assert!(again.edges.is_empty(), "{:?}", again.edges);

    // A cancelled scan returns nothing, even what it had found so far.
    let calls = Cell::new(0);
    let cancelled = scan(
        &client,
        &LineageGraph::default(),
        |_| {},
        || {
            calls.set(calls.get() + 1);
            calls.get() > 1
        },
    )
    .await
    .unwrap();
    assert!(cancelled.is_none());

    // Deleted and renamed sessions, as the server reports them now.
    client.delete_session(&whole.id).await.unwrap();
    client
        .rename_session(&through.id, "Renamed elsewhere")
        .await
        .unwrap();
    // An edge with an id the server could not have made (an imported file's) is skipped, not
    // a reason to refresh nothing.
    let mut junk = lineage.edges[0].clone();
    junk.child = "not-a-session-id".into();
    junk.parent = "ses_../../x".into();
    lineage.edges.push(junk);
    let news = refresh(&client, &lineage).await.unwrap();
    lineage.edges.pop();
    assert_eq!(news.deleted, vec![whole.id.clone()]);
    assert!(news.apply(&mut lineage));
    assert!(lineage.is_deleted(&whole.id));
    assert_eq!(
        lineage.parent_of(&through.id).unwrap().child_title,
        "Renamed elsewhere"
    );
    assert_eq!(
        lineage.parent_of(&grandchild.id).unwrap().parent_title,
        "Renamed elsewhere"
    );
    assert_eq!(lineage.edges.len(), 3, "a deleted session keeps its edge");
    let renamed = client.get_session(&through.id).await.unwrap();
    assert_eq!(
        lineage.active.get(&through.id),
        Some(&renamed.time.updated),
        "its last activity, which orders the trees"
    );
    assert!(!news.apply(&mut lineage), "applying twice changes nothing");

    // Sessions of another server are never marked.
    let mut elsewhere = lineage.clone();
    for edge in &mut elsewhere.edges {
        edge.server = "http://127.0.0.1:1".into();
    }
    elsewhere.deleted.clear();
    let none = refresh(&client, &elsewhere).await.unwrap();
    assert!(none.deleted.is_empty() && none.titles.is_empty() && none.active.is_empty());
}
