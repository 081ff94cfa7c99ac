//! The lineage kept on the server, against a real server: an edge written into its fork's
//! metadata and read back by a browser that knows nothing (the round trip), other tools' keys
//! kept (a racing writer included), hostile metadata ignored, a disagreement kept until it is
//! settled, and writes kept while the server is gone, then made when it is back.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use branchpoint::api::{ApiError, Client, Request, Response, Transport};
use branchpoint::fork::{fork, ForkPoint, ForkRequest};
use branchpoint::lineage::outbox::{self, flush};
use branchpoint::lineage::remote::{self, reconcile, Found, WriteError, Written, KEY};
use branchpoint::lineage::{store, Edge, LineageGraph};
use branchpoint::persist::prefs;
use serde_json::{json, Value};
use support::{fixtures, OpenCode, Reqwest};

async fn metadata<T: Transport>(client: &Client<T>, id: &str) -> Value {
    client
        .get_session(id)
        .await
        .unwrap()
        .metadata
        .unwrap_or(Value::Null)
}

/// `child` forked from `parent` on the server at `url`.
fn edge_on(url: &str, child: &str, parent: &str) -> Edge {
    Edge {
        server: url.to_owned(),
        ..fixtures::edge(child, parent)
    }
}

/// What a browser that knows nothing learns from the server's sessions.
async fn fresh_browser_reads<T: Transport>(client: &Client<T>, server: &str) -> LineageGraph {
    let listed = client.list_sessions().await.unwrap();
    let mut lineage = LineageGraph::default();
    reconcile(&lineage, &listed, server).apply(&mut lineage);
    lineage
}

#[tokio::test]
async fn a_forks_edge_goes_into_its_metadata_and_a_fresh_browser_reads_it_back() {
    let server = OpenCode::start().await;
    let client = server.client();
    let url = server.base_url();
    let source = server.seed("Source", &["first", "second"]).await;
    // Another tool's key on the source: a fork copies it, and it is never dropped or changed.
    let theirs = json!({"tool": "someone else's", "n": [1, 2]});
    client
        .set_metadata(&source.id, &json!({ "other-tool": theirs }))
        .await
        .unwrap();
    let messages = client.messages(&source.id).await.unwrap();
    let first = messages[0].info.id().to_owned();
    let child = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Through(first.clone())),
        1_764_000_000_000.0,
    )
    .await
    .unwrap();
    let child_id = child.session.id.clone();
    assert_eq!(
        outbox::waiting(&url),
        [child_id.as_str()],
        "queued, not sent"
    );
    assert_eq!(
        metadata(&client, &child_id).await,
        json!({ "other-tool": theirs }),
        "the fork copied its source's metadata; nothing written before the flush"
    );

    let flushed = flush(&client, &store::load(0.0).lineage).await;
    assert_eq!((flushed.written, flushed.failure.clone()), (1, None));
    assert!(outbox::waiting(&url).is_empty());
    let written = metadata(&client, &child_id).await;
    assert_eq!(written["other-tool"], theirs, "another tool's key kept");
    let key = &written[KEY];
    assert_eq!(key["v"], 1);
    assert_eq!(key["session"], child_id.as_str());
    assert_eq!(key["parent"], source.id.as_str());
    assert_eq!(key["anchor"], first.as_str());
    assert_eq!(key["role"], "user");
    assert_eq!(key["kind"], "through");
    assert_eq!(key["excerpt"], "first");
    assert_eq!(key["created"], 1_764_000_000_000i64);

    // A fork of the fork starts out with its source's key, which says nothing about it.
    let grandchild = fork(
        &client,
        ForkRequest::new(&child.session, ForkPoint::Whole),
        2.0e12,
    )
    .await
    .unwrap();
    let grandchild_id = grandchild.session.id.clone();
    let copied = client.get_session(&grandchild_id).await.unwrap();
    assert_eq!(
        copied.metadata.as_ref().unwrap()[KEY]["session"],
        child_id.as_str()
    );
    assert_eq!(remote::read(&copied, &url), Found::Nothing);
    let before = fresh_browser_reads(&client, &url).await;
    assert!(
        before.parent_of(&grandchild_id).is_none(),
        "the copy is ignored"
    );
    flush(&client, &store::load(0.0).lineage).await;
    let own = metadata(&client, &grandchild_id).await;
    assert_eq!(
        own[KEY]["session"],
        grandchild_id.as_str(),
        "its own key replaced the copy"
    );
    assert_eq!(own[KEY]["parent"], child_id.as_str());
    assert_eq!(own["other-tool"], theirs);

    // A browser with nothing stored knows the whole tree from the sessions list alone.
    let mut read = fresh_browser_reads(&client, &url).await;
    let here = store::load(0.0).lineage;
    for id in [&child_id, &grandchild_id] {
        let (theirs, ours) = (read.parent_of(id).unwrap(), here.parent_of(id).unwrap());
        assert_eq!(
            (
                &theirs.parent,
                &theirs.anchor,
                theirs.role,
                theirs.kind,
                &theirs.excerpt
            ),
            (
                &ours.parent,
                &ours.anchor,
                ours.role,
                ours.kind,
                &ours.excerpt
            )
        );
        assert_eq!(theirs.created, ours.created);
        assert_eq!(theirs.child_title, ours.child_title, "titles from the list");
        assert_eq!(theirs.parent_title, ours.parent_title);
        assert!(
            read.from_server.contains(id.as_str()),
            "marked as from the server"
        );
    }
    let shape = |l: &LineageGraph| -> Vec<(String, usize)> {
        l.trees()
            .into_iter()
            .map(|r| (r.session, r.depth))
            .collect()
    };
    assert_eq!(shape(&read), shape(&here), "the same tree");
    // Merging again, or two browsers writing the same edge, makes one.
    let listed = client.list_sessions().await.unwrap();
    let again = reconcile(&read, &listed, &url);
    assert!(again.to_write.is_empty(), "nothing to write back");
    assert!(!again.apply(&mut read), "idempotent");
    assert_eq!(read.edges.len(), 2);
    let (record, _) = outbox::record_for(&here, &child_id).unwrap();
    let second = remote::write(&client, &child_id, &record, |_| false)
        .await
        .unwrap();
    assert_eq!(
        second,
        Written::Unchanged,
        "the same record is not written twice"
    );
}

