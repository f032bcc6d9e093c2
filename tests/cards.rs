//! Beside a request: its smart cards, profiles, certificates and, while it
//! waits, its policy; finding a card by serial number or GUID; each part
//! failing alone; and the card secrets the viewer never asks for.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use serde_json::json;
use support::{Browser, MockServer, built_app};

/// The mock's data is the same for the same seed and count: these are among
/// its 1,000 generated requests.
const DATA: [&str; 2] = ["--requests", "1000"];
/// A completed enrollment, its new card (Active) and the card's serial number.
const COMPLETED_ENROLL: &str = "59310f0b-1cc5-43e1-83f8-d8594f904431";
const ENROLLED_CARD: &str = "77d5a31e-cc77-4200-b5bd-36ea20ed6765";
const ENROLLED_CARD_SERIAL: &str = "8A8DF9EA4C70FCC0";
/// A pending recovery, whose template's policy needs two approvals.
const PENDING_RECOVER: &str = "b9a27810-9b56-4041-8956-d0e25356c3af";
/// A completed renewal whose new card never became active; its old card's serial number.
const OUT_OF_STEP_RENEW: &str = "ddc9969e-5e03-42a8-ad2d-3c61a2b65834";
const RENEWED_CARD_SERIAL: &str = "C32627BC02CE75D8";
/// A completed request whose card (its new and old one) carries the mock's
/// comment written as markup.
const HOSTILE_CARD_REQUEST: &str = "febdae95-d360-4428-a875-236890d83f90";

/// Opens the detail of `request` and waits until every part beside it has answered.
async fn open_detail(server: &MockServer, request: &str) -> Browser {
    let browser = Browser::start().await;
    browser.open_showing_rows(&format!("{}?open={request}", server.url)).await;
    browser.wait_for(".detail .related").await;
    browser.wait_until("return document.querySelector('.detail .part-loading') === null;").await;
    browser
}

/// The text of the part of the detail titled `title`.
async fn part(browser: &Browser, title: &str) -> String {
    let script = "const part = Array.from(document.querySelectorAll('.detail section.related'))\
                  .find(part => part.querySelector('h3').textContent === arguments[0]);\
                  return part ? part.innerText : null;";
    let text = browser.evaluate_with(script, vec![json!(title)]).await;
    text.as_str().unwrap_or_else(|| panic!("no part titled {title}")).to_owned()
}

