//! The frame decoder: blocks, literals, sequences, and their execution into an output buffer.
//!
//! Output goes into an initialized `&mut [u8]`: the fast copies (`zstd_simd::wildcopy_raw`,
//! `copy_match_raw`) may write up to `WILDCOPY_SLACK` bytes past a copy and read bytes they will
//! overwrite, so a copy takes the fast path only when that slack lies inside the buffer, and the
//! exact copies otherwise.

use xxhash_rust::xxh64::Xxh64;
use zstd_simd::WILDCOPY_SLACK;

use crate::bits::{BackwardBits, SentinelBits, Status, pin};
use crate::dictionary::Dictionary;
use crate::error::{Error, Result};
use crate::frame::{self, BlockKind, FrameHeader};
use crate::literals::{self, Literals};
use crate::sequences::{LL_SLOT, ML_SLOT, OF_SLOT, SEQ_TABLE_SIZE, SeqEntry, Tables};

/// The repeat offsets a frame starts with.
const INITIAL_REPS: [u32; 3] = [1, 4, 8];

/// Decoding state reused from frame to frame: tables and buffers keep their allocations.
#[derive(Debug, Default)]
pub(crate) struct FrameDecoder {
    literals: Literals,
    tables: Tables,
    reps: [u32; 3],
    /// Verify content checksums (on by default).
    pub(crate) skip_checksum: bool,
    /// The current frame's window size.
    window_size: u64,
}

/// Where a frame's output goes: an initialized buffer, the position to write at, and the
/// limits.
pub(crate) struct Output<'a> {
    pub(crate) buf: &'a mut [u8],
    pub(crate) pos: usize,
    /// Where this frame's output starts in `buf` (bytes before it are not history).
    pub(crate) frame_start: usize,
    /// Output may not pass this position (the caller's capacity).
    pub(crate) limit: usize,
    /// Where the current block's output starts.
    pub(crate) block_start: usize,
}

impl FrameDecoder {
    /// Prepares for a frame: tables and repeat offsets from the dictionary, or fresh ones.
    pub(crate) fn start_frame(
        &mut self,
        header: &FrameHeader,
        dict: Option<&Dictionary>,
    ) -> Result<()> {
        self.window_size = header.window_size;
        let given = dict.map_or(0, Dictionary::id);
        if header.dictionary_id != 0 && header.dictionary_id != given {
            return Err(Error::DictionaryMismatch {
                frame: header.dictionary_id,
                given,
            });
        }
        match dict.and_then(Dictionary::entropy) {
            Some(e) => {
                match &e.huffman {
                    Some(h) => {
                        self.literals.huffman.clone_from(h);
                        self.literals.has_huffman = true;
                    }
                    None => self.literals.has_huffman = false,
                }
                self.tables.load(&e.tables);
                self.reps = e.reps;
            }
            None => {
                self.literals.has_huffman = false;
                self.tables.reset();
                self.reps = INITIAL_REPS;
            }
        }
        Ok(())
    }

    /// Decodes one block's content into `out` (at most `block_max` bytes). `dict` is the
    /// dictionary content matches may reach into.
    pub(crate) fn decode_block(
        &mut self,
        kind: BlockKind,
        size: usize,
        content: &[u8],
        out: &mut Output<'_>,
        block_max: usize,
        dict: &[u8],
    ) -> Result<()> {
        match kind {
            BlockKind::Raw => {
                let end = check_room(out, size, block_max)?;
                out.buf[out.pos..end].copy_from_slice(&content[..size]);
                out.pos = end;
            }
            BlockKind::Rle => {
                let end = check_room(out, size, block_max)?;
                out.buf[out.pos..end].fill(content[0]);
                out.pos = end;
            }
            BlockKind::Compressed => {
                if size > block_max {
                    return Err(Error::BlockTooLarge {
                        size,
                        max: block_max,
                    });
                }
                self.decode_compressed(&content[..size], out, block_max, dict)?;
            }
        }
        Ok(())
    }

    fn decode_compressed(
        &mut self,
        block: &[u8],
        out: &mut Output<'_>,
        block_max: usize,
        dict: &[u8],
    ) -> Result<()> {
        let lit = literals::Header::parse(block, block_max)?;
        // A block without sequences is its literals: decoded straight into the output, when
        // they fit it (when not, the usual path reports why).
        if block.get(lit.used()..).is_some_and(Tables::none)
            && let Ok(end) = check_room(out, lit.size, block_max)
        {
            let used = self
                .literals
                .decode(block, &lit, Some(&mut out.buf[out.pos..end]))?;
            let header = self.tables.read_header(&block[used..])?;
            debug_assert_eq!(header.count, 0);
            out.pos = end;
            return Ok(());
        }
        let lit_used = self.literals.decode(block, &lit, None)?;
        let header = self.tables.read_header(&block[lit_used..])?;
        let block_limit = out.limit.min(out.pos + block_max);
        if header.count == 0 {
            let n = self.literals.len();
            let end = check_room(out, n, block_max)?;
            out.buf[out.pos..end].copy_from_slice(&self.literals.padded()[..n]);
            out.pos = end;
            return Ok(());
        }
        let stream = &block[lit_used + header.len..];
        self.execute_sequences(stream, header.count, out, block_limit, dict)
    }

