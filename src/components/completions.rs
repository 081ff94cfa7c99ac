//! The list the composer opens as you type (`/` commands, `@` files): an ARIA listbox the text
//! field points at (`aria-controls`, `aria-activedescendant`), chosen with ↑/↓ and Tab or
//! Enter, or a click; a line under it says what is happening (looking, nothing found, failed).

use dioxus::prelude::*;

use super::action::use_client;
use crate::api::ApiError;
use crate::commands::{self, all_commands, filter_commands, SlashCommand, Trigger};
use crate::persist::ConnectionSettings;
use crate::state::{use_catalog, use_settings, Catalog, Load};

/// The listbox's element id (the text field's `aria-controls`).
pub const LIST_ID: &str = "composer-completions";

/// The element id of entry `index` (the text field's `aria-activedescendant`).
pub fn option_id(index: usize) -> String {
    format!("composer-completion-{index}")
}

/// One entry: what it is, and a line about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub label: String,
    pub detail: String,
}

/// The open list (or only its status line when there is nothing to choose).
#[component]
pub fn CompletionList(
    /// What the list holds ("Commands", "Files").
    label: &'static str,
    items: Vec<Completion>,
    active: usize,
    #[props(default)] status: Option<String>,
    on_choose: EventHandler<usize>,
) -> Element {
    rsx! {
        div { class: "completions",
            if !items.is_empty() {
                ul { id: LIST_ID, role: "listbox", aria_label: label,
                    for (index, item) in items.iter().enumerate() {
                        li {
                            key: "{item.label}",
                            id: option_id(index),
                            role: "option",
                            // Focusable by script only: focus stays in the text field, which
                            // moves the choice (aria-activedescendant) and scrolls to it.
                            tabindex: "-1",
                            aria_selected: if index == active { "true" } else { "false" },
                            class: if index == active { "active" },
                            // Keeps focus (and the caret) in the text field.
                            onmousedown: move |e: MouseEvent| e.prevent_default(),
                            onclick: move |_| on_choose.call(index),
                            span { class: "completion-label", "{item.label}" }
                            if !item.detail.is_empty() {
                                span { class: "completion-detail", "{item.detail}" }
                            }
                        }
                    }
                }
            }
            if let Some(status) = status {
                p { class: "completion-status muted", role: "status", "{status}" }
            }
        }
    }
}

/// What the composer's list offers as the user types: the `/` commands (fetched from the
/// server once, when `/` is first typed) or the files matching `@…` (asked a moment after the
/// typing stops; a newer query cancels the older one's request), and which entry is chosen.
#[derive(Clone, Copy)]
pub struct Completions {
    /// The caret in the composer's text, a byte offset.
    pub caret: Signal<usize>,
    /// The list closed by Escape (for this trigger; it opens again once the text moves on).
    dismissed: Signal<Option<Trigger>>,
    active: Signal<usize>,
    text: Signal<String>,
    found: Resource<Option<Found>>,
    catalog: Catalog,
    settings: Signal<ConnectionSettings>,
}

