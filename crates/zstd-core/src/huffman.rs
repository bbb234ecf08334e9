//! Huffman-coded literals: the tree description, the decoding table, the 1- and 4-stream decoders.

use crate::bits::{BackwardBits, Status};
use crate::error::{Error, Result};
use crate::fse::{self, Distribution};

/// The longest code Zstandard allows.
pub(crate) const MAX_BITS: u32 = 11;

/// The decoding table is always indexed by 11 bits (codes shorter than the tree's deepest take
/// more entries), so the lookup shift is a constant and the index provably in bounds.
const TABLE_LOG: u32 = MAX_BITS;
const TABLE_SIZE: usize = 1 << TABLE_LOG;

/// Symbols each stream decodes per reload in the fast loop: 5 codes of at most 11 bits fit the
/// 57 bits a reload guarantees.
const PER_RELOAD: usize = 5;

/// One entry of the decoding table: the code's length (low byte) and the symbol of a code
/// prefix (high byte). One `u16`, so filling the table is a plain 16-bit fill.
///
/// The length is the low byte so the decoding loops shift the bit container by the entry
/// itself (`x86_64`'s `shlx` takes the count's low 6 bits): no extraction between the table
/// load and the shift, which are the loop's dependency chain (measured with the table builds
/// below: Silesia's ooffice decodes 8-10% faster, xml and nci 2-5%, dickens about the same).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(transparent)]
pub(crate) struct Entry(u16);

impl Entry {
    const fn new(symbol: u8, nb_bits: u8) -> Self {
        Self(nb_bits as u16 | (symbol as u16) << 8)
    }

    #[inline(always)]
    fn symbol(self) -> u8 {
        (self.0 >> 8) as u8
    }

    #[inline(always)]
    fn nb_bits(self) -> u8 {
        self.0 as u8
    }

    /// The shift of the decoding loops: the length, in a form `x86_64` shifts by directly.
    #[inline(always)]
    fn shift(self) -> u32 {
        u32::from(self.0) & 63
    }
}

/// An entry of the two-symbol table: the bits the codes take (low byte, for the shift as in
/// [`Entry`]), the one or two symbols whose codes the next 11 bits begin with (middle 16 bits),
/// and how many symbols, 1 or 2 (high byte). One `u32`, loaded at once in the decoding loop
/// (three separate loads, as libzstd's assembly does, measured 2% slower here: more
/// registers live).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(transparent)]
struct Pair(u32);

impl Pair {
    fn new(symbols: [u8; 2], nb_bits: u8, count: u8) -> Self {
        Self(u32::from_le_bytes([nb_bits, symbols[0], symbols[1], count]))
    }
}

/// A Huffman decoding table: indexed by the next 11 bits of the stream. For long literal
/// sections it also gets a two-symbol table (libzstd's "X2"): when two codes fit in 11 bits,
/// one lookup decodes both, which nearly halves the lookups on text.
#[derive(Debug)]
pub(crate) struct Table {
    entries: Box<[Entry; TABLE_SIZE]>,
    /// Empty until a literal section first needs it: a fresh context then allocates 4 KiB of
    /// tables here, not 12 (zeroing them was a third of `Decompressor::new`'s time).
    pairs: Vec<Pair>,
    /// Whether `pairs` was built from `entries`.
    pairs_built: bool,
    /// The deepest code of the tree.
    pub(crate) max_bits: u32,
}

impl Default for Table {
    fn default() -> Self {
        Self {
            entries: Box::new([Entry::default(); TABLE_SIZE]),
            pairs: Vec::new(),
            pairs_built: false,
            max_bits: 0,
        }
    }
}

impl Clone for Table {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
            pairs: self.pairs.clone(),
            pairs_built: self.pairs_built,
            max_bits: self.max_bits,
        }
    }

    /// Copies into the existing allocation (a dictionary's table, once per frame); the pair
    /// table is rebuilt when needed.
    fn clone_from(&mut self, source: &Self) {
        *self.entries = *source.entries;
        self.pairs_built = false;
        self.max_bits = source.max_bits;
    }
}

