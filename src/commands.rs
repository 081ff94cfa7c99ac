//! What the composer offers as you type, and what a line means when sent, as pure functions:
//! `/` at the start opens the commands (the server's and Branchpoint's own), `@` opens the
//! project's files, a line starting with `!` is a shell command. Positions are byte offsets into
//! the text; the browser's caret (UTF-16 units) is turned into one by [`byte_offset`].

/// Branchpoint's own commands, beside the server's.
///
/// A feature that adds a command adds a variant here, its entry in [`Builtin::ALL`], and its
/// handling where the session page runs a [`Builtin`] (`pages/session/commands.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// Fork the session through its last turn.
    Fork,
    /// Pick a message to edit and send again (a fork before it).
    ForkBefore,
    /// Fork the session into a git worktree of its own.
    Worktree,
    /// Undo the last turn (kept as a branch first).
    Undo,
    /// Take the undo back.
    Redo,
    /// Ask the server to summarize the conversation (`/session/:id/summarize`).
    Compact,
    /// Rename the session.
    Rename,
    /// The session in the lineage view.
    Lineage,
}

impl Builtin {
    /// Every built-in command, in the order the list shows them.
    pub const ALL: [Builtin; 8] = [
        Builtin::Fork,
        Builtin::ForkBefore,
        Builtin::Worktree,
        Builtin::Undo,
        Builtin::Redo,
        Builtin::Compact,
        Builtin::Rename,
        Builtin::Lineage,
    ];

    /// The name typed after `/`.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Fork => "fork",
            Builtin::ForkBefore => "fork-before",
            Builtin::Worktree => "worktree",
            Builtin::Undo => "undo",
            Builtin::Redo => "redo",
            Builtin::Compact => "compact",
            Builtin::Rename => "rename",
            Builtin::Lineage => "lineage",
        }
    }

    /// What it does, as the list says it.
    pub fn description(self) -> &'static str {
        match self {
            Builtin::Fork => "Fork this session through its last turn",
            Builtin::ForkBefore => "Pick one of your messages to edit and send again",
            Builtin::Worktree => "Fork this session into a git worktree of its own",
            Builtin::Undo => "Undo the last turn (what it did is kept as a branch)",
            Builtin::Redo => "Take the last undo back",
            Builtin::Compact => "Summarize the conversation to free the model's context",
            Builtin::Rename => "Rename this session",
            Builtin::Lineage => "Show this session in the lineage view",
        }
    }
}

/// A command the `/` list offers.
#[derive(Debug, Clone, PartialEq)]
pub struct SlashCommand {
    pub name: String,
    pub description: String,
    /// `None` for a command of the server's (sent with `POST /session/:id/command`).
    pub builtin: Option<Builtin>,
}

/// The commands the `/` list offers: Branchpoint's own, then the server's (`GET /command`,
/// name and description); a server command named like one of Branchpoint's is the server's.
pub fn all_commands(server: &[(String, String)]) -> Vec<SlashCommand> {
    let mut all: Vec<SlashCommand> = Builtin::ALL
        .iter()
        .filter(|b| !server.iter().any(|(name, _)| name == b.name()))
        .map(|b| SlashCommand {
            name: b.name().to_owned(),
            description: b.description().to_owned(),
            builtin: Some(*b),
        })
        .collect();
    all.extend(server.iter().map(|(name, description)| SlashCommand {
        name: name.clone(),
        description: description.clone(),
        builtin: None,
    }));
    all
}

/// What the text around the caret asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// `/query` at the very start, the caret within it: the commands list.
    Slash { query: String },
    /// `@query` starting a word, the caret at its end: the file picker. `start` is the `@`,
    /// `end` the caret.
    Mention {
        query: String,
        start: usize,
        end: usize,
    },
}

/// What the composer should offer for `text` with the caret at byte `caret`.
pub fn trigger(text: &str, caret: usize) -> Option<Trigger> {
    let caret = floor_boundary(text, caret);
    let before = text.get(..caret)?;
    if let Some(rest) = before.strip_prefix('/') {
        if !rest.contains(char::is_whitespace) {
            return Some(Trigger::Slash {
                query: rest.to_owned(),
            });
        }
    }
    let at = before.rfind('@')?;
    let query = before.get(at + 1..)?;
    let starts_word = before
        .get(..at)?
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    (starts_word && !query.contains(char::is_whitespace)).then(|| Trigger::Mention {
        query: query.to_owned(),
        start: at,
        end: caret,
    })
}

/// How well `label` matches `query` (case aside): 0 it begins with it, 1 a word of it does,
/// 2 it contains it; `None` not at all. An empty query matches everything equally.
pub fn rank(label: &str, query: &str) -> Option<u8> {
    let label = label.to_lowercase();
    let query = query.trim().to_lowercase();
    if label.starts_with(&query) {
        Some(0)
    } else if label
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.starts_with(&query))
    {
        Some(1)
    } else if label.contains(&query) {
        Some(2)
    } else {
        None
    }
}

