//! Components: each renders one part of the page from plain data.

mod request_table;

pub use request_table::RequestTable;
