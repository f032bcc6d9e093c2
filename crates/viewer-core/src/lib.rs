//! The viewer's logic, without a browser.
//!
//! The Leptos components only wire signals to what is here and render the
//! result, so every rule about what a user sees is tested natively.
//!
//! - [`auto_refresh`]: when the page asks again by itself, and how it backs off.
//! - [`blocks`]: the shapes parts of the page are drawn in (sentences, fields, tables).
//! - [`columns`]: the table's columns, their headers and cell text.
//! - [`sorting`]: the sort order a user chose and the row order it gives.
//! - [`config`]: the runtime `config.json`; [`name_config`]: its `names` section.
//! - [`detail`]: one request's fields in groups, and its security descriptor in words.
//! - [`related`]: the smart cards, profiles and policy shown beside a request.
//! - [`card_lookup`]: finding a card by its serial number or GUID, and its requests.
//! - [`export`]: the rows shown as CSV or JSON.
//! - [`link`]: the whole view as the page URL's query string.
//! - [`query`]: what is asked of the CM server, and the URL it makes.
//! - [`narrowing`]: narrowing what was fetched: search, type, status, dates;
//!   [`guid_search`]: a search word in GUIDs kept as numbers.
//!   [`date_search`]: a search word in dates kept as digits.
//! - [`progress`]: how much of a response has arrived.
//! - [`store`]: the requests of one answer as they arrive, indexed for search and sorting.
//! - [`time`]: dates in the user's time zone.
//! - [`virtual_rows`]: which rows of a long table are in the page, and where keys move.
#![cfg_attr(speed_hints, feature(optimize_attribute))]

pub mod auto_refresh;
pub mod blocks;
pub mod card_lookup;
pub mod columns;
pub mod config;
pub mod date_search;
pub mod detail;
pub mod export;
pub mod guid_search;
pub mod link;
pub mod name_config;
pub mod narrowing;
pub mod progress;
pub mod query;
pub mod related;
#[cfg(test)]
mod seed_examples;
pub mod sorting;
pub mod store;
pub mod time;
pub mod virtual_rows;
