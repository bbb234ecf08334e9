//! Huffman coding of literals: depth-limited code lengths, the tree description (weights
//! written directly or FSE-compressed), and 1- or 4-stream encoding.

use super::entropy::{CTable, append_bits, normalize, table_log};
use crate::huffman::MAX_BITS;

/// A Huffman code for byte symbols, assigned the way the decoder rebuilds it from weights.
#[derive(Clone, Debug)]
pub(super) struct HufTable {
    /// Per symbol: its code in the top `length` bits and its length in the low byte (the
    /// form the stream coder adds, see [`Codes`]); 0 means no code.
    codes: [u64; 256],
    /// The longest code length.
    max_bits: u32,
    /// The highest symbol with a code (its weight is implied in the description).
    last: usize,
    /// How many symbols have a code of each length.
    rank_count: [u32; MAX_BITS as usize + 2],
    /// The symbols with a code (bit `s & 63` of word `s >> 6`); the others' entries are `(0, 0)`.
    present: [u64; 4],
}

impl HufTable {
    /// An empty code (no symbol has one), to build into.
    pub(super) fn empty() -> HufTable {
        HufTable {
            codes: [0; 256],
            max_bits: 0,
            last: 0,
            rank_count: [0; MAX_BITS as usize + 2],
            present: [0; 4],
        }
    }

    /// Makes this the code for `counts`, lengths at most `limit` bits, in place (a table is
    /// 1 KiB; building it elsewhere and moving it here cost a 1 KiB input 3% of its time);
    /// `false` (and unchanged) when fewer than two symbols are counted.
    pub(super) fn build(
        &mut self,
        counts: &[u32; 256],
        limit: u32,
        scratch: &mut TreeScratch,
    ) -> bool {
        let mut lens = [0u8; 256];
        let mut present = [0u64; 4];
        if !code_lengths(counts, limit, &mut lens, &mut present, scratch) {
            return false;
        }
        self.assign(&lens, &present);
        true
    }

    /// The code a tree description's weights give (all symbols' weights, the implied last one
    /// included); `None` when they do not form a complete code.
    pub(super) fn from_weights(weights: &[u8]) -> Option<HufTable> {
        let total: u32 = weights
            .iter()
            .filter(|&&w| w > 0)
            .map(|&w| 1u32 << (w - 1))
            .sum();
        if total == 0 || !total.is_power_of_two() || weights.len() > 256 {
            return None;
        }
        let max_bits = total.trailing_zeros();
        if max_bits > MAX_BITS {
            return None;
        }
        let mut lens = [0u8; 256];
        let mut present = [0u64; 4];
        for (s, (l, &w)) in lens.iter_mut().zip(weights).enumerate() {
            if w > 0 {
                *l = (max_bits + 1 - u32::from(w)) as u8;
                present[s >> 6] |= 1 << (s & 63);
            }
        }
        let mut table = HufTable::empty();
        table.assign(&lens, &present);
        Some(table)
    }

    /// Assigns codes as the decoder does: from the longest length up, symbols in order within
    /// a length, each taking the next `2^(max_bits - len)` slots of a `max_bits`-bit table.
    /// `present` marks the symbols with a length (bit `s & 63` of word `s >> 6`): the loops visit
    /// only those (over all 256 symbols, this took a 4 KiB input at level 1 2% of its time).
    fn assign(&mut self, lens: &[u8; 256], present: &[u64; 4]) {
        let mut rank_start = [0u32; MAX_BITS as usize + 2];
        let mut rank_count = [0u32; MAX_BITS as usize + 2];
        let (mut max_bits, mut last) = (0, 0);
        for_each_symbol(present, |s| {
            let l = lens[s];
            debug_assert!(l > 0);
            rank_count[usize::from(l)] += 1;
            max_bits = max_bits.max(u32::from(l));
            last = s;
        });
        let mut pos = 0u32;
        for len in (1..=max_bits).rev() {
            rank_start[len as usize] = pos;
            pos += rank_count[len as usize] << (max_bits - len);
        }
        debug_assert_eq!(pos, 1 << max_bits, "a complete code");
        // Only the previous code's symbols need clearing (all 256 entries, three bytes each,
        // took a 1 KiB input 1.7% of its time).
        let codes = &mut self.codes;
        for_each_symbol(&self.present, |s| codes[s] = 0);
        for_each_symbol(present, |s| {
            let l = lens[s];
            let l32 = u32::from(l);
            let at = rank_start[usize::from(l)];
            rank_start[usize::from(l)] += 1 << (max_bits - l32);
            codes[s] = u64::from(at >> (max_bits - l32)) << (64 - l32) | u64::from(l);
        });
        self.max_bits = max_bits;
        self.last = last;
        self.rank_count = rank_count;
        self.present = *present;
    }

