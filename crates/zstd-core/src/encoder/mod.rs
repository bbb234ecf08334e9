//! The encoder: frames of compressed blocks from libzstd's `fast`, `dfast`, `greedy`, `lazy`
//! and `lazy2` match finders with its per-level parameters, Huffman-coded literals, and
//! sequences coded with whichever FSE table (predefined, RLE, new or repeated) is cheapest.
//!
//! Levels above 12 use `lazy2`, the strongest strategy here, with their own window (libzstd's
//! optimal parsers are not implemented).

use xxhash_rust::xxh64::{Xxh64, xxh64};

mod dictionary;
mod entropy;
mod huffman;
mod matcher;
mod params;
mod stream;

use crate::fse::{self, Distribution};
use crate::sequences::{Kind, LL_CODES, ML_CODES};
pub(crate) use dictionary::EncoderDictionary;
use entropy::{BitWriter, CTable};
use huffman::HufTable;
use matcher::{Matcher, SeqStore, Sequence};
pub(crate) use params::{MAX_LEVEL, MIN_LEVEL};
use params::{Params, Strategy};
pub(crate) use stream::FrameWriter;

/// The largest block content (128 KiB).
const BLOCK_MAX: usize = crate::frame::MAX_BLOCK_SIZE;

/// The code of each value below `N` in a (baseline, bits) table: the last baseline not above
/// it, the values counted from `first`.
const fn small_codes<const N: usize>(table: &[(u32, u8)], first: u32) -> [u8; N] {
    let mut codes = [0u8; N];
    let mut v = 0;
    while v < N {
        let mut code = 0;
        while code + 1 < table.len() && table[code + 1].0 <= v as u32 + first {
            code += 1;
        }
        codes[v] = code as u8;
        v += 1;
    }
    codes
}

/// Literal-length codes of lengths below 64 (above, codes follow powers of two).
const LL_SMALL: [u8; 64] = small_codes(&LL_CODES, 0);
/// Match-length codes of lengths 3 to 130 (above, codes follow powers of two).
const ML_SMALL: [u8; 128] = small_codes(&ML_CODES, 3);

/// The extra-bits counts of the codes of `table`, padded to 64 entries so a code masked with
/// 63 indexes them without a bounds check.
const fn code_bits(table: &[(u32, u8)]) -> [u8; 64] {
    let mut bits = [0u8; 64];
    let mut code = 0;
    while code < table.len() {
        bits[code] = table[code].1;
        code += 1;
    }
    bits
}

/// Extra-bits counts of the literal-length codes.
const LL_BITS: [u8; 64] = code_bits(&LL_CODES);
/// Extra-bits counts of the match-length codes.
const ML_BITS: [u8; 64] = code_bits(&ML_CODES);

/// A literal length's code (its extra bits are the length's low `LL_BITS[code]` bits).
#[inline(always)]
fn ll_code(ll: u32) -> u8 {
    if ll < 64 {
        LL_SMALL[ll as usize]
    } else {
        (31 - ll.leading_zeros() + 19) as u8
    }
}

/// A match length's code (its extra bits are the low `ML_BITS[code]` bits of the length less
/// 3).
#[inline(always)]
fn ml_code(ml: u32) -> u8 {
    let base_value = ml - 3;
    if base_value < 128 {
        ML_SMALL[base_value as usize]
    } else {
        (31 - base_value.leading_zeros() + 36) as u8
    }
}

/// A compression context: parameters, the match finder's tables and the entropy coder's
/// scratch space, reused across frames.
pub(crate) struct Encoder {
    /// The compression level (0 means the default).
    pub(crate) level: i32,
    /// A window log that overrides the level's.
    pub(crate) window_log: Option<u32>,
    /// Whether frames end with a checksum of their content.
    pub(crate) checksum: bool,
    /// Whether frame headers carry the content size when it is known.
    pub(crate) content_size: bool,
    /// The dictionary every frame starts from.
    pub(crate) dict: Option<EncoderDictionary>,
    /// The dictionary content followed by the input, for one-shot frames with a dictionary.
    dict_buf: Vec<u8>,
    /// The current frame's parameters.
    params: Params,
    matcher: Matcher,
    store: SeqStore,
    /// Each sequence's codes: literal length, offset, match length (and a pad byte, so one
    /// sequence's codes are one 4-byte store).
    codes: Vec<[u8; 4]>,
    /// The predefined literal-length, offset and match-length tables.
    predefined: [SeqTable; 3],
    entropy: Entropy,
    /// Work space for Huffman code lengths.
    tree: huffman::TreeScratch,
    /// The checksum of the current frame's content so far (streaming).
    hasher: Xxh64,
}

/// Block types (RFC 8878 §3.1.1.2.2).
const RAW_BLOCK: u32 = 0;
const RLE_BLOCK: u32 = 1;
const COMPRESSED_BLOCK: u32 = 2;

