//! perfkit's benchmarks against peers, and the paired harness that `cargo xtask bench` drives.
//!
//! Every benchmark is a *comparison*: ours against a peer (`std::Vec`, later libzstd, DashMap,
//! bumpalo, …), defined once and runnable two ways:
//!
//! - `cargo bench -p perfkit-benches --bench NAME -- FILTER` runs it under criterion, for
//!   interactive work (statistics, change detection against the last run).
//! - `cargo xtask bench` runs the same binaries with `--perfkit`: the [paired
//!   harness](paired) measures ours and the peer alternately (A B B A …) in the same process,
//!   and reports the median of the per-round ratios, so machine noise that lasts longer than a
//!   round moves both sides alike. The xtask gathers the results, checks them against
//!   `benches/gates.toml`, and writes the report.
//!
//! A benchmark file builds a [`Suite`] and hands control to [`Suite::main`]:
//!
//! ```no_run
//! use perfkit_benches::{iter, Suite};
//!
//! let mut suite = Suite::new("example");
//! suite
//!     .time(
//!         "sum/1k",
//!         ("ours", iter(|| (0..1000u64).sum::<u64>())),
//!         ("peer", iter(|| (0..1000u64).fold(0, |a, b| a + b))),
//!     )
//!     .elements(1000);
//! suite.main();
//! ```
//!
//! Counts that do not depend on timing (bytes reserved, reallocations) are [`Suite::value`]
//! comparisons: measured once, exact, gated like the timings.

use std::hint::black_box;
use std::time::{Duration, Instant};

pub mod alloc_counter;
pub mod data;
pub mod paired;
pub mod trades;

mod cli;
mod criterion_mode;

pub use cli::Mode;

/// A timed routine: runs the work `iters` times and returns the time it took.
pub type TimedFn = Box<dyn FnMut(u64) -> Duration>;

/// A measured value (a count, a size) of one side.
pub type ValueFn = Box<dyn FnMut() -> f64>;

/// The directory given with `--corpus DIR` (`cargo xtask bench --corpus DIR`), for suites that
/// benchmark codecs on a user's files; `None` without it (or outside the paired harness).
pub fn corpus_dir() -> Option<std::path::PathBuf> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--perfkit") {
        return None;
    }
    cli::Options::parse(&args).ok()?.corpus
}

/// `../shared` beside the project root (the Silesia corpus and conformance data), if present.
pub fn shared_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    dir.is_dir().then_some(dir)
}

/// Every regular file of `dir`, sorted by name (a corpus directory's inputs).
///
/// # Panics
/// If `dir` cannot be read: a benchmark without its inputs measures nothing.
pub fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Times `f` run `iters` times back to back; its result goes through [`black_box`].
pub fn iter<R>(mut f: impl FnMut() -> R + 'static) -> impl FnMut(u64) -> Duration + 'static {
    move |iters| {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(f());
        }
        start.elapsed()
    }
}

/// Times `routine` on a fresh input from `setup` each iteration; only `routine` is timed.
/// Meant for routines of a microsecond or more (each iteration reads the clock twice).
pub fn iter_with_setup<S, R>(
    mut setup: impl FnMut() -> S + 'static,
    mut routine: impl FnMut(S) -> R + 'static,
) -> impl FnMut(u64) -> Duration + 'static {
    move |iters| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let input = setup();
            let start = Instant::now();
            let out = routine(input);
            total += start.elapsed();
            drop(black_box(out));
        }
        total
    }
}

/// How much work one iteration does, to report a rate beside the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Throughput {
    /// Bytes processed per iteration.
    Bytes(u64),
    /// Elements processed per iteration.
    Elements(u64),
}

/// What a comparison measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Time per iteration; lower is better.
    Time,
    /// A deterministic value in the given unit (bytes, reallocations); lower is better.
    Value {
        /// The unit shown beside the values.
        unit: &'static str,
    },
}

pub(crate) enum SideFn {
    Time(TimedFn),
    Value(ValueFn),
}

/// One side of a comparison: its name and what runs it.
pub(crate) struct Side {
    pub(crate) name: String,
    pub(crate) run: SideFn,
}

/// One comparison: ours against a peer.
pub struct Bench {
    pub(crate) id: String,
    pub(crate) kind: Kind,
    pub(crate) ours: Side,
    pub(crate) peer: Side,
    pub(crate) throughput: Option<Throughput>,
}

impl std::fmt::Debug for Bench {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bench")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("ours", &self.ours.name)
            .field("peer", &self.peer.name)
            .field("throughput", &self.throughput)
            .finish()
    }
}

impl Bench {
    /// Reports a rate of `n` bytes per iteration.
    pub fn bytes(&mut self, n: u64) -> &mut Self {
        self.throughput = Some(Throughput::Bytes(n));
        self
    }

