//! A mock of the MIM CM REST API, for demos and end-to-end tests.
//!
//! It answers the requests endpoint as the documentation describes it (filters,
//! 200 with an array or an object, 204 when nothing matches) with data built
//! from the shared `cm-model` types, and serves the built viewer from the same
//! origin so that no CORS is involved.

pub mod api;
pub mod dataset;

use axum::Router;
use std::path::PathBuf;
use tower_http::services::ServeDir;

/// The API prefix as documented, and as the documentation's own examples write it:
/// IIS matches paths without regard to case, so clients use both.
const API_PREFIXES: [&str; 2] = [
    "/CertificateManagement/api/v1.0",
    "/certificatemanagement/api/v1.0",
];

/// What the server is started with.
pub struct ServerOptions {
    /// How many requests to generate after the two documented examples.
    pub generated_requests: usize,
    /// Seed of the generated data set.
    pub seed: u64,
    /// Folder of the built viewer (`dist/`), served at `/`.
    pub app_dir: Option<PathBuf>,
}

/// The whole server: the API, and the app when there is one to serve.
pub fn router(options: &ServerOptions) -> Router {
    let api = api::router(dataset::build(options.generated_requests, options.seed));
    let app = API_PREFIXES
        .iter()
        .fold(Router::new(), |app, prefix| app.nest(prefix, api.clone()));
    match &options.app_dir {
        Some(dir) => app.fallback_service(ServeDir::new(dir)),
        None => app,
    }
}
