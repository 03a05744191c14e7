//! `binhchon`: the web server and its administrative commands.
//!
//! ```text
//! binhchon [serve]                      serve the site (default)
//! binhchon create-admin EMAIL NAME      create an administrator (password from BINHCHON_ADMIN_PASSWORD or stdin)
//! binhchon backup FILE                  consistent online copy of the SQLite database
//! binhchon migrate                      apply database migrations and exit
//! binhchon schema                       print tables and columns as JSON (schema parity test)
//! binhchon routes                       print the API endpoints as JSON (permission test)
//! ```

mod files;
mod form_files;
mod http;

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::Context;
use app::{shell, App};
use axum::{middleware, response::IntoResponse, routing::get, Router};
use backend::{config::Config, AppState};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{compression::CompressionLayer, limit::RequestBodyLimitLayer, trace::TraceLayer};

fn init_tracing(json: bool) {
    use tracing_subscriber::{fmt, prelude::*, EnvFilter};
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let registry = tracing_subscriber::registry().with(filter);
    if json {
        registry.with(fmt::layer().json().with_current_span(false)).init();
    } else {
        registry.with(fmt::layer().compact()).init();
    }
}

/// Where the compiled front end (`pkg/`) and public files are: `SITE_ROOT`, else `../site`
/// beside the executable (the build's layout), else `target/site`.
fn site_root() -> String {
    if let Ok(s) = std::env::var("SITE_ROOT").or_else(|_| std::env::var("LEPTOS_SITE_ROOT")) {
        return s;
    }
    if let Some(dir) = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join("../site"))) {
        if dir.join("pkg").is_dir() {
            return dir.display().to_string();
        }
    }
    "target/site".into()
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> impl axum::response::IntoResponse {
    match state.db.ping().await {
        Ok(()) => (axum::http::StatusCode::OK, axum::Json(serde_json::json!({"status": "ok"}))),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({"status": "database unavailable"})))
        }
    }
}

pub fn router(state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let ctx_state = state.clone();
    let context = move || {
        provide_context(ctx_state.clone());
        if let Some(nonce) = use_context::<axum::http::request::Parts>()
            .and_then(|p| p.extensions.get::<http::CspNonce>().map(|n| n.0.clone()))
        {
            provide_context(leptos::nonce::Nonce::from_value(nonce));
        }
    };
    let max_body = state.config.max_request_bytes;
    let max_upload = usize::try_from(state.config.max_file_bytes).unwrap_or(usize::MAX).saturating_add(1024 * 1024);
    let max_package = usize::try_from(state.config.max_package_bytes).unwrap_or(usize::MAX).saturating_add(1024 * 1024);
    let app = Router::new()
        .route("/healthz", get(healthz).with_state(state.clone()))
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .route(
            "/api/{*fn_name}",
            axum::routing::post({
                let context = context.clone();
                let known: std::sync::Arc<std::collections::HashSet<&'static str>> =
                    std::sync::Arc::new(leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p).collect());
                move |req: axum::extract::Request| {
                    let context = context.clone();
                    let known = known.clone();
                    async move {
                        if !known.contains(req.uri().path()) {
                            return http::api_error(app::errors::AppError::NotFound);
                        }
                        leptos_axum::handle_server_fns_with_context(context, req).await.into_response()
                    }
                }
            }),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<LeptosOptions, _>(context, shell))
        .with_state(leptos_options)
        .layer(RequestBodyLimitLayer::new(max_body))
        // Uploads stream to disk and enforce MAX_FILE_MB themselves; the cap here only stops
        // a body that is far beyond it.
        .merge(files::router(state.clone()).layer(RequestBodyLimitLayer::new(max_upload)))
        .merge(files::package_router(state.clone()).layer(RequestBodyLimitLayer::new(max_package)))
        .merge(form_files::routes(state.clone()).layer(RequestBodyLimitLayer::new(max_body)));
    // Outermost last: identify the request, then add headers to everything below it —
    // including the cross-site guard's refusals.
    app.layer(middleware::from_fn(http::api_error_status))
        .layer(middleware::from_fn_with_state(state.clone(), http::cross_site_guard))
        .layer(middleware::from_fn_with_state(state.clone(), http::security_headers))
        .layer(middleware::from_fn_with_state(state.clone(), http::identify))
        .layer(middleware::from_fn(http::too_large_as_api_error))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Background work: expired sessions, old log-in failures, certificate expiry notices and the
