//! Byte comparisons for the loops that read every byte of an answer.

/// Whether `a` and `b` hold the same bytes, compared eight at a time: slices'
/// own comparison calls `memcmp`, which WebAssembly runs a byte at a time, and
/// a security descriptor (a third of a request's text) is compared whole.
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let length = a.len();
    // The last bytes are compared as one word that may overlap the words
    // before it: a key or an escape (4 to 19 bytes) is two or three compares.
    if length >= 8 {
        let last_word = |bytes: &[u8]| u64::from_ne_bytes(bytes[length - 8..].try_into().unwrap_or_default());
        let (a_words, b_words) = (a.as_chunks::<8>().0, b.as_chunks::<8>().0);
        last_word(a) == last_word(b)
            && a_words.iter().zip(b_words).all(|(a, b)| u64::from_ne_bytes(*a) == u64::from_ne_bytes(*b))
    } else if length >= 4 {
        let half = |bytes: &[u8], at: usize| u32::from_ne_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
        half(a, 0) == half(b, 0) && half(a, length - 4) == half(b, length - 4)
    } else {
        a.iter().zip(b).all(|(a, b)| a == b)
    }
}

/// One in each byte of a word: times a byte, that byte in each.
pub(crate) const ONES: u64 = u64::MAX / 0xff;

/// The top bit of each byte of `word` below `bound` (at most 0x80), which
/// finds the first such byte exactly: a later byte may be marked by the
/// borrow of one below it (the classic test, eight bytes at a time).
pub(crate) fn bytes_below(word: u64, bound: u8) -> u64 {
    word.wrapping_sub(ONES * u64::from(bound)) & !word & (ONES * 0x80)
}

/// The top bit of each byte of `word` that is `byte`, as [`bytes_below`] marks them.
pub(crate) fn bytes_equal(word: u64, byte: u8) -> u64 {
    bytes_below(word ^ (ONES * u64::from(byte)), 1)
}

/// `text` without `start`, if it starts with it.
pub(crate) fn strip_start<'t>(text: &'t [u8], start: &[u8]) -> Option<&'t [u8]> {
    let (head, rest) = text.split_at_checked(start.len())?;
    same_bytes(head, start).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_the_same_only_when_every_one_is() {
        let text = b"O:S-1-5-21-2127521184-1604012920-1887927527-1008864D:(A;;RC;;;WD)";
        for length in 0..text.len() {
            assert!(same_bytes(&text[..length], &text[..length]));
            assert!(!same_bytes(&text[..length], &text[..length + 1]));
            for at in 0..length {
                let mut other = text[..length].to_vec();
                other[at] ^= 0x20;
                assert!(!same_bytes(&text[..length], &other), "{length} {at}");
            }
        }
        assert_eq!(strip_start(b"S-1-5-21-1", b"S-1-5-21-"), Some(&b"1"[..]));
        assert_eq!(strip_start(b"S-1-5-21", b"S-1-5-21-"), None);
        assert_eq!(strip_start(b"S-1-5-22-1", b"S-1-5-21-"), None);
    }

    #[test]
    fn the_first_byte_below_a_bound_or_equal_to_a_byte_is_marked_exactly() {
        let first_marked = |marks: u64| (marks != 0).then(|| marks.trailing_zeros() as usize / 8);
        for at in 0..8 {
            for byte in 0..=u8::MAX {
                // With a second hit last, whose mark a borrow may blur, or none.
                for last in [b'a', 0x00, b'"'] {
                    let mut bytes = [b'a'; 8];
                    bytes[7] = last;
                    bytes[at] = byte;
                    let word = u64::from_le_bytes(bytes);
                    let first = |hit: fn(u8) -> bool| bytes.iter().position(|&byte| hit(byte));
                    assert_eq!(first_marked(bytes_below(word, 0x20)), first(|byte| byte < 0x20), "{bytes:?}");
                    assert_eq!(first_marked(bytes_equal(word, b'"')), first(|byte| byte == b'"'), "{bytes:?}");
                }
            }
        }
    }
}
