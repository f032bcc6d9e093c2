//! Finding a smart card by its serial number or GUID: the form in the
//! command bar, the question to the server, and what was found, shown above
//! the requests that name the card.

use crate::api::{LoadError, fetch_list, fetch_one};
use crate::components::related::blocks_view;
use crate::settings::Settings;
use cm_model::{NameBook, SmartCard};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use viewer_core::card_lookup::CardLookup;
use viewer_core::query::{card_search_url, holder_url};
use viewer_core::related::Holder;

/// The cards the server has for a lookup, with the lookup they answer (a
/// newer lookup may be under way); `None` while none is asked.
pub type FoundCards = RwSignal<Option<(CardLookup, Result<Vec<SmartCard>, String>)>>;

/// Asks the server for the cards of `card` whenever it changes.
pub fn find_cards(card: RwSignal<Option<CardLookup>>, settings: Arc<Settings>) -> FoundCards {
    let found = RwSignal::new(None);
    Effect::new(move |_| {
        let (Some(lookup), settings) = (card.get(), settings.clone()) else { return };
        spawn_local(async move {
            let cards = search(&settings, &lookup).await;
            // An answer to a lookup replaced meanwhile would only hide the newer one's.
            if card.try_get_untracked().flatten().as_ref() == Some(&lookup) {
                let _ = found.try_set(Some((lookup, cards)));
            }
        });
    });
    found
}

/// The cards whose physical id is `lookup` and, when it is a GUID, the card with that id in CM.
async fn search(settings: &Settings, lookup: &CardLookup) -> Result<Vec<SmartCard>, String> {
    let (host, timeout) = (&settings.host, settings.timeout_seconds);
    let search_url = card_search_url(host, lookup.text());
    let by_serial = fetch_list::<SmartCard>(host, &search_url, timeout);
    let by_id = async {
        match lookup.guid() {
            Some(id) => fetch_one::<SmartCard>(host, &holder_url(host, Holder::SmartCard, id, ""), timeout).await,
            None => Ok(None),
        }
    };
    let (by_serial, by_id) = futures::future::join(by_serial, by_id).await;
    let mut cards = Vec::new();
    let mut failure = None::<LoadError>;
    match by_serial {
        Ok(found) => cards.extend(found.items),
        Err(error) => failure = Some(error),
    }
    match by_id {
        Ok(card) => cards.extend(card.filter(|card| cards.iter().all(|found| found.uuid != card.uuid))),
        Err(error) => failure = failure.or(Some(error)),
    }
    match failure {
        Some(error) if cards.is_empty() => Err(error.about("the card")),
        _ => Ok(cards),
    }
}

/// The lookup form: a serial number or GUID; looking one up shows its
/// requests. The box shows the card looked up, however it was chosen.
#[component]
pub fn CardLookupForm(card: RwSignal<Option<CardLookup>>) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let problem = RwSignal::new(None::<String>);
    let look_up = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = input.get_untracked().map(|input| input.value()).unwrap_or_default();
        match CardLookup::parse(&typed) {
            Ok(lookup) => {
                problem.set(None);
                card.set(Some(lookup));
            }
            Err(message) => problem.set(Some(message)),
        }
    };
    view! {
        <form class="lookup card-lookup" on:submit=look_up>
            <label>
                "Card "
                <input
                    type="text"
                    name="card"
                    placeholder="serial or GUID"
                    aria-describedby="card-lookup-error"
                    node_ref=input
                    prop:value=move || card.with(|card| card.as_ref().map(|card| card.text().to_owned())).unwrap_or_default()
                />
            </label>
            <button type="submit">{"Find card"}</button>
        </form>
        <p id="card-lookup-error" class="field-error" role="alert">
            {move || problem.get()}
        </p>
    }
}

/// What the card lookup found, above the requests that name the card.
#[component]
pub fn CardsFound(
    card: RwSignal<Option<CardLookup>>,
    found: FoundCards,
    requests: Signal<usize>,
    names: Arc<NameBook>,
) -> impl IntoView {
    let answer = move || {
        let lookup = card.get()?;
        let answered = found.get().filter(|(answered, _)| *answered == lookup);
        Some(match answered {
            None => view! {
                <p role="status">
                    <span class="spinner" aria-hidden={"true"}></span>
                    {format!("Looking for card \u{201c}{}\u{201d}\u{2026}", lookup.text())}
                </p>
            }
            .into_any(),
            Some((_, Err(problem))) => view! { <p role="alert">{problem}</p> }.into_any(),
            Some((_, Ok(cards))) => {
                let blocks = lookup.found_blocks(&cards, requests.get(), &names);
                view! { <div role="status">{blocks_view(blocks, Callback::new(|_| ()))}</div> }.into_any()
            }
        })
    };
    move || {
        card.with(Option::is_some).then(|| {
            view! {
                <div class="cards-found">
                    {answer.clone()}
                    <button type="button" on:click=move |_| card.set(None)>
                        "Show all requests"
                    </button>
                </div>
            }
        })
    }
}
