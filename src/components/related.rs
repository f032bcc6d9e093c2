//! Beside a request in its detail: the smart cards and profiles it names and,
//! while it waits, its template's policy. Each part is asked for when the
//! detail opens, all at once; each shows its own progress and its own
//! failure, so one refusal never hides the rest. Only reads: the viewer
//! performs none of the operations it lists.

use crate::api::{LoadError, fetch_list, fetch_one, fetch_operations};
use crate::components::icon::{WARNING, icon};
use crate::settings::Settings;
use cm_model::{CardCertificate, Decoded, NameBook, Policy, Profile, Request, SmartCard};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use uuid::Uuid;
use viewer_core::blocks::Block;
use viewer_core::detail::Field;
use viewer_core::query::{holder_url, policy_url};
use viewer_core::related::{
    Holder, PolicyQuestion, RelatedObject, card_blocks, certificate_blocks, operation_blocks, policy_blocks,
    policy_question, profile_blocks, related_objects,
};

/// Everything asked for beside the open `request`; a part is asked for again
/// only when what it depends on changes, not whenever a refresh redraws the request.
#[component]
pub fn RelatedParts(
    request: Memo<Option<Request>>,
    names: Arc<NameBook>,
    settings: Arc<Settings>,
    look_up_card: Callback<Uuid>,
) -> impl IntoView {
    let objects = Memo::new(move |_| request.with(|request| request.as_ref().map(related_objects).unwrap_or_default()));
    let question = {
        let names = names.clone();
        Memo::new(move |_| {
            request.with(|request| request.as_ref().and_then(|request| policy_question(request, &names)))
        })
    };
    let policy = {
        let (names, settings) = (names.clone(), settings.clone());
        move || {
            let blocks = match question.get()? {
                Ok(question) => policy_part(question, names.clone(), &settings),
                Err(why) => RwSignal::new(Some(Ok(vec![Block::Text(why)]))),
            };
            Some(view! {
                <section class="related">
                    <h3>{"Why it waits"}</h3>
                    {part_view(blocks, "Asking for the policy\u{2026}", look_up_card)}
                </section>
            })
        }
    };
    let holders = move || {
        objects
            .get()
            .into_iter()
            .map(|object| holder_part(object, names.clone(), &settings, look_up_card))
            .collect_view()
    };
    view! {
        {policy}
        {holders}
    }
}

/// One part asked for beside the request: nothing yet, its blocks, or why there are none.
type Part = RwSignal<Option<Result<Vec<Block>, String>>>;

/// An answer under way, as blocks (boxed, so that every part is asked for by one function).
type Asking = Pin<Box<dyn Future<Output = Result<Vec<Block>, LoadError>>>>;

/// Waits for `answer` from now on; a failure is worded about `subject`. The
/// answer is dropped if the part is gone by then.
fn asked(subject: &'static str, answer: Asking) -> Part {
    let part = RwSignal::new(None);
    spawn_local(async move {
        let answer = answer.await.map_err(|error| error.about(subject));
        let _ = part.try_set(Some(answer));
    });
    part
}

/// A smart card or profile: its fields, its certificates and what the user may do with it.
fn holder_part(
    object: RelatedObject,
    names: Arc<NameBook>,
    settings: &Settings,
    look_up_card: Callback<Uuid>,
) -> impl IntoView + use<> {
    let (host, timeout) = (settings.host.clone(), settings.timeout_seconds);
    let url = |part: &str| holder_url(&host, object.holder, object.id, part);
    let (itself, certificates, operations) = (url(""), url("certificates"), url("operations"));
    let facts = asked(object.holder.this(), {
        let host = host.clone();
        Box::pin(async move {
            Ok(match object.holder {
                Holder::SmartCard => {
                    card_blocks(fetch_one::<SmartCard>(&host, &itself, timeout).await?.as_ref(), &object, &names)
                }
                Holder::Profile => {
                    profile_blocks(fetch_one::<Profile>(&host, &itself, timeout).await?.as_ref(), &object, &names)
                }
            })
        })
    });
    let certificates = asked("its certificates", {
        let host = host.clone();
        Box::pin(async move {
            let Decoded { items, end } = fetch_list::<CardCertificate>(&host, &certificates, timeout).await?;
            Ok(certificate_blocks(&items, end.failures.count()))
        })
    });
    let operations = asked(
        "what you may do with it",
        Box::pin(
            async move { Ok(operation_blocks(object.holder, &fetch_operations(&host, &operations, timeout).await?)) },
        ),
    );
    view! {
        <section class="related" aria-label=object.title>
            <h3>{object.title}</h3>
            {part_view(facts, "Asking the CM server\u{2026}", look_up_card)}
            <h4>{"Certificates"}</h4>
            {part_view(certificates, "Asking for its certificates\u{2026}", look_up_card)}
            <h4>{"What you may do"}</h4>
            {part_view(operations, "Asking what you may do\u{2026}", look_up_card)}
        </section>
    }
}

