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

/// Parses the gates file's text.
pub(crate) fn parse(text: &str) -> Result<Gates, String> {
    let table: toml::Table = text.parse().map_err(|e| format!("{e}"))?;
    let mut gates = Gates::new();
    for (key, value) in &table {
        if key != "gates" {
            return Err(format!("unexpected top-level key {key:?} (only [gates])"));
        }
        let entries = value.as_table().ok_or("[gates] must be a table")?;
        for (id, entry) in entries {
            let number =
                |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
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
    }
    Ok(gates)
}

/// Reads and parses the gates file.
pub(crate) fn load(path: &Path) -> Result<Gates, String> {
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
        let g = parse("[gates]\n\"a/b\" = { max = 1.1, reached = 1.0 }\n\"c\" = 2\n").unwrap();
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
    fn suggestions_are_ten_percent_up() {
        assert_eq!(suggest(0.5), 0.55);
        assert_eq!(suggest(0.0201), 0.023);
        assert_eq!(suggest(1.0), 1.1);
        assert_eq!(suggest(1.045), 1.15);
    }

    #[test]
    fn rejects_what_it_does_not_understand() {
        assert!(
            parse("[gate]\n")
                .unwrap_err()
                .contains("unexpected top-level key")
        );
        assert!(
            parse("[gates]\n\"a\" = { maxx = 1 }\n")
                .unwrap_err()
                .contains("unknown key")
        );
        assert!(
            parse("[gates]\n\"a\" = { reached = 1 }\n")
                .unwrap_err()
                .contains("needs a numeric `max`")
        );
        assert!(
            parse("[gates]\n\"a\" = -1\n")
                .unwrap_err()
                .contains("positive")
        );
        assert!(
            parse("[gates]\n\"a\" = \"x\"\n")
                .unwrap_err()
                .contains("number or a table")
        );
    }
}
