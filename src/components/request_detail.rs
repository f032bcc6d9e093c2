//! Everything about one request: its fields in groups, its data collection,
//! its security descriptor as a table, anything unknown, and its JSON.

use crate::clipboard::copy_text;
use crate::components::icon::{CLOSE, icon};
use crate::components::related::{RelatedParts, fields_list};
use crate::download::save_file;
use crate::settings::Settings;
use cm_model::{NameBook, Request, json_text};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;
use send_wrapper::SendWrapper;
use std::sync::Arc;
use uuid::Uuid;
use viewer_core::detail::{AceRow, field_notes, sections, security};

/// The open request `id` (`request` when it is in the list shown), in a
/// modal panel beside the table (over it on a phone), so the table never
/// moves. The browser's modal dialog keeps the focus in the panel and closes
/// it on Escape; closing it, or the Close button, clears `open`.
#[component]
pub fn RequestDetail(
    id: Uuid,
    request: Memo<Option<Request>>,
    names: Arc<NameBook>,
    open: RwSignal<Option<Uuid>>,
    settings: Arc<Settings>,
    look_up_card: Callback<Uuid>,
) -> impl IntoView {
    let panel = NodeRef::<html::Dialog>::new();
    let heading = NodeRef::<html::H2>::new();
    // Focus lands on the heading, so that screen readers start with what the
    // panel shows, and goes back to where it was (the row's link) when it closes.
    let focused_before = SendWrapper::new(document().active_element());
    Effect::new(move |_| {
        if let (Some(panel), Some(heading)) = (panel.get(), heading.get()) {
            let _ = panel.show_modal();
            let _ = heading.focus();
        }
    });
    on_cleanup(move || {
        let element = focused_before.take().and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element.filter(|element| element.is_connected()) {
            let _ = element.focus();
        }
    });
    let keep_focus = move |event: leptos::ev::KeyboardEvent| {
        if let (true, Some(panel)) = (event.key() == "Tab", panel.get_untracked())
            && focus_wraps_around(&panel, event.shift_key())
        {
            event.prevent_default();
        }
    };
    // Escape closes the dialog itself; only this request's panel may clear `open`.
    let closed = move |_| {
        if open.get_untracked() == Some(id) {
            open.set(None);
        }
    };
    // Drawn again when a refresh changes the request; the parts asked for
    // beside it are asked again only when what they depend on changes.
    let fields = {
        let names = names.clone();
        move || match request.get() {
            Some(request) => summary(&request, &names, look_up_card).into_any(),
            None => view! {
                <p class="message">
                    {format!("Request {id} is not in the list shown. Look it up by its id to see it.")}
                </p>
            }
            .into_any(),
        }
    };
    let rest = {
        let names = names.clone();
        move || request.get().map(|request| details(&request, &names))
    };
    view! {
        <dialog class="detail" aria-labelledby="detail-heading" node_ref=panel on:close=closed on:keydown=keep_focus>
            <header>
                <h2 id="detail-heading" tabindex="-1" node_ref=heading>
                    {format!("Request {id}")}
                </h2>
                <button type="button" class="close" aria-label="Close" title="Close (Esc)" on:click=move |_| open.set(None)>
                    {icon(CLOSE)}
                </button>
            </header>
            <div class="detail-body">
                {fields}
                <RelatedParts request names settings look_up_card />
                {rest}
            </div>
        </dialog>
    }
}

/// Moves the focus from the last control of `panel` to its first (from the
/// first, or the heading, to the last `backwards`), as Tab and Shift+Tab do in
/// a modal panel; the browser's own modal dialog would let it leave for the
/// address bar. Says whether it did.
fn focus_wraps_around(panel: &web_sys::HtmlDialogElement, backwards: bool) -> bool {
    let Ok(stops) = panel.query_selector_all("button, a[href], input, select, summary") else { return false };
    let (Some(first), Some(last)) = (stops.item(0), stops.item(stops.length().saturating_sub(1))) else {
        return false;
    };
    let focused = document().active_element();
    let is_focused = |node: &web_sys::Node| focused.as_ref().is_some_and(|focused| node.is_same_node(Some(focused)));
    let at_start = is_focused(&first) || focused.as_ref().is_some_and(|focused| focused.tag_name() == "H2");
    let (leaving, next) = if backwards { (at_start, last) } else { (is_focused(&last), first) };
    if leaving {
        let _ = next.unchecked_into::<web_sys::HtmlElement>().focus();
    }
    leaving
}

