//! What a fork into a worktree shows: the dialog that says what is carried and what is not,
//! the progress line per step, where a worktree fork's code lives (copyable), and "Bring
//! changes back", previewed in the diff view before anything is applied.

use dioxus::prelude::*;

use super::action::use_action;
use super::dialog::{Dialog, FirstChoice};
use super::diff::DiffView;
use crate::api::Session;
use crate::diff::by_file;
use crate::fork::worktree::{bring_back, prepare_bring_back, BringBack};
use crate::shared::Shared;
use crate::state::{use_toasts, ToastKind};
use crate::text::display_title;

/// Where a session's code lives, when it lives in a git worktree of its project.
#[derive(Debug, Clone, PartialEq)]
pub struct WorktreeInfo {
    pub name: String,
    pub branch: String,
    pub directory: String,
}

/// "Worktree <name> · branch <branch>" and the directory, with a button to copy it.
#[component]
pub fn WorktreePlace(info: WorktreeInfo) -> Element {
    let toasts = use_toasts();
    let directory = info.directory.clone();
    let copy = use_action(move |_client, ()| {
        let directory = directory.clone();
        async move {
            crate::platform::copy_text(&directory)
                .await
                .map_err(|problem| format!("The directory was not copied: {problem}."))?;
            toasts.push(ToastKind::Info, "Directory copied.");
            Ok(())
        }
    });
    rsx! {
        div { class: "worktree-place", role: "note",
            span { class: "badge worktree-badge", "Worktree {info.name}" }
            if !info.branch.is_empty() {
                span { " · branch " code { "{info.branch}" } }
            }
            span { class: "worktree-directory",
                code { class: "command", "{info.directory}" }
                button {
                    r#type: "button",
                    class: "link-button",
                    disabled: copy.running(),
                    onclick: move |_| copy.run(()),
                    "Copy directory"
                }
            }
        }
    }
}

/// What the dialog before a fork into a worktree tells.
#[derive(Debug, Clone, PartialEq)]
pub struct WorktreeSummary {
    /// The fork point: "after “…”", or "the whole session".
    pub at: String,
    /// "3 files changed, +12 −4 in 2 turns", or that the session changed no file.
    pub carried: String,
    /// Files a patch cannot carry (binary changes).
    pub uncarried: Vec<String>,
    /// The source's checkout, whose uncommitted changes made outside the session stay there.
    pub directory: String,
}

/// A step of the progress line, and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct StepLine {
    pub label: String,
    pub state: StepState,
    /// "turn 2 of 3", for a step that has parts.
    pub detail: String,
}

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Waiting,
    Running,
    Done,
}

/// The dialog before, then the progress of, a fork into a worktree. `steps` empty: asking.
#[component]
pub fn WorktreeDialog(
    summary: WorktreeSummary,
    steps: Vec<StepLine>,
    on_confirm: EventHandler<()>,
    on_cancel: EventHandler<()>,
) -> Element {
    let running = !steps.is_empty();
    let uncarried = summary.uncarried.join(", ");
    rsx! {
        Dialog {
            role: "dialog",
            heading: "Fork into a worktree",
            // While it runs the steps must finish or undo themselves: Escape does nothing then.
            on_cancel: move |_| if !running { on_cancel.call(()) },
            p {
                "A new git worktree of the project, on a branch of its own, holding the last commit plus the changes this session made up to the fork point ({summary.at}): {summary.carried}. The fork lives and runs its tools there."
            }
            p { class: "muted",
                "Not carried: changes made outside the session that are not committed (in {summary.directory})."
            }
            if !summary.uncarried.is_empty() {
                p { class: "warning", role: "alert",
                    "Not carried either, as a patch cannot carry a binary change: {uncarried}."
                }
            }
            if running {
                ol { class: "worktree-steps", role: "status", aria_live: "polite", aria_label: "Progress",
                    for step in steps.iter() {
                        li { key: "{step.label}", class: "step-{state_class(step.state)}",
                            match step.state {
                                StepState::Done => rsx! { span { class: "step-mark", aria_hidden: "true", "✓" } },
                                StepState::Running => rsx! { span { class: "spinner", aria_hidden: "true" } },
                                StepState::Waiting => rsx! { span { class: "step-mark muted", aria_hidden: "true", "○" } },
                            }
                            span { "{step.label}" }
                            if !step.detail.is_empty() {
                                span { class: "muted", " · {step.detail}" }
                            }
                            span { class: "visually-hidden", " ({state_class(step.state)})" }
                        }
                    }
                }
            } else {
                div { class: "actions",
                    FirstChoice { label: "Fork into worktree", on_click: move |_| on_confirm.call(()) }
                    button { r#type: "button", onclick: move |_| on_cancel.call(()), "Cancel" }
                }
            }
        }
    }
}

fn state_class(state: StepState) -> &'static str {
    match state {
        StepState::Waiting => "waiting",
        StepState::Running => "running",
        StepState::Done => "done",
    }
}

