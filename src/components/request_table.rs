//! The sortable table of requests.

use crate::browser_clock::BrowserClock;
use crate::clipboard::copy_text;
use crate::components::icon::{ARROW_DOWN, ARROW_UP, CHECK, CLOSE, COPY, icon};
use crate::live_answer::{LiveAnswer, OnScreen};
use cm_model::{NameBook, Request};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_bindgen::JsCast;
use std::ops::Range;
use uuid::Uuid;
use viewer_core::columns::{Column, status_badge_class};
use viewer_core::query::ServerQuery;
use viewer_core::sorting::{Direction, SortOrder};
use viewer_core::virtual_rows::{ROW_PIXELS, row_after_key, rows_in_view, scroll_top_showing, spacer_pixels};

/// Where the window cannot say: about what a laptop screen shows.
const ASSUMED_VIEW_HEIGHT: f64 = 720.0;

/// A `<table>` of the requests on screen at `positions`, in that order, with
/// numbers named by the answer's names. Only the rows in view (and a few
/// around them) are in the page, so 100 or 100,000 requests cost the same;
/// spacer rows keep the scroll bar true, and `aria-rowcount` and
/// `aria-rowindex` tell assistive technology where each row stands.
///
/// A click on a column header changes `order`: by that column, a second click
/// reverses; with Shift the column becomes the next sort key. A click on a row,
/// or Enter on its id, sets `open` to that request. Arrow keys, Page Up/Down
/// and Home/End move between rows' ids, scrolling as needed. Only the
/// `columns` chosen are shown.
#[component]
pub fn RequestTable(
    on_screen: OnScreen,
    #[prop(into)] positions: Signal<Vec<usize>>,
    #[prop(into)] columns: Signal<Vec<Column>>,
    #[prop(name = "sort")] order: RwSignal<SortOrder>,
    open: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let area = ScrollArea::new();
    let row_count = move || positions.with(Vec::len);
    let in_view = Memo::new(move |_| area.rows_to_render(row_count()));
    let on_scroll = move |_| area.measure();
    // The view's height changes with the window.
    let resizing = window_event_listener(leptos::ev::resize, move |_| area.measure());
    on_cleanup(move || resizing.remove());
    let on_key = keys_move_between_rows(area, in_view, positions);
    // A new question starts at its first row; a refresh keeps the place.
    Effect::new(move |asked: Option<Option<ServerQuery>>| {
        let question = on_screen.with(|answer| answer.question());
        if asked.is_some_and(|asked| asked != question) {
            area.to_top();
        }
        question
    });
    let body = NodeRef::<html::Tbody>::new();
    let rows = rows_in_view_of(on_screen, positions, in_view, columns, open, body);
    // Whole pixels, written with integers: float formatting is large in wasm.
    // Set through `style:` (the CSSOM), which a Content-Security-Policy without
    // 'unsafe-inline' allows, where a `style` attribute would be refused.
    let spacers = move || spacer_pixels(&in_view.get(), row_count());
    let space_above = move || format!("{}px", spacers().0);
    let space_below = move || format!("{}px", spacers().1);
    let column_span = move || columns.with(Vec::len);
    let headers =
        move || columns.get().into_iter().map(|column| view! { <SortableHeader column order /> }).collect_view();
    view! {
        <div class="table-scroll" role="region" aria-label="Requests" tabindex="0" node_ref=area.element on:scroll=on_scroll>
            // The rows' height is the one the rendering counts on (main.css reads it).
            <table class="requests" aria-rowcount=move || row_count() + 1 style:--row-height=format!("{ROW_PIXELS}px")>
                <thead>
                    <tr aria-rowindex="1">{headers}</tr>
                </thead>
                <tbody on:keydown=on_key node_ref=body>
                    <tr class="spacer" aria-hidden="true" style:height=space_above>
                        <td colspan=column_span></td>
                    </tr>
                    {rows}
                    <tr class="spacer" aria-hidden="true" style:height=space_below>
                        <td colspan=column_span></td>
                    </tr>
                </tbody>
            </table>
        </div>
    }
}

/// The table's scroll area: its element, where it is scrolled to and how tall it is.
#[derive(Clone, Copy)]
struct ScrollArea {
    element: NodeRef<html::Div>,
    top: RwSignal<f64>,
    height: RwSignal<f64>,
}

impl ScrollArea {
    fn new() -> ScrollArea {
        // What the scroll area may grow to, known from the window alone: measuring
        // the area itself as the table appears would make the browser lay out the
        // whole new page at once, in the task that made it.
        ScrollArea { element: NodeRef::new(), top: RwSignal::new(0.0), height: RwSignal::new(largest_view_height()) }
    }

    /// The rows of `rows` to render where the area is scrolled to.
    fn rows_to_render(self, rows: usize) -> Range<usize> {
        rows_in_view(self.top.get(), self.height.get(), rows)
    }