/// The open list: its name, entries, the chosen one and a status line.
pub type OpenList = (&'static str, Vec<Completion>, usize, Option<String>);

/// The files found for a query (the query with them, so an older answer is never shown).
type Found = (String, Result<Vec<String>, ApiError>);

/// What the user picked in the list.
#[derive(Debug, Clone, PartialEq)]
pub enum Chosen {
    /// A command: the text it completes to, the caret after it.
    Command { text: String, caret: usize },
    /// A file for the mention at `start..end`: the text and caret once it is in place.
    File {
        path: String,
        text: String,
        caret: usize,
    },
}

/// How long the typing must pause before files are looked for.
const FIND_PAUSE_MS: u32 = 150;
/// The most files the list shows.
const FIND_LIMIT: usize = 20;

/// The completion state of the composer whose text is `text`.
pub fn use_completions(text: Signal<String>) -> Completions {
    let catalog = use_catalog();
    let settings = use_settings();
    let client = use_client();
    let caret = use_signal(|| text.peek().len());
    let dismissed = use_signal(|| None::<Trigger>);
    let active = use_signal(|| 0usize);
    let trigger = use_memo(move || commands::trigger(&text.read(), caret()));
    let query = use_memo(move || match &*trigger.read() {
        Some(Trigger::Mention { query, .. }) => Some(query.clone()),
        _ => None,
    });
    let found = use_resource(move || {
        let query = query();
        let client = client.get();
        async move {
            let query = query?;
            crate::platform::pause(FIND_PAUSE_MS).await;
            let files = client.find_files(&query, FIND_LIMIT).await;
            Some((query, files))
        }
    });
    Completions {
        caret,
        dismissed,
        active,
        text,
        found,
        catalog,
        settings,
    }
}

impl Completions {
    /// What the text and caret ask for now (read from the signals themselves, so a key
    /// pressed right after another sees what that one did).
    fn trigger(&self) -> Option<Trigger> {
        commands::trigger(&self.text.read(), (self.caret)())
    }

    /// Every `/` command: Branchpoint's, then the server's (those known so far).
    pub fn commands(&self) -> Vec<SlashCommand> {
        let server: Vec<(String, String)> = self
            .catalog
            .commands
            .read()
            .ready()
            .map(|list| {
                list.iter()
                    .map(|c| (c.name.clone(), c.description.clone()))
                    .collect()
            })
            .unwrap_or_default();
        all_commands(&server)
    }

    /// Are the server's commands still on their way (a `/` line is not sent until they are)?
    pub fn commands_loading(&self) -> bool {
        matches!(*self.catalog.commands.read(), Load::Loading)
    }

    /// Notes the caret after the text field changed or the caret moved (`value`: the field's
    /// text now). Typing `/` first fetches the server's commands.
    pub fn note(&self, value: &str) {
        let at = crate::platform::caret(FIELD_ID)
            .map_or(value.len(), |units| commands::byte_offset(value, units));
        let mut caret = self.caret;
        if *caret.peek() != at {
            caret.set(at);
        }
        if value.starts_with('/') {
            self.catalog.load_commands(&self.settings.peek());
        }
    }

    /// Starts the list over at its first entry (the query changed).
    pub fn restart(&self) {
        let mut active = self.active;
        active.set(0);
    }

    /// The open list: its name, entries, the chosen one and a status line; `None` when closed.
    pub fn open(&self) -> Option<OpenList> {
        let trigger = self.trigger()?;
        if self.dismissed.read().as_ref() == Some(&trigger) {
            return None;
        }
        let (label, items, status) = match &trigger {
            Trigger::Slash { query } => {
                let all = self.commands();
                let items: Vec<Completion> = filter_commands(&all, query)
                    .into_iter()
                    .map(|c| Completion {
                        label: format!("/{}", c.name),
                        detail: c.description.clone(),
                    })
                    .collect();
                let status = match &*self.catalog.commands.read() {
                    Load::Loading => Some("Asking the server for its commands…".to_owned()),
                    Load::Failed(why) => {
                        Some(format!("The server's commands are not listed: {why}"))
                    }
                    _ if items.is_empty() => Some(format!("No command matches “/{query}”.")),
                    _ => None,
                };
                ("Commands", items, status)
            }
            Trigger::Mention { query, .. } => match &*self.found.read() {
                Some(Some((asked, Ok(files)))) if asked == query => {
                    let status = files
                        .is_empty()
                        .then(|| format!("No file matches “{query}”."));
                    let items = files
                        .iter()
                        .map(|f| Completion {
                            label: f.clone(),
                            detail: String::new(),
                        })
                        .collect();
                    ("Files", items, status)
                }
                Some(Some((asked, Err(error)))) if asked == query => (
                    "Files",
                    Vec::new(),
                    Some(format!("Files could not be looked for: {error}")),
                ),
                _ => ("Files", Vec::new(), Some("Looking for files…".to_owned())),
            },
        };
        let active = (self.active)().min(items.len().saturating_sub(1));
        Some((label, items, active, status))
    }

    /// Handles a key pressed in the text field while the list is open: ↑/↓ move, Escape
    /// closes, Tab or Enter choose. `Some` when the key was the list's (its default is then
    /// prevented by the caller), with what was chosen, if anything.
    pub fn key(&self, key: &Key, text: &str) -> Option<Option<Chosen>> {
        let (_, items, at, _) = self.open()?;
        let count = items.len();
        let mut active = self.active;
        match key {
            Key::ArrowDown if count > 0 => active.set((at + 1) % count),
            Key::ArrowUp if count > 0 => active.set((at + count - 1) % count),
            Key::Escape => {
                let mut dismissed = self.dismissed;
                dismissed.set(self.trigger());
            }
            Key::Tab | Key::Enter if count > 0 => return Some(self.choose(at, text)),
            _ => return None,
        }
        crate::platform::reveal(&option_id((self.active)()));
        Some(None)
    }

    /// Entry `index` of the open list, chosen: what the text becomes.
    pub fn choose(&self, index: usize, text: &str) -> Option<Chosen> {
        let trigger = self.trigger()?;
        let (_, items, _, _) = self.open()?;
        let item = items.get(index)?;
        let mut active = self.active;
        active.set(0);
        Some(match trigger {
            Trigger::Slash { .. } => {
                let name = item.label.trim_start_matches('/');
                let (text, caret) = commands::complete_command(text, name);
                Chosen::Command { text, caret }
            }
            Trigger::Mention { start, end, .. } => {
                let (text, caret) = commands::complete_mention(text, start, end, &item.label);
                Chosen::File {
                    path: item.label.clone(),
                    text,
                    caret,
                }
            }
        })
    }

    /// Puts the caret at byte `at` of `text` once the field shows `text`.
    pub fn place_caret(&self, text: &str, at: usize) {
        let mut caret = self.caret;
        caret.set(at);
        let units = commands::utf16_offset(text, at);
        spawn(async move {
            crate::platform::pause(0).await;
            crate::platform::set_caret(FIELD_ID, units);
        });
    }
}

/// The composer's text field.
pub const FIELD_ID: &str = "composer-input";