/// A block header: last-block flag, type, size.
fn block_header(last: bool, kind: u32, size: usize) -> [u8; 3] {
    let v = u32::from(last) | (kind << 1) | ((size as u32) << 3);
    [v as u8, (v >> 8) as u8, (v >> 16) as u8]
}

/// Where a frame goes, part by part: headers and compressed blocks are written into
/// [`buf`](Self::buf) and then committed; raw content is [`put`](Self::put) straight.
trait FrameOut {
    /// The buffer to append the next part to.
    fn buf(&mut self) -> &mut Vec<u8>;
    /// Takes what was appended to [`buf`](Self::buf); `false` when it does not fit.
    fn commit(&mut self) -> bool;
    /// Appends `bytes`; `false` when they do not fit.
    fn put(&mut self, bytes: &[u8]) -> bool;
}

/// A frame appended to a `Vec`: parts are written in place.
struct VecOut<'a>(&'a mut Vec<u8>);

impl FrameOut for VecOut<'_> {
    fn buf(&mut self) -> &mut Vec<u8> {
        self.0
    }

    fn commit(&mut self) -> bool {
        true
    }

    fn put(&mut self, bytes: &[u8]) -> bool {
        self.0.extend_from_slice(bytes);
        true
    }
}

/// A frame written into a caller's buffer: parts are built in `scratch` (one block at most)
/// and copied to `dst[pos..]`.
struct SliceOut<'a> {
    dst: &'a mut [u8],
    pos: usize,
    scratch: &'a mut Vec<u8>,
}

impl FrameOut for SliceOut<'_> {
    fn buf(&mut self) -> &mut Vec<u8> {
        self.scratch.clear();
        self.scratch
    }

    fn commit(&mut self) -> bool {
        put_at(self.dst, &mut self.pos, self.scratch)
    }

    fn put(&mut self, bytes: &[u8]) -> bool {
        put_at(self.dst, &mut self.pos, bytes)
    }
}

/// Copies `bytes` to `dst[*pos..]` and moves `pos` past them; `false`, copying nothing, when
/// they do not fit.
fn put_at(dst: &mut [u8], pos: &mut usize, bytes: &[u8]) -> bool {
    match dst.get_mut(*pos..*pos + bytes.len()) {
        Some(d) => {
            d.copy_from_slice(bytes);
            *pos += bytes.len();
            true
        }
        None => false,
    }
}

