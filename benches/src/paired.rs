//! The paired harness: ours and the peer measured alternately in the same process.
//!
//! For a timed comparison:
//! 1. Each side is calibrated: the iteration count grows until one sample takes the mode's
//!    target time (this doubles as warm-up), or until its wall-clock time, untimed set-up
//!    included, reaches ten times that target (`SETUP_WALL_FACTOR`).
//! 2. Rounds follow, each timing one sample of each side, in the order A B, B A, A B, … so
//!    neither side always runs second (after the other warmed or polluted the caches).
//! 3. The ratio is the median over rounds of `ours / peer` for that round; the quartiles of the
//!    per-round ratios show the spread. Noise slower than a round (another process starting,
//!    frequency changes) hits both samples of the round alike and cancels in the ratio.
//!
//! Each result is one line on standard output, `PERFKIT {json}`; progress goes to standard error.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::cli::{Mode, Options};
use crate::{Bench, Kind, SideFn, Throughput, TimedFn};

/// How much to measure.
#[derive(Clone, Copy, Debug)]
struct Plan {
    /// The time one sample should take.
    sample: Duration,
    /// Bounds on the number of rounds.
    min_rounds: usize,
    max_rounds: usize,
    /// The time the rounds should take, between the bounds.
    budget: Duration,
}

impl Plan {
    fn new(mode: Mode, remeasure: bool) -> Self {
        let plan = match mode {
            Mode::Smoke => Plan {
                sample: Duration::ZERO,
                min_rounds: 1,
                max_rounds: 1,
                budget: Duration::ZERO,
            },
            Mode::Quick => Plan {
                sample: Duration::from_millis(3),
                min_rounds: 11,
                max_rounds: 31,
                budget: Duration::from_millis(400),
            },
            Mode::Full => Plan {
                sample: Duration::from_millis(10),
                min_rounds: 31,
                max_rounds: 101,
                budget: Duration::from_secs(4),
            },
        };
        if remeasure && mode != Mode::Smoke {
            Plan {
                min_rounds: plan.min_rounds * 2,
                max_rounds: plan.max_rounds * 2,
                budget: plan.budget * 3,
                ..plan
            }
        } else {
            plan
        }
    }
}

/// The outcome of one timed comparison, per iteration.
#[derive(Clone, Debug)]
pub struct TimedResult {
    /// Median time per iteration of ours, in nanoseconds.
    pub ours_ns: f64,
    /// Median time per iteration of the peer, in nanoseconds.
    pub peer_ns: f64,
    /// Median of the per-round ratios ours/peer.
    pub ratio: f64,
    /// First and third quartile of the per-round ratios.
    pub ratio_q1: f64,
    /// See `ratio_q1`.
    pub ratio_q3: f64,
    /// Rounds measured.
    pub rounds: usize,
}

/// How much longer than the sample target a sample may take by the wall clock. A benchmark
/// that times a short step after a long untimed set-up (an arena's reset after filling it)
/// would otherwise need thousands of set-ups per sample: the arena reset benchmark took six of
/// the suite's twelve minutes.
const SETUP_WALL_FACTOR: u32 = 10;