    /// Decodes `count` sequences from `stream` and executes each as it is decoded, with the
    /// variant of the loop compiled for this CPU (see [`crate::cpu`]).
    fn execute_sequences(
        &mut self,
        stream: &[u8],
        count: usize,
        out: &mut Output<'_>,
        block_limit: usize,
        dict: &[u8],
    ) -> Result<()> {
        #[cfg(target_arch = "x86_64")]
        if crate::cpu::has_avx2_level() {
            // SAFETY: the CPU has the AVX2 level's features (detected at run time).
            return unsafe { self.execute_sequences_avx2(stream, count, out, block_limit, dict) };
        }
        self.execute_sequences_body(stream, count, out, block_limit, dict)
    }

    /// [`execute_sequences_body`](Self::execute_sequences_body) compiled for the AVX2 level.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,bmi1,bmi2,lzcnt")]
    fn execute_sequences_avx2(
        &mut self,
        stream: &[u8],
        count: usize,
        out: &mut Output<'_>,
        block_limit: usize,
        dict: &[u8],
    ) -> Result<()> {
        self.execute_sequences_body(stream, count, out, block_limit, dict)
    }

    /// The sequence loop.
    ///
    /// Each sequence is decoded and executed at once. One whose literals are in the literal
    /// buffer, whose output ends at least `WILDCOPY_SLACK` bytes before the end of the buffer
    /// and within the block, and whose match starts in this frame's output is copied with the
    /// fast copies, through pointers; any other goes through [`execute`], which checks
    /// everything. The loop holds its state in locals (more than `x86_64` has registers: see the
    /// fast loop below for which stay in them).
    #[inline(always)]
    fn execute_sequences_body(
        &mut self,
        stream: &[u8],
        count: usize,
        out: &mut Output<'_>,
        block_limit: usize,
        dict: &[u8],
    ) -> Result<()> {
        let mut bits = BackwardBits::new(stream, "sequences bitstream")?;
        let [ll_log, of_log, ml_log] = self.tables.logs;
        let t = &*self.tables.entries;
        let mut ll_state = bits.read(ll_log) as usize;
        let mut of_state = bits.read(of_log) as usize;
        let mut ml_state = bits.read(ml_log) as usize;
        bits.reload();
        let prefetch = prefetch_pays(
            &t[OF_SLOT..OF_SLOT + (1 << of_log)],
            count,
            self.window_size,
        );
        let lits = self.literals.padded();
        let lit_count = self.literals.len();
        let mut reps = self.reps;
        // Pointers of the fast path: the output position, the literal position, and their
        // limits. `lit_end` and `fast_end` are in bounds (`lit_count <= lits.len()`,
        // `fast_end <= buf.len()`).
        let lit_base = lits.as_ptr();
        let lit_end = lit_base.wrapping_add(lit_count);
        let mut lit = lit_base;
        let mut base = out.buf.as_mut_ptr();
        let fast_end = block_limit.min(out.buf.len().saturating_sub(WILDCOPY_SLACK));
        let mut op = base.wrapping_add(out.pos);
        let mut op_fast_end = base.wrapping_add(fast_end);
        let mut prefix = base.wrapping_add(out.frame_start);
        const MASK: usize = SEQ_TABLE_SIZE - 1;
        // Decodes one sequence from the reader `$bits` (a `BackwardBits` or a `SentinelBits`,
        // whose refill is `$refill`) into `(lit_len, match_len, offset)`; `$update` is false
        // for the last, whose states are not updated. A sequence refills at most three times.
        macro_rules! decode {
            ($bits:ident, $refill:expr, $update:expr) => {{
                let ll_e: SeqEntry = t[LL_SLOT + (ll_state & MASK)];
                let ml_e: SeqEntry = t[ML_SLOT + (ml_state & MASK)];
                let of_e: SeqEntry = t[OF_SLOT + (of_state & MASK)];
                let (of_x, ml_x, ll_x) = (
                    u32::from(of_e.extra),
                    u32::from(ml_e.extra),
                    u32::from(ll_e.extra),
                );
                let (ll_n, ml_n, of_n) = if $update {
                    (
                        u32::from(ll_e.nb_bits),
                        u32::from(ml_e.nb_bits),
                        u32::from(of_e.nb_bits),
                    )
                } else {
                    (0, 0, 0)
                };
                let extra = of_x + ml_x + ll_x;
                let updates = ll_n + ml_n + of_n;
                let offset_value;
                let match_len;
                let lit_len;
                let states;
                if extra + updates <= SentinelBits::MAX_READ {
                    // Everything this sequence reads fits what the last reload loaded: one
                    // window holds the three values' extra bits (offset's first, then match
                    // length's, then literal length's) and then the three state updates
                    // (literal length's, match length's, offset's).
                    let w = $bits.window();
                    let v = (w >> 1) >> (63 - extra);
                    states = ((w << extra) >> 1) >> (63 - updates);
                    $bits.skip(extra + updates);
                    lit_len = (ll_e.base + low_bits(v, ll_x)) as usize;
                    match_len = (ml_e.base + low_bits(v >> ll_x, ml_x)) as usize;
                    offset_value = of_e.base + (v >> (ll_x + ml_x)) as u32;
                } else if extra <= SentinelBits::MAX_READ {
                    // Long offsets (large windows): the extra bits, a reload, the updates.
                    let v = $bits.read(extra);
                    lit_len = (ll_e.base + low_bits(v, ll_x)) as usize;
                    match_len = (ml_e.base + low_bits(v >> ll_x, ml_x)) as usize;
                    offset_value = of_e.base + (v >> (ll_x + ml_x)) as u32;
                    $refill;
                    states = $bits.read(updates);
                } else {
                    offset_value = of_e.base + $bits.read(of_x) as u32;
                    $refill;
                    match_len = (ml_e.base + $bits.read(ml_x) as u32) as usize;
                    lit_len = (ll_e.base + $bits.read(ll_x) as u32) as usize;
                    $refill;
                    states = $bits.read(updates);
                }
                // The offset's case from the codes (see `resolve_offset`).
                let offset = resolve_offset(&mut reps, offset_value, of_x, ll_e.base == 0) as usize;
                if $update {
                    of_state = usize::from(of_e.next) + low_bits64(states, of_n) as usize;
                    ml_state = usize::from(ml_e.next) + low_bits64(states >> of_n, ml_n) as usize;
                    ll_state = usize::from(ll_e.next) + (states >> (of_n + ml_n)) as usize;
                    // The new states computed here, not after the copies below.
                    pin(&mut of_state);
                    pin(&mut ml_state);
                    pin(&mut ll_state);
                    $refill;
                }
                (lit_len, match_len, offset)
            }};
        }
        // Executes one decoded sequence.
        macro_rules! execute {
            ($seq:expr) => {{
                let (lit_len, match_len, offset): (usize, usize, usize) = $seq;
                let next_lit = lit.wrapping_add(lit_len);
                let m = op.wrapping_add(lit_len);
                let end = m.wrapping_add(match_len);
                if (next_lit <= lit_end)
                    & (end <= op_fast_end)
                    & (offset <= (m as usize).wrapping_sub(prefix as usize))
                {
                    simd_arch::prefetch_write(
                        end.wrapping_add(WRITE_AHEAD),
                        simd_arch::Locality::L1,
                    );
                    // SAFETY: `end + WILDCOPY_SLACK <= buf.len()` (`end <= op_fast_end`), so
                    // both copies' over-writes stay in the buffer; the literals `lit..next_lit`
                    // are in the literal buffer, which keeps `WILDCOPY_SLACK` initialized bytes
                    // past its literals; the two buffers are distinct allocations. The match
                    // source `m - offset` is at or after `prefix` (this frame's output), inside
                    // the initialized buffer, and `offset >= 1` (`resolve_offset` never gives 0).
                    unsafe {
                        copy_literals(op, lit, lit_len);
                        copy_match(m, offset, match_len);
                    }
                    op = end;
                    lit = next_lit;
                } else {
                    out.pos = (op as usize) - (base as usize);
                    let mut lit_pos = (lit as usize) - (lit_base as usize);
                    execute(
                        out,
                        block_limit,
                        lits,
                        lit_count,
                        &mut lit_pos,
                        lit_len,
                        offset,
                        match_len,
                        dict,
                    )?;
                    // Pointers into the buffer again, after `execute` borrowed it.
                    base = out.buf.as_mut_ptr();
                    op = base.wrapping_add(out.pos);
                    op_fast_end = base.wrapping_add(fast_end);
                    prefix = base.wrapping_add(out.frame_start);
                    lit = lit_base.wrapping_add(lit_pos);
                }
            }};
        }
        if !prefetch {
            // Every sequence but the last updates the states.
            let updating = count.saturating_sub(1);
            let mut done = 0;
            if bits.can_reload_fast() {
                // While at least 21 bytes of the stream lie below the loaded ones (three
                // refills' worth), the reader is in the sentinel form and refills unchecked:
                // its two values and the states stay in registers (see `pin`), where the
                // plain reader's four went to the stack. Measured against the plain reader in
                // three code layouts, the 15 Silesia frames: 0.937-0.946 of the time
                // (geometric means; nci `-3` 0.91, mr `-1` 0.97); the sentinel form without
                // the pins was 1.03-1.04 (more spills, not fewer), the pins alone 0.99-1.01.
                let mut fast = SentinelBits::new(&bits);
                let ip_min = bits.src().as_ptr().wrapping_add(21);
                while done < updating && fast.ip() >= ip_min {
                    // SAFETY: this sequence refills at most three times, each moving back at
                    // most 7 bytes, from at least 21 bytes into the stream; at most 56 bits
                    // are read between refills.
                    execute!(decode!(fast, unsafe { fast.refill() }, true));
                    done += 1;
                }
                fast.finish(&mut bits);
            }
            for _ in done..updating {
                execute!(decode!(bits, bits.refill(), true));
            }
            if count > 0 {
                // The last sequence: its state updates are skipped, and the pointers its slow
                // path would refresh are not read after it.
                #[allow(unused_assignments)]
                {
                    let last = decode!(bits, bits.refill(), false);
                    execute!(last);
                }
            }
        } else {
            // Sequences are decoded `DEPTH` ahead of their execution, and each one's match
            // source is prefetched when it is decoded: far matches miss the cache, and by the
            // time the sequence executes its source has arrived. It costs instructions, so it
            // runs only where many offsets are long (as libzstd does).
            const DEPTH: usize = 8;
            let mut ring = [(0usize, 0usize, 0usize); DEPTH];
            let mut decoded_end = op;
            macro_rules! prefetch {
                ($seq:expr) => {{
                    let (lit_len, match_len, offset): (usize, usize, usize) = $seq;
                    let src = decoded_end.wrapping_add(lit_len).wrapping_sub(offset);
                    simd_arch::prefetch_read(src, simd_arch::Locality::L1);
                    decoded_end = decoded_end.wrapping_add(lit_len + match_len);
                }};
            }
            let ahead = count.min(DEPTH);
            for (i, slot) in ring.iter_mut().enumerate().take(ahead) {
                let seq = decode!(bits, bits.refill(), i + 1 < count);
                prefetch!(seq);
                *slot = seq;
            }
            for i in ahead..count {
                let seq = decode!(bits, bits.refill(), i + 1 < count);
                prefetch!(seq);
                let old = std::mem::replace(&mut ring[i % DEPTH], seq);
                execute!(old);
            }
            for i in count - ahead..count {
                execute!(ring[i % DEPTH]);
            }
        }
        out.pos = (op as usize) - (base as usize);
        let lit_pos = (lit as usize) - (lit_base as usize);
        // RFC 8878 §3.1.1.3.2.2: "At the end, the bitstream shall be entirely consumed".
        if bits.reload() != Status::Completed {
            return Err(Error::CorruptSequences("bitstream not consumed"));
        }
        // The literals left over follow the last sequence.
        let rest = lit_count - lit_pos;
        let end = out.pos + rest;
        if end > block_limit {
            return Err(too_big(out, end, block_limit - out.block_start));
        }
        out.buf[out.pos..end].copy_from_slice(&lits[lit_pos..lit_count]);
        out.pos = end;
        self.reps = reps;
        Ok(())
    }
}

