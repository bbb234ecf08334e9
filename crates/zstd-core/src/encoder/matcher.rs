//! Match finders: libzstd's `fast`, `dfast`, `greedy`, `lazy` and `lazy2` strategies, over
//! hash tables that live as long as the context (sized once, reset with a fill per frame); the
//! last three search rows of tagged entries, as libzstd's row-based match finder does (with
//! its hash cache that prefetches rows 8 positions ahead, candidates prefetched before they are
//! compared, and the thinned indexing inside long matches and across long literal runs).
//!
//! Positions are indexes into the frame's input, kept as `u32`. A candidate is always checked
//! byte by byte before it is used, so a stale or colliding entry only costs a missed match, and
//! an unused slot holds position 0 ([`UNSET`]), a real position like any other.

use zstd_simd::WILDCOPY_SLACK;

use super::params::{Params, Strategy};

/// What an unused table slot holds: position 0, a candidate like any other (before the
/// position searched and within the window of most inputs, so the check that a candidate can
/// be one mostly passes and only the byte comparison decides). A marker that failed that check
/// made it a coin toss wherever the tables were still sparse (small inputs, frame starts): at
/// 64 KiB it took most of the match finder's mispredictions (see docs/BENCHMARKS.md).
const UNSET: u32 = 0;

/// Bytes without a match stretch the step by one every `1 << SEARCH_STRENGTH` (libzstd's
/// `kSearchStrength`).
const SEARCH_STRENGTH: u32 = 8;

/// `fast` lengthens its step every this many bytes without a match (libzstd's `kStepIncr`).
const STEP_INCR: usize = 1 << (SEARCH_STRENGTH - 1);

/// The shortest match worth coding.
const MIN_MATCH: usize = 4;

/// One sequence: literals, then a match.
#[derive(Clone, Copy, Debug)]
pub(super) struct Sequence {
    pub(super) lit_len: u32,
    /// The offset value as coded: 1-3 repeat offsets, offset + 3 otherwise.
    pub(super) offset_value: u32,
    pub(super) match_len: u32,
}

/// A block's sequences and literals, and the repeat offsets as the decoder will hold them.
#[derive(Debug)]
pub(super) struct SeqStore {
    pub(super) seqs: Vec<Sequence>,
    /// The literals, `lit_count` bytes, then room for a wild copy's overrun.
    literals: Vec<u8>,
    lit_count: usize,
    pub(super) reps: [u32; 3],
}

impl SeqStore {
    pub(super) fn new() -> SeqStore {
        SeqStore {
            seqs: Vec::new(),
            literals: Vec::new(),
            lit_count: 0,
            reps: [1, 4, 8],
        }
    }

    /// The literals of the block so far.
    pub(super) fn literals(&self) -> &[u8] {
        &self.literals[..self.lit_count]
    }

    /// Appends `src[from..to]` to the literals. `literals` is kept `WILDCOPY_SLACK` bytes
    /// longer than its contents, so short runs are one fixed-size move instead of a `memcpy`
    /// call per sequence.
    #[inline(always)]
    fn add_literals(&mut self, src: &[u8], from: usize, to: usize) {
        let n = to - from;
        let need = self.lit_count + n + WILDCOPY_SLACK;
        if need > self.literals.len() {
            self.grow(need);
        }
        if to + WILDCOPY_SLACK <= src.len() {
            // SAFETY: `literals` holds `lit_count + n + WILDCOPY_SLACK` bytes (made so above)
            // and `src` `from + n + WILDCOPY_SLACK` (`to == from + n`); they are two buffers.
            unsafe {
                zstd_simd::wildcopy_raw(
                    self.literals.as_mut_ptr().add(self.lit_count),
                    src.as_ptr().add(from),
                    n,
                );
            }
        } else {
            self.literals[self.lit_count..self.lit_count + n].copy_from_slice(&src[from..to]);
        }
        self.lit_count += n;
    }

    #[cold]
    fn grow(&mut self, need: usize) {
        self.literals.resize(need.max(2 * self.literals.len()), 0);
    }

    /// Records the literals `src[anchor..at]` (at least one) and a match of `len` bytes at
    /// the last offset: repeat code 1, the repeat offsets unchanged. For the `fast` and `dfast`
    /// finders, which know when they test the last offset.
    #[inline(always)]
    fn push_last(&mut self, src: &[u8], anchor: usize, at: usize, len: usize) {
        debug_assert!(at > anchor && len >= 3 && self.reps[0] as usize <= at);
        self.add_literals(src, anchor, at);
        self.seqs.push(Sequence {
            lit_len: (at - anchor) as u32,
            offset_value: 1,
            match_len: len as u32,
        });
    }

    /// Records the literals `src[anchor..at]` and a match of `len` bytes at `offset`, as
    /// [`push`](Self::push) does, with selects instead of branches where literals precede
    /// the match: which repeat offset (if any) the offset equals depends on the data, and as
    /// branches it mispredicts often (the `fast` and `dfast` finders' hash matches).
    #[inline(always)]
    fn push_select(&mut self, src: &[u8], anchor: usize, at: usize, offset: u32, len: usize) {
        if at == anchor {
            return self.push(src, anchor, at, offset, len);
        }
        debug_assert!(len >= 3 && offset as usize <= at && offset > 0);
        self.add_literals(src, anchor, at);
        let [r0, r1, r2] = self.reps;
        let (is0, is1, is2) = (offset == r0, offset == r1, offset == r2);
        // RFC 8878 §3.1.2.5 with literals: repeat offset k is code k, and it moves to the
        // front; any other offset is `offset + 3` and pushes the others back. The front is
        // `offset` either way.
        let code = if is2 { 3 } else { offset + 3 };
        let code = if is1 { 2 } else { code };
        let code = if is0 { 1 } else { code };
        self.reps = [
            offset,
            if is0 { r1 } else { r0 },
            if is0 | is1 { r2 } else { r1 },
        ];
        self.seqs.push(Sequence {
            lit_len: (at - anchor) as u32,
            offset_value: code,
            match_len: len as u32,
        });
    }

    /// Records the literals `src[anchor..at]` (at least one, else as [`push`](Self::push))
    /// and a match of `len` bytes at `offset` coded as a new offset (`offset + 3`) even when it
    /// equals a repeat offset, as libzstd's `fast` strategy codes its hash matches: the format
    /// allows it, and the repeat offsets then move as for any new offset. For the `fast`
    /// finder, which tests the last offset itself: against [`push_select`](Self::push_select)
    /// there, 0.985-0.989 of the time (levels -5, -1 and 1 on the five Silesia files, three code
    /// layouts; level 2 0.985 and 0.988 in two) for outputs at most 0.14% larger (nci at levels
    /// -1 and 1; nci at -5 0.26% smaller). `dfast` keeps `push_select`: no faster with this
    /// (0.999), sizes up to 0.07% larger.
    #[inline(always)]
    fn push_new(&mut self, src: &[u8], anchor: usize, at: usize, offset: u32, len: usize) {
        if at == anchor {
            return self.push(src, anchor, at, offset, len);
        }
        debug_assert!(len >= 3 && offset as usize <= at && offset > 0);
        self.add_literals(src, anchor, at);
        let [r0, r1, _] = self.reps;
        self.reps = [offset, r0, r1];
        self.seqs.push(Sequence {
            lit_len: (at - anchor) as u32,
            offset_value: offset + 3,
            match_len: len as u32,
        });
    }

    /// Records the literals `src[anchor..at]` and a match of `len` bytes at `offset`, coding
    /// the offset as a repeat where the format allows and updating the repeat offsets as the
    /// decoder will (RFC 8878 §3.1.1.5).
    #[inline(always)]
    fn push(&mut self, src: &[u8], anchor: usize, at: usize, offset: u32, len: usize) {
        debug_assert!(len >= 3 && offset as usize <= at);
        let lit_len = (at - anchor) as u32;
        self.add_literals(src, anchor, at);
        let [r0, r1, r2] = self.reps;
        let offset_value = if lit_len > 0 {
            if offset == r0 {
                1
            } else if offset == r1 {
                self.reps = [r1, r0, r2];
                2
            } else if offset == r2 {
                self.reps = [r2, r0, r1];
                3
            } else {
                self.reps = [offset, r0, r1];
                offset + 3
            }
        } else if offset == r1 {
            self.reps = [r1, r0, r2];
            1
        } else if offset == r2 {
            self.reps = [r2, r0, r1];
            2
        } else if offset == r0.wrapping_sub(1) {
            self.reps = [offset, r0, r1];
            3
        } else {
            self.reps = [offset, r0, r1];
            offset + 3
        };
        self.seqs.push(Sequence {
            lit_len,
            offset_value,
            match_len: len as u32,
        });
    }
}

