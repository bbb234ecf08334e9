//! `cargo xtask bench`: build, run, gate, report.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use serde_json::Value;

use crate::gates::{self, Gate, Gates};
use crate::report;

/// How long to measure (the benchmark binaries' `--mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Smoke,
    Quick,
    Full,
}

impl Mode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::Smoke => "smoke",
            Mode::Quick => "quick",
            Mode::Full => "full",
        }
    }
}

/// The options of `cargo xtask bench`.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub(crate) mode: Mode,
    pub(crate) filter: Option<String>,
    pub(crate) corpus: Option<PathBuf>,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let mut o = Options {
            mode: Mode::Quick,
            filter: None,
            corpus: None,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--quick" => o.mode = Mode::Quick,
                "--full" => o.mode = Mode::Full,
                "--smoke" => o.mode = Mode::Smoke,
                "--filter" => o.filter = Some(it.next().ok_or("--filter needs a pattern")?.clone()),
                "--corpus" => {
                    let dir = PathBuf::from(it.next().ok_or("--corpus needs a directory")?);
                    if !dir.is_dir() {
                        return Err(format!("--corpus {}: not a directory", dir.display()));
                    }
                    o.corpus = Some(dir);
                }
                other => return Err(format!("unknown option {other:?}")),
            }
        }
        Ok(o)
    }
}

/// One benchmark's result, as the paired harness printed it.
#[derive(Clone, Debug)]
pub(crate) struct Measured {
    pub(crate) binary: String,
    pub(crate) id: String,
    /// "time" (ns per iteration) or "value" (a count in `unit`).
    pub(crate) kind: String,
    pub(crate) unit: String,
    pub(crate) ours_name: String,
    pub(crate) peer_name: String,
    pub(crate) ours: f64,
    pub(crate) peer: f64,
    pub(crate) ratio: f64,
    pub(crate) ratio_q1: f64,
    pub(crate) ratio_q3: f64,
    pub(crate) rounds: u64,
    /// ("bytes" | "elements", per iteration).
    pub(crate) throughput: Option<(String, u64)>,
    /// Why the benchmark could not run on this machine (kind "skipped").
    pub(crate) skip_reason: Option<String>,
}

impl Measured {
    fn from_json(binary: &str, v: &Value) -> Result<Self, String> {
        let s = |k: &str| {
            v[k].as_str()
                .map(str::to_owned)
                .ok_or(format!("result without {k}: {v}"))
        };
        if v["kind"].as_str() == Some("skipped") {
            // A benchmark that cannot run here: only its id and the reason.
            return Ok(Measured {
                binary: binary.to_owned(),
                id: s("id")?,
                kind: "skipped".to_owned(),
                unit: String::new(),
                ours_name: String::new(),
                peer_name: String::new(),
                ours: f64::NAN,
                peer: f64::NAN,
                ratio: f64::NAN,
                ratio_q1: f64::NAN,
                ratio_q3: f64::NAN,
                rounds: 0,
                throughput: None,
                skip_reason: Some(s("reason")?),
            });
        }
        // A non-finite ratio is printed as null; it fails any gate.
        let f = |k: &str| v[k].as_f64().unwrap_or(f64::INFINITY);
        let throughput = v["throughput"]
            .as_object()
            .and_then(|o| o.iter().next())
            .and_then(|(k, n)| Some((k.clone(), n.as_u64()?)));
        Ok(Measured {
            binary: binary.to_owned(),
            id: s("id")?,
            kind: s("kind")?,
            unit: s("unit")?,
            ours_name: s("ours_name")?,
            peer_name: s("peer_name")?,
            ours: f("ours"),
            peer: f("peer"),
            ratio: f("ratio"),
            ratio_q1: f("ratio_q1"),
            ratio_q3: f("ratio_q3"),
            rounds: v["rounds"].as_u64().unwrap_or(0),
            throughput,
            skip_reason: None,
        })
    }
}

/// What the gate says about a result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Pass,
    /// Failed once, passed when measured again.
    PassRemeasured,
    /// Failed, and failed again when measured again.
    Fail,
    /// No gate for this benchmark.
    Ungated,
    /// Smoke run: it ran; nothing is judged.
    Ran,
    /// It cannot run on this machine; its gate is not judged.
    Skipped,
}

impl Verdict {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::PassRemeasured => "pass (re-measured)",
            Verdict::Fail => "FAIL",
            Verdict::Ungated => "no gate",
            Verdict::Ran => "ran",
            Verdict::Skipped => "skipped",
        }
    }
}

/// A row of the report.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub(crate) result: Measured,
    pub(crate) gate: Option<Gate>,
    pub(crate) verdict: Verdict,
    /// The first measurement's ratio, when the row was re-measured.
    pub(crate) first_ratio: Option<f64>,
}