/// e-mail outbox.
fn spawn_jobs(state: AppState) {
    let s = state.clone();
    // At start-up (the first tick is immediate) and every hour: notify holders and offices of
    // certificates whose notice date has come. Each certificate is marked in the database, so
    // several servers, restarts and reruns notify once.
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match backend::results::send_expiry_notices(&s.db, backend::rounds::today_vn()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(n, "sent certificate expiry notices"),
                Err(e) => tracing::warn!(error = %e, "certificate expiry notices failed"),
            }
        }
    });
    let s = state.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = backend::auth::cleanup(&s.db, &s.config).await {
                tracing::warn!(error = %e, "session cleanup failed");
            }
        }
    });
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            if let Err(e) = backend::mail::deliver_due(&state.db, &state.config).await {
                tracing::warn!(error = %e, "outbox delivery failed");
            }
        }
    });
}

async fn seed(state: &AppState) -> anyhow::Result<()> {
    if backend::seed::load_units(&state.db).await? {
        tracing::info!("loaded administrative units");
    }
    // A malformed rule-set file stops the start with its name and place; nothing is half-loaded.
    let rule_sets = backend::rulesets::seed_shipped(&state.db).await?;
    if rule_sets > 0 {
        tracing::info!(rule_sets, "loaded the shipped rule sets");
    }
    // Rounds made before migration 0009 or before their rule set was stored get their version.
    let frozen = backend::rounds::link_rule_sets(&state.db).await?;
    if frozen > 0 {
        tracing::info!(frozen, "froze the rule sets that rounds use");
    }
    if std::env::var("SEED_DEMO").is_ok_and(|v| v == "1") {
        if backend::seed::load_demo(&state.db).await? {
            tracing::info!("loaded the demo data set");
        }
        if backend::seed::load_demo_programmes(&state.db, &state.config.data_dir).await? {
            tracing::info!("loaded the demo products, rounds and dossiers");
        }
        if backend::seed::load_demo_scoring(&state.db, &state.config.data_dir).await? {
            tracing::info!("loaded the demo council and the round being scored");
        }
        if backend::seed::load_demo_results(&state.db, &state.config.data_dir).await? {
            tracing::info!("loaded the demo round with a signed decision and certificates");
        }
        let demo = backend::seed::demo_file()?;
        println!("\nTài khoản mẫu / demo accounts (mật khẩu / password: {}):", demo.password);
        for a in &demo.account {
            println!("  {:<32} {}", a.email, a.role);
        }
    }
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let addr: SocketAddr = config.socket_addr()?;
    let state = AppState::open(config).await.context("opening the database")?;
    seed(&state).await?;
    let leptos_options = LeptosOptions::builder()
        .output_name("binhchon")
        .site_root(site_root())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    spawn_jobs(state.clone());
    let app = router(state.clone(), leptos_options);
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    let shown = listener.local_addr()?;
    println!("\nbinhchon đang chạy tại / is serving on http://{shown}");
    tracing::info!(%shown, "listening");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    state.db.close().await;
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("BINHCHON_ADMIN_PASSWORD") {
        return Ok(p);
    }
    eprint!("Mật khẩu cho quản trị viên / administrator password: ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    init_tracing(config.log_json);
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("serve") => serve(config).await,
        Some("migrate") => {
            backend::db::Db::connect(&config.database_url).await?;
            println!("ok");
            Ok(())
        }
        Some("create-admin") => {
            let (Some(email), Some(name)) = (args.get(1), args.get(2)) else {
                anyhow::bail!("cách dùng / usage: binhchon create-admin EMAIL \"HỌ TÊN\"");
            };
            let state = AppState::open(config).await?;
            let password = read_password()?;
            let id = backend::accounts::create_admin(&state.db, name, email, &password)
                .await
                .map_err(|e| match e {
                    backend::Error::Invalid { msg, .. } => anyhow::anyhow!(msg.vi),
                    other => anyhow::anyhow!(other),
                })?;
            println!("Đã tạo quản trị viên #{id} ({email}).");
            Ok(())
        }
        Some("backup") => {
            let Some(dest) = args.get(1) else { anyhow::bail!("cách dùng / usage: binhchon backup FILE") };
            let state = AppState::open(config).await?;
            state.db.backup_sqlite(&PathBuf::from(dest)).await?;
            println!("Đã sao lưu vào / backed up to {dest}");
            Ok(())
        }
        Some("schema") => {
            let state = AppState::open(config).await?;
            println!("{}", serde_json::to_string_pretty(&state.db.schema().await?)?);
            Ok(())
        }
        Some("routes") => {
            let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.to_string()).collect();
            paths.sort();
            println!("{}", serde_json::to_string_pretty(&paths)?);
            Ok(())
        }
        Some(other) => anyhow::bail!("lệnh không rõ / unknown command: {other}"),
    }
}
