//! Running other programs from the workspace root, with their failures as messages.

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

/// `program`, to be run from the workspace root.
pub fn command(program: &str) -> Command {
    let mut command = Command::new(program);
    command.current_dir(workspace_root());
    command
}

/// The cargo that runs this xtask, with `args`.
pub fn cargo(args: &[&str]) -> Command {
    let mut command = command(&std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args);
    command
}

pub trait Succeeds {
    /// Runs the command, echoing it first; an error names the command that failed.
    fn succeeds(&mut self) -> Result<(), String>;
    /// Runs the command quietly and returns its standard output, or `None` if it
    /// could not run or failed.
    fn output_text(&mut self) -> Option<String>;
}

impl Succeeds for Command {
    fn succeeds(&mut self) -> Result<(), String> {
        let shown = describe(self);
        println!("==> {shown}");
        let status = self.status().map_err(|error| format!("`{shown}` could not start: {error}"))?;
        if status.success() { Ok(()) } else { Err(format!("`{shown}` failed ({status})")) }
    }

    fn output_text(&mut self) -> Option<String> {
        let output = self.output().ok()?;
        output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

fn describe(command: &Command) -> String {
    let program = Path::new(command.get_program()).file_name().unwrap_or(command.get_program());
    std::iter::once(program)
        .chain(command.get_args())
        .map(|part| part.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
