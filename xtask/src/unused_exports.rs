//! The built wasm without the classes wasm-streams exports to JavaScript.
//! Leptos's server functions bring wasm-streams, whose `IntoUnderlyingSource`,
//! `IntoUnderlyingByteSource` and `IntoUnderlyingSink` hand Rust streams to
//! JavaScript. The app has no server function, so nothing makes them; but an
//! exported function is kept by every tool along the way, with all it calls.
//! Their exports are taken out of the wasm and wasm-opt run again, which drops
//! their code, and their classes out of the bindings: about 1.3 kB brotli.

use crate::minify::with_new_integrity;
use crate::run::{Succeeds, command};
use std::ffi::OsStr;
use std::path::Path;

/// What the names of wasm-streams' exports hold, their methods' and `__wbg_…_free` alike.
const STREAM_CLASSES: &str = "intounderlying";
/// The section of a wasm module that lists its exports.
const EXPORT_SECTION: u8 = 7;
/// The WebAssembly features the release build uses (trunk's wasm-opt strips
/// the section that records them, so the second run is told).
const FEATURES: [&str; 7] = [
    "--enable-simd",
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Takes wasm-streams' exports out of the wasm in `dist/assets`, and their
/// classes out of the bindings, and gives `index.html` their new integrity;
/// wasm-opt is found through `environment`.
pub fn remove_stream_classes<'a>(
    dist: &Path,
    environment: impl IntoIterator<Item = (&'a str, &'a OsStr)>,
    integrity: impl Fn(&Path) -> Result<String, String>,
) -> Result<(), String> {
    let index_file = dist.join("index.html");
    let mut index = std::fs::read_to_string(&index_file).map_err(|error| format!("dist/index.html: {error}"))?;
    let assets = std::fs::read_dir(dist.join("assets")).map_err(|error| format!("dist/assets: {error}"))?;
    let assets: Vec<_> = assets.filter_map(|asset| asset.ok().map(|asset| asset.path())).collect();
    let named = |extension: &str| {
        assets
            .iter()
            .find(|path| {
                let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
                name.starts_with("cm-request-viewer-") && name.ends_with(extension)
            })
            .ok_or_else(|| format!("dist/assets holds no cm-request-viewer-…{extension}"))
    };
    let (wasm, bindings) = (named("_bg.wasm")?, named(".js")?);
    let bytes = std::fs::read(wasm).map_err(|error| format!("{}: {error}", wasm.display()))?;
    let Some(rewritten) = without_exports(&bytes, |name| name.contains(STREAM_CLASSES))? else {
        return Ok(());
    };
    let text = std::fs::read_to_string(bindings).map_err(|error| format!("{}: {error}", bindings.display()))?;
    let text = without_classes(&text)?;
    let before = [integrity(wasm)?, integrity(bindings)?];
    std::fs::write(wasm, rewritten).map_err(|error| format!("{}: {error}", wasm.display()))?;
    command("wasm-opt").arg("-Oz").args(FEATURES).arg(wasm).arg("-o").arg(wasm).envs(environment).succeeds()?;
    std::fs::write(bindings, text).map_err(|error| format!("{}: {error}", bindings.display()))?;
    for (before, file) in before.iter().zip([wasm, bindings]) {
        index = with_new_integrity(&index, file, before, &integrity(file)?)?;
    }
    std::fs::write(&index_file, index).map_err(|error| format!("dist/index.html: {error}"))
}

/// `bindings` without wasm-stream's classes: each class (from `export class`
/// to the `}` that closes it at the start of a line), the line after it that
/// makes it disposable, and its finalization registry (to the `;` that ends it).
fn without_classes(bindings: &str) -> Result<String, String> {
    const CLASS: &str = "export class IntoUnderlying";
    let mut text = bindings.to_owned();
    while let Some(start) = text.find(CLASS) {
        let name_end = text[start + "export class ".len()..]
            .find(' ')
            .map(|at| start + "export class ".len() + at)
            .ok_or("a class without a name")?;
        let name = text[start + "export class ".len()..name_end].to_owned();
        let disposable =
            format!("\n}}\nif (Symbol.dispose) {name}.prototype[Symbol.dispose] = {name}.prototype.free;\n");
        let end = text[start..].find(&disposable).ok_or_else(|| format!("the class {name} is not as expected"))?;
        text.replace_range(start..start + end + disposable.len(), "");
        let registry = format!("const {name}Finalization = ");
        let registry_start = text.find(&registry).ok_or_else(|| format!("no finalization registry for {name}"))?;
        let registry_end = text[registry_start..].find(";\n").ok_or("a registry without its end")?;
        text.replace_range(registry_start..registry_start + registry_end + 2, "");
    }
    match text.contains("IntoUnderlying") {
        true => Err("the bindings still name a class of wasm-streams".to_owned()),
        false => Ok(text),
    }
}

