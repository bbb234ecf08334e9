//! Match finders: libzstd's `fast`, `dfast`, `greedy`, `lazy` and `lazy2` strategies, over
//! hash tables that live as long as the context (sized once, reset with a fill per frame); the
//! last three search rows of tagged entries, as libzstd's row-based match finder does.
//!
//! Positions are indexes into the frame's input, kept as `u32` (`EMPTY` marks an unused slot).
//! A candidate is always checked byte by byte before it is used, so a stale or colliding entry
//! only costs a missed match.

use zstd_simd::WILDCOPY_SLACK;

use super::params::{Params, Strategy};

/// An unused table slot.
const EMPTY: u32 = u32::MAX;

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
        let dst = &mut self.literals[self.lit_count..];
        if to + WILDCOPY_SLACK <= src.len() {
            zstd_simd::wildcopy(dst, &src[from..], n);
        } else {
            dst[..n].copy_from_slice(&src[from..to]);
        }
        self.lit_count += n;
    }

    #[cold]
    fn grow(&mut self, need: usize) {
        self.literals.resize(need.max(2 * self.literals.len()), 0);
    }

    /// Records the literals `src[anchor..at]` and a match of `len` bytes at `offset`, coding
    /// the offset as a repeat where the format allows and updating the repeat offsets as the
    /// decoder will (RFC 8878 §3.1.1.5).
    #[inline]
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
    /// at a time before any candidate's bytes are read.
    tags: Vec<u8>,
    /// Per row, the slot written last (rows fill backwards, so the newest come first).
    heads: Vec<u8>,
    /// The next position the rows have not indexed yet.
    next_to_update: usize,
}

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
                (1 << (r.row_bits + r.log), 0, Some(1usize << r.row_bits))
            }
        };
        // A fill, not a fresh allocation: capacity stays for the next frame.
        self.hash.clear();
        self.hash.resize(hash_len, EMPTY);
        self.chain.clear();
        self.chain.resize(chain_len, EMPTY);
        self.tags.clear();
        self.heads.clear();
        if let Some(rows) = rows {
            self.tags.resize(hash_len, 0);
            self.heads.resize(rows, 0);
        }
        self.next_to_update = 0;
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
            // The rows index everything before a search as it starts.
            _ => self.insert_rows(src, limit, p.min_match, Rows::of(p)),
        }
    }

    /// Moves every position back by `shift` (the input's front was dropped); positions before
    /// it are forgotten.
    pub(super) fn rebase(&mut self, shift: usize) {
        let shift32 = shift as u32;
        for slot in self.hash.iter_mut().chain(self.chain.iter_mut()) {
            *slot = if *slot == EMPTY || *slot < shift32 {
                EMPTY
            } else {
                *slot - shift32
            };
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
            Strategy::Greedy => self.lazy::<0>(p, src, start, end, window, store),
            Strategy::Lazy => self.lazy::<1>(p, src, start, end, window, store),
            Strategy::Lazy2 => self.lazy::<2>(p, src, start, end, window, store),
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
        let table = &mut self.hash[..];
        let hash = |pos: usize| zstd_simd::hash_at(src, pos, MLS, bits) as usize;
        // A hash candidate: inside the window, before the position, its first 4 bytes equal.
        let found = |cand: usize, ip: usize| {
            cand < ip && ip - cand <= window && read32(src, cand) == read32(src, ip)
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
            let mut cand = table[h0] as usize;
            // (match start, its source) once found.
            let (m, c) = loop {
                table[h0] = ip0 as u32;
                let rep = store.reps[0] as usize;
                if rep < ip2 && read32(src, ip2) == read32(src, ip2 - rep) {
                    // ip2 - 1 is past the anchor: ip2 >= ip0 + 2.
                    let back = usize::from(src[ip2 - 1] == src[ip2 - 1 - rep]);
                    table[h1] = ip1 as u32;
                    break (ip2 - back, ip2 - back - rep);
                }
                if found(cand, ip0) {
                    table[h1] = ip1 as u32;
                    break (ip0, cand);
                }
                cand = table[h1] as usize;
                h0 = h1;
                h1 = hash(ip2);
                ip0 = ip1;
                ip1 = ip2;
                ip2 = ip3;
                table[h0] = ip0 as u32;
                if found(cand, ip0) {
                    table[h1] = ip1 as u32;
                    break (ip0, cand);
                }
                cand = table[h1] as usize;
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
            let (m, c, len) = extend_back(src, anchor, m, c, end);
            store.push(src, anchor, m, (m - c) as u32, len);
            ip0 = m + len;
            // Index positions inside the match so later searches can land there.
            for q in [m + 2, ip0 - 2] {
                if q < limit {
                    table[hash(q)] = q as u32;
                }
            }
            ip0 = repeat_run(src, ip0, end, limit, store);
            anchor = ip0;
        }
        anchor
    }

    /// `dfast`: an 8-byte hash table and a short one of `MLS`-byte hashes; a short match is
    /// traded for a long one found one byte on. Returns the last anchor.
    fn dfast<const MLS: u32>(
        &mut self,
        p: &Params,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        store: &mut SeqStore,
    ) -> usize {
        let (mls, long_bits, short_bits) = (MLS, p.hash_log, p.chain_log);
        let limit = Self::limit(src, end);
        let mut anchor = start;
        let mut ip = start;
        let valid = |cand: usize, at: usize| cand < at && at - cand <= window;
        while ip < limit {
            let hl = hash(src, ip, 8, long_bits);
            let hs = hash(src, ip, mls, short_bits);
            let cand_l = self.hash[hl] as usize;
            let cand_s = self.chain[hs] as usize;
            self.hash[hl] = ip as u32;
            self.chain[hs] = ip as u32;
            let rep = store.reps[0] as usize;
            let (m, c, len);
            if ip + 1 < limit && rep <= ip + 1 && ip + 1 > anchor && eq4(src, ip + 1, ip + 1 - rep)
            {
                // The last offset one byte on.
                m = ip + 1;
                c = m - rep;
                len = count(src, c, m, end);
            } else if valid(cand_l, ip) && src[cand_l..cand_l + 8] == src[ip..ip + 8] {
                (m, c, len) = extend_back(src, anchor, ip, cand_l, end);
            } else if valid(cand_s, ip) && eq4(src, cand_s, ip) {
                // A long match one byte on beats the short one.
                let next = ip + 1;
                let hl1 = hash(src, next, 8, long_bits);
                let cand_l1 = self.hash[hl1] as usize;
                self.hash[hl1] = next as u32;
                if next < limit
                    && valid(cand_l1, next)
                    && src[cand_l1..cand_l1 + 8] == src[next..next + 8]
                {
                    (m, c, len) = extend_back(src, anchor, next, cand_l1, end);
                } else {
                    (m, c, len) = extend_back(src, anchor, ip, cand_s, end);
                }
            } else {
                ip += 1 + ((ip - anchor) >> SEARCH_STRENGTH);
                continue;
            }
            store.push(src, anchor, m, (m - c) as u32, len);
            ip = m + len;
            // Index positions inside the match.
            for q in [m + 2, ip.saturating_sub(2), ip.saturating_sub(1)] {
                if q > m && q < limit && q < ip {
                    self.hash[hash(src, q, 8, long_bits)] = q as u32;
                    self.chain[hash(src, q, mls, short_bits)] = q as u32;
                }
            }
            ip = repeat_run(src, ip, end, limit, store);
            anchor = ip;
        }
        anchor
    }

    /// Adds the positions up to `target` (exclusive) to the rows.
    #[inline]
    fn insert_rows(&mut self, src: &[u8], target: usize, mls: u32, rows: Rows) {
        let row_mask = (1u8 << rows.log).wrapping_sub(1);
        let mut pos = self.next_to_update;
        while pos < target {
            let h = hash(src, pos, mls, rows.row_bits + 8);
            let row = h >> 8;
            let head = self.heads[row].wrapping_sub(1) & row_mask;
            self.heads[row] = head;
            let slot = (row << rows.log) | usize::from(head);
            self.tags[slot] = h as u8;
            self.hash[slot] = pos as u32;
            pos += 1;
        }
        self.next_to_update = pos.max(self.next_to_update);
    }

    /// The longest match for `ip` among the newest positions of its row whose tag matches, at
    /// most `1 << search_log` of them (libzstd's row-based match finder): `(length, offset)`,
    /// length 0 when none.
    #[inline]
    fn row_search(
        &mut self,
        p: &Params,
        src: &[u8],
        ip: usize,
        end: usize,
        window: usize,
    ) -> (usize, usize) {
        let rows = Rows::of(p);
        self.insert_rows(src, ip, p.min_match, rows);
        let h = hash(src, ip, p.min_match, rows.row_bits + 8);
        let (row, tag) = (h >> 8, h as u8);
        let entries = 1usize << rows.log;
        let base = row << rows.log;
        let head = u32::from(self.heads[row]);
        let tags = &self.tags[base..base + entries];
        let positions = &self.hash[base..base + entries];
        // Which slots carry the tag (the compiler turns this into byte-vector compares),
        // rotated so that bit 0 is the head, the newest entry.
        let mut found = 0u64;
        for (i, &t) in tags.iter().enumerate() {
            found |= u64::from(t == tag) << i;
        }
        let full = if entries == 64 {
            u64::MAX
        } else {
            (1u64 << entries) - 1
        };
        found = ((found >> head) | (found << ((entries as u32 - head) & 63))) & full;
        let (mut best_len, mut best_off) = (0, 0);
        let max_len = end - ip;
        let mut attempts = 1u32 << p.search_log.min(rows.log);
        while found != 0 && attempts > 0 {
            let slot = (found.trailing_zeros() + head) as usize & (entries - 1);
            found &= found - 1;
            let cand = positions[slot] as usize;
            if cand >= ip {
                // Unused, or from a rebased history.
                continue;
            }
            if ip - cand > window {
                // Rows hold positions newest first: every later one is older still.
                break;
            }
            attempts -= 1;
            // Only a candidate that also matches at the current best length can beat it.
            if src[cand + best_len.min(max_len - 1)] == src[ip + best_len.min(max_len - 1)] {
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
        (best_len, best_off)
    }

    /// `greedy` (`DEPTH` 0), `lazy` (1) and `lazy2` (2): row search, then up to `DEPTH`
    /// more positions tried for a match worth more. Returns the last anchor.
    fn lazy<const DEPTH: usize>(
        &mut self,
        p: &Params,
        src: &[u8],
        start: usize,
        end: usize,
        window: usize,
        store: &mut SeqStore,
    ) -> usize {
        let limit = Self::limit(src, end);
        let mut anchor = start;
        let mut ip = start;
        if self.next_to_update < start.saturating_sub(window) {
            self.next_to_update = start.saturating_sub(window);
        }
        // A match's worth: 4 points a byte, less the bits of its offset value.
        let worth = |len: usize, offset_value: u32| 4 * len as i64 - high_bit(offset_value);
        while ip < limit {
            // (length, offset, start) of the best match so far; offset 0 is the last offset.
            let mut best = (0usize, 0usize, ip);
            let rep = store.reps[0] as usize;
            if ip > anchor && rep <= ip && eq4(src, ip, ip - rep) {
                best = (count(src, ip - rep, ip, end), 0, ip);
            }
            let (len, off) = self.row_search(p, src, ip, end, window);
            if len > best.0 {
                best = (len, off, ip);
            }
            if best.0 < MIN_MATCH {
                ip += 1 + ((ip - anchor) >> SEARCH_STRENGTH);
                continue;
            }
            let value = |off: usize| if off == 0 { 1 } else { off as u32 + 3 };
            // Look one byte on (and one more for lazy2) while that finds better.
            let mut depth = 0;
            let mut at = best.2;
            while depth < DEPTH && at + 1 < limit {
                at += 1;
                let current = worth(best.0, value(best.1));
                let rep = store.reps[0] as usize;
                let mut found = false;
                if rep <= at && eq4(src, at, at - rep) {
                    let len = count(src, at - rep, at, end);
                    if len >= MIN_MATCH && worth(len, 1) > current + 1 {
                        best = (len, 0, at);
                        found = true;
                    }
                }
                let (len, off) = self.row_search(p, src, at, end, window);
                let bias = if depth == 0 { 4 } else { 7 };
                if len >= MIN_MATCH && worth(len, value(off)) > worth(best.0, value(best.1)) + bias
                {
                    best = (len, off, at);
                    found = true;
                }
                if found {
                    // Keep looking on from the new match's start.
                    depth = 0;
                } else {
                    depth += 1;
                }
            }
            let (mut len, off, mut m) = best;
            let offset = if off == 0 {
                store.reps[0] as usize
            } else {
                off
            };
            if off != 0 {
                // Extend backwards over the literals.
                while m > anchor && m - offset > 0 && src[m - 1] == src[m - 1 - offset] {
                    m -= 1;
                    len += 1;
                }
            }
            store.push(src, anchor, m, offset as u32, len);
            ip = repeat_run(src, m + len, end, limit, store);
            anchor = ip;
        }
        anchor
    }
}

/// Matches at the second repeat offset right after a match (no literals between): codes them
/// and returns the position after them.
fn repeat_run(src: &[u8], mut ip: usize, end: usize, limit: usize, store: &mut SeqStore) -> usize {
    while ip < limit {
        let rep = store.reps[1] as usize;
        if rep > ip || read32(src, ip) != read32(src, ip - rep) {
            break;
        }
        let len = count(src, ip - rep, ip, end);
        store.push(src, ip, ip, rep as u32, len);
        ip += len;
    }
    ip
}

/// The 4 bytes at `pos`, little-endian.
#[inline(always)]
fn read32(src: &[u8], pos: usize) -> u32 {
    u32::from_le_bytes(src[pos..pos + 4].try_into().expect("4 bytes"))
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

/// Extends a match found at `ip` (candidate `cand`) forwards to at most `end` and backwards to
/// at most `anchor`: `(start, candidate start, length)`.
#[inline(always)]
fn extend_back(
    src: &[u8],
    anchor: usize,
    ip: usize,
    cand: usize,
    end: usize,
) -> (usize, usize, usize) {
    let mut len = count(src, cand, ip, end);
    let (mut m, mut c) = (ip, cand);
    while m > anchor && c > 0 && src[m - 1] == src[c - 1] {
        m -= 1;
        c -= 1;
        len += 1;
    }
    (m, c, len)
}
