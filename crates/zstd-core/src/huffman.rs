//! Huffman-coded literals: the tree description, the decoding table, the 1- and 4-stream decoders.

use crate::bits::{BackwardBits, Status};
use crate::error::{Error, Result};
use crate::fse::{self, Distribution};

/// The longest code Zstandard allows.
pub(crate) const MAX_BITS: u32 = 11;

/// One entry of the decoding table: the symbol of a code prefix and the code's length.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) symbol: u8,
    pub(crate) nb_bits: u8,
}

/// A Huffman decoding table: indexed by the next `max_bits` bits of the stream.
#[derive(Clone, Debug, Default)]
pub(crate) struct Table {
    pub(crate) entries: Vec<Entry>,
    pub(crate) max_bits: u32,
}

impl Table {
    /// Reads a tree description (RFC 8878 §4.2.1) from the start of `src`, replacing this table.
    /// Returns the bytes the description used.
    pub(crate) fn read_description(
        &mut self,
        src: &[u8],
        fse_table: &mut Vec<fse::Entry>,
    ) -> Result<usize> {
        let mut weights = [0u8; 256];
        let (n, used) = read_weights(src, &mut weights, fse_table)?;
        self.build(&weights[..n])?;
        Ok(used)
    }

    /// Builds the table from the weights of symbols `0..weights.len()`; the last symbol's weight
    /// is implied (it completes the sum to a power of two).
    fn build(&mut self, weights: &[u8]) -> Result<()> {
        if weights.len() > 255 {
            return Err(Error::CorruptHuffman("more than 255 weights"));
        }
        let mut total: u32 = 0;
        let mut rank = [0u32; 13];
        for &w in weights {
            if w > MAX_BITS as u8 {
                return Err(Error::CorruptHuffman(
                    "weight above the maximum code length",
                ));
            }
            if w > 0 {
                total += 1 << (w - 1);
                rank[w as usize] += 1;
            }
        }
        if total == 0 {
            return Err(Error::CorruptHuffman("all weights are zero"));
        }
        let max_bits = 32 - total.leading_zeros();
        if max_bits > MAX_BITS {
            return Err(Error::CorruptHuffman("tree deeper than 11 bits"));
        }
        let rest = (1u32 << max_bits) - total;
        if !rest.is_power_of_two() {
            return Err(Error::CorruptHuffman(
                "weights do not complete to a power of two",
            ));
        }
        let last_weight = (31 - rest.leading_zeros() + 1) as u8;
        rank[last_weight as usize] += 1;
        // A complete prefix code has an even number (at least two) of longest codes.
        if rank[1] < 2 || rank[1] % 2 != 0 {
            return Err(Error::CorruptHuffman(
                "tree without a pair of longest codes",
            ));
        }
        let size = 1usize << max_bits;
        self.entries.clear();
        self.entries.resize(size, Entry::default());
        self.max_bits = max_bits;
        // Codes are given from the lowest weight up, symbols in order within a weight; a symbol
        // of weight `w` covers `2^(w-1)` consecutive table entries.
        let mut start = [0usize; 13];
        let mut pos = 0usize;
        for w in 1..=max_bits as usize {
            start[w] = pos;
            pos += (rank[w] as usize) << (w - 1);
        }
        debug_assert_eq!(pos, size);
        let all = weights.iter().copied().chain(std::iter::once(last_weight));
        for (symbol, w) in all.enumerate() {
            if w == 0 {
                continue;
            }
            let len = 1usize << (w - 1);
            let entry = Entry {
                symbol: symbol as u8,
                nb_bits: (max_bits + 1 - u32::from(w)) as u8,
            };
            let at = start[w as usize];
            self.entries[at..at + len].fill(entry);
            start[w as usize] += len;
        }
        Ok(())
    }

    /// Decodes one stream of exactly `out.len()` symbols; the stream must be consumed exactly.
    pub(crate) fn decode_stream(&self, src: &[u8], out: &mut [u8]) -> Result<()> {
        let mut bits = BackwardBits::new(src, "Huffman stream")?;
        let max = self.max_bits;
        let table = &self.entries[..];
        let mut i = 0;
        // Fast part: 4 symbols per reload (4 x 11 bits <= 56).
        while i + 4 <= out.len() {
            if bits.reload() != Status::Unfinished {
                break;
            }
            for k in 0..4 {
                let e = table[bits.peek(max) as usize];
                bits.skip(u32::from(e.nb_bits));
                out[i + k] = e.symbol;
            }
            i += 4;
        }
        while i < out.len() {
            if bits.reload() == Status::Overflow {
                return Err(Error::CorruptHuffman("stream shorter than its symbols"));
            }
            let e = table[bits.peek(max) as usize];
            bits.skip(u32::from(e.nb_bits));
            out[i] = e.symbol;
            i += 1;
        }
        bits.reload();
        if !bits.is_complete() {
            return Err(Error::CorruptHuffman("stream not consumed exactly"));
        }
        Ok(())
    }

