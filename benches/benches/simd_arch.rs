//! simd-arch: each search kernel at each level against the scalar level, and the dispatched
//! kernel against the loop a user would write.

use std::hint::black_box;
use std::rc::Rc;

use perfkit_benches::data::{Rng, random_bytes, text};
use perfkit_benches::{Suite, Throughput, iter};
use simd_arch::search::reference;
use simd_arch::{Level, Search};

fn main() {
    let mut s = Suite::new("simd-arch");
    let scalar = Search::for_level(Level::Scalar);

    // common_prefix_len over 4 KiB of equal bytes (two buffers).
    let a: Rc<Vec<u8>> = Rc::new(random_bytes(4096, 1));
    let b: Rc<Vec<u8>> = Rc::new(a.to_vec());
    s.time_levels("prefix/4k", Throughput::Bytes(4096), |level| {
        let k = Search::for_level(level);
        let (a1, b1, a2, b2) = (Rc::clone(&a), Rc::clone(&b), Rc::clone(&a), Rc::clone(&b));
        (
            iter(move || k.common_prefix_len(black_box(&a1), black_box(&b1))),
            iter(move || scalar.common_prefix_len(black_box(&a2), black_box(&b2))),
        )
    });
    {
        let (a1, b1, a2, b2) = (Rc::clone(&a), Rc::clone(&b), Rc::clone(&a), Rc::clone(&b));
        s.time(
            "prefix/4k/best",
            (
                "common_prefix_len",
                iter(move || simd_arch::common_prefix_len(black_box(&a1), black_box(&b1))),
            ),
            (
                "byte loop",
                iter(move || reference::common_prefix_len(black_box(&a2), black_box(&b2))),
            ),
        )
        .bytes(4096);
    }

    // byte_histogram over 64 KiB of text and of random bytes.
    for (name, data) in [("text", text(65536, 2)), ("random", random_bytes(65536, 3))] {
        let data = Rc::new(data);
        let d2 = Rc::clone(&data);
        s.time(
            &format!("histogram/64k/{name}"),
            (
                "byte_histogram",
                iter(move || simd_arch::byte_histogram(black_box(&data))),
            ),
            (
                "naive loop",
                iter(move || reference::byte_histogram(black_box(&d2))),
            ),
        )
        .bytes(65536);
    }

    // find_u64: 64 lookups per iteration, half present (at random places), half absent.
    for n in [16usize, 64, 1024] {
        let mut rng = Rng::new(n as u64);
        let hay: Rc<Vec<u64>> = Rc::new((0..n).map(|_| rng.next_u64() | 1).collect());
        let needles: Rc<Vec<u64>> = Rc::new(
            (0..64)
                .map(|i| {
                    if i % 2 == 0 {
                        hay[rng.range(0, n - 1)]
                    } else {
                        rng.next_u64() & !1
                    }
                })
                .collect(),
        );
        let lookups = move |k: Search, hay: Rc<Vec<u64>>, needles: Rc<Vec<u64>>| {
            iter(move || {
                needles
                    .iter()
                    .map(|&x| k.find_u64(black_box(&hay), x).unwrap_or(0))
                    .sum::<usize>()
            })
        };
        s.time_levels(
            &format!("find_u64/{n}"),
            Throughput::Elements(64),
            |level| {
                (
                    lookups(
                        Search::for_level(level),
                        Rc::clone(&hay),
                        Rc::clone(&needles),
                    ),
                    lookups(scalar, Rc::clone(&hay), Rc::clone(&needles)),
                )
            },
        );
        let (h1, n1, h2, n2) = (
            Rc::clone(&hay),
            Rc::clone(&needles),
            Rc::clone(&hay),
            Rc::clone(&needles),
        );
        s.time(
            &format!("find_u64/{n}/best"),
            (
                "find_u64",
                iter(move || {
                    n1.iter()
                        .map(|&x| simd_arch::find_u64(black_box(&h1), x).unwrap_or(0))
                        .sum::<usize>()
                }),
            ),
            (
                "position loop",
                iter(move || {
                    n2.iter()
                        .map(|&x| reference::find_u64(black_box(&h2), x).unwrap_or(0))
                        .sum::<usize>()
                }),
            ),
        )
        .elements(64);
    }

    s.main();
}
