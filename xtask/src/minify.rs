//! The JavaScript wasm-bindgen writes, minified once trunk has built the app:
//! trunk's own minifier gives up on it (at `export { …, __wbg_init as default }`),
//! which leaves 58 kB of comments and long names in every first visit's download.

use crate::run::{Succeeds, command};
use std::path::Path;

/// Minifies the app's bindings in `dist` with `terser` and gives `index.html`
/// their new integrity, which the browser checks before it runs them.
pub fn minify_bindings(dist: &Path, terser: &Path) -> Result<(), String> {
    let index_file = dist.join("index.html");
    let mut index = std::fs::read_to_string(&index_file).map_err(|error| format!("dist/index.html: {error}"))?;
    let assets = std::fs::read_dir(dist.join("assets")).map_err(|error| format!("dist/assets: {error}"))?;
    for asset in assets {
        let bindings = asset.map_err(|error| format!("dist/assets: {error}"))?.path();
        let name = bindings.file_name().and_then(|name| name.to_str()).unwrap_or_default();
        if !(name.starts_with("cm-request-viewer-") && name.ends_with(".js")) {
            continue;
        }
        let before = sha384(&bindings)?;
        command("node")
            .arg(terser)
            .arg(&bindings)
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(&bindings)
            .succeeds()?;
        index = with_new_integrity(&index, &bindings, &before, &sha384(&bindings)?)?;
    }
    std::fs::write(&index_file, index).map_err(|error| format!("dist/index.html: {error}"))
}

/// `index`, the text of `dist/index.html`, with `file`'s integrity `before` a
/// rewrite replaced by `after`; an error if `index` does not give it `before`.
pub fn with_new_integrity(index: &str, file: &Path, before: &str, after: &str) -> Result<String, String> {
    match index.contains(before) {
        true => Ok(index.replace(before, after)),
        false => Err(format!("dist/index.html does not give {} the integrity {before}", file.display())),
    }
}

/// The file's SHA-384 in base64, as `integrity` attributes write it (node's
/// crypto, which comes with the npm that installed terser).
pub fn sha384(file: &Path) -> Result<String, String> {
    const DIGEST: &str = "process.stdout.write(require('crypto').createHash('sha384')\
                          .update(require('fs').readFileSync(process.argv[1])).digest('base64'))";
    command("node")
        .args(["-e", DIGEST])
        .arg(file)
        .output_text()
        .filter(|digest| !digest.is_empty())
        .ok_or_else(|| format!("the SHA-384 of {} could not be computed", file.display()))
}
