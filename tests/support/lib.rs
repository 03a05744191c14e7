//! Test support: start the real `binhchon` binary on a free port against a fresh database
//! (a SQLite file in a temporary folder, or a new PostgreSQL database when `TEST_DATABASE_URL`
//! is set), and talk to it over HTTP the way a browser or script would.

use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use rand::Rng;
use serde_json::{json, Value};

pub const DEMO_PASSWORD: &str = "binhchon-demo";
pub const ADMIN: &str = "admin@demo.binhchon.vn";
pub const OCOP_OFFICE: &str = "ocop@demo.binhchon.vn";
pub const SPCNNTTB_OFFICE: &str = "spcnnttb@demo.binhchon.vn";
pub const PROVINCE_OCOP_OFFICE: &str = "ocop.tinh@demo.binhchon.vn";
pub const JUDGE: &str = "giamkhao1@demo.binhchon.vn";
pub const COMMUNE_OFFICER: &str = "xa.binhchanh@demo.binhchon.vn";
pub const PRODUCER: &str = "chuthe@demo.binhchon.vn";

/// The server binary under test (built by `make test` before the tests run).
pub fn binary() -> PathBuf {
    if let Ok(p) = std::env::var("BINHCHON_BIN") {
        return PathBuf::from(p);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("release/binhchon")
}

/// Which database the suite runs on.
pub fn backend_name() -> &'static str {
    if std::env::var("TEST_DATABASE_URL").is_ok() { "postgres" } else { "sqlite" }
}

fn random_suffix() -> String {
    let mut rng = rand::thread_rng();
    (0..10).map(|_| (b'a' + rng.gen_range(0..26)) as char).collect()
}

/// A database for one test; dropped (PostgreSQL) or deleted with its folder (SQLite) at the end.
pub struct TestDb {
    pub url: String,
    pub dir: PathBuf,
    pg_admin_url: Option<String>,
    pg_name: Option<String>,
}

