//! Parsing never panics: every API type, the `/event` framing and events, error bodies, the
//! lineage store's loader, import and migration, and the lineage kept in session metadata are
//! fed real samples truncated at every
//! byte, mutated bytes, random values in every field, and deep nesting. A small deterministic
//! generator (seeded, so a failure repeats) instead of a fuzzing crate: the whole file runs in
//! seconds.

use std::panic::{catch_unwind, AssertUnwindSafe};

use branchpoint::api::client::{parse, Health, Response};
use branchpoint::api::events::{Event, SseParser};
use branchpoint::api::{
    Agent, ApiError, Message, MessageInfo, Part, PermissionRequest, Project, Providers,
    QuestionRequest, Session, SessionStatus,
};
use branchpoint::lineage::{remote, store, LineageGraph};
use branchpoint::persist::storage::{self, Area};
use serde_json::{json, Value};

/// xorshift64*: small, fast, and the same sequence on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// --- Real samples (shapes checked against opencode 1.18.33) --------------------------------

fn session_sample() -> Value {
    json!({"id":"ses_1","slug":"calm-river","projectID":"prj_1","directory":"/tmp/p","parentID":null,
        "title":"Refactor","version":"1.18.33","time":{"created":1.0,"updated":2.0},
        "summary":{"additions":1,"deletions":2,"files":3},"share":{"url":"https://x"},
        "revert":{"messageID":"msg_1","partID":"prt_1","snapshot":"s","diff":"d"},
        "model":{"providerID":"p","modelID":"m"},"permission":[],"metadata":{}})
}

/// A fork's session carrying its lineage in its metadata (and another tool's key).
fn session_with_lineage_sample() -> Value {
    let mut session = session_sample();
    session["id"] = json!("ses_childsession01");
    session["metadata"] = json!({"other": {"a": [1, 2]}, "branchpoint": {"v": 1,
        "session": "ses_childsession01", "parent": "ses_parentsession1", "anchor": "msg_anchormessage1",
        "role": "user", "kind": "through", "excerpt": "add tests", "created": 1764000000000u64,
        "discovered": false, "parent_title": "Refactor"}});
    session
}

fn parts_sample() -> Value {
    json!([
        {"id":"prt_1","type":"text","text":"hi **there**","time":{"start":1}},
        {"id":"prt_2","type":"reasoning","text":"hmm","time":{"start":1,"end":2}},
        {"id":"prt_3","type":"tool","callID":"c","tool":"bash","state":{"status":"completed","input":{"command":"ls"},"output":"a\n","title":"ls","metadata":{},"time":{"start":1,"end":2}}},
        {"id":"prt_3b","type":"tool","callID":"c","tool":"read","state":{"status":"error","input":{"filePath":"x"},"error":"nope","time":{"start":1,"end":2}}},
        {"id":"prt_3c","type":"tool","callID":"c","tool":"bash","state":{"status":"running","input":{},"title":"t","time":{"start":1}}},
        {"id":"prt_3d","type":"tool","callID":"c","tool":"bash","state":{"status":"pending","input":{},"raw":""}},
        {"id":"prt_4","type":"file","mime":"text/plain","filename":"a.txt","url":"file:///a.txt"},
        {"id":"prt_5","type":"step-start","snapshot":"abc"},
        {"id":"prt_6","type":"step-finish","reason":"stop","cost":0,"tokens":{"input":1,"output":2,"reasoning":0,"cache":{"read":0,"write":0}}},
        {"id":"prt_7","type":"patch","hash":"h","files":["a.rs"]},
        {"id":"prt_8","type":"agent","name":"build"},
        {"id":"prt_9","type":"snapshot","snapshot":"abcdef0123456"},
        {"id":"prt_10","type":"compaction","auto":true},
        {"id":"prt_11","type":"subtask","prompt":"p","description":"d","agent":"general"},
        {"id":"prt_12","type":"retry","attempt":2,"error":{"name":"APIError","data":{"message":"m"}}},
        {"id":"prt_13","type":"hologram","beam":1}
    ])
}

