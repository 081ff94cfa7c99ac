//! [`use_fork_action`]: forking the open session from any of its fork buttons — one fork at a
//! time, the busy question asked when a reply runs, the fork shown on its page at once and
//! named on the server after.

use dioxus::prelude::*;

use super::live::LiveSession;
use crate::components::{use_action, UseAction};
use crate::fork::{fork, ForkError, ForkPoint, ForkRequest, WhenBusy};
use crate::platform::now_ms;
use crate::route::Route;
use crate::shared::Shared;
use crate::state::{
    use_events, use_lineage, use_provisional_fork, use_toasts, StreamStatus, ToastKind,
};

/// The session page's forking.
#[derive(Clone, Copy, PartialEq)]
pub struct ForkAction {
    action: UseAction<(ForkPoint, WhenBusy)>,
    /// The fork running now (its button says "Forking…"; every other fork button waits).
    pub current: Signal<Option<ForkPoint>>,
    /// The session is busy: the user is asked how to fork at this point.
    pub asking: Signal<Option<ForkPoint>>,
}

impl ForkAction {
    /// Forks at `point`, unless a fork runs already.
    pub fn start(self, point: ForkPoint, when_busy: WhenBusy) {
        if self.action.running() || self.current.peek().is_some() {
            return;
        }
        let (mut current, mut asking) = (self.current, self.asking);
        current.set(Some(point.clone()));
        asking.set(None);
        self.action.run((point, when_busy));
    }
}

/// Forks of `live`'s session, opened on their page once made.
pub fn use_fork_action(live: LiveSession) -> ForkAction {
    let toasts = use_toasts();
    let lineage = use_lineage();
    let provisional = use_provisional_fork();
    let stream = use_events().status;
    let navigator = use_navigator();
    let mut current = use_signal(|| None::<ForkPoint>);
    let mut asking = use_signal(|| None::<ForkPoint>);
    let action = use_action(move |client, (point, when_busy): (ForkPoint, WhenBusy)| {
        let source = live.session.peek().clone();
        // The page's messages are current while the event stream is live; otherwise (or with
        // a reply running) the fork asks the server for them first.
        let known = (*stream.peek() == StreamStatus::Live).then(|| live.messages.peek().clone());
        let request = ForkRequest::new(&source, point.clone())
            .when_busy(when_busy)
            .known(known)
            .name_later();
        async move {
            let result = fork(&client, request, now_ms()).await;
            current.set(None);
            let mut forked = match result {
                Ok(forked) => forked,
                Err(ForkError::Busy) => {
                    asking.set(Some(point));
                    return Ok(());
                }
                Err(error) => return Err(error.to_string()),
            };
            let copied = std::mem::take(&mut forked.copied);
            provisional.show(forked.session.clone(), Shared::from(copied));
            if let Some(stored) = forked.lineage.take() {
                lineage.show(stored);
            }
            if let Some(warning) = forked.warning.take() {
                toasts.push(ToastKind::Error, warning);
            }
            toasts.push(
                ToastKind::Info,
                format!("Forked into “{}”.", forked.session.title),
            );
            // Its telling title on the server, in a task that outlives this page; the fork's
            // page waits for it before it asks for the session.
            if let Some(naming) = forked.naming.take() {
                provisional.name(forked.session.id.clone(), async move {
                    let _ = naming.apply(&client).await;
                });
            }
            navigator.push(Route::Session {
                id: forked.session.id,
            });
            Ok(())
        }
    });
    ForkAction {
        action,
        current,
        asking,
    }
}
