//! Schema, StreamRecord and Table.

use std::collections::HashSet;
use std::sync::Arc;

use fieldvalue::{
    FieldValue, Headers, RecordError, RecordMeta, Schema, StreamRecord, Table, TargetType,
};

fn schema() -> Arc<Schema> {
    Schema::new(["id", "symbol", "price"]).unwrap()
}

fn record(schema: &Arc<Schema>, id: i64, symbol: &str) -> StreamRecord {
    StreamRecord::new(
        schema.clone(),
        [
            FieldValue::Integer(id),
            FieldValue::string(symbol),
            FieldValue::scaled(id * 100, 2).unwrap(),
        ],
    )
    .unwrap()
}

#[test]
fn schema_lookup_and_errors() {
    let s = schema();
    assert_eq!(s.len(), 3);
    assert_eq!(s.index_of("symbol"), Some(1));
    assert_eq!(s.index_of("nope"), None);
    assert_eq!(s.name(2), Some("price"));
    assert_eq!(s.names().collect::<Vec<_>>(), ["id", "symbol", "price"]);
    assert_eq!(
        Schema::new(["a", "b", "a"]).unwrap_err(),
        RecordError::DuplicateField("a".into())
    );
    assert_eq!(
        StreamRecord::new(s, [FieldValue::Null]).unwrap_err(),
        RecordError::WrongArity {
            expected: 3,
            found: 1
        }
    );
}

#[test]
fn records_share_on_clone_and_copy_on_write() {
    let s = schema();
    let mut r = record(&s, 1, "AAPL").with_meta(RecordMeta {
        event_time_ms: Some(1_700_000_000_000),
        offset: 42,
        partition: 3,
        key: Some(FieldValue::string("AAPL")),
        headers: Headers::new([("source", "feed-a"), ("trace", "x1")]),
    });
    let before = Arc::strong_count(&s);
    let copy = r.clone();
    assert_eq!(Arc::strong_count(&s), before + 1);
    assert!(std::ptr::eq(copy.values().as_ptr(), r.values().as_ptr()));
    assert_eq!(copy.meta().headers.get("trace"), Some("x1"));
    assert_eq!(copy.meta().headers.len(), 2);

    r.set_by_name("symbol", FieldValue::string("MSFT")).unwrap();
    assert!(!std::ptr::eq(copy.values().as_ptr(), r.values().as_ptr()));
    assert_eq!(
        copy.get_by_name("symbol").and_then(FieldValue::as_str),
        Some("AAPL")
    );
    assert_eq!(
        r.get_by_name("symbol").and_then(FieldValue::as_str),
        Some("MSFT")
    );
    assert_eq!(
        r.set(3, FieldValue::Null),
        Err(RecordError::WrongArity {
            expected: 3,
            found: 4
        })
    );
    assert_eq!(
        r.set_by_name("zz", FieldValue::Null),
        Err(RecordError::UnknownField("zz".into()))
    );
    assert_eq!(r.get(0), Some(&FieldValue::Integer(1)));
    assert_eq!(r.get(9), None);
    assert_eq!(r.meta().offset, 42);
    assert_eq!(r.to_string(), "{id: 1, symbol: MSFT, price: 1.00}");
    assert_ne!(r, copy);
    assert_eq!(copy, copy.clone());
}

fn table(n: i64) -> Table {
    let s = schema();
    let mut t = Table::new(s.clone(), "id").unwrap();
    for i in 0..n {
        assert!(t.insert(record(&s, i, &format!("S{i}"))).unwrap().is_none());
    }
    t
}

