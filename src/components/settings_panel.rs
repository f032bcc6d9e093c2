//! Which CM server the viewer asks: shown, changeable in this browser, testable;
//! and, above the page, when this browser's own host is in use or was ignored.

use super::icon::{SETTINGS, icon};
use super::menu::menu;
use crate::api::test_connection;
use crate::preferences::remember_host;
use crate::settings::{HostSource, Settings};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use viewer_core::config::{HostOverride, validate_host};

/// Says that the CM host set in this browser is in use, and which one it
/// replaces, with a button back to the configured one; or that a host kept in
/// this browser could not be used, and why. Nothing otherwise.
#[component]
pub fn HostNotice(settings: Arc<Settings>, chosen_host: RwSignal<HostOverride>) -> impl IntoView {
    let in_use = settings.host_source == HostSource::ThisBrowser;
    let use_configured = move |_| {
        remember_host(None);
        chosen_host.set(HostOverride::NotSet);
    };
    // The button is there but hidden when there is nothing to go back from:
    // one shape of view costs the app less than two.
    settings.host_notice.clone().map(|notice| {
        view! {
            <p class="message warning host-notice" role="status">
                {notice} " " <button type="button" hidden=!in_use on:click=use_configured>
                    "Use the configured host"
                </button>
            </p>
        }
    })
}

/// Shows the host in use and where it comes from; lets the user set another
/// (checked, remembered in this browser) and test the connection. Changing it
/// sets `chosen_host`; [`HostNotice`] leads back to the configured one.
#[component]
pub fn SettingsPanel(settings: Arc<Settings>, chosen_host: RwSignal<HostOverride>) -> impl IntoView {
    let typed = RwSignal::new(settings.host.clone());
    let problem = RwSignal::new(None::<String>);
    let test_result = RwSignal::new(None::<(bool, String)>);
    let source = match settings.host_source {
        HostSource::Configured => "set in config.json",
        HostSource::PageOrigin => "the server this page comes from",
        HostSource::ThisBrowser => "set in this browser",
        HostSource::Unusable => "cmHost in config.json cannot be used",
    };
    let has_host = settings.host_source != HostSource::Unusable;
    let host_in_use = if has_host { settings.host.clone() } else { "none".to_owned() };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match validate_host(&typed.get()) {
            Ok(host) => {
                problem.set(None);
                remember_host(Some(&host));
                chosen_host.set(HostOverride::Address(host));
            }
            Err(message) => problem.set(Some(message)),
        }
    };
    let test = {
        let settings = settings.clone();
        move |_| {
            let settings = settings.clone();
            test_result.set(Some((true, "Testing\u{2026}".to_owned())));
            spawn_local(async move {
                let result = match test_connection(&settings.host, settings.timeout_seconds).await {
                    Ok(()) => (true, format!("{} answered as a CM server that lets you read requests.", settings.host)),
                    Err(error) => (false, error.to_string()),
                };
                test_result.set(Some(result));
            });
        }
    };
    let panel = view! {
        <p class="host-in-use">
            "CM host in use: " <strong>{host_in_use}</strong> {format!(" ({source})")}
        </p>
        <form on:submit=save>
            <label>
                "CM host "
                <input
                    type="url"
                    name="cm-host"
                    aria-describedby="host-problem"
                    prop:value=typed
                    on:input=move |event| typed.set(event_target_value(&event))
                />
            </label>
            <button type="submit">{"Use this host"}</button>
            {has_host
                .then(|| {
                    view! {
                        <button type="button" on:click=test>
                            "Test connection"
                        </button>
                    }
                })}
        </form>
        <p id="host-problem" class="field-error" role="alert">
            {move || problem.get()}
        </p>
        <p class="test-result" role="status">
            {move || {
                test_result
                    .get()
                    .map(|(good, text)| {
                        view! { <span class=if good { "good" } else { "bad" }>{text}</span> }
                    })
            }}
        </p>
        <p class="version">{concat!("CM Request Viewer ", env!("CARGO_PKG_VERSION"))}</p>
    };
    // Open while there is no host: setting one here is what a user can do.
    menu!("settings", (icon(SETTINGS), "Settings"), panel, open = !has_host)
}
