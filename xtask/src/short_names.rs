//! Short names for what the wasm and its bindings call each other.
//! wasm-bindgen names each import after its function and a hash
//! (`__wbg_setAttribute_f75317b2b5cabfb4`) and each closure's entry point
//! after its whole type; both files carry every name, and a hash does not
//! compress: about 5 kB brotli of every first visit's download. Each import,
//! and each export the bindings use, gets a name of one or two letters, in
//! the wasm's sections and in the bindings alike.

use crate::minify::with_new_integrity;
use crate::wasm_module::{EXPORT_SECTION, IMPORT_SECTION, built_module_and_bindings, with_entries_rewritten};
use std::collections::HashMap;
use std::path::Path;

/// Renames the imports and exports of the wasm in `dist/assets` and of its
/// bindings, and gives `index.html` their new integrity.
pub fn shorten_names(dist: &Path, integrity: impl Fn(&Path) -> Result<String, String>) -> Result<(), String> {
    let index_file = dist.join("index.html");
    let mut index = std::fs::read_to_string(&index_file).map_err(|error| format!("dist/index.html: {error}"))?;
    let (wasm, bindings) = &built_module_and_bindings(dist)?;
    let module = std::fs::read(wasm).map_err(|error| format!("{}: {error}", wasm.display()))?;
    let text = std::fs::read_to_string(bindings).map_err(|error| format!("{}: {error}", bindings.display()))?;
    let (module, text) = renamed(&module, &text)?;
    for (file, contents) in [(wasm, module), (bindings, text.into_bytes())] {
        let before = integrity(file)?;
        std::fs::write(file, contents).map_err(|error| format!("{}: {error}", file.display()))?;
        index = with_new_integrity(&index, file, &before, &integrity(file)?)?;
    }
    std::fs::write(&index_file, index).map_err(|error| format!("dist/index.html: {error}"))
}

/// The module and its bindings with short names. Every import must be a
/// key of the bindings' imports object (`,name:` or `{name:`), once; an
/// export is renamed where the bindings read it (`.name`), and only if they
/// read it nowhere else. Anything else fails the build: the bindings would
/// no longer match the wasm.
fn renamed(module: &[u8], bindings: &str) -> Result<(Vec<u8>, String), String> {
    let mut short_names = (0..).map(short_name).filter(|name| !["do", "if", "in"].contains(&name.as_str()));
    let mut new_names = HashMap::new();
    let module = with_entries_rewritten(module, |id, mut entries| {
        for entry in &mut entries {
            let uses = uses(bindings, &entry.name);
            let renamed = match id {
                IMPORT_SECTION => match uses.as_slice() {
                    [(b',' | b'{', b':')] => true,
                    _ => return Err(format!("the bindings do not give the import {} once", entry.name)),
                },
                EXPORT_SECTION => !uses.is_empty() && uses.iter().all(|&(before, _)| before == b'.'),
                _ => false,
            };
            if renamed {
                let new_name = short_names.next().unwrap_or_default();
                new_names.insert(std::mem::replace(&mut entry.name, new_name.clone()), new_name);
            }
        }
        Ok(entries)
    })?;
    Ok((module, with_words_replaced(bindings, &new_names)))
}

/// The byte before and after each place `bindings` holds `name` as a whole word.
fn uses(bindings: &str, name: &str) -> Vec<(u8, u8)> {
    let bytes = bindings.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = bindings[from..].find(name).map(|at| from + at) {
        let (before, after) =
            (at.checked_sub(1).map_or(b' ', |at| bytes[at]), *bytes.get(at + name.len()).unwrap_or(&b' '));
        if !is_word_byte(before) && !is_word_byte(after) {
            found.push((before, after));
        }
        from = at + name.len();
    }
    found
}

/// `text` with each whole word that `new_names` holds replaced by its new name.
fn with_words_replaced(text: &str, new_names: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|character: char| character.is_ascii() && is_word_byte(character as u8)) {
        out.push_str(&rest[..start]);
        let length = rest[start..].bytes().take_while(|&byte| is_word_byte(byte)).count();
        let word = &rest[start..start + length];
        out.push_str(new_names.get(word).map_or(word, String::as_str));
        rest = &rest[start + length..];
    }
    out.push_str(rest);
    out
}

/// Whether `byte` can be part of a JavaScript name.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$'
}

/// The `number`th name of letters: `a` to `Z`, then `aa`, `ab` and on.
fn short_name(number: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let (mut number, mut name) = (number, Vec::new());
    loop {
        name.insert(0, LETTERS[number % LETTERS.len()]);
        match number / LETTERS.len() {
            0 => return String::from_utf8(name).unwrap_or_default(),
            next => number = next - 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wasm_module::test_module;

    const IMPORT: &str = "__wbg_setAttribute_f75317b2b5cabfb4";
    const CLOSURE: &str = "wasm_bindgen_1493a754cab3a0a6___convert__closures_____invoke___true_";

    #[test]
    fn imports_and_the_exports_the_bindings_read_get_short_names_in_both() {
        let module = test_module(&["__wbg_log_0123", IMPORT], &[("memory", 0), ("main", 1), (CLOSURE, 2)]);
        let bindings = format!(
            "const i={{__proto__:null,__wbg_log_0123:function(n){{console.log(n)}},{IMPORT}:function(n,e){{n.setAttribute(e)}}}};\
             function c(){{q.{CLOSURE}(q.memory)}} const {CLOSURE}_13=1;"
        );
        let (module, bindings) = renamed(&module, &bindings).unwrap();
        assert_eq!(module, test_module(&["a", "b"], &[("c", 0), ("main", 1), ("d", 2)]));
        assert_eq!(
            bindings,
            format!(
                "const i={{__proto__:null,a:function(n){{console.log(n)}},b:function(n,e){{n.setAttribute(e)}}}};function c(){{q.d(q.c)}} const {CLOSURE}_13=1;"
            )
        );
    }

    #[test]
    fn bindings_that_do_not_match_the_wasm_fail_the_build() {
        let module = test_module(&[IMPORT], &[]);
        assert!(renamed(&module, "const i={};").is_err(), "an import the bindings do not give");
        let twice = format!("const i={{{IMPORT}:function(){{}}}},j={{{IMPORT}:1}};");
        assert!(renamed(&module, &twice).is_err(), "an import given twice");
        let read = format!("const i={{{IMPORT}:function(){{}}}};i.{IMPORT}();");
        assert!(renamed(&module, &read).is_err(), "an import read elsewhere");
    }

    #[test]
    fn an_export_the_bindings_name_otherwise_keeps_its_name() {
        let module = test_module(&[], &[(CLOSURE, 0)]);
        let bindings = format!("q.{CLOSURE}();const n=\"{CLOSURE}\";");
        let (renamed_module, renamed_bindings) = renamed(&module, &bindings).unwrap();
        assert_eq!((renamed_module, renamed_bindings), (module, bindings));
    }

    #[test]
    fn short_names_are_distinct() {
        let names: Vec<String> = (0..3000).map(short_name).collect();
        assert_eq!(
            (names[0].as_str(), names[51].as_str(), names[52].as_str(), names[53].as_str()),
            ("a", "Z", "aa", "ab")
        );
        assert_eq!(names.iter().collect::<std::collections::HashSet<_>>().len(), names.len());
    }
}
