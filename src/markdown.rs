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
