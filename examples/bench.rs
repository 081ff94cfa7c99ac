//! `make bench`: Branchpoint against the official OpenCode web app, on the same server, the
//! same data and the same headless Chromium. Prints numbers; asserts nothing.
//!
//! Seeds a real `opencode serve` (wired to the scripted model) with a 1,000-message and a
//! 10,000-message session, then, for each app, takes the median of `BENCH_RUNS` (default 5)
//! cold runs, each in a fresh browser profile:
//! - bytes of the first load of a session page (every resource the page fetched, raw and
//!   gzip -9 of each body, computed here because neither server compresses);
//! - navigation → the last message of the 1,000-message session visible on screen;
//! - memory after that load: JS heap used (CDP `Runtime.getHeapUsage` after a forced GC)
//!   plus the WebAssembly linear memory, where a wasm app keeps its data;
//! - DOM elements on the page;
//!
//! and for Branchpoint alone: "Fork from here" → the new session's last message visible, next
//! to the server's own fork time for the same session; the lineage view with 5,000 records; a
//! long reply streamed in (`BENCH_LONG` bytes in `BENCH_PIECES` deltas): the page's main-thread
//! and script time while it streams, and its end on screen after the last delta.
//! `BENCH_ONLY=long` measures that alone; `BENCH_ONLY=fork` the fork click alone;
//! `BENCH_ONLY=load` Branchpoint's cold load of the 1,000-message session alone;
//! `BENCH_ONLY=big` the 10,000-message session's loads in both apps alone;
//! `BENCH_PROFILE=<file>` writes a CPU profile of the fork click, the long reply or the load there.
//!
//! Run with `make bench` (or `cargo run --example bench --features bench`); needs `dist/`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use branchpoint::fork::ForkPoint;
use branchpoint::lineage::{store, Edge, ForkKind, LineageGraph};
use serde_json::{json, Value};
use support::webdriver::Browser;
use support::{OpenCode, StaticSite};

const MARKER: &str = "bench-last-message";
const FIRST: &str = "bench-first-message";
const LINEAGE_MARKER: &str = "bench-lineage-newest";
const WAIT: Duration = Duration::from_secs(180);
/// The lineage view gets less: past this it is reported as not rendered.
const LINEAGE_WAIT: Duration = Duration::from_secs(90);

