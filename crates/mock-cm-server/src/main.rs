//! `mock-cm-server`: runs the mock CM REST API (and the built viewer) on loopback.

use clap::Parser;
use mock_cm_server::{ServerOptions, router};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

/// A mock MIM CM REST API with generated requests.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Address to listen on. Loopback by default: this is test data, not a service.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Port to listen on; 0 picks a free one (printed at start).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// How many requests to generate after the two documented examples.
    #[arg(long, default_value_t = 1000)]
    requests: usize,
    /// Seed of the generated requests: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder of the built viewer to serve at `/` (trunk's `dist/`).
    #[arg(long)]
    app_dir: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let app = router(&ServerOptions {
        generated_requests: args.requests,
        seed: args.seed,
        app_dir: args.app_dir,
    });
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.bind, args.port)).await?;
    // Tests and scripts read this line to learn the port.
    println!(
        "mock CM server listening on http://{}/",
        listener.local_addr()?
    );
    std::io::stdout().flush()?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