impl std::fmt::Debug for Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encoder")
            .field("level", &self.level)
            .field("window_log", &self.window_log)
            .field("checksum", &self.checksum)
            .field("content_size", &self.content_size)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl Encoder {
    pub(crate) fn new(level: i32) -> Encoder {
        Encoder {
            level,
            window_log: None,
            checksum: false,
            content_size: true,
            dict: None,
            dict_buf: Vec::new(),
            params: Params::for_level(level, None),
            matcher: Matcher::default(),
            store: SeqStore::new(),
            codes: Vec::new(),
            predefined: [Kind::LiteralLength, Kind::Offset, Kind::MatchLength]
                .map(|k| SeqTable::new(&k.predefined())),
            entropy: Entropy::default(),
            tree: huffman::TreeScratch::default(),
            hasher: Xxh64::new(0),
        }
    }

    /// Appends one frame holding `src` to `out`.
    pub(crate) fn compress_frame(&mut self, src: &[u8], out: &mut Vec<u8>) {
        self.with_history(src, |e, buf, prefix| {
            let mut out = VecOut(out);
            e.compress_after(buf, prefix, &mut out);
        });
    }

    /// Writes one frame holding `src` into `dst`; returns its size, or `None` when it does not
    /// fit (then `dst` holds part of it). `scratch` holds each compressed block on its way to
    /// `dst`; a raw block goes from `src` to `dst` in one copy.
    pub(crate) fn compress_frame_into(
        &mut self,
        src: &[u8],
        dst: &mut [u8],
        scratch: &mut Vec<u8>,
    ) -> Option<usize> {
        self.with_history(src, |e, buf, prefix| {
            let mut out = SliceOut {
                dst,
                pos: 0,
                scratch,
            };
            e.compress_after(buf, prefix, &mut out).then_some(out.pos)
        })
    }

    /// Calls `f` with the buffer the frame compresses from and the length of its history: the
    /// dictionary content (if any) followed by `src`.
    fn with_history<T>(&mut self, src: &[u8], f: impl FnOnce(&mut Self, &[u8], usize) -> T) -> T {
        let Some(dict) = self.dict.take() else {
            return f(self, src, 0);
        };
        // The dictionary content is the history the frame starts with.
        let mut buf = std::mem::take(&mut self.dict_buf);
        buf.clear();
        buf.extend_from_slice(&dict.content);
        buf.extend_from_slice(src);
        let prefix = dict.content.len();
        self.dict = Some(dict);
        let result = f(self, &buf, prefix);
        self.dict_buf = buf;
        result
    }

    /// Writes one frame holding `buf[prefix..]`, with `buf[..prefix]` (the dictionary
    /// content) as history; `false` when `out` ran out of room.
    fn compress_after(&mut self, buf: &[u8], prefix: usize, out: &mut impl FrameOut) -> bool {
        let src = &buf[prefix..];
        self.begin_frame(Some(src.len() as u64), out.buf());
        if !out.commit() {
            return false;
        }
        self.load_history(buf, prefix);
        let block = self.block_size();
        let mut start = prefix;
        loop {
            let end = (start + block).min(buf.len());
            let last = end == buf.len();
            let fits = if self.try_compress_block(buf, start, end, last, out.buf()) {
                out.commit()
            } else {
                out.put(&block_header(last, RAW_BLOCK, end - start)) && out.put(&buf[start..end])
            };
            if !fits {
                return false;
            }
            start = end;
            if last {
                break;
            }
        }
        !self.checksum || out.put(&(xxh64(src, 0) as u32).to_le_bytes())
    }

    /// Chooses the frame's parameters, resets the tables (to the dictionary's, if any) and
    /// writes the frame header for `content_size` bytes (`None`: unknown).
    pub(crate) fn begin_frame(&mut self, content_size: Option<u64>, out: &mut Vec<u8>) {
        let dict_len = self.dict.as_ref().map_or(0, |d| d.content.len() as u64);
        // The window covers the dictionary too (as libzstd sizes it).
        let mut p = Params::for_level(self.level, content_size.map(|n| n + dict_len));
        if let Some(log) = self.window_log {
            p = p.with_window_log(log);
        }
        self.params = p;
        self.matcher.reset(&p);
        match &self.dict {
            Some(d) => {
                self.entropy.start_from(&d.entropy);
                self.store.reps = d.reps;
            }
            None => {
                self.entropy.clear();
                self.store.reps = [1, 4, 8];
            }
        }
        self.hasher = Xxh64::new(0);
        let header = FrameHeaderFields {
            content_size: content_size.filter(|_| self.content_size),
            window_log: p.window_log,
            checksum: self.checksum,
            dict_id: self.dict.as_ref().map_or(0, |d| d.id),
            // With a dictionary the window descriptor covers the dictionary too: a
            // single-segment frame's window is only its content (RFC 8878 reaches the dictionary
            // "as long as the amount of data decoded ... is less than or equal to Window_Size",
            // and offsets stay below it), which streaming decoders enforce.
            single_segment_allowed: self.dict.is_none(),
        };
        header.write(out);
    }

    /// Indexes `buf[..len]` (the dictionary content) so matches can reach into it.
    pub(crate) fn load_history(&mut self, buf: &[u8], len: usize) {
        if len > 0 {
            let p = self.params;
            self.matcher.fill(&p, buf, len);
        }
    }

    /// The largest block of the current frame: 128 KiB, or the window if smaller.
    pub(crate) fn block_size(&self) -> usize {
        BLOCK_MAX.min(self.window_size())
    }

    /// The window the current frame's matches stay within.
    pub(crate) fn window_size(&self) -> usize {
        1 << self.params.window_log
    }

    /// Feeds streamed content to the frame checksum.
    pub(crate) fn hash_content(&mut self, data: &[u8]) {
        self.hasher.update(data);
    }

    /// Ends a streamed frame: its checksum if it carries one.
    pub(crate) fn end_frame(&mut self, out: &mut Vec<u8>) {
        if self.checksum {
            out.extend_from_slice(&(self.hasher.digest() as u32).to_le_bytes());
        }
    }

    /// Moves the match finder's positions back by `shift` bytes, for a streaming buffer that
    /// dropped that much from its front.
    pub(crate) fn rebase(&mut self, shift: usize) {
        self.matcher.rebase(shift);
    }

    /// Appends the block holding `src[start..end]` (at most 128 KiB), with everything before
    /// `start` in `src` as history.
    pub(crate) fn compress_block(
        &mut self,
        src: &[u8],
        start: usize,
        end: usize,
        last: bool,
        out: &mut Vec<u8>,
    ) {
        if !self.try_compress_block(src, start, end, last, out) {
            out.extend_from_slice(&block_header(last, RAW_BLOCK, end - start));
            out.extend_from_slice(&src[start..end]);
        }
    }

    /// Appends the block holding `src[start..end]` as an RLE or compressed block, with
    /// everything before `start` in `src` as history; `false`, with nothing appended, when it
    /// is to be stored raw (compressing does not make it smaller).
    fn try_compress_block(
        &mut self,
        src: &[u8],
        start: usize,
        end: usize,
        last: bool,
        out: &mut Vec<u8>,
    ) -> bool {
        debug_assert!(end - start <= self.block_size());
        let block = &src[start..end];
        if block.len() > 1 && block.iter().all(|&b| b == block[0]) {
            out.extend_from_slice(&block_header(last, RLE_BLOCK, block.len()));
            out.push(block[0]);
            // The match finder did not see these bytes; later matches just find less.
            return true;
        }
        let saved_reps = self.store.reps;
        let p = self.params;
        let window = self.window_size();
        self.matcher
            .find(&p, src, start, end, window, &mut self.store);
        let body_start = out.len() + 3;
        out.extend_from_slice(&[0; 3]);
        // A compressed block must be smaller than the block, and its sequences section takes
        // at least a byte: literals stored raw in `block.len() - 1` bytes or more cannot pay,
        // and are not copied out only to be dropped (random data's every block; an empty block
        // is stored raw too).
        let written = self
            .write_literals(out, block.len().saturating_sub(1))
            .map(|new_huffman| {
                let seq_tables = self.write_sequences(out);
                (new_huffman, seq_tables)
            });
        let size = out.len() - body_start;
        let Some((new_huffman, seq_tables)) = written.filter(|_| size < block.len()) else {
            // Not worth it: a raw block, and the decoder's repeat offsets stay as they were.
            self.store.reps = saved_reps;
            out.truncate(body_start - 3);
            return false;
        };
        out[body_start - 3..body_start].copy_from_slice(&block_header(
            last,
            COMPRESSED_BLOCK,
            size,
        ));
        // The decoder now holds this block's tables.
        if new_huffman {
            self.entropy.huffman = Some(self.entropy.free_huffman());
        }
        for (kept, new) in self.entropy.seq.iter_mut().zip(seq_tables) {
            if new.is_some() {
                *kept = new;
            }
        }
        true
    }

    /// Writes the literals section; returns whether it described a new Huffman table (built
    /// in the free slot). Writes nothing and returns `None` when the section would be stored
    /// raw in `max` bytes or more.
    fn write_literals(&mut self, out: &mut Vec<u8>, max: usize) -> Option<bool> {
        let lits = self.store.literals();
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
        // libzstd leaves the literals of its accelerated fast levels (the negative ones)
        // uncompressed: those levels trade ratio for speed (`ZSTD_literalsCompressionIsDisabled`).
        let huffman_allowed =
            !(self.params.strategy == Strategy::Fast && self.params.target_length > 0);
        if !rle && n >= min_huffman && huffman_allowed {
            let mark = out.len();
            let free = self.entropy.free_huffman();
            let (held, fresh) = held_and_free(&mut self.entropy.huffman_slots, free);
            let prev = self.entropy.huffman.map(|_| held);
            if let Some(counts) = literal_counts(lits, self.store.seqs.len())
                && let Some(new) =
                    write_huffman_literals(lits, &counts, prev, fresh, &mut self.tree, out)
            {
                // Worth it only when it saves more than the decoding time it costs.
                let min_gain = (n >> 6) + 2;
                if out.len() - mark + min_gain < n + raw_header {
                    return Some(new);
                }
                out.truncate(mark);
            }
        }
        if !rle && raw_header + n >= max {
            return None;
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
        Some(false)
    }

    /// Writes the sequences section, each code with the cheapest of the predefined table, RLE,
    /// a new table and the previous block's table; returns the tables the decoder keeps.
    fn write_sequences(&mut self, out: &mut Vec<u8>) -> [Option<Kept>; 3] {
        let n = self.store.seqs.len();
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
        // Codes of every sequence, and each code's histogram.
        let mut hist = [[0u32; fse::MAX_SYMBOLS]; 3];
        self.codes.clear();
        self.codes.extend(self.store.seqs.iter().map(|s| {
            let ll = ll_code(s.lit_len);
            let ml = ml_code(s.match_len);
            let of = (31 - s.offset_value.leading_zeros()) as u8;
            // (Codes are below 64: the masks only drop bounds checks.)
            hist[0][usize::from(ll & 63)] += 1;
            hist[1][usize::from(of & 63)] += 1;
            hist[2][usize::from(ml & 63)] += 1;
            [ll, of, ml, 0]
        }));
        // Kinds in the order of the section: literal lengths, offsets, match lengths.
        let mut modes = 0u8;
        let mut chosen: [Option<Kept>; 3] = [None, None, None];
        let mode_byte = out.len();
        out.push(0);
        for k in 0..3 {
            let free = self.entropy.free_slot(k);
            let (held_slot, free_table) = held_and_free(&mut self.entropy.slots[k], free);
            let previous = self.entropy.seq[k].map(|kept| match kept {
                Kept::Predefined => &self.predefined[k],
                Kept::Slot(_) => held_slot,
            });
            let (mode, choice) = choose_table(
                &hist[k],
                n,
                SEQ_MAX_LOG[k],
                &self.predefined[k],
                previous,
                free_table,
                out,
            );
            modes |= mode << (6 - 2 * k);
            chosen[k] = match choice {
                Choice::Repeat => None,
                Choice::Predefined => Some(Kept::Predefined),
                Choice::Described => Some(Kept::Slot(free)),
            };
        }
        out[mode_byte] = modes;
        let tables: [&CTable; 3] = std::array::from_fn(|k| {
            let kept = chosen[k]
                .or(self.entropy.seq[k])
                .expect("repeat mode is chosen only with a previous table");
            match kept {
                Kept::Predefined => &self.predefined[k].table,
                Kept::Slot(i) => &self.entropy.slots[k][i].table,
            }
        });
        // Per sequence at most 26 bits of states (logs 9, 8 and 9) and 16 + 16 + 31 extra
        // bits; then the three final states and the end mark.
        let (seqs, codes) = (&self.store.seqs[..], &self.codes[..]);
        entropy::append_bits(out, 89 * n + 27, |w| {
            #[cfg(target_arch = "x86_64")]
            if crate::cpu::has_avx2_level() {
                // SAFETY: the CPU has the AVX2 level's features (detected at run time).
                return unsafe { encode_sequences_avx2(seqs, codes, tables, w) };
            }
            encode_sequences(seqs, codes, tables, w);
        });
        chosen
    }
}

/// [`encode_sequences`] compiled for the AVX2 level (see [`crate::cpu`]): its shifts by
/// variable amounts are then single `shlx`/`shrx` instructions. On an Intel Xeon, with the
/// Huffman stream coder built the same way, levels -5 to 5 ran 1-8% faster on 15 of 16 rows measured (on an AMD EPYC an
/// earlier such build measured no faster; see docs/BENCHMARKS.md).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1,bmi2,lzcnt")]
fn encode_sequences_avx2(
    seqs: &[Sequence],
    codes: &[[u8; 4]],
    tables: [&CTable; 3],
    w: &mut BitWriter<'_>,
) {
    encode_sequences(seqs, codes, tables, w)
}

/// Writes the sequences' bit stream: last to first, each sequence's three state moves and
/// then its extra bits, so the decoder, reading backwards, meets them first to last.
#[inline(always)]
fn encode_sequences(
    seqs: &[Sequence],
    codes: &[[u8; 4]],
    [ll_t, of_t, ml_t]: [&CTable; 3],
    w: &mut BitWriter<'_>,
) {
    debug_assert!(!seqs.is_empty() && seqs.len() == codes.len());
    // A sequence's extra bits after its states (at most 26 bits), with at most 7 bits pending
    // before: the lengths' bits (at most 31 together, as both lie in one block) fit in the
    // accumulator, and the offset's after them unless all three reach 31 bits; so one flush per
    // sequence, two for long ones. Each code's extra bits are the low bits of its value, as
    // every code's baseline is a multiple of its range (checked in the tests).
    #[inline(always)]
    fn extra(w: &mut BitWriter<'_>, s: &Sequence, [ll, of, ml, _]: [u8; 4]) {
        let ll_bits = u32::from(LL_BITS[usize::from(ll & 63)]);
        let ml_bits = u32::from(ML_BITS[usize::from(ml & 63)]);
        let of_bits = u32::from(of);
        w.add(u64::from(s.lit_len), ll_bits);
        w.add(u64::from(s.match_len - 3), ml_bits);
        if ll_bits + ml_bits + of_bits >= 31 {
            w.flush();
        }
        w.add(u64::from(s.offset_value), of_bits);
        w.flush();
    }
    let n = seqs.len();
    let last = codes[n - 1];
    let mut ml_state = ml_t.init_state(last[2]);
    let mut of_state = of_t.init_state(last[1]);
    let mut ll_state = ll_t.init_state(last[0]);
    extra(w, &seqs[n - 1], last);
    for (s, &c) in seqs[..n - 1].iter().zip(&codes[..n - 1]).rev() {
        of_t.encode(w, &mut of_state, c[1]);
        ml_t.encode(w, &mut ml_state, c[2]);
        ll_t.encode(w, &mut ll_state, c[0]);
        extra(w, s, c);
    }
    ml_t.flush(w, ml_state);
    of_t.flush(w, of_state);
    w.flush();
    ll_t.flush(w, ll_state);
    w.end_mark();
}

/// The byte counts of a block's literals, `lits` beside `seqs` sequences, or `None` when a
/// Huffman code would not pay: one byte value only, or none much more common than the rest
/// (libzstd's `HIST_count` bound). When matches were rare (none, or one per 20 literals or
/// more), samples at both ends are judged first (libzstd's `HUF_flags_suspectUncompressible`),
/// and the rest is counted only if they pass: counting a 128 KiB section of random bytes took
/// most of the time a block of them cost.
fn literal_counts(lits: &[u8], seqs: usize) -> Option<[u32; 256]> {
    const SAMPLE: usize = 4096;
    let n = lits.len();
    let flat = |max: u32, len: usize| max as usize <= (len >> 7) + 4;
    let suspect = seqs == 0 || n / seqs >= 20;
    let (counts, max) = if suspect && n >= 2 * SAMPLE {
        let (head, _, head_max) = zstd_simd::literal_histogram(&lits[..SAMPLE]);
        let (tail, _, tail_max) = zstd_simd::literal_histogram(&lits[n - SAMPLE..]);
        if flat(head_max + tail_max, 2 * SAMPLE) {
            return None;
        }
        // The samples are counted already: count what lies between and add them.
        let (mut all, _, _) = zstd_simd::literal_histogram(&lits[SAMPLE..n - SAMPLE]);
        for ((a, h), t) in all.iter_mut().zip(head).zip(tail) {
            *a += h + t;
        }
        let max = all.iter().copied().max().unwrap_or(0);
        (all, max)
    } else {
        let (all, _, max) = zstd_simd::literal_histogram(lits);
        (all, max)
    };
    (max as usize != n && !flat(max, n)).then_some(counts)
}

/// Writes Huffman-coded literals with a new table (built into `fresh`) or `prev`, whichever
/// is estimated smaller; returns `None` (nothing written) when neither can code them,
/// `Some(true)` when the new table was described, `Some(false)` when `prev` was reused.
fn write_huffman_literals(
    lits: &[u8],
    counts: &[u32; 256],
    prev: Option<&HufTable>,
    fresh: &mut HufTable,
    tree: &mut huffman::TreeScratch,
    out: &mut Vec<u8>,
) -> Option<bool> {
    let n = lits.len();
    if !fresh.build(counts, MAX_HUFFMAN_BITS, tree) {
        return None;
    }
    let fresh = &*fresh;
    let mark = out.len();
    // The header's size follows from the literal count, as the coded size is kept only when
    // smaller; the body goes right after it.
    let (size_bits, header_bytes) = match n {
        0..=1023 => (10, 3),
        1024..=16383 => (14, 4),
        _ => (18, 5),
    };
    out.resize(mark + header_bytes, 0);
    let body = out.len();
    let described = fresh.describe(out);
    let fresh_cost = described.then(|| out.len() - body + fresh.estimate_bytes(counts));
    let reuse_cost = prev
        .filter(|t| t.covers(counts))
        .map(|t| t.estimate_bytes(counts));
    let (table, kind, new) = match (fresh_cost, reuse_cost, prev) {
        (Some(f), Some(r), Some(p)) if r <= f => (p, 3u64, false),
        (None, Some(_), Some(p)) => (p, 3, false),
        (Some(_), _, _) => (fresh, 2, true),
        _ => {
            out.truncate(mark);
            return None;
        }
    };
    if !new {
        out.truncate(body);
    }
    // One stream when the 10-bit sizes allow it (always smaller than four: no jump table,
    // one padding).
    let mut single = false;
    if n <= 1023 {
        let at = out.len();
        table.encode_stream(lits, out);
        single = out.len() - body <= 1023;
        if !single {
            out.truncate(at);
        }
    }
    if !single {
        if n < 6 {
            out.truncate(mark);
            return None;
        }
        table.encode_4_streams(lits, out);
    }
    let comp = out.len() - body;
    if comp >= n {
        // Larger than raw literals (and maybe than the header's size field).
        out.truncate(mark);
        return None;
    }
    let format: u64 = match (single, header_bytes) {
        (true, _) => 0,
        (false, 3) => 1,
        (false, 4) => 2,
        _ => 3,
    };
    let v = kind | (format << 2) | ((n as u64) << 4) | ((comp as u64) << (4 + size_bits));
    out[mark..body].copy_from_slice(&v.to_le_bytes()[..header_bytes]);
    Some(new)
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

    /// Makes this the table of `dist`, in place.
    fn build(&mut self, dist: &Distribution) {
        self.table.build(dist);
        entropy::fill_symbol_costs(dist, &mut self.costs);
    }
}

/// The largest accuracy logs of literal-length, offset and match-length tables.
const SEQ_MAX_LOG: [u32; 3] = [9, 8, 9];

/// How a block codes one kind's symbols.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Choice {
    /// The previous block's table.
    Repeat,
    Predefined,
    /// A table described in the block (RLE included), built into the free slot.
    Described,
}