/// How far ahead of the output the sequence loop asks for the cache line it will write (one
/// hint a sequence). Output larger than the caches is written to lines that are in none of
/// them, and a store waits for its line: a third of the sequence loop's samples fell on its
/// first match store on Silesia's dickens at level 3 (attributed, before this, to the source
/// load just before it; but those sources are not recent writes, 92% of them lie 1 KiB or more
/// back, and prefetching them, below, does not pay at these window sizes). Measured in three
/// code layouts against libzstd, five Silesia files at levels 1, 3 and 19: 4-5% less time
/// (geometric mean of the 15 rows in each layout), dickens up to 16%; 256, 1024 and 2048 bytes
/// ahead within 1% of 512. (The hint compiles to `prefetcht0`, a read hint: `prefetchw`, which
/// this build cannot assume, measured 1% better still.)
const WRITE_AHEAD: usize = 512;

/// The error for output that would pass `limit`: the caller's capacity, or the block maximum.
#[cold]
fn too_big(out: &Output<'_>, end: usize, block_max: usize) -> Error {
    if end > out.limit {
        Error::OutputTooSmall {
            capacity: out.limit - out.frame_start,
        }
    } else {
        Error::BlockTooLarge {
            size: end - out.block_start,
            max: block_max,
        }
    }
}

