//! The CM host: shown, overridden in this browser (checked and remembered), tested, reset.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use support::{Browser, MockServer, REQUEST_ROWS, built_app, built_app_configured};

async fn set_host(browser: &Browser, host: &str) {
    let input = browser.client.find(Locator::Css(".settings input[type=url]")).await.expect("the host box");
    input.clear().await.unwrap();
    input.send_keys(host).await.unwrap();
    browser.client.find(Locator::XPath("//button[.='Use this host']")).await.unwrap().click().await.unwrap();
}

async fn test_connection(browser: &Browser) -> String {
    browser.client.find(Locator::XPath("//button[.='Test connection']")).await.unwrap().click().await.unwrap();
    browser.wait_until("const r = document.querySelector('.test-result span'); return r !== null && r.textContent !== 'Testing\u{2026}';").await;
    browser.text_of(".test-result").await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_host_can_be_checked_tested_changed_and_reset() {
    let server = MockServer::start(&built_app(), &["--requests", "20"]);
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.unwrap();
    browser.wait_for(REQUEST_ROWS).await;
    browser.client.find(Locator::Css(".settings summary")).await.unwrap().click().await.unwrap();
    let own = server.url.trim_end_matches('/');
    assert_eq!(
        browser.text_of(".host-in-use").await,
        format!("CM host in use: {own} (the server this page comes from)")
    );
    assert_eq!(test_connection(&browser).await, format!("{own} answered as a CM server that lets you read requests."));

    set_host(&browser, "javascript://alert(1)").await;
    browser.wait_until("return document.querySelector('#host-problem').textContent.length > 0;").await;
    assert!(browser.text_of("#host-problem").await.contains("only https:// and http:// addresses are allowed"));

    // Port 9 is closed: the list and the test both explain the failure, naming the new host.
    set_host(&browser, "http://127.0.0.1:9/").await;
    browser.wait_for(".message.error").await;
    assert!(
        browser.text_of(".message.error p").await.starts_with("Could not reach the CM server at http://127.0.0.1:9 ")
    );
    browser.client.goto(&server.url).await.unwrap();
    browser.wait_for(".message.error").await;
    browser.client.find(Locator::Css(".settings summary")).await.unwrap().click().await.unwrap();
    assert_eq!(
        browser.text_of(".host-in-use").await,
        "CM host in use: http://127.0.0.1:9 (set in this browser)",
        "remembered"
    );
    assert!(test_connection(&browser).await.starts_with("Could not reach the CM server at http://127.0.0.1:9"));
    browser.screenshot("settings-unreachable-host").await;

    browser.client.find(Locator::XPath("//button[.='Use the configured host']")).await.unwrap().click().await.unwrap();
    browser.wait_for(REQUEST_ROWS).await;
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_config_json_is_listed_key_by_key_and_the_rest_still_counts() {
    // An unknown key and a wrong timeout: defaults stand in, the list still loads from the page's
    // origin, and the configured auto-refresh is the default of a user who has not chosen one.
    // A key written as markup stays text.
    let app = built_app_configured(
        r#"{"timeout": 5, "timeoutSeconds": "soon", "autoRefreshMinutes": 5, "<img src=x onerror=alert(1)>": 1}"#,
    );
    let server = MockServer::start(app.path(), &["--requests", "20"]);
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.unwrap();
    browser.wait_for(REQUEST_ROWS).await;
    let problems = browser
        .evaluate("return Array.from(document.querySelectorAll('.config-problems li'), li => li.textContent);")
        .await;
    let mut problems: Vec<String> = serde_json::from_value(problems).unwrap();
    problems.sort();
    assert_eq!(
        problems,
        [
            "<img src=x onerror=alert(1)> is not a setting (ignored); the settings are cmHost, timeoutSeconds, \
             autoRefreshMinutes, autoRefreshShortestMinutes, autoRefreshAllowed, names.",
            "timeout is not a setting (ignored); the settings are cmHost, timeoutSeconds, autoRefreshMinutes, \
             autoRefreshShortestMinutes, autoRefreshAllowed, names.",
            "timeoutSeconds must be a whole number of seconds from 1 to 3600, not \u{201c}soon\u{201d}; its default is used.",
        ]
    );
    assert_eq!(browser.evaluate("return document.querySelectorAll('.config-problems img').length;").await, 0);
    browser.screenshot("config-problems").await;
    let auto_refresh = "return document.querySelector('.refresh select').value;";
    assert_eq!(browser.evaluate(auto_refresh).await, "5");
    browser.client.find(Locator::Css(".refresh select")).await.unwrap().select_by_value("0").await.unwrap();
    browser.client.refresh().await.unwrap();
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.evaluate(auto_refresh).await, "0", "the user's own choice wins over config.json's");

    // A host that cannot be used: nothing is asked, and a user can set one for this browser.
    let app = built_app_configured(r#"{"cmHost": "ftp://cm.contoso.com"}"#);
    let server = MockServer::start(app.path(), &["--requests", "20"]);
    browser.client.goto(&server.url).await.unwrap();
    browser.wait_for(".config-problems li").await;
    assert_eq!(
        browser.text_of(".config-problems li").await,
        "cmHost: \u{201c}ftp://cm.contoso.com\u{201d} cannot be used: only https:// and http:// addresses are allowed. \
         The viewer asks no server until it is fixed."
    );
    assert!(browser.text_of(".message.error p").await.starts_with("The viewer does not know which CM server to ask"));
    assert_eq!(browser.text_of(".host-in-use").await, "CM host in use: none (cmHost in config.json cannot be used)");
    assert_eq!(browser.evaluate("return document.querySelector('details.settings').open;").await, true);
    set_host(&browser, &server.url).await;
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.evaluate("return document.querySelectorAll('.config-problems li').length;").await, 1);

    // Not JSON at all: the same, said so.
    browser.client.find(Locator::Css(".settings summary")).await.unwrap().click().await.unwrap();
    browser.client.find(Locator::XPath("//button[.='Use the configured host']")).await.unwrap().click().await.unwrap();
    let config = app.path().join("config.json");
    std::fs::write(&config, "{cmHost: https://cm}").unwrap();
    // Dated later than the copy the browser holds, which the server's one-second dates might not tell apart.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options().write(true).open(&config).unwrap().set_modified(later).unwrap();
    browser.client.refresh().await.unwrap();
    browser.wait_for(".config-problems li").await;
    let problem = browser.text_of(".config-problems li").await;
    assert!(
        problem.starts_with("config.json is not valid JSON: key must be a string at line 1 column 2."),
        "{problem}"
    );
    assert!(browser.text_of(".message.error p").await.starts_with("The viewer does not know which CM server to ask"));
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_kept_in_this_browser_is_checked_when_read_and_shown_while_in_use() {
    const KEY: &str = "cm-request-viewer.cm-host";
    let server = MockServer::start(&built_app(), &["--requests", "20"]);
    let own = server.url.trim_end_matches('/');
    let other = MockServer::start(&built_app(), &["--requests", "5", "--allow-origin", own]);
    let other_host = other.url.trim_end_matches('/');
    let browser = Browser::start().await;
    browser.client.goto(&server.url).await.unwrap();
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.evaluate("return document.querySelector('.host-notice');").await, serde_json::Value::Null);
    let keep = |script: &str| format!("localStorage.setItem('{KEY}', {script}); return true;");
    let kept = format!("return localStorage.getItem('{KEY}');");

    // Edited by hand or left by another version: not used, forgotten, and said.
    for (stored, why) in [
        ("'javascript:alert(1)'", "\u{201c}javascript:alert(1)\u{201d} cannot be used: it must start with https://"),
        ("'ftp://x'", "\u{201c}ftp://x\u{201d} cannot be used: only https:// and http:// addresses are allowed."),
        ("'not a url'", "\u{201c}not a url\u{201d} cannot be used: it must start with https:// or http://."),
        ("'https://' + 'x'.repeat(5000000)", "cannot be used: at 5000008 characters, it is far longer than"),
    ] {
        assert_eq!(browser.evaluate(&keep(stored)).await, true, "{stored}");
        browser.client.refresh().await.unwrap();
        browser.wait_for(".host-notice").await;
        let notice = browser.text_of(".host-notice").await;
        assert!(
            notice.starts_with("The CM host set earlier in this browser was not used, and has been forgotten: "),
            "{notice}"
        );
        assert!(notice.contains(why), "{stored}: {notice}");
        assert!(notice.len() < 400, "a long value is quoted in part only");
        let button_shown = "return document.querySelector('.host-notice button').checkVisibility();";
        assert_eq!(browser.evaluate(button_shown).await, false, "nothing to go back from");
        browser.wait_for(REQUEST_ROWS).await;
        assert_eq!(browser.row_count().await, 22, "the configured host (this page's server) is asked");
        assert_eq!(browser.evaluate(&kept).await, serde_json::Value::Null, "{stored}: forgotten");
    }
    browser.screenshot("host-kept-ignored").await;

    // A usable host of this browser's own: in use, said above the page, with a way back.
    assert_eq!(browser.evaluate(&keep(&format!("'{other_host}/'"))).await, true);
    browser.client.refresh().await.unwrap();
    browser
        .wait_until(
            "const b = document.querySelector('.host-notice button'); return b !== null && b.checkVisibility();",
        )
        .await;
    assert_eq!(
        browser.text_of(".host-notice").await,
        format!(
            "Using the CM host {other_host}, set in this browser, instead of {own}, the server this page comes \
             from, which config.json leaves in use. Use the configured host"
        )
    );
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.row_count().await, 7, "the host set in this browser is asked");
    browser.screenshot("host-kept-in-use").await;
    browser.client.find(Locator::Css(".host-notice button")).await.unwrap().click().await.unwrap();
    browser.wait_until("return document.querySelector('.host-notice') === null;").await;
    browser.wait_until("const t = document.querySelector('table.requests'); return t !== null && t.getAttribute('aria-rowcount') === '23';").await;
    assert_eq!(browser.evaluate(&kept).await, serde_json::Value::Null, "forgotten");
    assert_eq!(
        browser.text_of(".host-in-use").await,
        format!("CM host in use: {own} (the server this page comes from)")
    );
    browser.client.refresh().await.unwrap();
    browser.wait_for(REQUEST_ROWS).await;
    assert_eq!(browser.row_count().await, 22, "still the configured host after a reload");
    assert_eq!(browser.evaluate("return document.querySelector('.host-notice');").await, serde_json::Value::Null);
    browser.close().await;
}