    /// Reads where the area is scrolled to and how tall it is, after a scroll or a resize.
    fn measure(self) {
        if let Some(element) = self.element.get_untracked() {
            self.top.set(f64::from(element.scroll_top()));
            // At least what the scroll area may grow to: its height now depends
            // on the rows rendered, which depend on this.
            self.height.set(f64::from(element.client_height()).max(largest_view_height()));
        }
    }

    /// Scrolls as little as it takes to show `row` wholly.
    fn show_row(self, row: usize) {
        let Some(element) = self.element.get() else { return };
        let (top, height) = (f64::from(element.scroll_top()), f64::from(element.client_height()));
        // The sticky header covers the top of the view.
        let header = element.query_selector("thead").ok().flatten().map_or(0.0, |head| f64::from(head.client_height()));
        element.set_scroll_top(scroll_top_showing(row, top, height, header) as i32);
        self.top.set(f64::from(element.scroll_top()));
        self.height.set(height);
    }

    /// Back to the first row.
    fn to_top(self) {
        if let Some(element) = self.element.get_untracked() {
            element.set_scroll_top(0);
            self.top.set(0.0);
        }
    }
}

/// What arrow, page, Home and End keys do on a row: move the focus to the id of
/// the row they lead to, scrolling it into view, once it is rendered.
fn keys_move_between_rows(
    area: ScrollArea,
    in_view: Memo<Range<usize>>,
    positions: Signal<Vec<usize>>,
) -> impl Fn(leptos::ev::KeyboardEvent) + Copy {
    let focus_row = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        let (Some(row), Some(element)) = (focus_row.get(), area.element.get()) else { return };
        in_view.track();
        let selector = format!("tr[aria-rowindex=\"{}\"] a", row + 2);
        if let Ok(Some(link)) = element.query_selector(&selector) {
            let _ = link.unchecked_into::<web_sys::HtmlElement>().focus();
            focus_row.set(None);
        }
    });
    move |event: leptos::ev::KeyboardEvent| {
        let Some(current) = row_of(&event) else { return };
        let height = area.height.get_untracked();
        let rows = positions.with_untracked(Vec::len);
        let Some(target) = row_after_key(&event.key(), current, rows, height) else { return };
        event.prevent_default();
        area.show_row(target);
        focus_row.set(Some(target));
    }
}

/// The rows in view of the answer on screen, at `positions`, with the chosen `columns`.
fn rows_in_view_of(
    on_screen: OnScreen,
    positions: Signal<Vec<usize>>,
    in_view: Memo<Range<usize>>,
    columns: Signal<Vec<Column>>,
    open: RwSignal<Option<Uuid>>,
    body: NodeRef<html::Tbody>,
) -> impl IntoView {
    // Each row in view: its answer and the request's position in it.
    let in_view_rows = move || {
        give_focus_back_after_the_rows_change(body);
        let range = in_view.get();
        let generation = on_screen.with(LiveAnswer::generation);
        positions.with(|positions| {
            let in_view = positions.get(range).unwrap_or_default().iter();
            in_view.map(|&position| (generation, position)).collect::<Vec<_>>()
        })
    };
    let first_in_view = Memo::new(move |_| in_view.with(|range| range.start));
    // Keyed by request, so that a row still in view keeps its elements (and
    // the focus in them) when the view scrolls or rows arrive above it: only
    // its place in the table changes. A stored request never changes, but
    // another answer's request at the same position is another: another
    // answer makes new rows. The list is made once per choice of columns,
    // not per answer: a list made while a new answer replaced the old one
    // was not told when that answer grew.
    move || {
        let columns = columns.get();
        let row = move |index: ReadSignal<usize>, (_, position): (Option<u64>, usize)| {
            let row = Signal::derive(move || first_in_view.get() + index.get());
            // Read without subscribing: the list, not each row, follows the answer.
            on_screen.read_untracked(|store| {
                let request = store.requests().get(position)?;
                Some(request_row(request, row, store.names(), &columns, open))
            })
        };
        view! { <ForEnumerate each=in_view_rows key=|&in_view_row| in_view_row children=row /> }
    }
}

/// Gives the focus back to the link or button in a row that had it before
/// the rows in `body` change, if the change took it away: the list moves a
/// row it keeps by taking it out of the page and putting it back, and a
/// focused element taken out loses the focus. Called as the list computes
/// its rows, before it changes them; the focus is given back after.
fn give_focus_back_after_the_rows_change(body: NodeRef<html::Tbody>) {
    let (Some(document), Some(body)) = (web_sys::window().and_then(|window| window.document()), body.get_untracked())
    else {
        return;
    };
    let Some(focused) = document.active_element().filter(|focused| body.contains(Some(focused))) else { return };
    spawn_local(async move {
        let lost = document.active_element().is_none_or(|now| Some(now) == document.body().map(Into::into));
        if lost && focused.is_connected() {
            let options = web_sys::FocusOptions::new();
            options.set_prevent_scroll(true);
            let _ = focused.unchecked_into::<web_sys::HtmlElement>().focus_with_options(&options);
        }
    });
}

