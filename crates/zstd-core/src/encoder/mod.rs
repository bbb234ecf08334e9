//! The encoder, first stage: frames of compressed blocks from a greedy hash-table match finder
//! (libzstd's `fast` strategy), literals raw or RLE, sequences coded with the predefined FSE
//! tables, raw and RLE blocks where they are smaller.
//!
//! Still to come (the encoder issue): Huffman literals, FSE tables fitted to each block, the
//! `dfast`/`greedy`/`lazy`/`lazy2` strategies and libzstd's per-level parameters, streaming
//! and the `perfzstd` tool. Until then every level uses this strategy with the level's window.

use xxhash_rust::xxh64::xxh64;

mod entropy;
mod huffman;

use crate::fse::{self, Distribution};
use crate::sequences::{Kind, LL_CODES, ML_CODES};
use entropy::{BitWriter, CTable};
use huffman::HufTable;

/// The largest block content (128 KiB).
const BLOCK_MAX: usize = crate::frame::MAX_BLOCK_SIZE;

/// One sequence: literals, then a match.
#[derive(Clone, Copy, Debug)]
struct Sequence {
    lit_len: u32,
    /// The offset value as coded: 1-3 repeat offsets, offset + 3 otherwise.
    offset_value: u32,
    match_len: u32,
}

/// The code of `value` in a (baseline, bits) table: the last baseline not above it.
fn code_of(table: &[(u32, u8)], value: u32) -> (u8, u32, u8) {
    let code = table.partition_point(|&(base, _)| base <= value) - 1;
    let (base, bits) = table[code];
    (code as u8, value - base, bits)
}

/// Encoding parameters of a level.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Params {
    pub(crate) window_log: u32,
    pub(crate) hash_log: u32,
    /// Bytes hashed to find a candidate (4 to 8).
    pub(crate) min_match: u32,
    /// Positions skipped grow by one every `1 << step_log` bytes without a match.
    pub(crate) step_log: u32,
}

impl Params {
    /// The parameters of `level` (0 is the default, 3).
    pub(crate) fn for_level(level: i32, src_len: usize) -> Params {
        let level = if level == 0 { 3 } else { level };
        let window_log = match level {
            ..=1 => 19,
            2 => 20,
            3..=8 => 21,
            9..=16 => 22,
            17 => 23,
            18 => 23,
            19 => 24,
            20 => 25,
            21 => 26,
            _ => 27,
        };
        // No larger window than the input needs.
        let need = (usize::BITS - src_len.max(1).leading_zeros()).max(10);
        Params {
            window_log: window_log.min(need),
            hash_log: if level <= 1 { 14 } else { 16 },
            min_match: if level <= 1 { 6 } else { 5 },
            // Negative levels skip faster (libzstd's acceleration).
            step_log: if level < 0 {
                6u32.saturating_sub(level.unsigned_abs().min(6))
            } else {
                6
            },
        }
    }
}

/// A compression context: the match finder's table, reused across frames.
#[derive(Debug)]
pub(crate) struct Encoder {
    params: Params,
    table: Vec<u32>,
    seqs: Vec<Sequence>,
    literals: Vec<u8>,
    /// Each sequence's codes and extra bits: literal length, offset, match length.
    codes: Vec<[(u8, u32, u8); 3]>,
    /// The predefined literal-length, offset and match-length tables.
    predefined: [SeqTable; 3],
    entropy: Entropy,
    pub(crate) checksum: bool,
}

impl Encoder {
    pub(crate) fn new(params: Params) -> Encoder {
        Encoder {
            params,
            table: Vec::new(),
            seqs: Vec::new(),
            literals: Vec::new(),
            codes: Vec::new(),
            predefined: [Kind::LiteralLength, Kind::Offset, Kind::MatchLength]
                .map(|k| SeqTable::new(&k.predefined())),
            entropy: Entropy::default(),
            checksum: false,
        }
    }

    /// Appends one frame holding `src` to `out`.
    pub(crate) fn compress_frame(&mut self, src: &[u8], out: &mut Vec<u8>) {
        let p = self.params;
        let window = 1usize << p.window_log;
        self.write_header(src.len(), out);
        self.table.clear();
        self.table.resize(1 << p.hash_log, u32::MAX);
        self.entropy = Entropy::default();
        // The decoder's first repeat offset.
        let mut rep0 = 1u32;
        let mut start = 0;
        loop {
            let end = (start + BLOCK_MAX).min(src.len());
            let last = end == src.len();
            self.compress_block(src, start, end, window, &mut rep0, last, out);
            start = end;
            if last {
                break;
            }
        }
        if self.checksum {
            out.extend_from_slice(&(xxh64(src, 0) as u32).to_le_bytes());
        }
    }

