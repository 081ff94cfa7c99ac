//! The fork operation against a real server: what each fork point copies, the lineage edge,
//! the draft for "edit and resend", refusals, and busy sessions.

mod support;

use branchpoint::api::{MessageInfo, Role};
use branchpoint::fork::pending::{pending_forks, resolve_pending, Resolution};
use branchpoint::fork::{fork, ForkError, ForkPoint, ForkRequest, WhenBusy};
use branchpoint::lineage::{store, ForkKind};
use branchpoint::persist::keys;
use branchpoint::persist::storage::{self, Area};
use support::OpenCode;

fn texts(messages: &[branchpoint::api::Message]) -> Vec<String> {
    messages.iter().map(|m| m.text()).collect()
}

#[tokio::test]
async fn each_fork_point_copies_what_it_says() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.chat("Source", &["first", "second"]).await;
    let messages = client.messages(&source.id).await.unwrap();
    let roles: Vec<Role> = messages.iter().map(|m| m.info.role()).collect();
    assert_eq!(
        roles,
        [Role::User, Role::Assistant, Role::User, Role::Assistant]
    );
    let id = |i: usize| messages[i].info.id().to_owned();

    // Through the first (user) message: its whole turn, the reply included.
    let first = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Through(id(0))),
        1.0,
    )
    .await
    .unwrap();
    let copied = client.messages(&first.session.id).await.unwrap();
    assert_eq!(texts(&copied), ["first", "Scripted reply to: first"]);
    assert_eq!(first.session.title, "Source — after “first”");
    assert_eq!(
        client.get_session(&first.session.id).await.unwrap().title,
        first.session.title,
        "renamed on the server"
    );
    let edge = first
        .lineage
        .as_ref()
        .unwrap()
        .parent_of(&first.session.id)
        .unwrap()
        .clone();
    assert_eq!(
        (edge.parent.as_str(), edge.anchor.as_deref(), edge.kind),
        (source.id.as_str(), Some(id(0).as_str()), ForkKind::Through)
    );
    assert_eq!(edge.role, Some(Role::User));
    assert_eq!(edge.excerpt, "first");
    assert_eq!(edge.server, server.base_url());

    // Through a middle assistant message: the same turn boundary.
    let middle = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Through(id(1))),
        2.0,
    )
    .await
    .unwrap();
    assert_eq!(client.messages(&middle.session.id).await.unwrap().len(), 2);

    // Through the last message: everything.
    let last = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Through(id(3))),
        3.0,
    )
    .await
    .unwrap();
    assert_eq!(
        texts(&client.messages(&last.session.id).await.unwrap()),
        texts(&messages)
    );

    // Edit and resend the second prompt: everything before it, and its text as a draft.
    let edit = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Before(id(2))),
        4.0,
    )
    .await
    .unwrap();
    assert_eq!(client.messages(&edit.session.id).await.unwrap().len(), 2);
    assert_eq!(
        storage::get(Area::Local, &keys::draft(&edit.session.id)).as_deref(),
        Some("second")
    );
    assert_eq!(edit.plan.kind, ForkKind::Before);

    // The whole session.
    let whole = fork(&client, ForkRequest::new(&source, ForkPoint::Whole), 5.0)
        .await
        .unwrap();
    assert_eq!(client.messages(&whole.session.id).await.unwrap().len(), 4);
    assert_eq!(whole.session.title, "Source (copy)");

    // Siblings: the first and the middle fork leave the source at different anchors of one turn.
    let lineage = store::load(0.0).lineage;
    assert_eq!(lineage.children(&source.id).len(), 5);
    assert_eq!(lineage.siblings(&first.session.id).len(), 1);
    let again = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Through(id(0))),
        6.0,
    )
    .await
    .unwrap();
    let siblings: Vec<String> = store::load(0.0)
        .lineage
        .siblings(&again.session.id)
        .iter()
        .map(|e| e.child.clone())
        .collect();
    assert_eq!(
        siblings,
        [first.session.id.clone(), again.session.id.clone()]
    );
}

