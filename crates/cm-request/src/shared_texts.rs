//! Texts that many items of an answer repeat, each kept once.

use crate::SecurityDescriptor;
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;

/// Each distinct security descriptor once: the requests of one user and
/// template carry the same, a third of a request's bytes. Looked up by the
/// text where it lies, so a descriptor already kept costs no allocation.
#[derive(Default)]
pub struct SharedTexts {
    /// Each distinct descriptor, in the order first met; its place is its number.
    descriptors: Vec<SecurityDescriptor>,
    /// Each descriptor again, with its number and the hash of its text, to
    /// be found by its text without reading `descriptors` too.
    kept: HashTable<(u32, u32, SecurityDescriptor)>,
    hasher: DefaultHashBuilder,
    /// The number of the descriptor each request of the last answer held, by
    /// the request's place ([`NONE`] where unknown), and of this answer's so
    /// far: a refresh lists mostly the same requests in the same order, so the
    /// descriptor the request in the same place held is compared first, read
    /// in order, before the text is hashed and looked up in the table, which
    /// costs a wait on memory each.
    last_answer: Vec<u32>,
    this_answer: Vec<u32>,
    /// Where the texts of the items read are unescaped: kept from item to
    /// item, as nearly every descriptor ends in escaped NUL padding.
    unescaped: String,
    /// Where a new descriptor is packed before it is kept.
    packing: String,
}

/// No descriptor's number: the request in that place was read another way.
const NONE: u32 = u32::MAX;

/// The table's hash of a text whose hash has `short_hash` as its low 32 bits:
/// those bits in both halves, as the table takes its buckets from the low
/// bits and its tags from the high ones.
fn table_hash(short_hash: u32) -> u64 {
    u64::from(short_hash) << 32 | u64::from(short_hash)
}

impl SharedTexts {
    /// The kept descriptor whose text is `text`, kept now if it is new.
    pub fn share(&mut self, text: &str) -> SecurityDescriptor {
        self.kept(text).1
    }

    /// [`SharedTexts::share`] for the request at `place` in its answer.
    pub(crate) fn share_at(&mut self, text: &str, place: usize) -> SecurityDescriptor {
        let same_place = self.last_answer.get(place).and_then(|&number| self.descriptors.get(number as usize));
        let (number, descriptor) = match same_place {
            Some(kept) if kept.is(text) => (self.last_answer[place], kept.clone()),
            _ => self.kept(text),
        };
        // A request read again (its first reading failed further on) takes its place again.
        self.this_answer.resize(place, NONE);
        self.this_answer.push(number);
        descriptor
    }

    /// Makes the answer read so far the last one, for the next to be compared with.
    pub fn start_next_answer(&mut self) {
        self.last_answer = std::mem::take(&mut self.this_answer);
    }

    /// The kept descriptor whose text is `text`, and its number, kept now if it is new.
    fn kept(&mut self, text: &str) -> (u32, SecurityDescriptor) {
        // An entry keeps 32 bits of the text's hash beside the number (16 bytes
        // in all in WebAssembly); the table's hash, which it asks for again as
        // it grows, is made of those bits.
        let short_hash = self.hasher.hash_one(text) as u32;
        let hash = table_hash(short_hash);
        let same = |(kept_hash, _, kept): &(u32, u32, SecurityDescriptor)| *kept_hash == short_hash && kept.is(text);
        if let Some((_, number, kept)) = self.kept.find(hash, same) {
            return (*number, kept.clone());
        }
        let number = self.descriptors.len() as u32;
        let kept = SecurityDescriptor::packed_in(text, &mut self.packing);
        self.descriptors.push(kept.clone());
        self.kept.insert_unique(hash, (short_hash, number, kept.clone()), |&(short_hash, ..)| table_hash(short_hash));
        (number, kept)
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
        self.descriptors.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.descriptors.is_empty()
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

    #[test]
    fn each_place_of_a_refresh_is_first_compared_with_the_descriptor_there_last_time() {
        let (owner, system, users) = ("O:BAD:(A;;RC;;;WD)", "O:SY", "O:BU");
        let mut texts = SharedTexts::default();
        let first = [texts.share_at(owner, 0), texts.share_at(system, 1)];
        // A place left unknown, as a request read another way leaves it.
        texts.share_at(users, 3);
        texts.start_next_answer();
        assert!(texts.share_at(owner, 0).same_as(&first[0]), "as in the last answer");
        assert!(texts.share_at(owner, 1).same_as(&first[0]), "another descriptor than in the last answer");
        assert!(texts.share_at(system, 2).same_as(&first[1]), "a place unknown in the last answer");
        assert_eq!(texts.share_at(users, 3).text(), users);
        assert!(texts.share_at(system, 4).same_as(&first[1]), "a place the last answer did not have");
        assert_eq!(texts.len(), 3);
    }

    #[test]
    fn a_request_read_again_takes_its_place_again() {
        let mut texts = SharedTexts::default();
        for (text, place) in [("O:SY", 0), ("O:BU", 1), ("O:BA", 1), ("O:WD", 2)] {
            texts.share_at(text, place);
        }
        texts.start_next_answer();
        let places: Vec<String> =
            texts.last_answer.iter().map(|&number| texts.descriptors[number as usize].text().into()).collect();
        assert_eq!(places, ["O:SY", "O:BA", "O:WD"]);
    }
}
