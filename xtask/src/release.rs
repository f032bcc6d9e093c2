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

/// Sets `host` as `cmHost` in `dist/config.json` and adds it to
/// `connect-src` in `dist/web.config`, the two places that must agree.
pub fn set_cm_host(dist: &Path, host: &str) -> Result<(), String> {
    let host = deployable_origin(host)?;
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
    write(&web_config_path, &web_config.replace(self_only, &format!("connect-src 'self' {host};")))
}

/// Checks that `text` can be written as it is into `config.json`, into
/// web.config's XML and into its Content-Security-Policy: an `http(s)://`
/// origin (a policy source with a path allows that path only), whose server
/// name is a DNS name or an IP address (IPv6 in brackets), with a port or not.
/// Returns it without a trailing slash.
fn deployable_origin(text: &str) -> Result<String, String> {
    let text = text.trim();
    let refused = |why: &str| Err(format!("--cm-host \u{201c}{text}\u{201d} cannot be used: {why}"));
    if let Some(character) = text.chars().find(|c| "<>&\"".contains(*c)) {
        return refused(&format!("{character} would break web.config, which is XML."));
    }
    if let Some(character) = text.chars().find(|c| c.is_whitespace() || "';,".contains(*c)) {
        let shown = if character.is_whitespace() { "a space".to_owned() } else { character.to_string() };
        return refused(&format!("{shown} would break the Content-Security-Policy in web.config."));
    }
    let host = viewer_core::config::validate_host(text).map_err(|why| format!("--cm-host {why}"))?;
    let origin = viewer_core::config::origin_of(&host);
    if origin != host {
        return refused(&format!(
            "give the CM server's origin only, such as {origin}, without a path: the viewer adds \
             /CertificateManagement/api/v1.0/ itself."
        ));
    }
    let authority = &origin[origin.find("://").map_or(0, |at| at + 3)..];
    let name_end = match authority.find(']') {
        Some(bracket) => bracket + 1,
        None => authority.find(':').unwrap_or(authority.len()),
    };
    let (name, port) = authority.split_at(name_end);
    let port_usable = port.is_empty()
        || port.strip_prefix(':').is_some_and(|digits| {
            digits.bytes().all(|b| b.is_ascii_digit()) && digits.parse::<u16>().is_ok_and(|port| port > 0)
        });
    if !port_usable {
        return refused("the port after the server's name must be a number from 1 to 65535.");
    }
    let name_usable = match name.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')) {
        Some(address) => address.parse::<std::net::Ipv6Addr>().is_ok(),
        None => !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
    };
    if !name_usable {
        return refused(
            "the server's name may hold only letters, digits, - and . (an international name in its xn-- \
             form), or be an IP address (IPv6 in brackets).",
        );
    }
    Ok(host)
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
    fn origins_of_every_form_are_taken_as_they_are() {
        for (given, written) in [
            ("https://cm.contoso.com", "https://cm.contoso.com"),
            (" HTTPS://CM-01.Contoso.com:8443/ ", "HTTPS://CM-01.Contoso.com:8443"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("https://[fe80::1]:443", "https://[fe80::1]:443"),
            ("https://[::1]", "https://[::1]"),
            ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
        ] {
            assert_eq!(deployable_origin(given), Ok(written.to_owned()), "{given}");
        }
    }

    #[test]
    fn hosts_that_would_break_web_config_or_the_policy_are_refused_and_nothing_is_written() {
        for (given, why) in [
            ("https://cm\"/><add name=\"x", "\" would break web.config, which is XML."),
            ("https://cm<x>", "< would break web.config, which is XML."),
            ("https://cm&amp;", "& would break web.config, which is XML."),
            ("https://cm'self'", "' would break the Content-Security-Policy in web.config."),
            ("https://cm script-src *", "a space would break the Content-Security-Policy in web.config."),
            ("https://cm;script-src", "; would break the Content-Security-Policy in web.config."),
            ("https://cm,https://evil", ", would break the Content-Security-Policy in web.config."),
            ("https://cm\tx", "a space would break the Content-Security-Policy in web.config."),
            ("https://cm.contoso.com/sub", "give the CM server's origin only, such as https://cm.contoso.com, without"),
            ("https://cm/CertificateManagement/api/v1.0/", "give the CM server's origin only, such as https://cm,"),
            ("https://cm?x=1", "must not contain ? or #."),
            ("https://cm#top", "must not contain ? or #."),
            ("https://admin@cm", "a user name."),
            ("ftp://cm", "only https:// and http://"),
            ("cm.contoso.com", "must start with https:// or http://"),
            ("https://cm:http", "the port after the server's name must be a number from 1 to 65535."),
            ("https://cm:65536", "the port after the server's name must be a number from 1 to 65535."),
            ("https://cm:+80", "the port after the server's name must be a number from 1 to 65535."),
            ("https://cm:", "the port after the server's name must be a number from 1 to 65535."),
            ("https://:8080", "the server's name may hold only"),
            ("https://*.contoso.com", "the server's name may hold only"),
            ("https://b\u{fc}cher.example", "the server's name may hold only"),
            ("https://[fe80::zz]", "the server's name may hold only"),
            ("https://cm]", "the server's name may hold only"),
        ] {
            let message = deployable_origin(given).unwrap_err();
            assert!(message.starts_with("--cm-host \u{201c}"), "{given}: {message}");
            assert!(message.contains(why), "{given}: {message}");
        }
        let folder = built_folder();
        let before = (read(&folder.path().join("config.json")), read(&folder.path().join("web.config")));
        assert!(set_cm_host(folder.path(), "https://cm\"x").is_err());
        let after = (read(&folder.path().join("config.json")), read(&folder.path().join("web.config")));
        assert_eq!(before, after, "a refused host changes no file");
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