#[tokio::test]
async fn refuses_a_message_that_is_not_in_the_session_and_sends_no_fork() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Mine", &["a"]).await;
    let other = server.seed("Other", &["b"]).await;
    let foreign = client.messages(&other.id).await.unwrap()[0]
        .info
        .id()
        .to_owned();
    let before = client.list_sessions().await.unwrap().len();

    let error = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Through(foreign)),
        1.0,
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("not in this session"), "{error}");
    let error = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Before("msg_../../x".into())),
        1.0,
    )
    .await
    .unwrap_err();
    assert!(
        error.to_string().contains("not a valid message id"),
        "{error}"
    );
    assert_eq!(
        client.list_sessions().await.unwrap().len(),
        before,
        "no session was created"
    );
    assert!(store::load(0.0).lineage.parent_of(&source.id).is_none());
}

#[tokio::test]
async fn a_busy_session_asks_then_stops_or_forks_what_is_complete() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.busy("Busy", "done already").await;

    let asked = fork(&client, ForkRequest::new(&source, ForkPoint::Whole), 1.0)
        .await
        .unwrap_err();
    assert_eq!(asked, ForkError::Busy);

    let complete = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Whole).when_busy(WhenBusy::CompleteOnly),
        2.0,
    )
    .await
    .unwrap();
    let copied = client.messages(&complete.session.id).await.unwrap();
    assert!(
        copied.iter().all(|m| !branchpoint::fork::is_running(m)),
        "no running reply is copied"
    );
    assert_eq!(
        copied.len(),
        3,
        "both finished messages and the pending prompt: {:?}",
        texts(&copied)
    );

    let stopped = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Whole).when_busy(WhenBusy::StopFirst),
        3.0,
    )
    .await
    .unwrap();
    let copied = client.messages(&stopped.session.id).await.unwrap();
    let last = copied.last().unwrap();
    assert!(
        matches!(&last.info, MessageInfo::Assistant(a) if a.error.is_some() || a.time.completed.is_some()),
        "the reply was stopped before the fork"
    );
}

/// The page forks from the messages it shows (no fetch first); what is copied is the same, and
/// `copied` is what the new session's page shows before the server answers.
#[tokio::test]
async fn forking_from_known_messages_copies_the_same() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.chat("Known", &["one", "two"]).await;
    let known = client.messages(&source.id).await.unwrap();
    let point = ForkPoint::Through(known[0].info.id().to_owned());
    let forked = fork(
        &client,
        ForkRequest::new(&source, point.clone()).known(Some(known.clone())),
        1.0,
    )
    .await
    .unwrap();
    let copied = client.messages(&forked.session.id).await.unwrap();
    assert_eq!(texts(&copied), ["one", "Scripted reply to: one"]);
    assert_eq!(texts(&forked.copied), texts(&copied));
    assert_eq!(
        forked.copied[0].info.id(),
        known[0].info.id(),
        "the source's ids"
    );
    assert_eq!(forked.naming, None, "named on the server");

    // As the page does it: the fork first (recorded under its telling title), the name after.
    let mut opened = fork(
        &client,
        ForkRequest::new(&source, point.clone())
            .known(Some(known.clone()))
            .name_later(),
        2.0,
    )
    .await
    .unwrap();
    assert_eq!(opened.session.title, "Known — after “one”");
    let edge = opened
        .lineage
        .as_ref()
        .unwrap()
        .parent_of(&opened.session.id)
        .unwrap()
        .clone();
    assert_eq!(edge.child_title, opened.session.title);
    let on_server = client.get_session(&opened.session.id).await.unwrap().title;
    assert!(
        on_server.starts_with("Known (fork #"),
        "not yet named: {on_server}"
    );
    let naming = opened.naming.take().expect("a name to give");
    naming.apply(&client).await.unwrap();
    assert_eq!(
        client.get_session(&opened.session.id).await.unwrap().title,
        opened.session.title
    );

    // Known messages with a reply still running are not trusted: they are fetched again.
    let busy = server.busy("Busy known", "done").await;
    let stale = client.messages(&busy.id).await.unwrap();
    let asked = fork(
        &client,
        ForkRequest::new(&busy, ForkPoint::Whole).known(Some(stale)),
        1.0,
    )
    .await;
    assert_eq!(asked.unwrap_err(), ForkError::Busy);
}

