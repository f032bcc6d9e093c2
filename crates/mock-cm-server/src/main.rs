//! `mock-cm-server`: runs the mock CM REST API (and the built viewer) on loopback.

use clap::Parser;
use mock_cm_server::{ServerOptions, router};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

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
    #[command(flatten)]
    options: ServerOptions,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let app = router(&args.options);
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.bind, args.port)).await?;
    // Tests and scripts read this line to learn the port.
    println!("mock CM server listening on http://{}/", listener.local_addr()?);
    std::io::stdout().flush()?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
