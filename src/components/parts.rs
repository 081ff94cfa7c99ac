//! One renderer per message part type, dispatched from a single `match` on [`Part`].

use dioxus::prelude::*;
use serde_json::Value;

use crate::api::{
    AgentPart, CompactionPart, FilePart, Part, PatchPart, ReasoningPart, RetryPart, SnapshotPart,
    StepFinishPart, SubtaskPart, TextPart, ToolPart, ToolState,
};
use crate::markdown::{is_safe_url, to_safe_html, Group, StreamedMarkdown};
use crate::shared::Shared;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Renders any part. `shown_open`: a tool part opens with its output (a `!` line the user
/// ran, whose output is the point).
#[component]
pub fn PartView(part: Part, #[props(default)] shown_open: bool) -> Element {
    match part {
        Part::Text(p) => rsx! { TextView { part: p } },
        Part::Reasoning(p) => rsx! { ReasoningView { part: p } },
        Part::Tool(p) => rsx! { ToolView { part: p, shown_open } },
        Part::File(p) => rsx! { FileView { part: p } },
        Part::StepStart(_) => {
            rsx! { div { class: "part part-step-start", role: "separator", aria_label: "Step started" } }
        }
        Part::StepFinish(p) => rsx! { StepFinishView { part: p } },
        Part::Patch(p) => rsx! { PatchView { part: p } },
        Part::Agent(p) => rsx! { AgentView { part: p } },
        Part::Snapshot(p) => rsx! { SnapshotView { part: p } },
        Part::Compaction(p) => rsx! { CompactionView { part: p } },
        Part::Subtask(p) => rsx! { SubtaskView { part: p } },
        Part::Retry(p) => rsx! { RetryView { part: p } },
        Part::Unknown { kind, raw } => rsx! { UnknownView { kind, raw } },
    }
}

#[component]
fn TextView(part: TextPart) -> Element {
    if part.synthetic {
        // Text the server added for the model (a file's content, a tool note): kept out of the way.
        return rsx! {
            details { class: "part part-synthetic",
                summary { "Added by the server" }
                pre { "{part.text}" }
            }
        };
    }
    let open = part.time.as_ref().is_some_and(|t| t.end.is_none());
    rsx! { MarkdownText { class: "part part-text markdown", part_id: part.id, text: part.text, open } }
}

#[component]
fn ReasoningView(part: ReasoningPart) -> Element {
    let open = part.time.as_ref().is_some_and(|t| t.end.is_none());
    rsx! {
        details { class: "part part-reasoning",
            summary { "Reasoning" }
            MarkdownText { class: "markdown", part_id: part.id, text: part.text, open }
        }
    }
}

/// The text of the parts still being written, as the open session keeps it (provided by the
/// session page). Text arriving lengthens a part without drawing the page again; the part's
/// own view reads its text here whenever `grown` does.
#[derive(Clone, Copy)]
pub struct StreamingText {
    /// The session's messages, whose open parts grow without telling this signal's readers.
    pub messages: Signal<Vec<crate::api::Message>>,
    /// Grows, at most once per frame, while text arrives.
    pub grown: Signal<u64>,
    /// Called once a part has drawn its grown text (the page keeps its end in view).
    pub drawn: Callback<()>,
}

/// Markdown as safe HTML. While `open` (still being written), each finished block is rendered
/// once and kept, and only the block being written is rendered again as text arrives (read
/// from [`StreamingText`] when the page provides it, else `text` as given). Once written, the
/// text is rendered whole — unless it was drawn here as it streamed and its blocks make the
/// same HTML, which then stays on screen as it is (laying out a long reply again costs as much
/// as all its frames did).
#[component]
fn MarkdownText(class: &'static str, part_id: String, text: String, open: bool) -> Element {
    let streamed = use_hook(|| Rc::new(RefCell::new(StreamedMarkdown::default())));
    let streamed_here = use_hook(|| Rc::new(Cell::new(false)));
    let live = try_use_context::<StreamingText>();
    let writing = use_hook(|| Rc::new(Cell::new(open)));
    writing.set(open);
    use_effect({
        let writing = writing.clone();
        move || {
            if let Some(live) = live.filter(|_| writing.get()) {
                let _ = live.grown.read();
                live.drawn.call(());
            }
        }
    });
    let shown = if open {
        streamed_here.set(true);
        let mut streamed = streamed.borrow_mut();
        match live {
            Some(live) => {
                let _ = live.grown.read();
                let messages = live.messages.peek();
                streamed.render(crate::live::part_text(&messages, &part_id).unwrap_or(&text))
            }
            None => streamed.render(&text),
        }
    } else {
        let kept = if streamed_here.get() {
            streamed.borrow_mut().finish(&text)
        } else {
            Err(to_safe_html(&text))
        };
        match kept {
            Ok(shown) => shown,
            Err(html) => return rsx! { div { class, dangerous_inner_html: "{html}" } },
        }
    };
    rsx! {
        div { class: "{class} streamed",
            for (i, blocks) in shown.groups.into_iter().enumerate() {
                HtmlGroup { key: "{i}", blocks }
            }
            div { class: "md-block", dangerous_inner_html: "{shown.tail}" }
        }
    }
}

/// A group of finished blocks of streamed markdown. Each block is drawn once: a block joining
/// the group is added to it, and a full group never changes again.
#[component]
fn HtmlGroup(blocks: Group) -> Element {
    rsx! {
        div { class: "md-group",
            for (i, html) in blocks.iter().enumerate() {
                HtmlBlock { key: "{i}", html: html.clone() }
            }
        }
    }
}

/// A finished block of streamed markdown: the same HTML value is never drawn again.
#[component]
fn HtmlBlock(html: Shared<String>) -> Element {
    rsx! { div { class: "md-block", dangerous_inner_html: html.as_str() } }
}

fn pretty(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// The one-line gist of a tool call: its title, or its command / path / pattern argument.
fn tool_gist(part: &ToolPart) -> String {
    let title = match &part.state {
        ToolState::Completed { title, .. } => Some(title.clone()),
        ToolState::Running { title, .. } => title.clone(),
        _ => None,
    };
    let input = part.state.input();
    let from_input = [
        "command",
        "filePath",
        "path",
        "pattern",
        "url",
        "description",
    ]
    .iter()
    .find_map(|k| input.get(*k).and_then(Value::as_str).map(str::to_owned));
    let gist = title
        .filter(|t| !t.is_empty())
        .or(from_input)
        .unwrap_or_default();
    gist.chars().take(120).collect()
}

#[component]
fn ToolView(part: ToolPart, shown_open: bool) -> Element {
    let status = part.state.status();
    let gist = tool_gist(&part);
    let input = pretty(part.state.input());
    let open = shown_open || matches!(part.state, ToolState::Error { .. });
    rsx! {
        details { class: "part part-tool tool-{status}", open,
            summary {
                span { class: "tool-name", "{part.tool}" }
                span { class: "tool-gist", "{gist}" }
                span { class: "badge status-{status}", "{status}" }
            }
            if !input.is_empty() {
                h4 { "Input" }
                pre { class: "tool-input", "{input}" }
            }
            match &part.state {
                ToolState::Completed { output, .. } => rsx! {
                    h4 { "Output" }
                    pre { class: "tool-output", "{output}" }
                },
                ToolState::Error { error, .. } => rsx! {
                    h4 { "Error" }
                    pre { class: "tool-error", "{error}" }
                },
                ToolState::Pending { .. } => rsx! { p { class: "muted", "Waiting to run…" } },
                ToolState::Running { .. } => rsx! { p { class: "muted", "Running…" } },
            }
        }
    }
}

/// An image the page may show inline: PNG, JPEG, GIF or WebP data in the URL itself, judged
/// by the URL's own media type (the part's `mime` can say PNG over SVG data). Nothing loads
/// from the network, and no SVG (which can carry script) is ever drawn.
fn is_inline_raster(url: &str) -> bool {
    let lower = url.get(..24).unwrap_or(url).to_ascii_lowercase();
    ["png", "jpeg", "gif", "webp"]
        .iter()
        .any(|kind| lower.starts_with(&format!("data:image/{kind};")))
}

/// The largest image drawn inline (its data URL, in bytes): a larger one (a model can attach
/// 10 MB) would be decoded and kept by the page for a picture nobody asked to see.
const PREVIEW_BYTES: usize = 1024 * 1024;

#[component]
fn FileView(part: FilePart) -> Element {
    let name = part.filename.clone().unwrap_or_else(|| {
        let tail = part.url.rsplit('/').next().unwrap_or("file");
        tail.chars().take(80).collect()
    });
    let raster = is_inline_raster(&part.url);
    let preview = raster && part.url.len() <= PREVIEW_BYTES;
    let too_large = (raster && !preview).then(|| {
        format!(
            " · {:.1} MB, too large to show here",
            part.url.len() as f64 / 1_000_000.0
        )
    });
    let link = is_safe_url(&part.url).then(|| part.url.clone());
    let location = part.url.strip_prefix("file://").map(str::to_owned);
    rsx! {
        div { class: "part part-file",
            span { class: "file-icon", aria_hidden: "true", "📄" }
            if let Some(href) = link {
                a { href: "{href}", rel: "noopener noreferrer nofollow", target: "_blank", "{name}" }
            } else {
                span { class: "file-name", title: location.unwrap_or_default(), "{name}" }
            }
            span { class: "muted", " {part.mime}" }
            if let Some(note) = too_large {
                span { class: "muted", "{note}" }
            }
            if preview {
                img { class: "file-preview", src: "{part.url}", alt: "{name}" }
            }
        }
    }
}

#[component]
fn StepFinishView(part: StepFinishPart) -> Element {
    let tokens = part
        .tokens
        .as_ref()
        .map(|t| format!(" · {} in, {} out", t.input, t.output))
        .unwrap_or_default();
    let cost = if part.cost > 0.0 {
        format!(" · ${:.4}", part.cost)
    } else {
        String::new()
    };
    rsx! { p { class: "part part-step-finish muted", "Step finished: {part.reason}{tokens}{cost}" } }
}

#[component]
fn PatchView(part: PatchPart) -> Element {
    let count = part.files.len();
    let noun = if count == 1 { "file" } else { "files" };
    rsx! {
        details { class: "part part-patch",
            summary { "Changed {count} {noun}" }
            ul {
                for file in part.files.iter() {
                    li { code { "{file}" } }
                }
            }
        }
    }
}

#[component]
fn AgentView(part: AgentPart) -> Element {
    rsx! { span { class: "part part-agent badge", "@{part.name}" } }
}

#[component]
fn SnapshotView(part: SnapshotPart) -> Element {
    let short: String = part.snapshot.chars().take(10).collect();
    rsx! { p { class: "part part-snapshot muted", "Snapshot {short}" } }
}

#[component]
fn CompactionView(part: CompactionPart) -> Element {
    let how = if part.auto {
        "automatically"
    } else {
        "on request"
    };
    rsx! { p { class: "part part-compaction muted", "The conversation was compacted here ({how})." } }
}

#[component]
fn SubtaskView(part: SubtaskPart) -> Element {
    rsx! {
        details { class: "part part-subtask",
            summary { "Subtask for @{part.agent}: {part.description}" }
            pre { "{part.prompt}" }
        }
    }
}

#[component]
fn RetryView(part: RetryPart) -> Element {
    let message = part.error.as_ref().map(|e| e.message()).unwrap_or_default();
    rsx! { p { class: "part part-retry warning", "Retrying (attempt {part.attempt}): {message}" } }
}

#[component]
fn UnknownView(kind: String, raw: Value) -> Element {
    let json = serde_json::to_string_pretty(&raw).unwrap_or_default();
    let label = if kind.is_empty() {
        "unlabelled".to_owned()
    } else {
        kind
    };
    rsx! {
        details { class: "part part-unknown",
            summary { "A “{label}” part this app cannot show yet" }
            pre { "{json}" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(part: serde_json::Value) -> String {
        let part = Part::from_value(part);
        dioxus_ssr::render_element(rsx! { PartView { part } })
    }

    #[test]
    fn text_is_markdown_and_hostile_html_stays_text() {
        let html = render(
            json!({"id":"prt_1","type":"text","text":"**hi** <img src=x onerror=alert(1)>"}),
        );
        assert!(html.contains("<strong>hi</strong>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn tool_calls_show_name_state_input_and_output() {
        let html = render(
            json!({"id":"prt_2","type":"tool","callID":"c","tool":"bash","state":{
            "status":"completed","input":{"command":"ls <dir>"},"output":"a.txt","title":"ls","metadata":{},"time":{"start":1,"end":2}}}),
        );
        assert!(html.contains("tool-completed"), "{html}");
        assert!(html.contains(">bash<"), "{html}");
        assert!(
            html.contains("ls &#60;dir&#62;"),
            "input is escaped: {html}"
        );
        assert!(html.contains("a.txt"), "{html}");
        let failed = render(
            json!({"id":"prt_3","type":"tool","callID":"c","tool":"edit","state":{
            "status":"error","input":{},"error":"no such file","time":{"start":1,"end":2}}}),
        );
        assert!(
            failed.contains("no such file") && failed.contains("open"),
            "errors start open: {failed}"
        );
    }

    #[test]
    fn unknown_parts_are_labelled_not_dropped() {
        let html = render(json!({"id":"prt_4","type":"hologram","beam":"<b>x</b>"}));
        assert!(html.contains("hologram"), "{html}");
        assert!(
            html.contains("&#60;b&#62;x&#60;/b&#62;") && !html.contains("<b>"),
            "{html}"
        );
    }

    #[test]
    fn only_raster_data_urls_are_previewed() {
        assert!(is_inline_raster("data:image/png;base64,iVBOR"));
        assert!(is_inline_raster("DATA:image/JPEG;base64,/9j/"));
        assert!(!is_inline_raster("data:image/svg+xml;base64,PHN2Zz4="));
        assert!(!is_inline_raster("data:image/png,<svg>"));
        assert!(!is_inline_raster("https://example.com/a.png"));
        assert!(!is_inline_raster("é"));
    }

    #[test]
    fn a_huge_image_is_named_not_drawn() {
        let url = format!("data:image/png;base64,{}", "A".repeat(10 * 1024 * 1024));
        let html = render(
            json!({"id":"prt_6","type":"file","mime":"image/png","filename":"huge.png","url":url}),
        );
        assert!(!html.contains("<img"), "not drawn");
        assert!(html.contains("huge.png") && html.contains("10.5 MB, too large to show here"));
        assert!(
            html.len() < 10_000,
            "the data is not in the page: {} bytes",
            html.len()
        );
        let small = render(
            json!({"id":"prt_7","type":"file","mime":"image/png","filename":"small.png","url":"data:image/png;base64,iVBOR"}),
        );
        assert!(small.contains("<img"), "{small}");
    }

    #[test]
    fn files_link_only_to_safe_urls() {
        let html = render(
            json!({"id":"prt_5","type":"file","mime":"text/html","filename":"x.html","url":"javascript:alert(1)"}),
        );
        assert!(!html.contains("href"), "{html}");
        assert!(html.contains("x.html"), "{html}");
    }
}
