//! CM Request Viewer: the browser app.
//!
//! Components are thin: they wire signals to the plain-Rust logic of
//! `viewer-core` and `cm-model` and render the result. [`api`] is the only
//! module that talks to the CM host; `settings` reads `config.json`.

pub mod api;
mod app;
mod asking;
mod browser_clock;
mod choices;
mod clipboard;
pub mod components;
pub mod crash;
mod download;
mod history;
pub mod live_answer;
mod loading;
pub mod policy_violations;
mod preferences;
mod settings;
mod timing;

pub use app::App;
