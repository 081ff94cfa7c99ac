//! `/compare?a=…&b=…`: two sessions of one fork tree side by side — the part they share
//! collapsed, then each one's own turns aligned row by row; or, in the Code view (`code`),
//! the files each changed after the fork point.

mod code;

use dioxus::prelude::*;

use crate::api::ids::is_session_id;
use crate::api::{ApiError, Message, Session};
use crate::compare::compare;
use crate::components::{ErrorPanel, Loading, MessageView};
use crate::platform::now_ms;
use crate::route::Route;
use crate::shared::Shared;
use crate::state::{client, use_settings};
use crate::text::{count, display_title};
use code::{Branch, CodeView};

type Side = (Session, Vec<Message>);

/// The comparison page.
#[component]
pub fn Compare(a: ReadSignal<String>, b: ReadSignal<String>) -> Element {
    let settings = use_settings();
    let mut data = use_resource(move || {
        let (a, b) = (a(), b());
        let client = client(&settings.read());
        async move {
            for id in [&a, &b] {
                if !is_session_id(id) {
                    return Err(ApiError::Invalid {
                        message: format!("“{id}” is not a valid session id."),
                    });
                }
            }
            let load = |id: String| {
                let client = client.clone();
                async move {
                    let (session, messages) =
                        futures_util::join!(client.get_session(&id), client.messages(&id));
                    Ok::<Side, ApiError>((session?, messages?))
                }
            };
            let (left, right) = futures_util::join!(load(a), load(b));
            Ok((left?, right?))
        }
    });
    crate::platform::use_title("Compare · Branchpoint".to_owned());
    let body = match &*data.read() {
        None => rsx! { Loading { label: "Loading both sessions…" } },
        Some(Err(error)) => rsx! {
            ErrorPanel { error: error.clone(), on_retry: move |_| data.restart() }
        },
        Some(Ok((left, right))) => rsx! {
            SideBySide { left: left.clone(), right: right.clone() }
        },
    };
    rsx! {
        div { class: "page compare-page",
            div { class: "page-head",
                h1 { "Compare" }
                Link { class: "button", to: Route::Lineage { focus: a() }, "Back to the lineage" }
            }
            {body}
        }
    }
}

#[component]
fn SideBySide(left: Side, right: Side) -> Element {
    let show_shared = use_signal(|| false);
    let mut code = use_signal(|| false);
    let shared = compare(&left.1, &right.1).shared.len();
    let own = |side: &Side| side.1.len() - shared;
    let (left_own, right_own) = (own(&left), own(&right));
    let branch = |side: &Side| Branch {
        id: side.0.id.clone(),
        directory: side.0.directory.clone(),
        own: Shared::from(side.1.get(shared..).unwrap_or_default().to_vec()),
    };
    rsx! {
        div { class: "compare-grid compare-heads",
            for (letter, side, own) in [("A", &left, left_own), ("B", &right, right_own)] {
                div { class: "compare-head",
                    span { class: "badge compare-letter", "{letter}" }
                    " "
                    Link { to: Route::Session { id: side.0.id.clone() }, "{display_title(&side.0.title)}" }
                    span { class: "muted", " · {count(own, \"message\")} of its own" }
                }
            }
        }
        div { class: "compare-views", role: "group", aria_label: "View",
            button { r#type: "button", aria_pressed: !code(), onclick: move |_| code.set(false), "Conversation" }
            button { r#type: "button", aria_pressed: code(), onclick: move |_| code.set(true), "Code" }
        }
        if code() {
            CodeView { a: branch(&left), b: branch(&right) }
        } else {
            Conversation { left, right, show_shared }
        }
    }
}

/// The conversation view: the shared part collapsed, then each one's own turns row by row.
#[component]
fn Conversation(left: Side, right: Side, show_shared: Signal<bool>) -> Element {
    let now = now_ms();
    let comparison = compare(&left.1, &right.1);
    let shared = comparison.shared.len();
    let shared_label = match shared {
        0 => "These sessions share no messages.".to_owned(),
        n => format!("{} shared up to the fork point", count(n, "message")),
    };
    rsx! {
        section { class: "compare-shared", aria_label: "Shared messages",
            if shared > 0 {
                button {
                    r#type: "button",
                    class: "link-button",
                    aria_expanded: show_shared(),
                    onclick: move |_| show_shared.toggle(),
                    if show_shared() { "▾ " } else { "▸ " }
                    "{shared_label}"
                }
                if show_shared() {
                    for message in comparison.shared.iter() {
                        MessageView { key: "{message.info.id()}", message: message.clone(), now, on_fork: None, forking: None }
                    }
                }
            } else {
                p { class: "muted", "{shared_label}" }
            }
        }
        if comparison.rows.is_empty() {
            p { class: "empty", "Neither session went on after the fork point: they hold the same conversation." }
        }
        div { class: "compare-rows", role: "list", aria_label: "Where they differ",
            for (i, (mine, theirs)) in comparison.rows.iter().enumerate() {
                div { key: "{i}", class: "compare-grid compare-row", role: "listitem",
                    for (side, messages) in [("left", mine), ("right", theirs)] {
                        div { class: "compare-cell compare-{side}",
                            if messages.is_empty() {
                                p { class: "muted compare-none", "—" }
                            }
                            for message in messages.iter() {
                                MessageView { key: "{message.info.id()}", message: message.clone(), now, on_fork: None, forking: None }
                            }
                        }
                    }
                }
            }
        }
    }
}
