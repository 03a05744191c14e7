//! Autosave under load (issue 5): many judges, each saving one changed answer every two
//! seconds, against the real release server — on a fresh SQLite file, then on a fresh
//! PostgreSQL database. Everything is done over HTTP as people do it: the office sets up the
//! round, councils and assignments through the API, the producer files the dossiers, every
//! judge logs in with the temporary password the office was given, changes it, opens the
//! judge's page and the sheet, and autosaves with the version it holds (`sheet_save`, as the
//! browser does). Afterwards every sheet is read back and the audit log counted, so an
//! acknowledged save that was not stored — or a stored one never acknowledged — shows.
//!
//! Run: `make bench-autosave`, or `cargo run --release -p binhchon-bench --bin autosave -- --help`.
//! The figures and how to read them are in bench/README.md.

use std::{
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
    process::{Child, Command, ExitCode, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        mpsc, Arc,
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use domain::{
    form::{Scale, ScoreForm},
    sheet::{Answer, Answers},
};
use serde_json::{json, Value};
use tokio::{sync::Semaphore, task::JoinSet};

/// The demo accounts the server loads with `SEED_DEMO=1` (the office, its producer, the administrator).
const DEMO_PASSWORD: &str = "binhchon-demo";
const OCOP_OFFICE: &str = "ocop@demo.binhchon.vn";
const PRODUCER: &str = "chuthe@demo.binhchon.vn";
const ADMIN: &str = "admin@demo.binhchon.vn";
/// The rule set (the round takes its newest published version) and a leaf product group of it
/// that has a score form (the illustrative QĐ 148 form).
const RULE_SET: &str = "ocop-qd148-2023";
const PRODUCT_GROUP: &str = "I.1.a";
/// The judges' own password once they have replaced the temporary one.
const JUDGE_PASSWORD: &str = "mat khau giam khao do tai";
/// Set-up requests in flight at once: log-in and password changes hash with argon2 on the
/// server's two cores, so more at once only queues.
const SETUP_CONCURRENCY: usize = 4;
/// The aim of the issue for the 99th percentile.
const P99_AIM_MS: f64 = 50.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

struct Settings {
    judges: usize,
    council_size: usize,
    interval: Duration,
    duration: Duration,
    backends: Vec<Backend>,
    bin: PathBuf,
    pg_url: String,
    keep: bool,
}

const USAGE: &str = "\
binhchon autosave benchmark — judges autosaving against the real server

usage: autosave [--db sqlite|postgres|both] [--judges N] [--council-size N]
                [--seconds N] [--interval-ms N] [--keep]

  --db            which database(s) to run on (default both: SQLite, then PostgreSQL)
  --judges        judges saving at once (default 300)
  --council-size  members per council, each council scoring one product (default 10)
  --seconds       how long each judge keeps saving (default 60)
  --interval-ms   time between one judge's saves (default 2000)
  --keep          keep the data folder and the PostgreSQL database afterwards

environment:
  BINHCHON_BIN         the server binary (default $CARGO_TARGET_DIR/release/binhchon,
                       else ~/.cache/binhchon/target/release/binhchon)
  BENCH_DATABASE_URL   a PostgreSQL database to connect to for creating and dropping the
                       benchmark's own database (default postgres://postgres@127.0.0.1:5432/postgres)
  BENCH_SERVER_LOG     the server's RUST_LOG (default info); 'info,sqlx::query=debug' logs every
                       statement with its time into server.log (use with --keep)
";

fn settings() -> Result<Settings, String> {
    let mut s = Settings {
        judges: 300,
        council_size: 10,
        interval: Duration::from_millis(2000),
        duration: Duration::from_secs(60),
        backends: vec![Backend::Sqlite, Backend::Postgres],
        bin: std::env::var_os("BINHCHON_BIN").map(PathBuf::from).unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
                PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/binhchon/target")
            });
            target.join("release/binhchon")
        }),
        pg_url: std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()),
        keep: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            args.next().and_then(|v| v.parse::<u64>().ok()).filter(|n| *n > 0).ok_or_else(|| format!("{name} needs a positive number"))
        };
        match a.as_str() {
            "--judges" => s.judges = number("--judges")? as usize,
            "--council-size" => s.council_size = number("--council-size")? as usize,
            "--seconds" => s.duration = Duration::from_secs(number("--seconds")?),
            "--interval-ms" => s.interval = Duration::from_millis(number("--interval-ms")?),
            "--keep" => s.keep = true,
            "--db" => {
                s.backends = match args.next().as_deref() {
                    Some("sqlite") => vec![Backend::Sqlite],
                    Some("postgres") => vec![Backend::Postgres],
                    Some("both") => vec![Backend::Sqlite, Backend::Postgres],
                    _ => return Err("--db takes sqlite, postgres or both".into()),
                }
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    // A council needs a chair and at least one more member who scores.
    if s.council_size < 2 {
        return Err("--council-size must be at least 2".into());
    }
    if !s.bin.is_file() {
        return Err(format!("no server binary at {} (run `make build`, or set BINHCHON_BIN)", s.bin.display()));
    }
    Ok(s)
}

fn main() -> ExitCode {
    let s = match settings() {
        Ok(s) => s,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("autosave: {e}\n");
            }
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // One thread for the 300 simulated browsers: they wait on the network almost all the time,
    // and the server keeps both cores.
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("autosave: tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut all_ok = true;
    for backend in s.backends.clone() {
        match rt.block_on(leg(&s, backend)) {
            Ok(report) => {
                report.print(&s);
                all_ok &= report.correct();
            }
            Err(e) => {
                eprintln!("autosave [{}]: {e}", backend.name());
                all_ok = false;
            }
        }
    }
    if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

// ---------------------------------------------------------------------------------------------
// The server process and its database

fn random_suffix() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    let mut x = (nanos as u64) ^ (u64::from(std::process::id()) << 32);
    (0..10)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (b'a' + (x % 26) as u8) as char
        })
        .collect()
}

