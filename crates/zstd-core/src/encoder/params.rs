//! Per-level parameters: libzstd's published table (`lib/compress/clevels.h`), so a level means
//! the same thing here as there, and its adjustment to the input size.

/// How matches are searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Strategy {
    /// One hash table, one candidate a position, skipping faster through incompressible data.
    Fast,
    /// Two hash tables (8-byte and short hashes).
    DFast,
    /// Hash chains, the first match taken.
    Greedy,
    /// Hash chains, a better match one byte on is preferred.
    Lazy,
    /// Hash chains, a better match one or two bytes on is preferred.
    Lazy2,
}

/// A level's parameters (libzstd's `ZSTD_compressionParameters`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Params {
    pub(crate) window_log: u32,
    /// The short hash table of `dfast` (libzstd's chain table; the row-based strategies do not
    /// use it).
    pub(crate) chain_log: u32,
    pub(crate) hash_log: u32,
    /// Candidates searched per position: `1 << search_log`, at most a row's.
    pub(crate) search_log: u32,
    /// Bytes hashed to find a candidate (4 to 7).
    pub(crate) min_match: u32,
    /// For `fast`, the acceleration (positions stepped at once; the negative levels).
    pub(crate) target_length: u32,
    pub(crate) strategy: Strategy,
}

/// The smallest window the format allows.
pub(crate) const MIN_WINDOW_LOG: u32 = 10;

/// One row: window, chain, hash and search logs, minimum match, target length, strategy.
type Row = (u32, u32, u32, u32, u32, u32, Strategy);

use Strategy::{DFast, Fast, Greedy, Lazy, Lazy2};

