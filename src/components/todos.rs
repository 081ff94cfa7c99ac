//! A session's todo list as the model keeps it (`GET /session/:id/todo`), beside the composer
//! and updated live (`todo.updated`). Nothing is shown while the list is empty.

use dioxus::prelude::*;

use super::action::use_client;
use crate::api::events::Event;
use crate::api::Todo;
use crate::state::use_events;

/// The open session's todo list.
#[component]
pub fn TodoList(session_id: String) -> Element {
    let bus = use_events();
    let client = use_client();
    let mut todos = use_signal(Vec::<Todo>::new);
    let id = session_id.clone();
    use_resource(move || {
        let client = client.get();
        let id = id.clone();
        async move {
            if let Ok(list) = client.todos(&id).await {
                todos.set(list);
            }
        }
    });
    let listener = use_hook({
        let id = session_id.clone();
        let bus = bus.clone();
        move || {
            bus.listen(move |event| {
                if let Event::TodoUpdated {
                    session_id,
                    todos: list,
                } = event
                {
                    if *session_id == id {
                        let mut todos = todos;
                        todos.set(list.clone());
                    }
                }
            })
        }
    });
    use_drop(move || bus.unlisten(listener));
    let list = todos.read();
    if list.is_empty() {
        return rsx! {};
    }
    let done = list.iter().filter(|t| t.status == "completed").count();
    rsx! {
        details { class: "todos", open: true,
            summary { "To do · {done} of {list.len()} done" }
            ul {
                for (index, todo) in list.iter().enumerate() {
                    li { key: "{index}", class: "todo todo-{status_class(&todo.status)}",
                        span { class: "todo-mark", aria_hidden: "true", "{mark(&todo.status)}" }
                        span { class: "visually-hidden", "{status_words(&todo.status)}: " }
                        span { class: "todo-text", "{todo.content}" }
                    }
                }
            }
        }
    }
}

fn status_class(status: &str) -> &'static str {
    match status {
        "completed" => "done",
        "in_progress" => "doing",
        "cancelled" => "cancelled",
        _ => "pending",
    }
}

fn mark(status: &str) -> &'static str {
    match status {
        "completed" => "☑",
        "in_progress" => "▶",
        "cancelled" => "☒",
        _ => "☐",
    }
}

fn status_words(status: &str) -> &'static str {
    match status {
        "completed" => "Done",
        "in_progress" => "In progress",
        "cancelled" => "Cancelled",
        _ => "To do",
    }
}