    /// Reports a rate of `n` elements per iteration.
    pub fn elements(&mut self, n: u64) -> &mut Self {
        self.throughput = Some(Throughput::Elements(n));
        self
    }

    /// The benchmark's full id, `suite/name`, as `gates.toml` names it.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The comparisons of one benchmark binary.
#[derive(Debug)]
pub struct Suite {
    name: &'static str,
    benches: Vec<Bench>,
    skipped: Vec<(String, String)>,
}

impl Suite {
    /// An empty suite; `name` prefixes every benchmark id (`name/...`).
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            benches: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Adds a timed comparison. Each side is `(name, routine)`, where the routine runs the work
    /// a given number of times and returns the elapsed time (see [`iter`] and [`iter_with_setup`]).
    pub fn time(
        &mut self,
        id: &str,
        ours: (&str, impl FnMut(u64) -> Duration + 'static),
        peer: (&str, impl FnMut(u64) -> Duration + 'static),
    ) -> &mut Bench {
        self.push(
            id,
            Kind::Time,
            Side {
                name: ours.0.to_owned(),
                run: SideFn::Time(Box::new(ours.1)),
            },
            Side {
                name: peer.0.to_owned(),
                run: SideFn::Time(Box::new(peer.1)),
            },
        )
    }

    /// Adds a value comparison (a count or a size, measured once; lower is better).
    pub fn value(
        &mut self,
        id: &str,
        unit: &'static str,
        ours: (&str, impl FnMut() -> f64 + 'static),
        peer: (&str, impl FnMut() -> f64 + 'static),
    ) -> &mut Bench {
        self.push(
            id,
            Kind::Value { unit },
            Side {
                name: ours.0.to_owned(),
                run: SideFn::Value(Box::new(ours.1)),
            },
            Side {
                name: peer.0.to_owned(),
                run: SideFn::Value(Box::new(peer.1)),
            },
        )
    }

    fn push(&mut self, id: &str, kind: Kind, ours: Side, peer: Side) -> &mut Bench {
        let id = format!("{}/{id}", self.name);
        assert!(
            self.benches.iter().all(|b| b.id != id),
            "benchmark {id} defined twice"
        );
        self.benches.push(Bench {
            id,
            kind,
            ours,
            peer,
            throughput: None,
        });
        self.benches.last_mut().expect("just pushed")
    }

    /// For each SIMD level above scalar on this architecture, a timed comparison `prefix/{level}`
    /// of that level's routine (ours) against the scalar level's (the peer), both built by `make`;
    /// a level the CPU lacks is reported as skipped.
    pub fn time_levels<O, P>(
        &mut self,
        prefix: &str,
        throughput: Throughput,
        mut make: impl FnMut(simd_arch::Level) -> (O, P),
    ) where
        O: FnMut(u64) -> Duration + 'static,
        P: FnMut(u64) -> Duration + 'static,
    {
        use simd_arch::Level;
        for &level in Level::all_for_arch()
            .iter()
            .filter(|l| **l != Level::Scalar)
        {
            let id = format!("{prefix}/{level}");
            if !level.is_supported() {
                self.skip(&id, &format!("this CPU lacks {level}"));
                continue;
            }
            let (ours, scalar) = make(level);
            let bench = self.time(&id, (level.name(), ours), ("scalar", scalar));
            bench.throughput = Some(throughput);
        }
    }

    /// Whether the benchmark `id` (without the suite prefix) will run: the `--filter` or
    /// `--exact` of this run selects it. Suites with costly set-up (compressing a corpus) ask
    /// before preparing a benchmark's input. Always true under criterion, which filters itself.
    pub fn selects(&self, id: &str) -> bool {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if !args.iter().any(|a| a == "--perfkit") {
            return true;
        }
        cli::Options::parse(&args).map_or(true, |o| o.selects(&format!("{}/{id}", self.name)))
    }

    /// Declares a benchmark that cannot run on this machine (say, a SIMD level the CPU lacks).
    /// It is reported as skipped with `reason`, and its gate is neither judged nor missing.
    pub fn skip(&mut self, id: &str, reason: &str) {
        self.skipped
            .push((format!("{}/{id}", self.name), reason.to_owned()));
    }

    /// The suite's name, the prefix of its benchmark ids.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Runs the suite: under the paired harness when called with `--perfkit` (what
    /// `cargo xtask bench` does), under criterion otherwise (what `cargo bench` does).
    pub fn main(self) {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if args.iter().any(|a| a == "--perfkit") {
            match cli::Options::parse(&args) {
                Ok(opts) => paired::run_suite(self.benches, &self.skipped, &opts),
                Err(msg) => {
                    eprintln!("{}: {msg}", self.name);
                    std::process::exit(2);
                }
            }
        } else {
            for (id, reason) in &self.skipped {
                println!("{id}: skipped ({reason})");
            }
            criterion_mode::run(self.benches);
        }
    }
}
