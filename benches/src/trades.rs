//! The fieldvalue benchmarks' input, a stream of 10-field trades, and the baseline: the design
//! fieldvalue replaces, kept here only to measure against.
//!
//! The baseline is the old engine's shape: `String` strings, a `HashMap<String, Value>` per
//! record, deep clones, `to_string()` formatting and casts that match the type name on every
//! call. Its arithmetic keeps the old engine's unchecked `i64` math (which is also why it had
//! the bugs fieldvalue's tests pin down); that makes it no slower than a checked version.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use fieldvalue::{FieldValue, Schema, StreamRecord, TargetType, TimeUnit};

use crate::data::Rng;

/// Ticker symbols of 1 to 8 characters.
const SYMBOLS: &[&str] = &[
    "AAPL", "MSFT", "GOOGL", "AMZN", "NVDA", "META", "TSLA", "BRK.B", "JPM", "V", "UNH", "XOM",
    "JNJ", "WMT", "PG", "MA", "HD", "CVX", "LLY", "ABBV", "BAC", "KO", "PEP", "COST", "AVGO",
    "ADBE", "CRM", "TMO", "CSCO", "ACN", "MCD", "NFLX", "AMD", "ORCL", "INTC", "QCOM", "IBM",
    "SBUX", "CAT", "GS", "BA", "GE", "NESN.SW", "SAP.DE", "ASML.AS", "7203.T", "RDSA.L", "MC.PA",
];
const VENUES: &[&str] = &["XNAS", "XNYS", "BATS", "ARCX", "IEXG", "XLON", "XETR"];

/// The field names of a trade, in order.
pub const TRADE_FIELDS: [&str; 10] = [
    "symbol",
    "price",
    "quantity",
    "side",
    "event_time",
    "trader_id",
    "venue",
    "active",
    "fee",
    "note",
];

/// The fields of the transformation's output, in order.
pub const OUTPUT_FIELDS: [&str; 6] = [
    "symbol",
    "price",
    "quantity",
    "side",
    "event_time",
    "notional",
];

/// One trade, as plain data both designs are built from.
#[derive(Clone, Debug)]
pub struct Trade {
    /// 1-8 characters.
    pub symbol: &'static str,
    /// Price x 10^4.
    pub price: i64,
    /// Shares.
    pub quantity: i64,
    /// `BUY` or `SELL`.
    pub side: &'static str,
    /// Milliseconds since the epoch.
    pub event_time_ms: i64,
    /// `TRD-` and 8 digits (12 characters), unique per trade.
    pub trader_id: String,
    /// A market identifier code.
    pub venue: &'static str,
    /// Whether the order is live.
    pub active: bool,
    /// Fee x 10^4.
    pub fee: i64,
}

/// `n` trades, the same on every run; trader ids are unique.
pub fn trades(n: usize, seed: u64) -> Vec<Trade> {
    let mut r = Rng::new(seed);
    (0..n)
        .map(|i| Trade {
            symbol: SYMBOLS[r.range(0, SYMBOLS.len() - 1)],
            price: r.range(10_000, 50_000_000) as i64,
            quantity: r.range(1, 100_000) as i64,
            side: if r.next_u64() & 1 == 0 { "BUY" } else { "SELL" },
            event_time_ms: 1_700_000_000_000 + (i as i64) * 7 + r.range(0, 6) as i64,
            trader_id: format!("TRD-{:08}", i),
            venue: VENUES[r.range(0, VENUES.len() - 1)],
            active: !r.next_u64().is_multiple_of(10),
            fee: r.range(0, 50_000) as i64,
        })
        .collect()
}

/// The trade schema.
pub fn trade_schema() -> Arc<Schema> {
    Schema::new(TRADE_FIELDS).expect("distinct names")
}

/// The transformation's output schema.
pub fn output_schema() -> Arc<Schema> {
    Schema::new(OUTPUT_FIELDS).expect("distinct names")
}

/// A trade as a fieldvalue record.
pub fn record(schema: &Arc<Schema>, t: &Trade) -> StreamRecord {
    StreamRecord::new(
        schema.clone(),
        [
            FieldValue::string(t.symbol),
            FieldValue::ScaledInteger(t.price, 4),
            FieldValue::Integer(t.quantity),
            FieldValue::string(t.side),
            FieldValue::Timestamp(t.event_time_ms, TimeUnit::Millisecond, None),
            FieldValue::string(&t.trader_id),
            FieldValue::string(t.venue),
            FieldValue::Boolean(t.active),
            FieldValue::ScaledInteger(t.fee, 4),
            FieldValue::Null,
        ],
    )
    .expect("ten values for ten fields")
}

