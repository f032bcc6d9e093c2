//! The built app without a markup sink. Leptos's type-erased attributes
//! (`Vec<AnyAttribute>`, which `--cfg=erase_components` brings) keep one call
//! to `innerHTML`: emptying an element whose `inner_html` attribute is taken
//! away, with `""`. The app sets no `inner_html`, and no other code of the
//! bundle writes markup, but the call keeps a setter of `innerHTML` in the
//! bindings. It is replaced by one that empties the element through
//! `textContent` and refuses anything else, and its import is renamed in the
//! bindings and the wasm alike: nothing the page ships can turn text into markup.

use crate::minify::with_new_integrity;
use std::path::Path;

/// The setter wasm-bindgen imports, and its new name, of the same length, so
/// that the wasm's import section keeps its layout.
const SETTER: &str = "_set_innerHTML_";
const RENAMED: &str = "_set_clearNode_";
/// What no shipped file may hold once done.
const MARKUP_SINKS: [&str; 4] = ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"];

/// Rewrites the bindings and the wasm in `dist/assets` and gives
/// `index.html` their new integrity.
pub fn remove_markup_sink(dist: &Path, integrity: impl Fn(&Path) -> Result<String, String>) -> Result<(), String> {
    let index_file = dist.join("index.html");
    let mut index = std::fs::read_to_string(&index_file).map_err(|error| format!("dist/index.html: {error}"))?;
    let assets = std::fs::read_dir(dist.join("assets")).map_err(|error| format!("dist/assets: {error}"))?;
    for asset in assets {
        let path = asset.map_err(|error| format!("dist/assets: {error}"))?.path();
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_owned();
        if !name.starts_with("cm-request-viewer-") {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|error| format!("{name}: {error}"))?;
        let rewritten = match name.rsplit('.').next() {
            Some("js") => {
                let text = String::from_utf8(bytes.clone()).map_err(|_| format!("{name} is not UTF-8"))?;
                empty_instead_of_markup(&text.replace(SETTER, RENAMED))?.into_bytes()
            }
            Some("wasm") => replaced(&bytes, SETTER.as_bytes(), RENAMED.as_bytes()),
            _ => continue,
        };
        if let Some(sink) = MARKUP_SINKS.iter().find(|sink| contains(&rewritten, sink.as_bytes())) {
            return Err(format!("{name} still holds {sink}"));
        }
        if rewritten == bytes {
            continue;
        }
        let before = integrity(&path)?;
        std::fs::write(&path, rewritten).map_err(|error| format!("{name}: {error}"))?;
        index = with_new_integrity(&index, &path, &before, &integrity(&path)?)?;
    }
    std::fs::write(&index_file, index).map_err(|error| format!("dist/index.html: {error}"))
}

/// `bindings` with each `target.innerHTML = value;` made to empty `target`
/// when `value` is empty, and to throw otherwise.
fn empty_instead_of_markup(bindings: &str) -> Result<String, String> {
    let mut out = String::with_capacity(bindings.len());
    let mut rest = bindings;
    while let Some(at) = rest.find(".innerHTML") {
        let target_start = rest[..at]
            .rfind(|character: char| !(character.is_alphanumeric() || character == '_' || character == '$'))
            .map_or(0, |before| before + 1);
        let after = rest[at + ".innerHTML".len()..].trim_start();
        let value_and_on = after.strip_prefix('=').filter(|value| !value.starts_with('=')).ok_or_else(|| {
            format!("the bindings read {}.innerHTML where only a setter was expected", &rest[target_start..at])
        })?;
        let end = value_and_on.find(';').ok_or("an innerHTML setter without a ';'")?;
        let (target, value) = (&rest[target_start..at], value_and_on[..end].trim());
        out.push_str(&rest[..target_start]);
        out.push_str(&format!(
            "if ({value} !== \"\") throw new Error(\"This viewer writes no markup\"); {target}.textContent = \"\";"
        ));
        rest = &value_and_on[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

fn replaced(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at..].starts_with(from) {
            out.extend_from_slice(to);
            at += from.len();
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setter_empties_through_text_and_refuses_markup() {
        let bindings = "imports.wbg.__wbg_set_innerHTML_a9d3 = function(arg0, arg1, arg2) {\n    \
                        arg0.innerHTML = getStringFromWasm0(arg1, arg2);\n};\n";
        let rewritten = empty_instead_of_markup(&bindings.replace(SETTER, RENAMED)).unwrap();
        assert_eq!(
            rewritten,
            "imports.wbg.__wbg_set_clearNode_a9d3 = function(arg0, arg1, arg2) {\n    \
             if (getStringFromWasm0(arg1, arg2) !== \"\") throw new Error(\"This viewer writes no markup\"); \
             arg0.textContent = \"\";\n};\n"
        );
        assert!(!MARKUP_SINKS.iter().any(|sink| rewritten.contains(sink)));
    }

    #[test]
    fn a_read_of_inner_html_is_not_taken_for_a_setter() {
        assert!(empty_instead_of_markup("return element.innerHTML;").is_err());
        assert!(empty_instead_of_markup("if (element.innerHTML == x) {}").is_err());
    }

    #[test]
    fn the_import_is_renamed_in_the_wasm_byte_for_byte() {
        let wasm = b"\x00asm\x1f__wbg_set_innerHTML_a9d3a267967b5117\x00";
        let renamed = replaced(wasm, SETTER.as_bytes(), RENAMED.as_bytes());
        assert_eq!(renamed.len(), wasm.len());
        assert!(contains(&renamed, b"__wbg_set_clearNode_a9d3a267967b5117"));
        assert!(!contains(&renamed, b"innerHTML"));
    }
}
