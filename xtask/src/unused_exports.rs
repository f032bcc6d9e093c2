//! The built wasm without the classes wasm-streams exports to JavaScript.
//! Leptos's server functions bring wasm-streams, whose `IntoUnderlyingSource`,
//! `IntoUnderlyingByteSource` and `IntoUnderlyingSink` hand Rust streams to
//! JavaScript. The app has no server function, so nothing makes them; but an
//! exported function is kept by every tool along the way, with all it calls.
//! Their exports are taken out of the wasm and wasm-opt run again, which drops
//! their code, and their classes out of the bindings: about 1.3 kB brotli.

use crate::minify::with_new_integrity;
use crate::run::{Succeeds, command};
use crate::wasm_module::{EXPORT_SECTION, built_module_and_bindings, with_entries_rewritten};
use std::ffi::OsStr;
use std::path::Path;

/// What the names of wasm-streams' exports hold, their methods' and `__wbg_…_free` alike.
const STREAM_CLASSES: &str = "intounderlying";
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
    let (wasm, bindings) = &built_module_and_bindings(dist)?;
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
    let mut removed = false;
    let rewritten = with_entries_rewritten(module, |id, mut entries| {
        if id == EXPORT_SECTION {
            let before = entries.len();
            entries.retain(|entry| !unused(&entry.name));
            removed |= entries.len() < before;
        }
        Ok(entries)
    })?;
    Ok(removed.then_some(rewritten))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(exports: &[(&str, u8)]) -> Vec<u8> {
        crate::wasm_module::test_module(&["__wbg_log_0123"], exports)
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
}
