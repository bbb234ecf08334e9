//! fieldvalue timings: each against the clone-heavy design it replaces (benches/src/trades.rs),
//! in the same run, on the 10-field trade record.

use std::collections::HashMap;
use std::fmt::Write;
use std::hint::black_box;
use std::sync::Arc;

use fieldvalue::{FieldValue, Str, StreamRecord, Table, TargetType};
use perfkit_benches::data::Rng;
use perfkit_benches::trades::{self, old};
use perfkit_benches::{Suite, iter};

/// Records per iteration where a benchmark walks a pool of them.
const POOL: usize = 1024;

fn record_benches(s: &mut Suite) {
    let schema = trades::trade_schema();
    let input = trades::trades(POOL, 1);
    let ours: Arc<Vec<StreamRecord>> =
        Arc::new(input.iter().map(|t| trades::record(&schema, t)).collect());
    let theirs: Arc<Vec<old::Record>> = Arc::new(input.iter().map(old::record).collect());

    let (o, t) = (ours.clone(), theirs.clone());
    s.time(
        "record/clone/vs-deep-clone",
        (
            "StreamRecord",
            iter(move || {
                for r in o.iter() {
                    black_box(r.clone());
                }
            }),
        ),
        (
            "HashMap record",
            iter(move || {
                for r in t.iter() {
                    black_box(r.clone());
                }
            }),
        ),
    )
    .elements(POOL as u64);

    let (sc, inp, inp2) = (
        schema.clone(),
        Arc::new(input.clone()),
        Arc::new(input.clone()),
    );
    s.time(
        "record/build/vs-hashmap",
        (
            "StreamRecord",
            iter(move || {
                for t in inp.iter() {
                    black_box(trades::record(&sc, t));
                }
            }),
        ),
        (
            "HashMap record",
            iter(move || {
                for t in inp2.iter() {
                    black_box(old::record(t));
                }
            }),
        ),
    )
    .elements(POOL as u64);

    let out = trades::output_schema();
    let decimal: TargetType = "DECIMAL(18,4)".parse().expect("a valid type");
    let (o, t) = (ours.clone(), theirs.clone());
    s.time(
        "record/transform/vs-hashmap",
        (
            "StreamRecord",
            iter(move || {
                for r in o.iter() {
                    black_box(trades::transform(&out, decimal, r).expect("valid trades"));
                }
            }),
        ),
        (
            "HashMap record",
            iter(move || {
                for r in t.iter() {
                    black_box(old::transform(r).expect("valid trades"));
                }
            }),
        ),
    )
    .elements(POOL as u64);

    let (o, t) = (ours.clone(), theirs.clone());
    let mut buf = String::with_capacity(256);
    s.time(
        "record/display/vs-to-string",
        (
            "Display into a buffer",
            iter(move || {
                let mut n = 0;
                for r in o.iter() {
                    buf.clear();
                    let _ = write!(buf, "{r}");
                    n += buf.len();
                }
                n
            }),
        ),
        (
            "to_string per field",
            iter(move || {
                let mut n = 0;
                for r in t.iter() {
                    n += black_box(r.to_string()).len();
                }
                n
            }),
        ),
    )
    .elements(POOL as u64);
    // The same text from both (the baseline has the -0.5 sign bug, but trade prices are
    // positive): the comparison is like for like.
    assert_eq!(ours[0].to_string(), theirs[0].to_string());
}

fn table_benches(s: &mut Suite) {
    // Streaming: 1M records through stream_batch(1024).
    const STREAM: usize = 1_000_000;
    let schema = trades::trade_schema();
    let input = trades::trades(STREAM, 2);
    let mut ours = Table::new(schema.clone(), "trader_id").expect("a field of the schema");
    ours.reserve(STREAM);
    let mut theirs = old::Table::default();
    for t in &input {
        ours.insert(trades::record(&schema, t))
            .expect("unique keys");
        theirs.insert(old::record(t));
    }
    drop(input);
    let ours = Arc::new(ours);
    let theirs = Arc::new(theirs);
    let (o, t) = (ours.clone(), theirs.clone());
    s.time(
        "table/stream-1m/batch-1024/vs-deep-clone",
        (
            "Table::stream_batch",
            iter(move || {
                o.rewind();
                let mut n = 0;
                loop {
                    let batch = o.stream_batch(1024);
                    if batch.is_empty() {
                        break n;
                    }
                    n += black_box(batch).len();
                }
            }),
        ),
        (
            "cloned batches",
            iter(move || {
                let mut n = 0;
                let mut start = 0;
                loop {
                    let batch = t.stream_batch(start, 1024);
                    if batch.is_empty() {
                        break n;
                    }
                    start += batch.len();
                    n += black_box(batch).len();
                }
            }),
        ),
    )
    .elements(STREAM as u64);
    drop((ours, theirs));

    // Lookups in a 100K-record table, keys in random order.
    const KEYS: usize = 100_000;
    let input = trades::trades(KEYS, 3);
    let mut ours = Table::new(schema.clone(), "trader_id").expect("a field of the schema");
    let mut theirs = old::Table::default();
    for t in &input {
        ours.insert(trades::record(&schema, t))
            .expect("unique keys");
        theirs.insert(old::record(t));
    }
    let mut rng = Rng::new(4);
    let picks: Vec<usize> = (0..POOL).map(|_| rng.range(0, KEYS - 1)).collect();
    let our_keys: Vec<FieldValue> = picks
        .iter()
        .map(|&i| FieldValue::string(&input[i].trader_id))
        .collect();
    let their_keys: Vec<String> = picks.iter().map(|&i| input[i].trader_id.clone()).collect();
    let ours = Arc::new(ours);
    let o = ours.clone();
    s.time(
        "table/lookup-100k/vs-hashmap",
        (
            "Table::get",
            iter(move || {
                let mut n = 0;
                for k in &our_keys {
                    n += o.get(k).map_or(0, |r| r.values().len());
                }
                n
            }),
        ),
        (
            "HashMap<String, record>",
            iter(move || {
                let mut n = 0;
                for k in &their_keys {
                    n += theirs.get(k).map_or(0, |r| r.fields.len());
                }
                n
            }),
        ),
    )
    .elements(POOL as u64);

    // The transformation over the 100K table: rayon batches against one thread.
    let out = trades::output_schema();
    let decimal: TargetType = "DECIMAL(18,4)".parse().expect("a valid type");
    let o3 = ours.clone();
    s.time(
        "table/par-transform-init-100k/vs-sequential",
        (
            "par_transform_init(1024)",
            iter(move || {
                o3.par_transform_init(1024, trades::output_schema, |out, r| {
                    trades::transform(out, decimal, r).expect("valid trades")
                })
                .len()
            }),
        ),
        ("one thread", {
            let (o, out) = (ours.clone(), out.clone());
            iter(move || {
                o.records()
                    .iter()
                    .map(|r| trades::transform(&out, decimal, r))
                    .collect::<Result<Vec<_>, _>>()
                    .expect("valid trades")
                    .len()
            })
        }),
    )
    .elements(KEYS as u64);
    let (o1, o2, out2) = (ours.clone(), ours, out.clone());
    s.time(
        "table/par-transform-100k/vs-sequential",
        (
            "par_transform(1024)",
            iter(move || {
                o1.try_par_transform(1024, |r| trades::transform(&out, decimal, r))
                    .expect("valid trades")
                    .len()
            }),
        ),
        (
            "one thread",
            iter(move || {
                o2.records()
                    .iter()
                    .map(|r| trades::transform(&out2, decimal, r))
                    .collect::<Result<Vec<_>, _>>()
                    .expect("valid trades")
                    .len()
            }),
        ),
    )
    .elements(KEYS as u64);
}

