//! Unified diffs, read and written as plain data: a patch parsed into hunks of numbered lines
//! for the diff view; the counts of a turn or a session ("3 files changed, +12 −4"); files
//! gathered across turns; the git form `POST /vcs/apply` needs (a deleted file must say so,
//! or git leaves it empty); and a multi-file git patch taken apart by file (the server's
//! `session.revert.diff`). Patch text is server data: nothing here trusts a count in it.

use std::collections::HashMap;

use crate::api::{FileChange, FileDiff, FileStatus};

/// What a line of a hunk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Context,
    Added,
    Removed,
    /// `\ No newline at end of file`.
    Note,
}

/// One line of a hunk, with its numbers in the old and the new file.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffLine {
    pub kind: LineKind,
    pub old: Option<u64>,
    pub new: Option<u64>,
    pub text: String,
}

impl DiffLine {
    /// The mark shown before the line, for people who do not see colour.
    pub fn mark(&self) -> &'static str {
        match self.kind {
            LineKind::Added => "+",
            LineKind::Removed => "−",
            LineKind::Context | LineKind::Note => " ",
        }
    }
}

/// A hunk: its `@@ -a,b +c,d @@` header and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Hunk {
    pub header: String,
    pub old_start: u64,
    pub old_count: u64,
    pub new_start: u64,
    pub new_count: u64,
    pub lines: Vec<DiffLine>,
}

