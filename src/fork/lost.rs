//! Finding a fork whose answer was lost: `POST /fork` is never re-sent (that could make two),
//! so the server's sessions are searched for the one it made.

use crate::api::Session;
use crate::lineage::LineageGraph;

/// The fork the server made of `source` although its answer never came: the one session
/// titled as the server titles forks of it (`… (fork #N)`), made no earlier than the newest
/// message it copied (`newest`, server time) and not yet in the lineage. With none, or more
/// than one, it does not guess.
pub fn find_lost_fork(
    sessions: &[Session],
    source: &Session,
    newest: f64,
    known: &LineageGraph,
) -> Option<Session> {
    match lost_fork_candidates(sessions, source, newest, known)[..] {
        [found] => Some(found.clone()),
        _ => None,
    }
}

/// Every session that could be the fork [`find_lost_fork`] looks for.
pub(super) fn lost_fork_candidates<'a>(
    sessions: &'a [Session],
    source: &Session,
    newest: f64,
    known: &LineageGraph,
) -> Vec<&'a Session> {
    let prefix = format!("{} (fork #", source.title);
    sessions
        .iter()
        .filter(|s| {
            s.id != source.id
                && s.title.starts_with(&prefix)
                && s.time.created >= newest
                && known.parent_of(&s.id).is_none()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineage::{Edge, ForkKind};

    fn session(id: &str, title: &str, created: f64) -> Session {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": title, "time": {"created": created, "updated": created}
        }))
        .unwrap()
    }

    #[test]
    fn a_lost_fork_is_found_only_when_there_is_no_doubt() {
        let source = session("ses_src", "Plan", 1.0);
        let fork = session("ses_new", "Plan (fork #2)", 50.0);
        let older = session("ses_old", "Plan (fork #1)", 5.0);
        let other = session("ses_oth", "Planning (fork #1)", 60.0);
        let none = LineageGraph::default();
        let all = vec![source.clone(), fork.clone(), older.clone(), other];
        assert_eq!(
            find_lost_fork(&all, &source, 10.0, &none).map(|s| s.id),
            Some("ses_new".to_owned())
        );
        // Two that could be it: no guess.
        let twin = session("ses_twn", "Plan (fork #3)", 55.0);
        let mut both = all.clone();
        both.push(twin);
        assert_eq!(find_lost_fork(&both, &source, 10.0, &none), None);
        // One already recorded as a fork is not it.
        let mut known = LineageGraph::default();
        known.add(Edge {
            role: None,
            kind: ForkKind::Whole,
            parent_title: "Plan".into(),
            child_title: "Plan (fork #2)".into(),
            ..crate::lineage::graph::tests::edge("ses_new", "ses_src", None, 1.0)
        });
        assert_eq!(find_lost_fork(&all, &source, 10.0, &known), None);
        // Nothing made since the newest message: nothing found.
        assert_eq!(find_lost_fork(&all, &source, 100.0, &none), None);
    }
}