/// Picks the cheapest way to code one kind's symbols (`hist`, `n` in all): writes a new table's
/// description (or an RLE byte) to `out` and builds that table into `free`; returns the mode and
/// the choice.
fn choose_table(
    hist: &[u32; fse::MAX_SYMBOLS],
    n: usize,
    max_log: u32,
    predefined: &SeqTable,
    previous: Option<&SeqTable>,
    free: &mut SeqTable,
    out: &mut Vec<u8>,
) -> (u8, Choice) {
    let present = hist.iter().filter(|&&c| c > 0).count();
    let top = hist.iter().rposition(|&c| c > 0).unwrap_or(0);
    // (Symbols above `top` count nothing.)
    let used = &hist[..=top];
    let predefined_bits = entropy::estimate_bits(used, &predefined.costs);
    let repeat_bits = previous.and_then(|p| entropy::estimate_bits(used, &p.costs));
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
            free.build(&dist);
            return (1, Choice::Described);
        }
    }
    let mut fresh = None;
    let mut fresh_bits = f64::INFINITY;
    // A new table's description is written where it goes, and taken back if another wins.
    let mark = out.len();
    if present >= 2 {
        let dist = entropy::normalize(
            &hist[..=top],
            n as u32,
            entropy::table_log(n, present, max_log),
        );
        entropy::write_description(&dist, out);
        let desc_bytes = out.len() - mark;
        // The costs go straight into the free slot: if the new table wins, they are its own.
        entropy::fill_symbol_costs(&dist, &mut free.costs);
        if let Some(bits) = entropy::estimate_bits(used, &free.costs) {
            fresh_bits = bits + 8.0 * desc_bytes as f64;
            fresh = Some(dist);
        }
    }
    let predefined_bits = predefined_bits.unwrap_or(f64::INFINITY);
    let repeat_bits = repeat_bits.unwrap_or(f64::INFINITY);
    if repeat_bits <= predefined_bits && repeat_bits <= fresh_bits {
        out.truncate(mark);
        (3, Choice::Repeat)
    } else if predefined_bits <= fresh_bits {
        out.truncate(mark);
        (0, Choice::Predefined)
    } else {
        let dist = fresh.expect("a finite cost comes from a table");
        free.table.build(&dist);
        (2, Choice::Described)
    }
}