/// A fresh database for one leg: a SQLite file in the data folder, or a uniquely named
/// PostgreSQL database (the server creates it at start; it is dropped at the end).
struct Database {
    url: String,
    dir: PathBuf,
    pg: Option<(String, String)>,
    keep: bool,
}

impl Database {
    fn new(backend: Backend, s: &Settings) -> Result<Database, String> {
        let suffix = random_suffix();
        let dir = std::env::temp_dir().join(format!("binhchon-bench-{suffix}"));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(match backend {
            Backend::Sqlite => Database { url: format!("sqlite://{}", dir.join("binhchon.db").display()), dir, pg: None, keep: s.keep },
            Backend::Postgres => {
                let name = format!("binhchon_bench_{suffix}");
                let (prefix, _) = s.pg_url.rsplit_once('/').ok_or("BENCH_DATABASE_URL needs a database name")?;
                Database { url: format!("{prefix}/{name}"), dir, pg: Some((s.pg_url.clone(), name)), keep: s.keep }
            }
        })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if self.keep {
            eprintln!("  kept: {} and {}", self.dir.display(), self.url);
            return;
        }
        if let Some((admin, name)) = &self.pg {
            let status = Command::new("psql")
                .arg(admin)
                .arg("-qc")
                .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .stdout(Stdio::null())
                .status();
            if !status.is_ok_and(|s| s.success()) {
                eprintln!("  could not drop the database {name}: drop it with psql");
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The real `binhchon serve`, as the integration tests start it: a free port, the given
/// database and data folder, the demo accounts loaded. Its log goes to `server.log` in the
/// data folder.
struct Server {
    child: Option<Child>,
    pid: u32,
    base: String,
}

impl Server {
    fn start(bin: &Path, db: &Database) -> Result<Server, String> {
        let log_path = db.dir.join("server.log");
        let log = std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let mut child = Command::new(bin)
            .arg("serve")
            .env("PORT", "0")
            .env("HOST", "127.0.0.1")
            .env("DATABASE_URL", &db.url)
            .env("DATA_DIR", &db.dir)
            .env("SEED_DEMO", "1")
            .env("RUST_LOG", std::env::var("BENCH_SERVER_LOG").unwrap_or_else(|_| "info".into()))
            .stdout(Stdio::piped())
            .stderr(log.try_clone().map_err(|e| e.to_string())?)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = mpsc::channel();
        // Keeps reading to the end, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut log = log;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.split("is serving on ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                }
                let _ = writeln!(log, "{line}");
            }
        });
        let pid = child.id();
        let mut server = Server { child: Some(child), pid, base: String::new() };
        server.base = rx
            .recv_timeout(Duration::from_secs(180))
            .map_err(|_| format!("the server did not start within 180 s (see {})", log_path.display()))?;
        Ok(server)
    }

    /// Asks the server to stop (SIGTERM), as a service manager does.
    fn stop(&mut self) {
        let Some(mut c) = self.child.take() else { return };
        let _ = Command::new("kill").arg("-TERM").arg(self.pid.to_string()).status();
        for _ in 0..100 {
            if let Ok(Some(_)) = c.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = c.kill();
        let _ = c.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A `kB` line of /proc/<pid>/status (VmRSS, VmHWM), in kB.
fn proc_status_kb(pid: u32, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok())
}

/// CPU time the process has used (user + system), from /proc/<pid>/stat.
fn proc_cpu(pid: u32) -> Option<Duration> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &text[text.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux the project runs on.
    Some(Duration::from_millis(ticks * 10))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

// ---------------------------------------------------------------------------------------------
// HTTP, as a browser on the site's own pages

#[derive(Clone)]
struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    /// One browser: its own cookie jar and connection.
    fn new(base: &str) -> Result<Client, String> {
        let mut headers = reqwest::header::HeaderMap::new();
        // What a browser sends with the page's own requests; the server's cross-site guard checks them.
        headers.insert("origin", base.parse().map_err(|_| "origin header")?);
        headers.insert("sec-fetch-site", reqwest::header::HeaderValue::from_static("same-origin"));
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .user_agent("binhchon-bench/autosave")
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| format!("http client: {e}"))?;
        Ok(Client { base: base.to_string(), http })
    }

    async fn finish(endpoint: &str, res: Result<reqwest::Response, reqwest::Error>) -> Result<Value, String> {
        let res = res.map_err(|e| format!("{endpoint}: {}", chain(&e)))?;
        let status = res.status().as_u16();
        let text = res.text().await.map_err(|e| format!("{endpoint}: {}", chain(&e)))?;
        if status != 200 && status != 201 {
            return Err(format!("{endpoint}: {status} {text}"));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// A server function with URL-encoded arguments (as the Leptos client sends most of them).
    async fn call(&self, endpoint: &str, args: &[(&str, &str)]) -> Result<Value, String> {
        let res = self.http.post(format!("{}/api/{endpoint}", self.base)).form(args).send().await;
        Self::finish(endpoint, res).await
    }

    /// A server function that takes a JSON body.
    async fn call_json(&self, endpoint: &str, body: &Value) -> Result<Value, String> {
        let res = self.http.post(format!("{}/api/{endpoint}", self.base)).json(body).send().await;
        Self::finish(endpoint, res).await
    }

    /// An upload as the dossier page sends it: the bytes as the body, the name percent-encoded.
    async fn upload(&self, path: &str, file_name: &str, bytes: Vec<u8>) -> Result<Value, String> {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/octet-stream")
            .header("x-file-name", file_name)
            .body(bytes)
            .send()
            .await;
        Self::finish(path, res).await
    }

    /// A page, rendered on the server.
    async fn page(&self, path: &str) -> Result<String, String> {
        let res = self.http.get(format!("{}{path}", self.base)).send().await.map_err(|e| format!("GET {path}: {}", chain(&e)))?;
        let status = res.status().as_u16();
        let text = res.text().await.map_err(|e| format!("GET {path}: {}", chain(&e)))?;
        if status != 200 {
            return Err(format!("GET {path}: {status}"));
        }
        Ok(text)
    }

    async fn login(base: &str, login: &str, password: &str) -> Result<Client, String> {
        let c = Client::new(base)?;
        c.call("login", &[("login", login), ("password", password)]).await.map_err(|e| format!("log-in as {login}: {e}"))?;
        Ok(c)
    }
}

/// An error with its causes ("error sending request: connection closed: …").
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

fn int(v: &Value, what: &str) -> Result<i64, String> {
    v.as_i64().ok_or_else(|| format!("{what}: expected a number, got {v}"))
}

/// Today in Vietnam (the server counts days in UTC+7), plus `offset` days, as `YYYY-MM-DD`.
fn vn_day(offset: i64) -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default() as i64 + 7 * 3600;
    // Days since 1970-01-01 → civil date (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + offset + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A small valid PDF, as a scanned form looks to the server's type check.
fn pdf(label: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {label}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

// ---------------------------------------------------------------------------------------------
// Set-up, as the office, the producer and the judges do it

/// One judge, logged in, with the sheet open.
struct Seat {
    client: Client,
    sheet_id: i64,
    version: i64,
    answers: Answers,
    form: Arc<ScoreForm>,
}

/// Returns the judges with their sheets open, and the judge's-page loads that failed (and
/// worked when loaded again).
async fn set_up(base: &str, s: &Settings, tag: &str) -> Result<(Vec<Seat>, Vec<String>), String> {
    let councils = s.judges.div_ceil(s.council_size);
    let office = Client::login(base, OCOP_OFFICE, DEMO_PASSWORD).await?;
    let producer = Client::login(base, PRODUCER, DEMO_PASSWORD).await?;

    // The office opens a round of the district (the unit the demo office runs).
    let options = office.call("round_options", &[]).await?;
    let district = options["units"]
        .as_array()
        .and_then(|u| u.iter().find(|u| u["level"] == "district"))
        .ok_or("round_options: no district")?;
    let district = int(&district["id"], "district id")?.to_string();
    // The newest published version of the rule set (the new-round form offers the versions).
    let rule_set_id = options["rule_sets"]
        .as_array()
        .and_then(|v| v.iter().filter(|r| r["code"] == RULE_SET).max_by_key(|r| r["version"].as_i64().unwrap_or(0)))
        .ok_or("round_options: no published version of the rule set")?;
    let rule_set_id = int(&rule_set_id["id"], "rule set id")?.to_string();
    let year = vn_day(0)[..4].to_string();
    let round = office
        .call(
            "round_create",
            &[
                ("programme", "ocop"),
                ("rule_set_id", &rule_set_id),
                ("name", "Đánh giá, phân hạng sản phẩm OCOP — đợt đo tải lưu tự động"),
                ("unit_id", &district),
                ("year", &year),
                ("registration_opens", &vn_day(-30)),
                ("registration_closes", &vn_day(0)),
                ("scoring_opens", &vn_day(0)),
                ("scoring_closes", &vn_day(14)),
            ],
        )
        .await?;
    let round = int(&round, "round id")?;
    let round_s = round.to_string();
    office.call("round_act", &[("id", &round_s), ("action", "open_registration")]).await?;

    // The producer files one product per council; the office accepts each dossier.
    eprintln!("  [{tag}] {councils} products filed and accepted…");
    let mut dossiers = Vec::with_capacity(councils);
    for i in 0..councils {
        let form = json!({"form": {
            "programme": "ocop", "name": format!("Sản phẩm đo tải số {}", i + 1), "group_code": PRODUCT_GROUP,
            "description": "Sản phẩm dùng để đo tải chấm điểm.", "raw_materials": "Nguyên liệu địa phương.",
            "packaging": "Hộp giấy, nhãn đủ thông tin.", "items": []
        }});
        let product = int(&producer.call_json("product_create", &form).await?, "product id")?.to_string();
        let dossier = producer
            .call(
                "dossier_create",
                &[("round_id", &round_s), ("product_id", &product), ("registration_type", "first"), ("previous_certificate", ""), ("group_code", "")],
            )
            .await?;
        let dossier = int(&dossier, "dossier id")?;
        let d = producer.call("dossier_get", &[("id", &dossier.to_string())]).await?;
        let missing: Vec<String> = d["dossier"]["items"]
            .as_array()
            .ok_or("dossier_get: no items")?
            .iter()
            .filter(|i| i["item"]["required"] == true && i["satisfied"] == false && i["item"]["kind"] == "document")
            .filter_map(|i| i["item"]["code"].as_str().map(str::to_string))
            .collect();
        for code in missing {
            producer.upload(&format!("/files/dossiers/{dossier}/items/{code}"), &format!("{code}.pdf"), pdf(&code)).await?;
        }
        for (who, action) in [(&producer, "submit"), (&office, "accept")] {
            let d = who.call("dossier_get", &[("id", &dossier.to_string())]).await?;
            let version = int(&d["dossier"]["version"], "dossier version")?;
            let body = json!({"id": dossier, "version": version, "action": action, "reason": null, "items": null, "deadline": null, "declaration": true});
            who.call_json("dossier_act", &body).await?;
        }
        dossiers.push(dossier);
    }
    office.call("round_act", &[("id", &round_s), ("action", "close_registration")]).await?;

    // Councils of `council_size` members (a chair and members, all of whom score), each given one
    // product. New members get judge accounts with a temporary password, handed to the office.
    eprintln!("  [{tag}] {councils} councils, {} new judge accounts…", s.judges);
    let gate = Arc::new(Semaphore::new(SETUP_CONCURRENCY));
    let mut tasks = JoinSet::new();
    for (c, dossier) in dossiers.iter().copied().enumerate() {
        let (office, gate, round_s) = (office.clone(), gate.clone(), round_s.clone());
        let members: Vec<usize> = (c * s.council_size..((c + 1) * s.council_size).min(s.judges)).collect();
        tasks.spawn(async move {
            let _permit = gate.acquire().await.map_err(|e| e.to_string())?;
            let council = office
                .call(
                    "council_create",
                    &[
                        ("round_id", &round_s),
                        ("name", &format!("Hội đồng đo tải số {}", c + 1)),
                        ("decision_no", &format!("{}/QĐ-UBND", 900 + c)),
                        ("decision_date", &vn_day(-3)),
                    ],
                )
                .await?;
            let council = int(&council, "council id")?;
            let mut accounts = Vec::new();
            for (k, j) in members.iter().enumerate() {
                let login = format!("giamkhao.dotai{}@bench.binhchon.vn", j + 1);
                let added = office
                    .call(
                        "council_member_add",
                        &[
                            ("council_id", &council.to_string()),
                            ("login", &login),
                            ("full_name", &format!("Giám khảo đo tải {}", j + 1)),
                            ("role", if k == 0 { "chair" } else { "member" }),
                            ("position", "Chuyên viên"),
                        ],
                    )
                    .await?;
                let temporary = added["temporary_password"].as_str().ok_or("council_member_add: no temporary password")?.to_string();
                accounts.push((login, temporary, dossier));
            }
            let body = json!({"council_id": council, "mode": "list", "group_code": null, "dossier_ids": [dossier]});
            office.call_json("council_assign", &body).await?;
            Ok::<_, String>(accounts)
        });
    }
    let mut accounts = Vec::with_capacity(s.judges);
    while let Some(done) = tasks.join_next().await {
        accounts.extend(done.map_err(|e| e.to_string())??);
    }
    office.call("round_act", &[("id", &round_s), ("action", "open_scoring")]).await?;

    // Every judge logs in with the temporary password, replaces it (the server allows nothing
    // else until then), lands on the judge's page and opens the product's sheet.
    eprintln!("  [{tag}] {} judges log in, change their password and open their sheet…", accounts.len());
    let mut tasks = JoinSet::new();
    for (login, temporary, dossier) in accounts {
        let (gate, base) = (gate.clone(), base.to_string());
        tasks.spawn(async move {
            let _permit = gate.acquire().await.map_err(|e| e.to_string())?;
            let judge = Client::login(&base, &login, &temporary).await?;
            judge
                .call("change_password", &[("old_password", &temporary), ("new_password", JUDGE_PASSWORD), ("confirm_password", JUDGE_PASSWORD)])
                .await?;
            // A failed page load is reloaded once, as a person would, and reported.
            let failed_page = match judge.page("/judge").await {
                Ok(_) => None,
                Err(e) => {
                    judge.page("/judge").await?;
                    Some(e)
                }
            };
            let mine = judge.call("judge_products", &[]).await?;
            let listed = mine.as_array().is_some_and(|p| p.iter().any(|p| p["dossier_id"] == dossier));
            if !listed {
                return Err(format!("{login}: the product is not on the judge's list: {mine}"));
            }
            let ws = judge.call("sheet_workspace", &[("dossier_id", &dossier.to_string())]).await?;
            if ws["editable"] != true {
                return Err(format!("{login}: the sheet is not editable"));
            }
            let form: ScoreForm = serde_json::from_value(ws["form"].clone()).map_err(|e| format!("workspace form: {e}"))?;
            let answers: Answers = serde_json::from_value(ws["sheet"]["answers"].clone()).map_err(|e| format!("workspace answers: {e}"))?;
            Ok::<_, String>((judge, int(&ws["sheet"]["id"], "sheet id")?, int(&ws["sheet"]["version"], "sheet version")?, answers, form, failed_page))
        });
    }
    let mut seats = Vec::new();
    let mut failed_pages = Vec::new();
    let mut forms: Vec<Arc<ScoreForm>> = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (client, sheet_id, version, answers, form, failed_page) = done.map_err(|e| e.to_string())??;
        failed_pages.extend(failed_page);
        // Judges of the same form share one copy.
        let form = match forms.iter().find(|f| f.code == form.code) {
            Some(f) => f.clone(),
            None => {
                let f = Arc::new(form);
                forms.push(f.clone());
                f
            }
        };
        seats.push(Seat { client, sheet_id, version, answers, form });
    }
    seats.sort_by_key(|s| s.sheet_id);
    Ok((seats, failed_pages))
}

// ---------------------------------------------------------------------------------------------
// The measured part: every judge autosaves

/// What one judge's browser saw.
struct JudgeRun {
    client: Client,
    sheet_id: i64,
    initial_version: i64,
    /// Latency of each request, acknowledged or not.
    latencies: Vec<Duration>,
    acked: u64,
    /// The last acknowledged version and the answers it carried.
    last_ack: Option<(i64, Answers)>,
    errors: Vec<String>,
}

/// The answer after the current one: the next option (wrapping), or the other end of a range.
fn changed(form: &ScoreForm, answers: &Answers, step: usize) -> (String, Answer) {
    let criteria: Vec<_> = form.criteria().collect();
    let c = criteria[step % criteria.len()];
    let next = match &c.scale {
        Scale::Options(options) => match answers.get(&c.code) {
            Some(Answer::Option(i)) => Answer::Option((i + 1) % options.len()),
            _ => Answer::Option(0),
        },
        Scale::Numeric(range) => match answers.get(&c.code) {
            Some(Answer::Number(v)) if v == range.min => Answer::Number(range.max),
            _ => Answer::Number(range.min),
        },
    };
    (c.code.clone(), next)
}

/// One judge: a changed answer every `interval`, sent with the version last acknowledged and
/// one request at a time, as the sheet page does.
async fn autosave(seat: Seat, first: tokio::time::Instant, interval: Duration, saves: usize, start_step: usize) -> JudgeRun {
    let Seat { client, sheet_id, mut version, mut answers, form } = seat;
    let mut run = JudgeRun { client, sheet_id, initial_version: version, latencies: Vec::with_capacity(saves), acked: 0, last_ack: None, errors: Vec::new() };
    let mut ticks = tokio::time::interval_at(first, interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let url = format!("{}/api/sheet_save", run.client.base);
    for k in 0..saves {
        ticks.tick().await;
        let (code, answer) = changed(&form, &answers, start_step + k);
        answers.set(code, answer);
        let body = json!({"sheet_id": sheet_id, "version": version, "answers": answers, "notes": {}}).to_string();
        let sent = Instant::now();
        let res = run.client.http.post(&url).header("content-type", "application/json").body(body).send().await;
        let outcome = match res {
            Ok(r) => {
                let status = r.status().as_u16();
                r.text().await.map(|t| (status, t)).map_err(|e| chain(&e))
            }
            Err(e) => Err(chain(&e)),
        };
        run.latencies.push(sent.elapsed());
        match outcome {
            Ok((200, text)) => match serde_json::from_str::<Value>(&text).ok().and_then(|v| v["version"].as_i64()) {
                Some(v) => {
                    version = v;
                    run.acked += 1;
                    run.last_ack = Some((v, answers.clone()));
                }
                None => run.errors.push(format!("200 without a version: {text}")),
            },
            Ok((status, text)) => {
                run.errors.push(format!("{status} {text}"));
                // A refused stale save: the page would show the stored copy; carry on from its version.
                if status == 409 {
                    if let Ok(stored) = run.client.call("sheet_own", &[("sheet_id", &sheet_id.to_string())]).await {
                        version = stored["version"].as_i64().unwrap_or(version);
                    }
                }
            }
            Err(e) => run.errors.push(e),
        }
    }
    run
}

struct Report {
    backend: Backend,
    judges: usize,
    setup: Duration,
    /// Loads of the judge's page in the set-up that failed (each worked when loaded again).
    failed_pages: Vec<String>,
    phase: Duration,
    sent: usize,
    acked: u64,
    errors: usize,
    error_samples: Vec<String>,
    p50: Duration,
    p99: Duration,
    max: Duration,
    mean: Duration,
    stored_by_version: i64,
    stored_by_audit: i64,
    sheets_matching: usize,
    sheet_problems: Vec<String>,
    hwm_kb: u64,
    start_rss_kb: u64,
    phase_rss_kb: u64,
    cpu_share: f64,
    load_before: String,
    load_after: String,
}

impl Report {
    /// Zero errors and every acknowledged save stored, no more and no fewer.
    fn correct(&self) -> bool {
        self.errors == 0
            && self.sheet_problems.is_empty()
            && self.sheets_matching == self.judges
            && self.acked as i64 == self.stored_by_version
            && self.acked as i64 == self.stored_by_audit
    }

    fn print(&self, s: &Settings) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mb = |kb: u64| kb as f64 / 1024.0;
        println!();
        println!(
            "== {}: {} judges, one changed answer every {:.1} s each for {} s ==",
            self.backend.name(),
            self.judges,
            s.interval.as_secs_f64(),
            s.duration.as_secs()
        );
        println!("set-up (round, dossiers, councils, log-ins)  {:.1} s", self.setup.as_secs_f64());
        if !self.failed_pages.is_empty() {
            println!("page loads that failed {} of {} in the set-up (each worked when reloaded):", self.failed_pages.len(), self.judges);
            for e in self.failed_pages.iter().take(3) {
                println!("    {e}");
            }
        }
        println!("saves sent             {}", self.sent);
        println!("acknowledged           {}  ({:.1} saves/s over {:.1} s)", self.acked, self.acked as f64 / self.phase.as_secs_f64(), self.phase.as_secs_f64());
        println!("errors                 {}", self.errors);
        for e in &self.error_samples {
            println!("    {e}");
        }
        println!("latency                p50 {:.1} ms · p99 {:.1} ms · max {:.1} ms · mean {:.1} ms", ms(self.p50), ms(self.p99), ms(self.max), ms(self.mean));
        println!(
            "stored saves           {} by the sheets' versions · {} in the audit log (acknowledged: {})",
            self.stored_by_version, self.stored_by_audit, self.acked
        );
        println!("sheets = last ack      {} of {}", self.sheets_matching, self.judges);
        for p in self.sheet_problems.iter().take(10) {
            println!("    {p}");
        }
        println!(
            "server memory          peak RSS {:.0} MB (VmHWM, whole run incl. set-up) · while autosaving {:.0} MB at the start, {:.0} MB at most (VmRSS)",
            mb(self.hwm_kb),
            mb(self.start_rss_kb),
            mb(self.phase_rss_kb)
        );
        println!("server CPU             {:.0} % of one core while autosaving", self.cpu_share * 100.0);
        println!("load average           {} before · {} after (1, 5, 15 min)", self.load_before, self.load_after);
        let aim = ms(self.p99) < P99_AIM_MS;
        println!(
            "result                 {} · p99 {} the {P99_AIM_MS:.0} ms aim",
            if self.correct() { "no errors, no lost saves" } else { "FAILED: errors or lost saves" },
            if aim { "within" } else { "MISSES" }
        );
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    // Nearest rank.
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// One database: a fresh server, the set-up, the autosave phase, the read-back. A leg that
/// fails, or saw a page load fail, keeps its data folder (with the server's log) and database
/// for a look.
async fn leg(s: &Settings, backend: Backend) -> Result<Report, String> {
    let mut db = Database::new(backend, s)?;
    let result = run_leg(s, backend, &db).await;
    if !result.as_ref().is_ok_and(|r| r.correct() && r.failed_pages.is_empty()) {
        db.keep = true;
    }
    result
}

async fn run_leg(s: &Settings, backend: Backend, db: &Database) -> Result<Report, String> {
    let tag = backend.name();
    eprintln!("[{tag}] starting {} on {}", s.bin.display(), db.url);
    let mut server = Server::start(&s.bin, db)?;
    let setup_started = Instant::now();
    let (seats, failed_pages) = set_up(&server.base, s, tag).await?;
    let setup = setup_started.elapsed();
    let saves = (s.duration.as_millis() / s.interval.as_millis()).max(1) as usize;

    // Quiet for a moment after the set-up's password hashing, then measure.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let load_before = load_average();
    let pid = server.pid;
    let start_rss_kb = proc_status_kb(pid, "VmRSS:").unwrap_or(0);
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        tokio::spawn(async move {
            let mut peak = 0;
            while sampling.load(Ordering::Relaxed) {
                peak = peak.max(proc_status_kb(pid, "VmRSS:").unwrap_or(0));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            peak
        })
    };
    let cpu_before = proc_cpu(pid);
    eprintln!("[{tag}] {} judges autosave for {} s…", seats.len(), s.duration.as_secs());
    // The judges' first saves are spread over one interval, as people do not type in step.
    let t0 = tokio::time::Instant::now() + Duration::from_millis(100);
    let n = seats.len();
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for (i, seat) in seats.into_iter().enumerate() {
        let first = t0 + s.interval.mul_f64(i as f64 / n as f64);
        let start_step = i * 7;
        tasks.spawn(autosave(seat, first, s.interval, saves, start_step));
    }
    let mut runs = Vec::with_capacity(n);
    while let Some(done) = tasks.join_next().await {
        runs.push(done.map_err(|e| e.to_string())?);
    }
    let phase = started.elapsed().saturating_sub(Duration::from_millis(100));
    let cpu_after = proc_cpu(pid);
    sampling.store(false, Ordering::Relaxed);
    let phase_rss_kb = sampler.await.unwrap_or(0);
    let load_after = load_average();
    let cpu_share = match (cpu_before, cpu_after) {
        (Some(a), Some(b)) => (b - a).as_secs_f64() / phase.as_secs_f64(),
        _ => 0.0,
    };

    // Read back: every sheet as its judge sees it, and the audit log as the administrator does.
    eprintln!("[{tag}] checking what was stored…");
    let admin = Client::login(&server.base, ADMIN, DEMO_PASSWORD).await?;
    let mut stored_by_version = 0;
    let mut sheets_matching = 0;
    let mut sheet_problems = Vec::new();
    for r in &runs {
        let id = r.sheet_id.to_string();
        let stored = r.client.call("sheet_own", &[("sheet_id", &id)]).await?;
        let version = int(&stored["version"], "stored version")?;
        let answers: Answers = serde_json::from_value(stored["answers"].clone()).map_err(|e| format!("stored answers: {e}"))?;
        stored_by_version += version - r.initial_version;
        let audited = admin.call("admin_list_audit", &[("entity_type", "score_sheet"), ("entity_id", &id), ("action", "sheet.save")]).await?;
        let audited = int(&audited["total"], "audit total")?;
        let expected = r.last_ack.as_ref().map(|(v, _)| *v).unwrap_or(r.initial_version);
        let answers_ok = r.last_ack.as_ref().is_none_or(|(_, a)| *a == answers);
        if version == expected && answers_ok && audited == r.acked as i64 {
            sheets_matching += 1;
        } else {
            sheet_problems.push(format!(
                "sheet {id}: stored version {version}, last acknowledged {expected}, answers {}, {audited} saves audited for {} acknowledged",
                if answers_ok { "equal" } else { "DIFFER" },
                r.acked
            ));
        }
    }
    let all = admin.call("admin_list_audit", &[("entity_type", "score_sheet"), ("action", "sheet.save")]).await?;
    let stored_by_audit = int(&all["total"], "audit total")?;
    let hwm_kb = proc_status_kb(pid, "VmHWM:").unwrap_or(0);
    server.stop();

    let mut latencies: Vec<Duration> = runs.iter().flat_map(|r| r.latencies.iter().copied()).collect();
    latencies.sort_unstable();
    let mean = if latencies.is_empty() { Duration::ZERO } else { latencies.iter().sum::<Duration>() / latencies.len() as u32 };
    let errors: Vec<String> = runs.iter().flat_map(|r| r.errors.iter().cloned()).collect();
    Ok(Report {
        backend,
        judges: n,
        setup,
        failed_pages,
        phase,
        sent: latencies.len(),
        acked: runs.iter().map(|r| r.acked).sum(),
        errors: errors.len(),
        error_samples: errors.into_iter().take(5).collect(),
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
        max: latencies.last().copied().unwrap_or_default(),
        mean,
        stored_by_version,
        stored_by_audit,
        sheets_matching,
        sheet_problems,
        hwm_kb,
        start_rss_kb,
        phase_rss_kb,
        cpu_share,
        load_before,
        load_after,
    })
}