    /// Whether every counted symbol has a code.
    pub(super) fn covers(&self, counts: &[u32; 256]) -> bool {
        counts
            .iter()
            .zip(&self.codes)
            .all(|(&c, &code)| c == 0 || code != 0)
    }

    /// The bytes the streams of `counts` take (without jump table or padding).
    pub(super) fn estimate_bytes(&self, counts: &[u32; 256]) -> usize {
        let bits: u64 = counts
            .iter()
            .zip(&self.codes)
            .map(|(&c, &code)| u64::from(c) * (code & 0xff))
            .sum();
        bits.div_ceil(8) as usize
    }

    /// Appends the tree description; `false` (and nothing appended) when this code cannot be
    /// described (more than 128 weights that do not FSE-compress).
    pub(super) fn describe(&self, out: &mut Vec<u8>) -> bool {
        let n = self.last;
        let mut weights = [0u8; 256];
        for (w, &code) in weights.iter_mut().zip(&self.codes[..n]) {
            let l = code as u8;
            *w = if l == 0 {
                0
            } else {
                (self.max_bits + 1 - u32::from(l)) as u8
            };
        }
        let weights = &weights[..n];
        // Each weight's count, from the count of each length: the weights are those of the
        // symbols below `last`, so `last`'s own is taken out, and the rest have weight 0 (a
        // histogram of up to 255 weights took a 4 KiB input's description a sixth of its time).
        let mut counts = [0u32; 13];
        for (w, c) in counts
            .iter_mut()
            .enumerate()
            .skip(1)
            .take(self.max_bits as usize)
        {
            *c = self.rank_count[self.max_bits as usize + 1 - w];
        }
        counts[(self.max_bits + 1 - (self.codes[n] & 0xff) as u32) as usize] -= 1;
        counts[0] = n as u32 - counts.iter().sum::<u32>();
        debug_assert_eq!(counts, weight_counts(weights));
        let mark = out.len();
        if let Some(size) = compress_counted_weights(weights, &counts, out) {
            if n > 128 || size < n.div_ceil(2) {
                return true;
            }
            out.truncate(mark);
        }
        if n > 128 {
            return false;
        }
        out.push((127 + n) as u8);
        for pair in weights.chunks(2) {
            out.push(pair[0] << 4 | pair.get(1).copied().unwrap_or(0));
        }
        true
    }

    /// Appends one stream coding `lits`, with the variant compiled for this CPU (see
    /// [`crate::cpu`]).
    pub(super) fn encode_stream(&self, lits: &[u8], out: &mut Vec<u8>) {
        #[cfg(target_arch = "x86_64")]
        if crate::cpu::has_avx2_level() {
            // SAFETY: the CPU has the AVX2 level's features (detected at run time).
            return unsafe { self.encode_stream_avx2(lits, out) };
        }
        self.encode_stream_body(lits, out)
    }

    /// [`encode_stream_body`](Self::encode_stream_body) compiled for the AVX2 level.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi1,bmi2,lzcnt")]
    fn encode_stream_avx2(&self, lits: &[u8], out: &mut Vec<u8>) {
        self.encode_stream_body(lits, out)
    }

