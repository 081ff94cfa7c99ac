//! Words shown to people, made the same way everywhere: titles (one fallback for a missing
//! one), counts with their nouns, ages and dates, and one-line excerpts of messages.

use crate::api::{Message, Part};

/// A session's title for display: "Untitled session" when it has none.
pub fn display_title(title: &str) -> &str {
    if title.trim().is_empty() {
        "Untitled session"
    } else {
        title
    }
}

/// "1 fork", "3 forks": a count with its noun (nouns here take a plain "s").
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// "just now", "5 min ago", "3 h ago", "2 days ago", or a date for older times.
pub fn age(now_ms: f64, then_ms: f64) -> String {
    let seconds = ((now_ms - then_ms) / 1000.0).max(0.0) as u64;
    match seconds {
        0..=59 => "just now".to_owned(),
        60..=3599 => format!("{} min ago", seconds / 60),
        3600..=86_399 => format!("{} h ago", seconds / 3600),
        86_400..=172_799 => "yesterday".to_owned(),
        172_800..=2_591_999 => format!("{} days ago", seconds / 86_400),
        _ => date(then_ms),
    }
}

/// A UTC date, `YYYY-MM-DD`, from milliseconds since the epoch.
pub fn date(ms: f64) -> String {
    // Civil-from-days (Howard Hinnant's algorithm).
    let days = (ms / 86_400_000.0).floor() as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The first `max` characters of a message's text on one line, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = flat.chars().take(max).collect();
    if flat.chars().count() > max {
        out = out.trim_end().to_owned();
        out.push('…');
    }
    out
}

/// An excerpt in quotes, or what stands for one that has no text (an old or imported record).
pub fn quoted(excerpt: &str) -> String {
    match excerpt.trim() {
        "" => "a message with no text".to_owned(),
        text => format!("“{text}”"),
    }
}

/// A message's excerpt, or a description of it when it has no text (a tool-only reply).
pub fn message_excerpt(message: &Message) -> String {
    let text = message.text();
    if !text.trim().is_empty() {
        return excerpt(&text, 80);
    }
    let tools: Vec<&str> = message
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Tool(t) => Some(t.tool.as_str()),
            _ => None,
        })
        .collect();
    if tools.is_empty() {
        "(no text)".to_owned()
    } else {
        format!("(ran {})", tools.join(", "))
    }
}

/// The last part of a path: `brave-otter` of `/data/worktree/p/brave-otter/`.
pub fn last_segment(path: &str) -> &str {
    let trimmed = path.trim_end_matches(['/', '\\']);
    trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_titles_read_untitled() {
        assert_eq!(display_title(""), "Untitled session");
        assert_eq!(display_title("  "), "Untitled session");
        assert_eq!(display_title("Refactor"), "Refactor");
    }

    #[test]
    fn counts_with_their_nouns() {
        assert_eq!(count(1, "fork"), "1 fork");
        assert_eq!(count(0, "fork"), "0 forks");
        assert_eq!(count(500, "session"), "500 sessions");
    }

    #[test]
    fn ages_and_dates() {
        let now = 1_795_592_459_330.0;
        assert_eq!(age(now, now - 10_000.0), "just now");
        assert_eq!(age(now, now - 300_000.0), "5 min ago");
        assert_eq!(age(now, now - 3.0 * 3_600_000.0), "3 h ago");
        assert_eq!(age(now, now - 3.0 * 86_400_000.0), "3 days ago");
        assert_eq!(date(0.0), "1970-01-01");
        assert_eq!(date(now), "2026-11-25");
    }
}
