//! The growth policy: how much capacity a full [`ValVec32`](crate::ValVec32) asks for.
//!
//! `Vec` always doubles. Doubling keeps the number of reallocations logarithmic, but past a
//! few megabytes it costs real memory: a `Vec<u64>` of 9 million elements holds 128 MiB for
//! 72 MiB of data. `ValVec32` grows by a factor that shrinks with the size of the buffer:
//!
//! | buffer size before growing | factor |
//! |---|---|
//! | below [`DOUBLING_LIMIT`] (8 MiB) | 2 |
//! | below [`MODERATE_LIMIT`] (64 MiB) | 1.6 |
//! | from 64 MiB on | 1.25 |
//!
//! Why these thresholds (measured by `cargo run --release -p perfkit-benches --example
//! valvec32_growth`, figures in `crates/valvec32/README.md`):
//!
//! - Below 8 MiB the factor stays 2 because any smaller factor there adds reallocations on the
//!   way to common sizes: `Vec<u64>` reaches 1M elements in 18 reallocations, and a 1.6x step
//!   anywhere below 8 MiB makes it 19 or more.
//! - Above that, glibc serves the buffer from `mmap` and `realloc` moves it with `mremap`
//!   (page-table updates, no copy), so a growth step costs little and the smaller factors
//!   trade a few cheap steps for less memory: right after a step a doubled buffer is half
//!   empty, a 1.6x one 37% empty, a 1.25x one 20% empty (worst-case reserve 20% and 37.5% below
//!   doubling's).
//!
//! The first allocation takes the same minimum as `Vec`: 8 elements of one byte, 4 elements of
//! up to 1 KiB, 1 element otherwise.

/// Below this many bytes of current capacity, a full vector doubles.
pub const DOUBLING_LIMIT: usize = 8 << 20;

/// Below this many bytes of current capacity (and from [`DOUBLING_LIMIT`] on), a full vector grows by 1.6x.
/// From here on it grows by 1.25x.
pub const MODERATE_LIMIT: usize = 64 << 20;

/// The capacity, in elements, that a vector of `current` elements of `elem_size` bytes grows to
/// when it needs room for `required` elements (`required > current`).
///
/// The result is at least `required`, and at most `max(required, limit)` where `limit` is
/// `u32::MAX` elements or `isize::MAX` bytes, whichever is fewer.
///
/// ```
/// use valvec32::growth::next_capacity;
/// assert_eq!(next_capacity(0, 1, 8), 4); // first allocation: Vec's minimum
/// assert_eq!(next_capacity(4, 5, 8), 8); // small: doubles
/// assert_eq!(next_capacity(1 << 20, (1 << 20) + 1, 8), 1_677_721); // 8 MiB of u64: 1.6x
/// assert_eq!(next_capacity(10, 100, 8), 100); // a large request wins over the factor
/// ```
pub fn next_capacity(current: usize, required: usize, elem_size: usize) -> usize {
    let min_non_zero = match elem_size {
        1 => 8,
        2..=1024 => 4,
        _ => 1,
    };
    let bytes = current.saturating_mul(elem_size);
    let grown = if bytes < DOUBLING_LIMIT {
        current.saturating_mul(2)
    } else if bytes < MODERATE_LIMIT {
        current.saturating_add(current.saturating_mul(3) / 5)
    } else {
        current.saturating_add(current / 4)
    };
    let limit = (isize::MAX as usize)
        .checked_div(elem_size)
        .map_or(crate::MAX_CAPACITY, |n| n.min(crate::MAX_CAPACITY));
    grown.max(min_non_zero).min(limit).max(required)
}
