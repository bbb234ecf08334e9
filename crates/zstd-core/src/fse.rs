//! FSE (tANS) tables: reading a table description, building a decoding table.

use crate::bits::ForwardBits;
use crate::error::{Error, Result};

/// The most symbols any Zstandard FSE table has (match length codes 0..=52, rounded up).
pub(crate) const MAX_SYMBOLS: usize = 64;

/// The largest accuracy log of any Zstandard FSE table (Huffman weights 6, sequences 9).
pub(crate) const MAX_LOG: u32 = 9;

/// A normalized distribution: the probability of each symbol on a scale of `1 << log`;
/// `-1` means "less than one".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Distribution {
    pub(crate) counts: [i16; MAX_SYMBOLS],
    /// Symbols `0..symbols` are described.
    pub(crate) symbols: usize,
    pub(crate) log: u32,
}

impl Distribution {
    /// A predefined distribution.
    pub(crate) fn from_counts(counts: &[i16], log: u32) -> Self {
        let mut c = [0i16; MAX_SYMBOLS];
        c[..counts.len()].copy_from_slice(counts);
        Self {
            counts: c,
            symbols: counts.len(),
            log,
        }
    }

    /// Reads a table description (RFC 8878 §4.1.1) for symbols `0..=max_symbol` with an accuracy
    /// log of at most `max_log`. Returns the distribution and the bytes it used.
    pub(crate) fn read(src: &[u8], max_symbol: usize, max_log: u32) -> Result<(Self, usize)> {
        if src.is_empty() {
            return Err(Error::Truncated {
                what: "FSE table description",
            });
        }
        let mut bits = ForwardBits::new(src);
        let log = bits.read(4) + 5;
        if log > max_log {
            return Err(Error::CorruptFse("table accuracy log too large"));
        }
        let mut counts = [0i16; MAX_SYMBOLS];
        // Probability points left to distribute, plus one; the values 0..=remaining fit in
        // `nb_bits`, `threshold` being the largest power of two not above `remaining` (kept
        // as `remaining` falls, not recomputed).
        let mut remaining: i32 = (1 << log) + 1;
        let mut threshold: i32 = 1 << log;
        let mut nb_bits = log + 1;
        let mut symbol = 0usize;
        while remaining > 1 {
            if symbol > max_symbol {
                return Err(Error::CorruptFse("table describes too many symbols"));
            }
            // The smallest values need one bit less. `threshold <= 512`, so the low 32 bits
            // hold every bit read here.
            let window = bits.peek64() as i32;
            let max = 2 * threshold - 1 - remaining;
            let low = window & (threshold - 1);
            let value = if low < max {
                bits.skip(nb_bits - 1);
                low
            } else {
                let mut v = window & (2 * threshold - 1);
                if v >= threshold {
                    v -= max;
                }
                bits.skip(nb_bits);
                v
            };
            let proba = value - 1;
            remaining -= proba.abs();
            counts[symbol] = proba as i16;
            symbol += 1;
            if proba == 0 {
                // Runs of zero probabilities: 2-bit repeat flags, 3 meaning "and more".
                loop {
                    let repeat = bits.read(2) as usize;
                    if symbol + repeat > max_symbol + 1 {
                        return Err(Error::CorruptFse("zero run passes the last symbol"));
                    }
                    symbol += repeat;
                    if repeat != 3 {
                        break;
                    }
                }
            }
            if bits.bit_pos() > src.len() * 8 {
                return Err(Error::Truncated {
                    what: "FSE table description",
                });
            }
            // `remaining >= 1` (a value is at most `remaining`), so this ends.
            while remaining < threshold {
                threshold >>= 1;
                nb_bits -= 1;
            }
        }
        if remaining != 1 {
            return Err(Error::CorruptFse(
                "probabilities do not add up to the table size",
            ));
        }
        let used = bits.bit_pos().div_ceil(8);
        if used > src.len() {
            return Err(Error::Truncated {
                what: "FSE table description",
            });
        }
        Ok((
            Self {
                counts,
                symbols: symbol,
                log,
            },
            used,
        ))
    }
}

/// One state of a decoding table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) symbol: u8,
    pub(crate) nb_bits: u8,
    /// The next state is `new_state_base + read(nb_bits)`.
    pub(crate) new_state_base: u16,
}

/// Spreads a distribution's symbols over the `1 << log` cells of its table (RFC 8878
/// §4.1.1.1), the layout both the decoding and the encoding table are built on: "less than one"
/// symbols take single cells from the end, the others are stepped through the rest. Returns
/// whether the distribution filled the table exactly.
pub(crate) fn spread(dist: &Distribution, cells: &mut [u8]) -> bool {
    let size = cells.len();
    let mut high = size - 1;
    let counts = &dist.counts[..dist.symbols];
    for (s, &c) in counts.iter().enumerate() {
        if c == -1 {
            cells[high] = s as u8;
            high = high.wrapping_sub(1);
        }
    }
    let step = (size >> 1) + (size >> 3) + 3;
    let mask = size - 1;
    let mut pos = 0usize;
    for (s, &c) in counts.iter().enumerate() {
        for _ in 0..c.max(0) {
            cells[pos] = s as u8;
            loop {
                pos = (pos + step) & mask;
                if pos <= high || high == usize::MAX {
                    break;
                }
            }
        }
    }
    pos == 0
}

/// Builds the decoding table of a distribution (RFC 8878 §4.1.1.1) into `table` (resized to
/// `1 << log` entries).
pub(crate) fn build_table(dist: &Distribution, table: &mut Vec<Entry>) -> Result<()> {
    let size = 1usize << dist.log;
    let mut cells = [0u8; 1 << MAX_LOG];
    let cells = &mut cells[..size];
    if !spread(dist, cells) {
        return Err(Error::CorruptFse("distribution does not fill the table"));
    }
    let mut next = [0u16; MAX_SYMBOLS];
    for (s, &c) in dist.counts[..dist.symbols].iter().enumerate() {
        next[s] = if c == -1 { 1 } else { c.max(0) as u16 };
    }
    table.clear();
    table.extend(cells.iter().map(|&symbol| {
        let s = usize::from(symbol);
        let n = next[s];
        next[s] += 1;
        let nb_bits = dist.log - (15 - n.leading_zeros());
        Entry {
            symbol,
            nb_bits: nb_bits as u8,
            new_state_base: ((u32::from(n) << nb_bits) - size as u32) as u16,
        }
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_descriptions() {
        // Accuracy log 5 + 15 = 20 > 9.
        assert!(Distribution::read(&[0x0F, 0, 0, 0], 35, 9).is_err());
        assert!(Distribution::read(&[], 35, 9).is_err());
    }

    #[test]
    fn builds_every_cell_with_the_counted_symbols() {
        let d = Distribution::from_counts(&[16, 15, -1], 5);
        let mut t = Vec::new();
        build_table(&d, &mut t).unwrap();
        assert_eq!(t.len(), 32);
        assert_eq!(t.iter().filter(|e| e.symbol == 0).count(), 16);
        assert_eq!(t.iter().filter(|e| e.symbol == 1).count(), 15);
        assert_eq!(
            t[31].symbol, 2,
            "a less-than-one symbol takes the last cell"
        );
        assert_eq!(t[31].nb_bits, 5, "and reads a full state");
    }
}