    /// Appends one stream coding `lits`.
    #[inline(always)]
    fn encode_stream_body(&self, lits: &[u8], out: &mut Vec<u8>) {
        // As many codes between flushes as keep the pending bits at most 60 (see `Codes`).
        match self.max_bits {
            11 => Codes::<4>::append(&self.codes, self.max_bits, lits, out),
            9 | 10 => Codes::<5>::append(&self.codes, self.max_bits, lits, out),
            8 => Codes::<6>::append(&self.codes, self.max_bits, lits, out),
            7 => Codes::<7>::append(&self.codes, self.max_bits, lits, out),
            _ => Codes::<8>::append(&self.codes, self.max_bits, lits, out),
        }
    }
}

/// The stream coder's state, libzstd's design: the pending bits are the top `n & 0xff` bits of
/// `c`, the newest highest. Adding a code (as [`HufTable`] stores it: the code in the top bits,
/// its length in the low byte) is a shift by the entry itself (`x86_64` shifts by the count's
/// low 6 bits), an OR of the entry and an add of it to `n` (whose low byte is then the count,
/// whatever the high bytes gather). The length's bits land below the pending ones and are
/// shifted out, as long as at most 60 bits are pending; `N` codes go between flushes so they
/// are. A code is 5 instructions (the literal's load, its entry's, the shift, the OR, the add);
/// the codes of every other flush interval are added to a second, empty state and merged in,
/// so the two halves' shift chains run side by side. With the flushes, 7.4 instructions a
/// literal at 11-bit codes, where adding each code at the bottom of a right-aligned
/// accumulator (a shift by the running count, length and code loaded apart) took 11.25
/// (`valgrind --tool=callgrind`, dickens at level 1: 117M instructions against 160M; libzstd's
/// `HUF_compress1X_usingCTable_internal_bmi2` 114M).
struct Codes<const N: usize> {
    c: u64,
    n: u64,
    /// Bytes written.
    pos: usize,
}

impl<const N: usize> Codes<N> {
    /// Appends the stream coding `lits` with `codes` (none longer than `max_bits`, and `N`
    /// codes of that length take at most 53 bits) and the end mark.
    #[inline(always)]
    fn append(codes: &[u64; 256], max_bits: u32, lits: &[u8], out: &mut Vec<u8>) {
        debug_assert!(N * max_bits as usize <= 53);
        let start = out.len();
        // The stream's whole bytes, its last partial one and a full 8-byte store past them.
        let room = (lits.len() * max_bits as usize + 1) / 8 + 16;
        out.reserve(room);
        let dst = out.spare_capacity_mut()[..room].as_mut_ptr().cast::<u8>();
        let mut w = Codes::<N> { c: 0, n: 0, pos: 0 };
        let code = |b: u8| codes[usize::from(b)];
        // Written last to first, so the decoder, reading backwards, gets them in order.
        let (head, body) = lits.split_at(lits.len() % (2 * N));
        for chunk in body.rchunks_exact(2 * N) {
            let (low, high) = chunk.split_at(N);
            for &b in high.iter().rev() {
                w.add(code(b));
            }
            // SAFETY: `room` bytes from `dst` are the vector's spare capacity (see `flush` for
            // why its stores stay in them); the same for each flush below.
            unsafe { w.flush(dst, room) };
            let mut second = Codes::<N> { c: 0, n: 0, pos: 0 };
            for &b in low.iter().rev() {
                second.add(code(b));
            }
            w.c = (w.c >> (second.n & 63)) | second.c;
            w.n = w.n.wrapping_add(second.n);
            // SAFETY: as above.
            unsafe { w.flush(dst, room) };
        }
        for group in head.rchunks(N) {
            for &b in group.iter().rev() {
                w.add(code(b));
            }
            // SAFETY: as above.
            unsafe { w.flush(dst, room) };
        }
        // The end mark: a 1-bit code 1.
        w.add(1 << 63 | 1);
        // SAFETY: as above.
        unsafe { w.flush(dst, room) };
        let len = w.pos + usize::from(w.n != 0);
        // SAFETY: `len <= room` bytes of the spare capacity are initialized: the flushes stored
        // 8 bytes at each position `pos` took, which starts at 0 and moves by at most 7, so they
        // cover `0..pos + 8` (the last flush's `pos` before it moved), and `len` is at most that
        // last flush's position after it moved plus 1, within its 8 bytes.
        unsafe { out.set_len(start + len) };
    }

