//! Fork into a worktree: a fork that takes its code with it. [`prepare`] reads, before anything
//! is made, what would be carried (the copied turns' patches) and what not (a binary change
//! the patch cannot carry); [`fork_into_worktree`] then makes it step by step — a git worktree
//! from the last commit → the fork → each copied turn's patches applied there in order → the
//! fork moved into the worktree → its lineage edge (with the worktree) — and undoes every
//! earlier step when one fails. A `POST /fork` whose answer is lost is never sent again.
//! [`prepare_bring_back`] and [`bring_back`] take a worktree fork's own changes back to its
//! source's checkout, all or nothing.
//! Generic over the transport, so native tests run it against a real server.

use super::lost::find_lost_fork;
use super::plan::{fork_title, ForkPlan, ForkPoint};
use super::run::{edge_of, planned, sleep_ms, ForkError, WhenBusy};
use crate::api::{ApiError, Client, FileDiff, FileStatus, Message, Session, Transport, Worktree};
use crate::changes::{fetch_turns, turn_changes};
use crate::compare::compare;
use crate::diff::git_patch;
use crate::lineage::{store, ForkKind, LineageGraph, WorktreeRef};

/// A step of a fork into a worktree, as the progress line names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Worktree,
    Fork,
    Apply,
    Move,
    Record,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 5] = [
        Step::Worktree,
        Step::Fork,
        Step::Apply,
        Step::Move,
        Step::Record,
    ];

    /// What the step does, for the progress line and for a failure.
    pub fn label(self) -> &'static str {
        match self {
            Step::Worktree => "Create the worktree",
            Step::Fork => "Fork the session",
            Step::Apply => "Put the session's changes into the worktree",
            Step::Move => "Move the fork into the worktree",
            Step::Record => "Record the fork",
        }
    }
}

/// What a fork into a worktree would carry, read before anything is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub source: Session,
    /// The fork's plan (kind [`ForkKind::Worktree`]).
    pub plan: ForkPlan,
    /// The messages the fork will hold.
    pub copied: Vec<Message>,
    /// Each copied turn that changed files: its label and its diffs, oldest first.
    pub turns: Vec<(String, Vec<FileDiff>)>,
    /// Files whose change a patch cannot carry (binary), named before anything is made.
    pub uncarried: Vec<String>,
}

/// Reads what a fork of `source` at `point` into a worktree would carry: the plan (a running
/// reply is asked about, stopped or left out as `when_busy` says) and the copied turns'
/// patches.
pub async fn prepare<T: Transport>(
    client: &Client<T>,
    source: &Session,
    point: &ForkPoint,
    known: Option<Vec<Message>>,
    when_busy: WhenBusy,
) -> Result<Prepared, ForkError> {
    let (messages, mut plan, _) = planned(client, source, known, point, when_busy).await?;
    plan.kind = ForkKind::Worktree;
    let copied = messages[..plan.copied.min(messages.len())].to_vec();
    let turns = fetch_turns(client, &source.id, &turn_changes(&copied)).await?;
    let uncarried = uncarried(&turns);
    Ok(Prepared {
        source: source.clone(),
        plan,
        copied,
        turns,
        uncarried,
    })
}

/// The files of `turns` a patch cannot carry, each once.
fn uncarried(turns: &[(String, Vec<FileDiff>)]) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for diff in turns.iter().flat_map(|(_, diffs)| diffs) {
        if git_patch(diff).is_none() && !files.contains(&diff.change.file) {
            files.push(diff.change.file.clone());
        }
    }
    files
}

/// One patch of every file a turn changed, in git form (`None` when none can be carried).
fn turn_patch(diffs: &[FileDiff]) -> Option<String> {
    let patch: String = diffs.iter().filter_map(git_patch).collect();
    (!patch.is_empty()).then_some(patch)
}

/// A fork into a worktree that happened.
#[derive(Debug, Clone, PartialEq)]
pub struct WorktreeFork {
    /// The fork, living in the worktree, under its telling title.
    pub session: Session,
    pub worktree: Worktree,
    /// The lineage as stored after recording the fork.
    pub lineage: LineageGraph,
    /// Something the user should know although it worked.
    pub warning: Option<String>,
}

/// A fork into a worktree that failed at `step`, with everything before it undone (or, where
/// undoing failed too, said).
#[derive(Debug, Clone, PartialEq)]
pub struct WorktreeError {
    pub step: Step,
    pub error: ApiError,
    /// What could not be undone, each a sentence.
    pub left: Vec<String>,
}