    /// Decodes the 4-stream form (jump table, then four streams) into `out`.
    pub(crate) fn decode_4_streams(&self, src: &[u8], out: &mut [u8]) -> Result<()> {
        if src.len() < 10 {
            return Err(Error::CorruptLiterals(
                "4-stream literals shorter than 10 bytes",
            ));
        }
        let s1 = usize::from(u16::from_le_bytes([src[0], src[1]]));
        let s2 = usize::from(u16::from_le_bytes([src[2], src[3]]));
        let s3 = usize::from(u16::from_le_bytes([src[4], src[5]]));
        let streams = &src[6..];
        if s1 + s2 + s3 + 1 > streams.len() {
            return Err(Error::CorruptLiterals("jump table points past the streams"));
        }
        let n = out.len();
        let quarter = n.div_ceil(4);
        if 3 * quarter > n {
            return Err(Error::CorruptLiterals("too few literals for 4 streams"));
        }
        let (o1, rest) = out.split_at_mut(quarter);
        let (o2, rest) = rest.split_at_mut(quarter);
        let (o3, o4) = rest.split_at_mut(quarter);
        let (b1, rest) = streams.split_at(s1);
        let (b2, rest) = rest.split_at(s2);
        let (b3, b4) = rest.split_at(s3);
        self.decode_stream(b1, o1)?;
        self.decode_stream(b2, o2)?;
        self.decode_stream(b3, o3)?;
        self.decode_stream(b4, o4)
    }
}

/// Reads the weights of a tree description into `weights`; returns how many and the bytes used.
fn read_weights(
    src: &[u8],
    weights: &mut [u8; 256],
    fse_table: &mut Vec<fse::Entry>,
) -> Result<(usize, usize)> {
    let header = *src.first().ok_or(Error::Truncated {
        what: "Huffman tree description",
    })?;
    if header >= 128 {
        // Direct: 4 bits per weight, two per byte, high nibble first.
        let n = usize::from(header) - 127;
        let bytes = n.div_ceil(2);
        let data = src.get(1..1 + bytes).ok_or(Error::Truncated {
            what: "Huffman weights",
        })?;
        for i in 0..n {
            let b = data[i / 2];
            weights[i] = if i % 2 == 0 { b >> 4 } else { b & 0xF };
        }
        return Ok((n, 1 + bytes));
    }
    // FSE-compressed: a table (accuracy log at most 6), then two interleaved states.
    let size = usize::from(header);
    let data = src.get(1..1 + size).ok_or(Error::Truncated {
        what: "Huffman weights",
    })?;
    if size == 0 {
        return Err(Error::CorruptHuffman("empty FSE-compressed weights"));
    }
    let (dist, table_len) = Distribution::read(data, 12, 6)?;
    fse::build_table(&dist, fse_table)?;
    let stream = data
        .get(table_len..)
        .filter(|s| !s.is_empty())
        .ok_or(Error::Truncated {
            what: "Huffman weights",
        })?;
    let mut bits = BackwardBits::new(stream, "Huffman weights")?;
    let log = dist.log;
    let table = &fse_table[..];
    let mut states = [bits.read(log) as usize, bits.read(log) as usize];
    let mut n = 0;
    let mut k = 0;
    // The states take turns: each yields a symbol, then reads its update; when an update reads
    // past the end of the stream, the other state yields its last symbol and decoding ends.
    loop {
        if n >= 255 {
            return Err(Error::CorruptHuffman("more than 255 weights"));
        }
        let e = table[states[k]];
        weights[n] = e.symbol;
        n += 1;
        states[k] = usize::from(e.new_state_base) + bits.read(u32::from(e.nb_bits)) as usize;
        if bits.reload() == Status::Overflow {
            if n >= 255 {
                return Err(Error::CorruptHuffman("more than 255 weights"));
            }
            weights[n] = table[states[k ^ 1]].symbol;
            return Ok((n + 1, 1 + size));
        }
        k ^= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_spec_example() {
        // Weights 4, 3, 2, 0, 1 (symbol 5's weight 1 is implied): codes 0:1, 1:01, 2:001, 4:0000,
        // 5:0001 (RFC 8878 §4.2.1.3).
        let mut t = Table::default();
        t.build(&[4, 3, 2, 0, 1]).unwrap();
        assert_eq!(t.max_bits, 4);
        let lookup = |code: usize| t.entries[code];
        assert_eq!(
            lookup(0b1000),
            Entry {
                symbol: 0,
                nb_bits: 1
            }
        );
        assert_eq!(
            lookup(0b0100),
            Entry {
                symbol: 1,
                nb_bits: 2
            }
        );
        assert_eq!(
            lookup(0b0010),
            Entry {
                symbol: 2,
                nb_bits: 3
            }
        );
        assert_eq!(
            lookup(0b0000),
            Entry {
                symbol: 4,
                nb_bits: 4
            }
        );
        assert_eq!(
            lookup(0b0001),
            Entry {
                symbol: 5,
                nb_bits: 4
            }
        );
        // The spec's stream example (bytes 0x10 0x0D, described as "0145") encodes 5 as 0000 and
        // 4 as 0001, the reverse of its own code table above and of libzstd's canonical
        // assignment (HUF_readDTableX1 fills weight-1 symbols in natural order from index 0):
        // with the table, those bytes decode to 0, 1, 5, 4. An erratum in the example, not in the
        // table; the conformance frames check the table.
        let mut out = [0u8; 4];
        t.decode_stream(&[0x10, 0x0D], &mut out).unwrap();
        assert_eq!(out, [0, 1, 5, 4]);
    }

    #[test]
    fn rejects_impossible_trees() {
        let mut t = Table::default();
        assert!(t.build(&[]).is_err());
        assert!(t.build(&[0, 0]).is_err());
        assert!(t.build(&[12]).is_err(), "weight above 11");
        assert!(
            t.build(&[2]).is_err(),
            "no weight-1 code (two 1-bit codes of weight 2)"
        );
        assert!(
            t.build(&[3, 1]).is_err(),
            "sum 5 cannot complete to a power of two with one weight"
        );
        t.build(&[2, 1, 1])
            .expect("sum 4, last weight 3: a valid tree");
        assert_eq!(t.max_bits, 3);
    }
}
