//! Every renderer run natively (server-side rendering) over the hostile corpus of
//! tests/support/hostile.rs: markdown, every part type, messages and their errors, fork
//! banners, the lineage page, error panels, toasts, prompts, titles, and a routed page with a
//! hostile id. The produced HTML may hold no script, no event handler, no link or source that
//! is not http(s)/mailto, nothing that loads — and the hostile text must still be there, shown
//! as text.

#[path = "support/fixtures.rs"]
mod fixtures;
#[allow(dead_code)]
#[path = "support/hostile.rs"]
mod hostile;

use std::cell::RefCell;
use std::rc::Rc;

use branchpoint::api::{ApiError, Message, Part, PermissionRequest, QuestionRequest, Session};
use branchpoint::components::{
    ErrorPanel, ForkOrigin, MessageView, PartView, PermissionPrompt, QuestionPrompt, TitleEditor,
    ToastRegion,
};
use branchpoint::lineage::ForkKind;
use branchpoint::lineage::{Edge, LineageGraph};
use branchpoint::persist::ConnectionSettings as Settings;
use branchpoint::state::{Toast, ToastKind};
use dioxus::history::{History, MemoryHistory};
use dioxus::prelude::*;
use hostile::{check_html_beyond, corpus, escaped, small, Payload};
use serde_json::{json, Value};

