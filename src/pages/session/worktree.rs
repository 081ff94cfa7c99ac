//! [`use_worktree_action`]: "Fork into worktree" on the open session — whether the session's
//! directory is a git repository (the control is offered only there), the busy question, the
//! dialog saying what is carried, the progress line per step, and the fork opened once its
//! edge is recorded. Also [`use_worktree_of`]: where a session's code lives when it lives in
//! a worktree.

use dioxus::prelude::*;

use super::live::LiveSession;
use crate::api::Session;
use crate::components::{
    use_action, StepLine, StepState, UseAction, WorktreeInfo, WorktreeSummary,
};
use crate::diff::Totals;
use crate::fork::worktree::{fork_into_worktree, prepare, Prepared, Step};
use crate::fork::{ForkError, ForkPoint, WhenBusy};
use crate::lineage::Edge;
use crate::platform::now_ms;
use crate::route::Route;
use crate::shared::Shared;
use crate::state::{
    client, use_events, use_lineage, use_remote_lineage, use_settings, use_toasts, StreamStatus,
    ToastKind,
};
use crate::text::count;

/// Where a fork into a worktree stands.
#[derive(Clone, PartialEq)]
pub enum Stage {
    Idle,
    /// A reply runs: the user is asked how to fork at this point.
    Busy(ForkPoint),
    /// Asking: the dialog says what would be carried.
    Confirm(Shared<Prepared>),
    /// Making it, step by step.
    Running(Shared<Prepared>, Vec<StepLine>),
}

/// The session page's forks into a worktree.
#[derive(Clone, Copy, PartialEq)]
pub struct WorktreeAction {
    prepare: UseAction<(ForkPoint, WhenBusy)>,
    make: UseAction<Shared<Prepared>>,
    pub stage: Signal<Stage>,
    /// The fork point being read (its button says so).
    pub reading: Signal<Option<ForkPoint>>,
    /// `Some(None)`: the session's directory is a git repository; `Some(Some(reason))`: it is
    /// not, and why; `None`: not known yet.
    pub git: Signal<Option<Option<String>>>,
}

impl WorktreeAction {
    /// Reads what a fork at `point` would carry, then asks.
    pub fn start(self, point: ForkPoint, when_busy: WhenBusy) {
        if self.busy() {
            return;
        }
        let (mut stage, mut reading) = (self.stage, self.reading);
        stage.set(Stage::Idle);
        reading.set(Some(point.clone()));
        self.prepare.run((point, when_busy));
    }

    /// Makes the fork the dialog described.
    pub fn confirm(self) {
        let Stage::Confirm(prepared) = self.stage.peek().clone() else {
            return;
        };
        let mut stage = self.stage;
        stage.set(Stage::Running(prepared.clone(), lines(None, "")));
        self.make.run(prepared);
    }

    pub fn cancel(self) {
        if !matches!(*self.stage.peek(), Stage::Running(..)) {
            let mut stage = self.stage;
            stage.set(Stage::Idle);
        }
    }

    /// Is one being read or made? (Read reactively.)
    pub fn busy(&self) -> bool {
        self.prepare.running() || self.make.running()
    }

    /// `None` when the control is offered; the reason when it is not.
    pub fn unavailable(&self) -> Option<String> {
        match (self.git)() {
            Some(reason) => reason,
            None => Some("Checking whether this session's directory is a git repository…".into()),
        }
    }
}

/// The progress lines with `running` (and every step before it done) and its detail.
fn lines(running: Option<Step>, detail: &str) -> Vec<StepLine> {
    let at = running.and_then(|r| Step::ALL.iter().position(|s| *s == r));
    let mut lines: Vec<StepLine> = Step::ALL
        .iter()
        .enumerate()
        .map(|(i, step)| StepLine {
            label: step.label().to_owned(),
            state: match at {
                Some(at) if i < at => StepState::Done,
                Some(at) if i == at => StepState::Running,
                _ => StepState::Waiting,
            },
            detail: if Some(i) == at {
                detail.to_owned()
            } else {
                String::new()
            },
        })
        .collect();
    lines.push(StepLine {
        label: "Open the fork".to_owned(),
        state: StepState::Waiting,
        detail: String::new(),
    });
    lines
}

/// What the dialog tells about `prepared`.
pub fn summary(prepared: &Prepared) -> WorktreeSummary {
    let changes: Vec<_> = prepared
        .turns
        .iter()
        .flat_map(|(_, d)| d)
        .map(|d| d.change.clone())
        .collect();
    let carried = if changes.is_empty() {
        "this session changed no file up to there, so it holds the last commit alone".to_owned()
    } else {
        format!(
            "{} in {}",
            Totals::of(&changes).line(),
            count(prepared.turns.len(), "turn")
        )
    };
    WorktreeSummary {
        // Copying up to the end (no message left out) is the whole session.
        at: match (&prepared.plan.before, &prepared.plan.anchor) {
            (Some(_), Some(anchor)) => format!("after “{}”", anchor.excerpt),
            _ => "the whole session".to_owned(),
        },
        carried,
        uncarried: prepared.uncarried.clone(),
        directory: prepared.source.directory.clone(),
    }
}