/// Installed before any page script runs (CDP `Page.addScriptToEvaluateOnNewDocument`): puts
/// the app's settings into localStorage, lifts the resource-timing buffer limit, and stamps
/// `__bench.visible` the first frame an element holding the marker text is on screen.
const PROBE: &str = r#"(() => {
  const cfg = __CFG__;
  if (location.origin !== cfg.origin) return;
  try { for (const [k, v] of Object.entries(cfg.storage)) localStorage.setItem(k, v); } catch (e) {}
  performance.setResourceTimingBufferSize(100000);
  const B = window.__bench = { visible: null, found: null, from: null, within: cfg.within, marker: cfg.marker };
  const holder = (root) => {
    if (!root) return null;
    if (root.nodeType === 3) return root.data.includes(B.marker) ? root.parentElement : null;
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (n.data.includes(B.marker)) {
        const el = n.parentElement;
        if (!B.within || el.closest(B.within)) return el;
      }
    }
    return null;
  };
  let target = null, polling = false;
  const onScreen = (el) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  };
  const check = () => {
    polling = false;
    if (B.visible !== null) return;
    if (B.from !== null && location.pathname === B.from) { poll(); return; }
    if (!target || !target.isConnected) target = holder(document.body);
    if (target && onScreen(target)) { B.visible = performance.now(); return; }
    poll();
  };
  const poll = () => { if (!polling) { polling = true; requestAnimationFrame(check); } };
  B.watch = (marker, within) => { B.marker = marker; B.within = within; B.visible = null; B.found = null; target = null; B.from = location.pathname; poll(); };
  B.tasks = [];
  try { new PerformanceObserver((l) => B.tasks.push(...l.getEntries())).observe({ type: 'longtask', buffered: true }); } catch (e) {}
  new MutationObserver((records) => {
    if (B.visible !== null) return;
    for (const r of records) {
      const nodes = r.type === 'characterData' ? [r.target] : r.addedNodes;
      for (const n of nodes) {
        if ((n.textContent || '').includes(B.marker)) {
          if (B.found === null) B.found = performance.now();
          target = holder(n) || target; poll(); return;
        }
      }
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();"#;

/// What one cold load of a page gave.
#[derive(Default, Clone)]
struct Load {
    visible_ms: f64,
    raw: u64,
    gz: u64,
    assets_raw: u64,
    assets_gz: u64,
    requests: usize,
    heap: f64,
    wasm: f64,
    dom: f64,
    calls: Vec<(String, usize)>,
    /// When the wasm had arrived, and when the messages were asked for and answered (ms).
    timeline: (f64, f64, f64),
    /// When the last message was first in the DOM (ms).
    in_dom: f64,
}

impl Load {
    fn line(&self, who: &str) -> String {
        let (wasm, asked, answered) = self.timeline;
        format!(
            "    {who}: visible {:.0} ms, {} B gzip -9 in {} requests, memory {:.1} MiB, {} elements \
             (wasm in at {wasm:.0} ms, messages asked at {asked:.0}, answered at {answered:.0}, \
             last message in the DOM at {:.0})",
            self.visible_ms,
            self.gz,
            self.requests,
            self.heap / 1048576.0,
            self.dom,
            self.in_dom
        )
    }
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let big: usize = std::env::var("BENCH_BIG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let records: usize = std::env::var("BENCH_LINEAGE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let started = Instant::now();
    if std::env::var("BENCH_ONLY").as_deref() == Ok("long") {
        let server = OpenCode::start().await;
        let site = StaticSite::start();
        long_replies(&server, &site, runs).await;
        return;
    }
    if std::env::var("BENCH_ONLY").as_deref() == Ok("fork") {
        let server = OpenCode::start().await;
        let session = seed(&server, "Bench: 1,000 messages", 1_000).await;
        let site = StaticSite::start();
        let storage = app_storage(&server);
        let mut clicks = Vec::new();
        for _ in 0..runs {
            let (ms, fork_ms) = fork_click(&site, &session.id, &storage).await;
            say(&format!(
                "    fork click → visible {ms:.0} ms, of which the server's fork {fork_ms:.0} ms"
            ));
            clicks.push(ms);
        }
        say(&format!("  fork click: median {:.0} ms", median(clicks)));
        return;
    }
    if std::env::var("BENCH_ONLY").as_deref() == Ok("big") {
        let server = OpenCode::start().await;
        let huge = seed(&server, "Bench: 10,000 messages", big).await;
        let site = StaticSite::start();
        let official = format!("{}{}", server.base_url(), official_path(&huge));
        let (ours, top, theirs) =
            big_sessions(&server, &site, &huge.id, &official, big, runs).await;
        let m = median_of;
        say(&format!(
            "  {big} messages: last message on screen {:.0} ms against {:.0} ms ({:.3}), memory {:.3} of the official app's; the first message reached by scrolling after {:.0} ms (medians of {runs})",
            m(&ours, |l| l.visible_ms),
            m(&theirs, |l| l.visible_ms),
            m(&ours, |l| l.visible_ms) / m(&theirs, |l| l.visible_ms),
            m(&ours, |l| l.heap) / m(&theirs, |l| l.heap),
            top.map_or(f64::NAN, |(ms, _)| ms)
        ));
        return;
    }
    if std::env::var("BENCH_ONLY").as_deref() == Ok("load") {
        let server = OpenCode::start().await;
        let session = seed(&server, "Bench: 1,000 messages", 1_000).await;
        let site = StaticSite::start();
        let storage = app_storage(&server);
        let mut sizes = Sizes::default();
        let mut loads = Vec::new();
        for _ in 0..runs {
            let url = site.url(&format!("/session/{}", session.id));
            let load = cold_load(&url, &site.url(""), &storage, "article", &mut sizes).await;
            say(&load.line("Branchpoint"));
            loads.push(load);
        }
        // A CPU profile of one more load: the site's origin first (same renderer), then the page.
        if std::env::var("BENCH_PROFILE").is_ok() {
            let browser = fresh_browser(&site.url(""), &storage, "article", MARKER).await;
            navigate(&browser, &site.url("/settings")).await;
            let profile = profile_start(&browser).await;
            navigate(&browser, &site.url(&format!("/session/{}", session.id))).await;
            let _ = visible(&browser).await;
            profile_end(&browser, profile).await;
        }
        let of = |f: fn(&Load) -> f64| median_of(&loads, f);
        say(&format!(
            "  1,000 messages, Branchpoint alone: visible {:.0} ms (wasm in at {:.0}, messages asked at {:.0}, answered at {:.0}, in the DOM at {:.0}; medians of {runs})",
            of(|l| l.visible_ms),
            of(|l| l.timeline.0),
            of(|l| l.timeline.1),
            of(|l| l.timeline.2),
            of(|l| l.in_dom)
        ));
        return;
    }
    say(&format!(
        "Seeding an OpenCode server… ({runs} runs per figure)"
    ));
    let server = OpenCode::start().await;
    let session = seed(&server, "Bench: 1,000 messages", 1_000).await;
    let huge = seed(&server, "Bench: 10,000 messages", big).await;
    let site = StaticSite::start();
    let bp_storage = app_storage(&server);
    let mut sizes = Sizes::default();

    // Cold loads of the 1,000-message session, alternating the two apps.
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        say(&format!(
            "  run {run}/{runs}: Branchpoint, then the official app"
        ));
        let url = site.url(&format!("/session/{}", session.id));
        let load = cold_load(&url, &site.url(""), &bp_storage, "article", &mut sizes).await;
        say(&load.line("Branchpoint"));
        ours.push(load);
        let url = format!("{}{}", server.base_url(), official_path(&session));
        let load = cold_load(&url, &server.base_url(), &json!({}), "", &mut sizes).await;
        say(&load.line("official"));
        theirs.push(load);
    }

    // "Fork from here" on the last message, then the server's own fork of the same point.
    say("  forks: Branchpoint's button, then POST /session/:id/fork alone");
    let (mut clicks, mut click_forks) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (ms, fork_ms) = fork_click(&site, &session.id, &bp_storage).await;
        say(&format!(
            "    fork click → visible {ms:.0} ms, of which the server's fork {fork_ms:.0} ms"
        ));
        clicks.push(ms);
        click_forks.push(fork_ms);
    }
    let client = server.client();
    let messages = client.messages(&session.id).await.expect("messages");
    let last = messages.last().expect("seeded").info.id().to_owned();
    let plan = branchpoint::fork::plan::plan(&session.id, &messages, &ForkPoint::Through(last))
        .expect("plan");
    let fork_alone = server_fork_times(&client, &session.id, plan.before.as_deref(), runs).await;
    // A page open on the server listens to /event, and every copied message is announced there:
    // the same forks again with one listener reading along, as a page would.
    let url = format!("{}/event", server.base_url());
    let listener = tokio::spawn(async move {
        if let Ok(mut stream) = reqwest::Client::new().get(&url).send().await {
            while let Ok(Some(_)) = stream.chunk().await {}
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let server_forks = server_fork_times(&client, &session.id, plan.before.as_deref(), runs).await;
    listener.abort();

    // The lineage view with 5,000 records.
    say(&format!("  the lineage view with {records} records"));
    let lineage = store::encode(&lineage_records(&server.base_url(), records));
    let mut lineage_runs = Vec::new();
    let mut lineage_in_app_runs = Vec::new();
    for run in 0..runs {
        if run > 0
            && lineage_runs.iter().all(|l: &Load| {
                l.visible_ms.is_nan() || l.visible_ms >= 1000.0 * LINEAGE_WAIT.as_secs_f64()
            })
        {
            break; // not rendered in time: once is enough to say so
        }
        let mut storage = bp_storage.clone();
        storage["branchpoint.lineage"] = json!(lineage);
        // The list, which renders every record. (The map, the default on wide screens, draws
        // only what is in view: the newest record need not be in its DOM.)
        storage["branchpoint.lineage-view"] = json!("list");
        let browser = fresh_browser(&site.url(""), &storage, "", LINEAGE_MARKER).await;
        // Rendered: the newest record in the DOM (which tree comes first on screen is the
        // view's own business).
        let url = site.url("/lineage");
        let load = measure(&browser, &url, &mut sizes, LINEAGE_WAIT, "found").await;
        say(&load.line("lineage"));
        let rendered = load.visible_ms.is_finite();
        lineage_runs.push(load);
        if rendered {
            let ms = lineage_in_app(&browser).await;
            say(&format!("    in the app: {ms:.0} ms"));
            lineage_in_app_runs.push(ms);
        }
    }

    let official = format!("{}{}", server.base_url(), official_path(&huge));
    let (big_ours, top_ours, big_theirs) =
        big_sessions(&server, &site, &huge.id, &official, big, runs).await;

    long_replies(&server, &site, runs).await;

    report(Report {
        runs,
        big,
        ours,
        theirs,
        clicks,
        click_forks,
        fork_alone,
        server_forks,
        lineage_runs,
        lineage_in_app: median(lineage_in_app_runs),
        lineage_bytes: lineage.len(),
        records,
        big_ours,
        top_ours,
        big_theirs,
    });
    say(&format!(
        "(bench took {:.0} s)",
        started.elapsed().as_secs_f64()
    ));
}

fn say(line: &str) {
    eprintln!("{line}");
}

/// A session of `n` user messages (`noReply`), the first and the last carrying markers.
async fn seed(server: &OpenCode, title: &str, n: usize) -> branchpoint::api::Session {
    server
        .seed_many(title, n, |i| {
            let tag = match i {
                1 => format!(" {FIRST}"),
                _ if i == n => format!(" {MARKER}"),
                _ => String::new(),
            };
            format!(
            "Bench message {i} of {n}{tag}. Refactor the parser so that `parse_line` returns a \
             `Result` instead of panicking, then add a test for the empty input and one for a \
             line with only whitespace; keep the public API as it is."
        )
        })
        .await
}

/// `POST /session/:id/fork` alone, `runs` times, in ms.
async fn server_fork_times(
    client: &branchpoint::api::Client<support::Reqwest>,
    session: &str,
    before: Option<&str>,
    runs: usize,
) -> Vec<f64> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        client.fork(session, before).await.expect("fork");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times
}

/// Bodies fetched again to size them, per URL: (raw, gzip -9).
#[derive(Default)]
struct Sizes(HashMap<String, (u64, u64)>);

impl Sizes {
    async fn of(&mut self, url: &str) -> Option<(u64, u64)> {
        if let Some(size) = self.0.get(url) {
            return Some(*size);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .ok()?;
        let body = http.get(url).send().await.ok()?.bytes().await.ok()?;
        let size = (body.len() as u64, gzip9(&body));
        self.0.insert(url.to_owned(), size);
        Some(size)
    }
}

fn gzip9(body: &[u8]) -> u64 {
    let mut child = Command::new("gzip")
        .args(["-9", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip");
    let mut stdin = child.stdin.take().expect("stdin");
    let body = body.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&body));
    let out = child.wait_with_output().expect("gzip output");
    let _ = writer.join();
    out.stdout.len() as u64
}

async fn fresh_browser(origin: &str, storage: &Value, within: &str, marker: &str) -> Browser {
    let browser = Browser::start().await.expect("chromium");
    let cfg = json!({ "origin": origin.trim_end_matches('/'), "storage": storage, "within": within, "marker": marker });
    let source = PROBE.replace("__CFG__", &cfg.to_string());
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": source }),
        )
        .await
        .expect("install the probe");
    browser
}

/// Opens `url`. A page that keeps the browser busy past the driver's timeout is still waited
/// for (by [`visible`]), so that is only reported.
async fn navigate(browser: &Browser, url: &str) {
    if let Err(e) = browser.goto(url).await {
        say(&format!("    navigating to {url}: {e}"));
    }
}

async fn visible(browser: &Browser) -> Option<f64> {
    visible_within(browser, WAIT, "visible").await
}

/// With the lineage view open (its records decoded at the app's start): back to the sessions
/// page, then a click on "Lineage" until the newest record is in the DOM, in ms. The view's
/// own render time, without the page load and the wasm download before it.
async fn lineage_in_app(browser: &Browser) -> f64 {
    const LINK: &str = "const link = (t) => Array.from(document.querySelectorAll('nav[aria-label=Main] a')).find(a => a.textContent.trim() === t);";
    browser
        .execute(
            &format!("{LINK} link('Sessions').click(); return true;"),
            vec![],
        )
        .await
        .expect("the Sessions link");
    browser
        .wait_until("document.querySelector('.sessions-page') !== null && document.body.textContent.indexOf('__MARKER__') < 0".replace("__MARKER__", LINEAGE_MARKER).as_str(), WAIT)
        .await
        .expect("the sessions page");
    let start = browser
        .execute(
            &format!("{LINK} window.__bench.watch('{LINEAGE_MARKER}', ''); const t = performance.now(); link('Lineage').click(); return t;"),
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN);
    visible_within(browser, LINEAGE_WAIT, "found")
        .await
        .map_or(f64::NAN, |found| found - start)
}

/// Waits for the probe's stamp `what`: "visible" (on screen) or "found" (in the DOM).
async fn visible_within(browser: &Browser, wait: Duration, what: &str) -> Option<f64> {
    let ok = browser
        .wait_until(
            &format!("window.__bench && window.__bench.{what} !== null"),
            wait,
        )
        .await;
    if let Err(e) = ok {
        say(&format!("    not {what}: {e}"));
        return None;
    }
    browser
        .execute(&format!("return window.__bench.{what};"), vec![])
        .await
        .ok()?
        .as_f64()
}

/// JS heap used (after a forced GC) and the WebAssembly memory the page holds: a wasm app
/// keeps its data in linear memory, which the JS heap figure does not include.
async fn heap(browser: &Browser) -> (f64, f64) {
    let _ = browser.cdp("HeapProfiler.collectGarbage", json!({})).await;
    let js = browser
        .cdp("Runtime.getHeapUsage", json!({}))
        .await
        .ok()
        .and_then(|v| v["usedSize"].as_f64())
        .unwrap_or(f64::NAN);
    (js, wasm_memory(browser).await.unwrap_or(0.0))
}

/// The bytes of every live `WebAssembly.Memory` (CDP `Runtime.queryObjects`).
async fn wasm_memory(browser: &Browser) -> Option<f64> {
    let proto = browser
        .cdp(
            "Runtime.evaluate",
            json!({ "expression": "WebAssembly.Memory.prototype" }),
        )
        .await
        .ok()?;
    let proto = proto["result"]["objectId"].as_str()?.to_owned();
    let found = browser
        .cdp(
            "Runtime.queryObjects",
            json!({ "prototypeObjectId": proto }),
        )
        .await
        .ok()?;
    let list = found["objects"]["objectId"].as_str()?.to_owned();
    let sum = browser
        .cdp(
            "Runtime.callFunctionOn",
            json!({ "objectId": list, "returnByValue": true,
                    "functionDeclaration": "function () { return this.reduce((n, m) => n + m.buffer.byteLength, 0); }" }),
        )
        .await
        .ok()?;
    sum["result"]["value"].as_f64()
}

async fn dom_size(browser: &Browser) -> f64 {
    browser
        .execute("return document.getElementsByTagName('*').length;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN)
}

/// One cold load of `url` until the marker is on screen, then what it cost.
async fn cold_load(
    url: &str,
    origin: &str,
    storage: &Value,
    within: &str,
    sizes: &mut Sizes,
) -> Load {
    let browser = fresh_browser(origin, storage, within, MARKER).await;
    measure(&browser, url, sizes, WAIT, "visible").await
}

async fn measure(
    browser: &Browser,
    url: &str,
    sizes: &mut Sizes,
    wait: Duration,
    what: &str,
) -> Load {
    navigate(browser, url).await;
    let Some(visible_ms) = visible_within(browser, wait, what).await else {
        return Load {
            visible_ms: f64::NAN,
            ..Load::default()
        };
    };
    // Let what the page still loads after showing the messages finish.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let entries = browser
        .execute(
            "return [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')].map(e => [e.name, e.initiatorType, e.startTime, e.responseEnd]);",
            vec![],
        )
        .await
        .expect("resource entries");
    let in_dom = browser
        .execute("return window.__bench.found;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN);
    let (js, wasm) = heap(browser).await;
    let mut load = Load {
        visible_ms,
        in_dom,
        heap: js + wasm,
        wasm,
        dom: dom_size(browser).await,
        ..Load::default()
    };
    let mut calls: HashMap<String, usize> = HashMap::new();
    for entry in entries.as_array().into_iter().flatten() {
        let name = entry[0].as_str().unwrap_or_default().to_owned();
        let kind = entry[1].as_str().unwrap_or_default();
        let path = name
            .split_once("//")
            .and_then(|(_, rest)| rest.split_once('/'))
            .map(|(_, p)| format!("/{p}"))
            .unwrap_or_default();
        let path_only = path.split('?').next().unwrap_or_default().to_owned();
        // The event streams never end: they are not part of a page's load.
        if path_only.ends_with("/event") || name.starts_with("data:") || name.starts_with("blob:") {
            continue;
        }
        let (start, end) = (
            entry[2].as_f64().unwrap_or(f64::NAN),
            entry[3].as_f64().unwrap_or(f64::NAN),
        );
        if path_only.ends_with(".wasm") {
            load.timeline.0 = end;
        }
        if path_only.ends_with("/message") {
            load.timeline.1 = start;
            load.timeline.2 = end;
        }
        load.requests += 1;
        // App files: the page itself and whatever has a file extension; the rest is API calls.
        let file = path_only
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'));
        let api = kind != "navigation" && !file;
        if api {
            *calls.entry(path_only).or_default() += 1;
        }
        if let Some((raw, gz)) = sizes.of(&name).await {
            load.raw += raw;
            load.gz += gz;
            if !api {
                load.assets_raw += raw;
                load.assets_gz += gz;
            }
        }
    }
    let mut calls: Vec<_> = calls.into_iter().collect();
    calls.sort();
    load.calls = calls;
    load
}

/// Click → the new session's last message on screen, and how long the click's own
/// `POST /session/:id/fork` took (resource timing), in ms.
/// A long reply streamed into an open session page, `runs` times: the medians of the page's
/// main-thread time and script time while it streamed (CDP `Performance.getMetrics`), and of
/// the time from the server's last delta to the reply's end on screen.
async fn long_replies(server: &OpenCode, site: &StaticSite, runs: usize) {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let (bytes, pieces) = (env("BENCH_LONG", 200_000), env("BENCH_PIECES", 2_000));
    // As a model streams: a delta every few ms, each drawn (not hundreds per frame).
    let pause = env("BENCH_PAUSE", 5);
    say(&format!(
        "  a reply of {} KB streamed in {pieces} deltas {pause} ms apart, into an open page",
        bytes / 1000
    ));
    let storage = app_storage(server);
    let client = server.client();
    let (mut busy, mut cpu, mut script, mut after) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut whole, mut whole_cpu) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let session = client
            .create_session(Some("Bench: a long reply"))
            .await
            .expect("session");
        let browser = fresh_browser(&site.url(""), &storage, "article", "END-OF-LONG-REPLY").await;
        navigate(&browser, &site.url(&format!("/session/{}", session.id))).await;
        if browser.wait_for("#composer-input", WAIT).await.is_err() {
            say("    the session page did not open");
            continue;
        }
        let _ = browser.cdp("Performance.enable", json!({})).await;
        let before = main_thread(&browser).await;
        let profile = profile_start(&browser).await;
        let prompt = branchpoint::api::PromptInput::text(format!(
            "[[long:{bytes}:{pieces}]] [[slow:{pause}]]"
        ));
        // Sent by the bench, not the page: only what the page does as the reply arrives counts.
        let sent = client.prompt(&session.id, &prompt).await;
        let answered = number(&browser, "return performance.now();", vec![]).await;
        if sent.is_err() {
            say("    the prompt failed");
            continue;
        }
        let shown = visible(&browser).await.unwrap_or(f64::NAN);
        // The reply finished: the page settles on the whole text.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let spent = main_thread(&browser).await.since(before);
        profile_end(&browser, profile).await;
        say(&format!(
            "    main thread {:.0} ms (CPU {:.0} ms): script {:.0} ms, layout {:.0} ms, style {:.0} ms; on screen {:.0} ms after the server's answer",
            spent.task, spent.cpu, spent.script, spent.layout, spent.style,
            shown - answered
        ));
        busy.push(spent.task);
        cpu.push(spent.cpu);
        script.push(spent.script);
        after.push(shown - answered);
        // One render of the finished reply, to compare: to the sessions list and back to this
        // session in the app (its messages fetched, parsed and drawn once), measured the same way.
        let Some(once) = render_once(&browser, &session.id).await else {
            continue;
        };
        say(&format!(
            "    one render of the finished reply: main thread {:.0} ms, CPU {:.0} ms ({:.1}× and {:.1}× for the stream)",
            once.task,
            once.cpu,
            spent.task / once.task,
            spent.cpu / once.cpu
        ));
        whole.push(once.task);
        whole_cpu.push(once.cpu);
    }
    say(&format!(
        "  long reply ({} KB, {pieces} deltas {pause} ms apart): main thread {:.0} ms (CPU {:.0} ms), script {:.0} ms, end on screen {:.0} ms after the server's answer; one render of the finished reply {:.0} ms (CPU {:.0} ms) (medians of {})",
        bytes / 1000,
        median(busy.clone()),
        median(cpu.clone()),
        median(script),
        median(after),
        median(whole.clone()),
        median(whole_cpu.clone()),
        runs
    ));
    say(&format!(
        "  streaming ≤ 3× one render of the finished reply: {:.1}× main thread, {:.1}× CPU",
        median(busy) / median(whole),
        median(cpu) / median(whole_cpu)
    ));
}

/// Main-thread time of opening `session` once from the sessions list, in the app, until its
/// end marker is on screen and the page has settled (as after the stream), in ms.
async fn render_once(browser: &Browser, session: &str) -> Option<Busy> {
    let clicked = browser
        .execute(
            "const a = document.querySelector('nav.crumbs a'); if (!a) return false; a.click(); return true;",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let link = format!("a[href$='/session/{session}']");
    if !clicked || browser.wait_for(&link, WAIT).await.is_err() {
        say("    the sessions list did not open");
        return None;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = main_thread(browser).await;
    let _ = browser
        .execute(
            "window.__bench.watch('END-OF-LONG-REPLY', 'article'); document.querySelector(arguments[0]).click();",
            vec![json!(link)],
        )
        .await;
    visible(browser).await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    Some(main_thread(browser).await.since(before))
}

/// The page's main-thread time so far, in ms (CDP `Performance.getMetrics`, once
/// `Performance.enable`d).
#[derive(Clone, Copy)]
struct Busy {
    /// Its tasks' wall-clock time: grows while other processes (the server streaming the
    /// reply, the scripted model) hold the machine's two cores.
    task: f64,
    /// Its CPU time, which does not.
    cpu: f64,
    script: f64,
    layout: f64,
    style: f64,
}

impl Busy {
    /// What was spent between `before` and this.
    fn since(self, before: Busy) -> Busy {
        Busy {
            task: self.task - before.task,
            cpu: self.cpu - before.cpu,
            script: self.script - before.script,
            layout: self.layout - before.layout,
            style: self.style - before.style,
        }
    }
}

async fn main_thread(browser: &Browser) -> Busy {
    let v = browser
        .cdp("Performance.getMetrics", json!({}))
        .await
        .unwrap_or_default();
    let get = |name: &str| {
        v["metrics"]
            .as_array()
            .and_then(|m| m.iter().find(|m| m["name"] == name))
            .and_then(|m| m["value"].as_f64())
            .unwrap_or(f64::NAN)
            * 1000.0
    };
    Busy {
        task: get("TaskDuration"),
        cpu: get("ThreadTime"),
        script: get("ScriptDuration"),
        layout: get("LayoutDuration"),
        style: get("RecalcStyleDuration"),
    }
}

async fn fork_click(site: &StaticSite, session: &str, storage: &Value) -> (f64, f64) {
    let browser = fresh_browser(&site.url(""), storage, "article", MARKER).await;
    navigate(&browser, &site.url(&format!("/session/{session}"))).await;
    if visible(&browser).await.is_none() {
        return (f64::NAN, f64::NAN);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let profile = profile_start(&browser).await;
    let clicked = browser
        .execute(
            "const buttons = [...document.querySelectorAll('article')].filter(a => a.textContent.includes(arguments[0])).map(a => [...a.querySelectorAll('button')].find(b => b.textContent.includes('Fork from here'))).filter(Boolean);
             if (!buttons.length) return null;
             window.__bench.watch(arguments[0], 'article');
             const t = performance.now();
             buttons[0].click();
             return t;",
            vec![json!(MARKER)],
        )
        .await
        .ok()
        .and_then(|v| v.as_f64());
    let Some(t) = clicked else {
        say("    no Fork from here button on the last message");
        return (f64::NAN, f64::NAN);
    };
    let shown = visible(&browser).await.map_or(f64::NAN, |v| v - t);
    profile_end(&browser, profile).await;
    let found = number(
        &browser,
        "return window.__bench.found === null ? null : window.__bench.found - arguments[0];",
        vec![json!(t)],
    )
    .await;
    let tasks = words(
        &browser,
        "return (window.__bench.tasks || []).filter(e => e.startTime >= arguments[0] - 5).map(e => `${Math.round(e.startTime - arguments[0])}+${Math.round(e.duration)}`).join(', ');",
        vec![json!(t)],
    )
    .await;
    say(&format!(
        "    the copied message in the DOM at {found:.0} ms; long tasks (start+ms): {tasks}"
    ));
    // The fork is on screen before the server has made it: wait for the server's answer (up to
    // 2 minutes), to say how long it took next to the figure.
    for _ in 0..600 {
        let answered = browser
            .execute(
                "return performance.getEntriesByType('resource').some(e => e.startTime >= arguments[0] && new URL(e.name).pathname.endsWith('/fork') && e.responseEnd > 0);",
                vec![json!(t)],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if answered {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Where the time went: the API calls the click made, from the click on.
    let calls = words(
        &browser,
        "return performance.getEntriesByType('resource').filter(e => e.startTime >= arguments[0] && !e.name.endsWith('/event')).map(e => `${new URL(e.name).pathname.replace(/ses_[A-Za-z0-9]+/g, 'ses')} ${Math.round(e.startTime - arguments[0])}→${Math.round(e.responseEnd - arguments[0])}`).join(', ');",
        vec![json!(t)],
    )
    .await;
    say(&format!("    after the click (ms): {calls}"));
    let fork = number(
        &browser,
        "const f = performance.getEntriesByType('resource').find(e => e.startTime >= arguments[0] && new URL(e.name).pathname.endsWith('/fork')); return f ? f.responseEnd - f.startTime : null;",
        vec![json!(t)],
    )
    .await;
    (shown, fork)
}

/// The number `script` returns (NaN for none).
async fn number(browser: &Browser, script: &str, args: Vec<Value>) -> f64 {
    browser
        .execute(script, args)
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN)
}

/// The string `script` returns (empty for none).
async fn words(browser: &Browser, script: &str, args: Vec<Value>) -> String {
    browser
        .execute(script, args)
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `BENCH_PROFILE=<file>`: starts a CPU profile (sampled every 100 µs), for Chromium's
/// DevTools; [`profile_end`] writes it there.
async fn profile_start(browser: &Browser) -> Option<String> {
    let file = std::env::var("BENCH_PROFILE").ok()?;
    let _ = browser.cdp("Profiler.enable", json!({})).await;
    let _ = browser
        .cdp("Profiler.setSamplingInterval", json!({ "interval": 100 }))
        .await;
    let _ = browser.cdp("Profiler.start", json!({})).await;
    Some(file)
}

async fn profile_end(browser: &Browser, file: Option<String>) {
    if let Some(file) = file {
        if let Ok(taken) = browser.cdp("Profiler.stop", json!({})).await {
            let _ = std::fs::write(file, taken["profile"].to_string());
        }
    }
}

fn lineage_records(server: &str, n: usize) -> LineageGraph {
    let id = |i: usize| format!("ses_bench{i:021}");
    // Records at most 50 apart share a tree; the roots are sessions without a record.
    let edges = (1..=n)
        .map(|i| {
            // Trees of 50 forks, each fork forked up to three times again.
            let (start, k) = (i - (i - 1) % 50, (i - 1) % 50);
            let parent = if k == 0 {
                n + start
            } else {
                start + (k - 1) / 3
            };
            let newest = i == n;
            Edge {
                anchor: Some(format!("msg_bench{i:021}")),
                excerpt: format!("Refactor the parser so that parse_line returns a Result ({i})"),
                kind: if i % 3 == 0 {
                    ForkKind::Before
                } else {
                    ForkKind::Through
                },
                created: 1.7e12 + i as f64 * 60_000.0,
                parent_title: format!("Fork {parent}"),
                child_title: if newest {
                    format!("Fork {i} {LINEAGE_MARKER}")
                } else {
                    format!("Fork {i}")
                },
                server: server.to_owned(),
                directory: "/tmp/project".into(),
                ..support::fixtures::edge(&id(i), &id(parent))
            }
        })
        .collect();
    LineageGraph {
        edges,
        ..LineageGraph::default()
    }
}

/// Where the official app shows `session`: under its directory, base64url.
fn official_path(session: &branchpoint::api::Session) -> String {
    use base64::Engine as _;
    let dir = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(session.directory.as_bytes());
    format!("/{dir}/session/{}", session.id)
}

/// The `big`-message session `id`, loaded cold `runs` times in each app, alternating (one load
/// of each is noisy: the official app took 2,956 ms once and 3,811 ms another day): Branchpoint's
/// loads, where its first load reached the first message by scrolling up (ms after the climb
/// began, DOM elements), and the official app's loads.
async fn big_sessions(
    server: &OpenCode,
    site: &StaticSite,
    id: &str,
    official: &str,
    big: usize,
    runs: usize,
) -> (Vec<Load>, Option<(f64, f64)>, Vec<Load>) {
    say(&format!(
        "  the {big}-message session: {runs} loads per app, alternating; scrolled to the top once"
    ));
    let storage = app_storage(server);
    let (mut ours, mut top, mut theirs) = (Vec::new(), None, Vec::new());
    let line = |who: &str, load: &Load| {
        format!(
            "    {who}: last message on screen {:.0} ms, memory {:.1} MiB, {} elements",
            load.visible_ms,
            load.heap / 1024.0 / 1024.0,
            load.dom
        )
    };
    for run in 0..runs {
        let url = site.url(&format!("/session/{id}"));
        let (load, climbed) = big_session(&url, &site.url(""), &storage, run == 0).await;
        say(&line("Branchpoint", &load));
        ours.push(load);
        if run == 0 {
            top = climbed;
        }
        let (load, _) = big_session(official, &server.base_url(), &json!({}), false).await;
        say(&line("official", &load));
        theirs.push(load);
    }
    (ours, top, theirs)
}

/// One cold load of a long session: the last message on screen, memory and DOM size; with
/// `climb`, then scrolled to the first message as a person would.
async fn big_session(
    url: &str,
    origin: &str,
    storage: &Value,
    climb: bool,
) -> (Load, Option<(f64, f64)>) {
    let browser = fresh_browser(origin, storage, "", MARKER).await;
    navigate(&browser, url).await;
    let Some(visible_ms) = visible(&browser).await else {
        return (
            Load {
                visible_ms: f64::NAN,
                ..Load::default()
            },
            None,
        );
    };
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let (js, wasm) = heap(&browser).await;
    let load = Load {
        visible_ms,
        heap: js + wasm,
        wasm,
        dom: dom_size(&browser).await,
        ..Load::default()
    };
    // Scroll to the top as a person would (Home, repeatedly, as content above is filled in).
    let mut top = None;
    if !climb {
        return (load, top);
    }
    let found = browser
        .execute(
            "window.__bench.watch(arguments[0], ''); window.__bench.from = null; window.__bench.t0 = performance.now(); return true;",
            vec![json!(FIRST)],
        )
        .await
        .is_ok();
    if found {
        // Older pages load on the way up (as a reader waits for them): up to two minutes.
        for _ in 0..1200 {
            let _ = browser.execute("window.scrollTo(0, 0); document.querySelectorAll('*').forEach(e => { if (e.scrollHeight > e.clientHeight + 50 && getComputedStyle(e).overflowY !== 'visible') e.scrollTop = 0; }); return 1;", vec![]).await;
            let v = browser
                .execute(
                    "return window.__bench.visible === null ? null : window.__bench.visible - window.__bench.t0;",
                    vec![],
                )
                .await
                .ok()
                .and_then(|v| v.as_f64());
            if let Some(ms) = v {
                top = Some((ms, dom_size(&browser).await));
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    (load, top)
}

struct Report {
    runs: usize,
    big: usize,
    ours: Vec<Load>,
    theirs: Vec<Load>,
    clicks: Vec<f64>,
    click_forks: Vec<f64>,
    fork_alone: Vec<f64>,
    server_forks: Vec<f64>,
    lineage_runs: Vec<Load>,
    /// The view's own render, the app already running: "Lineage" clicked → newest record in
    /// the DOM (ms).
    lineage_in_app: f64,
    lineage_bytes: usize,
    records: usize,
    big_ours: Vec<Load>,
    top_ours: Option<(f64, f64)>,
    big_theirs: Vec<Load>,
}

fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// The median of `f` over `loads`.
fn median_of(loads: &[Load], f: fn(&Load) -> f64) -> f64 {
    median(loads.iter().map(f))
}

/// What Branchpoint keeps in localStorage to talk to `server` (no password, every directory).
fn app_storage(server: &OpenCode) -> Value {
    let settings =
        json!({ "server_url": server.base_url(), "remember_password": false, "directory": "" });
    json!({ "branchpoint.settings.v1": settings.to_string() })
}

fn kib(bytes: f64) -> String {
    format!("{:.1} KiB", bytes / 1024.0)
}

fn mib(bytes: f64) -> String {
    format!("{:.2} MiB", bytes / 1024.0 / 1024.0)
}

fn met(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

fn report(r: Report) {
    let m = median_of;
    let (o, t) = (&r.ours, &r.theirs);
    let row = |what: &str, ours: String, theirs: String, ratio: f64| {
        println!("{what:<44} {ours:>14} {theirs:>14} {ratio:>8.3}");
    };
    println!();
    println!(
        "Median of {} cold runs, headless Chromium, fresh profile each; same opencode server.",
        r.runs
    );
    println!(
        "{:<44} {:>14} {:>14} {:>8}",
        "1,000-message session page", "Branchpoint", "official", "ratio"
    );
    type Figure = (&'static str, fn(&Load) -> f64, fn(f64) -> String);
    let pairs: [Figure; 9] = [
        ("first load, raw (all requests)", |l| l.raw as f64, kib),
        ("first load, gzip -9 (all requests)", |l| l.gz as f64, kib),
        ("  of which app files, raw", |l| l.assets_raw as f64, kib),
        ("  of which app files, gzip -9", |l| l.assets_gz as f64, kib),
        ("requests", |l| l.requests as f64, |v| format!("{v:.0}")),
        (
            "navigation → last message visible",
            |l| l.visible_ms,
            |v| format!("{v:.0} ms"),
        ),
        ("memory: JS heap used + wasm memory", |l| l.heap, mib),
        ("  of which wasm linear memory", |l| l.wasm, mib),
        ("DOM elements", |l| l.dom, |v| format!("{v:.0}")),
    ];
    for (what, f, show) in pairs {
        let (a, b) = (m(o, f), m(t, f));
        row(what, show(a), show(b), a / b);
    }
    let calls = |loads: &[Load]| {
        loads
            .first()
            .map(|l| {
                l.calls
                    .iter()
                    .map(|(p, n)| format!("{p}×{n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    };
    println!("API calls, Branchpoint: {}", calls(o));
    println!("API calls, official:    {}", calls(t));

    let click = median(r.clicks.iter().copied());
    let server = median(r.server_forks.iter().copied());
    println!();
    println!("Branchpoint only");
    println!(
        "  Fork from here → the fork's last copied message on screen: {click:.0} ms; the click's own POST /fork took {:.0} ms",
        median(r.click_forks.iter().copied())
    );
    println!(
        "  the server's own fork of the same point (POST /session/:id/fork): {server:.0} ms with an /event listener attached, {:.0} ms with none",
        median(r.fork_alone.iter().copied())
    );
    let lineage_ms = m(&r.lineage_runs, |l| l.visible_ms);
    let rendered = if lineage_ms.is_finite() {
        format!(
            "cold load {lineage_ms:.0} ms until the newest record is in the DOM, {} elements; \
             in the app, \"Lineage\" clicked → newest record in the DOM {:.0} ms",
            m(&r.lineage_runs, |l| l.dom),
            r.lineage_in_app
        )
    } else {
        format!("not rendered within {} s", LINEAGE_WAIT.as_secs())
    };
    println!(
        "  lineage view, {} records: {rendered}; {} in localStorage ({:.0} B per record)",
        r.records,
        kib(r.lineage_bytes as f64),
        r.lineage_bytes as f64 / r.records as f64
    );
    println!(
        "  {}-message session: last message visible in {:.0} ms, {} DOM elements, heap {} (official: {:.0} ms, {} elements, heap {}; medians of {})",
        r.big,
        m(&r.big_ours, |l| l.visible_ms),
        m(&r.big_ours, |l| l.dom),
        mib(m(&r.big_ours, |l| l.heap)),
        m(&r.big_theirs, |l| l.visible_ms),
        m(&r.big_theirs, |l| l.dom),
        mib(m(&r.big_theirs, |l| l.heap)),
        r.big_ours.len().min(r.big_theirs.len())
    );
    match r.top_ours {
        Some((ms, dom)) => println!(
            "    scrolled to the first message: on screen after {ms:.0} ms, {dom} DOM elements"
        ),
        None => println!("    scrolling to the first message: it never showed"),
    }

    println!();
    println!("Targets (issue 7)");
    let gz = m(o, |l| l.gz as f64) / m(t, |l| l.gz as f64);
    let time = m(o, |l| l.visible_ms) / m(t, |l| l.visible_ms);
    let heap = m(o, |l| l.heap) / m(t, |l| l.heap);
    println!(
        "  compressed first load ≤ 1/3 of official: {gz:.3} — {}",
        met(gz <= 1.0 / 3.0)
    );
    println!(
        "  1,000 messages visible ≤ 1/5 of official's time: {time:.3} — {}",
        met(time <= 0.2)
    );
    println!(
        "  JS heap (+ wasm memory) ≤ 1/2 of official's: {heap:.3} — {}",
        met(heap <= 0.5)
    );
    println!(
        "  fork click → the fork on screen ≤ 150 ms whatever the server's fork time: {click:.0} ms — {} (the server's fork: {:.0} ms)",
        met(click <= 150.0),
        median(r.click_forks.iter().copied())
    );
    let bounded = m(&r.big_ours, |l| l.dom).is_finite()
        && m(&r.big_ours, |l| l.dom) < 3.0 * m(o, |l| l.dom).max(1.0)
        && r.top_ours
            .is_some_and(|(_, dom)| dom < 3.0 * m(o, |l| l.dom).max(1.0));
    println!(
        "  {} messages: only what is visible in the DOM ({} elements at the end, {} at the top): {}",
        r.big,
        m(&r.big_ours, |l| l.dom),
        r.top_ours.map_or(f64::NAN, |(_, d)| d),
        met(bounded)
    );
    println!();
    println!("Targets (issue 14)");
    let app_files = m(o, |l| l.assets_gz as f64) / m(t, |l| l.assets_gz as f64);
    println!(
        "  app files (wasm, JS, CSS, HTML, icons), gzip -9, ≤ 0.33 of official's: {app_files:.3} — {}",
        met(app_files <= 0.33)
    );
    let big_time = m(&r.big_ours, |l| l.visible_ms) / m(&r.big_theirs, |l| l.visible_ms);
    let big_heap = m(&r.big_ours, |l| l.heap) / m(&r.big_theirs, |l| l.heap);
    println!(
        "  {} messages: last message on screen ≤ 1/5 of official's time: {big_time:.3} — {}; memory ≤ 1/3 of official's: {big_heap:.3} — {}",
        r.big,
        met(big_time <= 0.2),
        met(big_heap <= 1.0 / 3.0)
    );
}
