//! The report: a text table on the terminal, and `report.md`, `report.svg`, `report.json`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::bench::{Mode, Options, Row, Verdict, by_suite};

/// Where and how a report was made.
#[derive(Clone, Debug)]
pub(crate) struct Meta {
    pub(crate) command: String,
    pub(crate) mode: Mode,
    pub(crate) date: String,
    pub(crate) cpu: String,
    /// The gates in force: `[gates]`, or which machine profile over it.
    pub(crate) gates: String,
    pub(crate) cores: usize,
    pub(crate) rustc: String,
    pub(crate) elapsed_s: f64,
}

/// The CPU's model name (`/proc/cpuinfo`), or the architecture where that cannot be read.
pub(crate) fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned())
}

impl Meta {
    pub(crate) fn collect(opts: &Options, elapsed: Duration, cpu: String, gates: String) -> Self {
        let mut command = String::from("cargo xtask bench");
        match opts.mode {
            Mode::Quick => {}
            m => write!(command, " --{}", m.as_str()).expect("writing to a String"),
        }
        if let Some(f) = &opts.filter {
            write!(command, " --filter {f}").expect("writing to a String");
        }
        if let Some(c) = &opts.corpus {
            write!(command, " --corpus {}", c.display()).expect("writing to a String");
        }
        let rustc =
            std::process::Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
                .arg("-V")
                .output()
                .ok()
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
                .unwrap_or_default();
        Meta {
            command,
            mode: opts.mode,
            date: utc_now(),
            cpu,
            gates,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            rustc,
            elapsed_s: elapsed.as_secs_f64(),
        }
    }
}

/// The current UTC date and time, `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A time in nanoseconds, or a value with its unit.
pub(crate) fn fmt_amount(x: f64, kind: &str, unit: &str) -> String {
    if x.is_nan() {
        return "-".to_owned();
    }
    if kind != "time" {
        return if x.fract() == 0.0 && x.abs() < 1e15 {
            format!("{x:.0} {unit}")
        } else {
            format!("{x:.3} {unit}")
        };
    }
    match x {
        n if n < 1e3 => format!("{n:.1} ns"),
        n if n < 1e6 => format!("{:.2} µs", n / 1e3),
        n if n < 1e9 => format!("{:.2} ms", n / 1e6),
        n => format!("{:.2} s", n / 1e9),
    }
}

/// A rate from a time per iteration and the work per iteration.
fn fmt_rate(ns: f64, throughput: &Option<(String, u64)>) -> String {
    let Some((what, n)) = throughput else {
        return String::new();
    };
    let per_s = *n as f64 / (ns * 1e-9);
    match what.as_str() {
        "bytes" if per_s >= 1e9 => format!("{:.2} GB/s", per_s / 1e9),
        "bytes" => format!("{:.0} MB/s", per_s / 1e6),
        _ if per_s >= 1e9 => format!("{:.2} G/s", per_s / 1e9),
        _ => format!("{:.1} M/s", per_s / 1e6),
    }
}

fn fmt_ratio(r: f64) -> String {
    if r.is_nan() {
        return "-".to_owned();
    }
    if r.is_finite() && r < 1e6 {
        format!("{r:.3}")
    } else {
        "inf".to_owned()
    }
}

fn gate_cell(row: &Row) -> String {
    row.gate
        .map_or_else(|| "-".to_owned(), |g| format!("<= {}", g.max))
}

fn verdict_cell(row: &Row) -> String {
    if let Some(reason) = &row.result.skip_reason {
        return format!("skipped: {reason}");
    }
    match (row.verdict, row.first_ratio) {
        (Verdict::PassRemeasured | Verdict::Fail, Some(first)) => {
            format!("{} (first {})", row.verdict.label(), fmt_ratio(first))
        }
        (v, _) => v.label().to_owned(),
    }
}

/// The table printed on the terminal.
pub(crate) fn text_table(rows: &[Row]) -> String {
    let header = ["benchmark", "ours", "peer", "ratio", "gate", "verdict"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            let m = &r.result;
            [
                if m.skip_reason.is_some() {
                    m.id.clone()
                } else {
                    format!("{} ({} vs {})", m.id, m.ours_name, m.peer_name)
                },
                fmt_amount(m.ours, &m.kind, &m.unit),
                fmt_amount(m.peer, &m.kind, &m.unit),
                fmt_ratio(m.ratio),
                gate_cell(r),
                verdict_cell(r),
            ]
        })
        .collect();
    let mut width = header.map(|h| h.chars().count());
    for c in &cells {
        for (w, s) in width.iter_mut().zip(c) {
            *w = (*w).max(s.chars().count());
        }
    }
    let line = |c: &[String]| {
        let mut s = String::new();
        for (i, (cell, w)) in c.iter().zip(width).enumerate() {
            let pad = w - cell.chars().count();
            // Text left, numbers right.
            if i == 0 || i == 5 {
                write!(s, "{cell}{}  ", " ".repeat(pad)).expect("writing to a String");
            } else {
                write!(s, "{}{cell}  ", " ".repeat(pad)).expect("writing to a String");
            }
        }
        s.trim_end().to_owned() + "\n"
    };
    let mut out = String::from("\n");
    out += &line(&header.map(str::to_owned));
    out += &line(&width.map(|w| "-".repeat(w)));
    for c in &cells {
        out += &line(c);
    }
    out
}

