//! Forks into a git worktree, against a real server in a real git project whose scripted
//! model writes files with `bash`: the worktree's files after forks at the first, a middle and
//! the last turn (added, modified and deleted files), the fork's directory, the source left as
//! it was, a failure injected at every step leaving no fork, no worktree and no edge, a
//! repository with no commit, and bringing the changes back, cleanly and in conflict.

mod support;

use std::path::Path;
use std::process::Command;

use branchpoint::api::{Client, Connection, PromptInput, Session};
use branchpoint::fork::worktree::{
    bring_back, fork_into_worktree, prepare, prepare_bring_back, Step, WorktreeFork,
};
use branchpoint::fork::{ForkPoint, WhenBusy};
use branchpoint::lineage::{store, ForkKind};
use support::{FaultProxy, OpenCode, Reqwest};

/// Turn 1 adds a.txt and notes.txt; turn 2 changes a.txt, deletes notes.txt, adds b.txt;
/// turn 3 changes a.txt again and adds c.txt.
const TURNS: [&str; 3] = [
    r"printf 'v1\n' > a.txt && printf 'keep me\n' > notes.txt",
    r"printf 'v2\n' > a.txt && rm notes.txt && printf 'b\n' > b.txt",
    r"printf 'v3\n' > a.txt && printf 'c\n' > c.txt",
];

fn read(dir: &Path, file: &str) -> Option<String> {
    std::fs::read_to_string(dir.join(file)).ok()
}

/// The `n`th user message's id.
async fn user_message(client: &Client<Reqwest>, session: &str, n: usize) -> String {
    client
        .messages(session)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.info.role() == branchpoint::api::Role::User)
        .nth(n)
        .map(|m| m.info.id().to_owned())
        .unwrap()
}

/// Forks `source` at `point` into a worktree through `client`, noting the steps it reports.
async fn into_worktree(
    client: &Client<Reqwest>,
    source: &Session,
    point: ForkPoint,
) -> (Result<WorktreeFork, String>, Vec<Step>) {
    let prepared = prepare(client, source, &point, None, WhenBusy::Ask)
        .await
        .unwrap();
    let mut steps = Vec::new();
    let result = fork_into_worktree(client, prepared, 1.0, |step, _| {
        if steps.last() != Some(&step) {
            steps.push(step);
        }
    })
    .await
    .map_err(|e| e.to_string());
    (result, steps)
}

