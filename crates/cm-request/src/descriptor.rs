//! A request's security descriptor, kept small.

use crate::bytes::{bytes_equal, same_bytes, strip_start};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// The SID prefix of an Active Directory domain's accounts: `S-1-5-21-`, then
/// the domain's three numbers, each followed by `-`.
const DOMAIN_SID: &str = "S-1-5-21-";
/// Stands for the domain prefix again in a packed descriptor.
const AGAIN: char = '\u{1}';
/// The first character of the kept text: how the rest is to be read.
const AS_RECEIVED: char = 'R';
const PACKED: char = 'P';

/// `SecurityDescriptor`: SDDL exactly as received, NUL padding included; see
/// cm-model's `sddl::parse_sddl`. Most of a descriptor's text is one domain's
/// SID prefix (`S-1-5-21-` and the domain's three numbers, 42 characters),
/// once for each trustee of the domain: it is kept once, each repeat stood
/// for by one character, which keeps two thirds of a descriptor's bytes out
/// of memory. Equal descriptors are kept once ([`crate::SharedTexts`]).
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct SecurityDescriptor(Arc<str>);

impl SecurityDescriptor {
    /// The descriptor whose text is `text`.
    pub fn new(text: &str) -> SecurityDescriptor {
        SecurityDescriptor::packed_in(text, &mut String::new())
    }

    /// [`SecurityDescriptor::new`], packed in `buffer` first, so that a
    /// descriptor costs one allocation, its own, when one buffer serves many.
    pub(crate) fn packed_in(text: &str, buffer: &mut String) -> SecurityDescriptor {
        // Kept as nothing, as the default is: equal texts are kept alike.
        if text.is_empty() {
            return SecurityDescriptor::default();
        }
        // The prefix's length is kept as one byte, an ASCII character; a longer
        // prefix (a hostile one) is kept as received.
        let packable = domain_prefix(text)
            .filter(|prefix| prefix.len() < 0x80 && !text.contains(AGAIN))
            .map(|prefix| (prefix, char::from(prefix.len() as u8)));
        let kept = buffer;
        kept.clear();
        kept.reserve(text.len() + 2);
        match packable {
            // The tag, the prefix's length as a character and the prefix, then
            // the text with each of its repeats as one character.
            Some((prefix, length)) => {
                kept.extend([PACKED, length]);
                kept.push_str(prefix);
                let mut from = 0;
                while let Some(found) = find_from(text, from, prefix) {
                    kept.push_str(&text[from..found]);
                    kept.push(AGAIN);
                    from = found + prefix.len();
                }
                kept.push_str(&text[from..]);
            }
            None => {
                kept.push(AS_RECEIVED);
                kept.push_str(text);
            }
        }
        SecurityDescriptor(kept.as_str().into())
    }

    /// The text as received.
    pub fn text(&self) -> Cow<'_, str> {
        match self.parts() {
            (None, text) => Cow::Borrowed(text),
            (Some(prefix), packed) => Cow::Owned(packed.replace(AGAIN, prefix)),
        }
    }

    /// Whether this descriptor's text is `text`, without writing it out.
    pub fn is(&self, text: &str) -> bool {
        let (prefix, mut packed) = match self.parts() {
            (None, kept) => return same_bytes(kept.as_bytes(), text.as_bytes()),
            (Some(prefix), packed) => (prefix.as_bytes(), packed.as_bytes()),
        };
        let mut text = text.as_bytes();
        // Eight packed bytes at a time, compared as they lie up to the first
        // repeat among them (found exactly, `bytes_equal`),
        // which is then compared as the prefix it stands for.
        while let (Some(kept), Some(given)) = (packed.first_chunk::<8>(), text.first_chunk::<8>()) {
            let (kept, given) = (u64::from_le_bytes(*kept), u64::from_le_bytes(*given));
            let repeats = bytes_equal(kept, AGAIN as u8);
            if repeats == 0 {
                if kept != given {
                    return false;
                }
                (packed, text) = (&packed[8..], &text[8..]);
                continue;
            }
            let before = (repeats.trailing_zeros() / 8) as usize;
            if (kept ^ given) & ((1 << (8 * before)) - 1) != 0 {
                return false;
            }
            match strip_start(&text[before..], prefix) {
                Some(after) => (packed, text) = (&packed[before + 1..], after),
                None => return false,
            }
        }
        // Fewer than eight bytes left of either: piece by piece.
        let mut pieces = packed.split(|&byte| byte == AGAIN as u8);
        let first = pieces.next().unwrap_or_default();
        let Some(mut rest) = strip_start(text, first) else { return false };
        for piece in pieces {
            match strip_start(rest, prefix).and_then(|rest| strip_start(rest, piece)) {
                Some(after) => rest = after,
                None => return false,
            }
        }
        rest.is_empty()
    }

    /// The domain prefix a packed descriptor stands for (`None` if it is kept
    /// as received), and the rest of the kept text.
    fn parts(&self) -> (Option<&str>, &str) {
        match self.0.as_bytes() {
            [tag, length, ..] if *tag == PACKED as u8 => {
                let (prefix, packed) = self.0[2..].split_at(usize::from(*length));
                (Some(prefix), packed)
            }
            [] => (None, ""),
            _ => (None, &self.0[1..]),
        }
    }

    /// Whether `other` is this very copy, not only an equal one.
    #[cfg(test)]
    pub(crate) fn same_as(&self, other: &SecurityDescriptor) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Where `text` next holds `sid`, a SID or its start, from `from` on: found
