//! The question to the CM server: a status, "my requests", or one request id.

use cm_model::RequestStatus;
use leptos::prelude::*;
use viewer_core::query::{ServerQuery, parse_request_id};

/// Controls that change `query`; each change asks the server again.
#[component]
pub fn QueryForm(query: RwSignal<ServerQuery>) -> impl IntoView {
    let looked_up = query.with_untracked(|query| query.request_id.map(|id| id.to_string()));
    let id_text = RwSignal::new(looked_up.unwrap_or_default());
    let id_error = RwSignal::new(None::<String>);
    let choose_status = move |event| {
        let chosen = event_target_value(&event);
        let status = RequestStatus::KNOWN.iter().copied().find(|status| status.known_name() == Some(chosen.as_str()));
        query.update(|query| query.status = status);
    };
    let look_up = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match parse_request_id(&id_text.get()) {
            Ok(id) => {
                id_error.set(None);
                query.update(|query| query.request_id = Some(id));
            }
            Err(message) => id_error.set(Some(message)),
        }
    };
    let show_list = move |_| {
        id_text.set(String::new());
        id_error.set(None);
        query.update(|query| query.request_id = None);
    };
    let looking_up = move || query.get().request_id.is_some();
    view! {
        <div class="query">
            <label>
                "Status "
                <select
                    on:change=choose_status
                    prop:disabled=looking_up
                    prop:value=move || query.get().status.and_then(RequestStatus::known_name).unwrap_or_default()
                >
                    <option value="">{"All statuses"}</option>
                    {RequestStatus::KNOWN
                        .iter()
                        .filter_map(|status| status.known_name())
                        .map(|name| view! { <option value=name>{name}</option> })
                        .collect_view()}
                </select>
            </label>
            <label>
                <input
                    type="checkbox"
                    prop:disabled=looking_up
                    prop:checked=move || query.get().only_mine
                    on:change=move |event| query.update(|query| query.only_mine = event_target_checked(&event))
                />
                " Only my requests"
            </label>
            <form class="lookup" on:submit=look_up>
                <label>
                    "Request ID "
                    <input
                        type="text"
                        name="request-id"
                        placeholder="a9b4b42c-cc50-4c9b-89d1-bbc0bcd5a099"
                        aria-describedby="lookup-error"
                        prop:value=id_text
                        on:input=move |event| id_text.set(event_target_value(&event))
                    />
                </label>
                <button type="submit">{"Look up"}</button>
                {move || {
                    looking_up()
                        .then(|| {
                            view! {
                                <button type="button" on:click=show_list>
                                    "Show all requests"
                                </button>
                            }
                        })
                }}
            </form>
            <p id="lookup-error" class="field-error" role="alert">
                {move || id_error.get()}
            </p>
        </div>
    }
}
