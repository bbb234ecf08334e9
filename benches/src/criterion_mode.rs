//! `cargo bench` runs the suite under criterion: each comparison is a criterion group with
//! the two sides as its functions.

use criterion::Criterion;

use crate::{Bench, Kind, SideFn, Throughput};

/// Criterion's options that take a value (so the value is not mistaken for a filter).
const VALUE_OPTIONS: &[&str] = &[
    "--warm-up-time",
    "--measurement-time",
    "--sample-size",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--save-baseline",
    "--baseline",
    "--baseline-lenient",
    "--load-baseline",
    "--profile-time",
    "--color",
    "--output-format",
    "--plotting-backend",
    "--format",
    "-s",
    "-b",
];

/// The filter criterion was given (its first positional argument), to apply it to the value
/// comparisons criterion does not run itself.
fn positional_filter() -> Option<String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        if VALUE_OPTIONS.contains(&args[i].as_str()) {
            i += 2;
        } else if args[i].starts_with('-') {
            i += 1;
        } else {
            return Some(args[i].clone());
        }
    }
    None
}

pub(crate) fn run(mut benches: Vec<Bench>) {
    let filter = positional_filter();
    let mut c = Criterion::default().configure_from_args();
    for b in &mut benches {
        match (&mut b.ours.run, &mut b.peer.run) {
            (SideFn::Time(ours), SideFn::Time(peer)) => {
                let mut g = c.benchmark_group(&b.id);
                match b.throughput {
                    Some(Throughput::Bytes(n)) => g.throughput(criterion::Throughput::Bytes(n)),
                    Some(Throughput::Elements(n)) => {
                        g.throughput(criterion::Throughput::Elements(n))
                    }
                    None => &mut g,
                };
                g.bench_function(&b.ours.name, |bencher| bencher.iter_custom(&mut *ours));
                g.bench_function(&b.peer.name, |bencher| bencher.iter_custom(&mut *peer));
                g.finish();
            }
            (SideFn::Value(ours), SideFn::Value(peer)) => {
                if filter.as_deref().is_some_and(|f| !b.id.contains(f)) {
                    continue;
                }
                let unit = match b.kind {
                    Kind::Value { unit } => unit,
                    Kind::Time => "",
                };
                println!(
                    "{}: {} {} {unit}, {} {} {unit}",
                    b.id,
                    b.ours.name,
                    ours(),
                    b.peer.name,
                    peer()
                );
            }
            _ => unreachable!("Suite builds both sides of one kind"),
        }
    }
    c.final_summary();
}