/// Calls `$self.$f::<MLS>(args)` with the hashed length `$mls` (4 to 7) as a constant, so each
/// match finder is compiled once per length with its hash folded in.
macro_rules! with_mls {
    ($mls:expr, $self:ident.$f:ident($($arg:expr),*)) => {
        match $mls {
            4 => $self.$f::<4>($($arg),*),
            5 => $self.$f::<5>($($arg),*),
            6 => $self.$f::<6>($($arg),*),
            _ => $self.$f::<7>($($arg),*),
        }
    };
}

/// The match finder's tables.
#[derive(Debug, Default)]
pub(super) struct Matcher {
    /// `fast`'s table, `dfast`'s long table; the row positions of the lazy strategies.
    hash: Vec<u32>,
    /// `dfast`'s short table.
    chain: Vec<u32>,
    /// The lazy strategies' row tags: 8 more hash bits per position in `hash`, compared a row
    /// at a time before any candidate's bytes are read. A row's first byte is its head, the
    /// slot written last (rows fill backwards from their end, skipping slot 0, so the newest
    /// come first), as in libzstd: one cache line holds both.
    tags: Vec<u8>,
    /// Where the rows start in `hash` and `tags`: on a cache-line boundary, so a row of 16
    /// positions is one line.
    row_start: usize,
    tag_start: usize,
    /// The next position the rows have not indexed yet.
    next_to_update: usize,
    /// The row hashes of the 8 positions from `next_to_update` on (at `pos % 8`), each
    /// computed and its row prefetched 8 positions ahead (libzstd's hash cache).
    hash_cache: [u32; HASH_CACHE],
    /// Set after long stretches without a match: the rows then index only the positions
    /// searched, not every one (libzstd's lazy skipping).
    skipping: bool,
    /// A row search's candidates (kept here: a fresh array would be zeroed every search).
    candidates: Candidates,
}

/// Room for a row's candidates.
#[derive(Debug)]
struct Candidates([u32; 64]);

impl Default for Candidates {
    fn default() -> Candidates {
        Candidates([0; 64])
    }
}

/// How many positions ahead the rows' hashes are computed and their rows prefetched.
const HASH_CACHE: usize = 8;

/// A catch-up over more positions than this (a long match) indexes only the first
/// [`SKIP_HEAD`] and the last [`SKIP_TAIL`] of them (libzstd's thresholds).
const SKIP_THRESHOLD: usize = 384;
const SKIP_HEAD: usize = 96;
const SKIP_TAIL: usize = 32;

/// Searches stepping over more than this many positions stop indexing the ones in between
/// (libzstd's `kLazySkippingStep`).
const LAZY_SKIPPING_STEP: usize = 8;

/// The lazy strategies' row geometry: `1 << log` entries a row, `1 << row_bits` rows.
#[derive(Clone, Copy)]
struct Rows {
    log: u32,
    row_bits: u32,
}

impl Rows {
    /// libzstd's choice: rows of 16 to 64 entries, as many as the search log asks, over a
    /// table of `1 << hash_log` entries.
    fn of(p: &Params) -> Rows {
        let log = p.search_log.clamp(4, 6);
        Rows {
            log,
            row_bits: p.hash_log.saturating_sub(log).min(24),
        }
    }
}

/// Bit `i` set where `tags[i] == tag`: one byte-vector compare and mask extraction on
/// x86_64 (the compiler does not find that form for a loop over the bytes).
#[inline(always)]
fn tag_mask(tags: &[u8; 16], tag: u8) -> u16 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        // SAFETY: SSE2 is part of the x86_64 baseline; the load reads the 16 bytes of `tags`
        // (`loadu` needs no alignment).
        unsafe {
            let row = _mm_loadu_si128(tags.as_ptr().cast());
            _mm_movemask_epi8(_mm_cmpeq_epi8(row, _mm_set1_epi8(tag as i8))) as u16
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut mask = 0u16;
        for (i, &t) in tags.iter().enumerate() {
            mask |= u16::from(t == tag) << i;
        }
        mask
    }
}

/// [`tag_mask`] of 32 tags, in one AVX2 compare.
///
/// # Safety
/// The CPU has AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn tag_mask32(tags: &[u8; 32], tag: u8) -> u32 {
    use std::arch::x86_64::{
        _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8,
    };
    // SAFETY: the load reads the 32 bytes of `tags` (`loadu` needs no alignment); AVX2 is the
    // caller's promise.
    unsafe {
        let row = _mm256_loadu_si256(tags.as_ptr().cast());
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(row, _mm256_set1_epi8(tag as i8))) as u32
    }
}

/// The row hash of the `mls` bytes at `pos`: the row above 8 bits of tag.
#[inline(always)]
fn row_hash(src: &[u8], pos: usize, mls: u32, rows: Rows) -> u32 {
    zstd_simd::hash_at(src, pos, mls, rows.row_bits + 8)
}

/// The hash of the `mls` bytes at `pos`.
#[inline(always)]
fn hash(src: &[u8], pos: usize, mls: u32, bits: u32) -> usize {
    zstd_simd::hash_at(src, pos, mls, bits) as usize
}

/// Whether the 4 bytes at `a` and `b` are equal.
#[inline(always)]
fn eq4(src: &[u8], a: usize, b: usize) -> bool {
    src[a..a + 4] == src[b..b + 4]
}

/// The floor of the base-2 logarithm of `x > 0`.
#[inline(always)]
fn high_bit(x: u32) -> i64 {
    i64::from(31 - x.leading_zeros())
}

impl Matcher {
    /// Sizes and clears the tables for a frame with parameters `p`.
    pub(super) fn reset(&mut self, p: &Params) {
        let (hash_len, chain_len, rows) = match p.strategy {
            Strategy::Fast => (1usize << p.hash_log, 0, None),
            Strategy::DFast => (1 << p.hash_log, 1 << p.chain_log, None),
            _ => {
                let r = Rows::of(p);
                (1 << (r.row_bits + r.log), 0, Some(r))
            }
        };
        // A fill, not a fresh allocation: capacity stays for the next frame.
        self.hash.clear();
        self.hash.resize(hash_len, UNSET);
        self.chain.clear();
        self.chain.resize(chain_len, UNSET);
        self.tags.clear();
        self.row_start = 0;
        self.tag_start = 0;
        if rows.is_some() {
            // One cache line more, to start the rows on a line boundary.
            self.hash.resize(hash_len + 16, UNSET);
            self.tags.resize(hash_len + 64, 0);
            self.row_start = self.hash.as_ptr().align_offset(64).min(16);
            self.tag_start = self.tags.as_ptr().align_offset(64).min(64);
        }
        self.next_to_update = 0;
        self.skipping = false;
    }

    /// Indexes the positions of `src[..len]` (a dictionary's content) for the strategy of `p`.
    pub(super) fn fill(&mut self, p: &Params, src: &[u8], len: usize) {
        let limit = Self::limit(src, len);
        match p.strategy {
            Strategy::Fast => {
                for pos in 0..limit {
                    self.hash[hash(src, pos, p.min_match, p.hash_log)] = pos as u32;
                }
            }
            Strategy::DFast => {
                for pos in 0..limit {
                    self.hash[hash(src, pos, 8, p.hash_log)] = pos as u32;
                    self.chain[hash(src, pos, p.min_match, p.chain_log)] = pos as u32;
                }
            }
            _ => {
                let rows = Rows::of(p);
                self.assert_rows_fit(rows);
                for pos in 0..limit {
                    let h = row_hash(src, pos, p.min_match, rows);
                    // SAFETY: the rows fit (asserted above).
                    unsafe { self.row_insert(h, pos, rows) };
                }
                self.next_to_update = limit;
            }
        }
    }

    /// Moves every position back by `shift` (the input's front was dropped); positions before
    /// it are forgotten.
    pub(super) fn rebase(&mut self, shift: usize) {
        let shift32 = shift as u32;
        for slot in self.hash.iter_mut().chain(self.chain.iter_mut()) {
            // Positions before the new front become the front (a candidate like any other).
            *slot = slot.saturating_sub(shift32);
        }
        self.next_to_update = self.next_to_update.saturating_sub(shift);
    }