    /// Adds a code (the form of [`HufTable`]'s entries).
    #[inline(always)]
    fn add(&mut self, code: u64) {
        self.c = (self.c >> (code & 63)) | code;
        self.n = self.n.wrapping_add(code);
    }

    /// Stores the pending bits at `dst + pos` and moves `pos` over the whole bytes.
    ///
    /// # Safety
    ///
    /// `dst` is valid for writes of `room` bytes. (Then the store stays in them: `pos` is the
    /// whole bytes of the bits added so far, codes of at most `max_bits` each and the end
    /// mark, so `pos + 8 <= room` by `append`'s `room`.)
    #[inline(always)]
    unsafe fn flush(&mut self, dst: *mut u8, room: usize) {
        let pending = self.n & 0xff;
        debug_assert!(pending <= 60 && self.pos + 8 <= room);
        // With nothing pending the shift is 0 and the bytes stored are stale, but `pos` does
        // not move and later stores (or the final length) do not count them.
        let bits = self.c >> ((64 - pending) & 63);
        // SAFETY: `pos + 8 <= room`, as above.
        unsafe {
            dst.add(self.pos)
                .cast::<u64>()
                .write_unaligned(bits.to_le())
        };
        self.pos += (pending >> 3) as usize;
        self.n &= 7;
    }
}

impl HufTable {
    /// Appends the jump table and four streams coding `lits` (at least 6 of them).
    pub(super) fn encode_4_streams(&self, lits: &[u8], out: &mut Vec<u8>) {
        debug_assert!(lits.len() >= 6);
        let quarter = lits.len().div_ceil(4);
        let jump = out.len();
        out.extend_from_slice(&[0; 6]);
        let mut start = out.len();
        for k in 0..4 {
            // Three quarters (rounded up), then the rest, which may be nothing.
            let end = if k == 3 {
                lits.len()
            } else {
                (k + 1) * quarter
            };
            let segment = &lits[k * quarter..end];
            self.encode_stream(segment, out);
            if k < 3 {
                // A quarter of at most 128 KiB at 11 bits a literal is below 64 KiB.
                let size = (out.len() - start) as u16;
                out[jump + 2 * k..jump + 2 * k + 2].copy_from_slice(&size.to_le_bytes());
            }
            start = out.len();
        }
    }
}

/// [`compress_counted_weights`], counting the weights first.
#[cfg(test)]
fn compress_weights(weights: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    compress_counted_weights(weights, &weight_counts(weights), out)
}

/// How many of `weights` have each weight (all at most 12).
fn weight_counts(weights: &[u8]) -> [u32; 13] {
    let mut counts = [0u32; 13];
    for &w in weights {
        counts[usize::from(w)] += 1;
    }
    counts
}

