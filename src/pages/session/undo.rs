//! [`use_undo_action`]: "Undo from here" and Redo on the open session. An undo keeps the
//! whole session as a branch first (`fork::undo`), the page then shows the reverted state as
//! the server reports it (`session.revert`), and the undone message waits in the composer;
//! Redo takes it back while no new prompt has been sent.

use dioxus::prelude::*;

use super::live::LiveSession;
use crate::components::{use_action, UseAction};
use crate::fork::plan::resend_of;
use crate::fork::undo::forget_put_back;
use crate::fork::{redo, undo, UndoError, UndoRequest, WhenBusy};
use crate::platform::now_ms;
use crate::state::{
    use_events, use_lineage, use_remote_lineage, use_toasts, StreamStatus, ToastKind,
};

/// The session page's undo and redo.
#[derive(Clone, Copy, PartialEq)]
pub struct UndoAction {
    undo: UseAction<(String, WhenBusy)>,
    redo: UseAction<()>,
    /// The user message being undone from (its button says "Undoing…").
    pub current: Signal<Option<String>>,
    /// A reply runs: the user is asked whether to stop it first.
    pub asking: Signal<Option<String>>,
    /// Grows when the composer's kept text changed under it (an undo put a message back, a
    /// redo took it away): the composer is drawn again from what is kept.
    pub composer: Signal<u64>,
}

impl UndoAction {
    /// Undoes from user message `message_id`, unless an undo or redo runs already.
    pub fn start(self, message_id: String, when_busy: WhenBusy) {
        if self.busy() {
            return;
        }
        let (mut current, mut asking) = (self.current, self.asking);
        current.set(Some(message_id.clone()));
        asking.set(None);
        self.undo.run((message_id, when_busy));
    }

    /// Takes the undo back.
    pub fn redo(self) {
        if !self.busy() {
            self.redo.run(());
        }
    }

    /// Is an undo or a redo running? (Read reactively.)
    pub fn busy(&self) -> bool {
        self.undo.running() || self.redo.running()
    }

    /// Is an undo running here? (Read reactively.)
    pub fn undoing(&self) -> bool {
        self.undo.running()
    }

    /// Is a redo running? (Read reactively.)
    pub fn redoing(&self) -> bool {
        self.redo.running()
    }
}

/// Undo and redo of `live`'s session.
pub fn use_undo_action(live: LiveSession) -> UndoAction {
    let toasts = use_toasts();
    let lineage = use_lineage();
    let remote = use_remote_lineage();
    let stream = use_events().status;
    let mut current = use_signal(|| None::<String>);
    let mut asking = use_signal(|| None::<String>);
    let mut composer = use_signal(|| 0u64);
    let mut session = live.session;
    let undo = use_action(move |client, (message_id, when_busy): (String, WhenBusy)| {
        let source = session.peek().clone();
        let known = (*stream.peek() == StreamStatus::Live).then(|| live.messages.peek().clone());
        let request = UndoRequest {
            source,
            message_id: message_id.clone(),
            when_busy,
            known,
        };
        async move {
            let result = undo(&client, request, now_ms()).await;
            current.set(None);
            match result {
                Ok(mut undone) => {
                    if let Some(stored) = undone.kept.lineage.take() {
                        lineage.show(stored);
                        // The kept branch's edge follows into its metadata.
                        remote.flush();
                    }
                    session.set(undone.session);
                    *composer.write() += 1;
                    if let Some(warning) = undone.warning {
                        toasts.push(ToastKind::Error, warning);
                    }
                    toasts.push(
                        ToastKind::Info,
                        format!(
                            "Undone. What was undone is kept as “{}”; your message is back \
                                 in the composer.",
                            undone.kept.session.title
                        ),
                    );
                    Ok(())
                }
                Err(UndoError::Busy) => {
                    asking.set(Some(message_id));
                    Ok(())
                }
                Err(error) => {
                    if let UndoError::Refused { kept, .. } = &error {
                        if let Some(stored) = kept.lineage.clone() {
                            lineage.show(stored);
                        }
                    }
                    Err(error.to_string())
                }
            }
        }
    });
    let redo = use_action(move |client, ()| {
        let id = session.peek().id.clone();
        // The undone message, to take it out of the composer again if it waits there alone.
        let undone_text = session
            .peek()
            .revert
            .as_ref()
            .and_then(|r| {
                live.messages
                    .peek()
                    .iter()
                    .find(|m| m.info.id() == r.message_id)
                    .map(|m| resend_of(m).text)
            })
            .unwrap_or_default();
        async move {
            let redone = redo(&client, &id)
                .await
                .map_err(|error| format!("Could not redo: {error}"))?;
            forget_put_back(&id, &undone_text);
            *composer.write() += 1;
            let told = redone.told();
            let kind = if redone.differing.is_empty() {
                ToastKind::Info
            } else {
                ToastKind::Error
            };
            session.set(redone.session);
            toasts.push(kind, told);
            Ok(())
        }
    });
    UndoAction {
        undo,
        redo,
        current,
        asking,
        composer,
    }
}
