//! valvec32 timings: `ValVec32` against `std::Vec`.
//!
//! Every routine writes each element through `black_box`, so both sides do one store per
//! element and the loop cannot be folded away.

use std::hint::black_box;
use std::mem::ManuallyDrop;
use std::rc::Rc;

use perfkit_benches::{Suite, iter};
use valvec32::ValVec32;

/// A 64-byte element.
#[derive(Clone, Copy)]
struct Row64 {
    _words: [u64; 8],
}

impl Row64 {
    fn new(i: u64) -> Self {
        Self {
            _words: [i, i + 1, i + 2, i + 3, i + 4, i + 5, i + 6, i + 7],
        }
    }
}

fn main() {
    let mut s = Suite::new("valvec32");

    const PREALLOC: u64 = 10_000;
    s.time(
        "push/prealloc/10k",
        ("ValVec32", {
            let mut v = ValVec32::<u64>::with_capacity(PREALLOC as usize);
            iter(move || {
                v.clear();
                for i in 0..PREALLOC {
                    v.push(black_box(i));
                }
                black_box(&v);
            })
        }),
        ("Vec", {
            let mut v = Vec::<u64>::with_capacity(PREALLOC as usize);
            iter(move || {
                v.clear();
                for i in 0..PREALLOC {
                    v.push(black_box(i));
                }
                black_box(&v);
            })
        }),
    )
    .elements(PREALLOC);

    for (name, n) in [
        ("1k", 1_000u64),
        ("10k", 10_000),
        ("100k", 100_000),
        ("1m", 1_000_000),
        ("10m", 10_000_000),
    ] {
        s.time(
            &format!("push/grow/{name}"),
            (
                "ValVec32",
                iter(move || {
                    let mut v = ValVec32::<u64>::new();
                    for i in 0..n {
                        v.push(black_box(i));
                    }
                    v
                }),
            ),
            (
                "Vec",
                iter(move || {
                    let mut v = Vec::<u64>::new();
                    for i in 0..n {
                        v.push(black_box(i));
                    }
                    v
                }),
            ),
        )
        .elements(n);
    }

    const ROWS: u64 = 10_000;
    s.time(
        "push/row64/prealloc/10k",
        ("ValVec32", {
            let mut v = ValVec32::<Row64>::with_capacity(ROWS as usize);
            iter(move || {
                v.clear();
                for i in 0..ROWS {
                    v.push(Row64::new(black_box(i)));
                }
                black_box(&v);
            })
        }),
        ("Vec", {
            let mut v = Vec::<Row64>::with_capacity(ROWS as usize);
            iter(move || {
                v.clear();
                for i in 0..ROWS {
                    v.push(Row64::new(black_box(i)));
                }
                black_box(&v);
            })
        }),
    )
    .elements(ROWS);
    s.time(
        "push/row64/grow/10k",
        (
            "ValVec32",
            iter(|| {
                let mut v = ValVec32::<Row64>::new();
                for i in 0..ROWS {
                    v.push(Row64::new(black_box(i)));
                }
                v
            }),
        ),
        (
            "Vec",
            iter(|| {
                let mut v = Vec::<Row64>::new();
                for i in 0..ROWS {
                    v.push(Row64::new(black_box(i)));
                }
                v
            }),
        ),
    )
    .elements(ROWS);

    const EXTEND: usize = 100_000;
    let src: Rc<Vec<u64>> = Rc::new((0..EXTEND as u64).collect());
    s.time(
        "extend_from_slice/100k",
        ("ValVec32", {
            let src = Rc::clone(&src);
            iter(move || {
                let mut v = ValVec32::<u64>::new();
                v.extend_from_slice(black_box(&src[..]));
                v
            })
        }),
        ("Vec", {
            let src = Rc::clone(&src);
            iter(move || {
                let mut v = Vec::<u64>::new();
                v.extend_from_slice(black_box(&src[..]));
                v
            })
        }),
    )
    .bytes(EXTEND as u64 * 8);

    // Both sides sum the very same allocation. Iterating either type is a walk over a
    // `&[u64]`; what differed between two separately allocated 800 KB buffers was where their
    // pages landed in the (physically indexed) L2 cache: measured, the ratio moved between
    // 0.875 and 1.05 from one process to the next. Sharing the buffer leaves only the code.
    let shared: Rc<Vec<u64>> = Rc::new(src.to_vec());
    // SAFETY: `Vec` allocates with the global allocator and `Layout::array::<u64>(capacity)`,
    // which is `ValVec32`'s invariant. The view never drops (ManuallyDrop) and nothing writes
    // through either owner; the `Rc` clone in the closure keeps the buffer alive.
    let view = ManuallyDrop::new(unsafe {
        ValVec32::from_raw_parts(
            shared.as_ptr().cast_mut(),
            shared.len() as u32,
            shared.capacity() as u32,
        )
    });
    s.time(
        "iter_sum/100k",
        ("ValVec32", {
            let keep_alive = Rc::clone(&shared);
            iter(move || {
                let _ = &keep_alive;
                black_box(&*view).iter().sum::<u64>()
            })
        }),
        ("Vec", {
            let v = Rc::clone(&shared);
            iter(move || black_box(&**v).iter().sum::<u64>())
        }),
    )
    .bytes(EXTEND as u64 * 8);

    s.main();
}
