//! The lineage as a branch map, laid out (pure): one lane per session, top to bottom in
//! message order; a fork leaves its source's lane at the message it was made at (how many
//! messages it copied) and its own lane ends at its last known message count. Trees are
//! stacked, most recently active first; within one, each session has a column of its own,
//! forks to the right of their source, in the order they leave it. Also what the keyboard does
//! on the map ([`MapLayout::step`]) and what a search finds ([`MapLayout::search`]).

use std::collections::HashMap;

use super::graph::{Edge, ForkKind, LineageGraph};

/// Sizes of the drawing, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// The width of one lane's column (a node's label fits in it).
    pub lane: f64,
    /// The height of one step between two message counts that differ by one.
    pub row: f64,
}

impl Scale {
    /// On a wide screen.
    pub const WIDE: Scale = Scale {
        lane: 190.0,
        row: 64.0,
    };
    /// Below 600 px: lanes compress.
    pub const NARROW: Scale = Scale {
        lane: 128.0,
        row: 60.0,
    };
}

/// Room above a tree's first row (for its root's label) and between trees.
const TREE_TOP: f64 = 28.0;
const TREE_GAP: f64 = 36.0;
/// A step between message counts grows slowly with how many messages it spans: longer lanes
/// for longer sessions, without a 1,000-message session running off the map.
const MAX_STEPS: f64 = 4.0;
/// How far below the fork point a fork's own lane begins, in rows.
const FORK_DROP: f64 = 0.5;
/// A fork leaves its source's lane at least this far (in rows) below the source's label.
const LABEL_CLEAR: f64 = 0.55;

/// One session on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapNode {
    pub session: String,
    pub title: String,
    /// Which tree (index into [`MapLayout::trees`]).
    pub tree: usize,
    /// The source it was forked from (index into [`MapLayout::nodes`]); `None` for a root.
    pub parent: Option<usize>,
    /// Its forks, in the order they leave its lane (top to bottom, then oldest first).
    pub children: Vec<usize>,
    pub depth: usize,
    /// The lane's x (its line), and the top and bottom of the lane.
    pub x: f64,
    pub top: f64,
    pub bottom: f64,
    /// Where the fork leaves its source's lane (the line from there comes down to `top`).
    pub fork_y: f64,
    /// Where its lane begins, in its source's messages (0 for a root), and where it ends:
    /// its last known message count (or where its last fork leaves, if more).
    pub first: u32,
    pub last: u32,
    /// Whether `last` is a count seen, not a guess.
    pub counted: bool,
    /// The edge that made it (`None` for a root).
    pub edge: Option<Edge>,
    pub deleted: bool,
    pub from_server: bool,
    pub disputed: bool,
    /// Its last activity seen on the server (ms), if any.
    pub active: Option<f64>,
    /// The first of the forks made at the same point of the same source (itself if none):
    /// siblings share it.
    pub group: usize,
}

/// One tree: its root and the part of the map it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeBand {
    pub root: usize,
    pub top: f64,
    pub bottom: f64,
    /// How many lanes wide it is.
    pub lanes: usize,
}

/// The whole map.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapLayout {
    pub nodes: Vec<MapNode>,
    pub trees: Vec<TreeBand>,
    pub width: f64,
    pub height: f64,
    pub scale: Option<Scale>,
    index: HashMap<String, usize>,
}

/// A key that moves the focus on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Down the lane: into the focused session's first fork, else the next fork point of the
    /// lane it left (then of the lanes above it).
    Down,
    /// Up the lane: the previous fork point of the lane it left, else that lane's session.
    Up,
    /// The next fork made at the same point (a sibling).
    Right,
    /// The previous sibling.
    Left,
    /// The tree's root.
    Home,
    /// The tree's newest branch.
    End,
}

/// A rectangle of the drawing (the part in view).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct View {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

