//! perfkit's task runner.
//!
//! ```text
//! cargo xtask bench [--quick | --full | --smoke] [--filter PATTERN] [--corpus DIR]
//! ```
//!
//! `bench` builds every benchmark binary of `perfkit-benches` once, runs them under the paired
//! harness (ours and the peer alternately, in the same process), checks each ratio against
//! `benches/gates.toml` (re-measuring a failure before calling it one), prints the table, and
//! writes `target/perfkit-report/report.md`, `report.svg` and `report.json`.

#![forbid(unsafe_code)]

use std::process::ExitCode;

mod bench;
mod gates;
mod report;
#[cfg(test)]
mod tidy;

const USAGE: &str = "\
usage: cargo xtask bench [OPTIONS]
       cargo xtask gates REPORT.json...

Runs every benchmark against its peer and checks the gates in benches/gates.toml: its
[gates], overridden by the [machines.NAME] profile whose `cpu` is part of this CPU's model
name (the longest such `cpu` where several are; ratios against a peer differ from one kind of
CPU to another).

options:
  --quick           a few minutes on 2 cores (the default)
  --full            more and longer rounds, for published figures
  --smoke           every benchmark once, to prove it runs; no gating
  --filter PATTERN  only benchmarks whose id contains PATTERN
  --corpus DIR      benchmark the zstd codecs on every file in DIR
  -h, --help        this text

The report is written to target/perfkit-report/ (report.md, report.svg, report.json).
`gates` reads report.json files from several runs and prints, per benchmark, the worst ratio
and the gate that follows (worst + 10%), next to the gate in force on this machine.
Exit status: 0 when every gate passes, 1 when a gate fails, 2 on a usage or build error.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => match bench::Options::parse(&args[1..]) {
            Ok(opts) => bench::run(&opts),
            Err(msg) => {
                eprintln!("error: {msg}\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("gates") => {
            let paths: Vec<std::path::PathBuf> = args[1..].iter().map(Into::into).collect();
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("workspace root")
                .to_path_buf();
            let cpu = report::cpu_model();
            match gates::load(&root.join("benches/gates.toml")).and_then(|file| {
                let (profile, g) = file.for_cpu(&cpu);
                let text = gates::report(&paths, &g)?;
                Ok(format!("# now: {}\n{text}", gates::describe(profile, &cpu)))
            }) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(msg) => {
                    eprintln!("error: {msg}");
                    ExitCode::from(2)
                }
            }
        }
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown task {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
