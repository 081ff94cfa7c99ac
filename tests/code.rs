//! The code a session's turns changed, against a real server whose scripted model writes real
//! files with `bash`: each turn's changes (known from the messages alone, the patches fetched
//! on demand), the session's in all, and undo that keeps the undone messages as a branch,
//! with redo and what the server leaves behind.

mod support;

use branchpoint::api::{FileStatus, Message, MessageInfo, Session};
use branchpoint::changes::{changes_of, fetch_turns, turn_changes};
use branchpoint::diff::{by_file, git_patch, parse_patch, LineKind, Totals};
use branchpoint::fork::{redo, undo, UndoError, UndoRequest, WhenBusy};
use branchpoint::lineage::{store, ForkKind};
use branchpoint::persist::drafts;
use support::{FaultProxy, OpenCode};

/// Turn 1 adds a.txt and notes.txt; turn 2 changes a.txt, deletes notes.txt, adds b.txt;
/// turn 3 only talks.
const TURNS: [&str; 3] = [
    r"printf 'one\ntwo\nthree\n' > a.txt && printf 'keep me\n' > notes.txt",
    r"printf 'one\nTWO\nthree\nfour\n' > a.txt && rm notes.txt && printf 'new\n' > b.txt",
    "",
];

/// The id of the `n`th user message (0-based).
fn nth_user(messages: &[Message], n: usize) -> String {
    messages
        .iter()
        .filter(|m| matches!(m.info, MessageInfo::User(_)))
        .nth(n)
        .map(|m| m.info.id().to_owned())
        .expect("that many user messages")
}

/// Undo `session` from `message_id`, asking when busy.
fn from(session: &Session, message_id: &str) -> UndoRequest {
    UndoRequest {
        source: session.clone(),
        message_id: message_id.to_owned(),
        when_busy: WhenBusy::Ask,
        known: None,
    }
}

/// A file as a turn's summary lists it: name, status, lines added and removed.
type File = (String, FileStatus, u64, u64);

#[tokio::test]
async fn each_turns_changes_and_the_sessions_from_the_real_server() {
    let server = OpenCode::start().await;
    let client = server.client();
    let session = server.code("Code", &TURNS).await;
    let messages = client.messages(&session.id).await.unwrap();

    // Known from the messages alone: no diff fetched for it.
    let turns = turn_changes(&messages);
    let summary: Vec<(String, Vec<File>)> = turns
        .iter()
        .map(|t| {
            let mut files: Vec<File> = t
                .changes
                .iter()
                .map(|c| (c.file.clone(), c.status, c.added(), c.removed()))
                .collect();
            files.sort_by(|a, b| a.0.cmp(&b.0));
            (t.label.clone(), files)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "Turn 1 · “turn 1 [[tool:bash:printf 'one\\ntwo\\nthr…”".to_owned(),
                vec![
                    ("a.txt".to_owned(), FileStatus::Added, 3, 0),
                    ("notes.txt".to_owned(), FileStatus::Added, 1, 0)
                ]
            ),
            (
                "Turn 2 · “turn 2 [[tool:bash:printf 'one\\nTWO\\nthr…”".to_owned(),
                vec![
                    ("a.txt".to_owned(), FileStatus::Modified, 2, 1),
                    ("b.txt".to_owned(), FileStatus::Added, 1, 0),
                    ("notes.txt".to_owned(), FileStatus::Deleted, 0, 1)
                ]
            )
        ]
    );
    let third = nth_user(&messages, 2);
    let third = messages.iter().find(|m| m.info.id() == third).unwrap();
    assert!(changes_of(third).is_empty(), "a turn that only talked");
    assert_eq!(
        Totals::of(turns.iter().flat_map(|t| &t.changes)).line(),
        "3 files changed, +7 −2"
    );

    // The patches, fetched per turn, parse into numbered lines.
    let diffs = fetch_turns(&client, &session.id, &turns).await.unwrap();
    let second = &diffs[1].1;
    let a = second.iter().find(|d| d.change.file == "a.txt").unwrap();
    let hunks = parse_patch(&a.patch);
    let lines: Vec<(Option<u64>, Option<u64>, LineKind, &str)> = hunks
        .iter()
        .flat_map(|h| &h.lines)
        .map(|l| (l.old, l.new, l.kind, l.text.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (Some(1), Some(1), LineKind::Context, "one"),
            (Some(2), None, LineKind::Removed, "two"),
            (None, Some(2), LineKind::Added, "TWO"),
            (Some(3), Some(3), LineKind::Context, "three"),
            (None, Some(3 + 1), LineKind::Added, "four"),
        ]
    );
    // The session's changes in all, by file, across the turns.
    let sections = by_file(&diffs);
    let notes = sections.iter().find(|s| s.file == "notes.txt").unwrap();
    assert_eq!(notes.status, "added, then deleted");
    assert_eq!(notes.patches.len(), 2);
    assert!(notes.patches[1].label.starts_with("Turn 2"));
    // The deletion, in the form git applies as a deletion.
    let deleted = second
        .iter()
        .find(|d| d.change.file == "notes.txt")
        .unwrap();
    assert!(git_patch(deleted)
        .unwrap()
        .contains("deleted file mode 100644\n--- a/notes.txt\n+++ /dev/null\n"));
}