/// Fails with every payload whose rendering broke a rule, not just the first.
/// The app's own markup (icons, links, controls) is learnt from a rendering of harmless text.
fn assert_all_safe(what: &str, render: impl Fn(&Payload) -> (String, Vec<String>)) {
    let mut failures = Vec::new();
    let (baseline, _) = render(&Payload {
        name: "harmless",
        text: "plain words".into(),
    });
    for payload in corpus() {
        let (html, must_show) = render(&payload);
        if let Err(problem) = check_html_beyond(&html, &baseline) {
            failures.push(format!("{what} / {}: {problem}", payload.name));
        }
        for text in must_show {
            if !html.contains(&text) {
                let shown: String = text.chars().take(80).collect();
                failures.push(format!(
                    "{what} / {}: the text {shown:?} is not shown",
                    payload.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn part(value: Value) -> String {
    let part = Part::from_value(value);
    assert!(
        !matches!(part, Part::Unknown { .. }) || part.id() == "prt_unknown",
        "the fixture must parse as its type: {part:?}"
    );
    dioxus_ssr::render_element(rsx! { PartView { part } })
}

/// The `n`th marker: a word each markdown payload is preceded by, so the test can tell the
/// payload's paragraph was rendered and not dropped.
fn marker(payload: &Payload) -> String {
    format!(
        "marker-{}",
        payload.name.len() * 7 + payload.text.len() % 97
    )
}

#[test]
fn markdown_text_and_reasoning_are_safe() {
    assert_all_safe("markdown", |p| {
        let html = branchpoint::markdown::to_safe_html(&format!("{}\n\n{}", marker(p), p.text));
        (html, vec![marker(p)])
    });
    assert_all_safe("text part", |p| {
        let html =
            part(json!({"id":"prt_1","type":"text","text":format!("{}\n\n{}", marker(p), p.text)}));
        (html, vec![marker(p)])
    });
    assert_all_safe("synthetic text part", |p| {
        let html = part(json!({"id":"prt_1","type":"text","synthetic":true,"text":p.text}));
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("reasoning part", |p| {
        let html = part(
            json!({"id":"prt_2","type":"reasoning","text":format!("{}\n\n{}", marker(p), p.text)}),
        );
        (html, vec![marker(p)])
    });
}

#[test]
fn raw_html_in_markdown_is_shown_as_text() {
    for payload in small() {
        let html = branchpoint::markdown::to_safe_html(&payload.text);
        let inline_html = payload.text.starts_with("<script")
            || payload.text.starts_with("<img")
            || payload.text.starts_with("<iframe");
        if inline_html {
            assert!(
                html.contains("&lt;"),
                "{}: raw HTML must show as text: {html}",
                payload.name
            );
        }
    }
}

#[test]
fn tool_calls_show_hostile_input_output_and_errors_as_text() {
    assert_all_safe("tool completed", |p| {
        let html = part(
            json!({"id":"prt_3","type":"tool","callID":p.text,"tool":p.text,"state":{
            "status":"completed","input":{"command":p.text,"other":[p.text]},"output":p.text,
            "title":p.text,"metadata":{"output":p.text},"time":{"start":1,"end":2}}}),
        );
        let gist: String = p.text.chars().take(120).collect();
        (html, vec![escaped(&p.text), escaped(&gist)])
    });
    assert_all_safe("tool error", |p| {
        let html = part(
            json!({"id":"prt_3","type":"tool","callID":"c","tool":"read","state":{
            "status":"error","input":{"filePath":p.text},"error":p.text,"metadata":{"x":p.text},
            "time":{"start":1,"end":2}}}),
        );
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("tool running", |p| {
        let html = part(
            json!({"id":"prt_3","type":"tool","callID":"c","tool":"bash","state":{
            "status":"running","input":{"url":p.text},"title":p.text,"time":{"start":1}}}),
        );
        let gist: String = p.text.chars().take(120).collect();
        (html, vec![escaped(&gist)])
    });
    assert_all_safe("tool pending", |p| {
        let html = part(
            json!({"id":"prt_3","type":"tool","callID":"c","tool":p.text,"state":{
            "status":"pending","input":{"pattern":p.text},"raw":p.text}}),
        );
        (html, vec![escaped(&p.text)])
    });
}

#[test]
fn files_patches_agents_subtasks_retries_and_unknown_parts_are_text() {
    assert_all_safe("file name", |p| {
        let html = part(
            json!({"id":"prt_4","type":"file","mime":p.text,"filename":p.text,"url":"file:///tmp/x"}),
        );
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("file url", |p| {
        let html = part(json!({"id":"prt_4","type":"file","mime":"image/png","url":p.text}));
        (html, vec![])
    });
    assert_all_safe("file svg data under a raster mime", |p| {
        let url = format!("data:image/svg+xml;base64,{}", p.text);
        let html = part(
            json!({"id":"prt_4","type":"file","mime":"image/png","filename":p.text,"url":url}),
        );
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("file url with a name", |p| {
        let url = format!("https://example.com/{}", p.text);
        let html =
            part(json!({"id":"prt_4","type":"file","mime":"text/plain","filename":"n","url":url}));
        (html, vec![])
    });
    assert_all_safe("file data url", |p| {
        let url = format!("data:image/png;base64,{}", p.text);
        let html = part(
            json!({"id":"prt_4","type":"file","mime":"image/png","filename":p.text,"url":url}),
        );
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("patch", |p| {
        let html = part(json!({"id":"prt_5","type":"patch","hash":p.text,"files":[p.text, "b"]}));
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("agent", |p| {
        let html = part(json!({"id":"prt_6","type":"agent","name":p.text}));
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("subtask", |p| {
        let html = part(
            json!({"id":"prt_7","type":"subtask","prompt":p.text,"description":p.text,"agent":p.text}),
        );
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("retry", |p| {
        let html = part(
            json!({"id":"prt_8","type":"retry","attempt":2,"error":{"name":p.text,"data":{"message":p.text}}}),
        );
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("step finish", |p| {
        let html = part(json!({"id":"prt_9","type":"step-finish","reason":p.text,"cost":0}));
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("snapshot", |p| {
        let html = part(json!({"id":"prt_10","type":"snapshot","snapshot":p.text}));
        (html, vec![])
    });
    assert_all_safe("unknown part", |p| {
        let html = part(json!({"id":"prt_unknown","type":p.text,"payload":p.text}));
        let label: String = p.text.chars().take(40).collect();
        (html, vec![escaped(&label)])
    });
}

// --- Components that need a router and the app's contexts ---------------------------------

thread_local! {
    static STAGE: RefCell<Option<Rc<dyn Fn() -> Element>>> = const { RefCell::new(None) };
}

#[derive(Routable, Clone, PartialEq, Debug)]
enum StageRoute {
    #[route("/")]
    Stage {},
}

#[component]
fn Stage() -> Element {
    let show = STAGE.with(|s| s.borrow().clone()).expect("a stage to show");
    show()
}

/// The app's own state (the same `provide_app_state` the app's root calls), holding these
/// settings, this lineage and these toasts.
fn provide_app_contexts(settings: Settings, lineage: LineageGraph, toasts: Vec<Toast>) {
    let state = branchpoint::state::provide_app_state();
    use_hook(move || {
        let (mut shown_settings, mut shown_toasts) = (state.settings, state.toasts.0);
        shown_settings.set(settings);
        shown_toasts.set(toasts);
        state.lineage.show(lineage);
    });
}

#[derive(Props, Clone, PartialEq)]
struct HarnessProps {
    path: String,
    app_routes: bool,
    settings: Settings,
    lineage: LineageGraph,
    toasts: Vec<Toast>,
}

#[allow(non_snake_case)]
fn Harness(props: HarnessProps) -> Element {
    provide_app_contexts(props.settings, props.lineage, props.toasts);
    let path = props.path.clone();
    use_hook(move || {
        provide_context(Rc::new(MemoryHistory::with_initial_path(path)) as Rc<dyn History>)
    });
    if props.app_routes {
        rsx! { Router::<branchpoint::route::Route> {} }
    } else {
        rsx! { Router::<StageRoute> {} }
    }
}

/// Renders a routed page of the app (or the stage); with `settle`, after its resources (which
/// fail at once natively: there is no network) have answered.
fn render_app(
    path: &str,
    app_routes: bool,
    settle: bool,
    settings: Settings,
    lineage: LineageGraph,
    toasts: Vec<Toast>,
) -> String {
    let mut dom = VirtualDom::new_with_props(
        Harness,
        HarnessProps {
            path: path.to_owned(),
            app_routes,
            settings,
            lineage,
            toasts,
        },
    );
    dom.rebuild_in_place();
    if !settle {
        return dioxus_ssr::render(&dom);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        for _ in 0..3 {
            let _ = tokio::time::timeout(std::time::Duration::from_millis(20), dom.wait_for_work())
                .await;
            dom.render_immediate(&mut dioxus::dioxus_core::NoOpMutations);
        }
    });
    dioxus_ssr::render(&dom)
}

/// Renders `show` inside a router, with the app's contexts.
fn staged(show: impl Fn() -> Element + 'static) -> String {
    STAGE.with(|s| *s.borrow_mut() = Some(Rc::new(show)));
    render_app(
        "/",
        false,
        false,
        Settings::default(),
        LineageGraph::default(),
        Vec::new(),
    )
}

fn hostile_edge(text: &str, kind: ForkKind) -> Edge {
    Edge {
        anchor: Some("msg_1".into()),
        role: None,
        excerpt: text.into(),
        kind,
        parent_title: text.into(),
        child_title: text.into(),
        server: text.into(),
        directory: text.into(),
        discovered: true,
        worktree: None,
        ..fixtures::edge("ses_child", "ses_parent")
    }
}

#[test]
fn messages_with_hostile_errors_and_fork_titles() {
    assert_all_safe("message", |p| {
        let message: Message = serde_json::from_value(json!({
            "info": {"id": "msg_1", "role": "assistant", "modelID": p.text, "time": {"created": 1, "completed": 2},
                     "error": {"name": p.text, "data": {"message": p.text}}},
            "parts": [{"id":"prt_1","type":"text","text":p.text}]
        }))
        .unwrap();
        let forks = vec![hostile_edge(&p.text, ForkKind::Through)];
        let html = staged(move || {
            let message = message.clone();
            let forks = forks.clone();
            rsx! { MessageView { message, now: 3.0, on_fork: None, forking: None, forks } }
        });
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("user message", |p| {
        let message: Message = serde_json::from_value(json!({
            "info": {"id": "msg_1", "role": "user", "agent": p.text, "model": {"providerID": p.text, "modelID": p.text}, "time": {"created": 1}},
            "parts": [{"id":"prt_1","type":"agent","name":p.text}]
        }))
        .unwrap();
        let html = staged(move || {
            let message = message.clone();
            rsx! { MessageView { message, now: 3.0, on_fork: None, forking: None } }
        });
        (html, vec![escaped(&p.text)])
    });
}

#[test]
fn fork_banner_shows_hostile_titles_and_excerpts_as_text() {
    for kind in [ForkKind::Through, ForkKind::Before, ForkKind::Whole] {
        assert_all_safe("fork banner", |p| {
            let edge = hostile_edge(&p.text, kind);
            let html = staged(move || {
                let edge = edge.clone();
                rsx! { ForkOrigin { session_id: "ses_child", edge, siblings: vec!["ses_child".into(), "ses_other".into()] } }
            });
            (html, vec![escaped(&p.text)])
        });
    }
}

#[test]
fn error_panels_show_the_servers_hostile_words_as_text() {
    assert_all_safe("error panel", |p| {
        let body = json!({"name": p.text, "data": {"message": p.text, "ref": p.text}}).to_string();
        let errors = vec![
            ApiError::from_status(500, &body),
            ApiError::from_status(404, &body),
            ApiError::from_status(400, &body),
            ApiError::from_status(502, &p.text),
            ApiError::Network {
                url: p.text.clone(),
                detail: p.text.clone(),
            },
            ApiError::Decode {
                detail: p.text.clone(),
            },
            ApiError::Invalid {
                message: p.text.clone(),
            },
        ];
        let html = staged(move || {
            rsx! {
                for error in errors.clone() {
                    ErrorPanel { error, on_retry: move |_| {} }
                }
            }
        });
        (html, vec![escaped(&p.text)])
    });
}

#[test]
fn toasts_prompts_and_titles_are_text() {
    assert_all_safe("toasts", |p| {
        let toasts = vec![
            Toast {
                id: 1,
                kind: ToastKind::Error,
                text: p.text.clone(),
            },
            Toast {
                id: 2,
                kind: ToastKind::Info,
                text: p.text.clone(),
            },
        ];
        STAGE.with(|s| *s.borrow_mut() = Some(Rc::new(|| rsx! { ToastRegion {} })));
        let html = render_app(
            "/",
            false,
            false,
            Settings::default(),
            LineageGraph::default(),
            toasts,
        );
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("permission prompt", |p| {
        let request: PermissionRequest = serde_json::from_value(json!({
            "id": "per_1", "sessionID": "ses_1", "permission": p.text, "patterns": [p.text],
            "metadata": {"command": p.text}, "always": [p.text]
        }))
        .unwrap();
        let html = staged(move || rsx! { PermissionPrompt { request: request.clone() } });
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("question prompt", |p| {
        let request: QuestionRequest = serde_json::from_value(json!({
            "id": "que_1", "sessionID": "ses_1",
            "questions": [{"question": p.text, "header": p.text, "multiple": true,
                           "options": [{"label": p.text, "description": p.text}, {"label": "b", "description": ""}]}]
        }))
        .unwrap();
        let html = staged(move || rsx! { QuestionPrompt { request: request.clone() } });
        (html, vec![escaped(&p.text)])
    });
    assert_all_safe("title", |p| {
        let session = Session {
            id: "ses_1".into(),
            title: p.text.clone(),
            ..Session::default()
        };
        let html = staged(
            move || rsx! { TitleEditor { session: session.clone(), on_renamed: move |_| {} } },
        );
        (html, vec![escaped(&p.text)])
    });
}

#[test]
fn the_lineage_page_shows_hostile_titles_and_excerpts_as_text() {
    assert_all_safe("lineage page", |p| {
        let mut lineage = LineageGraph::default();
        let mut edge = hostile_edge(&p.text, ForkKind::Through);
        edge.child = p.text.clone();
        lineage.add(edge);
        let mut second = hostile_edge(&p.text, ForkKind::Before);
        second.child = "ses_second".into();
        second.parent = p.text.clone();
        lineage.add(second);
        let html = render_app(
            "/lineage",
            true,
            false,
            Settings::default(),
            lineage,
            Vec::new(),
        );
        (html, vec![escaped(&p.text)])
    });
}

#[test]
fn routed_pages_with_a_hostile_id_or_server_url() {
    assert_all_safe("session page with a hostile id", |p| {
        let id: String = p.text.chars().take(2000).collect();
        let path = format!("/session/{}", branchpoint::api::client::percent_encode(&id));
        let html = render_app(
            &path,
            true,
            false,
            Settings::default(),
            LineageGraph::default(),
            Vec::new(),
        );
        // Not a valid id, or (with a `/` in it) no such page: either way, an error panel.
        (html, vec!["role=\"alert\"".to_owned()])
    });
    assert_all_safe("sessions page with a hostile server url", |p| {
        let settings = Settings {
            server_url: p.text.clone(),
            ..Settings::default()
        };
        let html = render_app(
            "/",
            true,
            true,
            settings,
            LineageGraph::default(),
            Vec::new(),
        );
        let url = escaped(p.text.trim().trim_end_matches('/'));
        (
            html,
            vec!["Server unreachable".to_owned(), format!("server at {url}")],
        )
    });
}

#[test]
fn the_sessions_list_logic_takes_hostile_titles_and_queries() {
    let sessions: Vec<Session> = corpus()
        .iter()
        .enumerate()
        .map(|(i, p)| Session {
            id: format!("ses_{i}"),
            title: p.text.clone(),
            parent_id: (i % 3 == 0).then(|| p.text.clone()),
            ..Session::default()
        })
        .collect();
    for payload in corpus() {
        let rows = branchpoint::session_list::arrange(&sessions, &payload.text, None);
        assert!(
            rows.iter().any(|r| r.session.title == payload.text) || payload.text.trim().is_empty(),
            "{}: searching for a title finds it",
            payload.name
        );
        let _ = branchpoint::text::display_title(&payload.text);
        let _ = branchpoint::text::excerpt(&payload.text, 24);
    }
}