/// Runs `f` with growing iteration counts until one call takes at least `target` (or, by the
/// wall clock, [`SETUP_WALL_FACTOR`] times that); returns that count and the wall-clock time
/// per iteration it measured, untimed set-up included, which is what the rounds will cost.
#[inline(never)]
fn calibrate(f: &mut TimedFn, target: Duration) -> (u64, f64) {
    let wall_limit = target * SETUP_WALL_FACTOR;
    let mut iters = 1u64;
    loop {
        let start = Instant::now();
        let t = f(iters);
        let wall = start.elapsed().max(t);
        if t >= target || wall >= wall_limit || iters >= 1 << 40 {
            return (iters, wall.as_secs_f64() / iters as f64);
        }
        let factor = if t.is_zero() {
            100.0
        } else {
            let by_timed = target.as_secs_f64() / t.as_secs_f64();
            let by_wall = wall_limit.as_secs_f64() / wall.as_secs_f64();
            (by_timed.min(by_wall) * 1.1).clamp(1.5, 100.0)
        };
        iters = ((iters as f64) * factor).ceil() as u64;
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    // Linear interpolation between closest ranks.
    let pos = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Measures ours against the peer alternately.
pub fn measure_pair(
    ours: &mut TimedFn,
    peer: &mut TimedFn,
    mode: Mode,
    remeasure: bool,
) -> TimedResult {
    let plan = Plan::new(mode, remeasure);
    if mode == Mode::Smoke {
        let a = ours(1).as_secs_f64() * 1e9;
        let b = peer(1).as_secs_f64() * 1e9;
        let ratio = if b > 0.0 { a / b } else { 1.0 };
        return TimedResult {
            ours_ns: a,
            peer_ns: b,
            ratio,
            ratio_q1: ratio,
            ratio_q3: ratio,
            rounds: 1,
        };
    }
    let (ia, ta) = calibrate(ours, plan.sample);
    let (ib, tb) = calibrate(peer, plan.sample);
    if std::env::var_os("PERFKIT_VERBOSE").is_some() {
        eprintln!(
            "  calibrated: ours {ia} iterations a sample ({:.1} ns each by the wall clock), \
             peer {ib} ({:.1} ns)",
            ta * 1e9,
            tb * 1e9
        );
    }
    let per_round = ta * ia as f64 + tb * ib as f64;
    let rounds =
        ((plan.budget.as_secs_f64() / per_round) as usize).clamp(plan.min_rounds, plan.max_rounds);
    let (mut sa, mut sb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..rounds {
        let (a, b) = if r % 2 == 0 {
            let a = ours(ia);
            (a, peer(ib))
        } else {
            let b = peer(ib);
            (ours(ia), b)
        };
        let a = a.as_secs_f64() / ia as f64;
        let b = b.as_secs_f64() / ib as f64;
        sa.push(a);
        sb.push(b);
        ratios.push(a / b);
    }
    let (sa, sb, ratios) = (sorted(sa), sorted(sb), sorted(ratios));
    TimedResult {
        ours_ns: quantile(&sa, 0.5) * 1e9,
        peer_ns: quantile(&sb, 0.5) * 1e9,
        ratio: quantile(&ratios, 0.5),
        ratio_q1: quantile(&ratios, 0.25),
        ratio_q3: quantile(&ratios, 0.75),
        rounds,
    }
}

fn throughput_json(t: Option<Throughput>) -> serde_json::Value {
    match t {
        Some(Throughput::Bytes(n)) => json!({ "bytes": n }),
        Some(Throughput::Elements(n)) => json!({ "elements": n }),
        None => serde_json::Value::Null,
    }
}

fn fmt_ns(ns: f64) -> String {
    match ns {
        n if n < 1e3 => format!("{n:.1} ns"),
        n if n < 1e6 => format!("{:.2} µs", n / 1e3),
        n if n < 1e9 => format!("{:.2} ms", n / 1e6),
        n => format!("{:.2} s", n / 1e9),
    }
}

/// Runs the selected benchmarks of a suite and prints one result line each.
pub(crate) fn run_suite(mut benches: Vec<Bench>, skipped: &[(String, String)], opts: &Options) {
    let selected: Vec<&mut Bench> = benches.iter_mut().filter(|b| opts.selects(&b.id)).collect();
    let skipped: Vec<&(String, String)> =
        skipped.iter().filter(|(id, _)| opts.selects(id)).collect();
    if opts.list {
        for b in &selected {
            println!("{}", b.id);
        }
        return;
    }
    for (id, reason) in &skipped {
        eprintln!("skipped {id}: {reason}");
        println!(
            "PERFKIT {}",
            json!({ "id": id, "kind": "skipped", "reason": reason })
        );
    }
    let total = selected.len();
    let stdout = std::io::stdout();
    for (k, b) in selected.into_iter().enumerate() {
        eprint!("[{}/{total}] {} ... ", k + 1, b.id);
        let _ = std::io::stderr().flush();
        let line = match (&mut b.ours.run, &mut b.peer.run) {
            (SideFn::Time(o), SideFn::Time(p)) => {
                let r = measure_pair(o, p, opts.mode, opts.remeasure);
                eprintln!(
                    "{:.3}x ({} {}, {} {}; quartiles {:.3}-{:.3}, {} rounds)",
                    r.ratio,
                    b.ours.name,
                    fmt_ns(r.ours_ns),
                    b.peer.name,
                    fmt_ns(r.peer_ns),
                    r.ratio_q1,
                    r.ratio_q3,
                    r.rounds
                );
                json!({
                    "id": b.id, "kind": "time", "unit": "ns",
                    "ours_name": b.ours.name, "peer_name": b.peer.name,
                    "ours": r.ours_ns, "peer": r.peer_ns,
                    "ratio": r.ratio, "ratio_q1": r.ratio_q1, "ratio_q3": r.ratio_q3,
                    "rounds": r.rounds, "throughput": throughput_json(b.throughput),
                })
            }
            (SideFn::Value(o), SideFn::Value(p)) => {
                let (a, v) = (o(), p());
                let ratio = if v != 0.0 {
                    a / v
                } else if a == 0.0 {
                    1.0
                } else {
                    f64::MAX
                };
                let unit = match b.kind {
                    Kind::Value { unit } => unit,
                    Kind::Time => "",
                };
                eprintln!(
                    "{ratio:.3}x ({} {a} {unit}, {} {v} {unit})",
                    b.ours.name, b.peer.name
                );
                json!({
                    "id": b.id, "kind": "value", "unit": unit,
                    "ours_name": b.ours.name, "peer_name": b.peer.name,
                    "ours": a, "peer": v, "ratio": ratio, "ratio_q1": ratio, "ratio_q3": ratio,
                    "rounds": 1, "throughput": serde_json::Value::Null,
                })
            }
            _ => unreachable!("Suite builds both sides of one kind"),
        };
        let mut out = stdout.lock();
        let _ = writeln!(out, "PERFKIT {line}");
        let _ = out.flush();
    }
}
