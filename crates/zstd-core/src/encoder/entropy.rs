//! The encoding side of FSE: a bit writer for zstd's backward-read streams, normalizing counts
//! into a distribution, writing its table description, and the encoding table.

use crate::fse::{self, Distribution, MAX_SYMBOLS};
use std::mem::MaybeUninit;
use std::sync::LazyLock;

/// Writes bits least-significant first into bytes, as zstd's streams expect when they are read
/// back from their last byte.
///
/// It writes into a span of `out`'s spare capacity reserved in advance by [`append_bits`], so a
/// flush is one 8-byte store with no capacity check or call, and the writer's state stays in
/// registers in the hot loops. `add` only accumulates: at most 64 bits may be pending, so
/// callers `flush` at least every 56 added bits.
#[derive(Debug)]
pub(super) struct BitWriter<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    pos: usize,
    acc: u64,
    n: u32,
}

/// Appends to `out` the bit stream `f` writes (at most `max_bits` bits), its last byte padded
/// with zeros.
///
/// The span is not zeroed first (for literals that was a memset of 1.4 bytes per literal):
/// every byte of the stream is written by a flush, as the flushes' 8-byte stores start at 0
/// and each starts at most 8 bytes after the one before.
///
/// A closure holding a hot loop may be compiled as a function of its own, outside its
/// caller's target features (the AVX2 build's shifts) and with the writer in memory: the
/// Huffman stream coder, the hottest, has a writer of its own (`huffman::Codes`).
///
/// # Panics
///
/// If `f` writes more than `max_bits` bits (a bug in the caller's bound).
#[inline(always)]
pub(super) fn append_bits<F: FnOnce(&mut BitWriter<'_>)>(out: &mut Vec<u8>, max_bits: usize, f: F) {
    let start = out.len();
    // Room for the whole bytes, the last partial one and a full 8-byte store past them.
    let room = max_bits / 8 + 16;
    out.reserve(room);
    let mut w = BitWriter {
        buf: &mut out.spare_capacity_mut()[..room],
        pos: 0,
        acc: 0,
        n: 0,
    };
    f(&mut w);
    w.flush();
    let len = w.pos + usize::from(w.n > 0);
    debug_assert!(len <= w.pos + 8);
    // SAFETY: `len <= room` bytes of the spare capacity are initialized: the flushes stored
    // 8 bytes at each position `pos` took, which starts at 0 and moves by at most 8, so they
    // cover `0..pos + 8` (the last flush's `pos` before it moved), and `len` is at most that
    // last flush's position after it moved plus 1, within its 8 bytes.
    unsafe { out.set_len(start + len) };
}

impl BitWriter<'_> {
    /// Appends the low `bits` bits of `value` (`bits < 64`, and at most 64 bits pending).
    #[inline(always)]
    pub(super) fn add(&mut self, value: u64, bits: u32) {
        debug_assert!(bits < 64 && self.n + bits <= 64);
        self.acc |= (value & ((1u64 << bits) - 1)) << (self.n & 63);
        self.n += bits;
    }

    /// Stores all 8 bytes of the accumulator at `pos` (the span has room) and moves `pos` by
    /// the whole ones; returns how many.
    #[inline(always)]
    fn store(&mut self) -> usize {
        let bytes = (self.n >> 3) as usize;
        let dst = &mut self.buf[self.pos..self.pos + 8];
        for (d, b) in dst.iter_mut().zip(self.acc.to_le_bytes()) {
            d.write(b);
        }
        self.pos += bytes;
        self.n &= 7;
        bytes
    }

    /// Moves the whole pending bytes to the output.
    #[inline(always)]
    pub(super) fn flush(&mut self) {
        let bytes = self.store();
        self.acc = if bytes == 8 {
            0
        } else {
            self.acc >> (bytes * 8)
        };
    }

    /// Adds the end mark (a 1 bit) that tells the decoder where the stream starts.
    pub(super) fn end_mark(&mut self) {
        self.flush();
        self.add(1, 1);
    }
}