/// Checks that `n` more bytes fit the block and the buffer; returns the new end.
fn check_room(out: &Output<'_>, n: usize, block_max: usize) -> Result<usize> {
    if n > block_max {
        return Err(Error::BlockTooLarge {
            size: n,
            max: block_max,
        });
    }
    let end = out.pos + n;
    if end > out.limit {
        return Err(Error::OutputTooSmall {
            capacity: out.limit - out.frame_start,
        });
    }
    Ok(end)
}

/// Whether the prefetching sequence loop pays for its extra work: in a frame whose window is
/// larger than 16 MiB (half this machine's 32 MiB L3: far sources then come from memory), when
/// at least 1 in 32 of the offset table's states codes an offset of 1 MiB or more, in a block
/// with enough sequences to fill the pipeline. Measured (median of 5-7 alternating rounds): nci
/// compressed with `zstd -19 --long=27` (a 33 MiB window) decodes 3-9% faster with it; the
/// Silesia level-19 frames (windows of 8 MiB or less, served from L3) 2-9% slower, so they
/// no longer take it (the rule was a 2 MiB window before).
fn prefetch_pays(of_table: &[SeqEntry], count: usize, window_size: u64) -> bool {
    #[cfg(test)]
    if tests::FORCE_PREFETCH.with(std::cell::Cell::get) {
        return true;
    }
    if count < 16 || window_size <= 16 << 20 {
        return false;
    }
    let far = of_table.iter().filter(|e| e.extra >= 20).count();
    far * 32 >= of_table.len()
}