    /// Finds the sequences of `src[start..end]`, everything before `start` within `window`
    /// bytes being history, and appends them to `store` (cleared first); the literals after the
    /// last match end the block.
    pub(super) fn find(
        &mut self,
        p: &Params,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        store: &mut SeqStore,
    ) {
        store.seqs.clear();
        store.lit_count = 0;
        let anchor = match p.strategy {
            Strategy::Fast => with_mls!(p.min_match, self.fast(p, src, start, end, window, store)),
            Strategy::DFast => {
                with_mls!(p.min_match, self.dfast(p, src, start, end, window, store))
            }
            Strategy::Greedy => self.rows::<0>(p, src, start, end, window, store),
            Strategy::Lazy => self.rows::<1>(p, src, start, end, window, store),
            Strategy::Lazy2 => self.rows::<2>(p, src, start, end, window, store),
        };
        store.add_literals(src, anchor, end);
    }

    /// The last position a search may start at: hashes read 8 bytes, inside the input.
    fn limit(src: &[u8], end: usize) -> usize {
        end.min(src.len()).saturating_sub(8)
    }

    /// `fast`: one hash table of `MLS`-byte hashes; returns the last anchor. Positions are
    /// searched in pairs `(ip0, ip0 + 1)`, the next pair `step` bytes on (2, or the
    /// acceleration plus one at negative levels), `step` growing by one every [`STEP_INCR`]
    /// bytes without a match; the last offset is tried at the next pair's start. The loop is
    /// software-pipelined like libzstd's: the next position's hash and table slot are loaded
    /// before the current candidate is compared, so the loads of consecutive positions overlap
    /// instead of waiting on each other.
    fn fast<const MLS: u32>(
        &mut self,
        p: &Params,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        store: &mut SeqStore,
    ) -> usize {
        let bits = p.hash_log;
        let step_size = p.target_length as usize + usize::from(p.target_length == 0) + 1;
        let limit = Self::limit(src, end);
        let (Some(mut table), Some(input)) =
            (Table::new(&mut self.hash, bits), Input::new(src, limit))
        else {
            return start;
        };
        // Every position these closures are given is below `limit`: the loop below only
        // reads at `ip0 < ip1 < ip2 < ip3 < limit` (it stops before `ip3` reaches `limit`),
        // at candidates before those, and at positions inside a match checked against `limit`.
        let hash = |pos: usize| {
            debug_assert!(pos < limit);
            // SAFETY: `pos < limit`, as above.
            unsafe { input.hash::<MLS>(pos, bits) }
        };
        // A hash candidate: inside the window, before the position, its first 4 bytes equal.
        let found = |cand: usize, ip: usize| {
            debug_assert!(ip < limit);
            in_window(cand, ip, window)
                // SAFETY: `cand < ip < limit` when the reads run.
                && unsafe { input.read32(cand) == input.read32(ip) }
        };
        let mut anchor = start;
        let mut ip0 = start;
        'search: loop {
            let mut step = step_size;
            let mut next_step = ip0 + STEP_INCR;
            let mut ip1 = ip0 + 1;
            let mut ip2 = ip0 + step;
            let mut ip3 = ip2 + 1;
            if ip3 >= limit {
                break;
            }
            let mut h0 = hash(ip0);
            let mut h1 = hash(ip1);
            // SAFETY: `h0` is a hash from `hash`, of `bits` bits, the table's size (so are
            // the slots of every `table` access below).
            let mut cand = unsafe { table.get(h0) };
            // The last offset, tried at `ip2` and later positions; 0 (not tried) in this
            // search when it reaches to the input's first byte or before.
            let rep = store.reps[0] as usize;
            let rep = if rep < ip2 { rep } else { 0 };
            // (match start, its source, bytes known equal, whether at the last offset) once
            // found.
            let (m, c, known, last) = loop {
                // SAFETY: a hash from `hash`, as above.
                unsafe { table.set(h0, ip0) };
                // SAFETY: `rep < ip2 < ip3 < limit`.
                if unsafe { input.repeats(ip2, rep) } {
                    // ip2 - 1 is past the anchor: ip2 >= ip0 + 2.
                    let back = usize::from(src[ip2 - 1] == src[ip2 - 1 - rep]);
                    // SAFETY: a hash from `hash`, as above.
                    unsafe { table.set(h1, ip1) };
                    break (ip2 - back, ip2 - back - rep, 4 + back, true);
                }
                if found(cand, ip0) {
                    // SAFETY: a hash from `hash`, as above.
                    unsafe { table.set(h1, ip1) };
                    break (ip0, cand, 4, false);
                }
                // SAFETY: a hash from `hash`, as above.
                cand = unsafe { table.get(h1) };
                h0 = h1;
                h1 = hash(ip2);
                ip0 = ip1;
                ip1 = ip2;
                ip2 = ip3;
                // SAFETY: a hash from `hash`, as above.
                unsafe { table.set(h0, ip0) };
                if found(cand, ip0) {
                    // SAFETY: a hash from `hash`, as above.
                    unsafe { table.set(h1, ip1) };
                    break (ip0, cand, 4, false);
                }
                // SAFETY: a hash from `hash`, as above.
                cand = unsafe { table.get(h1) };
                h0 = h1;
                h1 = hash(ip2);
                ip0 = ip1;
                ip1 = ip2;
                ip2 = ip0 + step;
                ip3 = ip1 + step;
                if ip2 >= next_step {
                    step += 1;
                    next_step += STEP_INCR;
                }
                if ip3 >= limit {
                    break 'search;
                }
            };
            // A match at the last offset is extended backwards beyond the byte checked only
            // where positions are skipped (negative levels), and there 8 bytes at a time: at
            // levels 1 and up such a match rarely reaches further back, and the byte loop's
            // exit mispredicts (libzstd does not extend it at all; at level -5 that costs it
            // up to 25% in size on Silesia's nci).
            let (m, len) = if last {
                let (m, c, known) = if step_size > 2 {
                    let back = extend_back_words(src, anchor, m, c);
                    (m - back, c - back, known + back)
                } else {
                    (m, c, known)
                };
                let len = known + count(src, c + known, m + known, end);
                if m > anchor {
                    store.push_last(src, anchor, m, len);
                } else {
                    // Extended back to the anchor: without literals the codes differ.
                    store.push(src, anchor, m, (m - c) as u32, len);
                }
                (m, len)
            } else {
                // SAFETY: `c < m < limit`.
                let (m, c, len) = unsafe { extend_back(input, anchor, m, c, end, known) };
                store.push_new(src, anchor, m, (m - c) as u32, len);
                (m, len)
            };
            ip0 = m + len;
            // Index positions inside the match so later searches can land there.
            for q in [m + 2, ip0 - 2] {
                if q < limit {
                    // SAFETY: a hash from `hash`, as above.
                    unsafe { table.set(hash(q), q) };
                }
            }
            ip0 = repeat_run(input, ip0, end, limit, store);
            anchor = ip0;
        }
        anchor
    }

    /// `dfast`: an 8-byte hash table and a short one of `MLS`-byte hashes; a short match is
    /// traded for a long one found at the next position searched. Returns the last anchor.
    /// Pipelined like libzstd's: the next position's long hash and candidate are loaded before
    /// the current candidates are compared; the step grows by one every `1 << SEARCH_STRENGTH`
    /// bytes without a match (twice `fast`'s interval, as in libzstd).
    fn dfast<const MLS: u32>(
        &mut self,
        p: &Params,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        store: &mut SeqStore,
    ) -> usize {
        let (long_bits, short_bits) = (p.hash_log, p.chain_log);
        let limit = Self::limit(src, end);
        let (Some(input), Some(mut long), Some(mut short)) = (
            Input::new(src, limit),
            Table::new(&mut self.hash, long_bits),
            Table::new(&mut self.chain, short_bits),
        ) else {
            return start;
        };
        // Every position given to these is below `limit`: the loop reads at `ip < ip1 <
        // limit`, at candidates before them, and indexes positions before the end of a match
        // that ends below `limit`.
        let hash_long = |pos: usize| {
            debug_assert!(pos < limit);
            // SAFETY: `pos < limit`, as above.
            unsafe { input.hash::<8>(pos, long_bits) }
        };
        let hash_short = |pos: usize| {
            debug_assert!(pos < limit);
            // SAFETY: `pos < limit`, as above.
            unsafe { input.hash::<MLS>(pos, short_bits) }
        };
        // Whether the 8 (`long`) or 4 bytes at `cand` and `at` are equal.
        let equal = |cand: usize, at: usize, long: bool| {
            debug_assert!(cand < at && at < limit);
            // SAFETY: `cand < at < limit` (the callers check `cand < at` first).
            unsafe {
                if long {
                    input.read64(cand) == input.read64(at)
                } else {
                    input.read32(cand) == input.read32(at)
                }
            }
        };
        let mut anchor = start;
        let mut ip = start;
        'search: loop {
            let mut step = 1;
            let mut next_step = ip + (1 << SEARCH_STRENGTH);
            let mut ip1 = ip + 1;
            if ip1 >= limit {
                break;
            }
            let mut hl0 = hash_long(ip);
            // SAFETY: `hl0` is a hash from `hash_long`, of `long_bits` bits, the table's size
            // (every `long` and `short` access below is at a hash from `hash_long` and
            // `hash_short`, of the bits of its table).
            let mut cand_l0 = unsafe { long.get(hl0) };
            // The last offset, tried one byte past `ip` (`ip + 1 <= ip1 < limit`); 0 (not
            // tried) in this search when it reaches before the input.
            let rep = store.reps[0] as usize;
            let rep = if rep <= ip { rep } else { 0 };
            // (match start, its source, bytes known equal, whether at the last offset).
            let (m, c, known, last) = loop {
                let hs0 = hash_short(ip);
                // SAFETY: a hash from `hash_short`, as above.
                let cand_s0 = unsafe { short.get(hs0) };
                // SAFETY: a hash from `hash_long`, as above.
                unsafe { long.set(hl0, ip) };
                // SAFETY: a hash from `hash_short`, as above.
                unsafe { short.set(hs0, ip) };
                // SAFETY: `rep <= ip < ip + 1 <= ip1 < limit`.
                if unsafe { input.repeats(ip + 1, rep) } {
                    break (ip + 1, ip + 1 - rep, 4, true);
                }
                let hl1 = hash_long(ip1);
                if in_window(cand_l0, ip, window) && equal(cand_l0, ip, true) {
                    if step < 4 {
                        // SAFETY: a hash from `hash_long`, as above.
                        unsafe { long.set(hl1, ip1) };
                    }
                    break (ip, cand_l0, 8, false);
                }
                // SAFETY: a hash from `hash_long`, as above.
                let cand_l1 = unsafe { long.get(hl1) };
                if in_window(cand_s0, ip, window) && equal(cand_s0, ip, false) {
                    // A long match at the next position beats the short one.
                    if step < 4 {
                        // SAFETY: a hash from `hash_long`, as above.
                        unsafe { long.set(hl1, ip1) };
                    }
                    if in_window(cand_l1, ip1, window) && equal(cand_l1, ip1, true) {
                        break (ip1, cand_l1, 8, false);
                    }
                    break (ip, cand_s0, 4, false);
                }
                if ip1 >= next_step {
                    step += 1;
                    next_step += 1 << SEARCH_STRENGTH;
                }
                ip = ip1;
                ip1 += step;
                hl0 = hl1;
                cand_l0 = cand_l1;
                if ip1 >= limit {
                    break 'search;
                }
            };
            let searched = ip;
            // A match at the last offset (one past `ip`, so past the anchor) is not extended
            // backwards, as in `fast` at levels 1 and up.
            let (m, len) = if last {
                let len = known + count(src, c + known, m + known, end);
                store.push_last(src, anchor, m, len);
                (m, len)
            } else {
                // SAFETY: `c < m < limit`.
                let (m, c, len) = unsafe { extend_back(input, anchor, m, c, end, known) };
                store.push_select(src, anchor, m, (m - c) as u32, len);
                (m, len)
            };
            ip = m + len;
            // Index positions inside the match (all after `searched`, as every match reaches at
            // least 4 bytes past it).
            if ip < limit {
                for q in [searched + 2, ip - 2, ip - 1] {
                    // SAFETY: a hash from `hash_long`, as above.
                    unsafe { long.set(hash_long(q), q) };
                    // SAFETY: a hash from `hash_short`, as above.
                    unsafe { short.set(hash_short(q), q) };
                }
            }
            ip = repeat_run(input, ip, end, limit, store);
            anchor = ip;
        }
        anchor
    }

    /// Asserts that the tables hold every row of `rows` (after `row_start` and `tag_start`):
    /// the promise [`row`](Self::row) and [`row_mut`](Self::row_mut) rely on, checked once
    /// per search rather than at every row touched (those checks cost levels 5 and 7 4-11% of
    /// their time relative to libzstd on dickens, nci and xml).
    fn assert_rows_fit(&self, rows: Rows) {
        let slots = 1usize << (rows.row_bits + rows.log);
        assert!(
            self.row_start + slots <= self.hash.len() && self.tag_start + slots <= self.tags.len(),
            "the row tables are sized for these rows"
        );
    }

    /// The first slot of the row of row hash `h`: its row bits masked to the table's rows.
    #[inline(always)]
    fn row_base(h: u32, rows: Rows) -> usize {
        ((h as usize >> 8) & ((1 << rows.row_bits) - 1)) << rows.log
    }

    /// The tags and positions of the row of row hash `h` (in `tags` and `hash`, the fields of
    /// that name, passed apart so that the other fields can be borrowed beside them).
    ///
    /// # Safety
    /// [`assert_rows_fit`](Self::assert_rows_fit) passed for `rows` since the tables were last
    /// resized.
    #[inline(always)]
    unsafe fn row<'a>(
        (tags, hash): (&'a [u8], &'a [u32]),
        (tag_start, row_start): (usize, usize),
        h: u32,
        rows: Rows,
    ) -> (&'a [u8], &'a [u32]) {
        let (base, entries) = (Self::row_base(h, rows), 1usize << rows.log);
        let (t, r) = (tag_start + base, row_start + base);
        debug_assert!(t + entries <= tags.len() && r + entries <= hash.len());
        // SAFETY: `base + entries <= 1 << (row_bits + log)` (the row index has `row_bits`
        // bits), and the tables hold that many slots after `tag_start` and `row_start` (the
        // caller's promise).
        unsafe {
            (
                tags.get_unchecked(t..t + entries),
                hash.get_unchecked(r..r + entries),
            )
        }
    }

    /// [`row`](Self::row), to write.
    ///
    /// # Safety
    /// As for [`row`](Self::row).
    #[inline(always)]
    unsafe fn row_mut(&mut self, h: u32, rows: Rows) -> (&mut [u8], &mut [u32]) {
        let (base, entries) = (Self::row_base(h, rows), 1usize << rows.log);
        let (t, r) = (self.tag_start + base, self.row_start + base);
        debug_assert!(t + entries <= self.tags.len() && r + entries <= self.hash.len());
        // SAFETY: as in `row`.
        unsafe {
            (
                self.tags.get_unchecked_mut(t..t + entries),
                self.hash.get_unchecked_mut(r..r + entries),
            )
        }
    }

    /// Puts `pos`, of row hash `h`, in its row as the newest entry.
    ///
    /// # Safety
    /// As for [`row`](Self::row).
    #[inline(always)]
    unsafe fn row_insert(&mut self, h: u32, pos: usize, rows: Rows) {
        let entries = 1usize << rows.log;
        // SAFETY: the caller's promise, passed on.
        let (tags, positions) = unsafe { self.row_mut(h, rows) };
        let mask = entries - 1;
        // The slot before the head, slot 0 (the head itself) skipped.
        let mut next = usize::from(tags[0]).wrapping_sub(1) & mask;
        if next == 0 {
            next = mask;
        }
        tags[0] = next as u8;
        tags[next & mask] = h as u8;
        positions[next & mask] = pos as u32;
    }

    /// Hints that the row of hash `h` will be read soon.
    #[inline(always)]
    fn prefetch_row(&self, h: u32, rows: Rows) {
        use simd_arch::{Locality, prefetch_read};
        let base = (h as usize >> 8) << rows.log;
        // `wrapping_add`: a hint needs no valid pointer (and these are inside the tables).
        let positions = self.hash.as_ptr().wrapping_add(self.row_start + base);
        let tags = self.tags.as_ptr().wrapping_add(self.tag_start + base);
        prefetch_read(positions, Locality::L1);
        if rows.log >= 5 {
            prefetch_read(positions.wrapping_add(16), Locality::L1);
        }
        prefetch_read(tags, Locality::L1);
        if rows.log == 6 {
            prefetch_read(tags.wrapping_add(32), Locality::L1);
        }
    }

    /// Computes the row hashes of the [`HASH_CACHE`] positions from `from` on (those below
    /// `limit`) and prefetches their rows.
    fn fill_hash_cache(&mut self, src: &[u8], from: usize, limit: usize, mls: u32, rows: Rows) {
        for pos in from..(from + HASH_CACHE).min(limit) {
            let h = row_hash(src, pos, mls, rows);
            self.prefetch_row(h, rows);
            self.hash_cache[pos % HASH_CACHE] = h;
        }
    }

    /// The row hash of `pos` from the cache, replaced by that of `pos + HASH_CACHE`, whose row
    /// is prefetched. `pos + HASH_CACHE` must be a searchable position (at least 8 bytes from
    /// the end).
    #[inline(always)]
    fn next_cached_hash(&mut self, src: &[u8], pos: usize, mls: u32, rows: Rows) -> u32 {
        let ahead = row_hash(src, pos + HASH_CACHE, mls, rows);
        self.prefetch_row(ahead, rows);
        std::mem::replace(&mut self.hash_cache[pos % HASH_CACHE], ahead)
    }

    /// Adds the positions up to `target` (exclusive) to the rows, through the hash cache;
    /// of a long run (a long match's inside), only its first and last positions.
    ///
    /// # Safety
    /// As for [`row`](Self::row).
    #[inline(always)]
    unsafe fn update_rows(
        &mut self,
        src: &[u8],
        target: usize,
        limit: usize,
        mls: u32,
        rows: Rows,
    ) {
        let mut pos = self.next_to_update;
        if target.saturating_sub(pos) > SKIP_THRESHOLD {
            for q in pos..pos + SKIP_HEAD {
                let h = self.next_cached_hash(src, q, mls, rows);
                // SAFETY: the caller's promise, passed on.
                unsafe { self.row_insert(h, q, rows) };
            }
            pos = target - SKIP_TAIL;
            self.fill_hash_cache(src, pos, limit, mls, rows);
        }
        while pos < target {
            let h = self.next_cached_hash(src, pos, mls, rows);
            // SAFETY: the caller's promise, passed on.
            unsafe { self.row_insert(h, pos, rows) };
            pos += 1;
        }
        self.next_to_update = pos.max(self.next_to_update);
    }

    /// The longest match for `ip` among the newest positions of its row whose tag matches, at
    /// most `1 << search_log` of them (libzstd's row-based match finder): `(length, offset)`,
    /// length 0 when none. Indexes the positions before `ip`, and `ip` itself.
    ///
    /// `ip + HASH_CACHE` must be below `limit`, a searchable position; `AVX2` only in code
    /// compiled for the AVX2 level.
    ///
    /// # Safety
    /// As for [`row`](Self::row); and `end <= src.len()`.
    #[inline(always)]
    unsafe fn row_search<const AVX2: bool>(
        &mut self,
        (mls, rows, attempts): (u32, Rows, usize),
        src: &[u8],
        ip: usize,
        (end, limit): (usize, usize),
        window: usize,
    ) -> (usize, usize) {
        let h = if self.skipping || ip < self.next_to_update {
            // Skipping: only the searched positions go in, and the cache is left behind.
            row_hash(src, ip, mls, rows)
        } else {
            // SAFETY: the caller's promise, passed on.
            unsafe { self.update_rows(src, ip, limit, mls, rows) };
            self.next_cached_hash(src, ip, mls, rows)
        };
        let tag = h as u8;
        let entries = 1usize << rows.log;
        // SAFETY: the caller's promise, passed on.
        let (tags, positions) = unsafe {
            Self::row(
                (&self.tags, &self.hash),
                (self.tag_start, self.row_start),
                h,
                rows,
            )
        };
        let head = u32::from(tags[0]);
        // Which slots carry the tag, rotated so that bit 0 is the head, the newest entry.
        let mut found = 0u64;
        #[cfg(target_arch = "x86_64")]
        if AVX2 && entries >= 32 {
            for (k, chunk) in tags.chunks_exact(32).enumerate() {
                // SAFETY: `AVX2` is set only in code compiled for the AVX2 level, which runs
                // only on a CPU that has it.
                let m = unsafe { tag_mask32(chunk.try_into().expect("32 tags"), tag) };
                found |= u64::from(m) << (32 * k);
            }
        }
        if !(cfg!(target_arch = "x86_64") && AVX2 && entries >= 32) {
            for (k, chunk) in tags.chunks_exact(16).enumerate() {
                found |= u64::from(tag_mask(chunk.try_into().expect("16 tags"), tag)) << (16 * k);
            }
        }
        // Slot 0 holds the head, not a tag.
        found &= !1;
        let full = if entries == 64 {
            u64::MAX
        } else {
            (1u64 << entries) - 1
        };
        found = ((found >> head) | (found << ((entries as u32 - head) & 63))) & full;
        // The candidates, newest first, their bytes prefetched before any is compared (the
        // compares then overlap the cache misses instead of waiting on each in turn).
        let cands = &mut self.candidates.0;
        let mut n = 0;
        while found != 0 && n < attempts {
            let slot = (found.trailing_zeros() + head) as usize & (entries - 1);
            found &= found - 1;
            let cand = positions[slot] as usize;
            // One comparison in the common case; the others only when it fails.
            if !in_window(cand, ip, window) {
                if cand >= ip {
                    // Indexed ahead of a search that went back, or from a rebased history.
                    continue;
                }
                // Rows hold positions newest first: every later one is older still.
                break;
            }
            simd_arch::prefetch_read(src.as_ptr().wrapping_add(cand), simd_arch::Locality::L1);
            // (`n < attempts <= 64`: the mask only drops the bounds check.)
            cands[n & 63] = cand as u32;
            n += 1;
        }
        if ip >= self.next_to_update {
            // SAFETY: the caller's promise, passed on.
            unsafe { self.row_insert(h, ip, rows) };
            self.next_to_update = ip + 1;
        }
        // Matches shorter than `MIN_MATCH` are never taken: the best starts at one less, and
        // only a candidate that also matches at the best length can beat it (`best_len <
        // max_len`: inside the input).
        let (mut best_len, mut best_off) = (MIN_MATCH - 1, 0);
        let max_len = end - ip;
        debug_assert!(max_len > MIN_MATCH);
        for &cand in &self.candidates.0[..n] {
            let cand = cand as usize;
            debug_assert!(cand < ip && best_len < max_len);
            // The 4 bytes ending at `best_len` are compared, as libzstd does: a candidate must
            // match there to be longer, and one byte let many through to the full count.
            debug_assert!(best_len >= MIN_MATCH - 1);
            // SAFETY: each read covers `p + best_len - 3 ..= p + best_len` for `p` in `cand`
            // and `ip`: `best_len >= 3` (it starts at `MIN_MATCH - 1` and only grows), and
            // `cand < ip` (only candidates inside the window, so before `ip`, were kept) with
            // `best_len < max_len` (the loop stops when a match reaches `max_len`), so every
            // byte is before `ip + max_len = end <= src.len()` (the caller's promise). Checked
            // reads cost levels 5 to 12 2-8% of their time.
            let (a, b) = unsafe {
                let at = |p: usize| {
                    src.as_ptr()
                        .add(p + best_len - 3)
                        .cast::<u32>()
                        .read_unaligned()
                };
                (at(cand), at(ip))
            };
            if a == b {
                let len = count(src, cand, ip, end);
                if len > best_len {
                    best_len = len;
                    best_off = ip - cand;
                    if len == max_len {
                        break;
                    }
                }
            }
        }
        if best_off == 0 {
            (0, 0)
        } else {
            (best_len, best_off)
        }
    }

    /// [`lazy_rows`](Self::lazy_rows), compiled for the AVX2 level where the rows are of 32 or
    /// 64 entries and the CPU has it (see [`crate::cpu`]): a row's tags are then compared 32 at
    /// a time, and the shifts are BMI2's. Measured on an Intel Xeon (time relative to libzstd,
    /// medians of 4 alternating processes, dickens, mr, nci and xml): levels 9 and 12 (rows of
    /// 32 and 64) 1-12% faster on all 8 rows. Rows of 16 (levels 5 to 8) keep the baseline
    /// build: the AVX2 one was 2-9% slower there on 6 of 8 rows.
    fn rows<const DEPTH: usize>(
        &mut self,
        p: &Params,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        store: &mut SeqStore,
    ) -> usize {
        #[cfg(target_arch = "x86_64")]
        if Rows::of(p).log >= 5 && crate::cpu::has_avx2_level() {
            // SAFETY: the CPU has the AVX2 level's features (detected at run time).
            return unsafe { self.lazy_rows_avx2::<DEPTH>(p, src, start, end, window, store) };
        }
        self.lazy_rows_base::<DEPTH>(p, src, start, end, window, store)
    }

    /// [`lazy_rows`](Self::lazy_rows) compiled for the baseline, a function of its own as it
    /// was before the AVX2 build came (the same code; with `lazy` forced inline, the level 5
    /// loop compiled otherwise and measured 2-9% slower on mr, nci and xml).
    #[inline(never)]
    fn lazy_rows_base<const DEPTH: usize>(
        &mut self,
        p: &Params,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        store: &mut SeqStore,
    ) -> usize {
        self.lazy_rows::<DEPTH, false>(p, src, start, end, window, store)
    }

    /// [`lazy_rows`](Self::lazy_rows) compiled for the AVX2 level.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi1,bmi2,lzcnt")]
    fn lazy_rows_avx2<const DEPTH: usize>(
        &mut self,
        p: &Params,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        store: &mut SeqStore,
    ) -> usize {
        self.lazy_rows::<DEPTH, true>(p, src, start, end, window, store)
    }

    /// [`lazy`](Self::lazy) with the hashed length and the rows' log of `p` as constants.
    /// `AVX2`: compiled for the AVX2 level (the caller's promise), rows' tags compared with it.
    #[inline(always)]
    fn lazy_rows<const DEPTH: usize, const AVX2: bool>(
        &mut self,
        p: &Params,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        store: &mut SeqStore,
    ) -> usize {
        macro_rules! go {
            ($($mls:literal, $log:literal);*) => {
                match (p.min_match.clamp(4, 6), Rows::of(p).log) {
                    $(($mls, $log) => {
                        self.lazy::<DEPTH, $mls, $log, AVX2>(p, src, start, end, window, store)
                    })*
                    _ => unreachable!("hashed lengths and row logs are clamped to 4..=6"),
                }
            };
        }
        go!(4, 4; 4, 5; 4, 6; 5, 4; 5, 5; 5, 6; 6, 4; 6, 5; 6, 6)
    }

    /// `greedy` (`DEPTH` 0), `lazy` (1) and `lazy2` (2), as libzstd's lazy match finder: the
    /// last offset one byte on and a row search here; then, for the lazy ones, up to `DEPTH`
    /// more positions tried for a match worth more (a better one found restarts the look
    /// ahead from it). Returns the last anchor.
    ///
    /// `MLS` is the hashed length (4 to 6) and `LOG` the rows' log (4 to 6), constants so that
    /// each combination is compiled with its hash and row size folded in (as libzstd's
    /// templates are).
    fn lazy<const DEPTH: usize, const MLS: u32, const LOG: u32, const AVX2: bool>(
        &mut self,
        p: &Params,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        store: &mut SeqStore,
    ) -> usize {
        let rows = Rows {
            log: LOG,
            row_bits: Rows::of(p).row_bits,
        };
        debug_assert_eq!(Rows::of(p).log, LOG);
        // What every row search below relies on (the tables are not resized in the search).
        self.assert_rows_fit(rows);
        assert!(end <= src.len(), "the block is inside the input");
        let search = (MLS, rows, 1usize << p.search_log.min(LOG));
        // Searches stop 8 bytes earlier than the other strategies': the hash cache reads 8
        // positions ahead.
        let Some(input) = Input::new(src, Self::limit(src, end)) else {
            return start;
        };
        let limit = Self::limit(src, end).saturating_sub(HASH_CACHE);
        let bounds = (end, limit);
        let mut anchor = start;
        let mut ip = start;
        if self.next_to_update < start.saturating_sub(window) {
            self.next_to_update = start.saturating_sub(window);
        }
        self.skipping = false;
        self.fill_hash_cache(src, self.next_to_update, limit, MLS, rows);
        // Matches are compared by length less the bits of their offset value (`off_base`: 1
        // for the last offset, offset + 3 otherwise), as libzstd's gains.
        let bits = |off_base: usize| high_bit(off_base as u32);
        // The length of a match at the last offset at `at`, 0 when none.
        let rep_at = |at: usize, store: &SeqStore| {
            let rep = store.reps[0] as usize;
            if rep <= at && eq4(src, at, at - rep) {
                count(src, at - rep, at, end)
            } else {
                0
            }
        };
        while ip < limit {
            // The best match: length, offset base, start.
            let (mut ml, mut off_base, mut m) = (0usize, 1usize, ip + 1);
            ml = ml.max(rep_at(ip + 1, store));
            if DEPTH > 0 || ml < MIN_MATCH {
                // SAFETY: the rows fit and `end <= src.len()` (asserted above).
                let (len, off) =
                    unsafe { self.row_search::<AVX2>(search, src, ip, bounds, window) };
                if len > ml {
                    (ml, off_base, m) = (len, off + 3, ip);
                }
                if ml < MIN_MATCH {
                    let step = 1 + ((ip - anchor) >> SEARCH_STRENGTH);
                    ip += step;
                    // After 2 KiB without a match, stop indexing the positions skipped over.
                    self.skipping = step > LAZY_SKIPPING_STEP;
                    continue;
                }
                // Look one byte on (and one more for lazy2) while that finds better.
                'ahead: while DEPTH > 0 && ip < limit {
                    for depth in 1..=DEPTH {
                        if depth == 2 && ip >= limit {
                            break;
                        }
                        ip += 1;
                        let (rep_weight, bias) = if depth == 1 { (3, 4) } else { (4, 7) };
                        let ml_rep = rep_at(ip, store);
                        if ml_rep >= MIN_MATCH
                            && (ml_rep * rep_weight) as i64
                                > (ml * rep_weight) as i64 - bits(off_base) + 1
                        {
                            (ml, off_base, m) = (ml_rep, 1, ip);
                        }
                        // SAFETY: the rows fit and `end <= src.len()` (asserted above).
                        let (len, off) =
                            unsafe { self.row_search::<AVX2>(search, src, ip, bounds, window) };
                        if len >= MIN_MATCH
                            && (4 * len) as i64 - bits(off + 3)
                                > (4 * ml) as i64 - bits(off_base) + bias
                        {
                            (ml, off_base, m) = (len, off + 3, ip);
                            continue 'ahead;
                        }
                    }
                    break;
                }
            }
            let offset = if off_base == 1 {
                store.reps[0] as usize
            } else {
                // Extend backwards over the literals.
                let offset = off_base - 3;
                while m > anchor && m - offset > 0 && src[m - 1] == src[m - 1 - offset] {
                    m -= 1;
                    ml += 1;
                }
                offset
            };
            store.push(src, anchor, m, offset as u32, ml);
            if self.skipping {
                // A match: back to indexing every position.
                self.skipping = false;
                self.fill_hash_cache(src, self.next_to_update, limit, MLS, rows);
            }
            ip = repeat_run(input, m + ml, end, limit, store);
            anchor = ip;
        }
        anchor
    }
}

