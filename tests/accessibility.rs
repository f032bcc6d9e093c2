//! The page checked by axe-core against WCAG 2.2 (A and AA) and its best practices, in light and
//! dark, wide and phone-sized, in every state a user meets; and the page used with the keyboard
//! alone: every control reached, the focus always visible, the detail holding the focus until
//! Escape gives it back.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use fantoccini::key::Key;
use support::{Browser, ColorScheme, MockServer, WindowSize, built_app};

/// A word some requests of the mock server's data hold, and most do not.
const SEARCH_WORD: &str = "unblock";

/// The request detail, whether a dialog or a section of the page.
const DETAIL: &str = ".detail";

/// The link to the first request of the list, which opens its detail.
const FIRST_REQUEST_LINK: &str = concat!(request_rows!(), " a[href]");

/// What axe checks the page in, beyond the failures of the server.
#[derive(Clone, Copy)]
enum PageState {
    List,
    Detail,
    Settings,
    Narrowed,
}

impl PageState {
    const ALL: [PageState; 4] = [PageState::List, PageState::Detail, PageState::Settings, PageState::Narrowed];

    fn name(self) -> &'static str {
        match self {
            PageState::List => "list",
            PageState::Detail => "detail",
            PageState::Settings => "settings",
            PageState::Narrowed => "narrowed",
        }
    }

    /// Brings a page showing the whole list into this state, as a user would.
    async fn enter(self, browser: &Browser) {
        match self {
            PageState::List => {}
            PageState::Detail => {
                browser.client.find(Locator::Css(FIRST_REQUEST_LINK)).await.unwrap().click().await.unwrap();
                browser.wait_for(DETAIL).await;
            }
            PageState::Settings => open_settings(browser).await,
            PageState::Narrowed => {
                let all = browser.row_count().await;
                let search = browser.client.find(Locator::Css("input[type=search]")).await.expect("the search box");
                search.send_keys(SEARCH_WORD).await.unwrap();
                browser
                    .wait_until(&format!(
                        "return document.querySelector('table.requests').getAttribute('aria-rowcount') - 1 < {all};"
                    ))
                    .await;
            }
        }
    }
}

/// Opens the settings, wherever the page keeps them.
async fn open_settings(browser: &Browser) {
    browser.client.find(Locator::Css(".settings summary")).await.expect("the settings").click().await.unwrap();
    browser.wait_until("return document.querySelector('.settings input[type=url]').checkVisibility();").await;
}

/// Opens the app at `url` and waits until the whole list is in.
async fn open_loaded(browser: &Browser, url: &str) {
    browser.open_showing_rows(url).await;
    browser.wait_until("return document.querySelector('.message.loading') === null;").await;
}

/// Saves a screenshot of the page named `name` and returns what axe finds
/// wrong with it, under that name; nothing when it finds nothing.
async fn checked(browser: &Browser, name: &str) -> Option<String> {
    browser.screenshot(name).await;
    let violations = browser.accessibility_violations().await;
    (!violations.is_empty()).then(|| format!("{name}:\n  {}", violations.join("\n  ")))
}

fn assert_none_found(found: &[String]) {
    assert!(found.is_empty(), "axe-core found violations of WCAG 2.2 A/AA or best practice:\n{}", found.join("\n"));
}

const WIDTHS_CHECKED: [WindowSize; 2] = [WindowSize::DESKTOP, WindowSize::PHONE];

