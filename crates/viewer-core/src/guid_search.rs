//! Finding a search word in a GUID as the table writes it (lowercase,
//! hyphenated), from the GUID's number, without keeping its text: a request's
//! own GUIDs (its id, cards, profiles) would otherwise be most of the text the
//! search index keeps, 45 bytes each with its numbers, and most of what every
//! keystroke reads.

use uuid::Uuid;

/// 0x1111…1: one in each nibble.
const NIBBLES: u64 = u64::MAX / 0xf;
/// The digits after which the text writes a hyphen, counted from its first.
const HYPHENS_AFTER: [usize; 4] = [8, 12, 16, 20];

/// A search word as it may appear in the text of GUIDs.
pub struct GuidWord {
    word: Box<[u8]>,
    /// The hex digits the word starts with, each in every nibble.
    digits: Vec<u64>,
    /// Where in a GUID's 32 digits those may start, as the top bit of each
    /// nibble, in the halves of [`in_text_order`]: not where the text puts a
    /// hyphen between two of them.
    starts: [u64; 2],
    /// Whether the word is only those digits: then the test on the number is exact.
    only_digits: bool,
}

impl GuidWord {
    /// The word `word` (lowercase) in GUIDs; `None` when it holds a character
    /// no GUID's text has, so that the search skips GUIDs for it at once.
    pub fn new(word: &str) -> Option<GuidWord> {
        let hex = |byte: u8| (byte as char).to_digit(16).filter(|_| !byte.is_ascii_uppercase());
        let bytes = word.as_bytes();
        if bytes.is_empty() || bytes.len() > 36 || !bytes.iter().all(|&byte| byte == b'-' || hex(byte).is_some()) {
            return None;
        }
        let digits: Vec<u64> =
            bytes.iter().map_while(|&byte| hex(byte)).map(|digit| NIBBLES * u64::from(digit)).collect();
        let count = digits.len();
        let hyphen_within = |first: usize| HYPHENS_AFTER.iter().any(|&after| first < after && after < first + count);
        let starts = (0..32)
            .filter(|&first| first + count <= 32 && !hyphen_within(first))
            .fold(0u128, |starts, first| starts | 8 << (4 * first));
        let starts = [starts as u64, (starts >> 64) as u64];
        Some(GuidWord { only_digits: count == bytes.len(), word: bytes.into(), digits, starts })
    }

    /// Whether the text of `guid` holds the word.
    #[cfg_attr(speed_hints, optimize(speed))]
    pub fn in_guid(&self, guid: Uuid) -> bool {
        // The digits a word starts with are in the text where each is the
        // digit that many places on, with no hyphen between them: the digits
        // move one place for each. In halves of 64 bits, which WebAssembly
        // computes in one instruction each, where 128 bits take several.
        let ([mut first_starts, mut second_starts], [mut first, mut second]) = (self.starts, in_text_order(guid));
        for &digit in &self.digits {
            if first_starts | second_starts == 0 {
                break;
            }
            first_starts &= zero_nibbles(first ^ digit);
            second_starts &= zero_nibbles(second ^ digit);
            (first, second) = (first >> 4 | second << 60, second >> 4);
        }
        let found = first_starts | second_starts != 0;
        if !found || self.only_digits {
            return found;
        }
        // 36 characters: a plain search beats building a searcher.
        let mut text = Uuid::encode_buffer();
        guid.hyphenated().encode_lower(&mut text).as_bytes().windows(self.word.len()).any(|piece| *piece == *self.word)
    }
}

/// The 32 digits of `guid` in the order its text writes them, from the lowest
/// nibble of the first half to the highest of the second: its bytes as they
/// lie, little-endian, each byte's two digits swapped. A GUID's number is
/// big-endian, and reversing bytes takes WebAssembly 22 instructions for each
/// half, against five here.
fn in_text_order(guid: Uuid) -> [u64; 2] {
    const LOW_NIBBLES: u64 = u64::MAX / 0xff * 0x0f;
    let bytes = guid_key(guid);
    [bytes as u64, (bytes >> 64) as u64].map(|half| (half & LOW_NIBBLES) << 4 | (half >> 4) & LOW_NIBBLES)
}

/// `guid` as one number that costs nothing to make: its bytes as they lie.
/// Its own number is big-endian, which WebAssembly, little-endian, reverses
/// in 44 instructions. A key to look it up by, not an order.
pub(crate) fn guid_key(guid: Uuid) -> u128 {
    u128::from_le_bytes(*guid.as_bytes())
}

/// The top bit of each nibble of `value` that is zero: exact, as no nibble's
/// sum carries into the next.
fn zero_nibbles(value: u64) -> u64 {
    let low = NIBBLES * 7;
    !(((value & low) + low) | value) & !low
}

#[cfg(test)]
mod tests {
    use super::*;

    fn random_numbers(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    #[test]
    fn a_word_is_found_in_a_guid_exactly_when_its_text_holds_it() {
        let mut random = random_numbers(0x9e37_79b9_7f4a_7c15);
        // GUIDs of few distinct nibbles, so that short words hit and miss often.
        let guids: Vec<Uuid> = (0..300)
            .map(|_| Uuid::from_u128((0..32).fold(0u128, |number, _| number << 4 | (random() % 3) as u128)))
            .chain([Uuid::nil(), Uuid::max(), Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef)])
            .collect();
        let alphabet = b"012abf-";
        let mut words: Vec<String> = (0..400)
            .map(|_| {
                let length = 1 + random() as usize % 6;
                (0..length).map(|_| alphabet[random() as usize % alphabet.len()] as char).collect()
            })
            .collect();
        // Every piece of some GUIDs' text, hyphens included.
        for guid in &guids[..20] {
            let text = guid.hyphenated().to_string();
            for start in 0..text.len() {
                words.extend((start + 1..=text.len()).map(|end| text[start..end].to_owned()));
            }
        }
        for word in &words {
            let found = GuidWord::new(word).expect("a word of hex digits and hyphens");
            for guid in &guids {
                let text = guid.hyphenated().to_string();
                assert_eq!(found.in_guid(*guid), text.contains(word.as_str()), "{word:?} in {text}");
            }
        }
    }

    #[test]
    fn a_word_with_a_character_no_guid_has_skips_guids() {
        for word in ["lost", "a9g", "A9", "2024-01-31 10:00", "", &"a".repeat(37)] {
            assert!(GuidWord::new(word).is_none(), "{word:?}");
        }
    }
}
