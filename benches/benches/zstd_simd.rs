//! zstd-simd: each kernel at each level against the scalar level, and the dispatched kernel
//! against the loop a user would write.

use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;

use perfkit_benches::data::{Rng, random_bytes, text};
use perfkit_benches::{Suite, Throughput, iter};
use simd_arch::{Level, Search};
use zstd_simd::{CopyKernels, WILDCOPY_SLACK, match_length_with};

/// The match-length loop a user would write.
fn byte_loop(data: &[u8], a: usize, b: usize, limit: usize) -> usize {
    let n = limit.min(data.len() - a.max(b));
    let mut i = 0;
    while i < n && data[a + i] == data[b + i] {
        i += 1;
    }
    i
}

/// The match copy a user would write: `copy_within` when source and destination don't overlap,
/// a byte loop when they do.
fn plain_copy(buf: &mut [u8], pos: usize, offset: usize, len: usize) {
    if offset >= len {
        buf.copy_within(pos - offset..pos - offset + len, pos);
    } else {
        for i in pos..pos + len {
            buf[i] = buf[i - offset];
        }
    }
}

/// Match candidates: pairs of positions in one buffer.
type Pairs = Rc<Vec<(usize, usize)>>;

/// A match copy: `(buffer, position, offset, length)`.
type CopyFn<'a> = &'a mut dyn FnMut(&mut [u8], usize, usize, usize);

/// 256 match candidates in one buffer, with lengths 4..=32, at positions of every alignment.
///
/// The positions step by 67 and 61 bytes, not 64: with every pair at the same offset from a
/// cache line, all of them split lines or none did, depending on where the buffer landed in that
/// process, and the ratio was bimodal across processes (0.82 or 1.13 for SSE2).
fn short_matches() -> (Rc<Vec<u8>>, Pairs) {
    let mut data = random_bytes(40_000, 7);
    let mut rng = Rng::new(8);
    let mut pairs = Vec::new();
    for k in 0..256 {
        let (a, b) = (k * 67, 20_000 + k * 61);
        let len = rng.range(4, 32);
        data.copy_within(a..a + len, b);
        data[b + len] = !data[a + len];
        pairs.push((a, b));
    }
    (Rc::new(data), Rc::new(pairs))
}

/// Runs a decoder-like series of matches at `offset` with lengths from `lens` through `copy`,
/// restarting at the front when the buffer is full. Returns the bytes copied.
fn copy_series(buf: &mut [u8], offset: usize, lens: &[usize], copy: CopyFn<'_>) -> usize {
    let start = 128;
    let mut pos = start;
    let mut total = 0;
    for &len in lens {
        if pos + len + WILDCOPY_SLACK > buf.len() {
            pos = start;
        }
        copy(buf, pos, offset, len);
        pos += len;
        total += len;
    }
    total
}

/// Copies literal runs of lengths `lens` from `src` into a fresh buffer with `copy`, restarting
/// at the front of either buffer when it would run out (keeping the slack).
fn literal_series(
    src: Rc<Vec<u8>>,
    lens: Rc<Vec<usize>>,
    mut copy: impl FnMut(&mut [u8], &[u8], usize) + 'static,
) -> impl FnMut(u64) -> std::time::Duration + 'static {
    let mut dst = vec![0u8; 96 * 1024];
    iter(move || {
        let (mut at, mut from) = (0, 0);
        for &len in lens.iter() {
            if at + len + WILDCOPY_SLACK > dst.len() {
                at = 0;
            }
            if from + len + WILDCOPY_SLACK > src.len() {
                from = 0;
            }
            copy(&mut dst[at..], &src[from..], len);
            at += len;
            from += len;
        }
        at
    })
}