/// libzstd 1.5.7's rows (`lib/compress/clevels.h`, the release the benchmarks compare against)
/// for levels 0 (the base of the negative levels) to 22, for inputs over 256 KiB, up to
/// 256 KiB, up to 128 KiB and up to 16 KiB. (Until 2026-11-22 the rows of levels 5 to 12 for
/// inputs over 256 KiB were an older release's, with search logs one higher at levels 5, 6 and
/// 8: at level 5 twice libzstd's candidates a position.) Where libzstd uses its binary-tree
/// strategies (`btlazy2`, `btopt`, `btultra`, `btultra2`) the rows say `Lazy2`, the strongest
/// strategy implemented; levels above 12 take level 12's search parameters with their own
/// window (`Params::for_level`), since their search logs are sized for binary trees.
const TABLE: [[Row; 23]; 4] = [
    [
        (19, 12, 13, 1, 6, 1, Fast),
        (19, 13, 14, 1, 7, 0, Fast),
        (20, 15, 16, 1, 6, 0, Fast),
        (21, 16, 17, 1, 5, 0, DFast),
        (21, 18, 18, 1, 5, 0, DFast),
        (21, 18, 19, 3, 5, 2, Greedy),
        (21, 18, 19, 3, 5, 4, Lazy),
        (21, 19, 20, 4, 5, 8, Lazy),
        (21, 19, 20, 4, 5, 16, Lazy2),
        (22, 20, 21, 4, 5, 16, Lazy2),
        (22, 21, 22, 5, 5, 16, Lazy2),
        (22, 21, 22, 6, 5, 16, Lazy2),
        (22, 22, 23, 6, 5, 32, Lazy2),
        (22, 22, 22, 4, 5, 32, Lazy2),
        (22, 22, 23, 5, 5, 32, Lazy2),
        (22, 23, 23, 6, 5, 32, Lazy2),
        (22, 22, 22, 5, 5, 48, Lazy2),
        (23, 23, 22, 5, 4, 64, Lazy2),
        (23, 23, 22, 6, 3, 64, Lazy2),
        (23, 24, 22, 7, 3, 256, Lazy2),
        (25, 25, 23, 7, 3, 256, Lazy2),
        (26, 26, 24, 7, 3, 512, Lazy2),
        (27, 27, 25, 9, 3, 999, Lazy2),
    ],
    [
        (18, 12, 13, 1, 5, 1, Fast),
        (18, 13, 14, 1, 6, 0, Fast),
        (18, 14, 14, 1, 5, 0, DFast),
        (18, 16, 16, 1, 4, 0, DFast),
        (18, 16, 17, 3, 5, 2, Greedy),
        (18, 17, 18, 5, 5, 2, Greedy),
        (18, 18, 19, 3, 5, 4, Lazy),
        (18, 18, 19, 4, 4, 4, Lazy),
        (18, 18, 19, 4, 4, 8, Lazy2),
        (18, 18, 19, 5, 4, 8, Lazy2),
        (18, 18, 19, 6, 4, 8, Lazy2),
        (18, 18, 19, 5, 4, 12, Lazy2),
        (18, 19, 19, 7, 4, 12, Lazy2),
        (18, 18, 19, 4, 4, 16, Lazy2),
        (18, 18, 19, 4, 3, 32, Lazy2),
        (18, 18, 19, 6, 3, 128, Lazy2),
        (18, 19, 19, 6, 3, 128, Lazy2),
        (18, 19, 19, 8, 3, 256, Lazy2),
        (18, 19, 19, 6, 3, 128, Lazy2),
        (18, 19, 19, 8, 3, 256, Lazy2),
        (18, 19, 19, 10, 3, 512, Lazy2),
        (18, 19, 19, 12, 3, 512, Lazy2),
        (18, 19, 19, 13, 3, 999, Lazy2),
    ],
    [
        (17, 12, 12, 1, 5, 1, Fast),
        (17, 12, 13, 1, 6, 0, Fast),
        (17, 13, 15, 1, 5, 0, Fast),
        (17, 15, 16, 2, 5, 0, DFast),
        (17, 17, 17, 2, 4, 0, DFast),
        (17, 16, 17, 3, 4, 2, Greedy),
        (17, 16, 17, 3, 4, 4, Lazy),
        (17, 16, 17, 3, 4, 8, Lazy2),
        (17, 16, 17, 4, 4, 8, Lazy2),
        (17, 16, 17, 5, 4, 8, Lazy2),
        (17, 16, 17, 6, 4, 8, Lazy2),
        (17, 17, 17, 5, 4, 8, Lazy2),
        (17, 18, 17, 7, 4, 12, Lazy2),
        (17, 18, 17, 3, 4, 12, Lazy2),
        (17, 18, 17, 4, 3, 32, Lazy2),
        (17, 18, 17, 6, 3, 256, Lazy2),
        (17, 18, 17, 6, 3, 128, Lazy2),
        (17, 18, 17, 8, 3, 256, Lazy2),
        (17, 18, 17, 10, 3, 512, Lazy2),
        (17, 18, 17, 5, 3, 256, Lazy2),
        (17, 18, 17, 7, 3, 512, Lazy2),
        (17, 18, 17, 9, 3, 512, Lazy2),
        (17, 18, 17, 11, 3, 999, Lazy2),
    ],
    [
        (14, 12, 13, 1, 5, 1, Fast),
        (14, 14, 15, 1, 5, 0, Fast),
        (14, 14, 15, 1, 4, 0, Fast),
        (14, 14, 15, 2, 4, 0, DFast),
        (14, 14, 14, 4, 4, 2, Greedy),
        (14, 14, 14, 3, 4, 4, Lazy),
        (14, 14, 14, 4, 4, 8, Lazy2),
        (14, 14, 14, 6, 4, 8, Lazy2),
        (14, 14, 14, 8, 4, 8, Lazy2),
        (14, 15, 14, 5, 4, 8, Lazy2),
        (14, 15, 14, 9, 4, 8, Lazy2),
        (14, 15, 14, 3, 4, 12, Lazy2),
        (14, 15, 14, 4, 3, 24, Lazy2),
        (14, 15, 14, 5, 3, 32, Lazy2),
        (14, 15, 15, 6, 3, 64, Lazy2),
        (14, 15, 15, 7, 3, 256, Lazy2),
        (14, 15, 15, 5, 3, 48, Lazy2),
        (14, 15, 15, 6, 3, 128, Lazy2),
        (14, 15, 15, 7, 3, 256, Lazy2),
        (14, 15, 15, 8, 3, 256, Lazy2),
        (14, 15, 15, 8, 3, 512, Lazy2),
        (14, 15, 15, 9, 3, 512, Lazy2),
        (14, 15, 15, 10, 3, 999, Lazy2),
    ],
];

/// The largest level (libzstd's `ZSTD_maxCLevel`).
pub(crate) const MAX_LEVEL: i32 = 22;
/// The last level whose own search parameters are used (see [`TABLE`]).
const LAST_SEARCHED_LEVEL: i32 = 12;
/// The fastest level accepted (the range; libzstd goes further).
pub(crate) const MIN_LEVEL: i32 = -7;