/// The wasm module `module` without the exports whose names `unused` picks;
/// `None` when it has none of them.
fn without_exports(module: &[u8], unused: impl Fn(&str) -> bool) -> Result<Option<Vec<u8>>, String> {
    const HEADER: usize = 8;
    let malformed = || "the built wasm is not a module as expected".to_owned();
    let mut out = module.get(..HEADER).ok_or_else(malformed)?.to_vec();
    let mut at = HEADER;
    let mut removed = false;
    while at < module.len() {
        let id = module[at];
        let (size, body_start) = read_number(module, at + 1).ok_or_else(malformed)?;
        let body = module.get(body_start..body_start + size).ok_or_else(malformed)?;
        let body = match id {
            EXPORT_SECTION => {
                let (count, mut entry_start) = read_number(body, 0).ok_or_else(malformed)?;
                let mut kept = Vec::new();
                let mut kept_count = 0;
                for _ in 0..count {
                    let (length, name_start) = read_number(body, entry_start).ok_or_else(malformed)?;
                    let name = body.get(name_start..name_start + length).ok_or_else(malformed)?;
                    // A kind byte, then the index of what is exported.
                    let (_, entry_end) = read_number(body, name_start + length + 1).ok_or_else(malformed)?;
                    if unused(&String::from_utf8_lossy(name)) {
                        removed = true;
                    } else {
                        kept.extend_from_slice(&body[entry_start..entry_end]);
                        kept_count += 1;
                    }
                    entry_start = entry_end;
                }
                let mut section = written_number(kept_count);
                section.extend(kept);
                section
            }
            _ => body.to_vec(),
        };
        out.push(id);
        out.extend(written_number(body.len()));
        out.extend(body);
        at = body_start + size;
    }
    Ok(removed.then_some(out))
}

/// The unsigned LEB128 number at `at`, and where what follows it starts.
fn read_number(bytes: &[u8], mut at: usize) -> Option<(usize, usize)> {
    let (mut number, mut shift) = (0usize, 0);
    loop {
        let byte = *bytes.get(at)?;
        number |= usize::from(byte & 0x7f).checked_shl(shift)?;
        at += 1;
        shift += 7;
        if byte < 0x80 {
            return Some((number, at));
        }
    }
}

fn written_number(mut number: usize) -> Vec<u8> {
    let mut bytes = Vec::new();
    loop {
        let low = (number & 0x7f) as u8;
        number >>= 7;
        if number == 0 {
            bytes.push(low);
            return bytes;
        }
        bytes.push(low | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module of a type section, then an export section of `exports` (names
    /// and function numbers), then a custom section.
    fn module(exports: &[(&str, u8)]) -> Vec<u8> {
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        module.extend([1, 4, 1, 0x60, 0, 0]);
        let mut section = written_number(exports.len());
        for (name, function) in exports {
            section.extend(written_number(name.len()));
            section.extend(name.as_bytes());
            section.extend([0, *function]);
        }
        module.push(EXPORT_SECTION);
        module.extend(written_number(section.len()));
        module.extend(section);
        module.extend([0, 3, 1, b'x', 9]);
        module
    }

    #[test]
    fn the_picked_exports_are_taken_out_and_every_other_byte_kept() {
        let long_name = "intounderlyingsource_pull".repeat(6);
        let built =
            module(&[("main", 0), (&long_name, 1), ("__wbg_intounderlyingsink_free", 2), ("__wbindgen_start", 3)]);
        let rewritten = without_exports(&built, |name| name.contains(STREAM_CLASSES)).unwrap();
        assert_eq!(rewritten, Some(module(&[("main", 0), ("__wbindgen_start", 3)])));
    }

    #[test]
    fn a_module_without_them_is_left_alone() {
        assert_eq!(without_exports(&module(&[("main", 0)]), |name| name.contains(STREAM_CLASSES)).unwrap(), None);
    }

    #[test]
    fn the_classes_are_taken_out_of_the_bindings_and_the_rest_kept() {
        let class = |name: &str| {
            format!(
                "export class {name} {{\n    free() {{\n        {name}Finalization.unregister(this);\n    }}\n}}\n\
                 if (Symbol.dispose) {name}.prototype[Symbol.dispose] = {name}.prototype.free;\n"
            )
        };
        let registry = |name: &str| {
            format!(
                "const {name}Finalization = (typeof FinalizationRegistry === 'undefined')\n    ? {{ register: () => {{}} }}\n    \
                 : new FinalizationRegistry(ptr => wasm.__wbg_free(ptr, 1));\n"
            )
        };
        let bindings = format!(
            "{}{}function kept() {{}}\n{}export class Kept {{\n}}\n{}",
            class("IntoUnderlyingSink"),
            class("IntoUnderlyingSource"),
            registry("IntoUnderlyingSink"),
            registry("IntoUnderlyingSource")
        );
        assert_eq!(without_classes(&bindings).unwrap(), "function kept() {}\nexport class Kept {\n}\n");
        let unexpected = bindings.replace("if (Symbol.dispose)", "if (Symbol.dispose && true)");
        assert!(without_classes(&unexpected).is_err(), "a class of another shape fails the build");
    }

    #[test]
    fn numbers_are_read_as_written() {
        for number in [0, 1, 127, 128, 300, 16_384, 1 << 28] {
            let written = written_number(number);
            assert_eq!(read_number(&written, 0), Some((number, written.len())));
        }
        assert_eq!(read_number(&[0x80], 0), None, "cut off");
    }
}