/// FSE-compresses Huffman weights (RFC 8878 §4.2.1.2), given how many of them have each weight
/// (`counts[w]`): appends the size byte, a table description and two interleaved states, and
/// returns the size. `None` (nothing appended) when that does not fit in 127 bytes.
fn compress_counted_weights(
    weights: &[u8],
    counts: &[u32; 13],
    out: &mut Vec<u8>,
) -> Option<usize> {
    let n = weights.len();
    if n < 2 {
        return None;
    }
    let present = counts.iter().filter(|&&c| c > 0).count();
    if present < 2 {
        return None;
    }
    let top = counts.iter().rposition(|&c| c > 0).unwrap_or(0);
    let dist = normalize(&counts[..=top], n as u32, table_log(n, present, 6));
    let mark = out.len();
    out.push(0);
    super::entropy::write_description(&dist, out);
    let table = CTable::new(&dist);
    // At most 6 bits a weight (the table's log), two final states and the end mark.
    append_bits(out, 6 * n + 13, |w| {
        // State k codes the weights at positions of parity k; each state starts from its last
        // weight, and state 0, written last, is the one the decoder reads first. Two weights a
        // step, so both states stay in registers.
        let (mut even, mut odd);
        let mut i = n - 2;
        if n.is_multiple_of(2) {
            odd = table.init_state(weights[n - 1]);
            even = table.init_state(weights[n - 2]);
        } else {
            even = table.init_state(weights[n - 1]);
            odd = table.init_state(weights[n - 2]);
            i -= 1;
            table.encode(w, &mut even, weights[i]);
            w.flush();
        }
        // Positions below `i` are left, `i` even: pairs (i - 2, i - 1) down to (0, 1).
        while i >= 2 {
            i -= 2;
            table.encode(w, &mut odd, weights[i + 1]);
            table.encode(w, &mut even, weights[i]);
            w.flush();
        }
        table.flush(w, odd);
        table.flush(w, even);
        w.end_mark();
    });
    let size = out.len() - mark - 1;
    if size >= 128 {
        out.truncate(mark);
        return None;
    }
    out[mark] = size as u8;
    // The decoder stops when a state update reads past the stream's start, so the update after
    // the next-to-last weight must read at least a bit, or it would decode a weight too many.
    // That update reads what encoding into the starting state would have written: the
    // symbol's largest bit count (the log minus the high bit of its count less one, at least 1
    // for any count within the table), which the starting state keeps in tables of up to 2^14
    // cells (these have at most 2^6). A test decodes thousands of weight strings to check.
    debug_assert!(table.init_bits(weights[n - 2]) > 0);
    Some(size)
}

/// Work space for building a code's lengths, kept with the tables: every entry a build reads
/// it writes first, so nothing is cleared between blocks (zeroing these 9 KiB per block took a
/// 1 KiB input 1.4% of its time).
#[derive(Clone, Debug)]
pub(super) struct TreeScratch {
    keys: [u64; 256],
    /// Per node: the leaves, a sentinel, the internal nodes.
    weight: [u64; 512],
    parent: [u16; 512],
    depth: [u32; 512],
}

impl Default for TreeScratch {
    fn default() -> TreeScratch {
        TreeScratch {
            keys: [0; 256],
            weight: [0; 512],
            parent: [0; 512],
            depth: [0; 512],
        }
    }
}

/// Calls `f` with each symbol marked in `present` (bit `s & 63` of word `s >> 6`), in order.
#[inline(always)]
fn for_each_symbol(present: &[u64; 4], mut f: impl FnMut(usize)) {
    for (w, &word) in present.iter().enumerate() {
        let mut m = word;
        while m != 0 {
            f(w * 64 + m.trailing_zeros() as usize);
            m &= m - 1;
        }
    }
}