#[tokio::test]
async fn undo_keeps_the_tail_as_a_branch_reverts_the_files_and_redo_restores_them() {
    let server = OpenCode::start().await;
    let client = server.client();
    let session = server.code("Code", &TURNS).await;
    let messages = client.messages(&session.id).await.unwrap();
    let second = nth_user(&messages, 1);
    assert_eq!(server.read("b.txt").as_deref(), Some("new\n"));

    let undone = undo(&client, from(&session, &second), 10.0).await.unwrap();
    // The tail is kept: a whole-session branch, recorded as kind undo at the undone message.
    assert_eq!(undone.kept.session.title, "Code — before undo");
    let kept = client.messages(&undone.kept.session.id).await.unwrap();
    assert_eq!(kept.len(), messages.len());
    let edge = store::load(0.0)
        .lineage
        .parent_of(&undone.kept.session.id)
        .unwrap()
        .clone();
    assert_eq!(
        (
            edge.parent.as_str(),
            edge.anchor.as_deref(),
            edge.kind,
            edge.excerpt.starts_with("turn 2")
        ),
        (
            session.id.as_str(),
            Some(second.as_str()),
            ForkKind::Undo,
            true
        )
    );
    // The session is reverted as the server says, and the files on disk are back.
    let revert = undone.session.revert.clone().unwrap();
    assert_eq!(revert.message_id, second);
    assert_eq!(
        client
            .get_session(&session.id)
            .await
            .unwrap()
            .revert
            .unwrap()
            .message_id,
        second
    );
    assert_eq!(server.read("a.txt").as_deref(), Some("one\ntwo\nthree\n"));
    assert_eq!(server.read("notes.txt").as_deref(), Some("keep me\n"));
    assert_eq!(server.read("b.txt"), None);
    // The undone message is back in the composer.
    assert!(drafts::text(&session.id).starts_with("turn 2 [[tool:bash:"));
    assert_eq!(undone.draft.text, drafts::text(&session.id));

    // Redo: the server puts back a.txt and b.txt, and leaves notes.txt, which Branchpoint
    // deletes again.
    let redone = redo(&client, &session.id).await.unwrap();
    assert_eq!(redone.session.revert, None);
    assert_eq!(redone.completed, ["notes.txt"]);
    assert!(redone.differing.is_empty(), "{:?}", redone.differing);
    assert_eq!(
        server.read("a.txt").as_deref(),
        Some("one\nTWO\nthree\nfour\n")
    );
    assert_eq!(server.read("b.txt").as_deref(), Some("new\n"));
    assert_eq!(server.read("notes.txt"), None);
    assert_eq!(
        client.messages(&session.id).await.unwrap().len(),
        messages.len()
    );
    // Nothing left to redo.
    let again = redo(&client, &session.id).await.unwrap_err();
    assert!(again.to_string().contains("nothing to redo"), "{again}");
}