fn messages_sample() -> Value {
    json!([
        {"info":{"id":"msg_1","sessionID":"ses_1","role":"user","time":{"created":1},"agent":"build",
                 "model":{"providerID":"p","modelID":"m"}},
         "parts":[{"id":"prt_0","type":"text","text":"do it"}]},
        {"info":{"id":"msg_2","sessionID":"ses_1","role":"assistant","time":{"created":2,"completed":3},
                 "parentID":"msg_1","modelID":"m","providerID":"p","mode":"build","agent":"build","cost":0.1,
                 "tokens":{"input":1,"output":2,"reasoning":0},"finish":"stop","path":{"cwd":"/","root":"/"},
                 "error":{"name":"APIError","data":{"message":"boom"}}},
         "parts": parts_sample()}
    ])
}

fn event_samples() -> Vec<Value> {
    let info = messages_sample()[1]["info"].clone();
    vec![
        json!({"type":"server.connected","properties":{}}),
        json!({"type":"session.created","properties":{"info":session_sample()}}),
        json!({"type":"session.updated","properties":{"info":session_sample()}}),
        json!({"type":"session.deleted","properties":{"info":session_sample()}}),
        json!({"type":"session.status","properties":{"sessionID":"ses_1","status":{"type":"retry","attempt":1,"message":"m"}}}),
        json!({"type":"session.idle","properties":{"sessionID":"ses_1"}}),
        json!({"type":"session.error","properties":{"sessionID":"ses_1","error":{"name":"E","data":{"message":"m"}}}}),
        json!({"type":"message.updated","properties":{"info":info}}),
        json!({"type":"message.removed","properties":{"sessionID":"ses_1","messageID":"msg_2"}}),
        json!({"type":"message.part.updated","properties":{"part":{"id":"prt_1","sessionID":"ses_1","messageID":"msg_2","type":"text","text":"x"}}}),
        json!({"type":"message.part.delta","properties":{"sessionID":"ses_1","messageID":"msg_2","partID":"prt_1","field":"text","delta":"Hel"}}),
        json!({"type":"message.part.removed","properties":{"sessionID":"ses_1","messageID":"msg_2","partID":"prt_1"}}),
        json!({"type":"permission.asked","properties":{"id":"per_1","sessionID":"ses_1","permission":"bash","patterns":["ls"],"metadata":{},"always":["ls *"],"tool":{"messageID":"msg_2","callID":"c"}}}),
        json!({"type":"permission.replied","properties":{"sessionID":"ses_1","requestID":"per_1","reply":"once"}}),
        json!({"type":"question.asked","properties":{"id":"que_1","sessionID":"ses_1","questions":[{"question":"q","header":"h","options":[{"label":"a","description":"d"}],"multiple":false}]}}),
        json!({"type":"question.replied","properties":{"sessionID":"ses_1","requestID":"que_1"}}),
        json!({"type":"server.heartbeat","properties":{}}),
    ]
}

fn lineage_sample() -> Value {
    json!({"version":1,"edges":[
        {"child":"ses_bbbbbbbb","parent":"ses_aaaaaaaa","anchor":"msg_11111111","role":"user","excerpt":"e","kind":"through",
         "created":1.764e12,"parent_title":"A","child_title":"B","server":"http://127.0.0.1:4096","directory":""},
        {"child":"ses_cccccccc","parent":"ses_bbbbbbbb","kind":"whole","created":1.764e12 + 1.0},
        {"child":"ses_dddddddd","parent":"ses_aaaaaaaa","anchor":"msg_11111111","role":"assistant","kind":"before","created":1.764e12 + 2.0}
    ]})
}

fn other_samples() -> Vec<Value> {
    vec![
        json!([{"id":"prj_1","worktree":"/tmp/p","name":"p","sandboxes":[]}]),
        json!([{"name":"build","description":"d","mode":"primary","hidden":false}]),
        json!({"providers":[{"id":"p","name":"P","models":{"m":{"id":"m","name":"M"}}}],"default":{"p":"m"}}),
        json!({"ses_1":{"type":"busy"},"ses_2":{"type":"idle"}}),
        json!({"healthy":true,"version":"1.18.33"}),
        json!({"name":"NotFoundError","data":{"message":"Session not found","ref":"err_1"}}),
    ]
}

// --- What is fed: every parser the app has --------------------------------------------------