impl TestDb {
    pub fn new() -> TestDb {
        let dir = std::env::temp_dir().join(format!("binhchon-test-{}", random_suffix()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        match std::env::var("TEST_DATABASE_URL") {
            Ok(base) => {
                let name = format!("binhchon_test_{}", random_suffix());
                let (prefix, _) = base.rsplit_once('/').expect("TEST_DATABASE_URL needs a database name");
                TestDb { url: format!("{prefix}/{name}"), dir, pg_admin_url: Some(base), pg_name: Some(name) }
            }
            Err(_) => TestDb {
                url: format!("sqlite://{}", dir.join("binhchon.db").display()),
                dir,
                pg_admin_url: None,
                pg_name: None,
            },
        }
    }

    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("binhchon-test-{}", random_suffix()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TestDb { url: format!("sqlite://{}", dir.join("binhchon.db").display()), dir, pg_admin_url: None, pg_name: None }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let (Some(admin), Some(name)) = (&self.pg_admin_url, &self.pg_name) {
            let _ = Command::new("psql")
                .arg(admin)
                .arg("-qc")
                .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs a `binhchon` command (not the server) against a database; returns stdout.
pub fn run_cli(db_url: &str, data_dir: &std::path::Path, args: &[&str], extra_env: &[(&str, &str)]) -> (bool, String, String) {
    let out = Command::new(binary())
        .args(args)
        .env("DATABASE_URL", db_url)
        .env("DATA_DIR", data_dir)
        .env("RUST_LOG", "warn")
        .envs(extra_env.iter().copied())
        .output()
        .expect("run binhchon");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

pub struct TestServer {
    pub base: String,
    pub db: TestDb,
    env: Vec<(String, String)>,
    child: Option<Child>,
}

impl TestServer {
    /// A server with the demo accounts loaded.
    pub async fn start() -> TestServer {
        Self::start_with(&[]).await
    }

    pub async fn start_with(env: &[(&str, &str)]) -> TestServer {
        let mut s = TestServer {
            base: String::new(),
            db: TestDb::new(),
            env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            child: None,
        };
        s.spawn();
        s
    }

    fn spawn(&mut self) {
        let mut cmd = Command::new(binary());
        cmd.arg("serve")
            .env("PORT", "0")
            .env("HOST", "127.0.0.1")
            .env("DATABASE_URL", &self.db.url)
            .env("DATA_DIR", &self.db.dir)
            .env("SEED_DEMO", "1")
            .env("RUST_LOG", std::env::var("TEST_LOG").unwrap_or_else(|_| "warn".into()))
            .stdout(Stdio::piped())
            .stderr(if std::env::var("TEST_LOG").is_ok() { Stdio::inherit() } else { Stdio::null() });
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e} (run `make build` first)", binary().display()));
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.split("is serving on ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let base = rx.recv_timeout(Duration::from_secs(120)).expect("server did not start within 120 s");
        self.base = base;
        self.child = Some(child);
    }

    /// Kills the server without any chance to clean up (SIGKILL), then starts it again on the same database.
    pub fn kill_and_restart(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        self.spawn();
    }

    /// Asks the server to stop (SIGTERM) and returns whether it exited cleanly.
    pub fn terminate(&mut self) -> bool {
        let Some(mut c) = self.child.take() else { return false };
        let _ = Command::new("kill").arg("-TERM").arg(c.id().to_string()).status();
        for _ in 0..100 {
            if let Ok(Some(status)) = c.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = c.kill();
        false
    }

    /// A fresh client with its own cookie jar (one browser).
    pub fn client(&self) -> Client {
        Client {
            base: self.base.clone(),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
        }
    }

    pub async fn login_as(&self, login: &str) -> Client {
        let c = self.client();
        let (status, body) = c.login(login, DEMO_PASSWORD).await;
        assert!(status < 300, "log-in as {login} failed: {status} {body}");
        c
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
}

/// A JSON body, or the raw text when it is not JSON.
fn parse_body(text: String) -> Value {
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

impl Client {
    /// Calls a server function with URL-encoded arguments (as an HTML form or the Leptos client does).
    pub async fn call(&self, endpoint: &str, args: &[(&str, &str)]) -> (u16, Value) {
        self.call_with_headers(endpoint, args, &[]).await
    }

    pub async fn call_with_headers(&self, endpoint: &str, args: &[(&str, &str)], headers: &[(&str, &str)]) -> (u16, Value) {
        let mut req = self.http.post(format!("{}/api/{endpoint}", self.base)).form(args);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        (status, parse_body(res.text().await.unwrap_or_default()))
    }

    /// Posts a raw body with a given content type.
    pub async fn post_raw(&self, endpoint: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
        let res = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, parse_body(res.text().await.unwrap_or_default()))
    }

    /// Calls a server function that takes a JSON body.
    pub async fn call_json(&self, endpoint: &str, body: Value) -> (u16, Value) {
        self.post_raw(endpoint, "application/json", body.to_string().into_bytes()).await
    }

    /// Calls a server function that must succeed (200) and returns its body.
    pub async fn ok(&self, endpoint: &str, args: &[(&str, &str)]) -> Value {
        let (status, body) = self.call(endpoint, args).await;
        assert_eq!(status, 200, "{endpoint}: {body}");
        body
    }

    /// Calls a JSON server function that must succeed (200) and returns its body.
    pub async fn ok_json(&self, endpoint: &str, body: Value) -> Value {
        let (status, out) = self.call_json(endpoint, body).await;
        assert_eq!(status, 200, "{endpoint}: {out}");
        out
    }

    /// Uploads a file the way the page does: the bytes as the body, the name percent-encoded.
    pub async fn upload(&self, path: &str, file_name: &str, bytes: Vec<u8>) -> (u16, Value) {
        let encoded: String = file_name
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect();
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/octet-stream")
            .header("x-file-name", encoded)
            .body(bytes)
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, parse_body(res.text().await.unwrap_or_default()))
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.base)).send().await.expect("request")
    }

    pub async fn login(&self, login: &str, password: &str) -> (u16, Value) {
        self.call("login", &[("login", login), ("password", password)]).await
    }

    pub async fn whoami(&self) -> Value {
        let (status, body) = self.call("whoami", &[]).await;
        assert_eq!(status, 200, "whoami: {body}");
        body
    }
}

/// A small valid PDF (what a scanned form looks like to the server: `%PDF-` and a body).
pub fn pdf_bytes(label: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {label}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

/// A PNG signature followed by filler: enough for the type check (the thumbnail just fails).
pub fn png_bytes(seed: u8) -> Vec<u8> {
    let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    v.extend(std::iter::repeat(seed).take(64));
    v
}

/// The error code of an API error body (`{"code": "forbidden"}`).
pub fn code(body: &Value) -> &str {
    body.get("code").and_then(Value::as_str).unwrap_or("")
}

// ---- score sheets: answers worth a chosen total on an options-only form (the demo forms) ----

/// Points as the API writes them (`35` or `"2.50"`), in hundredths.
pub fn hundredths(v: &Value) -> i64 {
    if let Some(i) = v.as_i64() {
        return i * 100;
    }
    let s = v.as_str().unwrap_or_else(|| panic!("points: {v}"));
    let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
    let frac = format!("{frac:0<2}");
    whole.parse::<i64>().unwrap() * 100 + frac[..2].parse::<i64>().unwrap()
}

/// One criterion of a score form: its code, each option's points (paper order), and whether it
/// has a mandatory minimum.
pub struct Criterion {
    pub code: String,
    pub points: Vec<i64>,
    pub mandatory: bool,
}

pub fn criteria(form: &Value) -> Vec<Criterion> {
    let mut out = Vec::new();
    for part in form["parts"].as_array().expect("parts") {
        for group in part["groups"].as_array().expect("groups") {
            for c in group["criteria"].as_array().expect("criteria") {
                let options = c["options"].as_array().unwrap_or_else(|| panic!("the demo form has options only: {c}"));
                out.push(Criterion {
                    code: c["code"].as_str().unwrap().to_string(),
                    points: options.iter().map(|o| hundredths(&o["points"])).collect(),
                    mandatory: c.get("mandatory").and_then(Value::as_array).is_some_and(|m| !m.is_empty()),
                });
            }
        }
    }
    assert!(out.len() > 10, "{form}");
    out
}

/// A complete set of answers worth exactly `total` points: every criterion starts at its best
/// option, then criteria are lowered (those without a mandatory minimum first, so a sheet keeps its
/// stars' mandatory criteria unless the total forces them down). `fixed` pins options by index.
pub fn answers_for(form: &Value, total: i64, fixed: &[(&str, usize)]) -> Value {
    let cs = criteria(form);
    let best = |c: &Criterion| (0..c.points.len()).max_by_key(|i| c.points[*i]).unwrap();
    let mut chosen: Vec<usize> = cs.iter().map(best).collect();
    for (code, i) in fixed {
        let at = cs.iter().position(|c| c.code == *code).unwrap_or_else(|| panic!("no criterion {code}"));
        chosen[at] = *i;
    }
    let sum = |chosen: &[usize]| cs.iter().zip(chosen).map(|(c, i)| c.points[*i]).sum::<i64>();
    let mut deficit = sum(&chosen) - total * 100;
    assert!(deficit >= 0, "{total} points cannot be reached");
    for mandatory in [false, true] {
        for (at, c) in cs.iter().enumerate() {
            if c.mandatory != mandatory || fixed.iter().any(|(code, _)| *code == c.code) || deficit == 0 {
                continue;
            }
            let current = c.points[chosen[at]];
            // The lowest option that does not overshoot.
            if let Some((i, p)) = c.points.iter().enumerate().filter(|(_, p)| current - **p <= deficit).min_by_key(|(_, p)| **p) {
                deficit -= current - p;
                chosen[at] = i;
            }
        }
    }
    assert_eq!(deficit, 0, "{total} points cannot be reached exactly");
    let mut answers = serde_json::Map::new();
    for (c, i) in cs.iter().zip(&chosen) {
        answers.insert(c.code.clone(), json!({ "option": i }));
    }
    Value::Object(answers)
}