/// The transformation with fieldvalue: project five fields, cast the quantity to
/// `DECIMAL(18,4)` (parsed once, by the caller), notional = price x quantity (checked), and
/// build the output record.
pub fn transform(
    out: &Arc<Schema>,
    decimal: TargetType,
    r: &StreamRecord,
) -> Result<StreamRecord, Box<dyn std::error::Error + Send + Sync>> {
    let v = r.values();
    let quantity = v[2].cast_to(decimal)?;
    let notional = v[1].checked_mul(&quantity)?;
    Ok(StreamRecord::new(
        out.clone(),
        [
            v[0].clone(),
            v[1].clone(),
            quantity,
            v[3].clone(),
            v[4].clone(),
            notional,
        ],
    )?)
}

/// The baseline: the old engine's value and record.
pub mod old {
    use super::*;

    /// The old dynamic value: owned `String`s, deep clones.
    #[derive(Clone, Debug, PartialEq)]
    pub enum Value {
        /// NULL.
        Null,
        /// TRUE/FALSE.
        Boolean(bool),
        /// A 64-bit integer.
        Integer(i64),
        /// A float.
        Float(f64),
        /// Fixed point.
        ScaledInteger(i64, u8),
        /// A string.
        String(String),
        /// Milliseconds since the epoch.
        Timestamp(i64),
        /// An array.
        Array(Vec<Value>),
        /// A struct.
        Struct(HashMap<String, Value>),
    }

    impl fmt::Display for Value {
        /// The old formatting: a `String` per piece, glued with `format!`.
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let text = match self {
                Value::Null => "NULL".to_string(),
                Value::Boolean(b) => b.to_string(),
                Value::Integer(v) => v.to_string(),
                Value::Float(v) => v.to_string(),
                Value::ScaledInteger(v, s) => {
                    let p = 10i64.pow(u32::from(*s));
                    format!("{}.{:0w$}", v / p, (v % p).abs(), w = usize::from(*s))
                }
                Value::String(s) => s.clone(),
                Value::Timestamp(ms) => {
                    let secs = ms.div_euclid(1000);
                    let days = secs.div_euclid(86_400);
                    let rest = secs.rem_euclid(86_400);
                    let (y, m, d) = civil(days);
                    format!(
                        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
                        y,
                        m,
                        d,
                        rest / 3600,
                        rest / 60 % 60,
                        rest % 60,
                        ms.rem_euclid(1000)
                    )
                }
                Value::Array(items) => format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Value::Struct(m) => format!(
                    "{{{}}}",
                    m.iter()
                        .map(|(k, v)| format!("{}: {}", k, v))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            f.write_str(&text)
        }
    }

