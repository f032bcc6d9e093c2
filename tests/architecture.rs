//! The rules of ARCHITECTURE.md that code can check: from `cargo metadata`,
//! the logic crates know nothing of the browser and each crate depends only
//! on the crates of ours below it; from the app's source, no text becomes markup.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::LazyLock;

/// Crates that only make sense in a browser.
const WEB_CRATES: [&str; 9] = [
    "leptos",
    "tachys",
    "reactive_graph",
    "web-sys",
    "js-sys",
    "wasm-bindgen",
    "wasm-bindgen-futures",
    "gloo-net",
    "send_wrapper",
];

/// Each crate of ours, and the crates of ours it may depend on.
const ALLOWED: [(&str, &[&str]); 5] = [
    ("cm-request", &[]),
    ("cm-model", &["cm-request"]),
    ("viewer-core", &["cm-model"]),
    ("mock-cm-server", &["cm-model"]),
    ("cm-request-viewer", &["cm-model", "viewer-core"]),
];

/// The crates that must run natively and be tested there, without a browser.
const NATIVE_LOGIC: [&str; 3] = ["cm-request", "cm-model", "viewer-core"];

/// `cargo metadata` of the workspace, for the machine the tests run on.
fn metadata() -> Value {
    let host = host_triple();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--offline", "--filter-platform", &host])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "cargo metadata: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("cargo metadata writes JSON")
}

fn host_triple() -> String {
    let output = Command::new("rustc").arg("-vV").output().expect("rustc runs");
    let text = String::from_utf8(output.stdout).expect("rustc writes text");
    text.lines().find_map(|line| line.strip_prefix("host: ")).expect("rustc names its host").to_owned()
}

/// Package ids by name, and the names of each package's normal (not dev, not build) dependencies.
struct Graph {
    names: BTreeMap<String, String>,
    normal_dependencies: BTreeMap<String, Vec<String>>,
}

/// The workspace's graph, read once for every test here.
static GRAPH: LazyLock<Graph> = LazyLock::new(Graph::read);

impl Graph {
    fn read() -> Graph {
        let metadata = metadata();
        let names = metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|package| (package["id"].as_str().unwrap().to_owned(), package["name"].as_str().unwrap().to_owned()))
            .collect();
        let normal_dependencies = metadata["resolve"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|node| {
                let normal = node["deps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|dependency| {
                        dependency["dep_kinds"].as_array().unwrap().iter().any(|kind| kind["kind"].is_null())
                    })
                    .map(|dependency| dependency["pkg"].as_str().unwrap().to_owned())
                    .collect();
                (node["id"].as_str().unwrap().to_owned(), normal)
            })
            .collect();
        Graph { names, normal_dependencies }
    }

    fn id_of(&self, name: &str) -> &str {
        self.names
            .iter()
            .find(|(_, known)| *known == name)
            .map(|(id, _)| id.as_str())
            .unwrap_or_else(|| panic!("{name}"))
    }

    /// The names of the crates `name` depends on directly.
    fn direct(&self, name: &str) -> BTreeSet<&str> {
        self.normal_dependencies[self.id_of(name)].iter().map(|id| self.names[id].as_str()).collect()
    }

    /// The names of every crate `name` needs to build, itself excluded.
    fn needed(&self, name: &str) -> BTreeSet<&str> {
        let mut seen = BTreeSet::new();
        let mut to_visit = vec![self.id_of(name)];
        while let Some(id) = to_visit.pop() {
            for dependency in &self.normal_dependencies[id] {
                if seen.insert(self.names[dependency].as_str()) {
                    to_visit.push(dependency);
                }
            }
        }
        seen
    }
}

#[test]
fn each_crate_depends_only_on_the_crates_of_ours_below_it() {
    let graph = &*GRAPH;
    let ours: BTreeSet<&str> = ALLOWED.iter().map(|(name, _)| *name).collect();
    for (name, allowed) in ALLOWED {
        let of_ours: BTreeSet<&str> = graph.direct(name).intersection(&ours).copied().collect();
        let allowed: BTreeSet<&str> = allowed.iter().copied().collect();
        assert!(of_ours.is_subset(&allowed), "{name} depends on {of_ours:?}, but may only on {allowed:?}");
    }
}

