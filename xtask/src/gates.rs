//! `benches/gates.toml`: the worst acceptable ratio of each gated benchmark.

use std::collections::BTreeMap;
use std::path::Path;

/// One benchmark's gate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Gate {
    /// The worst acceptable ratio (ours / peer; lower is better).
    pub(crate) max: f64,
    /// The ratio measured when the gate was set (documentation; the gate is this plus 10%).
    pub(crate) reached: Option<f64>,
}

/// Gates by benchmark id.
pub(crate) type Gates = BTreeMap<String, Gate>;

/// The gates file: the gates of the machine they were first set on (`[gates]`), and profiles
/// of gates measured on other kinds of machine (`[machines.NAME]`). Ratios against a peer depend
/// on the CPU (another cache, another branch predictor, another cost for the same instruction),
/// so a gate set on one kind of machine can fail on another with nothing changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct GateFile {
    pub(crate) default: Gates,
    pub(crate) machines: Vec<Machine>,
}

/// A profile: gates measured on machines whose CPU model name contains `cpu`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Machine {
    pub(crate) name: String,
    pub(crate) cpu: String,
    pub(crate) gates: Gates,
}

impl GateFile {
    /// The gates in force on a CPU of this model name: those of the profile whose `cpu` it
    /// contains (the longest such `cpu`, the most specific, where several do), over `[gates]`
    /// for the benchmarks that profile does not list; and that profile's name (`None`: `[gates]`
    /// alone).
    pub(crate) fn for_cpu(&self, model: &str) -> (Option<&str>, Gates) {
        let mut gates = self.default.clone();
        let matching = self.machines.iter().filter(|m| model.contains(&m.cpu));
        match matching.max_by_key(|m| m.cpu.len()) {
            Some(m) => {
                gates.extend(m.gates.iter().map(|(id, g)| (id.clone(), *g)));
                (Some(&m.name), gates)
            }
            None => (None, gates),
        }
    }

    /// Every benchmark id with a gate, in `[gates]` or in any profile.
    pub(crate) fn ids(&self) -> impl Iterator<Item = &String> {
        let mut ids: Vec<&String> = self.default.keys().collect();
        for m in &self.machines {
            ids.extend(m.gates.keys());
        }
        ids.sort();
        ids.dedup();
        ids.into_iter()
    }
}

/// Parses the gates file's text.
pub(crate) fn parse(text: &str) -> Result<GateFile, String> {
    let table: toml::Table = text.parse().map_err(|e| format!("{e}"))?;
    let mut file = GateFile::default();
    for (key, value) in &table {
        match key.as_str() {
            "gates" => file.default = parse_gates(value, "[gates]")?,
            "machines" => {
                let machines = value.as_table().ok_or("[machines] must be a table")?;
                for (name, m) in machines {
                    let at = format!("[machines.{name}]");
                    let m = m.as_table().ok_or(format!("{at} must be a table"))?;
                    for k in m.keys() {
                        if k != "cpu" && k != "gates" {
                            return Err(format!("{at}: unknown key {k:?} (cpu, gates)"));
                        }
                    }
                    let cpu = m
                        .get("cpu")
                        .and_then(toml::Value::as_str)
                        .filter(|c| !c.is_empty())
                        .ok_or(format!("{at} needs `cpu`, part of a CPU model name"))?;
                    let gates = m
                        .get("gates")
                        .ok_or(format!("{at} needs a [machines.{name}.gates] table"))?;
                    file.machines.push(Machine {
                        name: name.clone(),
                        cpu: cpu.to_owned(),
                        gates: parse_gates(gates, &format!("[machines.{name}.gates]"))?,
                    });
                }
            }
            _ => {
                return Err(format!(
                    "unexpected top-level key {key:?} (only [gates] and [machines])"
                ));
            }
        }
    }
    Ok(file)
}

/// Parses one table of gates (`at` names it in errors).
fn parse_gates(value: &toml::Value, at: &str) -> Result<Gates, String> {
    let mut gates = Gates::new();
    let entries = value.as_table().ok_or(format!("{at} must be a table"))?;
    for (id, entry) in entries {
        let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
        let gate = match entry {
            toml::Value::Table(t) => {
                for k in t.keys() {
                    if k != "max" && k != "reached" {
                        return Err(format!("gate {id:?}: unknown key {k:?} (max, reached)"));
                    }
                }
                let max = t
                    .get("max")
                    .and_then(number)
                    .ok_or(format!("gate {id:?} needs a numeric `max`"))?;
                Gate {
                    max,
                    reached: t.get("reached").and_then(number),
                }
            }
            v => Gate {
                max: number(v).ok_or(format!("gate {id:?} must be a number or a table"))?,
                reached: None,
            },
        };
        if !(gate.max.is_finite() && gate.max > 0.0) {
            return Err(format!("gate {id:?}: max must be a positive number"));
        }
        gates.insert(id.clone(), gate);
    }
    Ok(gates)
}

/// Which gates are in force, for the report: `[gates]`, or a profile over it.
pub(crate) fn describe(profile: Option<&str>, cpu: &str) -> String {
    match profile {
        Some(name) => {
            format!("benches/gates.toml [machines.{name}] (matches {cpu:?}) over [gates]")
        }
        None => format!("benches/gates.toml [gates] (no machine profile matches {cpu:?})"),
    }
}