/// The project's worktrees besides itself, as git lists them.
fn worktrees(project: &Path) -> Vec<String> {
    let out = Command::new("git")
        .args(["worktree", "list", "--porcelain"])
        .current_dir(project)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("worktree "))
        .skip(1)
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn forks_at_the_first_a_middle_and_the_last_turn_carry_the_code_as_it_was() {
    let server = OpenCode::start().await;
    server.commit_all("start");
    let client = server.client();
    let source = server.code("Code", &TURNS).await;
    let project = server.project_dir().to_owned();

    // After the first turn: a.txt as turn 1 wrote it, notes.txt still there.
    let first = user_message(&client, &source.id, 0).await;
    let (made, steps) = into_worktree(&client, &source, ForkPoint::Through(first.clone())).await;
    let made = made.unwrap();
    assert_eq!(steps, Step::ALL);
    let dir = Path::new(&made.worktree.directory);
    assert_eq!(read(dir, "a.txt").as_deref(), Some("v1\n"));
    assert_eq!(read(dir, "notes.txt").as_deref(), Some("keep me\n"));
    assert_eq!(read(dir, "b.txt"), None);
    assert_eq!(
        read(dir, "README.md").as_deref(),
        Some("# A test project\n")
    );
    // The fork lives there, on the worktree's branch, titled, recorded with its worktree.
    let fork = client.get_session(&made.session.id).await.unwrap();
    assert_eq!(fork.directory, made.worktree.directory);
    assert_eq!(
        fork.title,
        "Code — worktree after “turn 1 [[tool:bash:printf 'v1\\n'…”"
    );
    let branch = Command::new("git")
        .args(["branch", "--show-current"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&branch.stdout).trim(),
        made.worktree.branch
    );
    let edge = store::load(0.0)
        .lineage
        .parent_of(&fork.id)
        .unwrap()
        .clone();
    assert_eq!(edge.kind, ForkKind::Worktree);
    assert_eq!(edge.anchor.as_deref(), Some(first.as_str()));
    assert_eq!(edge.directory, made.worktree.directory);
    assert_eq!(edge.worktree.as_ref().unwrap().name, made.worktree.name);
    assert_eq!(edge.worktree.as_ref().unwrap().branch, made.worktree.branch);
    assert_eq!(client.messages(&fork.id).await.unwrap().len(), 3);

    // A prompt in the fork changes only the worktree's files.
    client
        .prompt(
            &fork.id,
            &PromptInput::text(
                r"[[tool:bash:printf 'fork\n' > f.txt && printf 'v1 fork\n' > a.txt]]",
            ),
        )
        .await
        .unwrap();
    assert_eq!(read(dir, "f.txt").as_deref(), Some("fork\n"));
    assert_eq!(read(dir, "a.txt").as_deref(), Some("v1 fork\n"));
    assert_eq!(read(&project, "f.txt"), None);
    assert_eq!(
        read(&project, "a.txt").as_deref(),
        Some("v3\n"),
        "the source's checkout is untouched"
    );

    // After a middle turn: a modified file, a deleted one, an added one.
    let second = user_message(&client, &source.id, 1).await;
    let (made, _) = into_worktree(&client, &source, ForkPoint::Through(second)).await;
    let dir = made.unwrap().worktree.directory;
    let dir = Path::new(&dir);
    assert_eq!(read(dir, "a.txt").as_deref(), Some("v2\n"));
    assert_eq!(read(dir, "notes.txt"), None, "deleted, not left empty");
    assert_eq!(read(dir, "b.txt").as_deref(), Some("b\n"));

    // The whole session (the last turn).
    let (made, _) = into_worktree(&client, &source, ForkPoint::Whole).await;
    let dir = made.unwrap().worktree.directory;
    let dir = Path::new(&dir);
    assert_eq!(read(dir, "a.txt").as_deref(), Some("v3\n"));
    assert_eq!(read(dir, "c.txt").as_deref(), Some("c\n"));
    assert_eq!(read(dir, "notes.txt"), None);
    assert_eq!(worktrees(&project).len(), 3);
    // The source is where it was.
    assert_eq!(read(&project, "a.txt").as_deref(), Some("v3\n"));
    assert_eq!(
        client.get_session(&source.id).await.unwrap().directory,
        source.directory
    );
    // The project's sessions include the worktrees' (scope=project).
    let listed = client.list_sessions().await.unwrap();
    assert!(listed.iter().any(|s| s.directory == made_dir(dir)));
}

fn made_dir(dir: &Path) -> String {
    dir.display().to_string()
}

#[tokio::test]
async fn a_failure_at_any_step_leaves_no_fork_no_worktree_and_no_edge() {
    let server = OpenCode::start().await;
    server.commit_all("start");
    let client = server.client();
    let source = server.code("Code", &TURNS[..2]).await;
    let project = server.project_dir().to_owned();
    let sessions = client.list_sessions().await.unwrap().len();
    let faults = [
        (r"^POST /experimental/worktree$", Step::Worktree),
        (r"^GET /vcs/status$", Step::Worktree),
        (r"^POST /session/[^/]+/fork$", Step::Fork),
        (r"^POST /vcs/apply$", Step::Apply),
        (
            r"^POST /experimental/control-plane/move-session$",
            Step::Move,
        ),
    ];
    for (fault, step) in faults {
        let proxy = FaultProxy::with_body(
            &server.base_url(),
            fault,
            500,
            r#"{"name":"UnknownError","data":{"message":"injected failure"}}"#,
        );
        let proxied = Client::new(Connection::new(proxy.url()), Reqwest::default());
        let (result, _) = into_worktree(&proxied, &source, ForkPoint::Whole).await;
        let told = result.unwrap_err();
        assert!(
            told.starts_with(&format!(
                "Fork into a worktree failed at “{}”: injected failure",
                step.label()
            )),
            "{fault}: {told}"
        );
        assert_eq!(
            client.list_sessions().await.unwrap().len(),
            sessions,
            "{fault}: a fork is left"
        );
        assert!(
            worktrees(&project).is_empty(),
            "{fault}: a worktree is left"
        );
        assert!(
            store::load(0.0).lineage.edges.is_empty(),
            "{fault}: an edge was recorded"
        );
    }

    // The fork's answer lost on the way: looked for, never sent again, and the rest goes on.
    let proxy = FaultProxy::start_with(
        &server.base_url(),
        &["--drop", r"^POST /session/[^/]+/fork$"],
    );
    let proxied = Client::new(Connection::new(proxy.url()), Reqwest::default());
    let (result, _) = into_worktree(&proxied, &source, ForkPoint::Whole).await;
    let made = result.unwrap();
    assert_eq!(
        proxy.requests(&format!("POST /session/{}/fork", source.id)),
        1
    );
    assert_eq!(
        read(Path::new(&made.worktree.directory), "b.txt").as_deref(),
        Some("b\n")
    );
    assert_eq!(client.list_sessions().await.unwrap().len(), sessions + 1);
}