/// Copies literals: 16 bytes, then 32-byte steps (writes up to `len + 31` bytes). The first
/// store is 16 bytes wide, not 32: a match that follows short literals often reads from just
/// before them, and a 16-byte load overlapping part of a recent 32-byte store waits for it
/// (measured: 5% slower on text with a 32-byte first store).
///
/// # Safety
/// `len + 32` bytes readable at `src` and writable at `dst`, not overlapping.
#[inline(always)]
unsafe fn copy_literals(dst: *mut u8, src: *const u8, len: usize) {
    // SAFETY: the caller's ranges.
    unsafe {
        std::ptr::copy_nonoverlapping(src, dst, 16);
        let mut i = 16;
        while i < len {
            std::ptr::copy_nonoverlapping(src.add(i), dst.add(i), 32);
            i += 32;
        }
    }
}

/// Copies a match: 32 bytes at a time when the offset allows (each read then ends at or
/// before the write it feeds), zstd-simd's kernels for shorter offsets. Writes up to
/// `len + 31` bytes.
///
/// # Safety
/// `offset >= 1` bytes before `dst` initialized and in the same buffer as `dst`, and
/// `len + WILDCOPY_SLACK` bytes writable at `dst`.
#[inline(always)]
unsafe fn copy_match(dst: *mut u8, offset: usize, len: usize) {
    // SAFETY: every write lies in `dst..dst + len + 32`; with `offset >= 32` every 32-byte
    // read starts `offset` bytes before its write, so it reads bytes already final, all at or
    // after `dst - offset`. Shorter offsets: `copy_match_raw`'s contract, which is ours.
    unsafe {
        if offset >= 32 {
            let src = dst.sub(offset);
            std::ptr::copy_nonoverlapping(src, dst, 32);
            let mut i = 32;
            while i < len {
                std::ptr::copy_nonoverlapping(src.add(i), dst.add(i), 32);
                i += 32;
            }
        } else {
            zstd_simd::copy_match_raw(dst, offset, len);
        }
    }
}

/// The low `n` bits of `v` (`n < 64`), as a `u64`: one `bzhi` with BMI2.
#[inline(always)]
fn low_bits64(v: u64, n: u32) -> u64 {
    v & ((1u64 << (n & 63)) - 1)
}

/// The low `n` bits of `v` (`n <= 31`). Written so that it compiles to one `bzhi` with BMI2.
#[inline(always)]
fn low_bits(v: u64, n: u32) -> u32 {
    (v & ((1u64 << (n & 63)) - 1)) as u32
}

/// An offset no frame can reach: what [`resolve_offset`] gives for the invalid repeat offset 0,
/// so the sequence takes the checked path, which reports it.
const INVALID_OFFSET: u32 = u32::MAX;