/// What the request says of itself: notes on fields not shown as sent, then its fields in groups.
fn summary(request: &Request, names: &NameBook, look_up_card: Callback<Uuid>) -> impl IntoView + use<> {
    let notes = field_notes(request)
        .into_iter()
        .map(|note| view! { <p class="message warning field-note">{note}</p> })
        .collect_view();
    let groups = sections(request, names)
        .into_iter()
        .map(|section| {
            view! {
                <section>
                    <h3>{section.title}</h3>
                    <dl class="fields">{fields_list(section.fields, look_up_card)}</dl>
                </section>
            }
        })
        .collect_view();
    view! {
        {notes}
        <div class="detail-groups">{groups}</div>
    }
}

/// Its data items, security descriptor, unknown fields and JSON.
fn details(request: &Request, names: &NameBook) -> impl IntoView + use<> {
    let data_items = request
        .data_collection
        .iter()
        .map(|item| {
            let value = item.value.clone().unwrap_or_else(|| "not collected".to_owned());
            view! {
                <tr>
                    <td>{item.name.clone()}</td>
                    <td>{value}</td>
                </tr>
            }
        })
        .collect_view();
    let unknown = request
        .unknown_fields()
        .into_iter()
        .flatten()
        .map(|(key, value)| view! { <dt>{key.clone()}</dt> <dd><code>{json_text(value)}</code></dd> })
        .collect_view();
    let json = serde_json::to_string_pretty(request).unwrap_or_default();
    let security = security(request, names);
    view! {
        <h3>"Data collection"</h3>
        {if request.data_collection.is_empty() {
            view! { <p>"No data items."</p> }.into_any()
        } else {
            view! {
                <table class="plain data-items">
                    <thead>
                        <tr>
                            <th scope="col">{"Item"}</th>
                            <th scope="col">{"Value"}</th>
                        </tr>
                    </thead>
                    <tbody>{data_items}</tbody>
                </table>
            }
                .into_any()
        }}
        <h3>"Security"</h3>
        <dl class="fields">
            <dt>{"Owner"}</dt>
            <dd>{security.owner}</dd>
            <dt>{"Group"}</dt>
            <dd>{security.group}</dd>
            <dt>{"Access list flags"}</dt>
            <dd>{if security.dacl_flags.is_empty() { "none".to_owned() } else { security.dacl_flags }}</dd>
        </dl>
        {security.problem.map(|problem| view! { <p class="message warning">{problem}</p> })}
        {ace_table("Who may do what", security.dacl)}
        {(!security.sacl.is_empty()).then(|| ace_table("What is audited", security.sacl))}
        {request.unknown_fields().is_some()
            .then(|| {
                view! {
                    <h3>"Fields this viewer does not know"</h3>
                    <dl class="fields">{unknown}</dl>
                }
            })}
        <h3>"JSON"</h3>
        <JsonBlock json id=request.uuid />
    }
}

fn ace_table(caption: &'static str, rows: Vec<AceRow>) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|row| {
            let class = format!("effect {}", row.tone);
            view! {
                <tr>
                    <td>
                        <span class=class>{row.effect}</span>
                    </td>
                    <td>{row.trustee}</td>
                    <td>
                        <code>{row.rights_letters}</code>
                    </td>
                    <td>{row.rights_names}</td>
                    <td>{row.flags}</td>
                    <td>{row.object}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="plain aces">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">{"Effect"}</th>
                    <th scope="col">{"Trustee"}</th>
                    <th scope="col">{"Rights"}</th>
                    <th scope="col">{"Rights in words"}</th>
                    <th scope="col">{"Inheritance"}</th>
                    <th scope="col">{"Object"}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The request as JSON, with buttons to copy it and to save it as a file.
#[component]
fn JsonBlock(json: String, id: Uuid) -> impl IntoView {
    let copied = RwSignal::new(None::<Result<(), String>>);
    let copy = {
        let json = json.clone();
        move |_| {
            let json = json.clone();
            spawn_local(async move { copied.set(Some(copy_text(&json).await)) });
        }
    };
    let download = {
        let json = json.clone();
        move |_| save_file(&format!("request-{id}.json"), "application/json", &json)
    };
    view! {
        <div class="json-actions">
            <button type="button" on:click=copy>
                "Copy JSON"
            </button>
            <button type="button" on:click=download>
                "Download JSON"
            </button>
            <span role="status">
                {move || copied.get().map(|result| result.map_or_else(|problem| problem, |()| "Copied.".to_owned()))}
            </span>
        </div>
        <pre class="json">
            <code>{json}</code>
        </pre>
    }
}