/// How often the page asked the mock server for a card secret.
async fn secret_calls(browser: &Browser) -> String {
    let count = browser.evaluate("return fetch('/mock/secret-calls').then(answer => answer.text());").await;
    count.as_str().expect("the count").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_requests_card_profile_and_certificates_show_beside_it() {
    let server = MockServer::start(&built_app(), &DATA);
    let browser = open_detail(&server, COMPLETED_ENROLL).await;
    let card = part(&browser, "New smart card").await;
    for expected in [ENROLLED_CARD_SERIAL, "Active (2)", "Smart Card User", ENROLLED_CARD, "CMSmartcardLogon", "renew"]
    {
        assert!(card.contains(expected), "the card shows {expected}:\n{card}");
    }
    assert_eq!(
        browser.evaluate("return document.querySelectorAll('.detail section.related table tbody tr').length;").await,
        4,
        "two certificates each on the card and on its profile"
    );
    let profile = part(&browser, "New profile").await;
    assert!(profile.contains("Active (2)") && profile.contains("CMEncryption"), "{profile}");
    assert_eq!(secret_calls(&browser).await, "0", "no card secret was asked for");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pending_request_says_whose_approvals_it_waits_for() {
    let server = MockServer::start(&built_app(), &DATA);
    let browser = open_detail(&server, PENDING_RECOVER).await;
    let waiting = part(&browser, "Why it waits").await;
    assert!(waiting.contains("Pending: the policy needs 2 approvals"), "{waiting}");
    assert!(waiting.contains("Who may approve\nS-1-5-21-"), "the approvers' SIDs are listed:\n{waiting}");
    // The card it recovers, acted on in place, is shown once.
    assert!(part(&browser, "Smart card").await.contains("Active (2)"));
    let out_of_step = open_detail(&server, OUT_OF_STEP_RENEW).await;
    let new_card = part(&out_of_step, "New smart card").await;
    assert!(
        new_card.contains("Out of step: the request completed, but its new smart card is still Assigned"),
        "{new_card}"
    );
    assert!(!out_of_step.evaluate("return document.body.innerText;").await.as_str().unwrap().contains("Why it waits"));
    assert_eq!(secret_calls(&browser).await, "0", "no card secret was asked for");
    out_of_step.close().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_card_found_by_its_serial_number_or_id_narrows_the_list_to_its_requests() {
    let server = MockServer::start(&built_app(), &DATA);
    let browser = Browser::start().await;
    browser.open_showing_rows(&server.url).await;
    let all = browser.row_count().await;
    let card = browser.client.find(Locator::Css("input[name=card]")).await.expect("the card box");
    card.send_keys(&format!(" {} ", RENEWED_CARD_SERIAL.to_lowercase())).await.unwrap();
    browser.client.find(Locator::XPath("//button[text()='Find card']")).await.unwrap().click().await.unwrap();
    browser.wait_until("return document.querySelector('.cards-found table') !== null;").await;
    let found = browser.text_of(".cards-found").await;
    assert!(found.contains("1 loaded request names it") && found.contains("Disabled"), "{found}");
    assert_eq!(browser.row_count().await, 1);
    assert_eq!(browser.column("Request ID").await, [OUT_OF_STEP_RENEW]);
    let search = browser.evaluate("return location.search;").await;
    assert_eq!(search, format!("?card={}", RENEWED_CARD_SERIAL.to_lowercase()), "the lookup is in the link");

    // A card named in a request's detail is a link to its lookup, by GUID.
    browser.client.goto(&format!("{}?open={COMPLETED_ENROLL}", server.url)).await.unwrap();
    browser.wait_for(".detail").await;
    browser.client.find(Locator::LinkText(ENROLLED_CARD)).await.expect("the card's link").click().await.unwrap();
    browser.wait_until("return document.querySelector('.detail') === null;").await;
    browser.wait_until(&format!("return location.search === '?card={ENROLLED_CARD}';")).await;
    browser.wait_until("return document.querySelector('.cards-found table') !== null;").await;
    assert!(browser.text_of(".cards-found").await.contains(ENROLLED_CARD_SERIAL));
    assert_eq!(browser.column("Request ID").await.len(), browser.row_count().await);
    assert!(browser.row_count().await >= 1);

    browser.client.find(Locator::XPath("//button[text()='Show all requests']")).await.unwrap().click().await.unwrap();
    browser.wait_until("return document.querySelector('.cards-found') === null;").await;
    assert_eq!(browser.row_count().await, all);
    assert_eq!(secret_calls(&browser).await, "0", "no card secret was asked for");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_of_smart_cards_alone_leaves_the_rest_of_the_detail() {
    let flags =
        [&DATA[..], &["--related-answer", "smartcards=forbidden", "--related-answer", "policies=html"]].concat();
    let server = MockServer::start(&built_app(), &flags);
    let browser = open_detail(&server, COMPLETED_ENROLL).await;
    let card = part(&browser, "New smart card").await;
    assert!(card.contains("You are not allowed to see this smart card (403)"), "{card}");
    assert!(card.contains("You are not allowed to see its certificates (403)"), "{card}");
    let profile = part(&browser, "New profile").await;
    assert!(
        profile.contains("Active (2)") && profile.contains("CMSmartcardLogon"),
        "the profile still shows:\n{profile}"
    );
    assert!(browser.text_of(".detail h2").await.contains(COMPLETED_ENROLL));

    let pending = open_detail(&server, PENDING_RECOVER).await;
    let waiting = part(&pending, "Why it waits").await;
    assert!(waiting.contains("Could not read its template's policy: the server sent an HTML page"), "{waiting}");

    // A card's GUID still finds the requests that name it, though the card itself may not be read.
    pending.client.goto(&format!("{}?card={ENROLLED_CARD}", server.url)).await.unwrap();
    pending.wait_until("return document.querySelector('.cards-found [role=alert]') !== null;").await;
    assert!(pending.text_of(".cards-found").await.contains("You are not allowed to see the card (403)"));
    pending.wait_until("return document.querySelector('table.requests').getAttribute('aria-rowcount') === '2';").await;
    assert_eq!(secret_calls(&pending).await, "0", "no card secret was asked for");
    pending.close().await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn markup_in_a_card_comment_or_in_a_card_link_is_shown_as_text() {
    let server = MockServer::start(&built_app(), &DATA);
    let browser = Browser::start().await;
    browser.record_markup().await;
    browser.open_showing_rows(&format!("{}?open={HOSTILE_CARD_REQUEST}", server.url)).await;
    browser.wait_for(".detail .related").await;
    browser.wait_until("return document.querySelector('.detail .part-loading') === null;").await;
    let title = browser.evaluate("return document.title;").await;
    let related = browser.text_of(".detail .related").await;
    assert!(
        related.contains("<img src=x onerror=\"document.title='pwned'\"> <b>urgent</b>, call back"),
        "the comment shows as the server sent it:\n{related}"
    );
    let markup = "return document.querySelectorAll('img, [onerror], .detail b, .cards-found b').length;";
    assert_eq!(browser.evaluate(markup).await, 0, "no element was made of the comment");

    // A link anyone can send: its card lookup, written as markup, is echoed as text.
    let hostile_lookup = "%3Cb%3Ex%3C%2Fb%3E%3Cimg%20src%3Dx%20onerror%3D%22document.title%3D'pwned'%22%3E";
    browser.client.goto(&format!("{}?card={hostile_lookup}", server.url)).await.unwrap();
    browser
        .wait_until("return document.querySelector('.cards-found')?.textContent.includes('onerror') === true;")
        .await;
    assert!(browser.text_of(".cards-found").await.contains("<b>x</b><img src=x onerror="));
    assert_eq!(browser.evaluate(markup).await, 0, "no element was made of the lookup");
    assert_eq!(browser.evaluate("return document.title;").await, title, "no handler of the comment ran");

    // The page writes no markup at all: the release build leaves Leptos no
    // static parts made from markup, and no setter of innerHTML (`cargo xtask release`).
    assert_eq!(browser.markup_written().await, Vec::<(String, String)>::new(), "markup written by the page");
    // The recording sees markup when some is written.
    browser.evaluate("document.createElement('div').innerHTML = '<i>seen</i>';").await;
    assert_eq!(browser.markup_written().await, [("div".to_owned(), "<i>seen</i>".to_owned())]);
    browser.close().await;
}

/// How often the page asked for anything under `/smartcards/` since it opened.
async fn smart_card_calls(browser: &Browser) -> u64 {
    let script =
        "return performance.getEntriesByType('resource').filter(entry => entry.name.includes('/smartcards/')).length;";
    browser.evaluate(script).await.as_u64().expect("a count")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_asks_nothing_again_beside_the_request_and_a_late_answer_after_closing_changes_nothing() {
    let flags = [&DATA[..], &["--related-delay-ms", "700"]].concat();
    let server = MockServer::start(&built_app(), &flags);
    let browser = Browser::start().await;
    browser.record_problems().await;
    browser.open_showing_rows(&format!("{}?open={COMPLETED_ENROLL}", server.url)).await;
    browser.wait_for(".detail .part-loading").await;
    // A refresh while the card is on its way, then another once it is in.
    let refresh =
        "Array.from(document.querySelectorAll('.refresh button')).find(b => b.textContent === 'Refresh').click();";
    browser.evaluate(refresh).await;
    browser.wait_until("return document.querySelector('.detail .part-loading') === null;").await;
    browser.evaluate(refresh).await;
    browser.wait_until("return document.querySelector('.message.loading') === null;").await;
    assert!(part(&browser, "New smart card").await.contains(ENROLLED_CARD_SERIAL));
    assert_eq!(smart_card_calls(&browser).await, 3, "the card, its certificates and operations, each asked for once");

    // Another request's parts are on their way when its detail closes.
    browser.client.goto(&format!("{}?open={PENDING_RECOVER}", server.url)).await.unwrap();
    browser.wait_for(".detail .part-loading").await;
    browser.press(fantoccini::key::Key::Escape).await;
    browser.wait_until("return document.querySelector('dialog.detail') === null;").await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(browser.evaluate("return document.querySelector('dialog.detail');").await, serde_json::Value::Null);
    assert_eq!(browser.problems().await, Vec::<String>::new());
    assert_eq!(secret_calls(&browser).await, "0", "no card secret was asked for");
    browser.close().await;
}