#[tokio::test]
async fn undo_then_a_new_prompt_leaves_the_kept_branch_whole() {
    let server = OpenCode::start().await;
    let client = server.client();
    let session = server.code("Code", &TURNS).await;
    let messages = client.messages(&session.id).await.unwrap();
    let second = nth_user(&messages, 1);
    let request = UndoRequest {
        known: Some(messages.clone()),
        ..from(&session, &second)
    };
    let undone = undo(&client, request, 10.0).await.unwrap();
    // Someone writes something else instead: the server deletes the undone messages.
    let mut prompt = branchpoint::api::PromptInput::text("something else");
    prompt.no_reply = true;
    client.prompt(&session.id, &prompt).await.unwrap();
    let now: Vec<String> = client
        .messages(&session.id)
        .await
        .unwrap()
        .iter()
        .map(|m| m.text())
        .collect();
    // Turn 1 (the prompt, the tool call, the answer) and the new prompt.
    assert_eq!(now.len(), 4, "{now:?}");
    assert_eq!(now[3], "something else");
    assert!(!now.iter().any(|t| t.starts_with("turn 2")), "{now:?}");
    assert_eq!(server.read("b.txt"), None);

    // The branch still holds every undone message, and its turns their files' history.
    let kept = client.messages(&undone.kept.session.id).await.unwrap();
    assert_eq!(kept.len(), messages.len());
    let kept_turns = turn_changes(&kept);
    assert_eq!(kept_turns.len(), 2);
    let diffs = fetch_turns(&client, &undone.kept.session.id, &kept_turns)
        .await
        .unwrap();
    let files: Vec<&str> = diffs[1].1.iter().map(|d| d.change.file.as_str()).collect();
    assert!(
        files.contains(&"b.txt") && files.contains(&"notes.txt"),
        "{files:?}"
    );
    assert!(store::load(0.0)
        .lineage
        .parent_of(&undone.kept.session.id)
        .is_some());
    // And there is nothing to redo any more.
    assert!(redo(&client, &session.id).await.is_err());
}

#[tokio::test]
async fn refused_undos_keep_the_branch_and_a_busy_session_is_asked_first() {
    let server = OpenCode::start().await;
    let client = server.client();

    // A busy session: asked first, and nothing is made.
    let busy = server.busy("Busy", "done already").await;
    let messages = client.messages(&busy.id).await.unwrap();
    let first = messages[0].info.id().to_owned();
    let before = client.list_sessions().await.unwrap().len();
    let asked = undo(&client, from(&busy, &first), 1.0).await.unwrap_err();
    assert_eq!(asked, UndoError::Busy);
    assert_eq!(client.list_sessions().await.unwrap().len(), before);
    // The server itself refuses a revert while the reply runs, in its own words.
    let refused = client.revert(&busy.id, &first).await.unwrap_err();
    assert!(refused.to_string().contains("409"), "{refused}");
    // Stop first: the reply is stopped, the tail kept, the session reverted.
    let request = UndoRequest {
        when_busy: WhenBusy::StopFirst,
        ..from(&busy, &first)
    };
    let stopped = undo(&client, request, 2.0).await.unwrap();
    assert_eq!(stopped.session.revert.unwrap().message_id, first);

    // A refusal (here a proxy answering as a busy server would) ends in the server's words,
    // and the branch made to keep the tail stays recorded.
    let proxy = FaultProxy::with_body(
        &server.base_url(),
        r"^POST /session/[^/]+/revert$",
        409,
        r#"{"_tag":"SessionBusyError","sessionID":"ses_x","message":"Session is busy right now"}"#,
    );
    let proxied = branchpoint::api::Client::new(
        branchpoint::api::Connection::new(proxy.url()),
        support::Reqwest::default(),
    );
    let session = server.chat("Calm", &["hello"]).await;
    let hello = client.messages(&session.id).await.unwrap()[0]
        .info
        .id()
        .to_owned();
    let error = undo(&proxied, from(&session, &hello), 3.0)
        .await
        .unwrap_err();
    let UndoError::Refused { kept, .. } = &error else {
        panic!("not a refusal: {error:?}");
    };
    assert!(
        error
            .to_string()
            .starts_with("The server refused the undo (HTTP 409) Session is busy right now."),
        "{error}"
    );
    assert!(store::load(0.0)
        .lineage
        .parent_of(&kept.session.id)
        .is_some());
    assert_eq!(client.messages(&kept.session.id).await.unwrap().len(), 2);
    assert_eq!(client.get_session(&session.id).await.unwrap().revert, None);
    // A message the server does not know is refused before anything is sent.
    let unknown = undo(&client, from(&session, "msg_notinthissession"), 4.0)
        .await
        .unwrap_err();
    assert!(
        unknown.to_string().contains("not in this session"),
        "{unknown}"
    );
}
