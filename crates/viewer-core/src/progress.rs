//! How much of a response has arrived, in words.

use std::fmt;

/// Bytes of a response body received so far, and the whole size when the
/// server said it (`Content-Length`, for a body that is not compressed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub received: u64,
    pub total: Option<u64>,
}

/// `1.2 MB of 13.0 MB (9%)`, or `1.2 MB` when the total is not known.
impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Size(self.received))?;
        match self.total {
            Some(total) if total > 0 => {
                write!(f, " of {} ({}%)", Size(total), whole_percent(self.received.min(total), total))
            }
            _ => Ok(()),
        }
    }
}

/// `part` (at most `whole`) in whole percent of `whole`, rounded down, so 100
/// only when complete. A hundred times a length a server announced may not fit
/// in 64 bits, and 128-bit division would add its code to the app: the
/// hundredfold is made by adding `part` a hundred times, counting each time the
/// sum passes `whole` and keeping only what is left over, which stays below it.
fn whole_percent(part: u64, whole: u64) -> u64 {
    let (mut percent, mut left_over) = (0, 0);
    for _ in 0..100 {
        if left_over >= whole - part {
            left_over -= whole - part;
            percent += 1;
        } else {
            left_over += part;
        }
    }
    percent
}

/// A byte count in the unit people read best: `800 bytes`, `1.2 kB`, `5.0 MB`.
pub struct Size(pub u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            bytes if bytes < 1_000 => write!(f, "{bytes} bytes"),
            bytes if bytes < 1_000_000 => write_tenths(f, bytes, 1_000, "kB"),
            bytes => write_tenths(f, bytes, 1_000_000, "MB"),
        }
    }
}

/// `bytes` in `unit`s with one decimal, rounded, in integers: float formatting
/// would add its whole machinery to the app for this one line.
fn write_tenths(f: &mut fmt::Formatter<'_>, bytes: u64, unit_bytes: u64, unit: &str) -> fmt::Result {
    let tenth = unit_bytes / 10;
    // Rounded from the remainder: adding half a tenth first could overflow.
    let tenths = bytes / tenth + u64::from(bytes % tenth >= tenth.div_ceil(2));
    write!(f, "{}.{} {unit}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_naturally() {
        assert_eq!(Progress { received: 0, total: None }.to_string(), "0 bytes");
        assert_eq!(Progress { received: 1_234, total: None }.to_string(), "1.2 kB");
        assert_eq!(Progress { received: 1_250, total: None }.to_string(), "1.3 kB", "halves round up");
        assert_eq!(Progress { received: 1_200_000, total: Some(13_000_000) }.to_string(), "1.2 MB of 13.0 MB (9%)");
        assert_eq!(Progress { received: 500, total: Some(0) }.to_string(), "500 bytes");
        assert_eq!(Progress { received: 20, total: Some(10) }.to_string(), "20 bytes of 10 bytes (100%)");
    }

    #[test]
    fn a_huge_announced_length_does_not_overflow() {
        let huge = |received| Progress { received, total: Some(u64::MAX) }.to_string();
        assert_eq!(huge(u64::MAX), "18446744073709.6 MB of 18446744073709.6 MB (100%)");
        assert!(huge(u64::MAX - 1).ends_with(" (99%)"), "{}", huge(u64::MAX - 1));
        assert!(huge(u64::MAX / 2).ends_with(" (49%)"), "{}", huge(u64::MAX / 2));
        assert!(huge(u64::MAX / 10).ends_with(" (9%)"), "rounded down: {}", huge(u64::MAX / 10));
        assert!(huge(1_000).ends_with(" (0%)"));
        assert_eq!(whole_percent(1, 3), 33);
        assert_eq!(whole_percent(2, 3), 66);
        assert_eq!(whole_percent(7, 7), 100);
        assert_eq!(whole_percent(0, 7), 0);
    }
}
