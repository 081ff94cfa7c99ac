//! Compare's Code view: for each branch, the files its own turns changed after the fork point,
//! and for a file both changed, the two diffs next to each other, under one summary line
//! ("A changed 4 files, B changed 2, both changed `src/x.rs`"). The patches are fetched when
//! the view opens, each session asked in its own directory.

use dioxus::prelude::*;

use crate::api::Message;
use crate::changes::{fetch_turns, turn_changes, CodeComparison, TurnChange};
use crate::components::{use_action, DiffView};
use crate::diff::{by_file, FileSection};
use crate::shared::Shared;

/// One branch of the comparison: its session id and directory, and its own messages.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub id: String,
    pub directory: String,
    pub own: Shared<Vec<Message>>,
}

/// The diffs of both branches, by file, once fetched.
#[derive(Clone, PartialEq)]
enum Fetched {
    Loading,
    Ready(Shared<Vec<FileSection>>, Shared<Vec<FileSection>>),
    Failed(String),
}

/// The two branches' code after their fork point.
#[component]
pub fn CodeView(a: Branch, b: Branch) -> Element {
    let turns_a = turn_changes(&a.own);
    let turns_b = turn_changes(&b.own);
    let comparison = CodeComparison::of(&turns_a, &turns_b);
    let mut fetched = use_signal(|| Fetched::Loading);
    let fetch = use_action(
        move |client, (a, b, ta, tb): (Branch, Branch, Vec<TurnChange>, Vec<TurnChange>)| async move {
            let (in_a, in_b) = (
                client.in_directory(&a.directory),
                client.in_directory(&b.directory),
            );
            let (left, right) = futures_util::join!(
                fetch_turns(&in_a, &a.id, &ta),
                fetch_turns(&in_b, &b.id, &tb)
            );
            match (left, right) {
                (Ok(left), Ok(right)) => fetched.set(Fetched::Ready(
                    Shared::from(by_file(&left)),
                    Shared::from(by_file(&right)),
                )),
                (Err(error), _) | (_, Err(error)) => fetched.set(Fetched::Failed(format!(
                    "The changes could not be loaded: {error}"
                ))),
            }
            Ok(())
        },
    );
    let load = {
        let args = (a.clone(), b.clone(), turns_a.clone(), turns_b.clone());
        move || fetch.run(args.clone())
    };
    // Fetched once the view is on screen (it reads no signal, so it does not run again).
    use_effect({
        let load = load.clone();
        move || load()
    });
    let body = match fetched() {
        Fetched::Loading => rsx! {
            p { class: "loading", role: "status",
                span { class: "spinner", aria_hidden: "true" }
                "Loading both branches’ changes…"
            }
        },
        Fetched::Failed(problem) => rsx! {
            p { class: "notice failed", role: "alert",
                "{problem} "
                button { r#type: "button", class: "link-button", onclick: move |_| load(), "Try again" }
            }
        },
        Fetched::Ready(left, right) => {
            let pick = |sections: &[FileSection], files: &[String]| -> Shared<Vec<FileSection>> {
                Shared::from(
                    sections
                        .iter()
                        .filter(|s| files.contains(&s.file))
                        .cloned()
                        .collect::<Vec<_>>(),
                )
            };
            let only = |sections: &[FileSection]| -> Shared<Vec<FileSection>> {
                Shared::from(
                    sections
                        .iter()
                        .filter(|s| !comparison.both.contains(&s.file))
                        .cloned()
                        .collect::<Vec<_>>(),
                )
            };
            let (only_a, only_b) = (only(&left), only(&right));
            rsx! {
                if !comparison.both.is_empty() {
                    section { class: "code-both", aria_label: "Files both changed",
                        h2 { "Both changed" }
                        for file in comparison.both.iter() {
                            div { key: "{file}", class: "compare-grid code-pair",
                                div { class: "compare-cell",
                                    p { class: "code-side muted", "A" }
                                    DiffView { sections: pick(&left, std::slice::from_ref(file)) }
                                }
                                div { class: "compare-cell",
                                    p { class: "code-side muted", "B" }
                                    DiffView { sections: pick(&right, std::slice::from_ref(file)) }
                                }
                            }
                        }
                    }
                }
                div { class: "compare-grid code-only",
                    section { class: "compare-cell", aria_label: "Only A changed",
                        h2 { "Only A changed" }
                        DiffView { sections: only_a }
                    }
                    section { class: "compare-cell", aria_label: "Only B changed",
                        h2 { "Only B changed" }
                        DiffView { sections: only_b }
                    }
                }
            }
        }
    };
    let summary = comparison.summary();
    rsx! {
        section { class: "code-view", aria_label: "Code",
            // File names, between backticks in the sentence, are shown as code.
            p { class: "code-summary", role: "status",
                for (i, piece) in summary.split('`').enumerate() {
                    if i % 2 == 1 {
                        code { key: "{i}", "{piece}" }
                    } else {
                        span { key: "{i}", "{piece}" }
                    }
                }
            }
            {body}
        }
    }
}
