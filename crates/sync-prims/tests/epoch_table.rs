use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use sync_prims::EpochTable;

use crate::scale;

const ALIVE: u64 = 0xA11C_E0FF_A11C_E0FF;

/// A value that counts its drops and scrubs its canary when dropped.
#[derive(Debug)]
struct Tracked {
    canary: u64,
    id: usize,
    drops: Arc<AtomicUsize>,
}

impl Tracked {
    fn new(id: usize, drops: &Arc<AtomicUsize>) -> Self {
        Self {
            canary: ALIVE,
            id,
            drops: Arc::clone(drops),
        }
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        assert_eq!(self.canary, ALIVE, "dropped twice");
        self.canary = 0;
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

/// Pins and flushes until `drops` reaches `expected` (deferred drops run as the epoch advances).
fn collect_until(drops: &AtomicUsize, expected: usize) {
    for _ in 0..10_000 {
        if drops.load(Ordering::SeqCst) == expected {
            return;
        }
        crossbeam_epoch::pin().flush();
    }
    assert_eq!(
        drops.load(Ordering::SeqCst),
        expected,
        "values never reclaimed"
    );
}

#[test]
fn insert_get_replace_remove() {
    let drops = Arc::new(AtomicUsize::new(0));
    let t = EpochTable::with_capacity(4);
    assert_eq!(t.capacity(), 4);
    assert!(t.get(0).is_none());
    assert!(t.get(99).is_none(), "out of range reads are None");
    t.insert(1, Tracked::new(10, &drops)).unwrap();
    let back = t.insert(1, Tracked::new(11, &drops)).unwrap_err();
    assert_eq!(back.id, 11, "occupied slot gives the value back");
    drop(back);
    assert_eq!(t.get(1).unwrap().id, 10);
    assert_eq!(t.get_with(1, |v| v.id * 2), Some(20));
    let old = t.replace(1, Tracked::new(12, &drops)).unwrap();
    assert_eq!(old.id, 10);
    drop(old);
    assert_eq!(t.remove(1).unwrap().id, 12);
    assert!(t.remove(1).is_none());
    assert!(t.replace(2, Tracked::new(13, &drops)).is_none());
    {
        let pinned = t.pin();
        let mut seen = Vec::new();
        pinned.for_each(&[0, 2, 7], |i, v| seen.push((i, v.map(|v| v.id))));
        assert_eq!(seen, [(0, None), (2, Some(13)), (7, None)]);
    }
    drop(t);
    collect_until(&drops, 4);
}

#[test]
#[should_panic(expected = "slot index 4 out of range for an EpochTable of capacity 4")]
fn insert_out_of_range_panics_with_the_index() {
    let t = EpochTable::with_capacity(4);
    let _ = t.insert(4, 1u32);
}

#[test]
fn a_removed_value_lives_until_its_reader_unpins() {
    let drops = Arc::new(AtomicUsize::new(0));
    let t = EpochTable::with_capacity(1);
    t.insert(0, Tracked::new(1, &drops)).unwrap();
    let pinned = t.pin();
    let v = pinned.get(0).unwrap();
    std::thread::scope(|s| {
        s.spawn(|| {
            drop(t.remove(0));
            for _ in 0..scale(1000, 20) {
                crossbeam_epoch::pin().flush();
            }
        });
    });
    assert_eq!(drops.load(Ordering::SeqCst), 0, "freed under a reader");
    assert_eq!((v.canary, v.id), (ALIVE, 1));
    drop(pinned);
    collect_until(&drops, 1);
}

#[test]
fn readers_never_see_a_freed_value() {
    let drops = Arc::new(AtomicUsize::new(0));
    let slots = 8;
    let t = EpochTable::with_capacity(slots);
    let writes = scale(50_000, 30);
    let reads = scale(20_000, 20);
    std::thread::scope(|s| {
        s.spawn(|| {
            for i in 0..writes {
                let slot = i % slots;
                if i % 3 == 0 {
                    drop(t.remove(slot));
                } else {
                    drop(t.replace(slot, Tracked::new(i, &drops)));
                }
            }
        });
        for _ in 0..2 {
            s.spawn(|| {
                let all: Vec<usize> = (0..slots).collect();
                for _ in 0..reads {
                    let pinned = t.pin();
                    pinned.for_each(&all, |i, v| {
                        if let Some(v) = v {
                            assert_eq!(v.canary, ALIVE, "read a freed value");
                            assert_eq!(v.id % slots, i);
                        }
                    });
                    drop(pinned);
                    if let Some(v) = t.get(3) {
                        assert_eq!(v.canary, ALIVE);
                    }
                }
            });
        }
    });
    let inserted = (0..writes).filter(|i| i % 3 != 0).count();
    drop(t);
    collect_until(&drops, inserted);
}