/// A transport that, right after the first write carrying our key, writes the session's
/// metadata itself as a tool that does not merge would: only its own key.
#[derive(Clone)]
struct Racer {
    inner: Reqwest,
    fired: Arc<AtomicBool>,
}

impl Transport for Racer {
    async fn send(&self, request: Request) -> Result<Response, ApiError> {
        let ours = request.method == branchpoint::api::client::Method::Patch
            && request.body.as_deref().is_some_and(|b| b.contains(KEY));
        let mut theirs = request.clone();
        let response = self.inner.send(request).await?;
        if ours && !self.fired.swap(true, Ordering::SeqCst) {
            theirs.body = Some(json!({"metadata": {"racer": {"was": "here"}}}).to_string());
            self.inner.send(theirs).await?;
        }
        Ok(response)
    }
}

#[tokio::test]
async fn a_write_racing_another_keeps_both_keys() {
    let server = OpenCode::start().await;
    let plain = server.client();
    let session = server.seed("Raced", &["hello"]).await;
    plain
        .set_metadata(&session.id, &json!({"before": true}))
        .await
        .unwrap();
    let racer = Client::new(
        server.connection(),
        Racer {
            inner: Reqwest::default(),
            fired: Arc::new(AtomicBool::new(false)),
        },
    );
    let edge = edge_on(&server.base_url(), &session.id, "ses_someparent0001");
    let record = remote::record(&edge);
    let written = remote::write(&racer, &session.id, &record, |_| false)
        .await
        .unwrap();
    assert_eq!(written, Written::Written);
    let now = metadata(&plain, &session.id).await;
    assert_eq!(
        now[KEY], record,
        "our key came back after the racer dropped it"
    );
    assert_eq!(now["racer"], json!({"was": "here"}), "the racer's key kept");
    assert!(
        now.get("before").is_none(),
        "(the racer itself dropped this one)"
    );
}