    fn write_header(&self, len: usize, out: &mut Vec<u8>) {
        out.extend_from_slice(&crate::frame::MAGIC.to_le_bytes());
        let single_segment = len <= 1 << self.params.window_log;
        let len64 = len as u64;
        // A 1-byte size exists only in single-segment frames; sizes from 256 take 2 bytes
        // (minus 256), then 4, then 8.
        let (fcs_flag, fcs_bytes) = if len64 <= 255 && single_segment {
            (0u8, 1)
        } else if len64 <= 65_791 {
            (1, 2)
        } else if len64 <= 0xFFFF_FFFF {
            (2, 4)
        } else {
            (3, 8)
        };
        let descriptor =
            (fcs_flag << 6) | (u8::from(single_segment) << 5) | (u8::from(self.checksum) << 2);
        out.push(descriptor);
        if !single_segment {
            out.push(((self.params.window_log - 10) << 3) as u8);
        }
        let fcs = if fcs_bytes == 2 { len64 - 256 } else { len64 };
        out.extend_from_slice(&fcs.to_le_bytes()[..fcs_bytes]);
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one block's inputs; a struct would only rename them"
    )]
    fn compress_block(
        &mut self,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        rep0: &mut u32,
        last: bool,
        out: &mut Vec<u8>,
    ) {
        let block = &src[start..end];
        let header = |kind: u32, size: usize| -> [u8; 3] {
            let v = u32::from(last) | (kind << 1) | ((size as u32) << 3);
            [v as u8, (v >> 8) as u8, (v >> 16) as u8]
        };
        if !block.is_empty() && block.iter().all(|&b| b == block[0]) && block.len() > 1 {
            out.extend_from_slice(&header(1, block.len()));
            out.push(block[0]);
            // The match finder did not see these bytes; later matches just find less.
            return;
        }
        let saved_rep = *rep0;
        self.find_sequences(src, start, end, window, rep0);
        let body_start = out.len() + 3;
        out.extend_from_slice(&[0; 3]);
        let huffman = self.write_literals(out);
        let seq_tables = self.write_sequences(out);
        let size = out.len() - body_start;
        if size >= block.len() {
            // Not worth it: a raw block, and the decoder's repeat offsets stay as they were.
            *rep0 = saved_rep;
            out.truncate(body_start - 3);
            out.extend_from_slice(&header(0, block.len()));
            out.extend_from_slice(block);
        } else {
            out[body_start - 3..body_start].copy_from_slice(&header(2, size));
            // The decoder now holds this block's tables.
            if huffman.is_some() {
                self.entropy.huffman = huffman;
            }
            for (kept, new) in self.entropy.seq.iter_mut().zip(seq_tables) {
                if new.is_some() {
                    *kept = new;
                }
            }
        }
    }

    /// Greedy matching over `src[start..end]`, with everything before `start` (within the
    /// window) as history.
    fn find_sequences(
        &mut self,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        rep0: &mut u32,
    ) {
        let p = self.params;
        self.seqs.clear();
        self.literals.clear();
        let mut anchor = start;
        let mut ip = start;
        // Hashing reads 8 bytes; a match needs 4 inside the block.
        let limit = end.saturating_sub(8).min(src.len().saturating_sub(8));
        while ip < limit {
            // The last offset again, one byte on (the `fast` strategy's repeat check).
            let rep = *rep0 as usize;
            if ip > anchor && rep <= ip && src[ip..ip + 4] == src[ip - rep..ip - rep + 4] {
                let len = zstd_simd::match_length(src, ip - rep, ip, end - ip);
                self.push_seq(src, anchor, ip, 1, len);
                ip += len;
                anchor = ip;
                continue;
            }
            let h = zstd_simd::hash_at(src, ip, p.min_match, p.hash_log) as usize;
            let cand = self.table[h] as usize;
            self.table[h] = ip as u32;
            if cand < ip && ip - cand <= window && src[cand..cand + 4] == src[ip..ip + 4] {
                let mut len = zstd_simd::match_length(src, cand, ip, end - ip);
                let (mut m, mut c) = (ip, cand);
                // Extend backwards over literals.
                while m > anchor && c > 0 && src[m - 1] == src[c - 1] {
                    m -= 1;
                    c -= 1;
                    len += 1;
                }
                let offset = (m - c) as u32;
                self.push_seq(src, anchor, m, offset + 3, len);
                *rep0 = offset;
                // Index a position inside the match so the next search can land there.
                if m + len >= 2 && m + len - 2 > ip && m + len - 2 + 8 <= src.len() {
                    let q = m + len - 2;
                    self.table[zstd_simd::hash_at(src, q, p.min_match, p.hash_log) as usize] =
                        q as u32;
                }
                ip = m + len;
                anchor = ip;
                continue;
            }
            ip += 1 + ((ip - anchor) >> p.step_log);
        }
        self.literals.extend_from_slice(&src[anchor..end]);
    }

    fn push_seq(&mut self, src: &[u8], anchor: usize, at: usize, offset_value: u32, len: usize) {
        self.literals.extend_from_slice(&src[anchor..at]);
        self.seqs.push(Sequence {
            lit_len: (at - anchor) as u32,
            offset_value,
            match_len: len as u32,
        });
    }

    /// Writes the literals section; returns the Huffman table when it wrote a new one.
    fn write_literals(&self, out: &mut Vec<u8>) -> Option<HufTable> {
        let lits = &self.literals;
        let n = lits.len();
        let raw_header = if n < 32 {
            1
        } else if n < 4096 {
            2
        } else {
            3
        };
        let rle = n > 1 && lits.iter().all(|&b| b == lits[0]);
        // Huffman coding pays only above a few dozen literals (a handful with a table to reuse).
        let min_huffman = if self.entropy.huffman.is_some() {
            6
        } else {
            63
        };
        if !rle && n >= min_huffman {
            let mark = out.len();
            if let Some(table) = self.write_huffman_literals(out) {
                // Worth it only when it saves more than the decoding time it costs.
                let min_gain = (n >> 6) + 2;
                if out.len() - mark + min_gain < n + raw_header {
                    return table;
                }
                out.truncate(mark);
            }
        }
        let kind = u32::from(rle);
        match raw_header {
            1 => out.push((kind | ((n as u32) << 3)) as u8),
            2 => {
                let v = kind | (1 << 2) | ((n as u32) << 4);
                out.extend_from_slice(&(v as u16).to_le_bytes());
            }
            _ => {
                let v = kind | (3 << 2) | ((n as u32) << 4);
                out.extend_from_slice(&v.to_le_bytes()[..3]);
            }
        }
        if rle {
            out.push(lits[0]);
        } else {
            out.extend_from_slice(lits);
        }
        None
    }

    /// Writes Huffman-coded literals with a new table or the previous block's, whichever is
    /// estimated smaller; returns `None` when neither can code them, `Some(new table)`
    /// otherwise (`Some(None)` when the previous table was reused).
    fn write_huffman_literals(&self, out: &mut Vec<u8>) -> Option<Option<HufTable>> {
        let lits = &self.literals[..];
        let n = lits.len();
        let (counts, _, max_count) = zstd_simd::literal_histogram(lits);
        if max_count as usize == n {
            return None;
        }
        let fresh = HufTable::build(&counts, MAX_HUFFMAN_BITS)?;
        let mut desc = Vec::with_capacity(130);
        let described = fresh.describe(&mut desc);
        let fresh_cost = described.then(|| desc.len() + fresh.estimate_bytes(&counts));
        let reuse_cost = self
            .entropy
            .huffman
            .as_ref()
            .filter(|t| t.covers(&counts))
            .map(|t| t.estimate_bytes(&counts));
        let (table, kind, new) = match (fresh_cost, reuse_cost) {
            (Some(f), Some(r)) if r <= f => (self.entropy.huffman.as_ref()?, 3u32, false),
            (None, Some(_)) => (self.entropy.huffman.as_ref()?, 3, false),
            (Some(_), _) => (&fresh, 2, true),
            (None, None) => return None,
        };
        let mut body = if new { desc } else { Vec::new() };
        let prefix = body.len();
        // One stream needs 10-bit sizes; four streams cost a 6-byte jump table.
        let single = (n <= 1023).then(|| table.encode_stream(lits, body.clone()));
        let four = (n >= 6).then(|| table.encode_4_streams(lits, std::mem::take(&mut body)));
        let (body, is_single) = match (single, four) {
            (Some(s), Some(f)) if s.len() <= f.len() && s.len() <= 1023 => (s, true),
            (Some(s), None) if s.len() <= 1023 => (s, true),
            (_, Some(f)) => (f, false),
            _ => return None,
        };
        debug_assert!(body.len() > prefix);
        let comp = body.len();
        let (format, size_bits, header_bytes) = if is_single {
            (0u64, 10, 3)
        } else if n.max(comp) <= 1023 {
            (1, 10, 3)
        } else if n.max(comp) <= 16383 {
            (2, 14, 4)
        } else if n.max(comp) <= 262_143 {
            (3, 18, 5)
        } else {
            return None;
        };
        let v = u64::from(kind)
            | (format << 2)
            | ((n as u64) << 4)
            | ((comp as u64) << (4 + size_bits));
        out.extend_from_slice(&v.to_le_bytes()[..header_bytes]);
        out.extend_from_slice(&body);
        Some(new.then_some(fresh))
    }

    /// Writes the sequences section, each code with the cheapest of the predefined table, RLE,
    /// a new table and the previous block's table; returns the tables the decoder keeps.
    fn write_sequences(&mut self, out: &mut Vec<u8>) -> [Option<SeqTable>; 3] {
        let n = self.seqs.len();
        match n {
            0..=127 => out.push(n as u8),
            128..=0x7EFF => out.extend_from_slice(&[((n >> 8) + 128) as u8, n as u8]),
            _ => {
                out.push(0xFF);
                out.extend_from_slice(&((n - 0x7F00) as u16).to_le_bytes());
            }
        }
        if n == 0 {
            return [None, None, None];
        }
        // Codes and extra bits of every sequence, and each code's histogram.
        self.codes.clear();
        let mut hist = [[0u32; fse::MAX_SYMBOLS]; 3];
        for s in &self.seqs {
            let ll = code_of(&LL_CODES, s.lit_len);
            let ml = code_of(&ML_CODES, s.match_len);
            let of_code = 31 - s.offset_value.leading_zeros();
            let of = (
                of_code as u8,
                s.offset_value - (1 << of_code),
                of_code as u8,
            );
            hist[0][usize::from(ll.0)] += 1;
            hist[1][usize::from(of.0)] += 1;
            hist[2][usize::from(ml.0)] += 1;
            self.codes.push([ll, of, ml]);
        }
        // Kinds in the order of the section: literal lengths, offsets, match lengths.
        let mut modes = 0u8;
        let mut chosen: [Option<SeqTable>; 3] = [None, None, None];
        let mode_byte = out.len();
        out.push(0);
        for k in 0..3 {
            let (mode, table) = choose_table(
                &hist[k],
                n,
                SEQ_MAX_LOG[k],
                &self.predefined[k],
                self.entropy.seq[k].as_ref(),
                out,
            );
            modes |= mode << (6 - 2 * k);
            chosen[k] = table;
        }
        out[mode_byte] = modes;
        let tables: [&SeqTable; 3] = std::array::from_fn(|k| {
            chosen[k]
                .as_ref()
                .or(self.entropy.seq[k].as_ref())
                .expect("repeat mode is chosen only with a previous table")
        });
        let [ll_t, of_t, ml_t] = tables.map(|t| &t.table);
        let mut w = BitWriter::new(std::mem::take(out));
        let extra = |w: &mut BitWriter, [ll, of, ml]: [(u8, u32, u8); 3]| {
            w.add(u64::from(ll.1), u32::from(ll.2));
            w.add(u64::from(ml.1), u32::from(ml.2));
            w.flush();
            w.add(u64::from(of.1), u32::from(of.2));
            w.flush();
        };
        let last = self.codes[n - 1];
        let mut ml_state = ml_t.init_state(last[2].0);
        let mut of_state = of_t.init_state(last[1].0);
        let mut ll_state = ll_t.init_state(last[0].0);
        extra(&mut w, last);
        for &c in self.codes[..n - 1].iter().rev() {
            of_t.encode(&mut w, &mut of_state, c[1].0);
            ml_t.encode(&mut w, &mut ml_state, c[2].0);
            ll_t.encode(&mut w, &mut ll_state, c[0].0);
            w.flush();
            extra(&mut w, c);
        }
        ml_t.flush(&mut w, ml_state);
        of_t.flush(&mut w, of_state);
        w.flush();
        ll_t.flush(&mut w, ll_state);
        // The writer started from `out`'s bytes, all whole, so the stream begins byte-aligned.
        *out = w.finish();
        chosen
    }
}