/// Turns an offset value into an offset, updating the repeat offsets (RFC 8878 §3.1.2.5).
/// `code` is the offset's code (the value's highest bit: above 1 for a new offset, 0 for
/// value 1) and `ll0` whether the literal length is 0 (its code is 0): the sequence loop
/// passes both from the table entries, which it has before the values (those wait on the bit
/// extraction), so a mispredicted case resolves sooner (measured: Silesia's nci 3-8% faster,
/// ooffice 3%). Never 0: "repeat offset 1 minus 1" gives [`INVALID_OFFSET`].
#[inline(always)]
fn resolve_offset(reps: &mut [u32; 3], offset_value: u32, code: u32, ll0: bool) -> u32 {
    debug_assert_eq!(code > 1, offset_value > 3);
    debug_assert_eq!(code == 0, offset_value == 1);
    if code > 1 {
        let offset = offset_value - 3;
        *reps = [offset, reps[0], reps[1]];
        return offset;
    }
    if code == 0 {
        // Repeat offset 1, or 2 after no literals (then the first two swap).
        let offset = if ll0 { reps[1] } else { reps[0] };
        reps[1] = if ll0 { reps[0] } else { reps[1] };
        reps[0] = offset;
        return offset;
    }
    // Value 2 or 3, one more after no literals.
    match offset_value + u32::from(ll0) {
        2 => {
            let offset = reps[1];
            *reps = [offset, reps[0], reps[2]];
            offset
        }
        3 => {
            let offset = reps[2];
            *reps = [offset, reps[0], reps[1]];
            offset
        }
        _ => {
            let mut offset = reps[0].wrapping_sub(1);
            if offset == 0 {
                offset = INVALID_OFFSET;
            }
            *reps = [offset, reps[0], reps[1]];
            offset
        }
    }
}

/// Executes one sequence, `lit_len` literals then a match of `match_len` at `offset`, checking
/// everything: the slow path of the sequence loop (near the buffer's end, matches into the
/// dictionary, and corrupt input).
#[allow(
    clippy::too_many_arguments,
    reason = "the sequence loop's state, handed over as it stands"
)]
#[cold]
#[inline(never)]
fn execute(
    out: &mut Output<'_>,
    block_limit: usize,
    lits: &[u8],
    lit_count: usize,
    lit_pos: &mut usize,
    lit_len: usize,
    offset: usize,
    match_len: usize,
    dict: &[u8],
) -> Result<()> {
    if lit_len > lit_count - *lit_pos {
        return Err(Error::CorruptSequences(
            "sequence uses more literals than the block has",
        ));
    }
    if offset == INVALID_OFFSET as usize {
        return Err(Error::CorruptSequences("repeat offset 1 minus 1 is zero"));
    }
    let pos = out.pos;
    let end = pos + lit_len + match_len;
    if end > block_limit {
        return Err(too_big(out, end, block_limit - out.block_start));
    }
    let buf_len = out.buf.len();
    // Literals.
    if pos + lit_len + WILDCOPY_SLACK <= buf_len {
        // SAFETY: `pos + lit_len + WILDCOPY_SLACK <= buf.len()`, and the literal buffer keeps
        // `WILDCOPY_SLACK` initialized bytes past its literals (`lit_pos + lit_len <= lit_count`);
        // the two buffers are distinct, so they do not overlap.
        unsafe {
            zstd_simd::wildcopy_raw(
                out.buf.as_mut_ptr().add(pos),
                lits.as_ptr().add(*lit_pos),
                lit_len,
            )
        };
    } else {
        out.buf[pos..pos + lit_len].copy_from_slice(&lits[*lit_pos..*lit_pos + lit_len]);
    }
    *lit_pos += lit_len;
    let mpos = pos + lit_len;
    // Match.
    let history = mpos - out.frame_start;
    if offset > history {
        copy_from_dictionary(out.buf, out.frame_start, mpos, offset, match_len, dict)?;
    } else if mpos + match_len + WILDCOPY_SLACK <= buf_len {
        // SAFETY: `1 <= offset <= mpos - frame_start`, so the source starts inside the buffer,
        // and `mpos + match_len + WILDCOPY_SLACK <= buf.len()`; the buffer is initialized.
        unsafe { zstd_simd::copy_match_raw(out.buf.as_mut_ptr().add(mpos), offset, match_len) };
    } else {
        zstd_simd::copy_match_exact(out.buf, mpos, offset, match_len);
    }
    out.pos = end;
    Ok(())
}

/// A match that starts in the dictionary: its first part comes from the dictionary's end, the
/// rest (if any) from the frame's output.
#[cold]
fn copy_from_dictionary(
    buf: &mut [u8],
    frame_start: usize,
    mpos: usize,
    offset: usize,
    match_len: usize,
    dict: &[u8],
) -> Result<()> {
    let history = mpos - frame_start;
    let back = offset - history;
    if back > dict.len() {
        return Err(Error::OffsetBeyondWindow {
            offset: offset as u64,
            available: (history + dict.len()) as u64,
        });
    }
    let from_dict = back.min(match_len);
    let start = dict.len() - back;
    buf[mpos..mpos + from_dict].copy_from_slice(&dict[start..start + from_dict]);
    let rest = match_len - from_dict;
    if rest > 0 {
        // Continues from the start of the frame's output.
        zstd_simd::copy_match_exact(buf, mpos + from_dict, offset, rest);
    }
    Ok(())
}

/// Where decoded frames go: a buffer that can be asked for room.
pub(crate) trait Sink {
    /// The whole buffer, grown (zero-filled) if this sink can grow so that at least `end`
    /// bytes plus `WILDCOPY_SLACK` fit where possible.
    fn room(&mut self, end: usize) -> &mut [u8];
    /// Called once a frame's output ends at `end`.
    fn finish(&mut self, end: usize);
}

