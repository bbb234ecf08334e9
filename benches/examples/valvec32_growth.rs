//! The experiment behind `valvec32::growth` and behind not calling `malloc_usable_size`.
//!
//! ```text
//! cargo run --release -p perfkit-benches --example valvec32_growth
//! ```
//!
//! Part 1 asks glibc, along ValVec32's growth sequence for `u64`, how many bytes beyond each
//! request `malloc_usable_size` would let the vector claim, and how many reallocations that
//! would save on the way to 1M and 10M elements.
//!
//! Part 2 times growth by `push` to several sizes under four policies, all through one raw
//! `realloc` loop so only the policy differs, measured alternately in rounds: doubling (what
//! `Vec` does), ValVec32's policy, and two alternatives that lower the factor earlier.

use std::alloc::{Layout, alloc, dealloc, realloc};
use std::hint::black_box;
use std::time::{Duration, Instant};

use valvec32::growth::next_capacity;

type Policy = fn(usize, usize) -> usize;

fn doubling(cap: usize, required: usize) -> usize {
    (cap * 2).max(4).max(required)
}

fn valvec32_policy(cap: usize, required: usize) -> usize {
    next_capacity(cap, required, 8)
}

/// 2x below 1 MiB, 1.6x up to 8 MiB, 1.25x above.
fn early_16(cap: usize, required: usize) -> usize {
    let bytes = cap * 8;
    let grown = if bytes < 1 << 20 {
        cap * 2
    } else if bytes < 8 << 20 {
        cap + cap * 3 / 5
    } else {
        cap + cap / 4
    };
    grown.max(4).max(required)
}

/// 2x below 8 MiB, 1.25x above.
fn early_125(cap: usize, required: usize) -> usize {
    let grown = if cap * 8 < 8 << 20 {
        cap * 2
    } else {
        cap + cap / 4
    };
    grown.max(4).max(required)
}

/// Pushes `n` u64 into a raw buffer grown by `policy`; returns (time, reallocations, final capacity).
fn grow(n: usize, policy: Policy) -> (Duration, u32, usize) {
    let start = Instant::now();
    let (mut ptr, mut cap, mut reallocs) = (std::ptr::null_mut::<u64>(), 0usize, 0u32);
    for len in 0..n {
        if len == cap {
            let new_cap = policy(cap, len + 1);
            let new_layout = Layout::array::<u64>(new_cap).expect("fits");
            ptr = if cap == 0 {
                // SAFETY: the layout is non-zero in size.
                unsafe { alloc(new_layout) }
            } else {
                reallocs += 1;
                // SAFETY: `ptr` was allocated with the array layout of `cap`; the new size is non-zero.
                unsafe {
                    realloc(
                        ptr.cast(),
                        Layout::array::<u64>(cap).expect("fits"),
                        new_layout.size(),
                    )
                }
            }
            .cast();
            assert!(!ptr.is_null(), "allocation failed");
            cap = new_cap;
        }
        // SAFETY: `len < cap`, inside the buffer.
        unsafe { ptr.add(len).write(black_box(len as u64)) };
    }
    let elapsed = start.elapsed();
    if cap > 0 {
        // SAFETY: allocated above with this layout.
        unsafe { dealloc(ptr.cast(), Layout::array::<u64>(cap).expect("fits")) };
    }
    (elapsed, reallocs, cap)
}

#[cfg(target_os = "linux")]
fn usable_size_bonus() {
    println!("Part 1: malloc_usable_size bonus along ValVec32's growth sequence (u64, glibc)\n");
    println!(
        "{:>12} {:>14} {:>14} {:>8}",
        "capacity", "request B", "usable B", "bonus B"
    );
    let (mut cap, mut max_bonus, mut max_share) = (0usize, 0usize, 0f64);
    let mut steps = Vec::new();
    while cap < 10_000_000 {
        cap = next_capacity(cap, cap + 1, 8);
        let bytes = cap * 8;
        // SAFETY: a plain malloc/free pair; `malloc_usable_size` is asked about memory
        // `malloc` returned, which is the only use it allows.
        let usable = unsafe {
            let p = libc::malloc(bytes);
            assert!(!p.is_null());
            let u = libc::malloc_usable_size(p);
            libc::free(p);
            u
        };
        let bonus = usable - bytes;
        max_bonus = max_bonus.max(bonus);
        max_share = max_share.max(bonus as f64 / bytes as f64);
        steps.push((cap, bonus / 8));
        println!("{cap:>12} {bytes:>14} {usable:>14} {bonus:>8}");
    }
    // With the bonus claimed, a step to `cap` gives `cap + bonus_elems`, and the next growth
    // starts from there.
    for target in [1_000_000usize, 10_000_000] {
        let count = |claim: bool| {
            let (mut cap, mut reallocs) = (0usize, 0u32);
            while cap < target {
                let next = next_capacity(cap, cap + 1, 8);
                let bonus = if claim {
                    // SAFETY: as above.
                    unsafe {
                        let p = libc::malloc(next * 8);
                        let u = libc::malloc_usable_size(p);
                        libc::free(p);
                        (u - next * 8) / 8
                    }
                } else {
                    0
                };
                if cap > 0 {
                    reallocs += 1;
                }
                cap = next + bonus;
            }
            reallocs
        };
        println!(
            "to reach {target} u64: {} reallocations without the bonus, {} with it",
            count(false),
            count(true)
        );
    }
    println!(
        "largest bonus: {max_bonus} bytes; largest share of a request: {:.3}%\n",
        max_share * 100.0
    );
}

#[cfg(not(target_os = "linux"))]
fn usable_size_bonus() {
    println!("Part 1 needs glibc's malloc_usable_size (Linux); skipped.\n");
}

fn main() {
    usable_size_bonus();
    println!("Part 2: growth by push under four policies (u64; medians of alternating rounds)\n");
    let policies: [(&str, Policy); 4] = [
        ("doubling (Vec)", doubling),
        ("ValVec32", valvec32_policy),
        ("1.6x from 1 MiB", early_16),
        ("1.25x from 8 MiB", early_125),
    ];
    println!(
        "{:>10}  {:<18} {:>10} {:>8} {:>9} {:>12}",
        "elements", "policy", "median", "vs 2x", "reallocs", "reserved MB"
    );
    for n in [1_000_000usize, 10_000_000, 50_000_000] {
        let rounds = if n >= 50_000_000 { 7 } else { 15 };
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); policies.len()];
        let mut stats = vec![(0u32, 0usize); policies.len()];
        for r in 0..rounds {
            // Rotate the order each round so no policy always runs first.
            for k in 0..policies.len() {
                let i = (k + r) % policies.len();
                let (t, reallocs, cap) = grow(n, policies[i].1);
                times[i].push(t.as_secs_f64());
                stats[i] = (reallocs, cap);
            }
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let medians: Vec<f64> = times.iter_mut().map(median).collect();
        for (i, (name, _)) in policies.iter().enumerate() {
            println!(
                "{n:>10}  {name:<18} {:>8.2}ms {:>8.3} {:>9} {:>12.1}",
                medians[i] * 1e3,
                medians[i] / medians[0],
                stats[i].0,
                stats[i].1 as f64 * 8.0 / 1e6
            );
        }
        println!();
    }
}