/// What axe-core finds in every look of the page: at both widths, in both
/// colour schemes, where `visit` brings the page into the states it checks,
/// naming their screenshots after the look (`dark-390`).
async fn found_in_every_look(browser: &Browser, visit: impl AsyncFn(&Browser, &str) -> Vec<String>) -> Vec<String> {
    let mut found = Vec::new();
    for size in WIDTHS_CHECKED {
        browser.resize(size).await;
        for scheme in ColorScheme::BOTH {
            browser.emulate_color_scheme(scheme).await;
            found.extend(visit(browser, &format!("{}-{}", scheme.name(), size.width)).await);
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn the_list_a_detail_the_settings_and_a_narrowed_list_meet_wcag_in_both_themes_at_both_widths() {
    let server = MockServer::start(&built_app(), &["--requests", "300"]);
    let browser = Browser::start().await;
    let found = found_in_every_look(&browser, async |browser, look| {
        let mut found = Vec::new();
        for state in PageState::ALL {
            open_loaded(browser, &server.url).await;
            state.enter(browser).await;
            found.extend(checked(browser, &format!("a11y-{}-{look}", state.name())).await);
        }
        found
    })
    .await;
    browser.close().await;
    assert_none_found(&found);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_by_the_server_meets_wcag_in_both_themes_at_both_widths() {
    let server = MockServer::start(&built_app(), &["--answer", "forbidden"]);
    let browser = Browser::start().await;
    let found = found_in_every_look(&browser, async |browser, look| {
        browser.client.goto(&server.url).await.expect("the app opens");
        browser.wait_for(".message.error").await;
        checked(browser, &format!("a11y-error-{look}")).await.into_iter().collect()
    })
    .await;
    browser.close().await;
    assert_none_found(&found);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_requests_cards_and_policy_and_a_card_lookup_meet_wcag_in_both_themes_at_both_widths() {
    // Among the mock's first 1,000 requests: a pending recovery (its policy, card and profile)
    // and the serial number of a completed enrollment's card.
    const PENDING_RECOVER: &str = "b9a27810-9b56-4041-8956-d0e25356c3af";
    const CARD_SERIAL: &str = "8A8DF9EA4C70FCC0";
    let server = MockServer::start(&built_app(), &["--requests", "1000"]);
    let browser = Browser::start().await;
    let found = found_in_every_look(&browser, async |browser, look| {
        open_loaded(browser, &format!("{}?open={PENDING_RECOVER}", server.url)).await;
        browser.wait_for(".detail .related").await;
        browser.wait_until("return document.querySelector('.detail .part-loading') === null;").await;
        let mut found: Vec<String> = checked(browser, &format!("a11y-related-{look}")).await.into_iter().collect();
        open_loaded(browser, &format!("{}?card={CARD_SERIAL}", server.url)).await;
        browser.wait_for(".cards-found table").await;
        found.extend(checked(browser, &format!("a11y-card-{look}")).await);
        found
    })
    .await;
    browser.close().await;
    assert_none_found(&found);
}

/// Names the visible controls outside the table's rows, which the keyboard
/// must reach, in `window.cmMustFocus`, and returns them in words. Of a group
/// of radio buttons, Tab reaches only the checked one (or the first).
const CONTROLS_TO_REACH: &str = concat!(
    "window.cmDescribe = element => {\
       const label = element.labels && element.labels.length ? element.labels[0].textContent : '';\
       const name = (element.getAttribute('aria-label') || label || element.textContent || element.placeholder || '')\
         .trim().replace(/\\s+/g, ' ').slice(0, 40);\
       const type = element.type ? `[type=${element.type}]` : '';\
       const classes = element.classList.length ? '.' + Array.from(element.classList).join('.') : '';\
       return `${element.localName}${type}${classes} \"${name}\"`;\
     };\
     const firstOfGroup = radio => {\
       const group = Array.from(document.querySelectorAll('input[type=radio]'))\
         .filter(other => other.name === radio.name && other.form === radio.form);\
       return (group.find(other => other.checked) || group[0]) === radio;\
     };\
     window.cmMustFocus = Array.from(document.querySelectorAll(\
         'a[href], button, input, select, textarea, summary, [tabindex]'))\
       .filter(element => !element.closest('",
    request_rows!(),
    "')\
         && !element.disabled && !element.closest('[inert]') && element.tabIndex >= 0\
         && element.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true })\
         && (element.type !== 'radio' || firstOfGroup(element)));\
     return window.cmMustFocus.map(window.cmDescribe);"
);

/// Reads where the focus is now: the focused element in words (null when
/// nothing of the page has the focus), its place among the controls to reach
/// (null when it is none of them), whether it shows an outline or a shadow,
/// and whether it is the table's scroll area or its first request's link.
///
/// A date input's calendar button is a part of the input the browser draws,
/// ring included: while it has the focus, the input does not match `:focus`
/// and no style of the page can be read for it, so it counts as showing it.
const FOCUS_NOW: &str = concat!(
    "const focused = document.activeElement;\
     if (!focused || focused === document.body || focused === document.documentElement) {\
       return { element: null, expectedAt: null, showsFocus: false, inTable: false };\
     }\
     const style = getComputedStyle(focused);\
     const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;\
     const browserDrawn = !focused.matches(':focus');\
     const at = window.cmMustFocus.indexOf(focused);\
     return {\
       element: window.cmDescribe(focused),\
       expectedAt: at < 0 ? null : at,\
       showsFocus: browserDrawn || outlined || style.boxShadow !== 'none',\
       inTable: focused.matches('.table-scroll') || focused === document.querySelector('",
    request_rows!(),
    " a[href]'),\
     };"
);

#[tokio::test(flavor = "multi_thread")]
async fn the_keyboard_alone_reaches_every_control_and_always_shows_where_the_focus_is() {
    let server = MockServer::start(&built_app(), &["--requests", "300"]);
    let browser = Browser::start().await;
    browser.resize(WindowSize::LAPTOP).await;
    open_loaded(&browser, &server.url).await;
    let to_reach: Vec<String> = serde_json::from_value(browser.evaluate(CONTROLS_TO_REACH).await).unwrap();
    assert!(to_reach.len() > 10, "too few controls found to check the keyboard with: {to_reach:?}");

    let mut reached = vec![false; to_reach.len()];
    let mut table_reached = false;
    let mut focus_unseen = Vec::new();
    for _ in 0..200 {
        browser.press(Key::Tab).await;
        let focus = browser.evaluate(FOCUS_NOW).await;
        let Some(element) = focus["element"].as_str() else { continue };
        if focus["showsFocus"] != true && !focus_unseen.iter().any(|unseen| unseen == element) {
            focus_unseen.push(element.to_owned());
        }
        if let Some(at) = focus["expectedAt"].as_u64() {
            reached[at as usize] = true;
        }
        table_reached |= focus["inTable"] == true;
        if table_reached && reached.iter().all(|&reached| reached) {
            break;
        }
    }
    browser.close().await;

    let unreached: Vec<&String> =
        to_reach.iter().zip(&reached).filter(|(_, reached)| !**reached).map(|(control, _)| control).collect();
    assert!(unreached.is_empty(), "Tab never reached: {unreached:#?}");
    assert!(table_reached, "Tab never reached the table's scroll area or its first request's link");
    assert!(focus_unseen.is_empty(), "focused without an outline or a shadow: {focus_unseen:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_detail_holds_the_keyboard_until_escape_gives_it_back_to_its_link() {
    let server = MockServer::start(&built_app(), &["--requests", "300"]);
    let browser = Browser::start().await;
    browser.resize(WindowSize::LAPTOP).await;
    open_loaded(&browser, &server.url).await;
    let script = format!(
        "const link = document.querySelector('{FIRST_REQUEST_LINK}'); link.focus(); return link.getAttribute('href');"
    );
    let opener = browser.evaluate(&script).await;
    browser.press(Key::Enter).await;
    browser.wait_for(DETAIL).await;
    let focus_in_detail = format!("return document.querySelector('{DETAIL}').contains(document.activeElement);");
    browser.wait_until(&focus_in_detail).await;

    // The browser's own modal dialog would let Tab leave for its address bar
    // (the body then holds the focus): the detail keeps it inside.
    let focus_now = "return document.activeElement.outerHTML.slice(0, 100);";
    for press in 1..=60 {
        if press <= 30 {
            browser.press(Key::Tab).await;
        } else {
            browser.press_with_shift(Key::Tab).await;
        }
        if browser.evaluate(&focus_in_detail).await != true {
            let outside = browser.evaluate(focus_now).await;
            panic!("key press {press} (Tab 30 times, then Shift+Tab 30 times) left the detail for {outside}");
        }
    }
    browser.press(Key::Escape).await;
    let closed = format!(
        "const detail = document.querySelector('{DETAIL}');\
         return detail === null || (detail.localName === 'dialog' ? !detail.open : !detail.checkVisibility());"
    );
    browser.wait_until(&closed).await;
    let focused_link = browser.evaluate("return document.activeElement.getAttribute('href');").await;
    let focused = browser.evaluate(focus_now).await;
    assert_eq!(focused_link, opener, "the focus went back to {focused}, not to the link that opened the detail");
    browser.close().await;
}
