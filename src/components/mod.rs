//! Components: each renders one part of the page from plain data.

mod card_lookup;
mod column_chooser;
mod config_problems;
pub mod icon;
mod menu;
mod narrowing_panel;
mod query_form;
mod refresh_controls;
mod refresh_status;
mod related;
mod request_detail;
mod request_table;
mod settings_panel;
mod status_chart;

pub use card_lookup::{CardLookupForm, CardsFound, FoundCards, find_cards};
pub use column_chooser::ColumnChooser;
pub use config_problems::ConfigProblems;
pub use menu::menus_close_like_menus;
pub use narrowing_panel::NarrowingPanel;
pub use query_form::QueryForm;
pub use refresh_controls::RefreshControls;
pub use refresh_status::{FailedRefresh, UpdatedAt};
pub use request_detail::RequestDetail;
pub use request_table::RequestTable;
pub use settings_panel::{HostNotice, SettingsPanel};
pub use status_chart::StatusChart;
