//! What the agent did to the files: a turn's file changes (`GET /session/:id/diff`, and the
//! counts a user message carries in `summary.diffs`), the repository (`GET /vcs`, its
//! worktrees), and the files the server can list (`GET /file`). Checked against `GET /doc` of
//! opencode 1.18.33.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// How a file changed in a turn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Added,
    Deleted,
    #[default]
    Modified,
}

impl FileStatus {
    /// The word shown for it.
    pub fn label(self) -> &'static str {
        match self {
            FileStatus::Added => "added",
            FileStatus::Deleted => "deleted",
            FileStatus::Modified => "modified",
        }
    }
}

/// Reads a status the server may leave out or spell in a way this client has not met: both
/// are "modified", the one status that claims nothing about the file's existence.
fn lenient_status<'de, D: Deserializer<'de>>(deserializer: D) -> Result<FileStatus, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(value
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or(FileStatus::Modified))
}

/// One file a turn changed, as a user message's `summary.diffs` lists it: the name, the
/// counts and the status. The patch the server also sends there is left out when reading, so
/// a long session does not keep every patch in memory; it is fetched when a person asks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileChange {
    #[serde(default)]
    pub file: String,
    #[serde(default)]
    pub additions: f64,
    #[serde(default)]
    pub deletions: f64,
    #[serde(default, deserialize_with = "lenient_status")]
    pub status: FileStatus,
}

impl FileChange {
    /// Lines added, as a whole number (a count the server sends as a JSON number).
    pub fn added(&self) -> u64 {
        count(self.additions)
    }

    /// Lines removed.
    pub fn removed(&self) -> u64 {
        count(self.deletions)
    }
}

/// One file a turn changed, with its patch (`SnapshotFileDiff`): a unified diff of the whole
/// file (the server sends every line as context), or an empty patch for a change it cannot
/// show as text (a binary file).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileDiff {
    #[serde(flatten)]
    pub change: FileChange,
    #[serde(default)]
    pub patch: String,
}

fn count(n: f64) -> u64 {
    if n.is_finite() && n > 0.0 {
        n as u64
    } else {
        0
    }
}

/// What a user message's turn did (`summary` on a user message): the files its replies
/// changed. Present once the turn has run; empty for a turn that changed nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TurnSummary {
    #[serde(default)]
    pub diffs: Vec<FileChange>,
}

/// Reads a user message's `summary`; a shape this client does not understand reads as none,
/// so it never costs the message itself.
pub(super) fn lenient_summary<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<TurnSummary>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(value.and_then(|v| serde_json::from_value(v).ok()))
}

/// The repository of a directory (`GET /vcs`): a branch when it is a git repository.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VcsInfo {
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default)]
    pub default_branch: Option<String>,
}

impl VcsInfo {
    /// Is the directory in a git repository? (The server answers no branch elsewhere.)
    pub fn is_git(&self) -> bool {
        self.branch.as_deref().is_some_and(|b| !b.is_empty())
    }
}

/// A git worktree the server made (`POST /experimental/worktree`): its name, its branch, and
/// the directory it lives in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Worktree {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub branch: String,
    #[serde(default)]
    pub directory: String,
}

/// Where an instance of the server works (`GET /path`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PathInfo {
    #[serde(default)]
    pub directory: String,
    #[serde(default)]
    pub worktree: String,
}

/// A file or folder in a listing (`GET /file?path=`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileNode {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub path: String,
    /// Where it is on the server's disk.
    #[serde(default)]
    pub absolute: String,
    #[serde(default, rename = "type")]
    pub kind: String,
}

/// A file's content (`GET /file/content`): text, or base64 for a binary file. The server
/// leaves off the text's final newline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileContent {
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub content: String,
}

impl FileContent {
    pub fn is_binary(&self) -> bool {
        self.kind == "binary"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_turns_diff_as_the_server_sends_it() {
        // From opencode 1.18.33: a turn that added, modified and deleted files, and a binary.
        let diffs: Vec<FileDiff> = serde_json::from_value(json!([
            {"file":"a.txt","patch":"Index: a.txt\n===\n--- a.txt\t\n+++ a.txt\t\n@@ -0,0 +1,1 @@\n+a\n","additions":1,"deletions":0,"status":"added"},
            {"file":"n.txt","patch":"","additions":0,"deletions":1,"status":"deleted"},
            {"file":"bin.dat","patch":"","additions":0,"deletions":0,"status":"added"},
            {"file":"odd","additions":2,"deletions":1,"status":"renamed"},
            {"file":"bare","additions":1,"deletions":0}
        ]))
        .unwrap();
        let statuses: Vec<FileStatus> = diffs.iter().map(|d| d.change.status).collect();
        assert_eq!(
            statuses,
            [
                FileStatus::Added,
                FileStatus::Deleted,
                FileStatus::Added,
                FileStatus::Modified,
                FileStatus::Modified
            ]
        );
        assert_eq!(diffs[0].change.added(), 1);
        assert_eq!(diffs[3].patch, "");
    }

    #[test]
    fn a_summary_keeps_counts_not_patches_and_never_fails() {
        let summary: TurnSummary = serde_json::from_value(json!({
            "title": "t",
            "diffs": [{"file":"a.txt","patch":"@@ -1 +1 @@\n-a\n+b\n","additions":1,"deletions":1,"status":"modified"}]
        }))
        .unwrap();
        assert_eq!(summary.diffs[0].file, "a.txt");
        assert!(!serde_json::to_string(&summary).unwrap().contains("@@"));
        #[derive(Deserialize)]
        struct Holder {
            #[serde(default, deserialize_with = "lenient_summary")]
            summary: Option<TurnSummary>,
        }
        let odd: Holder = serde_json::from_value(json!({"summary": {"diffs": "nope"}})).unwrap();
        assert_eq!(odd.summary, None);
        let negative = FileChange {
            additions: -3.0,
            deletions: f64::NAN,
            ..FileChange::default()
        };
        assert_eq!((negative.added(), negative.removed()), (0, 0));
    }

    #[test]
    fn git_or_not() {
        let git: VcsInfo =
            serde_json::from_value(json!({"branch":"main","default_branch":"main"})).unwrap();
        assert!(git.is_git());
        let none: VcsInfo = serde_json::from_value(json!({})).unwrap();
        assert!(!none.is_git());
    }
}