/// Runs every parser over `bytes`. Panics propagate to the caller's `catch_unwind`.
fn feed(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let _ = serde_json::from_slice::<Session>(bytes);
    let _ = serde_json::from_slice::<Vec<Session>>(bytes);
    let _ = serde_json::from_slice::<Message>(bytes);
    let _ = serde_json::from_slice::<Vec<Message>>(bytes);
    let _ = serde_json::from_slice::<MessageInfo>(bytes);
    let _ = serde_json::from_slice::<Part>(bytes);
    let _ = serde_json::from_slice::<Vec<Part>>(bytes);
    let _ = serde_json::from_slice::<PermissionRequest>(bytes);
    let _ = serde_json::from_slice::<Vec<PermissionRequest>>(bytes);
    let _ = serde_json::from_slice::<QuestionRequest>(bytes);
    let _ = serde_json::from_slice::<std::collections::HashMap<String, SessionStatus>>(bytes);
    let _ = serde_json::from_slice::<Vec<Agent>>(bytes);
    let _ = serde_json::from_slice::<Vec<Project>>(bytes);
    let _ = serde_json::from_slice::<Providers>(bytes);
    let _ = serde_json::from_slice::<Health>(bytes);
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        let part = Part::from_value(value.clone());
        let _ = part.id();
        if let Ok(messages) = serde_json::from_value::<Vec<Message>>(value) {
            exercise_messages(messages);
        }
    }
    let ok = Response {
        status: 200,
        body: text.to_string(),
        ..Response::default()
    };
    let _ = parse::<Vec<Session>>(&ok);
    let _ = parse::<Vec<Message>>(&ok);
    for status in [401, 404, 500] {
        let error = ApiError::from_status(status, &text);
        let _ = (error.to_string(), error.title(), error.is_network());
    }
    let event = Event::parse(&text);
    let _ = event.session_id();
    static MESSAGES: std::sync::OnceLock<Vec<Message>> = std::sync::OnceLock::new();
    let mut messages = MESSAGES
        .get_or_init(|| serde_json::from_value(messages_sample()).unwrap())
        .clone();
    let _ = branchpoint::live::apply(&mut messages, "ses_1", &event);
    let _ = branchpoint::live::apply(&mut messages, "", &event);
    if let Ok(lineage) = store::decode(&text) {
        exercise_lineage(&lineage);
    }
    let sessions = serde_json::from_slice::<Vec<Session>>(bytes)
        .or_else(|_| serde_json::from_slice::<Session>(bytes).map(|s| vec![s]));
    if let Ok(sessions) = sessions {
        exercise_remote(&sessions);
    }
}

/// The lineage read from sessions' metadata, merged into an empty lineage and one that
/// records those sessions differently.
fn exercise_remote(sessions: &[Session]) {
    let server = "http://127.0.0.1:4096";
    let mut empty = LineageGraph::default();
    let seen = remote::reconcile(&empty, sessions, server);
    seen.apply(&mut empty);
    let mut known = LineageGraph::default();
    for session in sessions {
        let edge = json!({"child": session.id, "parent": "ses_someothersource", "kind": "whole",
            "created": 1.0, "server": server});
        if let Ok(edge) = serde_json::from_value(edge) {
            known.add(edge);
        }
    }
    let seen = remote::reconcile(&known, sessions, server);
    seen.apply(&mut known);
    for session in sessions {
        known.keep_local_record(&session.id);
        known.use_server_record(&session.id);
        let _ = branchpoint::lineage::outbox::record_for(&known, &session.id);
    }
    let _ = store::decode(&store::encode(&known)).expect("what we write reads back");
}

fn exercise_messages(messages: Vec<Message>) {
    for (i, message) in messages.iter().enumerate() {
        let _ = (message.text(), message.info.id(), message.info.created());
        let _ = branchpoint::fork::is_running(message);
        let _ = branchpoint::fork::plan::next_turn_start(&messages, i);
        for point in [
            branchpoint::fork::ForkPoint::Through(message.info.id().to_owned()),
            branchpoint::fork::ForkPoint::Before(message.info.id().to_owned()),
            branchpoint::fork::ForkPoint::Whole,
        ] {
            if let Ok(plan) = branchpoint::fork::plan::plan("ses_1", &messages, &point) {
                let plan = branchpoint::fork::plan::complete_only(plan, &messages);
                let _ = branchpoint::fork::plan::fork_title("T", &plan);
            }
        }
    }
}

