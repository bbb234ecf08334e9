//! Detection, the override and clamping.

use simd_arch::{Level, Search};

#[test]
fn names_round_trip() {
    for &l in &[
        Level::Scalar,
        Level::Sse2,
        Level::Sse41,
        Level::Avx2,
        Level::Avx512,
        Level::Neon,
    ] {
        assert_eq!(Level::parse(l.name()), Some(l));
        assert_eq!(l.to_string(), l.name());
    }
    assert_eq!(Level::parse(" AVX2 "), Some(Level::Avx2));
    assert_eq!(Level::parse("sse4.1"), Some(Level::Sse41));
    assert_eq!(Level::parse("avx-2"), None);
}

#[test]
fn supported_levels_are_a_prefix_of_the_arch_chain() {
    let all = Level::all_for_arch();
    let supported: Vec<Level> = Level::supported().collect();
    assert_eq!(supported[0], Level::Scalar);
    assert_eq!(&all[..supported.len()], &supported[..]);
    assert_eq!(*supported.last().unwrap(), Level::detected());
    assert!(supported.iter().all(|l| l.is_supported()));
}

#[test]
fn asking_for_more_than_the_cpu_has_gives_what_it_has() {
    let best = Level::detected();
    for &l in Level::all_for_arch() {
        assert_eq!(l.clamp_to_supported(), l.min(best));
        assert_eq!(Search::for_level(l).level(), l.min(best));
    }
    // A level of another architecture caps nothing.
    let foreign = if cfg!(target_arch = "aarch64") {
        Level::Avx2
    } else {
        Level::Neon
    };
    assert_eq!(foreign.clamp_to_supported(), best);
    assert_eq!(
        Level::from_override("avx512"),
        Level::Avx512.clamp_to_supported()
    );
    assert_eq!(Level::from_override("scalar"), Level::Scalar);
    assert_eq!(
        Level::from_override("no-such-level"),
        best,
        "unknown values cap nothing"
    );
}

#[test]
fn current_honours_the_environment() {
    // `Level::current()` is read once per process; CI runs this binary under several
    // PERFKIT_SIMD values, and each run checks that the value took effect.
    let expected = match std::env::var(simd_arch::ENV_VAR) {
        Ok(v) => Level::from_override(&v),
        Err(_) => Level::detected(),
    };
    assert_eq!(Level::current(), expected);
    assert_eq!(Search::current().level(), expected);
}
