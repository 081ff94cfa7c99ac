//! The hostile-input corpus: what a model, a tool or a server the user exposed might send to
//! make the app run script, load something, or fall over. Every renderer is run over it natively
//! (tests/hostile_render.rs) and in the browser (tests/browser_hostile.rs), and `check_html`
//! says what a rendering of it may not contain.

/// One hostile input.
pub struct Payload {
    /// What it tries, for failure messages.
    pub name: &'static str,
    pub text: String,
}

/// The payloads written out literally: `name ␟ text`, one per line ("\n" in the text is a line
/// break).
const LITERAL: &str = r#"
script tag␟<script>alert('xss-script')</script>
script tag, upper case␟<SCRIPT SRC=//evil.example/x.js></SCRIPT>
script split by a null␟<scr\0ipt>alert(1)</scr\0ipt>
img onerror␟<img src=x onerror=alert('xss-img')>
img onerror, no quotes or spaces␟<img/src=x/onerror=alert(1)>
svg onload␟<svg onload=alert('xss-svg')><circle r=5/></svg>
svg with script␟<svg><script>alert(1)</script></svg>
svg animate href␟<svg><a><animate attributeName=href values=javascript:alert(1) /><text x=20 y=20>click</text></a></svg>
math href␟<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></math>
iframe srcdoc␟<iframe srcdoc="<script>alert(1)</script>"></iframe>
iframe javascript␟<iframe src="javascript:alert(1)"></iframe>
object and embed␟<object data="data:text/html,<script>alert(1)</script>"></object><embed src="javascript:alert(1)">
style tag␟<style>body{background:url(https://evil.example/bg)}</style>
link and meta␟<link rel=stylesheet href=https://evil.example/s.css><meta http-equiv="refresh" content="0;url=javascript:alert(1)">
base href␟<base href="https://evil.example/">
form action␟<form action="javascript:alert(1)"><button>go</button></form><button formaction=javascript:alert(1)>x</button>
div onmouseover␟<div onmouseover="alert(1)" style="position:fixed;inset:0">hover</div>
details ontoggle␟<details open ontoggle=alert(1)>
body onload␟<body onload=alert(1)>
attribute breakout␟"><script>alert(1)</script><a title="
single quote breakout␟'><img src=x onerror=alert(1)>'
closing textarea␟</textarea><script>alert(1)</script>
closing title␟</title><script>alert(1)</script>
html comment trick␟<!--><img src=x onerror=alert(1)>-->
cdata trick␟<![CDATA[<]]><script>alert(1)</script>
template literal␟${alert(1)}{{constructor.constructor('alert(1)')()}}
entity-encoded script␟&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;
markdown javascript link␟[click me](javascript:alert('xss-md'))
markdown javascript link, case␟[click me](JaVaScRiPt:alert(1))
markdown javascript link, entities␟[click me](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))
markdown javascript link, hex entities␟[click me](&#x6A;avascript:alert(1))
markdown javascript link, whitespace␟[click me]( javascript:alert(1))
markdown javascript link, tab inside␟[click me](java	script:alert(1))
markdown javascript link, percent␟[click me](javascript%3Aalert(1))
markdown javascript link, angle brackets␟[click me](<javascript:alert(1)>)
markdown data link␟[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
markdown vbscript link␟[click me](vbscript:msgbox(1))
markdown file link␟[click me](file:///etc/passwd)
markdown link title breakout␟[click me](https://example.com "a\" onmouseover=\"alert(1)")
markdown link with quote in url␟[click me](https://example.com/"onmouseover="alert(1))
markdown reference link␟[click me][evil]\n\n[evil]: javascript:alert(1)
markdown reference link, data␟[click me][ev]\n\n[ev]: data:text/html,<script>alert(1)</script> "t"
markdown autolink␟<javascript:alert(1)> and <https://example.com/ok>
markdown email autolink␟<a@b.c?body=<script>alert(1)</script>>
markdown image␟![pic](https://evil.example/track.png)
markdown image javascript␟![pic](javascript:alert(1))
markdown image onerror in alt␟![x" onerror="alert(1)](https://evil.example/p.png)
markdown image data svg␟![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)
markdown image reference␟![pic][img]\n\n[img]: https://evil.example/track.png
markdown image inside link␟[![pic](https://evil.example/p.png)](javascript:alert(1))
markdown link inside image␟![[inner](javascript:alert(1))](https://evil.example/p.png)
markdown html block␟<div>\n\n<script>alert(1)</script>\n\n</div>
markdown code fence language␟```"><script>alert(1)</script>\ncode\n```
markdown heading attributes␟# Title {#id onclick=alert(1) .cls}
markdown table with html␟| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |
markdown task list␟- [x] <script>alert(1)</script>\n- [ ] done
markdown footnote␟text[^1]\n\n[^1]: <script>alert(1)</script> [x](javascript:alert(1))
javascript url as plain text␟javascript:alert(1)
zero-width characters␟ja\u200bva\u200cscr\u200dipt\u2060:alert(1) \u{feff}<scr\u200bipt>
right-to-left override␟\u202eexe.txt\u202c \u2066isolated\u2069 \u200fRLM\u200e
bidi in a link␟[\u202egpj.exe](https://example.com/\u202eevil)
unicode lookalikes␟ｊａｖａｓｃｒｉｐｔ：alert(1) ＜script＞alert(1)＜/script＞
control characters␟bell\u0007 backspace\u0008 escape\u001b[31m red \u001b[0m nul\0end
lone surrogate-like text␟\u{fffd}\u{fffe}\u{ffff}
css expression␟<p style="background:url(javascript:alert(1));width:expression(alert(1))">x</p>
markdown protocol-relative link␟[click me](//evil.example/x) and //evil.example
markdown backslash link␟[click me](\\evil.example) [two](\\\\evil.example/x)
scheme without slashes␟[click me](https:evil.example) https:evil.example http:/evil.example
control character before a scheme␟[click me](\u0001javascript:alert(1)) \u0001javascript:alert(1) [two](\u0001https://evil.example)
relative links␟[settings](/settings) [session](session/ses_attacker0001) [up](../lineage) [query](?focus=x) [top](#main)
noscript and xmp␟<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript><xmp><script>alert(1)</script></xmp>
"#;

/// The corpus: every literal payload, then the generated big and deep ones.
pub fn corpus() -> Vec<Payload> {
    let mut all: Vec<Payload> = LITERAL
        .lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let (name, text) = line.split_once('␟').expect("name␟text");
            Payload {
                name: Box::leak(name.to_owned().into_boxed_str()),
                text: unescape(text),
            }
        })
        .collect();
    all.extend(big());
    all
}

/// The literal payloads only (small enough to put many in one message or title).
pub fn small() -> Vec<Payload> {
    corpus()
        .into_iter()
        .filter(|p| p.text.len() < 4096)
        .collect()
}

/// The generated payloads: a 1 MB single line and deeply nested markdown.
pub fn big() -> Vec<Payload> {
    let deep = 10_000;
    vec![
        payload(
            "1 MB single line",
            format!(
                "<img src=x onerror=alert(1)>{}",
                "A&<\"'x".repeat((1 << 20) / 6 + 1)
            ),
        ),
        payload(
            "10,000 nested blockquotes",
            format!("{} deep <script>alert(1)</script>", ">".repeat(deep)),
        ),
        payload(
            "10,000 nested brackets",
            format!(
                "{}x{}(javascript:alert(1))",
                "[".repeat(deep),
                "]".repeat(deep)
            ),
        ),
        payload(
            "10,000 open brackets",
            "[".repeat(deep) + "(javascript:alert(1))",
        ),
        payload(
            "10,000 nested list items",
            "- ".repeat(deep) + "deep item <img src=x onerror=alert(1)>",
        ),
        payload(
            "1,000 indented list levels",
            (0..1_000)
                .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
                .collect(),
        ),
        payload(
            "10,000 emphasis markers",
            "*_".repeat(deep) + "x" + &"_*".repeat(deep),
        ),
        payload(
            "10,000 backticks",
            "`".repeat(deep) + "<script>alert(1)</script>",
        ),
        payload(
            "10,000 nested html tags",
            "<div>".repeat(deep) + "<img src=x onerror=alert(1)>",
        ),
        payload(
            "10,000 reference definitions",
            (0..deep)
                .map(|i| format!("[r{i}]: javascript:alert({i})\n"))
                .collect::<String>()
                + "[r1] [r9999]",
        ),
    ]
}

fn payload(name: &'static str, text: String) -> Payload {
    Payload { name, text }
}

/// Turns the `\n`, `\0`, `\uXXXX` and `\u{X}` escapes of a literal payload into characters.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('0') => out.push('\0'),
            Some('u') => {
                let hex: String = if chars.peek() == Some(&'{') {
                    chars.next();
                    chars.by_ref().take_while(|c| *c != '}').collect()
                } else {
                    chars.by_ref().take(4).collect()
                };
                out.push(
                    u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('\u{fffd}'),
                );
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Elements a rendering may never contain: they run script, load things, or change how the
/// page or its forms behave.
const FORBIDDEN_TAGS: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "style",
    "link", "meta", "base", "form", "textarea", "select", "video", "audio", "source", "track",
    "picture", "portal", "noscript", "xmp", "template", "body", "html", "head", "title", "marquee",
];

/// What is wrong with a rendering of hostile input, if anything: a forbidden element, an
/// event-handler or script-capable attribute, a link or source that is not http(s)/mailto, an
/// image that loads from anywhere, an input that is not a plain checkbox.
pub fn check_html(html: &str) -> Result<(), String> {
    check_html_beyond(html, "")
}

/// Like [`check_html`], but tags that also appear, byte for byte, in `baseline` (the same
/// renderer run over harmless text: the app's own icons, links and controls) are not judged.
pub fn check_html_beyond(html: &str, baseline: &str) -> Result<(), String> {
    let own: std::collections::HashSet<String> =
        tags(baseline).into_iter().map(|t| t.raw).collect();
    for tag in tags(html) {
        if own.contains(&tag.raw) {
            continue;
        }
        let name = tag.name.as_str();
        if FORBIDDEN_TAGS.contains(&name) {
            return Err(format!("<{name}> element: {}", tag.shown()));
        }
        for (attr, value) in &tag.attrs {
            let attr = attr.as_str();
            let value = decode_entities(value);
            if attr.starts_with("on") {
                return Err(format!("event handler {attr}: {}", tag.shown()));
            }
            if matches!(
                attr,
                "style"
                    | "srcdoc"
                    | "formaction"
                    | "action"
                    | "xlink:href"
                    | "srcset"
                    | "data"
                    | "background"
                    | "poster"
                    | "ping"
                    | "dynsrc"
                    | "lowsrc"
            ) {
                return Err(format!("attribute {attr}: {}", tag.shown()));
            }
            if attr == "href" && !safe_link(&value) {
                return Err(format!("unsafe href {value:?}: {}", tag.shown()));
            }
            if attr == "src" && !(name == "img" && inline_raster(&value)) {
                return Err(format!("src that loads or runs {value:?}: {}", tag.shown()));
            }
            if attr == "http-equiv" {
                return Err(format!("http-equiv: {}", tag.shown()));
            }
        }
        if name == "input" {
            let get = |k: &str| {
                tag.attrs
                    .iter()
                    .find(|(a, _)| a == k)
                    .map(|(_, v)| v.as_str())
            };
            // Markdown task lists are disabled checkboxes; the app's own checkboxes (the lineage
            // view's "Compare …") carry nothing but a label. Nothing else may be an input.
            let inert = tag.attrs.iter().all(|(a, _)| {
                matches!(
                    a.as_str(),
                    "type" | "checked" | "disabled" | "aria-label" | "class"
                )
            });
            if get("type") != Some("checkbox") || !inert {
                return Err(format!(
                    "an input that is not a plain checkbox: {}",
                    tag.shown()
                ));
            }
        }
        if name == "a" {
            let rel = tag
                .attrs
                .iter()
                .find(|(a, _)| a == "rel")
                .map(|(_, v)| v.as_str())
                .unwrap_or_default();
            let external = tag
                .attrs
                .iter()
                .any(|(a, v)| a == "href" && !v.starts_with('/'));
            if external && !rel.contains("noopener") {
                return Err(format!(
                    "external link without rel=noopener: {}",
                    tag.shown()
                ));
            }
        }
    }
    Ok(())
}

/// Is this an `href` a rendering may carry: http(s), mailto, or a path inside the app?
fn safe_link(value: &str) -> bool {
    let plain: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    plain.starts_with("https://")
        || plain.starts_with("http://")
        || plain.starts_with("mailto:")
        || (plain.starts_with('/') && !plain.starts_with("//"))
        || plain.starts_with('#')
}

/// An image the page may show: inline PNG, JPEG, GIF or WebP data (no SVG, no network).
fn inline_raster(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    ["png", "jpeg", "jpg", "gif", "webp"]
        .iter()
        .any(|kind| lower.starts_with(&format!("data:image/{kind};")))
}

/// An opening tag found in rendered HTML.
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub raw: String,
}

impl Tag {
    /// The tag, cut short for a failure message.
    pub fn shown(&self) -> String {
        self.raw.chars().take(200).collect()
    }
}

/// Every opening tag of `html`, read the way a browser's tokenizer would (text is escaped by
/// the renderers, so a `<` followed by a letter starts a tag).
pub fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let name_start = i;
        while i < bytes.len()
            && !matches!(
                bytes[i],
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>'
            )
        {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < bytes.len()
                && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/')
            {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let attr_start = i;
            while i < bytes.len()
                && !matches!(
                    bytes[i],
                    b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>' | b'='
                )
            {
                i += 1;
            }
            let attr = html[attr_start..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                match bytes.get(i) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let end = html[i + 1..]
                            .find(q as char)
                            .map_or(bytes.len(), |e| i + 1 + e);
                        value = html[i + 1..end].to_owned();
                        i = (end + 1).min(bytes.len());
                    }
                    _ => {
                        let value_start = i;
                        while i < bytes.len()
                            && !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>')
                        {
                            i += 1;
                        }
                        value = html[value_start..i].to_owned();
                    }
                }
            }
            attrs.push((attr, value));
        }
        let end = (i + 1).min(bytes.len());
        let raw = html[start..end].to_owned();
        found.push(Tag { name, attrs, raw });
        i = end;
    }
    found
}

/// Decodes the character references a browser would in an attribute value.
pub fn decode_entities(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map(|e| e + 1);
        let (reference, after) = match end {
            Some(e) => (&rest[1..e], &rest[e..]),
            None => (&rest[1..], ""),
        };
        let decoded = match reference {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "colon" => Some(':'),
            "tab" => Some('\t'),
            "newline" => Some('\n'),
            r if r.starts_with("#x") || r.starts_with("#X") => u32::from_str_radix(&r[2..], 16)
                .ok()
                .and_then(char::from_u32),
            r if r.starts_with('#') => r[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = after.strip_prefix(';').unwrap_or(after);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text as the renderers escape it (dioxus text and attribute values).
pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            '&' => out.push_str("&#38;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
