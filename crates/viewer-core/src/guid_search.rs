//! Finding a search word in a GUID as the table writes it (lowercase,
//! hyphenated), from the GUID's number, without keeping its text: a request's
//! own GUIDs (its id, cards, profiles) would otherwise be most of the text the
//! search index keeps, 45 bytes each with its numbers, and most of what every
//! keystroke reads.

use uuid::Uuid;

/// 0x1111…1: one in each nibble.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const NIBBLES: u64 = u64::MAX / 0xf;
/// The digits after which the text writes a hyphen, counted from its first.
const HYPHENS_AFTER: [usize; 4] = [8, 12, 16, 20];

/// A search word as it may appear in the text of GUIDs.
pub struct GuidWord {
    word: Box<[u8]>,
    /// The hex digits the word starts with, each as [`digit`] writes it.
    digits: Vec<Digit>,
    /// Where in a GUID's 32 digits those may start, as [`starts`] writes
    /// them: not where the text puts a hyphen between two of them.
    starts: Starts,
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
        let digits: Vec<Digit> = bytes.iter().map_while(|&byte| hex(byte)).map(|value| digit(value as u8)).collect();
        let count = digits.len();
        let hyphen_within = |first: usize| HYPHENS_AFTER.iter().any(|&after| first < after && after < first + count);
        let starts = starts(|first| first + count <= 32 && !hyphen_within(first));
        Some(GuidWord { only_digits: count == bytes.len(), word: bytes.into(), digits, starts })
    }

    /// Whether the text of `guid` holds the word.
    #[cfg_attr(speed_hints, optimize(speed))]
    pub fn in_guid(&self, guid: Uuid) -> bool {
        let found = holds_digits(&self.starts, &self.digits, guid);
        if !found || self.only_digits {
            return found;
        }
        // 36 characters: a plain search beats building a searcher.
        let mut text = Uuid::encode_buffer();
        guid.hyphenated().encode_lower(&mut text).as_bytes().windows(self.word.len()).any(|piece| *piece == *self.word)
    }
}

/// A hex digit's value in every nibble.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
type Digit = u64;
/// The top bit of the nibble of each place a word may start, in the halves of [`in_text_order`].
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
type Starts = [u64; 2];

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn digit(value: u8) -> Digit {
    NIBBLES * u64::from(value)
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn starts(may_start: impl Fn(usize) -> bool) -> Starts {
    let starts = (0..32).filter(|&first| may_start(first)).fold(0u128, |starts, first| starts | 8 << (4 * first));
    [starts as u64, (starts >> 64) as u64]
}

/// Whether `digits` are in the text of `guid` from one of `starts` on.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[cfg_attr(speed_hints, optimize(speed))]
fn holds_digits(starts: &Starts, digits: &[Digit], guid: Uuid) -> bool {
    // The digits a word starts with are in the text where each is the
    // digit that many places on, with no hyphen between them: the digits
    // move one place for each. In halves of 64 bits, which WebAssembly
    // computes in one instruction each, where 128 bits take several.
    let ([mut first_starts, mut second_starts], [mut first, mut second]) = (*starts, in_text_order(guid));
    for &digit in digits {
        if first_starts | second_starts == 0 {
            break;
        }
        first_starts &= zero_nibbles(first ^ digit);
        second_starts &= zero_nibbles(second ^ digit);
        (first, second) = (first >> 4 | second << 60, second >> 4);
    }
    first_starts | second_starts != 0
}

/// A hex digit's value in every lane.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
type Digit = std::arch::wasm32::v128;
/// All ones in the lane of each place a word may start: the even places
/// (a byte's first digit), then the odd ones (its second).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
type Starts = [std::arch::wasm32::v128; 2];

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn digit(value: u8) -> Digit {
    std::arch::wasm32::u8x16_splat(value)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn starts(may_start: impl Fn(usize) -> bool) -> Starts {
    let lanes = |second: usize| {
        let lane = |byte: usize| if may_start(2 * byte + second) { u8::MAX } else { 0 };
        // SAFETY: any 16 bytes are a v128.
        unsafe { std::mem::transmute::<[u8; 16], Digit>(std::array::from_fn(lane)) }
    };
    [lanes(0), lanes(1)]
}

/// [`holds_digits`] in WebAssembly, every place at once (SIMD), as a
/// keystroke looks at five GUIDs a request: a GUID's bytes as they lie are
/// its digits in text order, the first of each byte in its high nibble.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[cfg_attr(speed_hints, optimize(speed))]
fn holds_digits(starts: &Starts, digits: &[Digit], guid: Uuid) -> bool {
    use std::arch::wasm32::*;
    // SAFETY: a GUID is 16 bytes, and WebAssembly loads need no alignment.
    let bytes = unsafe { v128_load(guid.as_bytes().as_ptr().cast()) };
    let [mut even, mut odd] = *starts;
    // Lane i of each: the digit as many places on from place 2i (even) and 2i + 1 (odd).
    let (mut at_even, mut at_odd) = (u8x16_shr(bytes, 4), v128_and(bytes, u8x16_splat(0x0f)));
    for &digit in digits {
        even = v128_and(even, u8x16_eq(at_even, digit));
        odd = v128_and(odd, u8x16_eq(at_odd, digit));
        if !v128_any_true(v128_or(even, odd)) {
            return false;
        }
        // One place on: from an even place, the odd place's digit; from an odd
        // place, the next byte's first digit (none past the last, where no start is left).
        let next_byte = u8x16_shuffle::<1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16>(at_even, u8x16_splat(0));
        (at_even, at_odd) = (at_odd, next_byte);
    }
    true
}

/// The 32 digits of `guid` in the order its text writes them, from the lowest
/// nibble of the first half to the highest of the second: its bytes as they
/// lie, little-endian, each byte's two digits swapped. A GUID's number is
/// big-endian, and reversing bytes takes WebAssembly 22 instructions for each
/// half, against five here.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
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
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
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
