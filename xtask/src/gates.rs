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
