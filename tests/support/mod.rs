//! Test harness on real parts: a real `opencode serve` (from the pinned npm package) in a
//! temporary project with its own HOME, wired to our scripted model; the built app served
//! from `dist/`; headless Chromium. Everything started here stops when its handle drops,
//! also when a test fails.
#![allow(dead_code)]

pub mod app;
pub mod fixtures;
pub mod hostile;
pub mod webdriver;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use branchpoint::api::{
    ApiError, Client, Connection, PromptInput, Request, Response, Session, Transport,
};

/// Waits until session `id`'s metadata on the server satisfies `wanted`, and returns it.
pub async fn metadata_until<T: Transport>(
    client: &Client<T>,
    id: &str,
    wanted: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let mut last = serde_json::Value::Null;
    for _ in 0..150 {
        last = client
            .get_session(id)
            .await
            .ok()
            .and_then(|s| s.metadata)
            .unwrap_or(serde_json::Value::Null);
        if wanted(&last) {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the metadata of {id} never became what was wanted: {last}");
}

/// The project's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty temporary folder (removed when the returned guard drops).
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path =
            std::env::temp_dir().join(format!("branchpoint-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A child process in its own process group, stopped (TERM, then KILL after a grace period)
/// with everything it started when dropped.
pub struct Process {
    child: Child,
    name: String,
}

impl Process {
    /// Starts `command` in a new process group.
    pub fn spawn(name: &str, mut command: Command) -> Process {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {name}: {e}"));
        Process {
            child,
            name: name.to_owned(),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Reads the child's stdout until a line `listening on PORT` and returns the port.
    pub fn read_port(&mut self) -> u16 {
        let stdout = self.child.stdout.take().expect("stdout piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read port line");
        line.trim()
            .strip_prefix("listening on ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("{} did not say its port: {line:?}", self.name))
    }

    /// Starts one of our Python services (`script`, relative to the project root) on a free
    /// port (`--port 0`) and returns it with the port it printed.
    pub fn python_service(name: &str, script: &str, args: &[&str]) -> (Process, u16) {
        let mut command = Command::new("python3");
        command
            .arg(root().join(script))
            .args(args)
            .args(["--port", "0"])
            .stdout(Stdio::piped());
        let mut process = Process::spawn(name, command);
        let port = process.read_port();
        (process, port)
    }

    /// Stops the process group: SIGTERM, up to `grace` to exit, then SIGKILL.
    pub fn stop(&mut self, grace: Duration) {
        if self.child.try_wait().ok().flatten().is_some() {
            return;
        }
        let group = format!("-{}", self.child.id());
        // procps-ng 4.0.2 misparses `kill -TERM -PID`; only `-s SIG -- -PID` names the group right.
        let _ = Command::new("/usr/bin/kill")
            .args(["-s", "TERM", "--", &group])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("/usr/bin/kill")
            .args(["-s", "KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(3));
    }
}

/// The scripted OpenAI-compatible model (tests/support/scripted_model.py) on a free port.
pub struct ScriptedModel {
    pub port: u16,
    _process: Process,
}

impl ScriptedModel {
    pub fn start() -> ScriptedModel {
        let (process, port) =
            Process::python_service("scripted model", "tests/support/scripted_model.py", &[]);
        ScriptedModel {
            port,
            _process: process,
        }
    }
}

/// Options for a test server.
#[derive(Default, Clone)]
pub struct ServerOptions {
    /// Turns on HTTP Basic auth (`OPENCODE_SERVER_PASSWORD`).
    pub password: Option<String>,
    /// Extra CORS origin to allow (`--cors`).
    pub cors: Option<String>,
    /// Make bash calls wait for the user's permission.
    pub ask_bash: bool,
    /// Another `opencode` than the pinned one (an older release, for compatibility checks).
    pub binary: Option<PathBuf>,
}

/// The `opencode` binary from the pinned npm package.
pub fn opencode_binary() -> PathBuf {
    let path = root().join("node_modules/.bin/opencode");
    assert!(
        path.exists(),
        "{} is missing: run `make test` (it runs `npm ci`)",
        path.display()
    );
    path
}

/// The `opencode` of an older release, installed by `make compat-tools` under
/// `target/compat/<version>/` (each from its own npm install).
pub fn compat_binary(version: &str) -> PathBuf {
    let path = root().join(format!(
        "target/compat/{version}/node_modules/.bin/opencode"
    ));
    assert!(
        path.exists(),
        "{} is missing: run `make compat-tools` (make test and make compat do it)",
        path.display()
    );
    path
}

/// A real `opencode serve` in a temporary project, talking to a scripted model.
pub struct OpenCode {
    pub port: u16,
    pub project: PathBuf,
    pub options: ServerOptions,
    process: Option<Process>,
    home: PathBuf,
    model: ScriptedModel,
    _dir: TempDir,
}

impl OpenCode {
    pub async fn start() -> OpenCode {
        OpenCode::start_with(ServerOptions::default()).await
    }

    pub async fn start_with(options: ServerOptions) -> OpenCode {
        let model = ScriptedModel::start();
        let dir = TempDir::new("opencode");
        let home = dir.0.join("home");
        let project = dir.0.join("project");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&project).unwrap();
        let config = serde_json::json!({
            "$schema": "https://opencode.ai/config.json",
            "provider": {
                "scripted": {
                    "npm": "@ai-sdk/openai-compatible",
                    "name": "Scripted",
                    "options": { "baseURL": format!("http://127.0.0.1:{}/v1", model.port), "apiKey": "test" },
                    "models": { "scripted-1": { "name": "Scripted 1", "tool_call": true } }
                }
            },
            "model": "scripted/scripted-1",
            "small_model": "scripted/scripted-1",
            "autoupdate": false,
            "share": "disabled",
            "permission": { "bash": if options.ask_bash { "ask" } else { "allow" } },
            // A custom command, as a project's config holds one (the composer's `/` list).
            "command": {
                "greet": {
                    "description": "Greets someone by name",
                    "template": "Say hello to $ARGUMENTS"
                }
            }
        });
        std::fs::write(
            project.join("opencode.json"),
            serde_json::to_string_pretty(&config).unwrap(),
        )
        .unwrap();
        std::fs::write(project.join("README.md"), "# A test project\n").unwrap();
        let _ = Command::new("git")
            .args(["init", "-q"])
            .current_dir(&project)
            .status();
        let mut server = OpenCode {
            port: 0,
            project,
            options,
            process: None,
            home,
            model,
            _dir: dir,
        };
        server.launch(free_port()).await;
        server
    }

    /// Starts (or restarts) the server process on `port`.
    pub async fn launch(&mut self, port: u16) {
        let binary = self.options.binary.clone().unwrap_or_else(opencode_binary);
        let mut command = Command::new(binary);
        command
            .args([
                "serve",
                "--hostname",
                "127.0.0.1",
                "--port",
                &port.to_string(),
            ])
            .current_dir(&self.project)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("XDG_STATE_HOME", self.home.join(".local/state"))
            .env("OPENCODE_DISABLE_AUTOUPDATE", "1")
            .env("OPENCODE_DISABLE_MODELS_FETCH", "1")
            .env("OPENCODE_DISABLE_DEFAULT_PLUGINS", "1")
            .env("OPENCODE_DISABLE_LSP_DOWNLOAD", "1")
            .env("OPENCODE_DISABLE_SHARE", "1")
            .env("OPENCODE_DISABLE_CLAUDE_CODE", "1")
            .env("OPENCODE_DISABLE_EXTERNAL_SKILLS", "1")
            // opencode npm-installs its plugin package into the config dir in the background;
            // offline, that fails harmlessly and no test touches the network.
            .env("npm_config_offline", "true")
            .env("OPENCODE_ENABLE_QUESTION_TOOL", "1")
            .env_remove("OPENCODE_SERVER_PASSWORD")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(password) = &self.options.password {
            command.env("OPENCODE_SERVER_PASSWORD", password);
        }
        if let Some(origin) = &self.options.cors {
            command.args(["--cors", origin]);
        }
        self.process = Some(Process::spawn("opencode serve", command));
        self.port = port;
        self.wait_ready().await;
    }

    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("http client");
        let url = format!("{}/global/health", self.base_url());
        while Instant::now() < deadline {
            if let Ok(response) = http.get(&url).send().await {
                if response.status().as_u16() < 500 {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
        panic!(
            "opencode serve did not answer on port {} within 60 s",
            self.port
        );
    }

    /// Stops the server (TERM, then KILL after a grace period).
    pub fn stop(&mut self) {
        if let Some(mut process) = self.process.take() {
            process.stop(Duration::from_secs(5));
        }
    }

    /// Kills the server at once (no grace period): a crash, not a shutdown.
    pub fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            process.stop(Duration::ZERO);
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The connection a client should use (with the password, if any).
    pub fn connection(&self) -> Connection {
        Connection {
            base_url: self.base_url(),
            password: self.options.password.clone(),
            directory: None,
        }
    }

    /// A typed client for this server.
    pub fn client(&self) -> Client<Reqwest> {
        Client::new(self.connection(), Reqwest::default())
    }

    /// A session titled `title` holding one user message per prompt (no model involved).
    pub async fn seed(&self, title: &str, prompts: &[&str]) -> Session {
        self.session_with(title, prompts, true).await
    }

    /// A session titled `title` holding `n` user messages (no model involved), the `i`-th
    /// saying `text(i)` (1-based). The first and the last are sent alone so they keep their
    /// places; those between go 16 at a time (the order among them may vary).
    pub async fn seed_many(
        &self,
        title: &str,
        n: usize,
        text: impl Fn(usize) -> String,
    ) -> Session {
        let client = self.client();
        let session = self.session_with(title, &[], true).await;
        let send = |i: usize| {
            let mut input = PromptInput::text(text(i));
            input.no_reply = true;
            let (client, id) = (client.clone(), session.id.clone());
            async move { client.prompt(&id, &input).await.expect("seed message") }
        };
        send(1).await;
        let middle: Vec<usize> = (2..n).collect();
        for chunk in middle.chunks(16) {
            futures_util::future::join_all(chunk.iter().map(|&i| send(i))).await;
        }
        if n > 1 {
            send(n).await;
        }
        session
    }

    /// A session titled `title` with a real (scripted) reply to each prompt.
    pub async fn chat(&self, title: &str, prompts: &[&str]) -> Session {
        self.session_with(title, prompts, false).await
    }

    /// A new session titled `title` with `prompts` sent in order, replied to unless `no_reply`.
    async fn session_with(&self, title: &str, prompts: &[&str], no_reply: bool) -> Session {
        let client = self.client();
        let session = client
            .create_session(Some(title))
            .await
            .expect("create session");
        for prompt in prompts {
            let mut input = PromptInput::text(*prompt);
            input.no_reply = no_reply;
            client.prompt(&session.id, &input).await.expect("prompt");
        }
        session
    }

    /// A session with a finished turn for `done`, and a slow reply to a second prompt still
    /// being written when this returns (for half a minute: long enough for a loaded machine).
    pub async fn busy(&self, title: &str, done: &str) -> Session {
        let client = self.client();
        let session = self.chat(title, &[done]).await;
        let slow = PromptInput::text("take your time [[slow:3000]]");
        client
            .prompt_async(&session.id, &slow)
            .await
            .expect("prompt_async");
        for _ in 0..100 {
            let messages = client.messages(&session.id).await.expect("messages");
            if messages.iter().any(branchpoint::fork::is_running) {
                return session;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the slow reply never started");
    }

    /// The project folder, for files the tests attach.
    pub fn project_dir(&self) -> &Path {
        &self.project
    }

    /// A session whose turns run `commands` with the bash tool in the project (one turn each,
    /// its prompt saying "turn N"), returned once the server has summed up every turn's file
    /// changes (it does so just after the reply, as the app sees through `message.updated`).
    pub async fn code(&self, title: &str, commands: &[&str]) -> Session {
        let prompts: Vec<String> = commands
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if c.is_empty() {
                    format!("turn {} talks", i + 1)
                } else {
                    format!("turn {} [[tool:bash:{c}]]", i + 1)
                }
            })
            .collect();
        let prompts: Vec<&str> = prompts.iter().map(String::as_str).collect();
        let session = self.chat(title, &prompts).await;
        self.settled(&session.id).await;
        session
    }

    /// Waits until every replied-to user message of `session_id` carries the server's summary
    /// of its turn's file changes (one sent with no reply never gets one).
    pub async fn settled(&self, session_id: &str) {
        use branchpoint::api::MessageInfo;
        let client = self.client();
        for _ in 0..100 {
            let messages = client.messages(session_id).await.expect("messages");
            let replied = |id: &str| {
                messages
                    .iter()
                    .any(|m| matches!(&m.info, MessageInfo::Assistant(a) if a.parent_id == id))
            };
            let done = messages.iter().all(|m| match &m.info {
                MessageInfo::User(u) => u.summary.is_some() || !replied(&u.id),
                MessageInfo::Assistant(a) => a.time.completed.is_some(),
            });
            if done {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server never summed up the turns of {session_id}");
    }

    /// A file of the project, or `None` when it is not there.
    pub fn read(&self, file: &str) -> Option<String> {
        std::fs::read_to_string(self.project.join(file)).ok()
    }

    /// Commits everything in the project (a worktree starts from the last commit).
    pub fn commit_all(&self, message: &str) {
        for args in [
            vec!["add", "-A"],
            vec![
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.com",
                "commit",
                "-q",
                "-m",
                message,
            ],
        ] {
            let status = Command::new("git")
                .args(&args)
                .current_dir(&self.project)
                .status()
                .expect("git");
            assert!(status.success(), "git {args:?} failed");
        }
    }
}

impl Drop for OpenCode {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The native transport: reqwest. Any failure to get an answer is a network error.
#[derive(Clone, Default)]
pub struct Reqwest(reqwest::Client);

impl Transport for Reqwest {
    async fn send(&self, request: Request) -> Result<Response, ApiError> {
        let method =
            reqwest::Method::from_bytes(request.method.as_str().as_bytes()).expect("method");
        let mut builder = self
            .0
            .request(method, &request.url)
            .timeout(Duration::from_secs(60));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let network = |e: reqwest::Error| ApiError::Network {
            url: request.url.clone(),
            detail: e.to_string(),
        };
        let response = builder.send().await.map_err(network)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
            })
            .collect();
        let body = response.text().await.map_err(network)?;
        Ok(Response {
            status,
            body,
            headers,
        })
    }
}

/// The built app (`dist/`) served by scripts/serve.py, with the SPA fallback.
pub struct StaticSite {
    pub port: u16,
    /// The path the site is served under: "" or, say, "/branchpoint".
    pub prefix: String,
    _process: Process,
}

impl StaticSite {
    /// Serves `dist/`, unknown paths falling back to index.html (status 200).
    pub fn start() -> StaticSite {
        StaticSite::start_with(false)
    }

    /// With `pages`, unknown paths get 404.html with status 404, as GitHub Pages does.
    pub fn start_with(pages: bool) -> StaticSite {
        let dist = root().join("dist");
        assert!(
            dist.join("index.html").exists(),
            "dist/ is not built: run `make dist` (make test does it) before the browser tests"
        );
        let mut args = vec!["--dir", dist.to_str().unwrap()];
        args.extend(pages.then_some("--pages"));
        let (process, port) = Process::python_service("static server", "scripts/serve.py", &args);
        StaticSite {
            port,
            prefix: String::new(),
            _process: process,
        }
    }

    /// Serves any folder (a copy of `dist/` a test changes, say) at the root.
    pub fn serve_dir(dir: &Path) -> StaticSite {
        let args = ["--dir", dir.to_str().unwrap()];
        let (process, port) = Process::python_service("static server", "scripts/serve.py", &args);
        StaticSite {
            port,
            prefix: String::new(),
            _process: process,
        }
    }

    /// Serves `dir` (relative to the project root) under the sub-path `prefix`, such as
    /// `/branchpoint/`, as a GitHub Pages project site is.
    pub fn start_under(dir: &str, prefix: &str) -> StaticSite {
        let dir = root().join(dir);
        assert!(
            dir.join("index.html").exists(),
            "{} is not built: run `make dist-subpath` (make test does it)",
            dir.display()
        );
        let args = ["--dir", dir.to_str().unwrap(), "--prefix", prefix];
        let (process, port) = Process::python_service("static server", "scripts/serve.py", &args);
        StaticSite {
            port,
            prefix: prefix.trim_end_matches('/').to_owned(),
            _process: process,
        }
    }

    /// The URL of `path` within the site (under its prefix, if it has one).
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}{path}", self.port, self.prefix)
    }
}

/// A proxy in front of a server that answers requests matching `fail` ("METHOD /path" regex)
/// with `status` and an error body, and forwards everything else. Every request it sees is
/// logged, so a test can count them.
pub struct FaultProxy {
    pub port: u16,
    log: PathBuf,
    auth_log: PathBuf,
    _process: Process,
    _dir: TempDir,
}

impl FaultProxy {
    pub fn start(target: &str, fail: &str, status: u16) -> FaultProxy {
        let status = status.to_string();
        FaultProxy::start_with(target, &["--fail", fail, "--status", &status])
    }

    /// A proxy with any of fault_proxy.py's options (`--delay`, `--drop`, `--down-drops`, …).
    pub fn start_with(target: &str, options: &[&str]) -> FaultProxy {
        let dir = TempDir::new("proxy");
        let log = dir.0.join("requests.log");
        let auth_log = dir.0.join("authorized.log");
        let mut args = vec![
            "--target",
            target,
            "--log",
            log.to_str().unwrap(),
            "--auth-log",
            auth_log.to_str().unwrap(),
        ];
        args.extend_from_slice(options);
        let (process, port) =
            Process::python_service("fault proxy", "tests/support/fault_proxy.py", &args);
        FaultProxy {
            port,
            log,
            auth_log,
            _process: process,
            _dir: dir,
        }
    }

    /// Like [`FaultProxy::start`], answering the matching requests with `body` verbatim.
    pub fn with_body(target: &str, fail: &str, status: u16, body: &str) -> FaultProxy {
        let status = status.to_string();
        FaultProxy::start_with(
            target,
            &["--fail", fail, "--status", &status, "--body", body],
        )
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every request so far as `METHOD /path` (no query string), OPTIONS left out.
    pub fn log(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Waits (up to 20 s) until the proxy has seen a request `wanted` picks.
    pub async fn wait_for(&self, wanted: impl Fn(&str) -> bool) {
        for _ in 0..200 {
            if self.log().iter().any(|line| wanted(line)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the request never came: {:?}", self.log());
    }

    /// Every request so far that carried an `Authorization` header, as `METHOD /path`.
    pub fn authorized(&self) -> Vec<String> {
        std::fs::read_to_string(&self.auth_log)
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// How many requests were exactly `METHOD /path`.
    pub fn requests(&self, method_and_path: &str) -> usize {
        self.log().iter().filter(|l| *l == method_and_path).count()
    }
}