impl Params {
    /// The parameters of `level` (0 is the default, 3) for an input of `src_len` bytes
    /// (`None` when unknown, as in streaming): libzstd's row for that size, then the window
    /// and tables shrunk to what the input can use.
    pub(crate) fn for_level(level: i32, src_len: Option<u64>) -> Params {
        let level = if level == 0 {
            crate::DEFAULT_COMPRESSION_LEVEL
        } else {
            level.clamp(MIN_LEVEL, MAX_LEVEL)
        };
        let table = match src_len {
            Some(n) if n <= 16 << 10 => 3,
            Some(n) if n <= 128 << 10 => 2,
            Some(n) if n <= 256 << 10 => 1,
            _ => 0,
        };
        let row = TABLE[table][level.clamp(0, LAST_SEARCHED_LEVEL) as usize];
        let (_, chain_log, hash_log, search_log, min_match, target_length, strategy) = row;
        let window_log = TABLE[table][level.max(0) as usize].0;
        let mut p = Params {
            window_log,
            chain_log,
            hash_log,
            search_log,
            min_match,
            // Negative levels accelerate the fast strategy: their target length is -level.
            target_length: if level < 0 {
                level.unsigned_abs()
            } else {
                target_length
            },
            strategy,
        };
        // The format's matches are at least 3 bytes; our hashes read 4 to 7.
        p.min_match = p.min_match.clamp(4, 7);
        if let Some(n) = src_len {
            // No larger window or tables than the input needs (libzstd's adjustment,
            // `ZSTD_adjustCParams_internal`: the hash log at most one above the window log,
            // the chain log at most the window log for the strategies implemented here, whose
            // "cycle log" is the chain log).
            let src_log = if n <= 1 {
                MIN_WINDOW_LOG
            } else {
                (64 - (n - 1).leading_zeros()).max(MIN_WINDOW_LOG)
            };
            p.window_log = p.window_log.min(src_log);
            p.hash_log = p.hash_log.min(p.window_log + 1);
            p.chain_log = p.chain_log.min(p.window_log);
        }
        p
    }

    /// This level's parameters with the window log set to `window_log` (clamped to the
    /// format's 10..=31 and this encoder's 30).
    pub(crate) fn with_window_log(mut self, window_log: u32) -> Params {
        self.window_log = window_log.clamp(MIN_WINDOW_LOG, 30);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_follow_the_input_size() {
        let big = Params::for_level(3, None);
        assert_eq!((big.window_log, big.strategy), (21, Strategy::DFast));
        let small = Params::for_level(3, Some(10_000));
        assert_eq!(small.window_log, 14);
        // libzstd's adjustment for a 4 KiB input at level 3 (`zstd -3 -vvv` shows the
        // parameters it takes): window 12, hash 13, chain 12.
        let tiny = Params::for_level(3, Some(4096));
        assert_eq!(
            (tiny.window_log, tiny.hash_log, tiny.chain_log),
            (12, 13, 12)
        );
        assert_eq!(Params::for_level(0, None), big);
        let fast = Params::for_level(-5, None);
        assert_eq!((fast.strategy, fast.target_length), (Strategy::Fast, 5));
        assert_eq!(Params::for_level(12, None).strategy, Strategy::Lazy2);
        // libzstd 1.5.7's rows for inputs over 256 KiB (window, chain, hash and search logs,
        // minimum match, target length), where earlier releases differ.
        let row = |level| {
            let p = Params::for_level(level, None);
            let logs = (p.window_log, p.chain_log, p.hash_log, p.search_log);
            (logs, p.min_match, p.target_length, p.strategy)
        };
        assert_eq!(row(5), ((21, 18, 19, 3), 5, 2, Strategy::Greedy));
        assert_eq!(row(6), ((21, 18, 19, 3), 5, 4, Strategy::Lazy));
        assert_eq!(row(8), ((21, 19, 20, 4), 5, 16, Strategy::Lazy2));
        assert_eq!(row(9), ((22, 20, 21, 4), 5, 16, Strategy::Lazy2));
        assert_eq!(row(12), ((22, 22, 23, 6), 5, 32, Strategy::Lazy2));
        assert_eq!(Params::for_level(22, Some(1 << 30)).window_log, 27);
        assert_eq!(Params::for_level(19, Some(100)).window_log, MIN_WINDOW_LOG);
    }
}
