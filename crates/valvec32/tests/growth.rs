//! The growth policy, and reallocation counts against `Vec` (counts, not timings: exact and
//! deterministic, so they belong in `cargo test`).

use valvec32::ValVec32;
use valvec32::growth::{DOUBLING_LIMIT, MODERATE_LIMIT, next_capacity};

use crate::support::counts;

#[test]
fn factors_by_region() {
    // Below 8 MiB of u64: doubles.
    assert_eq!(next_capacity(1000, 1001, 8), 2000);
    let at_limit = DOUBLING_LIMIT / 8;
    assert_eq!(next_capacity(at_limit - 1, at_limit, 8), 2 * (at_limit - 1));
    // From 8 MiB: 1.6x.
    assert_eq!(
        next_capacity(at_limit, at_limit + 1, 8),
        at_limit + at_limit * 3 / 5
    );
    // From 64 MiB: 1.25x.
    let big = MODERATE_LIMIT / 8;
    assert_eq!(next_capacity(big, big + 1, 8), big + big / 4);
    // Vec's first-allocation minimums.
    assert_eq!(next_capacity(0, 1, 1), 8);
    assert_eq!(next_capacity(0, 1, 1024), 4);
    assert_eq!(next_capacity(0, 1, 1025), 1);
}

#[test]
fn bounded_by_u32_and_isize() {
    let max = u32::MAX as usize;
    assert_eq!(
        next_capacity(max - 10, max - 9, 1),
        max,
        "clamped to u32::MAX"
    );
    let c = max / 10 * 9; // 1.25x of this passes u32::MAX
    assert_eq!(next_capacity(c, c + 1, 1), max);
    // A huge element: the byte limit binds before the element limit.
    let huge = 1usize << 40;
    let limit = isize::MAX as usize / huge; // 8_388_607 elements
    assert_eq!(next_capacity(4, 5, huge), 5, "past 64 MiB: 1.25x");
    assert_eq!(
        next_capacity(8_000_000, 8_000_001, huge),
        limit,
        "1.25x would pass isize::MAX bytes"
    );
    // Never below the request.
    assert_eq!(next_capacity(0, 12345, 8), 12345);
}

#[test]
fn policy_is_monotone_and_covers_the_request() {
    for size in [1usize, 2, 8, 24, 64, 4096] {
        let mut cap = 0usize;
        for _ in 0..60 {
            let next = next_capacity(cap, cap + 1, size);
            assert!(next > cap, "size {size}: {cap} -> {next}");
            assert!(next <= u32::MAX as usize);
            if next == u32::MAX as usize {
                break;
            }
            cap = next;
        }
    }
}

/// Pushes `n` elements one by one and returns (reallocations, final capacity).
fn growth_reallocs<V>(n: usize, mut push: impl FnMut(&mut V, u64), new: impl Fn() -> V) -> u64 {
    let mut v = new();
    let before = counts();
    for i in 0..n as u64 {
        push(&mut v, i);
    }
    let after = counts();
    drop(v);
    after.reallocs - before.reallocs
}

#[test]
fn no_more_reallocations_than_vec() {
    // Miri runs the smaller size only; the count is the same law at every size.
    let sizes: &[usize] = if cfg!(miri) {
        &[1000]
    } else {
        &[1000, 10_000, 100_000, 1_000_000]
    };
    for &n in sizes {
        let ours = growth_reallocs(n, |v: &mut ValVec32<u64>, x| v.push(x), ValVec32::new);
        let vec = growth_reallocs(n, |v: &mut Vec<u64>, x| v.push(x), Vec::new);
        assert!(ours <= vec, "{n} u64: {ours} reallocations vs Vec's {vec}");
        if n == 1_000_000 {
            assert_eq!(
                vec, 18,
                "Vec reaches 1M u64 with 18 reallocations (4 -> 2^20)"
            );
        }
    }
}

#[test]
fn growth_uses_realloc_not_alloc_copy_free() {
    let mut v: ValVec32<u64> = ValVec32::new();
    let before = counts();
    for i in 0..5000 {
        v.push(i);
    }
    let after = counts();
    assert_eq!(after.allocs - before.allocs, 1, "one first allocation");
    assert_eq!(
        after.deallocs - before.deallocs,
        0,
        "growth never frees: it reallocates"
    );
    assert_eq!(
        after.reallocs - before.reallocs,
        11,
        "4 -> 8192 is 11 doublings"
    );
    assert_eq!(after.live_bytes - before.live_bytes, 8192 * 8);
}