impl LineageGraph {
    /// The branch map of every tree, most recently active first. Linear in the number of
    /// sessions (plus sorting), so thousands lay out at once. Cycles (a hand-edited file) and
    /// missing sources lay out like the list does: each session once.
    pub fn map_layout(&self, scale: Scale) -> MapLayout {
        let rows = self.trees();
        let mut nodes: Vec<MapNode> = Vec::with_capacity(rows.len());
        let mut trees: Vec<TreeBand> = Vec::new();
        // The trees' rows come depth first: a session's source is the last one a level up.
        let mut path: Vec<usize> = Vec::new();
        for row in rows {
            if row.depth == 0 {
                trees.push(TreeBand {
                    root: nodes.len(),
                    top: 0.0,
                    bottom: 0.0,
                    lanes: 0,
                });
                path.clear();
            }
            path.truncate(row.depth);
            let parent = path.last().copied();
            let i = nodes.len();
            if let Some(p) = parent {
                nodes[p].children.push(i);
            }
            path.push(i);
            nodes.push(MapNode {
                session: row.session.clone(),
                title: row.title,
                tree: trees.len().saturating_sub(1),
                parent,
                children: Vec::new(),
                depth: row.depth,
                x: 0.0,
                top: 0.0,
                bottom: 0.0,
                fork_y: 0.0,
                first: 0,
                last: 0,
                counted: false,
                edge: row.edge,
                deleted: row.deleted,
                from_server: row.from_server,
                disputed: row.disputed,
                active: self.active.get(&row.session).copied(),
                group: i,
            });
        }
        let mut layout = MapLayout {
            index: nodes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.session.clone(), i))
                .collect(),
            nodes,
            trees,
            width: 0.0,
            height: 0.0,
            scale: Some(scale),
        };
        layout.place(self, scale);
        layout
    }
}

