//! pools timings: each pattern against what a user would write without it, in the same run.

use std::cell::RefCell;
use std::hint::black_box;
use std::rc::Rc;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use bumpalo::Bump;
use perfkit_benches::{Suite, iter, iter_with_setup};
use pools::{Arena, BoxedError, BufferPool, ErrorKind, ErrorMessage, InlineError, SharedPool};

/// The error a user writes without this crate: a kind and a `String`.
#[derive(Debug)]
#[allow(
    dead_code,
    reason = "the fields are what an error carries; the benchmark only builds it"
)]
struct StringError {
    kind: ErrorKind,
    message: String,
}

/// A message that fits every inline form (23 bytes).
const SHORT: &str = "connection reset (fd 9)";
/// One that fits `InlineError` (56 bytes) but not smartstring's inline 23.
const MEDIUM: &str = "frame header: window size 268435456 over the limit";

/// 20 bytes, the small struct.
#[derive(Clone, Copy)]
struct Small {
    _a: u64,
    _b: u64,
    _c: u32,
}

const N: usize = 1000;

fn buffer_benches(s: &mut Suite) {
    s.time(
        "buffer/get-put/4k/vs-vec",
        (
            "BufferPool",
            iter(|| {
                let mut b = BufferPool::get_with_capacity(4096);
                b.push(1);
                black_box(&*b);
            }),
        ),
        (
            "Vec::with_capacity",
            iter(|| {
                let mut v = Vec::<u8>::with_capacity(4096);
                v.push(1);
                black_box(&v);
            }),
        ),
    )
    .elements(1);
    s.time(
        "buffer/get-put/8-live/vs-vec",
        (
            "BufferPool",
            iter(|| {
                let bufs: [_; 8] = std::array::from_fn(|i| {
                    let mut b = BufferPool::get_with_capacity(4096);
                    b.push(i as u8);
                    b
                });
                black_box(&bufs);
            }),
        ),
        (
            "Vec::with_capacity",
            iter(|| {
                let bufs: [_; 8] = std::array::from_fn(|i| {
                    let mut v = Vec::<u8>::with_capacity(4096);
                    v.push(i as u8);
                    v
                });
                black_box(&bufs);
            }),
        ),
    )
    .elements(8);

    // Two threads, each taking a 4 KiB buffer and giving it back (to the shared queue, or to
    // the allocator), `iters` times.
    fn two_threads(iters: u64, op: &(dyn Fn() + Sync)) -> Duration {
        let start = Barrier::new(3);
        let end = Barrier::new(3);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    start.wait();
                    for _ in 0..iters {
                        op();
                    }
                    end.wait();
                });
            }
            start.wait();
            let t = Instant::now();
            end.wait();
            t.elapsed()
        })
    }
    let pool = Arc::new(SharedPool::new(8, || Vec::<u8>::with_capacity(4096)));
    s.time(
        "shared-pool/get-put/2t/vs-vec",
        ("SharedPool", move |iters| {
            two_threads(iters, &|| {
                let mut b = pool.get();
                b.push(1);
                black_box(&*b);
            })
        }),
        ("Vec::with_capacity", |iters| {
            two_threads(iters, &|| {
                let mut v = Vec::<u8>::with_capacity(4096);
                v.push(1);
                black_box(&v);
            })
        }),
    )
    .elements(1);
}

fn arena_benches(s: &mut Suite) {
    // Each iteration allocates N values, then frees them all (reset, or dropping the boxes).
    fn ours<T: Copy + 'static>(make: fn(usize) -> T) -> impl FnMut(u64) -> Duration {
        let mut arena = Arena::with_capacity(N * 64);
        iter(move || {
            for i in 0..N {
                black_box(arena.alloc(make(i)));
            }
            arena.reset();
        })
    }
    fn bump<T: Copy + 'static>(make: fn(usize) -> T) -> impl FnMut(u64) -> Duration {
        let mut bump = Bump::with_capacity(N * 64);
        iter(move || {
            for i in 0..N {
                black_box(bump.alloc(make(i)));
            }
            bump.reset();
        })
    }
    fn boxed<T: Copy + 'static>(make: fn(usize) -> T) -> impl FnMut(u64) -> Duration {
        let held: Rc<RefCell<Vec<Box<T>>>> = Rc::new(RefCell::new(Vec::with_capacity(N)));
        iter(move || {
            let mut held = held.borrow_mut();
            for i in 0..N {
                held.push(black_box(Box::new(make(i))));
            }
            held.clear();
        })
    }
    let word = |i: usize| i as u64;
    let small = |i: usize| Small {
        _a: i as u64,
        _b: 1,
        _c: 2,
    };
    s.time(
        "arena/alloc/u64/vs-bumpalo",
        ("Arena", ours(word)),
        ("bumpalo", bump(word)),
    )
    .elements(N as u64);
    s.time(
        "arena/alloc/u64/vs-box",
        ("Arena", ours(word)),
        ("Box::new", boxed(word)),
    )
    .elements(N as u64);
    s.time(
        "arena/alloc/20b/vs-bumpalo",
        ("Arena", ours(small)),
        ("bumpalo", bump(small)),
    )
    .elements(N as u64);
    s.time(
        "arena/alloc/20b/vs-box",
        ("Arena", ours(small)),
        ("Box::new", boxed(small)),
    )
    .elements(N as u64);

    let words: Vec<String> = (0..N).map(|i| format!("symbol-{i}")).collect();
    let (w1, w2) = (words.clone(), words);
    s.time(
        "arena/alloc-str/vs-bumpalo",
        ("Arena", {
            let mut arena = Arena::with_capacity(N * 32);
            iter(move || {
                for w in &w1 {
                    black_box(arena.alloc_str(w));
                }
                arena.reset();
            })
        }),
        ("bumpalo", {
            let mut bump = Bump::with_capacity(N * 32);
            iter(move || {
                for w in &w2 {
                    black_box(bump.alloc_str(w));
                }
                bump.reset();
            })
        }),
    )
    .elements(N as u64);

    // Reset of an arena that grew through many chunks (1 MiB in chunks from 4 KiB up, capped at
    // 64 KiB for ours; bumpalo doubles without a cap): only the reset is timed. Ours keeps its
    // chunks (no allocator call), bumpalo frees all but its largest.
    const FILL: usize = 1 << 20;
    s.time(
        "arena/reset/many-chunks/vs-bumpalo",
        (
            "Arena",
            iter_with_setup(
                || {
                    let a = Arena::with_capacity_and_max_chunk(0, 64 * 1024);
                    for i in 0..FILL / 8 {
                        a.alloc(i as u64);
                    }
                    a
                },
                |mut a| {
                    a.reset();
                    a
                },
            ),
        ),
        (
            "bumpalo",
            iter_with_setup(
                || {
                    let b = Bump::new();
                    for i in 0..FILL / 8 {
                        b.alloc(i as u64);
                    }
                    b
                },
                |mut b| {
                    b.reset();
                    b
                },
            ),
        ),
    );
}

