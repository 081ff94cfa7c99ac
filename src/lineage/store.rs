//! The lineage in localStorage: a versioned JSON document, written only through this module.
//! Every write merges with what is stored (another tab may have forked meanwhile); corrupted
//! data is set aside under a backup key instead of being lost; when storage is full, cached
//! excerpts are trimmed before any edge would be.

use serde::{Deserialize, Serialize};

use super::graph::{Edge, Lineage};
use crate::storage::{self, Area};

/// Where the lineage lives.
pub const KEY: &str = "branchpoint.lineage";
/// The schema version this build writes.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Document {
    version: u32,
    edges: Vec<Edge>,
}

/// Reads a stored lineage. Version 1 is a `{version, edges}` document; a bare array of edges
/// (version 0) is migrated.
pub fn decode(raw: &str) -> Result<Lineage, String> {
    let value: serde_json::Value =
        serde_json::from_str(raw).map_err(|e| format!("not JSON: {e}"))?;
    let edges = match &value {
        serde_json::Value::Array(_) => serde_json::from_value::<Vec<Edge>>(value),
        serde_json::Value::Object(map) => {
            let version = map
                .get("version")
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0);
            if version > u64::from(VERSION) {
                return Err(format!("written by a newer Branchpoint (schema {version})"));
            }
            serde_json::from_value::<Document>(value).map(|d| d.edges)
        }
        _ => return Err("not a lineage document".into()),
    }
    .map_err(|e| format!("unreadable edges: {e}"))?;
    Ok(Lineage { edges })
}

/// Writes a lineage as the current schema.
pub fn encode(lineage: &Lineage) -> String {
    let document = Document {
        version: VERSION,
        edges: lineage.edges.clone(),
    };
    serde_json::to_string(&document).unwrap_or_default()
}

/// A lineage read from storage, and what the user should be told about it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loaded {
    pub lineage: Lineage,
    pub warning: Option<String>,
}

/// Reads the lineage. Unreadable data is copied to a backup key (and the user told) instead of
/// being overwritten later.
pub fn load() -> Loaded {
    let Some(raw) = storage::get(Area::Local, KEY) else {
        return Loaded::default();
    };
    match decode(&raw) {
        Ok(lineage) => Loaded {
            lineage,
            warning: None,
        },
        Err(problem) => {
            let backup = format!("{KEY}.backup-{}", crate::platform::now_ms() as u64);
            let kept = storage::set(Area::Local, &backup, &raw).is_ok();
            storage::remove(Area::Local, KEY);
            let whereto = if kept {
                format!("It was kept under “{backup}”.")
            } else {
                "It could not be backed up.".into()
            };
            Loaded {
                lineage: Lineage::default(),
                warning: Some(format!(
                    "The stored fork lineage could not be read ({problem}). {whereto}"
                )),
            }
        }
    }
}

/// Adds `edge` to the stored lineage (merged with what another tab may have written) and
/// returns the lineage now stored. When storage is full, excerpts are trimmed, then dropped,
/// before giving up; the error says what happened.
pub fn record(edge: Edge) -> Result<Lineage, String> {
    update(|lineage| lineage.add(edge.clone()))
}

/// Applies `change` to the stored lineage and writes it back, merging first.
pub fn update(change: impl Fn(&mut Lineage)) -> Result<Lineage, String> {
    let mut lineage = load().lineage;
    change(&mut lineage);
    write(&mut lineage)?;
    Ok(lineage)
}

/// Merges a lineage exported from this or another browser into the stored one. Returns the
/// lineage now stored and how many edges were new. A file that is not a lineage (or is from a
/// newer Branchpoint) is refused with the reason, and nothing is changed.
pub fn import(raw: &str) -> Result<(Lineage, usize), String> {
    let incoming = decode(raw)
        .map_err(|problem| format!("This file is not a Branchpoint lineage: {problem}."))?;
    let mut lineage = load().lineage;
    let before = lineage.edges.len();
    lineage.merge(&incoming);
    let added = lineage.edges.len() - before;
    write(&mut lineage)?;
    Ok((lineage, added))
}