impl MapLayout {
    /// Message counts, columns and heights, tree by tree.
    fn place(&mut self, lineage: &LineageGraph, scale: Scale) {
        let count = |session: &str| lineage.messages.get(session).copied();
        // Where each lane begins and ends, in messages; parents come before their forks.
        for i in 0..self.nodes.len() {
            let first = match self.nodes[i].parent {
                None => 0,
                Some(p) => {
                    let parent = &self.nodes[p];
                    let leaves = lineage
                        .fork_at
                        .get(&self.nodes[i].session)
                        .copied()
                        .or_else(|| count(&parent.session))
                        .unwrap_or(parent.first + 1);
                    leaves.max(parent.first)
                }
            };
            let own = count(&self.nodes[i].session);
            let node = &mut self.nodes[i];
            node.first = first;
            node.counted = own.is_some();
            node.last = own.unwrap_or(first + 1).max(first);
        }
        // A lane reaches at least to where its last fork leaves it.
        for i in (0..self.nodes.len()).rev() {
            if let Some(p) = self.nodes[i].parent {
                let leaves = self.nodes[i].first;
                let parent = &mut self.nodes[p];
                parent.last = parent.last.max(leaves);
            }
        }
        // Forks in the order they leave their source's lane; siblings at one point grouped.
        for i in 0..self.nodes.len() {
            let mut children = std::mem::take(&mut self.nodes[i].children);
            children.sort_by(|&a, &b| {
                let (a, b) = (&self.nodes[a], &self.nodes[b]);
                let created = |n: &MapNode| n.edge.as_ref().map_or(0.0, |e| e.created);
                a.first
                    .cmp(&b.first)
                    .then(created(a).total_cmp(&created(b)))
            });
            let mut group_start: Option<usize> = None;
            for (k, &c) in children.iter().enumerate() {
                let same = k > 0 && self.same_point(children[k - 1], c);
                if !same {
                    group_start = Some(c);
                }
                self.nodes[c].group = group_start.unwrap_or(c);
            }
            self.nodes[i].children = children;
        }
        let mut top = 0.0;
        let mut width: f64 = 0.0;
        for t in 0..self.trees.len() {
            let root = self.trees[t].root;
            // Columns: depth first, forks right after their source.
            let mut column = 0usize;
            let mut stack = vec![root];
            while let Some(i) = stack.pop() {
                self.nodes[i].x = column as f64 * scale.lane + 12.0;
                column += 1;
                stack.extend(self.nodes[i].children.iter().rev());
            }
            // Rows: every message count where a lane begins or ends, spaced by how far apart.
            let members = self.members(root);
            let mut counts: Vec<u32> = members
                .iter()
                .flat_map(|&i| [self.nodes[i].first, self.nodes[i].last])
                .collect();
            counts.sort_unstable();
            counts.dedup();
            let mut y_of: HashMap<u32, f64> = HashMap::with_capacity(counts.len());
            let mut y = top + TREE_TOP;
            let mut previous: Option<u32> = None;
            for n in counts {
                if let Some(p) = previous {
                    let apart = f64::from(n - p).max(1.0);
                    y += scale.row * (1.0 + apart.log2() / 2.0).min(MAX_STEPS);
                }
                y_of.insert(n, y);
                previous = Some(n);
            }
            let mut bottom = top + TREE_TOP;
            // Sources come before their forks in `members`.
            for &i in &members {
                let at = y_of.get(&self.nodes[i].first).copied().unwrap_or(bottom);
                let (fork_y, lane_top) = match self.nodes[i].parent {
                    None => (at, at),
                    // Out of the source's lane (below its own start) and down into this one,
                    // so a fork's label never sits on its source's line.
                    Some(p) => {
                        let from = at.max(self.nodes[p].top + scale.row * LABEL_CLEAR);
                        (from, from + scale.row * FORK_DROP)
                    }
                };
                let node = &mut self.nodes[i];
                node.fork_y = fork_y;
                node.top = lane_top;
                // A lane with no messages of its own yet still shows as one.
                let end = y_of.get(&node.last).copied().unwrap_or(lane_top);
                node.bottom = end.max(lane_top + scale.row * 0.6);
                bottom = bottom.max(node.bottom);
            }
            bottom += scale.row / 2.0;
            let band = &mut self.trees[t];
            band.top = top;
            band.bottom = bottom;
            band.lanes = column;
            width = width.max(column as f64 * scale.lane + 24.0);
            top = bottom + TREE_GAP;
        }
        self.width = width;
        self.height = (top - TREE_GAP).max(0.0);
    }

    /// Do two forks leave their source at the same point (siblings)?
    fn same_point(&self, a: usize, b: usize) -> bool {
        match (&self.nodes[a].edge, &self.nodes[b].edge) {
            (Some(x), Some(y)) => x.same_point(y),
            _ => false,
        }
    }