/// Reads and parses the gates file.
pub(crate) fn load(path: &Path) -> Result<GateFile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The gate for a worst reached ratio: 10% above it, rounded up to three significant decimals
/// below 1 and two above.
pub(crate) fn suggest(worst: f64) -> f64 {
    let g = worst * 1.10;
    let scale = if g < 1.0 { 1000.0 } else { 100.0 };
    (g * scale - 1e-9).ceil() / scale
}

/// `cargo xtask gates REPORT.json...`: the worst ratio of each benchmark over several reports
/// (processes, builds) and the gate that follows from it, next to the gate in force.
pub(crate) fn report(paths: &[std::path::PathBuf], current: &Gates) -> Result<String, String> {
    if paths.is_empty() {
        return Err("give one or more report.json files (from target/perfkit-report/)".into());
    }
    let mut worst: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let results = v["results"]
            .as_array()
            .ok_or(format!("{}: no results", path.display()))?;
        for r in results {
            let (Some(id), Some(ratio)) = (r["id"].as_str(), r["ratio"].as_f64()) else {
                continue;
            };
            let e = worst.entry(id.to_owned()).or_insert((f64::MIN, 0));
            e.0 = e.0.max(ratio);
            e.1 += 1;
        }
    }
    let mut out = String::new();
    for (id, (w, n)) in &worst {
        let now = current
            .get(id)
            .map_or("-".to_owned(), |g| g.max.to_string());
        let flag = match current.get(id) {
            Some(g) if g.max < *w => "  <- gate below the worst measured",
            _ => "",
        };
        out += &format!(
            "\"{id}\" = {{ max = {}, reached = {w:.3} }}  # {n} runs; now {now}{flag}\n",
            suggest(*w)
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tables_and_plain_numbers() {
        let g = parse("[gates]\n\"a/b\" = { max = 1.1, reached = 1.0 }\n\"c\" = 2\n")
            .unwrap()
            .default;
        assert_eq!(
            g["a/b"],
            Gate {
                max: 1.1,
                reached: Some(1.0)
            }
        );
        assert_eq!(
            g["c"],
            Gate {
                max: 2.0,
                reached: None
            }
        );
    }

    #[test]
    fn machine_profiles_override_the_default_where_the_cpu_matches() {
        let file = parse(
            "[gates]\n\"a\" = 1.1\n\"b\" = 1.2\n\
             [machines.xeon]\ncpu = \"Intel(R) Xeon(R)\"\n\
             [machines.xeon.gates]\n\"b\" = 1.5\n\"c\" = 0.5\n\
             [machines.epyc]\ncpu = \"AMD EPYC\"\n[machines.epyc.gates]\n\"a\" = 0.9\n",
        )
        .unwrap();
        let (name, g) = file.for_cpu("Intel(R) Xeon(R) Processor");
        assert_eq!(name, Some("xeon"));
        let max = |g: &Gates, id: &str| g.get(id).map(|g| g.max);
        assert_eq!(
            [max(&g, "a"), max(&g, "b"), max(&g, "c")],
            [Some(1.1), Some(1.5), Some(0.5)]
        );
        let (name, g) = file.for_cpu("AMD EPYC 9R14");
        assert_eq!(name, Some("epyc"));
        assert_eq!(
            [max(&g, "a"), max(&g, "b"), max(&g, "c")],
            [Some(0.9), Some(1.2), None]
        );
        let specific = parse(
            "[machines.xeon]\ncpu = \"Xeon\"\n[machines.xeon.gates]\n\"a\" = 1\n\
             [machines.gold]\ncpu = \"Xeon(R) Gold\"\n[machines.gold.gates]\n\"a\" = 2\n",
        )
        .unwrap();
        assert_eq!(
            specific.for_cpu("Intel(R) Xeon(R) Gold 6338").0,
            Some("gold")
        );
        assert_eq!(
            specific.for_cpu("Intel(R) Xeon(R) Platinum").0,
            Some("xeon")
        );
        let (name, g) = file.for_cpu("Apple M2");
        assert_eq!(name, None);
        assert_eq!(g, file.default);
        let ids: Vec<&String> = file.ids().collect();
        assert_eq!(ids, ["a", "b", "c"]);
        rejects("[machines.x]\n[machines.x.gates]\n", "needs `cpu`");
        rejects("[machines.x]\ncpu = \"X\"\n", "needs a [machines.x.gates]");
        rejects(
            "[machines.x]\ncpu = \"X\"\nspeed = 1\n[machines.x.gates]\n",
            "unknown key",
        );
    }

    /// Asserts that `text` is rejected with an error that mentions `what`.
    #[track_caller]
    fn rejects(text: &str, what: &str) {
        let err = parse(text).expect_err("rejected");
        assert!(err.contains(what), "{err:?} does not mention {what:?}");
    }

    #[test]
    fn suggestions_are_ten_percent_up() {
        assert_eq!(suggest(0.5), 0.55);
        assert_eq!(suggest(0.0201), 0.023);
        assert_eq!(suggest(1.0), 1.1);
        assert_eq!(suggest(1.045), 1.15);
    }

    #[test]
    fn rejects_what_it_does_not_understand() {
        rejects("[gate]\n", "unexpected top-level key");
        rejects("[gates]\n\"a\" = { maxx = 1 }\n", "unknown key");
        rejects(
            "[gates]\n\"a\" = { reached = 1 }\n",
            "needs a numeric `max`",
        );
        rejects("[gates]\n\"a\" = -1\n", "positive");
        rejects("[gates]\n\"a\" = \"x\"\n", "number or a table");
    }
}
