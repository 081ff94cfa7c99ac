//! Which messages of a long session are in the DOM: the ones on screen and a margin around
//! them, with spacers standing in for the rest (pure; the session page feeds it the heights it
//! measured and where the page is scrolled).

/// Sessions up to this many messages are rendered whole (find in page works on them); longer
/// ones — and one whose older messages are still to be loaded, which is long — only around what
/// is on screen.
pub const RENDER_ALL_UP_TO: usize = 60;
/// Pixels rendered above and below the screen, so scrolling and Tab find the next message
/// already there.
pub const OVERSCAN: f64 = 900.0;
/// The height assumed for a message not measured yet, until some are.
pub const ESTIMATE: f64 = 150.0;

/// Where the screen is over the list, in pixels from the list's top.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum View {
    /// At the newest message (a session opens here, and stays while replies arrive).
    Bottom { height: f64 },
    /// Scrolled to `top`, showing `height` pixels.
    At { top: f64, height: f64 },
}

/// Where the reader is after the page scrolled to `top` (showing `height` pixels), from `was`
/// where it was before, at `last_top`. At the end, they follow what arrives (`Bottom`), and
/// only moving up ends that: text growing or a block settling at its real height can leave
/// the end out of view for a moment, and the scroll that follows is not the reader's.
pub fn after_scroll(was: View, last_top: f64, top: f64, height: f64, at_end: bool) -> View {
    let following = matches!(was, View::Bottom { .. }) && top >= last_top - 0.5;
    if at_end || following {
        View::Bottom { height }
    } else {
        View::At { top, height }
    }
}

/// The messages `start..end` are rendered between spacers of `before` and `after` pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slice {
    pub start: usize,
    pub end: usize,
    pub before: f64,
    pub after: f64,
}

impl Slice {
    pub fn all(len: usize) -> Slice {
        Slice {
            start: 0,
            end: len,
            before: 0.0,
            after: 0.0,
        }
    }
}

/// The height to assume for messages not measured yet: the mean of those that were.
pub fn estimate(measured: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = measured.fold((0.0, 0usize), |(s, n), h| (s + h, n + 1));
    if n == 0 {
        ESTIMATE
    } else {
        sum / n as f64
    }
}

/// The messages to render for `view`, given every loaded message's (measured or estimated)
/// height; `whole`: they are all the session has.
pub fn slice(heights: &[f64], view: View, whole: bool) -> Slice {
    let len = heights.len();
    if whole && len <= RENDER_ALL_UP_TO {
        return Slice::all(len);
    }
    let total: f64 = heights.iter().sum();
    let (top, height) = match view {
        View::Bottom { height } => ((total - height).max(0.0), height),
        View::At { top, height } => (top.clamp(0.0, (total - height).max(0.0)), height),
    };
    let (from, to) = (top - OVERSCAN, top + height + OVERSCAN);
    let mut start = len;
    let mut end = len;
    let mut y = 0.0;
    let mut before = 0.0;
    for (i, h) in heights.iter().enumerate() {
        if start == len && y + h > from {
            start = i;
            before = y;
        }
        if y >= to {
            end = i;
            break;
        }
        y += h;
    }
    // Past the end (heights shrank under the view): keep the newest message at least.
    let start = start.min(len - 1);
    let end = end.max(start + 1);
    if start == len - 1 {
        before = heights[..start].iter().sum();
    }
    let after = heights[end..].iter().sum();
    Slice {
        start,
        end,
        before,
        after,
    }
}

