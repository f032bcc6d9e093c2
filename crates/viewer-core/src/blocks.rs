//! The few shapes the parts of a page are drawn in: sentences, labelled
//! values, tables. Logic decides what a part says, as blocks; the page draws
//! every part with one function, which keeps each part's wording testable
//! here and the app's bundle small.

use crate::detail::Field;

/// One piece of a part of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A sentence.
    Text(String),
    /// The sentence that matters most in its part.
    Lead(String),
    /// A sentence that warns of something wrong.
    Warning(String),
    /// Labelled values.
    Fields(Vec<Field>),
    /// A table with a header row.
    Table { headers: &'static [&'static str], rows: Vec<Vec<String>> },
    /// Fields the viewer does not know, each with its JSON, folded away.
    Other(Vec<(String, String)>),
}
