//! What the CPU can do: the SIMD [`Level`], detected once per process and capped by the
//! `PERFKIT_SIMD` environment variable.

use std::fmt;
use std::sync::OnceLock;

/// A SIMD capability level. Levels of one architecture are ordered: each includes the ones
/// below it.
///
/// | level | x86_64 features | aarch64 |
/// |---|---|---|
/// | `Scalar` | none used explicitly | none |
/// | `Sse2` | SSE2 (every x86_64 CPU) | |
/// | `Sse41` | SSSE3, SSE4.1, POPCNT | |
/// | `Avx2` | AVX2, BMI1, BMI2, LZCNT | |
/// | `Avx512` | AVX-512 F, BW, VL | |
/// | `Neon` | | NEON (every aarch64 CPU) |
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Portable code only.
    Scalar,
    /// x86_64 SSE2: 16-byte vectors.
    Sse2,
    /// x86_64 SSSE3 and SSE4.1 (byte shuffles, 64-bit compares).
    Sse41,
    /// x86_64 AVX2 with BMI1/BMI2/LZCNT: 32-byte vectors.
    Avx2,
    /// x86_64 AVX-512 F/BW/VL: 64-byte vectors and mask registers.
    Avx512,
    /// aarch64 NEON: 16-byte vectors.
    Neon,
}

/// The name of the environment variable that caps the level.
pub const ENV_VAR: &str = "PERFKIT_SIMD";

impl Level {
    /// Every level this architecture has, lowest first.
    pub const fn all_for_arch() -> &'static [Level] {
        if cfg!(target_arch = "x86_64") {
            &[
                Level::Scalar,
                Level::Sse2,
                Level::Sse41,
                Level::Avx2,
                Level::Avx512,
            ]
        } else if cfg!(target_arch = "aarch64") {
            &[Level::Scalar, Level::Neon]
        } else {
            &[Level::Scalar]
        }
    }

    /// The best level this CPU supports, detected once.
    pub fn detected() -> Level {
        static DETECTED: OnceLock<Level> = OnceLock::new();
        *DETECTED.get_or_init(detect)
    }

    /// The level kernels dispatch to: [`Level::detected`], capped by `PERFKIT_SIMD` if set.
    /// Read once per process.
    pub fn current() -> Level {
        static CURRENT: OnceLock<Level> = OnceLock::new();
        *CURRENT.get_or_init(|| match std::env::var(ENV_VAR) {
            Ok(value) => Level::from_override(&value),
            Err(_) => Level::detected(),
        })
    }

    /// Every level of this architecture that this CPU supports, lowest first.
    pub fn supported() -> impl Iterator<Item = Level> {
        let best = Level::detected();
        Level::all_for_arch()
            .iter()
            .copied()
            .filter(move |l| *l <= best)
    }

    /// Whether this CPU supports the level.
    pub fn is_supported(self) -> bool {
        Level::all_for_arch().contains(&self) && self <= Level::detected()
    }

    /// The best supported level at or below `self`: asking for more than the CPU has gives
    /// what it has, never an illegal instruction. A level of another architecture gives the
    /// best this CPU has.
    pub fn clamp_to_supported(self) -> Level {
        if !Level::all_for_arch().contains(&self) {
            return Level::detected();
        }
        self.min(Level::detected())
    }

    /// The level an override value asks for, clamped to the CPU. Unknown values cap nothing
    /// and are reported once on standard error, so a typo does not silently test the wrong path.
    pub fn from_override(value: &str) -> Level {
        match Level::parse(value) {
            Some(level) => level.clamp_to_supported(),
            None => {
                eprintln!(
                    "{ENV_VAR}={value:?} is not a level (scalar, sse2, sse41, avx2, avx512, neon); ignoring it"
                );
                Level::detected()
            }
        }
    }

    /// Parses a level name: `scalar`, `sse2`, `sse41` (or `sse4.1`, `ssse3`), `avx2`,
    /// `avx512`, `neon`; case-insensitive.
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim().to_ascii_lowercase().as_str() {
            "scalar" | "none" => Some(Level::Scalar),
            "sse2" => Some(Level::Sse2),
            "sse41" | "sse4.1" | "ssse3" => Some(Level::Sse41),
            "avx2" => Some(Level::Avx2),
            "avx512" | "avx-512" => Some(Level::Avx512),
            "neon" => Some(Level::Neon),
            _ => None,
        }
    }

    /// The level's name, as [`Level::parse`] reads it.
    pub const fn name(self) -> &'static str {
        match self {
            Level::Scalar => "scalar",
            Level::Sse2 => "sse2",
            Level::Sse41 => "sse41",
            Level::Avx2 => "avx2",
            Level::Avx512 => "avx512",
            Level::Neon => "neon",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(all(target_arch = "x86_64", not(miri)))]
fn detect() -> Level {
    use std::arch::is_x86_feature_detected as has;
    let sse41 = has!("ssse3") && has!("sse4.1") && has!("popcnt");
    let avx2 = sse41 && has!("avx2") && has!("bmi1") && has!("bmi2") && has!("lzcnt");
    let avx512 = avx2 && has!("avx512f") && has!("avx512bw") && has!("avx512vl");
    if avx512 {
        Level::Avx512
    } else if avx2 {
        Level::Avx2
    } else if sse41 {
        Level::Sse41
    } else {
        Level::Sse2
    }
}

#[cfg(all(target_arch = "aarch64", not(miri)))]
fn detect() -> Level {
    if std::arch::is_aarch64_feature_detected!("neon") {
        Level::Neon
    } else {
        Level::Scalar
    }
}

/// Miri runs the portable code only; other architectures have no kernels yet.
#[cfg(any(miri, not(any(target_arch = "x86_64", target_arch = "aarch64"))))]
fn detect() -> Level {
    Level::Scalar
}