    /// The sessions of the tree rooted at `root`, depth first.
    pub fn members(&self, root: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            out.push(i);
            stack.extend(self.nodes[i].children.iter().rev());
        }
        out
    }

    /// The node of `session`, if the map has it.
    pub fn find(&self, session: &str) -> Option<usize> {
        self.index.get(session).copied()
    }

    /// The forks made at the same point as `i` (itself included), oldest first.
    pub fn siblings(&self, i: usize) -> Vec<usize> {
        let group = self.nodes[i].group;
        match self.nodes[i].parent {
            None => vec![i],
            Some(p) => self.nodes[p]
                .children
                .iter()
                .copied()
                .filter(|&c| self.nodes[c].group == group)
                .collect(),
        }
    }

    /// Where the focus goes from `i` on `step`; `None` when it stays.
    pub fn step(&self, i: usize, step: Step) -> Option<usize> {
        let node = self.nodes.get(i)?;
        match step {
            Step::Down => {
                if let Some(&first) = node.children.first() {
                    return Some(first);
                }
                let mut at = i;
                while let Some(p) = self.nodes[at].parent {
                    let group = self.nodes[at].group;
                    let next = self.nodes[p]
                        .children
                        .iter()
                        .copied()
                        .skip_while(|&c| self.nodes[c].group != group)
                        .find(|&c| self.nodes[c].group != group);
                    if next.is_some() {
                        return next;
                    }
                    at = p;
                }
                None
            }
            Step::Up => {
                let p = node.parent?;
                let group = node.group;
                let before = self.nodes[p]
                    .children
                    .iter()
                    .copied()
                    .take_while(|&c| self.nodes[c].group != group)
                    .last();
                Some(before.map_or(p, |b| self.nodes[b].group))
            }
            Step::Right | Step::Left => {
                let siblings = self.siblings(i);
                let k = siblings.iter().position(|&s| s == i)?;
                let to = if step == Step::Right {
                    k.checked_add(1)
                } else {
                    k.checked_sub(1)
                };
                to.and_then(|t| siblings.get(t).copied())
            }
            Step::Home => {
                let root = self.trees.get(node.tree)?.root;
                (root != i).then_some(root)
            }
            Step::End => {
                let root = self.trees.get(node.tree)?.root;
                let newest = self
                    .members(root)
                    .into_iter()
                    .max_by(|&a, &b| self.newness(a).total_cmp(&self.newness(b)))?;
                (newest != i).then_some(newest)
            }
        }
    }

    /// How new a branch is: when it was forked, or last active, whichever is later.
    fn newness(&self, i: usize) -> f64 {
        let node = &self.nodes[i];
        let forked = node.edge.as_ref().map_or(f64::MIN, |e| e.created);
        forked.max(node.active.unwrap_or(f64::MIN))
    }

    /// The nodes whose lane or label is inside `view` (grown by `margin` on every side), in map
    /// order: all that needs drawing. A fork line that crosses the view on its way to a fork
    /// out of sight is drawn by the nearest such fork of its source (the lines of a fan of
    /// forks overlap), so a tree 200 forks wide draws the few lanes in view, not 200 lines.
    pub fn visible(&self, view: View, margin: f64) -> Vec<usize> {
        let lane = self.scale.map_or(Scale::WIDE.lane, |s| s.lane);
        let (left, right) = (view.left - margin, view.left + view.width + margin);
        let (top, bottom) = (view.top - margin, view.top + view.height + margin);
        let mut shown = vec![false; self.nodes.len()];
        // Per source, the nearest fork whose line crosses the view (beyond its right edge).
        let mut crossing: HashMap<usize, usize> = HashMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            let (above, below) = (node.top - 24.0, node.bottom + 8.0);
            let in_rows = below >= top && above <= bottom;
            if in_rows && node.x + lane >= left && node.x - lane * 0.1 <= right {
                shown[i] = true;
                continue;
            }
            let Some(p) = node.parent else {
                continue;
            };
            let from = self.nodes[p].x;
            let line_in_rows = node.fork_y >= top && node.fork_y <= bottom;
            if line_in_rows && from.min(node.x) <= right && from.max(node.x) >= left {
                let nearer = crossing.get(&p).is_none_or(|&other| {
                    (self.nodes[other].x - from).abs() > (node.x - from).abs()
                });
                if nearer {
                    crossing.insert(p, i);
                }
            }
        }
        for i in crossing.into_values() {
            shown[i] = true;
        }
        (0..self.nodes.len()).filter(|&i| shown[i]).collect()
    }

    /// The sessions whose title, fork point, label or note hold every word of `query`
    /// (case aside), in map order. An empty query finds nothing.
    pub fn search(&self, lineage: &LineageGraph, query: &str) -> Vec<usize> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return Vec::new();
        }
        (0..self.nodes.len())
            .filter(|&i| {
                let node = &self.nodes[i];
                let mut text = node.title.to_lowercase();
                if let Some(edge) = &node.edge {
                    text.push('\n');
                    text.push_str(&edge.excerpt.to_lowercase());
                }
                if let Some(note) = lineage.note_of(&node.session) {
                    text.push('\n');
                    text.push_str(&note.label.to_lowercase());
                    text.push('\n');
                    text.push_str(&note.note.to_lowercase());
                }
                words.iter().all(|w| text.contains(w.as_str()))
            })
            .collect()
    }
}