fn main() {
    let mut s = Suite::new("zstd-simd");
    let scalar_search = Search::for_level(Level::Scalar);

    // match_length on short matches (4-32 bytes): call overhead dominates.
    let (data, pairs) = short_matches();
    // Each side gets its own instantiation (`SIDE`), so the two never share the call site
    // through the kernel table or its branch-predictor entries.
    fn run<const SIDE: u8>(
        k: Search,
        data: Rc<Vec<u8>>,
        pairs: Pairs,
    ) -> impl FnMut(u64) -> std::time::Duration {
        iter(move || {
            pairs
                .iter()
                .map(|&(a, b)| match_length_with(&k, black_box(&data), a, b, usize::MAX))
                .sum::<usize>()
        })
    }
    s.time_levels("match_length/short", Throughput::Elements(256), |level| {
        (
            run::<1>(
                Search::for_level(level),
                Rc::clone(&data),
                Rc::clone(&pairs),
            ),
            run::<0>(scalar_search, Rc::clone(&data), Rc::clone(&pairs)),
        )
    });
    {
        let (d1, p1, d2, p2) = (
            Rc::clone(&data),
            Rc::clone(&pairs),
            Rc::clone(&data),
            Rc::clone(&pairs),
        );
        s.time(
            "match_length/short/best",
            (
                "match_length",
                iter(move || {
                    p1.iter()
                        .map(|&(a, b)| zstd_simd::match_length(black_box(&d1), a, b, usize::MAX))
                        .sum::<usize>()
                }),
            ),
            (
                "byte loop",
                iter(move || {
                    p2.iter()
                        .map(|&(a, b)| byte_loop(black_box(&d2), a, b, usize::MAX))
                        .sum::<usize>()
                }),
            ),
        )
        .elements(256);
    }

    // match_length on a 4 KiB repeat.
    {
        let mut buf = random_bytes(8192 + 1, 9);
        buf.copy_within(0..4096, 4096);
        let buf = Rc::new(buf);
        let b2 = Rc::clone(&buf);
        s.time(
            "match_length/4k/best",
            (
                "match_length",
                iter(move || zstd_simd::match_length(black_box(&buf), 0, 4096, usize::MAX)),
            ),
            (
                "byte loop",
                iter(move || byte_loop(black_box(&b2), 0, 4096, usize::MAX)),
            ),
        )
        .bytes(4096);
    }

    // copy_match: 512 matches of lengths 8..=256 per iteration, at each offset.
    let mut rng = Rng::new(10);
    let lens: Rc<Vec<usize>> = Rc::new((0..512).map(|_| rng.range(8, 256)).collect());
    let bytes_per_iter = lens.iter().sum::<usize>() as u64;
    let history = random_bytes(128, 11);
    let fresh_buf = move || {
        let mut b = vec![0u8; 96 * 1024];
        b[..128].copy_from_slice(&history);
        Rc::new(RefCell::new(b))
    };
    for offset in [1usize, 3, 8, 16, 100] {
        let with_kernels = |k: CopyKernels, buf: Rc<RefCell<Vec<u8>>>, lens: Rc<Vec<usize>>| {
            iter(move || {
                copy_series(&mut buf.borrow_mut(), offset, &lens, &mut |b, p, o, l| {
                    k.copy_match(b, p, o, l)
                })
            })
        };
        // Only offsets below 16 have per-level kernels; longer ones are the same moves everywhere.
        if offset < 16 {
            s.time_levels(
                &format!("copy_match/off{offset}"),
                Throughput::Bytes(bytes_per_iter),
                |level| {
                    (
                        with_kernels(CopyKernels::for_level(level), fresh_buf(), Rc::clone(&lens)),
                        with_kernels(
                            CopyKernels::for_level(Level::Scalar),
                            fresh_buf(),
                            Rc::clone(&lens),
                        ),
                    )
                },
            );
        }
        let (b1, b2, l1, l2) = (fresh_buf(), fresh_buf(), Rc::clone(&lens), Rc::clone(&lens));
        s.time(
            &format!("copy_match/off{offset}/best"),
            (
                "copy_match",
                iter(move || {
                    copy_series(&mut b1.borrow_mut(), offset, &l1, &mut |b, p, o, l| {
                        zstd_simd::copy_match(b, p, o, l)
                    })
                }),
            ),
            (
                "copy_within / byte loop",
                iter(move || copy_series(&mut b2.borrow_mut(), offset, &l2, &mut plain_copy)),
            ),
        )
        .bytes(bytes_per_iter);
    }

    // wildcopy: the same lengths, literals from a separate buffer; and short literal runs
    // (0-32 bytes, most below 16: the common case of a decoder).
    let src = Rc::new(random_bytes(64 * 1024, 12));
    let short_lens: Rc<Vec<usize>> = {
        let mut rng = Rng::new(14);
        Rc::new(
            (0..512)
                .map(|_| rng.range(0, 15) + rng.range(0, 17) * usize::from(rng.range(0, 3) == 0))
                .collect(),
        )
    };
    for (name, lens) in [("8-256", Rc::clone(&lens)), ("short", short_lens)] {
        let bytes = lens.iter().sum::<usize>() as u64;
        s.time(
            &format!("wildcopy/{name}/best"),
            (
                "wildcopy",
                literal_series(Rc::clone(&src), Rc::clone(&lens), zstd_simd::wildcopy),
            ),
            (
                "copy_from_slice",
                literal_series(
                    Rc::clone(&src),
                    Rc::clone(&lens),
                    |d: &mut [u8], s: &[u8], l| d[..l].copy_from_slice(&s[..l]),
                ),
            ),
        )
        .bytes(bytes);
    }

    // literal_histogram over 64 KiB of text.
    {
        let data = Rc::new(text(65536, 13));
        let d2 = Rc::clone(&data);
        s.time(
            "literal_histogram/64k/text",
            (
                "literal_histogram",
                iter(move || zstd_simd::literal_histogram(black_box(&data))),
            ),
            (
                "naive loop",
                iter(move || {
                    let mut counts = [0u32; 256];
                    for &b in black_box(&d2).iter() {
                        counts[b as usize] += 1;
                    }
                    let max_symbol = counts.iter().rposition(|&c| c != 0).unwrap_or(0);
                    let max_count = counts.iter().copied().max().unwrap_or(0);
                    (counts, max_symbol, max_count)
                }),
            ),
        )
        .bytes(65536);
    }

    s.main();
}