/// For a list of rows all `row_height` tall (the lineage view), which rows to render when
/// the list's top has scrolled `scrolled` pixels above a screen `height` pixels tall: `[from,
/// to)`, with `overscan` rows more on each side so that scrolling and Tab find them there.
pub fn fixed_rows(
    count: usize,
    scrolled: f64,
    height: f64,
    row_height: f64,
    overscan: usize,
) -> (usize, usize) {
    let first = (scrolled / row_height).floor() as usize;
    let shown = (height / row_height).ceil() as usize + 1;
    let from = first.saturating_sub(overscan).min(count);
    let to = (first + shown + overscan).min(count);
    (from, to.max(from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn following_the_end_ends_when_the_reader_moves_up_not_when_the_page_grows_under_them() {
        let bottom = View::Bottom { height: 800.0 };
        // At the end: following.
        assert_eq!(after_scroll(bottom, 1000.0, 1000.0, 800.0, true), bottom);
        // The page grew below the screen (a block drawn at its real height), nobody moved.
        assert_eq!(after_scroll(bottom, 1000.0, 1000.0, 800.0, false), bottom);
        assert_eq!(after_scroll(bottom, 1000.0, 1400.0, 800.0, false), bottom);
        // The reader scrolled up.
        let up = View::At {
            top: 900.0,
            height: 800.0,
        };
        assert_eq!(after_scroll(bottom, 1000.0, 900.0, 800.0, false), up);
        // Scrolled up already, moving down but not to the end: still where they are.
        let down = View::At {
            top: 950.0,
            height: 800.0,
        };
        assert_eq!(after_scroll(up, 900.0, 950.0, 800.0, false), down);
        // Back at the end: following again.
        assert_eq!(after_scroll(down, 950.0, 2000.0, 800.0, true), bottom);
    }

    #[test]
    fn only_the_visible_rows_and_some_overscan_are_rendered() {
        let rows = |count, scrolled| fixed_rows(count, scrolled, 400.0, 40.0, 10);
        assert_eq!(rows(5000, 0.0), (0, 21));
        assert_eq!(rows(5000, 4000.0), (90, 121));
        assert_eq!(rows(5000, 1e9), (5000, 5000));
        assert_eq!(rows(3, 0.0), (0, 3));
        assert_eq!(rows(0, 0.0), (0, 0));
    }

    #[test]
    fn short_sessions_render_whole() {
        let view = View::At {
            top: 0.0,
            height: 50.0,
        };
        let s = slice(&[100.0; 10], view, true);
        assert_eq!(s, Slice::all(10));
        // The newest page of a longer session is windowed, however few messages it holds.
        let s = slice(&[100.0; 60], View::Bottom { height: 900.0 }, false);
        assert_eq!((s.start, s.end), (60 - 18, 60));
    }

    #[test]
    fn a_long_session_opens_at_its_newest_messages() {
        let heights = vec![100.0; 10_000];
        let s = slice(&heights, View::Bottom { height: 900.0 }, true);
        assert_eq!(s.end, 10_000);
        // 900 px on screen and 900 px above it: 18 messages.
        assert_eq!(s.start, 10_000 - 18);
        assert_eq!(s.before, s.start as f64 * 100.0);
        assert_eq!(s.after, 0.0);
    }

    #[test]
    fn the_top_of_a_long_session() {
        let heights = vec![100.0; 10_000];
        let s = slice(
            &heights,
            View::At {
                top: 0.0,
                height: 900.0,
            },
            true,
        );
        assert_eq!((s.start, s.end, s.before), (0, 18, 0.0));
        assert_eq!(s.after, (10_000 - 18) as f64 * 100.0);
    }

    #[test]
    fn the_middle_keeps_the_spacers_exact() {
        let heights: Vec<f64> = (0..1000).map(|i| 50.0 + (i % 7) as f64 * 30.0).collect();
        let total: f64 = heights.iter().sum();
        let s = slice(
            &heights,
            View::At {
                top: 20_000.0,
                height: 800.0,
            },
            true,
        );
        let rendered: f64 = heights[s.start..s.end].iter().sum();
        assert!((s.before + rendered + s.after - total).abs() < 1e-6);
        assert!(s.before <= 20_000.0 - OVERSCAN);
        assert!(s.before + rendered >= 20_800.0 + OVERSCAN - 300.0);
        assert!(s.end - s.start < 100, "{s:?}");
    }

    #[test]
    fn a_view_past_the_end_still_shows_the_newest() {
        let heights = vec![100.0; 100];
        let s = slice(
            &heights,
            View::At {
                top: 1e9,
                height: 900.0,
            },
            true,
        );
        assert_eq!(s.end, 100);
        assert!(s.start < 100);
    }

    #[test]
    fn estimates_follow_what_was_measured() {
        assert_eq!(estimate(std::iter::empty()), ESTIMATE);
        assert_eq!(estimate([100.0, 200.0].into_iter()), 150.0);
    }
}