#[test]
fn the_logic_crates_need_nothing_of_the_browser() {
    let graph = &*GRAPH;
    for name in NATIVE_LOGIC {
        let web: Vec<&str> = graph.needed(name).into_iter().filter(|needed| WEB_CRATES.contains(needed)).collect();
        assert!(web.is_empty(), "{name} needs {web:?}, which only run in a browser");
    }
    let app = graph.needed("cm-request-viewer");
    assert!(app.contains("leptos") && app.contains("web-sys"), "the check would see a web crate: {app:?}");
}

/// Ways to turn text into markup. No code of ours may use one, so that text
/// from the CM server (and from links) only ever becomes text nodes; and the
/// built app holds none either (below): no `view!` has an all-static element,
/// which Leptos would build from markup (static text is written in braces,
/// `<h4>{"Certificates"}</h4>`), and `cargo xtask release` replaces the one
/// setter of `innerHTML` Leptos's erased attributes keep (emptying an element
/// whose `inner_html` is taken away) with one that empties through
/// `textContent` and refuses markup. End-to-end tests show markup in a
/// comment, a card's comment and a card link as text, and `tests/cards.rs`
/// records that the page writes no markup at all.
const MARKUP_SINKS: [&str; 6] =
    ["inner_html", "innerHTML", "outer_html", "outerHTML", "insertAdjacentHTML", "document.write"];

#[test]
fn no_code_of_the_app_turns_text_into_markup() {
    let mut files = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut found = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).expect("a folder").map(|entry| entry.expect("an entry").path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a source file");
        for sink in MARKUP_SINKS.iter().filter(|sink| text.contains(*sink)) {
            found.push(format!("{} uses {sink}", path.display()));
        }
    }
    assert!(found.is_empty(), "{found:?}");
}

/// wasm-streams' classes, which only server functions use, are not in the
/// built app: `cargo xtask release` takes their exports out of the wasm and
/// their classes out of the bindings (xtask's `unused_exports`).
#[test]
fn the_built_app_holds_no_stream_class_it_never_makes() {
    let assets = std::fs::read_dir(support::built_app().join("assets")).expect("the built app's assets");
    for path in assets.map(|entry| entry.expect("an asset").path()) {
        let bytes = std::fs::read(&path).expect("a file of the built app").to_ascii_lowercase();
        assert!(!bytes.windows(14).any(|window| window == b"intounderlying"), "{} holds one", path.display());
    }
}

/// wasm-bindgen's names for what the wasm and its bindings call each other
/// (imports `__wbg_…` with a hash, closures `wasm_bindgen_…`) are not in the
/// built app: `cargo xtask release` gives them short names (xtask's
/// `short_names`). The bindings may still give a function the wasm no longer
/// imports, under its long name.
#[test]
fn the_built_app_calls_between_wasm_and_bindings_by_short_names() {
    let assets = std::fs::read_dir(support::built_app().join("assets")).expect("the built app's assets");
    for path in assets.map(|entry| entry.expect("an asset").path()) {
        let bytes = std::fs::read(&path).expect("a file of the built app");
        let imports: &[u8] =
            if path.extension().is_some_and(|extension| extension == "wasm") { b"__wbg_" } else { b"" };
        for long_name in [imports, b"wasm_bindgen_", b"__wbindgen_malloc"].into_iter().filter(|name| !name.is_empty()) {
            let held = bytes.windows(long_name.len()).any(|window| window == long_name);
            assert!(!held, "{} holds {}", path.display(), String::from_utf8_lossy(long_name));
        }
    }
}

#[test]
fn the_built_app_holds_no_way_to_turn_text_into_markup() {
    let dist = support::built_app();
    let assets = std::fs::read_dir(dist.join("assets"))
        .expect("the built app's assets")
        .map(|entry| entry.expect("an asset").path());
    let mut found = Vec::new();
    for path in assets.chain([dist.join("index.html")]) {
        let bytes = std::fs::read(&path).expect("a file of the built app");
        for sink in MARKUP_SINKS.iter().filter(|sink| bytes.windows(sink.len()).any(|window| window == sink.as_bytes()))
        {
            found.push(format!("{} holds {sink}", path.display()));
        }
    }
    assert!(found.is_empty(), "{found:?}");
}
