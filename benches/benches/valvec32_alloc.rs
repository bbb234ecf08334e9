//! valvec32 memory figures, counted by a counting global allocator (exact, not timed):
//! reallocations and bytes reserved per element when growing by `push`.

use std::hint::black_box;

use perfkit_benches::Suite;
use perfkit_benches::alloc_counter::{CountingAlloc, counts};
use valvec32::ValVec32;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// Grows a vector to `n` elements by `push`; returns (reallocations, bytes reserved at the end).
fn grow<V>(n: u64, new: impl Fn() -> V, push: impl Fn(&mut V, u64)) -> (u64, i64) {
    let before = counts();
    let mut v = new();
    for i in 0..n {
        push(&mut v, black_box(i));
    }
    let after = counts();
    drop(black_box(v));
    (
        after.reallocs - before.reallocs,
        after.live_bytes - before.live_bytes,
    )
}

fn ours(n: u64) -> (u64, i64) {
    grow(n, ValVec32::<u64>::new, |v, x| v.push(x))
}

fn vec(n: u64) -> (u64, i64) {
    grow(n, Vec::<u64>::new, |v, x| v.push(x))
}

/// The mean, over 61 log-spaced lengths from 1 to 1M, of bytes reserved per element stored.
fn mean_bytes_per_element(f: fn(u64) -> (u64, i64)) -> f64 {
    let lengths: Vec<u64> = (0..=60)
        .map(|k| 10f64.powf(k as f64 / 10.0).round() as u64)
        .collect();
    lengths
        .iter()
        .map(|&n| f(n).1 as f64 / n as f64)
        .sum::<f64>()
        / lengths.len() as f64
}

fn main() {
    let mut s = Suite::new("valvec32");
    for (name, n) in [("1m", 1_000_000u64), ("10m", 10_000_000)] {
        s.value(
            &format!("alloc/reallocs/{name}"),
            "reallocs",
            ("ValVec32", move || ours(n).0 as f64),
            ("Vec", move || vec(n).0 as f64),
        );
        s.value(
            &format!("alloc/bytes_per_elem/{name}"),
            "B/elem",
            ("ValVec32", move || ours(n).1 as f64 / n as f64),
            ("Vec", move || vec(n).1 as f64 / n as f64),
        );
    }
    s.value(
        "alloc/bytes_per_elem/mean_1_to_1m",
        "B/elem",
        ("ValVec32", || mean_bytes_per_element(ours)),
        ("Vec", || mean_bytes_per_element(vec)),
    );
    s.main();
}