/// Matches at the second repeat offset right after a match (no literals between): codes them
/// and returns the position after them.
#[inline(always)]
fn repeat_run(
    input: Input<'_>,
    mut ip: usize,
    end: usize,
    stop: usize,
    store: &mut SeqStore,
) -> usize {
    debug_assert!(stop <= input.limit);
    let src = input.src;
    while ip < stop {
        let rep = store.reps[1] as usize;
        // SAFETY: `ip - rep <= ip < stop <= limit` when read.
        if rep > ip || unsafe { input.read32(ip) != input.read32(ip - rep) } {
            break;
        }
        let len = count(src, ip - rep, ip, end);
        store.push(src, ip, ip, rep as u32, len);
        ip += len;
    }
    ip
}

/// How many bytes at `a` and `b < end` are equal, up to `end - b`. Most matches are short, so
/// the first 8 bytes are compared inline; longer ones go to zstd-simd's match-length kernel.
#[inline(always)]
fn count(src: &[u8], a: usize, b: usize, end: usize) -> usize {
    let limit = end - b;
    if limit >= 8 && b + 8 <= src.len() {
        let x = u64::from_le_bytes(src[a..a + 8].try_into().expect("8 bytes"));
        let y = u64::from_le_bytes(src[b..b + 8].try_into().expect("8 bytes"));
        if x != y {
            return ((x ^ y).trailing_zeros() / 8) as usize;
        }
        return 8 + zstd_simd::match_length(src, a + 8, b + 8, limit - 8);
    }
    zstd_simd::match_length(src, a, b, limit)
}