/// `log2(k)` for the cell counts of tables up to [`fse::MAX_LOG`] and one more (`k = 0` holds
/// -inf, never read): looked up, the costs and normalization below took a tenth of a 1 KiB
/// input's time in `log` calls.
static LOG2: LazyLock<[f64; (1 << fse::MAX_LOG) + 2]> =
    LazyLock::new(|| std::array::from_fn(|k| (k as f64).log2()));

/// `log2(k)` for `k > 0`: from the table when it holds it.
#[inline(always)]
fn log2_of(table: &[f64], k: u32) -> f64 {
    match table.get(k as usize) {
        Some(&v) => v,
        None => f64::from(k).log2(),
    }
}

/// The floor of the base-2 logarithm of `x > 0`.
fn high_bit(x: u64) -> u32 {
    63 - x.leading_zeros()
}

/// An accuracy log for a table coding `total` symbols of which `present` differ: small inputs
/// do not pay for big tables, and every present symbol needs a cell (and room for the others).
pub(super) fn table_log(total: usize, present: usize, max_log: u32) -> u32 {
    let by_size = high_bit(total.max(2) as u64 - 1).saturating_sub(2);
    let needed = high_bit(present.max(1) as u64) + 2;
    max_log.min(by_size).max(needed).clamp(5, max_log)
}

/// Normalizes `counts` (summing to `total > 0`) to a distribution over `1 << log` cells.
///
/// Each symbol gets its rounded share, symbols with less than one cell's worth get "less than
/// one" (`-1`, one cell), and the rounding error is settled one cell at a time where it costs
/// the fewest bits.
pub(super) fn normalize(counts: &[u32], total: u32, log: u32) -> Distribution {
    debug_assert!(total > 0 && counts.len() <= MAX_SYMBOLS);
    let scale = 1u64 << log;
    let total64 = u64::from(total);
    let mut norm = [0i16; MAX_SYMBOLS];
    let mut used: i64 = 0;
    let mut symbols = 0;
    for (s, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        symbols = s + 1;
        let exact = u64::from(c) * scale;
        if exact < total64 {
            norm[s] = -1;
            used += 1;
        } else {
            let p = ((exact + total64 / 2) / total64).max(1);
            norm[s] = p as i16;
            used += p as i64;
        }
    }
    let log2 = &LOG2[..];
    // A symbol's bits change by its count times the change in log2 of its cells.
    let step = |c: u32, from: u32| f64::from(c) * (log2_of(log2, from + 1) - log2_of(log2, from));
    // Too many cells handed out: take them back where that costs least.
    while used > scale as i64 {
        let mut best = None;
        let mut best_cost = f64::INFINITY;
        for s in 0..symbols {
            let n = norm[s];
            if n > 1 {
                let cost = step(counts[s], n as u32 - 1);
                if cost < best_cost {
                    best_cost = cost;
                    best = Some(s);
                }
            }
        }
        let s = best.expect("more cells than symbols means some symbol has two");
        norm[s] -= 1;
        used -= 1;
    }
    // Cells left: give them where they save most.
    while used < scale as i64 {
        let mut best = 0;
        let mut best_gain = -1.0;
        for s in 0..symbols {
            let n = norm[s];
            if n != 0 {
                let gain = step(counts[s], if n == -1 { 1 } else { n as u32 });
                if gain > best_gain {
                    best_gain = gain;
                    best = s;
                }
            }
        }
        norm[best] = if norm[best] == -1 { 2 } else { norm[best] + 1 };
        used += 1;
    }
    Distribution {
        counts: norm,
        symbols,
        log,
    }
}

/// The bits each symbol costs under `dist` (its accuracy log minus the log of its cells), or
/// `None` for symbols the distribution cannot code.
pub(super) fn symbol_costs(dist: &Distribution) -> [Option<f64>; MAX_SYMBOLS] {
    let mut costs = [None; MAX_SYMBOLS];
    fill_symbol_costs(dist, &mut costs);
    costs
}

