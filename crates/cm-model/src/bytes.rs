//! Byte comparisons for the loops that read every byte of an answer.

/// Whether `a` and `b` hold the same bytes, compared eight at a time: slices'
/// own comparison calls `memcmp`, which WebAssembly runs a byte at a time, and
/// a security descriptor (a third of a request's text) is compared whole.
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let ((a_words, a_rest), (b_words, b_rest)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    a.len() == b.len()
        && a_words.iter().zip(b_words).all(|(a, b)| u64::from_ne_bytes(*a) == u64::from_ne_bytes(*b))
        && a_rest.iter().zip(b_rest).all(|(a, b)| a == b)
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
}