/// Extends a match found at `ip` (candidate `cand`), whose first `known` bytes are known to
/// be equal, forwards to at most `end` and backwards to at most `anchor`: `(start, candidate
/// start, length)`. Counting from `known` matters for speed: the 8 bytes compared first then
/// mostly differ (most matches are short), where from the start they differed about half the
/// time, a misprediction per two matches. The bytes before the match are read without their
/// bounds checks: levels -5 to 3 then took 0.98-0.99 of the time they took with them
/// (docs/BENCHMARKS.md).
///
/// # Safety
/// `cand < ip < input.limit`.
#[inline(always)]
unsafe fn extend_back(
    input: Input<'_>,
    anchor: usize,
    ip: usize,
    cand: usize,
    end: usize,
    known: usize,
) -> (usize, usize, usize) {
    debug_assert!(cand < ip && ip < input.limit && ip + known <= end);
    let mut len = known + count(input.src, cand + known, ip + known, end);
    let (mut m, mut c) = (ip, cand);
    // One branch per byte: both bounds as one condition (`&`, not `&&`).
    // SAFETY: `c - 1 < m - 1 < ip < limit` when read (both above 0 then).
    while (m > anchor) & (c > 0) && unsafe { input.byte(m - 1) == input.byte(c - 1) } {
        m -= 1;
        c -= 1;
        len += 1;
    }
    (m, c, len)
}

