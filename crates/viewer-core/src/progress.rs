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
                write!(f, " of {} ({}%)", Size(total), (self.received.min(total) * 100) / total)
            }
            _ => Ok(()),
        }
    }
}

/// A byte count in the unit people read best.
struct Size(u64);

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
    let tenths = (bytes + tenth / 2) / tenth;
    write!(f, "{}.{} {unit}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_naturally() {
        assert_eq!(Progress { received: 0, total: None }.to_string(), "0 bytes");
        assert_eq!(Progress { received: 1_234, total: None }.to_string(), "1.2 kB");
        assert_eq!(Progress { received: 1_200_000, total: Some(13_000_000) }.to_string(), "1.2 MB of 13.0 MB (9%)");
        assert_eq!(Progress { received: 500, total: Some(0) }.to_string(), "500 bytes");
        assert_eq!(Progress { received: 20, total: Some(10) }.to_string(), "20 bytes of 10 bytes (100%)");
    }
}