impl Sink for Vec<u8> {
    fn room(&mut self, end: usize) -> &mut [u8] {
        let need = end + WILDCOPY_SLACK;
        if self.len() < need {
            grow_zeroed(self, need.max(self.len().saturating_mul(2)));
        }
        &mut self[..]
    }

    fn finish(&mut self, end: usize) {
        self.truncate(end);
    }
}

impl Sink for &mut [u8] {
    fn room(&mut self, _end: usize) -> &mut [u8] {
        self
    }

    fn finish(&mut self, _end: usize) {}
}

/// Decoding options of one call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits<'d> {
    pub(crate) dict: Option<&'d Dictionary>,
    /// Reject frames whose window is larger (the streaming decoders' memory bound).
    pub(crate) max_window: Option<u64>,
}

/// Decodes the Zstandard frame at the start of `src` into `sink` from position `start`; its
/// output may not pass `limit`. Returns the bytes of `src` the frame used and where its output
/// ends.
pub(crate) fn decode_frame<S: Sink>(
    dec: &mut FrameDecoder,
    src: &[u8],
    sink: &mut S,
    start: usize,
    limit: usize,
    opts: Limits<'_>,
) -> Result<(usize, usize)> {
    let header = FrameHeader::parse(src)?;
    match opts.max_window {
        Some(max) if header.window_size > max => {
            return Err(Error::WindowTooLarge {
                window_size: header.window_size,
                max,
            });
        }
        // Without a limit, window logs above 31 are still refused, as by libzstd: the
        // largest window descriptor with log 31 is 2^31 + 7 * 2^28.
        None if !header.single_segment && header.window_size >= 1 << 32 => {
            return Err(Error::WindowTooLarge {
                window_size: header.window_size,
                max: (1 << 31) + 7 * (1 << 28),
            });
        }
        _ => {}
    }
    dec.start_frame(&header, opts.dict)?;
    let dict_content = opts.dict.map_or(&[][..], Dictionary::content);
    let block_max = header.block_max();
    // Never reserve more than the input could decode to: a frame claiming a huge size must
    // not make us allocate it before its blocks back the claim.
    let backed = src.len().saturating_mul(MAX_EXPANSION) as u64;
    let want = header
        .content_size
        .map_or(block_max as u64, |n| n.min(backed)) as usize;
    sink.room(start.saturating_add(want).min(limit));
    let mut hasher = (header.has_checksum && !dec.skip_checksum).then(|| Xxh64::new(0));
    let mut pos = header.header_len;
    let mut at = start;
    loop {
        let block = frame::read_block_header(src, pos)?;
        pos += 3;
        let content = src
            .get(pos..pos + block.content_len())
            .ok_or(Error::Truncated { what: "block" })?;
        pos += block.content_len();
        let buf = sink.room(at.saturating_add(block_max).min(limit));
        let buf_len = buf.len();
        let mut o = Output {
            buf,
            pos: at,
            frame_start: start,
            limit: limit.min(buf_len),
            block_start: at,
        };
        dec.decode_block(
            block.kind,
            block.size,
            content,
            &mut o,
            block_max,
            dict_content,
        )?;
        let end = o.pos;
        if let Some(h) = hasher.as_mut() {
            h.update(&o.buf[at..end]);
        }
        at = end;
        if block.last {
            break;
        }
    }
    if header.has_checksum {
        let stored = src.get(pos..pos + 4).ok_or(Error::Truncated {
            what: "content checksum",
        })?;
        if let Some(h) = hasher {
            let expected = u32::from_le_bytes(stored.try_into().expect("4 bytes"));
            let computed = h.digest() as u32;
            if expected != computed {
                return Err(Error::ChecksumMismatch { expected, computed });
            }
        }
        pos += 4;
    }
    let decoded = (at - start) as u64;
    if let Some(declared) = header.content_size
        && declared != decoded
    {
        return Err(Error::ContentSizeMismatch { declared, decoded });
    }
    sink.finish(at);
    Ok((pos, at))
}

