//! The tools the build and the tests need, with their versions pinned here and
//! nowhere else, installed when missing. Checking is fast when they are present.
//!
//! wasm-bindgen-cli is the exception to pinning: it must equal the
//! `wasm-bindgen` version in `Cargo.lock`, so it is read from there.

use crate::run::{Succeeds, cargo, command, workspace_root};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// trunk 0.22 needs a newer rustc than the project's toolchain.
const TRUNK_VERSION: &str = "0.21.14";
/// wasm-opt from the npm registry: Debian bookworm's binaryen (108) emits wasm
/// that fails to start with current wasm-bindgen output.
const BINARYEN_VERSION: &str = "132.0.0";
/// The toolchain of the app's release build, pinned: a nightly, for size only:
/// it builds the standard library with the app (`-Zbuild-std` with
/// `optimize_for_size`: about 11 kB brotli less than the prebuilt one, with the
/// same panics and messages) and leaves out where in the source a panic was
/// raised (`-Zlocation-detail=none`: 6 kB; a panic still says what went wrong).
/// Derived `Debug` prints only the type's name (`-Zfmt-debug=shallow`: 1 kB;
/// no message a user sees is a derived one). `Debug` of texts and numbers
/// stays (`-Zfmt-debug=none` would drop it too): serde's messages quote the
/// value they could not read with it.
/// Tests, lints and the mock server build with the stable toolchain.
const APP_TOOLCHAIN: &str = "nightly-2026-05-19";
/// The release build's compiler flags. They replace those of
/// `.cargo/config.toml`, so they repeat its SIMD one. `erase_components` makes
/// each Leptos component return a type-erased view, as the leptos crate offers:
/// one build of its rendering code for all of them rather than one for each
/// component's exact view type (26 kB brotli less, the same page).
/// `speed_hints` marks the search index's loops over every request
/// `#[optimize(speed)]` in an app otherwise built for size (ARCHITECTURE.md).
const APP_RUSTFLAGS: &str =
    "-C target-feature=+simd128 -Zlocation-detail=none --cfg=erase_components --cfg=speed_hints -Zfmt-debug=shallow";
/// terser minifies the JavaScript bindings wasm-bindgen writes, which trunk's
/// own minifier cannot read (`xtask/src/minify.rs`).
const TERSER_VERSION: &str = "5.51.4";
/// The accessibility rules the end-to-end tests check the page against.
const AXE_CORE_VERSION: &str = "4.14.1";

/// What `trunk build` needs beyond cargo: a `PATH` on which it finds
/// wasm-opt, and the toolchain and standard library build of the release; and
/// terser, which minifies the bindings after it.
pub struct BuildTools {
    path: OsString,
    terser: PathBuf,
}

impl BuildTools {
    /// terser's command-line script, which node runs.
    pub fn terser(&self) -> &Path {
        &self.terser
    }

    /// The variables `trunk build` runs with.
    pub fn environment(&self) -> [(&str, &std::ffi::OsStr); 5] {
        [
            ("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", APP_RUSTFLAGS.as_ref()),
            ("PATH", &self.path),
            ("RUSTUP_TOOLCHAIN", APP_TOOLCHAIN.as_ref()),
            ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort".as_ref()),
            ("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size".as_ref()),
        ]
    }
}

/// Where the browser tests find the browser.
pub struct BrowserPaths {
    pub chromium: String,
    pub chromedriver: String,
}

impl BrowserPaths {
    /// The variables through which the end-to-end tests and the benchmark find the browser.
    pub fn environment(&self) -> [(&str, &str); 2] {
        [("CHROMEDRIVER", &self.chromedriver), ("CHROMIUM", &self.chromium)]
    }
}

/// The wasm target, the release build's toolchain, trunk, wasm-bindgen-cli and wasm-opt.
pub fn ensure_build_tools() -> Result<BuildTools, String> {
    ensure_app_toolchain()?;
    let installed_targets = command("rustup").args(["target", "list", "--installed"]).output_text().unwrap_or_default();
    if !installed_targets.lines().any(|line| line.trim() == WASM_TARGET) {
        command("rustup").args(["target", "add", WASM_TARGET]).succeeds()?;
    }
    ensure_cargo_tool("trunk", "trunk", TRUNK_VERSION, &["--locked"])?;
    // `--locked` would ask for a dependency version the registry may not have.
    ensure_cargo_tool("wasm-bindgen-cli", "wasm-bindgen", &locked_wasm_bindgen_version()?, &[])?;
    let wasm_opt = ensure_npm_package("binaryen", BINARYEN_VERSION, ".bin/wasm-opt")?;
    let wasm_opt_folder = wasm_opt.parent().expect("wasm-opt is in a folder").to_path_buf();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(wasm_opt_folder).chain(std::env::split_paths(&path)))
        .map_err(|error| format!("PATH cannot be extended: {error}"))?;
    let terser = ensure_npm_package("terser", TERSER_VERSION, "terser/bin/terser")?;
    Ok(BuildTools { path, terser })
}