/// How a fork's kind is told on the map and in the list: a mark and a word (never the mark
/// alone).
pub fn kind_mark(edge: Option<&Edge>) -> (&'static str, &'static str) {
    let Some(edge) = edge else {
        return ("●", "source");
    };
    if edge.discovered {
        return ("◌", "discovered");
    }
    let mark = match edge.kind {
        ForkKind::Through => "○",
        ForkKind::Before => "◇",
        ForkKind::Whole => "□",
        ForkKind::Worktree => "⬡",
        ForkKind::Undo => "△",
    };
    (mark, edge.kind.label())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lineage::graph::tests::edge;

    /// a ─┬─ b (at 2) ── d (at 3)
    ///    ├─ c (at 2, a sibling of b)
    ///    └─ e (at 4)
    /// x ── y (copy of the whole, newest)
    fn lineage() -> LineageGraph {
        let mut l = LineageGraph::default();
        l.add(edge("b", "a", Some("m2"), 2.0));
        l.add(edge("c", "a", Some("m2"), 3.0));
        l.add(edge("e", "a", Some("m4"), 4.0));
        l.add(edge("d", "b", Some("m3"), 5.0));
        let mut whole = edge("y", "x", None, 1.0);
        whole.kind = ForkKind::Whole;
        l.add(whole);
        for (s, at) in [("b", 2), ("c", 2), ("e", 4), ("d", 3)] {
            l.fork_at.insert(s.into(), at);
        }
        for (s, n) in [("a", 6), ("b", 5), ("c", 2), ("d", 9), ("e", 4), ("x", 3)] {
            l.messages.insert(s.into(), n);
        }
        l.set_active("y", 100.0);
        l
    }

    fn id(map: &MapLayout, s: &str) -> usize {
        map.find(s).unwrap()
    }

    fn name(map: &MapLayout, i: Option<usize>) -> Option<&str> {
        i.map(|i| map.nodes[i].session.as_str())
    }

    #[test]
    fn lanes_begin_at_their_fork_point_and_end_at_their_count() {
        let map = lineage().map_layout(Scale::WIDE);
        // The tree with the latest activity first: x (y was active at 100).
        assert_eq!(map.trees.len(), 2);
        assert_eq!(map.nodes[map.trees[0].root].session, "x");
        assert_eq!(map.nodes[map.trees[1].root].session, "a");
        let (a, b, c, d, e) = (
            id(&map, "a"),
            id(&map, "b"),
            id(&map, "c"),
            id(&map, "d"),
            id(&map, "e"),
        );
        let n = |i: usize| &map.nodes[i];
        assert_eq!((n(a).first, n(a).last), (0, 6));
        assert_eq!((n(b).first, n(b).last), (2, 5));
        assert_eq!((n(d).first, n(d).last), (3, 9));
        // Forks leave a's lane where they were made, in that order; b and c are siblings.
        assert_eq!(n(a).children, [b, c, e]);
        assert_eq!(n(b).group, b);
        assert_eq!(n(c).group, b);
        assert_eq!(n(e).group, e);
        assert_eq!(n(b).top, n(c).top, "siblings leave at one height");
        assert!(n(b).top < n(e).top && n(e).top < n(a).bottom);
        assert!(n(d).bottom > n(b).bottom, "more messages, a longer lane");
        assert!(n(b).top > n(a).top);
        // Columns: depth first, forks to the right of their source.
        let col = |i: usize| n(i).x;
        assert!(col(a) < col(b) && col(b) < col(d) && col(d) < col(c) && col(c) < col(e));
        assert_eq!(map.trees[1].lanes, 5);
        // Trees are stacked; nothing overlaps.
        assert!(map.trees[0].bottom < map.trees[1].top);
        assert!(map.width >= 5.0 * Scale::WIDE.lane);
        assert_eq!(map.height, map.trees[1].bottom);
    }

    #[test]
    fn unknown_counts_and_fork_points_still_lay_out() {
        let mut l = LineageGraph::default();
        l.add(edge("b", "a", None, 1.0));
        l.add(edge("c", "a", None, 2.0));
        l.messages.insert("a".into(), 7);
        let map = l.map_layout(Scale::NARROW);
        let (a, b) = (id(&map, "a"), id(&map, "b"));
        // A fork whose point is unknown leaves at its source's end.
        assert_eq!(map.nodes[b].first, 7);
        assert!(!map.nodes[b].counted && map.nodes[a].counted);
        assert_eq!(map.nodes[b].last, 8);
        // A source with no count reaches at least where its forks leave.
        let mut l = LineageGraph::default();
        l.add(edge("b", "a", None, 1.0));
        l.fork_at.insert("b".into(), 5);
        let map = l.map_layout(Scale::WIDE);
        assert_eq!(map.nodes[id(&map, "a")].last, 5);
    }

    #[test]
    fn cycles_and_missing_sources_survive() {
        let mut l = LineageGraph::default();
        l.add(edge("p", "q", None, 1.0));
        l.add(edge("q", "p", None, 2.0));
        l.add(edge("r", "q", None, 3.0));
        // A fork whose source is known nowhere else: the source is still its tree's root.
        l.add(edge("orphan", "gone", None, 4.0));
        let map = l.map_layout(Scale::WIDE);
        let mut sessions: Vec<&str> = map.nodes.iter().map(|n| n.session.as_str()).collect();
        sessions.sort();
        assert_eq!(sessions, ["gone", "orphan", "p", "q", "r"], "each once");
        for node in &map.nodes {
            assert!(node.top.is_finite() && node.bottom >= node.top, "{node:?}");
        }
    }

    #[test]
    fn the_keyboard_walks_lanes_and_siblings() {
        let map = lineage().map_layout(Scale::WIDE);
        let at = |s: &str| id(&map, s);
        let go = |s: &str, step| name(&map, map.step(at(s), step));
        // Down a's lane: b (its first fork point), into b's lane: d; out again to e.
        assert_eq!(go("a", Step::Down), Some("b"));
        assert_eq!(go("b", Step::Down), Some("d"));
        assert_eq!(
            go("d", Step::Down),
            Some("e"),
            "back on a's lane, the next fork point"
        );
        assert_eq!(
            go("c", Step::Down),
            Some("e"),
            "siblings are one fork point"
        );
        assert_eq!(go("e", Step::Down), None, "the end of the tree");
        // Up: the previous fork point, then the lane's own session.
        assert_eq!(go("e", Step::Up), Some("b"));
        assert_eq!(go("c", Step::Up), Some("a"));
        assert_eq!(go("d", Step::Up), Some("b"));
        assert_eq!(go("a", Step::Up), None);
        // Across the forks made at one point.
        assert_eq!(go("b", Step::Right), Some("c"));
        assert_eq!(go("c", Step::Right), None);
        assert_eq!(go("c", Step::Left), Some("b"));
        assert_eq!(go("e", Step::Right), None);
        // The tree's root and its newest branch.
        assert_eq!(go("d", Step::Home), Some("a"));
        assert_eq!(go("a", Step::Home), None);
        assert_eq!(go("a", Step::End), Some("d"), "forked last");
        assert_eq!(go("x", Step::End), Some("y"));
    }

    #[test]
    fn only_what_is_in_view_is_drawn() {
        let mut l = LineageGraph::default();
        // One tree 200 forks wide, and 4,800 forks in long chains.
        for i in 0..200 {
            l.edges
                .push(edge(&format!("w{i}"), "wide", None, f64::from(i)));
        }
        for i in 0..4800 {
            let parent = if i % 10 == 0 {
                format!("root{}", i / 10)
            } else {
                format!("s{}", i - 1)
            };
            l.edges
                .push(edge(&format!("s{i}"), &parent, None, 1000.0 + f64::from(i)));
        }
        let map = l.map_layout(Scale::WIDE);
        assert_eq!(map.nodes.len(), 200 + 1 + 4800 + 480);
        let wide = map
            .trees
            .iter()
            .find(|t| map.nodes[t.root].session == "wide")
            .unwrap();
        assert_eq!(wide.lanes, 201);
        assert!(
            map.width > 200.0 * Scale::WIDE.lane,
            "wider than any screen: it scrolls"
        );
        let view = View {
            left: 0.0,
            top: 0.0,
            width: 1200.0,
            height: 800.0,
        };
        let shown = map.visible(view, 100.0);
        assert!(
            !shown.is_empty() && shown.len() < 100,
            "{} drawn",
            shown.len()
        );
        for &i in &shown {
            assert!(map.nodes[i].top <= 900.0);
        }
        // At the wide tree's fork row: the lanes in view and one line on past them, not 200.
        let root = &map.nodes[wide.root];
        let view = View {
            left: 0.0,
            top: root.top - 50.0,
            width: 1200.0,
            height: 400.0,
        };
        let shown = map.visible(view, 0.0);
        assert!(shown.len() < 12, "{} drawn of the fan", shown.len());
        let beyond = shown.iter().filter(|&&i| map.nodes[i].x > 1200.0).count();
        assert_eq!(beyond, 1, "the line on to the forks out of view");
        // Scrolled sideways into the wide tree: its lanes there, not its first ones.
        let at = map.nodes[map.find("w150").unwrap()].clone();
        let view = View {
            left: at.x - 100.0,
            top: at.top - 100.0,
            width: 390.0,
            height: 600.0,
        };
        let shown: Vec<&str> = map
            .visible(view, 0.0)
            .into_iter()
            .map(|i| map.nodes[i].session.as_str())
            .collect();
        assert!(
            shown.contains(&"w150") && !shown.contains(&"w10"),
            "{shown:?}"
        );
    }

    #[test]
    fn search_finds_titles_fork_points_labels_and_notes() {
        let mut l = lineage();
        l.edges.iter_mut().find(|e| e.child == "d").unwrap().excerpt = "Add the parser".into();
        let note = crate::lineage::graph::Note {
            label: "winner".into(),
            note: "Fast and correct".into(),
            at: 1.0,
        };
        l.set_note("e", note);
        let map = l.map_layout(Scale::WIDE);
        let find = |q: &str| -> Vec<String> {
            map.search(&l, q)
                .into_iter()
                .map(|i| map.nodes[i].session.clone())
                .collect()
        };
        assert_eq!(find("title b"), ["b"]);
        assert_eq!(find("PARSER"), ["d"], "fork point, any case");
        assert_eq!(find("winner"), ["e"], "label");
        assert_eq!(find("correct fast"), ["e"], "every word, in any order");
        assert!(find("").is_empty() && find("nowhere").is_empty());
        assert_eq!(find("title").len(), map.nodes.len(), "across every tree");
    }

    #[test]
    fn kinds_have_a_mark_and_a_word() {
        let mut e = edge("b", "a", None, 1.0);
        assert_eq!(kind_mark(None), ("●", "source"));
        assert_eq!(kind_mark(Some(&e)).1, "fork");
        e.kind = ForkKind::Before;
        assert_eq!(kind_mark(Some(&e)).1, "edit and resend");
        e.kind = ForkKind::Whole;
        assert_eq!(kind_mark(Some(&e)).1, "whole copy");
        e.kind = ForkKind::Worktree;
        assert_eq!(kind_mark(Some(&e)), ("⬡", "worktree"));
        e.kind = ForkKind::Undo;
        assert_eq!(kind_mark(Some(&e)), ("△", "undo kept"));
        e.discovered = true;
        assert_eq!(kind_mark(Some(&e)).1, "discovered");
    }
}
