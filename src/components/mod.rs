//! Components: each renders one part of the page from plain data.

mod query_form;
mod request_table;

pub use query_form::QueryForm;
pub use request_table::RequestTable;