#[tokio::test]
async fn a_fork_unanswered_while_the_server_is_down_is_looked_for_when_it_is_back() {
    let mut server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Pending", &["one", "two"]).await;
    let messages = client.messages(&source.id).await.unwrap();
    let first = messages[0].info.id().to_owned();
    let port = server.port;

    // The server goes while the fork is asked for, and cannot be asked about it either.
    server.kill();
    let point = ForkPoint::Through(first.clone());
    let lost = fork(
        &client,
        ForkRequest::new(&source, point.clone()).known(Some(messages.clone())),
        1.0,
    )
    .await
    .unwrap_err();
    assert!(matches!(lost, ForkError::Pending(_)), "{lost:?}");
    assert!(
        lost.to_string()
            .contains("will look for it when the server is back"),
        "{lost}"
    );
    assert_eq!(pending_forks().len(), 1);
    assert!(store::load(0.0).lineage.edges.is_empty(), "nothing guessed");
    // Still down: nothing decided, nothing forgotten.
    assert!(resolve_pending(&client, 2.0).await.is_err());
    assert_eq!(pending_forks().len(), 1);

    // It had reached the server, which made the fork before it went: found, titled, recorded.
    server.launch(port).await;
    let made = client
        .fork(&source.id, Some(messages[1].info.id()))
        .await
        .unwrap();
    let resolved = resolve_pending(&client, 3.0).await.unwrap();
    let [Resolution::Found(pending, forked)] = &resolved[..] else {
        panic!("{resolved:?}")
    };
    assert_eq!(pending.source.id, source.id);
    assert_eq!(forked.session.id, made.id);
    assert_eq!(forked.session.title, "Pending — after “one”");
    assert_eq!(
        client.get_session(&made.id).await.unwrap().title,
        forked.session.title,
        "renamed on the server"
    );
    let edge = store::load(0.0)
        .lineage
        .parent_of(&made.id)
        .cloned()
        .unwrap();
    assert_eq!(
        (edge.parent.as_str(), edge.anchor.as_deref(), edge.kind),
        (source.id.as_str(), Some(first.as_str()), ForkKind::Through)
    );
    assert!(pending_forks().is_empty());
    assert!(
        resolve_pending(&client, 4.0).await.unwrap().is_empty(),
        "nothing left to look for"
    );
    // Another tab, back with the server at the same moment, had read it as still pending: it
    // finds the fork recorded and says nothing (not "never made").
    storage::set(
        Area::Local,
        keys::PENDING_FORKS,
        &serde_json::to_string(std::slice::from_ref(pending)).unwrap(),
    )
    .unwrap();
    let again = resolve_pending(&client, 4.5).await.unwrap();
    assert!(
        matches!(&again[..], [Resolution::Settled(p)] if p == pending),
        "{again:?}"
    );
    assert!(pending_forks().is_empty());

    // One that never reached the server: the user is told, nothing is made, it is forgotten.
    server.kill();
    let lost = fork(
        &client,
        ForkRequest::new(&source, ForkPoint::Whole).known(Some(messages)),
        5.0,
    )
    .await
    .unwrap_err();
    assert!(matches!(lost, ForkError::Pending(_)), "{lost:?}");
    server.launch(port).await;
    let before = client.list_sessions().await.unwrap().len();
    let resolved = resolve_pending(&client, 6.0).await.unwrap();
    assert!(
        matches!(&resolved[..], [Resolution::NotMade(p)] if p.plan.kind == ForkKind::Whole),
        "{resolved:?}"
    );
    assert!(pending_forks().is_empty());
    assert_eq!(client.list_sessions().await.unwrap().len(), before);
    assert_eq!(store::load(0.0).lineage.edges.len(), 1);

    // One asked for in another directory of this server (a session page asks in its session's
    // own) is looked for in that directory: its list, not this project's, says it was never made.
    let other = std::env::temp_dir().join(format!("bp-elsewhere-{}", std::process::id()));
    std::fs::create_dir_all(&other).unwrap();
    let mut elsewhere = pending.clone();
    elsewhere.directory = Some(other.to_string_lossy().into_owned());
    elsewhere.asked = 6.5; // after the fork recorded above: not that one
    storage::set(
        Area::Local,
        keys::PENDING_FORKS,
        &serde_json::to_string(std::slice::from_ref(&elsewhere)).unwrap(),
    )
    .unwrap();
    let resolved = resolve_pending(&client, 7.0).await.unwrap();
    assert!(
        matches!(&resolved[..], [Resolution::NotMade(p)] if *p == elsewhere),
        "{resolved:?}"
    );
    assert!(pending_forks().is_empty());
    let _ = std::fs::remove_dir_all(&other);
}