fn workspace_root() -> PathBuf {
    // xtask/ sits in the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent directory")
        .to_path_buf()
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Builds the benchmark binaries once; returns (name, path) of each.
fn build(root: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    eprintln!("building the benchmarks (release profile) ...");
    let out = cargo()
        .current_dir(root)
        .args([
            "bench",
            "-p",
            "perfkit-benches",
            "--no-run",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err("building the benchmarks failed (see above)".into());
    }
    let mut bins = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let is_bench = v["target"]["kind"]
            .as_array()
            .is_some_and(|k| k.iter().any(|k| k == "bench"));
        if v["reason"] == "compiler-artifact"
            && is_bench
            && let (Some(name), Some(exe)) =
                (v["target"]["name"].as_str(), v["executable"].as_str())
        {
            bins.push((name.to_owned(), PathBuf::from(exe)));
        }
    }
    if bins.is_empty() {
        return Err("cargo built no benchmark binaries".into());
    }
    bins.sort();
    Ok(bins)
}

/// Runs one benchmark binary under the paired harness; returns its results.
fn run_binary(
    root: &Path,
    name: &str,
    exe: &Path,
    mode: Mode,
    extra: &[String],
) -> Result<Vec<Measured>, String> {
    let mut cmd = Command::new(exe);
    cmd.current_dir(root.join("benches"))
        .args(["--perfkit", "--mode", mode.as_str()])
        .args(extra);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut results = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading {name}'s output: {e}"))?;
        match line.strip_prefix("PERFKIT ") {
            Some(json) => {
                let v: Value = serde_json::from_str(json)
                    .map_err(|e| format!("{name}: bad result line ({e}): {json}"))?;
                results.push(Measured::from_json(name, &v)?);
            }
            None => eprintln!("{name}: {line}"),
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for {name}: {e}"))?;
    if !status.success() {
        return Err(format!("benchmark binary {name} failed ({status})"));
    }
    Ok(results)
}

/// Judges each result against its gate (smoke runs are not judged).
fn judge(results: Vec<Measured>, gates: &Gates, mode: Mode) -> Vec<Row> {
    results
        .into_iter()
        .map(|r| {
            let gate = gates.get(&r.id).copied();
            let verdict = match (mode, gate) {
                _ if r.skip_reason.is_some() => Verdict::Skipped,
                (Mode::Smoke, _) => Verdict::Ran,
                (_, None) => Verdict::Ungated,
                (_, Some(g)) if r.ratio <= g.max => Verdict::Pass,
                (_, Some(_)) => Verdict::Fail,
            };
            Row {
                result: r,
                gate,
                verdict,
                first_ratio: None,
            }
        })
        .collect()
}

pub(crate) fn run(opts: &Options) -> ExitCode {
    match try_run(opts) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn try_run(opts: &Options) -> Result<bool, String> {
    let root = workspace_root();
    let file = gates::load(&root.join("benches/gates.toml"))?;
    let cpu = report::cpu_model();
    let (profile, gates) = file.for_cpu(&cpu);
    let gate_set = gates::describe(profile, &cpu);
    eprintln!("gates: {gate_set}");
    let binaries = build(&root)?;
    let mut extra = Vec::new();
    if let Some(f) = &opts.filter {
        extra.extend(["--filter".to_owned(), f.clone()]);
    }
    if let Some(c) = &opts.corpus {
        let c = c
            .canonicalize()
            .map_err(|e| format!("--corpus {}: {e}", c.display()))?;
        extra.extend(["--corpus".to_owned(), c.display().to_string()]);
    }
    let started = std::time::Instant::now();
    let mut results = Vec::new();
    for (name, exe) in &binaries {
        eprintln!("== {name}");
        results.extend(run_binary(&root, name, exe, opts.mode, &extra)?);
    }
    let mut rows = judge(results, &gates, opts.mode);

    // A gate fails only if it fails again when measured again (longer).
    let failed: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].verdict == Verdict::Fail)
        .collect();
    if !failed.is_empty() {
        eprintln!(
            "== re-measuring {} benchmark(s) over their gate",
            failed.len()
        );
    }
    for i in failed {
        let (binary, id) = (rows[i].result.binary.clone(), rows[i].result.id.clone());
        let exe = &binaries
            .iter()
            .find(|(n, _)| *n == binary)
            .expect("the binary ran")
            .1;
        let args = ["--exact".to_owned(), id.clone(), "--remeasure".to_owned()];
        let again = run_binary(&root, &binary, exe, opts.mode, &args)?;
        let r = again
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(format!("{id} did not run again"))?;
        let row = &mut rows[i];
        row.first_ratio = Some(row.result.ratio);
        row.verdict = if row.gate.is_some_and(|g| r.ratio <= g.max) {
            Verdict::PassRemeasured
        } else {
            Verdict::Fail
        };
        row.result = r;
    }

    // A gate whose benchmark no longer exists is a failure of its own, in a complete run.
    let mut missing: Vec<&String> = Vec::new();
    if opts.filter.is_none() {
        missing = file
            .ids()
            .filter(|id| !rows.iter().any(|r| &r.result.id == *id))
            .collect();
    }

    let meta = report::Meta::collect(opts, started.elapsed(), cpu, gate_set);
    print!("{}", report::text_table(&rows));
    for id in &missing {
        println!("FAIL: benches/gates.toml has a gate for {id}, but no benchmark has that id");
    }
    let dir = root.join("target/perfkit-report");
    report::write_all(&dir, &rows, &missing, &meta)?;
    let failures = rows.iter().filter(|r| r.verdict == Verdict::Fail).count() + missing.len();
    println!(
        "\n{} benchmarks, {} gated, {} failed ({} mode, {:.0} s). Report: {}",
        rows.len(),
        rows.iter().filter(|r| r.gate.is_some()).count(),
        failures,
        opts.mode.as_str(),
        meta.elapsed_s,
        dir.join("report.md").display()
    );
    Ok(failures == 0)
}

/// Groups results by binary, for the report.
pub(crate) fn by_suite(rows: &[Row]) -> BTreeMap<&str, Vec<&Row>> {
    let mut m: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        let suite = r.result.id.split('/').next().unwrap_or("");
        m.entry(suite).or_default().push(r);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(id: &str, ratio: f64) -> Measured {
        Measured {
            binary: "b".into(),
            id: id.into(),
            kind: "time".into(),
            unit: "ns".into(),
            ours_name: "ours".into(),
            peer_name: "peer".into(),
            ours: ratio,
            peer: 1.0,
            ratio,
            ratio_q1: ratio,
            ratio_q3: ratio,
            rounds: 11,
            throughput: None,
            skip_reason: None,
        }
    }

    #[test]
    fn verdicts() {
        let gates = gates::parse("[gates]\n\"s/a\" = 1.1\n\"s/b\" = 1.1\n")
            .unwrap()
            .default;
        let rows = judge(
            vec![
                measured("s/a", 1.05),
                measured("s/b", 1.2),
                measured("s/c", 9.0),
            ],
            &gates,
            Mode::Quick,
        );
        let v: Vec<Verdict> = rows.iter().map(|r| r.verdict).collect();
        assert_eq!(v, [Verdict::Pass, Verdict::Fail, Verdict::Ungated]);
        let rows = judge(vec![measured("s/b", 1.2)], &gates, Mode::Smoke);
        assert_eq!(rows[0].verdict, Verdict::Ran);
        let inf = judge(vec![measured("s/a", f64::INFINITY)], &gates, Mode::Full);
        assert_eq!(
            inf[0].verdict,
            Verdict::Fail,
            "a non-finite ratio fails its gate"
        );
    }

    #[test]
    fn options() {
        let o = Options::parse(&["--full".into(), "--filter".into(), "push".into()]).unwrap();
        assert_eq!((o.mode, o.filter.as_deref()), (Mode::Full, Some("push")));
        assert_eq!(Options::parse(&[]).unwrap().mode, Mode::Quick);
        assert!(
            Options::parse(&["--filter".into()])
                .unwrap_err()
                .contains("needs a pattern")
        );
        assert!(
            Options::parse(&["--corpus".into(), "/nonexistent/dir".into()])
                .unwrap_err()
                .contains("not a directory")
        );
        assert!(
            Options::parse(&["--fast".into()])
                .unwrap_err()
                .contains("unknown option")
        );
    }

    #[test]
    fn parses_result_lines() {
        let v: Value = serde_json::from_str(
            r#"{"id":"valvec32/x","kind":"value","unit":"B/elem","ours_name":"A","peer_name":"B",
                "ours":8.0,"peer":16.0,"ratio":0.5,"ratio_q1":0.5,"ratio_q3":0.5,"rounds":1,
                "throughput":{"bytes":800}}"#,
        )
        .unwrap();
        let m = Measured::from_json("bin", &v).unwrap();
        assert_eq!(
            (m.id.as_str(), m.ratio, m.throughput),
            ("valvec32/x", 0.5, Some(("bytes".into(), 800)))
        );
        let skipped: Value = serde_json::from_str(
            r#"{"id":"simd-arch/x/avx512","kind":"skipped","reason":"this CPU lacks avx512"}"#,
        )
        .unwrap();
        let m = Measured::from_json("bin", &skipped).unwrap();
        assert_eq!(m.skip_reason.as_deref(), Some("this CPU lacks avx512"));
        let bad: Value = serde_json::from_str(r#"{"kind":"time"}"#).unwrap();
        assert!(
            Measured::from_json("bin", &bad)
                .unwrap_err()
                .contains("without id")
        );
    }
}
