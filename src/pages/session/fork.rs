//! [`use_fork_action`]: forking the open session from any of its fork buttons — one fork at a
//! time, the busy question asked when a reply runs, and the fork on screen before the server
//! has made it: while the event stream keeps the page's messages current, a click plans the
//! fork from them and opens it at once (its banner, the messages it copies, a composer that
//! takes a draft) while `POST /fork` runs; the answer turns that page into the fork's own
//! (history replaced), a refusal takes it back to the source with the draft kept.

use dioxus::prelude::*;

use super::live::LiveSession;
use crate::components::{use_action, use_lasting_action, UseAction};
use crate::fork::plan::plan;
use crate::fork::{
    fork, is_running, planned_edge, ForkError, ForkPlan, ForkPoint, ForkRequest, Forked, WhenBusy,
};
use crate::persist::drafts;
use crate::platform::now_ms;
use crate::route::Route;
use crate::shared::Shared;
use crate::state::{
    use_events, use_lineage, use_provisional_fork, use_remote_lineage, use_settings, use_toasts,
    LineageState, Making, ProvisionalFork, RemoteLineage, StreamStatus, ToastKind, Toasts,
};

/// The session page's forking.
#[derive(Clone, Copy, PartialEq)]
pub struct ForkAction {
    /// Forks that wait for the server before the page moves (a busy session, a page not kept
    /// current by the event stream).
    waiting: UseAction<(ForkPoint, WhenBusy)>,
    /// Forks shown on their page while the server makes them.
    early: UseAction<Early>,
    live: LiveSession,
    stream: Signal<StreamStatus>,
    /// The fork running now (its button says "Forking…"; every other fork button waits).
    pub current: Signal<Option<ForkPoint>>,
    /// The session is busy: the user is asked how to fork at this point.
    pub asking: Signal<Option<ForkPoint>>,
}

/// A fork planned from the page's messages, on screen while the server makes it.
#[derive(Clone, PartialEq)]
struct Early {
    request: ForkRequest,
    plan: ForkPlan,
    token: u64,
}

impl ForkAction {
    /// Forks at `point`, unless a fork runs already.
    pub fn start(self, point: ForkPoint, when_busy: WhenBusy) {
        if self.waiting.running() || self.current.peek().is_some() {
            return;
        }
        let (mut current, mut asking) = (self.current, self.asking);
        asking.set(None);
        if let Some(early) = self.plan_early(&point, when_busy) {
            self.early.run(early);
            return;
        }
        current.set(Some(point.clone()));
        self.waiting.run((point, when_busy));
    }

    /// The fork planned from the messages on screen, when they can be trusted: the event
    /// stream keeps them current and no reply is being written among them.
    fn plan_early(self, point: &ForkPoint, when_busy: WhenBusy) -> Option<Early> {
        if *self.stream.peek() != StreamStatus::Live || when_busy != WhenBusy::Ask {
            return None;
        }
        let messages = self.live.messages.peek();
        if messages.iter().any(is_running) {
            return None;
        }
        let source = self.live.session.peek().clone();
        let plan = plan(&source.id, &messages, point).ok()?;
        let token = now_ms() as u64;
        let request = ForkRequest::new(&source, point.clone())
            .known(Some(messages.clone()))
            .newest_only(self.live.older.peek().is_some())
            .name_later()
            .shown_at(token);
        Some(Early {
            request,
            plan,
            token,
        })
    }
}