    fn civil(days: i64) -> (i64, u32, u32) {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// The old record: a map from field name to value, and metadata.
    #[derive(Clone, Debug)]
    pub struct Record {
        /// The fields by name.
        pub fields: HashMap<String, Value>,
        /// Event time.
        pub timestamp: i64,
        /// Offset.
        pub offset: i64,
        /// Partition.
        pub partition: i32,
        /// Headers.
        pub headers: HashMap<String, String>,
    }

    impl fmt::Display for Record {
        /// The old record text: `{name: value, …}` via `to_string()` of each field.
        #[allow(
            clippy::to_string_in_format_args,
            reason = "the baseline is the old code, which built a String per field"
        )]
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let body = TRADE_FIELDS
                .iter()
                .filter_map(|k| {
                    self.fields
                        .get(*k)
                        .map(|v| format!("{}: {}", k, v.to_string()))
                })
                .collect::<Vec<_>>()
                .join(", ");
            write!(f, "{{{}}}", body)
        }
    }

    /// A trade as an old record.
    pub fn record(t: &Trade) -> Record {
        let mut fields = HashMap::new();
        fields.insert("symbol".to_string(), Value::String(t.symbol.to_string()));
        fields.insert("price".to_string(), Value::ScaledInteger(t.price, 4));
        fields.insert("quantity".to_string(), Value::Integer(t.quantity));
        fields.insert("side".to_string(), Value::String(t.side.to_string()));
        fields.insert("event_time".to_string(), Value::Timestamp(t.event_time_ms));
        fields.insert("trader_id".to_string(), Value::String(t.trader_id.clone()));
        fields.insert("venue".to_string(), Value::String(t.venue.to_string()));
        fields.insert("active".to_string(), Value::Boolean(t.active));
        fields.insert("fee".to_string(), Value::ScaledInteger(t.fee, 4));
        fields.insert("note".to_string(), Value::Null);
        Record {
            fields,
            timestamp: t.event_time_ms,
            offset: 0,
            partition: 0,
            headers: HashMap::new(),
        }
    }

    /// The old cast: the type name matched (and a DECIMAL's arguments parsed) on every call.
    pub fn cast(v: &Value, type_name: &str) -> Result<Value, String> {
        let upper = type_name.to_uppercase();
        match upper.as_str() {
            "INTEGER" | "INT" | "BIGINT" => match v {
                Value::Integer(i) => Ok(Value::Integer(*i)),
                Value::Float(f) => Ok(Value::Integer(*f as i64)),
                Value::ScaledInteger(x, s) => Ok(Value::Integer(x / 10i64.pow(u32::from(*s)))),
                other => Err(format!("cannot cast {:?} to {}", other, type_name)),
            },
            "STRING" | "VARCHAR" => Ok(Value::String(v.to_string())),
            t if t.starts_with("DECIMAL") => {
                let args = t
                    .trim_start_matches("DECIMAL")
                    .trim_matches(|c| c == '(' || c == ')');
                let parts: Vec<&str> = args.split(',').map(str::trim).collect();
                let scale: u8 = parts
                    .get(1)
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| format!("bad type {}", type_name))?;
                match v {
                    Value::Integer(i) => {
                        Ok(Value::ScaledInteger(i * 10i64.pow(u32::from(scale)), scale))
                    }
                    Value::ScaledInteger(x, s) if *s <= scale => Ok(Value::ScaledInteger(
                        x * 10i64.pow(u32::from(scale - s)),
                        scale,
                    )),
                    other => Err(format!("cannot cast {:?} to {}", other, type_name)),
                }
            }
            _ => Err(format!("unknown type {}", type_name)),
        }
    }

    /// The same transformation in the old design.
    pub fn transform(r: &Record) -> Result<Record, String> {
        let get = |k: &str| {
            r.fields
                .get(k)
                .cloned()
                .ok_or_else(|| format!("missing {k}"))
        };
        let quantity = cast(&get("quantity")?, "DECIMAL(18,4)")?;
        let price = get("price")?;
        let notional = match (&price, &quantity) {
            (Value::ScaledInteger(p, s), Value::ScaledInteger(q, t)) => {
                Value::ScaledInteger(p.wrapping_mul(*q), s + t)
            }
            _ => return Err("notional needs numbers".to_string()),
        };
        let mut fields = HashMap::new();
        fields.insert("symbol".to_string(), get("symbol")?);
        fields.insert("price".to_string(), price);
        fields.insert("quantity".to_string(), quantity);
        fields.insert("side".to_string(), get("side")?);
        fields.insert("event_time".to_string(), get("event_time")?);
        fields.insert("notional".to_string(), notional);
        Ok(Record {
            fields,
            timestamp: r.timestamp,
            offset: r.offset,
            partition: r.partition,
            headers: r.headers.clone(),
        })
    }

    /// The old table: records by key, streamed as deep-cloned batches. (Kept in a `Vec` with a
    /// key index, the old table's most favourable shape: streaming is only the clones.)
    #[derive(Debug, Default)]
    pub struct Table {
        /// The records, in insertion order.
        pub records: Vec<Record>,
        /// Key to position.
        pub index: HashMap<String, usize>,
    }

    impl Table {
        /// Inserts by the `trader_id` key.
        pub fn insert(&mut self, r: Record) {
            let key = match r.fields.get("trader_id") {
                Some(Value::String(s)) => s.clone(),
                _ => return,
            };
            match self.index.get(&key) {
                Some(&i) => self.records[i] = r,
                None => {
                    self.index.insert(key, self.records.len());
                    self.records.push(r);
                }
            }
        }

        /// The record with `key`.
        pub fn get(&self, key: &str) -> Option<&Record> {
            self.index.get(key).map(|&i| &self.records[i])
        }

        /// The batch starting at `start`: each record cloned.
        pub fn stream_batch(&self, start: usize, batch_size: usize) -> Vec<Record> {
            let end = (start + batch_size).min(self.records.len());
            self.records[start.min(end)..end].to_vec()
        }
    }
}