/// The items whose label matches `query`, best matches first, each rank in the given order.
pub fn filter_by<'a, T>(items: &'a [T], query: &str, label: impl Fn(&T) -> &str) -> Vec<&'a T> {
    let mut ranked: Vec<(u8, usize, &T)> = items
        .iter()
        .enumerate()
        .filter_map(|(at, item)| rank(label(item), query).map(|r| (r, at, item)))
        .collect();
    ranked.sort_by_key(|(r, at, _)| (*r, *at));
    ranked.into_iter().map(|(_, _, item)| item).collect()
}

/// The commands whose name matches `query` (case aside): those it begins first, then those
/// with a word it begins, then those that contain it, each group in the list's order.
pub fn filter_commands<'a>(all: &'a [SlashCommand], query: &str) -> Vec<&'a SlashCommand> {
    filter_by(all, query, |c| c.name.as_str())
}

/// The type a file part is sent with, from the file's name: images and PDFs as themselves
/// (the model sees them), everything else as text (the server reads it in).
pub fn mime_for(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        _ => "text/plain",
    }
}

/// The `file://` URL of an absolute path, with the characters a URL would read otherwise
/// escaped (`%`, `#`, `?`).
pub fn file_url(absolute: &str) -> String {
    let mut url = String::from("file://");
    for c in absolute.chars() {
        match c {
            '%' => url.push_str("%25"),
            '#' => url.push_str("%23"),
            '?' => url.push_str("%3F"),
            c => url.push(c),
        }
    }
    url
}

/// The text once command `name` is chosen: `/name ` and whatever followed the command word,
/// with the caret after the space (a byte offset).
pub fn complete_command(text: &str, name: &str) -> (String, usize) {
    let rest = text
        .strip_prefix('/')
        .map(|r| r.trim_start_matches(|c: char| !c.is_whitespace()))
        .unwrap_or(text)
        .trim_start();
    let head = format!("/{name} ");
    let caret = head.len();
    (format!("{head}{rest}"), caret)
}

/// The text once file `path` is chosen for the mention at `start..end`: `@path ` in its
/// place, the caret after the space.
pub fn complete_mention(text: &str, start: usize, end: usize, path: &str) -> (String, usize) {
    let (start, end) = (floor_boundary(text, start), floor_boundary(text, end));
    let before = text.get(..start).unwrap_or_default();
    let after = text.get(end..).unwrap_or_default();
    let inserted = format!("@{path} ");
    let caret = before.len() + inserted.len();
    let after = after.strip_prefix(' ').unwrap_or(after);
    (format!("{before}{inserted}{after}"), caret)
}

/// What a line means when sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Submit {
    /// Plain text for the model.
    Prompt,
    /// `!command`: run in the session's shell.
    Shell(String),
    /// One of Branchpoint's own commands, with what followed it.
    Builtin(Builtin, String),
    /// A command of the server's, with its arguments.
    Command { name: String, arguments: String },
}

/// What `text` asks for, given the commands known: `!…` is a shell command, `/name args` a
/// known command (a `/word` that names none is plain text: a path, say).
pub fn parse_submit(text: &str, commands: &[SlashCommand]) -> Submit {
    let text = text.trim();
    if let Some(command) = text.strip_prefix('!') {
        let command = command.trim();
        return if command.is_empty() {
            Submit::Prompt
        } else {
            Submit::Shell(command.to_owned())
        };
    }
    let Some(rest) = text.strip_prefix('/') else {
        return Submit::Prompt;
    };
    let (name, arguments) = match rest.split_once(char::is_whitespace) {
        Some((name, arguments)) => (name, arguments.trim()),
        None => (rest, ""),
    };
    match commands.iter().find(|c| c.name == name) {
        Some(SlashCommand {
            builtin: Some(builtin),
            ..
        }) => Submit::Builtin(*builtin, arguments.to_owned()),
        Some(command) => Submit::Command {
            name: command.name.clone(),
            arguments: arguments.to_owned(),
        },
        None => Submit::Prompt,
    }
}