#[test]
fn table_upserts_looks_up_and_removes() {
    let s = schema();
    let mut t = table(10);
    assert_eq!(t.len(), 10);
    // Numeric keys are found through any equal number.
    assert_eq!(
        t.get(&FieldValue::Integer(7))
            .unwrap()
            .get(1)
            .unwrap()
            .as_str(),
        Some("S7")
    );
    assert_eq!(
        t.get(&FieldValue::scaled(700, 2).unwrap()).unwrap().get(0),
        Some(&FieldValue::Integer(7))
    );
    assert!(t.get(&FieldValue::Integer(10)).is_none());
    // Replace in place.
    let old = t.insert(record(&s, 3, "NEW")).unwrap().unwrap();
    assert_eq!(old.get(1).unwrap().as_str(), Some("S3"));
    assert_eq!(t.records()[3].get(1).unwrap().as_str(), Some("NEW"));
    assert_eq!(t.len(), 10);
    // Remove moves the last record into the hole and keeps the index right.
    assert!(t.remove(&FieldValue::Integer(2)).is_some());
    assert!(t.remove(&FieldValue::Integer(2)).is_none());
    assert_eq!(t.len(), 9);
    for i in (0..10).filter(|&i| i != 2) {
        assert_eq!(
            t.get(&FieldValue::Integer(i)).unwrap().get(0),
            Some(&FieldValue::Integer(i))
        );
    }
    t.remove(&FieldValue::Integer(9)).unwrap();
    assert_eq!(t.len(), 8);
    // Errors.
    let other = Schema::new(["x"]).unwrap();
    let alien = StreamRecord::new(other, [FieldValue::Integer(1)]).unwrap();
    assert_eq!(t.insert(alien).unwrap_err(), RecordError::SchemaMismatch);
    let null_key = StreamRecord::new(
        s.clone(),
        [FieldValue::Null, FieldValue::Null, FieldValue::Null],
    )
    .unwrap();
    assert_eq!(t.insert(null_key).unwrap_err(), RecordError::NullKey);
    assert_eq!(
        Table::new(s, "nope").unwrap_err(),
        RecordError::UnknownField("nope".into())
    );
    // An equal schema that is a different allocation is accepted.
    let twin = Schema::new(["id", "symbol", "price"]).unwrap();
    t.insert(record(&twin, 100, "T")).unwrap();
    assert!(t.get(&FieldValue::Integer(100)).is_some());
}

#[test]
fn stream_batch_hands_out_every_record_once() {
    let t = table(2500);
    let mut seen = Vec::new();
    loop {
        let batch = t.stream_batch(1024);
        if batch.is_empty() {
            break;
        }
        assert!(batch.len() == 1024 || seen.len() + batch.len() == 2500);
        seen.extend(batch);
    }
    assert_eq!(seen.len(), 2500);
    assert!(seen.iter().zip(t.records()).all(|(a, b)| Arc::ptr_eq(a, b)));
    assert!(t.stream_batch(10).is_empty());
    t.rewind();
    assert_eq!(t.stream_batch(0).len(), 1);

    let sizes: Vec<usize> = t.stream_all_batched(1000).map(|b| b.len()).collect();
    assert_eq!(sizes, [1000, 1000, 500]);
    assert_eq!(table(0).stream_all_batched(8).count(), 0);
}

#[test]
fn concurrent_stream_batch_gives_disjoint_batches() {
    let t = table(10_000);
    let ids: Vec<Vec<i64>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let b = t.stream_batch(37);
                        if b.is_empty() {
                            return mine;
                        }
                        mine.extend(b.iter().map(|r| r.get(0).unwrap().as_i64().unwrap()));
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let all: Vec<i64> = ids.concat();
    assert_eq!(all.len(), 10_000);
    assert_eq!(all.iter().copied().collect::<HashSet<_>>().len(), 10_000);
}

#[test]
fn par_transform_keeps_order_and_stops_on_error() {
    let t = table(5000);
    let decimal = TargetType::parse("DECIMAL(18,4)").unwrap();
    let out = t.par_transform(64, |r| r.get(0).unwrap().cast_to(decimal).unwrap());
    assert_eq!(out.len(), 5000);
    for (i, v) in out.iter().enumerate() {
        assert_eq!(v, &FieldValue::Integer(i as i64));
        assert!(matches!(v, FieldValue::ScaledInteger(_, 4)));
    }
    let res: Result<Vec<FieldValue>, _> =
        t.try_par_transform(64, |r| r.get(0).unwrap().cast_to(TargetType::TinyInt));
    assert!(res.is_err());
    let ok: Result<Vec<i64>, RecordError> =
        t.try_par_transform(100, |r| Ok(r.get(0).unwrap().as_i64().unwrap() * 2));
    assert_eq!(ok.unwrap()[4999], 9998);
}

#[test]
fn par_transform_init_gives_each_batch_its_state() {
    let t = table(1000);
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let out = t.par_transform_init(
        100,
        || {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Schema::new(["twice"]).unwrap()
        },
        |schema, r| {
            let v = r
                .get(0)
                .unwrap()
                .checked_mul(&FieldValue::Integer(2))
                .unwrap();
            StreamRecord::new(schema.clone(), [v]).unwrap()
        },
    );
    assert_eq!(calls.into_inner(), 10);
    assert_eq!(out.len(), 1000);
    assert!(
        out.iter()
            .enumerate()
            .all(|(i, r)| r.get(0) == Some(&FieldValue::Integer(2 * i as i64)))
    );
}