fn exercise_lineage(lineage: &LineageGraph) {
    let _ = lineage.trees();
    let _ = lineage.roots();
    let mut copy = lineage.clone();
    for edge in lineage.edges.iter().take(20) {
        let _ = lineage.siblings(&edge.child);
        let _ = lineage.children(&edge.parent);
        let _ = lineage.root_of(&edge.child);
        copy.set_title(&edge.child, "t");
    }
    copy.merge(lineage);
    let _ = store::decode(&store::encode(&copy)).expect("what we write reads back");
}

/// Feeds `bytes`, failing with the input when a parser panics.
fn must_not_panic(what: &str, bytes: &[u8]) {
    if catch_unwind(AssertUnwindSafe(|| feed(bytes))).is_err() {
        panic!(
            "{what}: a parser panicked on {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(400)])
        );
    }
}

fn samples() -> Vec<Value> {
    let mut all = vec![
        session_sample(),
        session_with_lineage_sample(),
        json!([session_sample()]),
        messages_sample(),
        lineage_sample(),
    ];
    all.push(lineage_sample()["edges"].clone()); // a version-0 lineage: a bare array
                                                 // The same lineage as this build writes it (schema 2: sessions listed once, edges as arrays).
    let decoded = branchpoint::lineage::store::decode(&lineage_sample().to_string()).unwrap();
    all.push(serde_json::from_str(&branchpoint::lineage::store::encode(&decoded)).unwrap());
    all.extend(parts_sample().as_array().unwrap().iter().cloned());
    all.extend(event_samples());
    all.extend(other_samples());
    all
}

// --- The tests ---------------------------------------------------------------------------

#[test]
fn samples_truncated_at_every_byte() {
    for sample in samples() {
        let bytes = sample.to_string().into_bytes();
        for end in 0..=bytes.len() {
            must_not_panic("truncated", &bytes[..end]);
        }
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "null",
    "true",
    "-",
    "0",
    "1e999",
    "-1e999",
    "1.5e308",
    "18446744073709551616",
    "-9223372036854775809",
    "\\u0000",
    "\\ud800",
    "\\udfff",
    "\\",
    "\"type\":",
    "\"id\":",
    "\"status\":",
    "\"role\":",
    "\"version\":",
    "\u{202e}",
    "\u{feff}",
    "\"text\"",
    "NaN",
    "Infinity",
    "\"\\u",
];

#[test]
fn samples_with_mutated_bytes() {
    let mut rng = Rng(0x5eed_0001);
    let samples: Vec<Vec<u8>> = samples()
        .iter()
        .map(|s| s.to_string().into_bytes())
        .collect();
    for round in 0..12_000 {
        let mut bytes = rng.pick(&samples).clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len() + 1);
            match rng.below(5) {
                0 if !bytes.is_empty() => {
                    let at = at.min(bytes.len() - 1);
                    bytes[at] = (rng.next() & 0xff) as u8;
                }
                1 => {
                    let token = rng.pick(TOKENS).as_bytes().to_vec();
                    bytes.splice(at..at, token);
                }
                2 => {
                    let end = (at + rng.below(16)).min(bytes.len());
                    bytes.drain(at..end);
                }
                3 => {
                    let end = (at + rng.below(32)).min(bytes.len());
                    let copy = bytes[at..end].to_vec();
                    bytes.splice(at..at, copy);
                }
                _ => bytes.truncate(at),
            }
        }
        must_not_panic(&format!("mutation round {round}"), &bytes);
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 3 { 9 } else { 12 }) {
        0 => Value::Null,
        1 => json!(rng.below(2) == 0),
        2 => json!(rng.next() as i64),
        3 => {
            let float = f64::from_bits(rng.next());
            json!(if float.is_finite() { float } else { -0.0 })
        }
        4 => json!(u64::MAX),
        5 => json!(""),
        6 => json!(rng
            .pick(&[
                "ses_1",
                "msg_2",
                "prt_1",
                "text",
                "tool",
                "assistant",
                "user",
                "completed",
                "error",
                "through",
                "<script>alert(1)</script>",
                "\u{202e}x",
                "\0"
            ])
            .to_string()),
        7 => json!("x".repeat(rng.below(3000))),
        8 => json!(-1),
        9 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        10 => {
            let keys = [
                "id",
                "type",
                "text",
                "status",
                "role",
                "info",
                "parts",
                "edges",
                "version",
                "child",
                "parent",
                "kind",
                "created",
                "properties",
            ];
            Value::Object(
                (0..rng.below(5))
                    .map(|_| (rng.pick(&keys).to_string(), random_value(rng, depth + 1)))
                    .collect(),
            )
        }
        _ => {
            let mut nested = json!("deep");
            for _ in 0..rng.below(120) {
                nested = if rng.below(2) == 0 {
                    json!([nested])
                } else {
                    json!({"a": nested})
                };
            }
            nested
        }
    }
}

