use std::collections::HashMap;

use proptest::prelude::*;
use sync_prims::{RcuCell, RcuMap, StripedMap};

use crate::scale;

#[test]
fn rcu_map_concurrent_inserts_of_distinct_keys_all_survive() {
    let map = RcuMap::new();
    let (threads, per_thread) = (4, scale(300, 8));
    std::thread::scope(|s| {
        for t in 0..threads {
            let map = &map;
            s.spawn(move || {
                for i in 0..per_thread {
                    assert_eq!(map.insert(t * 10_000 + i, i), None);
                }
            });
        }
    });
    assert_eq!(map.len(), threads * per_thread);
    for t in 0..threads {
        for i in 0..per_thread {
            assert_eq!(map.get(&(t * 10_000 + i)), Some(i));
        }
    }
}

#[test]
fn rcu_readers_see_writes() {
    let map = RcuMap::new();
    map.insert("k".to_string(), 1);
    let mut reader = map.reader();
    assert_eq!(reader.get("k"), Some(&1));
    map.insert("k".to_string(), 2);
    assert_eq!(
        reader.get("k"),
        Some(&2),
        "a cached reader picks up the write"
    );
    assert_eq!(map.remove("k"), Some(2));
    assert_eq!(reader.get("k"), None);
    assert_eq!(map.remove("k"), None);
    map.update(|m| {
        m.insert("a".into(), 1);
        m.insert("b".into(), 2);
    });
    assert_eq!(map.get_with("b", |v| v * 10), Some(20));
    assert!(map.contains_key("a") && !map.is_empty());
    let old = map.rcu(|m| m.iter().map(|(k, v)| (k.clone(), v + 1)).collect());
    assert_eq!(old.get("a"), Some(&1));
    assert_eq!(map.load().get("a"), Some(&2));

    let cell = RcuCell::new(1);
    let mut r = cell.reader();
    assert_eq!(**r.load(), 1);
    assert_eq!(*cell.swap(2), 1);
    assert_eq!(**r.load(), 2);
    cell.rcu(|v| v + 1);
    assert_eq!(*cell.load_full(), 3);
}

#[test]
fn rcu_cell_concurrent_updates_are_not_lost() {
    let cell = RcuCell::new(0u64);
    let n = scale(5_000, 20) as u64;
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..n {
                    cell.update(|v| *v += 1);
                }
            });
        }
    });
    assert_eq!(**cell.load(), 2 * n);
}

#[test]
fn striped_map_concurrent_entry_updates_are_exact() {
    let map = StripedMap::with_shards(4);
    let (threads, n, keys) = (4, scale(20_000, 30), 16u64);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for i in 0..n as u64 {
                    map.entry(i % keys, |e| *e.or_insert(0u64) += 1);
                }
            });
        }
    });
    let total: u64 = (0..keys).map(|k| map.get(&k).unwrap()).sum();
    assert_eq!(total, (threads * n) as u64);
    assert_eq!(map.len(), keys as usize);
    assert_eq!(map.shards(), 4);
    map.clear();
    assert!(map.is_empty());
}

#[test]
fn striped_map_entry_api() {
    use sync_prims::Entry;
    let m = StripedMap::with_shards(1);
    assert_eq!(m.shards(), 1);
    m.entry("a", |e| {
        assert!(matches!(e, Entry::Vacant(_)));
        assert_eq!(*e.key(), "a");
        *e.or_default() += 1;
    });
    m.entry("a", |e| e.and_modify(|v| *v *= 10).or_insert(0).to_owned());
    assert_eq!(m.get("a"), Some(10));
    let removed = m.entry("a", |e| match e {
        Entry::Occupied(mut o) => {
            assert_eq!(o.insert(11), 10);
            assert_eq!((*o.key(), *o.get()), ("a", 11));
            Some(o.remove())
        }
        Entry::Vacant(_) => None,
    });
    assert_eq!(removed, Some(("a", 11)));
    assert!(!m.contains_key("a"));
    assert_eq!(m.get_with("a", |v| *v), None);
    m.insert("b", 2);
    assert_eq!(format!("{m:?}"), r#"{"b": 2}"#);
}

#[derive(Clone, Debug)]
enum Op {
    Insert(u8, u32),
    Remove(u8),
    Get(u8),
    Bump(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<u8>(), any::<u32>()).prop_map(|(k, v)| Op::Insert(k, v)),
        any::<u8>().prop_map(Op::Remove),
        any::<u8>().prop_map(Op::Get),
        any::<u8>().prop_map(Op::Bump),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 4 } else { 256 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Both maps behave like a `HashMap` on any sequence of operations.
    #[test]
    fn maps_match_a_hash_map(ops in proptest::collection::vec(op(), 0..64)) {
        let mut model = HashMap::new();
        let striped = StripedMap::with_shards(4);
        let rcu = RcuMap::new();
        for op in ops {
            match op {
                Op::Insert(k, v) => {
                    let expected = model.insert(k, v);
                    prop_assert_eq!(striped.insert(k, v), expected);
                    prop_assert_eq!(rcu.insert(k, v), expected);
                }
                Op::Remove(k) => {
                    let expected = model.remove(&k);
                    prop_assert_eq!(striped.remove(&k), expected);
                    prop_assert_eq!(rcu.remove(&k), expected);
                }
                Op::Get(k) => {
                    prop_assert_eq!(striped.get(&k), model.get(&k).copied());
                    prop_assert_eq!(rcu.get(&k), model.get(&k).copied());
                }
                Op::Bump(k) => {
                    *model.entry(k).or_insert(0) += 1;
                    striped.entry(k, |e| *e.or_insert(0) += 1);
                    rcu.update(|m| *m.entry(k).or_insert(0) += 1);
                }
            }
        }
        prop_assert_eq!(striped.len(), model.len());
        prop_assert_eq!(&*rcu.load_full(), &model);
    }
}
