//! [`use_page_commands`]: what the composer's `/` commands and the palette ask of the open
//! session, done with the page's own operations (fork, fork before a message, fork into a
//! worktree, undo, redo, rename, delete, the lineage) and `/compact` (`POST
//! /session/:id/summarize` with the model the session last answered with).

use dioxus::prelude::*;

use super::fork::ForkAction;
use super::live::LiveSession;
use super::undo::UndoAction;
use super::worktree::WorktreeAction;
use crate::api::{Message, MessageInfo, ModelRef, Role};
use crate::commands::Builtin;
use crate::components::use_action;
use crate::fork::{ForkPoint, WhenBusy};
use crate::route::Route;
use crate::state::{use_lineage, use_session_commands, use_toasts, SessionCommand, ToastKind};
use crate::text::message_excerpt;

/// The commands' own state on the page: the dialogs they open.
#[derive(Clone, Copy, PartialEq)]
pub struct PageCommands {
    /// `/fork-before`: the user's messages are offered to pick from.
    pub picking: Signal<bool>,
    /// `/rename` with no title: grows each time, and the title opens for editing.
    pub edit_title: Signal<u64>,
    /// Delete, from the palette: the delete question is open.
    pub deleting: Signal<bool>,
    run: Callback<(Builtin, String)>,
}

impl PageCommands {
    /// Runs one of Branchpoint's `/` commands, with what followed it.
    pub fn builtin(&self, builtin: Builtin, arguments: String) {
        self.run.call((builtin, arguments));
    }
}

/// The model the session last answered with (or was last asked to), for `/compact`.
pub fn last_model(messages: &[Message]) -> Option<ModelRef> {
    messages.iter().rev().find_map(|m| match &m.info {
        MessageInfo::Assistant(a) if !a.provider_id.is_empty() && !a.model_id.is_empty() => {
            Some(ModelRef {
                provider_id: a.provider_id.clone(),
                model_id: a.model_id.clone(),
            })
        }
        MessageInfo::User(u) => u.model.clone(),
        _ => None,
    })
}

/// The user's messages, newest first, as (id, excerpt): what `/fork-before` offers.
pub fn user_messages(messages: &[Message]) -> Vec<(String, String)> {
    messages
        .iter()
        .rev()
        .filter(|m| m.info.role() == Role::User)
        .map(|m| (m.info.id().to_owned(), message_excerpt(m)))
        .collect()
}

