//! Texts that many items of an answer repeat, each kept once.

use crate::SecurityDescriptor;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

/// Each distinct security descriptor once: the requests of one user and
/// template carry the same, a third of a request's bytes. Looked up by the
/// text where it lies, so a descriptor already kept costs no allocation.
#[derive(Default)]
pub struct SharedTexts {
    /// Each descriptor with the hash of its text.
    kept: HashTable<(u64, SecurityDescriptor)>,
    hasher: DefaultHashBuilder,
    /// Where the texts of the items read are unescaped: kept from item to
    /// item, as nearly every descriptor ends in escaped NUL padding.
    unescaped: String,
    /// Where a new descriptor is packed before it is kept.
    packing: String,
}

impl SharedTexts {
    /// The kept descriptor whose text is `text`, kept now if it is new.
    pub fn share(&mut self, text: &str) -> SecurityDescriptor {
        let hash = self.hasher.hash_one(text);
        if let Some((_, kept)) = self.kept.find(hash, |(kept_hash, kept)| *kept_hash == hash && kept.is(text)) {
            return kept.clone();
        }
        let kept = SecurityDescriptor::packed_in(text, &mut self.packing);
        self.kept.insert_unique(hash, (hash, kept.clone()), |&(hash, _)| hash);
        kept
    }

    /// The buffer where texts are unescaped, for reading one item.
    pub(crate) fn take_unescaped(&mut self) -> String {
        std::mem::take(&mut self.unescaped)
    }

    /// Takes back the buffer [`SharedTexts::take_unescaped`] gave.
    pub(crate) fn give_back_unescaped(&mut self, buffer: String) {
        self.unescaped = buffer;
    }

    /// How many distinct texts are kept.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_kept_once() {
        let mut texts = SharedTexts::default();
        let domain = "S-1-5-21-1-2-3-";
        let packed = format!("O:{domain}7D:(A;;RC;;;{domain}8)");
        let first = texts.share("O:BAD:(A;;RC;;;WD)");
        let again = texts.share(&String::from("O:BAD:(A;;RC;;;WD)"));
        assert!(first.same_as(&again));
        assert!(!first.same_as(&texts.share("O:SY")));
        assert!(texts.share(&packed).same_as(&texts.share(&packed.clone())));
        assert_eq!(texts.len(), 3);
    }
}