/// The server's words about a failure.
fn words(error: &ApiError) -> String {
    match error {
        ApiError::BadRequest { message }
        | ApiError::NotFound { message }
        | ApiError::Invalid { message } => message.clone(),
        ApiError::Server {
            status, message, ..
        } => format!("{message} (HTTP {status})"),
        other => other.to_string(),
    }
}

/// Did the server refuse a worktree because the repository has no commit yet? (opencode
/// 1.18.33 answers 400 with git's "No possible source branch, inferring '--orphan'".)
pub fn no_commit(error: &ApiError) -> bool {
    let message = words(error);
    message.contains("No possible source branch") || message.contains("--orphan")
}

impl std::fmt::Display for WorktreeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.step == Step::Worktree && no_commit(&self.error) {
            write!(
                f,
                "This repository has no commit yet, and a worktree starts from the last commit: \
                 make a first commit (for example `git add -A && git commit -m start`), then \
                 fork into a worktree again. The server said: {}",
                words(&self.error).trim()
            )?;
        } else {
            write!(
                f,
                "Fork into a worktree failed at “{}”: {}",
                self.step.label(),
                words(&self.error).trim()
            )?;
            if self.step != Step::Worktree {
                write!(f, ". Everything made before it was undone")?;
            }
        }
        if self.left.is_empty() {
            write!(f, ".")
        } else {
            write!(f, ". But: {}.", self.left.join("; "))
        }
    }
}

/// How long the server may take to fill a new worktree in (it answers first, then checks the
/// files out), and how often to look.
const FILL_WAIT_MS: u32 = 30_000;
const FILL_POLL_MS: u32 = 150;

/// Waits until the server has filled the worktree in: until then git sees every file of the
/// last commit as deleted there. Applying a patch before that would be undone by its
/// checkout.
async fn filled_in<T: Transport>(worktree: &Client<T>) -> Result<(), ApiError> {
    for _ in 0..FILL_WAIT_MS / FILL_POLL_MS {
        let status = worktree.vcs_status().await?;
        if !status.iter().any(|f| f.status == FileStatus::Deleted) {
            return Ok(());
        }
        sleep_ms(FILL_POLL_MS).await;
    }
    Err(ApiError::Invalid {
        message: format!(
            "the server did not check the files out into the new worktree within {} s",
            FILL_WAIT_MS / 1000
        ),
    })
}

/// Makes the fork `prepared` describes, in a worktree of its own. `progress` hears of each
/// step as it starts, with a detail ("turn 2 of 3"). `now` stamps the lineage edge.
pub async fn fork_into_worktree<T: Transport + Clone>(
    client: &Client<T>,
    prepared: Prepared,
    now: f64,
    mut progress: impl FnMut(Step, String),
) -> Result<WorktreeFork, WorktreeError> {
    let Prepared {
        source,
        plan,
        copied,
        turns,
        ..
    } = prepared;
    let repo = client.in_directory(&source.directory);
    let fail = |step: Step, error: ApiError| WorktreeError {
        step,
        error,
        left: Vec::new(),
    };

    progress(Step::Worktree, String::new());
    let worktree = repo
        .create_worktree()
        .await
        .map_err(|e| fail(Step::Worktree, e))?;
    let inside = client.in_directory(&worktree.directory);
    let mut made = Made {
        repo: &repo,
        worktree: &worktree,
        fork: None,
    };
    if let Err(error) = filled_in(&inside).await {
        return Err(made.undo(Step::Worktree, error).await);
    }

    progress(Step::Fork, String::new());
    let forked = match repo.fork(&source.id, plan.before.as_deref()).await {
        Ok(forked) => forked,
        // No answer: the server may have made it. Never sent again: looked for instead.
        Err(error @ ApiError::Network { .. }) => {
            let newest = copied.iter().map(|m| m.info.created()).fold(0.0, f64::max);
            let known = store::load(now).lineage;
            let found = match repo.list_sessions().await {
                Ok(sessions) => find_lost_fork(&sessions, &source, newest, &known),
                Err(_) => None,
            };
            match found {
                Some(found) => found,
                None => {
                    let mut failed = made.undo(Step::Fork, error).await;
                    failed.left.push(
                        "the server did not answer the fork, and it may have made it all the \
                         same: look in the sessions list before forking again"
                            .to_owned(),
                    );
                    return Err(failed);
                }
            }
        }
        Err(error) => return Err(made.undo(Step::Fork, error).await),
    };
    made.fork = Some(forked.id.clone());

    let applied: Vec<(usize, String)> = turns
        .iter()
        .filter_map(|(_, diffs)| turn_patch(diffs))
        .enumerate()
        .collect();
    for (n, patch) in &applied {
        progress(Step::Apply, format!("turn {} of {}", n + 1, applied.len()));
        if let Err(error) = inside.apply_patch(patch).await {
            return Err(made.undo(Step::Apply, error).await);
        }
    }

    progress(Step::Move, String::new());
    if let Err(error) = repo.move_session(&forked.id, &worktree.directory).await {
        return Err(made.undo(Step::Move, error).await);
    }

    progress(Step::Record, String::new());
    let title = fork_title(&source.title, &plan);
    let mut warning = None;
    let session = match inside.rename_session(&forked.id, &title).await {
        Ok(named) => named,
        Err(_) => {
            warning = Some(format!(
                "The fork keeps the server's title “{}”; Branchpoint calls it “{title}”.",
                forked.title
            ));
            Session {
                title: title.clone(),
                directory: worktree.directory.clone(),
                ..forked
            }
        }
    };
    let mut edge = edge_of(&client.conn.base_url, &source, &plan, &session, now);
    edge.directory = worktree.directory.clone();
    edge.worktree = Some(WorktreeRef {
        name: worktree.name.clone(),
        branch: worktree.branch.clone(),
    });
    let lineage = match store::record(edge, now) {
        Ok(lineage) => lineage,
        Err(problem) => {
            return Err(made
                .undo(Step::Record, ApiError::Invalid { message: problem })
                .await)
        }
    };
    Ok(WorktreeFork {
        session,
        worktree,
        lineage,
        warning,
    })
}