#[tokio::test]
async fn hostile_metadata_is_ignored_and_never_grown_past_the_limit() {
    let server = OpenCode::start().await;
    let client = server.client();
    let url = server.base_url();
    let parent = server.seed("Parent", &["p"]).await;
    let make = |title: &'static str| server.seed(title, &["x"]);
    let (wrong, huge, newer, bad_ids, good) = (
        make("Wrong types").await,
        make("Huge").await,
        make("Newer").await,
        make("Bad ids").await,
        make("Good").await,
    );
    let valid = |id: &str| remote::record(&edge_on(&url, id, &parent.id));
    let mut bad = valid(&bad_ids.id);
    bad["parent"] = json!("ses_../../etc/passwd");
    let mut future = valid(&newer.id);
    future["v"] = json!(2);
    for (session, metadata) in [
        (
            &wrong,
            json!({KEY: {"v": 1, "session": wrong.id, "parent": 7, "created": "soon"}}),
        ),
        (
            &huge,
            json!({"blob": "x".repeat(20_000), KEY: valid(&huge.id)}),
        ),
        (&newer, json!({ KEY: future })),
        (&bad_ids, json!({ KEY: bad })),
        (&good, json!({ KEY: valid(&good.id) })),
    ] {
        client.set_metadata(&session.id, &metadata).await.unwrap();
    }
    let listed = client.list_sessions().await.unwrap();
    let seen = reconcile(&LineageGraph::default(), &listed, &url);
    let found: Vec<&str> = seen.found.iter().map(|e| e.child.as_str()).collect();
    assert_eq!(found, [good.id.as_str()], "only the good record is read");
    assert_eq!(seen.too_large.len(), 1);
    assert_eq!(seen.too_large[0].0, huge.id);
    assert!(seen.too_large[0].2 > remote::MAX_METADATA_BYTES);

    // This browser's record over an unreadable one: written. Over a newer Branchpoint's, or
    // into metadata already too large: not.
    let mut lineage = LineageGraph::default();
    for session in [&wrong, &huge, &newer] {
        lineage.add(Edge {
            server: url.clone(),
            excerpt: "as this browser has it".into(),
            ..fixtures::edge(&session.id, &parent.id)
        });
    }
    let seen = reconcile(&lineage, &listed, &url);
    assert_eq!(seen.to_write, [wrong.id.as_str()]);
    let record = remote::record(lineage.parent_of(&huge.id).unwrap());
    let refused = remote::write(&client, &huge.id, &record, |_| true).await;
    assert!(matches!(refused, Err(WriteError::TooLarge(n)) if n > remote::MAX_METADATA_BYTES));
    assert_eq!(
        metadata(&client, &huge.id).await[KEY],
        valid(&huge.id),
        "left as it was"
    );
}

#[tokio::test]
async fn a_disagreement_is_kept_in_view_until_one_is_chosen() {
    let server = OpenCode::start().await;
    let client = server.client();
    let url = server.base_url();
    let (a, b, child) = (
        server.seed("Source A", &["a"]).await,
        server.seed("Source B", &["b"]).await,
        server.seed("The fork", &["c"]).await,
    );
    // Another browser recorded the fork as made from B.
    let theirs = remote::record(&edge_on(&url, &child.id, &b.id));
    remote::write(&client, &child.id, &theirs, |_| true)
        .await
        .unwrap();
    // This one recorded it as made from A (written nowhere yet: its queue is empty).
    let mut lineage = LineageGraph::default();
    lineage.add(edge_on(&url, &child.id, &a.id));
    let listed = client.list_sessions().await.unwrap();
    let seen = reconcile(&lineage, &listed, &url);
    assert!(
        seen.to_write.is_empty(),
        "not overwritten behind the user's back"
    );
    assert!(seen.apply(&mut lineage));
    assert_eq!(
        lineage.parent_of(&child.id).unwrap().parent,
        a.id,
        "ours shown"
    );
    let conflict = lineage.open_conflict(&child.id).expect("both kept");
    assert_eq!(conflict.edge.parent, b.id);
    assert_eq!(
        conflict.edge.parent_title, "Source B",
        "the source as listed"
    );
    assert!(
        !reconcile(&lineage, &listed, &url).apply(&mut lineage),
        "raised once"
    );

    // A write of ours meeting theirs (queued before the disagreement was known) leaves theirs.
    store::update(|l| *l = lineage.clone(), 0.0).unwrap();
    outbox::queue(&url, [child.id.as_str()]);
    store::update(|l| l.conflicts.clear(), 0.0).unwrap();
    let met = flush(&client, &store::load(0.0).lineage).await;
    assert_eq!(met.written, 0);
    assert_eq!(met.disagree.len(), 1, "{met:?}");
    assert_eq!(met.disagree[0].parent, b.id);
    assert_eq!(
        metadata(&client, &child.id).await[KEY]["parent"],
        b.id.as_str()
    );
    assert!(outbox::waiting(&url).is_empty(), "not retried");

    // Keeping ours writes it over the server's; then both agree and the question is gone.
    store::update(|l| *l = lineage.clone(), 0.0).unwrap();
    store::update(|l| assert!(l.keep_local_record(&child.id)), 0.0).unwrap();
    outbox::queue(&url, [child.id.as_str()]);
    let flushed = flush(&client, &store::load(0.0).lineage).await;
    assert_eq!(flushed.written, 1);
    assert_eq!(
        metadata(&client, &child.id).await[KEY]["parent"],
        a.id.as_str()
    );
    let mut settled = store::load(0.0).lineage;
    let listed = client.list_sessions().await.unwrap();
    reconcile(&settled, &listed, &url).apply(&mut settled);
    assert!(settled.conflicts.is_empty());

    // The page that kept ours may be gone before it heard the write was taken: the write goes
    // again from the queue. Someone wrote theirs again meanwhile: a new disagreement, shown,
    // and theirs stays (the user's choice was spent on the write that went).
    remote::write(&client, &child.id, &theirs, |_| true)
        .await
        .unwrap();
    outbox::queue(&url, [child.id.as_str()]);
    let again = flush(&client, &store::load(0.0).lineage).await;
    assert_eq!((again.written, again.disagree.len()), (0, 1), "{again:?}");
    assert_eq!(
        metadata(&client, &child.id).await[KEY]["parent"],
        b.id.as_str()
    );
}