fn string_benches(s: &mut Suite) {
    // Why short strings are inline: building and cloning one against an `Arc<str>`.
    let words: Arc<Vec<String>> = Arc::new(
        ["AAPL", "SELL", "XNAS", "TRD-00001234", "BRK.B", "NESN.SW"]
            .iter()
            .cycle()
            .take(POOL)
            .map(|w| w.to_string())
            .collect(),
    );
    let (w1, w2) = (words.clone(), words.clone());
    s.time(
        "string/build-short/vs-arc-str",
        (
            "Str (inline)",
            iter(move || {
                for w in w1.iter() {
                    black_box(Str::new(w));
                }
            }),
        ),
        (
            "Arc<str>",
            iter(move || {
                for w in w2.iter() {
                    black_box(Arc::<str>::from(w.as_str()));
                }
            }),
        ),
    )
    .elements(POOL as u64);
    let ours: Arc<Vec<Str>> = Arc::new(words.iter().map(|w| Str::new(w)).collect());
    let theirs: Arc<Vec<Arc<str>>> =
        Arc::new(words.iter().map(|w| Arc::from(w.as_str())).collect());
    s.time(
        "string/clone-short/vs-arc-str",
        (
            "Str (inline)",
            iter(move || {
                for w in ours.iter() {
                    black_box(w.clone());
                }
            }),
        ),
        (
            "Arc<str>",
            iter(move || {
                for w in theirs.iter() {
                    black_box(w.clone());
                }
            }),
        ),
    )
    .elements(POOL as u64);
}

fn fields_benches(s: &mut Suite) {
    // Where a struct's fields switch from a scanned vector to a hash index: a scan against a
    // hash lookup, each looking up every name once, at several sizes.
    const NAMES: [&str; 32] = [
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
        "account",
        "book",
        "desk",
        "region",
        "currency",
        "exchange_rate",
        "settlement",
        "counterparty",
        "strategy",
        "order_id",
        "parent_id",
        "exec_id",
        "algo",
        "limit_price",
        "stop_price",
        "tif",
        "status",
        "filled",
        "remaining",
        "avg_price",
        "commission",
        "tax",
    ];
    for n in [4usize, 8, 12, 16, 24] {
        let pairs: Vec<(Str, FieldValue)> = NAMES[..n]
            .iter()
            .enumerate()
            .map(|(i, k)| (Str::new(k), FieldValue::Integer(i as i64)))
            .collect();
        let index: HashMap<Str, usize, foldhash::fast::RandomState> = pairs
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k.clone(), i))
            .collect();
        let probes: Vec<String> = NAMES[..n].iter().map(|k| k.to_string()).collect();
        let probes2 = probes.clone();
        s.time(
            &format!("fields/get-{n}/scan-vs-index"),
            (
                "scan",
                iter(move || {
                    let mut sum = 0;
                    for p in &probes {
                        sum += pairs
                            .iter()
                            .position(|(k, _)| k.as_str() == p.as_str())
                            .unwrap_or(0);
                    }
                    sum
                }),
            ),
            (
                "hash index",
                iter(move || {
                    let mut sum = 0;
                    for p in &probes2 {
                        sum += index.get(p.as_str()).copied().unwrap_or(0);
                    }
                    sum
                }),
            ),
        )
        .elements(n as u64);
    }
}

fn main() {
    let mut s = Suite::new("fieldvalue");
    record_benches(&mut s);
    string_benches(&mut s);
    fields_benches(&mut s);
    table_benches(&mut s);
    s.main();
}