/// by its `S`, its only one, so that no searcher is built for each text.
fn find_from(text: &str, from: usize, sid: &str) -> Option<usize> {
    let mut at = from;
    loop {
        at += memchr::memchr(b'S', text.as_bytes().get(at..)?)?;
        if strip_start(&text.as_bytes()[at..], sid.as_bytes()).is_some() {
            return Some(at);
        }
        at += 1;
    }
}

/// The first domain SID prefix of `text`.
fn domain_prefix(text: &str) -> Option<&str> {
    let start = find_from(text, 0, DOMAIN_SID)?;
    let numbers = &text[start + DOMAIN_SID.len()..];
    let mut length = DOMAIN_SID.len();
    let mut rest = numbers;
    for _ in 0..3 {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || rest.as_bytes().get(digits) != Some(&b'-') {
            return None;
        }
        length += digits + 1;
        rest = &rest[digits + 1..];
    }
    Some(&text[start..start + length])
}

impl From<&str> for SecurityDescriptor {
    fn from(text: &str) -> SecurityDescriptor {
        SecurityDescriptor::new(text)
    }
}

impl From<String> for SecurityDescriptor {
    fn from(text: String) -> SecurityDescriptor {
        SecurityDescriptor::new(&text)
    }
}

impl fmt::Debug for SecurityDescriptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

impl Serialize for SecurityDescriptor {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for SecurityDescriptor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SecurityDescriptor, D::Error> {
        Ok(SecurityDescriptor::new(&String::deserialize(deserializer)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOMAIN: &str = "S-1-5-21-2127521184-1604012920-1887927527-";

    fn kept_bytes(descriptor: &SecurityDescriptor) -> usize {
        descriptor.0.len()
    }

    #[test]
    fn a_descriptor_gives_back_its_text_exactly() {
        let repeated = format!("O:{DOMAIN}14134865D:(D;;LC;;;{DOMAIN}1)(A;;RC;;;WD)(A;;DCSW;;;{DOMAIN}5094533)\0\0\0");
        let texts = [
            repeated.as_str(),
            "",
            "O:BAD:(A;;RC;;;WD)",
            "S-1-5-21-",
            "S-1-5-21-1-2-",
            "S-1-5-21-1-2-3-S-1-5-21-1-2-3-S-1-5-21-1-2-3",
            "S-1-5-21-1-2-3-\u{1}S-1-5-21-1-2-3-",
            "P\u{1}",
            "RS-1-5-21-1-2-3-4 S-1-5-21-1-2-3-5",
            "x S-1-5-21-1-2-3 S-1-5-21-9-8-7-6 S-1-5-21-9-8-7-5 S-1-5-21-1-2-3-4",
            "é S-1-5-21-١-2-3-4 S-1-5-21-١-2-3-4",
        ];
        for text in texts {
            let descriptor = SecurityDescriptor::new(text);
            assert_eq!(descriptor.text(), text);
            assert!(descriptor.is(text), "{text:?}");
            for other in texts.iter().filter(|other| **other != text) {
                assert!(!descriptor.is(other), "{text:?} is not {other:?}");
            }
            assert!(!descriptor.is(&format!("{text}S-1-5-21-1-2-3-")));
        }
    }

    #[test]
    fn a_descriptor_is_no_text_that_differs_from_its_own_by_a_byte_anywhere() {
        let text = format!("O:{DOMAIN}14134865D:(D;;LC;;;{DOMAIN}1)(A;;RC;;;WD)(A;;DCSW;;;{DOMAIN}5094533)\0\0\0");
        let descriptor = SecurityDescriptor::new(&text);
        assert!(descriptor.is(&text));
        for at in 0..text.len() {
            for byte in [b'0', b'1', b'S', b'-', b';', AGAIN as u8, b'\0'] {
                let mut edited = text.clone().into_bytes();
                edited[at] = byte;
                let edited = String::from_utf8(edited).unwrap();
                assert_eq!(descriptor.is(&edited), edited == text, "{byte:#x} at {at}");
            }
            assert!(!descriptor.is(&text[..at]), "cut at {at}");
            assert!(!descriptor.is(&format!("{}{}", &text[..at], &text[at + 1..])), "without {at}");
            assert!(!descriptor.is(&format!("{}{DOMAIN}{}", &text[..at], &text[at..])), "prefix again at {at}");
        }
    }

    #[test]
    fn a_prefix_too_long_to_pack_is_kept_as_received() {
        let prefix = format!("S-1-5-21-{}-2-3-", "9".repeat(120));
        let text = format!("O:{prefix}1D:(A;;RC;;;{prefix}2)");
        let descriptor = SecurityDescriptor::new(&text);
        assert_eq!(descriptor.text(), text);
        assert!(descriptor.is(&text) && !descriptor.is(&text[1..]));
        assert_eq!(kept_bytes(&descriptor), 1 + text.len());
    }

    #[test]
    fn each_repeat_of_the_domain_prefix_costs_one_byte() {
        let text = format!("O:{DOMAIN}1D:(A;;RC;;;{DOMAIN}2)(A;;RC;;;{DOMAIN}3)(A;;RC;;;{DOMAIN}4)");
        let descriptor = SecurityDescriptor::new(&text);
        assert_eq!(
            kept_bytes(&descriptor),
            2 + DOMAIN.len() + text.len() - 4 * (DOMAIN.len() - 1),
            "tag, length, prefix"
        );
        assert_eq!(descriptor.text(), text);
        assert_eq!(serde_json::to_string(&descriptor).unwrap(), serde_json::to_string(&text).unwrap());
        let read: SecurityDescriptor = serde_json::from_str(&serde_json::to_string(&text).unwrap()).unwrap();
        assert_eq!(read, descriptor);
    }
}
