//! `cargo xtask release`: the built folder that administrators copy, made
//! ready for one CM host when asked, and a versioned zip of it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;

/// The name of the zip, and of the one folder inside it.
pub fn package_name() -> String {
    format!("cm-request-viewer-{}", env!("CARGO_PKG_VERSION"))
}

/// Sets `host` as `cmHost` in `dist/config.json` and adds its origin to
/// `connect-src` in `dist/web.config`, the two places that must agree.
pub fn set_cm_host(dist: &Path, host: &str) -> Result<(), String> {
    let host = viewer_core::config::validate_host(host)?;
    let config_path = dist.join("config.json");
    let mut config: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&read(&config_path)?)
        .map_err(|error| format!("{} is not a JSON object: {error}", config_path.display()))?;
    config.insert("cmHost".to_owned(), host.clone().into());
    let text = serde_json::to_string_pretty(&config).expect("a JSON object can be written");
    write(&config_path, &(text + "\n"))?;

    let web_config_path = dist.join("web.config");
    let web_config = read(&web_config_path)?;
    let self_only = "connect-src 'self';";
    if web_config.matches(self_only).count() != 1 {
        return Err(format!("{} must hold `{self_only}` once, to add the CM host to", web_config_path.display()));
    }
    // A Content-Security-Policy source with a path would allow that path only.
    let origin = viewer_core::config::origin_of(&host);
    write(&web_config_path, &web_config.replace(self_only, &format!("connect-src 'self' {origin};")))
}

/// Writes every file under `folder` into the zip `destination`, inside one
/// folder named `inner`, so that unpacking it gives one folder to copy.
pub fn write_zip(folder: &Path, inner: &str, destination: &Path) -> Result<(), String> {
    let file = fs::File::create(destination).map_err(|error| format!("{}: {error}", destination.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for path in files_under(folder)? {
        let relative = path.strip_prefix(folder).expect("found under the folder");
        let name = relative
            .components()
            .fold(inner.to_owned(), |name, part| format!("{name}/{}", part.as_os_str().to_string_lossy()));
        let bytes = fs::read(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        zip.start_file(name, options)
            .and_then(|()| zip.write_all(&bytes).map_err(Into::into))
            .map_err(|error| format!("{}: {error}", destination.display()))?;
    }
    zip.finish().map_err(|error| format!("{}: {error}", destination.display()))?;
    Ok(())
}

/// Every file below `folder`, in a stable order.
fn files_under(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(current) = folders.pop() {
        for entry in fs::read_dir(&current).map_err(|error| format!("{}: {error}", current.display()))? {
            let path = entry.map_err(|error| format!("{}: {error}", current.display()))?.path();
            if path.is_dir() { folders.push(path) } else { files.push(path) }
        }
    }
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn built_folder() -> tempfile::TempDir {
        let folder = tempfile::tempdir().unwrap();
        let root = crate::run::workspace_root();
        fs::copy(root.join("config.json"), folder.path().join("config.json")).unwrap();
        fs::copy(root.join("deploy/web.config"), folder.path().join("web.config")).unwrap();
        fs::create_dir(folder.path().join("assets")).unwrap();
        fs::write(folder.path().join("assets/app-0123456789abcdef.js"), "export {};").unwrap();
        folder
    }

    #[test]
    fn the_cm_host_goes_into_config_json_and_the_policy() {
        let folder = built_folder();
        set_cm_host(folder.path(), "https://cm.contoso.com/").unwrap();
        let config: serde_json::Value =
            serde_json::from_str(&read(&folder.path().join("config.json")).unwrap()).unwrap();
        assert_eq!(config, serde_json::json!({ "cmHost": "https://cm.contoso.com" }));
        let web_config = read(&folder.path().join("web.config")).unwrap();
        assert!(web_config.contains("connect-src 'self' https://cm.contoso.com; base-uri"), "{web_config}");

        let again = set_cm_host(folder.path(), "https://cm2.contoso.com").unwrap_err();
        assert!(again.contains("must hold `connect-src 'self';` once"), "{again}");
        assert!(set_cm_host(built_folder().path(), "ftp://cm").unwrap_err().contains("only https:// and http://"));
    }

    #[test]
    fn a_host_with_a_path_is_allowed_by_its_origin() {
        let folder = built_folder();
        set_cm_host(folder.path(), "http://cm:8080/sub").unwrap();
        let web_config = read(&folder.path().join("web.config")).unwrap();
        assert!(web_config.contains("connect-src 'self' http://cm:8080; base-uri"), "{web_config}");
    }

    #[test]
    fn the_zip_holds_one_versioned_folder_with_every_file() {
        let folder = built_folder();
        let output = tempfile::tempdir().unwrap();
        let zip_path = output.path().join("release.zip");
        write_zip(folder.path(), "cm-request-viewer-9.9.9", &zip_path).unwrap();
        let mut archive = zip::ZipArchive::new(fs::File::open(&zip_path).unwrap()).unwrap();
        let mut names: Vec<_> = archive.file_names().map(str::to_owned).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "cm-request-viewer-9.9.9/assets/app-0123456789abcdef.js",
                "cm-request-viewer-9.9.9/config.json",
                "cm-request-viewer-9.9.9/web.config",
            ]
        );
        let mut script = String::new();
        archive
            .by_name("cm-request-viewer-9.9.9/assets/app-0123456789abcdef.js")
            .unwrap()
            .read_to_string(&mut script)
            .unwrap();
        assert_eq!(script, "export {};");
    }
}