/// Literal sections at least this long use the two-symbol table when their codes average at
/// most [`PAIR_MAX_BITS_PER_SYMBOL`]: building it costs about as much as decoding a few
/// thousand symbols, and with longer codes few pairs fit in 11 bits.
const PAIR_MIN_LITERALS: usize = 4096;
const PAIR_MAX_BITS_PER_SYMBOL: usize = 6;

/// Decodes one symbol: the entry the next 11 bits select.
#[inline(always)]
fn decode_symbol(table: &[Entry; TABLE_SIZE], bits: &mut BackwardBits<'_>) -> u8 {
    let e = table[bits.peek(TABLE_LOG) as usize & (TABLE_SIZE - 1)];
    bits.skip(u32::from(e.nb_bits()));
    e.symbol()
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
        let n = weights.len();
        if n > 255 {
            return Err(Error::CorruptHuffman("more than 255 weights"));
        }
        // The weights, the last symbol's (set below, once known) and zeros up to a multiple
        // of 4, taken as four quarters side by side: counting and sorting keep a count per
        // weight, and neighbouring symbols mostly have equal weights, so one set of counts
        // would chain every increment on the previous one's store; four sets make four
        // independent chains. No branch per weight either (zero weights are irregular).
        let mut all = [0u8; 256];
        all[..n].copy_from_slice(weights);
        let quarter = (n + 1).div_ceil(4);
        let mut ranks = [[0u32; 16]; 4];
        let mut highest = 0u8;
        for i in 0..quarter {
            for (k, rank) in ranks.iter_mut().enumerate() {
                let w = all[(k * quarter + i) & 255];
                highest = highest.max(w);
                rank[usize::from(w & 15)] += 1;
            }
        }
        if highest > MAX_BITS as u8 {
            return Err(Error::CorruptHuffman(
                "weight above the maximum code length",
            ));
        }
        let mut rank = [0u32; 16];
        for (w, r) in rank.iter_mut().enumerate() {
            *r = ranks.iter().map(|q| q[w]).sum();
        }
        let total: u32 = (1..=MAX_BITS as usize).map(|w| rank[w] << (w - 1)).sum();
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
        let last = usize::from(last_weight);
        // The last symbol, `n`, was counted with weight 0.
        all[n] = last_weight;
        ranks[n / quarter][0] -= 1;
        ranks[n / quarter][last] += 1;
        rank[0] -= 1;
        rank[last] += 1;
        // A complete prefix code has an even number (at least two) of longest codes.
        if rank[1] < 2 || rank[1] % 2 != 0 {
            return Err(Error::CorruptHuffman(
                "tree without a pair of longest codes",
            ));
        }
        self.max_bits = max_bits;
        self.pairs_built = false;
        // Codes are given from the lowest weight up, symbols in order within a weight; a symbol
        // of weight `w` covers `2^(w-1)` consecutive entries of a `max_bits` table, scaled up
        // to the 11-bit table. The symbols are first sorted by weight (weight 0 last, unused;
        // within a weight the quarters in order, so the symbols stay in order), so that each
        // weight's runs, all of one length, are filled by one specialized loop.
        let mut next = [[0usize; 16]; 4];
        let mut at = 0;
        for w in (1..=max_bits as usize).chain(std::iter::once(0)) {
            for (k, rank) in ranks.iter().enumerate() {
                next[k][w] = at;
                at += rank[w] as usize;
            }
        }
        debug_assert_eq!(at, 4 * quarter);
        let mut sorted = [0u8; 256];
        for i in 0..quarter {
            for (k, next) in next.iter_mut().enumerate() {
                let symbol = (k * quarter + i) & 255;
                let slot = &mut next[usize::from(all[symbol] & 15)];
                sorted[*slot & 255] = symbol as u8;
                *slot += 1;
            }
        }
        let scale = TABLE_LOG - max_bits;
        let mut pos = 0usize;
        let mut first = 0usize;
        for w in 1..=max_bits as usize {
            let symbols = &sorted[first..first + rank[w] as usize];
            first += rank[w] as usize;
            let nb_bits = (max_bits + 1 - w as u32) as u8;
            let len = 1usize << (w - 1 + scale as usize);
            // Runs of a constant length per arm, so each fill is a few fixed stores.
            macro_rules! runs {
                ($len:expr) => {
                    for &s in symbols {
                        self.entries[pos..pos + $len].fill(Entry::new(s, nb_bits));
                        pos += $len;
                    }
                };
            }
            match len {
                1 => runs!(1),
                2 => runs!(2),
                4 => runs!(4),
                8 => runs!(8),
                16 => runs!(16),
                _ => runs!(len),
            }
        }
        debug_assert_eq!(pos, TABLE_SIZE);
        Ok(())
    }

    /// Builds the two-symbol table from the one-symbol table: at each 11-bit index, the first
    /// code's symbol, and the second's when its code ends within the 11 bits.
    ///
    /// By runs of the one-symbol table (this runs once per block with a new tree): it is a
    /// sequence of runs, one per symbol, each of `2^(11 - length)` equal entries and aligned
    /// to its size. Within the run of a first code of length `l`, entry `j` has the second
    /// code that starts at index `j << l`: entry `j` of the one-symbol table kept at every
    /// `2^l`-th index. Those subsampled tables (for every `l`, 2047 entries together, each
    /// made from the one before by keeping every other entry) make each run a map over a
    /// contiguous slice, which the compiler vectorizes. (Reading the one-symbol table with
    /// the stride instead, an entry at a time, took xml's literals at level 1 2.7M
    /// instructions of the decoder's 124M; libzstd's whole table build 1.3M. The build before
    /// that filled one slice per pair of runs: about as many instructions, but a third more
    /// mispredicted branches on Silesia's mr at level 1, whose trees have many long codes,
    /// and its decoding 2-3% slower.)
    fn build_pairs(&mut self) {
        let single = &*self.entries;
        // `single` at every `2^l`-th index, `l` = 1..=11: `2^(11 - l)` entries at
        // `2048 - 2^(12 - l)` (1024 at 0, 512 at 1024, ..., 1 at 2046).
        let mut sub = [Entry::default(); TABLE_SIZE];
        let (mut prev, mut rest): (&[Entry], &mut [Entry]) = (single, &mut sub);
        while prev.len() > 1 {
            let (next, tail) = std::mem::take(&mut rest).split_at_mut(prev.len() / 2);
            for (d, s) in next.iter_mut().zip(prev.chunks_exact(2)) {
                *d = s[0];
            }
            prev = next;
            rest = tail;
        }
        self.pairs.resize(TABLE_SIZE, Pair::default());
        let pairs = &mut self.pairs[..];
        let mut idx = 0;
        while idx < TABLE_SIZE {
            let e = single[idx];
            let l1 = u32::from(e.nb_bits());
            if l1 == 0 || l1 > TABLE_LOG {
                // Not a table `read_description` built; decode with the one-symbol entries.
                for (pair, e) in pairs.iter_mut().zip(single.iter()) {
                    *pair = Pair::new([e.symbol(), 0], e.nb_bits(), 1);
                }
                break;
            }
            let room = TABLE_LOG - l1;
            let run = 1usize << room;
            let one = Pair::new([e.symbol(), 0], l1 as u8, 1).0;
            let end = (idx + run).min(TABLE_SIZE);
            let at = TABLE_SIZE - (TABLE_SIZE >> (l1 - 1));
            for (pair, second) in pairs[idx..end].iter_mut().zip(&sub[at..at + run]) {
                let second = second.0;
                // The second code's length added to the first's, its symbol, one more symbol.
                let add = u32::from(second & 0xff) | u32::from(second & 0xff00) << 8 | 1 << 24;
                pair.0 = if u32::from(second & 0xff) <= room {
                    one + add
                } else {
                    one
                };
            }
            idx = end;
        }
        self.pairs_built = true;
    }

    /// Decodes one stream of exactly `out.len()` symbols; the stream must be consumed exactly.
    /// With the variant compiled for this CPU (see [`crate::cpu`]).
    pub(crate) fn decode_stream(&self, src: &[u8], out: &mut [u8]) -> Result<()> {
        #[cfg(target_arch = "x86_64")]
        if crate::cpu::has_avx2_level() {
            // SAFETY: the CPU has the AVX2 level's features (detected at run time).
            return unsafe { self.decode_stream_avx2(src, out) };
        }
        self.decode_stream_body(src, out)
    }

    /// [`decode_stream_body`](Self::decode_stream_body) compiled for the AVX2 level (BMI2's
    /// shifts by a register: one instruction, where x86-64's own `shl` is three).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi1,bmi2,lzcnt")]
    fn decode_stream_avx2(&self, src: &[u8], out: &mut [u8]) -> Result<()> {
        self.decode_stream_body(src, out)
    }

    #[inline(always)]
    fn decode_stream_body(&self, src: &[u8], out: &mut [u8]) -> Result<()> {
        let mut bits = BackwardBits::new(src, "Huffman stream")?;
        let done = self.fast_one(&mut bits, out);
        self.finish_stream(&mut bits, &mut out[done..])
    }

    /// The one-symbol fast loop on a single stream (the single-stream form, up to 1 KiB of
    /// literals): as [`fast_loop`] does with four, the bits in the sentinel form, so between
    /// two symbols there is only a lookup and a shift ([`finish_stream`](Self::finish_stream)
    /// also adds to a bit count), and no check per reload. Returns how many symbols it decoded;
    /// the stream is left where it stopped. On the benchmarks' 1 KiB frames (three, one of them
    /// with a single stream) this and the tail loop of [`read_weights`] took the time of our
    /// decoding to 0.327 of ruzstd's with a context reused, from 0.332, and 0.341 with a fresh
    /// one, from 0.345 (medians of three runs of `cargo xtask bench --filter
    /// zstd-core/decode/small/1k` each).
    ///
    /// Not `fast_loop` made generic over the number of streams: that moved the four-stream
    /// loop's registers (dickens at level 1: 17 stack accesses in its loop became 28, and it
    /// ran 4% more instructions).
    #[inline(always)]
    fn fast_one(&self, stream: &mut BackwardBits<'_>, out: &mut [u8]) -> usize {
        let table = &*self.entries;
        let src = stream.src();
        let mut at = 0;
        while stream.can_reload_fast() {
            let (mut pos, mut bits) = stream.to_sentinel();
            // A reload moves back at most 7 bytes (at most 7 + 5 x 11 bits were consumed), so
            // `pos` stays in the stream, and every read below is in bounds.
            let iterations = (pos / 7).min((out.len() - at) / PER_RELOAD);
            if iterations == 0 {
                break;
            }
            for group in out[at..at + iterations * PER_RELOAD].chunks_exact_mut(PER_RELOAD) {
                let consumed = bits.trailing_zeros();
                pos -= (consumed >> 3) as usize;
                let loaded = u64::from_le_bytes(src[pos..pos + 8].try_into().expect("8 bytes"));
                bits = (loaded | 1) << (consumed & 7);
                for s in group {
                    let e = table[(bits >> (64 - TABLE_LOG)) as usize];
                    bits <<= e.shift();
                    *s = e.symbol();
                }
            }
            at += iterations * PER_RELOAD;
            stream.set_from_sentinel(pos, bits);
        }
        at
    }

    /// Decodes the symbols of `out` from where `bits` stands, then checks that the stream was
    /// consumed exactly (RFC 8878 §4.2.2: otherwise "the decoding process is considered
    /// faulty").
    #[inline(always)]
    fn finish_stream(&self, bits: &mut BackwardBits<'_>, out: &mut [u8]) -> Result<()> {
        let table = &*self.entries;
        let (groups, _) = out.as_chunks_mut::<4>();
        let mut done = 0;
        // 4 symbols per reload (4 x 11 bits <= 56) while whole bytes remain to load.
        for g in groups.iter_mut() {
            if bits.reload() != Status::Unfinished {
                break;
            }
            for s in g.iter_mut() {
                *s = decode_symbol(table, bits);
            }
            done += 4;
        }
        for s in &mut out[done..] {
            if bits.reload() == Status::Overflow {
                return Err(Error::CorruptHuffman("stream shorter than its symbols"));
            }
            *s = decode_symbol(table, bits);
        }
        bits.reload();
        if !bits.is_complete() {
            return Err(Error::CorruptHuffman("stream not consumed exactly"));
        }
        Ok(())
    }

    /// Decodes the 4-stream form (jump table, then four streams) into `out`, with the variant
    /// compiled for this CPU (see [`crate::cpu`]).
    pub(crate) fn decode_4_streams(&mut self, src: &[u8], out: &mut [u8]) -> Result<()> {
        let pairs =
            out.len() >= PAIR_MIN_LITERALS && src.len() * 8 <= out.len() * PAIR_MAX_BITS_PER_SYMBOL;
        if pairs && !self.pairs_built {
            self.build_pairs();
        }
        #[cfg(target_arch = "x86_64")]
        if crate::cpu::has_avx2_level() {
            // SAFETY: the CPU has the AVX2 level's features (detected at run time).
            return unsafe { self.decode_4_streams_avx2(src, out, pairs) };
        }
        self.decode_4_streams_body(src, out, pairs)
    }

    /// [`decode_4_streams_body`](Self::decode_4_streams_body) compiled for the AVX2 level.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi1,bmi2,lzcnt")]
    fn decode_4_streams_avx2(&self, src: &[u8], out: &mut [u8], pairs: bool) -> Result<()> {
        self.decode_4_streams_body(src, out, pairs)
    }

    /// Decodes the 4-stream form (jump table, then four streams) into `out`, with the
    /// two-symbol table if `pairs` (it must be built).
    ///
    /// The four streams are decoded together, a lookup of each in turn, so their lookups
    /// overlap in the CPU; near the streams' ends each is finished on its own.
    #[inline(always)]
    fn decode_4_streams_body(&self, src: &[u8], out: &mut [u8], pairs: bool) -> Result<()> {
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
        let (b1, rest) = streams.split_at(s1);
        let (b2, rest) = rest.split_at(s2);
        let (b3, b4) = rest.split_at(s3);
        let mut bits = [
            BackwardBits::new(b1, "Huffman stream")?,
            BackwardBits::new(b2, "Huffman stream")?,
            BackwardBits::new(b3, "Huffman stream")?,
            BackwardBits::new(b4, "Huffman stream")?,
        ];
        // Segment k of the output is `starts[k]..ends[k]`; `done[k]` of it are decoded.
        let starts = [0, quarter, 2 * quarter, 3 * quarter];
        let ends = [quarter, 2 * quarter, 3 * quarter, n];
        let done = if pairs {
            self.fast_pairs(&mut bits, out, starts, ends)
        } else {
            self.fast_single(&mut bits, out, starts, ends)
        };
        for k in 0..4 {
            self.finish_stream(&mut bits[k], &mut out[starts[k] + done[k]..ends[k]])?;
        }
        Ok(())
    }

    /// The one-symbol fast loop. Returns how many symbols each stream decoded.
    #[inline(always)]
    fn fast_single(
        &self,
        bits: &mut [BackwardBits<'_>; 4],
        out: &mut [u8],
        starts: [usize; 4],
        ends: [usize; 4],
    ) -> [usize; 4] {
        let table = &*self.entries;
        fast_loop(bits, out, starts, ends, PER_RELOAD, |bits, op| {
            let e = table[(*bits >> (64 - TABLE_LOG)) as usize];
            *bits <<= e.shift();
            // SAFETY: (the caller's) `op` has room for `PER_RELOAD` more symbols of this
            // segment, and this closure runs `PER_RELOAD` times per reload.
            unsafe {
                op.write(e.symbol());
                op.add(1)
            }
        })
    }

    /// The two-symbol fast loop. Returns how many symbols each stream decoded.
    #[inline(always)]
    fn fast_pairs(
        &self,
        bits: &mut [BackwardBits<'_>; 4],
        out: &mut [u8],
        starts: [usize; 4],
        ends: [usize; 4],
    ) -> [usize; 4] {
        let table: &[Pair; TABLE_SIZE] = self.pairs[..]
            .try_into()
            .expect("the two-symbol table is built");
        fast_loop(bits, out, starts, ends, 2 * PER_RELOAD, |bits, op| {
            let pair = table[(*bits >> (64 - TABLE_LOG)) as usize].0;
            *bits <<= pair & 63;
            // SAFETY: (the caller's) `op` has room for `2 * PER_RELOAD` more symbols of this
            // segment, and this closure, which advances it by at most 2, runs `PER_RELOAD`
            // times per reload. Of a 1-symbol entry, the second byte lands where this segment
            // writes next.
            unsafe {
                op.cast::<u16>()
                    .write_unaligned(((pair >> 8) as u16).to_le());
                op.add((pair >> 24) as usize)
            }
        })
    }
}

/// The fast loop over four streams: each iteration reloads every stream and calls `step`
/// `PER_RELOAD` times on each, in turn, so the four streams' lookups overlap in the CPU.
/// `step` decodes from the stream's bits (sentinel form, see [`BackwardBits::to_sentinel`])
/// to the output pointer and returns it advanced, by at least 1 and at most
/// `per_iteration / PER_RELOAD` (every entry of both tables decodes one or two symbols).
///
/// The number of iterations is worked out before running them, so the loop itself checks
/// nothing: a reload moves a stream back at most 7 bytes (it had consumed at most
/// 7 + 5 x 11 = 62 bits), and an iteration writes at most `per_iteration` bytes of a segment.
/// Returns how many symbols each stream decoded; the streams are left where they stopped.
#[inline(always)]
fn fast_loop(
    streams: &mut [BackwardBits<'_>; 4],
    out: &mut [u8],
    starts: [usize; 4],
    ends: [usize; 4],
    per_iteration: usize,
    mut step: impl FnMut(&mut u64, *mut u8) -> *mut u8,
) -> [usize; 4] {
    let mut at = starts;
    loop {
        let mut iterations = usize::MAX;
        for k in 0..4 {
            if !streams[k].can_reload_fast() {
                return [0, 1, 2, 3].map(|k| at[k] - starts[k]);
            }
            let (pos, _) = streams[k].to_sentinel();
            iterations = iterations
                .min(pos / 7)
                .min((ends[k] - at[k]) / per_iteration);
        }
        if iterations == 0 {
            return [0, 1, 2, 3].map(|k| at[k] - starts[k]);
        }
        let base = out.as_mut_ptr();
        let mut bits = [0u64; 4];
        let mut ip = [std::ptr::null::<u8>(); 4];
        let mut op = [std::ptr::null_mut::<u8>(); 4];
        for k in 0..4 {
            let (pos, b) = streams[k].to_sentinel();
            bits[k] = b;
            // SAFETY: `pos + 8 <= src.len()`, and `at[k] <= ends[k] <= out.len()`.
            unsafe {
                ip[k] = streams[k].src().as_ptr().add(pos);
                op[k] = base.add(at[k]);
            }
        }
        // The loop ends on stream 3's output pointer, which each iteration advances by at
        // least `PER_RELOAD` (`step` advances it at least 1), so it runs at least once and at
        // most `iterations` times; no counter to keep in a register (all fifteen are in use).
        // SAFETY: `op[3] + iterations * per_iteration <= base + ends[3]`, in the buffer.
        let op_limit = unsafe { op[3].add(iterations * PER_RELOAD) };
        loop {
            for k in 0..4 {
                let consumed = bits[k].trailing_zeros();
                // SAFETY: `ip[k]` started at `pos >= 7 * iterations` bytes into the stream and
                // each reload moves it back at most 7 (`consumed <= 62`), so it stays in the
                // stream, with the 8 bytes it reads.
                unsafe {
                    ip[k] = ip[k].sub((consumed >> 3) as usize);
                    bits[k] = (ip[k].cast::<u64>().read_unaligned().to_le() | 1) << (consumed & 7);
                }
            }
            for _ in 0..PER_RELOAD {
                for k in 0..4 {
                    op[k] = step(&mut bits[k], op[k]);
                }
            }
            if op[3] >= op_limit {
                break;
            }
        }
        for k in 0..4 {
            // SAFETY: both pointers are into the same allocation, `ip[k]` not below the start.
            let pos = unsafe { ip[k].offset_from(streams[k].src().as_ptr()) } as usize;
            streams[k].set_from_sentinel(pos, bits[k]);
            // SAFETY: as above, `op[k]` not below `base`.
            at[k] = unsafe { op[k].offset_from(base) } as usize;
        }
    }
}

/// Reads the weights of a tree description into `weights`; returns how many and the bytes used.
pub(crate) fn read_weights(
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
    // Four symbols per reload while at least 8 bytes lie below the loaded ones: a reload then
    // leaves at least 57 bits, and four updates read at most 24 (accuracy log at most 6), so
    // none can run past the stream's start.
    while n + 4 < 255 && bits.can_reload_fast() {
        bits.reload_fast();
        for k in [0, 1, 0, 1] {
            let e = table[states[k]];
            weights[n] = e.symbol;
            n += 1;
            states[k] = usize::from(e.new_state_base) + bits.read(u32::from(e.nb_bits)) as usize;
        }
    }
    // Near the stream's start, four symbols per reload while four updates' bits (at most 24)
    // remain loaded: none of them can run past the start, so the check after each update
    // below is not needed (it made the last bytes' symbols cost about twice the others').
    while n + 4 < 255 && bits.reload() != Status::Overflow && bits.unread() >= 4 * log {
        for k in [0, 1, 0, 1] {
            let e = table[states[k]];
            weights[n] = e.symbol;
            n += 1;
            states[k] = usize::from(e.new_state_base) + bits.read(u32::from(e.nb_bits)) as usize;
        }
    }
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
        // A 4-bit code selects the entries it prefixes in the 11-bit table.
        let lookup = |code: usize| t.entries[code << 7];
        assert_eq!(lookup(0b1000), Entry::new(0, 1));
        assert_eq!(lookup(0b0100), Entry::new(1, 2));
        assert_eq!(lookup(0b0010), Entry::new(2, 3));
        assert_eq!(lookup(0b0000), Entry::new(4, 4));
        assert_eq!(lookup(0b0001), Entry::new(5, 4));
        // The spec's stream example (bytes 0x10 0x0D, described as "0145") encodes 5 as 0000 and
        // 4 as 0001, the reverse of its own code table above and of libzstd's canonical
        // assignment (HUF_readDTableX1 fills weight-1 symbols in natural order from index 0):
        // with the table, those bytes decode to 0, 1, 5, 4. An erratum in the example, not in the
        // table; the conformance frames check the table.
        let mut out = [0u8; 4];
        t.decode_stream(&[0x10, 0x0D], &mut out).unwrap();
        assert_eq!(out, [0, 1, 5, 4]);
    }

    /// The two-symbol table by its definition, entry by entry.
    fn pairs_by_definition(t: &Table) -> Vec<Pair> {
        (0..TABLE_SIZE)
            .map(|idx| {
                let first = t.entries[idx];
                let used = u32::from(first.nb_bits());
                let second = t.entries[(idx << used) & (TABLE_SIZE - 1)];
                if used < TABLE_LOG && u32::from(second.nb_bits()) <= TABLE_LOG - used {
                    Pair::new(
                        [first.symbol(), second.symbol()],
                        first.nb_bits() + second.nb_bits(),
                        2,
                    )
                } else {
                    Pair::new([first.symbol(), 0], first.nb_bits(), 1)
                }
            })
            .collect()
    }

    /// Trees of every depth from 1 to 11 bits, flat and skewed, with gaps between symbols, of
    /// 1 to 255 weights.
    fn sample_trees() -> Vec<Vec<u8>> {
        let mut trees: Vec<Vec<u8>> =
            vec![vec![1], vec![4, 3, 2, 0, 1], vec![1; 255], vec![2, 1, 1]];
        // A chain: weights 11, 10, ..., 1 then the implied last (depths 1..11).
        trees.push((1..=11).rev().collect());
        // Pseudo-random trees: random weights while the total stays within 11 bits, then
        // weights that make what remains a power of two (the implied last weight).
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..400 {
            let mut w = Vec::new();
            let mut total = 0u32;
            let n = 2 + (x % 200) as usize;
            for _ in 0..n {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let weight = [0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8][(x % 11) as usize];
                let add = if weight == 0 { 0 } else { 1 << (weight - 1) };
                if total + add > 1024 {
                    break;
                }
                w.push(weight);
                total += add;
            }
            let mut rest = total.next_power_of_two().max(2) * 2 - total;
            while !rest.is_power_of_two() && w.len() < 255 {
                let low = rest & rest.wrapping_neg();
                w.push(low.trailing_zeros() as u8 + 1);
                rest -= low;
            }
            trees.push(w);
        }
        trees
    }

    /// The table by the format's definition (RFC 8878 §4.2.1.3): symbols sorted by weight,
    /// in order within a weight, zero weights left out; codes handed out from the lowest
    /// weight up, each a run of `2^(w-1)` entries of a `max_bits` table (scaled to 11 bits).
    fn entries_by_definition(weights: &[u8], max_bits: u32) -> Vec<Entry> {
        let total: u32 = weights
            .iter()
            .filter(|&&w| w > 0)
            .map(|&w| 1 << (w - 1))
            .sum();
        let rest = (1 << max_bits) - total;
        let mut all: Vec<(u8, u8)> = weights.iter().copied().zip(0..=255).collect();
        all.push((rest.trailing_zeros() as u8 + 1, weights.len() as u8));
        all.retain(|&(w, _)| w > 0);
        all.sort_by_key(|&(w, _)| w); // stable: symbols stay in order within a weight
        let mut table = Vec::new();
        for (w, s) in all {
            let run = 1 << (u32::from(w) - 1 + TABLE_LOG - max_bits);
            table.extend(std::iter::repeat_n(
                Entry::new(s, (max_bits + 1 - u32::from(w)) as u8),
                run,
            ));
        }
        table
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "safe code only; 400 table builds take many minutes under miri"
    )]
    fn tables_match_their_definition() {
        let mut built = 0;
        for w in &sample_trees() {
            let mut t = Table::default();
            if t.build(w).is_err() {
                continue;
            }
            assert!(
                t.entries[..] == entries_by_definition(w, t.max_bits)[..],
                "weights {w:?}"
            );
            built += 1;
        }
        assert!(built >= 300, "only {built} valid trees");
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "safe code only; 400 table builds take many minutes under miri"
    )]
    fn pairs_built_by_runs_match_their_definition() {
        let trees = sample_trees();
        let mut built = 0;
        for w in &trees {
            let mut t = Table::default();
            if t.build(w).is_err() {
                continue;
            }
            t.build_pairs();
            assert!(t.pairs[..] == pairs_by_definition(&t)[..], "weights {w:?}");
            built += 1;
        }
        assert!(built >= 300, "only {built} valid trees");
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