/// An FSE table the encoder can code with, and its estimated bits per symbol.
#[derive(Clone, Debug)]
struct SeqTable {
    table: CTable,
    costs: [Option<f64>; fse::MAX_SYMBOLS],
}

impl SeqTable {
    fn new(dist: &Distribution) -> SeqTable {
        SeqTable {
            table: CTable::new(dist),
            costs: entropy::symbol_costs(dist),
        }
    }
}

/// The largest accuracy logs of literal-length, offset and match-length tables.
const SEQ_MAX_LOG: [u32; 3] = [9, 8, 9];

/// Picks the cheapest way to code one kind's symbols (`hist`, `n` in all): writes a new table's
/// description (or an RLE byte) to `out`, returns the mode and the table the decoder will keep
/// (`None` for repeat mode, which keeps the previous one).
fn choose_table(
    hist: &[u32; fse::MAX_SYMBOLS],
    n: usize,
    max_log: u32,
    predefined: &SeqTable,
    previous: Option<&SeqTable>,
    out: &mut Vec<u8>,
) -> (u8, Option<SeqTable>) {
    let present = hist.iter().filter(|&&c| c > 0).count();
    let top = hist.iter().rposition(|&c| c > 0).unwrap_or(0);
    let predefined_bits = entropy::estimate_bits(hist, &predefined.costs);
    let repeat_bits = previous.and_then(|p| entropy::estimate_bits(hist, &p.costs));
    if present == 1 {
        // One symbol: an RLE table costs its byte and no bits per symbol.
        let best_other = predefined_bits
            .into_iter()
            .chain(repeat_bits)
            .fold(f64::INFINITY, f64::min);
        if best_other > 8.0 {
            out.push(top as u8);
            let mut counts = [0i16; fse::MAX_SYMBOLS];
            counts[top] = 1;
            let dist = Distribution {
                counts,
                symbols: top + 1,
                log: 0,
            };
            return (1, Some(SeqTable::new(&dist)));
        }
    }
    let mut fresh = None;
    let mut fresh_bits = f64::INFINITY;
    if present >= 2 {
        let dist = entropy::normalize(
            &hist[..=top],
            n as u32,
            entropy::table_log(n, present, max_log),
        );
        let mark = out.len();
        entropy::write_description(&dist, out);
        let desc_bytes = out.len() - mark;
        out.truncate(mark);
        if let Some(bits) = entropy::estimate_bits(hist, &entropy::symbol_costs(&dist)) {
            fresh_bits = bits + 8.0 * desc_bytes as f64;
            fresh = Some(dist);
        }
    }
    let predefined_bits = predefined_bits.unwrap_or(f64::INFINITY);
    let repeat_bits = repeat_bits.unwrap_or(f64::INFINITY);
    if repeat_bits <= predefined_bits && repeat_bits <= fresh_bits {
        (3, None)
    } else if predefined_bits <= fresh_bits {
        (0, Some(predefined.clone()))
    } else {
        let dist = fresh.expect("a finite cost comes from a table");
        entropy::write_description(&dist, out);
        (2, Some(SeqTable::new(&dist)))
    }
}

