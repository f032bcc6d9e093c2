//! A mock of the MIM CM REST API, for demos and end-to-end tests.
//!
//! It answers the requests endpoint as the documentation describes it (filters,
//! 200 with an array or an object, 204 when nothing matches) with data built
//! from the shared `cm-model` types, and the smart cards, profiles and
//! policies those requests name ([`related`]); it can serve the built viewer
//! from the same origin, so that no CORS is involved. The card secrets of the
//! API are traps that count their calls ([`secrets`]). Answers are streamed with their length
//! announced, as IIS sends them, so that lists of 100,000 requests cost little
//! memory; such a list is generated and written in well under a second.
//!
//! For a viewer served from another origin, as beside a CM server behind IIS,
//! `--allow-origin` makes the API answer as the IIS CORS module does, and
//! `--require-cookie` refuses calls without a cookie as Windows authentication
//! refuses calls without credentials (see [`iis`]). The viewer's own files are
//! never behind either.

pub mod api;
pub mod dataset;
pub mod iis;
pub mod related;
pub mod secrets;

use axum::Router;
use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{Next, from_fn};
use axum::response::Response;
use std::path::PathBuf;
use std::time::Duration;
use tower_http::services::ServeDir;

/// The API prefix as documented, and as the documentation's own examples write it:
/// IIS matches paths without regard to case, so clients use both.
const API_PREFIXES: [&str; 2] = ["/CertificateManagement/api/v1.0", "/certificatemanagement/api/v1.0"];

/// What the server holds and how it behaves.
#[derive(clap::Args, Clone, Debug)]
pub struct ServerOptions {
    /// How many requests to generate after the two documented examples.
    #[arg(long = "requests", default_value_t = 1000)]
    pub generated_requests: usize,
    /// Seed of the generated requests: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder of the built viewer to serve (trunk's `dist/`).
    #[arg(long)]
    pub app_dir: Option<PathBuf>,
    /// Path the viewer is served under, such as `/tools/cm-viewer/`.
    #[arg(long, default_value = "/")]
    pub app_path: String,
    /// Milliseconds to wait before answering an API call, as a slow CM server would.
    #[arg(long, default_value_t = 0)]
    pub response_delay_ms: u64,
    /// How to answer API calls: normally, or failing as real CM servers do.
    #[arg(long, value_enum, default_value_t = api::Answer::Normal)]
    pub answer: api::Answer,
    /// Answer as `--answer` says only this many times, then normally (a passing failure).
    #[arg(long)]
    pub fail_times: Option<usize>,
    /// Answer this many calls normally, then as `--answer` says (a server that goes down
    /// while the viewer is open).
    #[arg(long)]
    pub fail_after: Option<usize>,
    /// Milliseconds between 64 KB chunks of a body, as a slow network would make.
    #[arg(long, default_value_t = 0)]
    pub body_chunk_delay_ms: u64,
    /// Drop the connection after this many 64 KB chunks of a body, as a failing network does.
    #[arg(long)]
    pub break_after_chunks: Option<usize>,
    /// How to answer `GET .../profiletemplates`.
    #[arg(long, value_enum, default_value_t = api::TemplatesAnswer::Normal)]
    pub profile_templates: api::TemplatesAnswer,
    /// An origin whose pages may call the API, such as `http://127.0.0.1:8081`, as the IIS CORS
    /// module lists it (repeatable). Calls from other origins are then refused with 403;
    /// without any, the API sends no CORS headers, as for a viewer served from its own origin.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allowed_origins: Vec<String>,
    /// Answer API calls without this cookie 401, as IIS answers calls without Windows
    /// credentials, which tests cannot give.
    #[arg(long = "require-cookie", value_name = "NAME=VALUE")]
    pub required_cookie: Option<iis::RequiredCookie>,
    /// Answer one kind of call about cards, profiles or policies otherwise (repeatable).
    /// ENDPOINT: smartcards, profiles, certificates, operations or policies; the most specific
    /// applies (a card's certificates answer as `certificates` says, else as `smartcards`).
    /// ANSWER: forbidden, not-found, server-error, html, or slow (normally, after 1,500 ms).
    #[arg(long = "related-answer", value_name = "ENDPOINT=ANSWER")]
    pub related_answers: Vec<api::RelatedSwitch>,
    /// Milliseconds to wait before answering any call about cards, profiles or policies.
    #[arg(long, default_value_t = 0)]
    pub related_delay_ms: u64,
}

/// The whole server: the API, and the app when there is one to serve.
pub fn router(options: &ServerOptions) -> Router {
    let requests = dataset::build(options.generated_requests, options.seed);
    let behaviour = api::Behaviour {
        answer: options.answer,
        fail_times: options.fail_times,
        fail_after: options.fail_after,
        delay: Duration::from_millis(options.response_delay_ms),
        chunk_delay: Duration::from_millis(options.body_chunk_delay_ms),
        break_after_chunks: options.break_after_chunks,
        templates: options.profile_templates,
        related: api::RelatedBehaviour::new(&options.related_answers, Duration::from_millis(options.related_delay_ms)),
    };
    // An unknown API path is answered 404 from behind IIS as the API's own
    // answers are, not by the fallback of the whole server.
    let api = api::router(requests, behaviour).fallback(|| async { StatusCode::NOT_FOUND });
    let api = iis::in_front_of(api, &options.allowed_origins, options.required_cookie.clone());
    let secret_calls = secrets::SecretCalls::default();
    let api = secrets::counting(api, &secret_calls);
    // The count is the mock's own, for tests: neither behind the API's prefix nor behind IIS.
    let app = API_PREFIXES.iter().fold(secrets::count_route(secret_calls), |app, prefix| app.nest(prefix, api.clone()));
    let Some(dir) = &options.app_dir else { return app };
    let files = Router::new().fallback_service(ServeDir::new(dir)).layer(from_fn(cache_as_deployed));
    let app_path = options.app_path.trim_end_matches('/');
    if app_path.is_empty() {
        app.fallback_service(files)
    } else {
        // ServeDir redirects `/tools/cm-viewer` to `/tools/cm-viewer/`, as a static server does.
        app.nest_service(app_path, files)
    }
}

/// The viewer's files are kept by browsers as the deployment samples
/// (`deploy/`) keep them: `assets/` holds only files whose names carry a hash
/// of their content, kept for a year; anything else (the page, `config.json`)
/// never. A browser that comes back so fetches only the page and `config.json`
/// again, as it would from the viewer's deployed folder.
async fn cache_as_deployed(request: Request, next: Next) -> Response {
    let asset = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    let kept = asset && matches!(response.status(), StatusCode::OK | StatusCode::NOT_MODIFIED);
    let directives = match kept {
        true => "public, max-age=31536000, immutable",
        false => "no-store",
    };
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(directives));
    response
}
