//! Which compiled variant of the hot loops this CPU runs.
//!
//! The bit readers shift by variable amounts several times per symbol; with BMI2 those are
//! single instructions (`shlx`/`shrx`) that need no `cl` register, and the sequence and
//! Huffman loops run markedly faster (see docs/BENCHMARKS.md). Those loops, and the encoder's
//! bit writers (the Huffman stream coder and the sequence coder), are compiled twice, for the
//! baseline and for simd-arch's AVX2 level (AVX2, BMI1, BMI2, LZCNT), and pick one at run time,
//! as libzstd does. `PERFKIT_SIMD=sse41` (or lower) selects the baseline.

/// Whether the AVX2-level variants may run on this CPU (detected once, capped by
/// `PERFKIT_SIMD`).
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn has_avx2_level() -> bool {
    simd_arch::Level::current() >= simd_arch::Level::Avx2
}