#[tokio::test]
async fn a_repository_with_no_commit_is_told_to_make_one() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.code("Code", &TURNS[..1]).await;
    let sessions = client.list_sessions().await.unwrap().len();
    let (result, steps) = into_worktree(&client, &source, ForkPoint::Whole).await;
    let told = result.unwrap_err();
    assert!(told.starts_with("This repository has no commit yet, and a worktree starts from the last commit: make a first commit"), "{told}");
    assert!(told.contains("--orphan"), "the server's words: {told}");
    assert_eq!(steps, [Step::Worktree]);
    assert_eq!(client.list_sessions().await.unwrap().len(), sessions);
    assert!(worktrees(server.project_dir()).is_empty());
}

#[tokio::test]
async fn bring_back_applies_the_forks_changes_and_a_conflict_is_refused_whole() {
    let server = OpenCode::start().await;
    server.commit_all("start");
    let client = server.client();
    let source = server.code("Code", &TURNS[..1]).await;
    let project = server.project_dir().to_owned();
    let (made, _) = into_worktree(&client, &source, ForkPoint::Whole).await;
    let fork = made.unwrap().session;
    client
        .prompt(
            &fork.id,
            &PromptInput::text(r"[[tool:bash:printf 'v1 better\n' > a.txt && printf 'd\n' > d.txt && rm notes.txt]]"),
        )
        .await
        .unwrap();
    server.settled(&fork.id).await;
    let back = prepare_bring_back(&client, &fork, &source.id)
        .await
        .unwrap();
    assert_eq!(
        back.turns.len(),
        1,
        "only the fork's own turn: {:?}",
        back.turns
    );
    let files: Vec<&str> = back.turns[0]
        .1
        .iter()
        .map(|d| d.change.file.as_str())
        .collect();
    assert_eq!(files, ["a.txt", "d.txt", "notes.txt"]);
    bring_back(&client, &back).await.unwrap();
    assert_eq!(read(&project, "a.txt").as_deref(), Some("v1 better\n"));
    assert_eq!(read(&project, "d.txt").as_deref(), Some("d\n"));
    assert_eq!(read(&project, "notes.txt"), None);

    // The source's checkout moved on where the fork changes it: refused whole.
    let (made, _) = into_worktree(&client, &source, ForkPoint::Whole).await;
    let other = made.unwrap().session;
    client
        .prompt(
            &other.id,
            &PromptInput::text(
                r"[[tool:bash:printf 'e\n' > e.txt && printf 'v1 other\n' > a.txt]]",
            ),
        )
        .await
        .unwrap();
    server.settled(&other.id).await;
    std::fs::write(project.join("a.txt"), "changed meanwhile\n").unwrap();
    let back = prepare_bring_back(&client, &other, &source.id)
        .await
        .unwrap();
    let refused = bring_back(&client, &back).await.unwrap_err();
    assert!(refused.contains("Patch can't be applied"), "{refused}");
    assert!(refused.contains("nothing was applied"), "{refused}");
    assert_eq!(read(&project, "e.txt"), None, "nothing applied halfway");
    assert_eq!(
        read(&project, "a.txt").as_deref(),
        Some("changed meanwhile\n")
    );
}

#[tokio::test]
async fn a_binary_change_is_named_before_anything_is_made() {
    let server = OpenCode::start().await;
    server.commit_all("start");
    let client = server.client();
    let source = server
        .code(
            "Binary",
            &[r"printf '\000\001\002' > bin.dat && printf 'text\n' > t.txt"],
        )
        .await;
    let sessions = client.list_sessions().await.unwrap().len();
    let prepared = prepare(&client, &source, &ForkPoint::Whole, None, WhenBusy::Ask)
        .await
        .unwrap();
    assert_eq!(prepared.uncarried, ["bin.dat"]);
    assert_eq!(prepared.turns.len(), 1);
    assert_eq!(
        client.list_sessions().await.unwrap().len(),
        sessions,
        "nothing made yet"
    );
    assert!(worktrees(server.project_dir()).is_empty());
    // Made anyway, the text file comes along and the binary does not.
    let made = fork_into_worktree(&client, prepared, 1.0, |_, _| {})
        .await
        .unwrap();
    let dir = Path::new(&made.worktree.directory);
    assert_eq!(read(dir, "t.txt").as_deref(), Some("text\n"));
    assert!(!dir.join("bin.dat").exists());
}
