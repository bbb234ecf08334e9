//! pools integration tests (one binary; see docs/ARCHITECTURE.md). The binary's global allocator
//! counts allocations per thread, so tests can assert that something does not allocate.

mod alloc_count;
mod arena;
mod buffer;
mod errors;
mod pool;

/// `normal`, or `small` under miri (which runs about a thousand times slower).
pub(crate) fn scale(normal: usize, small: usize) -> usize {
    if cfg!(miri) { small } else { normal }
}