/// The largest Huffman code length the format allows.
const MAX_HUFFMAN_BITS: u32 = crate::huffman::MAX_BITS;

/// What a frame header says.
struct FrameHeaderFields {
    content_size: Option<u64>,
    window_log: u32,
    checksum: bool,
    /// 0 for none.
    dict_id: u32,
    single_segment_allowed: bool,
}

impl FrameHeaderFields {
    /// Writes the header: magic, descriptor, window descriptor unless the frame is a single
    /// segment (content size known and within the window), dictionary id, content size.
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&crate::frame::MAGIC.to_le_bytes());
        let single_segment = self.single_segment_allowed
            && self.content_size.is_some_and(|n| n <= 1 << self.window_log);
        // A 1-byte size exists only in single-segment frames; sizes from 256 take 2 bytes
        // (minus 256), then 4, then 8.
        let (fcs_flag, fcs_bytes) = match self.content_size {
            None => (0u8, 0),
            Some(n) if n <= 255 && single_segment => (0, 1),
            Some(n) if (256..=65_791).contains(&n) => (1, 2),
            Some(n) if n <= 0xFFFF_FFFF => (2, 4),
            Some(_) => (3, 8),
        };
        let (did_flag, did_bytes) = match self.dict_id {
            0 => (0u8, 0),
            1..=0xFF => (1, 1),
            0x100..=0xFFFF => (2, 2),
            _ => (3, 4),
        };
        out.push(
            (fcs_flag << 6)
                | (u8::from(single_segment) << 5)
                | (u8::from(self.checksum) << 2)
                | did_flag,
        );
        if !single_segment {
            out.push(((self.window_log - 10) << 3) as u8);
        }
        out.extend_from_slice(&self.dict_id.to_le_bytes()[..did_bytes]);
        if let Some(n) = self.content_size {
            let fcs = if fcs_bytes == 2 { n - 256 } else { n };
            out.extend_from_slice(&fcs.to_le_bytes()[..fcs_bytes]);
        }
    }
}