/// The byte offset in `text` of a caret the browser gives in UTF-16 code units.
pub fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (at, c) in text.char_indices() {
        if units >= utf16 {
            return at;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// The UTF-16 position of byte offset `at` (for setting the browser's caret).
pub fn utf16_offset(text: &str, at: usize) -> usize {
    text.get(..floor_boundary(text, at))
        .map_or(0, |s| s.encode_utf16().count())
}

fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server() -> Vec<(String, String)> {
        vec![
            ("greet".into(), "Greets someone".into()),
            ("review".into(), "Review the changes".into()),
            ("fork".into(), "The server's own fork".into()),
        ]
    }

    #[test]
    fn slash_opens_at_the_start_only_and_filters() {
        assert_eq!(
            trigger("/gr", 3),
            Some(Trigger::Slash { query: "gr".into() })
        );
        assert_eq!(trigger("/", 1), Some(Trigger::Slash { query: "".into() }));
        assert_eq!(trigger("/greet Bob", 10), None, "past the command word");
        assert_eq!(trigger(" /gr", 4), None, "not at the start");
        assert_eq!(trigger("a/b", 3), None);
        let all = all_commands(&server());
        let names = |q: &str| -> Vec<String> {
            filter_commands(&all, q)
                .iter()
                .map(|c| c.name.clone())
                .collect()
        };
        assert_eq!(
            names(""),
            [
                "fork-before",
                "worktree",
                "undo",
                "redo",
                "compact",
                "rename",
                "lineage",
                "greet",
                "review",
                "fork"
            ]
        );
        assert_eq!(
            names("RE"),
            [
                "redo",
                "rename",
                "review",
                "fork-before",
                "worktree",
                "greet"
            ]
        );
        assert_eq!(names("before"), ["fork-before"], "a word of the name");
        assert_eq!(names("zzz"), Vec::<String>::new());
        // The server's "fork" wins over Branchpoint's.
        assert!(all
            .iter()
            .filter(|c| c.name == "fork")
            .all(|c| c.builtin.is_none()));
    }

    #[test]
    fn at_opens_for_the_word_being_typed() {
        assert_eq!(
            trigger("read @src/ma", 12),
            Some(Trigger::Mention {
                query: "src/ma".into(),
                start: 5,
                end: 12
            })
        );
        assert_eq!(
            trigger("@", 1),
            Some(Trigger::Mention {
                query: "".into(),
                start: 0,
                end: 1
            })
        );
        assert_eq!(trigger("mail me@home", 12), None, "inside a word");
        assert_eq!(
            trigger("read @a.txt now", 15),
            None,
            "the caret left the word"
        );
        assert_eq!(
            trigger("é @x", 99),
            trigger("é @x", 5),
            "a caret past the end"
        );
    }

    #[test]
    fn choosing_completes_in_place() {
        assert_eq!(complete_command("/gr", "greet"), ("/greet ".into(), 7));
        assert_eq!(
            complete_command("/gr Bob", "greet"),
            ("/greet Bob".into(), 7)
        );
        let (text, caret) = complete_mention("read @src/ma and", 5, 12, "src/main.rs");
        assert_eq!(text, "read @src/main.rs and");
        assert_eq!(caret, "read @src/main.rs ".len());
        let (text, _) = complete_mention("é @", 3, 4, "a b.txt");
        assert_eq!(text, "é @a b.txt ");
    }

    #[test]
    fn what_a_line_means() {
        let all = all_commands(&server());
        assert_eq!(
            parse_submit("!echo hi", &all),
            Submit::Shell("echo hi".into())
        );
        assert_eq!(
            parse_submit("  ! ls -la ", &all),
            Submit::Shell("ls -la".into())
        );
        assert_eq!(parse_submit("!", &all), Submit::Prompt);
        assert_eq!(
            parse_submit("/greet Bob  the builder", &all),
            Submit::Command {
                name: "greet".into(),
                arguments: "Bob  the builder".into()
            }
        );
        assert_eq!(
            parse_submit("/rename A better title", &all),
            Submit::Builtin(Builtin::Rename, "A better title".into())
        );
        assert_eq!(
            parse_submit("/compact", &all),
            Submit::Builtin(Builtin::Compact, "".into())
        );
        assert_eq!(
            parse_submit("/fork", &all),
            Submit::Command {
                name: "fork".into(),
                arguments: "".into()
            }
        );
        assert_eq!(parse_submit("/etc/hosts is odd", &all), Submit::Prompt);
        assert_eq!(parse_submit("hello /greet", &all), Submit::Prompt);
    }

    #[test]
    fn palette_ranking_and_file_parts() {
        let titles = ["Unparsed", "Fix the parser", "Parse tree", "Other"];
        assert_eq!(
            filter_by(&titles, "parse", |t| t),
            [&"Parse tree", &"Fix the parser", &"Unparsed"]
        );
        assert_eq!(filter_by(&titles, "", |t| t).len(), 4, "nothing typed: all");
        assert_eq!(filter_by(&titles, "zz", |t| t), Vec::<&&str>::new());
        assert_eq!(rank("Fork into a worktree", "fork"), Some(0));
        assert_eq!(rank("Fork into a worktree", "WORKT"), Some(1));
        assert_eq!(rank("Fork into a worktree", "tree"), Some(2));
        assert_eq!(rank("Fork into a worktree", "into"), Some(1));
        assert_eq!(mime_for("docs/Shot.PNG"), "image/png");
        assert_eq!(mime_for("src/main.rs"), "text/plain");
        assert_eq!(mime_for("Makefile"), "text/plain");
        assert_eq!(file_url("/p/a #1?.txt"), "file:///p/a %231%3F.txt");
    }

    #[test]
    fn carets_in_utf16_units() {
        let text = "é😀a";
        assert_eq!(byte_offset(text, 0), 0);
        assert_eq!(byte_offset(text, 1), 2);
        assert_eq!(byte_offset(text, 3), 6, "the emoji is two units");
        assert_eq!(byte_offset(text, 99), text.len());
        assert_eq!(utf16_offset(text, 6), 3);
        assert_eq!(utf16_offset(text, 7), 4);
    }
}