/// The largest Huffman code length the format allows.
const MAX_HUFFMAN_BITS: u32 = crate::huffman::MAX_BITS;

/// What the decoder keeps from the last compressed block, for the repeat modes.
#[derive(Clone, Debug, Default)]
struct Entropy {
    huffman: Option<HufTable>,
    /// Literal-length, offset and match-length tables.
    seq: [Option<SeqTable>; 3],
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(data: &[u8], level: i32) -> Vec<u8> {
        let mut enc = Encoder::new(Params::for_level(level, data.len()));
        enc.checksum = true;
        let mut out = Vec::new();
        enc.compress_frame(data, &mut out);
        let back = crate::bulk::decompress(&out, data.len() + 1).expect("our frame decodes");
        assert_eq!(back, data);
        out
    }

    #[test]
    fn frames_of_every_block_kind_decode() {
        round_trip(b"", 3);
        round_trip(b"a", 3);
        round_trip(&[7u8; 1000], 3);
        // Smaller under miri, which runs these too.
        let scale = if cfg!(miri) { 40 } else { 1 };
        let text = b"the quick brown fox jumps over the lazy dog; ".repeat(400 / scale);
        let out = round_trip(&text, 3);
        assert!(
            // A tenth of the size, plus the frame's fixed costs (they dominate the miri size).
            out.len() < text.len() / 10 + 48,
            "{} of {}",
            out.len(),
            text.len()
        );
        let mut noise = Vec::new();
        let mut x = 1u64;
        for _ in 0..300_000 / scale {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            noise.push((x >> 56) as u8);
        }
        round_trip(&noise, 1);
    }
}