/// What the decoder keeps from the last compressed block, for the repeat modes.
#[derive(Clone, Debug)]
struct Entropy {
    /// Which of the two Huffman slots the decoder holds.
    huffman: Option<usize>,
    /// The table the decoder may hold and room to build the next in place.
    huffman_slots: [HufTable; 2],
    /// Literal-length, offset and match-length tables: which one the decoder holds.
    seq: [Option<Kept>; 3],
    /// Per kind, two tables: the one the decoder may hold and room to build the next in place
    /// (a block's new table is built where it will stay; moving 2.5 KiB tables into place cost
    /// small inputs a tenth of their time).
    slots: [[SeqTable; 2]; 3],
}

impl Default for Entropy {
    fn default() -> Entropy {
        // A placeholder until a block builds into the slot (never read while not held): the
        // RLE table of symbol 0, a valid distribution.
        let mut counts = [0; fse::MAX_SYMBOLS];
        counts[0] = 1;
        let empty = SeqTable::new(&Distribution {
            counts,
            symbols: 1,
            log: 0,
        });
        Entropy {
            huffman: None,
            huffman_slots: [HufTable::empty(), HufTable::empty()],
            seq: [None; 3],
            slots: std::array::from_fn(|_| [empty.clone(), empty.clone()]),
        }
    }
}