/// Whether `cand` lies before `at` and at most `window` bytes back (`1 <= at - cand <=
/// window`) in one comparison: a `cand` not before `at` wraps to above the window.
#[inline(always)]
fn in_window(cand: usize, at: usize, window: usize) -> bool {
    at.wrapping_sub(cand).wrapping_sub(1) < window
}

/// How far a match at `ip` (source `cand`) extends backwards, to at most `anchor` and the
/// input's start: 8 bytes compared at a time, the last word's count capped at the room left;
/// byte by byte only within 8 bytes of the input's start.
#[inline(always)]
fn extend_back_words(src: &[u8], anchor: usize, ip: usize, cand: usize) -> usize {
    debug_assert!(anchor <= ip && cand < ip);
    let mut back = 0;
    loop {
        let room = (ip - back - anchor).min(cand - back);
        if room < 8 {
            if cand - back >= 8 {
                // The 8 bytes before each (`ip - back > cand - back >= 8`), of which only the
                // `room` nearest count. Most of these matches start right after the search's
                // anchor (the last offset is tried at the second position on): byte by byte
                // this was a loop of 2.7 bytes a match on Silesia's nci at level -5, with an
                // exit misprediction each.
                let (a, b) = (ip - back - 8, cand - back - 8);
                let x = u64::from_le_bytes(src[a..a + 8].try_into().expect("8 bytes"));
                let y = u64::from_le_bytes(src[b..b + 8].try_into().expect("8 bytes"));
                return back + ((x ^ y).leading_zeros() as usize / 8).min(room);
            }
            let mut n = 0;
            while n < room && src[ip - back - n - 1] == src[cand - back - n - 1] {
                n += 1;
            }
            return back + n;
        }
        let (a, b) = (ip - back - 8, cand - back - 8);
        let x = u64::from_le_bytes(src[a..a + 8].try_into().expect("8 bytes"));
        let y = u64::from_le_bytes(src[b..b + 8].try_into().expect("8 bytes"));
        // The byte nearest the match is the most significant: equal bytes there are the
        // xor's leading zero bytes.
        let d = x ^ y;
        if d != 0 {
            return back + (d.leading_zeros() / 8) as usize;
        }
        back += 8;
    }
}

