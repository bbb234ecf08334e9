//! Push loops for counting instructions: 200 × 10K pushes into a fresh vector.
//!
//! ```text
//! cargo build --release -p perfkit-benches --example valvec32_push
//! valgrind --tool=callgrind target/release/examples/valvec32_push u64-valvec32
//! valgrind --tool=callgrind target/release/examples/valvec32_push u64-vec
//! valgrind --tool=callgrind target/release/examples/valvec32_push row64-valvec32
//! valgrind --tool=callgrind target/release/examples/valvec32_push row64-vec
//! ```
//!
//! Callgrind's total (`I refs`) is the same on every run, whatever else the machine is doing,
//! so it separates "more instructions" from "slower instructions" when a timing moves.

use std::hint::black_box;

use valvec32::ValVec32;

#[derive(Clone, Copy)]
struct Row64 {
    _words: [u64; 8],
}

#[inline(never)]
fn u64_valvec32(n: u64) -> ValVec32<u64> {
    let mut v = ValVec32::new();
    for i in 0..n {
        v.push(i);
    }
    v
}

#[inline(never)]
fn u64_vec(n: u64) -> Vec<u64> {
    let mut v = Vec::new();
    for i in 0..n {
        v.push(i);
    }
    v
}

#[inline(never)]
fn row64_valvec32(n: u64) -> ValVec32<Row64> {
    let mut v = ValVec32::new();
    for i in 0..n {
        v.push(Row64 { _words: [i; 8] });
    }
    v
}

#[inline(never)]
fn row64_vec(n: u64) -> Vec<Row64> {
    let mut v = Vec::new();
    for i in 0..n {
        v.push(Row64 { _words: [i; 8] });
    }
    v
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    for _ in 0..200 {
        match which.as_str() {
            "u64-valvec32" => drop(black_box(u64_valvec32(black_box(10_000)))),
            "u64-vec" => drop(black_box(u64_vec(black_box(10_000)))),
            "row64-valvec32" => drop(black_box(row64_valvec32(black_box(10_000)))),
            "row64-vec" => drop(black_box(row64_vec(black_box(10_000)))),
            _ => {
                eprintln!("usage: valvec32_push u64-valvec32|u64-vec|row64-valvec32|row64-vec");
                std::process::exit(2);
            }
        }
    }
}