impl Entropy {
    /// Forgets every table (a frame without dictionary starts so); the slots stay allocated.
    fn clear(&mut self) {
        self.huffman = None;
        self.seq = [None; 3];
    }

    /// Starts from `d`'s tables (a dictionary's), copying only the tables it holds.
    fn start_from(&mut self, d: &Entropy) {
        self.huffman = d.huffman;
        if let Some(i) = d.huffman {
            self.huffman_slots[i].clone_from(&d.huffman_slots[i]);
        }
        self.seq = d.seq;
        for k in 0..3 {
            if let Some(Kept::Slot(i)) = d.seq[k] {
                self.slots[k][i].clone_from(&d.slots[k][i]);
            }
        }
    }

    /// The Huffman slot the decoder does not hold.
    fn free_huffman(&self) -> usize {
        self.huffman.map_or(0, |i| 1 - i)
    }

    /// Kind `k`'s free slot: the one the decoder does not hold.
    fn free_slot(&self, k: usize) -> usize {
        match self.seq[k] {
            Some(Kept::Slot(i)) => 1 - i,
            _ => 0,
        }
    }
}

/// A pair of table slots split into the one the decoder may hold and the `free` one, where
/// the next table is built.
fn held_and_free<T>(slots: &mut [T; 2], free: usize) -> (&T, &mut T) {
    let [a, b] = slots;
    if free == 0 { (b, a) } else { (a, b) }
}