/// Returns `Ok(x)` for every `x` but 0, through an out-of-line call: the `Ok` path of a
/// function returning `Result<u64, E>`.
macro_rules! fallible {
    ($name:ident, $err:ty, $make:expr) => {
        #[inline(never)]
        fn $name(x: u64) -> Result<u64, $err> {
            if x == 0 {
                Err($make)
            } else {
                Ok(x.wrapping_mul(3))
            }
        }
    };
}

fallible!(
    ok_inline,
    InlineError,
    InlineError::new(ErrorKind::InvalidInput, SHORT)
);
fallible!(
    ok_message,
    ErrorMessage,
    ErrorMessage::new(ErrorKind::InvalidInput, SHORT)
);
fallible!(
    ok_boxed,
    BoxedError,
    BoxedError::new(ErrorKind::InvalidInput, SHORT)
);
fallible!(
    ok_box_string,
    Box<StringError>,
    Box::new(StringError {
        kind: ErrorKind::InvalidInput,
        message: SHORT.to_owned(),
    })
);
fallible!(
    ok_string,
    StringError,
    StringError {
        kind: ErrorKind::InvalidInput,
        message: SHORT.to_owned(),
    }
);

fn error_benches(s: &mut Suite) {
    let string_error = |m: &'static str| {
        iter(move || StringError {
            kind: ErrorKind::InvalidInput,
            message: black_box(m).to_owned(),
        })
    };
    for (len, msg) in [("23b", SHORT), ("50b", MEDIUM)] {
        s.time(
            &format!("error/construct/{len}/inline/vs-string"),
            (
                "InlineError",
                iter(move || InlineError::new(ErrorKind::InvalidInput, black_box(msg))),
            ),
            ("String error", string_error(msg)),
        );
        s.time(
            &format!("error/construct/{len}/smartstring/vs-string"),
            (
                "ErrorMessage",
                iter(move || ErrorMessage::new(ErrorKind::InvalidInput, black_box(msg))),
            ),
            ("String error", string_error(msg)),
        );
        s.time(
            &format!("error/construct/{len}/boxed/vs-string"),
            (
                "BoxedError",
                iter(move || BoxedError::new(ErrorKind::InvalidInput, black_box(msg))),
            ),
            ("String error", string_error(msg)),
        );
    }

    // The `Ok` path: 1000 calls that succeed, summed.
    fn ok_loop<E: 'static>(f: fn(u64) -> Result<u64, E>) -> Box<dyn FnMut(u64) -> Duration> {
        Box::new(iter(move || {
            let mut sum = 0u64;
            for x in 1..=N as u64 {
                if let Ok(v) = f(black_box(x)) {
                    sum = sum.wrapping_add(v);
                }
            }
            sum
        }))
    }
    for (name, ours) in [
        ("inline", ok_loop(ok_inline)),
        ("smartstring", ok_loop(ok_message)),
        ("boxed", ok_loop(ok_boxed)),
        ("string", ok_loop(ok_string)),
    ] {
        s.time(
            &format!("error/ok-path/{name}/vs-box"),
            (name, ours),
            ("Result<u64, Box<_>>", ok_loop(ok_box_string)),
        )
        .elements(N as u64);
    }

    // Sizes, exact.
    let size = |n: usize| move || n as f64;
    let boxed_size = std::mem::size_of::<Result<u64, Box<StringError>>>();
    for (name, bytes) in [
        ("inline", std::mem::size_of::<Result<u64, InlineError>>()),
        (
            "smartstring",
            std::mem::size_of::<Result<u64, ErrorMessage>>(),
        ),
        ("boxed", std::mem::size_of::<Result<u64, BoxedError>>()),
        ("string", std::mem::size_of::<Result<u64, StringError>>()),
    ] {
        s.value(
            &format!("error/result-size/{name}/vs-box"),
            "bytes",
            (name, size(bytes)),
            ("Result<u64, Box<_>>", size(boxed_size)),
        );
    }
}

fn main() {
    let mut s = Suite::new("pools");
    buffer_benches(&mut s);
    arena_benches(&mut s);
    error_benches(&mut s);
    s.main();
}