/// Every node of `value`, as JSON pointers.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                pointers(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                pointers(
                    item,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => {}
    }
}

#[test]
fn random_values_in_every_field() {
    let mut rng = Rng(0x5eed_0002);
    for sample in samples() {
        let mut nodes = Vec::new();
        pointers(&sample, String::new(), &mut nodes);
        for node in &nodes {
            for _ in 0..3 {
                let mut value = sample.clone();
                if let Some(slot) = value.pointer_mut(node) {
                    *slot = random_value(&mut rng, 0);
                }
                let bytes = value.to_string().into_bytes();
                must_not_panic(&format!("random value at {node:?}"), &bytes);
                // And the event wrapping, so each event type sees its random fields.
                let wrapped = json!({"type": rng.pick(&["message.part.updated", "message.updated", "session.updated", "permission.asked", "question.asked", "session.status", "message.part.delta"]), "properties": value});
                must_not_panic("random event", wrapped.to_string().as_bytes());
            }
        }
    }
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    for depth in [127, 128, 129, 1_000, 100_000] {
        for (open, close) in [
            ("[", "]"),
            ("{\"a\":", "}"),
            ("{\"info\":", "}"),
            ("{\"parts\":[", "]}"),
        ] {
            let text = format!("{}1{}", open.repeat(depth), close.repeat(depth));
            must_not_panic(&format!("nested {open} x {depth}"), text.as_bytes());
            must_not_panic(
                &format!("unclosed {open} x {depth}"),
                open.repeat(depth).as_bytes(),
            );
        }
    }
    let deep_event = format!(
        "{{\"type\":\"message.part.updated\",\"properties\":{{\"part\":{{\"id\":\"prt_1\",\"type\":\"tool\",\"state\":{{\"status\":\"completed\",\"input\":{}1{}}}}}}}}}",
        "[".repeat(120),
        "]".repeat(120)
    );
    must_not_panic("deep tool input", deep_event.as_bytes());
}

#[test]
fn sse_framing_does_not_depend_on_how_the_stream_is_cut() {
    let mut rng = Rng(0x5eed_0003);
    let events = event_samples();
    for round in 0..2_000 {
        let crlf = rng.below(2) == 0;
        let newline = if crlf { "\r\n" } else { "\n" };
        let mut stream = String::new();
        let mut expected = Vec::new();
        for _ in 0..1 + rng.below(6) {
            match rng.below(4) {
                0 => stream.push_str(&format!(": keep-alive comment{newline}{newline}")),
                1 => {
                    stream.push_str(&format!(
                        "event: message{newline}data: a{newline}data: b{newline}{newline}"
                    ));
                    expected.push("a\nb".to_owned());
                }
                _ => {
                    let data = rng.pick(&events).to_string();
                    stream.push_str(&format!("data: {data}{newline}{newline}"));
                    expected.push(data);
                }
            }
        }
        let mut parser = SseParser::default();
        let mut got = Vec::new();
        let chars: Vec<char> = stream.chars().collect();
        let mut at = 0;
        while at < chars.len() {
            let most = if rng.below(3) == 0 { 3 } else { 64 };
            let len = 1 + rng.below(most);
            let end = (at + len).min(chars.len());
            let chunk: String = chars[at..end].iter().collect();
            got.extend(parser.push(&chunk).expect("small events"));
            at = end;
        }
        assert_eq!(got, expected, "round {round}: the stream {stream:?}");
        for data in &got {
            let _ = Event::parse(data);
        }
    }
    // Garbage framing never panics either.
    let mut parser = SseParser::default();
    for _ in 0..2_000 {
        let chunk: String = (0..rng.below(40))
            .map(|_| {
                *rng.pick(&[
                    "data:", "\n", "\r", "\r\n", ":", " ", "{", "x", "\u{202e}", "é", "data: {}",
                    "\n\n",
                ])
            })
            .collect();
        for data in parser.push(&chunk).expect("small events") {
            let _ = Event::parse(&data);
        }
    }
}