/// The page's handling of the commands (the composer's, and those the palette leaves in
/// [`crate::state::SessionCommands`] for this session).
pub fn use_page_commands(
    live: LiveSession,
    fork: ForkAction,
    undo: UndoAction,
    worktree: WorktreeAction,
) -> PageCommands {
    let toasts = use_toasts();
    let lineage = use_lineage();
    let navigator = use_navigator();
    let asks = use_session_commands();
    let mut picking = use_signal(|| false);
    let mut edit_title = use_signal(|| 0u64);
    let mut deleting = use_signal(|| false);
    let mut session = live.session;
    let compact = use_action(move |client, ()| {
        let id = session.peek().id.clone();
        let model = last_model(&live.messages.peek());
        async move {
            let model = model.ok_or_else(|| {
                "Nothing to compact yet: the session has no answer from a model.".to_owned()
            })?;
            client
                .summarize(&id, &model)
                .await
                .map_err(|error| format!("Could not compact: {error}"))?;
            toasts.push(
                ToastKind::Info,
                "Compacted: the conversation is summarized.",
            );
            Ok(())
        }
    });
    let rename = use_action(move |client, title: String| {
        let id = session.peek().id.clone();
        async move {
            let renamed = client
                .rename_session(&id, &title)
                .await
                .map_err(|error| format!("Could not rename: {error}"))?;
            let _ = lineage.update(|l| {
                l.set_title(&renamed.id, &renamed.title);
            });
            session.set(renamed);
            Ok(())
        }
    });
    let ask = use_callback(move |command: SessionCommand| match command {
        SessionCommand::Fork => fork.start(ForkPoint::Whole, WhenBusy::Ask),
        SessionCommand::ForkBefore => picking.set(true),
        SessionCommand::Worktree => match worktree.unavailable() {
            Some(why) => toasts.push(ToastKind::Error, why),
            None => worktree.start(ForkPoint::Whole, WhenBusy::Ask),
        },
        SessionCommand::Undo => {
            let last = user_messages(&live.messages.peek()).into_iter().next();
            match last {
                Some((id, _)) if session.peek().revert.is_none() => {
                    undo.start(id, WhenBusy::Ask)
                }
                Some(_) => toasts.push(
                    ToastKind::Error,
                    "A turn is undone already: Redo takes it back, or send a message to go on from here.",
                ),
                None => toasts.push(ToastKind::Error, "Nothing to undo: no message of yours yet."),
            }
        }
        SessionCommand::Redo => {
            if session.peek().revert.is_some() {
                undo.redo();
            } else {
                toasts.push(ToastKind::Error, "Nothing to redo: no turn is undone.");
            }
        }
        SessionCommand::Compact => compact.run(()),
        SessionCommand::Rename(Some(title)) if !title.trim().is_empty() => {
            rename.run(title.trim().to_owned())
        }
        SessionCommand::Rename(_) => *edit_title.write() += 1,
        SessionCommand::Delete => deleting.set(true),
    });
    let run = use_callback(move |(builtin, arguments): (Builtin, String)| {
        let command = match builtin {
            Builtin::Fork => SessionCommand::Fork,
            Builtin::ForkBefore => SessionCommand::ForkBefore,
            Builtin::Worktree => SessionCommand::Worktree,
            Builtin::Undo => SessionCommand::Undo,
            Builtin::Redo => SessionCommand::Redo,
            Builtin::Compact => SessionCommand::Compact,
            Builtin::Rename => SessionCommand::Rename(Some(arguments)),
            Builtin::Lineage => {
                navigator.push(Route::Lineage {
                    focus: session.peek().id.clone(),
                });
                return;
            }
        };
        ask.call(command);
    });
    // What the palette asked of this session.
    use_effect(move || {
        let id = session.read().id.clone();
        if let Some(command) = asks.take_for(&id) {
            ask.call(command);
        }
    });
    PageCommands {
        picking,
        edit_title,
        deleting,
        run,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(json: serde_json::Value) -> Message {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn compact_uses_the_model_last_answering_and_fork_before_offers_the_users_messages() {
        let user = |id: &str, text: &str, model: Option<(&str, &str)>| {
            let mut info = serde_json::json!({"id": id, "sessionID": "ses_1", "role": "user", "time": {"created": 1}});
            if let Some((p, m)) = model {
                info["model"] = serde_json::json!({"providerID": p, "modelID": m});
            }
            message(serde_json::json!({"info": info, "parts": [
                {"id": "prt_1", "sessionID": "ses_1", "messageID": id, "type": "text", "text": text}
            ]}))
        };
        let assistant = |id: &str, provider: &str, model: &str| {
            message(
                serde_json::json!({"info": {"id": id, "sessionID": "ses_1", "role": "assistant",
                "time": {"created": 2}, "providerID": provider, "modelID": model, "parentID": "msg_1",
                "mode": "build", "path": {"cwd": "/", "root": "/"}, "cost": 0,
                "tokens": {"input": 0, "output": 0, "reasoning": 0, "cache": {"read": 0, "write": 0}}},
                "parts": []}),
            )
        };
        assert_eq!(last_model(&[]), None);
        let only_asked = [user("msg_1", "hi", Some(("p", "m")))];
        assert_eq!(
            last_model(&only_asked).map(|m| m.model_id),
            Some("m".into())
        );
        let answered = [
            user("msg_1", "first", None),
            assistant("msg_2", "scripted", "scripted-1"),
            user("msg_3", "second", None),
        ];
        assert_eq!(
            last_model(&answered).map(|m| (m.provider_id, m.model_id)),
            Some(("scripted".into(), "scripted-1".into()))
        );
        let offered: Vec<String> = user_messages(&answered)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(offered, ["msg_3", "msg_1"], "newest first, the user's only");
    }
}