/// Forks of `live`'s session, opened on their page once made.
pub fn use_fork_action(live: LiveSession) -> ForkAction {
    let toasts = use_toasts();
    let lineage = use_lineage();
    let provisional = use_provisional_fork();
    let settings = use_settings();
    let remote = use_remote_lineage();
    let stream = use_events().status;
    let navigator = use_navigator();
    let mut current = use_signal(|| None::<ForkPoint>);
    let mut asking = use_signal(|| None::<ForkPoint>);
    let waiting = use_action(move |client, (point, when_busy): (ForkPoint, WhenBusy)| {
        let source = live.session.peek().clone();
        // The page's messages are current while the event stream is live; otherwise (or with
        // a reply running) the fork asks the server for them first.
        let known = (*stream.peek() == StreamStatus::Live).then(|| live.messages.peek().clone());
        let request = ForkRequest::new(&source, point.clone())
            .when_busy(when_busy)
            .known(known)
            .newest_only(live.older.peek().is_some())
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
            provisional.show(forked.session.clone(), Shared::from(copied), forked.partial);
            let id = forked.session.id.clone();
            made(forked, &client, lineage, remote, provisional, toasts);
            navigator.push(Route::Session { id });
            Ok(())
        }
    });
    // Outlives the source's page, which the fork's replaced.
    let early = use_lasting_action(move |client, early: Early| {
        let Early {
            request,
            plan,
            token,
        } = early;
        let source = request.source.clone();
        let (known, partial) = (request.known.clone(), request.newest_only);
        let copied = known
            .as_ref()
            .map(|m| m[..plan.copied.min(m.len())].to_vec())
            .unwrap_or_default();
        let server = settings.peek().connection().base_url;
        let draft = drafts::making(token);
        if let Some(resend) = &plan.resend {
            let _ = drafts::keep(&draft, &resend.text, &resend.files);
        }
        let making = Making {
            token,
            title: crate::fork::plan::fork_title(&source.title, &plan),
            edge: planned_edge(&source, &plan, &server, now_ms()),
            source: source.clone(),
            copied: Shared::from(copied),
            partial,
            ended: false,
        };
        let page = making.page_id();
        provisional.begin(making);
        navigator.push(Route::Session { id: page });
        async move {
            let result = fork(&client, request, now_ms()).await;
            match result {
                Ok(forked) => {
                    // What was typed while it was being made is the fork's draft (over the
                    // text of "edit and resend", which it started as).
                    let id = forked.session.id.clone();
                    let _ = drafts::move_to(&draft, &id);
                    let shown = end(provisional, token, Some(&forked));
                    made(forked, &client, lineage, remote, provisional, toasts);
                    if shown {
                        navigator.replace(Route::Session { id });
                    }
                    Ok(())
                }
                Err(error) => {
                    let _ = drafts::give_back(&draft, &source.id);
                    if end(provisional, token, None) {
                        // Back on the source, shown as it was until its page has loaded (or
                        // for as long as the server cannot be reached).
                        if let Some(known) = known {
                            provisional.show(source.clone(), Shared::from(known), partial);
                        }
                        navigator.go_back();
                    }
                    Err(match error {
                        ForkError::Busy => "The session began writing a reply before the \
                             fork was made: nothing was forked. Fork again to choose what to copy."
                            .to_owned(),
                        other => other.to_string(),
                    })
                }
            }
        }
    });
    ForkAction {
        waiting,
        early,
        live,
        stream,
        current,
        asking,
    }
}

/// The fork `token` ended (made, or not): returns whether its page was on screen.
fn end(provisional: ProvisionalFork, token: u64, forked: Option<&Forked>) -> bool {
    provisional.end(token, forked.map(|f| f.session.clone()))
}

/// A fork is made: its lineage shown, what the user should know told, and its telling title
/// given on the server in a task that outlives every page (the fork's page follows the rename
/// through session.updated, and waits for the naming before it asks for the session).
fn made(
    mut forked: Forked,
    client: &crate::api::Client<crate::state::AppTransport>,
    lineage: LineageState,
    remote: RemoteLineage,
    provisional: ProvisionalFork,
    toasts: Toasts,
) {
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
    // Its telling title on the server, in a task that outlives this page; the fork's page
    // waits for it before it asks for the session. Its edge follows into its metadata, after
    // the title (two writes of one session at once could undo each other).
    let naming = forked.naming.take();
    let client = client.clone();
    provisional.name(forked.session.id.clone(), async move {
        if let Some(naming) = naming {
            let _ = naming.apply(&client).await;
        }
        remote.flush();
    });
}
