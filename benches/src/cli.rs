//! The arguments `cargo xtask bench` passes to a benchmark binary.

use std::path::PathBuf;

/// How long to measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Every benchmark runs once per side: proves it works, measures nothing.
    Smoke,
    /// Enough paired rounds for a stable median; the whole suite in a few minutes.
    Quick,
    /// More and longer rounds, for the figures we publish.
    Full,
}

/// Parsed `--perfkit` options.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub(crate) mode: Mode,
    /// Run only benchmarks whose id contains this.
    pub(crate) filter: Option<String>,
    /// Run only benchmarks with exactly these ids (re-measurement).
    pub(crate) exact: Vec<String>,
    /// Measure longer: this is a re-measurement of a failed gate.
    pub(crate) remeasure: bool,
    /// Print the ids and stop.
    pub(crate) list: bool,
    /// The corpus directory of `--corpus` (used by the zstd benchmarks).
    pub(crate) corpus: Option<PathBuf>,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let mut o = Options {
            mode: Mode::Quick,
            filter: None,
            exact: Vec::new(),
            remeasure: false,
            list: false,
            corpus: None,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = |name: &str| it.next().cloned().ok_or(format!("{name} needs a value"));
            match a.as_str() {
                "--perfkit" | "--bench" => {}
                "--mode" => {
                    o.mode = match value("--mode")?.as_str() {
                        "smoke" => Mode::Smoke,
                        "quick" => Mode::Quick,
                        "full" => Mode::Full,
                        m => return Err(format!("unknown mode {m:?} (smoke, quick or full)")),
                    }
                }
                "--filter" => o.filter = Some(value("--filter")?),
                "--exact" => o.exact.push(value("--exact")?),
                "--corpus" => o.corpus = Some(PathBuf::from(value("--corpus")?)),
                "--remeasure" => o.remeasure = true,
                "--list" => o.list = true,
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(o)
    }

    pub(crate) fn selects(&self, id: &str) -> bool {
        if !self.exact.is_empty() {
            return self.exact.iter().any(|e| e == id);
        }
        self.filter.as_deref().is_none_or(|f| id.contains(f))
    }
}