/// The height the scroll area may grow to: it fills what the page leaves of
/// the window, so never more than the window.
fn largest_view_height() -> f64 {
    let window = web_sys::window().and_then(|window| window.inner_height().ok()?.as_f64());
    window.unwrap_or(ASSUMED_VIEW_HEIGHT)
}

/// The row (0 for the first body row) of the element a key event came from.
fn row_of(event: &leptos::ev::KeyboardEvent) -> Option<usize> {
    let target: web_sys::Element = event.target()?.dyn_into().ok()?;
    let row = target.closest("tr[aria-rowindex]").ok()??;
    row.get_attribute("aria-rowindex")?.parse::<usize>().ok()?.checked_sub(2)
}

#[component]
fn SortableHeader(column: Column, order: RwSignal<SortOrder>) -> impl IntoView {
    let rank = move || order.with(|order| (order.rank_of(column), order.criteria().len()));
    let indicator = move || {
        let (Some((rank, direction)), keys) = rank() else { return None };
        let arrow = if direction == Direction::Ascending { ARROW_UP } else { ARROW_DOWN };
        Some((icon(arrow), (keys > 1).then_some(rank)))
    };
    // The first key is announced through aria-sort; later keys need words.
    let secondary = move || match rank() {
        (Some((rank, direction)), _) if rank > 1 => format!(", sort key {rank}, {}", direction.aria_sort()),
        _ => String::new(),
    };
    let sort = move |event: leptos::ev::MouseEvent| {
        order.update(|order| *order = order.after_click(column, event.shift_key()));
    };
    view! {
        <th scope="col" aria-sort=move || order.with(|order| order.aria_sort_of(column))>
            <button type="button" on:click=sort title="Click to sort; Shift+click to add as the next sort key">
                {column.label()}
                <span class="sort-indicator" aria-hidden="true">
                    {indicator}
                </span>
                <span class="visually-hidden">{secondary}</span>
            </button>
        </th>
    }
}

/// One request as a row: plain text cells, GUIDs shortened with the full value
/// on hover and a copy button, dates in local time with UTC on hover, the
/// status as a badge with its name, the id as a link that opens the request.
fn request_row(
    request: &Request,
    row: Signal<usize>,
    names: &NameBook,
    columns: &[Column],
    open: RwSignal<Option<Uuid>>,
) -> impl IntoView + use<> {
    let id = request.uuid;
    let now = cm_model::Timestamp::from_millisecond(js_sys::Date::now() as i64).unwrap_or_default();
    let cells = columns
        .iter()
        .map(|&column| {
            let cell = column.cell(request, names, &BrowserClock, now);
            let copy = cell.copy.clone().map(|value| view! { <CopyButton value what=column.label() /> });
            let value = match column {
                Column::RequestId => view! {
                    <a class="value" href=format!("?open={id}") title=cell.full on:click=|event| event.prevent_default()>
                        {cell.text}
                    </a>
                }
                .into_any(),
                Column::Status => {
                    let class = format!("value badge {}", status_badge_class(request.status));
                    view! { <span class=class>{cell.text}</span> }.into_any()
                }
                _ => view! { <span class="value" title=cell.full>{cell.text}</span> }.into_any(),
            };
            view! { <td>{value} {copy}</td> }
        })
        .collect_view();
    let selected = move || open.get() == Some(id);
    view! {
        <tr
            aria-rowindex=move || row.get() + 2
            class:selected=selected
            aria-current=move || selected().then_some("true")
            on:click=move |_| open.set(Some(id))
        >
            {cells}
        </tr>
    }
}

/// Copies `value` to the clipboard in one click, without opening the row; the
/// button then says whether it worked.
#[component]
fn CopyButton(value: String, what: &'static str) -> impl IntoView {
    let label = format!("Copy {what} {value}");
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let copy = move |event: leptos::ev::MouseEvent| {
        event.stop_propagation();
        let value = value.clone();
        spawn_local(async move { outcome.set(Some(copy_text(&value).await)) });
    };
    let title = move || match outcome.get() {
        None => "Copy".to_owned(),
        Some(Ok(())) => "Copied".to_owned(),
        Some(Err(problem)) => problem,
    };
    let sign = move || match outcome.get() {
        None => COPY,
        Some(Ok(())) => CHECK,
        Some(Err(_)) => CLOSE,
    };
    view! {
        <button type="button" class="copy" aria-label=label title=title on:click=copy>
            {move || icon(sign())}
        </button>
    }
}