/// [`symbol_costs`] into `costs`, in place.
pub(super) fn fill_symbol_costs(dist: &Distribution, costs: &mut [Option<f64>; MAX_SYMBOLS]) {
    costs.fill(None);
    let log2 = &LOG2[..];
    for (s, &n) in dist.counts[..dist.symbols].iter().enumerate() {
        costs[s] = match n {
            0 => None,
            -1 => Some(f64::from(dist.log)),
            n => Some(f64::from(dist.log) - log2_of(log2, n as u32)),
        };
    }
}

/// The estimated bits of coding `counts` with `costs`, or `None` when a counted symbol has no
/// code.
pub(super) fn estimate_bits(counts: &[u32], costs: &[Option<f64>; MAX_SYMBOLS]) -> Option<f64> {
    let mut bits = 0.0;
    for (s, &c) in counts.iter().enumerate() {
        if c > 0 {
            bits += f64::from(c) * costs.get(s).copied().flatten()?;
        }
    }
    Some(bits)
}

/// Appends the table description of `dist` (RFC 8878 §4.1.1), the inverse of
/// `Distribution::read`.
pub(super) fn write_description(dist: &Distribution, out: &mut Vec<u8>) {
    // At most 4 bits of log, and per symbol a count of at most `log + 1` bits with a run of
    // zeros after it at 2 bits per 3.
    let max_bits = 4 + MAX_SYMBOLS * (fse::MAX_LOG as usize + 1 + 2);
    append_bits(out, max_bits, |w| write_counts(dist, w));
}

/// The bits of [`write_description`].
fn write_counts(dist: &Distribution, w: &mut BitWriter<'_>) {
    let log = dist.log;
    debug_assert!((5..=fse::MAX_LOG).contains(&log));
    w.add(u64::from(log - 5), 4);
    let counts = &dist.counts[..dist.symbols];
    let mut remaining: i32 = (1 << log) + 1;
    let mut s = 0;
    while remaining > 1 {
        let proba = i32::from(counts[s]);
        let value = proba + 1;
        let threshold = 1i32 << (31 - (remaining as u32).leading_zeros());
        let nb_bits = 31 - threshold.leading_zeros() + 1;
        let max = 2 * threshold - 1 - remaining;
        if value < max {
            w.add(value as u64, nb_bits - 1);
        } else if value < threshold {
            w.add(value as u64, nb_bits);
        } else {
            w.add((value + max) as u64, nb_bits);
        }
        w.flush();
        remaining -= proba.abs();
        s += 1;
        if proba == 0 {
            // The run of zero probabilities that follows, as 2-bit repeat flags.
            let mut run = counts[s..].iter().take_while(|&&c| c == 0).count();
            s += run;
            while run >= 3 {
                w.add(3, 2);
                w.flush();
                run -= 3;
            }
            w.add(run as u64, 2);
            w.flush();
        }
    }
}

/// An FSE encoding table (the counterpart of `fse::build_table`).
#[derive(Clone, Debug)]
pub(super) struct CTable {
    log: u32,
    /// The next state, indexed by `(state >> nb_bits) + delta_find_state` (the first
    /// `1 << log` entries; a fixed array keeps tables free of allocation).
    states: [u16; 1 << fse::MAX_LOG],
    /// Per symbol: `(delta_nb_bits, delta_find_state)`.
    symbols: [(u32, i32); MAX_SYMBOLS],
}

impl CTable {
    /// The table of `dist`; a distribution of accuracy log 0 with one symbol is an RLE table
    /// (no bits at all).
    pub(super) fn new(dist: &Distribution) -> CTable {
        let mut table = CTable {
            log: 0,
            states: [0; 1 << fse::MAX_LOG],
            symbols: [(0, 0); MAX_SYMBOLS],
        };
        table.build(dist);
        table
    }