#[test]
fn the_lineage_loader_import_and_migration_never_panic_or_lose_the_store() {
    let mut rng = Rng(0x5eed_0004);
    let good = lineage_sample().to_string();
    storage::remove(Area::Local, store::KEY);
    let now = 1.765e12;
    let kept = store::import(&good, now).expect("a real export imports");
    assert_eq!(kept.added, 3, "every record of a real export is taken");
    let kept_edges = kept.lineage.edges.len();
    let mut inputs: Vec<String> = (0..=good.len()).map(|end| good[..end].to_owned()).collect();
    for _ in 0..1_500 {
        let mut value = lineage_sample();
        let mut nodes = Vec::new();
        pointers(&value, String::new(), &mut nodes);
        let node = rng.pick(&nodes).clone();
        if let Some(slot) = value.pointer_mut(&node) {
            *slot = random_value(&mut rng, 0);
        }
        inputs.push(value.to_string());
    }
    inputs.extend([
        "[]".into(),
        "{}".into(),
        "null".into(),
        "{\"version\":-1,\"edges\":[]}".into(),
        "{\"version\":1.5,\"edges\":[]}".into(),
        "{\"version\":\"1\",\"edges\":[]}".into(),
        "{\"version\":18446744073709551616,\"edges\":[]}".into(),
        "{\"version\":99,\"edges\":[]}".into(),
        "[".repeat(100_000),
    ]);
    for raw in &inputs {
        // Stored as is, as if another tab or an old version wrote it: load sets it aside.
        storage::set(Area::Local, store::KEY, raw).unwrap();
        let loaded = catch_unwind(AssertUnwindSafe(|| store::load(0.0)))
            .unwrap_or_else(|_| panic!("load panicked on {raw:?}"));
        exercise_lineage(&loaded.lineage);
        if loaded.warning.is_some() {
            assert_eq!(
                storage::get(Area::Local, store::KEY),
                None,
                "unreadable data is moved aside"
            );
        }
        // Imported: refused with a reason, or merged; never a panic.
        storage::set(Area::Local, store::KEY, &good).unwrap();
        match catch_unwind(AssertUnwindSafe(|| store::import(raw, now))) {
            Err(_) => panic!("import panicked on {raw:?}"),
            Ok(Err(reason)) => {
                assert!(
                    reason.starts_with("This file is not a Branchpoint lineage"),
                    "{reason}"
                );
                assert_eq!(
                    store::load(0.0).lineage.edges.len(),
                    kept_edges,
                    "a refused file changes nothing"
                );
            }
            Ok(Ok(imported)) => {
                let lineage = imported.lineage;
                assert!(
                    lineage.edges.len() >= kept_edges,
                    "an import never drops an edge"
                );
                exercise_lineage(&lineage);
            }
        }
    }
}

#[test]
fn a_large_or_cyclic_imported_lineage_stays_usable() {
    // A chain, a cycle and a star of a few thousand edges: the tree view must come back.
    let edge = |child: String, parent: String, created: f64| json!({"child": child, "parent": parent, "kind": "through", "created": created});
    let mut edges: Vec<Value> = (0..1_500)
        .map(|i| edge(format!("ses_c{}", i + 1), format!("ses_c{i}"), i as f64))
        .collect();
    edges.extend((0..500).map(|i| edge(format!("ses_s{i}"), "ses_star".into(), i as f64)));
    edges.extend((0..500).map(|i| {
        edge(
            format!("ses_y{i}"),
            format!("ses_y{}", (i + 1) % 500),
            i as f64,
        )
    }));
    let raw = json!({"version": 1, "edges": edges}).to_string();
    let lineage = store::decode(&raw).unwrap();
    let rows = lineage.trees();
    assert!(rows.len() >= 2_000, "{} rows", rows.len());
}
