//! What was wrong with `config.json`, for users to pass on to its administrator.

use leptos::prelude::*;

const INTRODUCTION: &str = "The viewer's configuration (config.json, on the web server that serves this page) has \
                            problems. Where it safely can, the viewer uses its defaults instead. Tell the \
                            administrator who installed the viewer:";

/// Lists the problems found in `config.json`, if any; each names its key.
#[component]
pub fn ConfigProblems(problems: Vec<String>) -> impl IntoView {
    (!problems.is_empty()).then(|| {
        let items = problems.into_iter().map(|problem| view! { <li>{problem}</li> }).collect_view();
        view! {
            <div class="message warning config-problems" role="status">
                <p>
                    {INTRODUCTION}
                </p>
                <ul>{items}</ul>
            </div>
        }
    })
}
