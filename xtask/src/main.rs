//! `cargo xtask`: the project's commands, in Rust so they run wherever cargo runs.
//!
//! - `cargo xtask demo`: installs what is missing, builds the app in release
//!   mode and serves it with sample data from the mock CM server.
//! - `cargo xtask test`: installs what is missing and runs every check and test.
//! - `cargo xtask bench`: installs what is missing, builds the app in release
//!   mode and measures it in headless Chromium at 1,000 to 100,000 requests.
//! - `cargo xtask screenshots`: installs what is missing, builds the app and
//!   takes the README's screenshots again (the list and an open request).
//! - `cargo xtask release`: installs what is missing, builds the folder to
//!   deploy (`dist/`) and a versioned zip of it.

mod markup;
mod minify;
mod release;
mod run;
mod short_names;
mod tools;
mod unused_exports;
mod wasm_module;

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
    /// Build the app and measure it in headless Chromium at 1,000, 10,000 and 100,000 requests
    /// (and 1,000,000 with `--million`);
    /// prints a table and writes it to docs/performance.md (and the guarded ratios to
    /// docs/performance.json).
    Bench {
        /// Measure again and fail if a ratio to `JSON.parse` (decoding, storing, sorting,
        /// searching) is more than 25 % worse than in docs/performance.json, or the memory of
        /// 20 refreshes over its goal; writes nothing.
        #[arg(long)]
        check: bool,
        /// Also measure 1,000,000 requests (about 2 GB for the mock server, 1 GB for the page).
        #[arg(long)]
        million: bool,
    },
    /// Build the app and take the README's screenshots again (docs/screenshots/).
    Screenshots,
    /// Build the folder to deploy (dist/) and a versioned zip of it in target/.
    Release {
        /// The CM server's origin, such as `https://cm.contoso.com:8443` (no path), written into config.json
        /// (cmHost) and web.config's Content-Security-Policy (connect-src). Without it, the viewer asks
        /// the server it comes from.
        #[arg(long)]
        cm_host: Option<String>,
    },
    /// Only install the tools the other commands need.
    Setup,
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Demo { port, requests } => demo(port, requests),
        Command::Test => test(),
        Command::Bench { check, million } => bench(check, million),
        Command::Screenshots => screenshots(),
        Command::Release { cm_host } => release(cm_host.as_deref()),
        Command::Setup => tools::ensure_build_tools()
            .and(tools::ensure_browser())
            .and(tools::ensure_nginx())
            .and(tools::ensure_axe_core())
            .map(|_| ()),
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
    let nginx = tools::ensure_nginx()?;
    let axe_core = tools::ensure_axe_core()?;
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
    cargo(&["test", "--workspace"])
        .envs(browser.environment())
        .env("NGINX", nginx)
        .env("AXE_CORE_JS", axe_core)
        .succeeds()?;
    cargo(&["test", "--package", "cm-request-viewer", "--target", tools::WASM_TARGET])
        .env("CHROMEDRIVER", &browser.chromedriver)
        .succeeds()?;
    println!("All checks and tests passed. Screenshots of the app are in target/screenshots/.");
    Ok(())
}

fn bench(check: bool, million: bool) -> Result<(), String> {
    let build_tools = tools::ensure_build_tools()?;
    let browser = tools::ensure_browser()?;
    // The benchmark serves the release build, as users get it.
    build_app(&build_tools)?;
    let flags = [check.then_some("--check"), million.then_some("--million")];
    cargo(&["bench", "--package", "cm-request-viewer", "--bench", "in_browser", "--"])
        .args(flags.into_iter().flatten())
        .envs(browser.environment())
        .succeeds()
}

/// The screenshots `tests/layout.rs` takes at 1366x768 that the README shows, by their names there.
const README_SCREENSHOTS: [(&str, &str); 2] = [("readme-list", "list"), ("readme-detail", "detail")];

fn screenshots() -> Result<(), String> {
    let build_tools = tools::ensure_build_tools()?;
    let browser = tools::ensure_browser()?;
    build_app(&build_tools)?;
    cargo(&["test", "--package", "cm-request-viewer", "--test", "layout"]).envs(browser.environment()).succeeds()?;
    let taken = workspace_root().join("target").join("screenshots");
    let shown = workspace_root().join("docs").join("screenshots");
    std::fs::create_dir_all(&shown).map_err(|error| format!("cannot create {}: {error}", shown.display()))?;
    for (name, readme_name) in README_SCREENSHOTS {
        let (from, to) = (taken.join(format!("{name}.png")), shown.join(format!("{readme_name}.png")));
        std::fs::copy(&from, &to)
            .map_err(|error| format!("cannot copy {} to {}: {error}", from.display(), to.display()))?;
    }
    println!("The README's screenshots are in {}; every state's are in {}.", shown.display(), taken.display());
    Ok(())
}

fn release(cm_host: Option<&str>) -> Result<(), String> {
    build_app(&tools::ensure_build_tools()?)?;
    let dist = workspace_root().join("dist");
    if let Some(host) = cm_host {
        release::set_cm_host(&dist, host)?;
    }
    let name = release::package_name();
    let zip = workspace_root().join("target").join(format!("{name}.zip"));
    release::write_zip(&dist, &name, &zip)?;
    println!("The folder to deploy is {}; the same, zipped: {}", dist.display(), zip.display());
    println!("Deploying, configuring and the CM side: docs/deploying.md");
    Ok(())
}

/// `trunk build --release` into `dist/`, never downloading anything, with
/// no markup sink left in what it ships, the JavaScript bindings minified
/// and the names between them and the wasm short.
fn build_app(tools: &tools::BuildTools) -> Result<(), String> {
    run::command("trunk").args(["build", "--release", "--offline"]).envs(tools.environment()).succeeds()?;
    let dist = workspace_root().join("dist");
    unused_exports::remove_stream_classes(&dist, tools.environment(), minify::sha384)?;
    markup::remove_markup_sink(&dist, minify::sha384)?;
    minify::minify_bindings(&dist, tools.terser())?;
    short_names::shorten_names(&dist, minify::sha384)
}
