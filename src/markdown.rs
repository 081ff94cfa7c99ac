//! Markdown to safe HTML. Raw HTML in the source is shown as text, links keep only http(s) and
//! mailto targets (others become plain text), and images become links: nothing the model
//! writes can run script or make the page load anything by itself.

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use crate::shared::Shared;

/// Is this a link target we are willing to put in an `href`?
pub fn is_safe_url(url: &str) -> bool {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Renders markdown to HTML that is safe to insert into the page.
pub fn to_safe_html(source: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // The closing tag owed for each open link or image: `None` for a refused link (its text
    // stays, its tags go), `</span>` for an image whose target we refused.
    let mut closers: Vec<Option<&'static str>> = Vec::new();
    let events = Parser::new_ext(source, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link {
            dest_url,
            title,
            link_type,
            ..
        }) => {
            let target = match link_type {
                LinkType::Email => format!("mailto:{dest_url}"),
                _ => dest_url.to_string(),
            };
            let keep = is_safe_url(&target);
            closers.push(keep.then_some("</a>"));
            keep.then(|| Event::Html(anchor(&target, &title)))
        }
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) => {
            let keep = is_safe_url(&dest_url);
            closers.push(Some(if keep { "</a>" } else { "</span>" }));
            let open = if keep {
                anchor(&dest_url, &title).to_string()
            } else {
                "<span>".to_owned()
            };
            Some(Event::Html(CowStr::from(format!("{open}🖼 "))))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => closers
            .pop()
            .flatten()
            .map(|c| Event::Html(CowStr::from(c))),
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// Markdown that grows at its end (a reply streaming in), rendered block by block: a block
/// followed by a blank line and more text is finished, so it is rendered once and kept; only
/// the block still being written is rendered again as text arrives. Rendering the whole text
/// on every delta costs its length each time: a long reply became quadratic.
/// Finished blocks are kept in groups of [`GROUP`]: a page draws each block once, into the
/// group it stays in, and a full group never changes again (the page skips it whole when
/// drawing, and the browser lays it out only while it is on screen).
#[derive(Debug, Default)]
pub struct StreamedMarkdown {
    /// The text the finished blocks were rendered from.
    done: String,
    /// The HTML of the finished blocks, one per block, in groups; the last may be filling.
    groups: Vec<Shared<Vec<Shared<String>>>>,
    /// For a text written to its end, of this length: whether the blocks make the same HTML
    /// as the whole text (asked once, the answer kept).
    finished: Option<(usize, bool)>,
}

/// How many finished blocks make a group.
pub const GROUP: usize = 32;

/// A group of finished blocks: the same value for as long as no block joins it.
pub type Group = Shared<Vec<Shared<String>>>;

/// Streamed markdown as [`StreamedMarkdown::render`] gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Streamed {
    /// The finished blocks in groups: a full group, and each block, is the same value from the
    /// render that made it on.
    pub groups: Vec<Group>,
    /// The block still being written.
    pub tail: String,
}

impl StreamedMarkdown {
    /// The HTML of `text`: the finished blocks (the same values as last time for those that
    /// were finished then) and the block still being written. Text that is not the last text
    /// grown at its end is rendered afresh.
    pub fn render(&mut self, text: &str) -> Streamed {
        if !text.starts_with(self.done.as_str()) {
            *self = StreamedMarkdown::default();
        }
        let mut from = self.done.len();
        let mut added: Vec<Shared<String>> = Vec::new();
        while let Some(end) = block_end(text, from) {
            let block = text.get(from..end).unwrap_or_default();
            added.push(to_safe_html(block).into());
            from = end;
        }
        for block in added {
            match self.groups.last_mut() {
                Some(group) if group.len() < GROUP => {
                    let mut blocks = Vec::clone(group);
                    blocks.push(block);
                    *group = blocks.into();
                }
                _ => self.groups.push(vec![block].into()),
            }
        }
        self.done
            .push_str(text.get(self.done.len()..from).unwrap_or_default());
        let tail = text.get(from..).unwrap_or_default();
        Streamed {
            groups: self.groups.clone(),
            tail: to_safe_html(tail),
        }
    }

    /// The HTML of `text`, written to its end, as the blocks it was drawn in while it streamed
    /// — when they make the very same HTML as the whole text, so what is on screen can stay as
    /// it is. They do not where the whole text is read across blocks (a list loose over a blank
    /// line, a link defined in another block): then `Err` with the whole text's HTML.
    pub fn finish(&mut self, text: &str) -> Result<Streamed, String> {
        let shown = self.render(text);
        match self.finished {
            Some((len, true)) if len == text.len() => return Ok(shown),
            Some((len, false)) if len == text.len() => return Err(to_safe_html(text)),
            _ => {}
        }
        let whole = to_safe_html(text);
        let same = shown.spells(&whole);
        self.finished = Some((text.len(), same));
        if same {
            Ok(shown)
        } else {
            Err(whole)
        }
    }
}

impl Streamed {
    /// Whether these pieces, one after the other, are exactly `html`.
    fn spells(&self, html: &str) -> bool {
        let mut rest = html;
        for piece in self.groups.iter().flat_map(|g| g.iter()) {
            match rest.strip_prefix(piece.as_str()) {
                Some(after) => rest = after,
                None => return false,
            }
        }
        rest == self.tail
    }
}

/// Where the block of markdown starting at `from` ends, if it is finished: after a blank line
/// outside a code fence, followed by text that does not continue the block (a line indented
/// would be a list's or a code block's continuation).
fn block_end(text: &str, from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    let mut fenced = false;
    let mut at = 0;
    let mut blank_before = false;
    for line in rest.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            // A blank line, if the line is complete.
            blank_before = !fenced && line.ends_with('\n') && start > 0;
            continue;
        }
        if blank_before && !content.starts_with([' ', '\t']) {
            return Some(from + start);
        }
        blank_before = false;
        let marker = content.trim_start_matches(' ');
        if content.len() - marker.len() <= 3
            && (marker.starts_with("```") || marker.starts_with("~~~"))
        {
            fenced = !fenced;
        }
    }
    None
}