/// Huffman code lengths for `counts`, at most `limit` bits, into `lens`, each symbol given a
/// length marked in `present` (both start cleared); `false` when fewer than two symbols are
/// counted. Works in fixed arrays: no allocation.
fn code_lengths(
    counts: &[u32; 256],
    limit: u32,
    lens: &mut [u8; 256],
    present: &mut [u64; 4],
    scratch: &mut TreeScratch,
) -> bool {
    let TreeScratch {
        keys,
        weight,
        parent,
        depth,
    } = scratch;
    // Leaves as `count << 8 | symbol`, sorted by count, then symbol: counts below
    // `EXACT_COUNTS` by counting (a bucket per count, filled in symbol order), the larger ones
    // after them by comparison sort (sorting them all took a 4 KiB input's Huffman build a third of
    // its time, as libzstd's `HUF_sort` found).
    const EXACT_COUNTS: usize = 160;
    let bucket = |c: u32| (c as usize).min(EXACT_COUNTS);
    let mut starts = [0u16; EXACT_COUNTS + 2];
    let mut n = 0;
    for &c in counts {
        if c > 0 {
            starts[bucket(c) + 1] += 1;
            n += 1;
        }
    }
    if n < 2 {
        return false;
    }
    // The running sum in a register: `starts[b + 1] += starts[b]` made every step wait for the
    // store before it (a sixth of a 1 KiB input's block time outside the match finder).
    let mut sum = 0;
    for s in &mut starts {
        sum += *s;
        *s = sum;
    }
    for (s, &c) in counts.iter().enumerate() {
        if c > 0 {
            let at = &mut starts[bucket(c)];
            keys[usize::from(*at)] = u64::from(c) << 8 | s as u64;
            *at += 1;
        }
    }
    // `starts[b]` is now bucket b's end: the large counts lie from the end of the bucket
    // before theirs.
    let leaves = &mut keys[..n];
    leaves[usize::from(starts[EXACT_COUNTS - 1])..].sort_unstable();
    debug_assert!(leaves.is_sorted());
    // Two queues: the sorted leaves (nodes 0..n) and, after a sentinel at n, the internal
    // nodes (n + 1..), made in increasing weight order. The sentinel and the node being made
    // weigh more than any real node, so each pick is one comparison, without branches.
    for (w, &key) in weight.iter_mut().zip(leaves.iter()) {
        *w = key >> 8;
    }
    const MASK: usize = 511;
    let (mut leaf, mut inner) = (0, n + 1);
    weight[n] = u64::MAX;
    parent[n] = 0;
    let root = 2 * n - 1;
    for node in n + 1..=root {
        weight[node & MASK] = u64::MAX;
        let mut pick = || {
            // (The masks only drop bounds checks: indices stay below 2n <= 512.)
            let take_leaf = weight[leaf & MASK] <= weight[inner & MASK];
            let picked = if take_leaf { leaf } else { inner };
            leaf += usize::from(take_leaf);
            inner += usize::from(!take_leaf);
            picked
        };
        let (a, b) = (pick(), pick());
        weight[node & MASK] = weight[a & MASK] + weight[b & MASK];
        parent[a & MASK] = node as u16;
        parent[b & MASK] = node as u16;
    }
    // Depths from the root (the last node) down; parents come after their children (the
    // sentinel's depth is never read).
    depth[root & MASK] = 0;
    for i in (0..root).rev() {
        depth[i & MASK] = depth[usize::from(parent[i & MASK]) & MASK] + 1;
    }
    let len = &mut depth[..n];
    if len.iter().any(|&l| l > limit) {
        limit_lengths(len, limit);
    }
    for (&l, &key) in len.iter().zip(leaves.iter()) {
        let s = usize::from(key as u8);
        lens[s] = l as u8;
        present[s >> 6] |= 1 << (s & 63);
    }
    true
}