/// The input as the hot loops read it: reads at positions below `limit`, which is at least 8
/// bytes before the end, without a bounds check per read (checks and clamps cost the `fast`
/// loop 8% of its time; its positions are below `limit` by its loop condition).
#[derive(Clone, Copy)]
struct Input<'a> {
    src: &'a [u8],
    limit: usize,
}

impl<'a> Input<'a> {
    /// `None` when `src` has fewer than `limit + 8` bytes.
    fn new(src: &'a [u8], limit: usize) -> Option<Input<'a>> {
        (limit.checked_add(8)? <= src.len()).then_some(Input { src, limit })
    }

    /// The 8 bytes at `pos`, little-endian.
    ///
    /// # Safety
    /// `pos < limit`.
    #[inline(always)]
    unsafe fn read64(self, pos: usize) -> u64 {
        debug_assert!(pos < self.limit);
        // SAFETY: `pos < limit` (the caller's promise) and `limit + 8 <= src.len()` (checked
        // in `new`), so the 8 bytes are inside `src`; `read_unaligned` needs no alignment.
        u64::from_le(unsafe { self.src.as_ptr().add(pos).cast::<u64>().read_unaligned() })
    }

    /// The byte at `pos`.
    ///
    /// # Safety
    /// `pos < limit`.
    #[inline(always)]
    unsafe fn byte(self, pos: usize) -> u8 {
        debug_assert!(pos < self.limit);
        // SAFETY: `pos < limit < src.len()` (the caller's promise; `new`).
        unsafe { *self.src.get_unchecked(pos) }
    }

    /// The 4 bytes at `pos`, little-endian.
    ///
    /// # Safety
    /// `pos < limit`.
    #[inline(always)]
    unsafe fn read32(self, pos: usize) -> u32 {
        debug_assert!(pos < self.limit);
        // SAFETY: as in `read64`, with 4 bytes.
        u32::from_le(unsafe { self.src.as_ptr().add(pos).cast::<u32>().read_unaligned() })
    }

    /// Whether the 4 bytes at `pos` repeat those `rep` before, `rep` 0 never matching: without
    /// a branch on `rep` (as libzstd tests the last offset).
    ///
    /// # Safety
    /// `rep < pos < limit`.
    #[inline(always)]
    unsafe fn repeats(self, pos: usize, rep: usize) -> bool {
        debug_assert!(rep < pos);
        // SAFETY: `pos - rep <= pos < limit` (the caller's promise); as in `read32`.
        (rep != 0) & unsafe { self.read32(pos) == self.read32(pos - rep) }
    }

    /// The hash of the `MLS` bytes at `pos` into `bits` bits: below `1 << bits` for `bits` in
    /// `1..=32`, as zstd-simd's hashes promise (they keep the top `bits` bits of a product), so
    /// it indexes a [`Table`] of that many bits.
    ///
    /// # Safety
    /// `pos < limit`.
    #[inline(always)]
    unsafe fn hash<const MLS: u32>(self, pos: usize, bits: u32) -> usize {
        // SAFETY: the caller's promise, passed on.
        (unsafe {
            match MLS {
                4 => zstd_simd::hash4(self.read32(pos), bits),
                5 => zstd_simd::hash5(self.read64(pos), bits),
                6 => zstd_simd::hash6(self.read64(pos), bits),
                7 => zstd_simd::hash7(self.read64(pos), bits),
                _ => zstd_simd::hash8(self.read64(pos), bits),
            }
        }) as usize
    }
}

/// A hash table of `1 << bits` positions, indexed by hashes of `bits` bits ([`Input::hash`])
/// without a bounds check or a mask: a hash's range is its promise, not visible to the compiler,
/// and the mask's `and` (its operand spilled to the stack in the `fast` loop) cost levels -5 to
/// 3 about 1.2% of their time relative to libzstd (docs/BENCHMARKS.md).
struct Table<'a> {
    slots: &'a mut [u32],
}