    /// Makes this the table of `dist`, in place (a table is 1.5 KiB: building one and moving
    /// it here cost small inputs a copy per block).
    pub(super) fn build(&mut self, dist: &Distribution) {
        let size = 1usize << dist.log;
        let counts = &dist.counts[..dist.symbols];
        // The same spread as the decoding table.
        let mut cells = [0u8; 1 << fse::MAX_LOG];
        let cell_symbol = &mut cells[..size];
        let filled = fse::spread(dist, cell_symbol);
        debug_assert!(filled, "a valid distribution fills its table");
        // Each symbol's states, in cell order, after its cumulative count.
        let mut cumul = [0usize; MAX_SYMBOLS + 1];
        for (s, &c) in counts.iter().enumerate() {
            cumul[s + 1] = cumul[s] + if c == -1 { 1 } else { c.max(0) as usize };
        }
        let mut next = cumul;
        let states = &mut self.states;
        for (u, &s) in cell_symbol.iter().enumerate() {
            let s = usize::from(s);
            states[next[s]] = (size + u) as u16;
            next[s] += 1;
        }
        let symbols = &mut self.symbols;
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
        symbols[counts.len()..].fill((0, 0));
        self.log = log;
    }

    /// The first state, for the last symbol of the stream.
    pub(super) fn init_state(&self, symbol: u8) -> u32 {
        let (delta_nb_bits, delta_find) = self.symbols[usize::from(symbol)];
        let nb_bits_out = delta_nb_bits.wrapping_add(1 << 15) >> 16;
        let value = (nb_bits_out << 16).wrapping_sub(delta_nb_bits);
        u32::from(self.states[((value >> nb_bits_out) as i32 + delta_find) as usize])
    }

    /// The bits a decoder reads when it moves on from [`init_state`](Self::init_state)`(symbol)`:
    /// those that encoding `symbol` into that state would have written.
    pub(super) fn init_bits(&self, symbol: u8) -> u32 {
        let (delta_nb_bits, _) = self.symbols[usize::from(symbol)];
        delta_nb_bits.wrapping_add(1 << 15) >> 16
    }

    /// Adds the bits (at most the accuracy log) that move `state` to encode `symbol`, and
    /// moves it.
    #[inline(always)]
    pub(super) fn encode(&self, w: &mut BitWriter<'_>, state: &mut u32, symbol: u8) {
        // The masks only drop bounds checks: symbols are codes below `MAX_SYMBOLS`, and the
        // next state's index is below the table size.
        let (delta_nb_bits, delta_find) = self.symbols[usize::from(symbol) & (MAX_SYMBOLS - 1)];
        let nb_bits = state.wrapping_add(delta_nb_bits) >> 16;
        w.add(u64::from(*state), nb_bits);
        let next = ((*state >> nb_bits) as i32 + delta_find) as usize;
        *state = u32::from(self.states[next & ((1 << fse::MAX_LOG) - 1)]);
    }

    /// Adds the final state (accuracy-log bits), which the decoder reads first.
    pub(super) fn flush(&self, w: &mut BitWriter<'_>, state: u32) {
        w.add(u64::from(state), self.log);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_read_back_as_written() {
        let cases: &[(&[u32], u32)] = &[
            (&[10, 0, 0, 0, 0, 3, 1, 0, 0, 0, 0, 0, 0, 0, 7], 5),
            (&[1000, 1, 1, 1, 500, 0, 0, 0, 0, 0, 0, 0, 2], 9),
            (&[5, 5], 6),
            (&[1, 0, 0, 0, 1, 0, 0, 1, 200], 7),
        ];
        for &(counts, log) in cases {
            let total = counts.iter().sum();
            let dist = normalize(counts, total, log);
            let filled: i32 = dist.counts[..dist.symbols]
                .iter()
                .map(|&c| i32::from(c).abs())
                .sum();
            assert_eq!(filled, 1 << log, "{counts:?}");
            for (s, &c) in counts.iter().enumerate() {
                assert_eq!(c == 0, dist.counts[s] == 0, "symbol {s} of {counts:?}");
            }
            let mut out = vec![0xAA];
            write_description(&dist, &mut out);
            let (back, used) = Distribution::read(&out[1..], 63, 9).unwrap();
            assert_eq!(back, dist);
            assert_eq!(used, out.len() - 1);
        }
    }

    #[test]
    fn table_logs_fit_input_and_symbols() {
        assert_eq!(table_log(10, 3, 9), 5);
        assert_eq!(table_log(100_000, 40, 9), 9);
        assert_eq!(table_log(100_000, 10, 6), 6);
        assert_eq!(table_log(300, 30, 9), 6);
    }
}
