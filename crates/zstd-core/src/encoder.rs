//! The encoder, first stage: frames of compressed blocks from a greedy hash-table match finder
//! (libzstd's `fast` strategy), literals raw or RLE, sequences coded with the predefined FSE
//! tables, raw and RLE blocks where they are smaller.
//!
//! Still to come (the encoder issue): Huffman literals, FSE tables fitted to each block, the
//! `dfast`/`greedy`/`lazy`/`lazy2` strategies and libzstd's per-level parameters, streaming
//! and the `perfzstd` tool. Until then every level uses this strategy with the level's window.

use xxhash_rust::xxh64::xxh64;

use crate::fse::{self, Distribution, MAX_SYMBOLS};
use crate::sequences::{Kind, LL_CODES, ML_CODES};

/// The largest block content (128 KiB).
const BLOCK_MAX: usize = crate::frame::MAX_BLOCK_SIZE;

/// Writes bits least-significant first into bytes, as zstd's backward-read streams expect
/// when the bytes are read from the end.
#[derive(Debug, Default)]
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    /// Appends the low `bits` bits of `value` (`bits <= 32`).
    #[inline]
    fn add(&mut self, value: u64, bits: u32) {
        debug_assert!(bits <= 32);
        let mask = if bits == 0 {
            0
        } else {
            u64::MAX >> (64 - bits)
        };
        self.acc |= (value & mask) << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// Adds the end mark (a 1 bit) and pads the last byte with zeros.
    fn finish(mut self) -> Vec<u8> {
        self.add(1, 1);
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// An FSE encoding table (the counterpart of `fse::build_table`).
#[derive(Debug)]
struct CTable {
    log: u32,
    /// The next state, indexed by `(state >> nb_bits) + delta_find_state`.
    states: Vec<u16>,
    /// Per symbol: `(delta_nb_bits, delta_find_state)`.
    symbols: [(u32, i32); MAX_SYMBOLS],
}

impl CTable {
    fn new(dist: &Distribution) -> CTable {
        let size = 1usize << dist.log;
        let counts = &dist.counts[..dist.symbols];
        // The same spread as the decoding table (`fse::spread`).
        let mut cell_symbol = vec![0u8; size];
        let filled = fse::spread(dist, &mut cell_symbol);
        debug_assert!(filled, "a valid distribution fills its table");
        // Each symbol's states, in cell order, after its cumulative count.
        let mut cumul = [0usize; MAX_SYMBOLS + 1];
        for (s, &c) in counts.iter().enumerate() {
            cumul[s + 1] = cumul[s] + if c == -1 { 1 } else { c.max(0) as usize };
        }
        let mut next = cumul;
        let mut states = vec![0u16; size];
        for (u, &s) in cell_symbol.iter().enumerate() {
            let s = usize::from(s);
            states[next[s]] = (size + u) as u16;
            next[s] += 1;
        }
        let mut symbols = [(0u32, 0i32); MAX_SYMBOLS];
        let log = dist.log;
        for (s, &c) in counts.iter().enumerate() {
            let total = cumul[s] as i32;
            symbols[s] = match c {
                0 => (((log + 1) << 16).wrapping_sub(size as u32), 0),
                -1 | 1 => ((log << 16).wrapping_sub(size as u32), total - 1),
                c => {
                    let c = c as u32;
                    let max_bits_out = log - (31 - (c - 1).leading_zeros());
                    let min_state_plus = c << max_bits_out;
                    (
                        (max_bits_out << 16).wrapping_sub(min_state_plus),
                        total - c as i32,
                    )
                }
            };
        }
        CTable {
            log,
            states,
            symbols,
        }
    }

    /// The first state, for the last symbol of the stream.
    fn init_state(&self, symbol: u8) -> u32 {
        let (delta_nb_bits, delta_find) = self.symbols[usize::from(symbol)];
        let nb_bits_out = delta_nb_bits.wrapping_add(1 << 15) >> 16;
        let value = (nb_bits_out << 16).wrapping_sub(delta_nb_bits);
        u32::from(self.states[((value >> nb_bits_out) as i32 + delta_find) as usize])
    }

    /// Writes the bits that move `state` to encode `symbol`, and moves it.
    #[inline]
    fn encode(&self, w: &mut BitWriter, state: &mut u32, symbol: u8) {
        let (delta_nb_bits, delta_find) = self.symbols[usize::from(symbol)];
        let nb_bits = state.wrapping_add(delta_nb_bits) >> 16;
        w.add(u64::from(*state), nb_bits);
        *state = u32::from(self.states[((*state >> nb_bits) as i32 + delta_find) as usize]);
    }

    fn flush(&self, w: &mut BitWriter, state: u32) {
        w.add(u64::from(state), self.log);
    }
}

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
    ll: CTable,
    ml: CTable,
    of: CTable,
    pub(crate) checksum: bool,
}

impl Encoder {
    pub(crate) fn new(params: Params) -> Encoder {
        Encoder {
            params,
            table: Vec::new(),
            seqs: Vec::new(),
            literals: Vec::new(),
            ll: CTable::new(&Kind::LiteralLength.predefined()),
            ml: CTable::new(&Kind::MatchLength.predefined()),
            of: CTable::new(&Kind::Offset.predefined()),
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
        self.write_literals(out);
        self.write_sequences(out);
        let size = out.len() - body_start;
        if size >= block.len() {
            // Not worth it: a raw block, and the decoder's repeat offsets stay as they were.
            *rep0 = saved_rep;
            out.truncate(body_start - 3);
            out.extend_from_slice(&header(0, block.len()));
            out.extend_from_slice(block);
        } else {
            out[body_start - 3..body_start].copy_from_slice(&header(2, size));
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

    /// The literals section: RLE when every literal is the same byte, raw otherwise.
    fn write_literals(&self, out: &mut Vec<u8>) {
        let lits = &self.literals;
        let n = lits.len();
        let rle = n > 1 && lits.iter().all(|&b| b == lits[0]);
        let kind = u32::from(rle);
        match n {
            0..=31 => out.push((kind | ((n as u32) << 3)) as u8),
            32..=4095 => {
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
    }

    /// The sequences section with the predefined tables.
    fn write_sequences(&self, out: &mut Vec<u8>) {
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
            return;
        }
        // Literal lengths, offsets and match lengths all predefined.
        out.push(0);
        let mut w = BitWriter {
            out: std::mem::take(out),
            ..BitWriter::default()
        };
        let codes = |s: &Sequence| {
            let ll = code_of(&LL_CODES, s.lit_len);
            let ml = code_of(&ML_CODES, s.match_len);
            let of_code = 31 - s.offset_value.leading_zeros();
            (
                ll,
                ml,
                (
                    of_code as u8,
                    s.offset_value - (1 << of_code),
                    of_code as u8,
                ),
            )
        };
        let last = &self.seqs[n - 1];
        let (ll, ml, of) = codes(last);
        let mut ml_state = self.ml.init_state(ml.0);
        let mut of_state = self.of.init_state(of.0);
        let mut ll_state = self.ll.init_state(ll.0);
        let extra = |w: &mut BitWriter, ll: (u8, u32, u8), ml: (u8, u32, u8), of: (u8, u32, u8)| {
            w.add(u64::from(ll.1), u32::from(ll.2));
            w.add(u64::from(ml.1), u32::from(ml.2));
            w.add(u64::from(of.1), u32::from(of.2));
        };
        extra(&mut w, ll, ml, of);
        for s in self.seqs[..n - 1].iter().rev() {
            let (ll, ml, of) = codes(s);
            self.of.encode(&mut w, &mut of_state, of.0);
            self.ml.encode(&mut w, &mut ml_state, ml.0);
            self.ll.encode(&mut w, &mut ll_state, ll.0);
            extra(&mut w, ll, ml, of);
        }
        self.ml.flush(&mut w, ml_state);
        self.of.flush(&mut w, of_state);
        self.ll.flush(&mut w, ll_state);
        // The writer started from `out`'s bytes, all whole, so the stream begins byte-aligned.
        *out = w.finish();
    }
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
