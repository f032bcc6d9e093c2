//! Texts that many items of an answer repeat, each kept once.

use hashbrown::HashSet;
use std::sync::Arc;

/// Each distinct text once: the requests of one user and template carry the
/// same security descriptor, a third of a request's bytes. Looked up by the
/// text where it lies, so a text already kept costs no allocation.
#[derive(Clone, Default)]
pub struct SharedTexts(HashSet<Arc<str>>);

impl SharedTexts {
    /// The kept copy of `text`, kept now if it is new.
    #[cfg_attr(speed_hints, optimize(speed))]
    pub fn share(&mut self, text: &str) -> Arc<str> {
        if let Some(kept) = self.0.get(text) {
            return kept.clone();
        }
        let kept: Arc<str> = Arc::from(text);
        self.0.insert(kept.clone());
        kept
    }

    /// How many distinct texts are kept.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_kept_once() {
        let mut texts = SharedTexts::default();
        let first = texts.share("O:BAD:(A;;RC;;;WD)");
        let again = texts.share(&String::from("O:BAD:(A;;RC;;;WD)"));
        assert!(Arc::ptr_eq(&first, &again));
        assert!(!Arc::ptr_eq(&first, &texts.share("O:SY")));
        assert_eq!(texts.len(), 2);
    }
}