/// Reads `@@ -a[,b] +c[,d] @@…`.
fn hunk_header(line: &str) -> Option<(u64, u64, u64, u64)> {
    let rest = line.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let range = |r: &str| -> Option<(u64, u64)> {
        match r.split_once(',') {
            Some((start, count)) => Some((start.parse().ok()?, count.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let (a, b) = range(old)?;
    let (c, d) = range(new)?;
    Some((a, b, c, d))
}

/// Parses the hunks of a unified diff (the server's `Index:`/`---`/`+++` form or git's; any
/// header lines are skipped). Each hunk reads as many lines as its header counts, so a
/// removed line that itself starts with `--` is not taken for a header; a patch cut short
/// ends where it ends.
pub fn parse_patch(patch: &str) -> Vec<Hunk> {
    let mut hunks = Vec::new();
    let mut lines = patch.split('\n').peekable();
    while let Some(line) = lines.next() {
        let Some((old_start, old_count, new_start, new_count)) = hunk_header(line) else {
            continue;
        };
        let mut hunk = Hunk {
            header: line.to_owned(),
            old_start,
            old_count,
            new_start,
            new_count,
            lines: Vec::new(),
        };
        let (mut old_left, mut new_left) = (old_count, new_count);
        let (mut old_no, mut new_no) = (old_start, new_start);
        while old_left > 0 || new_left > 0 {
            let Some(line) = lines.next() else { break };
            let (kind, text) = match line.as_bytes().first() {
                Some(b'+') => (LineKind::Added, &line[1..]),
                Some(b'-') => (LineKind::Removed, &line[1..]),
                Some(b' ') => (LineKind::Context, &line[1..]),
                Some(b'\\') => (LineKind::Note, line),
                // Some tools strip the space of an empty context line.
                None => (LineKind::Context, ""),
                Some(_) => (LineKind::Context, line),
            };
            let (old, new) = match kind {
                LineKind::Added => (None, Some(new_no)),
                LineKind::Removed => (Some(old_no), None),
                LineKind::Context => (Some(old_no), Some(new_no)),
                LineKind::Note => (None, None),
            };
            if matches!(kind, LineKind::Removed | LineKind::Context) {
                old_left = old_left.saturating_sub(1);
                old_no = old_no.saturating_add(1);
            }
            if matches!(kind, LineKind::Added | LineKind::Context) {
                new_left = new_left.saturating_sub(1);
                new_no = new_no.saturating_add(1);
            }
            hunk.lines.push(DiffLine {
                kind,
                old,
                new,
                text: text.to_owned(),
            });
        }
        // "\ No newline at end of file" follows the last line it is about.
        while lines.peek().is_some_and(|l| l.starts_with('\\')) {
            if let Some(note) = lines.next() {
                hunk.lines.push(DiffLine {
                    kind: LineKind::Note,
                    old: None,
                    new: None,
                    text: note.to_owned(),
                });
            }
        }
        hunks.push(hunk);
    }
    hunks
}

/// How many lines a patch shows (what the diff view would draw).
pub fn line_count(patch: &str) -> usize {
    parse_patch(patch).iter().map(|h| h.lines.len() + 1).sum()
}

/// Files changed and lines added and removed, over one turn or many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub files: usize,
    pub added: u64,
    pub removed: u64,
}

impl Totals {
    /// The counts of `changes` (one turn's, or several turns' together: a file changed in two
    /// turns counts once among the files, its lines in both).
    pub fn of<'a>(changes: impl IntoIterator<Item = &'a FileChange>) -> Totals {
        let mut files: Vec<&str> = Vec::new();
        let mut totals = Totals::default();
        for change in changes {
            if !files.contains(&change.file.as_str()) {
                files.push(&change.file);
            }
            totals.added = totals.added.saturating_add(change.added());
            totals.removed = totals.removed.saturating_add(change.removed());
        }
        totals.files = files.len();
        totals
    }

    /// "3 files changed, +12 −4".
    pub fn line(&self) -> String {
        let files = if self.files == 1 {
            "1 file changed".to_owned()
        } else {
            format!("{} files changed", self.files)
        };
        format!("{files}, +{} −{}", self.added, self.removed)
    }
}

/// One file across the turns that changed it: its status over all of them, its counts, and
/// each turn's patch in order (labelled with the turn when there are several turns).
#[derive(Debug, Clone, PartialEq)]
pub struct FileSection {
    pub file: String,
    /// "added", "modified", "deleted", or "added, then deleted".
    pub status: String,
    pub added: u64,
    pub removed: u64,
    pub patches: Vec<LabelledPatch>,
}

/// A turn's patch of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledPatch {
    /// Which turn, when the view shows several ("Turn 2 · “add the tests”"); empty for one.
    pub label: String,
    pub patch: String,
}

impl FileSection {
    /// How many lines its patches show.
    pub fn lines(&self) -> usize {
        self.patches.iter().map(|p| line_count(&p.patch)).sum()
    }

    /// Does any of its patches hold nothing to show (a binary file, a change with no lines)?
    pub fn has_unshown(&self) -> bool {
        self.patches
            .iter()
            .any(|p| parse_patch(&p.patch).is_empty())
    }
}

/// The status of a file over several turns, from the first turn's and the last's.
fn overall_status(first: FileStatus, last: FileStatus) -> String {
    match (first, last) {
        (FileStatus::Added, FileStatus::Deleted) => "added, then deleted".to_owned(),
        (FileStatus::Added, _) => FileStatus::Added.label().to_owned(),
        (_, FileStatus::Deleted) => FileStatus::Deleted.label().to_owned(),
        (FileStatus::Deleted, _) => FileStatus::Modified.label().to_owned(),
        _ => FileStatus::Modified.label().to_owned(),
    }
}

/// Gathers turns' diffs by file, in the order files first appear: `turns` holds each turn's
/// label and diffs, oldest first.
pub fn by_file(turns: &[(String, Vec<FileDiff>)]) -> Vec<FileSection> {
    let several = turns.iter().filter(|(_, d)| !d.is_empty()).count() > 1;
    let mut order: Vec<String> = Vec::new();
    let mut found: HashMap<String, (FileStatus, FileSection)> = HashMap::new();
    for (label, diffs) in turns {
        for diff in diffs {
            let patch = LabelledPatch {
                label: if several {
                    label.clone()
                } else {
                    String::new()
                },
                patch: diff.patch.clone(),
            };
            let change = &diff.change;
            match found.get_mut(&change.file) {
                Some((first, section)) => {
                    section.status = overall_status(*first, change.status);
                    section.added = section.added.saturating_add(change.added());
                    section.removed = section.removed.saturating_add(change.removed());
                    section.patches.push(patch);
                }
                None => {
                    order.push(change.file.clone());
                    let section = FileSection {
                        file: change.file.clone(),
                        status: change.status.label().to_owned(),
                        added: change.added(),
                        removed: change.removed(),
                        patches: vec![patch],
                    };
                    found.insert(change.file.clone(), (change.status, section));
                }
            }
        }
    }
    order
        .into_iter()
        .filter_map(|file| found.remove(&file).map(|(_, section)| section))
        .collect()
}

/// Writes a path as git writes it in a patch header: quoted, with C escapes, when it holds a
/// quote, a backslash or a control character.
fn git_path(prefix: &str, file: &str) -> String {
    let plain = !file
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control());
    if plain {
        return format!("{prefix}{file}");
    }
    let mut out = String::from("\"");
    out.push_str(prefix);
    for c in file.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\{byte:03o}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The hunks of a patch as text, from its first `@@` line on (ending in a newline).
fn hunk_text(patch: &str) -> Option<&str> {
    if patch.starts_with("@@ ") {
        return Some(patch);
    }
    patch.find("\n@@ ").map(|at| &patch[at + 1..])
}

/// The patch of one file in the form `git apply` reads without guessing: `new file mode` and
/// `/dev/null` for an added file, `deleted file mode` and `/dev/null` for a deleted one (the
/// server's own form of a deletion, applied as it is, leaves an empty file behind). `None`
/// when the patch carries nothing to apply: an empty patch, which is how the server sends a
/// binary change.
pub fn git_patch(diff: &FileDiff) -> Option<String> {
    if diff.patch.trim().is_empty() {
        return None;
    }
    let FileChange { file, status, .. } = &diff.change;
    let (a, b) = (git_path("a/", file), git_path("b/", file));
    let mut out = format!("diff --git {a} {b}\n");
    match status {
        FileStatus::Added => {
            out.push_str(&format!("new file mode 100644\n--- /dev/null\n+++ {b}\n"))
        }
        FileStatus::Deleted => out.push_str(&format!(
            "deleted file mode 100644\n--- {a}\n+++ /dev/null\n"
        )),
        FileStatus::Modified => out.push_str(&format!("--- {a}\n+++ {b}\n")),
    }
    match hunk_text(&diff.patch) {
        Some(hunks) => {
            out.push_str(hunks);
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
        // A header with no hunk: an empty file added or deleted, or nothing to do.
        None if *status == FileStatus::Modified => return None,
        None => {}
    }
    Some(out)
}

/// One file's part of a multi-file git patch (`diff --git …` up to the next).
#[derive(Debug, Clone, PartialEq)]
pub struct GitFilePatch {
    /// The file's path (the new one; the old one for a deletion).
    pub file: String,
    /// The patch creates the file (`new file mode`, or `--- /dev/null`).
    pub creates: bool,
    /// The patch deletes the file.
    pub deletes: bool,
    pub text: String,
}

/// Reads a path from a `---`/`+++` line: unquoted, its `a/`/`b/` taken off, `None` for
/// `/dev/null`.
fn header_path(value: &str) -> Option<String> {
    let value = value.split('\t').next().unwrap_or(value).trim_end();
    if value == "/dev/null" {
        return None;
    }
    let unquoted = match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => unquote(inner),
        None => value.to_owned(),
    };
    let path = unquoted
        .strip_prefix("a/")
        .or_else(|| unquoted.strip_prefix("b/"))
        .unwrap_or(&unquoted);
    Some(path.to_owned())
}

/// Undoes git's C quoting of a path.
fn unquote(inner: &str) -> String {
    let mut bytes = Vec::with_capacity(inner.len());
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(b'r') => bytes.push(b'\r'),
            Some(d @ b'0'..=b'7') => {
                let mut value = u32::from(d - b'0');
                for _ in 0..2 {
                    match chars.peek() {
                        Some(&n @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(n - b'0');
                            chars.next();
                        }
                        _ => break,
                    }
                }
                bytes.push(value as u8);
            }
            Some(other) => bytes.push(other),
            None => bytes.push(b'\\'),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Takes a multi-file git patch apart, file by file.
pub fn split_git_patch(patch: &str) -> Vec<GitFilePatch> {
    let mut starts: Vec<usize> = Vec::new();
    if patch.starts_with("diff --git ") {
        starts.push(0);
    }
    starts.extend(patch.match_indices("\ndiff --git ").map(|(at, _)| at + 1));
    let mut files = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(patch.len());
        let text = &patch[start..end];
        let (mut old, mut new, mut creates, mut deletes) = (None, None, false, false);
        for line in text.lines() {
            if line.starts_with("@@ ") {
                break;
            }
            if line.starts_with("new file mode") {
                creates = true;
            } else if line.starts_with("deleted file mode") {
                deletes = true;
            } else if let Some(path) = line.strip_prefix("--- ") {
                old = header_path(path);
                creates |= old.is_none();
            } else if let Some(path) = line.strip_prefix("+++ ") {
                new = header_path(path);
                deletes |= new.is_none();
            }
        }
        let file = new.or(old).or_else(|| {
            // A header with no ---/+++ lines (an empty file): `diff --git a/x b/x`.
            let header = text.lines().next()?.strip_prefix("diff --git ")?;
            let at = header.rfind(" \"b/").or_else(|| header.find(" b/"))?;
            header_path(&header[at + 1..])
        });
        if let Some(file) = file {
            files.push(GitFilePatch {
                file,
                creates,
                deletes,
                text: text.to_owned(),
            });
        }
    }
    files
}

/// The lines of a text as the server's `GET /file/content` sends it (the final newline left
/// off), or of a patch side.
fn lines_of(content: &str) -> Vec<&str> {
    let trimmed = content.strip_suffix('\n').unwrap_or(content);
    if trimmed.is_empty() {
        Vec::new()
    } else {
        trimmed.split('\n').collect()
    }
}

/// Does `content` hold, where each hunk says, the lines of the hunks' old side? (How a file is
/// checked against the state a patch was made from.)
pub fn matches_old_side(content: &str, hunks: &[Hunk]) -> bool {
    let lines = lines_of(content);
    hunks.iter().all(|hunk| {
        let expected: Vec<&str> = hunk
            .lines
            .iter()
            .filter(|l| matches!(l.kind, LineKind::Context | LineKind::Removed))
            .map(|l| l.text.as_str())
            .collect();
        let from = usize::try_from(hunk.old_start.saturating_sub(1)).unwrap_or(usize::MAX);
        let to = from.saturating_add(expected.len());
        lines.get(from..to) == Some(expected.as_slice())
    })
}

/// The full text of a file as a patch that created it has it (its added lines), when the
/// patch says whether it ends in a newline.
pub fn created_text(hunks: &[Hunk]) -> String {
    let mut text = String::new();
    let mut last_newline = true;
    for line in hunks.iter().flat_map(|h| &h.lines) {
        match line.kind {
            LineKind::Added => {
                text.push_str(&line.text);
                text.push('\n');
                last_newline = true;
            }
            LineKind::Note => last_newline = false,
            _ => {}
        }
    }
    if !last_newline {
        text.pop();
    }
    text
}

/// A git patch deleting `file` whose content is `text` exactly.
pub fn deletion_patch(file: &str, text: &str) -> String {
    let lines = lines_of(text);
    let a = git_path("a/", file);
    let b = git_path("b/", file);
    let mut out = format!("diff --git {a} {b}\ndeleted file mode 100644\n--- {a}\n+++ /dev/null\n");
    if !lines.is_empty() {
        out.push_str(&format!("@@ -1,{} +0,0 @@\n", lines.len()));
        for line in &lines {
            out.push('-');
            out.push_str(line);
            out.push('\n');
        }
        if !text.ends_with('\n') {
            out.push_str("\\ No newline at end of file\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // As opencode 1.18.33 sends a turn's patches.
    const MODIFIED: &str = "Index: a.txt\n===================================================================\n--- a.txt\t\n+++ a.txt\t\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n";
    const DELETED: &str = "Index: notes.txt\n===================================================================\n--- notes.txt\t\n+++ notes.txt\t\n@@ -1,1 +0,0 @@\n-keep me\n";
    const ADDED: &str =
        "Index: new.txt\n===================================================================\n--- new.txt\t\n+++ new.txt\t\n@@ -0,0 +1,1 @@\n+hi\n";

    fn diff(file: &str, status: FileStatus, patch: &str, a: f64, d: f64) -> FileDiff {
        FileDiff {
            change: FileChange {
                file: file.into(),
                additions: a,
                deletions: d,
                status,
            },
            patch: patch.into(),
        }
    }

    #[test]
    fn a_patch_reads_as_numbered_lines_with_marks() {
        let hunks = parse_patch(MODIFIED);
        assert_eq!(hunks.len(), 1);
        let rows: Vec<(Option<u64>, Option<u64>, &str, &str)> = hunks[0]
            .lines
            .iter()
            .map(|l| (l.old, l.new, l.mark(), l.text.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (Some(1), Some(1), " ", "a"),
                (Some(2), None, "−", "b"),
                (None, Some(2), "+", "B"),
                (Some(3), Some(3), " ", "c"),
                (None, Some(4), "+", "d"),
            ]
        );
        assert_eq!(line_count(MODIFIED), 6);
        let added = parse_patch(ADDED);
        assert_eq!(added[0].lines[0].new, Some(1));
        assert_eq!(parse_patch(DELETED)[0].lines[0].old, Some(1));
    }

    #[test]
    fn headers_inside_a_hunk_and_broken_patches() {
        // A removed line that reads like a header, a no-newline note, and a second hunk.
        let patch = "--- f\n+++ f\n@@ -1,2 +1,1 @@\n--- not a header\n keep\n\\ No newline at end of file\n@@ -10 +9,2 @@\n x\n+y\n";
        let hunks = parse_patch(patch);
        assert_eq!(hunks.len(), 2);
        assert_eq!(hunks[0].lines[0].kind, LineKind::Removed);
        assert_eq!(hunks[0].lines[0].text, "-- not a header");
        assert_eq!(hunks[0].lines[2].kind, LineKind::Note);
        assert_eq!(hunks[1].old_start, 10);
        assert_eq!(hunks[1].lines[1].new, Some(10));
        // Counts that promise more than there is, numbers that overflow, junk.
        let cut = parse_patch("@@ -1,999999999 +18446744073709551615,5 @@\n+a\n-b");
        assert_eq!(cut[0].lines.len(), 2);
        assert_eq!(cut[0].lines[0].new, Some(u64::MAX));
        assert!(parse_patch("@@ nonsense @@\n+x\n").is_empty());
        assert!(parse_patch("").is_empty());
        // Hostile text stays text.
        let script = parse_patch("@@ -0,0 +1 @@\n+<script>alert(1)</script>\n");
        assert_eq!(script[0].lines[0].text, "<script>alert(1)</script>");
    }

    #[test]
    fn totals_count_files_once_and_lines_always() {
        let turn = [
            diff("a", FileStatus::Added, "", 3.0, 0.0).change.clone(),
            diff("b", FileStatus::Modified, "", 9.0, 4.0).change.clone(),
            diff("a", FileStatus::Modified, "", 0.0, 1.0).change.clone(),
        ];
        let totals = Totals::of(&turn);
        assert_eq!(
            totals,
            Totals {
                files: 2,
                added: 12,
                removed: 5
            }
        );
        assert_eq!(totals.line(), "2 files changed, +12 −5");
        assert_eq!(Totals::of(&turn[..1]).line(), "1 file changed, +3 −0");
    }

    #[test]
    fn files_gathered_across_turns() {
        let turns = vec![
            (
                "Turn 1".to_owned(),
                vec![
                    diff("a.txt", FileStatus::Added, ADDED, 1.0, 0.0),
                    diff("x", FileStatus::Modified, MODIFIED, 2.0, 1.0),
                ],
            ),
            ("Turn 2".to_owned(), vec![]),
            (
                "Turn 3".to_owned(),
                vec![diff("a.txt", FileStatus::Deleted, DELETED, 0.0, 1.0)],
            ),
        ];
        let sections = by_file(&turns);
        let summary: Vec<(&str, &str, u64, u64, usize)> = sections
            .iter()
            .map(|s| {
                (
                    s.file.as_str(),
                    s.status.as_str(),
                    s.added,
                    s.removed,
                    s.patches.len(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("a.txt", "added, then deleted", 1, 1, 2),
                ("x", "modified", 2, 1, 1)
            ]
        );
        assert_eq!(sections[0].patches[1].label, "Turn 3");
        let one = by_file(&turns[..1]);
        assert_eq!(one[0].patches[0].label, "", "one turn needs no labels");
    }

    #[test]
    fn git_form_says_what_happened_to_the_file() {
        let deleted = git_patch(&diff("notes.txt", FileStatus::Deleted, DELETED, 0.0, 1.0));
        assert_eq!(
            deleted.as_deref(),
            Some("diff --git a/notes.txt b/notes.txt\ndeleted file mode 100644\n--- a/notes.txt\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-keep me\n")
        );
        let added = git_patch(&diff("new.txt", FileStatus::Added, ADDED, 1.0, 0.0)).unwrap();
        assert!(added.starts_with("diff --git a/new.txt b/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,1 @@\n"));
        let modified = git_patch(&diff("a.txt", FileStatus::Modified, MODIFIED, 2.0, 1.0)).unwrap();
        assert!(modified.starts_with(
            "diff --git a/a.txt b/a.txt\n--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,4 @@\n"
        ));
        assert_eq!(
            git_patch(&diff("bin.dat", FileStatus::Added, "", 0.0, 0.0)),
            None
        );
        let empty = git_patch(&diff(
            "e",
            FileStatus::Added,
            "Index: e\n===\n--- e\t\n+++ e\t\n",
            0.0,
            0.0,
        ));
        assert_eq!(
            empty.as_deref(),
            Some("diff --git a/e b/e\nnew file mode 100644\n--- /dev/null\n+++ b/e\n")
        );
        let quoted = git_patch(&diff(
            "we\"ird\\.txt",
            FileStatus::Modified,
            MODIFIED,
            0.0,
            0.0,
        ))
        .unwrap();
        assert!(
            quoted.starts_with("diff --git \"a/we\\\"ird\\\\.txt\" \"b/we\\\"ird\\\\.txt\"\n"),
            "{quoted}"
        );
    }

    #[test]
    fn a_revert_diff_taken_apart_by_file() {
        // session.revert.diff as opencode 1.18.33 sends it.
        let revert = "diff --git a/a.txt b/a.txt\nindex a7bc997..de98044 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -1,4 +1,3 @@\n a\n-B\n+b\n c\n-d\ndiff --git a/notes.txt b/notes.txt\nnew file mode 100644\nindex 0000000..e0808fa\n--- /dev/null\n+++ b/notes.txt\n@@ -0,0 +1 @@\n+keep me\ndiff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-one\n-two\n\\ No newline at end of file\ndiff --git \"a/sp ace\\t.txt\" \"b/sp ace\\t.txt\"\nnew file mode 100644\nindex 0000000..e69de29\n";
        let files = split_git_patch(revert);
        let shape: Vec<(&str, bool, bool)> = files
            .iter()
            .map(|f| (f.file.as_str(), f.creates, f.deletes))
            .collect();
        assert_eq!(
            shape,
            [
                ("a.txt", false, false),
                ("notes.txt", true, false),
                ("gone.txt", false, true),
                ("sp ace\t.txt", true, false)
            ]
        );
        // What the file held before the revert, checked against the current content.
        let a = parse_patch(&files[0].text);
        assert!(matches_old_side("a\nB\nc\nd", &a));
        assert!(!matches_old_side("a\nb\nc", &a));
        // The content a revert re-created, and the patch that deletes exactly that.
        let created = created_text(&parse_patch(&files[1].text));
        assert_eq!(created, "keep me\n");
        assert_eq!(
            deletion_patch("notes.txt", &created),
            "diff --git a/notes.txt b/notes.txt\ndeleted file mode 100644\n--- a/notes.txt\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-keep me\n"
        );
        assert!(deletion_patch("x", "no newline")
            .ends_with("-no newline\n\\ No newline at end of file\n"));
        assert_eq!(
            deletion_patch("e", ""),
            "diff --git a/e b/e\ndeleted file mode 100644\n--- a/e\n+++ /dev/null\n"
        );
        let gone = parse_patch(&files[2].text);
        assert!(matches_old_side("one\ntwo", &gone));
    }
}
