//! fieldvalue memory figures, counted by a counting global allocator (exact, not timed): heap
//! bytes per 10-field trade record with its strings, against the old `HashMap` record.

use std::hint::black_box;

use fieldvalue::Table;
use perfkit_benches::Suite;
use perfkit_benches::alloc_counter::{CountingAlloc, counts};
use perfkit_benches::trades::{self, old};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const N: usize = 10_000;

/// Live heap bytes per item after building `N` of them with `build` (kept alive while counted).
fn bytes_per<T>(build: impl Fn(usize) -> T) -> f64 {
    let before = counts().live_bytes;
    let items: Vec<T> = (0..N).map(&build).collect();
    let after = counts().live_bytes;
    let vec_bytes = (std::mem::size_of::<T>() * items.capacity()) as i64;
    drop(black_box(items));
    (after - before - vec_bytes) as f64 / N as f64
}

fn main() {
    let mut s = Suite::new("fieldvalue");
    let input = trades::trades(N, 5);
    let schema = trades::trade_schema();
    let (i1, i2, sc) = (input.clone(), input.clone(), schema.clone());
    s.value(
        "record/heap-bytes/vs-hashmap",
        "B/record",
        ("StreamRecord", move || {
            bytes_per(|i| trades::record(&sc, &i1[i]))
        }),
        ("HashMap record", move || bytes_per(|i| old::record(&i2[i]))),
    );
    // In a keyed table: the record, its `Arc`, the key index; everything the table holds.
    let (i1, i2) = (input.clone(), input);
    s.value(
        "table/heap-bytes-per-record/vs-hashmap",
        "B/record",
        ("Table", move || {
            let before = counts().live_bytes;
            let mut t = Table::new(schema.clone(), "trader_id").expect("a field");
            for tr in &i1 {
                t.insert(trades::record(&schema, tr)).expect("unique keys");
            }
            let bytes = counts().live_bytes - before;
            drop(black_box(t));
            bytes as f64 / N as f64
        }),
        ("HashMap table", move || {
            let before = counts().live_bytes;
            let mut t = old::Table::default();
            for tr in &i2 {
                t.insert(old::record(tr));
            }
            let bytes = counts().live_bytes - before;
            drop(black_box(t));
            bytes as f64 / N as f64
        }),
    );
    s.main();
}