/// The markdown report.
pub(crate) fn markdown(rows: &[Row], missing: &[&String], meta: &Meta) -> String {
    let mut s = String::new();
    let w = &mut s;
    writeln!(w, "# perfkit benchmark report\n").unwrap();
    writeln!(w, "- command: `{}`", meta.command).unwrap();
    writeln!(w, "- date: {}", meta.date).unwrap();
    writeln!(
        w,
        "- machine: {} ({} cores), {}",
        meta.cpu, meta.cores, meta.rustc
    )
    .unwrap();
    writeln!(w, "- gates: {}", meta.gates).unwrap();
    writeln!(w, "- run time: {:.0} s\n", meta.elapsed_s).unwrap();
    writeln!(
        w,
        "Ratio = ours / peer (time per iteration, or the value); lower is better. Timings are medians of \
         rounds in which ours and the peer ran alternately in the same process; the ratio is the median of \
         the per-round ratios, with its interquartile range. A gate is the worst acceptable ratio \
         (`benches/gates.toml`); a benchmark over its gate is measured again, longer, and fails only if it \
         is over again.\n"
    )
    .unwrap();
    for (suite, rows) in by_suite(rows) {
        writeln!(w, "## {suite}\n").unwrap();
        writeln!(
            w,
            "| benchmark | ours | peer | ratio | spread (q1-q3) | gate | verdict |"
        )
        .unwrap();
        writeln!(w, "|---|---|---|---|---|---|---|").unwrap();
        for r in rows {
            let m = &r.result;
            let with_rate = |x: f64| {
                let rate = if m.kind == "time" {
                    fmt_rate(x, &m.throughput)
                } else {
                    String::new()
                };
                let amount = fmt_amount(x, &m.kind, &m.unit);
                if rate.is_empty() {
                    amount
                } else {
                    format!("{amount} ({rate})")
                }
            };
            let short =
                m.id.strip_prefix(suite)
                    .unwrap_or(&m.id)
                    .trim_start_matches('/');
            if m.skip_reason.is_some() {
                writeln!(
                    w,
                    "| `{short}` | - | - | - | - | {} | {} |",
                    gate_cell(r),
                    verdict_cell(r)
                )
                .unwrap();
                continue;
            }
            writeln!(
                w,
                "| `{}` | {}: {} | {}: {} | **{}** | {}-{} | {} | {} |",
                short,
                m.ours_name,
                with_rate(m.ours),
                m.peer_name,
                with_rate(m.peer),
                fmt_ratio(m.ratio),
                fmt_ratio(m.ratio_q1),
                fmt_ratio(m.ratio_q3),
                gate_cell(r),
                verdict_cell(r),
            )
            .unwrap();
        }
        writeln!(w).unwrap();
    }
    for id in missing {
        writeln!(
            w,
            "**FAIL**: `benches/gates.toml` gates `{id}`, but no benchmark has that id.\n"
        )
        .unwrap();
    }
    s
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart of each ratio, with its gate marked and the parity line at 1.0.
pub(crate) fn svg(rows: &[Row], meta: &Meta) -> String {
    const LABEL_W: f64 = 420.0;
    const PLOT_W: f64 = 460.0;
    const ROW_H: f64 = 22.0;
    const TOP: f64 = 56.0;
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
    let rows: Vec<&Row> = rows
        .iter()
        .filter(|r| r.result.skip_reason.is_none())
        .collect();
    let max_x = rows
        .iter()
        .copied()
        .flat_map(|r| [finite(r.result.ratio_q3), r.gate.map_or(0.0, |g| g.max)])
        .fold(1.5_f64, f64::max)
        .min(4.0)
        * 1.05;
    let x = |r: f64| LABEL_W + (r.clamp(0.0, max_x) / max_x) * PLOT_W;
    let height = TOP + ROW_H * rows.len() as f64 + 40.0;
    let width = LABEL_W + PLOT_W + 140.0;
    let mut s = String::new();
    let w = &mut s;
    writeln!(w, r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">"#).unwrap();
    writeln!(w, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##).unwrap();
    writeln!(w, r#"<text x="10" y="20" font-size="15" font-weight="bold">perfkit: ours / peer (lower is better)</text>"#).unwrap();
    writeln!(
        w,
        r##"<text x="10" y="38" fill="#555">{} · {} · {} cores · {}</text>"##,
        xml_escape(&meta.command),
        xml_escape(&meta.date),
        meta.cores,
        xml_escape(&meta.cpu)
    )
    .unwrap();
    // Axis ticks every 0.25 (or 0.5 when wide).
    let step = if max_x > 2.5 { 0.5 } else { 0.25 };
    let mut t = 0.0;
    while t <= max_x + 1e-9 {
        let tx = x(t);
        writeln!(
            w,
            r##"<line x1="{tx:.1}" y1="{TOP}" x2="{tx:.1}" y2="{:.1}" stroke="#eeeeee"/>"##,
            height - 34.0
        )
        .unwrap();
        writeln!(
            w,
            r##"<text x="{tx:.1}" y="{:.1}" text-anchor="middle" fill="#555">{t:.2}</text>"##,
            height - 20.0
        )
        .unwrap();
        t += step;
    }
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + ROW_H * i as f64;
        let m = &r.result;
        let color = match r.verdict {
            Verdict::Pass | Verdict::PassRemeasured => "#3a9a4a",
            Verdict::Fail => "#d03a2a",
            Verdict::Ungated | Verdict::Ran | Verdict::Skipped => "#8a8a8a",
        };
        let label = if m.skip_reason.is_some() {
            m.id.clone()
        } else {
            format!("{} ({} vs {})", m.id, m.ours_name, m.peer_name)
        };
        writeln!(
            w,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LABEL_W - 8.0,
            y + 15.0,
            xml_escape(&label)
        )
        .unwrap();
        let x0 = x(0.0);
        let x1 = x(finite(m.ratio).max(0.0));
        writeln!(w, r#"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{color}"><title>{}: {}</title></rect>"#, y + 4.0, (x1 - x0).max(1.0), ROW_H - 8.0, xml_escape(&m.id), fmt_ratio(m.ratio)).unwrap();
        // Interquartile range as a whisker.
        writeln!(
            w,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#222"/>"##,
            x(finite(m.ratio_q1)),
            y + 11.0,
            x(finite(m.ratio_q3)),
            y + 11.0
        )
        .unwrap();
        if let Some(g) = r.gate {
            let gx = x(g.max);
            writeln!(w, r##"<line x1="{gx:.1}" y1="{:.1}" x2="{gx:.1}" y2="{:.1}" stroke="#000" stroke-width="2"><title>gate {:.2}</title></line>"##, y + 1.0, y + ROW_H - 1.0, g.max).unwrap();
        }
        let over = if m.ratio > max_x { " ▶" } else { "" };
        writeln!(
            w,
            r#"<text x="{:.1}" y="{:.1}">{}{over} {}</text>"#,
            LABEL_W + PLOT_W + 8.0,
            y + 15.0,
            fmt_ratio(m.ratio),
            xml_escape(r.verdict.label())
        )
        .unwrap();
    }
    let px = x(1.0);
    writeln!(w, r##"<line x1="{px:.1}" y1="{:.1}" x2="{px:.1}" y2="{:.1}" stroke="#1a5fb4" stroke-dasharray="4 3"/>"##, TOP - 4.0, height - 34.0).unwrap();
    writeln!(
        w,
        r##"<text x="{px:.1}" y="{:.1}" text-anchor="middle" fill="#1a5fb4">parity</text>"##,
        TOP - 8.0
    )
    .unwrap();
    writeln!(w, "</svg>").unwrap();
    s
}

/// Machine-readable results.
fn json_report(rows: &[Row], missing: &[&String], meta: &Meta) -> String {
    let results: Vec<_> = rows
        .iter()
        .map(|r| {
            let m = &r.result;
            json!({
                "id": m.id, "kind": m.kind, "unit": m.unit,
                "ours_name": m.ours_name, "peer_name": m.peer_name,
                "ours": m.ours, "peer": m.peer, "ratio": m.ratio,
                "ratio_q1": m.ratio_q1, "ratio_q3": m.ratio_q3, "rounds": m.rounds,
                "gate": r.gate.map(|g| g.max), "verdict": r.verdict.label(), "first_ratio": r.first_ratio,
            })
        })
        .collect();
    let v = json!({
        "command": meta.command, "mode": meta.mode.as_str(), "date": meta.date,
        "cpu": meta.cpu, "gates": meta.gates, "cores": meta.cores, "rustc": meta.rustc,
        "results": results, "missing_benchmarks_for_gates": missing,
    });
    serde_json::to_string_pretty(&v).expect("serializing a JSON value") + "\n"
}

/// Writes report.md, report.svg and report.json into `dir`.
pub(crate) fn write_all(
    dir: &Path,
    rows: &[Row],
    missing: &[&String],
    meta: &Meta,
) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, text) in [
        ("report.md", markdown(rows, missing, meta)),
        ("report.svg", svg(rows, meta)),
        ("report.json", json_report(rows, missing, meta)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_778), (2026, 11, 21));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn amounts() {
        assert_eq!(fmt_amount(999.0, "time", "ns"), "999.0 ns");
        assert_eq!(fmt_amount(1_500.0, "time", "ns"), "1.50 µs");
        assert_eq!(fmt_amount(2_500_000.0, "time", "ns"), "2.50 ms");
        assert_eq!(fmt_amount(18.0, "value", "reallocs"), "18 reallocs");
        assert_eq!(fmt_amount(8.388, "value", "B/elem"), "8.388 B/elem");
        assert_eq!(
            fmt_rate(1e6, &Some(("bytes".into(), 8_000_000))),
            "8.00 GB/s"
        );
        assert_eq!(fmt_rate(1e6, &Some(("elements".into(), 1000))), "1.0 M/s");
        assert_eq!(fmt_ratio(f64::INFINITY), "inf");
    }
}