/// Decodes every frame of `src` (skippable frames skipped) into `sink` from `start`, at most
/// `capacity` bytes. Returns where the output ends.
pub(crate) fn decode_frames<S: Sink>(
    dec: &mut FrameDecoder,
    mut src: &[u8],
    sink: &mut S,
    start: usize,
    capacity: usize,
    opts: Limits<'_>,
) -> Result<usize> {
    let limit = start.saturating_add(capacity);
    let mut at = start;
    while !src.is_empty() {
        let magic = src
            .get(..4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")));
        match magic {
            None => {
                return Err(Error::Truncated {
                    what: "frame header",
                });
            }
            Some(m) if m & 0xFFFF_FFF0 == frame::SKIPPABLE_MAGIC => {
                src = &src[frame::find_frame_compressed_size(src)?..];
            }
            Some(_) => {
                let (used, end) = decode_frame(dec, src, sink, at, limit, opts)?;
                at = end;
                src = &src[used..];
            }
        }
    }
    sink.finish(at);
    Ok(at)
}

/// The most output one input byte can produce (an RLE block: 3 header bytes and 1 content byte
/// for 128 KiB), used to bound allocations before the data backs them.
pub(crate) const MAX_EXPANSION: usize = frame::MAX_BLOCK_SIZE / 4 + 1;

/// Grows `v` to `len` bytes, zero-filled (fresh allocations come from `calloc`).
fn grow_zeroed(v: &mut Vec<u8>, len: usize) {
    if v.len() >= len {
        return;
    }
    if v.capacity() == 0 {
        *v = vec![0; len];
    } else {
        v.resize(len, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Makes every block take the prefetching sequence loop (which small inputs never
        /// reach), so the unit tests, and miri, run it.
        pub(super) static FORCE_PREFETCH: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Frames from the reference `zstd` (see tests/data/README.md) and what they decode to.
    const FIXTURES: [(&str, &[u8], &[u8]); 3] = [
        (
            "dickens level 1",
            include_bytes!("../tests/data/dickens-24k.l1.zst"),
            include_bytes!("../tests/data/dickens-24k"),
        ),
        (
            "dickens level 19",
            include_bytes!("../tests/data/dickens-24k.l19.zst"),
            include_bytes!("../tests/data/dickens-24k"),
        ),
        (
            "binary level 3",
            include_bytes!("../tests/data/binary-24k.l3.zst"),
            include_bytes!("../tests/data/binary-24k"),
        ),
    ];

    #[test]
    fn fixtures_decode_through_every_path() {
        use std::io::Read;
        for (name, frame, want) in FIXTURES {
            for prefetch in [false, true] {
                FORCE_PREFETCH.with(|f| f.set(prefetch));
                let label = format!("{name}, prefetch {prefetch}");
                // Into a growing buffer (room to spare: the fast paths).
                let got = crate::bulk::decompress(frame, want.len()).unwrap();
                assert!(got == want, "{label}: bulk");
                // Into a buffer of exactly the output's size: the end of every block near the
                // buffer's end takes the checked path.
                let mut exact = vec![0; want.len()];
                let n = crate::bulk::Decompressor::new()
                    .unwrap()
                    .decompress_to_buffer(frame, &mut exact)
                    .unwrap();
                assert!(n == want.len() && exact == want, "{label}: exact buffer");
                // Streaming, in small reads.
                let mut d = crate::stream::read::Decoder::with_buffer(frame).unwrap();
                let mut streamed = Vec::new();
                let mut buf = [0u8; 1000];
                loop {
                    let n = d.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    streamed.extend_from_slice(&buf[..n]);
                }
                assert!(streamed == want, "{label}: streaming");
            }
        }
        FORCE_PREFETCH.with(|f| f.set(false));
    }

    #[test]
    fn corrupt_fixtures_fail_cleanly() {
        // Every byte of a frame flipped in turn (a stride under miri): an error or some
        // output, never a panic.
        let (_, frame, _) = FIXTURES[0];
        let step = if cfg!(miri) { 397 } else { 3 };
        for at in (0..frame.len()).step_by(step) {
            let mut bad = frame.to_vec();
            bad[at] ^= 0x5A;
            let _ = crate::bulk::decompress(&bad, 1 << 20);
        }
    }

    #[test]
    fn repeat_offsets_follow_the_spec_table() {
        // RFC 8878 §3.1.2.5's worked example.
        let mut reps = INITIAL_REPS;
        let steps: [(u32, usize, [u32; 3]); 9] = [
            (1114, 11, [1111, 1, 4]),
            (1, 22, [1111, 1, 4]),
            (2225, 22, [2222, 1111, 1]),
            (1114, 111, [1111, 2222, 1111]),
            (3336, 33, [3333, 1111, 2222]),
            (2, 22, [1111, 3333, 2222]),
            (3, 33, [2222, 1111, 3333]),
            (3, 0, [2221, 2222, 1111]),
            (1, 0, [2222, 2221, 1111]),
        ];
        for (ov, ll, want) in steps {
            assert_eq!(
                resolve_offset(&mut reps, ov, 31 - ov.leading_zeros(), ll == 0),
                want[0]
            );
            assert_eq!(reps, want, "offset value {ov}, literal length {ll}");
        }
        let mut one = [1, 5, 9];
        assert_eq!(
            resolve_offset(&mut one, 3, 1, true),
            INVALID_OFFSET,
            "1 - 1 = 0 is not an offset"
        );
    }
}