/// Caps code lengths (of leaves sorted by increasing count) at `limit` and restores a complete
/// code: over-full codes lengthen their rarest short codes, under-full ones then shorten their
/// most frequent codes.
fn limit_lengths(len: &mut [u32], limit: u32) {
    let full = 1u64 << limit;
    for l in len.iter_mut() {
        *l = (*l).min(limit);
    }
    let mut kraft: u64 = len.iter().map(|&l| 1u64 << (limit - l)).sum();
    // Lengths never grow from a leaf to the next (a Huffman tree of leaves sorted by count:
    // rarer leaves are merged first, into nodes no higher up), which every change below keeps.
    debug_assert!(len.windows(2).all(|w| w[0] >= w[1]));
    // The codes at the limit are the first `at_limit`.
    let mut at_limit = len.iter().take_while(|&&l| l == limit).count();
    while kraft > full {
        // The longest code below the limit, rarest first (the first below it): lengthening
        // it costs least.
        let i = at_limit;
        assert!(
            i < len.len(),
            "an over-full code has a code below the limit"
        );
        len[i] += 1;
        kraft -= 1 << (limit - len[i]);
        at_limit += usize::from(len[i] == limit);
    }
    while kraft < full {
        let room = full - kraft;
        // The most frequent code that can be shortened within the room left.
        let i = (0..len.len())
            .rev()
            .find(|&i| len[i] > 1 && 1u64 << (limit - len[i]) <= room)
            .expect("an under-full code has a longest code that fits");
        kraft += 1 << (limit - len[i]);
        len[i] -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(table: &HufTable, lits: &[u8], four: bool) -> Vec<u8> {
        let mut desc = Vec::new();
        assert!(table.describe(&mut desc));
        let mut streams = Vec::new();
        if four {
            table.encode_4_streams(lits, &mut streams);
        } else {
            table.encode_stream(lits, &mut streams);
        }
        let mut t = crate::huffman::Table::default();
        let mut scratch = Vec::new();
        let used = t.read_description(&desc, &mut scratch).unwrap();
        assert_eq!(used, desc.len());
        let mut out = vec![0u8; lits.len()];
        if four {
            t.decode_4_streams(&streams, &mut out).unwrap();
        } else {
            t.decode_stream(&streams, &mut out).unwrap();
        }
        out
    }

    fn counts(lits: &[u8]) -> [u32; 256] {
        let mut c = [0u32; 256];
        for &b in lits {
            c[usize::from(b)] += 1;
        }
        c
    }

    #[test]
    fn codes_decode_back_with_the_decoders_table() {
        let text = b"It was the best of times, it was the worst of times; zstd!".repeat(20);
        let mut t = HufTable::empty();
        assert!(t.build(&counts(&text), 11, &mut TreeScratch::default()));
        assert_eq!(decode(&t, &text, false), text);
        assert_eq!(decode(&t, &text, true), text);
        // All 256 symbols with skewed counts (a block's worth): FSE-compressed weights, deep
        // trees limited.
        let mut skewed = Vec::new();
        for s in 0..=255u8 {
            let reps = 1usize << (s / 16).min(12);
            // Fewer under miri, which runs these too.
            let cap = if cfg!(miri) { 40 } else { 1000 };
            skewed.extend(std::iter::repeat_n(s, reps.min(cap)));
        }
        assert!(skewed.len() <= 128 << 10);
        assert!(t.build(&counts(&skewed), 11, &mut TreeScratch::default()));
        assert!(t.max_bits <= 11);
        assert_eq!(decode(&t, &skewed, true), skewed);
    }

    #[test]
    fn streams_of_every_code_depth_and_length_decode_back() {
        // Codes of every deepest length (so every number of codes between flushes) and
        // literal counts of every remainder of the flush intervals, each stream exactly
        // consumed by the decoder.
        let mut next = crate::test_data::xorshift(0x2545_F491_4F6C_DD1D);
        let mut scratch = TreeScratch::default();
        for depth in 2..=11u32 {
            // Geometric counts: symbol s about twice as common as s + 1, so the tree is as
            // deep as the symbols allow, then limited to `depth`.
            let symbols = depth as usize + 1;
            let mut c = [0u32; 256];
            for (s, slot) in c.iter_mut().take(symbols).enumerate() {
                *slot = 1 << (symbols - s);
            }
            let mut t = HufTable::empty();
            assert!(t.build(&c, depth, &mut scratch));
            assert_eq!(t.max_bits, depth);
            let longest = if cfg!(miri) { 40 } else { 300 };
            for n in (1..longest).step_by(if cfg!(miri) { 7 } else { 1 }) {
                // Half of them one of the two deepest symbols, so intervals of only the
                // longest codes (the most bits pending) come up.
                let lits: Vec<u8> = (0..n)
                    .map(|_| match next() % 4 {
                        0 => depth as u8,
                        1 => depth as u8 - 1,
                        _ => (next() % symbols as u64) as u8,
                    })
                    .collect();
                assert_eq!(
                    decode(&t, &lits, false),
                    lits,
                    "depth {depth}, {n} literals"
                );
                if n >= 6 {
                    assert_eq!(decode(&t, &lits, true), lits, "depth {depth}, {n} literals");
                }
            }
        }
    }

    #[test]
    fn compressed_weights_read_back_exactly() {
        // Weight strings of every length and skew, many with one weight in the majority: every
        // description written must read back as the same weights (the decoder stops on its
        // own, so a wrong stop would show as a different count).
        let mut next = crate::test_data::xorshift(0x9E37_79B9_7F4A_7C15);
        let mut written = 0;
        let rounds = if cfg!(miri) { 40 } else { 4000 };
        for _ in 0..rounds {
            let n = 2 + (next() % 254) as usize;
            let common = (next() % 13) as u8;
            let skew = next() % 100;
            let weights: Vec<u8> = (0..n)
                .map(|_| {
                    if next() % 100 < skew {
                        common
                    } else {
                        (next() % 13) as u8
                    }
                })
                .collect();
            let mut out = vec![0xAB];
            let Some(size) = compress_weights(&weights, &mut out) else {
                assert_eq!(out, [0xAB]);
                continue;
            };
            written += 1;
            assert_eq!(out.len(), 2 + size);
            let mut back = [0u8; 256];
            let (m, used) =
                crate::huffman::read_weights(&out[1..], &mut back, &mut Vec::new()).unwrap();
            assert_eq!(&back[..m], &weights[..], "{weights:?}");
            assert_eq!(used, 1 + size);
        }
        assert!(written > rounds / 2, "{written} of {rounds} written");
    }

    #[test]
    fn a_rebuilt_code_keeps_nothing_of_the_previous_one() {
        let mut wide = [0u32; 256];
        for (s, c) in wide.iter_mut().enumerate() {
            *c = 1 + (s as u32 * 7919) % 97;
        }
        let mut narrow = [0u32; 256];
        narrow[b'a' as usize] = 50;
        narrow[b'b' as usize] = 30;
        narrow[200] = 20;
        let mut scratch = TreeScratch::default();
        let mut rebuilt = HufTable::empty();
        assert!(rebuilt.build(&wide, 11, &mut scratch));
        assert!(rebuilt.build(&narrow, 11, &mut scratch));
        let mut fresh = HufTable::empty();
        assert!(fresh.build(&narrow, 11, &mut scratch));
        assert_eq!(rebuilt.codes, fresh.codes);
        assert_eq!(rebuilt.codes.iter().filter(|&&c| c != 0).count(), 3);
        assert!(!rebuilt.covers(&wide));
    }

    #[test]
    fn lengths_are_limited_and_complete() {
        // Fibonacci counts make the deepest unlimited trees.
        let mut c = [0u32; 256];
        let (mut a, mut b) = (1u32, 1u32);
        for slot in c.iter_mut().take(30) {
            *slot = a;
            (a, b) = (b, a + b);
        }
        let mut lens = [0u8; 256];
        let mut present = [0; 4];
        assert!(code_lengths(
            &c,
            11,
            &mut lens,
            &mut present,
            &mut TreeScratch::default()
        ));
        assert_eq!(present, [(1 << 30) - 1, 0, 0, 0], "the 30 counted symbols");
        assert_eq!(*lens.iter().max().unwrap(), 11);
        let kraft: u64 = lens
            .iter()
            .filter(|&&l| l > 0)
            .map(|&l| 1u64 << (11 - l))
            .sum();
        assert_eq!(kraft, 1 << 11);
        let mut one = [0u32; 256];
        one[7] = 10;
        assert!(!code_lengths(
            &one,
            11,
            &mut lens,
            &mut [0; 4],
            &mut TreeScratch::default()
        ));
    }
}