impl<'a> Table<'a> {
    /// `None` unless `bits` is in `1..=32` and `slots` holds `1 << bits` entries (the
    /// encoder's parameters and [`reset`](Matcher::reset) see to both, at every level: tested;
    /// a finder given `None` would find nothing, its block staying literals). Not an
    /// `assert!`: with one the `fast` loop compiled 1.5-5% slower.
    fn new(slots: &'a mut [u32], bits: u32) -> Option<Table<'a>> {
        ((1..=32).contains(&bits) && slots.len() == 1 << bits).then_some(Table { slots })
    }

    /// The position in slot `h`.
    ///
    /// # Safety
    /// `h < 1 << bits`, the table's size: a hash into the table's `bits` bits.
    #[inline(always)]
    unsafe fn get(&self, h: usize) -> usize {
        debug_assert!(h < self.slots.len());
        // SAFETY: `h < slots.len()`, the caller's promise.
        (unsafe { *self.slots.get_unchecked(h) }) as usize
    }

    /// Puts `pos` in slot `h`.
    ///
    /// # Safety
    /// As for [`get`](Self::get).
    #[inline(always)]
    unsafe fn set(&mut self, h: usize, pos: usize) {
        debug_assert!(h < self.slots.len());
        // SAFETY: as in `get`.
        unsafe { *self.slots.get_unchecked_mut(h) = pos as u32 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoder::{MAX_LEVEL, MIN_LEVEL};

    /// A table takes only `1 << bits` slots with `bits` in `1..=32`, and the tables the
    /// `fast` and `dfast` finders get fit their parameters at every level, window and input
    /// size.
    #[test]
    #[cfg_attr(miri, ignore = "fills tables of up to 2^18 slots hundreds of times")]
    fn tables_fit_every_levels_hash_bits() {
        assert!(Table::new(&mut [0; 2], 1).is_some());
        assert!(Table::new(&mut [0; 1], 0).is_none());
        assert!(Table::new(&mut [0; 4], 1).is_none());
        assert!(Table::new(&mut [0; 2], 33).is_none());
        assert!(Table::new(&mut [0; 2], 65).is_none());
        let mut matcher = Matcher::default();
        for level in MIN_LEVEL..=MAX_LEVEL {
            for len in [
                None,
                Some(0),
                Some(1),
                Some(1000),
                Some(16 << 10),
                Some(300 << 10),
            ] {
                for window_log in [None, Some(10), Some(31)] {
                    let mut p = Params::for_level(level, len);
                    if let Some(w) = window_log {
                        p = p.with_window_log(w);
                    }
                    if !matches!(p.strategy, Strategy::Fast | Strategy::DFast) {
                        continue;
                    }
                    matcher.reset(&p);
                    let (hash_log, chain_log) = (p.hash_log, p.chain_log);
                    match p.strategy {
                        Strategy::Fast => {
                            assert!(Table::new(&mut matcher.hash, hash_log).is_some());
                        }
                        Strategy::DFast => {
                            assert!(Table::new(&mut matcher.hash, hash_log).is_some());
                            assert!(Table::new(&mut matcher.chain, chain_log).is_some());
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// Every strategy finds a copy exactly a window back and none a byte further: random
    /// bytes (nothing repeats in them), then a copy of their first 64 at that distance.
    #[test]
    fn finders_stay_inside_the_window() {
        let mut next = crate::test_data::xorshift(0x9E37_79B9_7F4A_7C15);
        let random: Vec<u8> = (0..4096).map(|_| (next() >> 24) as u8).collect();
        let window = 1024;
        for level in [-5, 1, 3, 5, 7, 12] {
            for (distance, expected) in [(window, true), (window + 1, false)] {
                let mut src = random[..distance].to_vec();
                src.extend_from_slice(&random[..64]);
                src.extend_from_slice(&random[2048..2048 + 64]);
                let p = Params::for_level(level, Some(src.len() as u64));
                let mut matcher = Matcher::default();
                matcher.reset(&p);
                let mut store = SeqStore::new();
                matcher.find(&p, &src, 0, src.len(), window, &mut store);
                assert_eq!(
                    !store.seqs.is_empty(),
                    expected,
                    "level {level}, a copy {distance} bytes back"
                );
            }
        }
    }

    /// `push_new` codes an offset after literals as a new one (RFC 8878 §3.1.2.5: a value
    /// above 3 is `offset + 3`, and the decoder's repeat offsets become `[offset, r0, r1]`),
    /// even one equal to a repeat offset, and without literals as `push` does.
    #[test]
    fn push_new_codes_new_offsets() {
        let src = vec![7u8; 64];
        for reps in [[1, 4, 8], [3, 3, 5], [5, 2, 9]] {
            for offset in 1..=9u32 {
                for lits in [0, 1, 5] {
                    let mut a = SeqStore::new();
                    let mut b = SeqStore::new();
                    a.reps = reps;
                    b.reps = reps;
                    a.push(&src, 10, 10 + lits, offset, 4);
                    b.push_new(&src, 10, 10 + lits, offset, 4);
                    let s = b.seqs[0];
                    let label = format!("reps {reps:?}, offset {offset}, {lits} literals");
                    if lits == 0 {
                        assert_eq!(a.reps, b.reps, "{label}");
                        assert_eq!(a.seqs[0].offset_value, s.offset_value, "{label}");
                    } else {
                        assert_eq!(b.reps, [offset, reps[0], reps[1]], "{label}");
                        assert_eq!(s.offset_value, offset + 3, "{label}");
                    }
                    assert_eq!((s.lit_len, s.match_len), (lits as u32, 4), "{label}");
                    assert_eq!(a.literals(), b.literals(), "{label}");
                }
            }
        }
    }

    /// `push_select` codes every offset as `push` does and leaves the same repeat offsets, for
    /// every order of small repeat offsets (equal ones included), each offset they or their
    /// neighbours give, with and without literals.
    #[test]
    fn push_select_codes_as_push() {
        let src = vec![7u8; 64];
        let mut cases = 0;
        for r0 in 1..=4u32 {
            for r1 in 1..=4u32 {
                for r2 in 1..=4u32 {
                    for offset in 1..=5u32 {
                        for lits in [0, 1, 5] {
                            let mut a = SeqStore::new();
                            let mut b = SeqStore::new();
                            a.reps = [r0, r1, r2];
                            b.reps = [r0, r1, r2];
                            a.push(&src, 10, 10 + lits, offset, 4);
                            b.push_select(&src, 10, 10 + lits, offset, 4);
                            assert_eq!(a.reps, b.reps, "reps {r0} {r1} {r2}, offset {offset}");
                            let (sa, sb) = (a.seqs[0], b.seqs[0]);
                            assert_eq!(
                                (sa.lit_len, sa.offset_value, sa.match_len),
                                (sb.lit_len, sb.offset_value, sb.match_len),
                                "reps {r0} {r1} {r2}, offset {offset}, {lits} literals"
                            );
                            assert_eq!(a.literals(), b.literals());
                            cases += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(cases, 4 * 4 * 4 * 5 * 3);
    }

    /// `extend_back_words` finds what a byte-by-byte backward comparison finds, for every
    /// anchor, position and source in inputs with equal stretches of every length.
    #[test]
    fn extend_back_words_matches_bytes() {
        // Letters from a pseudo-random 3-letter alphabet (short equal stretches everywhere),
        // then the first 50 of them twice more, once with a byte changed (long ones).
        let mut next = crate::test_data::xorshift(0x9E37_79B9_7F4A_7C15);
        let mut src: Vec<u8> = (0..60).map(|_| (next() % 3) as u8).collect();
        let head = src[..50].to_vec();
        src.extend_from_slice(&head);
        src.extend_from_slice(&head);
        src[140] = 9;
        let mut longest = 0;
        for ip in 1..src.len() {
            for cand in 0..ip {
                for anchor in [0, ip / 2, ip - 1, ip] {
                    let mut n = 0;
                    while ip - n > anchor && cand > n && src[ip - n - 1] == src[cand - n - 1] {
                        n += 1;
                    }
                    assert_eq!(
                        extend_back_words(&src, anchor, ip, cand),
                        n,
                        "ip {ip}, cand {cand}, anchor {anchor}"
                    );
                    longest = longest.max(n);
                }
            }
        }
        assert!(
            longest >= 50,
            "the input has long equal stretches ({longest})"
        );
    }
}