fn write(lineage: &mut Lineage) -> Result<(), String> {
    let mut last = String::new();
    for limit in [usize::MAX, 24, 0] {
        for edge in &mut lineage.edges {
            if edge.excerpt.chars().count() > limit {
                edge.excerpt = crate::fork::excerpt(&edge.excerpt, limit);
                if limit == 0 {
                    edge.excerpt.clear();
                }
            }
        }
        match storage::set(Area::Local, KEY, &encode(lineage)) {
            Ok(()) => return Ok(()),
            Err(problem) => last = problem,
        }
    }
    Err(format!(
        "The fork could not be recorded in this browser: {last}."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fork::ForkKind;

    fn edge(child: &str, parent: &str) -> Edge {
        Edge {
            child: child.into(),
            parent: parent.into(),
            anchor: Some("msg_1".into()),
            role: None,
            excerpt: "an excerpt".into(),
            kind: ForkKind::Through,
            created: 1.0,
            parent_title: "P".into(),
            child_title: "C".into(),
            server: "http://127.0.0.1:4096".into(),
            directory: String::new(),
        }
    }

    #[test]
    fn round_trip_and_migration_from_a_bare_array() {
        let mut lineage = Lineage::default();
        lineage.add(edge("ses_b", "ses_a"));
        let raw = encode(&lineage);
        assert!(raw.starts_with("{\"version\":1,"));
        assert_eq!(decode(&raw).unwrap(), lineage);
        let v0 = serde_json::to_string(&lineage.edges).unwrap();
        assert_eq!(decode(&v0).unwrap(), lineage);
    }

    #[test]
    fn refuses_garbage_and_newer_schemas() {
        assert!(decode("{not json").is_err());
        assert!(decode("42").is_err());
        assert!(decode(r#"{"version":1,"edges":[{"child":1}]}"#).is_err());
        assert!(decode(r#"{"version":99,"edges":[]}"#)
            .unwrap_err()
            .contains("newer"));
    }

    #[test]
    fn corrupted_storage_is_backed_up_not_lost() {
        storage::set(Area::Local, KEY, "{broken").unwrap();
        let loaded = load();
        assert!(loaded.lineage.edges.is_empty());
        let warning = loaded.warning.unwrap();
        assert!(warning.contains("could not be read"), "{warning}");
        let backup = warning
            .split('“')
            .nth(1)
            .unwrap()
            .split('”')
            .next()
            .unwrap()
            .to_owned();
        assert_eq!(
            storage::get(Area::Local, &backup).as_deref(),
            Some("{broken")
        );
        assert_eq!(storage::get(Area::Local, KEY), None);
    }

    #[test]
    fn record_merges_with_what_another_tab_wrote() {
        storage::remove(Area::Local, KEY);
        record(edge("ses_b", "ses_a")).unwrap();
        // Another tab writes its own edge directly.
        let mut theirs = load().lineage;
        theirs.add(edge("ses_c", "ses_a"));
        storage::set(Area::Local, KEY, &encode(&theirs)).unwrap();
        let mine = record(edge("ses_d", "ses_b")).unwrap();
        let children: Vec<&str> = mine.edges.iter().map(|e| e.child.as_str()).collect();
        assert_eq!(children, ["ses_b", "ses_c", "ses_d"]);
    }

    #[test]
    fn a_full_storage_trims_excerpts_before_edges() {
        storage::remove(Area::Local, KEY);
        let mut long = edge("ses_b", "ses_a");
        long.excerpt = "x".repeat(400);
        record(long).unwrap();
        let used = storage::get(Area::Local, KEY).unwrap().len();
        storage::set_quota(used + 50);
        let result = record(edge("ses_c", "ses_a"));
        storage::set_quota(usize::MAX);
        let lineage = result.expect("the edge still fits once excerpts are trimmed");
        assert_eq!(lineage.edges.len(), 2);
        let lengths: Vec<usize> = lineage
            .edges
            .iter()
            .map(|e| e.excerpt.chars().count())
            .collect();
        assert!(lengths.iter().all(|&n| n <= 25), "{lengths:?} used {used}");
        storage::set_quota(10);
        let full = record(edge("ses_d", "ses_a"));
        storage::set_quota(usize::MAX);
        assert!(full.unwrap_err().contains("could not be recorded"));
    }

    #[test]
    fn import_merges_without_duplicates_and_refuses_bad_files() {
        storage::remove(Area::Local, KEY);
        record(edge("ses_b", "ses_a")).unwrap();
        let mut exported = load().lineage;
        exported.add(edge("ses_c", "ses_a"));
        let (lineage, added) = import(&encode(&exported)).unwrap();
        assert_eq!((lineage.edges.len(), added), (2, 1));
        let (_, again) = import(&encode(&exported)).unwrap();
        assert_eq!(again, 0, "importing twice adds nothing");
        let refused = import("{\"hello\": 1}").unwrap_err();
        assert!(
            refused.starts_with("This file is not a Branchpoint lineage"),
            "{refused}"
        );
        assert_eq!(
            load().lineage.edges.len(),
            2,
            "a refused file changes nothing"
        );
    }
}
