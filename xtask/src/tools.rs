//! The tools the build and the tests need, with their versions pinned here and
//! nowhere else, installed when missing. Checking is fast when they are present.
//!
//! wasm-bindgen-cli is the exception to pinning: it must equal the
//! `wasm-bindgen` version in `Cargo.lock`, so it is read from there.

use crate::run::{Succeeds, cargo, command, workspace_root};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// trunk 0.22 needs a newer rustc than the project's toolchain.
const TRUNK_VERSION: &str = "0.21.14";
/// Debian packages for what cargo cannot install: the browser and wasm-opt.
const SYSTEM_PACKAGES: [&str; 3] = ["chromium", "chromium-driver", "binaryen"];

/// Where the browser tests find the browser.
pub struct BrowserPaths {
    pub chromium: String,
    pub chromedriver: String,
}

/// Everything: build tools and the browser.
pub fn ensure_all() -> Result<BrowserPaths, String> {
    ensure_build_tools()?;
    ensure_system_packages()?;
    Ok(BrowserPaths {
        chromium: find_on_path("chromium")?,
        chromedriver: find_on_path("chromedriver")?,
    })
}

/// The wasm target, trunk, wasm-bindgen-cli and wasm-opt.
pub fn ensure_build_tools() -> Result<(), String> {
    let installed_targets = command("rustup")
        .args(["target", "list", "--installed"])
        .output_text()
        .unwrap_or_default();
    if !installed_targets
        .lines()
        .any(|line| line.trim() == WASM_TARGET)
    {
        command("rustup")
            .args(["target", "add", WASM_TARGET])
            .succeeds()?;
    }
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, &["--locked"])?;
    // `--locked` would ask for a dependency version the registry may not have.
    ensure_cargo_tool(
        "wasm-bindgen-cli",
        "wasm-bindgen",
        &locked_wasm_bindgen_version()?,
        &[],
    )?;
    ensure_system_packages()
}

/// Installs `package` at `version` with cargo unless `binary --version` already says it is there.
fn ensure_cargo_tool(
    package: &str,
    binary: &str,
    version: &str,
    extra: &[&str],
) -> Result<(), String> {
    let reported = command(binary)
        .arg("--version")
        .output_text()
        .unwrap_or_default();
    if reported.split_whitespace().nth(1) == Some(version) {
        return Ok(());
    }
    println!(
        "Installing {package} {version} (a one-time step; trunk takes about 20 minutes on 2 cores)."
    );
    cargo(&["install", package, "--version", version])
        .args(extra)
        .succeeds()
}

fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock"))
        .map_err(|error| format!("Cargo.lock could not be read: {error}"))?;
    lock.lines()
        .zip(lock.lines().skip(1))
        .find(|(name, _)| *name == "name = \"wasm-bindgen\"")
        .and_then(|(_, version)| version.strip_prefix("version = \""))
        .map(|version| version.trim_end_matches('"').to_owned())
        .ok_or_else(|| "Cargo.lock names no wasm-bindgen version".into())
}

/// Chromium, chromedriver and wasm-opt come from the system's packages: installed
/// here when running as root, otherwise the user is told the one command to run.
fn ensure_system_packages() -> Result<(), String> {
    let missing = ["chromium", "chromedriver", "wasm-opt"]
        .into_iter()
        .any(|binary| find_on_path(binary).is_err());
    if !missing {
        return Ok(());
    }
    let install = format!("apt-get install -y {}", SYSTEM_PACKAGES.join(" "));
    let is_root = command("id")
        .arg("-u")
        .output_text()
        .is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        return Err(format!(
            "Chromium, chromedriver or wasm-opt is missing; install them with: sudo {install}"
        ));
    }
    let installed = command("apt-get")
        .args(["install", "-y"])
        .args(SYSTEM_PACKAGES)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .succeeds();
    if installed.is_err() {
        command("apt-get").arg("update").succeeds()?;
        command("apt-get")
            .args(["install", "-y"])
            .args(SYSTEM_PACKAGES)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .succeeds()?;
    }
    Ok(())
}

fn find_on_path(binary: &str) -> Result<String, String> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|folder| folder.join(binary))
        .find(|candidate| candidate.is_file())
        .map(|found| found.display().to_string())
        .ok_or_else(|| format!("{binary} is not on PATH"))
}