/// "Bring changes back to <source>": the worktree fork's own changes, previewed in the diff
/// view, then applied to the source's checkout, all or nothing.
#[component]
pub fn BringBackButton(fork: Session, source_id: String, source_title: String) -> Element {
    let toasts = use_toasts();
    let mut preview = use_signal(|| None::<Shared<BringBack>>);
    let prepare = use_action(
        move |client, (fork, source_id): (Session, String)| async move {
            let prepared = prepare_bring_back(&client, &fork, &source_id)
                .await
                .map_err(|error| format!("The changes to bring back could not be read: {error}"))?;
            preview.set(Some(Shared::from(prepared)));
            Ok(())
        },
    );
    let apply = use_action(move |client, prepared: Shared<BringBack>| async move {
        let result = bring_back(&client, &prepared).await;
        preview.set(None);
        result?;
        let files = crate::diff::Totals::of(
            prepared
                .turns
                .iter()
                .flat_map(|(_, d)| d)
                .map(|d| &d.change),
        );
        toasts.push(
            ToastKind::Info,
            format!(
                "Brought back to “{}”: {}.",
                display_title(&prepared.source.title),
                files.line()
            ),
        );
        Ok(())
    });
    let title = display_title(&source_title).to_owned();
    let shown = preview();
    rsx! {
        button {
            r#type: "button",
            disabled: prepare.running(),
            aria_busy: prepare.running(),
            title: "Preview the changes this fork made, then apply them to the source's checkout",
            onclick: move |_| prepare.run((fork.clone(), source_id.clone())),
            if prepare.running() { "Reading the changes…" } else { "Bring changes back to {title}" }
        }
        if let Some(prepared) = shown {
            Dialog {
                role: "dialog",
                heading: format!("Bring changes back to “{title}”"),
                on_cancel: move |_| preview.set(None),
                if prepared.turns.is_empty() {
                    p { "This fork has changed no file since it was made: there is nothing to bring back." }
                } else {
                    p {
                        "These changes go into the checkout of “{title}” ({prepared.source.directory}) as one patch: all of them, or none if they do not apply there."
                    }
                    if !prepared.uncarried.is_empty() {
                        p { class: "warning", role: "alert",
                            "Not carried, as a patch cannot carry a binary change: {prepared.uncarried.join(\", \")}."
                        }
                    }
                    div { class: "bring-back-preview",
                        DiffView { sections: Shared::from(by_file(&prepared.turns)) }
                    }
                }
                div { class: "actions",
                    if !prepared.turns.is_empty() {
                        FirstChoice {
                            label: "Apply the changes",
                            on_click: {
                                let prepared = prepared.clone();
                                move |_| apply.run(prepared.clone())
                            },
                        }
                    }
                    button { r#type: "button", onclick: move |_| preview.set(None), "Cancel" }
                }
            }
        }
    }
}
