//! The sections of a built wasm module that name what it imports and exports,
//! read and written again: the release rewrites them after wasm-bindgen.

use std::path::{Path, PathBuf};

/// The section of a wasm module that lists its imports.
pub const IMPORT_SECTION: u8 = 2;
/// The section of a wasm module that lists its exports.
pub const EXPORT_SECTION: u8 = 7;

/// The app's wasm module and its bindings in `dist/assets`.
pub fn built_module_and_bindings(dist: &Path) -> Result<(PathBuf, PathBuf), String> {
    let assets = std::fs::read_dir(dist.join("assets")).map_err(|error| format!("dist/assets: {error}"))?;
    let assets: Vec<_> = assets.filter_map(|asset| asset.ok().map(|asset| asset.path())).collect();
    let named = |extension: &str| {
        assets
            .iter()
            .find(|path| {
                let name = path.file_name().and_then(|name| name.to_str()).unwrap_or_default();
                name.starts_with("cm-request-viewer-") && name.ends_with(extension)
            })
            .cloned()
            .ok_or_else(|| format!("dist/assets holds no cm-request-viewer-…{extension}"))
    };
    Ok((named("_bg.wasm")?, named(".js")?))
}

/// One entry of an import or an export section, by its name.
pub struct Entry<'a> {
    /// What comes before the name: an import's module name, with its length.
    pub before: &'a [u8],
    pub name: String,
    /// What comes after the name: what is imported or exported.
    pub after: &'a [u8],
}

/// `module` with each section whose new body `rewrite` gives (from its id and
/// its entries, for the import and export sections only) rewritten.
pub fn with_entries_rewritten(
    module: &[u8],
    mut rewrite: impl FnMut(u8, Vec<Entry<'_>>) -> Result<Vec<Entry<'_>>, String>,
) -> Result<Vec<u8>, String> {
    const HEADER: usize = 8;
    let mut out = module.get(..HEADER).ok_or_else(malformed)?.to_vec();
    let mut at = HEADER;
    while at < module.len() {
        let id = module[at];
        let (size, body_start) = read_number(module, at + 1).ok_or_else(malformed)?;
        let body = module.get(body_start..body_start + size).ok_or_else(malformed)?;
        let body = match id {
            IMPORT_SECTION | EXPORT_SECTION => written_entries(&rewrite(id, entries(id, body)?)?),
            _ => body.to_vec(),
        };
        out.push(id);
        out.extend(written_number(body.len()));
        out.extend(body);
        at = body_start + size;
    }
    Ok(out)
}

fn malformed() -> String {
    "the built wasm is not a module as expected".to_owned()
}

/// The entries of the import or export section `body`.
fn entries(id: u8, body: &[u8]) -> Result<Vec<Entry<'_>>, String> {
    let (count, mut at) = read_number(body, 0).ok_or_else(malformed)?;
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        let entry_start = at;
        if id == IMPORT_SECTION {
            let (length, module_start) = read_number(body, at).ok_or_else(malformed)?;
            at = module_start + length;
        }
        let before = body.get(entry_start..at).ok_or_else(malformed)?;
        let (length, name_start) = read_number(body, at).ok_or_else(malformed)?;
        let name = body.get(name_start..name_start + length).ok_or_else(malformed)?;
        let name = String::from_utf8(name.to_vec()).map_err(|_| malformed())?;
        let kind_at = name_start + length;
        // A kind byte, then what is imported or exported; a function is a
        // number, and wasm-bindgen imports nothing else.
        let kind = *body.get(kind_at).ok_or_else(malformed)?;
        if id == IMPORT_SECTION && kind != 0 {
            return Err(format!("the built wasm imports {name}, which is not a function"));
        }
        let (_, end) = read_number(body, kind_at + 1).ok_or_else(malformed)?;
        entries.push(Entry { before, name, after: &body[kind_at..end] });
        at = end;
    }
    Ok(entries)
}

fn written_entries(entries: &[Entry<'_>]) -> Vec<u8> {
    let mut section = written_number(entries.len());
    for entry in entries {
        section.extend(entry.before);
        section.extend(written_number(entry.name.len()));
        section.extend(entry.name.as_bytes());
        section.extend(entry.after);
    }
    section
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

/// A module of a type section, an import section of `imports` (functions),
/// an export section of `exports` (names and function numbers), then a custom section.
#[cfg(test)]
pub fn test_module(imports: &[&str], exports: &[(&str, u8)]) -> Vec<u8> {
    let mut module = b"\0asm\x01\0\0\0".to_vec();
    module.extend([1, 4, 1, 0x60, 0, 0]);
    let mut section = written_number(imports.len());
    for name in imports {
        section.extend([4, b'.', b'/', b'b', b'g']);
        section.extend(written_number(name.len()));
        section.extend(name.as_bytes());
        section.extend([0, 0]);
    }
    module.push(IMPORT_SECTION);
    module.extend(written_number(section.len()));
    module.extend(section);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_written() {
        for number in [0, 1, 127, 128, 300, 16_384, 1 << 28] {
            let written = written_number(number);
            assert_eq!(read_number(&written, 0), Some((number, written.len())));
        }
        assert_eq!(read_number(&[0x80], 0), None, "cut off");
    }

    #[test]
    fn entries_rewritten_as_read_give_the_same_module() {
        let long_name = "a".repeat(200);
        let module = test_module(&["__wbg_a_0123", &long_name], &[("main", 0), (&long_name, 1)]);
        let mut seen = Vec::new();
        let rewritten = with_entries_rewritten(&module, |id, entries| {
            seen.extend(entries.iter().map(|entry| (id, entry.name.clone())));
            Ok(entries)
        });
        assert_eq!(rewritten.unwrap(), module);
        let names = |id: u8| seen.iter().filter(|(of, _)| *of == id).map(|(_, name)| name.as_str()).collect::<Vec<_>>();
        assert_eq!(names(IMPORT_SECTION), ["__wbg_a_0123", long_name.as_str()]);
        assert_eq!(names(EXPORT_SECTION), ["main", long_name.as_str()]);
    }

    #[test]
    fn an_import_of_another_kind_or_a_cut_module_is_refused() {
        let mut module = test_module(&["memory"], &[]);
        let kind_at = module.windows(6).position(|window| window == b"memory").unwrap() + 6;
        module[kind_at] = 2;
        assert!(with_entries_rewritten(&module, |_, entries| Ok(entries)).is_err());
        let module = test_module(&["f"], &[("main", 0)]);
        assert!(with_entries_rewritten(&module[..module.len() - 8], |_, entries| Ok(entries)).is_err());
    }
}