#[tokio::test]
async fn writes_wait_while_the_server_is_gone_are_told_once_and_go_when_it_is_back() {
    let mut server = OpenCode::start().await;
    let client = server.client();
    let url = server.base_url();
    let source = server.seed("Source", &["one"]).await;
    let forked = client.fork(&source.id, None).await.unwrap();
    let edge = edge_on(&url, &forked.id, &source.id);

    // Off: nothing is queued, nothing written.
    prefs::set_lineage_on_server(false);
    store::record(edge.clone(), 0.0).unwrap();
    assert!(outbox::waiting(&url).is_empty());
    outbox::queue(&url, [forked.id.as_str()]);
    assert!(outbox::waiting(&url).is_empty());
    assert_eq!(
        flush(&client, &store::load(0.0).lineage).await,
        Default::default()
    );
    assert_eq!(metadata(&client, &forked.id).await.get(KEY), None);
    prefs::set_lineage_on_server(true);

    store::record(edge, 0.0).unwrap();
    let port = server.port;
    server.stop();
    let lineage = store::load(0.0).lineage;
    let first = flush(&client, &lineage).await;
    assert!(first.failure.is_some() && first.tell, "{first:?}");
    assert_eq!(first.left, 1, "kept");
    let second = flush(&client, &lineage).await;
    assert!(
        second.failure.is_some() && !second.tell,
        "told once, not per retry"
    );

    server.launch(port).await;
    let back = flush(&client, &lineage).await;
    assert_eq!(
        (back.written, back.left, back.caught_up),
        (1, 0, true),
        "{back:?}"
    );
    assert_eq!(
        metadata(&client, &forked.id).await[KEY]["parent"],
        source.id.as_str()
    );
    // Deleted before its record could be written: dropped from the queue, not retried.
    let gone = client.fork(&source.id, None).await.unwrap();
    store::record(edge_on(&url, &gone.id, &source.id), 0.0).unwrap();
    client.delete_session(&gone.id).await.unwrap();
    let dropped = flush(&client, &store::load(0.0).lineage).await;
    assert_eq!(
        (dropped.written, dropped.left, dropped.failure),
        (0, 0, None)
    );
}

#[tokio::test]
async fn what_a_scan_finds_is_written_back_so_no_browser_scans_for_it_again() {
    let server = OpenCode::start().await;
    let client = server.client();
    let url = server.base_url();
    let source = server.seed("Scanned", &["one", "two"]).await;
    let made_elsewhere = client.fork(&source.id, None).await.unwrap();
    let found =
        branchpoint::lineage::discover::scan(&client, &LineageGraph::default(), |_| {}, || false)
            .await
            .unwrap()
            .unwrap();
    let (_, added) = store::record_found(&found, 0.0).unwrap();
    assert_eq!(added, 1);
    let flushed = flush(&client, &store::load(0.0).lineage).await;
    assert_eq!(flushed.written, 1);
    let key = &metadata(&client, &made_elsewhere.id).await[KEY];
    assert_eq!(
        (&key["parent"], &key["discovered"]),
        (&json!(source.id), &json!(true))
    );
    let read = fresh_browser_reads(&client, &url).await;
    let edge = read
        .parent_of(&made_elsewhere.id)
        .expect("known with no scan");
    assert!(edge.discovered, "still said to be found, not recorded");
}
