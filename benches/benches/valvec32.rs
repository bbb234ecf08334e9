//! valvec32 timings: `ValVec32` against `std::Vec`.
//!
//! The element values vary per element and the vector goes through `black_box` at the end, so
//! every store happens; no `black_box` per element, which acts as a memory barrier and made each
//! side spill and reload its vector's fields every iteration (a different field each, so the
//! ratio measured the spills, up to 14% apart, not the containers).

use std::cell::RefCell;
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

/// One pre-allocated buffer that both sides push into, in turn: the `ValVec32` side borrows it
/// through the zero-copy conversions (`Vec` -> `ValVec32` -> `Vec`, a few nanoseconds each).
///
/// Two separately allocated buffers of 640 KB (10K rows of 64 bytes) sat on different physical
/// pages, and a buffer whose pages crowd some sets of the (physically indexed, 1 MiB) L2 runs at
/// L3 speed: measured, one side took 62.7 µs and the other 16.7 µs, which side depending on the
/// process. Sharing the buffer leaves only the push code to compare.
type Shared<T> = Rc<RefCell<Vec<T>>>;

fn shared_prealloc<T>(capacity: usize) -> Shared<T> {
    Rc::new(RefCell::new(Vec::with_capacity(capacity)))
}

/// Runs `fill` on the shared buffer as a `ValVec32`, moved into a local.
fn with_valvec32<T>(shared: &Shared<T>, fill: impl FnOnce(&mut ValVec32<T>)) {
    let mut slot = shared.borrow_mut();
    let mut v = ValVec32::from(std::mem::take(&mut *slot));
    fill(&mut v);
    *slot = v.into();
}

/// Runs `fill` on the shared buffer as a `Vec`, moved into a local the same way (pushing through
/// the `RefCell` instead made the compiler reload the `Vec`'s fields after every `black_box`:
/// measured 22.4 µs against 16.4 µs).
fn with_vec<T>(shared: &Shared<T>, fill: impl FnOnce(&mut Vec<T>)) {
    let mut slot = shared.borrow_mut();
    let mut v = std::mem::take(&mut *slot);
    fill(&mut v);
    *slot = v;
}

fn main() {
    let mut s = Suite::new("valvec32");

    const PREALLOC: u64 = 10_000;
    let words: Shared<u64> = shared_prealloc(PREALLOC as usize);
    s.time(
        "push/prealloc/10k",
        ("ValVec32", {
            let words = Rc::clone(&words);
            iter(move || {
                with_valvec32(&words, |v| {
                    v.clear();
                    for i in 0..PREALLOC {
                        v.push(i);
                    }
                    black_box(&*v);
                })
            })
        }),
        ("Vec", {
            let words = Rc::clone(&words);
            iter(move || {
                with_vec(&words, |v| {
                    v.clear();
                    for i in 0..PREALLOC {
                        v.push(i);
                    }
                    black_box(&*v);
                })
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
                        v.push(i);
                    }
                    v
                }),
            ),
            (
                "Vec",
                iter(move || {
                    let mut v = Vec::<u64>::new();
                    for i in 0..n {
                        v.push(i);
                    }
                    v
                }),
            ),
        )
        .elements(n);
    }

    const ROWS: u64 = 10_000;
    let rows: Shared<Row64> = shared_prealloc(ROWS as usize);
    s.time(
        "push/row64/prealloc/10k",
        ("ValVec32", {
            let rows = Rc::clone(&rows);
            iter(move || {
                with_valvec32(&rows, |v| {
                    v.clear();
                    for i in 0..ROWS {
                        v.push(Row64::new(i));
                    }
                    black_box(&*v);
                })
            })
        }),
        ("Vec", {
            let rows = Rc::clone(&rows);
            iter(move || {
                with_vec(&rows, |v| {
                    v.clear();
                    for i in 0..ROWS {
                        v.push(Row64::new(i));
                    }
                    black_box(&*v);
                })
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
                    v.push(Row64::new(i));
                }
                v
            }),
        ),
        (
            "Vec",
            iter(|| {
                let mut v = Vec::<Row64>::new();
                for i in 0..ROWS {
                    v.push(Row64::new(i));
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
    // The walk itself is one function both sides call, so it is the same code at the same
    // address: with a copy inlined into each side, the two copies' placement alone made the
    // ratio read 1.0 to 1.23 on an Intel Xeon from one build to the next.
    #[inline(never)]
    fn sum(v: &[u64]) -> u64 {
        v.iter().sum()
    }
    s.time(
        "iter_sum/100k",
        ("ValVec32", {
            let keep_alive = Rc::clone(&shared);
            iter(move || {
                let _ = &keep_alive;
                sum(black_box(&*view))
            })
        }),
        ("Vec", {
            let v = Rc::clone(&shared);
            iter(move || sum(black_box(&**v)))
        }),
    )
    .bytes(EXTEND as u64 * 8);

    s.main();
}