/// The release build's toolchain with the standard library's source, which it builds.
fn ensure_app_toolchain() -> Result<(), String> {
    let components = command("rustup")
        .args(["component", "list", "--installed", "--toolchain", APP_TOOLCHAIN])
        .output_text()
        .unwrap_or_default();
    if !components.lines().any(|component| component.starts_with("rust-src")) {
        println!("Installing the {APP_TOOLCHAIN} toolchain with the standard library's source (a one-time step).");
        command("rustup")
            .args(["toolchain", "install", APP_TOOLCHAIN, "--profile", "minimal", "--component", "rust-src"])
            .succeeds()?;
    }
    // trunk builds offline, so the crates the standard library's build needs
    // are fetched here (a no-op once they are in cargo's cache).
    let sysroot = command("rustc")
        .args([&format!("+{APP_TOOLCHAIN}"), "--print", "sysroot"])
        .output_text()
        .ok_or_else(|| format!("the {APP_TOOLCHAIN} toolchain did not say where its standard library is"))?;
    let library = std::path::Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library/Cargo.toml");
    command("cargo").args([&format!("+{APP_TOOLCHAIN}"), "fetch", "--manifest-path"]).arg(library).succeeds()
}

/// Chromium and chromedriver, from the system's packages.
pub fn ensure_browser() -> Result<BrowserPaths, String> {
    ensure_system_package("chromium", "chromium")?;
    ensure_system_package("chromedriver", "chromium-driver")?;
    Ok(BrowserPaths { chromium: find_on_path("chromium")?, chromedriver: find_on_path("chromedriver")? })
}

/// nginx, from the system's packages: the plain static web server the
/// deployment test serves the release folder with. Debian puts it in
/// /usr/sbin, which a user's PATH may lack.
pub fn ensure_nginx() -> Result<String, String> {
    let debian_place = "/usr/sbin/nginx";
    if std::path::Path::new(debian_place).is_file() {
        return Ok(debian_place.to_owned());
    }
    ensure_system_package("nginx", "nginx")?;
    find_on_path("nginx")
}

/// Installs `package` at `version` with cargo unless `binary --version` already says it is there.
fn ensure_cargo_tool(package: &str, binary: &str, version: &str, extra: &[&str]) -> Result<(), String> {
    let reported = command(binary).arg("--version").output_text().unwrap_or_default();
    if reported.split_whitespace().nth(1) == Some(version) {
        return Ok(());
    }
    println!("Installing {package} {version} (a one-time step; trunk takes about 20 minutes on 2 cores).");
    cargo(&["install", package, "--version", version]).args(extra).succeeds()
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

/// axe-core's `axe.min.js`, which the end-to-end tests inject into the page.
pub fn ensure_axe_core() -> Result<PathBuf, String> {
    ensure_npm_package("axe-core", AXE_CORE_VERSION, "axe-core/axe.min.js")
}

/// Installs npm's `package` at `version` in a folder of its own under
/// `target/tools/` and returns the path of `file`, one of its files (relative
/// to `node_modules`), which tells whether it is there already.
fn ensure_npm_package(package: &str, version: &str, file: &str) -> Result<PathBuf, String> {
    let prefix = workspace_root().join("target").join("tools").join(format!("{package}-{version}"));
    let wanted = prefix.join("node_modules").join(file);
    if wanted.is_file() {
        return Ok(wanted);
    }
    ensure_system_package("npm", "npm")?;
    std::fs::create_dir_all(&prefix).map_err(|error| format!("{} cannot be created: {error}", prefix.display()))?;
    command("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(&prefix)
        .arg(format!("{package}@{version}"))
        .succeeds()?;
    if wanted.is_file() { Ok(wanted) } else { Err(format!("{package} {version} has no {file}")) }
}

/// Installs Debian's `package` when `binary` is missing: here when running as
/// root, otherwise the user is told the one command to run.
fn ensure_system_package(binary: &str, package: &str) -> Result<(), String> {
    if find_on_path(binary).is_ok() {
        return Ok(());
    }
    let is_root = command("id").arg("-u").output_text().is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        return Err(format!("{binary} is missing; install it with: sudo apt-get install -y {package}"));
    }
    let install =
        || command("apt-get").args(["install", "-y", package]).env("DEBIAN_FRONTEND", "noninteractive").succeeds();
    install().or_else(|_| command("apt-get").arg("update").succeeds().and_then(|()| install()))
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
