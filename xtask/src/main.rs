//! `cargo xtask`: the project's commands, in Rust so they run wherever cargo runs.
//!
//! - `cargo xtask demo`: installs what is missing, builds the app in release
//!   mode and serves it with sample data from the mock CM server.
//! - `cargo xtask test`: installs what is missing and runs every check and test.
//! - `cargo xtask bench`: installs what is missing, builds the app in release
//!   mode and measures it in headless Chromium at 1,000 to 100,000 requests.

mod run;
mod tools;

use clap::{Parser, Subcommand};
use run::{Succeeds, cargo, workspace_root};
use std::process::ExitCode;

#[derive(Parser)]
#[command(about = "CM Request Viewer project commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the app and serve it with sample data; prints the URL to open.
    Demo {
        /// Port of the demo server.
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// How many sample requests to generate.
        #[arg(long, default_value_t = 1000)]
        requests: usize,
    },
    /// Run formatting, lint and documentation checks, native, browser and end-to-end tests.
    Test,
    /// Build the app and measure it in headless Chromium at 1,000, 10,000 and 100,000 requests;
    /// prints a table and writes it to docs/performance.md.
    Bench,
    /// Only install the tools the other commands need.
    Setup,
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Demo { port, requests } => demo(port, requests),
        Command::Test => test(),
        Command::Bench => bench(),
        Command::Setup => tools::ensure_build_tools().and(tools::ensure_browser()).map(|_| ()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn demo(port: u16, requests: usize) -> Result<(), String> {
    build_app(&tools::ensure_build_tools()?)?;
    let dist = workspace_root().join("dist");
    println!("Starting the mock CM server with {requests} sample requests; open the URL below. Ctrl+C stops it.");
    cargo(&["run", "--quiet", "--release", "--package", "mock-cm-server", "--", "--port", &port.to_string()])
        .args(["--requests", &requests.to_string(), "--app-dir"])
        .arg(dist)
        .succeeds()
}

fn test() -> Result<(), String> {
    let build_tools = tools::ensure_build_tools()?;
    let browser = tools::ensure_browser()?;
    cargo(&["fmt", "--all", "--check"]).succeeds()?;
    cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]).succeeds()?;
    cargo(&[
        "clippy",
        "--package",
        "cm-request-viewer",
        "--all-targets",
        "--target",
        tools::WASM_TARGET,
        "--",
        "-D",
        "warnings",
    ])
    .succeeds()?;
    cargo(&["doc", "--workspace", "--no-deps", "--quiet"]).env("RUSTDOCFLAGS", "-D warnings").succeeds()?;
    // The end-to-end tests serve the release build, so it is built before the native tests run.
    build_app(&build_tools)?;
    cargo(&["test", "--workspace"]).envs(browser.environment()).succeeds()?;
    cargo(&["test", "--package", "cm-request-viewer", "--target", tools::WASM_TARGET])
        .env("CHROMEDRIVER", &browser.chromedriver)
        .succeeds()?;
    println!("All checks and tests passed. Screenshots of the app are in target/screenshots/.");
    Ok(())
}

fn bench() -> Result<(), String> {
    let build_tools = tools::ensure_build_tools()?;
    let browser = tools::ensure_browser()?;
    // The benchmark serves the release build, as users get it.
    build_app(&build_tools)?;
    cargo(&["bench", "--package", "cm-request-viewer", "--bench", "in_browser"]).envs(browser.environment()).succeeds()
}

/// `trunk build --release` into `dist/`, never downloading anything.
fn build_app(tools: &tools::BuildTools) -> Result<(), String> {
    run::command("trunk").args(["build", "--release", "--offline"]).env("PATH", &tools.path).succeeds()
}