/// Forks of `live`'s session into a worktree, opened on their page once made.
pub fn use_worktree_action(live: LiveSession) -> WorktreeAction {
    let toasts = use_toasts();
    let lineage = use_lineage();
    let remote = use_remote_lineage();
    let stream = use_events().status;
    let navigator = use_navigator();
    let settings = use_settings();
    let mut stage = use_signal(|| Stage::Idle);
    let mut reading = use_signal(|| None::<ForkPoint>);
    let mut git = use_signal(|| None::<Option<String>>);
    // Offered only where the server says the session's directory is git.
    let directory = live.session.read().directory.clone();
    use_resource(use_reactive!(|directory| {
        let client = client(&settings.peek()).in_directory(&directory);
        async move {
            let answer = match client.vcs().await {
                Ok(vcs) if vcs.is_git() => None,
                Ok(_) => Some(format!(
                    "Fork into worktree needs a git repository, and {directory} is not in one."
                )),
                Err(error) => Some(format!(
                    "Whether this is a git repository is not known: {error}"
                )),
            };
            git.set(Some(answer));
        }
    }));
    let prepare = use_action(move |client, (point, when_busy): (ForkPoint, WhenBusy)| {
        let source = live.session.peek().clone();
        // Every copied turn's changes go into the worktree: the page's messages do only when
        // they are all the session's (not the newest page of a long one), else all are fetched.
        let whole = *stream.peek() == StreamStatus::Live && live.older.peek().is_none();
        let known = whole.then(|| live.messages.peek().clone());
        async move {
            let result = prepare(&client, &source, &point, known, when_busy).await;
            reading.set(None);
            match result {
                Ok(prepared) => stage.set(Stage::Confirm(Shared::from(prepared))),
                Err(ForkError::Busy) => stage.set(Stage::Busy(point)),
                Err(error) => {
                    return Err(format!(
                        "Fork into worktree: what to carry could not be read. {error}"
                    ))
                }
            }
            Ok(())
        }
    });
    let make = use_action(move |client, prepared: Shared<Prepared>| async move {
        let result = fork_into_worktree(
            &client,
            Prepared::clone(&prepared),
            now_ms(),
            |step, detail| {
                stage.set(Stage::Running(prepared.clone(), lines(Some(step), &detail)));
            },
        )
        .await;
        stage.set(Stage::Idle);
        let made = result.map_err(|error| error.to_string())?;
        lineage.show(made.lineage);
        // Its edge follows into its metadata (the fork is named already).
        remote.flush();
        if let Some(warning) = made.warning {
            toasts.push(ToastKind::Error, warning);
        }
        toasts.push(
            ToastKind::Info,
            format!(
                "Forked into “{}”, in the worktree {} (branch {}).",
                made.session.title, made.worktree.name, made.worktree.branch
            ),
        );
        navigator.push(Route::Session {
            id: made.session.id,
        });
        Ok(())
    });
    WorktreeAction {
        prepare,
        make,
        stage,
        reading,
        git,
    }
}

/// Where `session`'s code lives, when in a worktree: as its lineage edge recorded it, or, for
/// a session living in a directory other than the server's own, as the project lists its
/// worktrees (`GET /project` sandboxes; the branch from `GET /vcs`).
pub fn use_worktree_of(session: &Session, edge: Option<&Edge>) -> Option<WorktreeInfo> {
    let recorded = edge
        .filter(|e| e.directory == session.directory || session.directory.is_empty())
        .and_then(|e| {
            e.worktree.as_ref().map(|w| WorktreeInfo {
                name: w.name.clone(),
                branch: w.branch.clone(),
                directory: e.directory.clone(),
            })
        });
    let settings = use_settings();
    let bus = use_events();
    let directory = session.directory.clone();
    let look = recorded.is_none();
    let found = use_resource(use_reactive!(|directory, look| {
        let client = client(&settings.peek());
        let bus = bus.clone();
        async move {
            if !look || directory.is_empty() {
                return None;
            }
            if bus.home_directory(&client).await.as_deref() == Some(directory.as_str()) {
                return None;
            }
            let projects = client.projects().await.ok()?;
            projects
                .iter()
                .any(|p| p.sandboxes.contains(&directory))
                .then_some(())?;
            let branch = client
                .in_directory(&directory)
                .vcs()
                .await
                .ok()
                .and_then(|v| v.branch)
                .unwrap_or_default();
            Some(WorktreeInfo {
                name: crate::text::last_segment(&directory).to_owned(),
                branch,
                directory,
            })
        }
    }));
    recorded.or_else(|| found.read().clone().flatten())
}