fn anchor(url: &str, title: &str) -> CowStr<'static> {
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape_attr(title))
    };
    CowStr::from(format!(
        "<a href=\"{}\"{title} rel=\"noopener noreferrer nofollow\" target=\"_blank\">",
        escape_attr(url.trim())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_ordinary_markdown() {
        let html = to_safe_html("## Plan\n\n1. **bold** `code`\n\n```rust\nfn x() {}\n```");
        assert!(html.contains("<h2>Plan</h2>"));
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains("<code>code</code>"));
        assert!(html.contains("<pre><code class=\"language-rust\">"));
    }

    #[test]
    fn raw_html_is_text() {
        let html = to_safe_html("hi <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n<div onclick=\"x()\">block</div>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn only_safe_links_survive() {
        let html = to_safe_html("[ok](https://example.com/a?b=\"c\") [bad](javascript:alert(1)) [data](data:text/html,x) [mail](mailto:a@b.c)");
        assert!(
            html.contains("<a href=\"https://example.com/a?b=&quot;c&quot;\""),
            "{html}"
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:text"), "{html}");
        assert!(html.contains("href=\"mailto:a@b.c\""), "{html}");
        assert!(
            html.contains("bad") && html.contains("data"),
            "link text is kept: {html}"
        );
    }

    /// Every finished block of `shown`, in order.
    fn blocks(shown: &Streamed) -> Vec<Shared<String>> {
        shown
            .groups
            .iter()
            .flat_map(|g| g.iter().cloned())
            .collect()
    }

    /// The HTML `shown` makes.
    fn html(shown: &Streamed) -> String {
        blocks(shown).iter().map(|b| b.as_str()).collect::<String>() + &shown.tail
    }

    #[test]
    fn streamed_markdown_renders_each_finished_block_once() {
        let whole = "# Plan\n\nFirst **para**.\n\n```rust\nfn a() {}\n\nfn b() {}\n```\n\n- one\n- two\n\n  still two\n\nLast [link](https://example.com) and more";
        let mut streamed = StreamedMarkdown::default();
        let mut previous: Vec<Shared<String>> = Vec::new();
        for end in (1..=whole.len()).filter(|&i| whole.is_char_boundary(i)) {
            let now = blocks(&streamed.render(&whole[..end]));
            // A block once finished is the very same value ever after: never rendered again.
            assert!(now.len() >= previous.len());
            for (old, new) in previous.iter().zip(&now) {
                assert!(old == new, "a finished block was rendered again at {end}");
            }
            previous = now;
        }
        let shown = streamed.render(whole);
        assert_eq!(
            blocks(&shown).len(),
            4,
            "heading, paragraph, code (blank line inside), list: {shown:?}"
        );
        assert_eq!(
            html(&shown),
            to_safe_html(whole),
            "the same HTML as the whole text"
        );
        // Text that is not the same text grown starts over.
        let shown = streamed.render("Other");
        assert!(shown.groups.is_empty() && shown.tail.contains("Other"));
    }

    #[test]
    fn a_long_streamed_reply_keeps_its_finished_blocks_in_groups_that_stop_changing() {
        let whole: String = (1..=100)
            .map(|i| format!("Paragraph {i} with **bold**.\n\n"))
            .collect::<String>()
            + "The end";
        let mut streamed = StreamedMarkdown::default();
        let mut previous: Vec<Group> = Vec::new();
        for end in (1..=whole.len()).step_by(7) {
            let shown = streamed.render(&whole[..end]);
            // A full group is the very same value ever after; only the last one fills.
            for (old, new) in previous.iter().zip(&shown.groups) {
                assert!(
                    old == new || old.len() < GROUP,
                    "a full group changed at {end}"
                );
            }
            assert!(shown.groups.iter().all(|g| g.len() <= GROUP));
            previous = shown.groups;
        }
        let shown = streamed.render(&whole);
        let sizes: Vec<usize> = shown.groups.iter().map(|g| g.len()).collect();
        assert_eq!(sizes, [GROUP, GROUP, GROUP, 100 - 3 * GROUP]);
        assert_eq!(
            html(&shown),
            to_safe_html(&whole),
            "the same HTML as the whole text"
        );
    }

    #[test]
    fn a_finished_reply_keeps_the_blocks_it_streamed_in_only_when_they_make_the_same_html() {
        let same = "# Plan\n\nFirst **para**.\n\n- one\n- two\n\nThe end";
        let mut streamed = StreamedMarkdown::default();
        for end in (1..=same.len()).step_by(5) {
            streamed.render(&same[..end]);
        }
        let shown = streamed.finish(same).expect("the same HTML");
        assert_eq!(blocks(&shown).len(), 3, "{shown:?}");
        assert!(shown.tail.contains("The end"));
        // Asked again (the page drawn again), the same values come back.
        assert_eq!(streamed.finish(same), Ok(shown));

        // A list loose over a blank line is one list read whole, two lists read block by block.
        let loose = "- one\n\n- two\n\nAfter";
        let mut streamed = StreamedMarkdown::default();
        for end in 1..=loose.len() {
            streamed.render(&loose[..end]);
        }
        assert_eq!(streamed.finish(loose), Err(to_safe_html(loose)));
        assert_eq!(streamed.finish(loose), Err(to_safe_html(loose)));
        // A link defined in a later block.
        let defined = "See [the docs].\n\n[the docs]: https://example.com";
        let mut streamed = StreamedMarkdown::default();
        streamed.render(defined);
        let html = streamed.finish(defined).expect_err("read whole");
        assert!(html.contains("href=\"https://example.com\""), "{html}");
    }

    #[test]
    fn images_never_load() {
        let html = to_safe_html("![pic](https://tracker.example/p.png) ![x](javascript:alert(1))");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://tracker.example/p.png\""),
            "{html}"
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert_eq!(
            html.matches("<span>").count(),
            html.matches("</span>").count(),
            "{html}"
        );
    }
}
