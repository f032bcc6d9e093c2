//! What a user prefers, remembered in this browser (localStorage).

use viewer_core::columns::{Column, columns_from_storage, columns_to_storage};
use viewer_core::config::HostOverride;

const COLUMNS_KEY: &str = "cm-request-viewer.columns";
const AUTO_REFRESH_KEY: &str = "cm-request-viewer.auto-refresh-minutes";
const HOST_KEY: &str = "cm-request-viewer.cm-host";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The columns this user chose, or all of them.
pub fn remembered_columns() -> Vec<Column> {
    let stored = storage().and_then(|storage| storage.get_item(COLUMNS_KEY).ok().flatten());
    columns_from_storage(&stored.unwrap_or_default())
}

/// Remembers the columns chosen; forgets the choice when it is the default.
pub fn remember_columns(columns: &[Column]) {
    let Some(storage) = storage() else { return };
    let _ = if columns == Column::ALL {
        storage.remove_item(COLUMNS_KEY)
    } else {
        storage.set_item(COLUMNS_KEY, &columns_to_storage(columns))
    };
}

/// Minutes between automatic refreshes, when this user chose them (0 is
/// off); what the administrator allows decides what is in force.
pub fn remembered_auto_refresh() -> Option<u32> {
    storage().and_then(|storage| storage.get_item(AUTO_REFRESH_KEY).ok().flatten()).and_then(|text| text.parse().ok())
}

/// Remembers the automatic refresh chosen.
pub fn remember_auto_refresh(minutes: u32) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(AUTO_REFRESH_KEY, &minutes.to_string());
    }
}

/// The CM host this user set in this browser, in place of the configured one,
/// checked as it is read: one that cannot be used is forgotten, and the page says why.
pub fn remembered_host() -> HostOverride {
    let stored = storage().and_then(|storage| storage.get_item(HOST_KEY).ok().flatten());
    let host = HostOverride::read(stored.as_deref());
    if host.address().is_none() {
        remember_host(None);
    }
    host
}

/// Remembers the CM host chosen, or forgets it (`None`) to use the configured one.
pub fn remember_host(host: Option<&str>) {
    let Some(storage) = storage() else { return };
    let _ = match host {
        Some(host) => storage.set_item(HOST_KEY, host),
        None => storage.remove_item(HOST_KEY),
    };
}