/// Why a pending or approved request waits: its template's policy for its type.
fn policy_part(question: PolicyQuestion, names: Arc<NameBook>, settings: &Settings) -> Part {
    let (host, timeout) = (settings.host.clone(), settings.timeout_seconds);
    let url = policy_url(&host, question.template, question.policy_type);
    asked(
        "its template's policy",
        Box::pin(async move {
            let policy = fetch_one::<Policy>(&host, &url, timeout).await?;
            Ok(policy_blocks(&question, policy.as_ref(), &names))
        }),
    )
}

/// A part: a spinner while it is asked for, then its blocks or why there are none.
fn part_view(part: Part, waiting: &'static str, look_up_card: Callback<Uuid>) -> impl IntoView {
    move || match part.get() {
        None => view! {
            <p class="part-loading" role="status">
                <span class="spinner" aria-hidden={"true"}></span>
                {waiting}
            </p>
        }
        .into_any(),
        Some(Err(problem)) => view! {
            <div class="message error">
                {icon(WARNING)}
                <p>{problem}</p>
            </div>
        }
        .into_any(),
        Some(Ok(blocks)) => blocks_view(blocks, look_up_card).into_any(),
    }
}

/// Blocks as the page draws them; a field naming a smart card links to its lookup.
pub fn blocks_view(blocks: Vec<Block>, look_up_card: Callback<Uuid>) -> impl IntoView {
    blocks
        .into_iter()
        .map(|block| match block {
            Block::Text(text) => view! { <p>{text}</p> }.into_any(),
            Block::Lead(text) => view! { <p class="lead">{text}</p> }.into_any(),
            Block::Warning(text) => view! { <p class="message warning">{text}</p> }.into_any(),
            Block::Fields(fields) => view! { <dl class="fields">{fields_list(fields, look_up_card)}</dl> }.into_any(),
            Block::Table { headers, rows } => {
                let headers = headers.iter().map(|header| view! { <th scope="col">{*header}</th> }).collect_view();
                let rows = rows
                    .into_iter()
                    .map(|row| {
                        let cells = row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view();
                        view! { <tr>{cells}</tr> }
                    })
                    .collect_view();
                view! {
                    <table class="plain">
                        <thead>
                            <tr>{headers}</tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }
            Block::Other(fields) => {
                let fields = fields
                    .into_iter()
                    .map(|(key, value)| view! { <dt>{key}</dt> <dd><code>{value}</code></dd> })
                    .collect_view();
                view! {
                    <details class="other-fields">
                        <summary>{"Other fields the server sent"}</summary>
                        <dl class="fields">{fields}</dl>
                    </details>
                }
                .into_any()
            }
        })
        .collect_view()
}

/// Labelled values; a value naming a smart card links to its lookup.
pub fn fields_list(fields: Vec<Field>, look_up_card: Callback<Uuid>) -> impl IntoView {
    fields
        .into_iter()
        .map(|field| {
            let value = match field.card {
                Some(card) => view! {
                    <a
                        href=format!("?card={card}")
                        title="Find this card and its requests"
                        on:click=move |event| {
                            event.prevent_default();
                            look_up_card.run(card);
                        }
                    >
                        {field.value}
                    </a>
                }
                .into_any(),
                None => field.value.into_any(),
            };
            view! {
                <dt>{field.label}</dt>
                <dd>{value}</dd>
            }
        })
        .collect_view()
}