/// A sequence table the decoder holds: the predefined one (not copied: it never changes) or
/// one a block described, in one of its kind's two slots.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kept {
    Predefined,
    Slot(usize),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(data: &[u8], level: i32) -> Vec<u8> {
        let mut enc = Encoder::new(level);
        enc.checksum = true;
        let mut out = Vec::new();
        enc.compress_frame(data, &mut out);
        let back = crate::bulk::decompress(&out, data.len() + 1).expect("our frame decodes");
        assert_eq!(back, data);
        out
    }

    #[test]
    fn length_codes_match_the_tables() {
        let slow = |table: &[(u32, u8)], v: u32| {
            let code = table.partition_point(|&(base, _)| base <= v) - 1;
            (code as u8, v - table[code].0, table[code].1)
        };
        let top = if cfg!(miri) { 2000 } else { 1 << 17 };
        for v in 0..top {
            // The sequence writer codes extra bits as the value's low bits.
            let (code, extra, bits) = slow(&LL_CODES, v);
            assert_eq!(ll_code(v), code, "literal length {v}");
            assert_eq!(LL_BITS[usize::from(code)], bits);
            assert_eq!(v & ((1 << bits) - 1), extra, "literal length {v}");
            let (code, extra, bits) = slow(&ML_CODES, v + 3);
            assert_eq!(ml_code(v + 3), code, "match length {}", v + 3);
            assert_eq!(ML_BITS[usize::from(code)], bits);
            assert_eq!(v & ((1 << bits) - 1), extra, "match length {}", v + 3);
        }
    }

    #[test]
    fn every_strategy_round_trips() {
        // Text with repeats near and far, so every finder finds matches and repeat offsets.
        let scale = if cfg!(miri) { 20 } else { 1 };
        let mut text = Vec::new();
        let mut x = 7u64;
        for i in 0..4000 / scale {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            let word = ["alpha ", "beta ", "gamma ", "delta ", "epsilon "][(x >> 60) as usize % 5];
            text.extend_from_slice(word.as_bytes());
            if i % 7 == 0 {
                text.extend_from_slice(format!("{} ", x >> 50).as_bytes());
            }
        }
        // fast (with acceleration), fast, dfast, greedy, lazy, lazy2 (rows of 16, 32, 64).
        for level in [-5, 1, 3, 5, 6, 8, 12, 16] {
            let out = round_trip(&text, level);
            assert!(
                out.len() < text.len() / 2,
                "level {level}: {} of {}",
                out.len(),
                text.len()
            );
        }
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
