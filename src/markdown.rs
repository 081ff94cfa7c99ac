//! Markdown to safe HTML. Raw HTML in the source is shown as text, links keep only http(s) and
//! mailto targets (others become plain text), and images become links: nothing the model
//! writes can run script or make the page load anything by itself.

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

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
/// on every delta costs its length each time: a long reply became quadratic. (Across blocks,
/// reference links wait for the finished part, which is rendered whole.)
/// Finished blocks are kept [`GROUP`] to a value: a page then holds (and diffs, and lays out)
/// one element per group, not one per block of a reply thousands of blocks long.
#[derive(Debug, Default)]
pub struct StreamedMarkdown {
    /// The text the finished blocks were rendered from.
    done: String,
    /// The HTML of each full group of finished blocks.
    groups: Vec<crate::shared::Shared<String>>,
    /// The HTML of the finished blocks after them (fewer than a group), one per block.
    blocks: Vec<crate::shared::Shared<String>>,
}

/// How many finished blocks make a group.
pub const GROUP: usize = 32;

/// Streamed markdown as [`StreamedMarkdown::render`] gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Streamed {
    /// Full groups of finished blocks, each the same value from the render that made it on.
    pub groups: Vec<crate::shared::Shared<String>>,
    /// The finished blocks after them, each the same value from its first render on.
    pub blocks: Vec<crate::shared::Shared<String>>,
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
        while let Some(end) = block_end(text, from) {
            let block = text.get(from..end).unwrap_or_default();
            self.blocks.push(to_safe_html(block).into());
            if self.blocks.len() == GROUP {
                let group: String = self
                    .blocks
                    .drain(..)
                    .map(|b| b.as_str().to_owned())
                    .collect();
                self.groups.push(group.into());
            }
            from = end;
        }
        self.done
            .push_str(text.get(self.done.len()..from).unwrap_or_default());
        let tail = text.get(from..).unwrap_or_default();
        Streamed {
            groups: self.groups.clone(),
            blocks: self.blocks.clone(),
            tail: to_safe_html(tail),
        }
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

    #[test]
    fn streamed_markdown_renders_each_finished_block_once() {
        let whole = "# Plan\n\nFirst **para**.\n\n```rust\nfn a() {}\n\nfn b() {}\n```\n\n- one\n- two\n\n  still two\n\nLast [link](https://example.com) and more";
        let mut streamed = StreamedMarkdown::default();
        let mut previous: Vec<crate::shared::Shared<String>> = Vec::new();
        for end in (1..=whole.len()).filter(|&i| whole.is_char_boundary(i)) {
            let Streamed { blocks, tail, .. } = streamed.render(&whole[..end]);
            // A block once finished is the very same value ever after: never rendered again.
            assert!(blocks.len() >= previous.len());
            for (old, new) in previous.iter().zip(&blocks) {
                assert!(old == new, "a finished block was rendered again at {end}");
            }
            previous = blocks;
            let _ = tail;
        }
        let Streamed { blocks, tail, .. } = streamed.render(whole);
        let html: String = blocks.iter().map(|b| b.as_str()).collect::<String>() + &tail;
        assert_eq!(
            blocks.len(),
            4,
            "heading, paragraph, code (blank line inside), list: {blocks:?}"
        );
        assert_eq!(html, to_safe_html(whole), "the same HTML as the whole text");
        // Text that is not the same text grown starts over.
        let Streamed { blocks, tail, .. } = streamed.render("Other");
        assert!(blocks.is_empty() && tail.contains("Other"));
    }

    #[test]
    fn a_long_streamed_reply_keeps_its_finished_blocks_in_groups() {
        let whole: String = (1..=100)
            .map(|i| format!("Paragraph {i} with **bold**.\n\n"))
            .collect::<String>()
            + "The end";
        let mut streamed = StreamedMarkdown::default();
        let mut previous: Vec<crate::shared::Shared<String>> = Vec::new();
        for end in (1..=whole.len()).step_by(7) {
            let shown = streamed.render(&whole[..end]);
            // A group once made is the very same value ever after.
            for (old, new) in previous.iter().zip(&shown.groups) {
                assert!(old == new, "a group was rendered again at {end}");
            }
            assert!(shown.blocks.len() < GROUP);
            previous = shown.groups;
        }
        let shown = streamed.render(&whole);
        assert_eq!(
            (shown.groups.len(), shown.blocks.len()),
            (3, 100 - 3 * GROUP)
        );
        let html: String = shown
            .groups
            .iter()
            .chain(&shown.blocks)
            .map(|b| b.as_str())
            .collect::<String>()
            + &shown.tail;
        assert_eq!(
            html,
            to_safe_html(&whole),
            "the same HTML as the whole text"
        );
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
