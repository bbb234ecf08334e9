//! Test helpers: the shared data beside the project.

use std::path::PathBuf;

/// `../shared` (beside the project root), or `None` with a notice when it is absent. Under
/// `CI` its absence is a failure: CI always has it.
pub(crate) fn shared(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: ../shared is missing, and CI is set: it must be present in CI"
    );
    eprintln!(
        "{test}: skipped, ../shared not found beside the project (it holds the test corpora)"
    );
    None
}

/// The files of a directory, sorted by name.
pub(crate) fn files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Deterministic test data: a small xorshift generator.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Text-like data: words with a skewed frequency, spaces and line breaks.
pub(crate) fn text(n: usize, seed: u64) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "was",
        "that",
        "for",
        "with",
        "compression",
        "frame",
        "block",
        "literal",
        "sequence",
        "offset",
        "match",
        "window",
        "dictionary",
        "entropy",
    ];
    let mut r = Rng::new(seed);
    let mut v = Vec::with_capacity(n + 16);
    while v.len() < n {
        let u = r.below(1000) as usize;
        v.extend_from_slice(WORDS[u * u / 50_000 % WORDS.len()].as_bytes());
        v.push(if r.below(12) == 0 { b'\n' } else { b' ' });
    }
    v.truncate(n);
    v
}

/// Binary-like data: runs, small integers, and random bytes mixed.
pub(crate) fn binary(n: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let mut v = Vec::with_capacity(n + 64);
    while v.len() < n {
        match r.below(4) {
            0 => v.extend(std::iter::repeat_n(
                r.below(256) as u8,
                r.below(40) as usize,
            )),
            1 => v.extend((0..r.below(64)).map(|i| (i as u8).wrapping_mul(3))),
            2 => v.extend((0..r.below(32)).map(|_| r.below(256) as u8)),
            _ => {
                // A copy of something earlier: long matches at varied distances.
                if v.len() > 100 {
                    let from = r.below(v.len() as u64) as usize;
                    let len = (r.below(200) as usize).min(v.len() - from);
                    let copy = v[from..from + len].to_vec();
                    v.extend_from_slice(&copy);
                }
            }
        }
    }
    v.truncate(n);
    v
}
