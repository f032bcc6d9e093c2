//! Finding a search word in a GUID as the table writes it (lowercase,
//! hyphenated), from the GUID's number, without keeping its text: a request's
//! own GUIDs (its id, cards, profiles) would otherwise be most of the text the
//! search index keeps, 45 bytes each with its numbers, and most of what every
//! keystroke reads.

use uuid::Uuid;

/// 0x1111…1: one in each nibble.
const NIBBLES: u128 = u128::MAX / 0xf;
/// 0x0001…0001: one in each 16-bit lane.
const LANES: u128 = u128::MAX / 0xffff;

/// A search word as it may appear in the text of GUIDs.
pub struct GuidWord {
    word: Box<[u8]>,
    hint: Hint,
}

/// What a GUID's number must hold for the word to be in its text, checked on
/// the number before any text is written: it rules out most GUIDs at once.
enum Hint {
    /// A word of one hex digit: in the text exactly when a nibble is the digit.
    Digit(u128),
    /// A word starting with two to four hex digits: they are the top nibbles
    /// of a 16-bit lane of the number shifted by 0 to 3 nibbles (the value in
    /// each lane, and which of its bits count).
    Start { digits: u128, counted: u128 },
    /// A word starting with a hyphen, or a digit then a hyphen.
    None,
}

impl GuidWord {
    /// The word `word` (lowercase) in GUIDs; `None` when it holds a character
    /// no GUID's text has, so that the search skips GUIDs for it at once.
    pub fn new(word: &str) -> Option<GuidWord> {
        let hex = |byte: u8| (byte as char).to_digit(16).filter(|_| !byte.is_ascii_uppercase()).map(u128::from);
        let bytes = word.as_bytes();
        if bytes.is_empty() || bytes.len() > 36 || !bytes.iter().all(|&byte| byte == b'-' || hex(byte).is_some()) {
            return None;
        }
        let leading = bytes.iter().take(4).map_while(|&byte| hex(byte));
        let (count, start) = leading.fold((0, 0), |(count, start), digit| (count + 1, start << 4 | digit));
        let hint = match count {
            1 if bytes.len() == 1 => Hint::Digit(NIBBLES * start),
            0 | 1 => Hint::None,
            _ => {
                let unused = 4 * (4 - count);
                Hint::Start { digits: LANES * (start << unused), counted: LANES * (0xffff >> unused << unused) }
            }
        };
        Some(GuidWord { word: bytes.into(), hint })
    }

    /// Whether the text of `guid` holds the word.
    pub fn in_guid(&self, guid: Uuid) -> bool {
        let number = guid.as_u128();
        match self.hint {
            // Exact: every nibble is a character of the text, and hyphens are not digits.
            Hint::Digit(digits) => return has_zero_nibble(number ^ digits),
            // The text's first character is the number's top nibble: a shift by
            // 0 to 3 nibbles brings the word's start to the top of a lane.
            Hint::Start { digits, counted }
                if [0, 4, 8, 12].iter().all(|&shift| !has_zero_lane(((number << shift) ^ digits) & counted)) =>
            {
                return false;
            }
            _ => {}
        }
        // 36 characters: a plain search beats building a searcher.
        let mut text = Uuid::encode_buffer();
        guid.hyphenated().encode_lower(&mut text).as_bytes().windows(self.word.len()).any(|piece| *piece == *self.word)
    }
}

/// Whether a nibble of `value` is zero: the classic test for a zero byte, a nibble wide.
fn has_zero_nibble(value: u128) -> bool {
    value.wrapping_sub(NIBBLES) & !value & (NIBBLES << 3) != 0
}

/// Whether a 16-bit lane of `value` is zero.
fn has_zero_lane(value: u128) -> bool {
    value.wrapping_sub(LANES) & !value & (LANES << 15) != 0
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