/// What a fork into a worktree has made so far, to undo when a step fails.
struct Made<'a, T> {
    repo: &'a Client<T>,
    worktree: &'a Worktree,
    fork: Option<String>,
}

impl<T: Transport> Made<'_, T> {
    /// Undoes what was made (the fork deleted, the worktree removed) and says what failed.
    async fn undo(&mut self, step: Step, error: ApiError) -> WorktreeError {
        let mut left = Vec::new();
        if let Some(fork) = self.fork.take() {
            if let Err(e) = self.repo.delete_session(&fork).await {
                left.push(format!(
                    "the fork {fork} could not be deleted ({})",
                    words(&e)
                ));
            }
        }
        if let Err(e) = self.repo.remove_worktree(&self.worktree.directory).await {
            left.push(format!(
                "the worktree {} could not be removed ({})",
                self.worktree.directory,
                words(&e)
            ));
        }
        WorktreeError { step, error, left }
    }
}

/// A worktree fork's own changes, ready to take back to its source's checkout.
#[derive(Debug, Clone, PartialEq)]
pub struct BringBack {
    pub source: Session,
    /// The fork's own turns that changed files (after what it copied), with their diffs.
    pub turns: Vec<(String, Vec<FileDiff>)>,
    /// Files whose change a patch cannot carry.
    pub uncarried: Vec<String>,
}

impl BringBack {
    /// The one patch of all the turns, in order (`None` when there is nothing to apply).
    pub fn patch(&self) -> Option<String> {
        let patch: String = self
            .turns
            .iter()
            .filter_map(|(_, diffs)| turn_patch(diffs))
            .collect();
        (!patch.is_empty()).then_some(patch)
    }
}

/// Reads what `fork` changed after it was forked from `source_id`: its turns beyond the
/// messages it shares with the source.
pub async fn prepare_bring_back<T: Transport>(
    client: &Client<T>,
    fork: &Session,
    source_id: &str,
) -> Result<BringBack, ApiError> {
    let (source, theirs, ours) = futures_util::join!(
        client.get_session(source_id),
        client.messages(source_id),
        client.messages(&fork.id)
    );
    let (source, theirs, ours) = (source?, theirs?, ours?);
    let shared = compare(&ours, &theirs).shared.len();
    let own = ours.get(shared..).unwrap_or_default();
    let turns = fetch_turns(client, &fork.id, &turn_changes(own)).await?;
    let uncarried = uncarried(&turns);
    Ok(BringBack {
        source,
        turns,
        uncarried,
    })
}

/// Applies the changes to the source's checkout, all of them or none (`git apply`); a patch
/// that does not apply is refused whole, in the server's words.
pub async fn bring_back<T: Transport + Clone>(
    client: &Client<T>,
    prepared: &BringBack,
) -> Result<(), String> {
    let Some(patch) = prepared.patch() else {
        return Err("There is nothing to bring back: the fork changed no file yet.".to_owned());
    };
    client
        .in_directory(&prepared.source.directory)
        .apply_patch(&patch)
        .await
        .map_err(|error| {
            format!(
                "The changes were not brought back: the server refused them whole (“{}”), so \
                 nothing was applied. The source's files have changed where the fork changed \
                 them; bring the changes over by hand, or commit and merge the worktree's \
                 branch.",
                words(&error)
            )
        })
}

/// The other sessions living in the worktree at `directory` (besides `except`).
pub async fn others_in<T: Transport>(
    client: &Client<T>,
    directory: &str,
    except: &str,
) -> Result<Vec<Session>, ApiError> {
    Ok(client
        .list_sessions()
        .await?
        .into_iter()
        .filter(|s| s.directory == directory && s.id != except)
        .collect())
}

/// Removes the worktree at `directory` (`DELETE /experimental/worktree`, asked of the
/// repository it belongs to), unless a session other than `except` still lives in it.
pub async fn remove_worktree_of<T: Transport + Clone>(
    client: &Client<T>,
    directory: &str,
    except: &str,
) -> Result<(), String> {
    let others = others_in(client, directory, except).await.map_err(|e| {
        format!("The worktree was not removed: who else lives in it is not known ({e}).")
    })?;
    if let Some(other) = others.first() {
        return Err(format!(
            "The worktree stays: the session “{}” lives in it too.",
            crate::text::display_title(&other.title)
        ));
    }
    // The repository the worktree belongs to lists it among its sandboxes.
    let repo = client
        .projects()
        .await
        .ok()
        .and_then(|projects| {
            projects
                .into_iter()
                .find(|p| p.sandboxes.iter().any(|s| s == directory))
                .map(|p| p.worktree)
        })
        .unwrap_or_default();
    client
        .in_directory(&repo)
        .remove_worktree(directory)
        .await
        .map(drop)
        .map_err(|e| format!("The worktree {directory} was not removed: {}.", words(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::FileChange;

    fn diff(file: &str, status: FileStatus, patch: &str) -> FileDiff {
        FileDiff {
            change: FileChange {
                file: file.into(),
                status,
                ..FileChange::default()
            },
            patch: patch.into(),
        }
    }

    #[test]
    fn binaries_are_named_and_a_turn_is_one_patch() {
        let turns = vec![
            (
                "Turn 1".to_owned(),
                vec![
                    diff("a", FileStatus::Added, "@@ -0,0 +1 @@\n+a\n"),
                    diff("bin.dat", FileStatus::Added, ""),
                ],
            ),
            (
                "Turn 2".to_owned(),
                vec![diff("bin.dat", FileStatus::Modified, "")],
            ),
        ];
        assert_eq!(uncarried(&turns), ["bin.dat"]);
        assert_eq!(
            turn_patch(&turns[0].1).as_deref(),
            Some("diff --git a/a b/a\nnew file mode 100644\n--- /dev/null\n+++ b/a\n@@ -0,0 +1 @@\n+a\n")
        );
        assert_eq!(turn_patch(&turns[1].1), None);
    }

    #[test]
    fn failures_name_the_step_and_the_repository_without_a_commit() {
        let orphan = ApiError::from_status(
            400,
            r#"{"name":"WorktreeCreateFailedError","data":{"message":"No possible source branch, inferring '--orphan'\nfatal: options '--orphan' and '--no-checkout' cannot be used together\n"}}"#,
        );
        let told = WorktreeError {
            step: Step::Worktree,
            error: orphan,
            left: Vec::new(),
        }
        .to_string();
        assert!(
            told.starts_with("This repository has no commit yet"),
            "{told}"
        );
        let moved = WorktreeError {
            step: Step::Move,
            error: ApiError::from_status(
                400,
                r#"{"name":"MoveSessionError","data":{"message":"no such directory"}}"#,
            ),
            left: vec!["the worktree /w could not be removed (gone)".into()],
        }
        .to_string();
        assert_eq!(
            moved,
            "Fork into a worktree failed at “Move the fork into the worktree”: no such \
             directory. Everything made before it was undone. But: the worktree /w could not \
             be removed (gone)."
        );
    }
}
